"""Command line: `presslens eval SUITE` (public benchmarks) and `presslens validate GOLD --store`."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

SUITES = ("plover", "petrarch", "gum")


def add_eval_commands(commands: argparse._SubParsersAction) -> None:
    """Register `eval` and `validate` on the `presslens` sub-command parser."""
    evaluate = commands.add_parser(
        "eval", help="score the extractors on public benchmark suites (PLOVER, PETRARCH-2, GUM)",
        description="Score PressLens on the public gold standards kept outside the repository: "
                    "plover and petrarch (event types the store's interactions table holds after "
                    "'presslens extract' of each text), gum (named actor mentions "
                    "and quote speakers on GUM Wikinews). The suites are read from --suites, "
                    "else $PRESSLENS_EVAL, else <project root>/../shared/eval.")
    evaluate.add_argument("suite", choices=(*SUITES, "all"), help="suite to run, or all")
    evaluate.add_argument("--suites", type=Path, metavar="DIR", help="folder holding the suites")
    evaluate.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm if installed)")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(func=cmd_eval)

    validate = commands.add_parser(
        "validate", help="score a store against hand-coded gold annotations",
        description="Precision, recall and F1 per layer (actors, actor country, themes, quotes, "
                    "quote speakers, interactions by type) of a store against a gold JSONL file "
                    "(format: data/gold/README.md), then every miss and false alarm with its "
                    "article and sentence.")
    validate.add_argument("gold", type=Path, metavar="GOLD.jsonl", help="gold annotations")
    validate.add_argument("--store", required=True, help="store folder from 'presslens extract'")
    validate.add_argument("--max-errors", type=int, metavar="N",
                          help="list at most N misses and N false alarms per layer (default: all)")
    validate.add_argument("--json", action="store_true", help="print scores and errors as JSON")
    validate.set_defaults(func=cmd_validate)


# -- formatting ------------------------------------------------------------------------------

def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """A plain-text table: left-aligned text, right-aligned numbers."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in rows) and bool(rows)
               for i in range(len(header))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _print_scalars(result: dict) -> None:
    scalars = [(k, v) for k, v in result.items() if not isinstance(v, dict | list)]
    if scalars:
        width = max(len(k) for k, _ in scalars)
        for key, value in scalars:
            print(f"  {key.ljust(width)}  {_cell(value)}")


def _print_confusion(confusion: dict) -> None:
    predicted = sorted({p for row in confusion.values() for p in row})
    rows = [[gold, *(row.get(p, 0) for p in predicted)] for gold, row in confusion.items()]
    print("\n  confusion (rows: gold type, columns: predicted type)")
    print("  " + format_table(rows, ["gold", *predicted]).replace("\n", "\n  "))


def print_events(name: str, result: dict) -> None:
    print(f"\n== {name} ==")
    _print_scalars(result)
    for key, value in result.items():
        if key == "confusion" and isinstance(value, dict) and value:
            _print_confusion(value)
        elif isinstance(value, dict):
            print(f"\n  {key}")
            _print_scalars(value)


def print_gum(result: dict) -> None:
    print("\n== gum ==")
    print(f"  {result.get('n_documents')} documents from {result.get('suite')}")
    header = ["mentions", "type", "precision", "recall", "f1", "gold", "predicted", "correct", "neutral"]
    rows = []
    for key, label in (("mentions", "with places"), ("mentions_actors_only", "actors only")):
        figures = result.get(key, {})
        for kind, f in (("all", figures), *figures.get("by_type", {}).items()):
            rows.append([label, kind, f.get("precision"), f.get("recall"), f.get("f1"), f.get("n_gold"),
                         f.get("n_predicted"), f.get("n_correct"), f.get("n_neutral")])
    print("\n  named person / organization / place mentions")
    print("  " + format_table(rows, header).replace("\n", "\n  "))
    print("\n  attribution speakers")
    _print_scalars(result.get("attributions", {}))


def print_validation(validation, *, max_errors: int | None = None) -> None:
    import pandas as pd

    scores = validation.scores
    rows = [[r.layer, r.precision, r.recall, r.f1, r.accuracy, int(r.n_gold), int(r.n_predicted),
             int(r.n_found), int(r.n_correct), int(r.n_unjudged)] for r in scores.itertuples()]
    print(f"{len(validation.articles)} gold articles")
    print(format_table(rows, ["layer", "precision", "recall", "f1", "accuracy", "gold", "predicted",
                              "found", "correct", "unjudged"]))
    for title, frame in (("Misses", validation.misses), ("False alarms", validation.false_alarms)):
        shown = f", at most {max_errors} per layer shown" if max_errors is not None else ""
        print(f"\n{title} ({len(frame)}{shown})")
        if frame.empty:
            continue
        if max_errors is not None:
            frame = frame.groupby("layer", sort=False).head(max_errors)
        for layer, group in frame.groupby("layer", sort=False):
            print(f"\n  {layer}")
            for e in group.itertuples():
                where = e.article_id + ("" if pd.isna(e.sentence_id) else f" #{e.sentence_id}")
                print(f"    {where}: {e.item}" + (f"  [{e.detail}]" if e.detail else ""))
                if isinstance(e.sentence, str) and e.sentence:
                    text = e.sentence if len(e.sentence) <= 160 else e.sentence[:157] + "..."
                    print(f"        {text}")


# -- commands --------------------------------------------------------------------------------

def _suite_runner(suite: str) -> Callable:
    if suite == "gum":
        from presslens.evaluate.gum import eval_gum

        return eval_gum
    from presslens.evaluate import events

    return events.eval_plover if suite == "plover" else events.eval_petrarch


def cmd_eval(args: argparse.Namespace) -> int:
    from presslens.config import Settings
    from presslens.evaluate.events import eval_dir
    from presslens.nlp import load_pipeline

    folder = args.suites if args.suites is not None else eval_dir()
    if not folder.is_dir():
        print(f"presslens eval: error: no evaluation suites folder at {folder}: put the suites "
              "(plover_gsr/, petrarch2/, gum_wikinews/) there, set PRESSLENS_EVAL, or pass "
              "--suites DIR", file=sys.stderr)
        return 2
    nlp = load_pipeline(args.model)
    settings = Settings.from_env(model=args.model)
    suites = SUITES if args.suite == "all" else (args.suite,)
    results: dict[str, dict] = {}
    failed = 0
    for suite in suites:
        try:
            if suite == "gum":
                results[suite] = _suite_runner(suite)(folder, nlp=nlp)
            else:
                results[suite] = _suite_runner(suite)(folder, nlp=nlp, settings=settings)
        except FileNotFoundError as error:
            print(f"presslens eval {suite}: error: {error}", file=sys.stderr)
            failed += 1
            continue
        if not args.json:
            if suite == "gum":
                print_gum(results[suite])
            else:
                print_events(suite, results[suite])
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    return 2 if failed else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from presslens.evaluate.gold import GoldError, load_gold, validate

    try:
        validation = validate(load_gold(args.gold), args.store)
    except GoldError as error:
        print(f"presslens validate: error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(validation.to_dict(), indent=2))
    else:
        print_validation(validation, max_errors=args.max_errors)
    return 0
