"""Weak-to-strong f-divergence experiment: exact error formulas vs Monte Carlo,
optimiser stationarity, rate fitting, sharpness of the W2S claims, CLI/figure plumbing."""
import math

import numpy as np
import pytest
from scipy.special import ndtr

from w2s_theory.fdiv import experiments
from w2s_theory.fdiv.claims import rate_check
from w2s_theory.fdiv.divergences import get
from w2s_theory.fdiv.w2s import (GaussianMixtureW2S, embed_teacher, fit_head, fit_rate, flip, pgr,
                                 teacher_probs, train_teacher, w2s_trial)

# Monte Carlo checks: z = 4 (two-sided, ~6e-5 false-alarm rate per check with
# fixed seeds, so never flaky) and C = 0 (the error formulas are exact, no
# finite-size correction).
Z = 4.0


def _mc_error(pred, y):
    e = (pred != y).mean()
    return e, math.sqrt(e * (1 - e) / len(y))


@pytest.mark.parametrize("tau", [0.0, 0.7])
def test_error_formulas_match_monte_carlo(tau):
    model = GaussianMixtureW2S(d=8, d_weak=3, signal=1.5, tau=tau)
    rng = np.random.default_rng(11)
    w, b = rng.standard_normal(8), 0.3
    ww, bw = rng.standard_normal(3), -0.2
    x, y, v = model.sample(rng, 400_000)
    e, se = _mc_error(np.sign(x @ w + b), y)
    assert abs(e - model.error(w, b)) <= Z * se
    ew, sew = _mc_error(np.sign(v @ ww + bw), y)
    assert abs(ew - model.weak_error(ww, bw)) <= Z * sew
    # sharpness: a 10% error in the margin (or dropping the view noise) fails the same check
    m, s = w @ model.mu, np.linalg.norm(w)
    wrong = 0.5 * (ndtr(-1.1 * (m + b) / s) + ndtr(-1.1 * (m - b) / s))
    assert abs(e - wrong) > Z * se
    if tau > 0:
        mw = ww @ model.mu[:3]
        no_noise = 0.5 * (ndtr(-(mw + bw) / np.linalg.norm(ww)) + ndtr(-(mw - bw) / np.linalg.norm(ww)))
        assert abs(ew - no_noise) > Z * sew


def test_gauss_error_formula_numpy_vs_50_digits():
    import mpmath
    from w2s_theory.fdiv.w2s import GAUSS_ERROR
    with mpmath.workdps(50):
        m, b, s = mpmath.mpf("1.3"), mpmath.mpf("-0.4"), mpmath.mpf("2.1")
        ref = (mpmath.ncdf(-(m + b) / s) + mpmath.ncdf(-(m - b) / s)) / 2
        got = GAUSS_ERROR(m, b, s)
        assert abs(got - ref) < mpmath.mpf(10) ** -45
    assert GAUSS_ERROR(1.3, -0.4, 2.1) == pytest.approx(float(ref), rel=1e-14)
    with pytest.raises(ValueError, match="s must be"):
        GAUSS_ERROR(1.0, 0.0, 0.0)


def test_bayes_error_is_error_of_mu():
    model = GaussianMixtureW2S(d=5, d_weak=2, signal=1.3)
    assert model.error(model.mu, 0.0) == pytest.approx(model.bayes_error, rel=1e-14)
    assert model.bayes_error == pytest.approx(ndtr(-1.3), rel=1e-14)
    assert model.restricted_error == pytest.approx(model.error(np.r_[model.mu[:2], 0, 0, 0], 0.0))


@pytest.mark.parametrize("kw, match", [
    (dict(d=1), "d must be an integer >= 2"), (dict(d=4.0), "d must be an integer"),
    (dict(d=4, d_weak=5), "d_weak must be in"), (dict(d_weak=0), "d_weak must be an integer"),
    (dict(signal=0.0), "signal must be"), (dict(signal=math.nan), "signal must be"),
    (dict(tau=-1.0), "tau must be"), (dict(tau=math.inf), "tau must be"), (dict(d=True), "d must be"),
])
def test_model_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        GaussianMixtureW2S(**kw)


def test_flip_and_pgr():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, 100_000)
    q = flip(rng, p, 0.3)
    frac = (q != p).mean()
    assert abs(frac - 0.3) <= Z * math.sqrt(0.3 * 0.7 / len(p))
    assert np.allclose(np.where(q != p, 1 - q, q), p)
    with pytest.raises(ValueError, match="eta must be in"):
        flip(rng, p, 0.5)
    assert pgr(0.2, 0.1, 0.0) == 0.5 and pgr(0.2, 0.2, 0.1) == 0.0


@pytest.mark.parametrize("name", ["kl", "reverse_kl", "js", "chi2", "hellinger2", "jeffreys"])
def test_fit_is_stationary_by_finite_differences(name):
    """At the returned head the finite-difference gradient of the empirical
    risk (computed from loss values only) vanishes."""
    model = GaussianMixtureW2S(d=4, d_weak=2)
    rng = np.random.default_rng(5)
    th_t = train_teacher(model, rng, 100)
    x, _, v = model.sample(rng, 300)
    p = teacher_probs(th_t, v)
    th = fit_head(name, x, p)
    d = get(name)
    X1 = np.hstack([x, np.ones((300, 1))])
    P2 = np.stack([p, 1 - p], -1)

    def risk(t):
        u = X1 @ t
        return d.loss(P2, np.stack([u, 0 * u], -1)).mean()

    h = 1e-6
    fd = np.array([(risk(th + h * e) - risk(th - h * e)) / (2 * h) for e in np.eye(len(th))])
    assert np.abs(fd).max() < 1e-7
    # and it is a minimum, not just stationary: random directions increase the risk
    for e in rng.standard_normal((5, len(th))):
        assert risk(th + 1e-2 * e) > risk(th)


