"""The three-patch data model of the CNN weak-to-strong mechanism.

Source: Oh, Song & Yun (2025), "From Linear to Nonlinear: Provable
Weak-to-Strong Generalization through Feature Learning" -- only the abstract
is available ("structured data composed of label-dependent signals of varying
difficulty and label-independent noise"); the details below follow
the source's Thm 3.4/3.6 setting where it is specific and are our own choices where it is not
(each choice is listed in ``docs/theory/cnn.rst``).

A sample is ``X = [x⁽¹⁾, x⁽²⁾, x⁽³⁾] ∈ R^{3×d}`` with clean label ``y ∈ {±1}``
and a Rademacher sign ``ε`` independent of everything:

* easy-only: ``x⁽¹⁾ = y·μ``, ``x⁽²⁾ = 0``;
* hard-only: ``x⁽¹⁾ = ε·ν_y``, ``x⁽²⁾ = −ε·ν_y`` (``ν_{+1} ⊥ ν_{-1}``,
  ``‖ν_{±1}‖ = ‖ν‖``);
* both ("bridge" data): ``x⁽¹⁾ = y·μ``, ``x⁽²⁾ = ε·ν_y``;
* always ``x⁽³⁾ = ξ ~ N(0, σ_p² (I − P_signal))``, exactly orthogonal to
  ``μ, ν_{+1}, ν_{-1}``.

The signals are the first three coordinate vectors (``μ = ‖μ‖ e₀``,
``ν_{+1} = ‖ν‖ e₁``, ``ν_{-1} = ‖ν‖ e₂``); by the rotation invariance of the
Gaussian noise and of the Gaussian initialisation this is no loss of
generality.  The data type is easy-only / hard-only / both with probabilities
``p_e, p_h, p_b``.  The *observed* label ``ỹ`` equals ``y`` flipped with
probability ``label_noise`` (used only for the weak teacher's training data).

Why the hard signal looks like this: the linear CNN reads ``Σ_p x⁽ᵖ⁾``, in
which the two hard patches cancel, so on hard-only data its output is
``⟨w, ξ⟩`` -- independent of the label -- and its pseudo-labels there are fair
coin flips.  More generally, conditional on ``y`` the hard-only input is
symmetric under ``X ↦ −X`` (flip ε; the noise is symmetric), so *every*
bias-free linear function of ``X`` has error exactly 1/2 on it.  A ReLU CNN
sees ``ReLU(⟨w, εν_y⟩) + ReLU(−⟨w, εν_y⟩) = |⟨w, ν_y⟩|`` and, with filters
along ``ν_{+1}`` in ``F₊₁`` and ``ν_{-1}`` in ``F₋₁``, classifies it
perfectly.  The source only requires the hard signal to be in a form a linear
model cannot use (e.g. a sign that a linear readout averages away); the
cancelling pair of patches is our choice (a single random-sign patch ``εν_y``
also defeats linear models in expectation, but a finite-sample teacher then
picks up a spurious ``⟨w, ν_y⟩`` and its hard-data pseudo-labels correlate
with ε, which the student learns -- a confound we measured and removed).
"""
from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np

from .._numeric import rng_from

EASY, HARD, BOTH = 0, 1, 2
KIND_NAMES = ("easy", "hard", "both")
N_SIGNAL = 3  # signal directions: mu, nu_{+1}, nu_{-1}


def _check_int(name, value, low):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    return int(value)


def _check_real(name, value, low, high, low_closed, high_closed):
    lo = "[" if low_closed else "("
    hi = "]" if high_closed else ")"
    msg = f"{name} must be a finite real number in {lo}{low:g}, {high:g}{hi}; got {value!r}"
    if isinstance(value, (bool, np.bool_, complex)) or not isinstance(value, numbers.Real):
        raise ValueError(msg)
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(msg)
    if (v < low if low_closed else v <= low) or (v > high if high_closed else v >= high):
        raise ValueError(msg)
    return v


