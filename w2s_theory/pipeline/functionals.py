"""One-design traces τ_γ(x^a Π (x+λ_i)^(-k_i)) as Marchenko–Pastur functionals.

Two SymPy forms of every atom, both built from :mod:`w2s_theory.rmt.symbolic`:

* **textbook** — from the root ``m = m_root(γ, λ)`` of the MP quadratic and its
  λ-derivatives: ``τ((x+λ)^-(k+1)) = (-1)^k/k! d^k m/dλ^k``, numerators reduced
  with ``x = (x+λ) − λ``, and two distinct shifts by the divided difference
  ``τ((x+λ1)^-1 (x+λ2)^-1) = (m(λ1) − m(λ2))/(λ2 − λ1)`` (partial fractions).
  Used for symbolic work (``simplify``, ``diff``).
* **stable** — the same numbers, arranged for float evaluation: the stable
  ``m``, ``s`` of :data:`w2s_theory.rmt.symbolic.STABLE`, the stable
  ``τ1 = m/(1+γm)`` and ``τ2`` as bases for ``x/(x+λ)^k`` and ``x²/(x+λ)^k``,
  derivatives by the chain rule ``dm/dλ = −m(1+γm)/s``, ``ds/dλ = (a+2γ)/s``,
  and for two shifts (λ_hi ≥ λ_lo) the cancellation-free divided difference

      (m_lo − m_hi)/(λ_hi − λ_lo) = m_lo (1 + γ m_lo) / (s_hi + γ λ_hi (m_lo − m_hi)),

  obtained by subtracting the two MP quadratics; its denominator is ``s_hi``
  plus a non-negative term, and at λ_lo = λ_hi it is ``m'``, so equal or nearly
  equal shifts need no switch.

Three or more distinct shifts on one design raise ``NotImplementedError``.
"""
from __future__ import annotations

import functools

import sympy as sp

from ..rmt import symbolic as mp_sym

_G, _L = mp_sym.gamma, mp_sym.lam


@functools.lru_cache(maxsize=None)
def _m_textbook(gamma, lam):
    return mp_sym.m_root.xreplace({_G: gamma, _L: lam})


@functools.lru_cache(maxsize=None)
def _res_textbook(gamma, lam, k):
    """τ((x+λ)^-k), k ≥ 1, textbook."""
    m = _m_textbook(gamma, lam)
    return (-1) ** (k - 1) * sp.diff(m, lam, k - 1) / sp.factorial(k - 1)


@functools.lru_cache(maxsize=None)
def _res2_textbook(gamma, l1, k1, l2, k2):
    q = (_m_textbook(gamma, l1) - _m_textbook(gamma, l2)) / (l2 - l1)
    q = sp.diff(q, l1, k1 - 1) if k1 > 1 else q
    q = sp.diff(q, l2, k2 - 1) if k2 > 1 else q
    return (-1) ** (k1 + k2) * q / (sp.factorial(k1 - 1) * sp.factorial(k2 - 1))


def _split(lams):
    return {sym: k for _, sym, k in lams if k > 0}


def textbook(gamma, a: int, lams: tuple):
    """τ_γ(x^a Π (x+λ)^-k) in textbook form (``lams`` as in :class:`.free.Mono`).

    Built from the root m = m_γ(−λ) of the Marchenko–Pastur quadratic
    (:data:`w2s_theory.rmt.symbolic.m_root`; Marchenko & Pastur 1967): τ((x+λ)^-(k+1)) =
    (−1)^k/k! d^k m/dλ^k, numerators reduced with x = (x+λ) − λ, two shifts by the
    divided difference (module docstring; ``docs/theory/pipeline.rst``).

    Parameters
    ----------
    gamma : sympy.Expr
        The design's ratio d/n (> 0).
    a : int >= 0
        Power of x.
    lams : tuple
        ``(name, symbol, k)`` factors (x+λ)^-k, at most two distinct shifts.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    NotImplementedError
        For three or more distinct shifts.

    Examples
    --------
    τ((x+1)^-1) at γ = 1/2 against the eigenvalues of a 400 × 400 sample covariance:

    >>> import numpy as np, sympy as sp
    >>> lam = sp.Symbol("lam", positive=True)
    >>> m = textbook(sp.Rational(1, 2), 0, (("lam", lam, 1),))
    >>> X = np.random.default_rng(0).standard_normal((800, 400))
    >>> ev = np.linalg.eigvalsh(X.T @ X / 800)
    >>> round(float(m.subs(lam, 1)), 4), bool(abs(np.mean(1 / (ev + 1)) - float(m.subs(lam, 1))) < 0.005)
    (0.5616, True)
    """
    return _textbook(gamma, a, tuple(sorted(_split(lams).items(), key=lambda t: t[0].name)))


