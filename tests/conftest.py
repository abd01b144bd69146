"""Shared test fixtures."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent / "shared")).resolve()
SEED = SHARED / "corpus" / "seed" / "iran-china-strategic-cooperation.txt"
WHITEHOUSE = SHARED / "corpus" / "whitehouse" / "wh_foreign_policy.jsonl"
SAMPLE = ROOT / "data" / "sample"


def need(path: Path) -> Path:
    """Skip the calling test, with the reason, when a file from ../shared is not there."""
    if not path.exists():
        pytest.skip(
            f"{path} is absent: the shared corpora live in ../shared (set PRESSLENS_SHARED)"
        )
    return path


@pytest.fixture(scope="session")
def nlp():
    from presslens.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return need(SEED)


@pytest.fixture(scope="session")
def seed_doc(nlp, seed_path):
    from presslens.ingest import read_articles

    return nlp(read_articles([seed_path]).articles.text[0])


@pytest.fixture(scope="session")
def finder():
    from presslens.extract.actors import ActorFinder

    return ActorFinder()


# Views and notebooks: a three-article store with two sources and one hostile article.
VIEWS_ARTICLES = [
    {"id": "iran-china-talks", "title": "Iran and China to elevate ties", "date": "2024-07-04",
     "source": "Tehran Times", "url": "https://example.org/iran-china",
     "text": "Iran's Secretary of the Supreme National Security Council, Ali Akbar Ahmadian, "
             "met Chen Wenqing in Moscow on Thursday. Ahmadian said that Iran and China would "
             "elevate their strategic partnership. China and Iran signed a memorandum of "
             "understanding on trade and energy cooperation."},
    {"id": "wang-lavrov", "title": "Wang Yi meets Lavrov", "date": "2024-08-10",
     "source": "Global Times", "url": "https://example.org/wang-lavrov",
     "text": "Chinese Foreign Minister Wang Yi held talks with Russian Foreign Minister "
             "Sergei Lavrov in Beijing. Lavrov said that unilateral sanctions by the United "
             "States were illegal. Wang Yi called for dialogue and a strategic partnership."},
    {"id": "hostile", "title": "<script>alert('title')</script> Hostile headline",
     "date": "2024-09-01", "source": "<b>Wire</b>", "url": "javascript:alert(1)",
     "text": "Iran <script>alert(1)</script> and China met in Moscow. "
             "<img src=x onerror=alert(1)> Ali Akbar Ahmadian said the strategic partnership "
             "would grow. Chen Wenqing welcomed the talks."},
]


@pytest.fixture(scope="session")
def views_store(tmp_path_factory):
    """An open store built from VIEWS_ARTICLES (corpus name "views-test")."""
    import json

    from presslens.config import Settings
    from presslens.pipeline import extract_corpus
    from presslens.store import open_store

    folder = tmp_path_factory.mktemp("views")
    corpus = folder / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in VIEWS_ARTICLES) + "\n", encoding="utf-8")
    settings = Settings.from_env(cache_dir=folder / "cache")
    extract_corpus([corpus], folder / "store", settings=settings, name="views-test")
    store = open_store(folder / "store")
    yield store
    store.close()


# The sample corpus and its report site, built once per session for the end-to-end, report
# and browser tests (executing notebooks is the slow part: share the site, do not rebuild it).
GOLD = ROOT / "data" / "gold" / "sample.jsonl"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    from presslens.pipeline import extract_corpus

    out = tmp_path_factory.mktemp("store") / "sample"
    extract_corpus([SAMPLE], out, name="sample")
    return out


@pytest.fixture(scope="session")
def site_args():
    """How the shared site is built; a second build_reports with these must execute nothing."""
    from presslens.config import Settings

    return {"settings": Settings.from_env(top_actors=6, top_themes=6, max_briefs=6),
            "workers": 2, "gold": GOLD}


@pytest.fixture(scope="session")
def site(sample_store, site_args, tmp_path_factory):
    """(folder, summary) of the sample store's site: 6 actors, 6 themes, 6 briefs, validation."""
    from presslens.reports import build_reports

    out = tmp_path_factory.mktemp("reports")
    summary = build_reports(sample_store, out, **site_args)
    return out, summary


BROKEN_NOTEBOOK = "20-theme-report.ipynb"
BROKEN_MESSAGE = "deliberate <b>failure</b> & test"


@pytest.fixture(scope="session")
def views_site_args(tmp_path_factory):
    """build_reports arguments for the views store's site: a project root whose theme report
    notebook raises BROKEN_MESSAGE right after its header; two actor profiles, the theme
    report (which fails) and the three article briefs."""
    import shutil

    import nbformat

    from presslens.config import Settings

    root = tmp_path_factory.mktemp("broken-root")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    path = root / "notebooks" / BROKEN_NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, cell in enumerate(nb.cells) if "views.header" in cell.source)
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(f"raise RuntimeError({BROKEN_MESSAGE!r})"))
    nbformat.write(nb, path)
    return {"settings": Settings.from_env(root=root, min_mentions=1, top_actors=2, top_themes=1,
                                          max_briefs=3),
            "workers": 2, "only": {"actor", "theme", "article"}}


@pytest.fixture(scope="session")
def views_site(views_store, views_site_args, tmp_path_factory):
    """(folder, summary) of the views store's site (one hostile article, one failing report)."""
    from presslens.reports import build_reports

    out = tmp_path_factory.mktemp("views-site")
    return out, build_reports(views_store.path, out, **views_site_args)


@pytest.fixture(scope="session")
def sample_project(sample_store, tmp_path_factory):
    """A project folder as `make reports` leaves it, to run notebooks and the README's commands
    as written without writing into the checkout: copies of notebooks/, links to lib/ and .venv/,
    and data/processed/sample (the session's sample store)."""
    import shutil

    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "lib").symlink_to(ROOT / "lib", target_is_directory=True)
    (root / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "processed" / "sample").symlink_to(sample_store, target_is_directory=True)
    return root
