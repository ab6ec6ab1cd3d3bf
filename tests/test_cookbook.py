"""The derivation cookbook's REPL sessions are doctests: they must stay true."""
import doctest
import pathlib

import mpmath


def test_cookbook_sessions_run():
    path = pathlib.Path(__file__).parents[1] / "docs" / "cookbook.rst"
    test = doctest.DocTestParser().get_doctest(path.read_text(), {}, "cookbook", str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    saved = mpmath.mp.dps
    try:
        result = runner.run(test)
    finally:
        mpmath.mp.dps = saved
    assert result.attempted >= 20 and result.failed == 0
