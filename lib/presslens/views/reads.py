"""What each page kind reads from the store, declared once.

`READS[kind][part]` is a DuckDB query over the store's tables taking the page's key as the
parameter `$key` (an actor id, a theme id, an article id). The views of that page kind fetch
their rows with `read(st, kind, part, key)`, and the report runner hashes the rows of the
same queries into the page's fingerprint (`page_reads`), so what a page shows and what
rebuilds it cannot drift apart. `LINKS[kind]` lists the site keys a page may link to.

Subject pages also compare with the whole corpus (articles per period and source for the
time axis and shares, a theme's baseline, the corpus tone line, the overall tone of a theme's
actors). Those are the figures in `CORPUS`, read with `corpus_figures(st, name)`. They are
deliberately not part of the fingerprint: a page keeps the corpus figures of the run that built it, so that
adding unrelated articles does not rebuild every page (`--force` refreshes them).

The overview and validation pages read the whole store.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict

import pandas as pd

from presslens.store import Store

ARTICLE_META = "article_id, title, date, source, url"
ARTICLE_TABLES = ("articles", "sentences", "mentions", "actor_roles", "themes", "article_themes",
                  "quotes", "interactions")
STORE_TABLES = (*ARTICLE_TABLES, "actors", "rejected")

# Building blocks: the ids a page's key leads to.
_ACTOR_ARTICLES = """
    SELECT article_id FROM mentions WHERE actor_id = $key
    UNION SELECT article_id FROM actor_roles WHERE actor_id = $key
    UNION SELECT article_id FROM quotes WHERE speaker_actor_id = $key
    UNION SELECT article_id FROM interactions WHERE $key IN (source_actor_id, target_actor_id)"""
_ACTOR_SENTENCES = "SELECT DISTINCT article_id, sentence_id FROM mentions WHERE actor_id = $key"
_ACTOR_PEERS = """
    SELECT actor_id FROM mentions
        WHERE article_id IN (SELECT article_id FROM mentions WHERE actor_id = $key)
    UNION SELECT source_actor_id FROM interactions WHERE target_actor_id = $key
    UNION SELECT target_actor_id FROM interactions WHERE source_actor_id = $key"""

_THEME_ARTICLES = """
    SELECT article_id FROM article_themes WHERE theme = $key
    UNION SELECT article_id FROM themes WHERE theme = $key"""
_THEME_SENTENCES = "SELECT DISTINCT article_id, sentence_id FROM themes WHERE theme = $key"
_THEME_ACTORS = f"""
    SELECT DISTINCT actor_id FROM mentions JOIN ({_THEME_SENTENCES}) USING (article_id, sentence_id)"""

_ARTICLE_ACTORS = """
    SELECT actor_id FROM mentions WHERE article_id = $key
    UNION SELECT speaker_actor_id FROM quotes WHERE article_id = $key
    UNION SELECT source_actor_id FROM interactions WHERE article_id = $key
    UNION SELECT target_actor_id FROM interactions WHERE article_id = $key
    UNION SELECT actor_id FROM actor_roles WHERE article_id = $key"""

READS: dict[str, dict[str, str]] = {
    "actor": {
        "actor": "SELECT * FROM actors WHERE actor_id = $key",
        "mentions": "SELECT * FROM mentions WHERE actor_id = $key",
        "actor_roles": "SELECT * FROM actor_roles WHERE actor_id = $key",
        "quotes": "SELECT * FROM quotes WHERE speaker_actor_id = $key",
        "interactions": "SELECT * FROM interactions WHERE $key IN (source_actor_id, target_actor_id)",
        "articles": f"SELECT {ARTICLE_META} FROM articles WHERE article_id IN ({_ACTOR_ARTICLES})",
        "sentences": "SELECT article_id, sentence_id, tone FROM sentences "
                     f"JOIN ({_ACTOR_SENTENCES}) USING (article_id, sentence_id)",
        "themes": "SELECT DISTINCT article_id, sentence_id, theme FROM themes "
                  f"JOIN ({_ACTOR_SENTENCES}) USING (article_id, sentence_id)",
        "co-mentions": "SELECT DISTINCT article_id, sentence_id, actor_id FROM mentions "
                       "WHERE article_id IN (SELECT article_id FROM mentions WHERE actor_id = $key)",
        "peers": f"SELECT actor_id, name, kind FROM actors WHERE actor_id IN ({_ACTOR_PEERS})",
    },
    "theme": {
        "themes": "SELECT * FROM themes WHERE theme = $key",
        "article_themes": "SELECT * FROM article_themes WHERE theme = $key",
        "co-themes": "SELECT DISTINCT article_id, theme FROM article_themes "
                     f"WHERE article_id IN ({_THEME_ARTICLES})",
        "articles": f"SELECT {ARTICLE_META} FROM articles WHERE article_id IN ({_THEME_ARTICLES})",
        # passage: the sentence as it stands in the article text, where the hits' offsets point
        "sentences": 'SELECT s.*, substr(a.text, s.start + 1, s."end" - s.start) AS passage '
                     f"FROM sentences AS s JOIN ({_THEME_SENTENCES}) USING (article_id, sentence_id) "
                     "JOIN articles AS a USING (article_id)",
        "mentions": "SELECT DISTINCT article_id, sentence_id, actor_id FROM mentions "
                    f"JOIN ({_THEME_SENTENCES}) USING (article_id, sentence_id)",
        "actors": f"SELECT actor_id, name, kind FROM actors WHERE actor_id IN ({_THEME_ACTORS})",
    },
    "article": {  # everything but the input path, which the brief does not show
        **{table: f"SELECT * FROM {table} WHERE article_id = $key" for table in ARTICLE_TABLES},
        "articles": "SELECT * EXCLUDE (path) FROM articles WHERE article_id = $key",
        "actors": f"SELECT actor_id, name, kind, country FROM actors WHERE actor_id IN ({_ARTICLE_ACTORS})",
    },
    "overview": {table: f"SELECT * FROM {table}" for table in STORE_TABLES},
}
READS["validation"] = READS["overview"]

# The pages a page may link to, as site keys ("actor:<id>", ...); the runner intersects them
# with the site plan.
LINKS: dict[str, str] = {
    "actor": f"""
        SELECT 'actor:' || actor_id FROM ({_ACTOR_PEERS}) AS peers(actor_id)
        UNION SELECT 'theme:' || theme FROM themes JOIN ({_ACTOR_SENTENCES}) USING (article_id, sentence_id)
        UNION SELECT 'article:' || article_id FROM ({_ACTOR_ARTICLES}) AS own(article_id)""",
    "theme": f"""
        SELECT 'actor:' || actor_id FROM ({_THEME_ACTORS}) AS named(actor_id)
        UNION SELECT 'theme:' || theme FROM article_themes WHERE article_id IN ({_THEME_ARTICLES})
        UNION SELECT 'article:' || article_id FROM ({_THEME_ARTICLES}) AS own(article_id)""",
    "article": f"""
        SELECT 'actor:' || actor_id FROM ({_ARTICLE_ACTORS}) AS named(actor_id)
        UNION SELECT 'theme:' || theme FROM article_themes WHERE article_id = $key
        UNION SELECT 'theme:' || theme FROM themes WHERE article_id = $key""",
}

# Corpus-wide aggregates subject pages compare with (not fingerprinted; see above).
CORPUS: dict[str, str] = {
    # articles per day and source: the time axis, per-source totals, "N of M articles"
    "articles by date and source": "SELECT date, source, count(*) AS articles FROM articles GROUP BY ALL",
    # sentences of dated articles per day: the corpus tone line
    "tone by date": "SELECT a.date, count(*) AS sentences, sum(s.tone) AS tone_sum, "
                    "count(s.tone) AS tone_count FROM sentences AS s JOIN articles AS a USING (article_id) "
                    "WHERE a.date IS NOT NULL GROUP BY a.date",
    # sentences carrying each theme: a theme's baseline share
    "sentences by theme": "SELECT theme, count(*) AS sentences FROM "
                          "(SELECT DISTINCT article_id, sentence_id, theme FROM themes) GROUP BY theme",
    # articles carrying each theme: how likely a theme is in the corpus at large
    "articles by theme": "SELECT theme, count(*) AS articles FROM "
                         "(SELECT DISTINCT article_id, theme FROM article_themes) GROUP BY theme",
    "sentences": "SELECT count(*) AS sentences FROM sentences",
    # the overall tone of the actors named with a theme ($key), next to their tone there
    "tone of a theme's actors": f"SELECT actor_id, tone FROM actors WHERE actor_id IN ({_THEME_ACTORS})",
}


def page_reads(kind: str) -> dict[str, str]:
    """Part name -> query (taking $key) of what a page of this kind reads; for fingerprints."""
    return READS[kind]


def read(st: Store, kind: str, part: str, key: str) -> pd.DataFrame:
    """The rows `READS[kind][part]` returns for this key (a copy the caller may change)."""
    return _rows(st, READS[kind][part], key)


def corpus_figures(st: Store, name: str, key: str | None = None) -> pd.DataFrame:
    """The corpus-wide figures `CORPUS[name]`, for the page's key when the query takes one
    (a copy the caller may change)."""
    return _rows(st, CORPUS[name], key)


# The views of one page ask for the same rows several times, and every page of a warm kernel
# for the same corpus figures: keep the latest results of each open store. A store's results
# are dropped when the Store object goes, so a reopened or rebuilt store is never served rows
# it does not hold.
_RECENT: OrderedDict[tuple[int, str, str | None], pd.DataFrame] = OrderedDict()
_RECENT_SIZE = 64
_WATCHED: set[int] = set()


def _rows(st: Store, query: str, key: str | None) -> pd.DataFrame:
    owner = id(st)
    if owner not in _WATCHED:
        _WATCHED.add(owner)
        weakref.finalize(st, _forget, owner)
    token = (owner, query, key)
    if token in _RECENT:
        _RECENT.move_to_end(token)
    else:
        _RECENT[token] = st.con.execute(query, {"key": key} if key is not None else {}).df()
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return _RECENT[token].copy()


def _forget(owner: int) -> None:
    _WATCHED.discard(owner)
    for token in [t for t in _RECENT if t[0] == owner]:
        del _RECENT[token]
