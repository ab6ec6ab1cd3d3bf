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
    def deco(func):
        FIGURES[name] = (func, help)
        for alias in aliases:
            FIGURE_ALIASES[alias] = name
        return func
    return deco


def experiment(name: str, help: str):
    def deco(func):
        EXPERIMENTS[name] = (func, help)
        return func
    return deco


def discover():
    import w2s_theory
    for info in pkgutil.walk_packages(w2s_theory.__path__, prefix="w2s_theory."):
        if info.name.rsplit(".", 1)[-1] in ("figures", "experiments"):
            importlib.import_module(info.name)
    return FIGURES, EXPERIMENTS
