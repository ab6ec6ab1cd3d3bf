"""Rewritten forms for the certified §2.1 claims, each linked to the package's SymPy source by
an identity that SymPy checks (Moniri & Hassani 2025, Thm 5; docs/certified.rst).

Plain boxes in (ψ, λ) fail for three statements: the peak of g flattens as ψ → 1, and the
two-branch stable form of the Marchenko–Pastur Stieltjes transform m loses the sign of its
denominators on boxes that straddle λ = γ − 1.  In ``u = m_γ(−λ)`` every MP functional is
*rational* (docs/theory/ridge.rst, :mod:`w2s_theory.ridge.derive`), so the statements become
sign statements about rational functions, certified on boxes of u.  Each rewrite comes with
a function ``check_*`` that returns the SymPy residuals (all must be 0) — the claims call them.

Substitution into u (:func:`to_u`): at λ = λ(u) = (1 − (1−γ)u)/(u(1+γu)) the MP quadratic
has the positive root m = u and s = √((1−γ+λ)² + 4γλ) = γλu + 1/u (a positive square root
of the same number: both facts are re-checked by :func:`to_u` on every call).
"""
from __future__ import annotations

import functools

import sympy as sp

from ..rmt import symbolic as M
from . import symbolic as S

u = S.u
#: ψ − 1 (student) and the teacher's u_T = m_φ(−λ_T)
T = sp.Symbol("psi_minus_1", positive=True)
U_T = sp.Symbol("u_T", positive=True)
#: relative position and root ratio of the reduced Thm 5 statements
R = sp.Symbol("R", positive=True)
X = sp.Symbol("x", positive=True)
Z = sp.Symbol("z", nonnegative=True)


def lam_of_u(gamma, uu):
    """λ as a function of u = m_γ(−λ) (inverse of the MP quadratic)."""
    return (1 - (1 - gamma) * uu) / (uu * (1 + gamma * uu))


def to_u(expr, gamma, lam, uu):
    """Rewrite a stable MP expression in (γ, λ) as a rational function of u = m_γ(−λ).

    Replaces ``shift(γ, λ)`` by 1 − γ + λ, every half-integer power of the discriminant
    (1−γ+λ)² + 4γλ by the same power of s_u = γλu + 1/u, every ``Piecewise`` (the two
    branches of m) by the common value of its branches at λ = λ(u) -- which must agree,
    else AssertionError -- and then λ by λ(u).  Checks that s_u² equals the discriminant.
    """
    lam_u = lam_of_u(gamma, uu)
    a = 1 - gamma + lam
    s_u = gamma * lam * uu + 1 / uu
    disc = sp.expand(a**2 + 4 * gamma * lam)
    if sp.cancel((s_u**2 - disc).subs(lam, lam_u)) != 0:   # s_u is a square root of disc
        raise AssertionError("s_u^2 != discriminant")
    e = expr.xreplace({f: f.doit() for f in expr.atoms(M.shift)})
    e = e.replace(lambda x: x.is_Pow and x.exp.is_Rational and x.exp.q == 2
                  and _expanded(x.base) == disc, lambda x: s_u ** (2 * x.exp))
    e = e.xreplace({p: _branch_value(p, lam, lam_u) for p in e.atoms(sp.Piecewise)})
    if e.has(sp.Piecewise) or any(x.is_Pow and x.exp.is_Rational and x.exp.q == 2 and
                                  x.base.has(lam) for x in e.atoms(sp.Pow)):
        raise AssertionError("a square root or Piecewise in lam survived")
    return sp.cancel(sp.together(e.subs(lam, lam_u)))


def _resid(e):
    """0 iff the rational expression e vanishes identically: numerator over a common denominator,
    expanded (much faster than ``cancel`` on nested fractions)."""
    return sp.expand(sp.numer(sp.together(e)))


@functools.lru_cache(maxsize=None)
def _expanded(x):
    return sp.expand(x)


