"""Thm 8 limit (derived here): special cases, cross-checks with §2.1, validation, precision."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from w2s_theory import ridge
from w2s_theory import wridge as W
from w2s_theory.wridge import symbolic as S

pos = st.floats(-2.5, 2.5).map(lambda e: 10.0**e)
rat = st.floats(-2, 2).map(lambda e: 10.0**e)


@settings(deadline=None, derandomize=True, max_examples=40)
@given(phi=rat, psi=rat, lt=pos, ls=pos, s2=st.floats(0, 3), r2=st.floats(0.05, 5))
@example(phi=1.0, psi=1.0, lt=1e-2, ls=1e-2, s2=1.0, r2=1.0)
def test_omega_one_is_the_ridge_student_of_section_2_1(phi, psi, lt, ls, s2, r2):
    """ω = 1 (Γ = I) reproduces the foundation's independently written §2.1 formulas."""
    for rho in (0.0, 0.8):
        a = W.student_error(phi, psi, lt, ls, s2, r2, rho, 1.0)
        b = ridge.student_error(phi, psi, lt, ls, s2, r2)
        assert a == pytest.approx(b, rel=1e-12)
        g = W.error_gap(phi, psi, lt, ls, s2, r2, rho, 1.0)
        assert g == pytest.approx(ridge.error_gap(phi, psi, lt, ls, s2, r2), rel=1e-11, abs=1e-14 * b)


def test_ridge_part_equals_foundation_at_50_digits():
    rng = np.random.default_rng(3)
    with mpmath.workdps(50):
        for _ in range(10):
            args = [mpmath.mpf(10) ** mpmath.mpf(float(x)) for x in rng.uniform(-1.5, 1.5, 4)]
            args += [mpmath.mpf("0.7"), mpmath.mpf("1.3")]
            a = W.student_error(*args, mpmath.mpf("0.5"), mpmath.mpf(1))
            b = ridge.student_error(*args)
            assert isinstance(a, mpmath.mpf)
            assert abs(a - b) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("psi", [0.3, 1.0, 4.0])
@pytest.mark.parametrize("ls", [1e-3, 0.5, 20.0])
def test_perfect_teacher_and_aligned_unpenalised_direction_recovers_beta(psi, ls):
    """σ² = 0, ridgeless teacher with φ < 1 gives β_T = β; θ = β/‖β‖ unpenalised (ρ=1, ω=0):
    β itself has zero loss and zero penalty, so the student recovers β exactly: E_S = 0."""
    e = W.student_error_ridgeless_teacher(0.4, psi, ls, 0.0, 2.0, 1.0, 0.0)
    assert abs(e) < 1e-13
    # ... while the plain ridge student (ω = 1) keeps its shrinkage bias r² λ_S² m'_ψ > 0
    from w2s_theory.rmt import mp_functional
    want = 2.0 * mp_functional("b", psi, ls)
    assert W.student_error_ridgeless_teacher(0.4, psi, ls, 0.0, 2.0, 1.0, 1.0) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("phi, lt", [(0.5, 0.3), (2.0, 0.1), (1.0, 1.0)])
@pytest.mark.parametrize("rho", [0.3, 1.0])
def test_infinite_student_penalty_fits_only_theta(phi, lt, rho):
    """λ_S → ∞ with ω = 0: b → θ θᵀβ_T → ρ r τ1_φ θ (a one-dimensional fit along θ), so
    E_S → σ² + r²(1 - 2ρ²τ1_φ + ρ²τ1_φ²).  Independent of the derivation's algebra."""
    s2, r2 = 0.6, 1.4
    t1 = ridge.teacher_error(phi, lt, 0.0, 1.0)  # noqa: F841  (keeps the import honest)
    from w2s_theory.rmt import mp_functional
    tau = mp_functional("tau1", phi, lt)
    want = s2 + r2 * (1 - 2 * rho**2 * tau + rho**2 * tau**2)
    got = W.student_error(phi, 0.7, lt, 1e9, s2, r2, rho, 0.0)
    assert got == pytest.approx(want, rel=1e-7)


@settings(deadline=None, derandomize=True, max_examples=80)
@given(phi=rat, psi=rat, lt=pos, ls=pos, s2=st.floats(0, 3), r2=st.floats(0.05, 5),
       rho=st.floats(-1, 1), om=st.floats(0, 1))
@example(phi=1.0, psi=1.0, lt=1e-12 + 1e-3, ls=1e-3, s2=0.0, r2=1.0, rho=1.0, om=0.0)
def test_delta_nonpositive_property(phi, psi, lt, ls, s2, r2, rho, om):
    d = W.delta(phi, psi, lt, ls, s2, r2, rho, om)
    assert d <= 0
    if rho * rho * r2 > 1e-250 and om < 1:    # strict, unless ρ² underflows
        assert d < 0
    # the decomposition: E_S^w = E_S^ridge + Δ
    es = W.student_error(phi, psi, lt, ls, s2, r2, rho, om)
    assert es == pytest.approx(ridge.student_error(phi, psi, lt, ls, s2, r2) + d, rel=1e-12)
    assert es >= s2 * (1 - 1e-12)          # an error is never below the noise floor


