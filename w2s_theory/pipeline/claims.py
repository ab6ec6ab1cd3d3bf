"""Registered claims for the pipeline compiler (``w2s-check 'pipeline.*'``).

Soundness by reproduction (Thm 4 of Moniri & Hassani 2025, proved in SymPy), then
new limits derived by the compiler, each checked against a simulation of the *same*
pipeline object (d = 400, 8 trials quick; d = 1200, 8 trials full; β and noise
integrated out exactly given the designs; designs drawn by the invariant sampler, the
same law as Gaussian X without forming it, docs/theory/pipeline.rst):

    |mean − limit| ≤ z·t·SE + C/d,   z = 4, t = Student-t widening for `trials` reps,
    C = (σ² + r²)/2,

C as for the ridge claims (docs/theory/ridge.rst); the measured |mean − limit|·d of
these pipelines is 0.04–0.35 at d = 800 (C = 1 and 1.25 at the two points;
docs/theory/pipeline.rst).
Every simulation claim is sharp: the limit ×1.02 fails at the default size
(``tests/test_pipeline.py``).
"""
from __future__ import annotations

import functools

import mpmath
import sympy as sp

from proofs_check import Context, Outcome, claim

from .._stats import agreement
from ..ridge import symbolic as RS
from . import Design, Truth, inner, ridge, sq_distance, test_error
from .functionals import m_symbol
from .simulate import simulate_points

SRC = "Moniri & Hassani 2025 §2.1 setting; limit derived by w2s_theory.pipeline"
Z = 4.0


def sim_C(sigma2, r2):
    return 0.5 * (sigma2 + r2)


def sim_sizes(ctx: Context):
    """``(d, trials)``.  Quick mode: d = 400 with 8 trials is 2.6x cheaper than d = 800 with 4
    (cost ~ d³ per trial) and sharper in every group: the Student-t widening falls from 8.2
    (3 dof) to 2.8 (7 dof), more than the C/d term grows (smallest rejected relative error of
    the limit per claim, quick, 800x4 -> 400x8: iterated 0.0020 -> 0.0018, ensemble 0.0029 ->
    0.0022, mixed 0.0048 -> 0.0020, refit 0.0056 -> 0.0016, misfit 0.0114 -> 0.0068,
    gain-misfit 0.0096 -> 0.0094).  Full mode keeps d = 1200: there C/d decides (0.0007 at
    d = 1200, 0.0012 at d = 600 with 10 trials)."""
    return (400, 8) if ctx.quick else (1200, 8)


#: Two parameter points sharing one draw of every design (ratios fixed per design).  At the
#: second, r² = 2 and σ² = 0.5: every limit is linear in (σ², r²), so an r-for-r² or
#: σ-for-σ² slip changes it (at r² = 1 it would not).
POINTS = (
    dict(phi=0.5, psi=2.0, lam_T=0.1, lam_S=0.5, lam_R=1.0, alpha=0.6, sigma2=1.0, r2=1.0),
    dict(phi=0.5, psi=2.0, lam_T=0.5, lam_S=0.05, lam_R=0.2, alpha=0.3, sigma2=0.5, r2=2.0),
)
#: A point where the student wins (E_S < E_T) but gain < misfit: the largest
#: min(E_T − E_S, misfit − gain) of a grid search over λ_T ∈ [1e-2, 3], λ_S ∈ [1e-2, 10],
#: σ²/r² ∈ {0.25, 0.5, 1, 2} at φ = 0.5, ψ = 2, scaled to r² = 1.5 (the errors are linear
#: in (σ², r²)) so that σ², r², their roots and their swap all give different values.
COUNTER = dict(phi=0.5, psi=2.0, lam_T=0.01, lam_S=3.0, sigma2=3.0, r2=1.5)


