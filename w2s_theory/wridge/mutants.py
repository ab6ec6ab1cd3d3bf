"""Catalogued implementation mutants for ``wridge`` (§2.2, Thm 8, Appendix E).

Each entry plants one realistic bug in a copy of the package (see
:mod:`proofs_check.mutants`); the claims named in ``claims`` must fail on it in
quick mode.  Simulator bugs (wrong labels, a dropped null-space term, θ not a
unit vector, σ for σ², a doubled penalty), shape bugs in the SymPy sources that a
uniform ×(1±ε) does not produce (ρ for ρ², r for r², τ1 for τ2, q without ω), and
the numeric helpers (ρ threshold, its λ_S → 0 limit, the minimiser over λ_S).
"""
from proofs_check.mutants import SourceMutant

SIM = "w2s_theory/wridge/simulate.py"
SYM = "w2s_theory/wridge/symbolic.py"
THEORY = "w2s_theory/wridge/theory.py"
RIDGE_SYM = "w2s_theory/ridge/symbolic.py"
DECOMP = ("wridge.decomposition-vs-simulation",)
SIMS = ("wridge.decomposition-vs-simulation", "wridge.delta-zero-at-rho0",
        "wridge.beats-overregularised-teacher")

#: Claims with no quantitative target a x(1±ε) could move (proofs_check.scale_targets).
UNSCALABLE = {
    "wridge.delta-nonpositive-proof": "symbolic proof on the SymPy source (exact identity/sign facts of the expression); it reads the source, not an evaluator, so a x(1±ε) of an evaluator is out of its scope",
    "wridge.delta-zero-at-rho0": "checks zeros of Δ (Δ = 0 at ρ = 0, Δ(0.6) − 0.36 Δ(1) = 0), which "
                                 "a rescaled Δ keeps; the magnitude of Δ is checked by "
                                 "wridge.decomposition-vs-simulation",
}

