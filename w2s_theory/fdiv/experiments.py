"""``w2s experiment fdiv-w2s``: weak-to-strong training with each f-divergence loss.

Reports, per loss: performance gap recovered (PGR) with standard errors over
seeds, with and without symmetric label noise (and as a curve over the noise
level, on fresh seeds); the same in the realizable
setting (teacher inside the student class); and the excess-risk decay in
``n`` as a fitted rate with a 95% confidence interval.  Model:
:mod:`w2s_theory.fdiv.w2s`.
"""
from __future__ import annotations

import math

import numpy as np

from .._progress import progress
from .._registry import experiment
from .divergences import DIVERGENCES
from .w2s import GaussianMixtureW2S, excess_risk_curve, fit_rate, w2s_trial

ETA = 0.3  # label-noise level (fraction of flipped soft labels)
ETAS_SWEEP = (0.0, 0.1, 0.2, 0.3, 0.4)  # noise levels of the robustness curve


def _mean_se(x):
    """``{"mean": .., "se": ..}`` of the finite entries of *x* (labelled for the JSON)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]  # diverged fits are counted separately ("diverged")
    if len(x) == 0:
        return {"mean": float("nan"), "se": float("nan")}
    return {"mean": float(x.mean()),
            "se": float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else float("nan")}


def config(quick: bool) -> dict:
    if quick:
        return dict(d=10, d_weak=5, signal=2.0, tau=1.0, n=400, n_weak=200, seeds=4,
                    ns=[100, 200, 400, 800], rate_seeds=4, n_ref=8000)
    return dict(d=20, d_weak=10, signal=2.0, tau=1.0, n=2000, n_weak=300, seeds=30,
                ns=[250, 500, 1000, 2000, 4000], rate_seeds=12, n_ref=40000)


def pgr_table(model, rng_seeds, *, n, n_weak, etas, desc, show=True, warm=True):
    """PGR mean/SE per (loss, eta) over seeds, plus paired noise drop."""
    names = list(DIVERGENCES)
    rows = {(k, e): [] for k in names for e in etas}
    err_w = []
    for ss in progress(rng_seeds, desc=desc, disable=not show):
        r = w2s_trial(model, names, np.random.default_rng(ss), n=n, n_weak=n_weak, etas=etas,
                      warm=warm)
        err_w.append(r["err_weak"])
        for key in rows:
            rows[key].append((r[key]["pgr"], r[key]["err"]))
    out = {"err_weak": _mean_se(err_w), "err_ceiling": model.bayes_error,
           "err_restricted": model.restricted_error, "losses": {}}
    for k in names:
        entry = {}
        for e in etas:
            arr = np.array(rows[(k, e)])
            entry[f"pgr_eta{e:g}"] = _mean_se(arr[:, 0])
            entry[f"err_eta{e:g}"] = _mean_se(arr[:, 1])
            entry[f"diverged_eta{e:g}"] = int(np.isnan(arr[:, 0]).sum())
            if k != "kl":  # paired difference to the cross-entropy (KL) student
                base = np.array(rows[("kl", e)])[:, 0]
                entry[f"pgr_minus_kl_eta{e:g}"] = _mean_se(arr[:, 0] - base)
        if len(etas) == 2:  # paired drop in PGR caused by the noise
            a, b = np.array(rows[(k, etas[0])])[:, 0], np.array(rows[(k, etas[1])])[:, 0]
            entry["pgr_drop"] = _mean_se(a - b)
        out["losses"][k] = entry
    return out


def run(quick: bool, seed: int, show: bool = True) -> dict:
    c = config(quick)
    root = np.random.SeedSequence([seed, 6])
    s_misfit, s_real, s_rate, s_noise = root.spawn(4)
    model = GaussianMixtureW2S(d=c["d"], d_weak=c["d_weak"], signal=c["signal"], tau=c["tau"])
    realizable = GaussianMixtureW2S(d=c["d"], d_weak=c["d_weak"], signal=c["signal"], tau=0.0)
    res = {"config": c, "eta": ETA}
    res["misfit"] = pgr_table(model, s_misfit.spawn(c["seeds"]), n=c["n"], n_weak=c["n_weak"],
                              etas=(0.0, ETA), desc="fdiv-w2s PGR (tau>0)", show=show)
    res["realizable"] = pgr_table(realizable, s_real.spawn(max(4, c["seeds"] // 3)), n=c["n"],
                                  n_weak=c["n_weak"], etas=(0.0, ETA),
                                  desc="fdiv-w2s PGR (tau=0)", show=show)
    res["noise_sweep"] = {"etas": list(ETAS_SWEEP),
                          "table": pgr_table(model, s_noise.spawn(max(3, c["seeds"] // 2)),
                                             n=c["n"], n_weak=c["n_weak"], etas=ETAS_SWEEP,
                                             desc="fdiv-w2s noise sweep", show=show)}
    rates = {}
    curves = {}
    for k, ss in zip(progress(list(DIVERGENCES), desc="fdiv-w2s rates", disable=not show),
                     s_rate.spawn(len(DIVERGENCES))):
        ex = excess_risk_curve(model, k, np.random.default_rng(ss), ns=c["ns"],
                               seeds=c["rate_seeds"], n_ref=c["n_ref"])
        ex = np.maximum(ex, 1e-300)
        rate, se, ci = fit_rate(c["ns"], ex)
        rates[k] = {"rate": rate, "se": se, "ci95": list(ci)}
        curves[k] = {"mean": ex.mean(0).tolist(), "se": (ex.std(0, ddof=1) / math.sqrt(len(ex))).tolist()}
    res["sample_complexity"] = {"ns": c["ns"], "rates": rates, "curves": curves}
    return res


@experiment("fdiv-w2s", help="W2S with each f-divergence loss: PGR +- SE, label noise, rate in n")
def fdiv_w2s(quick: bool, seed: int) -> dict:
    return run(quick, seed)
