"""Interactions between two actors, typed with PLOVER event types, from the dependency parse.

`find_interactions(doc, mentions, lexicon=load_triggers())` finds trigger words from the
analyst's lexicon (`codebooks/triggers.yml`), then reads who acts and who is acted upon from the
parse (`find_triggers` lists the triggers alone, with or without actors):

- verbs: subject -> object or prepositional object ("Xi met with Putin"); passives take the
  agent as source ("sanctioned by the United States");
- light verbs take their event from their object ("held talks with", "imposed sanctions on");
  verbs of ending turn it around ("lifted the sanctions": RETREAT, "cut aid": SANCTION);
- nouns: possessor, "of"/"by" phrase or modifier as source, "with/to/on/against" as recipient
  ("the visit of Pezeshkian to China"); a noun in "during a meeting with X, he ..." makes the
  clause subject the source;
- conjoined actors are expanded, and symmetric events between conjoined subjects give pairs;
- "the two nations", "both countries" point back to the two countries named together most
  recently; "the two sides" and "both leaders" to the two participants of the article's main
  (first) meeting; "it", "its", "they", "their" to the subject of the clause that embeds them
  (`presslens.extract.references`, shared with quotes);
- negation ("not", "never", "refused to") is kept; intended or future acts are retyped as the
  lexicon says (PLOVER: promised cooperation is AGREE, "will not cooperate" is REJECT, "will
  attack unless" is THREATEN); "X said Y must ..." is a REQUEST from X to Y;
- acts that were not done give no row: asked for ("called for Romania to withdraw": X's
  REQUEST), inside "if"/"unless", hoped, expected, doubted or proposed for others, planned and
  cancelled, or had as a state ("enjoyed support", "has a treaty");
- a thing or an event named with an actor is no partner in a meeting or agreement ("proposed a
  UN resolution"); "the attacks" with no actor of their own, and "also" with the same act, look
  back to the latest such row in the article.

Limits: one sentence at a time, apart from those look-backs; a recipient must be an actor
mention (places used as locations, such as "in Moscow", are not recipients).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml
from spacy.tokens import Doc, Token

from presslens.errors import UserError
from presslens.extract.actors import Mention
from presslens.extract.references import ActorIndex
from presslens.lexicons import yaml_data
from presslens.nlp import masked_tokens, sentence_index, token_mask

DEFAULT_TRIGGERS = Path(__file__).resolve().parents[1] / "codebooks" / "triggers.yml"
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
                "ASSAULT")
EVENT_KEYS = frozenset({"description", "verbs", "nouns", "reversed", "symmetric", "intent",
                        "refused", "reduced", "of"})
RETYPE_KEYS = ("intent", "refused", "reduced")
LIST_OPTIONS = ("light_verbs", "reverse_light_verbs", "reducing_verbs", "promise_verbs",
                "target_prepositions", "noun_target_prepositions", "negators", "intent_words", "obligation_words",
                "condition_words", "hypothetical_words", "circumstance_prepositions",
                "publication_objects", "publication_types", "noun_source_prepositions",
                "from_place_types", "framing_types", "fulfilment_objects", "allegation_verbs",
                "allegation_types", "authored_types", "actor_object_verbs", "wish_verbs",
                "thing_nouns", "partner_types", "counterpart_nouns",
                "plan_words", "undergoing_prepositions", "possession_verbs",
                "possession_types", "act_nouns", "force_types", "contest_nouns",
                "verbal_objects", "travel_verbs", "authorship_objects",
                "instrument_types", "report_nouns", "claim_nouns", "asked_types")
TYPE_OPTIONS = ("obligation_type", "condition_type", "allegation_type", "verbal_type")
OPTION_KEYS = frozenset({*LIST_OPTIONS, *TYPE_OPTIONS, "plural_references"})
REFERENCE_KINDS = frozenset({"country", "person", "any"})
ARTICLES = frozenset({"a", "an", "the"})
# Used only to find the head of a nominal phrase ("state of emergency", "call for").
PHRASE_PREPOSITIONS = frozenset({"of", "for", "to", "with", "on", "against", "in", "into",
                                 "from", "by", "at", "under"})
PHRASE_SKIP_DEPS = frozenset({"aux", "auxpass", "mark", "nsubj", "nsubjpass", "punct", "cc",
                              "advmod", "neg", "det"})
# Named entities whose words are not triggers ("Asia-Pacific Economic Cooperation").
NAME_ENTITIES = frozenset({"ORG", "PERSON", "GPE", "NORP", "FAC", "LOC"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
# Added to the depth of triggers inside "if" and "unless" clauses when ranking.
HYPOTHETICAL_RANK = 20
# The event type of meetings, whose two participants "the two sides" and "both leaders" mean.
MEETING_TYPE = "CONSULT"
STEM = 8    # letters two trigger words share when they name the same act ("congratulat-")
# Entity types of prepositional objects that never take part ("on Saturday", "for 25 years").
NOT_PARTICIPANTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY",
                              "QUANTITY"})


class TriggerFileError(UserError, ValueError):
    """A malformed trigger lexicon: names the file, the event type and the problem."""


class Phrase(NamedTuple):
    """One lexicon entry: a head lemma and the words that must depend on it."""

    event_type: str
    head: str
    words: tuple[str, ...]
    reverse: bool = False


PhraseTable = dict[str, tuple[tuple[str, ...], ...]]


class TriggerLexicon(NamedTuple):
    """The parsed trigger lexicon (see the header of codebooks/triggers.yml)."""

    verbs: dict[str, tuple[Phrase, ...]]
    nouns: dict[str, tuple[Phrase, ...]]
    descriptions: dict[str, str]
    symmetric: frozenset[str]
    intent: dict[str, str]
    refused: dict[str, str]
    reduced: dict[str, str]
    object_of: frozenset[str]
    light_verbs: PhraseTable
    reverse_light_verbs: PhraseTable
    reducing_verbs: PhraseTable
    promise_verbs: frozenset[str]
    target_prepositions: frozenset[str]
    noun_target_prepositions: frozenset[str]
    negators: PhraseTable
    intent_words: frozenset[str]
    obligation_words: frozenset[str]
    obligation_type: str | None
    condition_words: frozenset[str]
    condition_type: str | None
    hypothetical_words: frozenset[str]
    circumstance_prepositions: frozenset[str]
    publication_objects: frozenset[str]
    publication_types: frozenset[str]
    plural_references: dict[str, str]
    noun_source_prepositions: frozenset[str] = frozenset()
    from_place_types: frozenset[str] = frozenset()
    framing_types: frozenset[str] = frozenset()
    fulfilment_objects: frozenset[str] = frozenset()
    allegation_verbs: frozenset[str] = frozenset()
    allegation_types: frozenset[str] = frozenset()
    allegation_type: str | None = None
    authored_types: frozenset[str] = frozenset()
    actor_object_verbs: frozenset[str] = frozenset()
    wish_verbs: frozenset[str] = frozenset()
    things: frozenset[str] = frozenset()    # nouns of events and things: no partner (_Partners)
    partner_types: frozenset[str] = frozenset()
    counterpart_nouns: frozenset[str] = frozenset()
    plan_words: frozenset[str] = frozenset()
    undergoing_prepositions: frozenset[str] = frozenset()
    possession_verbs: frozenset[str] = frozenset()
    possession_types: frozenset[str] = frozenset()
    act_nouns: frozenset[str] = frozenset()
    force_types: frozenset[str] = frozenset()
    contest_nouns: frozenset[str] = frozenset()
    verbal_objects: frozenset[str] = frozenset()
    verbal_type: str | None = None
    travel_verbs: frozenset[str] = frozenset()
    authorship_objects: frozenset[str] = frozenset()
    instrument_types: frozenset[str] = frozenset()
    report_nouns: frozenset[str] = frozenset()
    claim_nouns: frozenset[str] = frozenset()
    asked_types: frozenset[str] = frozenset()
    path: Path | None = None


class Interaction(NamedTuple):
    """One event; a side the text does not name as an actor is None (never both)."""

    sentence_id: int
    source_key: str | None
    event_type: str
    target_key: str | None
    trigger: str
    negated: bool
    text: str


class TriggerMatch(NamedTuple):
    """A trigger word in the text, whether or not two actors were found around it."""

    sentence_id: int
    token: int
    event_type: str
    trigger: str
    negated: bool


# -- lexicon ------------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return [w for w in text.lower().split() if w not in ARTICLES]


def _verb_phrase(text: str) -> tuple[str, tuple[str, ...]]:
    words = _words(text)
    return words[0], tuple(words[1:])


def _noun_phrase(text: str) -> tuple[str, tuple[str, ...]]:
    words = _words(text)
    for i, word in enumerate(words):
        if i > 0 and word in PHRASE_PREPOSITIONS:
            return words[i - 1], tuple(words[:i - 1] + words[i:])
    return words[-1], tuple(words[:-1])


def _phrase_table(values: Iterable[str]) -> PhraseTable:
    table: dict[str, list[tuple[str, ...]]] = {}
    for value in values:
        head, words = _verb_phrase(value)
        table.setdefault(head, []).append(words)
    return {head: tuple(sorted(set(v), key=len, reverse=True)) for head, v in table.items()}


def load_triggers(path: str | Path | None = None) -> TriggerLexicon:
    """The trigger lexicon in `path` (None: the packaged codebooks/triggers.yml).

    Raises TriggerFileError (a ValueError) naming the file, event type and problem when the
    file is not a valid lexicon; FileNotFoundError when it does not exist.
    """
    file = Path(path) if path is not None else DEFAULT_TRIGGERS

    def fail(where: str, problem: str):
        raise TriggerFileError(f"{file}: {where}: {problem}")

    def strings(value: object, where: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(where, "must be a list of non-empty strings (quote on, off, yes and no)")
        return value

    def add(table: dict[str, list[Phrase]], phrase: Phrase, kind: str, text: str) -> None:
        for other in table.get(phrase.head, ()):
            if other.words == phrase.words and other.event_type != phrase.event_type:
                fail(phrase.event_type, f"{kind} {text!r} is also listed under {other.event_type}")
        table.setdefault(phrase.head, []).append(phrase)

    try:
        data = yaml_data(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise TriggerFileError(f"{file}: not valid YAML: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("events"), dict):
        fail("top level", "needs an 'events' mapping of PLOVER types")
    options = data.get("options") or {}
    if not isinstance(options, dict):
        fail("options", "must be a mapping")
    for key in options:
        if key not in OPTION_KEYS:
            fail(f"options.{key}", f"unknown option (known: {', '.join(sorted(OPTION_KEYS))})")
    for key in TYPE_OPTIONS:
        if options.get(key) is not None and options[key] not in PLOVER_TYPES:
            fail(f"options.{key}", f"must name a PLOVER type, not {options[key]!r}")
    for name in ("publication_types", "from_place_types", "framing_types", "allegation_types",
                 "authored_types", "partner_types", "possession_types", "force_types",
                 "instrument_types", "asked_types"):
        unknown_types = [t for t in options.get(name) or [] if t not in PLOVER_TYPES]
        if unknown_types:
            fail(f"options.{name}", f"must name PLOVER types, not {unknown_types[0]!r}")
    verbs: dict[str, list[Phrase]] = {}
    nouns: dict[str, list[Phrase]] = {}
    descriptions: dict[str, str] = {}
    symmetric: set[str] = set()
    retype: dict[str, dict[str, str]] = {key: {} for key in RETYPE_KEYS}
    object_of: set[str] = set()
    for event_type, spec in data["events"].items():
        if event_type not in PLOVER_TYPES:
            fail(str(event_type), f"not a PLOVER event type (one of {', '.join(PLOVER_TYPES)})")
        if not isinstance(spec, dict):
            fail(event_type, "must be a mapping with description, verbs and nouns")
        for key in spec:
            if key not in EVENT_KEYS:
                fail(event_type, f"unknown key {key!r} (known: {', '.join(sorted(EVENT_KEYS))})")
        descriptions[event_type] = str(spec.get("description") or "").strip()
        if spec.get("symmetric") not in (None, True, False):
            fail(event_type, "'symmetric' must be true or false")
        if spec.get("symmetric"):
            symmetric.add(event_type)
        for key in RETYPE_KEYS:
            if (shifted := spec.get(key)) is not None:
                if shifted not in PLOVER_TYPES:
                    fail(event_type, f"{key!r} must name a PLOVER type, not {shifted!r}")
                retype[key][event_type] = shifted
        if spec.get("of") not in (None, "source", "target"):
            fail(event_type, "'of' must be source or target")
        if spec.get("of") == "target":
            object_of.add(event_type)
        entries = [(v, False) for v in strings(spec.get("verbs"), f"{event_type}.verbs")]
        entries += [(v, True) for v in strings(spec.get("reversed"), f"{event_type}.reversed")]
        for text, reverse in entries:
            head, words = _verb_phrase(text)
            add(verbs, Phrase(event_type, head, words, reverse), "verb", text)
        noun_list = strings(spec.get("nouns"), f"{event_type}.nouns")
        for text in noun_list:
            head, words = _noun_phrase(text)
            add(nouns, Phrase(event_type, head, words), "noun", text)
        if not entries and not noun_list:
            fail(event_type, "has neither verbs nor nouns")
    references = options.get("plural_references") or {}
    if not isinstance(references, dict) or not all(
            isinstance(k, str) and v in REFERENCE_KINDS for k, v in references.items()):
        fail("options.plural_references", "must map nouns to country, person or any")
    lists = {name: strings(options.get(name), f"options.{name}") for name in LIST_OPTIONS}

    def words(name: str) -> frozenset[str]:
        return frozenset(w.lower() for w in lists[name])

    def verb_forms(name: str) -> frozenset[str]:
        # The small English model lemmatizes "hoped" as "hop": match the regular forms too.
        return frozenset(form for w in words(name) for form in (
            w, w + "s", w + "d", w + "ed", w + "ing", w[:-1] + "ing" if w.endswith("e") else w))

    def by_length(table: dict[str, list[Phrase]]) -> dict[str, tuple[Phrase, ...]]:
        return {k: tuple(sorted(v, key=lambda p: len(p.words), reverse=True))
                for k, v in table.items()}

    return TriggerLexicon(
        verbs=by_length(verbs), nouns=by_length(nouns), descriptions=descriptions,
        symmetric=frozenset(symmetric), intent=retype["intent"], refused=retype["refused"],
        reduced=retype["reduced"], object_of=frozenset(object_of),
        light_verbs=_phrase_table(lists["light_verbs"]),
        reverse_light_verbs=_phrase_table(lists["reverse_light_verbs"]),
        reducing_verbs=_phrase_table(lists["reducing_verbs"]),
        promise_verbs=words("promise_verbs"),
        target_prepositions=words("target_prepositions"),
        noun_target_prepositions=words("target_prepositions") | words("noun_target_prepositions"),
        negators=_phrase_table(lists["negators"]),
        intent_words=verb_forms("intent_words"),
        obligation_words=words("obligation_words"),
        obligation_type=options.get("obligation_type"),
        condition_words=words("condition_words"),
        condition_type=options.get("condition_type"),
        hypothetical_words=words("hypothetical_words"),
        circumstance_prepositions=words("circumstance_prepositions"),
        publication_objects=words("publication_objects"),
        publication_types=frozenset(lists["publication_types"]),
        plural_references={k.lower(): v for k, v in references.items()},
        noun_source_prepositions=words("noun_source_prepositions"),
        from_place_types=frozenset(lists["from_place_types"]),
        framing_types=frozenset(lists["framing_types"]),
        fulfilment_objects=words("fulfilment_objects"),
        allegation_verbs=words("allegation_verbs"),
        allegation_types=frozenset(lists["allegation_types"]),
        allegation_type=options.get("allegation_type"),
        authored_types=frozenset(lists["authored_types"]),
        actor_object_verbs=words("actor_object_verbs"),
        wish_verbs=verb_forms("wish_verbs"),
        partner_types=frozenset(lists["partner_types"]),
        counterpart_nouns=words("counterpart_nouns"),
        plan_words=words("plan_words"),
        undergoing_prepositions=words("undergoing_prepositions"),
        possession_verbs=verb_forms("possession_verbs"),
        possession_types=frozenset(lists["possession_types"]),
        act_nouns=words("act_nouns"),
        force_types=frozenset(lists["force_types"]),
        contest_nouns=words("contest_nouns"),
        verbal_objects=words("verbal_objects"),
        verbal_type=options.get("verbal_type"),
        travel_verbs=verb_forms("travel_verbs"),
        authorship_objects=words("authorship_objects"),
        instrument_types=frozenset(lists["instrument_types"]),
        report_nouns=words("report_nouns"),
        claim_nouns=words("claim_nouns"),
        asked_types=frozenset(lists["asked_types"]),
        things=words("thing_nouns") | words("publication_objects") | frozenset(
            head for head, entries in nouns.items() if any(not e.words for e in entries)),
        path=file,
    )


# -- matching -----------------------------------------------------------------------------------
def _forms(token: Token) -> set[str]:
    return {token.lower_, token.lemma_.lower()}


def _match_words(token: Token, words: tuple[str, ...]) -> list[Token] | None:
    """Dependents that spell `words`, each below `token` or below a word already matched;
    None if one is missing. Auxiliaries, markers and subjects never count ("to protest")."""
    found: list[Token] = []
    todo = list(words)
    # "called for Romania to withdraw": the parse makes "for" the mark of the clause asked for.
    marks = [m for c in token.children if c.dep_ == "advcl" for m in c.children
             if m.dep_ == "mark" and m.i < c.i]
    progress = True
    while todo and progress:
        progress = False
        for word in list(todo):
            hit = next((c for t in (token, *found) for c in t.children
                        if c.dep_ not in PHRASE_SKIP_DEPS and word in _forms(c)
                        and c not in found and not _circumstantial(c)), None)
            if hit is None:
                hit = next((m for m in marks if word == m.lower_ and m not in found), None)
            if hit is not None:
                found.append(hit)
                todo.remove(word)
                progress = True
    return None if todo else found


def _circumstantial(token: Token) -> bool:
    """A preposition of time or amount ("agreed on Saturday"), never part of a phrase."""
    return token.dep_ == "prep" and any(
        c.dep_ == "pobj" and c.ent_type_ in NOT_PARTICIPANTS for c in token.children)


def _best(entries: Sequence[Phrase] | None, token: Token) -> tuple[Phrase, list[Token]] | None:
    for entry in entries or ():
        found = _match_words(token, entry.words)
        if found is not None:
            return entry, found
    return None


def _phrase_at(table: PhraseTable, token: Token) -> list[Token] | None:
    for head in _forms(token):
        for words in table.get(head, ()):
            found = _match_words(token, words)
            if found is not None:
                return found
    return None


@dataclass
class _Hit:
    token: Token
    event_type: str
    tokens: list[Token]
    reverse: bool = False
    noun: Token | None = None          # the object noun of a light or trigger verb
    prepositions: set[str] = field(default_factory=set)
    promise: bool = False               # "promised aid": the act is only promised
    light: bool = False                 # the event comes from the object ("imposed sanctions")
    negated: bool = False
    intended: bool = False              # only intended, hoped or future ("would be indicted")
    obliged: Token | None = None        # the verb of "Y must ...", when reported
    planned: bool = False               # "a planned visit", "the proposed talks"
    depth: int = 0
    lexicon_type: str = ""              # the type before intent, refusal or obligation

    def __post_init__(self) -> None:
        self.lexicon_type = self.lexicon_type or self.event_type

    @property
    def trigger(self) -> str:
        return " ".join(t.text for t in sorted({*self.tokens, self.token}, key=lambda t: t.i))


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


def _noun_entry(lexicon: TriggerLexicon, token: Token) -> tuple[Phrase, list[Token]] | None:
    if token.pos_ not in {"NOUN", "PROPN"} or token.ent_type_ in NAME_ENTITIES:
        return None
    for form in (token.lemma_.lower(), token.lower_):
        if found := _best(lexicon.nouns.get(form), token):
            return found
    return None


def _object_noun(verb: Token, lexicon: TriggerLexicon, extra: list[Token]) -> Token | None:
    """The noun trigger a verb governs: its object, the object's modifier noun ('mediation
    efforts') or 'of' complement ('dollars of aid'), or the object of a phrase preposition."""
    candidates = [c for c in verb.children if c.dep_ in {"dobj", "attr", "oprd"}]
    candidates += [c for t in extra if t.dep_ == "prep" for c in t.children if c.dep_ == "pobj"]
    for noun in candidates:
        if _noun_entry(lexicon, noun):
            return noun
        inner = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
        inner += [p for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                  for p in c.children if p.dep_ == "pobj"]
        for token in inner:
            if _noun_entry(lexicon, token):
                return token
    return None


