"""Derivation helpers for §2.1 in a REPL: the u-parametrisation and the ψ regimes.

The student's MP functionals at (ψ, λ_S) are algebraic in (ψ, λ_S), which is why the
naive SymPy routes (``solve(diff(E_S, lam_S))``, limits in ψ) stall on square roots.
Written in ``u = m_ψ(−λ_S)`` (the Stieltjes transform; ``u`` runs over (0, ∞) for
ψ ≥ 1 and over (0, 1/(1−ψ)) for ψ < 1, with u → 0 as λ_S → ∞) they are *rational*:

    λ_S = (1 − (1−ψ)u) / (u(1+ψu)),      τ1_ψ = u/(1+ψu),
    τ2_ψ = u²(1 + ψ + ψ(ψ−1)u) / ((1+ψu)(1 + 2ψu + ψ(ψ−1)u²)),

so derivatives, optima and series become polynomial algebra (the inverse of the MP
quadratic, Bai & Silverstein 2010, Ch. 3; the parametrisation used for Thm 5 of
Moniri & Hassani 2025, derived in docs/theory/ridge.rst).

SymPy cannot be told ``ψ > 1``; :func:`over_one` and :func:`under_one` substitute
``ψ = 1 + ε`` or ``ψ = 1/(1 + ε)`` with a positive ε, after which SymPy simplifies
``sqrt((ψ−1)²)`` and friends.  Worked sessions: docs/cookbook.rst.

Examples
--------
>>> import sympy as sp
>>> from w2s_theory.ridge import derive as D, symbolic as S
>>> expr, eps = D.over_one(sp.sqrt(S.psi**2 - 2*S.psi + 1))
>>> expr
epsilon_psi
>>> sp.factor(D.STUDENT_IN_U["tau1"])
u/(psi*u + 1)
"""
from __future__ import annotations

import functools

import sympy as sp

from . import symbolic as S

__all__ = ["u", "lam_S_of_u", "STUDENT_IN_U", "in_u", "student_error_in_u",
           "optimality_quartic", "over_one", "under_one", "win_endpoint_series"]

u = S.u
psi, lam_S = S.psi, S.lam_S

#: λ_S as a function of u = m_ψ(−λ_S) (inverse of the MP quadratic).
lam_S_of_u = S.lam_of_u


@functools.lru_cache(maxsize=None)
def _student_functionals_in_u():
    m_prime = -1 / sp.diff(lam_S_of_u, u)          # ∫ dμ/(x+λ)² = −dm/dλ
    p = sp.factor(lam_S_of_u * u)                   # λ m
    b = sp.factor(lam_S_of_u**2 * m_prime)          # λ² m'
    tau1 = sp.factor(1 - p)
    tau2 = sp.factor(1 - 2 * p + b)
    W = sp.factor(p - b)                            # λ v = λ(m − λ m') = p − b
    return {"m": u, "m_prime": sp.factor(m_prime), "p": p, "b": b, "tau1": tau1,
            "tau2": tau2, "W": W}


def __getattr__(name):
    # Built on first use (factoring costs ~1 s), so importing the package stays fast.
    if name == "STUDENT_IN_U":
        #: The student's functionals as rational functions of u (keys: m, m_prime, p, b,
        #: tau1, tau2, W = λ_S v_ψ).
        return _student_functionals_in_u()
    if name == "student_error_in_u":
        #: E_S = σ² + r²(1 − 2τ1_φ τ1_ψ + τ2_φ τ2_ψ) + σ²φv_φ τ2_ψ with the student in u.
        return in_u(S.student_error_moments)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def in_u(expr_moments):
    """Instantiate a moment-form expression with the teacher's functionals and the student's in u.

    Parameters
    ----------
    expr_moments : sympy.Expr
        An expression in the moment symbols of :mod:`w2s_theory.ridge.symbolic`
        (``MOMENTS_T``, ``MOMENTS_S``), e.g. ``S.student_error_moments``.

    Returns
    -------
    sympy.Expr
        In (φ, λ_T, σ², r², ψ, u): rational in u and ψ.

    Examples
    --------
    >>> from w2s_theory.ridge import derive as D, symbolic as S
    >>> E = D.in_u(S.student_error_moments)
    >>> sorted(str(s) for s in E.free_symbols)
    ['lam_T', 'phi', 'psi', 'r2', 'sigma2', 'u']
    """
    student = _student_functionals_in_u()
    sub = {S.MOMENTS_S[k]: student[k] for k in S.MOMENTS_S}
    return S.instantiate(expr_moments.xreplace(sub), teacher="ridge", student="ridge") \
        .xreplace({lam_S: lam_S_of_u})



