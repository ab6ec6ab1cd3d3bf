"""Registries for figures and experiments, declared next to their mechanism.

``@figure("ridge-fig1", help=..., aliases=("fig1",))`` and
``@experiment("cosine-anisotropic", help=...)`` register a function; the ``w2s``
CLI discovers them by importing every ``figures`` and ``experiments`` module
below ``w2s_theory``.  Names follow one scheme, ``<mechanism>-<name>``; older
names stay usable as aliases.

A figure function has signature ``f(out_dir: pathlib.Path, quick: bool, seed: int)
-> list[pathlib.Path]`` (the PNG files written).  An experiment function has
signature ``f(quick: bool, seed: int) -> dict`` (JSON-serialisable results) and
shows a progress bar for long loops (:func:`w2s_theory._progress.progress`).
"""
from __future__ import annotations

import importlib
import pkgutil

FIGURES: dict[str, tuple] = {}
FIGURE_ALIASES: dict[str, str] = {}
"""Old figure name -> its ``<mechanism>-<name>`` name."""
EXPERIMENTS: dict[str, tuple] = {}


def figure(name: str, help: str, aliases: tuple[str, ...] = ()):
    """Register a figure function for ``w2s figure``.

    Parameters
    ----------
    name : str
        ``<mechanism>-<name>``, e.g. ``"ridge-fig1"``.
    help : str
        One line for ``w2s list`` (plain text).
    aliases : tuple of str
        Older names that still select this figure.

    Returns
    -------
    callable
        A decorator that registers ``func(out_dir, quick, seed) -> list[Path]`` and
        returns it unchanged.

    Examples
    --------
    >>> @figure("example-demo", help="a demo", aliases=("demo",))
    ... def _(out_dir, quick, seed):
    ...     return []
    >>> FIGURE_ALIASES["demo"], FIGURES["example-demo"][1]
    ('example-demo', 'a demo')
    >>> del FIGURES["example-demo"], FIGURE_ALIASES["demo"]
    """
    def deco(func):
        FIGURES[name] = (func, help)
        for alias in aliases:
            FIGURE_ALIASES[alias] = name
        return func
    return deco


def experiment(name: str, help: str):
    """Register an experiment ``func(quick, seed) -> dict`` for ``w2s experiment``.

    Parameters
    ----------
    name : str
        ``<mechanism>-<name>``, e.g. ``"cosine-anisotropic"``.
    help : str
        One line for ``w2s list`` (plain text).

    Returns
    -------
    callable
        A decorator that registers the function and returns it unchanged.

    Examples
    --------
    >>> @experiment("example-demo", help="a demo")
    ... def _(quick, seed):
    ...     return {"seed": seed}
    >>> EXPERIMENTS["example-demo"][0](True, 3)
    {'seed': 3}
    >>> del EXPERIMENTS["example-demo"]
    """
    def deco(func):
        EXPERIMENTS[name] = (func, help)
        return func
    return deco


def discover():
    """Import every ``figures`` and ``experiments`` module below ``w2s_theory``.

    Returns
    -------
    tuple of dict
        ``(FIGURES, EXPERIMENTS)``: name -> ``(function, help)``.

    Examples
    --------
    >>> figures, experiments = discover()
    >>> "ridge-fig1" in figures and "fdiv-w2s" in experiments
    True
    """
    import w2s_theory
    for info in pkgutil.walk_packages(w2s_theory.__path__, prefix="w2s_theory."):
        if info.name.rsplit(".", 1)[-1] in ("figures", "experiments"):
            importlib.import_module(info.name)
    return FIGURES, EXPERIMENTS
