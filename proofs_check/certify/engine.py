"""Branch-and-bound certification of ``expr relation 0`` over a box (python-flint required).

Every box is decided by the same :class:`~proofs_check.certify.verify.Checker` that the
standalone verifier uses, so what the engine proves, the verifier re-proves.  Boxes are
processed most-suspicious first (smallest oriented value at the centre), so a false
statement is refuted early; a box that is not decided is split along its widest side
(log-width for ``scale="log"`` parameters, relative width otherwise).
"""
from __future__ import annotations

import dataclasses
import heapq
import json
import math
import time
from fractions import Fraction

import sympy as sp
from flint import ctx

from . import verify as V

#: precision (bits) at which a counter-example is confirmed
CONFIRM_PREC = 256


@dataclasses.dataclass
class Result:
    status: str                     # proved / refuted / undecided
    boxes: list                     # (box, method, interval)
    excluded_boxes: list            # (box, exclusion index)
    undecided: list                 # boxes left when the budget ran out (or below min width)
    counterexample: dict | None
    counter_value: tuple | None
    evaluated: int
    seconds: float
    min_margin: float

    def method_counts(self):
        c = {}
        for _, m, _ in self.boxes:
            k = m.split(":")[0]
            c[k] = c.get(k, 0) + 1
        return ", ".join(f"{k} {v}" for k, v in sorted(c.items())) or "none"


def fmt_point(pt):
    return "{" + ", ".join(f"{k}={float(v):.10g}" for k, v in pt.items()) + "}"


def _f(x):
    return x if isinstance(x, float) else float(x.mid())


def fmt_iv(iv):
    return f"[{_f(iv[0]):.6g}, {_f(iv[1]):.6g}]"


def _nice(v: float, lo: Fraction, hi: Fraction) -> Fraction:
    """A short decimal strictly inside (lo, hi), close to v; the midpoint if none is found.

    Candidates are v rounded to 2, 3, 4, 6, 9, 12, 15 significant digits, built as exact
    fractions (float error only moves the candidate, and each is checked against (lo, hi)).
    The test lo < num/den < hi is done on integers (den > 0; same answer as comparing
    Fractions, without building one per candidate)."""
    if v == 0 or not math.isfinite(v):
        return Fraction(0) if lo < 0 < hi else (lo + hi) / 2
    e = math.floor(math.log10(abs(v)))
    ln, ld, hn, hd = lo.numerator, lo.denominator, hi.numerator, hi.denominator
    for digits in (2, 3, 4, 6, 9, 12, 15):
        k = digits - 1 - e
        if k >= 0:
            num, den = round(v * 10.0 ** k), 10 ** k
        else:
            num, den = round(v / 10.0 ** -k) * 10 ** -k, 1
        if ln * den < num * ld and num * hd < hn * den:
            return Fraction(num, den)
    return (lo + hi) / 2


def _fsum(lo, hi, sign=1):
    """float(hi + sign·lo) for rationals, without building the Fraction: the rational is the
    same, and int / int is correctly rounded, as float(Fraction) is (same float)."""
    return ((hi.numerator * lo.denominator + sign * lo.numerator * hi.denominator)
            / (lo.denominator * hi.denominator))


def _split(box, params, dom_width, grads=None):
    """Bisect one side of the box.

    With a gradient enclosure: the side with the largest smear |∂f/∂x|·width (the side that
    contributes most to the enclosure's width); otherwise, or if the smear is undecidable,
    the widest side (log-ratio for log parameters, relative width otherwise).
    """
    best, name = -1.0, None
    smear = grads is not None and all(grads.get(p.name) is not None for p in params)
    for p in params:
        lo, hi = box[p.name]
        if lo == hi:
            continue
        if smear:
            g = grads[p.name]
            w = max(abs(float(g[0])), abs(float(g[1]))) * _fsum(lo, hi, -1)
        elif p.scale == "log":
            w = math.log(float(hi) / float(lo)) / max(dom_width[p.name], 1e-300)
        else:
            w = _fsum(lo, hi, -1) / max(dom_width[p.name], 1e-300)
        if w > best:
            best, name, scale = w, p.name, p.scale
    if name is None:
        return None
    lo, hi = box[name]
    v = math.sqrt(float(lo) * float(hi)) if scale == "log" else _fsum(lo, hi) / 2
    x = _nice(v, lo, hi)
    a, b = dict(box), dict(box)
    a[name], b[name] = (lo, x), (x, hi)
    return a, b


