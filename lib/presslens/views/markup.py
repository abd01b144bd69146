"""Shared HTML: links to other pages of the site, the page header and contents, cards and
marked-up sentences, and the table rows several pages share (quotes, actors)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from presslens.config import PACKAGE_DIR, project_root
from presslens.store import Store
from presslens.views.common import (
    NO_SOURCE,
    _attrs,
    _date,
    _empty,
    _missing,
    _plural,
    _seen,
    _text,
    _theme_label,
    _with_source,
    date_range,
    resolve_actor,
    resolve_article,
    resolve_theme,
)
from presslens.views.reads import read

# The page stylesheet: site pages link it from the site's assets, standalone pages embed it.
STYLESHEET = PACKAGE_DIR / "templates" / "presslens" / "static" / "presslens.css"


@lru_cache(maxsize=16)
def _read_site(path: str, mtime_ns: int) -> dict[str, str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    reports = data.get("reports", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in reports.items() if v}


def load_site(site: str | Path) -> dict[str, str]:
    """Report key -> page of the site map at `site`; {} when site is "" or the file is missing.

    A relative path is tried from the working directory, then from the project root.
    """
    if not site:
        return {}
    path = Path(site)
    if not path.is_absolute() and not path.exists():
        path = project_root() / path
    if not path.is_file():
        return {}
    return _read_site(str(path.resolve()), path.stat().st_mtime_ns)


def report_href(key: str, site: str | Path) -> str | None:
    """The page for report `key` ("actor:<id>", "theme:<id>", ...) or None when not in the site."""
    return load_site(site).get(key)


def link(key: str, text: object, site: str | Path, *, title: str | None = None) -> str:
    """Escaped `text`, wrapped in a link to report `key` when the site has it."""
    label = html.escape(_text(text))
    href = report_href(key, site)
    if href is None:
        return label
    tip = f' title="{html.escape(title)}"' if title else ""
    return f'<a href="{html.escape(href)}"{tip}>{label}</a>'


def _links(link, keys: Iterable, texts: Iterable, site: str | Path) -> list[str]:
    """`link(key, text, site)` for each pair: a column of links for a table."""
    return [link(key, text, site) for key, text in zip(keys, texts, strict=True)]


def actor_link(actor_id: str, name: str, site: str | Path) -> str:
    """The actor's name, linked to their profile when it is part of the site; a side with
    no actor (null id, e.g. NOT_NAMED) is plain text."""
    if not isinstance(actor_id, str):
        return html.escape(_text(name))
    return link(f"actor:{actor_id}", name, site)


def theme_link(theme: str, site: str | Path, label: str | None = None) -> str:
    """The theme's label (its id when unknown), linked to its report when part of the site."""
    return link(f"theme:{theme}", label or _theme_label(theme), site)


def article_link(article_id: str, title: str | None, site: str | Path) -> str:
    """The article's title (its id when untitled), linked to its brief when part of the site."""
    return link(f"article:{article_id}", title or article_id, site)


