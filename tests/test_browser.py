"""The report site in headless Chromium: opened from disk, followed link by link, offline.

Uses Debian's chromium (`apt-get install chromium`; .ci/run installs it) through Playwright's
Python API, never a downloaded browser. Screenshots go to pytest's temporary folder, or to
$PRESSLENS_SCREENSHOTS when set.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import BROKEN_MESSAGE

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
LOCAL = ("file:", "data:", "blob:", "about:")
if not Path(CHROMIUM).exists():  # skip before the session's site is built for nothing
    pytest.skip(f"Chromium is not installed ({CHROMIUM}): apt-get install chromium (.ci/run installs "
                "it); Playwright's own browsers are not used", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")

# Set by the page's alert() replacement: an injected script that ran would set it.
TRIPWIRE = "window.alert = window.confirm = window.prompt = function () { window.__pwned = true; };"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("PRESSLENS_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visit:
    """A browser tab that records console errors, page errors, dialogs and every request."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.context.add_init_script(TRIPWIRE)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.context.route(lambda url: not url.startswith(LOCAL), self._block)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)

    def _block(self, route):
        self.blocked.append(route.request.url)
        route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.blocked == [] and [u for u in self.requests if not u.startswith(LOCAL)] == []
        assert self.page.evaluate("() => window.__pwned === undefined")


@pytest.fixture
def visit(browser):
    tab = Visit(browser)
    yield tab
    tab.context.close()


def test_browser_index_search_filters_as_you_type(site, visit, shots):
    out, _ = site
    visit.open(out / "index.html")
    actors = visit.page.locator("#actors tbody tr")
    total = len(json.loads(visit.page.locator("#actors-data").text_content()))
    assert actors.count() == min(total, 50)  # paged
    assert visit.page.locator("#actors .pager-info").inner_text().startswith(f"{total} of {total}")
    visit.page.fill("#search", "iran")
    names = actors.evaluate_all("els => els.map(e => e.dataset.name)")
    assert 0 < len(names) < total and all("iran" in name for name in names)
    themes = visit.page.locator("li[data-name]")
    assert all("iran" in n for n in themes.evaluate_all(
        "els => els.filter(e => !e.hidden).map(e => e.dataset.name)"))
    visit.page.screenshot(path=shots / "index-search.png")
    visit.page.fill("#search", "no report is called this")
    assert visit.page.locator("#nomatch").is_visible()
    visit.page.fill("#search", "")
    assert actors.count() == min(total, 50)
    visit.assert_clean()


def test_browser_index_lists_actors_without_a_page_and_pages_through_them(site, visit):
    out, _ = site
    visit.open(out / "index.html")
    rows = json.loads(visit.page.locator("#actors-data").text_content())
    with_page = [r for r in rows if r[5]]
    assert 0 < len(with_page) < len(rows)  # every actor is listed, linked when it has a page
    linked = visit.page.locator("#actors tbody tr a").evaluate_all("els => els.map(e => e.textContent)")
    assert linked == [r[0] for r in rows[:50] if r[5]]
    if len(rows) > 50:
        visit.page.locator("#actors .pager button", has_text="next").click()
        first = visit.page.locator("#actors tbody tr td").first.inner_text()
        assert first == rows[50][0]
    visit.assert_clean()


def test_browser_follow_links_index_actor_theme_article(site, visit, shots):
    out, _ = site
    page = visit.page
    visit.open(out / "index.html")
    page.locator("#actors tbody tr a").first.click()
    page.wait_for_load_state("load")
    assert Path(page.url).name.startswith("actor-")
    assert "Actor profile" in page.locator(".pl-header").inner_text()
    assert page.locator("nav.pl-toc a").count() >= 5
    assert page.locator("img[src^='data:image/png']").count() >= 2
    assert page.locator("table.dataTable").count() >= 1  # itables ran, offline, from assets/
    page.screenshot(path=shots / "actor-profile.png", full_page=True)

    page.locator("a[href^='theme-']").first.click()
    page.wait_for_load_state("load")
    assert Path(page.url).name.startswith("theme-")
    assert "Theme report" in page.locator(".pl-header").inner_text()
    page.screenshot(path=shots / "theme-report.png")

    page.locator("a[href^='article-']").first.click()
    page.wait_for_load_state("load")
    assert Path(page.url).name.startswith("article-")
    assert page.locator(".pl-article").count() == 1
    page.screenshot(path=shots / "article-brief.png")

    page.locator(".pl-header a[href='index.html']").click()
    page.wait_for_load_state("load")
    assert Path(page.url).name == "index.html"
    visit.assert_clean()


