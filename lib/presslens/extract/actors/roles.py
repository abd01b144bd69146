"""Roles and countries: a person's titles, the state an office or modifier names."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
from spacy.tokens import Doc, Span, Token

from presslens.extract.actors.model import LocalActor, Mention
from presslens.extract.actors.names import is_title_token, locative, title_mask
from presslens.extract.actors.spans import _entity_around
from presslens.extract.actors.words import EVIDENCE_WEIGHTS, HONORIFICS
from presslens.extract.lexicon import international_name
from presslens.geo import fold
from presslens.nlp import masked_tokens, token_mask

# Ranks and forms of address written before a name that are no office ("Supreme Leader
# Ayatollah Ali Khamenei" holds the office "Supreme Leader").
RANK_HONORIFICS = frozenset({"sheikh", "sheikha", "sayyid", "ayatollah", "hojatoleslam"})
# Clauses inside a noun phrase: what they say is not part of a title.
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl"})


class RolesAndCountries:
    """Roles and country evidence of mentions (a part of ActorFinder)."""

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
        """Role words without country words, determiners and possessives; and the country (not
        one the post is sent to: 'Ambassador to Iraq' is another state's ambassador, while an
        'Advisor to the French President' is French)."""
        to = next((n for n, t in enumerate(tokens) if t.lower_ == "to" and self._state_after(tokens[n + 1:])),
                  len(tokens))
        country = self._country_in(tokens[:to])
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

    def _state_after(self, tokens: list[Token]) -> bool:
        """The words start with a state's name ('Iraq', 'the United States'), not an office."""
        words = [t for t in tokens[:5] if t.lower_ != "the"]
        return bool(words) and self._state_word(words[0]) is not None and not any(
            is_title_token(t) for t in words[1:4])

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
            if not run and token.whitespace_ and (token.lower_ in RANK_HONORIFICS or (
                    token.ent_type_ == "PERSON" and token.lower_.rstrip(".") in HONORIFICS)):
                i -= 1  # "Prime Minister [Sheikh Mohammed ...]", "Supreme Leader Ayatollah X": no office
                continue
            if token.ent_type_ == "PERSON" and is_title_token(token) and token.text[:1].isupper():
                run.insert(0, token)  # "[Taoiseach Bertie Ahern]": the title tagged with the name
                i -= 1
                continue
            if run and token.ent_type_ == "PERSON" and (place := self.geo.lookup(token.text)) and (
                    place[1] == "demonym"):
                run.insert(0, token)  # "[Tajik] President X", the demonym tagged as a name
                i -= 1
                continue
            if token.is_punct or token.is_space or token.ent_type_ == "PERSON" or "\n" in token.whitespace_:
                break
            # "Today President Biden", "Since President Xi": adverbs and clause openers are no
            # title; an acronym is a body's name even when tagged a pronoun ("WHO Director-General").
            if not _is_acronym_word(token) and (
                    not (is_title_token(token) and token.text[:1].isupper()) and (
                        token.dep_ in {"npadvmod", "advmod", "mark", "nsubj"}) or token.pos_ in {
                        "ADV", "SCONJ", "VERB", "AUX", "PRON", "NUM", "CCONJ", "PART", "INTJ"} or (
                        token.pos_ == "DET" and token.lower_ != "the")):
                break
            # A title never runs over a sentence end or a form of address ("Mr. President").
            if doc[i + 1].is_sent_start or token.lower_.rstrip(".") in HONORIFICS or token.text == "Q":
                break
            # "President X and Chinese President Y": a title stops at the previous name.
            if token.lower_ in {"and", "or"} and token.ent_type_ not in {"ORG", "GPE"}:
                break
            # "US [climate] envoy X", "Chinese [foreign ministry] spokeswoman X": lower-case
            # words of the title's own noun phrase, then whatever state precedes them.
            inside = run and token.dep_ in {"compound", "amod"} and token.pos_ in {"NOUN", "ADJ"} and (
                token.head.i in {t.i for t in run})
            if token.tag_ == "POS" or token.text[:1].isupper() or is_title_token(token) or inside or (
                    token.lower_ in {"of", "the", "for", "to"} and run):
                run.insert(0, token)
                i -= 1
                continue
            break
        # "Nominees of President X", "adviser to President X": the title next to the name is the
        # whole role ("Ambassador to Iraq X" keeps its place).
        for n in range(len(run) - 1, 0, -1):
            if run[n].lower_ in {"of", "for", "to"} and any(is_title_token(t) for t in run[n + 1:]):
                run = run[n + 1:]
                break
        while run and run[0].lower_ in {"of", "the", "and", "for", "to"}:
            run.pop(0)
        if any(is_title_token(t) for t in run) and len(run) <= 14:
            role, country = self._role_text(run)
            # "Pakistan, whose Prime Minister X": the office is the state's the clause hangs on.
            if country is None and i >= 0 and doc[i].tag_ == "WP$":
                country = self._relative_antecedent_state(doc[i])
            found.append((role, country))
        # Apposition around the name: "X, the Secretary of ..." or "Iran's Secretary ..., X".
        root = span.root
        for token in root.children:
            if token.dep_ == "appos" and is_title_token(token) and token.i >= span.end:
                sub = _title_phrase(token)
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

    def _relative_antecedent_state(self, whose: Token) -> str | None:
        """The state a 'whose' clause hangs on: 'Pakistan, whose Prime Minister ...' -> PAK."""
        for token in whose.ancestors:
            if token.dep_ == "relcl":
                return self._state_word(token.head)
        return None

    def apposition_state(self, span: Span) -> str | None:
        """The state of a noun the name is in apposition to: 'his Iranian counterpart, X',
        'Russia's envoy, X' (the noun and the name are one person)."""
        root = span.root
        head = root.head
        if root.dep_ != "appos" or head.i >= span.start or head.pos_ != "NOUN" or (
                head.ent_type_ in {"PERSON", "ORG"}):
            return None
        for child in head.children:
            if child.i < head.i and child.dep_ in {"amod", "compound", "poss"} and (
                    found := self._state_word(child)):
                return found
        return None

    # -- one person's roles, an office's state ------------------------------------------------
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
        if state := self.apposition_state(span):
            person.evidence[(state, "demonym")] += 1
        doc = span.doc
        before = doc[span.start - 1] if span.start else None
        if before is not None and before.text[:1].isupper() and not is_title_token(before) and (
                found := self.geo.lookup(before.text)) and found[1] == "demonym":
            person.evidence[(found[0], "demonym")] += 1

    def _international_office(self, role: str) -> bool:
        """'UN Secretary-General', 'Secretary General of NATO', "the EU's foreign policy chief":
        an office of an international body."""
        words = re.split(r"\s+", re.sub(r"['’]s\b", "", role.replace("-", " ")))
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

    def _sentence_state(self, doc: Doc, mentions: list[Mention], key: str) -> str | None:
        """The one state named in the sentences that name the person (`key`), as an actor: not
        as a place ('in Iran'), in a title ('Russian President X', 'Prime Minister of the United
        Kingdom', 'ambassador to Peru': some person's, or a post's place), in a pair
        ('a China-Arab summit') or inside quotation marks (what the person says of others)."""
        sentences = {m.sentence_id for m in mentions if m.key == key and m.how in {"name", "alias"}}
        states = {m.key.split(":", 1)[1] for m in mentions
                  if m.sentence_id in sentences and m.key.startswith("country:")
                  and not locative(doc[m.token_start:m.token_end]) and not _before_title(doc, m.token_end)
                  and not _in_pair(doc, m.token_start, m.token_end) and not _quoted(doc[m.token_start])
                  and not _of_a_title(doc[m.token_start:m.token_end])}
        return states.pop() if len(states) == 1 else None

    def _bare_title_states(self, doc: Doc, mentions: list[Mention]) -> dict[str, set[str]]:
        """The states of titles written without a name ("China's ambassador", "the Iranian
        foreign minister"), by the title's words in lower case ('ambassador', 'foreign minister')."""
        named = {i for m in mentions if m.key.startswith("person:") for i in range(m.token_start, m.token_end)}
        found: dict[str, set[str]] = {}
        for token in masked_tokens(doc, title_mask(doc)):
            if token.tag_ in {"NNS", "NNPS"} or token.i in named or (
                    token.ent_type_ == "PERSON" or token.dep_ == "appos"):
                continue
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if token.head.ent_type_ == "PERSON" or (following is not None and following.ent_type_ == "PERSON") or any(
                    c.dep_ == "appos" for c in token.children):
                continue  # the title of a name: "Chinese Ambassador X", "the ambassador, X"
            state, words = None, [token]
            for child in token.children:
                if child.i > token.i or child.dep_ not in {"poss", "amod", "compound", "nmod"}:
                    continue
                if found_state := self._state_word(child):
                    state = state or found_state
                elif child.dep_ in {"amod", "compound"}:
                    words.append(child)
            if state:
                found.setdefault(" ".join(t.lower_ for t in sorted(words, key=lambda t: t.i)), set()).add(state)
        return found

    def _dominant_country(self, doc: Doc, mentions: list[Mention], *, lead: bool = False) -> str | None:
        """The country an article is about: named at least twice and more than half the time;
        with `lead`, also, among many, the one named clearly most (half as often again as any
        other) both in the article and in its lead (the first sentence that names a state),
        where news states its subject."""
        named = [m for m in mentions if m.key.startswith("country:")
                 and not locative(doc[m.token_start:m.token_end])]
        counts = Counter(m.key.split(":", 1)[1] for m in named)
        if not counts:
            return None
        top, n = _only_top(counts)
        if top is None or n < 2:
            return None
        if n * 2 > sum(counts.values()):
            return top
        if not lead or 2 * n < 3 * counts.most_common(2)[1][1]:
            return None
        first = min(m.sentence_id for m in named)
        lead_top, _ = _only_top(Counter(m.key.split(":", 1)[1] for m in named if m.sentence_id == first))
        return top if lead_top == top else None

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


