"""Actor mentions in one document: names, titles, pronouns, capitals, demonyms and groups.

`doc_actors(doc)` finds every mention and groups them into local actors (one per real-world
actor within the article), each with kind, country and roles read from the text. Resolution
across articles lives in `presslens.extract.resolve`.

The stages live in their own modules: `names` (cleaning and comparing names), `spans`
(candidate spans), `roles` (roles and countries), `expansion` (passes that add mentions after
the named ones), `pronouns`, and `finder` (ActorFinder, which ties them together).
"""

from presslens.extract.actors.finder import ActorFinder, doc_actors
from presslens.extract.actors.model import DocActors, LocalActor, Mention
from presslens.extract.actors.names import (
    NAMES_VERSION,
    NameParts,
    clean_name,
    is_acronym,
    is_junk_name,
    is_title_token,
    locative,
    name_parts,
    person_names,
    same_given_name,
    same_person_name,
)
from presslens.extract.actors.roles import weighted_country
from presslens.extract.actors.words import EVIDENCE_WEIGHTS

__all__ = [
    "EVIDENCE_WEIGHTS", "NAMES_VERSION", "ActorFinder", "DocActors", "LocalActor", "Mention",
    "NameParts", "clean_name", "doc_actors", "is_acronym", "is_junk_name", "is_title_token",
    "locative", "name_parts", "person_names", "same_given_name", "same_person_name",
    "weighted_country",
]
