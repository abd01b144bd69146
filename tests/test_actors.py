"""Actor mentions within one article: names, roles, pronouns, titles, capitals, groups."""

import pytest

from presslens.extract.actors import ActorFinder


def actors_of(nlp, text):
    found = ActorFinder()(nlp(text))
    by_text = {}
    for m in found.mentions:
        by_text.setdefault(m.text, set()).add((m.key, m.how))
    return found, by_text


@pytest.mark.parametrize("text, surface, key, how", [
    ("Tehran and Beijing signed the deal.", "Tehran", "country:IRN", "capital"),
    ("Washington imposed new sanctions on Caracas.", "Washington", "country:USA", "capital"),
    ("The US and Iran held talks.", "US", "country:USA", "alias"),
    ("The Iranian delegation arrived.", "Iranian", "country:IRN", "demonym"),
    ("America will respond, the minister said.", "America", "country:USA", "alias"),
    ("Officials from the United States attended.", "United States", "country:USA", "name"),
])
def test_actors_states(nlp, text, surface, key, how):
    _, by_text = actors_of(nlp, text)
    assert (key, how) in by_text[surface]


@pytest.mark.parametrize("text, place", [
    ("The leaders held a meeting in Moscow on Friday.", "Moscow"),
    ("Delegates gathered at Beijing for the forum.", "Beijing"),
])
def test_actors_capital_as_place_is_not_an_actor(nlp, text, place):
    _, by_text = actors_of(nlp, text)
    assert place not in by_text


@pytest.mark.parametrize("text, name, role, country", [
    ("Iranian President Masoud Pezeshkian arrived in Beijing.", "Masoud Pezeshkian", "President", "IRN"),
    ("Chinese Foreign Minister Wang Yi met his counterpart.", "Wang Yi", "Foreign Minister", "CHN"),
    ("Iran's Secretary of the Supreme National Security Council, Ali Akbar Ahmadian, spoke.",
     "Ali Akbar Ahmadian", "Secretary of the Supreme National Security Council", "IRN"),
    ("Sergei Lavrov, Russia's foreign minister, said talks would continue.",
     "Sergei Lavrov", "Foreign minister", "RUS"),
    ("The summit, hosted by Uzbek President Shavkat Mirziyoyev, opened on Friday.",
     "Shavkat Mirziyoyev", "President", "UZB"),
    ("In Washington, White House spokesman John Kirby said the talks were useful.",
     "John Kirby", "White House spokesman", "USA"),
])
def test_actors_roles_and_country(nlp, text, name, role, country):
    found, _ = actors_of(nlp, text)
    person = next(a for a in found.actors.values() if a.name == name)
    assert person.kind == "person"
    assert role.lower() in [r.lower() for r in person.roles]
    assert person.country == country


@pytest.mark.parametrize("text, pronoun, name", [
    ("Ali Akbar Ahmadian spoke on Thursday. He praised the talks.", "He", "Ali Akbar Ahmadian"),
    ("Chen Wenqing met Ahmadian. Chen said ties were strong. He warned of risks.", "He", "Chen Wenqing"),
    ("Ursula von der Leyen visited Kyiv. She pledged support.", "She", "Ursula von der Leyen"),
])
def test_actors_pronoun_resolution(nlp, text, pronoun, name):
    found, by_text = actors_of(nlp, text)
    key = next(k for k, a in found.actors.items() if a.name == name)
    assert (key, "pronoun") in by_text[pronoun]


def test_actors_pronoun_without_person_is_left_alone(nlp):
    _, by_text = actors_of(nlp, "The ministry issued a statement. He was not named.")
    assert "He" not in by_text


@pytest.mark.parametrize("text, group", [
    ("Ahmadian criticised Western nations for the sanctions.", "Western nations"),
    ("The bloc rejected pressure from external powers.", "External powers"),
])
def test_actors_groups(nlp, text, group):
    found, _ = actors_of(nlp, text)
    assert group in {a.name for a in found.actors.values() if a.kind == "group"}


