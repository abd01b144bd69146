"""What the report notebooks show: tables and HTML built from a store, plus page furniture.

Every function takes a `Store` (and parameters) and returns a DataFrame or an HTML string;
nothing here reads files other than the store and the site map, and only `show_*` display.

Frames meant for a table and a plot at once keep plain columns for plotting (actor_id, name,
...) and add HTML link columns for display. `df.attrs["html"]` names the columns that are
already HTML and `df.attrs["hide"]` the plain ones `show_table` leaves out; every other cell
is escaped when shown. Every string that comes from an article, a name or a parameter is
passed through `html.escape` before it becomes HTML.

Links: `site` is the path of the JSON site map written by the report runner,
`{"reports": {"overview": "overview.html", "actor:<id>": ..., "theme:<id>": ...,
"article:<id>": ...}}`. A name becomes a link only when its report is in the map; with
`site=""` everything is plain text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from presslens.codebook import Theme, load_codebook
from presslens.config import project_root
from presslens.store import Store

KINDS = ("person", "organization", "country", "group")
KIND_LABELS = {"person": "People", "organization": "Organisations", "country": "Countries",
               "group": "Groups"}
# Light backgrounds for highlighted mentions; same hues as plots.KIND_COLORS.
KIND_BACKGROUNDS = {"person": "#fde3b0", "organization": "#cfe3f6", "country": "#d3efd0",
                    "group": "#e8d9f3"}
THEME_UNDERLINE = "#c0392b"
NO_SOURCE = "(no source)"
LONG_TABLE = 15  # more rows than this get an interactive (searchable, paged) table
PERCENT_COLUMNS = frozenset({"share", "baseline"})  # fractions shown as percentages

# --------------------------------------------------------------------------- site and links


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
    """The actor's name, linked to their profile when it is part of the site."""
    return link(f"actor:{actor_id}", name, site)


def theme_link(theme: str, site: str | Path, label: str | None = None) -> str:
    """The theme's label (its id when unknown), linked to its report when part of the site."""
    return link(f"theme:{theme}", label or _theme_label(theme), site)


def article_link(article_id: str, title: str | None, site: str | Path) -> str:
    """The article's title (its id when untitled), linked to its brief when part of the site."""
    return link(f"article:{article_id}", title or article_id, site)


# ------------------------------------------------------------------------ page furniture


