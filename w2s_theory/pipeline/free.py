"""Normalised traces of words in asymptotically free variables (pure combinatorics).

A *letter* is ``(design, Mono)``: a function of one design's sample covariance
``Σ_A``, namely the monomial ``x^a Π_i (x + λ_i)^(-k_i)`` evaluated at ``Σ_A``.
Letters of one design commute (they are functions of the same matrix);
letters of different, independently drawn isotropic Gaussian designs are
asymptotically free (Voiculescu 1991; Nica & Speicher 2006, Lecture 22).

For a word ``w = a_1 a_2 … a_n`` (a cyclic word after merging neighbours of
the same design) the free moment–cumulant formula gives (Nica & Speicher
2006, Lectures 11 and 14: mixed free cumulants of free variables vanish)

    τ(a_1 … a_n) = Σ_{π ∈ NC(n), every block within one design} Π_{B ∈ π} κ_|B|(a_B),

where ``κ_k`` are the free cumulants of one design's letters, obtained from
that design's moments ``τ(Π_{i ∈ S} a_i)`` (one-design traces, i.e. MP
functionals) by the recursion ``κ_n = τ(a_1…a_n) − Σ_{π ≠ 1_n} κ_π``.

The output is a SymPy polynomial in *atoms* ``τ_A(mono)``; the caller maps
atoms to Marchenko–Pastur functionals (:mod:`.functionals`).
"""
from __future__ import annotations

import dataclasses
import functools
import itertools

import sympy as sp


@dataclasses.dataclass(frozen=True, order=True)
class Mono:
    """``x^a Π (x + λ)^(-k)``: ``a`` ≥ 0, ``lams`` a sorted tuple of ``(λ-name, λ-symbol, k)``.

    A function of one design's sample covariance; ``*`` multiplies two monomials
    (adding exponents); the unit ``Mono()`` is 1.

    Parameters
    ----------
    a : int >= 0, default 0
        Power of x.
    lams : tuple, default ()
        Sorted ``(name, symbol, k)`` with k ≥ 1: the factors (x + λ)^(-k).

    Examples
    --------
    >>> import sympy as sp
    >>> lam = sp.Symbol("lam", positive=True)
    >>> print(Mono(1) * Mono(0, (("lam", lam, 2),)))
    x/(x+lam)^2
    >>> Mono().is_unit(), str(Mono(1) * Mono(1))
    (True, 'x^2')
    """

    a: int = 0
    lams: tuple = ()

    def __mul__(self, other: "Mono") -> "Mono":
        ks = {}
        for name, sym, k in self.lams + other.lams:
            ks[name] = (sym, ks.get(name, (sym, 0))[1] + k)
        return Mono(self.a + other.a, tuple(sorted((n, s, k) for n, (s, k) in ks.items())))

    def is_unit(self) -> bool:
        """Whether this is the constant 1 (``a = 0`` and no shifts).

        Returns
        -------
        bool

        Examples
        --------
        >>> Mono().is_unit(), Mono(1).is_unit()
        (True, False)
        """
        return self.a == 0 and not self.lams

    def __str__(self):
        num = "1" if self.a == 0 else ("x" if self.a == 1 else f"x^{self.a}")
        den = "".join(f"(x+{n})" + (f"^{k}" if k > 1 else "") for n, _, k in self.lams)
        return num if not den else f"{num}/{den}"


def merge_cyclic(word):
    """Drop unit letters, then merge neighbouring letters of the same design, cyclically.

    ``word`` is a sequence of ``(design_key, Mono)``.  Returns a tuple in which
    no two cyclic neighbours share a design (a single letter is allowed).  Letters
    of one design commute (functions of the same matrix) and τ is tracial, so this
    leaves τ(word) unchanged.

    Parameters
    ----------
    word : sequence of (hashable, Mono)
        The letters, in product order.

    Returns
    -------
    tuple of (hashable, Mono)

    Examples
    --------
    >>> x = Mono(1)
    >>> merge_cyclic([("A", x), ("B", Mono()), ("A", x), ("B", x), ("A", x)])
    (('A', Mono(a=3, lams=())), ('B', Mono(a=1, lams=())))
    """
    out = []
    for key, mono in word:
        if mono.is_unit():
            continue
        if out and out[-1][0] == key:
            out[-1] = (key, out[-1][1] * mono)
        else:
            out.append((key, mono))
    while len(out) > 1 and out[0][0] == out[-1][0]:
        key, mono = out.pop()
        out[0] = (key, mono * out[0][1])
    return tuple(out)


def _canonical(word):
    """Smallest rotation of the word or of its reverse (τ is tracial and letters are symmetric)."""
    n = len(word)
    cands = []
    for w in (word, word[::-1]):
        cands.extend(w[i:] + w[:i] for i in range(n))
    return min(cands, key=lambda w: tuple((k, m) for k, m in w))


def nc_partitions(colors):
    """Non-crossing partitions of ``range(len(colors))`` whose blocks are monochromatic.

    The block of the first element is chosen among same-coloured later elements; the gaps
    it leaves are partitioned independently (anything else would cross it).  These index
    the free moment–cumulant sum in the module docstring (Nica & Speicher 2006).

    Parameters
    ----------
    colors : sequence of hashable
        The design of each position.

    Returns
    -------
    list of list of tuple of int
        Each partition as a list of blocks (increasing tuples of positions).

    Examples
    --------
    With one colour there are Catalan-many (C₄ = 14); for alternating colours the
    crossing pair {0, 2}, {1, 3} is excluded:

    >>> len(nc_partitions([0, 0, 0, 0]))
    14
    >>> nc_partitions([0, 1, 0, 1])
    [[(0,), (1,), (2,), (3,)], [(0,), (1, 3), (2,)], [(0, 2), (1,), (3,)]]
    """
    return list(_nc(tuple(range(len(colors))), tuple(colors)))


