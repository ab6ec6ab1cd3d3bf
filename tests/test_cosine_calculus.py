"""Σ-cosine calculus: symbolic derivation, finite differences, invariances, validation."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from w2s_theory.cosine import (accuracy, cosine, cosine_gradient, cosine_hessian,
                               symbolic_cosine, symbolic_gradient, symbolic_hessian,
                               zero_one_loss)
from w2s_theory.cosine.calculus import COEF, p, q, r
from w2s_theory.cosine.sft import KAPPA_EXPR, _a, _beta, kappa


def _spd(rng, d, cond=10.0):
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    ev = np.geomspace(1.0, cond, d)
    S = (Q * ev) @ Q.T
    return (S + S.T) / 2


def _rand_case(seed, d=4, cond=10.0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(d), rng.standard_normal(d), _spd(rng, d, cond)


# ---------------------------------------------------------------- symbolic derivation
@pytest.mark.parametrize("d", [2, 3])
def test_component_form_matches_matrix_formulas_exactly(d):
    """Component-wise SymPy derivatives equal the chain-rule matrix formulas at rational points."""
    c, w, ws, S = symbolic_cosine(d)
    grad, hess = symbolic_gradient(d), symbolic_hessian(d)
    rng = np.random.default_rng(d)
    for _ in range(2):
        vals = {x: sp.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 5))) for x in list(w) + list(ws)}
        A = sp.Matrix(d, d, lambda i, j: sp.Rational(int(rng.integers(-3, 4)), 2))
        Sv = A * A.T + sp.eye(d)
        vals.update({S[i, j]: Sv[i, j] for i in range(d) for j in range(d)})
        if all(vals[x] == 0 for x in w):
            continue
        wv, wsv = w.subs(vals), ws.subs(vals)
        u, v = Sv * wsv, Sv * wv
        pqr = {p: (wv.T * Sv * wsv)[0], q: (wv.T * Sv * wv)[0], r: (wsv.T * Sv * wsv)[0]}
        k = {n: COEF[n].expr.subs(pqr) for n in COEF}
        g_mat = k["c_p"] * u + 2 * k["c_q"] * v
        h_mat = k["c_pp"] * u * u.T + 2 * k["c_pq"] * (u * v.T + v * u.T) + 4 * k["c_qq"] * v * v.T + 2 * k["c_q"] * Sv
        assert sp.simplify(grad.subs(vals) - g_mat) == sp.zeros(d, 1)
        assert sp.simplify(hess.subs(vals) - h_mat) == sp.zeros(d, d)


def test_coefficients_match_paper_closed_forms():
    """c_p, c_q, ... reproduce the written-out Lemma C.1 forms (Geng, Hansen & Li 2026)."""
    a, b = sp.sqrt(q), sp.sqrt(r)
    cc = p / (a * b)
    assert sp.simplify(COEF["c_p"].expr - 1 / (a * b)) == 0          # Σw*/(ab)
    assert sp.simplify(2 * COEF["c_q"].expr + cc / a**2) == 0        # −cΣw/a²
    assert sp.simplify(COEF["c_pp"].expr) == 0
    assert sp.simplify(2 * COEF["c_pq"].expr + 1 / (a**3 * b)) == 0  # −(Σw*wᵀΣ+…)/(a³b)
    assert sp.simplify(4 * COEF["c_qq"].expr - 3 * cc / a**4) == 0   # 3cΣwwᵀΣ/a⁴


def test_written_out_hessian_at_50_digits():
    """Generated Hessian (mpmath path) vs the hand-written Lemma C.1 formula at 50 digits."""
    w, ws, S = _rand_case(1, d=3)
    with mpmath.workdps(50):
        H = cosine_hessian(w, ws, S, dps=50)
        g = cosine_gradient(w, ws, S, dps=50)
        Wm, wsm = mpmath.matrix(list(w)), mpmath.matrix(list(ws))
        Sm = mpmath.matrix(S.tolist())
        a = mpmath.sqrt((Wm.T * Sm * Wm)[0])
        b = mpmath.sqrt((wsm.T * Sm * wsm)[0])
        c = (Wm.T * Sm * wsm)[0] / (a * b)
        u, v = Sm * wsm, Sm * Wm
        Href = -(u * v.T + v * u.T) / (a**3 * b) + 3 * c * v * v.T / a**4 - c * Sm / a**2
        gref = u / (a * b) - c * v / a**2
        assert mpmath.mnorm(H - Href, 1) < mpmath.mpf(10) ** -45
        assert mpmath.mnorm(g - gref, 1) < mpmath.mpf(10) ** -45
        # float path agrees with 50-digit values to float precision
        assert np.allclose(np.array(H.tolist(), dtype=float), cosine_hessian(w, ws, S), rtol=1e-13, atol=1e-14)
        assert abs(cosine(w, ws, S, dps=50) - c) < mpmath.mpf(10) ** -45


# ---------------------------------------------------------------- finite differences
@pytest.mark.parametrize("seed", range(4))
def test_gradient_hessian_vs_finite_differences(seed):
    w, ws, S = _rand_case(seed, d=5, cond=30.0)
    h = 1e-5
    E = np.eye(5)
    fd_g = np.array([(cosine(w + h * e, ws, S) - cosine(w - h * e, ws, S)) / (2 * h) for e in E])
    fd_H = np.array([(cosine_gradient(w + h * e, ws, S) - cosine_gradient(w - h * e, ws, S)) / (2 * h) for e in E])
    g, H = cosine_gradient(w, ws, S), cosine_hessian(w, ws, S)
    # central differences: truncation O(h²·|third derivative|) ~ 1e-9, rounding ~1e-16/h ~ 1e-11
    assert np.max(np.abs(fd_g - g)) < 1e-7 * max(1, np.max(np.abs(g)))
    assert np.max(np.abs(fd_H - H)) < 1e-7 * max(1, np.max(np.abs(H)))
    # sharpness: dropping the −cΣ/a² term of the Hessian is detected by the same check
    a2 = w @ S @ w
    H_bad = H + cosine(w, ws, S) * S / a2
    assert np.max(np.abs(fd_H - H_bad)) > 1e-4


def test_high_precision_finite_differences():
    """mpmath numerical differentiation at 40 digits agrees to ~1e-25."""
    w, ws, S = _rand_case(7, d=3)
    with mpmath.workdps(40):
        Sm = mpmath.matrix(S.tolist())
        wsm = mpmath.matrix(list(ws))

        def cfun(*x):
            Wm = mpmath.matrix(list(x))
            return (Wm.T * Sm * wsm)[0] / mpmath.sqrt((Wm.T * Sm * Wm)[0] * (wsm.T * Sm * wsm)[0])

        H = cosine_hessian(w, ws, S, dps=40)
        for i in range(3):
            for j in range(3):
                order = [0, 0, 0]
                order[i] += 1
                order[j] += 1
                fd = mpmath.diff(cfun, [mpmath.mpf(x) for x in w], tuple(order))
                assert abs(fd - H[i, j]) < mpmath.mpf(10) ** -25


# ---------------------------------------------------------------- structural properties
vec = st.lists(st.floats(-10, 10, allow_nan=False), min_size=4, max_size=4)


@settings(deadline=None, derandomize=True, max_examples=60)
@given(vec, vec, st.floats(0.01, 100), st.integers(0, 1000))
@example([1.0, 0, 0, 0], [1.0, 0, 0, 0], 1.0, 0)     # w ∥ w*: gradient vanishes
@example([1.0, 0, 0, 0], [-1.0, 0, 0, 0], 1e-2, 1)
def test_homogeneity_identities(w, ws, lam, seed):
    """c is 0-homogeneous: ⟨∇c, w⟩ = 0, H w = −∇c, c(λw) = c(w); H symmetric."""
    w, ws = np.array(w), np.array(ws)
    if np.linalg.norm(w) < 1e-3 or np.linalg.norm(ws) < 1e-3:
        return
    S = _spd(np.random.default_rng(seed), 4, 20.0)
    g, H = cosine_gradient(w, ws, S), cosine_hessian(w, ws, S)
    scale = np.linalg.norm(S, 2) / (w @ S @ w)
    assert abs(g @ w) <= 1e-12 * np.linalg.norm(g) * np.linalg.norm(w) + 1e-14
    assert np.allclose(H @ w, -g, atol=1e-11 * scale * np.linalg.norm(w))
    assert np.allclose(H, H.T, atol=1e-13 * scale)
    assert math.isclose(cosine(lam * w, ws, S), cosine(w, ws, S), abs_tol=1e-14)
    assert -1 - 1e-15 <= cosine(w, ws, S) <= 1 + 1e-15


def test_linear_change_of_variables():
    """c_Σ(w; w*) = c_I(Lᵀw; Lᵀw*) for Σ = LLᵀ (reduction used in Lemma C.3)."""
    w, ws, S = _rand_case(3, d=6, cond=50.0)
    L = np.linalg.cholesky(S)
    assert math.isclose(cosine(w, ws, S), cosine(L.T @ w, L.T @ ws), rel_tol=1e-13)
    gI = cosine_gradient(L.T @ w, L.T @ ws)
    assert np.allclose(cosine_gradient(w, ws, S), L @ gI, rtol=1e-12, atol=1e-14)
    assert np.allclose(cosine_hessian(w, ws, S), L @ cosine_hessian(L.T @ w, L.T @ ws) @ L.T,
                       rtol=1e-11, atol=1e-13)


def test_batched_evaluation_matches_loop():
    rng = np.random.default_rng(5)
    W = rng.standard_normal((3, 2, 4))
    _, ws, S = _rand_case(5)
    C, G, H = cosine(W, ws, S), cosine_gradient(W, ws, S), cosine_hessian(W, ws, S)
    assert C.shape == (3, 2) and G.shape == (3, 2, 4) and H.shape == (3, 2, 4, 4)
    for i in range(3):
        for j in range(2):
            assert C[i, j] == pytest.approx(cosine(W[i, j], ws, S), abs=1e-15)
            assert np.allclose(H[i, j], cosine_hessian(W[i, j], ws, S), atol=1e-14)


# ---------------------------------------------------------------- 0-1 loss
def test_zero_one_loss_known_values():
    assert zero_one_loss(1.0) == 0.0
    assert zero_one_loss(0.0) == pytest.approx(0.5, abs=1e-16)
    assert zero_one_loss(-1.0) == pytest.approx(1.0, abs=1e-16)
    assert zero_one_loss(0.5) == pytest.approx(1 / 3, abs=1e-16)
    assert zero_one_loss(math.cos(0.2 * math.pi)) == pytest.approx(0.2, abs=1e-15)   # 80% accuracy
    with mpmath.workdps(50):
        v = zero_one_loss(mpmath.mpf(1) / 3)
        assert abs(v - mpmath.acos(mpmath.mpf(1) / 3) / mpmath.pi) < mpmath.mpf(10) ** -48
    assert np.allclose(zero_one_loss(np.array([1.0, 0.0])), [0.0, 0.5])
    w = np.array([1.0, 1.0])
    assert accuracy(w, np.array([1.0, 0.0])) == pytest.approx(0.75, abs=1e-15)


# ---------------------------------------------------------------- κ
def test_kappa_against_sympy_integral_and_limits():
    with mpmath.workdps(30):
        ref = KAPPA_EXPR.subs({_a: sp.Rational(3, 2), _beta: 2}).evalf(30)
        assert abs(kappa(mpmath.mpf(1.5), mpmath.mpf(2)) - mpmath.mpf(str(ref))) < mpmath.mpf(10) ** -25
    with mpmath.workdps(50):
        for a, b in [(0.01, 1.0), (1.0, 1.0), (30.0, 0.5), (1e4, 3.0)]:
            ref = kappa(mpmath.mpf(a), mpmath.mpf(b))
            assert abs(kappa(a, b) - ref) <= 1e-14 * ref
    assert kappa(1e-8, 2.0) == pytest.approx(1.0, rel=1e-12)                    # a → 0: β/2
    assert kappa(1e7, 1.0) * 1e7 == pytest.approx(math.sqrt(2 / math.pi), rel=1e-9)  # a → ∞
    assert np.all(np.diff(kappa(np.linspace(0.1, 20, 50), 1.0)) < 0)             # decreasing in a


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("bad_w, match", [
    (np.zeros(3), "w must be nonzero"),
    (np.array([1.0, np.nan, 0]), "finite"),
    (np.array([1.0, np.inf, 0]), "finite"),
    (np.array([1.0 + 1j, 0, 0]), "complex"),
    (np.ones(4), "last dimension"),
    (3.0, "scalar"),
    (["a", "b", "c"], "real numbers"),
])
def test_bad_w_raises(bad_w, match):
    with pytest.raises(ValueError, match=match):
        cosine(bad_w, np.ones(3))


@pytest.mark.parametrize("bad_S, match", [
    (np.diag([1.0, 1.0, 0.0]), "positive definite"),
    (np.diag([1.0, 1.0, -1.0]), "positive definite"),
    (np.diag([1.0, 1.0, 1e-14]), "condition number"),
    (np.array([[1.0, 0.5, 0], [0, 1, 0], [0, 0, 1]]), "symmetric"),
    (np.eye(2), "shape"),
    (np.full((3, 3), np.nan), "finite"),
])
def test_bad_sigma_raises(bad_S, match):
    for f in (cosine, cosine_gradient, cosine_hessian):
        with pytest.raises(ValueError, match=match):
            f(np.ones(3), np.array([1.0, 0, 0]), bad_S)


def test_bad_scalars_raise():
    with pytest.raises(ValueError, match="w_star must be nonzero"):
        cosine(np.ones(2), np.zeros(2))
    with pytest.raises(ValueError, match=r"c must be .*\[-1, 1\]"):
        zero_one_loss(1.5)
    with pytest.raises(ValueError, match="c must"):
        zero_one_loss(float("nan"))
    with pytest.raises(ValueError, match=r"a must .*\(0, inf\)"):
        kappa(0.0, 1.0)
    with pytest.raises(ValueError, match="beta"):
        kappa(1.0, -1.0)
    with pytest.raises(ValueError, match="w must be nonzero"):
        cosine(np.zeros(2), np.ones(2), dps=30)


# ---------------------------------------------------------------- stable angle
def _mp_angle(w, ws, S):
    with mpmath.workdps(60):
        Sm = mpmath.matrix(S.tolist())
        W, Ws = mpmath.matrix(list(w)), mpmath.matrix(list(ws))
        p = (W.T * Sm * Ws)[0]
        q = (W.T * Sm * W)[0]
        r = (Ws.T * Sm * Ws)[0]
        # sin θ · √(qr) = √(qr − p²) computed exactly enough at 60 digits
        return mpmath.atan2(mpmath.sqrt(q * r - p * p), p)


@pytest.mark.parametrize("eps", [1e-12, 1e-8, 1e-4, 0.3])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_angle_is_accurate_near_parallel(eps, sign):
    """Kahan's formula keeps relative precision where arccos(c) loses it (θ ≈ eps or π − eps)."""
    from w2s_theory.cosine import angle, zero_one_loss_of
    rng = np.random.default_rng(int(1e3 * eps) + 7)
    _, _, S = _rand_case(9, d=4, cond=5.0)
    ws = rng.standard_normal(4)
    w = sign * ws + eps * rng.standard_normal(4)
    ref = _mp_angle(w, ws, S)
    got = angle(w, ws, S)
    small = ref if sign > 0 else mpmath.pi - ref           # the quantity that must keep its digits
    got_small = got if sign > 0 else math.pi - got
    assert abs(got_small - small) <= 1e-12 * small + 4e-16
    assert zero_one_loss_of(w, ws, S) == pytest.approx(float(ref / mpmath.pi), rel=1e-12)
    if eps == 1e-12 and sign > 0:   # the naive route really is worse here (why angle() exists)
        naive = zero_one_loss(float(np.clip(cosine(w, ws, S), -1, 1))) * math.pi
        assert abs(naive - float(ref)) > 1e-6 * float(ref)


@pytest.mark.parametrize("s", [1e-200, 1e-100, 1e100, 1e250])
def test_extreme_scales_are_exact_or_raise(s):
    """c is 0-homogeneous, ∇c (−1)- and ∇²c (−2)-homogeneous: evaluation must respect that at any scale."""
    w, ws, S = _rand_case(4, d=3)
    assert cosine(s * w, 1e-150 * ws, S) == pytest.approx(cosine(w, ws, S), abs=1e-15)
    assert np.allclose(cosine_gradient(s * w, ws, S) * s, cosine_gradient(w, ws, S), rtol=1e-13, atol=0)
    H = cosine_hessian(w, ws, S)
    if abs(math.log10(s)) < 150:                       # ∇²c ~ 1/s² is representable
        assert np.allclose(cosine_hessian(s * w, ws, S) * s * s, H, rtol=1e-13, atol=0)
    elif s < 1:                                        # 1/s² overflows: an error, never inf/NaN
        with pytest.raises(FloatingPointError, match="overflow"):
            cosine_hessian(s * w, ws, S)
    else:                                              # 1/s² underflows: tiny, finite
        assert np.all(np.abs(cosine_hessian(s * w, ws, S)) < 1e-300)
