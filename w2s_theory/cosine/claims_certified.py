"""Certified Lemma C.3 constant (Geng, Hansen & Li 2026): a polynomial inequality in c ∈ [−1, 1].

The isotropic Hessian of the cosine on span(w, w*) (‖w‖ = 1) has characteristic polynomial
P(λ) = λ² + cλ − (1 − c²) (:data:`w2s_theory.cosine.bounds.CHAR_POLY`).  Its two real roots lie in
[−K, K], K = 2/√3 (:data:`~w2s_theory.cosine.bounds.HESSIAN_CONSTANT`), iff P(K) ≥ 0, P(−K) ≥ 0
and the vertex −c/2 lies in [−K, K] (automatic for |c| ≤ 1).  P(±K) vanish (double roots) at
c = ∓1/√3, where the bound is attained, so a neighbourhood |3c² − 1| ≤ 1e-6 is cut out.
The same bound through the closed-form radius ρ(c) = (|c| + √(4 − 3c²))/2
(:data:`~w2s_theory.cosine.bounds.SPECTRAL_RADIUS`) is a second claim, with ρ(c) ≥ |c| (the
eigenvalue −c on the orthogonal complement of span(w, w*)).

Lemma C.4 (gradient bound) has no inequality in c to certify: with g = Σ^{-1/2}∇c,
‖g‖² = (1 − c²)/‖w‖²_Σ is an identity (tests/test_cosine_certified.py), so the bound is attained
for every c; the only inequality is the Rayleigh quotient ‖Σ^{1/2}g‖² ≤ λ_max‖g‖², a fact
about Σ, not c.  See docs/certified.rst.
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


@certified_claim(
    id="cosine.spectral-radius-certified",
    title="Spectral radius of the isotropic cosine Hessian (‖w‖ = 1): ρ(c) = (|c| + √(4 − 3c²))/2 ≤ 2/√3 "
          "and ρ(c) ≥ |c| (the eigenvalue −c on the orthogonal complement) for all c ∈ [−1, 1] "
          "(closed form, certified on boxes)",
    source="Geng, Hansen & Li 2026, Lemma C.3 (proof)",
    domain="c in [-1, 1]; for rho <= 2/√3 minus |3c^2 - 1| <= 1e-6 (where rho = 2/√3)")
def _spectral_radius(ctx: Context):
    # The same lemma as above through the package's closed-form radius (bounds.SPECTRAL_RADIUS)
    # rather than the characteristic polynomial: no vertex argument needed.
    dom = (Param("c", -1, 1),)
    words = "|3c² − 1| ≤ 1e-6: c = ±1/√3, where ρ(c) = 2/√3 (the bound is attained)"
    excl = (((3 * _C**2 - 1) ** 2 - DELTA**2, words),)
    rho = B.SPECTRAL_RADIUS
    eps = sp.Rational(2, 100)
    return [Statement("2/√3-ρ(c)>=0", _K - rho, ">=0", dom, excluded=words, exclusions=excl,
                      perturbed=Statement("0.98·2/√3-ρ(c)>=0", (1 - eps) * _K - rho, ">=0", dom,
                                          excluded=words, exclusions=excl),
                      perturbation="radius bound 0.98·2/√3"),
            Statement("ρ(c)-|c|>=0", rho - sp.Abs(_C), ">=0", dom,
                      perturbed=Statement("ρ(c)-1.02|c|>=0", rho - (1 + eps) * sp.Abs(_C), ">=0", dom),
                      perturbation="ρ(c) ≥ 1.02·|c|: false at c = ±1, where ρ = |c| = 1")]
