"""Quantification: estimate a group's true stance mix from a classifier's labels.

Classify-and-count (CC) is biased whenever a group's true mix differs from the training
data's (prior shift): a classifier that calls 10% of true neutrals "advocate" inflates the
advocate share of a neutral-heavy outlet. Three estimators, as pure numeric functions:

- ``cc``: shares of predicted labels;
- ``pcc``: mean predicted probabilities;
- ``acc``: CC corrected with the misclassification rates measured by cross-validation,
  solving ``rates @ p = observed`` for the true shares ``p`` by least squares constrained
  to the simplex (shares in [0, 1] summing to 1);
- ``pacc``: PCC corrected the same way with the cross-validated *probabilistic* rates (the
  mean predicted probability of each label among sentences of each true label).

:data:`METHODS` lists them with what each needs from the model card; to add a method, write
its estimator and add an entry.

All estimators work on *tallies*: arrays ``[..., 4, k]`` whose rows are, per label, the
count of predicted labels, that count among in-sample sentences, the sum of predicted
probabilities, and that sum among in-sample sentences (see :data:`TALLY_ROWS`). Tallies add
up over articles, so the same functions give a group's estimate and each bootstrap resample's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Callable, Mapping, Sequence

import numpy as np

from .errors import ConfigError

TALLY_ROWS = ("count", "count_in_training", "proba", "proba_in_training")
COUNT, COUNT_IN, PROBA, PROBA_IN = range(len(TALLY_ROWS))


def misclassification_rates(confusion: Sequence[Sequence[float]]) -> np.ndarray:
    """``rates[i, j]`` = P(predicted label i | true label j), from a confusion matrix with
    rows gold and columns predicted; each column of ``rates`` sums to 1."""
    matrix = np.asarray(confusion, dtype=float)
    support = matrix.sum(axis=1)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or (support <= 0).any():
        raise ValueError("confusion matrix must be square with at least one gold example per label")
    return (matrix / support[:, None]).T


def rates_from_confusion(confusion: Mapping, labels: Sequence[str], source: str, method: str = "acc") -> np.ndarray:
    """Misclassification rates in ``labels`` order from a model card's confusion entry
    (``labels``, ``rows_gold_columns_predicted``: counts, or summed probabilities for PACC);
    ``source`` names the card in errors."""
    card_labels = list(confusion.get("labels") or [])
    matrix = confusion.get("rows_gold_columns_predicted")
    missing = [label for label in labels if label not in card_labels]
    if matrix is None or missing:
        raise ConfigError(f"the cross-validated confusion matrix {'lacks labels ' + ', '.join(missing) if missing else 'is missing'}"
                          f"; report.method={method} needs it (use report.method=cc or pcc, or retrain)", source)
    order = [card_labels.index(label) for label in labels]
    reordered = np.asarray(matrix, dtype=float)[np.ix_(order, order)]
    empty = [label for label, row in zip(labels, reordered) if row.sum() <= 0]
    if empty:
        raise ConfigError(f"cross-validation saw no gold {', '.join(empty)} sentence, so its error rates are "
                          f"unknown; report.method={method} cannot correct for it (use cc or pcc)", source)
    return misclassification_rates(reordered)


@lru_cache(maxsize=16)
def _support_solvers(rates_key: tuple[tuple[float, ...], ...]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For every non-empty set of labels S, the linear map q -> p_S that minimises
    ||rates[:, S] p_S - q||^2 subject to sum(p_S) = 1 (its KKT system, solved once per rates)."""
    rates = np.asarray(rates_key, dtype=float)
    k = rates.shape[0]
    solvers = []
    for size in range(1, k + 1):
        for support in combinations(range(k), size):
            columns = rates[:, support]
            kkt = np.zeros((size + 1, size + 1))
            kkt[:size, :size] = 2 * columns.T @ columns
            kkt[:size, size] = kkt[size, :size] = 1
            inverse = np.linalg.pinv(kkt)
            # [p_S; lambda] = inverse @ [2 columns^T q; 1]
            linear = inverse[:size, :size] @ (2 * columns.T)
            offset = inverse[:size, size]
            solvers.append((np.asarray(support), linear, offset))
    return solvers


