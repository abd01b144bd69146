"""What the report notebooks show: tables and HTML built from a store, plus page furniture.

One module per page kind (`corpus`, `actor`, `theme`, `article`), each reading the store by
key with the queries declared in `reads`; `markup` holds links and shared HTML, `display`
shows frames in a notebook, `common` the values and lookups every page shares. Everything
public is re-exported here, so notebooks use `from presslens import views; views.actor_card(...)`.

Every function takes a `Store` (and parameters) and returns a DataFrame or an HTML string;
nothing here reads files other than the store and the site map, and only `show_*` display.

Frames meant for a table and a plot at once keep plain columns for plotting (actor_id, name,
...) and add HTML link columns for display. `df.attrs["html"]` names the columns that are
already HTML and `df.attrs["hide"]` the plain ones `show_table` leaves out; every other cell
is escaped when shown. Every string that comes from an article, a name or a parameter is
passed through `html.escape` before it becomes HTML.

Links: `site` is the path of the JSON site map written by the report runner,
`{"reports": {"overview": "overview.html", "actor:<id>": ..., "theme:<id>": ...,
"article:<id>": ...}}`. A name becomes a link only when its report is in the map; with
`site=""` everything is plain text.
"""

from presslens.views.actor import (
    actor_by_source,
    actor_card,
    actor_interactions,
    actor_partners,
    actor_presence,
    actor_quotes,
    actor_roles,
    actor_themes,
    actor_tone_over_time,
    co_mentioned,
)
from presslens.views.article import (
    article_actors,
    article_card,
    article_html,
    article_interactions,
    article_quotes,
    article_themes,
    article_tone,
)
from presslens.views.common import (
    KIND_BACKGROUNDS,
    KIND_LABELS,
    KINDS,
    NO_SOURCE,
    NOT_NAMED,
    PERCENT_COLUMNS,
    THEME_UNDERLINE,
    country_name,
    date_range,
    freq_name,
    resolve_actor,
    resolve_article,
    resolve_theme,
)
from presslens.views.corpus import (
    actor_trends,
    articles_list,
    articles_over_time,
    candidate_themes,
    corpus_summary,
    interaction_graph,
    interaction_pairs,
    interactions,
    sources,
    theme_share_by_source,
    top_actors,
    top_themes,
    undated_count,
)
from presslens.views.display import (
    LONG_TABLE,
    init_tables,
    interactive_table_html,
    show_html,
    show_table,
    table_html,
)
from presslens.views.markup import (
    actor_link,
    article_link,
    header,
    link,
    load_site,
    note,
    report_href,
    section_anchor,
    theme_link,
    toc,
)
from presslens.views.theme import (
    theme_actors,
    theme_by_source,
    theme_card,
    theme_cooccurrence,
    theme_examples,
    theme_prevalence,
)

__all__ = [
    "KINDS", "KIND_BACKGROUNDS", "KIND_LABELS", "LONG_TABLE", "NO_SOURCE", "NOT_NAMED",
    "PERCENT_COLUMNS", "THEME_UNDERLINE",
    "actor_by_source", "actor_card", "actor_interactions", "actor_link", "actor_partners",
    "actor_presence", "actor_quotes", "actor_roles", "actor_themes", "actor_tone_over_time",
    "actor_trends", "article_actors", "article_card", "article_html", "article_interactions",
    "article_link", "article_quotes", "article_themes", "article_tone", "articles_list",
    "articles_over_time", "candidate_themes", "co_mentioned", "corpus_summary", "country_name",
    "date_range", "freq_name", "header", "init_tables", "interaction_graph", "interaction_pairs",
    "interactions", "interactive_table_html", "link", "load_site", "note", "report_href",
    "resolve_actor", "resolve_article", "resolve_theme", "section_anchor", "show_html",
    "show_table", "sources", "table_html", "theme_actors", "theme_by_source", "theme_card",
    "theme_cooccurrence", "theme_examples", "theme_share_by_source", "theme_link", "theme_prevalence", "toc",
    "top_actors", "top_themes", "undated_count",
]
