"""The report site: notebooks executed on warm kernels, rendered to HTML, indexed.

- plan: which pages (every actor above the mention threshold, every theme, every article,
  the overview, pages asked for by name) and each page's fingerprint of what it reads;
- state: the state file beside the site and atomic writes;
- kernels: one long-lived kernel and exporter per worker process, parameters injected the
  papermill way, a per-page time limit;
- render: executed notebook -> page, and the assets the pages share;
- site: `build_reports`, which ties them together, and the index page.

A page is executed again only when its fingerprint changed, it failed last time or its page
is missing; the state file says which part changed.

Decision on corpus-wide figures: subject pages (actor, theme, article) show their own scope
in the header (the articles naming the actor: how many, dates, sources), never the corpus's
article count or date range; the corpus summary is on the index (rewritten on every run) and
the overview (which reads everything). Figures inside a subject page that compare with the
whole corpus (a theme's baseline share, the corpus tone line, "N of M articles", the time
axis) are those of the run that last built the page; `--force` refreshes every page.

Links: a page's fingerprint holds which of the pages it may link to are part of the site, so
it is rebuilt when one of them appears or disappears. A page asked for by name joins the
site map at once; the pages that name it link to it from their next rebuild.

Failures are isolated: a page that raises or runs past its time limit still yields a page
showing the error, the failing cell's code and its traceback; the index marks it; the other
pages are built. Pages show the store by its corpus name, never a path of the machine.
"""

from presslens.reports.kernels import KERNEL_ATTEMPTS, PageWorker, WorkerConfig, kernel_name, run_pages
from presslens.reports.plan import NOTEBOOKS, READS, PageRequestError, Report, Requested, page_name, plan_reports
from presslens.reports.render import render_html, render_notebook
from presslens.reports.site import SITE_FILE, ReportsSummary, build_reports, corpus_paragraph, write_index
from presslens.reports.state import STATE_FILE, load_state, save_state, why_run

__all__ = [
    "KERNEL_ATTEMPTS", "NOTEBOOKS", "READS", "SITE_FILE", "STATE_FILE", "PageRequestError", "PageWorker",
    "Report", "ReportsSummary", "Requested", "WorkerConfig", "build_reports", "corpus_paragraph",
    "kernel_name", "load_state", "page_name", "plan_reports", "render_html", "render_notebook",
    "run_pages", "save_state", "why_run", "write_index",
]
