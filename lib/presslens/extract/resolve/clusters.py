"""Clusters: the local actors taken to be one corpus actor, with their pooled evidence."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from presslens.extract.actors import (
    EVIDENCE_WEIGHTS,
    LocalActor,
    weighted_country,
)
from presslens.geo import fold

KINDS = ("person", "organization", "country", "group", "agent")
# Evidence strong enough that a publisher's state does not override it.
TEXT_EVIDENCE = frozenset({"title", "demonym", "of", "office"})


def person_key(name: str) -> str:
    """Fold a personal name, keeping middle initials and generation ('george h w bush', 'george
    bush sr'): they tell people apart; `same_person_name` decides which forms are one person."""
    # "Al-Thani" and "Al Thani" are one spelling.
    parts = [p.strip(".,") for p in re.split(r"[\s\-]+", fold(name)) if p.strip(".,")]
    return " ".join(parts)


def is_partial_name(name: str) -> bool:
    """A surname alone ('Biden') or one that starts with a particle ('von der Leyen')."""
    name = name.strip()
    return " " not in name or name[:1].islower()


@dataclass
class Cluster:
    kind: str
    names: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    aliases: Counter = field(default_factory=Counter)
    roles: list[tuple[str, str | None, str]] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    fixed_name: str | None = None
    sector: str | None = None
    # A person's country evidence across articles: (ISO3, how) -> number of articles.
    evidence: Counter = field(default_factory=Counter)
    international: int = 0      # articles where the person holds an international body's office

    def absorb(self, other: Cluster) -> None:
        self.names.update(other.names)
        self.countries.update(other.countries)
        self.evidence.update(other.evidence)
        self.sector = self.sector or other.sector
        self.international += other.international
        self.aliases.update(other.aliases)
        self.roles.extend(other.roles)
        self.members.extend(other.members)

    @property
    def country(self) -> str | None:
        """International bodies (of states or not) have none; a person's is the weighted majority
        of the evidence."""
        if self.sector in {"IGO", "NGO"} or self.kind == "group":
            return None
        if self.kind == "person" and self.evidence:
            # An international official ("UN Secretary-General") has no state from settings.
            if self.international and not self.text_country:
                return None
            return weighted_country(self.evidence)
        return self.countries.most_common(1)[0][0] if self.countries else None

    @property
    def text_country(self) -> str | None:
        """The country the text itself gives (titles, demonyms, 'of X', offices), for blocking
        merges: a publisher's or an article's setting is too weak to keep two names apart."""
        strong = Counter({k: v for k, v in self.evidence.items() if k[1] in TEXT_EVIDENCE})
        return weighted_country(strong) if strong else None

    def evidence_text(self) -> str | None:
        """'GBR 12 (title 10, office 2), USA 1 (context 1)': articles per country and kind."""
        if not self.evidence:
            return None
        by_country: dict[str, Counter] = defaultdict(Counter)
        for (country, how), count in self.evidence.items():
            by_country[country][how] += count
        weight = {c: sum(EVIDENCE_WEIGHTS.get(h, 1) * n for h, n in hows.items())
                  for c, hows in by_country.items()}
        parts = []
        for country in sorted(by_country, key=lambda c: (-weight[c], c)):
            hows = by_country[country]
            detail = ", ".join(f"{how} {n}" for how, n in hows.most_common())
            parts.append(f"{country} {sum(hows.values())} ({detail})")
        return ", ".join(parts)

    @property
    def name(self) -> str:
        if self.fixed_name:
            return self.fixed_name
        # Prefer the fullest form among the frequent ones, and a name as written over the
        # capitals of a transcript's speaker labels ("LEE").
        name = max(self.names.items(), key=lambda kv: (len(kv[0].split()) > 1, not kv[0].isupper(),
                                                       kv[1], len(kv[0])))[0]
        if name.isupper() and self.kind == "person":
            written = [a for a in self.aliases if a.upper() == name and not a.isupper()]
            return written[0] if written else name.title()
        return name


def new_cluster(article_id: str, local: LocalActor, publisher: str | None = None) -> Cluster:
    """The cluster of one local actor; `publisher` is the state of the article's publisher."""
    cluster = Cluster(local.kind, sector=local.sector, international=int(local.international))
    cluster.names[local.name] += 1
    if local.country:
        cluster.countries[local.country] += 1
    cluster.aliases.update(local.aliases)
    # A role's state is the one its own text gives; others take the person's (corpus) country.
    cluster.roles.extend((r, local.role_country.get(r), article_id) for r in local.roles)
    cluster.members.append((article_id, local.key))
    evidence = Counter({key: 1 for key in local.evidence})       # one vote per article and kind
    # A titled official of a publisher with a state (the White House) is that state's when the
    # text gives no state of its own; the publisher then also beats the article's setting.
    if publisher and local.kind == "person" and local.roles and not any(
            how in TEXT_EVIDENCE for _, how in evidence):
        evidence = Counter({(publisher, "publisher"): 1})
    cluster.evidence.update(evidence)
    return cluster


