"""Logistic SFT on teacher labels: expected gradient, cosine rate, simulator.

Source: Geng, Hansen & Li (2026), Definition 1.1, Definition 2.1, §1 (mechanism),
§2.3 (Eq. 1/2), §3 (experiments); ``docs/theory/cosine.rst``.

Loss (Definition 2.1) with inverse temperature β and teacher label y = sign⟨t, x⟩:

    ℓ(w; x, y) = log(1 + exp(-β y ⟨w, x⟩)),
    ∇ℓ = -β y x σ(-β y ⟨w, x⟩) = -(β/2) y x + (β/2) x tanh(β⟨w, x⟩/2).

For x ~ N(0, Σ): E[y x] = √(2/π) Σt/‖t‖_Σ and, by Stein's lemma,
E[x tanh(β⟨w,x⟩/2)] = κ(w) Σw with κ = E[(β/2) sech²(β⟨w,x⟩/2)], so

    -E∇ℓ(w) = (β/2) [ √(2/π) Σt/‖t‖_Σ − κ(‖w‖_Σ, β) Σw ].
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from .._numeric import Param, check_mp, check_np
from .._progress import progress
from .._numeric import finish, prepare, rng_from
from .calculus import COEF, as_real_array, check_pair, check_sigma, cosine, cosine_gradient, pow2_scale

# --------------------------------------------------------------------------- symbolic sources
_a, _beta = sp.symbols("a beta", positive=True)
_gr = sp.Symbol("g", real=True)
#: κ(a, β) = E[(β/2) sech²(β a g / 2)], g ~ N(0, 1): the confidence factor of the gradient.
KAPPA_EXPR = sp.Integral(_beta / 2 * sp.sech(_beta * _a * _gr / 2) ** 2
                         * sp.exp(-_gr ** 2 / 2) / sp.sqrt(2 * sp.pi), (_gr, -sp.oo, sp.oo))
#: E|g| for g ~ N(0,1): coefficient of the teacher term.
TEACHER_COEF = sp.sqrt(2 / sp.pi)
_TEACHER_COEF = float(TEACHER_COEF)

_A = Param("a", 0.0, math.inf)
_B = Param("beta", 0.0, math.inf)

# Composite Gauss-Legendre on g in [0, L]: the integrand is even, smooth, and has
# width min(1, 2/(βa)); 40 panels x 16 nodes resolve it to ~5e-16 relative for
# βa in [1e-6, 1e6] (tested against mpmath at 50 digits).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
_PANELS = 40


_KAPPA_CHUNK = 2048  # values per block: 640 nodes x 2048 x 8 B = 10 MB per temporary


def _kappa_np(a: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """κ = β K(βa/2) with K(s) = ∫_0^∞ sech²(s g) φ(g) dg, evaluated once per distinct s,
    in blocks of :data:`_KAPPA_CHUNK` (memory independent of the input size)."""
    a, beta = np.broadcast_arrays(a, beta)
    s_all = (beta * a / 2).ravel()
    uniq, inv = np.unique(s_all, return_inverse=True)
    K = np.empty(uniq.shape)
    for i in range(0, uniq.size, _KAPPA_CHUNK):
        K[i:i + _KAPPA_CHUNK] = _kappa_unit(uniq[i:i + _KAPPA_CHUNK])
    return beta * K[inv].reshape(a.shape)


def _kappa_unit(s: np.ndarray) -> np.ndarray:
    """K(s) = ∫_0^∞ sech²(s g) φ(g) dg for a 1-d array s > 0."""
    L = np.minimum(9.0, 40.0 / s)             # φ(9) ~ 1e-18, sech²(40) ~ 1e-34
    edges = np.linspace(0.0, 1.0, _PANELS + 1)
    h = 1.0 / _PANELS
    u = (edges[:-1, None] + (_GL_X[None, :] + 1) * h / 2).ravel()      # nodes in [0, 1]
    wts = np.tile(_GL_W * h / 2, _PANELS)
    g = L[..., None] * u                                                  # (..., n)
    sech2 = 1.0 / np.cosh(np.minimum(s[..., None] * g, 350.0)) ** 2
    phi = np.exp(-g * g / 2) / math.sqrt(2 * math.pi)
    return L * np.sum(wts * sech2 * phi, axis=-1)   # κ = 2 (β/2) ∫_0^L = β K


def _kappa_mp(a, beta):
    f = lambda g: beta / 2 * mpmath.sech(beta * a * g / 2) ** 2 * mpmath.npdf(g)
    s = beta * a / 2
    return 2 * mpmath.quad(f, [0, min(1, 1 / s), 1, 4, mpmath.inf])


def kappa(a, beta=1.0):
    r"""Confidence factor of the logistic gradient.

    .. math:: \kappa(a, \beta) = \mathbb E\Big[\tfrac{\beta}{2}\operatorname{sech}^2\big(\tfrac{\beta a g}{2}\big)\Big],
              \quad g \sim N(0, 1),\ a = \|w\|_\Sigma .

    (:data:`KAPPA_EXPR`; no closed form.)  κ → β/2 as a → 0 and
    κ ≈ √(2/π)/a as a → ∞.  Source: Stein's lemma applied to Geng, Hansen & Li (2026), §1's update.

    Parameters
    ----------
    a : float, array_like or mpmath.mpf in (0, inf)
        Σ-norm ‖w‖_Σ of the student.
    beta : float, array_like or mpmath.mpf in (0, inf), optional
        Inverse temperature; default 1.

    Returns
    -------
    float, ndarray or mpmath.mpf
        κ(a, β) in (0, β/2); broadcast shape of *a* and *beta*, an ``mpf``
        (at the current ``mpmath.mp.dps``) if either input is an ``mpf``.

    Raises
    ------
    ValueError
        If *a* or *beta* is not a finite number in (0, inf).

    Examples
    --------
    >>> round(kappa(1e-8), 12)            # → β/2
    0.5
    >>> round(kappa(1e4) * 1e4, 6), round(math.sqrt(2 / math.pi), 6)   # ≈ √(2/π)/a
    (0.797885, 0.797885)
    >>> round(kappa(1.0, beta=2.0), 10)
    0.6057055096
    >>> print(mpmath.nstr(kappa(mpmath.mpf(1), mpmath.mpf(2)), 10))
    0.6057055096
    """
    if isinstance(a, mpmath.mpf) or isinstance(beta, mpmath.mpf):
        av, bv = check_mp(_A, a), check_mp(_B, beta)
        with mpmath.workdps(mpmath.mp.dps + 15):
            return +_kappa_mp(av, bv)
    av, bv = np.broadcast_arrays(check_np(_A, a), check_np(_B, beta))
    out = _kappa_np(av, bv)
    return float(out) if np.ndim(a) == 0 and np.ndim(beta) == 0 else out


def _check_beta(beta) -> float:
    if np.ndim(beta) != 0:
        raise ValueError(f"beta must be a scalar in (0, inf); got shape {np.shape(beta)}")
    return float(check_np(_B, beta))


def expected_gradient(w, t, Sigma=None, beta=1.0):
    r"""Population gradient of the logistic SFT loss on teacher labels, x ~ N(0, Σ).

    .. math:: \mathbb E\nabla\ell(w) = -\frac{\beta}{2}\Big[\sqrt{2/\pi}\,\frac{\Sigma t}{\|t\|_\Sigma}
              - \kappa(\|w\|_\Sigma, \beta)\,\Sigma w\Big].

    Source: Geng, Hansen & Li (2026), §1 (update direction), with Stein's lemma.

    Parameters
    ----------
    w : array_like, shape (d,) or (..., d)
        Student(s), nonzero.
    t : array_like, shape (d,) or broadcastable to w
        Teacher(s), nonzero.
    Sigma : array_like, shape (d, d), optional
        Symmetric positive-definite data covariance; default identity.
    beta : float in (0, inf), optional
        Inverse temperature; default 1.

    Returns
    -------
    ndarray
        E∇ℓ(w), shape ``broadcast(w, t).shape``.

    Raises
    ------
    ValueError
        If w or t is zero, non-finite or of mismatched dimension, Σ is not
        SPD, or beta is not a scalar in (0, inf).

    Examples
    --------
    For w ∥ t the gradient is parallel to w (it vanishes at the norm a with
    κ(a)·a = √(2/π)):

    >>> expected_gradient([1.0, 0.0], [1.0, 0.0]).round(10)
    array([-0.19232132, -0.        ])
    >>> expected_gradient([1.0, 0.0], [0.0, 1.0], beta=2.0).round(10)
    array([ 0.60570551, -0.79788456])
    """
    b = _check_beta(beta)
    W, T, S = _check_wt(w, t, Sigma)
    # Σt/‖t‖_Σ is scale free and κ(a)Σw = (κ(a) 2^e) ΣŴ: exact power-of-2 rescaling
    # keeps every intermediate in range for any representable ‖w‖_Σ
    Wh, e, a = _scaled_norm(W, S)
    Th, _ = pow2_scale(T)
    tn = np.sqrt(np.sum((Th @ S) * Th, axis=-1))
    k = np.ldexp(kappa(a, b), e)
    return -(b / 2) * (_TEACHER_COEF * (Th @ S) / np.asarray(tn)[..., None]
                       - np.asarray(k)[..., None] * (Wh @ S))


def _expected_gradient_validated(W, T, S, b):
    """:func:`expected_gradient` without re-validation (inner loop of the simulator)."""
    SW = W @ S
    a = np.sqrt(np.sum(SW * W, axis=-1))
    ST = T @ S
    tn = np.sqrt(np.sum(ST * T, axis=-1))
    return -(b / 2) * (_TEACHER_COEF * ST / tn[..., None] - _kappa_np(a, np.full_like(a, b))[..., None] * SW)


def _cos_validated(W, S, Sws, r):
    """Σ-cosine from the generated evaluator, inputs already validated (inner loop)."""
    return COEF["c"](W @ Sws, np.sum((W @ S) * W, axis=-1), r)


def _check_wt(w, t, Sigma):
    W = as_real_array(w, "w")
    T = as_real_array(t, "t")
    if W.ndim == 0 or T.ndim == 0:
        raise ValueError("w and t must be vectors of shape (d,) or (..., d)")
    d = W.shape[-1]
    if T.shape[-1] != d:
        raise ValueError(f"t has last dimension {T.shape[-1]} but w has {d}")
    S = check_sigma(Sigma, d)
    # exact zero tests: ‖w‖_Σ² may underflow for a tiny but valid w
    if not np.all(np.any(W != 0, axis=-1)):
        raise ValueError("w must be nonzero (‖w‖_Σ > 0); got the zero vector")
    if not np.all(np.any(T != 0, axis=-1)):
        raise ValueError("t must be nonzero (‖t‖_Σ > 0); got the zero vector")
    try:
        np.broadcast_shapes(W.shape, T.shape)
    except ValueError:
        raise ValueError(f"w {W.shape} and t {T.shape} cannot be broadcast together") from None
    return W, T, S


def _scaled_norm(W, S):
    """``(Ŵ, e, a)``: Ŵ = W/2^e with max abs(Ŵ) in [0.5, 1), and a = ‖W‖_Σ computed without under/overflow.

    ValueError naming w if ‖w‖_Σ itself is outside the float64 range.
    """
    Wh, e = pow2_scale(W)
    with np.errstate(over="ignore", under="ignore"):
        a = np.ldexp(np.sqrt(np.sum((Wh @ S) * Wh, axis=-1)), e)
    if not (np.all(np.isfinite(a)) and np.all(a > 0)):
        raise ValueError("w must have ‖w‖_Σ representable in float64, in (2.2e-308, 1.8e308); "
                         "it over- or underflows")
    return Wh, e, a


def cosine_rate(w, t, w_star, Sigma=None, beta=1.0):
    r"""First-order change of the Σ-cosine along the negative expected gradient.

    .. math:: \dot c = \langle \nabla c(w), -\mathbb E\nabla\ell(w)\rangle = A - B,\quad
              A = \tfrac{\beta}{2}\sqrt{2/\pi}\,\frac{\langle\nabla c, \Sigma t\rangle}{\|t\|_\Sigma},\quad
              B = \tfrac{\beta}{2}\kappa\,\langle\nabla c, \Sigma w\rangle .

    A is the pull towards the teacher ("learning the teacher's knowledge of w*"),
    B the confidence term ("unlearning"); B ≡ 0 when Σ ∝ I (Eq. 2 cancellation).
    Source: Geng, Hansen & Li (2026), §1 and §2.3 (Eq. 1/2; Eq. 3 for general Σ).

    Parameters
    ----------
    w : array_like, shape (d,) or (..., d)
        Student(s), nonzero.
    t : array_like, shape (d,) or broadcastable to w
        Teacher(s), nonzero.
    w_star : array_like, shape (d,)
        Ground truth, nonzero.
    Sigma : array_like, shape (d, d), optional
        Symmetric positive-definite data covariance; default identity.
    beta : float in (0, inf), optional
        Inverse temperature; default 1.

    Returns
    -------
    (rate, A, B) : floats or arrays of shape ``w.shape[:-1]``
        ``rate = A - B``.

    Raises
    ------
    ValueError
        On invalid w, t, w_star, Σ or beta.
    FloatingPointError
        If the rate overflows float64 (‖w‖ tiny).

    Examples
    --------
    For Σ = I the confidence term vanishes and the rate is
    (β/2)√(2/π) R/‖w‖ with R = :func:`relative_correlation`:

    >>> w, t, w_star = [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]
    >>> rate, A, B = cosine_rate(w, t, w_star)
    >>> round(float(rate), 12), round(float(B), 12)
    (0.282094791774, 0.0)
    >>> round(0.5 * math.sqrt(2 / math.pi) * relative_correlation(w, t, w_star), 12)
    0.282094791774
    >>> rate, A, B = cosine_rate([1.0, 0.5], t, w_star, Sigma=np.diag([1.0, 3.0]))
    >>> round(float(B), 12)                 # anisotropic Σ: B ≠ 0 in general
    0.13983211219
    """
    b = _check_beta(beta)
    W, T, S = _check_wt(w, t, Sigma)
    # On Ŵ = W/2^e (exact): ∇c(W) = ∇c(Ŵ)/2^e and ⟨∇c, Σw⟩ is scale free
    Wh, e, a = _scaled_norm(W, S)
    Th, _ = pow2_scale(T)
    g = cosine_gradient(Wh, w_star, S)
    tn = np.sqrt(np.sum((Th @ S) * Th, axis=-1))
    with np.errstate(over="ignore"):
        A = np.ldexp((b / 2) * _TEACHER_COEF * np.sum(g * (Th @ S), axis=-1) / tn, -e)
    if not np.all(np.isfinite(A)):
        raise FloatingPointError("cosine_rate: result overflows float64 (‖w‖ tiny)")
    B = (b / 2) * kappa(a, b) * np.sum(g * (Wh @ S), axis=-1)
    return A - B, A, B


def relative_correlation(w, t, w_star, Sigma=None):
    r"""Relative correlation R = cos(t, w*) − cos(w, w*) cos(t, w)  (Σ-cosines).

    For Σ = I the cosine rate is exactly :math:`\dot c = \frac{\beta}{2}\sqrt{2/\pi}\,R/\|w\|`
    (Eq. 2: the confidence term cancels), so R > 0 is the paper's sufficient
    condition for a small SFT step to improve the student.  Writing
    w = αw* + w⊥ (unit w*), ‖w‖² R = ‖w⊥‖²⟨t,w*⟩ − α⟨w⊥,t⊥⟩ for unit t.
    Source: Geng, Hansen & Li (2026), Eq. 1/2 and §1.

    Parameters
    ----------
    w, t : array_like, shape (d,) or (..., d)
        Student(s) and teacher(s), nonzero, broadcastable.
    w_star : array_like, shape (d,)
        Ground truth, nonzero.
    Sigma : array_like, shape (d, d), optional
        Symmetric positive-definite covariance; default identity.

    Returns
    -------
    float or ndarray
        R in [-2, 2]; an ndarray of the broadcast batch shape for batches.

    Raises
    ------
    ValueError
        If w, t or w_star is zero, non-finite or of mismatched dimension, or
        Σ is not SPD.

    Examples
    --------
    >>> round(relative_correlation([1.0, 0.0], [1.0, 1.0], [0.0, 1.0]), 12)   # cos(t,w*) = 1/√2
    0.707106781187
    >>> relative_correlation([1.0, 0.0], [1.0, 0.0], [0.0, 1.0])   # t = w: no pull
    0.0
    """
    W, T, S = _check_wt(w, t, Sigma)
    ws = as_real_array(w_star, "w_star", ndim=1)
    if ws.shape[0] != W.shape[-1]:
        raise ValueError(f"w_star has dimension {ws.shape[0]} but w has {W.shape[-1]}")
    if not np.any(ws):
        raise ValueError("w_star must be nonzero (‖w_star‖_Σ > 0); got the zero vector")
    W, T = pow2_scale(W)[0], pow2_scale(T)[0]     # all cosines are scale free; exact rescaling
    ct = cosine(T, ws, S)
    cw = cosine(W, ws, S)
    TW = np.broadcast_to(T, np.broadcast_shapes(T.shape, W.shape))
    WW = np.broadcast_to(W, TW.shape)
    ctw = np.sum((TW @ S) * WW, axis=-1) / np.sqrt(
        np.sum((TW @ S) * TW, axis=-1) * np.sum((WW @ S) * WW, axis=-1))
    out = ct - cw * ctw
    return float(out) if np.ndim(out) == 0 else out


# c may be a float64 cosine that rounds a hair outside [-1, 1]; that slack is
# clipped away below (the %g-formatted range still reads [-1, 1]).
_RES_PARAMS = (Param("c", -1.0 - 1e-12, 1.0 + 1e-12, True, True), Param("lam_min", 0.0, math.inf),
               Param("lam_max", 0.0, math.inf))


def confidence_residual_bound(c, lam_min, lam_max):
    r"""Bound on the non-cancelling confidence term for anisotropic Σ.

    .. math:: |\langle \nabla c(w), \Sigma w\rangle| \le \frac{\lambda_{\max}-\lambda_{\min}}{2}\sqrt{1-c^2}.

    Derived here (cf. Lemma A.2 of Geng, Hansen & Li 2026): with u = Σ^{1/2}w,
    ∇c = Σ^{1/2} g, g ⊥ u, ‖g‖ = √(1−c²)/‖u‖, so ⟨∇c, Σw⟩ = gᵀ(Σ − mI)u for any m;
    take m = (λmax+λmin)/2.  It is zero for Σ ∝ I and tight otherwise.

    Parameters
    ----------
    c : float, array or mpf in [-1, 1]
    lam_min, lam_max : floats, arrays or mpf with 0 < lam_min <= lam_max < inf
        Extreme eigenvalues of Σ.

    Returns
    -------
    float, ndarray or mpmath.mpf
        The bound (λmax − λmin)/2 · √(1 − c²) ≥ 0, broadcast over the inputs.

    Raises
    ------
    ValueError
        If c is outside [-1, 1], an eigenvalue is not in (0, inf), or
        lam_min > lam_max.

    Examples
    --------
    >>> round(confidence_residual_bound(0.6, 1.0, 3.0), 12)
    0.8
    >>> float(confidence_residual_bound(0.6, 2.0, 2.0))   # Σ ∝ I: exact cancellation
    0.0
    """
    kind, (cv, lo, hi) = prepare(_RES_PARAMS, (c, lam_min, lam_max))
    if np.any(np.asarray(lo > hi) if kind != "mp" else lo > hi):
        raise ValueError("lam_min must be <= lam_max (extreme eigenvalues of Sigma); "
                         f"got lam_min={lam_min!r}, lam_max={lam_max!r}")
    if kind == "mp":
        return finish(kind, (hi - lo) / 2 * mpmath.sqrt(max(mpmath.mpf(0), (1 - cv) * (1 + cv))))
    # (1 - c)(1 + c), not 1 - c²: no cancellation as |c| -> 1
    return finish(kind, (hi - lo) / 2 * np.sqrt(np.clip((1 - cv) * (1 + cv), 0, None)))


# --------------------------------------------------------------------------- sampling helpers
_COS = Param("cos", -1.0, 1.0, True, True)
_NORM = Param("norm", 0.0, math.inf)
_RHO = Param("rho", -1.0, 1.0, True, True)


def _real_scalar(p, x):
    if np.ndim(x) != 0:
        raise ValueError(f"{p.name} must be a scalar in {p.describe()}; got shape {np.shape(x)}")
    return float(check_np(p, x))


def _unit_direction(x, L):
    """Lᵀx / ‖Lᵀx‖ after an exact power-of-2 rescaling (no underflow for tiny x)."""
    u = L.T @ pow2_scale(x)[0]
    return u / np.linalg.norm(u)


def sample_on_cone(rng, w_star, cos, norm, n, Sigma=None, ortho_to=None, rho=None):
    """``n`` vectors with Σ-cosine *cos* to *w_star* and Σ-norm *norm*, orthogonal part uniform.

    If *ortho_to* (a vector) and *rho* are given, the orthogonal part has cosine
    *rho* with the orthogonal part of *ortho_to* (correlated errors).

    Parameters
    ----------
    rng : numpy.random.Generator, or a seed accepted by :func:`w2s_theory._numeric.rng_from`
    w_star : (d,) nonzero, d >= 2 (d >= 3 with *ortho_to*)
    cos : float in [-1, 1];  norm : float in (0, inf);  n : int >= 1
    Sigma : (d, d) SPD, default identity
    ortho_to : (d,) not Σ-parallel to *w_star*, and rho : float in [-1, 1]; both or neither

    Returns
    -------
    ndarray, shape (n, d)
        The sampled vectors.

    Raises
    ------
    ValueError
        If any parameter is outside the range above (the message names it).

    Examples
    --------
    >>> from w2s_theory.cosine.calculus import cosine
    >>> W = sample_on_cone(0, [1.0, 0.0, 0.0], cos=0.5, norm=2.0, n=3)
    >>> W.shape
    (3, 3)
    >>> cosine(W, [1.0, 0.0, 0.0]).round(12), np.linalg.norm(W, axis=1).round(12)
    (array([0.5, 0.5, 0.5]), array([2., 2., 2.]))
    """
    rng = rng_from(rng, "rng")
    ws = as_real_array(w_star, "w_star", ndim=1)
    d = ws.shape[0]
    if not np.any(ws):
        raise ValueError("w_star must be nonzero; got the zero vector")
    if d < 2:
        raise ValueError(f"w_star must have dimension d >= 2 (the cone needs an orthogonal direction); got d = {d}")
    cos = _real_scalar(_COS, cos)
    norm = _real_scalar(_NORM, norm)
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1; got {n!r}")
    if (ortho_to is None) != (rho is None):
        raise ValueError("ortho_to and rho must be given together (or neither); "
                         f"got ortho_to={'None' if ortho_to is None else 'a vector'}, rho={rho!r}")
    S = check_sigma(Sigma, d)
    L = np.linalg.cholesky(S)              # work in u = Lᵀw, where ⟨·,·⟩_Σ is Euclidean
    us = _unit_direction(ws, L)
    if ortho_to is not None:
        rho = _real_scalar(_RHO, rho)
        o = as_real_array(ortho_to, "ortho_to", ndim=1)
        if o.shape != (d,):
            raise ValueError(f"ortho_to must have shape ({d},) like w_star; got {o.shape}")
        if d < 3:
            raise ValueError(f"ortho_to needs w_star of dimension d >= 3; got d = {d}")
        if not np.any(o):
            raise ValueError("ortho_to must be nonzero and not Σ-parallel to w_star; got the zero vector")
        e = L.T @ pow2_scale(o)[0]
        e0 = np.linalg.norm(e)
        e -= (e @ us) * us
        # below ~1e-8 relative the orthogonal part is rounding noise: no usable direction
        if np.linalg.norm(e) < 1e-8 * e0:
            raise ValueError("ortho_to must not be Σ-parallel to w_star (its part orthogonal to "
                             "w_star vanishes)")
    z = rng.standard_normal((n, d))
    z -= np.outer(z @ us, us)
    if ortho_to is not None:
        e /= np.linalg.norm(e)
        z -= np.outer(z @ e, e)
        z /= np.linalg.norm(z, axis=1, keepdims=True)
        z = rho * e + math.sqrt(max(0.0, 1 - rho * rho)) * z
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    u = norm * (cos * us + math.sqrt(max(0.0, 1 - cos * cos)) * z)
    return np.linalg.solve(L.T, u.T).T


# --------------------------------------------------------------------------- dynamics
def _logistic_grad_batch(X, W, Y, beta, same_w=False):
    """Mean minibatch gradient for stacked students.

    X (B, d), W (L, K, d), Y (B, K) labels of K teachers -> (L, K, d).  Uses
    dℓ/dz = −βyσ(−βyz) = (β/2)(tanh(βz/2) − y) for y = ±1 (one tanh, no overflow).
    Plain matmuls and in-place ufuncs: this loop dominates the experiment's cost.
    With *same_w* (every run at the same point W[0, 0], e.g. the first step from a common
    start) the margins are one column ⟨w, x⟩ instead of L·K equal ones.
    """
    L, K, d = W.shape
    B = X.shape[0]
    if same_w:
        Z3 = (X @ W[0, 0])[:, None, None]             # (B, 1, 1)
    else:
        Z = X @ W.reshape(L * K, d).T                 # (B, L·K), column l·K + k
        Z3 = Z.reshape(B, L, K)
    np.multiply(Z3, beta / 2, out=Z3)
    np.tanh(Z3, out=Z3)
    if same_w:
        Z3 = np.broadcast_to(Z3, (B, L, K)) - Y[:, None, :]
        Z = Z3.reshape(B, L * K)
    else:
        Z3 -= Y[:, None, :]
    return ((Z.T @ X) * (beta / 2 / B)).reshape(L, K, d)


def simulate_sft(w0, teachers, w_star, lrs, steps, batch, *, beta=1.0, seed=0,
                 population=False, Sigma=None, show_progress=False, full=False, desc="SFT steps",
                 dtype="float32"):
    r"""SFT of one student on each teacher's labels, vectorised over teachers and step sizes.

    Runs ``w_{k+1} = w_k − η ĝ_k`` (Definition 1.1) for every pair (η, teacher),
    where ĝ_k is the mean logistic gradient on a fresh Gaussian batch labelled by
    the teacher (the batch is shared across runs of the same step, which leaves
    each run's law unchanged) or, with ``population=True``, the exact expected
    gradient :func:`expected_gradient`.

    Parameters
    ----------
    w0 : (d,) nonzero student;  teachers : (K, d) nonzero;  w_star : (d,) nonzero
    lrs : sequence of step sizes in (0, inf)
    steps : int >= 1;  batch : int >= 1
    Sigma : (d, d) SPD data covariance (default identity)
    seed : non-negative int, sequence of them, SeedSequence or Generator
        The simulators' seed contract (:func:`w2s_theory._numeric.seed_sequence`;
        a Generator is used directly).
    dtype : {"float32", "float64"}
        Working precision of the sampled path (the population path is always
        float64).  The default float32 halves memory traffic; its rounding
        (~1e-7 relative) is far below the batch noise (~1/√batch), but it means
        a vectorised call and the same runs one at a time can differ by ~1e-7
        (BLAS sums in a different order).  ``"float64"`` reduces that to
        ~1e-15 and draws a different (float64) Gaussian stream.

    Returns
    -------
    cos : ndarray (len(lrs), K, steps + 1)
        Σ-cosine of the student to w* along each run (index 0 = start).
    (cos, inner, norm) if *full*: also ⟨w_k, w*⟩_Σ/‖w*‖_Σ and ‖w_k‖_Σ, same shape.

    Raises
    ------
    ValueError
        If an input is zero, non-finite, of the wrong shape, or out of range
        (the message names it).
    FloatingPointError
        If the iterates overflow (step size too large).

    Examples
    --------
    A weak student improves by SFT on a teacher with positive relative
    correlation (population gradient, deterministic):

    >>> cos = simulate_sft([1.0, 0.0], [[1.0, 1.0]], [0.0, 1.0], lrs=[0.5], steps=3,
    ...                    batch=1, population=True)
    >>> cos.shape
    (1, 1, 4)
    >>> cos[0, 0].round(6)
    array([0.      , 0.13468 , 0.242072, 0.326248])
    >>> simulate_sft([1.0, 0.0], [[1.0, 1.0]], [0.0, 1.0], lrs=[0.5], steps=2, batch=16,
    ...              seed=1)[0, 0].round(3)
    array([0.   , 0.069, 0.128])
    """
    b = _check_beta(beta)
    w0 = as_real_array(w0, "w0", ndim=1)
    T = as_real_array(teachers, "teachers", ndim=2)
    d = w0.shape[0]
    if T.shape[1] != d:
        raise ValueError(f"teachers must have shape (K, {d}); got {T.shape}")
    lrs = as_real_array(lrs, "lrs", ndim=1)
    if np.any(lrs <= 0):
        raise ValueError("lrs must be in (0, inf)")
    for name, v in (("steps", steps), ("batch", batch)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1; got {v!r}")
    S = check_sigma(Sigma, d)
    if not np.any(w0):
        raise ValueError("w0 must be nonzero (‖w0‖_Σ > 0); got the zero vector")
    zero = np.flatnonzero(~np.any(T != 0, axis=1))
    if zero.size:
        raise ValueError(f"teachers[{zero[0]}] must be nonzero (‖t‖_Σ > 0); got the zero vector")
    check_pair(w0, w_star, S)
    if dtype not in ("float32", "float64", np.float32, np.float64):
        raise ValueError(f"dtype must be 'float32' or 'float64'; got {dtype!r}")
    rng = rng_from(seed, "seed")
    L, K = len(lrs), T.shape[0]
    # float32 for the sampled path by default: its rounding (~1e-7) is far below the batch
    # noise (~1/√B); see the dtype parameter
    dt = np.float64 if population else np.dtype(dtype).type
    W = np.broadcast_to(w0, (L, K, d)).astype(dt)
    eta = np.asarray(lrs, dtype=dt)[:, None, None]
    out = np.empty((L, K, steps + 1))
    out[:, :, 0] = cosine(w0, w_star, S)
    Sws = S @ np.asarray(w_star, float)
    r = float(np.asarray(w_star, float) @ Sws)
    if full:
        inner, norm = np.empty_like(out), np.empty_like(out)
        inner[:, :, 0] = (w0 @ Sws) / math.sqrt(r)
        norm[:, :, 0] = math.sqrt(w0 @ S @ w0)
    # Σ = I: x is the standard normal draw itself (multiplying by the identity factor would only
    # reproduce it, at the cost of a batch × d × d product per step)
    chol = None if np.array_equal(S, np.eye(d)) else np.linalg.cholesky(S).astype(dt)
    Td = T.astype(dt)
    it = progress(range(steps), total=steps, desc=desc, disable=not show_progress)
    for k in it:
        if population:
            G = _expected_gradient_validated(W, T, S, b)
        else:
            X = rng.standard_normal((batch, d), dtype=dt)
            if chol is not None:
                X = X @ chol.T
            Y = np.where(X @ Td.T >= 0, dt(1), dt(-1))
            G = _logistic_grad_batch(X, W, Y, dt(b), same_w=k == 0)   # step 0: all runs at w0
        W = W - eta * G
        if not np.all(np.isfinite(W)):
            raise FloatingPointError("SFT iterates overflowed; reduce the step size")
        W64 = W.astype(np.float64)
        out[:, :, k + 1] = _cos_validated(W64, S, Sws, r)
        if full:
            inner[:, :, k + 1] = (W64 @ Sws) / math.sqrt(r)
            norm[:, :, k + 1] = np.sqrt(np.sum((W64 @ S) * W64, axis=-1))
    return (out, inner, norm) if full else out
