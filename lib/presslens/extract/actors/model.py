"""What the actor finder returns: mentions, local actors and the pair of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple


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
    # of, office, sentence or context (see EVIDENCE_WEIGHTS).
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


