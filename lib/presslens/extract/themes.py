"""Theme hits: codebook phrases and token patterns matched on lower-cased lemmas."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from presslens.codebook import (  # noqa: F401  (re-exported: the codebook API was here first)
    DEFAULT_CODEBOOK,
    CodebookError,
    Pattern,
    Theme,
    load_codebook,
)
from presslens.nlp import sentence_index

# Lemma spellings tried per phrase; real phrases have a handful.
_MAX_VARIANTS = 64

class ThemeHit(NamedTuple):
    sentence_id: int
    theme: str
    term: str
    start: int
    end: int


class ThemeMatcher:
    """A codebook compiled for one pipeline; build once per corpus and reuse for every doc."""

    def __init__(self, nlp: Language, codebook: Mapping[str, Theme]):
        self.vocab = nlp.vocab
        self.themes = dict(codebook)
        # Phrases go to a PhraseMatcher on LEMMA, which is far faster than Matcher sets.
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.matcher = Matcher(nlp.vocab)
        self._lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        self._noun_lemmas: dict[str, str] = {}
        every = [p for t in self.themes.values() for p in (*t.patterns, *t.exclude)]
        self.windows = PatternWindows(nlp.vocab, [
            [_lower_lemma_values(t) for t in p] for p in every if isinstance(p, list)])
        phrases = sorted({p for p in every if isinstance(p, str)})
        parsed = dict(zip(phrases, nlp.pipe(phrases), strict=True))
        # Matcher keys are hashes; remember which theme each belongs to and whether it excludes.
        self._keys: dict[int, tuple[str, bool]] = {}
        for theme in self.themes.values():
            for excluding, patterns in ((False, theme.patterns), (True, theme.exclude)):
                name = f"{theme.id}!exclude" if excluding else theme.id
                self._keys[self.vocab.strings.add(name)] = (theme.id, excluding)
                docs = [
                    d for p in patterns if isinstance(p, str) for d in self._variants(parsed[p])
                ]
                tokens = [
                    [_lower_lemma_values(t) for t in p] for p in patterns if isinstance(p, list)
                ]
                if docs:
                    self.phrase_matcher.add(name, docs)
                if tokens:
                    self.matcher.add(name, tokens)

    def noun_lemma(self, text: str) -> str:
        """Lemmatise a lower-cased word as a common noun ("sanctions" -> "sanction")."""
        lemma = self._noun_lemmas.get(text)
        if lemma is None:
            lemma = text
            if self._lemmatizer is not None:
                word = Doc(self.vocab, words=[text], pos=["NOUN"])[0]
                forms = self._lemmatizer.lemmatize(word)
                lemma = forms[0].lower() if forms and forms[0] else text
            self._noun_lemmas[text] = lemma
        return lemma

    def lemma_key(self, token: Token) -> str:
        """The lower-cased lemma that patterns are matched against.

        en_core_web_sm keeps the surface form as the lemma of proper nouns, so capitalised
        headline words ("New Sanctions") are lemmatised here as common nouns.
        """
        lower = token.lower_
        if token.pos_ == "PROPN" or not token.lemma_:
            return self.noun_lemma(lower)
        return token.lemma_.lower()

    def lemma_view(self, doc: Doc) -> Doc:
        """A copy of doc whose LEMMA is lemma_key(); the caller's doc is left untouched."""
        view = doc.copy()
        if not len(doc):
            return view
        # lemma_key() once per distinct (lower, pos, lemma), not per token.
        rows, position = np.unique(doc.to_array(["LOWER", "POS", "LEMMA"]), axis=0, return_inverse=True)
        strings = view.vocab.strings
        keys = [strings.add(self.noun_lemma(strings[lower]) if pos == PROPN or not lemma
                            else strings[lemma].lower())
                for lower, pos, lemma in rows.tolist()]
        view.from_array(["LEMMA"], np.array(keys, dtype="uint64")[position.reshape(-1)].reshape(-1, 1))
        return view

    def _variants(self, phrase: Doc) -> list[Doc]:
        # The lemma in context, the surface form and the noun lemma each count, so the
        # phrase matches however the tagger reads either the phrase or the text.
        forms = [sorted({self.lemma_key(t), t.lower_, self.noun_lemma(t.lower_)}) for t in phrase]
        words = [t.text for t in phrase]
        return [
            Doc(self.vocab, words=words, lemmas=list(lemmas))
            for lemmas in itertools.islice(itertools.product(*forms), _MAX_VARIANTS)
        ]


