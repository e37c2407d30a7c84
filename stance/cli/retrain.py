"""`stance retrain`: train a candidate on the merged annotations, compare it with the current
model on the same folds, save it as a version, and promote it only as ``store.promote`` says."""

from __future__ import annotations

from pathlib import Path

from .. import store
from ..annotations import load_annotations
from ..card import Comparison, ModelCard, library_versions, metrics_summary
from ..errors import AnnotationError, ConfigError, ModelIntegrityError
from ..evaluate import folds, protocol_name
from ..files import sha256, write_json, write_jsonl
from ..merge import find_snapshot
from ..model import build_pipeline, fit
from ..promotion import decide, policy_for
from ..retrain import Setup, compare, side_by_side
from ..settings import PROJECT_ROOT, Settings, shown_path
from .common import (annotations_path, annotations_snapshot, clear_leftovers, corpus_name, data_summary, load_labelled,
                     pipeline_factory, progress, say)


def training_annotations(models_dir: Path, card: ModelCard, store_path: Path) -> Path:
    """The annotation file a version was trained on: the copy kept with the version, a
    snapshot kept by an import, or the file named on its card while it is unchanged."""
    sha = card.annotations_sha256
    kept = store.training_data(models_dir, card.version) or find_snapshot(store_path.parent, sha)
    if kept is not None:
        return kept
    named = card.annotations.annotations
    for path in ([PROJECT_ROOT / named] if named else []) + [store_path]:
        if path.is_file() and sha256(path) == sha:
            return path
    raise ModelIntegrityError(
        f"cannot find the annotations version {card.version} was trained on (SHA-256 {sha[:12]}...): no copy in its "
        f"folder, no snapshot in {store_path.parent / 'snapshots'}, and {named or store_path} has changed since",
        models_dir / card.version)


def retrain(settings: Settings, out_dir: Path) -> dict:
    protocol = settings.eval.protocol
    if protocol == "holdout":
        raise ConfigError("stance retrain compares on cross-validation folds; use eval=leave_one_article_out, "
                          "leave_one_crisis_out, leave_one_outlet_out or stratified_kfold")
    clear_leftovers(settings)
    store_path = annotations_path(settings)
    with annotations_snapshot(store_path, out_dir) as snapshot:
        return _retrain(settings, out_dir, snapshot, store_path)


def _retrain(settings: Settings, out_dir: Path, snapshot: Path, store_path: Path) -> dict:
    """Retrain from ``snapshot``, the copy of the annotation store ``store_path`` taken at the start."""
    labels, protocol = settings.labels, settings.eval.protocol
    rows, data = load_labelled(settings, snapshot)
    models_dir = settings.store.dir
    current = settings.store.version or store.current_version(models_dir)
    if current is None:
        raise ConfigError(f"no current model in {models_dir} to compare with; train one with `stance train`")
    card = store.read_card(models_dir, current)
    seen_path = training_annotations(models_dir, card, store_path)
    seen = load_annotations(seen_path, labels)
    missing = {row.id for row in seen} - {row.id for row in rows}
    if missing:
        raise AnnotationError(
            f"lacks {len(missing)} of the {len(seen)} sentences the current model {current} was trained on, so a "
            f"candidate trained on it would not build on that model; start the store from a copy of {seen_path} "
            "(or train a first model on this store with `stance train`)", store_path)
    config = card.config
    current_setup = Setup(lambda: build_pipeline(config["features"], config["model"], int(config["seed"])),
                          {row.id: row.label for row in seen})
    candidate_setup = Setup(pipeline_factory(settings), {row.id: row.label for row in rows})
    fold_list = folds(data, protocol, settings.eval.k, settings.seed)
    name = protocol_name(protocol, settings.eval.group_column)
    say(f"Candidate: {len(rows)} annotated sentences from {store_path}. Current model {current}: trained on "
        f"{len(seen)} ({shown_path(seen_path)}). Both scored on the same {len(fold_list)} folds ({name}) "
        f"of the {len(rows)} sentences:")
    bar = progress(f"retrain: both models on {name} folds", len(fold_list))
    try:
        comparison = compare(data, [row.id for row in rows], fold_list, current_setup, candidate_setup, labels, name,
                             lambda done, total: bar.update(1))
        bar.update(1)
    finally:
        bar.close()
    predictions = comparison.pop("predictions")
    say(side_by_side(comparison, labels))

    summary = data_summary(snapshot, rows, store_path)
    comparison.update({"current_version": current, "current_annotations_sha256": sha256(seen_path),
                       "current_config": dict(config), "data": summary.__dict__, "config": settings.model_config()})
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "comparison.json", comparison)
    write_json(out_dir / "metrics.json", {**comparison["candidate"], "data": summary.__dict__,
                                          "config": settings.model_config()})
    by_id = {row.id: row for row in rows}
    write_jsonl(out_dir / "cv_predictions.jsonl",
                ({**p, "doc_id": by_id[p["id"]].doc_id, "text": by_id[p["id"]].text} for p in predictions))

    pipeline = fit(pipeline_factory(settings)(), data.texts, data.labels)
    new_card = ModelCard(
        labels=labels, config=settings.model_config(), annotations=summary,
        metrics=metrics_summary(comparison["candidate"]), libraries=library_versions(),
        command="stance retrain " + " ".join(settings.overrides), corpus=corpus_name(settings),
        comparison=Comparison(current, name, comparison["n_folds"], comparison["current"]["macro_f1"],
                              comparison["candidate"]["macro_f1"], comparison["difference"],
                              comparison["added_or_relabelled"]["n"]))
    version = store.save_version(models_dir, pipeline, new_card, training_data=snapshot)
    write_json(out_dir / "model_card.json", store.read_card(models_dir, version).to_dict())
    say(f"Saved the candidate as version {version} in {models_dir}")
    promoted = _promote_candidate(settings, version, current, comparison)
    return {"version": version, "current": current, "promoted": promoted, "comparison": comparison}


def _promote_candidate(settings: Settings, version: str, compared_with: str, comparison: dict) -> bool:
    models_dir = settings.store.dir
    policy = policy_for(settings.store.promote, settings.store.sweep_promote, settings.sweep)
    with store.lock(models_dir):
        current = store.current_version(models_dir)
        decision = decide(policy, True, comparison["candidate"]["macro_f1"], comparison["current"]["macro_f1"],
                          None if current == compared_with else
                          f"the current model is {current}, not {compared_with} that the candidate was compared with")
        if decision.promote:
            store.promote(models_dir, version, reason=f"retrain: {decision.reason}")
            say(f"Promoted {version} to current ({decision.reason}); `stance promote {current}` undoes this")
            return True
    say(f"Current model stays {current} ({decision.reason}); `stance promote {version}` makes the candidate current")
    return False
