"""Certified claims for §2.1 (Moniri & Hassani 2025): Arb enclosures over whole boxes.

Each statement is ``expression relation 0`` over a box of named parameters, proved by
branch-and-bound (:mod:`proofs_check.certify`); the expressions are the package's SymPy
stable forms (:mod:`w2s_theory.ridge.symbolic`), never retyped, read from the Formulas of
:mod:`w2s_theory.ridge.theory` when the claim runs.  Each also carries a
statement made 2 % too strong, which must be *refuted* at a verified point (sharpness).
See docs/certified.rst.
"""
from __future__ import annotations

import sympy as sp

from proofs_check import Context
from proofs_check.certify import Statement, certified_claim
from proofs_check.certify.spec import Param

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
