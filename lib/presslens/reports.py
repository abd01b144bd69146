"""Execute the report notebooks with papermill, render them to self-contained HTML, index them.

Incremental builds. Every report has a fingerprint: a hash of its notebook, the library code
that draws it (views, plots, the page template), the codebook, its parameters, the corpus
name, the store rows it reads and which of the pages it may link to exist. The fingerprint
and its parts are kept beside the site in `.presslens-reports.json`; a report is executed
again only when its fingerprint changed, it failed last time or its page is missing, and the
state file says which part changed.

What each report reads (the queries are in READS):
- overview, validation: the whole store and meta.json but its build time (validation also
  the gold file);
- actor profile: the actor's row; its mentions, roles, quotes and interactions; the metadata
  (title, date, source, url) of the articles it appears in; the tone and themes of the
  sentences naming it; who else is named in its articles; the names of those actors;
- theme report: the theme's hits and per-article rows; the metadata of its articles; the
  sentences carrying it and the actors named there; the other themes of its articles;
- article brief: the article's rows in every table and the names of its actors.

Decision on corpus-wide figures: subject pages (actor, theme, article) show their own scope
in the header (the articles naming the actor: how many, dates, sources), never the corpus's
article count or date range; the corpus summary is on the index (rewritten on every run) and
the overview (which reads everything). Figures inside a subject page that compare with the
whole corpus (a theme's baseline share, the corpus tone line, "N of M articles", the time
axis, an actor's overall tone next to its tone around a theme) are those of the run that last
built the page; `--force` refreshes every page.

Links: a page's fingerprint holds which of the pages it may link to (the actors named with
it, its themes, its articles, the overview) are part of the site, so it is rebuilt when one
of them appears or disappears, and not when unrelated pages come and go.

Failures are isolated: a notebook that raises still yields a page showing the error, the
failing cell's code and its traceback; the index marks it; the other reports are built.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from presslens.config import PACKAGE_DIR, Settings
from presslens.errors import MissingFile
from presslens.store import Store, open_store

TEMPLATES = PACKAGE_DIR / "templates"
STATE_FILE = ".presslens-reports.json"
STATE_VERSION = 2
SITE_FILE = "site.json"
# Bump to rebuild every page after a change in how pages are executed or rendered.
RENDER_VERSION = "2"
NOTEBOOKS = {
    "overview": "00-corpus-overview.ipynb",
    "validation": "40-validation.ipynb",
    "actor": "10-actor-profile.ipynb",
    "theme": "20-theme-report.ipynb",
    "article": "30-article-brief.ipynb",
}
# The library code that draws the pages: changing it rebuilds them.
DRAWING_CODE = ("views", "plots.py", "geo.py")
VALIDATION_CODE = ("evaluate",)
# Kernel start-up can fail transiently (ports taken, slow machine); try this many times.
KERNEL_ATTEMPTS = 3

ARTICLE_META = "article_id, title, date, source, url"
ARTICLE_TABLES = ("articles", "sentences", "mentions", "actor_roles", "themes", "article_themes",
                  "quotes", "interactions")
STORE_TABLES = (*ARTICLE_TABLES, "actors", "rejected")

# --------------------------------------------------------------------- what each page reads
# Each query takes the report's key as $key; a part's digest is a hash of the rows it returns.

_ACTOR_ARTICLES = """
    SELECT article_id FROM mentions WHERE actor_id = $key
    UNION SELECT article_id FROM actor_roles WHERE actor_id = $key
    UNION SELECT article_id FROM quotes WHERE speaker_actor_id = $key
    UNION SELECT article_id FROM interactions WHERE $key IN (source_actor_id, target_actor_id)"""
_ACTOR_SENTENCES = "SELECT DISTINCT article_id, sentence_id FROM mentions WHERE actor_id = $key"
_ACTOR_PEERS = """
    SELECT actor_id FROM mentions
        WHERE article_id IN (SELECT article_id FROM mentions WHERE actor_id = $key)
    UNION SELECT source_actor_id FROM interactions WHERE target_actor_id = $key
    UNION SELECT target_actor_id FROM interactions WHERE source_actor_id = $key"""

_THEME_ARTICLES = """
    SELECT article_id FROM article_themes WHERE theme = $key
    UNION SELECT article_id FROM themes WHERE theme = $key"""
_THEME_SENTENCES = "SELECT DISTINCT article_id, sentence_id FROM themes WHERE theme = $key"
_THEME_ACTORS = f"""
    SELECT DISTINCT actor_id FROM mentions JOIN ({_THEME_SENTENCES}) USING (article_id, sentence_id)"""

_ARTICLE_ACTORS = """
    SELECT actor_id FROM mentions WHERE article_id = $key
    UNION SELECT speaker_actor_id FROM quotes WHERE article_id = $key
    UNION SELECT source_actor_id FROM interactions WHERE article_id = $key
    UNION SELECT target_actor_id FROM interactions WHERE article_id = $key
    UNION SELECT actor_id FROM actor_roles WHERE article_id = $key"""

READS: dict[str, dict[str, str]] = {
    "actor": {
        "actor": "SELECT * FROM actors WHERE actor_id = $key",
        "mentions": "SELECT * FROM mentions WHERE actor_id = $key",
        "actor_roles": "SELECT * FROM actor_roles WHERE actor_id = $key",
        "quotes": "SELECT * FROM quotes WHERE speaker_actor_id = $key",
        "interactions": "SELECT * FROM interactions WHERE $key IN (source_actor_id, target_actor_id)",
        "articles": f"SELECT {ARTICLE_META} FROM articles WHERE article_id IN ({_ACTOR_ARTICLES})",
        "sentences": "SELECT article_id, sentence_id, tone FROM sentences "
                     f"JOIN ({_ACTOR_SENTENCES}) USING (article_id, sentence_id)",
        "themes": "SELECT DISTINCT article_id, sentence_id, theme FROM themes "
                  f"JOIN ({_ACTOR_SENTENCES}) USING (article_id, sentence_id)",
        "co-mentions": "SELECT DISTINCT article_id, sentence_id, actor_id FROM mentions "
                       "WHERE article_id IN (SELECT article_id FROM mentions WHERE actor_id = $key)",
        "peers": f"SELECT actor_id, name, kind FROM actors WHERE actor_id IN ({_ACTOR_PEERS})",
    },
    "theme": {
        "themes": "SELECT * FROM themes WHERE theme = $key",
        "article_themes": "SELECT * FROM article_themes WHERE theme = $key",
        "co-themes": "SELECT DISTINCT article_id, theme FROM article_themes "
                     f"WHERE article_id IN ({_THEME_ARTICLES})",
        "articles": f"SELECT {ARTICLE_META} FROM articles WHERE article_id IN ({_THEME_ARTICLES})",
        "sentences": f"SELECT * FROM sentences JOIN ({_THEME_SENTENCES}) USING (article_id, sentence_id)",
        "mentions": "SELECT DISTINCT article_id, sentence_id, actor_id FROM mentions "
                    f"JOIN ({_THEME_SENTENCES}) USING (article_id, sentence_id)",
        "actors": f"SELECT actor_id, name, kind FROM actors WHERE actor_id IN ({_THEME_ACTORS})",
    },
    "article": {  # everything but the input path, which the brief does not show
        **{table: f"SELECT * FROM {table} WHERE article_id = $key" for table in ARTICLE_TABLES},
        "articles": "SELECT * EXCLUDE (path) FROM articles WHERE article_id = $key",
        "actors": f"SELECT actor_id, name, kind, country FROM actors WHERE actor_id IN ({_ARTICLE_ACTORS})",
    },
    "overview": {table: f"SELECT * FROM {table}" for table in STORE_TABLES},
}
READS["validation"] = READS["overview"]

# The pages a report may link to, as site keys; intersected with the site plan.
LINKS: dict[str, str] = {
    "actor": f"""
        SELECT 'actor:' || actor_id FROM ({_ACTOR_PEERS}) AS peers(actor_id)
        UNION SELECT 'theme:' || theme FROM themes JOIN ({_ACTOR_SENTENCES}) USING (article_id, sentence_id)
        UNION SELECT 'article:' || article_id FROM ({_ACTOR_ARTICLES}) AS own(article_id)""",
    "theme": f"""
        SELECT 'actor:' || actor_id FROM ({_THEME_ACTORS}) AS named(actor_id)
        UNION SELECT 'theme:' || theme FROM article_themes WHERE article_id IN ({_THEME_ARTICLES})
        UNION SELECT 'article:' || article_id FROM ({_THEME_ARTICLES}) AS own(article_id)""",
    "article": f"""
        SELECT 'actor:' || actor_id FROM ({_ARTICLE_ACTORS}) AS named(actor_id)
        UNION SELECT 'theme:' || theme FROM article_themes WHERE article_id = $key
        UNION SELECT 'theme:' || theme FROM themes WHERE article_id = $key""",
}


@dataclass
class Report:
    """One page of the site: what to execute, its fingerprint and how its last build went."""

    kind: str
    key: str
    title: str
    notebook: str
    parameters: dict
    filename: str
    fingerprint: str = ""
    parts: dict[str, str] = field(default_factory=dict)
    status: str = "planned"  # then "up to date", "rebuilt" or "failed"
    reason: str = ""  # why it was executed
    error: str = ""
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def site_key(self) -> str:
        """Its key in site.json: "overview", "validation", "actor:<id>", "theme:<id>", ..."""
        return self.kind if self.kind in ("overview", "validation") else f"{self.kind}:{self.key}"


def _page_name(kind: str, key: str) -> str:
    return f"{kind}-{re.sub(r'[^A-Za-z0-9._-]+', '-', key)}.html"


def _param_path(path: Path, root: Path) -> str:
    """A path as a notebook parameter: relative to the project root when inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def plan_reports(st: Store, *, notebooks_dir: Path, store_arg: str, site: str,
                 settings: Settings, gold: str | None = None,
                 only: Iterable[str] | None = None) -> list[Report]:
    """The pages to build, with their fingerprints.

    The overview; the validation report when a gold file is given; the `top_actors` most
    mentioned actors; the `top_themes` themes found in most articles; the `max_briefs` newest
    articles. `only` keeps the reports of those kinds.
    """
    reports = [Report("overview", "overview", "Corpus overview", NOTEBOOKS["overview"],
                      {"store": store_arg, "site": site}, "overview.html")]
    if gold:
        reports.append(Report("validation", "validation", "Validation against gold",
                              NOTEBOOKS["validation"], {"gold": gold, "store": store_arg, "site": site},
                              "validation.html"))
    actors = st.sql("SELECT actor_id, name, kind, n_mentions FROM actors "
                    "ORDER BY n_mentions DESC, n_articles DESC, name LIMIT ?", [settings.top_actors])
    for row in actors.itertuples():
        reports.append(Report("actor", row.actor_id, row.name, NOTEBOOKS["actor"],
                              {"actor": row.actor_id, "store": store_arg, "site": site},
                              _page_name("actor", row.actor_id),
                              extra={"kind": row.kind, "n_mentions": int(row.n_mentions)}))
    labels = _theme_labels(st)
    themes = st.sql("SELECT theme, count(DISTINCT article_id) AS n FROM article_themes "
                    "GROUP BY theme ORDER BY n DESC, theme LIMIT ?", [settings.top_themes])
    for row in themes.itertuples():
        reports.append(Report("theme", row.theme, labels.get(row.theme, row.theme), NOTEBOOKS["theme"],
                              {"theme": row.theme, "store": store_arg, "site": site},
                              _page_name("theme", row.theme), extra={"n_articles": int(row.n)}))
    articles = st.sql("SELECT article_id, title, strftime(date, '%Y-%m-%d') AS day, source FROM articles "
                      "ORDER BY date DESC NULLS LAST, article_id LIMIT ?", [settings.max_briefs])
    for row in articles.itertuples():
        reports.append(Report("article", row.article_id, _str(row.title) or row.article_id,
                              NOTEBOOKS["article"],
                              {"article_id": row.article_id, "store": store_arg, "site": site},
                              _page_name("article", row.article_id),
                              extra={"date": _str(row.day), "source": _str(row.source)}))
    if only:
        kinds = set(only)
        reports = [r for r in reports if r.kind in kinds]
    fingerprint_reports(st, reports, notebooks_dir=notebooks_dir)
    return reports


