"""Claims on the wedge integrals J_{a,b} of :mod:`w2s_theory.cosine.ellipticity`.

``cosine.non-elliptical-1-over-d`` checks the whole Edgeworth expansion against exact
cube probabilities, where the second-order J's (J_{0,6}, J_{0,8}, ...) enter only through
an O(1/d²) term: a 5 % error in one of them stays inside its O(1/d³) tolerance.  Here
each J_{a,b} evaluator used by the expansion is compared, one by one, with facts that
do not go through its symbolic derivation.
"""
from __future__ import annotations

import functools

import mpmath

from proofs_check import Context, Outcome, claim

from . import ellipticity as E

#: the J's of the Edgeworth expansion (first order: a + b = 4; second: 6 and 8)
PURE = tuple((0, n) for n in (2, 4, 6, 8)) + tuple((n, 0) for n in (2, 4, 6, 8))
DIAGONAL = tuple((k, k) for k in (1, 2, 3, 4))
TOL = 1e-20
#: the quadrature's own error estimate must stay far below TOL (converged reference)
QUAD_TOL = 1e-3 * TOL


@functools.lru_cache(maxsize=8192)
def _he_gauss_row(c, u, top, prec):
    """([He_k(−c u) for k = 0..top], e^{−u²/2}) at *prec* bits, He_k by the three-term recurrence
    He_{k+1}(z) = z He_k(z) − k He_{k−1}(z).  Cached: the J_{0,n} of one c (n = 2, 4, 6, 8) are
    integrated on the same tanh-sinh nodes, so each node is evaluated once, not once per n."""
    z = -c * u
    row = [mpmath.mpf(1), z]
    for k in range(1, top):
        row.append(z * row[k] - k * row[k - 1])
    return tuple(row[:top + 1]), mpmath.exp(-u * u / 2)


def pure_by_quadrature(a: int, b: int, c, error=False):
    """J_{a,b}(c) for a pure derivative (a = 0 or b = 0), by quadrature of the density.

    J_{0,n} = ∫_{y₁y₂<0} ∂₂ⁿφ_c dy: integrating ∂₂ⁿ in y₂ over each half-line leaves
    ±∂₂ⁿ⁻¹φ_c(y₁, 0); the two quadrants are equal (φ_c(−y) = φ_c(y), n − 1 odd), so
    J_{0,n} = 2 ∫₀^∞ ∂₂ⁿ⁻¹φ_c(y₁, 0) dy₁; J_{n,0} = J_{0,n} by the symmetry of φ_c in (y₁, y₂).
    Given y₁, y₂ ~ N(c y₁, s²), s² = 1 − c², and the m-th derivative of a normal density is
    (−1)^m s^{−m} He_m(z) times it, z = (y₂ − c y₁)/s; at y₂ = 0, with y₁ = s u,
    φ(y₁)φ(z)/s dy₁ = e^{−u²/2}/(2π) du, so

        J_{0,n} = 2 (−1)^m/(2π s^m) ∫₀^∞ He_m(−c u) e^{−u²/2} du,   m = n − 1,

    by tanh-sinh quadrature (``mpmath.quad``, degree raised until two successive degrees agree to
    the working precision).  With ``error=True`` also returns mpmath's error estimate
    (the difference of the last two degrees), relative to the result.
    """
    m = a + b - 1
    s = mpmath.sqrt(1 - c * c)
    top, prec = max(m, 7), mpmath.mp.prec

    def f(u):
        he, g = _he_gauss_row(c, u, top, prec)
        return he[m] * g

    val, err = mpmath.quad(f, [0, mpmath.inf], error=True)
    out = 2 * (-1) ** m * val / (2 * mpmath.pi * s ** m)
    return (out, err / abs(val)) if error else out


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
    worst, where, pts, qerr = 0.0, "", 0, 0.0
    with mpmath.workdps(30):
        for cc in cs:
            c = mpmath.mpf(cc)
            quad = {}
            for n in sorted({a + b for a, b in PURE}):
                quad[n], e = pure_by_quadrature(0, n, c, error=True)
                qerr = max(qerr, float(e))
            for (a, b), ref in ([(ab, quad[sum(ab)]) for ab in PURE]
                                + [(ab, diagonal_by_plackett(ab[0], c)) for ab in DIAGONAL]):
                got = E._J(a, b)(c)            # the evaluator edgeworth_terms uses
                err = float(abs(got - ref) / max(abs(ref), mpmath.mpf(10) ** -10))
                if err >= worst:
                    worst, where = err, f"J_{a}{b}({cc})"
                pts += 1
    return Outcome(pts, max(worst / TOL, qerr / QUAD_TOL), worst <= TOL and qerr <= QUAD_TOL,
                   f"max relative error of the J evaluators vs quadrature / arccos derivatives at "
                   f"30 digits: {worst:.2g} at {where} (tol {TOL:g}); quadrature error estimate "
                   f"{qerr:.1g} (tol {QUAD_TOL:g}); worst = max(error / tol, estimate / its tol)")
