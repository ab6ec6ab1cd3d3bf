"""``w2s-check``: the command line of the claim registry (options: :func:`build_parser`).

DESCRIPTION, below, is its help text, plain text for the terminal.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from w2s_theory._cli_common import DEFAULT_SEED, EXIT_INTERRUPTED, cli_entry, seed_arg

from . import __version__, report
from .patterns import unmatched
from .registry import Context, discover, discover_modules
from .runner import run, select

DESCRIPTION = """\
w2s-check: run the registry of claims about weak-to-strong theory and report.

Patterns are shell-style globs matched against the whole claim id, e.g.
'ridge.*' or '*.float-vs-mpmath'; a word without glob characters selects the
claim with exactly that id (there is no substring matching).

Exit status: 0 when no claim fails (a discrepancy is not a failure), 1 when a
claim fails, 2 for usage errors (a pattern matches no claim, a bad --seed, a
module that cannot be imported), 130 after Ctrl-C (with --json, the finished
claims are still reported, with "interrupted": true in the summary), 141 when
stdout is closed early (e.g. piped to head).
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``w2s-check`` (its help text is :data:`DESCRIPTION`).

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> args = build_parser().parse_args(["--quick", "ridge.*"])
    >>> args.quick, args.patterns, args.seed
    (True, ['ridge.*'], 20251124)
    """
    p = argparse.ArgumentParser(prog="w2s-check", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("patterns", nargs="*",
                   help="claim ids or globs to run (e.g. 'ridge.*'); default: all")
    p.add_argument("--quick", action="store_true", help="reduced parameter sets (< 1 min)")
    p.add_argument("--json", action="store_true", help="print the JSON report only")
    p.add_argument("--list", action="store_true", help="list claims and exit")
    p.add_argument("--seed", type=seed_arg, default=DEFAULT_SEED,
                   help=f"root random seed, a non-negative integer (default {DEFAULT_SEED})")
    p.add_argument("-v", "--verbose", action="store_true", help="show details for every claim")
    p.add_argument("--module", action="append", default=[], metavar="PKG",
                   help="check the claims of PKG (its claims/claims_* modules, or PKG itself if it "
                        "is a plain module) instead of w2s_theory's; repeatable. The current "
                        "directory is searched too, as with python -m")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _claims_for(modules: list[str]):
    """The registry to select from: w2s_theory (+ entry points), or the given modules."""
    if not modules:
        return discover()
    if os.getcwd() not in sys.path:  # like python -m: a package in the current directory
        sys.path.append(os.getcwd())
    return discover_modules(modules)


def _interrupted(records, ctx, as_json: bool) -> int:
    """Report the claims that finished before Ctrl-C; exit status 130."""
    print(f"w2s-check: interrupted after {len(records)} claim(s)", file=sys.stderr)
    if as_json:
        doc = json.loads(report.to_json(records, quick=ctx.quick, seed=ctx.seed))
        doc["summary"]["interrupted"] = True   # additive key, present only when interrupted
        print(json.dumps(doc, indent=2), flush=True)
    elif records:
        print()
        print(report.summary_line(records, quick=ctx.quick, seed=ctx.seed), flush=True)
    return EXIT_INTERRUPTED


@cli_entry("w2s-check")
def main(argv: list[str] | None = None) -> int:
    """Run ``w2s-check`` with *argv* (default ``sys.argv[1:]``); return the exit status.

    Parameters
    ----------
    argv : list of str, optional

    Returns
    -------
    int
        0 no claim failed, 1 a claim failed, 2 usage error, 130 interrupted,
        141 stdout closed (see :data:`DESCRIPTION`).

    Examples
    --------
    >>> main(["--module", "w2s_theory.rmt", "--list", "rmt.quadratic-root"])  # doctest: +ELLIPSIS
    rmt.quadratic-root...high-precision Marchenko & Pastur 1967...
    0
    """
    args = build_parser().parse_args(argv)
    try:
        claims = _claims_for(args.module)
    except ImportError as exc:
        print(f"w2s-check: cannot import {exc.name or args.module}: {exc}", file=sys.stderr)
        return 2
    problems = unmatched(claims, args.patterns)
    if problems or not claims:
        for msg in problems or [f"no claims found in {', '.join(args.module) or 'w2s_theory'}"]:
            print(f"w2s-check: {msg}", file=sys.stderr)
        return 2
    if args.list:
        for c in select(claims, args.patterns):
            print(f"{c.id:<40} {c.method:<14} {c.source}")
        return 0
    ctx = Context(quick=args.quick, seed=args.seed)
    records: list[dict] = []
    if args.json:
        try:
            run(args.patterns, ctx, progress=records.append, claims=claims)
        except KeyboardInterrupt:
            return _interrupted(records, ctx, as_json=True)
        print(report.to_json(records, quick=ctx.quick, seed=ctx.seed))
    else:  # stream each claim's block as it finishes, then the summary
        def show(r):
            records.append(r)
            print(report.format_record(r, args.verbose), flush=True)
        try:
            run(args.patterns, ctx, progress=show, claims=claims)
        except KeyboardInterrupt:
            return _interrupted(records, ctx, as_json=False)
        print()
        print(report.summary_line(records, quick=ctx.quick, seed=ctx.seed))
    return 1 if any(r["status"] == "fail" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
