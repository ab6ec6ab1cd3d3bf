"""Certified claims for §2.1 (Moniri & Hassani 2025): Arb enclosures over whole boxes.

Each statement is ``expression relation 0`` over a box of named parameters, proved by
branch-and-bound (:mod:`proofs_check.certify`); the expressions are the package's SymPy
stable forms (:mod:`w2s_theory.ridge.symbolic`), never retyped, read from the Formulas of
:mod:`w2s_theory.ridge.theory` when the claim runs, or rewritten forms in u = m(−λ)
(:mod:`w2s_theory.ridge.certify_forms`) whose identity with the package's forms SymPy checks
inside the claim (the claim fails otherwise).  Each also carries a statement made 2 % too
strong, which must be *refuted* at a verified point (sharpness).  See docs/certified.rst.
"""
from __future__ import annotations

import sympy as sp

from proofs_check import Context
from proofs_check.certify import Statement, certified_claim
from proofs_check.certify.spec import Param

from . import certify_forms as CF
from . import symbolic as S

SRC = "Moniri & Hassani 2025"
#: ψ - 1, the log-scaled parameter for an over-parameterised student (ψ = 1 + t)
T = sp.Symbol("psi_minus_1", positive=True)
#: λ_T/λ*, the teacher's penalty relative to the optimal one
F = sp.Symbol("lamT_over_lamstar", positive=True)
EPS = sp.Rational(2, 100)  # sharpness: the statement made 2 % too strong


def _evaluated(name):
    """The stable expression of ``ridge.theory``'s Formula *name*, read when the claim runs: the
    certified expression is the one the evaluators use (a mutation planted in that Formula, see
    ``w2s-check --mutants``, is certified too)."""
    from . import theory as TH
    return getattr(TH, name).expr.doit()


def _lam(quick):
    return Param("lam_S", "1e-12" if not quick else "1e-6", "1e6" if not quick else "1e3", "log")


def _t(quick):
    return Param("psi_minus_1", "1e-6" if not quick else "1e-3", 999 if not quick else 99, "log")


@certified_claim(
    id="ridge.g-above-1-certified",
    title="g_ψ(λ_S) > 1 for every ψ ∈ [1 + 1e-6, 1e3], λ_S ∈ [1e-12, 1e6] (certified on boxes)",
    source=f"{SRC}, Thm 5 (g > 1 for ψ > 1: the student can win whenever h ≤ 1)",
    domain="psi - 1 in [1e-6, 999], lam_S in [1e-12, 1e6] (quick: [1e-3, 99] x [1e-6, 1e3])")
def _g_above_1(ctx: Context):
    params = (_t(ctx.quick), _lam(ctx.quick))
    g_over = _evaluated("_g").subs(S.psi, 1 + T)     # the ψ ≥ 1 branch is selected symbolically
    return [Statement(
        "g>1", g_over - 1, ">0", params,
        perturbed=Statement("g>1.02", g_over - (1 + EPS), ">0", params),
        perturbation="g > 1.02: false as λ_S → ∞, where g → 1")]


@certified_claim(
    id="ridge.g-below-2-certified",
    title="g_ψ(λ_S) < 2 for every ψ ∈ [1e-3, 1 − 1e-6], λ_S ∈ [1e-12, 1e6] (certified on boxes)",
    source=f"{SRC}, Thm 5 (c_max = 2 for ψ < 1)",
    domain="psi in [1e-3, 1 - 1e-6], lam_S in [1e-12, 1e6] (quick: psi in [1e-2, 0.999], lam_S in [1e-6, 1e3])")
def _g_below_2(ctx: Context):
    psi = Param("psi", "1e-3" if not ctx.quick else "1e-2",
                1 - sp.Rational(1, 10**6) if not ctx.quick else "0.999", "log")
    params = (psi, _lam(ctx.quick))
    g = _evaluated("_g")
    return [Statement(
        "g<2", g - 2, "<0", params,
        perturbed=Statement("g<1.96", g - 2 * (1 - EPS), "<0", params),
        perturbation="g < 2·0.98: false as λ_S → 0, where g → 2")]


