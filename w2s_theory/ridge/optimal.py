"""The student's optimal ridge penalty λ_S* for a given teacher (§2.1, Thm 4).

E_S depends on λ_S only through the student's (τ1_ψ, τ2_ψ), which are rational in
u = m_ψ(−λ_S) (:mod:`w2s_theory.ridge.derive`).  With K = r²τ2_φ + σ²φv_φ and the
teacher's level h = 2r²τ1_φ/K,

    E_S = σ² + r² − K (h τ1_ψ(u) − τ2_ψ(u)),

so the stationary points solve a quartic in u (:func:`derive.optimality_quartic`,
whose coefficients are generated from the SymPy source).  The minimiser is the best of
its admissible real roots and the two ends λ_S → ∞ (u → 0: E_S = σ² + r²) and
λ_S → 0⁺ (u → u_max: τ1_ψ = τ2_ψ = min(1, 1/ψ)).  Each root is polished by Newton's
method in mpmath and kept only if the quartic changes sign across it (a bracketed,
verified root); the derivation is in docs/cookbook.rst.
"""
from __future__ import annotations

import dataclasses
import functools
import math

import mpmath
import numpy as np
import sympy as sp

from .._numeric import any_mp, check_mp, check_np
from . import symbolic as S
from .theory import LAM_T, PHI, PSI, R2, SIGMA2


@dataclasses.dataclass(frozen=True)
class OptimalStudent:
    """Result of :func:`optimal_student_lambda`.

    Attributes
    ----------
    lam_S : float or mpf
        The minimiser (``0.0`` or ``inf`` when the infimum is a limit at an end).
    error : float or mpf
        E_S at the minimiser (Thm 4), or its limit at that end.
    u : float or mpf
        m_ψ(−λ_S*) (0 for λ_S = ∞).
    where : {"interior", "lam_S->0", "lam_S->inf"}
        Whether the minimum is attained at a finite positive λ_S or only approached.

    Parameters
    ----------
    lam_S, error, u, where
        The attributes above.

    Returns
    -------
    OptimalStudent
        A frozen record.

    Examples
    --------
    A direct ``scipy.optimize`` minimisation of E_S at φ = 0.5, ψ = 2,
    λ_T = 0.1, σ² = 0.5, r² = 1 gives λ_S* = 0.13667933447 and
    E_S = 1.1509855266897746:

    >>> res = optimal_student_lambda(0.5, 2.0, 0.1, 0.5, 1.0)
    >>> res.where, round(res.lam_S, 9), round(res.error, 12)
    ('interior', 0.136679334, 1.15098552669)
    """

    lam_S: object
    error: object
    u: object
    where: str


@functools.lru_cache(maxsize=None)
def _quartic_coefficients():
    from .derive import optimality_quartic
    h = sp.Symbol("h", positive=True)
    coeffs = optimality_quartic(h).all_coeffs()            # highest degree first
    return (sp.lambdify((S.psi, h), coeffs, modules="math"),
            sp.lambdify((S.psi, h), coeffs, modules="mpmath"))


def _teacher_parts(phi, lam_T, sigma2, r2, ctx):
    """(r²τ1_φ, K) from the MP functionals of the teacher."""
    from ..rmt import mp_functional
    tau1 = mp_functional("tau1", phi, lam_T)
    tau2 = mp_functional("tau2", phi, lam_T)
    v = mp_functional("v", phi, lam_T)
    return r2 * tau1, r2 * tau2 + sigma2 * phi * v


def _student_taus(psi, uu, ctx):
    t1 = uu / (1 + psi * uu)
    q = 1 + 2 * psi * uu + psi * (psi - 1) * uu**2
    t2 = uu**2 * (1 + psi + psi * (psi - 1) * uu) / ((1 + psi * uu) * q)
    return t1, t2