def _verb_hit(token: Token, lexicon: TriggerLexicon) -> _Hit | None:
    entries: Sequence[Phrase] = ()
    for form in (token.lemma_.lower(), token.lower_):
        entries = entries or lexicon.verbs.get(form, ())
    phrase = _best([e for e in entries if e.words], token)
    if phrase:
        entry, found = phrase
        noun = next((t for t in found if t.pos_ in {"NOUN", "PROPN"}), None)
        return _Hit(token, entry.event_type, found, entry.reverse, noun,
                    # by part of speech: a parse may hang "about" on a conjunct
                    prepositions={t.lower_ for t in found if t.pos_ == "ADP"},
                    light=noun is not None and noun.dep_ in {"dobj", "attr", "oprd"})
    extra = _phrase_at(lexicon.reducing_verbs, token)
    if extra is not None and (noun := _object_noun(token, lexicon, extra)) is not None:
        reduced = lexicon.reduced.get(_noun_entry(lexicon, noun)[0].event_type)
        if reduced:
            return _Hit(token, reduced, [*extra, noun], noun=noun, light=True)
    promise = token.lemma_.lower() in lexicon.promise_verbs
    for table, reverse in ((lexicon.light_verbs, False), (lexicon.reverse_light_verbs, True)):
        extra = _phrase_at(table, token)
        if extra is None and promise and not reverse:
            extra = []      # "promised aid", "offered assistance": promise verbs are light too
        if extra is None:
            continue
        noun = _object_noun(token, lexicon, extra)
        if noun is not None and _possessed(noun, lexicon):
            return None
        if noun is not None:
            entry, words = _noun_entry(lexicon, noun)
            # "raised concerns about X": the noun phrase's own preposition names the recipient.
            return _Hit(token, entry.event_type, [*extra, noun], reverse, noun, promise=promise,
                        light=True, prepositions={t.lower_ for t in words if t.dep_ == "prep"})
    single = next((e for e in entries if not e.words), None)
    if single is None:
        return None
    event_type = single.event_type
    if event_type in lexicon.force_types:
        objects = [c for c in token.children if c.dep_ == "dobj"]
        if any(p.lemma_.lower() in lexicon.contest_nouns for t in (token, *objects)
               for c in t.children if c.dep_ == "prep" and c.lower_ in {"in", "at"}
               for p in _pobjs(c)):
            return None     # "beat Huhne in the party's election": a contest won, no force
        if any(c.dep_ == "dobj" and c.lemma_.lower() in lexicon.verbal_objects
               for c in token.children):
            # "attacked the Labor party's stance": words against words
            event_type = lexicon.verbal_type or event_type
    noun = next((c for c in token.children if c.dep_ == "dobj" and _noun_entry(lexicon, c)), None)
    return _Hit(token, event_type, [], single.reverse, noun)


