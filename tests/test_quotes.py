"""Tests for presslens.extract.quotes: direct quotations and reported speech."""


import pytest

from conftest import SEED  # noqa: E402  (../shared or $PRESSLENS_SHARED)
from presslens.extract.actors import ActorFinder
from presslens.extract.quotes import Quote, find_quotes


def quotes_of(nlp, text: str, **options) -> tuple[object, list[Quote]]:
    doc = nlp(text)
    return doc, find_quotes(doc, ActorFinder()(doc).mentions, **options)


@pytest.mark.parametrize("text, speaker_text, speaker_key", [
    ("Chen stated that Iran holds influence.", "Chen", "person:chen"),
    ("The report stated that trade rose.", "The report", None),  # not an actor
    ("It was stated that trade rose.", None, None),  # passive: no speaker
    ("Iran's foreign ministry spokesman Nasser Kanaani said on Monday that the talks would "
     "resume.", "Nasser Kanaani", "person:nasser kanaani"),
    ("The spokesman, Ned Price, said that the talks would resume.", "Ned Price",
     "person:ned price"),
    ("Ned Price was quoted as saying that the talks had failed.", "Ned Price",
     "person:ned price"),
    ("It was announced by the ministry that talks would resume.", "the ministry", None),
    ("Germany called for restraint.", "Germany", "country:DEU"),
    ("Ned Price, who said that the talks had failed, left Geneva.", "Ned Price",
     "person:ned price"),
])
def test_quotes_speaker(nlp, text, speaker_text, speaker_key):
    _, quotes = quotes_of(nlp, text)
    assert len(quotes) == 1
    assert quotes[0].speaker_text == speaker_text
    assert quotes[0].speaker_key == speaker_key
    assert not quotes[0].direct


@pytest.mark.parametrize("text", [
    "He delivered his remarks in Moscow.",  # an act of speaking, nothing reported
    "Ned Price declined to comment.",
    'The so-called "peace plan" was rejected by parliament.',  # scare quotes
    "The leaders concluded a productive meeting.",  # "conclude" without a that-clause
    "Adding salt is the simplest method.",  # a gerund subject
    "Trade rose sharply last year.",
])
def test_quotes_not_speech(nlp, text):
    _, quotes = quotes_of(nlp, text)
    assert quotes == []


@pytest.mark.parametrize("text, content, speaker_text", [
    ('"We will respond," Lavrov said.', "We will respond", "Lavrov"),
    ("\u201cWe will respond,\u201d Lavrov said.", "We will respond", "Lavrov"),
    ('Sergei Lavrov said: "We will respond. We are ready."', "We will respond. We are ready.",
     "Sergei Lavrov"),
    ("Sergei Lavrov said:\n\n\u201cWe will respond.\u201d", "We will respond.", "Sergei Lavrov"),
    ('"Seventeen years ago, this would not have been possible," said Ambassador Mohib.',
     "Seventeen years ago, this would not have been possible", "Mohib"),
    ('"He said that we must act," Lavrov said.', "He said that we must act", "Lavrov"),
])
def test_quotes_direct_positions(nlp, text, content, speaker_text):
    doc, quotes = quotes_of(nlp, text)
    assert len(quotes) == 1  # a reported clause inside the quote is not a quote of its own
    quote = quotes[0]
    assert quote.direct
    assert quote.content == content
    assert doc.text[quote.start:quote.end] == content
    assert speaker_text in quote.speaker_text


@pytest.mark.parametrize("text, content", [
    ('Ned Price spoke to reporters. "We will," he said, "respond firmly."',
     "We will respond firmly."),
])
def test_quotes_direct_interrupted_by_cue(nlp, text, content):
    doc, quotes = quotes_of(nlp, text)
    assert len(quotes) == 1
    quote = quotes[0]
    assert quote.direct and quote.content == content
    assert quote.speaker_key == "person:ned price"
    assert doc.text[quote.start] == "W" and doc.text[quote.end - 1] == "."


