"""Execute the report notebooks with papermill, render them to self-contained HTML, index them.

Each report is re-executed only when its fingerprint changes: the notebook, its parameters,
and the store data it reads. Failures are isolated: a failing notebook still yields a page
that shows the error, the index marks it, and the other reports are built.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from presslens.config import PACKAGE_DIR, Settings
from presslens.store import Store, open_store

TEMPLATES = PACKAGE_DIR / "templates"
STATE_FILE = ".presslens-reports.json"
SITE_FILE = "site.json"
# Changing how pages are rendered must rebuild them all.
RENDER_VERSION = "1"
NOTEBOOKS = {
    "overview": "00-corpus-overview.ipynb",
    "actor": "10-actor-profile.ipynb",
    "theme": "20-theme-report.ipynb",
    "article": "30-article-brief.ipynb",
}


@dataclass
class Report:
    """One page of the site."""

    kind: str
    key: str
    title: str
    notebook: str
    parameters: dict
    filename: str
    fingerprint: str = ""
    status: str = "planned"
    error: str = ""
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def plan_reports(st: Store, *, notebooks_dir: Path, store_arg: str, site: str,
                 settings: Settings) -> list[Report]:
    """The pages to build: overview, top actors, themes found, and article briefs."""
    reports = [Report("overview", "overview", "Corpus overview", NOTEBOOKS["overview"],
                      {"store": store_arg, "site": site}, "overview.html")]
    actors = st.table("actors")
    for row in actors.head(settings.top_actors).itertuples():
        reports.append(Report("actor", row.actor_id, row.name, NOTEBOOKS["actor"],
                              {"actor": row.actor_id, "store": store_arg, "site": site},
                              f"actor-{row.actor_id}.html",
                              extra={"kind": row.kind, "n_mentions": int(row.n_mentions)}))
    themes = st.sql("SELECT theme, count(DISTINCT article_id) AS n FROM article_themes "
                    "GROUP BY theme ORDER BY n DESC, theme")
    for row in themes.head(settings.top_themes).itertuples():
        reports.append(Report("theme", row.theme, row.theme, NOTEBOOKS["theme"],
                              {"theme": row.theme, "store": store_arg, "site": site},
                              f"theme-{row.theme}.html", extra={"n_articles": int(row.n)}))
    articles = st.sql("SELECT article_id, title, date, source FROM articles "
                      "ORDER BY date DESC NULLS LAST, article_id")
    for row in articles.head(settings.max_briefs).itertuples():
        date = "" if pd.isna(row.date) else row.date.date().isoformat()
        reports.append(Report("article", row.article_id, row.title, NOTEBOOKS["article"],
                              {"article_id": row.article_id, "store": store_arg, "site": site},
                              f"article-{row.article_id}.html",
                              extra={"date": date, "source": "" if pd.isna(row.source) else row.source}))
    for report in reports:
        report.fingerprint = fingerprint(notebooks_dir / report.notebook, report.parameters,
                                         store_digest(st.path))
    return reports


def store_digest(path: Path) -> str:
    """Hash of every table in a store (not of meta.json, whose build time always changes)."""
    digest = hashlib.sha1()
    for table in sorted(path.glob("*.parquet")):
        digest.update(table.name.encode())
        digest.update(hashlib.sha1(table.read_bytes()).digest())
    return digest.hexdigest()


def fingerprint(notebook: Path, parameters: dict, data: str) -> str:
    digest = hashlib.sha1(RENDER_VERSION.encode())
    digest.update(notebook.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    digest.update(data.encode())
    return digest.hexdigest()


def kernel_name() -> str:
    """The 'presslens' kernel when registered, else the default Python kernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    return "presslens" if "presslens" in KernelSpecManager().find_kernel_specs() else "python3"


