"""Pipeline compiler: reproduction, free-probability facts, simulation, numerics, validation."""
import doctest
import functools
import pathlib

import mpmath
import numpy as np
import pytest
import sympy as sp

from proofs_check import Context
from w2s_theory import ridge as paper
from w2s_theory.pipeline import Design, Truth, inner, ridge, sq_distance, test_error
from w2s_theory.pipeline import claims as PC
from w2s_theory.pipeline.free import Mono, TraceEngine
from w2s_theory.pipeline.simulate import simulate_limits, simulate_points
from w2s_theory.ridge import symbolic as RS
from w2s_theory.simulate import simulate_ridge

test_error.__test__ = False  # not a pytest test function


def _two():
    A, B = Design("phi"), Design("psi")
    T = ridge(Truth(), A, "lam_T")
    return A, B, T, ridge(T, B, "lam_S")


@functools.lru_cache(maxsize=None)
def _compiled():
    """Limits shared by the numerics tests (compiled once)."""
    A, B, T, S = _two()
    return {"refit": test_error(ridge(S, A, "lam_T")), "misfit": sq_distance(S, T),
            "refit2": test_error(ridge(S, A, "lam_R"))}


# -- soundness by reproduction --------------------------------------------------------------

def test_reproduces_prop3_and_thm4_symbolically():
    _, _, T, S = _two()
    assert sp.expand(test_error(T).expr - RS.teacher_error) == 0
    assert sp.expand(test_error(S).expr - RS.student_error) == 0
    # a wrong target does not cancel (the check can fail)
    assert sp.expand(test_error(S).expr - RS.student_error - RS.sigma2 * RS.phi / 100) != 0


def test_numeric_reproduction_matches_ridge_evaluators():
    _, _, T, S = _two()
    rng = np.random.default_rng(1)
    ph, ps = rng.uniform(0.1, 3, 50), rng.uniform(0.1, 3, 50)
    lt, ls = 10 ** rng.uniform(-3, 2, 50), 10 ** rng.uniform(-3, 2, 50)
    got = test_error(S).evaluate(phi=ph, psi=ps, lam_T=lt, lam_S=ls, sigma2=0.5, r2=1.0)
    want = paper.student_error(ph, ps, lt, ls, 0.5, 1.0)
    assert np.max(np.abs(got / want - 1)) < 1e-13


# -- the free reduction against known free-probability facts --------------------------------

def test_alternating_word_abab_matches_free_moment_formula():
    eng = TraceEngine()
    a1, a2 = Mono(1, (("l", sp.Symbol("l"), 1),)), Mono(2, ())
    b1, b2 = Mono(0, (("k", sp.Symbol("k"), 2),)), Mono(3, ())
    got = eng.trace(((0, a1), (1, b1), (0, a2), (1, b2)))
    t = eng.atom
    want = (t(0, a1 * a2) * t(1, b1) * t(1, b2) + t(0, a1) * t(0, a2) * t(1, b1 * b2)
            - t(0, a1) * t(0, a2) * t(1, b1) * t(1, b2))
    assert sp.expand(got - want) == 0
    # three free designs, word abc: factorises
    c = Mono(1, ())
    assert sp.expand(eng.trace(((0, a1), (1, b1), (2, c))) - t(0, a1) * t(1, b1) * t(2, c)) == 0


def test_product_of_two_free_wishart_moments():
    # τ((Σ_A Σ_B)^2) for free MP laws of ratios φ, ψ: τ(a²)τ(b)² + τ(a)²τ(b²) − τ(a)²τ(b)²
    # = (1+φ) + (1+ψ) − 1 (MP moments: τ(x) = 1, τ(x²) = 1 + γ)
    A, B = Design("phi"), Design("psi")
    eng = TraceEngine()
    x = Mono(1, ())
    val = eng.trace(((A.uid, x), (B.uid, x), (A.uid, x), (B.uid, x)))
    sub = {s: RS.phi + 1 if (k, m.a) == (A.uid, 2) else RS.psi + 1 if (k, m.a) == (B.uid, 2)
           else 1 for s, (k, m) in eng.atoms.items()}
    assert sp.expand(val.xreplace(sub) - (1 + RS.phi + RS.psi)) == 0


# -- simulation ------------------------------------------------------------------------------

