"""Interactions between actors, typed with PLOVER event types, read from the dependency parse."""

from pathlib import Path

import pytest

from conftest import SEED  # noqa: E402  (../shared or $PRESSLENS_SHARED)
from presslens.extract.actors import ActorFinder
from presslens.extract.interactions import (
    PLOVER_TYPES,
    Interaction,
    TriggerFileError,
    find_interactions,
    find_triggers,
    load_triggers,
)

AHMADIAN, CHEN = "person:ali akbar ahmadian", "person:chen wenqing"
IRN, CHN, USA = "country:IRN", "country:CHN", "country:USA"


@pytest.fixture(scope="module")
def lexicon():
    return load_triggers()


def interactions(nlp, lexicon, text: str) -> list[Interaction]:
    doc = nlp(text)
    return find_interactions(doc, ActorFinder()(doc).mentions, lexicon=lexicon)


def triples(found: list[Interaction]) -> set[tuple[str, str, str]]:
    return {(i.source_key, i.event_type, i.target_key) for i in found}


# -- the lexicon ---------------------------------------------------------------------------------
def test_interactions_lexicon_covers_plover(lexicon):
    assert set(lexicon.descriptions) == set(PLOVER_TYPES)
    assert all(lexicon.descriptions.values())
    assert lexicon.verbs["meet"][-1].event_type == "CONSULT"
    assert lexicon.nouns["sanction"][0].event_type == "SANCTION"


@pytest.mark.parametrize("head, words, event_type", [
    ("hold", ("talks",), "CONSULT"),
    ("call", ("for",), "REQUEST"),
    ("call", (), "CONSULT"),
    ("formalize", ("agreement",), "AGREE"),
])
def test_interactions_lexicon_phrases(lexicon, head, words, event_type):
    entries = {(p.words, p.event_type) for p in lexicon.verbs[head]}
    assert (words, event_type) in entries


@pytest.mark.parametrize("text, problem", [
    ("events: [AGREE]\n", "needs an 'events' mapping"),
    ("events:\n  AGREEMENT:\n    verbs: [agree]\n", "AGREEMENT: not a PLOVER event type"),
    ("events:\n  AGREE:\n    verbs: agree\n", "AGREE.verbs: must be a list"),
    ("events:\n  AGREE:\n    verbs: [agree]\n    intent: MAYBE\n", "AGREE: 'intent' must name"),
    ("events:\n  AGREE:\n    verbs: [agree]\n  REJECT:\n    verbs: [agree]\n",
     "REJECT: verb 'agree' is also listed under AGREE"),
    ("events:\n  AGREE:\n    description: x\n", "AGREE: has neither verbs nor nouns"),
    ("events:\n  AGREE:\n    verbs: [agree]\n    colour: red\n", "AGREE: unknown key 'colour'"),
    ("options:\n  target_prepositions: [on]\nevents:\n  AGREE:\n    verbs: [agree]\n",
     "options.target_prepositions"),
    ("events: {AGREE: [\n", "not valid YAML"),
    ("options:\n  publication_types: [GIVE]\nevents:\n  AGREE:\n    verbs: [agree]\n",
     "options.publication_types"),
])
def test_interactions_lexicon_malformed(tmp_path, text, problem):
    path = tmp_path / "bad.yml"
    path.write_text(text)
    with pytest.raises(TriggerFileError) as caught:
        load_triggers(path)
    assert isinstance(caught.value, ValueError)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_interactions_lexicon_small_file(tmp_path, nlp):
    path = tmp_path / "mine.yml"
    path.write_text("events:\n  CONSULT:\n    verbs: [meet]\n    symmetric: true\n")
    mine = load_triggers(path)
    assert set(mine.descriptions) == {"CONSULT"}
    found = interactions(nlp, mine, "Joe Biden met Vladimir Putin.")
    assert triples(found) == {("person:joe biden", "CONSULT", "person:vladimir putin")}


