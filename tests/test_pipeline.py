"""The extraction pipeline: parse once, reuse per-article records, stream the tables out."""

import json

import pandas as pd
import pytest

from presslens import engine, pipeline
from presslens.config import Settings
from presslens.nlp import DocCache
from presslens.pipeline import extract_corpus

ARTICLES = [
    {"id": "a", "title": "Xi meets Putin", "date": "2024-05-16",
     "text": "Chinese President Xi Jinping met Russian President Vladimir Putin in Beijing on Thursday. "
             "Xi said the two countries would deepen their partnership against sanctions."},
    {"id": "b", "title": "Putin ends visit", "date": "2024-05-17",
     "text": "Putin left Harbin on Friday. Xi Jinping thanked him, the Chinese foreign ministry said."},
    {"id": "c", "title": "Trade talks", "date": "2024-05-18",
     "text": "Germany and France discussed trade tariffs in Paris. The ministers said the embargo "
             "would end."},
]
NEW_ARTICLE = {"id": "d", "title": "Summit", "date": "2024-05-19",
               "text": "Japan hosted Canada for talks on fisheries. Officials said they agreed."}
TABLES = ("actors", "mentions", "quotes", "interactions", "themes", "sentences", "article_themes",
          "actor_roles")


def _corpus(tmp_path, articles, name="corpus.jsonl"):
    corpus = tmp_path / name
    corpus.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
    return corpus


def _tables(store) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(store / f"{t}.parquet").astype(str) for t in TABLES}


def _same(a, b) -> list[str]:
    first, second = _tables(a), _tables(b)
    return [t for t in TABLES if not first[t].equals(second[t])]


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "none.yml").write_text("[]\n", encoding="utf-8")   # no analyst actor table
    return Settings.from_env(cache_dir=tmp_path / "cache", actors_file=tmp_path / "none.yml", workers=1)


@pytest.fixture
def doc_reads(monkeypatch):
    """Counts every Doc deserialised, by the pipeline or its workers."""
    reads = []
    original = engine.doc_from_bytes
    monkeypatch.setattr(engine, "doc_from_bytes", lambda data, nlp: reads.append(1) or original(data, nlp))
    original_get = DocCache.get
    monkeypatch.setattr(DocCache, "get", lambda self, text: reads.append(1) or original_get(self, text))
    return reads


def test_pipeline_warm_run_reads_no_doc_and_gives_the_same_tables(tmp_path, settings, doc_reads):
    corpus = _corpus(tmp_path, ARTICLES)
    cold = extract_corpus([corpus], tmp_path / "cold", settings=settings)
    assert (cold.n_articles, cold.n_parsed, cold.n_extracted, cold.n_themed) == (3, 3, 3, 3)
    doc_reads.clear()
    warm = extract_corpus([corpus], tmp_path / "warm", settings=settings)
    assert (warm.n_parsed, warm.n_extracted, warm.n_themed, len(doc_reads)) == (0, 0, 0, 0)
    assert _same(tmp_path / "cold", tmp_path / "warm") == []
    assert "Xi Jinping" in set(pd.read_parquet(tmp_path / "warm" / "actors.parquet")["name"])


def test_pipeline_new_article_is_the_only_one_parsed_and_extracted(tmp_path, settings):
    extract_corpus([_corpus(tmp_path, ARTICLES)], tmp_path / "before", settings=settings)
    grown = _corpus(tmp_path, [*ARTICLES, NEW_ARTICLE], "grown.jsonl")
    after = extract_corpus([grown], tmp_path / "after", settings=settings)
    assert (after.n_articles, after.n_parsed, after.n_extracted, after.n_themed) == (4, 1, 1, 1)
    fresh = Settings.from_env(cache_dir=tmp_path / "cache2", actors_file=tmp_path / "none.yml", workers=1)
    extract_corpus([grown], tmp_path / "fresh", settings=fresh)
    assert _same(tmp_path / "after", tmp_path / "fresh") == []


def test_pipeline_new_known_person_re_extracts_the_articles_that_name_him(tmp_path, settings):
    # "Macron" alone is trusted as Emmanuel Macron only once the corpus names him in full.
    lone = {"id": "e", "title": "Paris", "date": "2024-05-20",
            "text": "Macron spoke in Paris on Monday. He said France would help."}
    full = {"id": "f", "title": "Visit", "date": "2024-05-21",
            "text": "Officials met French President Emmanuel Macron in Rome on Tuesday."}
    extract_corpus([_corpus(tmp_path, [*ARTICLES, lone])], tmp_path / "one", settings=settings)
    both = _corpus(tmp_path, [*ARTICLES, lone, full], "both.jsonl")
    grown = extract_corpus([both], tmp_path / "two", settings=settings)
    assert grown.n_parsed == 1 and grown.n_extracted == 2
    fresh = Settings.from_env(cache_dir=tmp_path / "cache2", actors_file=tmp_path / "none.yml", workers=1)
    extract_corpus([both], tmp_path / "fresh", settings=fresh)
    assert _same(tmp_path / "two", tmp_path / "fresh") == []


