"""How far a corpus is from what the model was trained on, and when to distrust its labels.

Three figures, measured on a corpus as it is labelled and, at training time, on every crisis
held out by cross-validation (so the thresholds come from coverage the model was *scored* on):
- the share of word n-grams the model's vocabulary lacks (unfamiliar wording, topics, names);
- the mean probability of the label the model chose (how sure it is);
- the share of sentences labelled neutral, against the share in the training annotations.
A corpus that goes past the worst held-out crisis on any of them gets a warning: its labels
may be wrong in ways the cross-validated figures do not show. Validate with `stance sample`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np


@dataclass(frozen=True)
class Drift:
    """The three figures for a set of sentences."""

    n_sentences: int
    unseen_ngram_share: float | None
    mean_top_probability: float
    neutral_rate: float

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _word_vectorizer(pipeline):
    for name, part in pipeline.named_steps["features"].transformer_list:
        if name == "word":
            return part
    return None


class DriftMeter:
    """Accumulates the figures over a stream of labelled sentences (flat memory)."""

    def __init__(self, pipeline, neutral: str = "neutral"):
        vectorizer = _word_vectorizer(pipeline)
        self._analyze = vectorizer.build_analyzer() if vectorizer is not None else None
        self._vocabulary = vectorizer.vocabulary_ if vectorizer is not None else None
        self._vectorizer = vectorizer
        self.neutral = neutral
        self.n = self.ngrams = self.unseen = 0
        self.top = 0.0
        self.neutral_count = 0

    def add(self, text: str, proba: Mapping[str, float] | Sequence[float], label: str) -> None:
        self._add_prediction(proba, label)
        if self._analyze is not None:
            grams = self._analyze(text)
            self.ngrams += len(grams)
            self.unseen += sum(1 for gram in grams if gram not in self._vocabulary)

    def _add_prediction(self, proba: Mapping[str, float] | Sequence[float], label: str) -> None:
        self.n += 1
        values = proba.values() if isinstance(proba, Mapping) else proba
        self.top += max(values) if len(values) else 0.0
        self.neutral_count += label == self.neutral

    def add_tallied(self, texts: Sequence[str], proba: Sequence[Mapping[str, float]], labels: Sequence[str]) -> None:
        """Add a batch the pipeline has just labelled: its word n-grams are taken from the tally
        the fast word vectorizer kept while counting them (see
        :meth:`stance.vectorize.FastTfidfVectorizer.ngram_tally`), the same figures
        :meth:`add` finds by analysing each sentence again; without a tally, :meth:`add` each."""
        tally = self._tally(texts)
        if tally is None:
            for text, row, label in zip(texts, proba, labels):
                self.add(text, row, label)
            return
        for row, label in zip(proba, labels):
            self._add_prediction(row, label)
        self.ngrams += tally[0]
        self.unseen += tally[0] - tally[1]

    def _tally(self, texts: Sequence[str]) -> tuple[int, int] | None:
        tally = getattr(self._vectorizer, "ngram_tally", None)
        return tally(list(texts)) if tally is not None and self._analyze is not None else None

    def add_all(self, texts: Iterable[str], proba: np.ndarray, labels: Sequence[str]) -> "DriftMeter":
        for text, row, label in zip(texts, proba, labels):
            self.add(text, list(row), label)
        return self

    def figures(self) -> Drift:
        return Drift(self.n, (self.unseen / self.ngrams) if self.ngrams else None,
                     (self.top / self.n) if self.n else 0.0, (self.neutral_count / self.n) if self.n else 0.0)


def thresholds(folds: Sequence[Mapping], training_neutral_rate: float) -> dict:
    """Warning thresholds from the held-out folds' figures: the worst any held-out crisis
    reached (most unseen n-grams, least sure, furthest neutral rate from training)."""
    figures = [fold for fold in folds if fold.get("n_sentences")]
    if not figures:
        return {}
    unseen = [f["unseen_ngram_share"] for f in figures if f.get("unseen_ngram_share") is not None]
    return {"unseen_ngram_share": round(max(unseen), 4) if unseen else None,
            "mean_top_probability": round(min(f["mean_top_probability"] for f in figures), 4),
            "neutral_rate_gap": round(max(abs(f["neutral_rate"] - training_neutral_rate) for f in figures), 4),
            "training_neutral_rate": round(training_neutral_rate, 4), "n_folds": len(figures)}


def warnings(figures: Drift, limits: Mapping) -> list[str]:
    """One line per figure past its threshold (none when the card has no thresholds)."""
    if not limits or not figures.n_sentences:
        return []
    found = []
    unseen = limits.get("unseen_ngram_share")
    if unseen is not None and figures.unseen_ngram_share is not None and figures.unseen_ngram_share > unseen:
        found.append(f"{figures.unseen_ngram_share:.0%} of this corpus's word n-grams are unknown to the model, more than "
                     f"in any crisis held out in its cross-validation ({unseen:.0%})")
    if figures.mean_top_probability < limits["mean_top_probability"]:
        found.append(f"the model's mean confidence here is {figures.mean_top_probability:.2f}, below any held-out crisis "
                     f"({limits['mean_top_probability']:.2f})")
    gap = abs(figures.neutral_rate - limits["training_neutral_rate"])
    if gap > limits["neutral_rate_gap"]:
        found.append(f"{figures.neutral_rate:.0%} of sentences were labelled neutral against "
                     f"{limits['training_neutral_rate']:.0%} in the training annotations, a wider gap than any held-out "
                     f"crisis showed ({limits['neutral_rate_gap']:.0%})")
    return found
