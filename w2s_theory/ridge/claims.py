"""Registered claims for §2.1 of Moniri & Hassani (2025) (see ``w2s-check 'ridge.*'``)."""
from __future__ import annotations

import itertools

import mpmath
import numpy as np
import sympy as sp

from proofs_check import Context, Outcome, claim

from .. import rmt
from .._stats import agreement
from ..simulate import simulate_ridge
from . import symbolic as S
from . import theory as T

SRC = "Moniri & Hassani 2025"

#: Simulation settings: (phi, psi, sigma2, r2) for an under- and an over-parameterised student.
SIM_SETTINGS = ((0.5, 0.5, 0.5, 1.0), (0.5, 2.0, 0.5, 1.0))
LAM_T_GRID = np.array([0.02, 0.1, 0.5, 2.0])
LAM_S_GRID = np.array([0.01, 0.1, 0.5, 2.0, 10.0])
# C/d finite-size allowance.  With β and ε integrated out (simulate_ridge's default),
# the measured |mean - limit|·d is ≤ 0.5 for these settings at d = 200..800, where
# σ² + r² = 1.5 (docs/theory/ridge.rst); C = (σ² + r²)/2 = 0.75 allows 1.5x that.
def sim_C(sigma2, r2):
    return 0.5 * (sigma2 + r2)


def sim_sizes(ctx: Context):
    return (400, 12) if ctx.quick else (1000, 16)


def run_simulations(ctx: Context):
    d, trials = sim_sizes(ctx)
    for k, (phi, psi, s2, r2) in enumerate(SIM_SETTINGS):
        sim = simulate_ridge(d, phi, psi, LAM_T_GRID, LAM_S_GRID, s2, r2, trials=trials,
                             seed=[ctx.seed, k])
        yield (phi, psi, s2, r2), sim


_SIM_CACHE: dict = {}


def _sims(ctx):
    key = (ctx.quick, ctx.seed)
    if key not in _SIM_CACHE:
        _SIM_CACHE[key] = list(run_simulations(ctx))
    return _SIM_CACHE[key]


@claim(id="ridge.teacher-limit-vs-simulation",
       title="Ridge teacher test error converges to σ² + r²λ²m'_φ + σ²φ v_φ",
       source=f"{SRC}, Prop 3", method="simulation",
       domain="phi=0.5, lam_T in {0.02,0.1,0.5,2}, sigma2=0.5, r2=1; d=1000 (quick 400)")
def _teacher_sim(ctx: Context) -> Outcome:
    res = []
    for (phi, psi, s2, r2), sim in _sims(ctx):
        th = T.teacher_error(phi, sim.lam_T, s2, r2)
        res.append(agreement(sim.teacher_mean, sim.teacher_se, th, sim.d, C=sim_C(s2, r2)))
    worst = max(res, key=lambda a: a.worst_ratio)
    return Outcome(sum(a.points for a in res), worst.worst_abs, all(a.passed for a in res),
                   worst.detail(f"{res[0].d}-dim, {_sims(ctx)[0][1].trials} trials: "))


@claim(id="ridge.student-limit-vs-simulation",
       title="Ridge student on teacher labels converges to Thm 4 (E_S and E_S - E_T)",
       source=f"{SRC}, Thm 4", method="simulation",
       domain="phi=0.5, psi in {0.5, 2}, 4x5 (lam_T, lam_S) grid, sigma2=0.5, r2=1")
def _student_sim(ctx: Context) -> Outcome:
    res = []
    for (phi, psi, s2, r2), sim in _sims(ctx):
        lt, ls = sim.lam_T[:, None], sim.lam_S[None, :]
        res.append(agreement(sim.student_mean, sim.student_se,
                             T.student_error(phi, psi, lt, ls, s2, r2), sim.d, C=sim_C(s2, r2)))
        res.append(agreement(sim.gap_mean, sim.gap_se,
                             T.error_gap(phi, psi, lt, ls, s2, r2), sim.d, C=sim_C(s2, r2)))
    worst = max(res, key=lambda a: a.worst_ratio)
    return Outcome(sum(a.points for a in res), worst.worst_abs, all(a.passed for a in res),
                   worst.detail())


