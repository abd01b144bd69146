"""From input files to a store: read, parse (cached), extract, resolve actors, write tables."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from presslens import __version__
from presslens.config import Settings
from presslens.extract.actors import NAMES_VERSION, ActorFinder, DocActors, Mention, person_names
from presslens.extract.interactions import find_interactions, load_triggers
from presslens.extract.quotes import find_quotes
from presslens.extract.references import ActorIndex
from presslens.extract.resolve import load_overrides, override_aliases, resolve
from presslens.extract.themes import article_themes, build_theme_matcher, load_codebook, theme_hits
from presslens.extract.tone import actor_tone, sentence_tone
from presslens.ingest import IngestError, read_articles
from presslens.nlp import DocCache, load_pipeline, parse_texts, pipeline_key
from presslens.store import write_store

SENTENCE_COLUMNS = ["article_id", "sentence_id", "start", "end", "text", "tone"]
THEME_COLUMNS = ["article_id", "sentence_id", "theme", "term", "start", "end"]
QUOTE_COLUMNS = ["article_id", "sentence_id", "speaker_actor_id", "speaker_text", "cue",
                 "content", "direct", "start", "end"]
INTERACTION_COLUMNS = ["article_id", "sentence_id", "source_actor_id", "event_type",
                       "target_actor_id", "trigger", "negated", "text", "missing_side"]


class ExtractSummary(NamedTuple):
    store: Path
    n_articles: int
    n_rejected: int
    n_parsed: int
    n_cached: int
    seconds: float
    tables: dict[str, int]


class DocRecords(NamedTuple):
    """Everything extracted from one article, before actors are resolved across articles."""

    actors: DocActors
    sentences: list[tuple]
    themes: list[tuple]
    quotes: list
    interactions: list


def extract_doc(doc, *, finder: ActorFinder, theme_matcher, triggers) -> DocRecords:
    """Run every extractor on one parsed article."""
    found = finder(doc)
    sentences = [(i, s.start_char, s.end_char, s.text.strip())
                 for i, s in enumerate(doc.sents) if s.text.strip()]
    themes = [tuple(hit) for hit in theme_hits(doc, theme_matcher)]
    index = ActorIndex(doc, found.mentions, plural_references=triggers.plural_references)
    quotes = find_quotes(doc, found.mentions, index=index)
    interactions = find_interactions(doc, found.mentions, lexicon=triggers, index=index)
    return DocRecords(found, sentences, themes, quotes, interactions)


def corpus_name(paths: Iterable[str | Path]) -> str:
    names = [Path(p).resolve().name for p in paths]
    return ", ".join(names) if names else "corpus"


def extract_corpus(paths: list[str | Path], out: str | Path, *, settings: Settings | None = None,
                   progress: Callable[[Iterable, int], Iterable] | None = None,
                   name: str | None = None) -> ExtractSummary:
    """Read `paths`, extract every table and write the store to `out`."""
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
    nlp = load_pipeline(settings.model)
    theme_matcher = build_theme_matcher(nlp, load_codebook(settings.codebook))
    triggers = load_triggers(settings.triggers)
    cache = DocCache(settings.parse_cache, nlp)

    # Pass 1 parses (or finds in the cache) every text and collects the people it names, so
    # that pass 2 can find "Xi Jinping" where the model missed him. Pass 2 reads the cache.
    # The names of a text are cached too: a warm run reads each Doc once, in pass 2.
    n_parsed = 0
    people: Counter[str] = Counter()
    known = cache.facts(articles["text"], NAMES_VERSION)
    for names in known.values():
        people.update(names)
    todo = [t for t in articles["text"] if t not in known]
    docs = parse_texts(todo, nlp, cache=cache, n_process=settings.workers,
                       batch_size=settings.batch_size)
    if progress is not None and todo:
        docs = progress(docs, len(todo))
    found_names = []
    for doc, parsed_now in docs:
        n_parsed += parsed_now
        names = person_names(doc)
        people.update(names)
        found_names.append((doc.text, names))
    cache.put_facts(found_names, NAMES_VERSION)
    finder = ActorFinder(extra_aliases=override_aliases(overrides), known_people=people)
    records: dict[str, DocRecords] = {}
    cached = parse_texts(articles["text"], nlp, cache=cache, batch_size=settings.batch_size)
    if progress is not None and not todo:
        cached = progress(cached, len(articles))
    for article_id, (doc, _) in zip(articles["article_id"], cached, strict=True):
        records[article_id] = extract_doc(doc, finder=finder, theme_matcher=theme_matcher,
                                          triggers=triggers)
    cache.close()

    tables = build_tables(articles, corpus.rejected, records, overrides=overrides)
    dates = articles["date"].dropna()
    meta = {
        "corpus": name or corpus_name(paths),
        "inputs": [str(p) for p in paths],
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "presslens": __version__,
        "model": pipeline_key(nlp),
        "codebook": str(settings.codebook),
        "n_articles": len(articles),
        "n_rejected": len(corpus.rejected),
        "date_min": dates.min().date().isoformat() if len(dates) else None,
        "date_max": dates.max().date().isoformat() if len(dates) else None,
        "sources": sorted(articles["source"].dropna().unique().tolist()),
    }
    write_store(out, tables, meta)
    return ExtractSummary(Path(out), len(articles), len(corpus.rejected), n_parsed,
                          len(articles) - n_parsed, time.perf_counter() - started,
                          {k: len(v) for k, v in tables.items()})


def _speaker_or_none(key: str | None, article_id: str, local_to_actor: dict) -> str | None:
    return local_to_actor.get((article_id, key)) if key else None


def build_tables(articles: pd.DataFrame, rejected: pd.DataFrame,
                 records: dict[str, DocRecords], *, overrides=None) -> dict[str, pd.DataFrame]:
    """Assemble the store's tables from per-article records."""
    actors, mentions, roles, local_to_actor = resolve(
        {a: r.actors for a, r in records.items()}, overrides=overrides)

    sentence_rows = [(a, *s) for a, r in records.items() for s in r.sentences]
    sentences = pd.DataFrame(sentence_rows, columns=SENTENCE_COLUMNS[:-1])
    sentences["tone"] = sentence_tone(sentences["text"]) if len(sentences) else []
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

    actors["tone"] = actors["actor_id"].map(actor_tone(mentions, sentences)).astype("float64")
    return {
        "articles": articles.drop(columns=["text_hash"]),
        "rejected": rejected,
        "sentences": sentences,
        "actors": actors,
        "mentions": mentions,
        "actor_roles": roles,
        "themes": themes,
        "article_themes": per_article,
        "quotes": quotes,
        "interactions": interactions.reset_index(drop=True),
    }


def local_mentions(found: DocActors, key: str) -> list[Mention]:
    """Mentions of one local actor (helper for notebooks and tests)."""
    return [m for m in found.mentions if m.key == key]
