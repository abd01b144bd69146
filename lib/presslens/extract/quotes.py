"""Quotes: direct quotations and reported speech, with the speaker tied to an actor mention.

`find_quotes(doc, mentions)` reads three kinds of statement:

- direct quotations in straight or curly double quotes, attributed through the parse or through
  a cue right before or after the quote (`"We will respond," Lavrov said.`), including quotes
  interrupted by their cue and unattributed quotes that continue an attributed one;
- reported speech: a speech verb with a clausal complement ("Chen stated that ..."), with a
  nominal object for verbs of emphasis ("He emphasized the need for ..."), "according to X",
  and light-verb cues ("issued a caution regarding ...", "expressed hope that ..."); belief,
  finding and stance with a clause ("believes that ...", "the study found ...", "are
  concerned the law will change"); a named third party reported inside a direct quote;
- the speaker is the subject of the cue, shared along coordinated verbs and participles
  ("..., highlighting that ...") and read back from relative pronouns ("X, who said ...");
  "they" or "the two countries" speak for each actor they point back to (with an `ActorIndex`).

Limits: straight single quotation marks are not read (they double as apostrophes; curly ones
are); a speaker is only the written subject, so "it was stated that" has none; attachment
errors of the parser become ours (a that-clause attached to the wrong verb loses its speaker).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from spacy.tokens import Doc, Token

from presslens.extract.actors import Mention
from presslens.extract.references import ActorIndex
from presslens.lexicons import QuoteCues, load_quote_cues
from presslens.nlp import masked_tokens, newline_count, sentence_index, token_mask

QUOTE_OPEN = {"\u201c": "\u201d", '"': '"', "\u2018": "\u2019"}
QUOTE_CLOSE = {"\u201d", '"', "\u2019"}
DOUBLE_MARKS = frozenset({"\u201c", "\u201d", '"'})
# A direct quote must cover this share of a cue's content; below it the quote is a phrase
# quoted inside reported speech ('said the West was "playing with fire"').
DIRECT_SHARE = 0.6
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
SPEAKER_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
NOT_SPEAKER_ENTITIES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                                  "QUANTITY"})

class Quote(NamedTuple):
    """One statement; offsets are characters of the content in doc.text.

    `content` equals doc.text[start:end] except when a cue interrupts it (a direct quote in
    two parts, "according to X" inside the clause): then the parts are joined with a space.
    """

    sentence_id: int
    speaker_key: str | None
    speaker_text: str | None
    cue: str
    content: str
    direct: bool
    start: int
    end: int


class _Cue(NamedTuple):
    token: Token                 # the cue word ("said", "according", "issued")
    cue: str                     # lemma or phrase recorded in the Quote
    speakers: list[Token]        # head tokens of the speakers, one per coordinated speaker
    content: list[int]           # token indices of the reported content (empty: bare cue)
    # Speakers of the speech verb whose clause the parser hung this cue in ("they said X was
    # not the end and urged Iran ..."), used when `speakers` name no actor.
    outer: tuple[Token, ...] = ()


class _Marked(NamedTuple):
    """A quoted stretch of text: characters and tokens inside the quote marks."""

    start: int
    end: int
    tokens: range
    closed: bool                 # False when a paragraph ends inside the quote


def find_quotes(doc: Doc, mentions: Sequence[Mention], *, cues: QuoteCues | None = None,
                speech_verbs: frozenset[str] | None = None,
                index: ActorIndex | None = None) -> list[Quote]:
    """Direct quotations and reported statements in doc, one per speaker and content.

    Args:
        doc: a parsed document.
        mentions: actor mentions of doc (`ActorFinder()(doc).mentions`); speakers map to them.
        cues: the quote cues (`presslens.lexicons.load_quote_cues`; None: the packaged
            codebooks/quote_cues.yml).
        speech_verbs: when given, replaces the cue verbs of `cues` (lemmas or "verb particle"
            phrases); those among the stance verbs count only with a clausal complement.
        index: the Doc's `ActorIndex`; a speaker that is a back-reference ("they", "the two
            countries") or people from actors ("diplomats from China and Russia") then speaks
            for those actors, one quote each.

    Returns quotes in text order. A statement by coordinated speakers ("Tehran and Beijing
    consider ...") gives one quote per speaker. A reported clause inside a direct quote is
    part of that quote, and also a quote of its own when a named third party speaks in it.
    """
    text = doc.text  # built anew on every access
    sent_of = sentence_index(doc)
    by_token: dict[int, list[Mention]] = {}
    for mention in mentions:
        for i in range(mention.token_start, mention.token_end):
            by_token.setdefault(i, []).append(mention)
    marked = _quote_marks(doc, text)
    inside = {i for m in marked for i in m.tokens}
    lexicon = cues or load_quote_cues()
    if speech_verbs is not None:
        lexicon = lexicon._replace(speech_verbs=frozenset(speech_verbs),
                                   stance_verbs=lexicon.stance_verbs & frozenset(speech_verbs))
    every_cue = list(_cues(doc, lexicon))
    cues_found = [c for c in every_cue if c.token.i not in inside]

    attached: dict[int, _Cue] = {}       # index in `marked` -> cue of that direct quote
    reported: list[_Cue] = []
    for cue in cues_found:
        quote = _covering_quote(cue, marked)
        if quote is None:
            if cue.content:
                reported.append(cue)
            continue
        best = attached.get(quote)
        if best is None or abs(cue.token.i - marked[quote].tokens.start) < abs(
                best.token.i - marked[quote].tokens.start):
            attached[quote] = cue
    bare = [c for c in cues_found if not c.content]
    for number, quote in enumerate(marked):
        used = {id(c) for c in attached.values()}
        if number not in attached and (cue := _adjacent_cue(
                doc, quote, [c for c in bare if id(c) not in used], marked, lexicon)):
            attached[number] = cue

    # Inside a direct quote, a named third party's statement is a quote of its own too
    # ('Rathbun wrote, "Moxon proceeded to lie to Daniel that ..."').
    reported += [c for c in every_cue if c.token.i in inside and c.content
                 and all(i in inside for i in c.content) and _named(c.speakers)]
    records: list[Quote] = []
    for cue, parts in _direct_groups(doc, text, marked, attached):
        records.extend(_emit(text, cue, parts, True, sent_of, by_token, index))
    for cue in reported:
        records.extend(_emit(text, cue, _content_parts(doc, text, cue.content), False, sent_of,
                             by_token, index))
    seen: set[tuple] = set()
    unique: list[Quote] = []
    for quote in sorted(records, key=lambda q: (q.start, q.end, q.sentence_id)):
        key = (quote.speaker_key or quote.speaker_text, quote.start, quote.end)
        if key not in seen and quote.content:
            seen.add(key)
            unique.append(quote)
    return unique


# -- quote marks ---------------------------------------------------------------------------
def _quote_marks(doc: Doc, text: str) -> list[_Marked]:
    """Quoted stretches, paired line by line.

    A quote left open at a line end closes there. When the next paragraph continues it without
    an opening mark, the first straight quote mark glued to a word closes a quote running from
    the line start. Curly single quotes (British style) count too: one opens at the start of a
    word and closes where no letter follows, so the apostrophe in "Iran’s" closes nothing; one
    left open at a line end was an apostrophe after all.
    """
    spans: list[tuple[int, int, bool]] = []
    offset = 0
    carried = False  # the last paragraph ended inside a quote
    for line in text.split("\n"):
        if not line.strip():
            offset += len(line) + 1
            continue
        continued, carried = carried, False
        opened: int | None = None
        single = False
        for i, char in enumerate(line):
            glued = i > 0 and not line[i - 1].isspace() and line[i - 1] not in "([{\u2014\u2013-/"
            if continued and char == '"' and glued:
                spans.append((offset, offset + i, True))
            elif opened is None and char in QUOTE_OPEN and not (char == "\u2018" and i > 0
                                                                and line[i - 1].isalnum()):
                opened, single = i + 1, char == "\u2018"
            elif opened is not None and char in QUOTE_CLOSE and (
                    (char == "\u2019") == single
                    and not (single and i + 1 < len(line) and line[i + 1].isalpha())):
                spans.append((offset + opened, offset + i, True))
                opened = None
            if char in DOUBLE_MARKS:
                continued = False
        if opened is not None and single:
            opened = None
        if opened is not None and line[opened:].strip():
            spans.append((offset + opened, offset + len(line.rstrip()), False))
            carried = True
        offset += len(line) + 1
    marked: list[_Marked] = []
    for start, end, closed in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        marked.append(_Marked(start, end, range(span.start, span.end), closed))
    return marked


def _covering_quote(cue: _Cue, marked: list[_Marked]) -> int | None:
    """The first quote of those that make up most of the cue's content, if they do."""
    words = [i for i in cue.content if not cue.token.doc[i].is_punct]
    if not words:
        return None
    hits = [n for n, quote in enumerate(marked) if any(i in quote.tokens for i in words)]
    covered = sum(any(i in marked[n].tokens for n in hits) for i in words)
    return hits[0] if hits and covered / len(words) >= DIRECT_SHARE else None


def _adjacent_cue(doc: Doc, quote: _Marked, found: list[_Cue], marked: list[_Marked],
                  cues: QuoteCues) -> _Cue | None:
    """A bare cue right after the quote (`"...," he said`) or right before it (`He said: "..."`)."""
    taken = {i for m in marked for i in m.tokens}
    after = _next_word(doc, quote.tokens.stop)
    before = _previous_word(doc, quote.tokens.start - 1)
    for cue in found:
        token = cue.token
        if after is not None and token.i >= after.i and token.i - after.i <= 12 and (
                after.i == token.i or _in_subject(after, token) or after.head == token):
            between = range(quote.tokens.stop, token.i)
            if not any(i in taken or "\n" in doc[i].text for i in between):
                return cue
        if before is not None and token.i <= before.i and before.i - token.i <= 12 and (
                _introduces(token, before, cues)) and not any(
                i in taken for i in range(token.i, before.i + 1)):
            between = doc[token.i: before.i + 1]
            if not any("\n" in t.text for t in between) or before.text == ":":
                return cue
    return None


def _introduces(cue: Token, before: Token, cues: QuoteCues) -> bool:
    """True when the quote right after `before` is what cue says: `said: "`, `said "`,
    `told reporters "`; not a quoted word later in the clause (`tweeted a photo of "peace"`).
    """
    if before.i == cue.i:
        return True
    if before not in set(cue.subtree):
        return False
    if before.text in {":", ","}:
        return True
    return cue.lemma_.lower() in cues.addressee_verbs and any(
        child.dep_ in {"dobj", "dative"} and before.i == child.right_edge.i for child in cue.children)


def _next_word(doc: Doc, i: int) -> Token | None:
    """First token at or after i that is not punctuation, a quote mark or space."""
    while i < len(doc) and (doc[i].is_punct or doc[i].is_space or doc[i].text in QUOTE_CLOSE):
        if "\n" in doc[i].text:
            return None
        i += 1
    return doc[i] if i < len(doc) else None


def _previous_word(doc: Doc, i: int) -> Token | None:
    """Last token at or before i other than an opening quote mark or space; ':' and ',' count."""
    while i >= 0 and (doc[i].text in QUOTE_OPEN or doc[i].is_space):
        i -= 1
    if i >= 0 and doc[i].text in {":", ",", "that"}:
        if doc[i].text == ":":
            return doc[i]
        i -= 1
    return doc[i] if i >= 0 else None


def _in_subject(token: Token, verb: Token) -> bool:
    """True when token belongs to the subject of verb (or is one of its auxiliaries)."""
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass", "aux", "advmod"} and token in set(child.subtree):
            return True
    return False


def _direct_groups(doc: Doc, text: str, marked: list[_Marked], attached: dict[int, _Cue],
                   ) -> list[tuple[_Cue, list[tuple[int, int]]]]:
    """Attributed quotes with their character parts; continuations join their predecessor.

    `"We will," he said, "respond."` is one quote in two parts; a quote that follows an
    attributed one after its cue clause ("...," he said. "More.") or opens the next paragraph
    of a quote left open takes the same cue.
    """
    groups: list[tuple[_Cue, list[tuple[int, int]]]] = []
    previous: tuple[int, _Cue] | None = None   # (index in marked, cue)
    for number, quote in enumerate(marked):
        cue = attached.get(number)
        part = (quote.start, _strip_comma(text, quote.start, quote.end))
        if cue is None and previous is not None:
            joint = _continues(doc, text, marked[previous[0]], quote, previous[1])
            if joint == "merge":
                groups[-1][1].append(part)
                previous = (number, previous[1])
                continue
            if joint == "follow":
                cue = previous[1]
        if cue is None:
            previous = None
            continue
        groups.append((cue, [part]))
        previous = (number, cue)
    return groups


def _continues(doc: Doc, text: str, first: _Marked, second: _Marked, cue: _Cue) -> str | None:
    """How `second` continues `first`: "merge" (one quote), "follow" (same speaker) or None."""
    line_start = text.rfind("\n", 0, second.start) + 1
    if not first.closed and line_start > first.end and not text[line_start:second.start].strip(
            " \t\"\u201c"):
        return "follow"  # a quote carried on into the next paragraph
    gap = text[first.end:second.start]
    if "\n" in gap or len(gap) > 200:
        return None
    between = [t for t in doc[first.tokens.stop: second.tokens.start]
               if t.text not in QUOTE_OPEN and t.text not in QUOTE_CLOSE and not t.is_space]
    if not between:
        return None
    clause = {t.i for t in cue.token.subtree}
    if not between[0].i <= cue.token.i <= between[-1].i or any(
            t.i not in clause and not t.is_punct for t in between):
        return None  # only the attribution ("he said") may stand between the two
    if between[-1].text in {",", ":", "\u2014", "-"} or text[second.start:second.start + 1].islower():
        return "merge"
    if between[-1].text in {".", "!", "?"}:
        return "follow"
    return None


def _strip_comma(text: str, start: int, end: int) -> int:
    """End of a quote part without its trailing comma ("We will respond," -> "We will respond")."""
    while end > start and (text[end - 1] in ",;:" or text[end - 1].isspace()):
        end -= 1
    return end


# -- cues ----------------------------------------------------------------------------------
def _cues(doc: Doc, cues: QuoteCues) -> Iterable[_Cue]:
    """Every speech cue with its speakers and content (content empty for bare cues).

    Content stays within the cue's paragraph: the parser sometimes runs a headline or the
    end of a previous paragraph into the sentence.
    """
    paragraph = newline_count(doc)      # line breaks before each token: equal within a paragraph
    for cue in _all_cues(doc, cues):
        here = paragraph[cue.token.i]
        yield cue._replace(content=[i for i in cue.content if paragraph[i] == here])


def _all_cues(doc: Doc, cues: QuoteCues) -> Iterable[_Cue]:
    """Cues of every kind: "according to", light verbs with speech nouns, speech verbs."""
    candidates = token_mask(doc, "LOWER", {"according"}) | token_mask(
        doc, "TAG", lambda tag: tag.startswith("VB")) | token_mask(doc, "POS", {"ADJ", "NOUN"})
    for token in masked_tokens(doc, candidates):  # the tokens the tests below can keep
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            cue = _according_to(token)
            if cue:
                yield cue
            continue
        # A predicate tagged as a noun ("The Department notes, ...") still speaks.
        if not token.tag_.startswith("VB") and token.pos_ != "ADJ" and not (
                token.pos_ == "NOUN" and _has_subject(token) and token.dep_ == "ROOT"):
            continue
        if token.dep_ in {"csubj", "csubjpass", "nsubj", "nsubjpass"}:
            continue  # "adding salt is the simplest method": a gerund subject, not speech
        light = _light_cue(token, cues)
        if light:
            yield light
            continue
        if token.lower_ in cues.stance_adjectives:
            stance = _stance_adjective(token)
            if stance:
                yield stance
            continue
        phrase = _speech_phrase(token, cues)
        if phrase is None:
            continue
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in token.children)
        content = _verb_content(token, phrase, cues, passive=passive)
        if not content and (passive or phrase in cues.stance_verbs):
            continue
        outer: tuple[Token, ...] = ()
        if token.dep_ == "conj" and token.head.dep_ == "ccomp" and not _has_subject(token) and (
                token.head.head.lemma_.lower() in cues.cue_verbs):
            outer = tuple(_speakers(token.head.head, cues))
        yield _Cue(token, phrase, _speakers(token, cues), content, outer)


