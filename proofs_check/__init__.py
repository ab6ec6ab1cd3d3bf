"""Registry of checkable claims about weak-to-strong theory, with a CLI (``w2s-check``)."""
from .registry import REGISTRY, Claim, Context, Outcome, claim, discover

__all__ = ["REGISTRY", "Claim", "Context", "Outcome", "claim", "discover"]
