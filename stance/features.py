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
        return self

    def transform(self, texts):
        if not hasattr(self, "_patterns"):
            self.fit(texts)
        counts = np.array([[len(p.findall(t)) for p in self._patterns] for t in texts], dtype=float)
        return sparse.csr_matrix(np.log1p(counts))

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_patterns", None)  # compiled patterns are rebuilt; keeps the pickle stable
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "categories_" in state:
            self.fit([])

    def get_feature_names_out(self, input_features=None):
        return np.array([f"cue_{c}" for c in self.categories_], dtype=object)


def _tfidf(spec: Mapping, analyzer: str) -> TfidfVectorizer:
    """A TF-IDF vectorizer from a ``features.word`` or ``features.char`` block (every key
    comes from conf/features; there are no defaults here)."""
    return TfidfVectorizer(
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
