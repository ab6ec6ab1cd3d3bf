"""SymPy source of truth for the Marchenko–Pastur (MP) law.

MP law with ratio ``gamma`` = d/n: the limiting spectral law of ``XᵀX/n`` for
an n×d matrix X with iid standard entries.  Its Stieltjes transform at the
negative real point ``-lam`` (lam > 0) is

    m = ∫ dμ_γ(x) / (x + lam),

the positive root of ``gamma*lam*m**2 + (1 - gamma + lam)*m - 1 = 0``.

Two families of expressions live here:

* *textbook* forms (``m_root`` and the functionals written with ``1 - lam*m``
  etc.), for users deriving things in a REPL;
* *stable* forms (``STABLE``), algebraically identical, rearranged so that
  float evaluation has no catastrophic cancellation for lam in [1e-12, 1e6]
  and gamma in [1e-3, 1e3].  Code generation uses these.  Their identity with
  the textbook forms is a registered claim (``rmt.stable-forms``).

Derivations of the stable forms (a = 1 - γ + λ, s = √(a² + 4γλ)):

* ``m = 2/(a + s)`` when a ≥ 0, ``(s - a)/(2γλ)`` when a < 0 (rationalised root);
* ``m' := ∫ dμ/(x+λ)² = m(1 + γm)/s`` (implicit differentiation; s = 2γλm + a);
* ``τ1 := ∫ x/(x+λ) dμ = 1 - λm = m/(1 + γm)`` (from the quadratic);
* ``v := ∫ x/(x+λ)² dμ = -dτ1/dλ = m'/(1 + γm)²``;
* ``τ2 := ∫ x²/(x+λ)² dμ = τ1 - λv = τ1 ((1-γ)² + 2λ(1+γ)) / (s (s + λ))``
  (uses s² - λ² = (1-γ)² + 2λ(1+γ) > 0);
* ``p := λm = ∫ λ/(x+λ) dμ`` and ``b := λ²m' = ∫ λ²/(x+λ)² dμ``.
"""
from __future__ import annotations

import sympy as sp

gamma, lam = sp.symbols("gamma lam", positive=True)
z = sp.Symbol("z")
x = sp.Symbol("x", positive=True)
k = sp.Symbol("k", integer=True, positive=True)

a = 1 - gamma + lam
s = sp.sqrt(a**2 + 4 * gamma * lam)


class shift(sp.Function):
    """shift(γ, λ) = (1 - γ) + λ, printed for code generation in that order.

    SymPy's canonical order prints 1 - γ + λ as ``-gamma + lam + 1``; in
    floats (λ - γ) + 1 loses all digits of λ ≈ 1e-12 when γ = 1, while
    (1 - γ) + λ is exact up to one rounding (Sterbenz).  Mathematically it is
    just ``a``; ``.rewrite(sp.Add)`` or ``.doit()`` give the plain expression.

    Parameters
    ----------
    gamma, lam : sympy.Expr
        The two arguments γ and λ.

    Returns
    -------
    shift
        An unevaluated SymPy function with derivative (−1, 1) in (γ, λ).

    Examples
    --------
    >>> a = shift(gamma, lam)
    >>> a.doit(), sp.diff(a, gamma), sp.diff(a, lam)
    (-gamma + lam + 1, -1, 1)
    >>> f = sp.lambdify((gamma, lam), a, modules="math")
    >>> f(1.0, 1e-12)                      # exact; -gamma + lam + 1 would round
    1e-12
    """

    nargs = 2

    def fdiff(self, argindex=1):
        return sp.Integer(-1) if argindex == 1 else sp.Integer(1)

    def doit(self, deep=True, **hints):
        g, l = self.args
        if deep:
            g, l = g.doit(**hints), l.doit(**hints)
        return 1 - g + l

    def _eval_rewrite(self, rule, args, **hints):
        return 1 - args[0] + args[1]

    def _code(self, printer):
        g, l = (printer._print(x) for x in self.args)
        return f"((1 - ({g})) + ({l}))"

    _numpycode = _mpmathcode = _pythoncode = _code

    def _eval_evalf(self, prec):
        return (1 - self.args[0] + self.args[1])._eval_evalf(prec)


