"""Audit fixes for the cnn claims: each check FAILS when the formula or data
model it checks is perturbed."""
import dataclasses

import numpy as np
import pytest

from proofs_check import Context
from proofs_check.registry import discover
from w2s_theory.cnn import claims as C
from w2s_theory.cnn.data import HARD, PatchModel
from w2s_theory.cnn.regimes import MIX, mean_se

QUICK = Context(quick=True, seed=20251124)  # same seed as test_cnn_claims (shared cache)


@pytest.fixture(scope="module")
def registry():
    return {k: v for k, v in discover().items() if k.startswith("cnn.")}


def _run(registry, cid):
    return registry[cid].func(QUICK)


# --------------------------------------------------- A: weak-error-formula
def test_degraded_teachers_have_sizeable_easy_and_both_errors():
    # the extra weights put the weight-dependent terms in 0.05-0.4
    for model, w, _ in C._teachers(QUICK, 3):
        for z in C.DEGRADE_Z:
            v = C._degraded(w, model, z)
            for kind in ("easy", "both"):
                assert 0.03 < C.linear_cnn_error(v, model, kind) < 0.45


@pytest.mark.parametrize("kinds, factor", [(("easy", "both"), 1.1), (("easy",), 1.1),
                                           (("both",), 1.1),
                                           (("all", "easy", "hard", "both"), 1.05)])
def test_weak_error_formula_rejects_perturbed_terms(registry, monkeypatch, kinds, factor):
    orig = C.linear_cnn_error
    assert _run(registry, "cnn.weak-error-formula").passed

    def wrong(w, model, kind="all"):
        return (factor if kind in kinds else 1.0) * orig(w, model, kind)
    monkeypatch.setattr(C, "linear_cnn_error", wrong)
    out = _run(registry, "cnn.weak-error-formula")
    assert not out.passed, out.detail


# --------------------------------------------------- B: weak-hard-chance
@pytest.mark.parametrize("c", [0.5, 0.0])
def test_weak_hard_chance_rejects_non_cancelling_hard_patches(registry, monkeypatch, c):
    # hard-only patch 2 = -c eps nu_y instead of -eps nu_y: the patch sum keeps
    # (1 - c) eps nu_y, which a linear CNN can use within each (y, eps) cell
    assert _run(registry, "cnn.weak-hard-chance").passed
    orig = PatchModel.sample

    def sample(self, n, seed):
        t = orig(self, n, seed)
        coef = t.coef.copy()
        coef[t.kind == HARD, 1] *= c
        return dataclasses.replace(t, coef=coef)
    monkeypatch.setattr(PatchModel, "sample", sample)
    out = _run(registry, "cnn.weak-hard-chance")
    assert not out.passed, out.detail
    assert out.worst > 4


# --------------------------------------------------- C: scarce-correction-decays
def test_correction_decay_margin_is_negative_end_when_correction_survives(registry, monkeypatch):
    pair = C._scarce_pair(QUICK)
    st, r = pair["benign"]
    ok = _run(registry, "cnn.scarce-correction-decays")
    assert ok.passed and 0 < ok.worst < 1
    r2 = dict(r)
    r2["correction"] = r["correction"].copy()
    r2["correction"][0, -1] = 0.2
    monkeypatch.setattr(C, "_scarce_pair", lambda ctx: {**pair, "benign": (st, r2)})
    out = _run(registry, "cnn.scarce-correction-decays")
    assert not out.passed and out.worst == pytest.approx(-0.2)


# --------------------------------------------------- E: scarce + abundant criteria
def test_harmful_criterion_rejects_the_benign_point():
    # the assertion intended at test_cnn_claims.py:55: the harmful criterion
    # (mean − 3SE above 0.12 p_h) must FAIL on the benign point
    _, rb = C._scarce_pair(QUICK)["benign"]
    eb, se_b = mean_se(rb["test_error"][:, -1])
    assert not (eb - 3 * se_b > 0.12 * MIX["p_hard"])


@pytest.mark.parametrize("which", ["error", "correction", "none"])
def test_overtraining_claim_rejects_half_the_degradation(registry, monkeypatch, which):
    # halving the measured degradation (error given back, or correction lost)
    # brings it below the claimed 0.5 and the claim FAILS; no degradation fails too
    s = C._abundant(QUICK)
    assert _run(registry, "cnn.abundant-overtraining").passed
    s2 = dict(s)
    if which in ("error", "none"):
        f = 0.5 if which == "error" else 0.0
        s2["err_end"] = s["err_early"] + f * (s["err_end"] - s["err_early"])
    if which in ("correction", "none"):
        f = 0.5 if which == "correction" else 0.0
        s2["corr_end"] = s["corr_early"] - f * (s["corr_early"] - s["corr_end"])
    monkeypatch.setattr(C, "_abundant", lambda ctx: s2)
    out = _run(registry, "cnn.abundant-overtraining")
    assert not out.passed, out.detail
