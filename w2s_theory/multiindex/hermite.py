"""Normalised probabilists' Hermite expansions of functions of a standard Gaussian.

Convention (used throughout :mod:`w2s_theory.multiindex`): for z ~ N(0, 1)

    h_k(z) = He_k(z) / sqrt(k!),        E[h_j(z) h_k(z)] = delta_jk,
    c_k(f) = E[f(z) h_k(z)],           f = sum_k c_k(f) h_k,   E f^2 = sum_k c_k^2,

with He_k the probabilists' Hermite polynomials (He_0 = 1, He_1 = z, He_2 = z^2 - 1,
He_{k+1} = z He_k - k He_{k-1}).  Stein's lemma gives c_k(f) = E[f^{(k)}(z)] / sqrt(k!)
for smooth f; in particular c_1(f) = E[f'(z)].

The *information exponent* of f (Ben Arous, Gheissari & Jagannath 2021; Moniri & Hassani
2025, §3) is the smallest k >= 1 with c_k(f) != 0.

Two evaluation routes:

* **exact** (SymPy): ``f`` is a SymPy expression in :data:`Z` that is a polynomial or a
  piecewise polynomial (``Abs``, ``Max``, ``Min``, ``Heaviside``, ``sign`` and
  ``Piecewise`` are rewritten to pieces).  Each piece is integrated against the Gaussian
  density with the exact truncated-moment recursion
  ``I_j = [-z^{j-1} phi(z)]_a^b + (j-1) I_{j-2}``, so the result is an exact SymPy number
  (rationals, ``sqrt(pi)``, ``exp`` and ``erf`` of the breakpoints).
* **quadrature** (mpmath): anything else (a non-polynomial SymPy expression such as
  ``tanh(z)`` or a Python callable taking an ``mpf``), by tanh-sinh quadrature at the
  current ``mpmath.mp.dps`` (or ``dps``) on a partition of the real line.
"""
from __future__ import annotations

import math
import numbers
from functools import lru_cache

import mpmath
import sympy as sp

__all__ = [
    "Z", "hermite_poly", "hermite_coefficient", "hermite_coefficients",
    "gaussian_expectation", "information_exponent", "is_piecewise_polynomial",
    "relu_hermite_coefficient",
]

#: The standard Gaussian variable used in SymPy link/activation expressions.
Z = sp.Symbol("z", real=True)

_SQRT2PI = sp.sqrt(2 * sp.pi)


def _check_order(k, name="k"):
    if isinstance(k, (bool, )) or not isinstance(k, numbers.Integral):
        raise ValueError(f"{name} must be a non-negative integer in [0, inf); got {k!r}")
    if k < 0:
        raise ValueError(f"{name} must be a non-negative integer in [0, inf); got {k!r}")
    return int(k)


@lru_cache(maxsize=None)
def hermite_poly(k: int) -> sp.Expr:
    """Normalised probabilists' Hermite polynomial ``h_k(z) = He_k(z)/sqrt(k!)``.

    Parameters
    ----------
    k : int, k >= 0

    Returns
    -------
    sympy.Expr
        Polynomial in :data:`Z` with exact coefficients.
    """
    k = _check_order(k)
    return sp.expand(sp.hermite_prob(k, Z) / sp.sqrt(sp.factorial(k)))


def _as_expr(f):
    """Return ``f`` as a SymPy expression in :data:`Z`, or ``None`` for a callable."""
    if isinstance(f, sp.Lambda):
        if len(f.variables) != 1:
            raise ValueError(f"f must be a function of one variable; got Lambda of {f.variables}")
        return sp.sympify(f.expr).subs(f.variables[0], Z)
    if isinstance(f, (sp.Expr, numbers.Number)) and not callable(f):
        e = sp.sympify(f)
        free = e.free_symbols
        if len(free) > 1:
            raise ValueError(f"f must depend on one symbol (the Gaussian variable z); got {free}")
        if free and free != {Z}:
            (s,) = free
            # only the name z is the Gaussian variable (a Symbol("z") without assumptions
            # is the same variable); f(x) would silently be read as f(z)
            if s.name != Z.name:
                raise ValueError(f"f must be an expression in the symbol z (hermite.Z) only; "
                                 f"got free symbol {s} in {e}")
            e = e.subs(s, Z)
        if e.has(sp.I) or e.has(sp.zoo) or e.has(sp.nan) or e.has(sp.oo):
            raise ValueError(f"f must be a finite real function; got {e}")
        return e
    if callable(f):
        return None
    raise ValueError(f"f must be a SymPy expression in z or a callable of one real variable; got {f!r}")


