"""Ingest: every format, boilerplate cleaning, titles, and every record accounted for."""

import json

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
