"""§2.1 ridge theory: precision over the domain, Thm 5 structure, bad input."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, example, given, strategies as st
from scipy import optimize

from w2s_theory import ridge
from w2s_theory.ridge import symbolic as S

log_ratio = st.floats(-3, 3).map(lambda e: 10.0**e)
log_lam = st.floats(-12, 6).map(lambda e: 10.0**e)
noise = st.floats(-2, 1).map(lambda e: 10.0**e)


def mp(*xs):
    return [mpmath.mpf(x) for x in xs]


@given(phi=log_ratio, psi=log_ratio, lam_T=log_lam, lam_S=log_lam, sigma2=noise)
@example(phi=1.0, psi=1.0, lam_T=1e-12, lam_S=1e-12, sigma2=1.0)
@example(phi=1.0 + 1e-9, psi=1.0 - 1e-9, lam_T=1e-12, lam_S=1e-12, sigma2=1.0)
@example(phi=1e3, psi=1e-3, lam_T=1e6, lam_S=1e-12, sigma2=0.01)
@example(phi=2.0, psi=2.0, lam_T=1e-12, lam_S=1e-12, sigma2=0.5)  # gap ≈ 0 there
def test_float_agrees_with_50_digits(phi, psi, lam_T, lam_S, sigma2):
    # Stated accuracy: 1e-13 relative (E_S - E_T relative to E_T, since it crosses zero).
    args = (phi, psi, lam_T, lam_S, sigma2, 1.0)
    with mpmath.workdps(50):
        eT = float(ridge.teacher_error(*mp(phi, lam_T, sigma2, 1.0)))
        eS = float(ridge.student_error(*mp(*args)))
        gap = float(ridge.error_gap(*mp(*args)))
        h = float(ridge.level_h(*mp(phi, lam_T, sigma2, 1.0)))
        g = float(ridge.gain_g(*mp(psi, lam_S)))
    assert abs(ridge.teacher_error(phi, lam_T, sigma2, 1.0) - eT) <= 1e-13 * eT
    assert abs(ridge.student_error(*args) - eS) <= 1e-13 * eS
    assert abs(ridge.error_gap(*args) - gap) <= 1e-13 * eT
    assert abs(ridge.level_h(phi, lam_T, sigma2, 1.0) - h) <= 1e-13 * h
    assert abs(ridge.gain_g(psi, lam_S) - g) <= 1e-13 * g


def test_gap_is_difference_of_errors():
    rng = np.random.default_rng(1)
    a = [10 ** rng.uniform(-2, 2, 50) for _ in range(6)]
    np.testing.assert_allclose(ridge.error_gap(*a),
                               ridge.student_error(*a) - ridge.teacher_error(a[0], a[2], a[4], a[5]),
                               rtol=1e-9, atol=1e-12)


@given(psi=log_ratio)
@example(psi=1.0)
@example(psi=1.0 + 1e-9)
@example(psi=1.0 - 1e-9)
def test_g_shape(psi):
    lam = np.logspace(-12, 6, 400)
    g = ridge.gain_g(psi, lam)
    cm = ridge.c_max(psi)
    # g > 1 strictly, but g - 1 can be ~1e-16 (ψ = 100, λ = 1e-12): strictness at 30 digits
    assert np.all(g >= 1) and np.all(g <= cm * (1 + 1e-14))
    with mpmath.workdps(30):
        assert all(ridge.gain_g(mpmath.mpf(psi), mpmath.mpf(x)) > 1 for x in lam[::37])
    if psi <= 1:
        assert np.all(np.diff(g) < 0) or np.all(np.diff(g) <= 0)  # flat only by float resolution
        assert np.all(np.diff(g)[g[1:] > 1 + 1e-9] < 0)
    else:
        assert g.max() <= cm
        ustar = 1 / math.sqrt(psi * (psi - 1)) if psi > 1 + 1e-6 else None
        if ustar is not None:
            lam_star = float(S.lam_of_u.subs({S.psi: psi, S.u: ustar}))
            assert ridge.gain_g(psi, lam_star) == pytest.approx(cm, rel=1e-12)


def test_c_max_values():
    assert ridge.c_max(0.5) == 2.0 and ridge.c_max(1.0) == 1.5
    assert ridge.c_max(2.0) == pytest.approx((3 - math.sqrt(0.5)) / 2, rel=1e-15)
    # sup g for ψ ≤ 1 is approached as λ_S → 0
    assert ridge.gain_g(0.5, 1e-12) == pytest.approx(2.0, abs=1e-10)
    assert ridge.gain_g(1.0, 1e-12) == pytest.approx(1.5, abs=1e-5)


@given(phi=st.floats(-2, 2).map(lambda e: 10.0**e), psi=st.floats(-2, 2).map(lambda e: 10.0**e),
       ratio=st.floats(-4, 1).map(lambda e: 10.0**e), sigma2=st.floats(-1, 1).map(lambda e: 10.0**e))
@example(phi=0.5, psi=2.0, ratio=0.3, sigma2=0.5)
@example(phi=0.5, psi=1.0, ratio=0.3, sigma2=0.5)
@example(phi=1.0, psi=0.0113, ratio=1.0, sigma2=10.0)  # λ₊ → 0, λ_S(u) cancels
@example(phi=1.0, psi=0.0113, ratio=1 - 1e-12, sigma2=10.0)
def test_win_region_endpoints_and_signs(phi, psi, ratio, sigma2):
    lam_T = ratio * ridge.optimal_lambda(phi, sigma2, 1.0)
    w = ridge.student_win_region(phi, psi, lam_T, sigma2, 1.0)
    eT = ridge.teacher_error(phi, lam_T, sigma2, 1.0)
    for e in (w.lower, w.upper):
        if 0 < e < math.inf:
            # E_S = E_T at the endpoints, to ~1e-13 of E_T
            assert abs(ridge.error_gap(phi, psi, lam_T, e, sigma2, 1.0)) <= 1e-12 * eT
            # ... and the sign flips across them
            s1 = ridge.error_gap(phi, psi, lam_T, e * (1 - 1e-4), sigma2, 1.0)
            s2 = ridge.error_gap(phi, psi, lam_T, e * (1 + 1e-4), sigma2, 1.0)
            assume(abs(s1) > 1e-13 * eT and abs(s2) > 1e-13 * eT)
            assert np.sign(s1) == -np.sign(s2)
    probes = np.logspace(-10, 5, 61)
    gap = ridge.error_gap(phi, psi, lam_T, probes, sigma2, 1.0)
    clear = np.abs(gap) > 1e-12 * eT  # away from the endpoints themselves
    assert np.array_equal((gap < 0)[clear], w.contains(probes)[clear])
    if abs(ratio - 1) > 1e-9:  # at λ_T = λ*, h = 2 only up to rounding
        assert (ratio < 1) == (w.h < 2)
    if ratio > 1:
        assert w.empty  # an over-regularised teacher is never beaten (Thm 5)


def test_win_region_cases():
    # ψ < 1, 1 < h < 2: (0, λ₊)
    w = ridge.student_win_region(0.5, 0.5, 0.05, 0.5, 1.0)
    assert w.case == "below" and w.lower == 0 and 0 < w.upper < math.inf and w.bounded
    # ψ > 1, 1 < h < c_max: bounded band — beyond λ₊ the student loses again
    w = ridge.student_win_region(1.0, 2.0, 0.2, 1.0, 1.0)
    assert w.case == "band" and 0 < w.lower < w.upper < math.inf
    assert ridge.error_gap(1.0, 2.0, 0.2, 10 * w.upper, 1.0, 1.0) > 0
    assert ridge.error_gap(1.0, 2.0, 0.2, w.lower / 10, 1.0, 1.0) > 0
    assert ridge.error_gap(1.0, 2.0, 0.2, math.sqrt(w.lower * w.upper), 1.0, 1.0) < 0
    # h ≤ 1: everywhere
    w = ridge.student_win_region(2.0, 3.0, 1e-3, 2.0, 1.0)
    assert w.case == "everywhere" and w.upper == math.inf and 5.0 in w
    # h ≥ c_max: never
    w = ridge.student_win_region(1.0, 50.0, 0.2, 1.0, 1.0)
    assert w.empty and 1.0 not in w and not w.contains([0.1, 1, 10]).any()


def test_win_region_at_50_digits():
    with mpmath.workdps(50):
        w = ridge.student_win_region(*mp(1, 2, "0.2", 1, 1))
        assert isinstance(w.lower, mpmath.mpf)
        for e in (w.lower, w.upper):
            assert abs(ridge.gain_g(mpmath.mpf(2), e) - w.h) < mpmath.mpf(10) ** -45
    wf = ridge.student_win_region(1.0, 2.0, 0.2, 1.0, 1.0)
    assert wf.lower == pytest.approx(float(w.lower), rel=1e-13)
    assert wf.upper == pytest.approx(float(w.upper), rel=1e-13)


def test_win_region_near_h_2_small_endpoint():
    # h → 2⁻ puts λ₊ near 0, where λ_S(u) = (1-(1-ψ)u)/(u(1+ψu)) cancels; Newton polish fixes it.
    phi, s2 = 0.5, 0.5
    lam_T = ridge.optimal_lambda(phi, s2, 1.0) * (1 - 1e-9)
    w = ridge.student_win_region(phi, 0.5, lam_T, s2, 1.0)
    assert w.case == "below" and w.upper < 1e-6
    with mpmath.workdps(50):
        wm = ridge.student_win_region(*mp(phi, "0.5", lam_T, s2, 1))
    assert w.upper == pytest.approx(float(wm.upper), rel=1e-7)


@pytest.mark.parametrize("phi,sigma2", [(0.3, 0.2), (1.0, 1.0), (4.0, 0.5), (50.0, 0.01)])
def test_optimal_lambda_by_numerical_minimisation(phi, sigma2):
    res = optimize.minimize_scalar(lambda t: ridge.teacher_error(phi, math.exp(t), sigma2, 1.3),
                                   bounds=(-12, 12), method="bounded",
                                   options={"xatol": 1e-10})
    assert math.exp(res.x) == pytest.approx(ridge.optimal_lambda(phi, sigma2, 1.3), rel=1e-5)


@pytest.mark.parametrize("phi", [0.01, 0.5, 0.9, 1.1, 2.0, 100.0])
def test_ridgeless_limit(phi):
    lim = ridge.ridgeless_teacher_error(phi, 0.5, 1.3)
    assert ridge.teacher_error(phi, 1e-12, 0.5, 1.3) == pytest.approx(lim, rel=1e-9)
    expected = 0.5 + 0.5 * phi / (1 - phi) if phi < 1 else 0.5 + 1.3 * (1 - 1 / phi) + 0.5 / (phi - 1)
    assert lim == pytest.approx(expected, rel=1e-15)
    with pytest.raises(ValueError, match="phi = 1"):
        ridge.ridgeless_teacher_error(1.0, 0.5, 1.0)


def test_student_copies_teacher_when_ridgeless_and_underparameterised():
    for psi in (0.01, 0.5, 0.99):
        assert ridge.student_error(0.7, psi, 0.3, 1e-12, 0.5, 1.0) == pytest.approx(
            ridge.teacher_error(0.7, 0.3, 0.5, 1.0), rel=1e-9)


def test_sympy_expressions_are_usable_in_a_repl():
    # differentiate symbolically, evaluate, compare with a finite difference of the float code
    dES = sp.diff(S.student_error, S.lam_S)
    vals = {S.phi: 0.5, S.psi: 2, S.lam_T: sp.Rational(1, 10), S.lam_S: sp.Rational(3, 10),
            S.sigma2: sp.Rational(1, 2), S.r2: 1}
    sym = float(dES.subs(vals).evalf(30))
    h = 1e-6
    fd = (ridge.student_error(0.5, 2, 0.1, 0.3 + h, 0.5, 1) -
          ridge.student_error(0.5, 2, 0.1, 0.3 - h, 0.5, 1)) / (2 * h)
    assert sym == pytest.approx(fd, rel=1e-7)
    # ∂E_T/∂λ_T vanishes at λ* (substitute and simplify numerically at 50 digits)
    dET = sp.diff(S.teacher_error, S.lam_T).subs(S.lam_T, S.optimal_lambda)
    val = dET.subs({S.phi: sp.Rational(3, 7), S.sigma2: sp.Rational(2, 3), S.r2: 2}).evalf(50)
    assert abs(val) < 1e-45
    # and the quadratic for the endpoints solves g(u) = c
    roots = sp.solve(S.endpoint_quadratic.subs({S.c: sp.Rational(11, 10), S.psi: 2}), S.u)
    for r in roots:
        assert sp.simplify(S.gain_of_u.subs({S.u: r, S.psi: 2}) - sp.Rational(11, 10)) == 0


def test_return_kinds():
    assert isinstance(ridge.student_error(0.5, 2.0, 0.1, 0.1, 0.5, 1.0), float)
    arr = ridge.student_error(0.5, np.array([0.5, 2.0]), 0.1, np.array([[0.1], [1.0]]), 0.5, 1.0)
    assert arr.shape == (2, 2)
    with mpmath.workdps(30):
        assert isinstance(ridge.teacher_error(mpmath.mpf(1), 0.1, 0.5, 1), mpmath.mpf)


@pytest.mark.parametrize("func,args,name", [
    (ridge.teacher_error, (-0.5, 0.1, 0.5, 1.0), "phi"),
    (ridge.teacher_error, (0.5, -0.1, 0.5, 1.0), "lam_T"),
    (ridge.teacher_error, (0.5, 0.1, math.nan, 1.0), "sigma2"),
    (ridge.teacher_error, (0.5, 0.1, 0.5, 0.0), "r2"),
    (ridge.student_error, (0.5, 0.0, 0.1, 0.1, 0.5, 1.0), "psi"),
    (ridge.student_error, (0.5, 1.0, 0.1, -1.0, 0.5, 1.0), "lam_S"),
    (ridge.student_error, (0.5, 1.0, 0.1, 1j, 0.5, 1.0), "lam_S"),
    (ridge.gain_g, (math.inf, 1.0), "psi"),
    (ridge.level_h, (0.5, 0.1, -1.0, 1.0), "sigma2"),
    (ridge.optimal_lambda, (0.5, 0.5, -1.0), "r2"),
    (ridge.c_max, (0.0,), "psi"),
    (ridge.student_win_region, (0.5, 1.0, 0.0, 0.5, 1.0), "lam_T"),
])
def test_bad_input_names_parameter(func, args, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        func(*args)


def test_shape_mismatch_and_array_win_region_rejected():
    with pytest.raises(ValueError, match="broadcast"):
        ridge.student_error(np.ones(2), np.ones(3), 0.1, 0.1, 0.5, 1.0)
    with pytest.raises(ValueError, match="scalar"):
        ridge.student_win_region(np.ones(2), 1.0, 0.1, 0.5, 1.0)


def test_frozen_setting_object():
    s = ridge.RidgeW2S(phi=1.0, psi=2.0, sigma2=1.0, r2=1.0)
    assert s.win_region(0.2).case == "band"
    assert s.lambda_star == 1.0 and s.c_max == ridge.c_max(2.0)
    assert s.error_gap(0.2, 1.0) == ridge.error_gap(1.0, 2.0, 0.2, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="psi"):
        ridge.RidgeW2S(phi=1.0, psi=-2.0, sigma2=1.0, r2=1.0)


def test_stable_vs_textbook_claim_is_sharp(monkeypatch):
    # the claim reports 0 difference at 60 digits; it must see a 1e-30 relative change
    from proofs_check import Context
    from w2s_theory.ridge import claims
    assert claims._stable_textbook(Context(quick=True)).passed
    monkeypatch.setitem(S.STABLE, "error_gap", S.STABLE["error_gap"] * (1 + sp.Rational(1, 10**30)))
    out = claims._stable_textbook(Context(quick=True))
    assert not out.passed and 1e-31 < out.worst < 1e-29


def test_symbolic_g_claims_fail_when_g_is_wrong(monkeypatch):
    from proofs_check import Context
    from w2s_theory.ridge import claims
    assert claims._g_monotone(Context()).passed and claims._c_max_symbolic(Context()).passed
    monkeypatch.setattr(S, "gain_of_u", 1 + S.u / (1 + 2 * S.psi * S.u + S.psi * (S.psi - 1) * S.u**2 / 2))
    bad1, bad2 = claims._g_monotone(Context()), claims._c_max_symbolic(Context())
    assert not bad1.passed and bad1.worst >= 1
    assert not bad2.passed and bad2.worst >= 1
