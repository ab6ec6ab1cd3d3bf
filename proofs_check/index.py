"""A static index of the package's claims, read from the source without importing it.

Importing every mechanism costs seconds (SymPy expressions are built at import);
``w2s-check --list`` and pattern selection need only the ids and the report fields.
This module parses each ``claims``/``claims_*`` module with :mod:`ast` and reads the
keyword arguments of its ``@claim(...)`` and ``@certified_claim(...)`` decorators:
string literals, module-level string constants, f-strings and ``+`` of them, ``str(X)``
of a module-level literal (``ast.literal_eval``, or ``dict(...)`` of literals) and
``len(X)`` of a module-level list/tuple/set/dict display, ``TABLE["key"]`` of a
module-level dict display.  Nothing is executed.  A
module whose claims cannot be read this way (ids built in a loop, claims registered
through another factory) is marked *dynamic*: :func:`catalogue` imports it, unless the
result cache already holds the index of this exact source tree.  The package's own
modules are all static (``tests/test_index.py`` checks that the index equals the
imported registry), so ``w2s-check --list`` imports no mechanism.  Modules
whose claims must run are imported by the runner, only then.
"""
from __future__ import annotations

import ast
import dataclasses
import pathlib

FIELDS = ("id", "title", "source", "method", "domain")


@dataclasses.dataclass(frozen=True)
class IndexedClaim:
    id: str
    title: str
    source: str
    method: str
    domain: str
    module: str


@dataclasses.dataclass
class ModuleIndex:
    module: str              # dotted name, e.g. "w2s_theory.ridge.claims"
    prefix: str              # "ridge." — every claim id of the module starts with it
    claims: list[IndexedClaim]
    dynamic: bool            # some claim could not be read statically


def _assignments(tree: ast.Module) -> dict[str, ast.AST]:
    """Module-level ``NAME = value`` (or ``NAME: T = value``) nodes, the last one winning."""
    out: dict[str, ast.AST] = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            out[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.value is not None:
            out[node.target.id] = node.value
    return out


class _Constants(dict):
    """Module-level string constants by name; ``assigned``: every module-level value node."""

    def __init__(self, assigned: dict[str, ast.AST]):
        super().__init__()
        self.assigned = assigned


def _string_constants(tree: ast.Module) -> dict[str, str]:
    out = _Constants(_assignments(tree))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            value = _literal(node.value, out)
            if value is not None:
                out[node.targets[0].id] = value
    return out


def _python_literal(node: ast.AST):
    """The value of a literal display, or of ``dict(k=literal, ...)``; raises ValueError."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" \
            and not node.args and all(k.arg for k in node.keywords):
        return {k.arg: ast.literal_eval(k.value) for k in node.keywords}
    return ast.literal_eval(node)


def _builtin_of_name(node: ast.Call, consts) -> str | None:
    """``str(X)`` of a module-level literal, ``len(X)`` of a module-level display."""
    if not (isinstance(node.func, ast.Name) and node.func.id in ("str", "len")
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name)):
        return None
    value = getattr(consts, "assigned", {}).get(node.args[0].id)
    if value is None:
        return None
    if node.func.id == "len":
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and \
                not any(isinstance(e, ast.Starred) for e in value.elts):
            return str(len(value.elts))
        if isinstance(value, ast.Dict) and all(k is not None for k in value.keys):
            return str(len(value.keys))
        return None
    try:
        return str(_python_literal(value))
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None


def _literal(node: ast.AST, consts: dict[str, str]) -> str | None:
    """The string value of *node* if it is a literal, a known constant, or an f-string of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.Call):
        return _builtin_of_name(node, consts)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
            and isinstance(node.slice, ast.Constant):     # TABLE["key"] of a dict display
        table = getattr(consts, "assigned", {}).get(node.value.id)
        if isinstance(table, ast.Dict):
            for k, v in zip(table.keys, table.values):
                if isinstance(k, ast.Constant) and k.value == node.slice.value:
                    return _literal(v, consts)
        return None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                if v.format_spec is not None or v.conversion != -1:
                    return None
                s = _literal(v.value, consts)
            else:
                s = _literal(v, consts)
            if s is None:
                return None
            parts.append(s)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left, consts), _literal(node.right, consts)
        return None if left is None or right is None else left + right
    return None


