"""Notebook hygiene: committed without outputs, literal parameters, thin code."""

import ast
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
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


# ------------------------------------------------------------------- executing 01-explore


def _execute(project: Path, output: Path, **parameters) -> nbformat.NotebookNode:
    """Run the project's copy of 01-explore with papermill, from the project root."""
    import papermill

    papermill.execute_notebook(project / "notebooks" / "01-explore.ipynb", output,
                               parameters=parameters, cwd=str(project), progress_bar=False)
    return nbformat.read(output, as_version=4)


@pytest.fixture
def project(sample_project, monkeypatch):
    monkeypatch.delenv("PRESSLENS_ROOT", raising=False)  # the notebook finds the root from its folder
    return sample_project


@pytest.mark.slow
def test_notebooks_explore_runs_with_its_defaults(project, tmp_path):
    nb = _execute(project, tmp_path / "explore.ipynb")
    code = _code(nb)
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = [o for c in code for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    assert [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"] == []
    shown = "\n".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    for expected in ("Ali Akbar Ahmadian", 'class="pl-mention', "Actor profile: Ali Akbar Ahmadian",
                     "Theme report: Sanctions", "papermill notebooks/10-actor-profile.ipynb"):
        assert expected in shown


@pytest.mark.slow
@pytest.mark.parametrize("parameter, value, closest", [
    ("article_id", "iran-china-strategic-cooperation",
     "closest: 2021-03-27-iran-china-sign-25-year-cooperation-pact"),
])
def test_notebooks_explore_bad_parameter_names_the_closest(project, tmp_path, parameter, value, closest):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError) as caught:
        _execute(project, tmp_path / "explore.ipynb", **{parameter: value})
    failure = caught.value
    assert failure.ename == "NotFound"
    assert closest in failure.evalue
    assert failure.traceback == [f"NotFound: {failure.evalue}"]  # the message, not a traceback


# ------------------------------------------------------------- the README's papermill example


def _readme_papermill_example() -> str:
    """The shell block of the README's section on running a notebook with papermill."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running a notebook by hand with papermill", 1)[1]
    return section.split("```bash\n", 1)[1].split("```", 1)[0]


def test_notebooks_readme_papermill_example_is_what_explore_pages_print():
    from presslens.explore import papermill_command

    commands = [" ".join(line.split()) for line in _readme_papermill_example().replace("\\\n", " ").splitlines()]
    assert commands == papermill_command("actor", "Ali Akbar Ahmadian", "data/processed/sample").splitlines()


@pytest.mark.slow
def test_notebooks_readme_papermill_example_runs_as_written(project):
    import subprocess

    if not (ROOT / ".venv" / "bin" / "papermill").exists():
        pytest.skip(f"{ROOT / '.venv'} is not set up: 'make setup' creates it (make test does)")
    env = {k: v for k, v in os.environ.items() if k != "PRESSLENS_ROOT"}
    run = subprocess.run(["bash", "-e", "-c", _readme_papermill_example()], cwd=project, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    executed = nbformat.read(project / "actor-profile.ipynb", as_version=4)
    assert [o for c in _code(executed) for o in c.outputs if o.output_type == "error"] == []
    page = (project / "actor-profile.html").read_text(encoding="utf-8")
    assert "Actor profile: Ali Akbar Ahmadian" in page


def _defaults(path: Path) -> dict:
    (cell,) = _parameters(_read(path))
    return {s.targets[0].id: ast.literal_eval(s.value) for s in ast.parse(cell.source).body}


def test_notebooks_default_subjects_are_in_the_sample(sample_store):
    """Opened on its own, each notebook's default actor, article and theme exist in the sample store."""
    from presslens.store import open_store

    st = open_store(sample_store)
    try:
        actors = st.table("actors")
        names = set(actors["name"]) | set(actors["actor_id"]) | {a for x in actors["aliases"] for a in x}
        articles = set(st.table("articles")["article_id"])
        themes = set(st.table("themes")["theme"])
    finally:
        st.close()
    for path in NOTEBOOKS:
        defaults = _defaults(path)
        assert defaults.get("actor", "Ali Akbar Ahmadian") in names, path.name
        assert defaults.get("article_id", next(iter(articles))) in articles, path.name
        assert defaults.get("theme", "sanctions") in themes, path.name