def _pieces(expr):
    """Split ``expr`` into ``[(polynomial, [(a, b), ...]), ...]`` or return ``None``."""
    e = sp.piecewise_fold(expr.rewrite(sp.Piecewise))
    if e.is_polynomial(Z):
        return [(sp.Poly(e, Z), [(-sp.oo, sp.oo)])]
    if not isinstance(e, sp.Piecewise):
        return None
    out = []
    covered = sp.S.EmptySet
    for piece, cond in e.args:
        where = (sp.S.Reals if cond is sp.true else cond.as_set()) - covered
        covered = covered | where
        if where is sp.S.EmptySet:
            continue
        piece = sp.piecewise_fold(piece)
        if not piece.is_polynomial(Z):
            return None
        sets = where.args if isinstance(where, sp.Union) else (where,)
        ivs = []
        for s in sets:
            if isinstance(s, sp.Interval):
                ivs.append((s.start, s.end))
            elif isinstance(s, sp.FiniteSet):
                continue  # measure zero
            else:
                return None
        out.append((sp.Poly(piece, Z), ivs))
    return out


def is_piecewise_polynomial(f) -> bool:
    """Whether ``f`` (a SymPy expression in :data:`Z`) takes the exact route.

    Parameters
    ----------
    f : sympy.Expr in :data:`Z`, sympy.Lambda, or callable
        As in :func:`hermite_coefficient`.

    Returns
    -------
    bool
        True for polynomials and piecewise polynomials (``Abs``, ``Max``, ``Min``,
        ``Heaviside``, ``sign``, ``Piecewise``), False otherwise (callables included).

    Raises
    ------
    ValueError
        If f is not a valid expression in z or a callable.

    Examples
    --------
    >>> is_piecewise_polynomial(sp.Max(Z, 0) - Z**2), is_piecewise_polynomial(sp.tanh(Z))
    (True, False)
    >>> is_piecewise_polynomial(lambda t: t)
    False
    """
    e = _as_expr(f)
    return e is not None and _pieces(e) is not None


def _phi(x):
    if x in (sp.oo, -sp.oo):
        return sp.S.Zero
    return sp.exp(-x**2 / 2) / _SQRT2PI


def _Phi(x):
    if x == sp.oo:
        return sp.S.One
    if x == -sp.oo:
        return sp.S.Zero
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


def _xphi(j, x):
    """x**j * phi(x), with the limit 0 at +-oo."""
    if x in (sp.oo, -sp.oo):
        return sp.S.Zero
    return x**j * _phi(x)


def _truncated_moments(jmax, a, b):
    """Exact I_j = int_a^b z^j phi(z) dz for j = 0..jmax."""
    I = [_Phi(b) - _Phi(a)]
    if jmax >= 1:
        I.append(_phi(a) - _phi(b))
    for j in range(2, jmax + 1):
        I.append(_xphi(j - 1, a) - _xphi(j - 1, b) + (j - 1) * I[j - 2])
    return I


def gaussian_expectation(f):
    """``E[f(z)]`` for z ~ N(0, 1): exact for (piecewise) polynomials, mpmath otherwise.

    Parameters
    ----------
    f : sympy.Expr in :data:`Z` (no other free symbol), or callable
        Gaussian-integrable; on the quadrature route a quadrature that does not converge
        (``exp(z**2)``, ``1/z``) raises ValueError naming f.

    Returns
    -------
    sympy.Expr or mpmath.mpf
        Exact SymPy number for (piecewise) polynomials; an ``mpf`` at the current
        ``mpmath.mp.dps`` otherwise.

    Raises
    ------
    ValueError
        If f has another free symbol, is not finite and real, or its quadrature diverges.

    Examples
    --------
    >>> gaussian_expectation(Z**4)
    3
    >>> gaussian_expectation(sp.Max(Z, 0))
    sqrt(2)/(2*sqrt(pi))
    >>> print(mpmath.nstr(gaussian_expectation(sp.cos(Z)), 12))   # exp(-1/2)
    0.606530659713
    """
    return _coefficient_expr(f, None)


def _exact(pieces, weight):
    total = sp.S.Zero
    for poly, ivs in pieces:
        q = poly * sp.Poly(weight, Z) if weight is not None else poly
        coeffs = q.all_coeffs()[::-1]  # ascending powers
        for a, b in ivs:
            I = _truncated_moments(len(coeffs) - 1, a, b)
            total += sum(c * I[j] for j, c in enumerate(coeffs) if c != 0)
    # expand + collect keeps the result exact without the cost of a full simplify
    return sp.nsimplify(total) if total.is_rational else sp.collect(sp.expand(total), sp.pi)