def optimal_student_lambda(phi, psi, lam_T, sigma2, r2) -> OptimalStudent:
    """The student's optimal penalty λ_S* = argmin E_S(λ_S) for a fixed ridge teacher.

    Parameters
    ----------
    phi, psi : float or mpf, > 0
        Teacher and student aspect ratios d/n, d/m.
    lam_T : float or mpf, > 0
        Teacher's ridge penalty.
    sigma2 : float or mpf, ≥ 0
        Label-noise variance.
    r2 : float or mpf, > 0
        Signal strength ‖β‖².

    Returns
    -------
    OptimalStudent
        ``lam_S``, ``error`` (= E_S at λ_S*), ``u`` and ``where``; floats for float
        input, mpf (at the current ``mp.dps``) if any argument is an mpf.

    Notes
    -----
    E_S = σ² + r² − K(h τ1_ψ − τ2_ψ) (Moniri & Hassani 2025, Thm 4, rewritten); the
    stationarity condition is the quartic of :func:`w2s_theory.ridge.derive.optimality_quartic`.

    Examples
    --------
    >>> from w2s_theory import ridge
    >>> opt = ridge.optimal_student_lambda(0.5, 2.0, 0.1, 0.5, 1.0)
    >>> round(opt.lam_S, 11), round(opt.error, 13), opt.where
    (0.13667933447, 1.1509855266898, 'interior')
    """
    mp = any_mp((phi, psi, lam_T, sigma2, r2))
    params = (PHI, PSI, LAM_T, SIGMA2, R2)
    values = (phi, psi, lam_T, sigma2, r2)
    if mp:
        phi, psi, lam_T, sigma2, r2 = (check_mp(p, v) for p, v in zip(params, values))
        with mpmath.workdps(mpmath.mp.dps + 15):
            res = _solve(phi, psi, lam_T, sigma2, r2, mp=True)
        return OptimalStudent(*(+x if isinstance(x, mpmath.mpf) else x for x in res[:3]), res[3])
    for p, v in zip(params, values):
        a = check_np(p, v)
        if a.ndim:
            raise ValueError(f"{p.name} must be a scalar (optimal_student_lambda solves one "
                             f"setting at a time); got shape {a.shape}")
    vals = [float(check_np(p, v)) for p, v in zip(params, values)]
    # roots are found and certified at 30 digits, then rounded to float
    with mpmath.workdps(30):
        res = _solve(*(mpmath.mpf(v) for v in vals), mp=True)
    return OptimalStudent(*(float(x) for x in res[:3]), res[3])


def _solve(phi, psi, lam_T, sigma2, r2, mp):
    T1, K = _teacher_parts(phi, lam_T, sigma2, r2, mpmath)
    h = 2 * T1 / K
    coeffs = _quartic_coefficients()[1](psi, h)
    u_max = mpmath.inf if psi >= 1 else 1 / (1 - psi)
    base = sigma2 + r2

    def error_at(uu):
        t1, t2 = _student_taus(psi, uu, mpmath)
        return base - 2 * T1 * t1 + K * t2

    quartic = lambda x: mpmath.polyval(coeffs, x)             # noqa: E731
    candidates = []
    lead = next((i for i, c in enumerate(coeffs) if c != 0), None)
    if lead is not None and len(coeffs) - 1 - lead >= 1:
        try:
            roots = mpmath.polyroots(coeffs[lead:], maxsteps=200, extraprec=60)
        except mpmath.libmp.NoConvergence:
            roots = []
        tol = mpmath.mpf(10) ** (-mpmath.mp.dps // 2)
        for r in roots:
            if abs(mpmath.im(r)) > tol * max(1, abs(r)):
                continue
            x = mpmath.re(r)
            if not (0 < x < u_max):
                continue
            # polish without findroot's absolute residual test, which a root of size 1e17
            # (λ_T within rounding of λ*, leading coefficient ~1e-17) can never pass; the
            # sign change below is what certifies the root
            x = mpmath.findroot(quartic, x, tol=mpmath.mpf(10) ** (-mpmath.mp.dps + 5),
                                verify=False)
            delta = abs(x) * mpmath.mpf(10) ** (-mpmath.mp.dps // 3)
            # certify: the quartic changes sign across x (a simple root, not a rounding artefact)
            if quartic(x - delta) * quartic(x + delta) < 0 and 0 < x < u_max:
                candidates.append((error_at(x), x))
    # ends: λ_S → ∞ (u → 0) and λ_S → 0⁺ (u → u_max)
    t_end = 1 if psi <= 1 else 1 / psi
    ends = [(base, mpmath.mpf(0), "lam_S->inf"),
            (base - 2 * T1 * t_end + K * t_end, u_max, "lam_S->0")]
    best_end = min(ends, key=lambda e: e[0])
    if candidates:
        err, x = min(candidates, key=lambda c: c[0])
        if err <= best_end[0]:
            lam = (1 - (1 - psi) * x) / (x * (1 + psi * x))
            return lam, err, x, "interior"
    err, x, where = best_end
    lam = mpmath.inf if where == "lam_S->inf" else mpmath.mpf(0)
    return lam, err, (x if x != mpmath.inf else mpmath.inf), where
