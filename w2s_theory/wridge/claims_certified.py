r"""Certified Thm 8 (Moniri & Hassani 2025): Δ ≤ 0 for ω ∈ [0, 1] on the whole parameter box.

Seven parameters are too many for boxes, so the proof is split (docs/certified.rst):

1. **Reduction (SymPy, exact).**  In the moment symbols of :mod:`w2s_theory.wridge.symbolic`,
   Δ = −ρ²r²·U with U = τ1_φ q [b_ψ(2 − τ1_φ q) + 2 W_ψ p_φ] (:data:`~.symbolic.delta_unit`;
   W = λ_S v_ψ).  Substituting τ1_φ = 1/(1+y), p_φ = y/(1+y) (every τ1_φ ∈ (0, 1] with
   p_φ = 1 − τ1_φ is of this form, y = p_φ/τ1_φ ≥ 0) and ω = w/(1+w) (every ω ∈ [0, 1), w ≥ 0)
   turns U into N/D, N and D polynomials in (y, w, τ1_ψ, p_ψ, b_ψ, W_ψ) whose coefficients are all
   positive and which contain the monomials b_ψτ1_ψ² and τ1_ψ².  So U > 0 whenever
   τ1_ψ > 0, b_ψ > 0, p_ψ, W_ψ ≥ 0, and Δ ≤ 0 (Δ = 0 at ω = 1, where q = 0).  The raw
   Sherman–Morrison form 2αst + α²s²m'_ψ is re-checked to equal the signed form.
2. **Atoms (Arb, boxes).**  The MP functionals substituted for the moments are positive:
   τ1 > 0, p > 0, b > 0, W = λv > 0 for every (γ, λ) with γ ∈ [1e-3, 1e3], λ ∈ [1e-12, 1e6]
   (teacher (φ, λ_T) and student (ψ, λ_S) alike), and τ1 + p = 1 identically (SymPy), so
   τ1_φ ∈ (0, 1), p_φ ∈ (0, 1).

The stable form of m (:data:`w2s_theory.rmt.symbolic.STABLE`) switches branch on the curve
a = 1 − γ + λ = 0, which cuts every (γ, λ) box diagonally; on a box straddling it the interval
enclosure of the unused branch blows up.  The atoms are therefore certified in the coordinates
t = γ/(1 + λ), λ, where a = (1 + λ)(1 − t): region A (t ≤ 1, a ≥ 0) uses the branch
2/(a + s), region B (t ≥ 1, a ≤ 0) the branch (s − a)/(2γλ).  Both branches are the same
function (checked: their difference rationalises to 0), so this is the package's expression on
each region.  The (t, λ) box [1e-3/(1 + 1e6), 1e3] × [1e-12, 1e6] contains the image of the
(γ, λ) box.

A direct cross-check certifies the package's Δ itself (no reduction) on a smaller box of
(φ, ψ, λ_T, λ_S, ω) and refutes it for ω up to 1.02 (Δ > 0 for ω > 1).
"""
from __future__ import annotations

import functools

import sympy as sp

from proofs_check import Context
from proofs_check.certify import Statement, certified_claim
from proofs_check.certify.spec import Param

from ..rmt import symbolic as M
from ..ridge import symbolic as R
from . import symbolic as S

SRC = "Moniri & Hassani 2025"
EPS = sp.Rational(2, 100)            # sharpness: the statement made 2 % too strong
GAMMA_LO, GAMMA_HI = sp.Rational(1, 10**3), sp.Integer(10**3)
LAM_LO, LAM_HI = sp.Rational(1, 10**12), sp.Integer(10**6)
#: t = γ/(1 + λ): the MP branch switch a = 1 − γ + λ = 0 is the line t = 1
t = sp.Symbol("t", positive=True)
lam = M.lam
T_MIN, T_MAX = GAMMA_LO / (1 + LAM_HI), GAMMA_HI
#: region name -> (index of the Piecewise branch of m used there, t-range)
REGIONS = {"t<=1": (0, (T_MIN, sp.Integer(1))), "t>=1": (1, (sp.Integer(1), T_MAX))}
#: atom -> (the moment symbols it instantiates, its supremum over γ, λ > 0 (scale of the
#: perturbation)).  τ1, p, b ≤ 1 are MP averages of functions bounded by 1;
#: W = λ∫x/(x+λ)²dμ ≤ 1/4 since λx ≤ (x + λ)²/4.
ATOMS = {"tau1": ((S.T["tau1"], S.S["tau1"]), sp.Integer(1)),
         "p": ((S.T["p"], S.S["p"]), sp.Integer(1)),
         "b": ((S.S["b"],), sp.Integer(1)),
         "W": ((S.S["W"],), sp.Rational(1, 4))}
