"""Regression tests for issue 14, items 1-6: no silent wrong answers.

References are independent of the code under test: the *textbook* forms of
the MP functionals and of the ridge errors (a different algebraic form from
the stable forms the evaluators use) evaluated at 1500 digits, closed-form
limits, and the sign of E_S - E_T evaluated at 50 digits.
"""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from w2s_theory import cosine as C
from w2s_theory import multiindex as MI
from w2s_theory import ridge, rmt, wridge
from w2s_theory.multiindex import theory as MT
from w2s_theory.rmt import symbolic as RS
from w2s_theory.ridge import symbolic as S

REF_DPS = 1500  # textbook forms cancel up to ~600 digits at λ = 1e-300, γ = 1e300

_TEXT_MP = {n: sp.lambdify((RS.gamma, RS.lam), e, "mpmath") for n, e in RS.TEXTBOOK.items()}


def _ref(fn, *args):
    with mpmath.workdps(REF_DPS):
        return fn(*[mpmath.mpf(a) for a in args])


def _close(got, ref, rtol=1e-13):
    ref = mpmath.mpf(ref)
    if abs(ref) > 1.7e308:
        pytest.fail(f"value {ref} not representable but got {got}")
    if abs(ref) < 1e-290:  # may be subnormal in float64
        return abs(got - float(ref)) <= 1e-300
    return abs(mpmath.mpf(got) - ref) <= rtol * abs(ref)


# ----------------------------------------------------------------------------- item 1, 2
def test_angle_of_tiny_vectors_is_not_nan():
    assert C.angle([1.0, 0.0], [1e-200, 0.0]) == 0.0
    assert C.accuracy([1.0, 0.0], [1e-200, 0.0]) == 1.0
    assert C.zero_one_loss_of([1e-300, 0.0], [1e-200, 1e-200]) == pytest.approx(0.25, rel=1e-15, abs=0)
    assert C.angle([1e300, 1e300], [-1.0, 0.0]) == pytest.approx(0.75 * math.pi, rel=1e-15, abs=0)
    assert C.cosine([1.0, 0.0], [1e-200, 0.0]) == 1.0


def test_cosine_of_parallel_vectors_is_at_most_one():
    assert C.cosine([1, 1, 1], [2, 2, 2]) == 1.0
    assert C.zero_one_loss(C.cosine([1, 1, 1], [2, 2, 2])) == 0.0
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4000, 5))
    k = rng.uniform(0.1, 10, size=4000)
    c = np.array([C.cosine(w[i], k[i] * w[i]) for i in range(4000)])
    assert np.all(np.abs(c) <= 1.0) and np.all(c >= 1 - 4e-16)
    cneg = C.cosine(-w * k[:, None], w[0])
    assert np.all(np.abs(cneg) <= 1)
    assert C.cosine([1.0, 1.0, 1.0], [-2.0, -2.0, -2.0]) == -1.0
    assert C.cosine([1, 1, 1], [2, 2, 2], dps=30) == 1


# ----------------------------------------------------------------------------- item 4
EXTREME = [1e-300, 1e-200, 1e-30, 1.0, 1e30, 1e200, 1e300]
RATIOS = [1e-300, 1e-3, 1.0, 1e3, 1e300]


@pytest.mark.parametrize("name", sorted(RS.STABLE))
def test_mp_functionals_at_extremes_match_textbook_1500_digits(name):
    for g in RATIOS:
        for lam in EXTREME:
            ref = _ref(_TEXT_MP[name], g, lam)
            if abs(ref) > 1.7e308:
                with pytest.raises(FloatingPointError, match="outside the float64 range"):
                    rmt.mp_functional(name, g, lam)
                continue
            got = rmt.mp_functional(name, g, lam)
            assert isinstance(got, float) and math.isfinite(got)
            assert _close(got, ref), (name, g, lam, got, ref)


def test_issue_examples_outside_stated_range():
    assert ridge.teacher_error(1000.0, 1e-300, 1.0, 1.0) == pytest.approx(2.000001001001001, rel=1e-14, abs=0)
    assert ridge.gain_g(1e-3, 1e300) == 1.0
    assert rmt.mp_functional("tau2", 1000.0, 1e-300) == pytest.approx(1e-3, rel=1e-14, abs=0)
    # finite limits, no FloatingPointError: E_S → σ² + r² as λ_S → ∞ (student predicts 0)
    assert ridge.student_error(0.5, 2.0, 1.0, 1e300, 1.0, 1.0) == 2.0
    assert ridge.teacher_error(1e200, 1.0, 1.0, 1.0) == pytest.approx(2.0, rel=1e-15, abs=0)
    assert rmt.stieltjes(1e300, 1.0) == pytest.approx(1.0, rel=1e-15, abs=0)  # atom 1 - 1/γ at 0
    arr = ridge.teacher_error(np.array([1000.0, 2.0]), np.array([1e-300, 0.5]), 1.0, 1.0)
    assert arr[0] == pytest.approx(2.000001001001001, rel=1e-14, abs=0)
    assert arr[1] == ridge.teacher_error(2.0, 0.5, 1.0, 1.0)


