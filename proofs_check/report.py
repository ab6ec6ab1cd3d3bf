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
    from . import __version__
    claims = [_json_claim(r) for r in records]
    return json.dumps({"version": __version__, "claims": claims,
                       "summary": summary(records, quick=quick, seed=seed)}, indent=2)


def format_line(r: dict) -> str:
    mark = {"pass": "PASS", "fail": "FAIL", "discrepancy": "DISC"}[r["status"]]
    worst = f"{r['worst']:.3g}" if math.isfinite(r["worst"]) else "-"
    kind = "margin" if r["worst_kind"] == "margin" else "err"
    return (f"[{mark}] {r['id']:<40} {r['method']:<14} pts={r['points']:<6} "
            f"worst {kind}={worst:<10} {r['seconds']:6.2f}s")


def format_record(r: dict, verbose: bool = False) -> str:
    """One claim's block: status line, statement, source, and details when useful."""
    lines = [format_line(r), f"       {r['title']}", f"       source: {r['source']}"]
    if r["detail"] and (verbose or r["status"] != "pass"):
        lines.append(f"       {r['detail']}")
    if verbose and r.get("domain"):
        lines.append(f"       domain: {r['domain']}")
    if r["status"] == "fail" and r.get("traceback") and verbose:
        lines.append(r["traceback"])
    return "\n".join(lines)


def summary_line(records: list[dict], *, quick: bool, seed: int) -> str:
    s = summary(records, quick=quick, seed=seed)
    return (f"{s['total']} claim{'' if s['total'] == 1 else 's'}: {s['pass']} pass, {s['fail']} fail, "
            f"{s['discrepancy']} discrepancy (paper text vs evidence) "
            f"in {s['seconds']:.1f}s{' [quick]' if quick else ''}")


def to_text(records: list[dict], *, quick: bool, seed: int, verbose: bool = False) -> str:
    blocks = [format_record(r, verbose) for r in records]
    return "\n".join(blocks + ["", summary_line(records, quick=quick, seed=seed)])