def _oriented(iv, relation):
    sgn, _ = V._want(relation)
    lo = iv[0] if sgn > 0 else -iv[1]
    return _f(lo)


def _is_small(box, params, min_width):
    for p in params:
        lo, hi = box[p.name]
        w = (math.log(float(hi) / float(lo)) if p.scale == "log"
             else _fsum(lo, hi, -1) / max(1.0, abs(float(hi)), abs(float(lo))))
        if w > min_width:
            return False
    return True


def _violates_at(chk, excl, point, prec, value=False):
    """Certified: the relation fails at the point, which lies outside every exclusion.

    Returns the enclosure at the point if it violates (None otherwise); with ``value=True``
    returns (enclosure, violates) whenever the point can be evaluated.
    """
    old = ctx.prec
    ctx.prec = prec
    try:
        pbox = {k: (v, v) for k, v in point.items()}
        iv = chk.ev(pbox)
        sgn, _ = V._want(chk.relation)
        bad = (iv[1] < 0) if sgn > 0 else (iv[0] > 0)
        if bad:
            for e in excl:  # the counter-example must be outside the excluded set
                ev = e.ev(pbox)
                if not ev[0] > 0:
                    bad = False
        if value:
            return iv, bad
        return iv if bad else None
    except V.Undecidable:
        return None
    finally:
        ctx.prec = old


def _downhill_vertex(box, grads, sgn, centre=None):
    """The corner of the box where the relation is most at risk by the certified signs of the
    partial derivatives (None if no derivative sign is certified).  ``centre``: the box's
    centre as computed in :func:`certify` (the same value, not recomputed)."""
    vert, moved = {}, False
    for n, (lo, hi) in box.items():
        g = grads[n]
        inc, dec = g[0] >= 0, g[1] <= 0
        if lo == hi or not (inc or dec):
            vert[n] = lo if lo == hi else (
                centre[n] if centre is not None else _nice((float(lo) + float(hi)) / 2, lo, hi))
            continue
        vert[n] = lo if inc == (sgn > 0) else hi
        moved = True
    return vert if moved else None


#: how many of the most violating grid points (by the float pre-evaluation) :func:`_scan`
#: checks in interval arithmetic
SCAN_CANDIDATES = 16


def _axis(lo, hi, p, m):
    """Exact points of one axis for :func:`_scan`: the m cell centres (geometric for log
    parameters) and, for linear ones, lo + w/2^j and hi − w/2^j (w = hi − lo, j = 2..40),
    which reach the corners of the domain, where the perturbed bounds often fail."""
    if lo == hi:
        return [lo]
    if p.scale == "log":
        r = math.log(float(hi) / float(lo)) / m
        return sorted({_nice(float(lo) * math.exp((i + 0.5) * r), lo, hi) for i in range(m)})
    w = hi - lo
    pts = {lo + w * Fraction(2 * i + 1, 2 * m) for i in range(m)}
    pts |= {lo + w / 2 ** j for j in range(2, 41)} | {hi - w / 2 ** j for j in range(2, 41)}
    return sorted(pts)


