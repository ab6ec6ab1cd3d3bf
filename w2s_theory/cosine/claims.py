"""Checkable claims of the cosine-similarity mechanism (Geng, Hansen & Li 2026)."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from proofs_check import Context, Outcome, claim

from . import bounds, checks, paper
from .calculus import (COEF, cosine, cosine_gradient, cosine_hessian, p, q, r,
                       symbolic_cosine, symbolic_gradient, symbolic_hessian)
from .sft import cosine_rate, expected_gradient, relative_correlation, sample_on_cone

SRC = "Geng, Hansen & Li 2026"


def _rng(ctx, *key):
    return np.random.default_rng([ctx.seed, *key])


# ------------------------------------------------------------------ calculus
def _verdict(parts):
    """(worst, passed, text) from ``[(label, ratio), ...]`` with ratio = error/tolerance (≤ 1 passes).

    ``worst`` is the largest ratio, i.e. the comparison that decided the verdict; the text names it.
    """
    label, worst = max(parts, key=lambda p: p[1])
    return worst, worst <= 1, f"deciding: {label} (error/tolerance {worst:.3g})"


def _dyadic(rng, lo=1, hi=10):
    """A random nonzero dyadic rational k/2^j (exactly representable in float64)."""
    return sp.Rational(int(rng.integers(lo, hi)) * int(rng.choice([-1, 1])), 2 ** int(rng.integers(0, 3)))


# Tolerances of the calculus claims: float64 evaluators vs exact values (relative to the largest
# entry), and 40-digit evaluators vs exact values (absolute; entries are O(1)).
FLOAT_RTOL, MP_TOL = 1e-13, 1e-30


@claim(id="cosine.derivatives-symbolic",
       title="Gradient and Hessian of the Σ-cosine (Lemma C.1) equal the component-wise SymPy derivatives; "
             "cosine, cosine_gradient and cosine_hessian (float and 40-digit paths) match them exactly",
       source=f"{SRC}, Lemma C.1 (Eq. 9)", method="symbolic",
       domain="symbolic d = 2 (quick) / 2, 3; exact dyadic-rational w, w*, Σ = AAᵀ + I (exact in float64)")
def _(ctx: Context) -> Outcome:
    dims = (2,) if ctx.quick else (2, 3)
    bad = pts = 0
    parts = []
    for d in dims:
        c, w, ws, S = symbolic_cosine(d)
        grad, hess = symbolic_gradient(d), symbolic_hessian(d)
        rng = _rng(ctx, d)
        for _ in range(2):
            # dyadic rationals: the float64 inputs are exactly the symbolic point
            vals = {x: _dyadic(rng) for x in list(w) + list(ws)}
            A = sp.Matrix(d, d, lambda i, j: sp.Rational(int(rng.integers(-3, 4)), 2))
            Sv = A * A.T + sp.eye(d)
            vals.update({S[i, j]: Sv[i, j] for i in range(d) for j in range(d)})
            wv, wsv = w.xreplace(vals), ws.xreplace(vals)
            u, v = Sv * wsv, Sv * wv
            pqr = {p: (wv.T * Sv * wsv)[0], q: (wv.T * Sv * wv)[0], r: (wsv.T * Sv * wsv)[0]}
            k = {n: COEF[n].expr.subs(pqr) for n in COEF}
            g = k["c_p"] * u + 2 * k["c_q"] * v
            h = (k["c_pp"] * u * u.T + 2 * k["c_pq"] * (u * v.T + v * u.T) + 4 * k["c_qq"] * v * v.T
                 + 2 * k["c_q"] * Sv)
            g_ex, h_ex, c_ex = grad.xreplace(vals), hess.xreplace(vals), c.xreplace(vals)
            bad += sum(sp.simplify(e) != 0 for e in list(g_ex - g) + list(h_ex - h) + [c_ex - k["c"]])
            # the public evaluators at the same (exactly representable) point, both numeric paths
            wf = np.array([float(x) for x in wv])
            wsf = np.array([float(x) for x in wsv])
            Sf = np.array(Sv.tolist(), dtype=float)
            for name, fn, ex in (("cosine", cosine, [c_ex]), ("cosine_gradient", cosine_gradient, g_ex),
                                 ("cosine_hessian", cosine_hessian, h_ex)):
                with mpmath.workdps(50):
                    ex50 = [mpmath.mpf(str(sp.N(e, 50))) for e in ex]
                exf = np.array([float(e) for e in ex50])
                got = np.ravel(fn(wf, wsf, Sf))
                parts.append((f"{name} float64, d={d}", float(np.max(np.abs(got - exf)) / np.max(np.abs(exf)))
                              / FLOAT_RTOL))
                gm = fn(wf, wsf, Sf, dps=40)
                gm = [gm] if isinstance(gm, mpmath.mpf) else [x for row in gm.tolist() for x in row]
                with mpmath.workdps(50):
                    err = max(abs(a - e) for a, e in zip(gm, ex50))
                parts.append((f"{name} dps=40, d={d}", float(err) / MP_TOL))
            pts += 1
    parts.append(("exact SymPy mismatches (Lemma C.1 assembly vs component-wise)", math.inf if bad else 0.0))
    worst, ok, txt = _verdict(parts)
    return Outcome(points=pts, worst=worst, passed=ok,
                   detail=f"{pts} exact dyadic points, d in {dims}: {bad} nonzero entries in Lemma C.1 − "
                          f"component-wise SymPy; public evaluators vs the exact values: float rel. tol "
                          f"{FLOAT_RTOL:g}, 40-digit abs. tol {MP_TOL:g}; {txt}")


@claim(id="cosine.derivatives-high-precision",
       title="Generated gradient/Hessian agree with 40-digit numerical differentiation of an independently "
             "coded cosine; float paths (cosine, gradient, Hessian) agree with the 40-digit paths",
       source=f"{SRC}, Lemma C.1", method="high-precision",
       domain="d = 3, random w, w*, Σ with condition number 30 (2 cases quick / 6)")
def _(ctx: Context) -> Outcome:
    n = 2 if ctx.quick else 6
    worst_hp, worst_fl = 0.0, 0.0
    for i in range(n):
        rng = _rng(ctx, 10, i)
        w, ws, S = rng.standard_normal(3), rng.standard_normal(3), checks.spd(rng, 3, 30.0)
        with mpmath.workdps(40):
            Sm, wsm = mpmath.matrix(S.tolist()), mpmath.matrix(ws.tolist())

            def cf(*x):
                W = mpmath.matrix(list(x))
                return (W.T * Sm * wsm)[0] / mpmath.sqrt((W.T * Sm * W)[0] * (wsm.T * Sm * wsm)[0])

            x0 = [mpmath.mpf(float(x)) for x in w]
            H, g = cosine_hessian(w, ws, S, dps=40), cosine_gradient(w, ws, S, dps=40)
            c40 = cosine(w, ws, S, dps=40)
            worst_hp = max(worst_hp, float(abs(cf(*x0) - c40)))
            for a in range(3):
                o = [0, 0, 0]
                o[a] = 1
                worst_hp = max(worst_hp, float(abs(mpmath.diff(cf, x0, tuple(o)) - g[a])))
                for b in range(a, 3):
                    o2 = list(o)
                    o2[b] += 1
                    worst_hp = max(worst_hp, float(abs(mpmath.diff(cf, x0, tuple(o2)) - H[a, b])))
            Hf = np.array(H.tolist(), dtype=float)
            gf = np.array(g.tolist(), dtype=float).ravel()
            cfl = float(c40)
        worst_fl = max(worst_fl, float(np.max(np.abs(cosine_hessian(w, ws, S) - Hf)) / np.max(np.abs(Hf))),
                       float(np.max(np.abs(cosine_gradient(w, ws, S) - gf)) / np.max(np.abs(gf))),
                       abs(float(cosine(w, ws, S)) - cfl) / abs(cfl))
    worst, ok, txt = _verdict([("40-digit evaluators vs mpmath.diff", worst_hp / 1e-25),
                               ("float vs 40-digit", worst_fl / FLOAT_RTOL)])
    return Outcome(points=n, worst=worst, passed=ok,
                   detail=f"max |mpmath.diff − generated| = {worst_hp:.1e} (tol 1e-25); "
                          f"float (cosine, gradient, Hessian) vs 40-digit relative {worst_fl:.1e} "
                          f"(tol {FLOAT_RTOL:g}); {txt}")


# ------------------------------------------------------------------ bounds (adversarial search)
# A search "reaches" a bound when its best ratio is ≥ 1 − SEARCH_REACH.  Tightness itself is
# required through explicit witnesses (ratio = 1 to WITNESS_TOL, so a constant ×1.001 already
# fails); the search must also get there unaided, within the accuracy that 20 (quick) / 100
# L-BFGS iterations reach on these smooth ratios (observed ≥ 0.9963 in quick mode, seeds 0–3).
SEARCH_REACH = 1e-2
WITNESS_TOL = 1e-9


def _householder_to_e1(v):
    """Orthogonal Q (a reflection) with Q v/‖v‖ = e₁."""
    v = np.asarray(v, float) / np.linalg.norm(v)
    u = v - np.eye(len(v))[0]
    if np.linalg.norm(u) < 1e-12:
        return np.eye(len(v))
    u /= np.linalg.norm(u)
    return np.eye(len(v)) - 2 * np.outer(u, u)


def _whitened_case(u, us, ev, scale, rng):
    """(w, w*, Σ) with Σ = R diag(ev) Rᵀ (R random orthogonal) and Σ^{1/2}-coordinates u, u*.

    With L = R diag(√ev), Σ = LLᵀ and w = L^{-T}u: c_Σ(w, w*) = c_I(u, u*) and
    ∇c_Σ(w) = L∇c_I(u), ∇²c_Σ(w) = L∇²c_I(u)Lᵀ (Lemma C.1 chain rule).
    """
    R, _ = np.linalg.qr(rng.standard_normal((len(u), len(u))))
    S = (R * ev) @ R.T
    return scale * R @ (u / np.sqrt(ev)), R @ (us / np.sqrt(ev)), (S + S.T) / 2


def _witness_eigs(rng, d):
    """Eigenvalues of Σ: the largest first, the smallest last, the rest in between."""
    mid = np.exp(rng.uniform(-1.5, 1.5, d - 2))
    return np.concatenate([[math.exp(2.0)], mid, [math.exp(-2.0)]])


def _hessian_witness(rng, d=4):
    """A case attaining Lemma C.3: c = 1/√3 and the extremal Hessian eigenvector ∥ top eigenvector of Σ.

    For Σ = I, ‖u‖ = 1 the Hessian's spectral radius is 2/√3 at c = 1/√3 (cosine.hessian-constant);
    rotating its extremal eigenvector onto the top eigenvector of Σ gives ‖L H Lᵀ‖ = λmax ‖H‖.
    The Hessian is evaluated with ``cosine_hessian``, independently of the bound.
    """
    c = 1 / math.sqrt(3)
    u, e2 = np.eye(d)[1], np.eye(d)[2]
    us = c * u + math.sqrt(1 - c * c) * e2
    lam, V = np.linalg.eigh(cosine_hessian(u, us))
    Q = _householder_to_e1(V[:, np.argmax(np.abs(lam))])
    return _whitened_case(Q @ u, Q @ us, _witness_eigs(rng, d), 3.7, rng)


def _gradient_witness(rng, d=4, c=0.3):
    """A case attaining Lemma C.4: ∇c_I(u) (computed) rotated onto the top eigenvector of Σ."""
    u, e2 = np.eye(d)[1], np.eye(d)[2]
    us = c * u + math.sqrt(1 - c * c) * e2
    Q = _householder_to_e1(cosine_gradient(u, us))
    return _whitened_case(Q @ u, Q @ us, _witness_eigs(rng, d), 0.6, rng)


def _residual_witness(rng, d=4, c=0.4):
    """A case attaining the residual bound: u = (e_max + e_min)/√2, ∇c_I(u) ∥ e_max − e_min."""
    e_max, e_min = np.eye(d)[0], np.eye(d)[d - 1]
    u = (e_max + e_min) / math.sqrt(2)
    us = c * u + math.sqrt(1 - c * c) * (e_max - e_min) / math.sqrt(2)
    return _whitened_case(u, us, _witness_eigs(rng, d), 2.3, rng)


def _tightness(best, witness):
    """Detail text built from the computed search maximum and witness ratio."""
    reached = best >= 1 - SEARCH_REACH
    attained = abs(witness - 1) <= WITNESS_TOL
    return reached and attained, (f"witness ratio {witness:.12f} (|·−1| ≤ {WITNESS_TOL:g}: {attained}); "
                                  f"search reaches 1 − {SEARCH_REACH:g}: {reached}")


def _search(ctx, ratio, key, quick_iter=20):
    dims = (3,) if ctx.quick else (2, 3, 6)
    restarts, maxiter = (1, quick_iter) if ctx.quick else (2, 100)
    best, nev = -np.inf, 0
    for d in dims:
        b, n = bounds.adversarial_max(ratio, d, _rng(ctx, key, d), restarts=restarts, maxiter=maxiter)
        best, nev = max(best, b), nev + n
    return best, nev, dims


@claim(id="cosine.hessian-bound",
       title="‖∇²c(w)‖₂ ≤ (2/√3) λmax(Σ)/‖w‖²_Σ, and the constant 2/√3 is attained (tight)",
       source=f"{SRC}, Lemma C.3", method="search",
       domain="L-BFGS over w, w*, diagonal Σ (WLOG) with eigenvalues in [e^-4, e^4], d = 3 quick / {2,3,6}; "
              "plus an explicit attaining case (d = 4, rotated Σ with condition e⁴)")
def _(ctx: Context) -> Outcome:
    best, nev, dims = _search(ctx, bounds.hessian_ratio, 1)
    best_s, nev_s, _ = _search(ctx, lambda w, ws, S: bounds.hessian_ratio(w, ws, S, "sigma"), 2)
    case = _hessian_witness(_rng(ctx, 30))
    wit, wit_s = bounds.hessian_ratio(*case), bounds.hessian_ratio(*case, "sigma")
    worst = max(best, best_s)
    tight, txt = _tightness(best, wit)
    tight_s, txt_s = _tightness(best_s, wit_s)
    # worst = margin 1 − max ratio (≥ 0: no counterexample); passing also needs both forms attained
    return Outcome(points=nev + nev_s + 2, worst=1 - worst, worst_kind="margin",
                   passed=worst <= 1 + 1e-9 and tight and tight_s,
                   detail=f"max ‖∇²c‖₂/bound = {best:.10f}, {txt}; Σ-norm form max = {best_s:.12f}, {txt_s} "
                          f"⇒ bound holds: {worst <= 1 + 1e-9}, constant tight: {tight and tight_s}")


@claim(id="cosine.hessian-constant",
       title="Isotropic Hessian on span(w, w*) has char. polynomial λ² + cλ − (1−c²); max spectral radius 2/√3 at c = 1/√3",
       source=f"{SRC}, Lemma C.3 (proof)", method="symbolic", domain="c ∈ [−1, 1], symbolic")
def _(ctx: Context) -> Outcome:
    c, lam = bounds._c, bounds._lam
    s = sp.sqrt(1 - c ** 2)
    block = sp.Matrix([[0, -s], [-s, -c]])
    ok1 = sp.expand((lam * sp.eye(2) - block).det() - bounds.CHAR_POLY) == 0
    f = (c + sp.sqrt(4 - 3 * c ** 2)) / 2                  # spectral radius for c ≥ 0 (even in c)
    crit = [x for x in sp.solve(sp.diff(f, c), c) if x.is_real and 0 <= x <= 1]
    vals = [sp.nsimplify(f.subs(c, x)) for x in crit + [0, 1]]
    m = max(vals, key=lambda v: float(v))
    ok2 = sp.simplify(m - bounds.HESSIAN_CONSTANT) == 0 and crit == [1 / sp.sqrt(3)]
    # and the block is what cosine_hessian produces (‖w‖ = 1, random direction pair)
    rng = _rng(ctx, 3)
    w = rng.standard_normal(5)
    w /= np.linalg.norm(w)
    ws = rng.standard_normal(5)
    cc = cosine(w, ws)
    e2 = ws / np.linalg.norm(ws) - cc * w
    e2 /= np.linalg.norm(e2)
    B = np.array([w, e2])
    H = cosine_hessian(w, ws)
    num = float(np.max(np.abs(B @ H @ B.T - np.array([[0, -math.sqrt(1 - cc * cc)], [-math.sqrt(1 - cc * cc), -cc]]))))
    ok = ok1 and ok2 and num < 1e-13
    return Outcome(points=len(crit) + 3, worst=num, passed=ok,
                   detail=f"charpoly matches: {ok1}; critical points {crit}, max radius {m}; "
                          f"numeric block error {num:.1e}")


@claim(id="cosine.gradient-bound",
       title="‖∇c(w)‖₂ ≤ √λmax(Σ) √(1−c²)/‖w‖_Σ, tight (hence c is √λmax/r-Lipschitz on ‖w‖_Σ ≥ r)",
       source=f"{SRC}, Lemma C.4", method="search",
       domain="L-BFGS over w, w*, diagonal Σ, d = 3 quick / {2,3,6}; plus an explicit attaining case (d = 4)")
def _(ctx: Context) -> Outcome:
    best, nev, dims = _search(ctx, bounds.gradient_ratio, 4)

    def lip(w, ws, S):                                    # pairs on {‖w‖_Σ ≥ 1}: split the vector
        d = len(w)
        w1, w2 = w, ws
        w1 = w1 / min(1.0, math.sqrt(w1 @ S @ w1))
        w2 = w2 / min(1.0, math.sqrt(w2 @ S @ w2))
        e = np.eye(d)[0]
        dist = np.linalg.norm(w1 - w2)
        if dist < 1e-9:
            return 0.0
        return abs(cosine(w1, e, S) - cosine(w2, e, S)) / dist / math.sqrt(np.max(np.diag(S)))

    best_l, nev_l, _ = _search(ctx, lip, 5, quick_iter=8)
    wit = bounds.gradient_ratio(*_gradient_witness(_rng(ctx, 31)))
    worst = max(best, best_l)
    tight, txt = _tightness(best, wit)
    # worst = margin 1 − max ratio (≥ 0: no counterexample); passing also needs the gradient bound
    # attained.  The Lipschitz corollary is only required to hold (its 8-iteration quick search
    # does not reliably reach 1, so its tightness is reported, not claimed).
    return Outcome(points=nev + nev_l + 1, worst=1 - worst, worst_kind="margin",
                   passed=worst <= 1 + 1e-9 and tight,
                   detail=f"max ‖∇c‖/bound = {best:.10f}, {txt}; max Lipschitz ratio on ‖w‖_Σ ≥ 1 (w* = e1) = "
                          f"{best_l:.6f} of √λmax (≤ 1: {best_l <= 1 + 1e-9})")


# ------------------------------------------------------------------ 0-1 loss
@claim(id="cosine.zero-one-elliptical",
       title="0-1 disagreement of sign⟨w,x⟩ with sign⟨w*,x⟩ is arccos(c_Σ)/π for Gaussian and multivariate-t x",
       source=f"{SRC}, Lemma 2.1", method="simulation",
       domain="d = 8, Σ with condition 10, 4 (w, w*) pairs, t with 3 dof; n = 1e5 (quick) / 4e5 per case")
def _(ctx: Context) -> Outcome:
    from .calculus import zero_one_loss, zero_one_loss_of
    n = 100_000 if ctx.quick else 400_000
    mcs = [checks.zero_one_mc(law, seed=ctx.seed, n=n) for law in ("gaussian", "student-t")]
    outs = [checks.check_zero_one(law=law, n=n, mc=mc) for law, mc in zip(("gaussian", "student-t"), mcs)]
    sharp = [not checks.check_zero_one(checks.perturbed_zero_one, law=law, n=n, mc=mc)[0]
             for law, mc in zip(("gaussian", "student-t"), mcs)]
    # the same MC against zero_one_loss_of (stable angle route), and the 30-digit path of zero_one_loss
    # against mpmath's own arccos at the cases' cosines
    via_angle = max(checks.within(mc[1], [zero_one_loss_of(w, ws, S) for w, ws, S in mc[0]], mc[2],
                                  checks.z_value(len(mc[0]), checks.REPS, checks.ALPHA))[1] for mc in mcs)
    mp_err = 0.0
    with mpmath.workdps(30):
        for w, ws, S in mcs[0][0]:
            cm = cosine(w, ws, S, dps=30)
            mp_err = max(mp_err, float(abs(zero_one_loss(cm) - mpmath.acos(cm) / mpmath.pi)))
    worst, ok, txt = _verdict([("MC vs arccos(c)/π (err/(z·SE))", max(o[1] for o in outs)),
                               ("MC vs zero_one_loss_of (err/(z·SE))", via_angle),
                               ("zero_one_loss 30-digit vs mpmath.acos, tol 1e-25", mp_err / 1e-25),
                               ("×1.05 formula not rejected", 0.0 if all(sharp) else math.inf)])
    return Outcome(points=8, worst=worst, passed=ok,
                   detail="; ".join(o[2] for o in outs) + f"; ×1.05 formula rejected: {all(sharp)}; "
                   f"zero_one_loss_of err/(z·SE) {via_angle:.2f}; 30-digit path error {mp_err:.1e}; {txt}")


def _cube_zero_one(c):
    """Exact P(sign x₁ ≠ sign⟨w*,x⟩) for x uniform on a cube, w = e₁, w* = (c, √(1−c²), 0, …), c ≥ 1/√2.

    Only (x₁, x₂), uniform on a square, matter.  The disagreement set is the two wedges between
    the lines x₁ = 0 and ⟨w*,x⟩ = 0, at angle θ = arccos c apart; for θ ≤ π/4 each wedge is a
    triangle with legs h and h·tan θ in the square [−h, h]², so the probability is
    2 · (h² tan θ/2)/(4h²) = tan(θ)/4 = √(1−c²)/(4c).
    """
    return math.sqrt(1 - c * c) / (4 * c)


@claim(id="cosine.zero-one-non-elliptical",
       title="The arccos(c)/π formula fails for a non-elliptical law (i.i.d. uniform coordinates, sparse directions); "
             "the exact cube value tan(θ)/4 holds",
       source=f"{SRC}, Lemma 2.1 / Proposition 2.2 (ellipticity is needed)", method="simulation",
       domain="d = 8, x uniform on [−√3, √3]^8, w = e1, w* at 30° in span(e1, e2); n = 4e5 (quick) / 1.6e6")
def _(ctx: Context) -> Outcome:
    n = 400_000 if ctx.quick else 1_600_000
    case = [checks.sparse_cube_case()]
    mc = checks.zero_one_mc("uniform-cube", seed=ctx.seed, n=n, cases=case)
    # the sampler must reproduce the exact cube value (z·SE, C = 0: exact at this d) ...
    ok_exact, w_exact, _ = checks.check_zero_one(_cube_zero_one, law="uniform-cube", n=n, mc=mc)
    # ... and the arccos formula must be rejected on the same sample, accepted for Gaussian x
    ok_cube, w_cube, _ = checks.check_zero_one(law="uniform-cube", n=n, mc=mc)
    ok_gauss, w_gauss, _ = checks.check_zero_one(law="gaussian", seed=ctx.seed, n=n, cases=case)
    m, se = float(mc[1][0]), float(mc[2][0])
    c = float(cosine(*case[0]))
    formula, cube_true = math.acos(c) / math.pi, _cube_zero_one(c)
    # worst: the larger standardised error |MC − value|/(z·SE) of the two values that must match
    # (exact cube value, arccos/π for Gaussian x); the arccos-on-cube distance (must be > 1) is in the detail
    return Outcome(points=3, worst=max(w_exact, w_gauss), worst_kind="error",
                   passed=ok_exact and (not ok_cube) and ok_gauss,
                   detail=f"cube MC {m:.4f} ± {se:.4f} (n = {n}) vs exact tan(π/6)/4 = {cube_true:.4f}: "
                          f"err/(z·SE) = {w_exact:.2f}; arccos(c)/π = {formula:.4f} rejected on the cube: "
                          f"{not ok_cube} (err/(z·SE) = {w_cube:.2f}); Gaussian x matches arccos/π: {ok_gauss} "
                          f"(err/(z·SE) = {w_gauss:.2f})")


# ------------------------------------------------------------------ expected gradient & cancellation
@claim(id="cosine.expected-gradient",
       title="Gaussian logistic SFT: −E∇ℓ(w) = (β/2)[√(2/π) Σt/‖t‖_Σ − κ(‖w‖_Σ, β) Σw]",
       source=f"{SRC}, §1 (update direction) with Stein's lemma", method="simulation",
       domain="d = 6, Σ with condition 5, β in {0.5, 1, 4}; n = 1e5 (quick) / 4e5 per case")
def _(ctx: Context) -> Outcome:
    from .sft import kappa
    n = 100_000 if ctx.quick else 400_000
    mc = checks.gradient_mc(seed=ctx.seed, n=n)
    ok, worst, det = checks.check_expected_gradient(n=n, mc=mc)
    s1 = not checks.check_expected_gradient(checks.perturbed_gradient_coef, n=n, mc=mc)[0]
    s2 = not checks.check_expected_gradient(checks.perturbed_gradient_no_kappa, n=n, mc=mc)[0]
    # κ(a, β) on both numeric paths against Stein's form κ = E[g tanh(βag/2)]/a (a different
    # integrand), by 30-digit quadrature: the MC above sees κ only to ~1 %
    k_fl = k_mp = 0.0
    for i, (a_, b_) in enumerate(((0.3, 0.5), (1.0, 4.0), (3.0, 1.0), (30.0, 0.5), (0.05, 4.0), (8.0, 4.0))):
        with mpmath.workdps(20):
            am, bm = mpmath.mpf(a_), mpmath.mpf(b_)
            ref = 2 * mpmath.quad(lambda g: g * mpmath.tanh(bm * am * g / 2) * mpmath.exp(-g * g / 2),
                                  [0, min(1, 1 / (bm * am)), 1, 4, mpmath.inf]) / (am * mpmath.sqrt(2 * mpmath.pi))
            if i == 1:                      # the mpmath path is slow (~0.5 s a call): one point
                k_mp = max(k_mp, float(abs(kappa(am, bm) - ref) / ref))
        k_fl = max(k_fl, abs(kappa(a_, b_) - float(ref)) / float(ref))
    worst, ok2, txt = _verdict([("E∇ℓ: MC vs formula (err/(z·SE))", worst),
                                ("κ float vs Stein quadrature, rel. tol 1e-13", k_fl / 1e-13),
                                ("κ mpmath path (20 digits) vs Stein quadrature, rel. tol 1e-17", k_mp / 1e-17),
                                ("perturbed formulas not rejected", 0.0 if s1 and s2 else math.inf)])
    return Outcome(points=3 + 6, worst=worst, passed=ok and ok2,
                   detail=f"{det}; rejected: √(2/π)×1.1 {s1}, κ term dropped {s2}; κ(a, β) at 6 points vs "
                          f"E[g tanh(βag/2)]/a: float rel. {k_fl:.1e}, mpmath rel. {k_mp:.1e}; {txt}")


@claim(id="cosine.isotropic-cancellation",
       title="For Σ = I the confidence term cancels: ċ = (β/2)√(2/π) [cos(t,w*) − cos(w,w*)cos(t,w)]/‖w‖ (Eq. 2)",
       source=f"{SRC}, §2.3 Eq. 1–2 and §1", method="symbolic",
       domain="symbolic d = 3 (Σ = I); numeric d = 20, Σ = σ²I and anisotropic Σ")
def _(ctx: Context) -> Outcome:
    c, w, ws, S = symbolic_cosine(3)
    iso = {S[i, j]: (1 if i == j else 0) for i in range(3) for j in range(3)}
    g = symbolic_gradient(3).subs(iso)
    t = sp.Matrix(sp.symbols("t1:4", real=True))
    nrm = lambda x: sp.sqrt((x.T * x)[0])
    cos = lambda x, y: (x.T * y)[0] / (nrm(x) * nrm(y))
    euler = sp.simplify((g.T * w)[0])                                       # ⟨∇c, w⟩ = 0
    rel = sp.simplify((g.T * t)[0] / nrm(t) * nrm(w) - (cos(t, ws) - cos(w, ws) * cos(t, w)))
    # numeric: B = 0 for Σ = σ²I, nonzero for anisotropic Σ; rate equals the Eq. 2 form
    rng = _rng(ctx, 6)
    d = 20
    ws_n = np.eye(d)[0]
    wn = sample_on_cone(rng, ws_n, 0.8, 3.0, 1)[0]
    tn = sample_on_cone(rng, ws_n, 0.6, 1.0, 1)[0]
    rate, A, B = cosine_rate(wn, tn, ws_n, 2.5 * np.eye(d), beta=1.0)
    pred = 0.5 * math.sqrt(2 / math.pi) * relative_correlation(wn, tn, ws_n) / np.linalg.norm(wn)
    rate_iso = cosine_rate(wn, tn, ws_n, None, 1.0)[0]
    _, _, B_aniso = cosine_rate(wn, tn, ws_n, checks.spd(rng, d, 10.0), 1.0)
    num = max(abs(B) / abs(A), abs(rate_iso - pred) / abs(pred))
    ok = euler == 0 and rel == 0 and num < 1e-13 and abs(B_aniso) > 1e-3 * abs(A)
    return Outcome(points=4, worst=num, passed=ok,
                   detail=f"symbolic ⟨∇c,w⟩ = {euler}, rate − Eq.2 form = {rel}; numeric |B|/|A| (Σ=2.5I) and "
                          f"Eq.2 error {num:.1e}; anisotropic |B|/|A| = {abs(B_aniso / A):.2f} (no cancellation)")


@claim(id="cosine.anisotropic-residual",
       title="Non-isotropic Σ: |⟨∇c, Σw⟩| ≤ (λmax − λmin)/2 · √(1 − c²) (our bound on the uncancelled term), tight",
       source=f"ours (proof in sft.confidence_residual_bound); cf. {SRC}, Lemma A.2", method="search",
       domain="L-BFGS over w, w*, diagonal Σ, d = 3 quick / {2,3,6}; plus an explicit attaining case (d = 4)")
def _(ctx: Context) -> Outcome:
    from .sft import confidence_residual_bound

    def ratio(w, ws, S):
        ev = np.linalg.eigvalsh(S)
        bnd = confidence_residual_bound(cosine(w, ws, S), ev[0], ev[-1])
        return abs(cosine_gradient(w, ws, S) @ (S @ w)) / bnd if bnd > 1e-12 else 0.0

    best, nev, dims = _search(ctx, ratio, 7)
    wit = ratio(*_residual_witness(_rng(ctx, 32)))
    tight, txt = _tightness(best, wit)
    # worst = margin 1 − max ratio (≥ 0: no counterexample); passing also needs attainment
    return Outcome(points=nev + 1, worst=1 - best, worst_kind="margin", passed=best <= 1 + 1e-9 and tight,
                   detail=f"max |⟨∇c,Σw⟩|/bound = {best:.10f} over d in {dims}, {txt}")


# ------------------------------------------------------------------ step size (Theorem 2.3-type)
# Step-size tolerances: η_B must solve its defining equation to STEP_RTOL (an independent
# bracketing root finder), and c(w + ηv) − c(w) must change sign within ±STEP_CROSS of η_exact.
STEP_RTOL, STEP_CROSS = 1e-9, 1e-4


@claim(id="cosine.step-size",
       title="If ċ > 0, one population SFT step improves c for η < η_B (Taylor + Lemma C.3); η_B ≤ exact limit; "
             "both step sizes equal their exact values",
       source=f"{SRC}, Theorem 2.3 / Lemma A.6 (one-step form)", method="search",
       domain="d = 50, 80%-student norms 0.1–30, 70% teachers, β in {0.5, 1, 4}; plus anisotropic Σ")
def _(ctx: Context) -> Outcome:
    from scipy.optimize import brentq
    rng = _rng(ctx, 8)
    d = 50
    ws = np.eye(d)[0]
    norms = (0.3, 3.0, 30.0) if ctx.quick else (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
    ratios, viol, n = [], 0, 0
    worst_root, worst_taylor = 0.0, -np.inf
    for sig in (None, checks.spd(rng, d, 10.0)):
        S = np.eye(d) if sig is None else sig
        for norm in norms:
            for beta in (0.5, 1.0, 4.0):
                w = sample_on_cone(rng, ws, paper.acc_to_cos(0.8), norm, 1, sig)[0]
                for t in sample_on_cone(rng, ws, paper.acc_to_cos(0.7), 1.0, 3, sig):
                    v = -expected_gradient(w, t, sig, beta)
                    rate = float(cosine_gradient(w, ws, sig) @ v)
                    if rate <= 0:
                        continue
                    n += 1
                    ex, tb = bounds.sft_step_limits(w, t, ws, sig, beta)
                    c0 = float(cosine(w, ws, sig))
                    # η_B is the root below a/‖v‖_Σ of ċ(a − η‖v‖_Σ)² = η‖v‖²_Σ/√3 (solved here by bisection)
                    a, vn = math.sqrt(w @ S @ w), math.sqrt(v @ S @ v)
                    f = lambda eta: rate * (a - eta * vn) ** 2 - eta * vn * vn / math.sqrt(3)  # noqa: E731
                    root = brentq(f, 0.0, a / vn, xtol=1e-300, rtol=1e-15)
                    worst_root = max(worst_root, abs(tb - root) / root)
                    # one batched cosine call: η_B/4, η_B/2, η_B, then (1 ∓ STEP_CROSS) η_exact
                    etas = np.array([tb / 4, tb / 2, tb] + ([(1 - STEP_CROSS) * ex, (1 + STEP_CROSS) * ex]
                                                          if np.isfinite(ex) else []))
                    dc = cosine(w + etas[:, None] * v, ws, sig) - c0
                    # the Taylor lower bound (Lemma C.3, Σ-form) holds along the segment up to η_B
                    e3 = etas[:3]
                    lower = e3 * rate - e3 ** 2 / 2 * float(bounds.HESSIAN_CONSTANT) * vn ** 2 / (a - e3 * vn) ** 2
                    worst_taylor = max(worst_taylor, float(np.max((lower - dc[:3]) / np.abs(dc[:3]))))
                    if not tb <= ex:
                        viol += 1
                    if np.isfinite(ex):
                        # the exact limit is the first crossing: c rises before it and falls after it
                        if not (dc[3] > 0 > dc[4]):
                            viol += 1
                        ratios.append(tb / ex)
    fin = np.array(ratios)
    worst, ok, txt = _verdict([("η_B vs bisection root", worst_root / STEP_RTOL),
                               ("ordering/crossing violations", math.inf if viol else 0.0),
                               ("Taylor lower bound (relative excess over the true gain)", max(worst_taylor, 0) / 1e-9),
                               ("cases with ċ > 0", 0.0 if n else math.inf)])
    return Outcome(points=n, worst=worst, passed=ok,
                   detail=f"{n} (w,t,β,Σ) cases with ċ>0: max |η_B − root|/root = {worst_root:.1e} (tol {STEP_RTOL:g}); "
                          f"c(w+ηv) − c(w) changes sign within ±{STEP_CROSS:g} of η_exact and η_B ≤ η_exact: "
                          f"{viol} violations; Taylor lower bound ≤ true gain at η_B/4, η_B/2, η_B: "
                          f"{worst_taylor <= 1e-9}; η_B/η_exact: min {fin.min():.3f}, median {np.median(fin):.3f}, "
                          f"max {fin.max():.3f} ({len(fin)} finite limits); {txt}")


# ------------------------------------------------------------------ the paper's experiments
def _reduced(ctx):
    # quick: d = 30, 12 teachers, batch 2000, 15 steps; full: paper's d = 100, 50 teachers, batch 10 000, 30 steps
    return dict(d=30, K=12, batch=2000, steps=15) if ctx.quick else dict(d=100, K=50, batch=10_000, steps=30)


#: Drift check of the SGD simulator: seeded one-step repetitions, the step size used, and the
#: batch as a multiple of the claim's batch (one step is cheap; a larger batch shrinks the SE).
DRIFT_REPS, DRIFT_ETA, DRIFT_BATCH = 40, 1e-2, 4


def _first_step_drift(ctx, w0, T, ws, batch, Sigma=None, beta=1.0, key=60):
    """First SGD step of :func:`sft.simulate_sft` on every teacher vs the teacher-label theory.

    Exactly, E[w₁] = w₀ − η E∇ℓ(w₀) with E∇ℓ the teacher-label expected gradient
    (:func:`sft.expected_gradient`, which depends on t only through Σt/‖t‖_Σ), so per unit step

        E Δ⟨w, w*⟩_Σ/‖w*‖_Σ / η = ⟨m, w*⟩_Σ/‖w*‖_Σ,
        E Δ‖w‖²_Σ / η = 2⟨w₀, m⟩_Σ + η‖m‖²_Σ + η tr(Σ Cov ∇ℓ)/B,      m = −E∇ℓ(w₀),

    with 0 ≤ tr(Σ Cov ∇ℓ) ≤ β² tr(Σ²) (|∂ℓ/∂z| ≤ β).  Training on ground-truth labels (or any
    other labels) moves ⟨w, w*⟩ at the rate √(2/π)β/2 instead of (β/2)√(2/π) cos_Σ(t, w*): a
    30–50 % difference for 70 %-accurate teachers.  Tolerance per teacher and quantity:
    z·SE (DRIFT_REPS seeded repetitions, Bonferroni over 2K comparisons) + C with C the
    computed allowance for the η tr(Σ Cov)/B bracket and for the float32 rounding of the
    simulator's iterates.  Returns (max error/tolerance, detail).
    """
    return _drift_verdict(*_drift_samples(ctx, w0, T, ws, batch, Sigma, beta, key), w0, T, ws, batch,
                          Sigma, beta)


def _drift_samples(ctx, w0, T, ws, batch, Sigma=None, beta=1.0, key=60):
    """Per-unit-step first-step changes (Δ⟨w,w*⟩_Σ/‖w*‖_Σ/η, Δ‖w‖²_Σ/η), shape (DRIFT_REPS, K) each,
    from DRIFT_REPS seeded one-step runs of :func:`sft.simulate_sft` (batch DRIFT_BATCH × *batch*)."""
    from .sft import simulate_sft
    d_in, d_n2 = [], []
    for rep in range(DRIFT_REPS):
        _, inner, norm = simulate_sft(w0, T, ws, [DRIFT_ETA], 1, DRIFT_BATCH * batch, beta=beta,
                                      seed=[ctx.seed, key, rep], Sigma=Sigma, full=True)
        d_in.append((inner[0, :, 1] - inner[0, :, 0]) / DRIFT_ETA)
        d_n2.append((norm[0, :, 1] ** 2 - norm[0, :, 0] ** 2) / DRIFT_ETA)
    return np.array(d_in), np.array(d_n2)


def _drift_verdict(d_in, d_n2, w0, T, ws, batch, Sigma=None, beta=1.0):
    """(max error/tolerance, detail) of :func:`_first_step_drift` from the samples of :func:`_drift_samples`."""
    from .montecarlo import z_value
    S = np.eye(len(ws)) if Sigma is None else np.asarray(Sigma, float)
    K = T.shape[0]
    batch = DRIFT_BATCH * batch
    m = -expected_gradient(np.broadcast_to(w0, T.shape), T, Sigma, beta)          # (K, d)
    Sws, Sw0 = S @ ws, S @ w0
    bs = math.sqrt(ws @ Sws)
    th_in = m @ Sws / bs
    noise = DRIFT_ETA * beta ** 2 * float(np.trace(S @ S)) / batch                 # bracket width
    th_n2 = 2 * m @ Sw0 + DRIFT_ETA * np.einsum("kd,de,ke->k", m, S, m) + noise / 2
    u32 = 2.0 ** -24
    r32_in = 2 * u32 * float(np.abs(w0) @ np.abs(Sws)) / bs / DRIFT_ETA
    r32_n2 = 4 * u32 * float(np.abs(w0) @ np.abs(Sw0)) / DRIFT_ETA
    z = z_value(2 * K, DRIFT_REPS)
    se_in = d_in.std(axis=0, ddof=1) / math.sqrt(DRIFT_REPS)
    se_n2 = d_n2.std(axis=0, ddof=1) / math.sqrt(DRIFT_REPS)
    e_in = np.abs(d_in.mean(axis=0) - th_in) / (z * se_in + r32_in)
    e_n2 = np.abs(d_n2.mean(axis=0) - th_n2) / (z * se_n2 + noise / 2 + r32_n2)
    worst = float(max(e_in.max(), e_n2.max()))
    k = int(np.argmax(np.maximum(e_in, e_n2)))
    return worst, (f"first-step drift vs teacher-label theory ({DRIFT_REPS} reps, η = {DRIFT_ETA:g}, B = {batch}, "
                   f"z = {z:.2f}): worst teacher {k}: Δ⟨w,w*⟩/η {d_in[:, k].mean():.4f} ± {se_in[k]:.4f} vs "
                   f"{th_in[k]:.4f}, Δ‖w‖²/η {d_n2[:, k].mean():.4f} ± {se_n2[k]:.4f} vs {th_n2[k]:.4f}; "
                   f"max err/tol {worst:.3g}")


#: Simulations shared by cosine.sft-random-teachers and cosine.sft-condition, per (quick, seed,
#: simulators in use).  The two §3.1 experiments have the same student (random_setup draws w0
#: first from the same seed) and the same SGD batches (same seed, d and batch size); they differ
#: only in the teachers.  simulate_sft shares each batch across teachers, so one run on the union
#: of the two teacher sets gives each claim exactly its own runs, and one set of first-step drift
#: batches serves both (each claim still tests its own teachers on DRIFT_REPS independent batches).
_SFT_CACHE: dict = {}


def _teachers(out, sl):
    """:func:`paper.run`'s summary restricted to the teachers *sl* (confusion tables recounted)."""
    o = dict(out)
    for k in ("gain", "best_lr", "R", "rate", "teacher_acc"):
        o[k] = out[k][sl]
    for k in ("gain_by_lr", "curves", "inner", "norm"):
        o[k] = out[k][:, sl]
    o["confusion"] = paper.confusion(o["R"] > 0, o["gain"] > 0)
    o["confusion_rate"] = paper.confusion(o["rate"] > 0, o["gain"] > 0)
    return o