def _log_grid(lo, hi, n):
    return [mpmath.mpf(10) ** e for e in np.linspace(lo, hi, n)]


@claim(id="ridge.float-vs-mpmath",
       title="float64 evaluators agree with 50-digit mpmath to 1e-13 relative over the domain",
       source=f"{SRC}, Prop 3 / Thm 4 (numerics)", method="high-precision",
       domain="phi, psi in [1e-3, 1e3] incl. 1; lam in [1e-12, 1e6]")
def _float_vs_mp(ctx: Context) -> Outcome:
    ratios = [1e-3, 0.5, 1.0, 1.0 + 1e-9, 2.0, 1e3] if not ctx.quick else [1e-3, 1.0, 2.0, 1e3]
    lams = [1e-12, 1e-4, 1.0, 1e6] if not ctx.quick else [1e-12, 1.0, 1e6]
    worst, pts = 0.0, 0
    with mpmath.workdps(50):
        for phi, psi, lt, ls in itertools.product(ratios, ratios, lams, lams):
            args = (phi, psi, lt, ls, 0.5, 1.0)
            # E_S - E_T crosses zero, so its accuracy is measured relative to E_T
            scale = float(T.teacher_error(*map(mpmath.mpf, (phi, lt, 0.5, 1.0))))
            for f in (T.student_error, T.error_gap):
                a = f(*args)
                b = float(f(*map(mpmath.mpf, args)))
                worst = max(worst, abs(a - b) / (scale if f is T.error_gap else abs(b)))
                pts += 1
            for f, targs in ((T.teacher_error, (phi, lt, 0.5, 1.0)), (T.level_h, (phi, lt, 0.5, 1.0)),
                             (T.gain_g, (psi, ls))):
                a, b = f(*targs), f(*map(mpmath.mpf, targs))
                worst = max(worst, abs(a - float(b)) / abs(float(b)))
                pts += 1
    return Outcome(pts, worst, worst <= 1e-13, "max relative error (gap: relative to E_T), float64 vs 50 digits; tolerance 1e-13")


@claim(id="ridge.stable-equals-textbook",
       title="The stable forms used for evaluation equal the paper's formulas (E_T, E_S, gap, g, h)",
       source=f"{SRC}, Prop 3, Thm 4, Thm 5", method="high-precision",
       domain="random rational points, 60 digits")
def _stable_textbook(ctx: Context) -> Outcome:
    rng = np.random.default_rng(ctx.seed)
    n = 6 if ctx.quick else 25
    worst, pts = 0.0, 0
    syms = S.ARGS_STUDENT
    with mpmath.workdps(60):
        for _ in range(n):
            vals = dict(zip(syms, [sp.Rational(int(x * 1000) + 1, 1000)
                                   for x in 10 ** rng.uniform(-1.5, 1.5, 6)]))
            for name in S.STABLE:
                if name == "two_minus_h":
                    tb = 2 - S.TEXTBOOK["level_h"]
                else:
                    tb = S.TEXTBOOK[name]
                a = sp.N(S.STABLE[name].subs(vals), 60)
                b = sp.N(tb.subs(vals), 60)
                worst = max(worst, float(abs(a - b) / max(abs(b), sp.Float(1e-30))))
                pts += 1
    return Outcome(pts, worst, worst < 1e-40, "relative difference at 60 digits")


@claim(id="ridge.lambda-star-minimises-teacher",
       title="λ* = φσ²/r² is the minimiser of E_T over λ_T (∂E_T/∂λ_T = 0 there, E_T larger nearby)",
       source="Dobriban & Wager 2018, Thm 2.1 (used in Moniri & Hassani 2025, §2.1)",
       method="high-precision", domain="phi in [0.05, 20], sigma2/r2 in [0.05, 20], 50 digits")
