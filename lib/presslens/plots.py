"""Figures the report notebooks share, drawn from the frames in `presslens.views`.

Every function takes a frame (or graph) and returns a matplotlib Figure, or None when there
is nothing to draw; `show(fig, empty=...)` displays the figure as a PNG (or the sentence when
it is None) and closes it. Figures are built with `matplotlib.figure.Figure`, not pyplot, so
nothing is left open in pyplot's registry and nothing is displayed twice by the inline backend.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib.dates as mdates
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

KINDS = ("person", "organization", "country", "group", "agent")
KIND_LABELS = {"person": "People", "organization": "Organisations", "country": "Countries",
               "group": "Groups", "agent": "Agents"}
# Same hues as views.KIND_BACKGROUNDS, saturated for bars and nodes.
KIND_COLORS = {"person": "#e69f00", "organization": "#3b7dc4", "country": "#3a9f4a",
               "group": "#8e5cb5", "agent": "#c4573b"}
# PLOVER event types: cooperative ones in blues and greens, conflictual ones in reds and browns.
PLOVER_COLORS = {
    "AGREE": "#1b9e77", "CONSULT": "#4c9be8", "SUPPORT": "#2ca02c", "CONCEDE": "#98df8a",
    "COOPERATE": "#17becf", "AID": "#7fc8d6", "RETREAT": "#b4a7d6", "REQUEST": "#bcbd22",
    "ACCUSE": "#ff7f0e", "REJECT": "#f5b26b", "THREATEN": "#d62728", "PROTEST": "#e377c2",
    "SANCTION": "#8c564b", "MOBILIZE": "#9467bd", "COERCE": "#a50f15", "ASSAULT": "#3b0a0a",
}
OTHER_COLOR = "#999999"
WIDTH = 10.0  # inches; the report column is about 1100 px wide
DPI = 110
MAX_LABEL = 32


def show(fig: Figure | None, empty: str = "Nothing to plot.") -> None:
    """Display fig as an embedded PNG and close it; display `empty` when fig is None.

    Pass empty="" to show nothing (when a table below already says the data is missing).
    """
    from IPython.display import HTML, Image, display

    if fig is None:
        if not empty:
            return
        display(HTML(f'<p class="pl-note" style="color:#555;font-style:italic">'
                     f"{html.escape(empty)}</p>"))
        return
    display(Image(data=to_png(fig), format="png"))
    close(fig)


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def close(fig: Figure) -> None:
    """Release a figure, whether or not pyplot knows about it."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    fig.clear()


@contextmanager
def _style(grid: bool = True) -> Iterator[None]:
    """The house style, applied while a figure is built (global rcParams are left alone)."""
    with sns.axes_style("whitegrid" if grid else "white"), \
            sns.plotting_context("notebook", font_scale=0.85):
        yield


def _period_name(periods) -> str:
    """"week", "month", ... from the spacing of period starts ("period" when unclear)."""
    values = pd.Series(sorted(pd.to_datetime(pd.Series(periods).unique())))
    if len(values) < 2:
        return "period"
    days = float(values.diff().dt.days.median())
    for limit, name in ((1.5, "day"), (8, "week"), (32, "month"), (95, "quarter"),
                        (370, "year")):
        if days <= limit:
            return name
    return "period"


def _rotate(ax, angle: int = 45) -> None:
    for label in ax.get_xticklabels():
        label.set(rotation=angle, ha="right", rotation_mode="anchor")


def _figure(height: float, ncols: int = 1, nrows: int = 1, **kwargs) -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def _short(label: object, size: int = MAX_LABEL) -> str:
    text = "" if label is None or (isinstance(label, float) and np.isnan(label)) else str(label)
    return text if len(text) <= size else text[: size - 1] + "…"


