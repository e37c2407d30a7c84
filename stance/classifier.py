"""The stance classifier: logistic regression, optionally in two stages, with optionally
calibrated probabilities and decision offsets chosen by cross-validation.

- ``two_stage``: one regression tells stance from ``neutral``, a second tells the stance
  labels apart, trained on stance sentences only; their probabilities multiply.
- ``calibration`` (``sigmoid`` or ``isotonic``): probabilities from scikit-learn's
  CalibratedClassifierCV over ``calibration_folds`` folds of the training data, so that the
  mean probability of a label (PCC) estimates its share.
- ``tune_offsets``: per-label additive offsets on the log-probabilities, chosen to maximise
  macro-F1 on out-of-fold predictions *of the training data* (an inner stratified
  cross-validation), so the decision threshold is learnt without looking at the test fold.
  ``predict_proba`` stays the (calibrated) probabilities; ``predict`` applies the offsets.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

_OFFSET_GRID = np.round(np.linspace(-2.0, 2.0, 17), 6)


class StanceClassifier(BaseEstimator, ClassifierMixin):
    """See the module docstring; ``neutral`` names the label the first stage separates."""

    def __init__(self, C: float = 1.0, class_weight=None, max_iter: int = 1000, solver: str = "lbfgs",
                 tol: float = 1e-4, random_state: int = 0, two_stage: bool = False, calibration: str = "none",
                 calibration_folds: int = 3, tune_offsets: bool = False, offset_folds: int = 3,
                 neutral: str = "neutral"):
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.solver = solver
        self.tol = tol
        self.random_state = random_state
        self.two_stage = two_stage
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.tune_offsets = tune_offsets
        self.offset_folds = offset_folds
        self.neutral = neutral

    # --- building blocks ---------------------------------------------------------------

    def _regression(self):
        regression = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                        solver=self.solver, tol=self.tol, random_state=self.random_state)
        if self.calibration == "none":
            return regression
        return CalibratedClassifierCV(regression, method=self.calibration, cv=self.calibration_folds)

    def _fit_models(self, X, y: np.ndarray) -> list:
        if not self.two_stage or self.neutral not in self.classes_ or len(self.classes_) < 3:
            return [clone(self._regression()).fit(X, y)]
        is_stance = y != self.neutral
        first = clone(self._regression()).fit(X, np.where(is_stance, "stance", self.neutral))
        second = clone(self._regression()).fit(X[is_stance], y[is_stance])
        return [first, second]

    def _proba(self, models: list, X) -> np.ndarray:
        if len(models) == 1:
            fitted = models[0].predict_proba(X)
            out = np.zeros((X.shape[0], len(self.classes_)))
            for column, label in enumerate(models[0].classes_):
                out[:, list(self.classes_).index(label)] = fitted[:, column]
            return out
        first, second = models
        p_stance = first.predict_proba(X)[:, list(first.classes_).index("stance")]
        out = np.zeros((X.shape[0], len(self.classes_)))
        out[:, list(self.classes_).index(self.neutral)] = 1.0 - p_stance
        for column, label in enumerate(second.classes_):
            out[:, list(self.classes_).index(label)] = p_stance * second.predict_proba(X)[:, column]
        return out

    # --- the estimator -------------------------------------------------------------------

    def fit(self, X, y: Sequence[str]) -> "StanceClassifier":
        y = np.asarray(y)
        self.classes_ = np.array(sorted(set(y)))
        self.models_ = self._fit_models(X, y)
        self.offsets_ = np.zeros(len(self.classes_))
        if self.tune_offsets and len(self.classes_) > 1 and np.bincount(np.unique(y, return_inverse=True)[1]).min() \
                >= self.offset_folds:
            self.offsets_ = self._tuned_offsets(X, y)
        return self

    def _tuned_offsets(self, X, y: np.ndarray) -> np.ndarray:
        """Offsets maximising macro-F1 on inner out-of-fold probabilities (a coordinate search
        over a fixed grid, each label but the first in turn, twice)."""
        inner = np.zeros((len(y), len(self.classes_)))
        folds = StratifiedKFold(self.offset_folds, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(np.zeros(len(y)), y):
            inner[test] = self._proba(self._fit_models(X[train], y[train]), X[test])
        scores = np.log(inner + 1e-12)
        offsets = np.zeros(len(self.classes_))

        def macro(values: np.ndarray) -> float:
            return f1_score(y, self.classes_[(scores + values).argmax(axis=1)], average="macro", zero_division=0)

        best = macro(offsets)
        for _ in range(2):
            for k in range(1, len(self.classes_)):
                for value in _OFFSET_GRID:
                    trial = offsets.copy()
                    trial[k] = value
                    score = macro(trial)
                    if score > best + 1e-12:
                        best, offsets = score, trial
        return offsets

    def predict_proba(self, X) -> np.ndarray:
        return self._proba(self.models_, X)

    def predict(self, X) -> np.ndarray:
        return self.classes_[(np.log(self.predict_proba(X) + 1e-12) + self.offsets_).argmax(axis=1)]


def make_classifier(model: Mapping, seed: int):
    """The configured classifier: plain logistic regression unless an option asks for more
    (so existing configurations keep their exact model files)."""
    class_weight = model["class_weight"]
    weights = dict(class_weight) if isinstance(class_weight, Mapping) else class_weight
    options = {"two_stage": bool(model["two_stage"]), "calibration": str(model["calibration"]),
               "tune_offsets": bool(model["tune_offsets"])}
    if not options["two_stage"] and options["calibration"] == "none" and not options["tune_offsets"]:
        return LogisticRegression(C=float(model["C"]), class_weight=weights, max_iter=int(model["max_iter"]),
                                  solver=str(model["solver"]), tol=float(model["tol"]), random_state=seed)
    return StanceClassifier(C=float(model["C"]), class_weight=weights, max_iter=int(model["max_iter"]),
                            solver=str(model["solver"]), tol=float(model["tol"]), random_state=seed,
                            calibration_folds=int(model["calibration_folds"]), offset_folds=int(model["offset_folds"]),
                            **options)