@pytest.mark.parametrize("text", [
    "The two nations signed an accord.",
    "Both countries agreed.",
    "Other states declined to comment.",
])
def test_actors_counted_plurals_are_not_groups(nlp, text):
    found, _ = actors_of(nlp, text)
    assert not [a for a in found.actors.values() if a.kind == "group"]


@pytest.mark.parametrize("text, junk", [
    ("On Thursday the council met.", "Thursday"),
    ("The Comprehensive Strategic Partnership Agreement was signed in 2021.",
     "Comprehensive Strategic Partnership Agreement"),
])
def test_actors_no_junk(nlp, text, junk):
    found, _ = actors_of(nlp, text)
    assert junk not in {a.name for a in found.actors.values()}


def test_actors_seed_end_to_end(seed_doc):
    found = ActorFinder()(seed_doc)
    actors = {a.name: a for a in found.actors.values()}
    expected = {"Iran": ("country", "IRN"), "China": ("country", "CHN"),
                "United States": ("country", "USA"),
                "Ali Akbar Ahmadian": ("person", "IRN"), "Chen Wenqing": ("person", "CHN"),
                "Masoud Pezeshkian": ("person", "IRN"),
                "Supreme National Security Council": ("organization", "IRN"),
                "Western nations": ("group", None)}
    for name, (kind, country) in expected.items():
        assert (actors[name].kind, actors[name].country) == (kind, country), name
    assert any("Secretary" in r for r in actors["Ali Akbar Ahmadian"].roles)
    assert any("Secretary" in r for r in actors["Chen Wenqing"].roles)
    key_of = {a.name: a.key for a in found.actors.values()}
    by_surface = {}
    for m in found.mentions:
        by_surface.setdefault(m.text, set()).add(m.key)
    assert by_surface["Ahmadian"] == {key_of["Ali Akbar Ahmadian"]}
    assert by_surface["Chen"] == {key_of["Chen Wenqing"]}
    assert by_surface["Tehran"] == {"country:IRN"}
    assert by_surface["Beijing"] == {"country:CHN"}
    pronouns = [(m.text, m.key) for m in found.mentions if m.how == "pronoun"]
    assert [k for _, k in pronouns].count(key_of["Ali Akbar Ahmadian"]) >= 4
    assert [k for _, k in pronouns].count(key_of["Chen Wenqing"]) >= 1
    titles = [m for m in found.mentions if m.how == "title"]
    assert [m.key for m in titles] == [key_of["Ali Akbar Ahmadian"]]
    names = {a.name.lower() for a in found.actors.values()}
    assert not names & {"west asia", "world news", "back", "button", "thursday"}


@pytest.mark.parametrize("text, name, bad_role", [
    ("Today President Joe Biden spoke with Prime Minister Mark Rutte.", "Joe Biden", "Today President"),
    ("Since President Xi Jinping took office, ties have grown.", "Xi Jinping", "Since President"),
])
def test_actors_roles_skip_adverbs(nlp, text, name, bad_role):
    found, _ = actors_of(nlp, text)
    person = next(a for a in found.actors.values() if a.name == name)
    assert bad_role not in person.roles
    assert "President" in person.roles


@pytest.mark.parametrize("text, not_actor", [
    ("He met the National Security Advisor of France on Monday.", "National Security Advisor"),
    ("They signed the Major Defense Partnership in Delhi.", "Major Defense Partnership"),
])
def test_actors_titles_and_programmes_are_not_organisations(nlp, text, not_actor):
    found, _ = actors_of(nlp, text)
    assert not_actor not in {a.name for a in found.actors.values()}


@pytest.mark.parametrize("text, name", [
    ("First Lady Jill Biden visited the school.", "Jill Biden"),
    ("Thank you, Mr. President. President Joe Biden then left.", "Joe Biden"),
])
def test_actors_forms_of_address_are_not_names_or_roles(nlp, text, name):
    found, _ = actors_of(nlp, text)
    person = next(a for a in found.actors.values() if a.kind == "person")
    assert person.name == name
    assert not [r for r in person.roles if "Mr" in r or "Lady" in r]