def optimality_quartic(h=None):
    """The quartic in u whose admissible roots are the stationary points of E_S in λ_S.

    With K = r²τ2_φ + σ²φv_φ and the teacher's level h = 2r²τ1_φ/K, E_S = const −
    K(h τ1_ψ − τ2_ψ); dE_S/du = 0 ⟺ h τ1_ψ'(u) = τ2_ψ'(u), which after clearing the
    (positive) denominators is a polynomial of degree 4 in u.

    Parameters
    ----------
    h : sympy.Expr, optional
        The teacher's level; default the symbol ``h``.

    Returns
    -------
    sympy.Poly
        In u, coefficients in (ψ, h).

    Examples
    --------
    >>> from w2s_theory.ridge import derive as D
    >>> D.optimality_quartic().degree()
    4
    """
    h = sp.Symbol("h", positive=True) if h is None else h
    student = _student_functionals_in_u()
    t1, t2 = student["tau1"], student["tau2"]
    stationary = sp.together(h * sp.diff(t1, u) - sp.diff(t2, u))
    num = sp.numer(sp.factor(stationary))
    # strip factors that never vanish for u > 0 (constants and powers of u)
    coeff, factors = sp.factor_list(num)
    keep = [f**k for f, k in factors if f.has(u) and f != u]
    return sp.Poly(sp.Mul(*keep), u)


def over_one(expr, var=None, name=None):
    """Substitute ``var = 1 + ε`` with ε > 0 (the regime var > 1); return ``(expr, ε)``.

    SymPy cannot state ψ > 1 as an assumption; writing ψ = 1 + ε with a
    positive ε lets it simplify ``sqrt((psi - 1)**2)`` and similar.

    Parameters
    ----------
    expr : sympy.Expr
        Expression to rewrite.
    var : sympy.Symbol, optional
        The variable > 1; default ``S.psi``.
    name : str, optional
        Name of the new symbol; default ``"epsilon_<var>"``.

    Returns
    -------
    (sympy.Expr, sympy.Symbol)
        The simplified expression in ε and the positive symbol ε.

    Examples
    --------
    >>> import sympy as sp
    >>> from w2s_theory.ridge import derive as D, symbolic as S
    >>> D.over_one(sp.sqrt(1 - 1/S.psi))[0]
    sqrt(epsilon_psi)/sqrt(epsilon_psi + 1)
    """
    var = psi if var is None else var
    eps = sp.Symbol(name or f"epsilon_{var}", positive=True)
    return sp.simplify(expr.subs(var, 1 + eps)), eps


def under_one(expr, var=None, name=None):
    """Substitute ``var = 1/(1 + ε)`` with ε > 0 (the regime 0 < var < 1); return ``(expr, ε)``.

    Parameters
    ----------
    expr : sympy.Expr
        Expression to rewrite.
    var : sympy.Symbol, optional
        The variable in (0, 1); default ``S.psi``.
    name : str, optional
        Name of the new symbol; default ``"epsilon_<var>"``.

    Returns
    -------
    (sympy.Expr, sympy.Symbol)
        The simplified expression in ε and the positive symbol ε.

    Examples
    --------
    >>> import sympy as sp
    >>> from w2s_theory.ridge import derive as D, symbolic as S
    >>> D.under_one(sp.sqrt((1 - S.psi)**2))[0]
    epsilon_psi/(epsilon_psi + 1)
    """
    var = psi if var is None else var
    eps = sp.Symbol(name or f"epsilon_{var}", positive=True)
    return sp.simplify(expr.subs(var, 1 / (1 + eps))), eps


def win_endpoint_series(order: int = 2):
    """Series of the Thm 5 win-region endpoints λ₋ < λ₊ in ε = h − 1 → 0⁺ (ψ > 1).

    The endpoints solve g(u) = h, i.e. ``S.endpoint_quadratic`` at c = 1 + ε; its
    small root gives λ₊ (large λ_S) and its large root λ₋.

    Parameters
    ----------
    order : int ≥ 1
        Number of terms kept in each series (``O(ε^order)`` relative to the leading power).

    Returns
    -------
    (sympy.Expr, sympy.Expr, sympy.Symbol)
        λ₋(ε), λ₊(ε) (truncated, coefficients simplified) and ε.

    Examples
    --------
    >>> from w2s_theory.ridge import derive as D
    >>> lo, hi, eps = D.win_endpoint_series(2)
    >>> lo
    epsilon**2*(psi - 1)**2*(2*psi + 1) + epsilon*(psi - 1)**2
    >>> hi
    -2*psi - 1 + 1/epsilon
    """
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be a positive integer; got {order!r}")
    eps = sp.Symbol("epsilon", positive=True)
    q = sp.Poly(S.endpoint_quadratic.subs(S.c, 1 + eps), u)
    a, b, c = q.all_coeffs()
    disc = sp.sqrt(b**2 - 4 * a * c)
    # roots without cancellation for small ε: u_small = 2c/(-b + disc), u_large = (-b + disc)/(2a)
    u_small = 2 * c / (-b + disc)
    u_large = (-b + disc) / (2 * a)
    out = []
    for root, lead in ((u_large, 1), (u_small, -1)):
        lam = lam_S_of_u.subs(u, root)
        ser = sp.series(lam, eps, 0, lead + order).removeO()
        parts = sp.collect(sp.expand(ser), eps, evaluate=False)
        pieces = [sp.factor(sp.simplify(coef)) * power for power, coef in parts.items()]
        out.append(sp.Add(*pieces))
    return out[0], out[1], eps