def as_rng(seed, name: str = "seed"):
    """A ``numpy.random.Generator`` from a seed, SeedSequence or Generator.

    *seed*: a non-negative int, a sequence of them, a ``SeedSequence`` or a
    ``Generator`` (the shared :func:`w2s_theory._numeric.rng_from`; an int
    gives the same stream as ``numpy.random.default_rng(seed)``).

    Parameters
    ----------
    seed : int >= 0, sequence of them, SeedSequence or Generator
        Randomness.
    name : str, optional
        Argument name used in error messages.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    ValueError
        If seed is not one of the accepted kinds.

    Examples
    --------
    >>> bool(as_rng(5).random() == np.random.default_rng(5).random())
    True
    """
    return rng_from(seed, name)


@dataclasses.dataclass(frozen=True)
class PatchModel:
    """Distribution of the three-patch data (validated, frozen).

    Parameters
    ----------
    d : int, >= 5
        Patch dimension (3 signal directions plus at least 2 noise directions).
    mu_norm : float in (0, inf)
        ``‖μ‖``, the easy signal strength.
    nu_norm : float in (0, inf)
        ``‖ν‖``, the hard signal strength.
    sigma_p : float in (0, inf)
        Noise scale per coordinate; ``E‖ξ‖² = σ_p² (d - 3)``.
    p_easy, p_hard, p_both : float in [0, 1], summing to 1 (within 1e-9)
        Probabilities of the three data types (``p_e, p_h, p_b``).
    label_noise : float in [0, 1/2)
        Probability that an observed label is flipped.

    Returns
    -------
    PatchModel
        A frozen, validated model; :meth:`sample` draws a :class:`PatchSample`.
        Data model of Oh, Song & Yun (2025) as set out in ``docs/theory/cnn.rst``.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it) or the three
        probabilities do not sum to 1.

    Examples
    --------
    >>> model = PatchModel(d=6, mu_norm=2.0, nu_norm=1.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> model.probs
    array([0.5, 0.2, 0.3])
    >>> round(model.snr_quantity(100), 6)      # n p_b² ‖ν‖⁴ / (σ_p⁴ d)
    24.0
    >>> PatchModel(d=6, mu_norm=2.0, nu_norm=1.0, sigma_p=0.5, p_easy=0.5, p_hard=0.2, p_both=0.2)
    Traceback (most recent call last):
    ...
    ValueError: p_easy + p_hard + p_both must equal 1; got 0.8999...9
    """

    d: int
    mu_norm: float
    nu_norm: float
    sigma_p: float
    p_easy: float
    p_hard: float
    p_both: float
    label_noise: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "d", _check_int("d", self.d, N_SIGNAL + 2))
        for name in ("mu_norm", "nu_norm", "sigma_p"):
            object.__setattr__(self, name, _check_real(name, getattr(self, name), 0.0, math.inf,
                                                       False, False))
        for name in ("p_easy", "p_hard", "p_both"):
            object.__setattr__(self, name, _check_real(name, getattr(self, name), 0.0, 1.0,
                                                       True, True))
        total = self.p_easy + self.p_hard + self.p_both
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"p_easy + p_hard + p_both must equal 1; got {total!r}")
        object.__setattr__(self, "label_noise",
                           _check_real("label_noise", self.label_noise, 0.0, 0.5, True, False))

    @property
    def probs(self) -> np.ndarray:
        return np.array([self.p_easy, self.p_hard, self.p_both])

    def snr_quantity(self, n: int) -> float:
        """``Q = n p_b² ‖ν‖⁴ / (σ_p⁴ d)``, the data-scarce regime's control quantity.

        Source: Oh, Song & Yun 2025, Thm 3.4 (as modelled in
        ``docs/theory/cnn.rst``); it is the ReLU-CNN benign-overfitting quantity
        ``n ‖μ‖⁴ / (σ_p⁴ d)`` of Kou et al. (2023) with the signal replaced by
        the bridge-data-weighted hard signal ``p_b ‖ν‖²``.
        """
        n = _check_int("n", n, 1)
        return n * self.p_both ** 2 * self.nu_norm ** 4 / (self.sigma_p ** 4 * self.d)

    def sample(self, n: int, seed) -> "PatchSample":
        """Draw *n* i.i.d. samples (vectorised; *seed*: int, SeedSequence or Generator)."""
        n = _check_int("n", n, 1)
        rng = as_rng(seed)
        y = rng.choice(np.array([-1, 1]), size=n)
        kind = rng.choice(3, size=n, p=self.probs)
        eps = rng.choice(np.array([-1, 1]), size=n)
        flip = rng.random(n) < self.label_noise
        noise = rng.standard_normal((n, self.d))
        noise *= self.sigma_p  # in place: no second (n, d) allocation (same values)
        noise[:, :N_SIGNAL] = 0.0  # orthogonal to the signal directions
        coef = np.zeros((n, 2, N_SIGNAL))
        has_easy = kind != HARD
        has_hard = kind != EASY
        coef[has_easy, 0, 0] = y[has_easy] * self.mu_norm
        idx = np.flatnonzero(has_hard)
        col = np.where(y[idx] > 0, 1, 2)
        coef[idx, 1, col] = eps[idx] * self.nu_norm
        hard = idx[kind[idx] == HARD]
        # hard-only: patch 1 = eps nu_y, patch 2 = -eps nu_y (cancel in the patch sum)
        coef[hard, 0, np.where(y[hard] > 0, 1, 2)] = eps[hard] * self.nu_norm
        coef[hard, 1] *= -1
        return PatchSample(y=y, y_obs=np.where(flip, -y, y), kind=kind, eps=eps, coef=coef,
                           noise=noise)