_a = shift(gamma, lam)
_s = sp.sqrt(_a**2 + 4 * gamma * lam)

#: Textbook root of the MP quadratic (positive branch).
m_root = (-a + s) / (2 * gamma * lam)
#: The MP quadratic whose positive root is m.
quadratic = gamma * lam * sp.Symbol("m") ** 2 + a * sp.Symbol("m") - 1

_m = sp.Piecewise((2 / (_a + _s), _a >= 0), ((_s - _a) / (2 * gamma * lam), True))
_mp = _m * (1 + gamma * _m) / _s
_tau1 = _m / (1 + gamma * _m)
_v = _mp / (1 + gamma * _m) ** 2
_tau2 = _tau1 * ((1 - gamma) ** 2 + 2 * lam * (1 + gamma)) / (_s * (_s + lam))

#: Stable forms, keyed by name; each is a function of (gamma, lam).
STABLE = {
    "m": _m,
    "m_prime": _mp,
    "tau1": _tau1,
    "tau2": _tau2,
    "v": _v,
    "p": lam * _m,
    "b": lam**2 * _mp,
    # λ m'/m = b/p, the quantity 2 - g of Thm 5
    "b_over_p": lam * (1 + gamma * _m) / _s,
}

#: Textbook forms, keyed like STABLE (what the papers write).
_mt = m_root
_mpt = -sp.diff(m_root, lam)
TEXTBOOK = {
    "m": _mt,
    "m_prime": _mpt,
    "tau1": 1 - lam * _mt,
    "tau2": 1 - 2 * lam * _mt + lam**2 * _mpt,
    "v": _mt - lam * _mpt,
    "p": lam * _mt,
    "b": lam**2 * _mpt,
    "b_over_p": lam * _mpt / _mt,
}


def functional(name: str, gamma_, lam_, stable: bool = False):
    """MP functional ``name`` as a SymPy expression in the given symbols.

    ``name`` is one of ``m, m_prime, tau1, tau2, v, p, b, b_over_p``.  By
    default the textbook form (nicer for ``diff``/``simplify``); pass
    ``stable=True`` for the form used for code generation (it contains the
    :class:`shift` function; ``.doit()`` turns it into plain arithmetic).
    Definitions: Moniri & Hassani (2025), Definition 2 (table in
    :func:`w2s_theory.rmt.marchenko_pastur.mp_functional`).

    Parameters
    ----------
    name : str
        One of ``m, m_prime, tau1, tau2, v, p, b, b_over_p``.
    gamma_, lam_ : sympy.Expr or number
        Values substituted for γ and λ.
    stable : bool, optional
        Return the cancellation-free form (default False).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        If name is unknown.

    Examples
    --------
    >>> functional("p", gamma, lam)
    (gamma - lam + sqrt(4*gamma*lam + (-gamma + lam + 1)**2) - 1)/(2*gamma)
    >>> sp.nsimplify(functional("m", 1, 1))    # 2/(1 + √5)
    -1/2 + sqrt(5)/2
    >>> diff = functional("m", gamma, lam, stable=True) - functional("m", gamma, lam)
    >>> sp.N(diff.subs({gamma: 2, lam: sp.Rational(1, 3)}).doit(), 30)   # same function
    0
    """
    table = STABLE if stable else TEXTBOOK
    if name not in table:
        raise ValueError(f"name must be one of {sorted(table)}; got {name!r}")
    # xreplace: a structural, simultaneous swap (subs sets off slow assumption queries)
    return table[name].xreplace({gamma: sp.sympify(gamma_), lam: sp.sympify(lam_)})


