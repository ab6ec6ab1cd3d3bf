"""Numeric evaluators of the Marchenko–Pastur law (generated from :mod:`w2s_theory.rmt.symbolic`).

All functions accept floats, numpy arrays (broadcast) or mpmath numbers and
return the same kind.  ``gamma`` is the aspect ratio d/n (0 < gamma < inf);
``lam`` is a positive regularisation / spectral shift (0 < lam < inf).
"""
from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy as sp

from .._numeric import Formula, Param, finish, prepare
from . import symbolic as S

GAMMA = Param("gamma", 0.0, np.inf)
LAM = Param("lam", 0.0, np.inf)

_FUNCTIONALS = {name: Formula(expr, (GAMMA, LAM), (S.gamma, S.lam), name=name)
                for name, expr in S.STABLE.items()}


def mp_functional(name: str, gamma, lam):
    """Evaluate an MP functional of ``(gamma, lam)``.

    ======== ==================================== =========================
    name     definition (μ = MP law, ratio γ)     stable form used
    ======== ==================================== =========================
    m        ∫ 1/(x+λ) dμ                         2/(a+s) or (s-a)/(2γλ)
    m_prime  ∫ 1/(x+λ)² dμ                        m(1+γm)/s
    tau1     ∫ x/(x+λ) dμ                         m/(1+γm)
    tau2     ∫ x²/(x+λ)² dμ                       see :mod:`w2s_theory.rmt.symbolic`
    v        ∫ x/(x+λ)² dμ                        m'/(1+γm)²
    p        ∫ λ/(x+λ) dμ                         λm
    b        ∫ λ²/(x+λ)² dμ                       λ²m'
    b_over_p λm'/m                                λ(1+γm)/s
    ======== ==================================== =========================

    with a = 1 - γ + λ and s = √(a² + 4γλ).  Source: Moniri & Hassani (2025),
    Definition 2; Bai & Silverstein (2010) for the MP law.

    Parameters
    ----------
    name : str
        One of the names in the table.
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.
    lam : float, array_like or mpmath.mpf in (0, inf)
        Shift λ.

    Returns
    -------
    float, ndarray or mpmath.mpf
        The functional, broadcast over gamma and lam, of the input's kind.

    Raises
    ------
    ValueError
        If name is unknown or gamma/lam is not a finite number in (0, inf).

    Examples
    --------
    >>> round(mp_functional("m", 1.0, 1.0), 12)       # 2/(1 + √5)
    0.61803398875
    >>> round(mp_functional("p", 1.0, 1.0) + mp_functional("tau1", 1.0, 1.0), 12)   # p + τ₁ = 1
    1.0
    >>> mp_functional("m", [0.5, 2.0], 1.0).round(12)
    array([0.56155281, 0.70710678])
    """
    if name not in _FUNCTIONALS:
        raise ValueError(f"name must be one of {sorted(_FUNCTIONALS)}; got {name!r}")
    return _FUNCTIONALS[name](gamma, lam)


def stieltjes(gamma, lam):
    """Stieltjes transform m_γ(-λ) = ∫ dμ_γ(x)/(x+λ) of the MP law at -λ < 0.

    The positive root of γλm² + (1-γ+λ)m - 1 = 0, evaluated in the
    cancellation-free form (relative accuracy ~1e-15 over λ ∈ [1e-12, 1e6],
    γ ∈ [1e-3, 1e3]).  For γ > 1 the atom of mass 1 - 1/γ at 0 is included,
    so m ~ (1 - 1/γ)/λ as λ → 0.  Source: Marchenko & Pastur (1967); Bai &
    Silverstein (2010), Ch. 3; Moniri & Hassani (2025), Definition 2.

    Parameters
    ----------
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.
    lam : float, array_like or mpmath.mpf in (0, inf)
        Shift λ.

    Returns
    -------
    float, ndarray or mpmath.mpf
        m_γ(-λ) > 0, broadcast over the inputs, of the input's kind.

    Raises
    ------
    ValueError
        If gamma or lam is not a finite number in (0, inf).

    Examples
    --------
    >>> m = stieltjes(0.5, 0.2)
    >>> round(m, 12)
    1.216990566028
    >>> round(0.5 * 0.2 * m**2 + (1 - 0.5 + 0.2) * m - 1, 15)   # root of the quadratic
    0.0
    >>> round(stieltjes(4.0, 1e-9) * 1e-9, 9)                     # atom 1 - 1/γ
    0.75
    >>> print(stieltjes(mpmath.mpf(2), mpmath.mpf("0.5")))
    1.28077640640442
    """
    return _FUNCTIONALS["m"](gamma, lam)


