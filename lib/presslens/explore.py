"""Exploring a store from JupyterLab: what a folder and a store hold, lookups that name the
closest matches when they fail, and report pages rendered inline.

The inline pages call the same views, in the same order, as the report notebooks
(`10-actor-profile`, `20-theme-report`, `30-article-brief`), with plain names instead of
links (there is no site around them); tests/test_explore.py checks that they stay in step.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import shlex
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from presslens import plots, views
from presslens.codebook import Theme, load_codebook
from presslens.config import project_root
from presslens.errors import UserError
from presslens.store import DATABASE, Store

CLOSE_ENOUGH = 0.6  # below this a suggestion misleads more than it helps
CLOSE_BEHIND_BEST = 0.15
SUGGESTIONS = 5
REPORT_NOTEBOOKS = {"actor": "10-actor-profile", "theme": "20-theme-report",
                    "article_id": "30-article-brief"}


class NotFound(UserError, LookupError):
    """An actor, article or theme the store does not hold; the message names the closest ones."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the message is all a reader needs.
        return [f"{type(self).__name__}: {self}"]


# ------------------------------------------------------------------------ stores and tables


def find_stores(folder: str | Path = "data/processed") -> pd.DataFrame:
    """The stores in `folder` (relative to the project root): corpus, articles, dates, build time."""
    base = Path(folder) if Path(folder).is_absolute() else project_root() / folder
    rows = []
    for database in sorted(base.glob(f"*/{DATABASE}")):
        meta_file = database.parent / "meta.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
        rows.append({"store": str(database.parent), "corpus": meta.get("corpus", database.parent.name),
                     "articles": meta.get("n_articles"), "rejected": meta.get("n_rejected"),
                     "first date": meta.get("date_min"), "last date": meta.get("date_max"),
                     "built": meta.get("built")})
    return pd.DataFrame(rows, columns=["store", "corpus", "articles", "rejected", "first date",
                                       "last date", "built"])


def contents(st: Store) -> pd.DataFrame:
    """One row per table of the store: its name, number of rows and columns."""
    rows = []
    for name in st.tables:
        columns = st.sql(f'DESCRIBE "{name}"')["column_name"].tolist()
        rows.append({"table": name, "rows": int(st.sql(f'SELECT count(*) AS n FROM "{name}"')["n"].iloc[0]),
                     "columns": ", ".join(columns)})
    return pd.DataFrame(rows, columns=["table", "rows", "columns"])


# ---------------------------------------------------------------------- close matches


def closeness(text: str, key: str) -> float:
    """How close `text` is to `key`, from 0 to 1, ignoring case.

    The better of difflib's ratio over the whole strings and the mean, over the words of
    `text`, of each word's best ratio against a word of `key` (a word scoring under 0.75
    counts 0), so that 'Raisi' is close to 'Ebrahim Raisi' and a slug sharing most words
    with an article id is close to it whatever their order.
    """
    text, key = text.strip().lower(), key.strip().lower()
    if not text or not key:
        return 0.0
    whole = difflib.SequenceMatcher(None, text, key).ratio()
    words = [w for w in re.findall(r"\w+", text) if len(w) > 1]
    key_words = [w for w in re.findall(r"\w+", key) if len(w) > 1]
    if not words or not key_words:
        return whole
    per_word = []
    for word in words:
        best = max(difflib.SequenceMatcher(None, word, k).ratio() for k in key_words)
        per_word.append(best if best >= 0.75 else 0.0)
    return max(whole, sum(per_word) / len(per_word))


def _ranked(keys: Iterable[tuple[str, str]], text: str, n: int) -> pd.DataFrame:
    """(id, matched, score) of the n ids whose best key is closest to text, best first."""
    best: dict[str, tuple[float, str]] = {}
    for key, ident in keys:
        score = closeness(text, str(key))
        if score >= CLOSE_ENOUGH and score > best.get(ident, (-1.0, ""))[0]:
            best[ident] = (score, str(key))
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:n]
    # Far behind the best, a match is noise ('Germany' for 'Blinkin' next to 'Blinken').
    ranked = [item for item in ranked if item[1][0] >= ranked[0][1][0] - CLOSE_BEHIND_BEST]
    return pd.DataFrame([{"id": i, "matched": key, "score": round(score, 2)}
                         for i, (score, key) in ranked], columns=["id", "matched", "score"])