# ------------------------------------------------------------------ Thm 5: sign of E_S − E_T
#: Settings (φ, ψ, λ_T, σ², r²): three over-parameterised students (band case) at φ = σ² = r² = 1,
#: one with φ = 1/2, σ² = 2, and an under-parameterised student (ψ = 1/2).
THM5_POINTS = (("1", "3/2", "1/5", "1", "1"), ("1", "2", "1/5", "1", "1"), ("1", "3", "1/5", "1", "1"),
               ("1/2", "2", "1/5", "2", "1"), ("1", "1/2", "1/5", "1", "1"))
#: relative neighbourhood of the computed endpoints that is cut out (E_S − E_T = 0 there)
DELTA_THM5 = sp.Rational(1, 1000)


def _endpoints(point):
    """The package's win region at 50 digits, as rationals within 1e-40 relative of λ±."""
    import mpmath

    from . import theory as TH
    with mpmath.workdps(50):
        w = TH.student_win_region(*[mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in point])
        ends = [e for e in (w.lower, w.upper) if 0 < e < mpmath.inf]
        return w.case, [sp.Rational(mpmath.nstr(e, 45)) for e in ends]


def _thm5_statements(point, quick):
    syms = (S.phi, S.psi, S.lam_T, S.sigma2, S.r2)
    gap = _evaluated("_gap").subs({k: sp.Rational(v) for k, v in zip(syms, point)})   # exact rationals
    case, ends = _endpoints(point)
    d, e2 = DELTA_THM5, EPS
    far_lo, far_hi = (sp.Rational(1, 10**6), 10**6) if not quick else (sp.Rational(1, 10**3), 10**3)

    def st(label, lo, hi, rel, plo, phi_, what):
        par = (Param("lam_S", lo, hi, "log"),)
        ppar = (Param("lam_S", plo, phi_, "log"),)
        label = f"{label} at (φ, ψ, λ_T, σ², r²) = ({', '.join(point)})"
        return Statement(label, gap, rel, par,
                         excluded=f"relative {d} neighbourhoods of the computed endpoints",
                         perturbed=Statement(label + " (moved 2 %)", gap, rel, ppar),
                         perturbation=what)

    out = []
    if case == "band":
        lm, lp = ends
        mid = sp.Rational(mpmath_sqrt_str(lm * lp))
        out += [st("E_S>E_T below λ₋", lm * far_lo, lm * (1 - d), ">0", lm * far_lo, lm * (1 + e2),
                   "loss claimed up to 1.02 λ₋"),
                st("E_S<E_T on (λ₋, √(λ₋λ₊))", lm * (1 + d), mid, "<0", lm * (1 - e2), mid,
                   "win claimed from 0.98 λ₋"),
                st("E_S<E_T on (√(λ₋λ₊), λ₊)", mid, lp * (1 - d), "<0", mid, lp * (1 + e2),
                   "win claimed up to 1.02 λ₊"),
                st("E_S>E_T above λ₊", lp * (1 + d), lp * far_hi, ">0", lp * (1 - e2), lp * far_hi,
                   "loss claimed from 0.98 λ₊")]
    elif case == "below":
        (lp,) = ends
        out += [st("E_S<E_T below λ₊", lp * far_lo, lp * (1 - d), "<0", lp * far_lo, lp * (1 + e2),
                   "win claimed up to 1.02 λ₊"),
                st("E_S>E_T above λ₊", lp * (1 + d), lp * far_hi, ">0", lp * (1 - e2), lp * far_hi,
                   "loss claimed from 0.98 λ₊")]
    else:  # pragma: no cover - THM5_POINTS are chosen with a finite win region
        raise AssertionError(f"unexpected win-region case {case!r} at {point}")
    return out


def mpmath_sqrt_str(x):
    """A 30-digit decimal near √x (any rational split point serves)."""
    import mpmath
    with mpmath.workdps(40):
        return mpmath.nstr(mpmath.sqrt(mpmath.mpf(x.p) / x.q), 30)