def fingerprint_reports(st: Store, reports: list[Report], *, notebooks_dir: Path) -> None:
    """Set each report's parts (digests of what it reads) and fingerprint (their hash).

    One DuckDB query per part and kind of report computes the digests of every key at once.
    Relative paths among the parameters (the gold file) are read from the project root, the
    parent of notebooks_dir.
    """
    plan = {r.site_key for r in reports}
    drawing = _files_digest([PACKAGE_DIR / name for name in DRAWING_CODE] + [TEMPLATES])
    common = {
        "render": RENDER_VERSION,
        "code": drawing,
        "codebook": _files_digest(_codebooks(st)),
        "corpus": str(st.meta.get("corpus") or st.path.name),
    }
    notebooks = {name: _files_digest([notebooks_dir / name]) for name in set(NOTEBOOKS.values())}
    tables = set(st.sql("SELECT table_name FROM information_schema.tables")["table_name"])
    # meta.json but when and from where it was extracted: re-extracting the same articles
    # into the same store changes no report.
    meta = {k: v for k, v in st.meta.items() if k not in ("built", "inputs")}
    digests: dict[tuple[str, str], dict[str, str]] = {}  # (kind, part) -> key -> digest
    links: dict[str, dict[str, list[str]]] = {}  # kind -> key -> site keys it may link to
    for kind in {r.kind for r in reports}:
        keys = sorted({r.key for r in reports if r.kind == kind})
        for part, query in READS[kind].items():
            if _tables_known(query, tables):
                digests[kind, part] = _rows_digests(st, query, keys)
        if kind in LINKS:
            links[kind] = _link_targets(st, LINKS[kind], keys)
    for report in reports:
        parts = {**common, "notebook": notebooks[report.notebook],
                 "parameters": _hash(json.dumps(report.parameters, sort_keys=True))}
        for part in READS[report.kind]:
            if (report.kind, part) in digests:
                parts[f"data:{part}"] = digests[report.kind, part][report.key]
        if report.kind in ("overview", "validation"):
            parts["data:meta"] = _hash(json.dumps(meta, sort_keys=True, default=str))
            targets = plan
        else:
            targets = {*links[report.kind].get(report.key, []), "overview"}
        parts["links"] = _hash("\n".join(sorted(targets & plan)))
        if report.kind == "validation":
            gold = Path(report.parameters["gold"])
            parts["gold"] = _files_digest([gold if gold.is_absolute() else notebooks_dir.parent / gold])
            parts["code"] = _hash(drawing + _files_digest([PACKAGE_DIR / n for n in VALIDATION_CODE]))
        report.parts = parts
        report.fingerprint = _hash(json.dumps(parts, sort_keys=True))


