"""Audit fixes for fdiv claims: each check fails when the statement is perturbed."""
import dataclasses

import numpy as np
import pytest

from proofs_check import Context
from proofs_check.registry import discover
from w2s_theory.fdiv import claims as C
from w2s_theory.fdiv import inequalities as I

QUICK = Context(quick=True)


@pytest.fixture(scope="module")
def registry():
    return {k: v for k, v in discover().items() if k.startswith("fdiv.")}


def _with_rhs_scaled(monkeypatch, name, factor):
    orig = I.INEQUALITIES[name]
    monkeypatch.setitem(I.INEQUALITIES, name,
                        dataclasses.replace(orig, rhs=lambda P, Q, o=orig.rhs: factor * o(P, Q)))


@pytest.mark.parametrize("name", sorted(I.INEQUALITIES))
def test_ineq_claim_requires_sharp_constant(registry, monkeypatch, name):
    # (the unperturbed claims pass: test_fdiv_claims.py::test_claims_pass_quick)
    # a 10% looser rhs -- still a valid bound, but not sharp -- FAILS
    _with_rhs_scaled(monkeypatch, name, 1.1)
    out = registry[f"fdiv.ineq.{name}"].func(QUICK)
    assert not out.passed, out.detail


@pytest.mark.parametrize("factor", [1.5, 0.9])
def test_pinsker_claim_rejects_wrong_constant(registry, monkeypatch, factor):
    # x1.5: valid but not sharp (sup 0.667); x0.9: violated
    _with_rhs_scaled(monkeypatch, "pinsker", factor)
    assert not registry["fdiv.ineq.pinsker"].func(QUICK).passed


def test_standard_references_for_elementary_inequalities(registry):
    for name in ("log-chi2-chi2", "kl-chi2"):
        assert "Gibbs & Su 2002" in registry[f"fdiv.ineq.{name}"].source


# ---------------------------------------------------------------- G: fdiv.w2s-rate
@pytest.mark.parametrize("hyp, ok", [(1.0, True), (0.75, False), (1.25, False), (0.65, False),
                                     (0.5, False)])
def test_rate_check_rejects_wrong_exponents(hyp, ok):
    # one cached simulation (the claim's), tested against several hypothesised
    # rates; testing hypothesis 0.75 is the same as testing 1 on an excess risk
    # that decays like n^-0.75 (the simulated one times n^0.25: slope shifts by
    # exactly 0.25, SE unchanged)
    rate, se, ci, passed = C.rate_check(True, QUICK.seed, hypothesised=hyp)
    assert passed is ok, (hyp, rate, se)


def test_rate_allowance_is_below_a_quarter():
    # the allowance itself (not only this seed's rate) separates n^-1 from n^-0.75
    rate, se, _, _ = C.rate_check(True, QUICK.seed)
    assert C.Z_RATE * se + C.C_RATE < 0.2