_NAMES = {"tau1": "τ1", "p": "p", "b": "b", "W": "λv"}


def generic(moment):
    """The package's instantiation of a moment symbol, renamed to the generic MP (γ, λ).

    Teacher moments live in (φ, λ_T), student moments in (ψ, λ_S); both are the MP
    functionals of :mod:`w2s_theory.rmt.symbolic` at (γ, λ) after renaming.
    """
    who = "T" if moment in S.T.values() else "S"
    ren = {S.phi: M.gamma, S.lam_T: lam} if who == "T" else {S.psi: M.gamma, S.lam_S: lam}
    return R.instantiate(moment).xreplace(ren)


def branch(expr, k):
    """Replace every Piecewise of *expr* (each must be the stable m) by its k-th branch."""
    pw = M.STABLE["m"]
    found = expr.atoms(sp.Piecewise)
    if found - {pw}:
        raise ValueError(f"unexpected Piecewise in {expr}")
    return expr.xreplace({pw: pw.args[k].expr})


def in_region(expr, region):
    """*expr* (generic, in γ and λ) on a region, in the coordinates (t, λ), γ = (1 + λ)t."""
    k, _ = REGIONS[region]
    e = branch(expr, k).xreplace({M.shift(M.gamma, lam): (1 + lam) * (1 - t)})
    e = e.xreplace({M.gamma: (1 + lam) * t}).doit()
    if M.gamma in e.free_symbols:
        raise ValueError("γ left after the change of variables")
    return e


@functools.lru_cache(maxsize=None)
def atom(name, region):
    """The certified expression of an atom on a region (cached: built once per process)."""
    return in_region(generic(ATOMS[name][0][0]), region)


def positive_form(omega_max=1):
    """U = −Δ/(ρ²r²) after τ1_φ = 1/(1+y), p_φ = y/(1+y), ω = ω_max·w/(1+w): (N, D) expanded.

    ``omega_max`` > 1 (a domain reaching past ω = 1) must break the positivity (tests).
    """
    y, w = sp.symbols("y w", nonnegative=True)
    u = S.delta_unit.xreplace({S.T["tau1"]: 1 / (1 + y), S.T["p"]: y / (1 + y),
                               S.omega: omega_max * w / (1 + w)})
    n, d = sp.fraction(sp.together(u))
    return sp.expand(n), sp.expand(d)


def all_positive(poly_expr, must_have):
    """Every coefficient > 0 and the monomial *must_have* present (so > 0 at admissible points)."""
    p = sp.Poly(poly_expr, *sorted(poly_expr.free_symbols, key=str))
    terms = dict(zip(p.monoms(), p.coeffs()))
    mono = sp.Poly(must_have, *p.gens).monoms()[0]
    return all(c > 0 for c in terms.values()) and mono in terms


def reduction_checks():
    """The exact steps of the reduction; list of (what, holds).  Every entry must hold."""
    out = []
    # the derivation's raw form 2αst + α²s²m' equals the signed form (rational functions)
    m, mp_, lm, t1 = sp.symbols("m m_prime lambda tau1_phi", positive=True)
    raw = sp.cancel(sp.together(S.raw_delta(m, mp_, lm, t1) - S.delta_in_m(m, mp_, lm, t1)))
    out.append(("raw Sherman–Morrison form 2αst + α²s²m' = signed form", raw == 0))
    out.append(("Δ = −ρ²r²·U", sp.expand(S.delta + S.rho**2 * S.r2 * S.delta_unit) == 0))
    out.append(("Δ = 0 at ω = 1", sp.simplify(S.delta.subs(S.omega, 1)) == 0))
    n, d = positive_form()
    tS, bS = S.S["tau1"], S.S["b"]
    out.append(("U = N/D, N has positive coefficients and the monomial b_ψτ1_ψ²",
                all_positive(n, bS * tS**2)))
    out.append(("D has positive coefficients and the monomial τ1_ψ²", all_positive(d, tS**2)))
    # the two branches of the stable m are one function: (s − a)(s + a) = 4γλ
    pw = M.STABLE["m"]
    b0, b1 = (a.expr.doit() for a in pw.args)
    out.append(("branches of m agree", sp.expand(sp.numer(sp.together(b0 - b1))) == 0))
    # the change of variables: a = 1 − γ + λ = (1 + λ)(1 − t) at γ = (1 + λ)t
    a_t = M.shift(M.gamma, lam).doit().xreplace({M.gamma: (1 + lam) * t})
    out.append(("a = (1 + λ)(1 − t)", sp.expand(a_t - (1 + lam) * (1 - t)) == 0))
    # τ1 + p = 1 on each branch (the MP quadratic), so τ1 < 1 ⟺ p > 0 and p < 1 ⟺ τ1 > 0
    for k in (0, 1):
        e = sp.together(branch(M.STABLE["tau1"] + M.STABLE["p"] - 1, k).doit())
        out.append((f"τ1 + p = 1 on branch {k}", sp.expand(sp.numer(e)) == 0))
    # the certified atoms are exactly the package's instantiated moments
    for name, (moments, _) in ATOMS.items():
        g0 = generic(moments[0])
        same = all(generic(mm) == g0 for mm in moments)
        gen = M.functional({"W": "v"}.get(name, name), M.gamma, lam, stable=True)
        out.append((f"moments {[str(mm) for mm in moments]} instantiate the MP {name}",
                    same and g0 == (lam * gen if name == "W" else gen)))
    return out


