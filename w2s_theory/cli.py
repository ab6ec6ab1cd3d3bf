"""``w2s``: reproduce figures and run full-scale experiments.

    w2s list                       what can be run
    w2s figure fig1 [--out DIR]    write a figure's PNG(s)
    w2s experiment NAME [--quick]  run an experiment, print JSON results
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

from ._registry import discover


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="w2s", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="list figures and experiments")
    pf = sub.add_parser("figure", help="write figure PNG(s)")
    pf.add_argument("name", nargs="+", help="figure name(s), or 'all'")
    pf.add_argument("--out", default="figures_out", help="output directory (default: figures_out)")
    pf.add_argument("--quick", action="store_true", help="small sizes, for a preview")
    pf.add_argument("--seed", type=int, default=0)
    pe = sub.add_parser("experiment", help="run an experiment and print JSON results")
    pe.add_argument("name")
    pe.add_argument("--quick", action="store_true", help="reduced scale")
    pe.add_argument("--seed", type=int, default=0)
    pe.add_argument("--out", help="also write the JSON results to this file")
    args = p.parse_args(argv)
    figures, experiments = discover()
    if args.cmd == "list":
        for name, (_, h) in sorted(figures.items()):
            print(f"figure      {name:<16} {h}")
        for name, (_, h) in sorted(experiments.items()):
            print(f"experiment  {name:<16} {h}")
        return 0
    if args.cmd == "figure":
        names = sorted(figures) if args.name == ["all"] else args.name
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
