"""Per-article extraction: what one article yields before actors are resolved across articles,
the keys that say when that result may be reused, and the cache that keeps it.

An article's core records (local actors, sentences with tone, quotes, interactions) depend on
its text, the spaCy model, the extractors' code and data, the trigger lexicon, the analyst's
actor table and the corpus-known people it names. Its theme hits depend on its text, the model,
the theme code and the codebook. Each part is cached under a hash of exactly those inputs, so a
changed codebook re-matches themes only, and a new article re-extracts only the articles that
name a person it introduces.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import socket
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import spacy

from presslens.extract.actors import ActorFinder, DocActors
from presslens.extract.interactions import Interaction, find_interactions
from presslens.extract.quotes import Quote, find_quotes
from presslens.extract.references import ActorIndex
from presslens.extract.themes import theme_hits
from presslens.extract.tone import sentence_tone
from presslens.lexicons import QuoteCues

PACKAGE_DIR = Path(__file__).resolve().parent
# Bump when the layout of the cached records changes.
RECORDS_FORMAT = "1"
# Everything whose content shapes the core records. Themes have their own key (THEME_SOURCES).
CORE_SOURCES = ("extract", "codebooks", "geo.py", "nlp.py", "ids.py", "lexicons.py", "records.py")
CORE_EXCLUDED = ("extract/themes.py", "extract/discovery.py", "codebooks/themes.yml")
THEME_SOURCES = ("extract/themes.py", "codebook.py", "records.py")
_WORD = re.compile(r"\w+")
_EDGE_PUNCTUATION = "\"'“”‘’.,;:!?()[]{}<>«»"


class DocRecords(NamedTuple):
    """Everything extracted from one article, before actors are resolved across articles.

    `sentences` holds (sentence_id, start, end, text, tone) tuples.
    """

    actors: DocActors
    sentences: list[tuple]
    themes: list[tuple]
    quotes: list
    interactions: list


def sentence_rows(doc) -> list[tuple]:
    """(sentence_id, start, end, text, tone) of every non-blank sentence."""
    rows = [(i, s.start_char, s.end_char, s.text.strip())
            for i, s in enumerate(doc.sents) if s.text.strip()]
    tones = sentence_tone(row[3] for row in rows)
    return [(*row, tone) for row, tone in zip(rows, tones, strict=True)]


def core_records(doc, *, finder: ActorFinder, triggers,
                 cues: QuoteCues | None = None) -> tuple[DocActors, list, list, list]:
    """Local actors, sentences, quotes and interactions of one parsed article."""
    found = finder(doc)
    index = ActorIndex(doc, found.mentions, plural_references=triggers.plural_references)
    quotes = find_quotes(doc, found.mentions, cues=cues, index=index)
    interactions = find_interactions(doc, found.mentions, lexicon=triggers, index=index,
                                     countries={k: a.country for k, a in found.actors.items()})
    return found, sentence_rows(doc), quotes, interactions


def extract_doc(doc, *, finder: ActorFinder, theme_matcher, triggers) -> DocRecords:
    """Run every extractor on one parsed article."""
    found, sentences, quotes, interactions = core_records(doc, finder=finder, triggers=triggers)
    themes = [tuple(hit) for hit in theme_hits(doc, theme_matcher)]
    return DocRecords(found, sentences, themes, quotes, interactions)


# -- versions and keys ---------------------------------------------------------------------
def digest(*parts: str | bytes) -> str:
    """SHA-1 over the parts, kept apart by a separator."""
    hasher = hashlib.sha1()
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\x1f")
    return hasher.hexdigest()


def file_digest(path: str | Path | None) -> str:
    """Digest of a file's content; 'none' for no file, so a later file changes the key."""
    if path is None or not Path(path).exists():
        return "none"
    return digest(Path(path).read_bytes())


@functools.lru_cache(maxsize=8)
def source_version(sources: tuple[str, ...], excluded: tuple[str, ...] = ()) -> str:
    """Digest of the package files (or folders) `sources`, minus `excluded`, and the spaCy version."""
    files: list[Path] = []
    for source in sources:
        path = PACKAGE_DIR / source
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    parts: list[str | bytes] = [RECORDS_FORMAT, spacy.__version__]
    for path in files:
        relative = path.relative_to(PACKAGE_DIR).as_posix()
        if relative in excluded or "__pycache__" in relative or not path.exists():
            continue
        parts += [relative, path.read_bytes()]
    return digest(*parts)


class KnownPeople:
    """The corpus-known people an ActorFinder uses, indexed to tell which ones a text can name.

    The finder finds a known full name again anywhere, and trusts a lone surname that only one
    known person has. An article's result therefore depends on the known names whose words all
    occur in it and on the trusted surnames among its words; `context` lists exactly those
    (a superset of what the finder can match, so a cached result is never stale).
    """

    def __init__(self, finder: ActorFinder):
        self.surnames = frozenset(finder.known_surnames)
        self.by_first_word: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for name in finder.known_people:
            words = tuple(_WORD.findall(name))
            if words:
                self.by_first_word[words[0]].append((name, words[1:]))

    def context(self, text: str) -> str:
        """The known names and trusted surnames that `text` can contain, as one string."""
        words = set(_WORD.findall(text))
        words.update(w.strip(_EDGE_PUNCTUATION) for w in text.split())
        names = sorted(name for word in words for name, rest in self.by_first_word.get(word, ())
                       if all(w in words for w in rest))
        return "\n".join(names) + "\x1e" + "\n".join(sorted(self.surnames & words))