def _rows_digests(st: Store, query: str, keys: list[str]) -> dict[str, str]:
    """key -> md5 of the rows the query returns for it, as JSON lines in a stable order."""
    digest = ("SELECT md5(coalesce(string_agg(j, chr(10) ORDER BY j), '')) "
              "FROM (SELECT to_json(t)::VARCHAR AS j FROM ({query}) AS t)")
    if "$key" not in query:
        value = st.con.execute(digest.format(query=query)).fetchone()[0]
        return dict.fromkeys(keys, value)
    correlated = digest.format(query=query.replace("$key", "k.key"))
    found = st.con.execute(f"SELECT k.key, ({correlated}) FROM (SELECT unnest($keys) AS key) AS k",
                           {"keys": keys}).fetchall()
    return dict(found)


def _link_targets(st: Store, query: str, keys: list[str]) -> dict[str, list[str]]:
    """key -> the site keys ("actor:<id>", ...) the page of that key may link to."""
    correlated = query.replace("$key", "k.key")
    found = st.con.execute(f"SELECT k.key, (SELECT list(x) FROM ({correlated}) AS l(x)) "
                           "FROM (SELECT unnest($keys) AS key) AS k", {"keys": keys}).fetchall()
    return {key: [x for x in targets or [] if x] for key, targets in found}


