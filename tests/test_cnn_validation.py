"""Input validation of the CNN mechanism (audit fixes): bad input raises a
ValueError naming the parameter; valid edge inputs give finite, correct results."""
import math

import mpmath
import numpy as np
import pytest
from scipy.stats import norm

from w2s_theory.cnn import (LINEAR_ERROR, PatchModel, init_relu_cnn, linear_cnn_error,
                            linear_cnn_loss_grad, linear_cnn_output, relu_cnn_loss_grad,
                            relu_cnn_output, train_linear_cnn, train_relu_cnn)
from w2s_theory.cnn import models as M

PM = PatchModel(d=8, mu_norm=2.0, nu_norm=1.5, sigma_p=0.5, p_easy=0.3, p_hard=0.3, p_both=0.4)
S = PM.sample(6, 0)
X = S.patches
W = init_relu_cnn(2, 8, 0.1, 0)
W_LIN = np.array([1.0, 0.6, -0.4, 0.5, -0.5, 0.5, 0.5, 0.5])  # ||w_perp|| = sqrt(5)/2


def _cplx(a):
    return np.asarray(a) + 1e-3j


# ------------------------------------------------------------ complex / strings / wrong shapes
@pytest.mark.parametrize("call, match", [
    (lambda: linear_cnn_output(W_LIN, _cplx(X)), "data"),
    (lambda: linear_cnn_output(_cplx(W_LIN), S), "w"),
    (lambda: linear_cnn_output(W_LIN, "abc"), "data"),
    (lambda: linear_cnn_output(W_LIN, X[:, :, :5]), "data"),     # wrong d
    (lambda: linear_cnn_output(W_LIN, X[0]), "data"),            # 2-D
    (lambda: linear_cnn_output(W_LIN, [[[1.0]], [[1.0, 2.0]]]), "data"),  # ragged
    (lambda: linear_cnn_loss_grad(W_LIN, _cplx(X), S.y), "data"),
    (lambda: linear_cnn_loss_grad(W_LIN, X, S.y[:3]), "labels"),
    (lambda: train_linear_cnn(_cplx(X), S.y, 2, 0.1), "data"),
    (lambda: train_linear_cnn("abc", S.y, 2, 0.1), "data"),
    (lambda: train_linear_cnn(X[0], S.y, 2, 0.1), "data"),
    (lambda: relu_cnn_output(_cplx(W), S), "W"),
    (lambda: relu_cnn_output(W, _cplx(X)), "data"),
    (lambda: relu_cnn_output(W, "abc"), "data"),
    (lambda: relu_cnn_output(W, X[:, :, :5]), "data"),
    (lambda: relu_cnn_loss_grad(_cplx(W), X, S.y), "W"),
    (lambda: relu_cnn_loss_grad(W, _cplx(X), S.y), "X"),
    (lambda: train_relu_cnn(S, S.y, _cplx(W), 2, 0.1), "W0"),
    (lambda: train_relu_cnn(S, S.y, np.full_like(W, np.nan), 2, 0.1), "W0"),
])
def test_arrays_are_validated_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_real_input_in_other_dtypes_still_accepted():
    # ints and float32 are real: converted, not rejected
    f = linear_cnn_output(W_LIN.astype(np.float32), X.astype(np.float32))
    np.testing.assert_allclose(f, X.sum(1) @ W_LIN, rtol=1e-6)
    assert relu_cnn_output(W, X.astype(int)).shape == (6,)


# ------------------------------------------------------------ linear_cnn_error
def _error_by_hand(w, pm):
    """The closed form written with scipy's normal CDF (independent of the SymPy source)."""
    w = np.asarray(w, float)
    s = pm.sigma_p * np.linalg.norm(w[3:])
    a_mu, a_p, a_m = pm.mu_norm * w[0], pm.nu_norm * w[1], pm.nu_norm * w[2]
    both = sum(norm.cdf(-(a_mu + a) / s) + norm.cdf(-(a_mu - a) / s) for a in (a_p, a_m)) / 4
    return pm.p_easy * norm.cdf(-a_mu / s) + pm.p_hard / 2 + pm.p_both * both


