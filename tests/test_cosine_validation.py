"""Input validation of the cosine mechanism: bad input -> ValueError naming the parameter;
valid edge input (tiny/huge ‖w‖) -> finite results obeying the homogeneity identities."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from w2s_theory.cosine import (confidence_residual_bound, cosine, cosine_gradient, cosine_hessian,
                               cosine_rate, exact_step_limit, expected_gradient, gradient_bound,
                               hessian_bound, relative_correlation, sample_on_cone, sft_step_limits,
                               simulate_sft, symbolic_cosine, symbolic_gradient, symbolic_hessian,
                               taylor_step_bound)

W = np.array([1.0, 2.0, 0.5])
WS = np.array([1.0, 0.0, 0.0])
T = np.array([1.0, 1.0, 1.0])
S = np.diag([1.0, 2.0, 3.0])
V = np.array([1.0, -3.0, -1.0])        # positive initial rate ⟨∇c, v⟩ and a finite exact limit (checked below)


# ---------------------------------------------------------------- step sizes: v
@pytest.mark.parametrize("f", [exact_step_limit, taylor_step_bound])
@pytest.mark.parametrize("bad_v, match", [
    (np.array([np.nan, 0, 0]), "v must have finite"),
    (np.array([np.inf, 0, 0]), "v must have finite"),
    (np.array([1j, 0, 0]), "v must be real"),
    (np.ones(4), r"v must have shape \(3,\)"),
    (3.0, "v must be a 1-dimensional"),
    (None, "v is required"),
    ([], "v must be non-empty"),
    ("abc", "v must be real numbers"),
])
def test_step_functions_validate_v(f, bad_v, match):
    with pytest.raises(ValueError, match=match):
        f(W, bad_v, WS, S)


@pytest.mark.parametrize("f", [exact_step_limit, taylor_step_bound])
@pytest.mark.parametrize("sw, sv", [(1e-200, 1.0), (1e200, 1.0), (1.0, 1e-200), (1e150, 1e-150)])
def test_step_functions_homogeneous(f, sw, sv):
    """c(sw + ηv) = c(w + (η/s)v): η̄(s_w w, s_v v) = (s_w/s_v) η̄(w, v), at any representable scale."""
    assert float(cosine_gradient(W, WS, S) @ V) > 0
    ref = f(W, V, WS, S)
    assert 0 < ref < math.inf
    assert f(sw * W, sv * V, WS, S) == pytest.approx(ref * sw / sv, rel=1e-12)
    # powers of two: bit-identical scaling
    assert f(2.0 ** -600 * W, 2.0 ** 10 * V, WS, S) == ref * 2.0 ** -610


def test_step_limit_improves_cosine_at_tiny_scale():
    """Independent check at ‖w‖ ~ 1e-200: c increases just inside η̄ and not beyond it."""
    s = 1e-200
    eta = exact_step_limit(s * W, s * V, WS, S)
    c0 = cosine(W, WS, S)
    assert cosine(s * W + 0.99 * eta * s * V, WS, S) > c0
    assert cosine(s * W + 1.01 * eta * s * V, WS, S) < c0


# ---------------------------------------------------------------- tiny/huge w in the SFT functions
@pytest.mark.parametrize("s", [1e-200, 1e200])
def test_sft_functions_at_extreme_scales(s):
    """Σ-cosines are scale free; ∇c ~ 1/s; κ(a)Σw → (β/2)Σw (a → 0) or √(2/π)Σw/a (a → ∞)."""
    assert relative_correlation(s * W, T, WS, S) == pytest.approx(relative_correlation(W, T, WS, S), rel=1e-12)
    assert relative_correlation(W, s * T, WS, S) == pytest.approx(relative_correlation(W, T, WS, S), rel=1e-12)
    rate, A, B = cosine_rate(s * W, T, WS, S)
    _, A1, _ = cosine_rate(W, T, WS, S)
    assert A == pytest.approx(A1 / s, rel=1e-12)                 # ⟨∇c, Σt⟩ is (−1)-homogeneous
    assert np.isfinite(rate) and np.isfinite(B)
    g = expected_gradient(s * W, T, S)
    tn = math.sqrt(T @ S @ T)
    teacher = -0.5 * math.sqrt(2 / math.pi) * (S @ T) / tn
    a = s * math.sqrt(W @ S @ W)
    if s < 1:       # κ → β/2 = 1/2: E∇ℓ → teacher term + (1/4)Σw (≈ teacher term)
        assert np.allclose(g, teacher + 0.25 * s * (S @ W), rtol=1e-12, atol=0)
    else:           # κ ≈ √(2/π)/a: E∇ℓ → teacher term + ½√(2/π)Σw/a
        assert np.allclose(g, teacher + 0.5 * math.sqrt(2 / math.pi) * (S @ W) * s / a, rtol=1e-9, atol=0)
    ex, tb = sft_step_limits(s * W, T, WS, S)
    assert 0 <= tb <= ex


@pytest.mark.parametrize("f", [hessian_bound, gradient_bound])
def test_bounds_at_extreme_scales(f):
    k = 2 if f is hessian_bound else 1                           # (−k)-homogeneous in w
    ref = f(W, WS, S)
    assert f(1e-100 * W, WS, S) == pytest.approx(ref * 1e100 ** k, rel=1e-12)
    assert f(1e100 * W, WS, S) == pytest.approx(ref * 1e-100 ** k, rel=1e-12)
    if k == 2:      # 1/s² overflows: an error like cosine_hessian, never inf
        with pytest.raises(FloatingPointError, match="overflow"):
            f(1e-200 * W, WS, S)
    else:
        assert f(1e-200 * W, WS, S) == pytest.approx(ref * 1e200, rel=1e-12)


@pytest.mark.parametrize("f", [lambda w: expected_gradient(w, T, S), lambda w: cosine_rate(w, T, WS, S),
                               lambda w: relative_correlation(w, T, WS, S),
                               lambda w: sft_step_limits(w, T, WS, S)])
def test_sft_functions_zero_w(f):
    with pytest.raises(ValueError, match="w must be nonzero"):
        f(np.zeros(3))


def test_norm_beyond_float_range_names_w():
    w = np.full(3, 1.5e308)                                      # entries finite, ‖w‖_Σ is not
    with pytest.raises(ValueError, match="w must have ‖w‖_Σ representable"):
        expected_gradient(w, T, S)


# ---------------------------------------------------------------- sample_on_cone
def _cone(**kw):
    args = dict(rng=np.random.default_rng(1), w_star=WS, cos=0.5, norm=2.0, n=2)
    args.update(kw)
    return sample_on_cone(**args)


@pytest.mark.parametrize("kw, match", [
    (dict(norm=np.inf), "norm"), (dict(norm=0.0), "norm"), (dict(norm=None), "norm"),
    (dict(norm=1j), "norm"), (dict(norm="1"), "norm"),
    (dict(cos=1.5), "cos"), (dict(cos=np.nan), "cos"), (dict(cos=1j), "cos"), (dict(cos="a"), "cos"),
    (dict(cos=None), "cos"), (dict(cos=[0.1, 0.2]), "cos"),
    (dict(rho=np.nan, ortho_to=T), "rho"), (dict(rho=1.5, ortho_to=T), "rho"),
    (dict(w_star=np.zeros(3)), "w_star"), (dict(w_star=np.ones(1)), "w_star"),
    (dict(ortho_to=2 * WS, rho=0.3), "ortho_to"), (dict(ortho_to=np.zeros(3), rho=0.3), "ortho_to"),
    (dict(ortho_to=np.ones(4), rho=0.1), "ortho_to"),
    (dict(w_star=np.array([1.0, 0]), ortho_to=np.array([0, 1.0]), rho=0.1), "ortho_to"),
    (dict(ortho_to=T), "rho"), (dict(rho=0.2), "ortho_to"),
    (dict(n=2.5), "n must"), (dict(n=np.nan), "n must"), (dict(n="3"), "n must"), (dict(n=-1), "n must"),
    (dict(n=0), "n must"), (dict(n=True), "n must"),
    (dict(rng=-1), "rng"), (dict(rng="x"), "rng"),
])
def test_sample_on_cone_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        _cone(**kw)


@pytest.mark.parametrize("scale", [1e-200, 1.0, 1e200])
def test_sample_on_cone_edge_inputs(scale):
    """Tiny/huge w*, ortho_to: samples still have the requested Σ-cosine and Σ-norm (independent check)."""
    ws = scale * np.array([1.0, -2.0, 0.5, 0.0])
    o = scale * np.array([0.2, 1.0, -1.0, 3.0])
    Sig = np.diag([1.0, 2.0, 0.5, 4.0])
    X = sample_on_cone(np.random.default_rng(3), ws, 0.6, 2.0, 5, Sig, ortho_to=o, rho=0.4)
    assert np.allclose(cosine(X, ws, Sig), 0.6, atol=1e-12)
    assert np.allclose(np.sqrt(np.einsum("nd,de,ne->n", X, Sig, X)), 2.0, rtol=1e-12)
    # an int seed is accepted and equals the Generator it names
    assert np.array_equal(_cone(rng=7), _cone(rng=np.random.default_rng(7)))


# ---------------------------------------------------------------- confidence_residual_bound
@pytest.mark.parametrize("args, match", [
    ((np.nan, 1.0, 2.0), "c must"), ((1.5, 1.0, 2.0), "c must"), ((1j, 1.0, 2.0), "c must"),
    (("a", 1.0, 2.0), "c must"), ((0.5, 1.0, np.inf), "lam_max"), ((0.5, 0.0, 2.0), "lam_min"),
    ((0.5, -1.0, 2.0), "lam_min"), ((0.5, 3.0, 2.0), "lam_min must be <= lam_max"),
    ((0.5, "1", 2.0), "lam_min"), ((0.5, 1.0, None), "lam_max"),
    ((mpmath.mpf(2), 1.0, 2.0), "c must"),
])
def test_confidence_residual_bound_validation(args, match):
    with pytest.raises(ValueError, match=match):
        confidence_residual_bound(*args)


def test_confidence_residual_bound_values():
    """Known cases: 0 for Σ ∝ I, (λmax−λmin)/2 at c = 0, √(1−c²) factor; float cosine rounding tolerated."""
    assert confidence_residual_bound(0.3, 2.0, 2.0) == 0.0
    assert confidence_residual_bound(0.0, 1.0, 3.0) == 1.0
    assert confidence_residual_bound(0.6, 1.0, 3.0) == pytest.approx(0.8, rel=1e-15)
    assert confidence_residual_bound(1.0 + 2e-16, 1.0, 3.0) == 0.0
    assert np.allclose(confidence_residual_bound(np.array([0.0, 0.6]), 1.0, 3.0), [1.0, 0.8])
    with mpmath.workdps(30):
        assert mpmath.almosteq(confidence_residual_bound(mpmath.mpf("0.6"), 1, 3), mpmath.mpf("0.8"), 1e-28)


# ---------------------------------------------------------------- dps
@pytest.mark.parametrize("f", [cosine, cosine_gradient, cosine_hessian])
@pytest.mark.parametrize("dps", [0, -5, 2.5, 4, True, "30"])
def test_dps_validation(f, dps):
    with pytest.raises(ValueError, match="dps must be an integer >= 5"):
        f(W, WS, S, dps=dps)


def test_smallest_dps_still_correct():
    assert abs(float(cosine(W, WS, S, dps=5)) - cosine(W, WS, S)) < 1e-4


# ---------------------------------------------------------------- simulate_sft
@pytest.mark.parametrize("kw, match", [
    (dict(w0=np.zeros(3)), "w0 must be nonzero"),
    (dict(teachers=np.array([[1.0, 0, 0], [0, 0, 0]])), r"teachers\[1\] must be nonzero"),
    (dict(seed=-1), "seed"), (dict(seed="a"), "seed"), (dict(seed=1.5), "seed"), (dict(seed=True), "seed"),
    (dict(w_star=np.zeros(3)), "w_star"),
])
def test_simulate_sft_validation(kw, match):
    args = dict(w0=W, teachers=np.eye(3)[:2], w_star=WS, lrs=[0.1], steps=1, batch=10)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        simulate_sft(**args)


def test_simulate_sft_seed_forms_agree():
    """int, SeedSequence and list seeds give the streams numpy.random.default_rng gives them."""
    args = (W, np.eye(3)[:2], WS, [0.1], 3, 50)
    a = simulate_sft(*args, seed=5)
    assert np.array_equal(a, simulate_sft(*args, seed=np.random.SeedSequence(5)))
    assert np.array_equal(simulate_sft(*args, seed=[5, 1]), simulate_sft(*args, seed=np.random.default_rng([5, 1])))
    assert not np.array_equal(a, simulate_sft(*args, seed=6))


# ---------------------------------------------------------------- symbolic
@pytest.mark.parametrize("f", [symbolic_cosine, symbolic_gradient, symbolic_hessian])
@pytest.mark.parametrize("d", [True, False, 0, 7, 2.0, "2", None])
def test_symbolic_d_validation(f, d):
    with pytest.raises(ValueError, match=r"d must be an integer in \[1, 6\]"):
        f(d)


# ---------------------------------------------------------------- seeds of the other seeded helpers
def _seeded_calls():
    from w2s_theory.cosine import checks, ellipticity, montecarlo, paper, stochastic
    return [
        lambda s: checks.zero_one_cases(s),
        lambda s: ellipticity.flat_pair(4, 0.5, seed=s),
        lambda s: montecarlo.mc_zero_one(W, WS, law="gaussian", n=40, reps=4, seed=s),
        lambda s: paper.random_setup(d=6, n_teachers=2, seed=s),
        lambda s: stochastic.xi_moments(W, T, WS, n=10, seed=s),
        lambda s: stochastic.simulate_one_step(W, T, WS, 1e-3, 2, 20, seed=s),
    ]


@pytest.mark.parametrize("i", range(6))
@pytest.mark.parametrize("seed", [-1, "a", 1.5, True, None, []])
def test_seeded_helpers_validate_seed(i, seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        _seeded_calls()[i](seed)
