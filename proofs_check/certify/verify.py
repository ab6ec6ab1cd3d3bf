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
   ``"mean-value"`` (f(c) + ∇f(B)·(B − c), gradient by SymPy from the parsed expression) or
   ``"monotone:x,y"`` (the sign of ∂f/∂x on the box is certified, so the extreme value lies
   on the face x = lo or x = hi, which is then checked, and so on for y);
3. every excluded box lies in the named exclusion set {e ≤ 0} (enclosure of e ≤ 0 on the box);
4. boxes and excluded boxes tile the domain exactly: a recursive guillotine decomposition in
   exact rational arithmetic must end with every region equal to exactly one listed box.

Interval arithmetic: an interval is a pair of exact Arb numbers (lo, hi); each operation
computes the endpoint formulas with Arb (rigorous error bounds) and keeps the lower end of the
lower ball and the upper end of the upper ball, so intervals touching 0 stay exact there.
"""
from __future__ import annotations

import ast
import json
import pathlib
import sys
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq, fmpz

PREC = 80          # working precision (bits) for box evaluation
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
def _exact(x: Fraction):
    """Interval enclosing the rational x (a point when x is dyadic)."""
    a = arb(fmpq(fmpz(x.numerator), fmpz(x.denominator)))
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


def _finite(iv):
    if not (iv[0].is_finite() and iv[1].is_finite()):
        raise Undecidable("unbounded")
    return iv


def i_add(a, b):
    return (_lo(a[0] + b[0]), _hi(a[1] + b[1]))


def i_neg(a):
    return (-a[1], -a[0])


def i_mul(a, b):
    if a[0] >= 0 and b[0] >= 0:
        return (_lo(a[0] * b[0]), _hi(a[1] * b[1]))
    ps = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return (min((_lo(p) for p in ps), key=_key), max((_hi(p) for p in ps), key=_key))


def _key(x):
    return x  # exact arbs compare exactly


def i_inv(a):
    if a[0] > 0 or a[1] < 0:
        return (_lo(1 / a[1]), _hi(1 / a[0]))
    raise Undecidable("division by an interval containing 0")


def i_powint(a, n):
    if n == 0:
        return (arb(1), arb(1))
    if n < 0:
        return i_inv(i_powint(a, -n))
    if n % 2 == 1 or a[0] >= 0:
        return (_lo(a[0] ** n), _hi(a[1] ** n))
    if a[1] <= 0:
        return (_lo(a[1] ** n), _hi(a[0] ** n))
    return (arb(0), max(_hi(a[0] ** n), _hi(a[1] ** n)))


def i_sqrt(a):
    if a[0] < 0:
        raise Undecidable("sqrt of an interval reaching below 0")
    return (_lo(a[0].sqrt()), _hi(a[1].sqrt()))


def i_exp(a):
    return (_lo(a[0].exp()), _hi(a[1].exp()))


def i_log(a):
    if not a[0] > 0:
        raise Undecidable("log of an interval reaching 0")
    return (_lo(a[0].log()), _hi(a[1].log()))


def i_abs(a):
    if a[0] >= 0:
        return a
    if a[1] <= 0:
        return i_neg(a)
    return (arb(0), max(-a[0], a[1]))


def i_union(a, b):
    return (min(a[0], b[0]), max(a[1], b[1]))


def i_sign(a):
    s = [(-1 if x < 0 else 1 if x > 0 else 0) for x in a]
    return (arb(s[0]), arb(s[1]))


def i_cmp(a, b):
    """Three-valued sign of a - b: -1, 0 (a == b as points), 1, or None (undecided)."""
    if a[1] < b[0]:
        return -1
    if a[0] > b[1]:
        return 1
    if a[0] == a[1] == b[0] == b[1]:
        return 0
    return None


class Evaluator:
    """Interval evaluator generated from a SymPy expression tree.

    The tree is compiled once into a list of operations over its distinct sub-expressions
    (common sub-expressions are evaluated once per box); :meth:`__call__` runs the list on a
    box given as ``{name: (Fraction lo, Fraction hi)}``.
    """

    def __init__(self, expr: sp.Expr, names, strict: bool = False):
        self.expr = expr
        # strict: every Piecewise condition must be decided on the box, so that on the box the
        # expression is one smooth branch (required where derivatives are used)
        self.strict = strict
        self.names = list(names)
        syms = {s.name: s for s in expr.free_symbols}
        extra = set(syms) - set(self.names)
        if extra:
            raise ValueError(f"expression has undeclared symbols {sorted(extra)}")
        self.slot = {}
        self.ops = []
        self.out = self._compile(expr)

    def _compile(self, e):
        if e in self.slot:
            return self.slot[e]
        if isinstance(e, sp.Symbol):
            op = ("sym", e.name)
        elif not e.free_symbols and not e.is_Atom and e is not self.expr:
            # a constant sub-expression (e.g. √5): enclosed once, at compile time
            sub = Evaluator(e, [])
            op = ("const", sub({}))
        elif e.is_Rational:
            op = ("const", _exact(Fraction(int(e.p), int(e.q))))
        elif isinstance(e, sp.Float):
            sign, man, exp, _ = e._mpf_          # exact binary value of the Float
            if man == 0 and exp != 0:
                raise ValueError(f"non-finite Float {e}")
            v = Fraction(int(man)) * (Fraction(2) ** int(exp))
            op = ("const", _exact(-v if sign else v))
        elif e is sp.pi:
            pi = arb.pi()
            op = ("const", (pi.lower(), pi.upper()))
        elif e is sp.E:
            ee = arb(1).exp()
            op = ("const", (ee.lower(), ee.upper()))
        elif isinstance(e, sp.Add):
            op = ("add", [self._compile(a) for a in e.args])
        elif isinstance(e, sp.Mul):
            op = ("mul", [self._compile(a) for a in e.args])
        elif isinstance(e, sp.Pow):
            b, x = e.args
            if x.is_Integer:
                op = ("powint", [self._compile(b)], int(x))
            elif x.is_Rational and x.q == 2:
                op = ("powhalf", [self._compile(b)], int(x.p))
            else:
                op = ("pow", [self._compile(b), self._compile(x)])
        elif isinstance(e, (sp.exp, sp.log, sp.Abs, sp.sign)):
            op = (type(e).__name__, [self._compile(e.args[0])])
        elif isinstance(e, (sp.Max, sp.Min)):
            op = (type(e).__name__, [self._compile(a) for a in e.args])
        elif isinstance(e, sp.Piecewise):
            op = ("piecewise", [(self._compile(x), self._compile_cond(c)) for x, c in e.args])
        else:
            raise ValueError(f"unsupported expression node {type(e).__name__}: {e}")
        self.ops.append(op)
        self.slot[e] = len(self.ops) - 1
        return self.slot[e]

    def _compile_cond(self, c):
        if c is sp.true or c is sp.false:
            return ("bool", bool(c))
        if isinstance(c, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
            return (type(c).__name__, self._compile(c.lhs), self._compile(c.rhs))
        if isinstance(c, (sp.And, sp.Or)):
            return (type(c).__name__, [self._compile_cond(a) for a in c.args])
        if isinstance(c, sp.Not):
            return ("Not", self._compile_cond(c.args[0]))
        raise ValueError(f"unsupported condition {c}")

    def _cond(self, c, val):
        kind = c[0]
        if kind == "bool":
            return c[1]
        if kind in ("And", "Or"):
            rs = [self._cond(a, val) for a in c[1]]
            if kind == "And":
                return False if False in rs else (True if all(r is True for r in rs) else None)
            return True if True in rs else (False if all(r is False for r in rs) else None)
        if kind == "Not":
            r = self._cond(c[1], val)
            return None if r is None else not r
        s = i_cmp(val(c[1]), val(c[2]))
        if s is None:
            return None
        return {"StrictLessThan": s < 0, "LessThan": s <= 0,
                "StrictGreaterThan": s > 0, "GreaterThan": s >= 0}[kind]

    def __call__(self, box):
        # Sub-expressions that are undefined on the box (e.g. the branch of a Piecewise whose
        # condition is false there) are marked, and only an error if actually used.
        vals = []
        for op in self.ops:
            try:
                vals.append(self._op(op, vals, box))
            except Undecidable as exc:
                vals.append(exc)
        out = vals[self.out]
        if isinstance(out, Undecidable):
            raise out
        return out

    def _op(self, op, vals, box):
        def val(j):
            v = vals[j]
            if isinstance(v, Undecidable):
                raise v
            return v

        k = op[0]
        if k == "sym":
            lo, hi = box[op[1]]
            a, b = _exact(lo), _exact(hi)
            v = (a[0], b[1])
        elif k == "const":
            v = op[1]
        elif k == "add":
            v = val(op[1][0])
            for j in op[1][1:]:
                v = i_add(v, val(j))
        elif k == "mul":
            v = val(op[1][0])
            for j in op[1][1:]:
                v = i_mul(v, val(j))
        elif k == "powint":
            v = i_powint(val(op[1][0]), op[2])
        elif k == "powhalf":
            v = i_powint(i_sqrt(val(op[1][0])), op[2])
        elif k == "pow":
            v = i_exp(i_mul(val(op[1][1]), i_log(val(op[1][0]))))
        elif k == "exp":
            v = i_exp(val(op[1][0]))
        elif k == "log":
            v = i_log(val(op[1][0]))
        elif k == "Abs":
            v = i_abs(val(op[1][0]))
        elif k == "sign":
            v = i_sign(val(op[1][0]))
        elif k in ("Max", "Min"):
            f = max if k == "Max" else min
            ivs = [val(j) for j in op[1]]
            v = (f(x[0] for x in ivs), f(x[1] for x in ivs))
        elif k == "piecewise":
            v, r = None, None
            for j, c in op[1]:
                r = self._cond(c, val)
                if r is None and self.strict:
                    raise Undecidable("Piecewise condition undecided where smoothness is needed")
                if r is False:
                    continue
                v = val(j) if v is None else i_union(v, val(j))
                if r is True:
                    break
            if v is None or r is not True:
                # no branch certainly applies: the expression may be undefined here
                raise Undecidable("no Piecewise branch certainly applies")
        else:  # pragma: no cover - _compile emits only the kinds above
            raise ValueError(k)
        return _finite(v)


def _want(relation):
    """(sign, strict): +1 for >, -1 for <."""
    return {">0": (1, True), ">=0": (1, False), "<0": (-1, True), "<=0": (-1, False)}[relation]


def holds(iv, relation) -> bool:
    """Whether every point of the interval satisfies the relation (certainly)."""
    sgn, strict = _want(relation)
    lo, hi = (iv[0], iv[1]) if sgn > 0 else (-iv[1], -iv[0])
    return lo > 0 if strict else lo >= 0


class Checker:
    """Checks boxes of one expression and relation (shared by the verifier and the engine)."""

    def __init__(self, expr: sp.Expr, names, relation: str):
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}; got {relation!r}")
        self.expr, self.names, self.relation = expr, list(names), relation
        self.ev = Evaluator(expr, names)
        self._grads = {}
        self._sym = {s.name: s for s in expr.free_symbols}

    def grad(self, name):
        if name not in self._grads:
            s = self._sym.get(name)
            d = sp.Integer(0) if s is None else sp.diff(self.expr, s)
            self._grads[name] = Evaluator(d, self.names, strict=True)
        return self._grads[name]

    def gradient(self, box):
        """{name: enclosure of ∂f/∂name on the box, or None where undecidable}."""
        out = {}
        for n in self.names:
            try:
                out[n] = self.grad(n)(box)
            except Undecidable:
                out[n] = None
        return out

    def enclosure(self, box, method="direct", grads=None):
        """(interval, proved) for the box; method as in a certificate box record.

        ``grads`` (from :meth:`gradient` on the same box) may be passed to save work.
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
                    d = self.grad(name)(box)
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
                grads = self.gradient(box)
            centre = {k: ((lo + hi) / 2, (lo + hi) / 2) for k, (lo, hi) in box.items()}
            iv = self.ev(centre)
            for name in self.names:
                lo, hi = box[name]
                if lo == hi:
                    continue
                g = grads[name]
                if g is None:
                    raise Undecidable(f"derivative in {name} undecidable")
                half = (hi - lo) / 2
                iv = i_add(iv, i_mul(g, (_exact(-half)[0], _exact(half)[1])))
        elif method == "direct":
            iv = self.ev(box)
        else:
            raise ValueError(f"unknown method {method!r}")
        return iv, holds(iv, self.relation)