def pickled(value: object) -> bytes:
    """`value` as the record cache stores it."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# -- record parts: a batch's rows as Parquet files ---------------------------------------------
# Field names of each kind of row; quotes and interactions are rebuilt as their NamedTuple.
SENTENCE_FIELDS = ("sentence_id", "start", "end", "text", "tone")
THEME_FIELDS = ("sentence_id", "theme", "term", "start", "end")
PART_WRITER = b"presslens.writer"


def _part_kinds() -> dict[str, tuple[type | None, tuple[str, ...]]]:
    return {"sentences": (None, SENTENCE_FIELDS), "quotes": (Quote, Quote._fields),
            "interactions": (Interaction, Interaction._fields), "themes": (None, THEME_FIELDS)}


def part_writer() -> str:
    """'host:pid' of this process, as record parts name their writer."""
    return f"{socket.gethostname()}:{os.getpid()}"


def write_record_parts(folder: str | Path, records: list[tuple[str, tuple | None, list | None]]) -> str:
    """Write records (key, (sentences, quotes, interactions) or None, theme hits or None) as
    Parquet files in `folder`, one per kind of row, each naming its writer in its metadata.

    Returns the files' common path prefix, for read_record_parts.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    prefix = Path(folder) / uuid.uuid4().hex
    prefix.parent.mkdir(parents=True, exist_ok=True)
    metadata = {PART_WRITER: part_writer().encode()}
    index = pa.table({"record": [key for key, _, _ in records],
                      "core": [rows is not None for _, rows, _ in records],
                      "themes": [themes is not None for _, _, themes in records]})
    pq.write_table(index.replace_schema_metadata(metadata), f"{prefix}-records.parquet")
    for position, (kind, (_, fields)) in enumerate(_part_kinds().items()):
        rows = [{"record": key, **dict(zip(fields, row, strict=True))}
                for key, core, themes in records
                for row in ((themes or []) if kind == "themes" else (core[position] if core else []))]
        table = pa.Table.from_pylist(rows) if rows else pa.table({f: [] for f in ("record", *fields)})
        pq.write_table(table.replace_schema_metadata(metadata), f"{prefix}-{kind}.parquet")
    return str(prefix)


def read_record_parts(prefix: str, *, remove: bool = True) -> tuple[dict[str, tuple], str]:
    """The records of write_record_parts, {key: (rows or None, theme hits or None)}, and the
    parts' writer; the files are removed once read unless `remove` is false."""
    import pyarrow.parquet as pq

    index = pq.read_table(f"{prefix}-records.parquet")
    writer = (index.schema.metadata or {}).get(PART_WRITER, b"?").decode()
    found: dict[str, dict[str, list]] = {key: {kind: [] for kind in _part_kinds()}
                                         for key in index.column("record").to_pylist()}
    for kind, (cls, fields) in _part_kinds().items():
        for row in pq.read_table(f"{prefix}-{kind}.parquet").to_pylist():
            values = tuple(row[f] for f in fields)
            found[row["record"]][kind].append(cls._make(values) if cls else values)
    records = {}
    for key, core, themes in zip(index.column("record").to_pylist(), index.column("core").to_pylist(),
                                 index.column("themes").to_pylist(), strict=True):
        rows = found[key]
        records[key] = ((rows["sentences"], rows["quotes"], rows["interactions"]) if core else None,
                        rows["themes"] if themes else None)
    if remove:
        for kind in ("records", *_part_kinds()):
            Path(f"{prefix}-{kind}.parquet").unlink(missing_ok=True)
    return records, writer


# -- the cache -----------------------------------------------------------------------------
class RecordCache:
    """Per-article results in one SQLite file: pickled objects under their key.

    Pickle is used because the file is written and read by this program only, in the user's
    own cache folder; never point it at a cache from elsewhere.
    """

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Several runs may share the cache: wait for another writer rather than fail.
        self.db = sqlite3.connect(path, timeout=120)
        self.db.execute("CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, data BLOB)")

    def keys_present(self, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` that the cache holds (their data is not read)."""
        found: set[str] = set()
        for batch in _batches(list(keys), 500):
            marks = ",".join("?" * len(batch))
            found.update(row[0] for row in self.db.execute(
                f"SELECT key FROM records WHERE key IN ({marks})", batch))
        return found

    def get_many(self, keys: Iterable[str]) -> dict[str, object]:
        """Unpickled objects of the keys the cache holds."""
        found: dict[str, object] = {}
        for batch in _batches(list(dict.fromkeys(keys)), 500):
            marks = ",".join("?" * len(batch))
            for key, data in self.db.execute(
                    f"SELECT key, data FROM records WHERE key IN ({marks})", batch):
                found[key] = pickle.loads(data)
        return found

    def put_many(self, items: Iterable[tuple[str, object]]) -> None:
        self.put_pickled((key, pickled(value)) for key, value in items)

    def put_pickled(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store objects already pickled (by `pickled`) under their keys."""
        self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?)", list(items))
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
