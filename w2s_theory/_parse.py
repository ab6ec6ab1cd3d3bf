"""Parse a user string into a SymPy expression without evaluating it.

``sympy.sympify`` and ``sympy.parsing.sympy_parser.parse_expr`` run Python's
``eval`` on (transformed) user text, so a string such as
``"__import__('os').remove('x') and t"`` executes before SymPy sees it.  This
module parses the text with :func:`ast.parse` (which never executes
anything), walks the syntax tree and accepts only

* numeric literals (int, float; not bool, complex or strings), with bounded size;
* names from an explicit table: the caller's variables, the constants
  ``pi``/``E`` and whitelisted functions (:data:`FUNCTIONS`);
* the operators ``+ - * / **`` (``^`` is read as ``**``, as SymPy does) and
  unary ``+``/``-``;
* calls of whitelisted function names with positional arguments;
* ``Piecewise((expr, cond), ..., (expr, True))`` whose conditions are single
  comparisons ``< <= > >=`` of expressions;
* with ``free_symbols=True``, other plain names (letters and digits only, so
  no dunders) become real SymPy symbols.

Everything else -- attribute access, subscripts, lambdas, comprehensions,
keyword arguments, dunder names, strings, comparisons, boolean operators --
raises :class:`ValueError`.  The SymPy expression is built from the tree by
this module.  Powers with a numeric exponent are bounded (:data:`MAX_EXPONENT`
and :data:`MAX_POWER_BITS`), so inputs like ``9**9**9`` are refused instead of
hanging.
"""
from __future__ import annotations

import ast
import math
import re

import sympy as sp

#: Functions a user string may call (name in the string -> SymPy callable).
FUNCTIONS = {
    "log": sp.log, "ln": sp.log, "exp": sp.exp, "sqrt": sp.sqrt, "Abs": sp.Abs, "abs": sp.Abs,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "atan": sp.atan, "asin": sp.asin,
    "acos": sp.acos, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "atanh": sp.atanh,
    "erf": sp.erf, "erfc": sp.erfc, "Max": sp.Max, "Min": sp.Min, "max": sp.Max, "min": sp.Min,
    "sign": sp.sign, "Heaviside": sp.Heaviside, "log1p": lambda x: sp.log(1 + x),
}
#: Named constants a user string may use.
CONSTANTS = {"pi": sp.pi, "E": sp.E}

#: Longest accepted string, deepest accepted syntax tree, largest integer literal (digits).
MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_DIGITS = 60
#: Largest |exponent| of a power with a numeric exponent.
MAX_EXPONENT = 10_000
#: Largest size (bits) of an exact integer/rational power a**b that is computed.
MAX_POWER_BITS = 4096

_COMPARE = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")

_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _refuse(name: str, text: str, why: str) -> ValueError:
    return ValueError(f"{name}: cannot parse {text!r}: {why} (allowed: numbers, the variable(s), "
                      f"{', '.join(sorted(CONSTANTS))}, + - * / ** and the functions "
                      f"{', '.join(sorted(FUNCTIONS))})")


def _power(base, expo, refuse):
    if expo.is_Number:
        if abs(expo) > MAX_EXPONENT:
            raise refuse(f"exponent {expo} exceeds {MAX_EXPONENT} in absolute value")
        if base.is_Rational and expo.is_Integer and base != 0:
            p, q = abs(base.p), base.q
            bits = abs(int(expo)) * max(p.bit_length(), q.bit_length())
            if bits > MAX_POWER_BITS:
                raise refuse(f"the exact power {base}**{expo} would have about {bits} bits "
                             f"(limit {MAX_POWER_BITS})")
    return sp.Pow(base, expo)