_RIDGE_TEXT = {n: sp.lambdify(S.ARGS_STUDENT if n in ("student_error", "error_gap")
                              else S.ARGS_TEACHER if n in ("teacher_error", "level_h")
                              else (S.psi, S.lam_S), e, "mpmath")
               for n, e in S.TEXTBOOK.items()}


@pytest.mark.parametrize("lam", [1e-300, 1e-200, 1e300])
@pytest.mark.parametrize("phi", [1e-300, 0.5, 1e3, 1e300])
def test_ridge_errors_at_extreme_penalties_match_textbook(lam, phi):
    psi, s2, r2 = 2.0, 0.5, 1.0
    for lt, ls in ((lam, 0.3), (0.3, lam), (lam, lam)):
        t_ref = _ref(_RIDGE_TEXT["teacher_error"], phi, lt, s2, r2)
        assert _close(ridge.teacher_error(phi, lt, s2, r2), t_ref, 1e-12)
        s_ref = _ref(_RIDGE_TEXT["student_error"], phi, psi, lt, ls, s2, r2)
        assert _close(ridge.student_error(phi, psi, lt, ls, s2, r2), s_ref, 1e-12)
    g_ref = _ref(_RIDGE_TEXT["gain_g"], psi, lam)
    assert _close(ridge.gain_g(psi, lam), g_ref, 1e-13)
    assert _close(ridge.gain_g(1e-3, lam), _ref(_RIDGE_TEXT["gain_g"], 1e-3, lam), 1e-13)


# ----------------------------------------------------------------------------- item 5
def _exact(x):
    return mpmath.mpf(x)  # binary float -> exact mpf


@pytest.mark.parametrize("eps", [1e-15, 1e-12, 1e-9, 1e-6])
def test_no_cancellation_near_one(eps):
    g = 1 + eps
    with mpmath.workdps(50):
        G = _exact(g)
        atom = (G - 1) / G
        cmax = (3 - mpmath.sqrt(1 - 1 / G)) / 2
        rte = 1 + 2 * atom  # σ² = 1, r² = 2 (φ > 1): σ² + r²(1 - 1/φ) + σ²/(φ - 1)
        rte = 1 + 2 * atom + 1 / (G - 1)
    assert rmt.atom_mass(g) == pytest.approx(float(atom), rel=2e-16, abs=0)
    assert ridge.c_max(g) == pytest.approx(float(cmax), rel=2e-16, abs=0)
    assert ridge.ridgeless_teacher_error(g, 1.0, 2.0) == pytest.approx(float(rte), rel=4e-16, abs=0)
    # the same term in the ridgeless-teacher student (σ² = 0: only r² b_φ-type terms)
    val = wridge.student_error_ridgeless_teacher(g, 0.5, 1.0, 0.0, 1.0)
    with mpmath.workdps(50):
        ref = wridge.student_error_ridgeless_teacher(G, mpmath.mpf(0.5), mpmath.mpf(1), 0, mpmath.mpf(1))
    assert val == pytest.approx(float(ref), rel=1e-14, abs=0)


def test_teacher_u2_rate_no_cancellation_at_large_theta():
    # 1 - zeta = (alpha + t2)/(t2 (t2 + 1)) ~ 1/t2: relative accuracy kept at t2 = eta^2 mu1^2 S_T2
    args = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1e6)
    with mpmath.workdps(60):
        A = [mpmath.mpf(a) for a in args]
        t2 = A[6] ** 2 * A[0] ** 2 * (A[1] ** 2 + A[4] * A[2])
        zeta = 1 - (A[5] + t2) / (t2 * (t2 + 1))
        ref = (1 - zeta) + zeta * A[4] * A[3] / (A[1] ** 2 + A[4] * A[2])
    assert MT.teacher_u2_rate(*args) == pytest.approx(float(ref), rel=1e-15, abs=0)
    # the hard-direction part alone (Ey2z2 -> tiny) is 1 - zeta ~ 1/t2 = 5e-13
    args2 = (1.0, 1.0, 1.0, 1e-30, 1.0, 1.0, 1e6)
    assert MT.teacher_u2_rate(*args2) == pytest.approx(float((1 + 2e12) / (2e12 * (2e12 + 1))),
                                                       rel=1e-14, abs=0)


# ----------------------------------------------------------------------------- item 6
def _gap50(phi, psi, lam_T, lam_S, s2, r2):
    with mpmath.workdps(50):
        return ridge.error_gap(*[_exact(x) for x in (phi, psi, lam_T, lam_S, s2, r2)])