def _scan(st, chk, excl, dom, t0):
    """Look for a counter-example on a grid before branch-and-bound (``st.scan`` cells per
    axis, see :func:`_axis`).  The grid is evaluated in float64 (NumPy, only to rank the
    points); the :data:`SCAN_CANDIDATES` points that violate the relation most there, outside
    every exclusion, are then checked as in the search: in interval arithmetic (relation
    violated, every exclusion certainly not met) and confirmed at CONFIRM_PREC.  Returns the
    refutation, or None (then nothing is concluded)."""
    import itertools

    import numpy as np

    names = [p.name for p in st.params]
    axes = [_axis(*dom[p.name], p, st.scan) for p in st.params]
    grid = np.meshgrid(*[np.array([float(x) for x in ax]) for ax in axes], indexing="ij")
    sgn, _ = V._want(st.relation)

    def fl(expr):
        fn = sp.lambdify([sp.Symbol(n) for n in names],
                         expr.subs({s: sp.Symbol(s.name) for s in expr.free_symbols}), "numpy")
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(fn(*grid), dtype=float), grid[0].shape)

    try:
        val = sgn * fl(st.expr)
        ok = val < 0                                  # violates (in float)
        for e, _ in st.exclusions:
            ok &= fl(e) > 0                           # outside the exclusion (in float)
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError):
        return None                                   # no float form: search only
    idx = np.flatnonzero(ok)
    idx = idx[np.argsort(val.ravel()[idx], kind="stable")][:SCAN_CANDIDATES]
    for k, flat in enumerate(idx):
        pos = np.unravel_index(flat, grid[0].shape)
        pt = {n: ax[i] for n, ax, i in zip(names, axes, pos)}
        if _violates_at(chk, excl, pt, V.PREC) is not None:
            cv = _violates_at(chk, excl, pt, CONFIRM_PREC)
            if cv is not None:
                return Result("refuted", [], [], [dom], pt, cv, k + 1,
                              time.perf_counter() - t0, -math.inf)
    return None


def certify(st) -> Result:
    """Run branch-and-bound on a :class:`~proofs_check.certify.spec.Statement`.

    With ``st.scan`` > 0, a grid of points is first searched for a counter-example (see
    :class:`~proofs_check.certify.spec.Statement`); if none is found, the branch-and-bound
    runs as without it (and ``evaluated`` counts only its boxes)."""
    t0 = time.perf_counter()
    old = ctx.prec
    ctx.prec = V.PREC
    try:
        names = [p.name for p in st.params]
        dom = {p.name: p.bounds() for p in st.params}
        dom_width = {p.name: (math.log(float(hi) / float(lo)) if p.scale == "log"
                              else float(hi - lo)) for p, (lo, hi) in
                     ((p, dom[p.name]) for p in st.params)}
        limits = getattr(st, "limits", False)
        chk = V.Checker(st.expr, names, st.relation, limits=limits)
        excl = [V.Checker(e, names, "<=0", limits=limits) for e, _ in st.exclusions]
        if getattr(st, "scan", 0):
            found = _scan(st, chk, excl, dom, t0)
            if found is not None:
                return found
        heap = [(0.0, 0, dom)]
        count = 1
        # exclusions that may still contain a part of the box: one whose expression is
        # certainly > 0 on a box is > 0 on all its sub-boxes, whose enclosures (containing
        # the true values) then never decide them excluded; it is not evaluated for them
        live = {0: tuple(range(len(excl)))}
        proved, xboxes, undecided = [], [], []
        evaluated, min_margin = 0, math.inf
        while heap:
            if evaluated >= st.budget:
                undecided.extend(b for _, _, b in heap)
                break
            _, key, box = heapq.heappop(heap)
            evaluated += 1
            done = False
            # the box's endpoints once, for the exclusions and the statement (same parameters)
            xs = chk.ev.points(box)
            kids_live = []
            for j in live.pop(key):
                try:
                    ivx, inside = excl[j].enclosure(box, xs=xs)
                except V.Undecidable:
                    kids_live.append(j)
                    continue
                if inside:
                    xboxes.append((box, j))
                    done = True
                    break
                if not V.holds(ivx, ">0"):
                    kids_live.append(j)
            if done:
                continue
            iv, method, grads = None, None, None
            for m in st.methods:
                try:
                    if m in ("mean-value", "monotone") and grads is None:
                        grads = chk.gradient(box, xs)
                    if m == "monotone":
                        ms = [n for n in names if box[n][0] != box[n][1] and grads[n] is not None
                              and (grads[n][0] >= 0 or grads[n][1] <= 0)]
                        if not ms:
                            continue
                        m = "monotone:" + ",".join(ms)
                    iv_m, ok = chk.enclosure(box, m, grads, xs)
                except V.Undecidable:
                    continue
                if ok:
                    method, iv = m, iv_m
                    break
            if method is not None:
                proved.append((box, method, iv))
                min_margin = min(min_margin, max(_oriented(iv, st.relation), 0.0))
                continue
            # not decided: look for a counter-example at the centre, then split
            centre = {n: _nice((float(lo) + float(hi)) / 2, lo, hi) if lo != hi else lo
                      for n, (lo, hi) in box.items()}
            cv = _violates_at(chk, excl, centre, V.PREC, value=True)
            if cv is not None and cv[1]:
                val = _violates_at(chk, excl, centre, CONFIRM_PREC)
                if val is not None:
                    return Result("refuted", proved, xboxes, [box] + [b for _, _, b in heap],
                                  centre, val, evaluated, time.perf_counter() - t0, -math.inf)
            if grads is not None and all(grads.get(n) is not None for n in names):
                # also the vertex the certified gradient signs point to (downhill for the
                # relation): finds narrow violating regions near a box's corner early
                vert = _downhill_vertex(box, grads, V._want(st.relation)[0], centre)
                vv = _violates_at(chk, excl, vert, V.PREC, value=True) if vert else None
                if vv is not None and vv[1]:
                    val = _violates_at(chk, excl, vert, CONFIRM_PREC)
                    if val is not None:
                        return Result("refuted", proved, xboxes, [box] + [b for _, _, b in heap],
                                      vert, val, evaluated, time.perf_counter() - t0, -math.inf)
            if _is_small(box, st.params, st.min_width):
                undecided.append(box)
                continue
            score = _oriented(cv[0], st.relation) if cv is not None else -math.inf
            kids = _split(box, st.params, dom_width, grads)
            if kids is None:
                undecided.append(box)
                continue
            kids_live = tuple(kids_live)
            for kid in kids:
                heapq.heappush(heap, (score, count, kid))
                live[count] = kids_live
                count += 1
        status = "proved" if not undecided else "undecided"
        return Result(status, proved, xboxes, undecided, None, None, evaluated,
                      time.perf_counter() - t0, min_margin if proved else math.nan)
    finally:
        ctx.prec = old