def render_html(notebook_path: Path, html_path: Path) -> None:
    """Executed notebook -> HTML with code hidden, figures embedded and no network assets."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="presslens", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    html_path.write_text(body, encoding="utf-8")


def run_one(report: dict, notebooks_dir: str, out_dir: str, root: str, kernel: str) -> dict:
    """Execute and render one report in a worker process; never raises."""
    import papermill

    started = time.perf_counter()
    out = Path(out_dir)
    executed = out / "notebooks" / report["filename"].replace(".html", ".ipynb")
    executed.parent.mkdir(parents=True, exist_ok=True)
    status, error = "ok", ""
    for attempt in range(2):
        try:
            papermill.execute_notebook(
                str(Path(notebooks_dir) / report["notebook"]), str(executed),
                parameters=report["parameters"], kernel_name=kernel, cwd=root,
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            )
            status, error = "ok", ""
            break
        except papermill.PapermillExecutionError as failure:
            status = "failed"
            error = f"{failure.ename}: {failure.evalue}".strip()[:500]
            break
        except Exception as failure:  # kernel start-up races (ports) get one retry
            status, error = "failed", f"{type(failure).__name__}: {failure}"[:500]
            if attempt == 0:
                time.sleep(1)
    try:
        if executed.exists():
            render_html(executed, out / report["filename"])
        else:
            (out / report["filename"]).write_text(
                f"<!doctype html><meta charset='utf-8'><title>Failed</title>"
                f"<p><a href='index.html'>&larr; index</a></p><h1>Report failed</h1>"
                f"<pre>{html.escape(error)}</pre>", encoding="utf-8")
    except Exception as failure:
        status, error = "failed", f"rendering: {type(failure).__name__}: {failure}"[:500]
    return {"filename": report["filename"], "status": status, "error": error,
            "seconds": round(time.perf_counter() - started, 2)}


class ReportsSummary(dict):
    """Counts by status, the failures, and the path of the index."""


def build_reports(store_path: str | Path, out_dir: str | Path, *, settings: Settings | None = None,
                  workers: int | None = None, force: bool = False,
                  only: Iterable[str] | None = None,
                  progress: Callable[[Iterable, int], Iterable] | None = None) -> ReportsSummary:
    """Build (or bring up to date) every report of a store in out_dir, with an index page."""
    settings = settings or Settings.from_env()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    store_path = Path(store_path).resolve()
    st = open_store(store_path)
    notebooks_dir = settings.root / "notebooks"
    site = str(out / SITE_FILE)
    reports = plan_reports(st, notebooks_dir=notebooks_dir, store_arg=str(store_path),
                           site=site, settings=settings)
    if only:
        kinds = set(only)
        reports = [r for r in reports if r.kind in kinds]
    (out / SITE_FILE).write_text(json.dumps(
        {"reports": {("overview" if r.kind == "overview" else f"{r.kind}:{r.key}"): r.filename
                     for r in reports}}, indent=1), encoding="utf-8")
    state_path = out / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    todo = []
    for report in reports:
        previous = state.get(report.filename, {})
        if (not force and previous.get("fingerprint") == report.fingerprint
                and previous.get("status") == "ok" and (out / report.filename).exists()):
            report.status = "up to date"
        else:
            todo.append(report)
    kernel = kernel_name()
    workers = max(1, workers or settings.workers)
    results: list[dict] = []
    if todo:
        context = get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
            futures = [pool.submit(run_one, asdict(r), str(notebooks_dir), str(out),
                                   str(settings.root), kernel) for r in todo]
            done = as_completed(futures)
            if progress is not None:
                done = progress(done, len(futures))
            results = [f.result() for f in done]
    by_file = {r["filename"]: r for r in results}
    for report in todo:
        result = by_file[report.filename]
        report.status = "rebuilt" if result["status"] == "ok" else "failed"
        report.error, report.seconds = result["error"], result["seconds"]
        state[report.filename] = {"fingerprint": report.fingerprint,
                                  "status": result["status"], "error": report.error}
    state_path.write_text(json.dumps(state, indent=1), encoding="utf-8")
    write_index(st, reports, out / "index.html")
    st.close()
    summary = ReportsSummary(
        index=str(out / "index.html"), total=len(reports),
        rebuilt=sum(r.status == "rebuilt" for r in reports),
        up_to_date=sum(r.status == "up to date" for r in reports),
        failed=[(r.filename, r.error) for r in reports if r.status == "failed"],
    )
    return summary


def _status_badge(report: Report) -> str:
    label = {"rebuilt": "rebuilt", "up to date": "up to date", "failed": "failed"}.get(
        report.status, report.status)
    title = f' title="{html.escape(report.error)}"' if report.error else ""
    return f'<span class="status {label.replace(" ", "-")}"{title}>{label}</span>'


def write_index(st: Store, reports: list[Report], path: Path) -> None:
    """The site's front page: corpus summary, search box, reports grouped by kind, status."""
    meta = st.meta
    esc = html.escape
    groups: dict[str, list[Report]] = {}
    for report in reports:
        group = report.extra.get("kind", report.kind) if report.kind == "actor" else report.kind
        groups.setdefault(group, []).append(report)
    titles = {"overview": "Overview", "person": "People", "organization": "Organisations",
              "country": "Countries", "group": "Groups", "theme": "Themes",
              "article": "Articles"}
    sections = []
    for group in ["overview", "person", "organization", "country", "group", "theme", "article"]:
        items = groups.get(group)
        if not items:
            continue
        rows = []
        for r in items:
            detail = ""
            if r.kind == "actor":
                detail = f"{r.extra.get('n_mentions', 0)} mentions"
            elif r.kind == "theme":
                detail = f"{r.extra.get('n_articles', 0)} articles"
            elif r.kind == "article":
                detail = " · ".join(x for x in (r.extra.get("date"), r.extra.get("source")) if x)
            failure = (f'<details><summary>why</summary><pre>{esc(r.error)}</pre></details>'
                       if r.status == "failed" else "")
            rows.append(f'<li data-name="{esc(r.title.lower())}"><a href="{esc(r.filename)}">'
                        f'{esc(r.title)}</a> <small>{esc(detail)}</small> '
                        f'{_status_badge(r)}{failure}</li>')
        sections.append(f'<section><h2>{titles[group]} ({len(items)})</h2><ul>'
                        + "".join(rows) + "</ul></section>")
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sources = meta.get("sources") or []
    summary = (f"{meta.get('n_articles', '?')} articles from {len(sources)} sources "
               f"({esc(', '.join(sources[:8]))}{'…' if len(sources) > 8 else ''}), "
               f"dated {esc(str(meta.get('date_min')))} to {esc(str(meta.get('date_max')))}; "
               f"{meta.get('n_rejected', 0)} inputs rejected. Extracted {esc(str(meta.get('built')))} "
               f"with {esc(str(meta.get('model')))}; index built {built}.")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PressLens: {esc(str(meta.get('corpus', 'corpus')))}</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem; color: #222; }}