def stieltjes_prime(gamma, lam):
    """m'_γ(-λ) := ∫ dμ_γ(x)/(x+λ)² = m(1+γm)/√((1-γ+λ)² + 4γλ).

    Source: derivative of the Marchenko–Pastur Stieltjes transform (Bai &
    Silverstein 2010); Moniri & Hassani (2025), Definition 2.

    Parameters
    ----------
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.
    lam : float, array_like or mpmath.mpf in (0, inf)
        Shift λ.

    Returns
    -------
    float, ndarray or mpmath.mpf
        m'_γ(-λ) = −d m_γ(−λ)/dλ > 0.

    Raises
    ------
    ValueError
        If gamma or lam is not a finite number in (0, inf).

    Examples
    --------
    Against a central finite difference of :func:`stieltjes`:

    >>> h = 1e-5
    >>> fd = -(stieltjes(0.5, 0.2 + h) - stieltjes(0.5, 0.2 - h)) / (2 * h)
    >>> round(stieltjes_prime(0.5, 0.2), 8), round(fd, 8)
    (2.07497085, 2.07497085)
    """
    return _FUNCTIONALS["m_prime"](gamma, lam)


@functools.lru_cache(maxsize=None)
def _derivative_formula(order: int) -> Formula:
    return Formula(S.stieltjes_derivative_expr(order), (GAMMA, LAM), (S.gamma, S.lam),
                   name=f"stieltjes_derivative[{order}]")


