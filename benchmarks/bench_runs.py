"""How long verification runs take, each against the naive way, side by side in one run.

    python benchmarks/bench_runs.py [--json FILE] [--skip-full]

Measures (wall time, best of ``--repeat``):

1. ``w2s-check --quick``: library-default BLAS threads, one process (the old behaviour)
   vs one BLAS thread, one process vs one BLAS thread and ``-j 2``; each also with two
   other CPU-bound processes running (the "busy machine" case);
2. full ``w2s-check -j 2`` (unless ``--skip-full``), and a second, unchanged run (cache);
3. ``w2s-check --list``: cold (fresh cache dir) vs warm;
4. a 200-task sweep: serial vs a 2-worker Dask ``LocalCluster`` (results compared
   bit for bit);
5. one scalar ``ridge.student_error`` call: the fast path vs the general (array) path.

Runs from a checkout without installation (the repository root is put on ``sys.path``).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time
import timeit

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _check(args, env_extra=None, cache_dir=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.update(env_extra or {})
    cmd = [sys.executable, "-m", "proofs_check", *args]
    if cache_dir is not None:
        cmd += ["--cache-dir", str(cache_dir)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return elapsed


def _hog(stop):
    x = 0
    while not stop.is_set():
        x += 1


class Busy:
    """Two other CPU-bound processes for the duration of the block."""

    def __enter__(self):
        self.stop = multiprocessing.Event()
        self.procs = [multiprocessing.Process(target=_hog, args=(self.stop,)) for _ in range(2)]
        for p in self.procs:
            p.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for p in self.procs:
            p.join()


def best(f, repeat):
    return min(f() for _ in range(repeat))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", help="write the numbers to this file")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--skip-full", action="store_true", help="skip the full (non-quick) run")
    args = ap.parse_args(argv)
    res = {"machine": platform.machine(), "cpus": os.cpu_count(),
           "python": platform.python_version(), "load_before": os.getloadavg()}
    quick = {
        "default BLAS threads, -j 1": ["--quick", "--no-cache", "-j", "1", "--blas-threads", "0"],
        "1 BLAS thread, -j 1": ["--quick", "--no-cache", "-j", "1"],
        "1 BLAS thread, -j 2": ["--quick", "--no-cache", "-j", "2"],
    }
    for label, a in quick.items():
        res[f"quick: {label}"] = best(lambda: _check(a), args.repeat)
        print(f"w2s-check quick, {label}: {res[f'quick: {label}']:.1f} s", flush=True)
        with Busy():
            res[f"quick busy: {label}"] = best(lambda: _check(a), args.repeat)
        print(f"  with two CPU-bound processes running: {res[f'quick busy: {label}']:.1f} s",
              flush=True)

    with tempfile.TemporaryDirectory() as cache:
        if not args.skip_full:
            res["full -j 2 (first run)"] = _check(["-j", "2"], cache_dir=cache)
            print(f"w2s-check full -j 2: {res['full -j 2 (first run)']:.1f} s", flush=True)
            res["full, second unchanged run"] = _check(["-j", "2"], cache_dir=cache)
            print(f"  second, unchanged run: {res['full, second unchanged run']:.2f} s")
        else:
            _check(["--quick", "-j", "2"], cache_dir=cache)
            res["quick, second unchanged run"] = _check(["--quick", "-j", "2"], cache_dir=cache)
            print(f"quick, second unchanged run: {res['quick, second unchanged run']:.2f} s")
    with tempfile.TemporaryDirectory() as cache:
        res["--list cold"] = _check(["--list"], cache_dir=cache)
        res["--list warm"] = best(lambda: _check(["--list"], cache_dir=cache), 3)
    print(f"--list: cold {res['--list cold']:.2f} s, warm {res['--list warm']:.2f} s", flush=True)

    import numpy as np

    from w2s_theory.ridge.experiments import scaling_task
    from w2s_theory.sweep import local_cluster, sweep
    grid = {"d": [400, 500, 600, 700, 800], "lam_S": [0.3, 1.0, 3.0, 10.0]}   # 20 points x 10
    t0 = time.perf_counter()
    serial = sweep(scaling_task, grid, 10, executor="serial", progress=False)
    t_serial = time.perf_counter() - t0
    with local_cluster(2) as client:
        import importlib   # workers up, package imported, before the clock starts
        client.run(importlib.import_module, "w2s_theory.ridge.experiments")
        t0 = time.perf_counter()
        dist = sweep(scaling_task, grid, 10, executor=client, progress=False)
        t_dask = time.perf_counter() - t0
    same = bool(np.array_equal(serial["E_S"].values, dist["E_S"].values))
    res["sweep 200 tasks"] = dict(serial_s=t_serial, dask_2_workers_s=t_dask,
                                  throughput_ratio=t_serial / t_dask, bit_identical=same)
    print(f"sweep, 200 tasks: serial {t_serial:.1f} s, LocalCluster(2) {t_dask:.1f} s "
          f"({t_serial / t_dask:.2f}x), bit-identical: {same}", flush=True)

    from w2s_theory import ridge
    pt = (0.5, 2.0, 0.1, 1.0, 0.5, 1.0)
    arr = [np.array([v]) for v in pt]
    ridge.student_error(*pt), ridge.student_error(*arr)
    fast = min(timeit.repeat(lambda: ridge.student_error(*pt), number=2000, repeat=5)) / 2000
    slow = min(timeit.repeat(lambda: ridge.student_error(*arr), number=200, repeat=5)) / 200
    res["scalar call"] = dict(fast_us=fast * 1e6, general_us=slow * 1e6, ratio=slow / fast)
    print(f"scalar student_error: {fast * 1e6:.1f} us fast path, {slow * 1e6:.1f} us general "
          f"path ({slow / fast:.0f}x)")
    res["load_after"] = os.getloadavg()
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(res, indent=2))
    return res


if __name__ == "__main__":
    main()
