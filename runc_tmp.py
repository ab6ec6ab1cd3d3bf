import sys
from proofs_check.registry import discover, Context
from proofs_check.runner import select, run_claim
for c in select(discover(), sys.argv[2:]):
    r = run_claim(c, Context(quick=sys.argv[1]=="q")); print(c.id, r["status"], round(r["seconds"],2), r["detail"][:900])
