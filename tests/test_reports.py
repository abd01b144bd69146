"""The report runner: coverage and what each report's fingerprint follows, the state file, the
index page, failure pages and failure isolation, warm kernels (a clean namespace per page, one
store per kernel, the time limit, retries of kernel start-up), pages asked for by name, pages
naming no local path, crash consistency, the CLI's exit status."""

import html
import json
import re
from pathlib import Path

import nbformat
import pytest

from conftest import BROKEN_MESSAGE
from presslens import cli, reports
from presslens.config import Settings
from presslens.pipeline import extract_corpus
from presslens.reports import (
    PageRequestError,
    PageWorker,
    Report,
    ReportsSummary,
    Requested,
    WorkerConfig,
    kernel_name,
    load_state,
    plan_reports,
    render_html,
    save_state,
    why_run,
    write_index,
)
from presslens.store import open_store

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------ fingerprints


BASE = [
    {"id": "iran-china-talks", "title": "Iran and China to elevate ties", "date": "2024-07-04",
     "source": "Tehran Times",
     "text": "Iran's Secretary of the Supreme National Security Council, Ali Akbar Ahmadian, "
             "met Chen Wenqing in Moscow on Thursday. Ahmadian said that Iran and China would "
             "elevate their strategic partnership."},
    {"id": "wang-lavrov", "title": "Wang Yi meets Lavrov", "date": "2024-08-10",
     "source": "Global Times",
     "text": "Chinese Foreign Minister Wang Yi held talks with Russian Foreign Minister "
             "Sergei Lavrov in Beijing. Lavrov said that unilateral sanctions by the United "
             "States were illegal. Wang Yi called for dialogue."},
    {"id": "modi-kishida", "title": "Modi and Kishida meet", "date": "2024-06-01",
     "source": "Asia Wire",
     "text": "Indian Prime Minister Narendra Modi met Japanese Prime Minister Fumio Kishida in "
             "Tokyo. Modi said that trade between India and Japan would grow."},
]
ADDED = {"id": "lavrov-sanctions", "title": "Lavrov on sanctions", "date": "2024-10-01",
         "source": "Global Times",
         "text": "Sergei Lavrov said that Western sanctions against Russia had failed. "
                 "Lavrov met Wang Yi in Beijing on Monday."}
EDITED = {**BASE[1], "text": BASE[1]["text"].replace("were illegal", "were illegal and unjust")}
EVERYTHING = Settings(root=ROOT, min_mentions=1)


@pytest.fixture(scope="module")
def tiny_stores(tmp_path_factory):
    """Three stores of the same corpus name: base, base plus one article, base with one edited."""
    folder = tmp_path_factory.mktemp("tiny")
    settings = Settings.from_env(cache_dir=folder / "cache")
    stores = {}
    for name, articles in {"base": BASE, "added": [*BASE, ADDED],
                           "edited": [BASE[0], EDITED, BASE[2]]}.items():
        corpus = folder / f"{name}.jsonl"
        corpus.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
        extract_corpus([corpus], folder / name, settings=settings, name="tiny")
        stores[name] = folder / name
    return stores


def _plan(path: Path, settings: Settings = EVERYTHING, **options) -> dict[str, Report]:
    st = open_store(path)
    try:
        planned = plan_reports(st, notebooks_dir=ROOT / "notebooks", store_arg="store",
                               site="site.json", settings=settings, **options)
    finally:
        st.close()
    return {r.site_key: r for r in planned}


def _mentions(path: Path) -> dict[str, int]:
    st = open_store(path)
    try:
        return dict(st.con.execute("SELECT actor_id, n_mentions FROM actors").fetchall())
    finally:
        st.close()


def test_reports_plan_covers_every_actor_above_the_threshold_every_theme_every_article(tiny_stores):
    mentions = _mentions(tiny_stores["added"])
    plan = _plan(tiny_stores["added"], Settings(root=ROOT, min_mentions=2))
    assert {k.split(":", 1)[1] for k in plan if k.startswith("actor:")} == \
        {actor for actor, n in mentions.items() if n >= 2}
    assert {k for k in plan if k.startswith("article:")} == \
        {f"article:{a['id']}" for a in [*BASE, ADDED]}
    st = open_store(tiny_stores["added"])
    try:
        themes = set(st.sql("SELECT DISTINCT theme FROM article_themes")["theme"])
    finally:
        st.close()
    assert themes and {k for k in plan if k.startswith("theme:")} == {f"theme:{t}" for t in themes}


