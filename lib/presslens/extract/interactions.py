"""Interactions between two actors, typed with PLOVER event types, from the dependency parse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from spacy.tokens import Doc

from presslens.extract.actors import Mention


class Interaction(NamedTuple):
    sentence_id: int
    source_key: str
    event_type: str
    target_key: str
    trigger: str
    negated: bool
    text: str


def load_triggers(path=None) -> dict:
    """The trigger lexicon. (Placeholder until the interactions work lands.)"""
    return {}


def find_interactions(doc: Doc, mentions: Sequence[Mention], *, lexicon: dict) -> list[Interaction]:
    """Who did what to whom in doc. (Placeholder until the interactions work lands.)"""
    return []
