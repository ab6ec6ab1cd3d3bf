"""Certified Lemma C.3 radius, and why Lemma C.4 has nothing to certify in c (docs/certified.rst)."""
import importlib.util
import random

import mpmath
import numpy as np
import pytest
import sympy as sp

from w2s_theory.cosine import bounds as B
from w2s_theory.cosine import calculus as K
from w2s_theory.cosine import claims_certified  # noqa: F401  (registers the claims)


def test_spectral_radius_is_the_largest_block_eigenvalue_at_50_digits():
    # independent: eigenvalues of the 2x2 isotropic block [[0, -s], [-s, -c]] by mpmath
    rng = random.Random(5)
    with mpmath.workdps(50):
        for c in [sp.Rational(rng.randint(-999, 999), 1000) for _ in range(8)] + [sp.Integer(1)]:
            cm = mpmath.mpf(c.p) / c.q
            s = mpmath.sqrt(1 - cm**2)
            ev = mpmath.eigsy(mpmath.matrix([[0, -s], [-s, -cm]]))[0]
            want = max(abs(ev[0]), abs(ev[1]))
            got = sp.N(B.SPECTRAL_RADIUS.subs(B._c, c), 50)
            assert abs(mpmath.mpf(str(got)) - want) < mpmath.mpf(10) ** -45


def test_gradient_bound_is_an_identity_in_c():
    # Lemma C.4 reduces to an identity: with g = Σ^{-1/2}∇c, ‖g‖² = c_p²r + 4c_pc_q p + 4c_q²q
    # = (1 − c²)/q exactly, so the only inequality left is the Rayleigh quotient in Σ
    p, q, r = K.p, K.q, K.r
    cp, cq = sp.diff(K.C_PQR, p), sp.diff(K.C_PQR, q)
    g2 = cp**2 * r + 4 * cp * cq * p + 4 * cq**2 * q
    assert sp.simplify(g2 - (1 - K.C_PQR**2) / q) == 0
    # and numerically for Σ = I: ‖∇c‖ = √(1 − c²)/‖w‖ (the bound is attained for every c)
    rng = np.random.default_rng(2)
    for _ in range(5):
        w, ws = rng.standard_normal(4), rng.standard_normal(4)
        c = K.cosine(w, ws)
        assert np.isclose(np.linalg.norm(K.cosine_gradient(w, ws)),
                          np.sqrt(1 - c * c) / np.linalg.norm(w), rtol=1e-13)


@pytest.mark.skipif(importlib.util.find_spec("flint") is None, reason="python-flint not installed")
def test_spectral_radius_claim_refutes_both_perturbations():
    from proofs_check.registry import REGISTRY, Context
    out = REGISTRY["cosine.spectral-radius-certified"].run(Context(quick=True))
    assert out.passed, out.detail
    assert out.detail.count("refuted at") == 2
