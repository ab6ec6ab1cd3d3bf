"""CNN claims in quick mode, and checks that each criterion can fail."""
import math

import numpy as np
import pytest

from proofs_check import Context
from proofs_check.registry import discover
from w2s_theory.cnn import claims as C
from w2s_theory.cnn.regimes import (crossing, fit_transition, mean_se, transition_curve)

QUICK = Context(quick=True, seed=20251124)


@pytest.fixture(scope="module")
def registry():
    return {k: v for k, v in discover().items() if k.startswith("cnn.")}


def test_claims_registered(registry):
    assert set(registry) == {
        "cnn.weak-hard-chance", "cnn.weak-error-formula", "cnn.pseudo-label-flips",
        "cnn.abundant-label-correction", "cnn.abundant-overtraining",
        "cnn.scarce-benign-harmful", "cnn.scarce-correction-decays", "cnn.transition-scaling"}


@pytest.mark.parametrize("cid", ["cnn.weak-hard-chance", "cnn.weak-error-formula",
                                 "cnn.pseudo-label-flips", "cnn.abundant-label-correction",
                                 "cnn.abundant-overtraining", "cnn.scarce-benign-harmful",
                                 "cnn.scarce-correction-decays", "cnn.transition-scaling"])
def test_quick_claim_passes(registry, cid):
    out = registry[cid].run(QUICK)
    assert out.passed, out.detail
    assert math.isfinite(out.worst)


# ----------------------------------------------------------- the criteria can fail
def test_abundant_criteria_reject_the_overtrained_student():
    # The early-stopping criterion (err + 3SE <= 0.02, corr − 3SE >= 0.9) applied
    # to the end-of-training numbers must fail: the check is not vacuous.
    s = C._abundant(QUICK)
    e, se = mean_se(s["err_end"])
    c, sc = mean_se(s["corr_end"])
    assert not (e + 3 * se <= 0.02 and c - 3 * sc >= 0.9)
    # ... and the teacher (error ≈ p_h/2 + easy/both errors) is far from the optimum
    assert np.min(s["teacher"]) > 0.02 + 0.05


def test_scarce_criteria_distinguish_the_two_points():
    pair = C._scarce_pair(QUICK)
    _, rh = pair["harmful"]
    _, rb = pair["benign"]
    hb, seb = mean_se(rh["test_error_hard"][:, -1])          # benign check on harmful point
    assert not (hb + 3 * seb <= 0.06)
    eb, se_b = mean_se(rb["test_error"][:, -1])               # harmful check on benign point
    hard_b, _ = mean_se(rb["test_error_hard"][:, -1])
    assert hard_b < hb


def _synthetic_sweep(alpha, seed, S=8, noise=0.02):
    # hard error = 0.4 expit(−1.5 (log n + α log ν − c)) + Gaussian noise per seed
    rng = np.random.default_rng(seed)
    n = np.array([50, 200])
    nu = np.geomspace(1.5, 12, 8)
    x = np.log(n)[:, None] + alpha * np.log(nu)[None, :]
    c = np.median(x)
    mean = transition_curve(x, 0.4, 1.5, c)
    hard = mean[..., None] + noise * rng.standard_normal(mean.shape + (S,))
    return dict(n=n, nu=nu, hard=hard, d=1000)


@pytest.mark.parametrize("alpha", [2.0, 4.0])
def test_fit_transition_recovers_known_exponent(alpha):
    # An estimator check against synthetic data with a known exponent: the
    # profile interval covers the truth and excludes the competing value.
    fit = fit_transition(_synthetic_sweep(alpha, seed=int(alpha)))
    lo, hi = fit["ci"]
    assert lo <= alpha <= hi
    other = 4.0 if alpha == 2.0 else 2.0
    assert not (lo <= other <= hi)


def test_crossing():
    assert crossing([1, 10, 100], [0.4, 0.2, 0.0], 0.3) == pytest.approx(math.sqrt(10))
    assert math.isnan(crossing([1, 10], [0.1, 0.05], 0.3))


def test_experiments_and_figures_registered():
    from w2s_theory._registry import discover as disc
    figs, exps = disc()
    assert {"cnn-training", "cnn-phase"} <= set(figs)
    assert {"cnn-abundant", "cnn-scarce", "cnn-transition"} <= set(exps)


@pytest.mark.slow
def test_figures_quick(tmp_path):
    pytest.importorskip("matplotlib")
    from w2s_theory.cnn.figures import phase, training
    for fn in (training, phase):
        paths = fn(tmp_path, True, 0)
        assert all(p.exists() and p.stat().st_size > 10000 for p in paths)


def test_pseudo_label_check_is_sharp():
    # The pooled z-check of cnn.pseudo-label-flips rejects a hard-only flip
    # rate of 0.55 (= 1/2 × 1.1) and a total flip rate of 1.1 × err(w).
    from w2s_theory.cnn.data import HARD
    from w2s_theory.cnn.models import linear_cnn_error, linear_cnn_output
    flips_h = n_h = flips = exp_true = exp_wrong = var_true = var_wrong = 0.0
    for model, w, k in C._teachers(QUICK, 3):
        t = model.sample(20000, k)
        flip = np.where(linear_cnn_output(w, t) >= 0, 1, -1) != t.y
        h = t.kind == HARD
        flips_h += flip[h].sum()
        n_h += h.sum()
        p = linear_cnn_error(w, model)
        flips += flip.sum()
        exp_true += t.n * p
        var_true += t.n * p * (1 - p)
        exp_wrong += t.n * 1.1 * p
        var_wrong += t.n * 1.1 * p * (1 - 1.1 * p)
    z = lambda obs, e, v: abs(obs - e) / math.sqrt(v)  # noqa: E731
    assert z(flips_h, 0.5 * n_h, 0.25 * n_h) <= 4
    assert z(flips_h, 0.55 * n_h, 0.2475 * n_h) > 4
    assert z(flips, exp_true, var_true) <= 4
    assert z(flips, exp_wrong, var_wrong) > 4
