"""Retraining: is a candidate trained on the merged annotations better than the current model?

Both are scored on the same folds of the merged annotations. In each fold the candidate's
setup is trained on the fold's training part, and the current model's setup on the part
of it the current model was trained on (with the labels it saw then), so both face the
same test sentences and no sentence is ever scored by a model trained on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
from sklearn.pipeline import Pipeline

from .evaluate import LabelledSet, fit_predict
from .metrics import classification_report, most_confused, summarize_folds

MODELS = ("current", "candidate")


@dataclass(frozen=True)
class Setup:
    """How to train one side of the comparison: a pipeline factory and the labels it
    learns from, by sentence id (the merged labels, or what the current model saw)."""

    make_pipeline: Callable[[], Pipeline]
    labels_by_id: Mapping[str, str]


def _fit_and_predict(setup: Setup, data: LabelledSet, ids: Sequence[str], train: np.ndarray,
                     test: np.ndarray) -> tuple[list[str], int, str]:
    """Predictions for the test part by ``setup`` trained on its share of the training
    part; a share with a single label (or none) predicts that label (or its most common)."""
    rows = [i for i in train if ids[i] in setup.labels_by_id]
    texts = [data.texts[i] for i in rows]
    labels = [setup.labels_by_id[ids[i]] for i in rows]
    test_texts = [data.texts[i] for i in test]
    if len(set(labels)) >= 2:
        predicted, _ = fit_predict(setup.make_pipeline, texts, labels, test_texts, sorted(set(labels)))
        return predicted, len(rows), ""
    fallback = labels[0] if labels else Counter(setup.labels_by_id.values()).most_common(1)[0][0]
    return [fallback] * len(test), len(rows), f"trained on {len(set(labels))} label(s); predicts {fallback!r}"


def _summary(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str], protocol: str,
             per_fold: list[dict]) -> dict:
    report = classification_report(gold, predicted, labels)
    summary = {"protocol": protocol, **report, "dominant_errors": most_confused(report["confusion_matrix"])}
    if per_fold:
        summary["folds"] = per_fold
        summary["fold_macro_f1"] = summarize_folds([f["macro_f1"] for f in per_fold])
    return summary


def compare(data: LabelledSet, ids: Sequence[str], fold_list: Sequence[tuple[str, np.ndarray, np.ndarray]],
            current: Setup, candidate: Setup, labels: Sequence[str], protocol: str,
            progress: Callable[[int, int], None] | None = None) -> dict:
    """Score current and candidate on the same folds; returns both models' metrics (the
    SPEC metrics layout), the differences, per-fold figures, the figures on the sentences
    added or relabelled since the current model, and every out-of-fold prediction.
    ``progress(done, total)`` is called after each fold."""
    setups = {"current": current, "candidate": candidate}
    predicted = {name: np.empty(len(ids), dtype=object) for name in MODELS}
    per_fold: dict[str, list[dict]] = {name: [] for name in MODELS}
    for number, (fold, train, test) in enumerate(fold_list, start=1):
        gold = [data.labels[i] for i in test]
        if progress is not None and number > 1:
            progress(number - 1, len(fold_list))
        for name in MODELS:
            fold_pred, n_train, note = _fit_and_predict(setups[name], data, ids, train, test)
            predicted[name][test] = fold_pred
            report = classification_report(gold, fold_pred, labels)
            per_fold[name].append({"fold": fold, "n_train": n_train, "n_test": int(len(test)),
                                   "macro_f1": report["macro_f1"], "accuracy": report["accuracy"],
                                   **({"note": note} if note else {})})
    metrics = {name: _summary(data.labels, list(predicted[name]), labels, protocol, per_fold[name])
               for name in MODELS}
    new = [i for i, sid in enumerate(ids) if current.labels_by_id.get(sid) != data.labels[i]]
    is_new = set(new)
    on_new = {name: classification_report([data.labels[i] for i in new], [predicted[name][i] for i in new], labels)
              for name in MODELS} if new else {}
    return {
        "protocol": protocol,
        "n": len(ids),
        "n_folds": len(fold_list),
        "current": metrics["current"],
        "candidate": metrics["candidate"],
        "difference": differences(metrics["current"], metrics["candidate"], labels),
        "added_or_relabelled": {"n": len(new), "ids": [ids[i] for i in new],
                                **{name: {"macro_f1": r["macro_f1"], "accuracy": r["accuracy"]}
                                   for name, r in on_new.items()}},
        "predictions": [{"id": sid, "gold": data.labels[i], "current": predicted["current"][i],
                         "candidate": predicted["candidate"][i], "new": i in is_new}
                        for i, sid in enumerate(ids)],
    }


def differences(current: dict, candidate: dict, labels: Sequence[str]) -> dict:
    """Candidate minus current: macro-F1, accuracy and each label's F1."""
    return {"macro_f1": candidate["macro_f1"] - current["macro_f1"],
            "accuracy": candidate["accuracy"] - current["accuracy"],
            **{f"f1_{label}": candidate["per_label"][label]["f1"] - current["per_label"][label]["f1"]
               for label in labels}}


def side_by_side(comparison: dict, labels: Sequence[str]) -> str:
    """The comparison as the terminal shows it: current, candidate and the change."""
    current, candidate, change = comparison["current"], comparison["candidate"], comparison["difference"]
    rows = [("macro-F1", current["macro_f1"], candidate["macro_f1"], change["macro_f1"]),
            ("accuracy", current["accuracy"], candidate["accuracy"], change["accuracy"])]
    rows += [(f"F1 {label}", current["per_label"][label]["f1"], candidate["per_label"][label]["f1"],
              change[f"f1_{label}"]) for label in labels]
    lines = [f"  {'':<14} {'current':>8} {'candidate':>10} {'change':>8}"]
    lines += [f"  {name:<14} {a:>8.3f} {b:>10.3f} {d:>+8.3f}" for name, a, b, d in rows]
    new = comparison["added_or_relabelled"]
    if new["n"]:
        lines.append(f"  on the {new['n']} sentences added or relabelled since the current model: macro-F1 "
                     f"{new['current']['macro_f1']:.3f} -> {new['candidate']['macro_f1']:.3f}, accuracy "
                     f"{new['current']['accuracy']:.3f} -> {new['candidate']['accuracy']:.3f}")
    lines.append("  per fold macro-F1 (current -> candidate, training sentences):")
    for old, cand in zip(current.get("folds", []), candidate.get("folds", [])):
        notes = "; ".join(f"{who}: {f['note']}" for who, f in (("current", old), ("candidate", cand)) if "note" in f)
        lines.append(f"    {old['fold']:<24} n={old['n_test']:<4} {old['macro_f1']:.3f} -> {cand['macro_f1']:.3f}"
                     f"  (trained on {old['n_train']} vs {cand['n_train']})" + (f"  [{notes}]" if notes else ""))
    return "\n".join(lines)
