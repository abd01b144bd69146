"""Resolve the local actors of every article into canonical corpus actors.

Full names merge across articles; a lone surname joins a person named in full elsewhere only
when that is the one candidate with no conflicting country, or when several share it and the
country or a role agrees. Acronyms join the organisation whose initials they spell. The
analyst's actor table (`data/actors.yml`) has the last word.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from presslens.errors import UserError
from presslens.extract.actors import (
    EVIDENCE_WEIGHTS,
    DocActors,
    LocalActor,
    name_parts,
    same_person_name,
    weighted_country,
)
from presslens.extract.lexicon import SECTORS, OfficeTable, load_offices
from presslens.geo import fold, gazetteer
from presslens.ids import slugify

KINDS = ("person", "organization", "country", "group", "agent")
ACTOR_COLUMNS = ["actor_id", "name", "kind", "country", "sector", "roles", "aliases",
                 "country_evidence", "n_mentions", "n_articles"]
MENTION_COLUMNS = ["article_id", "sentence_id", "start", "end", "text", "actor_id", "how"]
ROLE_COLUMNS = ["actor_id", "role", "office", "country", "article_id"]
OVERRIDE_KEYS = {"name", "aliases", "kind", "country", "sector", "roles", "drop"}
# Evidence strong enough that a publisher's state does not override it.
TEXT_EVIDENCE = frozenset({"title", "demonym", "of", "office"})
INITIALS_SKIP = {"of", "the", "and", "for", "on", "in", "de", "&"}


class ActorTableError(UserError, ValueError):
    """The analyst's actor table cannot be used; the message names the file and the entry."""


@dataclass
class Override:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    country: str | None = None
    roles: list[str] = field(default_factory=list)
    drop: bool = False
    sector: str | None = None

    @property
    def forms(self) -> set[str]:
        return {fold(self.name), *(fold(a) for a in self.aliases)}