@functools.lru_cache(maxsize=None)
def _branch_value(p, lam, lam_u):
    """The common value of the branches of a Piecewise at λ = λ(u) (AssertionError if they differ);
    cached: the same branches of m recur in every functional."""
    vals = {sp.cancel(sp.together(b.subs(lam, lam_u))) for b, _ in p.args}
    if len(vals) != 1:
        raise AssertionError(f"Piecewise branches differ in u: {vals}")
    return vals.pop()


# ------------------------------------------------------------------ (a) g ≤ c_max for ψ > 1
def _over():
    psi = 1 + T
    q = sp.sqrt(psi * T)                       # √(ψ(ψ−1)); u* = 1/q maximises g
    s = sp.sqrt(T / psi)                       # √(1 − 1/ψ)
    D = 1 + 2 * psi * u + psi * T * u**2
    return psi, q, s, D


@functools.lru_cache(maxsize=None)
def cmax_minus_g_in_u():
    """c_max(ψ) − g_ψ = (√(ψ(ψ−1))·u − 1)² / (2ψ(1 + √(1−1/ψ)) D(u)), ψ = 1 + t, u = m_ψ(−λ_S).

    A square times a positive factor: equality exactly at the maximiser u* = 1/√(ψ(ψ−1)).
    """
    psi, q, s, D = _over()
    return (q * u - 1) ** 2 / (2 * psi * (1 + s) * D)


def check_cmax_form():
    """Residuals (all 0): stable g at λ(u) = g(u); c_max − g(u) = the factored form;
    λ_S(u) strictly decreasing (dλ/du·u²(1+ψu)² = −D)."""
    psi, q, s, D = _over()
    g_u = to_u(S.STABLE["gain_g"].args[0][0], S.psi, S.lam_S, u)      # the ψ ≥ 1 branch
    r1 = sp.cancel(g_u - S.gain_of_u)
    r2 = sp.simplify(S.c_max_over.subs(S.psi, psi) - S.gain_of_u.subs(S.psi, psi)
                     - cmax_minus_g_in_u())
    lam = lam_of_u(psi, u)
    r3 = sp.cancel(sp.diff(lam, u) * u**2 * (1 + psi * u) ** 2 + D)
    return {"g(lam(u)) - g(u)": r1, "c_max - g - factored": r2, "dlam/du + D/(u(1+psi u))^2": r3}


# ------------------------------------------------------------------ (b) h < 2 ⟺ λ_T < λ*
@functools.lru_cache(maxsize=None)
def teacher_in_u():
    """τ2_φ and v_φ at λ_T = λ(u_T), rational in (φ, u_T) (from the package's stable forms)."""
    out = {}
    for k in ("tau1", "tau2", "v"):
        e = to_u(M.functional(k, S.phi, S.lam_T, stable=True), S.phi, S.lam_T, U_T)
        out[k] = sp.factor(e)
    return out


def check_h_form():
    """Residuals (all 0) of 2 − h = 2 v_φ (σ²φ − r²λ_T)/K, K = r²τ2_φ + σ²φ v_φ, in u_T.

    Both the package's ``level_h`` (as 2 − h) and ``two_minus_h`` are rewritten in u_T; so
    sign(2 − h) = sign(λ* − λ_T) once τ2_φ > 0 and v_φ > 0 (certified) and r² > 0, σ² ≥ 0.
    Also checks that h is invariant under (σ², r²) → (kσ², kr²).
    """
    tu = teacher_in_u()
    lam = lam_of_u(S.phi, U_T)
    K = S.r2 * tu["tau2"] + S.sigma2 * S.phi * tu["v"]
    target = 2 * tu["v"] * (S.sigma2 * S.phi - S.r2 * lam) / K
    two_h = to_u(S.STABLE["two_minus_h"], S.phi, S.lam_T, U_T)
    h = to_u(S.STABLE["level_h"], S.phi, S.lam_T, U_T)
    k = sp.Symbol("k", positive=True)
    scaled = h.xreplace({S.sigma2: k * S.sigma2, S.r2: k * S.r2})
    return {"two_minus_h - target": sp.cancel(two_h - target),
            "2 - level_h - target": sp.cancel(2 - h - target),
            # h depends on (σ², r²) only through σ²/r² = λ*/φ, i.e. on (φ, λ_T, λ_T/λ*)
            "h(k sigma2, k r2) - h": sp.cancel(scaled - h),
            # λ(u) strictly decreasing where D > 0 (D has positive coefficients for φ = 1 + t)
            "dlam/du + D/(u(1+phi u))^2": sp.cancel(
                sp.diff(lam, U_T) * U_T**2 * (1 + S.phi * U_T) ** 2
                + 1 + 2 * S.phi * U_T + S.phi * (S.phi - 1) * U_T**2)}


