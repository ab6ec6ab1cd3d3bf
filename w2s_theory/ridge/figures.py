"""Figure 1 of Moniri & Hassani (2025): E_S - E_T over (λ_T, λ_S), simulation vs theory.

``w2s figure ridge-fig1 --out DIR`` writes ``fig1_ridge_contours.png``.
"""
from __future__ import annotations

import pathlib

import numpy as np

from .._progress import progress
from .._registry import figure
from ..simulate import simulate_ridge
from . import theory as T

#: (phi, psi, sigma2, r2) for the under- and over-parameterised student panels.
PANELS = ((0.5, 0.5, 2.0, 1.0), (0.5, 2.0, 2.0, 1.0))


def figure1_data(quick=False, seed=0):
    """Simulated and theoretical E_S - E_T on the figure's grid, per panel.

    For each panel of :data:`PANELS`, the simulated gap of
    :func:`w2s_theory.simulate.simulate_ridge` (β and ε integrated out) and the
    limit E_S − E_T of Moniri & Hassani (2025), Theorem 4
    (:func:`w2s_theory.ridge.theory.error_gap`), on a log grid of (λ_T, λ_S)
    (``docs/theory/ridge.rst``).

    Parameters
    ----------
    quick : bool, default False
        12 × 12 grid, d = 300, 2 trials (about a second); else 32 × 32, d = 800, 3 trials.
    seed : int >= 0, default 0
        Root seed; panel i uses ``[seed, i]``.

    Returns
    -------
    list of dict
        One per panel: ``phi, psi, sigma2, r2, lam_T, lam_S`` (grid axes), ``sim`` and
        ``theory`` (arrays of shape (len(lam_T), len(lam_S))), ``d``, ``trials``.

    Examples
    --------
    About a second even with ``quick=True``, so not run as a doctest:

    >>> data = figure1_data(quick=True, seed=0)  # doctest: +SKIP
    >>> data[0]["sim"].shape, bool(abs(data[0]["sim"] - data[0]["theory"]).max() < 0.05)  # doctest: +SKIP
    ((12, 12), True)
    """
    k, d, trials = (12, 300, 2) if quick else (32, 800, 3)
    lam_T = np.logspace(-3, 1, k)
    lam_S = np.logspace(-3, 2, k)
    out = []
    for i, (phi, psi, s2, r2) in progress(list(enumerate(PANELS)), desc="ridge-fig1 panels"):
        sim = simulate_ridge(d, phi, psi, lam_T, lam_S, s2, r2, trials=trials, seed=[seed, i])
        th = T.error_gap(phi, psi, lam_T[:, None], lam_S[None, :], s2, r2)
        out.append(dict(phi=phi, psi=psi, sigma2=s2, r2=r2, lam_T=lam_T, lam_S=lam_S,
                        sim=sim.gap_mean, theory=th, d=d, trials=trials))
    return out


def gap_levels(values, n_neg=8, n_pos=12):
    """Contour levels, colour norm and colourbar ticks for a signed surface.

    Below and above 0 the levels are separate round-step sequences (steps 1, 2,
    2.5 or 5 times a power of ten, from :class:`matplotlib.ticker.MaxNLocator`)
    through 0, at most about *n_neg* / *n_pos* of them, so a small win region
    keeps its own colour range and every tick is a round number.

    Parameters
    ----------
    values : array_like
        The surface (e.g. E_S − E_T); its range sets the levels.
    n_neg, n_pos : int >= 1, default 8 and 12
        About how many levels below and above 0.

    Returns
    -------
    levels : ndarray
        Increasing levels covering ``values``, containing 0.
    norm : matplotlib.colors.TwoSlopeNorm
        Centred at 0.
    ticks : ndarray
        The levels to label (every other one on a side with more than 7).

    Examples
    --------
    >>> levels, norm, ticks = gap_levels(np.array([-1.07, 0.43]))
    >>> levels.tolist()
    [-1.2, -1.0, -0.8, -0.6, -0.4, -0.2, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]
    """
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.ticker import MaxNLocator

    steps = [1, 2, 2.5, 5, 10]
    lo, hi = min(float(np.min(values)), -1e-3), max(float(np.max(values)), 1e-3)
    neg = MaxNLocator(n_neg, steps=steps).tick_values(lo, 0.0)
    pos = MaxNLocator(n_pos, steps=steps).tick_values(0.0, hi)
    neg = neg[(neg <= 0) & (neg >= lo - (neg[1] - neg[0]))]   # one level at or below the minimum
    pos = pos[(pos >= 0) & (pos <= hi + (pos[1] - pos[0]))]   # one level at or above the maximum
    levels = np.round(np.concatenate([neg[:-1], pos]), 12)   # 0 once; no float fuzz in labels
    norm = TwoSlopeNorm(0.0, levels[0], levels[-1])
    neg_t, pos_t = levels[levels <= 0], levels[levels >= 0]
    ticks = np.concatenate([neg_t[::-1][::2 if len(neg_t) > 7 else 1][::-1],
                            pos_t[::2 if len(pos_t) > 7 else 1][1:]])
    return levels, norm, ticks