def _random_teacher_runs(ctx, which):
    """(w0, w*, teachers, paper.run summary, drift samples) of the §3.1 experiment *which*:
    ``"random"`` (teachers uniform on the 70 % cone) or ``"rho"`` (error correlation ρ in
    [−0.3, 1]); both from one simulation (see :data:`_SFT_CACHE`)."""
    from . import sft
    key = (ctx.quick, ctx.seed, sft.simulate_sft, paper.simulate_sft)
    if key not in _SFT_CACHE:
        cfg = _reduced(ctx)
        w0, T1, ws = paper.random_setup(d=cfg["d"], student_norm=1.0, n_teachers=cfg["K"], seed=ctx.seed)
        w0r, T2, _ = paper.random_setup(d=cfg["d"], student_norm=1.0, n_teachers=cfg["K"], seed=ctx.seed,
                                        rho=np.linspace(-0.3, 1.0, cfg["K"]))
        if not np.array_equal(w0, w0r):                 # the premise of sharing the runs
            raise RuntimeError("random_setup drew different students for the two experiments")
        T = np.vstack([T1, T2])
        out = paper.run(w0, T, ws, steps=cfg["steps"], batch=cfg["batch"], seed=ctx.seed)
        d_in, d_n2 = _drift_samples(ctx, w0, T, ws, cfg["batch"])
        _SFT_CACHE.clear()                              # one entry: the current run
        _SFT_CACHE[key] = (w0, ws, T, out, d_in, d_n2)
    w0, ws, T, out, d_in, d_n2 = _SFT_CACHE[key]
    K = T.shape[0] // 2
    sl = slice(0, K) if which == "random" else slice(K, 2 * K)
    return w0, ws, T[sl], _teachers(out, sl), (d_in[:, sl], d_n2[:, sl])


