"""The site: plan, execute what changed on warm kernels, write the index; `build_reports`.

Order of writes, so that a run killed at any point leaves a site that opens: the shared
assets and the site map first, then each page as it is built (each file atomically, the
state file after each page), then the index, and last the removal of pages no longer
planned. The next run removes leftover temporary files and builds what is missing.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from presslens.config import Settings
from presslens.errors import UserError
from presslens.reports.kernels import WorkerConfig, kernel_name, run_pages
from presslens.reports.plan import NOTEBOOKS, TEMPLATES, Report, Requested, plan_reports
from presslens.reports.render import asset_texts, write_assets
from presslens.reports.state import (
    STATE_FILE,
    load_state,
    remove_leftovers,
    save_state,
    why_run,
    write_atomic,
)
from presslens.store import Store, open_store

SITE_FILE = "site.json"
# A page may run this long before it is stopped and shown as failed (--page-timeout).
STATUS_CLASS = {"up to date": "up-to-date", "rebuilt": "rebuilt", "failed": "failed"}


class GoldFileMissing(UserError):
    """The gold file given for the validation report does not exist."""


class ReportsSummary(dict):
    """index, total, rebuilt, up_to_date, failed [(filename, error)], reports [dict], seconds."""


@dataclass(frozen=True)
class SiteOptions:
    """How a build runs: workers, forced rebuild, self-contained pages, per-page time limit."""

    workers: int = 1
    force: bool = False
    self_contained: bool = False
    page_timeout: float = 600.0


def _param_path(path: Path, root: Path) -> str:
    """A path as a notebook parameter: relative to the project root when inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def build_reports(store_path: str | Path, out_dir: str | Path, *, settings: Settings | None = None,
                  workers: int | None = None, force: bool = False, gold: str | Path | None = None,
                  only: Iterable[str] | None = None, requested: Requested | None = None,
                  self_contained: bool = False, page_timeout: float | None = None,
                  progress: Callable[[Iterable, int], Iterable] | None = None) -> ReportsSummary:
    """Build (or bring up to date) the report site of a store in out_dir, with an index page.

    Args:
        gold: a gold annotation file; adds the validation report.
        only: build only the reports of these kinds ("overview", "actor", ...).
        requested: pages asked for by name: only they are built (refreshed), and they join
            the pages already in the site; later full runs keep them.
        force: execute every report, whatever the state file says.
        self_contained: embed stylesheets and DataTables in every page instead of assets/.
        page_timeout: seconds a page may run (default settings.page_timeout; 0: no limit).
    """
    started = time.perf_counter()
    settings = settings or Settings.from_env()
    requested = requested or Requested()
    root = Path(settings.root).resolve()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    store_path = Path(store_path).resolve()
    if gold and not Path(gold).is_file():
        raise GoldFileMissing(f"gold file {gold} does not exist: give a JSONL file of hand-coded "
                              "annotations (see data/gold/)")
    st = open_store(store_path)
    try:
        corpus = str(st.meta.get("corpus") or st.path.name)
        notebooks_dir = root / "notebooks"
        state_path = out / STATE_FILE
        state = load_state(state_path)
        before = [f"{v.get('kind')}:{v.get('key')}" for v in state.values() if v.get("requested")]
        reports = plan_reports(st, notebooks_dir=notebooks_dir, store_arg=_param_path(store_path, root),
                               site=_param_path(out / SITE_FILE, root), settings=settings,
                               gold=_param_path(Path(gold), root) if gold else None, only=only,
                               requested=requested, extra_keys=before)
        if requested:  # on demand: the pages asked for, added to those already built
            reports = [r for r in reports if r.extra.get("requested") == "now"
                       or (r.filename in state and (out / r.filename).exists())]
        if not self_contained:
            write_assets(out, asset_texts())
        write_atomic(out / SITE_FILE, json.dumps(
            {"reports": {r.site_key: r.filename for r in reports}}, indent=1))
        todo = []
        for report in reports:
            previous = state.get(report.filename)
            asked_now = report.extra.get("requested") == "now"
            if requested and not asked_now:
                report.reason = ""
            else:
                report.reason = why_run(report, previous, out, force=force or asked_now)
            if previous and previous.get("mode", "assets") != _mode(self_contained) and not report.reason:
                report.reason = "page mode changed"
            if report.reason:
                todo.append(report)
            else:
                report.status = "up to date" if not previous or previous.get("status") == "ok" else "failed"
                report.error = (previous or {}).get("error", "")
        todo.sort(key=lambda r: list(NOTEBOOKS).index(r.kind))  # slowest kinds first
        if todo:
            # DuckDB keeps the memory of the planning queries (GBs on a large corpus) while the
            # connection is open; the pages take as long as they take without it.
            st.close()
            config = WorkerConfig(kernel=kernel_name(), root=str(root), out=str(out),
                                  notebooks_dir=str(notebooks_dir), corpus=corpus,
                                  timeout=settings.page_timeout if page_timeout is None else page_timeout,
                                  self_contained=self_contained)
            _execute(todo, state, state_path, config=config, self_contained=self_contained,
                     workers=max(1, workers or settings.workers), progress=progress)
            st = open_store(store_path)
        save_state(state_path, state)
        write_index(st, reports, out / "index.html")
        if not requested:
            _prune(out, state, {r.filename for r in reports})
            save_state(state_path, state)
    finally:
        st.close()
    return ReportsSummary(
        index=str(out / "index.html"), total=len(reports),
        rebuilt=sum(r.status == "rebuilt" for r in reports),
        up_to_date=sum(r.status == "up to date" for r in reports),
        failed=[(r.filename, r.error) for r in reports if r.status == "failed"],
        reports=[{"filename": r.filename, "kind": r.kind, "key": r.key, "status": r.status,
                  "reason": r.reason, "error": r.error, "seconds": r.seconds} for r in reports],
        seconds=round(time.perf_counter() - started, 1),
    )