def adjusted_classify_and_count(observed: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """True shares ``p`` on the simplex minimising ``||rates @ p - observed||``, for each row
    of ``observed`` (predicted-label shares, ``[..., k]``).

    The optimum of this small convex problem is the equality-constrained least-squares
    solution on its own support, so trying every support (7 for three labels) and keeping
    the best feasible one solves it exactly, for a whole batch of rows at once.
    """
    observed = np.asarray(observed, dtype=float)
    shape = observed.shape
    columns = np.ascontiguousarray(observed.reshape(-1, shape[-1]).T)  # [k, rows]: long vectors, fast numpy
    rates = np.asarray(rates, dtype=float)
    solvers = _support_solvers(tuple(map(tuple, rates.tolist())))
    estimate = np.zeros_like(columns)
    best = np.full(columns.shape[1], np.inf)
    choice = np.zeros(columns.shape[1], dtype=int)
    for j, (support, linear, offset) in enumerate(solvers):
        on_support = linear @ columns + offset[:, None]
        fitted = rates[:, support] @ on_support - columns
        residual = np.where(on_support.min(axis=0) >= -1e-12, (fitted * fitted).sum(axis=0), np.inf)
        better = residual < best - 1e-15  # ties stay with the earlier, sparser, support
        best = np.where(better, residual, best)
        choice[better] = j
    for j, (support, linear, offset) in enumerate(solvers):
        rows = np.flatnonzero(choice == j)
        estimate[np.ix_(support, rows)] = linear @ columns[:, rows] + offset[:, None]
    estimate = np.clip(estimate, 0, None)
    return (estimate / estimate.sum(axis=0)).T.reshape(shape)


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return numerator / np.where(denominator > 0, denominator, 1)[..., None]


def _in_sample(tallies: np.ndarray, row: int, correct_in_sample: bool) -> np.ndarray:
    """What in-sample sentences contribute as labelled (nothing when they are corrected too)."""
    return np.zeros_like(tallies[..., COUNT, :]) if correct_in_sample else tallies[..., row, :]


def _cc(tallies: np.ndarray, rates: np.ndarray | None, correct_in_sample: bool) -> np.ndarray:
    counts = tallies[..., COUNT, :]
    return _safe_divide(counts, counts.sum(axis=-1))


def _pcc(tallies: np.ndarray, rates: np.ndarray | None, correct_in_sample: bool) -> np.ndarray:
    n = tallies[..., COUNT, :].sum(axis=-1)
    kept = _in_sample(tallies, COUNT_IN, correct_in_sample)
    proba = tallies[..., PROBA, :] - (0 if correct_in_sample else tallies[..., PROBA_IN, :])
    return _safe_divide(proba + kept, n)


def _adjusted(row: int, row_in: int) -> Callable[[np.ndarray, np.ndarray | None, bool], np.ndarray]:
    """ACC (on counts) or PACC (on probabilities): the out-of-sample part corrected with the
    rates, the in-sample part counted as labelled."""
    def estimate(tallies: np.ndarray, rates: np.ndarray | None, correct_in_sample: bool) -> np.ndarray:
        n = tallies[..., COUNT, :].sum(axis=-1)
        kept = _in_sample(tallies, COUNT_IN, correct_in_sample)
        observed_part = tallies[..., row, :] - (0 if correct_in_sample else tallies[..., row_in, :])
        n_corrected = observed_part.sum(axis=-1)
        observed = _safe_divide(observed_part, n_corrected)
        adjusted = adjusted_classify_and_count(observed, np.asarray(rates)) * n_corrected[..., None]
        return _safe_divide(adjusted + kept, n)
    return estimate


@dataclass(frozen=True)
class Method:
    """A quantification method: its name, what it needs (``rates``: the model card entry it
    corrects with, or None) and its estimator ``(tallies, rates, correct_in_sample) -> shares``."""

    title: str
    rates: str | None
    estimate: Callable[[np.ndarray, np.ndarray | None, bool], np.ndarray]

    @property
    def needs_rates(self) -> bool:
        return self.rates is not None


# To add a quantification method, add an entry (and name it in conf/report's comment).
METHODS: dict[str, Method] = {
    "cc": Method("classify-and-count", None, _cc),
    "pcc": Method("probabilistic classify-and-count", None, _pcc),
    "acc": Method("adjusted classify-and-count", "confusion_matrix", _adjusted(COUNT, COUNT_IN)),
    "pacc": Method("probabilistic adjusted classify-and-count", "probability_confusion", _adjusted(PROBA, PROBA_IN)),
}


@dataclass(frozen=True)
class Quantifier:
    """How shares are estimated: ``method`` (a key of :data:`METHODS`), the misclassification
    rates it corrects with, and whether in-sample sentences are corrected too.

    In-sample sentences (in the model's training annotations) carry labels the model was fit
    to, not predictions with cross-validated error rates; by default they count as labelled.
    """

    method: str = "cc"
    rates: tuple[tuple[float, ...], ...] | None = None
    correct_in_sample: bool = False

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"report.method={self.method!r}; expected one of {', '.join(METHODS)}")
        if METHODS[self.method].needs_rates and self.rates is None:
            raise ConfigError(f"report.method={self.method} needs the model's cross-validated confusion matrix")

    @property
    def name(self) -> str:
        return f"{METHODS[self.method].title} ({self.method.upper()})"

    def shares(self, tallies: np.ndarray) -> np.ndarray:
        """Estimated shares ``[..., k]`` from tallies ``[..., 4, k]`` (see module docstring)."""
        tallies = np.asarray(tallies, dtype=float)
        rates = None if self.rates is None else np.asarray(self.rates)
        return METHODS[self.method].estimate(tallies, rates, self.correct_in_sample)
