"""Certified f-divergence inequalities on Bernoulli pairs (p, q) in the closed square [0, 1]².

Every divergence is built from the package's generators (``FDivergence.perspective`` of
:data:`~w2s_theory.fdiv.divergences.KL`, ``JS``, ``HELLINGER2``, ``TV``):
D(Bern(p) ‖ Bern(q)) = q f(p/q) + (1 − q) f((1 − p)/(1 − q)), then rewritten by SymPy (never
retyped) into a form that extends continuously to the boundary: logarithms of products and
quotients split (p log(p/q) = p log p − p log q), the terms of each log collected so that
x log x appears as one factor pair (enclosed by monotonicity, 0 at x = 0), and TV's
q |p/q − 1| simplified to |p − q|.  The rewritten expression is checked against the original at
interior points (50 digits) before it is certified.  The statements are certified with the
engine's boundary-by-limits convention (docs/certified.rst): at p or q ∈ {0, 1} the value is
the limit (x log x = 0; KL = +∞ where q ∈ {0, 1} ≠ p).

The two bounds with a square root, TV ≤ √(1 − e^−KL) and TV ≤ H√(1 − H²/4), are certified in the
equivalent squared form TV² ≤ … (both sides are non-negative), which needs far fewer boxes; their
2 % tighter versions (bound ×0.98, i.e. ×0.9604 on the square) are refuted in the same form.

Excluded, where an inequality is an equality (no enclosure can decide the sign there):
the band |p − q| ≤ δ around the diagonal p = q (both sides vanish): δ = 1/100 where the gap
vanishes to first order in |p − q| (Bretagnolle–Huber, H²/2 ≤ TV), δ = 1/20 where it vanishes to
second order or more (H² ≤ KL; Pinsker, fourth order at (1/2, 1/2); TV ≤ H√(1 − H²/4), whose gap
also vanishes on the whole line q = 1 − p, cut out as |p + q − 1| ≤ 1/20); and for
Bretagnolle–Huber, both Hellinger–TV bounds and JS ≤ log 2 the corners |p − q| ≥ 1 − δ_c
(disjoint supports, where these bounds are attained).  Pinsker and H² ≤ KL are not tight at the
corners (KL = ∞).  JS ≤ log 2 needs no band: its gap is log 2 on the diagonal.
"""
from __future__ import annotations

import functools
import random

import mpmath
import sympy as sp

from proofs_check import Context
from proofs_check.certify import Statement, certified_claim
from proofs_check.certify.spec import Param

from . import divergences as D

# the domain includes the boundary, so the symbols are only non-negative
P, Q = sp.symbols("p q", nonnegative=True)
_U, _V = sp.symbols("u v", nonnegative=True)     # stand-ins for 1 − p, 1 − q while rewriting
SQUARE = (Param("p", 0, 1), Param("q", 0, 1))


def bernoulli(div) -> sp.Expr:
    """D_f(Bern(p) ‖ Bern(q)) from the divergence's SymPy perspective q f(p/q) (as generated)."""
    e = div.perspective
    return (e.subs({D._p: P, D._q: Q}, simultaneous=True)
            + e.subs({D._p: 1 - P, D._q: 1 - Q}, simultaneous=True))


def _boundary_form(e: sp.Expr) -> sp.Expr:
    """Rewrite one perspective term so that it extends continuously to the boundary.

    log(a·b/c) → log a + log b − log c (valid for a, b, c > 0), then the coefficient of each
    log collected and factored, so that x·log x appears as a product pair; q|p/q − 1| → |p − q|.
    """
    if e.has(sp.Abs):
        return sp.simplify(e)
    e = e.replace(lambda x: isinstance(x, sp.log),
                  lambda x: sp.log(sp.factor(sp.together(x.args[0]))))
    e = sp.expand_mul(sp.expand_log(e, force=True))
    logs = sorted(e.atoms(sp.log), key=sp.default_sort_key)
    parts = sp.collect(e, logs, evaluate=False)
    return sp.Add(*(sp.factor(c) * (1 if k == 1 else k) for k, c in parts.items()))


def bernoulli_closed(div) -> sp.Expr:
    """:func:`bernoulli` rewritten by :func:`_boundary_form` (checked equal inside (0, 1)²)."""
    e = div.perspective
    a = _boundary_form(e.subs({D._p: P, D._q: Q}, simultaneous=True))
    b = _boundary_form(e.subs({D._p: _U, D._q: _V}, simultaneous=True))
    out = a + b.subs({_U: 1 - P, _V: 1 - Q}, simultaneous=True)
    _check_equal(out, bernoulli(div), div.name)
    return out


