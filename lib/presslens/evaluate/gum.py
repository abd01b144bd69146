"""Actor mentions and quote speakers scored on the GUM Wikinews gold (24 news articles).

The suite is `gum_wikinews/gum_news_gold.jsonl` in $PRESSLENS_EVAL, else in
`<project root>/../shared/eval`; its PROVENANCE.md says where the records come from. It is a
benchmark: nothing in PressLens is written for one of its records.

Each record's `text` is parsed as is, so gold character offsets apply to the Doc directly, and
run through `presslens.pipeline.extract_doc` with a default `ActorFinder` (no analyst actor
table: the table is corpus-specific), the default codebook and the default trigger lexicon.

Named mentions (a):
    Gold: entities of type person, organization or place whose text is a name (`is_named`).
    GUM puts a Wikipedia link on every mention of a linked entity, pronouns included ("they",
    "the country"), and none on many named people, so `wikipedia` cannot be the test. A
    mention is named when, without a leading "the"/"a"/"an" and a trailing "'s", it ends in a
    capitalised word and has no lower-case stop word other than a connector inside a name
    ("of", "the", "and", "for", "to", "bin", "al", "von", ...): "Afghan Ambassador to the
    United States Hamdullah Mohib", "team member Rodaba Noori" and "Malaysia's Prime Minister"
    are named; "the Afghan team's coach", "Teams from Morocco and Iran" are not. Pronouns are
    never named, nor a single sentence-initial word (not an acronym) that also occurs in lower
    case in the text ("Police").
    Predicted: PressLens actor mentions found by name, alias, capital or analyst table (not
    pronouns, titles or demonyms), typed by the actor's kind: person -> person, organization ->
    organization, country -> place (groups are not scored). Figures `with_places` also count
    spaCy GPE, LOC and FAC entities that overlap no actor mention as places, because PressLens
    deliberately does not make cities and venues actors; `actors_only` leaves them out.
    Match: same type and either the same span (after the determiner and possessive trimming
    above) or nested spans where the inner one covers the outer one's head word (its last
    word, or the word before a first post-modifier, "of", "for", "to", "from", "in", "who"...,
    or before a first comma as in "Chicago, Illinois"): gold "Ambassador Mohib" matches
    predicted "Mohib". Matching is one to one, exact spans first. A predicted mention that
    matches no named gold mention but does match an unnamed gold mention of its type is
    `neutral` (left out of precision): the named rule is ours, not GUM's.

Attribution speakers (b):
    Every gold attribution with a `speaker_entity`. Its match (`found`) is the PressLens quote
    whose cue overlaps the gold cue, the one overlapping the gold content most (characters)
    among several, or else the quote overlapping the content most: in 'Tedeschi told the court,
    "it is asserted by the Crown that ..."' the gold cue "asserted" picks the Crown's quote, not
    Tedeschi's around it. The speaker is right
    when the quote's speaker mention overlaps the gold speaker span or any gold mention of the
    same `entity_id` (coreference). The quote's speaker span is the mention of its speaker
    actor nearest to the content (the same text preferred), or, for a speaker that is not an
    actor, the nearest occurrence of its speaker text.

    `speaker_accuracy_cued` counts the attributions that have a gold cue word ("said",
    "according to", "believes"): the speaker found for a gold cue. `speaker_accuracy` counts
    all of them, also the cue-less ones (photo credits such as "Image: Nick Moreau", headlines
    credited to their outlet, colon-introduced statements), which PressLens does not read as
    statements.

Known limits: GUM attributions include belief, perception and findings ("I think", "the
study found"); PressLens reads them when a clause follows the verb, not without one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from presslens.config import Settings
from presslens.evaluate.events import suite_path
from presslens.extract.actors import ActorFinder, clean_name, person_names
from presslens.extract.interactions import load_triggers
from presslens.extract.themes import build_theme_matcher, load_codebook
from presslens.pipeline import extract_doc

SUITE_FILE = Path("gum_wikinews") / "gum_news_gold.jsonl"
GOLD_TYPES = ("person", "organization", "place")
# A state's agent written as a name ("the Army", "Government") is an organisation mention; one
# written as a common noun ("police") has how 'agent' and is not scored (PREDICTED_HOW).
KIND_TO_TYPE = {"person": "person", "organization": "organization", "country": "place",
                "agent": "organization"}
PREDICTED_HOW = frozenset({"name", "alias", "capital", "table"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Lower-case words that may sit inside a name ("Daughters of the American Revolution").
NAME_CONNECTORS = frozenset("""
of the and for to on de del della da das do dos du des di la le les el al bin ibn bint von van
der den ter y e
""".split())
# Words that open a post-modifier: the head of "Hui Chi-fung from the Democratic Party" is before.
HEAD_BREAKS = frozenset({"of", "for", "to", "from", "in", "at", "with", "on", "who", "which", "that"})
PRONOUNS = frozenset("""
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves this that these
those who whom whose which what one ones everyone everybody someone somebody anyone anybody
""".split())


def suite_file(path: str | Path | None = None) -> Path:
    """The GUM gold file: `path` itself, or inside `path` (suite or eval folder), or the default."""
    return suite_path(path, SUITE_FILE).resolve()


class Span(NamedTuple):
    """A typed character span; `heads` are the (start, end) of its head word candidates."""

    start: int
    end: int
    type: str
    heads: tuple[tuple[int, int], ...]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without a leading determiner, a trailing possessive and edge punctuation."""
    chunk = text[start:end]
    lead = re.match(r"^(?:\s|[\"'“‘(\[]|(?:the|a|an)\s+)*", chunk, flags=re.IGNORECASE)
    s = start + (lead.end() if lead else 0)
    tail = re.search(r"(?:['’]s?|[\s\"'”’),.;:\]])*$", text[s:end])
    e = s + (tail.start() if tail else end - s)
    return (s, e) if e > s else (start, end)


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), m.group()) for m in re.finditer(r"[^\s]+", text[start:end])]


