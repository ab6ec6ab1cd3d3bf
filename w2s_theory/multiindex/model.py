"""The easy/hard multi-index setting of Moniri & Hassani (2025, §3) as one frozen object.

Model (our parameterisation; the paper's formulas were lost, see ``docs/theory/multiindex.rst``):

* covariates x ~ N(0, I_d); target y = sigma1(<u1,x>) + sigma2(<u2,x>) + tau * eps, with
  orthonormal u1, u2, eps ~ N(0, 1); sigma1 easy (information exponent 1), sigma2 hard
  (information exponent >= 2)  [paper eq. (9), Assumption 9];
* two-layer networks f(x) = N^{-1/2} a^T sigma(W x), W in R^{N x d}, a in {+-1}^N fixed
  (Rademacher), sigma with E sigma(z) = 0 and c_1(sigma) = E sigma'(z) != 0;
* correlation loss L(W) = -(1/n) sum_i y_i f(x_i)  [paper eq. (10)];
* one gradient step W1 = W0 - eta grad L(W0).  With Rademacher a and this f, our eta is the
  learning rate of Ba et al. (2022): eta = Theta(1) puts the rank-one spike of the update at
  the scale of ||W0||_op (BBP regime, exact limits below), eta = Theta(sqrt(N)) is their
  "large" step (``step="large"`` multiplies eta by sqrt(N));
* teacher: W0 with i.i.d. N(0, 1/d) entries, n = d/psi_T labelled samples;
* student: W0^S = Wt + beta * (1_N/sqrt(N)) u2^T (pre-trained spike along u2, Wt i.i.d.
  N(0, 1/d), new Rademacher a_S), m = d/psi_S fresh covariates labelled by the updated
  teacher, one step with eta_S.

Ratios: psi_T = d/n, psi_S = d/m, alpha = N/d.
"""
from __future__ import annotations

import dataclasses
import math
from functools import cached_property, lru_cache

import mpmath
import numpy as np
import sympy as sp

from . import hermite as H

z = H.Z

#: Named links and activations (SymPy expressions in z): the single source for both the
#: Hermite quantities of the theory and the numpy functions of the simulator.
LINKS = {
    "he1": z,
    "he2": (z**2 - 1) / sp.sqrt(2),
    "he3": (z**3 - 3 * z) / sp.sqrt(6),
    "he1+he2": (z + (z**2 - 1) / sp.sqrt(2)) / sp.sqrt(2),
    "abs": sp.Abs(z) - sp.sqrt(2 / sp.pi),
    "relu": sp.Max(z, 0),
}
ACTIVATIONS = {
    "tanh": sp.tanh(z),
    "erf": sp.erf(z),
    "relu-centred": sp.Max(z, 0) - 1 / sp.sqrt(2 * sp.pi),
}


def _resolve(f, table, name):
    if isinstance(f, str):
        if f not in table:
            raise ValueError(f"{name} must be a SymPy expression in z or one of {sorted(table)}; got {f!r}")
        return table[f]
    if isinstance(f, (sp.Expr, int, float)):
        e = sp.sympify(f)
        if e.free_symbols - {z}:
            raise ValueError(f"{name} must be an expression in the symbol z only; got {e}")
        return e
    raise ValueError(f"{name} must be a SymPy expression in z or one of {sorted(table)}; got {f!r}")


def _positive(name, v, *, allow_zero=False):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a finite real number in {'[0' if allow_zero else '(0'}, inf); got {v!r}")
    v = float(v)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite real number in {'[0' if allow_zero else '(0'}, inf); got {v!r}")
    return v


#: digits of the quadratures behind the float inputs: 20 give every float correctly rounded
#: (the quadrature error is ~1e-20 relative) at under half the cost of 30 (paid at import)
_INPUT_DPS = 20


@lru_cache(maxsize=64)
def _hermite_inputs(s1, s2, act, noise):
    def E(expr):
        with mpmath.workdps(_INPUT_DPS):
            v = H.gaussian_expectation(expr) if H.is_piecewise_polynomial(expr) \
                else H.hermite_coefficient(expr, 0, dps=_INPUT_DPS)
        return float(sp.N(v, 20)) if isinstance(v, sp.Basic) else float(v)

    def c(expr, k):
        with mpmath.workdps(_INPUT_DPS):
            v = H.hermite_coefficient(expr, k, dps=_INPUT_DPS)
        return float(sp.N(v, 20)) if isinstance(v, sp.Basic) else float(v)

    Es1, Es2 = E(s1), E(s2)
    Es1sq, Es2sq = E(sp.expand(s1**2)), E(sp.expand(s2**2))
    Es2z2, Es2sqz2 = E(sp.expand(s2 * z**2)), E(sp.expand(s2**2 * z**2))
    tau2 = noise ** 2
    return tuple({
        "mu1": c(act, 1),
        # c_1(sigma') = sqrt(2) c_2(sigma): the linear part of sigma' - mu1, which drives the
        # (vanishing) residual Delta of the rank-one approximation of the update
        "c1_dact": c(sp.diff(act, z), 1),
        "c0_act": E(act),
        "act_norm2": E(sp.expand(act**2)),
        "c1_sigma1": c(s1, 1),
        "c1_sigma2": c(s2, 1),
        "c1": c(s1, 1),
        # y = s1(z1) + s2(z2) + tau eps with z1, z2, eps independent
        "Ey2": Es1sq + Es2sq + 2 * Es1 * Es2 + tau2,
        "Ey2z2": Es1sq + Es2sqz2 + 2 * Es1 * Es2z2 + tau2,
    }.items())


