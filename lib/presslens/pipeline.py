"""From input files to a store: read, parse (cached), extract, resolve actors, write tables.

Two passes over the articles, each in batches on an engine (worker processes or Dask):
pass 1 parses the texts the parse cache lacks and lists the people each names; pass 2 runs the
extractors on the articles whose records the record cache lacks. Actors are then resolved across
the corpus from the compact per-article actor records, and the other tables are written in
parts, a chunk of articles at a time, so memory does not grow with the corpus's sentences.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from presslens import __version__
from presslens.codebook import load_codebook
from presslens.config import Settings
from presslens.engine import (
    ExtractorSpec,
    ExtractTask,
    LocalEngine,
    ParseTask,
    extract_batch,
    parse_batch,
)
from presslens.extract.actors import NAMES_VERSION, ActorFinder, DocActors, Mention
from presslens.extract.interactions import load_triggers
from presslens.extract.resolve import load_overrides, override_aliases, resolve
from presslens.extract.themes import article_themes
from presslens.extract.tone import actor_tone
from presslens.ingest import IngestError, read_articles
from presslens.lexicons import load_quote_cues
from presslens.nlp import DocCache, pipeline_key, pipeline_meta, text_key
from presslens.records import (  # noqa: F401  (extract_doc is imported from here by evaluations)
    CORE_EXCLUDED,
    CORE_SOURCES,
    THEME_SOURCES,
    DocRecords,
    KnownPeople,
    RecordCache,
    digest,
    extract_doc,
    file_digest,
    source_version,
)
from presslens.store import StoreWriter

SENTENCE_COLUMNS = ["article_id", "sentence_id", "start", "end", "text", "tone"]
THEME_COLUMNS = ["article_id", "sentence_id", "theme", "term", "start", "end"]
QUOTE_COLUMNS = ["article_id", "sentence_id", "speaker_actor_id", "speaker_text", "cue",
                 "content", "direct", "start", "end"]
INTERACTION_COLUMNS = ["article_id", "sentence_id", "source_actor_id", "event_type",
                       "target_actor_id", "trigger", "negated", "text", "missing_side"]
# Articles whose rows are assembled and written as one part of each table.
ASSEMBLY_CHUNK = 512
# The fewest articles the engine gets in one batch (see _tasks).
MIN_TASK = 4

Progress = Callable[[Iterable, int, str], Iterable]


class ExtractSummary(NamedTuple):
    store: Path
    n_articles: int
    n_rejected: int
    n_parsed: int
    n_cached: int
    seconds: float
    tables: dict[str, int]
    n_extracted: int = 0       # articles whose actors, quotes and interactions were extracted
    n_themed: int = 0          # articles whose themes were matched

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (f"{self.n_articles} articles -> {self.store} ({self.n_parsed} parsed, "
                f"{self.n_extracted} extracted, {self.n_themed} theme-matched, "
                f"{self.n_articles - self.n_extracted} from the record cache, "
                f"{self.n_rejected} rejected, {self.seconds:.1f} s)")


class ArticleKeys(NamedTuple):
    article_id: str
    text_key: str
    core: str
    themes: str


class RecordVersions(NamedTuple):
    """Digests of everything but the text and the known people that shapes an article's records."""

    core: str
    themes: str

    def theme_key(self, tkey: str) -> str:
        return digest("themes", tkey, self.themes)


def record_versions(model: str, settings: Settings) -> RecordVersions:
    return RecordVersions(
        digest(model, source_version(CORE_SOURCES, CORE_EXCLUDED), file_digest(settings.triggers),
               file_digest(settings.quote_cues), file_digest(settings.actors_table)),
        digest(model, source_version(THEME_SOURCES), file_digest(settings.codebook)))


