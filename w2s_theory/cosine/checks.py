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
    """Random symmetric positive definite matrix with eigenvalues geomspace(1, cond).

    ``Q diag(1, …, cond) Qᵀ`` with Q from the QR factorisation of a Gaussian matrix,
    symmetrised against rounding.

    Parameters
    ----------
    rng : numpy.random.Generator
    d : int >= 1
        Size.
    cond : float >= 1
        Condition number (largest / smallest eigenvalue).

    Returns
    -------
    ndarray, shape (d, d)

    Examples
    --------
    >>> import numpy as np
    >>> S = spd(np.random.default_rng(0), 4, 10.0)
    >>> np.linalg.eigvalsh(S).round(6)
    array([ 1.      ,  2.154435,  4.641589, 10.      ])
    """
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    S = (Q * np.geomspace(1.0, cond, d)) @ Q.T
    return (S + S.T) / 2


def zero_one_cases(seed, d=8, n_cases=4):
    """(w, w*, Σ) triples: random directions, anisotropic Σ, cosines spread over (−1, 1).

    Parameters
    ----------
    seed : int, sequence of int, SeedSequence or Generator
    d : int >= 1, default 8
    n_cases : int >= 1, default 4
        The k-th w is pushed along w* by ``1.5 k − 1.5``, so the cosines run from
        negative to positive.

    Returns
    -------
    list of tuple
        ``(w, w_star, Sigma)`` with shapes (d,), (d,), (d, d); Σ = :func:`spd` with
        condition number 10, shared by all cases.

    Examples
    --------
    >>> cases = zero_one_cases(0)
    >>> len(cases), [a.shape for a in cases[0]]
    (4, [(8,), (8,), (8, 8)])
    """
    rng = rng_from(seed)
    S = spd(rng, d, 10.0)
    cases = []
    for k in range(n_cases):
        ws = rng.standard_normal(d)
        w = rng.standard_normal(d) + (1.5 * k - 1.5) * ws       # push c through negative..positive
        cases.append((w, ws, S))
    return cases