def gap_contour_panel(fig, ax, p, *, title, n_neg=8, n_pos=12, zero_color="firebrick"):
    """One panel of E_S - E_T over (λ_T, λ_S): simulated filled contours, theory contour
    lines at the same levels, the theory's E_S = E_T curve and the line λ_T = λ*.

    λ* = φσ²/r² is the teacher's optimal ridge penalty (Dobriban & Wager 2018,
    Thm 2.1; :func:`w2s_theory.ridge.theory.optimal_lambda`).

    Parameters
    ----------
    fig, ax : matplotlib Figure and Axes
    p : dict
        ``lam_T, lam_S, sim, theory, phi, sigma2, r2`` (as from :func:`figure1_data`).
    title : str
    n_neg, n_pos : int
        About how many round-step levels below and above 0 (:func:`gap_levels`).
    zero_color : str
        Colour of the theory's E_S = E_T curve.

    Returns
    -------
    None
        Draws on *ax* and adds a colourbar with round ticks to *fig*.

    Examples
    --------
    A panel of the theory alone on a 6 × 6 grid:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> lt, ls = np.logspace(-3, 1, 6), np.logspace(-3, 2, 6)
    >>> gap = T.error_gap(0.5, 0.5, lt[:, None], ls[None, :], 2.0, 1.0)
    >>> p = dict(lam_T=lt, lam_S=ls, sim=gap, theory=gap, phi=0.5, sigma2=2.0, r2=1.0)
    >>> fig, ax = plt.subplots()
    >>> gap_contour_panel(fig, ax, p, title="theory only")
    >>> ax.get_xscale(), len(fig.axes)          # log axes, plus the colourbar
    ('log', 2)
    >>> plt.close(fig)
    """
    LT, LS = np.meshgrid(p["lam_T"], p["lam_S"], indexing="ij")
    levels, norm, ticks = gap_levels(p["sim"], n_neg, n_pos)
    cf = ax.contourf(LT, LS, p["sim"], levels=levels, cmap="RdBu_r", norm=norm)
    ax.contour(LT, LS, p["theory"], levels=levels[::2], colors="firebrick",
               linestyles="dashed", linewidths=0.7)
    ax.contour(LT, LS, p["theory"], levels=[0.0], colors=zero_color, linewidths=2.0)
    ax.axvline(T.optimal_lambda(p["phi"], p["sigma2"], p["r2"]), color="black",
               linestyle="--", linewidth=1.5)
    ax.set(xscale="log", yscale="log", xlabel=r"teacher penalty $\lambda_T$",
           ylabel=r"student penalty $\lambda_S$")
    ax.set_title(title, fontsize=9)
    fig.colorbar(cf, ax=ax, ticks=ticks, format="%g", label=r"$E_S - E_T$ (simulated)")


@figure("ridge-fig1", aliases=("fig1",), help="E_S - E_T contours over (λ_T, λ_S): simulation vs Thm 4 (Moniri & Hassani Fig 1)")
def fig1(out_dir: pathlib.Path, quick: bool = False, seed: int = 0):
    """Figure 1 of Moniri & Hassani (2025): E_S − E_T contours over (λ_T, λ_S), simulation against Theorem 4.

    Two panels (under- and over-parameterised student, :data:`PANELS`) drawn by
    :func:`gap_contour_panel` from :func:`figure1_data`.

    Registered as ``w2s figure ridge-fig1`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        ``quick=True`` (default False): 12 × 12 grid, d = 300, 2 trials.
        Otherwise 32 × 32 grid, d = 800, 3 trials.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'fig1_ridge_contours.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["ridge-fig1"][0] is fig1
    True

    Rendering takes seconds even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = fig1(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['fig1_ridge_contours.png']
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = figure1_data(quick, seed)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), constrained_layout=True)
    for ax, p in zip(axes, data):
        regime = "under" if p["psi"] < 1 else "over"
        gap_contour_panel(fig, ax, p, title=f"{regime}-parameterised student: φ={p['phi']}, "
                                            f"ψ={p['psi']}, σ²={p['sigma2']}, r²={p['r2']}")
    fig.suptitle(f"Filled: simulation (d={data[0]['d']}, {data[0]['trials']} trials, β and ε "
                 r"integrated out); dashed red: Thm 4 contours; solid red: $E_S=E_T$; "
                 r"dashed black: $\lambda_T=\lambda^*$", fontsize=8.5)
    path = pathlib.Path(out_dir) / "fig1_ridge_contours.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]
