"""The static claim index (proofs_check.index): what it reads, and that it covers the package."""
import os
import subprocess
import sys
import textwrap

from proofs_check import index
from proofs_check.registry import discover


def _index_of(tmp_path, source):
    path = tmp_path / "claims.py"
    path.write_text(textwrap.dedent(source))
    return index.index_module(path, "pkg.mech.claims", "mech.")


def test_every_package_module_is_static_and_equals_the_imported_registry():
    idx = index.build_index()
    assert [m.module for m in idx if m.dynamic] == []
    static = {c.id: c for m in idx for c in m.claims}
    discover()
    imported = {cid: c for cid, c in index._registry_rows().items()
                if c.module.startswith("w2s_theory.")}
    assert static == imported


def test_reads_str_len_subscripts_and_certified_claim(tmp_path):
    m = _index_of(tmp_path, '''
        POINT = dict(a=0.5, b=2)
        TABLE = [1, 2, 3]
        SOURCES = {"x": "Paper " "2024", "y": "other"}
        @claim(id="mech.a", title="t", source=SOURCES["x"], method="simulation",
               domain="n = " + str(POINT) + f"; {len(TABLE)} links")
        def a(ctx): pass
        @certified_claim(id="mech.b", title="T", source="S", domain="D")
        def b(ctx): pass
    ''')
    assert not m.dynamic
    a, b = m.claims
    assert (a.source, a.domain) == ("Paper 2024", "n = {'a': 0.5, 'b': 2}; 3 links")
    assert (b.id, b.method, b.title, b.source, b.domain) == ("mech.b", "certified", "T", "S", "D")


def test_what_it_cannot_read_makes_the_module_dynamic(tmp_path):
    for src in ('@claim(id="mech.a", title=str(f()), source="s", method="search")\ndef a(c): 0',
                'X = [*Y]\n@claim(id="mech.a", title=f"{len(X)}", source="s", method="search")\n'
                'def a(c): 0',
                '@certified_claim(id="mech.a", title="t", source="s", method="symbolic")\n'
                'def a(c): 0',
                'for n in NAMES:\n    make_claim(n)'):
        assert _index_of(tmp_path, src).dynamic, src


def test_cold_list_imports_no_mechanism(tmp_path):
    code = ("import sys; from proofs_check.cli import main; main(['--list', '--no-cache']);"
            "print('IMPORTED', [m for m in sys.modules if m.startswith('w2s_theory.')"
            " and not m.split('.')[1].startswith('_')])")
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().endswith("IMPORTED []")
    assert sum(1 for line in out.splitlines() if line.startswith("fdiv.ineq.")) == 10
