"""Certified f-divergence inequality on Bernoulli pairs: H² ≤ KL on (p, q) ∈ [η, 1 − η]².

The divergences are built from the package's generators (``FDivergence.perspective`` of
:data:`~w2s_theory.fdiv.divergences.KL` and :data:`~w2s_theory.fdiv.divergences.HELLINGER2`):
D(Bern(p) ‖ Bern(q)) = q f(p/q) + (1 − q) f((1 − p)/(1 − q)).  Both sides vanish on the diagonal
p = q (an equality no enclosure can decide), so the band |p − q| ≤ 1/20 is cut out; the strip
within η = 1e-9 of the boundary, where p log p has no finite interval extension, is not covered.
See docs/certified.rst.
"""
from __future__ import annotations

import sympy as sp

from proofs_check import Context
from proofs_check.certify import Statement, certified_claim
from proofs_check.certify.spec import Param

from . import divergences as D

P, Q = sp.symbols("p q", positive=True)
DELTA = sp.Rational(1, 20)


def bernoulli(div) -> sp.Expr:
    """D_f(Bern(p) ‖ Bern(q)) from the divergence's SymPy perspective q f(p/q)."""
    e = div.perspective
    return (e.subs({D._p: P, D._q: Q}, simultaneous=True)
            + e.subs({D._p: 1 - P, D._q: 1 - Q}, simultaneous=True))


@certified_claim(
    id="fdiv.hellinger-kl-certified",
    title="H²(Bern p, Bern q) ≤ KL(Bern p ‖ Bern q) on (p, q) ∈ [1e-9, 1 − 1e-9]² outside |p − q| ≤ 1/20 "
          "(certified on boxes)",
    source="Tsybakov 2009, Lemma 2.4",
    domain="(p, q) in [1e-9, 1 - 1e-9]^2 minus |p - q| <= 1/20 (quick: [1e-9, 1/2]^2)")
def _hellinger_kl(ctx: Context):
    # H²/KL → 1 only for p ≪ q ≪ 1 (p ~ 1e-9), so quick mode keeps η and halves both ranges
    eta = sp.Rational(1, 10**9)
    hi = 1 - eta if not ctx.quick else sp.Rational(1, 2)
    dom = (Param("p", eta, hi), Param("q", eta, hi))
    words = ("the band |p − q| ≤ 1/20 around the diagonal, where both sides vanish; and the strip "
             f"within {eta} of the boundary of [0, 1]²")
    excl = (((P - Q) ** 2 - DELTA ** 2, "|p − q| ≤ 1/20: H² = KL = 0 on the diagonal"),)
    kl, h2 = bernoulli(D.KL), bernoulli(D.HELLINGER2)
    return [Statement("H2<=KL", kl - h2, ">=0", dom, excluded=words, exclusions=excl,
                      perturbed=Statement("H2<=0.98KL", (1 - sp.Rational(2, 100)) * kl - h2, ">=0",
                                          dom, excluded=words, exclusions=excl),
                      perturbation="H² ≤ 0.98·KL: false for p ≪ q ≪ 1 (or 1 − p ≪ 1 − q ≪ 1), where H²/KL → 1")]