def _check_equal(new, old, name, n=12):
    """The rewrite must not change the function: compare at interior points at 50 digits."""
    rng = random.Random(11)
    f, g = (sp.lambdify((P, Q), x, "mpmath") for x in (new, old))
    with mpmath.workdps(50):
        for _ in range(n):
            p, q = (mpmath.mpf(rng.randint(1, 10**6 - 1)) / 10**6 for _ in range(2))
            if abs(f(p, q) - g(p, q)) > mpmath.mpf(10) ** -40:
                raise AssertionError(f"boundary form of {name} differs at p={p}, q={q}")


def _band(delta):
    return ((P - Q) ** 2 - delta ** 2,
            f"|p − q| ≤ {delta}: both sides vanish on the diagonal p = q")


def _antidiagonal(delta):
    return ((P + Q - 1) ** 2 - delta ** 2,
            f"|p + q − 1| ≤ {delta}: for q = 1 − p (a symmetric pair) TV = H√(1 − H²/4) "
            "exactly (1 − BC² = (1 − 2p)² with BC = 2√(p(1 − p)))")


def _corners(delta_c):
    return ((1 - delta_c) ** 2 - (P - Q) ** 2,
            f"|p − q| ≥ 1 − {delta_c}: the corners (0, 1), (1, 0) (disjoint supports), "
            "where the bound is attained")


def _statement(name, lhs, rhs, exclusions, why_sharp, quick, quick_box=None, budget=80000,
               factor=sp.Rational(98, 100)):
    """``lhs ≤ rhs`` as ``rhs − lhs ≥ 0`` on the square; ``lhs ≤ factor·rhs`` must be refuted.

    quick_box : ((p_lo, p_hi), (q_lo, q_hi)) for --quick: a sub-square that keeps a part of
        the boundary and the region where the 2 % tighter statement fails.
    """
    dom = SQUARE
    words = "; ".join(w for _, w in exclusions)
    if quick and quick_box is not None:
        dom = tuple(Param(n, sp.Rational(lo), sp.Rational(hi))
                    for n, (lo, hi) in zip("pq", quick_box))
        words += f"; quick mode: (p, q) ∈ {quick_box[0]} × {quick_box[1]} only"
    # scan: the perturbed bounds fail near the corners or next to a band, which the
    # branch-and-bound (most suspicious box first) reaches only after proving most of the
    # square; a grid scan finds a counter-example there first (same 256-bit confirmation)
    pert = Statement(f"{name} ×{factor}", factor * rhs - lhs, ">=0", dom,
                     excluded=words, exclusions=exclusions, limits=True, budget=budget, scan=32)
    return Statement(name, rhs - lhs, ">=0", dom, excluded=words, exclusions=exclusions,
                     perturbed=pert, perturbation=why_sharp, limits=True, budget=budget)


@functools.lru_cache(maxsize=1)
def _divs():
    return (bernoulli_closed(D.KL), bernoulli_closed(D.HELLINGER2), bernoulli_closed(D.TV),
            bernoulli_closed(D.JS))


_BAND = sp.Rational(1, 20)     # where the gap vanishes to second order or more on the diagonal
_BAND1 = sp.Rational(1, 100)   # where it vanishes only to first order (|p − q| − O((p − q)²))


@certified_claim(
    id="fdiv.hellinger-kl-certified",
    title="H²(Bern p, Bern q) ≤ KL(Bern p ‖ Bern q) on the closed square [0, 1]² outside "
          "|p − q| ≤ 1/20 (certified on boxes, boundary by limits)",
    source="Tsybakov 2009, Lemma 2.4",
    domain="(p, q) in [0, 1]^2 minus |p - q| <= 1/20 (quick: a sub-square)")
def _hellinger_kl(ctx: Context):
    kl, h2, _, _ = _divs()
    return [_statement("H2<=KL", h2, kl, (_band(_BAND),),
                       "H² ≤ 0.98·KL: false for p ≪ q ≪ 1 (and mirror images), where H²/KL → 1",
                       ctx.quick, (("0", "1/64"), ("0", "1/8")))]


@certified_claim(
    id="fdiv.pinsker-certified",
    title="Pinsker TV² ≤ KL/2 for Bernoulli pairs on [0, 1]² outside |p − q| ≤ 1/20 "
          "(certified on boxes, boundary by limits)",
    source="Pinsker's inequality (Tsybakov 2009, Lemma 2.5)",
    domain="(p, q) in [0, 1]^2 minus |p - q| <= 1/20 (quick: a sub-square)")