def zero_one_mc(law="gaussian", *, seed=0, n=200_000, cases=None):
    """Monte Carlo 0-1 losses for *cases*: (cases, means, SEs).  Reusable across formulas.

    Each case is estimated by :func:`~w2s_theory.cosine.montecarlo.mc_zero_one` from
    :data:`REPS` seeded blocks, on a stream distinct per case and per law.

    Parameters
    ----------
    law : {"gaussian", "student-t", "uniform-cube"}, default "gaussian"
        Data law (:data:`~w2s_theory.cosine.montecarlo.LAWS`).
    seed : int, default 0
    n : int >= REPS, default 200 000
        Draws per case.
    cases : list of (w, w*, Σ), optional
        Default :func:`zero_one_cases` ``(seed)``.

    Returns
    -------
    cases : list of (w, w*, Σ)
    means, ses : ndarray, shape (len(cases),)
        Monte Carlo 0-1 losses and their standard errors.

    Examples
    --------
    >>> cases, means, ses = zero_one_mc(seed=0, n=4000)
    >>> means.round(3), ses.round(4)
    (array([0.725, 0.565, 0.271, 0.092]), array([0.006 , 0.0083, 0.0054, 0.0053]))
    """
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

    The formula under test is P(sign⟨w,x⟩ ≠ sign⟨w*,x⟩) = arccos(c)/π, c the Σ-cosine (Geng,
    Hansen & Li 2026, Lemma 2.1); z is the Bonferroni Student-t quantile
    (:func:`~w2s_theory.cosine.montecarlo.z_value`) at family-wise level :data:`ALPHA`.
    *mc* = :func:`zero_one_mc` output, to check several formulas on one sample.

    Parameters
    ----------
    formula : callable, default :func:`~w2s_theory.cosine.calculus.zero_one_loss`
        Maps a cosine c ∈ [-1, 1] to a 0-1 loss.
    law : {"gaussian", "student-t", "uniform-cube"}, default "gaussian"
    seed : int, default 0
    n : int, default 200 000
        Draws per case (also the ``n`` reported in the detail; with *mc* it is only
        reported, so pass the size *mc* was drawn with).
    cases : list of (w, w*, Σ), optional
    mc : tuple, optional
        Precomputed :func:`zero_one_mc` output (then *law*, *seed*, *cases* are unused).

    Returns
    -------
    ok : bool
    worst : float
        Largest ``|MC − formula| / (z·SE)``; ≤ 1 means pass.
    detail : str

    Examples
    --------
    The formula passes and a 5 % perturbation fails, on the same 4000 draws per case:

    >>> mc = zero_one_mc(seed=0, n=4000)
    >>> ok, worst, _ = check_zero_one(mc=mc, n=4000)
    >>> ok, round(worst, 2)
    (True, 0.19)
    >>> ok, worst, _ = check_zero_one(perturbed_zero_one, mc=mc, n=4000)
    >>> ok, round(worst, 2)
    (False, 1.36)
    """
    cases, means, ses = mc if mc is not None else zero_one_mc(law, seed=seed, n=n, cases=cases)
    z = z_value(len(cases), REPS, ALPHA)
    th = [formula(float(np.clip(cosine(w, ws, S), -1, 1))) for w, ws, S in cases]
    ok, worst = within(means, th, ses, z)
    err = np.max(np.abs(means - np.array(th)))
    return ok, worst, (f"{law}: {len(cases)} cases, n={n}, max|MC−formula|={err:.2e}, "
                       f"max err/(z·SE)={worst:.2f}, z={z:.2f}")


def perturbed_zero_one(c):
    """Deliberately wrong: 5 % too large.

    The sharpness control of :func:`check_zero_one`.

    Parameters
    ----------
    c : float in [-1, 1]
        Cosine.

    Returns
    -------
    float
        ``1.05 · arccos(c)/π``.

    Examples
    --------
    >>> round(perturbed_zero_one(0.5), 12)
    0.35
    """
    return 1.05 * zero_one_loss(c)


def sparse_cube_case(angle=math.pi / 6, d=8):
    """w = e₁, w* at *angle* in span(e₁, e₂): the uniform-cube law breaks the arccos formula here.

    The arccos formula needs an elliptical law; on the uniform cube with
    coordinate-aligned vectors the 0-1 loss differs from angle/π, so this case
    shows the check detecting a law outside the theorem's hypotheses.

    Parameters
    ----------
    angle : float, default π/6
        Angle between w and w*.
    d : int >= 2, default 8

    Returns
    -------
    (w, w_star, Sigma) : (ndarray (d,), ndarray (d,), ndarray (d, d))
        Σ is the identity.

    Examples
    --------
    >>> w, ws, S = sparse_cube_case()
    >>> w[:3], ws[:3].round(4)
    (array([1., 0., 0.]), array([0.866, 0.5  , 0.   ]))
    """
    w = np.eye(d)[0]
    ws = math.cos(angle) * np.eye(d)[0] + math.sin(angle) * np.eye(d)[1]
    return w, ws, np.eye(d)


def gradient_cases(seed, d=6):
    """(w, t, Σ, β) cases for :func:`gradient_mc`: random w and t, Σ with condition 5, β ∈ {0.5, 1, 4}.

    Parameters
    ----------
    seed : int, sequence of int, SeedSequence or Generator
    d : int >= 1, default 6

    Returns
    -------
    list of tuple
        Three ``(w, t, Sigma, beta)`` with shapes (d,), (d,), (d, d) and a float.

    Examples
    --------
    >>> [c[3] for c in gradient_cases(0)]
    [0.5, 1.0, 4.0]
    """
    rng = rng_from(seed)
    S = spd(rng, d, 5.0)
    out = []
    for beta in (0.5, 1.0, 4.0):
        out.append((rng.standard_normal(d), rng.standard_normal(d), S, beta))
    return out


def gradient_mc(*, seed=0, n=200_000, cases=None):
    """Monte Carlo E∇ℓ for *cases*: (cases, [means], [SEs]).  Reusable across formulas.

    Parameters
    ----------
    seed : int, default 0
    n : int >= REPS, default 200 000
        Draws per case, in :data:`REPS` seeded blocks
        (:func:`~w2s_theory.cosine.montecarlo.mc_gradient`).
    cases : list of (w, t, Σ, β), optional
        Default :func:`gradient_cases` ``(seed)``.

    Returns
    -------
    cases : list of (w, t, Σ, β)
    means, ses : list of ndarray, each shape (d,)

    Examples
    --------
    >>> cases, means, ses = gradient_mc(seed=0, n=4000)
    >>> len(means), means[0].shape
    (3, (6,))
    """
    cases = cases if cases is not None else gradient_cases(seed)
    res = [mc_gradient(w, t, S, beta, n=n, reps=REPS, seed=[seed, i]) for i, (w, t, S, beta) in enumerate(cases)]
    return cases, [r[0] for r in res], [r[1] for r in res]


def check_expected_gradient(formula=expected_gradient, *, seed=0, n=200_000, cases=None, mc=None):
    """Each coordinate of MC E∇ℓ vs ``formula(w, t, Σ, β)``: ``|mean − theory| ≤ z·SE`` (C = 0: exact).

    The formula under test is ``E∇ℓ(w) = −(β/2) [√(2/π) Σt/‖t‖_Σ − κ(‖w‖_Σ, β) Σw]`` for
    logistic loss on teacher labels sign⟨t, x⟩, x ~ N(0, Σ) (Geng, Hansen & Li 2026,
    Definition 2.1 and §2.3; :mod:`w2s_theory.cosine.sft`).  z is the Bonferroni Student-t
    quantile over all coordinates at level :data:`ALPHA`.

    Parameters
    ----------
    formula : callable, default :func:`~w2s_theory.cosine.sft.expected_gradient`
        ``formula(w, t, Sigma, beta) -> ndarray (d,)``.
    seed : int, default 0
    n : int, default 200 000
        Draws per case (also the ``n`` reported in the detail; with *mc* it is only
        reported, so pass the size *mc* was drawn with).
    cases : list of (w, t, Σ, β), optional
    mc : tuple, optional
        Precomputed :func:`gradient_mc` output.

    Returns
    -------
    ok : bool
    worst : float
        Largest ``|MC − formula| / (z·SE)`` over all coordinates.
    detail : str

    Examples
    --------
    The formula passes; both perturbations fail on the same sample:

    >>> mc = gradient_mc(seed=0, n=4000)
    >>> [(ok, round(worst, 2)) for ok, worst, _ in
    ...  (check_expected_gradient(f, mc=mc, n=4000) for f in
    ...   (expected_gradient, perturbed_gradient_coef, perturbed_gradient_no_kappa))]
    [(True, 0.5), (False, 1.42), (False, 6.84)]
    """
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
    """Deliberately wrong: teacher coefficient √(2/π) × 1.1.

    Sharpness control of :func:`check_expected_gradient`.

    Parameters
    ----------
    w, t : array_like, shape (d,)
        Student and teacher.
    S : ndarray, shape (d, d)
        Covariance Σ.
    beta : float > 0
        Inverse temperature.

    Returns
    -------
    ndarray, shape (d,)

    Examples
    --------
    >>> import numpy as np
    >>> w, t, S, beta = gradient_cases(0)[1]
    >>> bool(np.allclose(perturbed_gradient_coef(w, t, S, beta), expected_gradient(w, t, S, beta)))
    False
    """
    from .sft import _TEACHER_COEF, kappa
    W, T = np.asarray(w, float), np.asarray(t, float)
    a = math.sqrt(W @ S @ W)
    return -(beta / 2) * (1.1 * _TEACHER_COEF * S @ T / math.sqrt(T @ S @ T) - kappa(a, beta) * S @ W)


def perturbed_gradient_no_kappa(w, t, S, beta):
    """Deliberately wrong: the confidence (κ) term dropped.

    Sharpness control of :func:`check_expected_gradient`: returns
    ``−(β/2) √(2/π) Σt/‖t‖_Σ``.

    Parameters
    ----------
    w, t : array_like, shape (d,)
        Student (unused) and teacher.
    S : ndarray, shape (d, d)
    beta : float > 0

    Returns
    -------
    ndarray, shape (d,)

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([3.0, 4.0])
    >>> perturbed_gradient_no_kappa(None, t, np.eye(2), 2.0).round(6)
    array([-0.478731, -0.638308])
    """
    from .sft import _TEACHER_COEF
    T = np.asarray(t, float)
    return -(beta / 2) * _TEACHER_COEF * S @ T / math.sqrt(T @ S @ T)
