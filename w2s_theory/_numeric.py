"""Shared numeric plumbing: input validation and float/array/mpmath dispatch.

Every public formula accepts Python floats, numpy arrays (broadcast together)
or mpmath numbers, and returns the same kind:

* any ``mpmath.mpf`` argument -> evaluated in mpmath at the *current*
  ``mpmath.mp.dps`` (plus guard digits), returns ``mpf``;
* otherwise -> numpy float64, returns ``float`` for scalar input and
  ``ndarray`` for array input.

Invalid input raises :class:`ValueError` naming the parameter and its range;
no public function returns a silent NaN.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import sys
import weakref

import mpmath
import numpy as np
import sympy as sp

GUARD_DIGITS = 15

#: Every live :class:`Formula` (weakly held), for mutation analysis (``proofs_check.mutation``).
FORMULAS: "weakref.WeakSet[Formula]" = weakref.WeakSet()
#: Callables run on each new Formula (the mutation engine plants an active mutant with it).
ON_CREATE: list = []


@dataclasses.dataclass(frozen=True)
class Param:
    """A real parameter with an interval domain ``(low, high)``.

    ``low_closed``/``high_closed`` say whether the endpoints belong to it.
    """

    name: str
    low: float = 0.0
    high: float = math.inf
    low_closed: bool = False
    high_closed: bool = False

    def describe(self) -> str:
        lo = "[" if self.low_closed else "("
        hi = "]" if self.high_closed else ")"
        return f"{lo}{_fmt(self.low)}, {_fmt(self.high)}{hi}"

    def _bad(self, arr: np.ndarray) -> np.ndarray:
        lo_ok = arr >= self.low if self.low_closed else arr > self.low
        hi_ok = arr <= self.high if self.high_closed else arr < self.high
        return ~(np.isfinite(arr) & lo_ok & hi_ok)

    def error(self, got) -> ValueError:
        return ValueError(f"{self.name} must be a finite real number in {self.describe()}; "
                          f"got {got!r}")


def _fmt(x: float) -> str:
    if x == math.inf:
        return "inf"
    if x == -math.inf:
        return "-inf"
    return f"{x:g}"


def is_mp(x) -> bool:
    return isinstance(x, (mpmath.mpf, mpmath.mpc))


def any_mp(values) -> bool:
    return any(is_mp(v) for v in values)


def check_mp(p: Param, x) -> mpmath.mpf:
    """Validate one value for the mpmath path and return it as ``mpf``."""
    if isinstance(x, mpmath.mpc) or isinstance(x, complex) or np.iscomplexobj(x):
        if isinstance(x, mpmath.mpc) and x.imag == 0:
            x = x.real
        else:
            raise ValueError(f"{p.name} must be real, got complex {x!r}")
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, mpmath.mpf, np.floating, np.integer)):
        if isinstance(x, np.ndarray):
            raise ValueError(f"{p.name}: mpmath evaluation takes scalars, got an array of shape {x.shape}; "
                             "evaluate elementwise or pass floats for numpy broadcasting")
        raise ValueError(f"{p.name} must be a real number; got {type(x).__name__} {x!r}")
    v = mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else x
    if not mpmath.isfinite(v):
        raise p.error(x)
    lo_ok = v >= p.low if p.low_closed else v > p.low
    hi_ok = v <= p.high if p.high_closed else v < p.high
    if not (lo_ok and hi_ok):
        raise p.error(x)
    return v


def check_np(p: Param, x) -> np.ndarray:
    """Validate one value for the numpy path and return it as a float64 array."""
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{p.name} must be a real number; got bool {x!r}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - exotic objects
        raise ValueError(f"{p.name} must be real numbers; got {x!r}") from exc
    if np.iscomplexobj(arr):
        raise ValueError(f"{p.name} must be real, got complex values")
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)):
        raise ValueError(f"{p.name} must be real numbers; got dtype {arr.dtype}")
    arr = arr.astype(float, copy=False)
    bad = p._bad(arr)
    if bad.any():
        first = float(arr[bad].flat[0]) if arr.ndim else float(arr)
        where = f" at index {tuple(int(i) for i in np.argwhere(bad)[0])}" if arr.ndim else ""
        raise ValueError(f"{p.name} must be a finite real number in {p.describe()}; "
                         f"got {first!r}{where} ({int(bad.sum())} invalid value(s))")
    return arr


def prepare(params, values):
    """Validate *values* against *params*; return ``(kind, args)``.

    ``kind`` is ``"mp"``, ``"scalar"`` or ``"array"``.  For the numpy kinds the
    arguments are broadcast together (shape mismatch -> ValueError naming them).
    """
    if len(params) != len(values):
        raise TypeError(f"expected {len(params)} arguments, got {len(values)}")
    if any_mp(values):
        return "mp", [check_mp(p, v) for p, v in zip(params, values)]
    arrs = [check_np(p, v) for p, v in zip(params, values)]
    try:
        arrs = np.broadcast_arrays(*arrs)
    except ValueError:
        shapes = ", ".join(f"{p.name}{np.shape(a)}" for p, a in zip(params, arrs))
        raise ValueError(f"arguments cannot be broadcast together: {shapes}") from None
    kind = "scalar" if all(np.ndim(v) == 0 for v in values) else "array"
    return kind, arrs


def finish(kind, result):
    """Return *result* in the kind the caller passed in."""
    if kind == "mp":
        return +result  # round to the caller's precision
    if kind == "scalar":
        return float(result)
    return np.asarray(result, dtype=float)


class Formula:
    """A SymPy expression with generated numpy and mpmath evaluators.

    The expression is the single source of truth.  ``lambdify`` produces the
    numpy evaluator (vectorised, float64) and the mpmath evaluator; exact
    ``Rational`` coefficients are kept, and mpmath evaluation runs at the
    caller's ``mp.dps`` plus :data:`GUARD_DIGITS`.

    Parameters
    ----------
    expr : sympy.Expr
    params : sequence of Param
        Domain of each argument, in call order.  Their names must match the
        free symbols of *expr* (``symbols`` lists them in the same order).
    symbols : sequence of sympy.Symbol
    """

    def __init__(self, expr, params, symbols, name=""):
        self.expr = expr
        self.params = tuple(params)
        self.symbols = tuple(symbols)
        self.name = name
        extra = expr.free_symbols - set(self.symbols)
        if extra:
            raise ValueError(f"{name}: expression has unexpected symbols {extra}")
        self._np = None
        self._mp = None
        # Registry hook: ``key`` = "<defining module>:<name>" names the source formula.
        frame = sys._getframe(1)
        while frame.f_code.co_name == "__init__" and isinstance(frame.f_locals.get("self"), Formula):
            frame = frame.f_back   # a subclass's __init__: the definer is further up
        self.key = f"{frame.f_globals.get('__name__', '?')}:{name}"
        FORMULAS.add(self)
        for hook in ON_CREATE:
            hook(self)

    @property
    def numpy(self):
        if self._np is None:
            self._np = sp.lambdify(self.symbols, self.expr, modules="numpy", cse=True)
        return self._np

    @property
    def mpmath(self):
        if self._mp is None:
            self._mp = sp.lambdify(self.symbols, self.expr, modules="mpmath", cse=True)
        return self._mp

    def evaluate(self, kind, args):
        if kind == "mp":
            with mpmath.workdps(mpmath.mp.dps + GUARD_DIGITS):
                return self.mpmath(*args)
        with np.errstate(all="ignore"):  # np.select evaluates every Piecewise branch
            out = self.numpy(*args)
        out = np.broadcast_to(np.asarray(out, dtype=float), np.shape(args[0]) if args else ())
        if not np.all(np.isfinite(out)):
            raise FloatingPointError(f"{self.name}: non-finite result for valid input "
                                     "(overflow at the edge of the float range)")
        return out

    def __call__(self, *values):
        kind, args = prepare(self.params, values)
        return finish(kind, self.evaluate(kind, args))


def seed_sequence(seed, name: str = "seed") -> np.random.SeedSequence:
    """Validate a seed and return a ``numpy.random.SeedSequence``.

    Accepts a non-negative int, a sequence of non-negative ints (e.g.
    ``[root, k]``) or a ``SeedSequence``; anything else raises ValueError
    naming the parameter.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    entries = seed if isinstance(seed, (list, tuple)) else [seed]
    if len(entries) == 0 or not all(
            isinstance(e, (int, np.integer)) and not isinstance(e, (bool, np.bool_)) and e >= 0
            for e in entries):
        raise ValueError(f"{name} must be a non-negative integer, a sequence of them, or a "
                         f"numpy.random.SeedSequence; got {seed!r}")
    return np.random.SeedSequence([int(e) for e in entries] if isinstance(seed, (list, tuple))
                                  else int(seed))


def rng_from(seed, name: str = "seed") -> np.random.Generator:
    """``numpy.random.Generator`` from a validated seed (a Generator passes through)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed_sequence(seed, name))
