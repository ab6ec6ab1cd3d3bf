"""Regression tests for issue 14, items 3, 7-12, 14-16: crashes, hangs, contract breaks."""
import decimal
import fractions
import time

import mpmath
import numpy as np
import pytest
import sympy as sp

from w2s_theory import cosine as C
from w2s_theory import fdiv, ridge, rmt, wridge
from w2s_theory.multiindex import hermite as H
from w2s_theory.multiindex import theory as MT
from w2s_theory.rmt import symbolic as RS
from w2s_theory.simulate import simulate_ridge
from w2s_theory.wridge import estimators as E
from w2s_theory.wridge.simulate import simulate_wridge, simulate_wridge_naive

WR = dict(d=20, phi=0.5, psi=0.5, lam_T=0.1, lam_S=0.1, sigma2=0.5, r2=1.0, rho=0.5)


# ----------------------------------------------------------------------------- items 3, 11
@pytest.mark.parametrize("sim", ["wridge", "wridge_naive", "ridge"])
@pytest.mark.parametrize("seed", [None, True, False, -1, 1.5, "7", [1, -2], []])
def test_one_seed_contract_rejects(sim, seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        if sim == "wridge":
            simulate_wridge(**WR, trials=2, seed=seed)
        elif sim == "wridge_naive":
            simulate_wridge_naive(**WR, seed=seed)
        else:
            simulate_ridge(20, 0.5, 0.5, 0.1, 0.1, 0.5, 1.0, trials=2, seed=seed)


def test_one_seed_contract_accepts_int_sequence_seedsequence_generator():
    a = simulate_wridge(**WR, trials=2, seed=7).student_mean
    b = simulate_wridge(**WR, trials=2, seed=np.random.SeedSequence(7)).student_mean
    c = simulate_wridge(**WR, trials=2, seed=np.int64(7)).student_mean
    assert np.array_equal(a, b) and np.array_equal(a, c)
    d1 = simulate_wridge(**WR, trials=2, seed=np.random.default_rng(3)).student_mean
    d2 = simulate_wridge(**WR, trials=2, seed=np.random.default_rng(3)).student_mean
    assert np.array_equal(d1, d2) and not np.array_equal(d1, a)
    n1 = simulate_wridge_naive(**WR, seed=np.random.SeedSequence(7))
    n2 = simulate_wridge_naive(**WR, seed=7)
    assert np.array_equal(n1[1], n2[1])
    s = simulate_wridge(**WR, trials=2, seed=[7, 1]).student_mean
    assert not np.array_equal(s, a)


def test_wridge_simulators_validate_like_simulate_ridge():
    with pytest.raises(ValueError, match="phi = 1e\\+06 leaves round\\(d/phi\\) = 0 samples"):
        simulate_wridge(20, 1e6, 0.5, 0.1, 0.1, 0.5, 1.0, 0.5, trials=2)
    with pytest.raises(ValueError, match="sigma2"):
        simulate_wridge_naive(20, 0.5, 0.5, 0.1, 0.1, -1.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="r2"):
        simulate_wridge_naive(20, 0.5, 0.5, 0.1, 0.1, 1.0, 0.0, 0.5)
    with pytest.raises(ValueError, match="d must be an integer"):
        simulate_wridge_naive(1.5, 0.5, 0.5, 0.1, 0.1, 1.0, 1.0, 0.5)


# ----------------------------------------------------------------------------- item 7
def test_numpy_scalars_mix_with_mpf():
    with mpmath.workdps(30):
        v = ridge.teacher_error(np.float32(0.5), mpmath.mpf(1), np.int64(1), 1)
        ref = ridge.teacher_error(mpmath.mpf(0.5), mpmath.mpf(1), mpmath.mpf(1), mpmath.mpf(1))
    assert isinstance(v, mpmath.mpf) and v == ref
    assert isinstance(rmt.stieltjes(np.float16(0.5), mpmath.mpf(2)), mpmath.mpf)


def test_exact_rationals_accepted():
    half, third = sp.Rational(1, 2), fractions.Fraction(1, 3)
    f = ridge.teacher_error(half, 1, third, decimal.Decimal("1.5"))
    assert isinstance(f, float) and f == ridge.teacher_error(0.5, 1.0, 1 / 3, 1.5)
    arr = ridge.teacher_error([half, third], 1, 0.5, 1)
    assert np.array_equal(arr, ridge.teacher_error(np.array([0.5, 1 / 3]), 1.0, 0.5, 1.0))
    # mpmath path: converted exactly (1/3 at the working precision, not via float 0.333...)
    with mpmath.workdps(40):
        m = ridge.teacher_error(half, mpmath.mpf(1), third, decimal.Decimal("0.1"))
        ref = ridge.teacher_error(mpmath.mpf(1) / 2, mpmath.mpf(1), mpmath.mpf(1) / 3,
                                  mpmath.mpf("0.1"))
        assert abs(m - ref) < mpmath.mpf(10) ** -38
        assert abs(m - ridge.teacher_error(mpmath.mpf(0.5), 1, 1 / 3, 0.1)) > 1e-20
    for bad, what in ((sp.Symbol("x"), "SymPy expression"), (sp.I, "phi")):
        with pytest.raises(ValueError, match=what):
            ridge.teacher_error(bad, 1, 1, 1)


# ----------------------------------------------------------------------------- item 8
def test_moment_large_k_no_overflow_and_fast():
    t0 = time.perf_counter()
    v = rmt.moment(0.5, 600)
    assert time.perf_counter() - t0 < 1.0
    with mpmath.workdps(40):
        exact = RS.narayana_moment(sp.Rational(1, 2), 600)  # exact rational, independent sum
        assert v == pytest.approx(float(exact), rel=1e-13, abs=0)
    assert v == pytest.approx(2.84e274, rel=1e-2)
    t0 = time.perf_counter()
    with pytest.raises(FloatingPointError, match="outside the float64 range"):
        rmt.moment(0.5, 2000)   # ~1e924
    with mpmath.workdps(30):
        big = rmt.moment(mpmath.mpf("0.5"), 2000)
    assert time.perf_counter() - t0 < 2.0
    assert mpmath.log10(big) == pytest.approx(923.99937, abs=1e-4)
    # k = 2000 with γ small enough to fit: relative agreement with the exact sum
    g = sp.Rational(1, 10**4)
    exact = RS.narayana_moment(g, 300)
    assert rmt.moment(1e-4, 300) == pytest.approx(float(exact), rel=1e-13, abs=0)
    assert rmt.moment(np.array([0.5, 2.0]), 5).tolist() == [12.3125, 197.0]


def test_stieltjes_derivative_recurrence_fast_and_correct():
    t0 = time.perf_counter()
    v16 = rmt.stieltjes_derivative(0.5, 0.3, 16)
    assert time.perf_counter() - t0 < 1.0
    # independent: the symbolic derivative for small k, high-precision finite differences for k = 16
    lam = sp.Symbol("lam", positive=True)
    m = RS.m_root.subs(RS.gamma, sp.Rational(1, 2)).subs(RS.lam, lam)
    for k in range(5):
        sym = (-1) ** k * sp.diff(m, lam, k) / sp.factorial(k)
        assert rmt.stieltjes_derivative(0.5, 0.3, k) == pytest.approx(
            float(sym.subs(lam, sp.Rational(3, 10)).evalf(30)), rel=1e-14, abs=0)
    with mpmath.workdps(60):
        f = lambda l: (-(1 - mpmath.mpf(0.5) + l) + mpmath.sqrt((1 - mpmath.mpf(0.5) + l) ** 2
                                                               + 2 * l)) / l
        fd = mpmath.diff(f, mpmath.mpf(0.3), 16) / mpmath.factorial(16)
        assert abs(v16 / fd - 1) < 1e-13
        mpv = rmt.stieltjes_derivative(mpmath.mpf(0.5), mpmath.mpf(0.3), 16)
        assert abs(mpv / fd - 1) < mpmath.mpf(10) ** -45
    # extreme λ: evaluated in mpmath, no overflow for a representable value
    assert rmt.stieltjes_derivative(0.5, 1e300, 3) == 0.0  # ≈ λ⁻⁴ = 1e-1200: underflows
    assert rmt.stieltjes_derivative(2.0, 1e-100, 2) == pytest.approx(0.5e300, rel=1e-12)
    with pytest.raises(ValueError, match="order"):
        rmt.stieltjes_derivative(0.5, 0.3, -1)


# ----------------------------------------------------------------------------- item 9
def test_kappa_large_input_fast_and_bounded():
    t0 = time.perf_counter()
    v = C.kappa(np.full(10**5, 0.9))
    assert time.perf_counter() - t0 < 1.0
    assert np.all(v == C.kappa(0.9))
    with mpmath.workdps(30):
        assert abs(C.kappa(0.9) / C.kappa(mpmath.mpf(0.9)) - 1) < 1e-14
    x = np.geomspace(1e-6, 1e6, 3000)
    vv = C.kappa(x, 0.7)
    assert vv.shape == x.shape and np.all(np.diff(vv) < 0)


# ----------------------------------------------------------------------------- item 10
def test_stieltjes_extreme_gamma():
    assert rmt.stieltjes(1e300, 1.0) == pytest.approx(1.0, rel=1e-15, abs=0)
    assert rmt.stieltjes(1e-300, 1e300) == pytest.approx(1e-300, rel=1e-15, abs=0)


# ----------------------------------------------------------------------------- item 12
def test_kl_mpf_lists_from_float_simplex():
    p, q = [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]
    with mpmath.workdps(50):
        v = fdiv.KL([mpmath.mpf(x) for x in p], [mpmath.mpf(x) for x in q])
        ref = mpmath.fsum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b)) for a, b in zip(p, q))
        assert abs(v - ref) < mpmath.mpf(10) ** -45
        with pytest.raises(ValueError, match="p must sum to 1"):
            fdiv.KL([mpmath.mpf("0.1"), mpmath.mpf("0.2"), mpmath.mpf("0.71")], q)
    assert float(v) == pytest.approx(fdiv.KL(p, q), rel=1e-15)