def _count_ratio(n_bad, allowed=0):
    """Error/tolerance for a count that may be at most *allowed*: ≤ 1 iff n_bad ≤ allowed."""
    return n_bad / allowed if allowed else (0.0 if n_bad == 0 else 1.0 + n_bad)


@claim(id="cosine.sft-random-teachers",
       title="SFT on a random 70%-accurate teacher improves an 80%-accurate student for (almost) all teachers",
       source=f"{SRC}, §3.1, Figure 1", method="simulation",
       domain="reduced: d = 30, 12 teachers, batch 2000, 15 steps (quick); d = 100, 50 teachers, batch 1e4, 30 steps; "
              "student norm 1, lrs logspace(-5, 1, 7), early stopping")
def _(ctx: Context) -> Outcome:
    cfg = _reduced(ctx)
    w0, ws, T, out, samples = _random_teacher_runs(ctx, "random")
    frac = float(np.mean(out["gain"] > 0))
    cond = float(np.mean(out["R"] > 0))
    drift, ddet = _drift_verdict(*samples, w0, T, ws, cfg["batch"])
    worst, ok, txt = _verdict([("teachers not improving the student", _count_ratio(int(np.sum(out["gain"] <= 0)))),
                               ("first-step drift", drift)])
    return Outcome(points=cfg["K"], worst=worst, passed=ok,
                   detail=f"{frac:.0%} of teachers improve the student (condition R>0 holds for {cond:.0%}); "
                          f"gain in accuracy: min {out['gain'].min():.4f}, mean {out['gain'].mean():.4f}; "
                          f"{ddet}; {txt}")


