"""Seeded Monte Carlo estimators and the z·SE + C/d tolerance used by claims and tests.

Every estimator splits its sample into ``reps`` blocks, each drawn from its own
``SeedSequence.spawn`` child, and returns the mean over blocks and the standard
error ``std(block means)/√reps`` — the SE comes from seeded repetitions, not
from a formula that could share an error with the theory being checked.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .._numeric import seed_sequence
from .calculus import as_real_array, check_pair, check_sigma

LAWS = ("gaussian", "student-t", "uniform-cube")


def sample(law, rng, n, Sigma, df=3.0):
    """``n`` draws of x = Σ^{1/2} z with covariance ∝ Σ.

    * ``gaussian``: z ~ N(0, I) (elliptical);
    * ``student-t``: z = g/√(χ²_df/df), multivariate t (elliptical, heavy tails);
    * ``uniform-cube``: i.i.d. coordinates uniform on [−√3, √3] (unit variance,
      **not** elliptical: its law is not invariant under rotations).

    Parameters
    ----------
    law : {"gaussian", "student-t", "uniform-cube"}
    rng : numpy.random.Generator
    n : int
        Number of draws.
    Sigma : ndarray, shape (d, d)
        Symmetric positive definite (not validated here).
    df : float, optional
        Degrees of freedom of the t law; default 3.

    Returns
    -------
    ndarray, shape (n, d)

    Raises
    ------
    ValueError
        If law is unknown.

    Examples
    --------
    >>> X = sample("uniform-cube", np.random.default_rng(0), 4, np.eye(2))
    >>> X.shape, bool(np.all(np.abs(X) <= np.sqrt(3)))
    ((4, 2), True)
    """
    d = Sigma.shape[0]
    L = np.linalg.cholesky(Sigma)
    if law == "gaussian":
        z = rng.standard_normal((n, d))
    elif law == "student-t":
        z = rng.standard_normal((n, d)) / np.sqrt(rng.chisquare(df, size=(n, 1)) / df)
    elif law == "uniform-cube":
        z = rng.uniform(-math.sqrt(3), math.sqrt(3), size=(n, d))
    else:
        raise ValueError(f"law must be one of {LAWS}; got {law!r}")
    return z @ L.T


def z_value(m, reps, alpha=1e-3):
    """Two-sided Student-t quantile for a family of *m* comparisons (Bonferroni).

    With *reps* seeded blocks the standardised error has ``reps − 1`` degrees of
    freedom; at family-wise level *alpha* a correct formula would fail with
    probability ≤ alpha for a fresh seed (and never for the fixed seed used).

    Parameters
    ----------
    m : int >= 1
        Number of comparisons in the family.
    reps : int >= 2
        Seeded blocks per estimate.
    alpha : float in (0, 1), optional
        Family-wise level; default 1e-3.

    Returns
    -------
    float

    Examples
    --------
    >>> round(z_value(1, 20), 4), round(z_value(10, 20), 4)
    (3.8834, 4.8975)
    """
    return float(stats.t.ppf(1 - alpha / (2 * m), reps - 1))


def within(mean, theory, se, z, C=0.0, d=1):
    """Elementwise ``|mean − theory| ≤ z·SE + C/d``; returns (ok, worst standardised excess).

    Parameters
    ----------
    mean, theory, se : array_like
        Estimates, exact values and standard errors (broadcast).
    z : float
        Quantile (e.g. :func:`z_value`).
    C : float, optional
        Finite-size allowance C/d; default 0.
    d : float, optional
        Dimension in C/d; default 1.

    Returns
    -------
    (ok, worst) : (bool, float)
        Whether all points pass, and max abs(mean − theory)/(z SE + C/d).

    Examples
    --------
    >>> ok, worst = within([0.51, 0.5], [0.5, 0.5], [0.01, 0.01], z=2.0)
    >>> ok, round(worst, 6)
    (True, 0.5)
    >>> ok, worst = within([0.53], [0.5], [0.01], z=2.0)
    >>> ok, round(worst, 6)
    (False, 1.5)
    """
    mean, theory, se = np.broadcast_arrays(np.asarray(mean, float), np.asarray(theory, float),
                                           np.asarray(se, float))
    tol = z * se + C / d
    err = np.abs(mean - theory)
    return bool(np.all(err <= tol)), float(np.max(err / tol))


def _blocks(seed, reps):
    return [np.random.default_rng(s) for s in seed_sequence(seed).spawn(reps)]


def mc_zero_one(w, w_star, Sigma=None, *, law="gaussian", n=200_000, reps=20, seed=0, df=3.0):
    """Monte Carlo P(sign⟨w,x⟩ ≠ sign⟨w*,x⟩): returns (mean, SE).

    The independent check of Geng, Hansen & Li (2026), Lemma 2.1
    (:func:`~w2s_theory.cosine.calculus.zero_one_loss`).

    Parameters
    ----------
    w, w_star : array_like, shape (d,)
        Nonzero vectors.
    Sigma : array_like, shape (d, d), optional
        Covariance; default identity.
    law : {"gaussian", "student-t", "uniform-cube"}, optional
        Data law (see :func:`sample`).
    n : int, optional
        Total draws, split into *reps* seeded blocks.
    reps : int >= 2, optional
    seed : int, optional
    df : float, optional
        Degrees of freedom of the t law.

    Returns
    -------
    (mean, se) : (float, float)

    Raises
    ------
    ValueError
        On invalid w, w_star, Σ or law.

    Examples
    --------
    >>> from w2s_theory.cosine.calculus import zero_one_loss_of
    >>> mean, se = mc_zero_one([1.0, 1.0], [1.0, 0.0], n=20_000)
    >>> round(mean, 3), round(se, 4), zero_one_loss_of([1.0, 1.0], [1.0, 0.0])
    (0.248, 0.0035, 0.25)
    """
    W, ws, S = check_pair(w, w_star, Sigma, batch=False)
    means = []
    for rng in _blocks(seed, reps):
        X = sample(law, rng, n // reps, S, df)
        means.append(np.mean(np.sign(X @ W) != np.sign(X @ ws)))
    means = np.array(means)
    return float(means.mean()), float(means.std(ddof=1) / math.sqrt(reps))


def mc_gradient(w, t, Sigma=None, beta=1.0, *, n=200_000, reps=20, seed=0):
    """Monte Carlo E∇ℓ(w) for logistic loss on labels sign⟨t,x⟩, x ~ N(0,Σ): (mean (d,), SE (d,)).

    The independent check of :func:`~w2s_theory.cosine.sft.expected_gradient`.

    Parameters
    ----------
    w, t : array_like, shape (d,)
        Student and teacher.
    Sigma : array_like, shape (d, d), optional
        Covariance; default identity.
    beta : float, optional
        Inverse temperature; default 1.
    n, reps, seed : int, optional
        Total draws, seeded blocks, root seed.

    Returns
    -------
    (mean, se) : ndarrays of shape (d,)

    Raises
    ------
    ValueError
        On invalid w, t or Σ.

    Examples
    --------
    >>> from w2s_theory.cosine.sft import expected_gradient
    >>> mean, se = mc_gradient([1.0, 0.0], [1.0, 1.0], n=20_000)
    >>> mean.round(2), expected_gradient([1.0, 0.0], [1.0, 1.0]).round(2)
    (array([-0.08, -0.28]), array([-0.08, -0.28]))
    """
    W = as_real_array(w, "w", ndim=1)
    T = as_real_array(t, "t", ndim=1)
    S = check_sigma(Sigma, W.shape[0])
    means = []
    for rng in _blocks(seed, reps):
        X = sample("gaussian", rng, n // reps, S)
        y = np.sign(X @ T)
        z = X @ W
        m = -beta * y * 0.5 * (1 + np.tanh(-beta * y * z / 2))      # dℓ/dz, overflow-free
        means.append(m @ X / X.shape[0])
    means = np.array(means)
    return means.mean(axis=0), means.std(axis=0, ddof=1) / math.sqrt(reps)
