"""The store's actor, mention and role tables built from the resolved clusters."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import pandas as pd

from presslens.extract.actors import (
    DocActors,
)
from presslens.extract.lexicon import load_offices
from presslens.extract.resolve.clusters import Cluster
from presslens.geo import gazetteer
from presslens.ids import slugify

ACTOR_COLUMNS = ["actor_id", "name", "kind", "country", "sector", "roles", "aliases",
                 "country_evidence", "n_mentions", "n_articles"]
MENTION_COLUMNS = ["article_id", "sentence_id", "start", "end", "text", "actor_id", "how"]
ROLE_COLUMNS = ["actor_id", "role", "office", "country", "article_id"]


# Words before an office that say when, not what ("former President", "-President").
_OFFICE_QUALIFIERS = re.compile(r"^(?:[-–—,.\s]+|then-|(?:former|then|current|outgoing|incoming|late|"
                                r"incumbent|sitting|newly[- ]elected|with|by|to|as|and)\s+)+", re.IGNORECASE)
_SMALL_WORDS = frozenset({"of", "the", "for", "and", "on", "to", "in"})


def office_of(role: str, country: str | None, *, named: str | None = None) -> tuple[str, str | None]:
    """One canonical office per state: 'President of the U.S.', 'President of the United
    States' and 'president' (USA) are all ('President', 'USA'). The state is the one the role
    names (in its text, or `named`: read with it, as 'Saudi' in 'Saudi national security
    adviser'), else the office table's, else `country`."""
    geo = gazetteer()
    text = _OFFICE_QUALIFIERS.sub("", role.strip())
    state = None
    if match := re.search(r"\s+(?:of|for)\s+(?:the\s+)?(.+)$", text):
        if found := geo.lookup(match.group(1)):
            state, text = found[0], text[:match.start()]
    words, named_here = _without_states(text.split(), geo)
    state = state or (named_here.pop() if len(named_here) == 1 else None)
    while words and words[-1].lower() in _SMALL_WORDS:
        words.pop()  # "Ambassador to [Iraq]": the post, whose state is the person's
    # A long phrase ("... and a long-time proponent of ...") is a description, not an office.
    if not words or len(words) > 7 or {"and", "who", "which"} & {w.lower() for w in words}:
        return "", None
    office = " ".join(_office_word(w, first=n == 0) for n, w in enumerate(words))
    state = state or named or load_offices().office_state(office) or country
    return office, state


def _without_states(words: list[str], geo) -> tuple[list[str], set[str]]:
    """The words that are not a state's name, also of several words ('United States President'),
    and the states named before the office ('Ambassador to Iraq' names none)."""
    kept, states, i = [], set(), 0
    while i < len(words):
        width = next((w for w in (3, 2, 1) if i + w <= len(words) and geo.lookup(" ".join(words[i:i + w]))), 0)
        if width:
            if not kept:
                states.add(geo.lookup(" ".join(words[i:i + width]))[0])
            i += width
        else:
            kept.append(words[i])
            i += 1
    return kept, states


def _office_word(word: str, *, first: bool) -> str:
    """'PRIME' -> 'Prime', 'of' stays, 'CEO' stays, 'secretary-general' -> 'Secretary-General'."""
    if word.isupper() and len(word) <= 4:
        return word
    if word.lower() in _SMALL_WORDS and not first:
        return word.lower()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def actor_tables(doc_actors: Mapping[str, DocActors], clusters: dict[str, Cluster],
                 countries: dict[str, str | None]):
    """(actors, mentions, roles, local_to_actor) of the clusters, with their `countries`."""
    local_to_actor: dict[tuple[str, str], str | None] = {}
    actor_rows, role_rows = [], []
    used_ids: set[str] = set()
    for key, cluster in sorted(clusters.items(), key=lambda kv: -sum(kv[1].aliases.values())):
        if cluster.kind == "__dropped__":
            for member in cluster.members:
                local_to_actor[member] = None
            continue
        actor_id = slugify(cluster.name)
        if actor_id in used_ids:
            actor_id = f"{actor_id}-{cluster.kind[:3]}"
        suffix = 2
        while actor_id in used_ids:
            actor_id, suffix = f"{slugify(cluster.name)}-{suffix}", suffix + 1
        used_ids.add(actor_id)
        for member in cluster.members:
            local_to_actor[member] = actor_id
        offices: Counter = Counter()
        for role, country, article_id in cluster.roles:
            if not role:
                continue
            office, state = office_of(role, countries[key], named=country)
            if not office:
                continue
            canonical = f"{office} ({state})" if state else office
            offices[canonical] += 1
            role_rows.append((actor_id, role, canonical, state, article_id or None))
        aliases = sorted({a for a in cluster.aliases if a.lower() not in {
            "he", "she", "him", "her", "his", "hers", "himself", "herself"}} - {cluster.name})
        actor_rows.append({
            "actor_id": actor_id, "name": cluster.name, "kind": cluster.kind,
            "country": countries[key], "sector": cluster.sector,
            "roles": [office for office, _ in offices.most_common()], "aliases": aliases,
            "country_evidence": cluster.evidence_text(),
        })
    mention_rows = []
    for article_id, found in doc_actors.items():
        for m in found.mentions:
            actor_id = local_to_actor.get((article_id, m.key))
            if actor_id is None:
                continue
            mention_rows.append((article_id, m.sentence_id, m.start, m.end, m.text, actor_id, m.how))
    mentions = pd.DataFrame(mention_rows, columns=MENTION_COLUMNS)
    actors = pd.DataFrame(actor_rows, columns=ACTOR_COLUMNS[:8])
    counts = mentions.groupby("actor_id").agg(n_mentions=("start", "size"),
                                              n_articles=("article_id", "nunique"))
    actors = actors.join(counts, on="actor_id")
    actors = actors[actors["n_mentions"].notna()].copy()
    actors[["n_mentions", "n_articles"]] = actors[["n_mentions", "n_articles"]].astype("int64")
    actors = actors.sort_values(["n_mentions", "name"], ascending=[False, True])
    roles = pd.DataFrame(role_rows, columns=ROLE_COLUMNS)
    return actors.reset_index(drop=True), mentions, roles, local_to_actor
