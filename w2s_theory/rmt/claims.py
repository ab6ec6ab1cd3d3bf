"""Registered claims for the Marchenko–Pastur core (see ``w2s-check 'rmt.*'``)."""
from __future__ import annotations

import itertools

import mpmath
import numpy as np
import sympy as sp

from proofs_check import Context, Outcome, claim

from . import marchenko_pastur as MP
from . import symbolic as S

SRC_MP = "Marchenko & Pastur 1967; Bai & Silverstein 2010 (Moniri & Hassani 2025, Def 2)"
GAMMAS = ("0.001", "0.3", "1", "2.5", "1000")
LAMS = ("1e-12", "1e-3", "1", "1e6")


@claim(id="rmt.quadratic-root",
       title="m_γ(-λ) is the positive root of γλm² + (1-γ+λ)m - 1 = 0 (float and 50-digit evaluators)",
       source=SRC_MP, method="high-precision",
       domain="gamma in [1e-3, 1e3] incl. 1, lam in [1e-12, 1e6]")
def _quadratic(ctx: Context) -> Outcome:
    worst_res, worst_float, pts = 0.0, 0.0, 0
    with mpmath.workdps(50):
        for g, l in itertools.product(map(mpmath.mpf, GAMMAS), map(mpmath.mpf, LAMS)):
            m = MP.stieltjes(g, l)
            # residual relative to the size of the terms
            res = abs(g * l * m**2 + (1 - g + l) * m - 1) / (g * l * m**2 + abs(1 - g + l) * m + 1)
            worst_res = max(worst_res, float(res))
            mf = MP.stieltjes(float(g), float(l))
            worst_float = max(worst_float, float(abs(mf - m) / m))
            pts += 1 if m > 0 else 0
    ratio = max(worst_res / 1e-48, worst_float / 1e-14)
    ok = ratio < 1 and pts == len(GAMMAS) * len(LAMS)
    return Outcome(pts, ratio if pts == len(GAMMAS) * len(LAMS) else np.inf, ok,
                   f"quadratic residual {worst_res:.2g} at 50 digits (tol 1e-48); float vs mpmath rel err "
                   f"{worst_float:.2g} (tol 1e-14); m > 0 at all {pts} points; worst = max ratio to tolerance")


@claim(id="rmt.narayana-moments",
       title="The moments of the MP law are the Narayana polynomials Σ γʲ/(j+1)·C(k,j)·C(k-1,j)",
       source="Narayana numbers (OEIS A001263); Bai & Silverstein 2010, Lemma 3.1",
       method="symbolic", domain="k = 0..8, symbolic gamma")
def _narayana(ctx: Context) -> Outcome:
    # m(-λ) = Σ_k (-1)^k E[x^k] / λ^{k+1}: expand the textbook root at λ = ∞.
    K = 6 if ctx.quick else 8
    w = sp.Symbol("w", positive=True)  # w = 1/λ
    ser = sp.series(S.m_root.subs(S.lam, 1 / w), w, 0, K + 2).removeO()
    bad = []
    for k in range(K + 1):
        coeff = sp.expand(ser.coeff(w, k + 1) * (-1) ** k)
        if sp.simplify(coeff - S.narayana_moment(S.gamma, k)) != 0:
            bad.append(k)
    return Outcome(K + 1, float(len(bad)), not bad,
                   f"series coefficients of m at λ=∞ vs Narayana, k=0..{K}; mismatches: {bad}")


def _quad_mp(g, f):
    """∫ f dμ_γ over the continuous part by mpmath quadrature, plus the atom at 0."""
    lo, hi = (1 - mpmath.sqrt(g)) ** 2, (1 + mpmath.sqrt(g)) ** 2
    dens = lambda x: mpmath.sqrt((hi - x) * (x - lo)) / (2 * mpmath.pi * g * x)  # noqa: E731
    # substitute x = lo + (hi-lo) sin²θ to remove the square-root endpoint singularities
    J = lambda t: dens(lo + (hi - lo) * mpmath.sin(t) ** 2) * f(lo + (hi - lo) * mpmath.sin(t) ** 2) \
        * 2 * (hi - lo) * mpmath.sin(t) * mpmath.cos(t)  # noqa: E731
    val = mpmath.quad(J, [0, mpmath.pi / 4, mpmath.pi / 2])
    atom = max(mpmath.mpf(0), 1 - 1 / g)
    return val + (atom * f(mpmath.mpf(0)) if atom else 0)


