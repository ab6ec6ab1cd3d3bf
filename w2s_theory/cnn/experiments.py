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
