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
    orig = C.linear_cnn_error   # (the unperturbed claim passes: test_cnn_claims.py)

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


# --------------------------------------------------- issue 10: sharpened claims
import sympy as sp  # noqa: E402
from scipy.special import erfc  # noqa: E402

from w2s_theory.cnn import models as M  # noqa: E402
from w2s_theory.cnn import pipeline as P  # noqa: E402

_A_MU, _A_P, _A_M, _S = M.LINEAR_ERROR.symbols[:4]


def _error_from(expr):
    """linear_cnn_error with the closed form replaced by *expr* (same arguments)."""
    f = sp.lambdify(M.LINEAR_ERROR.symbols, expr, modules=[{"erfc": erfc}, "numpy"])

    def err(w, model, kind="all"):
        wts = {"all": (model.p_easy, model.p_hard, model.p_both), "easy": (1, 0, 0),
               "hard": (0, 1, 0), "both": (0, 0, 1)}[kind]
        return float(f(*M.linear_cnn_summary(w, model), *wts))
    return err


_PE, _PH, _PB = M.LINEAR_ERROR.symbols[4:]
_MUTATED = {
    "easy margin x0.95": _PE * M._Phi(-0.95 * _A_MU / _S) + _PH * M.ERROR_HARD + _PB * M.ERROR_BOTH,
    "both a+- x0.95": (_PE * M.ERROR_EASY + _PH * M.ERROR_HARD
                       + _PB * M.ERROR_BOTH.subs({_A_P: 0.95 * _A_P, _A_M: 0.95 * _A_M})),
    "both a_mu x0.95": (_PE * M.ERROR_EASY + _PH * M.ERROR_HARD
                        + _PB * M.ERROR_BOTH.subs({_A_MU: 0.95 * _A_MU})),
}


def test_probe_teachers_have_the_requested_margins():
    for model, w, _ in C._teachers(QUICK, 1):
        for mod in (model, dataclasses.replace(model, **C.ALT_MODEL)):
            for zs in C.PROBE_Z:
                a_mu, a_p, a_m, s = M.linear_cnn_summary(C._probe(w, mod, zs), mod)
                assert np.allclose((a_mu / s, a_p / s, a_m / s), zs)


@pytest.mark.parametrize("name", sorted(_MUTATED))
def test_weak_error_formula_rejects_5pc_margins(registry, monkeypatch, name):
    # a trained teacher has a_+- ~ 0; the probes with large a_+- see the hard-signal
    # arguments of the both-term (quick mode used to miss these)
    monkeypatch.setattr(C, "linear_cnn_error", _error_from(_MUTATED[name]))
    out = _run(registry, "cnn.weak-error-formula")
    assert not out.passed and out.worst > 4, out.detail


@pytest.fixture
def fresh_cache(monkeypatch):
    monkeypatch.setattr(C, "_CACHE", {})


def test_pseudo_label_flips_rejects_observed_labels(registry, monkeypatch, fresh_cache):
    # the student trained on the noisy observed labels: same overall flip rate (0.1 = p_h/2),
    # but spread over all data types -- the per-type counts of the pipeline reject it
    monkeypatch.setattr(P, "linear_cnn_output", lambda w, data: data.y_obs.astype(float))
    out = _run(registry, "cnn.pseudo-label-flips")
    assert not out.passed and out.worst > 4, out.detail


def test_abundant_label_correction_rejects_student_on_clean_labels(registry, monkeypatch,
                                                                   fresh_cache):
    orig = P.train_relu_cnn
    monkeypatch.setattr(P, "train_relu_cnn",
                        lambda data, labels, *a, **k: orig(data, data.y, *a, **k))
    out = _run(registry, "cnn.abundant-label-correction")
    assert not out.passed and out.worst < 0, out.detail


def test_student_gradient_check_rejects_dropped_relu_derivative(monkeypatch):
    assert C.student_gradient_fd_error(0) < 1e-6

    def no_gate(W, X, labels):       # relu_cnn_loss_grad without the ReLU' indicator
        f = M.relu_cnn_output(W, X)
        y = np.asarray(labels, float)
        m, d = W.shape[1:]
        g = -y * M.expit(-y * f) / X.shape[0]
        coeff = np.ones((X.shape[0], X.shape[1], 2 * m)) * (g[:, None, None]
                                                            * M._filter_signs(m) / m)
        return 0.0, np.einsum("npq,npd->qd", coeff, X).reshape(2, m, d)
    monkeypatch.setattr(M, "relu_cnn_loss_grad", no_gate)
    assert C.student_gradient_fd_error(0) > 1e-2


def test_mutant_catalogue_applies():
    from w2s_theory.cnn.mutants import MUTANTS
    assert len({m.id for m in MUTANTS}) == len(MUTANTS)
    for m in MUTANTS:
        assert m.id.startswith("cnn.") and m.claims
        m.check_applies()
    assert [m.id for m in MUTANTS if m.equivalent] == ["cnn.teacher-on-clean-labels"]