def _atom_statements(quick):
    lam_p = Param("lam", LAM_LO, LAM_HI, "log")
    out = []
    for region, (_, (lo, hi)) in REGIONS.items():
        params = (Param("t", lo, hi, "log"), lam_p)
        for name, (_, sup) in ATOMS.items():
            e = atom(name, region)
            label = f"{_NAMES[name]}>0 on {region}"
            out.append(Statement(
                label, e, ">0", params,
                perturbed=Statement(label + f" raised to {EPS}·sup", e - EPS * sup, ">=0", params),
                perturbation=f"{_NAMES[name]} ≥ 2 % of its supremum {sup}"))
    return out


@certified_claim(
    id="wridge.delta-nonpositive-certified",
    title="Thm 8, certified: Δ ≤ 0 for every φ, ψ ∈ [1e-3, 1e3], λ_T, λ_S ∈ [1e-12, 1e6], σ² ≥ 0, "
          "r² ≥ 0, ρ ∈ [−1, 1], ω ∈ [0, 1]: exact SymPy reduction (Δ = −ρ²r²·N/D, N, D with positive "
          "coefficients in the MP moments) + Arb-certified signs τ1, p, b, λv > 0 of every moment on "
          "the whole (γ, λ) box",
    source=f"{SRC}, Thm 8 ('Δ is always non-positive')",
    domain="moments on (t, lam) = (gamma/(1+lam), lam) in [1e-3/(1+1e6), 1] and [1, 1e3] x [1e-12, 1e6] "
           "(contains gamma in [1e-3, 1e3]); same domain in quick mode; nothing excluded")
def _delta_nonpositive(ctx: Context):
    bad = [what for what, ok in reduction_checks() if not ok]
    if bad:
        raise AssertionError("reduction step(s) failed: " + "; ".join(bad))
    return _atom_statements(ctx.quick)


# ------------------------------------------------------------------ direct cross-check on a box
#: Δ with ρ = r² = 1 (Δ is ρ²r² times a function of the rest): the package's stable form
DELTA_FIXED = S.STABLE["delta"].doit().xreplace({S.rho: 1, S.r2: 1})


def box_params(quick, omega_hi=1):
    """The cross-check's box (φ, ψ, λ_T, λ_S, ω); ``omega_hi`` = 1.02 for the perturbed statement."""
    lam_hi = 4 if quick else 16
    return (Param("phi", sp.Rational(1, 2), 2, "log"), Param("psi", sp.Rational(1, 2), 2, "log"),
            Param("lam_T", 1, lam_hi, "log"), Param("lam_S", 1, lam_hi, "log"),
            Param("omega", 0, omega_hi))


@certified_claim(
    id="wridge.delta-nonpositive-box-certified",
    title="Thm 8 cross-check: the package's Δ (ρ = r² = 1) is ≤ 0 on the whole box φ, ψ ∈ [1/2, 2], "
          "λ_T, λ_S ∈ [1, 16], ω ∈ [0, 1] (certified on boxes, no reduction); false for ω up to 1.02",
    source=f"{SRC}, Thm 8",
    domain="phi, psi in [1/2, 2], lam_T, lam_S in [1, 16] (quick: [1, 4]), omega in [0, 1]; rho = r2 = 1 "
           "(sigma2 does not enter)")
def _delta_box(ctx: Context):
    params = box_params(ctx.quick)
    wide = box_params(ctx.quick, 1 + EPS)
    # direct enclosures only: the gradient tightenings never decide a box here (measured: same
    # boxes, 7x the time)
    # budget: ~3x the 1037 boxes the full domain needs, so that a broken Δ fails in seconds
    return [Statement("Δ<=0", DELTA_FIXED, "<=0", params, methods=("direct",), budget=3000,
                      perturbed=Statement("Δ<=0 for ω up to 1.02", DELTA_FIXED, "<=0", wide,
                                          methods=("direct",), budget=3000),
                      perturbation="ω ∈ [0, 1.02]: Δ > 0 for ω > 1 (κ < 0)")]
