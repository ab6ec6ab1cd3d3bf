"""``w2s-check``: run the claim registry and report.

Exit status: 0 when no claim fails (``discrepancy`` is not a failure),
1 when any claim fails, 2 for usage errors (e.g. no claim matches).
"""
from __future__ import annotations

import argparse
import os
import sys

from . import report
from .registry import Context
from .runner import run


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
    return p


def _selected(patterns, cache):
    """Report fields of the claims *patterns* select, from the index (few or no imports)."""
    from . import index
    rows = index.catalogue(cache)
    return [rows[cid] for cid in sorted(rows)
            if not patterns or any(index.matches(cid, p) for p in patterns)]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive integer; got {args.jobs}")
    if args.blas_threads < 0:
        parser.error(f"--blas-threads must be >= 0; got {args.blas_threads}")
    if args.dask and args.scheduler:
        parser.error("give --dask or --scheduler, not both")
    cache = None
    # cached records were computed with one BLAS thread; other thread counts may round differently
    if not args.no_cache and args.blas_threads == 1:
        from .cache import ResultCache
        cache = ResultCache(args.cache_dir)
    selected = _selected(args.patterns, cache)
    if args.list:
        for c in selected:
            print(f"{c.id:<40} {c.method:<14} {c.source}")
        return 0
    if not selected:
        print(f"w2s-check: no claim matches {args.patterns}", file=sys.stderr)
        return 2
    ctx = Context(quick=args.quick, seed=args.seed)
    with _client(args) as client:
        records = _run(args, ctx, cache, client)
    return 1 if any(r["status"] == "fail" for r in records) else 0


def _client(args):
    import contextlib
    if not (args.dask or args.scheduler):
        return contextlib.nullcontext()
    from .parallel import dask_client
    return dask_client(args.dask, args.scheduler)


def _run(args, ctx, cache, client):
    kw = dict(jobs=args.jobs, cache=cache, client=client,
              blas_threads=None if args.blas_threads == 0 else args.blas_threads)
    if args.json:
        records = run(args.patterns, ctx, **kw)
        print(report.to_json(records, quick=ctx.quick, seed=ctx.seed))
        return records
    # text: stream each claim's block in id order as it finishes, then the summary
    from ._progress_bar import ClaimProgress
    with ClaimProgress(enabled=sys.stdout.isatty()) as bar:
        records = run(args.patterns, ctx, progress=lambda r: bar.emit(
            report.format_record(r, args.verbose)), **kw)
    print()
    print(report.summary_line(records, quick=ctx.quick, seed=ctx.seed))
    if cache is not None:
        n = sum(bool(r.get("cached")) for r in records)
        print(f"{n} of {len(records)} record(s) reused from the cache in {cache.directory} "
              "(--no-cache to rerun everything)")
    return records


if __name__ == "__main__":
    sys.exit(main())
