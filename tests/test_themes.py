
import pandas as pd
import pytest
import spacy

from conftest import SEED  # noqa: E402  (../shared or $PRESSLENS_SHARED)
from presslens.extract.themes import (
    CodebookError,
    Theme,
    ThemeHit,
    article_themes,
    build_theme_matcher,
    load_codebook,
    theme_hits,
)

REQUIRED_IDS = [
    "diplomacy",
    "strategic_partnership",
    "security",
    "terrorism",
    "trade_economy",
    "sanctions",
    "military",
    "nuclear",
    "energy",
    "human_rights",
    "western_order_critique",
    "elections",
    "migration",
    "climate",
    "health",
    "technology",
    "regional_conflict",
    "development_aid",
]


@pytest.fixture(scope="module")
def matcher(nlp):
    return build_theme_matcher(nlp)


def themes_of(nlp, matcher, text):
    return {hit.theme for hit in theme_hits(nlp(text), matcher)}


def write_codebook(tmp_path, text, name="themes.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("theme_id", REQUIRED_IDS)
def test_themes_default_codebook_has_theme(theme_id):
    codebook = load_codebook()
    theme = codebook[theme_id]
    assert isinstance(theme, Theme)
    assert theme.id == theme_id
    assert theme.label and theme.description and theme.patterns


def test_themes_default_codebook_size():
    assert len(load_codebook()) >= 18


@pytest.mark.parametrize(
    "text, found",
    [
        ("The European Union sanctioned three banks.", True),
        ("New sanctions were announced on Monday.", True),
        ("Washington is sanctioning oil traders.", True),
        ("US Imposes New Sanctions On Shipping Firms", True),  # title case: tagged PROPN
        ("The bank announced new loans on Monday.", False),
    ],
)
def test_themes_lemma_matching(nlp, matcher, text, found):
    assert ("sanctions" in themes_of(nlp, matcher, text)) is found


@pytest.mark.parametrize(
    "text, theme, found",
    [
        ("The two countries signed strategic partnerships.", "strategic_partnership", True),
        (
            "Ties were elevated to a comprehensive strategic partnership.",
            "strategic_partnership",
            True,
        ),
        ("The company changed its marketing strategy.", "strategic_partnership", False),
        ("Officials discussed regional security and stability.", "security", True),
        ("The UN Security Council met on Friday.", "security", False),
        ("The UN Security Council met on Friday.", "diplomacy", True),
        ("He talked about his childhood.", "diplomacy", False),
        ("Peace talks resumed in Doha.", "diplomacy", True),
        ("The delegates brought renewed energy to the talks.", "energy", False),
        ("Energy security and oil exports topped the agenda.", "energy", True),
        ("Funding is in the pipeline.", "energy", False),
        ("Iran expanded its uranium enrichment programme.", "nuclear", True),
        ("The ministers discussed fisheries quotas.", "nuclear", False),
        ("They vowed to counter terrorism and extremism.", "terrorism", True),
        ("Bilateral trade reached a record level.", "trade_economy", True),
        ("Activists decried the crackdown on human rights defenders.", "human_rights", True),
        ("The court upheld his right to appeal.", "human_rights", False),
        ("The political climate in the capital is tense.", "climate", False),
        ("Both leaders pledged to cut carbon emissions.", "climate", True),
        ("He used the deal as a bargaining chip.", "technology", False),
        ("Export controls target advanced chips.", "technology", True),
        ("Historians revisited the Cold War.", "regional_conflict", False),
        ("A ceasefire took effect after weeks of shelling.", "regional_conflict", True),
        ("Democratic senators opposed the bill.", "democracy_governance", False),
        ("They defended democratic institutions.", "democracy_governance", True),
    ],
)
def test_themes_default_patterns(nlp, matcher, text, theme, found):
    assert (theme in themes_of(nlp, matcher, text)) is found


@pytest.mark.parametrize(
    "text, found",
    [
        ("Beijing rejected hegemony and power politics.", True),
        ("He warned against a Cold War mentality and bloc confrontation.", True),
        ("Both sides support a multipolar world.", True),
        ("He said the current international order is unjust.", True),
        ("They called for a more just international order.", True),
        ("Moscow condemned interference in its internal affairs.", True),
        ("The country has faced unilateral sanctions for years.", True),
        ("The United States imposed sanctions on the firms.", False),
        ("The order was shipped to Western Europe.", False),
        ("The referee's decision was unfair.", False),
    ],
)
def test_themes_western_order_critique(nlp, matcher, text, found):
    assert ("western_order_critique" in themes_of(nlp, matcher, text)) is found


def test_themes_hits_offsets_and_sentences(nlp, matcher):
    doc = nlp("The ministers met in Vienna. They discussed sanctions.")
    hits = theme_hits(doc, matcher)
    sanctions = [h for h in hits if h.theme == "sanctions"]
    assert sanctions == [ThemeHit(1, "sanctions", "sanctions", 44, 53)]
    for hit in hits:
        assert doc.text[hit.start : hit.end] == hit.term


def test_themes_hits_do_not_change_doc(nlp, matcher):
    doc = nlp("US Imposes New Sanctions")
    before = [t.lemma_ for t in doc]
    theme_hits(doc, matcher)
    assert [t.lemma_ for t in doc] == before


def test_themes_overlap_keeps_longest_within_theme(nlp, tmp_path):
    path = write_codebook(
        tmp_path,
        "ties:\n  label: Ties\n  description: d\n"
        "  patterns: [partnership, strategic partnership]\n",
    )
    hits = theme_hits(
        nlp("A strategic partnership."), build_theme_matcher(nlp, load_codebook(path))
    )
    assert [h.term for h in hits] == ["strategic partnership"]


def test_themes_overlap_allowed_across_themes(nlp, matcher):
    doc = nlp("Both were hit by unilateral sanctions.")
    terms = {(h.theme, h.term) for h in theme_hits(doc, matcher)}
    assert ("sanctions", "sanctions") in terms
    assert ("western_order_critique", "unilateral sanctions") in terms


@pytest.mark.parametrize(
    "pattern, text, found",
    [
        ("{LEMMA: Blockade}", "Ships broke the blockades.", True),  # LEMMA values lower-cased
        ("{pattern: [{LEMMA: {IN: [freeze]}}, {LEMMA: asset}]}", "They froze assets.", True),
        ("{pattern: [{LEMMA: freeze}, {LEMMA: asset}]}", "They froze the assets.", False),
        ("{pattern: [{LEMMA: freeze}, {OP: '?'}, {LEMMA: asset}]}", "They froze the assets.", True),
        ("{LOWER: embargo, POS: NOUN}", "An embargo was lifted.", True),
    ],
)
def test_themes_token_patterns(nlp, tmp_path, pattern, text, found):
    path = write_codebook(tmp_path, f"x:\n  label: X\n  description: d\n  patterns: [{pattern}]\n")
    hits = theme_hits(nlp(text), build_theme_matcher(nlp, load_codebook(path)))
    assert bool(hits) is found


def test_themes_exclude_cancels_overlapping_match(nlp, tmp_path):
    path = write_codebook(
        tmp_path,
        "x:\n  label: X\n  description: d\n  patterns: [security]\n  exclude: [security council]\n",
    )
    matcher = build_theme_matcher(nlp, load_codebook(path))
    text = "The Security Council discussed security."
    hits = theme_hits(nlp(text), matcher)
    assert [(h.term, h.start) for h in hits] == [("security", text.rindex("security"))]


def test_themes_blank_pipeline(tmp_path):
    nlp = spacy.blank("en")
    path = write_codebook(tmp_path, "x:\n  label: X\n  description: d\n  patterns: [trade war]\n")
    hits = theme_hits(nlp("A Trade War began."), build_theme_matcher(nlp, load_codebook(path)))
    assert hits == [ThemeHit(0, "x", "Trade War", 2, 11)]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("sanctions:\n  label: S\n  description: d\n", "'patterns' must be a non-empty list"),
        ("sanctions:\n  label: S\n  description: d\n  patterns: []\n", "non-empty list"),
        ("sanctions:\n  label: S\n  description: d\n  patterns: sanction\n", "non-empty list"),
        (
            "sanctions:\n  label: S\n  description: d\n  patterns: [x]\n  colour: red\n",
            "unknown keys ['colour']",
        ),
        ("sanctions:\n  description: d\n  patterns: [x]\n", "'label' must be a non-empty string"),
        ("sanctions:\n  label: S\n  patterns: [x]\n", "'description'"),
        ("sanctions:\n  label: S\n  description: d\n  patterns: [3]\n", "phrase string"),
        ("sanctions:\n  label: S\n  description: d\n  patterns: ['  ']\n", "empty phrase"),
        (
            "sanctions:\n  label: S\n  description: d\n  patterns: [{FOO: x}]\n",
            "invalid token pattern",
        ),
        (
            "sanctions:\n  label: S\n  description: d\n  patterns: [{LEMMA: {INN: [x]}}]\n",
            "invalid token pattern",
        ),
        (
            "sanctions:\n  label: S\n  description: d\n  patterns: [{pattern: []}]\n",
            "non-empty list of token dicts",
        ),
        (
            "sanctions:\n  label: S\n  description: d\n  patterns: [{pattern: [{OP: '*'}]}]\n",
            "can match zero tokens",
        ),
        (
            "sanctions:\n  label: S\n  description: d\n  patterns: [x]\n  exclude: y\n",
            "'exclude' must be a list",
        ),
        ("sanctions: [sanction]\n", "must be a mapping"),
        ("Sanctions-Theme:\n  label: S\n  description: d\n  patterns: [x]\n", "lower_snake_case"),
    ],
)
def test_themes_malformed_codebook_names_theme(tmp_path, text, problem):
    path = write_codebook(tmp_path, text, name="broken.yml")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    message = str(info.value)
    assert message.startswith("broken.yml: theme ")
    assert "anctions" in message
    assert problem in message


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "a: [unclosed\n"])
def test_themes_malformed_codebook_file(tmp_path, text):
    path = write_codebook(tmp_path, text, name="broken.yml")
    with pytest.raises(CodebookError, match="^broken.yml: "):
        load_codebook(path)