@functools.lru_cache(maxsize=None)
def _textbook(gamma, a, ks):
    if not ks:
        return mp_sym.narayana_moment(gamma, a)
    if len(ks) > 2:
        raise NotImplementedError("a design whose letters use three or more distinct ridge "
                                  f"penalties in one trace ({[str(s) for s, _ in ks]}) is not "
                                  "supported")
    if a == 0:
        if len(ks) == 1:
            return _res_textbook(gamma, ks[0][0], ks[0][1])
        (l1, k1), (l2, k2) = ks
        return _res2_textbook(gamma, l1, k1, l2, k2)
    (l1, k1), rest = ks[0], ks[1:]
    lower = ((l1, k1 - 1),) + rest if k1 > 1 else rest
    # x/(x+λ) = 1 − λ/(x+λ)
    return _textbook(gamma, a - 1, lower) - l1 * _textbook(gamma, a - 1, ks)


def m_symbol(gamma, lam, order=0):
    """Plain symbol for d^order m_γ(−λ)/dλ^order (for identities in terms of m).

    Parameters
    ----------
    gamma, lam : sympy.Expr
    order : int >= 0, default 0

    Returns
    -------
    sympy.Symbol
        Named ``m[γ,λ]``, ``m1[γ,λ]``, ``m2[γ,λ]``, ...

    Examples
    --------
    >>> import sympy as sp
    >>> g, lam = sp.symbols("gamma lam", positive=True)
    >>> m_symbol(g, lam), m_symbol(g, lam, 2)
    (m[gamma,lam], m2[gamma,lam])
    """
    return sp.Symbol(f"m{order or ''}[{gamma},{lam}]")


def in_m(gamma, a: int, lams: tuple):
    """τ_γ(x^a (x+λ)^-k) through the symbols of :func:`m_symbol` (one shift only).

    Uses τ((x+λ)^-(k+1)) = (−1)^k/k! m^(k) and x/(x+λ) = 1 − λ/(x+λ), with m and its
    derivatives left as plain symbols, so identities that follow from these
    definitions alone reduce to rational-function cancellation.

    Parameters
    ----------
    gamma : sympy.Expr
    a : int >= 0
    lams : tuple
        ``(name, symbol, k)`` factors, at most one distinct shift.

    Returns
    -------
    sympy.Expr
        Rational in the :func:`m_symbol` symbols.

    Raises
    ------
    NotImplementedError
        For two distinct shifts.

    Examples
    --------
    >>> import sympy as sp
    >>> g, lam = sp.symbols("gamma lam", positive=True)
    >>> in_m(g, 1, (("lam", lam, 1),))
    -lam*m[gamma,lam] + 1
    """
    ks = tuple(sorted(_split(lams).items(), key=lambda t: t[0].name))
    return _in_m(gamma, a, ks)


@functools.lru_cache(maxsize=None)
def _in_m(gamma, a, ks):
    if not ks:
        return mp_sym.narayana_moment(gamma, a)
    if len(ks) > 1:
        raise NotImplementedError("in_m: two distinct shifts on one design")
    lam, k = ks[0]
    if a == 0:
        return (-1) ** (k - 1) * m_symbol(gamma, lam, k - 1) / sp.factorial(k - 1)
    lower = ((lam, k - 1),) if k > 1 else ()
    return _in_m(gamma, a - 1, lower) - lam * _in_m(gamma, a - 1, ks)


# ----------------------------------------------------------------------------
# stable forms: placeholders M_λ, S_λ (m and s at shift λ), chain-rule derivatives
# ----------------------------------------------------------------------------

