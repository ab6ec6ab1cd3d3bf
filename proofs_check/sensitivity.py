"""Per-claim sensitivities of the last mutation run, stored for ``w2s-check --json``.

The file (JSON) is written by ``w2s-check --mutants`` and read by the ordinary
report to fill each claim's ``sensitivity``.  Its location: the ``--sensitivity-file``
option, else the ``W2S_SENSITIVITY_FILE`` environment variable, else
``<user cache dir>/w2s_theory/sensitivity.json`` (``platformdirs``).  A missing,
unreadable or malformed file means "unknown" (null), never an error.
"""
from __future__ import annotations

import json
import math
import os
import pathlib

ENV = "W2S_SENSITIVITY_FILE"


def path(explicit=None) -> pathlib.Path:
    if explicit:
        return pathlib.Path(explicit)
    if os.environ.get(ENV):
        return pathlib.Path(os.environ[ENV])
    import platformdirs
    return pathlib.Path(platformdirs.user_cache_dir("w2s_theory")) / "sensitivity.json"


def load(explicit=None) -> dict[str, float]:
    """``{claim id: sensitivity}`` from the stored run ({} if absent or unreadable)."""
    try:
        data = json.loads(path(explicit).read_text())
        claims = data["claims"]
        out = {}
        for cid, entry in claims.items():
            s = entry.get("sensitivity") if isinstance(entry, dict) else None
            if isinstance(cid, str) and isinstance(s, (int, float)) and not isinstance(s, bool) \
                    and math.isfinite(s) and s > 0:
                out[cid] = float(s)
        return out
    except Exception:   # noqa: BLE001 - a bad cache file must never break a report
        return {}


def save(result: dict, explicit=None) -> pathlib.Path | None:
    """Merge the searched claims of a mutation *result* into the file; return its path.

    Claims searched in this run replace their entries; others are kept.  Failure to
    write (read-only cache dir) is not an error: returns None.
    """
    p = path(explicit)
    try:
        old = json.loads(p.read_text())["claims"]
        if not isinstance(old, dict):
            old = {}
    except Exception:   # noqa: BLE001
        old = {}
    for c in result["claims"]:
        if c.get("reason") == "not searched in this run":
            continue
        old[c["id"]] = {k: c.get(k) for k in ("sensitivity", "sensitivity_plus",
                                              "sensitivity_minus", "reason")}
    data = {"version": result.get("version"), "quick": result["summary"].get("quick"),
            "seed": result["summary"].get("seed"), "claims": old}
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, p)
    except OSError:
        return None
    return p


def fill(records: list[dict], explicit=None) -> list[dict]:
    """Set ``sensitivity`` of each record (when not set) from the stored run."""
    known = load(explicit)
    for r in records:
        if r.get("sensitivity") is None:
            r["sensitivity"] = known.get(r["id"])
    return records
