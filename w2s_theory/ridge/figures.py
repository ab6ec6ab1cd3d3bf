"""Figure 1 of Moniri & Hassani (2025): E_S - E_T over (λ_T, λ_S), simulation vs theory.

``w2s figure ridge-fig1 --out DIR`` writes ``fig1_ridge_contours.png``.
"""
from __future__ import annotations

import pathlib

import numpy as np

from .._registry import figure
from ..simulate import simulate_ridge
from . import theory as T

#: (phi, psi, sigma2, r2) for the under- and over-parameterised student panels.
PANELS = ((0.5, 0.5, 2.0, 1.0), (0.5, 2.0, 2.0, 1.0))


def figure1_data(quick=False, seed=0):
    """Simulated and theoretical E_S - E_T on the figure's grid, per panel."""
    k, d, trials = (12, 300, 2) if quick else (32, 800, 3)
    lam_T = np.logspace(-3, 1, k)
    lam_S = np.logspace(-3, 2, k)
    out = []
    for i, (phi, psi, s2, r2) in enumerate(PANELS):
        sim = simulate_ridge(d, phi, psi, lam_T, lam_S, s2, r2, trials=trials, seed=[seed, i])
        th = T.error_gap(phi, psi, lam_T[:, None], lam_S[None, :], s2, r2)
        out.append(dict(phi=phi, psi=psi, sigma2=s2, r2=r2, lam_T=lam_T, lam_S=lam_S,
                        sim=sim.gap_mean, theory=th, d=d, trials=trials))
    return out


def gap_contour_panel(fig, ax, p, *, title, n_neg=8, n_pos=12, zero_color="firebrick"):
    """One panel of E_S - E_T over (λ_T, λ_S): simulated filled contours, theory contour
    lines at the same levels, the theory's E_S = E_T curve and the line λ_T = λ*.

    ``p`` holds ``lam_T, lam_S, sim, theory, phi, sigma2, r2`` (as from :func:`figure1_data`).
    """
    from matplotlib.colors import TwoSlopeNorm

    LT, LS = np.meshgrid(p["lam_T"], p["lam_S"], indexing="ij")
    # separate colour ranges below and above 0, so a small win region stays visible
    vmin, vmax = min(p["sim"].min(), -1e-3), max(p["sim"].max(), 1e-3)
    levels = np.concatenate([np.linspace(vmin, 0, n_neg)[:-1], np.linspace(0, vmax, n_pos)])
    cf = ax.contourf(LT, LS, p["sim"], levels=levels, cmap="RdBu_r",
                     norm=TwoSlopeNorm(0.0, vmin, vmax))
    ax.contour(LT, LS, p["theory"], levels=levels[::2], colors="firebrick",
               linestyles="dashed", linewidths=0.7)
    ax.contour(LT, LS, p["theory"], levels=[0.0], colors=zero_color, linewidths=2.0)
    ax.axvline(T.optimal_lambda(p["phi"], p["sigma2"], p["r2"]), color="black",
               linestyle="--", linewidth=1.5)
    ax.set(xscale="log", yscale="log", xlabel=r"teacher penalty $\lambda_T$",
           ylabel=r"student penalty $\lambda_S$")
    ax.set_title(title, fontsize=9)
    fig.colorbar(cf, ax=ax, label=r"$E_S - E_T$ (simulated)")


@figure("ridge-fig1", aliases=("fig1",), help="E_S - E_T contours over (λ_T, λ_S): simulation vs Thm 4 (Moniri & Hassani Fig 1)")
def fig1(out_dir: pathlib.Path, quick: bool = False, seed: int = 0):
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
