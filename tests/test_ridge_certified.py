"""Certified §2.1 claims in u = m(−λ) (w2s_theory.ridge.certify_forms, docs/certified.rst).

The rewritten expressions are compared with the package's public evaluators at random
50-digit points (independent of the SymPy identities the claims check), and every 2 %-too-strong
statement must be refuted.
"""
import random

import mpmath
import pytest
import sympy as sp

from w2s_theory.ridge import certify_forms as CF
from w2s_theory.ridge import symbolic as S
from w2s_theory.ridge import theory as TH
from w2s_theory.rmt import marchenko_pastur as MPL

pytest.importorskip("flint")

RNG = random.Random(20251203)


def _logu(lo, hi):
    return mpmath.mpf(10) ** mpmath.mpf(RNG.uniform(lo, hi))


def _num(expr, subs):
    return sp.lambdify(list(subs), expr, modules="mpmath")(*subs.values())


def test_cmax_minus_g_factored_matches_public_evaluators_at_50_digits():
    with mpmath.workdps(50):
        for _ in range(20):
            t, lam = _logu(-6, 3), _logu(-12, 6)
            psi = 1 + t
            uu = MPL.stieltjes(psi, lam)           # u = m_ψ(−λ_S), the package's evaluator
            ref = TH.c_max(psi) - TH.gain_g(psi, lam)
            got = _num(CF.cmax_minus_g_in_u(), {CF.T: t, CF.u: uu})
            assert got >= 0
            assert abs(got - ref) <= mpmath.mpf(10) ** -40 * (1 + abs(ref)) + 1e-45


def test_two_minus_h_in_u_matches_public_level_h():
    tu = CF.teacher_in_u()
    with mpmath.workdps(50):
        for _ in range(20):
            phi, uT = _logu(-3, 3), _logu(-7, 5)
            if phi < 1 and uT * (1 - phi) >= 1:
                uT = mpmath.mpf(RNG.random()) / (1 - phi)
            lam = (1 - (1 - phi) * uT) / (uT * (1 + phi * uT))
            s2, r2 = _logu(-3, 3), _logu(-3, 3)
            v, t2 = (_num(tu[k], {S.phi: phi, CF.U_T: uT}) for k in ("v", "tau2"))
            assert v > 0 and t2 > 0
            K = r2 * t2 + s2 * phi * v
            got = 2 * v * (s2 * phi - r2 * lam) / K
            ref = 2 - TH.level_h(phi, lam, s2, r2)
            assert abs(got - ref) <= mpmath.mpf(10) ** -35 * (1 + abs(ref))


def test_side_forms_are_the_endpoint_quadratic_at_the_root_parametrisation():
    # Q(ψ, c(ψ,R), w/√(ψ(ψ−1))) = (c − 1)(w − 1/R)(w − R): compare with the package's win region
    checked = 0
    with mpmath.workdps(50):
        for _ in range(4):
            t, Rv = _logu(-3, 2), 1 + _logu(-2, 2)
            psi = 1 + t
            q = mpmath.sqrt(psi * t)
            c = 1 + 1 / (2 * psi + (Rv + 1 / Rv) * q)
            us = []
            for w in (1 / Rv, Rv):          # the two roots
                uu = w / q
                us.append((1 - (1 - psi) * uu) / (uu * (1 + psi * uu)))
            # a teacher with h = c: φ = 1, σ² = r² = 1, λ_T solving level_h = c by bisection
            lo, hi = mpmath.mpf("1e-12"), mpmath.mpf(1)
            for _ in range(140):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if TH.level_h(1, mid, 1, 1) < c else (lo, mid)
            if abs(TH.level_h(1, lo, 1, 1) - c) > mpmath.mpf(10) ** -40:
                continue   # c outside the range of this teacher family
            w = TH.student_win_region(mpmath.mpf(1), psi, lo, mpmath.mpf(1), mpmath.mpf(1))
            assert w.case == "band"
            assert abs(w.lower / min(us) - 1) < 1e-30 and abs(w.upper / max(us) - 1) < 1e-30
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("cid", ["ridge.g-below-cmax-certified", "ridge.h-below-2-iff-certified",
                                 "ridge.thm5-boxes-certified"])
def test_new_certified_claims_quick_pass_and_refute_their_perturbations(cid):
    from proofs_check.registry import Context, discover
    out = discover()[cid].run(Context(quick=True))
    assert out.passed, out.detail
    parts = out.detail.split(" | ")
    assert all("refuted at" in p for p in parts), out.detail


def test_perturbed_cmax_is_refuted_in_original_coordinates():
    # g − 1 ≤ 0.98 (c_max − 1) fails at the maximiser u* = 1/√(ψ(ψ−1)), checked with theory.py
    with mpmath.workdps(50):
        psi = mpmath.mpf(3)
        uu = 1 / mpmath.sqrt(psi * (psi - 1))
        lam = (1 - (1 - psi) * uu) / (uu * (1 + psi * uu))
        g, cm = TH.gain_g(psi, lam), TH.c_max(psi)
        assert abs(g - cm) < mpmath.mpf(10) ** -40
        assert g - 1 > mpmath.mpf("0.98") * (cm - 1)