def test_reports_caps_are_options(tiny_stores):
    plan = _plan(tiny_stores["added"], Settings(root=ROOT, min_mentions=1, top_actors=2, top_themes=1,
                                                max_briefs=1))
    assert sum(k.startswith("actor:") for k in plan) == 2
    assert sum(k.startswith("theme:") for k in plan) == 1
    assert [k for k in plan if k.startswith("article:")] == ["article:lavrov-sanctions"]  # the newest


def test_reports_requested_actor_below_the_threshold_is_planned(tiny_stores):
    plan = _plan(tiny_stores["base"], Settings(root=ROOT, min_mentions=1000),
                 requested=Requested(actors=["Modi"], articles=["wang-lavrov"]))
    assert [k for k in plan if k.startswith("actor:")] == ["actor:narendra-modi"]
    assert plan["actor:narendra-modi"].extra["requested"] == "now"
    assert plan["article:wang-lavrov"].extra["requested"] == "now"
    assert "requested" not in plan["article:modi-kishida"].extra
    later = _plan(tiny_stores["base"], Settings(root=ROOT, min_mentions=1000),
                  extra_keys=["actor:narendra-modi"])
    assert later["actor:narendra-modi"].extra["requested"] == "before"


@pytest.mark.parametrize("requested, message", [
    (Requested(actors=["Nobody Atall"]), "--actor 'Nobody Atall'"),
    (Requested(themes=["no such theme"]), "--theme 'no such theme'"),
    (Requested(articles=["no-such-id"]), "--article 'no-such-id'"),
])
def test_reports_unknown_requested_page_is_a_user_error(tiny_stores, requested, message):
    with pytest.raises(PageRequestError, match=re.escape(message)):
        _plan(tiny_stores["base"], requested=requested)


def _changed(before: dict[str, Report], after: dict[str, Report]) -> set[str]:
    return {key for key, r in after.items()
            if key not in before or before[key].fingerprint != r.fingerprint}


def _about(path: Path, article_id: str) -> set[str]:
    """Site keys of the actors and themes an article touches."""
    st = open_store(path)
    try:
        actors = st.sql(
            "SELECT actor_id AS k FROM mentions WHERE article_id = $a "
            "UNION SELECT speaker_actor_id FROM quotes WHERE article_id = $a "
            "UNION SELECT source_actor_id FROM interactions WHERE article_id = $a "
            "UNION SELECT target_actor_id FROM interactions WHERE article_id = $a "
            "UNION SELECT actor_id FROM actor_roles WHERE article_id = $a", {"a": article_id})
        themes = st.sql("SELECT theme AS k FROM themes WHERE article_id = $a "
                        "UNION SELECT theme FROM article_themes WHERE article_id = $a", {"a": article_id})
    finally:
        st.close()
    return ({f"actor:{k}" for k in actors["k"].dropna()} | {f"theme:{k}" for k in themes["k"].dropna()})


def test_reports_plan_covers_the_store(tiny_stores):
    plan = _plan(tiny_stores["base"])
    assert {"overview", "article:iran-china-talks", "article:wang-lavrov", "article:modi-kishida",
            "actor:ali-akbar-ahmadian"} <= set(plan)
    assert all(len(r.fingerprint) == 40 for r in plan.values())
    assert _plan(tiny_stores["base"]).keys() == plan.keys()
    assert {k: r.fingerprint for k, r in _plan(tiny_stores["base"]).items()} == \
        {k: r.fingerprint for k, r in plan.items()}  # stable across runs


def test_reports_adding_an_article_changes_only_the_reports_it_touches(tiny_stores):
    before, after = _plan(tiny_stores["base"]), _plan(tiny_stores["added"])
    touched = _about(tiny_stores["added"], "lavrov-sanctions")
    assert "actor:sergei-lavrov" in touched
    expected = ({"overview", "article:lavrov-sanctions"} | touched) & set(after)
    assert _changed(before, after) == expected
    for untouched in ("article:iran-china-talks", "article:modi-kishida", "actor:ali-akbar-ahmadian",
                      "actor:narendra-modi"):
        assert after[untouched].fingerprint == before[untouched].fingerprint, untouched


