"""Hand-written closed forms of the standard f-divergences, for the claims to compare against.

Nothing here uses a generator ``f`` or SymPy: each divergence is the textbook
sum written out by hand (Csiszar 1967; Tsybakov 2009, Sec. 2.4; Lin 1991 for
JS), in mpmath, with the boundary conventions written out entry by entry.
The logit-gradient coefficients ``a(t) = f(t) - t f'(t)`` and the local
constants ``f''(1)`` below were derived by hand from the generators listed in
:mod:`w2s_theory.fdiv.divergences` (derivations in ``docs/theory/fdiv.rst``),
so a slip in the SymPy generator, in its perspective/limits, or in the
evaluators that lambdify them shows up as a disagreement.

Published values: :data:`PUBLISHED_KL` is the worked example of the
Wikipedia article "Kullback-Leibler divergence" (P = Binomial(2, 0.4),
Q = uniform on {0, 1, 2}), quoted there to the digits given.
"""
from __future__ import annotations

import mpmath

__all__ = ["divergence", "bernoulli_kl", "grad_coefficient", "F2_AT_1", "PUBLISHED_KL", "NAMES"]

NAMES = ("kl", "reverse_kl", "js", "jeffreys", "hellinger2", "chi2", "tv")


def _xlogy(x, y):
    """``x log y`` with ``0 log y = 0`` (also for ``y = 0``)."""
    return mpmath.mpf(0) if x == 0 else x * mpmath.log(y)


def _kl(P, Q):
    out = mpmath.mpf(0)
    for p, q in zip(P, Q):
        if p > 0 and q == 0:
            return mpmath.inf
        out += _xlogy(p, p / q) if p > 0 else 0
    return out


def divergence(name: str, P, Q):
    """``D(P||Q)`` by its textbook sum, in mpmath (``+inf`` where it diverges).

    kl ``sum p log(p/q)``; reverse_kl ``sum q log(q/p)``; js
    ``(KL(P||M) + KL(Q||M))/2``, ``M = (P+Q)/2``; jeffreys ``sum (p-q) log(p/q)``;
    hellinger2 ``sum (sqrt p - sqrt q)^2``; chi2 ``sum (p-q)^2/q``; tv
    ``sum |p-q|/2`` (Csiszar 1967; Tsybakov 2009, Sec. 2.4; Lin 1991 for JS).
    Conventions: ``0 log(0/q) = 0``; ``p > 0 = q`` makes kl, jeffreys and chi2
    infinite.

    Parameters
    ----------
    name : {"kl", "reverse_kl", "js", "jeffreys", "hellinger2", "chi2", "tv"}
        The divergence (:data:`NAMES`).
    P, Q : sequence of real, same length
        Probability vectors (entries ≥ 0 summing to 1; not checked here).

    Returns
    -------
    mpmath.mpf
        The divergence at the working precision, or ``mpmath.inf``.

    Raises
    ------
    ValueError
        For an unknown *name*.

    Examples
    --------
    The worked example of :data:`PUBLISHED_KL` (P = Binomial(2, 0.4), Q uniform):

    >>> import mpmath
    >>> P, Q, kl, rkl = PUBLISHED_KL
    >>> mpmath.nstr(divergence("kl", P, Q), 6), mpmath.nstr(divergence("reverse_kl", P, Q), 6)
    ('0.0852996', '0.097455')
    >>> divergence("tv", [1, 0], [0, 1]), divergence("chi2", [1, 0], [0, 1])
    (mpf('1.0'), mpf('+inf'))
    """
    P = [mpmath.mpf(p) for p in P]
    Q = [mpmath.mpf(q) for q in Q]
    if name == "kl":
        return _kl(P, Q)
    if name == "reverse_kl":
        return _kl(Q, P)
    if name == "js":
        M = [(p + q) / 2 for p, q in zip(P, Q)]
        return (_kl(P, M) + _kl(Q, M)) / 2
    if name == "jeffreys":
        return _kl(P, Q) + _kl(Q, P)
    if name == "hellinger2":
        return mpmath.fsum((mpmath.sqrt(p) - mpmath.sqrt(q)) ** 2 for p, q in zip(P, Q))
    if name == "chi2":
        if any(p > 0 and q == 0 for p, q in zip(P, Q)):
            return mpmath.inf
        return mpmath.fsum((p - q) ** 2 / q for p, q in zip(P, Q) if q > 0)
    if name == "tv":
        return mpmath.fsum(abs(p - q) for p, q in zip(P, Q)) / 2
    raise ValueError(f"name must be one of {NAMES}; got {name!r}")


