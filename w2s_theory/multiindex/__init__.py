"""Nonlinear multi-index mechanism of weak-to-strong generalisation (Moniri & Hassani 2025, §3).

Easy/hard multi-index target y = sigma1(<u1,x>) + sigma2(<u2,x>) (+ noise), two-layer
networks trained by one gradient step on the first layer: a random-init teacher aligns with
the easy direction only (Prop 10); a student pre-trained along u2 and trained on teacher
labels keeps u2 and picks up u1 (Thm 11).

Modules: :mod:`~w2s_theory.multiindex.hermite` (Hermite toolkit), :mod:`~w2s_theory.multiindex.theory` (SymPy limits),
:mod:`~w2s_theory.multiindex.simulate` (seeded simulator), :mod:`~w2s_theory.multiindex.claims`, :mod:`~w2s_theory.multiindex.figures`, :mod:`~w2s_theory.multiindex.experiments`.
"""
from .hermite import (Z, gaussian_expectation, hermite_coefficient, hermite_coefficients,
                      hermite_poly, information_exponent, is_piecewise_polynomial,
                      relu_hermite_coefficient)
from .model import ACTIVATIONS, LINKS, MultiIndexSetting
from .simulate import SimResult, simulate, top_right_singular
from .theory import (limits, spike_overlap, student_u1, student_u2, teacher_u1,
                     teacher_u1_large_step, teacher_u2_rate)

__all__ = [
    "Z", "gaussian_expectation", "hermite_coefficient", "hermite_coefficients", "hermite_poly",
    "information_exponent", "is_piecewise_polynomial", "relu_hermite_coefficient",
    "ACTIVATIONS", "LINKS", "MultiIndexSetting", "SimResult", "simulate", "top_right_singular",
    "limits", "spike_overlap", "student_u1", "student_u2", "teacher_u1", "teacher_u1_large_step",
    "teacher_u2_rate",
]
