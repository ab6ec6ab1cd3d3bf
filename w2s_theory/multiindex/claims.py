"""Registered claims for §3 of Moniri & Hassani (2025) (``python -m proofs_check 'multiindex.*'``)."""
from __future__ import annotations

import mpmath
import sympy as sp

from proofs_check import Context, Outcome, claim

from . import hermite as H

SRC = "Moniri & Hassani 2025"
z = H.Z


# --------------------------------------------------------------------------- Hermite facts

@claim(id="multiindex.hermite-orthonormal",
       title="h_k = He_k/sqrt(k!) are orthonormal in L2(N(0,1)): E[h_j h_k] = delta_jk (exact)",
       source=f"{SRC}, App. A.1", method="symbolic", domain="0 <= j <= k <= 12 (quick 8)")
def _orthonormal(ctx: Context) -> Outcome:
    K = 8 if ctx.quick else 12
    worst, pts = sp.S.Zero, 0
    for j in range(K + 1):
        for k in range(j, K + 1):
            err = sp.Abs(H.gaussian_expectation(H.hermite_poly(j) * H.hermite_poly(k))
                         - (1 if j == k else 0))
            worst = max(worst, sp.simplify(err))
            pts += 1
    return Outcome(pts, float(worst), worst == 0, f"exact Gaussian moments, orders <= {K}")


@claim(id="multiindex.relu-expansion",
       title="ReLU: c0 = 1/sqrt(2pi), c1 = 1/2, c_odd>=3 = 0, c_2m = (-1)^(m+1)(2m-3)!!/sqrt(2pi(2m)!); "
             "Parseval sum c_k^2 -> E ReLU^2 = 1/2",
       source="standard (Stein's lemma); used for sigma in Moniri & Hassani 2025 §3",
       method="symbolic", domain="k <= 16 (quick 10)")
def _relu(ctx: Context) -> Outcome:
    K = 10 if ctx.quick else 16
    relu = sp.Max(z, 0)
    errs = [sp.simplify(H.hermite_coefficient(relu, k) - H.relu_hermite_coefficient(k))
            for k in range(K + 1)]
    worst = max(abs(float(e)) for e in errs)
    # Parseval: partial sums increase to 1/2; the tail after K must be small and positive.
    tail = sp.Rational(1, 2) - sum(H.relu_hermite_coefficient(k) ** 2 for k in range(K + 1))
    ok = all(e == 0 for e in errs) and 0 < float(tail) < 0.01
    return Outcome(K + 1, worst, ok, f"exact integration vs distributional closed form; "
                   f"Parseval tail after k={K}: {float(tail):.2e}")


def _erf_closed(a, k):
    """c_k(erf(a z)) for k in {0,..,5}: odd function -> even k vanish; Stein for odd k.

    E[erf'(az)] = (2a/sqrt(pi)) E exp(-a^2 z^2) = 2a/sqrt(pi (1+2a^2)) and
    E[d^2/dz^2 exp(-a^2z^2)] = E[exp(-a^2 z^2) He_2] = -2a^2/(1+2a^2)^(3/2), etc.
    """
    s = 1 + 2 * a * a
    pref = 2 * a / mpmath.sqrt(mpmath.pi)
    if k % 2 == 0:
        return mpmath.mpf(0)
    if k == 1:
        return pref / mpmath.sqrt(s)
    if k == 3:
        return pref * (-2 * a * a) / s ** 1.5 / mpmath.sqrt(6)
    if k == 5:
        # E[exp(-a^2 z^2) He_4(z)] = 3 (1/s - 1)^2 / sqrt(s) = 12 a^4 / s^(5/2)
        return pref * 12 * a ** 4 / s ** 2.5 / mpmath.sqrt(120)
    raise ValueError(k)


@claim(id="multiindex.tanh-erf-expansion",
       title="Quadrature Hermite coefficients of erf(az) match closed forms and those of tanh match "
             "Stein's identity c_k = E[tanh^(k)(z)]/sqrt(k!) (a different integrand)",
       source="standard; activations of Moniri & Hassani 2025 §3", method="high-precision",
       domain="erf: a in {1/2, 1, 3}, k <= 5; tanh: k <= 6; 30 digits "
              "(quick: a = 3, tanh k <= 3, 20 digits)")
def _tanh_erf(ctx: Context) -> Outcome:
    worst, pts = mpmath.mpf(0), 0
    dps = 20 if ctx.quick else 30
    tol = mpmath.mpf(10) ** (5 - dps)  # quadrature keeps ~dps digits; 5 spare for rounding
    avals = (3,) if ctx.quick else (sp.Rational(1, 2), 1, 3)
    with mpmath.workdps(dps):
        for a in avals:
            for k in range(6):
                got = H.hermite_coefficient(sp.erf(a * z), k, dps=dps)
                worst = max(worst, abs(got - _erf_closed(mpmath.mpf(sp.N(a, dps)), k)))
                pts += 1
        K = 3 if ctx.quick else 6
        for k in range(K + 1):
            got = H.hermite_coefficient(sp.tanh(z), k, dps=dps)
            deriv = sp.lambdify(z, sp.diff(sp.tanh(z), z, k), modules="mpmath")
            ref = mpmath.quad(lambda t: deriv(t) * mpmath.npdf(t), [-mpmath.inf, 0, mpmath.inf]) \
                / mpmath.sqrt(mpmath.factorial(k))
            worst = max(worst, abs(got - ref))
            pts += 1
    return Outcome(pts, float(worst), worst < tol,
                   f"{dps}-digit quadrature vs closed form / Stein identity; tolerance {float(tol):.0e}")


#: (link, expected information exponent, why) -- expectations from parity and degree arguments,
#: not from the code under test.
INFO_TABLE = [
    (z + (z**2 - 1) / sp.sqrt(2), 1, "He1 + He2"),
    (z**2 - 1, 2, "He2"),
    (z**3 - 3 * z, 3, "He3"),
    (z**4 - 6 * z**2 + 3, 4, "He4"),
    (z**3, 1, "z^3 = He3 + 3 He1"),
    (sp.Abs(z) - sp.sqrt(2 / sp.pi), 2, "even, not constant: c1 = 0, c2 = 2/sqrt(2pi)/sqrt(2)"),
    (sp.Max(z, 0), 1, "ReLU: c1 = 1/2"),
    (sp.tanh(z), 1, "c1 = E sech^2 > 0"),
    (sp.cos(z), 2, "even; c2 = -E cos(z)/sqrt2 = -exp(-1/2)/sqrt2"),
    (z * sp.exp(-z**2), 1, "c1 = E[(1-2z^2)exp(-z^2)] = 3^(-3/2) > 0"),
]


@claim(id="multiindex.information-exponents",
       title="Information exponents of common links: He1+He2 -> 1, He2 -> 2, He3 -> 3, He4 -> 4, "
             "|z|-sqrt(2/pi) -> 2, ReLU/tanh -> 1, cos -> 2",
       source=f"{SRC}, §3 (definition, Assumption 9)", method="symbolic",
       domain=f"{len(INFO_TABLE)} links; exact for polynomial/piecewise, 30-digit quadrature otherwise")
def _info(ctx: Context) -> Outcome:
    bad = []
    for f, k, why in INFO_TABLE:
        got = H.information_exponent(f, kmax=6, dps=30)
        if got != k:
            bad.append(f"{f}: got {got}, expected {k} ({why})")
    return Outcome(len(INFO_TABLE), len(bad), not bad, "; ".join(bad) or "all as expected")
