"""Numeric evaluators for §2.1 (Moniri & Hassani 2025, Prop 3, Thm 4, Thm 5).

Every function accepts floats, numpy arrays (broadcast together) or mpmath
numbers and returns the same kind; its SymPy counterpart is in
:mod:`w2s_theory.ridge.symbolic`.  Parameter ranges:

* ``phi`` = d/n, ``psi`` = d/m: aspect ratios in (0, ∞);
* ``lam_T``, ``lam_S``: ridge penalties in (0, ∞) (ridgeless limits have
  their own functions);
* ``sigma2``: label-noise variance in [0, ∞); ``r2`` = ‖β‖² in (0, ∞).
"""
from __future__ import annotations

import dataclasses
import math

import mpmath
import numpy as np
import sympy as sp

from .._numeric import SAFE_HIGH, SAFE_LOW, Formula, Param, finish, prepare
from ..rmt import symbolic as mp_sym
from . import symbolic as S

PHI = Param("phi")
PSI = Param("psi")
LAM_T = Param("lam_T")
LAM_S = Param("lam_S")
SIGMA2 = Param("sigma2", low_closed=True)
R2 = Param("r2")

_T_PARAMS = (PHI, LAM_T, SIGMA2, R2)
_S_PARAMS = (PHI, PSI, LAM_T, LAM_S, SIGMA2, R2)

_teacher = Formula(S.STABLE["teacher_error"], _T_PARAMS, S.ARGS_TEACHER, "teacher_error")
_student = Formula(S.STABLE["student_error"], _S_PARAMS, S.ARGS_STUDENT, "student_error")
_gap = Formula(S.STABLE["error_gap"], _S_PARAMS, S.ARGS_STUDENT, "error_gap")
_h = Formula(S.STABLE["level_h"], _T_PARAMS, S.ARGS_TEACHER, "level_h")
_two_minus_h = Formula(S.STABLE["two_minus_h"], _T_PARAMS, S.ARGS_TEACHER, "two_minus_h")
_g = Formula(S.STABLE["gain_g"], (PSI, LAM_S), (S.psi, S.lam_S), "gain_g")
_lam_star = Formula(S.optimal_lambda, (PHI, SIGMA2, R2), (S.phi, S.sigma2, S.r2), "optimal_lambda")
_c_max = Formula(sp.Piecewise((2, S.psi < 1), (S.c_max_over, True)), (PSI,), (S.psi,), "c_max")
# t(λ) = λ m'_ψ/m_ψ = 2 - g and its λ-derivative, for Newton polishing of endpoints
_t_expr = mp_sym.functional("b_over_p", S.psi, S.lam_S, stable=True)
_t = Formula(_t_expr, (PSI, LAM_S), (S.psi, S.lam_S), "t")
_dt = Formula(sp.diff(_t_expr, S.lam_S), (PSI, LAM_S), (S.psi, S.lam_S), "dt")


def teacher_error(phi, lam_T, sigma2, r2):
    """Limiting test error of the ridge teacher (Moniri & Hassani 2025, Prop 3).

        E_T = σ² + r² λ_T² m'_φ(-λ_T) + σ² φ v_φ(λ_T),   v = m - λm'

    (bias r²λ²m', variance σ²φv, plus the irreducible noise σ²), with m_φ
    the MP Stieltjes transform of ratio φ = d/n.  Stable for
    λ_T ∈ [1e-12, 1e6], φ ∈ [1e-3, 1e3] (relative error ~1e-14).

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    lam_T : float, array_like or mpmath.mpf in (0, inf)
        Teacher ridge penalty λ_T.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².

    Returns
    -------
    float, ndarray or mpmath.mpf
        E_T, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> round(teacher_error(0.5, 0.25, 0.5, 1.0), 12)
    0.780776406404
    >>> round(teacher_error(0.5, 1e-10, 0.5, 1.0), 8), round(ridgeless_teacher_error(0.5, 0.5, 1.0), 8)
    (1.0, 1.0)
    >>> teacher_error([0.5, 2.0], 0.25, 0.5, 1.0).round(6)
    array([0.780776, 1.280869])
    >>> teacher_error(0.5, -1.0, 0.5, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: lam_T ...
    """
    return _teacher(phi, lam_T, sigma2, r2)