def test_identities_are_checked_and_would_catch_a_wrong_form():
    assert all(v == 0 for v in CF.check_cmax_form().values())
    assert all(v == 0 for v in CF.check_thm5_reduction().values())
    # a wrong factor (ψ instead of 2ψ) leaves a nonzero residual
    psi = 1 + CF.T
    wrong = CF.cmax_minus_g_in_u() * 2
    res = sp.simplify(S.c_max_over.subs(S.psi, psi) - S.gain_of_u.subs(S.psi, psi) - wrong)
    assert res != 0


def test_h_depends_on_lam_T_at_fixed_ratio_to_lam_star():
    # the reduction keeps three variables (φ, λ_T, λ_T/λ*): h is NOT a function of (φ, λ_T/λ*)
    f = 0.5
    h1 = TH.level_h(1.0, 0.1, 0.1 / f, 1.0)        # λ* = φσ²/r² = 0.2
    h2 = TH.level_h(1.0, 10.0, 10.0 / f, 1.0)      # λ* = 20, same λ_T/λ*
    assert abs(h1 - h2) > 1e-2
    # but it is invariant under (σ², r²) -> (kσ², kr²)
    assert abs(TH.level_h(0.7, 0.3, 0.5, 2.0) - TH.level_h(0.7, 0.3, 5.0, 20.0)) < 1e-14


def test_to_u_rejects_a_wrong_branch():
    # a Piecewise whose branches differ at λ(u) (a corrupted second branch of m) is refused
    from w2s_theory.rmt import symbolic as M
    m = M.functional("m", S.phi, S.lam_T, stable=True).doit()
    (b1, c1), (b2, c2) = m.args
    bad = sp.Piecewise((b1, c1), (b2 * sp.Rational(101, 100), c2))
    with pytest.raises(AssertionError):
        CF.to_u(bad, S.phi, S.lam_T, CF.U_T)
    assert CF.to_u(m, S.phi, S.lam_T, CF.U_T) == CF.U_T


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["ridge.g-below-cmax-certified", "ridge.h-below-2-iff-certified",
                                 "ridge.thm5-boxes-certified"])
def test_new_certified_claims_full(cid):
    from proofs_check.registry import Context, discover
    out = discover()[cid].run(Context(quick=False))
    assert out.passed, out.detail


def test_under_parameterised_reduction_matches_public_win_region():
    # ψ < 1: the level c(ψ, ρ_e) has its endpoint at u_e = y_e/(1 − ψ), y_e = ρ_e/(1 + ρ_e);
    # compare λ(u_e) with student_win_region for a teacher (φ = 1, σ² = r² = 1) with h = c
    f_c = sp.lambdify((CF.OMEGA, CF.RHO_E), CF.under_level(), modules="mpmath")
    checked = 0
    with mpmath.workdps(50):
        for om, rho in ((0.5, 0.3), (0.25, 2.0), (0.9, 0.05), (0.5, 20.0)):
            om, rho = mpmath.mpf(om), mpmath.mpf(rho)
            psi, c = 1 - om, f_c(om, rho)
            ue = rho / (1 + rho) / om
            lam_e = (1 - om * ue) / (ue * (1 + psi * ue))
            lo, hi = mpmath.mpf("1e-30"), mpmath.mpf(1)      # h(λ_T) increases from 1 to 2 here
            for _ in range(170):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if TH.level_h(1, mid, 1, 1) < c else (lo, mid)
            w = TH.student_win_region(mpmath.mpf(1), psi, lo, mpmath.mpf(1), mpmath.mpf(1))
            assert w.case == "below" and abs(w.upper / lam_e - 1) < 1e-30
            # the certified sign form: loss just above λ₊, win just below (x = ρ/ρ_e)
            F = sp.lambdify((CF.OMEGA, CF.RHO_E, CF.X), CF.under_sign_form(), modules="mpmath")
            assert F(om, rho, mpmath.mpf("0.999")) > 0 > F(om, rho, mpmath.mpf("1.001"))
            checked += 1
    assert checked == 4


def test_claim_fails_when_the_rewritten_form_is_wrong(monkeypatch):
    # a certified claim whose rewrite does not match the package's forms must not pass, even
    # though the wrong form (twice the right one) is still >= 0 on every box
    from proofs_check.registry import Context, discover
    from proofs_check.runner import run_claim
    right = CF.cmax_minus_g_in_u()
    monkeypatch.setattr(CF, "cmax_minus_g_in_u", lambda: 2 * right)
    c = discover()["ridge.g-below-cmax-certified"]
    rec = run_claim(c, Context(quick=True))
    assert rec["status"] == "fail" and "SymPy identity failed" in rec["detail"]