class Placeholders:
    """Symbols ``M``, ``S`` standing for the stable m_γ(−λ), s_γ(λ) of each (γ, λ).

    Keeping m and s atomic while differentiating by the chain rule avoids expanding the
    square root; :meth:`substitution` maps them to the stable forms of
    :data:`w2s_theory.rmt.symbolic.STABLE` at the end.

    Examples
    --------
    >>> import sympy as sp
    >>> g, lam = sp.symbols("gamma lam", positive=True)
    >>> ph = Placeholders()
    >>> M, S = ph.get(g, lam)
    >>> ph.get(g, lam) == (M, S), sorted(str(k) for k in ph.substitution())
    (True, ['_M_gamma_lam', '_S_gamma_lam'])
    """

    def __init__(self):
        self.table = {}   # (gamma, lam) -> (M, S)
        self.wtable = {}  # (gamma, lam) -> W = (1-γ)² + 2λ(1+γ) = s² − λ², kept atomic so
        #                   that factor() never expands (1-γ)² (it cancels at γ = 1)

    def w(self, gamma, lam):
        """Atomic symbol for W = (1−γ)² + 2λ(1+γ) = s² − λ² at (γ, λ).

        Kept atomic so that ``factor()`` never expands (1−γ)², which cancels at γ = 1.

        Parameters
        ----------
        gamma, lam : sympy.Expr

        Returns
        -------
        sympy.Dummy

        Examples
        --------
        >>> import sympy as sp
        >>> g, lam = sp.symbols("gamma lam", positive=True)
        >>> ph = Placeholders()
        >>> W = ph.w(g, lam)
        >>> ph.substitution()[W]
        2*lam*(gamma + 1) + (1 - gamma)**2
        """
        key = (gamma, lam)
        if key not in self.wtable:
            self.wtable[key] = sp.Dummy(f"W_{gamma}_{lam}", positive=True)
        return self.wtable[key]

    def get(self, gamma, lam):
        """The placeholder pair (M, S) for m_γ(−λ) and s_γ(λ), created on first use.

        Parameters
        ----------
        gamma, lam : sympy.Expr

        Returns
        -------
        (sympy.Dummy, sympy.Dummy)

        Examples
        --------
        >>> import sympy as sp
        >>> g, lam = sp.symbols("gamma lam", positive=True)
        >>> ph = Placeholders()
        >>> ph.get(g, lam) == ph.get(g, lam)
        True
        """
        key = (gamma, lam)
        if key not in self.table:
            self.table[key] = (sp.Dummy(f"M_{gamma}_{lam}", positive=True),
                               sp.Dummy(f"S_{gamma}_{lam}", positive=True))
        return self.table[key]

    def substitution(self, used=None):
        """Placeholder -> stable expression (only those in ``used``, if given).

        Parameters
        ----------
        used : set of sympy.Symbol, optional
            Restrict to these placeholders.

        Returns
        -------
        dict
            Placeholder -> the stable m of :data:`w2s_theory.rmt.symbolic.STABLE`, s, or W.

        Examples
        --------
        >>> import sympy as sp
        >>> g, lam = sp.symbols("gamma lam", positive=True)
        >>> ph = Placeholders()
        >>> M, S = ph.get(g, lam)
        >>> list(ph.substitution(used={M})) == [M]
        True
        """
        sub = {}
        for (g, l), (M, S) in self.table.items():
            sub[M] = mp_sym.STABLE["m"].xreplace({_G: g, _L: l})
            sub[S] = mp_sym._s.xreplace({_G: g, _L: l})
        for (g, l), W in self.wtable.items():
            sub[W] = (1 - g) ** 2 + 2 * l * (1 + g)
        if used is not None:
            sub = {k: v for k, v in sub.items() if k in used}
        return sub


def _dlam(expr, gamma, lam, ph: Placeholders):
    """d/dλ of an expression in (M_λ, S_λ, λ) by the chain rule."""
    M, S = ph.get(gamma, lam)
    a = mp_sym.shift(gamma, lam)
    W = ph.w(gamma, lam)
    out = (sp.diff(expr, lam) + sp.diff(expr, M) * (-M * (1 + gamma * M) / S)
           + sp.diff(expr, S) * ((a + 2 * gamma) / S) + sp.diff(expr, W) * 2 * (1 + gamma))
    return out


