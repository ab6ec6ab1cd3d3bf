"""pytest plugin: registered claims as test items.

Installed with the package (entry point group ``pytest11``); it does nothing
unless one of its options is given::

    pytest --w2s-claims                          # w2s_theory's claims (and entry-point ones)
    pytest --w2s-claims --w2s-pattern 'ridge.*' --w2s-quick
    pytest --w2s-module mypkg                    # only mypkg's claims (implies --w2s-claims)
    pytest --w2s-claims -m w2s_claim             # the claims only, not the test files

One test item per claim, named by the claim id (node id ``w2s-claims::<id>``)
and marked ``w2s_claim``.  A claim that fails (or raises, or returns something
other than an :class:`~proofs_check.Outcome`) is a test failure whose message
is the claim's ``detail``; ``discrepancy`` (the paper's text contradicted, the
corrected statement holds) passes, is shown as ``DISCREPANCY`` in verbose mode
and listed in a summary section.  Options:

``--w2s-claims``
    collect the claims.
``--w2s-pattern GLOB``
    repeatable; select claims by glob (as ``w2s-check``'s patterns); implies
    ``--w2s-claims``.
``--w2s-module PKG``
    repeatable; the claims of PKG instead of w2s_theory's (as ``w2s-check
    --module``); implies ``--w2s-claims``.
``--w2s-quick``, ``--w2s-seed N``
    the quick parameter sets; the root seed (default as ``w2s-check``).

The claim status and detail are also recorded as the item's
``user_properties`` (``w2s_status``, ``w2s_detail``), e.g. for JUnit XML.
"""
from __future__ import annotations

import math
import sys

import pytest

from w2s_theory._cli_common import DEFAULT_SEED, seed_arg

MARKER = "w2s_claim"


def pytest_addoption(parser):
    group = parser.getgroup("w2s", "w2s_theory claims (proofs_check)")
    group.addoption("--w2s-claims", action="store_true", default=False,
                    help="collect the registered claims as test items")
    group.addoption("--w2s-pattern", action="append", default=[], metavar="GLOB",
                    help="only claims whose id matches GLOB (repeatable; implies --w2s-claims)")
    group.addoption("--w2s-module", action="append", default=[], metavar="PKG",
                    help="the claims of PKG instead of w2s_theory's (repeatable; implies "
                         "--w2s-claims)")
    group.addoption("--w2s-quick", action="store_true", default=False,
                    help="run the claims with their quick parameter sets")
    group.addoption("--w2s-seed", type=seed_arg, default=DEFAULT_SEED, metavar="N",
                    help=f"root seed of the claims (default {DEFAULT_SEED})")


def _enabled(config) -> bool:
    return bool(config.getoption("w2s_claims") or config.getoption("w2s_pattern")
                or config.getoption("w2s_module"))


def pytest_configure(config):
    config.addinivalue_line("markers", f"{MARKER}: a registered proofs_check claim "
                                       "(collected with --w2s-claims)")


class ClaimFailure(Exception):
    """A claim reported status ``fail``; carries the report record."""

    def __init__(self, record: dict):
        super().__init__(record["detail"])
        self.record = record


class ClaimItem(pytest.Item):
    """One registered claim, run through :func:`proofs_check.runner.run_claim`."""

    def __init__(self, *, claim, ctx, **kw):
        super().__init__(**kw)
        self.claim = claim
        self.ctx = ctx
        self.add_marker(MARKER)

    def runtest(self):
        """Run the claim; raise :class:`ClaimFailure` if its status is ``fail``."""
        from .runner import run_claim
        rec = run_claim(self.claim, self.ctx)
        self.user_properties += [("w2s_status", rec["status"]), ("w2s_detail", rec["detail"])]
        if rec["status"] == "fail":
            raise ClaimFailure(rec)

    def repr_failure(self, excinfo, style=None):
        """The failure message: the claim's verdict line, statement, source and detail."""
        if isinstance(excinfo.value, ClaimFailure):
            r = excinfo.value.record
            worst = f"{r['worst']:.3g}" if math.isfinite(r["worst"]) else "-"
            lines = [f"claim {r['id']} failed ({r['method']}, {r['points']} points, "
                     f"worst {r['worst_kind']} = {worst})",
                     f"  statement: {r['title']}", f"  source: {r['source']}",
                     f"  {r['detail']}"]
            if r.get("traceback"):
                lines.append(r["traceback"].rstrip())
            return "\n".join(lines)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        """Location shown in reports: the rootdir and ``claim <id>``."""
        return self.path, None, f"claim {self.claim.id}"


class ClaimCollector(pytest.Collector):
    """Parent of the claim items (node id ``w2s-claims``)."""

    def __init__(self, *, claims, ctx, **kw):
        super().__init__(**kw)
        self._claims = claims
        self._ctx = ctx

    def collect(self):
        """One :class:`ClaimItem` per selected claim."""
        return [ClaimItem.from_parent(self, name=c.id, claim=c, ctx=self._ctx)
                for c in self._claims]


def _selected_claims(config):
    from .patterns import unmatched
    from .registry import discover, discover_modules
    from .runner import select
    modules = config.getoption("w2s_module")
    patterns = config.getoption("w2s_pattern")
    if modules:
        here = str(config.invocation_params.dir)
        if here not in sys.path:  # like python -m and w2s-check --module
            sys.path.append(here)
        try:
            claims = discover_modules(modules)
        except ImportError as exc:
            raise pytest.UsageError(f"--w2s-module: cannot import {exc.name}: {exc}") from None
    else:
        claims = discover()
    problems = unmatched(claims, patterns)
    if problems or not claims:
        raise pytest.UsageError("--w2s-pattern: " + "; ".join(
            problems or [f"no claims found in {', '.join(modules) or 'w2s_theory'}"]))
    return select(claims, patterns)


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselection, so those apply to claims too
def pytest_collection_modifyitems(session, config, items):
    if not _enabled(config):
        return
    from .registry import Context
    ctx = Context(quick=config.getoption("w2s_quick"), seed=config.getoption("w2s_seed"))
    collector = ClaimCollector.from_parent(session, name="w2s-claims", nodeid="w2s-claims",
                                           claims=_selected_claims(config), ctx=ctx)
    # through the public collection hooks, so the terminal counts the items as collected
    rep = collector.ihook.pytest_make_collect_report(collector=collector)
    collector.ihook.pytest_collectreport(report=rep)
    if rep.failed:
        raise pytest.UsageError(f"collecting the claims failed:\n{rep.longreprtext}")
    items.extend(rep.result)


def _w2s_status(report):
    return dict(report.user_properties).get("w2s_status")


def pytest_report_teststatus(report, config):
    if report.when == "call" and report.passed and _w2s_status(report) == "discrepancy":
        return "discrepancy", "D", ("DISCREPANCY", {"yellow": True})
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reports = terminalreporter.stats.get("discrepancy", [])
    if not reports:
        return
    terminalreporter.section("w2s claims: discrepancy (paper text vs evidence; not a failure)",
                             sep="-", yellow=True)
    for rep in reports:
        detail = dict(rep.user_properties).get("w2s_detail", "")
        terminalreporter.write_line(f"DISCREPANCY {rep.nodeid.split('::', 1)[-1]}: {detail}")


__all__ = ["ClaimItem", "ClaimCollector", "ClaimFailure", "MARKER"]