@dataclasses.dataclass(frozen=True)
class PatchSample:
    """A drawn data set (made by :meth:`PatchModel.sample`).

    Parameters
    ----------
    y, y_obs, kind, eps, coef, noise
        The attributes below, as arrays.

    Returns
    -------
    PatchSample
        With properties ``n`` (samples), ``d`` (patch dimension) and ``patches``
        (the full ``(n, 3, d)`` input).

    Examples
    --------
    >>> model = PatchModel(d=6, mu_norm=2.0, nu_norm=1.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> data = model.sample(4, seed=0)
    >>> data.n, data.d, data.patches.shape
    (4, 6, (4, 3, 6))
    >>> data.y, data.kind
    (array([ 1,  1,  1, -1]), array([0, 0, 2, 2]))
    >>> data.coef[0]          # patches 1 and 2 on e₀, e₁, e₂
    array([[2., 0., 0.],
           [0., 0., 0.]])

    Attributes
    ----------
    y : (n,) int array of ±1, clean labels.
    y_obs : (n,) int array of ±1, observed (possibly flipped) labels.
    kind : (n,) int array, 0 easy-only / 1 hard-only / 2 both.
    eps : (n,) int array of ±1, the hard signal's sign (irrelevant for easy-only).
    coef : (n, 2, 3) array, coordinates of patches 1 and 2 on ``e₀, e₁, e₂``.
    noise : (n, d) array, patch 3 (zero on the first three coordinates).
    """

    y: np.ndarray
    y_obs: np.ndarray
    kind: np.ndarray
    eps: np.ndarray
    coef: np.ndarray
    noise: np.ndarray

    @property
    def n(self) -> int:
        return self.y.shape[0]

    @property
    def d(self) -> int:
        return self.noise.shape[1]

    @property
    def patches(self) -> np.ndarray:
        """The full input, shape ``(n, 3, d)`` (materialised; for reference code)."""
        X = np.zeros((self.n, 3, self.d))
        X[:, :2, :N_SIGNAL] = self.coef
        X[:, 2, :] = self.noise
        return X
