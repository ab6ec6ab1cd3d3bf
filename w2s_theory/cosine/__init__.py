"""Cosine-similarity mechanism: weak-to-strong is nearly inevitable in linear models.

Source: Geng, Hansen & Li (2026), "Weak-to-strong generalization is nearly
inevitable (in linear models)"; THEORY.md §4.
"""
from .calculus import (C_PQR, accuracy, cosine, cosine_gradient, cosine_hessian,
                       symbolic_cosine, symbolic_gradient, symbolic_hessian, zero_one_loss)

__all__ = ["C_PQR", "accuracy", "cosine", "cosine_gradient", "cosine_hessian",
           "symbolic_cosine", "symbolic_gradient", "symbolic_hessian", "zero_one_loss"]