def actor_matches(st: Store, text: str, n: int = SUGGESTIONS) -> pd.DataFrame:
    """The n actors whose name, alias or id is closest to `text` (name, kind, matched, score)."""
    actors = st.table("actors")
    keys = [(key, row.actor_id) for row in actors.itertuples()
            for key in (row.name, row.actor_id, *_names(row.aliases))]
    ranked = _ranked(keys, text, n)
    found = actors.set_index("actor_id").loc[ranked["id"]]
    return pd.DataFrame({"name": found["name"].to_numpy(), "actor_id": ranked["id"],
                         "kind": found["kind"].to_numpy(), "mentions": found["n_mentions"].to_numpy(),
                         "matched": ranked["matched"], "score": ranked["score"]})


def article_matches(st: Store, text: str, n: int = SUGGESTIONS) -> pd.DataFrame:
    """The n articles whose id or title is closest to `text` (article_id, title, date, score)."""
    articles = st.table("articles")
    keys = [(key, row.article_id) for row in articles.itertuples()
            for key in (row.article_id, *_names([row.title]))]
    ranked = _ranked(keys, text, n)
    found = articles.set_index("article_id").loc[ranked["id"]]
    return pd.DataFrame({"article_id": ranked["id"], "title": found["title"].to_numpy(),
                         "date": found["date"].to_numpy(), "matched": ranked["matched"],
                         "score": ranked["score"]})


def theme_matches(st: Store, text: str, n: int = SUGGESTIONS) -> pd.DataFrame:
    """The n codebook themes whose id or label is closest to `text` (theme, label, score)."""
    codebook = _codebook(st)
    ranked = _ranked([(key, t.id) for t in codebook.values() for key in (t.id, t.label)], text, n)
    return pd.DataFrame({"theme": ranked["id"], "label": [codebook[i].label for i in ranked["id"]],
                         "matched": ranked["matched"], "score": ranked["score"]})


def _names(values: object) -> list[str]:
    # Aliases come back from Parquet as an array (or None); titles may be missing.
    if values is None or isinstance(values, float):
        return []
    return [str(v) for v in values if isinstance(v, str) and v]


def _codebook(st: Store) -> dict[str, Theme]:
    # The codebook the store was built with, as the views read it; the bundled one otherwise.
    path = st.meta.get("codebook")
    return load_codebook(path if path and Path(path).is_file() else None, check_patterns=False)


# ---------------------------------------------------------------------------- lookups


def find_actor(st: Store, actor: str) -> pd.Series:
    """The actor row for a canonical name, alias or id (any case), as the reports resolve it.

    Raises NotFound naming the closest actors when there is none.
    """
    try:
        return views.resolve_actor(st, actor)
    except (LookupError, UserError):
        matches = actor_matches(st, actor)
    close = [f"{r.name} ({r.actor_id})" for r in matches.itertuples()]
    raise NotFound(_message(f"actor {actor!r}", st, close,
                            "pass a canonical name, an alias or an actor id "
                            "(st.table('actors') lists them all)")) from None


def find_article(st: Store, article_id: str) -> pd.Series:
    """The article row for an article id; NotFound naming the closest ids and titles if none."""
    try:
        return views.resolve_article(st, article_id)
    except (LookupError, UserError):
        matches = article_matches(st, article_id)
    close = [f"{r.article_id} ({r.title})" for r in matches.itertuples()]
    raise NotFound(_message(f"article {article_id!r}", st, close,
                            "pass an id from the articles table (st.table('articles'))")) from None


def find_theme(st: Store, theme: str) -> Theme:
    """The codebook theme for an id or label (any case); NotFound naming the closest if none."""
    try:
        return views.resolve_theme(st, theme)
    except (LookupError, UserError):
        matches = theme_matches(st, theme)
    close = [f"{r.theme} ({r.label})" for r in matches.itertuples()]
    raise NotFound(_message(f"theme {theme!r}", st, close,
                            f"pass a theme id or label from the codebook ({', '.join(_codebook(st))})")
                   ) from None


def _message(what: str, st: Store, close: list[str], what_to_do: str) -> str:
    hint = f"closest: {'; '.join(close)}" if close else "nothing close"
    return f"no {what} in the store {st.path}; {hint}. To fix: {what_to_do}."


# ------------------------------------------------------------------------- inline pages


def section(title: str) -> None:
    """Display a section heading of an inline page."""
    views.show_html(f'<h3 style="margin:1.2rem 0 .4rem">{html.escape(title)}</h3>')