def header(st: Store, title: str, params: Mapping[str, object], site: str | Path = "") -> str:
    """The banner every report starts with.

    Shows the report title, corpus name, the page's own scope (the articles it is about:
    how many, their dates and sources), when the page was built, links back to the index
    and the overview when the page is part of a site, and the parameters.

    The scope is that of the actor, theme or article named in `params`; pages about the
    whole corpus (or whose subject cannot be resolved) show the corpus. Keeping corpus-wide
    counts off subject pages lets the report runner leave them alone when unrelated
    articles are added.
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
        nav = f'<div style="margin-bottom:.3rem">{" &middot; ".join(items)}</div>'
    shown = " ".join(
        f"<code>{html.escape(str(k))} = {html.escape(repr(v))}</code>" for k, v in params.items()
    )
    return (
        '<div class="pl-header" style="font:14px/1.5 system-ui,sans-serif;border-left:4px solid '
        '#1f5fa8;background:#f5f8fc;padding:.6rem .9rem;margin:.2rem 0 .8rem">'
        f"{nav}"
        f'<div style="font-size:17px;font-weight:600">PressLens &middot; {html.escape(title)}</div>'
        f'<div>{" &middot; ".join(facts)}</div>'
        + (f'<div style="color:#555">Parameters: {shown}</div>' if shown else "")
        + "</div>"
    )


def _scope(st: Store, params: Mapping[str, object]) -> list[str]:
    """Header facts (escaped HTML) about the articles a page covers; the corpus by default."""
    articles, scope = None, ""
    try:
        if params.get("actor"):
            scope = "named in "
            actor_id = resolve_actor(st, str(params["actor"]))["actor_id"]
            ids = st.sql("SELECT DISTINCT article_id FROM mentions WHERE actor_id = ?", [actor_id])
            articles = _articles(st)
            articles = articles[articles["article_id"].isin(ids["article_id"])]
        elif params.get("theme"):
            scope = "found in "
            theme = resolve_theme(st, str(params["theme"])).id
            ids = st.sql("SELECT DISTINCT article_id FROM article_themes WHERE theme = ?", [theme])
            articles = _articles(st)
            articles = articles[articles["article_id"].isin(ids["article_id"])]
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
        '<nav class="pl-toc" style="font:14px/1.5 system-ui,sans-serif;margin:.2rem 0 1rem">'
        f'<b>Contents</b><ol style="margin:.2rem 0 0 1.2rem;padding:0">{items}</ol></nav>'
    )


def note(text: str) -> str:
    """A short escaped remark in muted type (for empty results and caveats)."""
    return f'<p class="pl-note" style="color:#555;font-style:italic">{html.escape(text)}</p>'


# ------------------------------------------------------------------------------ display


_TABLES_READY = False


def init_tables() -> None:
    """Embed the itables (DataTables) library in the notebook so tables work offline."""
    global _TABLES_READY
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)
    _TABLES_READY = True


def show_html(markup: str) -> None:
    """Display an HTML string produced by this module."""
    from IPython.display import HTML, display

    display(HTML(markup))


def show_table(df: pd.DataFrame, *, empty: str = "Nothing to show.", long: int = LONG_TABLE,
               caption: str | None = None) -> None:
    """Display a view's frame: a plain table when short, an interactive one when long.

    Cells are escaped except the columns in df.attrs["html"] (already-escaped links);
    columns in df.attrs["hide"] are left out. An empty frame displays `empty` instead.
    """
    if df is None or df.empty:
        show_html(note(empty))
        return
    if len(df) <= long:
        show_html(table_html(df, caption=caption))
        return
    if not _TABLES_READY:
        init_tables()
    show_html(interactive_table_html(df, caption=caption))


def interactive_table_html(df: pd.DataFrame, *, caption: str | None = None) -> str:
    """An itables (DataTables) table of a view's frame, searchable and paged.

    Uses the library embedded by init_tables() (offline mode), never a CDN; cells are
    escaped as in show_table, so allow_html only lets our own links through.
    """
    import itables

    frame = _display_frame(df)
    kinds = frame.attrs["kinds"]
    # Table cells ignore min-width; give long-text columns a share of the width instead.
    wide = f"{max(20, 45 // max(kinds.count('wide'), 1))}%"
    defs = [{"className": f"dt-{'right' if kind == 'number' else 'left'} pl-{kind}",
             "targets": [i], **({"width": wide} if kind == "wide" else {})}
            for i, kind in enumerate(kinds)]
    return itables.to_html_datatable(
        frame, caption=caption, allow_html=True, connected=False, showIndex=False,
        maxBytes="4MB", pageLength=10, lengthMenu=[10, 25, 50, 100],
        classes="display compact", style="width:100%;margin:0", order=[],
        columnDefs=defs, autoWidth=False)


def table_html(df: pd.DataFrame, *, caption: str | None = None) -> str:
    """A plain HTML table of a view's frame, cells escaped as in show_table."""
    frame = _display_frame(df)
    styles = [_CELL_STYLES[kind] for kind in frame.attrs["kinds"]]
    head = "".join(
        f'<th style="{style}">{c}</th>' for c, style in zip(frame.columns, styles, strict=True)
    )
    rows = "".join(
        "<tr>" + "".join(
            f'<td style="{style};vertical-align:top">{v}</td>'
            for v, style in zip(row, styles, strict=True)
        ) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="dataframe pl-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Hidden columns dropped, every non-HTML cell escaped, headers readable."""
    html_cols = set(df.attrs.get("html", ()))
    hide = set(df.attrs.get("hide", ()))
    out = pd.DataFrame(index=range(len(df)))
    kinds = []
    for col in df.columns:
        if col in hide:
            continue
        values = df[col].reset_index(drop=True)
        label = html.escape(str(col).replace("_", " "))
        kinds.append(_column_kind(values))
        if col in html_cols:
            out[label] = values.map(lambda v: "" if _missing(v) else str(v)).astype(object)
        elif pd.api.types.is_bool_dtype(values):
            out[label] = values.map(lambda v: "yes" if v else "no").astype(object)
        elif pd.api.types.is_integer_dtype(values):
            out[label] = values
        elif pd.api.types.is_float_dtype(values) and col in PERCENT_COLUMNS:
            out[label] = values.map(_percent).astype(object)
        elif pd.api.types.is_float_dtype(values):
            out[label] = values.round(2)
        else:
            out[label] = values.map(_cell).astype(object)
    out.attrs["kinds"] = kinds
    return out


# How each kind of column is aligned and wrapped: numbers right, dates kept on one line,
# long text given room so that rows do not grow tall and thin.
_CELL_STYLES = {"number": "text-align:right", "date": "text-align:left;white-space:nowrap",
                "text": "text-align:left", "wide": "text-align:left;width:40%"}
_TAG = re.compile(r"<[^>]*>")


def _column_kind(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "text"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    lengths = values.dropna().map(lambda v: len(_TAG.sub("", str(v))))
    return "wide" if len(lengths) and lengths.mean() > 60 else "text"


def _percent(value: object) -> str:
    if _missing(value):
        return ""
    v = float(value)
    return f"{v:.0%}" if v >= 0.1 or v == 0 else f"{v:.1%}"


def _cell(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp | datetime):  # kept on one line in narrow columns
        return f'<span style="white-space:nowrap">{value.strftime("%Y-%m-%d")}</span>'
    if isinstance(value, list | tuple | np.ndarray):
        return html.escape("; ".join(_text(v) for v in value))
    if isinstance(value, float):
        return f"{value:.2f}"
    return html.escape(_text(value))


# ------------------------------------------------------------------------------ corpus


def date_range(st: Store) -> str:
    """"2021-02-15 to 2021-08-27", or a note that the articles carry no dates."""
    first, last = st.meta.get("date_min"), st.meta.get("date_max")
    if not first:
        return "no dated articles"
    return first if first == last else f"{first} to {last}"


def corpus_summary(st: Store) -> pd.DataFrame:
    """What is in the store: articles, sources, dates and the size of every layer."""
    articles = st.table("articles")
    actors = st.table("actors")
    by_kind = actors["kind"].value_counts()
    rows = [
        ("Corpus", _text(st.meta.get("corpus") or st.path.name)),
        ("Articles", f"{len(articles):,}"),
        ("Rejected inputs", f"{int(st.meta.get('n_rejected') or 0):,}"),
        ("Sources", f"{articles['source'].nunique():,}"),
        ("Dates", date_range(st)),
        ("Undated articles", f"{int(articles['date'].isna().sum()):,}"),
        ("Words", f"{int(articles['n_words'].sum()):,}"),
        ("Sentences", f"{_count(st, 'sentences'):,}"),
        ("Actors", ", ".join(f"{int(by_kind.get(k, 0)):,} {KIND_LABELS[k].lower()}"
                             for k in KINDS)),
        ("Actor mentions", f"{_count(st, 'mentions'):,}"),
        ("Theme hits", f"{_count(st, 'themes'):,}"),
        ("Quotes", f"{_count(st, 'quotes'):,}"),
        ("Interactions", f"{_count(st, 'interactions'):,}"),
        ("Model", _text(st.meta.get("model"))),
        ("Built", _when(st.meta.get("built"))),
    ]
    return pd.DataFrame(rows, columns=["", "value"])


def sources(st: Store) -> pd.DataFrame:
    """Per source: articles, words and the first and last date."""
    articles = _articles(st)
    if articles.empty:
        return _empty(["source", "articles", "words", "first", "last"])
    table = articles.groupby("source", sort=False).agg(
        articles=("article_id", "size"), words=("n_words", "sum"),
        first=("date", "min"), last=("date", "max"))
    return table.sort_values("articles", ascending=False).reset_index()


def articles_over_time(st: Store, freq: str = "auto") -> pd.DataFrame:
    """Articles per period and source (zeros filled in); undated articles are left out.

    Args:
        freq: "D", "W", "MS", "QS", "YS", or "auto" (weeks for a few months, else months,
            quarters or years).

    Returns:
        Columns period (start of the period), source, articles.
    """
    articles = _articles(st).dropna(subset=["date"])
    if articles.empty:
        return _empty(["period", "source", "articles"])
    articles["period"] = _period(articles["date"], _freq(articles["date"], freq))
    counts = articles.groupby(["period", "source"]).size().unstack(fill_value=0)
    counts = counts.reindex(_all_periods(articles["date"], freq), fill_value=0)
    counts.index.name = "period"
    return counts.stack().rename("articles").reset_index()


def undated_count(st: Store) -> int:
    """How many articles carry no date (they are left out of every over-time view)."""
    return int(st.table("articles")["date"].isna().sum())


def top_actors(st: Store, n: int = 15, *, kind: str | None = None, by_kind: bool = False,
               site: str | Path = "") -> pd.DataFrame:
    """The most mentioned actors: overall, of one kind, or the top n of every kind.

    Returns:
        Columns actor_id, name, actor (link), kind, country, mentions, articles, tone.
    """
    actors = st.table("actors")
    if kind is not None:
        actors = actors[actors["kind"] == kind]
    actors = actors.sort_values(["n_mentions", "n_articles", "name"],
                                ascending=[False, False, True])
    if by_kind:
        actors = actors.groupby("kind", sort=False).head(n)
        actors = actors.assign(_k=actors["kind"].map({k: i for i, k in enumerate(KINDS)}))
        actors = actors.sort_values(["_k", "n_mentions"], ascending=[True, False])
    else:
        actors = actors.head(n)
    out = pd.DataFrame({
        "actor_id": actors["actor_id"],
        "name": actors["name"],
        "actor": _links(actor_link, actors["actor_id"], actors["name"], site),
        "kind": actors["kind"],
        "country": actors["country"],
        "mentions": actors["n_mentions"].astype("int64"),
        "articles": actors["n_articles"].astype("int64"),
        "tone": actors["tone"].astype("float64"),
    }).reset_index(drop=True)
    return _attrs(out, html=["actor"], hide=["actor_id", "name"])


def actor_trends(st: Store, n: int = 12, freq: str = "auto") -> pd.DataFrame:
    """Mentions per period of the n most mentioned actors, for a rises-and-falls heatmap.

    Returns:
        Columns period, actor_id, name, kind, mentions (zeros filled in). Empty when the
        dated articles fall in fewer than two periods.
    """
    articles = _articles(st).dropna(subset=["date"])
    columns = ["period", "actor_id", "name", "kind", "mentions"]
    if articles.empty:
        return _empty(columns)
    freq = _freq(articles["date"], freq)
    top = top_actors(st, n)[["actor_id", "name", "kind"]]
    mentions = st.table("mentions")
    mentions = mentions[mentions["actor_id"].isin(top["actor_id"])]
    mentions = mentions.merge(articles[["article_id", "date"]], on="article_id")
    if mentions.empty:
        return _empty(columns)
    mentions["period"] = _period(mentions["date"], freq)
    periods = _all_periods(articles["date"], freq)
    if len(periods) < 2:
        return _empty(columns)
    grid = mentions.groupby(["period", "actor_id"]).size().unstack(fill_value=0)
    grid = grid.reindex(index=periods, columns=top["actor_id"], fill_value=0)
    grid.index.name = "period"
    long = grid.stack().rename("mentions").reset_index()
    return long.merge(top, on="actor_id")[columns]


def top_themes(st: Store, *, site: str | Path = "") -> pd.DataFrame:
    """Every codebook theme found: articles carrying it, share of the corpus, hits.

    Returns:
        Columns theme_id, label, theme (link), articles, share (of all articles), sentences,
        hits, latest (date), highest first.
    """
    per_article = st.table("article_themes")
    n_articles = max(int(st.meta.get("n_articles") or 0), 1)
    if per_article.empty:
        return _empty(["theme", "label", "articles", "share", "sentences", "hits"])
    articles = _articles(st)[["article_id", "date"]]
    table = per_article.merge(articles, on="article_id", how="left").groupby("theme").agg(
        articles=("article_id", "nunique"), sentences=("n_sentences", "sum"),
        hits=("n_hits", "sum"), latest=("date", "max"))
    table = table.sort_values(["articles", "hits"], ascending=False).reset_index()
    out = pd.DataFrame({
        "theme_id": table["theme"],
        "label": table["theme"].map(_theme_label),
        "theme": [theme_link(t, site) for t in table["theme"]],
        "articles": table["articles"].astype("int64"),
        "share": (table["articles"] / n_articles).round(3),
        "sentences": table["sentences"].astype("int64"),
        "hits": table["hits"].astype("int64"),
        "latest": table["latest"],
    })
    return _attrs(out, html=["theme"], hide=["theme_id", "label"])


def theme_share_by_source(st: Store) -> pd.DataFrame:
    """Share of each source's articles that carry each theme.

    Returns:
        Columns source, theme, label, articles (with the theme), share.
    """
    per_article = st.table("article_themes")
    articles = _articles(st)
    if per_article.empty or articles.empty:
        return _empty(["source", "theme", "label", "articles", "share"])
    totals = articles.groupby("source").size()
    hits = per_article.merge(articles[["article_id", "source"]], on="article_id")
    table = hits.groupby(["source", "theme"])["article_id"].nunique().rename("articles")
    table = table.reset_index()
    table["share"] = (table["articles"] / table["source"].map(totals)).astype("float64")
    table["label"] = table["theme"].map(_theme_label)
    return table[["source", "theme", "label", "articles", "share"]]


def candidate_themes(st: Store, *, n_topics: int = 8, site: str | Path = "") -> pd.DataFrame:
    """Topics in the sentences no codebook theme covers: suggestions for new themes.

    Returns:
        Columns topic, sentences (how many lean on it), top terms, example (sentence), article
        (link), plus plain top_terms and article_id. Empty for tiny or fully covered corpora.
    """
    from presslens.extract.discovery import candidate_themes as discover

    found = discover(st.table("sentences"), st.table("themes"), n_topics=n_topics)
    if found.empty:
        return found
    titles = _titles(st)
    out = pd.DataFrame({
        "topic": found["topic"] + 1,
        "sentences": found["n_sentences"].astype("int64"),
        "top terms": found["top_terms"].map(", ".join),
        "example": found["example_sentence"],
        "article": [article_link(a, titles.get(a), site) for a in found["article_id"]],
        "article_id": found["article_id"],
    })
    return _attrs(out, html=["article"], hide=["article_id"])


# ------------------------------------------------------------------------ interactions


def interactions(st: Store, *, include_negated: bool = False) -> pd.DataFrame:
    """The interactions table with names, kinds and the article date and source joined."""
    table = st.table("interactions")
    if not include_negated and not table.empty:
        table = table[~table["negated"].astype(bool)]
    names = st.table("actors").set_index("actor_id")
    articles = _articles(st).set_index("article_id")
    table = table.assign(
        source_name=table["source_actor_id"].map(names["name"]),
        target_name=table["target_actor_id"].map(names["name"]),
        source_kind=table["source_actor_id"].map(names["kind"]),
        target_kind=table["target_actor_id"].map(names["kind"]),
        date=table["article_id"].map(articles["date"]),
        source=table["article_id"].map(articles["source"]),
        title=table["article_id"].map(articles["title"]),
    )
    return table.reset_index(drop=True)


def interaction_pairs(st: Store, n: int = 20, *, site: str | Path = "") -> pd.DataFrame:
    """The most frequent directed pairs (who acts on whom), negated events left out.

    Returns:
        Columns source_actor_id, target_actor_id, from, to (links), events (counts by PLOVER
        type), interactions, articles, example (a sentence).
    """
    table = interactions(st)
    columns = ["source_actor_id", "target_actor_id", "source_name", "target_name",
               "from", "to", "events", "interactions", "articles", "example"]
    if table.empty:
        return _empty(columns)
    rows = []
    for (src, tgt), group in table.groupby(["source_actor_id", "target_actor_id"]):
        types = group["event_type"].value_counts()
        rows.append({
            "source_actor_id": src, "target_actor_id": tgt,
            "source_name": group["source_name"].iloc[0],
            "target_name": group["target_name"].iloc[0],
            "from": actor_link(src, group["source_name"].iloc[0], site),
            "to": actor_link(tgt, group["target_name"].iloc[0], site),
            "events": ", ".join(f"{t} ×{c}" for t, c in types.items()),
            "interactions": len(group),
            "articles": group["article_id"].nunique(),
            "example": _text(group.sort_values("date", ascending=False)["text"].iloc[0]),
        })
    out = pd.DataFrame(rows, columns=columns).sort_values(
        ["interactions", "articles"], ascending=False).head(n).reset_index(drop=True)
    return _attrs(out, html=["from", "to"],
                  hide=["source_actor_id", "target_actor_id", "source_name", "target_name"])


def interaction_graph(st: Store, *, max_nodes: int = 40, min_count: int = 1) -> nx.DiGraph:
    """Actors as nodes, interactions as directed edges (negated events left out).

    Nodes carry name, kind, mentions; edges carry count, event_type (the most frequent
    PLOVER type between the pair) and types (count per type). Only the max_nodes actors
    with the most interactions are kept, and edges seen at least min_count times.
    """
    graph = nx.DiGraph()
    table = interactions(st)
    if table.empty:
        return graph
    edges = table.groupby(["source_actor_id", "target_actor_id"])
    degree = pd.concat([table["source_actor_id"], table["target_actor_id"]]).value_counts()
    keep = set(degree.head(max_nodes).index)
    actors = st.table("actors").set_index("actor_id")
    for (src, tgt), group in edges:
        if len(group) < min_count or src not in keep or tgt not in keep:
            continue
        types = group["event_type"].value_counts()
        graph.add_edge(src, tgt, count=len(group), event_type=str(types.index[0]),
                       types={str(k): int(v) for k, v in types.items()})
    for node in graph.nodes:
        row = actors.loc[node] if node in actors.index else None
        graph.nodes[node].update(
            name=_text(row["name"]) if row is not None else node,
            kind=_text(row["kind"]) if row is not None else "group",
            mentions=int(row["n_mentions"]) if row is not None else 1,
        )
    return graph


# ---------------------------------------------------------------------------- actors


def resolve_actor(st: Store, actor: str) -> pd.Series:
    """The actor row for an id, canonical name or alias; KeyError with suggestions if none."""
    return st.find_actor(actor)


def actor_card(st: Store, actor: str, site: str | Path = "") -> str:
    """Who the actor is: name, kind, country, roles with first and last date seen, aliases,
    articles and mentions, mean tone."""
    row = resolve_actor(st, actor)
    roles = actor_roles(st, row["actor_id"])
    role_items = "".join(
        f"<li>{html.escape(_text(r.role))}"
        + (f" ({html.escape(country_name(r.country))})" if not _missing(r.country) else "")
        + f' <span style="color:#666">{html.escape(_seen(r.first_seen, r.last_seen))}, '
        + f"{_plural(r.articles, 'article')}</span></li>"
        for r in roles.itertuples()
    ) or "<li>none found</li>"
    aliases = ", ".join(html.escape(_text(a)) for a in _as_list(row["aliases"])) or "none"
    articles = _articles(st)
    seen = st.table("mentions")
    dates = articles[articles["article_id"].isin(
        seen.loc[seen["actor_id"] == row["actor_id"], "article_id"])]["date"].dropna()
    fields = [
        ("Kind", html.escape(_text(row["kind"]))),
        ("Country", html.escape(country_name(row["country"])) if not _missing(row["country"])
         else "unknown"),
        ("Roles and titles", f'<ul style="margin:0;padding-left:1.1rem">{role_items}</ul>'),
        ("Also called", aliases),
        ("Articles", f"{int(row['n_articles']):,} of {len(articles):,}"),
        ("Mentions", f"{int(row['n_mentions']):,}"),
        ("Seen", html.escape(_seen(dates.min(), dates.max()) if len(dates) else "undated")),
        ("Mean tone", _tone_text(row["tone"])),
    ]
    return _card(link(f"actor:{row['actor_id']}", row["name"], site), fields)


def actor_roles(st: Store, actor_id: str) -> pd.DataFrame:
    """Roles and titles the actor is given, with first and last date seen and article count."""
    roles = st.table("actor_roles")
    roles = roles[roles["actor_id"] == actor_id]
    columns = ["role", "country", "first_seen", "last_seen", "articles"]
    if roles.empty:
        return _empty(columns)
    roles = roles.merge(_articles(st)[["article_id", "date"]], on="article_id", how="left")
    roles["country"] = roles["country"].fillna("")
    table = roles.groupby(["role", "country"], sort=False).agg(
        first_seen=("date", "min"), last_seen=("date", "max"),
        articles=("article_id", "nunique")).reset_index()
    table["country"] = table["country"].replace("", None)
    return table.sort_values(["articles", "last_seen"], ascending=False)[columns]


def actor_presence(st: Store, actor_id: str, freq: str = "auto") -> pd.DataFrame:
    """Per period and source: mentions of the actor and articles mentioning them.

    Returns:
        Columns period, source, mentions, articles, all_articles (articles of that source
        and period), zeros filled in over the corpus date range.
    """
    columns = ["period", "source", "mentions", "articles", "all_articles"]
    articles = _articles(st).dropna(subset=["date"])
    if articles.empty:
        return _empty(columns)
    freq = _freq(articles["date"], freq)
    articles["period"] = _period(articles["date"], freq)
    mentions = st.table("mentions")
    mentions = mentions[mentions["actor_id"] == actor_id].merge(
        articles[["article_id", "period", "source"]], on="article_id")
    totals = articles.groupby(["period", "source"]).size().rename("all_articles")
    grid = pd.MultiIndex.from_product(
        [_all_periods(articles["date"], freq),
         sorted(articles["source"].unique())], names=["period", "source"])
    table = pd.DataFrame({
        "mentions": mentions.groupby(["period", "source"]).size(),
        "articles": mentions.groupby(["period", "source"])["article_id"].nunique(),
    }).reindex(grid, fill_value=0)
    table["all_articles"] = totals.reindex(grid, fill_value=0)
    return table.astype("int64").reset_index()[columns]


def actor_by_source(st: Store, actor_id: str) -> pd.DataFrame:
    """Per source: articles mentioning the actor, their share of the source, mentions."""
    articles = _articles(st)
    mentions = st.table("mentions")
    mentions = mentions[mentions["actor_id"] == actor_id].merge(
        articles[["article_id", "source"]], on="article_id")
    if mentions.empty:
        return _empty(["source", "articles", "share", "mentions"])
    totals = articles.groupby("source").size()
    table = mentions.groupby("source").agg(articles=("article_id", "nunique"),
                                           mentions=("article_id", "size")).reset_index()
    table["share"] = (table["articles"] / table["source"].map(totals)).round(3)
    return table.sort_values("articles", ascending=False)[
        ["source", "articles", "share", "mentions"]].reset_index(drop=True)


def actor_quotes(st: Store, actor_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """What the actor said: quotes and reported statements, newest first.

    Returns:
        Columns date, source, cue, statement (content; in quotation marks when direct),
        direct, article (link to the brief), article_id.
    """
    quotes = st.table("quotes")
    quotes = quotes[quotes["speaker_actor_id"] == actor_id]
    return _quote_table(st, quotes, site=site, speaker=False)


def actor_interactions(st: Store, actor_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """What the actor did and had done to them, newest first (negated events included).

    Returns:
        Columns date, as ("source"/"target"), event (PLOVER type), partner (link), trigger,
        negated, sentence, article (link), plus plain partner_id, partner_name.
    """
    table = interactions(st, include_negated=True)
    columns = ["date", "as", "event", "partner", "trigger", "negated", "sentence", "article",
               "partner_id", "partner_name", "article_id"]
    if table.empty:
        return _empty(columns)
    as_source = table[table["source_actor_id"] == actor_id].assign(
        **{"as": "source"}, partner_id=lambda t: t["target_actor_id"],
        partner_name=lambda t: t["target_name"])
    as_target = table[table["target_actor_id"] == actor_id].assign(
        **{"as": "target"}, partner_id=lambda t: t["source_actor_id"],
        partner_name=lambda t: t["source_name"])
    both = pd.concat([as_source, as_target], ignore_index=True)
    if both.empty:
        return _empty(columns)
    both = both.sort_values(["date", "article_id", "sentence_id"], ascending=[False, True, True],
                            na_position="last")
    out = pd.DataFrame({
        "date": both["date"].values,
        "as": both["as"].values,
        "event": both["event_type"].values,
        "partner": _links(actor_link, both["partner_id"], both["partner_name"], site),
        "trigger": both["trigger"].values,
        "negated": both["negated"].astype(bool).values,
        "sentence": both["text"].values,
        "article": _links(article_link, both["article_id"], both["title"], site),
        "partner_id": both["partner_id"].values,
        "partner_name": both["partner_name"].values,
        "article_id": both["article_id"].values,
    })
    return _attrs(out, html=["partner", "article"],
                  hide=["partner_id", "partner_name", "article_id"])


def actor_partners(st: Store, actor_id: str, n: int = 10) -> pd.DataFrame:
    """Interactions with each partner by PLOVER type and direction, for a stacked bar chart.

    Returns:
        Columns direction ("as source" / "as target"), partner, event_type, interactions;
        negated events left out; the n partners with the most interactions in each direction.
    """
    table = actor_interactions(st, actor_id)
    columns = ["direction", "partner", "event_type", "interactions"]
    if table.empty:
        return _empty(columns)
    table = table[~table["negated"]]
    if table.empty:
        return _empty(columns)
    table = table.assign(direction="as " + table["as"], partner=table["partner_name"])
    counts = table.groupby(["direction", "partner", "event"]).size().rename("interactions")
    counts = counts.reset_index().rename(columns={"event": "event_type"})
    totals = counts.groupby(["direction", "partner"])["interactions"].transform("sum")
    counts = counts.assign(_total=totals).sort_values(["direction", "_total"],
                                                      ascending=[True, False])
    top = counts.drop_duplicates(["direction", "partner"]).groupby("direction").head(n)
    keep = counts.set_index(["direction", "partner"]).index.isin(
        top.set_index(["direction", "partner"]).index)
    return counts[keep][columns].reset_index(drop=True)


def actor_themes(st: Store, actor_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """Themes in the sentences that mention the actor, against the corpus baseline.

    Returns:
        Columns theme_id, label, theme (link), sentences (mentioning the actor and carrying the
        theme), share (of the actor's sentences), baseline (share of all sentences), lift
        (share / baseline), most frequent first.
    """
    keys = ["article_id", "sentence_id"]
    columns = ["theme_id", "label", "theme", "sentences", "share", "baseline", "lift"]
    mentions = st.table("mentions")
    own = mentions.loc[mentions["actor_id"] == actor_id, keys].drop_duplicates()
    themes = st.table("themes")[[*keys, "theme"]].drop_duplicates()
    n_all = max(_count(st, "sentences"), 1)
    if own.empty or themes.empty:
        return _empty(columns)
    mine = themes.merge(own, on=keys)
    if mine.empty:
        return _empty(columns)
    counts = mine.groupby("theme").size().rename("sentences").reset_index()
    counts["share"] = counts["sentences"] / len(own)
    counts["baseline"] = counts["theme"].map(themes.groupby("theme").size()) / n_all
    counts["lift"] = counts["share"] / counts["baseline"]
    counts["label"] = counts["theme"].map(_theme_label)
    counts["theme_id"] = counts["theme"]
    counts["theme"] = [theme_link(t, site) for t in counts["theme_id"]]
    counts = counts.sort_values(["sentences", "lift"], ascending=False).reset_index(drop=True)
    counts[["share", "baseline", "lift"]] = counts[["share", "baseline", "lift"]].round(3)
    return _attrs(counts[columns], html=["theme"], hide=["theme_id", "label"])


def actor_tone_over_time(st: Store, actor_id: str, freq: str = "auto") -> pd.DataFrame:
    """Mean tone (VADER, -1..1) of the sentences mentioning the actor, per period, with the
    corpus mean of the same periods for comparison.

    Returns:
        Columns period, series ("actor name" or "corpus"), tone, sentences.
    """
    keys = ["article_id", "sentence_id"]
    columns = ["period", "series", "tone", "sentences"]
    articles = _articles(st).dropna(subset=["date"])
    if articles.empty:
        return _empty(columns)
    freq = _freq(articles["date"], freq)
    sentences = st.table("sentences").merge(articles[["article_id", "date"]], on="article_id")
    sentences["period"] = _period(sentences["date"], freq)
    mentions = st.table("mentions")
    own = mentions.loc[mentions["actor_id"] == actor_id, keys].drop_duplicates()
    mine = sentences.merge(own, on=keys)
    if mine.empty:
        return _empty(columns)
    name = _text(st.table("actors").set_index("actor_id")["name"].get(actor_id, actor_id))
    parts = []
    for series, frame in ((name, mine), ("corpus", sentences)):
        agg = frame.groupby("period").agg(tone=("tone", "mean"), sentences=("tone", "size"))
        parts.append(agg.reset_index().assign(series=series))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["period"].isin(mine["period"].unique())]
    return out[columns].reset_index(drop=True)


def co_mentioned(st: Store, actor_id: str, n: int = 15, *, site: str | Path = "") -> pd.DataFrame:
    """Actors named in the same sentences (and articles) as this one, most often first."""
    keys = ["article_id", "sentence_id"]
    columns = ["actor_id", "name", "actor", "kind", "sentences", "articles"]
    mentions = st.table("mentions")
    own = mentions.loc[mentions["actor_id"] == actor_id, keys].drop_duplicates()
    own_articles = set(own["article_id"])
    others = mentions[mentions["actor_id"] != actor_id]
    same_sentence = others[keys + ["actor_id"]].drop_duplicates().merge(own, on=keys)
    same_article = others.loc[others["article_id"].isin(own_articles),
                              ["article_id", "actor_id"]].drop_duplicates()
    if same_article.empty:
        return _empty(columns)
    table = pd.DataFrame({
        "sentences": same_sentence.groupby("actor_id").size(),
        "articles": same_article.groupby("actor_id").size(),
    }).fillna(0).astype("int64")
    out = _actor_counts(st, table.sort_values(["sentences", "articles"], ascending=False).head(n), site)
    return _attrs(out[columns], html=["actor"], hide=["actor_id", "name"])


# ---------------------------------------------------------------------------- themes


def resolve_theme(st: Store, theme: str) -> Theme:
    """The codebook theme with this id or label (case-insensitive); KeyError if none."""
    codebook = _codebook(_codebook_path(st))
    wanted = theme.strip().lower()
    for t in codebook.values():
        if wanted in (t.id, t.label.lower()):
            return t
    close = [t.id for t in codebook.values() if wanted in t.id or wanted in t.label.lower()]
    hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
    raise KeyError(f"no theme '{theme}' in the codebook{hint} (themes: {', '.join(codebook)})")


def theme_card(st: Store, theme: str, site: str | Path = "") -> str:
    """What the theme is (label, description, patterns) and how often it appears."""
    t = resolve_theme(st, theme)
    per_article = st.table("article_themes")
    per_article = per_article[per_article["theme"] == t.id]
    hits = st.table("themes")
    hits = hits[hits["theme"] == t.id]
    n_articles = max(int(st.meta.get("n_articles") or 0), 1)
    terms = hits["term"].str.lower().value_counts().head(12)
    patterns = " ".join(
        f'<code style="{"white-space:nowrap" if isinstance(p, str) else "word-break:break-word"}">'
        f"{html.escape(_pattern_text(p))}</code>"
        for p in t.patterns)
    excluded = " ".join(f"<code>{html.escape(_pattern_text(p))}</code>" for p in t.exclude)
    found = ", ".join(f"{html.escape(term)} ({c})" for term, c in terms.items()) or "none"
    fields = [
        ("Id", f"<code>{html.escape(t.id)}</code>"),
        ("Description", html.escape(t.description)),
        ("Patterns", patterns),
        *([("Not counted", excluded)] if excluded else []),
        ("Articles", f"{per_article['article_id'].nunique():,} of {n_articles:,} "
                     f"({per_article['article_id'].nunique() / n_articles:.0%})"),
        ("Sentences", f"{hits[['article_id', 'sentence_id']].drop_duplicates().shape[0]:,}"),
        ("Hits", f"{len(hits):,}"),
        ("Terms found", found),
    ]
    return _card(link(f"theme:{t.id}", t.label, site), fields)


def theme_prevalence(st: Store, theme: str, freq: str = "auto") -> pd.DataFrame:
    """Per period and source: articles, articles carrying the theme, and their share.

    Returns:
        Columns period, source, articles, with_theme, share (NaN for periods with no article).
    """
    t = resolve_theme(st, theme)
    columns = ["period", "source", "articles", "with_theme", "share"]
    articles = _articles(st).dropna(subset=["date"])
    if articles.empty:
        return _empty(columns)
    freq = _freq(articles["date"], freq)
    per_article = st.table("article_themes")
    carrying = set(per_article.loc[per_article["theme"] == t.id, "article_id"])
    articles["period"] = _period(articles["date"], freq)
    articles["with_theme"] = articles["article_id"].isin(carrying).astype("int64")
    grid = pd.MultiIndex.from_product(
        [_all_periods(articles["date"], freq),
         sorted(articles["source"].unique())], names=["period", "source"])
    table = articles.groupby(["period", "source"]).agg(
        articles=("article_id", "size"), with_theme=("with_theme", "sum"))
    table = table.reindex(grid, fill_value=0).reset_index()
    table["share"] = table["with_theme"] / table["articles"].where(table["articles"] > 0)
    return table[columns]


def theme_by_source(st: Store, theme: str) -> pd.DataFrame:
    """Per source: articles, articles carrying the theme, share, hits."""
    t = resolve_theme(st, theme)
    articles = _articles(st)
    per_article = st.table("article_themes")
    per_article = per_article[per_article["theme"] == t.id].merge(
        articles[["article_id", "source"]], on="article_id")
    table = pd.DataFrame({
        "articles": articles.groupby("source").size(),
        "with_theme": per_article.groupby("source")["article_id"].nunique(),
        "hits": per_article.groupby("source")["n_hits"].sum(),
    }).fillna(0).astype("int64")
    if table.empty:
        return _empty(["source", "articles", "with_theme", "share", "hits"])
    table["share"] = (table["with_theme"] / table["articles"]).round(3)
    table = table.rename_axis("source").reset_index()
    return table.sort_values("with_theme", ascending=False)[
        ["source", "articles", "with_theme", "share", "hits"]].reset_index(drop=True)


def theme_actors(st: Store, theme: str, n: int = 15, *, site: str | Path = "") -> pd.DataFrame:
    """Actors most often named in sentences carrying the theme, with their tone there.

    Returns:
        Columns actor_id, name, actor (link), kind, sentences, articles, tone (mean tone of
        those sentences), overall_tone (of every sentence naming them).
    """
    t = resolve_theme(st, theme)
    keys = ["article_id", "sentence_id"]
    columns = ["actor_id", "name", "actor", "kind", "sentences", "articles", "tone",
               "overall_tone"]
    hits = st.table("themes")
    carrying = hits.loc[hits["theme"] == t.id, keys].drop_duplicates()
    if carrying.empty:
        return _empty(columns)
    mentions = st.table("mentions")[[*keys, "actor_id"]].drop_duplicates()
    named = mentions.merge(carrying, on=keys).merge(
        st.table("sentences")[[*keys, "tone"]], on=keys, how="left")
    if named.empty:
        return _empty(columns)
    table = named.groupby("actor_id").agg(sentences=("sentence_id", "size"),
                                          articles=("article_id", "nunique"),
                                          tone=("tone", "mean"))
    table = table.sort_values(["sentences", "articles"], ascending=False).head(n)
    out = _actor_counts(st, table, site)
    out["tone"] = table["tone"].round(3).values
    out["overall_tone"] = table.index.map(st.table("actors").set_index("actor_id")["tone"]).astype(
        "float64").round(3).values
    return _attrs(out[columns], html=["actor"], hide=["actor_id", "name"])


def _actor_counts(st: Store, table: pd.DataFrame, site: str | Path) -> pd.DataFrame:
    """Rows of actors (indexed by actor_id in `table`) with name, kind, link and their
    sentence and article counts."""
    actors = st.table("actors").set_index("actor_id")
    out = pd.DataFrame({
        "actor_id": table.index,
        "name": table.index.map(actors["name"]),
        "kind": table.index.map(actors["kind"]),
        "sentences": table["sentences"].astype("int64").values,
        "articles": table["articles"].astype("int64").values,
    })
    out["actor"] = _links(actor_link, out["actor_id"], out["name"], site)
    return out


def theme_examples(st: Store, theme: str, per_source: int = 3, *,
                   site: str | Path = "") -> pd.DataFrame:
    """A few sentences carrying the theme from every source, newest first, matched terms marked.

    Sentences come from different articles where possible.

    Returns:
        Columns source, date, sentence (HTML with <mark>), article (link), article_id.
    """
    t = resolve_theme(st, theme)
    columns = ["source", "date", "sentence", "article", "article_id"]
    hits = st.table("themes")
    hits = hits[hits["theme"] == t.id]
    if hits.empty:
        return _empty(columns)
    keys = ["article_id", "sentence_id"]
    articles = _articles(st)
    found = hits[keys].drop_duplicates().merge(
        articles[["article_id", "date", "source", "title", "text"]], on="article_id")
    found = found.merge(st.table("sentences")[[*keys, "start", "end"]], on=keys)
    found = found.sort_values(["date", "article_id", "sentence_id"],
                              ascending=[False, True, True], na_position="last")
    found["_nth"] = found.groupby("article_id").cumcount()
    found = found.sort_values(["_nth", "date"], ascending=[True, False], na_position="last",
                              kind="stable")
    picked = found.groupby("source", sort=False).head(per_source)
    picked = picked.sort_values(["source", "date"], ascending=[True, False], na_position="last")
    spans = hits.groupby(keys)[["start", "end"]].apply(
        lambda g: list(zip(g["start"], g["end"], strict=True)))
    sentences = [
        _marked_sentence(r.text, r.start, r.end, spans.get((r.article_id, r.sentence_id), []),
                         title=t.label)
        for r in picked.itertuples()
    ]
    out = pd.DataFrame({
        "source": picked["source"].values,
        "date": picked["date"].values,
        "sentence": sentences,
        "article": _links(article_link, picked["article_id"], picked["title"], site),
        "article_id": picked["article_id"].values,
    })
    return _attrs(out, html=["sentence", "article"], hide=["article_id"])


def theme_cooccurrence(st: Store, theme: str | None = None, *,
                       site: str | Path = "") -> pd.DataFrame:
    """Themes found in the same articles.

    With a theme: every other theme with articles shared, share of this theme's articles,
    and lift (how much likelier than in the corpus at large), most shared first. Without:
    a theme x theme matrix of shared article counts (labels as index and columns).
    """
    per_article = st.table("article_themes")[["article_id", "theme"]].drop_duplicates()
    n_articles = max(int(st.meta.get("n_articles") or 0), 1)
    if theme is None:
        if per_article.empty:
            return pd.DataFrame()
        pairs = per_article.merge(per_article, on="article_id")
        matrix = pd.crosstab(pairs["theme_x"].map(_theme_label), pairs["theme_y"].map(_theme_label))
        order = matrix.values.diagonal().argsort()[::-1]
        matrix = matrix.iloc[order, order]
        matrix.index.name, matrix.columns.name = None, None
        return matrix
    t = resolve_theme(st, theme)
    columns = ["theme_id", "label", "theme", "articles", "share", "lift"]
    mine = set(per_article.loc[per_article["theme"] == t.id, "article_id"])
    if not mine:
        return _empty(columns)
    others = per_article[(per_article["theme"] != t.id)]
    shared = others[others["article_id"].isin(mine)].groupby("theme").size().rename("articles")
    if shared.empty:
        return _empty(columns)
    overall = others.groupby("theme").size() / n_articles
    out = shared.reset_index()
    out["share"] = (out["articles"] / len(mine)).round(3)
    out["lift"] = (out["share"] / out["theme"].map(overall)).round(2)
    out["label"] = out["theme"].map(_theme_label)
    out["theme_id"] = out["theme"]
    out["theme"] = [theme_link(x, site) for x in out["theme_id"]]
    out = out.sort_values(["articles", "lift"], ascending=False).reset_index(drop=True)
    return _attrs(out[columns], html=["theme"], hide=["theme_id", "label"])


# --------------------------------------------------------------------------- articles


def resolve_article(st: Store, article_id: str) -> pd.Series:
    """The article row; KeyError naming close ids when there is none."""
    articles = st.table("articles")
    hit = articles[articles["article_id"] == article_id]
    if hit.empty:
        close = articles.loc[articles["article_id"].str.contains(article_id.strip()[:20],
                                                                 regex=False), "article_id"]
        hint = f"; did you mean {', '.join(close.head(3))}?" if len(close) else ""
        raise KeyError(f"no article '{article_id}' in {st.path}{hint}")
    return hit.iloc[0]


def article_card(st: Store, article_id: str, site: str | Path = "") -> str:
    """Title, date, source, link to the original, size and mean tone of one article."""
    art = resolve_article(st, article_id)
    sentences = st.table("sentences")
    sentences = sentences[sentences["article_id"] == article_id]
    url = _text(art["url"])
    original = (f'<a href="{html.escape(url)}" rel="noopener noreferrer">'
                f"{html.escape(url)}</a>" if url.startswith(("http://", "https://"))
                else html.escape(url) or "none")
    fields = [
        ("Date", html.escape(_date(art["date"]) or "undated")),
        ("Source", html.escape(_text(art["source"]) or NO_SOURCE)),
        ("Original", original),
        ("Id", f"<code>{html.escape(article_id)}</code>"),
        ("Length", f"{int(art['n_words']):,} words, {len(sentences):,} sentences"),
        ("Mean tone", _tone_text(sentences["tone"].mean() if len(sentences) else None)),
    ]
    return _card(html.escape(_text(art["title"]) or article_id), fields)


def article_html(st: Store, article_id: str, *, site: str | Path = "",
                 themes: bool = False) -> str:
    """The article text with actor mentions highlighted by kind, and a legend.

    All text is escaped. Where mentions nest or overlap, the outermost (earliest, then
    longest) is kept. With themes=True, codebook terms are underlined as well. Mentions of
    actors whose profile is in the site link to it.
    """
    art = resolve_article(st, article_id)
    text = _text(art["text"])
    actors = st.table("actors").set_index("actor_id")
    mentions = st.table("mentions")
    mentions = mentions[mentions["article_id"] == article_id].sort_values(
        ["start", "end"], ascending=[True, False])
    kept: list[tuple[int, int, str, str]] = []
    last_end = -1
    for m in mentions.itertuples():
        start, end = max(int(m.start), 0), min(int(m.end), len(text))
        if start >= last_end and end > start:
            kept.append((start, end, m.actor_id, m.how))
            last_end = end
    theme_spans: list[tuple[int, int, str]] = []
    if themes:
        hits = st.table("themes")
        hits = hits[hits["article_id"] == article_id]
        theme_spans = [(int(h.start), int(h.end), _theme_label(h.theme))
                       for h in hits.itertuples()]

    parts, pos = [], 0
    for start, end, actor_id, how in kept:
        parts.append(_underlined(text, pos, start, theme_spans))
        kind = _text(actors["kind"].get(actor_id, "group"))
        name = _text(actors["name"].get(actor_id, actor_id))
        inner = _underlined(text, start, end, theme_spans)
        href = report_href(f"actor:{actor_id}", site)
        if href:
            inner = (f'<a href="{html.escape(href)}" style="color:inherit;'
                     f'text-decoration:none">{inner}</a>')
        dashed = "border-bottom:1px dashed #777;" if how == "pronoun" else ""
        parts.append(
            f'<mark class="pl-mention pl-{html.escape(kind)}" data-actor="{html.escape(actor_id)}"'
            f' title="{html.escape(name)} ({html.escape(kind)}, {html.escape(_text(how))})"'
            f' style="background:{KIND_BACKGROUNDS.get(kind, "#eee")};padding:0 2px;'
            f'border-radius:3px;{dashed}">{inner}</mark>')
        pos = end
    parts.append(_underlined(text, pos, len(text), theme_spans))

    kinds = [k for k in KINDS if k in {_text(actors["kind"].get(a)) for _, _, a, _ in kept}]
    legend = "".join(
        f'<span style="background:{KIND_BACKGROUNDS[k]};padding:1px 6px;border-radius:3px;'
        f'margin-right:.5rem">{KIND_LABELS[k]}</span>' for k in kinds)
    if theme_spans:
        legend += (f'<span style="border-bottom:2px solid {THEME_UNDERLINE};margin-right:.5rem">'
                   "theme term</span>")
    if any(how == "pronoun" for *_, how in kept):
        legend += ('<span style="border-bottom:1px dashed #777">pronoun or title '
                   "referring to an actor</span>")
    legend = legend or '<span style="color:#666">No actor mentions found.</span>'
    return (
        '<div class="pl-article" style="font:15px/1.6 Georgia,serif;max-width:48rem">'
        f'<div class="pl-legend" style="font:13px system-ui,sans-serif;margin-bottom:.6rem">'
        f"{legend}</div>"
        f'<div style="white-space:pre-wrap">{"".join(parts)}</div></div>'
    )


def article_actors(st: Store, article_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """Actors in the article with kind, country, the roles given to them there, mentions and
    the mean tone of the sentences naming them."""
    keys = ["article_id", "sentence_id"]
    columns = ["actor_id", "name", "actor", "kind", "country", "roles", "mentions", "tone"]
    mentions = st.table("mentions")
    mentions = mentions[mentions["article_id"] == article_id]
    if mentions.empty:
        return _empty(columns)
    tone = mentions[[*keys, "actor_id"]].drop_duplicates().merge(
        st.table("sentences")[[*keys, "tone"]], on=keys).groupby("actor_id")["tone"].mean()
    roles = st.table("actor_roles")
    roles = roles[roles["article_id"] == article_id].groupby("actor_id")["role"].agg(
        lambda r: list(dict.fromkeys(r)))
    counts = mentions.groupby("actor_id").agg(mentions=("start", "size"), first=("start", "min"))
    counts = counts.sort_values(["mentions", "first"], ascending=[False, True])
    actors = st.table("actors").set_index("actor_id")
    ids = counts.index
    out = pd.DataFrame({
        "actor_id": ids,
        "name": ids.map(actors["name"]),
        "kind": ids.map(actors["kind"]),
        "country": [country_name(c) if not _missing(c) else "" for c in ids.map(actors["country"])],
        "roles": [roles.get(a, []) for a in ids],
        "mentions": counts["mentions"].astype("int64").values,
        "tone": ids.map(tone).astype("float64").round(3),
    })
    out["actor"] = _links(actor_link, out["actor_id"], out["name"], site)
    return _attrs(out[columns], html=["actor"], hide=["actor_id", "name"])


def article_quotes(st: Store, article_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """Quotes and reported statements in the article, in text order, with their speakers."""
    quotes = st.table("quotes")
    quotes = quotes[quotes["article_id"] == article_id]
    return _quote_table(st, quotes, site=site, speaker=True, newest_first=False)


def article_interactions(st: Store, article_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """Interactions in the article, in text order: who did what (PLOVER type) to whom."""
    table = interactions(st, include_negated=True)
    columns = ["from", "event", "to", "trigger", "negated", "sentence"]
    if table.empty:
        return _empty(columns)
    table = table[table["article_id"] == article_id].sort_values("sentence_id")
    if table.empty:
        return _empty(columns)
    out = pd.DataFrame({
        "from": _links(actor_link, table["source_actor_id"], table["source_name"], site),
        "event": table["event_type"].values,
        "to": _links(actor_link, table["target_actor_id"], table["target_name"], site),
        "trigger": table["trigger"].values,
        "negated": table["negated"].astype(bool).values,
        "sentence": table["text"].values,
    })
    return _attrs(out, html=["from", "to"])


def article_themes(st: Store, article_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """Themes of the article with the sentences that carry them (matched terms marked)."""
    keys = ["article_id", "sentence_id"]
    columns = ["theme_id", "label", "theme", "sentences", "score", "carried by"]
    per_article = st.table("article_themes")
    per_article = per_article[per_article["article_id"] == article_id]
    if per_article.empty:
        return _empty(columns)
    art = resolve_article(st, article_id)
    text = _text(art["text"])
    hits = st.table("themes")
    hits = hits[hits["article_id"] == article_id].merge(
        st.table("sentences")[[*keys, "start", "end"]].rename(
            columns={"start": "s_start", "end": "s_end"}), on=keys)
    carried = {}
    for theme, group in hits.groupby("theme"):
        pieces = [
            _marked_sentence(text, g["s_start"].iloc[0], g["s_end"].iloc[0],
                             list(zip(g["start"], g["end"], strict=True)), title=theme)
            for _, g in group.groupby("sentence_id")
        ]
        carried[theme] = "".join(f'<div style="margin-bottom:.3rem">{p}</div>' for p in pieces)
    out = pd.DataFrame({
        "theme_id": per_article["theme"].values,
        "label": per_article["theme"].map(_theme_label).values,
        "theme": [theme_link(t, site) for t in per_article["theme"]],
        "sentences": per_article["n_sentences"].astype("int64").values,
        "score": per_article["score"].round(3).values,
        "carried by": [carried.get(t, "") for t in per_article["theme"]],
    })
    return _attrs(out[columns], html=["theme", "carried by"], hide=["theme_id", "label"])


def article_tone(st: Store, article_id: str) -> pd.DataFrame:
    """Tone of every sentence of the article, in order: sentence_id, tone, text."""
    sentences = st.table("sentences")
    sentences = sentences[sentences["article_id"] == article_id]
    return sentences[["sentence_id", "tone", "text"]].sort_values("sentence_id").reset_index(
        drop=True)


def articles_list(st: Store, *, site: str | Path = "") -> pd.DataFrame:
    """Every article, newest first: date, source, title (link), words."""
    articles = _articles(st).sort_values("date", ascending=False, na_position="last")
    out = pd.DataFrame({
        "date": articles["date"].values,
        "source": articles["source"].values,
        "article": _links(article_link, articles["article_id"], articles["title"], site),
        "words": articles["n_words"].astype("int64").values,
    })
    return _attrs(out, html=["article"])


# ---------------------------------------------------------------------------- helpers


def country_name(iso3: object) -> str:
    """The short English name for an ISO3 code (the code itself when unknown)."""
    if _missing(iso3):
        return ""
    from presslens.geo import gazetteer

    return gazetteer().name(str(iso3))


def _quote_table(st: Store, quotes: pd.DataFrame, *, site: str | Path, speaker: bool,
                 newest_first: bool = True) -> pd.DataFrame:
    # Per actor: when and where, with a link to the brief; per article: who said it.
    columns = (["speaker", "cue", "statement", "direct"] if speaker else
               ["date", "source", "cue", "statement", "direct", "article", "article_id"])
    if quotes.empty:
        return _empty(columns)
    articles = _articles(st).set_index("article_id")
    actors = st.table("actors").set_index("actor_id")
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
        out.append(f'<mark title="{html.escape(title)}" style="background:#ffe58a;padding:0 1px">'
                   f"{html.escape(text[s:e])}</mark>")
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
            piece = (f'<span class="pl-theme" title="{html.escape(", ".join(labels))}" '
                     f'style="border-bottom:2px solid {THEME_UNDERLINE}">{piece}</span>')
        out.append(piece)
    return "".join(out)


def _card(title_html: str, fields: Sequence[tuple[str, str]]) -> str:
    rows = "".join(
        f'<tr><th style="text-align:left;vertical-align:top;padding-right:1rem;'
        f'white-space:nowrap;color:#444">{html.escape(k)}</th>'
        f'<td style="text-align:left">{v}</td></tr>'
        for k, v in fields)
    return (
        '<div class="pl-card" style="font:14px/1.5 system-ui,sans-serif;margin:.4rem 0 1rem">'
        f'<div style="font-size:20px;font-weight:600;margin-bottom:.3rem">{title_html}</div>'
        f'<table style="border-collapse:collapse">{rows}</table></div>'
    )


def _articles(st: Store) -> pd.DataFrame:
    """The articles table with a source for every row (NO_SOURCE when missing)."""
    articles = st.table("articles")
    articles["source"] = articles["source"].fillna(NO_SOURCE).replace("", NO_SOURCE)
    return articles


def _titles(st: Store) -> dict[str, str]:
    articles = st.table("articles")
    return dict(zip(articles["article_id"], articles["title"], strict=True))


def _count(st: Store, table: str) -> int:
    return int(st.sql(f'SELECT count(*) AS n FROM "{table}"')["n"].iloc[0])


def _codebook_path(st: Store) -> str:
    path = st.meta.get("codebook")
    return str(path) if path and Path(path).is_file() else ""


@lru_cache(maxsize=8)
def _codebook(path: str) -> dict[str, Theme]:
    return load_codebook(path or None, check_patterns=False)


def _theme_label(theme: str) -> str:
    theme = _text(theme)
    known = _codebook("").get(theme)
    return known.label if known else theme.replace("_", " ").capitalize()


def _pattern_text(pattern: object) -> str:
    if isinstance(pattern, str):
        return pattern
    return json.dumps(pattern, ensure_ascii=False)


_PERIODS = {"D": "D", "W": "W-SUN", "MS": "M", "QS": "Q", "YS": "Y"}
_FREQ_NAMES = {"D": "day", "W": "week", "MS": "month", "QS": "quarter", "YS": "year"}


def _freq(dates: pd.Series, freq: str) -> str:
    if freq != "auto":
        if freq not in _PERIODS:
            raise ValueError(f"freq must be 'auto' or one of {', '.join(_PERIODS)}, not {freq!r}")
        return freq
    dates = dates.dropna()
    span = (dates.max() - dates.min()).days if len(dates) else 0
    if span <= 120:
        return "W"
    if span <= 4 * 365:
        return "MS"
    if span <= 15 * 365:
        return "QS"
    return "YS"


def freq_name(st: Store, freq: str = "auto") -> str:
    """"week", "month", ... : the period the over-time views use for this store."""
    return _FREQ_NAMES[_freq(st.table("articles")["date"], freq)]


def _period(dates: pd.Series, freq: str) -> pd.Series:
    """The start of the period each date falls in."""
    return dates.dt.to_period(_PERIODS[freq]).dt.start_time


def _all_periods(dates: pd.Series, freq: str) -> pd.DatetimeIndex:
    """Every period start from the first to the last date (so gaps show as zeros)."""
    freq = _freq(dates, freq)
    dates = dates.dropna()
    first = _period(pd.Series([dates.min()]), freq).iloc[0]
    last = _period(pd.Series([dates.max()]), freq).iloc[0]
    return pd.period_range(first, last, freq=_PERIODS[freq]).start_time


def _attrs(df: pd.DataFrame, *, html: Sequence[str] = (), hide: Sequence[str] = ()) -> pd.DataFrame:
    df.attrs["html"] = list(html)
    df.attrs["hide"] = list(hide)
    return df


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple | np.ndarray | dict):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def _as_list(value: object) -> list:
    if _missing(value):
        return []
    return list(value) if isinstance(value, list | tuple | np.ndarray) else [value]


def _date(value: object) -> str:
    return "" if _missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _seen(first: object, last: object) -> str:
    a, b = _date(first), _date(last)
    if not a:
        return "undated"
    return a if a == b else f"{a} to {b}"


def _when(value: object) -> str:
    if _missing(value):
        return "unknown"
    try:
        stamp = pd.Timestamp(str(value))
    except ValueError:
        return str(value)
    zone = " UTC" if stamp.tzinfo is not None and stamp.utcoffset().total_seconds() == 0 else ""
    return stamp.strftime("%Y-%m-%d %H:%M") + zone


def _plural(n: int, word: str) -> str:
    return f"{int(n):,} {word}{'' if int(n) == 1 else 's'}"


def _tone_text(value: object) -> str:
    if _missing(value):
        return "n/a"
    v = float(value)
    word = "positive" if v >= 0.05 else "negative" if v <= -0.05 else "neutral"
    return f"{v:+.2f} ({word}; VADER, -1 to +1)"
