"""Data model, teacher and student of the CNN mechanism: validation, exact
facts (orthogonality, symmetry, closed-form teacher error) and gradients
against finite differences."""
import dataclasses
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from w2s_theory.cnn import (BOTH, EASY, HARD, LINEAR_ERROR, PatchModel, init_relu_cnn,
                            linear_cnn_error, linear_cnn_loss_grad, linear_cnn_output,
                            relu_cnn_loss_grad, relu_cnn_output, train_linear_cnn,
                            train_relu_cnn)
from w2s_theory.cnn import models as M
from w2s_theory.cnn.pipeline import Setting, log_steps, run

BASE = dict(d=30, mu_norm=2.0, nu_norm=1.5, sigma_p=0.5, p_easy=0.3, p_hard=0.3, p_both=0.4,
            label_noise=0.1)


def model(**kw):
    return PatchModel(**{**BASE, **kw})


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("kw, word", [
    (dict(d=4), "d"), (dict(d=10.5), "d"), (dict(d=True), "d"),
    (dict(mu_norm=0.0), "mu_norm"), (dict(nu_norm=-1.0), "nu_norm"),
    (dict(sigma_p=math.nan), "sigma_p"), (dict(sigma_p=math.inf), "sigma_p"),
    (dict(mu_norm=1j), "mu_norm"), (dict(p_easy=-0.1, p_hard=0.7), "p_easy"),
    (dict(p_both=0.5), "p_easy + p_hard + p_both"), (dict(label_noise=0.5), "label_noise"),
    (dict(label_noise=-0.01), "label_noise"), (dict(p_hard=math.nan), "p_hard"),
])
def test_patch_model_rejects_bad_input(kw, word):
    with pytest.raises(ValueError, match=word.replace("+", r"\+")):
        model(**kw)


def test_other_functions_reject_bad_input():
    pm = model()
    s = pm.sample(5, 0)
    with pytest.raises(ValueError, match="n must be"):
        pm.sample(0, 0)
    with pytest.raises(ValueError, match="seed"):
        pm.sample(3, "abc")
    with pytest.raises(ValueError, match="shape"):
        linear_cnn_output(np.zeros(29), s)
    with pytest.raises(ValueError, match="finite"):
        linear_cnn_output(np.full(30, np.nan), s)
    with pytest.raises(ValueError, match="orthogonal"):  # w = 0: ties, error undefined
        linear_cnn_error(np.zeros(30), pm)
    with pytest.raises(ValueError, match="kind"):
        linear_cnn_error(np.ones(30), pm, "medium")
    with pytest.raises(ValueError, match="labels"):
        linear_cnn_loss_grad(np.zeros(30), s, np.zeros(5))
    with pytest.raises(ValueError, match="lr"):
        train_linear_cnn(s, s.y_obs, 3, 0.0)
    with pytest.raises(ValueError, match="sigma0"):
        init_relu_cnn(2, 30, -1.0, 0)
    W = init_relu_cnn(2, 30, 0.1, 0)
    with pytest.raises(ValueError, match="W0"):
        train_relu_cnn(s, s.y_obs, W[:, :, :5], 3, 0.1)
    with pytest.raises(ValueError, match="record"):
        train_relu_cnn(s, s.y_obs, W, 3, 0.1, record=[5])
    with pytest.raises(ValueError, match="engine"):
        train_relu_cnn(s, s.y_obs, W, 3, 0.1, engine="gpu")
    with pytest.raises(ValueError, match="W has patch dimension"):
        relu_cnn_output(init_relu_cnn(2, 31, 0.1, 0), s)
    with pytest.raises(ValueError, match="s must be"):
        LINEAR_ERROR(0.0, 0.0, 0.0, 0.0, 0.3, 0.3, 0.4)
    with pytest.raises(ValueError, match="lr"):
        Setting(pm, 10, 10, 2, 0.1, math.inf, 10, 0.1, 10)
    with pytest.raises(ValueError, match="model"):
        Setting("pm", 10, 10, 2, 0.1, 0.1, 10, 0.1, 10)


