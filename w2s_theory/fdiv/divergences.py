"""f-divergences as SymPy generators with generated numpy and mpmath evaluators.

Convention (used everywhere in this package)::

    D_f(P || Q) = E_Q[ f(dP/dQ) ] = sum_i q_i f(p_i / q_i),

with ``f`` convex on ``(0, inf)`` and ``f(1) = 0`` (Yao et al. 2025, "On
Weak-to-Strong Generalization and f-Divergence", abstract: "f-divergence as an
information-theoretic loss function framework").  The first argument ``P`` is
the distribution inside the likelihood ratio, the second ``Q`` the reference
measure.  With this convention ``KL(P||Q) = sum p log(p/q)`` has ``f = t log t``
and the *reverse* KL ``KL(Q||P)`` has ``f = -log t``.

Boundary entries use the perspective limits ``0 * f(0/0) = 0``,
``q f(0) `` for ``p_i = 0`` (``f(0) = lim_{t->0+} f(t)``) and ``p f'(inf)``
for ``q_i = 0`` (``f'(inf) = lim_{t->inf} f(t)/t``); the result is ``+inf``
when the needed limit is infinite (e.g. KL with ``p_i > 0 = q_i``).  This is
the mathematically correct value, not an error.

The generator expression ``f`` is the single source of truth: the perspective
``q f(p/q)``, its boundary limits, the conjugate ``t f(1/t)`` and the logit
gradient coefficient ``f(t) - t f'(t)`` are all derived from it by SymPy, and
the numeric evaluators are generated with ``lambdify``.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import numbers

import mpmath
import numpy as np
import sympy as sp

from .._numeric import GUARD_DIGITS, Param, check_mp, check_np
from .._parse import parse_expression

t = sp.Symbol("t", positive=True)
_p = sp.Symbol("p", positive=True)
_q = sp.Symbol("q", positive=True)

#: Grid on which user generators are checked numerically (finite values,
#: chord-slope convexity): log-spaced over 16 decades plus points close to 1.
_GRID = np.unique(np.concatenate([np.logspace(-8, 8, 641),
                                  1 + np.linspace(-0.05, 0.05, 201)]))


# ----------------------------------------------------------------------------
# validation of user generators
# ----------------------------------------------------------------------------

def _as_generator(f) -> sp.Expr:
    """Turn a str / SymPy expression / callable into an expression in :data:`t`."""
    if callable(f) and not isinstance(f, sp.Basic):
        f = f(t)
    if isinstance(f, str):
        # parsed by a whitelist, never evaluated (sympify would run Python code)
        f = parse_expression(f, {"t": t}, name="f", free_symbols=True)
    if not isinstance(f, sp.Expr):
        raise ValueError(f"f must be a SymPy expression, a string or a callable of one "
                         f"symbol; got {type(f).__name__} {f!r}")
    free = f.free_symbols
    if len(free) > 1:
        raise ValueError(f"f must depend on a single variable t; got symbols {sorted(map(str, free))}")
    if free and free != {t}:
        (s,) = free
        f = f.subs(s, t)
    return f


def _lambdify_t(expr, modules):
    return sp.lambdify([t], expr, modules=modules)


_NONSMOOTH = (sp.DiracDelta, sp.Heaviside, sp.sign, sp.Abs, sp.Piecewise, sp.Max, sp.Min)
# SymPy's limit() can hang on these; their limits are taken numerically.
_NO_SYMBOLIC_LIMIT = (sp.DiracDelta, sp.Heaviside, sp.sign, sp.Piecewise, sp.Max, sp.Min)


def validate_generator(f) -> str:
    """Check that ``f`` generates an f-divergence; return how convexity was shown.

    Requirements (Yao et al. 2025, abstract; standard definition): ``f`` is
    real and finite on ``(0, inf)``, ``f(1) = 0`` and ``f`` is convex on
    ``(0, inf)``.

    Convexity is decided symbolically when SymPy can prove the sign of
    ``f''`` under ``t > 0`` (returns ``"symbolic"``).  Otherwise (non-smooth
    generators such as ``|t - 1|``, or signs SymPy cannot decide) it is
    checked numerically: the chord slopes of ``f`` on a grid of 842 points in
    ``[1e-8, 1e8]`` must be non-decreasing (returns ``"numeric"``).  The
    numeric check can miss non-convexity between grid points or outside the
    grid range; it is a screen, not a proof.

    Parameters
    ----------
    f : sympy.Expr, str or callable
        Generator in ``t`` (as accepted by :class:`FDivergence`).

    Returns
    -------
    str
        ``"symbolic"`` or ``"numeric"``: how convexity was established.

    Raises
    ------
    ValueError
        naming the violated requirement.

    Examples
    --------
    >>> validate_generator(t * sp.log(t)), validate_generator(sp.Abs(t - 1))
    ('symbolic', 'numeric')
    >>> validate_generator(t**2)
    Traceback (most recent call last):
    ...
    ValueError: f(1) must be 0 ...
    >>> validate_generator(-(t - 1)**2)
    Traceback (most recent call last):
    ...
    ValueError: f must be convex on (0, inf); ...
    """
    f = _as_generator(f)
    if not f.free_symbols:
        raise ValueError(f"f must depend on t (a constant generator gives the zero divergence "
                         f"only if it is 0, and then D_f is trivial); got {f}")
    # f(1) = 0, symbolically if possible
    f1 = sp.simplify(f.subs(t, 1))
    if f1 != 0:
        try:
            f1v = complex(sp.N(f1, 30))
        except (TypeError, ValueError):
            f1v = complex("nan")
        if not (np.isfinite(f1v) and abs(f1v) < 1e-14):
            raise ValueError(f"f(1) must be 0 (use f(t) - f(1)); got f(1) = {f1}")
    fn = _lambdify_t(f, "numpy")
    with np.errstate(all="ignore"):
        vals = np.asarray(fn(_GRID.astype(complex)), dtype=complex) * np.ones_like(_GRID)
    bad = ~np.isfinite(vals) | (np.abs(vals.imag) > 1e-12 * (1 + np.abs(vals.real)))
    if bad.any():
        raise ValueError(f"f must be real and finite on (0, inf); f({_GRID[bad][0]:g}) = "
                         f"{vals[bad][0]}")
    vals = vals.real
    f2 = sp.simplify(sp.diff(f, t, 2))
    # f'' of a non-smooth f misses its kinks (d/dt of a Piecewise drops them,
    # so -|t-1| would look "convex"); such f go to the numeric check.
    if not (f.has(*_NONSMOOTH) or f2.has(*_NONSMOOTH)):
        nonneg = f2.is_nonnegative
        if nonneg is True:
            return "symbolic"
        if nonneg is False or f2.is_negative:
            raise ValueError(f"f must be convex on (0, inf); f''(t) = {f2} is negative")
    # numeric: chord slopes must be non-decreasing (convexity <=> monotone slopes)
    # tolerance: rounding of f values (1e-13 relative) amplified by 1/spacing,
    # plus 1e-9 relative to the slopes themselves.
    dx = np.diff(_GRID)
    slopes = np.diff(vals) / dx
    jumps = np.diff(slopes)
    absf = np.abs(vals)
    rnd = 1e-13 * (absf[:-2] + 2 * absf[1:-1] + absf[2:]) * (1 / dx[:-1] + 1 / dx[1:])
    scale = rnd + 1e-9 * (np.abs(slopes[1:]) + np.abs(slopes[:-1]))
    if (jumps < -scale).any():
        i = int(np.argmax(-jumps / scale))
        raise ValueError(f"f must be convex on (0, inf); its chord slope decreases near "
                         f"t = {_GRID[i + 1]:g} (numeric check on a grid)")
    return "numeric"


# ----------------------------------------------------------------------------
# simplex validation
# ----------------------------------------------------------------------------

def _last_axis(op, x):
    """``op.reduce(x, axis=-1)`` for ``np.add``/``np.maximum``: for fewer than 8 entries as
    columns combined in order, which is numpy's own order there (same values), and 10-400x
    faster for the (n, 2) arrays of binary losses (numpy reduces a length-2 axis slowly)."""
    k = x.shape[-1] if x.ndim else 0
    if not 1 <= k < 8:
        return op.reduce(x, axis=-1)
    out = x[..., 0]
    for j in range(1, k):
        out = op(out, x[..., j])
    return out if k > 1 else out.copy()


def _is_mp_input(x) -> bool:
    if isinstance(x, (mpmath.mpf, mpmath.mpc)):
        return True
    if isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.dtype == object):
        return any(_is_mp_input(v) for v in (x.ravel() if isinstance(x, np.ndarray) else x))
    return False


#: True only inside :func:`_trusted_inputs`: internal searches (``inequalities``) evaluate
#: divergences on probability vectors they built themselves (softmax / normalised draws),
#: one pair per call, where the simplex checks cost ~2/3 of the call.  Never set around
#: user input; the evaluation itself (``_terms_np``) is the same.  A dict instead of True
#: also memoises the values by (divergence, id(p), id(q)): set fresh around the evaluation
#: of one point of a search (whose p, q stay alive and unmodified meanwhile), where an
#: inequality's sides and the TV filter evaluate the same divergence of the same pair again.
_TRUSTED = contextvars.ContextVar("fdiv_trusted_inputs", default=False)


@contextlib.contextmanager
def _trusted_inputs():
    """Skip the simplex checks of ``FDivergence.__call__`` for same-shape float ndarrays."""
    token = _TRUSTED.set(True)
    try:
        yield
    finally:
        _TRUSTED.reset(token)


#: Largest accepted sum-to-1 tolerance.  Vectors are used as given (not
#: renormalised), so a divergence can be off by O(tol); with tol >= 1 a vector
#: summing to 0.6 would pass and KL could come out negative.
TOL_MAX = 1e-2


def check_tol(tol) -> float:
    """Validate the sum-to-1 tolerance ``tol``: a finite real in ``(0, TOL_MAX]``.

    Parameters
    ----------
    tol : float
        Tolerance in (0, 1e-2].

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If tol is not a finite real number in (0, 1e-2] (bool rejected).

    Examples
    --------
    >>> check_tol(1e-6)
    1e-06
    >>> check_tol(0.5)
    Traceback (most recent call last):
    ...
    ValueError: tol must be a finite real number in (0, 0.01]; got 0.5
    """
    if (isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (numbers.Real, np.floating,
                                                                  np.integer))
            or not (math.isfinite(tol) and 0 < tol <= TOL_MAX)):
        raise ValueError(f"tol must be a finite real number in (0, {TOL_MAX:g}]; got {tol!r}")
    return float(tol)


def check_simplex(name: str, x, *, tol: float = 1e-9) -> np.ndarray:
    """Validate probability vectors along the last axis (numpy path).

    Entries must be finite reals in ``[0, 1]`` and each vector (last axis,
    length >= 2) must sum to 1 within ``tol`` (a finite real in
    ``(0, 1e-2]``).

    Parameters
    ----------
    name : str
        Non-empty argument name used in error messages.
    x : array_like, shape (..., k), k >= 2
        Probability vectors along the last axis.
    tol : float in (0, 1e-2], optional
        Sum-to-1 tolerance; default 1e-9.

    Returns
    -------
    ndarray
        ``x`` as float64 (not renormalised).

    Raises
    ------
    ValueError
        If an entry is outside [0, 1] or not finite, a vector has fewer than 2
        entries or does not sum to 1 within tol, or name/tol is invalid.

    Examples
    --------
    >>> check_simplex("p", [[0.25, 0.75], [1, 0]])
    array([[0.25, 0.75],
           [1.  , 0.  ]])
    >>> check_simplex("p", [0.5, 0.6])
    Traceback (most recent call last):
    ...
    ValueError: p must sum to 1 along the last axis (within 1e-09); got a sum of ...
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str (the argument name used in error "
                         f"messages); got {name!r}")
    tol = check_tol(tol)
    if isinstance(x, (bool, np.bool_)) or isinstance(x, numbers.Number) and not isinstance(x, np.ndarray):
        raise ValueError(f"{name} must be an array of probabilities with at least 2 categories "
                         f"along the last axis; got the scalar {x!r} (use .bernoulli for scalars)")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists etc.
        raise ValueError(f"{name} must be a rectangular array of probabilities; got {x!r}") from exc
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} must be real probabilities, got complex values")
    if arr.dtype == object or arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be real probabilities; got dtype {arr.dtype}")
    arr = arr.astype(float, copy=False)
    if arr.ndim == 0 or arr.shape[-1] < 2:
        raise ValueError(f"{name} must have at least 2 categories along the last axis; "
                         f"got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite probabilities in [0, 1]; got NaN/inf")
    if (arr < 0).any() or (arr > 1).any():
        bad = arr[(arr < 0) | (arr > 1)].flat[0]
        raise ValueError(f"{name} entries must lie in [0, 1]; got {bad!r}")
    sums = arr.sum(axis=-1)
    off = np.abs(sums - 1)
    if (off > tol).any():
        raise ValueError(f"{name} must sum to 1 along the last axis (within {tol:g}); "
                         f"got a sum of {sums.flat[int(np.argmax(off))]!r}")
    return arr


