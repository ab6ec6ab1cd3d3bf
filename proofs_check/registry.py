"""Claim registry: claims are declared next to the mathematics they check.

A claim is a function decorated with :func:`claim`.  It receives a
:class:`Context` (quick mode, seed) and returns an :class:`Outcome`.  The
runner discovers claims by importing every ``claims`` module under the
``w2s_theory`` package, so a claim is never listed twice by hand.
"""
from __future__ import annotations

import dataclasses
import importlib
import math
import pkgutil
from typing import Callable

METHODS = ("symbolic", "high-precision", "simulation", "interval", "search", "certified")
STATUSES = ("pass", "fail", "discrepancy")


@dataclasses.dataclass(frozen=True)
class Context:
    """What a claim may know about the run.

    quick : bool
        Use the reduced parameter set (seconds, not minutes).
    seed : int
        Root seed; claims derive their streams with ``numpy.random.SeedSequence``.
    """

    quick: bool = False
    seed: int = 20251124


@dataclasses.dataclass
class Outcome:
    """Result of checking one claim.

    points : int
        Number of parameter points tried.
    worst : float
        Worst error (``worst_kind="error"``, smaller is better) or smallest
        margin (``worst_kind="margin"``, positive means the inequality held).
    passed : bool
        Whether the evidence supports the mathematical statement.
    discrepancy : bool
        The paper's *text* says something the evidence contradicts.  Reported
        as status ``discrepancy`` when ``passed`` (the corrected statement holds).
    detail : str
        One line for humans: what was compared and with which tolerance.
    """

    points: int
    worst: float
    passed: bool
    detail: str = ""
    worst_kind: str = "error"
    discrepancy: bool = False

    def __post_init__(self):
        if self.worst_kind not in ("error", "margin"):
            raise ValueError("worst_kind must be 'error' or 'margin'")
        self.worst = float(self.worst)
        if math.isnan(self.worst):
            raise ValueError("Outcome.worst is NaN: the claim computed nothing meaningful")


@dataclasses.dataclass(frozen=True)
class Claim:
    id: str
    title: str
    source: str
    method: str
    domain: str
    func: Callable[[Context], Outcome]
    module: str

    def run(self, ctx: Context) -> Outcome:
        return self.func(ctx)


REGISTRY: dict[str, Claim] = {}


def claim(*, id: str, title: str, source: str, method: str, domain: str = ""):
    """Register the decorated function as a checkable claim.

    Parameters
    ----------
    id : str
        Stable identifier, ``mechanism.short-name`` (part of the JSON contract).
    title : str
        The statement being checked, in words.
    source : str
        Paper and theorem/equation, e.g. ``"Moniri & Hassani 2025, Thm 5"``.
    method : {"symbolic", "high-precision", "simulation", "interval", "search", "certified"}
    domain : str
        The parameter domain tried, for the report.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")

    def decorate(func):
        if id in REGISTRY and REGISTRY[id].func.__qualname__ != func.__qualname__:
            raise ValueError(f"duplicate claim id {id!r}")
        REGISTRY[id] = Claim(id, title, source, method, domain, func, func.__module__)
        return func

    return decorate


def discover(package: str = "w2s_theory") -> dict[str, Claim]:
    """Import every ``claims`` (or ``claims_*``) module below *package*; return the registry."""
    pkg = importlib.import_module(package)
    for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf == "claims" or leaf.startswith("claims_"):
            importlib.import_module(info.name)
    return REGISTRY