def _reacting(verb: Token, lexicon: TriggerLexicon) -> bool:
    """True for a verb of reaction whose passive subject is another's act ('the Senate's
    proposal was welcomed by Amnesty'): its own event, not a vehicle for the noun's."""
    return any(e.event_type in lexicon.authored_types for form in _forms(verb)
               for e in lexicon.verbs.get(form, ()) if not e.words)


def _other_purpose(verb: Token, lexicon: TriggerLexicon) -> bool:
    """True when a trip states a purpose other than meeting someone ('for the opening of the
    Games', 'to render humanitarian assistance'); 'for talks' keeps it a visit."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "for":
            for purpose in _pobjs(child):
                if purpose.ent_type_ in NOT_PARTICIPANTS:
                    continue    # "for two days"
                found = _noun_entry(lexicon, purpose)
                if found is None or found[0].event_type != MEETING_TYPE:
                    return True
        elif child.dep_ in {"advcl", "xcomp"} and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            found_hit = _verb_hit(child, lexicon)
            if found_hit is None or found_hit.event_type != MEETING_TYPE:
                return True
    return False


def _possessed(noun: Token, lexicon: TriggerLexicon) -> bool:
    """True for support, an agreement or aid that someone has or enjoys ('has broad popular
    support', 'does have an extradition treaty'): a state, not an act."""
    found = _noun_entry(lexicon, noun)
    return (found is not None and found[0].event_type in lexicon.possession_types
            and noun.dep_ == "dobj" and bool(_forms(noun.head) & lexicon.possession_verbs))


def _governors(token: Token) -> Iterable[Token]:
    """Words that govern `token` through control: 'refused to meet', 'is willing to withdraw',
    'refrain from attacking'."""
    current = token
    for _ in range(6):
        if current.dep_ == "xcomp":
            current = current.head
        elif current.dep_ == "pcomp" and current.head.dep_ == "prep":
            current = current.head.head
        else:
            return
        yield current
        if current.dep_ == "acomp":     # "is willing to": the adjective's verb governs too
            yield current.head


def _aux(token: Token, words: frozenset[str]) -> bool:
    return any(c.dep_ in {"aux", "auxpass"} and c.lower_ in words for c in token.children)


def _negated(hit: _Hit, lexicon: TriggerLexicon) -> tuple[bool, bool]:
    """(negated, refused): refused when the act is declined, not just absent."""
    heads = [hit.token] + ([hit.noun] if hit.noun is not None else [])
    if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no")
           for head in heads for c in head.children):
        return True, _intended(hit, lexicon)
    for governor in _governors(hit.token):
        if _phrase_at(lexicon.negators, governor) is not None:
            return True, True
        if any(c.dep_ == "neg" for c in governor.children):
            return True, _intended(hit, lexicon)
    return False, False


