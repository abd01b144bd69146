"""Ingest: every format, boilerplate cleaning, titles, and every record accounted for."""

import json
from pathlib import Path

import pytest

from presslens.ingest import clean_text, is_breadcrumb, read_articles, slugify


@pytest.mark.parametrize("line, expected", [
    ("West AsiaChinaIranWorld News", True),
    ("World > Asia > China", True),
    ("EuropeRussiaWorld News", True),
    ("Iran and China Set to Elevate Bilateral Cooperation to Strategic Level", False),
    ("Iran and China have underscored their commitment.", False),
    ("McDonald said the talks went well.", False),
])
def test_ingest_breadcrumb(line, expected):
    assert is_breadcrumb(line) is expected


@pytest.mark.parametrize("footer", ["Back to top button", "Share this article", "Related Articles",
                                    "Advertisement", "© 2024 Meridian Wire. All rights reserved."])
def test_ingest_clean_drops_boilerplate(footer):
    body, title = clean_text(f"Asia PacificChinaWorld News\n\nA Headline Here\n\nFirst real sentence.\n\n{footer}")
    assert title == "A Headline Here"
    assert body == "First real sentence."


def test_ingest_clean_keeps_given_title_and_body():
    body, title = clean_text("Talks resumed on Monday.\n\nBoth sides agreed.", title="Talks resume")
    assert title == "Talks resume"
    assert body == "Talks resumed on Monday.\n\nBoth sides agreed."


def test_ingest_seed_title_and_boilerplate(seed_path):
    corpus = read_articles([seed_path])
    article = corpus.articles.iloc[0]
    assert article.title == "Iran and China Set to Elevate Bilateral Cooperation to Strategic Level"
    assert article.article_id == "iran-china-strategic-cooperation"
    assert "Back to top" not in article.text
    assert "West Asia" not in article.text
    assert article.text.startswith("Iran and China have underscored")


@pytest.mark.parametrize("value, slug", [("Iran & China: Talks!", "iran-china-talks"),
                                         ("Émile Zola", "emile-zola"), ("---", "article")])
def test_ingest_slugify(value, slug):
    assert slugify(value) == slug