# ----------------------------------------------------------------------------- item 14
def test_mpf_in_mpf_out_on_constant_branches():
    for v in (ridge.c_max(mpmath.mpf("0.5")), rmt.density(mpmath.mpf(1), 5),
              MT.spike_overlap(mpmath.mpf(0), 1),
              wridge.rho_threshold_limit(mpmath.mpf(1), mpmath.mpf("0.1"), 1, 1, 0.5),
              wridge.rho_threshold(mpmath.mpf(1), 1, mpmath.mpf("0.1"), 1, 1, 1, 0.5)):
        assert isinstance(v, mpmath.mpf), type(v)
    assert ridge.c_max(mpmath.mpf("0.5")) == 2


# ----------------------------------------------------------------------------- item 15
def test_errors_name_the_parameter():
    with pytest.raises(ValueError, match="^phi must be a scalar or a rectangular array"):
        ridge.teacher_error([[1, 2], [3]], 1, 1, 1)
    with pytest.raises(ValueError, match="^w must be a scalar or a rectangular array"):
        C.cosine([[1, 2], [3]], [1, 2])
    with pytest.raises(ValueError, match="divergence must be one of"):
        fdiv.get(["kl"])
    with pytest.raises(ValueError, match="^lam: the normal equations are numerically singular"):
        E.weighted_ridge(np.ones((5, 3)), np.ones(5), 1e-300, np.eye(3))
    assert wridge.omega_from_kappa(np.array(1.0)) == 0.5
    assert wridge.omega_from_kappa(np.float32(3.0)) == 0.25
    z = H.Z
    with pytest.raises(ValueError, match="dps must be an integer in \\[5, inf\\)"):
        H.information_exponent(z**2, dps=4)
    with pytest.raises(ValueError, match="dps must be an integer"):
        H.hermite_coefficient(z**2, 2, dps=4)
    with pytest.raises(ValueError, match="rtol must be a real number in \\(0, 1\\)"):
        H.information_exponent(z**2, rtol=2)
    assert H.information_exponent(z**2) == 2


