"""Every wridge claim is registered with a source and passes in quick mode."""
import pytest

from proofs_check import Context
from proofs_check.registry import discover

CLAIMS = sorted(c for c in discover() if c.startswith("wridge."))


def test_claims_registered():
    assert len(CLAIMS) >= 10
    reg = discover()
    for cid in CLAIMS:
        assert "Moniri" in reg[cid].source and reg[cid].domain


@pytest.mark.parametrize("cid", CLAIMS)
def test_claim_passes_quick(cid):
    out = discover()[cid].run(Context(quick=True))
    assert out.passed, out.detail
    assert not out.discrepancy
