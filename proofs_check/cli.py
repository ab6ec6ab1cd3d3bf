"""``w2s-check``: the command line of the claim registry (options: :func:`build_parser`).

DESCRIPTION, below, is its help text, plain text for the terminal.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from w2s_theory._cli_common import DEFAULT_SEED, EXIT_INTERRUPTED, cli_entry, seed_arg

from . import __version__, report, sensitivity
from .patterns import matches, unmatched
from .registry import Context, discover_modules
from .runner import run

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
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: number of CPUs); the report does not "
                        "depend on it")
    p.add_argument("--blas-threads", type=int, default=1,
                   help="BLAS threads inside each claim (default 1: claims do many small "
                        "matrix operations, where threads only spin; 0 keeps the library default)")
    p.add_argument("--no-cache", action="store_true",
                   help="neither reuse nor store records of unchanged claims")
    p.add_argument("--cache-dir", default=os.environ.get("W2S_CACHE_DIR"),
                   help="result cache directory (default: $W2S_CACHE_DIR or the user cache dir)")
    p.add_argument("--dask", metavar="local:N",
                   help="run claims on a new Dask LocalCluster of N workers")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run claims on the Dask cluster at ADDRESS")
    # mutation analysis (proofs_check.mutation); PATTERNs then select mutants
    p.add_argument("--mutants", action="store_true",
                   help="run the mutation analysis (kill matrix, survivors, sensitivities); "
                        "never uses the result cache")
    p.add_argument("--workers", type=int, default=2, help="processes for --mutants (default 2)")
    p.add_argument("--claims", action="append", default=[], metavar="GLOB",
                   help="with --mutants: consider only these claims (repeatable)")
    p.add_argument("--full-matrix", action="store_true",
                   help="with --mutants: run every dependent claim, not up to the first kill")
    p.add_argument("--no-save", action="store_true",
                   help="with --mutants: do not store the sensitivities")
    p.add_argument("--sensitivity-file", default=None,
                   help="where --mutants stores and --json reads claim sensitivities")
    # certification (proofs_check.certify, needs python-flint); never uses the result cache
    p.add_argument("--certify", action="store_true",
                   help="run the certified claims (matching PATTERN) and write their certificates")
    p.add_argument("--certificates", metavar="DIR", help="directory for --certify certificates")
    p.add_argument("--verify-certificates", metavar="DIR",
                   help="re-check the certificates in DIR with the standalone verifier")
    return p


def _claims_for(modules: list[str], cache):
    """What to select from: ``(rows, claims)``.

    Without ``--module``: the package's claims from the static index (and entry points),
    ``claims=None`` so that the runner imports only what must run.  With it: the claims of
    the given modules.
    """
    if not modules:
        from .index import catalogue
        return catalogue(cache), None
    if os.getcwd() not in sys.path:  # like python -m: a package in the current directory
        sys.path.append(os.getcwd())
    claims = discover_modules(modules)
    return claims, claims


def _client(args):
    import contextlib
    if not (args.dask or args.scheduler):
        return contextlib.nullcontext()
    from .parallel import dask_client
    return dask_client(args.dask, args.scheduler)


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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive integer; got {args.jobs}")
    if args.blas_threads < 0:
        parser.error(f"--blas-threads must be >= 0; got {args.blas_threads}")
    if args.dask and args.scheduler:
        parser.error("give --dask or --scheduler, not both")
    if args.mutants:
        from . import mutation
        return mutation.main(args)
    if args.verify_certificates or args.certify:
        from .certify import cli as certify_cli  # python-flint is imported only from here
        if args.verify_certificates:
            return certify_cli.verify_main(args.verify_certificates)
        return certify_cli.certify_main(args.patterns, Context(quick=args.quick, seed=args.seed),
                                        args.certificates, args.json)
    cache = None
    # cached records were computed with one BLAS thread; other thread counts may round differently
    if not args.no_cache and args.blas_threads == 1:
        from .cache import ResultCache
        cache = ResultCache(args.cache_dir)
    try:
        rows, claims = _claims_for(args.module, cache)
    except ImportError as exc:
        print(f"w2s-check: cannot import {exc.name or args.module}: {exc}", file=sys.stderr)
        return 2
    problems = unmatched(rows, args.patterns)
    if problems or not rows:
        for msg in problems or [f"no claims found in {', '.join(args.module) or 'w2s_theory'}"]:
            print(f"w2s-check: {msg}", file=sys.stderr)
        return 2
    if args.list:
        for cid in sorted(rows):
            c = rows[cid]
            if not args.patterns or any(matches(cid, p) for p in args.patterns):
                print(f"{c.id:<40} {c.method:<14} {c.source}")
        return 0
    ctx = Context(quick=args.quick, seed=args.seed)
    kw = dict(claims=claims, jobs=args.jobs, cache=cache,
              blas_threads=None if args.blas_threads == 0 else args.blas_threads)
    records: list[dict] = []
    with _client(args) as client:
        kw["client"] = client
        if args.json:
            try:
                run(args.patterns, ctx, progress=records.append, **kw)
            except KeyboardInterrupt:
                return _interrupted(records, ctx, as_json=True)
            sensitivity.fill(records, args.sensitivity_file)
            print(report.to_json(records, quick=ctx.quick, seed=ctx.seed))
        else:  # stream each claim's block in id order as it finishes, then the summary
            from ._progress_bar import ClaimProgress
            with ClaimProgress(enabled=sys.stdout.isatty()) as bar:
                def show(r):
                    records.append(r)
                    bar.emit(report.format_record(r, args.verbose))
                try:
                    run(args.patterns, ctx, progress=show, **kw)
                except KeyboardInterrupt:
                    bar.close()
                    return _interrupted(records, ctx, as_json=False)
            print()
            print(report.summary_line(records, quick=ctx.quick, seed=ctx.seed))
            if cache is not None:
                n = sum(bool(r.get("cached")) for r in records)
                print(f"{n} of {len(records)} record(s) reused from the cache in "
                      f"{cache.directory} (--no-cache to rerun everything)")
    return 1 if any(r["status"] == "fail" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