MUTANTS = [
    # ------------------------------------------------------------------ SymPy source of Δ
    SourceMutant(
        id="wridge.delta-x1.5", file=SYM,
        old="delta = -rho**2 * r2 * T[\"tau1\"]", new="delta = -3 * rho**2 * r2 * T[\"tau1\"] / 2",
        description="Δ 50 % too large (the ρ threshold's D untouched)",
        claims=SIMS + ("wridge.delta-sign-search", "wridge.rho-threshold")),
    SourceMutant(
        id="wridge.delta-x1.05", file=SYM,
        old="delta = -rho**2 * r2 * T[\"tau1\"]", new="delta = -21 * rho**2 * r2 * T[\"tau1\"] / 20",
        description="Δ 5 % too large", claims=SIMS + ("wridge.delta-sign-search",)),
    SourceMutant(
        id="wridge.delta-x0.95", file=SYM,
        old="delta = -rho**2 * r2 * T[\"tau1\"]", new="delta = -19 * rho**2 * r2 * T[\"tau1\"] / 20",
        description="Δ 5 % too small", claims=SIMS + ("wridge.delta-sign-search",)),
    SourceMutant(
        id="wridge.delta-abs-rho", file=SYM,
        old="delta = -rho**2 * r2 * T[\"tau1\"]", new="delta = -abs(rho) * r2 * T[\"tau1\"]",
        description="Δ linear in |ρ| instead of ρ²", claims=SIMS + ("wridge.delta-sign-search",)),
    SourceMutant(
        id="wridge.delta-r-for-r2", file=SYM,
        old="delta = -rho**2 * r2 * T[\"tau1\"]", new="delta = -rho**2 * sp.sqrt(r2) * T[\"tau1\"]",
        description="Δ scaled by r instead of r² (invisible when r² = 1)",
        claims=SIMS + ("wridge.delta-sign-search",)),
    SourceMutant(
        id="wridge.delta-unit-x1.5", file=SYM,
        old="delta_unit = T[\"tau1\"] * q", new="delta_unit = 3 * T[\"tau1\"] * q / 2",
        description="D of the ρ threshold (Δ = -ρ²r²D) 50 % too large",
        claims=("wridge.rho-threshold",)),
    SourceMutant(
        id="wridge.q-omega-dropped-in-denominator", file=SYM,
        old="q = (1 - omega) * S[\"tau1\"] / (S[\"tau1\"] + omega * S[\"p\"])",
        new="q = (1 - omega) * S[\"tau1\"] / (S[\"tau1\"] + S[\"p\"])",
        description="effective gain q with the ω·p_ψ term replaced by p_ψ (right only at ω = 1)",
        claims=SIMS + ("wridge.rho-threshold",)),
    SourceMutant(
        id="wridge.delta-W-term-dropped", file=SYM,
        old="delta = -rho**2 * r2 * T[\"tau1\"] * q * (S[\"b\"] * (2 - T[\"tau1\"] * q) + 2 * S[\"W\"] * T[\"p\"])",
        new="delta = -rho**2 * r2 * T[\"tau1\"] * q * (S[\"b\"] * (2 - T[\"tau1\"] * q))",
        description="Δ without its 2λ_S v_ψ p_φ term", claims=SIMS + ("wridge.delta-sign-search",)),
    SourceMutant(
        id="wridge.delta-W-term-sign", file=SYM,
        old="delta = -rho**2 * r2 * T[\"tau1\"] * q * (S[\"b\"] * (2 - T[\"tau1\"] * q) + 2 * S[\"W\"] * T[\"p\"])",
        new="delta = -rho**2 * r2 * T[\"tau1\"] * q * (S[\"b\"] * (2 - T[\"tau1\"] * q) - 2 * S[\"W\"] * T[\"p\"])",
        description="Δ with its 2λ_S v_ψ p_φ term subtracted (Δ > 0 where λ_S v_ψ p_φ dominates b_ψ)",
        claims=("wridge.delta-nonpositive-certified", "wridge.delta-sign-search",
                "wridge.delta-nonpositive-box-certified")),
    SourceMutant(
        id="wridge.rho-limit-phi-dropped", file=SYM,
        old="rho_threshold_limit_sq = ((T[\"V\"] / phi)", new="rho_threshold_limit_sq = ((T[\"V\"])",
        description="ρ₀² with φv_φ in place of v_φ", claims=("wridge.rho-threshold-psi-below-1",)),
    SourceMutant(
        id="wridge.rho-threshold-no-sqrt", file=THEORY,
        old="(sp.sqrt(_gap_ridge_e / (S.r2 * _unit_e)), True)),",
        new="(_gap_ridge_e / (S.r2 * _unit_e), True)),",
        description="ρ_th returned as ρ_th² (square root forgotten)",
        claims=("wridge.rho-threshold",)),
    SourceMutant(
        id="wridge.best-rho-argmax", file=THEORY,
        old="i = int(np.argmin(vals))", new="i = int(np.argmax(vals))",
        description="best_rho_threshold starts Brent from the grid maximum",
        claims=("wridge.rho-threshold",)),
    SourceMutant(
        id="wridge.ridgeless-teacher-variance", file=RIDGE_SYM,
        old="(1 / (phi - 1), phi > 1), (0, True))", new="(phi / (phi - 1), phi > 1), (0, True))",
        description="ridgeless teacher's variance factor φ/(φ-1) instead of 1/(φ-1) for φ > 1",
        claims=("wridge.appE-ridgeless-teacher-peak",)),
    SourceMutant(
        id="wridge.ridgeless-student-tau", file=RIDGE_SYM,
        old="t = sp.Piecewise((1, g <= 1), (1 / g, True))", new="t = sp.Piecewise((1, g <= 1), (1 / g**2, True))",
        description="ridgeless τ1 = τ2 = 1/γ² instead of 1/γ for γ > 1",
        claims=("wridge.appE-ridgeless-teacher-peak", "wridge.appE-no-peak-at-psi1")),
    SourceMutant(
        id="wridge.student-tau1-for-tau2", file=RIDGE_SYM,
        old="+ sigma2 * _T[\"V\"] * _S[\"tau2\"])", new="+ sigma2 * _T[\"V\"] * _S[\"tau1\"])",
        description="inherited variance σ²φv_φ·τ1_ψ instead of ·τ2_ψ (shared with §2.1)",
        claims=("wridge.appE-optimal-teacher-monotone", "wridge.appE-underregularised-nonmonotone")),
    SourceMutant(
        id="wridge.raw-delta-alpha", file=SYM,
        old="alpha = lam * (1 - omega_) / (1 - lam * (1 - omega_) * m)",
        new="alpha = lam * (1 - omega_) / (1 - lam * m)",
        description="Sherman–Morrison factor α of the derivation without (1-ω) in its denominator",
        claims=("wridge.delta-nonpositive-proof", "wridge.float-vs-mpmath",
                "wridge.delta-nonpositive-certified")),
    # ------------------------------------------------------------------ simulator
    SourceMutant(
        id="wridge.sim-theta-not-unit", file=SIM,
        old="a, bcoef = r / np.sqrt(r2), np.sqrt(max(0.0, 1 - r * r))",
        new="a, bcoef = r / np.sqrt(r2), max(0.0, 1 - r * r)",
        description="θ(ρ) = ρβ̂ + (1-ρ²)u: not a unit vector for 0 < |ρ| < 1",
        claims=SIMS),
    SourceMutant(
        id="wridge.sim-omega-ignored-in-gain", file=SIM,
        old="g = (1 - om) / (om * lq + one_minus)", new="g = (1 - om) / (lq + one_minus)",
        description="Sherman–Morrison gain without ω in the denominator",
        claims=SIMS),
    SourceMutant(
        id="wridge.sim-null-space-dropped", file=SIM,
        old="base = FC2 - 2 * FCcb + (cb @ cb) + nbb", new="base = FC2 - 2 * FCcb + (cb @ cb)",
        description="student's error forgets β's component in the null space of X̃ (ψ > 1)",
        claims=SIMS),
    SourceMutant(
        id="wridge.sim-cross-null-sign", file=SIM,
        old="((cb * ct) @ L)[None, :] - tb_perp", new="((cb * ct) @ L)[None, :] + tb_perp",
        description="sign of the null-space part of ⟨Sβ_T - β, λ_S Rθ⟩",
        claims=SIMS),
    SourceMutant(
        id="wridge.sim-student-on-ground-truth", file=SIM,
        old="C = Vs.T @ B_T ", new="C = Vs.T @ (0 * B_T + beta[:, None]) ",
        description="student trained on noiseless ground-truth labels X̃β instead of the teacher's",
        claims=SIMS),
    SourceMutant(
        id="wridge.sim-noise-sigma-for-sigma2", file=SIM,
        old="sd = np.sqrt(sigma2 * e / n)", new="sd = sigma2 * np.sqrt(e / n)",
        description="teacher's label noise with standard deviation σ² instead of σ (the rotated "
                    "trial the claims run)",
        claims=SIMS),
    SourceMutant(
        id="wridge.sim-teacher-penalty-doubled", file=SIM,
        old="B_T[:k] = w[:, None] / (e[:, None] + lam_T[None, :])",
        new="B_T[:k] = w[:, None] / (e[:, None] + 2 * lam_T[None, :])",
        description="teacher fitted with penalty 2λ_T (λ‖b‖² vs λ‖b‖²/2 convention slip; the "
                    "rotated trial the claims run)",
        claims=SIMS),
    SourceMutant(
        id="wridge.sim-n-m-swapped", file=SIM,
        old="replicates = _int(\"replicates\", replicates, 1)\n    phi, psi, sigma2, r2, n, m = _check_setting(",
        new="replicates = _int(\"replicates\", replicates, 1)\n    phi, psi, sigma2, r2, m, n = _check_setting(",
        description="teacher and student sample sizes swapped (φ ↔ ψ)",
        claims=SIMS),
]