def _heads(words: Sequence[tuple[int, int, str]]) -> tuple[tuple[int, int], ...]:
    """The last word, the word before a first post-modifier ("of", "from", "who", ...) or comma."""
    heads = [(words[-1][0], words[-1][1])]
    for i, (_, _, word) in enumerate(words[1:], start=1):
        if word.lower() in HEAD_BREAKS:
            heads.append((words[i - 1][0], words[i - 1][1]))
            break
    for start, end, word in words[:-1]:
        if word.endswith(","):
            heads.append((start, end - 1))
            break
    return tuple(heads)


def is_named(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is a name, by the rule in the module docstring."""
    s, e = _trim(text, start, end)
    words = [w.strip("\"'“”‘’(),.;:") for _, _, w in _words(text, s, e)]
    words = [re.sub(r"['’]s$", "", w) for w in words if w]
    if not words or not words[-1][:1].isupper():
        return False
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return False
    for word in words:
        lower = word.lower()
        if word[:1].islower() and lower in STOP_WORDS and lower not in NAME_CONNECTORS:
            return False
    if len(words) == 1:
        before = text[:start].rstrip(" \t")
        initial = not before or before[-1] in ".!?\"“”\n"
        if initial and not words[0].isupper() and re.search(rf"(?<![\w-]){re.escape(words[0].lower())}(?![\w-])", text):
            return False
    return True


def gold_spans(record: dict) -> tuple[list[Span], list[Span]]:
    """Named and unnamed gold mentions of the scored types, trimmed."""
    text = record["text"]
    named, unnamed = [], []
    for entity in record.get("entities", []):
        if entity.get("type") not in GOLD_TYPES:
            continue
        s, e = _trim(text, entity["start"], entity["end"])
        span = Span(s, e, entity["type"], _heads(_words(text, s, e)))
        (named if is_named(text, entity["start"], entity["end"]) else unnamed).append(span)
    return named, unnamed


def predicted_spans(doc: Doc, mentions: Iterable, actors: dict, *, places: bool) -> list[Span]:
    """Typed PressLens actor mentions, plus unclaimed spaCy place entities when `places`."""
    text = doc.text
    spans: list[Span] = []
    mentions = list(mentions)
    for m in mentions:
        kind = KIND_TO_TYPE.get(actors[m.key].kind) if m.key in actors else None
        if kind is None or m.how not in PREDICTED_HOW:
            continue
        s, e = _trim(text, m.start, m.end)
        spans.append(Span(s, e, kind, _heads(_words(text, s, e))))
    if places:
        taken = [(m.start, m.end) for m in mentions]
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS or any(ent.start_char < b and a < ent.end_char for a, b in taken):
                continue
            cleaned = clean_name(ent)
            if cleaned is None:
                continue
            s, e = _trim(text, cleaned.start_char, cleaned.end_char)
            spans.append(Span(s, e, "place", _heads(_words(text, s, e))))
    return spans


def _covers(outer: Span, inner: Span) -> bool:
    if not (outer.start <= inner.start and inner.end <= outer.end):
        return False
    return any(inner.start <= hs and he <= inner.end for hs, he in outer.heads)


def spans_match(gold: Span, predicted: Span) -> bool:
    """Same type and same span, or nested with the inner span covering the outer one's head."""
    if gold.type != predicted.type:
        return False
    if (gold.start, gold.end) == (predicted.start, predicted.end):
        return True
    return _covers(gold, predicted) or _covers(predicted, gold)


def match_spans(gold: list[Span], predicted: list[Span]) -> set[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index): exact spans first, then head matches."""
    pairs: set[tuple[int, int]] = set()
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    for exact in (True, False):
        for i, g in enumerate(gold):
            if i in used_gold:
                continue
            for j, p in enumerate(predicted):
                if j in used_predicted or g.type != p.type:
                    continue
                if (g.start, g.end) == (p.start, p.end) if exact else spans_match(g, p):
                    pairs.add((i, j))
                    used_gold.add(i)
                    used_predicted.add(j)
                    break
    return pairs


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def prf(counts: Counter, prefix: str = "") -> dict:
    """precision, recall, f1 and the counts behind them, from n_gold/n_predicted/tp."""
    tp, n_gold, n_predicted = counts[f"{prefix}tp"], counts[f"{prefix}gold"], counts[f"{prefix}predicted"]
    precision, recall = _ratio(tp, n_predicted), _ratio(tp, n_gold)
    f1 = (round(2 * precision * recall / (precision + recall), 4) if precision and recall else
          (0.0 if precision == 0 or recall == 0 else None))
    return {"precision": precision, "recall": recall, "f1": f1, "n_gold": n_gold,
            "n_predicted": n_predicted, "n_correct": tp, "n_neutral": counts[f"{prefix}neutral"]}


def score_mentions(named: list[Span], unnamed: list[Span], predicted: list[Span], counts: Counter) -> None:
    """Add one document's mention counts, overall and per type ('person:tp', ...)."""
    pairs = match_spans(named, predicted)
    matched = {j for _, j in pairs}
    neutral = {j for j, p in enumerate(predicted) if j not in matched and any(spans_match(u, p) for u in unnamed)}
    for prefix in ("", *(f"{t}:" for t in GOLD_TYPES)):
        wanted = prefix[:-1] or None
        counts[f"{prefix}gold"] += sum(1 for g in named if wanted in (None, g.type))
        counts[f"{prefix}tp"] += sum(1 for i, j in pairs if wanted in (None, named[i].type))
        counts[f"{prefix}neutral"] += sum(1 for j in neutral if wanted in (None, predicted[j].type))
        counts[f"{prefix}predicted"] += sum(1 for j, p in enumerate(predicted)
                                            if j not in neutral and wanted in (None, p.type))


def _nearest(candidates: Iterable[tuple[int, int]], anchor: int) -> tuple[int, int] | None:
    ranked = sorted(candidates, key=lambda span: min(abs(span[0] - anchor), abs(span[1] - anchor)))
    return ranked[0] if ranked else None


def _find_text(text: str, needle: str | None, window: tuple[int, int], anchor: int) -> tuple[int, int] | None:
    if not needle:
        return None
    start, end = window
    hits = [(start + m.start(), start + m.end()) for m in re.finditer(re.escape(needle), text[start:end])]
    return _nearest(hits, anchor)


def speaker_span(doc: Doc, quote, mentions: Sequence) -> tuple[int, int] | None:
    """Where the quote's speaker is: its actor's mention nearest the content, or its text."""
    sentences = list(doc.sents)
    sid = int(quote.sentence_id)
    lo = sentences[max(0, sid - 1)].start_char if sentences else 0
    hi = sentences[min(len(sentences) - 1, sid + 1)].end_char if sentences else len(doc.text)
    if quote.speaker_key:
        own = [m for m in mentions if m.key == quote.speaker_key]
        same_text = [m for m in own if quote.speaker_text and m.text == quote.speaker_text]
        near = [(m.start, m.end) for m in (same_text or own) if lo <= m.start < hi] or [(m.start, m.end) for m in own]
        found = _nearest(near, quote.start)
        if found:
            return found
    return _find_text(doc.text, quote.speaker_text, (lo, hi), quote.start)


def cue_span(doc: Doc, quote) -> tuple[int, int] | None:
    """Where the quote's cue is: tokens matching its words (as written or as lemmas) nearest the content."""
    words = str(quote.cue or "").lower().split()
    sentences = list(doc.sents)
    if not words or not sentences:
        return None
    sid = int(quote.sentence_id)
    first = sentences[max(0, sid - 1)].start
    last = sentences[min(len(sentences) - 1, sid + 1)].end
    hits = []
    for i in range(first, last - len(words) + 1):
        tokens = doc[i: i + len(words)]
        if all(w in (t.lower_, t.lemma_.lower()) for w, t in zip(words, tokens, strict=True)):
            hits.append((tokens.start_char, tokens.end_char))
    return _nearest(hits, quote.start)


def _overlap(a: tuple[int, int] | None, b: dict | tuple[int, int] | None) -> int:
    if a is None or b is None:
        return 0
    bs, be = (b["start"], b["end"]) if isinstance(b, dict) else b
    return max(0, min(a[1], be) - max(a[0], bs))


def score_attributions(record: dict, doc: Doc, quotes: Sequence, mentions: Sequence, counts: Counter) -> None:
    """Add one document's attribution counts: gold, found, speaker_correct."""
    located = [((q.start, q.end), cue_span(doc, q), speaker_span(doc, q, mentions)) for q in quotes]
    entity_spans: dict[int, list[tuple[int, int]]] = {}
    for entity in record.get("entities", []):
        entity_spans.setdefault(entity["entity_id"], []).append((entity["start"], entity["end"]))
    counts["quotes_predicted"] += len(quotes)
    counts["quotes_on_attribution"] += sum(
        1 for content, cue, _ in located
        if any(_overlap(content, a.get("content")) or _overlap(cue, a.get("cue")) for a in record["attributions"]))
    for attribution in record.get("attributions", []):
        entity = attribution.get("speaker_entity")
        if not entity:
            continue
        cued = "cued_" if attribution.get("cue") else "uncued_"
        counts["attributions"] += 1
        counts[f"{cued}attributions"] += 1
        scored = [(_overlap(cue, attribution.get("cue")) > 0, _overlap(content, attribution.get("content")), k)
                  for k, (content, cue, _) in enumerate(located)]
        scored = [s for s in scored if s[0] or s[1]]
        if not scored:
            continue
        counts["found"] += 1
        counts[f"{cued}found"] += 1
        best = max(scored)[2]
        speaker = located[best][2]
        targets = [attribution.get("speaker"), *entity_spans.get(entity["entity_id"], [])]
        if speaker is not None and any(_overlap(speaker, t) for t in targets if t):
            counts["speaker_correct"] += 1
            counts[f"{cued}speaker_correct"] += 1


def load_records(path: Path) -> list[dict]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: invalid JSON ({error.msg})") from None
    return records


def eval_gum(path: str | Path | None = None, *, nlp: Language | None = None) -> dict:
    """Named-mention P/R/F1 and attribution speaker accuracy on the GUM Wikinews gold.

    Args:
        path: the gold JSONL, its folder or the eval folder (default: $PRESSLENS_EVAL or
            <project root>/../shared/eval).
        nlp: spaCy pipeline (default: `presslens.nlp.load_pipeline()`).

    Returns:
        n_documents; mentions (with spaCy places) and mentions_actors_only, each with
        precision, recall, f1, n_gold, n_predicted, n_correct, n_neutral and by_type
        (person, organization, place); attributions: n_gold (with a speaker entity), n_found
        (a PressLens quote overlaps its content or cue), n_speaker_correct, speaker_accuracy
        (over n_gold), speaker_accuracy_found (over n_found), the same counts and
        speaker_accuracy_cued for the attributions with a gold cue, n_quotes (predicted) and
        quote_precision (share of predicted quotes overlapping any gold attribution).

    Raises:
        FileNotFoundError: when the suite is absent, saying where suites are expected.
    """
    file = suite_file(path)
    records = load_records(file)
    if nlp is None:
        from presslens.nlp import load_pipeline

        nlp = load_pipeline()
    settings = Settings.from_env()
    docs = list(nlp.pipe(r["text"] for r in records))
    # As `presslens extract` does: people named anywhere in the suite are found again everywhere.
    people: Counter = Counter(name for doc in docs for name in person_names(doc))
    finder = ActorFinder(known_people=people)
    theme_matcher = build_theme_matcher(nlp, load_codebook(settings.codebook))
    triggers = load_triggers(settings.triggers)
    with_places: Counter = Counter()
    actors_only: Counter = Counter()
    attributions: Counter = Counter()
    for record, doc in zip(records, docs, strict=True):
        found = extract_doc(doc, finder=finder, theme_matcher=theme_matcher, triggers=triggers)
        named, unnamed = gold_spans(record)
        for counts, places in ((with_places, True), (actors_only, False)):
            predicted = predicted_spans(doc, found.actors.mentions, found.actors.actors, places=places)
            score_mentions(named, unnamed, predicted, counts)
        score_attributions(record, doc, found.quotes, found.actors.mentions, attributions)

    def mention_figures(counts: Counter) -> dict:
        return {**prf(counts), "by_type": {t: prf(counts, f"{t}:") for t in GOLD_TYPES}}

    return {
        "suite": str(file),
        "n_documents": len(records),
        "mentions": mention_figures(with_places),
        "mentions_actors_only": mention_figures(actors_only),
        "attributions": {
            # The measure: the speaker found for each gold cue.
            "n_gold_cued": attributions["cued_attributions"],
            "n_found_cued": attributions["cued_found"],
            "n_speaker_correct_cued": attributions["cued_speaker_correct"],
            "speaker_accuracy_cued": _ratio(attributions["cued_speaker_correct"],
                                            attributions["cued_attributions"]),
            "n_gold": attributions["attributions"],
            "n_found": attributions["found"],
            "n_speaker_correct": attributions["speaker_correct"],
            "speaker_accuracy": _ratio(attributions["speaker_correct"], attributions["attributions"]),
            "speaker_accuracy_found": _ratio(attributions["speaker_correct"], attributions["found"]),
            "n_quotes": attributions["quotes_predicted"],
            "quote_precision": _ratio(attributions["quotes_on_attribution"], attributions["quotes_predicted"]),
        },
    }
