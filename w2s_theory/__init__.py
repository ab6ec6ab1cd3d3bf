"""w2s_theory: weak-to-strong generalisation theory as executable, checked mathematics."""
__version__ = "0.1.0"