def _pinsker(ctx: Context):
    kl, _, tv, _ = _divs()
    return [_statement("TV^2<=KL/2", tv ** 2, kl / 2, (_band(_BAND),),
                       "TV² ≤ 0.98·KL/2: false near (1/2, 1/2), where KL/2 − TV² is of "
                       "order (p − q)⁴", ctx.quick, (("0", "3/8"), ("1/2", "5/8")))]


@certified_claim(
    id="fdiv.bretagnolle-huber-certified",
    title="Bretagnolle–Huber TV ≤ √(1 − exp(−KL)) for Bernoulli pairs on [0, 1]² outside "
          "|p − q| ≤ 1/100 and the corners |p − q| ≥ 1 − 1/100 (certified on boxes)",
    source="Bretagnolle–Huber (Tsybakov 2009, Lemma 2.6)",
    domain="(p, q) in [0, 1]^2 minus |p - q| <= 1/100 and |p - q| >= 99/100 "
           "(quick: a sub-square)")
def _bretagnolle_huber(ctx: Context):
    kl, _, tv, _ = _divs()
    # TV ≤ √(1 − e^−KL) ⟺ TV² ≤ 1 − e^−KL (TV ≥ 0): the squared form needs 9x fewer boxes
    return [_statement("TV^2<=1-exp(-KL)", tv ** 2, 1 - sp.exp(-kl),
                       (_band(_BAND1), _corners(sp.Rational(1, 100))),
                       "TV ≤ 0.98·√(1 − e^−KL), i.e. TV² ≤ 0.9604·(1 − e^−KL): false near the "
                       "corners, where TV → 1 and 1 − e^−KL = 1 − q at p = 1", ctx.quick,
                       (("0", "1/8"), ("7/8", "1")), factor=sp.Rational(98, 100) ** 2)]


@certified_claim(
    id="fdiv.hellinger-tv-certified",
    title="Le Cam H²/2 ≤ TV ≤ H·√(1 − H²/4) for Bernoulli pairs on [0, 1]² outside the "
          "corners |p − q| ≥ 1 − 1/10⁴ and |p − q| ≤ 1/100 (lower) or 1/20 (upper; also outside "
          "|p + q − 1| ≤ 1/20, where it is an equality) (certified on boxes)",
    source="Le Cam (Tsybakov 2009, Lemma 2.3); H² = Σ(√p − √q)² as in divergences.HELLINGER2",
    domain="(p, q) in [0, 1]^2 minus |p - q| >= 1 - 1e-4 and |p - q| <= 1/100 (lower bound) or "
           "|p - q| <= 1/20 and |p + q - 1| <= 1/20 (upper bound) (quick: a sub-square)")
def _hellinger_tv(ctx: Context):
    _, h2, tv, _ = _divs()
    corners = _corners(sp.Rational(1, 10**4))
    return [_statement("H2/2<=TV", h2 / 2, tv, (_band(_BAND1), corners),
                       "H²/2 ≤ 0.98·TV: false near the corners, where H²/2 = 1 − √q and "
                       "TV = 1 − q at p = 1", ctx.quick, (("0", "1/8"), ("7/8", "1"))),
            # TV ≤ H√(1 − H²/4) ⟺ TV² ≤ H²(1 − H²/4) (TV ≥ 0): fewer boxes in squared form
            _statement("TV^2<=H2*(1-H2/4)", tv ** 2, h2 * (1 - h2 / 4),
                       (_band(_BAND), corners, _antidiagonal(_BAND)),
                       "TV ≤ 0.98·H√(1 − H²/4), i.e. TV² ≤ 0.9604·H²(1 − H²/4): false near "
                       "the corners and next to the band around q = 1 − p", ctx.quick,
                       (("0", "1/8"), ("5/8", "7/8")), factor=sp.Rational(98, 100) ** 2)]


@certified_claim(
    id="fdiv.js-log2-certified",
    title="JS(Bern p, Bern q) ≤ log 2 on [0, 1]² outside the corners |p − q| ≥ 1 − 1/1000 "
          "(certified on boxes, boundary by limits)",
    source="Lin 1991, Theorem 1 (range of JS)",
    domain="(p, q) in [0, 1]^2 minus |p - q| >= 999/1000 (quick: a sub-square)")
def _js_log2(ctx: Context):
    _, _, _, js = _divs()
    return [_statement("JS<=log2", js, sp.log(2), (_corners(sp.Rational(1, 1000)),),
                       "JS ≤ 0.98·log 2: false near the corners (disjoint supports), where "
                       "JS → log 2", ctx.quick)]
