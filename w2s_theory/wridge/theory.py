"""Numeric evaluators for §2.2 (Moniri & Hassani 2025, Assumption 7, Thm 8; Appendix E).

Generated from the SymPy expressions in :mod:`w2s_theory.wridge.symbolic`.
Every function accepts floats, numpy arrays (broadcast together) or mpmath
numbers and returns the same kind.  Parameter ranges:

* ``phi`` = d/n, ``psi`` = d/m: aspect ratios in (0, ∞);
* ``lam_T``, ``lam_S``: ridge penalties in (0, ∞) (ridgeless limits have their
  own functions);
* ``sigma2`` ∈ [0, ∞) label noise, ``r2`` = ‖β‖² ∈ (0, ∞);
* ``rho`` = ⟨θ, β/‖β‖⟩ ∈ [-1, 1], the feature quality of Assumption 7;
* ``omega`` = 1/(1+κ) ∈ [0, ∞): the student's relative penalty along θ for
  Γ = I + κθθᵀ.  ``omega = 0`` is the κ → ∞ limit (θ unpenalised, the
  default); ``omega = 1`` is the plain ridge student of §2.1;
  ``omega > 1`` (κ ∈ (-1, 0)) penalises θ *more* and makes Δ > 0.
"""
from __future__ import annotations

import dataclasses
import math

import mpmath
import numpy as np
import scipy.optimize
import sympy as sp

from .._numeric import Formula, Param, finish, prepare
from ..ridge.theory import LAM_S, LAM_T, PHI, PSI, R2, SIGMA2
from . import symbolic as S

RHO = Param("rho", -1.0, 1.0, True, True)
OMEGA = Param("omega", 0.0, math.inf, low_closed=True)
OMEGA_WIN = Param("omega", 0.0, 1.0, low_closed=True)   # where Δ < 0 is possible

_P = (PHI, PSI, LAM_T, LAM_S, SIGMA2, R2, RHO, OMEGA)
_P_RT = (PHI, PSI, LAM_S, SIGMA2, R2, RHO, OMEGA)
_P_RS = (PHI, PSI, LAM_T, SIGMA2, R2, RHO, OMEGA)


def _F(expr, name, params=_P, args=S.ARGS):
    return Formula(expr, params, args, name)


_student = _F(S.STABLE["student_error"], "wridge.student_error")
_delta = _F(S.STABLE["delta"], "wridge.delta")
_gap = _F(S.STABLE["error_gap"], "wridge.error_gap")
_student_rt = _F(S.RIDGELESS_TEACHER["student_error"], "wridge.student_error_ridgeless_teacher",
                 _P_RT, S.ARGS_RIDGELESS_TEACHER)
_student_rs = _F(S.RIDGELESS_STUDENT["student_error"], "wridge.student_error_ridgeless_student",
                 _P_RS, S.ARGS_RIDGELESS_STUDENT)
# ρ threshold at fixed λ_S:  ρ_th² = max(gap_ridge, 0) / (r² · delta_unit)
_gap_ridge_e = S.STABLE["error_gap_ridge"]
_unit_e = S.STABLE["delta_unit"]
_RHO_ARGS = (S.phi, S.psi, S.lam_T, S.lam_S, S.sigma2, S.r2, S.omega)
_P_TH = (PHI, PSI, LAM_T, LAM_S, SIGMA2, R2, OMEGA_WIN)
_rho_th = Formula(sp.Piecewise((0, _gap_ridge_e <= 0),
                               (sp.sqrt(_gap_ridge_e / (S.r2 * _unit_e)), True)),
                  _P_TH, _RHO_ARGS, "wridge.rho_threshold")


_lim_sq = S.instantiate(S.rho_threshold_limit_sq)
_rho_lim = Formula(sp.Piecewise((0, S.r2 * S.lam_T <= S.sigma2 * S.phi), (sp.sqrt(_lim_sq), True)),
                   (PHI, LAM_T, SIGMA2, R2, _P_TH[-1]), (S.phi, S.lam_T, S.sigma2, S.r2, S.omega),
                   "wridge.rho_threshold_limit")


