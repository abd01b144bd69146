"""presslens.explore: store listings, lookups that name close matches, inline report pages."""

import ast
import html
import inspect
from pathlib import Path

import nbformat
import pytest

from presslens import explore, plots, views
from presslens.errors import UserError

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize("text, key, close", [
    ("Raisi", "Ebrahim Raisi", True),              # a surname alone
    ("Ahmadi", "Ali Akbar Ahmadian", True),        # a misspelt surname
    ("xi jinpin", "Xi Jinping", True),             # case and a dropped letter
    ("iran-china-strategic-cooperation", "2021-03-27-iran-china-sign-25-year-cooperation-pact", True),
    ("Lavrov", "Iran", False),
    ("", "Iran", False),
])
def test_explore_closeness(text, key, close):
    assert (explore.closeness(text, key) >= explore.CLOSE_ENOUGH) is close


def test_explore_contents_lists_every_table_with_its_rows(views_store):
    listed = explore.contents(views_store).set_index("table")
    assert list(listed.index) == views_store.tables
    for name in views_store.tables:
        assert listed.loc[name, "rows"] == len(views_store.table(name))
    assert "actor_id" in listed.loc["actors", "columns"]


def test_explore_find_stores(views_store):
    found = explore.find_stores(views_store.path.parent)
    assert found["store"].tolist() == [str(views_store.path)]
    assert found["corpus"].tolist() == ["views-test"]
    assert found["articles"].tolist() == [3]
    assert explore.find_stores(views_store.path).empty  # a store holds no stores


@pytest.mark.parametrize("name", ["Ali Akbar Ahmadian", "ahmadian", "ali-akbar-ahmadian"])
def test_explore_find_actor_by_name_alias_or_id(views_store, name):
    assert explore.find_actor(views_store, name)["actor_id"] == "ali-akbar-ahmadian"


@pytest.mark.parametrize("lookup, wanted, suggested", [
    (explore.find_actor, "Ahmadi", "Ali Akbar Ahmadian (ali-akbar-ahmadian)"),
    (explore.find_actor, "Lavrow", "Sergei Lavrov (sergei-lavrov)"),
    (explore.find_article, "wang-lavrow", "wang-lavrov (Wang Yi meets Lavrov)"),
    (explore.find_article, "iran-china", "iran-china-talks (Iran and China to elevate ties)"),
    (explore.find_theme, "sanction", "sanctions (Sanctions)"),
    (explore.find_theme, "Strategic partner", "strategic_partnership (Strategic partnership)"),
])
def test_explore_failed_lookup_names_the_closest(views_store, lookup, wanted, suggested):
    with pytest.raises(explore.NotFound) as caught:
        lookup(views_store, wanted)
    message = str(caught.value)
    assert "\n" not in message
    assert repr(wanted) in message and str(views_store.path) in message
    assert "closest: " + suggested in message
    assert "To fix: pass" in message


def test_explore_failed_lookup_with_nothing_close(views_store):
    with pytest.raises(explore.NotFound, match="nothing close"):
        explore.find_actor(views_store, "Qqqzzz")


def test_explore_not_found_is_a_user_error_shown_without_traceback(views_store):
    with pytest.raises(UserError) as caught:
        explore.find_theme(views_store, "sanction")
    assert isinstance(caught.value, LookupError)
    # IPython and JupyterLab print _render_traceback_() instead of the traceback.
    assert caught.value._render_traceback_() == [f"NotFound: {caught.value}"]


def test_explore_actor_matches_ranks_best_first(views_store):
    matches = explore.actor_matches(views_store, "Wang")
    assert matches["name"].iloc[0] == "Wang Yi"
    assert matches["score"].is_monotonic_decreasing
    assert explore.actor_matches(views_store, "Qqqzzz").empty


def test_explore_theme_matches(views_store):
    matches = explore.theme_matches(views_store, "sanctons")
    assert matches["theme"].iloc[0] == "sanctions"
    assert set(matches.columns) == {"theme", "label", "matched", "score"}


def test_explore_article_matches_by_title(views_store):
    assert explore.article_matches(views_store, "Wang Yi meets Lavrov")["article_id"].iloc[0] == "wang-lavrov"


@pytest.fixture
def shown(monkeypatch):
    """What the views and plots would display: ("html", markup), ("table", frame), ("plot", fig)."""
    out: list[tuple[str, object]] = []
    monkeypatch.setattr(views, "show_html", lambda markup: out.append(("html", markup)))
    monkeypatch.setattr(views, "show_table", lambda df, **kw: out.append(("table", df)))
    monkeypatch.setattr(plots, "show", lambda fig, **kw: out.append(("plot", fig)) or (fig and plots.close(fig)))
    return out