#: φ − 1 for an over-parameterised teacher (φ ≥ 1)
T_T = sp.Symbol("phi_minus_1", nonnegative=True)


def _positive_coefficients(expr, var, val):
    """expr with var = val, numerator and denominator expanded (for φ = 1 + t: every
    coefficient of the u-forms is then positive, so interval evaluation has no cancellation)."""
    n, d = sp.fraction(sp.cancel(expr.subs(var, val)))
    return sp.expand(n) / sp.expand(d)


def teacher_positivity_over():
    """min(τ2_φ, v_φ) in (φ − 1, u_T) for φ ≥ 1, rational with positive coefficients."""
    tu = teacher_in_u()
    return sp.Min(*(_positive_coefficients(tu[k], S.phi, 1 + T_T) for k in ("tau2", "v")))


def teacher_positivity_under():
    """min(τ2_φ, v_φ) in (φ, λ_T) for φ ≤ 1: the package's stable forms, where the shift
    1 − φ + λ_T > 0 selects one branch of m and every term is positive."""
    return sp.Min(*(M.functional(k, S.phi, S.lam_T, stable=True).doit() for k in ("tau2", "v")))


def check_positive_coefficients():
    """Residuals (all 0): the expanded φ ≥ 1 forms equal the u_T forms."""
    tu = teacher_in_u()
    return {k: sp.cancel(_positive_coefficients(tu[k], S.phi, 1 + T_T) - tu[k].subs(S.phi, 1 + T_T))
            for k in ("tau2", "v")}


# ------------------------------------------------------------------ (c) Thm 5 on boxes
def root_level():
    """c(ψ, R) = 1 + 1/(2ψ + (R + 1/R)√(ψ(ψ−1))): the teacher level h whose win band has
    u-roots u₋ = 1/(R√(ψ(ψ−1))) (λ₊) and u₊ = R/√(ψ(ψ−1)) (λ₋), R > 1."""
    psi, q, s, D = _over()
    return 1 + 1 / (2 * psi + (R + 1 / R) * q)