h1 {{ margin-bottom: .2rem; }} h2 {{ border-bottom: 1px solid #ddd; padding-bottom: .2rem; }}
ul {{ columns: 2; list-style: none; padding: 0; }} li {{ break-inside: avoid; margin: .15rem 0; }}
a {{ color: #1f5fa8; text-decoration: none; }} a:hover {{ text-decoration: underline; }}
small {{ color: #666; }} #search {{ font-size: 1rem; padding: .4rem .6rem; width: 100%; max-width: 420px; }}
.status {{ font-size: 11px; border-radius: 3px; padding: 0 4px; margin-left: 4px; }}
.up-to-date {{ background: #eef4ee; color: #386b38; }} .rebuilt {{ background: #e9f0fa; color: #1f5fa8; }}
.failed {{ background: #fbeaea; color: #a11; font-weight: bold; }}
details {{ display: inline; }} pre {{ white-space: pre-wrap; font-size: 12px; }}
</style></head><body>
<h1>PressLens: {esc(str(meta.get('corpus', 'corpus')))}</h1>
<p>{summary}</p>
<p><input id="search" type="search" placeholder="Filter actors, themes and articles…" aria-label="Filter reports"></p>
{''.join(sections)}
<script>
document.getElementById('search').addEventListener('input', function (event) {{
  var query = event.target.value.toLowerCase();
  document.querySelectorAll('li[data-name]').forEach(function (item) {{
    item.style.display = item.dataset.name.indexOf(query) === -1 ? 'none' : '';
  }});
}});
</script>
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))
