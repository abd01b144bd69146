"""Event-type scoring on PLOVER and PETRARCH-2 style suites (small synthetic ones here)."""

import json

import pytest

from presslens.evaluate.events import (
    CAMEO_ROOT_TO_PLOVER,
    PLOVER_CROSSWALK,
    cameo_to_plover,
    eval_dir,
    eval_petrarch,
    eval_plover,
    plover_type,
)
from presslens.extract.interactions import PLOVER_TYPES


@pytest.mark.parametrize("name, expected", [
    ("DEMAND", "REQUEST"),
    ("DISAPPROVE", "ACCUSE"),
    ("FIGHT", "ASSAULT"),
    ("INVESTIGATE", "ACCUSE"),
    ("AGREE", "AGREE"),
    ("consult", "CONSULT"),
])
def test_events_eval_plover_crosswalk(name, expected):
    assert plover_type(name) == expected


def test_events_eval_crosswalk_targets_are_plover():
    assert set(PLOVER_CROSSWALK.values()) <= set(PLOVER_TYPES)
    assert {t for t in CAMEO_ROOT_TO_PLOVER.values() if t} <= set(PLOVER_TYPES)
    assert len(CAMEO_ROOT_TO_PLOVER) == 20


@pytest.mark.parametrize("code, expected", [
    ("010", None),           # make public statement: dropped by PLOVER
    ("020", None),           # appeal: dropped
    ("036", "AGREE"),
    ("042", "CONSULT"),
    ("057", "SUPPORT"),
    ("081", "CONCEDE"),      # verbal yield
    ("0841", "RETREAT"),     # material yield
    ("087", "RETREAT"),
    ("090", "ACCUSE"),
    ("1043", "REQUEST"),
    ("112", "ACCUSE"),
    ("163", "SANCTION"),
    ("190", "ASSAULT"),
    ("204", "ASSAULT"),
])
def test_events_eval_cameo_to_plover(code, expected):
    assert cameo_to_plover(code) == expected


def write_plover(folder, records):
    path = folder / "plover.json"
    path.write_text(json.dumps([{"id": "DOC", "event": "DOCUMENT"}, *records]))
    return path


def actor(code):
    return [{"actorText": code, "code": code}]


@pytest.fixture
def settings(tmp_path):
    from presslens.config import Settings

    return Settings.from_env(cache_dir=tmp_path / "cache")


def test_events_eval_plover_scores_the_store(tmp_path, nlp, settings):
    path = write_plover(tmp_path, [
        {"text": "The United States imposed sanctions on Iran.", "event": "SANCTION",
         "source": actor("USA"), "target": actor("IRN")},
        {"text": "Russia attacked Ukraine.", "event": "FIGHT",
         "source": actor("RUS"), "target": actor("POL")},
        {"text": "The United Nations criticized Israel.", "event": "DISAPPROVE",
         "source": actor("IGO"), "target": actor("ISR")},
        # one side named: the store holds the event with its source only
        {"text": "Iran rejected the proposal.", "event": "REJECT", "source": actor("IRN")},
        # a trigger without any actor: nothing in the store, right only for the trigger line
        {"text": "The talks were cancelled.", "event": "REDUCE_RELATIONS_UNKNOWN"},
        {"text": "Officials condemned the attack.", "event": "DISAPPROVE"},
        {"text": "Rain fell on the city.", "event": "DEMAND", "source": actor("USA"),
         "target": ""},
    ])
    scores = eval_plover(path, nlp=nlp, settings=settings, workdir=tmp_path)
    assert scores["n"] == 6 and scores["skipped"] == 1
    assert scores["accuracy"] == pytest.approx(4 / 6, abs=1e-3)
    assert scores["coverage"] == pytest.approx(4 / 6, abs=1e-3)
    assert scores["trigger_only_accuracy"] == pytest.approx(5 / 6, abs=1e-3)
    assert scores["source_accuracy"] == 1.0 and scores["n_source"] == 3   # IGO is not a country
    assert scores["target_accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert scores["n_target"] == 3
    assert scores["confusion"]["REQUEST"] == {"NONE": 1}
    assert scores["confusion"]["ACCUSE"] == {"ACCUSE": 1, "NONE": 1}
    assert scores["by_type"]["REJECT"] == "1/1"
    assert (tmp_path / "store" / "interactions.parquet").exists()   # what was scored


def test_events_eval_petrarch_scores_the_store(tmp_path, nlp, settings):
    records = [
        {"text": "Russia attacked Ukraine.", "noevents": False,
         "expected": [{"source": "RUS", "target": "UKR", "code": "190"}]},
        {"text": "Iran met with Iraq.", "noevents": False,
         "expected": [{"source": "IRN", "target": "IRQ", "code": "111"}]},
        {"text": "Iran said it was calm.", "noevents": False,
         "expected": [{"source": "IRN", "target": "IRN", "code": "010"}]},
        {"text": "France and Germany signed an agreement.", "noevents": True, "expected": []},
        {"text": "The weather was fine.", "noevents": True, "expected": []},
    ]
    path = tmp_path / "petrarch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    scores = eval_petrarch(path, nlp=nlp, settings=settings, workdir=tmp_path)
    assert scores["n"] == 2 and scores["accuracy"] == 0.5
    assert scores["unscored"] == 1
    assert scores["n_no_event"] == 2 and scores["false_alarms"] == 1
    assert scores["false_alarm_rate"] == 0.5


def test_events_eval_same_text_twice(tmp_path, settings):
    from presslens.evaluate.events import store_events

    held = store_events(["Russia attacked Ukraine.", "Nothing happened.",
                         "Russia attacked Ukraine."], settings=settings, workdir=tmp_path)
    assert [h.types for h in held] == [{"ASSAULT"}, set(), {"ASSAULT"}]
    assert all(h.in_store for h in held)
    assert held[0].first("ASSAULT") == ("ASSAULT", "RUS", "UKR", None)


def test_events_eval_missing_suite(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSLENS_EVAL", str(tmp_path / "nowhere"))
    assert eval_dir() == tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match="PRESSLENS_EVAL"):
        eval_plover()
    with pytest.raises(FileNotFoundError, match="petrarch2"):
        eval_petrarch()


def test_events_eval_suite_folder(tmp_path, nlp, settings):
    folder = tmp_path / "plover_gsr"
    folder.mkdir()
    (folder / "PLOVER_GSR_CAMEO.json").write_text(json.dumps([
        {"text": "Iran and China signed an agreement.", "event": "AGREE",
         "source": actor("IRN") + actor("CHN"), "target": None}]))
    scores = eval_plover(tmp_path, nlp=nlp, settings=settings)
    assert scores["n"] == 1 and scores["accuracy"] == 1.0 and scores["n_target"] == 0