def test_actors_surname_beats_capital_after_full_name(nlp):
    _, by_text = actors_of(nlp, "Kathleen Paris spoke to the court on Monday. Paris said she was forced to work.")
    assert by_text["Paris"] == {("person:kathleen paris", "alias")}
    _, by_text = actors_of(nlp, "Tehran and Paris signed the deal.")
    assert by_text["Paris"] == {("country:FRA", "capital")}


def test_actors_acronym_tagged_as_person_is_an_organisation(nlp):
    from spacy.tokens import Span

    doc = nlp("Pro-Beijing DAB won three seats on Sunday.")
    start = next(t.i for t in doc if t.text == "Pro")
    doc.ents = [Span(doc, start, next(t.i for t in doc if t.text == "DAB") + 1, label="PERSON")]
    found = ActorFinder()(doc)
    assert {(a.name, a.kind) for a in found.actors.values()} == {("Pro-Beijing DAB", "organization")}


def test_actors_caption_credit_label_is_not_part_of_a_name(nlp):
    found, by_text = actors_of(nlp, "US President Barack Obama tweeted to student Ahmed Mohamed Image: Twitter.")
    assert "person:ahmed mohamed" in {key for key, _ in by_text["Ahmed Mohamed"]}
    assert not any("Image" in a.name for a in found.actors.values())


def test_actors_title_joined_to_a_name_stays(nlp):
    found, by_text = actors_of(nlp, "Foreign Minister Hossein Amir-Abdollahian met Wang Yi on Friday. "
                                     "Amir-Abdollahian told reporters that talks went well.")
    assert by_text["Amir-Abdollahian"] == {("person:hossein amir-abdollahian", "alias")}
    assert found.actors["person:hossein amir-abdollahian"].name == "Hossein Amir-Abdollahian"


def test_actors_organisation_found_again_where_the_recogniser_missed_it(nlp):
    from spacy.tokens import Span

    doc = nlp("The Civic Party won two seats. Voters backed the Civic Party in Kowloon.")
    first = next(t.i for t in doc if t.text == "Civic")
    doc.ents = [Span(doc, first, first + 2, label="ORG")]          # the second one untagged
    found = ActorFinder()(doc)
    assert [m.text for m in found.mentions if m.key == "organization:civic party"] == ["Civic Party", "Civic Party"]


def test_actors_hyphenated_given_name_and_abbreviated_titles(nlp):
    found, _ = actors_of(nlp, "President Biden welcomed President Moon Jae-in of the Republic of Korea. "
                              "PM Lee Hsien Loong also spoke.")
    names = {a.name for a in found.actors.values() if a.kind == "person"}
    assert "Moon Jae-in" in names
    assert not any(name.startswith("PM ") for name in names)


def test_actors_country_name_is_never_a_surname(nlp):
    _, by_text = actors_of(nlp, "Will Germany stand by Ukraine? Germany sent aid on Monday.")
    assert ("country:DEU", "name") in by_text["Germany"]


@pytest.mark.parametrize("text, surface, key", [
    ("They discussed the Democratic People’s Republic of Korea’s missile programs.",
     "Democratic People’s Republic of Korea", "country:PRK"),
    ("National Security Advisor Jake Sullivan met Secretary of Defense Lloyd Austin.", "Lloyd Austin",
     "person:lloyd austin"),
    ("U.S. Ambassador to Uzbekistan Daniel Rosenblum attended.", "Daniel Rosenblum", "person:daniel rosenblum"),
])
def test_actors_names_the_recogniser_ran_together(nlp, text, surface, key):
    found, by_text = actors_of(nlp, text)
    assert key in {k for k, _ in by_text[surface]}
    assert not [a for a in found.actors.values() if a.kind == "organization"]


def test_actors_office_of_state_is_not_a_person(nlp):
    found, _ = actors_of(nlp, "The Secretary of State for Foreign Affairs met the press.")
    assert not [a for a in found.actors.values() if a.kind == "person"]


