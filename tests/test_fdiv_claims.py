"""fdiv claims pass in quick mode, and each check FAILS when the statement is perturbed."""
import numpy as np
import pytest
import sympy as sp

from proofs_check import Context
from proofs_check.registry import discover
from proofs_check.runner import run_claim
from w2s_theory.fdiv import CHI2, DIVERGENCES, KL, FDivergence, t
from w2s_theory.fdiv.claims import gradient_fd_error, local_chi2_error
from w2s_theory.fdiv.inequalities import (INEQUALITIES, joint_convexity_margin, min_ratio_to_tv2,
                                          search_inequality)

QUICK = dict(n=150, ks=(2, 3), refine=1, maxiter=150)


@pytest.fixture(scope="module")
def records():
    claims = {k: v for k, v in discover().items() if k.startswith("fdiv.")}
    return {k: run_claim(c, Context(quick=True)) for k, c in claims.items()}


def test_claims_registered(records):
    expected = {"fdiv.nonneg-zero-iff-equal", "fdiv.joint-convexity", "fdiv.conjugate-symmetry",
                "fdiv.ce-equals-kl-gradient", "fdiv.grad-closed-form", "fdiv.local-chi2",
                "fdiv.w2s-realizable-no-gain", "fdiv.w2s-tv-flip-robust", "fdiv.w2s-misfit-gain",
                "fdiv.w2s-rate"}
    expected |= {f"fdiv.ineq.{n}" for n in INEQUALITIES}
    assert expected <= set(records)


def test_written_out_inequality_claims_match_the_table():
    """The fdiv.ineq.* decorators are written out for the static index: same statements/sources."""
    from w2s_theory.fdiv.claims import _SOURCE_OVERRIDE
    claims = {k: v for k, v in discover().items() if k.startswith("fdiv.ineq.")}
    assert set(claims) == {f"fdiv.ineq.{n}" for n in INEQUALITIES}
    for name, ineq in INEQUALITIES.items():
        c = claims[f"fdiv.ineq.{name}"]
        assert c.title == f"{ineq.statement} for all P, Q; the constant is sharp (sup lhs/rhs = 1)"
        assert c.source == _SOURCE_OVERRIDE.get(name, ineq.source)


def test_claims_pass_quick(records):
    bad = {k: r["detail"] for k, r in records.items() if r["status"] != "pass"}
    assert not bad


@pytest.mark.parametrize("name", sorted(INEQUALITIES))
def test_inequalities_are_sharp(name):
    """Tightening any constant by 10% makes the same search find a violation,
    so a passing search is informative (and the reported constants are sharp)."""
    res = search_inequality(name, np.random.default_rng(7), scale=0.9, **QUICK)
    assert res.sup_ratio > 1.0, (name, res.sup_ratio)


def test_sup_close_to_one_where_known():
    # Pinsker is attained as P -> Q (Bernoulli near 1/2), Hellinger-TV upper
    # bound exactly at P = (1/2 + d, 1/2 - d), Q = P reversed.
    assert search_inequality("pinsker", np.random.default_rng(1), **QUICK).sup_ratio > 0.9999
    assert search_inequality("hellinger-tv-upper", np.random.default_rng(1), **QUICK).sup_ratio > 1 - 1e-9


def test_joint_convexity_search_detects_nonconvex_generator():
    cubic = FDivergence((t - 1) ** 3, "cubic", validate=False)  # f(1) = 0, not convex
    worst, _ = joint_convexity_margin(cubic, np.random.default_rng(0), n=120, ks=(2, 3), refine=1,
                                      maxiter=150)
    assert worst < -1e-3


def test_zero_iff_equal_search_detects_flat_generator():
    # convex with f(1) = 0 but flat on [1/2, 3/2]: D_f = 0 for nearby P != Q
    flat = FDivergence("Max(Abs(t - 1) - 1/2, 0)", "flat")
    res = min_ratio_to_tv2(flat, np.random.default_rng(0), n=150, ks=(2, 3), refine=1, maxiter=100)
    assert 1 / res.sup_ratio == 0.0
    assert 1 / min_ratio_to_tv2(KL, np.random.default_rng(0), n=150, ks=(2, 3), refine=1,
                                maxiter=100).sup_ratio > 1.9  # Pinsker: KL >= 2 TV^2


def test_gradient_check_detects_wrong_coefficient():
    d = FDivergence(CHI2.f, "chi2-wrong", validate=False)
    d.__dict__["grad_coefficient"] = sp.Rational(11, 10) * CHI2.grad_coefficient
    assert gradient_fd_error(d, np.random.default_rng(0), 2) > 1e-3
    d2 = FDivergence(KL.f, "kl-dropped", validate=False)
    d2.__dict__["grad_coefficient"] = KL.f  # the -t f'(t) term dropped
    assert gradient_fd_error(d2, np.random.default_rng(0), 2) > 1e-3
    assert gradient_fd_error(KL, np.random.default_rng(0), 2) < 1e-18


def test_local_chi2_check_detects_wrong_constant():
    d = FDivergence(KL.f, "kl-wrong", validate=False)
    d.__dict__["f2_at_1"] = sp.Rational(11, 10)  # true f''(1) = 1
    assert local_chi2_error(d, np.random.default_rng(0), 2) > 0.05
    assert local_chi2_error(KL, np.random.default_rng(0), 2) < 1e-6


def test_float_gradient_matches_50_digit_gradient():
    import mpmath
    rng = np.random.default_rng(3)
    for d in DIVERGENCES.values():
        P = rng.dirichlet(np.ones(4))
        Z = rng.standard_normal(4)
        _, g = d.loss_and_grad(P, Z)
        with mpmath.workdps(50):
            pm = [mpmath.mpf(float(x)) for x in P]
            s = mpmath.fsum(pm)
            _, gm = d.loss_and_grad([x / s for x in pm], [mpmath.mpf(float(z)) for z in Z])
        np.testing.assert_allclose(g, np.array(gm, float), rtol=1e-9, atol=1e-13)