def parse_expression(text, variables, name: str = "expression", *,
                     free_symbols: bool = False) -> sp.Expr:
    """Parse *text* into a SymPy expression, without ``eval``.

    Parameters
    ----------
    text : str
        The user's formula, e.g. ``"t*log(t)"`` or ``"(sqrt(t) - 1)**2"``.
    variables : mapping of str to sympy.Symbol
        The only free names allowed, e.g. ``{"t": t}``.
    name : str
        Parameter name used in error messages.
    free_symbols : bool
        Accept other plain names (``[A-Za-z][A-Za-z0-9]*``) as real symbols
        (the caller then checks which symbols occur).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        for anything outside the whitelist, naming *name*.

    Examples
    --------
    >>> import sympy as sp
    >>> t = sp.Symbol("t", positive=True)
    >>> parse_expression("t*log(t) - (t - 1)", {"t": t})
    t*log(t) - t + 1
    >>> parse_expression("__import__('os').getcwd()", {"t": t}, name="f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: f: cannot parse "__import__('os').getcwd()": call of an attribute is not allowed ...
    """
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a string; got {type(text).__name__}")

    def refuse(why):
        return _refuse(name, text, why)

    if len(text) > MAX_LENGTH:
        raise refuse(f"longer than {MAX_LENGTH} characters")
    # ``^`` means power (as in SymPy's parser); replacing the character before parsing keeps
    # the precedence of ** (string literals, the only other place it could occur, are refused)
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise refuse(f"syntax error ({exc.msg if hasattr(exc, 'msg') else exc})") from None
    names = dict(variables)

    def build(node, depth):
        if depth > MAX_DEPTH:
            raise refuse(f"nested deeper than {MAX_DEPTH}")
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise refuse(f"literal {v!r} is not a real number")
            if isinstance(v, int):
                if abs(v) >= 10 ** MAX_DIGITS:
                    raise refuse(f"integer literal with more than {MAX_DIGITS} digits")
                return sp.Integer(v)
            if not math.isfinite(v):
                raise refuse(f"literal {v!r} is not finite")
            return sp.Float(v)
        if isinstance(node, ast.Name):
            if node.id in names:
                return names[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            if node.id in FUNCTIONS or node.id == "Piecewise":
                raise refuse(f"function {node.id!r} must be called")
            if free_symbols and _PLAIN_NAME.match(node.id):
                names[node.id] = sp.Symbol(node.id, real=True)
                return names[node.id]
            raise refuse(f"name {node.id!r} is not allowed")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            arg = build(node.operand, depth + 1)
            return -arg if isinstance(node.op, ast.USub) else arg
        if isinstance(node, ast.BinOp):
            left = build(node.left, depth + 1)
            right = build(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                return _power(left, right, refuse)
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise refuse(f"operator {type(node.op).__name__} is not allowed")
            return op(left, right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "Piecewise":
            return piecewise(node, depth)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                what = repr(node.func.id) if isinstance(node.func, ast.Name) else \
                    f"an {type(node.func).__name__.lower()}"
                raise refuse(f"call of {what} is not allowed")
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise refuse("keyword or starred arguments are not allowed")
            if not 1 <= len(node.args) <= 4:
                raise refuse(f"{node.func.id} takes 1 to 4 arguments")
            args = [build(a, depth + 1) for a in node.args]
            try:
                return FUNCTIONS[node.func.id](*args)
            except (TypeError, ValueError) as exc:
                raise refuse(f"{node.func.id}{tuple(args)}: {exc}") from None
        raise refuse(f"{type(node).__name__} is not allowed")

    def condition(node, depth):
        if isinstance(node, ast.Constant) and node.value is True:
            return sp.true
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            return _COMPARE[type(node.ops[0])](build(node.left, depth + 1),
                                               build(node.comparators[0], depth + 1))
        raise refuse("a Piecewise condition must be one comparison (< <= > >=) or True")

    def piecewise(node, depth):
        if node.keywords or not node.args:
            raise refuse("Piecewise takes (expression, condition) pairs")
        pairs = []
        for a in node.args:
            if not (isinstance(a, ast.Tuple) and len(a.elts) == 2):
                raise refuse("Piecewise takes (expression, condition) pairs")
            pairs.append((build(a.elts[0], depth + 1), condition(a.elts[1], depth + 1)))
        return sp.Piecewise(*pairs)

    expr = build(tree.body, 0)
    if not isinstance(expr, sp.Expr):
        raise refuse("not an arithmetic expression")
    return expr
