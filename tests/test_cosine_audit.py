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
def test_sgd_one_step_passes_and_rejects_variance_doubling():
    out = run("cosine.sgd-one-step")
    assert out.passed, out.detail
    assert "rejected: True" in out.detail


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
