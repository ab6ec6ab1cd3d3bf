"""Claim selection by glob patterns.

A pattern is a shell-style glob (:mod:`fnmatch`, case-sensitive) matched
against the whole claim id: ``ridge.*`` selects the ``ridge`` claims only,
``*.float-vs-mpmath`` one claim per mechanism, and a bare word selects the claim
with exactly that id.  There is no substring matching (``ridge`` alone selects
nothing; it would otherwise also select ``wridge.*``).
"""
from __future__ import annotations

import fnmatch
from collections.abc import Iterable

GLOB_CHARS = "*?["


def matches(claim_id: str, pattern: str) -> bool:
    """Whether *claim_id* matches the glob *pattern* (whole id, case-sensitive).

    Examples
    --------
    >>> matches("ridge.ridgeless-limits", "ridge.*"), matches("wridge.gap", "ridge.*")
    (True, False)
    >>> matches("ridge.ridgeless-limits", "ridge")
    False
    """
    return fnmatch.fnmatchcase(claim_id, pattern)


def hint(ids: Iterable[str], pattern: str) -> str:
    """A suggestion for a bare word that is a prefix of claim ids, else ``""``.

    Examples
    --------
    >>> hint(["ridge.a", "ridge.b", "wridge.c"], "ridge")
    "did you mean 'ridge.*'?"
    >>> hint(["ridge.thm5-over", "ridge.thm5-under"], "ridge.thm5")
    "did you mean 'ridge.thm5*'?"
    >>> hint(["ridge.a"], "rid*")
    ''
    """
    if any(ch in pattern for ch in GLOB_CHARS):
        return ""
    ids = list(ids)
    if any(i.startswith(pattern + ".") for i in ids):
        return f"did you mean '{pattern}.*'?"
    if any(i.startswith(pattern) for i in ids):
        return f"did you mean '{pattern}*'?"
    return ""


def unmatched(ids: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """One message per pattern that matches no id (with a hint when there is one).

    Examples
    --------
    >>> unmatched(["ridge.a", "rmt.b"], ["ridge.*", "ridge", "nope"])
    ["no claim matches 'ridge'; did you mean 'ridge.*'?", "no claim matches 'nope'"]
    """
    ids = list(ids)
    out = []
    for p in patterns:
        if not any(matches(i, p) for i in ids):
            h = hint(ids, p)
            out.append(f"no claim matches {p!r}" + (f"; {h}" if h else ""))
    return out
