"""Catalogued implementation mutants: realistic bugs planted in a copy of the package.

Each mechanism lists, in ``w2s_theory/<mechanism>/mutants.py``, a module-level
``MUTANTS`` list of :class:`SourceMutant`: an exact text replacement in one source
file (a dropped term, a wrong constant, swapped arguments, a simulator trained on
the wrong labels).  A mutant is *killed* when at least one of the claims it names
fails on the mutated copy.  The replacement is applied to a temporary copy of the
package, never to the checkout, and the claims run in a fresh interpreter so that
nothing of the mutated code leaks into the caller.

The ``old`` text must occur exactly once in ``file``: a catalogue whose snippet no
longer matches the code is stale and raises, rather than silently testing nothing.

Two ways to run a mutant, with the same verdicts:

* ``isolate="fork"`` (default where ``os.fork`` exists): a child of the calling
  process drops from ``sys.modules`` the mutated module and every module of the two
  packages that imports it, directly or transitively (read from the sources with
  :mod:`ast`, function-level imports included), loads the mutated module from the
  patched text, re-imports the claims it needs and runs them.  NumPy, SciPy, SymPy and
  every module that cannot see the mutant stay imported, which saves the few seconds
  of a fresh interpreter per mutant; their caches (``lru_cache`` and module-level
  ``*cache*`` dicts) are emptied, as in a fresh interpreter;
* ``isolate="interpreter"``: a patched copy of the packages and a fresh interpreter
  (``python -m proofs_check``), the fully isolated reference.
"""
from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import importlib.abc
import importlib.util
import json
import os
import pathlib
import pkgutil
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent   # the checkout holding the packages
PACKAGES = ("w2s_theory", "proofs_check")


@dataclasses.dataclass(frozen=True)
class SourceMutant:
    """One planted bug.

    Parameters
    ----------
    id : str
        Stable identifier, ``mechanism.short-name``.
    file : str
        Path relative to the checkout root, e.g. ``"w2s_theory/simulate/ridge.py"``.
    old, new : str
        Exact text to replace (must occur once in *file*) and its replacement.
    description : str
        The bug in words, as a reviewer would name it.
    claims : tuple of str
        Globs of the claims expected to kill it (the mutation run executes these).
    equivalent : str
        Non-empty only for a mutant that no correct check can kill, with the reason.
    """

    id: str
    file: str
    old: str
    new: str
    description: str
    claims: tuple[str, ...]
    equivalent: str = ""
    kind: str = "implementation"

    @property
    def target(self) -> str:
        return self.file

    def check_applies(self, root: pathlib.Path = ROOT) -> None:
        text = (root / self.file).read_text()
        n = text.count(self.old)
        if n != 1:
            raise ValueError(f"mutant {self.id}: the text to replace occurs {n} times in "
                             f"{self.file} (must be exactly once); the catalogue is stale")


def discover_mutants(package: str = "w2s_theory") -> list[SourceMutant]:
    """Every ``MUTANTS`` entry of every ``mutants`` module below *package*, in id order."""
    pkg = importlib.import_module(package)
    found: dict[str, SourceMutant] = {}
    for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
        if info.name.rsplit(".", 1)[-1] == "mutants":
            for m in importlib.import_module(info.name).MUTANTS:
                if m.id in found:
                    raise ValueError(f"duplicate mutant id {m.id!r}")
                found[m.id] = m
    return [found[k] for k in sorted(found)]