def student_error(phi, psi, lam_T, lam_S, sigma2, r2):
    """Limiting test error of the ridge student on teacher labels (Thm 4).

        E_S = σ² + r²(1 - 2τ1_ψ τ1_φ + τ2_ψ τ2_φ) + σ² φ v_φ τ2_ψ,

    τ1 = ∫x/(x+λ)dμ, τ2 = ∫x²/(x+λ)²dμ at (ψ, λ_S) for the student and
    (φ, λ_T) for the teacher.  Evaluated as the equivalent sum of
    non-negative terms (see :mod:`w2s_theory.ridge.symbolic`), so no cancellation even when
    the student copies the teacher (λ_S → 0, ψ < 1).

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    psi : float, array_like or mpmath.mpf in (0, inf)
        Student aspect ratio ψ = d/m.
    lam_T : float, array_like or mpmath.mpf in (0, inf)
        Teacher ridge penalty λ_T.
    lam_S : float, array_like or mpmath.mpf in (0, inf)
        Student ridge penalty λ_S.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².

    Returns
    -------
    float, ndarray or mpmath.mpf
        E_S, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> round(student_error(0.5, 2.0, 1.0, 0.5, 0.5, 1.0), 12)
    1.26063939351
    >>> round(student_error(0.5, 0.5, 1.0, 1e-10, 0.5, 1.0), 8), round(teacher_error(0.5, 1.0, 0.5, 1.0), 8)
    (0.90204422, 0.90204422)
    """
    return _student(phi, psi, lam_T, lam_S, sigma2, r2)


def error_gap(phi, psi, lam_T, lam_S, sigma2, r2):
    """E_S - E_T, evaluated without subtracting two nearly equal errors.

        E_S - E_T = b_ψ K - 2 p_ψ v_φ (σ²φ - r²λ_T) = p_ψ K (h - g_ψ(λ_S)),

    with K = r²τ2_φ + σ²φv_φ, p = λm, b = λ²m'.  Negative means the student
    wins (weak-to-strong generalisation).  Source: Moniri & Hassani (2025),
    Thm 4 and Thm 5.

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    psi : float, array_like or mpmath.mpf in (0, inf)
        Student aspect ratio ψ = d/m.
    lam_T : float, array_like or mpmath.mpf in (0, inf)
        Teacher ridge penalty λ_T.
    lam_S : float, array_like or mpmath.mpf in (0, inf)
        Student ridge penalty λ_S.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².

    Returns
    -------
    float, ndarray or mpmath.mpf
        E_S − E_T, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> g = error_gap(0.5, 2.0, 1.0, 0.5, 0.5, 1.0)
    >>> round(g, 12), round(student_error(0.5, 2.0, 1.0, 0.5, 0.5, 1.0) - teacher_error(0.5, 1.0, 0.5, 1.0), 12)
    (0.358595174587, 0.358595174587)
    """
    return _gap(phi, psi, lam_T, lam_S, sigma2, r2)


def optimal_lambda(phi, sigma2, r2):
    """λ* = φσ²/r², the minimiser of E_T over λ_T (Dobriban & Wager 2018, Thm 2.1).

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².

    Returns
    -------
    float, ndarray or mpmath.mpf
        λ*, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> optimal_lambda(0.5, 0.5, 1.0)
    0.25
    >>> from scipy.optimize import minimize_scalar
    >>> res = minimize_scalar(lambda x: teacher_error(0.5, x, 0.5, 1.0), bounds=(0.01, 2), method='bounded')
    >>> round(float(res.x), 4)
    0.25
    """
    return _lam_star(phi, sigma2, r2)


def gain_g(psi, lam_S):
    """g_ψ(λ_S) = 2 - λ_S m'_ψ(-λ_S)/m_ψ(-λ_S) (Thm 5; depends on the student only).

    ψ < 1: decreases from 2 (λ_S → 0) to 1 (λ_S → ∞).  ψ > 1: rises from 1 to
    :func:`c_max` and falls back to 1, g > 1 throughout.

    Parameters
    ----------
    psi : float, array_like or mpmath.mpf in (0, inf)
        Student aspect ratio ψ = d/m.
    lam_S : float, array_like or mpmath.mpf in (0, inf)
        Student ridge penalty λ_S.

    Returns
    -------
    float, ndarray or mpmath.mpf
        g_ψ(λ_S), broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> [round(gain_g(0.5, x), 6) for x in (1e-8, 1.0, 1e8)]       # 2 → 1
    [2.0, 1.378732, 1.0]
    >>> [round(gain_g(2.0, x), 6) for x in (1e-8, 1.0, 1e8)], round(c_max(2.0), 6)
    ([1.0, 1.146447, 1.0], 1.146447)
    """
    return _g(psi, lam_S)