# ---------------------------------------------------------------- data model
def test_sample_structure_is_exact():
    pm = model()
    s = pm.sample(2000, 1)
    X = s.patches
    assert np.all(X[:, 2, :3] == 0)                              # noise ⊥ signals
    assert np.all(X[:, :2, 3:] == 0)                             # signal patches in span{e0,e1,e2}
    easy_slot = np.where(s.kind != HARD, s.y * pm.mu_norm, 0.0)
    assert np.array_equal(X[:, 0, 0], easy_slot)
    hard_slot = np.where(s.kind == HARD, -1.0, np.where(s.kind == BOTH, 1.0, 0.0))
    for col, cls in ((1, 1), (2, -1)):
        nu = np.where(s.y == cls, s.eps * pm.nu_norm, 0.0)
        assert np.array_equal(X[:, 1, col], hard_slot * nu)
        assert np.array_equal(X[:, 0, col], np.where(s.kind == HARD, nu, 0.0))
    # hard-only: the hard patches cancel in the patch sum the linear CNN reads
    h = s.kind == HARD
    assert np.all(X[h].sum(axis=1)[:, :3] == 0)


def test_sample_frequencies():
    # z = 4: a two-sided 4-sigma band, false alarm < 1e-4 per check; fixed seed.
    pm = model(label_noise=0.2)
    n = 40000
    s = pm.sample(n, 2)
    for k, p in zip((EASY, HARD, BOTH), pm.probs):
        assert abs(np.mean(s.kind == k) - p) <= 4 * math.sqrt(p * (1 - p) / n)
    assert abs(np.mean(s.y_obs != s.y) - 0.2) <= 4 * math.sqrt(0.16 / n)
    assert abs(np.mean(s.y)) <= 4 / math.sqrt(n)
    var = s.noise[:, 3:].var()
    assert abs(var - pm.sigma_p ** 2) <= 4 * pm.sigma_p ** 2 * math.sqrt(2 / s.noise[:, 3:].size)


def test_seeded_reproducible():
    a, b = model().sample(50, 7), model().sample(50, 7)
    assert np.array_equal(a.patches, b.patches) and np.array_equal(a.y_obs, b.y_obs)


# ---------------------------------------------------------------- teacher error closed form
def test_hard_only_error_is_exactly_half_symbolically():
    assert M.ERROR_HARD == sp.Rational(1, 2)
    assert sp.simplify(M.ERROR_HARD_GENERAL - sp.Rational(1, 2)) == 0
    # ... while the bridge term does depend on the hard signal
    assert sp.simplify(sp.diff(M.ERROR_BOTH, sp.Symbol("a_plus", real=True))) != 0


@settings(deadline=None, derandomize=True, max_examples=25)
@given(a=st.floats(-5, 5), b=st.floats(-5, 5), c=st.floats(-5, 5),
       s=st.floats(0.01, 10))
def test_linear_error_numpy_matches_mpmath(a, b, c, s):
    with mpmath.workdps(50):
        ref = LINEAR_ERROR(mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(c), mpmath.mpf(s),
                           mpmath.mpf("0.3"), mpmath.mpf("0.3"), mpmath.mpf("0.4"))
    assert abs(LINEAR_ERROR(a, b, c, s, 0.3, 0.3, 0.4) - float(ref)) <= 1e-14