def test_reports_editing_an_article_changes_only_the_reports_that_read_it(tiny_stores):
    before, after = _plan(tiny_stores["base"]), _plan(tiny_stores["edited"])
    changed = _changed(before, after)
    assert {"overview", "article:wang-lavrov"} <= changed
    about = _about(tiny_stores["base"], "wang-lavrov") | _about(tiny_stores["edited"], "wang-lavrov")
    assert changed <= {"overview", "article:wang-lavrov"} | about
    assert "article:iran-china-talks" not in changed
    assert "actor:ali-akbar-ahmadian" not in changed


def test_reports_fingerprint_names_what_changed(tiny_stores, tmp_path):
    before, after = _plan(tiny_stores["base"]), _plan(tiny_stores["added"])
    lavrov = after["actor:sergei-lavrov"]
    (tmp_path / lavrov.filename).write_text("<p>the page of the last run</p>")
    reason = why_run(lavrov, {"status": "ok", "fingerprint": before["actor:sergei-lavrov"].fingerprint,
                              "parts": before["actor:sergei-lavrov"].parts}, tmp_path)
    assert reason.startswith("changed: ")
    assert "data:mentions" in reason and "notebook" not in reason


def test_reports_notebook_edit_changes_only_its_reports(tiny_stores, tmp_path):
    st = open_store(tiny_stores["base"])
    try:
        notebooks = tmp_path / "notebooks"
        notebooks.mkdir()
        for path in (ROOT / "notebooks").glob("*.ipynb"):
            (notebooks / path.name).write_bytes(path.read_bytes())
        args = {"store_arg": "store", "site": "site.json", "settings": EVERYTHING}
        before = {r.site_key: r for r in plan_reports(st, notebooks_dir=notebooks, **args)}
        theme = notebooks / "20-theme-report.ipynb"
        theme.write_text(theme.read_text().replace("Theme report", "Theme page"))
        after = {r.site_key: r for r in plan_reports(st, notebooks_dir=notebooks, **args)}
    finally:
        st.close()
    assert _changed(before, after) == {k for k in after if k.startswith("theme:")}


# ------------------------------------------------------------------ state file


def test_reports_state_round_trip(tmp_path):
    state = {"actor-iran.html": {"kind": "actor", "key": "iran", "fingerprint": "f" * 40,
                                 "parts": {"data:mentions": "abc"}, "status": "ok", "error": "",
                                 "reason": "new", "seconds": 3.2, "built": "2024-07-04T10:00:00+00:00"}}
    path = tmp_path / reports.STATE_FILE
    save_state(path, state)
    assert load_state(path) == state
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically


@pytest.mark.parametrize("content", [
    "",
    "{not json",
    "[]",
    '{"actor-iran.html": {"fingerprint": "abc", "status": "ok"}}',  # the first format
    '{"version": 1, "reports": {}}',
])
def test_reports_unreadable_state_means_rebuild_everything(tmp_path, content):
    path = tmp_path / reports.STATE_FILE
    path.write_text(content)
    assert load_state(path) == {}
    assert load_state(tmp_path / "missing.json") == {}


def _report(**changes) -> Report:
    fields = {"kind": "actor", "key": "iran", "title": "Iran", "notebook": "10-actor-profile.ipynb",
              "parameters": {"actor": "iran"}, "filename": "actor-iran.html",
              "fingerprint": "new", "parts": {"notebook": "n1", "data:mentions": "m2"}}
    return Report(**{**fields, **changes})


@pytest.mark.parametrize("previous, page, force, reason", [
    (None, True, False, "new"),
    ({"status": "ok", "fingerprint": "new"}, True, False, ""),
    ({"status": "ok", "fingerprint": "new"}, True, True, "forced"),
    ({"status": "ok", "fingerprint": "new"}, False, False, "page missing"),
    ({"status": "failed", "fingerprint": "new"}, True, False, "failed last time"),
    ({"status": "ok", "fingerprint": "old", "parts": {"notebook": "n1", "data:mentions": "m1"}},
     True, False, "changed: data:mentions"),
])
def test_reports_why_run(tmp_path, previous, page, force, reason):
    if page:
        (tmp_path / "actor-iran.html").write_text("<p>page</p>")
    assert why_run(_report(), previous, tmp_path, force=force) == reason