@certified_claim(
    id="ridge.thm5-signs-certified",
    title="Thm 5 win region, certified: E_S − E_T has the predicted sign on all λ_S ∈ [1e-6 λ₋, 1e6 λ₊] "
          "outside relative 1e-3 neighbourhoods of the computed endpoints (ψ > 1: the student loses "
          "again above λ₊)",
    source=f"{SRC}, Thm 5 (ψ > 1) vs the text after it",
    domain="(phi, psi, lam_T, sigma2, r2) in {(1,3/2,1/5,1,1), (1,2,1/5,1,1), (1,3,1/5,1,1), "
           "(1/2,2,1/5,2,1), (1,1/2,1/5,1,1)} (exact points); lam_S boxes; quick: first two points, "
           "lam_S in [1e-3 λ₋, 1e3 λ₊]")
def _thm5_signs(ctx: Context):
    pts = THM5_POINTS[:2] if ctx.quick else THM5_POINTS
    return [s for p in pts for s in _thm5_statements(p, ctx.quick)]


# ------------------------------------------------------------------ rewritten forms (u = m(−λ))
def _residuals_zero(res: dict, what: str):
    bad = {k: v for k, v in res.items() if v != 0}
    if bad:
        raise AssertionError(f"{what}: SymPy identity failed: {bad}")


def _side_condition(name, expr, relation, params):
    """A certified side condition (u-range covering a λ-range); raises unless proved."""
    from proofs_check.certify import engine
    res = engine.certify(Statement(name, expr, relation, params))
    if res.status != "proved":
        raise AssertionError(f"side condition {name} is {res.status}")
    return len(res.boxes)


def _u_range_conditions(t_param, gamma, u_lo, u_hi, lam_lo, lam_hi):
    """λ(γ, u_lo) ≥ lam_hi and λ(γ, u_hi) ≤ lam_lo on the whole γ-range: since λ(u) is
    decreasing (checked symbolically), u ∈ [u_lo, u_hi] covers λ ∈ [lam_lo, lam_hi]."""
    n1 = _side_condition("u_lo", CF.lam_of_u(gamma, sp.Rational(u_lo)) - sp.Rational(lam_hi), ">=0",
                         (t_param,))
    n2 = _side_condition("u_hi", sp.Rational(lam_lo) - CF.lam_of_u(gamma, sp.Rational(u_hi)), ">=0",
                         (t_param,))
    return n1 + n2


@certified_claim(
    id="ridge.g-below-cmax-certified",
    title="g_ψ(λ_S) ≤ c_max(ψ) = (3 − √(1 − 1/ψ))/2 for every ψ ∈ [1 + 1e-6, 1e3], λ_S ∈ [1e-12, 1e6] "
          "(certified in u = m_ψ(−λ_S), where c_max − g is a square times a positive factor)",
    source=f"{SRC}, Thm 5 (sup of g for ψ > 1)",
    domain="psi - 1 in [1e-6, 999], u = m_psi(-lam_S) in [1e-7, 1e13] (certified to contain the image "
           "of lam_S in [1e-12, 1e6]); quick: psi - 1 in [1e-3, 99], u in [1e-4, 1e7] (lam_S in [1e-6, 1e3])")
def _g_below_cmax(ctx: Context):
    _residuals_zero(CF.check_cmax_form(), "c_max - g in u")
    tp = _t(ctx.quick)
    u_lo, u_hi = ("1e-7", "1e13") if not ctx.quick else ("1e-4", "1e7")
    lam = _lam(ctx.quick)
    nside = _u_range_conditions(tp, 1 + T, u_lo, u_hi, lam.lo, lam.hi)
    params = (tp, Param("u", u_lo, u_hi, "log"))
    g_minus_1 = _evaluated("_g").subs(S.psi, 1 + T) - 1   # the ψ ≥ 1 branch, symbolically
    excess = S.c_max_over.subs(S.psi, 1 + T) - 1
    return [Statement(
        f"c_max−g ≥ 0 as (√(ψ(ψ−1))u − 1)²/(2ψ(1+√(1−1/ψ))D(u)) [SymPy identity checked; u-range "
        f"certified on {nside} boxes]",
        CF.cmax_minus_g_in_u(), ">=0", params,
        excluded="nothing (equality at u* = 1/√(ψ(ψ−1)) is carried by the square)",
        perturbed=Statement("g−1 ≤ 0.98(c_max−1)", (1 - EPS) * excess - g_minus_1, ">=0",
                            (tp, lam)),
        perturbation="g − 1 ≤ 0.98 (c_max − 1) in (ψ − 1, λ_S), the package's stable g")]