def test_simulator_equals_independent_ridge_simulator():
    _, _, T, S = _two()
    p = dict(phi=0.5, psi=2.0, lam_T=0.1, lam_S=1.0, sigma2=1.0, r2=1.0)
    ET, ES = test_error(T), test_error(S)
    rT, rS = simulate_limits([ET, ES], d=120, trials=3, seed=5, **p)
    ref = simulate_ridge(120, 0.5, 2.0, 0.1, 1.0, 1.0, 1.0, trials=3, seed=5)
    assert abs(rT.mean - ref.teacher_mean[0]) < 1e-12
    assert abs(rS.mean - ref.student_mean[0, 0]) < 1e-12


def _claim_jobs():
    jobs = []
    for group, limits in PC.pipelines().items():
        pts = (PC.COUNTER,) if group == "gain-misfit" else PC.POINTS
        jobs += [(L, PC._params(L, pt)) for L in limits.values() for pt in pts]
    return jobs


def test_invariant_sampler_has_the_law_of_drawn_designs():
    # Both samplers draw designs of the same finite-d law, so their means differ by noise
    # only (no C/d term): every claim pipeline at d = 40, 40 trials each, within 4.5 SE
    # (max 1.05 at these seeds).
    jobs = _claim_jobs()
    g = simulate_points(jobs, d=40, trials=40, seed=1, sampler="gaussian")
    i = simulate_points(jobs, d=40, trials=40, seed=2, sampler="invariant")
    z = [abs(a.mean - b.mean) / np.hypot(a.se, b.se) for a, b in zip(g, i)]
    assert max(z) < 4.5, z
    # Sharpness: spectra drawn with one sample too many (normalised by n) are rejected
    # (max z = 47 at these seeds); wrong χ degrees are caught by the moment tests of
    # tests/test_simulate_invariant.py.
    from w2s_theory.pipeline import simulate as PS
    from w2s_theory.simulate.invariant import wishart_eigenvalues
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(PS, "wishart_eigenvalues",
                   lambda rng, n, d: wishart_eigenvalues(rng, n + 1, d) * (n + 1) / n)
        w = simulate_points(jobs, d=40, trials=40, seed=2, sampler="invariant")
    assert max(abs(a.mean - b.mean) / np.hypot(a.se, b.se) for a, b in zip(g, w)) > 10


def test_identity_frame_shortcuts_are_exact(monkeypatch):
    # The invariant sampler gives one design the identity frame and skips products with it;
    # the same draws through the generic products give the same values.
    from w2s_theory.pipeline import simulate as PS
    jobs = _claim_jobs()
    fast = simulate_points(jobs, d=50, trials=2, seed=3, sampler="invariant")
    spectra = PS._spectra
    monkeypatch.setattr(PS, "_spectra", lambda *a: (spectra(*a)[0], None))
    slow = simulate_points(jobs, d=50, trials=2, seed=3, sampler="invariant")
    for a, b in zip(fast, slow):
        assert np.allclose(a.values, b.values, rtol=1e-12, atol=1e-13)


def test_small_d_agreement_and_rejection():
    A, B, T, S = _two()
    R = ridge(S, A, "lam_T")
    L = test_error(R)
    p = dict(phi=0.5, psi=2.0, lam_T=0.2, lam_S=0.5, sigma2=0.5, r2=1.0)
    r = L.simulate(d=300, trials=4, seed=3, **p)
    th = L.evaluate(**p)
    tol = 4 * r.se + 0.75 / 300
    assert abs(r.mean - th) <= tol
    assert abs(r.mean - 1.02 * th) > tol


@pytest.mark.parametrize("group", ["iterated", "ensemble", "mixed", "refit", "misfit"])
def test_claims_pass_and_x102_mutants_fail(group):
    ctx = Context(quick=True)
    assert PC.check_group(ctx, group).passed
    assert not PC.check_group(ctx, group, mutate=1.02).passed
    assert not PC.check_group(ctx, group, mutate=0.98).passed


def test_gain_misfit_identity_and_a_wrong_one():
    assert PC.gain_misfit_identity() == 0
    out = PC._gain_misfit(Context(quick=True))
    assert out.passed and out.discrepancy and out.worst > 0.1


# -- numerics ---------------------------------------------------------------------------------

def _rel(L, kw):
    a = L.evaluate(**kw)
    with mpmath.workdps(50):
        b = L.evaluate(**{k: mpmath.mpf(v) for k, v in kw.items()})
    return abs(a - float(b)) / max(abs(float(b)), kw["sigma2"] + kw["r2"])