def _lambda_star(ctx: Context) -> Outcome:
    dE = sp.lambdify(S.ARGS_TEACHER, sp.diff(S.teacher_error, S.lam_T), "mpmath")
    worst_grad, min_margin, pts = 0.0, np.inf, 0
    grid = [0.05, 0.7, 1.0, 3.0, 20.0] if not ctx.quick else [0.05, 1.0, 20.0]
    with mpmath.workdps(50):
        for phi, s2 in itertools.product(grid, grid):
            phi, s2, r2 = mpmath.mpf(phi), mpmath.mpf(s2), mpmath.mpf(1)
            ls = phi * s2 / r2
            scale = T.teacher_error(phi, ls, s2, r2)
            worst_grad = max(worst_grad, float(abs(dE(phi, ls, s2, r2)) * ls / scale))
            for f in (mpmath.mpf("0.9"), mpmath.mpf("1.1")):
                min_margin = min(min_margin, float(T.teacher_error(phi, ls * f, s2, r2) - scale))
            pts += 1
    ok = worst_grad < 1e-40 and min_margin > 0
    return Outcome(pts, worst_grad, ok,
                   f"max |λ ∂E_T/∂λ|/E_T at λ* = {worst_grad:.2g}; min E_T(λ*·(1±0.1)) - E_T(λ*) = {min_margin:.3g}")


@claim(id="ridge.h-below-2-iff-under-regularised",
       title="h < 2 ⟺ λ_T < λ*; in fact 2 - h = 2 v_φ (σ²φ - r²λ_T)/K",
       source=f"{SRC}, Thm 5 and discussion", method="high-precision",
       domain="phi in [1e-3, 1e3], lam_T/lam* in [1e-3, 1e3], 50 digits")
def _h_vs_lambda_star(ctx: Context) -> Outcome:
    pts, worst, ok = 0, 0.0, True
    with mpmath.workdps(50):
        for phi in _log_grid(-3, 3, 5 if ctx.quick else 13):
            s2, r2 = mpmath.mpf("0.7"), mpmath.mpf(1)
            ls = phi * s2 / r2
            for f in _log_grid(-3, 3, 8 if ctx.quick else 26):
                lt = ls * f
                h = T.level_h(phi, lt, s2, r2)
                ok &= (h < 2) == (lt < ls)
                # the identity, with v and K from the MP functionals directly
                v = rmt.mp_functional("v", phi, lt)
                K = r2 * rmt.mp_functional("tau2", phi, lt) + s2 * phi * v
                worst = max(worst, float(abs((2 - h) - 2 * v * (s2 * phi - r2 * lt) / K)))
                pts += 1
    return Outcome(pts, worst, ok and worst < 1e-45,
                   "sign of 2 - h equals sign of λ* - λ_T at every point; worst = identity residual")


def _classify_ok(phi, psi, lt, s2, r2, probes):
    """Check a win region against the sign of E_S - E_T on probes; return (ok, min margin, resid)."""
    w = T.student_win_region(phi, psi, lt, s2, r2)
    resid = mpmath.mpf(0)
    for e in (w.lower, w.upper):
        if 0 < e < mpmath.inf:
            resid = max(resid, abs(T.gain_g(psi, e) - w.h))
    ok, margin = True, mpmath.inf
    for ls in probes:
        gap = T.error_gap(phi, psi, lt, ls, s2, r2)
        inside = ls in w
        # relative margin of |E_S - E_T| (zero only at the endpoints themselves)
        ok &= (gap < 0) == inside
        margin = min(margin, abs(gap) / T.teacher_error(phi, lt, s2, r2))
    return w, ok, margin, resid


def _thm5_scan(ctx, psis):
    probes = _log_grid(-8, 4, 13 if ctx.quick else 49)
    cases, pts, ok_all, resid_max = {}, 0, True, mpmath.mpf(0)
    with mpmath.workdps(50):
        r2 = mpmath.mpf(1)
        for phi, s2 in itertools.product((mpmath.mpf("0.5"), mpmath.mpf(2)),
                                         (mpmath.mpf("0.5"), mpmath.mpf(2))):
            lstar = phi * s2 / r2
            for psi in psis:
                for f in _log_grid(-3, 1, 6 if ctx.quick else 17):
                    w, ok, margin, resid = _classify_ok(phi, psi, lstar * f, s2, r2, probes)
                    cm = T.c_max(psi)
                    expected = ("everywhere" if w.h <= 1 else "never" if w.h >= cm
                                else ("below" if psi <= 1 else "band"))
                    ok &= (w.case == expected) and ((w.h < 2) == (f < 1))
                    cases[w.case] = cases.get(w.case, 0) + 1
                    ok_all &= ok
                    resid_max = max(resid_max, resid)
                    pts += len(probes)
    return pts, ok_all, resid_max, cases