def _speech_phrase(token: Token, cues: QuoteCues) -> str | None:
    """The speech-verb lemma or phrase of token ("call for", "point out"), or None."""
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ in {"prt", "prep"} and f"{lemma} {child.lower_}" in cues.cue_verbs:
            return f"{lemma} {child.lower_}"
    return lemma if lemma in cues.cue_verbs else None


def _verb_content(verb: Token, phrase: str, cues: QuoteCues, *,
                  passive: bool) -> list[int]:
    """Token indices of what the speech verb reports."""
    children = list(verb.children)
    lemma = verb.lemma_.lower()
    clauses = [c for c in children if c.dep_ == "ccomp" and _same_paragraph(c, verb)]
    clauses = clauses or _misattached_clause(verb)
    if lemma in cues.stance_verbs:
        return _clause_tokens(clauses, cues) if clauses else []
    if lemma in cues.that_only_verbs:
        # "observed that X", "observed X coincided": a finite clause, not "observed a minute"
        clauses = [c for c in clauses if any(m.dep_ == "mark" and m.lower_ == "that"
                                             or m.dep_ in {"nsubj", "nsubjpass", "expl"}
                                             for m in c.children)]
        return _clause_tokens(clauses, cues) if clauses else []
    if clauses:
        return _clause_tokens(clauses, cues)
    if passive:
        return []
    objects = [c for c in children if c.dep_ in {"dobj", "dative"} and c.i > verb.i]
    xcomps = [c for c in children if c.dep_ == "xcomp" and c.i > verb.i]
    if " " in phrase:  # "call for X", "call on X to Y", "point out X"
        particle = next(c for c in children if c.lower_ == phrase.split()[1])
        pieces = [t for c in particle.children for t in c.subtree] if particle.dep_ == "prep" else []
        pieces += [t for c in objects + xcomps for t in c.subtree]
        return sorted(t.i for t in pieces)
    if xcomps and any(c.dep_ == "aux" and c.lower_ == "to" for c in xcomps[0].children):
        start = min(objects + xcomps, key=lambda t: t.i)
        return list(range(start.left_edge.i, xcomps[-1].right_edge.i + 1))
    if lemma in cues.object_content_verbs and lemma not in cues.addressee_verbs or lemma == "accuse":
        dobj = [c for c in children if c.dep_ == "dobj" and c.i > verb.i]
        if dobj and not any(c.dep_ == "dative" for c in children):
            extra = [c for c in children if c.i > dobj[0].i and (
                c.dep_ in {"oprd", "xcomp"} or c.dep_ == "prep" and c.lower_ in {"as", "of"})]
            end = max([dobj[0]] + extra, key=lambda t: t.right_edge.i).right_edge.i
            return list(range(dobj[0].left_edge.i, end + 1))
    for child in children:
        if child.dep_ == "prep" and child.lower_ in cues.content_prepositions - {"for", "on", "at"}:
            objects_of = [t for c in child.children if c.dep_ in {"pobj", "pcomp"}
                          for t in c.subtree]
            if objects_of:
                return sorted(t.i for t in objects_of)
    as_clause = verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as"
                                             for c in children) and not any(
        c.dep_ in {"dobj", "prep"} and not (lemma in cues.addressee_verbs and c.dep_ == "dobj")
        for c in children)  # "as he told reporters", not "as we respond to the crisis"
    if (verb.dep_ == "parataxis" or as_clause) and _has_subject(verb):
        # "Iran will respond, Lavrov said." / "As Heald told the Post, ozone has dropped."
        own = {t.i for t in verb.subtree}
        subjects = [c for c in children if c.dep_ == "nsubj"]
        if len(subjects) > 1 and subjects[0].i < verb.i < subjects[-1].i:
            own -= {t.i for t in subjects[0].subtree}  # "Recipients, said Mauer, are ..."
        return [t.i for t in verb.head.subtree if t.i not in own]
    return []


