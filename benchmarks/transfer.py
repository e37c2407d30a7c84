"""Does the stance model hold on crises it never saw? Leave-one-crisis-out on the annotation
store, for a ladder of feature and model settings (the ablation), with per-crisis figures,
calibration, and the per-article share error of each quantification method.

    python benchmarks/transfer.py                       # the ablation ladder, then the shipped setup
    python benchmarks/transfer.py --only shipped        # one setup
    python benchmarks/transfer.py --jobs 2 --json out.json
    python benchmarks/transfer.py --only curve          # would more annotation help? (learning curve)

Each step adds one thing to the step before it; a step is kept in the shipped setup only if
it raises pooled leave-one-crisis-out macro-F1. Figures:
- pooled macro-F1 and per-label F1 over all out-of-fold predictions;
- per crisis (held-out fold) macro-F1, and the lowest among crises with at least 30 stance
  sentences;
- calibration of the out-of-fold probabilities: multi-class Brier score and the expected
  calibration error of the top label (10 bins);
- per-article share error: for every whole annotated article (>= 10 sentences), the estimated
  share of each label (CC, PCC, ACC, PACC; error rates from the out-of-fold predictions of the
  *other* crises, as a model card would give them) against the annotated share; the mean
  absolute error per label, in percentage points, averaged over articles.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.annotations import load_annotations  # noqa: E402
from stance.evaluate import LabelledSet, cross_validate, probability_confusion  # noqa: E402
from stance.metrics import classification_report  # noqa: E402
from stance.quantify import COUNT, PROBA, Quantifier, misclassification_rates  # noqa: E402

LABELS = ("advocate", "caution", "neutral")
BASE = ("annotations=crises", "eval=leave_one_crisis_out")
# The ladder: (name, overrides). Each step adds to the one before.
LADDER = [
    ("word n-grams", ("features=word",)),
    ("+ char n-grams", ("features=word_char",)),
    ("+ seed cue lexicon (old default)", ("features=word_char_cues",)),
    ("escalation cue lexicon instead", ("features=word_char_cues", "features/lexicon@features.cues.lexicon=escalation_cues")),
    ("+ name and number masking", ("features=word_char_cues", "features/lexicon@features.cues.lexicon=escalation_cues",
                                   "features.text.mask_names=true", "features.text.mask_numbers=true")),
    ("+ negation marking", ("features=word_char_cues", "features/lexicon@features.cues.lexicon=escalation_cues",
                            "features.text.mask_names=true", "features.text.mask_numbers=true",
                            "features.text.mark_negation=true")),
    ("+ attribution features", ("features=word_char_cues", "features/lexicon@features.cues.lexicon=escalation_cues",
                                "features.text.mask_names=true", "features.text.mask_numbers=true",
                                "features.text.mark_negation=true", "features.attribution.enabled=true")),
]
OPTIONS = [
    ("+ decision offsets (inner CV)", ("model.tune_offsets=true",)),
    ("+ two stages", ("model.two_stage=true",)),
    ("+ sigmoid calibration", ("model.calibration=sigmoid",)),
    ("unweighted classes", ("model.class_weight=null",)),
]


def settings(*overrides: str):
    from hydra import compose, initialize_config_dir

    from stance.cli.entry import settings_of
    from stance.settings import CONFIG_DIR

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        return settings_of(compose("config", overrides=[*BASE, *overrides]), Path.cwd())


def labelled(config):
    rows = load_annotations(config.annotations.path, LABELS)
    data = LabelledSet([r.text for r in rows], [r.label for r in rows], [r.doc_id for r in rows],
                       [r.field("crisis") or "unknown" for r in rows])
    return rows, data


def calibration(gold: list[str], proba: np.ndarray) -> dict:
    onehot = np.array([[g == label for label in LABELS] for g in gold], dtype=float)
    brier = float(((proba - onehot) ** 2).sum(axis=1).mean())
    top, confidence = proba.argmax(axis=1), proba.max(axis=1)
    correct = onehot[np.arange(len(gold)), top]
    bins = np.minimum((confidence * 10).astype(int), 9)
    ece = sum(abs(correct[bins == b].mean() - confidence[bins == b].mean()) * (bins == b).mean()
              for b in range(10) if (bins == b).any())
    return {"brier": round(brier, 4), "ece": round(float(ece), 4)}


def share_errors(rows, data, predicted: list[str], proba: np.ndarray, min_sentences: int = 10) -> dict:
    """Per whole article: mean absolute error per label (points) of each method's shares."""
    index = {label: i for i, label in enumerate(LABELS)}
    whole = defaultdict(list)
    for i, row in enumerate(rows):
        if row.annotator.startswith(("pool-A", "annotator-A")):
            whole[row.doc_id].append(i)
    errors = defaultdict(list)
    for doc, members in whole.items():
        if len(members) < min_sentences:
            continue
        crisis = data.groups[members[0]]
        others = [i for i, g in enumerate(data.groups) if g != crisis]
        counts = np.zeros((len(LABELS), len(LABELS)))
        for i in others:
            counts[index[data.labels[i]], index[predicted[i]]] += 1
        rates = misclassification_rates(counts)
        probability = np.asarray(probability_confusion([data.labels[i] for i in others], proba[others],
                                                       LABELS)["rows_gold_columns_predicted"])
        probability_rates = misclassification_rates(probability)
        tallies = np.zeros((4, len(LABELS)))
        for i in members:
            tallies[COUNT, index[predicted[i]]] += 1
            tallies[PROBA] += proba[i]
        truth = np.bincount([index[data.labels[i]] for i in members], minlength=len(LABELS)) / len(members)
        for method, method_rates in (("cc", None), ("pcc", None), ("acc", rates), ("pacc", probability_rates)):
            quantifier = Quantifier(method, None if method_rates is None else tuple(map(tuple, method_rates.tolist())))
            estimate = quantifier.shares(tallies)
            errors[method].append(float(np.abs(estimate - truth).mean() * 100))
    return {method: round(float(np.mean(values)), 2) for method, values in errors.items()} | \
        {"articles": len(next(iter(errors.values()), []))}