def test_issue_example_band_near_c_max():
    args = (1.0, 1.000000001, 0.4999864474654442, 1.0, 1.0)
    w = ridge.student_win_region(*args)
    assert w.case == "band"
    assert _gap50(1.0, 1.000000001, 0.4999864474654442, 1e-9, 1.0, 1.0) < 0
    assert w.lower == pytest.approx(9.99936e-10, rel=1e-5, abs=0)
    assert w.upper == pytest.approx(1.00006e-9, rel=1e-5, abs=0)
    for e, sgn in ((w.lower, 1), (w.upper, 1)):
        assert _gap50(1.0, 1.000000001, 0.4999864474654442, e * (1 - 1e-9) if e == w.lower
                      else e * (1 + 1e-9), 1.0, 1.0) * sgn > 0
    assert _gap50(1.0, 1.000000001, 0.4999864474654442, math.sqrt(w.lower * w.upper), 1.0, 1.0) < 0


def _lam_T_for_h(phi, s2, r2, target):
    """λ_T with h(λ_T) = target, solved at 60 digits by a bracketing method in log λ_T."""
    with mpmath.workdps(60):
        f = lambda ell: ridge.level_h(mpmath.mpf(phi), mpmath.exp(ell), mpmath.mpf(s2),
                                      mpmath.mpf(r2)) - target
        lo, hi = mpmath.log(mpmath.mpf("1e-14")), mpmath.log(mpmath.mpf(phi) * s2 / r2)
        assert f(lo) < 0 < f(hi)
        return mpmath.exp(mpmath.findroot(f, (lo, hi), solver="illinois"))


@pytest.mark.parametrize("phi, psi, s2", [(1.0, 2.0, 1.0), (0.5, 0.5, 2.0), (2.0, 3.0, 2.0)])
@pytest.mark.parametrize("eps", [1e-12, 1e-9, 1e-15])
def test_case_and_endpoints_near_h_equal_one(phi, psi, s2, eps):
    lt = float(_lam_T_for_h(phi, s2, 1.0, 1 + mpmath.mpf(eps)))
    w = ridge.student_win_region(phi, psi, lt, s2, 1.0)
    with mpmath.workdps(50):
        h50 = ridge.level_h(*[_exact(x) for x in (phi, lt, s2, 1.0)])
    assert w.case == ("everywhere" if h50 <= 1 else "below" if psi <= 1 else "band")
    if w.case == "everywhere":
        return
    # endpoints: E_S - E_T changes sign there (50-digit gap), relative accuracy 1e-12
    for e in ([w.lower] if w.case == "band" else []) + [w.upper]:
        lo, hi = _gap50(phi, psi, lt, e * (1 - 1e-12), s2, 1.0), _gap50(phi, psi, lt, e * (1 + 1e-12), s2, 1.0)
        assert lo * hi < 0, (e, lo, hi)


@pytest.mark.parametrize("psi", [1.5, 4.0, 1 + 1e-6])
@pytest.mark.parametrize("delta", [1e-15, -1e-15, 1e-13, -1e-13, 1e-8, -1e-8])
def test_case_near_c_max(psi, delta):
    cm = ridge.c_max(mpmath.mpf(psi))
    lt = float(_lam_T_for_h(1.0, 1.0, 1.0, cm * (1 + delta)))
    w = ridge.student_win_region(1.0, psi, lt, 1.0, 1.0)
    with mpmath.workdps(50):
        h50 = ridge.level_h(*[_exact(x) for x in (1.0, lt, 1.0, 1.0)])
        cm50 = ridge.c_max(_exact(psi))
    assert w.case == ("never" if h50 >= cm50 else "band")
    if w.case == "band":
        mid = math.sqrt(w.lower * w.upper)
        assert _gap50(1.0, psi, lt, mid, 1.0, 1.0) < 0


@pytest.mark.parametrize("k", [-2, -1, 0, 1, 2])
def test_case_at_lambda_star_psi_below_one(k):
    phi, s2 = 0.7, 0.3
    lt = phi * s2
    lt = float(np.nextafter(lt, math.inf) if k > 0 else np.nextafter(lt, 0) if k < 0 else lt)
    for _ in range(abs(k) - 1):
        lt = float(np.nextafter(lt, math.inf if k > 0 else 0))
    w = ridge.student_win_region(phi, 0.5, lt, s2, 1.0)
    with mpmath.workdps(60):
        below_star = _exact(lt) < _exact(phi) * _exact(s2)
    assert w.case == ("below" if below_star else "never")
    if w.case == "below":
        assert _gap50(phi, 0.5, lt, w.upper * (1 - 1e-9), s2, 1.0) < 0
        assert _gap50(phi, 0.5, lt, w.upper * (1 + 1e-9), s2, 1.0) > 0


def test_win_region_extreme_parameters():
    # item 10: no OverflowError / math domain error
    w = ridge.student_win_region(0.5, 2.0, 1e300, 1.0, 1.0)
    assert w.case == "never"
    with pytest.raises(FloatingPointError, match="outside the float64 range"):
        # the true upper endpoint is ~2e-327, below the smallest float64
        ridge.student_win_region(0.5, 0.999999999999999, 1e-300, 1e-300, 1e-3)
    w = ridge.student_win_region(0.5, 0.5, 1e-300, 1.0, 1.0)
    assert w.case == "everywhere" or w.case == "below"