def _misattached_clause(verb: Token) -> list[Token]:
    """A that-clause the parser hung elsewhere: on the object ("observed that the date ...
    coincided") or on a noun of a prepositional phrase ("told X in a statement that ...").
    """
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    for child in verb.children:
        if child.i < verb.i:
            continue
        if (child.dep_ == "dobj" and following is not None and following.lower_ == "that"
                and following.head == child and following.dep_ == "mark"):
            return [child]
        if child.dep_ == "prep":
            for noun in child.children:
                clauses = [c for c in noun.children if c.dep_ in {"acl", "relcl"}
                           and c.pos_ in {"VERB", "AUX"} and any(
                               m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]
                if noun.dep_ == "pobj" and clauses:
                    return clauses[:1]
    return []


def _clause_tokens(clauses: list[Token], cues: QuoteCues) -> list[int]:
    """Tokens of the complement clauses, without speech verbs coordinated inside them.

    "Chen stated that Iran holds X and emphasized that Y" is often parsed with "emphasized"
    inside the first clause; that coordinated statement is cut off here and given Chen as
    its speaker by `_speakers`.
    """
    cut: set[int] = set()
    for clause in clauses:
        for token in clause.subtree:
            if _reattached(token, cues):
                cut.update(t.i for t in token.subtree)
                cut.update(c.i for c in token.head.children if c.dep_ == "cc"
                           and c.i < token.i and c.i > token.head.i)
    tokens = [t.i for clause in clauses for t in clause.subtree if t.i not in cut]
    return sorted(tokens)


def _reattached(token: Token, cues: QuoteCues) -> bool:
    """A speech verb parsed inside the clause of another speech verb, but parallel to it.

    "Chen stated that Iran holds X and emphasized that Y": "emphasized" hangs on "holds" but
    agrees in tense with "stated", or repeats its that-clause; it shares Chen as subject.
    """
    if token.dep_ not in {"conj", "advcl"} or token.lemma_.lower() not in cues.cue_verbs:
        return False
    if token.dep_ == "advcl" and token.tag_ != "VBG" or _has_subject(token):
        return False
    head = token.head
    outer = head.head
    if not (head.dep_ == "ccomp" and outer.lemma_.lower() in cues.cue_verbs
            and head.lemma_.lower() not in cues.cue_verbs):
        return False
    if token.dep_ == "advcl":
        return True  # "..., highlighting that ...": participles of speech go with the speaker
    that_clause = any(c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that"
                                                for m in c.children) for c in token.children)
    parallel = token.dep_ == "conj" and token.tag_ == outer.tag_ != head.tag_
    return that_clause or parallel


