"""Parameter sweeps of seeded simulations: local processes or a Dask cluster, resumable.

A sweep is a grid of parameters times a number of trials.  Each *task* is one grid
point and one trial, and runs ``func(params, seed)`` — a pure function of its
arguments returning a dict of scalar outputs.  The trial's seed is
``SeedSequence(root_seed, spawn_key=(trial,))``: it does not depend on the grid point
(common random numbers across the grid make differences between points sharper)
nor on where or when the task runs, so results are identical whatever the executor.

Results come back as an :class:`xarray.Dataset` with one dimension per grid
parameter plus ``trial``; for each output ``y`` it holds the raw ``y`` (all trials),
``y_mean`` and ``y_se`` (standard error over trials).  With ``store=DIR`` every
finished task is written to ``DIR`` at once (atomically), and a later call with the
same sweep resumes without redoing them — after a kill, say.

Examples
--------
>>> import numpy as np
>>> from w2s_theory.sweep import sweep
>>> def noisy_square(params, seed):
...     rng = np.random.default_rng(seed)
...     return {"y": params["x"] ** 2 + 0.01 * rng.standard_normal()}
>>> ds = sweep(noisy_square, {"x": [1.0, 2.0]}, trials=4, executor="serial", progress=False)
>>> ds["y_mean"].dims, ds["y"].shape
(('x',), (2, 4))
>>> bool(abs(ds["y_mean"].sel(x=2.0) - 4.0) < 0.05)
True
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import pathlib
import tempfile
from typing import Callable, Mapping, Sequence

import numpy as np

__all__ = ["sweep", "save", "task_seed", "local_cluster", "LOCAL_CLUSTER_CONFIG"]

_MANIFEST = "sweep.json"


def task_seed(root_seed: int, trial: int) -> np.random.SeedSequence:
    """The seed of trial *trial*: ``SeedSequence(root_seed, spawn_key=(trial,))``.

    It depends neither on the grid point nor on where the task runs (common random
    numbers across the grid).

    Parameters
    ----------
    root_seed : int >= 0
        Root entropy of the sweep.
    trial : int >= 0
        Trial index.

    Returns
    -------
    numpy.random.SeedSequence

    Examples
    --------
    >>> s = task_seed(0, 3)
    >>> s.spawn_key
    (3,)
    >>> bool(np.random.default_rng(s).random() == np.random.default_rng(task_seed(0, 3)).random())
    True
    """
    return np.random.SeedSequence(root_seed, spawn_key=(trial,))


def _validate(grid, trials, root_seed):
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError("grid must be a non-empty mapping {name: sequence of values}")
    clean = {}
    for name, values in grid.items():
        if not isinstance(name, str) or not name.isidentifier() or name == "trial":
            raise ValueError(f"grid: parameter names must be identifiers other than 'trial'; "
                             f"got {name!r}")
        vals = list(np.atleast_1d(np.asarray(values)).tolist())
        if not vals or len(set(vals)) != len(vals):
            raise ValueError(f"grid[{name!r}] must be a non-empty sequence of distinct values")
        clean[name] = vals
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ValueError(f"trials must be a positive integer; got {trials!r}")
    if isinstance(root_seed, bool) or not isinstance(root_seed, (int, np.integer)) or root_seed < 0:
        raise ValueError(f"root_seed must be a non-negative integer; got {root_seed!r}")
    return clean, int(trials), int(root_seed)


def _spec(func, grid, trials, root_seed):
    return {"func": f"{func.__module__}.{func.__qualname__}", "grid": grid, "trials": trials,
            "root_seed": root_seed}


def _task_name(point: dict, trial: int) -> str:
    key = json.dumps({"point": point, "trial": trial}, sort_keys=True)
    return "task-" + hashlib.sha256(key.encode()).hexdigest()[:24] + ".json"


def _atomic_write(path: pathlib.Path, data) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def _run_task(func, point, trial, root_seed):
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1, user_api="blas"):   # parallelism comes from processes
        out = func(dict(point), task_seed(root_seed, trial))
    if not isinstance(out, Mapping) or not out:
        raise TypeError(f"{func.__qualname__} must return a non-empty dict of scalars; got {out!r}")
    clean = {}
    for k, v in out.items():
        v = float(v)
        clean[str(k)] = v
    return clean


def _run_tasks(func, tasks, root_seed):
    return [_run_task(func, p, t, root_seed) for p, t in tasks]


def _open_store(store, spec):
    store = pathlib.Path(store)
    store.mkdir(parents=True, exist_ok=True)
    manifest = store / _MANIFEST
    if manifest.exists():
        old = json.loads(manifest.read_text())
        if old != json.loads(json.dumps(spec)):
            raise ValueError(f"store {store} holds another sweep ({old['func']}, other grid, "
                             "trials or seed); use a new directory")
    else:
        _atomic_write(manifest, spec)
    done = {}
    for path in store.glob("task-*.json"):
        try:
            rec = json.loads(path.read_text())
            done[path.name] = rec["outputs"]
        except (OSError, ValueError, KeyError):
            continue   # a damaged task file is simply redone
    return store, done


#: Dask settings of :func:`local_cluster`.  The event-loop tick (every 20 ms), the statistical
#: profiler (a sample every 10 ms), the system monitor and the memory monitor only feed the
#: dashboard and "event loop blocked" warnings; with CPU-bound single-threaded tasks on a
#: 2-core machine they cost about 6 % of each worker's CPU and 0.7 CPU-s of the client's per
#: 200-task sweep (docs/benchmarks.rst).
LOCAL_CLUSTER_CONFIG = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.worker.profile.enabled": False,
}


@contextlib.contextmanager
def local_cluster(n_workers: int):
    """A Dask client on a new ``LocalCluster`` of single-threaded worker processes.

    One thread per worker (parallelism comes from processes, as in ``w2s-check -j``), no
    dashboard, and the low-overhead monitoring settings :data:`LOCAL_CLUSTER_CONFIG`.
    Needs the ``dask`` extra.

    Parameters
    ----------
    n_workers : int ≥ 1

    Yields
    ------
    distributed.Client

    Examples
    --------
    >>> from w2s_theory.ridge.experiments import scaling_task
    >>> with local_cluster(2) as client:                       # doctest: +SKIP
    ...     ds = sweep(scaling_task, {"d": [200, 400]}, 4, executor=client)
    """
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be an integer >= 1; got {n_workers!r}")
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise RuntimeError("Dask is not installed: pip install 'w2s_theory[dask]'") from exc
    with dask.config.set(LOCAL_CLUSTER_CONFIG), \
            LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def sweep(func: Callable[[dict, np.random.SeedSequence], Mapping[str, float]],
          grid: Mapping[str, Sequence], trials: int, *, root_seed: int = 0,
          executor="process", jobs: int | None = None, store=None, progress: bool = True):
    """Run ``func`` on every grid point × trial; return an :class:`xarray.Dataset`.

    Parameters
    ----------
    func : callable
        ``func(params: dict, seed: numpy.random.SeedSequence) -> {name: float}``; must be
        a module-level function (it is pickled to worker processes).
    grid : mapping
        ``{parameter name: sequence of distinct values}``; the Dataset's dimensions, in order.
    trials : int
        Independent repetitions per grid point (dimension ``trial``).
    root_seed : int
        Seeds are ``SeedSequence(root_seed, spawn_key=(trial,))``.
    executor : {"process", "serial"} or dask.distributed.Client
        Local process pool (default), this process, or a Dask cluster.
    jobs : int, optional
        Processes for ``"process"`` (default: number of CPUs).
    store : path-like, optional
        Directory of finished tasks; an interrupted sweep resumes from it.
    progress : bool
        Show a progress bar (tqdm) over tasks.

    Returns
    -------
    xarray.Dataset
        Raw outputs with dims ``(*grid, "trial")``; ``<name>_mean`` and ``<name>_se`` over
        trials (SE = sample standard deviation / √trials; NaN for one trial).

    Raises
    ------
    ValueError
        If grid, trials, root_seed or executor is invalid, or a store holds another sweep.

    Examples
    --------
    >>> def line(params, seed):
    ...     return {"y": 2 * params["x"] + np.random.default_rng(seed).standard_normal()}
    >>> ds = sweep(line, {"x": [0.0, 1.0, 2.0]}, trials=3, executor="serial", progress=False)
    >>> ds["y"].dims, ds["y_mean"].values.round(4)
    (('x', 'trial'), array([1.0636, 3.0636, 5.0636]))
    >>> (ds["y"].sel(x=2.0) - ds["y"].sel(x=0.0)).values.round(12)   # same seeds: exactly 4
    array([4., 4., 4.])
    """
    import xarray as xr

    grid, trials, root_seed = _validate(grid, trials, root_seed)
    spec = _spec(func, grid, trials, root_seed)
    names = list(grid)
    points = [dict(zip(names, combo)) for combo in itertools.product(*grid.values())]
    tasks = [(p, t) for p in points for t in range(trials)]
    done: dict[str, dict] = {}
    if store is not None:
        store, done = _open_store(store, spec)
    todo = [(p, t) for p, t in tasks if _task_name(p, t) not in done]

    bar = None
    if progress and todo:
        try:
            from tqdm import tqdm
            bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), unit="task",
                       desc=func.__qualname__)
        except ImportError:
            bar = None

    def finish(p, t, out):
        name = _task_name(p, t)
        done[name] = out
        if store is not None:
            _atomic_write(store / name, {"point": p, "trial": t, "outputs": out})
        if bar is not None:
            bar.update(1)

    try:
        if executor == "serial":
            for p, t in todo:
                finish(p, t, _run_task(func, p, t, root_seed))
        elif executor == "process":
            ctx = multiprocessing.get_context(
                "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
            with concurrent.futures.ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1,
                                                        mp_context=ctx) as pool:
                futs = {pool.submit(_run_task, func, p, t, root_seed): (p, t) for p, t in todo}
                for fut in concurrent.futures.as_completed(futs):
                    finish(*futs[fut], fut.result())
        elif hasattr(executor, "submit") and hasattr(executor, "gather"):   # a Dask client
            from distributed import as_completed
            # one Dask task per grid point (its unfinished trials): the scheduler's per-task
            # overhead is paid once per point, not once per trial; seeds are unchanged
            groups: dict[str, list] = {}
            for p, t in todo:
                groups.setdefault(json.dumps(p, sort_keys=True), []).append((p, t))
            futs = {executor.submit(_run_tasks, func, grp, root_seed, pure=False): grp
                    for grp in groups.values()}
            for fut in as_completed(list(futs)):
                for (p, t), out in zip(futs[fut], fut.result()):
                    finish(p, t, out)
        else:
            raise ValueError("executor must be 'process', 'serial' or a dask.distributed.Client; "
                             f"got {executor!r}")
    finally:
        if bar is not None:
            bar.close()

    outputs = sorted({k for out in done.values() for k in out})
    shape = [len(grid[n]) for n in names] + [trials]
    data = {k: np.full(shape, np.nan) for k in outputs}
    index = {n: {v: i for i, v in enumerate(grid[n])} for n in names}
    for p, t in tasks:
        out = done[_task_name(p, t)]
        where = tuple(index[n][p[n]] for n in names) + (t,)
        for k in outputs:
            data[k][where] = out.get(k, np.nan)
    dims = names + ["trial"]
    coords = {**{n: grid[n] for n in names}, "trial": np.arange(trials)}
    ds = xr.Dataset({k: (dims, v) for k, v in data.items()}, coords=coords)
    for k in outputs:
        ds[f"{k}_mean"] = ds[k].mean("trial")
        ds[f"{k}_se"] = ds[k].std("trial", ddof=1) / math.sqrt(trials) if trials > 1 \
            else ds[k].mean("trial") * np.nan
    ds.attrs.update(func=spec["func"], root_seed=root_seed, trials=trials,
                    seeding="SeedSequence(root_seed, spawn_key=(trial,))")
    return ds


def save(ds, path) -> pathlib.Path:
    """Write a sweep Dataset to netCDF (``.nc``) or Zarr (``.zarr``), by the path's suffix.

    netCDF uses the netCDF4 library when installed and SciPy's netCDF-3 writer
    otherwise; Zarr needs the ``zarr`` package.

    Parameters
    ----------
    ds : xarray.Dataset
        A sweep result (any Dataset).
    path : path-like
        Target ending in ``.nc`` or ``.zarr``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If the suffix is neither ``.nc`` nor ``.zarr``, or zarr is missing for ``.zarr``.

    Examples
    --------
    >>> import tempfile, xarray as xr
    >>> def const(params, seed):
    ...     return {"y": params["x"]}
    >>> ds = sweep(const, {"x": [1.0, 2.0]}, trials=2, executor="serial", progress=False)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save(ds, pathlib.Path(tmp) / "sweep.nc")
    ...     back = xr.load_dataset(out)
    >>> out.name, back["y_mean"].values
    ('sweep.nc', array([1., 2.]))
    >>> save(ds, "sweep.csv")
    Traceback (most recent call last):
    ...
    ValueError: path must end in .nc (netCDF) or .zarr (Zarr); got 'sweep.csv'
    """
    path = pathlib.Path(path)
    if path.suffix == ".nc":
        try:
            import netCDF4  # noqa: F401
            engine = "netcdf4"
        except ImportError:
            engine = "scipy"
        ds.to_netcdf(path, engine=engine)
    elif path.suffix == ".zarr":
        try:
            import zarr  # noqa: F401
        except ImportError as exc:
            raise ValueError("saving to .zarr needs the zarr package (pip install zarr)") from exc
        ds.to_zarr(path, mode="w")
    else:
        raise ValueError(f"path must end in .nc (netCDF) or .zarr (Zarr); got {path.name!r}")
    return path
