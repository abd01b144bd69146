"""Actors across articles: surnames, acronyms, the analyst's table, and the seed store."""

import pandas as pd
import pytest

from presslens.extract.actors import ActorFinder
from presslens.extract.resolve import ActorTableError, load_overrides, override_aliases, resolve


def resolve_texts(nlp, texts, overrides=None):
    finder = ActorFinder(extra_aliases=override_aliases(overrides or []))
    found = {f"a{i}": finder(nlp(t)) for i, t in enumerate(texts)}
    actors, mentions, roles, _ = resolve(found, overrides=overrides)
    return actors, mentions


def test_resolve_full_name_and_later_surname_across_articles(nlp):
    actors, mentions = resolve_texts(nlp, [
        "Chinese Foreign Minister Wang Yi met Sergei Lavrov in Beijing.",
        "Wang Yi said the talks were candid.",
        "Chinese officials said Wang would travel to Moscow.",
    ])
    wang = actors[actors.name == "Wang Yi"].iloc[0]
    assert wang.n_articles == 3
    assert wang.country == "CHN"
    assert "Wang" in wang.aliases


def test_resolve_shared_surname_needs_agreeing_evidence(nlp):
    actors, _ = resolve_texts(nlp, [
        "Chen Wenqing, a Chinese official, visited Moscow.",
        "Taiwanese official Chen Chien-jen spoke in Taipei.",
        "Chen said the plan was sound.",
    ])
    assert {"Chen Wenqing", "Chen Chien-jen"} <= set(actors.name)
    lone = actors[actors.name == "Chen"]
    assert len(lone) == 1  # no evidence: not merged into either person


def test_resolve_acronym_joins_organisation(nlp):
    actors, _ = resolve_texts(nlp, [
        "The Shanghai Cooperation Organisation admitted Iran as a member.",
        "The SCO summit was held in Astana.",
    ])
    sco = actors[actors.name == "Shanghai Cooperation Organisation"].iloc[0]
    assert sco.n_articles == 2
    assert "SCO" not in set(actors.name)


def test_resolve_us_forms_are_one_actor(nlp):
    actors, _ = resolve_texts(nlp, ["The US warned Iran.", "The United States and America's allies met.",
                                    "Washington imposed sanctions on Tehran."])
    usa = actors[actors.country == "USA"]
    assert usa.name.tolist() == ["United States"]
    assert usa.iloc[0].n_articles == 3


def test_resolve_overrides_merge_rename_and_drop(nlp, tmp_path):
    table = tmp_path / "actors.yml"
    table.write_text(
        "- name: Ali Akbar Ahmadian\n  aliases: [A. A. Ahmadian]\n  roles: [Security chief]\n"
        "  country: IRN\n  kind: person\n"
        "- name: Western nations\n  drop: true\n")
    overrides = load_overrides(table)
    actors, mentions = resolve_texts(nlp, [
        "Ali Akbar Ahmadian criticised Western nations.",
        "A. A. Ahmadian spoke in Moscow.",
    ], overrides)
    ahmadian = actors[actors.name == "Ali Akbar Ahmadian"].iloc[0]
    assert ahmadian.n_articles == 2
    assert "Security Chief (IRN)" in ahmadian.roles         # one canonical office per state
    assert "Western nations" not in set(actors.name)
    assert "table" in set(mentions[mentions.actor_id == ahmadian.actor_id].how)


@pytest.mark.parametrize("content, message", [
    ("- name: X\n  kind: robot\n", "kind 'robot'"),
    ("- name: X\n  country: ZZZ\n", "country 'ZZZ'"),
    ("- aliases: [Y]\n", "needs a 'name'"),
    ("- name: X\n  colour: red\n", "unknown key"),
    ("- name: [unclosed\n", "not valid YAML"),
])
def test_resolve_bad_actor_table_names_file_and_entry(tmp_path, content, message):
    table = tmp_path / "actors.yml"
    table.write_text(content)
    with pytest.raises(ActorTableError) as error:
        load_overrides(table)
    assert message in str(error.value) and str(table) in str(error.value)


