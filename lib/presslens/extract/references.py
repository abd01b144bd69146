"""Back-references to actors: which actors a noun phrase, pronoun or "the two countries" names.

`ActorIndex(doc, mentions, plural_references=...)` maps tokens to actor keys. Mentions come from
`presslens.extract.actors`; on top of them it resolves

- "the two nations", "both countries" (nouns listed in `plural_references`, from the trigger
  lexicon's options) to the two actors of that kind named together most recently, not those
  of the clause's own subject; "the leaders" or "the G8 nations" (no number) to none;
- "the three countries" to the last three of that kind coordinated together, and "they" after
  it to them too, for interactions only (`keys`); "the two sides" and "both leaders" to the two participants of
  the article's main meeting once the caller names it (`point_to_meeting`);
- "it", "its" to one country, organisation or group, and "they", "their" to a plural
  antecedent: the subject of an embedding clause that names actors, else the subject of the
  previous sentence;
- "he", "she", "his" to one person, the same way, for interactions only (`keys`; quotes find
  their own speakers, `speakers` leaves these out);
- "we", "our", "I" inside quotation marks to the subject of the sentence's verb outside them
  ('"We appreciate China's position," Putin told Xi': Putin);
- a noun phrase to its actors through apposition ("his counterpart Wang Yi"), modifiers
  ("Iranian officials", "Iran's army") and "of" ("the government of Iraq"), conjuncts included.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from presslens.extract.actors import Mention
from presslens.nlp import masked_tokens, sentence_index, token_mask

RELATIVE_PRONOUNS = frozenset({"that", "which", "who", "whom", "whose"})
SINGULAR_PRONOUNS = frozenset({"it", "its", "itself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
PERSONAL_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss"})
# Words that make "the nations" mean some other set than the two just named.
NOT_BACK_REFERENCE = frozenset("""
other others some many several all most few three four five six seven eight nine ten more
such various certain individual member neighbouring neighboring foreign western eastern
""".split())
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our", "ours", "ourselves"})
QUOTE_MARKS = frozenset({'"', "\u201c", "\u201d", "``", "''"})
NUMBERS = {"three": 3, "four": 4, "five": 5, "six": 6, "3": 3, "4": 4, "5": 5, "6": 6}


class ActorIndex:
    """Actor keys for the tokens of one Doc: its mentions, plus plural and pronoun back-references.

    Shared by quotes and interactions so that "they", "the two countries" and "both nations"
    mean the same actors for both.
    """

    def __init__(self, doc: Doc, mentions: Sequence[Mention], *,
                 plural_references: dict[str, str] | None = None):
        self.doc = doc
        self.sent_of = sentence_index(doc)
        self.by_token: dict[int, str] = {}
        ranked = sorted(mentions, key=lambda m: (m.key.startswith("person:"),
                                                 m.token_end - m.token_start))
        for m in ranked:        # later (person, wider) mentions overwrite
            for i in range(m.token_start, m.token_end):
                self.by_token[i] = m.key
        self.mentions = sorted(mentions, key=lambda m: m.token_start)
        self.sents = list(doc.sents)
        self.references: dict[int, list[str]] = {}
        # "the two sides", "both leaders": tokens that may instead mean the main meeting's pair
        self.pair_references: dict[int, str] = {}
        # "he", "she", "his": one person; read by `keys` (interactions) but not by `speakers`,
        # since quotes resolve their own speakers.
        self.people: dict[int, str] = {}
        # "the three countries" and "they" after it: groups named together, read by `keys`
        # (interactions) but not by `speakers`
        self.groups: dict[int, list[str]] = {}
        self._resolve_plurals(plural_references or {})
        self._resolve_pronouns()
        self._resolve_people()

    # back-references
    def _resolve_plurals(self, plural_references: dict[str, str]) -> None:
        """"the two nations", "both countries": the two actors of the kind named together last."""
        plurals = token_mask(self.doc, "TAG", {"NNS", "NNPS"}) & token_mask(
            self.doc, "LEMMA", lambda lemma: lemma.lower() in plural_references)
        for token in masked_tokens(self.doc, plurals):
            kind = plural_references[token.lemma_.lower()]
            if token.i in self.by_token:
                continue
            children = list(token.children)
            pointers = {c.lower_ for c in children if c.dep_ in {"det", "predet", "nummod"}}
            if not pointers & {"the", "both", "two", "2"}:
                continue
            number = next((NUMBERS[p] for p in pointers if p in NUMBERS), 0)
            if number >= 3:
                # "the three countries": the last three named together, coordinated
                if keys := self._recent_group(token.i, kind, number):
                    self.groups[token.i] = keys
                continue
            counted = bool(pointers & {"both", "two", "2"})
            if not counted and (kind != "country" or any(
                    c.dep_ in {"amod", "compound", "nmod", "poss"} for c in children)):
                continue    # "the leaders" of a summit, "the G8 nations": no number, no pair
            if any(c.lower_ in NOT_BACK_REFERENCE for c in children) or any(
                    c.dep_ == "prep" and c.lower_ in {"of", "in"} for c in children):
                continue
            if kind in {"any", "person"}:
                self.pair_references[token.i] = kind
            if keys := self._recent_pair(token.i, kind, self._local_subjects(token)):
                self.references[token.i] = keys

    @staticmethod
    def _local_subjects(token: Token) -> set[int]:
        """Tokens of the subject of the clause holding `token`: "Iraq and Oman hosted talks
        between the two sides" does not mean Iraq and Oman."""
        current = token
        for _ in range(8):
            if current.pos_ in {"VERB", "AUX"} or current.head.i == current.i:
                break
            current = current.head
        return {t.i for child in current.children if child.dep_ in {"nsubj", "nsubjpass"}
                and token not in child.subtree for t in child.subtree}

    def _recent_pair(self, before: int, kind: str, exclude: set[int]) -> list[str]:
        """The last two distinct actors of `kind` named in the latest sentence naming two."""
        sid = self.sent_of[before]
        for number in range(sid, max(sid - 6, -1), -1):
            keys: list[str] = []
            for m in self.mentions:
                if m.sentence_id != number or m.token_end > before or m.token_start in exclude:
                    continue
                if kind != "any" and not m.key.startswith(f"{kind}:"):
                    continue
                if kind == "any" and m.key.startswith("group:"):
                    continue
                if m.key in keys:
                    keys.remove(m.key)
                keys.append(m.key)
            if len(keys) >= 2:
                return keys[-2:]
        return []

    def _recent_group(self, before: int, kind: str, number: int) -> list[str]:
        """The latest `number` actors of `kind` coordinated with each other ("China, Russia
        and Iran") before token `before`, within six sentences."""
        sid = self.sent_of[before]
        for sent in reversed(self.sents[max(sid - 6, 0): sid + 1]):
            groups = [[head, *(c for c in head.subtree if c.dep_ == "conj" and c.head in (
                head, *head.conjuncts))] for head in sent
                if head.i < before and head.dep_ != "conj" and any(c.dep_ == "conj" for c in head.children)]
            for group in reversed(groups):
                keys = list(dict.fromkeys(self.by_token[t.i] for t in group if t.i in self.by_token))
                keys = [k for k in keys if kind == "any" or k.startswith(f"{kind}:")]
                if len(keys) == number and all(t.i < before for t in group):
                    return keys
        return []

    def point_to_meeting(self, pair: Sequence[str], after: int) -> None:
        """'The two sides' and 'both leaders' after token `after` mean the two participants of
        the article's main meeting (`pair`), not the last two actors named together; 'both
        leaders' only when both participants are people."""
        if len(set(pair)) != 2:
            return
        people = all(k.startswith("person:") for k in pair)
        for i, kind in self.pair_references.items():
            if i > after and (kind == "any" or people):
                self.references[i] = list(pair)

    def _resolve_quoted_first_person(self) -> None:
        """'"We appreciate ...," Putin told Xi': first-person words inside the quotation marks
        are the speaker, the subject of the sentence's main verb outside them."""
        for sent in self.sents:
            marks = [t.i for t in sent if t.text in QUOTE_MARKS]
            spans = list(zip(marks[::2], marks[1::2], strict=False))
            if not spans:
                continue
            quoted = {i for start, end in spans for i in range(start + 1, end)}
            root = sent.root
            subjects = [c for c in root.children if c.dep_ in SUBJECT_DEPS and c.i not in quoted]
            if root.i in quoted or len(subjects) != 1:
                continue
            keys = self.keys(subjects[0], pronouns=False)
            for i in quoted:
                token = self.doc[i]
                if keys and token.lower_ in FIRST_PERSON and token.i not in self.by_token:
                    self.references[token.i] = keys

    def _resolve_pronouns(self) -> None:
        self._resolve_quoted_first_person()
        pronouns = token_mask(self.doc, "POS", {"PRON"}) & token_mask(
            self.doc, "LOWER", lambda lower: lower in SINGULAR_PRONOUNS or lower in PLURAL_PRONOUNS)
        for token in masked_tokens(self.doc, pronouns):
            lower = token.lower_
            if token.i in self.by_token:
                continue
            if token.dep_ in {"dobj", "pobj"}:
                # An object pronoun never means its own clause's subject, but may mean the
                # speaker of a clause around it: "Israel said a rocket was fired at it".
                subject = self._outer_subject(token)
                keys = self.keys(subject, pronouns=False) if subject is not None else []
                if keys and (lower in PLURAL_PRONOUNS or (
                        len(keys) == 1 and not keys[0].startswith("person:"))):
                    self.references[token.i] = keys
                continue
            if token.dep_ not in {"nsubj", "nsubjpass", "poss"}:
                continue
            subject = self._embedding_subject(token)
            if subject is None and token.dep_ != "poss":
                subject = self._previous_subject(token)
            if subject is None:
                continue
            keys = self.keys(subject, pronouns=False)
            if not keys and lower in PLURAL_PRONOUNS and (
                    chained := self.groups.get(subject.i) or self.references.get(subject.i)):
                self.groups[token.i] = list(chained)   # "the three countries ... they"
                continue
            if lower in SINGULAR_PRONOUNS:
                # "it" is one country, organisation or group, never a person
                keys = keys if len(keys) == 1 and not keys[0].startswith("person:") else []
            elif len(keys) == 1 and not keys[0].startswith("group:") and subject.tag_ not in {
                    "NNS", "NNPS"}:
                keys = []       # "they" needs a plural antecedent
            if keys:
                self.references[token.i] = keys

    def _resolve_people(self) -> None:
        """'Trump said he had sent a letter': 'he' is the one person subject of the clause that
        embeds it (or of the reporting clause, for an object), else of the previous sentence."""
        pronouns = token_mask(self.doc, "POS", {"PRON"}) & token_mask(self.doc, "LOWER", PERSONAL_PRONOUNS)
        for token in masked_tokens(self.doc, pronouns):
            if token.i in self.by_token:
                continue
            if token.dep_ in {"dobj", "pobj", "dative"}:
                subject = self._outer_subject(token)
            elif token.dep_ in {"nsubj", "nsubjpass", "poss"}:
                # "X said Tehran and Beijing had agreed after talks with his counterpart":
                # the nearest embedding subject that is one person
                subject = self._embedding_subject_from(token.head, token, person=True)
                if subject is None and token.dep_ != "poss":
                    subject = self._previous_subject(token)
            else:
                continue
            keys = self.keys(subject, pronouns=False) if subject is not None else []
            if len(keys) == 1 and keys[0].startswith("person:"):
                self.people[token.i] = keys[0]

    def _embedding_subject(self, pronoun: Token) -> Token | None:
        """The nearest earlier subject of a clause that embeds the pronoun and names an actor:
        "Syria says it is willing", "Iran and China underscored their commitment"."""
        return self._embedding_subject_from(pronoun.head, pronoun)

    def _embedding_subject_from(self, current: Token, pronoun: Token, *,
                                person: bool = False) -> Token | None:
        for _ in range(8):
            for child in current.children:
                if child.dep_ in SUBJECT_DEPS and child.i < pronoun.i and \
                        pronoun not in child.subtree and (keys := self.keys(child, pronouns=False)):
                    if not person or (len(keys) == 1 and keys[0].startswith("person:")):
                        return child
            if current.head.i == current.i:
                break
            current = current.head
        return None

    def _outer_subject(self, pronoun: Token) -> Token | None:
        """The subject of a reporting clause that embeds the object pronoun's own clause."""
        clause = pronoun.head
        for _ in range(8):
            if clause.pos_ in {"VERB", "AUX"} or clause.head.i == clause.i:
                break
            clause = clause.head
        if clause.dep_ not in {"ccomp", "xcomp"} or clause.head.i == clause.i:
            return None
        return self._embedding_subject_from(clause.head, pronoun)

    def _previous_subject(self, pronoun: Token) -> Token | None:
        """The subject of the previous sentence's main verb."""
        sid = self.sent_of[pronoun.i]
        if sid == 0:
            return None
        return next((t for t in self.sents[sid - 1]
                     if t.dep_ in {"nsubj", "nsubjpass"} and t.head.dep_ == "ROOT"), None)

    # lookup
    def keys(self, token: Token, *, pronouns: bool = True,
             things: frozenset[str] = frozenset()) -> list[str]:
        """Actors a noun phrase headed by `token` names, its conjuncts included.

        A head whose lemma is in `things` ("resolution", "summit", "information") names no
        actor through its modifiers or "of": "a UN resolution" is not the UN."""
        found: list[str] = []
        for head in self._conjuncts(token):
            if things and head.lemma_.lower() in things and head.i not in self.by_token:
                keys = [*self.references.get(head.i, []),
                        *(k for c in head.children if c.dep_ == "appos"
                          for k in self.keys(c, pronouns=pronouns))]
            else:
                keys = self._head_keys(head, pronouns=pronouns)
            for key in keys:
                if key not in found:
                    found.append(key)
        return found

    @staticmethod
    def _conjuncts(token: Token) -> list[Token]:
        out, todo = [], [token]
        while todo:
            current = todo.pop(0)
            out.append(current)
            todo += [c for c in current.children if c.dep_ == "conj"]
        return out

    def _head_keys(self, token: Token, *, pronouns: bool) -> list[str]:
        """A mention on the head, else a back-reference, else an apposition ("his counterpart
        Wang Yi"), else modifiers ("Iranian officials", "Iran's army"), else "of" ("the
        government of Iraq") or, for a plural, "from" ("diplomats from China and Russia")."""
        if token.i in self.by_token:
            return [self.by_token[token.i]]
        if pronouns and token.i in self.references:
            return list(self.references[token.i])
        if pronouns and token.i in self.people:
            return [self.people[token.i]]
        if pronouns and token.i in self.groups:
            return list(self.groups[token.i])
        if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            return self._head_keys(token.head.head, pronouns=pronouns)
        if token.pos_ not in {"NOUN", "PROPN", "PRON", "NUM"}:
            return []
        # "his Chinese counterpart Wang Yi": the apposition names the actor.
        found = [k for c in token.children if c.dep_ == "appos"
                 for k in self.keys(c, pronouns=pronouns)]
        if found:
            return found
        for child in token.children:
            if child.dep_ in MODIFIER_DEPS and child.i < token.i:
                keys = self.keys(child, pronouns=pronouns)
                # "his counterpart" is not him; "Iran's army" is Iran's.
                found += [k for k in keys if not (child.dep_ == "poss" and k.startswith("person:"))]
        if not found:
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "of":  # "the government of Iraq"
                    for pobj in _pobjs(child):
                        found += self.keys(pobj, pronouns=pronouns)
        return found or self.members(token, pronouns=pronouns)

    def members(self, token: Token, *, pronouns: bool = True) -> list[str]:
        """'Senior diplomats from China, Russia and Iran': the actors people come from."""
        if token.tag_ != "NNS":
            return []
        return [k for child in token.children if child.dep_ == "prep" and child.lower_ == "from"
                for pobj in _pobjs(child) for k in self.keys(pobj, pronouns=pronouns)]

    def speakers(self, token: Token) -> list[str]:
        """Actors a speaker with no mention of its own stands for: a back-reference ("they",
        "the two countries") or people from them. Not "critics of China": China does not speak."""
        return list(self.references.get(token.i, [])) or self.members(token)


def _pobjs(prep: Token) -> list[Token]:
    return [c for c in prep.children if c.dep_ == "pobj"]
