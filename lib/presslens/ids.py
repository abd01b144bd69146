"""Readable, unique and stable ids: slugs for articles and actors.

No file reading here: extractors that need a slug import it from this module.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SLUG_MAX_LEN = 80
# Hex digits of the original value appended to a slug that had to be cut short.
DIGEST_LEN = 8


def slugify(value: str, *, max_len: int = SLUG_MAX_LEN) -> str:
    """Lower-case ASCII slug: letters, digits and single hyphens; 'article' when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "article"


def short_digest(value: str) -> str:
    """First DIGEST_LEN hex digits of the SHA-1 of `value` (stable across runs and machines)."""
    return hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_LEN]


def id_slug(value: str, *, max_len: int = SLUG_MAX_LEN) -> str:
    """Slug of an original id that stays distinct when the id is long.

    A slug longer than `max_len` is cut and ends with a digest of the whole id, so two long
    ids that share their first `max_len` characters get different slugs.
    """
    full = slugify(value, max_len=10**9)
    if len(full) <= max_len:
        return full
    head = full[: max_len - DIGEST_LEN - 1].rstrip("-")
    return f"{head}-{short_digest(value)}"


class UniqueIds:
    """Makes ids unique in the order they are offered: the first keeps its slug, the next get
    '-2', '-3' ... (skipping any id already taken). The inputs are read in a sorted, fixed
    order, so the same inputs always give the same ids."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}

    def claim(self, base: str) -> str:
        """Return `base`, or the first free `base-N` (N >= 2), and mark it taken."""
        candidate = base
        number = self._next.get(base, 1)
        while candidate in self._taken:
            number += 1
            candidate = f"{base}-{number}"
        self._next[base] = number
        self._taken.add(candidate)
        return candidate
