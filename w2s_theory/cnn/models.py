"""Weak linear CNN teacher and strong two-layer ReLU CNN student.

Source: Oh, Song & Yun (2025), abstract ("from a linear CNN (weak) to a
two-layer ReLU CNN (strong) ... gradient descent dynamics when the strong model
is trained on data labeled by the pretrained weak model"); the precise forms
below (``docs/theory/cnn.rst``) follow the two-layer CNN of Cao et al.
(2022) and Kou et al. (2023):

* weak: ``f(w, X) = Σ_p ⟨w, x⁽ᵖ⁾⟩``, trained from ``w = 0`` by full-batch GD
  on the logistic loss with the true (possibly noisy) labels;
* strong: ``f(W, X) = F₊₁(W₊₁, X) − F₋₁(W₋₁, X)`` with
  ``F_j = (1/m) Σ_{r=1}^m Σ_p ReLU(⟨w_{j,r}, x⁽ᵖ⁾⟩)``, second layer fixed,
  ``w_{j,r} ~ N(0, σ₀² I)`` at initialisation, trained by full-batch GD on
  ``L(W) = (1/n) Σ_i log(1 + exp(−ỹ_i f(W, X_i)))`` with the teacher's
  pseudo-labels ``ỹ_i = sign f(w, X_i)``.

Student weights are stored as an array of shape ``(2, m, d)``: ``W[0]`` are
the filters of ``F₊₁``, ``W[1]`` those of ``F₋₁``.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import mpmath
import numpy as np
import sympy as sp
from scipy.special import erfc as scipy_erfc
from scipy.special import expit

from .._numeric import GUARD_DIGITS, Formula, Param, finish, prepare
from .data import N_SIGNAL, PatchModel, PatchSample, _check_int, _check_real, as_rng

# --------------------------------------------------------------------------
# Exact test error of a linear CNN (one SymPy source of truth)
# --------------------------------------------------------------------------
_a_mu, _a_p, _a_m, _s = sp.symbols("a_mu a_plus a_minus s", real=True)
_pe, _ph, _pb = sp.symbols("p_e p_h p_b", nonnegative=True)


def _Phi(x):
    return sp.erfc(-x / sp.sqrt(2)) / 2


#: Error of ``sign f(w, X)`` against the clean label, per data type, given
#: ``a_mu = ‖μ‖ w₀``, ``a_± = ‖ν‖ ⟨w, e_{1,2}⟩`` and ``s = σ_p ‖w_⊥‖``:
#: ``f = y a_mu 1[easy slot] + ε a_y 1[both] + s Z`` with ``Z ~ N(0, 1)``
#: (on hard-only data the two hard patches cancel in the patch sum: f = s Z).
ERROR_EASY = _Phi(-_a_mu / _s)
ERROR_HARD = _Phi(sp.Integer(0) / _s)
#: Any bias-free linear readout ``Σ_p ⟨w_p, x⁽ᵖ⁾⟩`` (weights not shared) sees
#: ``ε a + s Z`` on hard-only data with ``a = ⟨w₁ − w₂, ν_y⟩``: its error is
#: this expression, which is identically 1/2.
ERROR_HARD_GENERAL = sp.Rational(1, 2) * (_Phi(-_a_p / _s) + _Phi(_a_p / _s))
ERROR_BOTH = sp.Rational(1, 4) * (_Phi(-(_a_mu + _a_p) / _s) + _Phi(-(_a_mu - _a_p) / _s)
                                  + _Phi(-(_a_mu + _a_m) / _s) + _Phi(-(_a_mu - _a_m) / _s))
ERROR_TOTAL = _pe * ERROR_EASY + _ph * ERROR_HARD + _pb * ERROR_BOTH

_REAL = dict(low=-math.inf, high=math.inf)
_ERR_PARAMS = (Param("a_mu", **_REAL), Param("a_plus", **_REAL), Param("a_minus", **_REAL),
               Param("s", 0.0, math.inf), Param("p_e", 0, 1, True, True),
               Param("p_h", 0, 1, True, True), Param("p_b", 0, 1, True, True))


class _MixtureFormula(Formula):
    """A :class:`Formula` whose last three arguments are mixture weights summing to 1."""

    # the float form depends on the data only through erfc(±a/s), which saturates correctly
    # (0 or 2) at any scale; mpmath's erfc overflows for |a/s| ~ 1e300
    safe_box = False

    def __call__(self, *values):
        kind, args = prepare(self.params, values)
        total = args[-3] + args[-2] + args[-1]
        off = abs(total - 1) if kind == "mp" else np.abs(total - 1)
        if np.any(off > 1e-9):
            first = total if kind == "mp" else np.asarray(total).flat[int(np.argmax(off))]
            raise ValueError(f"p_e + p_h + p_b must equal 1 (within 1e-9); got {first!r}")
        return finish(kind, self.evaluate(kind, args))

    @property
    def numpy(self):
        # scalars are evaluated as 1-element arrays too; lambdify alone maps erfc to math.erfc
        return self._numpy_vectorised

    @property
    def mpmath(self):
        if self._mp is None:
            self._mp = sp.lambdify(self.symbols, self.expr, modules=[{"erfc": _mp_erfc}, "mpmath"],
                                   cse=True)
        return self._mp

    @functools.cached_property
    def _numpy_vectorised(self):
        return sp.lambdify(self.symbols, self.expr, modules=[{"erfc": scipy_erfc}, "numpy"],
                           cse=True)


def _mp_erfc(x):
    """mpmath erfc, with the asymptotic series where mpmath's own overflows (|x| ≳ 1e150).

    erfc(x) = e^(-x²)/(x√π) (1 - 1/(2x²) + 3/(4x⁴) - ...); for |x| > 1e8 the omitted terms
    are below 1e-48 relative (A&S 7.1.23).
    """
    if abs(x) < 1e8:
        return mpmath.erfc(x)
    if x < 0:
        return 2 - _mp_erfc(-x)
    return mpmath.exp(-x * x) / (x * mpmath.sqrt(mpmath.pi)) * (1 - 1 / (2 * x * x))


#: ``err(a_mu, a_plus, a_minus, s, p_e, p_h, p_b)``; ``p_e + p_h + p_b`` must be
#: 1 (within 1e-9).
LINEAR_ERROR = _MixtureFormula(ERROR_TOTAL, _ERR_PARAMS, (_a_mu, _a_p, _a_m, _s, _pe, _ph, _pb),
                               name="linear_cnn_error")


def _check_model(model):
    if not isinstance(model, PatchModel):
        raise ValueError(f"model must be a PatchModel; got {type(model).__name__} {model!r}")
    return model


def _pow2_scale(x) -> float:
    """A power of 2 within a factor 2 of ``max|x|`` (dividing by it is exact)."""
    return math.ldexp(1.0, math.frexp(float(np.max(np.abs(x))))[1])


def _norm(x) -> float:
    """Euclidean norm without under/overflow of the squares (scaled by a power of 2)."""
    if not np.any(x):
        return 0.0
    c = _pow2_scale(x)
    return c * float(np.linalg.norm(x / c))


def linear_cnn_summary(w, model: PatchModel):
    """``(a_mu, a_plus, a_minus, s)`` of a linear CNN ``w`` under *model*.

    ``a_mu = ‖μ‖ w₀``, ``a_± = ‖ν‖ w_{1,2}``, ``s = σ_p ‖(w₃, …, w_{d-1})‖``;
    raises ValueError if ``s = 0`` (then the output has atoms and the error
    depends on how ties are broken) and FloatingPointError if a value exceeds
    float64 (:func:`linear_cnn_error` rescales ``w`` first and does not).

    Parameters
    ----------
    w : array_like, shape (d,)
        Finite real filter with ``w[3:] ≠ 0``.
    model : PatchModel

    Returns
    -------
    (a_mu, a_plus, a_minus, s) : tuple of float

    Raises
    ------
    ValueError
        If w is invalid or ``w[3:] = 0``, or model is not a PatchModel.
    FloatingPointError
        If a summary overflows float64.

    Examples
    --------
    >>> from w2s_theory.cnn.data import PatchModel
    >>> model = PatchModel(d=6, mu_norm=2.0, nu_norm=1.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> linear_cnn_summary([1.0, 0.5, -0.5, 3.0, 4.0, 0.0], model)
    (2.0, 0.5, -0.5, 2.5)
    """
    model = _check_model(model)
    w = _check_weights("w", w, (model.d,))
    with np.errstate(over="ignore"):
        s = model.sigma_p * _norm(w[N_SIGNAL:])
        out = (model.mu_norm * w[0], model.nu_norm * w[1], model.nu_norm * w[2], s)
    if not s > 0:
        raise ValueError("w must have a nonzero component orthogonal to the signal directions "
                         "(w[3:] = 0: the output has atoms, the error depends on tie-breaking)")
    if not np.all(np.isfinite(out)):
        raise FloatingPointError("linear_cnn_summary: w is too large, a summary overflows "
                                 "float64 (linear_cnn_error is scale-invariant and rescales w)")
    return tuple(float(v) for v in out)


def linear_cnn_error(w, model: PatchModel, kind: str = "all") -> float:
    r"""Exact clean-label test error of the linear CNN ``sign Σ_p ⟨w, x⁽ᵖ⁾⟩``.

    With ``a_μ = ‖μ‖w₀``, ``a_± = ‖ν‖w_{1,2}``, ``s = σ_p‖w_⊥‖`` and Φ the
    standard normal CDF,

    .. math::

        \mathrm{err} = p_e Φ(-a_μ/s) + \tfrac{p_h}{2}
          + \tfrac{p_b}{4} \sum_{a ∈ \{a_+, a_-\}} [Φ(-(a_μ+a)/s) + Φ(-(a_μ-a)/s)].

    The hard-only term is exactly 1/2 for every ``w``: the hard patches cancel
    in ``Σ_p x⁽ᵖ⁾`` (and any bias-free linear readout, shared weights or not,
    gets ``½Φ(-a/s) + ½Φ(a/s) = ½``, :data:`ERROR_HARD_GENERAL`).  Derived here
    for the data model of :mod:`w2s_theory.cnn.data` (Oh, Song & Yun 2025
    state the weak model's 50% hard-only error in words).

    Parameters
    ----------
    w : (d,) array, finite, with a nonzero component orthogonal to the signals.
    model : PatchModel
    kind : {"all", "easy", "hard", "both"}
        Restrict to one data type (then the mixture weights are ignored).

    Returns
    -------
    float, in [0, 1].  The error against the *observed* labels is
    ``η + (1 − 2η)·err`` for label noise ``η``.

    Raises
    ------
    ValueError
        If w has the wrong shape, is not finite, or ``w[3:] = 0``; if model is
        not a PatchModel or kind is unknown.

    Examples
    --------
    >>> from w2s_theory.cnn.data import PatchModel
    >>> model = PatchModel(d=6, mu_norm=2.0, nu_norm=1.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> w = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])   # a_μ = 2, s = 0.5
    >>> round(linear_cnn_error(w, model, "easy"), 12)   # Φ(−4)
    3.1671242e-05
    >>> linear_cnn_error(w, model, "hard")
    0.5
    >>> round(linear_cnn_error(w, model), 12)           # mixture
    0.100025336993
    """
    model = _check_model(model)
    w = _check_weights("w", w, (model.d,))
    weights = {"all": (model.p_easy, model.p_hard, model.p_both), "easy": (1.0, 0.0, 0.0),
               "hard": (0.0, 1.0, 0.0), "both": (0.0, 0.0, 1.0)}
    if not isinstance(kind, str) or kind not in weights:
        raise ValueError(f"kind must be one of {sorted(weights)}; got {kind!r}")
    if np.any(w):  # the error is invariant under w -> c w (c > 0): rescale exactly
        w = w / _pow2_scale(w)
    a_mu, a_p, a_m, s = linear_cnn_summary(w, model)
    if s < 1e-300 or max(abs(a_mu), abs(a_p), abs(a_m)) > 1e300 * s:
        # ratios a/s overflow float64: evaluate the same expression in mpmath
        # (no exponent limit), erfc saturated
        with mpmath.workdps(15 + GUARD_DIGITS):
            return float(_linear_error_saturated()(*(mpmath.mpf(v) for v in (a_mu, a_p, a_m, s)),
                                                   *(mpmath.mpf(v) for v in weights[kind])))
    return LINEAR_ERROR(a_mu, a_p, a_m, s, *weights[kind])


def _erfc_saturated(x):
    # |x| > 1e6: erfc is 0 or 2 to far beyond float64 precision; mpmath's erfc
    # itself fails for |x| > ~1e154
    return mpmath.erfc(max(min(x, mpmath.mpf(10) ** 6), -mpmath.mpf(10) ** 6))


@functools.cache
def _linear_error_saturated():
    """mpmath evaluator of :data:`ERROR_TOTAL` (the same SymPy source) with a
    saturated erfc, for ratios ``a/s`` beyond the float64 range."""
    return sp.lambdify(LINEAR_ERROR.symbols, ERROR_TOTAL,
                       modules=[{"erfc": _erfc_saturated}, "mpmath"])


# --------------------------------------------------------------------------
# Linear CNN teacher
# --------------------------------------------------------------------------
def _real_array(name, x, what):
    """*x* as a finite float64 array; ValueError naming *name* (complex, strings,
    objects, bools, NaN/inf are rejected, never silently cast)."""
    if isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be {what} of finite real numbers; got the string {x!r}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists etc.
        raise ValueError(f"{name} must be {what} of finite real numbers; got {x!r}") from exc
    if np.iscomplexobj(arr) or arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be {what} of finite real numbers; got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be {what} of finite real numbers (no NaN or inf)")
    return arr


def _check_weights(name, w, shape):
    arr = _real_array(name, w, f"a real array of shape {tuple(shape)}")
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}; got {arr.shape}")
    return arr


def _check_labels(labels, n):
    lab = np.asarray(labels)
    if lab.shape != (n,) or not np.all(np.isin(lab, (-1, 1))):
        raise ValueError(f"labels must be an array of shape ({n},) (one per sample of the data) "
                         f"with entries in {{-1, +1}}")
    return lab.astype(float)


def _check_patches(name, data) -> np.ndarray:
    X = _real_array(name, data, "a PatchSample or an array of shape (n, patches, d)")
    if X.ndim != 3 or X.shape[0] == 0 or X.shape[1] == 0 or X.shape[2] == 0:
        raise ValueError(f"{name} must be a PatchSample or a finite real array of shape "
                         f"(n, patches, d) with n, patches, d >= 1; got shape {X.shape}")
    return X


def _summed_patches(data, name="data") -> np.ndarray:
    """``Σ_p x⁽ᵖ⁾`` for each sample, shape ``(n, d)``."""
    if isinstance(data, PatchSample):
        s = data.noise.copy()
        s[:, :N_SIGNAL] += data.coef[:, 0] + data.coef[:, 1]
        return s
    return _check_patches(name, data).sum(axis=1)


def _check_linear_w(w, S):
    w = _real_array("w", w, "a 1-D array")
    if w.ndim != 1:
        raise ValueError(f"w must be a 1-D array of shape (d,); got shape {w.shape}")
    if w.shape[0] != S.shape[1]:
        raise ValueError(f"w and data disagree: w has shape {w.shape}, data have patch "
                         f"dimension d = {S.shape[1]} (w must have shape ({S.shape[1]},))")
    return w


def linear_cnn_output(w, data) -> np.ndarray:
    """``f(w, X) = Σ_p ⟨w, x⁽ᵖ⁾⟩`` for a PatchSample or an ``(n, P, d)`` array.

    Weak model of Oh, Song & Yun (2025) (see module docstring).

    Parameters
    ----------
    w : array_like, shape (d,)
        Finite real filter.
    data : PatchSample or array_like, shape (n, P, d)
        Finite real inputs.

    Returns
    -------
    ndarray, shape (n,)
        The outputs ``f(w, X_i)``.

    Raises
    ------
    ValueError
        If w or data is not finite and real, or the shapes disagree.

    Examples
    --------
    >>> X = np.array([[[1.0, 0.0], [0.0, 2.0]], [[-1.0, 1.0], [0.5, 0.5]]])
    >>> linear_cnn_output([1.0, 1.0], X)
    array([3., 1.])
    """
    if isinstance(data, PatchSample):            # no (n, d) patch sum materialised
        w = _check_linear_w(w, data.noise)
        # the two signal patches added as a + b: the same sums as coef.sum(axis=1), without
        # numpy's slow reduction over a length-2 middle axis
        return data.noise @ w + (data.coef[:, 0] + data.coef[:, 1]) @ w[:N_SIGNAL]
    S = _summed_patches(data)
    w = _check_linear_w(w, S)
    return S @ w


def logistic_loss(z):
    """``log(1 + e^{−z})``, overflow-free.

    Parameters
    ----------
    z : array_like
        Margins.

    Returns
    -------
    ndarray
        The logistic loss, same shape as z.

    Examples
    --------
    >>> logistic_loss([0.0, 1000.0, -1000.0]).round(12)
    array([6.93147181e-01, 0.00000000e+00, 1.00000000e+03])
    """
    return np.logaddexp(0.0, -np.asarray(z, dtype=float))


def linear_cnn_loss_grad(w, data, labels):
    """Mean logistic loss of the linear CNN and its gradient in ``w``.

    ``∇L = −(1/n) Σ_i y_i σ(−y_i f_i) Σ_p x_i⁽ᵖ⁾`` with σ the logistic sigmoid.

    Parameters
    ----------
    w : array_like, shape (d,)
        Finite real filter.
    data : PatchSample or array_like, shape (n, P, d)
        Finite real inputs.
    labels : array_like, shape (n,)
        Labels in {−1, +1}.

    Returns
    -------
    loss : float
        ``(1/n) Σ_i log(1 + exp(−y_i f_i))``.
    grad : ndarray, shape (d,)
        ``∇L`` in w.

    Raises
    ------
    ValueError
        If an input is not finite, shapes disagree, or a label is not ±1.

    Examples
    --------
    At w = 0 the loss is log 2:

    >>> X = np.array([[[1.0, 0.0], [0.0, 2.0]], [[-1.0, 1.0], [0.5, 0.5]]])
    >>> loss, grad = linear_cnn_loss_grad([0.0, 0.0], X, [1, -1])
    >>> round(loss, 12), grad
    (0.69314718056, array([-0.375, -0.125]))
    """
    S = _summed_patches(data)
    w = _check_linear_w(w, S)
    y = _check_labels(labels, S.shape[0])
    z = y * (S @ w)
    g = -y * expit(-z) / S.shape[0]
    return float(logistic_loss(z).mean()), S.T @ g


def train_linear_cnn(data, labels, steps: int, lr: float) -> np.ndarray:
    """Full-batch GD on the logistic loss from ``w = 0`` (the weak teacher).

    Parameters
    ----------
    data : PatchSample or (n, P, d) array
    labels : (n,) array of ±1 (the observed labels)
    steps : int >= 0
    lr : float in (0, inf)
        For stability keep ``lr < 8 n / ‖S‖²`` with ``S`` the ``(n, d)``
        matrix of summed patches (the logistic loss is ``‖S‖²/(4n)``-smooth).

    Returns
    -------
    ndarray, shape (d,)
        The teacher's filter after *steps* updates.

    Raises
    ------
    ValueError
        If steps < 0, lr is not in (0, inf), or data/labels are invalid.

    Examples
    --------
    >>> from w2s_theory.cnn.data import PatchModel
    >>> model = PatchModel(d=6, mu_norm=2.0, nu_norm=1.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> data = model.sample(20, seed=0)
    >>> w = train_linear_cnn(data, data.y_obs, steps=50, lr=0.1)
    >>> w.round(3)
    array([ 1.266,  0.085, -0.088,  0.064,  0.048,  0.041])
    >>> round(linear_cnn_error(w, model), 4)
    0.1
    """
    steps = _check_int("steps", steps, 0)
    lr = _check_real("lr", lr, 0.0, math.inf, False, False)
    S = _summed_patches(data)
    y = _check_labels(labels, S.shape[0])
    n, d = S.shape
    # GD from w = 0 stays in the row space of S: with n < d iterate on w = Sᵀa using the
    # n x n Gram matrix (same iterates, O(n²) instead of O(n d) per step)
    gram = n < d
    if gram:
        K = S @ S.T
        a = np.zeros(n)
    else:
        w = np.zeros(d)
    for _ in range(steps):
        z = y * (K @ a if gram else S @ w)
        c = -y * expit(-z) / n                  # dL/d(S w)
        if gram:
            a -= lr * c
        else:
            w -= lr * (S.T @ c)
    return S.T @ a if gram else w


# --------------------------------------------------------------------------
# Two-layer ReLU CNN student
# --------------------------------------------------------------------------
def init_relu_cnn(m: int, d: int, sigma0: float, seed) -> np.ndarray:
    """Gaussian initialisation ``w_{j,r} ~ N(0, σ₀² I_d)``, shape ``(2, m, d)``.

    Initialisation of the two-layer CNN of Cao et al. (2022) / Kou et al. (2023).

    Parameters
    ----------
    m : int >= 1
        Filters per output sign.
    d : int >= 1
        Patch dimension.
    sigma0 : float in (0, inf)
        Initialisation scale σ₀.
    seed : int >= 0, sequence of them, SeedSequence or Generator
        Randomness.

    Returns
    -------
    ndarray, shape (2, m, d)
        ``W[0]`` the filters of F₊₁, ``W[1]`` those of F₋₁.

    Raises
    ------
    ValueError
        If m or d is not a positive integer, sigma0 is not in (0, inf), or the
        seed is invalid.

    Examples
    --------
    >>> W0 = init_relu_cnn(m=2, d=3, sigma0=0.1, seed=0)
    >>> W0.shape
    (2, 2, 3)
    >>> W0[0].round(4)
    array([[ 0.0126, -0.0132,  0.064 ],
           [ 0.0105, -0.0536,  0.0362]])
    """
    m = _check_int("m", m, 1)
    d = _check_int("d", d, 1)
    sigma0 = _check_real("sigma0", sigma0, 0.0, math.inf, False, False)
    return sigma0 * as_rng(seed).standard_normal((2, m, d))


def _filter_signs(m):
    return np.concatenate([np.ones(m), -np.ones(m)])


def relu_cnn_output(W, data) -> np.ndarray:
    """``f(W, X) = F₊₁ − F₋₁``, ``F_j = (1/m) Σ_r Σ_p ReLU(⟨w_{j,r}, x⁽ᵖ⁾⟩)``.

    Strong model of Oh, Song & Yun (2025) (two-layer CNN of Cao et al. 2022).

    Parameters
    ----------
    W : array_like, shape (2, m, d)
        Finite real filters.
    data : PatchSample or array_like, shape (n, P, d)
        A PatchSample uses the patch structure (no ``(n, 3, d)`` array is
        built).

    Returns
    -------
    ndarray, shape (n,)
        The outputs ``f(W, X_i)``.

    Raises
    ------
    ValueError
        If W or data is not finite and real, or the shapes disagree.

    Examples
    --------
    >>> W = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])          # m = 1
    >>> X = np.array([[[1.0, 0.0], [0.0, 2.0]], [[-1.0, 1.0], [0.5, 0.5]]])
    >>> relu_cnn_output(W, X)                                # (1 − 2), (0.5 − 1.5)
    array([-1., -1.])
    """
    W = _real_array("W", W, "an array of shape (2, m, d)")
    if W.ndim != 3 or W.shape[0] != 2 or 0 in W.shape:
        raise ValueError(f"W must be a finite real array of shape (2, m, d); got {W.shape}")
    m, d = W.shape[1:]
    Wf = W.reshape(2 * m, d)
    if isinstance(data, PatchSample):
        if data.d != d:
            raise ValueError(f"W has patch dimension {d} but the data have d = {data.d}")
        act = np.maximum(data.coef @ Wf[:, :N_SIGNAL].T, 0.0).sum(axis=1)
        act += np.maximum(data.noise @ Wf.T, 0.0)
    else:
        X = _check_patches("data", data)
        if X.shape[2] != d:
            raise ValueError(f"W has patch dimension {d} but the data have d = {X.shape[2]}")
        act = np.maximum(X @ Wf.T, 0.0).sum(axis=1)
    return act @ _filter_signs(m) / m


def relu_cnn_loss_grad(W, X, labels):
    """Mean logistic loss of the ReLU CNN and its gradient (reference, dense).

    ``∂L/∂w_{j,r} = (1/n) Σ_i ℓ'_i ỹ_i (j/m) Σ_p 1[⟨w_{j,r}, x_i⁽ᵖ⁾⟩ > 0] x_i⁽ᵖ⁾``
    with ``ℓ'_i = −σ(−ỹ_i f_i)``.

    Parameters
    ----------
    W : array_like, shape (2, m, d)
        Finite real filters.
    X : array_like, shape (n, P, d)
        Finite real inputs.
    labels : array_like, shape (n,)
        Labels in {−1, +1}.

    Returns
    -------
    loss : float
        Mean logistic loss.
    grad : ndarray, shape (2, m, d)
        Its gradient in W.

    Raises
    ------
    ValueError
        If an input is not finite, shapes disagree, or a label is not ±1.

    Examples
    --------
    >>> W = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    >>> X = np.array([[[1.0, 0.0], [0.0, 2.0]], [[-1.0, 1.0], [0.5, 0.5]]])
    >>> loss, grad = relu_cnn_loss_grad(W, X, [1, -1])
    >>> round(loss, 12), grad.shape
    (0.813261687518, (2, 1, 2))
    >>> grad.round(6)
    array([[[-0.298294,  0.067235]],
    <BLANKLINE>
           [[ 0.067235,  0.529353]]])
    """
    W = _real_array("W", W, "an array of shape (2, m, d)")
    X = _check_patches("X", X)
    f = relu_cnn_output(W, X)
    y = _check_labels(labels, X.shape[0])
    m, d = W.shape[1:]
    z = y * f
    g = -y * expit(-z) / X.shape[0]                       # dL/df_i
    Z = X @ W.reshape(2 * m, d).T                           # (n, P, 2m)
    coeff = (Z > 0) * (g[:, None, None] * _filter_signs(m) / m)
    grad = np.einsum("npq,npd->qd", coeff, X)
    return float(logistic_loss(z).mean()), grad.reshape(2, m, d)


def train_relu_cnn(data: PatchSample, labels, W0, steps: int, lr: float, record=(),
                   callback=None, engine: str = "auto"):
    """Full-batch GD on the student's logistic loss, exactly, in patch coordinates.

    The noise part of every gradient lies in ``span{ξ_i}`` and the signal part
    in ``span{e₀, e₁, e₂}`` (Cao et al. 2022's signal-noise decomposition), so
    GD can be run on the projections ``⟨w_{j,r}, ξ_i⟩`` with the Gram matrix
    ``ΞΞᵀ`` (``engine="gram"``, cost ``O(m n²)`` per step, used when
    ``n ≤ d``) or on the weights directly (``engine="dense"``, ``O(m n d)``).
    Both produce the same iterates as plain GD with :func:`relu_cnn_loss_grad`
    (checked in the tests).

    Parameters
    ----------
    data : PatchSample
    labels : (n,) ±1 array, the (pseudo-)labels trained on.
    W0 : (2, m, d) array, the initialisation.
    steps : int >= 0
    lr : float in (0, inf)
    record : iterable of ints in [0, steps]
        Steps at which ``callback(step, W, f_train)`` is called (``W`` the full
        weights after ``step`` updates, ``f_train`` the training outputs);
        non-empty only together with a *callback*.
    callback : callable or None

    Returns
    -------
    W : (2, m, d) array after *steps* updates, and the list of callback results.

    Raises
    ------
    ValueError
        If data is not a PatchSample, W0 or labels have the wrong shape,
        steps/lr/record are out of range, or engine is unknown.

    Examples
    --------
    >>> from w2s_theory.cnn.data import PatchModel
    >>> model = PatchModel(d=6, mu_norm=2.0, nu_norm=1.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> data = model.sample(10, seed=0)
    >>> W0 = init_relu_cnn(m=2, d=6, sigma0=0.01, seed=1)
    >>> W, acc = train_relu_cnn(data, data.y, W0, steps=20, lr=1.0, record=[0, 20],
    ...                         callback=lambda t, W, f: float(np.mean(np.sign(f) == data.y)))
    >>> W.shape, acc
    ((2, 2, 6), [0.9, 1.0])
    >>> W_dense, _ = train_relu_cnn(data, data.y, W0, steps=20, lr=1.0, engine="dense")
    >>> bool(np.allclose(W, W_dense))
    True
    """
    if not isinstance(data, PatchSample):
        raise ValueError("data must be a PatchSample")
    steps = _check_int("steps", steps, 0)
    lr = _check_real("lr", lr, 0.0, math.inf, False, False)
    W0 = _real_array("W0", W0, f"an array of shape (2, m, {data.d})")
    if W0.ndim != 3 or W0.shape[0] != 2 or W0.shape[2] != data.d or W0.shape[1] == 0:
        raise ValueError(f"W0 must be a finite array of shape (2, m, {data.d}); got {W0.shape}")
    y = _check_labels(labels, data.n)
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be callable or None; got {callback!r}")
    if isinstance(record, (str, bytes)) or not isinstance(record, Iterable):
        raise ValueError(f"record must be an iterable of integer steps in [0, steps]; "
                         f"got {record!r}")
    record = sorted({_check_int("record step", t, 0) for t in record})
    if record and record[-1] > steps:
        raise ValueError(f"record steps must lie in [0, steps={steps}]; got {record[-1]}")
    if record and callback is None:
        raise ValueError("record needs a callback (record steps are where callback is called); "
                         "got callback=None")
    if engine == "auto":
        engine = "gram" if data.n <= data.d else "dense"
    if engine not in ("gram", "dense"):
        raise ValueError(f"engine must be 'auto', 'gram' or 'dense'; got {engine!r}")
    m, d = W0.shape[1:]
    n = data.n
    sgn = _filter_signs(m) / m
    Wf0 = W0.reshape(2 * m, d)
    Ws = Wf0[:, :N_SIGNAL].T.copy()                # (3, 2m) signal block
    Xi = data.noise                                 # (n, d)
    P = Xi @ Wf0.T                                  # (n, 2m) noise projections
    if engine == "gram":
        G = Xi @ Xi.T
        R = np.zeros((n, 2 * m))                    # W_noise = W0_noise + R^T Xi
    else:
        Wn = Wf0.T.copy()                           # (d, 2m)
    coef2 = data.coef.reshape(2 * n, N_SIGNAL)      # patches 1, 2 stacked: one BLAS call

    def full_weights():
        Wn_now = Wf0.T + Xi.T @ R if engine == "gram" else Wn.copy()
        Wn_now = Wn_now.copy()
        Wn_now[:N_SIGNAL] = Ws
        return Wn_now.T.reshape(2, m, d)

    results = []
    rec = iter(record)
    nxt = next(rec, None)
    for t in range(steps + 1):
        Zs = (coef2 @ Ws).reshape(n, 2, 2 * m)      # (n, 2, 2m)
        # the two signal patches added as a + b (the values of .sum(axis=1), without numpy's
        # slow reduction over a length-2 middle axis)
        f = (np.maximum(Zs[:, 0], 0.0) + np.maximum(Zs[:, 1], 0.0) + np.maximum(P, 0.0)) @ sgn
        while nxt == t:
            if callback is not None:
                results.append(callback(t, full_weights(), f))
            nxt = next(rec, None)
        if t == steps:
            break
        g = -y * expit(-y * f) / n                  # dL/df_i
        gs = g[:, None] * sgn                       # (n, 2m)
        Cs = (Zs > 0) * gs[:, None, :]              # (n, 2, 2m)
        Cn = (P > 0) * gs                           # (n, 2m)
        Ws -= lr * (coef2.T @ Cs.reshape(2 * n, 2 * m))
        if engine == "gram":
            P -= lr * (G @ Cn)
            R -= lr * Cn
        else:
            Wn -= lr * (Xi.T @ Cn)
            P = Xi @ Wn
    return full_weights(), results