def test_browser_every_page_loads_offline_without_errors(site, visit):
    out, _ = site
    pages = sorted(out.glob("*.html"))
    assert len(pages) >= 20
    for path in pages:
        visit.open(path)
        assert visit.page.title(), path.name
    assert any(u.endswith("/assets/datatables.js") for u in visit.requests)  # shared, not embedded
    visit.assert_clean()


def test_browser_site_opens_from_an_unpacked_zip(site, visit, tmp_path):
    out, _ = site
    archive = shutil.make_archive(str(tmp_path / "site"), "zip", out)
    unpacked = tmp_path / "unpacked"
    shutil.unpack_archive(archive, unpacked)
    visit.open(unpacked / "index.html")
    visit.page.locator("#actors tbody tr a").first.click()
    visit.page.wait_for_load_state("load")
    assert visit.page.locator("table.dataTable").count() >= 1
    assert all(u.startswith(unpacked.as_uri()) for u in visit.requests if u.startswith("file:"))
    visit.assert_clean()


@pytest.fixture(scope="module")
def self_contained_site(sample_store, tmp_path_factory):
    from presslens.config import Settings
    from presslens.reports import build_reports

    out = tmp_path_factory.mktemp("self-contained")
    summary = build_reports(sample_store, out, settings=Settings.from_env(top_actors=1),
                            only={"actor"}, workers=1, self_contained=True)
    return out, summary


def test_browser_self_contained_page_needs_nothing_beside_it(self_contained_site, visit, tmp_path):
    out, summary = self_contained_site
    assert summary["failed"] == [] and not (out / "assets").exists()
    (profile,) = out.glob("actor-*.html")
    alone = tmp_path / profile.name  # mailed: the page alone in a folder
    shutil.copy(profile, alone)
    visit.open(alone)
    assert visit.page.locator("table.dataTable").count() >= 1
    assert [u for u in visit.requests if u.startswith("file:")] == [alone.as_uri()]
    visit.assert_clean()


def test_browser_hostile_article_never_runs(views_site, visit, shots):
    out, _ = views_site
    visit.open(out / "article-hostile.html")
    text = visit.page.locator(".pl-article").inner_text()
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert visit.page.locator("img[src='x']").count() == 0
    assert "<script>alert('title')</script>" in visit.page.title()  # the title, as text
    visit.page.screenshot(path=shots / "hostile-brief.png")
    for path in sorted(out.glob("*.html")):  # the hostile title and quotes appear elsewhere too
        visit.open(path)
    assert not [u for u in visit.requests if u.endswith("/x")]
    visit.assert_clean()


def test_browser_failed_report_shows_error_and_code(views_site, visit, shots):
    out, _ = views_site
    visit.open(out / "index.html")
    item = visit.page.locator("li[data-status='failed']")
    assert item.count() == 1
    reason = item.locator("details.why pre")
    assert not reason.is_visible()
    item.locator("summary").click()  # the reason, one click away
    assert BROKEN_MESSAGE in reason.inner_text()
    item.locator("a").first.click()
    visit.page.wait_for_load_state("load")
    banner = visit.page.locator(".pl-failure")
    assert "This report failed" in banner.inner_text()
    assert BROKEN_MESSAGE in banner.inner_text()  # as text, not markup
    assert "raise RuntimeError" in visit.page.locator(".pl-failure-code").inner_text()
    visit.page.screenshot(path=shots / "failed-report.png")
    visit.assert_clean()
