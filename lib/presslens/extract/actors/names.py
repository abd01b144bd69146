"""Personal and organisation names: cleaning a span, telling two names of one person."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
from spacy.tokens import Doc, Span, Token

from presslens.extract.actors.words import (
    CREDIT_LABELS,
    GENERATION_MARKERS,
    LOCATIVE_PREPOSITIONS,
    NAME_PARTICLES,
    NAME_POSSESSORS,
    NAME_TAIL_NOISE,
    NOT_PERSON_WORDS,
    ORGANISATION_HEADS,
    TITLE_WORDS,
    WEEKDAYS_MONTHS,
)
from presslens.nlp import token_mask


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


def title_mask(doc: Doc) -> np.ndarray:
    """is_title_token() of every token, read from the Doc's columns."""
    return token_mask(doc, "LOWER", TITLE_WORDS) | token_mask(doc, "LEMMA", lambda lemma: lemma.lower() in TITLE_WORDS)


def locative(span: Span) -> bool:
    """True when a place name is used as a place ('a meeting in Moscow'), not as an actor."""
    head = span.root
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPOSITIONS



# The code that reads names (this module and its word lists): names cached by another version
# of it are read again.
NAMES_VERSION = hashlib.sha1(b"".join(
    (Path(__file__).parent / f).read_bytes() for f in ("names.py", "words.py"))).hexdigest()[:12]


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

