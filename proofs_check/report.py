"""Human-readable and JSON reports.

The JSON layout is a contract with users' CI and must stay stable::

    {"version": ...,
     "claims": [{"id", "title", "source", "method", "status", "points", "worst",
                 "worst_kind", "detail", "sensitivity"}, ...],
     "summary": {"total", "pass", "fail", "discrepancy", "seconds", "quick", "seed"}}

Keys are only ever added, never renamed or removed.  ``worst_kind`` says how to
read ``worst`` (``"error"``: smaller is better; ``"margin"``: positive means the
inequality held); ``detail`` is the one-line account of what decided the verdict
(for a crashed claim, the exception); ``sensitivity`` is the smallest relative
perturbation of the claim's target formula that the last mutation run saw it
reject, or null when unknown.
"""
from __future__ import annotations

import json
import math

JSON_CLAIM_KEYS = ("id", "title", "source", "method", "status", "points", "worst")
# Added later (additive only): how to read ``worst``, what decided, mutation sensitivity.
JSON_EXTRA_KEYS = ("worst_kind", "detail", "sensitivity")


def _json_number(x: float):
    # JSON has no inf/nan; a claim that crashed reports worst = null.
    return x if math.isfinite(x) else None


def summary(records: list[dict], *, quick: bool, seed: int) -> dict:
    """Counts per status, total seconds and the run's settings (the JSON ``summary``).

    Parameters
    ----------
    records : list of dict
        Records from :func:`proofs_check.runner.run`.
    quick : bool
    seed : int

    Returns
    -------
    dict
        ``total, pass, fail, discrepancy, seconds, quick, seed``.

    Examples
    --------
    >>> rec = dict(id="rmt.x", title="t", source="s", method="symbolic", status="pass",
    ...            points=3, worst=1e-20, worst_kind="error", detail="d", seconds=0.5)
    >>> summary([rec], quick=True, seed=1)
    {'total': 1, 'pass': 1, 'fail': 0, 'discrepancy': 0, 'seconds': 0.5, 'quick': True, 'seed': 1}
    """
    counts = {s: sum(r["status"] == s for r in records) for s in ("pass", "fail", "discrepancy")}
    return dict(total=len(records), **counts,
                seconds=round(sum(r["seconds"] for r in records), 3), quick=quick, seed=seed)


def _json_claim(r: dict) -> dict:
    out = {k: (_json_number(r[k]) if k == "worst" else r[k]) for k in JSON_CLAIM_KEYS}
    out["worst_kind"] = r.get("worst_kind", "error")
    out["detail"] = r.get("detail", "")
    sens = r.get("sensitivity")
    out["sensitivity"] = None if sens is None else _json_number(float(sens))
    return out


def to_json(records: list[dict], *, quick: bool, seed: int) -> str:
    """The JSON report (the contract described in this module's docstring).

    Parameters
    ----------
    records : list of dict
    quick : bool
    seed : int

    Returns
    -------
    str
        Indented JSON; a non-finite ``worst`` (a crashed claim) becomes null.

    Examples
    --------
    >>> rec = dict(id="rmt.x", title="t", source="s", method="symbolic", status="pass",
    ...            points=3, worst=1e-20, worst_kind="error", detail="d", seconds=0.5)
    >>> import json
    >>> doc = json.loads(to_json([dict(rec, worst=float("inf"))], quick=True, seed=1))
    >>> doc["claims"][0]["worst"], doc["summary"]["total"]
    (None, 1)
    """
    from . import __version__
    claims = [_json_claim(r) for r in records]
    return json.dumps({"version": __version__, "claims": claims,
                       "summary": summary(records, quick=quick, seed=seed)}, indent=2)


def format_line(r: dict) -> str:
    """One status line: ``[PASS] id  method  pts=..  worst err=..  seconds``.

    Parameters
    ----------
    r : dict
        A report record.

    Returns
    -------
    str

    Examples
    --------
    >>> rec = dict(id="rmt.x", title="t", source="s", method="symbolic", status="pass",
    ...            points=3, worst=1e-20, worst_kind="error", detail="d", seconds=0.5)
    >>> format_line(rec).split()[:2]
    ['[PASS]', 'rmt.x']
    """
    mark = {"pass": "PASS", "fail": "FAIL", "discrepancy": "DISC"}[r["status"]]
    worst = f"{r['worst']:.3g}" if math.isfinite(r["worst"]) else "-"
    kind = "margin" if r["worst_kind"] == "margin" else "err"
    return (f"[{mark}] {r['id']:<40} {r['method']:<14} pts={r['points']:<6} "
            f"worst {kind}={worst:<10} {r['seconds']:6.2f}s")


def format_record(r: dict, verbose: bool = False) -> str:
    """One claim's block: status line, statement, source, and details when useful.

    Parameters
    ----------
    r : dict
        A report record.
    verbose : bool
        Also the detail of passing claims, the domain and a crash's traceback.

    Returns
    -------
    str

    Examples
    --------
    >>> rec = dict(id="rmt.x", title="t", source="s", method="symbolic", status="pass",
    ...            points=3, worst=1e-20, worst_kind="error", detail="d", seconds=0.5)
    >>> print(format_record(dict(rec, status="fail", detail="off by 2")).splitlines()[-1].strip())
    off by 2
    """
    lines = [format_line(r), f"       {r['title']}", f"       source: {r['source']}"]
    if r["detail"] and (verbose or r["status"] != "pass"):
        lines.append(f"       {r['detail']}")
    if verbose and r.get("domain"):
        lines.append(f"       domain: {r['domain']}")
    if r["status"] == "fail" and r.get("traceback") and verbose:
        lines.append(r["traceback"])
    return "\n".join(lines)


def summary_line(records: list[dict], *, quick: bool, seed: int) -> str:
    """The closing line of the text report.

    Parameters
    ----------
    records : list of dict
    quick : bool
    seed : int

    Returns
    -------
    str

    Examples
    --------
    >>> rec = dict(id="rmt.x", title="t", source="s", method="symbolic", status="pass",
    ...            points=3, worst=1e-20, worst_kind="error", detail="d", seconds=0.5)
    >>> summary_line([rec], quick=True, seed=1)
    '1 claim: 1 pass, 0 fail, 0 discrepancy (paper text vs evidence) in 0.5s [quick]'
    """
    s = summary(records, quick=quick, seed=seed)
    return (f"{s['total']} claim{'' if s['total'] == 1 else 's'}: {s['pass']} pass, {s['fail']} fail, "
            f"{s['discrepancy']} discrepancy (paper text vs evidence) "
            f"in {s['seconds']:.1f}s{' [quick]' if quick else ''}")


def to_text(records: list[dict], *, quick: bool, seed: int, verbose: bool = False) -> str:
    """The whole text report: one block per record (:func:`format_record`), then the summary.

    Parameters
    ----------
    records : list of dict
    quick : bool
    seed : int
    verbose : bool

    Returns
    -------
    str

    Examples
    --------
    >>> rec = dict(id="rmt.x", title="t", source="s", method="symbolic", status="pass",
    ...            points=3, worst=1e-20, worst_kind="error", detail="d", seconds=0.5)
    >>> to_text([rec], quick=False, seed=1).splitlines()[-1]
    '1 claim: 1 pass, 0 fail, 0 discrepancy (paper text vs evidence) in 0.5s'
    """
    blocks = [format_record(r, verbose) for r in records]
    return "\n".join(blocks + ["", summary_line(records, quick=quick, seed=seed)])
