"""The invariant design sampler: exact moments, Haar frames, and the same law as drawing X."""
import numpy as np
import pytest

from w2s_theory.simulate import gram_spectrum
from w2s_theory.simulate import invariant
from w2s_theory.simulate.invariant import haar_frame, wishart_eigenvalues

DRAWS = 3000


class _OffByOne:
    """A generator whose χ² draws have one degree of freedom too many (a realistic slip in the
    bidiagonal model's degrees)."""

    def __init__(self, rng):
        self.rng = rng

    def chisquare(self, df):
        return self.rng.chisquare(np.asarray(df) + 1)


def _moments(rng, rows, d):
    e = np.array([wishart_eigenvalues(rng, rows, d) for _ in range(DRAWS)])
    return e.sum(axis=1), (e**2).sum(axis=1)


def _z(samples, exact):
    return abs(samples.mean() - exact) / (samples.std(ddof=1) / np.sqrt(samples.size))


@pytest.mark.parametrize("rows, d", [(7, 4), (4, 7), (5, 5)])
def test_eigenvalue_moments_are_exact(rows, d):
    # W = XᵀX: E tr W = rows·d, E tr W² = rows·d·(rows + d + 1) (Wishart moments), so for
    # e = eig(W)/rows: E Σe = d and E Σe² = d (rows + d + 1)/rows.
    s1, s2 = _moments(np.random.default_rng([rows, d]), rows, d)
    assert _z(s1, d) < 4
    assert _z(s2, d * (rows + d + 1) / rows) < 4


def test_inverse_moment_and_order():
    # E tr(W⁻¹) = d/(rows − d − 1) for rows > d + 1, so E Σ 1/e = d·rows/(rows − d − 1).
    rows, d = 40, 20
    rng = np.random.default_rng(7)
    e = np.array([wishart_eigenvalues(rng, rows, d) for _ in range(DRAWS)])
    assert np.all(np.diff(e, axis=1) >= 0)
    assert _z((1 / e).sum(axis=1), d * rows / (rows - d - 1)) < 4


@pytest.mark.parametrize("rows, d", [(7, 4), (4, 7)])
def test_wrong_degrees_of_freedom_are_rejected(rows, d):
    rng = _OffByOne(np.random.default_rng([rows, d]))
    s1, s2 = _moments(rng, rows, d)
    assert max(_z(s1, d), _z(s2, d * (rows + d + 1) / rows)) > 10


@pytest.mark.parametrize("rows, d", [(9, 4), (3, 6)])
def test_extreme_eigenvalues_have_the_law_of_direct_draws(rows, d):
    # Two-sample Kolmogorov–Smirnov on the smallest and largest eigenvalue against
    # eigenvalues of XᵀX/rows from drawn X (seeded, so deterministic).
    from scipy.stats import ks_2samp
    rng = np.random.default_rng(1)
    fast = np.array([wishart_eigenvalues(rng, rows, d) for _ in range(1500)])
    direct = np.array([gram_spectrum(rng.standard_normal((rows, d)))[0] for _ in range(1500)])
    for j in (0, -1):
        assert ks_2samp(fast[:, j], direct[:, j]).pvalue > 1e-3
    shifted = np.array([wishart_eigenvalues(rng, rows + 1, d) * (rows + 1) / rows
                        for _ in range(1500)])           # the law of one more row: rejected
    assert ks_2samp(shifted[:, -1], direct[:, -1]).pvalue < 1e-6


def test_haar_frame_is_orthonormal_and_uniform():
    rng = np.random.default_rng(2)
    d = 5
    V = np.array([haar_frame(rng, d, 3) for _ in range(DRAWS)])
    assert np.allclose(V[0].T @ V[0], np.eye(3), atol=1e-14)
    # Haar: E V_11 = 0, E V_11² = 1/d, E V_11⁴ = 3/(d(d+2)).
    v = V[:, 0, 0]
    assert _z(v, 0.0) < 4 and _z(v**2, 1 / d) < 4 and _z(v**4, 3 / (d * (d + 2))) < 4
    # Without the sign fix, Q of numpy's QR has a one-signed first entry: far from Haar.
    Q = np.array([np.linalg.qr(rng.standard_normal((d, 3)))[0] for _ in range(2000)])
    assert _z(Q[:, 0, 0], 0.0) > 10


@pytest.mark.parametrize("call, match", [
    (lambda r: wishart_eigenvalues(r, 0, 3), "rows"),
    (lambda r: wishart_eigenvalues(r, 3, 2.5), "d"),
    (lambda r: haar_frame(r, 3, 4), "k must be <= d"),
    (lambda r: haar_frame(r, True, 1), "d"),
])
def test_bad_sizes_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call(np.random.default_rng(0))


def test_one_by_one():
    e = wishart_eigenvalues(np.random.default_rng(0), 1, 1)
    assert e.shape == (1,) and e[0] > 0
    assert invariant.haar_frame(np.random.default_rng(0), 1, 1).shape == (1, 1)