def omega_from_kappa(kappa):
    """ω = 1/(1+κ) for Γ = I + κθθᵀ; ``kappa = inf`` gives 0.

    Parameters
    ----------
    kappa : float, int or mpmath.mpf in (-1, inf]
        Spike of Γ (Γ positive definite).

    Returns
    -------
    float or mpmath.mpf
        ω in [0, inf).

    Raises
    ------
    ValueError
        If kappa is not a real number in (-1, inf].

    Examples
    --------
    >>> omega_from_kappa(1.0), omega_from_kappa(math.inf), omega_from_kappa(-0.5)
    (0.5, 0.0, 2.0)
    >>> omega_from_kappa(-1.0)
    Traceback (most recent call last):
    ...
    ValueError: kappa must be a real number in (-1, inf] ...
    """
    if isinstance(kappa, np.ndarray) and kappa.ndim == 0:
        kappa = kappa[()]  # a 0-d array is a scalar
    if isinstance(kappa, np.floating):
        kappa = float(kappa)
    if isinstance(kappa, (bool, np.bool_)) or not isinstance(
            kappa, (int, float, np.integer, np.floating, mpmath.mpf)):
        raise ValueError(f"kappa must be a real number in (-1, inf]; got {kappa!r}")
    if kappa != kappa or not kappa > -1:
        raise ValueError(f"kappa must be a real number in (-1, inf] (Γ = I + κθθᵀ positive "
                         f"definite); got {kappa!r}")
    if isinstance(kappa, mpmath.mpf):
        return mpmath.mpf(0) if mpmath.isinf(kappa) else 1 / (1 + kappa)
    return 0.0 if math.isinf(kappa) else 1.0 / (1.0 + float(kappa))


def student_error(phi, psi, lam_T, lam_S, sigma2, r2, rho, omega=0.0):
    """Limiting test error of the weighted-ridge student (Thm 8; derivation in :mod:`w2s_theory.wridge.symbolic`).

        E_S^w = E_S^ridge + Δ,
        Δ = -ρ² r² τ1_φ q [b_ψ(2 - τ1_φ q) + 2 λ_S v_ψ p_φ],  q = (1-ω)τ1_ψ/(τ1_ψ + ωp_ψ),

    with E_S^ridge the §2.1 student error (Thm 4), p = λm, b = λ²m',
    τ1 = 1 - λm, v = ∫x/(x+λ)²dμ at (ψ, λ_S) for the student and (φ, λ_T)
    for the teacher.  Γ = I + κθθᵀ with ω = 1/(1+κ), ⟨θ, β/‖β‖⟩ = ρ.

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
    rho : float, array_like or mpmath.mpf in [-1, 1]
        Feature quality ρ = ⟨θ, β/‖β‖⟩ (Assumption 7).
    omega : float, array_like or mpmath.mpf in [0, inf), optional
        Relative penalty along θ, ω = 1/(1+κ); default 0 (κ = ∞).

    Returns
    -------
    float, ndarray or mpmath.mpf
        E_S^w, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> round(student_error(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=0.0), 12)   # ρ = 0: §2.1 student
    1.178503832657
    >>> from w2s_theory.ridge.theory import student_error as ridge_student_error
    >>> round(ridge_student_error(0.5, 0.5, 1.0, 1.0, 0.5, 1.0), 12)
    1.178503832657
    >>> round(student_error(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=0.8), 12)
    0.958607836843
    """
    return _student(phi, psi, lam_T, lam_S, sigma2, r2, rho, omega)


def delta(phi, psi, lam_T, lam_S, sigma2, r2, rho, omega=0.0):
    """Δ = E_S^w - E_S^ridge, the gain from the student's regularisation structure (Thm 8).

    Δ ≤ 0 for ω ∈ [0, 1] (κ ≥ 0) with equality iff ρ = 0 or ω = 1; Δ > 0 for
    ω > 1, ρ ≠ 0.  Formula in :func:`student_error`.

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
    rho : float, array_like or mpmath.mpf in [-1, 1]
        Feature quality ρ = ⟨θ, β/‖β‖⟩ (Assumption 7).
    omega : float, array_like or mpmath.mpf in [0, inf), optional
        Relative penalty along θ, ω = 1/(1+κ); default 0 (κ = ∞).

    Returns
    -------
    float, ndarray or mpmath.mpf
        Δ, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> round(delta(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=0.8), 12)
    -0.219895995814
    >>> round(delta(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=0.8, omega=2.0), 12)   # ω > 1: Δ > 0
    0.077177009359
    >>> abs(delta(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=0.8, omega=1.0))        # plain ridge
    0.0
    """
    return _delta(phi, psi, lam_T, lam_S, sigma2, r2, rho, omega)