def test_themes_codebook_error_is_value_error():
    assert issubclass(CodebookError, ValueError)


def test_themes_seed_article(nlp, matcher):
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED}")
    found = {hit.theme for hit in theme_hits(nlp(SEED.read_text(encoding="utf-8")), matcher)}
    expected = {
        "strategic_partnership",
        "security",
        "trade_economy",
        "sanctions",
        "terrorism",
        "diplomacy",
        "western_order_critique",
    }
    assert expected <= found
    assert not found & {"nuclear", "energy", "human_rights"}


def make_hits(rows):
    return pd.DataFrame(
        rows, columns=["article_id", "sentence_id", "theme", "term", "start", "end"]
    )


def test_themes_article_themes_score_with_sentence_counts():
    hits = make_hits(
        [
            ("a", 0, "trade_economy", "trade", 0, 5),
            ("a", 0, "trade_economy", "tariff", 10, 16),
            ("a", 3, "trade_economy", "export", 40, 46),
            ("a", 1, "security", "security", 20, 28),
            ("b", 0, "security", "security", 0, 8),
        ]
    )
    table = article_themes(hits, pd.Series({"a": 10, "b": 4}))
    assert list(table.columns) == ["article_id", "theme", "n_hits", "n_sentences", "score"]
    rows = {(r.article_id, r.theme): (r.n_hits, r.n_sentences, r.score) for r in table.itertuples()}
    assert rows[("a", "trade_economy")] == (3, 2, pytest.approx(0.2))
    assert rows[("a", "security")] == (1, 1, pytest.approx(0.1))
    assert rows[("b", "security")] == (1, 1, pytest.approx(0.25))
    assert list(table["theme"][table["article_id"] == "a"]) == ["trade_economy", "security"]


