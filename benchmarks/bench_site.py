"""Benchmark of the report site: warm kernels against one bare papermill + nbconvert run.

Prints, in one run: pages built; total and per-page wall time with 1 and 2 workers; the
per-page time of one bare `papermill` + `jupyter nbconvert --to html` run of a two-cell
notebook, measured in the same run; the ratio of the two; the site's size in total and per
page (shared assets included). Not a test: figures, not assertions.

    python benchmarks/bench_site.py --store data/processed/sample
    python benchmarks/bench_site.py --store /tmp/wh200 --workers 2 --out /tmp/site-bench
    python benchmarks/bench_site.py --store /tmp/wh200 --then-store /tmp/wh210  # + an update

The bare run is timed before and after the builds (the machine's load drifts); the ratio
uses their mean. With --then-store (the same corpus with articles added), the last site is
brought up to date from it: pages rebuilt and time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from presslens.config import Settings
from presslens.reports import build_reports, kernel_name


def bare_run_seconds(folder: Path, repeats: int = 3) -> float:
    """Median wall time of `papermill` then `jupyter nbconvert --to html` on a two-cell notebook."""
    notebook = folder / "two-cells.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel_name(), "display_name": "Python", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(x + 1)")]
    nbformat.write(nb, notebook)
    bin_dir = Path(sys.executable).parent
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([str(bin_dir / "papermill"), str(notebook), str(folder / "executed.ipynb"),
                        "-p", "x", "2", "-k", kernel_name(), "--no-progress-bar"],
                       check=True, capture_output=True)
        subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html",
                        str(folder / "executed.ipynb")], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def site_size(out: Path) -> tuple[int, int]:
    """(bytes of every page, index and asset; number of pages other than the index)."""
    files = [*out.glob("*.html"), *(out / "assets").glob("*")]
    pages = [p for p in out.glob("*.html") if p.name != "index.html"]
    return sum(p.stat().st_size for p in files), len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a store from 'presslens extract'")
    parser.add_argument("--out", help="site folder (default: a temporary folder, removed)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure (default 1,2)")
    parser.add_argument("--min-mentions", type=int, default=None)
    parser.add_argument("--self-contained", action="store_true")
    parser.add_argument("--then-store", help="the same corpus with articles added: update the site")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="presslens-bench-site-"))
    try:
        bare_before = bare_run_seconds(scratch)
        print(f"bare papermill + nbconvert, two-cell notebook: {bare_before:.2f} s a page (median of 3)")
        settings = Settings.from_env(min_mentions=args.min_mentions)
        # The store is read from one folder, as `presslens extract` rewrites it in place: the
        # pages' parameters (the store's path) stay the same when the update comes.
        store = scratch / "store"
        shutil.copytree(args.store, store)
        rows = []
        for workers in (int(w) for w in args.workers.split(",")):
            out = Path(args.out or scratch / "site") / f"workers-{workers}"
            shutil.rmtree(out, ignore_errors=True)
            started = time.perf_counter()
            summary = build_reports(store, out, settings=settings, workers=workers,
                                    self_contained=args.self_contained)
            seconds = time.perf_counter() - started
            size, pages = site_size(out)
            built = summary["rebuilt"]
            per_page = seconds / max(built, 1)
            kinds: dict[str, int] = {}
            for report in summary["reports"]:
                kinds[report["kind"]] = kinds.get(report["kind"], 0) + 1
            rows.append((workers, built, len(summary["failed"]), seconds, per_page, size, pages))
            print(f"{workers} worker(s): {built} pages built ({json.dumps(kinds)}), "
                  f"{len(summary['failed'])} failed, {seconds:.1f} s total, {per_page:.2f} s a page; "
                  f"site {size / 1e6:.1f} MB, {size / max(pages, 1) / 1e3:.0f} KB a page with shared assets")
            for filename, error in summary["failed"][:5]:
                print(f"  FAILED {filename}: {error}")
        if args.then_store:
            shutil.rmtree(store)
            shutil.copytree(args.then_store, store)
            started = time.perf_counter()
            update = build_reports(store, out, settings=settings, workers=workers,
                                   self_contained=args.self_contained)
            rebuilt = [r for r in update["reports"] if r["status"] != "up to date"]
            print(f"update from {Path(args.then_store).name}: {len(rebuilt)} of {update['total']} pages "
                  f"rebuilt in {time.perf_counter() - started:.1f} s "
                  f"({json.dumps({k: sum(r['kind'] == k for r in rebuilt) for k in kinds})})")
        bare_after = bare_run_seconds(scratch)
        bare = (bare_before + bare_after) / 2
        print(f"bare papermill + nbconvert again: {bare_after:.2f} s a page; mean {bare:.2f} s")
        print("\nworkers  pages  failed  total s  s/page  ratio to bare  site MB  KB/page")
        for workers, built, failed, seconds, per_page, size, pages in rows:
            print(f"{workers:>7}  {built:>5}  {failed:>6}  {seconds:>7.1f}  {per_page:>6.2f}  "
                  f"{per_page / bare:>13.3f}  {size / 1e6:>7.1f}  {size / max(pages, 1) / 1e3:>7.0f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