def _intended(hit: _Hit, lexicon: TriggerLexicon) -> bool:
    words = lexicon.intent_words
    if hit.promise or hit.planned or _aux(hit.token, words):
        return True
    return any(_forms(g) & words or _aux(g, words) for g in _governors(hit.token))


def _obliged(hit: _Hit, lexicon: TriggerLexicon) -> Token | None:
    """The verb that carries 'must' or 'should' over the trigger, if any, also across
    coordination ('should cease to detain them or release them')."""
    current = hit.token
    for _ in range(4):
        for token in (current, *_governors(current)):
            if _aux(token, lexicon.obligation_words):
                return token
        if current.dep_ != "conj":
            return None
        current = current.head
    return None


def _conditional(hit: _Hit, lexicon: TriggerLexicon) -> bool:
    """'will withdraw unless ...': an intended act made conditional is a threat."""
    for token in (hit.token, *_governors(hit.token)):
        for child in token.children:
            if child.dep_ == "advcl" and any(
                    m.dep_ == "mark" and m.lower_ in lexicon.condition_words
                    for m in child.children):
                return True
    return False


def _obligation_hits(doc: Doc, lexicon: TriggerLexicon, taken: set[int]) -> list[_Hit]:
    """'Russia said Sudan must return ...': a reported obligation is a request."""
    if not lexicon.obligation_type:
        return []
    hits = []
    for token in masked_tokens(doc, token_mask(doc, "DEP", {"ccomp"})):
        if token.i in taken or token.lemma_ in {"be", "have"} or not _aux(
                token, lexicon.obligation_words):
            continue    # "X said Y should be alive" states, it does not ask
        aux = [c for c in token.children if c.dep_ == "aux" and c.lower_ in
               lexicon.obligation_words]
        hits.append(_Hit(token, lexicon.obligation_type, aux, obliged=token))
    return hits


# Entity types of dates and times: a noun trigger inside one names a day, not an event.
CALENDAR_ENTITIES = frozenset({"DATE", "TIME"})


def _hits(doc: Doc, lexicon: TriggerLexicon, inside_actor: set[int]) -> list[_Hit]:
    hits: list[_Hit] = []
    used: set[int] = set()
    for token in masked_tokens(doc, token_mask(doc, "POS", {"VERB"})):
        # "called Raisi a true friend": a verb with an object predicate names, it does not act.
        if token.dep_ == "amod" or any(
                c.dep_ == "oprd" for c in token.children):
            continue
        if (hit := _verb_hit(token, lexicon)) is not None:
            if hit.event_type in lexicon.publication_types and len(hit.tokens) <= 1 and any(
                    c.dep_ == "dobj" and c.lemma_.lower() in lexicon.publication_objects
                    for c in token.children):
                continue  # "released a report", "provided details": publishing, not yielding or aid
            if token.lemma_.lower() in lexicon.actor_object_verbs and not hit.tokens and not any(
                    c.dep_ == "dobj" and c.i in inside_actor for c in token.children):
                continue  # "joined NATO" is an event, "joined the protest" is not one of these
            if hit.event_type == MEETING_TYPE and not hit.tokens and any(
                    c.dep_ == "dobj" and c.lemma_.lower() in lexicon.fulfilment_objects
                    for c in token.children):
                continue  # "meet the requirements": fulfilling, not meeting anyone
            if hit.event_type == MEETING_TYPE and _forms(token) & lexicon.travel_verbs and (
                    _other_purpose(token, lexicon)):
                continue  # "heads to Beijing for the opening of the Games": a trip, no visit
            hits.append(hit)
            used.update(t.i for t in hit.tokens)
            if hit.noun is not None:
                used.add(hit.noun.i)
    nouns = token_mask(doc, "POS", {"NOUN", "PROPN"}) & (
        token_mask(doc, "LEMMA", lambda lemma: lemma.lower() in lexicon.nouns)
        | token_mask(doc, "LOWER", lexicon.nouns))
    for token in masked_tokens(doc, nouns):  # only these can have a _noun_entry
        if token.i in used or token.i in inside_actor or token.dep_ == "compound":
            continue
        if token.ent_type_ in CALENDAR_ENTITIES:
            continue    # "On March 3", "in March": the month, not a protest march
        if (found := _noun_entry(lexicon, token)) and not _possessed(token, lexicon):
            entry, words = found
            event_type: str | None = entry.event_type
            # "a planned round of talks": the phrase around the noun counts as the noun
            phrase = token.head.head if token.dep_ == "pobj" and token.head.lower_ == "of" and (
                token.head.head.pos_ == "NOUN") else token
            planned = any(c.dep_ == "amod" and c.lower_ in lexicon.plan_words
                          for c in (*token.children, *phrase.children))
            if phrase.dep_ == "nsubjpass" and _phrase_at(lexicon.reducing_verbs, phrase.head) is not None:
                # "sanctions were lifted"; "a planned round of talks was cancelled" never was
                event_type = None if planned else lexicon.reduced.get(entry.event_type)
            if event_type in lexicon.force_types and any(
                    c.dep_ in {"amod", "compound"} and c.lemma_.lower() in lexicon.contest_nouns
                    for c in token.children):
                event_type = None   # "a bitter primary battle", "a legal battle": no force
            if event_type is not None:
                hits.append(_Hit(token, event_type, words, planned=planned))
    by_token = {h.token.i: h for h in hits}
    kept = []
    for hit in hits:
        if hit.token.pos_ == "VERB" and not hit.tokens and not _reacting(hit.token, lexicon) and any(
                c.dep_ == "nsubjpass" and c.i in by_token for c in hit.token.children):
            continue    # "sanctions were lifted": the noun's event, retyped, is the one
        # An intent verb that governs another trigger only marks it ("promised to withdraw").
        if _forms(hit.token) & lexicon.intent_words and any(
                c.dep_ in {"xcomp", "ccomp"} and c.i in by_token for c in hit.token.children):
            continue
        kept.append(hit)
    obliged_verbs = set()
    for hit in kept:
        hit.negated, refused = _negated(hit, lexicon)
        obliged = _obliged(hit, lexicon)
        if obliged is not None and hit.event_type in lexicon.framing_types and obliged.i not in {
                t.i for t in (hit.token, *_governors(hit.token))}:
            obliged = None  # "said the SCO should work ..., and called for": the call is made
        if obliged is not None and lexicon.obligation_type:
            hit.event_type, hit.obliged = lexicon.obligation_type, obliged
            obliged_verbs.add(obliged.i)
        elif refused and hit.event_type in lexicon.refused:
            hit.event_type, hit.negated = lexicon.refused[hit.event_type], False
        elif _intended(hit, lexicon):
            hit.intended = True
            if lexicon.condition_type and _conditional(hit, lexicon):
                hit.event_type = lexicon.condition_type
            else:
                hit.event_type = lexicon.intent.get(hit.event_type, hit.event_type)
    kept += _obligation_hits(doc, lexicon, obliged_verbs | set(by_token))
    framing = {h.token.i for h in kept if h.event_type in lexicon.framing_types}
    # "rejected demands that it withdraw": a framing noun inside another's phrase frames too
    framing |= {h.noun.i for h in kept if h.noun is not None and (
        found := _noun_entry(lexicon, h.noun)) and found[0].event_type in lexicon.framing_types}
    asking = {h.token.i for h in kept if h.event_type in lexicon.asked_types}
    kept = [h for h in kept if not _framed(h.token, framing, asking)]
    for hit in kept:
        # The main event of a sentence is not the hypothetical one ("... if it is attacked").
        hit.depth = _depth(hit.token) + (HYPOTHETICAL_RANK if _in_condition(hit.token, lexicon)
                                         else 0)
    return kept