def actor_page(st: Store, actor: str) -> None:
    """Display the actor profile of `actor` in the notebook, as 10-actor-profile renders it."""
    who = find_actor(st, actor)
    actor_id = who["actor_id"]
    views.show_html(views.header(st, f"Actor profile: {who['name']}",
                                 {"actor": actor, "store": str(st.path)}))
    section("Who")
    views.show_html(views.actor_card(st, actor_id))
    section("Presence over time and by source")
    plots.show(plots.actor_presence(views.actor_presence(st, actor_id), who["name"]),
               empty="None of the articles mentioning this actor carries a date.")
    views.show_table(views.actor_by_source(st, actor_id))
    section("What they said")
    views.show_table(views.actor_quotes(st, actor_id),
                     empty=f"No quotes or reported statements by {who['name']} were found.")
    section("What they did")
    plots.show(plots.partners(views.actor_partners(st, actor_id)), empty="")
    views.show_table(views.actor_interactions(st, actor_id),
                     empty=f"No interactions involving {who['name']} were found.")
    section("Themes")
    views.show_table(views.actor_themes(st, actor_id),
                     empty="None of the sentences naming this actor carries a codebook theme.")
    section("Tone")
    plots.show(plots.tone_over_time(views.actor_tone_over_time(st, actor_id)),
               empty="None of the articles naming this actor carries a date.")
    section("Co-mentioned actors")
    views.show_table(views.co_mentioned(st, actor_id, 20),
                     empty="No other actor appears in the articles naming this one.")
    _regenerate("actor", who["name"], st)


def theme_page(st: Store, theme: str) -> None:
    """Display the theme report of `theme` in the notebook, as 20-theme-report renders it."""
    t = find_theme(st, theme)
    views.show_html(views.header(st, f"Theme report: {t.label}", {"theme": t.id, "store": str(st.path)}))
    section("What the theme is")
    views.show_html(views.theme_card(st, t.id))
    section("Prevalence over time and by source")
    plots.show(plots.theme_prevalence(views.theme_prevalence(st, t.id), t.label),
               empty="No dated article carries this theme.")
    views.show_table(views.theme_by_source(st, t.id))
    section("Actors")
    views.show_table(views.theme_actors(st, t.id, 25),
                     empty="No actor is named in a sentence carrying this theme.")
    section("Example sentences")
    views.show_table(views.theme_examples(st, t.id, per_source=3),
                     empty="The theme was not found in this corpus.")
    section("Co-occurring themes")
    views.show_table(views.theme_cooccurrence(st, t.id),
                     empty="No other theme appears in the articles carrying this one.")
    _regenerate("theme", t.id, st)


def article_page(st: Store, article_id: str) -> None:
    """Display the article brief of `article_id` in the notebook, as 30-article-brief renders it."""
    art = find_article(st, article_id)
    article_id = art["article_id"]
    views.show_html(views.header(st, "Article brief", {"article_id": article_id, "store": str(st.path)}))
    section("The article")
    views.show_html(views.article_card(st, article_id))
    section("Text")
    views.show_html(views.article_html(st, article_id))
    section("Actors")
    views.show_table(views.article_actors(st, article_id), empty="No actors were found in this article.")
    section("Quotes")
    views.show_table(views.article_quotes(st, article_id),
                     empty="No quotes or reported statements were found in this article.")
    section("Interactions")
    views.show_table(views.article_interactions(st, article_id),
                     empty="No interactions between actors were found in this article.")
    section("Themes")
    views.show_table(views.article_themes(st, article_id), empty="No codebook theme was found in this article.")
    section("Tone")
    plots.show(plots.sentence_tone(views.article_tone(st, article_id)), empty="The article has no sentences.")
    _regenerate("article_id", article_id, st)


def papermill_command(parameter: str, value: str, store: str | Path) -> str:
    """The shell commands, run from the project root, that render a report page to a file.

    `parameter` is the report's parameter: 'actor', 'theme' or 'article_id'. The executed
    notebook and its HTML (actor-profile.html, ...) are written to the current folder.
    """
    notebook = REPORT_NOTEBOOKS[parameter]
    store = Path(store)
    root = project_root()
    if store.is_absolute() and store.is_relative_to(root):
        store = store.relative_to(root)
    executed = f"{notebook.split('-', 1)[1]}.ipynb"  # '10-actor-profile' -> actor-profile.ipynb
    return (f".venv/bin/papermill notebooks/{notebook}.ipynb {executed} "
            f"-p {parameter} {shlex.quote(value)} -p store {shlex.quote(str(store))}\n"
            f".venv/bin/jupyter nbconvert --to html --no-input {executed}")


def _regenerate(parameter: str, value: str, st: Store) -> None:
    views.show_html(
        '<p style="font:13px system-ui,sans-serif;color:#555">To render this page as a report file, '
        "from the project root:</p>"
        f"<pre>{html.escape(papermill_command(parameter, value, st.path))}</pre>")
