"""The Examples sections of proofs_check's public API (and the CLI helpers) run as doctests."""
import doctest
import importlib

import pytest

MODULES = ["proofs_check.registry", "proofs_check.runner", "proofs_check.report",
           "proofs_check.patterns", "proofs_check.cli", "w2s_theory._cli_common",
           "w2s_theory._registry", "w2s_theory.cli"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0


def test_figure_levels_example():
    pytest.importorskip("matplotlib")
    mod = importlib.import_module("w2s_theory.ridge.figures")
    finder = doctest.DocTestFinder()
    (t,) = [t for t in finder.find(mod.gap_levels, "gap_levels", globs=vars(mod)) if t.examples]
    res = doctest.DocTestRunner().run(t)
    assert res.attempted > 0 and res.failed == 0