@claim(id="cosine.sft-condition",
       title="The relative-correlation condition R > 0 (Eq. 1/2) is sufficient for SFT to improve the student",
       source=f"{SRC}, Theorem 2.3 and Eq. 2", method="simulation",
       domain="teachers whose errors have cosine ρ ∈ [−0.3, 1] with the student's (R changes sign at ρ ≈ 0.53); "
              "reduced sizes as cosine.sft-random-teachers")
def _(ctx: Context) -> Outcome:
    cfg = _reduced(ctx)
    w0, ws, T, out, samples = _random_teacher_runs(ctx, "rho")
    pop = paper.run(w0, T, ws, lrs=[1e-3], steps=1, population=True)
    # population GD, one tiny step: the sign of the change is exactly the sign of R
    first = np.sign(pop["curves"][0, :, 1] - pop["curves"][0, :, 0])
    exact_first = bool(np.all(first == np.sign(out["R"])))
    tab = out["confusion"]
    # noise margin: teachers with |R| < 0.02 are within SGD noise of the boundary
    sure = out["R"] > 0.02
    suff = bool(np.all(out["gain"][sure] > 0))
    drift, ddet = _drift_verdict(*samples, w0, T, ws, cfg["batch"])
    worst, ok, txt = _verdict([("teachers with R > 0.02 not improving", _count_ratio(int(np.sum(out["gain"][sure] <= 0)))),
                               ("population first-step sign ≠ sign(R)", _count_ratio(int(np.sum(first != np.sign(out["R"]))))),
                               ("first-step drift", drift)])
    return Outcome(points=cfg["K"], worst=worst, passed=ok,
                   detail=f"SGD confusion (pred R>0 / obs gain>0): {tab}; all teachers with R>0.02 improve: "
                          f"{suff}; population first-step sign = sign(R): {exact_first}; {ddet}; {txt}")