def _framed(token: Token, framing: set[int], asking: set[int] = frozenset()) -> bool:
    """True when `token` is what a demand, threat or accusation is about ('threatened to
    strike', 'demanded that Japan apologise', 'accused Iran of attacking'): no event itself."""
    current, climbed = token, False
    if token.pos_ in {"NOUN", "PROPN"}:
        # "alleging Paris played a role in the genocide": a noun is framed with its clause
        for _ in range(6):
            if current.pos_ in {"VERB", "AUX"} or current.head.i == current.i or current.dep_ in {
                    "nsubj", "nsubjpass", "relcl", "acl", "appos"}:
                break
            current = current.head
        if current.i in asking and token.dep_ in {"dobj", "pobj"} and token.head in (
                current, *(c for c in current.children if c.dep_ == "prep")):
            return True     # "called for the release of ...": the release is what is asked
        if current.pos_ not in {"VERB", "AUX"} or current.i in framing:
            return False
    for _ in range(8):
        # through nested non-finite clauses: "asks the President to consider suspending
        # himself by asking parliament ..." is all asked for
        if current.dep_ == "conj":
            if climbed:
                return False
            current = current.head
        elif current.dep_ == "ccomp":
            return current.head.i in framing    # a finite clause: only its own verb frames it
        elif current.head.pos_ in {"NOUN", "PROPN"} and (current.dep_ == "acl" or (
                current.dep_ == "relcl" and any(
                    (c.dep_ == "aux" and c.lower_ == "to") or (c.dep_ == "mark" and c.lower_ == "that")
                    for c in current.children))):
            # "allegations that the US is planning to assassinate him", "threats to attack"
            return current.head.i in framing
        elif current.dep_ == "xcomp" or _asked_for(current):
            if current.head.i in framing:
                return True
            current, climbed = current.head, True
        elif current.dep_ == "pcomp" and current.head.dep_ == "prep":
            if current.head.head.i in framing:
                return True
            current, climbed = current.head.head, True
        else:
            return False
    return False


def _asked_for(clause: Token) -> bool:
    """True for the clause of "called for Romania to withdraw" or "appealed for Chile to
    release", which the parse makes an adverbial clause, marked by "for" or infinitive."""
    if clause.dep_ != "advcl":
        return False
    marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
    return "for" in marks or (not marks and clause.tag_ == "VB" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in clause.children) and any(
        c.dep_ == "prep" and c.lower_ == "for" and c.i < clause.i for c in clause.head.children))


def _wished(token: Token, lexicon: TriggerLexicon) -> bool:
    """True when `token` is inside what someone hopes, expects or fears another will do
    ('Putin hoped the presidency would develop cooperation', 'expects Iran to retaliate'), or
    inside what a report says ('reports that she will concede'): no event. 'hopes to meet'
    (the subject's own act) is an intent and stays."""
    current = token
    for _ in range(12):
        head = current.head
        if current.dep_ == "acl" and any(c.dep_ == "mark" and c.lower_ == "that"
                                         for c in current.children) and (
                head.lemma_.lower() in lexicon.report_nouns or (
                head.lemma_.lower() in lexicon.claim_nouns
                and _phrase_at(lexicon.negators, head.head) is not None)):
            return True     # "rumours that ...", "denied reports that she will concede"
        if head.i == current.i or current.dep_ in {"relcl", "acl"}:
            return False
        if _forms(head) & lexicon.wish_verbs and (current.dep_ == "ccomp" or (
                current.dep_ == "xcomp" and any(c.dep_ == "dobj" for c in head.children))):
            return True
        current = head
    return False


def _in_condition(token: Token, lexicon: TriggerLexicon) -> bool:
    """True inside an 'if' or 'unless' clause."""
    current = token
    for _ in range(12):
        if current.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in lexicon.hypothetical_words
                for c in current.children):
            return True
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def find_triggers(doc: Doc, *, lexicon: TriggerLexicon) -> list[TriggerMatch]:
    """Every trigger in doc, main clauses first within a sentence, actors or not."""
    sent_of = sentence_index(doc)
    inside = {t.i for t in doc if t.ent_type_ in NAME_ENTITIES}
    hits = sorted(_hits(doc, lexicon, inside), key=lambda h: (sent_of[h.token.i], h.depth, h.token.i))
    return [TriggerMatch(sent_of[h.token.i], h.token.i, h.event_type, h.trigger, h.negated)
            for h in hits]


# -- roles --------------------------------------------------------------------------------------
def _pobjs(prep: Token) -> list[Token]:
    return [c for c in prep.children if c.dep_ == "pobj"]


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN")


def _agents(verb: Token) -> list[Token]:
    agents = [p for c in verb.children if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by")
              for p in _pobjs(c)]
    if agents:
        # "signed by X, the EU commissioner, and Y": the parse may hang Y on the verb
        agents += [c for c in verb.children if c.dep_ == "conj" and c.pos_ in {"PROPN", "NOUN"}
                   and c.i > agents[0].i]
    return agents


def _subject_tokens(verb: Token, depth: int = 0) -> tuple[list[Token], list[Token]]:
    """(doers, undergoers) of a verb's clause, following control, coordination and voice."""
    if depth > 6:
        return [], []
    children = list(verb.children)
    subjects = [c for c in children if c.dep_ in SUBJECT_DEPS]
    if len(subjects) > 1:
        # "an attack on a convoy in Spin Boldak, Afghanistan killed ...": a second subject
        # right after a comma is the parse of a place, not a doer
        subjects = [c for c in subjects if c.i == 0 or verb.doc[c.left_edge.i - 1].text != ","] or subjects
    passive_subjects = [c for c in children if c.dep_ == "nsubjpass"]
    if subjects:
        return subjects, []
    if passive_subjects or _is_passive(verb):
        undergoers = passive_subjects or ([verb.head] if verb.dep_ == "acl" else [])
        return _agents(verb), undergoers
    head = verb.head
    if head.i == verb.i:
        return [], []
    if verb.dep_ == "xcomp":
        objects = [c for c in head.children if c.dep_ in {"dobj"}]
        if objects and head.pos_ == "VERB":
            return objects, []
        passive_subjects = [c for c in head.children if c.dep_ == "nsubjpass"]
        if passive_subjects:
            return passive_subjects, []     # "Putin is expected to meet X": Putin meets
        return _subject_tokens(head, depth + 1)
    if verb.dep_ == "pcomp":
        # "accused Iran of supplying", "thanked Moscow for condemning": the object does it.
        governor = head.head
        objects = [c for c in governor.children if c.dep_ == "dobj"]
        if objects and governor.pos_ == "VERB" and head.lower_ in {"of", "for", "from"}:
            return objects, []
        return _subject_tokens(governor, depth + 1)
    if verb.dep_ in {"conj", "advcl", "prep", "acomp"}:
        return _subject_tokens(head, depth + 1)
    if verb.dep_ in {"acl", "relcl"}:
        return [head], []
    return [], []


@dataclass
class _Roles:
    sources: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)     # "talks between X and Y"
    has_object: bool = False

    def add(self, where: str, keys: Iterable[str]) -> None:
        items = getattr(self, where)
        items.extend(k for k in keys if k not in items)


def _prep_targets(head: Token, roles: _Roles, actors: ActorIndex, preps: set[str],
                  skip: set[int], *, after: int = -1, of_target: bool = False,
                  groups: bool = True) -> None:
    for child in head.children:
        if child.i in skip or child.i <= after:
            continue
        if child.dep_ == "prep" and child.lower_ in {"between", "among", "amongst"}:
            if not groups:
                continue    # "discussed the crisis between X and Y": not the ones talking
            for pobj in _pobjs(child):
                roles.add("group", actors.keys(pobj))
        elif child.dep_ == "prep" and (child.lower_ in preps or (of_target and child.lower_ == "of")):
            for pobj in _pobjs(child):
                if pobj.ent_type_ in NOT_PARTICIPANTS:
                    continue
                roles.has_object = True
                roles.add("targets", actors.keys(pobj))


def _noun_sources(noun: Token, roles: _Roles, actors: ActorIndex, object_of: bool) -> bool:
    """Sources inside the noun phrase; True when 'of' then names the recipient."""
    for child in noun.children:
        if child.dep_ == "poss" or (child.dep_ in {"amod", "compound", "nmod"} and child.i < noun.i):
            roles.add("sources", actors.keys(child))
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            for pobj in _pobjs(child):
                roles.add("sources", actors.keys(pobj))
    if roles.sources or object_of:
        return True
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in _pobjs(child):
                roles.add("sources", actors.keys(pobj))
    return False


