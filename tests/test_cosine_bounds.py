"""Hessian/gradient bounds, their tightness, and the one-step step-size guarantee."""
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import optimize

from w2s_theory.cosine import bounds, cosine, cosine_gradient, cosine_hessian
from w2s_theory.cosine.checks import spd
from w2s_theory.cosine.sft import confidence_residual_bound, expected_gradient, sample_on_cone

vec = st.lists(st.floats(-5, 5, allow_nan=False), min_size=4, max_size=4)
logeig = st.lists(st.floats(-4, 4), min_size=4, max_size=4)


def _case(w, ws, le, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    S = (Q * np.exp(le)) @ Q.T
    return np.array(w), np.array(ws), (S + S.T) / 2


@settings(deadline=None, derandomize=True, max_examples=80)
@given(vec, vec, logeig, st.integers(0, 10_000))
@example([1.0, 0, 0, 0], [1.0, math.sqrt(2), 0, 0], [0, 0, 0, 0], 0)       # c = 1/√3, Σ = I: equality
@example([1.0, 0, 0, 0], [1.0, 0, 0, 0], [4, -4, 0, 0], 1)                  # w ∥ w*
def test_bounds_hold_on_random_cases(w, ws, le, seed):
    w, ws, S = _case(w, ws, le, seed)
    if np.linalg.norm(w) < 1e-3 or np.linalg.norm(ws) < 1e-3:
        return
    assert bounds.hessian_ratio(w, ws, S) <= 1 + 1e-10
    assert bounds.hessian_ratio(w, ws, S, "sigma") <= 1 + 1e-10
    assert bounds.gradient_ratio(w, ws, S) <= 1 + 1e-10
    ev = np.linalg.eigvalsh(S)
    res = abs(cosine_gradient(w, ws, S) @ (S @ w))
    assert res <= confidence_residual_bound(cosine(w, ws, S), ev[0], ev[-1]) * (1 + 1e-9) + 1e-14


def test_isotropic_hessian_spectrum_closed_form():
    """Σ = I: eigenvalues (−c ± √(4−3c²))/(2a²) on span(w, w*) and −c/a² (multiplicity d−2)."""
    rng = np.random.default_rng(0)
    d = 6
    for _ in range(5):
        w, ws = rng.standard_normal(d), rng.standard_normal(d)
        a2, c = w @ w, cosine(w, ws)
        expected = sorted([(-c + math.sqrt(4 - 3 * c * c)) / (2 * a2), (-c - math.sqrt(4 - 3 * c * c)) / (2 * a2)]
                          + [-c / a2] * (d - 2))
        assert np.allclose(np.linalg.eigvalsh(cosine_hessian(w, ws)), expected, atol=1e-13 / a2)


def test_hessian_bound_attained_at_c_one_over_sqrt3():
    w = np.array([2.0, 0, 0])
    ws = np.array([1.0, math.sqrt(2), 0])                                   # c = 1/√3
    assert cosine(w, ws) == pytest.approx(1 / math.sqrt(3), abs=1e-15)
    assert bounds.hessian_ratio(w, ws, np.eye(3)) == pytest.approx(1.0, abs=1e-14)
    # and with anisotropic Σ when the extremal eigenvector is a top eigenvector of Σ:
    # in u = Σ^{1/2} w coordinates, rotate the configuration so that eigenvector is e1
    H = cosine_hessian(w, ws)
    ev, V = np.linalg.eigh(H)
    v = V[:, np.argmax(np.abs(ev))]
    Q = np.linalg.qr(np.column_stack([v, np.eye(3)[:, 1:]]))[0]             # Q e1 = ±v
    Sh = np.diag([3.0, 1.0, 0.5])                                          # Σ^{1/2}, top direction e1
    u, us = Q.T @ w, Q.T @ ws                                              # configuration with e1 extremal
    S = Sh @ Sh
    wS, wsS = np.linalg.solve(Sh, u), np.linalg.solve(Sh, us)
    assert bounds.hessian_ratio(wS, wsS, S) == pytest.approx(1.0, abs=1e-12)


def test_search_is_sharp_against_a_smaller_constant():
    """The same adversarial search refutes the bound with 2/√3 replaced by 0.99·2/√3."""
    rng = np.random.default_rng(1)
    best, _ = bounds.adversarial_max(lambda w, ws, S: bounds.hessian_ratio(w, ws, S) / 0.99, 2, rng,
                                     restarts=1, maxiter=30)
    assert best > 1.0
    best_g, _ = bounds.adversarial_max(lambda w, ws, S: bounds.gradient_ratio(w, ws, S) / 0.99, 2, rng,
                                       restarts=1, maxiter=30)
    assert best_g > 1.0


def test_orthogonal_equivariance_justifies_diagonal_sigma():
    rng = np.random.default_rng(2)
    w, ws, S = rng.standard_normal(5), rng.standard_normal(5), spd(rng, 5, 20.0)
    Q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    S2 = Q @ S @ Q.T
    S2 = (S2 + S2.T) / 2
    assert cosine(Q @ w, Q @ ws, S2) == pytest.approx(cosine(w, ws, S), abs=1e-14)
    assert np.allclose(cosine_hessian(Q @ w, Q @ ws, S2), Q @ cosine_hessian(w, ws, S) @ Q.T, atol=1e-12)
    assert bounds.hessian_ratio(Q @ w, Q @ ws, S2) == pytest.approx(bounds.hessian_ratio(w, ws, S), rel=1e-10)


def test_lipschitz_on_exterior_of_ball():
    """|c(w1) − c(w2)| ≤ (√λmax / r)‖w1 − w2‖ for ‖w_i‖_Σ ≥ r, random pairs incl. near-antipodal."""
    rng = np.random.default_rng(3)
    S = spd(rng, 4, 8.0)
    ws = rng.standard_normal(4)
    lmax = np.linalg.eigvalsh(S)[-1]
    n = 20_000
    w1 = rng.standard_normal((n, 4))
    w1 = w1 / np.sqrt(np.sum((w1 @ S) * w1, axis=1))[:, None] * (1 + rng.exponential(0.2, (n, 1)))
    w2 = w1 + rng.standard_normal((n, 4)) * rng.choice([1e-2, 1.0], (n, 1))
    keep = np.sum((w2 @ S) * w2, axis=1) >= 1
    w1, w2 = w1[keep], w2[keep]
    ratio = np.abs(cosine(w1, ws, S) - cosine(w2, ws, S)) / np.linalg.norm(w1 - w2, axis=1)
    worst = float(np.max(ratio)) / math.sqrt(lmax)
    assert worst <= 1 + 1e-12
    assert worst > 0.3          # the random pairs come within a modest factor of the constant


# ---------------------------------------------------------------- step size
def _first_crossing(w, v, ws, S):
    c0 = cosine(w, ws, S)
    f = lambda eta: cosine(w + eta * v, ws, S) - c0
    grid = np.geomspace(1e-8, 1e8, 4000)
    vals = cosine(w[None] + grid[:, None] * v, ws, S) - c0       # one vectorised scan
    idx = np.where(vals <= 0)[0]
    if len(idx) == 0:
        return math.inf
    i = idx[0]
    return optimize.brentq(f, grid[i - 1], grid[i], xtol=1e-14, rtol=1e-13)


@pytest.mark.parametrize("norm,beta,aniso", [(0.3, 1.0, False), (3.0, 1.0, False), (30.0, 0.5, False),
                                             (1.0, 4.0, True), (10.0, 1.0, True)])
def test_exact_step_limit_matches_root_finding(norm, beta, aniso):
    rng = np.random.default_rng(int(norm * 10 + beta))
    d = 20
    S = spd(rng, d, 10.0) if aniso else None
    ws = np.eye(d)[0]
    w = sample_on_cone(rng, ws, math.cos(0.2 * math.pi), norm, 1, S)[0]
    t = sample_on_cone(rng, ws, math.cos(0.3 * math.pi), 1.0, 1, S)[0]
    v = -expected_gradient(w, t, S, beta)
    ex = bounds.exact_step_limit(w, v, ws, S)
    ref = _first_crossing(w, v, ws, S)
    assert ex == pytest.approx(ref, rel=1e-8)
    tb = bounds.taylor_step_bound(w, v, ws, S)
    assert 0 < tb <= ex
    assert cosine(w + tb * v, ws, S) > cosine(w, ws, S)
    assert tb / ex > 0.05       # the guarantee is not vacuous: a sizeable fraction of the true limit


def test_step_limit_zero_when_rate_nonpositive():
    ws = np.array([1.0, 0, 0])
    w = np.array([1.0, 1.0, 0])
    v = -cosine_gradient(w, ws)                       # descent direction for c
    assert bounds.exact_step_limit(w, v, ws) == 0.0
    assert bounds.taylor_step_bound(w, v, ws) == 0.0


# ---------------------------------------------------------------- one SGD step (stochastic part of Thm 2.3)
def test_one_step_improvement_probability_and_sharpness():
    """P(step improves c) = Φ(√B ċ/σ) within z·SE + Berry–Esseen/√B; a variance×2 prediction fails."""
    from w2s_theory.cosine import paper, stochastic
    from w2s_theory.cosine.montecarlo import z_value
    rng = np.random.default_rng(30)
    d = 20
    ws = np.eye(d)[0]
    w = sample_on_cone(rng, ws, paper.acc_to_cos(0.8), 1.0, 1)[0]
    t = sample_on_cone(rng, ws, paper.acc_to_cos(0.7), 1.0, 1, ortho_to=w, rho=0.5)[0]
    sigma, r3, rate = stochastic.xi_moments(w, t, ws, n=1_000_000, seed=31)
    B = int((0.84 * sigma / rate) ** 2)                  # batch for which theory predicts p ≈ 0.8
    eta = 1e-3 * bounds.taylor_step_bound(w, -expected_gradient(w, t), ws)
    f, se = stochastic.simulate_one_step(w, t, ws, eta, B, 2000, seed=32)
    tol = z_value(1, 20) * se + stochastic.BERRY_ESSEEN * r3 / math.sqrt(B)
    assert abs(f - stochastic.predicted_probability(rate, sigma, B)) <= tol
    assert abs(f - stochastic.predicted_probability(rate, sigma * math.sqrt(2), B)) > tol
    assert abs(f - stochastic.predicted_probability(1.5 * rate, sigma, B)) > tol


def test_one_step_reduction_matches_direct_simulation():
    # one_step_increments draws x in span(w, t, w*) plus the chi-square norm of the gradient's
    # orthogonal part; a direct d-dimensional simulation must agree in law (means, sd and
    # P(improve) within 4 SE) -- also at a large step, where ‖G_⊥‖ moves c by O(η)
    from w2s_theory.cosine import stochastic
    rng = np.random.default_rng(5)
    d, B, n = 20, 8, 40000
    W, T, ws = rng.standard_normal(d), rng.standard_normal(d), np.eye(d)[0]
    for eta in (1e-3, 0.5):
        X = np.random.default_rng(6).standard_normal((n, B, d))
        y = np.where(X @ T >= 0, 1.0, -1.0)
        G = np.einsum("mb,mbd->md", 0.5 * (np.tanh(X @ W / 2) - y), X) / B
        direct = (cosine(W - eta * G, ws) - cosine(W, ws)) / eta
        red = stochastic.one_step_increments(W, T, ws, eta, B, n, seed=7, blocks=4, chunk=5000).ravel()
        se = math.hypot(direct.std(), red.std()) / math.sqrt(n)
        assert abs(direct.mean() - red.mean()) <= 4 * se
        assert abs(direct.std() - red.std()) <= 4 * se * 1.5
        p1, p2 = np.mean(direct > 0), np.mean(red > 0)
        assert abs(p1 - p2) <= 4 * math.sqrt(0.5 / n)
    # without the orthogonal coordinate the large step is visibly off
    Q = np.linalg.qr(np.stack([W, T, ws], 1))[0]
    Xr = np.random.default_rng(8).standard_normal((n, B, 3))
    yr = np.where(Xr @ (Q.T @ T) >= 0, 1.0, -1.0)
    Gr = np.einsum("mb,mbd->md", 0.5 * (np.tanh(Xr @ (Q.T @ W) / 2) - yr), Xr) / B
    dropped = (cosine(Q.T @ W - 0.5 * Gr, Q.T @ ws) - cosine(W, ws)) / 0.5
    assert abs(dropped.mean() - direct.mean()) > 6 * se