# ----------------------------------------------------------------------------- item 16
def test_sft_float64_vectorised_equals_one_at_a_time():
    w0, ws = np.array([1.0, 0, 0]), np.array([0.0, 1, 0])
    T = np.array([[0.3, 1, 0.2], [0.1, 1, -0.3]])
    a = C.simulate_sft(w0, T, ws, [0.1, 0.5], 5, 50, seed=3, dtype="float64")
    b = np.array([[C.simulate_sft(w0, T[k:k + 1], ws, [lr], 5, 50, seed=3, dtype="float64")[0, 0]
                   for k in range(2)] for lr in (0.1, 0.5)])
    assert np.abs(a - b).max() < 1e-14
    with pytest.raises(ValueError, match="dtype"):
        C.simulate_sft(w0, T, ws, [0.1], 1, 5, dtype="float16")


def test_wridge_student_error_array_equals_scalar():
    rng = np.random.default_rng(0)
    N = 3000
    a = [10 ** rng.uniform(-3, 3, N), 10 ** rng.uniform(-3, 3, N), 10 ** rng.uniform(-6, 3, N),
         10 ** rng.uniform(-6, 3, N), rng.uniform(0, 2, N), 10 ** rng.uniform(-1, 1, N),
         rng.uniform(-1, 1, N), rng.uniform(0, 2, N)]
    arr = wridge.student_error(*a)
    sc = np.array([wridge.student_error(*[x[i] for x in a]) for i in range(N)])
    assert np.array_equal(arr, sc)
    # the point of issue 14 (1 ulp apart before)
    p = [0.20047735580877157, 1.770178044597761, 1.985075514447144e-06, 5.442821057785806e-05,
         1.5491459572446382, 1.7688482636191782, 0.3197453238059449, 1.3341919411137422]
    assert wridge.student_error(*p) == wridge.student_error(*[np.array([x]) for x in p])[0]
