"""Sharpness of the rmt and ridge claims (issue 10): realistic slips must fail in quick mode.

In-process monkeypatching of the public evaluators the claims call; the catalogued
source mutants (``w2s_theory/ridge/mutants.py``) are run by the mutation engine.
"""
import mpmath
import numpy as np
import pytest

from proofs_check import Context
from w2s_theory.ridge import claims as RC
from w2s_theory.ridge import theory as T
from w2s_theory.rmt import claims as MC
from w2s_theory.rmt import marchenko_pastur as MP

QUICK = Context(quick=True)


def _scaled(f, fac, only=None):
    """f × fac; with ``only="float"``/``"mp"`` perturb that numeric path alone."""
    def g(*a, **k):
        mp = any(isinstance(x, (mpmath.mpf, mpmath.mpc)) for x in a)
        hit = only is None or (only == "mp") == mp
        return f(*a, **k) * (fac if hit else 1)
    return g


@pytest.mark.parametrize("claim", [RC._lambda_star, RC._c_max_numeric, RC._ridgeless,
                                   MC._evaluators_quad, MC._complex],
                         ids=lambda f: f.__name__)
def test_high_precision_claims_pass(claim):
    out = claim(QUICK)
    assert out.passed and out.worst <= 1, out.detail


@pytest.mark.parametrize("fac", [1.1, 1.001, 0.999])
@pytest.mark.parametrize("only", [None, "float", "mp"])
def test_lambda_star_claim_rejects_wrong_optimal_lambda(monkeypatch, fac, only):
    monkeypatch.setattr(T, "optimal_lambda", _scaled(T.optimal_lambda, fac, only))
    out = RC._lambda_star(QUICK)
    assert not out.passed and out.worst > 1


@pytest.mark.parametrize("fac", [1.05, 0.95, 1 + 1e-9])
def test_c_max_claim_rejects_wrong_c_max(monkeypatch, fac):
    monkeypatch.setattr(T, "c_max", _scaled(T.c_max, fac))
    assert not RC._c_max_numeric(QUICK).passed


@pytest.mark.parametrize("only", ["float", "mp"])
def test_ridgeless_claim_checks_both_paths(monkeypatch, only):
    monkeypatch.setattr(T, "ridgeless_teacher_error", _scaled(T.ridgeless_teacher_error, 1 + 1e-9, only))
    assert not RC._ridgeless(QUICK).passed


@pytest.mark.parametrize("name", ["m", "m_prime", "tau1", "tau2", "v", "p", "b", "b_over_p"])
@pytest.mark.parametrize("only", ["float", "mp"])
def test_evaluators_claim_rejects_each_functional(monkeypatch, name, only):
    orig = MP.mp_functional
    monkeypatch.setattr(MP, "mp_functional",
                        lambda n, g, l: _scaled(orig, 1 + 1e-9, only)(n, g, l) if n == name else orig(n, g, l))
    assert not MC._evaluators_quad(QUICK).passed


@pytest.mark.parametrize("fn", ["moment", "atom_mass", "density", "stieltjes"])
def test_evaluators_claim_rejects_other_evaluators(monkeypatch, fn):
    orig = getattr(MP, fn)
    if fn == "atom_mass":   # zero for γ < 1: shift instead of scale
        monkeypatch.setattr(MP, fn, lambda g: orig(g) + 1e-9)
    else:
        monkeypatch.setattr(MP, fn, _scaled(orig, 1 + 1e-9))
    assert not MC._evaluators_quad(QUICK).passed


def test_complex_claim_runs_the_mpmath_branch(monkeypatch):
    orig = MP.stieltjes_complex

    def perturbed(g, z):    # 1e-20 relative, on the mpmath branch only (at the claim's precision)
        m = orig(g, z)
        return m * (1 + mpmath.mpf(10) ** -20) if isinstance(z, mpmath.mpc) else m
    monkeypatch.setattr(MP, "stieltjes_complex", perturbed)
    assert not MC._complex(QUICK).passed


@pytest.mark.slow
def test_thm5_claims_pass_and_report_a_margin():
    for f in (RC._thm5_under, RC._thm5_over):
        out = f(QUICK)
        assert out.passed and out.worst_kind == "margin" and out.worst > 0


@pytest.mark.parametrize("end", [pytest.param("lower", marks=pytest.mark.slow), "upper"])
def test_thm5_claim_rejects_a_displaced_band_endpoint(monkeypatch, end):
    import dataclasses
    orig = T.student_win_region

    def shifted(*a):
        w = orig(*a)
        if w.case != "band":
            return w
        return dataclasses.replace(w, **{end: getattr(w, end) * (1 + 1e-6)})
    monkeypatch.setattr(T, "student_win_region", shifted)
    out = RC._thm5_over(QUICK)
    assert not out.passed and out.worst < 0


def test_simulation_claims_pass_with_worst_the_decisive_ratio():
    for f in (RC._teacher_sim, RC._student_sim):
        out = f(QUICK)
        assert out.passed and 0 < out.worst <= 1


@pytest.mark.parametrize("fac", [1.02, 0.98])
def test_teacher_simulation_rejects_2_percent(monkeypatch, fac):
    monkeypatch.setattr(T, "teacher_error", _scaled(T.teacher_error, fac))
    out = RC._teacher_sim(QUICK)
    assert not out.passed and out.worst > 1


def test_teacher_simulation_rejects_r_for_r2(monkeypatch):
    # bias r·λ²m' instead of r²·λ²m': only visible because the settings have r² ≠ 1
    from w2s_theory import rmt
    orig = T.teacher_error
    monkeypatch.setattr(T, "teacher_error", lambda phi, lt, s2, r2: orig(phi, lt, s2, r2)
                        + (np.sqrt(r2) - r2) * rmt.mp_functional("b", phi, lt))
    assert not RC._teacher_sim(QUICK).passed


@pytest.mark.parametrize("fac", [1.02, 0.98])
def test_student_simulation_rejects_2_percent(monkeypatch, fac):
    monkeypatch.setattr(T, "student_error", _scaled(T.student_error, fac))
    assert not RC._student_sim(QUICK).passed


def test_simulations_include_an_overparameterised_teacher():
    # the simulator's null-space term d - k only matters for φ > 1 (n < d)
    assert any(phi > 1 for phi, *_ in RC.SIM_SETTINGS)
    assert any(r2 != 1 for *_, r2 in RC.SIM_SETTINGS)
