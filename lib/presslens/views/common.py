"""Values and lookups every page shares: constants, missing-value and date helpers, the
codebook, and resolving a page's key (actor, theme, article) to its row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from presslens.codebook import Theme, load_codebook
from presslens.store import Store
from presslens.views.reads import corpus_figures, read

KINDS = ("person", "organization", "country", "group", "agent")


KIND_LABELS = {"person": "People", "organization": "Organisations", "country": "Countries",
               "group": "Groups", "agent": "Agents"}


# Light backgrounds for highlighted mentions; same hues as plots.KIND_COLORS. The page
# stylesheet (templates/presslens/static/presslens.css) repeats them and THEME_UNDERLINE.
KIND_BACKGROUNDS = {"person": "#fde3b0", "organization": "#cfe3f6", "country": "#d3efd0",
                    "group": "#e8d9f3", "agent": "#f6dccf"}


THEME_UNDERLINE = "#c0392b"


NO_SOURCE = "(no source)"
# The side of an interaction whose text names no actor (interactions.missing_side).
NOT_NAMED = "(not named)"


PERCENT_COLUMNS = frozenset({"share", "baseline"})  # fractions shown as percentages


def resolve_actor(st: Store, actor: str) -> pd.Series:
    """The actor row for an id, canonical name or alias; KeyError with suggestions if none."""
    return st.find_actor(actor)


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


def resolve_article(st: Store, article_id: str) -> pd.Series:
    """The article row (all but its input path); KeyError naming close ids when there is none."""
    hit = read(st, "article", "articles", article_id)
    if hit.empty:
        close = st.sql("SELECT article_id FROM articles WHERE contains(article_id, ?) ORDER BY rowid LIMIT 3",
                       [article_id.strip()[:20]])["article_id"]
        hint = f"; did you mean {', '.join(close)}?" if len(close) else ""
        raise KeyError(f"no article '{article_id}' in {st.path}{hint}")
    return hit.iloc[0]


def date_range(st: Store) -> str:
    """"2021-02-15 to 2021-08-27", or a note that the articles carry no dates."""
    meta = st.meta
    return _seen(meta.get("date_min") or None, meta.get("date_max") or None, undated="no dated articles")


def country_name(iso3: object) -> str:
    """The short English name for an ISO3 code (the code itself when unknown)."""
    if _missing(iso3):
        return ""
    from presslens.geo import gazetteer

    return gazetteer().name(str(iso3))


def _with_source(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles (or rows with a source column) with NO_SOURCE where the source is missing."""
    return articles.assign(source=articles["source"].fillna(NO_SOURCE).replace("", NO_SOURCE))


def _join_interactions(table: pd.DataFrame, actors: pd.DataFrame,
                       articles: pd.DataFrame) -> pd.DataFrame:
    """Interactions with their actors' names and kinds and their article's date, source and
    title; `actors` and `articles` are indexed by id and cover the rows' actors and articles.
    A side the text does not name (null id) is named NOT_NAMED, so it is counted and shown."""
    table = table.assign(
        source_name=table["source_actor_id"].map(actors["name"]).where(
            table["source_actor_id"].notna(), NOT_NAMED),
        target_name=table["target_actor_id"].map(actors["name"]).where(
            table["target_actor_id"].notna(), NOT_NAMED),
        source_kind=table["source_actor_id"].map(actors["kind"]),
        target_kind=table["target_actor_id"].map(actors["kind"]),
        date=table["article_id"].map(articles["date"]),
        source=table["article_id"].map(articles["source"]),
        title=table["article_id"].map(articles["title"]),
    )
    return table.reset_index(drop=True)


def _corpus_articles(st: Store) -> pd.DataFrame:
    """Articles per date and source over the whole corpus (columns date, source, articles)."""
    counts = _with_source(corpus_figures(st, "articles by date and source"))
    return counts.groupby(["date", "source"], dropna=False, as_index=False)["articles"].sum()


def _dated(counts: pd.DataFrame, freq: str) -> tuple[pd.DataFrame, str]:
    """The dated rows of _corpus_articles with their period, and the frequency resolved."""
    dated = counts.dropna(subset=["date"])
    if dated.empty:
        return dated, freq
    freq = _freq(dated["date"], freq)
    return dated.assign(period=_period(dated["date"], freq)), freq


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
    return _FREQ_NAMES[_freq(_corpus_articles(st)["date"], freq)]


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


def _seen(first: object, last: object, undated: str = "undated") -> str:
    """"2021-02-15", or "2021-02-15 to 2021-08-27"; `undated` when there is no first date."""
    a, b = _date(first), _date(last)
    if not a:
        return undated
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
