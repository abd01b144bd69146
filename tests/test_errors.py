"""User errors: one UserError base, one line on stderr naming the file, exit status 2; programming
errors keep their traceback; the CLI's error handling and parsing load nothing heavy."""

import dataclasses
import subprocess
import sys

import pytest

from presslens.cli import main, one_line
from presslens.errors import MissingFile, UserError


@pytest.mark.parametrize("module, name", [
    ("presslens.codebook", "CodebookError"),
    ("presslens.extract.interactions", "TriggerFileError"),
    ("presslens.extract.resolve", "ActorTableError"),
    ("presslens.ingest", "IngestError"),
    ("presslens.nlp", "ModelNotFound"),
    ("presslens.store", "StoreError"),
    ("presslens.evaluate.gold", "GoldError"),
])
def test_errors_every_user_error_is_a_user_error(module, name):
    import importlib

    assert issubclass(getattr(importlib.import_module(module), name), UserError)


@pytest.mark.parametrize("statement", [
    "import presslens.errors",
    "import presslens.cli; presslens.cli.build_parser()",
])
def test_errors_light_imports(statement):
    heavy = "('spacy', 'pandas', 'duckdb', 'numpy')"
    code = f"{statement}; import sys; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("message, line", [
    ("a.yml: bad", "a.yml: bad"),
    ("a.yml: while parsing\nexpected a node\n  in \"x\", line 2, column 1:\n    \n    ^",
     "a.yml: while parsing; expected a node; in \"x\", line 2, column 1:"),
])
def test_errors_one_line(message, line):
    assert one_line(message) == line


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Talks in Kazan\n\nPutin said the talks in Kazan went well on Tuesday.\n")
    return path


def _only_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("content, names", [
    ("themes: [\n", "codebook.yml"),                      # not YAML
    ("just a string\n", "codebook.yml"),                  # not a mapping of themes
])
def test_errors_cli_bad_codebook(tmp_path, article, capsys, content, names):
    codebook = tmp_path / "codebook.yml"
    codebook.write_text(content)
    assert main(["extract", str(article), "--out", str(tmp_path / "s"), "-q", "--codebook", str(codebook)]) == 2
    line = _only_line(capsys)
    assert line.startswith("presslens extract: error:") and names in line
    assert not (tmp_path / "s").exists()


def test_errors_cli_bad_actor_table(tmp_path, article, capsys):
    table = tmp_path / "actors.yml"
    table.write_text("x: [\n")
    assert main(["extract", str(article), "--out", str(tmp_path / "s"), "-q", "--actors", str(table)]) == 2
    assert "actors.yml" in _only_line(capsys)


def test_errors_cli_missing_actor_table_is_not_ignored(tmp_path, article, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["extract", str(article), "--out", str(tmp_path / "s"), "-q", "--actors", str(tmp_path / "no.yml")])
    assert stop.value.code == 2
    assert "argument --actors: " in capsys.readouterr().err and not (tmp_path / "s").exists()


def test_errors_cli_bad_triggers(tmp_path, article, capsys, monkeypatch):
    from presslens.config import Settings

    triggers = tmp_path / "triggers.yml"
    triggers.write_text("verbs: [unclosed\n")
    original = Settings.from_env.__func__

    def with_triggers(cls, **overrides):
        return dataclasses.replace(original(cls, **overrides), triggers=triggers)

    monkeypatch.setattr(Settings, "from_env", classmethod(with_triggers))
    assert main(["extract", str(article), "--out", str(tmp_path / "s"), "-q"]) == 2
    assert "triggers.yml" in _only_line(capsys)


@pytest.mark.parametrize("argv, names", [
    (["rejected", "--store", "{tmp}/nostore"], "nostore"),
    (["validate", "{tmp}/gold.jsonl", "--store", "{tmp}/nostore"], "gold.jsonl"),
    (["extract", "{tmp}/missing.txt", "--out", "{tmp}/s", "-q"], "missing.txt"),
    (["extract", "{tmp}/a.txt", "--out", "{tmp}/s", "-q", "--model", "no_such_model"], "no_such_model"),
])
def test_errors_cli_user_errors_exit_2(tmp_path, article, capsys, argv, names):
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    assert names in _only_line(capsys)


def test_errors_programming_error_is_not_caught(monkeypatch, tmp_path):
    import presslens.cli as cli

    def broken(args):
        raise KeyError("a bug, not the user's doing")

    monkeypatch.setattr(cli, "cmd_rejected", broken)
    with pytest.raises(KeyError):
        main(["rejected", "--store", str(tmp_path)])


def test_errors_missing_file_is_still_file_not_found():
    assert issubclass(MissingFile, FileNotFoundError) and issubclass(MissingFile, UserError)


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2.5"])
def test_errors_bad_workers_variable_is_one_line(tmp_path, article, capsys, monkeypatch, value):
    monkeypatch.setenv("PRESSLENS_WORKERS", value)
    assert main(["extract", str(article), "--out", str(tmp_path / "s"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "PRESSLENS_WORKERS" in err and len(err.strip().splitlines()) == 1