def corpus_name(paths: Iterable[str | Path]) -> str:
    names = [Path(p).resolve().name for p in paths]
    return ", ".join(names) if names else "corpus"


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tasks(items: Iterable, total: int, size: int, workers: int) -> Iterator[list]:
    """Batches of `items` (`total` in all) for the engine: `size` at first, smaller towards the end.

    With several workers, each batch is about a quarter of a worker's share of what remains,
    at most `size` and at least MIN_TASK, so that the last batches are short and no worker
    waits long for another to finish a large one.
    """
    if workers <= 1:
        yield from _batches(items, size)
        return
    batch: list = []
    remaining = total
    target = max(MIN_TASK, min(size, -(-remaining // (4 * workers))))
    for item in items:
        batch.append(item)
        if len(batch) >= target:
            yield batch
            remaining -= len(batch)
            batch = []
            target = max(MIN_TASK, min(size, -(-remaining // (4 * workers))))
    if batch:
        yield batch


def _flatten(batches: Iterable[list]) -> Iterator:
    for batch in batches:
        yield from batch


def extract_corpus(paths: list[str | Path], out: str | Path, *, settings: Settings | None = None,
                   progress: Progress | None = None, name: str | None = None,
                   engine=None) -> ExtractSummary:
    """Read `paths`, extract every table and write the store to `out`.

    `engine` runs the batches (default: a LocalEngine with `settings.workers` processes);
    `progress(items, total, stage)` wraps each pass's stream of results.
    """
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    corpus = read_articles(paths, max_chars=settings.max_chars)
    articles = corpus.articles
    if articles.empty:
        reasons = "; ".join(f"{r.path}{' ' + r.where if r.where else ''}: {r.reason}"
                            for r in corpus.rejected.head(5).itertuples())
        raise IngestError(f"no usable article in {', '.join(map(str, paths))}"
                          + (f" ({reasons})" if reasons else ""))
    overrides = load_overrides(settings.actors_table)
    load_codebook(settings.codebook)          # a bad codebook or lexicon fails here, once
    load_triggers(settings.triggers)
    load_quote_cues(settings.quote_cues)
    # The model itself is loaded only where something is parsed or extracted: a run that
    # finds every article in the record cache needs its name and version alone.
    meta = pipeline_meta(settings.model)
    model = pipeline_key(meta)
    spec = ExtractorSpec(settings.model or f"{meta.get('lang', 'xx')}_{meta.get('name')}",
                         str(settings.codebook), str(settings.triggers),
                         str(settings.actors_table) if settings.actors_table else None,
                         (), settings.batch_size, str(settings.quote_cues))
    progress = progress or (lambda items, total, stage: items)
    own_engine = engine is None
    engine = engine or LocalEngine(settings.workers)
    cache = DocCache(settings.parse_cache, meta)
    records = RecordCache(settings.parse_cache / f"records-{model}.sqlite")
    # Where a Dask engine's workers leave the rows they extract for this process to read.
    work = Path(out).parent / f".{Path(out).name}-parts"
    try:
        texts = dict(zip(articles["article_id"], articles["text"], strict=True))
        versions = record_versions(model, settings)
        people, n_parsed = _people_pass(texts, spec, cache, engine, progress, work)
        finder = ActorFinder(extra_aliases=override_aliases(overrides), known_people=people)
        spec = spec._replace(known_people=tuple(finder.known_people))
        keys = _article_keys(texts, finder, versions)
        n_extracted, n_themed = _extract_pass(keys, texts, spec, cache, records, engine, progress, work)
        writer = StoreWriter(out)
        try:
            tables = _assemble(articles, corpus.rejected, keys, records, writer,
                               overrides=overrides)
            dates = articles["date"].dropna()
            meta = {
                "corpus": name or corpus_name(paths),
                "inputs": [str(p) for p in paths],
                "built": datetime.now(UTC).isoformat(timespec="seconds"),
                "presslens": __version__,
                "model": model,
                "codebook": str(settings.codebook),
                "n_articles": len(articles),
                "n_rejected": len(corpus.rejected),
                "date_min": dates.min().date().isoformat() if len(dates) else None,
                "date_max": dates.max().date().isoformat() if len(dates) else None,
                "sources": sorted(articles["source"].dropna().unique().tolist()),
            }
            writer.finish(meta)
        except BaseException:
            writer.abort()
            raise
    finally:
        cache.close()
        records.close()
        shutil.rmtree(work, ignore_errors=True)
        if own_engine:
            engine.close()
    return ExtractSummary(Path(out), len(articles), len(corpus.rejected), n_parsed,
                          len(articles) - n_parsed, time.perf_counter() - started, tables,
                          n_extracted, n_themed)


def _people_pass(texts: Mapping[str, str], spec: ExtractorSpec, cache: DocCache, engine,
                 progress: Progress, work: Path | None = None) -> tuple[Counter[str], int]:
    """Pass 1: the people every text names, parsing the texts the parse cache lacks.

    The names of a text are cached with its parse, so a warm run reads no Doc here.
    """
    unique = {text_key(t): t for t in texts.values()}
    known = cache.facts(unique.values(), NAMES_VERSION)
    people: Counter[str] = Counter()
    for names in known.values():
        people.update(names)
    todo = [key for key, text in unique.items() if text not in known]
    if not todo:
        return people, 0
    stored = cache.has(todo)
    tasks = (ParseTask(key, None, cache.get_bytes(key)) if key in stored
             else ParseTask(key, unique[key], None) for key in todo)
    n_parsed = 0
    workers = getattr(engine, "workers", 1)
    results = _flatten(engine.map(parse_batch, spec, _tasks(tasks, len(todo), spec.batch_size, workers),
                                  len(todo), work=work))
    for number, batch in enumerate(_batches(progress(results, len(todo), "parsing"), spec.batch_size)):
        if number == 0:
            engine.prepare(spec)     # the workers parse meanwhile; pass 2 then starts at once
        cache.put_bytes((r.text_key, r.doc) for r in batch if r.doc is not None)
        cache.put_facts([(unique[r.text_key], r.names) for r in batch], NAMES_VERSION)
        n_parsed += sum(r.doc is not None for r in batch)
        for r in batch:
            people.update(r.names)
    return people, n_parsed


def _article_keys(texts: Mapping[str, str], finder: ActorFinder,
                  versions: RecordVersions) -> list[ArticleKeys]:
    """The record-cache keys of every article: its text and whatever shapes its records."""
    known = KnownPeople(finder)
    keys = []
    for article_id, text in texts.items():
        tkey = text_key(text)
        keys.append(ArticleKeys(article_id, tkey, digest("core", tkey, versions.core, known.context(text)),
                                versions.theme_key(tkey)))
    return keys


def _extract_pass(keys: list[ArticleKeys], texts: Mapping[str, str], spec: ExtractorSpec,
                  cache: DocCache, records: RecordCache, engine, progress: Progress,
                  work: Path | None = None) -> tuple[int, int]:
    """Pass 2: extract what the record cache lacks; returns (articles extracted, themed)."""
    present = records.keys_present([k.core + "/actors" for k in keys] + [k.themes for k in keys])
    wanted = [(k, k.core + "/actors" not in present, k.themes not in present) for k in keys]
    wanted = [w for w in wanted if w[1] or w[2]]
    if not wanted:
        return 0, 0
    by_id = {k.article_id: k for k, _, _ in wanted}

    def tasks() -> Iterator[ExtractTask]:
        for k, core, themes in wanted:
            doc = cache.get_bytes(k.text_key)
            yield ExtractTask(k.article_id, doc, None if doc else texts[k.article_id], core, themes)

    workers = getattr(engine, "workers", 1)
    results = _flatten(engine.map(extract_batch, spec,
                                  _tasks(tasks(), len(wanted), spec.batch_size, workers),
                                  len(wanted), work=work))
    n_core = n_themes = 0
    for batch in _batches(progress(results, len(wanted), "extracting"), spec.batch_size):
        items: list[tuple[str, bytes]] = []
        for result in batch:
            k = by_id[result.article_id]
            if result.core is not None:
                items += [(k.core + "/actors", result.core[0]), (k.core + "/rows", result.core[1])]
                n_core += 1
            if result.themes is not None:
                items.append((k.themes, result.themes))
                n_themes += 1
        records.put_pickled(items)
    return n_core, n_themes


def _assemble(articles: pd.DataFrame, rejected: pd.DataFrame, keys: list[ArticleKeys],
              records: RecordCache, writer: StoreWriter, *, overrides=None) -> dict[str, int]:
    """Resolve actors over the cached actor records, then write every table in parts."""
    doc_actors: dict[str, DocActors] = {}
    for chunk in _batches(keys, ASSEMBLY_CHUNK):
        found = records.get_many(k.core + "/actors" for k in chunk)
        doc_actors.update((k.article_id, found[k.core + "/actors"]) for k in chunk)
    actors, mentions, roles, local_to_actor = resolve(
        doc_actors, overrides=overrides, sources=article_sources(articles))
    counts: Counter[str] = Counter()

    def append(name: str, frame: pd.DataFrame) -> None:
        writer.append(name, frame)
        counts[name] += len(frame)

    append("articles", articles.drop(columns=["text_hash"]))
    append("rejected", rejected)
    tones = []
    for chunk in _batches(keys, ASSEMBLY_CHUNK):
        found = records.get_many([k.core + "/rows" for k in chunk] + [k.themes for k in chunk])
        chunk_records = {}
        for k in chunk:
            sentences, quotes, interactions = found[k.core + "/rows"]
            chunk_records[k.article_id] = DocRecords(doc_actors[k.article_id], sentences,
                                                     found[k.themes], quotes, interactions)
        tables = article_tables(chunk_records, local_to_actor)
        for name, frame in tables.items():
            append(name, frame)
        tones.append(tables["sentences"][["article_id", "sentence_id", "tone"]])
    sentence_tones = pd.concat(tones, ignore_index=True)
    actors["tone"] = actors["actor_id"].map(actor_tone(mentions, sentence_tones)).astype("float64")
    append("actors", actors)
    append("mentions", mentions)
    append("actor_roles", roles)
    order = ["articles", "rejected", "sentences", "actors", "mentions", "actor_roles", "themes",
             "article_themes", "quotes", "interactions"]
    return {name: counts[name] for name in order}


def article_sources(articles: pd.DataFrame) -> dict[str, str]:
    """Publisher of each article that names one."""
    known = articles.dropna(subset=["source"])
    return dict(zip(known["article_id"], known["source"], strict=True))


def _speaker_or_none(key: str | None, article_id: str, local_to_actor: dict) -> str | None:
    return local_to_actor.get((article_id, key)) if key else None


def build_tables(articles: pd.DataFrame, rejected: pd.DataFrame,
                 records: dict[str, DocRecords], *, overrides=None) -> dict[str, pd.DataFrame]:
    """Assemble the store's tables from per-article records held in memory."""
    actors, mentions, roles, local_to_actor = resolve(
        {a: r.actors for a, r in records.items()}, overrides=overrides,
        sources=article_sources(articles))
    tables = article_tables(records, local_to_actor)
    actors["tone"] = actors["actor_id"].map(actor_tone(mentions, tables["sentences"])).astype("float64")
    return {
        "articles": articles.drop(columns=["text_hash"]),
        "rejected": rejected,
        "sentences": tables["sentences"],
        "actors": actors,
        "mentions": mentions,
        "actor_roles": roles,
        "themes": tables["themes"],
        "article_themes": tables["article_themes"],
        "quotes": tables["quotes"],
        "interactions": tables["interactions"],
    }


def article_tables(records: Mapping[str, DocRecords],
                   local_to_actor: Mapping[tuple[str, str], str | None]) -> dict[str, pd.DataFrame]:
    """The per-article tables (sentences, themes, article_themes, quotes, interactions) of
    some articles, their local actors tied to corpus actors by `local_to_actor`."""
    sentence_rows = [(a, *s) for a, r in records.items() for s in r.sentences]
    sentences = pd.DataFrame(sentence_rows, columns=SENTENCE_COLUMNS)
    sentences["tone"] = sentences["tone"].astype("float64")

    themes = pd.DataFrame([(a, *t) for a, r in records.items() for t in r.themes],
                          columns=THEME_COLUMNS)
    n_sentences = sentences.groupby("article_id").size()
    per_article = article_themes(themes, n_sentences)

    quotes = pd.DataFrame([
        (a, q.sentence_id, _speaker_or_none(q.speaker_key, a, local_to_actor), q.speaker_text,
         q.cue, q.content, bool(q.direct), q.start, q.end)
        for a, r in records.items() for q in r.quotes], columns=QUOTE_COLUMNS)

    # An event with one side named keeps its row; missing_side says which side the text
    # leaves out. A side whose actor the analyst's table dropped is missing too.
    interaction_rows = []
    for a, r in records.items():
        for i in r.interactions:
            source = local_to_actor.get((a, i.source_key)) if i.source_key else None
            target = local_to_actor.get((a, i.target_key)) if i.target_key else None
            if (source or target) and source != target:
                missing = None if source and target else ("source" if target else "target")
                interaction_rows.append((a, i.sentence_id, source, i.event_type, target,
                                         i.trigger, bool(i.negated), i.text, missing))
    interactions = pd.DataFrame(interaction_rows, columns=INTERACTION_COLUMNS).drop_duplicates(
        subset=["article_id", "sentence_id", "source_actor_id", "event_type", "target_actor_id"])

    return {
        "sentences": sentences,
        "themes": themes,
        "article_themes": per_article,
        "quotes": quotes,
        "interactions": interactions.reset_index(drop=True),
    }


def local_mentions(found: DocActors, key: str) -> list[Mention]:
    """Mentions of one local actor (helper for notebooks and tests)."""
    return [m for m in found.mentions if m.key == key]