def mutated_copy(m: SourceMutant, dest: pathlib.Path, root: pathlib.Path = ROOT) -> pathlib.Path:
    """Copy the packages to *dest* and plant *m*; return *dest* (to put on ``PYTHONPATH``)."""
    m.check_applies(root)
    for name in PACKAGES:
        shutil.copytree(root / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    path = dest / m.file
    path.write_text(path.read_text().replace(m.old, m.new, 1))
    return dest


def run_claims_on_copy(copy_root: pathlib.Path, patterns, *, quick: bool = True,
                       seed: int | None = None, timeout: float = 900.0) -> list[dict]:
    """Run ``python -m proofs_check --json`` on the package in *copy_root*; return its claim records."""
    # no result cache (mutation runs never read or write it) and one process: the mutation
    # run already parallelises over mutants
    cmd = [sys.executable, "-m", "proofs_check", "--json", "--no-cache", "-j", "1"]
    if quick:
        cmd.append("--quick")
    if seed is not None:
        cmd += ["--seed", str(seed)]
    cmd += list(patterns)
    env = dict(os.environ, PYTHONPATH=str(copy_root), OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run(cmd, cwd=copy_root, env=env, capture_output=True, text=True,
                          timeout=timeout)
    try:
        return json.loads(proc.stdout)["claims"]
    except (ValueError, KeyError):
        # The mutated package did not even import or report: every named claim failed.
        return [dict(id=p, status="fail", detail=proc.stderr.strip()[-500:]) for p in patterns]


def _run_interpreter(m: SourceMutant, quick: bool, seed, timeout: float, plan: dict) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="w2s-mutant-") as tmp:
        copy_root = mutated_copy(m, pathlib.Path(tmp))
        return run_claims_on_copy(copy_root, m.claims, quick=quick, seed=seed, timeout=timeout)


# --------------------------------------------------------------------------- forked runs


def module_name(file: str) -> str:
    """``w2s_theory/ridge/theory.py`` -> ``w2s_theory.ridge.theory`` (``__init__``: the package)."""
    parts = list(pathlib.PurePosixPath(file).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@functools.lru_cache(maxsize=4)
def import_graph(root: pathlib.Path = ROOT) -> dict[str, frozenset[str]]:
    """``{module: modules of the two packages it imports}``, read from the sources.

    Every ``import`` statement counts, also inside functions (a lazy import holds the
    module as surely as a top-level one); ``from a import b`` counts ``a`` and, when it
    is a module, ``a.b``; importing ``a.b.c`` imports ``a`` and ``a.b``.
    """
    files = {module_name(str(p.relative_to(root))): p
             for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))}
    graph = {}
    for name, path in files.items():
        base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                mod = ".".join(base[:len(base) - node.level + 1] + [node.module or ""]).strip(".") \
                    if node.level else node.module
                found.add(mod)
                found.update(f"{mod}.{a.name}" for a in node.names)
        closed = {".".join(n.split(".")[:i]) for n in found for i in range(1, n.count(".") + 2)}
        graph[name] = frozenset(closed & files.keys() - {name})
    return graph


def dependents(module: str, root: pathlib.Path = ROOT) -> set[str]:
    """*module* and every module of the packages that imports it, directly or transitively."""
    graph = import_graph(root)
    out, todo = {module}, [module]
    while todo:
        cur = todo.pop()
        for name, deps in graph.items():
            if cur in deps and name not in out:
                out.add(name)
                todo.append(name)
    return out


