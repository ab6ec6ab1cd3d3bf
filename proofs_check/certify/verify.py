"""Standalone checker for box certificates (JSON files written by ``w2s-check --certify``).

This module is the trusted core of the certification: it imports only the standard
library, SymPy (to *parse* the expression; nothing is ``eval``-ed) and python-flint
(Arb ball arithmetic for rigorous rounding).  It does not import ``w2s_theory`` or the
search engine, so it can be copied next to a certificate and run on its own::

    python verify.py DIR_OR_FILE ...

A certificate is one JSON object (keys as in docs/certified.rst)::

    {"claim": id, "expression": srepr, "relation": ">0" | ">=0" | "<0" | "<=0",
     "parameters": [names], "domain": {name: [lo, hi]}, "excluded": words,
     "boxes": [{name: [lo, hi], ..., "method": ...}, ...],
     "exclusions": [{"expression": srepr, "why": words}],      # optional
     "excluded_boxes": [{name: [lo, hi], ..., "exclusion": k}]} # optional

Bounds are exact: integers, ``"p/q"`` or decimal strings (``"1e-12"``), read as
fractions.  The checker verifies that

1. the expression parses into whitelisted SymPy constructors over the declared parameters;
2. on every box the interval enclosure of the expression has the required sign
   (``"method": "direct"``), or it does after the certified tightening named by the box:
   ``"mean-value"`` (f(c) + ∇f(B)·(B − c), gradient enclosed from the parsed expression:
   SymPy's derivative for small expressions, forward-mode interval differentiation for large) or
   ``"monotone:x,y"`` (the sign of ∂f/∂x on the box is certified, so the extreme value lies
   on the face x = lo or x = hi, which is then checked, and so on for y);
3. every excluded box lies in the named exclusion set {e ≤ 0} (enclosure of e ≤ 0 on the box);
4. boxes and excluded boxes tile the domain exactly: a recursive guillotine decomposition in
   exact rational arithmetic must end with every region equal to exactly one listed box.

Interval arithmetic: an interval is a pair of exact Arb numbers (lo, hi); each operation
computes the endpoint formulas with Arb (rigorous error bounds) and keeps the lower end of the
lower ball and the upper end of the upper ball, so intervals touching 0 stay exact there.  The
expression is compiled once into straight-line Python over such endpoints (see Evaluator).

With ``"boundary": "limits"`` the certificate uses the boundary-by-limits convention: x log x
is 0 at x = 0, log and 1/x of an interval touching 0 give a -inf/+inf end, and derivative
tightenings are used only where the derivative's enclosure is finite (docs/certified.rst).
"""
from __future__ import annotations

import ast
import functools
import json
import pathlib
import sys
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq, fmpz

PREC = 80          # working precision (bits) for box evaluation
#: derivative enclosures: SymPy's derivative (simplified, tighter) evaluated in intervals for
#: expressions whose evaluator has at most this many nodes (``Evaluator.size``), forward-mode
#: interval differentiation of the expression (linear cost) above
SYMBOLIC_DIFF_MAX_NODES = 40
RELATIONS = (">0", ">=0", "<0", "<=0")


class Undecidable(Exception):
    """The enclosure is unbounded or undefined on this box (e.g. log of an interval touching 0)."""


# ----------------------------------------------------------------------------- parsing
_CLASSES = {name: getattr(sp, name) for name in (
    "Symbol", "Integer", "Rational", "Float", "Add", "Mul", "Pow", "exp", "log", "sqrt",
    "Abs", "Piecewise", "StrictLessThan", "LessThan", "StrictGreaterThan",
    "GreaterThan", "And", "Or", "Not", "Max", "Min", "sign")}
_CLASSES["ExprCondPair"] = sp.functions.elementary.piecewise.ExprCondPair
_CONSTANTS = {"pi": sp.pi, "E": sp.E, "true": sp.true, "false": sp.false,
              "Half": sp.S.Half, "One": sp.S.One, "Zero": sp.S.Zero, "NegativeOne": sp.S.NegativeOne}