def header(st: Store, title: str, params: Mapping[str, object], site: str | Path = "") -> str:
    """The banner every report starts with.

    Shows the report title, corpus name, the page's own scope (the articles it is about:
    how many, their dates and sources), when the page was built, links back to the index
    and the overview when the page is part of a site, and the parameters.

    The scope is that of the actor, theme or article named in `params`; pages about the
    whole corpus (or whose subject cannot be resolved) show the corpus. Keeping corpus-wide
    counts off subject pages lets the report runner leave them alone when unrelated
    articles are added.

    Outside a site (`site=""`: a notebook run by hand, JupyterLab) the banner brings the
    page stylesheet along; site pages link it once from the site's assets.
    """
    meta = st.meta
    facts = [
        f"corpus <b>{html.escape(_text(meta.get('corpus') or st.path.name))}</b>",
        *_scope(st, params),
        f"built {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}".rstrip(),
    ]
    nav = ""
    if site:
        items = ['<a href="index.html">&larr; All reports</a>']
        overview = report_href("overview", site)
        if overview and "overview" not in title.lower():
            items.append(f'<a href="{html.escape(overview)}">Corpus overview</a>')
        nav = f'<div class="pl-nav">{" &middot; ".join(items)}</div>'
    shown = " ".join(
        f"<code>{html.escape(str(k))} = {html.escape(repr(v))}</code>" for k, v in params.items()
    )
    style = "" if site else f"<style>{stylesheet()}</style>"
    return (
        f'{style}<div class="pl-header">'
        f"{nav}"
        f'<div class="pl-title">PressLens &middot; {html.escape(title)}</div>'
        f'<div>{" &middot; ".join(facts)}</div>'
        + (f'<div class="pl-muted">Parameters: {shown}</div>' if shown else "")
        + "</div>"
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The page stylesheet (templates/presslens/static/presslens.css) the views' classes need."""
    return STYLESHEET.read_text(encoding="utf-8")


def _scope(st: Store, params: Mapping[str, object]) -> list[str]:
    """Header facts (escaped HTML) about the articles a page covers; the corpus by default."""
    articles, scope = None, ""
    try:
        if params.get("actor"):
            scope = "named in "
            actor_id = resolve_actor(st, str(params["actor"]))["actor_id"]
            ids = read(st, "actor", "mentions", actor_id)["article_id"]
            articles = read(st, "actor", "articles", actor_id)
            articles = _with_source(articles[articles["article_id"].isin(ids)])
        elif params.get("theme"):
            scope = "found in "
            theme = resolve_theme(st, str(params["theme"])).id
            ids = read(st, "theme", "article_themes", theme)["article_id"]
            articles = read(st, "theme", "articles", theme)
            articles = _with_source(articles[articles["article_id"].isin(ids)])
        elif params.get("article_id"):
            art = resolve_article(st, str(params["article_id"]))
            return [html.escape(_date(art["date"]) or "undated"),
                    html.escape(_text(art["source"]) or NO_SOURCE)]
    except KeyError:
        articles = None
    if articles is None:
        n = int(st.meta.get("n_articles") or 0)
        rejected = int(st.meta.get("n_rejected") or 0)
        return [_plural(n, "article") + (f" ({rejected} rejected)" if rejected else ""),
                html.escape(date_range(st)),
                _plural(len(st.meta.get("sources") or []), "source")]
    dates = articles["date"].dropna()
    return [scope + _plural(len(articles), "article"),
            html.escape(_seen(dates.min(), dates.max()) if len(dates) else "undated"),
            _plural(articles["source"].nunique(), "source")]


def section_anchor(section: str) -> str:
    """The id JupyterLab and nbconvert give a markdown heading: its text, spaces as hyphens."""
    return section.strip().replace(" ", "-")


def toc(sections: Sequence[str]) -> str:
    """A short table of contents linking to the notebook's markdown headings of these names."""
    items = "".join(
        f'<li><a href="#{html.escape(section_anchor(s))}">{html.escape(s)}</a></li>'
        for s in sections
    )
    return (
        f'<nav class="pl-toc"><b>Contents</b><ol>{items}</ol></nav>'
    )


def note(text: str) -> str:
    """A short escaped remark in muted type (for empty results and caveats)."""
    return f'<p class="pl-note">{html.escape(text)}</p>'


def _card(title_html: str, fields: Sequence[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>"
        for k, v in fields)
    return (
        f'<div class="pl-card"><div class="pl-title">{title_html}</div>'
        f'<table class="pl-fields">{rows}</table></div>'
    )


def _marked_sentence(text: str, start: int, end: int, spans: Iterable[tuple[int, int]], *,
                     title: str = "") -> str:
    """text[start:end] escaped and stripped, with the given spans wrapped in <mark>."""
    start, end = int(start), int(end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    out, pos = [], start
    for s, e in sorted((max(int(s), start), min(int(e), end)) for s, e in spans):
        if s < pos or e <= s:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f'<mark class="pl-term" title="{html.escape(title)}">{html.escape(text[s:e])}</mark>')
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def _underlined(text: str, start: int, end: int, spans: Sequence[tuple[int, int, str]]) -> str:
    """text[start:end] escaped, with theme spans (which may overlap anything) underlined."""
    if start >= end:
        return ""
    inside = [(max(s, start), min(e, end), label) for s, e, label in spans
              if s < end and e > start]
    if not inside:
        return html.escape(text[start:end])
    cuts = sorted({start, end, *(s for s, _, _ in inside), *(e for _, e, _ in inside)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[a:b])
        labels = sorted({label for s, e, label in inside if s <= a and e >= b})
        if labels:
            piece = f'<span class="pl-theme" title="{html.escape(", ".join(labels))}">{piece}</span>'
        out.append(piece)
    return "".join(out)


def _quote_table(quotes: pd.DataFrame, articles: pd.DataFrame, actors: pd.DataFrame, *,
                 site: str | Path, speaker: bool, newest_first: bool = True) -> pd.DataFrame:
    """Quotes as table rows; `articles` (date, source, title) and `actors` (name) are indexed
    by id and cover the quotes' articles and speakers."""
    # Per actor: when and where, with a link to the brief; per article: who said it.
    columns = (["speaker", "cue", "statement", "direct"] if speaker else
               ["date", "source", "cue", "statement", "direct", "article", "article_id"])
    if quotes.empty:
        return _empty(columns)
    quotes = quotes.assign(date=quotes["article_id"].map(articles["date"]),
                           source=quotes["article_id"].map(articles["source"]),
                           title=quotes["article_id"].map(articles["title"]))
    if newest_first:
        quotes = quotes.sort_values(["date", "article_id", "start"],
                                    ascending=[False, True, True], na_position="last")
    else:
        quotes = quotes.sort_values("start")
    direct = quotes["direct"].astype(bool)
    statements = [f"“{_text(c)}”" if d else _text(c)
                  for c, d in zip(quotes["content"], direct, strict=True)]
    speakers = [
        actor_link(a, actors["name"].get(a, a), site) if not _missing(a)
        else html.escape(_text(t) or "unknown")
        for a, t in zip(quotes["speaker_actor_id"], quotes["speaker_text"], strict=True)
    ]
    out = pd.DataFrame({
        "date": quotes["date"].values,
        "source": quotes["source"].values,
        "speaker": speakers,
        "cue": quotes["cue"].values,
        "statement": statements,
        "direct": direct.values,
        "article": _links(article_link, quotes["article_id"], quotes["title"], site),
        "article_id": quotes["article_id"].values,
    })
    return _attrs(out[columns], html=["speaker", "article"], hide=["article_id"])


def _actor_counts(actors: pd.DataFrame, table: pd.DataFrame, site: str | Path) -> pd.DataFrame:
    """Rows of actors (indexed by actor_id in `table`) with name, kind, link and their
    sentence and article counts; `actors` (name, kind) is indexed by actor_id."""
    out = pd.DataFrame({
        "actor_id": table.index,
        "name": table.index.map(actors["name"]),
        "kind": table.index.map(actors["kind"]),
        "sentences": table["sentences"].astype("int64").values,
        "articles": table["articles"].astype("int64").values,
    })
    out["actor"] = _links(actor_link, out["actor_id"], out["name"], site)
    return out
