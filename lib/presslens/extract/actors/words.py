"""Word lists the actor finder reads: titles, honorifics, group nouns, noise words."""

from __future__ import annotations

# Head words of titles and offices (general English; multi-word offices end in one of these).
TITLE_WORDS = frozenset("""
president vice-president premier minister secretary secretary-general spokesperson spokesman
spokeswoman ambassador envoy chancellor king queen prince princess emir amir sultan sheikh
ayatollah leader chairman chairwoman chair chairperson chief head director director-general
general admiral commander governor mayor senator congressman congresswoman representative
lawmaker legislator deputy adviser advisor counselor counsellor official officer premier
president-elect speaker justice judge diplomat negotiator coordinator administrator
commissioner representative pope monarch marshal colonel lieutenant captain attache consul
undersecretary under-secretary chief-of-staff mp ceo founder candidate nominee cardinal imam
rapporteur correspondent superintendent comptroller treasurer attorney-general principal madam
pm vp fm taoiseach tanaiste
""".split())
# Plural nouns that, with an adjective, name a collective actor ("Western nations").
GROUP_NOUNS = frozenset("""
nation country power state government ally partner democracy regime adversary rival
neighbour neighbor member donor
""".split())
# Adjectives that only count or point back ("two nations", "other countries"): not a group.
NOT_GROUP_ADJECTIVES = frozenset("""
two three four five several many both other such these those own respective various
some certain same few more most all each individual particular said
""".split())
# Forms of address: not part of a name or a title.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lady", "lord", "madam",
                        "mister", "excellency", "honorable", "hon", "majesty", "highness", "holiness"})
# Last words of organisation names, never of a person's ("Foreign Affairs", "Security Council").
ORGANISATION_HEADS = frozenset("""
affairs council department ministry office agency commission committee bureau service services
force forces development security administration authority assembly parliament court bank
fund union association institute party corps guard guards army navy police group company
organisation organization movement front network coalition alliance federation league board
house centre center foundation university school hospital command staff conference forum
""".split())
# Institutions of a state, named by description ("China's foreign ministry"); parliaments,
# armies, police and courts are collective actors of the lexicon (codebooks/agents.yml).
INSTITUTION_HEADS = frozenset("ministry embassy presidency".split())
# Last words of a name that are a party, an outlet or a section, never part of a person's name
# ("Steve Bracks Labor", "John Key Wikinews").
NAME_TAIL_NOISE = frozenset("""
labor labour liberal liberals conservative conservatives democrat democrats republican
republicans tory tories socialist socialists nationalist nationals unionist
wikinews reuters ap afp bbc cnn xinhua itar-tass interfax bloomberg aljazeera
""".split())
# Faiths and doctrines ("Islam", "Marxism") and the last words of buildings and programmes
# ("Kremlin Palace", "Marshall Plan") are never a person.
NOT_PERSON_WORDS = frozenset("""
islam christianity judaism hinduism buddhism sikhism sharia allah god jesus
palace house building tower hall mosque church cathedral temple airport stadium square street
bridge prison embassy program programme initiative plan project fund act
administration government cabinet campaign
""".split())
# Bodies a state has one of: in the plural without a state ("governments") they are several.
ONE_PER_STATE = frozenset("""
government regime administration army military navy judiciary legislature cabinet parliament
""".split())
# Generation markers that keep a father and a son apart ("George Bush Sr", "Jr.").
GENERATION_MARKERS = frozenset({"sr", "jr", "senior", "junior", "ii", "iii", "iv"})
# Weights of a person's country evidence: what the text says beats what the setting suggests.
EVIDENCE_WEIGHTS = {"title": 3, "demonym": 3, "of": 3, "office": 3, "publisher": 2, "sentence": 1, "context": 1}
# Plural nouns whose possessive is inside one name ("Democratic People's Republic of Korea").
NAME_POSSESSORS = frozenset({"people", "peoples", "women", "children", "workers", "veterans"})
# Lower-case particles inside personal names ("Ursula von der Leyen", "Mohammed bin Salman").
NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "del", "della", "da", "di", "du",
                            "la", "le", "bin", "bint", "ibn", "al"})
PRONOUNS = {"he": "m", "him": "m", "his": "m", "himself": "m",
            "she": "f", "her": "f", "hers": "f", "herself": "f"}
# Spans spaCy sometimes tags as organisations that name events, documents or diseases.
NOT_ACTOR_HEADS = frozenset("""
agreement treaty accord pact plan conference summit initiative act law declaration deal
programme program strategy dialogue talks meeting week day year war pandemic covid-19 covid
coronavirus framework memorandum resolution charter convention protocol roadmap vision
statement communique report index games cup award prize festival expo partnership
enterprise ambition agenda arrangement adjustment adjustments price hub tariff tariffs trade
""".split())
# Caption labels before a colon ("Image: Nick Moreau", "Photo: Reuters").
CREDIT_LABELS = frozenset("image images photo photos picture pictures credit credits source video audio caption"
                          .split())
WEEKDAYS_MONTHS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december today yesterday tomorrow
""".split())
# "pressure from Washington" is an actor, so "from" is not among these.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "across", "around",
                                   "into", "throughout", "within", "via", "towards"})
ENTITY_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "country", "NORP": "country",
                "LOC": "country", "FAC": None}

