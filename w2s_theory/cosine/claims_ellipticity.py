"""Claims on the wedge integrals J_{a,b} of :mod:`w2s_theory.cosine.ellipticity`.

``cosine.non-elliptical-1-over-d`` checks the whole Edgeworth expansion against exact
cube probabilities, where the second-order J's (J_{0,6}, J_{0,8}, ...) enter only through
an O(1/d²) term: a 5 % error in one of them stays inside its O(1/d³) tolerance.  Here
each J_{a,b} evaluator used by the expansion is compared, one by one, with facts that
do not go through its symbolic derivation.
"""
from __future__ import annotations

import mpmath

from proofs_check import Context, Outcome, claim

from . import ellipticity as E

#: the J's of the Edgeworth expansion (first order: a + b = 4; second: 6 and 8)
PURE = tuple((0, n) for n in (2, 4, 6, 8)) + tuple((n, 0) for n in (2, 4, 6, 8))
DIAGONAL = tuple((k, k) for k in (1, 2, 3, 4))
TOL = 1e-20


def _d2_density(c, y1, m):
    """∂₂^m φ_c(y₁, 0): given y₁, y₂ ~ N(c y₁, s²), s² = 1 − c², and the m-th derivative of a
    normal density is (−1)^m s^{−m} He_m(z) times it, z = (y₂ − c y₁)/s (He_m(z) = 2^{−m/2}
    H_m(z/√2), mpmath's Hermite H)."""
    s = mpmath.sqrt(1 - c * c)
    z = -c * y1 / s
    he = mpmath.hermite(m, z / mpmath.sqrt(2)) / mpmath.sqrt(2) ** m
    return (mpmath.npdf(y1) * (-1) ** m * he / s ** m * mpmath.npdf(z) / s)


def pure_by_quadrature(a: int, b: int, c):
    """J_{a,b}(c) for a pure derivative (a = 0 or b = 0), by quadrature of the density.

    J_{0,n} = ∫_{y₁y₂<0} ∂₂ⁿφ_c dy: integrating ∂₂ⁿ in y₂ over each half-line leaves
    ±∂₂ⁿ⁻¹φ_c(y₁, 0); the two quadrants are equal (φ_c(−y) = φ_c(y), n − 1 odd), so
    J_{0,n} = 2 ∫₀^∞ ∂₂ⁿ⁻¹φ_c(y₁, 0) dy₁ (``mpmath.quad``); J_{n,0} = J_{0,n} by the
    symmetry of φ_c in (y₁, y₂).
    """
    n = a + b
    return 2 * mpmath.quad(lambda t: _d2_density(c, t, n - 1), [0, 1, 3, mpmath.inf])


def diagonal_by_plackett(k: int, c):
    """J_{k,k}(c) = d^k/dc^k arccos(c)/π (Plackett: ∂φ_c/∂c = ∂₁∂₂φ_c, and the disagreement
    probability ∫_{y₁y₂<0} φ_c = arccos(c)/π)."""
    return mpmath.diff(lambda x: mpmath.acos(x) / mpmath.pi, c, k)


@claim(id="cosine.wedge-integrals",
       title="The wedge integrals J_{a,b}(c) of the Edgeworth expansion equal the quadrature of the "
             "derivatives of the bivariate normal density (pure J_{0,n}, J_{n,0}, n = 2..8) and "
             "d^k/dc^k arccos(c)/π (J_{k,k}, Plackett)",
       source="ours (Edgeworth; ellipticity module); Plackett (1954) identity ∂φ/∂c = ∂₁∂₂φ",
       method="high-precision",
       domain="c in {-0.6, 0.3, 0.8} (quick) / {-0.9, -0.6, -0.2, 0.3, 0.8, 0.95}; 30 digits")
def _wedge(ctx: Context) -> Outcome:
    cs = ("-0.6", "0.3", "0.8") if ctx.quick else ("-0.9", "-0.6", "-0.2", "0.3", "0.8", "0.95")
    worst, where, pts = 0.0, "", 0
    with mpmath.workdps(30):
        for cc in cs:
            c = mpmath.mpf(cc)
            quad = {n: pure_by_quadrature(0, n, c) for n in sorted({a + b for a, b in PURE})}
            for (a, b), ref in ([(ab, quad[sum(ab)]) for ab in PURE]
                                + [(ab, diagonal_by_plackett(ab[0], c)) for ab in DIAGONAL]):
                got = E._J(a, b)(c)            # the evaluator edgeworth_terms uses
                err = float(abs(got - ref) / max(abs(ref), mpmath.mpf(10) ** -10))
                if err >= worst:
                    worst, where = err, f"J_{a}{b}({cc})"
                pts += 1
    return Outcome(pts, worst / TOL, worst <= TOL,
                   f"max relative error of the J evaluators vs quadrature / arccos derivatives at "
                   f"30 digits: {worst:.2g} at {where} (tol {TOL:g}); worst = error / tol")
