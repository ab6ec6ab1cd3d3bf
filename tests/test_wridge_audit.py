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