@pytest.mark.parametrize(
    "counts, score",
    [
        (None, 0.5),  # estimated from the last sentence with a hit: 2 sentences
        (pd.Series({"a": 8}), 0.125),
        (pd.Series({"a": 1}), 0.5),  # inconsistent count: never above the hits seen
        (pd.Series({"z": 8}), 0.5),  # article missing from the counts
    ],
)
def test_themes_article_themes_score_bounds(counts, score):
    hits = make_hits([("a", 1, "security", "security", 0, 8)])
    table = article_themes(hits, counts)
    assert table["score"].tolist() == [pytest.approx(score)]
    assert table["score"].between(0, 1).all()


def test_themes_article_themes_empty():
    table = article_themes(make_hits([]))
    assert table.empty
    assert list(table.columns) == ["article_id", "theme", "n_hits", "n_sentences", "score"]


WINDOW_CODEBOOK = """\
x:
  label: X
  description: d
  patterns:
    - {pattern: [{POS: {IN: [PROPN, NUM]}}, {LEMMA: pipeline}]}
    - {pattern: [{LEMMA: {IN: [unjust, unfair]}}, {OP: "?"}, {OP: "?"}, {LEMMA: order}]}
    - {LOWER: {REGEX: "^cop\\\\d{1,2}$"}}
    - {pattern: [{ENT_TYPE: GPE}, {LOWER: "'s", OP: "?"}, {LEMMA: energy}]}
y:
  label: Y
  description: d
  patterns:
    - {pattern: [{LEMMA: freeze}, {OP: "?"}, {LEMMA: asset}]}
"""
WINDOW_TEXT = ("The Nord Stream pipeline opened. Leaders met at COP28 in Dubai. They called the "
               "unfair world order unjust. Russia's energy exports fell. Banks froze the assets of "
               "two firms. " * 3 + "Nothing else happened that week in the capital. " * 40
               + "A 2024 pipeline and unfair order closed the text.")