@claim(id="cosine.shared-pretraining",
       title="Shared pretraining (student 25 epochs/5000 pts, teachers 10 epochs/1000-pt subset): nearly all teachers improve the student",
       source=f"{SRC}, §3.2, Figure 3", method="simulation",
       domain="d = 100, full-batch GD pretraining with step 0.9 (reconstructed), finetune batch 1000, "
              "8 teachers and 8 steps (quick) / 100 teachers and 30 steps")
def _(ctx: Context) -> Outcome:
    K = 8 if ctx.quick else 100
    w0, T, ws = paper.pretrain_setup(n_teachers=K, seed=ctx.seed)
    out = paper.run(w0, T, ws, steps=30 if not ctx.quick else 8, batch=1000, seed=ctx.seed)
    frac = float(np.mean(out["gain"] > 0))
    drift, ddet = _first_step_drift(ctx, w0, T, ws, 1000, key=62)
    # at most 10 % of the teachers may fail to improve the student (the paper: "nearly all")
    worst, ok, txt = _verdict([("fraction of teachers not improving / 0.1", (1 - frac) / 0.1),
                               ("first-step drift", drift)])
    return Outcome(points=K, worst=worst, passed=ok,
                   detail=f"student acc {out['acc0']:.3f}, teachers mean acc {np.mean(out['teacher_acc']):.3f}; "
                          f"{frac:.0%} improve (R>0 for {np.mean(out['R'] > 0):.0%}); confusion {out['confusion']}; "
                          f"{ddet}; {txt}")


