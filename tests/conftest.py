import os

from hypothesis import settings

# Derandomised so that CI failures replay; numerics have no deadline.
settings.register_profile("w2s", deadline=None, derandomize=True, max_examples=60,
                          print_blob=True)
settings.load_profile(os.environ.get("W2S_HYPOTHESIS_PROFILE", "w2s"))

# In-process CLI runs must not touch the user's result cache.
if "W2S_CACHE_DIR" not in os.environ:
    import tempfile
    os.environ["W2S_CACHE_DIR"] = tempfile.mkdtemp(prefix="w2s-test-cache-")
