"""Resolve the local actors of every article into canonical corpus actors.

Full names merge across articles; a lone surname joins a person named in full elsewhere only
when that is the one candidate with no conflicting country, or when several share it and the
country or a role agrees. Acronyms join the organisation whose initials they spell. The
analyst's actor table (`data/actors.yml`) has the last word.

The passes, in order: `merge_full_names`, `merge_first_name_variants`, `attach_surnames`,
`merge_acronyms` (resolve.passes), `apply_overrides` (resolve.overrides), `assign_countries`
(resolve.passes); `actor_tables` (resolve.tables) writes the result.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from presslens.extract.actors import DocActors, LocalActor
from presslens.extract.lexicon import OfficeTable, load_offices
from presslens.extract.resolve.clusters import KINDS, Cluster, new_cluster
from presslens.extract.resolve.overrides import (
    ActorTableError,
    Override,
    apply_overrides,
    load_overrides,
    override_aliases,
)
from presslens.extract.resolve.passes import (
    assign_countries,
    attach_surnames,
    merge_acronyms,
    merge_first_name_variants,
    merge_full_names,
)
from presslens.extract.resolve.tables import ACTOR_COLUMNS, MENTION_COLUMNS, ROLE_COLUMNS, actor_tables, office_of
from presslens.ids import slugify

__all__ = [
    "ACTOR_COLUMNS", "KINDS", "MENTION_COLUMNS", "ROLE_COLUMNS", "ActorTableError", "Override",
    "load_overrides", "office_of", "override_aliases", "resolve", "slugify",
]


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
    offices = offices or load_offices()
    publisher_of = {a: state for a, source in (sources or {}).items()
                    if (state := offices.publisher_state(source))}

    def cluster_of(article_id: str, local: LocalActor) -> Cluster:
        return new_cluster(article_id, local, publisher_of.get(article_id))

    clusters, lone_surnames, lone_words = merge_full_names(doc_actors, cluster_of)
    merge_first_name_variants(clusters)
    attach_surnames(clusters, lone_words, lone_surnames, cluster_of)
    merge_acronyms(clusters)
    apply_overrides(clusters, overrides or [])
    return actor_tables(doc_actors, clusters, assign_countries(clusters))
