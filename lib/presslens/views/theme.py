"""The theme report: what a codebook theme is, where it appears and who is named with it."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from presslens.store import Store
from presslens.views.common import (
    _all_periods,
    _attrs,
    _corpus_articles,
    _dated,
    _empty,
    _pattern_text,
    _period,
    _theme_label,
    _with_source,
    resolve_theme,
)
from presslens.views.corpus import theme_matrix
from presslens.views.markup import _actor_counts, _card, _links, _marked_sentence, article_link, link, theme_link
from presslens.views.reads import corpus_figures, read


def theme_card(st: Store, theme: str, site: str | Path = "") -> str:
    """What the theme is (label, description, patterns) and how often it appears."""
    t = resolve_theme(st, theme)
    per_article = _read(st, "article_themes", t.id)
    hits = _read(st, "themes", t.id)
    n_articles = max(int(st.meta.get("n_articles") or 0), 1)
    terms = hits["term"].str.lower().value_counts().head(12)
    patterns = " ".join(
        f'<code class="{"pl-nowrap" if isinstance(p, str) else "pl-breakable"}">'
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
    corpus, freq = _dated(_corpus_articles(st), freq)
    if corpus.empty:
        return _empty(columns)
    carrying = set(_read(st, "article_themes", t.id)["article_id"])
    articles = _with_source(_read(st, "articles", t.id)).dropna(subset=["date"])
    articles = articles[articles["article_id"].isin(carrying)]
    articles["period"] = _period(articles["date"], freq)
    grid = pd.MultiIndex.from_product(
        [_all_periods(corpus["date"], freq),
         sorted(corpus["source"].unique())], names=["period", "source"])
    table = pd.DataFrame({
        "articles": corpus.groupby(["period", "source"])["articles"].sum(),
        "with_theme": articles.groupby(["period", "source"]).size(),
    }).fillna(0).astype("int64")
    table = table.reindex(grid, fill_value=0).reset_index()
    table["share"] = table["with_theme"] / table["articles"].where(table["articles"] > 0)
    return table[columns]


def theme_by_source(st: Store, theme: str) -> pd.DataFrame:
    """Per source: articles, articles carrying the theme, share, hits."""
    t = resolve_theme(st, theme)
    articles = _with_source(_read(st, "articles", t.id))
    per_article = _read(st, "article_themes", t.id).merge(
        articles[["article_id", "source"]], on="article_id")
    table = pd.DataFrame({
        "articles": _corpus_articles(st).groupby("source")["articles"].sum(),
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
    # who is named in the sentences carrying the theme, with those sentences' tone
    named = _read(st, "mentions", t.id).merge(
        _read(st, "sentences", t.id)[[*keys, "tone"]], on=keys, how="left")
    if named.empty:
        return _empty(columns)
    table = named.groupby("actor_id").agg(sentences=("sentence_id", "size"),
                                          articles=("article_id", "nunique"),
                                          tone=("tone", "mean"))
    table = table.sort_values(["sentences", "articles"], ascending=False).head(n)
    actors = _read(st, "actors", t.id).set_index("actor_id")
    out = _actor_counts(actors, table, site)
    out["tone"] = table["tone"].round(3).values
    overall = corpus_figures(st, "tone of a theme's actors", t.id).set_index("actor_id")["tone"]
    out["overall_tone"] = table.index.map(overall).astype(
        "float64").round(3).values
    return _attrs(out[columns], html=["actor"], hide=["actor_id", "name"])


def theme_examples(st: Store, theme: str, per_source: int = 3, *,
                   site: str | Path = "") -> pd.DataFrame:
    """A few sentences carrying the theme from every source, newest first, matched terms marked.

    Sentences come from different articles where possible.

    Returns:
        Columns source, date, sentence (HTML with <mark>), article (link), article_id.
    """
    t = resolve_theme(st, theme)
    columns = ["source", "date", "sentence", "article", "article_id"]
    hits = _read(st, "themes", t.id)
    if hits.empty:
        return _empty(columns)
    keys = ["article_id", "sentence_id"]
    articles = _with_source(_read(st, "articles", t.id))
    found = hits[keys].drop_duplicates().merge(
        articles[["article_id", "date", "source", "title"]], on="article_id")
    found = found.merge(_read(st, "sentences", t.id)[[*keys, "start", "passage"]], on=keys)
    found = found.sort_values(["date", "article_id", "sentence_id"],
                              ascending=[False, True, True], na_position="last")
    found["_nth"] = found.groupby("article_id").cumcount()
    found = found.sort_values(["_nth", "date"], ascending=[True, False], na_position="last",
                              kind="stable")
    picked = found.groupby("source", sort=False).head(per_source)
    picked = picked.sort_values(["source", "date"], ascending=[True, False], na_position="last")
    spans: dict[tuple, list[tuple[int, int]]] = {}  # of the picked sentences only
    for row in hits.merge(picked[keys], on=keys)[[*keys, "start", "end"]].itertuples(index=False):
        spans.setdefault((row.article_id, row.sentence_id), []).append((row.start, row.end))
    # The hits' offsets are in the article text; the passage starts at the sentence's start.
    sentences = [
        _marked_sentence(r.passage, 0, len(r.passage),
                         [(s - r.start, e - r.start) for s, e in spans.get((r.article_id, r.sentence_id), [])],
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
    if theme is None:
        return theme_matrix(st)
    t = resolve_theme(st, theme)
    columns = ["theme_id", "label", "theme", "articles", "share", "lift"]
    n_articles = max(int(st.meta.get("n_articles") or 0), 1)
    near = _read(st, "co-themes", t.id)  # the themes of the articles touching this one
    mine = set(near.loc[near["theme"] == t.id, "article_id"])
    if not mine:
        return _empty(columns)
    others = near[(near["theme"] != t.id) & near["article_id"].isin(mine)]
    shared = others.groupby("theme").size().rename("articles")
    if shared.empty:
        return _empty(columns)
    overall = corpus_figures(st, "articles by theme").set_index("theme")["articles"] / n_articles
    out = shared.reset_index()
    out["share"] = (out["articles"] / len(mine)).round(3)
    out["lift"] = (out["share"] / out["theme"].map(overall)).round(2)
    out["label"] = out["theme"].map(_theme_label)
    out["theme_id"] = out["theme"]
    out["theme"] = [theme_link(x, site) for x in out["theme_id"]]
    out = out.sort_values(["articles", "lift"], ascending=False).reset_index(drop=True)
    return _attrs(out[columns], html=["theme"], hide=["theme_id", "label"])


def _read(st: Store, part: str, theme_id: str) -> pd.DataFrame:
    """The rows of a theme report's read `part` (views.reads.READS["theme"])."""
    return read(st, "theme", part, theme_id)
