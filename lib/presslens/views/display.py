"""Showing a view's frame in a notebook: escaped plain tables and interactive (DataTables) ones."""

from __future__ import annotations

import html
import re
from datetime import datetime

import numpy as np
import pandas as pd

from presslens.views.common import PERCENT_COLUMNS, _missing, _text
from presslens.views.markup import note

LONG_TABLE = 15  # more rows than this get an interactive (searchable, paged) table


_TABLES_READY = False


def init_tables() -> None:
    """Embed the itables (DataTables) library in the notebook so tables work offline."""
    global _TABLES_READY
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)
    _TABLES_READY = True


def show_html(markup: str) -> None:
    """Display an HTML string produced by this module."""
    from IPython.display import HTML, display

    display(HTML(markup))


def show_table(df: pd.DataFrame, *, empty: str = "Nothing to show.", long: int = LONG_TABLE,
               caption: str | None = None) -> None:
    """Display a view's frame: a plain table when short, an interactive one when long.

    Cells are escaped except the columns in df.attrs["html"] (already-escaped links);
    columns in df.attrs["hide"] are left out. An empty frame displays `empty` instead.
    """
    if df is None or df.empty:
        show_html(note(empty))
        return
    if len(df) <= long:
        show_html(table_html(df, caption=caption))
        return
    if not _TABLES_READY:
        init_tables()
    show_html(interactive_table_html(df, caption=caption))


def interactive_table_html(df: pd.DataFrame, *, caption: str | None = None) -> str:
    """An itables (DataTables) table of a view's frame, searchable and paged.

    Uses the library embedded by init_tables() (offline mode), never a CDN; cells are
    escaped as in show_table, so allow_html only lets our own links through.
    """
    import itables

    frame = _display_frame(df)
    kinds = frame.attrs["kinds"]
    # Table cells ignore min-width; give long-text columns a share of the width instead.
    wide = f"{max(20, 45 // max(kinds.count('wide'), 1))}%"
    defs = [{"className": f"dt-{'right' if kind == 'number' else 'left'} pl-{kind}",
             "targets": [i], **({"width": wide} if kind == "wide" else {})}
            for i, kind in enumerate(kinds)]
    return itables.to_html_datatable(
        frame, caption=caption, allow_html=True, connected=False, showIndex=False,
        maxBytes="4MB", pageLength=10, lengthMenu=[10, 25, 50, 100],
        classes="display compact", style="width:100%;margin:0", order=[],
        columnDefs=defs, autoWidth=False)


def table_html(df: pd.DataFrame, *, caption: str | None = None) -> str:
    """A plain HTML table of a view's frame, cells escaped as in show_table."""
    frame = _display_frame(df)
    classes = [f"pl-{kind}" for kind in frame.attrs["kinds"]]  # aligned and sized by the stylesheet
    head = "".join(
        f'<th class="{cls}">{c}</th>' for c, cls in zip(frame.columns, classes, strict=True)
    )
    rows = "".join(
        "<tr>" + "".join(
            f'<td class="{cls}">{v}</td>' for v, cls in zip(row, classes, strict=True)
        ) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="dataframe pl-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Hidden columns dropped, every non-HTML cell escaped, headers readable."""
    html_cols = set(df.attrs.get("html", ()))
    hide = set(df.attrs.get("hide", ()))
    out = pd.DataFrame(index=range(len(df)))
    kinds = []
    for col in df.columns:
        if col in hide:
            continue
        values = df[col].reset_index(drop=True)
        label = html.escape(str(col).replace("_", " "))
        kinds.append(_column_kind(values))
        if col in html_cols:
            out[label] = values.map(lambda v: "" if _missing(v) else str(v)).astype(object)
        elif pd.api.types.is_bool_dtype(values):
            out[label] = values.map(lambda v: "yes" if v else "no").astype(object)
        elif pd.api.types.is_integer_dtype(values):
            out[label] = values
        elif pd.api.types.is_float_dtype(values) and col in PERCENT_COLUMNS:
            out[label] = values.map(_percent).astype(object)
        elif pd.api.types.is_float_dtype(values):
            out[label] = values.round(2)
        else:
            out[label] = values.map(_cell).astype(object)
    out.attrs["kinds"] = kinds
    return out



_TAG = re.compile(r"<[^>]*>")


def _column_kind(values: pd.Series) -> str:
    """number, date, text or wide (long text): the stylesheet aligns numbers right, keeps dates
    on one line and gives long text room so that rows do not grow tall and thin."""
    if pd.api.types.is_bool_dtype(values):
        return "text"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    lengths = values.dropna().map(lambda v: len(_TAG.sub("", str(v))))
    return "wide" if len(lengths) and lengths.mean() > 60 else "text"


def _percent(value: object) -> str:
    if _missing(value):
        return ""
    v = float(value)
    return f"{v:.0%}" if v >= 0.1 or v == 0 else f"{v:.1%}"


def _cell(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp | datetime):  # kept on one line in narrow columns
        return f'<span class="pl-nowrap">{value.strftime("%Y-%m-%d")}</span>'
    if isinstance(value, list | tuple | np.ndarray):
        return html.escape("; ".join(_text(v) for v in value))
    if isinstance(value, float):
        return f"{value:.2f}"
    return html.escape(_text(value))