def test_resolve_first_name_variants_and_particle_surnames(nlp):
    actors, _ = resolve_texts(nlp, [
        "President Joe Biden spoke with Chancellor Olaf Scholz.",
        "President Joseph R. Biden met Ursula von der Leyen in Brussels.",
        "Biden and von der Leyen agreed to cooperate.",
    ])
    biden = actors[actors.name.str.contains("Biden")]
    assert len(biden) == 1 and biden.iloc[0].n_articles == 3
    leyen = actors[actors.name.str.contains("Leyen")]
    assert leyen.name.tolist() == ["Ursula von der Leyen"]
    assert leyen.iloc[0].n_articles == 2


def test_resolve_different_first_names_stay_apart(nlp):
    actors, _ = resolve_texts(nlp, ["Kamala Harris met Kevin Harris in Washington."])
    assert {"Kamala Harris", "Kevin Harris"} <= set(actors.name)


@pytest.mark.parametrize("a, b, same", [
    ("Joe", "Joseph", True), ("Jon", "John", True), ("Mohammed", "Mohammad", True), ("Bill", "William", True),
    ("Sergei", "Sergey", True), ("John", "Joseph", False), ("Kamala", "Kevin", False),
    ("Mario", "Maria", False), ("Daniel", "Daniela", False),
])
def test_resolve_same_given_name(a, b, same):
    from presslens.extract.actors import same_given_name

    assert same_given_name(a, b) is same


def test_resolve_john_and_joseph_of_one_family_stay_apart(nlp):
    actors, _ = resolve_texts(nlp, ["John Kerry met reporters.", "Joseph Kerry met reporters."])
    assert {"John Kerry", "Joseph Kerry"} <= set(actors.name)


def test_resolve_transcript_capitals_do_not_name_a_person(nlp):
    actors, _ = resolve_texts(nlp, ["PRIME MINISTER LEE: Good afternoon to all of you.\n\n"
                                    "VICE PRESIDENT HARRIS: Thank you, Prime Minister Lee."])
    assert "LEE" not in set(actors.name)


def test_resolve_a_states_senate_is_one_actor_and_senates_stay_apart(nlp):
    actors, _ = resolve_texts(nlp, [
        "The U.S. Senate voted on the bill.",
        "The US Senate and the United States Senate are one body.",
        "The United States reacted. The Senate in Washington passed the bill, U.S. officials said.",
        "Australia's Senate passed the bill.",
        "Canada's Senate rejected it.",
    ])
    senates = actors[actors.name.str.startswith("Senate")].set_index("country")
    assert set(senates.index) == {"USA", "AUS", "CAN"}
    assert senates.loc["USA", "name"] == "Senate (United States)"
    assert senates.loc["USA", "n_articles"] == 3 and senates.loc["USA", "sector"] == "LEG"


def test_resolve_international_body_never_takes_a_member_state(nlp):
    actors, _ = resolve_texts(nlp, ["Russia's envoy spoke at the United Nations in New York.",
                                    "The UN and Russia disagreed.", "Romania and the EU agreed.",
                                    "The European Union welcomed it."])
    un = actors[actors.name == "United Nations"].iloc[0]
    eu = actors[actors.name == "European Union"].iloc[0]
    assert pd.isna(un.country) and pd.isna(eu.country) and eu.n_articles == 2
    assert "EU" not in set(actors.name)


def test_resolve_fathers_and_sons_stay_apart(nlp):
    actors, _ = resolve_texts(nlp, [
        "U.S. President George W. Bush spoke in Texas.",
        "Former President George H. W. Bush attended.",
        "George Herbert Walker Bush was the 41st president.",
        "Florida official George P. Bush was there.",
        "George Bush Sr. stayed at home.",
    ])
    names = set(actors.name)
    assert {"George W. Bush", "George Herbert Walker Bush", "George P. Bush"} <= names
    elder = actors[actors.name == "George Herbert Walker Bush"].iloc[0]
    assert elder.n_articles == 2 and "George H. W. Bush" in elder.aliases
    assert "George Bush Sr." not in actors[actors.name == "George W. Bush"].iloc[0].aliases


def test_resolve_roles_are_one_office_per_state(nlp):
    actors, _ = resolve_texts(nlp, [
        "U.S. President George W. Bush spoke.",
        "George W. Bush, the President of the United States, spoke.",
        "President of the U.S. George W. Bush met reporters.",
        "Then-President George W. Bush said so, the United States said.",
    ])
    bush = actors[actors.name == "George W. Bush"].iloc[0]
    assert list(bush.roles) == ["President (USA)"]