def _mc_error(w, pm, n, seed, kind=None, chunks=4):
    # in chunks to keep memory small; seeds spawned from one SeedSequence
    wrong = []
    for ss in np.random.SeedSequence(seed).spawn(chunks):
        t = pm.sample(n // chunks, ss)
        bad = np.where(linear_cnn_output(w, t) >= 0, 1, -1) != t.y
        wrong.append(bad if kind is None else bad[t.kind == kind])
    wrong = np.concatenate(wrong)
    return wrong.mean(), math.sqrt(wrong.mean() * (1 - wrong.mean()) / wrong.size)


def _teacher(pm, seed=3):
    tr = pm.sample(60, seed)
    return train_linear_cnn(tr, tr.y_obs, 150, 0.5)


def _explicit_w(pm):
    # a_mu = 2, a_+ = 1.8, a_- = -1.2, s = 2: every term of the formula matters
    w = np.zeros(pm.d)
    w[:3] = 1.0, 1.2, -0.8
    u = np.random.default_rng(0).standard_normal(pm.d - 3)
    w[3:] = 4.0 * u / np.linalg.norm(u)
    return w


def test_linear_error_matches_monte_carlo_and_is_sharp():
    # |MC - formula| <= z SE with z = 4 (false alarm < 1e-4, fixed seeds); the
    # same check must reject the formula with its easy term scaled by 1.1 and
    # with the hard signal dropped from the 'both' term.
    pm = model()
    w = _explicit_w(pm)
    n = 400000
    mc, se = _mc_error(w, pm, n, 11)
    exact = linear_cnn_error(w, pm)
    assert abs(mc - exact) <= 4 * se
    a_mu, a_p, a_m, s = M.linear_cnn_summary(w, pm)
    assert (a_mu, a_p, a_m, s) == pytest.approx((2.0, 1.8, -1.2, 2.0))
    easy = LINEAR_ERROR(a_mu, a_p, a_m, s, 1.0, 0.0, 0.0)
    both = LINEAR_ERROR(a_mu, a_p, a_m, s, 0.0, 0.0, 1.0)
    wrong1 = exact + 0.1 * pm.p_easy * easy
    wrong2 = exact - pm.p_both * both + pm.p_both * easy
    assert abs(mc - wrong1) > 4 * se and abs(mc - wrong2) > 4 * se
    for kind, name in ((EASY, "easy"), (HARD, "hard"), (BOTH, "both")):
        mk, sek = _mc_error(w, pm, n, 12, kind)
        assert abs(mk - linear_cnn_error(w, pm, name)) <= 4 * sek


def test_trained_teacher_has_chance_error_on_hard_data():
    # A weak model trained on labelled data (which contain hard-only samples
    # with true labels) is still at chance on fresh hard-only data.
    pm = model(nu_norm=3.0)
    w = _teacher(pm, seed=5)
    mk, se = _mc_error(w, pm, 200000, 13, HARD)
    assert abs(mk - 0.5) <= 4 * se
    assert abs(M.linear_cnn_summary(w, pm)[1]) > 0  # it did pick up some ν component


def test_zero_error_relu_cnn_exists():
    # Filters ±ν₊, μ in F₊₁ and ±ν₋, −μ in F₋₁ classify every sample correctly:
    # the signal filters ignore the noise patch exactly (ξ ⊥ signals).
    pm = model()
    d = pm.d
    W = np.zeros((2, 3, d))
    W[0, 0, 0], W[0, 1, 1], W[0, 2, 1] = 1, 1, -1
    W[1, 0, 0], W[1, 1, 2], W[1, 2, 2] = -1, 1, -1
    t = pm.sample(5000, 4)
    f = relu_cnn_output(W, t)
    assert np.all(np.sign(f) == t.y)
    assert np.all(t.y * f >= min(pm.mu_norm, pm.nu_norm) / 3 - 1e-12)


# ---------------------------------------------------------------- gradients
def _fd(fun, W, eps=1e-6):
    num = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[idx] += eps
        Wm[idx] -= eps
        num[idx] = (fun(Wp) - fun(Wm)) / (2 * eps)
    return num


def test_linear_gradient_finite_differences():
    pm = model()
    s = pm.sample(40, 1)
    w = np.random.default_rng(0).standard_normal(pm.d)
    _, g = linear_cnn_loss_grad(w, s, s.y_obs)
    num = _fd(lambda v: linear_cnn_loss_grad(v, s, s.y_obs)[0], w)
    assert np.max(np.abs(num - g)) <= 1e-8 * max(1.0, np.max(np.abs(g)))
    # full-patch input gives the same
    assert np.allclose(linear_cnn_output(w, s.patches), linear_cnn_output(w, s), atol=1e-12)


def test_relu_gradient_finite_differences():
    pm = model()
    s = pm.sample(40, 1)
    W = init_relu_cnn(3, pm.d, 0.3, 2)
    _, g = relu_cnn_loss_grad(W, s.patches, s.y_obs)
    num = _fd(lambda V: relu_cnn_loss_grad(V, s.patches, s.y_obs)[0], W)
    # central differences: O(eps^2) truncation + O(1e-16/eps) rounding; no
    # ReLU kink is within eps of a pre-activation here (checked below).
    Z = s.patches @ W.reshape(6, -1).T
    assert np.min(np.abs(Z[np.abs(s.patches).sum(-1) > 0])) > 1e-4
    assert np.max(np.abs(num - g)) <= 1e-8
    # a perturbed gradient (missing 1/m) is caught by the same check
    assert np.max(np.abs(num - 3 * g)) > 1e-3


def test_relu_output_structured_matches_dense():
    pm = model()
    s = pm.sample(100, 3)
    W = init_relu_cnn(4, pm.d, 0.5, 5)
    assert np.allclose(relu_cnn_output(W, s), relu_cnn_output(W, s.patches), atol=1e-12)


@pytest.mark.parametrize("n", [40, 200])
def test_fast_training_equals_reference_gd(n):
    pm = model()
    s = pm.sample(n, 1)
    W0 = init_relu_cnn(3, pm.d, 0.3, 2)
    W = W0.copy()
    for _ in range(40):
        W -= 0.5 * relu_cnn_loss_grad(W, s.patches, s.y_obs)[1]
    for engine in ("gram", "dense"):
        Wt, hist = train_relu_cnn(s, s.y_obs, W0, 40, 0.5, record=[0, 40], engine=engine,
                                  callback=lambda t, V, f: (t, V, f))
        assert np.max(np.abs(Wt - W)) <= 1e-10
        assert np.allclose(hist[0][1], W0) and np.allclose(hist[1][1], W)
        assert np.allclose(hist[1][2], relu_cnn_output(W, s), atol=1e-10)


def test_teacher_gd_decreases_loss():
    pm = model()
    s = pm.sample(100, 1)
    losses = [linear_cnn_loss_grad(train_linear_cnn(s, s.y_obs, k, 0.5), s, s.y_obs)[0]
              for k in (0, 10, 100)]
    assert losses[0] == pytest.approx(math.log(2)) and losses[0] > losses[1] > losses[2]


def test_pipeline_runs_and_is_seeded():
    st_ = Setting(model(), n_teacher=50, n_student=60, m=4, sigma0=0.05, lr=0.2, steps=30,
                  teacher_lr=0.5, teacher_steps=50, n_test=500)
    r1, r2 = run(st_, 3), run(st_, 3)
    assert np.array_equal(r1["test_error"], r2["test_error"])
    assert list(r1["steps"]) == list(log_steps(30))
    assert 0 <= r1["flip_rate"] <= 1 and r1["teacher_error_hard"] == 0.5


def test_any_linear_readout_is_at_chance_on_hard_data():
    # ERROR_HARD_GENERAL by simulation: unshared per-patch weights w_p, biased
    # towards nu_{+1} so the readout is far from blind; hard-only error within
    # 4 SE of 1/2, while a ReLU CNN (nonlinear) reaches 0 on the same data.
    pm = model(p_easy=0.0, p_hard=1.0, p_both=0.0, nu_norm=3.0)
    t = pm.sample(100000, 21)
    rng = np.random.default_rng(0)
    Wp = rng.standard_normal((3, pm.d))
    Wp[0, 1], Wp[1, 1] = 5.0, -2.0
    f = np.einsum("npd,pd->n", t.patches, Wp)
    err = np.mean(np.where(f >= 0, 1, -1) != t.y)
    assert abs(err - 0.5) <= 4 * math.sqrt(0.25 / t.n)
    W = np.zeros((2, 2, pm.d))
    W[0, 0, 1], W[1, 0, 2] = 1.0, 1.0
    assert np.mean(np.sign(relu_cnn_output(W, t)) != t.y) == 0.0


def test_fit_transition_profile_converges_by_continuation():
    # midpoint c = 7.7: a fixed-α fit started from the free fit's p0 used to exhaust maxfev
    # and raise; warm starts along the α grid converge, and α = 4 is recovered
    from w2s_theory.cnn.regimes import fit_transition, transition_curve
    rng = np.random.default_rng(0)
    n, nu = np.array([20, 80]), np.array([1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0])
    x = np.log(n)[:, None] + 4 * np.log(nu)[None, :]
    hard = transition_curve(x, 0.5, 2.0, 7.7)[..., None] + 0.01 * rng.standard_normal((2, 7, 8))
    fit = fit_transition(dict(n=n, nu=nu, hard=hard, d=1000))
    assert fit["profile_failures"] == 0
    assert abs(fit["alpha"] - 4) < 0.1 and fit["ci"][0] <= 4 <= fit["ci"][1]
    assert fit["chi2_alpha2"] > 100 * fit["chi2_alpha4"]


def test_teacher_gram_iteration_equals_plain_gd():
    # n < d takes the Gram path of train_linear_cnn; plain GD on w is the reference
    pm = PatchModel(d=80, mu_norm=3.0, nu_norm=3.0, sigma_p=1.0, p_easy=0.2, p_hard=0.2,
                    p_both=0.6, label_noise=0.1)
    s = pm.sample(30, 4)
    S = s.noise.copy()
    S[:, :3] += s.coef.sum(axis=1)
    w = np.zeros(pm.d)
    for _ in range(60):
        w -= 0.3 * linear_cnn_loss_grad(w, s, s.y_obs)[1]
    assert np.max(np.abs(train_linear_cnn(s, s.y_obs, 60, 0.3) - w)) <= 1e-12 * np.abs(w).max()
    assert np.allclose(linear_cnn_output(w, s), S @ w, atol=1e-12)


def test_reduced_test_space_preserves_student_outputs():
    # pipeline._test_space: for weights in span{W0 noise, training ξ} and test noise in
    # that span, the student's output is the same in the reduced coordinates
    from w2s_theory.cnn.pipeline import _test_space
    pm = PatchModel(d=300, mu_norm=3.0, nu_norm=3.0, sigma_p=1.3, p_easy=0.2, p_hard=0.2,
                    p_both=0.6)
    train = pm.sample(40, 1)
    W0 = init_relu_cnn(3, pm.d, 0.1, 2)
    W, _ = train_relu_cnn(train, train.y, W0, 30, 0.5)
    small, to_test = _test_space(pm, W0, train)
    assert small.d == 3 + 46 and small.sigma_p == pm.sigma_p
    test = pm.sample(200, 3)
    B = np.concatenate([W0.reshape(-1, pm.d), train.noise])[:, 3:]
    Q = np.linalg.qr(B.T)[0]
    xi = test.noise[:, 3:] @ Q @ Q.T                  # test noise projected on the span
    full = dataclasses.replace(test, noise=np.concatenate([test.noise[:, :3], xi], axis=1))
    red = dataclasses.replace(test, noise=np.concatenate([test.noise[:, :3],
                                                          test.noise[:, 3:] @ Q], axis=1))
    assert np.allclose(relu_cnn_output(to_test(W), red), relu_cnn_output(W, full), atol=1e-10)
    # the noise orthogonal to the span does not move the output at all
    assert np.allclose(relu_cnn_output(W, test), relu_cnn_output(W, full), atol=1e-10)
    big, same = _test_space(pm, W0, pm.sample(200, 4))       # no reduction when k > (d - 3)/2
    assert big is pm and same(W) is W
