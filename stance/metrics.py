"""Metrics as pure functions of gold and predicted labels."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support


def classification_report(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict:
    """Macro-F1, accuracy, per-label precision/recall/F1/support and the confusion matrix
    (rows gold, columns predicted, both in ``labels`` order)."""
    labels = list(labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    return {
        "n": len(gold),
        "accuracy": float(np.mean(np.asarray(gold) == np.asarray(predicted))) if len(gold) else 0.0,
        "macro_f1": float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        "per_label": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "confusion_matrix": {"labels": labels, "rows_gold_columns_predicted":
                             confusion_matrix(gold, predicted, labels=labels).tolist()},
    }


def f_avg(gold: Sequence[str], predicted: Sequence[str], averaged: Sequence[str]) -> float:
    """SemEval-2016 Task 6's F_avg: the mean F1 over the ``averaged`` labels only
    (FAVOR and AGAINST), with the other labels still counted as errors."""
    scores = f1_score(gold, predicted, labels=list(averaged), average=None, zero_division=0)
    return float(np.mean(scores))


def summarize_folds(values: Sequence[float]) -> dict:
    """Mean, standard deviation, min and max of per-fold figures."""
    array = np.asarray(values, dtype=float)
    return {"mean": float(array.mean()), "std": float(array.std(ddof=0)),
            "min": float(array.min()), "max": float(array.max())}


def most_confused(confusion: dict, top: int = 3) -> list[dict]:
    """The largest off-diagonal cells: which errors dominate."""
    labels = confusion["labels"]
    matrix = confusion["rows_gold_columns_predicted"]
    cells = [
        {"gold": labels[i], "predicted": labels[j], "count": matrix[i][j]}
        for i in range(len(labels)) for j in range(len(labels)) if i != j and matrix[i][j]
    ]
    return sorted(cells, key=lambda c: -c["count"])[:top]


def set_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict:
    """Micro precision/recall/F1 of predicted sets against gold sets (e.g. the holders of
    each sentence), and the share of sentences whose set is exactly right."""
    true_positive = sum(len(set(g) & set(p)) for g, p in zip(gold, predicted))
    n_predicted = sum(len(set(p)) for p in predicted)
    n_gold = sum(len(set(g)) for g in gold)
    precision = true_positive / n_predicted if n_predicted else 0.0
    recall = true_positive / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = sum(set(g) == set(p) for g, p in zip(gold, predicted)) / len(gold) if len(gold) else 0.0
    return {"n": len(gold), "precision": precision, "recall": recall, "f1": f1, "exact_match": exact}
