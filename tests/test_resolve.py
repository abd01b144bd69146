"""Actors across articles: surnames, acronyms, the analyst's table, and the seed store."""

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
