"""``w2s-check``: run the claim registry and report.

Exit status: 0 when no claim fails (``discrepancy`` is not a failure),
1 when any claim fails, 2 for usage errors (e.g. no claim matches).
"""
from __future__ import annotations

import argparse
import sys

from . import report, sensitivity
from .registry import Context, discover
from .runner import run, select


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="w2s-check", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("patterns", nargs="*",
                   help="claim ids or globs to run (e.g. 'ridge.*'); default: all")
    p.add_argument("--quick", action="store_true", help="reduced parameter sets (< 1 min)")
    p.add_argument("--json", action="store_true", help="print the JSON report only")
    p.add_argument("--list", action="store_true", help="list claims and exit")
    p.add_argument("--seed", type=int, default=Context.seed, help="root random seed")
    p.add_argument("-v", "--verbose", action="store_true", help="show details for every claim")
    # mutation analysis (proofs_check.mutation); PATTERNs then select mutants
    p.add_argument("--mutants", action="store_true",
                   help="run the mutation analysis (kill matrix, survivors, sensitivities)")
    p.add_argument("--workers", type=int, default=2, help="processes for --mutants (default 2)")
    p.add_argument("--claims", action="append", default=[], metavar="GLOB",
                   help="with --mutants: consider only these claims (repeatable)")
    p.add_argument("--full-matrix", action="store_true",
                   help="with --mutants: run every dependent claim, not up to the first kill")
    p.add_argument("--no-save", action="store_true",
                   help="with --mutants: do not store the sensitivities")
    p.add_argument("--sensitivity-file", default=None,
                   help="where --mutants stores and --json reads claim sensitivities")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.mutants:
        from . import mutation
        return mutation.main(args)
    if args.list:
        for c in select(discover(), args.patterns):
            print(f"{c.id:<40} {c.method:<14} {c.source}")
        return 0
    if not select(discover(), args.patterns):
        print(f"w2s-check: no claim matches {args.patterns}", file=sys.stderr)
        return 2
    ctx = Context(quick=args.quick, seed=args.seed)
    if args.json:
        records = run(args.patterns, ctx)
        sensitivity.fill(records, args.sensitivity_file)
        print(report.to_json(records, quick=ctx.quick, seed=ctx.seed))
    else:  # stream each claim's block as it finishes, then the summary
        records = run(args.patterns, ctx, progress=lambda r: print(
            report.format_record(r, args.verbose), flush=True))
        print()
        print(report.summary_line(records, quick=ctx.quick, seed=ctx.seed))
    return 1 if any(r["status"] == "fail" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
