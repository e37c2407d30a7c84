"""The public benchmark: SemEval-2016 Task 6 subtask A (stance of tweets toward five targets).

Reads the data as the TweetEval redistribution lays it out (one folder per target with
``{split}_text.txt`` and ``{split}_labels.txt``, lines aligned, and ``mapping.txt``),
trains one model per target on the official training data, predicts each target's
official test tweets and scores all targets' predictions pooled with the task's measure,
F_avg = mean of F1(FAVOR) and F1(AGAINST). Label names, label codes, targets and splits
all come from the caller (the experiment's config), not from this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from sklearn.pipeline import Pipeline

from .files import read_utf8
from .errors import DatasetError
from .evaluate import LabelledSet, cross_validate
from .metrics import classification_report, f_avg
from .model import fit, predict_proba


@dataclass(frozen=True)
class Tweets:
    """One split of one target: texts, gold labels and each tweet's line in its file."""

    texts: list[str]
    labels: list[str]
    lines: list[tuple[str, int]]  # (split, line number) for each tweet


@dataclass(frozen=True)
class TargetData:
    """A target's official training data (train + val) and its official test data."""

    target: str
    train: Tweets
    test: Tweets


def _lines(path: Path) -> list[str]:
    """A file's lines without line ends; a missing or empty file is a DatasetError."""
    if not path.is_file():
        raise DatasetError("file is missing", path)
    text = read_utf8(path, DatasetError)
    if not text.strip():
        raise DatasetError("empty file", path)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def check_label_mapping(root: Path, label_map: Mapping[str, str]) -> None:
    """If the data set ships ``mapping.txt`` (``code<TAB>name`` per line), make sure the
    configured mapping agrees with it (names compared case-insensitively)."""
    path = root / "mapping.txt"
    if not path.is_file():
        return
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        code, _, name = line.strip().partition("\t")
        configured = label_map.get(code)
        if configured is None or configured.lower() != name.strip().lower():
            raise DatasetError(f"the data set maps {code!r} to {name.strip()!r} but benchmark.label_map maps it to "
                               f"{configured!r}", path, number)


def read_split(folder: Path, split: str, label_map: Mapping[str, str]) -> Tweets:
    """One split of one target, with every label code checked against ``label_map``."""
    text_path, label_path = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
    texts, codes = _lines(text_path), _lines(label_path)
    if len(texts) != len(codes):
        raise DatasetError(f"{len(texts)} tweets but {len(codes)} labels in {label_path.name}; the lines must align",
                           text_path)
    labels = []
    for number, code in enumerate(codes, start=1):
        label = label_map.get(code.strip())
        if label is None:
            raise DatasetError(f"unknown label code {code!r}; benchmark.label_map knows {', '.join(label_map)}",
                               label_path, number)
        labels.append(label)
    return Tweets(texts=texts, labels=labels, lines=[(split, n) for n in range(1, len(texts) + 1)])


def _joined(parts: Sequence[Tweets]) -> Tweets:
    return Tweets(texts=[t for p in parts for t in p.texts], labels=[y for p in parts for y in p.labels],
                  lines=[n for p in parts for n in p.lines])


