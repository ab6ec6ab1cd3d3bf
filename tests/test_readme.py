"""The README's Python example is a doctest: it must stay true."""
import doctest
import pathlib

import mpmath


def test_readme_example_runs():
    text = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    start = text.index("```python") + len("```python")
    block = text[start:text.index("```", start)]
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    saved = mpmath.mp.dps
    try:
        result = runner.run(test)
    finally:
        mpmath.mp.dps = saved
    assert result.attempted >= 6 and result.failed == 0
