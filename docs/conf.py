import importlib.util
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))   # document this checkout, not an installed copy
sys.path.insert(0, str(HERE / "_ext"))

project = "w2s_theory"
author = "w2s_theory developers"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.mathjax", "w2s_claims_table"]
# MathJax served from the built site, not a CDN, when the package is installed (extra "docs").
if importlib.util.find_spec("sphinx-mathjax-offline") is not None:
    extensions.append("sphinx-mathjax-offline")
html_theme = "alabaster"
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