def test_actors_title_inside_an_organisation_span_gives_the_person(nlp):
    found, _ = actors_of(nlp, "Principal Deputy National Security Advisor Finer also met with civil society leaders.")
    assert [(a.name, a.kind) for a in found.actors.values()] == [("Finer", "person")]
    found, _ = actors_of(nlp, "Ahmadian, a veteran commander of the Islamic Revolutionary Guard Corps, was appointed.")
    assert "Guard Corps" not in {a.name for a in found.actors.values()}


def test_actors_state_institutions_named_by_description(nlp):
    found, by_text = actors_of(nlp, "According to the Chinese foreign ministry, Wang Yi said China opposed sanctions. "
                                     "The foreign ministry also said talks would go on. "
                                     "Ebrahim Raisi, the head of the judiciary of Iran, won.")
    ministry = found.actors["organization:foreign ministry of china"]
    assert (ministry.name, ministry.kind, ministry.country) == ("Foreign ministry of China", "organization", "CHN")
    assert by_text["Chinese foreign ministry"] == {("organization:foreign ministry of china", "name")}
    assert by_text["foreign ministry"] == {("organization:foreign ministry of china", "alias")}
    judiciary = found.actors["agent:IRN:JUD"]      # a state's judiciary is its JUD agent
    assert (judiciary.name, judiciary.kind, judiciary.country, judiciary.sector) == (
        "Judiciary (Iran)", "agent", "IRN", "JUD")
    assert ("country:CHN", "demonym") in by_text["Chinese"]       # the country is still named


def test_actors_institution_without_a_country_is_not_an_actor(nlp):
    found, _ = actors_of(nlp, "The ministry said the army would stay.")
    assert found.actors == {}


def test_actors_nickname_of_a_person_named_here(nlp):
    _, by_text = actors_of(nlp, "President Joseph R. Biden welcomed Chancellor Angela Merkel. Merkel said: "
                                "Mr. President, dear Joe, thank you for the invitation.")
    assert by_text["Joe"] == {("person:joseph r. biden", "alias")}


@pytest.mark.parametrize("text, surface, key, name", [
    ("The U.S. Senate voted on Tuesday.", "U.S. Senate", "organization:USA:senate", "Senate (United States)"),
    ("Australia's Senate passed the bill.", "Senate", "organization:AUS:senate", "Senate (Australia)"),
    ("Canada held an election. The Senate met in Ottawa and Canada's Senate agreed.", "Senate",
     "organization:CAN:senate", "Senate (Canada)"),
    ("Iraqi police clashed with the crowd.", "police", "agent:IRQ:COP", "Police (Iraq)"),
    ("Protesters in Cairo marched on Friday.", "Protesters", "agent:EGY:OPP", "Opposition (Egypt)"),
    ("Israeli troops entered the town.", "troops", "agent:ISR:MIL", "Military (Israel)"),
    ("The Thai government declared a curfew.", "government", "agent:THA:GOV", "Government (Thailand)"),
])
def test_actors_state_collectives(nlp, text, surface, key, name):
    found, by_text = actors_of(nlp, text)
    assert key in {k for k, _ in by_text[surface]}
    actor = found.actors[key]
    assert actor.name == name and actor.country == key.split(":")[1]
    assert actor.kind == ("agent" if key.startswith("agent:") else "organization")
    assert actor.sector == key.split(":")[-1].upper() or actor.sector == "LEG"


def test_actors_collective_takes_the_sentence_or_article_state(nlp):
    found, _ = actors_of(nlp, "Australia's prime minister spoke. Australia will vote.\n\n"
                              "The Senate passed the bill. Police later arrested two men.")
    assert "organization:AUS:senate" in found.actors and "agent:AUS:COP" in found.actors


def test_actors_one_person_or_an_act_is_no_agent(nlp):
    found, _ = actors_of(nlp, "Iran executed Nimr al-Nimr, a Shia cleric. Iran said China's "
                              "opposition to the plan was clear.")
    assert not any(a.kind == "agent" for a in found.actors.values())


