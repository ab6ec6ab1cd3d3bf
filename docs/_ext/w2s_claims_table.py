"""Sphinx extension: the ``claims-table`` directive lists the registered claims.

The table is generated at build time from :func:`proofs_check.discover`, so the
docs list exactly the claims that ``w2s-check`` runs: one table per mechanism
with id, statement, source, method and domain.  If the configuration value
``w2s_claims_results`` (or the environment variable ``W2S_CLAIMS_RESULTS``)
names a ``w2s-check --json`` report, the last status and mutation sensitivity
of each claim are added as columns.

Cells are built as docutils text nodes, so claim titles are never parsed as
reStructuredText.
"""
from __future__ import annotations

import json
import os
import pathlib

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _table(header: list[str], rows: list[list[str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["longtable"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in widths)

    def row(cells):
        r = nodes.row()
        for text in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(text=text)
            r += entry
        return r

    thead = nodes.thead()
    thead += row(header)
    tbody = nodes.tbody()
    tbody.extend(row(cells) for cells in rows)
    group += thead
    group += tbody
    return table


def _results(app) -> dict:
    path = app.config.w2s_claims_results or os.environ.get("W2S_CLAIMS_RESULTS", "")
    if not path:
        return {}
    p = pathlib.Path(app.confdir, path)
    if not p.exists():
        return {}
    return {c["id"]: c for c in json.loads(p.read_text())["claims"]}


class ClaimsTable(SphinxDirective):
    """``.. claims-table::`` — every registered claim, grouped by mechanism."""

    has_content = False

    def run(self):
        from proofs_check import discover
        claims = discover()
        results = _results(self.env.app)
        header = ["id", "statement", "source", "method", "domain"]
        widths = [18, 34, 18, 10, 20]
        if results:
            header += ["last status", "sensitivity"]
            widths += [8, 8]
        out = []
        mechanisms = sorted({cid.split(".", 1)[0] for cid in claims})
        summary = nodes.paragraph(text=f"{len(claims)} claims in {len(mechanisms)} mechanisms "
                                       f"({', '.join(mechanisms)}).")
        out.append(summary)
        for mech in mechanisms:
            rows = []
            for cid in sorted(c for c in claims if c.split(".", 1)[0] == mech):
                c = claims[cid]
                cells = [c.id, c.title, c.source, c.method, c.domain or "-"]
                if results:
                    r = results.get(cid, {})
                    sens = r.get("sensitivity")
                    cells += [r.get("status", "-"), "-" if sens is None else f"{sens:.3g}"]
                rows.append(cells)
            out.append(nodes.rubric(text=f"{mech} ({len(rows)} claims)"))
            out.append(_table(header, rows, widths))
        return out


def setup(app):
    app.add_config_value("w2s_claims_results", "", "env")
    app.add_directive("claims-table", ClaimsTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