class _PatchedModule(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module from patched source text (never from a stale ``.pyc``)."""

    def __init__(self, name: str, path: pathlib.Path, source: str):
        self.name, self.path, self.source = name, path, source

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        pkg = self.path.name == "__init__.py"
        return importlib.util.spec_from_file_location(
            fullname, self.path, loader=self,
            submodule_search_locations=[str(self.path.parent)] if pkg else None)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(self.source, str(self.path), "exec"), module.__dict__)


def _reset_process_state() -> None:
    """What a fresh interpreter would have: default float error handling and precision."""
    import mpmath
    import numpy as np
    np.seterr(divide="warn", over="warn", under="ignore", invalid="warn")
    mpmath.mp.dps = 15


def _child_run(m: SourceMutant, quick: bool, seed, root: pathlib.Path, plan: dict) -> list[dict]:
    """In a forked child: reload what can see the mutant from the patched text; run its claims."""
    from . import registry as old_registry
    from .runner import select as old_select
    target = module_name(m.file)
    stale = dependents(target, root)
    # the claim modules to (re)import: those defining a claim the mutant names
    wanted = {c.module for c in old_select(old_registry.REGISTRY, list(m.claims))}
    for name in [n for n in sys.modules if n in stale]:
        del sys.modules[name]
        parent, _, leaf = name.rpartition(".")
        # ``from . import leaf`` reads the parent package's attribute, not sys.modules: a
        # parent that stays must not hand out the stale submodule
        if parent in sys.modules and parent not in stale:
            vars(sys.modules[parent]).pop(leaf, None)
    for cid in [cid for cid, c in old_registry.REGISTRY.items() if c.module in stale]:
        del old_registry.REGISTRY[cid]
    text = (root / m.file).read_text().replace(m.old, m.new, 1)
    sys.meta_path.insert(0, _PatchedModule(target, root / m.file, text))
    importlib.invalidate_caches()
    for name in sorted(sys.modules):          # caches of what stays: empty, as when fresh
        if name.split(".")[0] not in PACKAGES:
            continue
        for attr, v in list(vars(sys.modules[name]).items()):
            if isinstance(v, dict) and "cache" in attr.lower():
                v.clear()
            elif callable(v) and hasattr(v, "cache_clear") and hasattr(v, "cache_info"):
                v.cache_clear()
    _reset_process_state()
    registry = importlib.import_module("proofs_check.registry")
    runner = importlib.import_module("proofs_check.runner")
    importlib.import_module(target)           # a mutant that breaks the import fails every claim
    for name in sorted(wanted):
        importlib.import_module(name)
    chosen = runner.select(registry.REGISTRY, list(m.claims))
    if not chosen:                            # claims of modules this process never imported
        registry.discover()
        chosen = runner.select(registry.REGISTRY, list(m.claims))
    ctx = registry.Context(quick=quick, **({} if seed is None else {"seed": seed}))
    cost = plan.get("cost") or {}
    out = []
    for c in sorted(chosen, key=lambda c: (cost.get(c.id, 0.0), c.id)):
        if c.id in plan.get("skip", ()):
            continue
        rec = runner.run_claim(c, ctx)
        out.append({k: rec.get(k) for k in ("id", "status", "detail", "seconds")})
        if plan.get("first_kill") and rec["status"] == "fail":
            break
    return out


def _run_forked(m: SourceMutant, quick: bool, seed, timeout: float, plan: dict,
                root: pathlib.Path = ROOT) -> list[dict]:
    m.check_applies(root)
    import_graph(root)                        # parsed once, in the parent
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:                              # child: never returns
        code = 0
        try:
            os.close(rfd)
            try:
                data = {"records": _child_run(m, quick, seed, root, plan)}
            except BaseException as exc:      # noqa: BLE001 - the mutated package did not load
                data = {"error": f"{type(exc).__name__}: {exc}"}
            payload = json.dumps(data).encode()
            with os.fdopen(wfd, "wb") as fh:
                fh.write(payload)
        except BaseException:                 # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([rfd], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                data = {"error": f"timed out after {timeout:g} s"}
                break
            chunk = os.read(rfd, 1 << 16)
            if not chunk:
                try:
                    data = json.loads(b"".join(chunks))
                except ValueError:
                    data = {"error": "the mutant's process died without a report"}
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
        os.waitpid(pid, 0)
    if "records" in data:
        return data["records"]
    return [dict(id=p, status="fail", detail=data["error"]) for p in m.claims]


def run_source_mutant(m: SourceMutant, *, quick: bool = True, seed: int | None = None,
                      isolate: str | None = None, timeout: float = 900.0,
                      cost: dict | None = None, skip=(), first_kill: bool = False) -> dict:
    """Plant *m*, run its claims; return ``{"id", "killed_by", "records"}``.

    Parameters
    ----------
    m : SourceMutant
    quick, seed : run mode of the claims.
    isolate : {"fork", "interpreter"}, optional
        How the mutated code is isolated from the caller (module docstring); default
        ``"fork"`` where available, else ``"interpreter"``.
    timeout : float
        Seconds before the mutant's run is abandoned (counted as a failure of its claims).
    cost, skip, first_kill
        Forked runs only: run the claims cheapest first (``cost``: seconds by claim id),
        leave out the claim ids in ``skip`` (e.g. those failing unmutated), and stop at
        the first claim that fails when ``first_kill``.  The fresh interpreter runs every
        named claim.
    """
    if isolate is None:
        isolate = "fork" if hasattr(os, "fork") else "interpreter"
    if isolate not in ("fork", "interpreter"):
        raise ValueError(f"isolate must be 'fork' or 'interpreter'; got {isolate!r}")
    run = _run_forked if isolate == "fork" else _run_interpreter
    plan = dict(cost=dict(cost or {}), skip=sorted(skip), first_kill=first_kill)
    records = run(m, quick, seed, timeout, plan)
    killed_by = sorted(r["id"] for r in records if r["status"] == "fail")
    return dict(id=m.id, killed_by=killed_by, records=records)