def _bar_width(periods: pd.Series) -> float:
    """Bar width in days: most of the gap between consecutive periods."""
    values = pd.Series(sorted(pd.to_datetime(periods.unique())))
    if len(values) < 2:
        return 20.0
    return max(float(values.diff().dt.days.median()) * 0.8, 0.6)


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _stacked_bars(ax, table: pd.DataFrame, colors: dict | None = None) -> None:
    """Bars of a period x category table, stacked, on a date axis."""
    width = _bar_width(pd.Series(table.index))
    bottom = np.zeros(len(table))
    palette = sns.color_palette("tab10", n_colors=max(len(table.columns), 1))
    for i, column in enumerate(table.columns):
        color = (colors or {}).get(column, palette[i % len(palette)])
        ax.bar(table.index, table[column].to_numpy(), width=width, bottom=bottom,
               label=_short(column), color=color, align="edge")
        bottom = bottom + table[column].to_numpy()
    _date_axis(ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


# ------------------------------------------------------------------------------ corpus


def articles_over_time(df: pd.DataFrame) -> Figure | None:
    """Articles per period, stacked by source (views.articles_over_time)."""
    if df is None or df.empty or df["articles"].sum() == 0:
        return None
    return _by_source_over_time(df, "articles", height=3.6, ylabel="articles",
                                title=f"Articles per {_period_name(df['period'])}")


def _by_source_over_time(df: pd.DataFrame, value: str, *, height: float, ylabel: str,
                         title: str) -> Figure:
    """Bars of `value` per period, stacked by source, largest source first."""
    table = df.pivot_table(index="period", columns="source", values=value,
                           aggfunc="sum", fill_value=0)
    table = table[table.sum().sort_values(ascending=False).index]
    with _style():
        fig, axes = _figure(height)
        ax = axes[0, 0]
        _stacked_bars(ax, table)
        ax.set(xlabel="", ylabel=ylabel, title=title)
        if len(table.columns) > 1:
            ax.legend(title="source", fontsize="small", loc="upper left",
                      bbox_to_anchor=(1.01, 1))
    return fig


def sources_bar(df: pd.DataFrame, n: int = 20) -> Figure | None:
    """Articles per source (views.sources); None when there is a single source."""
    if df is None or len(df) < 2:
        return None
    data = df.sort_values("articles", ascending=False).head(n)
    with _style():
        fig, axes = _figure(0.8 + 0.3 * len(data))
        ax = axes[0, 0]
        ax.barh([_short(s, 40) for s in data["source"]], data["articles"], color="#3b7dc4")
        ax.invert_yaxis()
        ax.set(xlabel="articles", ylabel="", title="Articles by source")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def top_actors(df: pd.DataFrame) -> Figure | None:
    """Mentions of the top actors, one panel per kind (views.top_actors(..., by_kind=True))."""
    if df is None or df.empty:
        return None
    kinds = [k for k in KINDS if k in set(df["kind"])]
    ncols = 2 if len(kinds) > 1 else 1
    nrows = int(np.ceil(len(kinds) / ncols))
    per_panel = int(df.groupby("kind").size().max())
    with _style():
        fig, axes = _figure(0.9 + nrows * (0.6 + 0.27 * per_panel), ncols=ncols, nrows=nrows)
        for ax, kind in zip(axes.flat, kinds, strict=False):
            data = df[df["kind"] == kind].sort_values("mentions", ascending=False)
            ax.barh([_short(nm, 26) for nm in data["name"]], data["mentions"],
                    color=KIND_COLORS.get(kind, OTHER_COLOR))
            ax.invert_yaxis()
            ax.set_title(KIND_LABELS.get(kind, kind), loc="left", fontweight="bold")
            ax.set(xlabel="mentions", ylabel="")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for ax in list(axes.flat)[len(kinds):]:
            ax.set_visible(False)
        fig.suptitle("Most mentioned actors by kind", x=0.01, ha="left")
    return fig


def actor_trends(df: pd.DataFrame) -> Figure | None:
    """Heatmap of mentions per period for the top actors (views.actor_trends)."""
    if df is None or df.empty:
        return None
    grid = df.pivot_table(index="name", columns="period", values="mentions", aggfunc="sum",
                          fill_value=0)
    grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index]
    grid.index = [_short(n, 28) for n in grid.index]
    grid.columns = _period_labels(grid.columns)
    period = _period_name(df["period"])
    with _style(grid=False):
        fig, axes = _figure(1.0 + 0.32 * len(grid))
        ax = axes[0, 0]
        sns.heatmap(grid, ax=ax, cmap="Blues", annot=grid.shape[1] <= 16, fmt="d",
                    cbar_kws={"label": "mentions"}, linewidths=0.5, linecolor="white")
        ax.set(xlabel="", ylabel="", title=f"Who rises and falls: mentions per {period}")
        _rotate(ax)
    return fig