def evaluate(name: str, overrides: tuple[str, ...], jobs: int) -> dict:
    from stance.cli.common import pipeline_factory

    config = settings(*overrides)
    rows, data = labelled(config)
    start = time.time()
    result = cross_validate(data, pipeline_factory(config), LABELS, "leave_one_group_out", seed=config.seed,
                            name="leave_one_crisis_out", n_jobs=jobs)
    predicted, proba = result["predictions"], result["probabilities"]
    stance_per_crisis = defaultdict(int)
    for label, group in zip(data.labels, data.groups):
        stance_per_crisis[group] += label != "neutral"
    per_crisis = {fold["fold"]: {"macro_f1": round(fold["macro_f1"], 3), "n": fold["n_test"],
                                 "stance": stance_per_crisis[fold["fold"]],
                                 "f1": {k: round(v, 3) for k, v in fold["f1"].items()}} for fold in result["folds"]}
    sizable = [c for c, v in per_crisis.items() if v["stance"] >= 30]
    figures = {
        "name": name, "overrides": list(overrides), "n": len(rows), "seconds": round(time.time() - start),
        "macro_f1": round(result["macro_f1"], 3),
        "f1": {label: round(result["per_label"][label]["f1"], 3) for label in LABELS},
        "min_crisis_macro_f1": min((per_crisis[c]["macro_f1"], c) for c in sizable) if sizable else None,
        "per_crisis": per_crisis, "calibration": calibration(data.labels, proba),
        "share_error": share_errors(rows, data, predicted, proba),
        "dominant_errors": result["dominant_errors"],
    }
    report = classification_report(data.labels, predicted, LABELS)
    figures["confusion"] = report["confusion_matrix"]
    return figures


CURVE = (0.25, 0.5, 0.75, 1.0)


