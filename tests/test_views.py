"""Views and plots on a small store: page furniture, links, escaping, empty layers."""

import json
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

from presslens import plots, views
from presslens.store import open_store, write_store

HOSTILE = "hostile"


def _variant(store, folder, **tables):
    """A copy of store with some tables replaced."""
    data = {name: store.table(name) for name in store.tables}
    data.update(tables)
    write_store(folder, data, dict(store.meta))
    return open_store(folder)


@pytest.fixture(scope="session")
def quiet_store(views_store, tmp_path_factory):
    """The views store with no quotes and no interactions."""
    folder = tmp_path_factory.mktemp("quiet") / "store"
    st = _variant(views_store, folder,
                  quotes=views_store.table("quotes").iloc[0:0],
                  interactions=views_store.table("interactions").iloc[0:0])
    yield st
    st.close()


@pytest.fixture(scope="session")
def busy_store(views_store, tmp_path_factory):
    """The views store with known quotes and interactions, one quote carrying markup."""
    quotes = pd.DataFrame({
        "article_id": ["iran-china-talks", HOSTILE], "sentence_id": [1, 2],
        "speaker_actor_id": ["ali-akbar-ahmadian", "ali-akbar-ahmadian"],
        "speaker_text": ["Ahmadian", "Ali Akbar Ahmadian"], "cue": ["said", "said"],
        "content": ["Iran and China would elevate ties", "<script>alert(2)</script> grows"],
        "direct": [False, True], "start": [0, 0], "end": [10, 10]})
    interactions = pd.DataFrame({
        "article_id": ["iran-china-talks", "iran-china-talks", HOSTILE],
        "sentence_id": [0, 2, 0],
        "source_actor_id": ["ali-akbar-ahmadian", "china", "iran"],
        "event_type": ["CONSULT", "AGREE", "CONSULT"],
        "target_actor_id": ["chen-wenqing", "iran", "china"],
        "trigger": ["met", "signed", "met"], "negated": [False, False, False],
        "text": ["Ahmadian met Chen.", "China and Iran signed.", "Iran <img src=x> met China"]})
    folder = tmp_path_factory.mktemp("busy") / "store"
    st = _variant(views_store, folder, quotes=quotes, interactions=interactions)
    yield st
    st.close()


@pytest.fixture(scope="session")
def site_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("site") / "site.json"
    path.write_text(json.dumps({"reports": {
        "overview": "overview.html",
        "actor:ali-akbar-ahmadian": "actor-ali-akbar-ahmadian.html",
        "theme:strategic_partnership": "theme-strategic_partnership.html",
        "article:iran-china-talks": "article-iran-china-talks.html",
    }}))
    return str(path)


