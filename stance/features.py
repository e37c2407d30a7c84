"""Features: TF-IDF word and character n-grams and a stance-cue lexicon, all from config.

Every switch is a plain value so an experiment file can turn it on or off.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .markers import Attribution, Preprocessor, count_matches, expand_lexicon
from .vectorize import FastTfidfVectorizer


class CueLexicon(BaseEstimator, TransformerMixin):
    """Counts of cue phrases per category (hedges, warnings, calls to action, threats ...),
    scaled by ``log1p``: a small dense signal that generalises across outlets' wording."""

    def __init__(self, lexicon: Mapping[str, Sequence[str]] | None = None):
        self.lexicon = lexicon

    def fit(self, texts, y=None):
        self.categories_ = sorted((self.lexicon or {}).keys())
        self._patterns = [
            re.compile(r"\b(?:" + "|".join(re.escape(w) for w in self.lexicon[c]) + r")\b", re.I)
            for c in self.categories_
        ]
        self._folded = _folded([self.lexicon[c] for c in self.categories_])
        return self

    def transform(self, texts):
        if not hasattr(self, "_patterns"):
            self.fit(texts)
        counts = count_matches(list(texts), self._patterns, self._folded)
        return sparse.csr_matrix(np.log1p(counts))

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_patterns", None)  # compiled patterns are rebuilt; keeps the pickle stable
        state.pop("_folded", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "categories_" in state:
            self.fit([])

    def get_feature_names_out(self, input_features=None):
        return np.array([f"cue_{c}" for c in self.categories_], dtype=object)


def _folded(lexicon: Sequence[Sequence[str]]) -> list[re.Pattern] | None:
    """Case-sensitive patterns of the lower-cased cues, to match lower-cased text: the same
    matches as the case-insensitive patterns (for cues in ASCII without line breaks; else None)."""
    if not all(word.isascii() and "\n" not in word for words in lexicon for word in words):
        return None
    return [re.compile(r"\b(?:" + _alternation([w.lower() for w in words]) + r")\b") for words in lexicon]


def _alternation(words: Sequence[str]) -> str:
    """A regex body matching exactly what ``w1|w2|...`` does between word boundaries,
    written as a character trie (Python's re tries every alternative at every word start; a
    trie is two to three times faster on news text). The flat list takes the first word in
    its order that matches, the trie the longest: two words can both match at one place only
    when the shorter is a prefix of the longer ending at a word boundary inside it. If the
    shorter comes first in the list, the longer never matches and is left out; otherwise the
    longer comes first in both."""
    distinct = sorted(set(words))
    if not distinct or "" in distinct:
        return "|".join(re.escape(w) for w in words)
    first = {word: i for i, word in reversed(list(enumerate(words)))}
    never: set[str] = set()
    for i, shorter in enumerate(distinct):  # the words a word prefixes follow it in sorted order
        for longer in distinct[i + 1:]:
            if not longer.startswith(shorter):
                break
            at_boundary = _is_word(longer[len(shorter) - 1]) != _is_word(longer[len(shorter)])
            if at_boundary and first[shorter] < first[longer]:
                never.add(longer)
    return _trie([word for word in distinct if word not in never])


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _trie(words: Sequence[str]) -> str:
    """``words`` as one regex body: a character trie, longer words first, every character literal."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _tfidf(spec: Mapping, analyzer: str, preprocessor: Preprocessor | None = None) -> TfidfVectorizer:
    """A TF-IDF vectorizer from a ``features.word`` or ``features.char`` block (every key
    comes from conf/features; there are no defaults here). With a ``preprocessor`` (masking,
    negation marking) the text is rewritten, and lower-cased, before counting."""
    return FastTfidfVectorizer(
        preprocessor=preprocessor,
        analyzer=analyzer,
        ngram_range=tuple(spec["ngram_range"]),
        min_df=spec["min_df"],
        max_df=spec["max_df"],
        max_features=spec["max_features"],
        sublinear_tf=bool(spec["sublinear_tf"]),
        lowercase=bool(spec["lowercase"]),
        stop_words=spec.get("stop_words"),
        token_pattern=r"(?u)\b\w[\w'-]*\b" if analyzer == "word" else None,
        dtype=np.float64,
    )


def _preprocessor(text: Mapping | None) -> Preprocessor | None:
    if not text or not any(text[key] for key in ("mask_names", "mask_numbers", "mark_negation")):
        return None
    return Preprocessor(text["mask_names"], text["mask_numbers"], text["mark_negation"], text["negation_scope"])


def build_features(features: Mapping) -> FeatureUnion:
    """A FeatureUnion of the enabled feature sets of a ``features`` config (each block has
    ``enabled: bool``; ``text`` says how sentences are rewritten before n-grams are counted)."""
    word, char, cues = features.get("word"), features.get("char"), features.get("cues")
    preprocessor = _preprocessor(features.get("text"))
    parts = []
    if word and word["enabled"]:
        parts.append(("word", _tfidf(word, "word", preprocessor)))
    if char and char["enabled"]:
        parts.append(("char", _tfidf(char, char["analyzer"], preprocessor)))
    if cues and cues["enabled"]:
        parts.append(("cues", CueLexicon(expand_lexicon(cues["lexicon"]))))
    attribution = features.get("attribution")
    if attribution and attribution["enabled"]:
        parts.append(("attribution", Attribution()))
    if not parts:
        raise ValueError("no feature set is enabled")
    return FeatureUnion(parts, transformer_weights=_weights(features))


def _weights(features: Mapping) -> dict[str, float] | None:
    """Per-block weights (``weight`` in a block): dense cue counts can be scaled against the
    thousands of TF-IDF columns."""
    weights = {name: float(block["weight"]) for name, block in features.items()
               if isinstance(block, Mapping) and "weight" in block and block.get("enabled")}
    return weights or None
