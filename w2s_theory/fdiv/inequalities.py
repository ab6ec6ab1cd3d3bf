"""Inequalities between f-divergences, and random + adversarial searches for their worst case.

Each inequality is ``lhs(P, Q) <= rhs(P, Q)`` for all distributions ``P, Q`` on
a finite set.  :func:`search_ratio` looks for the supremum of ``lhs/rhs``: a
value ``<= 1`` supports the inequality, and a value close to 1 shows the
constant cannot be improved (the search exhibits near-equality cases).  The
maximiser found in float64 is re-evaluated with mpmath at 50 digits, so the
reported ratio is not a rounding artefact.

Conventions (see :mod:`w2s_theory.fdiv.divergences`): ``TV = sum|p-q|/2`` in
``[0, 1]``; ``H2 = sum (sqrt p - sqrt q)^2`` in ``[0, 2]``; natural logarithms.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Callable

import mpmath
import numpy as np
from scipy.optimize import minimize

from .divergences import _TRUSTED, CHI2, HELLINGER2, JS, KL, TV, FDivergence, _trusted_inputs


def _mod(x):
    return mpmath if isinstance(x, mpmath.mpf) else np


def _sqrt(x):
    return _mod(x).sqrt(x)


def _log1p(x):
    return mpmath.log1p(x) if isinstance(x, mpmath.mpf) else np.log1p(x)


def _exp(x):
    return _mod(x).exp(x)


def _log2(x):
    return mpmath.log(2) if isinstance(x, mpmath.mpf) else np.log(2.0) * np.ones_like(x)


@dataclasses.dataclass(frozen=True)
class Inequality:
    """``lhs(P,Q) <= rhs(P,Q)``; ``source`` says where it is stated/proved.

    Parameters
    ----------
    name : str
        Key in :data:`INEQUALITIES`.
    statement : str
        Human-readable form.
    lhs, rhs : callable
        ``f(P, Q)`` on probability vectors (numpy batches or mpmath lists).
    source : str
        Reference (paper, year, lemma/theorem).

    Returns
    -------
    Inequality
        A frozen record.

    Examples
    --------
    >>> ineq = INEQUALITIES["pinsker"]
    >>> ineq.statement, ineq.source
    ('TV <= sqrt(KL/2)', "Pinsker's inequality (Tsybakov 2009, Lemma 2.5)")
    >>> P, Q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    >>> round(float(ineq.lhs(P, Q)), 6), round(float(ineq.rhs(P, Q)), 6)
    (0.4, 0.505384)
    """

    name: str
    statement: str
    lhs: Callable
    rhs: Callable
    source: str


INEQUALITIES: dict[str, Inequality] = {i.name: i for i in [
    Inequality("pinsker", "TV <= sqrt(KL/2)",
               lambda P, Q: TV(P, Q), lambda P, Q: _sqrt(KL(P, Q) / 2),
               "Pinsker's inequality (Tsybakov 2009, Lemma 2.5)"),
    Inequality("bretagnolle-huber", "TV <= sqrt(1 - exp(-KL))",
               lambda P, Q: TV(P, Q), lambda P, Q: _sqrt(1 - _exp(-KL(P, Q))),
               "Bretagnolle-Huber (Tsybakov 2009, Lemma 2.6)"),
    Inequality("hellinger-tv-lower", "H2/2 <= TV",
               lambda P, Q: HELLINGER2(P, Q) / 2, lambda P, Q: TV(P, Q),
               "Le Cam (Tsybakov 2009, Lemma 2.3)"),
    Inequality("hellinger-tv-upper", "TV <= H sqrt(1 - H2/4)",
               lambda P, Q: TV(P, Q),
               lambda P, Q: _sqrt(HELLINGER2(P, Q) * (1 - HELLINGER2(P, Q) / 4)),
               "Le Cam (Tsybakov 2009, Lemma 2.3)"),
    Inequality("hellinger-kl", "H2 <= KL",
               lambda P, Q: HELLINGER2(P, Q), lambda P, Q: KL(P, Q),
               "Tsybakov 2009, Lemma 2.4"),
    Inequality("js-log2", "JS <= log 2",
               lambda P, Q: JS(P, Q), lambda P, Q: _log2(TV(P, Q)),
               "Lin 1991, Theorem 1 (range of JS)"),
    Inequality("js-tv", "JS <= TV log 2",
               lambda P, Q: JS(P, Q), lambda P, Q: TV(P, Q) * _log2(TV(P, Q)),
               "Lin 1991, Theorem 3 (in nats)"),
    Inequality("kl-log-chi2", "KL <= log(1 + chi2)",
               lambda P, Q: KL(P, Q), lambda P, Q: _log1p(CHI2(P, Q)),
               "Jensen on E_P log(dP/dQ) (Tsybakov 2009, Lemma 2.7)"),
    Inequality("log-chi2-chi2", "log(1 + chi2) <= chi2",
               lambda P, Q: _log1p(CHI2(P, Q)), lambda P, Q: CHI2(P, Q),
               "log(1+x) <= x"),
    Inequality("kl-chi2", "KL <= chi2",
               lambda P, Q: KL(P, Q), lambda P, Q: CHI2(P, Q),
               "composition of the two above"),
]}


# ---------------------------------------------------------------------------- sampling

def random_pairs(rng, n: int, k: int):
    """``n`` pairs of distributions on ``k`` points, deliberately diverse.

    A third are Dirichlet pairs with concentration log-uniform in
    ``[0.03, 30]`` (near-vertex to near-uniform), a third are local
    perturbations ``P ∝ Q exp(eps g)`` with ``eps`` log-uniform in
    ``[1e-3, 3]`` (the ``P -> Q`` regime where many constants are sharp), and
    a third mix a Dirichlet draw with a point mass (near-disjoint supports).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n : int
        Number of pairs.
    k : int >= 2
        Support size.

    Returns
    -------
    (P, Q) : ndarrays, shape (n, k)
        Rows are probability vectors (entries ≥ 1e-300).

    Examples
    --------
    >>> P, Q = random_pairs(np.random.default_rng(0), 6, 3)
    >>> P.shape, bool(np.allclose(P.sum(1), 1)), bool(np.allclose(Q.sum(1), 1))
    ((6, 3), True, True)
    """
    m = n // 3
    alpha = np.exp(rng.uniform(np.log(0.03), np.log(30), (n, 1)))
    P = rng.gamma(alpha * np.ones((n, k)))
    Q = rng.gamma(alpha[::-1] * np.ones((n, k)))
    P, Q = _normalise(P + 1e-300), _normalise(Q + 1e-300)
    eps = np.exp(rng.uniform(np.log(1e-3), np.log(3), (m, 1)))
    P[m:2 * m] = _normalise(Q[m:2 * m] * np.exp(eps * rng.standard_normal((m, k))))
    w = rng.uniform(0, 1, (n - 2 * m, 1))
    vert = np.eye(k)[rng.integers(0, k, n - 2 * m)]
    P[2 * m:] = _normalise(w * vert + (1 - w) * P[2 * m:])
    return np.clip(P, 1e-300, None) / 1, np.clip(Q, 1e-300, None)


def _ratio(num, den):
    """num/den with x/0 = +inf for x > 0 (a violated bound) and undefined -> -inf (skipped)."""
    r = np.where(den == 0, np.where(num > 0, np.inf, -np.inf), num / np.where(den == 0, 1, den))
    return np.where(np.isnan(r), -np.inf, r)


def _ratio1(num, den):
    """:func:`_ratio` of one pair of float64 scalars (the same IEEE operations, no arrays)."""
    if den == 0:
        return np.inf if num > 0 else -np.inf
    r = num / den
    return -np.inf if r != r else r


def _first(a):
    """The single value of a one-pair evaluation (shape (1,), or a scalar)."""
    return a[0] if type(a) is np.ndarray and a.shape == (1,) else np.ravel(a)[0]


def _terms(div: FDivergence, P, Q):
    """``div._terms_np(P, Q)``, without its masks when every entry is > 0 (same values)."""
    t = div._positive_terms_np(P, Q)
    return div._terms_np(P, Q) if t is None else t


def _normalise(x):
    return x / x.sum(-1, keepdims=True)


def _softmax(a):
    e = np.exp(a - a.max())
    return e / e.sum()


def _softmax_rows(a):
    """:func:`_softmax` of each row of a 2-D array in one pass (the same values: elementwise
    operations, and each row's max and sum reduce the row's contiguous entries in order)."""
    e = np.exp(a - a.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _to_mp(x):
    v = [mpmath.mpf(float(xi)) for xi in x]
    s = mpmath.fsum(v)
    return [vi / s for vi in v]


@dataclasses.dataclass
class SearchResult:
    """Outcome of :func:`search_ratio`.

    Parameters
    ----------
    sup_ratio : float
        Largest lhs/rhs found, re-evaluated at 50 digits.
    points : int
        Number of (P, Q) pairs evaluated.
    argmax : tuple
        (P, Q) at the sup.
    float_max : float
        Largest ratio over all float64 evaluations.

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> r = SearchResult(sup_ratio=0.99, points=10, argmax=(None, None), float_max=0.99)
    >>> r.sup_ratio <= 1
    True
    """

    sup_ratio: float        # largest lhs/rhs found, re-evaluated at 50 digits
    points: int             # number of (P, Q) pairs evaluated
    argmax: tuple           # (P, Q) at the sup
    float_max: float        # largest ratio over all float64 evaluations


def search_ratio(lhs, rhs, rng, *, n: int = 3000, ks=(2, 3, 5, 8), refine: int = 3,
                 maxiter: int = 600, min_tv: float = 1e-4) -> SearchResult:
    """Largest ``lhs(P,Q)/rhs(P,Q)`` over random pairs, then Nelder-Mead ascent.

    Pairs with ``TV < min_tv`` are skipped (both sides vanish there and the
    float ratio is dominated by rounding).  The ``refine`` best random starts
    per ``k`` are improved by Nelder-Mead on softmax parametrisations of
    ``P`` and ``Q``.  The final maximiser is re-evaluated with mpmath at 50
    digits; ``sup_ratio`` is that value.

    Parameters
    ----------
    lhs, rhs : callable
        ``f(P, Q)`` for numpy batches (shape (n, k)) and mpmath lists.
    rng : numpy.random.Generator
        Source of randomness.
    n : int, optional
        Random pairs per support size.
    ks : sequence of int, optional
        Support sizes.
    refine : int, optional
        Nelder-Mead restarts per support size.
    maxiter : int, optional
        Nelder-Mead iterations per restart.
    min_tv : float, optional
        Pairs closer than this in TV are skipped.

    Returns
    -------
    SearchResult

    Examples
    --------
    Pinsker's inequality TV ≤ √(KL/2) is sharp (sup of the ratio = 1, as P → Q):

    >>> ineq = INEQUALITIES["pinsker"]
    >>> res = search_ratio(ineq.lhs, ineq.rhs, np.random.default_rng(0), n=300, ks=(2,),
    ...                    refine=1, maxiter=200)
    >>> bool(res.sup_ratio <= 1), round(res.sup_ratio, 2)
    (True, 1.0)
    """
    best, best_pq, points, fmax = -np.inf, None, 0, -np.inf
    for k in ks:
        P, Q = random_pairs(rng, n, k)
        with np.errstate(all="ignore"):
            keep = TV(P, Q) >= min_tv
            P, Q = P[keep], Q[keep]
            r = _ratio(lhs(P, Q), rhs(P, Q))
        points += len(r)
        fmax = max(fmax, float(r.max()))
        starts = np.argsort(r)[::-1][:refine]
        for i in starts:
            x0 = np.concatenate([np.log(P[i]), np.log(Q[i])])
            x0 = np.maximum(x0, -40)

            def neg(x, k=k):
                pq = _softmax_rows(x.reshape(2, k))
                p, q = pq[:1], pq[1:]
                # a fresh memo per point: TV (the filter) and any divergence both sides use
                # are evaluated once (same values as evaluating them again)
                token = _TRUSTED.set({})
                try:
                    with np.errstate(all="ignore"):
                        if TV(p, q)[0] < min_tv:
                            return 0.0
                        v = float(_ratio1(_first(lhs(p, q)), _first(rhs(p, q))))
                finally:
                    _TRUSTED.reset(token)
                return -v if math.isfinite(v) else (-1e300 if v > 0 else 0.0)

            with _trusted_inputs():     # softmax outputs: valid simplex vectors by construction
                res = minimize(neg, x0, method="Nelder-Mead",
                               options=dict(maxiter=maxiter, xatol=1e-10, fatol=1e-14))
            points += res.nfev
            val = -min(res.fun, neg(x0))
            x = res.x if res.fun <= neg(x0) else x0
            fmax = max(fmax, val)
            if val > best:
                best, best_pq = val, (_softmax(x[:k]), _softmax(x[k:]))
    with mpmath.workdps(50):
        p, q = _to_mp(best_pq[0]), _to_mp(best_pq[1])
        num, den = lhs(p, q), rhs(p, q)
        sup = float(num / den) if den != 0 else (np.inf if num > 0 else 0.0)
    return SearchResult(sup, points, best_pq, fmax)


def search_inequality(name: str, rng, *, scale: float = 1.0, **kw) -> SearchResult:
    """:func:`search_ratio` for ``INEQUALITIES[name]`` with the rhs multiplied by ``scale``.

    ``scale < 1`` is the *perturbed* inequality used to show sharpness.

    Parameters
    ----------
    name : str
        Key in :data:`INEQUALITIES`.
    rng : numpy.random.Generator
        Source of randomness.
    scale : float, optional
        Factor on the rhs; default 1.
    **kw
        Passed to :func:`search_ratio`.

    Returns
    -------
    SearchResult

    Examples
    --------
    The perturbed Pinsker bound 0.9·√(KL/2) is violated (ratio > 1):

    >>> rng = np.random.default_rng(0)
    >>> res = search_inequality("pinsker", rng, scale=0.9, n=300, ks=(2,), refine=1, maxiter=200)
    >>> bool(res.sup_ratio > 1), round(res.sup_ratio, 2)
    (True, 1.11)
    """
    ineq = INEQUALITIES[name]
    return search_ratio(ineq.lhs, lambda P, Q: scale * ineq.rhs(P, Q), rng, **kw)


# ---------------------------------------------------------------------------- convexity

def joint_convexity_margin(div: FDivergence, rng, *, n: int = 2000, ks=(2, 3, 5),
                           refine: int = 3, maxiter: int = 600) -> tuple[float, int]:
    """Smallest relative joint-convexity margin found.

    margin = (lam D(P1||Q1) + (1-lam) D(P2||Q2) - D(Pm||Qm)) / abs(lam D1 + (1-lam) D2)
    with ``Pm = lam P1 + (1-lam) P2`` (same for Q).  Joint convexity of
    ``(P, Q) -> D_f(P||Q)`` (perspective of a convex function) says margin >= 0.
    Random draws, then Nelder-Mead descent from the worst ones; cases with
    ``|lam D1 + (1-lam) D2| < 1e-6`` are skipped (float rounding dominates).
    The worst case is re-evaluated with mpmath at 50 digits.
    Returns ``(worst margin, points)``.

    Parameters
    ----------
    div : FDivergence
        The divergence.
    rng : numpy.random.Generator
        Source of randomness.
    n, ks, refine, maxiter : optional
        Sample size per support size, support sizes, Nelder-Mead restarts and
        iterations.

    Returns
    -------
    (worst, points) : (float, int)
        The smallest margin found (≥ 0 for an f-divergence) and the number
        of evaluations.

    Examples
    --------
    >>> from w2s_theory.fdiv.divergences import KL
    >>> worst, points = joint_convexity_margin(KL, np.random.default_rng(0), n=200, ks=(2,),
    ...                                        refine=1, maxiter=100)
    >>> bool(worst >= 0)
    True
    """
    def margins(P1, Q1, P2, Q2, lam):
        with np.errstate(all="ignore"):
            d1, d2 = _terms(div, P1, Q1).sum(-1), _terms(div, P2, Q2).sum(-1)
            dm = _terms(div, lam * P1 + (1 - lam) * P2, lam * Q1 + (1 - lam) * Q2).sum(-1)
            avg = lam[..., 0] * d1 + (1 - lam[..., 0]) * d2
            m = (avg - dm) / np.abs(avg)   # |avg|: a negative average must not flip the sign
        return np.where(np.isfinite(m) & (np.abs(avg) > 1e-6), m, np.inf)

    def margin1(P1, Q1, P2, Q2, lam):
        """``margins`` of one case (1-D vectors, scalar lam): the same float64 operations on
        scalars instead of (1, k) arrays (the Nelder-Mead objective)."""
        with np.errstate(all="ignore"):
            d1, d2 = _terms(div, P1, Q1).sum(-1), _terms(div, P2, Q2).sum(-1)
            dm = _terms(div, lam * P1 + (1 - lam) * P2, lam * Q1 + (1 - lam) * Q2).sum(-1)
            avg = lam * d1 + (1 - lam) * d2
            m = (avg - dm) / np.abs(avg)
        return m if (math.isfinite(m) and abs(avg) > 1e-6) else np.inf

    worst, worst_case, points = np.inf, None, 0
    for k in ks:
        P1, Q1 = random_pairs(rng, n, k)
        P2, Q2 = random_pairs(rng, n, k)
        lam = rng.uniform(0, 1, (n, 1))
        m = margins(P1, Q1, P2, Q2, lam)
        points += n
        for i in np.argsort(m)[:refine]:
            x0 = np.maximum(np.log(np.concatenate([P1[i], Q1[i], P2[i], Q2[i]])), -40)
            x0 = np.append(x0, np.log(lam[i, 0] / (1 - lam[i, 0])))

            def unpack(x, k=k):
                return (list(_softmax_rows(x[:4 * k].reshape(4, k)))
                        + [1 / (1 + np.exp(-x[-1]))])

            def f(x):
                *ps, lm = unpack(x)
                v = margin1(*ps, lm)
                return v if math.isfinite(v) else 1.0

            res = minimize(f, x0, method="Nelder-Mead", options=dict(maxiter=maxiter))
            points += res.nfev
            if res.fun < worst:
                worst, worst_case = float(res.fun), unpack(res.x)
    # re-evaluate the worst case exactly enough to rule out rounding
    with mpmath.workdps(50):
        *ps, lm = worst_case
        P1, Q1, P2, Q2 = (_to_mp(p) for p in ps)
        lm = mpmath.mpf(float(lm))
        d1, d2 = div(P1, Q1), div(P2, Q2)
        dm = div([lm * a + (1 - lm) * b for a, b in zip(P1, P2)],
                 [lm * a + (1 - lm) * b for a, b in zip(Q1, Q2)])
        avg = lm * d1 + (1 - lm) * d2
        worst = float((avg - dm) / abs(avg))
    return worst, points


def min_ratio_to_tv2(div: FDivergence, rng, *, n: int = 3000, ks=(2, 3, 5, 8),
                     refine: int = 2, maxiter: int = 400) -> SearchResult:
    """Smallest ``D_f(P||Q) / TV(P,Q)^2`` found (as ``1/sup(TV^2/D_f)``).

    A positive infimum means ``D_f(P||Q) > 0`` whenever ``P != Q``.

    Parameters
    ----------
    div : FDivergence
        The divergence.
    rng : numpy.random.Generator
        Source of randomness.
    n, ks, refine, maxiter : optional
        As in :func:`search_ratio`.

    Returns
    -------
    SearchResult
        For the ratio TV²/D_f; ``1 / sup_ratio`` is the smallest D_f/TV².

    Examples
    --------
    For KL, Pinsker gives KL ≥ 2 TV², with equality approached as P → Q:

    >>> from w2s_theory.fdiv.divergences import KL
    >>> res = min_ratio_to_tv2(KL, np.random.default_rng(0), n=300, ks=(2,), refine=1,
    ...                        maxiter=200)
    >>> round(1 / res.sup_ratio, 2)
    2.0
    """
    res = search_ratio(lambda P, Q: TV(P, Q) ** 2, lambda P, Q: div(P, Q), rng, n=n, ks=ks,
                       refine=refine, maxiter=maxiter)
    return res