def top_themes(df: pd.DataFrame, n: int = 15) -> Figure | None:
    """Share of articles carrying each theme (views.top_themes)."""
    if df is None or df.empty:
        return None
    data = df.sort_values("share", ascending=False).head(n)
    with _style():
        fig, axes = _figure(0.8 + 0.3 * len(data))
        ax = axes[0, 0]
        ax.barh([_short(lbl) for lbl in data["label"]], data["share"], color="#c0392b")
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set(xlabel="share of articles", ylabel="", title="Themes: share of articles")
        for y, (share, count) in enumerate(zip(data["share"], data["articles"], strict=True)):
            ax.text(share, y, f" {count}", va="center", fontsize="x-small", color="#444")
    return fig


def theme_share_by_source(df: pd.DataFrame, n: int = 12) -> Figure | None:
    """Themes side by side per source (views.theme_share_by_source): a heatmap of shares.

    None with fewer than two sources (top_themes already shows the single source).
    """
    if df is None or df.empty or df["source"].nunique() < 2:
        return None
    grid = df.pivot_table(index="label", columns="source", values="share", aggfunc="sum",
                          fill_value=0.0)
    grid = grid.loc[grid.mean(axis=1).sort_values(ascending=False).index].head(n)
    grid.columns = [_short(c, 24) for c in grid.columns]
    with _style(grid=False):
        fig, axes = _figure(1.0 + 0.34 * len(grid))
        ax = axes[0, 0]
        sns.heatmap(grid, ax=ax, cmap="Reds", vmin=0, vmax=max(float(grid.values.max()), 0.01),
                    annot=grid.shape[1] <= 12, fmt=".0%", linewidths=0.5, linecolor="white",
                    cbar_kws={"label": "share of the source's articles",
                              "format": PercentFormatter(1.0)})
        ax.set(xlabel="", ylabel="", title="Themes by source: share of each source's articles")
        _rotate(ax, 20)
    return fig


def theme_cooccurrence(matrix: pd.DataFrame, n: int = 12) -> Figure | None:
    """Articles shared by pairs of themes (views.theme_cooccurrence(st))."""
    if matrix is None or matrix.empty:
        return None
    grid = matrix.iloc[:n, :n]
    with _style(grid=False):
        fig, axes = _figure(1.2 + 0.38 * len(grid))
        ax = axes[0, 0]
        mask = np.triu(np.ones(grid.shape, dtype=bool), k=1)
        sns.heatmap(grid, ax=ax, mask=mask, cmap="Purples", annot=True, fmt="d",
                    linewidths=0.5, linecolor="white", cbar_kws={"label": "articles"})
        ax.set(xlabel="", ylabel="", title="Themes found in the same articles (diagonal: total)")
        _rotate(ax)
    return fig


# -------------------------------------------------------------------------- networks


def interaction_network(graph: nx.DiGraph, max_labels: int = 40) -> Figure | None:
    """Actors as nodes (sized by mentions, coloured by kind), interactions as arrows
    (coloured by the most frequent PLOVER type, width by count), with a legend.

    Events whose text names one side only cannot be arrows; their number
    (views.interaction_graph's graph.graph["one_sided"]) is stated under the network, and a
    corpus with only such events gets a figure that says so instead of nothing.
    """
    if graph is None:
        return None
    one_sided = int(graph.graph.get("one_sided", 0))
    if graph.number_of_edges() == 0:
        return _one_sided_only(one_sided) if one_sided else None
    pos = _layout(graph)
    mentions = np.array([graph.nodes[n].get("mentions", 1) for n in graph.nodes], dtype=float)
    sizes = 120 + 1400 * np.sqrt(mentions / max(mentions.max(), 1))
    colors = [KIND_COLORS.get(graph.nodes[n].get("kind"), OTHER_COLOR) for n in graph.nodes]
    edges = list(graph.edges(data=True))
    counts = np.array([d["count"] for *_, d in edges], dtype=float)
    widths = 1.0 + 4.0 * counts / max(counts.max(), 1)
    edge_colors = [PLOVER_COLORS.get(d["event_type"], OTHER_COLOR) for *_, d in edges]
    labelled = sorted(graph.nodes, key=lambda n: -graph.nodes[n].get("mentions", 0))[:max_labels]
    with _style():
        fig, axes = _figure(7.0)
        ax = axes[0, 0]
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=colors,
                               alpha=0.9, linewidths=0.8, edgecolors="white")
        nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=[(u, v) for u, v, _ in edges],
                               width=widths, edge_color=edge_colors, alpha=0.8, arrows=True,
                               arrowsize=12, node_size=sizes, connectionstyle="arc3,rad=0.12")
        nx.draw_networkx_labels(graph, pos, ax=ax, font_size=7.5,
                                labels={n: _short(graph.nodes[n].get("name", n), 24)
                                        for n in labelled},
                                bbox={"facecolor": "white", "alpha": 0.6, "edgecolor": "none",
                                      "pad": 0.3})
        ax.set_axis_off()
        ax.set_title("Who interacts with whom", loc="left")
        used = sorted({d["event_type"] for *_, d in edges},
                      key=lambda t: list(PLOVER_COLORS).index(t) if t in PLOVER_COLORS else 99)
        handles = [Line2D([0], [0], color=PLOVER_COLORS.get(t, OTHER_COLOR), lw=3, label=t)
                   for t in used]
        kinds = [k for k in KINDS if k in {graph.nodes[n].get("kind") for n in graph.nodes}]
        handles += [Line2D([0], [0], marker="o", lw=0, markersize=9, color=KIND_COLORS[k],
                           label=KIND_LABELS[k]) for k in kinds]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small",
                  title="event type / actor kind", frameon=False)
        if one_sided:
            ax.text(0.0, -0.02, _one_sided_note(one_sided), transform=ax.transAxes,
                    ha="left", va="top", fontsize="small", color="#555555")
    return fig