def _check_simplex_mp(name: str, x) -> list:
    vals = list(x.ravel()) if isinstance(x, np.ndarray) else list(x)
    if len(vals) < 2 or any(isinstance(v, (list, tuple, np.ndarray)) for v in vals):
        raise ValueError(f"{name}: mpmath evaluation takes one 1-D probability vector with at "
                         f"least 2 entries; got {x!r}")
    prob = Param(name, 0.0, 1.0, True, True)
    out = [check_mp(prob, v) for v in vals]
    # 10^(-dps/2), but never tighter than the rounding of a float64 simplex (mpf(0.1) + mpf(0.2)
    # + mpf(0.7) = 1 + 1.7e-17 exactly), which the float path accepts too
    tol = max(mpmath.mpf(10) ** (-(mpmath.mp.dps // 2)), 4 * len(out) * mpmath.mpf(2) ** -53)
    if abs(mpmath.fsum(out) - 1) > tol:
        raise ValueError(f"{name} must sum to 1 (within {mpmath.nstr(tol, 3)}); "
                         f"got {mpmath.nstr(mpmath.fsum(out), 20)}")
    return out


# ----------------------------------------------------------------------------
# the divergence object
# ----------------------------------------------------------------------------

class FDivergence:
    """An f-divergence ``D_f(P||Q) = sum_i q_i f(p_i/q_i)`` defined by its generator.

    Parameters
    ----------
    f : sympy.Expr, str or callable
        Generator in the variable ``t`` (a :data:`t` symbol with ``t > 0``);
        any single free symbol is renamed to ``t``.  Must be convex on
        ``(0, inf)`` with ``f(1) = 0``.  A string is parsed by
        :func:`w2s_theory._parse.parse_expression` (numbers, ``t``, ``+ - * / **``
        and whitelisted functions such as ``log``, ``exp``, ``sqrt``, ``Abs``);
        it is never evaluated as Python.
    name : str
        Short name used in reports.
    validate : bool
        Run :func:`validate_generator` (default ``True``).

    Returns
    -------
    FDivergence
        Callable as ``D(p, q)``; also has ``loss_and_grad``, ``conjugate`` and the
        derived SymPy quantities (``perspective``, ``f_at_0``, ``slope_at_inf``,
        ``grad_coefficient``, ``f2_at_1``).

    Raises
    ------
    ValueError
        If *validate* and f is not a valid generator (see :func:`validate_generator`).

    Notes
    -----
    Source: Yao et al. 2025, "On Weak-to-Strong Generalization and
    f-Divergence" (abstract), which proposes ``D_f`` between the weak
    teacher's and the strong student's predictive distributions as the W2S
    training loss.  Evaluators are generated from the SymPy expression; the
    mpmath path runs at ``mp.dps`` plus guard digits.

    Examples
    --------
    >>> KL([0.5, 0.5], [0.9, 0.1])   # = 0.5 log(0.5/0.9) + 0.5 log(0.5/0.1)
    0.5108256237659907
    """

    def __init__(self, f, name: str = "custom", *, validate: bool = True, latex: str = ""):
        self.f = _as_generator(f)
        self.name = name
        self.latex = latex or sp.latex(self.f)
        self.convexity_check = validate_generator(self.f) if validate else "not checked"

    def __repr__(self):
        return f"FDivergence({self.name}: f(t) = {self.f})"

    # ---- derived symbolic quantities (all from self.f) ---------------------
    @functools.cached_property
    def perspective(self) -> sp.Expr:
        """``q f(p/q)`` in the positive symbols ``p, q`` (simplified)."""
        # ``together`` cancels q against p/q (p log(p/q), (p-q)^2/q); forms with
        # powers like log((p/q)**p) are rejected (they over/underflow).
        return _tidy(_q * self.f.subs(t, _p / _q), sp.together)

    @functools.cached_property
    def f_at_0(self) -> sp.Expr:
        """``f(0) = lim_{t->0+} f(t)`` (may be ``oo``)."""
        return _safe_limit(self.f, 0)

    @functools.cached_property
    def slope_at_inf(self) -> sp.Expr:
        """``f'(inf) = lim_{t->inf} f(t)/t`` (may be ``oo``)."""
        return _safe_limit(self.f / t, sp.oo)

    @functools.cached_property
    def grad_coefficient(self) -> sp.Expr:
        """``a(t) = f(t) - t f'(t)``, the derivative of ``s f(p/s)`` in ``s``.

        For a student ``s = softmax(z)`` and the loss ``L = D_f(P||s)``,
        ``dL/dz_j = s_j (a(t_j) - sum_i s_i a(t_i))`` with ``t_i = p_i/s_i``.
        """
        return sp.simplify(self.f - t * sp.diff(self.f, t))

    @functools.cached_property
    def a_at_0(self) -> sp.Expr:
        return _safe_limit(self.grad_coefficient, 0)

    @functools.cached_property
    def f2_at_1(self) -> sp.Expr:
        """``f''(1)``: ``D_f(P||Q) ~ f''(1)/2 * chi2(P||Q)`` as ``P -> Q``.

        ``nan`` when ``f`` is not twice differentiable at 1 (e.g. TV).
        """
        if self.f.has(*_NONSMOOTH):
            return sp.nan
        v = sp.simplify(sp.diff(self.f, t, 2).subs(t, 1))
        return v if (v.is_real and v.is_finite) else sp.nan

    def conjugate(self, name: str | None = None) -> "FDivergence":
        """The generator ``t f(1/t)``, for which ``D_{f*}(P||Q) = D_f(Q||P)``."""
        g = _tidy(t * self.f.subs(t, 1 / t), sp.simplify)
        return FDivergence(g, name or f"{self.name}*", validate=False)

    # ---- generated evaluators ------------------------------------------------
    @functools.cached_property
    def _persp_np(self):
        return sp.lambdify([_p, _q], self.perspective, modules="numpy")

    @functools.cached_property
    def _persp_mp(self):
        return sp.lambdify([_p, _q], self.perspective, modules="mpmath")

    @functools.cached_property
    def _a_np(self):
        return _lambdify_t(self.grad_coefficient, "numpy")

    @functools.cached_property
    def _a_mp(self):
        return _lambdify_t(self.grad_coefficient, "mpmath")

    @functools.cached_property
    def _a0_float(self):
        return _to_float(self.a_at_0)

    @functools.cached_property
    def _limits(self):
        return (_to_float(self.f_at_0), _to_float(self.slope_at_inf))

    # ---- public evaluation --------------------------------------------------
    def __call__(self, p, q, *, tol: float = 1e-9):
        """``D_f(P||Q)`` for probability vectors along the last axis.

        Parameters
        ----------
        p, q : array_like, shape (..., k), k >= 2
            Probability vectors (entries in ``[0, 1]``, summing to 1 within
            ``tol``), broadcast together over leading axes.  Lists of
            ``mpmath.mpf`` select 50-digit-capable mpmath evaluation (1-D).
        tol : float
            Sum-to-1 tolerance, in ``(0, 1e-2]`` (numpy path; the mpmath path
            uses ``10**(-mp.dps/2)``).

        Returns
        -------
        float, ndarray or mpf
            ``sum_i q_i f(p_i/q_i)``; ``+inf`` when it diverges.
        """
        trusted = _TRUSTED.get()
        if trusted is not False and type(p) is np.ndarray and type(q) is np.ndarray \
                and p.dtype == q.dtype == np.float64 and p.shape == q.shape and tol == 1e-9:
            if trusted is not True:                 # a memo (see _TRUSTED)
                key = (id(self), id(p), id(q))
                if key in trusted:
                    return trusted[key]
            out = self._positive_terms_np(p, q)
            out = (self._terms_np(p, q) if out is None else out).sum(axis=-1)
            out = float(out) if out.ndim == 0 else out
            if trusted is not True:
                trusted[key] = out
            return out
        check_tol(tol)
        if _is_mp_input(p) or _is_mp_input(q):
            return self._call_mp(_check_simplex_mp("p", p), _check_simplex_mp("q", q))
        P = check_simplex("p", p, tol=tol)
        Q = check_simplex("q", q, tol=tol)
        if P.shape[-1] != Q.shape[-1]:
            raise ValueError(f"p and q must have the same number of categories; got "
                             f"p.shape={P.shape}, q.shape={Q.shape}")
        try:
            P, Q = np.broadcast_arrays(P, Q)
        except ValueError:
            raise ValueError(f"p and q cannot be broadcast together: p.shape={P.shape}, "
                             f"q.shape={Q.shape}") from None
        out = self._terms_np(P, Q).sum(axis=-1)
        return float(out) if out.ndim == 0 else out

    def _positive_terms_np(self, P, Q):
        """``_terms_np`` when every entry is > 0 (no masks needed; same values), else None."""
        # min > 0 is (x > 0).all() for non-empty float arrays (NaN: False), in one reduction
        if not ((P.min() > 0 and Q.min() > 0) if P.size and Q.size
                else ((P > 0).all() and (Q > 0).all())):
            return None
        with np.errstate(all="ignore"):
            terms = np.asarray(self._persp_np(P, Q), dtype=float)
        return terms if terms.shape == P.shape and not np.isnan(terms).any() else None

    def _terms_np(self, P, Q, *, check: bool = True):
        f0, finf = self._limits
        both = (P > 0) & (Q > 0)
        with np.errstate(all="ignore"):
            inner = np.asarray(self._persp_np(np.where(both, P, 1.0), np.where(both, Q, 1.0)),
                               dtype=float) * np.ones_like(P)
            terms = np.where(both, inner, 0.0)
            terms = np.where((P == 0) & (Q > 0), Q * f0, terms)
            terms = np.where((Q == 0) & (P > 0), P * finf, terms)
        if check and np.isnan(terms).any():  # pragma: no cover - guarded by the masks above
            raise FloatingPointError(f"{self.name}: NaN for valid input")
        return terms

    def _call_mp(self, P, Q):
        if len(P) != len(Q):
            raise ValueError(f"p and q must have the same length; got {len(P)} and {len(Q)}")
        with mpmath.workdps(mpmath.mp.dps + GUARD_DIGITS):
            terms = []
            for pi, qi in zip(P, Q):
                if pi > 0 and qi > 0:
                    terms.append(self._persp_mp(pi, qi))
                elif qi > 0:  # p_i = 0
                    terms.append(qi * _to_mp(self.f_at_0))
                elif pi > 0:  # q_i = 0
                    terms.append(pi * _to_mp(self.slope_at_inf))
            out = mpmath.fsum(terms)
        return +out

    def bernoulli(self, p, q):
        """``D_f(Bern(p) || Bern(q))`` for success probabilities in ``[0, 1]``.

        ``p``, ``q`` are scalars, broadcastable arrays, or ``mpf``.
        """
        prob_p, prob_q = Param("p", 0.0, 1.0, True, True), Param("q", 0.0, 1.0, True, True)
        if isinstance(p, (mpmath.mpf, mpmath.mpc)) or isinstance(q, (mpmath.mpf, mpmath.mpc)):
            a, b = check_mp(prob_p, p), check_mp(prob_q, q)
            return self._call_mp([a, 1 - a], [b, 1 - b])
        a, b = check_np(prob_p, p), check_np(prob_q, q)
        try:
            a, b = np.broadcast_arrays(a, b)
        except ValueError:
            raise ValueError(f"p and q cannot be broadcast together: p{np.shape(a)}, "
                             f"q{np.shape(b)}") from None
        out = self._terms_np(np.stack([a, 1 - a], -1), np.stack([b, 1 - b], -1)).sum(-1)
        return float(out) if out.ndim == 0 else out

    # ---- the W2S loss and its logit gradient -------------------------------
    def loss_and_grad(self, teacher, logits, *, tol: float = 1e-9):
        """Loss ``D_f(teacher || softmax(logits))`` and its gradient in the logits.

        The student's predictive distribution is the *reference* measure:
        ``L = sum_i s_i f(p_i/s_i)``, ``s = softmax(z)``.  With ``f = t log t``
        this is ``KL(teacher||student)``, i.e. cross-entropy against the soft
        teacher labels minus the teacher's entropy; with ``f = -log t`` it is
        ``KL(student||teacher)``.

        Closed-form gradient (derived here; Yao et al. 2025 use these losses
        with gradient training): with ``t_i = p_i/s_i`` and
        ``a(t) = f(t) - t f'(t)``,

            dL/dz_j = s_j (a(t_j) - sum_i s_i a(t_i)).

        For KL this is ``s - p``, the cross-entropy gradient.

        Parameters
        ----------
        teacher : array_like, shape (..., k)
            Teacher probabilities; zero entries are allowed only when
            ``a(0+)`` is finite (not for reverse KL or Jeffreys).
        logits : array_like, shape (..., k)
            Finite real student logits (broadcast with ``teacher``) whose
            spread ``max - min`` is finite in float64; lists of ``mpf`` select
            mpmath evaluation (1-D).
        tol : float
            Sum-to-1 tolerance for ``teacher``, in ``(0, 1e-2]``.

        Returns
        -------
        (loss, grad) : loss has the leading shape, grad the shape of logits.
            Finite also when softmax underflows (logit spread >= ~745): such
            entries are evaluated from the log-softmax in mpmath.

        Raises
        ------
        ValueError
            for invalid ``teacher``, ``logits`` or ``tol`` (naming it).
        FloatingPointError
            when the loss or gradient itself exceeds float64 (e.g. chi2 with a
            student probability ~e^-800: ``p^2/s`` overflows).
        """
        check_tol(tol)
        if _is_mp_input(teacher) or _is_mp_input(logits):
            return self._loss_grad_mp(teacher, logits)
        P = check_simplex("teacher", teacher, tol=tol)
        P, Z = _check_logits(P, logits)
        if (P == 0).any() and not np.isfinite(_to_float(self.a_at_0)):
            raise ValueError(f"teacher probabilities must be > 0 for the {self.name} loss "
                             f"(f(t) - t f'(t) diverges as t -> 0)")
        return self._loss_grad_np(P, Z)

    def _loss_grad_np(self, P, Z):
        """:meth:`loss_and_grad` on validated, broadcast float arrays (hot loop of fits).

        Entries with ``p_i > 0`` whose student probability is below the
        smallest normal float (log-softmax < -708; it may underflow to 0) or
        whose loss term / ``s_i a(t_i)`` overflows are recomputed in mpmath
        from the log-softmax (mpmath has no exponent limit); the result
        overflows only when the true value exceeds float64.
        """
        a0 = self._a0_float
        logS = Z - _last_axis(np.maximum, Z)[..., None]
        logS = logS - np.log(_last_axis(np.add, np.exp(logS)))[..., None]
        S = np.exp(logS)
        # NaN here (e.g. JS at subnormal s: inf - inf) is caught by ``redo``
        pos = bool((P > 0).all())      # the usual case: no masks needed (same values)
        terms = self._positive_terms_np(P, S) if pos else None
        if terms is None:
            terms = self._terms_np(P, S, check=False)
        with np.errstate(all="ignore"):
            T = np.exp(np.log(P if pos else np.where(P > 0, P, 1.0)) - logS)
            A = np.asarray(self._a_np(T), dtype=float)
            A = A if A.shape == T.shape else A * np.ones_like(T)
            if not pos:
                A = np.where(P > 0, A, a0)
            SA = S * A
        redo = (P > 0) & ((logS < _LOG_TINY) | ~np.isfinite(terms) | ~np.isfinite(SA))
        if not redo.any():
            loss = _last_axis(np.add, terms)
            # _last_axis: the same sum as SA.sum(-1) (numpy's order for k < 8), ~20x faster
            # on the (n, 2) arrays of the binary fits, where it was ~1/3 of this function
            grad = S * (A - _last_axis(np.add, SA)[..., None])
        else:
            terms, SA = terms.copy(), SA.copy()
            for idx in zip(*np.nonzero(redo)):
                terms[idx], SA[idx] = self._entry_mp(P[idx], logS[idx])
            with np.errstate(over="ignore", invalid="ignore"):
                loss = terms.sum(-1)
                grad = SA - S * SA.sum(-1, keepdims=True)
        if not (np.isfinite(loss).all() and np.isfinite(grad).all()):
            raise FloatingPointError(f"{self.name} loss: the loss or its gradient exceeds the "
                                     f"float64 range for these logits")
        return (float(loss) if loss.ndim == 0 else loss), grad

    def _entry_mp(self, p, log_s):
        """``(s f(p/s), s a(p/s))`` with ``s = exp(log_s)``, in mpmath, as floats (inf on overflow)."""
        with mpmath.workdps(15 + GUARD_DIGITS):
            p = mpmath.mpf(float(p))
            s = mpmath.exp(mpmath.mpf(float(log_s)))
            term = self._persp_mp(p, s)
            sa = s * self._a_mp(p / s)
        return _mp_to_float(term), _mp_to_float(sa)

    def loss(self, teacher, logits):
        """``D_f(teacher || softmax(logits))``; see :meth:`loss_and_grad`."""
        return self.loss_and_grad(teacher, logits)[0]

    def _loss_grad_mp(self, teacher, logits):
        P = _check_simplex_mp("teacher", teacher)
        Z = [check_mp(Param("logits", -np.inf, np.inf), z) for z in logits]
        if len(Z) != len(P):
            raise ValueError(f"logits must have {len(P)} entries; got {len(Z)}")
        with mpmath.workdps(mpmath.mp.dps + GUARD_DIGITS):
            m = max(Z)
            lse = m + mpmath.log(mpmath.fsum(mpmath.exp(z - m) for z in Z))
            S = [mpmath.exp(z - lse) for z in Z]
            loss = self._call_mp(P, S)
            A = [self._a_mp(pi / si) if pi > 0 else _to_mp(self.a_at_0) for pi, si in zip(P, S)]
            if any(not mpmath.isfinite(a) for a in A):
                raise ValueError(f"teacher probabilities must be > 0 for the {self.name} loss")
            mean = mpmath.fsum(si * ai for si, ai in zip(S, A))
            grad = [si * (ai - mean) for si, ai in zip(S, A)]
        return +loss, [+g for g in grad]


def _tidy(expr, simplifier):
    """``simplifier(expr)`` unless it creates powers with symbolic exponents
    (``log((p/q)**p)`` over/underflows in floating point); then ``expr``."""
    simp = simplifier(expr)
    if any(not pw.exp.is_number for pw in simp.atoms(sp.Pow)):
        return expr
    return simp


def _safe_limit(expr, point):
    """One-sided limit at ``0+`` or ``+oo``; numeric fallback where SymPy fails.

    SymPy's Gruntz algorithm fails (``Max(t - 1, 0)``) or hangs
    (``Heaviside``) on some non-smooth generators, which therefore always use
    the fallback.  It evaluates at ``t = 1e-/+20`` and
    ``1e-/+40`` with 60 digits: equal to 1e-15 (relative) -> that value,
    otherwise the sign of the growth -> ``+-oo``.
    """
    direction = "+" if point == 0 else "-"
    candidates = () if expr.has(*_NO_SYMBOLIC_LIMIT) else (expr, expr.rewrite(sp.Piecewise))
    for e in candidates:
        try:
            val = sp.limit(e, t, point, direction)
        except (TypeError, NotImplementedError, ValueError):
            continue
        if val.is_number and not val.has(sp.AccumBounds, sp.nan):
            return val
    fn = sp.lambdify([t], expr, modules="mpmath")
    with mpmath.workdps(60):
        xs = [mpmath.mpf(10) ** (k if point != 0 else -k) for k in (20, 40)]
        v1, v2 = (mpmath.re(fn(x)) for x in xs)
        if abs(v2 - v1) <= mpmath.mpf(10) ** -15 * (1 + abs(v2)):
            return sp.Float(str(v2), 30)
        return sp.oo if v2 > v1 else -sp.oo


#: log of the smallest normal float64: below it exp() loses bits or underflows.
_LOG_TINY = math.log(np.finfo(float).tiny)


def _mp_to_float(x) -> float:
    x = mpmath.re(x)
    if mpmath.isnan(x):  # pragma: no cover - p, s > 0 keep the perspective defined
        return math.nan
    return float(x) if abs(x) <= mpmath.mpf(np.finfo(float).max) else math.copysign(math.inf, x)


def _check_logits(P, logits):
    """Validate student logits against teacher probabilities ``P``; broadcast both.

    Logits must be finite reals with ``P``'s number of categories on the last
    axis and a spread ``max - min`` that float64 can represent (the
    log-softmax is ``z - max - log sum exp(z - max)``).
    """
    if isinstance(logits, str):
        raise ValueError(f"logits must be real numbers; got the string {logits!r}")
    try:
        Z = np.asarray(logits)
    except Exception as exc:  # ragged lists etc.
        raise ValueError(f"logits must be a rectangular array of real numbers; got "
                         f"{logits!r}") from exc
    if np.iscomplexobj(Z) or Z.dtype == object or Z.dtype == bool \
            or not np.issubdtype(Z.dtype, np.number):
        raise ValueError(f"logits must be real numbers; got dtype {Z.dtype}")
    Z = Z.astype(float)
    if Z.ndim == 0 or Z.shape[-1] != P.shape[-1]:
        raise ValueError(f"logits must have the teacher's number of categories on the last "
                         f"axis; got logits.shape={Z.shape}, teacher.shape={P.shape}")
    if not np.isfinite(Z).all():
        raise ValueError("logits must be finite real numbers; got NaN/inf")
    with np.errstate(over="ignore"):
        spread = Z.max(axis=-1) - Z.min(axis=-1)
    if not np.isfinite(spread).all():
        raise ValueError(f"logits: the spread max - min along the last axis must be finite in "
                         f"float64 (< {np.finfo(float).max:.3g}); got logits from "
                         f"{Z.min():.3g} to {Z.max():.3g}")
    try:
        P, Z = np.broadcast_arrays(P, Z)
    except ValueError:
        raise ValueError(f"teacher and logits cannot be broadcast together: "
                         f"{P.shape} vs {Z.shape}") from None
    return P, Z


def _to_float(expr) -> float:
    if expr in (sp.oo, sp.zoo):
        return np.inf
    if expr == -sp.oo:
        return -np.inf
    return float(expr)


def _to_mp(expr):
    if expr in (sp.oo, sp.zoo):
        return mpmath.inf
    if expr == -sp.oo:
        return -mpmath.inf
    return mpmath.mpf(sp.N(expr, mpmath.mp.dps + GUARD_DIGITS))


# ----------------------------------------------------------------------------
# the standard family
# ----------------------------------------------------------------------------

#: KL(P||Q) = sum p log(p/q); f(t) = t log t.
KL = FDivergence(t * sp.log(t), "kl", validate=False, latex=r"t\log t")
#: Reverse KL, KL(Q||P) = sum q log(q/p); f(t) = -log t.
REVERSE_KL = FDivergence(-sp.log(t), "reverse_kl", validate=False, latex=r"-\log t")
#: Jensen-Shannon, (KL(P||M) + KL(Q||M))/2 with M = (P+Q)/2; bounded by log 2.
JS = FDivergence((t * sp.log(t) - (t + 1) * sp.log((t + 1) / 2)) / 2, "js", validate=False,
                 latex=r"\tfrac12\left(t\log t-(t+1)\log\tfrac{t+1}{2}\right)")
#: Jeffreys, KL(P||Q) + KL(Q||P); f(t) = (t-1) log t.
JEFFREYS = FDivergence((t - 1) * sp.log(t), "jeffreys", validate=False, latex=r"(t-1)\log t")
#: Squared Hellinger, sum (sqrt p - sqrt q)^2 (no 1/2; range [0, 2]); f(t) = (sqrt t - 1)^2.
HELLINGER2 = FDivergence((sp.sqrt(t) - 1) ** 2, "hellinger2", validate=False,
                         latex=r"(\sqrt t-1)^2")
#: Pearson chi-square, sum (p-q)^2/q; f(t) = (t-1)^2.
CHI2 = FDivergence((t - 1) ** 2, "chi2", validate=False, latex=r"(t-1)^2")
#: Total variation, ``sum |p-q|/2`` (range [0, 1]); ``f(t) = |t-1|/2``.
TV = FDivergence(sp.Abs(t - 1) / 2, "tv", validate=False, latex=r"\tfrac12|t-1|")

#: The standard family by name.
DIVERGENCES: dict[str, FDivergence] = {d.name: d for d in
                                       (KL, REVERSE_KL, JS, JEFFREYS, HELLINGER2, CHI2, TV)}


def get(name) -> FDivergence:
    """Look up a standard divergence by name (or pass an :class:`FDivergence` through).

    Parameters
    ----------
    name : str or FDivergence
        One of ``"chi2"``, ``"hellinger2"``, ``"jeffreys"``, ``"js"``, ``"kl"``,
        ``"reverse_kl"``, ``"tv"``, or an FDivergence (returned unchanged).

    Returns
    -------
    FDivergence

    Raises
    ------
    ValueError
        If name is not a known divergence.

    Examples
    --------
    >>> get("js")
    FDivergence(js: f(t) = t*log(t)/2 - (t + 1)*log(t/2 + 1/2)/2)
    >>> round(get("tv")([0.5, 0.5], [0.9, 0.1]), 12)
    0.4
    >>> get("kl2")
    Traceback (most recent call last):
    ...
    ValueError: divergence must be one of ['chi2', 'hellinger2', 'jeffreys', 'js', 'kl', 'reverse_kl', 'tv'] or an FDivergence; got 'kl2'
    """
    if isinstance(name, FDivergence):
        return name
    if not isinstance(name, str):
        raise ValueError(f"divergence must be one of {sorted(DIVERGENCES)} or an FDivergence; "
                         f"got {type(name).__name__} {name!r}")
    try:
        return DIVERGENCES[name]
    except KeyError:
        raise ValueError(f"divergence must be one of {sorted(DIVERGENCES)} or an FDivergence; "
                         f"got {name!r}") from None


def cross_entropy(teacher, logits):
    """Cross-entropy ``-sum_i p_i log softmax(z)_i`` against soft teacher labels.

    Returns ``(loss, grad)``; ``grad = softmax(z) - p`` (the textbook result,
    written independently of :class:`FDivergence` so claims can compare).
    ``teacher`` and ``logits`` are validated as in
    :meth:`FDivergence.loss_and_grad` (finite real logits with a float64
    spread; FloatingPointError if the loss itself exceeds float64).

    Parameters
    ----------
    teacher : array_like, shape (..., k)
        Soft teacher labels (probability vectors along the last axis).
    logits : array_like, shape (..., k)
        Student logits z.

    Returns
    -------
    loss : float or ndarray, shape (...)
        ``-sum_i p_i log softmax(z)_i``.
    grad : ndarray, shape (..., k)
        ``softmax(z) - p``, the gradient in z.

    Raises
    ------
    ValueError
        If teacher is not a probability vector or logits are invalid.
    FloatingPointError
        If the loss exceeds the float64 range.

    Examples
    --------
    >>> loss, grad = cross_entropy([0.5, 0.5], [0.0, 0.0])
    >>> round(float(loss), 12), grad         # log 2 and a zero gradient
    (0.69314718056, array([0., 0.]))
    >>> loss, grad = cross_entropy([1.0, 0.0], [2.0, 0.0])
    >>> round(float(loss), 12), grad.round(12)
    (0.126928011043, array([-0.11920292,  0.11920292]))
    """
    P = check_simplex("teacher", teacher)
    P, Z = _check_logits(P, logits)
    logS = Z - Z.max(axis=-1, keepdims=True)
    logS = logS - np.log(np.exp(logS).sum(axis=-1, keepdims=True))
    with np.errstate(over="ignore", under="ignore"):
        loss, grad = -(P * logS).sum(-1), np.exp(logS) - P
    if not np.isfinite(loss).all():  # pragma: no cover - loss <= spread, checked finite
        raise FloatingPointError("cross-entropy exceeds the float64 range for these logits")
    return loss, grad