def level_h(phi, lam_T, sigma2, r2):
    """h = 2r²τ1_φ / (r²τ2_φ + σ²φv_φ) (Thm 5; depends on the teacher only).

    h < 2 ⟺ λ_T < λ* (under-regularised teacher); the student beats the
    teacher at λ_S iff g_ψ(λ_S) > h.

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    lam_T : float, array_like or mpmath.mpf in (0, inf)
        Teacher ridge penalty λ_T.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².

    Returns
    -------
    float, ndarray or mpmath.mpf
        h, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> round(level_h(0.5, 0.25, 0.5, 1.0), 12)                # λ_T = λ*
    2.0
    >>> round(level_h(0.5, 0.1, 0.5, 1.0), 6), round(level_h(0.5, 1.0, 0.5, 1.0), 6)
    (1.666048, 3.143683)
    """
    return _h(phi, lam_T, sigma2, r2)


def c_max(psi):
    """sup over λ_S > 0 of g_ψ(λ_S).

    ψ > 1: (3 - √(1 - 1/ψ))/2, attained at m_ψ(-λ_S) = 1/√(ψ(ψ-1)).
    ψ < 1: 2 (approached as λ_S → 0, not attained).  ψ = 1: 3/2 (as λ_S → 0).
    The student can beat the teacher for some λ_S iff h < c_max(ψ).
    Source: Moniri & Hassani (2025), Thm 5.

    Parameters
    ----------
    psi : float, array_like or mpmath.mpf in (0, inf)
        Student aspect ratio ψ = d/m.

    Returns
    -------
    float, ndarray or mpmath.mpf
        c_max(ψ) in (1, 2], broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> c_max(0.5), c_max(1.0)
    (2.0, 1.5)
    >>> round(c_max(2.0), 12), round((3 - (1 - 1 / 2) ** 0.5) / 2, 12)
    (1.146446609407, 1.146446609407)
    """
    return _c_max(psi)


_ridgeless_teacher = Formula(
    sp.Piecewise((S.sigma2 + S.sigma2 * S.phi / (1 - S.phi), S.phi < 1),
                 # (φ-1)/φ, not 1 - 1/φ: exact φ - 1 near φ = 1
                 (S.sigma2 + S.r2 * ((S.phi - 1) / S.phi) + S.sigma2 / (S.phi - 1), S.phi > 1),
                 (0, True)),  # φ = 1 is only valid with σ² = 0 (checked below)
    (PHI, SIGMA2, R2), (S.phi, S.sigma2, S.r2), "ridgeless_teacher_error")


def ridgeless_teacher_error(phi, sigma2, r2):
    """lim_{λ_T→0⁺} E_T (Hastie, Montanari, Rosset & Tibshirani 2022).

    φ < 1: σ² + σ²φ/(1-φ);  φ > 1: σ² + r²(1 - 1/φ) + σ²/(φ - 1).
    At φ = 1 it is infinite when σ² > 0 (interpolation peak): ValueError.

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².

    Returns
    -------
    float, ndarray or mpmath.mpf
        lim E_T as λ_T → 0⁺, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range, or φ = 1 with σ² > 0.

    Examples
    --------
    >>> ridgeless_teacher_error(0.5, 1.0, 1.0)
    2.0
    >>> ridgeless_teacher_error(2.0, 1.0, 1.0)
    2.5
    """
    kind, (ph, s2, rr) = prepare((PHI, SIGMA2, R2), (phi, sigma2, r2))
    if np.any(np.asarray(ph == 1) & np.asarray(s2 > 0)):
        raise ValueError("phi = 1 with sigma2 > 0: the ridgeless teacher error is infinite")
    return finish(kind, _ridgeless_teacher.evaluate(kind, [ph, s2, rr]))


