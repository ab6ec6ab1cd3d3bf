"""Catalogued implementation mutants for ``rmt``, ``ridge`` and ``simulate`` (§2.1).

Each entry plants one realistic bug in a copy of the package (see
:mod:`proofs_check.mutants`); the claims named in ``claims`` must fail on it in
quick mode.  The catalogue covers what the generated formula mutants cannot
reach: the simulator, hand-written numeric branches (complex Stieltjes transform,
ridgeless limits, atom and support of the MP law, the Thm 5 root finder) and
bugs inside the SymPy sources that change a formula's shape rather than its
scale (r for r², τ1 for τ2, a dropped null-space term, a sign flip).
"""
from proofs_check.mutants import SourceMutant

SIM = "w2s_theory/simulate/ridge.py"
THEORY = "w2s_theory/ridge/theory.py"
SYM = "w2s_theory/ridge/symbolic.py"
MP = "w2s_theory/rmt/marchenko_pastur.py"
MPSYM = "w2s_theory/rmt/symbolic.py"
SIM_CLAIMS = ("ridge.teacher-limit-vs-simulation", "ridge.student-limit-vs-simulation")

#: Sensitivity targets (proofs_check.scale_targets): Marchenko-Pastur evaluators that are not a
#: Formula (the derivative recurrence, density, moments) and the Narayana moments.
SCALE_TARGETS = [
    "w2s_theory.rmt.marchenko_pastur:stieltjes_derivative",
    "w2s_theory.rmt.marchenko_pastur:density",
    "w2s_theory.rmt.marchenko_pastur:moment",
    "w2s_theory.rmt.symbolic:narayana_moment",
]
_SYMBOLIC = ("symbolic proof on the SymPy source (exact identity/sign facts of the expression); it reads the source, not an evaluator, so a x(1±ε) of an evaluator is out of its scope")
#: Claims with no quantitative target a x(1±ε) could move (proofs_check.scale_targets).
UNSCALABLE = {
    "ridge.c-max-is-sup-of-g": _SYMBOLIC,
    "ridge.g-monotone-underparameterised": _SYMBOLIC,
    "ridge.stable-equals-textbook": "compares two SymPy source forms (stable vs textbook) at 60 "
                                    "digits; it reads the sources, not an evaluator",
    "rmt.narayana-moments": _SYMBOLIC,
    "rmt.stable-forms": "compares two SymPy source forms (stable vs textbook) at 80 digits; it "
                        "reads the sources, not an evaluator",
}