@pytest.mark.parametrize("lt,ls", [(1e-12, 1.0), (1.0, 1e6), (1e-3, 1e-12), (1e6, 1e6)])
@pytest.mark.parametrize("ph", [1e-3, 0.5, 1.0, 2.0, 1e3])
def test_float_agrees_with_50_digits(ph, lt, ls):
    for L in (_compiled()["refit"], _compiled()["misfit"]):
        kw = {s.name: v for s, v in zip(L.symbols, (ph, 2.0, lt, ls, 0.5, 1.0))}
        # worst measured 2e-10 at phi = 1, lam = 1e-12 (see docs/theory/pipeline.rst)
        assert _rel(L, kw) < (1e-9 if ph == 1.0 else 1e-12)


@pytest.mark.parametrize("eps", [0.0, 1e-12, 1e-9, 1e-6, 1e-3, -1e-9, -1e-3])
def test_near_equal_penalties(eps):
    two, one = _compiled()["refit2"], _compiled()["refit"]
    lt = 0.3
    kw = dict(phi=0.7, psi=1.5, lam_T=lt, lam_S=0.4, lam_R=lt * (1 + eps), sigma2=0.5, r2=1.0)
    assert _rel(two, kw) < 1e-13
    if eps == 0.0:   # the two-shift path equals the one-shift path at equal penalties
        kw1 = {k: v for k, v in kw.items() if k != "lam_R"}
        assert abs(two.evaluate(**kw) - one.evaluate(**kw1)) < 1e-14


# -- validation ------------------------------------------------------------------------------

def test_validation_errors():
    A, B, T, S = _two()
    with pytest.raises(ValueError, match="Design ratio"):
        Design("1phi")
    with pytest.raises(ValueError, match="Design ratio"):
        Design("__import__('os')")
    with pytest.raises(ValueError, match="labels"):
        ridge(3.0, A, "lam_T")
    with pytest.raises(ValueError, match="design"):
        ridge(T, "A", "lam_T")
    with pytest.raises(ValueError, match="lam"):
        ridge(T, B, -1.0)
    with pytest.raises(ValueError, match="reserved"):
        ridge(T, B, "sigma2")
    with pytest.raises(ValueError, match="coefficient"):
        _ = float("inf") * T
    L = test_error(S)
    with pytest.raises(ValueError, match="missing"):
        L.evaluate(phi=0.5)
    with pytest.raises(ValueError, match="phi"):
        L.evaluate(phi=-1.0, psi=1.0, lam_T=1.0, lam_S=1.0, sigma2=1.0, r2=1.0)
    with pytest.raises(ValueError, match="unexpected"):
        L.evaluate(phi=1.0, psi=1.0, lam_T=1.0, lam_S=1.0, sigma2=1.0, r2=1.0, x=1)
    with pytest.raises(ValueError, match="d must be"):
        L.simulate(d=1, phi=1.0, psi=1.0, lam_T=1.0, lam_S=1.0, sigma2=1.0, r2=1.0)
    with pytest.raises(ValueError, match="sampler must be one of"):
        simulate_limits([L], d=10, sampler="haar", phi=1.0, psi=1.0, lam_T=1.0, lam_S=1.0,
                        sigma2=1.0, r2=1.0)
    with pytest.raises(NotImplementedError, match="three or more"):
        R = ridge(ridge(ridge(S, A, "lam_R"), B, "lam_S"), A, "lam_Q")
        test_error(R)


# -- docs --------------------------------------------------------------------------------------

def test_deriving_page_doctests():
    path = pathlib.Path(__file__).parents[1] / "docs" / "deriving.rst"
    saved = mpmath.mp.dps
    try:
        res = doctest.testfile(str(path), module_relative=False,
                               optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    finally:
        mpmath.mp.dps = saved
    assert res.attempted >= 8 and res.failed == 0


# -- catalogued mutants ----------------------------------------------------------------------

def test_mutant_catalogue_applies():
    from w2s_theory.pipeline.mutants import MUTANTS
    for m in MUTANTS:
        m.check_applies()


@pytest.mark.slow
def test_catalogued_mutants_are_killed():
    from proofs_check.mutants import run_source_mutant
    from w2s_theory.pipeline.mutants import MUTANTS
    for m in MUTANTS:
        assert run_source_mutant(m)["killed_by"], m.id


def test_two_penalty_arrays_straddling_equal_values_match_scalars():
    two = _compiled()["refit2"]
    lr = np.array([0.1, 0.3, 0.3 * (1 + 1e-12), 0.9, 0.29999])
    kw = dict(phi=0.7, psi=1.5, lam_T=0.3, lam_S=0.4, sigma2=0.5, r2=1.0)
    arr = two.evaluate(lam_R=lr, **kw)
    one = [two.evaluate(lam_R=float(v), **kw) for v in lr]
    assert arr.shape == (5,) and np.array_equal(arr, np.array(one))