@claim(id="rmt.density-quadrature",
       title="Integrating the MP density (with its atom) reproduces the moments, m_γ(-λ) and "
             "every derivative ∫(x+λ)^-(k+1) dμ",
       source=SRC_MP, method="high-precision",
       domain="gamma in {0.3, 1.5, 4}, lam in {0.05, 1, 20}, k = 0..4, 30-digit quadrature")
def _density_quad(ctx: Context) -> Outcome:
    worst, pts = 0.0, 0
    orders = range(3) if ctx.quick else range(5)
    with mpmath.workdps(30):
        # quick: γ < 1 and γ > 1 (rmt.evaluators-vs-quadrature covers γ = 1, 1.5 in float64)
        for g in map(mpmath.mpf, ("0.3", "4") if ctx.quick else ("0.3", "1.5", "4")):
            for k in range(5):
                q = _quad_mp(g, lambda x, k=k: x**k)
                exact = S.narayana_moment(sp.Rational(str(g)), k)
                worst = max(worst, float(abs(q - sp.N(exact, 30)) / sp.N(exact, 30)))
                pts += 1
            for l in map(mpmath.mpf, ("0.05", "1", "20")):
                for k in orders:
                    q = _quad_mp(g, lambda x, k=k: (x + l) ** -(k + 1))
                    worst = max(worst, float(abs(MP.stieltjes_derivative(g, l, k) - q) / q))
                    pts += 1
    return Outcome(pts, worst, worst < 1e-20, "relative error vs 30-digit quadrature")


def _trapezoid_mp_law(gamma, f, nodes=512):
    """∫ f dμ_γ over the continuous part: x = c + R cos θ turns the density into the smooth
    periodic integrand R² sin²θ f(x)/(2πγx), on which the midpoint rule converges geometrically."""
    lo, hi = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2
    R = (hi - lo) / 2
    th = (np.arange(nodes) + 0.5) * np.pi / nodes
    x = lo + 2 * R * np.cos(th / 2) ** 2          # = c + R cos θ without cancellation at x → 0
    w = R**2 * np.sin(th) ** 2 / (2 * np.pi * gamma * x) * (np.pi / nodes)
    return np.sum(w * f(x), axis=-1)


#: Integrands of the MP functionals and their atom values f(0) (the atom 1 - 1/γ sits at x = 0).
_INTEGRANDS = {
    "m": (lambda x, l: 1 / (x + l), lambda l: 1 / l),
    "m_prime": (lambda x, l: 1 / (x + l) ** 2, lambda l: 1 / l**2),
    "tau1": (lambda x, l: x / (x + l), lambda l: 0.0),
    "tau2": (lambda x, l: x**2 / (x + l) ** 2, lambda l: 0.0),
    "v": (lambda x, l: x / (x + l) ** 2, lambda l: 0.0),
    "p": (lambda x, l: l / (x + l), lambda l: 1.0),
    "b": (lambda x, l: l**2 / (x + l) ** 2, lambda l: 1.0),
}


@claim(id="rmt.evaluators-vs-quadrature",
       title="Every public MP evaluator (mp_functional for all names, stieltjes, stieltjes_prime, "
             "moment, atom_mass, support_edges, density) matches an independent quadrature or "
             "algebraic fact, in float64 and in mpmath",
       source=SRC_MP, method="high-precision",
       domain="gamma in {0.3, 1, 1.5, 4}, lam in {0.01, 1, 20}, k = 0..4; 512-node midpoint rule "
              "in θ (x = c + R cos θ); 30-digit evaluators compared at float64 accuracy")
