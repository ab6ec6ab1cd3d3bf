"""Certified inequalities: Arb interval enclosures, branch-and-bound, replayable certificates.

Nothing here imports python-flint at import time; the engine (:mod:`.engine`) and the
standalone checker (:mod:`.verify`) do, when a certification is actually run.  Without
python-flint a certified claim fails with the detail ``install w2s_theory[certify]``.
See docs/certified.rst.
"""
from __future__ import annotations

from .spec import CERTIFIED, Statement, certified_claim, flint_available

__all__ = ["CERTIFIED", "Statement", "certified_claim", "flint_available"]
