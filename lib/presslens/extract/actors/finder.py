"""The actor finder: candidate spans, then expansion passes and pronouns, grouped into local actors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from presslens.extract.actors.expansion import ExpansionPasses
from presslens.extract.actors.model import DocActors, LocalActor, Mention
from presslens.extract.actors.names import (
    _in_capitals,
    clean_name,
    is_acronym,
    is_junk_name,
    is_title_token,
    locative,
    same_given_name,
    same_person_name,
)
from presslens.extract.actors.pronouns import Pronouns
from presslens.extract.actors.roles import RolesAndCountries, weighted_country
from presslens.extract.actors.spans import CandidateSpans
from presslens.extract.actors.words import (
    HONORIFICS,
    NAME_PARTICLES,
    NAME_TAIL_NOISE,
    NOT_ACTOR_HEADS,
    NOT_PERSON_WORDS,
)
from presslens.extract.lexicon import AgentLexicon, OfficeTable, international_name, load_agents, load_offices
from presslens.geo import Gazetteer, fold, gazetteer, is_city
from presslens.nlp import sentence_index


class ActorFinder(CandidateSpans, RolesAndCountries, ExpansionPasses, Pronouns):
    """Finds actor mentions in parsed documents; holds the gazetteer and analyst aliases."""

    def __init__(self, *, geo: Gazetteer | None = None,
                 extra_aliases: dict[str, tuple[str, str]] | None = None,
                 known_people: Iterable[str] = (), agents: AgentLexicon | None = None,
                 offices: OfficeTable | None = None):
        self.geo = geo or gazetteer()
        self.agents = agents or load_agents()
        self.offices = offices or load_offices()
        # The words a collective mention can start with: most tokens start none, and
        # _add_collectives visits only the tokens that do.
        self.collective_starts = frozenset(
            {form.split(" ")[0] for form in self.agents.institutions}
            | {words[0] for words in self.agents.agent_nouns})
        # Analyst table: surface form -> (canonical name, kind)
        self.extra_aliases = {fold(k): v for k, v in (extra_aliases or {}).items()}
        # Full names recognised elsewhere in the corpus: found again where the model misses them.
        self.known_people = sorted({n for n in known_people if len(n.split()) > 1})
        surnames = Counter(n.split()[-1] for n in self.known_people)
        self.known_surnames = {s for s, count in surnames.items() if count == 1 and len(s) > 2}
        self._people_matcher: PhraseMatcher | None = None

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
            if len(tokens) > 1 and tokens[0].lower() in NAME_PARTICLES:
                # "Von der Leyen" opening a sentence: the surname of "Ursula von der Leyen".
                for person in reversed(persons):
                    if person.name.lower().endswith(" " + name.lower()):
                        return person
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
                actors.setdefault(key, LocalActor(key, body, "organization", sector=self.agents.body_sector(body)))
                add(span, key, "name" if fold(text) == fold(body) else "alias")
                continue
            if label != "PERSON" and (institution := self._institution_form(span)) is not None:
                if getattr(institution, "state", None):
                    # "White House": one state's own, also as a modifier ("a White House readout").
                    add(span, self._own_institution(actors, institution), "name")
                continue  # "U.S. Senate", "Parliament": a state's institution, read by _add_collectives
            geo = self.geo.lookup(text)
            # "Tajik President X" with "Tajik" tagged as a person: a demonym alone is a state's
            # word, unless it is the surname of someone named here.
            demonym = bool(geo and geo[1] == "demonym" and len(span) == 1 and text not in surnames_here
                           and person_for(text) is None)
            if geo and (label != "PERSON" or demonym):
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
        # A person's setting may come from the lead too: one weak vote, outweighed by any text
        # evidence and by other articles; a collective's state is its identity, so it takes
        # only a clear majority (`_add_collectives`).
        context = self._dominant_country(doc, mentions, lead=True)
        self._note_bare_titles(doc, mentions, [a for a in actors.values() if a.kind == "person"])
        for actor in actors.values():
            if actor.kind != "person":
                continue
            # A person the text gives no state: the one state their own sentences name, else
            # the article's dominant one, weakly (one vote against three for a title, so that
            # a visitor's own title elsewhere wins).
            if not actor.evidence and not actor.international:
                if state := self._sentence_state(doc, mentions, actor.key):
                    actor.evidence[(state, "sentence")] += 1
                elif context:
                    actor.evidence[(context, "context")] += 1
            if not actor.country and actor.evidence:
                actor.country = weighted_country(actor.evidence)
        self._add_institutions(doc, actors, mentions, add)
        self._add_groups(doc, actors, add)
        self._add_titles(doc, actors, mentions, add, sent_of)
        self._add_pronouns(doc, actors, mentions, add, sent_of)
        mentions.sort(key=lambda m: (m.start, m.end))
        return DocActors(mentions, actors)

    def _note_bare_titles(self, doc: Doc, mentions: list[Mention], people: list[LocalActor]) -> None:
        """'Iran summoned China's ambassador ... Ambassador Chang Hua': the one person here with a
        title whose state the text gives only without a name takes that state."""
        bare = self._bare_title_states(doc, mentions)
        holders = Counter(role.lower() for person in people for role in person.roles)
        for person in people:
            if _text_evidence(person):
                continue
            for role in person.roles:
                states = bare.get(role.lower(), set())
                if len(states) == 1 and holders[role.lower()] == 1:
                    state = next(iter(states))
                    person.role_country[role] = state
                    person.role_countries.append(state)
                    person.evidence[(state, "title")] += 1
                    break


def _text_evidence(person: LocalActor) -> bool:
    return any(how in {"title", "demonym", "of", "office"} for _, how in person.evidence)


def doc_actors(doc: Doc, *, finder: ActorFinder | None = None) -> DocActors:
    """Actor mentions and local actors of one parsed document."""
    return (finder or ActorFinder())(doc)
