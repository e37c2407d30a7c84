"""Evaluation protocols: grouped cross-validation that never shares an article (or an
outlet, or a crisis) between train and test, stratified k-fold, or a held-out file.

:data:`PROTOCOLS` maps each protocol's name to how it splits the data; to add one, write a
splitter and add an entry. ``leave_one_group_out`` holds out every value of any column of
the manifest or the annotations (``eval.group_column``: ``crisis``, ``outlet`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold
from sklearn.pipeline import Pipeline

from .errors import ConfigError
from .metrics import classification_report, f_avg, most_confused, summarize_folds
from .model import fit, predict_proba

Fold = tuple[str, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class LabelledSet:
    """Texts with gold labels, the article each came from and the value of the grouping
    column (``eval.group_column``) for each."""

    texts: list[str]
    labels: list[str]
    doc_ids: list[str]
    groups: list[str]


def linked_groups(sources: dict[str, str], separator: str = ";") -> dict[str, str]:
    """Group names for grouped cross-validation where texts that share any source fall in
    one group: "New York Times; Washington Post" and "New York Times" become one group,
    named by all its sources ("New York Times + Washington Post")."""
    parent: dict[str, str] = {}

    def root(part: str) -> str:
        while parent.setdefault(part, part) != part:
            part = parent[part]
        return part

    parts = {key: [p.strip() for p in value.split(separator) if p.strip()] or [key] for key, value in sources.items()}
    for names in parts.values():
        for other in names[1:]:
            parent[root(other)] = root(names[0])
    members: dict[str, set[str]] = {}
    for names in parts.values():
        members.setdefault(root(names[0]), set()).update(names)
    return {key: " + ".join(sorted(members[root(names[0])])) for key, names in parts.items()}


def _leave_one_out(keys: Sequence[str], what: str) -> list[Fold]:
    groups = np.asarray(keys)
    if len(set(groups)) < 2:
        raise ConfigError(f"leave one {what} out needs at least two {what} values; the data has {len(set(groups))}")
    index = np.arange(len(groups))
    return [(str(groups[test][0]), train, test) for train, test in LeaveOneGroupOut().split(index, groups=groups)]


def _by_article(data: LabelledSet, k: int, seed: int) -> list[Fold]:
    return _leave_one_out(data.doc_ids, "article")


def _by_group(data: LabelledSet, k: int, seed: int) -> list[Fold]:
    return _leave_one_out(data.groups, "group")


def _stratified(data: LabelledSet, k: int, seed: int) -> list[Fold]:
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    index = np.arange(len(data.texts))
    return [(f"fold{i}", train, test) for i, (train, test) in enumerate(splitter.split(index, data.labels))]


@dataclass(frozen=True)
class Protocol:
    """How a protocol splits labelled data into folds (None: it does not, holdout), and
    whether it needs the grouping column."""

    splitter: Callable[[LabelledSet, int, int], list[Fold]] | None
    uses_groups: bool = False


# To add an evaluation protocol, add an entry.
PROTOCOLS: dict[str, Protocol] = {
    "leave_one_article_out": Protocol(_by_article),
    "leave_one_group_out": Protocol(_by_group, uses_groups=True),
    "leave_one_outlet_out": Protocol(_by_group, uses_groups=True),   # leave_one_group_out by eval.group_column=outlet
    "stratified_kfold": Protocol(_stratified),
    "holdout": Protocol(None),
}


def protocol_name(protocol: str, group_column: str) -> str:
    """The name figures are recorded under: ``leave_one_crisis_out`` for grouping by crisis."""
    if PROTOCOLS[protocol].uses_groups:
        return f"leave_one_{group_column}_out"
    return protocol


def folds(data: LabelledSet, protocol: str, k: int = 5, seed: int = 0) -> list[Fold]:
    """(fold name, train indices, test indices) for a cross-validation protocol."""
    entry = PROTOCOLS.get(protocol)
    if entry is None or entry.splitter is None:
        raise ConfigError(f"protocol {protocol!r} does not make folds; expected one of "
                          f"{', '.join(name for name, p in PROTOCOLS.items() if p.splitter)}")
    return entry.splitter(data, k, seed)


def fit_predict(make_pipeline: Callable[[], Pipeline], texts: Sequence[str], labels: Sequence[str],
                test_texts: Sequence[str], all_labels: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Train on (texts, labels) and label ``test_texts``; returns the labels and the
    probabilities in ``all_labels`` order. Training data with a single label (a small fold of
    a young annotation file) predicts that label: logistic regression cannot fit one class,
    and the fold should still be scored."""
    proba = np.zeros((len(test_texts), len(all_labels)))
    if len(set(labels)) < 2:
        proba[:, list(all_labels).index(labels[0])] = 1.0
        return [labels[0]] * len(test_texts), proba
    pipeline = fit(make_pipeline(), list(texts), list(labels))
    predicted, fitted = predict_proba(pipeline, list(test_texts))
    for column, label in enumerate(pipeline.classes_):
        proba[:, list(all_labels).index(label)] = fitted[:, column]
    return list(predicted), proba


