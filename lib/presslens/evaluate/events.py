"""Scores of what the store holds for the PLOVER and PETRARCH-2 gold records.

Each suite text goes through `presslens extract` (the same pipeline, one article per text) and a
record is right when the store's `interactions` table holds its gold event type. The type of
the text's main trigger, with or without actors, is kept as a secondary figure
(`trigger_only_accuracy`): it is not in the store and users never see it.

The suites live outside the repository, in $PRESSLENS_EVAL or else `<project root>/../shared/eval`:
`plover_gsr/PLOVER_GSR_CAMEO.json` (the PLOVER gold-standard records from the CAMEO manual) and
`petrarch2/petrarch2_gsr_validation.jsonl` (PETRARCH-2 real-world validation sentences). Each
folder's PROVENANCE.md says where the records come from.

The suites are benchmarks: nothing in the trigger lexicon is written for one of their records.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from presslens.config import Settings, project_root
from presslens.extract.actors import ActorFinder
from presslens.extract.interactions import (
    PLOVER_TYPES,
    TriggerLexicon,
    find_interactions,
    find_triggers,
    load_triggers,
)
from presslens.geo import gazetteer
from presslens.pipeline import extract_corpus
from presslens.store import open_store

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


class HeldEvent(NamedTuple):
    """One interaction row of the store, with the countries of its actors."""

    event_type: str
    source_country: str | None
    target_country: str | None
    missing_side: str | None        # "source", "target" or None (both named)


class StoreEvents(NamedTuple):
    """What the store holds for one suite record: its interaction rows (not negated)."""

    rows: list[HeldEvent]
    in_store: bool                  # False when ingest rejected the text

    @property
    def types(self) -> set[str]:
        return {row.event_type for row in self.rows}

    def first(self, event_type: str) -> HeldEvent | None:
        return next((r for r in self.rows if r.event_type == event_type), None)


def store_events(texts: list[str], *, settings: Settings | None = None,
                 workdir: Path | None = None) -> list[StoreEvents]:
    """Put each text through `presslens extract` (one article per distinct text) and read back
    the interactions table: one StoreEvents per text, in order.

    The store is written to `workdir` (a temporary folder when None) and removed with it.
    """
    settings = settings or Settings.from_env()
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="presslens-eval-") as tmp:
            return store_events(texts, settings=settings, workdir=Path(tmp))
    ids: dict[str, str] = {}
    for text in texts:
        ids.setdefault(text.strip(), f"record-{len(ids) + 1:05d}")
    corpus = Path(workdir) / "suite.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for t, i in ids.items()),
                      encoding="utf-8")
    extract_corpus([corpus], Path(workdir) / "store", settings=settings, name="eval")
    store = open_store(Path(workdir) / "store")
    try:
        articles = set(store.table("articles")["article_id"])
        interactions = store.table("interactions")
        country = store.table("actors").set_index("actor_id")["country"]
    finally:
        store.close()
    # The table's own order (by sentence, main clause first) decides which row comes first.
    by_article: dict[str, list] = defaultdict(list)
    for row in interactions[~interactions["negated"].astype(bool)].itertuples():
        by_article[row.article_id].append(HeldEvent(
            row.event_type, _text_or_none(country.get(row.source_actor_id)),
            _text_or_none(country.get(row.target_actor_id)), _text_or_none(row.missing_side)))
    return [StoreEvents(by_article.get(ids[t.strip()], []), ids[t.strip()] in articles)
            for t in texts]


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _trigger_types(texts: list[str], nlp: Language | None,
                   lexicon: TriggerLexicon | None) -> list[str | None]:
    """Secondary figure: the type of each text's main trigger, whether or not any actor takes
    part (`predict_event`); the store never holds it."""
    if nlp is None:
        from presslens.nlp import load_pipeline
        nlp = load_pipeline()
    finder, lexicon = ActorFinder(), lexicon or load_triggers()
    return [predict_event(doc, finder=finder, lexicon=lexicon).event_type
            for doc in nlp.pipe(texts)]


class Prediction(NamedTuple):
    event_type: str | None
    source_country: str | None
    target_country: str | None
    how: str                    # "interaction", "trigger" (no actor pair) or "none"


def predict_event(doc: Doc, *, finder: ActorFinder, lexicon: TriggerLexicon) -> Prediction:
    """The main trigger of a short text (the trigger-only figure, not what the store holds).

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
    source = found.actors.get(best.source_key) if best.source_key else None
    target = found.actors.get(best.target_key) if best.target_key else None
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


