"""Features meant to carry over to crises the model never saw.

- :class:`Preprocessor` rewrites a sentence before its n-grams are counted: names (runs of
  capitalised words not opening the sentence) become ``xname`` and numbers ``xnum``, so the
  model learns stance words rather than who said them or where; all-capitals wire copy is
  lower-cased first; words in the scope of a negation ("not", "never", "no longer" ...) get a
  ``neg_`` twin, so "will not strike" differs from "will strike".
- :class:`Attribution` counts what marks a reported position: how much of the sentence is
  quotation, whether it opens with one, the reporting verbs by class (speech, warning,
  urging, threatening, opposing, authorizing), "according to", first-person plural (a
  speaker's "we") and modal verbs.
- :func:`expand_lexicon` turns a cue lexicon whose categories list verb lemmas and phrases
  into flat phrase lists (every inflection of every verb).
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from .verbs import forms_pattern, inflect

_NAME = re.compile(r"(?<=[a-z,;:)\"'] )[A-Z][a-z]+(?:[-'][A-Za-z]+)?(?:\s+(?:al-|bin |de |van )?[A-Z][a-z]+(?:[-'][A-Za-z]+)?)*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NEGATION = re.compile(r"\b(?:not|never|no|without|no longer|neither|nor|cannot)\b|n't\b", re.I)
_SCOPE_END = re.compile(r"[,.;:!?\"]")
_WORD = re.compile(r"[\w'-]+")


_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_NOT_ASCII_CAPITALS = bytes(b for b in range(128) if not (chr(b).isalpha() and chr(b).isupper()))
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _mostly_capitals(text: str) -> bool:
    """Whether more than 60% of the letters are capitals (all-capitals wire copy). Counted in
    C by deleting bytes from the ASCII part of the text, the other characters (curly quotes,
    accents) one by one: a Python test of every character cost 14% of labelling."""
    raw = text.encode("ascii", "ignore")
    letters = len(raw.translate(None, _NOT_ASCII_LETTERS))
    capitals = len(raw.translate(None, _NOT_ASCII_CAPITALS))
    if len(raw) < len(text):
        for ch in _NOT_ASCII.findall(text):
            if ch.isalpha():
                letters += 1
                capitals += ch.isupper()
    return bool(letters) and capitals > 0.6 * letters


class Preprocessor:
    """The text a vectorizer counts: lower-cased, with names and numbers masked and negation
    scope marked as configured. A plain callable object, so pickled models stay loadable."""

    def __init__(self, mask_names: bool = False, mask_numbers: bool = False, mark_negation: bool = False,
                 negation_scope: int = 3):
        self.mask_names = mask_names
        self.mask_numbers = mask_numbers
        self.mark_negation = mark_negation
        self.negation_scope = negation_scope

    def __call__(self, text: str) -> str:
        if _mostly_capitals(text):
            text = text.lower()
        if self.mask_names:
            text = _NAME.sub("xname", text)
        if self.mask_numbers:
            text = _NUMBER.sub("xnum", text)
        text = text.lower()
        if self.mark_negation:
            text = self._marked(text)
        return text

    def _marked(self, text: str) -> str:
        """Each negation followed by ``neg_`` copies of the next words, up to punctuation."""
        out, last = [], 0
        for match in _NEGATION.finditer(text):
            end = _SCOPE_END.search(text, match.end())
            scope = text[match.end(): end.start() if end else len(text)]
            words = _WORD.findall(scope)[: self.negation_scope]
            out.append(text[last: match.end()])
            out.append(" " + " ".join("neg_" + w for w in words) + " ")
            last = match.end()
        out.append(text[last:])
        return "".join(out)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Preprocessor) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"Preprocessor({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


# Reporting verbs by what they report (lemmas; every inflection is matched).
VERB_CLASSES: dict[str, tuple[str, ...]] = {
    "speech": ("say", "tell", "add", "state", "note", "explain", "write", "tweet", "declare", "announce"),
    "warning": ("warn", "caution", "fear", "worry", "alert"),
    "urging": ("urge", "call for", "call on", "demand", "press", "push", "insist", "appeal", "plead", "recommend"),
    "threatening": ("threaten", "vow", "pledge", "promise", "swear"),
    "opposing": ("oppose", "reject", "criticize", "condemn", "denounce", "object", "question"),
    "authorizing": ("order", "authorize", "approve", "direct", "instruct"),
}
_QUOTE = re.compile(r'"[^"]*"?')
_ACCORDING = re.compile(r"\baccording to\b", re.I)
_WE = re.compile(r"\b(?:we|our|us)\b", re.I)
_MODAL = re.compile(r"\b(?:must|should|would|could|might|may|will|shall|can)\b", re.I)


class Attribution(BaseEstimator, TransformerMixin):
    """Dense counts of attribution markers, ``log1p``-scaled (see the module docstring)."""

    def fit(self, texts: Sequence[str], y=None) -> "Attribution":
        self.names_ = ["quoted_share", "opens_with_quote", *(f"verbs_{c}" for c in VERB_CLASSES), "according_to",
                       "we", "modal"]
        return self

    def _patterns(self) -> list[re.Pattern[str]]:
        return _verb_patterns()

    def transform(self, texts: Sequence[str]):
        if not hasattr(self, "names_"):
            self.fit(texts)
        texts = list(texts)
        if any(_SEPARATOR in text for text in texts):
            return sparse.csr_matrix(np.log1p(np.asarray([self._row(text) for text in texts], dtype=float)))
        return sparse.csr_matrix(np.log1p(_batch_rows(texts, self._patterns())))

    def _row(self, text: str) -> list:
        """One sentence's markers, counted on it alone."""
        quoted = sum(len(m.group()) for m in _QUOTE.finditer(text))
        return [quoted / max(len(text), 1), float(text.lstrip().startswith('"')),
                *(len(p.findall(text)) for p in self._patterns()), len(_ACCORDING.findall(text)),
                len(_WE.findall(text)), len(_MODAL.findall(text))]

    def get_feature_names_out(self, input_features=None):
        return np.array([f"attribution_{name}" for name in self.names_], dtype=object)


