"""Actor mentions in one document: names, titles, pronouns, capitals, demonyms and groups.

`doc_actors(doc)` finds every mention and groups them into local actors (one per real-world
actor within the article), each with kind, country and roles read from the text. Resolution
across articles lives in `presslens.extract.resolve`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from presslens.extract.lexicon import AgentLexicon, OfficeTable, international_name, load_agents, load_offices
from presslens.geo import Gazetteer, fold, gazetteer, is_city
from presslens.nlp import sentence_index

# Head words of titles and offices (general English; multi-word offices end in one of these).
TITLE_WORDS = frozenset("""
president vice-president premier minister secretary secretary-general spokesperson spokesman
spokeswoman ambassador envoy chancellor king queen prince princess emir amir sultan sheikh
ayatollah leader chairman chairwoman chair chairperson chief head director director-general
general admiral commander governor mayor senator congressman congresswoman representative
lawmaker legislator deputy adviser advisor counselor counsellor official officer premier
president-elect speaker justice judge diplomat negotiator coordinator administrator
commissioner representative pope monarch marshal colonel lieutenant captain attache consul
undersecretary under-secretary chief-of-staff mp ceo founder candidate nominee cardinal imam
rapporteur correspondent superintendent comptroller treasurer attorney-general principal madam
pm vp fm taoiseach tanaiste
""".split())
# Plural nouns that, with an adjective, name a collective actor ("Western nations").
GROUP_NOUNS = frozenset("""
nation country power state government ally partner democracy regime adversary rival
neighbour neighbor member donor
""".split())
# Adjectives that only count or point back ("two nations", "other countries"): not a group.
NOT_GROUP_ADJECTIVES = frozenset("""
two three four five several many both other such these those own respective various
some certain same few more most all each individual particular said
""".split())
# Forms of address: not part of a name or a title.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lady", "lord", "madam",
                        "mister", "excellency", "honorable", "hon", "majesty", "highness", "holiness"})
# Last words of organisation names, never of a person's ("Foreign Affairs", "Security Council").
ORGANISATION_HEADS = frozenset("""
affairs council department ministry office agency commission committee bureau service services
force forces development security administration authority assembly parliament court bank
fund union association institute party corps guard guards army navy police group company
organisation organization movement front network coalition alliance federation league board
house centre center foundation university school hospital command staff conference forum
""".split())
# Institutions of a state, named by description ("China's foreign ministry"); parliaments,
# armies, police and courts are collective actors of the lexicon (codebooks/agents.yml).
INSTITUTION_HEADS = frozenset("ministry embassy presidency".split())
# Last words of a name that are a party, an outlet or a section, never part of a person's name
# ("Steve Bracks Labor", "John Key Wikinews").
NAME_TAIL_NOISE = frozenset("""
labor labour liberal liberals conservative conservatives democrat democrats republican
republicans tory tories socialist socialists nationalist nationals unionist
wikinews reuters ap afp bbc cnn xinhua itar-tass interfax bloomberg aljazeera
""".split())
# Faiths and doctrines ("Islam", "Marxism") and the last words of buildings and programmes
# ("Kremlin Palace", "Marshall Plan") are never a person.
NOT_PERSON_WORDS = frozenset("""
islam christianity judaism hinduism buddhism sikhism sharia allah god jesus
palace house building tower hall mosque church cathedral temple airport stadium square street
bridge prison embassy program programme initiative plan project fund act
administration government cabinet campaign
""".split())
# Bodies a state has one of: in the plural without a state ("governments") they are several.
ONE_PER_STATE = frozenset("""
government regime administration army military navy judiciary legislature cabinet parliament
""".split())
# Generation markers that keep a father and a son apart ("George Bush Sr", "Jr.").
GENERATION_MARKERS = frozenset({"sr", "jr", "senior", "junior", "ii", "iii", "iv"})
# Weights of a person's country evidence: what the text says beats what the setting suggests.
EVIDENCE_WEIGHTS = {"title": 3, "demonym": 3, "of": 3, "office": 3, "publisher": 2, "context": 1}
# Plural nouns whose possessive is inside one name ("Democratic People's Republic of Korea").
NAME_POSSESSORS = frozenset({"people", "peoples", "women", "children", "workers", "veterans"})
# Lower-case particles inside personal names ("Ursula von der Leyen", "Mohammed bin Salman").
NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "del", "della", "da", "di", "du",
                            "la", "le", "bin", "bint", "ibn", "al"})
PRONOUNS = {"he": "m", "him": "m", "his": "m", "himself": "m",
            "she": "f", "her": "f", "hers": "f", "herself": "f"}
# Spans spaCy sometimes tags as organisations that name events, documents or diseases.
NOT_ACTOR_HEADS = frozenset("""
agreement treaty accord pact plan conference summit initiative act law declaration deal
programme program strategy dialogue talks meeting week day year war pandemic covid-19 covid
coronavirus framework memorandum resolution charter convention protocol roadmap vision
statement communique report index games cup award prize festival expo partnership
enterprise ambition agenda arrangement adjustment adjustments price hub tariff tariffs trade
""".split())
# Caption labels before a colon ("Image: Nick Moreau", "Photo: Reuters").
CREDIT_LABELS = frozenset("image images photo photos picture pictures credit credits source video audio caption"
                          .split())
WEEKDAYS_MONTHS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december today yesterday tomorrow
""".split())
# "pressure from Washington" is an actor, so "from" is not among these.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "across", "around",
                                   "into", "throughout", "within", "via", "towards"})
ENTITY_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "country", "NORP": "country",
                "LOC": "country", "FAC": None}


class Mention(NamedTuple):
    """One reference to an actor in the text; offsets are characters into doc.text."""

    start: int
    end: int
    text: str
    sentence_id: int
    key: str
    how: str
    token_start: int
    token_end: int


@dataclass
class LocalActor:
    """An actor as seen within one article."""

    key: str
    name: str
    kind: str
    country: str | None = None
    roles: list[str] = field(default_factory=list)
    role_countries: list[str] = field(default_factory=list)
    aliases: Counter = field(default_factory=Counter)
    gender: str | None = None
    sector: str | None = None
    # A person's country evidence in this article: (ISO3, how) -> count; how is title, demonym,
    # of, office or context (see EVIDENCE_WEIGHTS).
    evidence: Counter = field(default_factory=Counter)
    role_country: dict[str, str | None] = field(default_factory=dict)
    international: bool = False     # holds an office of an international body here

    def add_role(self, role: str, country: str | None, how: str = "title") -> None:
        if role and role.lower() not in {r.lower() for r in self.roles}:
            self.roles.append(role)
        if role:
            self.role_country[role] = self.role_country.get(role) or country
        if country:
            self.role_countries.append(country)
            self.evidence[(country, how)] += 1


class DocActors(NamedTuple):
    mentions: list[Mention]
    actors: dict[str, LocalActor]


@functools.lru_cache(maxsize=1)
def _english_tokenizer():
    """spaCy's English tokenizer alone, to split corpus-known names as the models do."""
    return spacy.blank("en").tokenizer