def _only_top(counts: Counter) -> tuple[str | None, int]:
    """The key counted most and its count; None when several share the top."""
    ranked = counts.most_common(2)
    if not ranked or len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None, 0
    return ranked[0]


def _before_title(doc: Doc, i: int) -> bool:
    """A title or a name starts at token i, or after a possessive there ('Russian President',
    "Iran's envoy", 'Ambassador to Iraq Ryan Crocker')."""
    if i < len(doc) and doc[i].tag_ == "POS":
        i += 1
    if i < len(doc) and doc[i].ent_type_ == "PERSON" and doc[i].ent_iob_ == "B":
        return True
    # "Latvian [Prime Minister]", "French [Foreign Minister]": a title of up to three words.
    for j in range(i, min(i + 3, len(doc))):
        if is_title_token(doc[j]):
            return True
        if doc[j].pos_ not in {"PROPN", "ADJ", "NOUN"}:
            return False
    return False


def _of_a_title(span: Span) -> bool:
    """'Prime Minister of [the United Kingdom]', 'ambassador to [Peru]': a state a title names."""
    head = span.root
    return head.dep_ == "pobj" and head.head.lower_ in {"of", "to", "for"} and is_title_token(head.head.head)


QUOTE_MARKS = frozenset({'"', "“", "”", "``", "''", "«", "»"})


