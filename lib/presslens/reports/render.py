"""Executed notebook -> HTML page, and the assets the pages of a site share.

Light pages (the default): the notebook stylesheet, PressLens's stylesheet and the DataTables
library live once under the site's `assets/`, referenced by relative paths, so the site opens
from disk or from an unpacked zip with no network. Self-contained pages embed the same files.

DataTables: itables embeds its library (base64) in the output of the first table shown; the
runner drops that output and loads the library from the page's head instead. The loader is a
classic script, because Chromium refuses ES modules from file: URLs; it imports the bundle
from a blob: URL, as itables does, and publishes it under the name itables' tables wait for.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from presslens.reports.plan import TEMPLATES
from presslens.reports.state import write_atomic

ASSETS = "assets"
STYLESHEET = TEMPLATES / "presslens" / "static" / "presslens.css"
# Rules of the lab template's own inline stylesheet that our pages need.
NOTEBOOK_RULES = """
a.anchor-link { display: none; }
.jp-Collapser { display: none; }
.jp-InputArea, .jp-InputArea-editor { overflow: hidden; }
.jp-OutputArea-output pre { line-height: inherit; font-family: inherit; }
"""
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes (tracebacks carry them)."""
    return _ANSI.sub("", text)


def one_line(text: str, limit: int = 400) -> str:
    """Text on one line, without colour codes, cut at `limit` characters."""
    text = " ".join(strip_ansi(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------ assets


def _lab_static(name: str) -> Path:
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("nbconvert", "templates"):
        path = Path(folder) / "lab" / "static" / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"nbconvert's lab template file {name} is missing: reinstall nbconvert")


def asset_texts() -> dict[str, str]:
    """File name -> text of every shared asset."""
    import itables
    from itables import javascript

    bundle = Path(itables.__file__).parent / "html" / "dt_bundle.js"
    name = javascript._itables_underscore_version()
    ready = javascript._itables_ready_event()
    # JSON, with '<' escaped so the source can sit inside a <script> element.
    source = json.dumps(bundle.read_text(encoding="utf-8")).replace("<", "\\u003c")
    loader = (
        "/* DataTables for itables' tables, loaded once per page (PressLens). */\n"
        "(function () {\n"
        f"  if (window.{name}) {{ return; }}\n"
        f"  var source = {source};\n"
        "  var url = URL.createObjectURL(new Blob([source], {type: 'application/javascript'}));\n"
        f"  window.{name} = import(url);\n"
        f"  window.{name}.then(function () {{ window.dispatchEvent(new Event({json.dumps(ready)})); }});\n"
        "})();\n")
    notebook_css = "\n".join(_lab_static(n).read_text(encoding="utf-8")
                             for n in ("index.css", "theme-light.css")) + NOTEBOOK_RULES
    return {
        "notebook.css": notebook_css,
        "presslens.css": STYLESHEET.read_text(encoding="utf-8"),
        "datatables.css": bundle.with_suffix(".css").read_text(encoding="utf-8"),
        "datatables.js": loader,
    }


def write_assets(out: Path, texts: dict[str, str]) -> None:
    """Write the shared assets under out/assets/ (only those whose text changed)."""
    folder = out / ASSETS
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text)


# ------------------------------------------------------------------------------ pages


def make_exporter():
    """The nbconvert HTML exporter of our page template (one per worker: it is slow to make)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="presslens", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = False  # code is hidden cell by cell
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def shown_parameters(parameters: dict, corpus: str) -> str:
    """A page's parameters as shown on it: the store by corpus name, files by name alone."""
    shown = []
    for key, value in parameters.items():
        if key == "site":
            continue
        if key == "store":
            value = corpus or Path(str(value)).name
        elif key == "gold":
            value = Path(str(value)).name
        shown.append(f"{key} = {value!r}")
    return ", ".join(shown)


def _uses_tables(nb) -> bool:
    """Drop itables' embedded copies of DataTables; True when the page shows an itables table."""
    found = False
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else markup
            if "window._itables_" in markup:
                found = True
                if "injectModule(" in markup:
                    continue  # the base64 bundle: loaded from the page's head instead
            kept.append(output)
        if "outputs" in cell:
            cell.outputs = kept
    return found


def render_notebook(nb, html_path: Path, *, exporter=None, title: str = "",
                    parameters: dict | None = None, error: str = "", corpus: str = "",
                    assets: str = ASSETS, notebook_name: str = "",
                    texts: dict[str, str] | None = None) -> None:
    """Executed notebook -> HTML: code hidden, figures embedded, nothing fetched from the network.

    With an error, the page opens with a banner (the error, the failing cell's code and its
    traceback, all escaped), and the failing cell shows its code where it ran. `assets` is
    the relative folder of the shared assets; "" embeds them (`texts`, read when not given).
    """
    nb.cells = [c for c in nb.cells
                if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    failing = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if error and failing is None and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            failing = cell
        else:
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    if title:
        nb.metadata["title"] = f"{title} · PressLens"
    page: dict = {"assets": assets, "tables": _uses_tables(nb)}
    if not assets:
        texts = texts or asset_texts()
        page.update(css=texts["presslens.css"], notebook_css=texts["notebook.css"],
                    tables_css=texts["datatables.css"], tables_js=texts["datatables.js"])
    if error:
        traceback = ""
        if failing is not None:
            traceback = "\n".join(strip_ansi(line) for o in failing.outputs
                                  if o.get("output_type") == "error" for line in o.get("traceback", []))
        page["failure"] = {
            "error": error,
            "parameters": shown_parameters(parameters or {}, corpus),
            "source": failing.source if failing is not None else "",
            "anchor": f"cell-id={failing.id}" if failing is not None and failing.get("id") else "",
            "traceback": traceback,
            "notebook": f"notebooks/{notebook_name}" if notebook_name else "",
        }
    exporter = exporter or make_exporter()
    body, _ = exporter.from_notebook_node(nb, resources={"presslens": page})
    write_atomic(html_path, body)


def render_html(notebook_path: Path | None, html_path: Path, *, title: str = "",
                parameters: dict | None = None, error: str = "", corpus: str = "",
                assets: str = ASSETS, exporter=None) -> None:
    """An executed notebook file (None: the kernel never started) -> its HTML page."""
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4) if notebook_path else nbformat.v4.new_notebook()
    render_notebook(nb, html_path, exporter=exporter, title=title, parameters=parameters,
                    error=error, corpus=corpus, assets=assets,
                    notebook_name=notebook_path.name if notebook_path else "")


def bare_failure_page(title: str, error: str, parameters: dict, corpus: str = "") -> str:
    """A failure page written without nbconvert (when rendering itself failed)."""
    esc = html.escape
    return (f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{esc(title)} "
            f"· failed</title><body style='font:15px/1.5 system-ui,sans-serif;max-width:60rem;"
            f"margin:auto'><p><a href='index.html'>&larr; All reports</a></p>"
            f"<h1>This report failed</h1><p><b>{esc(error)}</b></p>"
            f"<p>Parameters: {esc(shown_parameters(parameters, corpus))}</p></body></html>")