def load_semeval(root: str | Path, targets: Sequence[str], label_map: Mapping[str, str],
                 train_splits: Sequence[str] = ("train", "val"), test_split: str = "test") -> list[TargetData]:
    """Every target's training splits (joined) and test split, validated before use."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError("SemEval-2016 stance data folder not found; set benchmark.path=DIR to the folder holding "
                           f"{', '.join(targets)} and mapping.txt", root)
    check_label_mapping(root, label_map)
    data = []
    for target in targets:
        folder = root / target
        if not folder.is_dir():
            raise DatasetError(f"no folder for target {target!r} (benchmark.targets)", folder)
        train = _joined([read_split(folder, split, label_map) for split in train_splits])
        data.append(TargetData(target=target, train=train, test=read_split(folder, test_split, label_map)))
    return data


def majority_labels(train_labels: Sequence[str], labels: Sequence[str], n: int) -> list[str]:
    """The majority-class baseline's predictions: the most frequent training label
    (ties go to the label listed first), ``n`` times."""
    counts = Counter(train_labels)
    return [max(labels, key=lambda label: (counts[label], -list(labels).index(label)))] * n


def _scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str], averaged: Sequence[str]) -> dict:
    return {**classification_report(gold, predicted, labels), "f_avg": f_avg(gold, predicted, averaged)}


def run_benchmark(data: Sequence[TargetData], make_pipeline: Callable[[], Pipeline], labels: Sequence[str],
                  averaged: Sequence[str], k: int = 5, seed: int = 0, cross_validation: bool = True,
                  evaluate_test: bool = True) -> tuple[dict, list[dict]]:
    """Per target: ``k``-fold cross-validation on the training data (for choosing settings
    without looking at the test set), then a model fitted on all of it predicts the test
    tweets. Returns the metrics (pooled over targets and per target) and the test
    predictions (target, split, line, gold, predicted, proba; no tweet text)."""
    metrics: dict = {"targets": {}}
    cv_gold, cv_predicted, test_gold, test_predicted, majority, records = [], [], [], [], [], []
    for target in data:
        row: dict = {"n_train": len(target.train.texts), "n_test": len(target.test.texts),
                     "train_label_counts": dict(Counter(target.train.labels))}
        if cross_validation:
            train = LabelledSet(texts=target.train.texts, labels=target.train.labels,
                                doc_ids=[f"{target.target}:{s}:{n}" for s, n in target.train.lines],
                                groups=[target.target] * len(target.train.texts))
            folds = cross_validate(train, make_pipeline, labels, "stratified_kfold", k, seed, averaged)
            row["cv_f_avg"], row["cv_macro_f1"] = folds["f_avg"], folds["macro_f1"]
            cv_gold += target.train.labels
            cv_predicted += folds["predictions"]
        if evaluate_test:
            pipeline = fit(make_pipeline(), target.train.texts, target.train.labels)
            predicted, proba = predict_proba(pipeline, target.test.texts)
            scores = _scores(target.test.labels, predicted, labels, averaged)
            row.update({"f_avg": scores["f_avg"], "macro_f1": scores["macro_f1"], "accuracy": scores["accuracy"],
                        "per_label": scores["per_label"]})
            baseline = majority_labels(target.train.labels, labels, len(target.test.texts))
            row["majority_f_avg"] = f_avg(target.test.labels, baseline, averaged)
            test_gold += target.test.labels
            test_predicted += predicted
            majority += baseline
            classes = list(pipeline.classes_)
            records += [{"target": target.target, "split": split, "line": line, "gold": gold, "predicted": label,
                         "proba": {c: round(float(p), 6) for c, p in zip(classes, probs)}}
                        for (split, line), gold, label, probs in zip(target.test.lines, target.test.labels,
                                                                     predicted, proba)]
        metrics["targets"][target.target] = row
    if cross_validation:
        pooled = _scores(cv_gold, cv_predicted, labels, averaged)
        metrics["cv"] = {"protocol": f"stratified {k}-fold within each target's training data", "k": k,
                         "n": pooled["n"], "f_avg": pooled["f_avg"], "macro_f1": pooled["macro_f1"],
                         "per_label": pooled["per_label"]}
    if evaluate_test:
        metrics.update(_scores(test_gold, test_predicted, labels, averaged))
        metrics["majority_baseline"] = {"f_avg": f_avg(test_gold, majority, averaged),
                                        "rule": "each target's most frequent training label"}
    return metrics, records


def describe_setup(features: Mapping, model: Mapping) -> str:
    """A short name for a configured classifier, e.g. ``logistic regression, word 1-3 +
    char_wb 2-5 n-grams, C=1``, for result tables."""
    parts = []
    for name in ("word", "char"):
        spec = features.get(name) or {}
        if spec.get("enabled", name == "word"):
            low, high = spec.get("ngram_range", (1, 2))
            parts.append(f"{spec.get('analyzer', 'char_wb') if name == 'char' else name} {low}-{high}")
    text = " + ".join(parts) + " n-grams" if parts else "no n-grams"
    if (features.get("cues") or {}).get("enabled"):
        text += " + cue lexicon"
    weights = ", balanced" if model.get("class_weight") == "balanced" else ""
    return f"logistic regression, {text}, C={model.get('C', 1.0):g}{weights}"


def results_table(ours: float, ours_name: str, published: Sequence[Mapping], majority: float | None = None) -> str:
    """Our pooled F_avg among the published figures (all x 100), best first."""
    rows = [(float(p["f_avg"]), str(p["system"]), str(p.get("source", ""))) for p in published]
    rows.append((100 * ours, f"this run: {ours_name}", "<-"))
    width = max(len(name) for _, name, _ in rows)
    lines = [f"  {'system':<{width}}  {'F_avg':>6}"]
    lines += [f"  {name:<{width}}  {score:>6.2f}  {source}".rstrip() for score, name, source in
              sorted(rows, key=lambda r: -r[0])]
    if majority is not None:
        lines.append(f"  (the majority-class rule computed here on the same test set: {100 * majority:.2f})")
    return "\n".join(lines)


def targets_table(per_target: Mapping[str, Mapping]) -> str:
    """Per-target figures (x 100): tweets, test F_avg and macro-F1, cross-validated F_avg."""
    def pct(value):
        return f"{100 * value:>8.2f}" if value is not None else f"{'-':>8}"

    lines = [f"  {'target':<10} {'n_train':>7} {'n_test':>6} {'F_avg':>8} {'macro-F1':>8} {'CV F_avg':>8}"]
    for target, row in per_target.items():
        lines.append(f"  {target:<10} {row['n_train']:>7} {row['n_test']:>6} {pct(row.get('f_avg'))} "
                     f"{pct(row.get('macro_f1'))} {pct(row.get('cv_f_avg'))}")
    return "\n".join(lines)