def stieltjes_derivative(gamma, lam, order: int = 1):
    """∫ dμ_γ(x)/(x+λ)^(order+1) = (-1)^order/order! · dᵒʳᵈᵉʳ m_γ(-λ)/dλᵒʳᵈᵉʳ.

    ``order = 0`` is m itself, ``order = 1`` is m'.  Any non-negative integer
    order; the expression is generated symbolically by the chain rule and
    cached.  These are the resolvent moments used by ridge risk formulas.

    Parameters
    ----------
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.
    lam : float, array_like or mpmath.mpf in (0, inf)
        Shift λ.
    order : int >= 0, optional
        Default 1.

    Returns
    -------
    float, ndarray or mpmath.mpf
        The resolvent moment, of the input's kind.

    Raises
    ------
    ValueError
        If order is not a non-negative integer, or gamma/lam is out of range.

    Examples
    --------
    >>> stieltjes_derivative(0.5, 0.2, 0) == stieltjes(0.5, 0.2)
    True
    >>> round(stieltjes_derivative(0.5, 0.2, 1), 12), round(stieltjes_prime(0.5, 0.2), 12)
    (2.074970850087, 2.074970850087)
    >>> round(stieltjes_derivative(0.5, 0.2, 2), 10)
    4.4198099807
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"order must be a non-negative integer; got {order!r}")
    return _derivative_formula(int(order))(gamma, lam)


def support_edges(gamma):
    """Edges (λ₋, λ₊) = ((1-√γ)², (1+√γ)²) of the continuous part of the MP law.

    Source: Marchenko & Pastur (1967); Bai & Silverstein (2010), Ch. 3.

    Parameters
    ----------
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.

    Returns
    -------
    (lower, upper) : floats, ndarrays or mpmath.mpf
        The two edges, of the input's kind.

    Raises
    ------
    ValueError
        If gamma is not a finite number in (0, inf).

    Examples
    --------
    >>> support_edges(1.0)
    (0.0, 4.0)
    >>> support_edges(4.0)
    (1.0, 9.0)
    """
    kind, (g,) = prepare((GAMMA,), (gamma,))
    sq = mpmath.sqrt(g) if kind == "mp" else np.sqrt(g)
    return finish(kind, (1 - sq) ** 2), finish(kind, (1 + sq) ** 2)


def atom_mass(gamma):
    """Mass of the atom at 0: max(0, 1 - 1/γ) (rank deficiency of XᵀX when d > n).

    Source: Bai & Silverstein (2010), Ch. 3.

    Parameters
    ----------
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.

    Returns
    -------
    float, ndarray or mpmath.mpf
        The mass in [0, 1), of the input's kind.

    Raises
    ------
    ValueError
        If gamma is not a finite number in (0, inf).

    Examples
    --------
    >>> atom_mass(0.5), atom_mass(4.0)
    (0.0, 0.75)
    >>> atom_mass(np.array([1.0, 2.0]))
    array([0. , 0.5])
    """
    kind, (g,) = prepare((GAMMA,), (gamma,))
    if kind == "mp":
        return finish(kind, max(mpmath.mpf(0), 1 - 1 / g))
    return finish(kind, np.maximum(0.0, 1 - 1 / g))


_X = Param("x", -np.inf, np.inf)
_density_formula = Formula(
    sp.Piecewise((S.density(S.gamma, S.x),
                  (S.x > (1 - sp.sqrt(S.gamma)) ** 2) & (S.x < (1 + sp.sqrt(S.gamma)) ** 2)),
                 (0, True)),
    (GAMMA, _X), (S.gamma, S.x), name="mp_density")


def density(gamma, x):
    """Density of the continuous part of the MP law at x (0 off the support).

        ρ_γ(x) = √((λ₊ - x)(x - λ₋)) / (2πγx),  x ∈ (λ₋, λ₊).

    It integrates to min(1, 1/γ); for γ > 1 the remaining mass 1 - 1/γ is
    the atom at 0 (:func:`atom_mass`), which this density does not include.
    Source: Marchenko & Pastur (1967); Bai & Silverstein (2010), Ch. 3.

    Parameters
    ----------
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.
    x : float, array_like or mpmath.mpf, finite
        Point(s) of evaluation.

    Returns
    -------
    float, ndarray or mpmath.mpf
        ρ_γ(x) ≥ 0, of the input's kind.

    Raises
    ------
    ValueError
        If gamma is not in (0, inf) or x is not finite.

    Examples
    --------
    >>> round(density(1.0, 1.0), 12)          # √3/(2π)
    0.275664447711
    >>> density(1.0, np.array([-1.0, 5.0]))   # off the support [0, 4]
    array([0., 0.])
    >>> from scipy.integrate import quad
    >>> lo, hi = support_edges(4.0)
    >>> round(quad(lambda x: density(4.0, x), lo, hi)[0], 8)   # 1/γ
    0.25
    """
    return _density_formula(gamma, x)


def moment(gamma, k: int):
    """k-th moment E[xᵏ] of the MP law (Narayana polynomial in γ).

    Exact if ``gamma`` is a SymPy number or symbol (returns a SymPy
    expression); otherwise float/array/mpmath like the other evaluators.
    Source: Bai & Silverstein (2010), §3.1:
    E[xᵏ] = Σ_{r=0}^{k-1} γʳ/(r+1) · C(k, r) C(k-1, r).

    Parameters
    ----------
    gamma : float, array_like, mpmath.mpf, or sympy expression
        Aspect ratio γ = d/n, in (0, inf) when numeric.
    k : int >= 0
        Order.

    Returns
    -------
    sympy.Expr, float, ndarray or mpmath.mpf
        The moment.

    Raises
    ------
    ValueError
        If k is not a non-negative integer or a numeric gamma is out of range.

    Examples
    --------
    >>> import sympy as sp
    >>> moment(sp.Symbol("gamma"), 3)
    gamma**2 + 3*gamma + 1
    >>> moment(0.5, 2)                     # 1 + γ
    1.5
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k must be a non-negative integer; got {k!r}")
    if isinstance(gamma, sp.Basic):
        return S.narayana_moment(gamma, int(k))
    f = Formula(S.narayana_moment(S.gamma, int(k)) + 0 * S.gamma, (GAMMA,), (S.gamma,),
                name=f"moment[{k}]")
    return f(gamma)


