r"""SymPy source of truth for §2.2 of Moniri & Hassani (2025): ridge teacher → weighted-ridge student.

Setting (Moniri & Hassani 2025, §2.2, Thm 8).  x ~ N(0, I_d), y = ⟨β, x⟩ + ε, ε ~ N(0, σ²), ‖β‖² = r².
The teacher is ridge (penalty λ_T) on n labelled samples; the student fits
m fresh covariates labelled by the teacher, ỹ = X̃β_T, by weighted ridge

    β_S = argmin_b (1/m)‖ỹ - X̃b‖² + λ_S bᵀΓ⁻¹b,     d/n → φ,  d/m → ψ.

**Assumption 7 as used here.**  Γ = I + κθθᵀ, θ a unit vector with
⟨θ, β/‖β‖⟩ = ρ ∈ [-1, 1] (the paper's "feature quality").  Then
Γ⁻¹ = I - (1-ω)θθᵀ with ω = 1/(1+κ): the penalty is λ_S off θ and λ_S·ω
along θ.  Any fixed κ > -1 (ω ∈ (0, ∞)) survives the proportional limit,
because the spike changes the estimator by a rank-one term of order one;
the family κ_d = κ₀·d (the spike of Γ growing like the µP-scaled update) has
ω_d = 1/(1+κ₀d) → 0, whose limit is the *unpenalised direction*
Γ⁻¹ → I - θθᵀ (ω = 0).  The formulas below hold for every ω ≥ 0.

**Derivation** (docs/theory/wridge.rst has it in full).  With R = (Σ̃ + λ_S I)⁻¹,
Σ̃ = X̃ᵀX̃/m, Sherman–Morrison gives (Σ̃ + λ_SΓ⁻¹)⁻¹ = R + α RθθᵀR,
α = λ_S(1-ω)/(1 - λ_S(1-ω)θᵀRθ), hence::

    β_S - β = (S β_T - β) + α Rθ · θᵀSβ_T,      S = RΣ̃,

the first term being the §2.1 (plain ridge) student.  Quadratic forms of
deterministic or independent vectors concentrate on MP integrals
(θᵀRθ → m_ψ, θᵀR²θ → m'_ψ, θᵀSβ_T → τ1_ψ τ1_φ ρr,
θᵀR(Sβ_T - β) → ρr(v_ψτ1_φ - m_ψ)), so::

    E_S^w = E_S^ridge + Δ,
    Δ = 2α s t + α² s² m'_ψ   (s, t the limits above)                  (raw form)
      = -ρ² r² τ1_φ q [ b_ψ (2 - τ1_φ q) + 2 λ_S v_ψ p_φ ],           (signed form)
    q = (1-ω) τ1_ψ / (τ1_ψ + ω p_ψ),

with p = λm, b = λ²m', τ1 = 1 - p, v = ∫x/(x+λ)²dμ (student at (ψ, λ_S),
teacher at (φ, λ_T)).  In the signed form every factor but (1-ω) is
positive, so **Δ ≤ 0 iff ω ≤ 1 (κ ≥ 0), with equality iff ρ = 0 or ω = 1**.

The expressions are written in abstract *moment symbols* (``T`` teacher,
``S`` student) and then instantiated: MP functionals (λ > 0, stable forms of
:mod:`w2s_theory.rmt.symbolic`) or the ridgeless limits λ → 0⁺
(τ1 = τ2 = min(1, 1/γ), p = b = max(0, 1 - 1/γ), λv → 0,
φv_φ → φ/(1-φ) (φ < 1) or 1/(φ-1) (φ > 1)).
"""
from __future__ import annotations

import sympy as sp

from ..ridge import symbolic as ridge_sym

phi, psi, lam_T, lam_S = ridge_sym.phi, ridge_sym.psi, ridge_sym.lam_T, ridge_sym.lam_S
sigma2, r2 = ridge_sym.sigma2, ridge_sym.r2
rho = sp.Symbol("rho", real=True)
omega = sp.Symbol("omega", nonnegative=True)

#: Abstract moments (defined with the §2.1 formulas in :mod:`w2s_theory.ridge.symbolic`).
#: Teacher: τ1, τ2, p, b and V = φ·v_φ; student: τ1, τ2, p, b and W = λ_S·v_ψ.
T = ridge_sym.MOMENTS_T
S = ridge_sym.MOMENTS_S
instantiate = ridge_sym.instantiate

# ---------------------------------------------------------------- abstract forms
#: §2.1 student error (Thm 4), teacher error (Prop 3) and their cancellation-free gap,
#: in moment symbols: the single source in :mod:`w2s_theory.ridge.symbolic`.
student_error_ridge = ridge_sym.student_error_moments
teacher_error = ridge_sym.teacher_error_moments
error_gap_ridge = ridge_sym.error_gap_moments

