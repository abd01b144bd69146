"""Pronouns: 'he', 'she', 'they' tied to the person or group they stand for."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from presslens.extract.actors.model import Mention
from presslens.extract.actors.words import PRONOUNS
from presslens.nlp import masked_tokens, token_mask


class Pronouns:
    """Pronoun mentions (a part of ActorFinder)."""

    def _add_pronouns(self, doc, actors, mentions, add, sent_of) -> None:
        """He/she/his/her to the most recent compatible person, preferring earlier subjects."""
        person_mentions = sorted((m for m in mentions if m.key.startswith("person:")),
                                 key=lambda m: m.token_start)
        if not person_mentions:
            return
        resolved: list[tuple[int, str, bool]] = [
            (m.token_start, m.key, self._is_subject(doc, m)) for m in person_mentions]
        for token in masked_tokens(doc, token_mask(doc, "LOWER", PRONOUNS) & token_mask(doc, "POS", {"PRON"})):
            gender = PRONOUNS[token.lower_]
            earlier = [r for r in resolved if r[0] < token.i
                       and sent_of[r[0]] >= sent_of[token.i] - 3
                       and actors[r[1]].gender in (None, gender)]
            if not earlier:
                continue
            same_sentence_subject = [r for r in earlier if sent_of[r[0]] == sent_of[token.i]
                                     and r[2]]
            # "X thanked Y for his leadership": the object, not the subject, owns "his".
            objects = [r for r in earlier if sent_of[r[0]] == sent_of[token.i]
                       and doc[r[0]].dep_ in {"dobj"} and doc[r[0]].head == _governing_verb(token)]
            if token.dep_ == "poss" and objects:
                choice = objects[-1]
            elif token.dep_ in {"poss"} and same_sentence_subject:
                choice = same_sentence_subject[-1]
            elif token.dep_ in {"nsubj", "nsubjpass"}:
                prior_subjects = [r for r in earlier if r[2] and (
                    sent_of[r[0]] < sent_of[token.i] or r in same_sentence_subject)]
                choice = (prior_subjects or earlier)[-1]
            else:
                choice = earlier[-1]
            key = choice[1]
            if token.dep_ in {"nsubj", "nsubjpass"}:
                actors[key].gender = actors[key].gender or gender
            add(doc[token.i: token.i + 1], key, "pronoun")
            resolved.append((token.i, key, token.dep_ in {"nsubj", "nsubjpass"}))
            resolved.sort(key=lambda r: r[0])

    @staticmethod
    def _is_subject(doc: Doc, mention: Mention) -> bool:
        span = doc[mention.token_start: mention.token_end]
        root = span.root
        while root.dep_ in {"appos", "conj", "compound"} and root.head is not root:
            root = root.head
        return root.dep_ in {"nsubj", "nsubjpass"}


def _governing_verb(token: Token) -> Token:
    """The verb a word hangs from: 'his' in 'thanked Y for his leadership' -> 'thanked'."""
    head = token.head
    while head.pos_ not in {"VERB", "AUX"} and head.head is not head:
        head = head.head
    return head


