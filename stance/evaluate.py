"""Evaluation protocols: grouped cross-validation that never shares an article (or an
outlet) between train and test, stratified k-fold, or a held-out annotation file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold
from sklearn.pipeline import Pipeline

from .errors import ConfigError
from .metrics import classification_report, f_avg, most_confused, summarize_folds
from .model import fit, predict_proba

PROTOCOLS = ("leave_one_article_out", "leave_one_outlet_out", "stratified_kfold", "holdout")


@dataclass(frozen=True)
class LabelledSet:
    """Texts with gold labels and the article and outlet each came from."""

    texts: list[str]
    labels: list[str]
    doc_ids: list[str]
    outlets: list[str]


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


def folds(data: LabelledSet, protocol: str, k: int = 5, seed: int = 0) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(fold name, train indices, test indices) for a cross-validation protocol."""
    index = np.arange(len(data.texts))
    if protocol in ("leave_one_article_out", "leave_one_outlet_out"):
        groups = np.asarray(data.doc_ids if protocol == "leave_one_article_out" else data.outlets)
        if len(set(groups)) < 2:
            raise ConfigError(f"{protocol} needs at least two groups; the data has {len(set(groups))}")
        return [(str(groups[test][0]), train, test) for train, test in LeaveOneGroupOut().split(index, groups=groups)]
    if protocol == "stratified_kfold":
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        return [(f"fold{i}", train, test) for i, (train, test) in enumerate(splitter.split(index, data.labels))]
    raise ConfigError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")


def fit_predict(make_pipeline: Callable[[], Pipeline], texts: Sequence[str], labels: Sequence[str],
                test_texts: Sequence[str]) -> list[str]:
    """Train on (texts, labels) and label ``test_texts``. Training data with a single
    label (a small fold of a young annotation file) predicts that label: logistic
    regression cannot fit one class, and the fold should still be scored."""
    if len(set(labels)) < 2:
        return [labels[0]] * len(test_texts)
    predicted, _ = predict_proba(fit(make_pipeline(), list(texts), list(labels)), list(test_texts))
    return list(predicted)


def cross_validate(data: LabelledSet, make_pipeline: Callable[[], Pipeline], labels: Sequence[str],
                   protocol: str, k: int = 5, seed: int = 0, f_avg_labels: Sequence[str] | None = None) -> dict:
    """Out-of-fold predictions for every sentence, pooled metrics, and per-fold figures.

    A fold whose training part lacks a label still trains (on the labels it has); its
    test sentences of the missing label then count as errors, as they would in use.
    """
    predicted = np.empty(len(data.texts), dtype=object)
    per_fold = []
    for name, train, test in folds(data, protocol, k, seed):
        fold_pred = fit_predict(make_pipeline, [data.texts[i] for i in train], [data.labels[i] for i in train],
                                [data.texts[i] for i in test])
        predicted[test] = fold_pred
        gold = [data.labels[i] for i in test]
        report = classification_report(gold, fold_pred, labels)
        fold = {"fold": name, "n_train": int(len(train)), "n_test": int(len(test)),
                "macro_f1": report["macro_f1"], "accuracy": report["accuracy"]}
        if f_avg_labels:
            fold["f_avg"] = f_avg(gold, fold_pred, f_avg_labels)
        per_fold.append(fold)
    return _result(data.labels, list(predicted), labels, protocol, per_fold, f_avg_labels)


def holdout(train: LabelledSet, test: LabelledSet, make_pipeline: Callable[[], Pipeline],
            labels: Sequence[str], f_avg_labels: Sequence[str] | None = None) -> dict:
    """Train on one annotation set and score on another."""
    predicted = fit_predict(make_pipeline, train.texts, train.labels, test.texts)
    return _result(test.labels, predicted, labels, "holdout", [], f_avg_labels)


def score(pipeline: Pipeline, test: LabelledSet, labels: Sequence[str], f_avg_labels: Sequence[str] | None = None) -> dict:
    """Score an already trained model on labelled data."""
    predicted, _ = predict_proba(pipeline, test.texts)
    return _result(test.labels, predicted, labels, "fixed_model", [], f_avg_labels)


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
