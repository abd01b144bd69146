"""The theme report: what a codebook theme is, where it appears and who is named with it."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from presslens.store import Store
from presslens.views.common import (
    _all_periods,
    _articles,
    _attrs,
    _empty,
    _freq,
    _pattern_text,
    _period,
    _theme_label,
    resolve_theme,
)
from presslens.views.markup import _actor_counts, _card, _links, _marked_sentence, article_link, link, theme_link


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
