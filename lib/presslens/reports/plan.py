"""The plan of the site: which pages to build, and each page's fingerprint.

Coverage: the overview (and the validation report with a gold file); a profile for every
actor with at least `Settings.min_mentions` mentions, a report for every theme found and a
brief for every article. `Settings.top_actors/top_themes/max_briefs` cap these when set, and
pages asked for by name (`presslens reports --actor NAME`) are added whatever the threshold.

Fingerprint: a hash of the page's notebook, the library code that draws it, the codebook,
its parameters, the corpus name, the store rows it reads (READS) and which of the pages it
may link to exist (LINKS); both are declared in presslens.views.reads.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from presslens.config import PACKAGE_DIR, Settings
from presslens.errors import UserError
from presslens.store import Store
from presslens.views.reads import LINKS, READS

TEMPLATES = PACKAGE_DIR / "templates"
# Bump to rebuild every page after a change in how pages are executed or rendered.
RENDER_VERSION = "4"
NOTEBOOKS = {
    "overview": "00-corpus-overview.ipynb",
    "validation": "40-validation.ipynb",
    "actor": "10-actor-profile.ipynb",
    "theme": "20-theme-report.ipynb",
    "article": "30-article-brief.ipynb",
}
# The library code that draws the pages: changing it rebuilds them (views may be a package).
DRAWING_CODE = ("views.py", "views", "plots.py", "geo.py", "reports/render.py")
VALIDATION_CODE = ("evaluate",)


class PageRequestError(UserError):
    """A page asked for by name (--actor, --theme, --article) that the store does not hold."""


# What each page reads (READS: per page kind, named queries taking the page's key as $key) and
# may link to (LINKS) is declared once, in presslens.views.reads, for the views and for this
# fingerprint alike; a part's digest is a hash of the rows its query returns.


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



def page_name(kind: str, key: str) -> str:
    """The file name of a page: kind and key, with anything unsafe in a file name as '-'."""
    return f"{kind}-{re.sub(r'[^A-Za-z0-9._-]+', '-', key)}.html"


@dataclass(frozen=True)
class Requested:
    """Pages asked for by name, built whatever the thresholds and caps say."""

    actors: Sequence[str] = ()
    themes: Sequence[str] = ()
    articles: Sequence[str] = ()

    def __bool__(self) -> bool:
        return bool(self.actors or self.themes or self.articles)


def plan_reports(st: Store, *, notebooks_dir: Path, store_arg: str, site: str,
                 settings: Settings, gold: str | None = None,
                 only: Iterable[str] | None = None, requested: Requested = Requested(),
                 extra_keys: Iterable[str] = ()) -> list[Report]:
    """The pages to build, with their fingerprints.

    The overview; the validation report when a gold file is given; a profile for every actor
    with at least `settings.min_mentions` mentions (the `top_actors` most mentioned when set);
    every theme found (the `top_themes` in most articles when set); every article (the
    `max_briefs` newest when set). `requested` and `extra_keys` (site keys such as
    "actor:<id>", pages asked for in an earlier run) are added; `only` keeps those kinds.
    Raises PageRequestError for a requested page the store does not hold.
    """
    common = {"store": store_arg, "site": site}
    reports = [Report("overview", "overview", "Corpus overview", NOTEBOOKS["overview"],
                      dict(common), "overview.html")]
    if gold:
        reports.append(Report("validation", "validation", "Validation against gold",
                              NOTEBOOKS["validation"], {"gold": gold, **common}, "validation.html"))
    wanted: dict[str, set[str]] = {kind: set() for kind in ("actor", "theme", "article")}
    asked: dict[str, str] = {}  # site key -> "now" (asked in this run) or "before"
    for key in extra_keys:
        kind, _, value = key.partition(":")
        if kind in wanted and value:
            wanted[kind].add(value)
            asked[key] = "before"
    labels = _theme_labels(st)
    for kind, names, find in (("actor", requested.actors, _find_actor_id),
                              ("theme", requested.themes, lambda s, n: _find_theme(s, n, labels)),
                              ("article", requested.articles, _find_article)):
        for name in names:
            key = find(st, name)
            wanted[kind].add(key)
            asked[f"{kind}:{key}"] = "now"

    limit = "LIMIT $cap" if settings.top_actors else ""
    actors = st.con.execute(
        "SELECT actor_id, name, kind, n_mentions FROM actors WHERE actor_id IN "
        f"(SELECT actor_id FROM actors WHERE n_mentions >= $min "
        f" ORDER BY n_mentions DESC, n_articles DESC, name {limit}) OR list_contains($wanted, actor_id) "
        "ORDER BY n_mentions DESC, n_articles DESC, name",
        {"min": settings.min_mentions, "wanted": sorted(wanted["actor"]),
         **({"cap": settings.top_actors} if limit else {})}).df()
    for row in actors.itertuples():
        reports.append(Report("actor", row.actor_id, row.name, NOTEBOOKS["actor"],
                              {"actor": row.actor_id, **common}, page_name("actor", row.actor_id),
                              extra={"kind": row.kind, "n_mentions": int(row.n_mentions)}))
    limit = "LIMIT $cap" if settings.top_themes else ""
    themes = st.con.execute(
        "WITH counted AS (SELECT theme, count(DISTINCT article_id) AS n FROM article_themes "
        "GROUP BY theme) SELECT theme, n FROM counted WHERE theme IN "
        f"(SELECT theme FROM counted ORDER BY n DESC, theme {limit}) OR list_contains($wanted, theme) "
        "ORDER BY n DESC, theme",
        {"wanted": sorted(wanted["theme"]), **({"cap": settings.top_themes} if limit else {})}).df()
    for row in themes.itertuples():
        reports.append(Report("theme", row.theme, labels.get(row.theme, row.theme), NOTEBOOKS["theme"],
                              {"theme": row.theme, **common}, page_name("theme", row.theme),
                              extra={"n_articles": int(row.n)}))
    limit = "LIMIT $cap" if settings.max_briefs else ""
    articles = st.con.execute(
        "SELECT article_id, title, strftime(date, '%Y-%m-%d') AS day, source FROM articles "
        "WHERE article_id IN (SELECT article_id FROM articles "
        f"  ORDER BY date DESC NULLS LAST, article_id {limit}) OR list_contains($wanted, article_id) "
        "ORDER BY date DESC NULLS LAST, article_id",
        {"wanted": sorted(wanted["article"]), **({"cap": settings.max_briefs} if limit else {})}).df()
    for row in articles.itertuples():
        reports.append(Report("article", row.article_id, _str(row.title) or row.article_id,
                              NOTEBOOKS["article"], {"article_id": row.article_id, **common},
                              page_name("article", row.article_id),
                              extra={"date": _str(row.day), "source": _str(row.source)}))
    for report in reports:
        if report.site_key in asked:
            report.extra["requested"] = asked[report.site_key]
    if only:
        kinds = set(only)
        reports = [r for r in reports if r.kind in kinds]
    fingerprint_reports(st, reports, notebooks_dir=notebooks_dir)
    return reports


def _find_actor_id(st: Store, name: str) -> str:
    try:
        return str(st.find_actor(name)["actor_id"])
    except KeyError as missing:
        raise PageRequestError(f"--actor {name!r}: {str(missing).strip(chr(34) + chr(39))}; "
                               "give an actor id, canonical name or alias from the store") from None


def _find_theme(st: Store, name: str, labels: dict[str, str]) -> str:
    found = set(st.sql("SELECT DISTINCT theme FROM article_themes")["theme"])
    wanted = name.strip().lower()
    for theme in sorted(found):
        if wanted in (theme.lower(), labels.get(theme, theme).lower()):
            return theme
    known = ", ".join(sorted(found)[:12]) or "none"
    raise PageRequestError(f"--theme {name!r}: no theme of that id or label was found in the store "
                           f"{st.meta.get('corpus') or st.path.name!r} (themes found: {known})")


def _find_article(st: Store, article_id: str) -> str:
    hit = st.sql("SELECT article_id FROM articles WHERE article_id = ?", [article_id.strip()])
    if hit.empty:
        raise PageRequestError(f"--article {article_id!r}: no article of that id in the store "
                               f"{st.meta.get('corpus') or st.path.name!r} (ids are the store's "
                               "articles.article_id)")
    return str(hit["article_id"].iloc[0])


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
    """key -> digest of the rows the query returns for it: their count and the sum of their hashes.

    Summing row hashes needs no order and no text: rendering every row as JSON and sorting
    it took 17 GB on the 3,500-article Wikinews store.
    """
    digest = "SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM ({query}) AS t"
    if "$key" not in query:
        value = st.con.execute(digest.format(query=query)).fetchone()[0]
        return dict.fromkeys(keys, value)
    return _per_key(st, digest.format(query=query), keys)


def _link_targets(st: Store, query: str, keys: list[str]) -> dict[str, list[str]]:
    """key -> the site keys ("actor:<id>", ...) the page of that key may link to."""
    found = _per_key(st, f"SELECT list(x) FROM ({query}) AS l(x)", keys)
    return {key: [x for x in targets or [] if x] for key, targets in found.items()}


# Keys tried each way before choosing how to evaluate a query for all of them.
_SAMPLE_TOGETHER, _SAMPLE_APART = 48, 16
# Keys per correlated query.
_CHUNK = 256


def _per_key(st: Store, query: str, keys: list[str]) -> dict[str, object]:
    """key -> the single value `query` returns with $key bound to it.

    Either one correlated query over every key or one query per key, whichever was faster
    on a sample: DuckDB runs a correlated query whose $key sits in a nested subquery (an
    actor's co-mentions) in about 45 ms a key on 3,500 articles, where one query costs 5 ms;
    simple ones cost well under 1 ms a key together.
    """
    def together(some: list[str]) -> dict[str, object]:
        correlated = query.replace("$key", "k.key")
        sql = f"SELECT k.key, ({correlated}) FROM (SELECT unnest($keys) AS key) AS k"
        found: dict[str, object] = {}
        # DuckDB evaluates a correlated query for all its keys at once: in chunks, its memory
        # stays bounded (one query over 3,500 articles' actors took 9 GB).
        for start in range(0, len(some), _CHUNK):
            found.update(st.con.execute(sql, {"keys": some[start:start + _CHUNK]}).fetchall())
        return found

    def apart(some: list[str]) -> dict[str, object]:
        return {key: st.con.execute(query, {"key": key}).fetchone()[0] for key in some}

    if len(keys) <= 4 * (_SAMPLE_TOGETHER + _SAMPLE_APART):
        return together(keys)
    first, second = keys[:_SAMPLE_TOGETHER], keys[_SAMPLE_TOGETHER:_SAMPLE_TOGETHER + _SAMPLE_APART]
    started = time.perf_counter()
    found = together(first)
    each_together = (time.perf_counter() - started) / len(first)
    started = time.perf_counter()
    found.update(apart(second))
    each_apart = (time.perf_counter() - started) / len(second)
    rest = keys[len(first) + len(second):]
    found.update(apart(rest) if each_apart < each_together else together(rest))
    return found


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

    from presslens.lexicons import yaml_data

    try:
        data = yaml_data(_codebooks(st)[0].read_text(encoding="utf-8"))
        return {str(k): str(v.get("label") or k) for k, v in data.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