def _verb_roles(hit: _Hit, actors: ActorIndex, lexicon: TriggerLexicon) -> _Roles:
    roles = _Roles()
    verb = hit.token
    # "X and Y met ..., their first meeting": a noun or object after a comma is a parse of an
    # apposition to the clause, not what the verb acts on.
    noun = hit.noun if hit.noun is not None and not _after_comma(verb, hit.noun) else None
    if hit.reverse and not hit.light and noun is None and any(
            c.dep_ == "dobj" and not actors.keys(c) for c in verb.children):
        return roles    # "received weapons from X": a thing received, no visitor
    doers, undergoers = _subject_tokens(verb)
    for token in doers:
        roles.add("sources", actors.keys(token))
    for token in undergoers:
        roles.has_object = roles.has_object or not _thing(token, lexicon) or (
            verb.lemma_.lower() in lexicon.promise_verbs)
        roles.add("targets", actors.keys(token))
    borrowed_event = bool(doers) and all(_noun_entry(lexicon, t) for t in doers)
    # "said the SCO should work ... and called for": whoever is obliged does not call
    borrowed_event = borrowed_event or (
        verb.dep_ == "conj" and _aux(verb.head, lexicon.obligation_words))
    if (not roles.sources or borrowed_event) and not any(
            c.dep_ in SUBJECT_DEPS for c in verb.children) and (
            verb.dep_ == "conj" and verb.head.dep_ == "ccomp"):
        # "Wang said the withdrawal was the cause and called on Washington to ...": the parser
        # hung the second verb inside the reported clause; its subject names no actor (or
        # an event, "the withdrawal of the United States"), the speaker does.
        roles.sources = []
        for token in _subject_tokens(verb.head.head)[0]:
            roles.add("sources", actors.keys(token))
    preps = (lexicon.noun_target_prepositions if hit.light
             else lexicon.target_prepositions) | hit.prepositions
    skip = {t.i for t in hit.tokens if t.dep_ != "prep"}
    for child in verb.children:
        if child.dep_ == "dobj" and child.i in skip and not _after_comma(verb, child):
            # "summoned China's ambassador": the phrase's own object is the recipient's.
            roles.add("targets", [k for k in actors.keys(child) if k not in roles.sources])
            continue
        if child.i in skip or (noun is not None and child.i == noun.i):
            continue
        if child.dep_ in {"dobj", "dative", "iobj"}:
            if _after_comma(verb, child):
                continue
            # "X and Y signed the document": a thing signed leaves them acting together, a
            # thing proposed or offered does not
            roles.has_object = roles.has_object or not _thing(child, lexicon) or (
                verb.lemma_.lower() in lexicon.promise_verbs)
            if _owned_by(child, roles.sources, actors) and (
                    child.lemma_.lower() not in lexicon.counterpart_nouns):
                continue    # "withdraw its troops from Lebanon": its own troops act with it
            # "provided euros to Tunisia" parses "to" as the dative: its object receives.
            for recipient in _pobjs(child) if child.pos_ == "ADP" else [child]:
                roles.add("targets", actors.keys(recipient))
            if hit.event_type not in lexicon.object_of:
                # "provide 105 million euros to Tunisia": "to" hangs on what is given.
                _prep_targets(child, roles, actors, {"to"}, skip, groups=False)
    # "blamed X for the bombing of the mosque": an event given as the reason is no recipient
    reasons = {c.i for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"
               and "for" not in hit.prepositions
               and any(_noun_entry(lexicon, p) for p in _pobjs(c))}
    _prep_targets(verb, roles, actors, preps, skip | reasons)
    if not roles.targets and hit.event_type in lexicon.authored_types:
        # "rejected a resolution proposed by Russia", "criticised the enforcement of the law
        # by the police": a reaction to a thing reaches its maker.
        for thing in (c for c in verb.children if c.dep_ == "dobj" and not actors.keys(c)):
            makers = [*_agents(thing), *(a for c in thing.children
                                         if c.dep_ == "acl" and c.tag_ == "VBN" for a in _agents(c))]
            if not _is_passive(verb):
                makers += _agents(verb)     # the parse hangs "by the police" on an active verb
            for maker in makers:
                roles.add("targets", [k for k in actors.keys(maker) if k not in roles.sources])
    # "opposed sanctions against Iran": the recipient of another event is not this one's
    entry = _noun_entry(lexicon, noun) if noun is not None and not (hit.light or hit.tokens) else None
    # "threatened an attack on Israel": the threat reaches whom the attack would
    own_event = noun is not None and (entry is None or entry[0].event_type == hit.event_type
                                      or hit.event_type == lexicon.condition_type)
    if noun is not None and not own_event and (hit.event_type in lexicon.authored_types
                                               or hit.event_type == lexicon.obligation_type):
        # "condemned the US attack on Peru": the attack's doer is condemned; "demanded the
        # withdrawal of Israeli troops": the one asked is who would withdraw
        doers = _Roles()
        _noun_sources(noun, doers, actors, False)
        roles.add("targets", [k for k in doers.sources if k not in roles.sources])
    if noun is not None and own_event:
        object_of = hit.event_type in lexicon.object_of
        if hit.reverse:
            _noun_sources(noun, roles, actors, True)
        # "suspended talks and channels with Washington": the phrase names the recipient once
        for part in (noun, *noun.conjuncts):
            _prep_targets(part, roles, actors, lexicon.noun_target_prepositions | hit.prepositions,
                          skip, of_target=object_of)
    if hit.reverse:
        # "Y hosted X", "Y received aid from X": the subject receives; the other side acts.
        roles.sources, roles.targets = list(roles.targets), list(roles.sources)
        for child in [*verb.children, *(noun.children if noun is not None else [])]:
            if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in {"by", "from"}):
                for pobj in _pobjs(child):
                    roles.add("sources", actors.keys(pobj))
    if not roles.targets and not roles.has_object:
        _borrow_targets(verb, roles, actors, lexicon, accusing=hit.event_type == lexicon.allegation_type)
    return roles


def _thing(token: Token, lexicon: TriggerLexicon) -> bool:
    """True for a thing or an event done, not anyone met ('the document', 'the memorandum');
    not a letter or a petition, which its signers write together rather than agree on."""
    lemma = token.lemma_.lower()
    return lemma in lexicon.things and lemma not in lexicon.authorship_objects and not token.ent_type_


def _owned_by(token: Token, keys: list[str], actors: ActorIndex) -> bool:
    """True when a possessor of `token` is all of `keys` ("its troops", "Iran's army"), not
    one of several ("China, Russia and Iran welcomed Iran's statement")."""
    return bool(keys) and any(c.dep_ == "poss" and set(keys) <= set(actors.keys(c))
                              for c in token.children)


def _after_comma(verb: Token, token: Token) -> bool:
    """True when a comma stands between the verb and the phrase of `token`."""
    return any(t.text == "," for t in verb.doc[verb.i + 1: token.left_edge.i])


def _borrow_targets(verb: Token, roles: _Roles, actors: ActorIndex, lexicon: TriggerLexicon,
                    *, accusing: bool = False) -> None:
    """'agreed to meet Putin', 'demanded that Israel withdraw': the recipient is inside; 'alleged
    that France took part in the killing': whoever the allegation is about."""
    for child in verb.children:
        if accusing and child.dep_ == "ccomp":
            for clause in (child, *child.conjuncts):
                for grand in clause.children:
                    if grand.dep_ in {"nsubj", "nsubjpass"}:
                        roles.add("targets", [k for k in actors.keys(grand) if k not in roles.sources])
            continue
        if child.dep_ == "xcomp":
            for grand in child.children:
                if grand.dep_ in {"dobj", "dative"}:
                    roles.add("targets", actors.keys(grand))
                if grand.dep_ == "dobj" and _noun_entry(lexicon, grand):
                    # "threatened to launch an attack on Israel"
                    _prep_targets(grand, roles, actors, lexicon.noun_target_prepositions, set())
            _prep_targets(child, roles, actors, lexicon.target_prepositions, set())
        elif _asked_for(child):
            # "called for Romania to withdraw": the subject of the clause is asked.
            for grand in child.children:
                if grand.dep_ in {"nsubj", "nsubjpass"}:
                    roles.add("targets", actors.keys(grand))
        elif child.dep_ == "ccomp" and (child.tag_ == "VB" or any(
                c.dep_ == "aux" and c.tag_ == "MD" for c in child.children)):
            # "demanded that Israel withdraw", "warned that Iran would face": the subject of a
            # bare or modal clause is addressed; "agreed that X was" only states.
            for grand in child.children:
                if grand.dep_ in {"nsubj", "nsubjpass"}:
                    roles.add("targets", actors.keys(grand))


