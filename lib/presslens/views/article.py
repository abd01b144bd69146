"""The article brief: one article with its actors, quotes, interactions, themes and tone."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from presslens.store import Store
from presslens.views.common import (
    KIND_LABELS,
    KINDS,
    NO_SOURCE,
    _attrs,
    _date,
    _empty,
    _join_interactions,
    _missing,
    _text,
    _theme_label,
    _tone_text,
    _with_source,
    country_name,
    resolve_article,
)
from presslens.views.markup import (
    _card,
    _links,
    _marked_sentence,
    _quote_table,
    _underlined,
    actor_link,
    report_href,
    theme_link,
)
from presslens.views.reads import read


def article_card(st: Store, article_id: str, site: str | Path = "") -> str:
    """Title, date, source, link to the original, size and mean tone of one article."""
    art = resolve_article(st, article_id)
    sentences = _read(st, "sentences", article_id)
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
    actors = _read(st, "actors", article_id).set_index("actor_id")
    mentions = _read(st, "mentions", article_id).sort_values(
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
        hits = _read(st, "themes", article_id)
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
            inner = f'<a href="{html.escape(href)}">{inner}</a>'
        pronoun = " pl-pronoun" if how == "pronoun" else ""
        parts.append(
            f'<mark class="pl-mention pl-{html.escape(kind)}{pronoun}" data-actor="{html.escape(actor_id)}"'
            f' title="{html.escape(name)} ({html.escape(kind)}, {html.escape(_text(how))})">{inner}</mark>')
        pos = end
    parts.append(_underlined(text, pos, len(text), theme_spans))

    kinds = [k for k in KINDS if k in {_text(actors["kind"].get(a)) for _, _, a, _ in kept}]
    legend = "".join(
        f'<span class="pl-mention pl-{k}">{KIND_LABELS[k]}</span>' for k in kinds)
    if theme_spans:
        legend += '<span class="pl-theme">theme term</span>'
    if any(how == "pronoun" for *_, how in kept):
        legend += '<span class="pl-pronoun">pronoun or title referring to an actor</span>'
    legend = legend or '<span class="pl-muted">No actor mentions found.</span>'
    return (
        '<div class="pl-article">'
        f'<div class="pl-legend">{legend}</div>'
        f'<div class="pl-article-text">{"".join(parts)}</div></div>'
    )


def article_actors(st: Store, article_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """Actors in the article with kind, country, the roles given to them there, mentions and
    the mean tone of the sentences naming them."""
    keys = ["article_id", "sentence_id"]
    columns = ["actor_id", "name", "actor", "kind", "country", "roles", "mentions", "tone"]
    mentions = _read(st, "mentions", article_id)
    if mentions.empty:
        return _empty(columns)
    tone = mentions[[*keys, "actor_id"]].drop_duplicates().merge(
        _read(st, "sentences", article_id)[[*keys, "tone"]], on=keys).groupby("actor_id")["tone"].mean()
    roles = _read(st, "actor_roles", article_id).groupby("actor_id")["role"].agg(
        lambda r: list(dict.fromkeys(r)))
    counts = mentions.groupby("actor_id").agg(mentions=("start", "size"), first=("start", "min"))
    counts = counts.sort_values(["mentions", "first"], ascending=[False, True])
    actors = _read(st, "actors", article_id).set_index("actor_id")
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
    quotes = _read(st, "quotes", article_id)
    return _quote_table(quotes, _with_source(_read(st, "articles", article_id)).set_index("article_id"),
                        _read(st, "actors", article_id).set_index("actor_id"),
                        site=site, speaker=True, newest_first=False)


def article_interactions(st: Store, article_id: str, *, site: str | Path = "") -> pd.DataFrame:
    """Interactions in the article, in text order: who did what (PLOVER type) to whom."""
    columns = ["from", "event", "to", "trigger", "negated", "sentence"]
    table = _read(st, "interactions", article_id).sort_values("sentence_id")
    if table.empty:
        return _empty(columns)
    table = _join_interactions(table, _read(st, "actors", article_id).set_index("actor_id"),
                               _with_source(_read(st, "articles", article_id)).set_index("article_id"))
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
    per_article = _read(st, "article_themes", article_id)
    if per_article.empty:
        return _empty(columns)
    art = resolve_article(st, article_id)
    text = _text(art["text"])
    hits = _read(st, "themes", article_id).merge(
        _read(st, "sentences", article_id)[[*keys, "start", "end"]].rename(
            columns={"start": "s_start", "end": "s_end"}), on=keys)
    carried = {}
    for theme, group in hits.groupby("theme"):
        pieces = [
            _marked_sentence(text, g["s_start"].iloc[0], g["s_end"].iloc[0],
                             list(zip(g["start"], g["end"], strict=True)), title=theme)
            for _, g in group.groupby("sentence_id")
        ]
        carried[theme] = "".join(f'<div class="pl-carrier">{p}</div>' for p in pieces)
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
    sentences = _read(st, "sentences", article_id)
    return sentences[["sentence_id", "tone", "text"]].sort_values("sentence_id").reset_index(
        drop=True)


def _read(st: Store, part: str, article_id: str) -> pd.DataFrame:
    """The rows of an article brief's read `part` (views.reads.READS["article"])."""
    return read(st, "article", part, article_id)