def bernoulli_kl(p, q):
    """``KL(Bern(p)||Bern(q)) = p log(p/q) + (1-p) log((1-p)/(1-q))``.

    Parameters
    ----------
    p, q : real in [0, 1]
        Success probabilities (``q`` in (0, 1) for a finite value unless ``p = q``).

    Returns
    -------
    mpmath.mpf
        In nats, at the working precision (``+inf`` if ``p > 0 = q`` or ``p < 1 = q``).

    Examples
    --------
    >>> import mpmath
    >>> mpmath.nstr(bernoulli_kl(0.5, 0.25), 12)   # (log 2 + log(2/3))/2 = log(4/3)/2
    '0.143841036226'
    """
    return _kl([mpmath.mpf(p), 1 - mpmath.mpf(p)], [mpmath.mpf(q), 1 - mpmath.mpf(q)])


def grad_coefficient(name: str, t):
    """``a(t) = f(t) - t f'(t)`` derived by hand (``t > 0``; TV at ``t != 1``).

    kl ``-t``; reverse_kl ``1 - log t``; js ``-log((1+t)/2)/2``;
    jeffreys ``1 - t - log t``; hellinger2 ``1 - sqrt t``; chi2 ``1 - t^2``;
    tv ``-sign(t-1)/2``.  The logit gradient of the f-divergence loss is built from
    a(t) (derivation in ``docs/theory/fdiv.rst``); these hand-derived forms check
    the SymPy generators of :mod:`w2s_theory.fdiv.divergences`.

    Parameters
    ----------
    name : {"kl", "reverse_kl", "js", "jeffreys", "hellinger2", "chi2", "tv"}
    t : real > 0
        Likelihood ratio (``t != 1`` for tv).

    Returns
    -------
    mpmath.mpf

    Raises
    ------
    KeyError
        For an unknown *name*.

    Examples
    --------
    >>> grad_coefficient("kl", 2), grad_coefficient("chi2", 2), grad_coefficient("tv", 0.5)
    (mpf('-2.0'), mpf('-3.0'), mpf('0.5'))
    """
    t = mpmath.mpf(t)
    return {"kl": lambda: -t,
            "reverse_kl": lambda: 1 - mpmath.log(t),
            "js": lambda: -mpmath.log((1 + t) / 2) / 2,
            "jeffreys": lambda: 1 - t - mpmath.log(t),
            "hellinger2": lambda: 1 - mpmath.sqrt(t),
            "chi2": lambda: 1 - t ** 2,
            "tv": lambda: -mpmath.sign(t - 1) / 2}[name]()


#: ``f''(1)`` by hand: D_f(P||Q) = f''(1)/2 chi2(P||Q) + O(|P-Q|^3) as P -> Q.
F2_AT_1 = {"kl": 1, "reverse_kl": 1, "js": mpmath.mpf(1) / 4, "jeffreys": 2,
           "hellinger2": mpmath.mpf(1) / 2, "chi2": 2}

#: (P, Q, KL(P||Q), KL(Q||P), digits quoted): Wikipedia, "Kullback-Leibler
#: divergence", basic example (nats).
PUBLISHED_KL = ((mpmath.mpf(9) / 25, mpmath.mpf(12) / 25, mpmath.mpf(4) / 25),
                (mpmath.mpf(1) / 3,) * 3, mpmath.mpf("0.0852996"), mpmath.mpf("0.097455"))
