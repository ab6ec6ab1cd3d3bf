"""Certified claims for §2.1 (Moniri & Hassani 2025): Arb enclosures over whole boxes.

Each statement is ``expression relation 0`` over a box of named parameters, proved by
branch-and-bound (:mod:`proofs_check.certify`); the expressions are the package's SymPy
stable forms (:mod:`w2s_theory.ridge.symbolic`), never retyped.  Each also carries a
statement made 2 % too strong, which must be *refuted* at a verified point (sharpness).
See docs/certified.rst.
"""
from __future__ import annotations

import sympy as sp

from proofs_check import Context
from proofs_check.certify import Statement, certified_claim
from proofs_check.certify.spec import Param

from . import symbolic as S

SRC = "Moniri & Hassani 2025"
#: ψ - 1, the log-scaled parameter for an over-parameterised student (ψ = 1 + t)
T = sp.Symbol("psi_minus_1", positive=True)
#: λ_T/λ*, the teacher's penalty relative to the optimal one
F = sp.Symbol("lamT_over_lamstar", positive=True)
EPS = sp.Rational(2, 100)  # sharpness: the statement made 2 % too strong

_G = S.STABLE["gain_g"].doit()
_G_OVER = _G.subs(S.psi, 1 + T)                    # the ψ ≥ 1 branch is selected symbolically
_CMAX_OVER = S.c_max_over.subs(S.psi, 1 + T)


def _lam(quick):
    return Param("lam_S", "1e-12" if not quick else "1e-6", "1e6" if not quick else "1e3", "log")


def _t(quick):
    return Param("psi_minus_1", "1e-6" if not quick else "1e-3", 999 if not quick else 99, "log")


@certified_claim(
    id="ridge.g-above-1-certified",
    title="g_ψ(λ_S) > 1 for every ψ ∈ [1 + 1e-6, 1e3], λ_S ∈ [1e-12, 1e6] (certified on boxes)",
    source=f"{SRC}, Thm 5 (g > 1 for ψ > 1: the student can win whenever h ≤ 1)",
    domain="psi - 1 in [1e-6, 999], lam_S in [1e-12, 1e6] (quick: [1e-3, 99] x [1e-6, 1e3])")
def _g_above_1(ctx: Context):
    params = (_t(ctx.quick), _lam(ctx.quick))
    return [Statement(
        "g>1", _G_OVER - 1, ">0", params,
        perturbed=Statement("g>1.02", _G_OVER - (1 + EPS), ">0", params),
        perturbation="g > 1.02: false as λ_S → ∞, where g → 1")]


@certified_claim(
    id="ridge.g-below-2-certified",
    title="g_ψ(λ_S) < 2 for every ψ ∈ [1e-3, 1 − 1e-6], λ_S ∈ [1e-12, 1e6] (certified on boxes)",
    source=f"{SRC}, Thm 5 (c_max = 2 for ψ < 1)",
    domain="psi in [1e-3, 1 - 1e-6], lam_S in [1e-12, 1e6] (quick: psi in [1e-2, 0.999], lam_S in [1e-6, 1e3])")
def _g_below_2(ctx: Context):
    psi = Param("psi", "1e-3" if not ctx.quick else "1e-2",
                1 - sp.Rational(1, 10**6) if not ctx.quick else "0.999", "log")
    params = (psi, _lam(ctx.quick))
    return [Statement(
        "g<2", _G - 2, "<0", params,
        perturbed=Statement("g<1.96", _G - 2 * (1 - EPS), "<0", params),
        perturbation="g < 2·0.98: false as λ_S → 0, where g → 2")]