@certified_claim(
    id="ridge.h-below-2-iff-certified",
    title="h < 2 ⟺ λ_T < λ* = φσ²/r² for every φ ∈ [1e-3, 1e3], λ_T ∈ [1e-12, 1e6], σ² ≥ 0, r² > 0: "
          "2 − h = 2 v_φ r² (λ* − λ_T)/K (SymPy), with τ2_φ > 0, v_φ > 0 certified (so K > 0)",
    source=f"{SRC}, Thm 5 (h < 2 iff the teacher is under-regularised)",
    domain="phi in [1e-3, 1]: (phi, lam_T) boxes; phi - 1 in [0, 999]: (phi - 1, u_T = m_phi(-lam_T)) "
           "boxes, u_T in [1e-7, 1e13] certified to contain the image of lam_T in [1e-12, 1e6]; "
           "sigma2, r2 enter only through the checked identity (no box needed); quick = full")
def _h_below_2(ctx: Context):
    _residuals_zero(CF.check_h_form(), "2 - h in u_T")
    _residuals_zero(CF.check_positive_coefficients(), "positive-coefficient forms")
    tt = Param("phi_minus_1", 0, 999)
    nside = _u_range_conditions(tt, 1 + CF.T_T, "1e-7", "1e13", "1e-12", "1e6")
    lamT = Param("lam_T", "1e-12", "1e6", "log")
    under = (Param("phi", "1e-3", 1, "log"), lamT)
    over = (tt, Param("u_T", "1e-7", "1e13", "log"))
    two_minus_h = S.STABLE["two_minus_h"].doit().subs({S.sigma2: S.lam_T / (F * S.phi), S.r2: 1})
    pu = (Param("phi", "1e-3", 1, "log"), lamT, Param("lamT_over_lamstar", "1e-6", 1 + EPS, "log"))
    po = (Param("phi", 1, 1000, "log"), lamT, Param("lamT_over_lamstar", 1 - EPS, 10**6, "log"))
    return [
        Statement("min(τ2_φ, v_φ) > 0, φ ≤ 1 (stable forms; 1 − φ + λ_T > 0 selects one branch)",
                  CF.teacher_positivity_under(), ">0", under, methods=("direct",),
                  perturbed=Statement("2 − h > 0 up to λ_T = 1.02 λ*", two_minus_h, ">0", pu,
                                      methods=("direct",)),
                  perturbation="h < 2 claimed for λ_T ≤ 1.02 λ* (φ ≤ 1), the package's stable 2 − h"),
        Statement(f"min(τ2_φ, v_φ) > 0, φ ≥ 1 (rational in (φ − 1, u_T); u-range certified on "
                  f"{nside} boxes)", CF.teacher_positivity_over(), ">0", over, methods=("direct",),
                  perturbed=Statement("2 − h < 0 from λ_T = 0.98 λ*", two_minus_h, "<0", po,
                                      methods=("direct",)),
                  perturbation="h > 2 claimed for λ_T ≥ 0.98 λ* (φ ≥ 1), the package's stable 2 − h")]


#: relative neighbourhood (in λ_S) of the endpoints cut out by the box version of Thm 5, and the
#: u-neighbourhood that implies it (|d log λ_S/d log u| < 2, checked symbolically)
DELTA_BOX = sp.Rational(1, 1000)
DELTA_U = DELTA_BOX / 3
R_RANGE = (1 + sp.Rational(1, 1000), 10**8)
#: a refutation needs no tightening: the search only has to reach a violating box centre
DIRECT = ("direct",)


