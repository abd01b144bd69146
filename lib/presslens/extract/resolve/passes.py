"""The named passes of corpus resolution, run in this order by `resolve`."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

from presslens.extract.actors import (
    DocActors,
    LocalActor,
    name_parts,
    same_person_name,
    weighted_country,
)
from presslens.extract.resolve.clusters import TEXT_EVIDENCE, Cluster, is_partial_name, person_key
from presslens.geo import fold, gazetteer

# The clusters' constructor for an article's local actor (it knows the article's publisher).
ClusterMaker = Callable[[str, LocalActor], Cluster]
# (article_id, local actor) pairs held back by one pass for a later one.
Held = list[tuple[str, LocalActor]]
INITIALS_SKIP = {"of", "the", "and", "for", "on", "in", "de", "&"}


def merge_full_names(doc_actors: Mapping[str, DocActors],
                     cluster_of: ClusterMaker) -> tuple[dict[str, Cluster], Held, Held]:
    """Pass 1: local actors with the same full name (or country, or local key) are one cluster.

    Lone surnames and one-word organisation names are held back for `attach_surnames`;
    returns (clusters, lone surnames, lone words).
    """
    geo = gazetteer()
    clusters: dict[str, Cluster] = {}
    lone_surnames: list[tuple[str, LocalActor]] = []
    lone_words: list[tuple[str, LocalActor]] = []
    for article_id, found in doc_actors.items():
        for local in found.actors.values():
            if local.kind == "person" and is_partial_name(local.name):
                lone_surnames.append((article_id, local))
                continue
            if (local.kind == "organization" and " " not in local.name.strip()
                    and not local.name.isupper()):
                lone_words.append((article_id, local))
                continue
            if local.kind == "country":
                key = f"country:{local.country}"
            elif local.kind == "person":
                key = f"person:{person_key(local.name)}"
            else:
                key = local.key
            cluster = cluster_of(article_id, local)
            if key in clusters:
                clusters[key].absorb(cluster)
            else:
                clusters[key] = cluster
            if local.kind == "country":
                clusters[key].fixed_name = geo.name(local.country)
    return clusters, lone_surnames, lone_words


def merge_first_name_variants(clusters: dict[str, Cluster]) -> None:
    """Pass 2: 'Joe Biden' and 'Joseph R. Biden': same surname, one given name (a nickname or a
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


def attach_surnames(clusters: dict[str, Cluster], lone_words: Held, lone_surnames: Held,
                    cluster_of: ClusterMaker) -> None:
    """Pass 3: a lone surname (or a one-word name the model took for an organisation) joins the
    one full name that carries it, when the evidence does not clash; else it stands alone."""
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
        token = person_key(local.name)
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



def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[\w']+", name) if w.lower() not in INITIALS_SKIP)


def merge_acronyms(clusters: dict[str, Cluster]) -> None:
    """Pass 4: 'SCO' joins 'Shanghai Cooperation Organisation' when the initials agree: the one such
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




def assign_countries(clusters: dict[str, Cluster]) -> dict[str, str | None]:
    """Pass 6 (after the analyst's table, pass 5): each cluster's country, by `Cluster.country`
    (none for international bodies; a person's from the weighted majority of the evidence)."""
    return {key: cluster.country for key, cluster in clusters.items()}
