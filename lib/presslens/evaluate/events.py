"""Event-type scores of the interaction extractor on the PLOVER and PETRARCH-2 gold records.

The suites live outside the repository, in $PRESSLENS_EVAL or else `<project root>/../shared/eval`:
`plover_gsr/PLOVER_GSR_CAMEO.json` (the PLOVER gold-standard records from the CAMEO manual) and
`petrarch2/petrarch2_gsr_validation.jsonl` (PETRARCH-2 real-world validation sentences). Each
folder's PROVENANCE.md says where the records come from.

The suites are benchmarks: nothing in the trigger lexicon is written for one of their records.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from presslens.config import project_root
from presslens.extract.actors import ActorFinder
from presslens.extract.interactions import (
    PLOVER_TYPES,
    TriggerLexicon,
    find_interactions,
    find_triggers,
    load_triggers,
)
from presslens.geo import gazetteer

PLOVER_FILE = Path("plover_gsr") / "PLOVER_GSR_CAMEO.json"
PETRARCH_FILE = Path("petrarch2") / "petrarch2_gsr_validation.jsonl"

# The gold records use PLOVER 0.5 names. Current PLOVER renamed DEMAND to REQUEST, merged
# DISAPPROVE and INVESTIGATE into ACCUSE, and folded FIGHT into ASSAULT.
PLOVER_CROSSWALK = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT",
                    "INVESTIGATE": "ACCUSE"}

# CAMEO root code -> PLOVER type, after the table "PLOVER event categories" in the PLOVER
# README and manual (openeventdata/PLOVER), with the crosswalk above applied. PLOVER drops
# CAMEO 01 MAKE PUBLIC STATEMENT and 02 APPEAL (None: not scored). CAMEO 08 YIELD splits:
# 081-083 are verbal concessions (CONCEDE), 084-087 material ones (RETREAT).
CAMEO_ROOT_TO_PLOVER: dict[str, str | None] = {
    "01": None,           # MAKE PUBLIC STATEMENT: dropped
    "02": None,           # APPEAL: dropped
    "03": "AGREE",        # EXPRESS INTENT TO COOPERATE
    "04": "CONSULT",      # CONSULT
    "05": "SUPPORT",      # ENGAGE IN DIPLOMATIC COOPERATION
    "06": "COOPERATE",    # ENGAGE IN MATERIAL COOPERATION
    "07": "AID",          # PROVIDE AID
    "08": "CONCEDE",      # YIELD (081-083; 084-087 are RETREAT, see cameo_to_plover)
    "09": "ACCUSE",       # INVESTIGATE (PLOVER 0.x INVESTIGATE)
    "10": "REQUEST",      # DEMAND (PLOVER 0.x DEMAND)
    "11": "ACCUSE",       # DISAPPROVE (PLOVER 0.x DISAPPROVE)
    "12": "REJECT",       # REJECT
    "13": "THREATEN",     # THREATEN
    "14": "PROTEST",      # PROTEST
    "15": "MOBILIZE",     # EXHIBIT FORCE POSTURE
    "16": "SANCTION",     # REDUCE RELATIONS
    "17": "COERCE",       # COERCE
    "18": "ASSAULT",      # ASSAULT
    "19": "ASSAULT",      # FIGHT (PLOVER 0.x FIGHT)
    "20": "ASSAULT",      # USE UNCONVENTIONAL MASS VIOLENCE (PLOVER 0.x FIGHT)
}
RETREAT_YIELD_CODES = ("084", "085", "086", "087")


def plover_type(name: str) -> str:
    """A PLOVER 0.5 event name in current PLOVER terms ('DEMAND' -> 'REQUEST')."""
    name = name.strip().upper()
    return PLOVER_CROSSWALK.get(name, name)


def cameo_to_plover(code: str) -> str | None:
    """The PLOVER type of a CAMEO event code ('042' -> CONSULT), None for dropped categories."""
    code = code.strip()
    if code.startswith(RETREAT_YIELD_CODES):
        return "RETREAT"
    return CAMEO_ROOT_TO_PLOVER.get(code[:2])


def eval_dir() -> Path:
    """Where the evaluation suites live: $PRESSLENS_EVAL, else <project root>/../shared/eval."""
    return Path(os.environ.get("PRESSLENS_EVAL", project_root() / ".." / "shared" / "eval"))


def suite_path(path: Path | str | None, relative: Path) -> Path:
    """A suite file: `path` itself, or `relative` inside `path` (suite or eval folder) or the eval folder."""
    file = Path(path) if path is not None else eval_dir() / relative
    if file.is_dir():
        file = file / relative if (file / relative).exists() else file / relative.name
    if not file.is_file():
        raise FileNotFoundError(
            f"evaluation suite {file} not found: the suites are expected in $PRESSLENS_EVAL or "
            f"<project root>/../shared/eval, as {relative}")
    return file


def _parsed(records: list[dict], nlp: Language | None, lexicon: TriggerLexicon | None,
            ) -> tuple[ActorFinder, TriggerLexicon, Iterator[tuple[dict, Doc]]]:
    """What every event suite needs: an actor finder, the lexicon, and (record, Doc) pairs."""
    if nlp is None:
        from presslens.nlp import load_pipeline
        nlp = load_pipeline()
    parsed = zip(records, nlp.pipe(r["text"] for r in records), strict=True)
    return ActorFinder(), lexicon or load_triggers(), parsed


class Prediction(NamedTuple):
    event_type: str | None
    source_country: str | None
    target_country: str | None
    how: str                    # "interaction", "trigger" (no actor pair) or "none"


def predict_event(doc: Doc, *, finder: ActorFinder, lexicon: TriggerLexicon) -> Prediction:
    """The main event of a short text.

    Its type is that of the first trigger not negated (else the first) in `find_triggers`
    order: the trigger nearest the root of the first sentence, so "X refused to meet Y" is a
    REJECT, not a CONSULT. Source and target come from the first interaction of that type
    (else the first interaction); without any interaction they are None.
    """
    found = finder(doc)
    interactions = find_interactions(doc, found.mentions, lexicon=lexicon)
    triggers = find_triggers(doc, lexicon=lexicon)
    main = next((t for t in triggers if not t.negated), triggers[0]) if triggers else None
    if main is None and not interactions:
        return Prediction(None, None, None, "none")
    event_type = main.event_type if main is not None else interactions[0].event_type
    best = next((i for i in interactions if i.event_type == event_type and not i.negated),
                interactions[0] if interactions else None)
    if best is None:
        return Prediction(event_type, None, None, "trigger")
    source, target = found.actors.get(best.source_key), found.actors.get(best.target_key)
    return Prediction(event_type, source.country if source else None,
                      target.country if target else None, "interaction")


def _countries(actors: object) -> set[str]:
    """Gold actor codes that are countries (ISO 3166 alpha-3), from a PLOVER actor list."""
    known = gazetteer().countries
    if not isinstance(actors, list):
        return set()
    return {a["code"] for a in actors if isinstance(a, dict) and a.get("code") in known}


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def eval_plover(path: Path | None = None, *, nlp: Language | None = None,
                lexicon: TriggerLexicon | None = None) -> dict:
    """Score event types, and source and target countries, on the PLOVER gold records.

    Every record with an `event` (the DOCUMENT record aside) is scored once, against its event
    type after PLOVER_CROSSWALK. The prediction is `predict_event`: the first interaction
    found, else the type of the first trigger even without two actors.

    Returns:
        n: records scored. accuracy: share whose predicted type equals the gold type (no
        prediction counts as wrong). coverage: share with any prediction; interaction_coverage:
        share with a two-actor interaction. source_accuracy: over the n_source records that
        have a predicted interaction and at least one gold source with a country code, the
        share where the predicted source actor's country (LocalActor.country) is one of the
        gold source codes; target_accuracy and n_target likewise for targets. Gold codes that
        are not countries (IGO, ...) are left out. confusion: gold type -> predicted type (or
        "NONE") -> count.
    """
    file = suite_path(path, PLOVER_FILE)
    records = [r for r in json.loads(file.read_text(encoding="utf-8"))
               if isinstance(r, dict) and r.get("event") and r.get("text")
               and r.get("event") != "DOCUMENT"]
    finder, lexicon, parsed = _parsed(records, nlp, lexicon)
    counts: Counter = Counter()
    confusion: dict[str, Counter] = defaultdict(Counter)
    for record, doc in parsed:
        expected = plover_type(record["event"])
        if expected not in PLOVER_TYPES:
            counts["skipped"] += 1
            continue
        predicted = predict_event(doc, finder=finder, lexicon=lexicon)
        counts["n"] += 1
        counts["correct"] += predicted.event_type == expected
        counts["covered"] += predicted.event_type is not None
        confusion[expected][predicted.event_type or "NONE"] += 1
        if predicted.how != "interaction":
            continue
        counts["interactions"] += 1
        for role, country in (("source", predicted.source_country),
                              ("target", predicted.target_country)):
            gold = _countries(record.get(role))
            if gold:
                counts[f"n_{role}"] += 1
                counts[f"{role}_correct"] += country in gold
    n = counts["n"]
    return {
        "n": n,
        "accuracy": _ratio(counts["correct"], n),
        "coverage": _ratio(counts["covered"], n),
        "interaction_coverage": _ratio(counts["interactions"], n),
        "source_accuracy": _ratio(counts["source_correct"], counts["n_source"]),
        "n_source": counts["n_source"],
        "target_accuracy": _ratio(counts["target_correct"], counts["n_target"]),
        "n_target": counts["n_target"],
        "skipped": counts["skipped"],
        "confusion": {gold: dict(row) for gold, row in sorted(confusion.items())},
    }


def eval_petrarch(path: Path | None = None, *, nlp: Language | None = None,
                  lexicon: TriggerLexicon | None = None) -> dict:
    """Score event types on the PETRARCH-2 validation records, and false alarms.

    Expected CAMEO codes become PLOVER types with `cameo_to_plover`. A record expecting events
    is scored when at least one of its codes has a PLOVER type; the prediction
    (`predict_event`) is right when it is one of them. Records whose codes are all dropped by
    PLOVER (01, 02) are counted as `unscored`.

    Returns:
        n, accuracy, coverage (as in eval_plover, over scored records); n_no_event and
        false_alarm_rate: the share of records coded as having no event in which at least one
        two-actor interaction was found; confusion: first gold type -> predicted -> count.
    """
    file = suite_path(path, PETRARCH_FILE)
    records = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    finder, lexicon, parsed = _parsed(records, nlp, lexicon)
    counts: Counter = Counter()
    confusion: dict[str, Counter] = defaultdict(Counter)
    for record, doc in parsed:
        predicted = predict_event(doc, finder=finder, lexicon=lexicon)
        if record.get("noevents") or not record.get("expected"):
            counts["n_no_event"] += 1
            counts["false_alarms"] += predicted.how == "interaction"
            continue
        expected = [t for e in record["expected"] if (t := cameo_to_plover(str(e.get("code", ""))))]
        if not expected:
            counts["unscored"] += 1
            continue
        counts["n"] += 1
        counts["correct"] += predicted.event_type in expected
        counts["covered"] += predicted.event_type is not None
        confusion[expected[0]][predicted.event_type or "NONE"] += 1
    n = counts["n"]
    return {
        "n": n,
        "accuracy": _ratio(counts["correct"], n),
        "coverage": _ratio(counts["covered"], n),
        "n_no_event": counts["n_no_event"],
        "false_alarm_rate": _ratio(counts["false_alarms"], counts["n_no_event"]),
        "unscored": counts["unscored"],
        "confusion": {gold: dict(row) for gold, row in sorted(confusion.items())},
    }