# ------------------------------------------------------------------ index page


HOSTILE_TITLE = "<script>alert('title')</script> Evil & Co"
HOSTILE_ERROR = "KeyError: <img src=x onerror=alert(1)>"


def test_reports_index_lists_statuses_and_escapes_names(views_store, tmp_path):
    actors = views_store.sql("SELECT actor_id, name FROM actors ORDER BY n_mentions DESC")
    first = actors.iloc[0]
    pages = [
        _report(kind="overview", key="overview", title="Corpus overview", filename="overview.html",
                status="up to date"),
        _report(key=first["actor_id"], title=first["name"], filename="actor-first.html", status="failed",
                error=HOSTILE_ERROR, extra={"kind": "person", "n_mentions": 3}),
        _report(kind="theme", key="sanctions", title=HOSTILE_TITLE, filename="theme-sanctions.html",
                status="rebuilt", reason="changed: data:mentions", extra={"n_articles": 2}),
        _report(kind="theme", key="trade", title="Trade", filename="theme-trade.html",
                status="failed", error=HOSTILE_ERROR, extra={"n_articles": 1}),
        _report(kind="article", key="hostile", title="<b>Wire</b> story", filename="article-hostile.html",
                status="rebuilt", extra={"date": "2024-09-01", "source": "<b>Wire</b>"}),
    ]
    path = tmp_path / "index.html"
    write_index(views_store, pages, path)
    page = path.read_text()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Wire" not in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Evil &amp; Co" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the reason, one click away
    assert re.search(r'<details class="why"><summary>why</summary><pre>KeyError', page)
    statuses = re.findall(r'<span class="status ([a-z-]+)"', page)
    assert sorted(statuses) == ["failed", "rebuilt", "up-to-date"]  # corpus and theme lists
    assert 'title="changed: data:mentions"' in page
    assert re.findall(r"<h2>(\w+)", page) == ["Corpus", "Actors", "Themes", "Articles"]
    assert 'id="search"' in page and "views-test" in page
    assert '<div class="alert" role="alert"><b>2 failed</b>' in page
    # every actor and article of the store, with or without a page, in the tables' data
    rows = {name: json.loads(re.search(rf'<script type="application/json" id="{name}-data">(.*?)</script>',
                                       page, re.S).group(1)) for name in ("actors", "articles")}
    assert len(rows["actors"]) == len(actors)
    assert rows["actors"][0][0] == first["name"] and rows["actors"][0][5:7] == ["actor-first.html", "failed"]
    assert sum(bool(r[5]) for r in rows["actors"]) == 1
    n_articles = views_store.sql("SELECT count(*) AS n FROM articles")["n"].iloc[0]
    assert len(rows["articles"]) == n_articles
    assert [r[3] for r in rows["articles"] if r[3]] == ["article-hostile.html"]
    assert page.count("<script>") == 1  # the tables' and search box's own script


# ------------------------------------------------------------------ failure pages


CODE = re.compile(r'class="[^"]*jp-InputArea-editor')  # a cell's code shown on the page


def _failed_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "presslens", "display_name": "PressLens", "language": "python"}
    ok = nbformat.v4.new_code_cell("secret_setup = 1")
    ok.outputs = [nbformat.v4.new_output("stream", name="stdout", text="fine\n")]
    bad = nbformat.v4.new_code_cell('raise ValueError("<script>alert(1)</script>")')
    bad.outputs = [nbformat.v4.new_output(
        "error", ename="ValueError", evalue="<script>alert(1)</script>",
        traceback=["\x1b[0;31mValueError\x1b[0m: <script>alert(1)</script>"])]
    nb.cells = [nbformat.v4.new_markdown_cell("# A report"), ok, bad,
                nbformat.v4.new_code_cell("never_run = 2")]
    nbformat.write(nb, path)


