"""Every ``Examples`` section in the package's docstrings runs as a doctest."""
import doctest
import importlib
import pkgutil

import mpmath
import pytest

import proofs_check
import w2s_theory


def _modules():
    for pkg in (w2s_theory, proofs_check):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            if info.name.endswith("__main__"):
                continue
            yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    saved = mpmath.mp.dps
    try:
        for test in finder.find(module, name):
            if test.examples:
                runner.run(test)
    finally:
        mpmath.mp.dps = saved
    assert runner.failures == 0, f"{runner.failures} failing doctest example(s) in {name}"