def _tables_known(query: str, tables: set[str]) -> bool:
    used = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", query))
    return used <= tables


def _files_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha1()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".pyc" or not file.exists():
                continue
            digest.update(file.name.encode())
            digest.update(hashlib.sha1(file.read_bytes()).digest())
    return digest.hexdigest()


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _codebooks(st: Store) -> list[Path]:
    """The store's codebook and the default one (theme labels come from it)."""
    default = PACKAGE_DIR / "codebooks" / "themes.yml"
    used = Path(str(st.meta.get("codebook") or default))
    return [used, default] if used.is_file() and used != default else [default]


def _theme_labels(st: Store) -> dict[str, str]:
    """Theme id -> label, read from the store's codebook (ids when it cannot be read)."""
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(_codebooks(st)[0].read_text(encoding="utf-8"), Loader=loader)
        return {str(k): str(v.get("label") or k) for k, v in data.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return {}


def _when(value: object) -> str:
    """An ISO time stamp as "2024-07-04 10:30 UTC" (as given when it does not parse)."""
    try:
        stamp = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "at an unknown time")
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC)
        return f"{stamp:%Y-%m-%d %H:%M} UTC"
    return f"{stamp:%Y-%m-%d %H:%M}"


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


# ------------------------------------------------------------------------------ state file