def eval_plover(path: Path | None = None, *, settings: Settings | None = None,
                nlp: Language | None = None, lexicon: TriggerLexicon | None = None,
                workdir: Path | None = None) -> dict:
    """Score what the store holds for the PLOVER gold records.

    Every record with an `event` (the DOCUMENT record aside) is scored once, against its event
    type after PLOVER_CROSSWALK. Its text goes through `presslens extract` (`store_events`);
    the record is right when the store's interactions table holds a row of that type for it
    (negated rows do not count).

    Returns:
        n: records scored. accuracy: share whose gold type is among the store's rows.
        coverage: share with any interaction row. source_accuracy: over the n_source records
        whose first row of the gold type names a source and whose gold source has a country
        code, the share where that source's country is one of the gold codes;
        target_accuracy and n_target likewise. Gold codes that are not countries (IGO, ...) are
        left out. by_type: gold type -> records, right. confusion: gold type -> type found
        (the gold one when held, else the first row's, else "NONE") -> count.
        trigger_only_accuracy: the share whose main trigger in the text has the gold type,
        with or without actors; users never see it, it only says how far the lexicon reaches.
    """
    file = suite_path(path, PLOVER_FILE)
    records = [r for r in json.loads(file.read_text(encoding="utf-8"))
               if isinstance(r, dict) and r.get("event") and r.get("text")
               and r.get("event") != "DOCUMENT"]
    scored = [r for r in records if plover_type(r["event"]) in PLOVER_TYPES]
    texts = [r["text"] for r in scored]
    held = store_events(texts, settings=settings, workdir=workdir)
    triggers = _trigger_types(texts, nlp, lexicon)
    counts: Counter = Counter()
    confusion: dict[str, Counter] = defaultdict(Counter)
    by_type: dict[str, Counter] = defaultdict(Counter)
    for record, events, trigger in zip(scored, held, triggers, strict=True):
        expected = plover_type(record["event"])
        right = expected in events.types
        counts["n"] += 1
        counts["correct"] += right
        counts["covered"] += bool(events.rows)
        counts["not_in_store"] += not events.in_store
        counts["trigger_correct"] += trigger == expected
        by_type[expected]["n"] += 1
        by_type[expected]["right"] += right
        shown = expected if right else (events.rows[0].event_type if events.rows else "NONE")
        confusion[expected][shown] += 1
        row = events.first(expected)
        if row is None:
            continue
        for role, country in (("source", row.source_country), ("target", row.target_country)):
            gold = _countries(record.get(role))
            if gold and row.missing_side != role:
                counts[f"n_{role}"] += 1
                counts[f"{role}_correct"] += country in gold
    n = counts["n"]
    return {
        "n": n,
        "accuracy": _ratio(counts["correct"], n),
        "coverage": _ratio(counts["covered"], n),
        "source_accuracy": _ratio(counts["source_correct"], counts["n_source"]),
        "n_source": counts["n_source"],
        "target_accuracy": _ratio(counts["target_correct"], counts["n_target"]),
        "n_target": counts["n_target"],
        "not_in_store": counts["not_in_store"],
        "skipped": len(records) - n,
        "trigger_only_accuracy": _ratio(counts["trigger_correct"], n),
        "by_type": {t: f"{c['right']}/{c['n']}" for t, c in sorted(by_type.items())},
        "confusion": {gold: dict(row) for gold, row in sorted(confusion.items())},
    }


def eval_petrarch(path: Path | None = None, *, settings: Settings | None = None,
                  nlp: Language | None = None, lexicon: TriggerLexicon | None = None,
                  workdir: Path | None = None) -> dict:
    """Score what the store holds for the PETRARCH-2 validation records, and false alarms.

    Expected CAMEO codes become PLOVER types with `cameo_to_plover`. A record expecting events
    is scored when at least one of its codes has a PLOVER type; it is right when the store's
    interactions (not negated) for its text hold one of them. Records whose codes are all
    dropped by PLOVER (01, 02) are counted as `unscored`.

    Returns:
        n, accuracy, coverage, confusion and trigger_only_accuracy as in eval_plover, over
        scored records; n_no_event and false_alarms: records coded as having no event for
        which the store holds an interaction row, and false_alarm_rate, their share.
    """
    file = suite_path(path, PETRARCH_FILE)
    records = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    texts = [r["text"] for r in records]
    held = store_events(texts, settings=settings, workdir=workdir)
    triggers = _trigger_types(texts, nlp, lexicon)
    counts: Counter = Counter()
    confusion: dict[str, Counter] = defaultdict(Counter)
    for record, events, trigger in zip(records, held, triggers, strict=True):
        counts["not_in_store"] += not events.in_store
        if record.get("noevents") or not record.get("expected"):
            counts["n_no_event"] += 1
            counts["false_alarms"] += bool(events.rows)
            continue
        expected = [t for e in record["expected"] if (t := cameo_to_plover(str(e.get("code", ""))))]
        if not expected:
            counts["unscored"] += 1
            continue
        right = bool(events.types & set(expected))
        counts["n"] += 1
        counts["correct"] += right
        counts["covered"] += bool(events.rows)
        counts["trigger_correct"] += trigger in expected
        held_type = next((t for t in expected if t in events.types), None)
        shown = held_type or (events.rows[0].event_type if events.rows else "NONE")
        confusion[held_type or expected[0]][shown] += 1
    n = counts["n"]
    return {
        "n": n,
        "accuracy": _ratio(counts["correct"], n),
        "coverage": _ratio(counts["covered"], n),
        "n_no_event": counts["n_no_event"],
        "false_alarms": counts["false_alarms"],
        "false_alarm_rate": _ratio(counts["false_alarms"], counts["n_no_event"]),
        "unscored": counts["unscored"],
        "not_in_store": counts["not_in_store"],
        "trigger_only_accuracy": _ratio(counts["trigger_correct"], n),
        "confusion": {gold: dict(row) for gold, row in sorted(confusion.items())},
    }
