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


def xi_moments(w, t, w_star, beta=1.0, *, n=1_000_000, seed=0):
    """Monte Carlo (σ, ρ₃/σ³) of ξ = −⟨∇c(w), ∇ℓ(w; x, sign⟨t,x⟩)⟩ for x ~ N(0, I); mean from theory.

    ξ is the per-sample first-order change of the cosine of one SGD step; its
    mean is the population rate ċ (:func:`~w2s_theory.cosine.sft.cosine_rate`,
    Geng, Hansen & Li 2026, §2.3).  ρ₃/σ³ enters the Berry–Esseen bound on the
    CLT probability :func:`predicted_probability`.

    Parameters
    ----------
    w, t, w_star : array_like, shape (d,)
        Student, teacher and ground truth, nonzero.
    beta : float in (0, inf), optional
        Inverse temperature; default 1.
    n : int, optional
        Monte Carlo samples (rounded down to multiples of 200 000; at least one block).
    seed : int, optional
        Seed.

    Returns
    -------
    (sigma, skew, rate) : (float, float, float)
        Standard deviation of ξ about the rate, the normalised third absolute
        moment ρ₃/σ³, and the rate ċ.

    Raises
    ------
    ValueError
        On invalid w, w_star or beta.

    Examples
    --------
    >>> sigma, skew, rate = xi_moments([1.0, 0.0], [1.0, 1.0], [0.0, 1.0], n=200_000)
    >>> round(rate, 6), round(sigma, 2), round(skew, 1)
    (0.282095, 0.4, 2.1)
    """
    b = _check_beta(beta)
    W, ws, _ = check_pair(w, w_star, None, batch=False)
    g = cosine_gradient(W, ws)
    rate = float(cosine_rate(W, np.asarray(t, float), ws, None, b)[0])
    rng = rng_from(seed)
    xs = np.concatenate([_xi(rng.standard_normal((min(200_000, n), len(W))), W, np.asarray(t, float), g, b)
                         for _ in range(max(1, n // 200_000))])
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


def simulate_one_step(w, t, w_star, eta, batch, trials, beta=1.0, *, seed=0, chunk=100):
    """Fraction of ``trials`` independent SGD steps w − ηĝ (batch *batch*, x ~ N(0, I)) with c increased.

    Parameters
    ----------
    w, t, w_star : array_like, shape (d,)
        Student, teacher and ground truth, nonzero.
    eta : float > 0
        Step size.
    batch : int >= 1
        Batch size.
    trials : int >= 20
        Number of independent steps (split into 20 seeded blocks).
    beta : float in (0, inf), optional
        Inverse temperature; default 1.
    seed : int, optional
        Root seed.
    chunk : int, optional
        Steps vectorised at once.

    Returns
    -------
    (fraction, se) : (float, float)
        Fraction of steps that increased c, and its standard error from 20
        seeded blocks.

    Raises
    ------
    ValueError
        On invalid w, w_star or beta.

    Examples
    --------
    >>> frac, se = simulate_one_step([1.0, 0.0], [1.0, 1.0], [0.0, 1.0], eta=0.01, batch=8,
    ...                              trials=200)
    >>> round(frac, 3), round(se, 4)
    (0.995, 0.005)
    """
    b = _check_beta(beta)
    W, ws, _ = check_pair(w, w_star, None, batch=False)
    T = np.asarray(t, float)
    d = len(W)
    c0 = cosine(W, ws)
    blocks = seed_sequence(seed).spawn(20)
    per = max(1, trials // 20)
    fracs = []
    for s in blocks:
        rng = np.random.default_rng(s)
        wins = 0
        done = 0
        while done < per:
            m = min(chunk, per - done)
            X = rng.standard_normal((m, batch, d))
            z = X @ W
            y = np.where(X @ T >= 0, 1.0, -1.0)
            G = np.einsum("mb,mbd->md", (b / 2) * (np.tanh(b * z / 2) - y), X) / batch
            wins += int(np.sum(cosine(W - eta * G, ws) > c0))
            done += m
        fracs.append(wins / per)
    fracs = np.array(fracs)
    return float(fracs.mean()), float(fracs.std(ddof=1) / math.sqrt(len(fracs)))
