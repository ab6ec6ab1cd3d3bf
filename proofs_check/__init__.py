"""Registry of checkable claims about weak-to-strong theory, with a CLI (``w2s-check``)."""
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("w2s_theory")
except _metadata.PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0.1.0+unknown"

from .registry import REGISTRY, Claim, Context, Outcome, claim, discover

__all__ = ["REGISTRY", "Claim", "Context", "Outcome", "claim", "discover"]
