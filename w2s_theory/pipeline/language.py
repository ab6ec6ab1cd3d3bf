"""A small language for linear weak-to-strong pipelines of ridge fits.

Vectors are formal linear combinations of the ground truth β (:func:`Truth`)
and of ridge fits (:func:`ridge`).  A fit ``ridge(labels, A, λ)`` on design
``A`` (n×d, iid N(0,1) entries, ``d/n`` = the design's ratio) returns

    (Σ_A + λ)^-1 Xᵀ y / n,   Σ_A = XᵀX/n,   y = X·labels + c_truth·ε_A,

where ``c_truth`` is the coefficient of ``Truth()`` in ``labels`` and ``ε_A``
(variance σ², one draw per design) is the label noise of the design's ground-truth
labels.  Other estimators in ``labels`` label ``A`` by their (noiseless)
predictions.  Using the same ``Design`` object twice reuses its samples.
"""
from __future__ import annotations

import itertools
import numbers

import sympy as sp

from ..ridge import symbolic as ridge_sym

_KNOWN = {s.name: s for s in (ridge_sym.phi, ridge_sym.psi, ridge_sym.lam_T, ridge_sym.lam_S,
                              ridge_sym.sigma2, ridge_sym.r2)}
_RESERVED = {"sigma2", "r2"}
_uid = itertools.count()


def symbol(name, what: str, real: bool = False):
    """Parse a parameter name (an identifier, never evaluated) into a SymPy symbol.

    ``phi``, ``psi``, ``lam_T``, ``lam_S`` are the symbols of
    :mod:`w2s_theory.ridge.symbolic`; other names become positive symbols
    (``real=True``: real symbols, for label coefficients).

    Parameters
    ----------
    name : str or sympy.Symbol
        A Python identifier not starting with ``_``; ``sigma2`` and ``r2`` are reserved.
    what : str
        What the name is for, used in error messages (e.g. ``"Design ratio"``).
    real : bool, default False
        Make a real (not necessarily positive) symbol, for label coefficients; ratios and
        penalties (``phi``, ``lam_T``, ...) are then rejected.

    Returns
    -------
    sympy.Symbol

    Raises
    ------
    ValueError
        For a name that is not an identifier, is reserved, or names a ratio/penalty
        where a coefficient is expected.

    Examples
    --------
    >>> symbol("phi", "Design ratio") is ridge_sym.phi
    True
    >>> a = symbol("a", "coefficient", real=True)
    >>> a.is_real, a.is_positive
    (True, None)
    >>> symbol("x+1", "Design ratio")
    Traceback (most recent call last):
    ...
    ValueError: Design ratio must be a parameter name (a Python identifier such as 'phi' or 'lam_T'); got 'x+1'
    """
    if isinstance(name, sp.Symbol):
        name = name.name
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise ValueError(f"{what} must be a parameter name (a Python identifier such as "
                         f"'phi' or 'lam_T'); got {name!r}")
    if name in _RESERVED:
        raise ValueError(f"{what}: {name!r} is reserved for the noise variance / signal power")
    if name in _KNOWN:
        if real:
            raise ValueError(f"{what}: {name!r} names a ratio or penalty, not a coefficient")
        return _KNOWN[name]
    return sp.Symbol(name, real=True) if real else sp.Symbol(name, positive=True)


class Design:
    """An isotropic Gaussian design (n×d, iid N(0, 1)) with ratio symbol d/n.

    Parameters
    ----------
    ratio : str
        Name of the aspect-ratio parameter d/n, e.g. ``"phi"``.  Different
        ``Design`` objects are independent draws even with the same ratio.
    name : str, optional
        Label for printing.

    Examples
    --------
    >>> A = Design("phi"); A.ratio
    phi
    """

    def __init__(self, ratio, name=None):
        self.ratio = symbol(ratio, "Design ratio")
        self.uid = next(_uid)
        self.name = name or f"{self.ratio}#{self.uid}"

    def __repr__(self):
        return f"Design({self.name})"


class _TruthNode:
    def __repr__(self):
        return "Truth()"


TRUTH = _TruthNode()


def _coef(c):
    if isinstance(c, (bool, complex)) or not isinstance(c, (numbers.Real, sp.Expr, str)):
        raise ValueError(f"coefficient must be a real number, a parameter name or a SymPy "
                         f"expression; got {c!r}")
    if isinstance(c, str):
        return symbol(c, "coefficient", real=True)
    if isinstance(c, sp.Expr):
        return c
    if isinstance(c, numbers.Integral):
        return sp.Integer(int(c))
    if c != c or c in (float("inf"), float("-inf")):
        raise ValueError(f"coefficient must be finite; got {c!r}")
    return sp.Rational(repr(float(c)))   # 0.6 -> 3/5 exactly as typed


