"""End to end: the sample corpus -> store -> every notebook on warm kernels -> HTML site."""

import json
import re

import pytest

from presslens.reports import build_reports
from presslens.store import open_store

pytestmark = pytest.mark.slow

# sample_store, site_args and site are shared fixtures in conftest.py.


def test_end_to_end_sample_store_has_substance(sample_store):
    st = open_store(sample_store)
    assert st.meta["n_articles"] >= 30
    assert len(st.meta["sources"]) >= 4
    actors = st.table("actors")
    assert (actors.kind == "person").sum() >= 10
    assert st.table("article_themes").theme.nunique() >= 10
    assert set(st.table("rejected").reason) <= {"documentation file, not an article"}


def test_end_to_end_site_is_complete(site):
    out, summary = site
    assert summary["failed"] == []
    index = (out / "index.html").read_text()
    pages = re.findall(r'href="([^"]+\.html)"', index)
    for table, column in (("actors", 5), ("articles", 3)):  # the paged tables' rows, as JSON
        rows = json.loads(re.search(rf'id="{table}-data">(.*?)</script>', index, re.S).group(1))
        pages += [row[column] for row in rows if row[column]]
    kinds = {kind: [p for p in pages if p.startswith(kind)] for kind in ("actor-", "theme-", "article-")}
    assert "overview.html" in pages
    assert all(len(found) >= 5 for found in kinds.values()), kinds
    for page in pages:
        assert (out / page).exists(), page


def test_end_to_end_pages_are_self_contained(site, sample_store):
    out, _ = site
    actors = open_store(sample_store).table("actors").head(6)
    for page in sorted(out.glob("*.html")):
        text = page.read_text()
        assert not re.search(r'<script[^>]+src="(https?:)?//', text), page.name
        assert not re.search(r'<link[^>]+href="(https?:)?//', text), page.name
        assert not re.search(r'class="[^"]*(jp-InputArea-editor|highlight hl-ipython3)', text), \
            f"{page.name} shows code"
    overview = (out / "overview.html").read_text()
    assert "data:image/png;base64," in overview
    for row in actors.itertuples():
        profile = (out / f"actor-{row.actor_id}.html").read_text()
        assert row.name in profile
        assert "data:image/png;base64," in profile


def test_end_to_end_second_run_executes_nothing(site, sample_store, site_args):
    out, _ = site
    again = build_reports(sample_store, out, **site_args)
    assert again["rebuilt"] == 0
    assert again["up_to_date"] == again["total"]