# ----------------------------------------------------------------------------
# Thm 5: the exact set of λ_S where the student wins
# ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class WinRegion:
    """The open set {λ_S > 0 : E_S(λ_S) < E_T} of Thm 5: an open interval.

    Attributes
    ----------
    lower, upper : float or mpf
        Endpoints; ``upper = inf`` when unbounded, ``lower = 0`` when it reaches 0.
        For an empty region both are 0.
    case : str
        ``"never"`` (h ≥ c_max), ``"everywhere"`` (h ≤ 1), ``"below"``
        ((0, λ₊): ψ ≤ 1, 1 < h < c_max) or ``"band"`` ((λ₋, λ₊): ψ > 1,
        1 < h < c_max).
    h, c_max : the teacher level and the student's sup of g.

    Parameters
    ----------
    lower, upper, case, h, c_max
        The attributes above.

    Returns
    -------
    WinRegion
        Made by :func:`student_win_region`; supports ``lam_S in region``,
        ``region.contains(array)``, ``empty`` and ``bounded``.

    Examples
    --------
    >>> r = student_win_region(1.0, 2.0, 0.2, 1.0, 1.0)
    >>> r
    WinRegion((0.103073, 9.70187), case='band', h=1.06788, c_max=1.14645)
    >>> 0.5 in r, r.contains([0.01, 0.5, 100.0]), r.empty, r.bounded
    (True, array([False,  True, False]), False, True)
    """

    lower: object
    upper: object
    case: str
    h: object
    c_max: object

    @property
    def empty(self) -> bool:
        return self.case == "never"

    @property
    def bounded(self) -> bool:
        return self.case in ("below", "band")

    def __contains__(self, lam_S) -> bool:
        return (not self.empty) and self.lower < lam_S < self.upper

    def contains(self, lam_S):
        """Vectorised membership test for an array of λ_S values."""
        lam_S = np.asarray(lam_S, dtype=float)
        if self.empty:
            return np.zeros(lam_S.shape, dtype=bool)
        return (lam_S > float(self.lower)) & (lam_S < float(self.upper))

    def __repr__(self):
        if self.empty:
            return f"WinRegion(empty, h={float(self.h):.6g}, c_max={float(self.c_max):.6g})"
        return (f"WinRegion(({float(self.lower):.6g}, {float(self.upper):.6g}), case={self.case!r}, "
                f"h={float(self.h):.6g}, c_max={float(self.c_max):.6g})")


def _endpoint_us(h, psi, lib):
    """Positive roots u of (h-1)ψ(ψ-1)u² + (2ψ(h-1) - 1)u + (h-1) = 0, as a list."""
    A = (h - 1) * psi * (psi - 1)
    B = 2 * psi * (h - 1) - 1
    C = h - 1
    if A == 0:
        return [-C / B]
    disc = B * B - 4 * A * C
    disc = disc if disc > 0 else 0 * disc  # the double root at h = c_max
    q = -(B + (1 if B >= 0 else -1) * lib.sqrt(disc)) / 2  # no cancellation (citardauq)
    roots = [q / A, C / q]
    return sorted(r for r in roots if r > 0)