def test_resolve_publisher_and_evidence_column(nlp):
    finder = ActorFinder()
    texts = {"wh1": "President Joseph R. Biden spoke with President Emmanuel Macron of France.",
             "wh2": "President Biden welcomed the Prime Minister of Japan.",
             "news": "Joseph R. Biden, the U.S. President, met British Prime Minister Boris Johnson."}
    found = {a: finder(nlp(t)) for a, t in texts.items()}
    sources = {"wh1": "The White House (Briefing Room)", "wh2": "The White House (Briefing Room)",
               "news": "Example News"}
    actors, _, roles, _ = resolve(found, sources=sources)
    biden = actors[actors.name == "Joseph R. Biden"].iloc[0]
    assert biden.country == "USA"
    assert biden.country_evidence.startswith("USA 3 (")
    assert "publisher 2" in biden.country_evidence and "title 1" in biden.country_evidence
    macron = actors[actors.name == "Emmanuel Macron"].iloc[0]
    assert macron.country == "FRA"                     # the text's state beats the publisher's
    assert {"role", "office", "country"} <= set(roles.columns)


def test_resolve_conflicting_evidence_is_kept(nlp):
    actors, _ = resolve_texts(nlp, ["British Prime Minister Tony Blair spoke.",
                                    "British Prime Minister Tony Blair left.",
                                    "American envoy Tony Blair arrived."])
    blair = actors[actors.name == "Tony Blair"].iloc[0]
    assert blair.country == "GBR"
    assert blair.country_evidence.startswith("GBR 2") and "USA 1" in blair.country_evidence