def load_overrides(path: str | Path | None) -> list[Override]:
    """Read the analyst's actor table; a YAML list of entries (see data/actors.yml)."""
    if path is None or not Path(path).exists():
        return []
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ActorTableError(f"{path}{where}: not valid YAML; fix the syntax") from None
    if isinstance(data, dict):
        data = data.get("actors", [])
    if not isinstance(data, list):
        raise ActorTableError(f"{path}: expected a list of actor entries ('- name: ...')")
    overrides = []
    for number, entry in enumerate(data, start=1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ActorTableError(f"{where}: each entry needs a 'name'")
        unknown = set(entry) - OVERRIDE_KEYS
        if unknown:
            raise ActorTableError(f"{where} ({entry['name']}): unknown key(s) "
                                  f"{', '.join(sorted(unknown))}; use {', '.join(sorted(OVERRIDE_KEYS))}")
        kind = entry.get("kind")
        if kind is not None and kind not in KINDS:
            raise ActorTableError(f"{where} ({entry['name']}): kind '{kind}' must be one of "
                                  + ", ".join(KINDS))
        country = entry.get("country")
        if country is not None:
            country = str(country).upper()
            if country not in gazetteer().countries:
                raise ActorTableError(f"{where} ({entry['name']}): country '{country}' is not an "
                                      "ISO 3166-1 alpha-3 code (e.g. IRN, CHN, USA)")
        sector = entry.get("sector")
        if sector is not None and sector not in SECTORS:
            raise ActorTableError(f"{where} ({entry['name']}): sector '{sector}' must be one of "
                                  + ", ".join(SECTORS))
        for list_key in ("aliases", "roles"):
            if not isinstance(entry.get(list_key, []), list):
                raise ActorTableError(f"{where} ({entry['name']}): '{list_key}' must be a list")
        overrides.append(Override(
            name=str(entry["name"]), aliases=[str(a) for a in entry.get("aliases", [])],
            kind=kind, country=country, roles=[str(r) for r in entry.get("roles", [])],
            drop=bool(entry.get("drop", False)), sector=sector,
        ))
    return overrides


def override_aliases(overrides: list[Override]) -> dict[str, tuple[str, str]]:
    """Surface forms the analyst listed, for finding mentions the recogniser misses."""
    found: dict[str, tuple[str, str]] = {}
    for entry in overrides:
        if entry.drop or not entry.kind:
            continue
        for form in [entry.name, *entry.aliases]:
            found[form] = (entry.name, entry.kind)
    return found


def _person_key(name: str) -> str:
    """Fold a personal name, keeping middle initials and generation ('george h w bush', 'george
    bush sr'): they tell people apart; `same_person_name` decides which forms are one person."""
    # "Al-Thani" and "Al Thani" are one spelling.
    parts = [p.strip(".,") for p in re.split(r"[\s\-]+", fold(name)) if p.strip(".,")]
    return " ".join(parts)


def _is_partial_name(name: str) -> bool:
    """A surname alone ('Biden') or one that starts with a particle ('von der Leyen')."""
    name = name.strip()
    return " " not in name or name[:1].islower()


def _merge_first_name_variants(clusters: dict[str, Cluster]) -> None:
    """'Joe Biden' and 'Joseph R. Biden': same surname, one given name (a nickname or a
    spelling of it, `same_given_name`) and no clash of country are one person."""
    by_surname: dict[str, list[str]] = defaultdict(list)
    for key, cluster in clusters.items():
        name = key.split(":", 1)[1]
        if cluster.kind == "person" and len(name.split()) > 1:
            by_surname[name_parts(name).surname].append(key)
    for keys in by_surname.values():
        keys.sort(key=lambda k: -sum(clusters[k].aliases.values()))
        for i, head in enumerate(keys):
            if head not in clusters:
                continue
            for other in keys[i + 1:]:
                if other not in clusters:
                    continue
                countries = {clusters[head].text_country, clusters[other].text_country} - {None}
                if same_person_name(head.split(":", 1)[1], other.split(":", 1)[1]) and len(countries) <= 1:
                    clusters[head].absorb(clusters.pop(other))


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[\w']+", name) if w.lower() not in INITIALS_SKIP)


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
        """International bodies have none; a person's is the weighted majority of the evidence."""
        if self.sector == "IGO" or self.kind == "group":
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


def _cluster_of(article_id: str, local: LocalActor, publisher: str | None = None) -> Cluster:
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


def resolve(doc_actors: Mapping[str, DocActors], *,
            overrides: list[Override] | None = None, sources: Mapping[str, str] | None = None,
            offices: OfficeTable | None = None) -> tuple[pd.DataFrame, pd.DataFrame,
                                                         pd.DataFrame, dict]:
    """Canonical actors across articles.

    `sources` maps article_id to its publisher (the articles' `source`); a publisher listed in
    the office table gives its titled officials its state. Returns (actors, mentions, roles,
    local_to_actor) where local_to_actor maps (article_id, local key) to actor_id, for tying
    quotes and interactions to actors.
    """
    geo = gazetteer()
    offices = offices or load_offices()
    publisher_of = {a: state for a, source in (sources or {}).items()
                    if (state := offices.publisher_state(source))}

    def cluster_of(article_id: str, local: LocalActor) -> Cluster:
        return _cluster_of(article_id, local, publisher_of.get(article_id))

    clusters: dict[str, Cluster] = {}
    lone_surnames: list[tuple[str, LocalActor]] = []
    lone_words: list[tuple[str, LocalActor]] = []
    for article_id, found in doc_actors.items():
        for local in found.actors.values():
            if local.kind == "person" and _is_partial_name(local.name):
                lone_surnames.append((article_id, local))
                continue
            if (local.kind == "organization" and " " not in local.name.strip()
                    and not local.name.isupper()):
                lone_words.append((article_id, local))
                continue
            if local.kind == "country":
                key = f"country:{local.country}"
            elif local.kind == "person":
                key = f"person:{_person_key(local.name)}"
            else:
                key = local.key
            cluster = cluster_of(article_id, local)
            if key in clusters:
                clusters[key].absorb(cluster)
            else:
                clusters[key] = cluster
            if local.kind == "country":
                clusters[key].fixed_name = geo.name(local.country)

    _merge_first_name_variants(clusters)

    # A lone surname joins the one full name that carries it, when the evidence does not clash.
    by_token: dict[str, list[str]] = defaultdict(list)
    for key, cluster in clusters.items():
        if cluster.kind == "person":
            for token in set(key.split(":", 1)[1].split()):
                by_token[token].append(key)
    # The small model often tags a lone surname as an organisation ("Wang would travel").
    for article_id, local in lone_words:
        candidates = by_token.get(fold(local.name), [])
        if len(candidates) == 1:
            clusters[candidates[0]].absorb(cluster_of(article_id, local))
        else:
            key = local.key
            if key in clusters:
                clusters[key].absorb(cluster_of(article_id, local))
            else:
                clusters[key] = cluster_of(article_id, local)
    for article_id, local in lone_surnames:
        token = _person_key(local.name)
        if " " in token:  # "von der Leyen": the full names that end with it
            candidates = [k for k, c in clusters.items() if c.kind == "person"
                          and k.endswith(" " + token) and k != f"person:{token}"]
        else:
            candidates = by_token.get(token, [])
        evidence_country = weighted_country(Counter(
            {k: v for k, v in local.evidence.items() if k[1] in TEXT_EVIDENCE}))
        role_words = {w.lower() for r in local.roles for w in r.split()}

        def agrees(key: str, evidence_country=evidence_country, role_words=role_words) -> bool:
            cluster = clusters[key]
            same_country = bool(evidence_country and evidence_country in cluster.countries)
            same_role = bool(role_words & {w.lower() for r, _, _ in cluster.roles for w in r.split()})
            return same_country or same_role

        def clashes(key: str, evidence_country=evidence_country) -> bool:
            country = clusters[key].text_country
            return bool(evidence_country and country and evidence_country != country)

        target = None
        if len(candidates) == 1 and not clashes(candidates[0]):
            target = candidates[0]
        elif len(candidates) > 1:
            agreeing = sorted((k for k in candidates if agrees(k)),
                              key=lambda k: -sum(clusters[k].aliases.values()))
            weight = [sum(clusters[k].aliases.values()) for k in agreeing]
            # Several agree: the one named far more often is the one meant ("Biden").
            if len(agreeing) == 1 or (len(agreeing) > 1 and weight[0] >= 3 * weight[1]):
                target = agreeing[0]
        cluster = cluster_of(article_id, local)
        if target is None:
            target = f"person:{token}"
            if target in clusters:
                clusters[target].absorb(cluster)
            else:
                clusters[target] = cluster
        else:
            clusters[target].absorb(cluster)

    _merge_acronyms(clusters)

    _apply_overrides(clusters, overrides or [])
    return _tables(doc_actors, clusters)


def _merge_acronyms(clusters: dict[str, Cluster]) -> None:
    """'SCO' joins 'Shanghai Cooperation Organisation' when the initials agree: the one such
    name, or, when several spell it, the one named in the most of the acronym's articles (the
    corpus shows which expansion is meant)."""
    by_initials: dict[str, list[str]] = defaultdict(list)
    for key, cluster in clusters.items():
        if cluster.kind == "organization" and cluster.sector is None and len(cluster.name.split()) > 1:
            by_initials[_initials(cluster.name).upper()].append(key)
    for key in list(clusters):
        cluster = clusters[key]
        name = cluster.name.replace(".", "")
        if cluster.kind != "organization" or not name.isupper() or " " in name:
            continue
        targets = [t for t in by_initials.get(name, []) if t in clusters and t != key]
        if len(targets) > 1:
            articles = {a for a, _ in cluster.members}
            shared = sorted(((len(articles & {a for a, _ in clusters[t].members}), t) for t in targets),
                            reverse=True)
            targets = [shared[0][1]] if shared[0][0] > 0 and shared[0][0] > shared[1][0] else []
        if len(targets) == 1:
            clusters[targets[0]].absorb(clusters.pop(key))


def _apply_overrides(clusters: dict[str, Cluster], overrides: list[Override]) -> None:
    for entry in overrides:
        forms = entry.forms
        matched = [k for k, c in clusters.items()
                   if fold(c.name) in forms or any(fold(a) in forms for a in c.aliases)
                   or k == f"{entry.kind}:{fold(entry.name)}"]
        if not matched:
            continue
        head = clusters[matched[0]]
        for key in matched[1:]:
            head.absorb(clusters.pop(key))
        if entry.drop:
            head.fixed_name = None
            head.kind = "__dropped__"
            continue
        head.fixed_name = entry.name
        if entry.kind:
            head.kind = entry.kind
        if entry.country:
            head.countries = Counter({entry.country: 10**6})
            head.evidence = Counter({(entry.country, "table"): 1}) if head.kind == "person" else Counter()
        if entry.sector:
            head.sector = entry.sector
        head.roles.extend((r, entry.country, "") for r in entry.roles)
        for alias in entry.aliases:
            head.aliases[alias] += 0


# Words before an office that say when, not what ("former President", "-President").
_OFFICE_QUALIFIERS = re.compile(r"^(?:[-–—,.\s]+|then-|(?:former|then|current|outgoing|incoming|late|"
                                r"newly[- ]elected|with|by|to|as|and)\s+)+", re.IGNORECASE)
_SMALL_WORDS = frozenset({"of", "the", "for", "and", "on", "to", "in"})


def office_of(role: str, country: str | None) -> tuple[str, str | None]:
    """One canonical office per state: 'President of the U.S.', 'President of the United
    States' and 'president' (USA) are all ('President', 'USA'). The state is the one the role
    names, else the office table's, else `country`."""
    geo = gazetteer()
    text = _OFFICE_QUALIFIERS.sub("", role.strip())
    state = None
    if match := re.search(r"\s+(?:of|for)\s+(?:the\s+)?(.+)$", text):
        if found := geo.lookup(match.group(1)):
            state, text = found[0], text[:match.start()]
    words = [w for w in text.split() if not geo.lookup(w)]
    # A long phrase ("... and a long-time proponent of ...") is a description, not an office.
    if not words or len(words) > 7 or {"and", "who", "which"} & {w.lower() for w in words}:
        return "", None
    office = " ".join(_office_word(w, first=n == 0) for n, w in enumerate(words))
    state = state or load_offices().office_state(office) or country
    return office, state


def _office_word(word: str, *, first: bool) -> str:
    """'PRIME' -> 'Prime', 'of' stays, 'CEO' stays, 'secretary-general' -> 'Secretary-General'."""
    if word.isupper() and len(word) <= 4:
        return word
    if word.lower() in _SMALL_WORDS and not first:
        return word.lower()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _tables(doc_actors: Mapping[str, DocActors], clusters: dict[str, Cluster]):
    local_to_actor: dict[tuple[str, str], str | None] = {}
    actor_rows, role_rows = [], []
    used_ids: set[str] = set()
    for cluster in sorted(clusters.values(), key=lambda c: -sum(c.aliases.values())):
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
            office, state = office_of(role, country or cluster.country)
            if not office:
                continue
            canonical = f"{office} ({state})" if state else office
            offices[canonical] += 1
            role_rows.append((actor_id, role, canonical, state, article_id or None))
        aliases = sorted({a for a in cluster.aliases if a.lower() not in {
            "he", "she", "him", "her", "his", "hers", "himself", "herself"}} - {cluster.name})
        actor_rows.append({
            "actor_id": actor_id, "name": cluster.name, "kind": cluster.kind,
            "country": cluster.country, "sector": cluster.sector,
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
