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
from . import reference as REF

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
    worst = min(inf_ratio.values()) if zero_ok else -1.0   # -1: D_f(P||P) != 0 decided it
    detail = ("inf D_f/TV^2 found: " + ", ".join(f"{k} {v:.3g}" for k, v in inf_ratio.items())
              + f"; D_f(P||P) == 0 exactly: {zero_ok}; worst = smallest inf (need > 0), -1 if "
                f"D_f(P||P) != 0")
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


_INEQ_DOMAIN = "k in {2,3,5,8}, Dirichlet/local/near-disjoint pairs + Nelder-Mead, TV >= 1e-4"


def _check_inequality(ctx: Context, name: str, salt: int) -> Outcome:
    """Search for the largest lhs/rhs of ``INEQUALITIES[name]``: valid (<= 1) and sharp (-> 1)."""
    n, ks, refine, it = (150, (2, 3), 1, 150) if ctx.quick else (3000, (2, 3, 5, 8), 3, 600)
    res = search_inequality(name, _rngs(ctx, 1, salt)[0], n=n, ks=ks, refine=refine,
                            maxiter=it)
    # validity: sup_ratio is recomputed at 50 digits; the float maximum may
    # exceed 1 by rounding only (ratios of quantities >= 1e-8, rel. error < 1e-7).
    valid = res.sup_ratio <= 1 + 1e-12 and res.float_max <= 1 + 1e-7
    # sharpness: the search must come within SHARP_TOL of equality
    sharp = res.sup_ratio >= 1 - SHARP_TOL
    # worst: the deciding excess as a ratio to its tolerance (pass <= 1)
    ratio = max((res.sup_ratio - 1) / 1e-12, (res.float_max - 1) / 1e-7,
                (1 - res.sup_ratio) / SHARP_TOL)
    return Outcome(points=res.points, worst=ratio, passed=bool(valid and sharp),
                   worst_kind="error",
                   detail=f"sup lhs/rhs found = {res.sup_ratio:.10f} (50 digits); "
                          f"float max {res.float_max:.10f}; need sup <= 1 + 1e-12 and float "
                          f"max <= 1 + 1e-7 (valid) and sup >= 1 - {SHARP_TOL:g} (sharp): "
                          f"valid {valid}, sharp {sharp}; worst = largest of (sup - 1)/1e-12, "
                          f"(float max - 1)/1e-7, (1 - sup)/{SHARP_TOL:g} = {ratio:.3g}")


