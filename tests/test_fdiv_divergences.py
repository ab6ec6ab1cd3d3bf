"""f-divergence family: values against independent formulas (scipy, hand-written
sums, known special cases), 50-digit mpmath path, conventions, and input validation."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr

from w2s_theory.fdiv import (CHI2, DIVERGENCES, HELLINGER2, JEFFREYS, JS, KL, REVERSE_KL, TV,
                             FDivergence, check_simplex, cross_entropy, get, t,
                             validate_generator)


def _kl(p, q):
    return rel_entr(p, q).sum(-1)


# Independent reference implementations (not derived from the generators).
REFERENCE = {
    "kl": _kl,
    "reverse_kl": lambda p, q: _kl(q, p),
    "js": lambda p, q: jensenshannon(p, q, axis=-1) ** 2,  # scipy returns sqrt(JS), natural log
    "jeffreys": lambda p, q: _kl(p, q) + _kl(q, p),
    "hellinger2": lambda p, q: ((np.sqrt(p) - np.sqrt(q)) ** 2).sum(-1),
    "chi2": lambda p, q: ((p - q) ** 2 / q).sum(-1),
    "tv": lambda p, q: 0.5 * np.abs(p - q).sum(-1),
}


def _pairs(seed, n=200, k=5, alpha=1.0):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(alpha * np.ones(k), n), rng.dirichlet(alpha * np.ones(k), n)


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
@pytest.mark.parametrize("alpha", [0.3, 1.0, 10.0])
def test_matches_independent_formula(name, alpha):
    p, q = _pairs(1, alpha=alpha)
    got = DIVERGENCES[name](p, q)
    assert got.shape == (200,)
    np.testing.assert_allclose(got, REFERENCE[name](p, q), rtol=1e-10, atol=1e-13)


@settings(deadline=None, derandomize=True, max_examples=60)
@given(k=st.integers(2, 8), seed=st.integers(0, 2**32 - 1),
       logalpha=st.floats(-2, 2), name=st.sampled_from(sorted(DIVERGENCES)))
def test_matches_independent_formula_property(k, seed, logalpha, name):
    p, q = _pairs(seed, n=3, k=k, alpha=10 ** logalpha)
    p, q = np.clip(p, 1e-12, None), np.clip(q, 1e-12, None)
    p, q = p / p.sum(-1, keepdims=True), q / q.sum(-1, keepdims=True)
    np.testing.assert_allclose(DIVERGENCES[name](p, q), REFERENCE[name](p, q), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
def test_bernoulli_is_two_point_categorical(name):
    d = DIVERGENCES[name]
    p = np.array([0.0, 0.1, 0.5, 0.93])
    q = np.array([0.2, 0.7, 0.5, 0.01])
    ref = REFERENCE[name](np.stack([p, 1 - p], -1), np.stack([q, 1 - q], -1))
    np.testing.assert_allclose(d.bernoulli(p, q), ref, rtol=1e-12, atol=1e-15)
    assert isinstance(d.bernoulli(0.3, 0.6), float)


def test_bernoulli_kl_closed_form():
    p, q = 0.3, 0.8
    assert KL.bernoulli(p, q) == pytest.approx(p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q)),
                                               rel=1e-14)


def test_direction_convention():
    """D_f(P||Q) = sum_i q_i f(p_i/q_i): KL(P||Q) = sum p log(p/q)."""
    p, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
    assert KL(p, q) == pytest.approx(0.9 * math.log(1.8) + 0.1 * math.log(0.2), rel=1e-14)
    assert REVERSE_KL(p, q) == pytest.approx(KL(q, p), rel=1e-14)
    assert KL(p, q) != pytest.approx(KL(q, p), rel=1e-3)  # the direction matters here


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
def test_conjugate_swaps_arguments(name):
    d = DIVERGENCES[name]
    p, q = _pairs(2, n=50, k=4)
    np.testing.assert_allclose(d.conjugate()(p, q), d(q, p), rtol=1e-10, atol=1e-14)


def test_symmetric_members_are_self_conjugate():
    for d in (JS, JEFFREYS, HELLINGER2, TV):
        assert sp.simplify(d.conjugate().f - d.f) == 0 or d is TV
    # TV: t|1/t - 1|/2 = |1 - t|/2 for t > 0 (Abs needs the sign of t)
    assert sp.simplify(TV.conjugate().f.rewrite(sp.Piecewise) - TV.f.rewrite(sp.Piecewise)) == 0
    assert sp.simplify(KL.conjugate().f - REVERSE_KL.f) == 0
    assert sp.simplify(CHI2.conjugate().f - (t - 1) ** 2 / t) == 0  # Neyman chi-square


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
def test_adding_linear_term_changes_nothing(name):
    """f and f + c (t - 1) generate the same divergence (sum_i q_i (p_i/q_i - 1) = 0)."""
    d = DIVERGENCES[name]
    e = FDivergence(d.f + sp.Rational(7, 3) * (t - 1), validate=False)
    p, q = _pairs(3, n=50, k=6)
    np.testing.assert_allclose(e(p, q), d(p, q), rtol=1e-9, atol=1e-13)


def test_boundary_values():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert TV(a, b) == 1.0
    assert HELLINGER2(a, b) == 2.0
    assert JS(a, b) == pytest.approx(math.log(2), rel=1e-15)
    assert KL(a, b) == math.inf and CHI2(a, b) == math.inf and REVERSE_KL(a, b) == math.inf
    u = np.array([0.5, 0.5])
    assert KL(a, u) == pytest.approx(math.log(2), rel=1e-15)  # 0 log 0 = 0
    assert KL(u, a) == math.inf and REVERSE_KL(a, u) == math.inf
    assert REVERSE_KL(u, a) == pytest.approx(math.log(2), rel=1e-15)
    assert CHI2(a, u) == pytest.approx(1.0, rel=1e-15)  # (0.5^2 + 0.5^2)/0.5


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
def test_zero_at_equal(name):
    p = _pairs(4, n=20, k=7)[0]
    assert np.all(DIVERGENCES[name](p, p) == 0.0)


def test_mpmath_50_digits_against_hand_formula():
    with mpmath.workdps(50):
        p = [mpmath.mpf(1) / 7, mpmath.mpf(2) / 7, mpmath.mpf(4) / 7]
        q = [mpmath.mpf(1) / 3] * 3
        ref = {
            "kl": mpmath.fsum(a * mpmath.log(a / b) for a, b in zip(p, q)),
            "reverse_kl": mpmath.fsum(b * mpmath.log(b / a) for a, b in zip(p, q)),
            "chi2": mpmath.fsum((a - b) ** 2 / b for a, b in zip(p, q)),
            "hellinger2": mpmath.fsum((mpmath.sqrt(a) - mpmath.sqrt(b)) ** 2 for a, b in zip(p, q)),
            "tv": mpmath.fsum(abs(a - b) for a, b in zip(p, q)) / 2,
            "jeffreys": mpmath.fsum((a - b) * mpmath.log(a / b) for a, b in zip(p, q)),
            "js": mpmath.fsum(a * mpmath.log(2 * a / (a + b)) + b * mpmath.log(2 * b / (a + b))
                              for a, b in zip(p, q)) / 2,
        }
        for name, d in DIVERGENCES.items():
            got = d(p, q)
            assert isinstance(got, mpmath.mpf)
            assert abs(got - ref[name]) < mpmath.mpf(10) ** -45, name
            # float path agrees to double precision
            assert float(got) == pytest.approx(d(np.array(p, float), np.array(q, float)), rel=1e-13)
        assert abs(KL.bernoulli(mpmath.mpf(1) / 3, mpmath.mpf(1) / 2)
                   - (mpmath.log(mpmath.mpf(2) / 3) / 3 + 2 * mpmath.log(mpmath.mpf(4) / 3) / 3)) < 1e-45


# --------------------------------------------------------------------------- validation

@pytest.mark.parametrize("p, q, match", [
    ([0.5, 0.6], [0.5, 0.5], "p must sum to 1"),
    ([0.5, 0.5], [1.2, -0.2], "q entries must lie in"),
    ([np.nan, 1.0], [0.5, 0.5], "finite"),
    ([0.5, 0.5], [0.3, 0.3, 0.4], "same number of categories"),
    ([1.0], [1.0], "at least 2 categories"),
    (0.5, [0.5, 0.5], "scalar"),
    ([0.5 + 0j, 0.5], [0.5, 0.5], "complex"),
    ([[0.5, 0.5], [0.2, 0.8]], [[0.5, 0.5]] * 3, "broadcast"),
    (["a", "b"], [0.5, 0.5], "real probabilities"),
])
def test_bad_distributions_raise(p, q, match):
    with pytest.raises(ValueError, match=match):
        KL(p, q)


@pytest.mark.parametrize("p, q, match", [(1.5, 0.5, "p must be"), (0.5, -0.1, "q must be"),
                                         (math.nan, 0.5, "p must be"), (0.5, 1j, "complex")])
def test_bad_bernoulli_raise(p, q, match):
    with pytest.raises(ValueError, match=match):
        JS.bernoulli(p, q)


def test_mp_bad_input():
    with mpmath.workdps(30):
        with pytest.raises(ValueError, match="sum to 1"):
            KL([mpmath.mpf("0.5"), mpmath.mpf("0.6")], [mpmath.mpf("0.5")] * 2)
        with pytest.raises(ValueError, match="p must be"):
            KL([mpmath.mpf("1.5"), mpmath.mpf("-0.5")], [mpmath.mpf("0.5")] * 2)


@pytest.mark.parametrize("f, match", [
    ("t**2", r"f\(1\) must be 0"),
    ("-t*log(t)", "convex"),
    ("(t - 1)**3", "convex"),
    ("sin(t - 1)", "convex"),
    ("log(t - 2)", "f\\(1\\) must be 0"),
    ("sqrt(t - 1/2) - sqrt(1/2)", "real and finite"),
    ("x*y", "single variable"),
    ("0", "depend on t"),
    (3.5, "SymPy expression"),
    ("t +* 2", "cannot parse"),
])
def test_bad_generators_raise(f, match):
    with pytest.raises(ValueError, match=match):
        FDivergence(f)


def test_user_generators_accepted():
    # alpha-divergence family member (convex: f'' = t^(-1/2)/... > 0), via a callable
    d = FDivergence(lambda x: 4 * (1 - sp.sqrt(x)), "alpha0")
    assert d.convexity_check == "symbolic"
    p, q = np.array([0.2, 0.8]), np.array([0.6, 0.4])
    # 4(1 - sum sqrt(pq)) = 2 * squared Hellinger
    assert d(p, q) == pytest.approx(2 * HELLINGER2(p, q), rel=1e-12)
    hinge = FDivergence("Max(t - 1, 0)", "hinge")  # non-smooth -> numeric check
    assert hinge.convexity_check == "numeric"
    assert hinge(p, q) == pytest.approx(TV(p, q), rel=1e-12)  # max(t-1,0) = |t-1|/2 + (t-1)/2
    for name, d in DIVERGENCES.items():
        assert validate_generator(d.f) in ("symbolic", "numeric"), name


def test_nonsmooth_generators_use_numeric_checks():
    # d/dt of a Piecewise drops the kink: -|t-1| written piecewise must not pass as convex
    with pytest.raises(ValueError, match="convex"):
        FDivergence("Piecewise((1 - t, t > 1), (t - 1, True))")
    h = FDivergence("Heaviside(t - 1)*(t - 1)")  # = max(t-1, 0); SymPy limits would hang
    assert h.convexity_check == "numeric"
    p, q = np.array([0.2, 0.8]), np.array([0.5, 0.5])
    assert h(p, q) == pytest.approx(TV(p, q), rel=1e-12)
    assert sp.nan == TV.f2_at_1 and KL.f2_at_1 == 1


@settings(deadline=None, derandomize=True, max_examples=5)
@given(w=st.lists(st.integers(0, 8), min_size=7, max_size=7).filter(lambda w: sum(w) > 0),
       c=st.integers(-12, 12))
def test_positive_combinations_are_valid_generators(w, c):
    """Nonnegative combinations of generators, plus any c (t - 1), are
    generators of the combined divergence; adding a constant breaks f(1) = 0."""
    names = sorted(DIVERGENCES)
    w = [sp.Rational(wi, 4) for wi in w]
    f = sum(wi * DIVERGENCES[n].f for wi, n in zip(w, names)) + sp.Rational(c, 4) * (t - 1)
    d = FDivergence(f, "combo")
    p, q = np.array([0.1, 0.3, 0.6]), np.array([0.4, 0.4, 0.2])
    expect = sum(float(wi) * DIVERGENCES[n](p, q) for wi, n in zip(w, names))
    assert d(p, q) == pytest.approx(expect, rel=1e-9, abs=1e-12)
    with pytest.raises(ValueError, match=r"f\(1\) must be 0"):
        FDivergence(f + sp.Rational(1, 10))


def test_get():
    assert get("kl") is KL and get(TV) is TV
    with pytest.raises(ValueError, match="divergence must be one of"):
        get("kullback")


# --------------------------------------------------------------------------- loss API

def test_cross_entropy_gradient_is_softmax_minus_teacher():
    p, z = np.array([0.1, 0.6, 0.3]), np.array([1.0, -2.0, 0.5])
    loss, grad = cross_entropy(p, z)
    s = np.exp(z) / np.exp(z).sum()
    assert loss == pytest.approx(-(p * np.log(s)).sum(), rel=1e-14)
    np.testing.assert_allclose(grad, s - p, atol=1e-15)
    # KL = CE - H(teacher), value and gradient
    kl_loss, kl_grad = KL.loss_and_grad(p, z)
    assert kl_loss == pytest.approx(loss + (p * np.log(p)).sum(), rel=1e-12)
    np.testing.assert_allclose(kl_grad, grad, atol=1e-15)


def test_loss_validation():
    with pytest.raises(ValueError, match="teacher probabilities must be > 0"):
        REVERSE_KL.loss_and_grad([1.0, 0.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="logits must be finite"):
        KL.loss_and_grad([0.5, 0.5], [np.nan, 1.0])
    with pytest.raises(ValueError, match="number of categories"):
        KL.loss_and_grad([0.5, 0.5], [0.0, 1.0, 2.0])
    # zero teacher entries are fine where a(0+) is finite (KL: a(t) = -t)
    loss, grad = KL.loss_and_grad([1.0, 0.0], [0.0, 0.0])
    assert loss == pytest.approx(math.log(2)) and grad == pytest.approx([-0.5, 0.5])


# --------------------------------------------------------------------------- audit fixes

@pytest.mark.parametrize("tol", [np.nan, np.inf, 5, 0.5, 0.0, -1, "a", None, True, 1j])
def test_bad_tol_raises_naming_tol(tol):
    # tol=nan/5 used to switch the sum-to-1 check off: KL([.2,.2,.2], q) = -0.30
    for call in (lambda: KL([0.2, 0.2, 0.2], [0.3, 0.3, 0.4], tol=tol),
                 lambda: KL([0.2, 0.8], [0.3, 0.7], tol=tol),
                 lambda: KL.loss_and_grad([0.2, 0.8], [0.0, 1.0], tol=tol),
                 lambda: check_simplex("p", [0.2, 0.8], tol=tol)):
        with pytest.raises(ValueError, match=r"tol must be a finite real number in \(0, 0.01\]"):
            call()


def test_largest_tol_still_rejects_unnormalised_vector():
    assert KL([0.2, 0.805], [0.3, 0.7], tol=1e-2) > 0  # sum 1.005 is within 1e-2
    with pytest.raises(ValueError, match="p must sum to 1"):
        KL([0.2, 0.2, 0.2], [0.3, 0.3, 0.4], tol=1e-2)


@pytest.mark.parametrize("name", [None, "", 3, b"p"])
def test_check_simplex_requires_str_name(name):
    with pytest.raises(ValueError, match="name must be a non-empty str"):
        check_simplex(name, [0.5, 0.5])


@pytest.mark.parametrize("logits, match", [
    ([1 + 1j, 0.0], "logits must be real"),
    ("ab", "logits must be real"),
    (["a", "b"], "logits must be real"),
    ([True, False], "logits must be real"),
    ([[0.0, 1.0], [2.0]], "logits must be a rectangular array"),
    ([np.nan, 0.0], "logits must be finite"),
    ([1e308, -1e308], r"logits: the spread max - min"),
    ([0.0, 1.0, 2.0], "number of categories"),
])
@pytest.mark.parametrize("fn", [cross_entropy, KL.loss_and_grad, TV.loss_and_grad],
                         ids=["cross_entropy", "kl", "tv"])
def test_bad_logits_raise_naming_logits(fn, logits, match):
    with pytest.raises(ValueError, match=match):
        fn([0.5, 0.5], logits)


def _mp_loss_grad(d, p, z):
    """Reference at 50 digits through the independent mpmath path."""
    with mpmath.workdps(50):
        loss, grad = d.loss_and_grad([mpmath.mpf(v) for v in p], [mpmath.mpf(v) for v in z])
        return float(loss), np.array([float(g) for g in grad])


# p given as exact binary fractions so the float and mpmath inputs agree.
_SPREAD_P = [0.25, 0.5, 0.25]


@pytest.mark.parametrize("name", sorted(set(DIVERGENCES) - {"chi2"}))
@pytest.mark.parametrize("spread", [700.0, 720.0, 745.5, 800.0, 5000.0, 1e300])
def test_loss_and_grad_finite_for_large_logit_spread(name, spread):
    # used to raise FloatingPointError once softmax underflowed (spread >= ~745)
    d = DIVERGENCES[name]
    z = [0.0, spread, 0.0]
    loss, grad = d.loss_and_grad(_SPREAD_P, z)
    ref_loss, ref_grad = _mp_loss_grad(d, _SPREAD_P, z)
    assert np.isfinite(loss) and np.isfinite(grad).all()
    assert loss == pytest.approx(ref_loss, rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-300)


def test_large_spread_closed_forms():
    # independent closed forms in log space: log s = z - logsumexp(z)
    z = np.array([0.0, 800.0, -3.0])
    p = np.array([0.2, 0.5, 0.3])
    logs = z - (800.0 + np.log1p(np.exp(-800.0) + np.exp(-803.0)))
    kl, gkl = KL.loss_and_grad(p, z)
    assert kl == pytest.approx((p * (np.log(p) - logs)).sum(), rel=1e-14)
    np.testing.assert_allclose(gkl, np.exp(logs) - p, atol=1e-15)
    # s_0, s_2 are ~e^-800 = 0 in float64: Hellinger -> 2 - 2 sqrt(p_1), TV -> 1 - p_1
    assert HELLINGER2.loss(p, z) == pytest.approx(2 - 2 * np.sqrt(0.5), rel=1e-14)
    assert TV.loss(p, z) == pytest.approx(0.5, rel=1e-14)
    ce, gce = cross_entropy(p, z)
    assert ce == pytest.approx(-(p * logs).sum(), rel=1e-14)


def test_chi2_overflow_is_reported_not_returned():
    # chi2 ~ p^2/s with s ~ e^-800: beyond float64, a genuine overflow
    with pytest.raises(FloatingPointError, match="float64 range"):
        CHI2.loss_and_grad(_SPREAD_P, [0.0, 800.0, 0.0])
    # but s ~ e^-400 (a(t) = 1 - t^2 overflows, s a(t) does not) is finite
    loss, grad = CHI2.loss_and_grad(_SPREAD_P, [0.0, 400.0, 0.0])
    ref_loss, ref_grad = _mp_loss_grad(CHI2, _SPREAD_P, [0.0, 400.0, 0.0])
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10)


def test_cross_entropy_near_float_max_spread_is_finite():
    # -sum p log s <= spread, so a representable spread gives a finite loss
    loss, grad = cross_entropy([0.0, 1.0], [1.7e308, 0.0])
    assert loss == pytest.approx(1.7e308, rel=1e-15) and grad == pytest.approx([1.0, -1.0])
