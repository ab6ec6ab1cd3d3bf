"""Run claims and turn outcomes into report records."""
from __future__ import annotations

import time
import traceback
import warnings

from .patterns import matches
from .registry import Claim, Context, Outcome, discover


def select(claims: dict[str, Claim], patterns: list[str] | None) -> list[Claim]:
    """Claims whose id matches any glob in *patterns* (all if none), in id order.

    Globs only (see :mod:`proofs_check.patterns`): no substring matching.
    """
    chosen = [c for cid, c in sorted(claims.items())
              if not patterns or any(matches(cid, p) for p in patterns)]
    return chosen


def run_claim(c: Claim, ctx: Context) -> dict:
    """Run one claim; an exception is a failure, never a silent pass."""
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            out = c.run(ctx)
        if not isinstance(out, Outcome):
            raise TypeError(f"claim {c.id} returned {type(out).__name__}; "
                            "claims must return proofs_check.Outcome")
        status = "fail" if not out.passed else ("discrepancy" if out.discrepancy else "pass")
        rec = dict(points=out.points, worst=out.worst, worst_kind=out.worst_kind,
                   detail=out.detail, status=status)
    except Exception as exc:  # report, don't crash the suite
        rec = dict(points=0, worst=float("inf"), worst_kind="error", status="fail",
                   detail=f"{type(exc).__name__}: {exc}",
                   traceback=traceback.format_exc())
    rec.update(id=c.id, title=c.title, source=c.source, method=c.method, domain=c.domain,
               seconds=time.perf_counter() - t0)
    return rec


def run(patterns: list[str] | None = None, ctx: Context | None = None,
        progress=None, claims: dict[str, Claim] | None = None) -> list[dict]:
    """Run the claims matching *patterns* among *claims* (default: :func:`discover`)."""
    ctx = ctx or Context()
    claims = select(discover() if claims is None else claims, patterns)
    records = []
    for c in claims:
        records.append(run_claim(c, ctx))
        if progress is not None:
            progress(records[-1])
    return records