# -- rules -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    # verb: subject -> object or prepositional object
    ("Joe Biden met with Vladimir Putin in Geneva.",
     {("person:joe biden", "CONSULT", "person:vladimir putin")}),
    ("Russia attacked Ukraine and Georgia.",
     {("country:RUS", "ASSAULT", "country:UKR"), ("country:RUS", "ASSAULT", "country:GEO")}),
    # light verbs take their event from the object
    ("Joe Biden held talks with Narendra Modi.",
     {("person:joe biden", "CONSULT", "person:narendra modi")}),
    ("The United States imposed sanctions on Iran.", {(USA, "SANCTION", IRN)}),
    # passives: the agent acts
    ("Iran was sanctioned by the United States.", {(USA, "SANCTION", IRN)}),
    ("Cuba has been subjected to sanctions by the United States.",
     {(USA, "SANCTION", "country:CUB")}),
    # compound subjects of a symmetric event give pairs
    ("Iran and China signed an agreement.", {(IRN, "AGREE", CHN), (CHN, "AGREE", IRN)}),
    # ..., their first meeting": a phrase after a comma is no object of the verb
    ("Joe Biden and Xi Jinping met for three hours in Bali, their first meeting in person.",
     {("person:joe biden", "CONSULT", "person:xi jinping"), ("person:xi jinping", "CONSULT", "person:joe biden")}),
    # nominal triggers
    ("The visit of President Emmanuel Macron to China lasted three days.",
     {("person:emmanuel macron", "CONSULT", CHN)}),
    ("Iran's criticism of Israel angered officials.", {(IRN, "ACCUSE", "country:ISR")}),
    # hosts receive: the visitor is the source
    ("China hosted Iranian President Masoud Pezeshkian.",
     {("person:masoud pezeshkian", "CONSULT", CHN)}),
    # "the two countries" points back to the two named together last
    ("Iran and China are close partners. The two countries signed an agreement.",
     {(IRN, "AGREE", CHN), (CHN, "AGREE", IRN)}),
    # intended cooperation is AGREE (PLOVER); "it" is the subject of the clause around it
    ("Syria says it is willing to withdraw its troops from Lebanon.",
     {("country:SYR", "AGREE", "country:LBN")}),
    # a reported obligation is a request from the speaker
    ("Russia said that Sudan must return the helicopter.",
     {("country:RUS", "REQUEST", "country:SDN")}),
    # verbs of ending turn the event around
    ("The United States lifted sanctions on Iran.", {(USA, "RETREAT", IRN)}),
    # an object pronoun may mean the speaker of the clause around it, never its own subject
    ("Russia said the United States had attacked it.",
     {(USA, "ASSAULT", "country:RUS"), ("country:RUS", "ACCUSE", USA)}),
    # phrases whose preposition names the recipient, on the verb or on the noun
    ("The United States presented evidence against Russia.", {(USA, "ACCUSE", "country:RUS")}),
    ("Iran raised concerns about China's policy.", {(IRN, "ACCUSE", CHN)}),
    # after a nominal trigger, "from" names who acts, except for places left
    ("Iran faces pressure from the United States.", {(USA, "REQUEST", IRN)}),
    ("The plan received support from Moscow.", {("country:RUS", "SUPPORT", None)}),
    # ... but support a thing has or enjoys is a standing state, not an act (event coders
    # leave it out: PETRARCH-2 codes no event for it)
    ("The plan enjoyed support from Moscow.", set()),
    # a nominal trigger as passive subject: the agent acts, the verb's prepositions receive
    ("Sanctions were imposed on Iran by the United States.", {(USA, "SANCTION", IRN)}),
    ("Sanctions on Iran were lifted by the United States.", {(USA, "RETREAT", IRN)}),
    ("Talks were held between Iran and China.", {(IRN, "CONSULT", CHN), (CHN, "CONSULT", IRN)}),
    # what a demand, threat or accusation is about is no event of its own
    ("China demanded that Japan apologise.", {(CHN, "REQUEST", "country:JPN")}),
    ("North Korea threatened to strike South Korea.",
     {("country:PRK", "THREATEN", "country:KOR")}),
    ("Iran accused Israel of attacking its ships.", {(IRN, "ACCUSE", "country:ISR")}),
    # the speaker of a reported threat
    ("Iran said it would retaliate against Israel.", {(IRN, "THREATEN", "country:ISR")}),
    # the passive subject of "is expected to" is who acts
    ("Vladimir Putin is expected to meet with Xi Jinping.",
     {("person:vladimir putin", "AGREE", "person:xi jinping")}),
])
def test_interactions_rules(nlp, lexicon, text, expected):
    found = interactions(nlp, lexicon, text)
    assert triples(found) == expected
    assert not any(i.negated for i in found)


@pytest.mark.parametrize("text", [
    "The ministers met in Paris.",                 # a place is not a participant
    "Iran received a parcel from Russia.",         # receiving a thing is no visit
    "Iran has to meet the requirements.",          # fulfilling is no meeting
    "Iran said the right must be preserved.",      # an obligation of no actor asks no one
    "The weather improved across the region.",     # no trigger
])
def test_interactions_none(nlp, lexicon, text):
    assert interactions(nlp, lexicon, text) == []


@pytest.mark.parametrize("text, expected", [
    # the side the text does not name stays None
    ("Iran signed the document.", {(IRN, "AGREE", None)}),
    ("Iraq was attacked on Monday.", {(None, "ASSAULT", "country:IRQ")}),
    ("The attack on Iraq killed ten people.", {(None, "ASSAULT", "country:IRQ")}),
    ("Thailand rejected the proposal.", {("country:THA", "REJECT", None)}),
    # no self-interaction: the capital is its country
    ("Tehran and Iran signed an agreement.", {(IRN, "AGREE", None)}),
    # a named recipient or partner keeps the pair: no extra one-sided row
    ("Russia attacked Ukraine.", {("country:RUS", "ASSAULT", "country:UKR")}),
    ("Talks between Iran and Pakistan ended.",
     {(IRN, "CONSULT", "country:PAK"), ("country:PAK", "CONSULT", IRN)}),
])
def test_interactions_one_side(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # "the two sides" are the meeting's participants, not the two things named last
    ("Joe Biden met with Prime Minister Anthony Albanese of Australia on Tuesday. They welcomed "
     "progress on the AUKUS partnership and the Quad initiative. The two sides committed to "
     "remain in regular contact.",
     {("person:joe biden", "AGREE", "person:anthony albanese"),
      ("person:anthony albanese", "AGREE", "person:joe biden")}),
    # "both leaders": the people who met, not the two countries named since
    ("Xi Jinping held talks with Vladimir Putin in Moscow. China and India also discussed "
     "trade. Both leaders agreed to deepen cooperation.",
     {("person:xi jinping", "AGREE", "person:vladimir putin"),
      ("person:vladimir putin", "AGREE", "person:xi jinping")}),
    # without a meeting, "the two countries" still points back to the two named together
    ("Iran and China are close partners. The two countries signed an agreement.",
     {(IRN, "AGREE", CHN), (CHN, "AGREE", IRN)}),
])
def test_interactions_two_sides_of_the_main_meeting(nlp, lexicon, text, expected):
    found = interactions(nlp, lexicon, text)
    last = max(i.sentence_id for i in found)
    assert triples([i for i in found if i.sentence_id == last]) == expected