def _quoted(token: Token) -> bool:
    """Inside quotation marks: an odd number of them before the token in its sentence."""
    return sum(t.text in QUOTE_MARKS for t in token.sent if t.i < token.i) % 2 == 1


def _in_pair(doc: Doc, start: int, end: int) -> bool:
    """'China-Arab', 'US-China': a state joined by a hyphen to another names a pair."""
    return (end < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_) or (
        start > 0 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_)


def _is_acronym_word(token: Token) -> bool:
    return len(token.text) > 1 and token.text.isupper() and token.text.isalpha()


def _title_phrase(head: Token) -> list[Token]:
    """The words of a title in apposition ('X, an adviser to Supreme Leader Y who led the
    talks with Beijing') up to another person's name and without its clauses: 'an adviser to
    Supreme Leader'. What the clause or the other person says is not this person's title."""
    clauses = {t.i for child in head.subtree if child.dep_ in CLAUSE_DEPS and child is not head
               for t in child.subtree}
    words: list[Token] = []
    for token in head.subtree:
        if token.i < head.i and token.lower_ == ",":
            continue
        if token.i > head.i and (token.ent_type_ == "PERSON" or token.lower_ in RANK_HONORIFICS):
            break
        if token.i not in clauses:
            words.append(token)
    while words and words[-1].is_punct or words and words[-1].lower_ in {"of", "to", "for", "and", "the"}:
        words.pop()
    return words


def _paragraph_index(doc: Doc) -> list[int]:
    """The paragraph (blocks split by a blank line) of every token."""
    if not len(doc):
        return []
    # A blank line is a whitespace token of its own: spaCy keeps at most one space after a token.
    breaks = token_mask(doc, "ORTH", lambda text: text.isspace() and text.count("\n") >= 2)
    return np.concatenate([[0], np.cumsum(breaks)[:-1]]).tolist()


def weighted_country(evidence: Counter) -> str | None:
    """The country with the most weighted evidence ({(ISO3, how): count}, EVIDENCE_WEIGHTS)."""
    totals: Counter = Counter()
    for (country, how), count in evidence.items():
        totals[country] += EVIDENCE_WEIGHTS.get(how, 1) * count
    return totals.most_common(1)[0][0] if totals else None