def clean_name(span: Span) -> Span | None:
    """The span without a leading 'the' and trailing possessive or punctuation.

    A span is also cut at a line break, an inner possessive ("Biden's Indo-Pacific") or a spaced
    dash ("Mattie Daughtry - Maine State"): entity spans that run over those are two things.
    """
    start, end = span.start, span.end
    doc = span.doc
    if _credit_label(doc[start]):
        return None
    for i in range(start + 1, end):
        token = doc[i]
        if _credit_label(token) or (token.is_space or "\n" in doc[i - 1].whitespace_
                                    or token.tag_ == "POS" and doc[i - 1].lower_ not in NAME_POSSESSORS
                or token.text in {"-", "–", "—"} and doc[i - 1].whitespace_):
            end = i
            break
    while start < end and (doc[start].lower_ in {"the", "a", "an", "this", "these", "that"}
                           or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct
                           and doc[end - 1].text not in {".", ")"}):
        end -= 1
    if end > start and doc[end - 1].text == "." and not re.search(r"\.\w", doc[start:end].text):
        end -= 1
    return doc[start:end] if end > start else None


def _credit_label(token: Token) -> bool:
    """'Image' in 'Ahmed Mohamed Image: Twitter': a caption's credit label, never part of a name."""
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return token.lower_ in CREDIT_LABELS and following is not None and following.text == ":"


def is_junk_name(text: str) -> bool:
    """Dates, numbers, lower-case words and single letters never name an actor."""
    folded = text.lower()
    return (len(text) < 2 or not any(c.isupper() for c in text) or any(c.isdigit() for c in text)
            or folded in WEEKDAYS_MONTHS)


def is_acronym(text: str) -> bool:
    """'DAB', 'FTU', 'M5S': upper-case letters (and digits), two to six, no dots."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]{1,5}", text))


def _name_after_office(span: Span) -> Span | None:
    """An office and its holder's name tagged as one organisation: 'Secretary of [Defense Lloyd
    Austin]', 'Ambassador to [Uzbekistan Daniel Rosenblum]' (the last two words are the name) or
    '[National Security Advisor Finer]' (the words after the title are)."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
        end -= 1
    if end - start < 2 or not all(t.text[:1].isupper() for t in doc[start:end] if t.is_alpha):
        return None
    titles = [t.i for t in doc[start:end - 1] if is_title_token(t)]
    if titles:
        name = doc[titles[-1] + 1:end]
    elif start > 0 and is_title_token(doc[start - 1]) and doc[start - 1].text[:1].isupper() and end - start <= 3:
        name = doc[start:end]  # "Taoiseach [Bertie Ahern]" tagged as an organisation
    else:
        i = start - 1
        while i >= 0 and doc[i].lower_ in {"the", "a", "an"}:
            i -= 1
        if i < 1 or doc[i].lower_ not in {"of", "to", "for"} or not is_title_token(doc[i - 1]):
            return None
        words = doc[start:end].text.split()
        if len(words) < 3:
            return None
        name = doc.char_span(doc[end - 1].idx + len(doc[end - 1]) - len(" ".join(words[-2:])),
                             doc[end - 1].idx + len(doc[end - 1]))
    if name is None or not 1 <= len(name.text.split()) <= 2 or name[-1].lower_ in ORGANISATION_HEADS or any(
            t.pos_ != "PROPN" or not t.text.replace("-", "").replace(".", "").isalpha()
            for t in name if not t.is_punct):
        return None
    return Span(doc, name.start, name.end, label="PERSON")


def _in_capitals(span: Span) -> bool:
    """'PRIME MINISTER LEE:': a name in a transcript's capitals, not an acronym."""
    doc = span.doc
    before = doc[span.start - 1] if span.start else None
    after = doc[span.end] if span.end < len(doc) else None
    return (before is not None and before.is_alpha and len(before) > 2 and before.is_upper) or (
        after is not None and after.text == ":")


@functools.lru_cache(maxsize=1)
def _nicknames():
    from nicknames import NickNamer

    return NickNamer()


def same_given_name(a: str, b: str) -> bool:
    """'Joe' and 'Joseph', 'Jon' and 'John', 'Mohammed' and 'Mohammad': one given name.

    Nicknames come from the `nicknames` table; spellings of one name ('Sergei', 'Sergey') are
    six letters or more and differ in one letter after a common start, but not in a final "a"
    ('Daniel', 'Daniela'). 'John' and 'Joseph' are two names.
    """
    a, b = a.lower().strip("."), b.lower().strip(".")
    if a == b:
        return True
    table = _nicknames()
    if b in table.nicknames_of(a) or a in table.nicknames_of(b):
        return True
    if min(len(a), len(b)) < 6 or a[:3] != b[:3]:
        return False
    if a[-1] != b[-1] and "a" in {a[-1], b[-1]}:
        return False  # "Daniel", "Daniela"
    return _one_edit_apart(a, b)


class NameParts(NamedTuple):
    given: str
    middles: tuple[str, ...]
    surname: str
    generation: str | None


def name_parts(name: str) -> NameParts:
    """'George H. W. Bush' -> (george, (h, w), bush, None); 'George Bush Sr.' -> (..., 'sr')."""
    # "H.W." is two initials, as "H. W." is.
    words = [w.lower() for w in re.split(r"[\s.,]+", name) if w]
    generation = None
    while len(words) > 1 and words[-1] in GENERATION_MARKERS:
        generation = {"senior": "sr", "junior": "jr"}.get(words[-1], words[-1])
        words = words[:-1]
    if not words:
        return NameParts("", (), "", generation)
    middles = tuple(w for w in words[1:-1] if w not in NAME_PARTICLES)
    return NameParts(words[0], middles, words[-1], generation)


def same_person_name(a: str, b: str) -> bool:
    """Two full names of one person: same surname and given name (`same_given_name`), middle
    names that agree ('H. W.' and 'Herbert Walker'; none and any), and no clash of generation
    ('Sr' and 'Jr'). 'George H. W. Bush', 'George W. Bush' and 'George P. Bush' are three
    people, and 'George Bush Sr' is neither of the last two."""
    x, y = name_parts(a), name_parts(b)
    if not x.surname or x.surname != y.surname or not same_given_name(x.given, y.given):
        return False
    initials_x, initials_y = "".join(m[0] for m in x.middles), "".join(m[0] for m in y.middles)
    if initials_x and initials_y and initials_x != initials_y:
        return False
    if x.generation and y.generation and x.generation != y.generation:
        return False
    if bool(x.generation) != bool(y.generation) and bool(initials_x) != bool(initials_y):
        return False  # "George Bush Sr" against "George W. Bush": a father and a son
    return True


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def is_title_token(token: Token) -> bool:
    return token.lower_ in TITLE_WORDS or token.lemma_.lower() in TITLE_WORDS


def locative(span: Span) -> bool:
    """True when a place name is used as a place ('a meeting in Moscow'), not as an actor."""
    head = span.root
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPOSITIONS


class ActorFinder:
    """Finds actor mentions in parsed documents; holds the gazetteer and analyst aliases."""

    def __init__(self, *, geo: Gazetteer | None = None,
                 extra_aliases: dict[str, tuple[str, str]] | None = None,
                 known_people: Iterable[str] = (), agents: AgentLexicon | None = None,
                 offices: OfficeTable | None = None):
        self.geo = geo or gazetteer()
        self.agents = agents or load_agents()
        self.offices = offices or load_offices()
        # Analyst table: surface form -> (canonical name, kind)
        self.extra_aliases = {fold(k): v for k, v in (extra_aliases or {}).items()}
        # Full names recognised elsewhere in the corpus: found again where the model misses them.
        self.known_people = sorted({n for n in known_people if len(n.split()) > 1})
        surnames = Counter(n.split()[-1] for n in self.known_people)
        self.known_surnames = {s for s, count in surnames.items() if count == 1 and len(s) > 2}
        self._people_matcher: PhraseMatcher | None = None

    def _known_people_spans(self, doc: Doc) -> list[Span]:
        if not self.known_people:
            return []
        if self._people_matcher is None or self._people_matcher.vocab is not doc.vocab:
            self._people_matcher = PhraseMatcher(doc.vocab, attr="ORTH")
            tokenizer = _english_tokenizer()
            self._people_matcher.add("PERSON", [Doc(doc.vocab, words=[t.text for t in tokenizer(n)])
                                                for n in self.known_people])
        return [doc[start:end] for _, start, end in self._people_matcher(doc)]

    # -- span collection -------------------------------------------------------------------
    def candidate_spans(self, doc: Doc) -> list[tuple[Span, str]]:
        """Entity spans and gazetteer hits, overlaps resolved in favour of the longer span."""
        spans: list[tuple[Span, str]] = []
        for ent in doc.ents:
            if ent.label_ not in ENTITY_KINDS:
                continue
            # "Ursula von der" + "Leyen": a name cut after a lower-case particle goes on.
            end = ent.end
            while ent.label_ == "PERSON" and end < len(doc) and (
                    doc[end].lower_ in NAME_PARTICLES
                    or doc[end - 1].lower_ in NAME_PARTICLES and doc[end].pos_ == "PROPN"):
                end += 1
            # "Moon Jae" + "-in": a hyphenated given name cut by the recogniser goes on.
            if ent.label_ == "PERSON" and end + 1 < len(doc) and doc[end].text == "-" and not (
                    doc[end - 1].whitespace_ or doc[end].whitespace_) and doc[end + 1].is_alpha:
                end += 2
            if ent.label_ == "ORG" and (name := _name_after_office(doc[ent.start:end])) is not None:
                spans.append((name, "PERSON"))
                continue
            spans.append((doc[ent.start:end], ent.label_))
        covered = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        # Country forms the recogniser missed ("U.S." untagged, "Iranian" as an adjective).
        for token in doc:
            if token.i in covered or not token.text[:1].isupper():
                continue
            for width in (3, 2, 1):
                span = doc[token.i: token.i + width]
                if span.end > len(doc) or any(i in covered for i in range(span.start, span.end)):
                    continue
                found = self.geo.lookup(span.text)
                if found and found[1] != "capital":
                    spans.append((span, "GAZ"))
                    covered.update(range(span.start, span.end))
                    break
                if fold(span.text) in self.extra_aliases:
                    spans.append((span, "TABLE"))
                    covered.update(range(span.start, span.end))
                    break
        spans += self._names_after_offices(doc, covered)
        # A corpus-known full name beats whatever the model tagged there ("Olaf Scholz" as ORG).
        for span in self._known_people_spans(doc):
            clashing = [item for item in spans if item[0].start < span.end and span.start < item[0].end]
            if all(item[1] != "PERSON" or len(item[0]) <= len(span) for item in clashing):
                spans = [item for item in spans if item not in clashing]
                spans.append((span, "PERSON"))
        spans.sort(key=lambda item: (item[0].start, -(item[0].end - item[0].start)))
        kept: list[tuple[Span, str]] = []
        last_end = -1
        for span, label in spans:
            if span.start >= last_end:
                kept.append((span, label))
                last_end = span.end
        return kept

    def _names_after_offices(self, doc: Doc, covered: set[int]) -> list[tuple[Span, str]]:
        """Names the recogniser left untagged after an office: 'Secretary of the Mongolian
        National Security Council Jadamba Enkhbayar', 'Secretary Jadamba Enkhbayar'."""
        found = []
        i = 1
        while i < len(doc):
            before = doc[i - 1]
            after_office = is_title_token(before) and before.text[:1].isupper() or (
                before.ent_type_ == "ORG" and before.i in covered and _title_before(_entity_around(before)))
            if not after_office or i in covered:
                i += 1
                continue
            end = i
            while end < len(doc) and end - i < 4 and end not in covered and doc[end].pos_ == "PROPN" and (
                    doc[end].is_alpha and doc[end].text[:1].isupper() and not doc[end].is_sent_start
                    and not is_title_token(doc[end]) and doc[end].lower_.rstrip(".") not in HONORIFICS
                    and self.geo.lookup(doc[end].text) is None):
                end += 1
            if end - i >= 2 and (end == len(doc) or not doc[end].text[:1].isupper()):
                found.append((Span(doc, i, end, label="PERSON"), "PERSON"))
                covered.update(range(i, end))
            i = max(end, i + 1)
        return found

    # -- roles ------------------------------------------------------------------------------
    def _country_in(self, tokens: Iterable[Token]) -> str | None:
        for token in tokens:
            if token.ent_type_ in {"GPE", "NORP", "LOC"} or token.text[:1].isupper():
                found = self.geo.lookup(token.text)
                if found:
                    return found[0]
                if token.ent_type_ and token.ent_iob_ == "B":
                    if found := self.geo.lookup(_entity_around(token).text):
                        return found[0]
        return None

    def _role_text(self, tokens: list[Token]) -> tuple[str, str | None]:
        """Role words without country words, determiners and possessives; and the country."""
        country = self._country_in(tokens)
        words: list[str] = []
        for n, token in enumerate(tokens):
            if not words and (token.tag_ == "POS" or token.lower_ in {"the", "a", "an", ",", "its", "their",
                                                                  "his", "her", "our", "(", "-"}):
                continue
            # Leading country words, one token or a whole entity ("Russian Federation President").
            found = self.geo.lookup(token.text) if token.text[:1].isupper() else None
            if not words and token.ent_type_ in {"GPE", "NORP"}:
                found = found or self.geo.lookup(_entity_around(token).text)
            if found and not words:
                continue
            following = tokens[n + 1] if n + 1 < len(tokens) else None
            adjacent = following is not None and following.idx == token.idx + len(token)
            words.append(token.text + (token.whitespace_ or ("" if adjacent else " ")))
        text = "".join(words).strip(" ,")
        text = re.sub(r"\s+", " ", text)
        return (text[:1].upper() + text[1:]) if text else "", country

    def person_roles(self, span: Span) -> list[tuple[str, str | None]]:
        """Titles read around a person's name: before it, in an apposition, or 'of Country'."""
        doc = span.doc
        found: list[tuple[str, str | None]] = []
        # Pre-nominal: "Iranian President Masoud Pezeshkian", "U.S. Secretary of State X".
        i = span.start - 1
        run: list[Token] = []
        while i >= 0:
            token = doc[i]
            if token.text == "-" and run and not token.whitespace_ and not doc[i - 1].whitespace_:
                run.insert(0, token)  # "Secretary-General", not "Bangladesh - President"
                i -= 1
                continue
            if not run and token.ent_type_ == "PERSON" and token.whitespace_ and (
                    token.lower_ in {"sheikh", "sheikha", "sayyid"} or token.lower_.rstrip(".") in HONORIFICS):
                i -= 1  # "Prime Minister [Sheikh Mohammed ...]": the honorific is no office
                continue
            if token.ent_type_ == "PERSON" and is_title_token(token) and token.text[:1].isupper():
                run.insert(0, token)  # "[Taoiseach Bertie Ahern]": the title tagged with the name
                i -= 1
                continue
            if token.is_punct or token.is_space or token.ent_type_ == "PERSON" or "\n" in token.whitespace_:
                break
            # "Today President Biden", "Since President Xi": adverbs and clause openers are no title.
            if not (is_title_token(token) and token.text[:1].isupper()) and (
                    token.dep_ in {"npadvmod", "advmod", "mark", "nsubj"}) or token.pos_ in {
                    "ADV", "SCONJ", "VERB", "AUX", "PRON", "NUM", "CCONJ", "PART", "INTJ"} or (
                    token.pos_ == "DET" and token.lower_ != "the"):
                break
            # A title never runs over a sentence end or a form of address ("Mr. President").
            if doc[i + 1].is_sent_start or token.lower_.rstrip(".") in HONORIFICS or token.text == "Q":
                break
            # "President X and Chinese President Y": a title stops at the previous name.
            if token.lower_ in {"and", "or"} and token.ent_type_ not in {"ORG", "GPE"}:
                break
            if token.tag_ == "POS" or token.text[:1].isupper() or is_title_token(token) or (
                    token.lower_ in {"of", "the", "for"} and run):
                run.insert(0, token)
                i -= 1
                continue
            break
        # "Nominees of President X": the title next to the name is the whole role.
        for n in range(len(run) - 1, 0, -1):
            if run[n].lower_ in {"of", "for"} and any(is_title_token(t) for t in run[n + 1:]):
                run = run[n + 1:]
                break
        while run and run[0].lower_ in {"of", "the", "and", "for"}:
            run.pop(0)
        if any(is_title_token(t) for t in run) and len(run) <= 14:
            found.append(self._role_text(run))
        # Apposition around the name: "X, the Secretary of ..." or "Iran's Secretary ..., X".
        root = span.root
        for token in root.children:
            if token.dep_ == "appos" and is_title_token(token) and token.i >= span.end:
                sub = [t for t in token.subtree if not (t.i < token.i and t.lower_ == ",")]
                if len(sub) <= 20:
                    found.append(self._role_text(sub))
        if root.dep_ == "appos" and is_title_token(root.head) and root.head.i < span.start:
            head = root.head
            sub = [t for t in head.subtree if t.i < span.start and not t.is_punct
                   or (t.i < span.start and t.text == "-")]
            # Only a title that stands next to the name, not a phrase naming another person.
            if sub and len(sub) <= 12 and sub[-1].i >= span.start - 2 and not any(
                    t.ent_type_ == "PERSON" or t.lower_ in {"and", "his", "her", "their"} for t in sub):
                found.append(self._role_text(sub))
        # "President Emmanuel Macron of France": a country after the name.
        after = doc[span.end: span.end + 3]
        if len(after) >= 2 and after[0].lower_ == "of":
            # "of France", "of the People's Republic of China": the place that follows "of".
            place = next((e for e in doc.ents if span.end < e.start <= span.end + 2
                          and e.label_ in {"GPE", "NORP", "LOC"}), None)
            country = self._country_in([after[1]]) or (
                place is not None and (found_place := self.geo.lookup(place.text)) and found_place[0])
            if country:
                if found:
                    found = [(role, role_country or country) for role, role_country in found]
                else:
                    found.append(("", country))
        return found

    # -- main -----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> DocActors:
        sent_of = sentence_index(doc)
        actors: dict[str, LocalActor] = {}
        mentions: list[Mention] = []
        unresolved_single: list[tuple[Span, str]] = []

        def add(span: Span, key: str, how: str) -> None:
            mentions.append(Mention(span.start_char, span.end_char, span.text,
                                    sent_of[span.start], key, how, span.start, span.end))
            actors[key].aliases[span.text] += 1

        def country_actor(iso3: str) -> str:
            key = f"country:{iso3}"
            if key not in actors:
                actors[key] = LocalActor(key, self.geo.name(iso3), "country", iso3)
            return key

        persons: list[LocalActor] = []

        def person_for(name: str) -> LocalActor | None:
            tokens = name.split()
            for person in reversed(persons):
                person_tokens = person.name.split()
                if len(tokens) == 1 and tokens[0] in person_tokens:
                    return person
            if len(tokens) == 1:
                # "dear Joe" for Joseph R. Biden: a nickname of one person's given name here.
                named = [p for p in persons if len(p.name.split()) > 1
                         and same_given_name(tokens[0], p.name.split()[0])]
                if len(named) == 1:
                    return named[0]
            for person in reversed(persons):
                person_tokens = person.name.split()
                if len(tokens) > 1 and (name == person.name or (
                        len(person_tokens) > 1 and same_person_name(name, person.name))):
                    return person
            return None

        candidates = self.candidate_spans(doc)
        # Surnames of people named in full here: a lone "Paris" after "Valeska Paris" is her.
        surnames_here = {span[-1].text for span, label in candidates
                         if label == "PERSON" and len(span) > 1 and span[-1].text[:1].isupper()}
        for raw, label in candidates:
            span = clean_name(raw)
            if span is None:
                continue
            text = span.text
            if label == "PERSON" and is_acronym(span[-1].text) and person_for(text) is None and (
                    text not in surnames_here) and not _in_capitals(span):
                label = "ORG"  # "DAB", "Pro-Beijing DAB": an acronym tagged as a person
            if len(span) == 1 and text in surnames_here and label not in {"PERSON", "TABLE"} and (
                    fold(text) not in self.extra_aliases and self._city_or_unknown(text)):
                unresolved_single.append((span, "name"))
                continue
            if label == "TABLE" or fold(text) in self.extra_aliases:
                name, kind = self.extra_aliases[fold(text)]
                key = f"{kind}:{fold(name)}"
                actors.setdefault(key, LocalActor(key, name, kind))
                add(span, key, "table")
                continue
            if (label != "PERSON" or is_acronym(text)) and (body := international_name(text, self.agents)):
                key = f"organization:{fold(body)}"
                actors.setdefault(key, LocalActor(key, body, "organization", sector="IGO"))
                add(span, key, "name" if fold(text) == fold(body) else "alias")
                continue
            if label != "PERSON" and self._institution_form(span) is not None:
                continue  # "U.S. Senate", "Parliament": a state's institution, read by _add_collectives
            geo = self.geo.lookup(text)
            if geo and label != "PERSON":
                iso3, how = geo
                if how == "capital" and (label not in {"GPE", "GAZ"} or locative(span)):
                    continue
                if how == "name" and fold(text) != fold(self.geo.name(iso3)):
                    how = "alias"
                add(span, country_actor(iso3), how)
                continue
            if is_junk_name(text) or (len(span) <= 2 and is_city(text)
                                      and text not in self.known_surnames):
                continue
            if label == "PERSON":
                # Not "Amir" in "Amir-Abdollahian": a title joined to the name is part of it.
                while len(span) > 1 and span[0].whitespace_ and (
                        span[0].lower_.rstrip(".") in HONORIFICS or is_title_token(span[0])
                        or span[0].lower_ in {"first", "crown"} or span[0].pos_ == "ADP"):
                    span = span[1:]  # "First Lady Jill Biden", "Dr. Tedros", "Inside Pentagon"
                while len(span) > 1 and span[-1].lower_ in NAME_TAIL_NOISE:
                    span = span[:-1]  # "Steve Bracks Labor", "John Key Wikinews"
                text = span.text
                # Long Arabic names run to ten words ("Mohammed bin Abdulrahman bin Jassim Al Thani").
                limit = 10 if any(t.lower_ in NAME_PARTICLES for t in span) else 6
                if len(span) > limit or span[-1].lower_ in NOT_PERSON_WORDS or (
                        len(span) == 1 and span[0].lower_.endswith("ism")):
                    continue
                person = person_for(text)
                if person is None and len(span) == 1 and (span[0].pos_ != "PROPN" or is_title_token(span[0])):
                    continue  # "(Laughs.)", "Madam"
                if person is None and len(span) == 1:
                    unresolved_single.append((Span(doc, span.start, span.end, label="PERSON"), "name"))
                    continue
                if person is None:
                    key = f"person:{fold(text)}"
                    person = actors.setdefault(key, LocalActor(key, text, "person"))
                    persons.append(person)
                elif len(text.split()) > len(person.name.split()):
                    person.name = text
                self._note_roles(person, span)
                add(span, person.key, "name" if text == person.name else "alias")
            elif label in {"ORG", "TABLE"}:
                if span.root.pos_ not in {"PROPN", "NOUN"} and not text.isupper():
                    continue
                if len(span) == 1 and (person_for(text) or text in self.known_surnames):
                    unresolved_single.append((span, "name"))  # "Wang also met Rouhani"
                    continue
                if (len(span) == 1 and self._inside_title(span)) or is_title_token(span[-1]) or (
                        span[-1].lower_ in NOT_ACTOR_HEADS):
                    continue
                key = f"organization:{fold(text)}"
                actor = actors.setdefault(key, LocalActor(key, text, "organization"))
                country = self._country_in(span) or self._org_possessor(span)
                if country and not actor.country:
                    actor.country = country
                add(span, key, "name")
            elif label in {"NORP", "GPE", "LOC", "FAC"} and len(span) == 1 and span[0].pos_ == "PROPN":
                # Often a surname mis-tagged as a nationality or place ("Ahmadian stated").
                unresolved_single.append((span, "name"))

        for span, how in unresolved_single:
            person = person_for(span.text)
            if person is None and (span.text.lower() in NAME_TAIL_NOISE or span.text.lower() in NOT_PERSON_WORDS):
                continue  # "Wikinews", "Labour", "Islam" alone
            if person is None:
                if (span.label_ == "PERSON" or span.root.ent_type_ == "PERSON"
                        or span.text in self.known_surnames):
                    key = f"person:{fold(span.text)}"
                    person = actors.setdefault(key, LocalActor(key, span.text, "person"))
                    persons.append(person)
                else:
                    continue
            self._note_roles(person, span)
            add(span, person.key, "alias" if span.text != person.name else how)

        self._add_surnames(doc, actors, mentions, add)
        self._add_organisation_repeats(doc, actors, mentions, add)
        self._add_collectives(doc, actors, mentions, add, sent_of)
        context = self._dominant_country(doc, mentions)
        for actor in actors.values():
            if actor.kind != "person":
                continue
            # A person the text gives no state: the article's dominant one, weakly (one vote
            # against three for a title, so that a visitor's own title elsewhere wins).
            if not actor.evidence and context and not actor.international:
                actor.evidence[(context, "context")] += 1
            if not actor.country and actor.evidence:
                actor.country = weighted_country(actor.evidence)
        self._add_institutions(doc, actors, mentions, add)
        self._add_groups(doc, actors, add)
        self._add_titles(doc, actors, mentions, add, sent_of)
        self._add_pronouns(doc, actors, mentions, add, sent_of)
        mentions.sort(key=lambda m: (m.start, m.end))
        return DocActors(mentions, actors)

    # -- countries of people ------------------------------------------------------------------
    def _note_roles(self, person: LocalActor, span: Span) -> None:
        """The titles around one mention, with the state each gives: named in the title, 'of X',
        or the office table ('National Security Advisor' -> USA); and a demonym just before
        the name ('Iraqi Ahmed Chalabi')."""
        for role, country in self.person_roles(span):
            if role and not country and self._international_office(role):
                person.international = True  # "UN Secretary-General": no member state's official
                person.add_role(role, None)
                continue
            how = "title" if role else "of"
            if not country and role and (office := self._office_state(role)):
                country, how = office, "office"
            person.add_role(role, country, how)
        doc = span.doc
        before = doc[span.start - 1] if span.start else None
        if before is not None and before.text[:1].isupper() and not is_title_token(before) and (
                found := self.geo.lookup(before.text)) and found[1] == "demonym":
            person.evidence[(found[0], "demonym")] += 1

    def _international_office(self, role: str) -> bool:
        """'UN Secretary-General', 'Secretary General of NATO': an office of an international body."""
        words = re.split(r"\s+", role.replace("-", " "))
        return any(international_name(" ".join(words[i:j]), self.agents)
                   for i in range(len(words)) for j in range(i + 1, min(i + 6, len(words)) + 1))

    def _office_state(self, role: str) -> str | None:
        """The office table's state for a role, also when the role ends in a longer office
        ('White House National Security Advisor' -> 'National Security Advisor')."""
        words = role.split()
        for start in range(len(words)):
            if found := self.offices.office_state(" ".join(words[start:])):
                return found
        return None

    def _dominant_country(self, doc: Doc, mentions: list[Mention]) -> str | None:
        """The country an article is about: named at least twice and more than half the time."""
        counts = Counter(m.key.split(":", 1)[1] for m in mentions if m.key.startswith("country:")
                         and not locative(doc[m.token_start:m.token_end]))
        if not counts:
            return None
        (top, n), total = counts.most_common(1)[0], sum(counts.values())
        return top if n >= 2 and n * 2 > total else None

    # -- a state's institutions and agents ---------------------------------------------------
    def _institution_form(self, span: Span):
        """The institution a name spells once its state words are set aside: 'U.S. Senate',
        'Australian Parliament', 'Supreme Court' (None for other names)."""
        tokens = [t for t in span if not (t.tag_ == "POS" or t.lower_ == "the")]
        # State words first, the longest that names a state ("United States Senate").
        for width in (3, 2, 1):
            if len(tokens) > width and self.geo.lookup(" ".join(t.text for t in tokens[:width])):
                tokens = tokens[width:]
                break
        # ... or last ("Parliament of Australia", "Government of Iraq").
        if len(tokens) > 2 and tokens[-2].lower_ == "of" and self.geo.lookup(tokens[-1].text):
            tokens = tokens[:-2]
        if not tokens or not tokens[0].text[:1].isupper():
            return None
        text = " ".join(t.text for t in tokens)
        if (found := self.agents.institutions.get(fold(text))) is not None:
            return found
        # "Government", "Army" tagged as organisations: the state's agent of that sector (not
        # "Canadian Press": only a state's own government, forces and police).
        sector = self.agents.agent_nouns.get((tokens[-1].lemma_.lower(),)) if len(tokens) == 1 else None
        return sector if sector in {"GOV", "MIL", "COP"} else None

    def _state_word(self, token: Token) -> str | None:
        """The state a modifier names: 'Iraqi', 'U.S.', 'Iraq' ('s), 'Cairo', 'United States'."""
        if not (token.text[:1].isupper() or token.ent_type_ in {"GPE", "NORP"}):
            return None
        found = self.geo.lookup(token.text)
        if found is None and token.ent_type_:
            found = self.geo.lookup(_entity_around(token).text)
        return found[0] if found else None

    def _modifier_state(self, doc: Doc, start: int, end: int) -> str | None:
        """The state written with a collective mention: before it ('Iraqi police', 'Iraq's
        army', 'the U.S. Senate'), as its modifier in the parse, or after it ('of Iraq',
        'protesters in Cairo')."""
        i = start - 1
        if i >= 0 and doc[i].tag_ == "POS":
            i -= 1
        for width in (3, 2):  # "United States Senate", "South Korean police"
            if i - width + 1 >= 0 and doc[i - width + 1].text[:1].isupper() and doc[i - width + 1].lower_ != "the" and (
                    found := self.geo.lookup(doc[i - width + 1:i + 1].text)):
                return found[0]
        if i >= 0 and (found := self._state_word(doc[i])):
            return found
        head = doc[end - 1]
        for child in head.children:
            if child.i < start and child.dep_ in {"amod", "compound", "poss", "nmod"} and (
                    found := self._state_word(child)):
                return found
        if end < len(doc) and doc[end].lower_ in {"of", "in", "from"}:
            j = end + 1
            while j < len(doc) and doc[j].lower_ == "the":
                j += 1
            if j < len(doc) and (found := self._state_word(doc[j])):
                return found
        return None

    def _match_collective(self, doc: Doc, i: int) -> tuple[int, int, str, object] | None:
        """A collective mention starting at token i: (start, end, kind, what), kind
        'institution' (what: Institution) or 'agent' (what: sector)."""
        for width in (5, 4, 3, 2, 1):
            end = i + width
            if end > len(doc):
                continue
            words = tuple(t.lower_ for t in doc[i:end])
            institution = self.agents.institutions.get(" ".join(words))
            if institution is None or doc[end - 1].dep_ == "compound" and end < len(doc) and (
                    doc[end].pos_ in {"NOUN", "PROPN"}):
                continue
            # "House" and "Commons" only as names; "parliament", "senate" also in lower case.
            if doc[i].text[:1].isupper() or (width == 1 and fold(institution.name) == words[0]):
                return i, end, "institution", institution
        for width in (3, 2, 1):
            end = i + width
            if end > len(doc):
                continue
            head = doc[end - 1]
            if head.pos_ not in {"NOUN", "PROPN"} or head.dep_ == "compound" or (
                    end < len(doc) and doc[end].pos_ in {"NOUN", "PROPN"} and doc[end].dep_ != "appos"
                    and head.head.i == end):
                continue
            texts = tuple(t.lower_ for t in doc[i:end])
            lemmas = (*texts[:-1], head.lemma_.lower())
            sector = self.agents.agent_nouns.get(texts) or self.agents.agent_nouns.get(lemmas)
            if sector is not None and not _one_person_or_act(head):
                return i, end, "agent", sector
        return None

    def _add_collectives(self, doc, actors, mentions, add, sent_of) -> None:
        """A state's institutions and agents ('the Senate', 'Iraqi police', 'protesters in
        Cairo', 'the Thai government'), one actor per state and institution or sector. The
        state comes from the mention's modifier, else the one country its sentence names,
        else its paragraph's, else the article's dominant country; without one, no actor."""
        taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
        countries = [(m.token_start, m.key.split(":", 1)[1]) for m in mentions
                     if m.key.startswith("country:") and not locative(doc[m.token_start:m.token_end])]
        paragraph_of = _paragraph_index(doc)

        def only(found: Iterable[str]) -> str | None:
            distinct = set(found)
            return distinct.pop() if len(distinct) == 1 else None

        dominant = self._dominant_country(doc, mentions)
        i = 0
        while i < len(doc):
            token = doc[i]
            if i in taken or token.ent_type_ in {"PERSON", "WORK_OF_ART", "LAW", "EVENT"} or not token.is_alpha:
                i += 1
                continue
            found = self._match_collective(doc, i)
            if found is None or any(j in taken for j in range(found[0], found[1])):
                i += 1
                continue
            start, end, kind, what = found
            modifier = self._modifier_state(doc, start, end)
            if modifier is None and doc[end - 1].tag_ in {"NNS", "NNPS"} and (
                    doc[end - 1].lemma_.lower() in ONE_PER_STATE):
                i = end
                continue  # "governments of South East Asia": several states, not one
            state = (modifier
                     or only(c for t, c in countries if sent_of[t] == sent_of[start])
                     or only(c for t, c in countries if paragraph_of[t] == paragraph_of[start])
                     or dominant)
            i = end
            if state is None:
                continue
            # A capitalised name ("the Army", "Government") is written as a name; "police" is not.
            written_as_name = kind == "institution" or doc[start].text[:1].isupper() and not doc[start].is_sent_start
            # "U.S. Senate", "United States Navy" as one name, when the state words are not a
            # mention of their own.
            for width in (3, 2, 1):
                first = start - width
                if written_as_name and first >= 0 and not taken & set(range(first, start)) and (
                        doc[first].text[:1].isupper() and doc[first].lower_ != "the"
                        and self.geo.lookup(doc[first:start].text)):
                    start = first
                    break
            place = self.geo.name(state)
            if kind == "institution":
                key = f"organization:{state}:{fold(what.name)}"
                actor = LocalActor(key, f"{what.name} ({place})", "organization", state, sector=what.sector)
            else:
                key = f"agent:{state}:{what}"
                actor = LocalActor(key, f"{self.agents.sector_labels[what]} ({place})", "agent", state,
                                   sector=what)
            actors.setdefault(key, actor)
            add(doc[start:end], key, "name" if written_as_name else "agent")
            taken.update(range(start, end))

    def _city_or_unknown(self, text: str) -> bool:
        """A surname may be a city's name ("Paris"), never a country's ("Will Germany")."""
        found = self.geo.lookup(text)
        return found is None or found[1] == "capital"

    @staticmethod
    def _inside_title(span: Span) -> bool:
        """'Secretary of State', 'Supreme Leader': a one-word 'organisation' that is part of a title."""
        doc = span.doc
        before = doc[max(span.start - 2, 0): span.start]
        after = doc[span.end: span.end + 1]
        return (len(before) == 2 and before[1].lower_ == "of" and is_title_token(before[0])) or (
            len(after) == 1 and is_title_token(after[0]))

    def _org_possessor(self, span: Span) -> str | None:
        """'Iran's Supreme National Security Council' -> IRN."""
        for token in span.root.children:
            if token.dep_ == "poss" and token.i < span.start and (found := self._country_in([token])):
                return found
        before = span.doc[max(span.start - 2, 0): span.start]
        if len(before) == 2 and before[1].tag_ == "POS":
            return self._country_in([before[0]])
        return None

    def _add_surnames(self, doc, actors, mentions, add) -> None:
        """Surnames the recogniser missed ('Ahmadian stated'), matched to people named earlier."""
        persons = [a for a in actors.values() if a.kind == "person" and " " in a.name]
        if not persons:
            return
        taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
        by_token: dict[str, LocalActor] = {}
        for person in persons:
            for part in person.name.split():
                if len(part) > 2 and part[:1].isupper():
                    by_token.setdefault(part, person)
        for token in doc:
            if token.i in taken or token.text not in by_token or token.pos_ not in {"PROPN", "NOUN",
                                                                                      "ADJ", "X"}:
                continue
            if token.ent_type_ in {"ORG", "FAC", "EVENT", "LAW", "WORK_OF_ART"}:
                continue
            add(doc[token.i: token.i + 1], by_token[token.text].key, "alias")

    @staticmethod
    def _add_organisation_repeats(doc, actors, mentions, add) -> None:
        """Organisation names found once are found again where the recogniser missed them
        ("Twitter" tagged in one sentence and not in the next)."""
        names: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for m in mentions:
            if m.how == "name" and m.key.startswith("organization:"):
                words = tuple(t.text for t in doc[m.token_start:m.token_end])
                if words[-1][:1].isupper() and (len(words) > 1 or doc[m.token_start].pos_ == "PROPN"):
                    names.setdefault(words[0], []).append((words, m.key))
        if not names:
            return
        taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
        for token in doc:
            if token.i in taken or token.text not in names or token.ent_type_ in {"PERSON", "GPE"}:
                continue
            for words, key in sorted(names[token.text], key=lambda item: -len(item[0])):
                end = token.i + len(words)
                if tuple(t.text for t in doc[token.i:end]) == words and not taken & set(range(token.i, end)):
                    if end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                        break  # a longer name starts here ("Google Science Fair")
                    add(doc[token.i:end], key, "name")
                    taken.update(range(token.i, end))
                    break

    def _add_institutions(self, doc, actors, mentions, add) -> None:
        """A state's institutions named by description: "China's foreign ministry", "the Iranian
        army", "the judiciary of Iran" (as "Foreign ministry of China", ...). A later bare "the
        foreign ministry" is the same one."""
        country_at = {i: m.key.split(":", 1)[1] for m in mentions if m.key.startswith("country:")
                      for i in range(m.token_start, m.token_end)}
        taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
        last: dict[str, str] = {}       # "foreign ministry" -> key of the last one named
        for head in doc:
            if head.tag_ not in {"NN", "NNP"} or head.lemma_.lower() not in INSTITUTION_HEADS or head.i in taken:
                continue
            start = head.i
            while start > 0 and doc[start - 1].dep_ in {"compound", "amod"} and doc[start - 1].head.i == head.i and (
                    doc[start - 1].is_alpha and start - 1 not in country_at and start - 1 not in taken):
                start -= 1
            phrase = " ".join(t.lower_ for t in doc[start:head.i + 1])
            # The mention takes in its country: "China's foreign ministry", "judiciary of Iran".
            first, end = start, head.i + 1
            before = doc[start - 1] if start else None
            if before is not None and before.tag_ == "POS" and start > 1:
                before = doc[start - 2]
            iso3 = country_at.get(before.i) if before is not None else None
            if iso3 is not None:
                first = next(m.token_start for m in mentions if m.token_start <= before.i < m.token_end)
            else:
                of_country = [p for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                              for p in c.children if p.dep_ == "pobj" and p.i in country_at]
                if of_country:
                    iso3, end = country_at[of_country[0].i], of_country[0].i + 1
            if iso3 is None:
                if phrase in last and any(t.lower_ == "the" for t in head.children):
                    add(doc[start:head.i + 1], last[phrase], "alias")
                continue
            name = f"{phrase[:1].upper()}{phrase[1:]} of {self.geo.name(iso3)}"
            key = f"organization:{fold(name)}"
            actors.setdefault(key, LocalActor(key, name, "organization", iso3))
            add(doc[first:end], key, "name")
            last[phrase] = key

    def _add_groups(self, doc, actors, add) -> None:
        """Collective actors: an adjective and a plural such as 'Western nations'."""
        for token in doc:
            if token.tag_ != "NNS" or token.lemma_.lower() not in GROUP_NOUNS or token.ent_type_:
                continue
            if any(c.dep_ == "nummod" or c.lower_ in NOT_GROUP_ADJECTIVES for c in token.children):
                continue
            adjectives = [c for c in token.children if c.dep_ == "amod" and c.i < token.i
                          and c.pos_ in {"ADJ", "PROPN"} and c.lower_ not in NOT_GROUP_ADJECTIVES]
            if not adjectives:
                continue
            adjective = adjectives[0]
            if self.geo.lookup(adjective.text):
                continue  # "Chinese states" means one country's parts, not a bloc
            span = doc[adjective.i: token.i + 1]
            name = f"{adjective.text[:1].upper()}{adjective.text[1:]} {token.lower_}"
            key = f"group:{adjective.lower_} {token.lemma_.lower()}"
            actors.setdefault(key, LocalActor(key, name, "group"))
            add(span, key, "name")

    def _add_titles(self, doc, actors, mentions, add, sent_of) -> None:
        """'The Secretary of Iran's Supreme National Security Council' -> the person with that role."""
        people = [a for a in actors.values() if a.kind == "person" and a.roles]
        if not people:
            return
        named_tokens = {i for m in mentions if m.key.startswith("person:")
                        for i in range(m.token_start, m.token_end)}
        first_seen = {}
        for m in mentions:
            first_seen.setdefault(m.key, m.token_start)
        for token in doc:
            if not is_title_token(token) or token.i in named_tokens or token.ent_type_ == "PERSON" or (
                    token.tag_ in {"NNS", "NNPS"}):  # "the two Presidents" are not one person
                continue
            if token.dep_ in {"compound", "appos"} or any(
                    c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in token.children):
                continue
            if token.head.ent_type_ == "PERSON" and token.head.i > token.i:
                continue
            det = [c for c in token.children if c.dep_ in {"det", "poss"} and c.i < token.i]
            if not det or (det[0].dep_ == "det" and det[0].lower_ != "the"):
                continue
            left = min(t.i for t in token.subtree if t.i <= token.i)
            right = token.i + 1
            # Parses of long titles vary, so the "of ..." tail is read from the surface.
            if right < len(doc) and doc[right].lower_ == "of":
                while right < len(doc) and right - token.i <= 12 and not (
                        doc[right].pos_ in {"VERB", "AUX"} or doc[right].is_punct
                        and doc[right].tag_ != "POS" or doc[right].is_space):
                    right += 1
            span = doc[left:right]
            words = {t.lower_ for t in span if not t.is_stop and not t.is_punct
                     and not self.geo.lookup(t.text)}
            country = self._country_in(span)
            best, best_score = None, 0
            for person in people:
                if first_seen.get(person.key, len(doc)) > token.i:
                    continue
                role_words = {w.lower() for r in person.roles for w in re.findall(r"[\w-]+", r)}
                if token.lower_ not in role_words and token.lemma_.lower() not in role_words:
                    continue
                countries = set(person.role_countries) | {person.country}
                if country and person.country and country not in countries:
                    continue
                unmatched = words - role_words
                if len(unmatched) > 1:
                    continue
                score = len(words & role_words) + (2 if country and country in countries else 0)
                if score >= best_score:
                    best, best_score = person, score
            if best is not None:
                add(span, best.key, "title")

    def _add_pronouns(self, doc, actors, mentions, add, sent_of) -> None:
        """He/she/his/her to the most recent compatible person, preferring earlier subjects."""
        person_mentions = sorted((m for m in mentions if m.key.startswith("person:")),
                                 key=lambda m: m.token_start)
        if not person_mentions:
            return
        resolved: list[tuple[int, str, bool]] = [
            (m.token_start, m.key, self._is_subject(doc, m)) for m in person_mentions]
        for token in doc:
            gender = PRONOUNS.get(token.lower_)
            if gender is None or token.pos_ != "PRON":
                continue
            earlier = [r for r in resolved if r[0] < token.i
                       and sent_of[r[0]] >= sent_of[token.i] - 3
                       and actors[r[1]].gender in (None, gender)]
            if not earlier:
                continue
            same_sentence_subject = [r for r in earlier if sent_of[r[0]] == sent_of[token.i]
                                     and r[2]]
            # "X thanked Y for his leadership": the object, not the subject, owns "his".
            objects = [r for r in earlier if sent_of[r[0]] == sent_of[token.i]
                       and doc[r[0]].dep_ in {"dobj"} and doc[r[0]].head == _governing_verb(token)]
            if token.dep_ == "poss" and objects:
                choice = objects[-1]
            elif token.dep_ in {"poss"} and same_sentence_subject:
                choice = same_sentence_subject[-1]
            elif token.dep_ in {"nsubj", "nsubjpass"}:
                prior_subjects = [r for r in earlier if r[2] and (
                    sent_of[r[0]] < sent_of[token.i] or r in same_sentence_subject)]
                choice = (prior_subjects or earlier)[-1]
            else:
                choice = earlier[-1]
            key = choice[1]
            if token.dep_ in {"nsubj", "nsubjpass"}:
                actors[key].gender = actors[key].gender or gender
            add(doc[token.i: token.i + 1], key, "pronoun")
            resolved.append((token.i, key, token.dep_ in {"nsubj", "nsubjpass"}))
            resolved.sort(key=lambda r: r[0])

    @staticmethod
    def _is_subject(doc: Doc, mention: Mention) -> bool:
        span = doc[mention.token_start: mention.token_end]
        root = span.root
        while root.dep_ in {"appos", "conj", "compound"} and root.head is not root:
            root = root.head
        return root.dep_ in {"nsubj", "nsubjpass"}


