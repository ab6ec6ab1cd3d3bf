"""A static index of the package's claims, read from the source without importing it.

Importing every mechanism costs seconds (SymPy expressions are built at import);
``w2s-check --list`` and pattern selection need only the ids and the report fields.
This module parses each ``claims``/``claims_*`` module with :mod:`ast` and reads the
keyword arguments of its ``@claim(...)`` decorators: string literals, module-level
string constants and f-strings made of them.  Nothing is evaluated.  A module whose
claims cannot be read this way (ids built in a loop, claims registered through another
factory such as ``certified_claim``) is marked *dynamic*: :func:`catalogue` imports it,
unless the result cache already holds the index of this exact source tree.  Modules
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


def _string_constants(tree: ast.Module) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            value = _literal(node.value, out)
            if value is not None:
                out[node.targets[0].id] = value
    return out


def _literal(node: ast.AST, consts: dict[str, str]) -> str | None:
    """The string value of *node* if it is a literal, a known constant, or an f-string of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
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


def _is_claim_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    return (isinstance(f, ast.Name) and f.id == "claim") or \
        (isinstance(f, ast.Attribute) and f.attr == "claim")


def _is_other_claim_factory(node: ast.AST) -> bool:
    """A call of some ``*claim*`` helper other than ``claim`` itself (it may register claims)."""
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    return "claim" in name and name != "claim"


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
        values = {f: _literal(kw[f], consts) if f in kw else "" for f in FIELDS}
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