@pytest.mark.parametrize("text, expected, negated", [
    ("Russia did not attack Ukraine.", ("country:RUS", "ASSAULT", "country:UKR"), True),
    ("Russia never attacked Ukraine.", ("country:RUS", "ASSAULT", "country:UKR"), True),
    # a refusal is a REJECT, not a negated meeting
    ("Iran refused to meet with the United States.", (IRN, "REJECT", USA), False),
])
def test_interactions_negation(nlp, lexicon, text, expected, negated):
    found = interactions(nlp, lexicon, text)
    assert {(i.source_key, i.event_type, i.target_key, i.negated) for i in found} == {
        (*expected, negated)}


def test_interactions_record_fields(nlp, lexicon):
    found = interactions(nlp, lexicon, "Iran is calm. The United States imposed sanctions on Iran.")
    assert found == [Interaction(1, USA, "SANCTION", IRN, "imposed sanctions", False,
                                 "The United States imposed sanctions on Iran.")]


def test_interactions_dedupe(nlp, lexicon):
    found = interactions(nlp, lexicon, "Joe Biden met with Vladimir Putin and met with Putin.")
    keys = [(i.source_key, i.event_type, i.target_key, i.sentence_id) for i in found]
    assert len(keys) == len(set(keys)) == 1


@pytest.mark.parametrize("text, first", [
    ("Officials condemned the attack.", "ACCUSE"),          # main clause first
    ("Police arrested the protesters.", "COERCE"),
    ("Norway will send aid if the country is attacked.", "AGREE"),   # not the "if" clause
])
def test_interactions_triggers_without_actors(nlp, lexicon, text, first):
    found = find_triggers(nlp(text), lexicon=lexicon)
    assert found and found[0].event_type == first


# -- the seed article, end to end --------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed(nlp, lexicon) -> list[Interaction]:
    if not Path(SEED).is_file():
        pytest.skip(f"seed article not found at {SEED} (shared/ is not beside the project)")
    from presslens.ingest import read_articles
    text = read_articles([SEED]).articles.text.iloc[0]
    doc = nlp(text)
    return find_interactions(doc, ActorFinder()(doc).mentions, lexicon=lexicon)


def test_interactions_seed_moscow_meeting(seed):
    meeting = [i for i in seed if "Moscow" in i.text and i.event_type == "CONSULT"]
    assert {(i.source_key, i.target_key) for i in meeting} & {(AHMADIAN, CHEN), (CHEN, AHMADIAN)}


def test_interactions_seed_2021_agreement(seed):
    agreement = {(i.source_key, i.target_key) for i in seed
                 if "2021" in i.text and i.event_type == "AGREE"}
    assert agreement == {(IRN, CHN), (CHN, IRN)}


def test_interactions_seed_sanctions(seed):
    sanctions = {(i.source_key, i.target_key) for i in seed if i.event_type == "SANCTION"}
    assert {(USA, IRN), (USA, CHN)} <= sanctions
    assert all(target in {IRN, CHN} for _, target in sanctions)


def test_interactions_seed_pezeshkian_visit(seed):
    assert ("person:masoud pezeshkian", "CONSULT", CHN) in triples(seed)


@pytest.mark.parametrize("text, expected", [
    ("Iran summoned China's ambassador on Saturday.", (IRN, "ACCUSE", CHN)),
    ("The European Union provided 105 million euros to Tunisia.",
     ("organization:european union", "AID", "country:TUN")),
    ("Wang Yi said the withdrawal was the root cause and called on Washington to lift its sanctions.",
     ("person:wang yi", "REQUEST", USA)),
])
def test_interactions_recipients_on_objects_and_verbs_hung_in_reported_clauses(nlp, lexicon, text, expected):
    assert expected in triples(interactions(nlp, lexicon, text))


@pytest.mark.parametrize("text", [
    "Amnesty International released a report on Iran.",
    "The ministry provided details to Japan.",
    "A Chilean Senate committee released evidence to Peru.",
])
def test_interactions_publishing_is_not_yielding_or_aid(nlp, lexicon, text):
    assert interactions(nlp, lexicon, text) == []


def test_interactions_release_of_prisoners_stays_retreat(nlp, lexicon):
    assert (IRN, "RETREAT", "country:GBR") in triples(
        interactions(nlp, lexicon, "Iran released two British prisoners on Monday."))


