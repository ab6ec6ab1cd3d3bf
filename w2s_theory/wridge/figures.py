"""Figures 2, 3 and 6–9 of Moniri & Hassani (2025): weighted-ridge student and Appendix E.

``w2s figure wridge-fig2 --out DIR`` etc.  Every figure overlays seeded simulations
(:func:`w2s_theory.wridge.simulate.simulate_wridge`, spectral reuse) on the
limiting formulas of :mod:`w2s_theory.wridge.theory`.  The paper's parameter
values were stripped from the text; the values used here are stated in each
figure's title and in docs/theory/wridge.rst.
"""
from __future__ import annotations

import pathlib

import numpy as np

from .._progress import progress
from .._registry import figure
from ..ridge.figures import gap_contour_panel
from .. import ridge
from . import theory as T
from .simulate import simulate_wridge

#: Fig 2 panels: (phi, psi, sigma2, r2, rho), ω = 0 (θ unpenalised).
FIG2_PANELS = ((0.5, 0.5, 2.0, 1.0, 0.9), (0.5, 2.0, 2.0, 1.0, 0.9))
#: Fig 3: (phi, psi, sigma2, r2), λ_T = λ*, ρ values.
FIG3_SETTING = (0.5, 0.5, 1.0, 1.0)
FIG3_RHOS = (0.0, 0.4, 0.6, 0.8, 1.0)
#: Appendix E figures: name -> (teacher λ_T rule, λ_S, title).
APPE_PSIS = (0.5, 1.0, 2.0)
APPE_NOISE = (1.0, 1.0)   # σ², r²
APPE_FIGS = {
    "fig6": ("ridgeless", 0.1, r"ridgeless teacher ($\lambda_T\to 0$), $\lambda_S=0.1$"),
    "fig7": ("ridgeless", 1.0, r"ridgeless teacher ($\lambda_T\to 0$), $\lambda_S=1$"),
    "fig8": ("optimal", 1.0, r"optimally tuned teacher ($\lambda_T=\lambda^*(\varphi)$), $\lambda_S=1$"),
    "fig9": (0.05, 1.0, r"under-regularised teacher ($\lambda_T=0.05$), $\lambda_S=1$"),
}


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def figure2_data(quick=False, seed=0):
    """Simulated and theoretical E_S - E_T on a (λ_T, λ_S) grid, per panel.

    For each panel of :data:`FIG2_PANELS` (ω = 0, i.e. θ unpenalised): the simulated
    gap of :func:`~w2s_theory.wridge.simulate.simulate_wridge` and the limit of
    Moniri & Hassani (2025), Theorem 8 (:func:`w2s_theory.wridge.theory.error_gap`;
    ``docs/theory/wridge.rst``).

    Parameters
    ----------
    quick : bool, default False
        10 × 10 grid, d = 250, 2 trials; else 28 × 28, d = 700, 4 trials.
    seed : int >= 0, default 0
        Root seed; panel i uses ``[seed, 2, i]``.

    Returns
    -------
    list of dict
        One per panel: ``phi, psi, sigma2, r2, rho, lam_T, lam_S``, ``sim`` and
        ``theory`` (shape (len(lam_T), len(lam_S))), ``d``, ``trials``.

    Examples
    --------
    >>> data = figure2_data(quick=True, seed=0)
    >>> [p["psi"] for p in data], data[0]["sim"].shape, data[0]["theory"].shape
    ([0.5, 2.0], (10, 10), (10, 10))
    """
    k, d, trials = (10, 250, 2) if quick else (28, 700, 4)
    lam_T, lam_S = np.logspace(-3, 1, k), np.logspace(-3, 2, k)
    out = []
    for i, (phi, psi, s2, r2, rho) in progress(list(enumerate(FIG2_PANELS)), desc="wridge-fig2 panels"):
        sim = simulate_wridge(d, phi, psi, lam_T, lam_S, s2, r2, [rho], [0.0], trials=trials,
                              seed=[seed, 2, i])
        th = T.error_gap(phi, psi, lam_T[:, None], lam_S[None, :], s2, r2, rho, 0.0)
        out.append(dict(phi=phi, psi=psi, sigma2=s2, r2=r2, rho=rho, lam_T=lam_T, lam_S=lam_S,
                        sim=sim.gap_mean[:, :, 0, 0], theory=th, d=d, trials=trials))
    return out