def _entity_around(token: Token) -> Span:
    """The entity a token belongs to, read from its IOB tags (no scan of doc.ents)."""
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _one_person_or_act(head: Token) -> bool:
    """'a cleric', 'X, a Shia cleric', 'he is a lawmaker': one person, not a collective; and
    'opposition to the plan' is an act, not the opposition."""
    if head.dep_ in {"appos", "attr"} and not head.text[:1].isupper():
        return True  # "X, a Shia cleric"; not "Image: United States Navy"
    if head.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in {"a", "an", "one", "another", "each"}
                                 for c in head.children):
        return True
    return any(c.dep_ == "prep" and c.lower_ in {"to", "against"} for c in head.children) and (
        head.lemma_.lower() == "opposition")


def _title_before(span: Span) -> bool:
    """'Secretary of [the ... Council]': an office's 'of' phrase just before the span."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].lower_ in {"the", "a", "an"}:
        i -= 1
    return i >= 1 and doc[i].lower_ in {"of", "to", "for"} and is_title_token(doc[i - 1])


def _paragraph_index(doc: Doc) -> list[int]:
    """The paragraph (blocks split by a blank line) of every token."""
    index, paragraph = [], 0
    for token in doc:
        index.append(paragraph)
        if token.is_space and token.text.count("\n") >= 2 or token.whitespace_ == "\n\n":
            paragraph += 1
    return index


def weighted_country(evidence: Counter) -> str | None:
    """The country with the most weighted evidence ({(ISO3, how): count}, EVIDENCE_WEIGHTS)."""
    totals: Counter = Counter()
    for (country, how), count in evidence.items():
        totals[country] += EVIDENCE_WEIGHTS.get(how, 1) * count
    return totals.most_common(1)[0][0] if totals else None


def _governing_verb(token: Token) -> Token:
    """The verb a word hangs from: 'his' in 'thanked Y for his leadership' -> 'thanked'."""
    head = token.head
    while head.pos_ not in {"VERB", "AUX"} and head.head is not head:
        head = head.head
    return head


# The code that reads names: names cached by another version of this module are read again.
NAMES_VERSION = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]


def person_names(doc: Doc) -> list[str]:
    """Full personal names the recogniser found in doc, for finding them again elsewhere."""
    names = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        span = clean_name(ent)
        if span is None or not 2 <= len(span) <= 5 or is_junk_name(span.text) or is_acronym(span[-1].text):
            continue
        if any(is_title_token(t) or not (t.text[:1].isupper() or t.lower_ in NAME_PARTICLES
                                         or t.text == "-") for t in span):
            continue
        while len(span) > 1 and span[-1].lower_ in NAME_TAIL_NOISE:
            span = span[:-1]
        if len(span) > 1 and span[-1].lower_ not in NOT_PERSON_WORDS:
            names.append(span.text)
    return names


def doc_actors(doc: Doc, *, finder: ActorFinder | None = None) -> DocActors:
    """Actor mentions and local actors of one parsed document."""
    return (finder or ActorFinder())(doc)
