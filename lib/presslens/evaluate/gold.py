"""Validation against hand-coded gold: per-layer precision, recall and F1, with every error listed.

The gold format (one JSON object per line) is documented in data/gold/README.md:
`article_id`, `actors` [{name, kind, country, forms}], `themes` {present, absent},
`quotes` [{speaker, content, direct}], `interactions` [{source, event_type, target, trigger}].

Matching is lenient and counted from both sides: a predicted item is correct when it matches
any gold item, and a gold item is found when any predicted item matches it. Precision is
correct / predicted, recall is found / gold. So an actor split in two by the resolver counts
as two correct predictions, and one long predicted quote may cover two gold quotes.

Names are compared with `presslens.geo.fold` (case, accents, a leading "the" and a trailing
"'s" ignored).

Layers:
    actors: a predicted actor (one with a mention in the article) matches a gold actor when
        its canonical name, one of its aliases or one of its non-pronoun mention texts in the
        article equals the gold name or one of the gold forms.
    actor country: over matched gold actors, the country of the best-matching predicted actor
        (most mentions in the article) against the gold country; a null gold country (an
        international organisation) is right only when the prediction is null too. Precision
        is over matched actors given a country by PressLens, recall over those given one by
        the gold; `accuracy` is over all matched actors.
    themes: predicted = the article's `article_themes` rows. The gold lists `present` themes
        and a few clearly `absent` ones; themes in neither are undecided, so a predicted
        undecided theme is neither right nor wrong: it is counted in `n_unjudged` and left out
        of precision. Precision = predicted present / predicted (present or absent); recall =
        predicted present / present.
    quotes: a gold quote is found by a predicted quote of the same article whose content
        overlaps it (see `content_matches`), whoever the speaker. The gold lists statements by
        actors only, so a predicted quote without a speaker actor ("the report said") that
        overlaps no gold quote is not judged (`n_unjudged`, out of precision).
    quote speakers: as quotes, and the speaker matches too (see `speaker_matches`).
    interactions: same event type, and source and target each match by actor name, alias
        or gold form; for event types marked `symmetric` in the trigger lexicon the two
        actors may come in either order. Negated predictions ("refused to meet") are left
        out. A row with one side missing (`missing_side`) is not judged: gold interactions
        name both sides (`n_unjudged`, out of precision). One row per event type follows
        ("interactions CONSULT").

Known limits: the gold has no offsets, so a miss is linked to the sentence that contains the
gold phrase (or shares most words with it), which can be the wrong one when the phrase repeats.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from spacy.lang.en.stop_words import STOP_WORDS

from presslens.errors import MissingFile, UserError
from presslens.geo import fold
from presslens.lexicons import yaml_data
from presslens.store import Store, open_store

ACTOR_KINDS = frozenset({"person", "organization", "country", "group"})
SCORE_COLUMNS = ["layer", "n_gold", "n_predicted", "n_found", "n_correct", "precision", "recall",
                 "f1", "accuracy", "n_unjudged"]
ERROR_COLUMNS = ["layer", "kind", "article_id", "sentence_id", "item", "detail", "sentence"]
MISS, FALSE_ALARM = "miss", "false alarm"
# Content overlap: share of the shorter side's content words, and the fewest shared words.
MIN_OVERLAP = 0.5
MIN_SHARED_WORDS = 3


class GoldError(UserError, ValueError):
    """A gold file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class GoldActor:
    name: str
    kind: str | None = None
    country: str | None = None
    forms: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        """Folded name and forms: what a predicted actor may equal."""
        return frozenset(k for k in (fold(self.name), *map(fold, self.forms)) if k)


@dataclass(frozen=True)
class GoldQuote:
    speaker: str | None
    content: str
    direct: bool | None = None


@dataclass(frozen=True)
class GoldInteraction:
    source: str
    event_type: str
    target: str
    trigger: str | None = None


@dataclass(frozen=True)
class GoldArticle:
    """The annotations of one article; `where` is 'file:line' for messages."""

    article_id: str
    actors: tuple[GoldActor, ...] = ()
    themes_present: frozenset[str] = frozenset()
    themes_absent: frozenset[str] = frozenset()
    quotes: tuple[GoldQuote, ...] = ()
    interactions: tuple[GoldInteraction, ...] = ()
    where: str = ""

    def actor_keys(self, name: str | None) -> frozenset[str]:
        """Forms of the gold actor called `name` (or just the folded name when none is)."""
        if not name:
            return frozenset()
        wanted = fold(name)
        for actor in self.actors:
            if wanted in actor.keys:
                return actor.keys
        return frozenset({wanted})


