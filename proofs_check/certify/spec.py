"""Statements to certify and the ``certified_claim`` decorator (no python-flint import here)."""
from __future__ import annotations

import dataclasses
import importlib.util
import time
from fractions import Fraction
from typing import Callable

import sympy as sp

from ..registry import Context, Outcome, claim

INSTALL_HINT = "python-flint is not installed: install w2s_theory[certify] to run certified claims"


def flint_available() -> bool:
    return importlib.util.find_spec("flint") is not None


@dataclasses.dataclass(frozen=True)
class Param:
    """A box parameter: exact bounds (int, Fraction or exact string) and a split scale.

    ``scale="log"`` bisects at (a short decimal near) the geometric mean (lo > 0 needed),
    ``"lin"`` at the midpoint.
    """

    name: str
    lo: object
    hi: object
    scale: str = "lin"

    def bounds(self):
        lo, hi = Fraction(self.lo), Fraction(self.hi)
        if not lo <= hi:
            raise ValueError(f"parameter {self.name}: lo must be <= hi; got [{lo}, {hi}]")
        if self.scale == "log" and lo <= 0:
            raise ValueError(f"parameter {self.name}: log scale needs lo > 0; got {lo}")
        if self.scale not in ("log", "lin"):
            raise ValueError(f"parameter {self.name}: scale must be 'log' or 'lin'")
        return lo, hi


@dataclasses.dataclass(frozen=True)
class Statement:
    """``expr  relation  0`` for every point of the box ``params`` outside ``exclusions``.

    exclusions : tuple of (sympy expression e, words)
        The set {e <= 0} is cut out of the domain (a box is excluded only when the
        enclosure of e is <= 0 on all of it).
    perturbed : Statement or None
        The same statement made 2 % too strong; the claim passes only if it is *refuted*.
    methods : tightenings tried when the direct enclosure does not decide a box.
    """

    name: str
    expr: sp.Expr
    relation: str
    params: tuple
    excluded: str = "nothing"
    exclusions: tuple = ()
    perturbed: "Statement | None" = None
    perturbation: str = ""
    methods: tuple = ("direct", "mean-value", "monotone")
    budget: int = 20000
    min_width: float = 1e-9
    #: evaluate with the boundary-by-limits convention (docs/certified.rst): x log x = 0 at
    #: x = 0, log and 1/x of an interval touching 0 give an infinite end
    limits: bool = False
    #: > 0: before branch-and-bound, look for a counter-example on a grid of the domain
    #: (``scan`` cells per axis plus points approaching its corners; ranked in float64, the
    #: best confirmed in interval arithmetic exactly as in the search, see engine._scan);
    #: for perturbed statements, whose refutation the search may reach only after proving
    #: most of the domain.  Nothing is concluded from grid points that do not violate.
    scan: int = 0


#: claim id -> function(ctx) returning the claim's statements (used by ``--certify``).
CERTIFIED: dict[str, Callable[[Context], list]] = {}
#: (claim id, quick) -> list of (Statement, Result, perturbed Result) from the last run.
LAST_RESULTS: dict = {}


def run_statements(claim_id: str, statements) -> tuple[Outcome, list]:
    """Certify every statement and refute every perturbation; build the claim's Outcome."""
    from . import engine  # python-flint needed from here on

    results, parts, ok, margin, boxes = [], [], True, float("inf"), 0
    for st in statements:
        t0 = time.perf_counter()
        res = engine.certify(st)
        pres = engine.certify(st.perturbed) if st.perturbed is not None else None
        secs = time.perf_counter() - t0
        results.append((st, res, pres))
        boxes += res.evaluated + (pres.evaluated if pres else 0)
        good = res.status == "proved" and (pres is None or pres.status == "refuted")
        ok &= good and st.perturbed is not None
        margin = min(margin, res.min_margin if res.status == "proved" else -1.0)
        txt = (f"[{st.name}] {res.status}: {len(res.boxes)} boxes proved"
               f" ({res.method_counts()}), {len(res.excluded_boxes)} excluded,"
               f" {len(res.undecided)} undecided, {res.evaluated} evaluated")
        if res.counterexample:
            txt += f"; COUNTER-EXAMPLE {engine.fmt_point(res.counterexample)}"
        if pres is not None:
            txt += f"; perturbed ({st.perturbation}): {pres.status}"
            if pres.counterexample:
                txt += (f" at {engine.fmt_point(pres.counterexample)}"
                        f" (value {engine.fmt_iv(pres.counter_value)})")
        else:
            txt += "; no perturbed statement (cannot show sharpness)"
        parts.append(txt + f"; {secs:.2f} s")
    out = Outcome(points=boxes, worst=margin if ok else -1.0, passed=ok, worst_kind="margin",
                  detail=" | ".join(parts) + ". worst = smallest certified |margin| over proved boxes")
    return out, results


def certified_claim(*, id: str, title: str, source: str, domain: str = ""):
    """Register a function ``ctx -> [Statement, ...]`` as a claim of method ``certified``.

    The claim passes only when every statement is proved on every box of its domain (minus
    the stated exclusions) and every perturbed statement is refuted with a verified
    counter-example.
    """
    def decorate(make):
        CERTIFIED[id] = make

        def run(ctx: Context) -> Outcome:
            if not flint_available():
                return Outcome(points=0, worst=-1.0, passed=False, worst_kind="margin",
                               detail=INSTALL_HINT)
            out, results = run_statements(id, make(ctx))
            LAST_RESULTS[(id, ctx.quick)] = results
            return out

        run.__qualname__ = f"certified:{id}"
        run.__module__ = make.__module__
        claim(id=id, title=title, source=source, method="certified", domain=domain)(run)
        return make

    return decorate
