"""Where per-article work runs: batches of articles go to worker processes (or a Dask cluster).

Two kinds of batch, both plain functions of picklable arguments so that any engine can run them:
`parse_batch` parses texts and reads the people each names (pass 1); `extract_batch` runs the
extractors on parsed articles (pass 2). A worker builds its spaCy pipeline, matchers and actor
finder once per `ExtractorSpec` and keeps them for the next batch. Records travel pickled, as
the record cache stores them, so the parent stores them without unpickling.
"""

from __future__ import annotations

import functools
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from presslens.codebook import load_codebook
from presslens.extract.actors import ActorFinder, person_names
from presslens.extract.interactions import load_triggers
from presslens.extract.resolve import load_overrides, override_aliases
from presslens.extract.themes import build_theme_matcher, theme_hits
from presslens.lexicons import load_quote_cues
from presslens.nlp import MIN_DOCS_PER_PROCESS, doc_from_bytes, doc_to_bytes, load_pipeline, pipe_texts
from presslens.records import core_records, pickled


class ExtractorSpec(NamedTuple):
    """What a worker needs to build its extractors; the same spec gives the same extractors."""

    model: str | None
    codebook: str
    triggers: str
    actors_table: str | None
    known_people: tuple[str, ...] = ()
    batch_size: int = 32
    quote_cues: str | None = None


class ParseTask(NamedTuple):
    text_key: str
    text: str | None          # None when the parse is given as `doc`
    doc: bytes | None         # a cached parse whose people are not yet known


class ParseResult(NamedTuple):
    text_key: str
    doc: bytes | None         # the new parse, None when it was given
    names: list[str]


class ExtractTask(NamedTuple):
    article_id: str
    doc: bytes | None         # the cached parse
    text: str | None          # the text, parsed here when no parse is cached
    core: bool                # run the actor, quote and interaction extractors
    themes: bool              # match the theme codebook


class ExtractResult(NamedTuple):
    article_id: str
    core: tuple[bytes, bytes] | None   # pickled DocActors and (sentences, quotes, interactions)
    themes: bytes | None               # pickled theme hits


@functools.lru_cache(maxsize=4)
def theme_matcher_for(model: str | None, codebook: str):
    """The theme matcher of a codebook, built once per process (it parses every phrase)."""
    return build_theme_matcher(load_pipeline(model), load_codebook(codebook))


class Extractors:
    """The pipeline, theme matcher, trigger lexicon and actor finder of one spec."""

    def __init__(self, spec: ExtractorSpec):
        self.nlp = load_pipeline(spec.model)
        self.theme_matcher = theme_matcher_for(spec.model, spec.codebook)
        self.triggers = load_triggers(spec.triggers)
        self.cues = load_quote_cues(spec.quote_cues)
        overrides = load_overrides(spec.actors_table)
        self.finder = ActorFinder(extra_aliases=override_aliases(overrides),
                                  known_people=spec.known_people)


@functools.lru_cache(maxsize=2)
def extractors_for(spec: ExtractorSpec) -> Extractors:
    """The extractors of `spec`, built once per process."""
    return Extractors(spec)


# A short text that takes the extractors through their lazily loaded tables.
_WARM_UP_TEXT = ("Chancellor Olaf Scholz met President Joe Biden at the White House on Monday. "
                 "\"We agreed,\" Scholz said, and Germany criticised the sanctions.")


def warm_extractors(spec: ExtractorSpec) -> Extractors:
    """Build the extractors of `spec` in this process and run them once, so that what they
    load on first use (gazetteer, tokenizer for known names...) is loaded here, once."""
    parts = extractors_for(spec)
    doc = next(pipe_texts([_WARM_UP_TEXT], parts.nlp))
    finder = ActorFinder(extra_aliases={}, known_people=["Olaf Scholz"])
    core_records(doc, finder=finder, triggers=parts.triggers, cues=parts.cues)
    parts.finder(doc)       # builds its matcher of the spec's corpus-known people here, once
    theme_hits(doc, parts.theme_matcher)
    return parts


def parse_batch(spec: ExtractorSpec, tasks: list[ParseTask]) -> list[ParseResult]:
    """Parse the texts (or read the given parses) and list the people each names."""
    nlp = load_pipeline(spec.model)
    fresh = iter(pipe_texts([t.text for t in tasks if t.doc is None], nlp,
                            batch_size=spec.batch_size))
    results = []
    for task in tasks:
        if task.doc is None:
            doc = next(fresh)
            results.append(ParseResult(task.text_key, doc_to_bytes(doc), person_names(doc)))
        else:
            results.append(ParseResult(task.text_key, None,
                                       person_names(doc_from_bytes(task.doc, nlp))))
    return results


def extract_batch(spec: ExtractorSpec, tasks: list[ExtractTask]) -> list[ExtractResult]:
    """Run the extractors each task asks for on its parsed article."""
    parts = extractors_for(spec)
    results = []
    for task in tasks:
        doc = (doc_from_bytes(task.doc, parts.nlp) if task.doc is not None
               else next(pipe_texts([task.text], parts.nlp)))
        core = None
        if task.core:
            found, *rows = core_records(doc, finder=parts.finder, triggers=parts.triggers, cues=parts.cues)
            core = pickled(found), pickled(tuple(rows))
        themes = pickled([tuple(h) for h in theme_hits(doc, parts.theme_matcher)]) if task.themes else None
        results.append(ExtractResult(task.article_id, core, themes))
    return results


def _call(function: Callable, spec: ExtractorSpec, batch: list) -> list:
    return function(spec, batch)


class LocalEngine:
    """Runs batches in this process (one worker) or in a pool of forked worker processes.

    At most a few batches per worker are in flight, so the inputs of a large corpus never all
    sit in memory at once.
    """

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)
        self._pool = None
        self._forked_with: set[ExtractorSpec] = set()   # extractors built before the fork

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def map(self, function: Callable, spec: ExtractorSpec, batches: Iterable[list],
            total: int | None = None, *, work: Path | None = None) -> Iterator[list]:
        """Yield function(spec, batch) for each batch, in order; `total` items in all.

        A few items run in this process: starting workers would cost more than it saves.
        Results come back through the pool, so the work folder (see DaskEngine) is not used.
        """
        if self.workers == 1 or (total is not None and total < MIN_DOCS_PER_PROCESS * self.workers):
            for batch in batches:
                yield function(spec, batch)
            return
        if function is parse_batch and self._pool is None:
            load_pipeline(spec.model)       # before forking: the workers share its pages
        if function is not parse_batch and spec not in self._forked_with:
            # Built before forking, the gazetteer, matchers and finder are shared by the
            # workers: a pool forked without them (to parse) gives way to one forked with them.
            warm_extractors(spec)
            self.close()
            self._forked_with = {spec}
        pool = self._get_pool()
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.apply_async(_call, (function, spec, batch)))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def prepare(self, spec: ExtractorSpec) -> None:
        """Build the extractors of `spec` here while the workers parse (this process is idle
        then), so that the pool of the next pass forks with them ready."""
        warm_extractors(spec)

    def _get_pool(self):
        if self._pool is None:
            # Forked workers share the parent's loaded model pages; elsewhere, spawn.
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            self._pool = multiprocessing.get_context(method).Pool(self.workers)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            self._forked_with = set()
