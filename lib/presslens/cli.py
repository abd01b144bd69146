"""Command line: `presslens extract`, `presslens reports`, `presslens eval`, `presslens validate`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from presslens import __version__
from presslens.cli_eval import add_eval_commands


def _progress(description: str, enabled: bool):
    def wrap(items: Iterable, total: int) -> Iterable:
        if not enabled:
            return items
        from tqdm import tqdm

        return tqdm(items, total=total, desc=description, unit="doc" if "extract" in description
                    else "report", file=sys.stderr)
    return wrap


def _stage_progress(enabled: bool):
    """A progress bar per stage of extraction ('parsing', 'extracting')."""
    def wrap(items: Iterable, total: int, stage: str) -> Iterable:
        if not enabled:
            return items
        from tqdm import tqdm

        return tqdm(items, total=total, desc=stage, unit="doc", file=sys.stderr)
    return wrap


def cmd_extract(args: argparse.Namespace) -> int:
    from presslens.config import Settings
    from presslens.pipeline import extract_corpus

    settings = Settings.from_env(model=args.model, codebook=args.codebook,
                                 actors_file=args.actors, workers=args.workers)
    engine = None
    if args.engine == "dask":
        from presslens.dask_engine import DaskEngine

        engine = DaskEngine(args.scheduler, workers=settings.workers, parts=args.parts)
    try:
        summary = extract_corpus(args.paths, args.out, settings=settings, name=args.name,
                                 progress=_stage_progress(not args.quiet), engine=engine)
    finally:
        if engine is not None:
            engine.close()
    print(summary.line())
    counts = ", ".join(f"{k} {v}" for k, v in summary.tables.items())
    print(f"tables: {counts}")
    if summary.n_rejected:
        print(f"rejected inputs are listed in the 'rejected' table: "
              f"presslens rejected --store {summary.store}")
    if summary.n_articles == 0:
        print("error: no usable article in the inputs", file=sys.stderr)
        return 1
    return 0


def cmd_rejected(args: argparse.Namespace) -> int:
    from presslens.store import open_store

    st = open_store(args.store)
    # Rows straight from DuckDB: no pandas, so the command starts in about half a second.
    rejected = st.con.execute('SELECT path, "where", reason FROM rejected ORDER BY rowid').fetchall()
    st.close()
    for path, location, reason in rejected:
        where = f":{location.split()[-1]}" if location else ""
        print(f"{path}{where}: {reason}")
    print(f"{len(rejected)} rejected")
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from presslens.config import Settings
    from presslens.reports import Requested, build_reports

    overrides = {"top_actors": args.actors, "top_themes": args.themes, "max_briefs": args.briefs,
                 "min_mentions": args.min_mentions, "page_timeout": args.page_timeout}
    settings = Settings.from_env(**overrides)
    requested = Requested(actors=args.actor or (), themes=args.theme or (), articles=args.article or ())
    summary = build_reports(args.store, args.out, settings=settings, workers=args.workers,
                            force=args.force, gold=args.gold, requested=requested,
                            self_contained=args.self_contained,
                            progress=_progress("reports", not args.quiet))
    print(f"{summary['total']} reports: {summary['rebuilt']} rebuilt, "
          f"{summary['up_to_date']} up to date, {len(summary['failed'])} failed "
          f"({summary['seconds']:.0f} s) -> {summary['index']}")
    rebuilt = [r["filename"] for r in summary["reports"] if r["status"] == "rebuilt"]
    if rebuilt and len(rebuilt) < summary["total"]:
        shown = ", ".join(rebuilt[:12]) + (f" and {len(rebuilt) - 12} more" if len(rebuilt) > 12 else "")
        print(f"rebuilt: {shown}")
    for filename, error in summary["failed"]:
        print(f"FAILED {filename}: {error}", file=sys.stderr)
    return 1 if summary["failed"] else 0


def existing_file(value: str) -> Path:
    """An argument naming a file that must exist (a missing one would be ignored downstream)."""
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value}: no such file; check the path")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presslens",
        description="Who is doing and saying what, about which themes, across news articles.")
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract", help="read articles and write a store of actors, themes, quotes, interactions",
        description="Read articles (folders or .txt .md .html .json .jsonl .csv files) and "
                    "write the store: Parquet tables and a DuckDB database.")
    extract.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of articles")
    extract.add_argument("--out", required=True, metavar="STORE", help="store folder to write")
    extract.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm if installed)")
    extract.add_argument("--codebook", type=Path, help="theme codebook YAML")
    extract.add_argument("--actors", type=existing_file,
                         help="analyst actor table (default data/actors.yml)")
    extract.add_argument("--workers", type=int, help="parser processes (default: up to 2)")
    extract.add_argument("--name", help="corpus name shown in reports")
    extract.add_argument("--engine", choices=("local", "dask"), default="local",
                         help="where articles are parsed and extracted: worker processes here "
                              "(default) or a Dask cluster")
    extract.add_argument("--scheduler", metavar="ADDRESS",
                         help="with --engine dask: the scheduler to use (tcp://host:8786); "
                              "default: a LocalCluster of --workers workers")
    extract.add_argument("--parts", metavar="FOLDER", type=Path,
                         help="with --engine dask: where workers write the rows they extract, a "
                              "folder the workers and this machine share (default: beside the store)")
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    extract.set_defaults(func=cmd_extract)

    reports = commands.add_parser(
        "reports", help="render the HTML report site of a store",
        description="Execute the report notebooks on warm Jupyter kernels and render HTML pages "
                    "with an index: the overview, a profile for every actor with --min-mentions "
                    "mentions, every theme and every article. Only reports whose notebook, "
                    "parameters or store data changed are executed again; exits 1 when a report "
                    "fails.")
    reports.add_argument("--store", required=True, help="store folder from 'presslens extract'")
    reports.add_argument("--out", required=True, metavar="DIR", help="folder for the HTML site")
    reports.add_argument("--workers", type=int,
                         help="notebooks run at once (default: PRESSLENS_WORKERS, else up to 2)")
    reports.add_argument("--min-mentions", type=int, metavar="N",
                         help="a profile for every actor with at least N mentions (default 10)")
    reports.add_argument("--actors", type=int, metavar="N",
                         help="cap: profiles of the N most mentioned of those actors only")
    reports.add_argument("--themes", type=int, metavar="N",
                         help="cap: reports of the N themes in most articles (default: every theme)")
    reports.add_argument("--briefs", type=int, metavar="N",
                         help="cap: briefs of the N newest articles (default: every article)")
    reports.add_argument("--actor", action="append", metavar="NAME",
                         help="build or refresh just this actor's profile (id, name or alias; "
                              "repeatable) and link it into the index, whatever its mentions")
    reports.add_argument("--theme", action="append", metavar="THEME",
                         help="build or refresh just this theme's report (id or label; repeatable)")
    reports.add_argument("--article", action="append", metavar="ID",
                         help="build or refresh just this article's brief (repeatable)")
    reports.add_argument("--self-contained", action="store_true",
                         help="embed stylesheets and DataTables in every page (to mail one page) "
                              "instead of sharing them under assets/")
    reports.add_argument("--page-timeout", type=float, metavar="SECONDS",
                         help="stop a page that runs longer and show it as failed (default 600; "
                              "0: no limit)")
    reports.add_argument("--gold", type=Path, metavar="FILE",
                         help="hand-coded gold annotations (JSONL): adds the validation report")
    reports.add_argument("--force", action="store_true", help="rebuild every report")
    reports.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    reports.set_defaults(func=cmd_reports)

    rejected = commands.add_parser("rejected", help="list the inputs a store rejected, and why")
    rejected.add_argument("--store", required=True, help="store folder")
    rejected.set_defaults(func=cmd_rejected)
    add_eval_commands(commands)
    return parser


def one_line(message: str) -> str:
    """A message on one line: a parser's multi-line report (YAML's caret pointer) joined by '; '."""
    parts = [part.strip() for part in message.splitlines()]
    return "; ".join(part for part in parts if part.strip("^ "))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; user errors are one line on stderr naming the file, exit status 2."""
    from presslens.errors import UserError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as error:  # programming errors keep their traceback
        print(f"presslens {args.command}: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
