"""Spectral-reuse simulator for §2.2, and the sharpness of the simulation checks."""
import numpy as np
import pytest

from proofs_check import Context
from w2s_theory import ridge
from w2s_theory import wridge as W
from w2s_theory._stats import agreement
from w2s_theory.simulate import simulate_ridge
from w2s_theory.wridge import claims
from w2s_theory.wridge.simulate import simulate_wridge, simulate_wridge_naive


@pytest.mark.parametrize("phi, psi", [(0.5, 0.5), (2.0, 0.7), (0.6, 2.5), (1.5, 1.0)])
def test_spectral_reuse_equals_dense_solves(phi, psi):
    lt, ls = np.array([0.0, 0.1, 1.0]), np.array([1e-3, 0.5, 3.0])
    rho, om = np.array([0.0, 0.6, -1.0]), np.array([0.0, 0.3, 1.0, 2.0])
    s = simulate_wridge(50, phi, psi, lt, ls, 0.5, 1.3, rho, om, trials=2, seed=4)
    ET, ES = simulate_wridge_naive(50, phi, psi, lt, ls, 0.5, 1.3, rho, om, seed=4)
    assert np.allclose(s.teacher_trials[0], ET, rtol=1e-10)
    assert np.allclose(s.student_trials[0], ES, rtol=1e-9)


def test_student_equals_estimator_on_the_same_draws():
    """Re-draw trial 0 by hand and fit with the public estimator (weighted_ridge with Γ = I + κθθᵀ)."""
    d, phi, psi, lt, ls, s2, r2, rho, kappa = 40, 0.5, 2.0, 0.3, 0.7, 0.5, 1.0, 0.6, 3.0
    s = simulate_wridge(d, phi, psi, [lt], [ls], s2, r2, [rho], [W.omega_from_kappa(kappa)],
                        trials=2, seed=9)
    rng = np.random.default_rng(np.random.SeedSequence(9).spawn(2)[0])
    beta = rng.standard_normal(d)
    beta *= np.sqrt(r2) / np.linalg.norm(beta)
    u = rng.standard_normal(d)
    bh = beta / np.sqrt(r2)
    u -= (u @ bh) * bh
    u /= np.linalg.norm(u)
    n, m = round(d / phi), round(d / psi)
    X = rng.standard_normal((n, d))
    y = X @ beta + np.sqrt(s2) * rng.standard_normal(n)
    Xs = rng.standard_normal((m, d))
    bT = np.linalg.solve(X.T @ X / n + lt * np.eye(d), X.T @ y / n)
    theta = rho * bh + np.sqrt(1 - rho**2) * u
    bS = W.weighted_ridge(Xs, Xs @ bT, ls, W.spiked_gamma(theta, kappa))
    assert s.student_trials[0, 0, 0, 0, 0] == pytest.approx(s2 + np.sum((bS - beta) ** 2), rel=1e-10)


def test_omega_one_matches_the_foundation_simulator_in_distribution():
    """ω = 1 is the §2.1 pipeline: same limit as simulate_ridge (different draws, so statistically)."""
    a = simulate_wridge(200, 0.5, 2.0, [0.1], [0.3], 0.5, 1.0, [0.0], [1.0], trials=8, seed=1)
    b = simulate_ridge(200, 0.5, 2.0, [0.1], [0.3], 0.5, 1.0, trials=8, seed=2, average="sample")
    diff = a.student_mean[0, 0, 0, 0] - b.student_mean[0, 0]
    se = np.hypot(a.student_se[0, 0, 0, 0], b.student_se[0, 0])
    assert abs(diff) < 4 * se + 1e-3


def test_ridgeless_student_at_square_design_copies_the_teacher():
    """ψ = 1, λ_S = 0, ω = 1: X̃ is square and invertible and the labels noiseless, so β_S = β_T."""
    s = simulate_wridge(60, 0.5, 1.0, [0.1], [0.0], 0.5, 1.0, [0.3], [1.0], trials=3, seed=5)
    assert np.allclose(s.student_trials[:, 0, 0, 0, 0], s.teacher_trials[:, 0], rtol=1e-8)


