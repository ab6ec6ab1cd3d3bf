"""Figures of the cosine mechanism (``w2s figure NAME``), reproducing the paper's §3 plots.

Source: Geng, Hansen & Li (2026), Figures 1–3; plus two figures of our checks.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .._progress import progress
from .._registry import figure
from . import bounds, paper
from .calculus import cosine
from .sft import expected_gradient, sample_on_cone


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _sizes(quick):
    return dict(d=30, K=10, batch=2000, steps=25) if quick else dict(d=paper.D, K=100, batch=10_000, steps=100)


def _traj_panel(axes, out, color, label):
    """Thin per-teacher lines at the step size with the best mean gain; thick mean ± std."""
    li = int(np.argmax(out["gain_by_lr"].mean(axis=1)))
    acc = out["curves"][li] - out["curves"][li, :, :1]
    inner = out["inner"][li] - out["inner"][li, :, :1]
    norm = out["norm"][li] / out["norm"][li, :, :1]
    steps = np.arange(acc.shape[1])
    for ax, y in zip(axes, (acc, inner, norm)):
        ax.plot(steps, y.T, color=color, lw=0.3, alpha=0.3)
        m, s = y.mean(axis=0), y.std(axis=0)
        ax.plot(steps, m, color=color, lw=2, label=f"{label}, lr={paper.LRS[li]:g}")
        ax.fill_between(steps, m - s, m + s, color=color, alpha=0.2)


@figure("cosine-fig1", aliases=("cosine_fig1",), help="Fig. 1: SFT trajectories of an 80% student on 100 random 70% teachers, two student norms")
def fig1(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """Figure 1: SFT trajectories of an 80 % student on random 70 % teachers, two student norms.

    Accuracy gain, ⟨w_k, w*⟩ and ‖w_k‖/‖w₀‖ along finetuning at the step size with the best
    mean gain, for ‖w₀‖ = 0.3 and 10 (Geng, Hansen & Li (2026), §3.1, Figure 1).

    Registered as ``w2s figure cosine-fig1`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True``: d = 30, 10 teachers, batch 2000, 25 steps.
        Otherwise paper scale: d = 100, 100 teachers, batch 10 000, 100 steps.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'cosine_fig1.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["cosine-fig1"][0] is fig1
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = fig1(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['cosine_fig1.png']
    """
    plt = _plt()
    z = _sizes(quick)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for norm, color in ((0.3, "tab:blue"), (10.0, "tab:purple")):
        w0, T, ws = paper.random_setup(d=z["d"], student_norm=norm, n_teachers=z["K"], seed=seed)
        out = paper.run(w0, T, ws, steps=z["steps"], batch=z["batch"], seed=seed + 1,
                        show_progress=True, desc=f"cosine-fig1 ‖w₀‖={norm:g}")
        _traj_panel(axes, out, color, f"‖w₀‖={norm:g}")
    for ax, t in zip(axes, ("accuracy gain (0-1)", "⟨w_k, w*⟩ − ⟨w₀, w*⟩", "‖w_k‖ / ‖w₀‖")):
        ax.set_xlabel("SFT step")
        ax.set_title(t, fontsize=10)
        ax.axhline(1.0 if "‖" in t[:3] else 0.0, color="k", lw=0.5)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"80% student, {z['K']} random 70% teachers, d={z['d']}, batch {z['batch']} (early stopping: max)",
                 fontsize=10)
    fig.tight_layout()
    p = Path(out_dir) / "cosine_fig1.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return [p]


@figure("cosine-fig2", aliases=("cosine_fig2",), help="Fig. 2: mean best gain vs initial student norm and teacher accuracy (population GD)")
def fig2(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """Figure 2: mean best gain against initial student norm and teacher accuracy.

    One population-gradient run (exact expected gradient) per cell (Geng, Hansen & Li
    (2026), §3.1, Figure 2).

    Registered as ``w2s figure cosine-fig2`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True``: 3 × 3 cells, 5 teachers, 60 steps, d = 30.
        Otherwise 7 × 7 cells, 20 teachers, 400 steps, d = 100.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'cosine_fig2.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["cosine-fig2"][0] is fig2
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = fig2(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['cosine_fig2.png']
    """
    plt = _plt()
    norms = np.geomspace(0.1, 30, 3 if quick else 7)
    taccs = np.array([0.55, 0.65, 0.75]) if quick else np.array([0.52, 0.56, 0.60, 0.65, 0.70, 0.75, 0.78])
    K, steps, d = (5, 60, 30) if quick else (20, 400, paper.D)
    G = np.zeros((len(taccs), len(norms)))
    cells = [(i, ta, j, nm) for i, ta in enumerate(taccs) for j, nm in enumerate(norms)]
    for i, ta, j, nm in progress(cells, desc="cosine-fig2 cells"):  # one population-GD run each
        w0, T, ws = paper.random_setup(d=d, student_norm=nm, n_teachers=K, seed=seed, teacher_acc=ta)
        G[i, j] = paper.run(w0, T, ws, steps=steps, population=True)["gain"].mean()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    im = ax.imshow(G, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(norms)), [f"{x:.2g}" for x in norms])
    ax.set_yticks(range(len(taccs)), [f"{x:.2f}" for x in taccs])
    for i in range(len(taccs)):
        for j in range(len(norms)):
            ax.text(j, i, f"{100 * G[i, j]:.1f}", ha="center", va="center", fontsize=7, color="w")
    ax.set_xlabel("initial student norm ‖w₀‖")
    ax.set_ylabel("teacher accuracy")
    ax.set_title(f"mean best accuracy gain (%), 80% student, population GD, d={d}", fontsize=9)
    fig.colorbar(im, ax=ax, label="gain (fraction; cells in %)")
    fig.tight_layout()
    p = Path(out_dir) / "cosine_fig2.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return [p]


@figure("cosine-fig3", aliases=("cosine_fig3",), help="Fig. 3: shared pretraining (student 25 epochs/5000 pts, teachers 10 epochs/1000 pts)")
def fig3(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """Figure 3: finetuning after shared pretraining.

    Trajectories as in :func:`fig1` for the setup of
    :func:`~w2s_theory.cosine.paper.pretrain_setup` (Geng, Hansen & Li (2026), §3.2, Figure
    3).

    Registered as ``w2s figure cosine-fig3`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True``: 10 teachers, 20 steps.
        Otherwise 100 teachers, 100 steps.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'cosine_fig3.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["cosine-fig3"][0] is fig3
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = fig3(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['cosine_fig3.png']
    """
    plt = _plt()
    K, steps = (10, 20) if quick else (100, 100)
    w0, T, ws = paper.pretrain_setup(n_teachers=K, seed=seed)
    out = paper.run(w0, T, ws, steps=steps, batch=1000, seed=seed + 1, show_progress=True,
                    desc="cosine-fig3 SFT steps")
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    _traj_panel(axes, out, "tab:green", f"student acc {out['acc0']:.2f}")
    for ax, t in zip(axes, ("accuracy gain (0-1)", "⟨w_k, w*⟩ − ⟨w₀, w*⟩", "‖w_k‖ / ‖w₀‖")):
        ax.set_xlabel("SFT step")
        ax.set_title(t, fontsize=10)
    axes[0].legend(fontsize=8)
    frac = np.mean(out["gain"] > 0)
    fig.suptitle(f"shared pretraining: {K} teachers (mean acc {np.mean(out['teacher_acc']):.2f}); "
                 f"{frac:.0%} improve the student", fontsize=10)
    fig.tight_layout()
    p = Path(out_dir) / "cosine_fig3.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return [p]


@figure("cosine-confusion", aliases=("cosine_confusion",), help="Condition R>0 (Eq. 2) vs observed gain for teachers with correlated errors")
def confusion_fig(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """Scatter of the relative correlation R (Eq. 2) against the best gain, correlated teachers.

    The sign of R predicts improvement (Geng, Hansen & Li (2026), Eq. 2); the title gives
    the confusion table.

    Registered as ``w2s figure cosine-confusion`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True``: d = 30, 10 teachers, batch 2000, 25 steps.
        Otherwise paper scale: d = 100, 100 teachers, batch 10 000, 100 steps.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'cosine_confusion.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["cosine-confusion"][0] is confusion_fig
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = confusion_fig(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['cosine_confusion.png']
    """
    plt = _plt()
    z = _sizes(quick)
    rho = np.linspace(-0.3, 1.0, z["K"])
    w0, T, ws = paper.random_setup(d=z["d"], student_norm=1.0, n_teachers=z["K"], seed=seed, rho=rho)
    out = paper.run(w0, T, ws, steps=z["steps"], batch=z["batch"], seed=seed + 1,
                    show_progress=True, desc="cosine-confusion SFT steps")
    fig, ax = plt.subplots(figsize=(5.5, 4))
    sc = ax.scatter(out["R"], 100 * out["gain"], c=rho, cmap="coolwarm", s=14)
    ax.axvline(0, color="k", lw=0.7)
    ax.axhline(0, color="k", lw=0.7)
    ax.set_xlabel("relative correlation R = cos(t,w*) − cos(w,w*)cos(t,w)")
    ax.set_ylabel("best accuracy gain (%)")
    tab = out["confusion"]
    ax.set_title(f"pred R>0 & gain>0: {tab['pred+obs+']}, R>0 & no gain: {tab['pred+obs-']}\n"
                 f"R<0 & gain: {tab['pred-obs+']}, R<0 & no gain: {tab['pred-obs-']}", fontsize=9)
    fig.colorbar(sc, ax=ax, label="error correlation ρ")
    fig.tight_layout()
    p = Path(out_dir) / "cosine_confusion.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return [p]


@figure("cosine-bounds", aliases=("cosine_bounds",), help="Hessian spectral radius vs c (Lemma C.3) and Taylor step bound vs exact limit")
def bounds_fig(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """Hessian spectral radius of the cosine against c, and the Taylor step bound against the exact limit.

    Left: ‖H‖_Σ‖w‖²_Σ on random (w, w*, Σ) in d = 4 under the bound (|c| + √(4 − 3c²))/2 ≤
    2/√3 (Geng, Hansen & Li (2026), Lemma C.3).  Right: ratio of
    :func:`~w2s_theory.cosine.bounds.taylor_step_bound` to
    :func:`~w2s_theory.cosine.bounds.exact_step_limit` against the student norm.

    Registered as ``w2s figure cosine-bounds`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True``: 300 random Hessians, 8 norms.
        Otherwise 3000 Hessians, 25 norms.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'cosine_bounds.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["cosine-bounds"][0] is bounds_fig
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = bounds_fig(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['cosine_bounds.png']
    """
    plt = _plt()
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), constrained_layout=True)
    c = np.linspace(-1, 1, 401)
    n = 300 if quick else 3000
    d = 4
    pts_c, pts_r = [], []
    for _ in progress(range(n), desc="cosine-bounds Hessians"):
        w, ws = rng.standard_normal(d), rng.standard_normal(d)
        S = np.diag(np.exp(rng.uniform(-2, 2, d)))
        pts_c.append(cosine(w, ws, S))
        pts_r.append(bounds.hessian_ratio(w, ws, S, "sigma") * 2 / math.sqrt(3))
    axes[0].scatter(pts_c, pts_r, s=6, alpha=0.5, color="tab:blue", zorder=3,
                    label=r"random $(w, w^*, \Sigma)$: $\|H\|_\Sigma\,\|w\|_\Sigma^2$")
    axes[0].plot(c, (np.abs(c) + np.sqrt(4 - 3 * c * c)) / 2, "k", lw=0.9, zorder=2,
                 label=r"bound $(|c| + \sqrt{4-3c^2})/2$ (Lemma C.3)")
    axes[0].axhline(2 / math.sqrt(3), color="r", ls="--", label=r"maximum $2/\sqrt{3}$")
    axes[0].set_xlabel(r"cosine $c$")
    axes[0].set_ylabel(r"spectral radius $\times\ \|w\|_\Sigma^2$")
    axes[0].set_title(r"Hessian of $c$ on random $(w, w^*, \Sigma)$, $d = 4$", fontsize=10)
    # below the axes: the points fill the area under the bound
    axes[0].legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1,
                   frameon=False)
    norms = np.geomspace(0.1, 30, 8 if quick else 25)
    ws = np.eye(50)[0]
    for beta, col in progress(((0.5, "tab:orange"), (1.0, "tab:blue"), (4.0, "tab:green")),
                              desc="cosine-bounds step limits"):
        ratio = []
        for nm in norms:
            w = sample_on_cone(rng, ws, paper.acc_to_cos(0.8), nm, 1)[0]
            t = sample_on_cone(rng, ws, paper.acc_to_cos(0.7), 1.0, 1)[0]
            v = -expected_gradient(w, t, None, beta)
            ex, tb = bounds.exact_step_limit(w, v, ws), bounds.taylor_step_bound(w, v, ws)
            ratio.append(tb / ex)
        axes[1].semilogx(norms, ratio, "o-", ms=3, color=col, label=fr"$\beta = {beta:g}$")
    axes[1].set_xlabel(r"student norm $\|w\|$")
    axes[1].set_ylabel(r"$\eta_B\,/\,\eta_{\mathrm{exact}}$")
    axes[1].set_ylim(0, 1)
    axes[1].set_title("Taylor step bound vs exact first crossing (80% student, 70% teacher)",
                      fontsize=10)
    axes[1].legend(fontsize=9, loc="upper left")
    p = Path(out_dir) / "cosine_bounds.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return [p]
