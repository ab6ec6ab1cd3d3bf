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
    """Sizes of the ``fdiv-w2s`` experiment.

    Parameters
    ----------
    quick : bool
        Small sizes for a run of a minute or so, else the full study.

    Returns
    -------
    dict
        ``d``, ``d_weak``, ``signal``, ``tau`` (the :class:`~w2s_theory.fdiv.w2s.GaussianMixtureW2S`
        model), ``n``, ``n_weak`` (student/teacher samples), ``seeds`` (PGR repetitions),
        ``ns``, ``rate_seeds``, ``n_ref`` (the excess-risk rate fit).

    Examples
    --------
    >>> c = config(True)
    >>> c["d"], c["n"], c["ns"]
    (10, 400, [100, 200, 400, 800])
    """
    if quick:
        return dict(d=10, d_weak=5, signal=2.0, tau=1.0, n=400, n_weak=200, seeds=4,
                    ns=[100, 200, 400, 800], rate_seeds=4, n_ref=8000)
    return dict(d=20, d_weak=10, signal=2.0, tau=1.0, n=2000, n_weak=300, seeds=30,
                ns=[250, 500, 1000, 2000, 4000], rate_seeds=12, n_ref=40000)


def pgr_table(model, rng_seeds, *, n, n_weak, etas, desc, show=True, warm=True):
    """PGR mean/SE per (loss, eta) over seeds, plus paired noise drop.

    For every seed one :func:`~w2s_theory.fdiv.w2s.w2s_trial` (a teacher and one
    student per f-divergence loss and noise level); PGR = (err_weak − err_w2s) /
    (err_weak − err_ceiling) (Burns et al. 2023).  Paired differences share the
    seed's teacher and data, so their SE is much smaller than that of either PGR.

    Parameters
    ----------
    model : GaussianMixtureW2S
    rng_seeds : sequence of numpy.random.SeedSequence
        One per repetition (e.g. ``SeedSequence(s).spawn(k)``).
    n, n_weak : int >= 1
        Student (unlabelled) and teacher (labelled) sample sizes.
    etas : sequence of float in [0, 0.5)
        Label-flip probabilities; with two, ``pgr_drop`` is the paired PGR loss.
    desc : str
        Progress-bar label.
    show : bool, default True
        Show the progress bar.
    warm : bool, default True
        Warm-start non-KL fits from the KL fit.

    Returns
    -------
    dict
        ``err_weak`` (mean/SE), ``err_ceiling`` (Bayes error), ``err_restricted``
        and ``losses``: per loss name, ``pgr_eta{e}``, ``err_eta{e}`` (mean/SE over
        finite fits), ``diverged_eta{e}`` (count of fits with diverging logits),
        ``pgr_minus_kl_eta{e}`` (paired difference to KL) and, for two etas, ``pgr_drop``.

    Examples
    --------
    Seven BFGS fits per seed and noise level take seconds even at tiny sizes, so
    this is not run as a doctest:

    >>> import numpy as np
    >>> from w2s_theory.fdiv.w2s import GaussianMixtureW2S
    >>> model = GaussianMixtureW2S(d=4, d_weak=2, signal=2.0, tau=1.0)
    >>> tab = pgr_table(model, np.random.SeedSequence(0).spawn(2), n=100, n_weak=50,
    ...                 etas=(0.0, 0.3), desc="demo", show=False)  # doctest: +SKIP
    >>> sorted(tab["losses"]["kl"])  # doctest: +SKIP
    ['diverged_eta0', 'diverged_eta0.3', 'err_eta0', 'err_eta0.3', 'pgr_drop', 'pgr_eta0', 'pgr_eta0.3']
    """
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
    """Run the whole ``fdiv-w2s`` study (see the module docstring).

    Four independent seed streams (children of ``SeedSequence([seed, 6])``): PGR
    with a misspecified teacher view (tau > 0) and in the realizable case (tau = 0),
    clean and with ``ETA`` label noise; a PGR curve over :data:`ETAS_SWEEP`; and the
    excess f-risk of the ERM head against n with a fitted rate and 95 % interval
    (:func:`~w2s_theory.fdiv.w2s.fit_rate`).  Model and reasons:
    ``docs/theory/fdiv.rst`` (after Yao et al. 2025).

    Parameters
    ----------
    quick : bool
        Sizes of :func:`config`.
    seed : int >= 0
        Root seed.
    show : bool, default True
        Show progress bars.

    Returns
    -------
    dict
        ``config``, ``eta``, ``misfit`` and ``realizable`` (:func:`pgr_table` results),
        ``noise_sweep`` (``etas`` and ``table``) and ``sample_complexity`` (``ns``,
        per-loss ``rates`` with ``rate``/``se``/``ci95`` and ``curves`` with mean/SE).

    Examples
    --------
    Even ``quick=True`` takes minutes, so this is not run as a doctest:

    >>> res = run(quick=True, seed=0, show=False)  # doctest: +SKIP
    >>> sorted(res)  # doctest: +SKIP
    ['config', 'eta', 'misfit', 'noise_sweep', 'realizable', 'sample_complexity']
    """
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
    """``w2s experiment fdiv-w2s``: :func:`run` with progress bars.

    Parameters
    ----------
    quick : bool
        Sizes of :func:`config`.
    seed : int >= 0
        Root seed.

    Returns
    -------
    dict
        As :func:`run`.

    Examples
    --------
    >>> from w2s_theory._registry import EXPERIMENTS
    >>> EXPERIMENTS["fdiv-w2s"][0] is fdiv_w2s
    True

    Running it takes minutes even with ``quick=True``, so it is not run as a doctest:

    >>> res = fdiv_w2s(quick=True, seed=0)  # doctest: +SKIP
    """
    return run(quick, seed)
