"""Figures of the CNN mechanism (``w2s figure cnn-training`` / ``cnn-phase``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .._registry import figure
from .experiments import abundant, scarce, transition
from .regimes import MIX, transition_curve


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _band(ax, x, m, se, **kw):
    m, se = np.asarray(m), np.asarray(se)
    line, = ax.plot(x, m, **kw)
    ax.fill_between(x, m - se, m + se, color=line.get_color(), alpha=0.2, lw=0)
    return line


@figure("cnn-training", help="CNN W2S: student test error and label correction vs GD step "
                             "(abundant; scarce harmful/benign)")
def training(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """Student test error and label correction against the GD step, both regimes.

    Left: :func:`~w2s_theory.cnn.experiments.abundant` (early correction, then degradation);
    right: :func:`~w2s_theory.cnn.experiments.scarce` (harmful against benign overfitting)
    (Oh, Song & Yun (2025), Thms 3.4 and 3.6).

    Registered as ``w2s figure cnn-training`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        the quick sizes of both experiments (seconds).
        Otherwise the full sizes.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'cnn_training.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["cnn-training"][0] is training
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = training(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['cnn_training.png']
    """
    plt = _plt()
    ab = abundant(quick, seed)
    sc = scarce(quick, seed)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    ax = axes[0]
    t = np.maximum(ab["steps"], 0.5)
    _band(ax, t, ab["test_error"], ab["test_error_se"], label="student test error", color="C0")
    _band(ax, t, ab["test_error_hard"], ab["test_error_hard_se"], label="  … on hard-only",
          color="C0", ls=":")
    _band(ax, t, ab["correction"], ab["correction_se"],
          label="flipped train labels predicted correctly", color="C2", ls="--")
    ax.axhline(ab["teacher_error"], color="k", lw=1, label="teacher (linear CNN) error")
    s = ab["setting"]
    ax.set(xscale="log", xlabel="GD step", ylim=(-0.02, 1.02),
           title=f"data-abundant: d={s['d']}, n_st={s['n_student']}")
    ax.legend(fontsize=7, loc="center right")
    ax = axes[1]
    for name, c in (("harmful", "C3"), ("benign", "C1")):
        r = sc[name]
        t = np.maximum(r["steps"], 0.5)
        _band(ax, t, r["test_error_hard"], r["test_error_hard_se"], color=c,
              label=f"{name} (Q={r['Q']:.2g}): hard-only test error")
        _band(ax, t, r["correction"], r["correction_se"], color=c, ls="--",
              label=f"{name}: flipped labels corrected")
    ax.axhline(0.5, color="k", lw=1, label="teacher on hard-only (1/2)")
    s = sc["benign"]["setting"]
    ax.set(xscale="log", xlabel="GD step", ylim=(-0.02, 1.02),
           title=f"data-scarce: d={s['d']}, n_st={s['n_student']}")
    ax.legend(fontsize=7, loc="center right")
    path = Path(out_dir) / "cnn_training.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [path]


@figure("cnn-phase", help="CNN W2S data-scarce phase diagram: hard-only test error over "
                          "(n_st, ||nu||) and its collapse in Q = n p_b^2 ||nu||^4/(sigma_p^4 d)")
def phase(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """Data-scarce phase diagram and its collapse in Q.

    Left: median hard-only test error over (n_st, ‖ν‖) with the fitted Q = Q* line; right:
    the same against Q = n_st p_b² ‖ν‖⁴/(σ_p⁴ d) with the logistic fit at α = 4
    (:func:`~w2s_theory.cnn.experiments.transition`; Oh, Song & Yun (2025), Thm 3.4).

    Registered as ``w2s figure cnn-phase`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        the quick sweep (minutes).
        Otherwise the full sweep.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'cnn_phase.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["cnn-phase"][0] is phase
    True

    The sweep takes minutes even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = phase(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['cnn_phase.png']
    """
    plt = _plt()
    tr = transition(quick, seed)
    n, nu, d = np.array(tr["n"]), np.array(tr["nu"]), tr["d"]
    hard = np.array(tr["hard_median"])      # medians: seeds are heavy-tailed
    se = np.array(tr["hard_median_se"])
    Q = np.array(tr["Q"])
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.9), constrained_layout=True)
    ax = axes[0]
    im = ax.pcolormesh(np.arange(len(nu) + 1), np.arange(len(n) + 1), hard, cmap="viridis",
                       vmin=0, vmax=0.5, shading="flat")
    ax.set_xticks(np.arange(len(nu)) + 0.5, [f"{v:g}" for v in nu])
    ax.set_yticks(np.arange(len(n)) + 0.5, [str(v) for v in n])
    ax.set(xlabel="‖ν‖ (hard signal)", ylabel="n_st",
           title=f"median hard-only test error after interpolation (d={d})")
    fig.colorbar(im, ax=ax)
    key, fit = next(iter(tr["fits"].items()))   # the widest pair of n values
    # the Q = Q* line (alpha fixed at 4): nu*(n) = (Q* sigma_p^4 d / (n p_b^2))^(1/4)
    nus_line = (fit["Q_mid"] * d / (n * MIX["p_both"] ** 2)) ** 0.25
    x_line = np.interp(np.log(nus_line), np.log(nu), np.arange(len(nu))) + 0.5
    ax.plot(x_line, np.arange(len(n)) + 0.5, "w--", lw=1.5, label=f"Q = {fit['Q_mid']:.2g}")
    ax.legend(fontsize=8, loc="lower left")
    ax = axes[1]
    for i in range(len(n)):
        ax.errorbar(Q[i], hard[i], yerr=se[i], fmt="o-", ms=3, lw=1, capsize=2,
                    label=f"n_st = {n[i]}")
    qq = np.geomspace(Q.min(), Q.max(), 200)
    # the fitted curve with alpha = 4 is a function of log(n nu^4) = log(Q d / p_b^2)
    ax.plot(qq, transition_curve(np.log(qq * d / MIX["p_both"] ** 2), fit["L4"], fit["k4"],
                                 fit["c4"]), "k--", lw=1, label="logistic fit (α = 4)")
    ax.set(xscale="log", xlabel="Q = n_st p_b² ‖ν‖⁴ / (σ_p⁴ d)",
           ylabel="hard-only test error (median ± SE)",
           title=f"collapse in Q; fitted α = {fit['alpha']:.1f} ({key})")
    ax.axhline(0.12, color="gray", lw=0.8, ls=":")
    ax.legend(fontsize=7)
    path = Path(out_dir) / "cnn_phase.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [path]