def test_reports_failed_page_shows_the_failing_cell_escaped(tmp_path):
    executed = tmp_path / "actor-x.ipynb"
    _failed_notebook(executed)
    page_path = tmp_path / "actor-x.html"
    render_html(executed, page_path, title="Actor <b>X</b>", parameters={"actor": "<x>"},
                error="ValueError: <script>alert(1)</script> (cell 2)")
    page = page_path.read_text()
    assert "This report failed" in page and 'href="index.html"' in page
    assert "<script>alert(1)" not in page
    assert "ValueError: &lt;script&gt;alert(1)&lt;/script&gt; (cell 2)" in page
    assert "Actor &lt;b&gt;X&lt;/b&gt; · PressLens</title>" in page
    assert len(CODE.findall(page)) == 1  # only the failing cell shows its code
    assert "secret_setup" not in page and "never_run" not in page
    assert "\x1b[" not in page
    anchor = re.search(r'href="#(cell-id=[^"]+)"', page).group(1)
    assert f'id="{anchor}"' in page


def test_reports_page_without_a_notebook_still_explains(tmp_path):
    page_path = tmp_path / "theme-x.html"
    render_html(None, page_path, title="Theme", parameters={"theme": "x"},
                error="RuntimeError: Kernel died before replying to kernel_info (attempt 3 of 3)")
    page = page_path.read_text()
    assert "This report failed" in page and "Kernel died" in page and "theme = " in page
    assert "<script" not in page  # nothing but the banner


def _notebook(folder: Path, name: str, *cells: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel_name(), "display_name": "Python", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(cells[0], metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(c) for c in cells[1:])]
    nbformat.write(nb, folder / name)


@pytest.fixture(scope="module")
def probe_notebooks(tmp_path_factory) -> Path:
    """Notebooks that leave a variable behind, look for it, loop forever, open a store."""
    folder = tmp_path_factory.mktemp("probe-notebooks")
    _notebook(folder, "leave.ipynb", 'store = ""', "left_behind = 42\n_underscored = 1\nleft_behind",
              "from presslens.store import open_store\nst = open_store(store)\nprint('store', id(st))")
    _notebook(folder, "look.ipynb", 'store = ""\nvalue = "default"',
              "print('sees left_behind:', 'left_behind' in dir(), '_underscored' in dir(), Out, _)\n"
              "print('value:', value)",
              "from presslens.store import open_store\nst = open_store(store)\nprint('store', id(st))")
    _notebook(folder, "loop.ipynb", "x = 1", "while True:\n    pass")
    return folder


def _task(name: str, **parameters) -> dict:
    return {"filename": name.replace(".ipynb", ".html"), "title": name, "notebook": name,
            "parameters": parameters}


def _text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text()))


@pytest.mark.slow
def test_reports_warm_kernel_pages_share_no_variables_but_one_store(probe_notebooks, views_store, tmp_path):
    worker = PageWorker(WorkerConfig(kernel=kernel_name(), root=str(ROOT), out=str(tmp_path),
                                     notebooks_dir=str(probe_notebooks), corpus="probe", timeout=60))
    try:
        store = str(views_store.path)
        first = worker.build(_task("leave.ipynb", store=store))
        second = worker.build(_task("look.ipynb", store=store, value="injected"))
    finally:
        worker.close()
    assert first["status"] == second["status"] == "ok", (first, second)
    look = _text(tmp_path / "look.html")
    assert "sees left_behind: False False {} \n" in look  # the namespace was reset between pages
    assert "value: injected" in look  # parameters injected after the parameters cell
    stores = re.findall(r"store (\d+)", _text(tmp_path / "leave.html") + look)
    assert len(stores) == 2 and stores[0] == stores[1]  # opened once per kernel
    assert str(views_store.path) not in (tmp_path / "look.html").read_text()


@pytest.mark.slow
def test_reports_page_past_its_time_limit_fails_and_the_next_page_builds(probe_notebooks, views_store,
                                                                         tmp_path):
    worker = PageWorker(WorkerConfig(kernel=kernel_name(), root=str(ROOT), out=str(tmp_path),
                                     notebooks_dir=str(probe_notebooks), corpus="probe", timeout=5))
    try:
        looping = worker.build(_task("loop.ipynb"))
        after = worker.build(_task("look.ipynb", store=str(views_store.path)))
    finally:
        worker.close()
    assert looping["status"] == "failed"
    assert looping["error"].startswith("TimeoutError: the page ran past its time limit of 5 s")
    assert 5 <= looping["seconds"] < 60
    page = (tmp_path / "loop.html").read_text()
    assert "This report failed" in page and "while True" in page  # the cell that ran too long
    assert after["status"] == "ok", after  # on a fresh kernel