@functools.lru_cache(maxsize=None)
def pipelines():
    """The pipelines of the claims (built once; they share Design objects)."""
    A, B, C, D = Design("phi", "A"), Design("psi", "B"), Design("psi", "C"), Design("psi", "D")
    A2, A3 = Design("phi", "A2"), Design("phi", "A3")
    T = ridge(Truth(), A, "lam_T", name="T")
    S1 = ridge(T, B, "lam_S", name="S1")
    S2 = ridge(S1, C, "lam_S", name="S2")
    S3 = ridge(S2, D, "lam_S", name="S3")
    T2, T3 = ridge(Truth(), A2, "lam_T", name="T2"), ridge(Truth(), A3, "lam_T", name="T3")
    ens = (T + T2 + T3) / 3
    alpha = sp.Symbol("alpha", real=True)
    return {
        "iterated": {"k=2": test_error(S2), "k=3": test_error(S3)},
        "ensemble": {"mean of 3 teachers": test_error(ens),
                     "student on the ensemble": test_error(ridge(ens, B, "lam_S"))},
        "mixed": {"alpha teacher + (1-alpha) truth":
                  test_error(ridge(alpha * T + (1 - alpha) * Truth(), B, "lam_S"))},
        "refit": {"same penalty": test_error(ridge(S1, A, "lam_T")),
                  "new penalty lam_R": test_error(ridge(S1, A, "lam_R"))},
        "misfit": {"|S-T|^2": sq_distance(S1, T), "<S,T>": inner(S1, T)},
        "gain-misfit": {"E_T - E_S": test_error(T) - test_error(S1),
                        "gain - misfit": test_error(T) - test_error(S1) - sq_distance(S1, T)},
    }


def _params(L, point):
    return {s.name: point[s.name] for s in L.symbols}


_SIM: dict = {}


def _simulations(ctx: Context):
    """One simulation serves every simulation claim (designs drawn once per trial)."""
    key = (ctx.quick, ctx.seed)
    if key not in _SIM:
        d, trials = sim_sizes(ctx)
        jobs, index = [], []
        for group, limits in pipelines().items():
            pts = (COUNTER,) if group == "gain-misfit" else POINTS
            for name, L in limits.items():
                for k, pt in enumerate(pts):
                    jobs.append((L, _params(L, pt)))
                    index.append((group, name, k))
        res = simulate_points(jobs, d=d, trials=trials, seed=[ctx.seed, 12],
                              sampler="invariant")
        _SIM[key] = {i: (L, p, r) for i, (L, p), r in zip(index, jobs, res)}
    return _SIM[key]


def check_group(ctx: Context, group: str, mutate: float = 1.0):
    """Agreement of the limits of one group with simulation; ``mutate`` scales the limits."""
    res, worst_name = [], None
    for (g, name, k), (L, p, r) in _simulations(ctx).items():
        if g != group:
            continue
        th = mutate * L.evaluate(**p)
        a = agreement(r.mean, r.se, th, r.d, z=Z, C=sim_C(p["sigma2"], p["r2"]), reps=r.trials)
        res.append(a)
        if worst_name is None or a.worst_ratio >= max(x.worst_ratio for x in res):
            worst_name = f"{name} at point {k}"
    worst = max(res, key=lambda a: a.worst_ratio)
    return Outcome(sum(a.points for a in res), worst.worst_abs, all(a.passed for a in res),
                   worst.detail(f"worst: {worst_name}; {res[0].d}-dim, "
                                f"{sim_sizes(ctx)[1]} trials, t-widened SE; "))


_DOMAIN = ("phi=0.5, psi=2; (lam_T, lam_S, sigma2, r2) = (0.1, 0.5, 1, 1) and "
           "(0.5, 0.05, 0.5, 2)")


@claim(id="pipeline.reproduces-thm4",
       title="Compiling ridge → ridge reproduces Prop 3 and Thm 4 (SymPy: difference expands to 0)",
       source="Moniri & Hassani 2025, Prop 3, Thm 4", method="symbolic",
       domain="all phi, psi, lam_T, lam_S > 0, sigma2 >= 0, r2 > 0")