#: Decorator factories read statically, with the fields they fix themselves
#: (``certified_claim`` registers ``claim(..., method="certified")``: proofs_check.certify.spec).
_FACTORIES = {"claim": {}, "certified_claim": {"method": "certified"}}


def _call_name(node: ast.AST) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _is_claim_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _call_name(node) in _FACTORIES


def _is_other_claim_factory(node: ast.AST) -> bool:
    """A call of some ``*claim*`` helper not read statically (it may register claims)."""
    if not isinstance(node, ast.Call):
        return False
    name = _call_name(node)
    return "claim" in name and name not in _FACTORIES


def index_module(path: pathlib.Path, module: str, prefix: str) -> ModuleIndex:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    consts = _string_constants(tree)
    claims, dynamic = [], False
    for node in ast.walk(tree):
        if _is_other_claim_factory(node):   # e.g. @certified_claim(...): registers via code
            dynamic = True
        if not _is_claim_call(node):
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        fixed = _FACTORIES[_call_name(node)]
        if any(f in kw for f in fixed) or node.args:
            dynamic = True
            continue
        values = {f: fixed[f] if f in fixed else _literal(kw[f], consts) if f in kw else ""
                  for f in FIELDS}
        if any(v is None for v in values.values()) or not values["id"]:
            dynamic = True
            continue
        claims.append(IndexedClaim(module=module, **values))
    # a module that yields no readable claim is imported to find out what it registers
    return ModuleIndex(module, prefix, claims, dynamic or not claims)


def build_index(package_dir: pathlib.Path | None = None,
                package: str = "w2s_theory") -> list[ModuleIndex]:
    """Index every ``<mechanism>/claims*.py`` below the package directory, in path order."""
    if package_dir is None:
        package_dir = pathlib.Path(__file__).resolve().parent.parent / package
    out = []
    for path in sorted(package_dir.glob("*/claims*.py")):
        stem = path.stem
        if stem != "claims" and not stem.startswith("claims_"):
            continue
        mech = path.parent.name
        out.append(index_module(path, f"{package}.{mech}.{stem}", f"{mech}."))
    return out


def _registry_rows() -> dict[str, IndexedClaim]:
    from .registry import REGISTRY
    return {c.id: IndexedClaim(c.id, c.title, c.source, c.method, c.domain, c.module)
            for c in REGISTRY.values()}


def catalogue(cache=None) -> dict[str, IndexedClaim]:
    """Every claim's report fields, importing as little as possible.

    Static modules come from :func:`build_index`; dynamic ones are imported, unless
    *cache* (a :class:`~proofs_check.cache.ResultCache`) holds the index of this exact
    source tree.  Claims already registered in this process (a user's own module, a
    test's temporary claim) are included as they are.
    """
    import importlib
    rows = None
    if cache is not None:
        rows = cache.get_index()
    if rows is None:
        try:
            idx = build_index()
        except (OSError, SyntaxError):   # no readable sources: import everything
            from .registry import discover
            discover()
            idx = []
        rows = {c.id: c for m in idx if not m.dynamic for c in m.claims}
        dynamic = {m.module for m in idx if m.dynamic}
        for name in sorted(dynamic):
            importlib.import_module(name)
        rows.update({cid: c for cid, c in _registry_rows().items() if c.module in dynamic})
        if cache is not None and idx:
            cache.put_index({cid: c for cid, c in rows.items()
                             if c.module.startswith("w2s_theory.")})
    from .registry import load_entry_points
    load_entry_points()   # third-party claims (entry-point group w2s_theory.claims)
    rows = dict(rows)
    rows.update(_registry_rows())
    return rows