#: q = (1-ω)τ1_ψ/(τ1_ψ + ωp_ψ) = α τ1_ψ/λ_S: the student's effective gain along θ (q ≤ 1 for ω ≥ 0).
q = (1 - omega) * S["tau1"] / (S["tau1"] + omega * S["p"])
#: Δ(ρ, ω, …): the weighted student's extra term, signed form (derivation above).
delta = -rho**2 * r2 * T["tau1"] * q * (S["b"] * (2 - T["tau1"] * q) + 2 * S["W"] * T["p"])
#: Δ = -ρ² r² · delta_unit:  delta_unit > 0 iff ω < 1.
delta_unit = T["tau1"] * q * (S["b"] * (2 - T["tau1"] * q) + 2 * S["W"] * T["p"])

student_error = student_error_ridge + delta
#: E_S - E_T = (§2.1 gap) + Δ.
error_gap = error_gap_ridge + delta


def raw_delta(m, m_prime, lam, tau1_teacher, omega_=omega, rho_=rho, r2_=r2):
    """Δ as it comes out of the derivation, 2αst + α²s²m'_ψ, in the student's m, m'.

    Used by the symbolic proof that it equals the signed form :data:`delta`
    (Moniri & Hassani 2025, Thm 8; derivation in ``docs/theory/wridge.rst``).

    Parameters
    ----------
    m, m_prime : sympy.Expr
        Student's m_ψ(−λ_S) and m'_ψ(−λ_S).
    lam : sympy.Expr
        Student penalty λ_S.
    tau1_teacher : sympy.Expr
        Teacher's τ1_φ.
    omega_, rho_, r2_ : sympy.Expr, optional
        Default: the module symbols ω, ρ, r².

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> M, Mp, L, T1 = sp.symbols("M Mp L T1", positive=True)
    >>> sp.simplify(raw_delta(M, Mp, L, T1) - delta_in_m(M, Mp, L, T1))
    0
    >>> raw_delta(M, Mp, L, T1, omega_=1)                # plain ridge: Δ = 0
    0
    """
    tau1 = 1 - lam * m
    v = m - lam * m_prime
    alpha = lam * (1 - omega_) / (1 - lam * (1 - omega_) * m)
    r = sp.sqrt(r2_)
    s_ = tau1 * tau1_teacher * rho_ * r
    t_ = rho_ * r * (v * tau1_teacher - m)
    return 2 * alpha * s_ * t_ + alpha**2 * s_**2 * m_prime


def delta_in_m(m, m_prime, lam, tau1_teacher):
    """The signed form :data:`delta` rewritten in (m, m', λ_S, τ1_φ) (p_φ = 1 - τ1_φ).

    Parameters
    ----------
    m, m_prime : sympy.Expr
        Student's m_ψ(−λ_S) and m'_ψ(−λ_S).
    lam : sympy.Expr
        Student penalty λ_S.
    tau1_teacher : sympy.Expr
        Teacher's τ1_φ.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> M, Mp, L, T1 = sp.symbols("M Mp L T1", positive=True)
    >>> delta_in_m(M, Mp, L, T1).subs(rho, 0)
    0
    """
    sub = {S["tau1"]: 1 - lam * m, S["p"]: lam * m, S["b"]: lam**2 * m_prime,
           S["W"]: lam * (m - lam * m_prime), T["tau1"]: tau1_teacher, T["p"]: 1 - tau1_teacher}
    return delta.xreplace(sub)


#: ρ_th² in the limit λ_S → 0⁺ for ψ < 1 (there p_ψ ~ λ_S m_ψ(0), λ_S v_ψ ~ λ_S m_ψ(0), b_ψ = O(λ_S²),
#: so G/(r²D) → v_φ(r²λ_T - σ²φ)/((1-ω) r² τ1_φ p_φ), independent of ψ).  For ψ < 1 this is
#: the infimum of ρ_th over λ_S whenever it is below 1 (claim ``wridge.rho-threshold-psi-below-1``).
rho_threshold_limit_sq = ((T["V"] / phi) * (r2 * lam_T - sigma2 * phi)
                          / ((1 - omega) * r2 * T["tau1"] * T["p"]))

# ---------------------------------------------------------------- instantiated (code generation)
ARGS = (phi, psi, lam_T, lam_S, sigma2, r2, rho, omega)
ARGS_RIDGELESS_TEACHER = (phi, psi, lam_S, sigma2, r2, rho, omega)
ARGS_RIDGELESS_STUDENT = (phi, psi, lam_T, sigma2, r2, rho, omega)

STABLE = {
    "student_error": instantiate(student_error),
    "delta": instantiate(delta),
    "delta_unit": instantiate(delta_unit),
    "error_gap": instantiate(error_gap),
    "error_gap_ridge": instantiate(error_gap_ridge),
    "student_error_ridge": instantiate(student_error_ridge),
}
#: Teacher ridgeless (λ_T → 0⁺): Appendix E, Figs 6–7.
RIDGELESS_TEACHER = {
    "student_error": instantiate(student_error, teacher="ridgeless"),
    "delta": instantiate(delta, teacher="ridgeless"),
}
#: Student ridgeless (λ_S → 0⁺): the ψ-direction (no interpolation peak at ψ = 1).
RIDGELESS_STUDENT = {
    "student_error": instantiate(student_error, student="ridgeless"),
    "delta": instantiate(delta, student="ridgeless"),
}