class Stable:
    """Stable atom forms sharing one :class:`Placeholders` table.

    ``tau(gamma, a, lams)`` gives the same number as :func:`textbook`, arranged for
    float evaluation (module docstring): placeholders for m and s, chain-rule
    derivatives and the cancellation-free divided difference for two shifts.

    Examples
    --------
    The stable and textbook forms of τ((x+1)^-1) at γ = 1/2 agree:

    >>> import sympy as sp
    >>> lam = sp.Symbol("lam", positive=True)
    >>> st = Stable()
    >>> t = st.tau(sp.Rational(1, 2), 0, (("lam", lam, 1),))
    >>> stable = float(t.xreplace(st.ph.substitution()).subs(lam, 1))
    >>> exact = float(textbook(sp.Rational(1, 2), 0, (("lam", lam, 1),)).subs(lam, 1))
    >>> abs(stable - exact) < 1e-15
    True
    """

    def __init__(self):
        self.ph = Placeholders()
        self._memo = {}

    def base(self, gamma, lam, which, order):
        """order-th λ-derivative of m (which=0), τ1 (1) or τ2 (2).

        τ1 = τ(x/(x+λ)) = m/(1+γm) and τ2 = τ(x²/(x+λ)²), in placeholders;
        derivatives by the chain rule dm/dλ = −m(1+γm)/s, ds/dλ = (a+2γ)/s (module docstring).

        Parameters
        ----------
        gamma, lam : sympy.Expr
        which : {0, 1, 2}
        order : int >= 0

        Returns
        -------
        sympy.Expr
            In the placeholders of :attr:`ph` and λ.

        Examples
        --------
        dm/dλ in stable form against the derivative of the textbook root at γ = 1/2, λ = 1:

        >>> import sympy as sp
        >>> lam = sp.Symbol("lam", positive=True)
        >>> st = Stable()
        >>> d1 = st.base(sp.Rational(1, 2), lam, 0, 1)
        >>> m = textbook(sp.Rational(1, 2), 0, (("lam", lam, 1),))
        >>> stable = float(d1.xreplace(st.ph.substitution()).subs(lam, 1))
        >>> abs(stable - float(sp.diff(m, lam).subs(lam, 1))) < 1e-15
        True
        """
        key = ("b", gamma, lam, which, order)
        if key in self._memo:
            return self._memo[key]
        if order == 0:
            M, S = self.ph.get(gamma, lam)
            t1 = M / (1 + gamma * M)
            val = (M, t1, t1 * self.ph.w(gamma, lam) / (S * (S + lam)))[which]
        else:
            # factor: the quotient rule leaves differences such as 1/(1+γM) − γM/(1+γM)²
            # that cancel catastrophically when γM is large
            val = sp.factor(_dlam(self.base(gamma, lam, which, order - 1), gamma, lam, self.ph))
        self._memo[key] = val
        return val

    def q(self, gamma, l1, l2, i, j, which=0):
        """∂^i_λ1 ∂^j_λ2 of Q = τ((x+λ1)^-1 (x+λ2)^-1) (which=0) or of
        P = τ(x (x+λ1)^-1 (x+λ2)^-1) = Q/((1+γm1)(1+γm2)) (which=1, no atom at 0);
        a pair (form for λ1 ≥ λ2, form for λ1 < λ2).

        Q at order 0 is the cancellation-free divided difference
        (m(λ_lo) − m(λ_hi))/(λ_hi − λ_lo) of the module docstring.

        Parameters
        ----------
        gamma, l1, l2 : sympy.Expr
        i, j : int >= 0
            Derivative orders in λ1 and λ2.
        which : {0, 1}, default 0

        Returns
        -------
        (sympy.Expr, sympy.Expr)

        Examples
        --------
        Both forms give the divided difference of m at γ = 1/2, (λ1, λ2) = (2, 1):

        >>> import sympy as sp
        >>> l1, l2 = sp.symbols("lam lam2", positive=True)
        >>> st = Stable()
        >>> q = st.q(sp.Rational(1, 2), l1, l2, 0, 0)
        >>> vals = [float(v.xreplace(st.ph.substitution()).subs({l1: 2, l2: 1})) for v in q]
        >>> m = textbook(sp.Rational(1, 2), 0, (("lam", l1, 1),))
        >>> dd = float(m.subs(l1, 1) - m.subs(l1, 2))
        >>> [round(v - dd, 12) for v in vals]
        [0.0, 0.0]
        """
        key = ("q", gamma, l1, l2, i, j, which)
        if key in self._memo:
            return self._memo[key]
        if i == 0 and j == 0:
            M1, S1 = self.ph.get(gamma, l1)
            M2, S2 = self.ph.get(gamma, l2)
            hi1 = M2 * (1 + gamma * M2) / (S1 + gamma * l1 * (M2 - M1))   # valid form, λ1 ≥ λ2
            hi2 = M1 * (1 + gamma * M1) / (S2 + gamma * l2 * (M1 - M2))   # λ2 > λ1
            val = (hi1, hi2)
            if which == 1:
                val = tuple(v / ((1 + gamma * M1) * (1 + gamma * M2)) for v in val)
        else:
            prev = (self.q(gamma, l1, l2, i - 1, j, which) if i > 0
                    else self.q(gamma, l1, l2, i, j - 1, which))
            lam = l1 if i > 0 else l2
            val = tuple(_dlam(p, gamma, lam, self.ph) for p in prev)
        self._memo[key] = val
        return val

    def tau(self, gamma, a: int, lams: tuple):
        """τ_γ(x^a Π (x+λ)^-k) in stable form (``lams`` as in :class:`.free.Mono`).

        Parameters
        ----------
        gamma : sympy.Expr
        a : int >= 0
        lams : tuple
            ``(name, symbol, k)`` factors, at most two distinct shifts (then a Piecewise in
            λ1 ≥ λ2).

        Returns
        -------
        sympy.Expr
            In the placeholders of :attr:`ph`.

        Raises
        ------
        NotImplementedError
            For three or more distinct shifts.

        Examples
        --------
        >>> import sympy as sp
        >>> lam = sp.Symbol("lam", positive=True)
        >>> Stable().tau(sp.Rational(1, 2), 0, (("lam", lam, 1),))
        _M_1/2_lam
        """
        ks = tuple(sorted(_split(lams).items(), key=lambda t: t[0].name))
        return self._tau(gamma, a, ks)

    def _tau(self, gamma, a, ks):
        key = ("t", gamma, a, ks)
        if key in self._memo:
            return self._memo[key]
        if not ks:
            val = mp_sym.narayana_moment(gamma, a)
        elif len(ks) > 2:
            raise NotImplementedError("a design whose letters use three or more distinct ridge "
                                      f"penalties in one trace ({[str(s) for s, _ in ks]}) is "
                                      "not supported")
        elif len(ks) == 1 and (a <= 1 or (a == 2 and ks[0][1] >= 2)):
            lam, k = ks[0]
            # base (x+λ)^-k0 · x^a with k0 = max(a, 1) is m, τ1 or τ2; and
            # d^j/dλ^j (x+λ)^-k0 = (-1)^j k0 (k0+1)…(k0+j-1) (x+λ)^-(k0+j)
            k0 = max(a, 1)
            j = k - k0
            val = (-1) ** j * self.base(gamma, lam, a, j) / sp.rf(k0, j)
        elif len(ks) == 2:
            (l1, _), (l2, _) = ks
            qa, qb = self._tau2(gamma, a, ks)
            val = sp.Piecewise((qa, l1 >= l2), (qb, True))
        else:
            (l1, k1), rest = ks[0], ks[1:]
            lower = ((l1, k1 - 1),) + rest if k1 > 1 else rest
            val = self._tau(gamma, a - 1, lower) - l1 * self._tau(gamma, a - 1, ks)
        self._memo[key] = val
        return val

    def _tau2(self, gamma, a, ks):
        """Two shifts: the pair (form for λ1 ≥ λ2, form for λ1 < λ2).

        Numerators are reduced with x/(x+λ) = 1 − λ/(x+λ) against the *smaller* shift of
        each branch (against the larger one the two terms cancel when it is large).
        """
        return tuple(self._tau2_branch(gamma, a, ks, br) for br in (0, 1))

    def _tau2_branch(self, gamma, a, ks, br):
        key = ("t2", gamma, a, ks, br)
        if key in self._memo:
            return self._memo[key]
        (l1, k1), (l2, k2) = ks
        if a <= 1:
            q = self.q(gamma, l1, l2, k1 - 1, k2 - 1, which=a)[br]
            val = sp.Integer(-1) ** (k1 + k2) * q / (sp.factorial(k1 - 1) * sp.factorial(k2 - 1))
        else:
            i = 1 if br == 0 else 0          # index of the smaller shift in this branch
            lam, k = ks[i]
            other = ks[1 - i]
            lower = tuple(sorted((((lam, k - 1),) if k > 1 else ()) + (other,),
                                 key=lambda t: t[0].name))
            lo = (self._tau2_branch(gamma, a - 1, lower, br) if len(lower) == 2
                  else self._tau(gamma, a - 1, lower))
            val = lo - lam * self._tau2_branch(gamma, a - 1, ks, br)
        self._memo[key] = val
        return val


#: One shared table of stable atoms (placeholders are keyed by (γ, λ), so compiled
#: pipelines can share them; this caches the chain-rule derivatives across compilations).
SHARED = Stable()
