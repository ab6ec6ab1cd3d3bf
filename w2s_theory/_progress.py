"""Progress bars: tqdm when installed (extra ``progress``), plain stderr lines otherwise."""
from __future__ import annotations

import sys


def progress(iterable, total=None, desc="", disable=False):
    """Wrap *iterable* in a progress bar written to stderr.

    Parameters
    ----------
    iterable : iterable
        The loop to wrap.
    total : int, optional
        Number of items, if *iterable* has no ``len`` (shown as ``?`` otherwise).
    desc : str, default ""
        Label in front of the bar.
    disable : bool, default False
        Return *iterable* itself (no output), e.g. for ``--quiet`` or tests.

    Returns
    -------
    iterable
        A ``tqdm`` bar if tqdm is installed, else a generator printing ``desc: i/total``
        lines; either yields the items of *iterable* unchanged.

    Examples
    --------
    >>> list(progress(range(3), desc="demo", disable=True))
    [0, 1, 2]
    """
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