def test_actors_international_bodies_have_no_state(nlp):
    found, by_text = actors_of(nlp, "The EU and Russia met at the United Nations. NATO and the "
                                    "European Union called for calm.")
    eu = found.actors["organization:european union"]
    assert (eu.country, eu.sector) == (None, "IGO")
    assert {k for k, _ in by_text["EU"]} == {k for k, _ in by_text["European Union"]}
    assert found.actors["organization:united nations"].country is None
    assert found.actors["organization:north atlantic treaty organization"].name == (
        "North Atlantic Treaty Organization")


def test_actors_office_table_gives_the_state(nlp):
    found, _ = actors_of(nlp, "National Security Advisor Jake Sullivan met Taoiseach Bertie Ahern.")
    sullivan = found.actors["person:jake sullivan"]
    assert sullivan.country == "USA" and ("USA", "office") in sullivan.evidence
    assert found.actors["person:bertie ahern"].country == "IRL"


@pytest.mark.parametrize("text, name", [
    ("Sullivan met with Prime Minister Sheikh Mohammed bin Abdulrahman bin Jassim Al Thani of Qatar.",
     "Mohammed bin Abdulrahman bin Jassim Al Thani"),
    ("He met Secretary of the Mongolian National Security Council Jadamba Enkhbayar.", "Jadamba Enkhbayar"),
])
def test_actors_long_names_after_titles_are_kept_whole(nlp, text, name):
    found, _ = actors_of(nlp, text)
    assert name in {a.name for a in found.actors.values() if a.kind == "person"}


def test_actors_generations_and_middle_initials_keep_people_apart(nlp):
    found, _ = actors_of(nlp, "George W. Bush met George H. W. Bush and George P. Bush.")
    people = {a.name for a in found.actors.values() if a.kind == "person"}
    assert {"George W. Bush", "George H. W. Bush", "George P. Bush"} <= people


def test_actors_party_outlet_and_faith_are_not_names(nlp):
    found, _ = actors_of(nlp, "Premier Steve Bracks Labor won the vote. The debate was about Islam.")
    people = {a.name for a in found.actors.values() if a.kind == "person"}
    assert "Steve Bracks" in people and "Islam" not in people and "Steve Bracks Labor" not in people


def test_actors_role_is_the_title_next_to_the_name(nlp):
    found, _ = actors_of(nlp, "Nominees of President George W. Bush were confirmed.")
    assert found.actors["person:george w. bush"].roles == ["President"]


def test_actors_official_of_an_international_body_takes_no_state_from_the_setting(nlp):
    found, _ = actors_of(nlp, "UN Secretary-General Kofi Annan visited Iraq. Iraq welcomed him. Iraq agreed.")
    annan = found.actors["person:kofi annan"]
    assert annan.country is None and annan.international and annan.roles == ["UN Secretary-General"]


def test_actors_several_states_bodies_and_outlets_are_no_state_agent(nlp):
    found, by_text = actors_of(nlp, "Thailand said the governments of South East Asia agreed. "
                                    "The Canadian Press reported that the Army of Thailand moved.")
    assert "governments" not in by_text
    assert not any(a.sector == "MED" for a in found.actors.values())
    assert ("agent:THA:MIL", "name") in by_text["Army"]          # written as a name


@pytest.mark.parametrize("text", [
    "The White House said the talks in Lagos went well. Nigeria agreed.",
    "A White House statement welcomed the vote in Kenya.",
])
def test_actors_an_institution_of_one_state_keeps_its_state(nlp, text):
    found, by_text = actors_of(nlp, text)
    key = "organization:USA:white house"
    assert {k for k, _ in by_text["White House"]} == {key}
    house = found.actors[key]
    assert (house.name, house.country, house.sector) == ("White House", "USA", "GOV")


def test_actors_state_of_a_whose_clause_is_the_officials(nlp):
    found, _ = actors_of(nlp, "The bloc praised Chile, whose Foreign Minister Ana Torres signed the pact.")
    torres = found.actors["person:ana torres"]
    assert torres.country == "CHL" and ("CHL", "title") in torres.evidence


