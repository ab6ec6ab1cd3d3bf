"""How far the arccos(c)/π law is off for non-elliptical data: an exact 1/d term.

Source: Geng, Hansen & Li (2026), Proposition 2.2 and Appendix B (approximate
ellipticity of low-dimensional projections); the expansion below is ours.

Let x have i.i.d. coordinates with mean 0, variance 1, zero odd cumulants and
fourth/sixth cumulants κ₄, κ₆ (uniform on [−√3, √3]: κ₄ = −6/5, κ₆ = 48/7).
For unit vectors u, v with cosine c, the pair Y = (⟨u,x⟩, ⟨v,x⟩) has the
N(0, [[1, c], [c, 1]]) law up to an Edgeworth series: its fourth cumulant
tensor is κ₄ Σ_s u_s^a v_s^{4−a} (a ones, 4−a twos), so with::

    J_{a,b}(c) = ∫_{y₁y₂<0} ∂₁^a ∂₂^b φ_c(y) dy,     K_a = Σ_s u_s^a v_s^{4−a},

    P(sign⟨u,x⟩ ≠ sign⟨v,x⟩) = arccos(c)/π + (κ₄/24) Σ_a C(4,a) K_a J_{a,4−a}(c)
                               + [κ₆/720 and κ₄²/1152 terms] + ...

J reduces to corner values of derivatives of the Gaussian density (mixed
derivatives: integrate once in each variable) or to one-dimensional Gaussian
integrals (pure derivatives).  For "flat" directions (every coordinate of u and
v equal to ±1/√d, the most spread-out case) K_a = 1/d (a even) or c/d (a odd),
so the deviation is exactly S₁(c) κ₄/d + O(1/d²): the C/d term of our tolerances, with C computed.
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
import sympy as sp

from .._numeric import Formula, Param, rng_from

_c = sp.Symbol("c", real=True)
_s1, _s2, _t = sp.symbols("s1 s2 t", real=True)
_PC = (Param("c", -1.0, 1.0),)

#: cumulants (κ₄, κ₆) of standardised laws with i.i.d. coordinates
CUMULANTS = {"uniform-cube": (sp.Rational(-6, 5), sp.Rational(48, 7))}


def _phi0():
    return 1 / (2 * sp.pi * sp.sqrt(1 - _c ** 2))


@functools.lru_cache(maxsize=None)
def corner_derivative(i: int, j: int):
    """∂₁^i ∂₂^j φ_c at 0 (exact): α! × Taylor coefficient of exp(−sᵀPs/2), P = C⁻¹.

    φ_c is the N(0, C) density with C = [[1, c], [c, 1]]; at the origin only the
    terms of total degree i + j of exp(−sᵀPs/2) survive, so the derivative is
    i! j! × the coefficient of s₁^i s₂^j in (−1/2)^k (sᵀPs)^k / k!, k = (i + j)/2,
    times φ_c(0) = 1/(2π√(1 − c²)); it vanishes for odd i + j.  Building block of
    the Edgeworth correction of Geng, Hansen & Li (2026), Proposition 2.2 / Appendix B
    (expansion in the module docstring).

    Parameters
    ----------
    i, j : int >= 0
        Derivative orders in y₁ and y₂.

    Returns
    -------
    sympy.Expr
        In the real symbol ``c`` (cached).

    Examples
    --------
    >>> import sympy as sp
    >>> corner_derivative(0, 0), corner_derivative(1, 0)
    (1/(2*pi*sqrt(1 - c**2)), 0)
    >>> sp.simplify(corner_derivative(1, 1))
    c/(2*pi*(1 - c**2)**(3/2))
    """
    n = i + j
    if n % 2:
        return sp.Integer(0)
    k = n // 2
    P11 = 1 / (1 - _c ** 2)
    P12 = -_c / (1 - _c ** 2)
    poly = sp.Poly(sp.expand((P11 * _s1 ** 2 + 2 * P12 * _s1 * _s2 + P11 * _s2 ** 2) ** k), _s1, _s2)
    coef = poly.coeff_monomial(_s1 ** i * _s2 ** j)
    return sp.factorial(i) * sp.factorial(j) * sp.Rational(-1, 2) ** k / sp.factorial(k) * coef * _phi0()


@functools.lru_cache(maxsize=None)
def _half_line(m: int):
    """H(m) = ∫_{−∞}^0 ∂₁^m φ_c(0, y) dy = (−1)^m/(2π s^m) ∫_{−∞}^0 He_m(−ct) e^{−t²/2} dt, s = √(1−c²)."""
    s = sp.sqrt(1 - _c ** 2)
    he = sp.Poly(sp.hermite_prob(m, -_c * _t), _t)
    # ∫_{−∞}^0 t^k e^{−t²/2} dt = (−1)^k 2^{(k−1)/2} Γ((k+1)/2)
    integral = sum(coef * (-1) ** k * 2 ** sp.Rational(k - 1, 2) * sp.gamma(sp.Rational(k + 1, 2))
                   for (k,), coef in he.terms())
    return (-1) ** m / (2 * sp.pi * s ** m) * integral


@functools.lru_cache(maxsize=None)
def wedge_integral(a: int, b: int):
    r"""J_{a,b}(c) = ∫_{y₁y₂<0} ∂₁^a∂₂^b φ_c dy for even a + b ≥ 2 (SymPy expression in c).

    On the quadrant y₁ > 0 > y₂: mixed derivatives integrate to
    −∂₁^{a−1}∂₂^{b−1}φ(0), pure ones to −H(n−1); the other quadrant is equal
    by the symmetry φ(−y) = φ(y).  The J's are the coefficients of the Edgeworth
    correction to P(sign⟨u,x⟩ ≠ sign⟨v,x⟩) = arccos(c)/π + ... (module docstring;
    Geng, Hansen & Li 2026, Proposition 2.2 / Appendix B).

    Parameters
    ----------
    a, b : int >= 0
        Derivative orders, with a + b even and ≥ 2.

    Returns
    -------
    sympy.Expr
        In the real symbol ``c`` (cached).

    Raises
    ------
    ValueError
        If a + b is odd or < 2.

    Examples
    --------
    Since ∂φ_c/∂c = ∂₁∂₂φ_c, J_{1,1} must be the c-derivative of the Gaussian
    disagreement probability arccos(c)/π:

    >>> import sympy as sp
    >>> c = sp.Symbol("c", real=True)
    >>> sp.simplify(wedge_integral(1, 1) - sp.diff(sp.acos(c) / sp.pi, c))
    0
    >>> wedge_integral(1, 2)
    Traceback (most recent call last):
    ...
    ValueError: a + b must be even and >= 2; got a=1, b=2
    """
    if (a + b) % 2 or a + b < 2:
        raise ValueError(f"a + b must be even and >= 2; got a={a}, b={b}")
    if a >= 1 and b >= 1:
        q = -corner_derivative(a - 1, b - 1)
    else:
        q = -_half_line(a + b - 1)
    return 2 * q


@functools.lru_cache(maxsize=None)
def _J(a, b):
    return Formula(wedge_integral(a, b), _PC, (_c,), f"J_{a}{b}")


def edgeworth_terms(u, v, kappa4, kappa6=None):
    """(first-order, second-order) Edgeworth corrections to P(sign⟨u,x⟩ ≠ sign⟨v,x⟩).

    u, v : unit vectors (d,);  kappa4, kappa6 : coordinate cumulants.  The
    second-order term (κ₆ and κ₄² parts) is returned only if *kappa6* is given.

    Parameters
    ----------
    u, v : array_like, shape (d,)
        Unit vectors with cosine in (−1, 1).
    kappa4 : float
        Fourth cumulant of the coordinates.
    kappa6 : float, optional
        Sixth cumulant; if given, the second-order term is computed too.

    Returns
    -------
    (first, second) : (float, float or None)

    Raises
    ------
    ValueError
        If u or v is not a unit vector or their cosine is ±1.

    Examples
    --------
    For a flat pair the first-order term is S₁(c) κ₄/d (:func:`flat_coefficient`):

    >>> u, v = flat_pair(8, 0.5)
    >>> first, _ = edgeworth_terms(u, v, -1.2)
    >>> round(first, 12), round(flat_coefficient(0.5) * -1.2 / 8, 12)
    (0.004594407462, 0.004594407462)
    """
    u = np.asarray(u, float)
    v = np.asarray(v, float)
    if not (math.isclose(u @ u, 1, rel_tol=1e-9) and math.isclose(v @ v, 1, rel_tol=1e-9)):
        raise ValueError("u and v must be unit vectors")
    c = float(u @ v)
    if not -1 < c < 1:
        raise ValueError(f"cos(u, v) must be in (-1, 1); got {c}")
    K = [float(np.sum(u ** a * v ** (4 - a))) for a in range(5)]
    first = float(kappa4) / 24 * sum(math.comb(4, a) * K[a] * _J(a, 4 - a)(c) for a in range(5))
    if kappa6 is None:
        return first, None
    M = [float(np.sum(u ** a * v ** (6 - a))) for a in range(7)]
    s6 = float(kappa6) / 720 * sum(math.comb(6, a) * M[a] * _J(a, 6 - a)(c) for a in range(7))
    s44 = float(kappa4) ** 2 / 1152 * sum(math.comb(4, a) * math.comb(4, b) * K[a] * K[b] * _J(a + b, 8 - a - b)(c)
                                          for a in range(5) for b in range(5))
    return first, s6 + s44


def flat_pair(d: int, c: float, seed: int = 0):
    """Unit vectors with all coordinates ±1/√d and cosine c (needs d(1+c)/2 integer).

    Parameters
    ----------
    d : int >= 2
        Dimension.
    c : float
        Cosine, with d(1 + c)/2 an integer.
    seed : int, optional
        Random signs and permutation.

    Returns
    -------
    (u, v) : ndarrays, shape (d,)

    Raises
    ------
    ValueError
        If d(1 + c)/2 is not an integer or d < 2.

    Examples
    --------
    >>> u, v = flat_pair(4, 0.5)
    >>> float(u @ v), bool(np.allclose(np.abs(u), 0.5)), bool(np.allclose(np.abs(v), 0.5))
    (0.5, True, True)
    """
    agree = d * (1 + c) / 2
    if not (isinstance(d, int) and d >= 2 and abs(agree - round(agree)) < 1e-9):
        raise ValueError(f"d(1 + c)/2 must be an integer for a flat pair; got d={d}, c={c}")
    rng = rng_from(seed)
    u = np.ones(d) / math.sqrt(d)
    v = u.copy()
    v[int(round(agree)):] *= -1
    s, p = rng.choice([-1.0, 1.0], d), rng.permutation(d)
    return (u * s)[p], (v * s)[p]


def flat_coefficient_expr():
    """SymPy S₁(c) = [2J₄₀ + 6J₂₂ + 8cJ₃₁]/24, which simplifies to −c/(6π√(1−c²)) (tested).

    Returns
    -------
    sympy.Expr
        In the real symbol ``c``.

    Examples
    --------
    >>> e = flat_coefficient_expr()
    >>> c = sorted(e.free_symbols, key=str)[0]
    >>> sp.simplify(e.subs(c, sp.Rational(1, 2)) + sp.Rational(1, 2) / (6 * sp.pi * sp.sqrt(sp.Rational(3, 4))))
    0
    """
    return (2 * wedge_integral(4, 0) + 6 * wedge_integral(2, 2) + 8 * _c * wedge_integral(3, 1)) / 24


def flat_coefficient(c):
    r"""S₁(c) with deviation = S₁(c) κ₄/d + O(1/d²) for flat pairs:

    .. math:: S_1(c) = \frac{1}{24}\bigl[2J_{4,0}(c) + 6J_{2,2}(c) + 8c\,J_{3,1}(c)\bigr]
              = -\frac{c}{6\pi\sqrt{1-c^2}} = -\frac{\cot\theta}{6\pi},

    so P(disagree) = θ/π − κ₄ cot θ/(6πd) + O(1/d²) for flat directions at angle θ.

    Parameters
    ----------
    c : float or array_like in [-1, 1]
        Cosine.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(flat_coefficient(0.5), 12), round(-0.5 / (6 * math.pi * math.sqrt(0.75)), 12)
    (-0.030629383079, -0.030629383079)
    """
    return (2 * _J(4, 0)(c) + 6 * _J(2, 2)(c) + 8 * c * _J(3, 1)(c)) / 24


# --------------------------------------------------------------------------- exact cube values
# Exact rational arithmetic on integer numerators: every polynomial below has integer
# coefficients over one known denominator (a factorial), so no gcd is taken per operation.
def _poly_mul(p, q):
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for j, b in enumerate(q):
                out[i + j] += a * b
    return out


def _poly_shift(p, h):
    """Coefficients (ascending) of p(x − h), for an integer h."""
    out = [0] * len(p)
    for i, c in enumerate(p):
        if c:
            for j in range(i + 1):
                out[j] += c * math.comb(i, j) * (-h) ** (i - j)
    return out


@functools.lru_cache(maxsize=None)
def _irwin_hall_pieces(n, cdf):
    """Irwin–Hall density (cdf=False) or CDF of a sum of n U(0, 1) on [j, j + 1], j = 0, …, n − 1, as
    ``(numerators, m!)``: numerators[j] are the integer coefficients (ascending) of m! times the piece,
    f_n(x) = Σ_{k ≤ j} (−1)^k C(n,k)(x−k)^{n−1}/(n−1)!,  F_n(x) = Σ_{k ≤ j} (−1)^k C(n,k)(x−k)^n/n!
    (m = n − 1 or n); piece j adds the k = j term to piece j − 1."""
    m = n if cdf else n - 1
    acc = [0] * (m + 1)
    pieces = []
    for k in range(n):
        s = (-1) ** k * math.comb(n, k)
        for i in range(m + 1):
            acc[i] += s * math.comb(m, i) * (-k) ** (m - i)
        pieces.append(tuple(acc))
    return tuple(pieces), math.factorial(m)


@functools.lru_cache(maxsize=None)
def _flat_cube_exact(d: int, agree: int) -> Fraction:
    A, B = agree, d - agree
    if A == 0:                               # no interval [A/2, A]
        return Fraction(0)
    delta = A - d // 2                       # an integer (d is even)
    lo = Fraction(A, 2)
    pts = sorted({lo, Fraction(A), *(Fraction(k) for k in range(math.ceil(lo), A)),
                  *(Fraction(k + delta) for k in range(B + 1) if lo < k + delta < A)})
    f_pieces, f_den = _irwin_hall_pieces(A, False)
    F_pieces, F_den = _irwin_hall_pieces(B, True) if B else ((), 1)
    # ∫_a^b Σ g_i x^i dx with 2a, 2b integers: Σ g_i (L/(i+1)) (2b)^{i+1} − (2a)^{i+1}) 2^{N−i−1} / (L 2^N)
    N = A + B + 1                            # > degree of every integrand below
    L = math.lcm(*range(1, N + 1))
    total = 0
    for a, b in zip(pts[:-1], pts[1:]):
        mid = (a + b) / 2
        f = f_pieces[math.floor(mid)]
        y = mid - delta
        if y >= B:
            continue
        if y <= 0:
            tail = [F_den]
        else:                                # F_den · (1 − F_B(x − δ))
            tail = [-c for c in _poly_shift(F_pieces[math.floor(y)], delta)]
            tail[0] += F_den
        g = _poly_mul(f, tail)
        a2, b2 = int(2 * a), int(2 * b)
        pa, pb = a2, b2
        for i, c in enumerate(g):
            if c:
                total += c * (L // (i + 1)) * (pb - pa) << (N - i - 1)
            pa *= a2
            pb *= b2
    return Fraction(4 * total, L << N) / (f_den * F_den)


def flat_cube_disagreement(d: int, c: float) -> Fraction:
    r"""Exact P(sign⟨u,x⟩ ≠ sign⟨v,x⟩) for a flat pair (:func:`flat_pair`) and x uniform on a cube.

    With u, v agreeing in sign on A = d(1+c)/2 coordinates, ⟨u,x⟩ ∝ S_A + S_B and
    ⟨v,x⟩ ∝ S_A − S_B for independent sums S_A, S_B of A and d − A i.i.d. symmetric
    uniforms, so the signs differ iff abs(S_B) > abs(S_A).  With Irwin–Hall laws (sums of
    U(0, 1): density f_n, CDF F_n, piecewise polynomials with rational coefficients),

    .. math:: P = 4\int_{A/2}^{A} f_A(x)\,\bigl(1 - F_{d-A}(x - A + d/2)\bigr)\,dx,

    integrated exactly piece by piece: the result is a rational number (no sampling, no
    rounding).  Independent of the Edgeworth expansion it checks.  Integer numerators over
    factorial denominators keep it fast (about 0.03 s at d = 128).

    Parameters
    ----------
    d : int >= 2, even
    c : float in (-1, 1) with d(1 + c)/2 an integer (the cosine of the flat pair)

    Returns
    -------
    fractions.Fraction

    Examples
    --------
    >>> float(flat_cube_disagreement(4, 0.5))     # 3 agreeing coordinates, 1 disagreeing
    0.3541666666666667
    """
    if isinstance(d, bool) or not isinstance(d, int) or d < 2 or d % 2:
        raise ValueError(f"d must be an even integer >= 2; got {d!r}")
    agree = d * (1 + c) / 2
    if not (-1 < c < 1 and abs(agree - round(agree)) < 1e-9):
        raise ValueError(f"c must be in (-1, 1) with d(1 + c)/2 an integer; got d={d}, c={c}")
    return _flat_cube_exact(d, int(round(agree)))
