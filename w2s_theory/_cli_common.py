"""What the two command-line tools (``w2s-check`` and ``w2s``) share.

* :data:`DEFAULT_SEED`, the one root seed both use when ``--seed`` is not given;
* :func:`seed_arg`, the ``--seed`` parser (accepts exactly what
  :func:`w2s_theory._numeric.seed_sequence` accepts for a single integer);
* :func:`cli_entry`, which turns a closed stdout pipe and Ctrl-C into the
  conventional quiet exits instead of tracebacks.

Exit statuses (besides a tool's own 0/1/2): ``141`` (= 128 + SIGPIPE) when the
reader of stdout went away, e.g. ``w2s-check --json | head -1``, as for any
program killed by SIGPIPE; ``130`` (= 128 + SIGINT) after Ctrl-C.
"""
from __future__ import annotations

import argparse
import functools
import os
import sys

DEFAULT_SEED = 20251124
"""Root seed of ``w2s-check`` and ``w2s`` when ``--seed`` is not given."""

EXIT_BROKEN_PIPE = 128 + 13   # SIGPIPE
EXIT_INTERRUPTED = 128 + 2    # SIGINT


def tool_version() -> str:
    """The installed distribution's version (as ``proofs_check.__version__``).

    Returns
    -------
    str
        ``importlib.metadata.version("w2s_theory")``, or the package's own
        version with ``+unknown`` from a checkout that is not installed.

    Examples
    --------
    >>> tool_version().startswith("0.")
    True
    """
    from importlib import metadata
    try:
        return metadata.version("w2s_theory")
    except metadata.PackageNotFoundError:  # running from a checkout that is not installed
        from . import __version__
        return f"{__version__}+unknown"


def seed_arg(text: str) -> int:
    """Parse a ``--seed`` value: a non-negative integer, else an argparse error.

    Parameters
    ----------
    text : str
        The command-line string (parsed as a base-10 integer, never evaluated).

    Returns
    -------
    int
        The seed, validated by :func:`w2s_theory._numeric.seed_sequence`.

    Examples
    --------
    >>> seed_arg("7")
    7
    >>> seed_arg("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a non-negative integer (0, 1, 2, ...); got '-1'
    """
    from ._numeric import seed_sequence
    message = f"must be a non-negative integer (0, 1, 2, ...); got {text!r}"
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(message) from None
    try:
        seed_sequence(value, "--seed")
    except ValueError:
        raise argparse.ArgumentTypeError(message) from None
    return value


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again.

    Called after a ``BrokenPipeError`` (see :func:`cli_entry`); a stdout without a
    file descriptor (e.g. captured by pytest) is left alone.

    Returns
    -------
    None

    Examples
    --------
    Not run here: it would silence the doctest's own output for good.

    >>> silence_stdout()  # doctest: +SKIP
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (e.g. captured)
        pass


def cli_entry(prog: str):
    """Decorate a CLI ``main(argv) -> int``: quiet exit on a closed pipe or Ctrl-C.

    A ``BrokenPipeError`` (the reader of stdout exited) returns
    :data:`EXIT_BROKEN_PIPE` with stdout redirected to /dev/null, the handling
    recommended by the Python documentation for SIGPIPE; a ``KeyboardInterrupt``
    not handled by *main* itself prints ``interrupted`` to stderr and returns
    :data:`EXIT_INTERRUPTED`.  *prog* names the tool in that message.

    Parameters
    ----------
    prog : str
        The tool's name, e.g. ``"w2s-check"``.

    Returns
    -------
    callable
        A decorator turning ``main(argv) -> int`` into ``wrapper(argv=None) -> int``.

    Examples
    --------
    >>> @cli_entry("demo")
    ... def main(argv):
    ...     raise KeyboardInterrupt
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     status = main([])
    >>> status, err.getvalue().strip()
    (130, 'demo: interrupted')
    """
    def decorate(main):
        @functools.wraps(main)
        def wrapper(argv=None):
            try:
                return main(argv)
            except BrokenPipeError:
                silence_stdout()
                return EXIT_BROKEN_PIPE
            except KeyboardInterrupt:
                print(f"{prog}: interrupted", file=sys.stderr)
                return EXIT_INTERRUPTED
        return wrapper
    return decorate
