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
        counts = cue_counts(list(texts), self._patterns, self._folded)
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


# Characters that a case-insensitive pattern of ASCII letters matches but str.lower() does not
# turn into that letter (dotted and dotless i, long s, Kelvin sign): texts holding one are
# matched the slow way, so folding never changes a count.
_FOLD_UNSAFE = re.compile("[\u0130\u0131\u017f\u212a]")


def _folded(lexicon: Sequence[Sequence[str]]) -> list[re.Pattern] | None:
    """Case-sensitive patterns of the lower-cased cues, to match lower-cased text: the same
    matches as the case-insensitive patterns (for cues in ASCII without line breaks; else None)."""
    if not all(word.isascii() and "\n" not in word for words in lexicon for word in words):
        return None
    return [re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + r")\b") for words in lexicon]


def cue_counts(texts: list[str], patterns: Sequence[re.Pattern], folded: Sequence[re.Pattern] | None) -> np.ndarray:
    """Matches of each pattern in each text, ``[texts, patterns]``. With ``folded`` patterns the
    texts are lower-cased once, joined by line breaks (no cue spans one, and a break is a word
    boundary like the start or end of a text) and each pattern scans the batch once."""
    counts = np.zeros((len(texts), len(patterns)), dtype=float)
    if folded is None:
        slow = range(len(texts))
    else:
        slow = [i for i, text in enumerate(texts) if _FOLD_UNSAFE.search(text)]
        lowered = [text.lower() for text in texts]
        for i in slow:
            lowered[i] = ""
        joined = "\n".join(lowered)
        starts = np.cumsum([0] + [len(text) + 1 for text in lowered[:-1]])
        for column, pattern in enumerate(folded):
            found = [m.start() for m in pattern.finditer(joined)]
            if found:
                np.add.at(counts[:, column], np.searchsorted(starts, found, side="right") - 1, 1)
    for i in slow:
        counts[i] = [len(p.findall(texts[i])) for p in patterns]
    return counts


def _tfidf(spec: Mapping, analyzer: str) -> TfidfVectorizer:
    """A TF-IDF vectorizer from a ``features.word`` or ``features.char`` block (every key
    comes from conf/features; there are no defaults here)."""
    return FastTfidfVectorizer(
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


def build_features(word: Mapping | None, char: Mapping | None = None, cues: Mapping | None = None) -> FeatureUnion:
    """A FeatureUnion of the enabled feature sets (each spec has ``enabled: bool``)."""
    parts = []
    if word and word["enabled"]:
        parts.append(("word", _tfidf(word, "word")))
    if char and char["enabled"]:
        parts.append(("char", _tfidf(char, char["analyzer"])))
    if cues and cues["enabled"]:
        parts.append(("cues", CueLexicon({k: list(v) for k, v in cues["lexicon"].items()})))
    if not parts:
        raise ValueError("no feature set is enabled")
    return FeatureUnion(parts)