def _mode(self_contained: bool) -> str:
    return "self-contained" if self_contained else "assets"


def _execute(todo: list[Report], state: dict[str, dict], state_path: Path, *, config: WorkerConfig,
             self_contained: bool, workers: int,
             progress: Callable[[Iterable, int], Iterable] | None) -> None:
    """Build the pages on the kernel pool, recording each result in the state as it arrives."""
    by_file = {r.filename: r for r in todo}
    tasks = [{"filename": r.filename, "title": r.title, "notebook": r.notebook,
              "parameters": r.parameters} for r in todo]
    results: Iterable = run_pages(tasks, config, workers=workers)
    if progress is not None:
        results = progress(results, len(tasks))
    for result in results:
        report = by_file[result["filename"]]
        report.status = "rebuilt" if result["status"] == "ok" else "failed"
        report.error, report.seconds = result["error"], result["seconds"]
        state[report.filename] = {
            "kind": report.kind, "key": report.key, "fingerprint": report.fingerprint,
            "parts": report.parts, "status": result["status"], "error": report.error,
            "reason": report.reason, "seconds": report.seconds, "mode": _mode(self_contained),
            "requested": bool(report.extra.get("requested")),
            "built": datetime.now(UTC).isoformat(timespec="seconds")}
        save_state(state_path, state)


def _prune(out: Path, state: dict[str, dict], planned: set[str]) -> None:
    """Remove the pages (and executed notebooks) of reports no longer in the plan."""
    for filename in sorted(set(state) - planned):
        (out / filename).unlink(missing_ok=True)
        (out / "notebooks" / (Path(filename).stem + ".ipynb")).unlink(missing_ok=True)
        del state[filename]


# ------------------------------------------------------------------------------ index page