_SEPARATOR = "\x00"
_QUOTE_IN_BATCH = re.compile(r'"[^"\x00]*"?')  # _QUOTE, stopped by the separator as by the end of a text
_VERB_PATTERNS: list[re.Pattern[str]] = []


def _verb_patterns() -> list[re.Pattern[str]]:
    """The reporting-verb patterns by class, compiled once."""
    if not _VERB_PATTERNS:
        _VERB_PATTERNS.extend(re.compile(forms_pattern([f for lemma in lemmas for f in inflect(lemma)]), re.I)
                              for lemmas in VERB_CLASSES.values())
    return _VERB_PATTERNS


def _batch_rows(texts: list[str], verbs: Sequence[re.Pattern[str]]) -> np.ndarray:
    """:meth:`Attribution._row` of every text, each pattern scanning the batch once: the texts
    are joined by NUL, which no pattern matches (no marker spans two texts) and which, being
    no word character, bounds a word as the start or end of a text does. (A batch whose texts
    hold a NUL is counted text by text.)"""
    rows = np.zeros((len(texts), 2 + len(verbs) + 3), dtype=float)
    if not texts:
        return rows
    joined = _SEPARATOR.join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])

    def owner(positions: list[int]) -> np.ndarray:
        return np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="right") - 1

    found = [(m.start(), m.end() - m.start()) for m in _QUOTE_IN_BATCH.finditer(joined)]
    quoted = np.zeros(len(texts), dtype=np.int64)
    if found:
        where, size = zip(*found)
        np.add.at(quoted, owner(list(where)), np.asarray(size, dtype=np.int64))
    rows[:, 0] = [q / max(n, 1) for q, n in zip(quoted.tolist(), lengths.tolist())]
    rows[:, 1] = [float(text.lstrip().startswith('"')) for text in texts]
    patterns = [*verbs, _ACCORDING, _WE, _MODAL]
    rows[:, 2:] = count_matches(texts, patterns, _folded(patterns))
    return rows


def count_matches(texts: list[str], patterns: Sequence[re.Pattern], folded: Sequence[re.Pattern] | None) -> np.ndarray:
    """Matches of each case-insensitive pattern in each text, ``[texts, patterns]``. With
    ``folded`` (case-sensitive twins written in lower case) the texts are lower-cased once,
    joined by NUL (no pattern matches it, and as no word character it bounds a word as the start
    or end of a text does) and each pattern scans the batch once; texts whose lower-casing could
    change a match (letters folding to ASCII ones, a changed length) are counted alone."""
    counts = np.zeros((len(texts), len(patterns)), dtype=float)
    if folded is None:
        slow = list(range(len(texts)))
    else:
        lowered = [text.lower() for text in texts]
        slow = [i for i, (text, low) in enumerate(zip(texts, lowered))
                if len(low) != len(text) or _FOLD_UNSAFE.search(text)]
        for i in slow:
            lowered[i] = ""
        starts = np.zeros(len(texts), dtype=np.int64)
        if texts:
            np.cumsum(np.fromiter(map(len, lowered), dtype=np.int64, count=len(texts))[:-1] + 1, out=starts[1:])
        joined = _SEPARATOR.join(lowered)
        for column, pattern in enumerate(folded):
            positions = [m.start() for m in pattern.finditer(joined)]
            if positions:
                np.add.at(counts[:, column], np.searchsorted(starts, positions, side="right") - 1, 1)
    for i in slow:
        counts[i] = [len(pattern.findall(texts[i])) for pattern in patterns]
    return counts


# Characters a case-insensitive ASCII pattern matches but str.lower() does not turn into an ASCII letter.
_FOLD_UNSAFE = re.compile("[\u0130\u0131\u017f\u212a]")


def _folded(patterns: Sequence[re.Pattern[str]]) -> list[re.Pattern[str]] | None:
    """Case-sensitive twins of case-insensitive patterns written in lower case (else None)."""
    if not all(p.flags & re.I and p.pattern == p.pattern.lower() and p.pattern.isascii() for p in patterns):
        return None
    key = tuple(p.pattern for p in patterns)
    if key not in _FOLDED:
        _FOLDED[key] = [re.compile(p.pattern) for p in patterns]
    return _FOLDED[key]


_FOLDED: dict[tuple, list[re.Pattern[str]]] = {}


def expand_lexicon(lexicon: Mapping) -> dict[str, list[str]]:
    """Category -> phrases, from categories given as a list of phrases or as
    ``{verbs: [lemmas], phrases: [...]}`` (verbs inflected by :mod:`stance.verbs`)."""
    expanded = {}
    for category, entries in lexicon.items():
        if isinstance(entries, Mapping):
            phrases = [form for lemma in entries.get("verbs") or () for form in inflect(lemma)]
            phrases += list(entries.get("phrases") or ())
        else:
            phrases = list(entries)
        expanded[category] = list(dict.fromkeys(p.lower() for p in phrases))
    return expanded