@pytest.mark.parametrize("scale", [1e-200, 1e-300, 2.0 ** -1070, 1.0, 1e200, 1e300])
def test_linear_error_is_scale_invariant(scale):
    # used to claim "orthogonal component is zero" (1e-200) or overflow (1e200)
    w = W_LIN * scale  # (subnormal scales round w: compare with the rounded w, rescaled)
    ref = _error_by_hand(w / np.abs(w).max(), PM)
    assert linear_cnn_error(w, PM) == pytest.approx(ref, rel=1e-13)
    for kind in ("easy", "hard", "both"):
        assert np.isfinite(linear_cnn_error(W_LIN * scale, PM, kind))


def test_linear_error_with_negligible_noise_component():
    # w_perp = 1e-300: the noise is negligible, so sign f = sign of the signal part:
    # easy-only errs never (a_mu > 0), hard-only at 1/2 (f = noise only),
    # both-data errs iff a_mu < |a_±| (here 2 > 0.9, 0.6: never).
    w = W_LIN.copy()
    w[3:] *= 1e-300 / np.abs(w[3:]).max()
    err = linear_cnn_error(w, PM)
    assert err == pytest.approx(PM.p_hard / 2, rel=1e-15)
    w[1] = 2.0  # a_+ = 3 > a_mu = 2: half the +1-class bridge samples are wrong
    assert linear_cnn_error(w, PM, "both") == pytest.approx(0.25, rel=1e-15)


def test_linear_error_still_rejects_zero_noise_component():
    w = W_LIN.copy()
    w[3:] = 0.0
    with pytest.raises(ValueError, match="w must have a nonzero component orthogonal"):
        linear_cnn_error(w, PM)


@pytest.mark.parametrize("bad", [None, {}, "pm", 3])
def test_linear_error_requires_patch_model(bad):
    with pytest.raises(ValueError, match="model must be a PatchModel"):
        linear_cnn_error(W_LIN, bad)
    with pytest.raises(ValueError, match="model must be a PatchModel"):
        M.linear_cnn_summary(W_LIN, bad)


def test_linear_summary_overflow_is_reported():
    with pytest.raises(FloatingPointError, match="w is too large"):
        M.linear_cnn_summary(W_LIN * 1e308, PM)


@pytest.mark.parametrize("weights", [(1.0, 1.0, 0.7), (0.3, 0.3, 0.3), (0.0, 0.0, 0.0)])
def test_linear_error_formula_checks_mixture_sum(weights):
    with pytest.raises(ValueError, match=r"p_e \+ p_h \+ p_b must equal 1"):
        LINEAR_ERROR(1.0, 0.5, 0.2, 1.0, *weights)
    with pytest.raises(ValueError, match=r"p_e \+ p_h \+ p_b must equal 1"):
        LINEAR_ERROR(*(mpmath.mpf(v) for v in (1.0, 0.5, 0.2, 1.0, *weights)))
    with pytest.raises(ValueError, match=r"p_e \+ p_h \+ p_b must equal 1"):
        LINEAR_ERROR(1.0, 0.5, 0.2, 1.0, np.array([0.3, 0.5]), 0.3, 0.4)


def test_linear_error_formula_valid_mixtures_unchanged():
    assert LINEAR_ERROR(1.0, 0.5, 0.2, 1.0, 0.0, 1.0, 0.0) == 0.5  # hard only: exactly 1/2
    assert LINEAR_ERROR(1.0, 0.5, 0.2, 1.0, 1.0, 0.0, 0.0) == pytest.approx(norm.cdf(-1.0),
                                                                            rel=1e-14)
    assert LINEAR_ERROR(1.0, 0.5, 0.2, 1.0, 0.3, 0.3, 0.4 + 5e-10) > 0  # within 1e-9