@certified_claim(
    id="ridge.thm5-boxes-certified",
    title="Thm 5 on whole parameter boxes, outside relative δ = 1e-3 neighbourhoods of the endpoints: "
          "ψ > 1 and 1 < h < c_max(ψ) (endpoint root ratio R ∈ [1.001, 1e8]): E_S > E_T for "
          "λ_S ≤ (1 − δ)λ₋ and λ_S ≥ (1 + δ)λ₊, E_S < E_T on [(1 + δ)λ₋, (1 − δ)λ₊]; "
          "ψ ∈ [1e-3, 1 − 1e-6] and 1 < h < 2 (ρ_e ∈ [1e-8, 1e8]): E_S < E_T for λ_S ≤ (1 − δ)λ₊, "
          "E_S > E_T for λ_S ≥ (1 + δ)λ₊ (reduced by checked SymPy algebra to sign statements in "
          "(level, position) coordinates; K > 0 from ridge.h-below-2-iff-certified)",
    source=f"{SRC}, Thm 5 (and, for ψ > 1, the text after it)",
    domain="psi > 1: every psi (the reduced form does not depend on psi); h = c(psi, R) = 1 + 1/(2 psi + "
           "(R + 1/R) sqrt(psi(psi-1))), R in [1.001, 1e8] log (R^2 = ratio of the endpoint roots in "
           "u = m_psi(-lam_S)); positions: u/u(lam_-) in [1 + 1/3000, 1e12], u/u(lam_+) in "
           "[1e-12, 1 - 1/3000], band z in [0, 1]; lam_S therefore covers [1e-12 lam_-, (1 - 1e-3) lam_-], "
           "[(1 + 1e-3) lam_-, (1 - 1e-3) lam_+], [(1 + 1e-3) lam_+, 1e12 lam_+]. psi < 1: 1 - psi in "
           "[1e-6, 0.999] log, h = 1 + y_e/(1 - psi + psi y_e (2 - y_e)), y_e = rho_e/(1 + rho_e), rho_e in "
           "[1e-8, 1e8] log; position rho/rho_e in [1e-12, 1 - 1/3000] and [1 + 1/3000, 1e12] with "
           "rho = y/(1 - y), y = (1 - psi) u; lam_S covers [1e-12 lam_+, (1 - 1e-3) lam_+] and "
           "[(1 + 1e-3) lam_+, 1e12 lam_+]; quick: R in [1.001, 1e4], rho_e in [1e-4, 1e4], 1 - psi in [1e-3, 0.999]")