@pytest.mark.parametrize("text, contents", [
    ('Ned Price spoke to reporters. "It is a mistake," he said. "We will respond."',
     ["It is a mistake", "We will respond."]),
    ('Ned Price said: "We will respond.\n\n"We are ready."', ["We will respond.", "We are ready."]),
])
def test_quotes_direct_continuation_keeps_speaker(nlp, text, contents):
    _, quotes = quotes_of(nlp, text)
    assert [q.content for q in quotes] == contents
    assert {q.speaker_key for q in quotes} == {"person:ned price"}


@pytest.mark.parametrize("text, content", [
    ('Lavrov told reporters that the West was "playing with fire".',
     'the West was "playing with fire"'),
])
def test_quotes_partial_quote_stays_reported(nlp, text, content):
    _, quotes = quotes_of(nlp, text)
    assert [(q.content, q.direct) for q in quotes] == [(content, False)]


@pytest.mark.parametrize("text, expected", [
    ("Chen stated that Iran holds influence and emphasized that Beijing values the ties.",
     [("state", "Iran holds influence"), ("emphasize", "Beijing values the ties")]),
    ("President Joe Biden said on Tuesday that the United States would stand with Ukraine, "
     "noting that aid would continue.",
     [("say", "the United States would stand with Ukraine"), ("note", "aid would continue")]),
])
def test_quotes_conj_and_participle_share_subject(nlp, text, expected):
    _, quotes = quotes_of(nlp, text)
    assert [(q.cue, q.content) for q in quotes] == expected
    assert len({q.speaker_key for q in quotes}) == 1
    assert quotes[0].speaker_key is not None


@pytest.mark.parametrize("text, speaker_keys, content", [
    ("Tehran and Beijing consider these sanctions counterproductive, criticizing them as too "
     "weak.", ["country:IRN", "country:CHN"], "them as too weak"),
])
def test_quotes_coordinated_speakers(nlp, text, speaker_keys, content):
    _, quotes = quotes_of(nlp, text)
    assert [q.speaker_key for q in quotes] == speaker_keys
    assert {(q.cue, q.content) for q in quotes} == {("criticize", content)}


@pytest.mark.parametrize("text, speaker_text, content", [
    ("Trade rose sharply, according to the ministry.", "the ministry", "Trade rose sharply"),
    ("According to Iran\u2019s foreign ministry, trade rose sharply.",
     "Iran\u2019s foreign ministry", "trade rose sharply"),
])
def test_quotes_according_to(nlp, text, speaker_text, content):
    _, quotes = quotes_of(nlp, text)
    assert [(q.cue, q.speaker_text, q.content) for q in quotes] == [
        ("according to", speaker_text, content)]


@pytest.mark.parametrize("text, cue, content", [
    ("Chen issued a caution regarding schemes by opponents.", "issue caution", "schemes"),
    ("The minister expressed hope that the talks would succeed.", "express hope",
     "the talks would succeed"),
    ("Chen conveyed aspirations for China and Iran to create a framework.",
     "convey aspiration", "China and Iran to create a framework"),
    ("Germany called for restraint.", "call for", "restraint"),
])
def test_quotes_light_verb_cues(nlp, text, cue, content):
    _, quotes = quotes_of(nlp, text)
    assert [(q.cue, q.content) for q in quotes] == [(cue, content)]


@pytest.mark.parametrize("text, speaker_key", [
    ("Chen Wenqing met Ali Akbar Ahmadian in Moscow. He said that the talks were useful.",
     "person:chen wenqing"),
])
def test_quotes_pronoun_speaker_resolved(nlp, text, speaker_key):
    _, quotes = quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_key) for q in quotes] == [("He", speaker_key)]


@pytest.mark.parametrize("speech_verbs, count", [
    (frozenset({"say"}), 0),
    (frozenset({"state"}), 1),
])
def test_quotes_speech_verbs_option(nlp, speech_verbs, count):
    _, quotes = quotes_of(nlp, "Chen stated that Iran holds influence.",
                          speech_verbs=speech_verbs)
    assert len(quotes) == count