def _hrefs(markup: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', markup)


def _no_raw_markup(markup: str) -> None:
    lowered = markup.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<b>wire" not in lowered


# ------------------------------------------------------------------------------ header


def test_views_header_shows_corpus_dates_and_params(views_store):
    page = views.header(views_store, "Actor profile", {"actor": "<Ahmadian>"})
    assert "views-test" in page
    assert "2024-07-04 to 2024-09-01" in page
    assert "3 articles" in page
    assert "built " in page
    assert "actor = &#x27;&lt;Ahmadian&gt;&#x27;" in page
    assert "<Ahmadian>" not in page
    assert "index.html" not in page  # not part of a site


def test_views_header_links_back_to_index_in_a_site(views_store, site_file):
    page = views.header(views_store, "Actor profile", {}, site_file)
    assert _hrefs(page) == ["index.html", "overview.html"]


@pytest.mark.parametrize("sections, anchor", [(["Who", "What they said"], "#What-they-said")])
def test_views_toc_links_to_heading_ids(sections, anchor):
    assert f'href="{anchor}"' in views.toc(sections)


# ------------------------------------------------------------------------------- links


@pytest.mark.parametrize("make, linked", [
    (lambda site: views.actor_link("ali-akbar-ahmadian", "Ali Akbar Ahmadian", site), True),
    (lambda site: views.actor_link("chen-wenqing", "Chen Wenqing", site), False),
    (lambda site: views.theme_link("strategic_partnership", site), True),
    (lambda site: views.theme_link("sanctions", site), False),
    (lambda site: views.article_link("iran-china-talks", "Iran & China", site), True),
    (lambda site: views.article_link(HOSTILE, "<script>x</script>", site), False),
])
def test_views_links_only_to_reports_in_the_site(site_file, make, linked):
    markup = make(site_file)
    assert ("<a href=" in markup) is linked
    assert "<script" not in markup
    assert "<a " not in make("")  # standalone page: never a link
    assert "<a " not in make(site_file + ".missing")


def test_views_link_escapes_names(site_file):
    markup = views.article_link("iran-china-talks", "Iran & <China>", site_file)
    assert markup == '<a href="article-iran-china-talks.html">Iran &amp; &lt;China&gt;</a>'


def test_views_tables_link_only_site_reports(views_store, site_file):
    table = views.top_actors(views_store, 20, site=site_file)
    linked = table[table["actor"].str.contains("<a ")]
    assert linked["actor_id"].tolist() == ["ali-akbar-ahmadian"]
    rendered = views.table_html(table)
    assert _hrefs(rendered) == ["actor-ali-akbar-ahmadian.html"]
    assert "actor_id" not in rendered  # plain helper columns are hidden


# ---------------------------------------------------------------------------- escaping


def test_views_article_html_escapes_hostile_text(views_store):
    page = views.article_html(views_store, HOSTILE, themes=True)
    _no_raw_markup(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("render", [
    lambda st: views.article_card(st, HOSTILE),
    lambda st: views.table_html(views.articles_list(st)),
    lambda st: views.table_html(views.article_themes(st, HOSTILE)),
    lambda st: views.table_html(views.theme_examples(st, "strategic_partnership")),
    lambda st: views.table_html(views.sources(st)),
])
def test_views_escape_titles_sources_and_sentences(views_store, render):
    page = render(views_store)
    _no_raw_markup(page)


def test_views_article_card_links_only_web_urls(views_store):
    assert "javascript:" not in "".join(_hrefs(views.article_card(views_store, HOSTILE)))
    assert "https://example.org/iran-china" in _hrefs(
        views.article_card(views_store, "iran-china-talks"))


def test_views_interactive_table_is_offline_and_keeps_links(views_store, site_file):
    table = pd.concat([views.articles_list(views_store, site=site_file)] * 8, ignore_index=True)
    table.attrs = views.articles_list(views_store).attrs
    page = views.interactive_table_html(table)
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert not re.search(r"<script[^>]+src=[\"']https?:", page)
    assert "article-iran-china-talks.html" in page  # our links stay clickable
    lowered = page.lower()
    assert "<script>alert" not in lowered and "<img" not in lowered and "<b>wire" not in lowered
    assert "&lt;script&gt;alert(&#x27;title&#x27;)" in page


# -------------------------------------------------------------------------- highlights


def test_views_article_html_highlights_mentions_by_kind(views_store):
    page = views.article_html(views_store, "iran-china-talks")
    marks = re.findall(r'<mark class="pl-mention pl-(\w+)" data-actor="([^"]+)"', page)
    assert ("person", "ali-akbar-ahmadian") in marks
    assert ("country", "iran") in marks
    assert "People" in page and "Countries" in page  # the legend


def test_views_article_html_keeps_the_outermost_of_nested_mentions(views_store, tmp_path):
    mentions = views_store.table("mentions")
    text = views_store.table("articles").set_index("article_id").at["iran-china-talks", "text"]
    start = text.index("Ali Akbar Ahmadian")
    nested = pd.DataFrame([
        {"article_id": "iran-china-talks", "sentence_id": 0, "start": start,
         "end": start + len("Ali Akbar Ahmadian"), "text": "Ali Akbar Ahmadian",
         "actor_id": "ali-akbar-ahmadian", "how": "name"},
        {"article_id": "iran-china-talks", "sentence_id": 0, "start": start + 10,
         "end": start + 18, "text": "Ahmadian", "actor_id": "chen-wenqing", "how": "alias"},
        {"article_id": "iran-china-talks", "sentence_id": 0, "start": start + 4,
         "end": start + 22, "text": "Akbar Ahmadian met", "actor_id": "china", "how": "alias"},
    ])
    rest = mentions[~((mentions["article_id"] == "iran-china-talks")
                      & (mentions["start"] < start + 22) & (mentions["end"] > start))]
    st = _variant(views_store, tmp_path / "store",
                  mentions=pd.concat([rest, nested], ignore_index=True))
    page = views.article_html(st, "iran-china-talks")
    st.close()
    # The full name is one mark with nothing nested; the overlapping span is dropped.
    assert re.search(r'data-actor="ali-akbar-ahmadian"[^>]*>Ali Akbar Ahmadian</mark>', page)
    assert "Akbar Ahmadian met</mark>" not in page
    assert page.count("<mark") == page.count("</mark>")


def test_views_theme_examples_mark_the_matched_term(views_store):
    examples = views.theme_examples(views_store, "strategic_partnership", per_source=3)
    assert not examples.empty
    assert examples["sentence"].str.contains("<mark").all()
    assert set(examples["source"]) <= {"Tehran Times", "Global Times", "<b>Wire</b>"}


# ----------------------------------------------------------------------- empty layers


@pytest.mark.parametrize("view", [
    lambda st: views.actor_quotes(st, "ali-akbar-ahmadian"),
    lambda st: views.actor_interactions(st, "ali-akbar-ahmadian"),
    lambda st: views.actor_partners(st, "ali-akbar-ahmadian"),
    lambda st: views.interaction_pairs(st),
    lambda st: views.article_quotes(st, "iran-china-talks"),
    lambda st: views.article_interactions(st, "iran-china-talks"),
])
def test_views_empty_quotes_and_interactions_give_empty_frames(quiet_store, view):
    frame = view(quiet_store)
    assert isinstance(frame, pd.DataFrame) and frame.empty


def test_views_empty_interactions_plot_nothing(quiet_store):
    graph = views.interaction_graph(quiet_store)
    assert graph.number_of_edges() == 0
    assert plots.interaction_network(graph) is None
    assert plots.partners(views.actor_partners(quiet_store, "ali-akbar-ahmadian")) is None


def test_views_show_table_says_so_when_empty(quiet_store, monkeypatch):
    shown = []
    monkeypatch.setattr(views.display, "show_html", shown.append)  # show_table calls it there
    views.show_table(views.actor_quotes(quiet_store, "ali-akbar-ahmadian"),
                     empty="No quotes <found>.")
    assert shown == [views.note("No quotes <found>.")]
    assert "&lt;found&gt;" in shown[0]


def test_plots_show_says_so_when_there_is_no_figure(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    plots.show(None, empty="Nothing here.")
    plots.show(None, empty="")
    assert len(shown) == 1 and "Nothing here." in shown[0].data


# ----------------------------------------------------------------------- with content


def test_views_quotes_newest_first_with_links(busy_store, site_file):
    quotes = views.actor_quotes(busy_store, "ali-akbar-ahmadian", site=site_file)
    assert quotes["article_id"].tolist() == [HOSTILE, "iran-china-talks"]
    assert quotes["statement"].iloc[0].startswith("“")  # direct quote
    rendered = views.table_html(quotes)
    _no_raw_markup(rendered)
    assert "article-iran-china-talks.html" in rendered


def test_views_interactions_as_source_and_target(busy_store):
    table = views.actor_interactions(busy_store, "iran")
    assert sorted(table["as"]) == ["source", "target"]
    partners = views.actor_partners(busy_store, "iran")
    assert set(partners["direction"]) == {"as source", "as target"}
    _no_raw_markup(views.table_html(views.article_interactions(busy_store, HOSTILE)))


def test_views_interaction_graph_and_pairs(busy_store):
    graph = views.interaction_graph(busy_store)
    assert graph.number_of_edges() == 3
    assert graph.edges["ali-akbar-ahmadian", "chen-wenqing"]["event_type"] == "CONSULT"
    assert graph.nodes["chen-wenqing"]["kind"] == "person"
    pairs = views.interaction_pairs(busy_store)
    assert len(pairs) == 3 and pairs["interactions"].sum() == 3


@pytest.mark.parametrize("draw", [
    lambda st: plots.interaction_network(views.interaction_graph(st)),
    lambda st: plots.partners(views.actor_partners(st, "iran")),
    lambda st: plots.articles_over_time(views.articles_over_time(st)),
    lambda st: plots.top_actors(views.top_actors(st, 5, by_kind=True)),
    lambda st: plots.top_themes(views.top_themes(st)),
    lambda st: plots.theme_share_by_source(views.theme_share_by_source(st)),
    lambda st: plots.theme_prevalence(views.theme_prevalence(st, "strategic_partnership")),
    lambda st: plots.tone_over_time(views.actor_tone_over_time(st, "ali-akbar-ahmadian")),
    lambda st: plots.sentence_tone(views.article_tone(st, "iran-china-talks")),
])
def test_plots_draw_figures(busy_store, draw):
    fig = draw(busy_store)
    assert isinstance(fig, Figure)
    assert plots.to_png(fig).startswith(b"\x89PNG")
    plots.close(fig)


@pytest.mark.parametrize("draw", [
    plots.articles_over_time, plots.top_actors, plots.actor_trends, plots.top_themes,
    plots.theme_share_by_source, plots.partners, plots.tone_over_time, plots.theme_prevalence,
    plots.sentence_tone, plots.actor_presence, plots.sources_bar, plots.theme_cooccurrence,
])
def test_plots_return_none_for_empty_input(draw):
    assert draw(pd.DataFrame()) is None


# ------------------------------------------------------------------------------- cards


def test_views_actor_card_lists_roles_and_aliases(views_store, site_file):
    card = views.actor_card(views_store, "Ahmadian", site_file)
    assert "Ali Akbar Ahmadian" in card
    assert "Iran" in card  # country name, not only the code
    assert 'href="actor-ali-akbar-ahmadian.html"' in card


def test_views_theme_card_and_unknown_theme(views_store):
    card = views.theme_card(views_store, "Strategic partnership")
    assert "strategic_partnership" in card
    with pytest.raises(KeyError, match="no theme"):
        views.resolve_theme(views_store, "no such theme")


def test_views_actor_themes_against_baseline(views_store):
    themes = views.actor_themes(views_store, "ali-akbar-ahmadian")
    assert "strategic_partnership" in set(themes["theme_id"])
    assert (themes["lift"] > 0).all()


def test_views_over_time_fills_gaps(views_store):
    table = views.articles_over_time(views_store, freq="MS")
    months = sorted(table["period"].unique())
    assert [m.month for m in months] == [7, 8, 9]
    assert table["articles"].sum() == 3


def test_report_imports_do_not_load_spacy():
    """Every report kernel imports views and plots; spaCy would add about a second to each."""
    import subprocess
    import sys

    code = "import sys, presslens.views, presslens.plots; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ pages read only their rows

SUBJECT_VIEWS = {
    "actor": ["actor_card", "actor_roles", "actor_presence", "actor_by_source", "actor_quotes",
              "actor_interactions", "actor_partners", "actor_themes", "actor_tone_over_time",
              "co_mentioned"],
    "theme": ["theme_card", "theme_prevalence", "theme_by_source", "theme_actors", "theme_examples",
              "theme_cooccurrence"],
    "article": ["article_card", "article_html", "article_actors", "article_quotes",
                "article_interactions", "article_themes", "article_tone"],
}
SUBJECT_PARAMETER = {"actor": "actor", "theme": "theme", "article": "article_id"}


@pytest.mark.parametrize("kind", sorted(SUBJECT_VIEWS))
def test_views_subject_pages_read_by_key_not_whole_tables(busy_store, site_file, monkeypatch, kind):
    keys = {"actor": "ali-akbar-ahmadian", "theme": "strategic_partnership", "article": "iran-china-talks"}
    monkeypatch.setattr(type(busy_store), "table", lambda st, name: pytest.fail(f"whole table {name} read"))
    reads = []
    real_read = views.reads.read

    def recording_read(st, page_kind, part, key):
        reads.append((page_kind, part, key))
        return real_read(st, page_kind, part, key)

    for module in (views.actor, views.theme, views.article, views.markup, views.common):
        monkeypatch.setattr(module, "read", recording_read)
    key = keys[kind]
    views.header(busy_store, "T", {SUBJECT_PARAMETER[kind]: key}, site_file)
    for name in SUBJECT_VIEWS[kind]:
        result = getattr(views, name)(busy_store, key)
        assert len(result), f"{name} showed nothing, so the test proves little"
    # every row came through the page kind's declared queries, for this key
    assert {(k, key) for k, _, key in reads} == {(kind, key)}
    assert {part for _, part, _ in reads} <= set(views.reads.page_reads(kind))


def test_views_reads_return_only_the_keys_rows(busy_store):
    own = {("actor", "mentions"): "actor_id", ("actor", "actor_roles"): "actor_id",
           ("actor", "quotes"): "speaker_actor_id", ("theme", "themes"): "theme",
           ("theme", "article_themes"): "theme", ("article", "sentences"): "article_id",
           ("article", "mentions"): "article_id"}
    keys = {"actor": "ali-akbar-ahmadian", "theme": "strategic_partnership", "article": "iran-china-talks"}
    for (kind, part), column in own.items():
        rows = views.reads.read(busy_store, kind, part, keys[kind])
        assert len(rows) and set(rows[column]) == {keys[kind]}, (kind, part)
    articles = views.reads.read(busy_store, "actor", "articles", "ali-akbar-ahmadian")
    assert 0 < len(articles) < len(busy_store.table("articles"))


def test_views_reads_take_the_key_as_a_parameter(busy_store):
    quote = "x' OR '1'='1"
    for kind, parts in views.reads.READS.items():
        if kind in ("overview", "validation"):
            continue
        for part in parts:
            assert views.reads.read(busy_store, kind, part, quote).empty, (kind, part)


# ------------------------------------------------------------------------- the stylesheet


def test_views_style_pages_through_the_stylesheet_not_inline(busy_store, site_file):
    stylesheet = views.markup.STYLESHEET.read_text()
    markup = "".join([
        views.header(busy_store, "T", {"actor": "ali-akbar-ahmadian"}, site_file),
        views.toc(["Who"]), views.note("none"),
        views.actor_card(busy_store, "ali-akbar-ahmadian", site_file),
        views.theme_card(busy_store, "strategic_partnership", site_file),
        views.article_card(busy_store, "iran-china-talks", site_file),
        views.article_html(busy_store, "iran-china-talks", site=site_file, themes=True),
        views.table_html(views.actor_quotes(busy_store, "ali-akbar-ahmadian", site=site_file)),
        views.table_html(views.article_themes(busy_store, "iran-china-talks", site=site_file)),
        views.table_html(views.theme_examples(busy_store, "strategic_partnership", site=site_file)),
        views.table_html(views.top_actors(busy_store, 5)),
    ])
    assert "style=" not in markup
    classes = {c for found in re.findall(r'class="([^"]*)"', markup) for c in found.split()}
    used = {c for c in classes if c.startswith("pl-")}
    assert {"pl-header", "pl-card", "pl-mention", "pl-theme", "pl-term", "pl-number"} <= used
    missing = sorted(c for c in used if not re.search(rf"\.{re.escape(c)}\b", stylesheet))
    assert not missing, f"classes without a rule in presslens.css: {missing}"


def test_views_reads_are_what_the_fingerprint_hashes():
    from presslens.reports import plan

    assert plan.READS is views.reads.READS and plan.LINKS is views.reads.LINKS
    for kind in ("actor", "theme", "article"):
        assert all("$key" in query for query in views.reads.page_reads(kind).values()), kind


def test_views_reads_of_a_rebuilt_store_are_not_served_from_the_last_one(views_store, tmp_path):
    folder = tmp_path / "store"
    first = _variant(views_store, folder)
    actor = "ali-akbar-ahmadian"
    assert len(views.reads.read(first, "actor", "mentions", actor))
    first.close()  # as a notebook does before extracting again; the same meta (build time) on purpose
    del first
    mentions = views_store.table("mentions")
    rebuilt = _variant(views_store, folder, mentions=mentions[mentions["actor_id"] != actor])
    try:
        assert views.reads.read(rebuilt, "actor", "mentions", actor).empty
    finally:
        rebuilt.close()


def test_views_header_brings_the_stylesheet_only_outside_a_site(views_store, site_file):
    alone = views.header(views_store, "T", {"actor": "ali-akbar-ahmadian"}, "")
    assert alone.startswith("<style>") and ".pl-header" in alone.split("</style>")[0]
    assert "<style" not in views.header(views_store, "T", {"actor": "ali-akbar-ahmadian"}, site_file)