def _evaluators_quad(ctx: Context) -> Outcome:
    worst, pts, where = 0.0, 0, ""
    lams = np.array([0.01, 1.0, 20.0])

    def record(name, got, ref):
        nonlocal worst, pts, where
        err = float(np.max(np.abs(np.asarray(got, float) / ref - 1)))
        if err > worst:
            worst, where = err, name
        pts += np.size(ref)

    for g in (0.3, 1.0, 1.5, 4.0):
        atom = max(0.0, 1 - 1 / g)                  # Marchenko & Pastur: mass 1 - 1/γ at 0
        mass = _trapezoid_mp_law(g, lambda x: np.ones_like(x))
        record(f"atom_mass(γ={g})", 1 - MP.atom_mass(g), mass)
        with mpmath.workdps(30):
            record(f"atom_mass mp(γ={g})", 1 - float(MP.atom_mass(mpmath.mpf(g))), mass)
            # the edges are the roots of the discriminant (1 - γ - x)² - 4γx of the MP quadratic
            for edges in (MP.support_edges(g), MP.support_edges(mpmath.mpf(g))):
                for e in edges:
                    e = mpmath.mpf(e)
                    res = abs((1 - g - e) ** 2 - 4 * g * e) / (1 + g + e) ** 2
                    worst, where = (float(res), f"support_edges(γ={g})") if res > worst else (worst, where)
                    pts += 1
            # the density is the integrand of the rule: its mass over a sub-interval, two ways
            lo, hi = (1 - np.sqrt(g)) ** 2, (1 + np.sqrt(g)) ** 2
            a_, b_ = lo + 0.2 * (hi - lo), lo + 0.7 * (hi - lo)
            sub = mpmath.quad(lambda x: mpmath.sqrt((hi - x) * (x - lo)) / (2 * mpmath.pi * g * x), [a_, b_])
            t, wt = np.polynomial.legendre.leggauss(40)   # smooth inside the support: Gauss
            xs = (a_ + b_) / 2 + (b_ - a_) / 2 * t
            record(f"density(γ={g})", float(np.sum(wt * MP.density(g, xs)) * (b_ - a_) / 2), float(sub))
            record(f"density mp(γ={g})", float(MP.density(mpmath.mpf(g), mpmath.mpf((a_ + b_) / 2))),
                   float(mpmath.sqrt((hi - (a_ + b_) / 2) * ((a_ + b_) / 2 - lo))
                         / (2 * mpmath.pi * g * (a_ + b_) / 2)))
        for k in range(5):
            ref = _trapezoid_mp_law(g, lambda x: x**k) + (atom if k == 0 else 0.0)
            record(f"moment(γ={g}, k={k})", MP.moment(g, k), ref)
            with mpmath.workdps(30):
                record(f"moment mp(γ={g}, k={k})", float(MP.moment(mpmath.mpf(g), k)), ref)
        refs = {}
        for name, (f, f0) in _INTEGRANDS.items():
            refs[name] = np.array([_trapezoid_mp_law(g, lambda x: f(x, l)) + atom * f0(l) for l in lams])
        refs["b_over_p"] = refs["b"] / refs["p"]
        named = {"m": MP.stieltjes, "m_prime": MP.stieltjes_prime}
        for name, ref in refs.items():
            record(f"mp_functional({name}, γ={g})", MP.mp_functional(name, g, lams), ref)
            if name in named:
                record(f"{named[name].__name__}(γ={g})", named[name](g, lams), ref)
            with mpmath.workdps(30):
                vals = [float(MP.mp_functional(name, mpmath.mpf(g), mpmath.mpf(l))) for l in lams]
                record(f"mp_functional mp({name}, γ={g})", vals, ref)
    tol = 2e-12
    return Outcome(pts, worst / tol, worst <= tol,
                   f"max relative error {worst:.2g} (at {where}) vs the midpoint rule, Gauss-Legendre "
                   "and mpmath.quad for the density, and the discriminant for the edges (tol 2e-12); "
                   "worst = that error / tol")


@claim(id="rmt.stable-forms",
       title="The cancellation-free forms of m, m', τ1, τ2, v equal the textbook forms",
       source="Moniri & Hassani 2025, Def 2 (the functionals); stable rearrangements derived in rmt/symbolic.py", method="high-precision",
       domain="gamma, lam on a log grid over [1e-3, 1e3] x [1e-12, 1e6], 80 digits")