@claim(id="cosine.sgd-one-step",
       title="One small SGD step with batch B improves c with probability Φ(√B ċ/σ) (batch size ∝ 1/R²); "
             "its per-unit-step change has mean ċ and standard deviation σ/√B",
       source=f"{SRC}, Theorem 2.3 / A.8 (batch-size requirement), one-step form", method="simulation",
       domain="80% student (norm 1), 70% teacher with error correlation ρ = 0.4, B = 160 (√B ċ/σ ≈ 1, where "
              "the first Edgeworth correction vanishes); d = 3, 24 000 seeded steps in 40 blocks (quick) / "
              "d = 20, 100 000 steps; η = 1e-3 η_B")
def _(ctx: Context) -> Outcome:
    from scipy import stats as st

    from . import stochastic
    from .montecarlo import z_value
    # ξ depends on x only through ⟨w,x⟩, ⟨t,x⟩, ⟨∇c,x⟩ (all in span(w, t, w*)), so d only costs time.
    rho, B, blocks = 0.4, 160, 40
    d, trials, n_mom = (3, 24_000, 400_000) if ctx.quick else (20, 100_000, 1_000_000)
    rng = _rng(ctx, 20)
    ws = np.eye(d)[0]
    w = sample_on_cone(rng, ws, paper.acc_to_cos(0.8), 1.0, 1)[0]
    t = sample_on_cone(rng, ws, paper.acc_to_cos(0.7), 1.0, 1, ortho_to=w, rho=rho)[0]
    xs, rate = stochastic.xi_sample(w, t, ws, n=n_mom, seed=[ctx.seed, 21])
    sigma, r3, _ = stochastic.moments_of_sample(xs, rate)     # = xi_moments(same n, seed): one draw
    m = xs - rate
    gamma, kurt = float(np.mean(m ** 3)) / sigma ** 3, float(np.mean(m ** 4)) / sigma ** 4
    v = -expected_gradient(w, t)
    eta = 1e-3 * bounds.taylor_step_bound(w, v, ws)
    inc = stochastic.one_step_increments(w, t, ws, eta, B, trials, seed=[ctx.seed, 22], blocks=blocks,
                                         chunk=1000)
    z = z_value(3, blocks)
    # second-order Taylor remainder of (c(w − ηĝ) − c(w))/η − ⟨∇c, −ĝ⟩, by Lemma C.3 (‖w‖ = 1):
    # ≤ (η/2)(2/√3)E‖ĝ‖²/(1 − η‖ĝ‖)² with E‖ĝ‖² ≤ ‖E∇ℓ‖² + β²d/B (|∂ℓ/∂z| ≤ β, β = 1)
    rem = eta / 2 * float(bounds.HESSIAN_CONSTANT) * (v @ v + d / B) * 1.01
    # (1) mean vs the exact ċ
    mean_b = inc.mean(axis=1)
    se_mean = mean_b.std(ddof=1) / math.sqrt(blocks)
    r_mean = abs(mean_b.mean() - rate) / (z * se_mean + rem)
    # (2) standard deviation vs σ/√B (σ from an independent sample of ξ; its relative SE
    # √((κ₄ − 1)/(4n)) enters the tolerance)
    sd_b = inc.std(axis=1, ddof=1) * math.sqrt(B) / sigma
    se_sd = sd_b.std(ddof=1) / math.sqrt(blocks)
    se_sigma = math.sqrt((kurt - 1) / (4 * len(xs)))
    r_sd = abs(sd_b.mean() - 1) / (z * math.hypot(se_sd, se_sigma) + 2 * rem * math.sqrt(B) / sigma)
    # (3) the probability of improvement vs Φ(√B ċ/σ); allowance C/√B + C'/B: the magnitudes of the
    # first two Edgeworth terms, φ(x)[|γ He₂(x)|/(6√B) + (|κ₄ − 3| |He₃(x)|/24 + γ² |He₅(x)|/72)/B],
    # computed from the sampled skewness γ and kurtosis κ₄ of ξ (x ≈ 1 makes the first one vanish)
    frac_b = np.mean(inc > 0, axis=1)
    f, se_f = float(frac_b.mean()), float(frac_b.std(ddof=1) / math.sqrt(blocks))
    p = stochastic.predicted_probability(rate, sigma, B)
    x = math.sqrt(B) * rate / sigma
    he2, he3, he5 = x * x - 1, x ** 3 - 3 * x, x ** 5 - 10 * x ** 3 + 15 * x
    edge = st.norm.pdf(x) * (abs(gamma * he2) / (6 * math.sqrt(B))
                             + (abs(kurt - 3) * abs(he3) / 24 + gamma ** 2 * abs(he5) / 72) / B)
    tol_f = z * se_f + edge
    r_frac = abs(f - p) / tol_f
    bad = stochastic.predicted_probability(rate, sigma * 1.1, B)   # σ × 1.1
    worst, ok, txt = _verdict([("P(improve) vs Φ(√B ċ/σ)", r_frac), ("mean increment vs ċ", r_mean),
                               ("sd of increment vs σ/√B", r_sd)])
    return Outcome(points=trials, worst=worst, passed=ok,
                   detail=f"observed P(improve) {f:.4f} ± {se_f:.4f} vs Φ(√B ċ/σ) = {p:.4f} (ċ = {rate:.5f}, "
                          f"σ = {sigma:.4f}, B = {B}, d = {d}; tol {tol_f:.4f} = z·SE + Edgeworth terms "
                          f"{edge:.4f}; σ×1.1 would predict {bad:.4f}); mean increment {mean_b.mean():.5f} ± "
                          f"{se_mean:.5f} vs ċ; sd·√B/σ = {sd_b.mean():.4f} ± {math.hypot(se_sd, se_sigma):.4f} "
                          f"vs 1; z = {z:.2f}; {txt}")


