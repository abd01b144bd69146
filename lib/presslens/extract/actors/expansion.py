"""Expansion passes: mentions found after the named ones (surnames, titles, groups, institutions)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from spacy.tokens import Doc, Span, Token

from presslens.extract.actors.model import LocalActor
from presslens.extract.actors.names import is_title_token, locative, title_mask
from presslens.extract.actors.roles import _paragraph_index
from presslens.extract.actors.words import GROUP_NOUNS, INSTITUTION_HEADS, NOT_GROUP_ADJECTIVES, ONE_PER_STATE
from presslens.geo import fold
from presslens.nlp import masked_tokens, token_mask


class ExpansionPasses:
    """Passes that add mentions of actors already found or implied (a part of ActorFinder)."""

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
            if doc[i].text[:1].isupper() or (width == 1 and fold(institution.name) == words[0]
                                              and not institution.state):
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
        # Every form starts with a token's text or is its lemma alone: only a token whose text
        # or lemma starts one can start a mention (_match_collective slices the Doc 8 times).
        starts = self.collective_starts
        candidates = np.flatnonzero(token_mask(doc, "LOWER", starts)
                                    | token_mask(doc, "LEMMA", lambda v: v.lower() in starts)).tolist()
        if not candidates:
            return
        taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
        countries = [(m.token_start, m.key.split(":", 1)[1]) for m in mentions
                     if m.key.startswith("country:") and not locative(doc[m.token_start:m.token_end])]
        paragraph_of = _paragraph_index(doc)

        def only(found: Iterable[str]) -> str | None:
            distinct = set(found)
            return distinct.pop() if len(distinct) == 1 else None

        dominant = self._dominant_country(doc, mentions)
        i = 0                     # the first token a new mention may start at
        for candidate in candidates:
            if candidate < i:
                continue
            i = candidate
            token = doc[i]
            if i in taken or token.ent_type_ in {"PERSON", "WORK_OF_ART", "LAW", "EVENT"} or not token.is_alpha:
                continue
            found = self._match_collective(doc, i)
            if found is None or any(j in taken for j in range(found[0], found[1])):
                continue
            start, end, kind, what = found
            if kind == "institution" and what.state:
                # "the White House": one state's own institution, whatever the sentence names.
                key = self._own_institution(actors, what)
                add(doc[start:end], key, "name")
                taken.update(range(start, end))
                i = end
                continue
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

    @staticmethod
    def _own_institution(actors: dict[str, LocalActor], institution) -> str:
        """The local actor of an institution that belongs to one state ('White House' -> USA):
        named as written, with that state; returns its key."""
        key = f"organization:{institution.state}:{fold(institution.name)}"
        actors.setdefault(key, LocalActor(key, institution.name, "organization", institution.state,
                                          sector=institution.sector))
        return key

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
        parts = token_mask(doc, "ORTH", by_token) & token_mask(doc, "POS", {"PROPN", "NOUN", "ADJ", "X"})
        for token in masked_tokens(doc, parts):
            if token.i in taken:
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
        for token in masked_tokens(doc, token_mask(doc, "ORTH", names)):
            if token.i in taken or token.ent_type_ in {"PERSON", "GPE"}:
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
        heads = token_mask(doc, "TAG", {"NN", "NNP"}) & token_mask(
            doc, "LEMMA", lambda lemma: lemma.lower() in INSTITUTION_HEADS)
        for head in masked_tokens(doc, heads):
            if head.i in taken:
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
        plurals = token_mask(doc, "TAG", {"NNS"}) & token_mask(doc, "LEMMA", lambda lemma: lemma.lower() in GROUP_NOUNS)
        for token in masked_tokens(doc, plurals):
            if token.ent_type_:
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
        for token in masked_tokens(doc, title_mask(doc)):
            if token.i in named_tokens or token.ent_type_ == "PERSON" or (
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