def test_delta_even_in_rho_and_monotone_in_omega():
    rho = np.linspace(-1, 1, 21)
    d = W.delta(0.7, 1.5, 0.2, 0.4, 0.5, 1.0, rho, 0.0)
    assert np.allclose(d, d[::-1], rtol=1e-14, atol=0)
    om = np.linspace(0, 1, 21)
    d = W.delta(0.7, 1.5, 0.2, 0.4, 0.5, 1.0, 0.8, om)
    assert np.all(np.diff(d) > 0)           # less penalty along θ helps more
    assert d[-1] == 0


def test_omega_from_kappa():
    assert W.omega_from_kappa(math.inf) == 0.0
    assert W.omega_from_kappa(3.0) == 0.25
    assert W.omega_from_kappa(mpmath.mpf(1)) == mpmath.mpf("0.5")
    for bad in (-1.0, -2.0, math.nan, "1", None, True):
        with pytest.raises(ValueError, match="kappa"):
            W.omega_from_kappa(bad)


def test_finite_kappa_family_converges_to_the_unpenalised_limit():
    """κ_d = κ₀ d: ω_d = 1/(1+κ₀d) → 0, and the limit error is continuous in ω at 0 (O(ω))."""
    base = W.student_error(0.5, 0.5, 0.5, 0.3, 0.5, 1.0, 0.8, 0.0)
    errs = [abs(W.student_error(0.5, 0.5, 0.5, 0.3, 0.5, 1.0, 0.8, W.omega_from_kappa(2.0 * d)) - base)
            for d in (100, 1000, 10000)]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-3
    assert errs[1] / errs[2] == pytest.approx(10, rel=0.05)


@pytest.mark.parametrize("name, value, match", [
    ("rho", 1.5, "rho"), ("rho", -1.01, "rho"), ("rho", math.nan, "rho"),
    ("omega", -0.1, "omega"), ("omega", math.inf, "omega"), ("phi", 0.0, "phi"),
    ("lam_S", -1.0, "lam_S"), ("sigma2", -0.1, "sigma2"), ("r2", 0.0, "r2"),
    ("lam_T", 1j, "lam_T"), ("psi", math.inf, "psi"),
])
def test_bad_input(name, value, match):
    args = dict(phi=0.5, psi=0.5, lam_T=0.1, lam_S=0.1, sigma2=0.5, r2=1.0, rho=0.5, omega=0.0)
    args[name] = value
    for f in (W.student_error, W.delta, W.error_gap):
        with pytest.raises(ValueError, match=match):
            f(**args)


@pytest.mark.parametrize("lam_range", ["ab", None, (1.0, 2.0, 3.0), (1.0,), (0.0, 1.0),
                                       (1.0, np.inf), (np.nan, 1.0), (2.0, 1.0), ("a", "b"),
                                       (True, 2.0)], ids=repr)
def test_best_rho_threshold_bad_lam_range(lam_range):
    with pytest.raises(ValueError, match="lam_range"):
        W.best_rho_threshold(0.5, 0.5, 1.0, 0.5, 1.0, 0.0, lam_range=lam_range)


def test_bad_input_limits_and_thresholds():
    with pytest.raises(ValueError, match="phi = 1"):
        W.student_error_ridgeless_teacher(1.0, 0.5, 0.1, 0.5, 1.0)
    with pytest.raises(ValueError, match="phi = 1"):
        W.student_error_ridgeless_teacher(np.array([0.5, 1.0]), 0.5, 0.1, 0.5, 1.0)
    # σ² = 0: no noise to interpolate, finite at φ = 1
    assert np.isfinite(W.student_error_ridgeless_teacher(1.0, 0.5, 0.1, 0.0, 1.0))
    with pytest.raises(ValueError, match="omega"):
        W.rho_threshold(0.5, 0.5, 1.0, 0.1, 0.5, 1.0, 1.0)
    with pytest.raises(ValueError, match="lam_range"):
        W.best_rho_threshold(0.5, 0.5, 1.0, 0.5, 1.0, 0.0, lam_range=(1.0, 0.1))
    with pytest.raises(ValueError, match="phi"):
        W.best_rho_threshold(np.array([0.5, 1.0]), 0.5, 1.0, 0.5, 1.0)


def test_rho_threshold_properties():
    phi, psi, s2, r2 = 0.5, 0.5, 0.5, 1.0
    lstar = ridge.optimal_lambda(phi, s2, r2)
    ls = np.geomspace(1e-3, 1e3, 31)
    # under-regularised teacher at small λ_S: the §2.1 student already wins → threshold 0
    assert W.rho_threshold(phi, psi, 0.2 * lstar, 1e-3, s2, r2) == 0.0
    # over-regularised: positive threshold, and the gap changes sign exactly there
    th = W.rho_threshold(phi, psi, 2 * lstar, ls, s2, r2)
    assert np.all(th > 0)
    ok = th < 1
    assert ok.any()
    g = W.error_gap(phi, psi, 2 * lstar, ls[ok], s2, r2, th[ok], 0.0)
    scale = ridge.teacher_error(phi, 2 * lstar, s2, r2)
    assert np.all(np.abs(g) < 1e-12 * scale)
    # more penalty along θ (larger ω) needs better features
    assert np.all(W.rho_threshold(phi, psi, 2 * lstar, ls, s2, r2, 0.3) > th)


