import pandas as pd
import pytest

from presslens.extract.discovery import COLUMNS, candidate_themes

FOOTBALL = [
    "The football club won the league after a dramatic final match.",
    "Fans celebrated as the football team lifted the league trophy.",
    "The striker scored twice and the football club topped the league.",
    "A late goal decided the football match between the two league rivals.",
]
COOKING = [
    "The chef shared a recipe for bread baked with olive oil and rosemary.",
    "Bake the bread slowly; the recipe needs fresh yeast and olive oil.",
    "Her bread recipe uses rye flour and a long bake in a stone oven.",
    "The recipe book explains how to bake sourdough bread at home.",
]


def make_sentences(texts, article_id="a"):
    return pd.DataFrame(
        {"article_id": article_id, "sentence_id": range(len(texts)), "text": list(texts)}
    )


def no_hits():
    return pd.DataFrame(columns=["article_id", "sentence_id", "theme", "term", "start", "end"])


def test_discovery_separates_topics():
    table = candidate_themes(make_sentences(FOOTBALL + COOKING), no_hits(), n_topics=2)
    assert list(table.columns) == COLUMNS
    assert len(table) == 2
    term_sets = [set(terms) for terms in table["top_terms"]]
    assert any({"football", "league"} <= s for s in term_sets)
    assert any({"recipe", "bread"} <= s for s in term_sets)
    assert table["n_sentences"].sum() == 8


def test_discovery_skips_sentences_with_themes():
    sentences = make_sentences(FOOTBALL + COOKING)
    hits = pd.DataFrame(
        {
            "article_id": "a",
            "sentence_id": range(len(FOOTBALL)),
            "theme": "sport",
            "term": "football",
            "start": 0,
            "end": 8,
        }
    )
    table = candidate_themes(sentences, hits, n_topics=3)
    assert not any("football" in terms for terms in table["top_terms"])
    assert set(table["example_sentence"]) <= set(COOKING)
    assert table["n_sentences"].sum() == len(COOKING)


def test_discovery_hits_in_other_article_do_not_hide_sentence():
    sentences = make_sentences(COOKING, article_id="a")
    hits = pd.DataFrame({"article_id": ["b"], "sentence_id": [0], "theme": ["x"]})
    table = candidate_themes(sentences, hits, n_topics=1)
    assert table["n_sentences"].sum() == len(COOKING)


@pytest.mark.parametrize("n_sentences, n_topics", [(1, 8), (3, 8), (2, 1)])
def test_discovery_tiny_input_fits_fewer_topics(n_sentences, n_topics):
    table = candidate_themes(make_sentences(COOKING[:n_sentences]), no_hits(), n_topics=n_topics)
    assert 1 <= len(table) <= min(n_sentences, n_topics)
    assert table["article_id"].eq("a").all()


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["", "   "],
        ["It is 2024 and we are at 10.", "On 12 May at 9 am."],  # stop words and numbers only
    ],
)
def test_discovery_empty_result(texts):
    table = candidate_themes(make_sentences(texts), no_hits())
    assert table.empty
    assert list(table.columns) == COLUMNS


def test_discovery_all_sentences_covered():
    sentences = make_sentences(COOKING)
    hits = sentences[["article_id", "sentence_id"]].assign(theme="food")
    table = candidate_themes(sentences, hits)
    assert table.empty
    assert list(table.columns) == COLUMNS


def test_discovery_drops_numbers_and_short_tokens():
    texts = ["Tariff of 25 pct on EU cars in 2025.", "Tariff of 10 pct on EU steel in 2025."]
    table = candidate_themes(make_sentences(texts), no_hits(), n_topics=1, n_terms=20)
    terms = set(table["top_terms"][0])
    assert "tariff" in terms
    assert not any(ch.isdigit() for term in terms for ch in term)
    assert not {"eu", "of", "on", "in"} & terms


@pytest.mark.parametrize("n_terms", [1, 3])
def test_discovery_term_count(n_terms):
    table = candidate_themes(
        make_sentences(FOOTBALL + COOKING), no_hits(), n_topics=2, n_terms=n_terms
    )
    assert all(len(terms) <= n_terms for terms in table["top_terms"])


def test_discovery_is_deterministic():
    sentences = make_sentences(FOOTBALL + COOKING)
    first = candidate_themes(sentences, no_hits(), n_topics=3, random_state=1)
    second = candidate_themes(sentences, no_hits(), n_topics=3, random_state=1)
    pd.testing.assert_frame_equal(first, second)