@dataclasses.dataclass(frozen=True)
class MultiIndexSetting:
    """Parameters of the §3 model; methods give its limits (see :mod:`~w2s_theory.multiindex.theory`).

    Parameters
    ----------
    sigma1, sigma2 : str or sympy.Expr in :data:`~w2s_theory.multiindex.hermite.Z`
        Easy link (information exponent exactly 1) and hard link (information exponent >= 2).
    activation : str or sympy.Expr
        sigma with E sigma(z) = 0 and c_1(sigma) != 0 (centre it, e.g. ``"relu-centred"``).
    noise : float in [0, inf)
        Label-noise standard deviation tau.
    psi_T, psi_S, alpha : float in (0, inf)
        d/n, d/m and N/d.
    eta_T, eta_S : float in (0, inf)
        Teacher / student step sizes (Theta(1) scale; see module docstring).
    beta : float in [0, inf)
        Strength (operator norm) of the student's pre-trained spike along u2.

    Returns
    -------
    MultiIndexSetting
        A frozen, validated setting (links and activation resolved to SymPy expressions).

    Raises
    ------
    ValueError
        If a link or activation is unknown or violates its condition (sigma1 easy, sigma2
        hard, activation centred with c_1 != 0), or a ratio/step is outside its range.

    Examples
    --------
    >>> s = MultiIndexSetting(sigma1="he1", sigma2="he2", activation="relu-centred")
    >>> s.activation
    Max(0, z) - sqrt(2)/(2*sqrt(pi))
    >>> round(s.hermite["mu1"], 12)            # c_1(relu) = 1/2
    0.5
    >>> s.replace(psi_T=2.0).psi_T
    2.0
    >>> MultiIndexSetting(sigma2="he1", activation="relu-centred")
    Traceback (most recent call last):
    ...
    ValueError: sigma2 must be a hard link (information exponent >= 2, c_1(sigma2) = 0); got c_1 = 1
    """

    sigma1: object = "he1"
    sigma2: object = "he2"
    activation: object = "tanh"
    noise: float = 0.0
    psi_T: float = 0.5
    psi_S: float = 0.5
    alpha: float = 1.0
    eta_T: float = 3.0
    eta_S: float = 3.0
    beta: float = 2.0

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        set_("sigma1", _resolve(self.sigma1, LINKS, "sigma1"))
        set_("sigma2", _resolve(self.sigma2, LINKS, "sigma2"))
        set_("activation", _resolve(self.activation, ACTIVATIONS, "activation"))
        set_("noise", _positive("noise", self.noise, allow_zero=True))
        for k in ("psi_T", "psi_S", "alpha", "eta_T", "eta_S"):
            set_(k, _positive(k, getattr(self, k)))
        set_("beta", _positive("beta", self.beta, allow_zero=True))
        h = self.hermite
        if abs(h["c1_sigma1"]) < 1e-12:
            raise ValueError("sigma1 must be an easy link (information exponent 1, c_1(sigma1) != 0); "
                             f"got c_1 = {h['c1_sigma1']:.3g}")
        if abs(h["c1_sigma2"]) > 1e-12:
            raise ValueError("sigma2 must be a hard link (information exponent >= 2, c_1(sigma2) = 0); "
                             f"got c_1 = {h['c1_sigma2']:.3g}")
        if abs(h["c0_act"]) > 1e-12:
            raise ValueError("activation must be centred (E sigma(z) = 0, valid range {0}); got "
                             f"E sigma = {h['c0_act']:.3g}; subtract it")
        if abs(h["mu1"]) < 1e-12:
            raise ValueError("activation must have c_1(sigma) = E sigma'(z) != 0")

    # ------------------------------------------------------------------ Hermite inputs
    @property
    def hermite(self) -> dict:
        """Gaussian/Hermite quantities entering the limits (floats, from 30-digit values).

        ``mu1 = c_1(sigma)``, ``c1_dact = c_1(sigma')``, ``act_norm2 = E sigma(z)^2``,
        ``c1 = c_1(sigma1)``, ``Ey2 = E y^2``, ``Ey2z2 = E[y^2 <u2,x>^2]``.  Cached per
        (links, activation, noise), so settings differing only in ratios/steps share them.
        """
        return dict(_hermite_inputs(self.sigma1, self.sigma2, self.activation, self.noise))

    @cached_property
    def numpy_functions(self):
        """(sigma1, sigma2, sigma, sigma') as vectorised numpy functions (lambdified)."""
        f = lambda e: sp.lambdify(z, e, modules=["numpy", "scipy"])  # noqa: E731
        return (f(self.sigma1), f(self.sigma2), f(self.activation),
                f(sp.diff(self.activation, z)))

    def replace(self, **kw) -> "MultiIndexSetting":
        """A copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **kw)

    # ------------------------------------------------------------------ limits
    def limits(self) -> dict:
        """Limiting alignments of :mod:`~w2s_theory.multiindex.theory` at this setting (floats)."""
        from . import theory
        return theory.limits(self)
