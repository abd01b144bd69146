"""Word lists and tables that analysts edit, read from YAML beside themes.yml and triggers.yml.

One loader serves every such file: `load_lexicon(path, default, read)` finds the file (a
missing one is MissingFile naming it) and reads each version of it (path and modification
time) once; `read_mapping`, `section` and `word_list` check its layout, and every error names
the file and the entry. The quote cues (`codebooks/quote_cues.yml`, or the file named by
`Settings.quote_cues` / PRESSLENS_QUOTE_CUES) are read here by `load_quote_cues`; the actor
lexicon and the office table by `presslens.extract.lexicon`. Reading needs no language model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TypeVar

import yaml

from presslens.errors import MissingFile, UserError

CODEBOOKS = Path(__file__).resolve().parent / "codebooks"
DEFAULT_QUOTE_CUES = CODEBOOKS / "quote_cues.yml"
Lexicon = TypeVar("Lexicon")


class LexiconError(UserError, ValueError):
    """A word-list or table file that cannot be used; names the file, the entry and the problem."""


# The name the quote cues' callers know.
LexiconFileError = LexiconError

# libyaml's parser when PyYAML was built with it: the codebook and triggers parse about ten
# times faster than with the pure-Python one, with the same data and error marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_data(text: str):
    """The data of a YAML document, as yaml.safe_load reads it."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506  (a safe loader)


def load_lexicon(path: str | Path | None, default: Path, read: Callable[[Path], Lexicon]) -> Lexicon:
    """`read(file)` for the file `path` (None: `default`), read once per version of the file.

    Raises MissingFile naming the file when it does not exist.
    """
    file = Path(path) if path is not None else default
    if not file.is_file():
        raise MissingFile(f"{file}: no such word-list file; check the path (or its environment "
                          "variable, such as PRESSLENS_QUOTE_CUES)")
    return _read_once(read, file, file.stat().st_mtime)


@functools.lru_cache(maxsize=16)
def _read_once(read: Callable[[Path], Lexicon], file: Path, modified: float) -> Lexicon:
    return read(file)


def read_mapping(path: Path, keys: tuple[str, ...], *, key_noun: str = "section",
                 required: bool = False) -> dict:
    """The top-level YAML mapping in `path`, whose keys must be among `keys` (all of them when
    `required`); a `key_noun` ('section', 'list') names them in errors."""
    try:
        data = yaml_data(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "syntax error"
        raise LexiconError(f"{path}: not valid YAML{where} ({problem}); fix the syntax") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: must be a mapping of {key_noun}s ({', '.join(keys)})")
    unknown = sorted(str(k) for k in data if k not in keys)
    if unknown:
        raise LexiconError(f"{path}: {unknown[0]}: unknown {key_noun} (known: {', '.join(keys)})")
    missing = [k for k in keys if k not in data] if required else []
    if missing:
        raise LexiconError(f"{path}: {missing[0]}: missing (an empty list is written [])")
    return data


def section(path: Path, data: dict, name: str) -> dict:
    """The mapping `data[name]` ({} when absent or empty)."""
    value = data.get(name) or {}
    if not isinstance(value, dict):
        raise LexiconError(f"{path}: '{name}' must be a mapping of entries")
    return value


def word_list(path: Path, where: str, value: object) -> list[str]:
    """The non-empty strings of the YAML list `value` (None: none), stripped; `where` names the
    entry in errors ('speech_verbs', 'institutions.Senate.forms')."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise LexiconError(f"{path}: {where}: must be a list of words or phrases")
    for number, word in enumerate(value, 1):
        if not isinstance(word, str) or not word.strip():
            raise LexiconError(f"{path}: {where}, entry {number} ({word!r}): must be a non-empty "
                               "word or phrase (quote on, off, yes and no)")
    return [word.strip() for word in value]


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
    """The lists `names` of the YAML mapping in `path` (each required, nothing else), lower-cased
    with spaces collapsed. Raises LexiconError naming the file and entry."""
    data = read_mapping(path, names, key_noun="list", required=True)
    return {name: frozenset(" ".join(w.lower().split()) for w in word_list(path, name, data[name]))
            for name in names}


def _read_quote_cues(path: Path) -> QuoteCues:
    names = tuple(f for f in QuoteCues._fields if f != "path")
    return QuoteCues(**read_word_lists(path, names), path=path)


def load_quote_cues(path: str | Path | None = None) -> QuoteCues:
    """The quote cues in `path` (None: the packaged codebooks/quote_cues.yml), read once per
    version of the file."""
    return load_lexicon(path, DEFAULT_QUOTE_CUES, _read_quote_cues)
