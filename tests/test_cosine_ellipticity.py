"""Edgeworth 1/d correction to the arccos law for non-elliptical data (ours; cf. Prop. 2.2)."""
import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from w2s_theory.cosine import ellipticity as E
from w2s_theory.cosine.montecarlo import mc_zero_one, z_value


def _phi(c):
    s2 = 1 - c * c
    return lambda y1, y2: np.exp(-(y1 * y1 - 2 * c * y1 * y2 + y2 * y2) / (2 * s2)) / (2 * np.pi * np.sqrt(s2))


@pytest.mark.parametrize("a,b", [(4, 0), (3, 1), (2, 2), (5, 1), (0, 6)])
def test_wedge_integrals_vs_numerical_quadrature(a, b):
    """J_{a,b}(c) against scipy dblquad of the SymPy derivative over the two quadrants."""
    y1, y2 = sp.symbols("y1 y2", real=True)
    c = 0.3
    phi = sp.exp(-(y1**2 - 2 * c * y1 * y2 + y2**2) / (2 * (1 - c**2))) / (2 * sp.pi * sp.sqrt(1 - c**2))
    expr = sp.diff(phi, *([y1] * a + [y2] * b))
    f = sp.lambdify((y1, y2), expr, "numpy")
    q = (integrate.dblquad(lambda y, x: f(x, y), 0, 12, -12, 0, epsabs=1e-11)[0]
         + integrate.dblquad(lambda y, x: f(x, y), -12, 0, 0, 12, epsabs=1e-11)[0])
    assert float(E.wedge_integral(a, b).subs(E._c, c)) == pytest.approx(q, rel=1e-7, abs=1e-9)


def test_corner_derivatives_vs_sympy_diff():
    y1, y2 = sp.symbols("y1 y2", real=True)
    c = E._c
    phi = sp.exp(-(y1**2 - 2 * c * y1 * y2 + y2**2) / (2 * (1 - c**2))) / (2 * sp.pi * sp.sqrt(1 - c**2))
    for i, j in [(2, 0), (1, 1), (3, 1), (2, 2)]:
        direct = sp.diff(phi, *([y1] * i + [y2] * j)).subs({y1: 0, y2: 0})
        assert sp.simplify(direct - E.corner_derivative(i, j)) == 0


def test_flat_coefficient_closed_form():
    expr = E.flat_coefficient_expr()
    assert sp.simplify(expr + E._c / (6 * sp.pi * sp.sqrt(1 - E._c**2))) == 0


def test_flat_pairs_and_symmetries():
    u, v = E.flat_pair(16, 0.5, seed=3)
    assert np.allclose(np.abs(u), 0.25) and np.allclose(np.abs(v), 0.25)
    assert u @ v == pytest.approx(0.5)
    assert E.flat_coefficient(0.0) == pytest.approx(0.0, abs=1e-15)
    for c in (0.2, 0.5, 0.8):
        assert E.flat_coefficient(-c) == pytest.approx(-E.flat_coefficient(c), rel=1e-12)
    first, _ = E.edgeworth_terms(u, v, -1.2)
    assert first == pytest.approx(-1.2 * E.flat_coefficient(0.5) / 16, rel=1e-12)
    # Gaussian coordinates (κ₄ = κ₆ = 0): no correction at all
    assert E.edgeworth_terms(u, v, 0.0, 0.0) == (0.0, 0.0)
    with pytest.raises(ValueError, match="integer"):
        E.flat_pair(10, 0.5)
    with pytest.raises(ValueError, match="unit"):
        E.edgeworth_terms(2 * u, v, -1.2)


def test_uniform_cube_flat_directions_monte_carlo():
    """|MC − arccos/π − S₁κ₄/d| ≤ z·SE + 2|second order|; plain formula and 2×S₁ fail (sharpness)."""
    d = 16
    u, v = E.flat_pair(d, 0.5, seed=d)
    k4, k6 = (float(x) for x in E.CUMULANTS["uniform-cube"])
    first, second = E.edgeworth_terms(u, v, k4, k6)
    m, se = mc_zero_one(u, v, None, law="uniform-cube", n=4_000_000, seed=41)
    base = math.acos(0.5) / math.pi
    tol = z_value(1, 20) * se + 2 * abs(second)
    assert abs(m - base - first) <= tol
    assert abs(m - base) > tol
    assert abs(m - base - 2 * first) > tol
