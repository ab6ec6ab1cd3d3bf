"""Marchenko–Pastur core: precision, independent facts, bad input."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, strategies as st
from scipy import integrate

from w2s_theory import rmt
from w2s_theory.rmt import symbolic as S

log_ratio = st.floats(-3, 3).map(lambda e: 10.0**e)
log_lam = st.floats(-12, 6).map(lambda e: 10.0**e)
NAMES = ["m", "m_prime", "tau1", "tau2", "v", "p", "b", "b_over_p"]


@given(gamma=log_ratio, lam=log_lam)
@example(gamma=1.0, lam=1e-12)
@example(gamma=1.0 + 1e-9, lam=1e-12)
@example(gamma=1.0 - 1e-9, lam=1e-12)
@example(gamma=1e3, lam=1e6)
@example(gamma=1e-3, lam=1e-12)
@example(gamma=2.0, lam=1.0)  # a = 1 - γ + λ = 0: the branch switch
def test_functionals_float_vs_50_digits(gamma, lam):
    # Stated accuracy: 1e-13 relative over the whole domain (measured worst ~1e-15).
    with mpmath.workdps(50):
        for name in NAMES:
            f = rmt.mp_functional(name, gamma, lam)
            ref = rmt.mp_functional(name, mpmath.mpf(gamma), mpmath.mpf(lam))
            assert abs(f - float(ref)) <= 1e-13 * abs(float(ref)), name


def test_textbook_form_cancels_where_stable_form_does_not():
    # Why the stable forms exist: the textbook τ2 = 1 - 2λm + λ²m' in floats loses
    # everything at large λ, the stable form keeps full precision.
    gamma, lam = 0.5, 1e6
    textbook = sp.lambdify((S.gamma, S.lam), S.TEXTBOOK["tau2"], "numpy")(gamma, lam)
    with mpmath.workdps(50):
        ref = float(rmt.mp_functional("tau2", mpmath.mpf(gamma), mpmath.mpf(lam)))
    assert abs(rmt.mp_functional("tau2", gamma, lam) - ref) < 1e-14 * ref
    assert abs(textbook - ref) > 1e-3 * ref


@pytest.mark.parametrize("gamma", [0.25, 1.0, 3.0])
@pytest.mark.parametrize("lam", [0.01, 0.7, 40.0])
@pytest.mark.parametrize("order", [0, 1, 2, 3, 4])
def test_derivatives_vs_numerical_differentiation(gamma, lam, order):
    # ∫(x+λ)^-(k+1) dμ = (-1)^k/k! d^k m/dλ^k, with mpmath.diff as the independent reference
    with mpmath.workdps(40):
        g, l = mpmath.mpf(gamma), mpmath.mpf(lam)
        ref = (-1) ** order / mpmath.factorial(order) * mpmath.diff(
            lambda t: rmt.stieltjes(g, t), l, order)
        got = rmt.stieltjes_derivative(g, l, order)
        assert abs(got - ref) < mpmath.mpf(10) ** -25 * abs(ref)
    assert abs(rmt.stieltjes_derivative(gamma, lam, order) - float(ref)) < 1e-12 * float(ref)


@given(gamma=log_ratio, lam=log_lam, order=st.integers(0, 3))
@example(gamma=1.0, lam=1e-12, order=3)
def test_derivatives_float_vs_50_digits(gamma, lam, order):
    with mpmath.workdps(50):
        ref = float(rmt.stieltjes_derivative(mpmath.mpf(gamma), mpmath.mpf(lam), order))
    assert abs(rmt.stieltjes_derivative(gamma, lam, order) - ref) <= 1e-12 * ref


def test_first_derivative_is_m_prime():
    g, l = np.array([0.3, 1.0, 4.0]), np.array([0.1, 1.0, 10.0])
    np.testing.assert_allclose(rmt.stieltjes_derivative(g, l, 1), rmt.stieltjes_prime(g, l), rtol=1e-14)


@pytest.mark.parametrize("gamma", [0.2, 1.0, 2.0, 7.0])
def test_density_mass_and_moments_by_scipy_quadrature(gamma):
    lo, hi = rmt.support_edges(gamma)
    mass = integrate.quad(lambda x: rmt.density(gamma, x), lo, hi, limit=200)[0]
    assert mass == pytest.approx(min(1.0, 1.0 / gamma), rel=1e-6)
    assert rmt.atom_mass(gamma) == pytest.approx(max(0.0, 1 - 1 / gamma), abs=1e-15)
    # independent moments: 1, 1+γ, 1+3γ+γ², 1+6γ+6γ²+γ³ (Narayana rows)
    known = [1.0, 1 + gamma, 1 + 3 * gamma + gamma**2, 1 + 6 * gamma + 6 * gamma**2 + gamma**3]
    for k, val in enumerate(known, start=1):
        q = integrate.quad(lambda x: x**k * rmt.density(gamma, x), lo, hi, limit=200)[0]
        assert q == pytest.approx(val, rel=1e-6)
        assert rmt.moment(gamma, k) == pytest.approx(val, rel=1e-14)


def test_moments_exact_and_from_wishart_matrices():
    g = sp.Symbol("g")
    assert sp.expand(rmt.moment(g, 4) - (1 + 6 * g + 6 * g**2 + g**3)) == 0
    assert rmt.moment(sp.Rational(1, 2), 3) == sp.Rational(11, 4)
    # tr((XᵀX/n)^k)/d of one 600×1200 sample: fluctuations are O(1/d), a 2% error would show
    rng = np.random.default_rng(7)
    d, n = 600, 1200
    X = rng.standard_normal((n, d))
    ev = np.linalg.eigvalsh(X.T @ X / n)
    for k in (1, 2, 3):
        assert np.mean(ev**k) == pytest.approx(rmt.moment(d / n, k), rel=5e-3)
    assert np.mean(1 / (ev + 0.5)) == pytest.approx(rmt.stieltjes(d / n, 0.5), rel=2e-3)


def test_complex_transform_properties():
    for g in (0.3, 1.0, 3.0):
        z = np.array([1 + 1j, -2 + 0.5j, 0.5 - 3j, 10 + 1e-8j])
        m = rmt.stieltjes_complex(g, z)
        np.testing.assert_allclose(rmt.stieltjes_complex(g, np.conj(z)), np.conj(m), rtol=1e-14)
        assert np.all(np.sign(m.imag) == np.sign(z.imag))
        big = 1e8 + 1e7j
        assert rmt.stieltjes_complex(g, big) == pytest.approx(-1 / big, rel=1e-6)
    assert rmt.stieltjes_complex(0.25, 0.0) == pytest.approx(1 / (1 - 0.25), rel=1e-14)
    with mpmath.workdps(40):
        mz = rmt.stieltjes_complex(mpmath.mpf(2), mpmath.mpc(1, 1))
        assert isinstance(mz, mpmath.mpc)
        assert abs(complex(mz) - rmt.stieltjes_complex(2.0, 1 + 1j)) < 1e-15


def test_return_kinds_and_broadcasting():
    assert isinstance(rmt.stieltjes(0.5, 1.0), float)
    out = rmt.stieltjes(np.array([[0.5], [2.0]]), np.array([0.1, 1.0, 10.0]))
    assert out.shape == (2, 3)
    with mpmath.workdps(30):
        assert isinstance(rmt.stieltjes(mpmath.mpf("0.5"), 1), mpmath.mpf)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, 1 + 1j, True, "x", [1.0, -2.0]])
def test_bad_gamma_raises_value_error_naming_it(bad):
    with pytest.raises(ValueError, match="gamma"):
        rmt.stieltjes(bad, 1.0)


@pytest.mark.parametrize("bad", [0.0, -1e-3, math.nan])
def test_bad_lam_raises(bad):
    with pytest.raises(ValueError, match=r"lam must be a finite real number in \(0, inf\)"):
        rmt.stieltjes(1.0, bad)
    with pytest.raises(ValueError, match="lam"):
        rmt.stieltjes(mpmath.mpf(1), mpmath.mpf(bad) if bad == bad else mpmath.nan)


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="broadcast"):
        rmt.stieltjes(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="order"):
        rmt.stieltjes_derivative(1.0, 1.0, -1)
    with pytest.raises(ValueError, match="order"):
        rmt.stieltjes_derivative(1.0, 1.0, 1.5)
    with pytest.raises(ValueError, match="k must"):
        rmt.moment(1.0, -2)
    with pytest.raises(ValueError, match="pole"):
        rmt.stieltjes_complex(1.0, 0.0)
    with pytest.raises(ValueError, match="z must be finite"):
        rmt.stieltjes_complex(1.0, complex(np.nan, 1))
