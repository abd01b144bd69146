"""The store: tables written in parts, swapped in by two renames, recovered after a kill."""

import json
import os
import signal
import subprocess
import sys

import pandas as pd
import pytest

from presslens import pipeline
from presslens.config import Settings
from presslens.pipeline import extract_corpus
from presslens.store import StoreWriter, old_folder, open_store, write_store

ARTICLES = [
    {"id": "a", "title": "Xi meets Putin", "date": "2024-05-16",
     "text": "Chinese President Xi Jinping met Russian President Vladimir Putin in Beijing. "
             "Xi said the two countries would deepen their partnership."},
    {"id": "b", "title": "Trade", "date": "2024-05-17",
     "text": "Germany and France discussed trade tariffs in Paris. The ministers said the embargo "
             "would end."},
]
NEW = {"id": "c", "title": "Summit", "date": "2024-05-18",
       "text": "Japan hosted Canada for talks on fisheries. Officials said they agreed to sanctions."}
TABLES = ("articles", "actors", "mentions", "sentences", "themes", "quotes", "interactions")

# Runs `presslens extract` (the CLI's main) with one function patched to SIGKILL the process
# right after its call number `after` returns: the state a kill at that point leaves behind.
KILLER = """
import os, signal, sys
import presslens.nlp, presslens.pipeline, presslens.records, presslens.store, pathlib
target, after, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
# Pinned like the test's own runs, so that an edit to the checkout meanwhile changes no key.
presslens.pipeline.source_version = lambda *sources: "pinned"
owner, name = {
    "parse-cache": (presslens.nlp.DocCache, "put_bytes"),
    "record-cache": (presslens.records.RecordCache, "put_pickled"),
    "table-part": (presslens.store.StoreWriter, "append"),
    "rename": (pathlib.Path, "rename"),
}[target]
original = getattr(owner, name)
calls = []
def patched(*args, **kwargs):
    result = original(*args, **kwargs)
    calls.append(1)
    if len(calls) == after:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(owner, name, patched)
from presslens.cli import main
main(argv)
"""


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _read_all(folder) -> dict[str, pd.DataFrame]:
    store = open_store(folder)
    try:
        tables = {t: store.table(t).astype(str) for t in TABLES}
        for t in TABLES:   # the DuckDB copy is complete too
            assert store.sql(f'SELECT count(*) AS n FROM "{t}"')["n"][0] == len(tables[t])
        return tables
    finally:
        store.close()


def test_store_parts_with_an_all_missing_column_join_into_one_table(tmp_path):
    writer = StoreWriter(tmp_path / "store")
    writer.append("t", pd.DataFrame({"n": [1, 2], "who": [None, None]}))
    writer.append("t", pd.DataFrame({"n": [3], "who": ["Xi"]}))
    writer.finish({"corpus": "parts"})
    store = open_store(tmp_path / "store")
    table = store.table("t")
    assert table["n"].tolist() == [1, 2, 3] and table["who"].isna().tolist() == [True, True, False]
    assert table["who"].iloc[2] == "Xi"
    assert store.sql("SELECT count(who) AS n FROM t")["n"][0] == 1
    store.close()
    assert not list(tmp_path.glob(".store-*"))          # no staging folder left behind


def test_store_rebuilt_in_place_shows_its_new_rows_while_an_old_one_is_open(tmp_path):
    folder = tmp_path / "store"
    write_store(folder, {"t": pd.DataFrame({"n": [1, 2]})}, {"corpus": "old"})
    old = open_store(folder)                            # a kernel still holds the old store
    write_store(folder, {"t": pd.DataFrame({"n": [3]})}, {"corpus": "new"})
    new = open_store(folder)
    assert new.sql("SELECT list(n) AS n FROM t")["n"][0].tolist() == [3]
    assert old.sql("SELECT count(*) AS n FROM t")["n"][0] == 2
    old.close()
    new.close()


def test_store_killed_between_the_renames_is_recovered_when_opened(tmp_path):
    folder = tmp_path / "store"
    write_store(folder, {"t": pd.DataFrame({"n": [1]})}, {"corpus": "old"})
    folder.rename(old_folder(folder))                  # the first rename, then the kill
    assert not folder.exists()
    store = open_store(folder)
    assert store.meta["corpus"] == "old" and store.table("t")["n"].tolist() == [1]
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize("point, after", [
    ("parse-cache", 1),      # pass 1: the new article's parse stored, nothing extracted
    ("record-cache", 1),     # pass 2: its records stored, no table written
    ("table-part", 4),       # tables half written in the staging folder
    ("rename", 1),           # between the two renames: no store under its name
])
def test_store_survives_sigkill_of_extract_and_the_next_run_uses_the_caches(tmp_path, monkeypatch,
                                                                            point, after):
    monkeypatch.setattr(pipeline, "source_version", lambda *sources: "pinned")
    cache = tmp_path / "cache"
    (tmp_path / "none.yml").write_text("[]\n", encoding="utf-8")
    settings = Settings.from_env(cache_dir=cache, actors_file=tmp_path / "none.yml", workers=1)
    store = tmp_path / "store"
    extract_corpus([_jsonl(tmp_path / "v1.jsonl", ARTICLES)], store, settings=settings)
    before = _read_all(store)
    grown = _jsonl(tmp_path / "v2.jsonl", [*ARTICLES, NEW])
    env = {**os.environ, "PRESSLENS_CACHE": str(cache)}
    killed = subprocess.run([sys.executable, "-c", KILLER, point, str(after), "extract", str(grown),
                             "--out", str(store), "--workers", "1", "--actors",
                             str(tmp_path / "none.yml"), "-q"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    after_kill = _read_all(store)                      # the previous store, whole
    assert all(before[t].equals(after_kill[t]) for t in TABLES)
    rerun = extract_corpus([grown], store, settings=settings)
    assert rerun.n_articles == 3 and rerun.n_parsed == 0
    assert rerun.n_extracted == (0 if point != "parse-cache" else 1)
    assert len(_read_all(store)["articles"]) == 3
    assert not [p for p in tmp_path.glob(".store-*") if p.name != ".store-old"]
