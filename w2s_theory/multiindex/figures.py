"""Figure ``multiindex-alignment``: alignments vs d and vs step size, simulation against limits."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .._registry import figure
from .claims import DEFAULT
from .experiments import scaling_study, stepsize_study

COLORS = {"teacher_u1": "C0", "teacher_u2": "C3", "student_u1": "C2", "student_u2": "C1"}
LABELS = {"teacher_u1": r"teacher $\langle v_1,u_1\rangle^2$",
          "teacher_u2": r"teacher $\langle v_1,u_2\rangle^2$",
          "student_u1": r"student $\|P u_1\|^2$", "student_u2": r"student $\|P u_2\|^2$"}


def plot_alignment(scaling: dict, steps: dict, path: Path) -> Path:
    """Draw the ``multiindex-alignment`` figure from a scaling study and a step-size study.

    Left: the four alignments against d (± 2 SE) with their limits and the κ_T²/d rate of
    the teacher's hard-direction overlap (Moniri & Hassani 2025, Prop 10); right: the
    alignments against the step size with the limits of Prop 10 and Thm 11 and the
    teacher's large-step limit ρ_T².

    Parameters
    ----------
    scaling : dict
        Output of :func:`~w2s_theory.multiindex.experiments.scaling_study`.
    steps : dict
        Output of :func:`~w2s_theory.multiindex.experiments.stepsize_study`.
    path : pathlib.Path
        PNG file to write.

    Returns
    -------
    pathlib.Path
        *path*.

    Examples
    --------
    The scaling study takes seconds, so this is not run as a doctest:

    >>> from w2s_theory.multiindex.experiments import scaling_study, stepsize_study
    >>> sc = scaling_study(DEFAULT, (32, 64, 128), reps=lambda d: 12)  # doctest: +SKIP
    >>> st = stepsize_study(DEFAULT, np.geomspace(0.5, 12, 5), d=96, reps=4)  # doctest: +SKIP
    >>> plot_alignment(sc, st, Path("alignment.png"))  # doctest: +SKIP
    PosixPath('alignment.png')
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    d = np.array(scaling["d"], float)
    L = scaling["limits"]
    dd = np.geomspace(d.min() * 0.8, d.max() * 1.25, 50)
    for m, col in COLORS.items():
        mean, se = np.array(scaling[m]["mean"]), np.array(scaling[m]["se"])
        ax1.errorbar(d, mean, yerr=2 * se, fmt="o", color=col, label=LABELS[m], capsize=2)
        if m == "teacher_u2":
            ax1.plot(dd, L["teacher_u2_rate"] / dd, "--", color=col, lw=1,
                     label=r"$\kappa_T^2/d$ (Prop 10 rate)")
        else:
            ax1.axhline(L[m], ls="--", color=col, lw=1)
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("d")
    ax1.set_ylabel("alignment (squared overlap)")
    r = scaling["rates"]["teacher_abs_u2"]
    ax1.set_title(f"vs d (dashed: limits); fitted $|\\langle v_1,u_2\\rangle|\\sim d^{{{r['exponent']:.2f}}}$",
                  fontsize=9)
    ax1.legend(fontsize=7, loc="lower left")

    rows = steps["rows"]
    eta = np.array([row["eta"] for row in rows])
    ee = np.geomspace(eta.min() * 0.8, eta.max() * 1.25, 200)
    from . import theory as T
    h = DEFAULT.hermite
    for m, col in COLORS.items():
        if m == "teacher_u2":
            continue
        mean = np.array([row[f"{m}_mean"] for row in rows])
        se = np.array([row[f"{m}_se"] for row in rows])
        ax2.errorbar(eta, mean, yerr=2 * se, fmt="o", color=col, label=LABELS[m], capsize=2)
    s = DEFAULT
    ax2.plot(ee, T.teacher_u1(h["mu1"], h["c1"], h["Ey2"], s.psi_T, s.alpha, ee), "--", color=COLORS["teacher_u1"], lw=1)
    ax2.plot(ee, T.student_u1(h["mu1"], h["act_norm2"], h["c1"], h["Ey2"], s.psi_T, s.psi_S, s.alpha, ee, ee),
             "--", color=COLORS["student_u1"], lw=1)
    ax2.axhline(T.student_u2(s.beta, s.alpha), ls="--", color=COLORS["student_u2"], lw=1)
    ax2.axhline(T.teacher_u1_large_step(h["c1"], h["Ey2"], s.psi_T), ls=":", color=COLORS["teacher_u1"], lw=1,
                label=r"teacher large-step limit $\rho_T^2$")
    ax2.set_xscale("log")
    ax2.set_xlabel(r"step size $\eta=\eta_T=\eta_S$")
    ax2.set_ylabel("alignment")
    ax2.set_ylim(0, 1)
    ax2.set_title(f"vs step size, d={steps['d']}, {steps['reps']} reps (dashed: limits)", fontsize=9)
    ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


@figure("multiindex-alignment",
        help="§3: teacher/student alignment with u1, u2 vs d and vs step size (simulation vs limits)")
def _alignment(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    if quick:
        sc = scaling_study(DEFAULT, (32, 64, 128), quick=True, seed=seed, reps=lambda d: 12)
        st = stepsize_study(DEFAULT, np.geomspace(0.5, 12, 5), d=96, reps=4, seed=seed)
    else:
        sc = scaling_study(DEFAULT, (64, 128, 256, 512, 1024), seed=seed,
                           reps=lambda d: max(6, int(round(48 * (128 / d) ** 1.2))))
        st = stepsize_study(DEFAULT, np.geomspace(0.3, 12, 9), d=384, reps=8, seed=seed)
    return [plot_alignment(sc, st, Path(out_dir) / "multiindex_alignment.png")]