def stieltjes_complex(gamma, z):
    """Stieltjes transform m_γ(z) = ∫ dμ_γ(x)/(x - z) at complex z.

    Branch: the Herglotz one (Im m > 0 for Im z > 0), m(z) ~ -1/z at ∞, real
    for real z off the support.  For real z inside the support the value
    returned is the boundary value m(z + i0), so Im m(x + i0)/π is the density.
    Written as m = 2/(A - R) or (A + R)/(2γz) with A = 1 - γ - z and
    R = √(z - λ₋)√(z - λ₊) (cut on [λ₋, λ₊] only), choosing the form
    without cancellation.  z = 0 is a pole for γ ≥ 1 and is rejected.

    ``z`` may be a Python/numpy complex (array) or ``mpmath.mpc``.
    Source: Bai & Silverstein (2010), Ch. 3 (MP law); Stieltjes inversion
    for the density.

    Parameters
    ----------
    gamma : float, array_like or mpmath.mpf in (0, inf)
        Aspect ratio γ = d/n.
    z : complex, array_like of complex, or mpmath.mpc
        Finite points; z = 0 is rejected for γ ≥ 1.

    Returns
    -------
    complex, ndarray of complex, or mpmath.mpc
        m_γ(z).

    Raises
    ------
    ValueError
        If gamma is out of range, z is not finite complex, the shapes do not
        broadcast, or z = 0 with γ ≥ 1.

    Examples
    --------
    Matches :func:`stieltjes` at z = −λ, and its imaginary part on the support
    gives the density:

    >>> m = stieltjes_complex(0.5, -0.2)
    >>> round(m.real, 12), m.imag, round(stieltjes(0.5, 0.2), 12)
    (1.216990566028, 0.0, 1.216990566028)
    >>> round(stieltjes_complex(1.0, 1.0).imag / np.pi, 12), round(density(1.0, 1.0), 12)
    (0.275664447711, 0.275664447711)
    """
    kind, (g,) = prepare((GAMMA,), (gamma,))
    if kind == "mp" or isinstance(z, (mpmath.mpc, mpmath.mpf)):
        g = mpmath.mpf(gamma)
        zz = mpmath.mpc(z)
        if not mpmath.isfinite(zz.real) or not mpmath.isfinite(zz.imag):
            raise ValueError(f"z must be a finite complex number; got {z!r}")
        if zz == 0 and g >= 1:
            raise ValueError("z = 0 is a pole of m_γ for gamma >= 1 (atom or hard edge at 0)")
        with mpmath.workdps(mpmath.mp.dps + 15):
            zz = mpmath.mpc(zz.real, zz.imag if zz.imag != 0 else mpmath.mpf(0))
            sq = mpmath.sqrt(g)
            lo, hi = (1 - sq) ** 2, (1 + sq) ** 2
            A = 1 - g - zz
            R = mpmath.sqrt(zz - lo) * mpmath.sqrt(zz - hi)
            res = 2 / (A - R) if abs(A - R) >= abs(A + R) else (A + R) / (2 * g * zz)
        return +res
    zarr = np.asarray(z)
    if zarr.dtype == object or not np.issubdtype(zarr.dtype, np.number):
        raise ValueError(f"z must be complex numbers; got dtype {zarr.dtype}")
    zarr = zarr.astype(complex)
    if not np.all(np.isfinite(zarr)):
        raise ValueError("z must be finite complex numbers")
    try:
        g, zarr = np.broadcast_arrays(g, zarr)
    except ValueError:
        raise ValueError(f"gamma{np.shape(g)} and z{np.shape(zarr)} cannot be broadcast") from None
    if np.any((zarr == 0) & (g >= 1)):
        raise ValueError("z = 0 is a pole of m_γ for gamma >= 1 (atom or hard edge at 0)")
    zarr = zarr.real + 1j * np.where(zarr.imag == 0, 0.0, zarr.imag)  # -0.0 -> +0.0: z + i0
    sq = np.sqrt(g)
    lo, hi = (1 - sq) ** 2, (1 + sq) ** 2
    A = 1 - g - zarr
    R = np.sqrt(zarr - lo) * np.sqrt(zarr - hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.where(np.abs(A - R) >= np.abs(A + R), 2 / (A - R), (A + R) / (2 * g * zarr))
    if np.ndim(z) == 0 and np.ndim(gamma) == 0:
        return complex(res)
    return res