MUTANTS = [
    # ------------------------------------------------------------------ simulator (§2.1)
    SourceMutant(
        id="ridge.sim-teacher-no-null-space", file=SIM,
        old="(np.sum((1 - a) ** 2, axis=0) + d - k)", new="np.sum((1 - a) ** 2, axis=0)",
        description="design-averaged teacher bias forgets the d - k null-space directions of X "
                    "(only matters for φ > 1)",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-r-for-r2", file=SIM,
        old="sq = r2 / d * (F2.T @ Pa2", new="sq = np.sqrt(r2) / d * (F2.T @ Pa2",
        description="student's bias term scaled by r instead of r² = ‖β‖²",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-noise-sigma-for-sigma2", file=SIM,
        old="+ sigma2 * w.sum(axis=0)", new="+ np.sqrt(sigma2) * w.sum(axis=0)",
        description="teacher's variance term uses σ instead of σ²",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-noise-map-1-over-d", file=SIM,
        old="w = e[:, None] / (n * (e[:, None]", new="w = e[:, None] / (d * (e[:, None]",
        description="noise map N_T normalised by d instead of n (XᵀX/n vs XᵀX/d slip)",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-overlap-not-squared", file=SIM,
        old="P = Vs[: e.size].T ** 2", new="P = np.abs(Vs[: e.size].T)",
        description="overlap matrix of the two eigenbases not squared (the rotated trial the "
                    "claims run, teacher-eigenvalue branch)",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-student-on-ground-truth", file=SIM,
        old="Pa, Pa2, Pw = P @ a, P @ a**2, P @ w",
        new="Pa, Pa2, Pw = P.sum(axis=1, keepdims=True) + 0 * a, "
            "P.sum(axis=1, keepdims=True) + 0 * a, 0 * (P @ w)",
        description="student trained on noiseless ground-truth labels X̃β instead of the teacher's X̃β_T",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-gram-wide-normalisation", file=SIM,
        old="e, U = np.linalg.eigh(X @ X.T / rows)", new="e, U = np.linalg.eigh(X @ X.T / d)",
        description="Gram spectrum of a wide design (rows < d) normalised by d instead of rows",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-wishart-normalised-by-d", file="w2s_theory/simulate/invariant.py",
        old="return np.clip(e, 0.0, None) / rows", new="return np.clip(e, 0.0, None) / d",
        description="eigenvalues of the bidiagonal model normalised by d instead of rows",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.sim-n-m-swapped", file=SIM,
        old="n, m = round(d / phi), round(d / psi)", new="n, m = round(d / psi), round(d / phi)",
        description="teacher and student sample sizes swapped (φ ↔ ψ)",
        claims=SIM_CLAIMS),
    # ------------------------------------------------------------------ ridge theory (hand-written)
    SourceMutant(
        id="ridge.optimal-lambda-x1.1", file=SYM,
        old="optimal_lambda = phi * sigma2 / r2", new="optimal_lambda = 11 * phi * sigma2 / (10 * r2)",
        description="λ* off by 10 %", claims=("ridge.lambda-star-minimises-teacher",)),
    SourceMutant(
        id="ridge.optimal-lambda-r-for-r2", file=SYM,
        old="optimal_lambda = phi * sigma2 / r2", new="optimal_lambda = phi * sigma2 / sp.sqrt(r2)",
        description="λ* = φσ²/r instead of φσ²/r²", claims=("ridge.lambda-star-minimises-teacher",)),
    SourceMutant(
        id="ridge.lam-of-u-sign-inline", file=THEORY,
        old="lam0 = (1 - (1 - ps) * uu) / (uu * (1 + ps * uu))",
        new="lam0 = (1 + (1 - ps) * uu) / (uu * (1 + ps * uu))",
        description="sign flip in λ_S(u) used to start the endpoint search of Thm 5",
        claims=("ridge.thm5-*",)),
    SourceMutant(
        id="ridge.lam-of-u-sign-symbolic", file=SYM,
        old="lam_of_u = (1 - (1 - psi) * u) / (u * (1 + psi * u))",
        new="lam_of_u = (1 - (1 - psi) * u) / (u * (1 - psi * u))",
        description="sign flip in the symbolic λ_S(u) = (1-(1-ψ)u)/(u(1+ψu))",
        claims=("ridge.g-monotone-underparameterised", "ridge.thm5-*")),
    SourceMutant(
        id="ridge.endpoint-quadratic-sign", file=THEORY,
        old="B = 2 * psi * (h - 1) - 1", new="B = 2 * psi * (h - 1) + 1",
        description="sign slip in the linear coefficient of the Thm 5 endpoint quadratic",
        claims=("ridge.thm5-*",)),
    SourceMutant(
        id="ridge.win-region-band-reversed", file=THEORY,
        old="lo, hi = min(lams), max(lams)", new="lo, hi = lams[0], lams[0]",
        description="ψ > 1: the band keeps only one endpoint (empty band)",
        claims=("ridge.thm5-overparameterised-student",)),
    SourceMutant(
        id="ridge.ridgeless-numpy-variance", file=THEORY,
        old="+ S.sigma2 / (S.phi - 1), S.phi > 1)", new="+ S.sigma2 * S.phi / (S.phi - 1), S.phi > 1)",
        description="ridgeless teacher (φ > 1): variance σ²φ/(φ-1) instead of σ²/(φ-1)",
        claims=("ridge.ridgeless-limits",)),
    SourceMutant(
        id="ridge.ridgeless-mpmath-bias", file=THEORY,
        old="S.r2 * ((S.phi - 1) / S.phi)", new="S.r2 * (1 - S.phi)",
        description="ridgeless teacher (φ > 1): bias r²(1-φ) instead of r²(1-1/φ)",
        claims=("ridge.ridgeless-limits",)),
    SourceMutant(
        id="ridge.c-max-no-sqrt", file=SYM,
        old="c_max_over = (3 - sp.sqrt((psi - 1) / psi)) / 2", new="c_max_over = (3 - ((psi - 1) / psi)) / 2",
        description="sup of g for ψ > 1 without the square root",
        claims=("ridge.c-max-is-*", "ridge.thm5-overparameterised-student")),
    # ------------------------------------------------------------------ ridge SymPy sources (shape bugs)
    SourceMutant(
        id="ridge.teacher-bias-r-for-r2", file=SYM,
        old="teacher_error_moments = sigma2 + r2 * _T[\"b\"]",
        new="teacher_error_moments = sigma2 + sp.sqrt(r2) * _T[\"b\"]",
        description="teacher bias r·b_φ instead of r²·b_φ (invisible when r² = 1)",
        claims=SIM_CLAIMS + ("ridge.lambda-star-minimises-teacher",)),
    SourceMutant(
        id="ridge.student-tau1-for-tau2", file=SYM,
        old="+ sigma2 * _T[\"V\"] * _S[\"tau2\"])", new="+ sigma2 * _T[\"V\"] * _S[\"tau1\"])",
        description="student's inherited variance σ²φv_φ·τ1_ψ instead of ·τ2_ψ",
        claims=SIM_CLAIMS),
    SourceMutant(
        id="ridge.gap-factor-2-dropped", file=SYM,
        old="- 2 * _S[\"p\"] * (_T[\"V\"] / phi) * (sigma2 * phi - r2 * lam_T))",
        new="- _S[\"p\"] * (_T[\"V\"] / phi) * (sigma2 * phi - r2 * lam_T))",
        description="factor 2 dropped in the cancellation-free E_S - E_T",
        claims=SIM_CLAIMS + ("ridge.stable-equals-textbook",)),
    SourceMutant(
        id="ridge.h-factor-2-dropped", file=SYM,
        old="return 2 * r2 * _f(\"tau1\", \"T\", st) / _K(st)",
        new="return r2 * _f(\"tau1\", \"T\", st) / _K(st)",
        description="h = r²τ1/K instead of 2r²τ1/K (stable and textbook forms both wrong)",
        claims=("ridge.h-below-2-iff-under-regularised", "ridge.thm5-*",
                "ridge.h-below-2-iff-certified")),
    SourceMutant(
        id="ridge.two-minus-h-r2-dropped", file=SYM,
        old="(sigma2 * phi - r2 * lam_T) / _K(True)", new="(sigma2 * phi - lam_T) / _K(True)",
        description="2 - h with r² dropped (invisible when r² = 1)",
        claims=("ridge.h-below-2-iff-under-regularised", "ridge.thm5-*",
                "ridge.h-below-2-iff-certified")),
    SourceMutant(
        id="ridge.student-textbook-form-evaluated", file=SYM,
        old="\"student_error\": _student_error(True),", new="\"student_error\": _student_error(False),",
        description="E_S generated from the textbook form 1 - 2τ1τ1 + τ2τ2 (cancels in floats "
                    "when the student copies the teacher, λ_S → 0, ψ < 1)",
        claims=("ridge.float-vs-mpmath",)),
    # ------------------------------------------------------------------ Marchenko–Pastur core
    SourceMutant(
        id="rmt.narayana-binomial", file=MPSYM,
        old="sp.binomial(k_, j) * sp.binomial(k_ - 1, j)", new="sp.binomial(k_, j) * sp.binomial(k_, j)",
        description="Narayana polynomial with C(k, j)² instead of C(k, j)C(k-1, j)",
        claims=("rmt.narayana-moments", "rmt.evaluators-vs-quadrature")),
    SourceMutant(
        id="rmt.complex-mpmath-wrong-branch", file=MP,
        old="res = 2 / (A - R) if abs(A - R) >= abs(A + R) else (A + R) / (2 * g * zz)",
        new="res = 2 / (A + R) if abs(A + R) >= abs(A - R) else (A - R) / (2 * g * zz)",
        description="mpmath branch of m_γ(z) picks the non-Herglotz root",
        claims=("rmt.complex-branch",)),
    SourceMutant(
        id="rmt.complex-numpy-edge", file=MP,
        old="    lo, hi = (1 - sq) ** 2, (1 + sq) ** 2\n    A = 1 - g - zarr",
        new="    lo, hi = (1 - sq) ** 2, (1 + sq)\n    A = 1 - g - zarr",
        description="numpy branch of m_γ(z): upper support edge not squared",
        claims=("rmt.complex-branch",)),
    SourceMutant(
        id="rmt.atom-mass-float", file=MP,
        old="return finish(kind, np.maximum(0.0, (g - 1) / g))",
        new="return finish(kind, np.maximum(0.0, (1 - g)))",
        description="atom of the MP law 1 - γ instead of 1 - 1/γ (float path)",
        claims=("rmt.evaluators-vs-quadrature",)),
    SourceMutant(
        id="rmt.atom-mass-mpmath", file=MP,
        old="return finish(kind, max(mpmath.mpf(0), (g - 1) / g))",
        new="return finish(kind, max(mpmath.mpf(0), (g - 1) / g ** 2))",
        description="atom of the MP law 1 - 1/γ² (mpmath path)",
        claims=("rmt.evaluators-vs-quadrature",)),
    SourceMutant(
        id="rmt.support-edges-no-sqrt", file=MP,
        old="sq = mpmath.sqrt(g) if kind == \"mp\" else np.sqrt(g)",
        new="sq = g if kind == \"mp\" else np.sqrt(g)",
        description="support edges (1 ± γ)² instead of (1 ± √γ)² (mpmath path)",
        claims=("rmt.evaluators-vs-quadrature",)),
    SourceMutant(
        id="rmt.density-factor-2", file=MPSYM,
        old="return sp.sqrt((hi - x_) * (x_ - lo)) / (2 * sp.pi * gamma_ * x_)",
        new="return sp.sqrt((hi - x_) * (x_ - lo)) / (sp.pi * gamma_ * x_)",
        description="MP density without the 1/2",
        claims=("rmt.complex-branch", "rmt.evaluators-vs-quadrature")),
    SourceMutant(
        id="rmt.tau2-factor-2", file=MPSYM,
        old="((1 - gamma) ** 2 + 2 * lam * (1 + gamma))", new="((1 - gamma) ** 2 + lam * (1 + gamma))",
        description="stable τ2 with a dropped factor 2",
        claims=("rmt.stable-forms", "rmt.evaluators-vs-quadrature")),
    SourceMutant(
        id="rmt.m-wrong-root", file=MPSYM,
        old="((_s - _a) / (2 * gamma * lam), True))", new="((-_s - _a) / (2 * gamma * lam), True))",
        description="stable m takes the negative root where 1 - γ + λ < 0",
        claims=("rmt.quadratic-root",)),
    SourceMutant(
        id="rmt.derivative-recurrence-sign", file=MP,
        old="acc = acc - g * lam * sum(M[i] * M[n - i] for i in range(1, n))",
        new="acc = acc + g * lam * sum(M[i] * M[n - i] for i in range(1, n))",
        description="resolvent-moment recurrence with the wrong sign of the γλ term (orders ≥ 2)",
        claims=("rmt.density-quadrature", "rmt.evaluators-vs-quadrature")),
    SourceMutant(
        id="rmt.moment-order-off-by-one", file=MP,
        old="c = _narayana_coefficients(k)",
        new="c = _narayana_coefficients(k + 1)",
        description="rmt.moment(γ, k) returns the (k+1)-th moment (float path, k ≤ 400)",
        claims=("rmt.evaluators-vs-quadrature",)),
    SourceMutant(
        id="rmt.shift-cancels", file=MPSYM,
        old="return f\"((1 - ({g})) + ({l}))\"", new="return f\"((({l}) - ({g})) + 1)\"",
        description="1 - γ + λ printed as (λ - γ) + 1: loses λ = 1e-12 at γ = 1 in floats",
        claims=("rmt.quadratic-root",)),
    # ------------------------------------------------------------------ optimal student penalty
    SourceMutant(
        id="ridge.optimal-student-quartic-sign", file="w2s_theory/ridge/derive.py",
        old="stationary = sp.together(h * sp.diff(t1, u) - sp.diff(t2, u))",
        new="stationary = sp.together(h * sp.diff(t1, u) - 2 * sp.diff(t2, u))",
        description="optimality condition h τ1' = 2 τ2' (a factor 2 slip) in the quartic",
        claims=("ridge.optimal-student-lambda",)),
    SourceMutant(
        id="ridge.optimal-student-end-value", file="w2s_theory/ridge/optimal.py",
        old="t_end = 1 if psi <= 1 else 1 / psi",
        new="t_end = 1",
        description="λ_S → 0⁺ end: τ1_ψ = τ2_ψ = 1 also for ψ > 1 (min(1, 1/ψ) forgotten)",
        claims=("ridge.optimal-student-lambda",)),
    SourceMutant(
        id="ridge.optimal-student-lam-of-u", file="w2s_theory/ridge/optimal.py",
        old="lam = (1 - (1 - psi) * x) / (x * (1 + psi * x))",
        new="lam = (1 - (1 - psi) * x) / (x * (1 + x))",
        description="λ_S(u) with 1 + u instead of 1 + ψu when mapping the root back",
        claims=("ridge.optimal-student-lambda",)),
    # ------------------------------------------------------------------ g of Thm 5 (stable forms)
    SourceMutant(
        id="ridge.g-over-denominator-sign", file=SYM,
        old="(1 + m / (1 + 2 * psi * m + psi * (psi - 1) * m**2), psi >= 1)",
        new="(1 + m / (1 - 2 * psi * m + psi * (psi - 1) * m**2), psi >= 1)",
        description="stable g for ψ ≥ 1 with the sign of 2ψu flipped in 1 + 2ψu + ψ(ψ-1)u²",
        claims=("ridge.g-above-1-certified",)),
    SourceMutant(
        id="rmt.b-over-p-sign", file=MPSYM,
        old="\"b_over_p\": lam * (1 + gamma * _m) / _s,",
        new="\"b_over_p\": lam * (1 - gamma * _m) / _s,",
        description="stable λm'/m = b/p (so g = 2 - b/p for ψ < 1) with the sign of γm flipped",
        claims=("ridge.g-below-2-certified",)),
]

#: Generated mutants that no correct check can kill (proofs_check.mutation.equivalence_marks).
EQUIVALENT = {
    # measured: the Thm 5 endpoints of ridge.thm5-*-student (float64 vs 50 digits) are off by
    # 2e-15..5e-14 with and without each of the five dt mutants, quick and full mode
    "ridge.theory:dt@*": "dt is only the Newton slope of _polish, which starts at the closed-form "
                         "endpoint (exact up to rounding) and stops on the residual t(λ) − (2 − h): "
                         "a wrong slope changes how fast rounding-level corrections shrink, never "
                         "the root",
}
