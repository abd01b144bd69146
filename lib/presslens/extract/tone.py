"""Sentence tone with VADER and the mean tone of the sentences that mention an actor."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@lru_cache(maxsize=1)
def tone_analyzer() -> SentimentIntensityAnalyzer:
    """The shared VADER analyzer; loading its lexicon takes a while, so it is built once."""
    return SentimentIntensityAnalyzer()


def sentence_tone(
    texts: Iterable[str], *, analyzer: SentimentIntensityAnalyzer | None = None
) -> list[float]:
    """VADER compound score of each text, from -1 (negative) to 1 (positive).

    VADER was built for social media; on diplomatic prose most sentences score near 0,
    and it reads words, not who is praised or blamed.
    """
    analyzer = analyzer or tone_analyzer()
    return [float(analyzer.polarity_scores(text)["compound"]) for text in texts]


def actor_tone(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.Series:
    """Mean tone of the distinct sentences that mention each actor.

    Args:
        mentions: columns article_id, sentence_id, actor_id.
        sentences: columns article_id, sentence_id, tone.

    Returns:
        Series named "tone" indexed by actor_id. A sentence counts once per actor however
        often the actor appears in it; actors with no toned sentence get NaN.
    """
    keys = ["article_id", "sentence_id"]
    pairs = mentions[[*keys, "actor_id"]].drop_duplicates()
    toned = pairs.merge(sentences[[*keys, "tone"]].drop_duplicates(keys), on=keys, how="left")
    result = toned.groupby("actor_id", sort=True)["tone"].mean()
    return result.rename("tone")