def load_state(path: Path) -> dict[str, dict]:
    """Filename -> what the last build of that page recorded; {} for a missing or old file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return {}
    return {k: v for k, v in data.get("reports", {}).items() if isinstance(v, dict)}


def save_state(path: Path, state: dict[str, dict]) -> None:
    _write_atomic(path, json.dumps({"version": STATE_VERSION, "reports": state}, indent=1,
                                   sort_keys=True))


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def why_run(report: Report, previous: dict | None, out: Path, *, force: bool = False) -> str:
    """Why a report must be executed ("" when it is up to date)."""
    if force:
        return "forced"
    if not previous:
        return "new"
    if previous.get("status") != "ok":
        return "failed last time"
    if not (out / report.filename).exists():
        return "page missing"
    if previous.get("fingerprint") == report.fingerprint:
        return ""
    old = previous.get("parts") or {}
    changed = sorted(k for k in report.parts.keys() | old.keys() if report.parts.get(k) != old.get(k))
    return "changed: " + ", ".join(changed) if changed else "changed"


# ------------------------------------------------------------------------------ execution


def kernel_name() -> str:
    """The 'presslens' kernel when registered, else the default Python kernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    return "presslens" if "presslens" in KernelSpecManager().find_kernel_specs() else "python3"


@contextmanager
def _kernel_manager_class() -> Iterator[type | None]:
    """A kernel manager talking to its kernel over Unix sockets in a private folder.

    With TCP, jupyter_client picks free ports and closes them before the kernel binds them, so
    kernels started at the same time by parallel workers can collide ("Address already in
    use"); IPC sockets in a folder of their own cannot. None (the default, TCP) off POSIX.
    """
    if os.name != "posix":
        yield None
        return
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    folder = tempfile.mkdtemp(prefix="presslens-kernel-")

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return os.path.join(folder, "kernel")

    try:
        yield IPCKernelManager
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_one(report: dict, notebooks_dir: str, out_dir: str, root: str, kernel: str) -> dict:
    """Execute and render one report (in a worker process); never raises.

    Kernel start-up failures are retried (KERNEL_ATTEMPTS); an exception in a cell is not.
    """
    import papermill

    started = time.perf_counter()
    os.environ["PRESSLENS_ROOT"] = root  # notebooks resolve relative paths from here
    out = Path(out_dir)
    executed = out / "notebooks" / (Path(report["filename"]).stem + ".ipynb")
    executed.parent.mkdir(parents=True, exist_ok=True)
    executed.unlink(missing_ok=True)
    log = executed.with_suffix(".log")
    log.unlink(missing_ok=True)
    error = ""
    for attempt in range(1, KERNEL_ATTEMPTS + 1):
        try:
            with _stderr_to(log), _kernel_manager_class() as manager:
                extra = {"kernel_manager_class": manager} if manager else {}
                papermill.execute_notebook(
                    str(Path(notebooks_dir) / report["notebook"]), str(executed),
                    parameters=report["parameters"], kernel_name=kernel, cwd=root,
                    progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    **extra)
            error = ""
            break
        except papermill.PapermillExecutionError as failure:
            error = _one_line(f"{failure.ename}: {failure.evalue} (cell {failure.exec_count})")
            break
        except Exception as failure:  # the kernel did not start or died: try again
            error = _one_line(f"{type(failure).__name__}: {failure} (attempt {attempt} of "
                              f"{KERNEL_ATTEMPTS})")
            if attempt < KERNEL_ATTEMPTS:
                time.sleep(attempt)
    if log.exists() and log.stat().st_size == 0:
        log.unlink()
    try:
        render_html(executed if executed.exists() else None, out / report["filename"],
                    title=report["title"], parameters=report["parameters"], error=error)
    except Exception as failure:
        error = error or _one_line(f"rendering: {type(failure).__name__}: {failure}")
        _write_atomic(out / report["filename"], _bare_failure_page(report, error))
    return {"filename": report["filename"], "status": "failed" if error else "ok", "error": error,
            "seconds": round(time.perf_counter() - started, 2)}


@contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Send this process's stderr, and so the kernel's (which inherits it), to a log file.

    Keeps kernel chatter (jupyter_client interrupts a kernel before shutting it down, and
    ipykernel logs that) off the terminal; the log sits beside the executed notebook.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _one_line(text: str, limit: int = 400) -> str:
    text = " ".join(_strip_ansi(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def render_html(notebook_path: Path | None, html_path: Path, *, title: str = "",
                parameters: dict | None = None, error: str = "") -> None:
    """Executed notebook -> HTML: code hidden, figures embedded, nothing fetched from the network.

    With an error, the page opens with a banner (the error, the failing cell's code and its
    traceback, all escaped), and the failing cell shows its code where it ran. Without an
    executed notebook (the kernel never started) the page is the banner alone.
    """
    import nbformat
    from nbconvert import HTMLExporter

    if notebook_path is not None:
        nb = nbformat.read(notebook_path, as_version=4)
    else:
        nb = nbformat.v4.new_notebook()
    nb.cells = [c for c in nb.cells
                if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    failing = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if error and failing is None and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            failing = cell
        else:
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    if title:
        nb.metadata["title"] = f"{title} · PressLens"
    resources: dict = {}
    if error:
        traceback = ""
        if failing is not None:
            traceback = "\n".join(_strip_ansi(line) for o in failing.outputs
                                  if o.get("output_type") == "error" for line in o.get("traceback", []))
        resources["presslens"] = {"failure": {
            "error": error,
            "parameters": ", ".join(f"{k} = {v!r}" for k, v in (parameters or {}).items()),
            "source": failing.source if failing is not None else "",
            "anchor": f"cell-id={failing.id}" if failing is not None and failing.get("id") else "",
            "traceback": traceback,
            "notebook": f"notebooks/{notebook_path.name}" if notebook_path is not None else "",
        }}
    exporter = HTMLExporter(template_name="presslens", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = False  # code is hidden cell by cell above
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    _write_atomic(html_path, body)


def _bare_failure_page(report: dict, error: str) -> str:
    esc = html.escape
    return (f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{esc(report['title'])} "
            f"· failed</title><body style='font:15px/1.5 system-ui,sans-serif;max-width:60rem;"
            f"margin:auto'><p><a href='index.html'>&larr; All reports</a></p>"
            f"<h1>This report failed</h1><p><b>{esc(error)}</b></p>"
            f"<p>Parameters: {esc(json.dumps(report['parameters']))}</p></body></html>")


# ------------------------------------------------------------------------------ the site


class ReportsSummary(dict):
    """index, total, rebuilt, up_to_date, failed [(filename, error)], reports [dict], seconds."""


def build_reports(store_path: str | Path, out_dir: str | Path, *, settings: Settings | None = None,
                  workers: int | None = None, force: bool = False, gold: str | Path | None = None,
                  only: Iterable[str] | None = None,
                  progress: Callable[[Iterable, int], Iterable] | None = None) -> ReportsSummary:
    """Build (or bring up to date) every report of a store in out_dir, with an index page.

    Args:
        gold: a gold annotation file; adds the validation report.
        only: build only the reports of these kinds ("overview", "actor", ...).
        force: execute every report, whatever the state file says.
    """
    started = time.perf_counter()
    settings = settings or Settings.from_env()
    root = Path(settings.root).resolve()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    store_path = Path(store_path).resolve()
    st = open_store(store_path)
    try:
        notebooks_dir = root / "notebooks"
        if gold and not Path(gold).is_file():
            raise MissingFile(f"gold file {gold} does not exist")
        reports = plan_reports(st, notebooks_dir=notebooks_dir, store_arg=_param_path(store_path, root),
                               site=_param_path(out / SITE_FILE, root), settings=settings,
                               gold=_param_path(Path(gold), root) if gold else None, only=only)
        _write_atomic(out / SITE_FILE, json.dumps(
            {"reports": {r.site_key: r.filename for r in reports}}, indent=1))
        state_path = out / STATE_FILE
        state = load_state(state_path)
        _prune(out, state, {r.filename for r in reports})
        todo = []
        for report in reports:
            report.reason = why_run(report, state.get(report.filename), out, force=force)
            if report.reason:
                todo.append(report)
            else:
                report.status = "up to date"
                report.error = ""
        todo.sort(key=lambda r: list(NOTEBOOKS).index(r.kind))  # slowest kinds first
        if todo:
            _execute(todo, state, state_path, notebooks_dir=notebooks_dir, out=out, root=root,
                     workers=max(1, workers or settings.workers), progress=progress)
        save_state(state_path, state)
        write_index(st, reports, out / "index.html")
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


def _execute(todo: list[Report], state: dict[str, dict], state_path: Path, *, notebooks_dir: Path,
             out: Path, root: Path, workers: int,
             progress: Callable[[Iterable, int], Iterable] | None) -> None:
    """Run the reports in spawned worker processes, recording each result as it arrives."""
    kernel = kernel_name()
    context = get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
        futures = {pool.submit(run_one, asdict(r), str(notebooks_dir), str(out), str(root), kernel): r
                   for r in todo}
        done: Iterable = as_completed(futures)
        if progress is not None:
            done = progress(done, len(futures))
        try:
            for future in done:
                report = futures[future]
                try:
                    result = future.result()
                except Exception as failure:  # the worker process itself died
                    result = {"status": "failed", "seconds": 0.0,
                              "error": _one_line(f"worker: {type(failure).__name__}: {failure}")}
                report.status = "rebuilt" if result["status"] == "ok" else "failed"
                report.error, report.seconds = result["error"], result["seconds"]
                state[report.filename] = {
                    "kind": report.kind, "key": report.key, "fingerprint": report.fingerprint,
                    "parts": report.parts, "status": result["status"], "error": report.error,
                    "reason": report.reason, "seconds": report.seconds,
                    "built": datetime.now(UTC).isoformat(timespec="seconds")}
                save_state(state_path, state)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _prune(out: Path, state: dict[str, dict], planned: set[str]) -> None:
    """Remove the pages (and executed notebooks) of reports no longer in the plan."""
    for filename in sorted(set(state) - planned):
        (out / filename).unlink(missing_ok=True)
        for suffix in (".ipynb", ".log"):
            (out / "notebooks" / (Path(filename).stem + suffix)).unlink(missing_ok=True)
        del state[filename]


# ------------------------------------------------------------------------------ index page

GROUPS = [("corpus", "Corpus"), ("person", "People"), ("organization", "Organisations"),
          ("country", "Countries"), ("group", "Groups"), ("theme", "Themes"), ("article", "Articles")]
STATUS_CLASS = {"up to date": "up-to-date", "rebuilt": "rebuilt", "failed": "failed"}


def _group(report: Report) -> str:
    if report.kind in ("overview", "validation"):
        return "corpus"
    if report.kind == "actor":
        kind = report.extra.get("kind")
        return kind if kind in {"person", "organization", "country", "group"} else "group"
    return report.kind


def _entry(report: Report) -> str:
    esc = html.escape
    detail = ""
    if report.kind == "actor":
        detail = f"{report.extra.get('n_mentions', 0)} mentions"
    elif report.kind == "theme":
        detail = f"{report.extra.get('n_articles', 0)} articles"
    elif report.kind == "article":
        detail = " · ".join(x for x in (report.extra.get("date"), report.extra.get("source")) if x)
    status = report.status if report.status in STATUS_CLASS else "planned"
    tip = f' title="{esc(report.reason)}"' if report.status == "rebuilt" and report.reason else ""
    badge = f'<span class="status {STATUS_CLASS.get(status, "planned")}"{tip}>{esc(status)}</span>'
    failure = ""
    if report.status == "failed":
        failure = (f'<details class="why"><summary>why</summary><pre>{esc(report.error)}</pre>'
                   f'<a href="{esc(report.filename)}">the page shows the failing cell</a></details>')
    search = f"{report.title} {report.key}".lower()
    return (f'<li data-name="{esc(search)}" data-status="{esc(status)}">'
            f'<a href="{esc(report.filename)}">{esc(report.title)}</a> '
            f'<small>{esc(detail)}</small> {badge}{failure}</li>')


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


def write_index(st: Store, reports: list[Report], path: Path) -> None:
    """The site's front page: corpus summary, search box, reports grouped by kind, status."""
    esc = html.escape
    corpus = str(st.meta.get("corpus") or st.path.name)
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(_group(report), []).append(report)
    sections = "".join(
        f'<section data-group="{group}"><h2>{label} <small>({len(groups[group])})</small></h2>'
        f'<ul>{"".join(_entry(r) for r in groups[group])}</ul></section>'
        for group, label in GROUPS if groups.get(group))
    counts = {s: sum(r.status == s for r in reports) for s in STATUS_CLASS}
    failed = [r for r in reports if r.status == "failed"]
    run = (f"{len(reports)} reports: {counts['rebuilt']} rebuilt, {counts['up to date']} up to date, "
           f"{counts['failed']} failed; index written "
           f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}.")
    alert = ""
    if failed:
        items = "".join(f'<li><a href="{esc(r.filename)}">{esc(r.title)}</a>: {esc(r.error)}</li>'
                        for r in failed)
        alert = f'<div class="alert" role="alert"><b>{len(failed)} failed</b><ul>{items}</ul></div>'
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PressLens: {esc(corpus)}</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem;
  color: #222; }}
h1 {{ margin-bottom: .2rem; }} h2 {{ border-bottom: 1px solid #ddd; padding-bottom: .2rem; }}
h2 small {{ font-weight: normal; color: #666; }}
ul {{ columns: 2; list-style: none; padding: 0; }} li {{ break-inside: avoid; margin: .15rem 0; }}
a {{ color: #1f5fa8; text-decoration: none; }} a:hover {{ text-decoration: underline; }}
small {{ color: #666; }} #search {{ font-size: 1rem; padding: .4rem .6rem; width: 100%; max-width: 420px; }}
.status {{ font-size: 11px; border-radius: 3px; padding: 0 4px; margin-left: 4px; white-space: nowrap; }}
.up-to-date {{ background: #eef4ee; color: #386b38; }} .rebuilt {{ background: #e9f0fa; color: #1f5fa8; }}
.failed {{ background: #fbeaea; color: #a11; font-weight: bold; }} .planned {{ background: #eee; }}
details.why {{ display: inline; margin-left: 4px; font-size: 13px; }}
details.why summary {{ cursor: pointer; color: #a11; display: inline; }}
pre {{ white-space: pre-wrap; font-size: 12px; background: #faf5f5; padding: .3rem .5rem; }}
.alert {{ border-left: 4px solid #a11; background: #fbeaea; padding: .4rem .8rem; margin: .8rem 0; }}
.alert ul {{ columns: 1; }} footer {{ color: #666; font-size: 13px; margin-top: 2rem; }}
#nomatch {{ color: #666; font-style: italic; }}
</style></head><body>
<h1>PressLens: {esc(corpus)}</h1>
<p class="summary">{corpus_paragraph(st)}</p>
<p class="run">{esc(run)}</p>
{alert}
<p><input id="search" type="search" placeholder="Filter actors, themes and articles…"
  aria-label="Filter actors, themes and articles" autocomplete="off"></p>
<p id="nomatch" hidden>No report matches.</p>
{sections}
<footer>Each page is rebuilt when the notebook, the code, its parameters or the data it reads
change. Pages that were not rebuilt keep the corpus-wide comparison figures (baseline shares,
corpus tone, "N of M articles") of the run that built them; <code>presslens reports --force</code>
refreshes every page.</footer>
<script>
document.getElementById('search').addEventListener('input', function (event) {{
  var query = event.target.value.trim().toLowerCase();
  var shown = 0;
  document.querySelectorAll('section[data-group]').forEach(function (section) {{
    var visible = 0;
    section.querySelectorAll('li[data-name]').forEach(function (item) {{
      var hit = item.dataset.name.indexOf(query) !== -1;
      item.hidden = !hit;
      if (hit) {{ visible += 1; }}
    }});
    section.hidden = visible === 0;
    shown += visible;
  }});
  document.getElementById('nomatch').hidden = shown !== 0;
}});
</script>
</body></html>
"""
    _write_atomic(path, page)