def _one_sided_note(one_sided: int) -> str:
    """What the network leaves out: events with one side not named."""
    events = "event names" if one_sided == 1 else "events name"
    return (f"Not drawn: {one_sided:,} {events} only one side (the other is not named "
            "in the text); the table counts them.")


def _one_sided_only(one_sided: int) -> Figure:
    """A small figure saying that no event names both sides, so there is no network."""
    with _style(grid=False):
        fig, axes = _figure(1.0)
        ax = axes[0, 0]
        ax.set_axis_off()
        ax.text(0.0, 0.5, "No event names both sides, so there is no network. "
                + _one_sided_note(one_sided), transform=ax.transAxes, ha="left",
                va="center", fontsize="small", wrap=True)
    return fig


def _layout(graph: nx.DiGraph) -> dict:
    """Kamada-Kawai (even spacing, few crossings) seeded with a spring layout for stability."""
    undirected = nx.Graph(graph.to_undirected())
    start = nx.spring_layout(undirected, seed=7)
    try:
        return nx.kamada_kawai_layout(undirected, pos=start)
    except (ImportError, ValueError, nx.NetworkXException):  # scipy missing, degenerate graph
        return start


# ---------------------------------------------------------------------------- actors


def actor_presence(df: pd.DataFrame, name: str = "") -> Figure | None:
    """Mentions per period, stacked by source (views.actor_presence)."""
    if df is None or df.empty or df["mentions"].sum() == 0:
        return None
    return _by_source_over_time(
        df, "mentions", height=3.4, ylabel=f"mentions per {_period_name(df['period'])}",
        title=f"Mentions of {_short(name, 50)} over time" if name else "Mentions over time")


def partners(df: pd.DataFrame) -> Figure | None:
    """Partners by PLOVER event type, as source and as target (views.actor_partners)."""
    if df is None or df.empty:
        return None
    directions = [d for d in ("as source", "as target") if d in set(df["direction"])]
    longest = int(df.groupby("direction")["partner"].nunique().max())
    types = sorted(df["event_type"].unique(),
                   key=lambda t: list(PLOVER_COLORS).index(t) if t in PLOVER_COLORS else 99)
    with _style():
        fig, axes = _figure(1.2 + 0.32 * longest, ncols=len(directions))
        for ax, direction in zip(axes.flat, directions, strict=True):
            data = df[df["direction"] == direction].pivot_table(
                index="partner", columns="event_type", values="interactions", aggfunc="sum",
                fill_value=0)
            data = data.loc[data.sum(axis=1).sort_values(ascending=True).index]
            left = np.zeros(len(data))
            for t in types:
                if t not in data.columns:
                    continue
                ax.barh([_short(p, 24) for p in data.index], data[t], left=left,
                        color=PLOVER_COLORS.get(t, OTHER_COLOR), label=t)
                left = left + data[t].to_numpy()
            ax.set_title("acting on (as source)" if direction == "as source"
                         else "acted on by (as target)", loc="left")
            ax.set(xlabel="interactions", ylabel="")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        handles = [Patch(color=PLOVER_COLORS.get(t, OTHER_COLOR), label=t) for t in types]
        fig.legend(handles=handles, loc="outside right upper", fontsize="small",
                   title="event type", frameon=False)
    return fig


