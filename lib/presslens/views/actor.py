"""The actor profile: who an actor is, when and where they appear, what they said and did."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from presslens.store import Store
from presslens.views.common import (
    _all_periods,
    _articles,
    _as_list,
    _attrs,
    _count,
    _empty,
    _freq,
    _missing,
    _period,
    _plural,
    _seen,
    _text,
    _theme_label,
    _tone_text,
    country_name,
    resolve_actor,
)
from presslens.views.corpus import interactions
from presslens.views.markup import (
    _actor_counts,
    _card,
    _links,
    _quote_table,
    actor_link,
    article_link,
    link,
    theme_link,
)


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
