"""Notebook hygiene: committed without outputs, literal parameters, thin code."""

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
REPORTS = ["00-corpus-overview", "10-actor-profile", "20-theme-report", "30-article-brief"]


def _read(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def _code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def _parameters(nb) -> list:
    return [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


def test_notebooks_every_report_is_there():
    assert {p.stem for p in NOTEBOOKS} >= {*REPORTS, "01-explore"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_have_no_outputs(path):
    for cell in _code(_read(path)):
        assert cell.get("outputs") == [], f"{path.name}: a cell has outputs"
        assert cell.get("execution_count") is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_use_the_presslens_kernel(path):
    spec = _read(path).metadata["kernelspec"]
    assert spec["name"] == "presslens"
    assert spec["display_name"] == "PressLens (Python 3)"
    assert spec["language"] == "python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_start_with_a_title_then_parameters(path):
    nb = _read(path)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert _parameters(nb) == [nb.cells[1]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_parameters_are_literal_assignments(path):
    (cell,) = _parameters(_read(path))
    tree = ast.parse(cell.source)
    assert tree.body, f"{path.name}: empty parameters cell"
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign | ast.AnnAssign), ast.dump(stmt)
        assert isinstance(stmt.value, ast.Constant), f"{path.name}: {ast.unparse(stmt)}"
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        assert all(isinstance(t, ast.Name) for t in targets)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_define_no_functions_or_classes(path):
    for cell in _code(_read(path)):
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), f"{path.name}: {ast.unparse(node)[:60]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_resolve_the_store_from_the_project_root(path):
    source = "\n".join(c.source for c in _code(_read(path)))
    assert "project_root()" in source


@pytest.mark.parametrize("name, params", [
    ("00-corpus-overview", {"store", "site"}),
    ("10-actor-profile", {"actor", "store", "site"}),
    ("20-theme-report", {"theme", "store", "site"}),
    ("30-article-brief", {"article_id", "store", "site"}),
])
def test_notebooks_report_parameters(name, params):
    (cell,) = _parameters(_read(NOTEBOOKS[[p.stem for p in NOTEBOOKS].index(name)]))
    names = {t.id for stmt in ast.parse(cell.source).body
             for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])}
    assert names == params


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_have_no_control_flow(path):
    # Branches and loops belong in presslens.views; a conditional expression is fine.
    for cell in _code(_read(path)):
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.For | ast.While | ast.If | ast.Try | ast.With), (
                f"{path.name}: {ast.unparse(node)[:60]}")