def _stable_forms(ctx: Context) -> Outcome:
    worst, pts = 0.0, 0
    fns = {name: (sp.lambdify((S.gamma, S.lam), S.STABLE[name], "mpmath"),
                  sp.lambdify((S.gamma, S.lam), S.TEXTBOOK[name], "mpmath")) for name in S.STABLE}
    with mpmath.workdps(80):  # textbook forms cancel up to ~12+3 digits here; 80 is ample
        for g, l in itertools.product(map(mpmath.mpf, GAMMAS), map(mpmath.mpf, LAMS)):
            for name, (fs, ft) in fns.items():
                a, b = fs(g, l), ft(g, l)
                worst = max(worst, float(abs(a - b) / abs(b)))
                pts += 1
    return Outcome(pts, worst, worst < 1e-50, "relative difference at 80 digits")


@claim(id="rmt.complex-branch",
       title="m_γ(z) off the support: Herglotz branch, solves the quadratic, and Im m(x+i0)/π is the density",
       source=SRC_MP, method="high-precision",
       domain="gamma in {0.25, 1, 4}; z on rings around the support; x inside the support")
def _complex(ctx: Context) -> Outcome:
    worst, worst_mp, ok, pts = 0.0, 0.0, True, 0
    rng = np.random.default_rng(ctx.seed)
    for g in (0.25, 1.0, 4.0):
        lo, hi = MP.support_edges(g)
        zs = (rng.uniform(-3, hi + 3, 40) + 1j * 10 ** rng.uniform(-6, 1, 40) * rng.choice([-1, 1], 40))
        m = MP.stieltjes_complex(g, zs)
        ok &= bool(np.all(np.sign(m.imag) == np.sign(zs.imag)))
        res = np.abs(g * zs * m**2 - (1 - g - zs) * m + 1) / (np.abs(g * zs * m**2) + np.abs((1 - g - zs) * m) + 1)
        worst = max(worst, float(res.max()))
        xs = np.linspace(lo, hi, 27)[1:-1]
        dens = MP.stieltjes_complex(g, xs + 0j).imag / np.pi
        worst = max(worst, float(np.max(np.abs(dens - MP.density(g, xs)) / MP.density(g, xs))))
        neg = MP.stieltjes_complex(g, -np.array([1e-3, 1.0, 50.0]) + 0j)
        worst = max(worst, float(np.max(np.abs(neg - MP.stieltjes(g, np.array([1e-3, 1.0, 50.0])))
                                        / np.abs(neg))))
        pts += zs.size + xs.size + 3
        # the mpmath branch: the same three facts at 30 digits
        with mpmath.workdps(30):
            G = mpmath.mpf(g)
            for zr, zi in zip(rng.uniform(-3, hi + 3, 6), 10 ** rng.uniform(-6, 1, 6) * rng.choice([-1, 1], 6)):
                z = mpmath.mpc(zr, zi)
                m = MP.stieltjes_complex(G, z)
                ok &= mpmath.sign(m.imag) == mpmath.sign(z.imag)
                res = abs(G * z * m**2 - (1 - G - z) * m + 1) / (abs(G * z * m**2) + abs((1 - G - z) * m) + 1)
                worst_mp = max(worst_mp, float(res))
            for x in (lo + (hi - lo) * mpmath.mpf(k) / 7 for k in range(1, 7)):
                dens = MP.stieltjes_complex(G, mpmath.mpc(x, 0)).imag / mpmath.pi
                worst_mp = max(worst_mp, float(abs(dens / MP.density(G, x) - 1)))
            for l in (mpmath.mpf("1e-3"), mpmath.mpf(1), mpmath.mpf(50)):
                worst_mp = max(worst_mp, float(abs(MP.stieltjes_complex(G, mpmath.mpc(-l, 0))
                                                   / MP.stieltjes(G, l) - 1)))
            pts += 15
    worst = max(worst / 1e-10, worst_mp / 1e-25)
    return Outcome(pts, worst if ok else np.inf, ok and worst <= 1,
                   "Im m has the sign of Im z at every point: " f"{ok}; quadratic residual, density "
                   "(Im m(x+i0)/π) and real-axis agreement (relative), numpy branch tol 1e-10, mpmath "
                   "branch at 30 digits tol 1e-25; worst = max ratio to tolerance")
