"""Full-scale CNN weak-to-strong experiments (``w2s experiment cnn-...``)."""
from __future__ import annotations

import numpy as np

from .._registry import experiment
from .regimes import (abundant_setting, abundant_summary, bootstrap_alpha, cell_center,
                      fit_transition,
                      log_steps, mean_se, repeat, scarce_setting, sweep_nu)


def _traj(res):
    out = {"steps": res["steps"].tolist()}
    for key in ("test_error", "test_error_hard", "correction", "train_fit"):
        m, se = mean_se(res[key])
        out[key] = m.tolist()
        out[key + "_se"] = se.tolist()
    out["teacher_error"] = float(np.mean(res["teacher_error"]))
    out["flip_rate"] = float(np.mean(res["flip_rate"]))
    return out


@experiment("cnn-abundant", help="data-abundant regime: early label correction, then "
                                 "overtraining (trajectories, mean ± SE over seeds)")
def abundant(quick: bool, seed: int) -> dict:
    """Data-abundant regime: early label correction, then overtraining.

    Trajectories (mean ± SE over seeds) of the student's test error, its error on hard-only
    points, the fraction of flipped pseudo-labels it predicts correctly and its training
    fit, in :func:`~w2s_theory.cnn.regimes.abundant_setting` (Oh, Song & Yun (2025), Thm
    3.6; ``docs/theory/cnn.rst``).

    Registered as ``w2s experiment cnn-abundant`` (:func:`w2s_theory._registry.experiment`).

    Parameters
    ----------
    quick : bool
        ``quick=True``: d = 30, 4 seeds, 200 steps (a few seconds).
        Otherwise d = 40, 8 seeds, 300 steps.
    seed : int >= 0
        Root seed (the simulators' seed contract, :func:`w2s_theory._numeric.seed_sequence`).

    Returns
    -------
    dict
        JSON-serialisable results: ``steps``, each trajectory and its ``_se``,
        ``teacher_error``, ``flip_rate``, ``setting`` and ``summary``
        (:func:`~w2s_theory.cnn.regimes.abundant_summary`: early-stopped against final
        student, per seed).

    Examples
    --------
    >>> from w2s_theory._registry import EXPERIMENTS
    >>> EXPERIMENTS["cnn-abundant"][0] is abundant
    True

    A few seconds even with ``quick=True``, so the run itself is not a doctest:

    >>> res = abundant(quick=True, seed=0)  # doctest: +SKIP
    >>> sorted(res["summary"])  # doctest: +SKIP
    ['corr_early', 'corr_end', 'err_early', 'err_end', 'fit_end', 't_early', 'teacher']
    """
    st = abundant_setting(quick)
    res = repeat(st, 4 if quick else 8, [seed, 10], record=log_steps(st.steps, 30),
                 desc="cnn-abundant", show=True)
    s = abundant_summary(res)
    out = _traj(res)
    out.update(setting=_describe(st), summary={k: np.asarray(v).tolist() for k, v in s.items()})
    return out


@experiment("cnn-scarce", help="data-scarce regime: harmful (small Q) vs benign (large Q) "
                               "overfitting trajectories")
def scarce(quick: bool, seed: int) -> dict:
    """Data-scarce regime: harmful (small Q) against benign (large Q) overfitting.

    Two settings of :func:`~w2s_theory.cnn.regimes.scarce_setting`, ‖ν‖ = 2 and 9, on either
    side of the transition in Q = n_st p_b² ‖ν‖⁴/(σ_p⁴ d) (Oh, Song & Yun (2025), Thm 3.4).

    Registered as ``w2s experiment cnn-scarce`` (:func:`w2s_theory._registry.experiment`).

    Parameters
    ----------
    quick : bool
        ``quick=True``: n_st = 100, d = 1000, 4 seeds (seconds).
        Otherwise n_st = 200, d = 2000, 8 seeds.
    seed : int >= 0
        Root seed (the simulators' seed contract, :func:`w2s_theory._numeric.seed_sequence`).

    Returns
    -------
    dict
        JSON-serialisable results: ``harmful`` and ``benign``, each with the trajectories of
        :func:`abundant`, ``setting`` and ``Q``.

    Examples
    --------
    The two values of Q are cheap to compute; the run takes seconds, so it is not a doctest:

    >>> from w2s_theory.cnn.regimes import scarce_setting
    >>> [round(scarce_setting(100, nu, quick=True).snr_quantity, 3) for nu in (2.0, 9.0)]
    [0.576, 236.196]
    >>> res = scarce(quick=True, seed=0)  # doctest: +SKIP
    >>> res["harmful"]["Q"], res["benign"]["Q"]  # doctest: +SKIP
    (0.576, 236.196)
    """
    out = {}
    for name, nu in (("harmful", 2.0), ("benign", 9.0)):
        st = scarce_setting(100 if quick else 200, nu, quick)
        res = repeat(st, 4 if quick else 8, [seed, 11, int(nu)],
                     record=log_steps(st.steps, 30), desc=f"cnn-scarce {name}", show=True)
        out[name] = _traj(res)
        out[name].update(setting=_describe(st), Q=st.snr_quantity)
    return out


