"""Reusable checks behind the claims; each takes the formula under test as an argument.

Passing a deliberately perturbed formula to the same check must make it fail
(sharpness); the claims and tests do exactly that.
"""
from __future__ import annotations

import math

import numpy as np

from .._numeric import rng_from
from .calculus import cosine, zero_one_loss
from .montecarlo import LAWS, mc_gradient, mc_zero_one, within, z_value
from .sft import expected_gradient

#: Family-wise level of each statistical check (Bonferroni inside the family).
ALPHA = 1e-3
#: Seeded blocks per Monte Carlo estimate (SE from their spread, t with REPS−1 dof).
REPS = 20


def spd(rng, d, cond):
    """Random symmetric positive definite matrix with eigenvalues geomspace(1, cond)."""
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    S = (Q * np.geomspace(1.0, cond, d)) @ Q.T
    return (S + S.T) / 2


def zero_one_cases(seed, d=8, n_cases=4):
    """(w, w*, Σ) triples: random directions, anisotropic Σ, cosines spread over (−1, 1)."""
    rng = rng_from(seed)
    S = spd(rng, d, 10.0)
    cases = []
    for k in range(n_cases):
        ws = rng.standard_normal(d)
        w = rng.standard_normal(d) + (1.5 * k - 1.5) * ws       # push c through negative..positive
        cases.append((w, ws, S))
    return cases


def zero_one_mc(law="gaussian", *, seed=0, n=200_000, cases=None):
    """Monte Carlo 0-1 losses for *cases*: (cases, means, SEs).  Reusable across formulas."""
    cases = cases if cases is not None else zero_one_cases(seed)
    means, ses = [], []
    for i, (w, ws, S) in enumerate(cases):
        # a distinct stream per law, so the elliptical laws are checked on independent samples
        m, se = mc_zero_one(w, ws, S, law=law, n=n, reps=REPS, seed=[seed, i, LAWS.index(law)])
        means.append(m)
        ses.append(se)
    return cases, np.array(means), np.array(ses)


def check_zero_one(formula=zero_one_loss, law="gaussian", *, seed=0, n=200_000, cases=None, mc=None):
    """``|MC 0-1 loss − formula(c)| ≤ z·SE + C/d`` over *cases*; C = 0 (formula exact at every d).

    *mc* = :func:`zero_one_mc` output, to check several formulas on one sample.
    Returns (ok, worst standardised error, detail).
    """
    cases, means, ses = mc if mc is not None else zero_one_mc(law, seed=seed, n=n, cases=cases)
    z = z_value(len(cases), REPS, ALPHA)
    th = [formula(float(np.clip(cosine(w, ws, S), -1, 1))) for w, ws, S in cases]
    ok, worst = within(means, th, ses, z)
    err = np.max(np.abs(means - np.array(th)))
    return ok, worst, (f"{law}: {len(cases)} cases, n={n}, max|MC−formula|={err:.2e}, "
                       f"max err/(z·SE)={worst:.2f}, z={z:.2f}")


def perturbed_zero_one(c):
    """Deliberately wrong: 5 % too large."""
    return 1.05 * zero_one_loss(c)


def sparse_cube_case(angle=math.pi / 6, d=8):
    """w = e₁, w* at *angle* in span(e₁, e₂): the uniform-cube law breaks the arccos formula here."""
    w = np.eye(d)[0]
    ws = math.cos(angle) * np.eye(d)[0] + math.sin(angle) * np.eye(d)[1]
    return w, ws, np.eye(d)


def gradient_cases(seed, d=6):
    rng = rng_from(seed)
    S = spd(rng, d, 5.0)
    out = []
    for beta in (0.5, 1.0, 4.0):
        out.append((rng.standard_normal(d), rng.standard_normal(d), S, beta))
    return out


def gradient_mc(*, seed=0, n=200_000, cases=None):
    """Monte Carlo E∇ℓ for *cases*: (cases, [means], [SEs]).  Reusable across formulas."""
    cases = cases if cases is not None else gradient_cases(seed)
    res = [mc_gradient(w, t, S, beta, n=n, reps=REPS, seed=[seed, i]) for i, (w, t, S, beta) in enumerate(cases)]
    return cases, [r[0] for r in res], [r[1] for r in res]


def check_expected_gradient(formula=expected_gradient, *, seed=0, n=200_000, cases=None, mc=None):
    """Each coordinate of MC E∇ℓ vs ``formula(w, t, Σ, β)``: ``|mean − theory| ≤ z·SE`` (C = 0: exact)."""
    cases, means, ses = mc if mc is not None else gradient_mc(seed=seed, n=n, cases=cases)
    m_total = sum(len(c[0]) for c in cases)
    z = z_value(m_total, REPS, ALPHA)
    worst, oks, errs = 0.0, [], []
    for (w, t, S, beta), mean, se in zip(cases, means, ses):
        th = formula(w, t, S, beta)
        ok, wst = within(mean, th, se, z)
        oks.append(ok)
        worst = max(worst, wst)
        errs.append(float(np.max(np.abs(mean - th))))
    return all(oks), worst, (f"{len(cases)} (w,t,Σ,β) cases, {m_total} coordinates, n={n}: "
                             f"max|MC−formula|={max(errs):.2e}, max err/(z·SE)={worst:.2f}, z={z:.2f}")


def perturbed_gradient_coef(w, t, S, beta):
    """Deliberately wrong: teacher coefficient √(2/π) × 1.1."""
    from .sft import _TEACHER_COEF, kappa
    W, T = np.asarray(w, float), np.asarray(t, float)
    a = math.sqrt(W @ S @ W)
    return -(beta / 2) * (1.1 * _TEACHER_COEF * S @ T / math.sqrt(T @ S @ T) - kappa(a, beta) * S @ W)


def perturbed_gradient_no_kappa(w, t, S, beta):
    """Deliberately wrong: the confidence (κ) term dropped."""
    from .sft import _TEACHER_COEF
    T = np.asarray(t, float)
    return -(beta / 2) * _TEACHER_COEF * S @ T / math.sqrt(T @ S @ T)