def error_gap(phi, psi, lam_T, lam_S, sigma2, r2, rho, omega=0.0):
    """E_S^w - E_T = (E_S^ridge - E_T) + Δ (Thm 8): the §2.1 gap plus Δ ≤ 0.

    The §2.1 part equals :func:`w2s_theory.ridge.error_gap`; here both parts
    are formed from non-negative MP moments, so the result has absolute
    accuracy ~1e-15·(r² + σ²φv_φ).  Negative means the student wins.

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
    rho : float, array_like or mpmath.mpf in [-1, 1]
        Feature quality ρ = ⟨θ, β/‖β‖⟩ (Assumption 7).
    omega : float, array_like or mpmath.mpf in [0, inf), optional
        Relative penalty along θ, ω = 1/(1+κ); default 0 (κ = ∞).

    Returns
    -------
    float, ndarray or mpmath.mpf
        E_S^w − E_T, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> from w2s_theory.ridge.theory import error_gap as ridge_gap
    >>> g = error_gap(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=0.8)
    >>> d = delta(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=0.8)
    >>> round(g, 12), round(ridge_gap(0.5, 0.5, 1.0, 1.0, 0.5, 1.0) + d, 12)
    (0.05656361792, 0.05656361792)
    """
    return _gap(phi, psi, lam_T, lam_S, sigma2, r2, rho, omega)


def student_error_ridgeless_teacher(phi, psi, lam_S, sigma2, r2, rho=0.0, omega=1.0):
    """Weighted student's limiting error when the teacher is ridgeless (λ_T → 0⁺), Appendix E.

    Same formula as :func:`student_error` with the teacher moments at λ_T → 0⁺:
    τ1_φ = τ2_φ = min(1, 1/φ), p_φ = b_φ = max(0, 1 - 1/φ) and
    φv_φ = φ/(1-φ) (φ < 1), 1/(φ-1) (φ > 1).  It diverges at φ = 1 when
    σ² > 0 (the teacher's interpolation peak), so φ = 1 with σ² > 0 raises.
    Defaults (ρ = 0, ω = 1) give the §2.1 ridge student of Figs 6–7.

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    psi : float, array_like or mpmath.mpf in (0, inf)
        Student aspect ratio ψ = d/m.
    lam_S : float, array_like or mpmath.mpf in (0, inf)
        Student ridge penalty λ_S.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².
    rho : float, array_like or mpmath.mpf in [-1, 1], optional
        Feature quality ρ (Assumption 7); default 0.
    omega : float, array_like or mpmath.mpf in [0, inf), optional
        Relative penalty along θ, ω = 1/(1+κ); default 1 (plain ridge student).

    Returns
    -------
    float, ndarray or mpmath.mpf
        The limiting student error, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range, or φ = 1 with σ² > 0.

    Examples
    --------
    >>> round(student_error_ridgeless_teacher(0.5, 0.5, 1.0, 0.5, 1.0), 12)
    0.961759218632
    >>> round(student_error(0.5, 0.5, 1e-9, 1.0, 0.5, 1.0, 0.0, 1.0), 8)   # λ_T → 0⁺
    0.96175922
    """
    kind, args = prepare(_P_RT, (phi, psi, lam_S, sigma2, r2, rho, omega))
    ph, s2 = args[0], args[3]
    if np.any((np.asarray(ph == 1)) & (np.asarray(s2 > 0))):
        raise ValueError("phi = 1 with sigma2 > 0: the ridgeless teacher interpolates noise and "
                         "the student's limiting error is infinite (interpolation peak)")
    return finish(kind, _student_rt.evaluate(kind, args))