def _reproduces(ctx: Context) -> Outcome:
    A, B = Design("phi"), Design("psi")
    T = ridge(Truth(), A, "lam_T")
    S = ridge(T, B, "lam_S")
    dT = sp.expand(test_error(T).expr - RS.teacher_error)
    dS = sp.expand(test_error(S).expr - RS.student_error)
    ok = dT == 0 and dS == 0
    return Outcome(2, 0.0 if ok else 1.0, ok,
                   "expand(compiled - ridge.symbolic textbook) == 0 for teacher_error and "
                   "student_error")


@claim(id="pipeline.iterated-students",
       title="k-round iterated ridge students (k = 2, 3) converge to the compiled limit",
       source=SRC, method="simulation", domain=_DOMAIN)
def _iterated(ctx: Context) -> Outcome:
    return check_group(ctx, "iterated")


@claim(id="pipeline.ensemble-of-teachers",
       title="Average of 3 ridge teachers on independent designs, and a student on it, "
             "converge to the compiled limit",
       source=SRC, method="simulation", domain=_DOMAIN)
def _ensemble(ctx: Context) -> Outcome:
    return check_group(ctx, "ensemble")


@claim(id="pipeline.mixed-labels",
       title="Student on α·teacher + (1−α)·truth labels converges to the compiled limit",
       source=SRC, method="simulation", domain=_DOMAIN + "; alpha in {0.6, 0.3}")
def _mixed(ctx: Context) -> Outcome:
    return check_group(ctx, "mixed")


@claim(id="pipeline.teacher-refit",
       title="Teacher re-fit on its student's predictions on its own design (alternating word "
             "A·B·A) converges to the compiled limit, same and different penalty",
       source=SRC, method="simulation", domain=_DOMAIN + "; lam_R in {1, 0.2}")
def _refit(ctx: Context) -> Outcome:
    return check_group(ctx, "refit")


@claim(id="pipeline.misfit",
       title="Misfit ‖β_S − β_T‖² and ⟨β_S, β_T⟩ converge to the compiled limits",
       source=SRC, method="simulation", domain=_DOMAIN)
def _misfit(ctx: Context) -> Outcome:
    return check_group(ctx, "misfit")


def gain_misfit_identity():
    """E_T − E_S − ‖β_S − β_T‖² − 2 p_ψ K (g − 1 − h/2), in m and m' (should cancel to 0)."""
    phi, psi, lam_T, lam_S, s2, r2 = RS.phi, RS.psi, RS.lam_T, RS.lam_S, RS.sigma2, RS.r2
    L = pipelines()["gain-misfit"]["gain - misfit"]
    mT, m1T = m_symbol(phi, lam_T), m_symbol(phi, lam_T, 1)
    mS, m1S = m_symbol(psi, lam_S), m_symbol(psi, lam_S, 1)
    tau1, tau2 = 1 - lam_T * mT, 1 - 2 * lam_T * mT - lam_T**2 * m1T
    v = mT + lam_T * m1T
    K = r2 * tau2 + s2 * phi * v
    g = 2 + lam_S * m1S / mS          # 2 − λ m'/m with m' = −dm/dλ
    h = 2 * r2 * tau1 / K
    return sp.cancel(L.in_m() - 2 * lam_S * mS * K * (g - 1 - h / 2))


def gain_misfit_closed_forms(p):
    """(E_T − E_S, gain − misfit) at *p* from Thm 4/5 of ridge.theory, not from the compiler.

    E_T − E_S = teacher_error − student_error (Thm 4); gain − misfit = 2 p_ψ K (g − 1 − h/2)
    with p_ψ = λ_S m_ψ(−λ_S), g = gain_g(ψ, λ_S), h = level_h(φ, λ_T, σ², r²) and
    K = 2 r² τ1 / h, τ1 = 1 − λ_T m_φ(−λ_T) (Thm 5).  Pass mpmath numbers for 50 digits.
    """
    from ..ridge import theory as RT
    from ..rmt import stieltjes
    phi, psi, lam_T, lam_S, s2, r2 = (p[k] for k in ("phi", "psi", "lam_T", "lam_S",
                                                     "sigma2", "r2"))
    gain = RT.teacher_error(phi, lam_T, s2, r2) - RT.student_error(phi, psi, lam_T, lam_S, s2, r2)
    g, h = RT.gain_g(psi, lam_S), RT.level_h(phi, lam_T, s2, r2)
    K = 2 * r2 * (1 - lam_T * stieltjes(phi, lam_T)) / h
    return gain, 2 * lam_S * stieltjes(psi, lam_S) * K * (g - 1 - h / 2)


