"""SymPy source of truth for §2.1 of Moniri & Hassani (2025): ridge teacher → ridge student.

Setting (Moniri & Hassani 2025, §2.1): x ~ N(0, I_d), y = ⟨β, x⟩ + ε, ε ~ N(0, σ²), ‖β‖² = r².
Teacher: ridge on n labelled samples with penalty λ_T; student: ridge with
penalty λ_S on m fresh covariates labelled by the teacher (no new noise).
d/n → φ, d/m → ψ.  Test error E(b) = σ² + ‖b - β‖².

Write, for the MP law of ratio γ at shift λ, p = ∫λ/(x+λ), b = ∫λ²/(x+λ)²,
τ2 = ∫x²/(x+λ)², v = ∫x/(x+λ)²; subscripts φ (teacher: γ=φ, λ=λ_T) and
ψ (student: γ=ψ, λ=λ_S).  Then (Prop 3, Thm 4)::

    E_T = σ² + r² b_φ + σ² φ v_φ
    E_S = σ² + r² (1 - 2τ1_ψ τ1_φ + τ2_ψ τ2_φ) + σ² φ v_φ τ2_ψ
        = σ² + r² (b_ψ τ2_φ + b_φ τ2_ψ + 2 p_ψ p_φ - b_ψ b_φ) + σ² φ v_φ τ2_ψ

(the second line: substitute τ1 = 1 - p, τ2 = 1 - 2p + b; every term is
non-negative and 2p_ψp_φ - b_ψb_φ ≥ p_ψp_φ, so float evaluation is stable).
The gap factorises (derivation in docs/theory/ridge.rst)::

    E_S - E_T = b_ψ K - 2 p_ψ v_φ (σ²φ - r²λ_T) = p_ψ K (h - g),
    K = r² τ2_φ + σ² φ v_φ,  h = 2 r² τ1_φ / K,  g = 2 - b_ψ/p_ψ = 2 - λ_S m'_ψ/m_ψ.

Since p_ψ K > 0: E_S < E_T ⟺ g(λ_S) > h (Thm 5), and h < 2 ⟺ λ_T < λ* = σ²φ/r².
"""
from __future__ import annotations

import sympy as sp

from ..rmt import symbolic as mp_sym

phi, psi, lam_T, lam_S = sp.symbols("phi psi lam_T lam_S", positive=True)
sigma2, r2 = sp.symbols("sigma2 r2", nonnegative=True)
u = sp.Symbol("u", positive=True)
c = sp.Symbol("c", positive=True)

ARGS_TEACHER = (phi, lam_T, sigma2, r2)
ARGS_STUDENT = (phi, psi, lam_T, lam_S, sigma2, r2)


def _f(name, who, stable):
    g, l = (phi, lam_T) if who == "T" else (psi, lam_S)
    return mp_sym.functional(name, g, l, stable=stable)


#: Abstract moment symbols, so that one expression serves ridge (λ > 0) and ridgeless
#: (λ → 0⁺) instantiations.  Teacher (γ = φ, λ = λ_T): τ1, τ2, p, b and V = φ·v_φ;
#: student (γ = ψ, λ = λ_S): τ1, τ2, p, b and W = λ_S·v_ψ.
MOMENTS_T = {k: sp.Symbol(f"{k}_T", positive=True) for k in ("tau1", "tau2", "p", "b", "V")}
MOMENTS_S = {k: sp.Symbol(f"{k}_S", positive=True) for k in ("tau1", "tau2", "p", "b", "W")}
_T, _S = MOMENTS_T, MOMENTS_S

#: Prop 3 in moments: E_T = σ² + r² b_φ + σ² φ v_φ.
teacher_error_moments = sigma2 + r2 * _T["b"] + sigma2 * _T["V"]
#: Thm 4 in moments, as a sum of non-negative terms (see the module docstring).
student_error_moments = (sigma2 + r2 * (_S["b"] * _T["tau2"] + _T["b"] * _S["tau2"]
                                        + 2 * _S["p"] * _T["p"] - _S["b"] * _T["b"])
                         + sigma2 * _T["V"] * _S["tau2"])
