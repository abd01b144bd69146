"""Actor knowledge as data: the collective-actor lexicon (agents.yml) and the office table
(offices.yml), both beside themes.yml.

Both are read by the one lexicon loader (`presslens.lexicons.load_lexicon`): validated with
errors naming file and entry, read once per version of the file. Reading needs no language model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from presslens.geo import fold, gazetteer
from presslens.lexicons import CODEBOOKS, LexiconError, load_lexicon, read_mapping, section, word_list

DEFAULT_AGENTS = CODEBOOKS / "agents.yml"
DEFAULT_OFFICES = CODEBOOKS / "offices.yml"
SECTORS = ("GOV", "MIL", "COP", "JUD", "LEG", "OPP", "REB", "CVL", "MED", "BUS", "REL", "IGO", "NGO")


class Institution(NamedTuple):
    name: str
    sector: str
    state: str | None = None    # one state's own ("White House"), else qualified per mention


class AgentLexicon(NamedTuple):
    """What agents.yml holds, as lookup tables keyed by folded forms."""

    sector_labels: dict[str, str]
    institutions: dict[str, Institution]        # folded form -> institution ("house" -> House of ...)
    agent_nouns: dict[tuple[str, ...], str]     # lemmas ("riot", "police") -> sector
    international: dict[str, str]               # folded form -> canonical name (IGOs and NGOs)
    nongovernmental: frozenset[str] = frozenset()   # canonical names of the NGOs among them

    def body_sector(self, name: str) -> str:
        """'IGO' for an international body of states, 'NGO' for a non-governmental one."""
        return "NGO" if name in self.nongovernmental else "IGO"


class OfficeTable(NamedTuple):
    offices: dict[str, str]                     # folded office -> ISO3
    publishers: dict[str, str]                  # folded publisher name -> ISO3

    def office_state(self, role: str) -> str | None:
        """The state an office names: 'National Security Advisor' -> USA."""
        return self.offices.get(fold(role))

    def publisher_state(self, source: object) -> str | None:
        """The state of a publisher whose name starts with a listed one ('The White House (...)')."""
        if not isinstance(source, str) or not source:
            return None  # no source in the metadata (NaN in the articles table)
        folded = fold(source)
        for name, iso3 in self.publishers.items():
            if folded == name or folded.startswith(name + " ") or folded.startswith(name + "("):
                return iso3
        return None


def _iso3(path: Path, where: str, value: object) -> str:
    code = str(value).upper()
    if code not in gazetteer().countries:
        raise LexiconError(f"{path}: {where}: '{value}' is not an ISO 3166-1 alpha-3 code "
                           "(e.g. USA, GBR, IRN)")
    return code


def load_agents(path: str | Path | None = None) -> AgentLexicon:
    """The collective-actor lexicon in `path` (None: the packaged codebooks/agents.yml)."""
    return load_lexicon(path, DEFAULT_AGENTS, _read_agents)


def _read_agents(path: Path) -> AgentLexicon:
    data = read_mapping(path, ("sectors", "institutions", "agents", "international", "nongovernmental"))
    labels = {str(k): str(v) for k, v in section(path, data, "sectors").items()}
    for code in labels:
        if code not in SECTORS:
            raise LexiconError(f"{path}: sectors.{code}: not a PLOVER/CAMEO agent type "
                               f"({', '.join(SECTORS)})")
    for code in SECTORS:
        labels.setdefault(code, code.title())

    def sector_of(where: str, value: object) -> str:
        if value not in SECTORS:
            raise LexiconError(f"{path}: {where}: sector '{value}' must be one of {', '.join(SECTORS)}")
        return str(value)

    institutions: dict[str, Institution] = {}
    for name, entry in section(path, data, "institutions").items():
        where = f"institutions.{name}"
        if not isinstance(entry, dict) or set(entry) - {"sector", "forms", "state"}:
            raise LexiconError(f"{path}: {where}: expected {{sector: CODE, forms: [...]}} "
                               "and optionally state: ISO3")
        state = _iso3(path, f"{where}.state", entry["state"]) if entry.get("state") else None
        institution = Institution(str(name), sector_of(where, entry.get("sector")), state)
        for form in [str(name), *word_list(path, f"{where}.forms", entry.get("forms"))]:
            other = institutions.get(fold(form))
            if other is not None and other.name != institution.name:
                raise LexiconError(f"{path}: {where}: form '{form}' is also listed under {other.name}")
            institutions[fold(form)] = institution
    agent_nouns: dict[tuple[str, ...], str] = {}
    for code, nouns in section(path, data, "agents").items():
        where = f"agents.{code}"
        sector = sector_of(where, code)
        for noun in word_list(path, where, nouns):
            words = tuple(noun.lower().split())
            if words in agent_nouns and agent_nouns[words] != sector:
                raise LexiconError(f"{path}: {where}: '{noun}' is also listed under {agent_nouns[words]}")
            agent_nouns[words] = sector
    international: dict[str, str] = {}
    bodies = [("international", name, forms) for name, forms in section(path, data, "international").items()]
    bodies += [("nongovernmental", name, forms) for name, forms in section(path, data, "nongovernmental").items()]
    for part, name, forms in bodies:
        where = f"{part}.{name}"
        for form in [str(name), *word_list(path, where, forms)]:
            # Acronyms are matched as written ("WHO" is not "who"); names case-insensitively.
            key = form.replace(".", "") if re.fullmatch(r"[A-Z][A-Z0-9.\-&]+", form) else fold(form)
            if international.get(key, name) != name:
                raise LexiconError(f"{path}: {where}: form '{form}' is also listed under "
                                   f"{international[key]}")
            international[key] = str(name)
    nongovernmental = frozenset(str(name) for name in section(path, data, "nongovernmental"))
    return AgentLexicon(labels, institutions, agent_nouns, international, nongovernmental)


def load_offices(path: str | Path | None = None) -> OfficeTable:
    """The office table in `path` (None: the packaged codebooks/offices.yml)."""
    return load_lexicon(path, DEFAULT_OFFICES, _read_offices)


def _read_offices(path: Path) -> OfficeTable:
    data = read_mapping(path, ("offices", "publishers"))
    tables = []
    for part in ("offices", "publishers"):
        table = {}
        for name, code in section(path, data, part).items():
            table[fold(str(name))] = _iso3(path, f"{part}.{name}", code)
        tables.append(table)
    return OfficeTable(*tables)


def international_name(text: str, lexicon: AgentLexicon) -> str | None:
    """The canonical name of an international body written `text` ('EU' -> European Union)."""
    raw = text.strip()
    if re.fullmatch(r"[A-Z][A-Z0-9.\-&]+", raw):
        return lexicon.international.get(raw.replace(".", ""))
    return lexicon.international.get(fold(raw))
