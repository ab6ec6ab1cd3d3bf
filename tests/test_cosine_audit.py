"""Sharpness of the cosine claims fixed after the audit: each perturbed formula must FAIL its claim.

The claims look the formulas up at call time (``bounds.hessian_bound``, ``bounds._HC``,
``bounds.gradient_bound``, ``sft.confidence_residual_bound``,
``stochastic.predicted_probability``, ``claims._cube_zero_one``), so monkeypatching those
module attributes perturbs exactly what the claim checks.
"""
from __future__ import annotations

import math

import pytest

from proofs_check import Context
from proofs_check.registry import discover

import w2s_theory.cosine.bounds as B
import w2s_theory.cosine.claims as CC
import w2s_theory.cosine.sft as SFT
import w2s_theory.cosine.stochastic as ST

QUICK = Context(quick=True)
CLAIMS = {k: v for k, v in discover().items() if k.startswith("cosine.")}


def run(cid):
    return CLAIMS[cid].func(QUICK)


def scaled(f, k):
    return lambda *a, **kw: k * f(*a, **kw)


# ------------------------------------------------------------------ A: tightness is required
@pytest.mark.parametrize("cid", ["cosine.hessian-bound", "cosine.gradient-bound", "cosine.anisotropic-residual"])
def test_bound_claims_pass_unperturbed(cid):
    out = run(cid)
    assert out.passed, out.detail
    assert out.worst_kind == "margin" and out.worst >= -1e-9


@pytest.mark.parametrize("k", [1.1, 1.5])
def test_hessian_bound_loose_constant_fails(monkeypatch, k):
    # the Euclidean form looks up hessian_bound; a 10 % / 50 % looser bound is never attained
    monkeypatch.setattr(B, "hessian_bound", scaled(B.hessian_bound, k))
    out = run("cosine.hessian-bound")
    assert not out.passed, out.detail
    assert "constant tight: False" in out.detail


def test_hessian_constant_loose_fails(monkeypatch):
    # 2/√3 × 1.1 in both the Euclidean bound and the Σ-norm form
    monkeypatch.setattr(B, "_HC", B._HC * 1.1)
    assert not run("cosine.hessian-bound").passed


@pytest.mark.parametrize("k", [1.1, 1.5])
def test_gradient_bound_loose_fails(monkeypatch, k):
    monkeypatch.setattr(B, "gradient_bound", scaled(B.gradient_bound, k))
    out = run("cosine.gradient-bound")
    assert not out.passed, out.detail


@pytest.mark.parametrize("k", [1.1, 1.5])
def test_residual_bound_loose_fails(monkeypatch, k):
    monkeypatch.setattr(SFT, "confidence_residual_bound", scaled(SFT.confidence_residual_bound, k))
    out = run("cosine.anisotropic-residual")
    assert not out.passed, out.detail


def test_residual_bound_tight_witness():
    # the explicit case u = (e_max + e_min)/√2 attains the residual bound exactly (sharpness)
    import numpy as np
    from w2s_theory.cosine.calculus import cosine, cosine_gradient
    w, ws, S = CC._residual_witness(np.random.default_rng(5), d=5, c=0.7)
    ev = np.linalg.eigvalsh(S)
    lhs = abs(cosine_gradient(w, ws, S) @ (S @ w))
    assert lhs == pytest.approx(SFT.confidence_residual_bound(cosine(w, ws, S), ev[0], ev[-1]), rel=1e-12)
    assert cosine(w, ws, S) == pytest.approx(0.7, abs=1e-13)



# ------------------------------------------------------------------ B: SGD one-step probability
def test_sgd_one_step_passes():
    out = run("cosine.sgd-one-step")
    assert out.passed and out.worst <= 1, out.detail
    assert "deciding:" in out.detail