@figure("wridge-fig2", aliases=("fig2",), help="E_S - E_T contours over (λ_T, λ_S) for the weighted student: simulation vs Thm 8 (Fig 2)")
def fig2(out_dir: pathlib.Path, quick: bool = False, seed: int = 0):
    """Figure 2 of Moniri & Hassani (2025): E_S − E_T contours for the weighted-ridge student.

    Filled contours of the simulation, dashed contours and the E_S = E_T curve of the
    Theorem 8 limit, over (λ_T, λ_S), from :func:`figure2_data` (Γ = I + κθθᵀ, κ = ∞).

    Registered as ``w2s figure wridge-fig2`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True`` (default False): 10 × 10 grid, d = 250, 2 trials.
        Otherwise 28 × 28 grid, d = 700, 4 trials.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'wridge_fig2_contours.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["wridge-fig2"][0] is fig2
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = fig2(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['wridge_fig2_contours.png']
    """
    plt = _plt()
    data = figure2_data(quick, seed)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), constrained_layout=True)
    for ax, p in zip(axes, data):
        regime = "under" if p["psi"] < 1 else "over"
        gap_contour_panel(fig, ax, p, n_neg=10, n_pos=6, zero_color="black",
                          title=f"{regime}-parameterised student: φ={p['phi']}, ψ={p['psi']}, "
                                f"σ²={p['sigma2']}, r²={p['r2']}, ρ={p['rho']}, κ=∞")
    fig.suptitle(f"Weighted-ridge student, Γ = I + κθθᵀ. Filled: simulation (d={data[0]['d']}, "
                 f"{data[0]['trials']} trials); dashed red: Thm 8 (derived) contours; solid black (theory): "
                 r"$E_S=E_T$; dashed black: $\lambda_T=\lambda^*$", fontsize=8.5)
    path = pathlib.Path(out_dir) / "wridge_fig2_contours.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return [path]


@figure("wridge-fig3", aliases=("fig3",), help="Weighted student's E_S vs λ_S for several ρ, teacher at λ* (Fig 3)")
def fig3(out_dir: pathlib.Path, quick: bool = False, seed: int = 0):
    """Figure 3 of Moniri & Hassani (2025): the weighted student's E_S against λ_S for several ρ.

    Teacher at λ_T = λ* (:data:`FIG3_SETTING`), feature qualities ρ in :data:`FIG3_RHOS`, κ
    = ∞: Theorem 8 curves (:func:`w2s_theory.wridge.theory.student_error`) with simulated
    points ± 2 SE, and the teacher's E_T.

    Registered as ``w2s figure wridge-fig3`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True`` (default False): d = 250, 2 trials, 9 values of λ_S.
        Otherwise d = 800, 3 trials, 17 values of λ_S.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'wridge_fig3_rho.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["wridge-fig3"][0] is fig3
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = fig3(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['wridge_fig3_rho.png']
    """
    plt = _plt()
    phi, psi, s2, r2 = FIG3_SETTING
    lt = float(ridge.optimal_lambda(phi, s2, r2))
    d, trials, k = (250, 2, 9) if quick else (800, 3, 17)
    ls_sim = np.logspace(-2, 2, k)
    sim = simulate_wridge(d, phi, psi, [lt], ls_sim, s2, r2, np.array(FIG3_RHOS), [0.0],
                          trials=trials, seed=[seed, 3])
    ls = np.logspace(-2, 2, 300)
    fig, ax = plt.subplots(figsize=(6.4, 4.4), constrained_layout=True)
    # viridis up to 0.75 (the yellow end is unreadable on white); rho = 1, the curve that wins,
    # in a contrasting colour and a heavier line
    colours = list(plt.cm.viridis(np.linspace(0, 0.75, len(FIG3_RHOS))))
    for j, (rho, c) in enumerate(zip(FIG3_RHOS, colours)):
        one = rho == 1.0
        c = "tab:red" if one else c
        ax.plot(ls, T.student_error(phi, psi, lt, ls, s2, r2, rho, 0.0), "-" if one else "--",
                color=c, lw=2.2 if one else 1.5, label=f"ρ={rho}")
        ax.errorbar(ls_sim, sim.student_mean[0, :, j, 0], yerr=2 * sim.student_se[0, :, j, 0],
                    fmt="o", color=c, ms=4)
    ax.axhline(ridge.teacher_error(phi, lt, s2, r2), color="black", linestyle="--", label=r"$E_T$")
    ax.set(xscale="log", xlabel=r"student penalty $\lambda_S$", ylabel=r"student test error $E_S$")
    ax.set_title(f"φ={phi}, ψ={psi}, σ²={s2}, r²={r2}, λ_T=λ*={lt:g}, κ=∞; circles: d={d}, "
                 f"{trials} trials (±2 SE)", fontsize=8.5)
    ax.legend(fontsize=8)
    path = pathlib.Path(out_dir) / "wridge_fig3_rho.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return [path]


def _lam_T(rule, phi, s2, r2):
    if rule == "ridgeless":
        return 0.0
    if rule == "optimal":
        return float(ridge.optimal_lambda(phi, s2, r2))
    return float(rule)