#: values kept per lambdified function (a 35-digit tanh-sinh quadrature visits ~2000 nodes)
_MEMO_SIZE = 20000


@lru_cache(maxsize=256)
def _mp_function(expr):
    """mpmath evaluator of *expr*, memoised on (point, working precision).

    Every quadrature of :func:`hermite_coefficient` at one precision visits the same
    tanh-sinh nodes whatever the weight h_k, so c_0, ..., c_k of one function (and the
    L^2 check) evaluate f once per node instead of once per coefficient.  A cached value is
    the one the evaluator returned at that point and precision: results are unchanged.
    """
    fn = _memoised(sp.lambdify(Z, expr, modules="mpmath"))
    fn._w2s_expr = str(expr)  # for error messages
    return fn


def _quad(func, weight_poly, dps, what="E[f(z) h_k(z)]", name=None):
    """Gaussian integral of func * weight_poly; ValueError if tanh-sinh does not converge.

    mpmath's error estimate per interval is 10**min(0, ...) of the change between levels, so
    a divergent integral (exp(z^2) at infinity, 1/z^2 at 0) shows a raw estimate >= 1 on some
    interval while convergent ones reach ~10**-dps; we accept a raw estimate < 1/2 that is also
    <= 10**(-dps/2) relative to max(1, |value|).
    """
    val, raw_err = _quad_raw(func, weight_poly, dps)
    err = raw_err / mpmath.sqrt(2 * mpmath.pi)
    if not (err <= 10.0 ** (-dps / 2) * max(1, abs(val)) and raw_err < 0.5):
        sq = "^2" in what
        raise ValueError(f"{what} did not converge by quadrature (error estimate {mpmath.nstr(err, 3)}): "
                         f"f must be {'square-' if sq else ''}integrable against the standard "
                         f"Gaussian (e.g. no growth like exp(z^2/{4 if sq else 2}) or faster, no "
                         f"non-integrable singularity); got f = {name or _name(func)}")
    return val


def _name(func):
    return getattr(func, "_w2s_expr", None) or getattr(func, "__name__", repr(func))


def _check_l2(func, dps):
    """Raise unless E f(z)^2 converges (Hermite coefficients are those of f in L^2(gamma))."""
    try:
        hash(func)
    except TypeError:
        return _check_l2_uncached(func, dps)
    return _check_l2_cached(func, dps)


def _check_l2_uncached(func, dps):
    _quad(lambda t: func(t) ** 2, None, dps, "E[f(z)^2]", _name(func))


_check_l2_cached = lru_cache(maxsize=256)(_check_l2_uncached)  # successes only are cached


def _memoised(fn):
    """*fn* memoised on (point, working precision), at most :data:`_MEMO_SIZE` values."""
    memo = {}

    def g(t):
        key = (t, mpmath.mp.prec)
        v = memo.get(key)
        if v is None:
            v = fn(t)
            if len(memo) < _MEMO_SIZE:
                memo[key] = v
        return v
    return g


#: exp(-t^2/2) at the quadrature nodes, shared by every integrand (same nodes per precision)
_gauss_weight = _memoised(lambda t: mpmath.exp(-t * t / 2))


@lru_cache(maxsize=64)
def _weight_function(weight_poly, dps):
    """h_k at the quadrature nodes (coefficients to dps + 10 digits), memoised: the same
    weight serves the coefficients of every function at this precision."""
    with mpmath.workdps(dps + 5):
        cs = [mpmath.mpf(sp.N(c, dps + 10)) for c in sp.Poly(weight_poly, Z).all_coeffs()]
    return _memoised(lambda t: mpmath.polyval(cs, t))


def _quad_raw(func, weight_poly, dps):
    w = _weight_function(weight_poly, dps) if weight_poly is not None else None
    with mpmath.workdps(dps + 5):
        def integrand(t):
            v = func(t)
            if isinstance(v, (complex, mpmath.mpc)):
                raise ValueError(f"f must be real-valued; got {v!r} at z={t}")
            v = mpmath.mpf(v)
            if not mpmath.isfinite(v):
                raise ValueError(f"f must be finite on the real line; got {v!r} at z={t}")
            return v * (w(t) if w is not None else 1) * _gauss_weight(t)
        # breakpoints: splitting the line keeps tanh-sinh accurate for the oscillating h_k
        # (checked to 1e-31 against closed forms in the claims) and kinks at 0.
        pts = [-mpmath.inf, -6, -3, 0, 3, 6, mpmath.inf]
        val, err = mpmath.quad(integrand, pts, error=True)
        c = mpmath.sqrt(2 * mpmath.pi)
        return val / c, err


