"""Finite-sample estimators of §2.2 (Moniri & Hassani 2025, eqs. (6)–(7), Remark 6).

* :func:`weighted_ridge` — ``argmin_b (1/m)‖y - Xb‖² + λ bᵀΓ⁻¹b`` for a fixed
  symmetric positive definite Γ;
* :func:`two_layer_ridge` — the same estimator read as a two-layer linear
  network ``f(x) = aᵀFx`` with a fixed first layer F (N×d) and ridge on the
  second layer a; the end-to-end weight is ``b = Fᵀa`` and Γ = FᵀF;
* :func:`spiked_gamma` — the Assumption-7 weighting matrix used in this
  package, ``Γ = I + κθθᵀ`` (a bulk plus a rank-one spike along θ).
"""
from __future__ import annotations

import math

import numpy as np


def _matrix(name, A, shape=None):
    try:
        A = np.asarray(A)
    except Exception as exc:  # pragma: no cover - exotic objects
        raise ValueError(f"{name} must be a real array; got {A!r}") from exc
    if np.iscomplexobj(A):
        raise ValueError(f"{name} must be real, got complex values")
    if A.dtype == object or not np.issubdtype(A.dtype, np.number) or A.dtype == bool:
        raise ValueError(f"{name} must be a real numeric array; got dtype {A.dtype}")
    A = A.astype(float)
    if shape is not None:
        ndim, = {len(shape)}
        if A.ndim != ndim or any(s is not None and s != a for s, a in zip(shape, A.shape)):
            want = "×".join("*" if s is None else str(s) for s in shape)
            raise ValueError(f"{name} must have shape {want}; got {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must be finite (no NaN/inf entries)")
    return A