def _nc(pos, colors):
    if not pos:
        yield []
        return
    first, rest = pos[0], pos[1:]
    same = [i for i, p in enumerate(rest) if colors[p] == colors[first]]
    for r in range(len(same) + 1):
        for chosen in itertools.combinations(same, r):
            block = (first,) + tuple(rest[i] for i in chosen)
            cuts = (-1,) + chosen + (len(rest),)
            segs = [rest[cuts[j] + 1:cuts[j + 1]] for j in range(len(cuts) - 1)]
            for parts in itertools.product(*(list(_nc(s, colors)) for s in segs)):
                yield [block] + [b for p in parts for b in p]


class TraceEngine:
    """Computes τ(word) as a polynomial in atom symbols, with memoisation.

    ``atom(key, mono)`` returns the SymPy symbol standing for ``τ_key(mono)``
    (one-design trace) and records it in :attr:`atoms`.  :meth:`trace` applies the
    free moment–cumulant formula of the module docstring (Nica & Speicher 2006,
    Lectures 11 and 14).

    Examples
    --------
    For free a, b: τ(ab) = τ(a)τ(b) and
    τ(abab) = τ(a²)τ(b)² + τ(a)²τ(b²) − τ(a)²τ(b)², standard consequences of freeness
    (Nica & Speicher 2006):

    >>> import sympy as sp
    >>> e = TraceEngine()
    >>> a, b = ("A", Mono(1)), ("B", Mono(1))
    >>> ta, tb = e.atom(*a), e.atom(*b)
    >>> ta2, tb2 = e.atom("A", Mono(2)), e.atom("B", Mono(2))
    >>> e.trace([a, b]) - ta * tb
    0
    >>> sp.expand(e.trace([a, b, a, b]) - (ta2 * tb**2 + ta**2 * tb2 - ta**2 * tb**2))
    0
    """

    def __init__(self):
        self.atoms: dict = {}          # symbol -> (key, Mono)
        self._by_key: dict = {}        # (key, Mono) -> symbol
        self._cum: dict = {}
        self._tr: dict = {}

    def atom(self, key, mono: Mono):
        """The symbol for the one-design trace τ_key(mono) (1 for the unit monomial).

        Parameters
        ----------
        key : hashable
            The design.
        mono : Mono

        Returns
        -------
        sympy.Expr
            A ``sympy.Dummy`` named ``tau_<key>[<mono>]``, the same on every call, recorded in
            :attr:`atoms`; ``1`` for ``Mono()``.

        Examples
        --------
        >>> e = TraceEngine()
        >>> e.atom("A", Mono()), e.atom("A", Mono(1)), e.atom("A", Mono(1)) is e.atom("A", Mono(1))
        (1, _tau_A[x], True)
        """
        if mono.is_unit():
            return sp.Integer(1)
        k = (key, mono)
        if k not in self._by_key:
            s = sp.Dummy(f"tau_{key}[{mono}]")
            self._by_key[k] = s
            self.atoms[s] = k
        return self._by_key[k]

    def cumulant(self, key, monos: tuple):
        """Free cumulant κ_n(a_1, …, a_n) of letters of one design.

        By the moment–cumulant recursion κ_n = τ(a_1…a_n) − Σ_{π ≠ 1_n} κ_π over
        non-crossing partitions (Nica & Speicher 2006).

        Parameters
        ----------
        key : hashable
            The design.
        monos : tuple of Mono
            The letters a_1, …, a_n.

        Returns
        -------
        sympy.Expr
            A polynomial in atoms.

        Examples
        --------
        The second free cumulant is the variance:

        >>> e = TraceEngine()
        >>> e.cumulant("A", (Mono(1), Mono(1)))
        -_tau_A[x]**2 + _tau_A[x^2]
        """
        memo = (key, monos)
        if memo in self._cum:
            return self._cum[memo]
        prod = functools.reduce(lambda u, v: u * v, monos, Mono())
        val = self.atom(key, prod)
        if len(monos) > 1:
            for part in nc_partitions([0] * len(monos)):
                if len(part) == 1:
                    continue
                val -= sp.Mul(*(self.cumulant(key, tuple(monos[i] for i in b)) for b in part))
        val = sp.expand(val)
        self._cum[memo] = val
        return val

    def trace(self, word):
        """τ(word) for a word of ``(design_key, Mono)`` letters (free across designs).

        Parameters
        ----------
        word : sequence of (hashable, Mono)

        Returns
        -------
        sympy.Expr
            A polynomial in atoms (memoised by the canonical rotation of the word).

        Examples
        --------
        >>> e = TraceEngine()
        >>> e.trace([("A", Mono(1)), ("B", Mono(1))])
        _tau_A[x]*_tau_B[x]
        """
        w = merge_cyclic(word)
        if not w:
            return sp.Integer(1)
        if len(w) == 1:
            return self.atom(*w[0])
        w = _canonical(w)
        if w in self._tr:
            return self._tr[w]
        colors = [k for k, _ in w]
        total = sp.Integer(0)
        for part in nc_partitions(colors):
            total += sp.Mul(*(self.cumulant(colors[b[0]], tuple(w[i][1] for i in b))
                              for b in part))
        total = sp.expand(total)
        self._tr[w] = total
        return total
