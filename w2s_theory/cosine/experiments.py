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
    """§3.1/Figure 1: an 80 % student finetuned on random 70 % teachers, four student norms.

    Teachers uniform on the accuracy cone (:func:`~w2s_theory.cosine.paper.random_setup`),
    student norms 0.3, 1, 3, 10, step sizes ``logspace(-5, 1, 7)``, early stopping (Geng,
    Hansen & Li (2026), §3.1).  With independent errors every teacher has R > 0, so the
    prediction is that every teacher helps.

    Registered as ``w2s experiment cosine-random-teachers``
    (:func:`w2s_theory._registry.experiment`).

    Parameters
    ----------
    quick : bool
        ``quick=True``: d = 30, 10 teachers, batch 2000, 20 steps (well under a second).
        Otherwise paper scale: d = 100, 100 teachers, batch 10 000, 100 steps.
    seed : int >= 0
        Root seed (the simulators' seed contract, :func:`w2s_theory._numeric.seed_sequence`).

    Returns
    -------
    dict
        JSON-serialisable results: ``settings`` and, per norm (``"norm=0.3"``, ...), the summary of
        :func:`~w2s_theory.cosine.paper.run` (fraction improved, gains, best-step-size
        counts, ``confusion`` of R > 0 against gain > 0).

    Examples
    --------
    >>> res = random_teachers(quick=True, seed=0)
    >>> res["settings"]["d"], res["norm=1"]["confusion"]
    (30, {'pred+obs+': 10, 'pred+obs-': 0, 'pred-obs+': 0, 'pred-obs-': 0})
    """
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
    """Confusion table of the condition R > 0 (Eq. 2) against observed improvement, correlated teachers.

    Teacher k's error has cosine ρ_k ∈ linspace(−0.3, 1) with the student's error, so R
    changes sign along the family (Geng, Hansen & Li (2026), Eq. 2;
    ``docs/theory/cosine.rst``).

    Registered as ``w2s experiment cosine-correlated-teachers``
    (:func:`w2s_theory._registry.experiment`).

    Parameters
    ----------
    quick : bool
        ``quick=True``: d = 30, 10 teachers, batch 2000, 20 steps (well under a second).
        Otherwise paper scale: d = 100, 100 teachers, batch 10 000, 100 steps.
    seed : int >= 0
        Root seed (the simulators' seed contract, :func:`w2s_theory._numeric.seed_sequence`).

    Returns
    -------
    dict
        JSON-serialisable results: the run summary, ``settings``, ``rho_at_R_zero`` (the ρ
        closest to R = 0) and ``misclassified`` (teachers where R > 0 and gain > 0
        disagree).

    Examples
    --------
    >>> res = correlated_teachers(quick=True, seed=0)
    >>> res["confusion"], res["misclassified"]
    ({'pred+obs+': 6, 'pred+obs-': 0, 'pred-obs+': 0, 'pred-obs-': 4}, [])
    """
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
    """§3.2/Figure 3: student and teachers pretrained on shared data, then finetuned.

    Setup of :func:`~w2s_theory.cosine.paper.pretrain_setup` (student 25 epochs on 5000
    points, teachers 10 epochs on a 1000-point subset), finetuning batch 1000 (Geng, Hansen
    & Li (2026), §3.2).

    Registered as ``w2s experiment cosine-shared-pretraining``
    (:func:`w2s_theory._registry.experiment`).

    Parameters
    ----------
    quick : bool
        ``quick=True``: 10 teachers, 20 steps (d = 100; under a second).
        Otherwise 100 teachers, 100 steps.
    seed : int >= 0
        Root seed (the simulators' seed contract, :func:`w2s_theory._numeric.seed_sequence`).

    Returns
    -------
    dict
        JSON-serialisable results: the run summary (accuracies, fraction improved, gains,
        ``confusion``) and ``settings``.

    Examples
    --------
    >>> res = shared_pretraining(quick=True, seed=0)
    >>> res["settings"]["K"], sum(res["confusion"].values())
    (10, 10)
    """
    K, steps = (10, 20) if quick else (100, 100)
    w0, T, ws = paper.pretrain_setup(n_teachers=K, seed=seed)
    out = paper.run(w0, T, ws, steps=steps, batch=1000, seed=seed + 1, show_progress=True, desc="shared")
    res = _summary(out)
    res["settings"] = dict(d=paper.D, K=K, steps=steps, batch=1000, pretrain_lr=0.9)
    return res


@experiment("cosine-anisotropic",
            help="Σ with eigenvalues geomspace(1,10): confusion tables of ċ>0 (exact) and R>0 (Eq. 2) vs improvement")
def anisotropic(quick: bool, seed: int) -> dict:
    """Anisotropic Σ: confusion tables of the exact rate ċ > 0 and of R > 0 (Eq. 2) against improvement.

    Data x ~ N(0, Σ) with eigenvalues geomspace(1, 10) in a random basis, correlated
    teachers as in :func:`correlated_teachers`.  For anisotropic Σ the first-order cosine
    rate ċ (:func:`~w2s_theory.cosine.sft.cosine_rate`) and the paper's R (Geng, Hansen & Li
    (2026), Eq. 2) can disagree; the exact rate predicts the observed gains.

    Registered as ``w2s experiment cosine-anisotropic`` (:func:`w2s_theory._registry.experiment`).

    Parameters
    ----------
    quick : bool
        ``quick=True``: d = 30, 10 teachers, batch 2000, 20 steps (well under a second).
        Otherwise paper scale: d = 100, 100 teachers, batch 10 000, 100 steps.
    seed : int >= 0
        Root seed (the simulators' seed contract, :func:`w2s_theory._numeric.seed_sequence`).

    Returns
    -------
    dict
        JSON-serialisable results: the run summary, ``settings``, ``confusion_rate`` (ċ > 0
        vs gain > 0) and ``fraction_rate_positive``.

    Examples
    --------
    >>> res = anisotropic(quick=True, seed=0)
    >>> res["confusion_rate"]
    {'pred+obs+': 6, 'pred+obs-': 0, 'pred-obs+': 0, 'pred-obs-': 4}
    """
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