def test_sgd_one_step_sigma_sqrt2_fails(monkeypatch):
    # σ×√2 (variance ×2) in the prediction Φ(√B ċ/σ) must fail in quick mode
    orig = ST.predicted_probability
    monkeypatch.setattr(ST, "predicted_probability", lambda rate, sigma, B: orig(rate, sigma * math.sqrt(2), B))
    out = run("cosine.sgd-one-step")
    assert not out.passed, out.detail


# ------------------------------------------------------------------ C: exact cube value is checked
def test_cube_exact_value_is_checked():
    out = run("cosine.zero-one-non-elliptical")
    assert out.passed and out.worst_kind == "error" and out.worst <= 1, out.detail
    # independent of the code: tan(30°)/4 at c = cos 30°
    assert CC._cube_zero_one(math.cos(math.pi / 6)) == pytest.approx(math.tan(math.pi / 6) / 4, rel=1e-14)


def test_cube_exact_value_perturbed_fails(monkeypatch):
    orig = CC._cube_zero_one
    monkeypatch.setattr(CC, "_cube_zero_one", lambda c: 1.1 * orig(c))
    out = run("cosine.zero-one-non-elliptical")
    assert not out.passed, out.detail


def test_broken_cube_sampler_fails(monkeypatch):
    # a "cube" sampler that actually draws Gaussians (an elliptical law) must fail the claim
    import w2s_theory.cosine.montecarlo as MC
    orig = MC.sample
    monkeypatch.setattr(MC, "sample", lambda law, *a, **k: orig("gaussian" if law == "uniform-cube" else law, *a, **k))
    assert not run("cosine.zero-one-non-elliptical").passed


# ------------------------------------------------------------------ D: issue 10 sharpening
import numpy as np  # noqa: E402

import w2s_theory.cosine.ellipticity as ELL  # noqa: E402
import w2s_theory.cosine.paper as PAPER  # noqa: E402


def _float_only(f, k):
    """f with its float path scaled by k and its mpmath path (dps=...) untouched."""
    def g(*a, dps=None, **kw):
        return f(*a, dps=dps, **kw) if dps is not None else k * f(*a, **kw)
    return g


def _mp_only(f, k):
    def g(*a, dps=None, **kw):
        return f(*a, **kw) if dps is None else k * f(*a, dps=dps, **kw)
    return g


@pytest.mark.parametrize("cid", ["cosine.derivatives-symbolic", "cosine.derivatives-high-precision"])
@pytest.mark.parametrize("name,wrap", [("cosine_gradient", _float_only), ("cosine_hessian", _float_only),
                                       ("cosine_gradient", _mp_only), ("cosine_hessian", _mp_only)])
def test_derivative_evaluators_perturbed_fail(monkeypatch, cid, name, wrap):
    # the claims call the public evaluators on both paths; ×0.95 on either path must fail
    monkeypatch.setattr(CC, name, wrap(getattr(CC, name), 0.95))
    out = run(cid)
    assert not out.passed and out.worst > 1, out.detail


@pytest.mark.parametrize("k", [1.05, 0.95])
def test_step_size_exact_taylor_bound(monkeypatch, k):
    monkeypatch.setattr(B, "taylor_step_bound", scaled(B.taylor_step_bound, k))
    out = run("cosine.step-size")
    assert not out.passed and "η_B vs bisection root" in out.detail, out.detail


def test_step_size_exact_limit(monkeypatch):
    monkeypatch.setattr(B, "exact_step_limit", scaled(B.exact_step_limit, 1.01))
    assert not run("cosine.step-size").passed


@pytest.mark.slow
@pytest.mark.parametrize("k", [1.05, 0.95])
def test_sgd_one_step_sigma_5_percent_fails(monkeypatch, k):
    orig = ST.moments_of_sample          # the claim's σ (xi_moments of its own ξ sample)
    monkeypatch.setattr(ST, "moments_of_sample", lambda *a, **kw: (lambda s: (k * s[0],) + s[1:])(orig(*a, **kw)))
    out = run("cosine.sgd-one-step")
    assert not out.passed, out.detail


