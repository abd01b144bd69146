"""The analyst's actor table (`data/actors.yml`): loading, validating and applying it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from presslens.errors import UserError
from presslens.extract.lexicon import SECTORS
from presslens.extract.resolve.clusters import KINDS, Cluster
from presslens.geo import fold, gazetteer
from presslens.lexicons import yaml_data

OVERRIDE_KEYS = {"name", "aliases", "kind", "country", "sector", "roles", "drop"}


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
        data = yaml_data(path.read_text(encoding="utf-8")) or []
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


def apply_overrides(clusters: dict[str, Cluster], overrides: list[Override]) -> None:
    """Pass 5: the analyst's table merges, renames, re-kinds, places or drops clusters."""
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


