"""Candidate spans: recognised entities, known names and names after an office."""

from __future__ import annotations

import functools

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from presslens.extract.actors.names import _name_after_office, is_title_token
from presslens.extract.actors.words import ENTITY_KINDS, HONORIFICS, NAME_PARTICLES
from presslens.geo import fold


class CandidateSpans:
    """The spans that may name an actor (a part of ActorFinder)."""

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
        # Span texts are cut from the doc's text by token offsets: no Span is built per try.
        text = doc.text
        offsets = doc.to_array(["IDX", "LENGTH"]).tolist() if len(doc) else []
        for token in doc:
            if token.i in covered or not token.text[:1].isupper():
                continue
            for width in (3, 2, 1):
                start, end = token.i, token.i + width
                if end > len(doc) or any(i in covered for i in range(start, end)):
                    continue
                form = text[offsets[start][0]:offsets[end - 1][0] + offsets[end - 1][1]]
                found = self.geo.lookup(form)
                if found and found[1] != "capital":
                    spans.append((doc[start:end], "GAZ"))
                    covered.update(range(start, end))
                    break
                if fold(form) in self.extra_aliases:
                    spans.append((doc[start:end], "TABLE"))
                    covered.update(range(start, end))
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


@functools.lru_cache(maxsize=1)
def _english_tokenizer():
    """spaCy's English tokenizer alone, to split corpus-known names as the models do."""
    return spacy.blank("en").tokenizer


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



def _title_before(span: Span) -> bool:
    """'Secretary of [the ... Council]': an office's 'of' phrase just before the span."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].lower_ in {"the", "a", "an"}:
        i -= 1
    return i >= 1 and doc[i].lower_ in {"of", "to", "for"} and is_title_token(doc[i - 1])


