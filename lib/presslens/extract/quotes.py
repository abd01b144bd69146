"""Quotes: direct quotations and reported speech, with the speaker tied to an actor mention."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from spacy.tokens import Doc

from presslens.extract.actors import Mention


class Quote(NamedTuple):
    """One statement; offsets are characters of the content in doc.text."""

    sentence_id: int
    speaker_key: str | None
    speaker_text: str | None
    cue: str
    content: str
    direct: bool
    start: int
    end: int


def find_quotes(doc: Doc, mentions: Sequence[Mention]) -> list[Quote]:
    """Direct and reported statements in doc. (Placeholder until the quotes work lands.)"""
    return []
