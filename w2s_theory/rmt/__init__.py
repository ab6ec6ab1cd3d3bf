"""Marchenko–Pastur law: Stieltjes transform, derivatives, density, moments.

Numeric evaluators (float / numpy / mpmath) are generated from the SymPy
expressions in :mod:`w2s_theory.rmt.symbolic`.
"""
from . import symbolic
from .marchenko_pastur import (atom_mass, density, moment, mp_functional, stieltjes,
                               stieltjes_complex, stieltjes_derivative, stieltjes_prime,
                               support_edges)

__all__ = ["symbolic", "atom_mass", "density", "moment", "mp_functional", "stieltjes",
           "stieltjes_complex", "stieltjes_derivative", "stieltjes_prime", "support_edges"]