# -- reports: events with one side count and are said to be left out of the network ------------
@pytest.fixture(scope="module")
def one_sided_store(views_store, tmp_path_factory):
    """The views store with two two-sided events and two whose text names one side only."""
    import pandas as pd

    from presslens.store import open_store, write_store

    data = {name: views_store.table(name) for name in views_store.tables}
    data["interactions"] = pd.DataFrame({
        "article_id": ["iran-china-talks"] * 4, "sentence_id": [0, 1, 2, 3],
        "source_actor_id": ["iran", "china", "iran", None],
        "event_type": ["CONSULT", "AGREE", "REJECT", "ASSAULT"],
        "target_actor_id": ["china", "iran", None, "iran"],
        "trigger": ["met", "agreed", "rejected", "attack"], "negated": [False] * 4,
        "text": ["Iran met China.", "China and Iran agreed.", "Iran rejected the proposal.",
                 "The attack on Iran."],
        "missing_side": [None, None, "target", "source"]})
    folder = tmp_path_factory.mktemp("one-sided") / "store"
    write_store(folder, data, dict(views_store.meta))
    st = open_store(folder)
    yield st
    st.close()


def test_interactions_one_sided_counted_in_tables_and_stated_under_the_network(one_sided_store):
    from presslens import plots, views

    pairs = views.interaction_pairs(one_sided_store)
    assert pairs["interactions"].sum() == 4
    named = set(zip(pairs["source_name"], pairs["target_name"], strict=True))
    assert ("Iran", views.NOT_NAMED) in named and (views.NOT_NAMED, "Iran") in named
    assert views.NOT_NAMED in views.table_html(pairs)

    article = views.article_interactions(one_sided_store, "iran-china-talks")
    assert list(article["from"]).count(views.NOT_NAMED) == 1
    assert list(article["to"]).count(views.NOT_NAMED) == 1

    iran = views.actor_interactions(one_sided_store, "iran")
    assert len(iran) == 4 and (iran["partner_name"] == views.NOT_NAMED).sum() == 2
    partners = views.actor_partners(one_sided_store, "iran")
    assert partners["interactions"].sum() == 4

    summary = dict(views.corpus_summary(one_sided_store).values)
    assert summary["Interactions"] == "4 (2 with one side not named)"

    graph = views.interaction_graph(one_sided_store)
    assert graph.number_of_edges() == 2 and None not in graph.nodes
    assert graph.graph["one_sided"] == 2 and graph.graph["events"] == 4
    fig = plots.interaction_network(graph)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(t.startswith("Not drawn: 2 events name only one side") for t in texts)


def test_interactions_only_one_sided_events_give_a_figure_that_says_so(one_sided_store):
    import networkx as nx

    from presslens import plots

    graph = nx.DiGraph(one_sided=3, events=3)
    fig = plots.interaction_network(graph)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("No event names both sides" in t and "3 events" in t for t in texts)
    assert plots.interaction_network(nx.DiGraph()) is None


@pytest.mark.parametrize("text, expected", [
    # a hostile act reported by someone else is their accusation of its doer
    ("Turkey claimed that Syria had shelled Greece.",
     {("country:SYR", "ASSAULT", "country:GRC"), ("country:TUR", "ACCUSE", "country:SYR")}),
    # the victim reporting an attack by nobody named accuses no one named
    ("Egypt said a rocket was fired at it from the border on Sunday.",
     {(None, "ASSAULT", "country:EGY"), ("country:EGY", "ACCUSE", None)}),
    # an unnamed report still accuses the doer, also inside a coordinated clause
    ("A long report alleged that Chile was aware of the plan, and that the Chilean army "
     "helped to plan and carry out killings.",
     {("agent:CHL:MIL", "ASSAULT", None), (None, "ACCUSE", "agent:CHL:MIL")}),
])
def test_interactions_reported_attacks_are_accusations(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text", [
    "Chile said it struck rebel camps in Peru.",        # the doer reporting its own act
    "Chile denied that its army attacked Peru.",        # a denial is no allegation
    "Chile said Peru would attack it if talks failed.",  # a threat, not a reported attack
])
def test_interactions_no_accusation_without_an_alleged_act(nlp, lexicon, text):
    assert "ACCUSE" not in {i.event_type for i in interactions(nlp, lexicon, text)}