#: E_S - E_T = b_ψ K - 2 p_ψ v_φ (σ²φ - r²λ_T), K = r²τ2_φ + σ²φv_φ.  Equals
#: student_error_moments - teacher_error_moments only after instantiation (it uses the MP
#: relations τ2 = 1 - 2p + b and λv = p - b); no cancellation as λ_S → 0.
error_gap_moments = (_S["b"] * (r2 * _T["tau2"] + sigma2 * _T["V"])
                     - 2 * _S["p"] * (_T["V"] / phi) * (sigma2 * phi - r2 * lam_T))


def _moments_ridge(who):
    g, l = (phi, lam_T) if who == "T" else (psi, lam_S)
    f = {k: mp_sym.functional(k, g, l, stable=True) for k in ("tau1", "tau2", "p", "b")}
    v = mp_sym.functional("v", g, l, stable=True)
    f["V" if who == "T" else "W"] = phi * v if who == "T" else lam_S * v
    return f


def _moments_ridgeless(who):
    g = phi if who == "T" else psi
    t = sp.Piecewise((1, g <= 1), (1 / g, True))
    pb = sp.Piecewise((0, g <= 1), ((g - 1) / g, True))  # not 1 - 1/g: exact g - 1 near g = 1
    f = {"tau1": t, "tau2": t, "p": pb, "b": pb}
    if who == "T":
        # φ v_φ(λ→0⁺): variance factor of the min-norm teacher (Hastie et al. 2022); infinite
        # at φ = 1.  It only ever multiplies σ²; the value 0 at φ = 1 serves σ² = 0, and
        # evaluators must reject φ = 1 with σ² > 0.
        f["V"] = sp.Piecewise((phi / (1 - phi), phi < 1), (1 / (phi - 1), phi > 1), (0, True))
    else:
        f["W"] = sp.Integer(0)
    return f


def instantiate(expr, teacher="ridge", student="ridge"):
    """Substitute the moment symbols in *expr*.

    ``"ridge"``: the stable MP functionals at λ > 0; ``"ridgeless"``: their
    λ → 0⁺ limits (τ1 = τ2 = min(1, 1/γ), p = b = max(0, 1 - 1/γ), λv → 0,
    φv_φ → φ/(1-φ) or 1/(φ-1)), with λ set to 0.

    Parameters
    ----------
    expr : sympy.Expr
        Expression in the moment symbols of this module (e.g. an entry of
        the formula tables).
    teacher, student : {"ridge", "ridgeless"}, optional
        How each side's moments are substituted; default "ridge".

    Returns
    -------
    sympy.Expr
        The expression in (φ, ψ, λ_T, λ_S, σ², r²).

    Raises
    ------
    ValueError
        If a mode is not "ridge" or "ridgeless".

    Examples
    --------
    >>> teacher_error_moments
    V_T*sigma2 + b_T*r2 + sigma2
    >>> E_T = instantiate(teacher_error_moments, teacher="ridgeless")
    >>> sp.simplify(E_T.subs(phi, sp.Rational(1, 2)))      # σ² + σ²φ/(1-φ) at φ = 1/2
    2*sigma2
    >>> sp.simplify(E_T.subs(phi, 2))                      # σ² + r²(1 - 1/φ) + σ²/(φ - 1)
    r2/2 + 2*sigma2
    """
    sub = {}
    for who, how, syms in (("T", teacher, _T), ("S", student, _S)):
        if how not in ("ridge", "ridgeless"):
            raise ValueError(f"{who} mode must be 'ridge' or 'ridgeless'; got {how!r}")
        vals = _moments_ridge(who) if how == "ridge" else _moments_ridgeless(who)
        sub.update({syms[k]: vals[k] for k in syms})
        if how == "ridgeless":
            sub[lam_T if who == "T" else lam_S] = sp.Integer(0)
    return expr.xreplace(sub)