def test_symbolic_sources():
    """The raw derivation form and the signed form are the same rational function."""
    m, mp_, lam, t1 = sp.symbols("m mp lam t1", positive=True)
    assert sp.simplify(S.raw_delta(m, mp_, lam, t1) - S.delta_in_m(m, mp_, lam, t1)) == 0
    # and a perturbed raw form is not
    assert sp.simplify(S.raw_delta(m, mp_, lam, t1) * sp.Rational(11, 10)
                       - S.delta_in_m(m, mp_, lam, t1)) != 0
    with pytest.raises(ValueError):
        S.instantiate(S.delta, teacher="bogus")


def test_frozen_setting():
    s = W.WeightedRidgeW2S(phi=0.5, psi=0.5, sigma2=0.5, r2=1.0, rho=1.0)
    assert s.omega == 0.0 and s.lambda_star == 0.25
    assert s.error_gap(0.5, 30.0) < 0 < ridge.error_gap(0.5, 0.5, 0.5, 30.0, 0.5, 1.0)
    assert s.delta(0.5, 1.0) == W.delta(0.5, 0.5, 0.5, 1.0, 0.5, 1.0, 1.0, 0.0)
    assert W.WeightedRidgeW2S(0.5, 0.5, 0.5, 1.0, 1.0, kappa=3.0).omega == 0.25
    with pytest.raises(ValueError, match="rho"):
        W.WeightedRidgeW2S(0.5, 0.5, 0.5, 1.0, 2.0)
    with pytest.raises(ValueError, match="kappa"):
        W.WeightedRidgeW2S(0.5, 0.5, 0.5, 1.0, 0.5, kappa=-1.0)


def test_stable_gap_equals_difference_of_errors_at_50_digits():
    """The cancellation-free §2.1 gap equals E_S^ridge - E_T once the MP moments are substituted."""
    stable = S.instantiate(S.error_gap_ridge)
    diff = S.instantiate(S.student_error_ridge - S.teacher_error)
    rng = np.random.default_rng(11)
    args = (S.phi, S.psi, S.lam_T, S.lam_S, S.sigma2, S.r2)
    f1, f2 = sp.lambdify(args, stable, "mpmath"), sp.lambdify(args, diff, "mpmath")
    with mpmath.workdps(50):
        for _ in range(20):
            vals = [mpmath.mpf(10) ** mpmath.mpf(float(x)) for x in rng.uniform(-2, 2, 6)]
            a, b = f1(*vals), f2(*vals)
            assert abs(a - b) <= mpmath.mpf(10) ** -40 * (1 + abs(b))


@pytest.mark.parametrize("ls", [1e-2, 1e-6, 1e-10])
def test_rho_threshold_keeps_precision_as_lambda_S_vanishes(ls):
    """G and D both vanish like λ_S as λ_S → 0 (ψ < 1); their ratio must stay accurate."""
    a = W.rho_threshold(0.5, 0.5, 0.75, ls, 0.5, 1.0, 0.0)
    with mpmath.workdps(50):
        b = W.rho_threshold(*map(mpmath.mpf, (0.5, 0.5, 0.75, ls, 0.5, 1.0, 0.0)))
    assert abs(a - float(b)) < 1e-13


def test_rho_threshold_limit():
    """Closed-form λ_S → 0 threshold for ψ < 1: matches ρ_th at tiny λ_S for every ψ < 1."""
    phi, s2, r2 = 0.8, 0.6, 1.3
    lstar = ridge.optimal_lambda(phi, s2, r2)
    for om in (0.0, 0.4):
        r0 = W.rho_threshold_limit(phi, 3 * lstar, s2, r2, om)
        for psi in (0.1, 0.5, 0.95):
            assert W.rho_threshold(phi, psi, 3 * lstar, 1e-9, s2, r2, om) == pytest.approx(r0, rel=1e-6)
    assert W.rho_threshold_limit(phi, 0.5 * lstar, s2, r2) == 0.0
    # more penalty along θ: ρ₀(ω) = ρ₀(0)/√(1-ω)
    assert W.rho_threshold_limit(phi, 3 * lstar, s2, r2, 0.75) == pytest.approx(
        2 * W.rho_threshold_limit(phi, 3 * lstar, s2, r2, 0.0), rel=1e-13)
    with pytest.raises(ValueError, match="omega"):
        W.rho_threshold_limit(phi, 1.0, s2, r2, 1.0)
    with pytest.raises(ValueError, match="lam_T"):
        W.rho_threshold_limit(phi, -1.0, s2, r2)
