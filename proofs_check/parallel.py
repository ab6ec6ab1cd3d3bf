"""Distributing claims over a Dask cluster (optional extra ``dask``).

``w2s-check --dask local:N`` starts a :class:`dask.distributed.LocalCluster` of N
single-threaded worker processes; ``--scheduler ADDRESS`` connects to a running one
(every worker must have the same version of ``w2s_theory`` installed).  Each claim is
one task; results come back as ordinary records, so the report does not depend on
where a claim ran.
"""
from __future__ import annotations

import contextlib


def _require_distributed():
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise RuntimeError("Dask is not installed: pip install 'w2s_theory[dask]'") from exc


@contextlib.contextmanager
def dask_client(spec: str | None = None, scheduler: str | None = None):
    """A Dask client for ``spec`` = ``"local:N"`` (a new LocalCluster) or a scheduler address.

    Examples
    --------
    >>> with dask_client("local:2") as client:          # doctest: +SKIP
    ...     client.submit(sum, [1, 2]).result()
    3
    """
    _require_distributed()
    from distributed import Client
    if (spec is None) == (scheduler is None):
        raise ValueError("give exactly one of a 'local:N' spec or a scheduler address")
    if scheduler is not None:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    kind, _, n = spec.partition(":")
    if kind != "local" or not n.isdigit() or int(n) < 1:
        raise ValueError(f"--dask must be 'local:N' with N a positive integer; got {spec!r}")
    from w2s_theory.sweep import local_cluster
    with local_cluster(int(n)) as client:
        yield client


def run_on_dask(client, claims, ctx, modules, blas_threads=1):
    """Yield ``(claim, record)`` as the cluster finishes each claim."""
    from distributed import as_completed

    from .runner import _run_by_id, worker_failed
    futures = {client.submit(_run_by_id, c.id, ctx, modules, blas_threads,
                             key=f"claim-{c.id}-{ctx.seed}", pure=False): c for c in claims}
    for fut in as_completed(list(futures)):
        c = futures[fut]
        try:
            rec = fut.result()
        except Exception as exc:
            rec = worker_failed(c, exc)
        yield c, rec
