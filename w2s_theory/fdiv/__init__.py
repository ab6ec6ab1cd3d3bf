"""f-divergence losses for weak-to-strong training (Yao et al. 2025, abstract).

``D_f(P||Q) = E_Q f(dP/dQ)``; the W2S loss is ``D_f(teacher || student)``.
See :mod:`w2s_theory.fdiv.divergences` for conventions and
:mod:`w2s_theory.fdiv.w2s` for the weak-to-strong experiment.
"""
from .divergences import (CHI2, DIVERGENCES, HELLINGER2, JEFFREYS, JS, KL, REVERSE_KL, TV,
                          FDivergence, check_simplex, cross_entropy, get, t,
                          validate_generator)

__all__ = ["FDivergence", "validate_generator", "check_simplex", "cross_entropy", "get", "t",
           "DIVERGENCES", "KL", "REVERSE_KL", "JS", "JEFFREYS", "HELLINGER2", "CHI2", "TV"]
