"""``w2s-check``: run the claim registry and report.

Exit status: 0 when no claim fails (``discrepancy`` is not a failure),
1 when any claim fails, 2 for usage errors (e.g. no claim matches).
"""
from __future__ import annotations

import argparse
import sys

from . import report
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
    p.add_argument("--certify", action="store_true",
                   help="run the certified claims (matching PATTERN) and write their certificates")
    p.add_argument("--certificates", metavar="DIR", help="directory for --certify certificates")
    p.add_argument("--verify-certificates", metavar="DIR",
                   help="re-check the certificates in DIR with the standalone verifier")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.verify_certificates or args.certify:
        from .certify import cli as certify_cli  # python-flint is imported only from here
        if args.verify_certificates:
            return certify_cli.verify_main(args.verify_certificates)
        return certify_cli.certify_main(args.patterns, Context(quick=args.quick, seed=args.seed),
                                        args.certificates, args.json)
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
        print(report.to_json(records, quick=ctx.quick, seed=ctx.seed))
    else:  # stream each claim's block as it finishes, then the summary
        records = run(args.patterns, ctx, progress=lambda r: print(
            report.format_record(r, args.verbose), flush=True))
        print()
        print(report.summary_line(records, quick=ctx.quick, seed=ctx.seed))
    return 1 if any(r["status"] == "fail" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