def test_themes_windows_find_what_the_whole_doc_finds(nlp, tmp_path):
    matcher = build_theme_matcher(nlp, load_codebook(write_codebook(tmp_path, WINDOW_CODEBOOK)))
    doc = nlp(WINDOW_TEXT)
    windows = list(matcher.windows(doc))
    # The long filler sentences hold no anchor word: the Matcher runs on a small part of the doc.
    assert 0 < sum(last - first for first, last in windows) < len(doc) / 2
    assert all(a[1] < b[0] for a, b in zip(windows, windows[1:], strict=False))    # sorted, disjoint
    in_windows = theme_hits(doc, matcher)
    matcher.windows.whole = True
    assert in_windows == theme_hits(doc, matcher)
    assert {h.term for h in in_windows} >= {"Stream pipeline", "COP28", "unfair world order",
                                           "froze the assets", "2024 pipeline", "unfair order"}


def test_themes_windows_fall_back_to_the_whole_doc(nlp, tmp_path):
    unbounded = ("x:\n  label: X\n  description: d\n  patterns:\n"
                 "    - {pattern: [{LEMMA: freeze}, {OP: '*'}, {LEMMA: asset}]}\n")
    matcher = build_theme_matcher(nlp, load_codebook(write_codebook(tmp_path, unbounded)))
    doc = nlp("Banks froze all of the foreign assets. " + "Nothing happened. " * 20)
    assert list(matcher.windows(doc)) == [(0, len(doc))]
    assert [h.term for h in theme_hits(doc, matcher)] == ["froze all of the foreign assets"]