# ----------------------------------------------------------------------------- tiling
def _tiles(region, boxes, names) -> str | None:
    """None if ``boxes`` tile ``region`` exactly (guillotine decomposition), else a reason."""
    stack = [(region, boxes)]
    while stack:
        reg, bs = stack.pop()
        if not bs:
            return f"region {_fmt(reg, names)} is not covered"
        if len(bs) == 1:
            if bs[0] != reg:
                return f"region {_fmt(reg, names)} is not covered exactly by {_fmt(bs[0], names)}"
            continue
        cut = None
        for i in range(len(names)):
            lo, hi = reg[i]
            cands = sorted({b[i][0] for b in bs if b[i][0] > lo} | {b[i][1] for b in bs if b[i][1] < hi})
            for v in cands:
                if all(b[i][1] <= v or b[i][0] >= v for b in bs):
                    cut = (i, v)
                    break
            if cut:
                break
        if cut is None:
            return f"boxes in {_fmt(reg, names)} overlap or admit no exact decomposition"
        i, v = cut
        left = tuple(reg[j] if j != i else (reg[i][0], v) for j in range(len(names)))
        right = tuple(reg[j] if j != i else (v, reg[i][1]) for j in range(len(names)))
        stack.append((left, [b for b in bs if b[i][1] <= v]))
        stack.append((right, [b for b in bs if b[i][0] >= v]))
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
        chk = Checker(expr, names, cert["relation"])
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
        excl = [Checker(e, names, "<=0") for e in excl_exprs]
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
                      f"tiling exact")
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