# Token attributes the Matcher compares as string hashes, as Doc.to_array gives them.
_HASHED_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "LEMMA", "NORM", "TAG", "DEP", "ENT_TYPE"})
_SAME_ATTR = {"TEXT": "ORTH"}      # the Matcher's TEXT is ORTH
# Quantifiers after which a pattern has no longest match.
_UNBOUNDED_OPS = frozenset({"*", "+"})
# Above this share of a doc's tokens in windows, one call on the whole doc is cheaper.
_MAX_WINDOW_SHARE = 0.5


class PatternWindows:
    """Token ranges of a doc that hold every match of the codebook's token patterns.

    The Matcher tries every pattern at every token, which makes it most of the time spent on
    themes, yet a pattern can only match around its rarest word. For each pattern, the token
    whose test (a value, set or regular expression of one attribute) fewest tokens of the doc
    pass is its anchor; the Matcher then runs on the windows around the anchors only, each as
    long as the pattern on either side, and finds exactly what it finds on the whole doc. A
    pattern with no such test, or of unbounded length, makes every doc run whole.
    """

    def __init__(self, vocab, patterns: list[list[dict[str, Any]]]):
        self.vocab = vocab
        # Per pattern: its length and, per testable token, (index, attribute, test).
        self.anchors = [(len(p), [(k, *test) for k, token in enumerate(p)
                                  if (test := self._token_test(token)) is not None])
                        for p in patterns]
        self.whole = any(not anchors for _, anchors in self.anchors) or any(
            str(token.get("OP", "")) in _UNBOUNDED_OPS or "{" in str(token.get("OP", ""))
            for p in patterns for token in p)
        self.attrs = sorted({attr for _, anchors in self.anchors for _, attr, _ in anchors})
        self._regex_hits: dict[tuple[str, int], bool] = {}

    def _token_test(self, token: dict[str, Any]) -> tuple[str, Any] | None:
        """(attribute, allowed values or regex) that a token matching `token` has, or None."""
        if "OP" in token:                 # the token may be absent or negated: no anchor
            return None
        for key, value in token.items():
            attr = _SAME_ATTR.get(key.upper(), key.upper())
            values = value["IN"] if isinstance(value, dict) and set(value) == {"IN"} else (
                [value] if isinstance(value, str) else None)
            if isinstance(value, dict) and set(value) == {"REGEX"} and attr in _HASHED_ATTRS:
                return attr, re.compile(value["REGEX"])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                continue
            if attr in _HASHED_ATTRS:
                return attr, np.array([self.vocab.strings.add(v) for v in values], dtype="uint64")
            if attr == "POS" and all(v in POS_IDS for v in values):
                return attr, np.array([POS_IDS[v] for v in values], dtype="uint64")
        return None

    def __call__(self, doc: Doc) -> Iterator[tuple[int, int]]:
        """Yield the ranges [first, last) of doc's tokens to match, in order."""
        n = len(doc)
        if self.whole or not n:
            yield 0, n
            return
        columns = doc.to_array(self.attrs).reshape(n, len(self.attrs))
        counts = []
        for i in range(len(self.attrs)):
            distinct, number = np.unique(columns[:, i], return_counts=True)
            counts.append(dict(zip(distinct.tolist(), number.tolist(), strict=True)))
        windows = []
        for length, anchors in self.anchors:
            tests = []
            for k, attr, test in anchors:
                column = self.attrs.index(attr)
                if isinstance(test, re.Pattern):
                    test = self._regex_values(test, counts[column], doc.vocab.strings)
                tests.append((sum(counts[column].get(v, 0) for v in test.tolist()), k, column, test))
            found, k, column, test = min(tests, key=lambda t: t[0])
            if not found:                 # its rarest token is absent: the pattern cannot match
                continue
            windows += [(max(0, p - k), min(n, p - k + length))
                        for p in np.flatnonzero(np.isin(columns[:, column], test)).tolist()]
        if sum(last - first for first, last in windows) > _MAX_WINDOW_SHARE * n:
            yield 0, n
            return
        first = last = None
        for start, end in sorted(windows):
            if last is not None and start <= last:
                last = max(last, end)
                continue
            if last is not None:
                yield first, last
            first, last = start, end
        if last is not None:
            yield first, last

    def _regex_values(self, regex: re.Pattern, present: dict[int, int], strings) -> np.ndarray:
        hits = []
        for value in present:
            key = (regex.pattern, value)
            if key not in self._regex_hits:
                self._regex_hits[key] = bool(regex.search(strings[value]))
            if self._regex_hits[key]:
                hits.append(value)
        return np.array(hits, dtype="uint64")


