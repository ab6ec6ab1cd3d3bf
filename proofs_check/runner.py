"""Run claims and turn outcomes into report records.

Execution policy (measured in ``docs/benchmarks.rst``):

* every claim runs with **one BLAS thread** (``threadpoolctl``): claims do many small
  linear-algebra calls, where OpenBLAS threads only spin; parallelism comes from
  processes instead (``jobs``), or from a Dask cluster (``dask``);
* the report is identical whatever the scheduling: each claim derives its random
  streams from ``ctx.seed`` alone, and records are returned in claim-id order;
* with a :class:`~proofs_check.cache.ResultCache`, records of unchanged claims are
  reused (see that module for what "unchanged" means).
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import importlib
import multiprocessing
import time
import traceback
import warnings

from . import index as _index
from .registry import REGISTRY, Claim, Context, discover


def select(claims: dict[str, Claim], patterns: list[str] | None) -> list[Claim]:
    """Claims whose id matches any glob in *patterns* (all if none), in id order."""
    chosen = [c for cid, c in sorted(claims.items())
              if not patterns or any(_index.matches(cid, p) for p in patterns)]
    return chosen


def load_claims(patterns: list[str] | None) -> dict[str, Claim]:
    """Import only the claims modules that *patterns* can select; return the registry.

    Without patterns this is :func:`~proofs_check.registry.discover`.  With patterns the
    static index (:mod:`proofs_check.index`) names the modules to import, so running
    ``'ridge.*'`` does not pay for importing every other mechanism.
    """
    if not patterns:
        return discover()
    try:
        modules = _index.modules_for(patterns, _index.build_index())
    except (OSError, SyntaxError):  # no readable sources (e.g. a zipped install): import all
        return discover()
    for name in modules:
        importlib.import_module(name)
    return REGISTRY


def blas_threads_limited(n: int | None = 1):
    """Context manager limiting BLAS to *n* threads (``None``: leave the library default)."""
    if n is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a core dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")


def run_claim(c: Claim, ctx: Context, blas_threads: int | None = 1) -> dict:
    """Run one claim; an exception is a failure, never a silent pass."""
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings(), blas_threads_limited(blas_threads):
            warnings.simplefilter("ignore", category=UserWarning)
            out = c.run(ctx)
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


def _run_by_id(claim_id: str, ctx: Context, modules: tuple[str, ...],
               blas_threads: int | None = 1) -> dict:
    """Worker entry point: make sure the claim is registered here, then run it."""
    if claim_id not in REGISTRY:
        for name in modules:
            importlib.import_module(name)
        if claim_id not in REGISTRY:
            discover()
    return run_claim(REGISTRY[claim_id], ctx, blas_threads)


def worker_failed(c: Claim, exc: BaseException) -> dict:
    """The record of a claim whose worker died (e.g. out of memory): a failure, with the cause."""
    return dict(id=c.id, title=c.title, source=c.source, method=c.method, domain=c.domain,
                points=0, worst=float("inf"), worst_kind="error", status="fail", seconds=0.0,
                detail=f"worker failed: {type(exc).__name__}: {exc}",
                traceback="".join(traceback.format_exception(exc)))


def _pool_context():
    # fork reuses the parent's imported modules (SymPy sources are costly to rebuild);
    # where fork is unavailable the worker imports what it needs (_run_by_id).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run(patterns: list[str] | None = None, ctx: Context | None = None,
        progress=None, *, jobs: int = 1, cache=None, client=None,
        blas_threads: int | None = 1) -> list[dict]:
    """Run the selected claims; return their records in claim-id order.

    Parameters
    ----------
    patterns : list of str, optional
        Claim-id globs; all claims if empty.
    ctx : Context, optional
        Quick mode and root seed.
    progress : callable, optional
        Called with each record, in id order, as soon as it and all before it are done.
    jobs : int
        Worker processes (1 runs in this process).
    cache : proofs_check.cache.ResultCache, optional
        Reuse and store records of unchanged claims.
    client : dask.distributed.Client, optional
        Run the claims on this Dask cluster instead of local processes.
    blas_threads : int or None
        BLAS threads inside each claim (default 1; ``None`` keeps the library default).
    """
    ctx = ctx or Context()
    if jobs < 1:
        raise ValueError(f"jobs must be a positive integer; got {jobs!r}")
    rows = _index.catalogue(cache)
    chosen = [rows[cid] for cid in sorted(rows)
              if not patterns or any(_index.matches(cid, p) for p in patterns)]
    done: dict[str, dict] = {}
    order = [c.id for c in chosen]
    emitted = 0

    def finished(rec):
        nonlocal emitted
        done[rec["id"]] = rec
        while emitted < len(order) and order[emitted] in done:
            if progress is not None:
                progress(done[order[emitted]])
            emitted += 1

    todo = []
    for row in chosen:
        hit = cache.get(row.id, quick=ctx.quick, seed=ctx.seed, module=row.module) if cache else None
        if hit is not None:
            finished(hit)
            continue
        if row.id not in REGISTRY:        # import only what must run
            importlib.import_module(row.module)
        if row.id not in REGISTRY:
            raise RuntimeError(f"claim {row.id!r} is indexed in {row.module} but not registered "
                               "there (the static index and the decorators disagree)")
        todo.append(REGISTRY[row.id])
    if cache is not None:   # longest first: the slowest claim should not start last
        last = cache.timings()
        todo.sort(key=lambda c: -last.get(f"{c.id}|{int(ctx.quick)}", 0.0))
    modules = tuple(sorted({c.module for c in todo}))

    def store(rec, c):
        if cache is not None:
            cache.put(c.id, quick=ctx.quick, seed=ctx.seed, record=rec, module=c.module)
        finished(rec)

    if client is not None:
        from .parallel import run_on_dask
        for c, rec in run_on_dask(client, todo, ctx, modules, blas_threads):
            store(rec, c)
    elif jobs == 1 or len(todo) <= 1:
        for c in todo:
            store(run_claim(c, ctx, blas_threads), c)
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(todo)),
                                                    mp_context=_pool_context()) as pool:
            futures = {pool.submit(_run_by_id, c.id, ctx, modules, blas_threads): c
                       for c in todo}
            for fut in concurrent.futures.as_completed(futures):
                c = futures[fut]
                try:
                    rec = fut.result()
                except Exception as exc:
                    rec = worker_failed(c, exc)
                store(rec, c)
    if cache is not None:
        cache.save_timings(list(done.values()), ctx.quick)
    return [done[i] for i in order]