def test_pipeline_changed_codebook_rematches_themes_only(tmp_path, settings, doc_reads):
    corpus = _corpus(tmp_path, ARTICLES)
    extract_corpus([corpus], tmp_path / "first", settings=settings)
    codebook = tmp_path / "themes.yml"
    codebook.write_text("fisheries:\n  label: Fisheries\n  description: Trade barriers.\n"
                        "  patterns: [tariff, embargo]\n",
                        encoding="utf-8")
    doc_reads.clear()
    changed = extract_corpus([corpus], tmp_path / "second",
                             settings=Settings.from_env(cache_dir=tmp_path / "cache", codebook=codebook,
                                                        actors_file=tmp_path / "none.yml", workers=1))
    assert (changed.n_parsed, changed.n_extracted, changed.n_themed, len(doc_reads)) == (0, 0, 3, 3)
    themes = pd.read_parquet(tmp_path / "second" / "themes.parquet")
    assert set(themes["theme"]) == {"fisheries"} and set(themes["article_id"]) == {"c"}
    first, second = _tables(tmp_path / "first"), _tables(tmp_path / "second")
    assert all(first[t].equals(second[t]) for t in ("actors", "mentions", "quotes", "sentences"))


@pytest.mark.parametrize("workers, chunk", [(2, 1)])
def test_pipeline_worker_processes_and_parts_give_the_same_tables(tmp_path, settings, monkeypatch,
                                                                  workers, chunk):
    corpus = _corpus(tmp_path, ARTICLES)
    extract_corpus([corpus], tmp_path / "one", settings=settings)
    monkeypatch.setattr(pipeline, "ASSEMBLY_CHUNK", chunk)
    monkeypatch.setattr(engine, "MIN_DOCS_PER_PROCESS", 0)   # a pool even for three articles
    parallel = Settings.from_env(cache_dir=tmp_path / "cache2", actors_file=tmp_path / "none.yml",
                                 workers=workers)
    summary = extract_corpus([corpus], tmp_path / "parts", settings=parallel)
    assert (summary.n_parsed, summary.n_extracted) == (3, 3)
    assert _same(tmp_path / "one", tmp_path / "parts") == []


@pytest.mark.parametrize("text, limit, parts", [
    ("One. Two.\n\nThree four.\n\nFive six seven.", 20, ["One. Two.\n\n", "Three four.\n\n", "Five six seven."]),
    ("First sentence here. Second one here. Third.", 25, ["First sentence here. ", "Second one here. Third."]),
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),             # no boundary at all: cut hard
])
def test_nlp_split_long_text_cuts_at_the_best_boundary_and_keeps_every_character(text, limit, parts):
    from presslens.nlp import split_long_text

    assert split_long_text(text, limit) == parts
    assert "".join(parts) == text


def _long_article(n_chars: int) -> str:
    paragraphs, i = [], 0
    while sum(map(len, paragraphs)) < n_chars:
        paragraphs.append(
            f"Chancellor Olaf Scholz met President Emmanuel Macron in Paris on day {i}. "
            f"\"We agreed on the sanctions,\" Scholz said after talks number {i}. "
            f"Germany and France will impose new tariffs on steel, the ministers said.")
        i += 1
    return "\n\n".join(paragraphs)


@pytest.mark.slow
def test_pipeline_extracts_an_article_longer_than_the_model_limit_whole(tmp_path, settings):
    text = _long_article(1_200_000)
    corpus = _corpus(tmp_path, [{"id": "long", "title": "Transcript", "date": "2024-05-01", "text": text}])
    summary = extract_corpus([corpus], tmp_path / "store", settings=settings)
    assert (summary.n_articles, summary.n_rejected) == (1, 0)
    store = tmp_path / "store"
    assert pd.read_parquet(store / "articles.parquet")["text"].iloc[0] == text
    sentences = pd.read_parquet(store / "sentences.parquet")
    assert all(text[s.start:s.end].strip() == s.text for s in sentences.itertuples())
    assert sentences["end"].max() > len(text) - 200          # offsets reach the end of the text
    mentions = pd.read_parquet(store / "mentions.parquet")
    assert all(text[m.start:m.end] == m.text for m in mentions.itertuples())
    assert mentions["start"].max() > 1_100_000
    quotes = pd.read_parquet(store / "quotes.parquet")
    assert (quotes["start"] > 1_000_000).any()
    actors = pd.read_parquet(store / "actors.parquet")
    assert {"Olaf Scholz", "Emmanuel Macron"} <= set(actors["name"])


