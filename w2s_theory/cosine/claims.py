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
@claim(id="cosine.derivatives-symbolic",
       title="Gradient and Hessian of the Σ-cosine (Lemma C.1) equal the component-wise SymPy derivatives",
       source=f"{SRC}, Lemma C.1 (Eq. 9)", method="symbolic",
       domain="symbolic d = 2 (quick) / 2, 3; exact rational w, w*, Σ = AAᵀ + I")
def _(ctx: Context) -> Outcome:
    dims = (2,) if ctx.quick else (2, 3)
    bad = pts = 0
    for d in dims:
        c, w, ws, S = symbolic_cosine(d)
        grad, hess = symbolic_gradient(d), symbolic_hessian(d)
        rng = _rng(ctx, d)
        for _ in range(2):
            vals = {x: sp.Rational(int(rng.integers(1, 10)) * int(rng.choice([-1, 1])), int(rng.integers(1, 5)))
                    for x in list(w) + list(ws)}
            A = sp.Matrix(d, d, lambda i, j: sp.Rational(int(rng.integers(-3, 4)), 2))
            Sv = A * A.T + sp.eye(d)
            vals.update({S[i, j]: Sv[i, j] for i in range(d) for j in range(d)})
            wv, wsv = w.subs(vals), ws.subs(vals)
            u, v = Sv * wsv, Sv * wv
            pqr = {p: (wv.T * Sv * wsv)[0], q: (wv.T * Sv * wv)[0], r: (wsv.T * Sv * wsv)[0]}
            k = {n: COEF[n].expr.subs(pqr) for n in COEF}
            g = k["c_p"] * u + 2 * k["c_q"] * v
            h = (k["c_pp"] * u * u.T + 2 * k["c_pq"] * (u * v.T + v * u.T) + 4 * k["c_qq"] * v * v.T
                 + 2 * k["c_q"] * Sv)
            bad += sum(sp.simplify(e) != 0 for e in list(grad.subs(vals) - g) + list(hess.subs(vals) - h))
            pts += 1
    return Outcome(points=pts, worst=bad, passed=bad == 0,
                   detail=f"{pts} exact rational points, d in {dims}: {bad} nonzero entries in the difference "
                          "(worst = that mismatch count)")


@claim(id="cosine.derivatives-high-precision",
       title="Generated gradient/Hessian agree with 40-digit numerical differentiation, float path with 50-digit path",
       source=f"{SRC}, Lemma C.1", method="high-precision",
       domain="d = 3, random w, w*, Σ with condition number 30")
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
            for a in range(3):
                o = [0, 0, 0]
                o[a] = 1
                worst_hp = max(worst_hp, float(abs(mpmath.diff(cf, x0, tuple(o)) - g[a])))
                for b in range(a, 3):
                    o2 = list(o)
                    o2[b] += 1
                    worst_hp = max(worst_hp, float(abs(mpmath.diff(cf, x0, tuple(o2)) - H[a, b])))
            Hf = np.array(H.tolist(), dtype=float)
        worst_fl = max(worst_fl, float(np.max(np.abs(cosine_hessian(w, ws, S) - Hf)) / np.max(np.abs(Hf))))
    ok = worst_hp < 1e-25 and worst_fl < 1e-13
    return Outcome(points=n, worst=worst_hp, passed=ok,
                   detail=f"max |mpmath.diff − generated| = {worst_hp:.1e} (tol 1e-25); "
                          f"float vs 40-digit relative {worst_fl:.1e} (tol 1e-13)")


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
    n = 100_000 if ctx.quick else 400_000
    mcs = [checks.zero_one_mc(law, seed=ctx.seed, n=n) for law in ("gaussian", "student-t")]
    outs = [checks.check_zero_one(law=law, n=n, mc=mc) for law, mc in zip(("gaussian", "student-t"), mcs)]
    sharp = [not checks.check_zero_one(checks.perturbed_zero_one, law=law, n=n, mc=mc)[0]
             for law, mc in zip(("gaussian", "student-t"), mcs)]
    ok = all(o[0] for o in outs) and all(sharp)
    return Outcome(points=8, worst=max(o[1] for o in outs), passed=ok,
                   detail="; ".join(o[2] for o in outs) + f"; ×1.05 formula rejected: {all(sharp)}")


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
       domain="d = 8, x uniform on [−√3, √3]^8, w = e1, w* at 30° in span(e1, e2); n = 1e5 (quick) / 4e5")
