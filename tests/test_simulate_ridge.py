"""Simulator: spectral reuse is exact, seeds reproduce, theory matches, perturbed theory fails."""
import numpy as np
import pytest

from proofs_check import Context
from w2s_theory import rmt, ridge
from w2s_theory._stats import agreement
from w2s_theory.ridge import claims
from w2s_theory.simulate import gram_spectrum, simulate_ridge, simulate_ridge_naive


@pytest.mark.parametrize("phi,psi", [(0.5, 2.0), (2.0, 0.5), (1.0, 1.0)])
def test_spectral_reuse_equals_direct_solves(phi, psi):
    lt, ls = np.array([1e-3, 0.1, 3.0]), np.array([1e-4, 0.2, 5.0])
    ET, ES = simulate_ridge_naive(120, phi, psi, lt, ls, 0.3, 1.0, seed=11)
    sim = simulate_ridge(120, phi, psi, lt, ls, 0.3, 1.0, trials=2, seed=11, average="sample")
    np.testing.assert_allclose(sim.teacher_trials[0], ET, rtol=1e-9)
    np.testing.assert_allclose(sim.student_trials[0], ES, rtol=1e-9)


def test_gram_spectrum_both_shapes():
    rng = np.random.default_rng(0)
    for shape in [(50, 20), (20, 50)]:
        X = rng.standard_normal(shape)
        e, V = gram_spectrum(X)
        assert V.shape == (shape[1], min(shape))
        np.testing.assert_allclose(V.T @ V, np.eye(min(shape)), atol=1e-10)
        np.testing.assert_allclose((V * e) @ V.T, X.T @ X / shape[0], atol=1e-10)


def test_seeds_reproduce_and_differ():
    a = simulate_ridge(60, 0.5, 2.0, 0.1, 0.1, 0.5, 1.0, trials=3, seed=5)
    b = simulate_ridge(60, 0.5, 2.0, 0.1, 0.1, 0.5, 1.0, trials=3, seed=5)
    c = simulate_ridge(60, 0.5, 2.0, 0.1, 0.1, 0.5, 1.0, trials=3, seed=6)
    assert np.array_equal(a.student_trials, b.student_trials)
    assert not np.array_equal(a.student_trials, c.student_trials)


BAD_SETTINGS = [
    (dict(d=1), "d"), (dict(d=10.0), "d"), (dict(phi=0.0), "phi"), (dict(phi=np.inf), "phi"),
    (dict(phi=1e3), "phi"), (dict(psi=-2.0), "psi"),
    (dict(lam_T=[0.1, -1.0]), "lam_T"), (dict(lam_S=np.ones((2, 2))), "lam_S"),
    (dict(lam_T=[]), "lam_T"), (dict(sigma2=np.nan), "sigma2"), (dict(sigma2=1j), "sigma2"),
    (dict(r2=-1.0), "r2"), (dict(seed=-1), "seed"), (dict(seed="a"), "seed"),
]


@pytest.mark.parametrize("kwargs,name", BAD_SETTINGS + [(dict(trials=1), "trials"),
                                                        (dict(average="exact"), "average")])
def test_bad_input(kwargs, name):
    base = dict(d=50, phi=0.5, psi=2.0, lam_T=0.1, lam_S=0.1, sigma2=0.5, r2=1.0, trials=2)
    base.update(kwargs)
    with pytest.raises(ValueError, match=name):
        simulate_ridge(**base)


@pytest.mark.parametrize("kwargs,name", BAD_SETTINGS)
def test_bad_input_naive(kwargs, name):
    base = dict(d=50, phi=0.5, psi=2.0, lam_T=0.1, lam_S=0.1, sigma2=0.5, r2=1.0)
    base.update(kwargs)
    with pytest.raises(ValueError, match=name):
        simulate_ridge_naive(**base)


def test_gram_spectrum_rank_deficient_and_bad_input():
    X = np.random.default_rng(1).standard_normal((6, 12))
    X[1] = X[0]  # rank 5 < rows < d: the zero eigenvalue is dropped, not divided by
    e, V = gram_spectrum(X)
    assert e.size == 5 and np.all(np.isfinite(V))
    np.testing.assert_allclose((V * e) @ V.T, X.T @ X / 6, atol=1e-12)
    for bad in (np.ones(4), np.full((3, 4), np.nan), np.ones((3, 4)) * 1j, [[1, "a"]]):
        with pytest.raises(ValueError, match="X must"):
            gram_spectrum(np.asarray(bad, dtype=object) if isinstance(bad, list) else bad)


