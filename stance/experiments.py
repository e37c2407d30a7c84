"""Commands for configured experiments: the public benchmark and comparing runs.

The Hydra edge for :mod:`stance.benchmark` and :mod:`stance.compare`: each function
turns the composed config into plain values, calls the stage, prints and writes the result
into its run folder. ``stance train +experiment=semeval2016`` reaches ``train_benchmark``
through :func:`stance.commands.train`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from omegaconf import DictConfig

from .atomic import write_atomic
from .benchmark import describe_setup, load_semeval, results_table, run_benchmark, targets_table
from .commands import _library_versions, _shown_path, pipeline_factory
from .compare import Ranking, find_runs, format_ranking, numeric_keys, rank_runs
from .errors import ConfigError, RunFolderError
from .report import write_json
from .settings import plain, user_path

COMPARISON_FILE = "comparison.csv"
TEST_PREDICTIONS_FILE = "test_predictions.jsonl"


def _say(text: str = "") -> None:
    print(text, flush=True)


def _benchmark_labels(cfg: DictConfig, label_map: dict[str, str]) -> tuple[list[str], list[str]]:
    """The label set (``annotations.labels``) and the labels averaged into F_avg
    (``eval.f_avg_labels``), checked against the benchmark's label mapping."""
    labels = [str(label) for label in cfg.annotations.labels]
    averaged = [str(label) for label in (plain(cfg.eval.get("f_avg_labels")) or [])]
    unknown = sorted(set(label_map.values()) - set(labels))
    if unknown:
        raise ConfigError(f"benchmark.label_map names {', '.join(unknown)}, not in annotations.labels "
                          f"[{', '.join(labels)}]; use +experiment={cfg.benchmark.name}")
    if not averaged or set(averaged) - set(labels):
        raise ConfigError(f"eval.f_avg_labels must name the labels averaged into F_avg, from [{', '.join(labels)}]")
    return labels, averaged


def _data_digest(root: Path, targets: list[str], splits: list[str]) -> str:
    """One SHA-256 over every file the benchmark read, to record which copy of the data it was."""
    digest = hashlib.sha256()
    for target in targets:
        for split in splits:
            for kind in ("text", "labels"):
                digest.update((root / target / f"{split}_{kind}.txt").read_bytes())
    return digest.hexdigest()


def train_benchmark(cfg: DictConfig, out_dir: Path) -> dict:
    """Train one model per target on the benchmark's training data, score the pooled test
    predictions with F_avg and print it beside the published figures. Stores no model
    version: these tweet models are not stance-toward-escalation models."""
    bench = plain(cfg.benchmark)
    label_map = {str(code): str(name) for code, name in bench["label_map"].items()}
    labels, averaged = _benchmark_labels(cfg, label_map)
    root = user_path(bench["path"])
    targets, train_splits = [str(t) for t in bench["targets"]], [str(s) for s in bench["train_splits"]]
    data = load_semeval(root, targets, label_map, train_splits, str(bench["test_split"]))
    evaluate_test, cross_validation = bool(bench.get("evaluate_test", True)), bool(bench.get("cross_validate", True))
    system = describe_setup(plain(cfg.features), plain(cfg.model))
    n_train, n_test = sum(len(t.train.texts) for t in data), sum(len(t.test.texts) for t in data)
    _say(f"{bench['title']}: {len(data)} targets, one model per target trained on {'+'.join(train_splits)} "
         f"({n_train} tweets)" + (f", scored on the official {bench['test_split']} set ({n_test} tweets)"
                                  if evaluate_test else "; the test set is not scored (benchmark.evaluate_test=false)"))
    _say(f"Classifier: {system}")

    metrics, records = run_benchmark(data, pipeline_factory(cfg), labels, averaged, int(cfg.eval.k), int(cfg.seed),
                                     cross_validation, evaluate_test)
    metrics = {"benchmark": bench["name"], "protocol": f"{bench['name']}: per-target models, "
               + ("official test set, targets pooled" if evaluate_test else "cross-validation on training data only"),
               "system": system, **metrics, "published": bench["published"],
               "data": {"path": _shown_path(root), "targets": targets, "n_train": n_train, "n_test": n_test,
                        "sha256": _data_digest(root, targets, train_splits + [str(bench["test_split"])])},
               "config": {"features": plain(cfg.features), "model": plain(cfg.model), "seed": int(cfg.seed),
                          "eval": plain(cfg.eval), "benchmark": {k: v for k, v in bench.items() if k != "published"}},
               "libraries": _library_versions()}
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "metrics.json", metrics)
    if records:
        lines = "".join(json.dumps(record) + "\n" for record in records)
        write_atomic(out_dir / TEST_PREDICTIONS_FILE, lambda tmp: tmp.write_text(lines, encoding="utf-8"))

    if cross_validation:
        _say(f"Cross-validation on the training data ({metrics['cv']['protocol']}): "
             f"F_avg {100 * metrics['cv']['f_avg']:.2f}")
    if evaluate_test:
        f1 = "  ".join(f"F1({label}) {100 * metrics['per_label'][label]['f1']:.2f}" for label in averaged)
        _say(f"Official test set, all targets pooled: F_avg {100 * metrics['f_avg']:.2f}  ({f1})")
        _say(results_table(metrics["f_avg"], system, bench["published"], metrics["majority_baseline"]["f_avg"]))
    _say("Per target (x 100):")
    _say(targets_table(metrics["targets"]))
    _say(f"Metrics are in {out_dir / 'metrics.json'}")
    return metrics


def compare(cfg: DictConfig, out_dir: Path) -> Ranking:
    """Rank every run under ``compare.dir`` by ``compare.metric``; print the table and
    write it as comparison.csv in this run's folder."""
    root = user_path(cfg.compare.get("dir"))
    if root is None:
        raise ConfigError("name the folder to compare: `stance compare multirun/train/DATE/TIME`")
    runs, without_metrics = find_runs(root)
    own = out_dir.resolve()
    without_metrics = [name for name in without_metrics if (root.resolve() / name).resolve() != own]
    if not runs and not without_metrics:
        raise RunFolderError("no run folders here (none holds metrics.json or .hydra/overrides.yaml)", root)
    metric = str(cfg.compare.metric)
    ranking = rank_runs(runs, metric, without_metrics)
    if runs and ranking.table.empty:
        top = [key for key in numeric_keys(runs[0].metrics) if key.count(".") <= 1][:12]
        raise ConfigError(f"no run has a number at compare.metric={metric}; {runs[0].name}/metrics.json has "
                          f"{', '.join(top)} ...")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / COMPARISON_FILE, lambda tmp: ranking.table.to_csv(tmp, index=False))
    _say(format_ranking(ranking))
    _say(f"Written to {out_dir / COMPARISON_FILE}")
    return ranking