def _bounds(box, names):
    return {n: [V.frac_str(box[n][0]), V.frac_str(box[n][1])] for n in names}


def certificate(claim_id: str, st, res: Result, package_version: str = "") -> dict:
    """The JSON certificate of a proved statement (format in docs/certified.rst)."""
    if res.status != "proved":
        raise ValueError(f"only proved statements have certificates; {st.name} is {res.status}")
    names = [p.name for p in st.params]
    boxes = []
    for box, method, iv in res.boxes:
        rec = _bounds(box, names)
        rec["method"] = method
        rec["enclosure"] = [repr(float(iv[0])), repr(float(iv[1]))]  # informative, rounded
        boxes.append(rec)
    cert = {
        "claim": claim_id,
        "part": st.name,
        "expression": sp.srepr(st.expr),
        "relation": st.relation,
        "parameters": names,
        "domain": {p.name: [V.frac_str(Fraction(p.lo)), V.frac_str(Fraction(p.hi))]
                   for p in st.params},
        "excluded": st.excluded,
        "boxes": boxes,
        **({"boundary": "limits"} if getattr(st, "limits", False) else {}),
        "exclusions": [{"expression": sp.srepr(e), "why": why} for e, why in st.exclusions],
        "excluded_boxes": [dict(_bounds(b, names), exclusion=j) for b, j in res.excluded_boxes],
        "seconds": round(res.seconds, 3),
        "evaluated": res.evaluated,
    }
    if package_version:
        cert["package_version"] = package_version
    return cert


def write_certificate(path, cert: dict) -> None:
    with open(path, "w") as fh:
        json.dump(cert, fh, indent=1)
        fh.write("\n")
