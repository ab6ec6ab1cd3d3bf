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

