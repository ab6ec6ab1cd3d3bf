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
import decimal
import fractions
import math
import numbers
import sys
import weakref

import mpmath
import numpy as np
import scipy.special
import sympy as sp

GUARD_DIGITS = 15
#: Float evaluation of a :class:`Formula` is trusted where every nonzero argument has magnitude
#: in [SAFE_LOW, SAFE_HIGH] (the stable forms are cancellation-free; only the float exponent
#: range can fail).  Other points, and any non-finite float result, are re-evaluated in mpmath
#: (unbounded exponent range) at FALLBACK_DPS digits and rounded to float64.
SAFE_LOW, SAFE_HIGH = 1e-30, 1e30
FALLBACK_DPS = 30
# Argument types that take the fast scalar path of :class:`Formula` (exact type: not bool).
_PLAIN_SCALARS = (float, int)

#: Every live :class:`Formula` (weakly held), for mutation analysis (``proofs_check.mutation``).
FORMULAS: "weakref.WeakSet[Formula]" = weakref.WeakSet()
#: Callables run on each new Formula (the mutation engine plants an active mutant with it).
ON_CREATE: list = []


@dataclasses.dataclass(frozen=True)
class Param:
    """A real parameter with an interval domain ``(low, high)``.

    Every public formula declares its arguments as ``Param`` s; :func:`check_np`
    and :func:`check_mp` reject values outside the domain with a ``ValueError``
    naming the parameter and the interval.

    Parameters
    ----------
    name : str
        The name used in error messages (the keyword a user passes).
    low, high : float, default 0 and inf
        Endpoints of the domain, ``-inf <= low < high <= inf``.
    low_closed, high_closed : bool, default False
        Whether ``low`` / ``high`` belong to the domain (infinite endpoints never do:
        values must be finite).

    Examples
    --------
    >>> Param("lam").describe()
    '(0, inf)'
    >>> rho = Param("rho", -1, 1, low_closed=True, high_closed=True)
    >>> rho.describe()
    '[-1, 1]'
    >>> print(rho.error(2.0))
    rho must be a finite real number in [-1, 1]; got 2.0
    """

    name: str
    low: float = 0.0
    high: float = math.inf
    low_closed: bool = False
    high_closed: bool = False

    def describe(self) -> str:
        """The domain in interval notation.

        Returns
        -------
        str
            E.g. ``"(0, inf)"`` or ``"[-1, 1]"``.

        Examples
        --------
        >>> Param("sigma2", low_closed=True).describe()
        '[0, inf)'
        """
        lo = "[" if self.low_closed else "("
        hi = "]" if self.high_closed else ")"
        return f"{lo}{_fmt(self.low)}, {_fmt(self.high)}{hi}"

    def _bad(self, arr: np.ndarray) -> np.ndarray:
        lo_ok = arr >= self.low if self.low_closed else arr > self.low
        hi_ok = arr <= self.high if self.high_closed else arr < self.high
        return ~(np.isfinite(arr) & lo_ok & hi_ok)

    def error(self, got) -> ValueError:
        """The ``ValueError`` for a value outside the domain (returned, not raised).

        Parameters
        ----------
        got : object
            The offending value (shown with ``repr``).

        Returns
        -------
        ValueError
            Naming the parameter and its interval.

        Examples
        --------
        >>> print(Param("lam").error(-1.0))
        lam must be a finite real number in (0, inf); got -1.0
        """
        return ValueError(f"{self.name} must be a finite real number in {self.describe()}; "
                          f"got {got!r}")


def _fmt(x: float) -> str:
    if x == math.inf:
        return "inf"
    if x == -math.inf:
        return "-inf"
    return f"{x:g}"


#: Exact scalar types accepted besides floats/ints: converted exactly on the mpmath path
#: (at the working precision) and rounded to float64 on the numpy path.
EXACT_TYPES = (fractions.Fraction, decimal.Decimal, sp.Basic)


def _exact_to_mp(p: Param, x):
    """``Fraction``/``Decimal``/SymPy number -> ``mpf`` at the working precision + guard digits."""
    with mpmath.workdps(mpmath.mp.dps + GUARD_DIGITS):
        return _exact_to_mp_here(p, x)


