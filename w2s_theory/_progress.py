"""Progress bars: tqdm when installed (extra ``progress``), plain stderr lines otherwise."""
from __future__ import annotations

import sys


def progress(iterable, total=None, desc="", disable=False):
    """Wrap *iterable* in a progress bar written to stderr."""
    if disable:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - depends on the environment
        return _plain(iterable, total, desc)
    return tqdm(iterable, total=total, desc=desc, file=sys.stderr)


def _plain(iterable, total, desc):
    total = total if total is not None else (len(iterable) if hasattr(iterable, "__len__") else None)
    for i, item in enumerate(iterable, 1):
        yield item
        print(f"{desc}: {i}/{total if total is not None else '?'}", file=sys.stderr, flush=True)