@experiment("cnn-transition", help="data-scarce transition sweep over (n_st, ||nu||) and "
                                   "the logistic fit of the scaling exponent")
def transition(quick: bool, seed: int) -> dict:
    """Data-scarce transition sweep over (n_st, ‖ν‖) and the fitted scaling exponent.

    Final hard-only test error on a grid (:func:`~w2s_theory.cnn.regimes.sweep_nu`), seed
    medians (:func:`~w2s_theory.cnn.regimes.cell_center`), and the exponent α of ‖ν‖ in the
    control variable n‖ν‖^α (:func:`~w2s_theory.cnn.regimes.fit_transition`, profile and
    bootstrap intervals); Oh, Song & Yun (2025), Thm 3.4 predicts α = 4.

    Registered as ``w2s experiment cnn-transition`` (:func:`w2s_theory._registry.experiment`).

    Parameters
    ----------
    quick : bool
        ``quick=True``: n_st ∈ {15, 60}, 4 values of ‖ν‖, 3 seeds (minutes).
        Otherwise n_st ∈ {25, 50, 100, 200}, 7 values of ‖ν‖, 6 seeds.
    seed : int >= 0
        Root seed (the simulators' seed contract, :func:`w2s_theory._numeric.seed_sequence`).

    Returns
    -------
    dict
        JSON-serialisable results: ``n``, ``nu``, ``d``, ``Q``, ``hard_mean``/``hard_se``,
        ``hard_median``/``hard_median_se``, ``total_mean``, ``min_train_fit`` and ``fits``
        (per pair of n values: :func:`~w2s_theory.cnn.regimes.fit_transition` plus
        ``bootstrap``).

    Examples
    --------
    >>> from w2s_theory._registry import EXPERIMENTS
    >>> EXPERIMENTS["cnn-transition"][0] is transition
    True

    Minutes even with ``quick=True``, so the run itself is not a doctest:

    >>> res = transition(quick=True, seed=0)  # doctest: +SKIP
    """
    ns = [15, 60] if quick else [25, 50, 100, 200]
    nus = [2.5, 4.0, 6.3, 10.0] if quick else [2.4, 3.0, 3.8, 4.8, 6.0, 7.5, 9.5]
    S = 3 if quick else 6
    sw = sweep_nu(ns, nus, S, [seed, 12], quick=quick, show=True)
    fits = {}
    for a, b in ((0, len(ns) - 1),) + (((1, 3),) if len(ns) == 4 else ()):
        sub = dict(sw, n=sw["n"][[a, b]], hard=sw["hard"][[a, b]])
        fits[f"n={ns[a]},{ns[b]}"] = fit_transition(sub)
        fits[f"n={ns[a]},{ns[b]}"]["bootstrap"] = bootstrap_alpha(sub, 300, seed=seed)
    m, se = mean_se(sw["hard"], axis=-1)
    med, med_se = cell_center(sw["hard"])
    return dict(n=sw["n"].tolist(), nu=sw["nu"].tolist(), d=sw["d"], Q=sw["Q"].tolist(),
                hard_mean=m.tolist(), hard_se=se.tolist(), hard_median=med.tolist(),
                hard_median_se=med_se.tolist(),
                total_mean=sw["total"].mean(axis=-1).tolist(),
                min_train_fit=float(sw["fit"].min()), fits=fits)


def _describe(st) -> dict:
    m = st.model
    return dict(d=m.d, mu_norm=m.mu_norm, nu_norm=m.nu_norm, sigma_p=m.sigma_p,
                p=(m.p_easy, m.p_hard, m.p_both), label_noise=m.label_noise,
                n_teacher=st.n_teacher, n_student=st.n_student, m=st.m, sigma0=st.sigma0,
                lr=st.lr, steps=st.steps, Q=st.snr_quantity)