def _thm5_boxes(ctx: Context):
    _residuals_zero(CF.check_thm5_reduction(), "Thm 5 reduction")
    du, d = DELTA_U, DELTA_BOX
    _residuals_zero(CF.check_side_forms(du), "side forms")
    if not ((1 + du) ** -2 >= 1 - d and (1 - du) ** -2 <= 1 + d and R_RANGE[0] ** 2 * (1 - du) > 1 + du):
        raise AssertionError("delta_u does not imply the stated relative delta in lam_S")
    rp = Param("R", R_RANGE[0], R_RANGE[1] if not ctx.quick else 10**4, "log")
    forms = CF.side_forms(du)
    pforms = CF.side_forms(-EPS)          # the band widened by 2 % (in u) at both ends
    far = 10**12
    xb = Param("x", 1 + du, far, "log")
    xa = Param("x", sp.Rational(1, far), 1 - du, "log")
    zz = Param("z", 0, 1)
    excl = f"relative {d} neighbourhoods (in λ_S) of λ₋ and λ₊, where E_S = E_T"
    # perturbed statements: the package's endpoint quadratic Q(ψ, c, u) (sign of E_S − E_T),
    # unfactored, at c = c(ψ, R) and u = w/√(ψ(ψ−1)), over (ψ − 1, R, position) boxes
    psi = 1 + T
    q = sp.sqrt(psi * T)
    tp = _t(ctx.quick)

    def orig(w):
        return S.endpoint_quadratic.subs({S.psi: psi, S.c: CF.root_level(), S.u: w / q})

    return [
        Statement("E_S>E_T below λ₋: (w−1/R)(w−R) > 0, w = R x", forms["below"][0], ">0", (rp, xb),
                  excluded=excl,
                  perturbed=Statement("loss claimed up to u = 0.98 u(λ₋)", orig(forms["below"][1]),
                                      ">0", (tp, rp, Param("x", 1 - EPS, far, "log")), methods=DIRECT),
                  perturbation="loss (Q > 0) claimed from 0.98 u(λ₋), i.e. beyond λ₋, with the "
                               "package's quadratic Q"),
        Statement("E_S<E_T in the band: (w−1/R)(w−R) < 0", forms["band"][0], "<0", (zz, rp),
                  excluded=excl, methods=("direct",),   # split z first: two boxes
                  perturbed=Statement("win claimed on the band widened 2 % in u",
                                      orig(pforms["band"][1]), "<0", (tp, rp, zz), methods=DIRECT),
                  perturbation="win (Q < 0) claimed from 0.98 u(λ₊) to 1.02 u(λ₋), the package's Q"),
        Statement("E_S>E_T above λ₊: (w−1/R)(w−R) > 0, w = x/R", forms["above"][0], ">0", (rp, xa),
                  excluded=excl,
                  perturbed=Statement("loss claimed from u = 1.02 u(λ₊)", orig(forms["above"][1]), ">0",
                                      (tp, rp, Param("x", sp.Rational(1, far), 1 + EPS, "log")), methods=DIRECT),
                  perturbation="loss (Q > 0) claimed up to 1.02 u(λ₊), i.e. below λ₊, the package's Q"),
    ] + _thm5_under(ctx, excl)


def _thm5_under(ctx, excl):
    """ψ < 1: win on (0, λ₊), loss above; positions ρ/ρ_e, ρ = y/(1 − y), y = (1 − ψ)u."""
    _residuals_zero(CF.check_thm5_under(), "Thm 5 reduction (psi < 1)")
    du, far = DELTA_U, 10**12
    om = Param("one_minus_psi", sp.Rational(1, 10**6) if not ctx.quick else sp.Rational(1, 10**3),
               sp.Rational(999, 1000), "log")
    re = Param("rho_e", sp.Rational(1, 10**8), 10**8, "log") if not ctx.quick else \
        Param("rho_e", sp.Rational(1, 10**4), 10**4, "log")
    F_ = CF.under_sign_form()
    psi = 1 - CF.OMEGA
    rx = CF.RHO_E * CF.X
    Q = S.endpoint_quadratic.subs({S.psi: psi, S.c: CF.under_level(), S.u: rx / (1 + rx) / CF.OMEGA})
    excl1 = f"relative {DELTA_BOX} neighbourhood (in λ_S) of λ₊, where E_S = E_T"
    return [
        Statement("ψ<1: E_S<E_T below λ₊: (1 − x)P < 0, ρ = ρ_e x", F_, "<0",
                  (om, re, Param("x", 1 + du, far, "log")), excluded=excl1,
                  perturbed=Statement("win claimed from ρ = 0.98 ρ_e", Q, "<0",
                                      (om, re, Param("x", 1 - EPS, far, "log")), methods=DIRECT),
                  perturbation="win (Q < 0) claimed from 0.98 ρ(λ₊), i.e. above λ₊, the package's Q"),
        Statement("ψ<1: E_S>E_T above λ₊: (1 − x)P > 0", F_, ">0",
                  (om, re, Param("x", sp.Rational(1, far), 1 - du, "log")), excluded=excl1,
                  perturbed=Statement("loss claimed up to ρ = 1.02 ρ_e", Q, ">0",
                                      (om, re, Param("x", sp.Rational(1, far), 1 + EPS, "log")), methods=DIRECT),
                  perturbation="loss (Q > 0) claimed up to 1.02 ρ(λ₊), i.e. below λ₊, the package's Q")]
