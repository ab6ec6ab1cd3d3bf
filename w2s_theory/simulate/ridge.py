"""Seeded simulation of the §2.1 pipeline (ridge teacher → ridge student) with spectral reuse.

One eigendecomposition per design matrix serves the whole (λ_T, λ_S) grid:
with XᵀX/n = V diag(e) Vᵀ, every teacher is β_T(λ_T) = V diag(1/(e+λ_T)) Vᵀ Xᵀy/n,
and with X̃ᵀX̃/m = Ṽ diag(ẽ) Ṽᵀ every student is
β_S = Ṽ diag(ẽ/(ẽ+λ_S)) Ṽᵀ β_T.  The test error of a linear predictor b on
isotropic Gaussian data is exact: E(b) = σ² + ‖b - β‖², so no test sample is drawn.

Two modes (``average``):

``"design"`` (default)
    β (uniform on the sphere of radius r) and the label noise ε are integrated
    out exactly given the two designs.  With the smoothers A_T = V diag(a) Vᵀ,
    a = e/(e+λ_T), A_S = Ṽ diag(f) Ṽᵀ, f = ẽ/(ẽ+λ_S), the noise map
    N_T = (XᵀX/n+λ_T)⁻¹Xᵀ/n with N_T N_Tᵀ = V diag(w) Vᵀ, w = e/(n(e+λ_T)²),
    and P = (ṼᵀV)∘(ṼᵀV):

        E‖β_T - β‖² = (r²/d)(Σ_j (1-a_j)² + d - k) + σ² Σ_j w_j
        E‖β_S - β‖² = (r²/d)(fᵀ² P a² - 2 fᵀ P a + d) + σ² fᵀ² P w.

    Only the spectral randomness remains, whose fluctuations are O(1/d)
    instead of O(1/√d): the same check is far sharper for the same cost.
``"sample"``
    β and ε are drawn; the plain Monte Carlo of the pipeline.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .._numeric import Param, check_np, seed_sequence
from .invariant import wishart_eigenvalues


@dataclasses.dataclass
class RidgeSimulation:
    """Means and standard errors over trials (SE = sample sd / √trials).

    ``teacher_*`` have shape ``(len(lam_T),)``; ``student_*`` and ``gap_*``
    have shape ``(len(lam_T), len(lam_S))``.  ``gap`` is E_S - E_T computed
    within each trial (paired), so its SE is much smaller than the errors'.

    Parameters
    ----------
    d, n, m, trials : int
        Dimension, teacher and student sample sizes, repetitions.
    lam_T, lam_S : ndarray
        The penalty grids.
    teacher_mean, teacher_se, student_mean, student_se, gap_mean, gap_se : ndarray
        Means and standard errors over trials.
    teacher_trials : ndarray, shape (trials, len(lam_T))
    student_trials : ndarray, shape (trials, len(lam_T), len(lam_S))
        Per-trial errors.

    Returns
    -------
    RidgeSimulation
        Made by :func:`simulate_ridge`; a plain dataclass.

    Examples
    --------
    >>> sim = simulate_ridge(d=20, phi=0.5, psi=2.0, lam_T=[0.1, 1.0], lam_S=[0.5],
    ...                      sigma2=0.5, r2=1.0, trials=3)
    >>> sim.n, sim.m, sim.teacher_mean.shape, sim.student_mean.shape
    (40, 10, (2,), (2, 1))
    """

    d: int
    n: int
    m: int
    trials: int
    lam_T: np.ndarray
    lam_S: np.ndarray
    teacher_mean: np.ndarray
    teacher_se: np.ndarray
    student_mean: np.ndarray
    student_se: np.ndarray
    gap_mean: np.ndarray
    gap_se: np.ndarray
    teacher_trials: np.ndarray
    student_trials: np.ndarray


def gram_spectrum(X: np.ndarray):
    """Eigenpairs (e, V) of XᵀX/rows with V (d×k) orthonormal.

    Uses the smaller Gram matrix.  For rows ≥ d, k = d (eigenvalues may be 0).
    For rows < d, XXᵀ/rows = U diag(e) Uᵀ and V = XᵀU/√(rows·e) over the
    k ≤ rows eigenvalues above rounding level (a rank-deficient X, e.g. with
    repeated rows, keeps only its range; the dropped directions have e = 0).

    Parameters
    ----------
    X : array_like, shape (rows, d)
        Non-empty, finite, real design matrix.

    Returns
    -------
    e : ndarray, shape (k,)
        Eigenvalues of XᵀX/rows (ascending, ≥ 0).
    V : ndarray, shape (d, k)
        Orthonormal eigenvectors.

    Raises
    ------
    ValueError
        If X is not a non-empty finite real 2-d array.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])   # rows < d: k = 2
    >>> e, V = gram_spectrum(X)
    >>> e, V.shape
    (array([0.5, 2. ]), (3, 2))
    >>> bool(np.allclose(V @ np.diag(e) @ V.T, X.T @ X / 2))
    True
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.dtype == object or not np.issubdtype(X.dtype, np.number) \
            or np.iscomplexobj(X):
        raise ValueError(f"X must be a real 2-d array; got shape {np.shape(X)}, dtype {X.dtype}")
    if X.size == 0 or not np.all(np.isfinite(X)):
        raise ValueError("X must be a non-empty array of finite numbers")
    rows, d = X.shape
    if rows >= d:
        e, V = np.linalg.eigh(X.T @ X / rows)
        return np.clip(e, 0.0, None), V
    e, U = np.linalg.eigh(X @ X.T / rows)
    keep = e > max(e.max(), 0.0) * rows * np.finfo(float).eps
    e, U = e[keep], U[:, keep]
    return e, X.T @ U / np.sqrt(rows * e)