@claim(id="pipeline.gain-vs-misfit",
       title="Ridge students: E_T − E_S − ‖β_S − β_T‖² = 2 p_ψ K (g_ψ(λ_S) − 1 − h/2), so "
             "'gain ≥ misfit' holds iff g ≥ 1 + h/2 — strictly less often than E_S < E_T "
             "(g > h); it fails at W2S points",
       source="Charikar, Pabbaraju & Shiragur 2024, Thm 1 (gain ≥ misfit for projections onto "
              "a convex class); Moniri & Hassani 2025, Thm 5 (g, h)",
       method="simulation", domain="identity: all parameters; counterexample: " + str(COUNTER))
def _gain_misfit(ctx: Context) -> Outcome:
    """The identity (SymPy, in m and m'), then at the counterexample: the compiled gain and
    gain − misfit equal the Thm 4/5 closed forms (50 digits), have the W2S signs, and agree
    in magnitude with the simulation of the same pipelines (|mean − limit| ≤ z·t·SE + C/d)."""
    ident = gain_misfit_identity()
    lims = pipelines()["gain-misfit"]
    names = ("E_T - E_S", "gain - misfit")
    with mpmath.workdps(50):
        mp_pt = {k: mpmath.mpf(v) for k, v in COUNTER.items()}
        th = {n: lims[n].evaluate(**_params(lims[n], mp_pt)) for n in names}
        ref = dict(zip(names, gain_misfit_closed_forms(mp_pt)))
        rel = max(float(abs(th[n] / ref[n] - 1)) for n in names)
    gain, gm = th["E_T - E_S"], th["gain - misfit"]
    sims = {name: r for (g, name, _), (_, _, r) in _simulations(ctx).items() if g == "gain-misfit"}
    agree = {n: agreement(sims[n].mean, sims[n].se, float(th[n]), sims[n].d, z=Z,
                          C=sim_C(COUNTER["sigma2"], COUNTER["r2"]), reps=sims[n].trials)
             for n in names}
    closed_ok, signs_ok = rel <= 1e-30, gain > 0 and gm < 0
    sim_ok = all(a.passed for a in agree.values())
    worst_sim = max(names, key=lambda n: agree[n].worst_ratio)
    passed = ident == 0 and closed_ok and signs_ok and sim_ok
    margin = min(float(gain), -float(gm))
    # worst: the quantity that decided (the counterexample's margin when everything holds)
    if ident != 0 or not closed_ok:
        worst, kind = (1.0 if ident != 0 else rel), "error"
    elif not sim_ok:
        worst, kind = agree[worst_sim].worst_abs, "error"
    else:
        worst, kind = margin, "margin"
    detail = (f"identity cancels to {ident}; at {COUNTER}: compiled vs Thm 4/5 closed forms "
              f"rel. error {rel:.1e} (≤ 1e-30); gain E_T−E_S = {float(gain):.4f} > 0 "
              f"(sim {sims['E_T - E_S'].mean:.4f}), gain − misfit = {float(gm):.4f} < 0 "
              f"(sim {sims['gain - misfit'].mean:.4f}); "
              + agree[worst_sim].detail(f"worst simulation: {worst_sim}, d={sims[worst_sim].d}; ")
              + "; the 'gain ≥ misfit' reading fails for this W2S ridge student (discrepancy)")
    return Outcome(3 + 2 * len(names), worst, passed, detail, worst_kind=kind, discrepancy=True)