def test_actors_apposition_gives_its_demonym_to_the_name(nlp):
    found, _ = actors_of(nlp, "Italian Foreign Minister Marco Bellini and his Kenyan counterpart, "
                              "Daniel Otieno, signed the accord.")
    assert found.actors["person:daniel otieno"].country == "KEN"
    assert found.actors["person:marco bellini"].country == "ITA"


@pytest.mark.parametrize("text, name, role, country", [
    # A clause inside the apposition names another place: not the title's state.
    ("Officials met Omar Haddad, an adviser to the Supreme Leader who had led talks with Paris.",
     "Omar Haddad", "Adviser to the Supreme Leader", "IRN"),
    # A rank before the name is no part of the office.
    ("Supreme Leader Ayatollah Hassan Jafari spoke on Friday.", "Hassan Jafari", "Supreme Leader", "IRN"),
    ("Gabriel Nunez, the minister of Peru who visited Spain, returned.", "Gabriel Nunez", None, "PER"),
])
def test_actors_title_is_the_phrase_next_to_the_name(nlp, text, name, role, country):
    found, _ = actors_of(nlp, text)
    person = next(a for a in found.actors.values() if a.name == name)
    assert person.country == country
    if role:
        assert person.roles == [role]


def test_actors_surname_with_particle_opening_a_sentence_is_the_person(nlp):
    found, _ = actors_of(nlp, "The bloc's envoy Greta von der Linden arrived. Von der Linden said the EU would help.")
    people = [a.name for a in found.actors.values() if a.kind == "person"]
    assert people == ["Greta von der Linden"]


@pytest.mark.parametrize("text, name, country", [
    # The one state the person's own sentence names, as an actor.
    ("Ruth Wanjiru won Kenya's presidential runoff, defeating the former negotiator Peter Mwangi.",
     "Peter Mwangi", "KEN"),
    # A state in another person's title or in a pair ('Peru-Chile') is not this person's.
    ("Russian President Vladimir Putin congratulated Daniel Otieno.", "Daniel Otieno", None),
    ("Daniel Otieno attended a Peru-Chile summit.", "Daniel Otieno", None),
    # Two states: no choice.
    ("Daniel Otieno said Peru and Chile agreed.", "Daniel Otieno", None),
])
def test_actors_state_from_the_persons_own_sentence(nlp, text, name, country):
    found, _ = actors_of(nlp, text)
    person = next(a for a in found.actors.values() if a.name == name)
    assert person.country == country
    assert (country is None) == (not any(how == "sentence" for _, how in person.evidence))


def test_actors_state_of_a_title_written_without_the_name(nlp):
    found, _ = actors_of(nlp, "Chile summoned Peru's ambassador on Monday. The ministry said it had "
                              "conveyed its protest to Ambassador Luisa Quispe.")
    quispe = found.actors["person:luisa quispe"]
    assert quispe.country == "PER" and ("PER", "title") in quispe.evidence


def test_actors_acronym_before_a_title_is_part_of_the_role(nlp):
    found, _ = actors_of(nlp, "WHO Director-General Amara Keita visited Chile. Chile agreed. Chile paid.")
    keita = found.actors["person:amara keita"]
    assert keita.roles == ["WHO Director-General"] and keita.international and keita.country is None


# Peru 3 times (first in the lead), Chile twice, Bolivia once: no majority, a clear lead.
LEAD_TEXT = ("Peruvian President Ana Torres died in a crash on Sunday. Chile and Bolivia sent condolences. "
             "Chile declared a day of mourning. Peru will vote in June, and Peru's judges must approve the date. ")