def _check_dps(dps):
    """``dps`` is validated on every route (also where the exact route ignores it)."""
    if dps is not None:
        if isinstance(dps, bool) or not isinstance(dps, numbers.Integral) or dps < 5:
            raise ValueError(f"dps must be an integer in [5, inf); got {dps!r}")


def _coefficient_expr(f, k, dps=None):
    _check_dps(dps)
    e = _as_expr(f)
    weight = hermite_poly(k) if k is not None else None
    if e is not None:
        pieces = _pieces(e)
        if pieces is not None:
            return _exact(pieces, weight)
        func = _mp_function(e)
    else:
        func = f
    d = int(dps) if dps is not None else mpmath.mp.dps
    with mpmath.workdps(d):
        if weight is not None:
            _check_l2(func, d)
        return +_quad(func, weight, d, "E[f(z)]" if weight is None else f"E[f(z) h_{k}(z)]")


def hermite_coefficient(f, k: int, *, dps: int | None = None):
    """Normalised Hermite coefficient ``c_k(f) = E[f(z) He_k(z)] / sqrt(k!)``, z ~ N(0, 1).

    Parameters
    ----------
    f : sympy.Expr in :data:`Z` (no other free symbol), sympy.Lambda, or callable
        f must be square-integrable under the Gaussian (E f(z)^2 < inf); on the quadrature
        route this is checked numerically (e.g. ``exp(z**2)`` or ``1/z`` raise ValueError).
        Polynomials and piecewise polynomials (``Abs``, ``Max``, ``Heaviside``, ``Piecewise``)
        are integrated exactly; other expressions and callables by mpmath quadrature.
    k : int, k >= 0
    dps : int >= 5, optional
        Decimal digits for the quadrature route (default: ``mpmath.mp.dps``).

    Returns
    -------
    sympy.Expr (exact route) or mpmath.mpf (quadrature route)

    Raises
    ------
    ValueError
        If k is not a non-negative integer, f is invalid (see
        :func:`gaussian_expectation`) or not square-integrable, or dps < 5.

    Notes
    -----
    Source of the convention: Moniri & Hassani 2025, App. A.1 (probabilists' Hermite
    polynomials, orthogonal in L^2 of the Gaussian measure); we normalise them.

    Examples
    --------
    >>> hermite_coefficient(Z**3, 1), hermite_coefficient(Z**3, 3)   # z³ = 3 h_1 + √6 h_3
    (3, sqrt(6))
    >>> hermite_coefficient(sp.Abs(Z), 2)
    1/sqrt(pi)
    >>> print(mpmath.nstr(hermite_coefficient(sp.tanh(Z), 1, dps=15), 12))   # E tanh'(z)
    0.605705509602
    """
    k = _check_order(k)
    return _coefficient_expr(f, k, dps)


def hermite_coefficients(f, kmax: int, *, dps: int | None = None) -> list:
    """``[c_0(f), ..., c_kmax(f)]`` (see :func:`hermite_coefficient`).

    Parameters
    ----------
    f : sympy.Expr in :data:`Z`, sympy.Lambda, or callable
        As in :func:`hermite_coefficient`.
    kmax : int >= 0
        Largest order.
    dps : int >= 5, optional
        Decimal digits of the quadrature route.

    Returns
    -------
    list
        ``kmax + 1`` coefficients (SymPy numbers or ``mpf``), so that
        E f² ≥ Σ_k c_k² (Parseval, equality in the limit kmax → ∞).

    Raises
    ------
    ValueError
        As :func:`hermite_coefficient`, naming ``kmax`` for a bad order.

    Examples
    --------
    >>> hermite_coefficients(Z**2, 3)   # z² = h_0 + √2 h_2
    [1, 0, sqrt(2), 0]
    >>> hermite_coefficients(sp.Max(Z, 0), 4)
    [sqrt(2)/(2*sqrt(pi)), 1/2, 1/(2*sqrt(pi)), 0, -sqrt(3)/(12*sqrt(pi))]
    """
    kmax = _check_order(kmax, "kmax")
    return [hermite_coefficient(f, k, dps=dps) for k in range(kmax + 1)]


def _is_zero_exact(c) -> bool:
    c = sp.simplify(c)
    if c == 0:
        return True
    with mpmath.workdps(60):
        return abs(sp.N(c, 60)) < sp.Float(10) ** -50


