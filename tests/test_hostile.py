"""Hostile and random inputs: ingest never raises and accounts for every record; the hostile
folder (tests/data/hostile/) goes through `presslens extract` and `presslens reports`, and the
site opens in headless Chromium with no script run and no request leaving file:."""

import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
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


# -- the hostile folder through the command line and the browser ------------------------------

# File -> what its rejection reason says (every other file must be an article).
REJECTED = {
    ".hidden.txt": "hidden file", "README.md": "documentation file", "program.exe": "unsupported file type",
    "no-extension": "unsupported file type", "bad-front-matter.md": "front matter is not valid YAML",
    "control-chars.txt": "printable", "deep.json": "nested too deeply", "empty.txt": "empty file",
    "whitespace.md": "empty file", "gzip-named.jsonl": "a gzip archive", "no-text-column.csv": "'text' column",
    "not-json.json": "cannot read", "nul-bytes.txt": "NUL bytes", "office-named.md": "a zip archive",
    "only-boilerplate.txt": "only boilerplate", "only-markup.html": "only boilerplate",
    "pdf-named.txt": "a PDF document", "png-named.html": "a PNG image", "random-bytes.txt": "not text",
    "wrong-shape.json": "JSON must be",
}
RECORD_REJECTIONS = {"line 5": "duplicate of article", "line 7": "'text' is a list", "line 8": "no 'text'",
                     "line 9": "not an object", "line 10": "not valid JSON", "line 11": "nested too deeply"}
ACCEPTED_FILES = {"script-in-title.html", "external-resources.html", "svg-onload.md", "template-injection.txt",
                  "entities.html", "bidi-override.txt", "csv-formula.csv", "records.jsonl", "yaml-alias-bomb.md",
                  "utf16-bom.txt", "utf16-no-bom.txt", "latin1.txt", "cp1252.txt", "mac-roman.txt"}
# Markup that would act if a page held it as markup rather than text.
LIVE_MARKUP = re.compile(r"<script>alert|<(img|svg|p|b|iframe)\b[^>]*\bon\w+\s*=|href=[\"']?javascript:"
                         r"|<iframe|<link[^>]+evil\.example|<meta[^>]+refresh", re.IGNORECASE)


def _presslens(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "presslens", *args], capture_output=True, text=True,
                          timeout=1800)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("hostile") / "store"
    run = _presslens("extract", str(HOSTILE), "--out", str(store), "--name", "hostile", "-q")
    assert run.returncode == 0, run.stderr
    from presslens.store import open_store

    st = open_store(store)
    yield store, st.table("articles"), st.table("rejected")
    st.close()


@pytest.mark.slow
def test_hostile_folder_every_input_accounted(hostile_store):
    _, articles, rejected = hostile_store
    files = {p.name for p in HOSTILE.iterdir()}
    assert len(files) >= 25
    assert set(articles.path.str.replace(r":\d+$", "", regex=True).map(lambda p: Path(p).name)) == ACCEPTED_FILES
    whole_files = {Path(r.path).name: r.reason for r in rejected.itertuples() if not r.where}
    assert set(whole_files) == set(REJECTED)
    assert ACCEPTED_FILES | set(REJECTED) == files
    for name, reason in REJECTED.items():
        assert reason in whole_files[name], name
    records = {r.where: r.reason for r in rejected.itertuples() if r.where}
    assert set(records) == set(RECORD_REJECTIONS)
    for where, reason in RECORD_REJECTIONS.items():
        assert reason in records[where], where
    assert len(articles) == 19 and articles.article_id.is_unique
    by_reason = Counter(r.split(":")[0].split(" (")[0] for r in rejected.reason)
    print(f"hostile folder: {len(files)} files, {len(articles)} articles, {len(rejected)} rejected: "
          + ", ".join(f"{reason} {n}" for reason, n in by_reason.most_common()))


@pytest.mark.slow
def test_hostile_folder_text_is_clean(hostile_store):
    _, articles, _ = hostile_store
    text = dict(zip(articles.article_id, articles.text, strict=True))
    for article_id in ("latin1", "mac-roman", "utf16-bom"):
        assert "délégués ont déclaré" in text[article_id] and "Zürich" in text[article_id]
    for article_id in ("cp1252", "utf16-no-bom"):
        assert "“we will not yield to pressure”" in text[article_id]
    assert all("\ufffd" not in t or article_id == "nul" for article_id, t in text.items())
    assert not [t for t in text.values() if FORBIDDEN.search(t)]
    notes = dict(zip(articles.article_id, articles.encoding_note, strict=True))
    assert {k for k, v in notes.items() if isinstance(v, str)} == {"latin1", "cp1252", "mac-roman", "utf16-no-bom"}
    ids = dict(zip(articles.article_id, articles.source_id, strict=True))
    assert ids["etc-passwd"] == "../../../etc/passwd"
    long_ids = [a for a in ids if a.startswith("wh-2023-10-25")]
    assert len(long_ids) == 2 and all(len(a) <= 80 for a in long_ids)


@pytest.mark.slow
def test_hostile_folder_site_runs_no_script(hostile_store, tmp_path_factory):
    store, articles, _ = hostile_store
    site = tmp_path_factory.mktemp("hostile-site")
    run = _presslens("reports", "--store", str(store), "--out", str(site), "--min-mentions", "1", "-q")
    assert run.returncode == 0, run.stderr
    pages = sorted(site.rglob("*.html"))
    assert {f"article-{a}.html" for a in articles.article_id} <= {p.name for p in pages}
    for page in pages:
        assert not LIVE_MARKUP.search(page.read_text(encoding="utf-8")), page.name
    assert "{{ 7*7 }}" in (site / "article-template-injection.html").read_text(encoding="utf-8")

    from test_browser import ARGS, CHROMIUM, Visit, sync_api  # skips here when Chromium is absent

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            visit = Visit(browser)
            for page in pages:
                visit.open(page)
            visit.assert_clean()  # no dialog, no tripwire, no console error, no request off file:
            n_requests = len(visit.requests)
        finally:
            browser.close()
    print(f"hostile site: {len(pages)} pages, {n_requests} requests (all file:), scripts run 0")
