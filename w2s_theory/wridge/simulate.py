"""Seeded simulation of §2.2 (ridge teacher → weighted-ridge student) with spectral reuse.

One eigendecomposition per design serves every (λ_T, λ_S, ρ, ω).  The student's
matrix Σ̃ + λ_SΓ⁻¹ with Γ⁻¹ = I - (1-ω)θθᵀ is a rank-one update of the plain
ridge matrix, so in the eigenbasis Σ̃ = Ṽ diag(ẽ) Ṽᵀ (Sherman–Morrison)

    β_S = Sβ_T + g · s · (λ_S Rθ),      S = RΣ̃,  R = (Σ̃ + λ_S I)⁻¹,
    s = θᵀSβ_T,   g = (1-ω) / (1 - (1-ω)λ_S θᵀRθ),
    1 - (1-ω)λ_S θᵀRθ = ω λ_Sθᵀ Rθ + Σ_i c_i² ẽ_i/(ẽ_i + λ_S)   (c = Ṽᵀθ, ‖θ‖ = 1),

every piece a diagonal operation in Ṽ-coordinates plus the components of β
and θ in the null space of X̃ (where λ_S R acts as the identity).  Written with
λ_S R instead of R, nothing blows up as λ_S → 0, so λ_S = 0 (the minimum
Γ⁻¹-norm interpolator) is allowed.  The test error on isotropic Gaussian data
is exact, E(b) = σ² + ‖b - β‖², so no test sample is drawn.

β is uniform on the sphere of radius √r2 and θ(ρ) = ρβ/‖β‖ + √(1-ρ²)u with u
a uniform unit vector orthogonal to β; every ρ of the grid shares the draws.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .._numeric import Param, check_np, seed_sequence
from ..simulate.invariant import wishart_eigenvalues
from ..simulate.ridge import _check_setting, gram_spectrum


@dataclasses.dataclass
class WRidgeSimulation:
    """Means and standard errors (sample sd/√trials) over seeded trials.

    ``teacher_*``: shape ``(len(lam_T),)``; ``student_*`` and ``gap_*``:
    ``(len(lam_T), len(lam_S), len(rho), len(omega))``.  ``gap`` = E_S - E_T within each
    trial (paired).  ``*_trials`` hold the per-trial values.

    Parameters
    ----------
    d, n, m, trials : int
        Dimension, teacher and student sample sizes, repetitions.
    lam_T, lam_S, rho, omega : ndarray
        The grids.
    teacher_mean, teacher_se, student_mean, student_se, gap_mean, gap_se : ndarray
        Means and standard errors over trials.
    teacher_trials, student_trials : ndarray
        Per-trial errors (leading axis: trial).

    Returns
    -------
    WRidgeSimulation
        Made by :func:`simulate_wridge`; a plain dataclass.

    Examples
    --------
    >>> sim = simulate_wridge(20, 0.5, 2.0, [0.1, 1.0], [0.5], 0.5, 1.0, rho=[0.0, 0.9],
    ...                       omega=[0.0, 1.0], trials=2)
    >>> sim.n, sim.m, sim.student_mean.shape, sim.student_trials.shape
    (40, 10, (2, 1, 2, 2), (2, 2, 1, 2, 2))
    """

    d: int
    n: int
    m: int
    trials: int
    lam_T: np.ndarray
    lam_S: np.ndarray
    rho: np.ndarray
    omega: np.ndarray
    teacher_mean: np.ndarray
    teacher_se: np.ndarray
    student_mean: np.ndarray
    student_se: np.ndarray
    gap_mean: np.ndarray
    gap_se: np.ndarray
    teacher_trials: np.ndarray
    student_trials: np.ndarray


def _grid(name, values, low=0.0, high=np.inf, low_closed=False, high_closed=False):
    arr = np.atleast_1d(check_np(Param(name, low, high, low_closed, high_closed), values))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a scalar or a 1-d array; got shape {arr.shape}")
    return arr


def _int(name, v, low):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {v!r}")
    return int(v)


def _draw_beta_u(rng, d, r2):
    beta = rng.standard_normal(d)
    beta *= np.sqrt(r2) / np.linalg.norm(beta)
    bhat = beta / np.sqrt(r2)
    u = rng.standard_normal(d)
    u -= (u @ bhat) * bhat
    u /= np.linalg.norm(u)
    return beta, u


def _one_trial(rng, d, n, m, lam_T, lam_S, rho, omega, sigma2, r2, replicates=1):
    """One pair of designs; the errors averaged over ``replicates`` draws of (β, u, ε).

    The draws of the first replicate come in the order of ``simulate_wridge_naive``;
    further replicates reuse both eigendecompositions (the expensive part).
    """
    beta, u = _draw_beta_u(rng, d, r2)
    # teacher: one eigendecomposition for every λ_T (λ_T = 0: min-norm interpolator; e > 0 a.s.)
    X = rng.standard_normal((n, d))
    noise = rng.standard_normal(n)
    e, V = gram_spectrum(X)
    Xs = rng.standard_normal((m, d))
    es, Vs = gram_spectrum(Xs)
    err_T, err_S = _errors(X, e, V, es, Vs, beta, u, noise, lam_T, lam_S, rho, omega, sigma2, r2)
    for _ in range(replicates - 1):
        beta, u = _draw_beta_u(rng, d, r2)
        t, s_ = _errors(X, e, V, es, Vs, beta, u, rng.standard_normal(n), lam_T, lam_S, rho,
                        omega, sigma2, r2)
        err_T, err_S = err_T + t, err_S + s_
    return err_T / replicates, err_S / replicates


def _one_trial_rotated(rng, d, n, m, lam_T, lam_S, rho, omega, sigma2, r2, replicates=1,
                       eigenvalues=wishart_eigenvalues):
    """``_one_trial`` in the teacher's eigenbasis: equal in distribution, one ``eigh`` fewer.

    Rotating every vector by the eigenvectors V of XᵀX/n leaves the law of the trial
    unchanged: β and u (uniform, independent of X) stay uniform, the student's design X̃V is
    again i.i.d. N(0, 1) and independent of X, and the teacher's noise term VᵀXᵀε/n given X
    is N(0, diag(e)/n).  So the teacher needs only its eigenvalues e (k of them, the
    eigenvector of e_j being the j-th coordinate vector), drawn by ``eigenvalues(rng, n, d)``
    (default: exactly in law from the bidiagonal model, no design; tests pass the literal
    Gram eigenvalues): β_T = (e·β_{:k} + σ√(e/n)·z)/(e + λ_T) on the first k coordinates,
    0 elsewhere.  Draws: β, u, e, z (k), X̃; further replicates β, u, z.
    """
    beta, u = _draw_beta_u(rng, d, r2)
    e = eigenvalues(rng, n, d)
    z = rng.standard_normal(e.size)
    es, Vs = gram_spectrum(rng.standard_normal((m, d)))
    sd = np.sqrt(sigma2 * e / n)
    err_T, err_S = _errors(None, e, None, es, Vs, beta, u, z * sd, lam_T, lam_S, rho, omega,
                           sigma2, r2)
    for _ in range(replicates - 1):
        beta, u = _draw_beta_u(rng, d, r2)
        t, s_ = _errors(None, e, None, es, Vs, beta, u, rng.standard_normal(e.size) * sd, lam_T,
                        lam_S, rho, omega, sigma2, r2)
        err_T, err_S = err_T + t, err_S + s_
    return err_T / replicates, err_S / replicates


def _errors(X, e, V, es, Vs, beta, u, noise, lam_T, lam_S, rho, omega, sigma2, r2):
    """Teacher and student errors of one draw.  ``V is None``: the teacher's eigenbasis is the
    coordinate basis and ``noise`` is already VᵀXᵀε·σ/n (``_one_trial_rotated``)."""
    if V is None:
        k = e.size
        w = e * beta[:k] + noise
        B_T = np.zeros((beta.size, lam_T.size))
        B_T[:k] = w[:, None] / (e[:, None] + lam_T[None, :])
    else:
        n = X.shape[0]
        y = X @ beta + np.sqrt(sigma2) * noise
        w = V.T @ (X.T @ y / n)
        B_T = V @ (w[:, None] / (e[:, None] + lam_T[None, :]))         # d × K_T
    err_T = sigma2 + np.sum((B_T - beta[:, None]) ** 2, axis=0)
    # student: every λ_S, ρ, ω from the one eigendecomposition of its design
    C = Vs.T @ B_T                                                      # (k, K_T)
    cb, cu = Vs.T @ beta, Vs.T @ u
    b_perp, u_perp = beta - Vs @ cb, u - Vs @ cu                        # null-space parts
    nbb, nbu, nuu = b_perp @ b_perp, b_perp @ u_perp, u_perp @ u_perp
    F = es[:, None] / (es[:, None] + lam_S[None, :])                    # (k, K_S): S in Ṽ-coords
    L = 1.0 - F                                                         # λ_S/(ẽ+λ_S): λ_S R
    err_S = np.empty((lam_T.size, lam_S.size, rho.size, omega.size))
    FC2 = (C**2).T @ F**2                                               # Σ F²C²
    FCcb = (C * cb[:, None]).T @ F                                      # Σ F C cb
    base = FC2 - 2 * FCcb + (cb @ cb) + nbb                             # ‖Sβ_T - β‖²
    for j, r in enumerate(rho):
        a, bcoef = r / np.sqrt(r2), np.sqrt(max(0.0, 1 - r * r))
        ct = a * cb + bcoef * cu                                        # Ṽᵀθ
        t_perp2 = a * a * nbb + 2 * a * bcoef * nbu + bcoef * bcoef * nuu
        tb_perp = a * nbb + bcoef * nbu                                 # ⟨θ⊥, β⊥⟩
        # λ_S θᵀRθ = Σ c² L + ‖θ⊥‖²;  1 - λ_S θᵀRθ = Σ c² F  (stable, ‖θ‖ = 1)
        lq = (ct**2) @ L + t_perp2                                      # (K_S,)
        one_minus = (ct**2) @ F
        s = (ct[:, None] * C).T @ F                                     # θᵀSβ_T: (K_T, K_S)
        # cross term ⟨Sβ_T - β, λ_S Rθ⟩ and ‖λ_S Rθ‖², in Ṽ-coordinates plus the null space
        cross = (C * ct[:, None]).T @ (F * L) - ((cb * ct) @ L)[None, :] - tb_perp
        norm2 = ((ct**2) @ L**2 + t_perp2)[None, :]
        for k, om in enumerate(omega):
            g = (1 - om) / (om * lq + one_minus)                        # (K_S,)
            coef = g[None, :] * s                                       # β_S = Sβ_T + coef·λ_S Rθ
            err_S[:, :, j, k] = sigma2 + base + 2 * coef * cross + coef**2 * norm2
    return err_T, err_S


def simulate_wridge(d, phi, psi, lam_T, lam_S, sigma2, r2, rho, omega=0.0, trials=10, seed=0,
                    replicates=1, rotate=False):
    """Simulate teacher and weighted-student test errors over a (λ_T, λ_S, ρ) grid.

    Teacher: ridge β_T on n = d/φ labelled samples; student: the weighted ridge
    ``β_S = argmin_b (1/m)‖X_s (b − β_T)‖² + λ_S bᵀΓ⁻¹b`` with Γ = I + κθθᵀ on
    m = d/ψ fresh inputs labelled by the teacher, θ a unit vector at cosine ρ with
    β (Moniri & Hassani 2025, Theorem 8; ``docs/theory/wridge.rst``).  Test errors
    are σ² + ‖b − β‖² for b = β_T, β_S.  One eigendecomposition per design is reused across the
    whole grid.

    Parameters
    ----------
    d : int ≥ 2
        Dimension; n = round(d/phi), m = round(d/psi).
    phi, psi : float > 0
    lam_T, lam_S : float or 1-d array, ≥ 0
        Penalties; 0 gives the minimum-norm teacher / the minimum Γ⁻¹-norm
        interpolating student.
    sigma2 : float ≥ 0;  r2 : float > 0
    rho : float or 1-d array in [-1, 1]
        Feature qualities ⟨θ, β/‖β‖⟩ (all share the random draws).
    omega : float or 1-d array, ≥ 0
        Relative penalties along θ, ω = 1/(1+κ) for Γ = I + κθθᵀ (0: κ = ∞;
        1: the plain ridge student of §2.1, giving paired differences).
    trials : int ≥ 2
    seed : non-negative int, sequence of them, SeedSequence or Generator
        The seed contract of :func:`w2s_theory._numeric.seed_sequence` (``None``
        and ``bool`` are rejected); trial i uses ``seed_sequence(seed).spawn(trials)[i]``.
    replicates : int ≥ 1
        Draws of (β, θ, ε) per pair of designs, averaged within the trial.  They reuse both
        eigendecompositions, so they cost little, and they remove most of the O(1/√d)
        fluctuation of the rank-one quantities (θᵀRθ, θᵀSβ_T) that dominates the SE of Δ.
        ``replicates = 1`` reproduces the draws of earlier versions.
    rotate : bool
        Work in the teacher's eigenbasis: the teacher design needs only its eigenvalues
        (drawn exactly in law from the bidiagonal Laguerre model, no design or ``eigh``)
        and its noise term is drawn as
        N(0, σ² diag(e)/n) there.  By rotation invariance each trial has the *same
        distribution* as with ``rotate=False`` (not the same values; ``_one_trial_rotated``).

    Returns
    -------
    WRidgeSimulation
        Means, standard errors and per-trial values; ``teacher_*`` of shape
        (len(lam_T),), ``student_*`` and ``gap_*`` of shape
        (len(lam_T), len(lam_S), len(rho), len(omega)).

    Raises
    ------
    ValueError
        For a parameter outside the ranges above (the message names it).

    Examples
    --------
    At d = 200 the simulated student errors agree with Theorem 8 under the
    package's rule ``|mean − theory| ≤ z·SE + C/d`` (C = σ² + r²):

    >>> from w2s_theory._stats import agreement
    >>> from w2s_theory.wridge import theory
    >>> sim = simulate_wridge(200, 0.5, 2.0, 0.1, 1.0, 0.5, 1.0, rho=[0.0, 0.9], trials=4, seed=0)
    >>> limit = theory.student_error(0.5, 2.0, 0.1, 1.0, 0.5, 1.0, sim.rho, 0.0)
    >>> sim.student_mean[0, 0, :, 0].round(3), limit.round(3)
    (array([1.208, 0.707]), array([1.195, 0.695]))
    >>> agreement(sim.student_mean[0, 0, :, 0], sim.student_se[0, 0, :, 0], limit,
    ...           d=200, C=1.5, reps=4).passed
    True
    """
    trials = _int("trials", trials, 2)
    replicates = _int("replicates", replicates, 1)
    phi, psi, sigma2, r2, n, m = _check_setting(d, phi, psi, sigma2, r2)
    d = int(d)
    omega = _grid("omega", omega, low_closed=True)
    lam_T = _grid("lam_T", lam_T, low_closed=True)
    lam_S = _grid("lam_S", lam_S, low_closed=True)
    rho = _grid("rho", rho, -1.0, 1.0, True, True)
    if not isinstance(rotate, (bool, np.bool_)):
        raise ValueError(f"rotate must be True or False; got {rotate!r}")
    one_trial = _one_trial_rotated if rotate else _one_trial
    ss = seed_sequence(seed)
    ET = np.empty((trials, lam_T.size))
    ES = np.empty((trials, lam_T.size, lam_S.size, rho.size, omega.size))
    for i, child in enumerate(ss.spawn(trials)):
        ET[i], ES[i] = one_trial(np.random.default_rng(child), d, n, m, lam_T, lam_S, rho,
                                 omega, sigma2, r2, replicates)
    gap = ES - ET[:, :, None, None, None]

    def mse(a):
        return a.mean(axis=0), a.std(axis=0, ddof=1) / np.sqrt(trials)

    (tm, ts), (sm, sse), (gm, gs) = mse(ET), mse(ES), mse(gap)
    return WRidgeSimulation(d, n, m, trials, lam_T, lam_S, rho, omega, tm, ts, sm, sse, gm, gs, ET, ES)


def simulate_wridge_naive(d, phi, psi, lam_T, lam_S, sigma2, r2, rho, omega=0.0, seed=0):
    """Reference: one dense solve of the weighted-ridge normal equations per grid point.

    Same draws as trial 0 of :func:`simulate_wridge` with the same seed, so the
    two agree to rounding error (tests the spectral-reuse algebra).  λ_S > 0.
    Parameters and the seed contract as in :func:`simulate_wridge`.

    Parameters
    ----------
    d : int ≥ 2
    phi, psi : float > 0
    lam_T : float or 1-d array, ≥ 0
    lam_S : float or 1-d array, > 0
    sigma2 : float ≥ 0;  r2 : float > 0
    rho : float or 1-d array in [-1, 1]
    omega : float or 1-d array, ≥ 0, default 0
    seed : non-negative int, sequence of them, SeedSequence or Generator, default 0

    Returns
    -------
    ET : ndarray, shape (len(lam_T),)
        Teacher test errors σ² + ‖β_T − β‖².
    ES : ndarray, shape (len(lam_T), len(lam_S), len(rho), len(omega))
        Student test errors σ² + ‖β_S − β‖².

    Examples
    --------
    >>> import numpy as np
    >>> ET, ES = simulate_wridge_naive(60, 0.5, 2.0, [0.1], [1.0], 0.5, 1.0, [0.9], seed=0)
    >>> sim = simulate_wridge(60, 0.5, 2.0, [0.1], [1.0], 0.5, 1.0, [0.9], trials=2, seed=0)
    >>> bool(np.allclose(sim.student_trials[0], ES, rtol=0, atol=1e-12)), ES.shape
    (True, (1, 1, 1, 1))
    """
    phi, psi, sigma2, r2, n, m = _check_setting(d, phi, psi, sigma2, r2)
    d = int(d)
    lam_T = _grid("lam_T", lam_T, low_closed=True)
    lam_S = _grid("lam_S", lam_S)
    rho = _grid("rho", rho, -1.0, 1.0, True, True)
    omega = _grid("omega", omega, low_closed=True)
    rng = np.random.default_rng(seed_sequence(seed).spawn(1)[0])
    beta = rng.standard_normal(d)
    beta *= np.sqrt(r2) / np.linalg.norm(beta)
    bhat = beta / np.sqrt(r2)
    u = rng.standard_normal(d)
    u -= (u @ bhat) * bhat
    u /= np.linalg.norm(u)
    X = rng.standard_normal((n, d))
    y = X @ beta + np.sqrt(sigma2) * rng.standard_normal(n)
    Xs = rng.standard_normal((m, d))
    G, Gs, I = X.T @ X / n, Xs.T @ Xs / m, np.eye(d)
    ET = np.empty(lam_T.size)
    ES = np.empty((lam_T.size, lam_S.size, rho.size, omega.size))
    for i, lt in enumerate(lam_T):
        bT = np.linalg.lstsq(G + lt * I, X.T @ y / n, rcond=None)[0]
        ET[i] = sigma2 + np.sum((bT - beta) ** 2)
        for k, r in enumerate(rho):
            th = r * bhat + np.sqrt(max(0.0, 1 - r * r)) * u
            for q, om in enumerate(omega):
                Ainv = I - (1 - om) * np.outer(th, th)
                for j, ls in enumerate(lam_S):
                    bS = np.linalg.solve(Gs + ls * Ainv, Gs @ bT)
                    ES[i, j, k, q] = sigma2 + np.sum((bS - beta) ** 2)
    return ET, ES