@pytest.mark.parametrize("failures, status, n_calls", [
    (1, "ok", 2),
    (reports.KERNEL_ATTEMPTS, "failed", reports.KERNEL_ATTEMPTS),
])
def test_reports_kernel_start_failures_are_retried(monkeypatch, tmp_path, failures, status, n_calls):
    from presslens.reports import kernels

    calls = []

    def execute(self, task):
        calls.append(task)
        if len(calls) <= failures:
            raise kernels._KernelStartError("RuntimeError: Kernel died before replying to kernel_info")
        return nbformat.v4.new_notebook(), ""

    monkeypatch.setattr(kernels.PageWorker, "_execute", execute)
    monkeypatch.setattr(kernels.time, "sleep", lambda seconds: None)
    worker = PageWorker(WorkerConfig(kernel="python3", root=str(ROOT), out=str(tmp_path),
                                     notebooks_dir=str(ROOT / "notebooks"), corpus="c", timeout=0))
    result = worker.build(_task("30-article-brief.ipynb", article_id="x"))
    worker.close()
    assert result["status"] == status
    assert len(calls) == n_calls
    assert (tmp_path / "30-article-brief.html").exists()
    if status == "failed":
        assert result["error"].startswith("RuntimeError: Kernel died")
        assert f"(attempt {n_calls} of {n_calls})" in result["error"]


# ------------------------------------------------------------------ command line


def test_reports_cli_exits_nonzero_with_one_line_per_failure(monkeypatch, capsys, tmp_path):
    seen = {}

    def fake_build(store, out, **kwargs):
        seen.update(kwargs)
        return ReportsSummary(index=str(tmp_path / "index.html"), total=3, rebuilt=1, up_to_date=0,
                              failed=[("theme-x.html", "RuntimeError: boom (cell 5)"),
                                      ("actor-y.html", "KeyError: 'y' (cell 3)")],
                              reports=[{"filename": "overview.html", "status": "rebuilt"}], seconds=1.0)

    monkeypatch.setattr(reports, "build_reports", fake_build)
    status = cli.main(["reports", "--store", "s", "--out", str(tmp_path), "-q", "--gold", "g.jsonl",
                       "--workers", "2", "--actor", "Kofi Annan", "--actor", "hezbollah",
                       "--article", "a-1", "--self-contained", "--page-timeout", "30",
                       "--min-mentions", "5"])
    out, err = capsys.readouterr()
    assert status == 1
    assert err.splitlines() == ["FAILED theme-x.html: RuntimeError: boom (cell 5)",
                                "FAILED actor-y.html: KeyError: 'y' (cell 3)"]
    assert "3 reports: 1 rebuilt, 0 up to date, 2 failed" in out
    assert seen["gold"] == Path("g.jsonl") and seen["workers"] == 2
    assert seen["requested"] == Requested(actors=["Kofi Annan", "hezbollah"], articles=["a-1"])
    assert seen["self_contained"] is True
    assert seen["settings"].page_timeout == 30 and seen["settings"].min_mentions == 5
    assert seen["settings"].top_actors is None  # every actor above the threshold by default


def test_reports_cli_missing_gold_is_a_user_error(views_store, tmp_path, capsys):
    status = cli.main(["reports", "--store", str(views_store.path), "--out", str(tmp_path / "site"),
                       "-q", "--gold", str(tmp_path / "nope.jsonl")])
    assert status == 2
    assert "nope.jsonl does not exist" in capsys.readouterr().err


# ------------------------------------------------------------------ built sites (slow)