def _same_paragraph(a: Token, b: Token) -> bool:
    counts = newline_count(a.doc)
    return counts[min(a.i, b.i)] == counts[max(a.i, b.i)]


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in verb.children)


def _stance_adjective(word: Token) -> _Cue | None:
    """'X is concerned (that) Y', 'X was convinced Y': the holder of the stance is the subject."""
    clauses = [c for c in word.children if c.dep_ == "ccomp" and _same_paragraph(c, word)]
    if not clauses:
        return None
    holder = word
    if word.dep_ == "acomp":  # "is concerned": the subject hangs on the copula
        holder = word.head
    subjects = [c for c in holder.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subjects:
        return None
    subject = subjects[0]
    return _Cue(word, word.lower_, [subject, *(c for c in subject.conjuncts if c.i > subject.i)],
                sorted(t.i for c in clauses for t in c.subtree))


def _light_cue(verb: Token, cues: QuoteCues) -> _Cue | None:
    """'issued a caution regarding X', 'expressed hope that X', 'conveyed aspirations for X'."""
    if verb.lemma_.lower() not in cues.light_verbs:
        return None
    nouns = [c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in cues.speech_nouns]
    if not nouns:
        return None
    noun = nouns[0]
    content: list[int] = []
    for child in [*noun.children, *(c for c in verb.children if c.i > noun.i)]:
        if _content_preposition(child, noun, cues):
            content = [t.i for c in child.children for t in c.subtree]
        elif child.dep_ in {"acl", "ccomp", "advcl"} and child.pos_ in {"VERB", "AUX"} and (
                child.head == noun or child.dep_ == "ccomp"):
            content = [t.i for t in child.subtree]
        if content:
            break
    if not content or any(verb.doc[i].lemma_.lower() in cues.cue_verbs
                          and verb.doc[i].head.i not in content for i in content):
        # "delivered his remarks" reports nothing; in "issued a statement saying that ...",
        # "saying" is the cue.
        return None
    return _Cue(verb, f"{verb.lemma_.lower()} {noun.lemma_.lower()}",
                _speakers(verb, cues), sorted(content))


def _content_preposition(prep: Token, noun: Token, cues: QuoteCues) -> bool:
    """True for a preposition introducing what a speech noun is about ("caution regarding")."""
    if prep.lemma_.lower() in {"regard", "concern"} and prep.tag_ == "VBG":
        return True  # "regarding", "concerning", whatever their parse
    if prep.dep_ != "prep":
        return False
    if prep.lower_ == "to":
        return noun.lemma_.lower() in cues.to_content_nouns
    return prep.lower_ in cues.content_prepositions


def _according_to(token: Token) -> _Cue | None:
    """'According to X, Y' and 'Y, according to X': speaker X, content the rest of the clause."""
    doc = token.doc
    to = doc[token.i + 1]
    sources = [c for c in list(to.children) + list(token.children) if c.dep_ == "pobj"]
    if not sources:
        return _according_to_entity(token)
    clause = token.head
    while clause.pos_ not in {"VERB", "AUX"} and clause.head != clause:
        clause = clause.head
    if clause == token:
        return None
    own = {t.i for t in token.subtree}
    content = [t.i for t in clause.subtree if t.i not in own]
    speakers = [sources[0]] + [c for c in sources[0].conjuncts if c.i > sources[0].i]
    return _Cue(token, "according to", speakers, content)


def _according_to_entity(token: Token) -> _Cue | None:
    """'According to Rathbun the property was returned': a name the parser did not attach."""
    doc = token.doc
    start = token.i + 2
    if start < len(doc) and doc[start].lower_ == "the":
        start += 1
    end = start
    while end < len(doc) and doc[end].text[:1].isupper() and not doc[end].is_punct:
        end += 1
    if end == start or end - start > 6:
        return None
    sentence = token.sent
    if doc[sentence.start: token.i].text.strip(" \n,\"\u201c") == "":
        content = list(range(end, sentence.end))
    else:
        content = list(range(sentence.start, token.i))
    return _Cue(token, "according to", [doc[end - 1]], content)


# -- speakers ------------------------------------------------------------------------------
def _speakers(cue: Token, cues: QuoteCues) -> list[Token]:
    """Head tokens of the cue's speakers: its subject, inherited along conj and participles."""
    verb = cue
    subject: Token | None = None
    # "The ministry quoted Amir-Abdollahian as saying that ...": the object is the speaker.
    if cue.dep_ == "pcomp" and cue.head.lower_ == "as" and cue.head.head.lemma_ == "quote":
        quoted = [c for c in cue.head.head.children if c.dep_ == "dobj"]
        if quoted:
            return [quoted[0]] + [c for c in quoted[0].conjuncts if c.i > quoted[0].i]
    # A passive subject speaks only for "quoted as saying", "asked to comment": control verbs.
    passive_ok = False
    for _ in range(8):
        own = [c for c in verb.children if c.dep_ == "nsubj"
               or (passive_ok and c.dep_ == "nsubjpass")]
        if own:
            # "Recipients, said Mauer, are ...": an inverted subject beats a stray one.
            subject = own[-1] if len(own) > 1 and own[-1].i > verb.i else own[0]
            break
        if verb == cue and any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
            agents = [t for c in verb.children if c.dep_ == "agent" for t in c.children
                      if t.dep_ == "pobj"]
            subject = agents[0] if agents else None
            break
        governor = _governor(verb, cues)
        if governor is None:
            if verb == cue:
                subject = _stray_subject(cue)
            break
        if governor.pos_ in {"NOUN", "PROPN", "PRON"}:  # "a spokesman saying that ..."
            subject = governor
            break
        passive_ok = verb.dep_ in {"xcomp", "pcomp"}
        verb = governor
    if subject is None:
        return _paragraph_subject(verb)
    if subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
        subject = verb.head
        if subject.ent_type_ in NOT_SPEAKER_ENTITIES:
            return []  # "... on June 15, which will underscore": a misplaced antecedent
    if "\n" in cue.doc[min(subject.i, verb.i): max(subject.i, verb.i)].text:
        return _paragraph_subject(verb)  # the parser joined a headline to the sentence
    return [subject] + [c for c in subject.conjuncts if c.i > subject.i]


def _named(speakers: list[Token]) -> bool:
    """True when every speaker head is a name ("Moxon", "the Crown"), not "I", "he" or "people"."""
    return bool(speakers) and all(t.pos_ == "PROPN" or t.ent_type_ in SPEAKER_ENTITIES for t in speakers)


def _stray_subject(verb: Token) -> Token | None:
    """A subject the parser attached elsewhere, for a finite cue that has none.

    Inverted after a quote ('"...", added KCNA' parsed as an adjective) or just before the
    cue after an opening phrase ("Speaking in their defence, Tom Molomby, SC, said that").
    """
    doc = verb.doc
    previous = next((t for t in reversed(doc[verb.sent.start: verb.i]) if not t.is_space), None)
    if previous is not None and (previous.text == "," or previous.text in QUOTE_CLOSE):
        if verb.dep_ == "amod" and verb.head.i > verb.i and verb.head.pos_ in {"NOUN", "PROPN"}:
            return verb.head
        for child in verb.children:
            if child.dep_ in {"dobj", "npadvmod", "attr"} and child.i > verb.i and (
                    child.pos_ in {"NOUN", "PROPN"}) and child.left_edge.i == verb.i + 1 + (
                    doc[verb.i + 1].dep_ == "det"):
                return child
    if verb.tag_ not in {"VBD", "VBZ", "VBP"} or previous is None or previous.text != ",":
        return None
    noun = doc[previous.i - 1] if previous.i > verb.sent.start else None
    while noun is not None and noun.dep_ in {"appos", "compound", "flat"} and noun.head.i < verb.i:
        noun = noun.head
    if noun is None or noun.pos_ not in {"PROPN", "NOUN"} or noun.dep_ in {"pobj", "dobj", "nsubj"}:
        return None
    return noun


def _governor(verb: Token, cues: QuoteCues) -> Token | None:
    """The verb (or noun) whose subject an implicit-subject verb shares."""
    head = verb.head
    if head == verb:
        return None
    if verb.dep_ == "conj" or (verb.dep_ == "advcl" and verb.tag_ in {"VBG", "VBN"}):
        if _reattached(verb, cues):
            return head.head
        return head if head.pos_ in {"VERB", "AUX"} else None
    if verb.dep_ in {"xcomp", "advcl"}:
        return head if head.pos_ in {"VERB", "AUX"} else None
    if verb.dep_ == "pcomp" and head.dep_ == "prep":  # "by saying", "as saying"
        return head.head if head.head.pos_ in {"VERB", "AUX"} else None
    if verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"} and verb.tag_ == "VBG":
        if head.lemma_.lower() in cues.statement_nouns:
            # "issued a statement saying": the issuer speaks; "a report saying" or "they got
            # a message stating": the document does.
            owner = head.head.head if head.dep_ == "pobj" else head.head
            if head.dep_ in {"dobj", "pobj"} and owner.lemma_.lower() in cues.issuing_verbs:
                return owner
            return head
        if head.ent_type_ in SPEAKER_ENTITIES:
            return head
    return None


def _paragraph_subject(verb: Token) -> list[Token]:
    """Speakers read from a verbless stretch opening the verb's paragraph ('Iran and China have')."""
    doc = verb.doc
    start = verb.i
    while start > 0 and "\n" not in doc[start - 1].text:
        start -= 1
    end = verb.i
    while end > start and doc[end - 1].dep_ in {"aux", "neg", "advmod", "punct"}:
        end -= 1
    if end <= start or end - start > 12 or any(t.pos_ in {"VERB", "AUX"} for t in doc[start:end]):
        return []
    root = doc[start:end].root
    if root.pos_ not in {"NOUN", "PROPN", "PRON"}:
        return []
    return [root] + [c for c in root.conjuncts if start <= c.i < end and c.i > root.i]


def _speaker_mention(head: Token, by_token: dict[int, list[Mention]]) -> Mention | None:
    """The actor mention for a speaker head: the longest containing it, persons first."""
    candidates = list(by_token.get(head.i, []))
    if not candidates:
        for child in head.children:
            if child.dep_ == "appos":
                candidates = [m for m in by_token.get(child.i, [])
                              if m.token_start <= child.i < m.token_end]
                if candidates:
                    break
    if not candidates:
        # "Iranian officials", "Rouhani's office", "a White House readout": the actor whose
        # institution or spokespeople speak.
        for child in head.children:
            if child.dep_ in {"poss", "compound", "amod", "nmod"} and child.i < head.i:
                candidates = [m for t in child.subtree for m in by_token.get(t.i, [])]
                if candidates:
                    break
    if not candidates:
        return None
    return max(candidates, key=lambda m: (m.key.startswith("person:"), m.token_end - m.token_start,
                                          -m.token_start))


def _phrase(head: Token) -> str:
    """The speaker's noun phrase: the head with its determiners, modifiers and 'of'-phrase."""
    modifiers = {"det", "amod", "compound", "poss", "nummod", "nmod", "case", "quantmod",
                 "predet", "flat", "advmod"}
    keep = {head.i}
    for child in head.children:
        if child.dep_ in modifiers or (child.dep_ == "prep" and child.i == head.i + 1
                                       and child.lower_ in {"of", "for", "at"}):
            keep.update(t.i for t in child.subtree)
    keep = {i for i in keep if "\n" not in head.doc[i].text}
    start = end = head.i
    while start - 1 in keep:
        start -= 1
    while end + 1 in keep:
        end += 1
    return head.doc[start: end + 1].text


# -- records -------------------------------------------------------------------------------
def _content_parts(doc: Doc, text: str, tokens: list[int]) -> list[tuple[int, int]]:
    """Character parts of reported content: contiguous runs, trimmed of 'that' and punctuation."""
    runs: list[list[int]] = []
    for i in sorted(set(tokens)):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts: list[tuple[int, int]] = []
    for n, run in enumerate(runs):
        while run and (doc[run[0]].is_punct and doc[run[0]].text not in QUOTE_OPEN
                       or doc[run[0]].is_space
                       or n == 0 and doc[run[0]].dep_ == "mark" and doc[run[0]].lower_ in {
                           "that", "for"}):
            run = run[1:]
        while run and (doc[run[-1]].is_punct and doc[run[-1]].text not in QUOTE_CLOSE | {"?", "!", ")"}
                       or doc[run[-1]].is_space or doc[run[-1]].dep_ == "cc"):
            run = run[:-1]
        if not run or not any(doc[i].is_alpha or doc[i].is_digit for i in run):
            continue
        start, end = doc[run[0]].idx, doc[run[-1]].idx + len(doc[run[-1]].text)
        if sum(text.count(mark, start, end) for mark in '"\u201c\u201d') % 2:
            # A partial quote cut by the parse: take its closing mark, or drop a stray opener.
            if end < len(text) and text[end] in QUOTE_CLOSE:
                end += 1
            elif text[start] in QUOTE_OPEN:
                start += 1
        parts.append((start, end))
    return parts


def _emit(text: str, cue: _Cue, parts: list[tuple[int, int]], direct: bool,
          sent_of: list[int], by_token: dict[int, list[Mention]],
          index: ActorIndex | None) -> list[Quote]:
    """One Quote per speaker of cue (or one without a speaker); a back-reference speaks for each
    actor it points to."""
    if not parts:
        return []
    content = " ".join(text[s:e].strip() for s, e in parts)
    start, end = parts[0][0], parts[-1][1]
    sentence = sent_of[cue.token.i]
    if not cue.speakers:
        return [Quote(sentence, None, None, cue.cue, content, direct, start, end)]
    def stands_for(head: Token) -> list[str]:
        return index.speakers(head) if index is not None else []

    quotes = []
    speakers = cue.speakers
    if cue.outer and not any(_speaker_mention(h, by_token) or stands_for(h) for h in speakers):
        speakers = list(cue.outer)
    for head in speakers:
        mention = _speaker_mention(head, by_token)
        keys = stands_for(head) if mention is None else None
        if keys:
            quotes += [Quote(sentence, key, _phrase(head), cue.cue, content, direct, start, end)
                       for key in keys]
            continue
        # An institution's spokespeople ("Iranian officials") keep their own words as speaker_text.
        via_modifier = mention is not None and any(
            c.dep_ in {"poss", "compound", "amod", "nmod"} and c.left_edge.i <= mention.token_start <= c.i
            for c in head.children) and not mention.token_start <= head.i < mention.token_end
        text = mention.text if mention is not None and not via_modifier else _phrase(head)
        quotes.append(Quote(sentence, mention.key if mention else None, text, cue.cue, content,
                            direct, start, end))
    return quotes
