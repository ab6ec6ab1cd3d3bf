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
from .patterns import matches
from .registry import REGISTRY, Claim, Context, Outcome, discover


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
    """Run one claim; an exception is a failure, never a silent pass.

    Parameters
    ----------
    c : Claim
    ctx : Context
    blas_threads : int or None
        BLAS threads while the claim runs (default 1; ``None``: the library default).

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
        with warnings.catch_warnings(), blas_threads_limited(blas_threads):
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


def _run_by_id(claim_id: str, ctx: Context, modules: tuple[str, ...],
               blas_threads: int | None = 1) -> dict:
    """Worker entry point: make sure the claim is registered here, then run it."""
    if claim_id not in REGISTRY:
        for name in modules:
            importlib.import_module(name)
        if claim_id not in REGISTRY:
            discover()
        if claim_id not in REGISTRY:
            raise RuntimeError(f"claim {claim_id!r} is indexed in {', '.join(modules)} but not "
                               "registered there (the static index and the decorators disagree)")
    return run_claim(REGISTRY[claim_id], ctx, blas_threads)


#: The package's shared floor, imported by the parent of a local pool before it forks (used
#: by three or more claims modules; each mechanism's own modules are imported by its worker).
SHARED_IMPORTS = ("w2s_theory._numeric", "w2s_theory._stats", "w2s_theory.rmt",
                  "w2s_theory.ridge", "w2s_theory.simulate", "scipy.optimize")


def _registered(row, registry):
    """The Claim of an index row, importing its module if it is not registered yet."""
    if row.id not in registry:
        importlib.import_module(row.module)
    if row.id not in registry:
        raise RuntimeError(f"claim {row.id!r} is indexed in {row.module} but not registered "
                           "there (the static index and the decorators disagree)")
    return registry[row.id]


def worker_failed(c: Claim, exc: BaseException) -> dict:
    """The record of a claim whose worker died (e.g. out of memory): a failure, with the cause."""
    return dict(id=c.id, title=c.title, source=c.source, method=c.method, domain=c.domain,
                points=0, worst=float("inf"), worst_kind="error", status="fail", seconds=0.0,
                detail=f"worker failed: {type(exc).__name__}: {exc}",
                traceback="".join(traceback.format_exception(exc)))


def _run_batch(claim_ids: list[str], ctx: Context, modules: tuple[str, ...],
               blas_threads: int | None = 1) -> list[dict]:
    """Worker entry point for several claims (of one module), run in order."""
    return [_run_by_id(cid, ctx, modules, blas_threads) for cid in claim_ids]


def _pool_context():
    # fork reuses the parent's imported modules (SymPy sources are costly to rebuild);
    # where fork is unavailable the worker imports what it needs (_run_by_id).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run(patterns: list[str] | None = None, ctx: Context | None = None,
        progress=None, claims: dict[str, Claim] | None = None, *, jobs: int = 1, cache=None,
        client=None, blas_threads: int | None = 1) -> list[dict]:
    """Run the selected claims; return their records in claim-id order.

    Parameters
    ----------
    patterns : list of str, optional
        Claim-id globs; all claims if empty.
    ctx : Context, optional
        Quick mode and root seed.
    progress : callable, optional
        Called with each record, in id order, as soon as it and all before it are done.
    claims : dict of str to Claim, optional
        The claims to select from (e.g. :func:`~proofs_check.registry.discover_modules`'s
        result); default: the package's claims, from the static index (importing only
        the modules whose claims must run) plus any already registered.
    jobs : int
        Worker processes (1 runs in this process).
    cache : proofs_check.cache.ResultCache, optional
        Reuse and store records of unchanged claims.
    client : dask.distributed.Client, optional
        Run the claims on this Dask cluster instead of local processes.
    blas_threads : int or None
        BLAS threads inside each claim (default 1; ``None`` keeps the library default).

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
    if jobs < 1:
        raise ValueError(f"jobs must be a positive integer; got {jobs!r}")
    if claims is None:
        rows = _index.catalogue(cache)
        registry = REGISTRY
    else:
        rows = {cid: _index.IndexedClaim(c.id, c.title, c.source, c.method, c.domain, c.module)
                for cid, c in claims.items()}
        registry = claims
    chosen = [rows[cid] for cid in sorted(rows)
              if not patterns or any(matches(cid, p) for p in patterns)]
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

    todo = []                              # index rows; Claims where they run in this process
    for row in chosen:
        hit = cache.get(row.id, quick=ctx.quick, seed=ctx.seed, module=row.module) if cache else None
        if hit is not None:
            finished(hit)
            continue
        todo.append(row)
    # Local workers import the modules of their own claims, in parallel, instead of this
    # process importing every module before the pool starts (serial).  What several
    # mechanisms import is imported here once, before the fork, so that no worker repeats it.
    in_workers = claims is None and client is None and jobs > 1 and len(todo) > 1
    if in_workers:
        if any(row.module.startswith("w2s_theory.") for row in todo):
            for name in SHARED_IMPORTS:
                importlib.import_module(name)
    else:                                  # import only what must run
        todo = [_registered(row, registry) for row in todo]
    last = cache.timings() if cache is not None else {}   # scheduling only, never results
    if cache is not None:   # longest first: the slowest claim should not start last
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
        # One task per claims module: claims of a module share cached simulations and
        # compiled evaluators, which a worker then computes once instead of once per claim.
        # (Only the package's own modules are batched: a user's claims run one task each, so
        # that Ctrl-C reports every claim that had finished.)
        batches: dict[str, list[Claim]] = {}
        for c in todo:                     # todo is already longest-first
            key = c.module if c.module.startswith("w2s_theory.") else c.id
            batches.setdefault(key, []).append(c)
        order_b = sorted(batches.values(), key=lambda cs: -sum(
            last.get(f"{c.id}|{int(ctx.quick)}", 1.0) for c in cs))
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(order_b)),
                                                      mp_context=_pool_context())
        try:
            futures = {pool.submit(_run_batch, [c.id for c in cs], ctx,
                                   tuple(dict.fromkeys(c.module for c in cs)), blas_threads): cs
                       for cs in order_b}
            for fut in concurrent.futures.as_completed(futures):
                cs = futures[fut]
                try:
                    recs = fut.result()
                except Exception as exc:
                    recs = [worker_failed(c, exc) for c in cs]
                for c, rec in zip(cs, recs):
                    store(rec, c)
        except BaseException:
            # Ctrl-C (or any error here): stop the workers now instead of waiting for them
            workers = getattr(pool, "_processes", None) or {}
            for proc in list(workers.values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    if cache is not None:
        cache.save_timings(list(done.values()), ctx.quick)
    return [done[i] for i in order]
