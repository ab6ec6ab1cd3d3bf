"""§2.1 of Moniri & Hassani (2025): ridge teacher → ridge student.

Numeric evaluators (float / numpy / mpmath) in :mod:`.theory`; the SymPy
expressions they are generated from in :mod:`.symbolic`.
"""
from . import derive, symbolic
from .optimal import OptimalStudent, optimal_student_lambda
from .theory import (RidgeW2S, WinRegion, c_max, error_gap, gain_g, level_h, optimal_lambda,
                     ridgeless_teacher_error, student_error, student_win_region, teacher_error)

__all__ = ["derive", "symbolic", "OptimalStudent", "optimal_student_lambda", "RidgeW2S", "WinRegion", "c_max", "error_gap", "gain_g", "level_h",
           "optimal_lambda", "ridgeless_teacher_error", "student_error",
           "student_win_region", "teacher_error"]