@claim(id="ridge.thm5-underparameterised-student",
       title="ψ ≤ 1: student wins on (0, λ₊) iff 1 < h < c_max(ψ) (= 2 for ψ < 1, 3/2 at ψ = 1), "
             "for every λ_S iff h ≤ 1, never iff h ≥ c_max(ψ)",
       source=f"{SRC}, Thm 5 (first bullets)", method="high-precision",
       domain="phi, sigma2 in {0.5, 2}, r2=1, psi in {0.1, 0.5, 0.9, 1}, lam_T/lam* in [1e-3, 10], "
              "lam_S probes in [1e-8, 1e4], 50 digits")
def _thm5_under(ctx: Context) -> Outcome:
    psis = [mpmath.mpf(x) for x in ("0.1", "0.5", "0.9", "1")]
    pts, ok, resid, cases = _thm5_scan(ctx, psis)
    return Outcome(pts, float(resid), ok and resid < mpmath.mpf(10) ** -40,
                   f"cases seen {cases}; max |g(endpoint) - h| = {float(resid):.2g}; "
                   "sign of E_S - E_T matches membership at every probe")


@claim(id="ridge.thm5-overparameterised-student",
       title="ψ > 1: the student wins exactly on a bounded interval (λ₋, λ₊) when 1 < h < c_max(ψ), "
             "everywhere when h ≤ 1, never when h ≥ c_max(ψ)",
       source=f"{SRC}, Thm 5 (ψ > 1 bullet) and the text after it", method="high-precision",
       domain="phi, sigma2 in {0.5, 2}, r2=1, psi in {1.2, 2, 5}, lam_T/lam* in [1e-3, 10], 50 digits")
def _thm5_over(ctx: Context) -> Outcome:
    psis = [mpmath.mpf(x) for x in ("1.2", "2", "5")]
    pts, ok, resid, cases = _thm5_scan(ctx, psis)
    # The text says the student must use "λ_S larger than a threshold"; a band has an upper end.
    band_seen = cases.get("band", 0) > 0
    return Outcome(pts, float(resid), ok and resid < mpmath.mpf(10) ** -40 and band_seen,
                   f"cases seen {cases}. The paper's text describes the win set as λ_S above a "
                   "threshold; the exact set is bounded: E_S > E_T again for λ_S > λ₊ "
                   f"(max |g(endpoint) - h| = {float(resid):.2g})",
                   discrepancy=band_seen)


@claim(id="ridge.c-max-is-sup-of-g",
       title="For ψ > 1, max_u g = (3 - √(1 - 1/ψ))/2 at u* = 1/√(ψ(ψ-1)); g > 1 throughout",
       source=f"{SRC}, Thm 5 condition (5)", method="symbolic",
       domain="symbolic in psi > 1, u > 0")
def _c_max_symbolic(ctx: Context) -> Outcome:
    psi_gt1 = sp.Symbol("psi_", positive=True)
    g_u = S.gain_of_u.subs(S.psi, 1 + psi_gt1)  # ψ = 1 + ψ_, ψ_ > 0
    crit = sp.solve(sp.Eq(sp.diff(g_u, S.u), 0), S.u)
    ustar = 1 / sp.sqrt((1 + psi_gt1) * psi_gt1)
    ok_crit = any(sp.simplify(c - ustar) == 0 for c in crit)
    diff = sp.simplify(sp.radsimp(g_u.subs(S.u, ustar) - S.c_max_over.subs(S.psi, 1 + psi_gt1)))
    # g - 1 = u / (positive quadratic) > 0 for ψ > 1: denominator has positive coefficients
    den = sp.denom(sp.together(g_u - 1))
    pos = all(cf.is_positive for cf in sp.Poly(sp.expand(den), S.u).coeffs())
    failed = sum(not c for c in (ok_crit, diff == 0, pos))
    return Outcome(3, float(failed), failed == 0,
                   f"worst = number of failed symbolic facts (of 3); critical points {crit}; "
                   f"g(u*) - c_max simplifies to {diff}; "
                   f"denominator of g-1 has positive coefficients: {pos}")