def test_saturated_evaluator_matches_formula_where_both_work():
    # the mpmath fallback (saturated erfc) is the same expression: equal at moderate ratios
    args = (1.0, 0.7, -0.3, 0.8, 0.3, 0.3, 0.4)
    with mpmath.workdps(30):
        sat = float(M._linear_error_saturated()(*(mpmath.mpf(v) for v in args)))
    assert sat == pytest.approx(LINEAR_ERROR(*args), rel=1e-14)


# ------------------------------------------------------------ train_relu_cnn record/callback
def _cb(t, W_, f):
    return t


@pytest.mark.parametrize("kw, match", [
    (dict(record=(1.5,), callback=_cb), "record step"),
    (dict(record=("a",), callback=_cb), "record step"),
    (dict(record=(True,), callback=_cb), "record step"),
    (dict(record=(-1,), callback=_cb), "record step"),
    (dict(record=5, callback=_cb), "record must be an iterable"),
    (dict(record="01", callback=_cb), "record must be an iterable"),
    (dict(record=(1,)), "record needs a callback"),
    (dict(callback=3), "callback must be callable"),
    (dict(record=(1,), callback=3), "callback must be callable"),
])
def test_train_relu_record_and_callback_validated(kw, match):
    with pytest.raises(ValueError, match=match):
        train_relu_cnn(S, S.y, W, 2, 0.1, **kw)


def test_train_relu_record_accepts_numpy_ints():
    _, hist = train_relu_cnn(S, S.y, W, 2, 0.1, record=np.array([0, 2]), callback=_cb)
    assert hist == [0, 2]


# ------------------------------------------------------------ seeds
@pytest.mark.parametrize("seed", [-1, 1.5, "a", None, True, [1, -2]])
def test_seed_validated_by_name(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        PM.sample(3, seed)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        init_relu_cnn(2, 8, 0.1, seed)


def test_seed_streams_unchanged():
    # int seed == numpy's default_rng(seed) stream, as before the shared helper
    a = init_relu_cnn(2, 8, 0.1, 7)
    np.testing.assert_array_equal(a, 0.1 * np.random.default_rng(7).standard_normal((2, 2, 8)))
    ss = np.random.SeedSequence(3)
    np.testing.assert_array_equal(PM.sample(4, ss).noise,
                                  PM.sample(4, np.random.default_rng(ss)).noise)


def test_linear_error_mixed_magnitudes():
    # a_+ / s ~ 1e305 saturates while a_mu / s and a_- / s are O(1): only the
    # saturated terms may be rounded to 0/1, the others must stay exact.
    t = 1e-305
    w = np.array([0.8 * t, 1.0, -0.5 * t, t, t, -t, t, t])
    r_mu, r_m = 2.0 * 0.8 / (0.5 * math.sqrt(5)), 1.5 * -0.5 / (0.5 * math.sqrt(5))
    both = (0.0 + 1.0 + norm.cdf(-(r_mu + r_m)) + norm.cdf(-(r_mu - r_m))) / 4
    ref = PM.p_easy * norm.cdf(-r_mu) + PM.p_hard / 2 + PM.p_both * both
    assert linear_cnn_error(w, PM) == pytest.approx(ref, rel=1e-12)


def test_linear_error_formula_broadcasts_arrays():
    # arrays used to raise TypeError (math.erfc); now elementwise = scalar calls
    a_mu = np.array([1.0, -0.5, 3.0, 0.0])
    p_e = np.array([0.7, 0.2, 0.3, 0.0])
    out = LINEAR_ERROR(a_mu, 0.5, -0.2, 0.8, p_e, 0.3, 0.7 - p_e)
    ref = [LINEAR_ERROR(a, 0.5, -0.2, 0.8, pe, 0.3, 0.7 - pe) for a, pe in zip(a_mu, p_e)]
    np.testing.assert_allclose(out, ref, rtol=1e-14)
    assert out[0] == pytest.approx(0.7 * norm.cdf(-1.25) + 0.15, rel=1e-14)  # p_b = 0
