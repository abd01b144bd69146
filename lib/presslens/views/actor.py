"""The actor profile: who an actor is, when and where they appear, what they said and did."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from presslens.store import Store
from presslens.views.common import (
    _all_periods,
    _as_list,
    _attrs,
    _corpus_articles,
    _dated,
    _empty,
    _join_interactions,
    _missing,
    _period,
    _plural,
    _seen,
    _text,
    _theme_label,
    _tone_text,
    _with_source,
    country_name,
    resolve_actor,
)
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
from presslens.views.reads import corpus_figures, read


def actor_card(st: Store, actor: str, site: str | Path = "") -> str:
    """Who the actor is: name, kind, country, roles with first and last date seen, aliases,
    articles and mentions, mean tone."""
    row = resolve_actor(st, actor)
    roles = actor_roles(st, row["actor_id"])
    role_items = "".join(
        f"<li>{html.escape(_text(r.role))}"
        + (f" ({html.escape(country_name(r.country))})" if not _missing(r.country) else "")
        + f' <span class="pl-muted">{html.escape(_seen(r.first_seen, r.last_seen))}, '
        + f"{_plural(r.articles, 'article')}</span></li>"
        for r in roles.itertuples()
    ) or "<li>none found</li>"
    aliases = ", ".join(html.escape(_text(a)) for a in _as_list(row["aliases"])) or "none"
    n_corpus = int(_corpus_articles(st)["articles"].sum())
    articles = _read(st, "articles", row["actor_id"])
    dates = articles[articles["article_id"].isin(
        _read(st, "mentions", row["actor_id"])["article_id"])]["date"].dropna()
    fields = [
        ("Kind", html.escape(_text(row["kind"]))),
        ("Country", html.escape(country_name(row["country"])) if not _missing(row["country"])
         else "unknown"),
        ("Roles and titles", f'<ul class="pl-roles">{role_items}</ul>'),
        ("Also called", aliases),
        ("Articles", f"{int(row['n_articles']):,} of {n_corpus:,}"),
        ("Mentions", f"{int(row['n_mentions']):,}"),
        ("Seen", html.escape(_seen(dates.min(), dates.max()) if len(dates) else "undated")),
        ("Mean tone", _tone_text(row["tone"])),
    ]
    return _card(link(f"actor:{row['actor_id']}", row["name"], site), fields)


def actor_roles(st: Store, actor_id: str) -> pd.DataFrame:
    """Roles and titles the actor is given, with first and last date seen and article count."""
    roles = _read(st, "actor_roles", actor_id)
    columns = ["role", "country", "first_seen", "last_seen", "articles"]
    if roles.empty:
        return _empty(columns)
    roles = roles.merge(_read(st, "articles", actor_id)[["article_id", "date"]], on="article_id",
                        how="left")
    roles["country"] = roles["country"].fillna("")
    if "office" in roles.columns:  # one canonical office per state; the forms stay in the store
        roles["role"] = roles["office"].fillna(roles["role"]).str.replace(r" \([A-Z]{3}\)$", "", regex=True)
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
    corpus, freq = _dated(_corpus_articles(st), freq)
    if corpus.empty:
        return _empty(columns)
    articles = _with_source(_read(st, "articles", actor_id)).dropna(subset=["date"])
    articles["period"] = _period(articles["date"], freq)
    mentions = _read(st, "mentions", actor_id).merge(
        articles[["article_id", "period", "source"]], on="article_id")
    totals = corpus.groupby(["period", "source"])["articles"].sum().rename("all_articles")
    grid = pd.MultiIndex.from_product(
        [_all_periods(corpus["date"], freq),
         sorted(corpus["source"].unique())], names=["period", "source"])
    table = pd.DataFrame({
        "mentions": mentions.groupby(["period", "source"]).size(),
        "articles": mentions.groupby(["period", "source"])["article_id"].nunique(),
    }).reindex(grid, fill_value=0)
    table["all_articles"] = totals.reindex(grid, fill_value=0)
    return table.astype("int64").reset_index()[columns]


def actor_by_source(st: Store, actor_id: str) -> pd.DataFrame:
    """Per source: articles mentioning the actor, their share of the source, mentions."""
    articles = _with_source(_read(st, "articles", actor_id))
    mentions = _read(st, "mentions", actor_id).merge(articles[["article_id", "source"]], on="article_id")
    if mentions.empty:
        return _empty(["source", "articles", "share", "mentions"])
    totals = _corpus_articles(st).groupby("source")["articles"].sum()
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
    return _quote_table(_read(st, "quotes", actor_id),
                        _with_source(_read(st, "articles", actor_id)).set_index("article_id"),
                        _read(st, "peers", actor_id).set_index("actor_id"), site=site, speaker=False)


def actor_interactions(st: Store, actor_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """What the actor did and had done to them, newest first (negated events included).

    Returns:
        Columns date, as ("source"/"target"), event (PLOVER type), partner (link), trigger,
        negated, sentence, article (link), plus plain partner_id, partner_name.
    """
    columns = ["date", "as", "event", "partner", "trigger", "negated", "sentence", "article",
               "partner_id", "partner_name", "article_id"]
    table = _read(st, "interactions", actor_id)
    if table.empty:
        return _empty(columns)
    table = _join_interactions(table, _read(st, "peers", actor_id).set_index("actor_id"),
                               _with_source(_read(st, "articles", actor_id)).set_index("article_id"))
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
    own = _read(st, "mentions", actor_id)[keys].drop_duplicates()
    mine = _read(st, "themes", actor_id)  # the themes of the sentences naming the actor
    if own.empty or mine.empty:
        return _empty(columns)
    n_all = max(int(corpus_figures(st, "sentences")["sentences"].iloc[0]), 1)
    baseline = corpus_figures(st, "sentences by theme").set_index("theme")["sentences"]
    counts = mine.groupby("theme").size().rename("sentences").reset_index()
    counts["share"] = counts["sentences"] / len(own)
    counts["baseline"] = counts["theme"].map(baseline) / n_all
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
    columns = ["period", "series", "tone", "sentences"]
    corpus, freq = _dated(_corpus_articles(st), freq)
    if corpus.empty:
        return _empty(columns)
    dates = _read(st, "articles", actor_id)[["article_id", "date"]].dropna(subset=["date"])
    mine = _read(st, "sentences", actor_id).merge(dates, on="article_id")
    if mine.empty:
        return _empty(columns)
    mine["period"] = _period(mine["date"], freq)
    actor = _read(st, "actor", actor_id)
    name = _text(actor["name"].iloc[0]) if len(actor) else actor_id
    own = mine.groupby("period").agg(tone=("tone", "mean"), sentences=("tone", "size")).reset_index()
    everyone = corpus_figures(st, "tone by date")
    everyone["period"] = _period(everyone["date"], freq)
    everyone = everyone.groupby("period")[["sentences", "tone_sum", "tone_count"]].sum()
    everyone["tone"] = everyone["tone_sum"] / everyone["tone_count"]
    out = pd.concat([own.assign(series=name),
                     everyone[["tone", "sentences"]].reset_index().assign(series="corpus")],
                    ignore_index=True)
    out = out[out["period"].isin(mine["period"].unique())]
    return out[columns].reset_index(drop=True)


def co_mentioned(st: Store, actor_id: str, n: int = 15, *, site: str | Path = "") -> pd.DataFrame:
    """Actors named in the same sentences (and articles) as this one, most often first."""
    keys = ["article_id", "sentence_id"]
    columns = ["actor_id", "name", "actor", "kind", "sentences", "articles"]
    named = _read(st, "co-mentions", actor_id)  # who is named where in the actor's articles
    own = named.loc[named["actor_id"] == actor_id, keys]
    others = named[named["actor_id"] != actor_id]
    same_sentence = others.merge(own, on=keys)
    same_article = others[["article_id", "actor_id"]].drop_duplicates()
    if same_article.empty:
        return _empty(columns)
    table = pd.DataFrame({
        "sentences": same_sentence.groupby("actor_id").size(),
        "articles": same_article.groupby("actor_id").size(),
    }).fillna(0).astype("int64")
    peers = _read(st, "peers", actor_id).set_index("actor_id")
    out = _actor_counts(peers, table.sort_values(["sentences", "articles"], ascending=False).head(n), site)
    return _attrs(out[columns], html=["actor"], hide=["actor_id", "name"])


def _read(st: Store, part: str, actor_id: str) -> pd.DataFrame:
    """The rows of an actor profile's read `part` (views.reads.READS["actor"])."""
    return read(st, "actor", part, actor_id)