@pytest.fixture
def corpus_dir(tmp_path):
    (tmp_path / "a.txt").write_text("Summit Opens in Kazan\n\nLeaders met on Tuesday.\n")
    (tmp_path / "b.md").write_text("---\ntitle: Deal Signed\ndate: 2023-03-10\nsource: Meridian Wire\n"
                                   "url: https://example.org/b\n---\n# Deal Signed\n\n"
                                   "The **two** sides signed a [deal](https://x.org).\n")
    (tmp_path / "c.html").write_text(
        "<html><head><title>Sanctions Widen | Harbor Post</title>"
        "<meta property='og:site_name' content='Harbor Post'></head><body>"
        "<nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        "<article><h1>Sanctions Widen</h1><p>" + "The European Union widened sanctions on "
        "several companies on Monday, officials said, citing support for the war. " * 3
        + "</p><p>Ministers are expected to review the measures again in the spring, "
        "according to diplomats familiar with the talks.</p></article>"
        "<footer>Contact us. Newsletter. Copyright Harbor Post</footer></body></html>")
    rows = [{"id": "J1", "title": "One", "date": "2022-01-02", "text": "First text here."},
            {"id": "J2", "title": "Two", "text": ""}]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n")
    (tmp_path / "e.json").write_text(json.dumps([{"title": "Three", "text": "Third text."}]))
    (tmp_path / "f.csv").write_text('id,title,date,source,url,text\n'
                                    'c1,Four,2021-05-05,Eastern Ledger,,"Fourth, with\nnewline."\n'
                                    'c2,Dup,2021-05-06,Eastern Ledger,,First text here.\n')
    (tmp_path / "g.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "h.txt").write_text("   \n")
    (tmp_path / "README.md").write_text("About this folder.")
    return tmp_path


def test_ingest_reads_every_format(corpus_dir):
    corpus = read_articles([corpus_dir])
    articles = corpus.articles.set_index("article_id")
    assert set(articles.index) == {"a", "b", "c", "j1", "e-item-1", "c1"}
    assert articles.loc["a", "title"] == "Summit Opens in Kazan"
    assert articles.loc["b", "text"] == "The two sides signed a deal."
    assert articles.loc["b", "source"] == "Meridian Wire"
    assert str(articles.loc["b", "date"].date()) == "2023-03-10"
    assert "Sanctions Widen" in articles.loc["c", "title"]
    assert "Newsletter" not in articles.loc["c", "text"]
    assert "Home" not in articles.loc["c", "text"]
    assert articles.loc["c1", "text"] == "Fourth, with\n\nnewline." or "Fourth" in articles.loc["c1", "text"]
    assert articles.loc["j1", "path"].endswith("d.jsonl:1")


def test_ingest_accounts_for_every_record(corpus_dir):
    corpus = read_articles([corpus_dir])
    reasons = {(r.path.split("/")[-1], r.where): r.reason for r in corpus.rejected.itertuples()}
    assert "nothing to analyse" in reasons[("d.jsonl", "line 2")]
    assert "not valid JSON" in reasons[("d.jsonl", "line 3")]
    assert "unsupported file type" in reasons[("g.pdf", "")]
    assert reasons[("h.txt", "")] == "empty file"
    assert "documentation" in reasons[("README.md", "")]
    assert "duplicate of article 'j1'" in reasons[("f.csv", "line 4")]
    assert len(corpus.articles) + len(corpus.rejected) == 12


def test_ingest_csv_without_text_column(tmp_path):
    (tmp_path / "x.csv").write_text("title,body_text\nA,B\n")
    rejected = read_articles([tmp_path]).rejected
    assert "needs a 'text' column" in rejected.reason.iloc[0]


def test_ingest_missing_path_is_rejected(tmp_path):
    corpus = read_articles([tmp_path / "nope"])
    assert corpus.articles.empty
    assert "no such file" in corpus.rejected.reason.iloc[0]


def test_ingest_duplicate_ids_made_unique(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "text": "One."}) + "\n"
                                      + json.dumps({"id": "x", "text": "Two."}) + "\n")
    assert read_articles([tmp_path]).articles.article_id.tolist() == ["x", "x-2"]


@pytest.mark.parametrize("raw, clean", [
    ("Thank you all. (Laughter.) We will act.", "Thank you all. We will act."),
    ("The President: (Applause.) Good morning.", "The President: Good morning."),
    ("He said [inaudible] the talks went well.", "He said the talks went well."),
    ("The Group of Seven (G7) met in Elmau.", "The Group of Seven (G7) met in Elmau."),
    ("It was signed (in 2021) in Tehran.", "It was signed (in 2021) in Tehran."),
])
def test_ingest_drops_transcript_stage_directions(raw, clean):
    body, _ = clean_text(raw, title="Remarks")
    assert body == clean


# -- encodings -------------------------------------------------------------------------------

FRENCH = ("Genève, mardi\n\nLe président français a rencontré à Zürich les délégués de "
          "l'Union européenne. Les négociations reprendront à Bâle, a déclaré le ministère.")
QUOTES = ("Talks in Kraków\n\nThe minister said “we will not yield” — and the talks in Kraków "
          "collapsed on Monday. “Dialogue” remains possible, the café owner said.")


@pytest.mark.parametrize("encoding, text, note", [
    ("utf-8", FRENCH, None),
    ("utf-8-sig", FRENCH, None),
    ("utf-16", FRENCH, None),            # with its byte-order mark (little-endian here)
    ("utf-16-be", "\ufeff" + FRENCH, None),
    ("utf-32", FRENCH, None),
    ("latin-1", FRENCH, "cp1252"),       # Latin-1's letters are cp1252's
    ("cp1252", QUOTES, "cp1252"),
    ("mac_roman", FRENCH, "mac_roman"),
    ("mac_roman", QUOTES, "mac_roman"),
])
def test_ingest_encodings_read_as_clean_text(tmp_path, encoding, text, note):
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    articles = read_articles([path]).articles
    assert len(articles) == 1
    expected_title, expected_body = text.lstrip("\ufeff").split("\n\n")
    assert articles.title[0] == expected_title
    assert articles.text[0] == expected_body
    if note is None:
        assert articles.encoding_note[0] is None
    else:
        assert f"decoded as {note}" in articles.encoding_note[0]