@pytest.mark.slow
def test_reports_failure_is_isolated(views_site):
    out, summary = views_site
    ((failed, error),) = summary["failed"]
    assert failed.startswith("theme-")  # the theme notebook raises; nothing else does
    assert error.startswith(f"RuntimeError: {BROKEN_MESSAGE}")
    assert summary["rebuilt"] == summary["total"] - 1 >= 4
    page = (out / failed).read_text()
    assert "This report failed" in page
    assert html.escape(BROKEN_MESSAGE, quote=False) in page
    assert BROKEN_MESSAGE not in page
    assert len(CODE.findall(page)) == 1  # the failing cell's code, and no other
    assert "raise" in page and "RuntimeError" in page
    index = (out / "index.html").read_text()
    assert '<span class="status failed">failed</span>' in index
    assert html.escape(BROKEN_MESSAGE, quote=False) in index
    assert (out / "notebooks" / failed.replace(".html", ".ipynb")).exists()


@pytest.mark.slow
def test_reports_failed_report_is_retried_and_the_rest_left_alone(views_site, views_site_args, views_store):
    out, first = views_site
    state = load_state(out / reports.STATE_FILE)
    again = reports.build_reports(views_store.path, out, **views_site_args)
    assert again["up_to_date"] == first["total"] - 1
    assert again["failed"] and again["failed"] == first["failed"]
    assert {r["filename"]: r["reason"] for r in again["reports"] if r["status"] != "up to date"} == \
        {first["failed"][0][0]: "failed last time"}
    assert set(load_state(out / reports.STATE_FILE)) == set(state)