def check_thm5_reduction():
    """Residuals (all 0) of the reduction of sign(E_S − E_T) to the sign of (w − 1/R)(w − R).

    1. E_S − E_T = p_ψ K (h − g) (package ``error_gap`` in moments, with the MP relation
       τ1 − τ2 = λv, itself checked in u with the functionals of :mod:`.derive`);
    2. g(u) − c = −Q(ψ, c, u)/D(u), Q = ``S.endpoint_quadratic``;
    3. Q(ψ, c(ψ, R), w/√(ψ(ψ−1))) = (c − 1)(w − 1/R)(w − R);
    4. c(ψ, 1) = c_max(ψ) (R ↦ c decreases from c_max to 1 on R > 1);
    5. d log λ_S/d log u = −1 − u/((1+tu)(1+ψu)) and (1+tu)(1+ψu) − u = 1 + 2tu + ψtu²
       (so −2 < d log λ_S/d log u < −1: relative δ_u in u is within relative 3δ_u in λ).
    """
    from . import derive
    Tm, Sm = S.MOMENTS_T, S.MOMENTS_S
    K = S.r2 * Tm["tau2"] + S.sigma2 * Tm["V"]
    h = 2 * S.r2 * Tm["tau1"] / K
    g = 2 - Sm["b"] / Sm["p"]
    # teacher MP relation τ1 = τ2 + λ_T v_φ (V = φ v_φ), verified in u just below
    gap = S.error_gap_moments.xreplace({Tm["tau1"]: Tm["tau2"] + S.lam_T * Tm["V"] / S.phi})
    r1 = sp.cancel(gap - (Sm["p"] * K * (h - g)).xreplace(
        {Tm["tau1"]: Tm["tau2"] + S.lam_T * Tm["V"] / S.phi}))
    st = derive.STUDENT_IN_U          # MP functionals derived from λ(u) alone (W = λv)
    r1b = sp.cancel(st["tau1"] - st["tau2"] - st["W"])
    D = 1 + 2 * S.psi * u + S.psi * (S.psi - 1) * u**2
    r2 = sp.cancel(S.gain_of_u - S.c + S.endpoint_quadratic / D)
    # g = 2 − b_ψ/p_ψ (the moments' g) is gain_of_u in u, for every ψ
    r2a = sp.cancel(2 - st["b"] / st["p"] - S.gain_of_u)
    psi, q, s, Dt = _over()
    w = sp.Symbol("w", positive=True)
    c = root_level()
    Q = S.endpoint_quadratic.subs({S.psi: psi, S.c: c, S.u: w / q})
    r3 = _resid(Q - (c - 1) * (w - 1 / R) * (w - R))
    # √(ψ(ψ−1)) and √((ψ−1)/ψ) split into √t, √(1+t) (positive symbols): a polynomial identity
    r4 = _resid(c.subs(R, 1) - S.c_max_over.subs(S.psi, psi))
    lam = lam_of_u(psi, u)
    dlog = sp.diff(sp.log(lam), u) * u
    r5 = sp.cancel(dlog + 1 + u / ((1 + T * u) * (1 + psi * u)))
    r6 = sp.expand((1 + T * u) * (1 + psi * u) - u - (1 + 2 * T * u + psi * T * u**2))
    # p_ψ = λ_S m_ψ and D(u) are positive for ψ = 1 + t, t > 0, u > 0: every coefficient of their
    # numerators and denominators (polynomials in t, u) is positive (0 residual = True)
    p_u = derive.STUDENT_IN_U["p"].subs(S.psi, psi)
    r7 = 0 if all(_positive_poly(x) for x in (*sp.fraction(sp.cancel(p_u)), sp.expand(Dt))) else 1
    return {"gap - pK(h-g)": r1, "tau1 - tau2 - lam v (u)": r1b, "g - c + Q/D": r2, "2 - b/p - g(u)": r2a,
            "Q at roots param": r3, "c(R=1) - c_max": r4, "dlog lam/dlog u": r5,
            "(1+tu)(1+psi u) - u": r6, "p_psi, D positive coefficients": r7}


def _positive_poly(expr):
    """True if expr is a polynomial in (t, u) with every coefficient positive."""
    poly = sp.Poly(sp.expand(expr), T, u)
    return all(c > 0 for c in poly.coeffs())


def side_forms(delta_u):
    """The reduced sign forms F(R, ·) = (w − 1/R)(w − R) on the three sides (see the claim)."""
    # factors written so that each has one sign on every box (no cancellation in intervals)
    below = R * (X - 1) * (R * X - 1 / R)                    # w = R x, x ≥ 1 + δ_u  (λ < λ₋)
    above = (X - 1) * (X - R**2) / R**2                      # w = x/R, x ≤ 1 − δ_u  (λ > λ₊)
    # band, w = (1−z)(1+δ_u)/R + z R(1−δ_u): both factors written as sums of one-signed terms
    band = -(((1 - Z) * delta_u / R + Z * (R * (1 - delta_u) - 1 / R))
             * ((1 - Z) * (R - (1 + delta_u) / R) + Z * R * delta_u))
    w_band = (1 - Z) * (1 + delta_u) / R + Z * R * (1 - delta_u)
    return {"below": (below, R * X), "band": (band, w_band), "above": (above, X / R)}


