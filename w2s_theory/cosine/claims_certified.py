"""Certified Lemma C.3 constant (Geng, Hansen & Li 2026): a polynomial inequality in c ∈ [−1, 1].

The isotropic Hessian of the cosine on span(w, w*) (‖w‖ = 1) has characteristic polynomial
P(λ) = λ² + cλ − (1 − c²) (:data:`w2s_theory.cosine.bounds.CHAR_POLY`).  Its two real roots lie in
[−K, K], K = 2/√3 (:data:`~w2s_theory.cosine.bounds.HESSIAN_CONSTANT`), iff P(K) ≥ 0, P(−K) ≥ 0
and the vertex −c/2 lies in [−K, K] (automatic for |c| ≤ 1).  P(±K) vanish (double roots) at
c = ∓1/√3, where the bound is attained, so a neighbourhood |3c² − 1| ≤ 1e-6 is cut out.
See docs/certified.rst.
"""
from __future__ import annotations

import sympy as sp

from proofs_check import Context
from proofs_check.certify import Statement, certified_claim
from proofs_check.certify.spec import Param

from . import bounds as B

_C, _LAM = B._c, B._lam
_K = B.HESSIAN_CONSTANT
DELTA = sp.Rational(1, 10**6)


@certified_claim(
    id="cosine.hessian-constant-certified",
    title="Every eigenvalue of the isotropic cosine Hessian on span(w, w*) lies in [−2/√3, 2/√3]: "
          "P(±2/√3) ≥ 0 for all c ∈ [−1, 1] (certified on boxes)",
    source="Geng, Hansen & Li 2026, Lemma C.3",
    domain="c in [-1, 1] minus |3c^2 - 1| <= 1e-6 (where P(±2/√3) has its double roots)")
def _hessian_constant(ctx: Context):
    dom = (Param("c", -1, 1),)
    words = "|3c² − 1| ≤ 1e-6: the double roots c = ∓1/√3 of P(±2/√3), where the bound is attained"
    excl = (((3 * _C**2 - 1) ** 2 - DELTA**2, words),)
    out = []
    for name, k in (("P(K)>=0", _K), ("P(-K)>=0", -_K)):
        expr = B.CHAR_POLY.subs(_LAM, k)
        weak = B.CHAR_POLY.subs(_LAM, k * (1 - sp.Rational(2, 100)))
        out.append(Statement(name, expr, ">=0", dom, excluded=words, exclusions=excl,
                             perturbed=Statement(name + " at 0.98K", weak, ">=0", dom,
                                                 excluded=words, exclusions=excl),
                             perturbation="K replaced by 0.98·2/√3: an eigenvalue escapes"))
    return out
