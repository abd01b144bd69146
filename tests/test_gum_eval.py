"""GUM evaluation: the named-mention rule, span matching and the arithmetic, on synthetic records."""

import json
from collections import Counter

import pytest

from presslens.evaluate.gum import Span, eval_gum, is_named, score_mentions, spans_match, suite_file

TEXT = ("Angela Merkel met Emmanuel Macron in Paris on Monday.\n\n"
        "Merkel said that the talks had been useful.\n\n"
        "The weather was fine, according to the Berlin Weather Office.")


def at(text: str, start: int = 0) -> dict:
    begin = TEXT.index(text, start)
    return {"start": begin, "end": begin + len(text), "text": text}


def entity(text: str, kind: str, entity_id: int, start: int = 0) -> dict:
    return {**at(text, start), "type": kind, "entity_id": entity_id, "wikipedia": None,
            "infstat": "new", "coref_link": "coref"}


RECORD = {
    "id": "synthetic",
    "text": TEXT,
    "entities": [
        entity("Angela Merkel", "person", 1),
        entity("Emmanuel Macron", "person", 2),
        entity("Paris", "place", 3),
        entity("Merkel", "person", 1, 20),
        entity("the talks", "event", 6),
        entity("the Berlin Weather Office", "organization", 4),
        entity("Berlin", "place", 5),
    ],
    "quote_markup": [],
    "attributions": [
        # PressLens's speaker is "Merkel" (the mention before "said"); the gold points at the
        # first mention of the same entity, so the speaker is right through coreference.
        {"speaker": at("Angela Merkel"), "cue": at("said"), "content": at("the talks had been useful"),
         "speaker_entity": {"entity_id": 1, "type": "person"}},
        # A deliberately wrong gold speaker: PressLens's speaker (the office) does not overlap it.
        {"speaker": at("Emmanuel Macron"), "cue": at("according to"), "content": at("The weather was fine"),
         "speaker_entity": {"entity_id": 2, "type": "person"}},
        # No PressLens quote covers the first sentence: not found.
        {"speaker": at("Emmanuel Macron"), "cue": None,
         "content": at("Angela Merkel met Emmanuel Macron in Paris on Monday"),
         "speaker_entity": {"entity_id": 2, "type": "person"}},
        # Without a speaker entity: not scored.
        {"speaker": at("Paris"), "cue": None, "content": at("The weather was fine"), "speaker_entity": None},
    ],
}


@pytest.mark.parametrize("text, named", [
    ("Afghan Ambassador to the United States Hamdullah Mohib", True),
    ("team member Rodaba Noori", True),
    ("the Daughters of the American Revolution", True),
    ("U.S. President Donald Trump's", True),
    ("the Afghan team's coach", False),
    ("Teams from Morocco and Iran", False),
    ("They", False),
    ("the country", False),
])
def test_gum_is_named(text, named):
    sentence = f"Yesterday {text} arrived."
    start = sentence.index(text)
    assert is_named(sentence, start, start + len(text)) is named


def test_gum_is_named_sentence_initial_common_noun():
    text = "Police arrived. The police said nothing. NASA agreed."
    assert not is_named(text, 0, 6)                     # "police" occurs in lower case too
    assert is_named(text, text.index("NASA"), text.index("NASA") + 4)


@pytest.mark.parametrize("gold, predicted, expected", [
    (Span(0, 20, "person", ((15, 20),)), Span(10, 20, "person", ((15, 20),)), True),   # covers the head
    (Span(0, 20, "person", ((15, 20),)), Span(0, 8, "person", ((4, 8),)), False),      # misses the head
    (Span(0, 20, "person", ((15, 20),)), Span(10, 20, "place", ((15, 20),)), False),   # other type
    (Span(5, 9, "place", ((5, 9),)), Span(5, 9, "place", ((5, 9),)), True),
])
def test_gum_spans_match(gold, predicted, expected):
    assert spans_match(gold, predicted) is expected