@pytest.mark.parametrize("kwargs, match", [
    (dict(d=1), "d"), (dict(d=10.5), "d"), (dict(trials=1), "trials"), (dict(phi=0.0), "phi"),
    (dict(psi=-1.0), "psi"), (dict(lam_T=-0.1), "lam_T"), (dict(lam_S=[0.1, np.nan]), "lam_S"),
    (dict(rho=1.5), "rho"), (dict(omega=-1.0), "omega"), (dict(sigma2=-1.0), "sigma2"),
    (dict(r2=0.0), "r2"), (dict(lam_S=np.ones((2, 2))), "lam_S"),
])
def test_bad_input(kwargs, match):
    args = dict(d=10, phi=0.5, psi=0.5, lam_T=0.1, lam_S=0.1, sigma2=0.5, r2=1.0, rho=0.5,
                omega=0.0, trials=2, seed=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        simulate_wridge(**args)


# ------------------------------------------------------------------ sharpness of the claims' checks
def test_decomposition_check_accepts_theory_and_rejects_perturbations():
    """Same sims, same z·SE + C/d rule: the derived Δ passes, each perturbed Δ fails somewhere."""
    res = claims.decomposition_check(Context(quick=True, seed=20251124))
    assert all(a.passed for a in res.pop("theory"))
    for name, ags in res.items():
        assert not all(a.passed for a in ags), name


def test_appendix_e_simulation_checks_are_sharp():
    """The ridgeless-teacher curve: theory passes, theory without the teacher-noise term
    (or ×1.1) fails the same check at the same points."""
    ctx = Context(quick=True, seed=20251124)
    s2, r2 = claims.APPE_NOISE
    sims = claims._sim_phi_points(ctx, 0.5, claims.APPE_LAM_S, s2, r2, (0.5, 0.8, 1.25, 2.0),
                                  lambda p: 0.0, 31)
    def check(f):
        return all(agreement(mean, se, f(phi), d, claims.Z, claims.sim_C(s2, r2)).passed
                   for phi, _, mean, se, d in sims)
    th = lambda p: W.student_error_ridgeless_teacher(p, 0.5, claims.APPE_LAM_S, s2, r2)  # noqa: E731
    no_noise = lambda p: W.student_error_ridgeless_teacher(p, 0.5, claims.APPE_LAM_S, 0.0, r2) + s2  # noqa: E731
    assert check(th)
    assert not check(lambda p: 1.1 * th(p))
    assert not check(no_noise)


def test_overregularised_teacher_check_is_sharp():
    """The §2.1 student at the same setting (ω = 1) must *not* be reported as winning."""
    phi, psi, s2, r2, f, ls = claims.BEAT_SETTINGS[0]
    lt = f * ridge.optimal_lambda(phi, s2, r2)
    sim = simulate_wridge(250, phi, psi, [lt], [ls], s2, r2, [1.0], [0.0, 1.0], trials=8, seed=3)
    tol = claims.Z * sim.gap_se[0, 0, 0] + claims.sim_C(s2, r2) / 250
    g = sim.gap_mean[0, 0, 0]
    assert g[0] + tol[0] < 0 < g[1] - tol[1]


@pytest.mark.parametrize("rule", ["optimal", "under"])
def test_appendix_e_teacher_rule_checks_are_sharp(rule):
    """λ_T = λ*(φ) and fixed λ_T = 0.05 curves: theory passes, theory ×1.1 fails (same points).

    Full-mode sizes (d = 400, 12 trials): at quick sizes the fixed-λ_T check is too loose to
    reject ×1.1, so the claim's evidence is the full-mode run."""
    ctx = Context(quick=False, seed=20251124)
    s2, r2 = claims.APPE_NOISE
    lt_of = (lambda p: float(ridge.optimal_lambda(p, s2, r2))) if rule == "optimal" else (lambda p: 0.05)
    sims = claims._sim_phi_points(ctx, 0.5, claims.APPE_LAM_S, s2, r2, (0.5, 1.1, 2.0), lt_of, 32)
    def check(scale):
        return all(agreement(mean, se, scale * W.student_error(phi, 0.5, lt, claims.APPE_LAM_S, s2, r2, 0.0, 1.0),
                             d, claims.Z, claims.sim_C(s2, r2)).passed for phi, lt, mean, se, d in sims)
    assert check(1.0)
    assert not check(1.1)


def test_no_peak_along_psi_check_is_sharp():
    """Ridgeless student at ψ ∈ {0.9, 1, 1.1}: the limit passes; 'copies the teacher for all ψ'
    (wrong for ψ > 1) and the limit ×1.1 fail."""
    s2, r2, phi, lt, d = 1.0, 1.0, 0.5, 0.5, 200
    ok = {"theory": True, "x1.1": True, "copy": True}
    for psi in (0.9, 1.0, 1.1, 2.0):
        sim = simulate_wridge(d, phi, psi, [lt], [0.0], s2, r2, [0.0], [1.0], trials=6, seed=[1, int(psi * 10)])
        lim = W.student_error_ridgeless_student(phi, psi, lt, s2, r2)
        for name, val in (("theory", lim), ("x1.1", 1.1 * lim), ("copy", ridge.teacher_error(phi, lt, s2, r2))):
            ok[name] &= agreement(sim.student_mean[0, 0, 0, 0], sim.student_se[0, 0, 0, 0], val, d,
                                  claims.Z, claims.sim_C(s2, r2)).passed
    assert ok["theory"] and not ok["x1.1"] and not ok["copy"]
