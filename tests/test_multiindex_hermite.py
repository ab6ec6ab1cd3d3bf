"""Hermite toolkit of w2s_theory.multiindex, checked against independent computations."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from numpy.polynomial import hermite_e as npH
from scipy import integrate, special

from w2s_theory.multiindex import hermite as H

z = H.Z
# Gauss-Hermite (probabilists') rule: an integration method independent of the package.
GH_X, GH_W = npH.hermegauss(160)
GH_W = GH_W / math.sqrt(2 * math.pi)


def gh_coeff(f, k):
    he = npH.hermeval(GH_X, [0] * k + [1]) / math.sqrt(math.factorial(k))
    return float(np.sum(GH_W * f(GH_X) * he))


def quad_coeff(f, k, a=-np.inf, b=np.inf):
    he = lambda t: npH.hermeval(t, [0] * k + [1]) / math.sqrt(math.factorial(k))  # noqa: E731
    g = lambda t: f(t) * he(t) * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    pts = [p for p in (-8, -1, 0, 1, 8) if a < p < b]
    edges = [a] + pts + [b]
    return sum(integrate.quad(g, lo, hi, epsabs=1e-13, epsrel=1e-12)[0] for lo, hi in zip(edges, edges[1:]))


def test_hermite_polys_match_numpy_and_are_orthonormal():
    for k in range(8):
        ref = npH.herme2poly([0] * k + [1]) / math.sqrt(math.factorial(k))
        got = [float(c) for c in sp.Poly(H.hermite_poly(k), z).all_coeffs()[::-1]]
        np.testing.assert_allclose(got, ref, atol=1e-12)
    for j in range(6):
        for k in range(6):
            hj = npH.hermeval(GH_X, [0] * j + [1]) / math.sqrt(math.factorial(j))
            hk = npH.hermeval(GH_X, [0] * k + [1]) / math.sqrt(math.factorial(k))
            assert abs(np.sum(GH_W * hj * hk) - (j == k)) < 1e-10
            assert H.gaussian_expectation(H.hermite_poly(j) * H.hermite_poly(k)) == (1 if j == k else 0)


@pytest.mark.parametrize("k", range(7))
def test_relu_exact_vs_scipy_quad_and_closed_form(k):
    exact = H.hermite_coefficient(sp.Max(z, 0), k)
    assert sp.simplify(exact - H.relu_hermite_coefficient(k)) == 0
    ref = quad_coeff(lambda t: max(t, 0.0), k)
    assert abs(float(exact) - ref) < 1e-11


def test_relu_closed_form_known_values():
    # hand-computed: c2 = E[z(z^2-1); z>0]/sqrt2 = (2-1)/sqrt(2 pi)/sqrt2, c4 = -1/sqrt(2 pi 24)
    assert sp.simplify(H.relu_hermite_coefficient(2) - 1 / sp.sqrt(4 * sp.pi)) == 0
    assert sp.simplify(H.relu_hermite_coefficient(4) + 1 / sp.sqrt(48 * sp.pi)) == 0
    assert H.relu_hermite_coefficient(5) == 0


@pytest.mark.parametrize("k", range(5))
def test_abs_is_two_relu_minus_identity(k):
    lhs = H.hermite_coefficient(sp.Abs(z), k)
    rhs = 2 * H.relu_hermite_coefficient(k) - (1 if k == 1 else 0)
    assert sp.simplify(lhs - rhs) == 0


def test_piecewise_polynomial_vs_scipy():
    f = sp.Piecewise((z**2, z > 1), (-z, z < -sp.Rational(1, 2)), (0, True))
    fn = lambda t: t * t if t > 1 else (-t if t < -0.5 else 0.0)  # noqa: E731
    for k in range(5):
        exact = H.hermite_coefficient(f, k)
        assert abs(float(exact) - quad_coeff(fn, k)) < 1e-10


@pytest.mark.parametrize("k", range(7))
def test_tanh_quadrature_vs_gauss_hermite(k):
    got = H.hermite_coefficient(sp.tanh(z), k, dps=20)
    assert abs(float(got) - gh_coeff(np.tanh, k)) < 1e-9
    if k % 2 == 0:
        assert abs(got) < 1e-18  # odd function


def test_erf_first_coefficient_closed_form_and_callable_route():
    a = mpmath.mpf(2)
    with mpmath.workdps(25):
        got = H.hermite_coefficient(sp.erf(2 * z), 1, dps=25)
        want = 2 * a / mpmath.sqrt(mpmath.pi * (1 + 2 * a * a))
        assert abs(got - want) < 1e-22
        via_callable = H.hermite_coefficient(lambda t: mpmath.erf(2 * t), 1, dps=25)
        assert abs(via_callable - want) < 1e-22
    assert abs(gh_coeff(lambda t: special.erf(2 * t), 1) - float(want)) < 1e-9


@settings(max_examples=25)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=6))
def test_polynomial_reconstruction_and_parseval(coeffs):
    f = sum(c * z**j for j, c in enumerate(coeffs))
    deg = len(coeffs) - 1
    cs = H.hermite_coefficients(f, deg)
    recon = sum(c * H.hermite_poly(k) for k, c in enumerate(cs))
    assert sp.expand(recon - f) == 0
    assert sp.simplify(sum(c**2 for c in cs) - H.gaussian_expectation(sp.expand(f**2))) == 0


def test_information_exponent_table():
    assert H.information_exponent(z + z**2 - 1) == 1
    assert H.information_exponent(z**2 - 1) == 2
    assert H.information_exponent(z**3 - 3 * z) == 3
    assert H.information_exponent(sp.Abs(z) - sp.sqrt(2 / sp.pi)) == 2
    assert H.information_exponent(sp.Max(z, 0)) == 1
    assert H.information_exponent(sp.cos(z), dps=20) == 2
    assert H.information_exponent(lambda t: mpmath.cos(t) ** 3, dps=20) == 2
    assert H.information_exponent(sp.sin(z) ** 3, dps=20) == 1


@pytest.mark.parametrize("bad, match", [
    (lambda: H.hermite_coefficient(z, -1), "k must be a non-negative integer"),
    (lambda: H.hermite_coefficient(z, 1.5), "k must be a non-negative integer"),
    (lambda: H.hermite_coefficient(z, True), "k must be a non-negative integer"),
    (lambda: H.hermite_coefficient(z + sp.Symbol("w"), 1), "one symbol"),
    (lambda: H.hermite_coefficient(sp.I * z, 1), "finite real"),
    (lambda: H.hermite_coefficient("tanh", 1), "SymPy expression"),
    (lambda: H.hermite_coefficient(lambda t: mpmath.nan, 1, dps=15), "finite"),
    (lambda: H.hermite_coefficient(lambda t: mpmath.mpc(t, 1), 1, dps=15), "real-valued"),
    (lambda: H.hermite_coefficient(sp.tanh(z), 1, dps=2), "dps must be"),
    (lambda: H.information_exponent(sp.Integer(3)), "information exponent"),
    (lambda: H.information_exponent(z, kmax=0), "kmax must be"),
    (lambda: H.information_exponent(sp.tanh(z), rtol=2.0, dps=15), "rtol must be"),
    # another symbol is not silently read as z
    (lambda: H.hermite_coefficient(sp.Symbol("x"), 1), "symbol z"),
    (lambda: H.gaussian_expectation(sp.Symbol("x") ** 2), "symbol z"),
    (lambda: H.information_exponent(sp.Symbol("x")), "symbol z"),
    (lambda: H.is_piecewise_polynomial(sp.Max(sp.Symbol("x"), 0)), "symbol z"),
    # not (square-)integrable against the Gaussian: the quadrature must not return garbage
    (lambda: H.hermite_coefficient(sp.exp(z**2), 0, dps=15), "f = exp"),
    (lambda: H.hermite_coefficient(sp.exp(z**2), 2, dps=15), "square-integrable"),
    (lambda: H.hermite_coefficient(1 / z, 1, dps=15), "f = 1/z"),
    (lambda: H.hermite_coefficient(sp.exp(z**2 / 2) / (1 + z**2), 0, dps=15), "square-integrable"),
    (lambda: H.hermite_coefficient(sp.exp(z**2) * sp.Heaviside(z), 1, dps=15), "f = exp"),
    (lambda: H.hermite_coefficient(lambda t: mpmath.exp(t * t), 1, dps=15), "integrable"),
    (lambda: H.gaussian_expectation(sp.exp(z**2)), "f = exp"),
    (lambda: H.gaussian_expectation(1 / z), "f = 1/z"),
    (lambda: H.information_exponent(1 / z, dps=15), "f = 1/z"),
    # constant f: no k >= 1 with c_k != 0, and the message must not show an empty range
    (lambda: H.information_exponent(sp.Integer(0)), "constant"),
])
def test_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()


def test_fast_but_integrable_growth_and_mild_singularities_still_work():
    # Independent closed forms: Stein's lemma c_k(e^{az}) = a^k e^{a^2/2}/sqrt(k!);
    # E[e^{z^2/2}/(1+z^2)] = (1/sqrt(2 pi)) int dz/(1+z^2) = sqrt(pi/2) (L^1 but not L^2);
    # E log|z| = -(gamma + log 2)/2; a plain Symbol("z") is the Gaussian variable too.
    with mpmath.workdps(30):
        c4 = H.hermite_coefficient(sp.exp(3 * z), 4, dps=30)
        assert abs(c4 - 81 * mpmath.exp(4.5) / mpmath.sqrt(24)) < 1e-20
        e = H.gaussian_expectation(sp.exp(z**2 / 2) / (1 + z**2))
        assert abs(e - mpmath.sqrt(mpmath.pi / 2)) < 1e-12
        e = H.gaussian_expectation(sp.log(sp.Abs(z)))
        assert abs(e + (mpmath.euler + mpmath.log(2)) / 2) < 1e-12
    assert H.hermite_coefficient(sp.Symbol("z") ** 3, 1) == 3


@pytest.mark.parametrize("f", [sp.Max(z, 0), sp.Abs(z) * z, z**4 - z, sp.erf(z)], ids=str)
def test_derivative_identity(f):
    # h_k' = sqrt(k) h_{k-1}  =>  c_{k-1}(f') = sqrt(k) c_k(f)  (Gaussian integration by parts)
    def to_mp(x):
        return x if isinstance(x, mpmath.mpf) else mpmath.mpf(str(sp.N(x, 30)))

    with mpmath.workdps(25):
        for k in range(1, 4):
            lhs = to_mp(H.hermite_coefficient(sp.diff(f, z), k - 1, dps=25))
            rhs = mpmath.sqrt(k) * to_mp(H.hermite_coefficient(f, k, dps=25))
            assert abs(lhs - rhs) < 1e-20


def test_activation_first_coefficients_of_setting():
    from w2s_theory.multiindex.model import MultiIndexSetting
    h = MultiIndexSetting(activation="relu-centred").hermite
    assert h["mu1"] == pytest.approx(0.5, abs=1e-15)
    # c_1(Heaviside) = E[z; z > 0] = 1/sqrt(2 pi) = sqrt(2) c_2(ReLU)
    assert h["c1_dact"] == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-15)
    assert MultiIndexSetting().hermite["c1_dact"] == pytest.approx(0.0, abs=1e-25)  # tanh odd