def _gram_eigenvalues(X: np.ndarray):
    """The eigenvalues ``e`` of :func:`gram_spectrum` (same keep rule), without eigenvectors.

    ``numpy.linalg.eigvalsh`` costs about a third of ``eigh`` (measured: d = 800, 0.033 s vs
    0.105 s on one core).
    """
    rows, d = X.shape
    if rows >= d:
        return np.clip(np.linalg.eigvalsh(X.T @ X / rows), 0.0, None)
    e = np.linalg.eigvalsh(X @ X.T / rows)
    return e[e > max(e.max(), 0.0) * rows * np.finfo(float).eps]


def _check_grid(name, values):
    arr = np.atleast_1d(check_np(Param(name), values))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a scalar or a non-empty 1-d array; got shape {arr.shape}")
    return arr


def _check_setting(d, phi, psi, sigma2, r2):
    """Validate the common arguments; return (phi, psi, sigma2, r2, n, m) as Python numbers."""
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 2:
        raise ValueError(f"d must be an integer >= 2; got {d!r}")
    phi = float(check_np(Param("phi"), phi))
    psi = float(check_np(Param("psi"), psi))
    sigma2 = float(check_np(Param("sigma2", low_closed=True), sigma2))
    r2 = float(check_np(Param("r2"), r2))
    n, m = round(d / phi), round(d / psi)
    if n < 1:
        raise ValueError(f"phi = {phi:g} leaves round(d/phi) = 0 samples at d = {d}: "
                         "phi must be at most about 2d")
    if m < 1:
        raise ValueError(f"psi = {psi:g} leaves round(d/psi) = 0 samples at d = {d}: "
                         "psi must be at most about 2d")
    return phi, psi, sigma2, r2, n, m


def _one_trial_design(rng, d, n, m, lam_T, lam_S, sigma2, r2):
    X = rng.standard_normal((n, d))
    e, V = gram_spectrum(X)
    Xs = rng.standard_normal((m, d))
    es, Vs = gram_spectrum(Xs)
    return _design_errors(d, n, e, es, (Vs.T @ V) ** 2, lam_T, lam_S, sigma2, r2)


def _one_trial_rotated(rng, d, n, m, lam_T, lam_S, sigma2, r2, eigenvalues=wishart_eigenvalues):
    """``_one_trial_design`` in the eigenbasis of one design: equal in distribution, ~1/3 the cost.

    The designs are independent with i.i.d. N(0, 1) entries, so for any orthogonal O
    (possibly depending on one design) the other design times O is again N(0, 1) and
    independent of the first; and E‖b - β‖² with β uniform on the sphere depends on the
    designs only through (e, ẽ, P).  Taking O = the eigenvectors of the design with the
    larger Gram matrix, that design contributes only its eigenvalues (eigenvector j = the
    j-th coordinate vector), drawn by ``eigenvalues(rng, rows, d)`` (default: the exact
    bidiagonal model :func:`~w2s_theory.simulate.invariant.wishart_eigenvalues`; tests pass the
    literal Gram eigenvalues),
    and P_ij = (ṽ_i·v_j)² is read off the other design's eigenvectors: P = (rows of V or Ṽ)².
    Draws: the eigenvalue side first, then the other design.
    """
    if min(n, d) >= min(m, d):        # teacher: eigenvalues only; student eigenvectors
        e = eigenvalues(rng, n, d)
        es, Vs = gram_spectrum(rng.standard_normal((m, d)))
        P = Vs[: e.size].T ** 2       # (k̃, k): P_ij = (ṽ_i)_j²
    else:                             # student: eigenvalues only; teacher eigenvectors
        es = eigenvalues(rng, m, d)
        e, V = gram_spectrum(rng.standard_normal((n, d)))
        P = V[: es.size] ** 2         # (k̃, k): P_ij = (v_j)_i²
    return _design_errors(d, n, e, es, P, lam_T, lam_S, sigma2, r2)


