"""Weighted ridge (eq. 6), its two-layer-network reading (Remark 6), the spiked Γ (Assumption 7)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2s_theory.wridge import spiked_first_layer, spiked_gamma, two_layer_ridge, weighted_ridge


def _problem(seed, m, d):
    rng = np.random.default_rng(seed)
    return rng, rng.standard_normal((m, d)), rng.standard_normal(m)


@settings(deadline=None, derandomize=True, max_examples=30)
@given(seed=st.integers(0, 10**6), m=st.integers(2, 30), d=st.integers(1, 12),
       extra=st.integers(0, 5), loglam=st.floats(-4, 3))
def test_two_layer_network_equals_weighted_ridge(seed, m, d, extra, loglam):
    """b = Fᵀâ of the two-layer net equals the weighted-ridge solution with Γ = FᵀF (N ≥ d)."""
    rng, X, y = _problem(seed, m, d)
    F = rng.standard_normal((d + extra, d))
    lam = 10.0**loglam
    b_net = two_layer_ridge(X, y, lam, F)
    b_w = weighted_ridge(X, y, lam, F.T @ F)
    assert np.allclose(b_net, b_w, rtol=1e-7, atol=1e-9 * (1 + np.abs(b_w).max()))


@settings(deadline=None, derandomize=True, max_examples=20)
@given(seed=st.integers(0, 10**6), m=st.integers(2, 20), d=st.integers(1, 8), loglam=st.floats(-3, 2))
def test_weighted_ridge_is_the_minimiser(seed, m, d, loglam):
    """Independent check: gradient of the objective vanishes and random perturbations increase it."""
    rng, X, y = _problem(seed, m, d)
    A = rng.standard_normal((d, d))
    G = A @ A.T + 0.1 * np.eye(d)
    lam = 10.0**loglam
    b = weighted_ridge(X, y, lam, G)
    Gi = np.linalg.inv(G)

    def obj(v):
        return np.sum((y - X @ v) ** 2) / m + lam * v @ Gi @ v

    grad = -2 * X.T @ (y - X @ b) / m + 2 * lam * Gi @ b
    assert np.linalg.norm(grad) <= 1e-8 * (1 + np.linalg.norm(X.T @ y / m))
    for _ in range(5):
        assert obj(b + 1e-3 * rng.standard_normal(d)) >= obj(b)


def test_identity_gamma_is_plain_ridge_and_spike_first_layer():
    rng, X, y = _problem(3, 40, 6)
    b = weighted_ridge(X, y, 0.7, np.eye(6))
    assert np.allclose(b, np.linalg.solve(X.T @ X / 40 + 0.7 * np.eye(6), X.T @ y / 40))
    theta = rng.standard_normal(6)
    theta /= np.linalg.norm(theta)
    for kappa in (-0.5, 0.0, 3.0, 1e4):
        G = spiked_gamma(theta, kappa)
        F = spiked_first_layer(theta, kappa)
        assert np.allclose(F.T @ F, G)
        assert np.allclose(F, F.T)
        # Γ⁻¹ = I - (1-ω)θθᵀ with ω = 1/(1+κ)
        om = 1 / (1 + kappa)
        assert np.allclose(np.linalg.inv(G), np.eye(6) - (1 - om) * np.outer(theta, theta))
        assert np.allclose(two_layer_ridge(X, y, 0.7, F), weighted_ridge(X, y, 0.7, G))


def test_unpenalised_direction_limit():
    """κ → ∞: the component along θ is unpenalised, i.e. the solution of the projected-penalty problem."""
    rng, X, y = _problem(5, 30, 5)
    theta = np.eye(5)[0]
    P = np.eye(5) - np.outer(theta, theta)
    b_lim = np.linalg.solve(X.T @ X / 30 + 0.4 * P, X.T @ y / 30)
    b_big = weighted_ridge(X, y, 0.4, spiked_gamma(theta, 1e9))
    assert np.allclose(b_big, b_lim, rtol=1e-6, atol=1e-8)
    assert not np.allclose(weighted_ridge(X, y, 0.4, spiked_gamma(theta, 1.0)), b_lim, rtol=1e-3)


def test_two_layer_with_narrow_first_layer_lives_in_row_space():
    rng, X, y = _problem(8, 25, 6)
    F = rng.standard_normal((3, 6))
    b = two_layer_ridge(X, y, 0.3, F)
    proj = F.T @ np.linalg.lstsq(F.T, b, rcond=None)[0]
    assert np.allclose(proj, b)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lam=0.0), "lam"), (dict(lam=-1.0), "lam"), (dict(lam=np.nan), "lam"),
    (dict(lam=np.inf), "lam"), (dict(lam=1j), "lam"),
    (dict(Gamma=np.diag([1.0, 1.0, 0.0])), "positive definite"),
    (dict(Gamma=np.diag([1.0, -1.0, 2.0])), "positive definite"),
    (dict(Gamma=np.array([[1.0, 0.5, 0], [0, 1, 0], [0, 0, 1]])), "symmetric"),
    (dict(Gamma=np.eye(2)), "shape"), (dict(Gamma=np.full((3, 3), np.nan)), "finite"),
    (dict(y=np.ones(4)), "y"), (dict(X=np.ones(5)), "X"),
    (dict(X=np.ones((5, 3)) * 1j), "complex"),
])
def test_bad_input(kwargs, match):
    args = dict(X=np.ones((5, 3)), y=np.ones(5), lam=1.0, Gamma=np.eye(3))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        weighted_ridge(**args)


@pytest.mark.parametrize("theta, kappa, match", [
    (np.array([1.0, 1.0]), 1.0, "unit"), (np.array([1.0, 0.0]), -1.0, "kappa"),
    (np.array([1.0, 0.0]), -2.0, "kappa"), (np.array([1.0, 0.0]), np.nan, "kappa"),
    (np.array([1.0, 0.0]), np.inf, "kappa"), (np.array([np.nan, 0.0]), 1.0, "theta"),
])
def test_bad_spike(theta, kappa, match):
    with pytest.raises(ValueError, match=match):
        spiked_gamma(theta, kappa)


def test_two_layer_bad_F():
    with pytest.raises(ValueError, match="F"):
        two_layer_ridge(np.ones((4, 3)), np.ones(4), 1.0, np.ones((2, 4)))


@pytest.mark.parametrize("fit, extra", [(weighted_ridge, np.eye(3)), (two_layer_ridge, np.eye(3))],
                         ids=["weighted", "two_layer"])
def test_zero_dim_array_penalty_is_a_scalar(fit, extra):
    X, y = np.arange(15.0).reshape(5, 3) % 4, np.arange(5.0)
    np.testing.assert_array_equal(fit(X, y, np.array(0.3), extra), fit(X, y, 0.3, extra))
    for bad in (np.array([0.3]), np.array(0.0), np.array(0.3j)):
        with pytest.raises(ValueError, match="lam"):
            fit(X, y, bad, extra)


@pytest.mark.parametrize("fit", [weighted_ridge, two_layer_ridge], ids=["weighted", "two_layer"])
def test_overflowing_design_is_rejected_not_nan(fit):
    # X^T X overflows at entries ~1e200: a ValueError naming X, no NaN and no RuntimeWarning
    X = np.eye(5, 3) * 1e200
    with pytest.raises(ValueError, match="X"):
        fit(X, np.ones(5), 1.0, np.eye(3))


def test_two_layer_needs_a_hidden_unit():
    with pytest.raises(ValueError, match="F must have at least one row"):
        two_layer_ridge(np.ones((4, 3)), np.ones(4), 1.0, np.zeros((0, 3)))