def appendix_e_data(name, quick=False, seed=0):
    """Theory curves and simulated points of E_S(φ) for one of Figs 6–9.

    The plain ridge student (ω = 1) against the teacher's aspect ratio φ, for ψ in
    :data:`APPE_PSIS`, with the teacher's penalty set by the figure's rule in
    :data:`APPE_FIGS` (ridgeless, λ*(φ) or a fixed λ_T); theory from
    :mod:`w2s_theory.wridge.theory` (Moniri & Hassani 2025, Appendix E, Figures 6–9).

    Parameters
    ----------
    name : {"fig6", "fig7", "fig8", "fig9"}
        Key of :data:`APPE_FIGS`.
    quick : bool, default False
        6 simulated φ values, d = 150, 2 trials; else 12 values, d = 400, 3 trials.
    seed : int >= 0, default 0

    Returns
    -------
    dict
        ``phi`` (600-point grid, avoiding φ = 1), ``curves`` (ψ -> E_S on the grid),
        ``teacher`` (E_T on the grid), ``points`` (ψ -> list of (φ, mean, SE)),
        ``d``, ``trials``, ``lam_S``, ``rule``.

    Examples
    --------
    The rules are cheap to inspect; the data take about a second even with
    ``quick=True``, so that call is not run as a doctest:

    >>> APPE_FIGS["fig8"][:2]
    ('optimal', 1.0)
    >>> data = appendix_e_data("fig8", quick=True)  # doctest: +SKIP
    >>> sorted(data)  # doctest: +SKIP
    ['curves', 'd', 'lam_S', 'phi', 'points', 'rule', 'teacher', 'trials']
    """
    rule, lam_S, _ = APPE_FIGS[name]
    s2, r2 = APPE_NOISE
    phi = np.concatenate([np.geomspace(0.05, 0.995, 300), np.geomspace(1.005, 10, 300)])
    phi_sim = np.array([0.2, 0.5, 0.8, 1.3, 2.0, 4.0]) if quick else \
        np.array([0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 1.25, 1.5, 2.0, 3.0, 5.0, 8.0])
    d, trials = (150, 2) if quick else (400, 3)
    curves, points = {}, {}
    for psi in APPE_PSIS:
        if rule == "ridgeless":
            curves[psi] = T.student_error_ridgeless_teacher(phi, psi, lam_S, s2, r2)
        else:
            lt = np.array([_lam_T(rule, p, s2, r2) for p in phi])
            curves[psi] = T.student_error(phi, psi, lt, lam_S, s2, r2, 0.0, 1.0)
    teacher = (ridge.ridgeless_teacher_error(phi, s2, r2) if rule == "ridgeless" else
               ridge.teacher_error(phi, np.array([_lam_T(rule, p, s2, r2) for p in phi]), s2, r2))
    jobs = [(psi, k, p) for psi in APPE_PSIS for k, p in enumerate(phi_sim)]
    for psi, k, p in progress(jobs, desc=name, disable=quick):
        sim = simulate_wridge(d, p, psi, [_lam_T(rule, p, s2, r2)], [lam_S], s2, r2, [0.0], [1.0],
                              trials=trials, seed=[seed, 6, int(psi * 10), k])
        points.setdefault(psi, []).append((p, sim.student_mean[0, 0, 0, 0], sim.student_se[0, 0, 0, 0]))
    return dict(phi=phi, curves=curves, teacher=teacher, points=points, d=d, trials=trials,
                lam_S=lam_S, rule=rule)


def _appendix_e_figure(name, out_dir, quick, seed):
    plt = _plt()
    data = appendix_e_data(name, quick, seed)
    fig, ax = plt.subplots(figsize=(6.4, 4.4), constrained_layout=True)
    colors = plt.cm.plasma(np.linspace(0.05, 0.8, len(APPE_PSIS)))
    for psi, c in zip(APPE_PSIS, colors):
        ax.plot(data["phi"], data["curves"][psi], "-", color=c, label=f"student, ψ={psi}")
        pts = np.array(data["points"][psi])
        ax.errorbar(pts[:, 0], pts[:, 1], yerr=2 * pts[:, 2], fmt="o", color=c, ms=4)
    ax.plot(data["phi"], data["teacher"], "k--", lw=1, label="teacher $E_T$")
    top = max(np.percentile(data["curves"][psi], 95) for psi in APPE_PSIS)
    ax.set(xscale="log", xlabel=r"teacher aspect ratio $\varphi = d/n$", ylabel="test error",
           ylim=(0, 1.15 * top))
    if data["rule"] == "ridgeless":
        ax.axvline(1.0, color="grey", lw=0.6)
    ax.set_title(APPE_FIGS[name][2] + f"; σ²=r²=1; circles: d={data['d']}, {data['trials']} trials",
                 fontsize=8.5)
    ax.legend(fontsize=8)
    path = pathlib.Path(out_dir) / f"wridge_{name}_phi.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return [path]


def _register(name):
    rule = APPE_FIGS[name][0]
    helptext = {"ridgeless": "ridgeless teacher: the student inherits the peak at φ = 1",
                "optimal": "teacher at λ*(φ): monotone, student never wins",
                }.get(rule if isinstance(rule, str) else "", "fixed small λ_T: still non-monotone")

    @figure(f"wridge-{name}", aliases=(name,), help=f"Student E_S vs teacher aspect ratio φ (App E, {name[:3].capitalize()} "
                       f"{name[3:]}): {helptext}")
    def _fig(out_dir: pathlib.Path, quick: bool = False, seed: int = 0):
        return _appendix_e_figure(name, out_dir, quick, seed)
    return _fig


for _name in APPE_FIGS:
    _register(_name)
