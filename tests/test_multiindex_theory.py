"""Limits (SymPy source, evaluators), model validation and the simulator of w2s_theory.multiindex."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings, strategies as st

from proofs_check import Context
from w2s_theory.multiindex import claims as C
from w2s_theory.multiindex import theory as T
from w2s_theory.multiindex.model import MultiIndexSetting
from w2s_theory.multiindex.simulate import SimResult, simulate, top_right_singular
from w2s_theory.multiindex.stats import agreement, fit_rate

QUICK = Context(quick=True)
FORMULAS = [T.spike_overlap, T.teacher_u1, T.teacher_u1_large_step, T.teacher_u2_rate,
            T.student_u1, T.student_u2]


@pytest.mark.parametrize("f", FORMULAS, ids=lambda f: f.name)
def test_generated_mpmath_evaluator_matches_sympy_at_50_digits(f):
    rng = np.random.default_rng(3)
    vals = [sp.Rational(int(rng.integers(1, 400)), 100) for _ in f.symbols]
    with mpmath.workdps(50):
        got = f(*[mpmath.mpf(v.p) / v.q for v in vals])
        want = sp.N(f.expr.subs(dict(zip(f.symbols, vals))), 60)
        assert abs(got - mpmath.mpf(str(want))) < mpmath.mpf(10) ** -45
    assert abs(f(*[float(v) for v in vals]) - float(want)) < 1e-12


def test_bgn_overlap_known_values():
    # hand values of 1 - (a + t)/(t(t + 1)): t = 1, a = 1/2 -> 1/4; t = 3, a = 1 -> 2/3
    assert T.spike_overlap(1.0, 0.5) == pytest.approx(0.25, abs=1e-15)
    assert T.spike_overlap(3.0, 1.0) == pytest.approx(2 / 3, abs=1e-15)
    assert T.spike_overlap(0.5, 1.0) == 0.0  # below threshold theta^4 <= alpha


@settings(max_examples=40)
@given(t2=st.floats(1e-3, 1e3), a=st.floats(1e-3, 1e2))
@example(t2=1.0, a=1.0)       # exactly at the BBP threshold theta^4 = alpha
@example(t2=1e3, a=1e-3)      # far above it
def test_overlap_in_unit_interval_and_increasing(t2, a):
    z1, z2 = T.spike_overlap(t2, a), T.spike_overlap(t2 * 1.01, a)
    assert 0 <= z1 < 1 and z2 >= z1
    # continuity at the threshold: just above it the overlap is small
    if abs(t2 * t2 - a) < 1e-12:
        assert z1 == 0 and T.spike_overlap(t2 * (1 + 1e-9), a) < 1e-8


@settings(max_examples=30)
@given(eta=st.floats(0.05, 20), psi=st.floats(0.05, 5), alpha=st.floats(0.1, 5))
def test_limits_are_ordered(eta, psi, alpha):
    s = MultiIndexSetting(eta_T=eta, eta_S=eta, psi_T=psi, psi_S=psi, alpha=alpha)
    L = s.limits()
    assert 0 <= L["teacher_u1"] <= L["teacher_u1_large_step"] <= 1
    assert 0 <= L["student_u1"] <= L["rho_S2"] <= 1
    assert L["teacher_u2_rate"] > 0


def test_hermite_inputs_of_default_setting_by_hand():
    h = MultiIndexSetting().hermite
    # y = z1 + (z2^2 - 1)/sqrt2: E y^2 = 1 + 1; E[y^2 z2^2] = 1 + (15 - 6 + 1)/2 = 6
    assert h["Ey2"] == pytest.approx(2.0, abs=1e-14)
    assert h["Ey2z2"] == pytest.approx(6.0, abs=1e-14)
    assert h["c1"] == pytest.approx(1.0, abs=1e-14)
    # mu1 = E sech^2(z), independent Gauss-Hermite evaluation
    x, w = np.polynomial.hermite_e.hermegauss(200)
    assert h["mu1"] == pytest.approx(np.sum(w / np.cosh(x) ** 2) / math.sqrt(2 * math.pi), abs=1e-10)


@pytest.mark.parametrize("kw, match", [
    ({"psi_T": -1.0}, "psi_T"), ({"psi_S": 0.0}, "psi_S"), ({"alpha": float("nan")}, "alpha"),
    ({"eta_T": float("inf")}, "eta_T"), ({"beta": -0.1}, "beta"), ({"noise": -1.0}, "noise"),
    ({"eta_S": 1j}, "eta_S"), ({"alpha": True}, "alpha"),
    ({"sigma1": "he2"}, "easy"), ({"sigma2": "he1"}, "hard"),
    ({"activation": sp.Max(sp.Symbol("z", real=True), 0)}, "centred"),
    ({"activation": "softplus"}, "activation"), ({"sigma1": sp.Symbol("w")}, "sigma1"),
])
def test_bad_setting(kw, match):
    with pytest.raises(ValueError, match=match):
        MultiIndexSetting(**kw)


def test_bad_formula_and_simulator_input():
    with pytest.raises(ValueError, match="alpha"):
        T.spike_overlap(1.0, -1.0)
    with pytest.raises(ValueError, match="theta2"):
        T.spike_overlap(float("nan"), 1.0)
    s = MultiIndexSetting()
    for kw, match in [({"d": 4}, "d must"), ({"reps": 0}, "reps must"), ({"step": "huge"}, "step")]:
        args = {"d": 32, "reps": 1, **kw}
        with pytest.raises(ValueError, match=match):
            simulate(s, args.pop("d"), args.pop("reps"), **args)
    with pytest.raises(ValueError, match="setting"):
        simulate("default", 32, 1)


_W = np.random.default_rng(5).standard_normal((6, 5))


@pytest.mark.parametrize("W, r, rng, match", [
    (_W, 2.5, 0, "r must be an integer in \\[1, d - 1\\]"), (_W, 5, 0, "r must"), (_W, 0, 0, "r must"),
    (_W, -1, 0, "r must"), (_W, True, 0, "r must"),
    (_W * np.nan, 1, 0, "W must be finite"), (np.where(_W > 1, np.inf, _W), 1, 0, "W must be finite"),
    (_W + 1j, 1, 0, "W must be a real"), (_W[0], 1, 0, "W must be a non-empty 2-D"),
    (np.ones((3, 1)), 1, 0, "W must have d >= 2"), ("abc", 1, 0, "W must"),
    (_W, 1, -1, "rng"), (_W, 1, "a", "rng"),
])
def test_top_right_singular_bad_input(W, r, rng, match):
    with pytest.raises(ValueError, match=match):
        top_right_singular(W, r, rng)


def test_top_right_singular_edge_inputs():
    # singular values against numpy's dense SVD (an independent LAPACK route)
    s_ref = np.linalg.svd(_W, compute_uv=False)
    V, s = top_right_singular(_W, 2, np.random.default_rng(1))
    np.testing.assert_allclose(s, s_ref[:2], rtol=1e-9)
    np.testing.assert_allclose(V.T @ V, np.eye(2), atol=1e-10)
    # a list and an int seed are accepted; extreme scales neither overflow nor underflow
    for W, f in ((_W.tolist(), 1.0), (_W * 1e200, 1e200), (_W * 1e-200, 1e-200)):
        _, s = top_right_singular(W, 2, 7)
        np.testing.assert_allclose(s / f, s_ref[:2], rtol=1e-9)
    # W = 0 is valid: every unit vector is singular with value 0
    V, s = top_right_singular(np.zeros((4, 5)), 2, 0)
    np.testing.assert_array_equal(s, [0.0, 0.0])
    np.testing.assert_allclose(V.T @ V, np.eye(2), atol=1e-15)
    # rank one: the second singular value is 0 up to rounding
    u = np.arange(1.0, 9.0)
    V, s = top_right_singular(np.outer([1.0, 2.0], u), 2, 0)
    assert s[0] == pytest.approx(np.sqrt(5) * np.linalg.norm(u), rel=1e-12) and abs(s[1]) < 1e-10
    assert abs(abs(V[:, 0] @ u) / np.linalg.norm(u) - 1) < 1e-12


@pytest.mark.parametrize("setting", [None, {}, "default", 1.0])
def test_limits_needs_a_setting(setting):
    with pytest.raises(ValueError, match="setting must be a MultiIndexSetting"):
        T.limits(setting)


@pytest.mark.parametrize("seed", [-1, "a", 1.5, [1, -2], [], True])
def test_simulate_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        simulate(MultiIndexSetting(), 16, 1, seed=seed, student=False)


@pytest.mark.parametrize("method", ["mean", "se"])
@pytest.mark.parametrize("name", ["nope", 3, None])
def test_simresult_unknown_metric(method, name):
    r = SimResult(16, 2, {"teacher_u1": np.array([0.1, 0.3])})
    with pytest.raises(ValueError, match="name must be one of .*teacher_u1"):
        getattr(r, method)(name)
    assert r.mean("teacher_u1") == pytest.approx(0.2)
    assert r.se("teacher_u1") == pytest.approx(0.1)  # sample sd 0.1*sqrt(2), over sqrt(2)


def test_simulator_reproducible_and_seeded():
    s = MultiIndexSetting()
    a = simulate(s, 48, 3, seed=1)
    b = simulate(s, 48, 3, seed=1)
    c = simulate(s, 48, 3, seed=2)
    for k in a.values:
        np.testing.assert_array_equal(a.values[k], b.values[k])
    assert not np.allclose(a.values["teacher_u1"], c.values["teacher_u1"])


def test_tiny_step_teacher_is_random_direction():
    # eta -> 0: W1 = W0, so <v1,u> for a fixed u is a uniformly random overlap: E = 1/d.
    s = MultiIndexSetting(eta_T=1e-8)
    r = simulate(s, 64, 40, seed=3, student=False)
    for m in ("teacher_u1", "teacher_u2"):
        assert abs(r.mean(m) - 1 / 64) <= 3.29 * r.se(m)


def test_fit_rate_recovers_exponent_and_rejects_bad_input():
    ds = np.array([64, 128, 256, 512.0])
    r = fit_rate(ds, 3 * ds ** -0.5, 0.01 * 3 * ds ** -0.5, z=2.58)
    assert r.slope == pytest.approx(-0.5, abs=1e-12) and r.contains(-0.5)
    with pytest.raises(ValueError):
        fit_rate(ds[:2], [1, 1], [0.1, 0.1], z=2)
    with pytest.raises(ValueError):
        agreement([np.nan], [0.1], [0.0], [10], z=3, C=1)


# ----------------------------------------------------------------- claims and their sharpness

def test_quick_claims_pass():
    from proofs_check.registry import REGISTRY
    mine = {k: c for k, c in REGISTRY.items() if k.startswith("multiindex.")}
    assert len(mine) >= 10
    outcomes = {k: c.run(QUICK) for k, c in mine.items()}
    failed = {k: o.detail for k, o in outcomes.items() if not o.passed}
    assert not failed, failed


def _perturbed(**changes):
    L = dict(C.DEFAULT.limits())
    L.update(changes)
    return L


def test_sharpness_teacher_easy_limit():
    sims = C.study(QUICK)
    L = C.DEFAULT.limits()
    assert all(r.passed for r in C.check_limits(sims, L, ["teacher_u1"]))
    # dropped BBP factor zeta (the large-step formula used at a fixed step) fails
    assert not all(r.passed for r in C.check_limits(sims, _perturbed(teacher_u1=L["rho_T2"]), ["teacher_u1"]))
    # coefficient x1.2 fails
    assert not all(r.passed for r in C.check_limits(sims, _perturbed(teacher_u1=1.2 * L["teacher_u1"]),
                                                     ["teacher_u1"]))
    # the update's own alignment: rho_T^2 passes, rho_T^2 computed without the psi_T E y^2 noise
    # term (i.e. 1) and rho_T^2 x 1.15 fail
    assert all(r.passed for r in C.check_limits(sims, L, ["teacher_grad_u1"]))
    for wrong in (1.0, 1.15 * L["rho_T2"]):
        assert not all(r.passed for r in C.check_limits(sims, _perturbed(teacher_grad_u1=wrong),
                                                         ["teacher_grad_u1"]))


def test_sharpness_student_limits():
    sims = C.study(QUICK)
    L = C.DEFAULT.limits()
    assert all(r.passed for r in C.check_limits(sims, L, ["student_u1", "student_u2"]))
    # dropping the label-noise term psi_S E[y~^2] from s_S^2 fails
    h, th2 = C.DEFAULT.hermite, L["theta_T2"]
    rho_s2_wrong = h["mu1"] ** 2 * th2 * L["rho_T2"] / (h["mu1"] ** 2 * (1 + th2))
    wrong = rho_s2_wrong * T.spike_overlap(L["theta_S2"], C.DEFAULT.alpha)
    assert not all(r.passed for r in C.check_limits(sims, _perturbed(student_u1=wrong), ["student_u1"]))
    # student_u2 with coefficient x1.1 fails
    assert not all(r.passed for r in C.check_limits(sims, _perturbed(student_u2=1.1 * L["student_u2"]),
                                                     ["student_u2"]))


def test_sharpness_hard_rate():
    ds, means, ses = C.hard_rate_data(C.rate_study(QUICK))
    rate = fit_rate(ds, means, ses, z=C.Z_RATE)
    assert rate.contains(-0.5)
    assert not rate.contains(-0.25) and not rate.contains(-1.0)  # other exponents rejected
    L = C.DEFAULT.limits()
    zeta = T.spike_overlap(L["theta_T2"], 1.0)
    kappa_wrong = math.sqrt(1 - zeta)  # forgot the spike's own u2 component
    ag = agreement(np.sqrt(ds) * means, np.sqrt(ds) * ses, kappa_wrong * math.sqrt(2 / math.pi), ds,
                   z=C.Z_LIMIT, C=C.C_LIMIT)
    assert not ag.passed


def test_sharpness_keeps_both_check_rejects_teacher_u2():
    # the student's "does not decay" check (CI lower bound > -1/4) fails on the teacher's u2 series
    ds, means, ses = C.hard_rate_data(C.rate_study(QUICK))
    assert fit_rate(ds, means, ses, z=C.Z_RATE).ci[0] < -0.25
