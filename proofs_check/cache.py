"""Persistent cache of claim records, so an unchanged second run costs seconds.

A record is reused only when everything it depends on is unchanged: the claim id,
the mode (quick or full), the seed, the package version, a hash of every source file
of ``w2s_theory`` and ``proofs_check``, and the versions of Python, numpy, scipy, sympy
and mpmath.  Each entry stores its full key and a SHA-256 checksum of the record; on
read both are verified, and anything that does not match (a stale key, a truncated or
edited file, a hash collision) is ignored and the claim runs again — a corrupted entry
can never make a claim pass.  Writes go to a temporary file in the same directory and
are renamed into place (atomic on POSIX and Windows), so concurrent runs cannot leave a
half-written entry.  Only claims of the ``w2s_theory`` package are cached (the source
hash covers nothing else), and a claim that raised is never cached.

The directory defaults to the user cache directory (``platformdirs``); mutation and
certification runs never use the cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import platform
import tempfile

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("w2s_theory", "proofs_check")
CACHE_FORMAT = 1


def default_cache_dir() -> pathlib.Path:
    try:
        import platformdirs
        return pathlib.Path(platformdirs.user_cache_dir("w2s_theory")) / "claims"
    except ImportError:  # platformdirs is a light dependency, but stay usable without it
        return pathlib.Path.home() / ".cache" / "w2s_theory" / "claims"


def source_hash(root: pathlib.Path = PACKAGE_ROOT) -> str:
    """SHA-256 over the relative paths and bytes of every ``.py`` file of the packages."""
    h = hashlib.sha256()
    for pkg in SOURCE_PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def environment() -> dict:
    """Versions that could change a record; read from metadata, so nothing heavy is imported."""
    from importlib import metadata

    from . import __version__

    def version(dist):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None
    return {"python": platform.python_version(), "package": __version__,
            **{dist: version(dist) for dist in ("numpy", "scipy", "sympy", "mpmath")}}


def _atomic_write_json(path: pathlib.Path, data) -> None:
    """Write *data* as JSON to a temporary file beside *path*, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def _checksum(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """Claim records on disk, keyed on everything that could change them.

    Parameters
    ----------
    directory : path-like, optional
        Where entries live (created on first write); default :func:`default_cache_dir`.

    Examples
    --------
    >>> import tempfile
    >>> cache = ResultCache(tempfile.mkdtemp())
    >>> rec = {"id": "demo.claim", "status": "pass", "points": 1, "worst": 0.0}
    >>> cache.put("demo.claim", quick=True, seed=1, record=rec, module="w2s_theory.demo.claims")
    True
    >>> cache.get("demo.claim", quick=True, seed=1, module="w2s_theory.demo.claims")["status"]
    'pass'
    >>> cache.get("demo.claim", quick=False, seed=1, module="w2s_theory.demo.claims") is None
    True
    """

    def __init__(self, directory=None):
        self.directory = pathlib.Path(directory) if directory is not None else default_cache_dir()
        self._source = None
        self._env = None
        self.hits = 0

    def key(self, claim_id: str, *, quick: bool, seed: int) -> dict:
        if self._source is None:
            self._source, self._env = source_hash(), environment()
        return {"format": CACHE_FORMAT, "claim": claim_id, "quick": bool(quick), "seed": int(seed),
                "source": self._source, **self._env}

    def _path(self, key: dict) -> pathlib.Path:
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
        return self.directory / f"{digest}.json"

    @staticmethod
    def cacheable(module: str) -> bool:
        return module.startswith("w2s_theory.")

    def get(self, claim_id: str, *, quick: bool, seed: int, module: str) -> dict | None:
        """The stored record, or ``None`` if absent, stale or corrupted."""
        if not self.cacheable(module):
            return None
        key = self.key(claim_id, quick=quick, seed=seed)
        try:
            entry = json.loads(self._path(key).read_text())
            record = entry["record"]
            if entry["key"] != key or entry["checksum"] != _checksum(record) \
                    or record.get("id") != claim_id:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.hits += 1
        return dict(record, cached=True)

    def put(self, claim_id: str, *, quick: bool, seed: int, record: dict, module: str) -> bool:
        """Store *record* atomically; returns whether it was stored (crashes never are)."""
        if not self.cacheable(module) or "traceback" in record:
            return False
        record = {k: v for k, v in record.items() if k != "cached"}
        key = self.key(claim_id, quick=quick, seed=seed)
        entry = {"key": key, "record": record, "checksum": _checksum(record)}
        try:
            _atomic_write_json(self._path(key), entry)
        except (OSError, TypeError, ValueError):
            return False  # a read-only or full cache directory (or an odd record) only costs speed
        return True

    # The claim index of this exact source tree (ids and report fields), so that a run whose
    # records are all cached, or ``--list``, imports no mechanism at all.
    def _index_path(self) -> pathlib.Path:
        return self.directory / "index.json"

    def get_index(self):
        from .index import IndexedClaim
        key = self.key("<index>", quick=False, seed=0)
        try:
            entry = json.loads(self._index_path().read_text())
            rows = entry["rows"]
            if entry["key"] != key or entry["checksum"] != _checksum(rows):
                return None
            return {cid: IndexedClaim(**row) for cid, row in rows.items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_index(self, rows) -> None:
        import dataclasses
        data = {cid: dataclasses.asdict(c) for cid, c in rows.items()}
        entry = {"key": self.key("<index>", quick=False, seed=0), "rows": data,
                 "checksum": _checksum(data)}
        try:
            _atomic_write_json(self._index_path(), entry)
        except OSError:
            pass

    # Last run time per claim: used only to schedule long claims first, never for results.
    def _timings_path(self) -> pathlib.Path:
        return self.directory / "timings.json"

    def timings(self) -> dict:
        try:
            data = json.loads(self._timings_path().read_text())
            return {k: float(v) for k, v in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def save_timings(self, records: list[dict], quick: bool) -> None:
        data = self.timings()
        data.update({f"{r['id']}|{int(quick)}": float(r["seconds"]) for r in records
                     if not r.get("cached")})
        try:
            _atomic_write_json(self._timings_path(), data)
        except OSError:
            pass