def _exact_to_mp_here(p: Param, x):
    if isinstance(x, fractions.Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    if isinstance(x, decimal.Decimal):
        if not x.is_finite():
            raise p.error(x)
        return mpmath.mpf(str(x))
    if isinstance(x, sp.Basic):
        if not (getattr(x, "is_number", False) and x.is_real is not False):
            raise ValueError(f"{p.name} must be a real number; got the SymPy expression {x!r}")
        if x.is_Rational:
            return mpmath.mpf(int(x.p)) / int(x.q)
        v = sp.N(x, mpmath.mp.dps + 5)
        if not (v.is_Float or v.is_Rational):
            raise ValueError(f"{p.name} must be a finite real number; got {x!r}")
        return mpmath.mpf(v._mpf_) if v.is_Float else mpmath.mpf(int(v.p)) / int(v.q)
    raise ValueError(f"{p.name} must be a real number; got {type(x).__name__} {x!r}")


def _to_float(p: Param, x) -> float:
    """One scalar of an exact type (or a plain number) rounded to float64."""
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{p.name} must be a real number; got bool {x!r}")
    if isinstance(x, EXACT_TYPES):
        if isinstance(x, sp.Basic) and x.is_Rational:
            return int(x.p) / int(x.q)  # correctly rounded even for huge p, q
        if isinstance(x, fractions.Fraction):
            return x.numerator / x.denominator
        if isinstance(x, decimal.Decimal):
            return float(x)
        return float(_exact_to_mp(p, x))
    if isinstance(x, (numbers.Real, np.floating, np.integer)) and not isinstance(x, complex):
        try:
            return float(x)
        except OverflowError:   # an int beyond float64: say so instead of a bare OverflowError
            raise ValueError(f"{p.name} = {x!r} is beyond the float64 range; pass an mpmath "
                             "number (mpmath.mpf) to evaluate at arbitrary precision") from None
    raise ValueError(f"{p.name} must be real numbers; got {type(x).__name__} {x!r}")


def is_mp(x) -> bool:
    """Whether *x* is an mpmath number (``mpf`` or ``mpc``).

    Parameters
    ----------
    x : object
        Any value.

    Returns
    -------
    bool
        ``True`` for ``mpmath.mpf`` / ``mpmath.mpc`` (the values that select the mpmath path).

    Examples
    --------
    >>> import mpmath
    >>> is_mp(mpmath.mpf(1)), is_mp(1.0)
    (True, False)
    """
    return isinstance(x, (mpmath.mpf, mpmath.mpc))


def any_mp(values) -> bool:
    """Whether any of *values* is an mpmath number (then a formula evaluates in mpmath).

    Parameters
    ----------
    values : iterable
        The arguments of one call.

    Returns
    -------
    bool
        ``True`` if :func:`is_mp` holds for at least one value.

    Examples
    --------
    >>> import mpmath
    >>> any_mp([1.0, mpmath.mpf(2)]), any_mp([1.0, 2.0])
    (True, False)
    """
    return any(is_mp(v) for v in values)


def check_mp(p: Param, x) -> mpmath.mpf:
    """Validate one value for the mpmath path and return it as ``mpf``.

    Parameters
    ----------
    p : Param
        The parameter's name and domain.
    x : float, int, mpmath.mpf, fractions.Fraction, decimal.Decimal or SymPy number
        One real scalar (an ``mpc`` with zero imaginary part is accepted); exact
        types are converted at the working precision plus :data:`GUARD_DIGITS`.

    Returns
    -------
    mpmath.mpf
        *x* as an mpmath number.

    Raises
    ------
    ValueError
        If *x* is complex, an array, a bool, not a number, not finite, or outside
        ``p``'s domain; the message names ``p.name`` and the interval.

    Examples
    --------
    >>> from fractions import Fraction
    >>> check_mp(Param("lam"), Fraction(1, 4))
    mpf('0.25')
    >>> check_mp(Param("lam"), -1.0)
    Traceback (most recent call last):
    ...
    ValueError: lam must be a finite real number in (0, inf); got -1.0
    """
    if type(x) is mpmath.mpf:     # the common case, ~10x cheaper: exact raw comparisons
        m = x._mpf_
        if m not in _MP_NONFINITE:
            lo = _mpf_cmp(m, _raw_bound(p.low))
            hi = _mpf_cmp(m, _raw_bound(p.high))
            if (lo >= 0 if p.low_closed else lo > 0) and (hi <= 0 if p.high_closed else hi < 0):
                return x
        # invalid: the general path below raises the usual error
    if isinstance(x, mpmath.mpc) or isinstance(x, complex) or np.iscomplexobj(x):
        if isinstance(x, mpmath.mpc) and x.imag == 0:
            x = x.real
        else:
            raise ValueError(f"{p.name} must be real, got complex {x!r}")
    if isinstance(x, EXACT_TYPES) and not isinstance(x, (bool, np.bool_)):
        x = _exact_to_mp(p, x)
    elif isinstance(x, np.floating):
        x = float(x)  # exact (float16/32/64 -> binary64); mpf() rejects numpy scalars
    elif isinstance(x, np.integer) and not isinstance(x, np.bool_):
        x = int(x)
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


_MP_NONFINITE = (mpmath.libmp.finf, mpmath.libmp.fninf, mpmath.libmp.fnan)
_mpf_cmp = mpmath.libmp.mpf_cmp
_RAW_BOUNDS: dict = {}


def _raw_bound(b: float):
    """A float bound as a raw mpf tuple (exact: binary64 fits any mpf), memoised."""
    r = _RAW_BOUNDS.get(b)
    if r is None:
        r = _RAW_BOUNDS[b] = mpmath.libmp.from_float(float(b))
    return r


def check_np(p: Param, x) -> np.ndarray:
    """Validate one value for the numpy path and return it as a float64 array.

    Parameters
    ----------
    p : Param
        The parameter's name and domain.
    x : float, int, array_like or exact scalar
        A scalar or a rectangular array of reals (see :func:`real_array`).

    Returns
    -------
    numpy.ndarray
        *x* as float64 (0-d for a scalar).

    Raises
    ------
    ValueError
        If *x* is not real numbers or any entry is not finite or outside ``p``'s
        domain; the message gives the first bad value, its index and how many are bad.

    Examples
    --------
    >>> check_np(Param("lam"), [1, 2])
    array([1., 2.])
    >>> check_np(Param("lam"), [1, -2])
    Traceback (most recent call last):
    ...
    ValueError: lam must be a finite real number in (0, inf); got -2.0 at index (1,) (1 invalid value(s))
    """
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{p.name} must be a real number; got bool {x!r}")
    arr = real_array(x, p.name)
    bad = p._bad(arr)
    if bad.any():
        first = float(arr[bad].flat[0]) if arr.ndim else float(arr)
        where = f" at index {tuple(int(i) for i in np.argwhere(bad)[0])}" if arr.ndim else ""
        raise ValueError(f"{p.name} must be a finite real number in {p.describe()}; "
                         f"got {first!r}{where} ({int(bad.sum())} invalid value(s))")
    return arr


def _short(x) -> str:
    r = repr(x)
    return r if len(r) <= 80 else r[:77] + "..."


def real_array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array (no range check); ValueError naming *name* otherwise.

    Ragged nested lists, complex values, strings, bools and non-numeric objects
    are rejected; exact scalars (:data:`EXACT_TYPES`) are rounded to float64,
    also inside lists.  Sequences of ``mpf`` are rejected (mpmath evaluation
    takes scalars).

    Parameters
    ----------
    x : scalar or array_like
        The value to convert.
    name : str
        The parameter name used in error messages.

    Returns
    -------
    numpy.ndarray
        float64 array of the same shape (0-d for a scalar).

    Examples
    --------
    >>> from fractions import Fraction
    >>> real_array([1, Fraction(1, 4)], "x")
    array([1.  , 0.25])
    >>> real_array([[1], [1, 2]], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must be a scalar or a rectangular array of real numbers (nested lists of equal lengths); got [[1], [1, 2]]
    """
    p = Param(name)
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name} must be a real number; got bool {x!r}")
    if isinstance(x, EXACT_TYPES):
        x = _to_float(p, x)
    try:
        arr = np.asarray(x)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name} must be a scalar or a rectangular array of real numbers "
                         f"(nested lists of equal lengths); got {_short(x)}") from None
    except Exception as exc:  # pragma: no cover - exotic objects
        raise ValueError(f"{name} must be real numbers; got {_short(x)}") from exc
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} must be real, got complex values")
    if arr.dtype == object:
        if any(is_mp(v) for v in arr.flat):
            raise ValueError(f"{name}: mpmath evaluation takes scalars, got a sequence of mpf; "
                             "evaluate elementwise, or pass floats for numpy broadcasting")
        arr = np.array([_to_float(p, v) for v in arr.flat], dtype=float).reshape(arr.shape)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be real numbers; got dtype {arr.dtype}")
    return arr.astype(float, copy=False)


def prepare(params, values):
    """Validate *values* against *params*; return ``(kind, args)``.

    ``kind`` is ``"mp"``, ``"scalar"`` or ``"array"``.  For the numpy kinds the
    arguments are broadcast together (shape mismatch -> ValueError naming them).

    Parameters
    ----------
    params : sequence of Param
        The formula's parameters, in call order.
    values : sequence
        The caller's arguments, one per parameter.  Any ``mpmath`` number selects
        the mpmath path (all values are then validated by :func:`check_mp`);
        otherwise each is validated by :func:`check_np`.

    Returns
    -------
    kind : {"mp", "scalar", "array"}
        ``"scalar"`` when every value was a scalar (then :func:`finish` returns a float).
    args : list of mpmath.mpf or tuple of numpy.ndarray
        The validated arguments (broadcast to one shape on the numpy path).

    Raises
    ------
    TypeError
        If the number of values differs from the number of parameters.
    ValueError
        For an invalid value or shapes that cannot be broadcast.

    Examples
    --------
    >>> ps = (Param("a"), Param("b"))
    >>> kind, args = prepare(ps, ([1.0, 2.0], 3.0))
    >>> kind, args[1]
    ('array', array([3., 3.]))
    >>> prepare(ps, (1.0, 2.0))[0]
    'scalar'
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
    """Return *result* in the kind the caller passed in.

    Parameters
    ----------
    kind : {"mp", "scalar", "array"}
        As returned by :func:`prepare`.
    result : number or array_like
        The raw value of the evaluator.

    Returns
    -------
    mpmath.mpf, float or numpy.ndarray
        ``mpf`` rounded to the caller's ``mp.dps`` for ``"mp"``; a Python float for
        ``"scalar"``; a float64 array for ``"array"``.

    Examples
    --------
    >>> import numpy as np
    >>> finish("scalar", np.array(0.5)), finish("array", [1, 2])
    (0.5, array([1., 2.]))
    """
    if kind == "mp":
        # mpmathify: a constant Piecewise branch evaluates to a Python int (mpf in, mpf out)
        return +mpmath.mpmathify(result)  # round to the caller's precision
    if kind == "scalar":
        return float(result)
    return np.asarray(result, dtype=float)


def _pow_by_products(printer, expr, sqrt_name):
    """Small integer and half-integer powers as products of the base (and one sqrt).

    Printed the same way for numpy and for the ``math`` module, so both evaluators do the
    same IEEE operations in the same order (x*x, 1/x, sqrt are correctly rounded in both):
    a plain-float call and a one-element array give bit-identical values.  ``None`` for other
    exponents (the printer's default).
    """
    base, e = expr.as_base_exp()
    if not (e.is_Rational and e.q in (1, 2) and 0 < abs(e.p) <= 16):
        return None
    b = f"({printer._print(base)})"
    sqrt_name = printer._module_format(sqrt_name)
    n = abs(e.p) // e.q if e.q == 1 else (abs(e.p) - 1) // 2
    factors = [b] * n + ([f"{sqrt_name}{b}"] if e.q == 2 else [])
    prod = "*".join(factors)
    return f"({prod})" if e.p > 0 else f"(1/({prod}))"


def _exact_printers():
    from sympy.printing.numpy import NumPyPrinter
    from sympy.printing.pycode import PythonCodePrinter

    class NumpyProducts(NumPyPrinter):
        def _print_Pow(self, expr, rational=False):
            out = _pow_by_products(self, expr, "numpy.sqrt")
            return out if out is not None else super()._print_Pow(expr, rational=rational)

    class MathProducts(PythonCodePrinter):
        def _print_Pow(self, expr, rational=False):
            out = _pow_by_products(self, expr, "math.sqrt")
            return out if out is not None else super()._print_Pow(expr, rational=rational)

    return NumpyProducts, MathProducts


# Node types for which the float path is exact arithmetic plus sqrt, so the math-module
# evaluator equals the numpy one bit for bit (transcendental functions differ by an ulp).
_EXACT_NODES = (sp.Add, sp.Mul, sp.Pow, sp.Piecewise, sp.Abs, sp.Min, sp.Max, sp.Symbol,
                sp.Number, sp.NumberSymbol, sp.logic.boolalg.Boolean, sp.core.relational.Relational,
                sp.functions.elementary.piecewise.ExprCondPair)


def _exact_arithmetic(expr) -> bool:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, _EXACT_NODES) or type(node).__name__ == "shift":
            if isinstance(node, sp.Pow) and not (node.exp.is_Rational and node.exp.q in (1, 2)
                                                 and abs(node.exp.p) <= 16):
                return False
            continue
        return False
    return True


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
    name : str, optional
        Name used in messages and in the registry key ``"<module>:<name>"``.

    Examples
    --------
    >>> import mpmath, numpy as np, sympy as sp
    >>> x, y = sp.symbols("x y", positive=True)
    >>> f = Formula(x / (1 + y), (Param("x"), Param("y")), (x, y), name="ratio")
    >>> f(1.0, 3.0), f(np.array([1.0, 2.0]), 3.0)
    (0.25, array([0.25, 0.5 ]))
    >>> with mpmath.workdps(30):
    ...     print(f(mpmath.mpf(1), 3) * 3)
    0.75
    >>> f(-1.0, 3.0)
    Traceback (most recent call last):
    ...
    ValueError: x must be a finite real number in (0, inf); got -1.0 (1 invalid value(s))
    """

    #: Re-evaluate points outside [SAFE_LOW, SAFE_HIGH] in mpmath (subclasses whose float form
    #: is exact in the limits, e.g. saturating erfc of ratios, may switch this off).
    safe_box = True

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
        """Vectorised float64 evaluator generated from :attr:`expr` (built on first use).

        No validation: call the Formula itself for checked input.

        Returns
        -------
        callable
            ``f(*arrays) -> ndarray``, arguments in the order of :attr:`symbols`.

        Examples
        --------
        >>> import numpy as np, sympy as sp
        >>> x, y = sp.symbols("x y", positive=True)
        >>> f = Formula(x / (1 + y), (Param("x"), Param("y")), (x, y), name="ratio")
        >>> f.numpy(np.array([1.0, 2.0]), 3.0)
        array([0.25, 0.5 ])
        """
        if self._np is None:
            # erf/erfc through scipy's ufuncs (SymPy's numpy printer maps them to math.*, scalars
            # only); powers as products, as in the plain-float evaluator (see _pow_by_products)
            printer = _exact_printers()[0]({
                "fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                "user_functions": {"erf": "erf", "erfc": "erfc"}})
            self._np = sp.lambdify(self.symbols, self.expr, cse=True, printer=printer,
                                   modules=[{"erf": scipy.special.erf, "erfc": scipy.special.erfc},
                                            "numpy"])
        return self._np

    @property
    def math(self):
        """Plain-float evaluator (``math`` module), or ``None`` where it could differ from numpy.

        Available only for expressions of exact arithmetic and square roots, printed
        identically for both modules, so a point gives the bit-identical value either way.

        Returns
        -------
        callable or None

        Examples
        --------
        >>> import sympy as sp
        >>> x, y = sp.symbols("x y", positive=True)
        >>> Formula(x / (1 + y), (Param("x"), Param("y")), (x, y)).math(1.0, 3.0)
        0.25
        >>> Formula(sp.exp(x), (Param("x"),), (x,)).math is None   # exp: numpy and math may differ
        True
        """
        if getattr(self, "_math", None) is None:
            if _exact_arithmetic(self.expr):
                printer = _exact_printers()[1]
                self._math = sp.lambdify(self.symbols, self.expr, modules=[{"math": math}, "math"],
                                         cse=True, printer=printer)
            else:
                self._math = False
        return self._math or None

    @property
    def mpmath(self):
        """mpmath evaluator generated from :attr:`expr` (with common-subexpression hoisting).

        Evaluates at the current ``mpmath.mp.dps``; no validation or guard digits (the
        Formula's own call adds both).

        Returns
        -------
        callable

        Examples
        --------
        >>> import mpmath, sympy as sp
        >>> x, y = sp.symbols("x y", positive=True)
        >>> f = Formula(x / (1 + y), (Param("x"), Param("y")), (x, y))
        >>> f.mpmath(mpmath.mpf(1), mpmath.mpf(3))
        mpf('0.25')
        """
        if self._mp is None:
            self._mp = sp.lambdify(self.symbols, self.expr, modules="mpmath", cse=True)
        return self._mp

    @property
    def mpmath_plain(self):
        """mpmath evaluator without common-subexpression hoisting (see :meth:`_mp_eval`).

        Used when a hoisted subexpression of an untaken Piecewise branch divides by zero.

        Returns
        -------
        callable

        Examples
        --------
        >>> import mpmath, sympy as sp
        >>> x = sp.Symbol("x", positive=True)
        >>> f = Formula(sp.Piecewise((1 / x, x > 1), (x, True)), (Param("x", low_closed=True),), (x,))
        >>> f.mpmath_plain(mpmath.mpf(0))
        mpf('0.0')
        """
        if getattr(self, "_mp_plain", None) is None:
            self._mp_plain = sp.lambdify(self.symbols, self.expr, modules="mpmath")
        return self._mp_plain

    def _mp_eval(self, args):
        try:
            return self.mpmath(*args)
        except ZeroDivisionError:
            # cse hoists subexpressions out of Piecewise branches, so a branch that is not
            # taken (e.g. 1/t2 guarded by t2² > α) can divide by zero; evaluate lazily instead
            return self.mpmath_plain(*args)

    def evaluate(self, kind, args):
        """Evaluate validated arguments: the kind-specific core of ``__call__``.

        On the float path, points outside the float-safe box [:data:`SAFE_LOW`,
        :data:`SAFE_HIGH`] and non-finite results are re-evaluated in mpmath at
        :data:`FALLBACK_DPS` digits and rounded to float64.

        Parameters
        ----------
        kind : {"mp", "scalar", "array"}
            As returned by :func:`prepare`.
        args : list
            The validated arguments from :func:`prepare`.

        Returns
        -------
        mpmath.mpf or numpy.ndarray
            The raw value; :func:`finish` converts it to the caller's kind.

        Raises
        ------
        FloatingPointError
            If a float result lies outside the float64 range.

        Examples
        --------
        >>> import sympy as sp
        >>> x, y = sp.symbols("x y", positive=True)
        >>> f = Formula(x / (1 + y), (Param("x"), Param("y")), (x, y))
        >>> kind, args = prepare(f.params, ([1.0, 2.0], 3.0))
        >>> f.evaluate(kind, args)
        array([0.25, 0.5 ])
        >>> float(f.evaluate(*prepare(f.params, (1e-40, 3.0))))   # outside the box: via mpmath
        2.5e-41
        """
        if kind == "mp":
            with mpmath.workdps(mpmath.mp.dps + GUARD_DIGITS):
                return self._mp_eval(args)
        shape = np.shape(args[0]) if args else ()
        with np.errstate(all="ignore"):  # np.select evaluates every Piecewise branch
            # scalars go through the same (array) ufunc loops as arrays, so a point gives the
            # bit-identical value either way (numpy-scalar pow/reciprocal can differ by an ulp)
            try:
                out = self.numpy(*[np.reshape(a, (-1,)) if np.ndim(a) == 0 else a for a in args])
            except TypeError:  # a scalar-only function (math.*) in the generated code
                if shape != ():
                    raise
                out = self.numpy(*args)
        out = np.asarray(out, dtype=float)
        out = np.broadcast_to(out.reshape(()) if out.size == 1 else out, shape)
        redo = ~np.isfinite(out)
        for a in (args if self.safe_box else ()):
            mag = np.abs(a)
            redo = redo | ((mag != 0) & ((mag < SAFE_LOW) | (mag > SAFE_HIGH)))
        if redo.any():
            out = np.array(out, dtype=float)
            for idx in zip(*np.nonzero(redo)) if out.ndim else [()]:
                try:
                    out[idx] = self._extreme_point([a[idx] for a in args])
                except OverflowError:  # mpmath itself fails (e.g. erfc(1e300)); keep a finite float
                    if not math.isfinite(out[idx]):
                        raise FloatingPointError(f"{self.name}: cannot evaluate at "
                                                 f"{tuple(float(a[idx]) for a in args)}") from None
        return out

    def _extreme_point(self, vals):
        """One point outside the float-safe box: mpmath value rounded to float64."""
        with mpmath.workdps(FALLBACK_DPS + GUARD_DIGITS):
            v = self._mp_eval([mpmath.mpf(float(x)) for x in vals])
        if isinstance(v, mpmath.mpc):
            v = v.real if v.imag == 0 else mpmath.nan
        f = float(v) if mpmath.isfinite(v) or mpmath.isinf(v) else math.nan
        if not math.isfinite(f):
            raise FloatingPointError(
                f"{self.name}: the value at {tuple(float(x) for x in vals)} is "
                f"{mpmath.nstr(v, 5)}, outside the float64 range; pass mpmath numbers")
        return f

    def _fast_scalar(self, values):
        """Plain-float evaluation without :func:`prepare`, or ``None`` to take the general path.

        Used only when every argument is a Python ``float``/``int`` inside its domain and inside
        the float-safe box (anything else, including a value that needs an error message, goes
        through :func:`prepare`), and only for expressions of exact arithmetic and square roots,
        printed identically for numpy and ``math`` (:func:`_pow_by_products`): the value is
        bit-identical to the array path, at ~1/100 of its cost, which matters in optimisers.
        Any arithmetic error falls back to the general path.
        """
        f = self.math
        if f is None:
            return None
        try:
            for p, v in zip(self.params, values):
                if not (math.isfinite(v) and (v >= p.low if p.low_closed else v > p.low)
                        and (v <= p.high if p.high_closed else v < p.high)):
                    return None
                if self.safe_box and v != 0 and not (SAFE_LOW <= abs(v) <= SAFE_HIGH):
                    return None
        except OverflowError:  # an int beyond the float range
            return None
        try:
            out = float(f(*(float(v) for v in values)))
        except (ArithmeticError, ValueError, TypeError):
            return None
        return out if math.isfinite(out) else None

    def __call__(self, *values):
        if len(values) == len(self.params) and all(type(v) in _PLAIN_SCALARS for v in values):
            out = self._fast_scalar(values)
            if out is not None:
                return out
        kind, args = prepare(self.params, values)
        return finish(kind, self.evaluate(kind, args))


def seed_sequence(seed, name: str = "seed") -> np.random.SeedSequence:
    """Validate a seed and return a ``numpy.random.SeedSequence``.

    This is the one seed contract of every simulator (docs/usage.rst, "Seeds"):

    * a non-negative int (Python or numpy integer) or a non-empty sequence of
      them (e.g. ``[root, k]``): reproducible;
    * a ``numpy.random.SeedSequence``: used as is (reproducible);
    * a ``numpy.random.Generator``: 128 bits are drawn from it for a fresh
      ``SeedSequence`` (advances the generator, like any numpy routine that
      takes one; reproducible if the generator was seeded).

    ``None`` (fresh OS entropy), ``bool``, negative or non-integral numbers
    raise ValueError naming the parameter.

    Parameters
    ----------
    seed : int, sequence of int, numpy.random.SeedSequence or numpy.random.Generator
        See above.
    name : str, default "seed"
        The parameter name used in the error message.

    Returns
    -------
    numpy.random.SeedSequence
        Spawn child sequences from it for independent repetitions.

    Examples
    --------
    >>> seed_sequence(7).entropy, seed_sequence([7, 1]).entropy
    (7, [7, 1])
    >>> seed_sequence(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be a non-negative integer, a sequence of them, a numpy.random.SeedSequence or a numpy.random.Generator; got -1
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence([int(x) for x in seed.integers(0, 2**32, size=4,
                                                                      dtype=np.uint64)])
    entries = seed if isinstance(seed, (list, tuple)) else [seed]
    if len(entries) == 0 or not all(
            isinstance(e, (int, np.integer)) and not isinstance(e, (bool, np.bool_)) and e >= 0
            for e in entries):
        raise ValueError(f"{name} must be a non-negative integer, a sequence of them, a "
                         f"numpy.random.SeedSequence or a numpy.random.Generator; got {seed!r}")
    return np.random.SeedSequence([int(e) for e in entries] if isinstance(seed, (list, tuple))
                                  else int(seed))


def rng_from(seed, name: str = "seed") -> np.random.Generator:
    """``numpy.random.Generator`` from a validated seed (a Generator passes through).

    Parameters
    ----------
    seed : int, sequence of int, numpy.random.SeedSequence or numpy.random.Generator
        As for :func:`seed_sequence`.
    name : str, default "seed"
        The parameter name used in the error message.

    Returns
    -------
    numpy.random.Generator
        ``numpy.random.default_rng(seed_sequence(seed))``, or *seed* itself if it is
        already a Generator.

    Examples
    --------
    >>> import numpy as np
    >>> rng_from(7).integers(0, 100, 3).tolist() == rng_from(7).integers(0, 100, 3).tolist()
    True
    >>> g = np.random.default_rng(0)
    >>> rng_from(g) is g
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed_sequence(seed, name))
