"""Paper-scale experiments of the cosine mechanism (``w2s experiment NAME``).

Source: Geng, Hansen & Li (2026), §3.1 (Figures 1–2) and §3.2 (Figure 3).
"""
from __future__ import annotations

import numpy as np

from .._registry import experiment
from . import paper


def _summary(out):
    g = out["gain"]
    helped = out["best_lr"][np.isfinite(out["best_lr"])]
    lrs, counts = np.unique(helped, return_counts=True)
    return dict(student_acc=out["acc0"], teacher_acc_mean=float(np.mean(out["teacher_acc"])),
                fraction_improved=float(np.mean(g > 0)), gain_min=float(g.min()),
                gain_mean=float(g.mean()), gain_max=float(g.max()),
                fraction_condition=float(np.mean(out["R"] > 0)),
                mean_gain_by_lr={f"{lr:g}": float(m) for lr, m in zip(paper.LRS, out["gain_by_lr"].mean(axis=1))},
                best_lr_counts={**{f"{lr:g}": int(c) for lr, c in zip(lrs, counts)},
                                "none": int(len(g) - len(helped))},
                confusion=out["confusion"])


def _sizes(quick):
    return (dict(d=30, K=10, batch=2000, steps=20) if quick
            else dict(d=paper.D, K=100, batch=10_000, steps=100))


@experiment("cosine-random-teachers",
            help="§3.1/Fig. 1: 80% student, 100 random 70% teachers, 4 student norms, lr sweep, early stopping")
def random_teachers(quick: bool, seed: int) -> dict:
    z = _sizes(quick)
    res = {"settings": dict(z, lrs=list(map(float, paper.LRS)), beta=1.0)}
    for norm in (0.3, 1.0, 3.0, 10.0):
        w0, T, ws = paper.random_setup(d=z["d"], student_norm=norm, n_teachers=z["K"], seed=seed)
        out = paper.run(w0, T, ws, steps=z["steps"], batch=z["batch"], seed=seed + 1, show_progress=True,
                        desc=f"norm {norm:g}")
        res[f"norm={norm:g}"] = _summary(out)
    return res


@experiment("cosine-correlated-teachers",
            help="Confusion table: condition R>0 (Eq. 2) vs observed improvement, teachers with correlated errors")
def correlated_teachers(quick: bool, seed: int) -> dict:
    z = _sizes(quick)
    rho = np.linspace(-0.3, 1.0, z["K"])
    w0, T, ws = paper.random_setup(d=z["d"], student_norm=1.0, n_teachers=z["K"], seed=seed, rho=rho)
    out = paper.run(w0, T, ws, steps=z["steps"], batch=z["batch"], seed=seed + 1, show_progress=True,
                    desc="correlated")
    res = _summary(out)
    boundary = rho[np.argmin(np.abs(out["R"]))]
    res.update(settings=z, rho_at_R_zero=float(boundary),
               misclassified=[dict(rho=float(r), R=float(R), gain=float(g))
                              for r, R, g in zip(rho, out["R"], out["gain"]) if (R > 0) != (g > 0)])
    return res


@experiment("cosine-shared-pretraining",
            help="§3.2/Fig. 3: student 25 epochs/5000 pts, 100 teachers 10 epochs/1000-pt subset, finetune batch 1000")
def shared_pretraining(quick: bool, seed: int) -> dict:
    K, steps = (10, 20) if quick else (100, 100)
    w0, T, ws = paper.pretrain_setup(n_teachers=K, seed=seed)
    out = paper.run(w0, T, ws, steps=steps, batch=1000, seed=seed + 1, show_progress=True, desc="shared")
    res = _summary(out)
    res["settings"] = dict(d=paper.D, K=K, steps=steps, batch=1000, pretrain_lr=0.9)
    return res


@experiment("cosine-anisotropic",
            help="Σ with eigenvalues geomspace(1,10): confusion tables of ċ>0 (exact) and R>0 (Eq. 2) vs improvement")
def anisotropic(quick: bool, seed: int) -> dict:
    z = _sizes(quick)
    d = z["d"]
    rng = np.random.default_rng([seed, 50])
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    S = (Q * np.geomspace(1.0, 10.0, d)) @ Q.T
    S = (S + S.T) / 2
    rho = np.linspace(-0.3, 1.0, z["K"])
    w0, T, ws = paper.random_setup(d=d, student_norm=1.0, n_teachers=z["K"], seed=seed, rho=rho, Sigma=S)
    out = paper.run(w0, T, ws, steps=z["steps"], batch=z["batch"], seed=seed + 1, show_progress=True,
                    desc="anisotropic", Sigma=S)
    res = _summary(out)
    res.update(settings=dict(z, sigma_eigenvalues="geomspace(1, 10)"), confusion_rate=out["confusion_rate"],
               fraction_rate_positive=float(np.mean(out["rate"] > 0)))
    return res
