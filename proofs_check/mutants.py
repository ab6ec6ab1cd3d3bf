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
"""
from __future__ import annotations

import dataclasses
import importlib
import json
import os
import pathlib
import pkgutil
import shutil
import subprocess
import sys
import tempfile

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


def run_source_mutant(m: SourceMutant, *, quick: bool = True, seed: int | None = None) -> dict:
    """Plant *m* in a temporary copy, run its claims; return ``{"id", "killed_by", "records"}``."""
    with tempfile.TemporaryDirectory(prefix="w2s-mutant-") as tmp:
        copy_root = mutated_copy(m, pathlib.Path(tmp))
        records = run_claims_on_copy(copy_root, m.claims, quick=quick, seed=seed)
    killed_by = sorted(r["id"] for r in records if r["status"] == "fail")
    return dict(id=m.id, killed_by=killed_by, records=records)