def _polish(lam0, psi, target, kind):
    """Newton in log λ on t_ψ(λ) = target, t = λm'/m = 2 - g (stable target = 2 - h).

    Stops when |step| < tol or, once steps are small, when |step| stops shrinking (the
    iteration has reached the rounding level of t; further steps only jitter).
    """
    lib = mpmath if kind == "mp" else math
    tol = mpmath.mpf(10) ** (-mpmath.mp.dps - 2) if kind == "mp" else 1e-15
    small = mpmath.mpf(10) ** (-mpmath.mp.dps // 2) if kind == "mp" else 1e-8
    cast = (lambda x: x) if kind == "mp" else float
    kk = "mp" if kind == "mp" else "scalar"
    ell = lib.log(lam0)
    prev = None
    for _ in range(60 if kind == "mp" else 8):
        lam = lib.exp(ell)
        t, dt = _t.evaluate(kk, [psi, lam]), _dt.evaluate(kk, [psi, lam])
        slope = cast(lam * dt)
        if slope == 0:
            break
        step = (cast(t) - target) / slope
        step = max(min(step, 2), -2)  # stay near the closed-form start
        if prev is not None and prev < small and abs(step) >= prev:
            break  # stalled at the rounding level: the previous iterate is as good as it gets
        ell -= step
        if abs(step) < tol:
            break
        prev = abs(step)
    return lib.exp(ell)


#: Float decisions closer than these to a case boundary of Thm 5 are redone at
#: :data:`WIN_REGION_DPS` digits: ``|h - 1|`` (also where the endpoints, ~1/(h-1) and
#: ~(h-1)(ψ-1)², inherit the relative rounding error of h - 1), ``|c_max - h|`` (double
#: root: endpoints ~ √(c_max - h)) and ``|σ²φ - r²λ_T|`` relative to σ²φ (λ_T = λ*, h = 2).
WIN_REGION_NEAR = 1e-3
WIN_REGION_DPS = 50


def _win_region(ph, ps, lt, s2, rr, kind):
    """Thm 5 region in one arithmetic (``kind`` "mp" or "scalar")."""
    kk = kind
    h = finish(kk, _h.evaluate(kk, [ph, lt, s2, rr]))
    two_minus_h = finish(kk, _two_minus_h.evaluate(kk, [ph, lt, s2, rr]))
    cm = finish(kk, _c_max.evaluate(kk, [ps]))
    inf = mpmath.inf if kind == "mp" else math.inf
    zero = mpmath.mpf(0) if kind == "mp" else 0.0
    if h <= 1:
        return WinRegion(zero, inf, "everywhere", h, cm)
    # for ψ < 1, c_max = 2: decide h ≥ 2 with the cancellation-free 2 - h
    if (ps < 1 and two_minus_h <= 0) or (ps >= 1 and h >= cm):
        return WinRegion(zero, zero, "never", h, cm)
    lib = mpmath if kind == "mp" else math
    lams = []
    for uu in _endpoint_us(h, ps, lib):
        lam0 = (1 - (1 - ps) * uu) / (uu * (1 + ps * uu))
        if not lam0 > 0:
            # λ₊ → 0 as h → 2 (ψ < 1) and λ_S(u) cancelled to ≤ 0; use t(λ) ≈ λ/(1-ψ)² there
            lam0 = two_minus_h * (1 - ps) ** 2
        lams.append(_polish(lam0, ps, two_minus_h, kind))
    if ps <= 1:
        return WinRegion(zero, lams[0], "below", h, cm)
    lo, hi = min(lams), max(lams)
    return WinRegion(lo, hi, "band", h, cm)


def _near_boundary(ph, ps, lt, s2, rr):
    """True when the float classification/endpoints may be off (see :data:`WIN_REGION_NEAR`)."""
    if any(v != 0 and not (SAFE_LOW <= abs(v) <= SAFE_HIGH) for v in (ph, ps, lt, s2, rr)):
        return True
    try:
        h = float(_h.evaluate("scalar", [ph, lt, s2, rr]))
        cm = float(_c_max.evaluate("scalar", [ps]))
    except (FloatingPointError, OverflowError, ValueError, ZeroDivisionError):
        return True
    near = WIN_REGION_NEAR
    return (abs(h - 1) < near or (ps > 1 and abs(cm - h) < near)
            or abs(s2 * ph - rr * lt) < near * s2 * ph)


def student_win_region(phi, psi, lam_T, sigma2, r2) -> WinRegion:
    """Exact set of λ_S > 0 where the student beats the teacher (Thm 5).

    E_S < E_T ⟺ g_ψ(λ_S) > h.  With u = m_ψ(-λ_S), g = c is the quadratic
    (c-1)ψ(ψ-1)u² + (2ψ(c-1) - 1)u + (c-1) = 0, solved in closed form with
    c = h and mapped back by λ_S = (1 - (1-ψ)u)/(u(1+ψu)); the endpoints are
    then polished by Newton's method on the stable form of g (a few steps, to
    full working precision, also where λ_S(u) cancels).

    Float input near a case boundary -- ``|h - 1|``, ``|c_max - h|`` or
    ``|σ²φ - r²λ_T|/(σ²φ)`` below :data:`WIN_REGION_NEAR` = 1e-3 -- or with a
    parameter outside [1e-30, 1e30] is decided and solved at
    :data:`WIN_REGION_DPS` = 50 digits and returned as floats: the case is then
    the exact one for the given binary floats, and the endpoints (~1/(h-1)
    and ~(h-1)(ψ-1)² as h → 1⁺) are correctly rounded to ~1e-15 relative
    instead of inheriting the float rounding of h - 1 (1e-16/``|h - 1|``
    relative).  mpmath input is solved at the caller's precision.

    Parameters
    ----------
    phi, psi : float or mpf in (0, inf)
    lam_T : float or mpf in (0, inf)
    sigma2 : float or mpf in [0, inf)
    r2 : float or mpf in (0, inf)

    Returns
    -------
    WinRegion

    Examples
    --------
    >>> student_win_region(1.0, 2.0, 0.2, 1.0, 1.0)
    WinRegion((0.103073, 9.70187), case='band', h=1.06788, c_max=1.14645)
    >>> student_win_region(1.0, 1.000000001, 0.4999864474654442, 1.0, 1.0).case
    'band'
    """
    kind, args = prepare(_S_PARAMS[:1] + _S_PARAMS[1:3] + _S_PARAMS[4:],
                         (phi, psi, lam_T, sigma2, r2))
    if kind == "array":
        raise ValueError("student_win_region takes scalar parameters; "
                         "loop over points, or use gain_g/level_h for arrays")
    if kind == "mp":
        return _win_region(*args, "mp")
    vals = [float(a) for a in args]
    if not _near_boundary(*vals):
        try:
            return _win_region(*vals, "scalar")
        except (FloatingPointError, OverflowError, ValueError, ZeroDivisionError):
            pass  # float range exceeded inside the solver: redo in mpmath below
    with mpmath.workdps(WIN_REGION_DPS):
        w = _win_region(*[mpmath.mpf(v) for v in vals], "mp")
        out = [float(x) for x in (w.lower, w.upper, w.h, w.c_max)]
        if w.bounded and not (0 < out[1] < math.inf and (w.case == "below" or out[0] > 0)):
            raise FloatingPointError(f"student_win_region: the endpoints ({mpmath.nstr(w.lower, 5)}, "
                                     f"{mpmath.nstr(w.upper, 5)}) are outside the float64 range; "
                                     "pass mpmath numbers")
    return WinRegion(out[0], out[1], w.case, out[2], out[3])


@dataclasses.dataclass(frozen=True)
class RidgeW2S:
    """A frozen §2.1 setting (scipy.stats style): ask it the theorem's quantities.

    >>> s = RidgeW2S(phi=1.0, psi=2.0, sigma2=1.0, r2=1.0)
    >>> s.win_region(0.2).case
    'band'

    Parameters are validated once, here; methods take the penalties only.
    Source: Moniri & Hassani (2025), §2.1 (Prop 3, Thm 4, Thm 5).

    Parameters
    ----------
    phi, psi : float in (0, inf)
        Aspect ratios d/n and d/m.
    sigma2 : float in [0, inf)
        Label-noise variance.
    r2 : float in (0, inf)
        ‖β‖².

    Returns
    -------
    RidgeW2S
        Methods ``teacher_error(lam_T)``, ``student_error(lam_T, lam_S)``,
        ``error_gap(lam_T, lam_S)``, ``h(lam_T)``, ``g(lam_S)``,
        ``win_region(lam_T)``, and properties ``lambda_star``, ``c_max``.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> s.lambda_star, round(s.c_max, 6)
    (1.0, 1.146447)
    >>> bool(s.error_gap(0.2, 1.0) == error_gap(1.0, 2.0, 0.2, 1.0, 1.0, 1.0))
    True
    >>> RidgeW2S(phi=-1.0, psi=2.0, sigma2=1.0, r2=1.0)
    Traceback (most recent call last):
    ...
    ValueError: phi ...
    """

    phi: float
    psi: float
    sigma2: float
    r2: float

    def __post_init__(self):
        # validation only: raises ValueError naming the bad parameter
        prepare((PHI, PSI, SIGMA2, R2), (self.phi, self.psi, self.sigma2, self.r2))

    @property
    def lambda_star(self):
        """Optimal teacher penalty λ* = φσ²/r²."""
        return optimal_lambda(self.phi, self.sigma2, self.r2)

    @property
    def c_max(self):
        """sup over λ_S of the student's g (see :func:`c_max`)."""
        return c_max(self.psi)

    def teacher_error(self, lam_T):
        return teacher_error(self.phi, lam_T, self.sigma2, self.r2)

    def student_error(self, lam_T, lam_S):
        return student_error(self.phi, self.psi, lam_T, lam_S, self.sigma2, self.r2)

    def error_gap(self, lam_T, lam_S):
        return error_gap(self.phi, self.psi, lam_T, lam_S, self.sigma2, self.r2)

    def h(self, lam_T):
        return level_h(self.phi, lam_T, self.sigma2, self.r2)

    def g(self, lam_S):
        return gain_g(self.psi, lam_S)

    def win_region(self, lam_T) -> WinRegion:
        return student_win_region(self.phi, self.psi, lam_T, self.sigma2, self.r2)
