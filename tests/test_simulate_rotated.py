"""The rotated simulators (``rotate=True``) equal the literal ones on rotated draws, and in law.

``rotate=True`` works in the eigenbasis of one design.  Exactness of the algebra: feeding the
rotated trial the *rotated* draws of a literal trial (β → Oᵀβ, X → XO, ...) reproduces the
literal trial to rounding.  The distributional step (rotated Gaussian draws are again Gaussian)
is checked statistically against the literal simulator.
"""
import numpy as np
import pytest
import scipy.linalg
import scipy.stats

from w2s_theory.simulate import simulate_ridge
from w2s_theory.simulate import ridge as SR
from w2s_theory.simulate.ridge import gram_spectrum
from w2s_theory.wridge import simulate as SW


def _literal(rng, rows, d):
    """The eigenvalue side computed from a drawn design (the reference for the exact tests)."""
    return SR._gram_eigenvalues(rng.standard_normal((rows, d)))


class _Queue:
    """A stand-in Generator returning prepared arrays from standard_normal, in order."""

    def __init__(self, *arrays):
        self.arrays = list(arrays)

    def standard_normal(self, shape):
        a = self.arrays.pop(0)
        assert a.shape == (np.empty(shape).shape), (a.shape, shape)
        return a.copy()


def _full_basis(X):
    """Orthogonal O whose first k columns are the eigenvectors of XᵀX/rows (ascending), then
    an orthonormal basis of the null space: X O has Gram matrix diag(e, 0)."""
    e, V = gram_spectrum(X)
    if V.shape[1] < V.shape[0]:
        V = np.hstack([V, scipy.linalg.null_space(V.T)])
    return V


@pytest.mark.parametrize("d,n,m", [(30, 60, 15), (30, 15, 60), (30, 20, 12), (30, 30, 30)])
def test_rotated_design_trial_equals_literal_on_rotated_draws(d, n, m):
    rng = np.random.default_rng([d, n, m])
    X, Xs = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    lt, ls = np.array([1e-3, 0.2, 4.0]), np.array([1e-4, 0.5, 3.0])
    ET, ES = SR._one_trial_design(_Queue(X, Xs), d, n, m, lt, ls, 0.7, 1.3)
    O = _full_basis(X if min(n, d) >= min(m, d) else Xs)     # the design seen by eigvalsh
    first = (X @ O, Xs @ O) if min(n, d) >= min(m, d) else (Xs @ O, X @ O)   # eigenvalue side first
    RT, RS = SR._one_trial_rotated(_Queue(*first), d, n, m, lt, ls, 0.7, 1.3, eigenvalues=_literal)
    np.testing.assert_allclose(RT, ET, rtol=1e-10)
    np.testing.assert_allclose(RS, ES, rtol=1e-10)


@pytest.mark.parametrize("d,n,m", [(30, 60, 15), (30, 15, 60), (30, 20, 12)])
def test_rotated_wridge_trial_equals_literal_on_rotated_draws(d, n, m):
    rng = np.random.default_rng([d, n, m, 1])
    s2, r2 = 0.6, 1.4
    lt, ls = np.array([0.0, 0.1, 2.0]), np.array([0.0, 0.3, 5.0])
    rho, om = np.array([0.0, 0.7, -1.0]), np.array([0.0, 0.4, 1.0, 2.0])
    b, u, X, eps, Xs = (rng.standard_normal(s) for s in (d, d, (n, d), n, (m, d)))
    ET, ES = SW._one_trial(_Queue(b, u, X, eps, Xs), d, n, m, lt, ls, rho, om, s2, r2)
    O = _full_basis(X)
    e, V = gram_spectrum(X)
    z = (V.T @ (X.T @ eps)) / np.sqrt(n * e)                  # VᵀXᵀε/n = √(e/n)·z
    RT, RS = SW._one_trial_rotated(_Queue(O.T @ b, O.T @ u, X @ O, z, Xs @ O), d, n, m, lt, ls,
                                   rho, om, s2, r2, eigenvalues=_literal)
    np.testing.assert_allclose(RT, ET, rtol=1e-9)
    np.testing.assert_allclose(RS, ES, rtol=1e-9)


def test_rotated_simulators_agree_with_literal_in_distribution():
    """Independent seeds: rotated and literal means within 4 combined SE (+ a 1e-3 floor)."""
    a = simulate_ridge(120, 1.5, 3.0, [0.05, 1.0], [0.02, 2.0], 0.3, 1.5, trials=30, seed=1)
    b = simulate_ridge(120, 1.5, 3.0, [0.05, 1.0], [0.02, 2.0], 0.3, 1.5, trials=30, seed=2,
                       rotate=True)
    z = (a.student_mean - b.student_mean) / np.hypot(a.student_se, b.student_se)
    assert np.all(np.abs(z) < 4), z
    # the comparison can fail: a 2 % error in the rotated student's mean is rejected everywhere
    z = (a.student_mean - 1.02 * b.student_mean) / np.hypot(a.student_se, b.student_se)
    assert np.all(np.abs(z) > 4), z
    kw = dict(rho=[0.0, 0.8], omega=[0.0, 1.0], trials=30, replicates=2)
    a = SW.simulate_wridge(80, 0.5, 2.0, [0.0, 0.3], [0.1, 1.0], 0.5, 1.0, seed=1, **kw)
    b = SW.simulate_wridge(80, 0.5, 2.0, [0.0, 0.3], [0.1, 1.0], 0.5, 1.0, seed=2, rotate=True, **kw)
    z = (a.student_mean - b.student_mean) / np.hypot(a.student_se, b.student_se)
    assert np.all(np.abs(z) < 4), z


def test_rotate_bad_input():
    with pytest.raises(ValueError, match="rotate"):
        simulate_ridge(20, 0.5, 2.0, 0.1, 0.1, 0.5, 1.0, trials=2, rotate="yes")
    with pytest.raises(ValueError, match="rotate"):
        simulate_ridge(20, 0.5, 2.0, 0.1, 0.1, 0.5, 1.0, trials=2, average="sample", rotate=True)
    with pytest.raises(ValueError, match="rotate"):
        SW.simulate_wridge(20, 0.5, 2.0, 0.1, 0.1, 0.5, 1.0, 0.5, trials=2, rotate=1)