def student_error_ridgeless_student(phi, psi, lam_T, sigma2, r2, rho=0.0, omega=1.0):
    """Weighted student's limiting error as λ_S → 0⁺ (minimum Γ⁻¹-norm interpolator).

    Student moments at λ_S → 0⁺: τ1_ψ = τ2_ψ = min(1, 1/ψ), p_ψ = b_ψ = max(0, 1 - 1/ψ),
    λ_S v_ψ → 0.  Finite and continuous at ψ = 1: the student's labels are
    noiseless, so there is no interpolation peak along ψ.  For ψ ≤ 1 and
    ω = 1 it equals the teacher's error (the student reproduces β_T).

    Parameters
    ----------
    phi : float, array_like or mpmath.mpf in (0, inf)
        Teacher aspect ratio φ = d/n.
    psi : float, array_like or mpmath.mpf in (0, inf)
        Student aspect ratio ψ = d/m.
    lam_T : float, array_like or mpmath.mpf in (0, inf)
        Teacher ridge penalty λ_T.
    sigma2 : float, array_like or mpmath.mpf in [0, inf)
        Label-noise variance σ².
    r2 : float, array_like or mpmath.mpf in (0, inf)
        Signal strength r² = ‖β‖².
    rho : float, array_like or mpmath.mpf in [-1, 1], optional
        Feature quality ρ (Assumption 7); default 0.
    omega : float, array_like or mpmath.mpf in [0, inf), optional
        Relative penalty along θ, ω = 1/(1+κ); default 1 (plain ridge student).

    Returns
    -------
    float, ndarray or mpmath.mpf
        The limiting student error, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> from w2s_theory.ridge.theory import teacher_error
    >>> round(student_error_ridgeless_student(0.5, 0.5, 1.0, 0.5, 1.0), 12)   # ψ ≤ 1, ω = 1
    0.902044218923
    >>> round(teacher_error(0.5, 1.0, 0.5, 1.0), 12)
    0.902044218923
    """
    return _student_rs(phi, psi, lam_T, sigma2, r2, rho, omega)


def rho_threshold(phi, psi, lam_T, lam_S, sigma2, r2, omega=0.0):
    """Smallest ``abs(ρ)`` at which the weighted student beats the teacher at this λ_S.

        ρ_th = √( max(G, 0) / (r² D) ),   G = E_S^ridge - E_T,  Δ = -ρ² r² D,

    (closed form, from E_S^w - E_T = G - ρ²r²D and D > 0 for ω < 1).  The
    student wins iff ``abs(ρ) > ρ_th``; ρ_th > 1 means no feature quality suffices
    at this λ_S, ρ_th = 0 means the §2.1 student already wins.  Requires
    ω ∈ [0, 1) (for ω ≥ 1 the spike cannot help).  Source: rearranged from
    Moniri & Hassani (2025), Thm 8.

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
    omega : float, array_like or mpmath.mpf in [0, 1), optional
        Relative penalty along θ, ω = 1/(1+κ); default 0 (κ = ∞).

    Returns
    -------
    float, ndarray or mpmath.mpf
        ρ_th ≥ 0, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> th = rho_threshold(0.5, 0.5, 1.0, 1.0, 0.5, 1.0)
    >>> round(th, 12)
    0.897009773225
    >>> abs(float(error_gap(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, rho=th))) < 1e-12   # the gap vanishes at ρ_th
    True
    """
    kind, args = prepare(_P_TH, (phi, psi, lam_T, lam_S, sigma2, r2, omega))
    if kind == "mp":
        return finish(kind, _rho_from_parts(args, "mp"))
    out = np.array(_rho_from_parts(args, "array"), dtype=float)
    bad = ~np.isfinite(out)
    if bad.any():  # D ≤ 0 or non-finite by rounding at extreme input: decide at 50 digits
        for idx in zip(*np.nonzero(bad)) if out.ndim else [()]:
            with mpmath.workdps(50):
                out[idx] = float(_rho_from_parts([mpmath.mpf(float(a[idx])) for a in args], "mp"))
    return finish(kind, out)


_gap_ridge_F = Formula(_gap_ridge_e, _P_TH, _RHO_ARGS, "wridge.rho_threshold[G]")
_unit_F = Formula(_unit_e, _P_TH, _RHO_ARGS, "wridge.rho_threshold[D]")


def _rho_from_parts(args, kind):
    """ρ_th = √(max(G, 0)/(r² D)) from separately evaluated G and D (D > 0 for ω < 1)."""
    G, D = _gap_ridge_F.evaluate(kind, args), _unit_F.evaluate(kind, args)
    r2 = args[5]
    if kind == "mp":
        if G <= 0:
            return mpmath.mpf(0)
        if not D > 0:
            raise ValueError("rho_threshold: D = -Δ/(ρ²r²) is not positive at this precision "
                             "(extreme input); pass mpmath numbers at higher mp.dps")
        return mpmath.sqrt(G / (r2 * D))
    with np.errstate(all="ignore"):
        return np.where(G <= 0, 0.0, np.where(D > 0, np.sqrt(G / (r2 * D)), np.nan))


