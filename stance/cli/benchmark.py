"""`stance benchmark`: the public benchmark, SemEval-2016 Task 6A (stance in tweets).

One model per target on the official training data, the pooled test predictions scored with
F_avg beside the published figures. Stores no model version: these tweet models are not
stance-toward-escalation models. The experiment preset (conf/experiment/semeval2016.yaml)
holds the label set, targets, splits and published figures.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..benchmark import describe_setup, load_semeval, results_table, run_benchmark, targets_table
from ..card import library_versions
from ..errors import ConfigError
from ..files import write_json, write_jsonl
from ..settings import Section, Settings, shown_path
from .common import pipeline_factory, say

TEST_PREDICTIONS_FILE = "test_predictions.jsonl"


def _data_digest(root: Path, targets: list[str], splits: list[str]) -> str:
    """One SHA-256 over every file the benchmark read, to record which copy of the data it was."""
    digest = hashlib.sha256()
    for target in targets:
        for split in splits:
            for kind in ("text", "labels"):
                digest.update((root / target / f"{split}_{kind}.txt").read_bytes())
    return digest.hexdigest()


def benchmark(settings: Settings, out_dir: Path) -> dict:
    if settings.benchmark is None:
        raise ConfigError("config: no benchmark configured; run `stance benchmark` (it adds +experiment=semeval2016)")
    bench = settings.benchmark
    section = Section(bench, "benchmark", Path.cwd())
    label_map = {str(code): str(name) for code, name in section.raw["label_map"].items()}
    labels = settings.labels
    averaged = list(settings.eval.f_avg_labels or [])
    unknown = sorted(set(label_map.values()) - set(labels))
    if unknown:
        raise ConfigError(f"config: benchmark.label_map names {', '.join(unknown)}, not in annotations.labels")
    if not averaged:
        raise ConfigError("config: eval.f_avg_labels must name the labels averaged into F_avg")
    root = section.path("path", optional=False)
    targets, train_splits = list(section.strings("targets")), list(section.strings("train_splits"))
    test_split = section.text("test_split")
    data = load_semeval(root, targets, label_map, train_splits, test_split)
    evaluate_test, cross_validation = section.flag("evaluate_test"), section.flag("cross_validate")
    system = describe_setup(settings.features, settings.model)
    n_train, n_test = sum(len(t.train.texts) for t in data), sum(len(t.test.texts) for t in data)
    say(f"{bench['title']}: {len(data)} targets, one model per target trained on {'+'.join(train_splits)} "
        f"({n_train} tweets)" + (f", scored on the official {test_split} set ({n_test} tweets)"
                                 if evaluate_test else "; the test set is not scored (benchmark.evaluate_test=false)"))
    say(f"Classifier: {system}")
    metrics, records = run_benchmark(data, pipeline_factory(settings), labels, averaged, settings.eval.k, settings.seed,
                                     cross_validation, evaluate_test)
    metrics = {"benchmark": bench["name"], "protocol": f"{bench['name']}: per-target models, "
               + ("official test set, targets pooled" if evaluate_test else "cross-validation on training data only"),
               "system": system, **metrics, "published": bench["published"],
               "data": {"path": shown_path(root), "targets": targets, "n_train": n_train, "n_test": n_test,
                        "sha256": _data_digest(root, targets, train_splits + [test_split])},
               "config": {**settings.model_config(), "benchmark": {k: v for k, v in bench.items() if k != "published"}},
               "libraries": library_versions()}
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "metrics.json", metrics)
    if records:
        write_jsonl(out_dir / TEST_PREDICTIONS_FILE, records)
    if cross_validation:
        say(f"Cross-validation on the training data ({metrics['cv']['protocol']}): F_avg {100 * metrics['cv']['f_avg']:.2f}")
    if evaluate_test:
        f1 = "  ".join(f"F1({label}) {100 * metrics['per_label'][label]['f1']:.2f}" for label in averaged)
        say(f"Official test set, all targets pooled: F_avg {100 * metrics['f_avg']:.2f}  ({f1})")
        say(results_table(metrics["f_avg"], system, bench["published"], metrics["majority_baseline"]["f_avg"]))
    say("Per target (x 100):")
    say(targets_table(metrics["targets"]))
    say(f"Metrics are in {out_dir / 'metrics.json'}")
    return metrics