def test_fit_validation():
    with pytest.raises(ValueError, match="X must be"):
        fit_head("kl", np.ones(3), np.ones(3) / 2)
    with pytest.raises(ValueError, match="p entries must lie"):
        fit_head("kl", np.ones((3, 2)), np.array([0.2, 1.5, 0.3]))
    with pytest.raises(ValueError, match="p must be in"):
        fit_head("reverse_kl", np.ones((2, 2)), np.array([0.0, 0.5]))
    with pytest.raises(ValueError, match="divergence must be one of"):
        fit_head("nope", np.ones((2, 2)), np.array([0.5, 0.5]))


def test_fit_rate_recovers_known_exponent():
    rng = np.random.default_rng(2)
    ns = np.array([100, 200, 400, 800, 1600])
    vals = 3.0 * ns ** -0.7 * np.exp(0.2 * rng.standard_normal((10, 5)))
    rate, se, (lo, hi) = fit_rate(ns, vals)
    assert abs(rate - 0.7) <= Z * se and lo < rate < hi
    assert abs(rate - 1.0) > Z * se  # informative: a wrong exponent is rejected


def test_rate_claim_is_sharp():
    """The rate check that passes for n^-1 fails for the n^-1/2 hypothesis."""
    rate, se, ci, ok = rate_check(True, 20251124, hypothesised=1.0)
    assert ok
    assert not (abs(rate - 0.5) <= 3 * se + 0.15)


def test_realizable_check_is_sharp():
    """The no-gain check (student == teacher) fails as soon as the teacher is
    outside the student class (tau > 0) or the loss is regularised."""
    rng = np.random.default_rng(3)
    model = GaussianMixtureW2S(d=6, d_weak=3, tau=1.0)
    r = w2s_trial(model, ["kl"], rng, n=300, n_weak=200, warm=False)
    assert np.abs(r[("kl", 0.0)]["theta"] - embed_teacher(model, r["theta_T"])).max() > 1e-2
    real = GaussianMixtureW2S(d=6, d_weak=3, tau=0.0)
    th_t = train_teacher(real, rng, 200)
    x, _, v = real.sample(rng, 300)
    p = teacher_probs(th_t, v)
    assert np.abs(fit_head("js", x, p) - embed_teacher(real, th_t)).max() < 1e-4
    assert np.abs(fit_head("js", x, p, ridge=1e-2) - embed_teacher(real, th_t)).max() > 1e-3


@pytest.fixture(scope="module")
def tiny_result():
    cfg = dict(d=4, d_weak=2, signal=2.0, tau=1.0, n=150, n_weak=100, seeds=3, ns=[100, 200, 400],
               rate_seeds=3, n_ref=2000)
    old = experiments.config
    experiments.config = lambda quick: cfg
    try:
        return experiments.run(True, 0, show=False)
    finally:
        experiments.config = old


def test_experiment_output(tiny_result):
    r = tiny_result
    assert set(r["misfit"]["losses"]) == {"kl", "reverse_kl", "js", "jeffreys", "hellinger2", "chi2", "tv"}
    for entry in r["misfit"]["losses"].values():
        m, se = entry["pgr_eta0"]["mean"], entry["pgr_eta0"]["se"]   # labelled, not a bare pair
        assert np.isfinite(m) and se > 0
    for entry in r["realizable"]["losses"].values():  # teacher in class: PGR exactly 0
        assert abs(entry["pgr_eta0"]["mean"]) < 1e-6
    sweep = r["noise_sweep"]["table"]["losses"]
    assert all(f"pgr_eta{e:g}" in sweep["tv"] for e in r["noise_sweep"]["etas"])
    for v in r["sample_complexity"]["rates"].values():
        assert v["ci95"][0] <= v["rate"] <= v["ci95"][1]


def test_figure_and_registry(tiny_result, tmp_path):
    pytest.importorskip("matplotlib")
    from w2s_theory._registry import discover
    from w2s_theory.fdiv.figures import plot
    figures, exps = discover()
    assert "fdiv-w2s" in figures and "fdiv-w2s" in exps
    path = plot(tiny_result, tmp_path / "f.png")
    assert path.exists() and 5_000 < path.stat().st_size < 300_000


def test_binary_objective_in_row_blocks_gives_the_same_floats():
    # blocks=True evaluates the per-sample terms in blocks of _BLOCK_ROWS rows (speed only):
    # loss and gradient must be bit-identical to the one-block evaluation, for every loss
    from w2s_theory.fdiv import w2s as W
    from w2s_theory.fdiv.divergences import DIVERGENCES
    rng = np.random.default_rng(3)
    n = 2 * W._BLOCK_ROWS + 123
    X1 = np.hstack([rng.standard_normal((n, 4)), np.ones((n, 1))])
    p = rng.uniform(0.02, 0.98, n)
    P2 = np.stack([p, 1 - p], -1)
    theta = rng.standard_normal(5)
    for d in DIVERGENCES.values():
        v0, g0 = W._binary_objective(d, X1, P2, 0.0)(theta)
        v1, g1 = W._binary_objective(d, X1, P2, 0.0, blocks=True)(theta)
        assert v0 == v1 and np.array_equal(g0, g1), d.name