@pytest.mark.slow
def test_reports_hostile_article_is_text_in_its_brief(views_site):
    out, _ = views_site
    page = (out / "article-hostile.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert(" not in page and "<img src=x" not in page


@pytest.mark.slow
def test_reports_site_has_validation_and_small_pages(site):
    out, summary = site
    assert summary["failed"] == []
    index = (out / "index.html").read_text()
    assert 'href="validation.html"' in index
    assert "Validation" in (out / "validation.html").read_text()
    sizes = {p.name: p.stat().st_size for p in out.glob("actor-*.html")}
    assert sizes and max(sizes.values()) < 2_000_000, sizes


@pytest.mark.slow
def test_reports_pages_on_a_warm_kernel_show_no_stderr(site):
    """Pages after the first on a kernel once printed IPython's history error ('Session/line
    number was not unique'): no page shows anything on stderr."""
    out, _ = site
    pages = sorted(out.glob("*.html"))
    assert len(pages) >= 10
    noisy = [p.name for p in pages if "vnd.jupyter.stderr" in p.read_text() or "History logging" in p.read_text()]
    assert noisy == []


@pytest.mark.slow
def test_reports_subject_pages_show_their_own_scope(site):
    out, _ = site
    profile = next(out.glob("actor-*.html")).read_text()
    assert re.search(r"named in \d+ articles?", profile)
    theme = next(out.glob("theme-*.html")).read_text()
    assert re.search(r"found in \d+ articles?", theme)


# ------------------------------------------------------------------ local paths, on demand, kills


@pytest.mark.slow
def test_reports_pages_name_no_local_path(site, sample_store):
    out, _ = site
    assert not Path(sample_store).resolve().is_relative_to(ROOT)  # the store is outside the project
    local = {str(Path(sample_store).resolve()), str(out.resolve()), str(ROOT), str(Path.home())}
    pages = sorted(out.glob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        text = page.read_text()
        found = [path for path in local if path in text]
        assert found == [], (page.name, found)
    overview = (out / "overview.html").read_text()
    assert "sample" in overview  # the store shown by its corpus name


def _links(index: Path) -> set[str]:
    text = index.read_text()
    links = set(re.findall(r'href="([^"#]+\.html)"', text))
    for name in ("actors", "articles"):
        rows = json.loads(re.search(rf'id="{name}-data">(.*?)</script>', text, re.S).group(1))
        links |= {row[5 if name == "actors" else 3] for row in rows} - {""}
    return links


@pytest.mark.slow
def test_reports_on_demand_page_joins_the_site(views_store, tmp_path):
    below = views_store.sql("SELECT actor_id, name FROM actors ORDER BY n_mentions, name LIMIT 1").iloc[0]
    out = tmp_path / "site"
    settings = Settings.from_env(min_mentions=1000, max_briefs=1)  # no actor reaches the threshold
    first = reports.build_reports(views_store.path, out, settings=settings, workers=1, only={"article"})
    assert not [r for r in first["reports"] if r["kind"] == "actor"]
    again = reports.build_reports(views_store.path, out, settings=settings, workers=1,
                                  requested=Requested(actors=[below["name"]]))
    assert [(r["kind"], r["status"]) for r in again["reports"] if r["status"] != "up to date"] == \
        [("actor", "rebuilt")]
    page = reports.page_name("actor", below["actor_id"])
    assert (out / page).exists() and page in _links(out / "index.html")
    assert json.loads((out / "site.json").read_text())["reports"][f"actor:{below['actor_id']}"] == page
    later = reports.build_reports(views_store.path, out, settings=settings, workers=1)  # a full run
    assert page in {r["filename"] for r in later["reports"]} and (out / page).exists()


def _complete(page: Path) -> bool:
    return page.read_text().rstrip().endswith("</html>")


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", ["start", "first page", "half the pages"])
def test_reports_killed_build_leaves_a_site_that_opens_and_the_next_run_completes(views_store, tmp_path,
                                                                                kill_at):
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "site"
    command = [sys.executable, "-m", "presslens", "reports", "--store", str(views_store.path), "--out",
               str(out), "--min-mentions", "1", "--actors", "2", "--themes", "1", "--briefs", "3",
               "--workers", "2", "-q"]
    assert subprocess.run(command, cwd=ROOT, capture_output=True).returncode == 0
    before = _links(out / "index.html")
    pages = sorted(p for p in out.glob("*.html") if p.name != "index.html")
    started = time.time()
    build = subprocess.Popen([*command, "--force"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    wanted = {"start": 0, "first page": 1, "half the pages": len(pages) // 2}[kill_at]
    deadline = time.time() + 120
    while time.time() < deadline and build.poll() is None:
        fresh = [p for p in pages if p.stat().st_mtime > started]
        if len(fresh) >= wanted and (wanted or time.time() - started > 1.5):
            break
        time.sleep(0.05)
    assert build.poll() is None, "the build ended before the kill point"
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    # the previous site still opens: its index, every page it links to, each page whole
    assert _links(out / "index.html") == before
    assert all((out / link).exists() and _complete(out / link) for link in before)
    assert load_state(out / reports.STATE_FILE)
    time.sleep(2)  # the workers notice their build is gone and stop
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert re.search(r"\d+ reports: \d+ rebuilt, \d+ up to date, 0 failed", rerun.stdout)
    assert all(_complete(p) for p in out.glob("*.html"))
    assert not list(out.rglob(".*.tmp"))
    state = load_state(out / reports.STATE_FILE)
    assert {v["status"] for v in state.values()} == {"ok"} and len(state) == len(pages)


def test_reports_digests_per_key_equal_the_correlated_ones(tiny_stores, monkeypatch):
    from presslens.reports import plan
    from presslens.views.reads import LINKS, READS

    st = open_store(tiny_stores["added"])
    real = st.con
    try:
        keys = sorted(st.sql("SELECT actor_id FROM actors")["actor_id"])
        assert len(keys) > 8
        together = {part: plan._rows_digests(st, query, keys) for part, query in READS["actor"].items()}
        links = plan._link_targets(st, LINKS["actor"], keys)
        monkeypatch.setattr(plan, "_SAMPLE_TOGETHER", 1)
        monkeypatch.setattr(plan, "_SAMPLE_APART", 1)
        clock = iter([0.0, 10.0, 10.0, 11.0] * 100)  # a key costs 10 s together, 1 s apart
        monkeypatch.setattr(plan.time, "perf_counter", lambda: next(clock))
        spy = []
        st.con = type("Spy", (), {"execute": lambda self, sql, params=None: spy.append(params)
                                  or real.execute(sql, params)})()
        apart = {part: plan._rows_digests(st, query, keys) for part, query in READS["actor"].items()}
        assert apart == together
        assert {k: sorted(v) for k, v in plan._link_targets(st, LINKS["actor"], keys).items()} == \
            {k: sorted(v) for k, v in links.items()}
        assert sum(p == {"key": keys[-1]} for p in spy) == len(READS["actor"]) + 1  # one query per key
    finally:
        st.con = real
        st.close()