def test_ingest_utf16_without_bom_is_read_with_a_note(tmp_path):
    (tmp_path / "a.txt").write_bytes(FRENCH.encode("utf-16-le"))
    articles = read_articles([tmp_path]).articles
    assert articles.text[0] == FRENCH.split("\n\n")[1]
    assert "utf-16-le" in articles.encoding_note[0]


def test_ingest_utf8_with_a_stray_byte_stays_utf8(tmp_path):
    # A UTF-8 file with one pasted Windows-1252 quote: not re-read as cp1252 ("ZÃ¼rich").
    (tmp_path / "a.txt").write_bytes(FRENCH.encode("utf-8").replace(b" les ", b" \x93les\x94 ", 1))
    article = read_articles([tmp_path]).articles.iloc[0]
    assert "Zürich" in article.text and "délégués" in article.text
    assert article.text.count("\ufffd") == 2
    assert article.encoding_note == "UTF-8 with 2 invalid byte sequence(s) replaced by \ufffd"


def test_ingest_utf16_jsonl_records(tmp_path):
    records = [{"id": "g1", "text": FRENCH}, {"id": "g2", "text": QUOTES}]
    (tmp_path / "a.jsonl").write_bytes("\n".join(json.dumps(r, ensure_ascii=False)
                                                 for r in records).encode("utf-16"))
    articles = read_articles([tmp_path]).articles
    assert articles.source_id.tolist() == ["g1", "g2"]
    assert articles.line.tolist() == [1, 2]
    assert "“we will not yield”" in articles.text[1]