# -- the cue lexicon (codebooks/quote_cues.yml) -------------------------------------------------
def write_cues(tmp_path, **changes):
    import yaml

    from presslens.lexicons import DEFAULT_QUOTE_CUES

    data = yaml.safe_load(DEFAULT_QUOTE_CUES.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    path = tmp_path / "cues.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_quotes_cues_from_an_analyst_file(nlp, tmp_path):
    from presslens.lexicons import load_quote_cues

    text = "Chen murmured that Iran holds influence."
    assert quotes_of(nlp, text)[1] == []
    cues = load_quote_cues(write_cues(tmp_path, speech_verbs=["murmur", "say"]))
    _, found = quotes_of(nlp, text, cues=cues)
    assert [(q.speaker_text, q.cue) for q in found] == [("Chen", "murmur")]
    assert cues.cue_verbs >= {"murmur", "believe"}


@pytest.mark.parametrize("changes, message", [
    ({"speech_verbs": None}, "speech_verbs: missing"),
    ({"shouting_verbs": ["yell"]}, "shouting_verbs: unknown list"),
    ({"light_verbs": "issue"}, "light_verbs: must be a list"),
    ({"speech_nouns": ["warning", ""]}, "speech_nouns, entry 2"),
    ({"content_prepositions": ["of", True]}, "content_prepositions, entry 2 (True)"),
])
def test_quotes_cues_file_errors_name_file_and_entry(tmp_path, changes, message):
    from presslens.lexicons import LexiconFileError, load_quote_cues

    path = write_cues(tmp_path, **changes)
    with pytest.raises(LexiconFileError, match=r"cues\.yml: " + message.replace("(", r"\(")
                       .replace(")", r"\)")):
        load_quote_cues(path)


def test_quotes_cues_file_missing_or_not_yaml(tmp_path):
    from presslens.errors import UserError
    from presslens.lexicons import load_quote_cues

    with pytest.raises(UserError, match="nowhere.yml: no such word-list file"):
        load_quote_cues(tmp_path / "nowhere.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("speech_verbs: [say\n", encoding="utf-8")
    with pytest.raises(UserError, match="bad.yml: not valid YAML"):
        load_quote_cues(bad)


def test_quotes_cues_setting_and_environment(monkeypatch, tmp_path):
    from presslens.config import Settings
    from presslens.lexicons import DEFAULT_QUOTE_CUES

    assert Settings().quote_cues == DEFAULT_QUOTE_CUES
    monkeypatch.setenv("PRESSLENS_QUOTE_CUES", str(tmp_path / "cues.yml"))
    assert Settings.from_env().quote_cues == tmp_path / "cues.yml"


@pytest.fixture(scope="module")
def seed(nlp):
    if not SEED.exists():
        pytest.skip(f"seed article not available at {SEED} (shared corpora: ../shared or $PRESSLENS_SHARED)")
    return quotes_of(nlp, SEED.read_text(encoding="utf-8"))


# (speaker key, phrase of the content), read off the seed article.
SEED_STATEMENTS = [
    ("country:IRN", "their commitment to elevating cooperation"),  # Iran and China have underscored
    ("country:CHN", "their commitment to elevating cooperation"),
    ("country:IRN", "their bilateral relationship bolsters regional security"),  # highlighting
    ("country:CHN", "their bilateral relationship bolsters regional security"),
    ("person:ali akbar ahmadian", "the potential benefits of collaboration"),
    ("person:ali akbar ahmadian", "such cooperation could foster security"),
    ("person:ali akbar ahmadian", "the shared civilizational legacy"),  # He emphasized
    ("person:ali akbar ahmadian", "current global security frameworks are unjust"),
    ("person:ali akbar ahmadian", "the need for ongoing dialogue"),  # He emphasized
    ("person:ali akbar ahmadian", "the forthcoming visit"),  # The Secretary of Iran's SNSC
    ("person:ali akbar ahmadian", "the necessity of elevating trade exchanges"),
    ("person:ali akbar ahmadian", "Iran consistently keeps its allies informed"),  # noting
    ("person:chen wenqing", "Iran holds significant influence"),
    ("person:chen wenqing", "Beijing places a high priority"),  # ... and emphasized that
    ("person:chen wenqing", "adversarial schemes devised by opponents"),  # issued a caution
    ("person:chen wenqing", "the bilateral ties have embarked on a new phase"),
    ("person:chen wenqing", "China and Iran to create a collaborative framework"),  # aspirations
    ("country:IRN", "them as being too insufficient"),  # Tehran and Beijing ..., criticizing
    ("country:CHN", "them as being too insufficient"),
]


def test_quotes_seed_speakers(seed):
    _, quotes = seed
    found = [(key, phrase) for key, phrase in SEED_STATEMENTS
             if any(q.speaker_key == key and phrase in q.content for q in quotes)]
    assert found == SEED_STATEMENTS
    assert len(found) >= 9


def test_quotes_seed_no_false_statements(seed):
    doc, quotes = seed
    sentences = [s.text for s in doc.sents]
    for quote in quotes:
        # "he delivered his remarks", the trade figures and the sanctions are not speech
        assert "delivered his remarks" not in sentences[quote.sentence_id]
        assert "most significant trading partner" not in sentences[quote.sentence_id]
        assert "subjected to unauthorized" not in sentences[quote.sentence_id]
    assert all(q.speaker_key for q in quotes)


def test_quotes_seed_offsets_and_no_duplicates(seed):
    doc, quotes = seed
    for quote in quotes:
        assert doc.text[quote.start:quote.end] == quote.content
    keys = [(q.speaker_key, q.start, q.end) for q in quotes]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("text, speaker_key, speaker_text", [
    ("Iranian officials said the agreement covered energy.", "country:IRN", "Iranian officials"),
    ("The ministry quoted Hossein Amir-Abdollahian as saying that Iran wanted to work with China.",
     "person:hossein amir-abdollahian", "Hossein Amir-Abdollahian"),
    ("The report stated that trade rose.", None, "The report"),
])
def test_quotes_institutions_and_quoted_as_saying(nlp, text, speaker_key, speaker_text):
    from presslens.extract.actors import ActorFinder
    from presslens.extract.quotes import find_quotes

    doc = nlp(text)
    quotes = find_quotes(doc, ActorFinder()(doc).mentions)
    assert [(q.speaker_key, q.speaker_text) for q in quotes][:1] == [(speaker_key, speaker_text)]


@pytest.mark.parametrize("text, speaker_text, cue, content", [
    ("The scientists found that crop yields fell by a tenth.", "The scientists", "find",
     "crop yields fell by a tenth"),
    ("Heald believes that ozone damage is underrated.", "Heald", "believe",
     "ozone damage is underrated"),
    ("Italian secularist associations are concerned the Government will modify the law.",
     "Italian secularist associations", "concerned", "the Government will modify the law"),
    ("He was confident that the deal would hold.", "He", "confident", "the deal would hold"),
    ("All they get is a message stating that the site is down.", "a message", "state",
     "the site is down"),
    ('The Home Office letter reads: "We may extend the questionnaire."', "The Home Office letter",
     "read", "We may extend the questionnaire."),
])
def test_quotes_stance_and_documents(nlp, text, speaker_text, cue, content):
    _, quotes = quotes_of(nlp, text)
    assert [(q.speaker_text, q.cue, q.content) for q in quotes] == [(speaker_text, cue, content)]


@pytest.mark.parametrize("text", [
    "The police found a bomb in the car.",     # finding a thing reports nothing
    "I think so.",
    "She showed the visitors around.",
    "He was confident of victory.",            # no clause
])
def test_quotes_stance_without_clause_is_not_a_quote(nlp, text):
    _, quotes = quotes_of(nlp, text)
    assert quotes == []


def test_quotes_named_third_party_inside_a_direct_quote(nlp):
    text = 'Mr Tedeschi told the court: "It is asserted by the Crown that her parents knew this."'
    _, quotes = quotes_of(nlp, text)
    pairs = {(q.speaker_text, q.content, q.direct) for q in quotes}
    assert ("Tedeschi", "It is asserted by the Crown that her parents knew this.", True) in pairs
    assert ("Crown", "her parents knew this", False) in pairs
    # The speaker's own "I think" stays part of the speaker's quote.
    _, quotes = quotes_of(nlp, '"I think the economy is fine," Lagarde said.')
    assert [(q.speaker_text, q.direct) for q in quotes] == [("Lagarde", True)]


@pytest.mark.parametrize("text, content", [
    ("Iran and Saudi Arabia restored ties on Friday. In the statement, the two countries affirmed their "
     "respect for the sovereignty of states.", "their respect for the sovereignty of states"),
    ("Iran and Saudi Arabia restored ties on Friday. They said that the embassies would reopen.",
     "the embassies would reopen"),
])
def test_quotes_back_reference_speaks_for_each_actor(nlp, text, content):
    from presslens.extract.interactions import load_triggers
    from presslens.extract.references import ActorIndex

    doc = nlp(text)
    mentions = ActorFinder()(doc).mentions
    index = ActorIndex(doc, mentions, plural_references=load_triggers().plural_references)
    quotes = find_quotes(doc, mentions, index=index)
    assert {(q.speaker_key, q.content) for q in quotes} == {("country:IRN", content), ("country:SAU", content)}
    # Without the index the back-reference has no actor.
    assert {q.speaker_key for q in find_quotes(doc, mentions)} == {None}


@pytest.mark.parametrize("text, content, direct", [
    ("\u2018We will not accept these terms,\u2019 Lavrov said.", "We will not accept these terms", True),
    ("Lavrov said the West was \u2018playing with fire\u2019 in the region.",
     "the West was \u2018playing with fire\u2019 in the region", False),
    ("\u201cHe told me \u2018never again\u2019, and left,\u201d Lavrov said.",
     "He told me \u2018never again\u2019, and left", True),
])
def test_quotes_curly_single_quotes(nlp, text, content, direct):
    _, quotes = quotes_of(nlp, text)
    assert [(q.speaker_text, q.content, q.direct) for q in quotes] == [("Lavrov", content, direct)]


def test_quotes_apostrophes_are_not_quote_marks(nlp):
    _, quotes = quotes_of(nlp, "Iran\u2019s leaders\u2019 meeting went ahead, and Lavrov\u2019s aide said nothing new.")
    assert all(not q.direct for q in quotes)


def test_quotes_people_from_countries_speak_for_them(nlp):
    from presslens.extract.interactions import load_triggers
    from presslens.extract.references import ActorIndex

    doc = nlp("Senior diplomats from China, Russia and Iran met in Beijing and called for an end to sanctions. "
              "They stressed that talks must go on.")
    mentions = ActorFinder()(doc).mentions
    index = ActorIndex(doc, mentions, plural_references=load_triggers().plural_references)
    speakers = {(q.speaker_key, q.cue) for q in find_quotes(doc, mentions, index=index)}
    countries = {"country:CHN", "country:RUS", "country:IRN"}
    assert {key for key, cue in speakers if cue == "call for"} == countries
    assert {key for key, cue in speakers if cue == "stress"} == countries
    # Critics of a country do not speak for it.
    doc = nlp("Critics of China said that the vote was unfair.")
    assert [q.speaker_key for q in find_quotes(doc, ActorFinder()(doc).mentions)] == [None]


def test_quotes_verb_hung_inside_a_reported_clause_keeps_the_speaker(nlp):
    doc = nlp("Germany said the return of the sanctions was not the end of diplomacy and urged Iran to avoid "
              "escalatory action.")
    quotes = find_quotes(doc, ActorFinder()(doc).mentions)
    assert {(q.cue, q.speaker_key) for q in quotes} == {("say", "country:DEU"), ("urge", "country:DEU")}
