"""The corpus overview: articles, sources, top actors and themes, interactions, over the whole store."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from presslens.store import Store
from presslens.views.common import (
    KIND_LABELS,
    KINDS,
    _all_periods,
    _attrs,
    _empty,
    _freq,
    _join_interactions,
    _period,
    _text,
    _theme_label,
    _when,
    _with_source,
    date_range,
)
from presslens.views.markup import _links, actor_link, article_link, theme_link

# The overview reads the whole store (pages about one subject read by key: views.reads).


def _articles(st: Store) -> pd.DataFrame:
    """The articles table with a source for every row (NO_SOURCE when missing)."""
    return _with_source(st.table("articles"))


def _titles(st: Store) -> dict[str, str]:
    articles = st.table("articles")
    return dict(zip(articles["article_id"], articles["title"], strict=True))


def _count(st: Store, table: str) -> int:
    return int(st.sql(f'SELECT count(*) AS n FROM "{table}"')["n"].iloc[0])


def _interaction_count(st: Store) -> str:
    """All interactions, saying how many name only one side (they count like the others)."""
    counts = st.sql('SELECT count(*) AS n, count(*) FILTER (WHERE source_actor_id IS NULL '
                    'OR target_actor_id IS NULL) AS one_sided FROM interactions').iloc[0]
    one_sided = int(counts["one_sided"])
    return f"{int(counts['n']):,}" + (f" ({one_sided:,} with one side not named)"
                                      if one_sided else "")


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
        ("Interactions", _interaction_count(st)),
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


def interactions(st: Store, *, include_negated: bool = False) -> pd.DataFrame:
    """The interactions table with names, kinds and the article date and source joined."""
    table = st.table("interactions")
    if not include_negated and not table.empty:
        table = table[~table["negated"].astype(bool)]
    return _join_interactions(table, st.table("actors").set_index("actor_id"),
                              _articles(st).set_index("article_id"))


def interaction_pairs(st: Store, n: int = 20, *, site: str | Path = "") -> pd.DataFrame:
    """The most frequent directed pairs (who acts on whom), negated events left out.

    An event whose text names one side only is a pair with that side shown as NOT_NAMED.

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
    for (src, tgt), group in table.groupby(["source_actor_id", "target_actor_id"], dropna=False):
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
    An edge needs both sides: graph.graph["one_sided"] counts the events left out because
    the text names one side only, graph.graph["events"] all events (negated left out).
    """
    graph = nx.DiGraph()
    table = interactions(st)
    two_sided = table["source_actor_id"].notna() & table["target_actor_id"].notna()
    graph.graph.update(events=len(table), one_sided=int((~two_sided).sum()))
    table = table[two_sided]
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


def theme_matrix(st: Store) -> pd.DataFrame:
    """A theme x theme matrix of shared article counts (labels as index and columns), the
    themes found in most articles first."""
    per_article = st.table("article_themes")[["article_id", "theme"]].drop_duplicates()
    if per_article.empty:
        return pd.DataFrame()
    pairs = per_article.merge(per_article, on="article_id")
    matrix = pd.crosstab(pairs["theme_x"].map(_theme_label), pairs["theme_y"].map(_theme_label))
    order = matrix.values.diagonal().argsort()[::-1]
    matrix = matrix.iloc[order, order]
    matrix.index.name, matrix.columns.name = None, None
    return matrix
