"""Theme discovery: topics in the sentences the codebook misses, to suggest new themes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer

COLUMNS = ["topic", "top_terms", "example_sentence", "article_id", "n_sentences"]
# Words of three or more letters: drops numbers, initials and most tokenizer debris.
_TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"


def candidate_themes(
    sentences: pd.DataFrame,
    theme_hits: pd.DataFrame,
    *,
    n_topics: int = 8,
    n_terms: int = 8,
    random_state: int = 0,
) -> pd.DataFrame:
    """NMF topics over TF-IDF of the sentences that carry no codebook theme.

    Args:
        sentences: columns article_id, sentence_id, text.
        theme_hits: columns article_id, sentence_id (others ignored); these sentences are
            left out.
        n_topics: upper bound; fewer are fitted when there are fewer sentences or terms.
        n_terms: top terms listed per topic.

    Returns:
        One row per topic, most sentences first: topic, top_terms (list of str),
        example_sentence (the sentence loading most on the topic), its article_id, and
        n_sentences (sentences whose strongest topic it is). Empty when nothing is left.

    The topics are suggestions for a person to read; they are not themes until added to
    the codebook.
    """
    keys = ["article_id", "sentence_id"]
    if sentences.empty or n_topics < 1:
        return _empty()
    rest = sentences
    if not theme_hits.empty:
        covered = pd.MultiIndex.from_frame(theme_hits[keys].drop_duplicates())
        rest = sentences[~pd.MultiIndex.from_frame(sentences[keys]).isin(covered)]
    rest = rest[rest["text"].fillna("").str.strip() != ""].reset_index(drop=True)
    if rest.empty:
        return _empty()

    vectorizer = TfidfVectorizer(
        stop_words="english",
        token_pattern=_TOKEN_PATTERN,
        ngram_range=(1, 2),
        # On a real corpus, terms seen once are noise; on a handful of sentences keep them.
        min_df=2 if len(rest) >= 50 else 1,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(rest["text"])
    except ValueError:  # only stop words, numbers or short tokens
        return _empty()
    k = min(n_topics, *matrix.shape)
    if k < 1 or matrix.nnz == 0:
        return _empty()

    with warnings.catch_warnings():
        # Tiny inputs converge slowly; the topics are still usable suggestions.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=500)
        weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    strongest = weights.argmax(axis=1)
    loaded = weights.max(axis=1) > 0

    rows = []
    for topic, loadings in enumerate(model.components_):
        order = [i for i in np.argsort(loadings)[::-1][:n_terms] if loadings[i] > 0]
        if not order:
            continue
        example = int(weights[:, topic].argmax())
        rows.append(
            {
                "topic": topic,
                "top_terms": [str(terms[i]) for i in order],
                "example_sentence": str(rest.at[example, "text"]).strip(),
                "article_id": rest.at[example, "article_id"],
                "n_sentences": int(((strongest == topic) & loaded).sum()),
            }
        )
    if not rows:
        return _empty()
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["n_sentences", "topic"], ascending=[False, True], ignore_index=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": pd.Series(dtype="int64"),
            "top_terms": pd.Series(dtype="object"),
            "example_sentence": pd.Series(dtype="object"),
            "article_id": pd.Series(dtype="object"),
            "n_sentences": pd.Series(dtype="int64"),
        }
    )