# -- loading ---------------------------------------------------------------------------------

def _text(value: Any, what: str, where: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise GoldError(f"{where}: {what} must be a non-empty string, got {value!r}")
    return value.strip()


def _list(value: Any, what: str, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise GoldError(f"{where}: {what} must be a list, got {type(value).__name__}")
    return value


def _object(value: Any, what: str, where: str) -> dict:
    if not isinstance(value, dict):
        raise GoldError(f"{where}: {what} must be an object, got {value!r}")
    return value


def _parse_article(record: Any, where: str) -> GoldArticle:
    record = _object(record, "the line", where)
    unknown = set(record) - {"article_id", "actors", "themes", "quotes", "interactions", "notes"}
    if unknown:
        raise GoldError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    article_id = _text(record.get("article_id"), "article_id", where)
    actors = []
    for i, raw in enumerate(_list(record.get("actors"), "actors", where)):
        raw = _object(raw, f"actors[{i}]", where)
        name = _text(raw.get("name"), f"actors[{i}].name", where)
        kind = _text(raw.get("kind"), f"actors[{i}].kind", where, required=False)
        if kind is not None and kind not in ACTOR_KINDS:
            raise GoldError(f"{where}: actors[{i}].kind {kind!r} is not one of "
                            f"{', '.join(sorted(ACTOR_KINDS))}")
        country = _text(raw.get("country"), f"actors[{i}].country", where, required=False)
        forms = tuple(_text(f, f"actors[{i}].forms", where)
                      for f in _list(raw.get("forms"), f"actors[{i}].forms", where))
        actors.append(GoldActor(name, kind, country.upper() if country else None, forms))
    themes = _object(record.get("themes") or {}, "themes", where)
    present = {_text(t, "themes.present", where) for t in _list(themes.get("present"), "themes.present", where)}
    absent = {_text(t, "themes.absent", where) for t in _list(themes.get("absent"), "themes.absent", where)}
    if both := present & absent:
        raise GoldError(f"{where}: theme(s) both present and absent: {', '.join(sorted(both))}")
    quotes = []
    for i, raw in enumerate(_list(record.get("quotes"), "quotes", where)):
        raw = _object(raw, f"quotes[{i}]", where)
        direct = raw.get("direct")
        if direct is not None and not isinstance(direct, bool):
            raise GoldError(f"{where}: quotes[{i}].direct must be true or false, got {direct!r}")
        quotes.append(GoldQuote(_text(raw.get("speaker"), f"quotes[{i}].speaker", where, required=False),
                                _text(raw.get("content"), f"quotes[{i}].content", where), direct))
    interactions = []
    for i, raw in enumerate(_list(record.get("interactions"), "interactions", where)):
        raw = _object(raw, f"interactions[{i}]", where)
        interactions.append(GoldInteraction(
            _text(raw.get("source"), f"interactions[{i}].source", where),
            _text(raw.get("event_type"), f"interactions[{i}].event_type", where).upper(),
            _text(raw.get("target"), f"interactions[{i}].target", where),
            _text(raw.get("trigger"), f"interactions[{i}].trigger", where, required=False)))
    return GoldArticle(article_id, tuple(actors), frozenset(present), frozenset(absent),
                       tuple(quotes), tuple(interactions), where)


def load_gold(path: str | Path) -> list[GoldArticle]:
    """Read a gold JSONL file (format in data/gold/README.md).

    Raises:
        GoldError: naming the file and line, for invalid JSON, a missing or mistyped field,
            a duplicate article_id, or a file without any article.
        FileNotFoundError: when the file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingFile(f"gold file {path} does not exist")
    articles: list[GoldArticle] = []
    seen: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise GoldError(f"{where}: invalid JSON ({error.msg} at column {error.colno})") from None
            article = _parse_article(record, where)
            if article.article_id in seen:
                raise GoldError(f"{where}: article_id {article.article_id!r} already annotated at "
                                f"{seen[article.article_id]}")
            seen[article.article_id] = where
            articles.append(article)
    if not articles:
        raise GoldError(f"{path}: no gold article (the file is empty)")
    return articles


# -- matching helpers ------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def content_words(text: str) -> set[str]:
    """Lower-cased words of `text` without English stop words."""
    return {w for w in _words(text) if w not in STOP_WORDS}


def content_matches(gold: str, predicted: str) -> bool:
    """True when the gold phrase is inside the predicted content, or they share enough words.

    Enough: at least `MIN_SHARED_WORDS` content words, making up at least `MIN_OVERLAP` of the
    shorter side's content words (so a predicted fragment of a long gold quote counts).
    """
    gold_words, predicted_words = _words(gold), _words(predicted)
    if gold_words and " ".join(gold_words) in " ".join(predicted_words):
        return True
    g, p = content_words(gold), content_words(predicted)
    shared = len(g & p)
    enough = min(MIN_SHARED_WORDS, len(g))
    return bool(g and p) and shared >= enough and shared >= MIN_OVERLAP * min(len(g), len(p))


def _contains(longer: list[str], shorter: list[str], *, at_start: bool) -> bool:
    n = len(shorter)
    if not n or n >= len(longer):
        return False
    return longer[-n:] == shorter or (at_start and longer[:n] == shorter)


def speaker_matches(gold_keys: Iterable[str], predicted_names: Iterable[str], *, person: bool = False) -> bool:
    """True when a gold speaker form and a predicted speaker name refer to the same actor.

    Equal folded forms match; so does one containing the other at word boundaries at its end,
    where English puts the head of a name phrase ("Blinken" in "Secretary of State Antony
    Blinken"), or, for people, at its start ("Xi" in "Xi Jinping"). "Iran" inside "Iran's
    foreign ministry spokesperson" does not match: the ministry is not the country.
    """
    gold_forms = [f.split() for f in gold_keys if f]
    predicted_forms = [fold(n).split() for n in predicted_names if n and fold(n)]
    for g in gold_forms:
        for p in predicted_forms:
            if g == p or _contains(g, p, at_start=person) or _contains(p, g, at_start=person):
                return True
    return False


def _symmetric_types(triggers: str | Path | None) -> frozenset[str]:
    """Event types marked `symmetric: true` in the trigger lexicon."""
    if triggers is None:
        from presslens.config import Settings

        triggers = Settings.from_env().triggers
    try:
        data = yaml_data(Path(triggers).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return frozenset()
    events = data.get("events", {}) if isinstance(data, dict) else {}
    return frozenset(t.upper() for t, spec in events.items() if isinstance(spec, dict) and spec.get("symmetric"))


# -- scores ----------------------------------------------------------------------------------

def _ratio(num: int, den: int) -> float:
    return num / den if den else math.nan


def _f1(precision: float, recall: float) -> float:
    if precision == 0 or recall == 0:
        return 0.0
    if math.isnan(precision) or math.isnan(recall):
        return math.nan
    return 2 * precision * recall / (precision + recall)


def score_row(layer: str, n_gold: int, n_predicted: int, n_found: int, n_correct: int, *,
              accuracy: float = math.nan, n_unjudged: int = 0) -> dict:
    """One row of the scores table; undefined ratios (nothing to divide by) are NaN."""
    precision, recall = _ratio(n_correct, n_predicted), _ratio(n_found, n_gold)
    return {"layer": layer, "n_gold": n_gold, "n_predicted": n_predicted, "n_found": n_found,
            "n_correct": n_correct, "precision": precision, "recall": recall,
            "f1": _f1(precision, recall), "accuracy": accuracy, "n_unjudged": n_unjudged}


@dataclass
class Validation:
    """Scores per layer and every miss and false alarm, linked to its article and sentence."""

    scores: pd.DataFrame
    errors: pd.DataFrame
    articles: list[str] = field(default_factory=list)

    def score(self, layer: str) -> pd.Series:
        """The scores row of one layer ('actors', 'themes', 'quote speakers', ...)."""
        hit = self.scores[self.scores["layer"] == layer]
        if hit.empty:
            raise KeyError(f"no layer {layer!r}; layers: {', '.join(self.scores['layer'])}")
        return hit.iloc[0]

    def f1(self, layer: str) -> float:
        return float(self.score(layer)["f1"])

    @property
    def misses(self) -> pd.DataFrame:
        return self.errors[self.errors["kind"] == MISS].reset_index(drop=True)

    @property
    def false_alarms(self) -> pd.DataFrame:
        return self.errors[self.errors["kind"] == FALSE_ALARM].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """The scores for display: ratios first, counts after, undefined ratios blank (None)."""
        ratios = ["precision", "recall", "f1", "accuracy"]
        frame = self.scores[["layer", *ratios, "n_gold", "n_predicted", "n_found", "n_correct", "n_unjudged"]]
        frame = frame.rename(columns=lambda c: c.removeprefix("n_")).copy()
        for column in ratios:
            frame[column] = pd.Series([None if math.isnan(v) else round(float(v), 3) for v in frame[column]],
                                      index=frame.index, dtype=object)
        return frame

    def to_dict(self) -> dict:
        """Plain JSON-ready form: articles, scores and errors (NaN becomes null)."""
        return {"articles": list(self.articles),
                "scores": json.loads(self.scores.to_json(orient="records")),
                "errors": json.loads(self.errors.to_json(orient="records"))}


class _Article:
    """Predicted records of one article, indexed for matching."""

    def __init__(self, article_id: str, tables: Mapping[str, pd.DataFrame], actors: pd.DataFrame):
        def rows(name: str) -> pd.DataFrame:
            table = tables[name]
            return table[table["article_id"] == article_id]

        self.article_id = article_id
        self.sentences = rows("sentences").sort_values("sentence_id")
        self.sentence_text = dict(zip(self.sentences["sentence_id"].astype(int), self.sentences["text"],
                                      strict=True))
        self.mentions = rows("mentions")
        self.article_themes = rows("article_themes")
        self.themes = rows("themes")
        self.quotes = rows("quotes")
        self.interactions = rows("interactions")
        present = self.mentions["actor_id"].unique()
        self.actors = actors[actors["actor_id"].isin(present)]
        counts = self.mentions["actor_id"].value_counts()
        self.n_mentions = {a: int(counts.get(a, 0)) for a in present}
        self.first_sentence = self.mentions.groupby("actor_id")["sentence_id"].min().astype(int).to_dict()
        named = self.mentions[self.mentions["how"] != "pronoun"]
        texts = named.groupby("actor_id")["text"].agg(lambda s: set(s)).to_dict()
        self.names: dict[str, set[str]] = {}
        self.keys: dict[str, frozenset[str]] = {}
        self.kind: dict[str, str] = {}
        self.country: dict[str, str | None] = {}
        self.display: dict[str, str] = {}
        for row in actors.itertuples():
            names = {row.name, *(row.aliases if row.aliases is not None else ())}
            if row.actor_id in texts:
                names |= texts[row.actor_id]
            self.names[row.actor_id] = names
            self.keys[row.actor_id] = frozenset(k for k in map(fold, names) if k)
            self.kind[row.actor_id] = row.kind
            self.country[row.actor_id] = row.country if isinstance(row.country, str) else None
            self.display[row.actor_id] = row.name

    def sentence(self, sentence_id: int | None) -> str | None:
        return None if sentence_id is None else self.sentence_text.get(int(sentence_id))

    def locate(self, *phrases: str | None) -> int | None:
        """The sentence that contains the first phrase found, else shares most words with them."""
        folded = {sid: " ".join(_words(text)) for sid, text in self.sentence_text.items()}
        wanted = [p for p in phrases if p]
        for phrase in wanted:
            words = " ".join(_words(phrase))
            if not words:
                continue
            for sid, text in folded.items():
                if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text):
                    return sid
        if not wanted:
            return None
        target = set().union(*(content_words(p) for p in wanted))
        best, best_shared = None, 0
        for sid, text in folded.items():
            shared = len(target & set(text.split()))
            if shared > best_shared:
                best, best_shared = sid, shared
        return best

    def matching_actors(self, gold_keys: frozenset[str]) -> list[str]:
        """Predicted actors of this article whose forms meet the gold forms, most mentioned first."""
        hits = [a for a in self.n_mentions if self.keys.get(a, frozenset()) & gold_keys]
        return sorted(hits, key=lambda a: -self.n_mentions[a])

    def actor_forms(self, actor_id: str | None) -> frozenset[str]:
        return self.keys.get(actor_id, frozenset()) if actor_id else frozenset()


def _error(layer: str, kind: str, art: _Article, sentence_id: int | None, item: str, detail: str = "") -> dict:
    sid = None if sentence_id is None or (isinstance(sentence_id, float) and math.isnan(sentence_id)) \
        else int(sentence_id)
    return {"layer": layer, "kind": kind, "article_id": art.article_id, "sentence_id": sid,
            "item": item, "detail": detail, "sentence": art.sentence(sid)}


# -- layers ----------------------------------------------------------------------------------

def _actors(gold: GoldArticle, art: _Article, counts: dict, errors: list) -> None:
    matched_predicted: set[str] = set()
    for actor in gold.actors:
        hits = art.matching_actors(actor.keys)
        counts["actors"][0] += 1
        if not hits:
            sid = art.locate(actor.name, *actor.forms)
            errors.append(_error("actors", MISS, art, sid, actor.name,
                                 f"{actor.kind or '?'}, {actor.country or 'no country'}"))
            continue
        counts["actors"][2] += 1
        matched_predicted.update(hits)
        best = hits[0]
        predicted_country = art.country.get(best)
        country = counts["actor country"]
        country[0] += actor.country is not None
        country[1] += predicted_country is not None
        right = predicted_country == actor.country
        country[2] += right and actor.country is not None
        country[3] += right and predicted_country is not None
        country[4] += 1
        country[5] += right
        if not right:
            sid = art.first_sentence.get(best)
            detail = f"gold {actor.country or 'none'}, predicted {predicted_country or 'none'} ({art.display[best]})"
            if actor.country is not None:
                errors.append(_error("actor country", MISS, art, sid, actor.name, detail))
            if predicted_country is not None:
                errors.append(_error("actor country", FALSE_ALARM, art, sid, actor.name, detail))
    for actor_id in art.n_mentions:
        if actor_id in matched_predicted:
            counts["actors"][1] += 1
            counts["actors"][3] += 1
            continue
        # The gold annotates named actors of ACTOR_KINDS only; an unnamed agent ("the police",
        # "Iraqi troops") it could not have listed is out of its scope, not a false alarm.
        if art.kind.get(actor_id) not in ACTOR_KINDS:
            continue
        counts["actors"][1] += 1
        texts = sorted(art.mentions.loc[art.mentions["actor_id"] == actor_id, "text"].unique())
        errors.append(_error("actors", FALSE_ALARM, art, art.first_sentence.get(actor_id),
                             art.display.get(actor_id, actor_id),
                             f"{art.kind.get(actor_id, '?')}; as {', '.join(texts[:4])}"))


def _themes(gold: GoldArticle, art: _Article, counts: dict, errors: list, min_score: float) -> None:
    rows = art.article_themes[art.article_themes["score"] >= min_score]
    predicted = set(rows["theme"])
    first_hit = art.themes.sort_values("sentence_id").groupby("theme").first()
    judged = predicted & (gold.themes_present | gold.themes_absent)
    c = counts["themes"]
    c[0] += len(gold.themes_present)
    c[1] += len(judged)
    c[2] += len(predicted & gold.themes_present)
    c[3] += len(judged & gold.themes_present)
    c[4] += len(predicted - judged)
    for theme in sorted(gold.themes_present - predicted):
        errors.append(_error("themes", MISS, art, None, theme, "present in the gold, not found"))
    for theme in sorted(predicted & gold.themes_absent):
        hit = first_hit.loc[theme] if theme in first_hit.index else None
        sid = None if hit is None else int(hit["sentence_id"])
        term = "" if hit is None else f"first hit '{hit['term']}'"
        errors.append(_error("themes", FALSE_ALARM, art, sid, theme, f"gold says absent; {term}"))


def _quotes(gold: GoldArticle, art: _Article, counts: dict, errors: list) -> None:
    predicted = list(art.quotes.itertuples())

    def speaker_names(q) -> list[str]:
        names = [q.speaker_text] if isinstance(q.speaker_text, str) else []
        if isinstance(q.speaker_actor_id, str):
            names += sorted(art.names.get(q.speaker_actor_id, ()))
        return names

    def is_person(q, keys: frozenset[str]) -> bool:
        gold_person = any(a.kind == "person" and a.keys & keys for a in gold.actors)
        return gold_person or art.kind.get(q.speaker_actor_id) == "person"

    def speaker_ok(g: GoldQuote, q) -> bool:
        keys = gold.actor_keys(g.speaker)
        if not keys:
            return not isinstance(q.speaker_actor_id, str)
        return speaker_matches(keys, speaker_names(q), person=is_person(q, keys))

    content_hit = {(i, j) for i, g in enumerate(gold.quotes) for j, q in enumerate(predicted)
                   if content_matches(g.content, str(q.content))}
    both_hit = {(i, j) for i, j in content_hit if speaker_ok(gold.quotes[i], predicted[j])}
    # The gold lists statements by actors only: a predicted quote whose speaker is not an actor
    # ("the report said") and whose content is in no gold quote is not judged.
    unjudged = {j for j, q in enumerate(predicted)
                if not isinstance(q.speaker_actor_id, str) and j not in {j for _, j in content_hit}}
    for layer, hits in (("quotes", content_hit), ("quote speakers", both_hit)):
        c = counts[layer]
        found = {i for i, _ in hits}
        correct = {j for _, j in hits}
        c[0] += len(gold.quotes)
        c[1] += len(predicted) - len(unjudged)
        c[2] += len(found)
        c[3] += len(correct)
        c[4] += len(unjudged)
        for i, g in enumerate(gold.quotes):
            if i in found:
                continue
            detail = f"{g.speaker or 'no speaker'}: {'direct' if g.direct else 'reported'}"
            if layer == "quote speakers" and i in {i for i, _ in content_hit}:
                others = [predicted[j] for gi, j in content_hit if gi == i]
                said = ", ".join(sorted({str(q.speaker_text) for q in others}))
                detail = f"{g.speaker or 'no speaker'}: found with speaker {said or 'none'}"
            errors.append(_error(layer, MISS, art, art.locate(g.content), g.content, detail))
        for j, q in enumerate(predicted):
            if j in correct or j in unjudged:
                continue
            speaker = art.display.get(q.speaker_actor_id) if isinstance(q.speaker_actor_id, str) else None
            detail = f"{speaker or q.speaker_text or 'no speaker'} ({q.cue})"
            errors.append(_error(layer, FALSE_ALARM, art, q.sentence_id, str(q.content), detail))


def _interactions(gold: GoldArticle, art: _Article, counts: dict, errors: list,
                  symmetric: frozenset[str]) -> None:
    rows = [r for r in art.interactions.itertuples() if not bool(r.negated)]
    predicted = [r for r in rows if isinstance(r.source_actor_id, str) and isinstance(r.target_actor_id, str)]
    one_sided = [r for r in rows if r not in predicted]

    def ok(g: GoldInteraction, r) -> bool:
        if str(r.event_type).upper() != g.event_type:
            return False
        source, target = gold.actor_keys(g.source), gold.actor_keys(g.target)
        forward = bool(art.actor_forms(r.source_actor_id) & source and art.actor_forms(r.target_actor_id) & target)
        backward = g.event_type in symmetric and bool(
            art.actor_forms(r.source_actor_id) & target and art.actor_forms(r.target_actor_id) & source)
        return forward or backward

    hits = {(i, j) for i, g in enumerate(gold.interactions) for j, r in enumerate(predicted) if ok(g, r)}
    found, correct = {i for i, _ in hits}, {j for _, j in hits}
    types = {g.event_type for g in gold.interactions} | {str(r.event_type).upper() for r in predicted}
    for layer, wanted in [("interactions", None), *((f"interactions {t}", t) for t in sorted(types))]:
        c = counts.setdefault(layer, [0, 0, 0, 0, 0])
        c[4] += sum(1 for r in one_sided if not wanted or str(r.event_type).upper() == wanted)
        for i, g in enumerate(gold.interactions):
            if wanted and g.event_type != wanted:
                continue
            c[0] += 1
            c[2] += i in found
            if i not in found and wanted is None:
                source_forms = [f for a in gold.actors if fold(g.source) in a.keys for f in a.forms]
                sid = art.locate(g.trigger, *source_forms)
                errors.append(_error("interactions", MISS, art, sid, f"{g.source} {g.event_type} {g.target}",
                                     f"trigger '{g.trigger or ''}'"))
        for j, r in enumerate(predicted):
            if wanted and str(r.event_type).upper() != wanted:
                continue
            c[1] += 1
            c[3] += j in correct
            if j not in correct and wanted is None:
                item = (f"{art.display.get(r.source_actor_id, r.source_actor_id)} {r.event_type} "
                        f"{art.display.get(r.target_actor_id, r.target_actor_id)}")
                errors.append(_error("interactions", FALSE_ALARM, art, r.sentence_id, item,
                                     f"trigger '{r.trigger}'"))


def validate(gold: Iterable[GoldArticle] | str | Path, store: Store | str | Path, *,
             min_theme_score: float = 0.0, triggers: str | Path | None = None) -> Validation:
    """Score a store against gold annotations, restricted to the gold articles.

    Args:
        gold: articles from `load_gold`, or the path of a gold JSONL file.
        store: an open store or its folder.
        min_theme_score: predicted themes are the article's `article_themes` rows with at least
            this score (default: every row, a single passing hit included).
        triggers: trigger lexicon whose `symmetric` event types match in either direction
            (default: the configured lexicon).

    Returns:
        A `Validation`: `scores` (one row per layer; see the module docstring) and `errors`
        (layer, kind 'miss' or 'false alarm', article_id, sentence_id, item, detail, sentence).

    Raises:
        GoldError: when a gold article is not in the store (usually the wrong store).
    """
    articles = load_gold(gold) if isinstance(gold, str | Path) else list(gold)
    st = open_store(store) if isinstance(store, str | Path) else store
    names = ["sentences", "mentions", "article_themes", "themes", "quotes", "interactions"]
    tables = {name: st.table(name) for name in names}
    actors = st.table("actors")
    known = set(st.table("articles")["article_id"])
    missing = [a.article_id for a in articles if a.article_id not in known]
    if missing:
        raise GoldError(f"{len(missing)} gold article(s) are not in the store {st.path}: "
                        f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
    symmetric = _symmetric_types(triggers)

    # counts per layer: [n_gold, n_predicted, n_found, n_correct] (+ extras for some layers)
    counts: dict[str, list[int]] = {
        "actors": [0, 0, 0, 0],
        # gold with country, predicted with country, found, correct, matched, right
        "actor country": [0, 0, 0, 0, 0, 0],
        "themes": [0, 0, 0, 0, 0],
        "quotes": [0, 0, 0, 0, 0],
        "quote speakers": [0, 0, 0, 0, 0],
        "interactions": [0, 0, 0, 0, 0],
    }
    errors: list[dict] = []
    for article in articles:
        art = _Article(article.article_id, tables, actors)
        _actors(article, art, counts, errors)
        _themes(article, art, counts, errors, min_theme_score)
        _quotes(article, art, counts, errors)
        _interactions(article, art, counts, errors, symmetric)

    rows = []
    main = list(counts)[:6]  # fixed layers first, then one row per interaction type
    for layer, c in sorted(counts.items(), key=lambda kv: (main.index(kv[0]) if kv[0] in main else 6, kv[0])):
        if layer == "actor country":
            rows.append(score_row(layer, *c[:4], accuracy=_ratio(c[5], c[4])))
        elif len(c) == 5:  # themes, quotes, interactions: predictions the gold does not judge
            rows.append(score_row(layer, *c[:4], n_unjudged=c[4]))
        else:
            rows.append(score_row(layer, *c))
    scores = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    error_frame = pd.DataFrame(errors, columns=ERROR_COLUMNS)
    error_frame["sentence_id"] = error_frame["sentence_id"].astype("Int64")
    order = {layer: i for i, layer in enumerate(scores["layer"])}
    error_frame = error_frame.sort_values(
        ["layer", "kind", "article_id", "sentence_id"], key=lambda s: s.map(order) if s.name == "layer" else s,
        na_position="last", kind="stable").reset_index(drop=True)
    return Validation(scores, error_frame, [a.article_id for a in articles])