def corpus_paragraph(st: Store) -> str:
    """One escaped paragraph: articles, sources, dates, rejected inputs, extraction."""
    esc = html.escape
    meta = st.meta
    counts = st.sql("SELECT (SELECT count(*) FROM articles) AS articles, "
                    "(SELECT count(DISTINCT source) FROM articles) AS sources, "
                    "(SELECT strftime(min(date), '%Y-%m-%d') FROM articles) AS first, "
                    "(SELECT strftime(max(date), '%Y-%m-%d') FROM articles) AS last, "
                    "(SELECT count(*) FROM actors) AS actors, "
                    "(SELECT count(*) FROM quotes) AS quotes, "
                    "(SELECT count(*) FROM interactions) AS interactions").iloc[0]
    names = sorted(str(s) for s in meta.get("sources") or [])
    shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    dates = (f"dated {counts['first']} to {counts['last']}" if isinstance(counts["first"], str)
             else "undated")
    rejected = int(meta.get("n_rejected") or 0)
    return (f"<b>{int(counts['articles']):,}</b> articles from <b>{int(counts['sources']):,}</b> "
            f"sources ({esc(shown)}), {esc(dates)}; {rejected:,} input{'s' * (rejected != 1)} "
            f"rejected. PressLens found {int(counts['actors']):,} actors, {int(counts['quotes']):,} "
            f"quotes and {int(counts['interactions']):,} interactions. Extracted "
            f"{esc(_when(meta.get('built')))} with "
            f"{esc(str(meta.get('model') or 'an unknown model'))}.")


def _when(value: object) -> str:
    """An ISO time stamp as "2024-07-04 10:30 UTC" (as given when it does not parse)."""
    try:
        stamp = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "at an unknown time")
    if stamp.tzinfo is not None:
        return f"{stamp.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"{stamp:%Y-%m-%d %H:%M}"


def _status(report: Report | None) -> str:
    if report is None:
        return ""
    return report.status if report.status in STATUS_CLASS else "planned"


def _rows_json(rows: list[list]) -> str:
    """Rows as JSON that can sit inside a <script> element."""
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def write_index(st: Store, reports: list[Report], path: Path) -> None:
    """The site's front page: corpus summary, every actor and article in searchable paged
    tables (linked when they have a page), corpus pages and themes with their status."""
    import jinja2
    from markupsafe import Markup

    pages = {r.site_key: r for r in reports}
    actors = st.sql("SELECT actor_id, name, kind, country, n_mentions, n_articles FROM actors "
                    "ORDER BY n_mentions DESC, n_articles DESC, name")
    actor_rows = []
    for row in actors.itertuples():
        page = pages.get(f"actor:{row.actor_id}")
        actor_rows.append([str(row.name), str(row.kind or ""), row.country if isinstance(row.country, str) else "",
                           int(row.n_mentions), int(row.n_articles), page.filename if page else "",
                           _status(page), page.error if page else ""])
    articles = st.sql("SELECT article_id, title, strftime(date, '%Y-%m-%d') AS day, source FROM articles "
                      "ORDER BY date DESC NULLS LAST, article_id")
    article_rows = []
    for row in articles.itertuples():
        page = pages.get(f"article:{row.article_id}")
        article_rows.append([row.title if isinstance(row.title, str) and row.title else row.article_id,
                             row.day if isinstance(row.day, str) else "",
                             row.source if isinstance(row.source, str) else "",
                             page.filename if page else "", _status(page), page.error if page else ""])
    corpus_pages = [r for r in reports if r.kind in ("overview", "validation")]
    themes = [r for r in reports if r.kind == "theme"]
    counts = {s: sum(r.status == s for r in reports) for s in STATUS_CLASS}
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "site"),
                                     autoescape=True, keep_trailing_newline=True)
    page = environment.get_template("index.html.j2").render(
        corpus=str(st.meta.get("corpus") or st.path.name),
        summary=Markup(corpus_paragraph(st)),
        total=len(reports), counts=counts, written=f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        failed=[r for r in reports if r.status == "failed"], corpus_pages=corpus_pages, themes=themes,
        status_class=STATUS_CLASS, n_actors=len(actor_rows), n_actor_pages=sum(bool(r[5]) for r in actor_rows),
        n_articles=len(article_rows), n_article_pages=sum(bool(r[3]) for r in article_rows),
        actors_json=Markup(_rows_json(actor_rows)),
        articles_json=Markup(_rows_json(article_rows)))
    write_atomic(path, page)
