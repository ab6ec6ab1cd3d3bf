"""``w2s figure fdiv-w2s``: PGR per f-divergence loss (clean / noisy), excess risk vs n,
and PGR vs label-noise level."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .._registry import figure


def plot(result: dict, path: Path) -> Path:
    """Draw the two-panel figure from a :func:`experiments.run` result.

    Left: PGR per loss, clean and with ``eta`` flipped labels, against the
    restricted-view optimum; middle: excess f-risk against n on log axes with the
    fitted rate and its 95 % interval per loss; right (if the result has a
    ``noise_sweep``): PGR against the noise level.

    Parameters
    ----------
    result : dict
        Output of :func:`w2s_theory.fdiv.experiments.run`.
    path : pathlib.Path
        PNG file to write.

    Returns
    -------
    pathlib.Path
        *path*.

    Examples
    --------
    Needs a full experiment result (minutes), so not run as a doctest:

    >>> from w2s_theory.fdiv.experiments import run
    >>> plot(run(True, 0, show=False), Path("fdiv_w2s.png"))  # doctest: +SKIP
    PosixPath('fdiv_w2s.png')
    """
    import matplotlib
    import matplotlib.ticker
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    eta = result["eta"]
    names = list(result["misfit"]["losses"])
    sweep = result.get("noise_sweep")
    fig, axes = plt.subplots(1, 3 if sweep else 2, figsize=(15 if sweep else 10, 3.8))
    a, b = axes[0], axes[1]
    x = np.arange(len(names))
    for off, key, lab in ((-0.2, "pgr_eta0", "clean"), (0.2, f"pgr_eta{eta:g}", f"{eta:g} flipped")):
        m = [result["misfit"]["losses"][k][key]["mean"] for k in names]
        s = [result["misfit"]["losses"][k][key]["se"] for k in names]
        a.bar(x + off, m, 0.4, yerr=s, capsize=3, label=lab)
    mis = result["misfit"]
    err_weak = mis["err_weak"]["mean"]
    lim = (err_weak - mis["err_restricted"]) / (err_weak - mis["err_ceiling"])
    a.axhline(lim, color="k", ls=":", lw=1, label="restricted-view optimum")
    a.set_xticks(x, names, rotation=30)
    a.set_ylabel("PGR (mean ± SE over seeds)")
    a.set_title(f"weak view: tau={result['config']['tau']:g}, n={result['config']['n']}")
    a.legend(fontsize=8)
    sc = result["sample_complexity"]
    ns = np.array(sc["ns"], float)
    for k in names:
        m = np.array(sc["curves"][k]["mean"])
        r = sc["rates"][k]
        b.errorbar(ns, m, yerr=sc["curves"][k]["se"], marker="o", ms=3, capsize=2,
                   label=f"{k}: n^-{r['rate']:.2f} [{r['ci95'][0]:.2f}, {r['ci95'][1]:.2f}]")
    b.plot(ns, m[0] * ns[0] / ns, "k--", lw=1, label="slope -1")
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xticks(ns, [f"{int(v)}" for v in ns])
    b.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    b.set_xlabel("n (student samples)")
    b.set_ylabel("excess f-risk of the ERM head")
    b.legend(fontsize=7)
    if sweep:
        c = axes[2]
        etas = np.array(sweep["etas"])
        for j, k in enumerate(names):
            ent = sweep["table"]["losses"][k]
            m = [ent[f"pgr_eta{e:g}"]["mean"] for e in etas]
            s = [ent[f"pgr_eta{e:g}"]["se"] for e in etas]
            c.errorbar(etas + 0.004 * (j - 3), m, yerr=s, marker="o", ms=3, capsize=2, label=k)
        c.set_xlabel("fraction of flipped soft labels eta")
        c.set_ylabel("PGR (mean ± SE)")
        c.set_title("noise robustness")
        c.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


@figure("fdiv-w2s", aliases=("fdiv_w2s",), help="PGR per f-divergence loss with/without label noise; excess risk vs n")
def fdiv_w2s_figure(out_dir: Path, quick: bool, seed: int) -> list[Path]:
    """PGR per loss (clean and noisy), excess risk against n, and PGR against the noise level.

    Runs :func:`w2s_theory.fdiv.experiments.run` and draws it with :func:`plot`.

    Registered as ``w2s figure fdiv-w2s`` (:func:`w2s_theory._registry.figure`).

    Parameters
    ----------
    out_dir : pathlib.Path
        Existing directory the PNG is written to.
    quick : bool
        Sizes of :func:`w2s_theory.fdiv.experiments.config` ``(True)`` (minutes).
        Otherwise the full study.
    seed : int >= 0
        Root seed of the simulations.

    Returns
    -------
    list of pathlib.Path
        The file written: 'fdiv_w2s.png'.

    Examples
    --------
    >>> from w2s_theory._registry import FIGURES
    >>> FIGURES["fdiv-w2s"][0] is fdiv_w2s_figure
    True

    The study takes minutes even with ``quick=True`` (matplotlib and the
    simulations), so it is not run as a doctest:

    >>> import pathlib, tempfile
    >>> paths = fdiv_w2s_figure(pathlib.Path(tempfile.mkdtemp()), quick=True, seed=0)  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['fdiv_w2s.png']
    """
    from .experiments import run
    return [plot(run(quick, seed), Path(out_dir) / "fdiv_w2s.png")]