@pytest.mark.parametrize("text, name, country", [
    # Among several states, the one named clearly most, and most in the lead, is the setting.
    (LEAD_TEXT + "Luis Quispe was named acting president.", "Luis Quispe", "PER"),
    # Named as often as another state: no setting.
    ("Peru and Chile signed a deal. Luis Quispe was named envoy. Chile and Peru agreed.", "Luis Quispe", None),
])
def test_actors_setting_from_the_lead(nlp, text, name, country):
    found, _ = actors_of(nlp, text)
    assert next(a for a in found.actors.values() if a.name == name).country == country


def test_actors_setting_from_the_lead_is_for_people_not_institutions(nlp):
    found, _ = actors_of(nlp, LEAD_TEXT + "The Senate met.")
    assert not any(key.endswith(":senate") for key in found.actors)


@pytest.mark.parametrize("text, name, role, country", [
    ("It was presented by US climate envoy Tom Baker.", "Tom Baker", "Climate envoy", "USA"),
    ("Chilean foreign ministry spokeswoman Rosa Diaz called it wrong.", "Rosa Diaz",
     "Foreign ministry spokeswoman", "CHL"),
    ("Rosa Diaz, the EU's foreign policy chief, spoke in Peru. Peru agreed. Peru paid.", "Rosa Diaz",
     "EU's foreign policy chief", None),
])
def test_actors_lower_case_words_of_a_title(nlp, text, name, role, country):
    found, _ = actors_of(nlp, text)
    person = next(a for a in found.actors.values() if a.name == name)
    assert person.roles == [role] and person.country == country


def test_actors_demonym_tagged_as_a_name_is_a_state(nlp):
    found, by_text = actors_of(nlp, "The summit, hosted by Tajik President Emomali Rahmon, approved steps.")
    assert by_text["Tajik"] == {("country:TJK", "demonym")}
    assert found.actors["person:emomali rahmon"].country == "TJK"


def test_actors_non_governmental_bodies_and_their_officials_have_no_state(nlp):
    found, by_text = actors_of(nlp, "Rosa Diaz, the secretary general of Amnesty International, said Peru "
                                    "must investigate. Peru rejected it. Peru and HRW met.")
    amnesty = found.actors["organization:amnesty international"]
    assert (amnesty.country, amnesty.sector) == (None, "NGO")
    assert {k for k, _ in by_text["HRW"]} == {"organization:human rights watch"}
    diaz = found.actors["person:rosa diaz"]
    assert diaz.international and diaz.country is None


@pytest.mark.parametrize("text, name, role, country", [
    # The state a post is sent to is not the holder's.
    ("Ambassador to Peru Tom Baker met officials.", "Tom Baker", "Ambassador to Peru", None),
    ("Chile's ambassador to Peru, Rosa Diaz, was recalled.", "Rosa Diaz", "Ambassador to Peru", "CHL"),
    ("Rosa Diaz, ambassador to the United States, spoke.", "Rosa Diaz", "Ambassador to the United States", None),
    # ... but an adviser to a state's office holder is that state's.
    ("He met Rosa Diaz, Diplomatic Advisor to the Chilean President.", "Rosa Diaz",
     "Diplomatic Advisor to the Chilean President", "CHL"),
    ("Rosa Diaz, Security Advisor to the Latvian Prime Minister, spoke.", "Rosa Diaz",
     "Security Advisor to the Latvian Prime Minister", "LVA"),
    # The state in another person's title is not the sentence's state for the first.
    ("Tom Baker met Rosa Diaz, Advisor to the Prime Minister of Peru.", "Tom Baker", None, None),
    # "adviser to President X": the title next to X is X's.
    ("He met Jan Kowalski, an adviser to President Andrzej Duda.", "Andrzej Duda", "President", None),
])
def test_actors_a_post_sent_to_a_state(nlp, text, name, role, country):
    found, _ = actors_of(nlp, text)
    person = next(a for a in found.actors.values() if a.name == name)
    assert person.roles == ([role] if role else []) and person.country == country


def test_actors_state_named_in_a_quotation_is_not_the_speakers(nlp):
    found, _ = actors_of(nlp, '"He fears he will be jailed if he returns to Peru," Tom Baker said.')
    assert found.actors["person:tom baker"].country is None
