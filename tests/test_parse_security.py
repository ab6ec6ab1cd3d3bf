"""User strings become SymPy expressions through a whitelist parser, never through eval."""
import time

import pytest
import sympy as sp

from w2s_theory import fdiv
from w2s_theory._parse import parse_expression

t = sp.Symbol("t", positive=True)


def test_file_writing_payload_is_refused_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "pwned.txt"
    payloads = [
        "__import__('pathlib').Path('pwned.txt').write_text('x') and t",
        f"__import__('pathlib').Path({str(target)!r}).write_text('x') or t",
        "open('pwned.txt', 'w').write('x') + t",
        "exec(\"open('pwned.txt','w')\") + t",
    ]
    for s in payloads:
        with pytest.raises(ValueError, match=r"^f: cannot parse"):
            fdiv.FDivergence(s)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text, why", [
    ("t.__class__", "Attribute"),
    ("t.real", "Attribute"),
    ("(t).__class__.__mro__", "Attribute"),
    ("__builtins__", "not allowed"),
    ("__import__", "not allowed"),
    ("(lambda: t)()", "not allowed"),
    ("(lambda x: x)(t)", "not allowed"),
    ("[t for t in (1, 2)][0]", "not allowed"),
    ("sum(t for t in (1,))", "not allowed"),
    ("t[0]", "Subscript"),
    ("log(t)[0]", "Subscript"),
    ("log(t, base=2)", "keyword"),
    ("log(*[t])", "starred"),
    ("'t'", "not a real number"),
    ("t if t else 1", "IfExp"),
    ("t < 1", "Compare"),
    ("t and 1", "BoolOp"),
    ("__x*log(__x)", "name '__x'"),
    ("Piecewise((t, __import__('os')), (1, True))", "condition"),
    ("Piecewise(t)", "pairs"),
    ("9**9**9", "exponent"),
    ("2**100000", "exponent"),
    ("(2**4000)**4000", "bits"),
    ("10**" + "9" * 70, "digits"),
    ("1e400*t", "not finite"),
    ("log", "must be called"),
    ("t**", "syntax"),
    ("-" * 200 + "t", "nested deeper"),
    ("sqrt(" * 100 + "t" + ")" * 100, "nested deeper"),
])
def test_refusals(text, why):
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="f: cannot parse") as info:
        fdiv.FDivergence(text)
    assert why in str(info.value)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("text, expected", [
    ("t*log(t)", t * sp.log(t)),
    ("-log(t)", -sp.log(t)),
    ("(sqrt(t) - 1)**2", (sp.sqrt(t) - 1) ** 2),
    ("(t - 1)^2", (t - 1) ** 2),              # ^ is power, with the precedence of **
    ("t^2 - 1 - 2*(t - 1)", (t - 1) ** 2),
    ("Abs(t - 1)/2", sp.Abs(t - 1) / 2),
    ("(t-1)*log(t)", (t - 1) * sp.log(t)),
    ("t - 1 - log(t)", t - 1 - sp.log(t)),
])
def test_valid_generators_still_work(text, expected):
    d = fdiv.FDivergence(text)
    assert sp.simplify(d.f - expected) == 0
    assert d([0.5, 0.5], [0.5, 0.5]) == pytest.approx(0.0, abs=1e-15)


def test_parsed_kl_matches_builtin():
    d = fdiv.FDivergence("t*log(t)")
    assert d([0.2, 0.8], [0.6, 0.4]) == pytest.approx(fdiv.KL([0.2, 0.8], [0.6, 0.4]), rel=1e-14)


def test_parse_expression_type_and_names():
    with pytest.raises(ValueError, match="expr must be a string"):
        parse_expression(3, {"t": t}, name="expr")
    assert parse_expression("pi*t", {"t": t}) == sp.pi * t
    z = sp.Symbol("z")
    with pytest.raises(ValueError, match="name 't'"):
        parse_expression("t", {"z": z})


def test_get_rejects_unhashable_with_valueerror():
    with pytest.raises(ValueError, match="divergence must be one of"):
        fdiv.get(["kl"])