def _design_errors(d, n, e, es, P, lam_T, lam_S, sigma2, r2):
    """Errors with β and ε integrated out, from the spectra and P = (ṽ_i·v_j)² (module doc)."""
    k = e.size
    a = e[:, None] / (e[:, None] + lam_T[None, :])            # (k, K_T)
    w = e[:, None] / (n * (e[:, None] + lam_T[None, :]) ** 2)  # (k, K_T)
    err_T = sigma2 + r2 / d * (np.sum((1 - a) ** 2, axis=0) + d - k) + sigma2 * w.sum(axis=0)
    F = es[:, None] / (es[:, None] + lam_S[None, :])           # (k̃, K_S)
    Pa, Pa2, Pw = P @ a, P @ a**2, P @ w                       # (k̃, K_T) each
    F2 = F**2
    sq = r2 / d * (F2.T @ Pa2 - 2 * F.T @ Pa + d) + sigma2 * (F2.T @ Pw)   # (K_S, K_T)
    return err_T, sigma2 + sq.T


def _one_trial_sample(rng, d, n, m, lam_T, lam_S, sigma2, r2):
    beta = rng.standard_normal(d)
    beta *= np.sqrt(r2) / np.linalg.norm(beta)
    X = rng.standard_normal((n, d))
    y = X @ beta + np.sqrt(sigma2) * rng.standard_normal(n)
    e, V = gram_spectrum(X)
    w = V.T @ (X.T @ y / n)                                   # (k,)
    B_T = V @ (w[:, None] / (e[:, None] + lam_T[None, :]))    # d × K_T, all teachers at once
    err_T = sigma2 + np.sum((B_T - beta[:, None]) ** 2, axis=0)
    Xs = rng.standard_normal((m, d))
    es, Vs = gram_spectrum(Xs)
    C = Vs.T @ B_T                                            # (k̃, K_T)
    cb = Vs.T @ beta                                          # (k̃,)
    F = es[:, None] / (es[:, None] + lam_S[None, :])          # (k̃, K_S) student shrinkage
    # ‖β_S - β‖² = Σ F²C² - 2 Σ F C ⟨Ṽ, β⟩ + r²  (β_S lies in span Ṽ)
    sq = (C**2).T @ F**2 - 2 * (C * cb[:, None]).T @ F + r2
    err_S = sigma2 + sq
    return err_T, err_S


def simulate_ridge(d, phi, psi, lam_T, lam_S, sigma2, r2, trials=10, seed=0, average="design",
                   rotate=False):
    """Simulate teacher and student test errors over a (λ_T, λ_S) grid.

    Parameters
    ----------
    d : int ≥ 2
        Dimension; n = round(d/phi) teacher samples, m = round(d/psi) student samples.
    phi, psi : float > 0
        Aspect ratios d/n and d/m.
    lam_T, lam_S : float or 1-d array, > 0
        Grids of teacher and student ridge penalties.
    sigma2 : float ≥ 0;  r2 : float > 0
        Label-noise variance and ‖β‖² (β uniform on the sphere of radius √r2).
    trials : int ≥ 2
        Independent repetitions (fresh β, X, ε, X̃) for standard errors.
    seed : int, sequence of ints, or numpy.random.SeedSequence
        Root seed; trial i uses ``SeedSequence(seed).spawn(trials)[i]``.
    average : {"design", "sample"}
        Integrate β and ε out exactly given the designs (default), or draw them.
    rotate : bool
        With ``average="design"``: work in the eigenbasis of the design with the larger
        Gram matrix, so that design needs only its eigenvalues (drawn exactly in law from
        the bidiagonal Laguerre model,
        :func:`~w2s_theory.simulate.invariant.wishart_eigenvalues`) and the overlap P is
        read off the other design's eigenvectors (no d³ product ṼᵀV).  By the rotation
        invariance of Gaussian designs every trial has the *same distribution* as with
        ``rotate=False`` (not the same values); about a third of the cost at d = 800.

    Returns
    -------
    RidgeSimulation
        Means, standard errors and per-trial errors on the grid.

    Raises
    ------
    ValueError
        If d < 2, a ratio/penalty/variance is outside its range, trials < 2,
        average is unknown, or d/phi or d/psi rounds to 0 samples.

    Examples
    --------
    The teacher's mean error approaches the limit of Moniri & Hassani (2025),
    Theorem 4 (:func:`w2s_theory.ridge.theory.teacher_error`) as d grows:

    >>> from w2s_theory.ridge.theory import teacher_error
    >>> sim = simulate_ridge(d=100, phi=0.5, psi=2.0, lam_T=0.1, lam_S=[0.1, 1.0],
    ...                      sigma2=0.5, r2=1.0, trials=4, seed=0)
    >>> round(float(sim.teacher_mean[0]), 3), round(float(teacher_error(0.5, 0.1, 0.5, 1.0)), 3)
    (0.821, 0.819)
    >>> sim.gap_mean.round(3), sim.gap_se.round(4)
    (array([[0.331, 0.375]]), array([[0.001 , 0.0013]]))
    """
    if average not in ("design", "sample"):
        raise ValueError(f"average must be 'design' or 'sample'; got {average!r}")
    if not isinstance(rotate, (bool, np.bool_)):
        raise ValueError(f"rotate must be True or False; got {rotate!r}")
    if rotate and average != "design":
        raise ValueError("rotate=True needs average='design' (the drawn β and ε of "
                         "average='sample' are not rotated)")
    one_trial = (_one_trial_rotated if rotate else _one_trial_design) if average == "design" \
        else _one_trial_sample
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 2:
        raise ValueError(f"trials must be an integer >= 2 (standard errors need two); got {trials!r}")
    phi, psi, sigma2, r2, n, m = _check_setting(d, phi, psi, sigma2, r2)
    lam_T, lam_S = _check_grid("lam_T", lam_T), _check_grid("lam_S", lam_S)
    ss = seed_sequence(seed)
    ET = np.empty((trials, lam_T.size))
    ES = np.empty((trials, lam_T.size, lam_S.size))
    for i, child in enumerate(ss.spawn(trials)):
        ET[i], ES[i] = one_trial(np.random.default_rng(child), d, n, m, lam_T, lam_S, sigma2, r2)
    gap = ES - ET[:, :, None]

    def mse(a):
        return a.mean(axis=0), a.std(axis=0, ddof=1) / np.sqrt(trials)

    (tm, ts), (sm, sse), (gm, gs) = mse(ET), mse(ES), mse(gap)
    return RidgeSimulation(d, n, m, trials, lam_T, lam_S, tm, ts, sm, sse, gm, gs, ET, ES)