def build_theme_matcher(nlp: Language, codebook: Mapping[str, Theme] | None = None) -> ThemeMatcher:
    """Compile a codebook (default: load_codebook()) for nlp; phrases are lemmatised by nlp."""
    return ThemeMatcher(nlp, load_codebook() if codebook is None else codebook)


def theme_hits(doc: Doc, matcher: ThemeMatcher) -> list[ThemeHit]:
    """Theme mentions in doc, in text order.

    Overlapping matches of one theme keep the longest; different themes may overlap
    ("unilateral sanctions" is both sanctions and western_order_critique). A doc without
    sentence boundaries counts as one sentence.
    """
    view = matcher.lemma_view(doc)
    found: dict[str, list[Span]] = {}
    excluded: dict[str, list[Span]] = {}
    # An empty Matcher warns on every call; a codebook may have only phrases or only tokens.
    matches = list(matcher.phrase_matcher(view)) if len(matcher.phrase_matcher) else []
    if len(matcher.matcher):
        for first, last in matcher.windows(view):
            matches += [(key, first + start, first + end)
                        for key, start, end in matcher.matcher(view[first:last])]
    for match_id, start, end in matches:
        theme, excluding = matcher._keys[match_id]
        (excluded if excluding else found).setdefault(theme, []).append(doc[start:end])

    sentence_of = sentence_index(doc)
    hits = []
    for theme, spans in found.items():
        blocked = excluded.get(theme, [])
        kept = [s for s in spans if not any(s.start < b.end and b.start < s.end for b in blocked)]
        for span in filter_spans(kept):
            hits.append(
                ThemeHit(sentence_of[span.start], theme, span.text, span.start_char, span.end_char)
            )
    return sorted(hits, key=lambda hit: (hit.start, hit.end, hit.theme))


def article_themes(
    hits: pd.DataFrame, sentences_per_article: pd.Series | None = None
) -> pd.DataFrame:
    """Per article and theme: hit count and the share of sentences carrying the theme.

    Args:
        hits: columns article_id, sentence_id, theme, term, start, end.
        sentences_per_article: sentence count per article, indexed by article_id.

    Returns:
        Columns article_id, theme, n_hits, n_sentences (sentences with the theme) and
        score = n_sentences / sentences in the article, in 0..1, highest first per article.
        A single passing mention still appears, with a small score.

    Without sentences_per_article (or for articles missing from it) the article's length is
    taken as its last sentence with any hit, which overstates the score.
    """
    columns = ["article_id", "theme", "n_hits", "n_sentences", "score"]
    if hits.empty:
        empty = {"n_hits": "int64", "n_sentences": "int64", "score": "float64"}
        return pd.DataFrame({c: pd.Series(dtype=empty.get(c, "object")) for c in columns})

    table = (
        hits.groupby(["article_id", "theme"], sort=False)
        .agg(n_hits=("sentence_id", "size"), n_sentences=("sentence_id", "nunique"))
        .reset_index()
    )
    seen = hits.groupby("article_id")["sentence_id"].max() + 1
    if sentences_per_article is not None:
        given = sentences_per_article.reindex(seen.index)
        # A count below the highest sentence id seen is inconsistent input; never exceed 1.
        seen = given.fillna(seen).clip(lower=seen)
    table["score"] = table["n_sentences"] / table["article_id"].map(seen).astype("float64")
    table = table.sort_values(["article_id", "score", "theme"], ascending=[True, False, True])
    return table[columns].reset_index(drop=True)


def _lower_lemma_values(token: dict[str, Any]) -> dict[str, Any]:
    # Patterns see lower-cased lemmas (ThemeMatcher.lemma_view), so LEMMA values must be too.
    out = dict(token)
    for key, value in token.items():
        if key.upper() != "LEMMA":
            continue
        if isinstance(value, str):
            out[key] = value.lower()
        elif isinstance(value, dict):
            out[key] = {
                op: [v.lower() if isinstance(v, str) else v for v in arg]
                if isinstance(arg, list)
                else arg
                for op, arg in value.items()
            }
    return out
