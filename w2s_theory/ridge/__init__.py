"""§2.1 of Moniri & Hassani (2025): ridge teacher → ridge student.

Numeric evaluators (float / numpy / mpmath) in :mod:`.theory`; the SymPy
expressions they are generated from in :mod:`.symbolic`.
"""
from . import symbolic
from .theory import (RidgeW2S, WinRegion, c_max, error_gap, gain_g, level_h, optimal_lambda,
                     ridgeless_teacher_error, student_error, student_win_region, teacher_error)

__all__ = ["symbolic", "RidgeW2S", "WinRegion", "c_max", "error_gap", "gain_g", "level_h",
           "optimal_lambda", "ridgeless_teacher_error", "student_error",
           "student_win_region", "teacher_error"]