def simulate_ridge_naive(d, phi, psi, lam_T, lam_S, sigma2, r2, seed=0):
    """Reference implementation: one linear solve per grid point (for benchmarks/tests).

    Same random draws as one trial of :func:`simulate_ridge` (``average="sample"``)
    with the same seed's first child, so the two agree to rounding error.

    Parameters
    ----------
    d, phi, psi, lam_T, lam_S, sigma2, r2, seed
        As in :func:`simulate_ridge`.

    Returns
    -------
    ET : ndarray, shape (len(lam_T),)
        Teacher test errors σ² + ‖β_T − β‖².
    ES : ndarray, shape (len(lam_T), len(lam_S))
        Student test errors σ² + ‖β_S − β‖².

    Raises
    ------
    ValueError
        As :func:`simulate_ridge`.

    Examples
    --------
    >>> ET, ES = simulate_ridge_naive(20, 0.5, 2.0, [0.1, 1.0], [0.5], 0.5, 1.0, seed=3)
    >>> sim = simulate_ridge(20, 0.5, 2.0, [0.1, 1.0], [0.5], 0.5, 1.0, trials=2, seed=3,
    ...                      average="sample")
    >>> bool(np.allclose(ET, sim.teacher_trials[0])), bool(np.allclose(ES, sim.student_trials[0]))
    (True, True)
    >>> ET.round(4)
    array([1.1379, 0.9569])
    """
    phi, psi, sigma2, r2, n, m = _check_setting(d, phi, psi, sigma2, r2)
    lam_T, lam_S = _check_grid("lam_T", lam_T), _check_grid("lam_S", lam_S)
    rng = np.random.default_rng(seed_sequence(seed).spawn(1)[0])
    beta = rng.standard_normal(d)
    beta *= np.sqrt(r2) / np.linalg.norm(beta)
    X = rng.standard_normal((n, d))
    y = X @ beta + np.sqrt(sigma2) * rng.standard_normal(n)
    Xs = rng.standard_normal((m, d))
    G, Gs, I = X.T @ X / n, Xs.T @ Xs / m, np.eye(d)
    ET = np.empty(lam_T.size)
    ES = np.empty((lam_T.size, lam_S.size))
    for i, lt in enumerate(lam_T):
        bT = np.linalg.solve(G + lt * I, X.T @ y / n)
        ET[i] = sigma2 + np.sum((bT - beta) ** 2)
        for j, ls in enumerate(lam_S):
            bS = np.linalg.solve(Gs + ls * I, Gs @ bT)
            ES[i, j] = sigma2 + np.sum((bS - beta) ** 2)
    return ET, ES