def learning_curve(fractions: tuple[float, ...] = CURVE, jobs: int = 2) -> list[dict]:
    """Leave-one-crisis-out of the shipped setup trained on a share of the other crises'
    *articles* (drawn once per share with the configured seed, nested: the half holds the
    quarter), always scored on every sentence of the held-out crisis. Whether the figures are
    still rising at the full share says whether more annotation is worth its cost."""
    from joblib import Parallel, delayed

    from stance.cli.common import pipeline_factory
    from stance.evaluate import fit_predict, folds

    config = settings()
    _, data = labelled(config)
    articles = sorted(set(data.doc_ids))
    order = {doc: rank for rank, doc in enumerate(np.random.default_rng(config.seed).permutation(articles))}
    fold_list = folds(data, "leave_one_group_out")
    out = []
    for share in fractions:
        start = time.time()
        keep = {doc for doc, rank in order.items() if rank < share * len(articles)}
        tasks = [(train[[data.doc_ids[i] in keep for i in train]], test) for _, train, test in fold_list]
        results = Parallel(n_jobs=jobs)(
            delayed(fit_predict)(pipeline_factory(config), [data.texts[i] for i in train],
                                 [data.labels[i] for i in train], [data.texts[i] for i in test], LABELS)
            for train, test in tasks)
        predicted = np.empty(len(data.texts), dtype=object)
        for (_, test), (labels, _) in zip(tasks, results):
            predicted[test] = labels
        report = classification_report(data.labels, list(predicted), LABELS)
        stance = sum(data.labels[i] != "neutral" for i in range(len(data.texts)) if data.doc_ids[i] in keep)
        row = {"share": share, "articles": len(keep), "stance_sentences": stance,
               "macro_f1": round(report["macro_f1"], 3),
               "f1": {label: round(report["per_label"][label]["f1"], 3) for label in LABELS},
               "seconds": round(time.time() - start)}
        print(f"  {share:>4.0%} of articles ({row['articles']:>4}, {stance:>4} stance sentences): macro-F1 "
              f"{row['macro_f1']:.3f}  adv {row['f1']['advocate']:.3f}  cau {row['f1']['caution']:.3f}  "
              f"[{row['seconds']}s]", flush=True)
        out.append(row)
    return out


def show(figures: dict) -> None:
    f1 = figures["f1"]
    low = figures["min_crisis_macro_f1"]
    print(f"{figures['name']:<38} macro-F1 {figures['macro_f1']:.3f}  adv {f1['advocate']:.3f}  cau {f1['caution']:.3f}  "
          f"neu {f1['neutral']:.3f}  lowest crisis {low[0]:.3f} ({low[1]})  Brier {figures['calibration']['brier']:.3f}  "
          f"ECE {figures['calibration']['ece']:.3f}  share error (pts) "
          + " ".join(f"{m} {figures['share_error'][m]:.1f}" for m in ("cc", "pcc", "acc", "pacc"))
          + f"  [{figures['seconds']}s]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="folds fitted at once")
    parser.add_argument("--only", choices=["ladder", "options", "shipped", "curve"], help="run one part")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    results = []
    steps = []
    if args.only == "curve":
        print("Learning curve (leave-one-crisis-out, shipped setup, share of training articles):")
        curve = learning_curve(jobs=args.jobs)
        if args.json:
            args.json.write_text(json.dumps(curve, indent=1), encoding="utf-8")
        return
    if args.only in (None, "ladder"):
        steps += LADDER
    if args.only in (None, "options"):
        # each option on top of the shipped setup (the configured defaults)
        steps += [(name, extra) for name, extra in OPTIONS]
    if args.only == "shipped":
        steps = [("shipped setup", ())]
    for name, overrides in steps:
        figures = evaluate(name, overrides, args.jobs)
        show(figures)
        results.append(figures)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if results:
        last = results[-1]
        print("\nPer crisis (held out), the last setup:")
        for crisis, row in sorted(last["per_crisis"].items(), key=lambda kv: kv[1]["macro_f1"]):
            print(f"  {crisis:<32} n={row['n']:<5} stance={row['stance']:<4} macro-F1 {row['macro_f1']:.3f}  "
                  f"adv {row['f1']['advocate']:.2f} cau {row['f1']['caution']:.2f}")


if __name__ == "__main__":
    main()