# ---------------------------------------------------------------------------------------
# Theory vs simulation with |mean - theory| ≤ z·SE + C/d, and the same check made to fail
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sims():
    return list(claims.run_simulations(Context(quick=True, seed=Context.seed)))


def _student_with(phi, psi, lt, ls, s2, r2, perturb):
    f = lambda name, g, l: rmt.mp_functional(name, g, l)  # noqa: E731
    t1p, t1f = f("tau1", psi, ls), f("tau1", phi, lt)
    t2p, t2f, vf = f("tau2", psi, ls), f("tau2", phi, lt), f("v", phi, lt)
    if perturb == "variance-without-student-factor":
        return s2 + r2 * (1 - 2 * t1p * t1f + t2p * t2f) + s2 * phi * vf
    if perturb == "tau2-as-tau1-squared":  # forgets the Wishart fluctuation term
        return s2 + r2 * (1 - 2 * t1p * t1f + t1p**2 * t2f) + s2 * phi * vf * t1p**2
    if perturb == "phi-psi-swapped-in-variance":
        return s2 + r2 * (1 - 2 * t1p * t1f + t2p * t2f) + s2 * psi * f("v", psi, lt) * t2p
    if perturb == "one-percent-high":
        return 1.01 * ridge.student_error(phi, psi, lt, ls, s2, r2)
    return ridge.student_error(phi, psi, lt, ls, s2, r2)


def _check(sims, perturb=None):
    results = []
    for (phi, psi, s2, r2), sim in sims:
        th = _student_with(phi, psi, sim.lam_T[:, None], sim.lam_S[None, :], s2, r2, perturb)
        results.append(agreement(sim.student_mean, sim.student_se, th, sim.d, C=claims.sim_C(s2, r2)))
    return results


def test_student_theory_matches_simulation(sims):
    res = _check(sims)
    assert all(r.passed for r in res), [r.detail() for r in res]
    # the check is not vacuous: the tolerance is a small fraction of the errors themselves
    assert max(r.worst_ratio for r in res) < 1
    tol = 4 * sims[0][1].student_se.max() + claims.sim_C(0.5, 1.0) / sims[0][1].d
    assert tol < 0.005 * sims[0][1].student_mean.min()


@pytest.mark.parametrize("perturb", ["variance-without-student-factor", "tau2-as-tau1-squared",
                                     "phi-psi-swapped-in-variance", "one-percent-high"])
def test_perturbed_student_formula_fails_the_same_check(sims, perturb):
    res = _check(sims, perturb)
    assert not all(r.passed for r in res)


def test_teacher_check_is_sharp(sims):
    for (phi, psi, s2, r2), sim in sims:
        good = ridge.teacher_error(phi, sim.lam_T, s2, r2)
        assert agreement(sim.teacher_mean, sim.teacher_se, good, sim.d, C=claims.sim_C(s2, r2)).passed
    # v replaced by m' in the variance term (a plausible slip) must fail
    (phi, psi, s2, r2), sim = sims[0]
    bad = s2 + r2 * rmt.mp_functional("b", phi, sim.lam_T) + s2 * phi * rmt.mp_functional(
        "m_prime", phi, sim.lam_T)
    assert not agreement(sim.teacher_mean, sim.teacher_se, bad, sim.d, C=claims.sim_C(s2, r2)).passed


@pytest.mark.slow
def test_large_d_agreement_is_tighter():
    # d = 2000: the same rule with the same C; finite-size slack C/d is 4x smaller than in CI.
    sim = simulate_ridge(2000, 0.5, 2.0, claims.LAM_T_GRID, claims.LAM_S_GRID, 0.5, 1.0,
                         trials=12, seed=99)
    th = ridge.error_gap(0.5, 2.0, sim.lam_T[:, None], sim.lam_S[None, :], 0.5, 1.0)
    assert agreement(sim.gap_mean, sim.gap_se, th, sim.d, C=claims.sim_C(0.5, 1.0)).passed
