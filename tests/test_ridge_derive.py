"""REPL derivation helpers and the optimal student penalty, against independent facts."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq, minimize_scalar

from w2s_theory import ridge, rmt
from w2s_theory.ridge import derive as D
from w2s_theory.ridge import symbolic as S

RNG = np.random.default_rng(11)


@pytest.mark.parametrize("name", ["tau1", "tau2", "p", "b", "m", "m_prime"])
def test_student_functionals_in_u_match_the_mp_law(name):
    f = sp.lambdify((S.psi, S.u), D.STUDENT_IN_U[name], modules="mpmath")
    with mpmath.workdps(40):
        for psi, lam in [(0.3, 0.01), (0.5, 2.0), (1.0, 0.7), (2.0, 1e-3), (7.0, 30.0)]:
            psi, lam = mpmath.mpf(psi), mpmath.mpf(lam)
            u = rmt.stieltjes(psi, lam)
            want = u if name == "m" else rmt.mp_functional(name, psi, lam)
            assert abs(f(psi, u) - want) <= mpmath.mpf(10) ** -35 * max(1, abs(want))


def test_student_error_in_u_is_thm4():
    E = sp.lambdify((S.phi, S.psi, S.lam_T, S.sigma2, S.r2, S.u), D.student_error_in_u,
                    modules="mpmath")
    with mpmath.workdps(40):
        for pt in [(0.5, 2.0, 0.1, 1.0, 0.5, 1.0), (3.0, 0.4, 2.0, 0.05, 1.3, 0.7)]:
            phi, psi, lam_T, lam_S, s2, r2 = map(mpmath.mpf, pt)
            u = rmt.stieltjes(psi, lam_S)
            want = ridge.student_error(phi, psi, lam_T, lam_S, s2, r2)
            assert abs(E(phi, psi, lam_T, s2, r2, u) - want) < mpmath.mpf(10) ** -30


def _brute_force(phi, psi, lam_T, sigma2, r2):
    f = lambda t: ridge.student_error(phi, psi, lam_T, math.exp(t), sigma2, r2)  # noqa: E731
    grid = np.linspace(-25, 25, 401)
    vals = [f(t) for t in grid]
    i = int(np.argmin(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    r = minimize_scalar(f, bounds=(lo, hi), method="bounded", options=dict(xatol=1e-10))
    return math.exp(r.x), r.fun, i


def test_published_example():
    opt = ridge.optimal_student_lambda(0.5, 2.0, 0.1, 0.5, 1.0)
    lam, err, _ = _brute_force(0.5, 2.0, 0.1, 0.5, 1.0)
    assert opt.where == "interior"
    assert opt.lam_S == pytest.approx(0.13667933447, rel=1e-10)
    assert opt.error == pytest.approx(err, rel=1e-13)
    assert opt.lam_S == pytest.approx(lam, rel=1e-4)


@pytest.mark.parametrize("seed", range(12))
def test_optimum_agrees_with_scipy_over_the_domain(seed):
    rng = np.random.default_rng(seed)
    phi, psi = 10 ** rng.uniform(-1.5, 1.5, 2)
    sigma2, r2 = 10 ** rng.uniform(-1, 0.5, 2)
    lam_T = 10 ** rng.uniform(-2, 1) * phi * sigma2 / r2     # both sides of λ*
    opt = ridge.optimal_student_lambda(phi, psi, lam_T, sigma2, r2)
    lam, err, i = _brute_force(phi, psi, lam_T, sigma2, r2)
    assert opt.error <= err * (1 + 1e-12)                 # never worse than the search
    assert opt.error == pytest.approx(err, rel=1e-9)
    if opt.where == "interior":
        assert opt.error == pytest.approx(
            ridge.student_error(phi, psi, lam_T, opt.lam_S, sigma2, r2), rel=1e-12)
        for f in (1 - 1e-3, 1 + 1e-3):                    # a strict local minimum
            assert ridge.student_error(phi, psi, lam_T, opt.lam_S * f, sigma2, r2) > opt.error
    else:   # the search ran to the corresponding end of its range
        assert (i == 0) == (opt.where == "lam_S->0") and i in (0, 400)


def test_end_minima_are_reported_as_limits():
    # a well-tuned teacher and ψ < 1: the student can at best copy it (λ_S → 0⁺, E_S → E_T)
    phi, psi, s2, r2 = 0.5, 0.5, 1.0, 1.0
    lam_star = ridge.optimal_lambda(phi, s2, r2)
    opt = ridge.optimal_student_lambda(phi, psi, lam_star, s2, r2)
    assert opt.where == "lam_S->0" and opt.lam_S == 0.0
    assert opt.error == pytest.approx(ridge.teacher_error(phi, lam_star, s2, r2), rel=1e-13)



@pytest.mark.parametrize("phi, psi", [(0.8, 1.5), (0.8, 4.0), (1.5, 1.5), (1.5, 4.0)])
def test_teacher_within_rounding_of_optimal(phi, psi):
    # λ_T = φσ²/r² in float is λ* up to rounding: h = 2 − O(1e-17), the quartic's leading
    # coefficient is ~1e-17 and its admissible root u ~ 1e17 (λ_S ~ 1e-18).  findroot's
    # absolute residual test used to raise here; the answer must match a direct scan
    s2, r2 = 1.0, 2.5
    lam_T = phi * s2 / r2
    opt = ridge.optimal_student_lambda(phi, psi, lam_T, s2, r2)
    grid = np.logspace(-30, 6, 721)
    scan = min(ridge.student_error(phi, psi, lam_T, lam, s2, r2) for lam in grid)
    assert opt.error <= scan * (1 + 1e-12)
    assert opt.error == pytest.approx(scan, rel=1e-9)

def test_mpmath_path_and_validation():
    with mpmath.workdps(50):
        opt = ridge.optimal_student_lambda(mpmath.mpf("0.5"), 2, mpmath.mpf("0.1"),
                                           mpmath.mpf("0.5"), 1)
        assert isinstance(opt.lam_S, mpmath.mpf)
        # stationarity at 50 digits: dE/dλ by a symmetric difference is ~0
        h = mpmath.mpf(10) ** -20
        E = lambda lam: ridge.student_error(mpmath.mpf("0.5"), mpmath.mpf(2), mpmath.mpf("0.1"),  # noqa: E731
                                             lam, mpmath.mpf("0.5"), mpmath.mpf(1))
        assert abs((E(opt.lam_S + h) - E(opt.lam_S - h)) / (2 * h)) < mpmath.mpf(10) ** -15
    with pytest.raises(ValueError, match="psi"):
        ridge.optimal_student_lambda(0.5, -2.0, 0.1, 0.5, 1.0)
    with pytest.raises(ValueError, match="lam_T"):
        ridge.optimal_student_lambda(0.5, 2.0, [0.1, 0.2], 0.5, 1.0)


def test_win_endpoint_series_against_numeric_roots():
    lo_s, hi_s, eps_sym = D.win_endpoint_series(2)
    psi = 2.5
    err = {}
    for eps in (1e-2, 1e-3, 1e-4):
        g = lambda lam: ridge.gain_g(psi, lam) - (1 + eps)  # noqa: E731
        lo = brentq(g, 1e-14, 1.0, xtol=1e-300, rtol=1e-15)
        hi = brentq(g, 1.0, 1e14, xtol=1e-300, rtol=1e-15)
        err[eps] = (abs(lo - float(lo_s.subs({S.psi: psi, eps_sym: eps}))),
                    abs(hi - float(hi_s.subs({S.psi: psi, eps_sym: eps}))))
    # two terms kept, so the remainders are O(ε³) for λ₋ and O(ε) for λ₊: a wrong
    # coefficient in either kept term would leave an O(ε²) or O(1) remainder instead
    for a, b in ((1e-2, 1e-3), (1e-3, 1e-4)):
        assert err[b][0] / err[a][0] < 2e-3
        assert err[b][1] / err[a][1] < 0.2
    assert err[1e-4][1] < 1e-2


def test_regime_helpers():
    e, eps = D.over_one(sp.sqrt(S.psi**2 - 2 * S.psi + 1))
    assert e == eps and eps.is_positive
    e, eps = D.under_one(S.psi)
    assert e == 1 / (1 + eps)
    cm, eps = D.over_one(S.c_max_over)
    assert sp.limit(cm, eps, 0) == sp.Rational(3, 2)    # sup g at ψ = 1⁺ (the documented jump)
    with pytest.raises(ValueError, match="order"):
        D.win_endpoint_series(0)