def test_gum_score_mentions_counts_one_to_one_and_neutral():
    named = [Span(0, 5, "person", ((0, 5),)), Span(10, 15, "place", ((10, 15),))]
    unnamed = [Span(20, 30, "person", ((26, 30),))]
    predicted = [Span(0, 5, "person", ((0, 5),)), Span(0, 5, "person", ((0, 5),)),   # duplicate
                 Span(26, 30, "person", ((26, 30),)),                               # neutral
                 Span(40, 45, "organization", ((40, 45),))]                         # false alarm
    counts = Counter()
    score_mentions(named, unnamed, predicted, counts)
    assert (counts["gold"], counts["predicted"], counts["tp"], counts["neutral"]) == (2, 3, 1, 1)
    assert (counts["person:gold"], counts["person:predicted"], counts["person:tp"]) == (1, 2, 1)
    assert (counts["place:gold"], counts["place:tp"]) == (1, 0)


def test_gum_eval_on_a_synthetic_record(tmp_path, nlp):
    folder = tmp_path / "gum_wikinews"
    folder.mkdir()
    (folder / "gum_news_gold.jsonl").write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    result = eval_gum(tmp_path, nlp=nlp)
    assert result["n_documents"] == 1
    # Gold named: Angela Merkel, Emmanuel Macron, Paris, Merkel, Berlin Weather Office, Berlin.
    # PressLens: the two people, "Merkel", the office; spaCy adds Paris as a place. Berlin is
    # inside the office's name and found by neither.
    mentions = result["mentions"]
    assert (mentions["n_gold"], mentions["n_predicted"], mentions["n_correct"]) == (6, 5, 5)
    assert mentions["precision"] == 1.0
    assert mentions["recall"] == pytest.approx(5 / 6, abs=1e-4)
    assert mentions["f1"] == pytest.approx(2 * (5 / 6) / (1 + 5 / 6), abs=1e-4)
    assert mentions["by_type"]["place"]["n_correct"] == 1
    actors_only = result["mentions_actors_only"]
    assert (actors_only["n_predicted"], actors_only["n_correct"]) == (4, 4)
    assert actors_only["by_type"]["place"]["recall"] == 0.0

    attributions = result["attributions"]
    assert (attributions["n_gold"], attributions["n_found"], attributions["n_speaker_correct"]) == (3, 2, 1)
    assert attributions["speaker_accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert attributions["speaker_accuracy_found"] == 0.5
    # The third attribution has no cue word: the cued measure leaves it out.
    cued = ("n_gold_cued", "n_found_cued", "n_speaker_correct_cued")
    assert tuple(attributions[key] for key in cued) == (2, 2, 1)
    assert attributions["speaker_accuracy_cued"] == 0.5
    assert (attributions["n_quotes"], attributions["quote_precision"]) == (2, 1.0)


def test_gum_suite_missing_says_where(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSLENS_EVAL", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="PRESSLENS_EVAL"):
        suite_file()
    with pytest.raises(FileNotFoundError, match="gum_news_gold.jsonl"):
        eval_gum(tmp_path)


def test_gum_cli_eval_without_suites_exits_non_zero(tmp_path, capsys):
    import argparse

    from presslens.cli_eval import add_eval_commands

    parser = argparse.ArgumentParser(prog="presslens")
    add_eval_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["eval", "gum", "--suites", str(tmp_path / "absent")])
    assert args.func(args) == 2
    assert "no evaluation suites folder" in capsys.readouterr().err


def test_gum_attribution_matched_by_its_cue_first(tmp_path, nlp):
    """A nested attribution is scored on the quote its cue opens, not the direct quote around it."""
    text = 'Tedeschi told the court: "It is asserted by the Crown that her parents knew this."'

    def span(part: str) -> dict:
        return {"start": text.index(part), "end": text.index(part) + len(part), "text": part}

    record = {"id": "nested", "text": text, "quote_markup": [],
              "entities": [{**span("Tedeschi"), "type": "person", "entity_id": 1},
                           {**span("the Crown"), "type": "organization", "entity_id": 2}],
              "attributions": [{"speaker": span("the Crown"), "cue": span("asserted"),
                                "content": span('that her parents knew this."'),
                                "speaker_entity": {"entity_id": 2, "type": "organization"}}]}
    folder = tmp_path / "gum_wikinews"
    folder.mkdir()
    (folder / "gum_news_gold.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    attributions = eval_gum(tmp_path, nlp=nlp)["attributions"]
    assert (attributions["n_found_cued"], attributions["n_speaker_correct_cued"]) == (1, 1)
