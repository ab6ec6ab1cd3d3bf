"""Checkable claims about f-divergences and f-divergence losses (ids ``fdiv.*``).

Sources: Yao et al. 2025, "On Weak-to-Strong Generalization and
f-Divergence" (abstract only: f-divergence loss framework, "equivalence of
different f-divergence losses", cross-entropy as a special case); the
standard inequalities are textbook facts (Tsybakov 2009, ch. 2; Lin 1991).
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from proofs_check import Context, Outcome, claim

from .divergences import (CHI2, DIVERGENCES, HELLINGER2, JEFFREYS, JS, KL, REVERSE_KL, TV,
                          FDivergence, cross_entropy, t)
from .inequalities import (INEQUALITIES, _to_mp, joint_convexity_margin, min_ratio_to_tv2,
                           random_pairs, search_inequality)

PAPER = "Yao et al. 2025 (f-divergence W2S), abstract"


def _rngs(ctx: Context, n: int, salt: int):
    return [np.random.default_rng(s) for s in np.random.SeedSequence([ctx.seed, salt]).spawn(n)]


# ---------------------------------------------------------------------------- basics

@claim(id="fdiv.nonneg-zero-iff-equal",
       title="D_f(P||Q) >= 0 with equality iff P = Q, for all seven standard f "
             "(checked as inf D_f/TV^2 > 0 and D_f(P||P) = 0)",
       source=f"{PAPER}; Csiszar 1967", method="search",
       domain="k in {2,3,5,8}, Dirichlet/local/near-disjoint pairs, TV >= 1e-4")
def _(ctx: Context) -> Outcome:
    rngs = _rngs(ctx, len(DIVERGENCES) + 1, 1)
    n, refine, it = (150, 1, 150) if ctx.quick else (2000, 2, 400)
    ks = (2, 3) if ctx.quick else (2, 3, 5, 8)
    P = random_pairs(rngs[-1], 200, 6)[0]
    zero_ok = all(np.all(d(P, P) == 0.0) for d in DIVERGENCES.values())
    inf_ratio, points = {}, 0
    for rng, (name, d) in zip(rngs, DIVERGENCES.items()):
        res = min_ratio_to_tv2(d, rng, n=n, ks=ks, refine=refine, maxiter=it)
        inf_ratio[name] = 1 / res.sup_ratio
        points += res.points
    worst = min(inf_ratio.values())
    detail = ("inf D_f/TV^2 found: " + ", ".join(f"{k} {v:.3g}" for k, v in inf_ratio.items())
              + f"; D_f(P||P) == 0 exactly: {zero_ok}")
    return Outcome(points=points + 200, worst=worst, passed=bool(zero_ok and worst > 0),
                   detail=detail, worst_kind="margin")


@claim(id="fdiv.joint-convexity",
       title="(P, Q) -> D_f(P||Q) is jointly convex for all seven standard f",
       source=f"{PAPER}; Csiszar 1967 (perspective of a convex f)", method="search",
       domain="k in {2,3,5}, random + Nelder-Mead adversarial mixtures, worst case at 50 digits")
def _(ctx: Context) -> Outcome:
    n, ks, refine, it = (120, (2, 3), 1, 150) if ctx.quick else (2000, (2, 3, 5), 3, 600)
    worst, points = {}, 0
    for rng, (name, d) in zip(_rngs(ctx, len(DIVERGENCES), 2), DIVERGENCES.items()):
        worst[name], pts = joint_convexity_margin(d, rng, n=n, ks=ks, refine=refine, maxiter=it)
        points += pts
    w = min(worst.values())
    # tolerance: margins are evaluated with mpmath at 50 digits, so anything
    # below -1e-20 would be a real violation, not rounding.
    return Outcome(points=points, worst=w, passed=bool(w >= -1e-20), worst_kind="margin",
                   detail="worst relative margin (lam D1 + (1-lam) D2 - D_mix)/avg: "
                          + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))


#: Standard references for inequalities whose ``Inequality.source`` in
#: inequalities.py is a bare derivation (that module is not edited here).
_SOURCE_OVERRIDE = {
    "log-chi2-chi2": "log(1 + x) <= x for x > -1 (Abramowitz & Stegun 4.1.33); applied to "
                     "x = chi2 as in Gibbs & Su 2002, 'On choosing and bounding probability "
                     "metrics', Sec. 3 (KL <= log(1 + chi2) <= chi2)",
    "kl-chi2": "Gibbs & Su 2002, 'On choosing and bounding probability metrics', Sec. 3 "
               "(KL <= log(1 + chi2) <= chi2); Tsybakov 2009, Lemma 2.7",
}

#: A search "finds the constant sharp" if its largest lhs/rhs is >= 1 - SHARP_TOL.
#: Several suprema are limits that are not attained (Pinsker as P -> Q, KL/chi2 as
#: Q -> point mass), so the search approaches 1 without reaching it; in quick mode
#: the largest shortfall is 5e-5 (kl-chi2).  1e-3 leaves 20x room for that and is
#: 90x smaller than the 1 - 1/1.1 = 0.09 a 10% too-large rhs constant would leave.
SHARP_TOL = 1e-3


def _make_ineq_claim(name: str, salt: int):
    ineq = INEQUALITIES[name]

    @claim(id=f"fdiv.ineq.{name}", title=f"{ineq.statement} for all P, Q; the constant is sharp "
                                         f"(sup lhs/rhs = 1)",
           source=_SOURCE_OVERRIDE.get(name, ineq.source), method="search",
           domain="k in {2,3,5,8}, Dirichlet/local/near-disjoint pairs + Nelder-Mead, TV >= 1e-4")
    def check(ctx: Context) -> Outcome:
        n, ks, refine, it = (150, (2, 3), 1, 150) if ctx.quick else (3000, (2, 3, 5, 8), 3, 600)
        res = search_inequality(name, _rngs(ctx, 1, salt)[0], n=n, ks=ks, refine=refine,
                                maxiter=it)
        # validity: sup_ratio is recomputed at 50 digits; the float maximum may
        # exceed 1 by rounding only (ratios of quantities >= 1e-8, rel. error < 1e-7).
        valid = res.sup_ratio <= 1 + 1e-12 and res.float_max <= 1 + 1e-7
        # sharpness: the search must come within SHARP_TOL of equality
        sharp = res.sup_ratio >= 1 - SHARP_TOL
        return Outcome(points=res.points, worst=abs(1 - res.sup_ratio), passed=bool(valid and sharp),
                       worst_kind="error",
                       detail=f"sup lhs/rhs found = {res.sup_ratio:.10f} (50 digits); "
                              f"float max {res.float_max:.10f}; need sup <= 1 (valid) and "
                              f">= 1 - {SHARP_TOL:g} (sharp): valid {valid}, sharp {sharp}")
    return check


for _i, _name in enumerate(INEQUALITIES):
    _make_ineq_claim(_name, 100 + _i)


# ---------------------------------------------------------------------------- symbolic identities

@claim(id="fdiv.conjugate-symmetry",
       title="t f(1/t) generates D_f with swapped arguments: KL <-> reverse KL, chi2 <-> Neyman; "
             "JS, Jeffreys, squared Hellinger, TV are self-conjugate; Jeffreys = KL + reverse KL",
       source="Liese & Vajda 2006, Thm 5 (f-divergence conjugates)", method="symbolic",
       domain="generators on t > 0; numeric swap check on k in {2..6}")
def _(ctx: Context) -> Outcome:
    conj = {name: d.conjugate() for name, d in DIVERGENCES.items()}

    def same(a, b):
        return sp.simplify((a - b).rewrite(sp.Piecewise)) == 0

    checks = {
        "kl*=reverse_kl": same(conj["kl"].f, REVERSE_KL.f),
        "reverse_kl*=kl": same(conj["reverse_kl"].f, KL.f),
        "chi2*=neyman": same(conj["chi2"].f, (t - 1) ** 2 / t),
        "jeffreys=kl+rkl": same(JEFFREYS.f, KL.f + REVERSE_KL.f),
    }
    for d in (JS, JEFFREYS, HELLINGER2, TV):
        checks[f"{d.name} self"] = same(conj[d.name].f, d.f)
    worst, pts = 0.0, 0
    for rng, (name, d) in zip(_rngs(ctx, len(DIVERGENCES), 3), DIVERGENCES.items()):
        for k in (2, 3, 4, 6):
            P, Q = random_pairs(rng, 30, k)
            a, b = conj[name](P, Q), d(Q, P)
            ok = np.isfinite(a) & np.isfinite(b)
            # rounding: tiny divergences come from cancellation of O(1) terms,
            # so the error is ~1e-16 absolute; allow 1e-12 absolute + 1e-9 relative
            worst = max(worst, float(np.max(np.abs(a - b)[ok] / (1e-3 + np.abs(b[ok])))))
            pts += 30
    passed = all(checks.values()) and worst < 1e-9  # = 1e-12 abs + 1e-9 rel
    return Outcome(points=pts + len(checks), worst=worst, passed=bool(passed),
                   detail=f"symbolic: {sum(checks.values())}/{len(checks)} identities; "
                          f"numeric swap max rel err {worst:.1e} (tol 1e-9)")


@claim(id="fdiv.ce-equals-kl-gradient",
       title="cross-entropy against soft teacher labels and KL(teacher||student) have the same "
             "gradient s - p in the student logits (they differ by the teacher entropy); "
             "reverse KL does not",
       source=f"{PAPER} ('generalizes widely-used metrics like KL')", method="symbolic",
       domain="k = 3 symbolic; numeric k in {2..10}, logits N(0, 3^2)")
def _(ctx: Context) -> Outcome:
    k = 3
    z = sp.symbols("z0:3", real=True)
    p = sp.symbols("p0:3", positive=True)
    den = sum(sp.exp(zi) for zi in z)
    s = [sp.exp(zi) / den for zi in z]
    ce = -sum(pi * sp.log(si) for pi, si in zip(p, s))
    # CE gradient by differentiation, KL gradient from the package's closed form
    a = KL.grad_coefficient
    A = [a.subs(t, pi / si) for pi, si in zip(p, s)]
    mean = sum(si * ai for si, ai in zip(s, A))
    sym_ok = True
    for j in range(k):
        g_ce = sp.diff(ce, z[j])
        g_kl = s[j] * (A[j] - mean)
        target = s[j] - p[j]
        sub = {p[2]: 1 - p[0] - p[1]}
        sym_ok &= sp.simplify((g_ce - target).subs(sub)) == 0
        sym_ok &= sp.simplify((g_kl - target).subs(sub)) == 0
    worst, worst_rev, pts = 0.0, np.inf, 0
    for rng in _rngs(ctx, 9, 4):
        kk = int(rng.integers(2, 11))
        P = rng.dirichlet(np.ones(kk), 50)
        Z = 3 * rng.standard_normal((50, kk))
        _, g_ce = cross_entropy(P, Z)
        _, g_kl = KL.loss_and_grad(P, Z)
        _, g_rev = REVERSE_KL.loss_and_grad(P, Z)
        worst = max(worst, float(np.abs(g_ce - g_kl).max()))
        worst_rev = min(worst_rev, float(np.abs(g_ce - g_rev).max()))
        pts += 50
    passed = sym_ok and worst < 1e-12 and worst_rev > 1e-3
    return Outcome(points=pts, worst=worst, passed=bool(passed),
                   detail=f"symbolic CE/KL gradient = s - p: {sym_ok}; numeric max |dCE - dKL| = "
                          f"{worst:.1e} (tol 1e-12); reverse-KL differs by >= {worst_rev:.2f}")


# ---------------------------------------------------------------------------- gradients

def gradient_fd_error(d: FDivergence, rng, n_points: int, dps: int = 40) -> float:
    """Max relative error of the closed-form logit gradient against central
    finite differences of the loss, all in mpmath at ``dps`` digits.

    Step h = 1e-12: truncation ~h^2 = 1e-24, rounding ~10^-dps/h = 1e-28, so a
    correct gradient agrees to ~1e-20 and any wrong term shows at O(1).
    TV points with ``|t_i - 1| < 1e-3`` are redrawn (the generator has a kink at 1).
    """
    worst = 0.0
    with mpmath.workdps(dps):
        h = mpmath.mpf(10) ** -12
        done = 0
        while done < n_points:
            k = int(rng.integers(2, 7))
            P = _to_mp(rng.dirichlet(np.ones(k)))
            Z = [mpmath.mpf(float(v)) for v in 2 * rng.standard_normal(k)]
            m = max(Z)
            lse = m + mpmath.log(mpmath.fsum(mpmath.exp(zi - m) for zi in Z))
            if d.name == "tv" and min(abs(pi / mpmath.exp(zi - lse) - 1) for pi, zi in zip(P, Z)) < 1e-3:
                continue
            _, grad = d.loss_and_grad(P, Z)
            scale = max(abs(g) for g in grad)
            for j in range(k):
                zp = list(Z)
                zm = list(Z)
                zp[j] += h
                zm[j] -= h
                fd = (d.loss_and_grad(P, zp)[0] - d.loss_and_grad(P, zm)[0]) / (2 * h)
                worst = max(worst, float(abs(fd - grad[j]) / scale))
            done += 1
    return worst


_ALPHA_HALF = FDivergence(4 * (1 - sp.sqrt(t)), "alpha(0)")  # a user-defined generator


@claim(id="fdiv.grad-closed-form",
       title="dL/dz_j = s_j (a(t_j) - sum_i s_i a(t_i)), a(t) = f(t) - t f'(t), t_i = p_i/s_i, "
             "for L = D_f(teacher || softmax(z)); all seven f and a user-defined f",
       source="derived here (chain rule through softmax); losses from " + PAPER,
       method="high-precision", domain="k in {2..6}, teacher ~ Dirichlet(1), logits ~ N(0, 4); 40 digits")
def _(ctx: Context) -> Outcome:
    n = 3 if ctx.quick else 25
    divs = list(DIVERGENCES.values()) + [_ALPHA_HALF]
    errs = {d.name: gradient_fd_error(d, rng, n) for rng, d in zip(_rngs(ctx, len(divs), 5), divs)}
    worst = max(errs.values())
    # tolerance 1e-18: see gradient_fd_error (correct ~1e-20, wrong O(1))
    return Outcome(points=n * len(divs), worst=worst, passed=bool(worst < 1e-18),
                   detail="max rel |FD - closed form|: "
                          + ", ".join(f"{k} {v:.0e}" for k, v in errs.items()))


def local_chi2_error(d: FDivergence, rng, n_points: int, eps: float = 1e-12) -> float:
    """Max ``|D_f(P||Q)/chi2(P||Q) - f''(1)/2| / (f''(1)/2)`` for ``P = Q(1 + eps g)``, at 60 digits.

    Taylor: D_f = f''(1)/2 chi2 + O(eps^3), so the relative error is O(eps) = 1e-12.
    """
    c = d.f2_at_1 / 2
    worst = 0.0
    with mpmath.workdps(60):
        cm = mpmath.mpf(sp.N(c, 70))
        for _ in range(n_points):
            k = int(rng.integers(2, 7))
            Q = _to_mp(rng.dirichlet(np.ones(k)))
            g = [mpmath.mpf(float(v)) for v in rng.standard_normal(k)]
            mean = mpmath.fsum(qi * gi for qi, gi in zip(Q, g))
            P = [qi * (1 + eps * (gi - mean)) for qi, gi in zip(Q, g)]
            worst = max(worst, float(abs(d(P, Q) / CHI2(P, Q) - cm) / abs(cm)))
    return worst


@claim(id="fdiv.local-chi2",
       title="as P -> Q every smooth f-divergence is f''(1)/2 times chi2(P||Q) "
             "(the sense in which the losses are locally equivalent)",
       source=f"{PAPER} ('equivalence of different f-divergence losses'); Csiszar 1967",
       method="high-precision", domain="k in {2..6}, P = Q(1 + 1e-12 g), 60 digits; TV excluded")
def _(ctx: Context) -> Outcome:
    n = 4 if ctx.quick else 30
    divs = [d for d in DIVERGENCES.values() if d.name != "tv"]
    errs = {d.name: local_chi2_error(d, rng, n) for rng, d in zip(_rngs(ctx, len(divs), 6), divs)}
    worst = max(errs.values())
    # tolerance: O(eps) = 1e-12 remainder times a modest constant (|g| <= ~5, 1/q <= ~1e3)
    return Outcome(points=n * len(divs), worst=worst, passed=bool(worst < 1e-6),
                   detail="max rel |D_f/chi2 - f''(1)/2|: "
                          + ", ".join(f"{k} {v:.0e}" for k, v in errs.items()) + " (tol 1e-6)")


# ---------------------------------------------------------------------------- weak-to-strong

def _w2s_model(quick: bool, tau: float):
    from .w2s import GaussianMixtureW2S
    return GaussianMixtureW2S(d=6 if quick else 20, d_weak=3 if quick else 10, signal=2.0, tau=tau)


@claim(id="fdiv.w2s-realizable-no-gain",
       title="if the weak teacher lies in the student's class, every f-divergence loss has the "
             "teacher as its unique minimiser: the ERM student equals the teacher and PGR = 0 "
             "(the losses are equivalent and W2S gain is impossible)",
       source=f"{PAPER} ('fundamental limitations and equivalence of different f-divergence "
              "losses'); D_f >= 0 with equality iff equal",
       method="simulation", domain="Gaussian mixture, tau = 0, eta = 0; quick d=6, n=200, 1 seed; "
                                   "full d=20, n=1000, 3 seeds; BFGS from 0")
def _(ctx: Context) -> Outcome:
    from .w2s import embed_teacher, w2s_trial
    model = _w2s_model(ctx.quick, 0.0)
    seeds = 1 if ctx.quick else 3
    worst, worst_pgr = 0.0, 0.0
    for rng in _rngs(ctx, seeds, 7):
        r = w2s_trial(model, list(DIVERGENCES), rng, n=200 if ctx.quick else 1000, n_weak=200,
                      warm=False)
        th_t = embed_teacher(model, r["theta_T"])
        for name in DIVERGENCES:
            worst = max(worst, float(np.abs(r[(name, 0.0)]["theta"] - th_t).max()))
            worst_pgr = max(worst_pgr, abs(r[(name, 0.0)]["pgr"]))
    # tolerance 1e-4: optimiser tolerance (gtol 1e-10 on O(1) curvature) -> ~1e-8
    return Outcome(points=seeds * len(DIVERGENCES), worst=worst, passed=bool(worst < 1e-4),
                   detail=f"max |theta_student - theta_teacher| = {worst:.1e} (tol 1e-4), "
                          f"max |PGR| = {worst_pgr:.1e}, all 7 losses")


@claim(id="fdiv.w2s-tv-flip-robust",
       title="under symmetric flips of the soft labels (eta < 1/2) the TV-loss student still "
             "recovers a realizable teacher exactly, while the KL (cross-entropy) student does not",
       source=f"{PAPER} ('noise tolerance'); derived here: argmin_s (1-eta)|p-s| + eta|1-p-s| = p",
       method="simulation", domain="tau = 0, eta = 0.3; quick d=6, n=300, 2 seeds; full d=20, "
                                   "n=2000, 4 seeds")
def _(ctx: Context) -> Outcome:
    from .w2s import embed_teacher, w2s_trial
    model = _w2s_model(ctx.quick, 0.0)
    seeds = 2 if ctx.quick else 4
    tv_dev, kl_dev = 0.0, np.inf
    for rng in _rngs(ctx, seeds, 8):
        r = w2s_trial(model, ["kl", "tv"], rng, n=300 if ctx.quick else 2000, n_weak=200,
                      etas=(0.3,))
        th_t = embed_teacher(model, r["theta_T"])
        tv_dev = max(tv_dev, float(np.abs(r[("tv", 0.3)]["theta"] - th_t).max()))
        kl_dev = min(kl_dev, float(np.abs(r[("kl", 0.3)]["theta"] - th_t).max()))
    # TV is non-smooth: BFGS stops at ~1e-5 relative accuracy -> tolerance 1e-3;
    # the KL student is pulled toward 1/2 by O(eta) -> deviation >> 1e-2.
    return Outcome(points=2 * seeds, worst=tv_dev, passed=bool(tv_dev < 1e-3 and kl_dev > 1e-2),
                   detail=f"TV student max |theta - theta_T| = {tv_dev:.1e} (tol 1e-3); "
                          f"KL student deviates by >= {kl_dev:.2f}")


@claim(id="fdiv.w2s-misfit-gain",
       title="when the teacher's errors are not representable by the student (noisy weak view, "
             "tau > 0), every f-divergence student recovers a positive fraction of the gap: PGR > 0",
       source=f"{PAPER} ('f-divergence loss ... effectively improves generalization')",
       method="simulation", domain="tau = 1; quick d=6, n=200, 4 seeds; full d=20, n=2000, 10 seeds")
def _(ctx: Context) -> Outcome:
    from .experiments import pgr_table
    model = _w2s_model(ctx.quick, 1.0)
    seeds = 4 if ctx.quick else 10
    ss = np.random.SeedSequence([ctx.seed, 9]).spawn(seeds)
    tab = pgr_table(model, ss, n=200 if ctx.quick else 2000, n_weak=200, etas=(0.0,), desc="",
                    show=False)
    # z = 3: one-sided, and a 3-SE margin keeps the 7 simultaneous tests conservative
    z = {k: v["pgr_eta0"]["mean"] / v["pgr_eta0"]["se"] for k, v in tab["losses"].items()}
    lo = min(v["pgr_eta0"]["mean"] - 3 * v["pgr_eta0"]["se"] for v in tab["losses"].values())
    return Outcome(points=seeds * len(DIVERGENCES), worst=lo, worst_kind="margin",
                   passed=bool(lo > 0),
                   detail="PGR mean/SE: " + ", ".join(f"{k} {v['pgr_eta0']['mean']:.2f}/"
                                                      f"{v['pgr_eta0']['se']:.2f}"
                                                      for k, v in tab["losses"].items())
                          + f"; min z = {min(z.values()):.1f}")


#: Allowance of fdiv.w2s-rate: |rate − hypothesised| <= Z_RATE SE + C_RATE.
#: z = 3 on the SE of the mean per-seed slope (24 / 32 seeds; close to the
#: 99.7% two-sided t-quantiles 3.3 / 3.2; fixed seeds, so deterministic).
#: C = 0.05 absorbs the two deterministic biases: the reference minimiser's
#: own error adds a constant ~ c/n_ref to the excess c/n, which lowers the
#: fitted slope by about log(1 + n_max/n_ref)/log(n_max/n_min) <= 0.02
#: (n_ref ~ 16 n_max in both modes); the O((d/n)^2) terms at n = 100 with 7
#: head parameters change the smallest-n point by a few % (slope < 0.02).
#: Measured allowance 3 SE + C = 0.18 (quick), 0.13 (full): rates 0.75 and
#: 1.25 are rejected.
Z_RATE, C_RATE = 3.0, 0.05


def _rate_design(quick: bool):
    """``(ns, seeds, n_ref)`` of the rate check: d = 6 (7 head parameters)."""
    ns = [100, 200, 400, 800, 1600, 3200]
    return (ns, 24, 50000) if quick else (ns + [6400], 32, 100000)


def _excess_kl(model, rng, ns, seeds: int, n_ref: int):
    """:func:`w2s.excess_risk_curve` for the KL loss, with BFGS ``gtol = 1e-7``
    (3x faster than its 1e-10; the optimisation error of the excess,
    ~ gtol^2 / curvature ~ 1e-14, is negligible against excess >= 1e-4)."""
    from .w2s import _binary_objective, fit_head, teacher_probs, train_teacher
    ss = rng.bit_generator.seed_seq.spawn(seeds + 1)
    rngs = [np.random.default_rng(s) for s in ss]
    ref_rng = rngs.pop()
    theta_T = train_teacher(model, ref_rng, 500)
    xr, _, vr = model.sample(ref_rng, n_ref)
    pr = teacher_probs(theta_T, vr)
    objective = _binary_objective(KL, np.hstack([xr, np.ones((n_ref, 1))]),
                                  np.stack([pr, 1 - pr], -1), 0.0)
    th_ref = fit_head(KL, xr, pr, gtol=1e-7)
    r_ref = objective(th_ref)[0]
    out = np.empty((seeds, len(ns)))
    for s, r in enumerate(rngs):
        for j, n in enumerate(ns):
            x, _, v = model.sample(r, n)
            th = fit_head(KL, x, teacher_probs(theta_T, v), theta0=th_ref, gtol=1e-7)
            out[s, j] = objective(th)[0] - r_ref
    return out


_RATE_CACHE: dict = {}


def rate_check(ctx_quick: bool, seed: int, hypothesised: float = 1.0):
    """Fitted excess-risk rate of the KL student and the pass/fail of
    ``|rate - hypothesised| <= Z_RATE SE + C_RATE`` (see :data:`Z_RATE`).

    The simulation is cached per ``(ctx_quick, seed)``, so testing several
    hypotheses costs one run.  Returns ``(rate, se, ci95, ok)``.
    """
    from .w2s import GaussianMixtureW2S, fit_rate
    key = (bool(ctx_quick), seed)
    if key not in _RATE_CACHE:
        ns, seeds, n_ref = _rate_design(ctx_quick)
        model = GaussianMixtureW2S(d=6, d_weak=3, signal=2.0, tau=1.0)
        rng = np.random.default_rng(np.random.SeedSequence([seed, 10]))
        ex = _excess_kl(model, rng, ns, seeds, n_ref)
        _RATE_CACHE[key] = fit_rate(ns, np.maximum(ex, 1e-300))
    rate, se, ci = _RATE_CACHE[key]
    return rate, se, ci, abs(rate - hypothesised) <= Z_RATE * se + C_RATE


@claim(id="fdiv.w2s-rate",
       title="the excess f-risk (KL) of the ERM student head decays like n^-1 in the number of "
             "weakly labelled samples (classical parametric rate; rates 0.75 and 1.25 rejected)",
       source=f"{PAPER} ('sample complexity bounds'); M-estimation asymptotics (van der Vaart "
              "1998, Thm 5.23)",
       method="simulation", domain="tau = 1, KL loss, d = 6; quick n in 100..3200, 24 seeds, "
                                   "n_ref = 50000; full n in 100..6400, 32 seeds, n_ref = 100000")
def _(ctx: Context) -> Outcome:
    rate, se, ci, ok = rate_check(ctx.quick, ctx.seed)
    ns, seeds, _ = _rate_design(ctx.quick)
    return Outcome(points=seeds * len(ns), worst=abs(rate - 1), passed=bool(ok),
                   detail=f"fitted rate {rate:.3f} +- {se:.3f} (95% CI [{ci[0]:.2f}, {ci[1]:.2f}]); "
                          f"pass if |rate - 1| <= {Z_RATE:g} SE + {C_RATE:g} = "
                          f"{Z_RATE * se + C_RATE:.3f}")