def parse_srepr(text: str) -> sp.Expr:
    """Rebuild a SymPy expression from its ``srepr`` string without evaluating Python code.

    Only calls of whitelisted SymPy constructors with literal (str/int/float/bool) or nested
    arguments are accepted; anything else raises ValueError.
    """
    if not isinstance(text, str):
        raise ValueError("expression must be a srepr string")
    tree = ast.parse(text, mode="eval").body

    def build(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
                and isinstance(node.operand, ast.Constant):
            return -node.operand.value
        if isinstance(node, ast.Name) and node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if isinstance(node, ast.Tuple):
            return tuple(build(e) for e in node.elts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _CLASSES:
            args = [build(a) for a in node.args]
            kw = {k.arg: build(k.value) for k in node.keywords}
            if node.func.id == "Symbol":
                if not (len(args) == 1 and isinstance(args[0], str)
                        and all(isinstance(v, bool) for v in kw.values())):
                    raise ValueError("Symbol takes a name and boolean assumptions")
            elif node.func.id in ("Integer", "Rational"):
                if not all(isinstance(a, int) for a in args) or kw:
                    raise ValueError(f"{node.func.id} takes integers")
            elif node.func.id == "Float":
                if not (args and isinstance(args[0], str)) or set(kw) - {"precision"}:
                    raise ValueError("Float takes a decimal string and a precision")
            elif not all(isinstance(a, sp.Basic) for a in args) or kw:
                raise ValueError(f"{node.func.id} takes SymPy arguments only")
            return _CLASSES[node.func.id](*args, **kw)
        raise ValueError(f"disallowed syntax in expression: {ast.dump(node)[:80]}")

    out = build(tree)
    if not isinstance(out, sp.Basic):
        raise ValueError("expression did not parse to a SymPy object")
    return out


def frac(x) -> Fraction:
    """Exact bound from an int or a string ``"p/q"``, ``"123"``, ``"1e-12"`` (never a float)."""
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise ValueError(f"bounds must be integers or exact strings; got {x!r}")
    return Fraction(x)


def frac_str(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


# ----------------------------------------------------------------------------- intervals
# An interval is a pair (lo, hi) of *exact* Arb numbers (each computed endpoint is an Arb
# ball; its lower or upper end is kept, so rounding is always outward).  In ``limits`` mode
# an endpoint may also be the float -inf (lower) or +inf (upper): the interval then encloses
# the values of the expression at the points of the box where it is finite (see Evaluator).
NEG, POS = float("-inf"), float("inf")


def _exact(x: Fraction):
    """Interval enclosing the rational x (a point when x is dyadic)."""
    return _exact_at(x.numerator, x.denominator, ctx.prec)


@functools.lru_cache(maxsize=65536)
def _exact_at(num: int, den: int, prec: int):
    a = arb(fmpq(fmpz(num), fmpz(den)))
    return (a.lower(), a.upper())


def _lo(b):
    v = b.lower()
    if v.is_nan():
        raise Undecidable("nan")
    return v


def _hi(b):
    v = b.upper()
    if v.is_nan():
        raise Undecidable("nan")
    return v


# -- finite endpoints (default mode): plain Arb, no infinities can arise -----------------
def f_mul(al, ah, bl, bh):
    """Product of two intervals by the sign table (two endpoint products, four if both
    straddle 0)."""
    if al >= 0:
        if bl >= 0:
            return (al * bl).lower(), (ah * bh).upper()
        if bh <= 0:
            return (ah * bl).lower(), (al * bh).upper()
        return (ah * bl).lower(), (ah * bh).upper()
    if ah <= 0:
        if bl >= 0:
            return (al * bh).lower(), (ah * bl).upper()
        if bh <= 0:
            return (ah * bh).lower(), (al * bl).upper()
        return (al * bh).lower(), (al * bl).upper()
    if bl >= 0:
        return (al * bh).lower(), (ah * bh).upper()
    if bh <= 0:
        return (ah * bl).lower(), (al * bl).upper()
    x, y = (al * bh).lower(), (ah * bl).lower()
    u, v = (al * bl).upper(), (ah * bh).upper()
    return (x if x < y else y), (u if u > v else v)


def f_inv(al, ah):
    if al > 0 or ah < 0:
        return (1 / ah).lower(), (1 / al).upper()
    raise Undecidable("division by an interval containing 0")


def f_pow(al, ah, n):
    """x**n for an integer n >= 1."""
    if n % 2 == 1 or al >= 0:
        return (al ** n).lower(), (ah ** n).upper()
    if ah <= 0:
        return (ah ** n).lower(), (al ** n).upper()
    u, v = (al ** n).upper(), (ah ** n).upper()
    return _ZERO, (u if u > v else v)


def f_sqrt(al, ah):
    if al < 0:
        raise Undecidable("sqrt of an interval reaching below 0")
    return al.sqrt().lower(), ah.sqrt().upper()


def f_exp(al, ah):
    h = _hi(ah.exp())
    if not h.is_finite():
        raise Undecidable("exp overflow")
    return al.exp().lower(), h


def f_log(al, ah):
    if not al > 0:
        raise Undecidable("log of an interval reaching 0")
    return al.log().lower(), ah.log().upper()


def _xlogx_pt(x):
    """x log x as a ball (0 at x = 0)."""
    return _ZERO if x == 0 else x * x.log()


def f_xlogx(al, ah):
    """x log x by monotonicity (decreasing on [0, 1/e], increasing on [1/e, oo)); the
    product rule would lose the dependency between x and log x."""
    if not al > 0:
        raise Undecidable("log of an interval reaching 0")
    return _xlogx(al, ah)


def _xlogx(al, ah):
    if _EINV is None:
        _set_einv()
    if ah <= _EINV[0]:
        return _xlogx_pt(ah).lower(), _xlogx_pt(al).upper()
    if al >= _EINV[1]:
        return _xlogx_pt(al).lower(), _xlogx_pt(ah).upper()
    u, v = _xlogx_pt(al).upper(), _xlogx_pt(ah).upper()
    return (-_EINV[1]), (u if u > v else v)


def f_abs(al, ah):
    if al >= 0:
        return al, ah
    if ah <= 0:
        return -ah, -al
    return _ZERO, (-al if -al > ah else ah)


def f_sign(al, ah):
    return (arb(-1 if al < 0 else 1 if al > 0 else 0),
            arb(-1 if ah < 0 else 1 if ah > 0 else 0))


def f_lt(x, y):
    return x < y


def f_cmp(al, ah, bl, bh):
    """Three-valued sign of a - b: -1, 0 (a == b as points), 1, or None (undecided)."""
    if ah < bl:
        return -1
    if al > bh:
        return 1
    if al == ah == bl == bh:
        return 0
    return None


# -- extended endpoints (limits mode): -inf / +inf allowed, 0 * oo = 0 -------------------
def _isinf(x):
    return x.__class__ is float


def x_lt(x, y):
    """x < y for endpoints (finite Arb or ±inf floats)."""
    if _isinf(x) or _isinf(y):
        return (x if _isinf(x) else 0.0) < (y if _isinf(y) else 0.0)
    return x < y


def _xmin(a, b):
    return b if x_lt(b, a) else a


def _xmax(a, b):
    return b if x_lt(a, b) else a


def _xsign(x):
    if _isinf(x):
        return 1 if x > 0 else -1
    return 1 if x > 0 else (-1 if x < 0 else 0)


def _xprod(a, b, upper):
    """One endpoint product, rounded down (upper=False) or up; 0 * oo = 0 (closure of the
    set of finite products)."""
    if _isinf(a) or _isinf(b):
        s = _xsign(a) * _xsign(b)
        return _ZERO if s == 0 else (POS if s > 0 else NEG)
    p = a * b
    return p.upper() if upper else p.lower()


def x_add(ls, hs):
    if not any(x.__class__ is float for x in ls + hs):       # fast path: all finite
        lo, hi = ls[0], hs[0]
        for x in ls[1:]:
            lo = lo + x
        for x in hs[1:]:
            hi = hi + x
        return lo.lower(), hi.upper()
    lo = hi = _ZERO
    for x in ls:
        if _isinf(x):
            lo = NEG
            break
        lo = lo + x
    for x in hs:
        if _isinf(x):
            hi = POS
            break
        hi = hi + x
    return (lo if _isinf(lo) else lo.lower()), (hi if _isinf(hi) else hi.upper())


def x_mul(al, ah, bl, bh):
    if float not in (al.__class__, ah.__class__, bl.__class__, bh.__class__):
        return f_mul(al, ah, bl, bh)
    lo = _xprod(al, bl, False)
    hi = _xprod(al, bl, True)
    for a, b in ((al, bh), (ah, bl), (ah, bh)):
        lo = _xmin(lo, _xprod(a, b, False))
        hi = _xmax(hi, _xprod(a, b, True))
    return lo, hi


def x_inv(al, ah):
    if x_lt(_ZERO, al) or x_lt(ah, _ZERO):
        return ((_ZERO if _isinf(ah) else (1 / ah).lower()),
                (_ZERO if _isinf(al) else (1 / al).upper()))
    if not _isinf(al) and al == 0 and x_lt(_ZERO, ah):     # (0, ah]: 1/x in [1/ah, oo)
        return (_ZERO if _isinf(ah) else (1 / ah).lower()), POS
    if not _isinf(ah) and ah == 0 and x_lt(al, _ZERO):     # [al, 0): 1/x in (-oo, 1/al]
        return NEG, (_ZERO if _isinf(al) else (1 / al).upper())
    raise Undecidable("division by an interval containing 0 inside")


def _xpow_pt(x, n, upper):
    if _isinf(x):
        return x ** n
    p = x ** n
    return p.upper() if upper else p.lower()


def x_pow(al, ah, n):
    if n % 2 == 1 or not x_lt(al, _ZERO):
        return _xpow_pt(al, n, False), _xpow_pt(ah, n, True)
    if not x_lt(_ZERO, ah):
        return _xpow_pt(ah, n, False), _xpow_pt(al, n, True)
    return _ZERO, _xmax(_xpow_pt(al, n, True), _xpow_pt(ah, n, True))


def x_sqrt(al, ah):
    if x_lt(al, _ZERO):
        raise Undecidable("sqrt of an interval reaching below 0")
    return al.sqrt().lower(), (ah if _isinf(ah) else ah.sqrt().upper())


def x_exp(al, ah):
    lo = _ZERO if _isinf(al) else al.exp().lower()
    if _isinf(ah):
        return lo, POS
    h = _hi(ah.exp())
    return lo, (h if h.is_finite() else POS)


def x_log(al, ah):
    if x_lt(al, _ZERO) or not x_lt(_ZERO, ah):
        raise Undecidable("log of an interval reaching below 0, or of [0, 0]")
    lo = NEG if al == 0 else al.log().lower()
    return lo, (ah if _isinf(ah) else ah.log().upper())


def x_xlogx(al, ah):
    if x_lt(al, _ZERO):
        raise Undecidable("x log x of an interval reaching below 0")
    if _isinf(ah):
        return (_xlogx(al, _ONE)[0] if x_lt(al, _ONE) else _xlogx_pt(al).lower()), POS
    return _xlogx(al, ah)


def x_abs(al, ah):
    if not x_lt(al, _ZERO):
        return al, ah
    if not x_lt(_ZERO, ah):
        return -ah, -al
    return _ZERO, _xmax(-al, ah)


def x_sign(al, ah):
    return arb(_xsign(al)), arb(_xsign(ah))


def x_cmp(al, ah, bl, bh):
    if x_lt(ah, bl):
        return -1
    if x_lt(bh, al):
        return 1
    if not any(_isinf(v) for v in (al, ah, bl, bh)) and al == ah == bl == bh:
        return 0
    return None


def _nonzero(al, ah):
    if not (x_lt(_ZERO, al) or x_lt(ah, _ZERO)):
        raise Undecidable("sign of an interval reaching 0 has no derivative")


def _cond_and(rs):
    return False if False in rs else (True if all(r is True for r in rs) else None)


def _cond_or(rs):
    return True if True in rs else (False if all(r is False for r in rs) else None)


def _cond_not(r):
    return None if r is None else not r


_ZERO, _ONE = arb(0), arb(1)
_EINV = None      # enclosure of 1/e, set at first use (depends on ctx.prec)


def _set_einv():
    global _EINV
    e = arb(-1).exp()
    _EINV = (e.lower(), e.upper())


_OPS = {
    False: dict(MUL=f_mul, INV=f_inv, POW=f_pow, SQRT=f_sqrt, EXP=f_exp, LOG=f_log,
                XLOGX=f_xlogx, ABS=f_abs, SIGN=f_sign, CMP=f_cmp, LT=f_lt, ADD=x_add),
    True: dict(MUL=x_mul, INV=x_inv, POW=x_pow, SQRT=x_sqrt, EXP=x_exp, LOG=x_log,
               XLOGX=x_xlogx, ABS=x_abs, SIGN=x_sign, CMP=x_cmp, LT=x_lt, ADD=x_add),
}


_CONSTANTS_CACHE: dict = {}


class _CodeGen:
    """Emits straight-line Python over interval endpoints for a list of SymPy expressions.

    Identical sub-expressions are evaluated once (hash-consing over the tree); branches of a
    ``Piecewise`` are emitted inside ``if`` blocks, so a branch is evaluated only where its
    condition may hold (what is undefined there, e.g. √ of a negative, raises nothing).  The
    source text is built only from the tree's node types and integer indices; names and
    numbers of the expression never enter it (constants are passed as a list).
    """

    def __init__(self, names, strict, limits, inline_consts=False, ad=False):
        self.names, self.strict, self.limits = list(names), strict, limits
        self.ad, self.dv = ad, {}
        self.inline_consts = inline_consts
        self._cc = {}
        self.head, self.body, self.consts, self.k = [], [], [], 0
        self.top = {}
        self.roots = ()

    def _isconst(self, e):
        """No free symbol in e (memoised: SymPy's free_symbols walks the whole subtree)."""
        v = self._cc.get(e)
        if v is None:
            v = self._cc[e] = not isinstance(e, sp.Symbol) and all(
                self._isconst(a) for a in e.args)
        return v

    # -- forward-mode differentiation: node k's partials are nodes dv[k][i] (absent = 0)
    def _num(self, q):
        e = sp.Rational(q.numerator, q.denominator) if isinstance(q, Fraction) else sp.Integer(q)
        if e not in self.top:
            self.top[e] = self._const(_exact(Fraction(q)))
        return self.top[e]

    def _dadd(self, ind, ks):
        if len(ks) == 1:
            return ks[0]
        k = self._new()
        self._w(ind, f"l{k}, h{k} = ADD(({', '.join(f'l{j}' for j in ks)},), "
                     f"({', '.join(f'h{j}' for j in ks)},))")
        return k

    def _dmul(self, ind, a, b):
        k = self._new()
        self._w(ind, f"l{k}, h{k} = MUL(l{a}, h{a}, l{b}, h{b})")
        return k

    def _dneg(self, ind, a):
        k = self._new()
        self._w(ind, f"l{k}, h{k} = -h{a}, -l{a}")
        return k

    def _pw(self, ind, a, n):
        if n == 1:
            return a
        k = self._new()
        self._w(ind, f"l{k}, h{k} = POW(l{a}, h{a}, {n})")
        return k

    def _sq(self, ind, a):
        k = self._new()
        self._w(ind, f"l{k}, h{k} = SQRT(l{a}, h{a})")
        return k

    def _new(self):
        self.k += 1
        return self.k

    def _const(self, iv):
        k = self._new()
        self.consts.append(iv)
        self.head.append(f"    l{k}, h{k} = K[{len(self.consts) - 1}]")
        return k

    def _w(self, ind, s):
        self.body.append("    " * ind + s)

    @staticmethod
    def _look(e, scopes):
        for s in reversed(scopes):
            if e in s:
                return s[e]
        return None

    def emit(self, e, scopes, ind):
        k = self._look(e, scopes)
        if k is not None:
            return k
        if isinstance(e, sp.Symbol):
            raise ValueError(f"expression has undeclared symbol {e.name!r}")
        if not e.is_Atom and self._isconst(e) and e not in self.roots \
                and not self.inline_consts:
            # a constant sub-expression (e.g. √5): enclosed once, at compile time
            key = (e, self.limits, ctx.prec)
            if key not in _CONSTANTS_CACHE:
                _CONSTANTS_CACHE[key] = Evaluator(e, [], limits=self.limits, _inline=True)({})
            k = self._const(_CONSTANTS_CACHE[key])
            self.top[e] = k
            return k
        if e.is_Rational:
            k = self._const(_exact(Fraction(int(e.p), int(e.q))))
            self.top[e] = k
            return k
        if isinstance(e, sp.Float):
            sign, man, exp, _ = e._mpf_          # exact binary value of the Float
            if man == 0 and exp != 0:
                raise ValueError(f"non-finite Float {e}")
            v = Fraction(int(man)) * (Fraction(2) ** int(exp))
            k = self._const(_exact(-v if sign else v))
            self.top[e] = k
            return k
        if e is sp.pi or e is sp.E:
            c = arb.pi() if e is sp.pi else arb(1).exp()
            k = self._const((c.lower(), c.upper()))
            self.top[e] = k
            return k
        w = self._w
        ad, dv = self.ad, self.dv
        if isinstance(e, sp.Add):
            ks = [self.emit(a, scopes, ind) for a in e.args]
            k = self._new()
            if self.limits:
                w(ind, f"l{k}, h{k} = ADD(({', '.join(f'l{j}' for j in ks)},), "
                       f"({', '.join(f'h{j}' for j in ks)},))")
            else:
                w(ind, f"l{k} = ({' + '.join(f'l{j}' for j in ks)}).lower()")
                w(ind, f"h{k} = ({' + '.join(f'h{j}' for j in ks)}).upper()")
            if ad:
                dv[k] = {i: self._dadd(ind, [dv[j][i] for j in ks if i in dv.get(j, {})])
                         for i in sorted({i for j in ks for i in dv.get(j, {})})}
        elif isinstance(e, sp.Mul):
            args = list(e.args)
            neg = False
            if args[0] == -1:
                neg, args = True, args[1:]
            # x log x pairs: a factor A together with log(A)
            ks = []
            for a in list(args):
                if isinstance(a, sp.log) and a in args and a.args[0] in args:
                    args.remove(a)
                    args.remove(a.args[0])
                    j = self.emit(a.args[0], scopes, ind)
                    kx = self._new()
                    w(ind, f"l{kx}, h{kx} = XLOGX(l{j}, h{j})")
                    if ad and dv.get(j):             # (x log x)' = (log x + 1) x'
                        lg = self._new()
                        w(ind, f"l{lg}, h{lg} = LOG(l{j}, h{j})")
                        lg = self._dadd(ind, [lg, self._num(1)])
                        dv[kx] = {i: self._dmul(ind, lg, d) for i, d in dv[j].items()}
                    ks.append(kx)
            ks += [self.emit(a, scopes, ind) for a in args]
            k = ks[0]
            for j in ks[1:]:
                kk = self._new()
                w(ind, f"l{kk}, h{kk} = MUL(l{k}, h{k}, l{j}, h{j})")
                if ad:
                    dk, dj = dv.get(k, {}), dv.get(j, {})
                    dv[kk] = {i: self._dadd(ind, ([self._dmul(ind, dk[i], j)] if i in dk else [])
                                            + ([self._dmul(ind, k, dj[i])] if i in dj else []))
                              for i in sorted(set(dk) | set(dj))}
                k = kk
            if neg:
                kk = self._new()
                w(ind, f"l{kk}, h{kk} = -h{k}, -l{k}")
                if ad:
                    dv[kk] = {i: self._dneg(ind, d) for i, d in dv.get(k, {}).items()}
                k = kk
        elif isinstance(e, sp.Pow):
            b, x = e.args
            if x.is_Integer or (x.is_Rational and x.q == 2):
                jb = j = self.emit(b, scopes, ind)
                n = int(x) if x.is_Integer else int(x.p)
                if not x.is_Integer:
                    k = self._new()
                    w(ind, f"l{k}, h{k} = SQRT(l{j}, h{j})")
                    j = k
                if abs(n) != 1:
                    k = self._new()
                    w(ind, f"l{k}, h{k} = POW(l{j}, h{j}, {abs(n)})")
                    j = k
                if n < 0:
                    k = self._new()
                    w(ind, f"l{k}, h{k} = INV(l{j}, h{j})")
                    j = k
                k = j
                if ad and dv.get(jb):
                    xq = Fraction(int(x.p), int(x.q))
                    if x.is_Integer and n >= 2:      # n b^(n-1) b'
                        f = jb if n == 2 else self._pw(ind, jb, n - 1)
                    elif not x.is_Integer and n >= 3:  # (n/2) √b^(n-2) b'
                        f = self._pw(ind, self._sq(ind, jb), n - 2)
                    else:                            # x b^x / b · b' (b bounded away from 0)
                        f = self._new()
                        w(ind, f"l{f}, h{f} = INV(l{jb}, h{jb})")
                        f = self._dmul(ind, k, f)
                    f = self._dmul(ind, self._num(xq), f)
                    dv[k] = {i: self._dmul(ind, f, d) for i, d in dv[jb].items()}
            else:                                    # b**x = exp(x log b)
                jb, jx = self.emit(b, scopes, ind), self.emit(x, scopes, ind)
                lg = self._new()
                w(ind, f"l{lg}, h{lg} = LOG(l{jb}, h{jb})")
                k = self._new()
                w(ind, f"l{k}, h{k} = MUL(l{jx}, h{jx}, l{lg}, h{lg})")
                w(ind, f"l{k}, h{k} = EXP(l{k}, h{k})")
                if ad and (dv.get(jb) or dv.get(jx)):
                    db, dx = dv.get(jb, {}), dv.get(jx, {})
                    if db:
                        ib = self._new()
                        w(ind, f"l{ib}, h{ib} = INV(l{jb}, h{jb})")
                        ib = self._dmul(ind, jx, ib)
                    out = {}
                    for i in sorted(set(db) | set(dx)):
                        t = ([self._dmul(ind, dx[i], lg)] if i in dx else []) \
                            + ([self._dmul(ind, ib, db[i])] if i in db else [])
                        out[i] = self._dmul(ind, k, self._dadd(ind, t))
                    dv[k] = out
        elif isinstance(e, (sp.exp, sp.log, sp.Abs, sp.sign)):
            j = self.emit(e.args[0], scopes, ind)
            f = {sp.exp: "EXP", sp.log: "LOG", sp.Abs: "ABS", sp.sign: "SIGN"}[type(e)]
            k = self._new()
            w(ind, f"l{k}, h{k} = {f}(l{j}, h{j})")
            if ad and dv.get(j):
                if f == "SIGN":                      # derivative 0 where the sign is decided
                    w(ind, f"NONZERO(l{j}, h{j})")
                else:
                    if f == "EXP":
                        g = k
                    else:
                        g = self._new()
                        w(ind, f"l{g}, h{g} = {'INV' if f == 'LOG' else 'SIGN'}(l{j}, h{j})")
                    dv[k] = {i: self._dmul(ind, g, d) for i, d in dv[j].items()}
        elif isinstance(e, (sp.Max, sp.Min)):
            ks = [self.emit(a, scopes, ind) for a in e.args]
            if ad and any(dv.get(j) for j in ks):
                raise ValueError("no derivative enclosure for Max/Min")
            k = self._new()
            # Max: the new end replaces the old one if old < new; Min: if new < old
            lt = "LT({a}, {b})" if isinstance(e, sp.Max) else "LT({b}, {a})"
            w(ind, f"l{k}, h{k} = l{ks[0]}, h{ks[0]}")
            for j in ks[1:]:
                w(ind, f"l{k} = l{j} if {lt.format(a=f'l{k}', b=f'l{j}')} else l{k}")
                w(ind, f"h{k} = h{j} if {lt.format(a=f'h{k}', b=f'h{j}')} else h{k}")
        elif isinstance(e, sp.Piecewise):
            k = self._new()
            w(ind, f"l{k} = None")
            w(ind, f"d{k} = False")
            dvars = {}
            if ad:      # derivative of the branch that applies (joined where several may)
                ids = {n: i for i, n in enumerate(self.names)}
                for s in sorted({ids[s.name] for s in e.free_symbols}):
                    dvars[s] = self._new()
                    w(ind, f"l{dvars[s]} = None")
            for x, c in e.args:
                w(ind, f"if not d{k}:")
                inner = scopes + [{}]
                r = self.cond(c, inner, ind + 1)
                if self.strict:
                    w(ind + 1, f"if {r} is None:")
                    w(ind + 2, "raise Undecidable('Piecewise condition undecided where "
                               "smoothness is needed')")
                w(ind + 1, f"if {r} is not False:")
                j = self.emit(x, inner + [{}], ind + 2)
                for kk, jj in [(k, j)] + [(dk, dv.get(j, {}).get(i, self._num(0)))
                                          for i, dk in dvars.items()]:
                    w(ind + 2, f"if l{kk} is None:")
                    w(ind + 3, f"l{kk}, h{kk} = l{jj}, h{jj}")
                    w(ind + 2, "else:")
                    w(ind + 3, f"l{kk} = l{jj} if LT(l{jj}, l{kk}) else l{kk}")
                    w(ind + 3, f"h{kk} = h{jj} if LT(h{kk}, h{jj}) else h{kk}")
                w(ind + 2, f"d{k} = {r} is True")
            w(ind, f"if not d{k}:")
            w(ind + 1, "raise Undecidable('no Piecewise branch certainly applies')")
            if dvars:
                dv[k] = dvars
        else:
            raise ValueError(f"unsupported expression node {type(e).__name__}: {e}")
        scopes[-1][e] = k
        return k

    def cond(self, c, scopes, ind):
        """Emit a three-valued condition; returns the name of its variable."""
        k = self._new()
        if c is sp.true or c is sp.false:
            self._w(ind, f"r{k} = {bool(c)}")
        elif isinstance(c, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan,
                            sp.GreaterThan)):
            a, b = self.emit(c.lhs, scopes, ind), self.emit(c.rhs, scopes, ind)
            test = {sp.StrictLessThan: "< 0", sp.LessThan: "<= 0", sp.StrictGreaterThan: "> 0",
                    sp.GreaterThan: ">= 0"}[type(c)]
            self._w(ind, f"s{k} = CMP(l{a}, h{a}, l{b}, h{b})")
            self._w(ind, f"r{k} = None if s{k} is None else s{k} {test}")
        elif isinstance(c, (sp.And, sp.Or)):
            rs = [self.cond(a, scopes, ind) for a in c.args]
            f = "AND" if isinstance(c, sp.And) else "OR"
            self._w(ind, f"r{k} = {f}([{', '.join(rs)}])")
        elif isinstance(c, sp.Not):
            r = self.cond(c.args[0], scopes, ind)
            self._w(ind, f"r{k} = NOT({r})")
        else:
            raise ValueError(f"unsupported condition {c}")
        return f"r{k}"

    def build(self, exprs):
        scopes = [self.top]
        self.roots = set(exprs)
        for i, n in enumerate(self.names):
            k = self._new()
            self.head.append(f"    l{k}, h{k} = X[{i}]")
            self.top[sp.Symbol(n)] = k
            if self.ad:
                self.dv[k] = {i: self._num(1)}
        outs = []
        for e in exprs:
            # symbols with assumptions differ from Symbol(n): map each free symbol to its slot
            for s in e.free_symbols:
                if s not in self.top:
                    if s.name not in self.names:
                        raise ValueError(f"expression has undeclared symbols {[s.name]}")
                    self.top[s] = self.top[sp.Symbol(s.name)]
            k = self.emit(e, scopes, 1)
            outs.append(k)
            if self.ad:     # then the partial derivatives, in parameter order
                outs += [self.dv.get(k, {}).get(i, self._num(0)) for i in range(len(self.names))]
        src = ["def _ev(X, K):"] + self.head + self.body
        src.append("    return (" + ", ".join(f"(l{k}, h{k})" for k in outs) + ",)")
        ns = dict(_OPS[self.limits], Undecidable=Undecidable, AND=_cond_and, OR=_cond_or,
                  NOT=_cond_not, NONZERO=_nonzero)
        exec(compile("\n".join(src), "<certify-evaluator>", "exec"), ns)  # noqa: S102 - see class doc
        return ns["_ev"], "\n".join(src)


class Evaluator:
    """Interval evaluator generated from a SymPy expression (or a list of them).

    The tree is compiled once into straight-line Python over interval endpoints (identical
    sub-expressions evaluated once per box; ``Piecewise`` branches only where they may apply);
    :meth:`__call__` runs it on a box given as ``{name: (Fraction lo, Fraction hi)}`` and
    :meth:`run` on pre-converted endpoints.  A product ``A·log(A)`` is enclosed as x log x by
    monotonicity.

    strict : every Piecewise condition must be decided on the box, so that on the box the
        expression is one smooth branch (required where derivatives are used).
    limits : endpoints may be ±inf; the enclosure then contains the value of the expression
        at every point of the box where all its sub-expressions are finite, with x log x read
        as 0 at x = 0 (log and 1/x of an interval touching 0 give an infinite end instead of
        failing).  Without it, any such box is undecidable.
    """

    def __init__(self, expr, names, strict: bool = False, limits: bool = False,
                 _inline: bool = False, ad: bool = False):
        if _EINV is None:
            _set_einv()
        self.exprs = list(expr) if isinstance(expr, (list, tuple)) else [expr]
        self.expr = expr
        self.strict, self.limits = strict, limits
        self.names = list(names)
        extra = {s.name for e in self.exprs for s in e.free_symbols} - set(self.names)
        if extra:
            raise ValueError(f"expression has undeclared symbols {sorted(extra)}")
        gen = _CodeGen(self.names, strict, False, _inline, ad)
        self._fn, self.source = gen.build(self.exprs)
        self._consts = gen.consts
        self.size = gen.k          # nodes allocated by the code generator
        self._ext = None
        if limits:
            # the finite-endpoint code first (fast); the extended-real code only on boxes where
            # it fails (log, 1/x at 0, x log x at 0, exp overflow): both are enclosures
            gen = _CodeGen(self.names, strict, True, _inline, ad)
            self._ext, self.source_limits = gen.build(self.exprs)
            self._ext_consts = gen.consts
        self._multi = isinstance(expr, (list, tuple)) or ad

    def points(self, box):
        """Endpoints of the box's sides as exact Arb numbers, in parameter order."""
        out = []
        for n in self.names:
            lo, hi = box[n]
            out.append((_exact(lo)[0], _exact(hi)[1]))
        return out

    def run(self, xs):
        try:
            out = self._fn(xs, self._consts)
        except Undecidable:
            if self._ext is None:
                raise
            out = self._ext(xs, self._ext_consts)
        return out if self._multi else out[0]

    def __call__(self, box):
        return self.run(self.points(box))


def _want(relation):
    """(sign, strict): +1 for >, -1 for <."""
    return {">0": (1, True), ">=0": (1, False), "<0": (-1, True), "<=0": (-1, False)}[relation]


def holds(iv, relation) -> bool:
    """Whether every point of the interval satisfies the relation (certainly)."""
    sgn, strict = _want(relation)
    lo = iv[0] if sgn > 0 else -iv[1]
    if _isinf(lo):
        return False
    return lo > 0 if strict else lo >= 0


def finite(iv) -> bool:
    return not (_isinf(iv[0]) or _isinf(iv[1]))


class Checker:
    """Checks boxes of one expression and relation (shared by the verifier and the engine).

    limits : see :class:`Evaluator`.  Derivative-based tightenings are then used only where
        the derivative's enclosure is finite on the box (an infinite end can hide a
        singularity, across which neither monotonicity nor the mean-value form holds).
    """

    def __init__(self, expr: sp.Expr, names, relation: str, limits: bool = False):
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}; got {relation!r}")
        self.expr, self.names, self.relation, self.limits = expr, list(names), relation, limits
        self.ev = Evaluator(expr, names, limits=limits)
        self._ad = self._sd = None
        self._sym = {s.name: s for s in expr.free_symbols}

    def _gradients(self, xs):
        """Enclosures of all partial derivatives on the box, where every Piecewise condition
        is decided: SymPy's derivative in intervals for small expressions, forward-mode
        interval differentiation above ``SYMBOLIC_DIFF_MAX_NODES`` (see there)."""
        if self._ad is None:
            try:
                if self.ev.size > SYMBOLIC_DIFF_MAX_NODES:
                    self._ad = Evaluator(self.expr, self.names, strict=True,
                                         limits=self.limits, ad=True)
                else:
                    self._ad = Evaluator([sp.Integer(0)] + [
                        sp.diff(self.expr, self._sym[n]) if n in self._sym else sp.Integer(0)
                        for n in self.names], self.names, strict=True, limits=self.limits)
            except ValueError:       # a node without a derivative rule (Max, Min)
                self._ad = False
        if self._ad is False:
            raise Undecidable("no derivative enclosure for this expression")
        return self._ad.run(xs)[1:]

    def _dgrad(self, name, xs):
        """Enclosure of ∂f/∂name on the box (points xs); Undecidable if none (or infinite)."""
        d = self._gradients(xs)[self.names.index(name)]
        if not finite(d):
            raise Undecidable(f"derivative in {name} unbounded on the box")
        return d

    def gradient(self, box, xs=None):
        """{name: enclosure of ∂f/∂name on the box, or None where undecidable or unbounded}."""
        if xs is None:
            xs = self.ev.points(box)
        try:
            ds = self._gradients(xs)
        except Undecidable:
            return {n: None for n in self.names}
        return {n: (d if finite(d) else None) for n, d in zip(self.names, ds)}

    def enclosure(self, box, method="direct", grads=None, xs=None):
        """(interval, proved) for the box; method as in a certificate box record.

        ``grads`` (from :meth:`gradient` on the same box) and ``xs`` (``self.ev.points(box)``)
        may be passed to save work.
        """
        if method.startswith("monotone:"):
            box = dict(box)
            sgn, _ = _want(self.relation)
            for k, name in enumerate(method.split(":", 1)[1].split(",")):
                if name not in self.names:
                    raise ValueError(f"monotone in unknown parameter {name!r}")
                # the first derivative is on the full box; later ones on the reduced box
                d = grads.get(name) if (grads is not None and k == 0) else None
                if d is None:
                    d = self._dgrad(name, self.ev.points(box))
                # the extreme in the direction that could violate the relation lies on a face
                if d[0] >= 0:
                    up = sgn < 0
                elif d[1] <= 0:
                    up = sgn > 0
                else:
                    return None, False
                lo, hi = box[name]
                box[name] = (hi, hi) if up else (lo, lo)
            iv = self.ev(box)
        elif method == "mean-value":
            if grads is None:
                grads = self.gradient(box, xs)
            # centre (lo + hi)/2 and half-width (hi − lo)/2 of each side as integer pairs
            # (a/b, c/d the bounds): the same rationals as with Fraction arithmetic, whose
            # normalisation (gcd) cost more than the rest of this method
            prec, sides, cxs = ctx.prec, {}, []
            for name in self.ev.names:
                lo, hi = box[name]
                a, b, c, d = lo.numerator, lo.denominator, hi.numerator, hi.denominator
                m = _exact_at(a * d + c * b, 2 * b * d, prec)
                cxs.append((m[0], m[1]))
                sides[name] = (c * b - a * d, 2 * b * d)
            ivl, ivh = self.ev.run(cxs)
            mul, add = _OPS[self.limits]["MUL"], _OPS[self.limits]["ADD"]
            for name in self.names:
                num, den = sides[name]
                if num == 0:
                    continue
                g = grads[name]
                if g is None:
                    raise Undecidable(f"derivative in {name} undecidable")
                t = mul(g[0], g[1], _exact_at(-num, den, prec)[0], _exact_at(num, den, prec)[1])
                ivl, ivh = add((ivl, t[0]), (ivh, t[1]))
            iv = (ivl, ivh)
        elif method == "direct":
            iv = self.ev.run(xs) if xs is not None else self.ev(box)
        else:
            raise ValueError(f"unknown method {method!r}")
        return iv, holds(iv, self.relation)


# ----------------------------------------------------------------------------- tiling
def _tiles(region, boxes, names) -> str | None:
    """None if ``boxes`` tile ``region`` exactly (guillotine decomposition), else a reason.

    Coordinates are first replaced by their ranks among all bounds of their dimension (an
    exact, order-preserving map, so integer comparisons decide exactly what fraction
    comparisons would); each region is then cut where no box straddles the cut (found by a
    sweep over the boxes sorted by lower end), as near the middle of the list as possible.
    """
    d = len(names)
    vals = [sorted({region[i][0], region[i][1]} | {b[i][k] for b in boxes for k in (0, 1)})
            for i in range(d)]
    rank = [{v: k for k, v in enumerate(vs)} for vs in vals]

    def ranked(b):
        return tuple((rank[i][b[i][0]], rank[i][b[i][1]]) for i in range(d))

    def orig(b):
        return tuple((vals[i][b[i][0]], vals[i][b[i][1]]) for i in range(d))

    stack = [(ranked(region), [ranked(b) for b in boxes])]
    while stack:
        reg, bs = stack.pop()
        if not bs:
            return f"region {_fmt(orig(reg), names)} is not covered"
        if len(bs) == 1:
            if bs[0] != reg:
                return (f"region {_fmt(orig(reg), names)} is not covered exactly by "
                        f"{_fmt(orig(bs[0]), names)}")
            continue
        best = None            # (imbalance, dimension, position in the sorted list, sorted list)
        half = len(bs) / 2
        for i in range(d):
            lo, hi = reg[i]
            srt = sorted(bs, key=lambda b: b[i][0])
            top = None
            for j, b in enumerate(srt):
                v = b[i][0]
                # every box before j ends at or below v, every box from j on starts at or above
                if j > 0 and lo < v < hi and top <= v:
                    if best is None or abs(j - half) < best[0]:
                        best = (abs(j - half), i, j, srt)
                top = b[i][1] if top is None or b[i][1] > top else top
        if best is None:
            return f"boxes in {_fmt(orig(reg), names)} overlap or admit no exact decomposition"
        _, i, j, srt = best
        v = srt[j][i][0]
        left = tuple(reg[k] if k != i else (reg[i][0], v) for k in range(d))
        right = tuple(reg[k] if k != i else (v, reg[i][1]) for k in range(d))
        stack.append((left, srt[:j]))
        stack.append((right, srt[j:]))
    return None


def _fmt(box, names):
    return "{" + ", ".join(f"{n}: [{frac_str(a)}, {frac_str(b)}]" for n, (a, b) in zip(names, box)) + "}"


def _assumptions_hold(expr, domain) -> str | None:
    """SymPy simplifies using a symbol's assumptions while parsing (Abs(x) -> x for positive x),
    so every assumption must hold on the whole declared domain."""
    for sym in expr.free_symbols:
        if sym.name not in domain:
            return f"symbol {sym.name!r} is not a declared parameter"
        lo, hi = domain[sym.name]
        checks = {"positive": lo > 0, "nonnegative": lo >= 0, "negative": hi < 0,
                  "nonpositive": hi <= 0}
        for key, ok in checks.items():
            if sym.assumptions0.get(key) and not ok:
                return f"symbol {sym.name!r} is declared {key} but its domain is [{lo}, {hi}]"
        allowed = {"positive", "nonnegative", "negative", "nonpositive", "real", "extended_real",
                   "finite", "infinite", "commutative", "complex", "hermitian", "imaginary",
                   "nonzero", "zero", "extended_positive", "extended_nonnegative",
                   "extended_negative", "extended_nonpositive", "extended_nonzero"}
        for key, val in sym.assumptions0.items():
            if val and key not in allowed:
                return f"symbol {sym.name!r}: assumption {key!r} is not allowed in certificates"
        if sym.assumptions0.get("zero") or sym.assumptions0.get("imaginary") \
                or sym.assumptions0.get("infinite"):
            return f"symbol {sym.name!r}: assumptions incompatible with a real interval"
        if sym.assumptions0.get("nonzero") and lo <= 0 <= hi:
            return f"symbol {sym.name!r} is declared nonzero but its domain contains 0"
    return None


def _box(rec, names, domain):
    box = {}
    for n in names:
        lo, hi = (frac(x) for x in rec[n])
        dlo, dhi = domain[n]
        if not (dlo <= lo <= hi <= dhi):
            raise ValueError(f"box bound {n} = [{lo}, {hi}] outside the domain")
        box[n] = (lo, hi)
    return box


def verify_certificate(cert: dict) -> tuple[bool, str]:
    """Re-check one certificate; return (ok, message)."""
    old = ctx.prec
    ctx.prec = PREC
    try:
        for key in ("claim", "expression", "relation", "parameters", "domain", "excluded", "boxes"):
            if key not in cert:
                return False, f"missing key {key!r}"
        names = list(cert["parameters"])
        domain = {n: tuple(frac(x) for x in cert["domain"][n]) for n in names}
        if any(lo > hi for lo, hi in domain.values()):
            return False, "empty domain"
        if len(set(names)) != len(names):
            return False, "repeated parameter names"
        expr = parse_srepr(cert["expression"])
        why = _assumptions_hold(expr, domain)
        if why:
            return False, why
        boundary = cert.get("boundary", "closed")
        if boundary not in ("closed", "limits"):
            return False, f"unknown boundary convention {boundary!r}"
        limits = boundary == "limits"
        chk = Checker(expr, names, cert["relation"], limits=limits)
        boxes = [_box(b, names, domain) for b in cert["boxes"]]
        for k, (rec, box) in enumerate(zip(cert["boxes"], boxes)):
            try:
                _, ok = chk.enclosure(box, rec.get("method", "direct"))
            except Undecidable as exc:
                return False, f"box {k}: enclosure undefined ({exc})"
            if not ok:
                return False, f"box {k} {_fmt(tuple(box[n] for n in names), names)}: " \
                              f"enclosure does not have the sign {cert['relation']}"
        excl_exprs = [parse_srepr(e["expression"]) for e in cert.get("exclusions", [])]
        for e in excl_exprs:
            why = _assumptions_hold(e, domain)
            if why:
                return False, why
        excl = [Checker(e, names, "<=0", limits=limits) for e in excl_exprs]
        xboxes = [_box(b, names, domain) for b in cert.get("excluded_boxes", [])]
        for k, (rec, box) in enumerate(zip(cert.get("excluded_boxes", []), xboxes)):
            j = rec.get("exclusion", 0)
            if not (isinstance(j, int) and 0 <= j < len(excl)):
                return False, f"excluded box {k}: no exclusion {j!r}"
            try:
                _, ok = excl[j].enclosure(box)
            except Undecidable:
                ok = False
            if not ok:
                return False, f"excluded box {k} is not inside exclusion {j}"
        region = tuple(domain[n] for n in names)
        why = _tiles(region, [tuple(b[n] for n in names) for b in boxes + xboxes], names)
        if why:
            return False, why
        cut = "; ".join(f"{{{e} <= 0}}" for e in excl_exprs) or "nothing"
        return True, (f"{cert['claim']}: {len(boxes)} boxes proved {cert['relation']}, "
                      f"{len(xboxes)} excluded boxes inside the stated exclusions ({cut}); "
                      f"tiling exact"
                      + ("; boundary by limits (x log x = 0 at x = 0, infinite ends allowed)"
                         if limits else ""))
    except (ValueError, KeyError, TypeError, ZeroDivisionError, SyntaxError) as exc:
        return False, f"malformed certificate: {type(exc).__name__}: {exc}"
    finally:
        ctx.prec = old


def verify_path(path) -> list[tuple[str, bool, str]]:
    """Verify a certificate file or every ``*.json`` in a directory."""
    path = pathlib.Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    out = []
    for f in files:
        try:
            cert = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            out.append((str(f), False, f"unreadable: {exc}"))
            continue
        ok, msg = verify_certificate(cert)
        out.append((str(f), ok, msg))
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python verify.py DIR_OR_FILE ...", file=sys.stderr)
        return 2
    results = [r for p in argv for r in verify_path(p)]
    if not results:
        print("no certificate found", file=sys.stderr)
        return 2
    for f, ok, msg in results:
        print(f"{'OK  ' if ok else 'FAIL'} {f}: {msg}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