#: Third-order allowance C₃/d³ of the flat-pair Edgeworth check.  Not computed: calibrated on the
#: exact values, where d³ × (exact − arccos/π − first − second) = 0.033, 0.037, 0.038 at
#: d = 32, 64, 128 (c = 0.5); C₃ = 0.1 leaves a factor ≥ 2.6.
EDGEWORTH_C3 = 0.1


@claim(id="cosine.non-elliptical-1-over-d",
       title="Non-elliptical i.i.d. coordinates, flat directions: 0-1 loss = arccos(c)/π + S₁(c)κ₄/d + O(1/d²) "
             "(with the computed O(1/d²) term, the remainder is O(1/d³))",
       source=f"ours (Edgeworth); cf. {SRC}, Proposition 2.2 and Appendix B", method="high-precision",
       domain="x uniform on [−√3, √3]^d (κ₄ = −6/5, κ₆ = 48/7), flat ±1/√d pairs with c = 0.5; exact rational "
              "probabilities at d = 32, 64 (quick) / 32, 64, 128; Monte Carlo sampler check at d = 16 "
              "(n = 2e5 quick / 1e6)")
def _(ctx: Context) -> Outcome:
    from . import ellipticity as E
    from .montecarlo import mc_zero_one, z_value
    dims = (32, 64) if ctx.quick else (32, 64, 128)
    k4, k6 = (float(x) for x in E.CUMULANTS["uniform-cube"])
    base = math.acos(0.5) / math.pi
    parts, rows = [], []
    for d in dims:
        u, v = E.flat_pair(d, 0.5, seed=d)
        first, second = E.edgeworth_terms(u, v, k4, k6)
        exact = float(E.flat_cube_disagreement(d, 0.5))     # exact rational, then rounded once
        tol = EDGEWORTH_C3 / d ** 3
        err = abs(exact - base - first - second)
        parts.append((f"exact − (arccos/π + 1st + 2nd) at d={d} vs C₃/d³", err / tol))
        # the flat closed form S₁(c) = −c/(6π√(1−c²)) is the same first-order term
        parts.append((f"flat_coefficient·κ₄/d vs Edgeworth 1st term at d={d}",
                      abs(E.flat_coefficient(0.5) * k4 / d - first) / (1e-12 * abs(first))))
        rows.append(f"d={d}: exact−arccos/π = {exact - base:+.4e}, 1st {first:+.4e}, 2nd {second:+.3e}, "
                    f"remainder {exact - base - first - second:+.1e} (tol {tol:.1e})")
    # the Monte Carlo sampler of the cube law agrees with the exact value (z·SE, C = 0: exact)
    n = 200_000 if ctx.quick else 1_000_000
    u, v = E.flat_pair(16, 0.5, seed=16)
    m, se = mc_zero_one(u, v, None, law="uniform-cube", n=n, seed=[ctx.seed, 40, 16])
    ex16 = float(E.flat_cube_disagreement(16, 0.5))
    parts.append(("Monte Carlo cube sampler vs exact at d=16", abs(m - ex16) / (z_value(1, 20) * se)))
    worst, ok, txt = _verdict(parts)
    return Outcome(points=len(dims) + 1, worst=worst, passed=ok,
                   detail="; ".join(rows) + f"; MC at d=16: {m:.5f} ± {se:.5f} vs exact {ex16:.5f}; {txt}")