@pytest.mark.parametrize("file, content, message", [
    ("agents.yml", "institutions:\n  Senate: {sector: XYZ}\n", "institutions.Senate: sector 'XYZ'"),
    ("agents.yml", "agents:\n  MIL: [troops]\n  COP: [troops]\n", "agents.COP: 'troops' is also listed"),
    ("agents.yml", "colours: {}\n", "unknown section"),
    ("agents.yml", "international:\n  Interpol: []\nnongovernmental:\n  Greenpeace: [Interpol]\n",
     "nongovernmental.Greenpeace: form 'Interpol' is also listed under Interpol"),
    ("agents.yml", "institutions:\n  Kremlin: {sector: GOV, state: RUSSIA}\n",
     "institutions.Kremlin.state: 'RUSSIA'"),
    ("offices.yml", "offices:\n  Taoiseach: IRELAND\n", "offices.Taoiseach: 'IRELAND'"),
    ("offices.yml", "offices: [unclosed\n", "not valid YAML"),
])
def test_resolve_bad_lexicon_names_file_and_entry(tmp_path, file, content, message):
    from presslens.extract.lexicon import LexiconError, load_agents, load_offices

    path = tmp_path / file
    path.write_text(content)
    with pytest.raises(LexiconError) as error:
        (load_agents if file == "agents.yml" else load_offices)(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_resolve_lexicons_share_one_loader(tmp_path):
    import os

    from presslens.errors import MissingFile
    from presslens.extract.lexicon import LexiconError, load_agents, load_offices
    from presslens.lexicons import LexiconFileError, load_quote_cues

    assert LexiconError is LexiconFileError                      # one error class for all lexicons
    for load in (load_agents, load_offices, load_quote_cues):
        with pytest.raises(MissingFile, match="nowhere.yml: no such word-list file"):
            load(tmp_path / "nowhere.yml")
    agents = tmp_path / "agents.yml"
    agents.write_text("institutions:\n  Senate: {sector: LEG, forms: [Upper House, '']}\n")
    with pytest.raises(LexiconError, match=r"agents\.yml: institutions\.Senate\.forms, entry 2 \(''\)"):
        load_agents(agents)
    # A new version of a file is read again; an unchanged one comes from the cache.
    offices = tmp_path / "offices.yml"
    offices.write_text("offices:\n  Taoiseach: IRL\n")
    first = load_offices(offices)
    assert first.office_state("taoiseach") == "IRL" and load_offices(offices) is first
    offices.write_text("offices:\n  Taoiseach: GBR\n")
    os.utime(offices, (0, offices.stat().st_mtime + 10))
    assert load_offices(offices).office_state("taoiseach") == "GBR"


def test_resolve_packaged_lexicons_load():
    from presslens.extract.lexicon import load_agents, load_offices

    agents, offices = load_agents(), load_offices()
    assert agents.institutions["senate"].sector == "LEG" and agents.agent_nouns[("police",)] == "COP"
    assert agents.institutions["senate"].state is None and agents.institutions["white house"].state == "USA"
    assert agents.body_sector("Human Rights Watch") == "NGO" and agents.body_sector("United Nations") == "IGO"
    assert offices.office_state("national security advisor") == "USA"
    assert offices.publisher_state("The White House (Briefing Room)") == "USA"


def _local(article_id, name, kind="organization"):
    from presslens.extract.actors import LocalActor, Mention

    key = f"{kind}:{name.lower()}"
    actor = LocalActor(key, name, kind)
    actor.aliases[name] += 1
    return key, actor, Mention(0, len(name), name, 0, key, "name", 0, 1)


def _docs(records):
    from presslens.extract.actors import DocActors

    docs = {}
    for article_id, names in records.items():
        items = [_local(article_id, n) for n in names]
        docs[article_id] = DocActors([m for _, _, m in items], {k: a for k, a, _ in items})
    return docs


def test_resolve_acronym_with_two_expansions_takes_the_one_named_with_it():
    actors, *_ = resolve(_docs({
        "a1": ["National Liberation Front", "NLF"],
        "a2": ["NLF"],
        "a3": ["National Land Fund"],
    }))
    front = actors[actors.name == "National Liberation Front"].iloc[0]
    assert front.n_articles == 2 and "NLF" in front.aliases
    assert "NLF" not in set(actors.name)
    assert actors[actors.name == "National Land Fund"].iloc[0].n_articles == 1


def test_resolve_acronym_with_two_unseen_expansions_stays_apart():
    actors, *_ = resolve(_docs({"a1": ["National Liberation Front"], "a2": ["NLF"],
                                "a3": ["National Land Fund"]}))
    assert "NLF" in set(actors.name)


def test_resolve_hyphenated_particle_is_one_spelling(nlp):
    actors, _ = resolve_texts(nlp, ["Amir Tamim bin Hamad Al Thani of Qatar spoke.",
                                    "Amir Tamim bin Hamad Al-Thani of Qatar agreed."])
    thani = actors[actors.name.str.startswith("Tamim")]
    assert len(thani) == 1 and thani.iloc[0].n_articles == 2


def test_resolve_international_official_takes_no_state_from_other_articles(nlp):
    actors, _ = resolve_texts(nlp, ["UN Secretary-General Kofi Annan spoke in Geneva.",
                                    "Iraq welcomed Kofi Annan. Iraq said he was welcome in Iraq."])
    annan = actors[actors.name == "Kofi Annan"].iloc[0]
    assert pd.isna(annan.country) and "IRQ 1 (sentence 1)" == annan.country_evidence  # his sentence names Iraq


@pytest.mark.parametrize("role, country, named, office", [
    ("National security adviser", "SAU", "SAU", ("National Security Adviser", "SAU")),   # 'Saudi ...'
    ("National Security Advisor", None, None, ("National Security Advisor", "USA")),     # the table
    ("President of Chile", "PER", None, ("President", "CHL")),                          # the role's own
    ("Foreign minister", "PER", None, ("Foreign Minister", "PER")),                     # the person's
])
def test_resolve_office_state_named_with_the_role_beats_the_table(role, country, named, office):
    from presslens.extract.resolve import office_of

    assert office_of(role, country, named=named) == office


@pytest.mark.parametrize("role, office", [
    ("United States President", ("President", "USA")),        # a state of several words
    ("Incumbent President", ("President", "PER")),             # a qualifier is no office
    ("Ambassador to Iraq", ("Ambassador", "PER")),             # the post's place is not its state
])
def test_resolve_offices_without_state_words_and_qualifiers(role, office):
    from presslens.extract.resolve import office_of

    assert office_of(role, "PER") == office
