"""Spectral/gradient bounds for the Σ-cosine and the one-step step-size guarantee.

Source: Geng, Hansen & Li (2026), Lemma C.3 (Hessian), Lemma C.4 (Lipschitz),
Theorem 2.3 / Lemma A.6 (Taylor argument); ``docs/theory/cosine.rst``.

Reduction to Σ = I: with u = Lᵀw, u* = Lᵀw* (Σ = LLᵀ), c_Σ(w) = c_I(u) and
∇²c_Σ = L ∇²c_I Lᵀ.  For ‖u‖ = 1, on span(u, u*) in the orthonormal basis
(û, unit part of u* ⊥ û) the identity-case Hessian is [[0, −s], [−s, −c]]
(s = √(1−c²)), with eigenvalues λ = (−c ± √(4 − 3c²))/2, and it is −c on the
orthogonal complement.  The spectral radius ``(abs(c) + √(4−3c²))/2`` is maximal,
= 2/√3, at c = ±1/√3.  Hence::

    ‖∇²c(w)‖_op ≤ (2/√3) λ_max(Σ)/‖w‖_Σ²          (Euclidean operator norm)
    |vᵀ∇²c(w)v| ≤ (2/√3) ‖v‖_Σ²/‖w‖_Σ²            (Σ-norm form)
    ‖∇c(w)‖ ≤ √λ_max(Σ) √(1 − c²)/‖w‖_Σ.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp
from scipy import optimize

from .calculus import as_real_array, check_pair, cosine, cosine_gradient, cosine_hessian, pow2_scale
from .sft import expected_gradient

# --------------------------------------------------------------------------- symbolic
_c = sp.Symbol("c", real=True)
_lam = sp.Symbol("lambda", real=True)
#: Characteristic polynomial of the identity-case Hessian on span(w, w*), ‖w‖ = 1.
CHAR_POLY = _lam ** 2 + _c * _lam - (1 - _c ** 2)
#: Spectral radius of the identity-case Hessian (‖w‖ = 1) as a function of c ∈ [-1, 1].
SPECTRAL_RADIUS = (sp.Abs(_c) + sp.sqrt(4 - 3 * _c ** 2)) / 2
#: The Lemma C.3 constant.
HESSIAN_CONSTANT = 2 / sp.sqrt(3)
_HC = float(HESSIAN_CONSTANT)


def hessian_bound(w, w_star, Sigma=None):
    r"""Bound on the Euclidean operator norm of ∇²c (Lemma C.3).

    .. math:: \|\nabla^2 c(w)\|_2 \le \frac{2}{\sqrt3}\,\frac{\lambda_{\max}(\Sigma)}{\|w\|_\Sigma^2}.

    Source: Geng, Hansen & Li (2026), Lemma C.3.  Tight for every Σ (attained
    when c = ±1/√3 and the extremal eigenvector of the reduced Hessian is a top
    eigenvector of Σ).

    Parameters
    ----------
    w, w_star, Sigma
        As in :func:`~w2s_theory.cosine.calculus.cosine` (no *dps*).  Any
        finite nonzero w is accepted (w is rescaled by an exact power of two).

    Returns
    -------
    float or ndarray
        The bound; an ndarray of shape ``w.shape[:-1]`` for a batch.

    Raises
    ------
    ValueError
        On invalid input, as in :func:`~w2s_theory.cosine.calculus.cosine`.
    FloatingPointError
        If the bound itself exceeds the float64 range.

    Examples
    --------
    At c = 1/√3 the bound is attained (Σ = I, ‖w‖ = 1):

    >>> w, w_star = np.array([1.0, 0.0]), np.array([1.0, np.sqrt(2.0)])
    >>> round(hessian_bound(w, w_star), 12)
    1.154700538379
    >>> H = cosine_hessian(w, w_star)
    >>> round(float(np.max(np.abs(np.linalg.eigvalsh(H)))), 12)
    1.154700538379
    >>> round(hessian_bound([2.0, 0.0], [1.0, 1.0], Sigma=np.diag([1.0, 4.0])), 12)   # 2/√3 · 4/4
    1.154700538379
    """
    W, ws, S = check_pair(w, w_star, Sigma)
    Wh, e = pow2_scale(W)                     # exact: the bound is (−2)-homogeneous in w
    a2 = np.sum((Wh @ S) * Wh, axis=-1)
    with np.errstate(over="ignore"):
        out = np.ldexp(_HC * np.linalg.eigvalsh(S)[-1] / a2, -2 * e)
    return _finite_out(out, "hessian_bound")


def gradient_bound(w, w_star, Sigma=None):
    r"""Bound on the Euclidean norm of ∇c (Lemma C.4-type).

    .. math:: \|\nabla c(w)\|_2 \le \sqrt{\lambda_{\max}(\Sigma)}\,\frac{\sqrt{1-c(w)^2}}{\|w\|_\Sigma}
              \le \frac{\sqrt{\lambda_{\max}(\Sigma)}}{\|w\|_\Sigma}.

    So c is √λmax/r-Lipschitz on {‖w‖_Σ ≥ r}.  Source: Geng, Hansen & Li (2026),
    Lemma C.4.

    Parameters
    ----------
    w, w_star, Sigma
        As in :func:`hessian_bound`.

    Returns
    -------
    float or ndarray
        The bound; an ndarray of shape ``w.shape[:-1]`` for a batch.

    Raises
    ------
    ValueError
        On invalid input, as in :func:`~w2s_theory.cosine.calculus.cosine`.
    FloatingPointError
        If the bound itself exceeds the float64 range.

    Examples
    --------
    For Σ = I the bound is an equality:

    >>> round(gradient_bound([1.0, 0.0], [1.0, 1.0]), 12)
    0.707106781187
    >>> round(float(np.linalg.norm(cosine_gradient([1.0, 0.0], [1.0, 1.0]))), 12)
    0.707106781187
    """
    W, ws, S = check_pair(w, w_star, Sigma)
    Wh, e = pow2_scale(W)                     # exact: the bound is (−1)-homogeneous in w
    a = np.sqrt(np.sum((Wh @ S) * Wh, axis=-1))
    c = np.clip(cosine(Wh, ws, S), -1, 1)
    with np.errstate(over="ignore"):
        out = np.ldexp(np.sqrt(np.linalg.eigvalsh(S)[-1]) * np.sqrt(1 - c * c) / a, -e)
    return _finite_out(out, "gradient_bound")


def _finite_out(out, name):
    if not np.all(np.isfinite(out)):
        raise FloatingPointError(f"{name}: result overflows float64 (‖w‖ tiny)")
    return float(out) if np.ndim(out) == 0 else out


# --------------------------------------------------------------------------- adversarial search
def params_to_case(theta, d, max_log_eig=4.0):
    """Unconstrained vector (length 3d) -> (w, w*, Σ) with Σ = diag(exp ℓ), abs(ℓ) ≤ max_log_eig.

    A diagonal Σ loses no generality: c, ∇c, ∇²c, ‖·‖_Σ and λmax are all
    equivariant under w ↦ Qw, w* ↦ Qw*, Σ ↦ QΣQᵀ for orthogonal Q (tested).

    Parameters
    ----------
    theta : ndarray, shape (3d,)
        Unconstrained parameters.
    d : int
        Dimension.
    max_log_eig : float, optional
        Bound on the absolute log-eigenvalues of Σ; default 4.

    Returns
    -------
    (w, w_star, Sigma) : ndarrays of shapes (d,), (d,), (d, d)

    Examples
    --------
    >>> w, ws, S = params_to_case(np.zeros(6), 2)
    >>> w, ws, S
    (array([0., 0.]), array([0., 0.]), array([[1., 0.],
           [0., 1.]]))
    """
    w, ws = theta[:d], theta[d:2 * d]
    ell = max_log_eig * np.tanh(theta[2 * d:3 * d])
    return w, ws, np.diag(np.exp(ell))


def n_params(d):
    """Length 3d of the parameter vector of :func:`params_to_case`.

    Parameters
    ----------
    d : int
        Dimension.

    Returns
    -------
    int

    Examples
    --------
    >>> n_params(4)
    12
    """
    return 3 * d


def _safe(f):
    def g(theta, *args):
        try:
            v = f(theta, *args)
        except ValueError:          # a degenerate point (w ≈ 0): not a counterexample
            return 0.0
        return v if np.isfinite(v) else 0.0
    return g


def hessian_ratio(w, ws, S, norm="euclid"):
    """‖∇²c‖ / bound: Euclidean (λmax form) or Σ-geometry (‖Σ^{-1/2}HΣ^{-1/2}‖·a²·√3/2).

    A ratio above 1 would refute Lemma C.3 of Geng, Hansen & Li (2026).

    Parameters
    ----------
    w, ws, S : ndarray
        Classifier, ground truth and covariance (as in :func:`hessian_bound`).
    norm : {"euclid", "sigma"}, optional
        Which form of the bound; default "euclid" (any other value gives the
        Σ-geometry form).

    Returns
    -------
    float
        The ratio, ≤ 1 when the bound holds.

    Examples
    --------
    >>> w, ws = np.array([1.0, 0.0]), np.array([1.0, np.sqrt(2.0)])   # c = 1/√3: tight
    >>> round(float(hessian_ratio(w, ws, np.eye(2))), 12)
    1.0
    >>> round(float(hessian_ratio(w, ws, np.diag([1.0, 5.0]), norm="sigma")), 6)
    0.966539
    """
    H = cosine_hessian(w, ws, S)
    if norm == "euclid":
        return np.max(np.abs(np.linalg.eigvalsh(H))) / hessian_bound(w, ws, S)
    ev, V = np.linalg.eigh(S)
    Sih = (V / np.sqrt(ev)) @ V.T
    a2 = w @ S @ w
    return np.max(np.abs(np.linalg.eigvalsh(Sih @ H @ Sih))) * a2 / _HC


def gradient_ratio(w, ws, S):
    """‖∇c‖ / (√λmax √(1−c²)/a).

    A ratio above 1 would refute the gradient bound (Geng, Hansen & Li 2026,
    Lemma C.4).

    Parameters
    ----------
    w, ws, S : ndarray
        Classifier, ground truth and covariance.

    Returns
    -------
    float
        The ratio (0 when the bound is 0, i.e. w ∥ w*).

    Examples
    --------
    >>> round(float(gradient_ratio(np.array([1.0, 0.0]), np.array([1.0, 1.0]), np.eye(2))), 12)
    1.0
    >>> round(float(gradient_ratio(np.array([1.0, 0.0]), np.array([1.0, 1.0]), np.diag([1.0, 4.0]))), 6)
    1.0
    """
    g = cosine_gradient(w, ws, S)
    b = gradient_bound(w, ws, S)
    return np.linalg.norm(g) / b if b > 0 else 0.0


def adversarial_max(ratio, d, rng, restarts=4, maxiter=200):
    """Maximise ``ratio(w, w*, Σ)`` over (w, w*, Σ) with L-BFGS from random starts.

    Parameters
    ----------
    ratio : callable
        ``ratio(w, w_star, Sigma) -> float``, e.g. :func:`hessian_ratio`.
    d : int
        Dimension.
    rng : numpy.random.Generator
        Source of the starting points.
    restarts : int, optional
        Number of random starts; default 4.
    maxiter : int, optional
        L-BFGS iterations per start; default 200.

    Returns
    -------
    (best_ratio, n_evaluations) : (float, int)

    Examples
    --------
    The Hessian bound is tight (sup of the ratio = 1) and never exceeded:

    >>> best, nev = adversarial_max(hessian_ratio, 2, np.random.default_rng(0), restarts=2,
    ...                             maxiter=50)
    >>> bool(best <= 1 + 1e-9), round(float(best), 3)
    (True, 1.0)
    """
    f = _safe(lambda th: -ratio(*params_to_case(th, d)))
    best, nev = -np.inf, 0
    for _ in range(restarts):
        x0 = rng.standard_normal(n_params(d))
        res = optimize.minimize(f, x0, method="L-BFGS-B", options=dict(maxiter=maxiter))
        nev += res.nfev
        best = max(best, -res.fun)
    return best, nev


# --------------------------------------------------------------------------- step size
def _line_quantities(w, v, w_star, S):
    b = math.sqrt(w_star @ S @ w_star)
    n0, n1 = (w @ S @ w_star) / b, (v @ S @ w_star) / b
    a2, pp, qq = w @ S @ w, w @ S @ v, v @ S @ v
    return n0, n1, a2, pp, qq


def _step_setup(w, v, w_star, Sigma):
    """Validate; return (ŵ, v̂, w*, Σ, k) with ŵ = w/2^e, v̂ = v/2^f exact and k = e − f.

    Both step sizes satisfy η(2^e w, 2^f v) = 2^(e−f) η(w, v) (c(sw + ηv) =
    c(w + (η/s)v)), so computing on the rescaled pair is exact and free of
    under/overflow in ‖w‖², ‖v‖².
    """
    W, ws, S = check_pair(w, w_star, Sigma, batch=False)
    V = as_real_array(v, "v", ndim=1)
    if V.shape != W.shape:
        raise ValueError(f"v must have shape {W.shape} like w; got {V.shape}")
    Wh, e = pow2_scale(W)
    Vh, f = pow2_scale(V)
    return Wh, Vh, ws, S, int(e) - int(f)


def _rescale_eta(eta, k):
    if eta == 0 or math.isinf(eta):
        return eta
    with np.errstate(over="ignore", under="ignore"):
        out = float(np.ldexp(eta, k))
    if not math.isfinite(out):
        raise FloatingPointError("step size overflows float64 (‖w‖/‖v‖ beyond the float range)")
    return out


def exact_step_limit(w, v, w_star, Sigma=None):
    r"""Largest η̄ with c(w + ηv) > c(w) for all η ∈ (0, η̄); ``inf`` if never crossed.

    Along a line, c(w+ηv) = N(η)/D(η) with N affine and D² quadratic, so
    c(w+ηv) = c(w) has, besides η = 0, the single root of the squared equation

    .. math:: \eta^\dagger = \frac{2(c_0^2 \langle w, v\rangle_\Sigma - n_0 n_1)}{n_1^2 - c_0^2\|v\|_\Sigma^2},

    valid if positive and N(η†) has the sign of c₀.  Requires a positive
    initial rate ⟨∇c, v⟩ > 0 (else returns 0).

    Source: the line-search form of Geng, Hansen & Li (2026), Theorem 2.3 /
    Lemma A.6 (exact, not a bound).

    Parameters
    ----------
    w : array_like, shape (d,)
        Current student, nonzero.
    v : array_like, shape (d,)
        Finite step direction.
    w_star : array_like, shape (d,)
        Ground truth, nonzero.
    Sigma : array_like, shape (d, d), optional
        Symmetric positive-definite covariance; default identity.

    Returns
    -------
    float
        η̄ in [0, inf]: 0 if the initial rate is not positive, ``inf`` if the
        cosine never returns to c(w) along the ray.

    Raises
    ------
    ValueError
        On invalid w, w_star, Σ, or if v is not finite or has another shape.
    FloatingPointError
        If η̄ overflows float64.

    Examples
    --------
    With w = e₁, v = e₂, w* = (2, 1): (2 + η)² = 4(1 + η²) gives η̄ = 4/3.

    >>> round(exact_step_limit([1.0, 0.0], [0.0, 1.0], [2.0, 1.0]), 12)
    1.333333333333
    >>> exact_step_limit([1.0, 0.0], [0.0, 1.0], [1.0, 1.0])   # never crossed
    inf
    >>> exact_step_limit([1.0, 0.0], [0.0, -1.0], [2.0, 1.0])  # initial rate < 0
    0.0
    """
    w, v, ws, S, k = _step_setup(w, v, w_star, Sigma)
    if float(cosine_gradient(w, ws, S) @ v) <= 0:
        return 0.0
    n0, n1, a2, pp, qq = _line_quantities(w, v, ws, S)
    c0 = n0 / math.sqrt(a2)
    den = n1 * n1 - c0 * c0 * qq
    if den == 0:
        return math.inf
    eta = 2 * (c0 * c0 * pp - n0 * n1) / den
    if eta <= 0 or np.sign(n0 + eta * n1) != np.sign(n0):
        return math.inf
    return _rescale_eta(eta, k)


def taylor_step_bound(w, v, w_star, Sigma=None):
    r"""Step size guaranteed to improve c by the second-order Taylor argument (Lemma A.6-type).

    For η‖v‖_Σ < a = ‖w‖_Σ, every point of the segment has Σ-norm ≥ a − η‖v‖_Σ, so by
    the Σ-form of Lemma C.3

    .. math:: c(w+\eta v) - c(w) \ge \eta\,\dot c - \frac{\eta^2}{2}\,
              \frac{(2/\sqrt3)\,\|v\|_\Sigma^2}{(a-\eta\|v\|_\Sigma)^2},\qquad \dot c = \langle\nabla c, v\rangle,

    which is positive for η < η_B, the root of ċ(a − η‖v‖_Σ)² = η‖v‖²_Σ/√3.
    Source: Geng, Hansen & Li (2026), Theorem 2.3 / Lemma A.6 (Taylor argument)
    with the Lemma C.3 constant.

    Parameters
    ----------
    w, v, w_star, Sigma
        As in :func:`exact_step_limit`.

    Returns
    -------
    float
        η_B ≥ 0 (0 if ċ ≤ 0); always below the exact limit
        :func:`exact_step_limit`.

    Raises
    ------
    ValueError
        On invalid input, as in :func:`exact_step_limit`.
    FloatingPointError
        If η_B overflows float64.

    Examples
    --------
    >>> eta_b = taylor_step_bound([1.0, 0.0], [0.0, 1.0], [2.0, 1.0])
    >>> round(eta_b, 12)
    0.338722142189
    >>> eta_b < exact_step_limit([1.0, 0.0], [0.0, 1.0], [2.0, 1.0])
    True
    """
    w, v, ws, S, k = _step_setup(w, v, w_star, Sigma)
    rate = float(cosine_gradient(w, ws, S) @ v)
    if rate <= 0:
        return 0.0
    a, vn = math.sqrt(w @ S @ w), math.sqrt(v @ S @ v)
    # ċ(a − η vn)² − η vn²/√3 = 0: quadratic in η, take the root below a/vn
    A_, B_, C_ = rate * vn * vn, -(2 * rate * a * vn + vn * vn / math.sqrt(3)), rate * a * a
    disc = B_ * B_ - 4 * A_ * C_
    return _rescale_eta((-B_ - math.sqrt(disc)) / (2 * A_), k)


def sft_step_limits(w, t, w_star, Sigma=None, beta=1.0):
    """(exact limit, Taylor bound) for one population SFT step v = −E∇ℓ(w) on teacher t.

    The step direction is :func:`~w2s_theory.cosine.sft.expected_gradient`
    (Geng, Hansen & Li 2026, §1 with Stein's lemma); the two step sizes are
    :func:`exact_step_limit` and :func:`taylor_step_bound` (Theorem 2.3 /
    Lemma A.6).

    Parameters
    ----------
    w : array_like, shape (d,)
        Student, nonzero.
    t : array_like, shape (d,)
        Teacher, nonzero.
    w_star : array_like, shape (d,)
        Ground truth, nonzero.
    Sigma : array_like, shape (d, d), optional
        Symmetric positive-definite data covariance; default identity.
    beta : float in (0, inf), optional
        Inverse temperature of the logistic loss; default 1.

    Returns
    -------
    (float, float)
        ``(exact_limit, taylor_bound)``, with ``taylor_bound <= exact_limit``.

    Raises
    ------
    ValueError
        On invalid w, t, w_star, Σ or beta.

    Examples
    --------
    >>> exact, taylor = sft_step_limits([1.0, 0.0], [1.0, 1.0], [0.0, 1.0])
    >>> round(exact, 6), round(taylor, 6)
    (inf, 1.609499)
    """
    v = -expected_gradient(w, t, Sigma, beta)
    return exact_step_limit(w, v, w_star, Sigma), taylor_step_bound(w, v, w_star, Sigma)
