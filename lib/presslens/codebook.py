"""The theme codebook: an analyst-editable YAML file of themes and their patterns.

Reading it needs no language model; spaCy is imported only to check token patterns, so report
notebooks that show theme labels start fast. Matching lives in `presslens.extract.themes`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from presslens.errors import UserError
from presslens.lexicons import yaml_data

if TYPE_CHECKING:
    from spacy.vocab import Vocab

DEFAULT_CODEBOOK = Path(__file__).resolve().parent / "codebooks" / "themes.yml"

_THEME_KEYS = frozenset({"label", "description", "patterns", "exclude"})
_THEME_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Operators that let a token be absent; a pattern made only of these can match nothing.
_OPTIONAL_OPS = frozenset({"?", "*", "!"})
Pattern = str | list[dict[str, Any]]


class CodebookError(UserError, ValueError):
    """A theme codebook that cannot be used, with the file and theme in the message."""


class Theme(NamedTuple):
    id: str
    label: str
    description: str
    patterns: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...] = ()


def load_codebook(path: str | Path | None = None, *, check_patterns: bool = True) -> dict[str, Theme]:
    """Read a theme codebook (YAML) into themes keyed by id.

    Args:
        path: the YAML file; None reads the default international-affairs codebook.

    Returns:
        Themes in file order. Each theme has `label`, `description` and `patterns`, and
        may have `exclude`: patterns whose matches cancel overlapping matches of the theme
        ("security council" is not the security theme).

    A pattern is a phrase string, a single-token dict or `{pattern: [token dicts]}` in
    spaCy Matcher syntax. Raises CodebookError naming the file and theme on any problem.
    `check_patterns=False` skips compiling token patterns with spaCy (for readers of a
    codebook that extraction has already used).
    """
    path = Path(path) if path is not None else DEFAULT_CODEBOOK
    try:
        data = yaml_data(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise CodebookError(f"{path.name}: cannot read codebook: {err}") from err
    if not isinstance(data, dict) or not data:
        raise CodebookError(f"{path.name}: a codebook must be a non-empty mapping of themes")

    vocab = _vocab() if check_patterns else None
    themes = {}
    for theme_id, spec in data.items():
        where = f"{path.name}: theme {theme_id!r}"
        if not isinstance(theme_id, str) or not _THEME_ID.match(theme_id):
            raise CodebookError(f"{where}: ids are lower_snake_case strings")
        if not isinstance(spec, dict):
            raise CodebookError(f"{where}: must be a mapping with label, description, patterns")
        unknown = sorted(set(map(str, spec)) - _THEME_KEYS)
        if unknown:
            raise CodebookError(f"{where}: unknown keys {unknown}")
        for key in ("label", "description"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                raise CodebookError(f"{where}: {key!r} must be a non-empty string")
        patterns = spec.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise CodebookError(f"{where}: 'patterns' must be a non-empty list")
        exclude = spec.get("exclude", [])
        if not isinstance(exclude, list):
            raise CodebookError(f"{where}: 'exclude' must be a list")
        themes[theme_id] = Theme(
            id=theme_id,
            label=spec["label"].strip(),
            description=spec["description"].strip(),
            patterns=tuple(_check_pattern(p, where, vocab) for p in patterns),
            exclude=tuple(_check_pattern(p, where, vocab) for p in exclude),
        )
    return themes


def _vocab() -> Vocab:
    from spacy.vocab import Vocab

    return Vocab()


def _check_pattern(pattern: Any, where: str, vocab: Vocab | None) -> Pattern:
    if isinstance(pattern, str):
        if not pattern.strip():
            raise CodebookError(f"{where}: empty phrase pattern")
        return pattern.strip()
    if not isinstance(pattern, dict):
        raise CodebookError(
            f"{where}: pattern {pattern!r} must be a phrase string or a token-pattern mapping"
        )
    tokens = pattern["pattern"] if set(pattern) == {"pattern"} else [pattern]
    if not isinstance(tokens, list) or not tokens:
        raise CodebookError(f"{where}: 'pattern' must be a non-empty list of token dicts")
    if vocab is not None:
        _compile(tokens, where, vocab)
    if all(isinstance(t, dict) and t.get("OP") in _OPTIONAL_OPS for t in tokens):
        raise CodebookError(f"{where}: token pattern {tokens!r} can match zero tokens")
    return tokens


def _compile(tokens: list, where: str, vocab: Vocab) -> None:
    from spacy.matcher import Matcher

    try:
        Matcher(vocab, validate=True).add("check", [tokens])
    except (ValueError, KeyError, TypeError) as err:
        detail = "; ".join(line.strip(" -") for line in str(err).splitlines()[1:] if line.strip())
        raise CodebookError(f"{where}: invalid token pattern {tokens!r}: {detail or err}") from err