# -- binary inputs ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, data, reason", [
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
    ("memo.txt", b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" * 4, "zip archive"),
    ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Microsoft Office"),
    ("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    ("photo.md", b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
    ("anim.json", b"GIF89a\x01\x00\x01\x00", "a GIF image"),
    ("dump.jsonl", b"\x1f\x8b\x08\x00" + bytes(range(40)), "a gzip archive"),
    ("tool.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "an executable"),
    ("nul.txt", b"Summit opens\n\nLeaders\x00 met\x00 on Tuesday.", "NUL bytes"),
    ("controls.txt", bytes(range(1, 9)) * 50 + b"Leaders met.", "printable"),
])
def test_ingest_binary_rejected_whatever_the_extension(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    corpus = read_articles([tmp_path])
    assert corpus.articles.empty
    assert corpus.rejected.reason[0].startswith("not text:")
    assert reason in corpus.rejected.reason[0]


def test_ingest_random_bytes_are_not_an_article(tmp_path):
    import random

    generator = random.Random(14)
    for number in range(5):
        (tmp_path / f"noise-{number}.txt").write_bytes(generator.randbytes(4096))
    corpus = read_articles([tmp_path])
    assert corpus.articles.empty
    assert len(corpus.rejected) == 5
    assert all(reason.startswith("not text:") for reason in corpus.rejected.reason)


def test_ingest_a_word_starting_like_a_signature_is_text(tmp_path):
    (tmp_path / "a.txt").write_text("BZh and ID3 are only letters here.\n\nThe talks went on.")
    assert len(read_articles([tmp_path]).articles) == 1


# -- ids ---------------------------------------------------------------------------------------

LONG = "wh-2023-10-25-readout-of-president-bidens-call-with-prime-minister-netanyahu-of-israel"


def test_ingest_source_id_kept_and_long_ids_stay_distinct(tmp_path):
    records = [{"id": LONG + "-first-call", "text": "One."}, {"id": LONG + "-second-call", "text": "Two."},
               {"id": "Short ID", "text": "Three."}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    articles = read_articles([tmp_path]).articles
    assert articles.source_id.tolist() == [r["id"] for r in records]
    first, second, short = articles.article_id
    assert first != second and len(first) <= 80 and len(second) <= 80
    assert first.startswith("wh-2023-10-25-readout-of-president-bidens-call")
    assert short == "short-id"
    assert articles.path[2].endswith("a.jsonl:3") and articles.line[2] == 3


def test_ingest_ids_collisions_resolved_in_input_order(tmp_path):
    # "a b", "A-B" and "a.b" share the slug "a-b"; a record whose own id is "a-b-2" comes first.
    ids = ["a-b-2", "a b", "A-B", "a.b"]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps({"id": i, "text": f"Text {n}."})
                                                for n, i in enumerate(ids)) + "\n")
    first = read_articles([tmp_path]).articles
    again = read_articles([tmp_path]).articles
    assert first.article_id.tolist() == ["a-b-2", "a-b", "a-b-3", "a-b-4"]
    assert again.article_id.tolist() == first.article_id.tolist()
    assert first.source_id.tolist() == ids


def test_ingest_file_articles_have_no_source_id(tmp_path):
    (tmp_path / "note.txt").write_text("A title\n\nSome text.")
    articles = read_articles([tmp_path]).articles
    assert articles.source_id.isna().all() and articles.line.isna().all()
    assert articles.article_id[0] == "note"


@pytest.mark.parametrize("value, slug", [
    ("x" * 80, "x" * 80),
    ("x" * 81, "x" * 71 + "-"),   # cut, then a digest of the whole id
])
def test_ids_id_slug_length(value, slug):
    from presslens.ids import id_slug

    result = id_slug(value)
    assert len(result) <= 80 and result.startswith(slug)


def test_ids_slug_is_shared_by_resolve():
    from presslens.extract import resolve
    from presslens.ids import slugify as ids_slugify

    assert resolve.slugify is ids_slugify


# -- hostile records -----------------------------------------------------------------------

@pytest.mark.parametrize("record, reason", [
    ({"id": "l", "text": ["a", "list"]}, "'text' is a list"),
    ({"id": "n", "text": 42}, "'text' is a int"),
    ({"id": "e", "text": ""}, "no 'text'"),
])
def test_ingest_text_must_be_a_string(tmp_path, record, reason):
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    corpus = read_articles([tmp_path])
    assert corpus.articles.empty and reason in corpus.rejected.reason[0]


def test_ingest_controls_surrogates_and_overrides_removed(tmp_path):
    text = "Talks \\u0000resumed\\u202e in \\ud800Kazan\\u0007 today."
    (tmp_path / "a.jsonl").write_text('{"id": "s", "title": "T\\u0000itle", "text": "' + text + '"}\n')
    article = read_articles([tmp_path]).articles.iloc[0]
    assert article.text == "Talks resumed in \ufffdKazan today."
    assert article.title == "Title"


def test_ingest_deep_json_and_yaml_alias_bomb(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)
    ) + "title: *i\n---\nThe body of the bomb.\n"
    (tmp_path / "bomb.md").write_text(bomb)
    corpus = read_articles([tmp_path])
    assert corpus.articles.article_id.tolist() == ["bomb"]
    assert corpus.articles.title[0] == "The body of the bomb."
    assert "cannot read" in corpus.rejected.reason[0]


def test_ingest_every_article_column_is_documented():
    from pathlib import Path

    from presslens.ingest import ARTICLE_COLUMNS

    docs = (Path(__file__).resolve().parents[1] / "docs" / "store.md").read_text(encoding="utf-8")
    lines = docs.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| articles |"))
    end = next(i for i, line in enumerate(lines) if line.startswith("| rejected |"))
    documented = {name.strip() for line in lines[start:end] for name in line.split("|")[2].split(",")}
    assert set(ARTICLE_COLUMNS) - {"text_hash"} <= documented


def test_html_read_again_in_the_same_process_is_not_a_duplicate(tmp_path):
    """A kernel, a worker or a test run reads the same page many times: it is never dropped as seen."""
    page = Path(__file__).resolve().parents[1] / "data" / "sample" / "2022-11-14-biden-xi-meet-in-bali.html"
    texts = [read_articles([page]).articles["text"].tolist() for _ in range(6)]
    assert all(t == texts[0] and len(t) == 1 and t[0] for t in texts)


def test_ingest_given_title_is_one_line(tmp_path):
    (tmp_path / "rows.csv").write_bytes(b'id,title,text\n1,"Talks\r\nresume  in\rVienna","Diplomats met in Vienna."\n')
    corpus = read_articles([tmp_path])
    assert corpus.articles.title.tolist() == ["Talks resume in Vienna"]
    assert clean_text("Body.", title=" \r\n ")[1] is None