def check_side_forms(delta_u):
    """Residuals (all 0): each side form equals (w − 1/R)(w − R) at its w."""
    out = {}
    for k, (F, w) in side_forms(delta_u).items():
        out[k] = sp.expand(F - (w - 1 / R) * (w - R))
    return out


# ------------------------------------------------------------------ (c′) Thm 5 for ψ < 1
#: 1 − ψ for an under-parameterised student, and the endpoint's coordinate ρ_e
OMEGA = sp.Symbol("one_minus_psi", positive=True)
RHO_E = sp.Symbol("rho_e", positive=True)


def _y(rho):
    return rho / (1 + rho)


def under_level():
    """c(ψ, ρ_e) = 1 + y_e/(ω + ψ y_e(2 − y_e)), y_e = ρ_e/(1 + ρ_e), ω = 1 − ψ: the teacher
    level whose win region (0, λ₊) ends at u = y_e/ω (ψ < 1; ρ_e ↦ c increases from 1 to 2)."""
    psi, ye = 1 - OMEGA, _y(RHO_E)
    return 1 + ye / (OMEGA + psi * ye * (2 - ye))


def under_sign_form():
    """(1 − x)·P(ω, ρ_e, x), P > 0 (all terms positive): Q at u = y/ω, y = ρ_e x/(1 + ρ_e x)."""
    w, r = OMEGA, RHO_E
    P = r * (w * r * X + w * r + w + r**2 * X) / (w * (r * X + 1) ** 2 * (w + r**2 + 2 * r))
    return (1 - X) * P


def check_thm5_under():
    """Residuals (all 0) for ψ = 1 − ω < 1, with ρ = y/(1 − y), y = (1 − ψ)u ∈ (0, 1):

    1. Q(ψ, c(ψ, ρ_e), u(ρ_e x)) = (1 − x) P (the form certified);
    2. dc/dy_e = (ω + ψ y_e²)/(ω + ψ y_e(2 − y_e))² and c(y_e = 1) = 2 (so c runs over (1, 2));
    3. d log λ_S/d log ρ = −1 − (1 − y)ψy/(ω + ψy), and (ω + ψy) − (1 − y)ψy = ω + ψy²
       (so −2 < d log λ_S/d log ρ < −1, as for ψ > 1 in u);
    4. D(u) = (ω + ψy(2 − y))/ω and p_ψ = (1 − y)ω/(ω + ψy): positive on 0 < y < 1.
    """
    psi, w = 1 - OMEGA, OMEGA
    yv = sp.Symbol("y", positive=True)
    c = under_level()
    uu = _y(RHO_E * X) / w
    Q = S.endpoint_quadratic.subs({S.psi: psi, S.c: c, S.u: uu})
    r1 = _resid(Q - under_sign_form())
    den = w + psi * yv * (2 - yv)
    cy = 1 + yv / den
    r2 = sp.cancel(sp.diff(cy, yv) - (w + psi * yv**2) / den**2)
    r2b = sp.cancel(cy.subs(yv, 1) - 2)
    r2c = sp.cancel(c - cy.subs(yv, _y(RHO_E)))
    rho = sp.Symbol("rho", positive=True)
    lam = lam_of_u(psi, _y(rho) / w)
    slope = sp.diff(sp.log(lam), rho) * rho
    r3 = sp.cancel(slope + 1 + (1 - _y(rho)) * psi * _y(rho) / (w + psi * _y(rho)))
    r3b = sp.expand((w + psi * yv) - (1 - yv) * psi * yv - (w + psi * yv**2))
    D = 1 + 2 * psi * u + psi * (psi - 1) * u**2
    r4 = sp.cancel(D.subs(u, yv / w) - den / w)
    from . import derive
    r4b = sp.cancel(derive.STUDENT_IN_U["p"].subs({S.psi: psi, u: yv / w})
                    - (1 - yv) * w / (w + psi * yv))
    return {"Q - (1-x)P": r1, "dc/dy": r2, "c(y=1) - 2": r2b, "c(rho_e)": r2c,
            "dlog lam/dlog rho": r3, "slope bound": r3b, "D": r4, "p_psi": r4b}
