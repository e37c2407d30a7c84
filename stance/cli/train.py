"""`stance train`: evaluate by the configured protocol, fit on all annotations, store a version."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .. import store
from ..annotations import Annotation
from ..card import ModelCard, library_versions, metrics_summary
from ..drift import thresholds
from ..corpus import iter_corpus
from ..errors import AnnotationError, ConfigError
from ..evaluate import PROTOCOLS, LabelledSet, cross_validate, holdout, probability_confusion, protocol_name
from ..files import write_json
from ..holder_eval import evaluate_holders
from ..model import fit
from ..promotion import decide, policy_for
from ..settings import Settings
from .common import (analyzer, annotations_path, annotations_snapshot, clear_leftovers, corpus_name, data_summary,
                     load_labelled, pipeline_factory, print_metrics, progress, say, write_cv_predictions)


def holder_metrics(settings: Settings, rows: list[Annotation]) -> dict | None:
    """How well holder attribution matches the annotated holders, on the annotated
    sentences found in the configured corpus (None when the corpus lacks them); the
    errors come sorted by cause (stance.holder_eval)."""
    path = settings.corpus.path
    if path is None or not path.exists() or settings.actors.path is None:
        return None
    gold = {row.id: row.actors for row in rows}
    docs = {row.doc_id for row in rows}
    report = evaluate_holders((a for a in iter_corpus(path) if a.doc_id in docs), analyzer(settings), gold)
    if report is None:
        return None
    scores = report.to_dict()
    say(f"Holders vs annotation ({scores['n']} sentences): precision {scores['precision']:.3f}, "
        f"recall {scores['recall']:.3f}, F1 {scores['f1']:.3f}, exact set {scores['exact_match']:.1%}; errors by cause: "
        + ", ".join(f"{cause} {c['missed']}+{c['extra']}" for cause, c in scores["errors_by_cause"].items()
                    if c["missed"] or c["extra"]) + " (missed+extra)")
    return scores


def evaluate_protocol(settings: Settings, data: LabelledSet) -> dict:
    """Run the configured evaluation protocol on labelled data."""
    labels = settings.labels
    make = pipeline_factory(settings)
    if settings.eval.protocol == "holdout":
        if settings.eval.holdout_path is None:
            raise ConfigError("config: eval.protocol=holdout needs eval.holdout_path=FILE")
        _, test = load_labelled(settings, settings.eval.holdout_path)
        return holdout(data, test, make, labels, settings.eval.f_avg_labels)
    name = protocol_name(settings.eval.protocol, settings.eval.group_column)
    bar = progress(f"cross-validation ({name})", 0, enabled=True)

    def advance(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(1)
    try:
        return cross_validate(data, make, labels, settings.eval.protocol, settings.eval.k, settings.seed,
                              settings.eval.f_avg_labels, name, advance, settings.eval.n_jobs)
    finally:
        if bar is not None:
            bar.close()


def train(settings: Settings, out_dir: Path) -> dict:
    """Evaluate by the configured protocol, fit on all annotations, store a new version."""
    if settings.benchmark is not None:
        raise ConfigError("config: this experiment is the public benchmark; run it with `stance benchmark` "
                          "(it trains per-target tweet models and stores no model version)")
    clear_leftovers(settings)
    named = annotations_path(settings)
    with annotations_snapshot(named, out_dir) as path:
        return _train(settings, out_dir, path, named)


def _train(settings: Settings, out_dir: Path, path: Path, named: Path) -> dict:
    """Train from ``path``, the snapshot of the annotation file ``named``."""
    rows, data = load_labelled(settings, path)
    if len(set(data.labels)) < 2:
        raise AnnotationError(f"training needs at least two different labels; every row is {data.labels[0]!r}", path)
    if PROTOCOLS[settings.eval.protocol].uses_groups and len(set(data.groups)) < 2:
        raise ConfigError(f"config: eval.group_column={settings.eval.group_column} gives one group only "
                          f"({data.groups[0]!r}); grouped cross-validation needs two or more")
    say(f"Training on {len(rows)} annotated sentences from {named} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(data.labels).items()))})")
    metrics = evaluate_protocol(settings, data)
    predicted = metrics.pop("predictions")
    proba = metrics.pop("probabilities")
    if settings.eval.protocol != "holdout":  # PACC's rates: out-of-fold probabilities per gold label
        metrics["probability_confusion"] = probability_confusion(data.labels, proba, settings.labels)
    folds_with_drift = [fold["drift"] for fold in metrics.get("folds", []) if "drift" in fold]
    if folds_with_drift:  # warning thresholds for `stance predict`, from the held-out folds
        neutral_rate = data.labels.count("neutral") / len(data.labels) if "neutral" in settings.labels else 0.0
        metrics["drift"] = {"thresholds": thresholds(folds_with_drift, neutral_rate)}
    summary = data_summary(path, rows, named)
    metrics["data"] = summary.__dict__
    metrics["config"] = settings.model_config()
    holders = holder_metrics(settings, rows)
    if holders:
        metrics["holders"] = holders
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "metrics.json", metrics)
    if settings.eval.protocol != "holdout":
        write_cv_predictions(out_dir, rows, predicted,
                             [{"proba": {label: round(float(p), 6) for label, p in zip(settings.labels, row)}}
                              for row in proba])
    print_metrics(metrics, settings.labels)

    pipeline = fit(pipeline_factory(settings)(), data.texts, data.labels)
    card = ModelCard(labels=settings.labels, config=settings.model_config(), annotations=summary,
                     metrics=metrics_summary(metrics),
                     libraries=library_versions(), command="stance train " + " ".join(settings.overrides),
                     corpus=corpus_name(settings))
    models_dir = settings.store.dir
    version = store.save_version(models_dir, pipeline, card, training_data=path)
    write_json(out_dir / "model_card.json", store.read_card(models_dir, version).to_dict())
    say(f"Saved model version {version} in {models_dir}")
    promote_trained(settings, version, metrics)
    return {"version": version, "metrics": metrics}


def promote_trained(settings: Settings, version: str, metrics: dict) -> bool:
    """Promote a freshly trained version as ``store.promote`` (or, in a sweep's job,
    ``store.sweep_promote``) says; if_better ranks only figures on the same data and protocol."""
    models_dir = settings.store.dir
    policy = policy_for(settings.store.promote, settings.store.sweep_promote, settings.sweep)
    if settings.sweep and policy == "never":
        say(f"Not promoted (a sweep job, store.sweep_promote=never): rank the sweep with `stance compare DIR`, "
            f"then `stance promote {version}` if it wins")
        return False
    with store.lock(models_dir):
        current = store.current_version(models_dir)
        old = store.read_card(models_dir, current) if current else None
        comparable = None
        if old is not None and (old.annotations_sha256 != metrics["data"]["annotations_sha256"]
                                or old.protocol != metrics["protocol"]):
            comparable = ("it was scored on other annotations or by another protocol, so its macro-F1 is not "
                          "comparable; `stance retrain` compares both on the same folds")
        decision = decide(policy, current is not None, metrics["macro_f1"], old.macro_f1 if old else None, comparable)
        if decision.promote and current != version:
            store.promote(models_dir, version, reason=f"train: {decision.reason}")
            say(f"Promoted {version} to current ({decision.reason})" + (f"; was {current}" if current else ""))
            return True
    if current == version:
        say(f"{version} is already the current model (the same model and card were stored before)")
    else:
        say(f"Current model stays {current} ({decision.reason}); `stance promote {version}` makes the new one current")
    return False
