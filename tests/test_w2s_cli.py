"""The ``w2s`` CLI: one naming scheme with old aliases, aligned listing, shared seed default."""
import pytest

from w2s_theory import _registry
from w2s_theory._cli_common import DEFAULT_SEED
from w2s_theory.cli import main


def test_list_columns_are_aligned(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    col = lines[0].index("description")
    assert len(lines) > 20
    for line in lines[1:]:          # every description starts in the same column
        assert line[col - 2:col] == "  " and line[col] != " ", line


def test_figure_names_follow_one_scheme_with_aliases():
    figures, _ = _registry.discover()
    for name in figures:
        mech, _, rest = name.partition("-")
        assert rest and mech in ("ridge", "wridge", "cosine", "cnn", "fdiv", "multiindex", "rmt"), name
    for old, new in {"fig1": "ridge-fig1", "fig3": "wridge-fig3", "cosine_fig1": "cosine-fig1",
                     "cosine_bounds": "cosine-bounds", "fdiv_w2s": "fdiv-w2s"}.items():
        assert _registry.FIGURE_ALIASES[old] == new


@pytest.mark.parametrize("name", ["fig1", "ridge-fig1"])
def test_figure_alias_runs_the_figure_with_the_default_seed(tmp_path, monkeypatch, capsys, name):
    calls = []
    figures, _ = _registry.discover()
    monkeypatch.setitem(figures, "ridge-fig1",
                        (lambda out, quick, seed: calls.append((quick, seed)) or [out / "x.png"], "h"))
    assert main(["figure", name, "--quick", "--out", str(tmp_path)]) == 0
    assert calls == [(True, DEFAULT_SEED)]


def test_unknown_figure_and_bad_seed(capsys, tmp_path):
    assert main(["figure", "nope", "--out", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["experiment", "fdiv-w2s", "--seed", "-1"])
    assert exc.value.code == 2 and "--seed" in capsys.readouterr().err


def test_cli_entry_turns_signals_into_quiet_exit_codes(capsys):
    from w2s_theory._cli_common import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, cli_entry

    @cli_entry("tool")
    def interrupted(argv):
        raise KeyboardInterrupt

    @cli_entry("tool")
    def closed(argv):
        raise BrokenPipeError

    @cli_entry("tool")
    def fine(argv):
        return 3

    assert (EXIT_INTERRUPTED, EXIT_BROKEN_PIPE) == (130, 141)
    assert interrupted([]) == 130 and "tool: interrupted" in capsys.readouterr().err
    assert closed([]) == 141
    assert fine([]) == 3