def _fold_figures(name: str, train: np.ndarray, test: np.ndarray, gold: list[str], predicted: list[str],
                  labels: Sequence[str], f_avg_labels: Sequence[str] | None) -> dict:
    report = classification_report(gold, predicted, labels)
    fold = {"fold": name, "n_train": int(len(train)), "n_test": int(len(test)), "macro_f1": report["macro_f1"],
            "accuracy": report["accuracy"], "support": {label: report["per_label"][label]["support"] for label in labels},
            "f1": {label: report["per_label"][label]["f1"] for label in labels}}
    if f_avg_labels:
        fold["f_avg"] = f_avg(gold, predicted, f_avg_labels)
    return fold


def _fold(make_pipeline: Callable[[], Pipeline], data: LabelledSet, train: np.ndarray, test: np.ndarray,
          labels: Sequence[str]) -> tuple[list[str], np.ndarray, dict | None]:
    """One fold's predictions, probabilities (in ``labels`` order) and drift figures."""
    from .drift import DriftMeter

    texts, fold_labels = [data.texts[i] for i in train], [data.labels[i] for i in train]
    test_texts = [data.texts[i] for i in test]
    if len(set(fold_labels)) < 2:
        predicted, proba = fit_predict(make_pipeline, texts, fold_labels, test_texts, labels)
        return predicted, proba, None
    pipeline = fit(make_pipeline(), texts, fold_labels)
    predicted, fitted = predict_proba(pipeline, test_texts)
    proba = np.zeros((len(test_texts), len(labels)))
    for column, label in enumerate(pipeline.classes_):
        proba[:, list(labels).index(label)] = fitted[:, column]
    drift = DriftMeter(pipeline).add_all(test_texts, fitted, predicted).figures().to_dict()
    return list(predicted), proba, drift


def cross_validate(data: LabelledSet, make_pipeline: Callable[[], Pipeline], labels: Sequence[str],
                   protocol: str, k: int = 5, seed: int = 0, f_avg_labels: Sequence[str] | None = None,
                   name: str | None = None, progress: Callable[[int, int], None] | None = None,
                   n_jobs: int = 1) -> dict:
    """Out-of-fold predictions and probabilities for every sentence, pooled metrics, and
    per-fold figures. A fold whose training part lacks a label still trains (on the labels
    it has); its test sentences of the missing label then count as errors, as in use.
    ``n_jobs`` folds are fitted at once in worker processes; the results do not depend on it."""
    from joblib import Parallel, delayed

    predicted = np.empty(len(data.texts), dtype=object)
    proba = np.zeros((len(data.texts), len(labels)))
    per_fold = []
    fold_list = folds(data, protocol, k, seed)
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fold)(make_pipeline, data, train, test, labels) for _, train, test in fold_list)
    for number, ((fold_name, train, test), (fold_pred, fold_proba, drift)) in enumerate(zip(fold_list, results), start=1):
        predicted[test] = fold_pred
        proba[test] = fold_proba
        per_fold.append(_fold_figures(fold_name, train, test, [data.labels[i] for i in test], fold_pred, labels,
                                      f_avg_labels))
        if drift:
            per_fold[-1]["drift"] = drift
        if progress:
            progress(number, len(fold_list))
    result = _result(data.labels, list(predicted), labels, name or protocol, per_fold, f_avg_labels)
    result["probabilities"] = proba
    return result


def holdout(train: LabelledSet, test: LabelledSet, make_pipeline: Callable[[], Pipeline],
            labels: Sequence[str], f_avg_labels: Sequence[str] | None = None) -> dict:
    """Train on one annotation set and score on another."""
    predicted, proba = fit_predict(make_pipeline, train.texts, train.labels, test.texts, labels)
    result = _result(test.labels, predicted, labels, "holdout", [], f_avg_labels)
    result["probabilities"] = proba
    return result


def score(pipeline: Pipeline, test: LabelledSet, labels: Sequence[str], f_avg_labels: Sequence[str] | None = None) -> dict:
    """Score an already trained model on labelled data."""
    predicted, fitted = predict_proba(pipeline, test.texts)
    proba = np.zeros((len(test.texts), len(labels)))
    for column, label in enumerate(pipeline.classes_):
        if label in labels:
            proba[:, list(labels).index(label)] = fitted[:, column]
    result = _result(test.labels, predicted, labels, "fixed_model", [], f_avg_labels)
    result["probabilities"] = proba
    return result


def probability_confusion(gold: Sequence[str], proba: np.ndarray, labels: Sequence[str]) -> dict:
    """Summed predicted probabilities per gold label (rows gold, columns predicted): PACC's
    rates, in the same layout as the confusion matrix of counts."""
    matrix = np.zeros((len(labels), len(labels)))
    index = {label: i for i, label in enumerate(labels)}
    for label, row in zip(gold, proba):
        if label in index:
            matrix[index[label]] += row
    return {"labels": list(labels), "rows_gold_columns_predicted": np.round(matrix, 6).tolist()}


def _result(gold, predicted, labels, protocol, per_fold, f_avg_labels) -> dict:
    report = classification_report(gold, predicted, labels)
    result = {"protocol": protocol, **report, "dominant_errors": most_confused(report["confusion_matrix"])}
    if f_avg_labels:
        result["f_avg"] = f_avg(gold, predicted, f_avg_labels)
    if per_fold:
        result["folds"] = per_fold
        result["fold_macro_f1"] = summarize_folds([f["macro_f1"] for f in per_fold])
    result["predictions"] = list(predicted)
    return result
