"""§2.2 of Moniri & Hassani (2025): ridge teacher → weighted-ridge ("pre-trained") student.

* :mod:`w2s_theory.wridge.estimators` — the weighted-ridge estimator, its two-layer linear-network
  reading (Remark 6) and the spiked weighting matrix Γ = I + κθθᵀ (Assumption 7);
* :mod:`w2s_theory.wridge.symbolic` — SymPy source of the limiting errors (Thm 8, derived here);
* :mod:`w2s_theory.wridge.theory` — float/numpy/mpmath evaluators generated from it, ρ thresholds,
  ridgeless limits (Appendix E);
* :mod:`w2s_theory.wridge.simulate` — seeded simulator with spectral reuse.
"""
from . import symbolic
from .estimators import spiked_first_layer, spiked_gamma, two_layer_ridge, weighted_ridge
from .theory import (WeightedRidgeW2S, best_rho_threshold, delta, error_gap, omega_from_kappa,
                     rho_threshold, rho_threshold_limit, student_error,
                     student_error_ridgeless_student, student_error_ridgeless_teacher)

__all__ = ["symbolic", "spiked_first_layer", "spiked_gamma", "two_layer_ridge", "weighted_ridge",
           "WeightedRidgeW2S", "best_rho_threshold", "delta", "error_gap", "omega_from_kappa",
           "rho_threshold", "rho_threshold_limit",
           "student_error", "student_error_ridgeless_student", "student_error_ridgeless_teacher"]
