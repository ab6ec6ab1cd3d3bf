"""The documentation builds with warnings as errors, offline, and shows every figure."""
import importlib.util
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def built_html(tmp_path_factory):
    pytest.importorskip("sphinx")
    out = tmp_path_factory.mktemp("html")
    # a last-run report for the claims table's optional status/sensitivity columns
    results = out.parent / "results.json"
    results.write_text(json.dumps({"claims": [{"id": "rmt.quadratic-root", "status": "pass",
                                               "sensitivity": 0.0123}]}))
    env = dict(os.environ, W2S_CLAIMS_RESULTS=str(results))
    # -W: any warning (broken reference, bad RST in a docstring, ...) fails the build.
    res = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(DOCS),
                          str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-4000:]
    return out


def test_docs_build_without_warnings(built_html):
    assert (built_html / "index.html").exists()
    claims = (built_html / "claims.html").read_text()
    from proofs_check import discover
    ids = set(discover())
    missing = [cid for cid in ids if cid not in claims]
    assert not missing, f"claims page misses {missing}"     # generated from the registry
    assert "last status" in claims and "0.0123" in claims   # from the results JSON


def test_math_is_rendered_without_a_cdn(built_html):
    if importlib.util.find_spec("sphinx-mathjax-offline") is None:
        pytest.skip("sphinx-mathjax-offline not installed (extra 'docs'/'test')")
    pages = list(built_html.rglob("*.html"))
    scripts = {s for p in pages for s in re.findall(r'<script[^>]*src="([^"]+)"', p.read_text())}
    remote = sorted(s for s in scripts if s.startswith(("http:", "https:", "//")))
    assert not remote, remote
    ridge = (built_html / "theory" / "ridge.html").read_text()
    assert "_static/mathjax/tex-chtml.js" in ridge
    assert (built_html / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_gallery_shows_every_figure_with_its_command():
    from w2s_theory._registry import discover
    figures, _ = discover()
    gallery = (DOCS / "gallery.rst").read_text()
    for png in (DOCS / "figures").glob("*.png"):
        assert f"figures/{png.name}" in gallery, png.name
    for name in figures:
        assert f"``w2s figure {name} " in gallery, name