def _positive(name, x):
    if isinstance(x, np.ndarray) and x.ndim == 0:  # np.array(0.1) is a scalar too
        x = x[()]
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number in (0, inf); got {x!r}")
    x = float(x)
    if not (math.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be a finite real number in (0, inf); got {x!r}")
    return x


def _design(X, y):
    X = _matrix("X", X, (None, None))
    m, d = X.shape
    if m < 1 or d < 1:
        raise ValueError(f"X must have at least one row and one column; got shape {X.shape}")
    y = _matrix("y", y, (m,))
    return X, y, m, d


def _finite_result(gram, compute, names):
    """Run ``compute()``; overflow (entries ~1e200 squared) becomes a ValueError, not NaN/0."""
    if not np.all(np.isfinite(gram)):
        raise ValueError(f"{names} overflow in the normal equations (X^T X not finite); "
                         "X must have entries small enough that X^T X is finite: rescale X")
    try:
        b = compute()
    except np.linalg.LinAlgError as exc:
        # the matrix is Gram + λI with λ > 0: singular only when λ is below its rounding level
        size = float(np.abs(gram).max())
        raise ValueError(f"lam: the normal equations are numerically singular ({exc}): lam is "
                         f"negligible next to the Gram matrix (max entry {size:.3g}); use a larger "
                         "lam (relative to the scale of X^T X/m)") from None
    if not np.all(np.isfinite(b)):
        raise ValueError(f"{names} overflow in the normal equations (non-finite estimate); "
                         "X must have entries small enough that X^T X is finite: rescale X")
    return b


def weighted_ridge(X, y, lam, Gamma):
    """Weighted ridge estimator (Moniri & Hassani 2025, eq. (6)).

        b̂ = argmin_b (1/m)‖y - Xb‖² + λ bᵀΓ⁻¹b = (XᵀX/m + λΓ⁻¹)⁻¹ Xᵀy/m.

    Computed as ``Γ (XᵀXΓ/m + λI)⁻¹ Xᵀy/m``, which needs no inverse of Γ.

    Parameters
    ----------
    X : (m, d) finite array (X^T X must not overflow);  y : (m,) array
    lam : float in (0, inf) (a 0-d array is accepted)
    Gamma : (d, d) symmetric positive definite array
        (symmetric to 1e-10 relative; smallest eigenvalue > 1e-12·largest).

    Returns
    -------
    ndarray, shape (d,)
        The estimate b̂.

    Raises
    ------
    ValueError
        Bad shapes/values, Γ not symmetric positive definite, or overflow of
        the normal equations.

    Examples
    --------
    It matches the normal-equation form (Γ = I gives plain ridge):

    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    >>> G = spiked_gamma([1.0, 0.0, 0.0], 3.0)
    >>> b = weighted_ridge(X, y, 0.5, G)
    >>> b_ref = np.linalg.solve(X.T @ X / 8 + 0.5 * np.linalg.inv(G), X.T @ y / 8)
    >>> bool(np.allclose(b, b_ref)), b.round(4)
    (True, array([ 0.0239, -0.1472,  0.2135]))
    """
    X, y, m, d = _design(X, y)
    lam = _positive("lam", lam)
    G = _matrix("Gamma", Gamma, (d, d))
    scale = max(np.abs(G).max(), 1e-300)
    if np.abs(G - G.T).max() > 1e-10 * scale:
        raise ValueError("Gamma must be symmetric")
    ev = np.linalg.eigvalsh((G + G.T) / 2)
    if ev[0] <= 1e-12 * abs(ev[-1]) or ev[-1] <= 0:
        raise ValueError(f"Gamma must be positive definite; smallest eigenvalue {ev[0]:.3g} "
                         f"(largest {ev[-1]:.3g})")
    with np.errstate(over="ignore", invalid="ignore"):
        A = X.T @ X @ G / m + lam * np.eye(d)
        return _finite_result(A, lambda: G @ np.linalg.solve(A, X.T @ y / m), "X, y and Gamma")


def two_layer_ridge(X, y, lam, F):
    """Ridge on the second layer of the linear network ``f(x) = aᵀFx`` (Remark 6).

        â = argmin_a (1/m)‖y - XFᵀa‖² + λ‖a‖²,   returns b̂ = Fᵀâ.

    With Γ = FᵀF this equals :func:`weighted_ridge` (push-through identity
    Fᵀ(FΣF ᵀ+ λI)⁻¹F = Γ(ΣΓ + λI)⁻¹ = (Σ + λΓ⁻¹)⁻¹ when Γ is invertible).
    It is also defined when N < d (Γ singular): then b̂ lies in the row space of F.

    Parameters
    ----------
    X : (m, d) array;  y : (m,) array;  lam : float in (0, inf) (or a 0-d array)
    F : (N, d) array, the fixed first-layer weights (any N ≥ 1).

    Returns
    -------
    ndarray, shape (d,)
        The end-to-end weight b̂ = Fᵀâ.

    Raises
    ------
    ValueError
        Bad shapes/values, N = 0, or overflow of the normal equations.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    >>> F = spiked_first_layer([1.0, 0.0, 0.0], 3.0)
    >>> bool(np.allclose(two_layer_ridge(X, y, 0.5, F),
    ...                  weighted_ridge(X, y, 0.5, spiked_gamma([1.0, 0.0, 0.0], 3.0))))
    True
    >>> two_layer_ridge(X, y, 0.5, [[1.0, 0.0, 0.0]]).round(4)   # N = 1 < d: row space of F
    array([0.0341, 0.    , 0.    ])
    """
    X, y, m, d = _design(X, y)
    lam = _positive("lam", lam)
    F = _matrix("F", F, (None, d))
    if F.shape[0] < 1:
        raise ValueError(f"F must have at least one row (N >= 1 hidden units); got shape {F.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X @ F.T                                 # second-layer features
        A = Z.T @ Z / m + lam * np.eye(Z.shape[1])
        return _finite_result(A, lambda: F.T @ np.linalg.solve(A, Z.T @ y / m), "X, y and F")


def spiked_gamma(theta, kappa):
    """Γ = I + κθθᵀ for a unit vector θ (the package's reading of Assumption 7).

    Γ is positive definite iff κ > -1; Γ⁻¹ = I - θθᵀ + ω θθᵀ with
    ω = 1/(1+κ), i.e. the student's penalty is λ_S in every direction but
    θ, and λ_S·ω along θ.  ``kappa = inf`` is not a matrix (use
    ``omega = 0`` in the limit formulas).

    Parameters
    ----------
    theta : (d,) array with ‖θ‖ = 1 (to 1e-10)
    kappa : float in (-1, inf)

    Returns
    -------
    ndarray, shape (d, d)
        Γ.

    Raises
    ------
    ValueError
        If θ is not a finite unit vector or κ is not a finite real > −1.

    Examples
    --------
    >>> spiked_gamma([0.6, 0.8], 1.0)
    array([[1.36, 0.48],
           [0.48, 1.64]])
    >>> spiked_gamma([1.0, 1.0], 1.0)
    Traceback (most recent call last):
    ...
    ValueError: theta must be a unit vector; got norm 1.41421
    """
    theta = _matrix("theta", theta, (None,))
    if abs(np.linalg.norm(theta) - 1) > 1e-10:
        raise ValueError(f"theta must be a unit vector; got norm {np.linalg.norm(theta):.6g}")
    if isinstance(kappa, (bool, np.bool_)) or not isinstance(kappa, (int, float, np.integer, np.floating)):
        raise ValueError(f"kappa must be a real number in (-1, inf); got {kappa!r}")
    kappa = float(kappa)
    if not (math.isfinite(kappa) and kappa > -1):
        raise ValueError(f"kappa must be a finite real number in (-1, inf) (Γ positive definite); "
                         f"got {kappa!r}")
    return np.eye(theta.size) + kappa * np.outer(theta, theta)


def spiked_first_layer(theta, kappa):
    """F = Γ^{1/2} = I + (√(1+κ) - 1)θθᵀ: a first layer with FᵀF = :func:`spiked_gamma`.

    The student then is ridge on the features Fx, whose covariance is the
    spiked matrix Γ (the Γ^{1/2} change of variables of the derivation).
    Source: Moniri & Hassani (2025), Remark 6.

    Parameters
    ----------
    theta : (d,) array with ‖θ‖ = 1 (to 1e-10)
    kappa : float in (-1, inf)

    Returns
    -------
    ndarray, shape (d, d)
        The symmetric square root F of Γ.

    Raises
    ------
    ValueError
        As :func:`spiked_gamma`.

    Examples
    --------
    >>> F = spiked_first_layer([0.6, 0.8], 3.0)
    >>> F.round(12)
    array([[1.36, 0.48],
           [0.48, 1.64]])
    >>> bool(np.allclose(F.T @ F, spiked_gamma([0.6, 0.8], 3.0)))
    True
    """
    G = spiked_gamma(theta, kappa)
    theta = np.asarray(theta, dtype=float)
    return G + (math.sqrt(1 + float(kappa)) - 1 - float(kappa)) * np.outer(theta, theta)
