"""One SGD step: probability that the student's cosine improves (stochastic part of Thm 2.3).

Source: Geng, Hansen & Li (2026), Theorem 2.3 / Theorem A.8 (batch-size
requirement), here in its one-step, small-step form.

For a small step η, c(w − ηĝ) − c(w) = η ξ̄ + O(η²) with
ξ̄ = (1/B) Σ ξ_i, ξ_i = −⟨∇c(w), ∇ℓ(w; x_i, y_i)⟩ i.i.d. with mean ċ (the
population cosine rate) and variance σ².  Hence, by the CLT,

    P(one step improves c) → Φ(√B ċ / σ),

and by the Berry–Esseen theorem (constant 0.4748, Shevtsova 2011) the error is
at most 0.4748 ρ₃/(σ³ √B), ρ₃ = E|ξ − ċ|³.  So a batch of size
B ≈ (z σ/ċ)² makes one step improve with probability Φ(z): the batch size must
grow like 1/ċ², i.e. like 1/R² for the relative correlation R of Eq. 2.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .._numeric import rng_from, seed_sequence
from .calculus import check_pair, cosine, cosine_gradient
from .sft import _check_beta, cosine_rate

#: Berry–Esseen constant for i.i.d. summands (Shevtsova 2011).
BERRY_ESSEEN = 0.4748


def _xi(X, w, t, g, beta):
    z = X @ w
    y = np.where(X @ t >= 0, 1.0, -1.0)
    return -(beta / 2) * (np.tanh(beta * z / 2) - y) * (X @ g)


def xi_sample(w, t, w_star, beta=1.0, *, n=1_000_000, seed=0):
    """Monte Carlo sample of ξ = −⟨∇c(w), ∇ℓ(w; x, sign⟨t,x⟩)⟩, x ~ N(0, I), and its exact mean ċ.

    Parameters
    ----------
    w, t, w_star : (d,) nonzero student, teacher and ground truth
    beta : float in (0, inf)
    n : int >= 1 (rounded down to a multiple of 200 000, at least 200 000)
    seed : seed accepted by :func:`w2s_theory._numeric.rng_from`

    Returns
    -------
    (xs, rate) : the sample and ``rate`` = :func:`~w2s_theory.cosine.sft.cosine_rate` (the mean of ξ).

    Examples
    --------
    >>> import numpy as np
    >>> xs, rate = xi_sample(np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0]), np.eye(3)[0], n=200_000)
    >>> xs.shape, bool(abs(xs.mean() - rate) < 5 * xs.std() / np.sqrt(xs.size))
    ((200000,), True)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1; got {n!r}")
    b = _check_beta(beta)
    W, ws, _ = check_pair(w, w_star, None, batch=False)
    g = cosine_gradient(W, ws)
    rate = float(cosine_rate(W, np.asarray(t, float), ws, None, b)[0])
    rng = rng_from(seed)
    xs = np.concatenate([_xi(rng.standard_normal((min(200_000, n), len(W))), W, np.asarray(t, float), g, b)
                         for _ in range(max(1, n // 200_000))])
    return xs, rate


def xi_moments(w, t, w_star, beta=1.0, *, n=1_000_000, seed=0):
    """Monte Carlo (σ, ρ₃/σ³) of ξ = −⟨∇c(w), ∇ℓ(w; x, sign⟨t,x⟩)⟩ for x ~ N(0, I); mean from theory.

    σ² = E(ξ − ċ)² and ρ₃ = E|ξ − ċ|³ enter the CLT probability Φ(√B ċ/σ) and the
    Berry–Esseen error bound 0.4748 ρ₃/(σ³√B) of the module docstring (Geng, Hansen & Li
    2026, Theorem 2.3 / A.8; Shevtsova 2011 for the constant); the mean ċ is the exact
    :func:`~w2s_theory.cosine.sft.cosine_rate`.

    Parameters
    ----------
    w, t, w_star : array_like, shape (d,)
        Nonzero student, teacher and ground truth.
    beta : float in (0, inf), default 1
        Inverse temperature.
    n : int >= 1, default 1 000 000
        Sample size (rounded down to a multiple of 200 000, at least 200 000).
    seed : seed accepted by :func:`w2s_theory._numeric.rng_from`, default 0

    Returns
    -------
    sigma : float
        Standard deviation of ξ about ċ.
    standardised_rho3 : float
        ρ₃/σ³.
    rate : float
        ċ, the exact mean of ξ.

    Examples
    --------
    >>> import numpy as np
    >>> sigma, r3, rate = xi_moments([1.0, 1.0, 0.0], [1.0, 0.0, 1.0], np.eye(3)[0], n=200_000)
    >>> round(sigma, 2), round(r3, 1), round(rate, 4)
    (0.22, 2.1, 0.0997)
    """
    return moments_of_sample(*xi_sample(w, t, w_star, beta, n=n, seed=seed))


def moments_of_sample(xs, rate):
    """(σ, ρ₃/σ³, ċ) of :func:`xi_moments` from a sample *xs* of ξ and its exact mean *rate*.

    For callers that also need the sample itself (one draw instead of two).

    Parameters
    ----------
    xs : ndarray, shape (n,)
        Sample of ξ, e.g. from :func:`xi_sample`.
    rate : float
        ċ, the exact mean of ξ.

    Returns
    -------
    (sigma, standardised_rho3, rate) : floats, as :func:`xi_moments`.

    Examples
    --------
    >>> moments_of_sample(np.array([-1.0, 1.0]), 0.0)
    (1.0, 1.0, 0.0)
    """
    sigma = float(np.sqrt(np.mean((xs - rate) ** 2)))
    return sigma, float(np.mean(np.abs(xs - rate) ** 3) / sigma ** 3), rate


def predicted_probability(rate, sigma, batch):
    """Φ(√B ċ/σ): CLT probability that one small SGD step increases c.

    Parameters
    ----------
    rate : float
        Population rate ċ.
    sigma : float > 0
        Standard deviation of the per-sample change ξ.
    batch : int >= 1
        Batch size B.

    Returns
    -------
    float
        Probability in [0, 1].

    Examples
    --------
    >>> predicted_probability(0.0, 1.0, 16)
    0.5
    >>> round(predicted_probability(0.1, 1.0, 100), 6)     # Φ(1)
    0.841345
    """
    return float(stats.norm.cdf(math.sqrt(batch) * rate / sigma))


def one_step_increments(w, t, w_star, eta, batch, trials, beta=1.0, *, seed=0, blocks=20, chunk=100):
    """Per-unit-step cosine changes (c(w − ηĝ) − c(w))/η of independent SGD steps, x ~ N(0, I).

    ĝ is the mean logistic gradient on a fresh batch of *batch* points labelled by sign⟨t, x⟩.
    Block ``k`` (of *blocks*) draws its ``trials // blocks`` steps from its own
    ``SeedSequence.spawn`` child.

    Parameters
    ----------
    w, t, w_star : (d,) nonzero student, teacher and ground truth
    eta : float in (0, inf);  batch, trials, blocks, chunk : int >= 1 (trials >= blocks)
    beta : float in (0, inf);  seed : seed accepted by ``numpy.random.SeedSequence``

    Returns
    -------
    ndarray of shape (blocks, trials // blocks); its mean tends to ċ and its standard
    deviation to σ/√B as η → 0 (see :func:`xi_moments`).

    Examples
    --------
    >>> import numpy as np
    >>> inc = one_step_increments(np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0]), np.eye(3)[0],
    ...                           1e-4, batch=10, trials=40, blocks=4)
    >>> inc.shape
    (4, 10)
    """
    for name, v, low in (("batch", batch, 1), ("blocks", blocks, 1), ("trials", trials, blocks), ("chunk", chunk, 1)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name} must be an integer >= {low}; got {v!r}")
    if isinstance(eta, bool) or not isinstance(eta, (int, float, np.floating)) or not 0 < eta < math.inf:
        raise ValueError(f"eta must be a step size in (0, inf); got {eta!r}")
    b = _check_beta(beta)
    W, ws, _ = check_pair(w, w_star, None, batch=False)
    T = np.asarray(t, float)
    d = len(W)
    c0 = cosine(W, ws)
    # Exact reduction (x ~ N(0, I) is rotation invariant): labels and margins see only the
    # projection of x on span(w, t, w*) (orthonormal basis Q, k ≤ 3 columns), and given the
    # batch coefficients a_i the rest of the gradient, G_⊥ = Σ a_i x_i⊥ / B, is
    # N(0, Σ a_i²/B² I_{d−k}); c(w − ηĝ) sees it only through ‖G_⊥‖² = Σ a_i²/B² χ²_{d−k}.
    # So each step is drawn in law in k coordinates plus one for ‖G_⊥‖ (cost B k, not B d).
    Q, R = np.linalg.qr(np.stack([W, T, ws], axis=1))
    k = int(np.sum(np.abs(np.diag(R)) > 1e-12 * np.abs(R).max()))
    Q = Q[:, :k] if k < d else np.eye(d)
    if k == d:
        Wr, Tr, wsr = W, T, ws
    else:
        Wr, Tr, wsr = (np.append(Q.T @ v, 0.0) for v in (W, T, ws))
    per = max(1, trials // blocks)
    out = np.empty((blocks, per))
    for i, s in enumerate(seed_sequence(seed).spawn(blocks)):
        rng = np.random.default_rng(s)
        done = 0
        while done < per:
            m = min(chunk, per - done)
            X = rng.standard_normal((m, batch, k))
            X2 = X.reshape(m * batch, k)                # one (m·B, k) product: the same values, faster
            z = (X2 @ Wr[:k]).reshape(m, batch)
            y = np.where(X2 @ Tr[:k] >= 0, 1.0, -1.0).reshape(m, batch)
            coef = (b / 2) * (np.tanh(b * z / 2) - y)
            G = (coef[:, None, :] @ X)[:, 0, :] / batch    # Σ_b coef x_b per step (batched matmul)
            if k < d:                                   # the ‖G_⊥‖ coordinate
                perp = np.sqrt(np.sum(coef ** 2, axis=1) * rng.chisquare(d - k, m)) / batch
                G = np.concatenate([G, perp[:, None]], axis=1)
            out[i, done:done + m] = (cosine(Wr - eta * G, wsr) - c0) / eta
            done += m
    return out


def simulate_one_step(w, t, w_star, eta, batch, trials, beta=1.0, *, seed=0, chunk=100):
    """Fraction of ``trials`` independent SGD steps w − ηĝ (batch *batch*, x ~ N(0, I)) with c increased.

    The simulation side of the CLT prediction Φ(√B ċ/σ)
    (:func:`predicted_probability`; Geng, Hansen & Li 2026, Theorem 2.3), for a
    small step η.

    Parameters
    ----------
    w, t, w_star : array_like, shape (d,)
        Nonzero student, teacher and ground truth.
    eta : float in (0, inf)
        Step size (small: the prediction is first order in η).
    batch : int >= 1
        Batch size B.
    trials : int >= 20
        Number of independent steps, in 20 seeded blocks.
    beta : float in (0, inf), default 1
    seed : seed accepted by ``numpy.random.SeedSequence``, default 0
    chunk : int >= 1, default 100
        Steps drawn at once (memory only).

    Returns
    -------
    fraction : float
        Fraction of steps that increased the cosine.
    se : float
        Its standard error from the 20 blocks.

    Examples
    --------
    The simulated fraction agrees with Φ(√B ċ/σ) within its standard error:

    >>> import numpy as np
    >>> w, t, ws = np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0]), np.eye(3)[0]
    >>> frac, se = simulate_one_step(w, t, ws, 1e-4, batch=10, trials=400)
    >>> sigma, _, rate = xi_moments(w, t, ws, n=200_000)
    >>> round(frac, 3), round(se, 3), round(predicted_probability(rate, sigma, 10), 3)
    (0.917, 0.017, 0.92)
    """
    fracs = np.mean(one_step_increments(w, t, w_star, eta, batch, trials, beta, seed=seed, blocks=20,
                                        chunk=chunk) > 0, axis=1)
    return float(fracs.mean()), float(fracs.std(ddof=1) / math.sqrt(len(fracs)))
