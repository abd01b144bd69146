"""The extraction pipeline: every text is parsed once, and a warm run gives the same tables."""

import json

import pandas as pd

from presslens import pipeline
from presslens.config import Settings
from presslens.nlp import DocCache, load_pipeline
from presslens.pipeline import extract_corpus

ARTICLES = [
    {"id": "a", "title": "Xi meets Putin", "date": "2024-05-16",
     "text": "Chinese President Xi Jinping met Russian President Vladimir Putin in Beijing on Thursday. "
             "Xi said the two countries would deepen their partnership."},
    {"id": "b", "title": "Putin ends visit", "date": "2024-05-17",
     "text": "Putin left Harbin on Friday. Xi Jinping thanked him, the Chinese foreign ministry said."},
]
TABLES = ("actors", "mentions", "quotes", "interactions", "themes")


def _corpus(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    return corpus


def _tables(store) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(store / f"{t}.parquet").astype(str) for t in TABLES}


def test_pipeline_parses_each_text_once_and_warm_runs_agree(tmp_path, monkeypatch):
    settings = Settings.from_env(cache_dir=tmp_path / "cache", actors_file=tmp_path / "none.yml", workers=1)
    corpus = _corpus(tmp_path)
    cold = extract_corpus([corpus], tmp_path / "cold", settings=settings)
    assert (cold.n_articles, cold.n_parsed) == (2, 2)
    # Person names were cached with the parse: the warm run reads each Doc once, in pass 2.
    cache = DocCache(settings.parse_cache, load_pipeline(settings.model))
    names = cache.facts([a["text"] for a in ARTICLES], pipeline.NAMES_VERSION)
    cache.close()
    assert "Xi Jinping" in names[ARTICLES[0]["text"]]
    reads = []
    original_get = DocCache.get
    monkeypatch.setattr(DocCache, "get", lambda self, text: reads.append(text) or original_get(self, text))
    warm = extract_corpus([corpus], tmp_path / "warm", settings=settings)
    assert (warm.n_parsed, len(reads)) == (0, 2)
    # Names read by another version of the code are read again, from the cached parse.
    monkeypatch.setattr(pipeline, "NAMES_VERSION", "another-version")
    reads.clear()
    again = extract_corpus([corpus], tmp_path / "again", settings=settings)
    assert (again.n_parsed, len(reads)) == (0, 4)
    first = _tables(tmp_path / "cold")
    for out in ("warm", "again"):
        later = _tables(tmp_path / out)
        assert all(first[t].equals(later[t]) for t in TABLES), out