@claim(id="cosine.anisotropic-condition",
       title="Anisotropic Gaussian data: the exact rate ċ = A − B (Eq. 3-type) predicts SFT's first step; Eq. 2's R is only approximate",
       source=f"{SRC}, Appendix A (Eq. 3, Lemma A.2: no full cancellation for Σ ≠ I)", method="simulation",
       domain="Σ with eigenvalues geomspace(1, 10) in a random basis; teachers with error correlation ρ ∈ [−0.3, 1] "
              "(200 for the population first step); SGD: d = 30, 20 teachers, batch 2000, 15 steps (quick) / "
              "d = 60, 40 teachers, batch 5000, 30 steps")
def _(ctx: Context) -> Outcome:
    d, K, B, steps = (30, 20, 2000, 15) if ctx.quick else (60, 40, 5000, 30)
    rng = _rng(ctx, 50)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    S = (Q * np.geomspace(1.0, 10.0, d)) @ Q.T
    S = (S + S.T) / 2
    # population first step on a dense grid of teachers: exact vs Eq. 2 predictor
    w0, Tf, ws = paper.random_setup(d=d, student_norm=1.0, n_teachers=200, seed=ctx.seed,
                                    rho=np.linspace(-0.3, 1.0, 200), Sigma=S)
    pop = paper.run(w0, Tf, ws, lrs=[1e-3], steps=1, population=True, Sigma=S)
    first = np.sign(pop["curves"][0, :, 1] - pop["curves"][0, :, 0])
    rate_exact = bool(np.all(first == np.sign(pop["rate"])))
    r_wrong = int(np.sum(first != np.sign(pop["R"])))
    # SGD with early stopping on a coarser set: is ċ > 0 sufficient?
    w0, T, ws = paper.random_setup(d=d, student_norm=1.0, n_teachers=K, seed=ctx.seed,
                                   rho=np.linspace(-0.3, 1.0, K), Sigma=S)
    out = paper.run(w0, T, ws, steps=steps, batch=B, seed=ctx.seed, Sigma=S)
    sure = out["rate"] > 0.02 * np.max(np.abs(out["rate"]))
    suff = bool(np.all(out["gain"][sure] > 0))
    # magnitude of ċ = A − B (cosine_rate) against a central difference of the cosine itself along
    # −E∇ℓ (all 200 teachers at once): truncation O(h² c‴) and rounding O(ε/h) are both < 1e-9·max|ċ|
    W0 = np.broadcast_to(w0, Tf.shape)
    v = -expected_gradient(W0, Tf, S)
    h = 1e-5
    fd = (cosine(W0 + h * v, ws, S) - cosine(W0 - h * v, ws, S)) / (2 * h)
    rate_err = float(np.max(np.abs(pop["rate"] - fd)) / np.max(np.abs(fd)))
    drift, ddet = _first_step_drift(ctx, w0, T, ws, B, Sigma=S, key=63)
    worst, ok, txt = _verdict([
        ("population first-step sign ≠ sign(ċ)", _count_ratio(int(np.sum(first != np.sign(pop["rate"]))))),
        ("teachers with ċ > 2%·max not improving", _count_ratio(int(np.sum(out["gain"][sure] <= 0)))),
        ("Eq. 2's R never wrong (it must be, for Σ ≠ I)", 0.0 if r_wrong > 0 else math.inf),
        ("ċ (cosine_rate) vs central difference, rel. tol 1e-7", rate_err / 1e-7),
        ("first-step drift", drift)])
    return Outcome(points=200 + K, worst=worst, passed=ok,
                   detail=f"population first step (200 teachers): sign = sign(ċ) for all: {rate_exact}; sign(R) "
                          f"wrong for {r_wrong}; ċ vs central difference of c along −E∇ℓ: max rel. error "
                          f"{rate_err:.1e}; SGD confusion by ċ>0 {out['confusion_rate']}, by R>0 "
                          f"{out['confusion']}; ċ>2%·max ⇒ improved: {suff}; {ddet}; {txt}")
