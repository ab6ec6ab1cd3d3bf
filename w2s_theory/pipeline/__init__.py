"""Compile linear weak-to-strong pipelines of ridge fits to their exact proportional limits.

>>> from w2s_theory.pipeline import Design, Truth, ridge, test_error
>>> A, B = Design("phi"), Design("psi")
>>> T = ridge(Truth(), A, "lam_T")
>>> S = ridge(T, B, "lam_S")
>>> E = test_error(S)
>>> [s.name for s in E.symbols]
['phi', 'psi', 'lam_T', 'lam_S', 'sigma2', 'r2']

See ``docs/theory/pipeline.rst`` (the free-probability reduction) and
``docs/deriving.rst`` (a walk-through).
"""
from .compiler import Limit, SimResult, inner, sq_distance, test_error
from .language import Design, Truth, Vector, ridge

__all__ = ["Design", "Truth", "Vector", "ridge", "test_error", "sq_distance", "inner",
           "Limit", "SimResult"]