@pytest.mark.parametrize("page, value, title, sections, command", [
    (explore.actor_page, "Ahmadian", "Actor profile: Ali Akbar Ahmadian",
     ["Who", "Presence over time and by source", "What they said", "What they did", "Themes", "Tone",
      "Co-mentioned actors"], "-p actor 'Ali Akbar Ahmadian'"),
    (explore.theme_page, "Strategic partnership", "Theme report: Strategic partnership",
     ["What the theme is", "Prevalence over time and by source", "Actors", "Example sentences",
      "Co-occurring themes"], "-p theme strategic_partnership"),
    (explore.article_page, "wang-lavrov", "Article brief",
     ["The article", "Text", "Actors", "Quotes", "Interactions", "Themes", "Tone"],
     "-p article_id wang-lavrov"),
])
def test_explore_page_shows_the_report_sections(views_store, shown, page, value, title, sections, command):
    page(views_store, value)
    markup = [m for kind, m in shown if kind == "html"]
    assert title in markup[0] and 'class="pl-header"' in markup[0]
    headings = [m.split(">", 1)[1].split("<", 1)[0] for m in markup if m.startswith("<h3")]
    assert headings == sections
    assert "papermill notebooks/" in markup[-1] and command in html.unescape(markup[-1])
    assert sum(kind == "table" for kind, _ in shown) >= 3
    assert "href=" not in "".join(markup[1:-1]).replace('href="https://example.org', "")  # no site links


@pytest.mark.parametrize("page", [explore.actor_page, explore.theme_page, explore.article_page])
def test_explore_page_of_an_unknown_subject_says_so(views_store, shown, page):
    with pytest.raises(explore.NotFound):
        page(views_store, "Qqqzzz")
    assert shown == []


def _calls(tree: ast.AST) -> list[str]:
    """The views.* and plots.* functions called, in reading order."""
    found = [(node.lineno, node.col_offset, f"{node.func.value.id}.{node.func.attr}")
             for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and isinstance(node.func.value, ast.Name) and node.func.value.id in {"views", "plots"}]
    return [name for *_, name in sorted(found)]


# explore's find_* call the report's resolve_* themselves, before suggesting close matches.
NOT_ON_INLINE_PAGES = {"views.resolve_actor", "views.resolve_theme", "views.resolve_article"}


def _report_statements(notebook: str) -> list[ast.stmt]:
    """The statements of a report notebook, less the one showing its contents list (which links
    to the notebook's own headings; an inline page shows headings instead)."""
    nb = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)
    return [stmt for cell in nb.cells if cell.cell_type == "code"
            for stmt in ast.parse(cell.source).body if "views.toc(" not in ast.unparse(stmt)]


@pytest.mark.parametrize("page, notebook", [
    (explore.actor_page, "10-actor-profile"),
    (explore.theme_page, "20-theme-report"),
    (explore.article_page, "30-article-brief"),
])
def test_explore_page_calls_the_views_its_report_calls(page, notebook):
    report = [name for stmt in _report_statements(notebook) for name in _calls(stmt)
              if name not in NOT_ON_INLINE_PAGES]
    inline = [name for name in _calls(ast.parse(inspect.getsource(page))) if name not in NOT_ON_INLINE_PAGES]
    assert len(report) > 10
    assert inline == report


def test_explore_papermill_command():
    command = explore.papermill_command("actor", "Xi Jinping", "data/processed/sample")
    assert command.splitlines() == [
        ".venv/bin/papermill notebooks/10-actor-profile.ipynb actor-profile.ipynb "
        "-p actor 'Xi Jinping' -p store data/processed/sample",
        ".venv/bin/jupyter nbconvert --to html --no-input actor-profile.ipynb",
    ]
    assert " -p store data/processed/sample" in explore.papermill_command(
        "theme", "sanctions", explore.project_root() / "data" / "processed" / "sample")


def test_explore_matches_far_behind_the_best_are_left_out():
    # 'Berlin' is close enough to 'Blinkin' on its own (0.62), but far behind 'Blinken' (0.86).
    ranked = explore._ranked([("Berlin", "germany"), ("Blinken", "antony-blinken")], "Blinkin", 5)
    assert ranked["id"].tolist() == ["antony-blinken"]
    assert explore._ranked([("Berlin", "germany")], "Blinkin", 5)["id"].tolist() == ["germany"]