class Vector:
    """A linear combination of the truth β and ridge fits (supports +, −, scalar ×, /).

    Build vectors with :func:`Truth` and :func:`ridge` and combine them; scalars may
    be numbers (floats are kept exactly as typed: 0.6 → 3/5), parameter names
    (real coefficients) or SymPy expressions.

    Parameters
    ----------
    terms : dict
        Node (the truth or a :class:`Fit`) -> SymPy coefficient; zero coefficients are dropped.

    Examples
    --------
    >>> 2 * Truth() - Truth() / 2
    (3/2)*Truth()
    >>> Truth() - Truth()
    0
    >>> T = ridge(Truth(), Design("phi"), "lam_T", name="T")
    >>> 0.6 * T + Truth()
    (3/5)*T + Truth()
    """

    def __init__(self, terms):
        self.terms = {k: v for k, v in terms.items() if v != 0}

    def __add__(self, other):
        if not isinstance(other, Vector):
            return NotImplemented
        t = dict(self.terms)
        for k, v in other.terms.items():
            t[k] = t.get(k, 0) + v
        return Vector(t)

    def __neg__(self):
        return Vector({k: -v for k, v in self.terms.items()})

    def __sub__(self, other):
        if not isinstance(other, Vector):
            return NotImplemented
        return self + (-other)

    def __mul__(self, c):
        c = _coef(c)
        return Vector({k: c * v for k, v in self.terms.items()})

    __rmul__ = __mul__

    def __truediv__(self, c):
        c = _coef(c)
        if c == 0:
            raise ValueError("division of a pipeline vector by zero")
        return self * (1 / c)

    def fits(self):
        """All fits this vector depends on (transitively), in dependency order.

        Returns
        -------
        list of Fit
            Each fit once, after every fit its labels use.

        Examples
        --------
        >>> T = ridge(Truth(), Design("phi"), "lam_T", name="T")
        >>> S = ridge(T, Design("psi"), "lam_S", name="S")
        >>> (S - T).fits()
        [T, S]
        """
        seen, out = set(), []

        def visit(node):
            if node is TRUTH or id(node) in seen:
                return
            seen.add(id(node))
            for n in node.labels.terms:
                visit(n)
            out.append(node)

        for n in self.terms:
            visit(n)
        return out

    def __repr__(self):
        if not self.terms:
            return "0"
        return " + ".join(f"({v})*{k!r}" if v != 1 else repr(k) for k, v in self.terms.items())


class Fit:
    """One ridge fit: labels (a :class:`Vector`), design, penalty symbol.

    Made by :func:`ridge` (which wraps it in a :class:`Vector`); the estimator is
    (Σ_A + λ)^-1 Xᵀy/n as in the module docstring.

    Parameters
    ----------
    labels : Vector
        What labels the design (truth with noise, or estimators' predictions).
    design : Design
    lam : sympy.Expr
        The penalty (a positive symbol or number).

    Examples
    --------
    >>> S = ridge(ridge(Truth(), Design("phi"), "lam_T", name="T"), Design("psi"), "lam_S")
    >>> teacher, student = S.fits()
    >>> type(teacher).__name__, teacher.lam, student.labels
    ('Fit', lam_T, T)
    """

    def __init__(self, labels, design, lam):
        self.labels, self.design, self.lam = labels, design, lam
        self.name = None

    def __repr__(self):
        return self.name or f"ridge({self.labels!r}, {self.design!r}, {self.lam})"


def Truth():
    """The ground truth β (uniform on the sphere of radius r); as labels: y = Xβ + ε.

    Returns
    -------
    Vector
        β with coefficient 1.

    Examples
    --------
    >>> Truth()
    Truth()
    """
    return Vector({TRUTH: sp.Integer(1)})


def ridge(labels, design, lam, name=None):
    """Ridge regression with penalty ``lam`` on ``design`` labelled by ``labels``.

    Parameters
    ----------
    labels : Vector
        ``Truth()`` (noisy ground-truth labels), an estimator (its noiseless
        predictions on the design), or a linear combination of them.
    design : Design
    lam : str or positive number
        Name of the penalty parameter (e.g. ``"lam_T"``) or a fixed value.
    name : str, optional
        Label for printing.

    Returns
    -------
    Vector
        The estimator (Σ + λ)^-1 Xᵀy/n.

    Examples
    --------
    >>> A = Design("phi")
    >>> T = ridge(Truth(), A, "lam_T", name="T"); T
    T
    """
    if not isinstance(labels, Vector):
        raise ValueError(f"labels must be a pipeline Vector (Truth(), a ridge fit or a linear "
                         f"combination); got {labels!r}")
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design; got {design!r}")
    if isinstance(lam, (numbers.Real,)) and not isinstance(lam, bool):
        if not (lam > 0 and lam < float("inf")):
            raise ValueError(f"lam must be a positive finite number or a parameter name; got {lam!r}")
        lam_sym = sp.Rational(repr(float(lam))) if not isinstance(lam, numbers.Integral) \
            else sp.Integer(int(lam))
    else:
        lam_sym = symbol(lam, "lam")
    for n in labels.terms:
        if n is not TRUTH and not isinstance(n, Fit):
            raise ValueError(f"labels contain an unknown node {n!r}")
    f = Fit(labels, design, lam_sym)
    f.name = name
    return Vector({f: sp.Integer(1)})