def _(ctx: Context) -> Outcome:
    n = 100_000 if ctx.quick else 400_000
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
    n = 100_000 if ctx.quick else 400_000
    mc = checks.gradient_mc(seed=ctx.seed, n=n)
    ok, worst, det = checks.check_expected_gradient(n=n, mc=mc)
    s1 = not checks.check_expected_gradient(checks.perturbed_gradient_coef, n=n, mc=mc)[0]
    s2 = not checks.check_expected_gradient(checks.perturbed_gradient_no_kappa, n=n, mc=mc)[0]
    return Outcome(points=3, worst=worst, passed=ok and s1 and s2,
                   detail=f"{det}; rejected: √(2/π)×1.1 {s1}, κ term dropped {s2}")


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
@claim(id="cosine.step-size",
       title="If ċ > 0, one population SFT step improves c for η < η_B (Taylor + Lemma C.3); η_B ≤ exact limit",
       source=f"{SRC}, Theorem 2.3 / Lemma A.6 (one-step form)", method="search",
       domain="d = 50, 80%-student norms 0.1–30, 70% teachers, β in {0.5, 1, 4}; plus anisotropic Σ")
def _(ctx: Context) -> Outcome:
    rng = _rng(ctx, 8)
    d = 50
    ws = np.eye(d)[0]
    norms = (0.3, 3.0, 30.0) if ctx.quick else (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
    ratios, viol, checked, n = [], 0, 0, 0
    for sig in (None, checks.spd(rng, d, 10.0)):
        for norm in norms:
            for beta in (0.5, 1.0, 4.0):
                w = sample_on_cone(rng, ws, paper.acc_to_cos(0.8), norm, 1, sig)[0]
                for t in sample_on_cone(rng, ws, paper.acc_to_cos(0.7), 1.0, 3, sig):
                    v = -expected_gradient(w, t, sig, beta)
                    if cosine_gradient(w, ws, sig) @ v <= 0:
                        continue
                    n += 1
                    ex, tb = bounds.exact_step_limit(w, v, ws, sig), bounds.taylor_step_bound(w, v, ws, sig)
                    c0 = cosine(w, ws, sig)
                    # the exact limit really is the first crossing
                    if np.isfinite(ex):
                        checked += 1
                        if not (cosine(w + 0.999 * ex * v, ws, sig) > c0 > cosine(w + 1.001 * ex * v, ws, sig)):
                            viol += 1
                    if not tb <= ex:
                        viol += 1
                    if not cosine(w + tb * v, ws, sig) > c0:
                        viol += 1
                    ratios.append(tb / ex if np.isfinite(ex) else 0.0)
    ratios = np.array(ratios)
    fin = ratios[ratios > 0]
    return Outcome(points=n, worst=viol, passed=viol == 0 and n > 0,
                   detail=f"{n} (w,t,β,Σ) cases with ċ>0, {viol} violations (worst = violation count); η_B/η_exact: "
                          f"min {fin.min():.3f}, median {np.median(fin):.3f}, max {fin.max():.3f} "
                          f"({checked} finite limits)")


# ------------------------------------------------------------------ the paper's experiments
def _reduced(ctx):
    # quick: d = 30, 12 teachers, batch 2000, 15 steps; full: paper's d = 100, 50 teachers, batch 10 000, 30 steps
    return dict(d=30, K=12, batch=2000, steps=15) if ctx.quick else dict(d=100, K=50, batch=10_000, steps=30)


@claim(id="cosine.sft-random-teachers",
       title="SFT on a random 70%-accurate teacher improves an 80%-accurate student for (almost) all teachers",
       source=f"{SRC}, §3.1, Figure 1", method="simulation",
       domain="reduced: d = 30, 12 teachers, batch 2000, 15 steps (quick); d = 100, 50 teachers, batch 1e4, 30 steps; "
              "student norm 1, lrs logspace(-5, 1, 7), early stopping")
def _(ctx: Context) -> Outcome:
    cfg = _reduced(ctx)
    w0, T, ws = paper.random_setup(d=cfg["d"], student_norm=1.0, n_teachers=cfg["K"], seed=ctx.seed)
    out = paper.run(w0, T, ws, steps=cfg["steps"], batch=cfg["batch"], seed=ctx.seed)
    frac = float(np.mean(out["gain"] > 0))
    cond = float(np.mean(out["R"] > 0))
    return Outcome(points=cfg["K"], worst=1 - frac, passed=frac == 1.0,
                   detail=f"{frac:.0%} of teachers improve the student (condition R>0 holds for {cond:.0%}); "
                          f"gain in accuracy: min {out['gain'].min():.4f}, mean {out['gain'].mean():.4f}")


@claim(id="cosine.sft-condition",
       title="The relative-correlation condition R > 0 (Eq. 1/2) is sufficient for SFT to improve the student",
       source=f"{SRC}, Theorem 2.3 and Eq. 2", method="simulation",
       domain="teachers whose errors have cosine ρ ∈ [−0.3, 1] with the student's (R changes sign at ρ ≈ 0.53); "
              "reduced sizes as cosine.sft-random-teachers")
def _(ctx: Context) -> Outcome:
    cfg = _reduced(ctx)
    rho = np.linspace(-0.3, 1.0, cfg["K"])
    w0, T, ws = paper.random_setup(d=cfg["d"], student_norm=1.0, n_teachers=cfg["K"], seed=ctx.seed, rho=rho)
    out = paper.run(w0, T, ws, steps=cfg["steps"], batch=cfg["batch"], seed=ctx.seed)
    pop = paper.run(w0, T, ws, lrs=[1e-3], steps=1, population=True)
    # population GD, one tiny step: the sign of the change is exactly the sign of R
    first = np.sign(pop["curves"][0, :, 1] - pop["curves"][0, :, 0])
    exact_first = bool(np.all(first == np.sign(out["R"])))
    tab = out["confusion"]
    # noise margin: teachers with |R| < 0.02 are within SGD noise of the boundary
    sure = out["R"] > 0.02
    suff = bool(np.all(out["gain"][sure] > 0))
    return Outcome(points=cfg["K"], worst=tab["pred+obs-"], passed=suff and exact_first,
                   detail=f"SGD confusion (pred R>0 / obs gain>0): {tab}; all teachers with R>0.02 improve: "
                          f"{suff}; population first-step sign = sign(R): {exact_first}")


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
    return Outcome(points=K, worst=1 - frac, passed=frac >= 0.9,
                   detail=f"student acc {out['acc0']:.3f}, teachers mean acc {np.mean(out['teacher_acc']):.3f}; "
                          f"{frac:.0%} improve (R>0 for {np.mean(out['R'] > 0):.0%}); confusion {out['confusion']}")


@claim(id="cosine.sgd-one-step",
       title="One small SGD step with batch B improves c with probability Φ(√B ċ/σ) (batch size ∝ 1/R²)",
       source=f"{SRC}, Theorem 2.3 / A.8 (batch-size requirement), one-step form", method="simulation",
       domain="80% student (norm 1), 70% teacher with error correlation ρ = 0.5, B = 2300 (√B ċ/σ ≈ 0.84, where "
              "Φ(x) − Φ(x/√2) is near its maximum); d = 6 (quick) / 20, 3000 seeded steps; "
              "η = 1e-3 η_B")
def _(ctx: Context) -> Outcome:
    from . import stochastic
    from .montecarlo import z_value
    # ξ depends on x only through ⟨w,x⟩, ⟨t,x⟩, ⟨∇c,x⟩ (all in span(w, t, w*)), so d only costs
    # time: quick mode uses d = 6 with the same B, large enough to reject the variance×2 law.
    rho, B = 0.5, 2300
    d, trials, n_mom = (6, 3000, 200_000) if ctx.quick else (20, 3000, 1_000_000)
    rng = _rng(ctx, 20)
    ws = np.eye(d)[0]
    w = sample_on_cone(rng, ws, paper.acc_to_cos(0.8), 1.0, 1)[0]
    t = sample_on_cone(rng, ws, paper.acc_to_cos(0.7), 1.0, 1, ortho_to=w, rho=rho)[0]
    sigma, r3, rate = stochastic.xi_moments(w, t, ws, n=n_mom, seed=[ctx.seed, 21])
    eta = 1e-3 * bounds.taylor_step_bound(w, -expected_gradient(w, t), ws)
    p = stochastic.predicted_probability(rate, sigma, B)
    f, se = stochastic.simulate_one_step(w, t, ws, eta, B, trials, seed=[ctx.seed, 22])
    # z·SE (20 seeded blocks, α = 1e-3) + C/√B with C the Berry–Esseen constant × ρ₃/σ³
    tol = z_value(1, 20) * se + stochastic.BERRY_ESSEEN * r3 / math.sqrt(B)
    bad = stochastic.predicted_probability(rate, sigma * math.sqrt(2), B)   # variance ×2
    sharp = abs(f - bad) > tol
    # the check must be able to tell σ from σ√2 in both modes, so sharpness is part of `passed`
    ok = abs(f - p) <= tol and sharp
    return Outcome(points=trials, worst=abs(f - p) / tol, passed=ok,
                   detail=f"observed {f:.3f} ± {se:.3f} vs Φ(√B ċ/σ) = {p:.3f} (ċ = {rate:.4f}, σ = {sigma:.3f}, "
                          f"B = {B}, d = {d}); tolerance {tol:.3f} (worst = |obs − Φ|/tol); "
                          f"variance×2 prediction {bad:.3f} rejected: {sharp}")


@claim(id="cosine.non-elliptical-1-over-d",
       title="Non-elliptical i.i.d. coordinates, flat directions: 0-1 loss = arccos(c)/π + S₁(c)κ₄/d + O(1/d²)",
       source=f"ours (Edgeworth); cf. {SRC}, Proposition 2.2 and Appendix B", method="simulation",
       domain="x uniform on [−√3, √3]^d (κ₄ = −6/5), flat ±1/√d pairs with c = 0.5; d = 16 (quick) / 16, 32; "
              "n = 1e6 / 4e6 per d (quick mode does not require the rejections)")
def _(ctx: Context) -> Outcome:
    from . import ellipticity as E
    from .montecarlo import mc_zero_one, z_value
    dims, n = ((16,), 1_000_000) if ctx.quick else ((16, 32), 4_000_000)
    k4, k6 = (float(x) for x in E.CUMULANTS["uniform-cube"])
    z = z_value(len(dims), 20)
    worst, ok, plain_rejected, doubled_rejected, rows = 0.0, True, False, False, []
    for d in dims:
        u, v = E.flat_pair(d, 0.5, seed=d)
        first, second = E.edgeworth_terms(u, v, k4, k6)
        m, se = mc_zero_one(u, v, None, law="uniform-cube", n=n, seed=[ctx.seed, 40, d])
        base = math.acos(0.5) / math.pi
        # z·SE + C/d² with C/d² = 2 × the computed second-order term (allowance for the neglected third order)
        tol = z * se + 2 * abs(second)
        err = abs(m - base - first)
        ok &= err <= tol
        worst = max(worst, err / tol)
        plain_rejected |= abs(m - base) > tol
        doubled_rejected |= abs(m - base - 2 * first) > tol
        rows.append(f"d={d}: MC−arccos/π = {m - base:+.5f}, S₁κ₄/d = {first:+.5f}, tol {tol:.5f}")
    sharp = ctx.quick or (plain_rejected and doubled_rejected)
    return Outcome(points=len(dims), worst=worst, passed=ok and sharp,
                   detail="; ".join(rows) + f"; plain formula rejected: {plain_rejected}, 2×S₁ rejected: "
                                           f"{doubled_rejected}")


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
    return Outcome(points=200 + K, worst=out["confusion_rate"]["pred+obs-"], passed=rate_exact and suff and r_wrong > 0,
                   detail=f"population first step (200 teachers): sign = sign(ċ) for all: {rate_exact}; sign(R) "
                          f"wrong for {r_wrong}; SGD confusion by ċ>0 {out['confusion_rate']}, by R>0 "
                          f"{out['confusion']}; ċ>2%·max ⇒ improved: {suff}")