def _teacher_error(st):
    if st:
        return instantiate(teacher_error_moments)
    return sigma2 + r2 * _f("b", "T", st) + sigma2 * phi * _f("v", "T", st)


def _student_error(st):
    if st:
        return instantiate(student_error_moments)
    # the form written in the paper (Moniri & Hassani 2025, Thm 4)
    return (sigma2 + r2 * (1 - 2 * _f("tau1", "S", st) * _f("tau1", "T", st)
                           + _f("tau2", "S", st) * _f("tau2", "T", st))
            + sigma2 * phi * _f("v", "T", st) * _f("tau2", "S", st))


def _K(st):
    return r2 * _f("tau2", "T", st) + sigma2 * phi * _f("v", "T", st)


def _gap(st):
    if not st:
        return _student_error(False) - _teacher_error(False)
    return instantiate(error_gap_moments)


def _level_h(st):
    return 2 * r2 * _f("tau1", "T", st) / _K(st)


def _gain_g(st):
    if not st:
        return 2 - _f("b_over_p", "S", st)
    # ψ ≥ 1: g = 1 + u/(1 + 2ψu + ψ(ψ-1)u²), u = m_ψ, a sum of positive terms, so g > 1 and
    # g - 1 keep full relative precision (2 - t would round to g ≤ 1 when g - 1 ~ 1e-16).
    # ψ < 1: g = 2 - t never exceeds sup g = 2 in floats.
    m = _f("m", "S", st)
    return sp.Piecewise((1 + m / (1 + 2 * psi * m + psi * (psi - 1) * m**2), psi >= 1),
                        (2 - _f("b_over_p", "S", st), True))


#: λ* = φσ²/r² (Dobriban & Wager 2018, Thm 2.1).
optimal_lambda = phi * sigma2 / r2
#: sup over λ_S of g_ψ for ψ > 1: (3 - √(1 - 1/ψ))/2, attained at u* = 1/√(ψ(ψ-1)).
c_max_over = (3 - sp.sqrt((psi - 1) / psi)) / 2  # (ψ-1)/ψ, not 1 - 1/ψ: no cancellation at ψ ≈ 1
#: g as a function of u = m_ψ(-λ_S) (Moniri & Hassani 2025, Thm 5; docs/theory/ridge.rst).
gain_of_u = 1 + u / (1 + 2 * psi * u + psi * (psi - 1) * u**2)
#: λ_S as a function of u = m_ψ(-λ_S) (inverse of the MP quadratic).
lam_of_u = (1 - (1 - psi) * u) / (u * (1 + psi * u))
#: g(u) = c  ⟺  this quadratic in u vanishes (win-region endpoints, c = h).
endpoint_quadratic = (c - 1) * psi * (psi - 1) * u**2 + (2 * psi * (c - 1) - 1) * u + (c - 1)

#: Stable forms (used for code generation).
STABLE = {
    "teacher_error": _teacher_error(True),
    "student_error": _student_error(True),
    "error_gap": _gap(True),
    "level_h": _level_h(True),
    "gain_g": _gain_g(True),
    # 2 - h = 2 v_φ (σ²φ - r²λ_T)/K: the teacher's distance from optimal tuning, no cancellation
    "two_minus_h": 2 * _f("v", "T", True) * (sigma2 * phi - r2 * lam_T) / _K(True),
}
#: Textbook forms (for REPL work: differentiate, simplify, substitute, solve).
TEXTBOOK = {
    "teacher_error": _teacher_error(False),
    "student_error": _student_error(False),
    "error_gap": _gap(False),
    "level_h": _level_h(False),
    "gain_g": _gain_g(False),
}

teacher_error = TEXTBOOK["teacher_error"]
student_error = TEXTBOOK["student_error"]
error_gap = TEXTBOOK["error_gap"]
level_h = TEXTBOOK["level_h"]
gain_g = TEXTBOOK["gain_g"]