def information_exponent(f, *, kmax: int = 20, dps: int | None = None, rtol: float | None = None) -> int:
    """Smallest k >= 1 with ``c_k(f) != 0`` (Moniri & Hassani 2025, §3, Assumption 9).

    Parameters
    ----------
    f : see :func:`hermite_coefficient`
    kmax : int >= 1
        Largest order searched.  For a polynomial the search stops at its degree.
    dps : int, optional
        Precision of the quadrature route.
    rtol : float in (0, 1), optional
        Quadrature route only: ``c_k`` counts as zero when
        ``|c_k| <= rtol * sqrt(E f^2)``; default ``10**(-dps/2)``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If no non-zero coefficient of order 1..kmax exists (e.g. f constant: the
        information exponent is then infinite, or larger than kmax).

    Examples
    --------
    >>> information_exponent(Z**2 - 1), information_exponent(Z**3), information_exponent(sp.Abs(Z))
    (2, 1, 2)
    >>> information_exponent(sp.cos(Z), dps=15)   # even: c_1 = 0, c_2 = -exp(-1/2)/√2
    2
    """
    kmax = _check_order(kmax, "kmax")
    if kmax < 1:
        raise ValueError(f"kmax must be an integer in [1, inf); got {kmax}")
    _check_dps(dps)
    if rtol is not None and not (isinstance(rtol, numbers.Real) and not isinstance(rtol, bool)
                                 and 0 < rtol < 1 and math.isfinite(rtol)):
        raise ValueError(f"rtol must be a real number in (0, 1); got {rtol!r}")
    e = _as_expr(f)
    exact = e is not None and _pieces(e) is not None
    if exact:
        full = sp.piecewise_fold(e.rewrite(sp.Piecewise))
        if full.is_polynomial(Z):
            deg = sp.degree(full, Z) if full != 0 else 0
            if deg < 1:
                raise ValueError(f"f = {full} is constant: c_k(f) = 0 for every k >= 1, so its "
                                 "information exponent is undefined (infinite)")
            kmax = min(kmax, deg)
        for k in range(1, kmax + 1):
            if not _is_zero_exact(hermite_coefficient(e, k)):
                return k
        raise ValueError(f"f has c_k = 0 for every k in [1, {kmax}]: information exponent "
                         "undefined (f constant) or larger than kmax")
    d = int(dps) if dps is not None else mpmath.mp.dps
    if rtol is None:
        rtol = 10.0 ** (-d / 2)
    if not (isinstance(rtol, numbers.Real) and 0 < rtol < 1 and math.isfinite(rtol)):
        raise ValueError(f"rtol must be a real number in (0, 1); got {rtol!r}")
    g = f if e is None else _mp_function(e)
    with mpmath.workdps(d):
        norm = mpmath.sqrt(_quad(lambda t: g(t) ** 2, None, d, "E[f(z)^2]", _name(g)))
        for k in range(1, kmax + 1):
            if abs(hermite_coefficient(f, k, dps=d)) > rtol * norm:
                return k
    raise ValueError(f"f has |c_k| <= {rtol:g} * ||f|| for every k in [1, {kmax}]: information "
                     "exponent undefined or larger than kmax")


def relu_hermite_coefficient(k: int) -> sp.Expr:
    """Closed form of ``c_k(max(z, 0))`` (independent of the integration code).

    c_0 = 1/sqrt(2 pi), c_1 = 1/2, c_k = 0 for odd k >= 3 and, for even k = 2m >= 2,
    c_{2m} = (-1)^(m+1) (2m-3)!! / sqrt(2 pi (2m)!).  Derivation: c_k = E[f^{(k)}(z)]/sqrt(k!)
    in the distributional sense; for k >= 2, ReLU^{(k)} = delta^{(k-2)}, and
    E[delta^{(j)}(z)] = (-1)^j phi^{(j)}(0) = He_j(0) phi(0).

    Parameters
    ----------
    k : int >= 0
        Order.

    Returns
    -------
    sympy.Expr
        The exact coefficient.

    Raises
    ------
    ValueError
        If k is not a non-negative integer.

    Examples
    --------
    >>> [relu_hermite_coefficient(k) for k in range(5)]
    [sqrt(2)/(2*sqrt(pi)), 1/2, 1/(2*sqrt(pi)), 0, -sqrt(3)/(12*sqrt(pi))]
    >>> [relu_hermite_coefficient(k) - hermite_coefficient(sp.Max(Z, 0), k) for k in range(5)]
    [0, 0, 0, 0, 0]
    """
    k = _check_order(k)
    if k == 0:
        return 1 / _SQRT2PI
    if k == 1:
        return sp.Rational(1, 2)
    # He_{k-2}(0) phi(0) / sqrt(k!)
    return sp.hermite_prob(k - 2, 0) / _SQRT2PI / sp.sqrt(sp.factorial(k))