def test_sgd_one_step_prediction_sigma_x1_1_fails(monkeypatch):
    orig = ST.predicted_probability
    monkeypatch.setattr(ST, "predicted_probability", lambda rate, sigma, B: orig(rate, 1.1 * sigma, B))
    assert not run("cosine.sgd-one-step").passed


@pytest.mark.parametrize("cid", ["cosine.sft-random-teachers",
                                 *[pytest.param(c, marks=pytest.mark.slow) for c in
                                   ("cosine.sft-condition", "cosine.shared-pretraining",
                                    "cosine.anisotropic-condition")]])
def test_sft_claims_reject_ground_truth_training(monkeypatch, cid):
    # a simulator that trains on the ground-truth labels (teachers replaced by w*) must fail
    orig = SFT.simulate_sft
    monkeypatch.setattr(SFT, "simulate_sft", lambda w0, T, ws, *a, **kw: orig(
        w0, np.broadcast_to(np.asarray(ws, float), np.shape(T)), ws, *a, **kw))
    out = run(cid)
    assert not out.passed and "first-step drift" in out.detail, out.detail


def test_anisotropic_rate_magnitude(monkeypatch):
    # ċ = A − B with the confidence term B ×1.05 keeps every sign but must fail the magnitude check
    orig = PAPER.cosine_rate

    def rate(*a, **kw):
        _, A, Bc = orig(*a, **kw)
        return A - 1.05 * Bc, A, 1.05 * Bc
    monkeypatch.setattr(PAPER, "cosine_rate", rate)
    out = run("cosine.anisotropic-condition")
    assert not out.passed and "central difference" in out.detail, out.detail


@pytest.mark.parametrize("k", [1.05, 0.95])
def test_non_elliptical_first_term_5_percent(monkeypatch, k):
    orig = ELL.edgeworth_terms
    monkeypatch.setattr(ELL, "edgeworth_terms", lambda *a, **kw: (lambda f: (k * f[0], f[1]))(orig(*a, **kw)))
    assert not run("cosine.non-elliptical-1-over-d").passed


def test_flat_cube_exact_small_case():
    # d = 2, c = 0: u = (1,1)/√2, v = (1,−1)/√2 disagree iff |x₂| > |x₁|: probability 1/2 exactly
    assert ELL.flat_cube_disagreement(2, 0.0) == ELL.Fraction(1, 2)
    # d = 4, c = 0.5: P(|U₁| > |U₂ + U₃ + U₄|) for U uniform on [−1, 1], by direct quadrature
    # = 2∫₀¹ f₃(x)(1 − x) dx with f₃(x) = (3 − x²)/8 the density of U₂ + U₃ + U₄ on [−1, 1]
    from scipy import integrate
    val = integrate.quad(lambda x: 2 * (1 - x) * (3 - x * x) / 8, 0, 1)[0]
    assert float(ELL.flat_cube_disagreement(4, 0.5)) == pytest.approx(val, rel=1e-9)


@pytest.mark.parametrize("k", [1.05, 0.95])
def test_kappa_5_percent_fails(monkeypatch, k):
    monkeypatch.setattr(SFT, "kappa", scaled(SFT.kappa, k))
    out = run("cosine.expected-gradient")
    assert not out.passed and "κ" in out.detail, out.detail


def test_mutant_catalogue_applies():
    # every catalogued snippet still occurs exactly once (a stale catalogue raises)
    from w2s_theory.cosine.mutants import MUTANTS
    assert len({m.id for m in MUTANTS}) == len(MUTANTS) >= 30
    for m in MUTANTS:
        m.check_applies()
        assert m.claims and all(c.startswith("cosine.") for c in m.claims)


@pytest.mark.slow
def test_catalogued_mutant_killed_in_copy():
    from proofs_check.mutants import run_source_mutant
    from w2s_theory.cosine.mutants import MUTANTS
    m = next(m for m in MUTANTS if m.id == "cosine.gradient-float-term-x0.95")
    assert run_source_mutant(m)["killed_by"]
