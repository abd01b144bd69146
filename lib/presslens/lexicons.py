"""Word lists that analysts edit, read from YAML beside themes.yml and triggers.yml.

`load_quote_cues(path)` reads the quote cues (`codebooks/quote_cues.yml`, or the file named by
`Settings.quote_cues` / PRESSLENS_QUOTE_CUES). A list file is a mapping of list names to lists
of non-empty strings; the loader checks that every expected list is there and nothing else,
and its errors name the file and the entry. Reading needs no language model.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NamedTuple

import yaml

from presslens.errors import MissingFile, UserError

CODEBOOKS = Path(__file__).resolve().parent / "codebooks"
DEFAULT_QUOTE_CUES = CODEBOOKS / "quote_cues.yml"


class LexiconFileError(UserError, ValueError):
    """A word-list file that cannot be used; names the file, the entry and the problem."""


class QuoteCues(NamedTuple):
    """The quote cues (see the header of codebooks/quote_cues.yml); all lower case."""

    speech_verbs: frozenset[str]
    stance_verbs: frozenset[str]
    object_content_verbs: frozenset[str]
    addressee_verbs: frozenset[str]
    that_only_verbs: frozenset[str]
    light_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    content_prepositions: frozenset[str]
    to_content_nouns: frozenset[str]
    issuing_verbs: frozenset[str]
    statement_nouns: frozenset[str]
    stance_adjectives: frozenset[str]
    path: Path | None = None

    @property
    def cue_verbs(self) -> frozenset[str]:
        """Every verb a statement can be cued by: speech, and stance with a clause."""
        return self.speech_verbs | self.stance_verbs


def read_word_lists(path: Path, names: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """The lists `names` of the YAML mapping in `path`, lower-cased.

    Raises LexiconFileError naming the file and entry when the file is not valid YAML, is not
    a mapping, misses a list, has an unknown key, or holds an entry that is not a non-empty
    string; MissingFile (a FileNotFoundError naming the file) when it does not exist.
    """
    if not path.is_file():
        raise MissingFile(f"{path}: no such word-list file; check the path (or its environment "
                          "variable, such as PRESSLENS_QUOTE_CUES)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise LexiconFileError(f"{path}: not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise LexiconFileError(f"{path}: must be a mapping of list names ({', '.join(names)})")
    unknown = sorted(str(k) for k in data if k not in names)
    if unknown:
        raise LexiconFileError(f"{path}: {unknown[0]}: unknown list (known: {', '.join(names)})")
    lists: dict[str, frozenset[str]] = {}
    for name in names:
        if name not in data:
            raise LexiconFileError(f"{path}: {name}: missing (an empty list is written [])")
        values = data[name] if data[name] is not None else []
        if not isinstance(values, list):
            raise LexiconFileError(f"{path}: {name}: must be a list of words")
        for number, value in enumerate(values, 1):
            if not isinstance(value, str) or not value.strip():
                raise LexiconFileError(
                    f"{path}: {name}, entry {number} ({value!r}): must be a non-empty word or "
                    "phrase (quote on, off, yes and no)")
        lists[name] = frozenset(" ".join(v.lower().split()) for v in values)
    return lists


@functools.lru_cache(maxsize=8)
def _quote_cues(path: Path, modified: float) -> QuoteCues:
    names = tuple(f for f in QuoteCues._fields if f != "path")
    return QuoteCues(**read_word_lists(path, names), path=path)


def load_quote_cues(path: str | Path | None = None) -> QuoteCues:
    """The quote cues in `path` (None: the packaged codebooks/quote_cues.yml), read once per
    version of the file."""
    file = Path(path) if path is not None else DEFAULT_QUOTE_CUES
    modified = file.stat().st_mtime if file.is_file() else 0.0
    return _quote_cues(file, modified)
