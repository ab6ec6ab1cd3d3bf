"""``w2s-check --certify`` and ``--verify-certificates``: hand-off from proofs_check.cli."""
from __future__ import annotations

import pathlib
import sys

from .. import report
from ..registry import Context, discover
from ..runner import run_claim, select
from .spec import CERTIFIED, INSTALL_HINT, LAST_RESULTS, flint_available


def certify_main(patterns, ctx: Context, outdir=None, as_json=False) -> int:
    """Run the certified claims matching ``patterns``; write one certificate per statement."""
    claims = [c for c in select(discover(), patterns) if c.id in CERTIFIED]
    if not claims:
        print(f"w2s-check: no certified claim matches {patterns}", file=sys.stderr)
        return 2
    if not flint_available():
        print(f"w2s-check: {INSTALL_HINT}", file=sys.stderr)
        return 1
    from . import engine
    try:
        from importlib.metadata import version
        pkg_version = version("w2s_theory")
    except Exception:  # not installed (running from a checkout)
        pkg_version = ""
    records = []
    for c in claims:
        rec = run_claim(c, ctx)
        records.append(rec)
        if not as_json:
            print(report.format_record(rec, True), flush=True)
        if outdir is None:
            continue
        out = pathlib.Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        for k, (st, res, _) in enumerate(LAST_RESULTS.get((c.id, ctx.quick), [])):
            if res.status != "proved":
                continue
            path = out / f"{c.id}.{k}.json"
            engine.write_certificate(path, engine.certificate(c.id, st, res, pkg_version))
            if not as_json:
                print(f"  wrote {path} ({len(res.boxes)} boxes)")
    if as_json:
        print(report.to_json(records, quick=ctx.quick, seed=ctx.seed))
    return 1 if any(r["status"] == "fail" for r in records) else 0


def verify_main(path) -> int:
    """Re-check every certificate in ``path`` with the standalone verifier."""
    if not flint_available():
        print(f"w2s-check: {INSTALL_HINT}", file=sys.stderr)
        return 1
    from . import verify
    return verify.main([str(path)])
