"""Benchmarks for the foundation (numbers go in docs/benchmarks.rst).

    python benchmarks/bench_ridge.py            # full: naive solve of all 1600 grid points
    python benchmarks/bench_ridge.py --quick    # naive cost measured on 4 rows of the grid

1. 40×40 (λ_T, λ_S) grid at d = 1000 (φ = 0.5, ψ = 2): spectral reuse (one
   eigendecomposition per design, ``simulate_ridge``) vs one linear solve per
   grid point (``simulate_ridge_naive``), same draws, same run.
2. ``student_error`` on 10⁶ random parameter points (numpy).
3. Full Thm 5 classification (``student_win_region``) of one point at 50 digits.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import platform
import sys
import time

import mpmath
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))   # run from a checkout

from w2s_theory import ridge  # noqa: E402
from w2s_theory.simulate import simulate_ridge, simulate_ridge_naive  # noqa: E402


def best_of(f, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="time the naive method on 4 of 40 rows")
    ap.add_argument("--json", help="write results to this file")
    args = ap.parse_args(argv)
    res = {"machine": platform.machine(), "python": platform.python_version(),
           "numpy": np.__version__}

    d, k = 1000, 40
    lam_T, lam_S = np.logspace(-3, 1, k), np.logspace(-3, 2, k)
    common = (d, 0.5, 2.0)
    t_fast = best_of(lambda: simulate_ridge(*common, lam_T, lam_S, 0.5, 1.0, trials=2, seed=0,
                                            average="sample"), 3) / 2  # per trial
    rows = 4 if args.quick else k
    t0 = time.perf_counter()
    simulate_ridge_naive(*common, lam_T[:rows], lam_S, 0.5, 1.0, seed=0)
    t_naive = (time.perf_counter() - t0) * k / rows
    res["grid"] = dict(d=d, grid=f"{k}x{k}", spectral_reuse_s=t_fast, naive_s=t_naive,
                       naive_rows_timed=rows, speedup=t_naive / t_fast)
    print(f"40x40 grid, d=1000: spectral reuse {t_fast:.3f} s, naive {t_naive:.1f} s "
          f"({'extrapolated from ' + str(rows) + ' rows' if rows < k else 'all points'}); "
          f"speedup {t_naive / t_fast:.0f}x")

    rng = np.random.default_rng(0)
    pts = [10 ** rng.uniform(-3, 3, 10**6) for _ in range(6)]
    ridge.student_error(*[p[:10] for p in pts])  # lambdify once
    t_vec = best_of(lambda: ridge.student_error(*pts), 5)
    res["student_error_1e6_s"] = t_vec
    print(f"student_error on 1e6 points: {t_vec:.3f} s")

    with mpmath.workdps(50):
        a = [mpmath.mpf(x) for x in ("1", "2", "0.2", "1", "1")]
        ridge.student_win_region(*a)  # lambdify once
        t_mp = best_of(lambda: ridge.student_win_region(*a), 20)
    res["thm5_classify_50_digits_s"] = t_mp
    print(f"Thm 5 classification of one point at 50 digits: {t_mp * 1e3:.1f} ms")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=2)
    return res


if __name__ == "__main__":
    main()
