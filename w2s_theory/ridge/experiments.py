"""Full-scale study from the CLI: ``w2s experiment ridge-scaling``.

Thm 4's limits against simulation as d grows (d = 250 … 4000 in the full run), run as a
:mod:`w2s_theory.sweep` (one task per dimension and trial, on local processes), so the
study parallelises, and its finite-size bias can be read off: mean − limit ≈ b/d.
"""
from __future__ import annotations

import numpy as np

from .._registry import experiment
from .._stats import agreement
from ..simulate.ridge import _check_setting, _one_trial_design
from ..sweep import sweep
from .theory import student_error, teacher_error

#: (φ, ψ, λ_T, λ_S, σ², r²): a point where the student wins, with φ < 1 < ψ.
SETTING = dict(phi=0.5, psi=2.0, lam_T=0.1, lam_S=1.0, sigma2=0.5, r2=1.0)


def scaling_task(params: dict, seed) -> dict:
    """One design pair at dimension ``params['d']``: exact E_T and E_S given the designs.

    A :func:`w2s_theory.sweep.sweep` task: draws the teacher's and student's
    Gaussian designs at ``n = d/φ``, ``m = d/ψ`` and returns the errors with β and
    ε integrated out, whose limits are E_T and E_S of Moniri & Hassani (2025),
    Theorem 4 (``docs/theory/ridge.rst``).

    Parameters
    ----------
    params : dict
        ``d`` (int ≥ 1, required) and optionally any of the keys of :data:`SETTING`
        (``phi, psi, lam_T, lam_S, sigma2, r2``) to override it.
    seed : seed accepted by ``numpy.random.default_rng``
        The task's seed (the sweep passes a spawned ``SeedSequence``).

    Returns
    -------
    dict
        ``{"E_T": float, "E_S": float}``.

    Examples
    --------
    At d = 100 one design pair is already close to the limits:

    >>> from w2s_theory.ridge.theory import student_error, teacher_error
    >>> out = scaling_task({"d": 100}, 0)
    >>> round(out["E_T"], 2), round(teacher_error(0.5, 0.1, 0.5, 1.0), 2)
    (0.82, 0.82)
    >>> round(out["E_S"], 2), round(student_error(**SETTING), 2)
    (1.19, 1.19)
    """
    p = {**SETTING, **{k: v for k, v in params.items() if k != "d"}}
    d = int(params["d"])
    phi, psi, sigma2, r2, n, m = _check_setting(d, p["phi"], p["psi"], p["sigma2"], p["r2"])
    rng = np.random.default_rng(seed)
    err_T, err_S = _one_trial_design(rng, d, n, m, np.array([p["lam_T"]]),
                                     np.array([p["lam_S"]]), sigma2, r2)
    return {"E_T": float(np.ravel(err_T)[0]), "E_S": float(np.ravel(err_S)[0])}


@experiment("ridge-scaling", help="Thm 4 limits vs simulation for d = 250..4000 (a parallel sweep)")
def scaling(quick: bool, seed: int, executor="process", store=None) -> dict:
    """Theorem 4's limits against simulation as d grows, with the finite-size bias read off.

    Runs :func:`scaling_task` over d as a :func:`w2s_theory.sweep.sweep`, checks
    ``|mean − limit| ≤ 4·SE + C/d`` with C = σ² + r²
    (:func:`w2s_theory._stats.agreement`, Student-t widened), and fits the bias
    ``mean − limit ≈ b/d`` (Moniri & Hassani 2025, Theorem 4).
    Registered as ``w2s experiment ridge-scaling``.

    Parameters
    ----------
    quick : bool
        d ∈ {100, 200, 400} with 8 trials; else d ∈ {250, …, 4000} with 16 trials.
    seed : int >= 0
        Root seed of the sweep.
    executor : {"process", "serial"} or dask.distributed.Client, default "process"
        Where the tasks run (results do not depend on it).
    store : path-like, optional
        Directory of finished tasks; an interrupted sweep resumes from it
        (:func:`w2s_theory.sweep.sweep`).

    Returns
    -------
    dict
        ``setting``, ``d``, ``trials`` and, for ``"E_T"`` and ``"E_S"``: ``limit``,
        ``by_d`` (mean and SE per d), ``agrees``, ``detail`` and ``bias_times_d`` (b).

    Examples
    --------
    Several seconds even with ``quick=True``, so not run as a doctest:

    >>> res = scaling(quick=True, seed=0, executor="serial")  # doctest: +SKIP
    >>> res["E_S"]["agrees"], res["E_T"]["agrees"]  # doctest: +SKIP
    (True, True)
    """
    ds_ = (100, 200, 400) if quick else (250, 500, 1000, 2000, 4000)
    trials = 8 if quick else 16
    res = sweep(scaling_task, {"d": list(ds_)}, trials, root_seed=seed, executor=executor,
                store=store)
    theory = {"E_T": teacher_error(SETTING["phi"], SETTING["lam_T"], SETTING["sigma2"],
                                   SETTING["r2"]),
              "E_S": student_error(**SETTING)}
    d = np.asarray(ds_, float)
    out = {"setting": SETTING, "d": list(ds_), "trials": trials}
    for k, limit in theory.items():
        mean, se = res[f"{k}_mean"].values, res[f"{k}_se"].values
        a = agreement(mean, se, limit, d, z=4.0, C=SETTING["sigma2"] + SETTING["r2"], reps=trials)
        slope = float(np.polyfit(1 / d, mean - limit, 1)[0])   # bias ≈ slope / d
        out[k] = {"limit": limit,
                  "by_d": [{"d": int(di), "mean": float(m_), "se": float(s_)}
                           for di, m_, s_ in zip(ds_, mean, se)],
                  "agrees": a.passed, "detail": a.detail(), "bias_times_d": slope}
    return out
