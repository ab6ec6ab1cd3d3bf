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
import warnings
from importlib import metadata
from typing import Callable

from w2s_theory._cli_common import DEFAULT_SEED

METHODS = ("symbolic", "high-precision", "simulation", "interval", "search", "certified")
STATUSES = ("pass", "fail", "discrepancy")


@dataclasses.dataclass(frozen=True)
class Context:
    """What a claim may know about the run.

    Parameters
    ----------
    quick : bool
        Use the reduced parameter set (seconds, not minutes).
    seed : int
        Root seed; claims derive their streams with ``numpy.random.SeedSequence``.
        Default: the one shared by ``w2s-check`` and ``w2s`` (20251124).

    Examples
    --------
    >>> Context(quick=True)
    Context(quick=True, seed=20251124)
    """

    quick: bool = False
    seed: int = DEFAULT_SEED


@dataclasses.dataclass
class Outcome:
    """Result of checking one claim.

    Parameters
    ----------
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
    worst_kind : {"error", "margin"}
        How to read ``worst``.

    Raises
    ------
    ValueError
        If ``worst`` is NaN or ``worst_kind`` is not one of the two kinds.

    Examples
    --------
    >>> Outcome(points=3, worst=0.2, passed=True, worst_kind="margin", detail="min margin 0.2")
    Outcome(points=3, worst=0.2, passed=True, detail='min margin 0.2', worst_kind='margin', discrepancy=False)
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
    """A registered claim (made by :func:`claim`; the fields are its arguments).

    ``func`` maps a :class:`Context` to an :class:`Outcome`; ``module`` is the
    module that defined it (used by ``w2s-check --module``).
    """

    id: str
    title: str
    source: str
    method: str
    domain: str
    func: Callable[[Context], Outcome]
    module: str

    def run(self, ctx: Context) -> Outcome:
        """Call the claim's function (no error handling: see :func:`proofs_check.runner.run_claim`)."""
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

    Returns
    -------
    callable
        A decorator that registers its function in :data:`REGISTRY` and returns it unchanged.

    Raises
    ------
    ValueError
        For an unknown ``method`` or an id already used by another function.

    Examples
    --------
    >>> @claim(id="example.one-plus-one", title="1 + 1 = 2", source="arithmetic",
    ...        method="symbolic")
    ... def _(ctx):
    ...     return Outcome(points=1, worst=abs(1 + 1 - 2), passed=1 + 1 == 2, detail="exact")
    >>> REGISTRY["example.one-plus-one"].run(Context()).passed
    True
    >>> del REGISTRY["example.one-plus-one"]
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")

    def decorate(func):
        if id in REGISTRY and REGISTRY[id].func.__qualname__ != func.__qualname__:
            raise ValueError(f"duplicate claim id {id!r}")
        REGISTRY[id] = Claim(id, title, source, method, domain, func, func.__module__)
        return func

    return decorate


ENTRY_POINT_GROUP = "w2s_theory.claims"
"""Entry-point group through which installed packages contribute claims modules."""


def discover(package: str = "w2s_theory") -> dict[str, Claim]:
    """Import every ``claims`` (or ``claims_*``) module below *package*; return the registry.

    *package* may also be a plain module, which is imported.  For the default
    package the modules named by the entry points of group
    ``w2s_theory.claims`` (third-party claims) are imported too; one that fails
    to import is reported as a warning, not an error, so that one broken plugin
    does not stop every check.

    Parameters
    ----------
    package : str
        Importable package (or module) name.

    Returns
    -------
    dict of str to Claim
        The whole registry (every claim imported so far), keyed by id.

    Examples
    --------
    >>> "rmt.narayana-moments" in discover("w2s_theory.rmt")
    True
    """
    pkg = importlib.import_module(package)
    for info in pkgutil.walk_packages(getattr(pkg, "__path__", []), prefix=pkg.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf == "claims" or leaf.startswith("claims_"):
            importlib.import_module(info.name)
    if package == "w2s_theory":
        load_entry_points()
    return REGISTRY


def load_entry_points() -> None:
    """Import the modules named by the entry points of group ``w2s_theory.claims``.

    One that fails to import is reported as a warning, not an error, so that one broken
    plugin does not stop every check.
    """
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            importlib.import_module(ep.module)
        except Exception as exc:  # a broken plugin must not hide every other claim
            warnings.warn(f"entry point {ep.name!r} = {ep.value!r} (group {ENTRY_POINT_GROUP}) "
                          f"failed to import: {type(exc).__name__}: {exc}", stacklevel=3)


def discover_modules(names) -> dict[str, Claim]:
    """The claims defined in the modules *names* (packages: their ``claims*`` modules).

    Parameters
    ----------
    names : iterable of str
        Importable module or package names, e.g. ``["mypkg"]``.

    Returns
    -------
    dict of str to Claim
        Only the claims whose defining module is one of *names* or lies below one.

    Examples
    --------
    >>> sorted(discover_modules(["w2s_theory.rmt"]))[:1]
    ['rmt.complex-branch']
    """
    found: dict[str, Claim] = {}
    for name in names:
        discover(name)
        found.update({cid: c for cid, c in REGISTRY.items()
                      if c.module == name or c.module.startswith(name + ".")})
    return found
