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

    Parameters
    ----------
    claims : dict of str to Claim
        E.g. :func:`proofs_check.discover`'s result.
    patterns : list of str or None
        Shell-style globs matched against whole ids; empty or None selects all.

    Returns
    -------
    list of Claim

    Examples
    --------
    >>> from proofs_check import discover
    >>> [c.id for c in select(discover("w2s_theory.rmt"), ["rmt.n*", "rmt.quadratic-root"])]
    ['rmt.narayana-moments', 'rmt.quadratic-root']
    """
    chosen = [c for cid, c in sorted(claims.items())
              if not patterns or any(matches(cid, p) for p in patterns)]
    return chosen


def run_claim(c: Claim, ctx: Context) -> dict:
    """Run one claim; an exception is a failure, never a silent pass.

    Parameters
    ----------
    c : Claim
    ctx : Context

    Returns
    -------
    dict
        The report record: ``id, title, source, method, domain, status, points,
        worst, worst_kind, detail, seconds`` (and ``traceback`` after an
        exception, when ``worst`` is inf and ``detail`` names the exception).
        A claim returning anything but an :class:`~proofs_check.Outcome` fails
        with ``detail`` saying so.

    Examples
    --------
    >>> from proofs_check import Context, discover
    >>> rec = run_claim(discover("w2s_theory.rmt")["rmt.quadratic-root"], Context(quick=True))
    >>> rec["status"], rec["worst_kind"]
    ('pass', 'error')
    """
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
    """Run the claims matching *patterns* among *claims* (default: :func:`discover`).

    Parameters
    ----------
    patterns : list of str, optional
        Globs selecting the claims (see :func:`select`); all if empty.
    ctx : Context, optional
        Quick mode and seed (default ``Context()``).
    progress : callable, optional
        Called with each record as soon as its claim has finished.
    claims : dict of str to Claim, optional
        The claims to select from (default: :func:`proofs_check.discover`).

    Returns
    -------
    list of dict
        One record per claim (see :func:`run_claim`), in id order.

    Examples
    --------
    >>> from proofs_check import Context, discover
    >>> recs = run(["rmt.quadratic-root"], Context(quick=True), claims=discover("w2s_theory.rmt"))
    >>> [(r["id"], r["status"]) for r in recs]
    [('rmt.quadratic-root', 'pass')]
    """
    ctx = ctx or Context()
    claims = select(discover() if claims is None else claims, patterns)
    records = []
    for c in claims:
        records.append(run_claim(c, ctx))
        if progress is not None:
            progress(records[-1])
    return records