def _noun_roles(hit: _Hit, actors: ActorIndex, lexicon: TriggerLexicon) -> _Roles:
    roles = _Roles()
    noun = hit.token
    object_of = hit.event_type in lexicon.object_of
    of_target = _noun_sources(noun, roles, actors, object_of)
    skip = {t.i for t in hit.tokens}
    targets = lexicon.noun_target_prepositions
    if hit.event_type not in lexicon.from_place_types:
        # "support from Moscow": the one the noun's act comes from acts
        targets = targets - lexicon.noun_source_prepositions
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in lexicon.noun_source_prepositions:
                for pobj in _pobjs(child):
                    roles.add("sources", actors.keys(pobj))
    _prep_targets(noun, roles, actors, targets, skip, of_target=of_target)
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in {"VERB", "AUX"}:
        verb = head.head
        if _is_passive(verb):
            # "subjected to sanctions by the United States": the agent acts on the subject.
            doers, undergoers = _subject_tokens(verb)
            for token in doers:
                roles.add("sources", actors.keys(token))
            for token in undergoers:
                roles.add("targets", actors.keys(token))
        elif head.lower_ in lexicon.undergoing_prepositions:
            # "Raisi has been under US sanctions", "the city came under fire": the subject
            # undergoes the event
            doers, _ = _subject_tokens(verb)
            for token in doers:
                roles.add("targets", [k for k in actors.keys(token) if k not in roles.sources])
        elif head.lower_ in lexicon.circumstance_prepositions and not roles.sources:
            doers, _ = _subject_tokens(verb)
            for token in doers:
                roles.add("sources", actors.keys(token))
    elif noun.dep_ == "nsubjpass" and head.pos_ == "VERB":
        # "Sanctions were imposed on Iran by the US", "talks were held between X and Y"
        for token in _agents(head):
            roles.add("sources", actors.keys(token))
        _prep_targets(head, roles, actors, lexicon.noun_target_prepositions, skip)
    elif noun.dep_ == "dobj" and head.pos_ == "VERB":
        # Prepositions the parser hung on the verb: "highlighted the visit of X to China".
        _prep_targets(head, roles, actors, lexicon.noun_target_prepositions, skip, after=noun.i)
        if not roles.sources:
            # "Xi's visit included talks with X": the talks are part of Xi's visit.
            for event in (c for c in head.children if c.dep_ == "nsubj" and _noun_entry(lexicon, c)):
                _noun_sources(event, roles, actors, False)
    return roles


def _obligation_roles(clause: Token, actors: ActorIndex) -> _Roles:
    """'Russia said Sudan must return ...': the speaker asks, the obliged subject is asked."""
    roles = _Roles()
    if clause.dep_ == "ccomp":
        for token in _subject_tokens(clause.head)[0]:
            roles.add("sources", actors.keys(token))
    for token in _subject_tokens(clause)[0]:
        roles.add("targets", actors.keys(token))
    return roles


def _pairs(roles: _Roles, event_type: str,
           lexicon: TriggerLexicon) -> list[tuple[str | None, str | None]]:
    """Source-target pairs; a side the text does not name is None ("the attack on Y")."""
    pairs: list[tuple[str | None, str | None]] = []
    if roles.group and not roles.sources:
        pairs += [(a, b) for a in roles.group for b in roles.group if a != b] or [
            (roles.group[0], None)]
    elif roles.group:
        roles.targets += [k for k in roles.group if k not in roles.targets]
    if roles.targets:
        pairs += [(s, t) for s in roles.sources for t in roles.targets if s != t] or [
            (None, t) for t in roles.targets if t not in roles.sources]
    elif event_type in lexicon.symmetric and not roles.has_object and len(roles.sources) > 1:
        pairs += [(a, b) for a in roles.sources for b in roles.sources if a != b]
    elif not pairs:
        pairs += [(s, None) for s in roles.sources]
    return pairs


def _reporter(token: Token, lexicon: TriggerLexicon) -> Token | None:
    """The verb of saying whose reported clause holds `token` ('Israel said a mortar was fired
    at it', 'a report alleged that troops carried out killings'), through coordination and
    the noun phrases and clauses under that clause; None when a clause of another verb
    ('hoped', 'denied') embeds it first."""
    current = token
    for _ in range(8):
        if current.dep_ == "ccomp":
            return current.head if current.head.lemma_.lower() in lexicon.allegation_verbs else None
        if current.head.i == current.i or current.dep_ in {"advcl", "relcl", "acl"}:
            return None
        current = current.head
    return None


def _allegations(hit: _Hit, pairs: list[tuple[str | None, str | None]], actors: ActorIndex,
                 lexicon: TriggerLexicon) -> list[tuple[str | None, str | None, str]]:
    """A hostile act reported by someone other than its doer is their accusation of the doer
    (PLOVER/CAMEO code 'X said Y attacked Z' as X ACCUSE Y): (speaker, accused, verb) rows,
    a side left None when the text names no actor for it (an unnamed report, a passive with no
    agent)."""
    if (hit.negated or not pairs or not lexicon.allegation_type
            or hit.event_type not in lexicon.allegation_types
            or (verb := _reporter(hit.token, lexicon)) is None):
        return []
    speakers = [k for t in _subject_tokens(verb)[0] for k in actors.keys(t)] or [None]
    doers = list(dict.fromkeys(source for source, _ in pairs)) or [None]
    return [(speaker, doer, verb.text) for speaker in speakers for doer in doers
            if (speaker or doer) and speaker != doer]


def _labelling(hit: _Hit, lexicon: TriggerLexicon) -> bool:
    """A past participle of a demand, threat or accusation that labels its noun ('officials
    accused of fraud', 'a man wanted for murder'): with no agent it reports no one's act.
    Acts themselves stay ('ten soldiers killed in the raid')."""
    token = hit.token
    return (hit.event_type in lexicon.framing_types and token.dep_ == "acl"
            and token.tag_ == "VBN" and not _agents(token))


def _own_force(source: str | None, target: str | None,
               countries: Mapping[str, str | None]) -> bool:
    """True when `target` is the armed forces or police of the source's own state."""
    if not source or not target or not target.startswith("agent:"):
        return False
    parts = target.split(":")
    state = _state_of(source) or countries.get(source) or (
        source.split(":")[1] if source.startswith("agent:") else None)
    return len(parts) == 3 and parts[2] in {"MIL", "COP"} and parts[1] == state


def _state_of(key: str | None) -> str | None:
    return key.split(":", 1)[1] if key and key.startswith("country:") else None


def _stance(hit: _Hit, lexicon: TriggerLexicon) -> bool:
    """True when the act is stated as intended, refused or possible ('would not enter',
    'was willing to work'): a position its speaker takes, not a report of a past act."""
    return hit.intended or hit.event_type in lexicon.refused.values() or any(
        _aux(t, lexicon.intent_words) for t in (hit.token, *_governors(hit.token)))


def _speaking_for_state(hit: _Hit, pairs: list[tuple[str | None, str | None]], roles: _Roles,
                        actors: ActorIndex, lexicon: TriggerLexicon,
                        countries: Mapping[str, str | None]) -> list[tuple[str | None, str | None]]:
    """'Araghchi said Iran would not enter talks with the US': the stance is the speaker's,
    stated for their own state, so the speaker is the source (Araghchi REJECT US). Only when
    the reported clause's doer is the speaker's own state (or a pronoun for it), not when the
    state is only a partner ("said the deal would expand ties between the two countries")."""
    if not countries or not _stance(hit, lexicon) or (verb := _reporter(hit.token, lexicon)) is None:
        return pairs
    speakers = [k for t in _subject_tokens(verb)[0] for k in actors.keys(t)
                if not k.startswith("country:") and countries.get(k)]
    if len(speakers) != 1:
        return pairs
    speaker, state = speakers[0], countries[speakers[0]]
    return list(dict.fromkeys(
        (speaker if source in roles.sources and _state_of(source) == state else source, target)
        for source, target in pairs if target != speaker))


def _drop_covered(found: list[Interaction]) -> list[Interaction]:
    """A one-sided row says nothing more when the same sentence holds the same event with that
    side and a named other side."""
    full = {(i.sentence_id, i.event_type, side, key) for i in found
            if i.source_key and i.target_key
            for side, key in (("source", i.source_key), ("target", i.target_key))}
    return [i for i in found if (i.source_key and i.target_key)
            or (i.sentence_id, i.event_type, "source", i.source_key) not in full
            and (i.sentence_id, i.event_type, "target", i.target_key) not in full]


class _Partners:
    """The Doc's ActorIndex for meetings and agreements: an event or a thing named with an
    actor is not that actor as a partner ("proposed a UN resolution", "talks with X and a
    China-Arab summit", "received police information")."""

    def __init__(self, index: ActorIndex, things: frozenset[str]):
        self.index, self.things = index, things

    def keys(self, token: Token, *, pronouns: bool = True) -> list[str]:
        # "spoke to Canadians": a people is the public, not its state
        public = {self.index.by_token.get(t.i) for t in (token, *token.conjuncts)
                  if t.ent_type_ == "NORP" and t.tag_ in {"NNS", "NNPS"}}
        # "speaking to reporters": telling the press is a statement, not a consultation
        return [k for k in self.index.keys(token, pronouns=pronouns, things=self.things)
                if k not in public and not (k.startswith("agent:") and k.endswith(":MED"))]

    def __getattr__(self, name: str):
        return getattr(self.index, name)


