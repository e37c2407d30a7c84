"""`stance evaluate`: score a stored model (current or ``store.version``) on an annotation file."""

from __future__ import annotations

from pathlib import Path

from .. import store
from ..evaluate import score
from ..files import sha256, write_json
from ..settings import Settings, shown_path
from .common import annotations_path, load_labelled, print_metrics, say


def evaluate(settings: Settings, out_dir: Path) -> dict:
    path = settings.eval.holdout_path or annotations_path(settings)
    _, data = load_labelled(settings, path)
    pipeline, card = store.load_version(settings.store.dir, settings.store.version)
    metrics = score(pipeline, data, settings.labels, settings.eval.f_avg_labels)
    metrics.pop("predictions")
    metrics.pop("probabilities")
    metrics["data"] = {"annotations": shown_path(path), "annotations_sha256": sha256(path), "n_sentences": len(data.texts)}
    metrics["model_version"] = card.version
    if card.annotations_sha256 == metrics["data"]["annotations_sha256"]:
        say("Note: this model was trained on this very file; these figures are training-set figures.")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "metrics.json", metrics)
    print_metrics(metrics, settings.labels)
    return metrics