@pytest.mark.parametrize("text, expected", [
    # an act only hoped or foreseen, with no one named as doing it, is nobody's act
    ("Chile hoped that Peruvian officials would be indicted.", set()),
    ("Peruvian officials accused of fraud left Chile.", set()),
    # a named doer keeps the intended act; a past act on a described noun stays
    ("Chile said it would attack Peru.", {("country:CHL", "THREATEN", "country:PER")}),
    ("There were ten Peruvian soldiers killed in the raid.", {(None, "ASSAULT", "country:PER")}),
])
def test_interactions_no_doer_of_a_hoped_act_or_a_label(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


def _with_countries(nlp, lexicon, text: str) -> set[tuple[str, str, str]]:
    """Triples found with the article's actor countries, as the pipeline passes them."""
    doc = nlp(text)
    found = ActorFinder()(doc)
    return triples(find_interactions(doc, found.mentions, lexicon=lexicon,
                                     countries={k: a.country for k, a in found.actors.items()}))


@pytest.mark.parametrize("text, expected", [
    # a stance stated for the speaker's own state is the speaker's
    ("Chilean Foreign Minister Ana Soto said Chile would not enter talks with Peru.",
     {("person:ana soto", "REJECT", "country:PER")}),
    ("Chilean President Ana Soto said that Chile was willing to work with Peru.",
     {("person:ana soto", "AGREE", "country:PER")}),
    # another state's stance, or a past act of the own state, stays that state's
    ("Chilean President Ana Soto said Peru would not enter talks with Bolivia.",
     {("country:PER", "REJECT", "country:BOL")}),
    ("Chilean President Ana Soto said Chile had signed a deal with Peru.",
     {("country:CHL", "AGREE", "country:PER")}),
    # a state that is only a partner of the clause's event keeps its place
    ("Chilean President Ana Soto said that the deal would expand ties between Chile and Peru.",
     {("country:CHL", "AGREE", "country:PER"), ("country:PER", "AGREE", "country:CHL")}),
    # the speaker's own state among the partners is not their recipient
    ("Chilean President Ana Soto said she was ready to work with the new president to deepen "
     "the comprehensive strategic partnership between Chile and Peru.",
     {("person:ana soto", "SUPPORT", "country:PER")}),
])
def test_interactions_speaker_of_a_stance_for_their_state(nlp, lexicon, text, expected):
    assert _with_countries(nlp, lexicon, text) == expected


@pytest.mark.parametrize("text, expected", [
    # the phrase's own preposition names the recipient
    ("Chile voiced concern over Peru's missile tests.", {("country:CHL", "ACCUSE", "country:PER")}),
    # a reaction to a thing someone made reaches its maker
    ("Chile welcomed a plan drafted by Peru.", {("country:CHL", "SUPPORT", "country:PER")}),
    ("Chile criticised the enforcement of the law by Peru.",
     {("country:CHL", "ACCUSE", "country:PER")}),
    ("Chile signed a deal brokered by Peru.", {("country:CHL", "AGREE", None)}),
    # assurances are a commitment, and those received come from the other side
    ("Chilean farmers received assurances from Peru.", {("country:PER", "AGREE", "country:CHL")}),
    # talks that are part of someone's visit are theirs
    ("Lula's trip to Chile included talks with Gabriel Boric.",
     {("person:lula", "CONSULT", "country:CHL"), ("person:lula", "CONSULT", "person:gabriel boric")}),
    ("The report included talks with Peru.", {(None, "CONSULT", "country:PER")}),
    # joining an actor is cooperation; joining a thing is no event
    ("Chile joined the Shanghai Cooperation Organisation in 2023.",
     {("country:CHL", "COOPERATE", "organization:shanghai cooperation organisation")}),
    ("Chile joined the protest.", set()),
    # first person inside quotation marks is the speaker outside them
    ('"We highly appreciate the balanced position of our Indian friends," Putin told Modi.',
     {("person:putin", "SUPPORT", "country:IND")}),
])
def test_interactions_recipients_of_phrases_and_made_things_and_quoted_speakers(
        nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # "she" is the one person subject of the clause around it, else of the sentence before
    ("Chilean Foreign Minister Ana Soto said she had met Peruvian President Luis Rojas.",
     {("person:ana soto", "CONSULT", "person:luis rojas")}),
    ("Chilean Foreign Minister Ana Soto arrived in Lima on Monday. She criticised Bolivia.",
     {("person:ana soto", "CONSULT", None), ("person:ana soto", "ACCUSE", "country:BOL")}),
    # never a state
    ("Chile said it had met Peru. He criticised Bolivia.",
     {("country:CHL", "CONSULT", "country:PER"), (None, "ACCUSE", "country:BOL")}),
])
def test_interactions_he_and_she_are_the_person_before(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


def test_interactions_an_event_as_borrowed_subject_leaves_the_act_to_the_speaker(nlp, lexicon):
    text = ("Chilean Foreign Minister Ana Soto said the withdrawal of Peru from the deal was the "
            "root cause of the crisis and called on Bolivia to lift its sanctions.")
    assert triples(interactions(nlp, lexicon, text)) == {
        ("country:PER", "RETREAT", None), ("person:ana soto", "REQUEST", "country:BOL")}


@pytest.mark.parametrize("text, protests", [
    ("On March 3, Ukraine instituted a new customs regime at the border with Transnistria.", 0),
    ("In March, Iran and Iraq reopened the border crossing.", 0),
    ("Ukraine held a march against Russia on Friday.", 1),
])
def test_interactions_a_month_is_no_protest_march(nlp, lexicon, text, protests):
    found = interactions(nlp, lexicon, text)
    assert sum(i.event_type == "PROTEST" for i in found) == protests, found


# -- modality: acts asked for, hoped for or only supposed are not recorded as done -------------
@pytest.mark.parametrize("text, expected", [
    # asked for: the asker's REQUEST of the doer, not the act ("for" parsed as a clause mark)
    ("Peru called for Chile to withdraw its troops from Bolivia.",
     {("country:PER", "REQUEST", "country:CHL")}),
    ("Peru appealed for Chile to release the fishermen.",
     {("country:PER", "REQUEST", "country:CHL")}),
    # a condition: what might happen was not done; the main clause stays
    ("Norway will send aid if Peru is attacked.", {("country:NOR", "AGREE", None)}),
    # hoped, expected or wanted of another: no event; one's own hoped act is an intent
    ("Chile said it hoped the new government would expand cooperation between Lima and "
     "Santiago.", set()),
    ("Bolivia wants Chile to attack Peru.", set()),
    # proposed or suggested for others: not done
    ("Ali Akbar Ahmadian proposed that the Peruvian envoys be expelled from Chile.", set()),
    ("Bolivia hopes to meet Chile.", {("country:BOL", "AGREE", "country:CHL")}),
])
def test_interactions_requested_conditional_and_wished_acts(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # a thing or an event named with an actor is not that actor as a partner
    ("Chile and Peru proposed a UN Security Council resolution.",
     {("country:CHL", "AGREE", None), ("country:PER", "AGREE", None)}),
    ("The government of Chile received specific intelligence and police information.", set()),
    # ... but what is struck or condemned still reaches its owner or doer
    ("Chilean forces struck three Peruvian military sites.",
     {("country:CHL", "ASSAULT", "country:PER")}),
    ("Peru condemned the Chilean strikes.", {("country:PER", "ACCUSE", "country:CHL")}),
])
def test_interactions_things_named_with_an_actor_are_no_partner(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # "the leaders" or "the G8 nations" counts no pair: not the two named before
    ("Peru and Chile called on the G8 nations to act.",
     {("country:PER", "REQUEST", None), ("country:CHL", "REQUEST", None)}),
    ("Ali Akbar Ahmadian met Chen Wenqing in Beijing. The leaders also signed a memorandum on "
     "Bolivia.", {(AHMADIAN, "CONSULT", CHEN), (None, "AGREE", "country:BOL")}),
    # "the two leaders" does
    ("Ali Akbar Ahmadian met Chen Wenqing in Beijing. The two leaders also signed a memorandum.",
     {(AHMADIAN, "CONSULT", CHEN), (AHMADIAN, "AGREE", CHEN), (CHEN, "AGREE", AHMADIAN)}),
])
def test_interactions_plural_back_references_need_a_number(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # a thing signed leaves the signers acting with each other, also in the passive with a
    # second signer the parse hangs on the verb; a thing proposed does not
    ("Chile and Peru signed the document in Lima.",
     {("country:CHL", "AGREE", "country:PER"), ("country:PER", "AGREE", "country:CHL")}),
    ("The document was signed in Lima by Ali Akbar Ahmadian, the Iranian envoy for trade, and "
     "Chinese Foreign Minister Chen Wenqing, in the presence of Peruvian President Ana Soto.",
     {(AHMADIAN, "AGREE", CHEN), (CHEN, "AGREE", AHMADIAN)}),
    ("Chile and Peru proposed a resolution.",
     {("country:CHL", "AGREE", None), ("country:PER", "AGREE", None)}),
    # the owner of "his counterpart" takes part, even as the object of "met"
    ("Ali Akbar Ahmadian met his Chinese counterpart Chen Wenqing.", {(AHMADIAN, "CONSULT", CHEN)}),
])
def test_interactions_signers_together_and_counterparts(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


def test_interactions_the_owner_of_his_counterpart_talks_whoever_the_subject_is(nlp, lexicon):
    found = triples(interactions(nlp, lexicon, (
        "Ali Akbar Ahmadian said Tehran and Beijing had agreed to begin talks, after a meeting "
        "with his Chinese counterpart Chen Wenqing.")))
    assert (AHMADIAN, "CONSULT", CHEN) in found
    assert (IRN, "CONSULT", CHEN) not in found and (CHN, "CONSULT", CHEN) not in found


@pytest.mark.parametrize("text, expected", [
    # planned: an intent; planned and then cancelled: nothing happened
    ("A planned visit by Chile to Peru was announced.", {("country:CHL", "AGREE", "country:PER")}),
    ("Bolivia protested after a planned round of talks between Chile and Peru was cancelled.",
     {("country:BOL", "PROTEST", None)}),
    # a call made beside a reported obligation is the speaker's, not the obliged one's
    ("Ali Akbar Ahmadian said Peru should work to counter the sanctions, and called for more "
     "trade.", {(AHMADIAN, "REQUEST", "country:PER")}),
    # the recipient of another event named as the object is not this event's recipient; its
    # doer is, when one is named
    ("Chile firmly opposed the sanctions against Peru.", {("country:CHL", "ACCUSE", None)}),
    ("Chile condemned the Bolivian attack on Peru.", {("country:CHL", "ACCUSE", "country:BOL")}),
])
def test_interactions_planned_cancelled_and_other_events_as_objects(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


def test_interactions_the_three_countries_and_they_name_the_three_named_together(nlp, lexicon):
    text = ("Diplomats from Chile, Peru and Bolivia met in Lima on Friday. In a statement, the "
            "three countries said the parties should act. They welcomed Peru's decision and "
            "urged Ecuador to join.")
    found = triples([i for i in interactions(nlp, lexicon, text) if i.sentence_id == 2])
    assert found == {("country:CHL", "SUPPORT", "country:PER"),
                     ("country:BOL", "SUPPORT", "country:PER"),
                     ("country:CHL", "REQUEST", "country:ECU"),
                     ("country:PER", "REQUEST", "country:ECU"),
                     ("country:BOL", "REQUEST", "country:ECU")}


@pytest.mark.parametrize("text, expected", [
    # "the attacks" with no actor of their own are those told of before: their doer is
    # condemned; an event naming its own participants, or a deal (two sides), is not
    ("Chilean forces attacked three Peruvian bases on Sunday. Ali Akbar Ahmadian thanked "
     "Bolivia for condemning the attacks.", ("country:BOL", "ACCUSE", "country:CHL")),
    ("Chile attacked Peru. Bolivia condemned the attack on its embassy.",
     ("country:BOL", "ACCUSE", None)),
    ("Chile signed a deal with Peru. Bolivia condemned the deal.", ("country:BOL", "ACCUSE", None)),
    # under sanctions: the subject undergoes them
    ("Peru has been under Chilean sanctions since 2019.", ("country:CHL", "SANCTION", "country:PER")),
])
def test_interactions_events_referred_back_to_and_undergone(nlp, lexicon, text, expected):
    found = interactions(nlp, lexicon, text)
    last = max(i.sentence_id for i in found)
    assert expected in triples([i for i in found if i.sentence_id == last])
    assert all(i.event_type != expected[1] or (i.source_key, i.target_key) == expected[::2]
               for i in found if i.sentence_id == last)


@pytest.mark.parametrize("text, expected", [
    # a people addressed is the public, not its state
    ("Ali Akbar Ahmadian spoke to Chileans in a televised address.", {(AHMADIAN, "CONSULT", None)}),
    ("Ali Akbar Ahmadian spoke to Chile.", {(AHMADIAN, "CONSULT", "country:CHL")}),
    # a phrase whose noun is no trigger of its own ("go on strike")
    ("Chilean miners went on strike against the Peruvian company.",
     {("country:CHL", "PROTEST", "country:PER")}),
])
def test_interactions_a_people_is_no_partner_and_phrase_nouns(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # "also" with the same act: its recipient is the one before
    ("Chilean President Ana Soto congratulated Ali Akbar Ahmadian. Peru backed Iran. Bolivia "
     "also sent its congratulations.", ("country:BOL", "SUPPORT", AHMADIAN)),
    # a recipient named after coordinated objects belongs to them all
    ("Chile suspended trade talks and some communication channels with Peru.",
     ("country:CHL", "SANCTION", "country:PER")),
])
def test_interactions_also_the_same_act_and_coordinated_objects(nlp, lexicon, text, expected):
    found = interactions(nlp, lexicon, text)
    last = max(i.sentence_id for i in found)
    assert triples([i for i in found if i.sentence_id == last]) == {expected}


@pytest.mark.parametrize("text, expected", [
    # having or enjoying support, a treaty or aid is a state, not an act; holding talks is one
    ("Lima said the plan enjoyed support from Chile and Bolivia.", set()),
    ("Chile does have an extradition treaty with Peru.", set()),
    ("Chile had talks with Peru.", {("country:CHL", "CONSULT", "country:PER")}),
    # telling the press is a statement, not a consultation
    ("Speaking to Chilean reporters in Lima, Ali Akbar Ahmadian said the plan was urgent.",
     {(AHMADIAN, "CONSULT", None)}),
    # doubted, or asked for through nested clauses: nothing done
    ("Analysts are skeptical that Chile and Peru will be able to reach an agreement.", set()),
    ("Bolivia asked Chile to consider ending the dispute by asking Peru to withdraw.",
     {("country:BOL", "REQUEST", "country:CHL")}),
])
def test_interactions_states_statements_doubts_and_nested_requests(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("Chile expelled the Peruvian ambassador, a move Lima condemned.",
     {("country:CHL", "SANCTION", "country:PER"), ("country:PER", "ACCUSE", "country:CHL")}),
    ("The rebels were declared a terrorist group by Chile in 2019, a step Peru condemned.",
     {("country:PER", "ACCUSE", "country:CHL")}),
])
def test_interactions_a_reaction_to_a_step_reaches_the_doer_of_the_clause(nlp, lexicon, text,
                                                                          expected):
    assert expected <= triples(interactions(nlp, lexicon, text))