# One decorated claim per entry of INEQUALITIES, written out (not generated in a loop) so
# that proofs_check.index reads them without importing; tests/test_fdiv_claims.py checks
# that they match INEQUALITIES (statement, source, one claim each).
@claim(id="fdiv.ineq.pinsker",
       title="TV <= sqrt(KL/2) for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Pinsker's inequality (Tsybakov 2009, Lemma 2.5)",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_pinsker(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "pinsker", 100)


@claim(id="fdiv.ineq.bretagnolle-huber",
       title="TV <= sqrt(1 - exp(-KL)) for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Bretagnolle-Huber (Tsybakov 2009, Lemma 2.6)",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_bretagnolle_huber(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "bretagnolle-huber", 101)


@claim(id="fdiv.ineq.hellinger-tv-lower",
       title="H2/2 <= TV for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Le Cam (Tsybakov 2009, Lemma 2.3)",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_hellinger_tv_lower(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "hellinger-tv-lower", 102)


@claim(id="fdiv.ineq.hellinger-tv-upper",
       title="TV <= H sqrt(1 - H2/4) for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Le Cam (Tsybakov 2009, Lemma 2.3)",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_hellinger_tv_upper(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "hellinger-tv-upper", 103)


@claim(id="fdiv.ineq.hellinger-kl",
       title="H2 <= KL for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Tsybakov 2009, Lemma 2.4",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_hellinger_kl(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "hellinger-kl", 104)


@claim(id="fdiv.ineq.js-log2",
       title="JS <= log 2 for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Lin 1991, Theorem 1 (range of JS)",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_js_log2(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "js-log2", 105)


@claim(id="fdiv.ineq.js-tv",
       title="JS <= TV log 2 for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Lin 1991, Theorem 3 (in nats)",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_js_tv(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "js-tv", 106)


@claim(id="fdiv.ineq.kl-log-chi2",
       title="KL <= log(1 + chi2) for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source="Jensen on E_P log(dP/dQ) (Tsybakov 2009, Lemma 2.7)",
       method="search", domain=_INEQ_DOMAIN)
def _ineq_kl_log_chi2(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "kl-log-chi2", 107)


@claim(id="fdiv.ineq.log-chi2-chi2",
       title="log(1 + chi2) <= chi2 for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source=_SOURCE_OVERRIDE["log-chi2-chi2"],
       method="search", domain=_INEQ_DOMAIN)
def _ineq_log_chi2_chi2(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "log-chi2-chi2", 108)


@claim(id="fdiv.ineq.kl-chi2",
       title="KL <= chi2 for all P, Q; the constant is sharp (sup lhs/rhs = 1)",
       source=_SOURCE_OVERRIDE["kl-chi2"],
       method="search", domain=_INEQ_DOMAIN)
def _ineq_kl_chi2(ctx: Context) -> Outcome:
    return _check_inequality(ctx, "kl-chi2", 109)


# ---------------------------------------------------------------------------- absolute values

def _asymmetric_pairs(rng, n: int, k: int):
    """``n`` pairs on ``k`` points, TV >= 0.02 (so float errors stay relative); a quarter with
    a zero in P, a quarter with a zero in Q (the boundary conventions, incl. +inf)."""
    P, Q = rng.dirichlet(np.ones(k), n), rng.dirichlet(0.5 * np.ones(k), n)
    m = n // 4
    P[:m, 0] = 0.0
    Q[m:2 * m, -1] = 0.0
    P, Q = P / P.sum(-1, keepdims=True), Q / Q.sum(-1, keepdims=True)
    keep = np.abs(P - Q).sum(-1) / 2 >= 0.02
    return P[keep], Q[keep]


def _rel_err(x, ref) -> float:
    """|x - ref| / |ref| (0 when both are the same infinity; inf when only one is)."""
    if mpmath.isinf(ref) or (isinstance(x, float) and not np.isfinite(x)) or mpmath.isinf(x):
        return 0.0 if (mpmath.isinf(ref) and mpmath.isinf(x) and ref == x) else np.inf
    return float(abs(mpmath.mpf(x) - ref) / max(abs(ref), mpmath.mpf(10) ** -300))


#: Tolerances of fdiv.values-closed-form (relative): float64 sums of <= 6 terms
#: of size O(1) with TV >= 0.02 lose at most ~100 ulp -> 1e-11 leaves 50x room;
#: the mpmath path at 30 digits agrees to ~1e-28 -> 1e-24.
VAL_TOL_NP, VAL_TOL_MP = 1e-11, 1e-24


@claim(id="fdiv.values-closed-form",
       title="each standard D_f(P||Q) (numpy and mpmath evaluators, arrays and Bernoulli) equals "
             "its textbook sum (KL sum p log(p/q), chi2 sum (p-q)^2/q, ...) on asymmetric pairs, "
             "incl. zero entries and +inf; KL matches the published worked example in both orders",
       source="Csiszar 1967; Tsybakov 2009, Sec. 2.4; Lin 1991 (JS); published KL example: "
              "Wikipedia, 'Kullback-Leibler divergence' (Binomial(2, 0.4) vs uniform)",
       method="high-precision",
       domain="k in {2,3,4,6} (quick {2,3,5}), Dirichlet pairs with TV >= 0.02, 1/4 with a zero "
              "in P and 1/4 in Q; Bernoulli p, q in (0, 1); mpmath at 30 digits")
def _(ctx: Context) -> Outcome:
    n, ks = (12, (2, 3, 5)) if ctx.quick else (60, (2, 3, 4, 6))
    err_np, err_mp, pts = {}, {}, 0
    for rng, (name, d) in zip(_rngs(ctx, len(DIVERGENCES), 11), DIVERGENCES.items()):
        e_np = e_mp = 0.0
        for k in ks:
            P, Q = _asymmetric_pairs(rng, n, k)
            batch = d(P, Q)                               # numpy, batched
            for i in range(len(P)):
                ref = REF.divergence(name, P[i], Q[i])
                e_np = max(e_np, _rel_err(float(batch[i]), ref), _rel_err(d(P[i], Q[i]), ref))
                if i < 3:                                 # mpmath path (1-D mpf lists)
                    with mpmath.workdps(30):
                        Pm, Qm = _to_mp(P[i]), _to_mp(Q[i])
                        e_mp = max(e_mp, _rel_err(d(Pm, Qm), REF.divergence(name, Pm, Qm)))
                pts += 1
        # Bernoulli evaluator, numpy (array) and mpmath
        a, b = rng.uniform(0.01, 0.99, 8), rng.uniform(0.01, 0.99, 8)
        bern = d.bernoulli(a, b)
        for i in range(len(a)):
            e_np = max(e_np, _rel_err(float(bern[i]), REF.divergence(name, [a[i], 1 - a[i]],
                                                                     [b[i], 1 - b[i]])))
        with mpmath.workdps(30):
            am, bm = mpmath.mpf(float(a[0])), mpmath.mpf(float(b[0]))
            e_mp = max(e_mp, _rel_err(d.bernoulli(am, bm),
                                      REF.divergence(name, [am, 1 - am], [bm, 1 - bm])))
        pts += len(a) + 1
        err_np[name], err_mp[name] = e_np, e_mp
    # published worked example (nats), to the digits quoted: half a unit of the last digit
    P, Q, kl_pq, kl_qp = REF.PUBLISHED_KL
    pub = max(abs(KL(np.array(P, float), np.array(Q, float)) - float(kl_pq)) / 5e-8,
              abs(KL(np.array(Q, float), np.array(P, float)) - float(kl_qp)) / 5e-7,
              float(abs(KL(list(P), list(Q)) - kl_pq) / 5e-8),
              abs(KL.bernoulli(0.36, 0.5) - float(REF.bernoulli_kl(0.36, 0.5))) / 1e-15)
    ratio = max(max(err_np.values()) / VAL_TOL_NP, max(err_mp.values()) / VAL_TOL_MP, pub)
    return Outcome(points=pts + 4, worst=ratio, passed=bool(ratio <= 1),
                   detail="max rel error vs textbook sums, numpy: "
                          + ", ".join(f"{k} {v:.0e}" for k, v in err_np.items())
                          + f" (tol {VAL_TOL_NP:g}); mpmath max "
                          f"{max(err_mp.values()):.0e} (tol {VAL_TOL_MP:g}); published KL "
                          f"example |err|/(half last digit) = {pub:.2f}; worst = largest "
                          f"error/tolerance = {ratio:.2g} (pass <= 1)")


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
    ratio = worst / 1e-9 if all(checks.values()) else np.inf   # a failed identity decides
    return Outcome(points=pts + len(checks), worst=ratio, passed=bool(passed),
                   detail=f"symbolic: {sum(checks.values())}/{len(checks)} identities; "
                          f"numeric swap max rel err {worst:.1e} (tol 1e-9); worst = error/tol "
                          f"(inf if an identity fails)")


@claim(id="fdiv.ce-equals-kl-gradient",
       title="cross-entropy against soft teacher labels and KL(teacher||student) have the same "
             "gradient s - p in the student logits (they differ by the teacher entropy); "
             "reverse KL does not",
       source=f"{PAPER} ('generalizes widely-used metrics like KL'); Thm 3.6", method="symbolic",
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
    ratio = max(worst / 1e-12, 1e-3 / worst_rev) if sym_ok else np.inf
    return Outcome(points=pts, worst=ratio, passed=bool(passed),
                   detail=f"symbolic CE/KL gradient = s - p: {sym_ok}; numeric max |dCE - dKL| = "
                          f"{worst:.1e} (tol 1e-12); reverse-KL differs by >= {worst_rev:.2f} "
                          f"(need > 1e-3); worst = max(err/1e-12, 1e-3/rev diff)")


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


def grad_coefficient_error(d: FDivergence) -> float:
    """Max relative error of the generated ``a(t) = f(t) - t f'(t)`` (numpy and
    mpmath evaluators, and its limit ``a(0+)``) against the hand-derived
    :func:`reference.grad_coefficient`, on ``t`` from 1e-6 to 1e6 (TV: t != 1)."""
    ts = [1e-6, 1e-3, 0.05, 0.3, 0.7, 0.999, 1.001, 1.5, 4.0, 30.0, 1e3, 1e6]
    a_np = np.asarray(d._a_np(np.array(ts)), dtype=float) * np.ones(len(ts))
    worst = 0.0
    with mpmath.workdps(30):
        for tv, an in zip(ts, a_np):
            ref = REF.grad_coefficient(d.name, tv)
            scale = max(abs(ref), 1)
            worst = max(worst, float(abs(an - ref) / scale),
                        float(abs(d._a_mp(mpmath.mpf(tv)) - ref) / scale) * 1e12)  # mp: 1e-12 of tol
        a0 = REF.grad_coefficient(d.name, mpmath.mpf(10) ** -40)
        a0_sym = d.a_at_0
        if a0_sym.is_finite:     # KL 0, JS log(2)/2, H2 1, chi2 1, TV 1/2; a(0+) = inf otherwise
            worst = max(worst, float(abs(mpmath.mpf(sp.N(a0_sym, 30)) - a0) / max(abs(a0), 1)))
        elif mpmath.isfinite(a0) and abs(a0) < 50:
            worst = np.inf
    return worst


#: fdiv.grad-closed-form: a float a(t) is good to ~1e-15 relative; 1e-12 tolerance.
A_TOL = 1e-12


@claim(id="fdiv.grad-closed-form",
       title="dL/dz_j = s_j (a(t_j) - sum_i s_i a(t_i)), a(t) = f(t) - t f'(t), t_i = p_i/s_i, "
             "for L = D_f(teacher || softmax(z)): the mpmath gradient equals finite differences "
             "of the mpmath loss (all seven f and a user-defined f), and the generated a(t) "
             "equals the hand-derived a(t) of each standard f (KL -t, chi2 1 - t^2, ...)",
       source="derived here (chain rule through softmax); losses from " + PAPER,
       method="high-precision", domain="k in {2..6}, teacher ~ Dirichlet(1), logits ~ N(0, 4); "
                                       "40 digits; a(t) on t in [1e-6, 1e6] and t -> 0+")
def _(ctx: Context) -> Outcome:
    n = 3 if ctx.quick else 25
    divs = list(DIVERGENCES.values()) + [_ALPHA_HALF]
    errs = {d.name: gradient_fd_error(d, rng, n) for rng, d in zip(_rngs(ctx, len(divs), 5), divs)}
    a_errs = {name: grad_coefficient_error(d) for name, d in DIVERGENCES.items()}
    # tolerance 1e-18: see gradient_fd_error (correct ~1e-20, wrong O(1))
    ratio = max(max(errs.values()) / 1e-18, max(a_errs.values()) / A_TOL)
    return Outcome(points=n * len(divs) + 13 * len(a_errs), worst=ratio, passed=bool(ratio <= 1),
                   detail="max rel |FD - closed form| (40 digits, tol 1e-18): "
                          + ", ".join(f"{k} {v:.0e}" for k, v in errs.items())
                          + f"; max rel |a(t) - hand a(t)| (tol {A_TOL:g}): "
                          + ", ".join(f"{k} {v:.0e}" for k, v in a_errs.items())
                          + f"; worst = largest error/tolerance = {ratio:.2g}")


def _mp_loss(d: FDivergence, P, Z):
    """``D_f(P || softmax(Z))`` through the public mpmath path (1-D mpf lists)."""
    return d.loss_and_grad(P, Z)[0]


def float_gradient_errors(d: FDivergence, rng, n_points: int) -> tuple[float, float, float]:
    """Float (numpy) loss and logit gradient of ``d`` against the mpmath evaluator.

    Returns ``(loss_err, grad_err, redo_err)``: the max relative error of the
    numpy loss against the *hand-written* divergence of (teacher, softmax), and
    of the numpy gradient (batched, shape (n, k)) against central finite
    differences of the mpmath *loss* at 30 digits (h = 1e-10: truncation
    ~1e-20, rounding ~1e-20, so the reference is exact to float precision);
    Where ``a(0+)`` is finite, every other teacher has a zero entry.
    ``redo_err`` the same gradient error on logits with a spread of ~800, where
    softmax underflows and the float path recomputes entries in mpmath (not for
    chi2, whose loss p^2/s overflows there by design).
    TV entries with ``|p_i/s_i - 1| < 1e-3`` are redrawn (kink of the generator).
    """
    def draw(k, spread):
        while True:
            P = rng.dirichlet(np.ones(k))
            Z = 2 * rng.standard_normal(k)
            if spread:
                Z[0] -= spread                            # s_0 ~ e^-800: below float64
                P = np.r_[rng.uniform(0.05, 0.3), P[1:] / P[1:].sum() * 1]
                P[1:] *= (1 - P[0]) / P[1:].sum()
            S = np.exp(Z - Z.max())
            S /= S.sum()
            if d.name != "tv" or np.all(np.abs(P[S > 0] / S[S > 0] - 1) > 1e-3):
                return P, Z

    def fd_grad(P, Z):
        with mpmath.workdps(30):
            h = mpmath.mpf(10) ** -10
            Pm = _to_mp(P)
            Zm = [mpmath.mpf(float(z)) for z in Z]
            out = []
            for j in range(len(Z)):
                zp, zm = list(Zm), list(Zm)
                zp[j] += h
                zm[j] -= h
                out.append(float((_mp_loss(d, Pm, zp) - _mp_loss(d, Pm, zm)) / (2 * h)))
            loss = REF.divergence(d.name, Pm, [mpmath.exp(z - mpmath.log(mpmath.fsum(
                mpmath.exp(w) for w in Zm))) for z in Zm]) if d.name in REF.NAMES else None
        return np.array(out), loss

    k = int(rng.integers(3, 7))
    draws = [draw(k, 0) for _ in range(n_points)]
    if np.isfinite(float(d.a_at_0)):       # zero teacher entries use the limit a(0+)
        for i in range(0, n_points, 2):
            P0 = draws[i][0].copy()
            P0[0] = 0.0
            draws[i] = (P0 / P0.sum(), draws[i][1])
    P = np.array([a for a, _ in draws])
    Z = np.array([b for _, b in draws])
    loss, grad = d.loss_and_grad(P, Z)                      # batched float path
    loss_err = grad_err = redo_err = 0.0
    for i in range(n_points):
        g, ref = fd_grad(P[i], Z[i])
        grad_err = max(grad_err, float(np.abs(grad[i] - g).max() / np.abs(g).max()))
        if ref is not None:
            loss_err = max(loss_err, _rel_err(float(loss[i]), ref))
    if d.name != "chi2":                                  # k >= 3: with k = 2 the gradient
        P1, Z1 = draw(max(k, 3), 800.0)                   # itself is ~e^-800 (no scale)
        _, g1 = d.loss_and_grad(P1, Z1)
        g, _ = fd_grad(P1, Z1)
        redo_err = float(np.abs(g1 - g).max() / np.abs(g).max())
    return loss_err, grad_err, redo_err


def objective_gradient_error(d: FDivergence, rng, n: int = 12, dim: int = 3) -> float:
    """Max relative error of the gradient of the training objective
    (:func:`w2s._binary_objective`: mean D_f over samples + ridge) against
    central float differences of its value (h = 1e-6: error ~1e-10 relative).
    TV: teacher labels are kept >= 0.05 away from the student's probabilities."""
    from scipy.special import expit

    from .w2s import _binary_objective
    X1 = np.hstack([rng.standard_normal((n, dim)), np.ones((n, 1))])
    theta = rng.standard_normal(dim + 1)
    s = expit(X1 @ theta)
    p = rng.uniform(0.02, 0.98, n)
    p = np.where(np.abs(p - s) < 0.05, np.clip(s + 0.3 * np.sign(0.5 - s), 0.02, 0.98), p)
    fun = _binary_objective(d, X1, np.stack([p, 1 - p], -1), 0.1)
    _, g = fun(theta)
    h = 1e-6
    fd = np.array([(fun(theta + h * e)[0] - fun(theta - h * e)[0]) / (2 * h)
                   for e in np.eye(dim + 1)])
    return float(np.abs(g - fd).max() / np.abs(fd).max())


#: Tolerances of fdiv.grad-float-fd (relative to the largest gradient entry):
#: float64 gradient vs an exact reference: a few ulp of O(1) terms, amplified
#: at most ~10x by cancellation in a - sum s a -> 1e-9 leaves > 1000x room;
#: the objective's float central differences (h = 1e-6) are good to ~1e-9 -> 1e-6.
GRAD_TOL, OBJ_TOL = 1e-9, 1e-6


@claim(id="fdiv.grad-float-fd",
       title="the float64 loss and logit gradient used in training (batched numpy path, incl. "
             "the underflow fallback) agree for every standard f with finite differences of the "
             "mpmath loss and with the textbook divergence; the gradient of the W2S training "
             "objective agrees with finite differences of the objective",
       source="derived here (chain rule through softmax); losses from " + PAPER,
       method="high-precision",
       domain="k in {2..6}, teacher ~ Dirichlet(1), logits ~ N(0, 4) and spread 800; "
              "objective: n = 12, dim 3, ridge 0.1; 4 (quick) / 20 points per f")
def _(ctx: Context) -> Outcome:
    n = 4 if ctx.quick else 20
    rows = {}
    for rng, (name, d) in zip(_rngs(ctx, len(DIVERGENCES), 12), DIVERGENCES.items()):
        le, ge, re_ = float_gradient_errors(d, rng, n)
        oe = max(objective_gradient_error(d, rng) for _ in range(1 if ctx.quick else 5))
        rows[name] = (le, ge, re_, oe)
    ratio = max(max(le / VAL_TOL_NP, ge / GRAD_TOL, re_ / GRAD_TOL, oe / OBJ_TOL)
                for le, ge, re_, oe in rows.values())
    ratio = np.inf if np.isnan(ratio) or any(np.isnan(rows[k]).any() for k in rows) else ratio
    return Outcome(points=len(rows) * (n + 2), worst=ratio, passed=bool(ratio <= 1),
                   detail="rel err loss/grad/underflow-grad/objective-grad: "
                          + ", ".join(f"{k} {a:.0e}/{b:.0e}/{c:.0e}/{e:.0e}"
                                      for k, (a, b, c, e) in rows.items())
                          + f" (tol {VAL_TOL_NP:g}/{GRAD_TOL:g}/{GRAD_TOL:g}/{OBJ_TOL:g}); "
                          f"worst = largest error/tolerance = {ratio:.2g} (pass <= 1)")


def local_chi2_error(d: FDivergence, rng, n_points: int, eps: float = 1e-12, c=None) -> float:
    """Max ``|D_f(P||Q)/chi2(P||Q) - c| / c`` for ``P = Q(1 + eps g)``, at 60 digits.

    ``c`` defaults to the generator's ``f''(1)/2``; the claim passes the
    hand-derived constant.  chi2 is the hand-written textbook sum, D_f the
    public mpmath evaluator.  Taylor: D_f = f''(1)/2 chi2 + O(eps^3), so the
    relative error is O(eps) = 1e-12.
    """
    c = d.f2_at_1 / 2 if c is None else c
    worst = 0.0
    with mpmath.workdps(60):
        cm = mpmath.mpf(sp.N(c, 70)) if isinstance(c, sp.Basic) else mpmath.mpf(c)
        for _ in range(n_points):
            k = int(rng.integers(2, 7))
            Q = _to_mp(rng.dirichlet(np.ones(k)))
            g = [mpmath.mpf(float(v)) for v in rng.standard_normal(k)]
            mean = mpmath.fsum(qi * gi for qi, gi in zip(Q, g))
            P = [qi * (1 + eps * (gi - mean)) for qi, gi in zip(Q, g)]
            worst = max(worst, float(abs(d(P, Q) / REF.divergence("chi2", P, Q) - cm) / abs(cm)))
    return worst


def local_chi2_error_float(d: FDivergence, rng, n_points: int, c, eps: float = 1e-4) -> float:
    """The float (numpy, batched) version of :func:`local_chi2_error` at ``eps = 1e-4``:
    the O(eps) Taylor remainder (|g| <~ 4) and float cancellation (~1e-16/eps^2 = 1e-8)
    stay below 1e-3 relative."""
    k = 4
    Q = rng.dirichlet(np.ones(k), n_points)
    g = rng.standard_normal((n_points, k))
    g -= (Q * g).sum(-1, keepdims=True)
    P = Q * (1 + eps * g)
    chi2 = ((P - Q) ** 2 / Q).sum(-1)
    return float(np.max(np.abs(d(P, Q) / chi2 - float(c)) / float(c)))


#: fdiv.local-chi2 tolerances: 60-digit path (remainder O(1e-12) times |g|/q <~ 1e3) and
#: float path (see local_chi2_error_float).
LOCAL_TOL_MP, LOCAL_TOL_NP = 1e-6, 1e-3


@claim(id="fdiv.local-chi2",
       title="as P -> Q every smooth f-divergence is f''(1)/2 times chi2(P||Q) with the hand-"
             "derived f''(1) (KL 1, reverse KL 1, JS 1/4, Jeffreys 2, H2 1/2, chi2 2), in both "
             "evaluators (the sense in which the losses are locally equivalent)",
       source=f"{PAPER} ('equivalence of different f-divergence losses'); Csiszar 1967",
       method="high-precision", domain="k in {2..6}, P = Q(1 + 1e-12 g), 60 digits; float path "
                                       "k = 4, eps = 1e-4; TV excluded (not differentiable at 1)")
def _(ctx: Context) -> Outcome:
    n = 4 if ctx.quick else 30
    divs = [d for d in DIVERGENCES.values() if d.name != "tv"]
    rows = {}
    for rng, d in zip(_rngs(ctx, len(divs), 6), divs):
        c = mpmath.mpf(REF.F2_AT_1[d.name]) / 2
        # the generator's own f''(1) must be the hand value, too
        sym = abs(float(sp.N(d.f2_at_1, 30)) - 2 * float(c)) / (2 * float(c))
        rows[d.name] = (local_chi2_error(d, rng, n, c=c), local_chi2_error_float(d, rng, 4 * n, c),
                        sym)
    ratio = max(max(a / LOCAL_TOL_MP, b / LOCAL_TOL_NP, s_ / 1e-15) for a, b, s_ in rows.values())
    return Outcome(points=5 * n * len(divs), worst=ratio, passed=bool(ratio <= 1),
                   detail="max rel |D_f/chi2 - f''(1)/2| mpmath/float, rel err of generated "
                          "f''(1): " + ", ".join(f"{k} {a:.0e}/{b:.0e}/{s_:.0e}"
                                                  for k, (a, b, s_) in rows.items())
                          + f" (tol {LOCAL_TOL_MP:g}/{LOCAL_TOL_NP:g}/1e-15); worst = largest "
                          f"error/tolerance = {ratio:.2g}")


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
    ratio = max(tv_dev / 1e-3, 1e-2 / kl_dev)
    return Outcome(points=2 * seeds, worst=ratio, passed=bool(tv_dev < 1e-3 and kl_dev > 1e-2),
                   detail=f"TV student max |theta - theta_T| = {tv_dev:.1e} (tol 1e-3); "
                          f"KL student deviates by >= {kl_dev:.2f} (need > 1e-2); worst = "
                          f"max(TV dev/1e-3, 1e-2/KL dev) = {ratio:.2g}")


#: fdiv.w2s-misfit-gain: finite-n bias of the student's PGR below the population
#: value, in units of d/n (7 head parameters, d = 6).  Measured (16 teachers,
#: paired): at n = 200 the deficit is 0.055 +- 0.021 (smooth losses) and
#: 0.095 +- 0.029 (TV), at n = 800 0.009 +- 0.011 and 0.039 +- 0.016, at
#: n = 3200 0.00 +- 0.005 (all): ~1.2-1.8 d/n (smooth), ~3-5 d/n (TV, non-smooth).
C_MISFIT = {"tv": 5.0}
C_MISFIT_DEFAULT = 2.0
#: ... and of the fitted head (theta_student - theta*, per coordinate), in units of 1/n.
C_THETA = 5.0
Z_MISFIT = 3.0


#: Monte Carlo test samples behind the exact-error checks of fdiv.w2s-misfit-gain
#: (SE ~ 7e-4 at error 0.1: a 5% error in the formula is ~7 SE).
N_MC_ERROR = 200_000


def misfit_design(quick: bool):
    """``(n, n_weak, teachers, seeds per teacher)`` of fdiv.w2s-misfit-gain (d = 6)."""
    return (800, 200, 2, 5) if quick else (3200, 200, 3, 8)


@claim(id="fdiv.w2s-misfit-gain",
       title="when the teacher's errors are not representable by the student (noisy weak view, "
             "tau > 0), every f-divergence student recovers the fraction of the gap PGR* of the "
             "population f-risk minimiser (reverse KL and TV: exactly the denoised teacher; "
             "others by quadrature), PGR* ~ 0.5 > 0",
       source=f"{PAPER} ('f-divergence loss ... effectively improves generalization'); "
              "population minimiser derived here (w2s.population_student)",
       method="simulation",
       domain="tau = 1, d = 6, d_weak = 3; quick: n = 800, 1 teacher x 6 student samples; full: "
              "n = 3200, 3 teachers x 6")
def _(ctx: Context) -> Outcome:
    from w2s_theory._stats import agreement

    from .w2s import population_student, train_teacher, w2s_trial
    model = _w2s_model(True, 1.0)                       # d = 6 in both modes (bias ~ d/n)
    n, n_weak, n_teach, n_seeds = misfit_design(ctx.quick)
    names = list(DIVERGENCES)
    dev = {k: [] for k in names}
    dth = {k: [] for k in names}
    sim = {k: [] for k in names}
    theo = {k: [] for k in names}
    for tk in np.random.SeedSequence([ctx.seed, 9]).spawn(n_teach):
        k_t, k_s = tk.spawn(2)
        th_T = train_teacher(model, np.random.default_rng(k_t), n_weak)
        err_w = model.weak_error(th_T[:-1], th_T[-1])
        pop = {k: population_student(model, th_T, k) for k in names}
        # PGR* from its definition (Burns et al. 2023), written out here
        star = {k: (err_w - pop[k][0]) / (err_w - model.bayes_error) for k in names}
        for ss in k_s.spawn(n_seeds):
            r = w2s_trial(model, names, np.random.default_rng(ss), n=n, n_weak=n_weak,
                          theta_T=th_T)
            for k in names:
                dth[k].append(r[(k, 0.0)]["theta"] - pop[k][1])
                dev[k].append(r[(k, 0.0)]["pgr"] - star[k])
                sim[k].append(r[(k, 0.0)]["pgr"])
                theo[k].append(star[k])
    # PGR bookkeeping = its definition (Burns et al. 2023), recomputed here from the errors
    pgr_def = max(abs(r[(k, 0.0)]["pgr"] - (r["err_weak"] - r[(k, 0.0)]["err"])
                      / (r["err_weak"] - model.bayes_error)) for k in names)
    # the exact test errors against Monte Carlo (they enter both sides of the comparison,
    # so they are checked on their own): teacher on the weak view, KL student on x
    xt, yt, vt = model.sample(np.random.default_rng(np.random.SeedSequence([ctx.seed, 19])),
                              N_MC_ERROR)
    mc = {}
    for what, pred, formula in (
            ("teacher", vt @ th_T[:-1] + th_T[-1], model.weak_error(th_T[:-1], th_T[-1])),
            ("student", xt @ r[("kl", 0.0)]["theta"][:-1] + r[("kl", 0.0)]["theta"][-1],
             r[("kl", 0.0)]["err"]),
            ("bayes", xt @ model.mu, model.bayes_error)):
        e_mc = float(np.mean(np.where(pred >= 0, 1.0, -1.0) != yt))
        mc[what] = abs(e_mc - formula) / np.sqrt(formula * (1 - formula) / N_MC_ERROR) / 4
    # the mpmath path of the exact error formula (30 digits) reproduces the float value
    from .w2s import GAUSS_ERROR
    m_t = float(th_T[:-1] @ model.mu[:model.d_weak])
    s_t = float(np.linalg.norm(th_T[:-1])) * np.sqrt(1 + model.tau ** 2)
    with mpmath.workdps(30):
        e_mp = GAUSS_ERROR(*(mpmath.mpf(v) for v in (m_t, float(th_T[-1]), s_t)))
    mp_path = abs(float(e_mp) - model.weak_error(th_T[:-1], th_T[-1])) / float(e_mp)
    ratios = {"pgr-definition": pgr_def / 1e-12, "error-mpmath-path": mp_path / 1e-12,
              **{f"error-mc {k}": v for k, v in mc.items()}}
    for k in names:
        x = np.asarray(dev[k])
        ag = agreement(x.mean(), x.std(ddof=1) / np.sqrt(len(x)), 0.0, n / model.d,
                       z=Z_MISFIT, C=C_MISFIT.get(k, C_MISFIT_DEFAULT), reps=len(x))
        ratios[k] = ag.worst_ratio
        # the head itself: every coordinate of theta_student - theta* (O(1/sqrt n) noise,
        # O(1/n) bias) -- the sensitive part: a student fitted to other labels is O(1) off
        x = np.asarray(dth[k])
        ag = agreement(x.mean(0), x.std(0, ddof=1) / np.sqrt(len(x)), 0.0, n,
                       z=Z_MISFIT, C=C_THETA, reps=len(x))
        ratios[f"theta {k}"] = ag.worst_ratio
    pstar_min = min(min(v) for v in theo.values())
    # a NaN ratio (e.g. an error formula outside [0, 1] under the square root) is a failure;
    # max() would silently skip it
    worst = max(v if np.isfinite(v) else np.inf for v in ratios.values())
    extra = ", ".join(f"{k} {ratios[k]:.2f}" for k in ratios if k not in names
                      and not k.startswith("theta"))
    th_worst = max(v for k, v in ratios.items() if k.startswith("theta"))
    return Outcome(points=len(names) * n_teach * n_seeds, worst=worst,
                   passed=bool(worst <= 1 and pstar_min > 0),
                   detail="PGR sim/theory (ratio |mean dev| / (t-z SE + C d/n)): "
                          + ", ".join(f"{k} {np.mean(sim[k]):.3f}/{np.mean(theo[k]):.3f} "
                                      f"({ratios[k]:.2f})" for k in names)
                          + f"; z = {Z_MISFIT:g} (Student-t, {n_teach * n_seeds} reps), C = "
                          f"{C_MISFIT_DEFAULT:g} (TV {C_MISFIT['tv']:g}), d/n = "
                          f"{model.d / n:.4f}; heads theta - theta*: max ratio "
                          f"{th_worst:.2f} (t-z SE + {C_THETA:g}/n per coordinate); "
                          f"min PGR* = {pstar_min:.2f} (need > 0); "
                          f"checks as ratio to tolerance: {extra} (PGR = definition to 1e-12; "
                          f"exact test errors vs {N_MC_ERROR} Monte Carlo samples within 4 SE); "
                          f"worst = largest ratio (pass <= 1)")


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
                                  np.stack([pr, 1 - pr], -1), 0.0, blocks=True)
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
    return Outcome(points=seeds * len(ns), worst=abs(rate - 1) / (Z_RATE * se + C_RATE),
                   passed=bool(ok),
                   detail=f"fitted rate {rate:.3f} +- {se:.3f} (95% CI [{ci[0]:.2f}, {ci[1]:.2f}]); "
                          f"pass if |rate - 1| <= {Z_RATE:g} SE + {C_RATE:g} = "
                          f"{Z_RATE * se + C_RATE:.3f}; worst = |rate - 1| / allowance")