@claim(id="ridge.g-monotone-underparameterised",
       title="ψ < 1: g decreases strictly from 2 (λ_S → 0) to 1 (λ_S → ∞)",
       source=f"{SRC}, Thm 5 proof", method="symbolic",
       domain="symbolic in 0 < psi < 1, 0 < u < 1/(1-psi)")
def _g_monotone(ctx: Context) -> Outcome:
    q = sp.Symbol("q", positive=True)  # ψ = q/(1+q) ∈ (0, 1)
    t = sp.Symbol("t", positive=True)  # u = t/((1-ψ)(1+t)) ∈ (0, 1/(1-ψ))
    psi_ = q / (1 + q)
    u_ = t / ((1 - psi_) * (1 + t))
    lam_u = S.lam_of_u.subs(S.psi, psi_)
    g_u = S.gain_of_u.subs(S.psi, psi_)
    # dg/dλ = (dg/du)/(dλ/du): signs of both as rational functions of positive q, t
    dg = sp.factor(sp.together(sp.diff(g_u, S.u).subs(S.u, u_)))
    dl = sp.factor(sp.together(sp.diff(lam_u, S.u).subs(S.u, u_)))
    n1, d1 = sp.fraction(dg)
    n2, d2 = sp.fraction(dl)

    def sign(e):
        e = sp.expand(e)
        cs = sp.Poly(e, q, t).coeffs()
        return 1 if all(c > 0 for c in cs) else -1 if all(c < 0 for c in cs) else 0

    s_dg, s_dl = sign(n1) * sign(d1), sign(n2) * sign(d2)
    lim0 = sp.limit(g_u.subs(S.u, u_), t, sp.oo)   # u → 1/(1-ψ) ⟺ λ → 0
    liminf = sp.limit(g_u.subs(S.u, u_), t, 0)     # u → 0 ⟺ λ → ∞
    checks = [s_dg != 0 and s_dg * s_dl == -1, sp.simplify(lim0 - 2) == 0,
              sp.simplify(liminf - 1) == 0]
    failed = sum(not c for c in checks)
    return Outcome(len(checks), float(failed), failed == 0,
                   f"worst = number of failed symbolic facts (of {len(checks)}); "
                   f"sign dg/du = {s_dg}, sign dλ/du = {s_dl}, g(λ→0) = {lim0}, g(λ→∞) = {liminf}")


@claim(id="ridge.ridgeless-limits",
       title="λ_T → 0: E_T → σ² + σ²φ/(1-φ) (φ<1), σ² + r²(1-1/φ) + σ²/(φ-1) (φ>1); "
             "ψ < 1, λ_S → 0: E_S → E_T",
       source="Hastie, Montanari, Rosset & Tibshirani 2022, Thm 1; Moniri & Hassani 2025, §2.1",
       method="high-precision", domain="phi, psi in [1e-3, 1e3] \\ {1}, lam = 1e-30, 50 digits")
def _ridgeless(ctx: Context) -> Outcome:
    worst, pts = 0.0, 0
    ratios = ["0.001", "0.3", "0.9", "1.1", "3", "1000"]
    with mpmath.workdps(50):
        tiny = mpmath.mpf("1e-30")
        s2, r2 = mpmath.mpf("0.5"), mpmath.mpf("1.3")
        for phi in map(mpmath.mpf, ratios):
            lim = T.ridgeless_teacher_error(phi, s2, r2)
            worst = max(worst, float(abs(T.teacher_error(phi, tiny, s2, r2) - lim) / lim))
            pts += 1
            for psi in map(mpmath.mpf, ["0.001", "0.5", "0.9"]):
                for lt in map(mpmath.mpf, ["0.01", "1"]):
                    e_t = T.teacher_error(phi, lt, s2, r2)
                    worst = max(worst, float(abs(T.student_error(phi, psi, lt, tiny, s2, r2) - e_t) / e_t))
                    pts += 1
    # relative deviation is O(λ / gap²) with gaps ≥ (1-√0.9)²: ≲ 1e-26 at λ = 1e-30
    return Outcome(pts, worst, worst < 1e-20, "max relative deviation from the ridgeless formulas")