def _doers_of_act_named(hit: _Hit, actors: ActorIndex, lexicon: TriggerLexicon) -> list[str]:
    """'The Guards were designated ... by the United States, a step Tehran condemned': the
    reaction in a relative clause on a word for an act ('step', 'move') set beside a clause
    reaches the doers of that clause."""
    verb = hit.token
    act = verb.head
    if verb.dep_ != "relcl" or act.lemma_.lower() not in lexicon.act_nouns or (
            act.dep_ not in {"npadvmod", "appos", "oprd"}):
        return []
    main = act.head
    while main.pos_ not in {"VERB", "AUX"} and main.head.i != main.i:
        main = main.head
    doers, _ = _subject_tokens(main)
    if _is_passive(main):      # "designated a terrorist organisation by the United States"
        doers += [p for c in main.children if c.dep_ in {"dobj", "oprd", "attr"}
                  for p in _agents(c)]
    return [k for t in doers for k in actors.keys(t)]


def _event_referred_to(hit: _Hit, actors: ActorIndex, lexicon: TriggerLexicon) -> str | None:
    """The type of an earlier event that the hit's object refers back to: 'the strikes', 'these
    attacks' with no actor of their own; None otherwise."""
    noun = hit.noun if hit.noun is not None else next(
        (c for c in hit.token.children if c.dep_ == "dobj"), None)
    if noun is None or hit.light or actors.keys(noun) or not any(
            c.dep_ == "det" and c.lower_ in {"the", "these", "those", "this", "that"}
            for c in noun.children) or any(t.i in actors.by_token or actors.keys(t)
                                           for t in noun.subtree if t.i != noun.i):
        return None     # "the attack on its embassy" names its own participants
    found = _noun_entry(lexicon, noun)
    if found is None or found[0].event_type in {hit.event_type, *lexicon.partner_types}:
        return None     # "criticised the deal": a deal has two sides, not one doer
    return found[0].event_type


def _counterpart_owners(hit: _Hit, actors: ActorIndex, lexicon: TriggerLexicon) -> list[str]:
    """'talks with his Chinese counterpart Wang Yi': the one whose counterpart is met takes
    part, whoever the clause's subject is ('Tehran and Beijing agreed after talks with ...')."""
    owners: list[str] = []
    for head in (hit.token, *([hit.noun] if hit.noun is not None else [])):
        for child in head.children:
            objects = _pobjs(child) if child.dep_ == "prep" else [child] if child.dep_ == "dobj" else []
            for obj in (o for found in objects for o in (found, *found.conjuncts)):
                if obj.lemma_.lower() in lexicon.counterpart_nouns:
                    for poss in (c for c in obj.children if c.dep_ == "poss"):
                        owners += [k for k in actors.keys(poss) if k not in owners]
    return owners


class _Things:
    """The Doc's ActorIndex for demands and threats: an event or thing asked for names no one
    asked ('called for the release of 11,000 Palestinians', 'for the assassination of X')."""

    def __init__(self, index: ActorIndex, things: frozenset[str]):
        self.index, self.things = index, things

    def keys(self, token: Token, *, pronouns: bool = True) -> list[str]:
        return self.index.keys(token, pronouns=pronouns, things=self.things)

    def __getattr__(self, name: str):
        return getattr(self.index, name)


def _roles(hit: _Hit, actors: ActorIndex, lexicon: TriggerLexicon) -> _Roles:
    if hit.event_type in lexicon.partner_types:
        actors = _Partners(actors, lexicon.things)  # type: ignore[assignment]
    elif hit.event_type in lexicon.asked_types:
        actors = _Things(actors, lexicon.things)  # type: ignore[assignment]
    if hit.obliged is not None:
        return _obligation_roles(hit.obliged, actors)
    roles = (_verb_roles if hit.token.pos_ == "VERB" else _noun_roles)(hit, actors, lexicon)
    owners = [k for k in _counterpart_owners(hit, actors, lexicon) if k not in roles.targets]
    if owners and roles.targets:
        roles.sources = owners
    return roles


def _main_meeting(hits: list[_Hit], actors: ActorIndex,
                  lexicon: TriggerLexicon) -> tuple[list[str], int] | None:
    """The two participants of the first meeting in the text that names both, and the token
    of its trigger: what "the two sides" and "both leaders" later mean."""
    for hit in sorted(hits, key=lambda h: h.token.i):
        if hit.event_type != MEETING_TYPE or hit.negated:
            continue
        roles = _roles(hit, actors, lexicon)
        for source, target in _pairs(roles, hit.event_type, lexicon):
            if source and target and not any(k.startswith("group:") for k in (source, target)):
                return [source, target], hit.token.i
    return None


def find_interactions(doc: Doc, mentions: Sequence[Mention], *,
                      lexicon: TriggerLexicon, index: ActorIndex | None = None,
                      countries: Mapping[str, str | None] | None = None) -> list[Interaction]:
    """Who did what to whom in doc, by sentence, main clauses first within a sentence.

    Every trigger with at least one actor taking part gives rows; the side the text leaves
    unnamed (or names with no actor) is None: "the attack on Iraq" has no source.

    Args:
        doc: a parsed document.
        mentions: its actor mentions (`ActorFinder()(doc).mentions`); sources and recipients
            must be among them.
        lexicon: from `load_triggers()`.
        index: the Doc's `ActorIndex` when the caller has one (built from mentions otherwise).
        countries: actor key -> the ISO3 state the article gives it (`DocActors.actors`), when
            known: a speaker's stance stated for their own state is the speaker's.
    """
    countries = countries or {}
    actors = index if index is not None else ActorIndex(
        doc, mentions, plural_references=lexicon.plural_references)
    inside_actor = set(actors.by_token)
    sents = list(doc.sents)
    hits = sorted(_hits(doc, lexicon, inside_actor),
                  key=lambda h: (actors.sent_of[h.token.i], h.depth, h.token.i))
    if actors.pair_references and (meeting := _main_meeting(hits, actors, lexicon)):
        actors.point_to_meeting(*meeting)
    found: list[Interaction] = []
    seen: set[tuple[str | None, str, str | None, int]] = set()
    doers: dict[str, str] = {}      # event type -> the doer of its latest row, in text order
    # (event type, stem of the trigger word) -> the recipient of its latest row
    recipients: dict[tuple[str, str], str] = {}
    for hit in hits:
        if hit.depth >= HYPOTHETICAL_RANK or _wished(hit.token, lexicon):
            continue    # "if Iran is attacked", "hoped X would attack": nothing was done
        roles = _roles(hit, actors, lexicon)
        sid = actors.sent_of[hit.token.i]
        if not roles.targets and hit.event_type in lexicon.authored_types:
            # "..., a step Tehran condemned": the step is the clause's act, its doer condemned
            roles.targets = [k for k in _doers_of_act_named(hit, actors, lexicon)
                             if k not in roles.sources]
        if not roles.targets and hit.event_type in lexicon.authored_types and (
                event := _event_referred_to(hit, actors, lexicon)) in doers:
            # "Araghchi thanked Moscow for condemning the strikes": those told of before
            roles.targets = [k for k in [doers[event]] if k not in roles.sources]
        word = (hit.noun if hit.noun is not None else hit.token).lemma_.lower()[:STEM]
        if not roles.targets and roles.sources and (hit.event_type, word) in recipients and any(
                c.dep_ == "advmod" and c.lower_ == "also" for t in (hit.token, hit.token.head)
                for c in t.children):
            # "Putin congratulated Pezeshkian. Modi also sent his congratulations": the same act
            roles.targets = [k for k in [recipients[hit.event_type, word]] if k not in roles.sources]
        if hit.obliged is not None and not roles.targets:
            continue    # "X said the right must be preserved" asks no actor for anything
        pairs = _speaking_for_state(hit, _pairs(roles, hit.event_type, lexicon), roles, actors,
                                    lexicon, countries)
        for source, target in pairs:
            if hit.lexicon_type in lexicon.instrument_types and _own_force(source, target, countries):
                target = None   # "Russia moved troops into Abkhazia": its troops are its means
            if target in roles.group and source in roles.sources and (
                    countries.get(source) or "") == _state_of(target):
                continue    # "Xi ... to deepen the partnership between China and Iran": Xi's
                # own state is a partner with him, not his recipient
            key = (source, hit.event_type, target, sid)
            if key in seen or (source is None and (hit.intended or _labelling(hit, lexicon))):
                continue    # an intent or a label with no doer named is nobody's act
            seen.add(key)
            found.append(Interaction(sid, source, hit.event_type, target, hit.trigger,
                                     hit.negated, sents[sid].text.strip()))
            if source and target and not hit.negated and not hit.intended:
                doers[hit.event_type] = source
                recipients[hit.event_type, word] = target
        for speaker, accused, verb in _allegations(hit, pairs, actors, lexicon):
            key = (speaker, lexicon.allegation_type, accused, sid)
            if key not in seen:
                seen.add(key)
                found.append(Interaction(sid, speaker, lexicon.allegation_type, accused, verb,
                                         False, sents[sid].text.strip()))
    return _drop_covered(found)
