"""The classifier: a scikit-learn Pipeline of features and logistic regression.

``build_pipeline`` takes plain dictionaries (from ``conf/features`` and ``conf/model``)
and a seed; ``fit`` makes the fitted pipeline deterministic to pickle.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from sklearn.pipeline import Pipeline

from .classifier import make_classifier
from .errors import ConfigError
from .features import build_features


def build_pipeline(features: Mapping, model: Mapping, seed: int) -> Pipeline:
    """An unfitted TF-IDF + logistic-regression pipeline."""
    return Pipeline([("features", build_features(features)), ("classifier", make_classifier(model, seed))])


# Fitted attributes that make two pickles of the same model differ: ``stop_words_`` is a
# set (its order follows Python's per-process hash seed) kept only for introspection, and
# ``_stop_words_id`` is a memory address cached to skip a consistency check.
_UNSTABLE_ATTRIBUTES = ("stop_words_", "_stop_words_id")


def _drop_unstable_attributes(pipeline: Pipeline) -> None:
    """Remove process-dependent fitted state so the same data and seed give the same file."""
    for _, part in pipeline.named_steps["features"].transformer_list:
        for name in _UNSTABLE_ATTRIBUTES:
            if hasattr(part, name):
                delattr(part, name)


def fit(pipeline: Pipeline, texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    """Fit in place and return the pipeline, ready to pickle reproducibly."""
    try:
        pipeline.fit(list(texts), list(labels))
    except ValueError as err:
        if "no terms remain" not in str(err):
            raise
        # min_df drops n-grams seen in too few sentences; a very small set can lose them all
        raise ConfigError(f"features: no n-gram is left of {len(texts)} training sentences once rare ones are "
                          f"dropped; lower features.word.min_df and features.char.min_df for a set this small") from None
    _drop_unstable_attributes(pipeline)
    return pipeline


def predict_proba(pipeline: Pipeline, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Predicted labels and the probability matrix (columns in ``classes_`` order)."""
    features = pipeline[:-1].transform(list(texts))
    classifier = pipeline[-1]
    # the classifier's own decision (decision offsets, when tuned, move it off the argmax)
    return list(classifier.predict(features)), classifier.predict_proba(features)
