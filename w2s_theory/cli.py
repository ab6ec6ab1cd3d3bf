"""w2s: reproduce figures and run full-scale experiments.

    w2s list                            what can be run (figures with their aliases)
    w2s figure ridge-fig1 [--out DIR]   write a figure's PNG(s)
    w2s experiment NAME [--quick]       run an experiment, print JSON results

Figure names follow the scheme <mechanism>-<name>; older names (fig1,
cosine_fig1, ...) still work as aliases.  Exit status: 0 on success, 2 for
usage errors, 130 after Ctrl-C, 141 when stdout is closed early.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

from ._cli_common import DEFAULT_SEED, cli_entry, seed_arg, tool_version
from ._registry import FIGURE_ALIASES, discover


def _list(figures, experiments) -> None:
    """Aligned table: kind, name, aliases, help."""
    aliases = {}
    for old, new in FIGURE_ALIASES.items():
        aliases.setdefault(new, []).append(old)
    rows = [("figure", n, ", ".join(sorted(aliases.get(n, []))), h) for n, (_, h) in sorted(figures.items())]
    rows += [("experiment", n, "", h) for n, (_, h) in sorted(experiments.items())]
    wn = max(len(r[1]) for r in rows)
    wa = max(len(r[2]) for r in rows)
    print(f"{'kind':<10}  {'name':<{wn}}  {'aliases':<{wa}}  description")
    for kind, name, al, h in rows:
        print(f"{kind:<10}  {name:<{wn}}  {al:<{wa}}  {h}")


@cli_entry("w2s")
def main(argv=None) -> int:
    """Run ``w2s`` with *argv* (default ``sys.argv[1:]``); return the exit status.

    Parameters
    ----------
    argv : list of str, optional

    Returns
    -------
    int
        0 success, 2 usage error (unknown figure or experiment, bad ``--seed``),
        130 after Ctrl-C, 141 when stdout was closed.

    Examples
    --------
    >>> main(["figure", "no-such-figure"])
    2
    """
    p = argparse.ArgumentParser(prog="w2s", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {tool_version()}")
    seed_help = f"root random seed, a non-negative integer (default {DEFAULT_SEED})"
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="list figures and experiments")
    pf = sub.add_parser("figure", help="write figure PNG(s)")
    pf.add_argument("name", nargs="+", help="figure name(s) or alias(es), or 'all'")
    pf.add_argument("--out", default="figures_out", help="output directory (default: figures_out)")
    pf.add_argument("--quick", action="store_true", help="small sizes, for a preview")
    pf.add_argument("--seed", type=seed_arg, default=DEFAULT_SEED, help=seed_help)
    pe = sub.add_parser("experiment", help="run an experiment and print JSON results")
    pe.add_argument("name")
    pe.add_argument("--quick", action="store_true", help="reduced scale")
    pe.add_argument("--seed", type=seed_arg, default=DEFAULT_SEED, help=seed_help)
    pe.add_argument("--out", help="also write the JSON results to this file")
    args = p.parse_args(argv)
    figures, experiments = discover()
    if args.cmd == "list":
        _list(figures, experiments)
        return 0
    if args.cmd == "figure":
        names = sorted(figures) if args.name == ["all"] else [FIGURE_ALIASES.get(n, n)
                                                                for n in args.name]
        unknown = [n for n in names if n not in figures]
        if unknown:
            print(f"w2s: unknown figure(s) {unknown}; known: {sorted(figures)}", file=sys.stderr)
            return 2
        out = pathlib.Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for n in names:
            for path in figures[n][0](out, args.quick, args.seed):
                print(path)
        return 0
    if args.name not in experiments:
        print(f"w2s: unknown experiment {args.name!r}; known: {sorted(experiments)}", file=sys.stderr)
        return 2
    result = experiments[args.name][0](args.quick, args.seed)
    text = json.dumps(result, indent=2, default=float)
    if args.out:
        pathlib.Path(args.out).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