@pytest.mark.parametrize("text, expected", [
    # a contest won is no force; words against words are an accusation
    ("Ali Akbar Ahmadian beat Chen Wenqing in the party's election.", set()),
    ("Ali Akbar Ahmadian attacked the Peruvian government's stance on trade.",
     {(AHMADIAN, "ACCUSE", "agent:PER:GOV")}),
    ("Chilean tanks shelled positions of the Peruvian army.",
     {("country:CHL", "ASSAULT", "agent:PER:MIL")}),
    # a second subject right after a comma is a place, not a doer
    ("A bombing attack on a Chilean convoy in Tacna, Peru wounded four Chilean soldiers.",
     {(None, "ASSAULT", "country:CHL"), (None, "ASSAULT", "agent:CHL:MIL")}),
])
def test_interactions_contests_words_and_places_are_no_force(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # an act alleged is not recorded as done: the allegation reaches the one it is about
    ("Bolivia accused Peru of making false claims by alleging Chile played a role in the "
     "massacre.", {("country:BOL", "ACCUSE", "country:PER")}),
    ("Peru alleged that Chilean troops took part in the killing of civilians.",
     {("country:PER", "ACCUSE", "agent:CHL:MIL")}),
    # a threatened attack reaches its target
    ("Peru threatened to launch an attack on Chile.", {("country:PER", "THREATEN", "country:CHL")}),
])
def test_interactions_alleged_and_threatened_acts(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


def test_interactions_weapons_received_are_aid_from_the_giver(nlp, lexicon):
    assert triples(interactions(nlp, lexicon, "Peru received weapons from Chile.")) == {
        ("country:CHL", "AID", "country:PER")}


@pytest.mark.parametrize("text, expected", [
    # a trip with another purpose is no visit to the state; a trip for talks is one
    ("Chilean President Ana Soto travels to Lima for the inauguration of a new bridge.", set()),
    ("Ali Akbar Ahmadian traveled to Peru to render humanitarian assistance.", set()),
    ("Ali Akbar Ahmadian flew to Lima for talks.", {(AHMADIAN, "CONSULT", "country:PER")}),
    ("Ali Akbar Ahmadian flew to Lima on Monday.", {(AHMADIAN, "CONSULT", "country:PER")}),
])
def test_interactions_a_trip_for_another_purpose_is_no_visit(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # co-signers of a letter write together; they do not agree with each other
    ("Chile and Peru signed a letter on the crisis.",
     {("country:CHL", "AGREE", None), ("country:PER", "AGREE", None)}),
    # a primary or legal battle is a contest, no force
    ("Ali Akbar Ahmadian backed Chen Wenqing after a bitter primary battle with him.",
     {(AHMADIAN, "SUPPORT", CHEN)}),
])
def test_interactions_letters_and_contests(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


def test_interactions_a_reaction_in_the_passive_to_anothers_act_stays(nlp, lexicon):
    found = triples(interactions(nlp, lexicon, "Peru's proposal has been welcomed by Chile."))
    assert ("country:CHL", "SUPPORT", "country:PER") in found


@pytest.mark.parametrize("text, expected", [
    # an event given as the reason is no recipient
    ("Bolivia blamed the intelligence services of Chile for the bombing of the Peruvian embassy.",
     ("country:BOL", "ACCUSE", "country:CHL")),
    # a state's own troops are its means, not its recipient
    ("Chile moved troops into the disputed region.", ("country:CHL", "MOBILIZE", None)),
])
def test_interactions_reasons_and_own_troops_are_no_recipients(nlp, lexicon, text, expected):
    found = triples(interactions(nlp, lexicon, text))
    assert {t for t in found if t[1] == expected[1]} == {expected}


@pytest.mark.parametrize("text, expected", [
    # the content of a demand, threat or allegation named by a noun is not done
    ("Chile rejected demands that it withdraw from Peru.", {("country:CHL", "REJECT", None)}),
    ("Chile made threats to attack Peru.", {("country:CHL", "THREATEN", None)}),
    ("Peru repeated its allegations that Chile is planning to attack Bolivia.",
     {("country:PER", "ACCUSE", None)}),
])
def test_interactions_content_of_demands_threats_and_allegations_as_nouns(nlp, lexicon, text,
                                                                           expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # a report denied or a rumour is not an act; a confirmed report is
    ("Ali Akbar Ahmadian denied reports that he will concede the race to Chen Wenqing.",
     {(AHMADIAN, "REJECT", None)}),
    ("Chile dismissed rumours that Peru attacked Bolivia.", {("country:CHL", "REJECT", None)}),
    ("Chile confirmed reports that Peru attacked Bolivia.",
     {("country:PER", "ASSAULT", "country:BOL")}),
    # "the crisis between X and Y" under a meeting verb is not who meets
    ("Diplomats discussed the crisis between Chile and Peru.", set()),
])
def test_interactions_reports_rumours_and_what_is_discussed(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # what is asked for is not done, and the one it would happen to is not the one asked
    ("Bolivia called for the release of the Peruvian fishermen.", {("country:BOL", "REQUEST", None)}),
    ("Bolivia called for talks with Peru.", {("country:BOL", "REQUEST", None)}),
    # ... but the one who would act is asked, and a threatened attack reaches its target
    ("Bolivia demanded the withdrawal of Chilean troops from Peru.",
     {("country:BOL", "REQUEST", "agent:CHL:MIL")}),
    ("Bolivia threatened an attack on Chile.", {("country:BOL", "THREATEN", "country:CHL")}),
    # a state's own troops withdrawn later are its means, also when only planned
    ("The Chilean government plans to withdraw Chilean troops from Peru.",
     {("agent:CHL:GOV", "AGREE", "country:PER")}),
])
def test_interactions_what_is_asked_for_and_threatened(nlp, lexicon, text, expected):
    assert triples(interactions(nlp, lexicon, text)) == expected