def tone_over_time(df: pd.DataFrame) -> Figure | None:
    """Mean sentence tone per period, one line per series (views.actor_tone_over_time)."""
    if df is None or df.empty:
        return None
    with _style():
        fig, axes = _figure(3.4)
        ax = axes[0, 0]
        series = list(dict.fromkeys(df["series"]))
        palette = ["#1f5fa8", "#999999", *sns.color_palette("tab10")]
        for color, name in zip(palette, series, strict=False):
            data = df[df["series"] == name].sort_values("period")
            ax.plot(data["period"], data["tone"], marker="o", color=color, label=_short(name, 40),
                    lw=2 if color != "#999999" else 1.2,
                    ls="-" if color != "#999999" else "--")
        ax.axhline(0, color="#444", lw=0.8)
        low = min(-0.2, float(df["tone"].min()) - 0.1)
        high = max(0.2, float(df["tone"].max()) + 0.1)
        ax.set_ylim(max(low, -1.05), min(high, 1.05))
        _date_axis(ax)
        ax.set(xlabel="", ylabel=f"mean tone per {_period_name(df['period'])} (VADER)",
               title="Tone of the sentences over time")
        ax.legend(fontsize="small", loc="best")
    return fig


# ---------------------------------------------------------------------------- themes


def theme_prevalence(df: pd.DataFrame, label: str = "") -> Figure | None:
    """Articles carrying the theme per period (stacked by source) and their share of all
    articles (views.theme_prevalence)."""
    if df is None or df.empty or df["with_theme"].sum() == 0:
        return None
    counts = df.pivot_table(index="period", columns="source", values="with_theme",
                            aggfunc="sum", fill_value=0)
    counts = counts[counts.sum().sort_values(ascending=False).index]
    overall = df.groupby("period")[["with_theme", "articles"]].sum()
    share = overall["with_theme"] / overall["articles"].where(overall["articles"] > 0)
    with _style():
        fig, axes = _figure(5.0, nrows=2, sharex=True, height_ratios=[3, 2])
        top, bottom = axes[0, 0], axes[1, 0]
        _stacked_bars(top, counts)
        top.set(ylabel=f"articles per {_period_name(df['period'])}",
                title=f"{_short(label, 60) or 'Theme'} over time")
        if len(counts.columns) > 1:
            top.legend(title="source", fontsize="small", loc="upper left",
                       bbox_to_anchor=(1.01, 1))
        middle = pd.to_datetime(share.index) + pd.Timedelta(days=_bar_width(df["period"]) / 2)
        bottom.plot(middle, share.to_numpy(), marker="o", color="#c0392b")
        bottom.set_ylim(0, min(1.0, max(float(share.max(skipna=True) or 0) * 1.2, 0.1)))
        bottom.yaxis.set_major_formatter(PercentFormatter(1.0))
        bottom.set(ylabel="share of articles", xlabel="")
        _date_axis(bottom)
    return fig


# --------------------------------------------------------------------------- articles


def sentence_tone(df: pd.DataFrame) -> Figure | None:
    """Tone of every sentence of one article, in order (views.article_tone)."""
    if df is None or df.empty:
        return None
    colors = ["#2c7fb8" if t >= 0.05 else "#d7301f" if t <= -0.05 else "#bbbbbb"
              for t in df["tone"]]
    with _style():
        fig, axes = _figure(2.8)
        ax = axes[0, 0]
        ax.bar(df["sentence_id"] + 1, df["tone"], color=colors)
        ax.axhline(0, color="#444", lw=0.8)
        ax.set_ylim(-1.05, 1.05)
        ax.set(xlabel="sentence", ylabel="tone (VADER)", title="Tone sentence by sentence")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def _period_labels(periods) -> list[str]:
    stamps = pd.to_datetime(pd.Index(periods))
    if len(stamps) > 1 and (stamps[1:] - stamps[:-1]).days.min() < 28:
        return [s.strftime("%d %b %Y") for s in stamps]
    return [s.strftime("%b %Y") for s in stamps]