@pytest.mark.parametrize("text, names, surnames", [
    ("Xi Jinping met Putin.", ["Xi Jinping"], ["Jinping", "Putin"]),
    ("Jinping and Xi were absent; Putin's aides spoke.", ["Xi Jinping"], ["Jinping", "Putin"]),
    ("Moscow answered.", [], []),
])
def test_records_context_lists_the_known_people_a_text_can_name(text, names, surnames):
    # A superset of what the finder can match ("Jinping and Xi" is listed): never stale.
    from presslens.extract.actors import ActorFinder
    from presslens.records import KnownPeople

    finder = ActorFinder(known_people=["Xi Jinping", "Vladimir Putin", "Olaf Scholz"])
    assert KnownPeople(finder).context(text) == "\n".join(names) + "\x1e" + "\n".join(surnames)


def test_records_parts_give_back_the_records_written(tmp_path):
    from presslens.extract.interactions import Interaction
    from presslens.extract.quotes import Quote
    from presslens.records import part_writer, read_record_parts, write_record_parts

    rows = ([(0, 0, 12, "Xi met Putin.", 0.25), (1, 13, 20, "Bye.", None)],
            [Quote(0, "person:xi", "Xi", "said", "we agree", True, 3, 11)],
            [Interaction(0, "person:xi", "CONSULT", None, "met", False, "Xi met Putin.")])
    records = [("a", rows, [(0, "talks", "met", 3, 6)]),
               ("b", None, []),                              # themes only, none found
               ("c", ([], [], []), None)]                    # core only, nothing found
    prefix = write_record_parts(tmp_path / "parts", records)
    found, writer = read_record_parts(prefix)
    assert found == {key: (core, themes) for key, core, themes in records}
    assert writer == part_writer()
    assert isinstance(found["a"][0][1][0], Quote) and list(tmp_path.joinpath("parts").iterdir()) == []


def test_nlp_token_mask_selects_what_iterating_the_doc_selects(nlp, seed_doc):
    from presslens.nlp import masked_tokens, token_mask

    verbs = token_mask(seed_doc, "POS", {"VERB"})
    assert [t.i for t in masked_tokens(seed_doc, verbs)] == [t.i for t in seed_doc if t.pos_ == "VERB"]
    plural_lemmas = token_mask(seed_doc, "TAG", {"NNS"}) & token_mask(
        seed_doc, "LEMMA", lambda lemma: lemma.lower().startswith("s"))
    expected = [t.i for t in seed_doc if t.tag_ == "NNS" and t.lemma_.lower().startswith("s")]
    assert expected and [t.i for t in masked_tokens(seed_doc, plural_lemmas)] == expected
    assert not token_mask(nlp("no such word here"), "LOWER", {"absent"}).any()


def test_nlp_newline_count_tells_tokens_on_one_line(nlp):
    from presslens.nlp import newline_count

    doc = nlp("Tehran said so.\nBeijing agreed.")
    counts = newline_count(doc)
    newline = next(t.i for t in doc if "\n" in t.text)
    assert len(counts) == len(doc) + 1
    assert counts[0] == counts[newline] != counts[newline + 1] == counts[len(doc)]


def test_engine_batches_shrink_towards_the_end():
    from presslens.pipeline import MIN_TASK, _tasks

    batches = list(_tasks(iter(range(649)), 649, 32, 2))
    assert [i for b in batches for i in b] == list(range(649))      # all, in order
    sizes = [len(b) for b in batches]
    assert sizes[0] == 32 and max(sizes) == 32
    assert sizes == sorted(sizes, reverse=True)[:len(sizes) - 1] + sizes[-1:]
    assert sizes[-2] == MIN_TASK                                  # the tail is short
    assert [len(b) for b in _tasks(iter(range(70)), 70, 32, 1)] == [32, 32, 6]   # one worker: as given


def test_pipeline_meta_is_read_without_loading_the_model(nlp, monkeypatch):
    from presslens import nlp as nlp_module

    def no_load(name=None):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(nlp_module, "load_pipeline", no_load)
    meta = nlp_module.pipeline_meta()
    assert nlp_module.pipeline_key(meta) == nlp_module.pipeline_key(nlp)
    assert meta["name"] == nlp.meta["name"] and meta["version"] == nlp.meta["version"]


def test_pipeline_meta_of_a_missing_model_names_the_fix():
    from presslens.nlp import ModelNotFound, pipeline_meta

    with pytest.raises(ModelNotFound, match="make setup"):
        pipeline_meta("no_such_pipeline_xyz")
