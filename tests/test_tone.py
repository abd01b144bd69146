import math

import pandas as pd
import pytest

from presslens.extract.tone import actor_tone, sentence_tone, tone_analyzer


@pytest.mark.parametrize(
    "text, sign",
    [
        ("The leaders praised the excellent, friendly and productive talks.", 1),
        ("Officials condemned the brutal attack that killed dozens of civilians.", -1),
        ("The meeting was held in Geneva on Tuesday.", 0),
    ],
)
def test_tone_sentence_sign(text, sign):
    (score,) = sentence_tone([text])
    if sign == 0:
        assert score == pytest.approx(0.0, abs=0.05)
    else:
        assert score * sign > 0.3


@pytest.mark.parametrize("texts", [[], ["Great!", "Terrible.", ""], ("a", "b")])
def test_tone_sentence_range_and_length(texts):
    scores = sentence_tone(texts)
    assert len(scores) == len(texts)
    assert all(isinstance(s, float) and -1.0 <= s <= 1.0 for s in scores)


def test_tone_accepts_generator():
    assert len(sentence_tone(t for t in ["good", "bad"])) == 2


def test_tone_analyzer_is_shared():
    assert tone_analyzer() is tone_analyzer()


def test_tone_custom_analyzer():
    class Fixed:
        def polarity_scores(self, text):
            return {"compound": 0.5}

    assert sentence_tone(["anything"], analyzer=Fixed()) == [0.5]


def test_tone_actor_counts_each_sentence_once():
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "b"],
            "sentence_id": [0, 0, 1, 0],
            "actor_id": ["iran", "iran", "iran", "china"],
        }
    )
    sentences = pd.DataFrame(
        {"article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0], "tone": [0.8, -0.2, 0.4]}
    )
    tone = actor_tone(mentions, sentences)
    assert tone.name == "tone"
    # two distinct sentences for iran, not three mentions: (0.8 - 0.2) / 2
    assert tone["iran"] == pytest.approx(0.3)
    assert tone["china"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    "article_id, sentence_id",
    [("a", 5), ("z", 0)],  # sentence or article without a tone
)
def test_tone_actor_without_toned_sentence(article_id, sentence_id):
    mentions = pd.DataFrame(
        {"article_id": [article_id], "sentence_id": [sentence_id], "actor_id": ["x"]}
    )
    sentences = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "tone": [0.9]})
    tone = actor_tone(mentions, sentences)
    assert list(tone.index) == ["x"]
    assert math.isnan(tone["x"])


def test_tone_actor_same_sentence_id_in_other_article():
    mentions = pd.DataFrame({"article_id": ["b"], "sentence_id": [0], "actor_id": ["x"]})
    sentences = pd.DataFrame({"article_id": ["a", "b"], "sentence_id": [0, 0], "tone": [0.9, -0.5]})
    assert actor_tone(mentions, sentences)["x"] == pytest.approx(-0.5)