def rho_threshold_limit(phi, lam_T, sigma2, r2, omega=0.0):
    """lim_{λ_S→0⁺} ρ_th for an under-parameterised student (ψ < 1), in closed form.

        ρ₀ = √( v_φ (r²λ_T - σ²φ) / ((1-ω) r² τ1_φ p_φ) )   (0 if λ_T ≤ λ*),

    independent of ψ < 1.  Derivation: as λ_S → 0 with ψ < 1, p_ψ and λ_S v_ψ
    both behave like λ_S/(1-ψ) while b_ψ = O(λ_S²), so in ρ_th² = G/(r²D) the
    factors λ_S/(1-ψ) cancel.  Numerically (claim
    ``wridge.rho-threshold-psi-below-1``) it is the infimum of ρ_th over λ_S
    whenever that infimum is below 1: an over-regularised teacher is beaten by
    some λ_S iff ``abs(ρ) > ρ₀``.  (The win then happens at small λ_S, where
    the margin is small.)  ω ∈ [0, 1).  Source: limit of Moniri & Hassani
    (2025), Thm 8, derived here.

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
    omega : float, array_like or mpmath.mpf in [0, 1), optional
        Relative penalty along θ, ω = 1/(1+κ); default 0 (κ = ∞).

    Returns
    -------
    float, ndarray or mpmath.mpf
        ρ₀ ≥ 0, broadcast over the inputs, of the inputs' kind.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> round(rho_threshold_limit(0.5, 1.0, 0.5, 1.0), 10)
    0.8048928986
    >>> round(rho_threshold(0.5, 0.5, 1.0, 1e-7, 0.5, 1.0), 6)   # λ_S → 0⁺, ψ < 1
    0.804893
    >>> rho_threshold_limit(0.5, 0.2, 0.5, 1.0)                   # λ_T ≤ λ* = φσ²/r²
    0.0
    """
    return _rho_lim(phi, lam_T, sigma2, r2, omega)


def _lam_range(lam_range):
    bad = ValueError("lam_range must be a pair (low, high) of finite real numbers with "
                     f"0 < low < high < inf; got {lam_range!r}")
    if isinstance(lam_range, (str, bytes)) or not hasattr(lam_range, "__len__") or len(lam_range) != 2:
        raise bad
    out = []
    for v in lam_range:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise bad
        out.append(float(v))
    lo, hi = out
    if not (0 < lo < hi < math.inf):
        raise bad
    return lo, hi


def best_rho_threshold(phi, psi, lam_T, sigma2, r2, omega=0.0, lam_range=(1e-6, 1e6)):
    """inf over λ_S of :func:`rho_threshold`, and the λ_S attaining it (numeric).

    No closed form: minimised over log λ_S on a 241-point grid over
    ``lam_range`` and refined with Brent's method.  Returns ``(rho_min, lam_S)``;
    ``lam_S`` at an end of ``lam_range`` means the infimum is approached in
    the limit λ_S → 0 or ∞.  Scalar float arguments only; ``lam_range`` is a
    pair ``(low, high)`` of finite floats with 0 < low < high.

    Parameters
    ----------
    phi, psi, lam_T, sigma2, r2 : float
        As in :func:`rho_threshold` (scalars).
    omega : float in [0, 1), optional
        Default 0.
    lam_range : (float, float), optional
        Search interval for λ_S; default (1e-6, 1e6).

    Returns
    -------
    (rho_min, lam_S) : (float, float)
        The infimum and where it is attained.

    Raises
    ------
    ValueError
        If a parameter is not a scalar in its range, or lam_range is invalid.

    Examples
    --------
    >>> rho_min, lam = best_rho_threshold(0.5, 2.0, 1.0, 0.5, 1.0)
    >>> round(rho_min, 6), round(lam, 4)
    (0.921191, 1.0)
    >>> [round(rho_threshold(0.5, 2.0, 1.0, x, 0.5, 1.0), 6) for x in (0.5, 1.0, 2.0)]
    [0.922169, 0.921191, 0.922169]
    """
    args = []
    for p, v in zip((PHI, PSI, LAM_T, SIGMA2, R2, _P_TH[-1]), (phi, psi, lam_T, sigma2, r2, omega)):
        kind, (a,) = prepare((p,), (v,))
        if kind != "scalar":
            raise ValueError(f"{p.name} must be a scalar float for best_rho_threshold; got {v!r}")
        args.append(float(a))
    ph, ps, lt, s2, rr, om = args
    lo, hi = _lam_range(lam_range)
    grid = np.geomspace(lo, hi, 241)
    vals = _rho_th(ph, ps, lt, grid, s2, rr, om)
    i = int(np.argmin(vals))
    if vals[i] == 0 or i in (0, grid.size - 1):
        return float(vals[i]), float(grid[i])
    res = scipy.optimize.minimize_scalar(
        lambda ell: float(_rho_th(ph, ps, lt, math.exp(ell), s2, rr, om)),
        bracket=(math.log(grid[i - 1]), math.log(grid[i]), math.log(grid[i + 1])), tol=1e-10)
    if res.fun <= vals[i]:
        return float(res.fun), float(math.exp(res.x))
    return float(vals[i]), float(grid[i])