def narayana_moment(gamma_, k_: int):
    """k-th moment of the MP law: Σ_{j<k} γ^j/(j+1) C(k,j) C(k-1,j) (Narayana polynomial).

    Source: Bai & Silverstein (2010), §3.1.

    Parameters
    ----------
    gamma_ : sympy.Expr or number
        The ratio γ.
    k_ : int >= 0
        Order.

    Returns
    -------
    sympy.Expr
        A polynomial in γ of degree k − 1 (1 for k = 0).

    Raises
    ------
    ValueError
        If k is not a non-negative integer.

    Examples
    --------
    >>> [narayana_moment(gamma, j) for j in range(4)]
    [1, 1, gamma + 1, gamma**2 + 3*gamma + 1]
    >>> narayana_moment(1, 4)                 # Catalan number C_4
    14
    """
    if int(k_) != k_ or k_ < 0:
        raise ValueError(f"k must be a non-negative integer; got {k_!r}")
    k_ = int(k_)
    if k_ == 0:
        return sp.Integer(1)
    return sp.expand(sum(sp.Rational(1, j + 1) * sp.binomial(k_, j) * sp.binomial(k_ - 1, j)
                         * gamma_**j for j in range(k_)))


def density(gamma_, x_):
    """Continuous part of the MP density on [(1-√γ)², (1+√γ)²].

    ρ_γ(x) = √((λ₊ − x)(x − λ₋)) / (2πγx) (Marchenko & Pastur 1967; Bai &
    Silverstein 2010, Ch. 3).

    Parameters
    ----------
    gamma_, x_ : sympy.Expr or number
        Ratio γ and point x.

    Returns
    -------
    sympy.Expr
        The density expression (valid for x inside the support).

    Examples
    --------
    >>> density(1, x)
    sqrt(4 - x)/(2*pi*sqrt(x))
    >>> import mpmath
    >>> f = sp.lambdify(x, density(1, x), "mpmath")
    >>> round(float(mpmath.quad(f, [0, 4])), 8)     # total mass 1 (1/√x edge limits quad)
    1.0
    """
    lo, hi = (1 - sp.sqrt(gamma_)) ** 2, (1 + sp.sqrt(gamma_)) ** 2
    return sp.sqrt((hi - x_) * (x_ - lo)) / (2 * sp.pi * gamma_ * x_)


def stieltjes_derivative_expr(order: int):
    """∫ dμ_γ(x)/(x+λ)^(order+1) as a stable SymPy expression in (gamma, lam).

    Built by the chain rule from dm/dλ = -m(1+γm)/s and ds/dλ = (a+2γ)/s,
    so that every order is a rational function of the stable m and s:
    ∫ (x+λ)^-(k+1) dμ = (-1)^k/k! · d^k m/dλ^k.

    Parameters
    ----------
    order : int >= 0
        Derivative order k.

    Returns
    -------
    sympy.Expr
        In the symbols :data:`gamma`, :data:`lam` (with :class:`shift`).

    Raises
    ------
    ValueError
        If order is not a non-negative integer.

    Examples
    --------
    >>> e = stieltjes_derivative_expr(1)
    >>> val = float(e.subs({gamma: sp.Rational(1, 2), lam: sp.Rational(1, 5)}).doit())
    >>> round(val, 12)                   # m'_{1/2}(-1/5)
    2.074970850087
    >>> stieltjes_derivative_expr(-1)
    Traceback (most recent call last):
    ...
    ValueError: order must be a non-negative integer; got -1
    """
    if int(order) != order or order < 0:
        raise ValueError(f"order must be a non-negative integer; got {order!r}")
    M, S = sp.symbols("M S", positive=True)
    dM = -M * (1 + gamma * M) / S
    dS = (_a + 2 * gamma) / S
    expr = M
    for _ in range(int(order)):
        expr = sp.diff(expr, M) * dM + sp.diff(expr, S) * dS + sp.diff(expr, lam)
        expr = sp.factor(sp.together(expr))
    expr = (-1) ** int(order) * expr / sp.factorial(int(order))
    return expr.xreplace({M: _m, S: _s})
