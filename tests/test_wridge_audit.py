"""Sharpness of the wridge claims fixed after the audit: 5 % errors must fail in quick mode."""
import numpy as np
import pytest
import sympy as sp

from proofs_check import Context
from w2s_theory import ridge
from w2s_theory.wridge import claims as WC
from w2s_theory.wridge import symbolic as S
from w2s_theory.wridge import theory as T

QUICK = Context(quick=True)
APPE = [WC._appE_opt, WC._appE_under]


def _scaled(f, fac):
    return lambda *a, **k: fac * f(*a, **k)


@pytest.mark.parametrize("claim", APPE, ids=lambda f: f.__name__)
def test_appE_claims_pass_unperturbed(claim):
    assert claim(QUICK).passed


@pytest.mark.parametrize("fac", [1.05, 0.95])
@pytest.mark.parametrize("claim", APPE, ids=lambda f: f.__name__)
def test_appE_claims_reject_student_error_5_percent(monkeypatch, claim, fac):
    # the grid searches run on the perturbed formula too, but a constant factor keeps their
    # monotonicity and sign conclusions; only the simulation comparison can reject it
    monkeypatch.setattr(T, "student_error", _scaled(T.student_error, fac))
    assert not claim(QUICK).passed


def _theory_only():
    return {"theory": WC._variant_evaluators()["theory"]}


def test_decomposition_theory_passes():
    assert all(a.passed for a in WC.decomposition_check(QUICK, _theory_only())["theory"])


@pytest.mark.parametrize("fac", [1.05, 0.95])
def test_decomposition_rejects_delta_5_percent(fac):
    f = sp.lambdify(S.ARGS, S.instantiate(sp.nsimplify(fac) * S.delta), "numpy", cse=True)
    assert not all(a.passed for a in WC.decomposition_check(QUICK, {"v": f})["v"])


@pytest.mark.parametrize("wrong", [lambda g: 1.05 * g, lambda g: g + 0.02, lambda g: g - 0.02],
                         ids=["x1.05", "+0.02", "-0.02"])
def test_decomposition_rejects_wrong_gap(monkeypatch, wrong):
    orig = ridge.error_gap
    monkeypatch.setattr(ridge, "error_gap", lambda *a: wrong(orig(*a)))
    assert not all(a.passed for a in WC.decomposition_check(QUICK, _theory_only())["theory"])


def test_decomposition_claim_passes():
    assert WC._decomposition(QUICK).passed


# ------------------------------------------------------------------ rho-threshold-psi-below-1 (F)

def test_rho_threshold_limit_reports_a_margin():
    out = WC._rho_th_limit(QUICK)
    assert out.passed and out.worst_kind == "margin" and out.worst >= -1e-12


@pytest.mark.parametrize("fac", [1.01, 0.99])
def test_rho_threshold_limit_rejects_wrong_limit(monkeypatch, fac):
    monkeypatch.setattr(T, "rho_threshold_limit", _scaled(T.rho_threshold_limit, fac))
    out = WC._rho_th_limit(QUICK)
    assert not out.passed
    if fac > 1:     # a too-high bound is undercut by the λ_S grid: negative margin
        assert out.worst < 0


# ------------------------------------------------------------------ issue 10: magnitudes, not signs

@pytest.mark.parametrize("fac", [1.5, 1.05, 0.95])
def test_beats_claim_compares_magnitudes(monkeypatch, fac):
    # Δ scaled: the gap of the weighted student moves, the signs do not
    orig = T.error_gap
    monkeypatch.setattr(T, "error_gap", lambda *a: orig(*a) + (fac - 1) * T.delta(*a))
    out = WC._beats(QUICK)
    assert not out.passed and out.worst < 0


def test_beats_claim_passes_with_a_margin():
    out = WC._beats(QUICK)
    assert out.passed and out.worst_kind == "margin" and out.worst > 0


@pytest.mark.parametrize("fac", [1.5, 1 + 1e-8])
def test_delta_sign_search_compares_magnitudes(monkeypatch, fac):
    monkeypatch.setattr(T, "delta", _scaled(T.delta, fac))
    out = WC._delta_sign(QUICK)
    assert not out.passed and out.worst > 1


@pytest.mark.parametrize("fac", [1.01, 0.99])
def test_rho_threshold_claim_uses_an_independent_root(monkeypatch, fac):
    monkeypatch.setattr(T, "rho_threshold", _scaled(T.rho_threshold, fac))
    out = WC._rho_th(QUICK)
    assert not out.passed and out.worst > 1


def test_delta_zero_claim_checks_the_rho_squared_law(monkeypatch):
    orig = T.delta
    # Δ linear in |ρ|: still 0 at ρ = 0, but Δ(0.6) ≠ 0.36 Δ(1)
    monkeypatch.setattr(T, "delta", lambda phi, psi, lt, ls, s2, r2, rho, om=0.0:
                        orig(phi, psi, lt, ls, s2, r2, 1.0, om) * np.abs(rho))
    out = WC._delta_rho0(QUICK)
    assert not out.passed and out.worst > 1


def test_delta_zero_claim_checks_the_value_at_rho0(monkeypatch):
    orig = T.delta
    monkeypatch.setattr(T, "delta", lambda *a: orig(*a) - 0.02)
    assert not WC._delta_rho0(QUICK).passed


def test_appE_optimal_teacher_rejects_tau1_for_tau2(monkeypatch):
    from w2s_theory import rmt
    orig = T.student_error

    def wrong(phi, psi, lt, ls, s2, r2, rho, om=0.0):   # σ²φv_φ·τ1_ψ instead of ·τ2_ψ
        return orig(phi, psi, lt, ls, s2, r2, rho, om) + s2 * phi * rmt.mp_functional("v", phi, lt) \
            * ls * rmt.mp_functional("v", psi, ls)
    monkeypatch.setattr(T, "student_error", wrong)
    out = WC._appE_opt(QUICK)
    assert not out.passed and out.worst < 0


def test_decomposition_settings_vary_r2_and_sigma2():
    quick = WC.decomposition_sizes(QUICK)[2]
    assert any(r2 != 1 for *_, r2 in quick) and len({s2 for *_, s2, _ in quick}) > 1