@dataclasses.dataclass(frozen=True)
class WeightedRidgeW2S:
    """A frozen §2.2 setting (scipy.stats style): ask it the theorem's quantities.

    >>> s = WeightedRidgeW2S(phi=0.5, psi=0.5, sigma2=0.5, r2=1.0, rho=1.0)
    >>> bool(s.error_gap(lam_T=2 * s.lambda_star, lam_S=30.0) < 0)   # beats an over-regularised teacher
    True

    ``kappa`` (default ∞) is the spike of Γ = I + κθθᵀ; ``omega`` = 1/(1+κ).
    Parameters are validated once, here; methods take the penalties only.
    Source: Moniri & Hassani (2025), §2.2, Thm 8.

    Parameters
    ----------
    phi, psi : float in (0, inf)
        Aspect ratios d/n and d/m.
    sigma2 : float in [0, inf)
        Label-noise variance.
    r2 : float in (0, inf)
        ‖β‖².
    rho : float in [-1, 1]
        Feature quality (Assumption 7).
    kappa : float in (-1, inf], optional
        Spike of Γ; default ∞.

    Returns
    -------
    WeightedRidgeW2S
        Methods ``student_error``, ``delta``, ``error_gap``, ``rho_threshold``
        (taking λ_T, λ_S), ``rho_threshold_limit``, ``best_rho_threshold``
        (taking λ_T), and properties ``omega``, ``lambda_star``.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> s.omega, s.lambda_star
    (0.0, 0.25)
    >>> bool(s.delta(1.0, 1.0) == delta(0.5, 0.5, 1.0, 1.0, 0.5, 1.0, 1.0))
    True
    """

    phi: float
    psi: float
    sigma2: float
    r2: float
    rho: float
    kappa: float = math.inf

    def __post_init__(self):
        # validation only: raises ValueError naming the bad parameter
        prepare((PHI, PSI, SIGMA2, R2, RHO), (self.phi, self.psi, self.sigma2, self.r2, self.rho))
        omega_from_kappa(self.kappa)

    @property
    def omega(self):
        """Relative penalty along θ, ω = 1/(1+κ)."""
        return omega_from_kappa(self.kappa)

    @property
    def lambda_star(self):
        """Optimal teacher penalty λ* = φσ²/r²."""
        return self.phi * self.sigma2 / self.r2

    def student_error(self, lam_T, lam_S):
        return student_error(self.phi, self.psi, lam_T, lam_S, self.sigma2, self.r2, self.rho, self.omega)

    def delta(self, lam_T, lam_S):
        return delta(self.phi, self.psi, lam_T, lam_S, self.sigma2, self.r2, self.rho, self.omega)

    def error_gap(self, lam_T, lam_S):
        return error_gap(self.phi, self.psi, lam_T, lam_S, self.sigma2, self.r2, self.rho, self.omega)

    def rho_threshold(self, lam_T, lam_S):
        return rho_threshold(self.phi, self.psi, lam_T, lam_S, self.sigma2, self.r2, self.omega)

    def rho_threshold_limit(self, lam_T):
        return rho_threshold_limit(self.phi, lam_T, self.sigma2, self.r2, self.omega)

    def best_rho_threshold(self, lam_T):
        return best_rho_threshold(self.phi, self.psi, lam_T, self.sigma2, self.r2, self.omega)
