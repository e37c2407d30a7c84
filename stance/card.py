"""The model card: what a stored model is, what it was trained on and how well it did.

One record owns the schema; the store writes and reads it, everyone else reads attributes.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Mapping

from .errors import ModelIntegrityError

TASK = "stance toward military escalation, per sentence"
# the figures kept on the card from a training run's metrics.json
SUMMARY_KEYS = ("protocol", "n", "accuracy", "macro_f1", "f_avg", "per_label", "folds", "fold_macro_f1", "dominant_errors",
                "confusion_matrix", "probability_confusion", "holders", "calibration", "drift")


@dataclass(frozen=True)
class DataSummary:
    """The annotation file a model was trained or scored on."""

    annotations: str
    annotations_sha256: str
    n_sentences: int
    n_articles: int = 0
    label_counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """How a retrained candidate did against the model it was compared with, on the same folds."""

    against: str
    protocol: str
    n_folds: int
    current_macro_f1: float
    candidate_macro_f1: float
    difference: Mapping[str, float]
    added_or_relabelled: int


@dataclass(frozen=True)
class ModelCard:
    """A stored model's card (SPEC section 4): its setup, data, figures and file hash."""

    labels: tuple[str, ...]
    config: Mapping[str, Any]
    annotations: DataSummary
    metrics: Mapping[str, Any]
    libraries: Mapping[str, str]
    command: str
    task: str = TASK
    version: str = ""
    created: str = ""
    model_file: str = ""
    model_sha256: str = ""
    training_data_file: str | None = None
    comparison: Comparison | None = None
    corpus: str | None = None

    @property
    def macro_f1(self) -> float | None:
        value = self.metrics.get("macro_f1")
        return float(value) if isinstance(value, (int, float)) else None

    @property
    def protocol(self) -> str:
        return str(self.metrics.get("protocol", ""))

    @property
    def confusion_matrix(self) -> Mapping | None:
        return self.metrics.get("confusion_matrix")

    @property
    def annotations_sha256(self) -> str:
        return self.annotations.annotations_sha256

    def same_setup(self, config: Mapping[str, Any]) -> bool:
        """Was this model trained with these features and model settings?"""
        return self.config.get("features") == config.get("features") and self.config.get("model") == config.get("model")

    def stored(self, version: str, created: str, model_file: str, model_sha256: str,
               training_data_file: str | None) -> "ModelCard":
        """The card as the store writes it, with the version and file facts filled in."""
        return replace(self, version=version, created=created, model_file=model_file, model_sha256=model_sha256,
                       training_data_file=training_data_file)

    def identity(self) -> dict:
        """Everything but the version name, the time and the command line that asked for it:
        two saves of the same model (``stance train`` and ``stance train model.C=1.0``) agree on it."""
        record = self.to_dict()
        for key in ("version", "created", "command"):
            record.pop(key, None)
        return record

    def to_dict(self) -> dict:
        record = asdict(self)
        record["labels"] = list(self.labels)
        if self.comparison is None:
            record.pop("comparison")
        if self.corpus is None:
            record.pop("corpus")
        return record

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, record: Any, source: str = "") -> "ModelCard":
        """A card from its JSON form; anything malformed is a :class:`ModelIntegrityError`."""
        if not isinstance(record, Mapping):
            raise ModelIntegrityError("model card is not a JSON object", source)
        try:
            data = record["annotations"]
            comparison = record.get("comparison")
            card = cls(
                labels=tuple(str(label) for label in record["labels"]),
                config=dict(record["config"]),
                annotations=DataSummary(str(data["annotations"]), str(data["annotations_sha256"]),
                                        int(data["n_sentences"]), int(data.get("n_articles", 0)),
                                        dict(data.get("label_counts") or {})),
                metrics=dict(record["metrics"]),
                libraries=dict(record.get("libraries") or {}),
                command=str(record.get("command", "")),
                task=str(record.get("task", TASK)),
                version=str(record.get("version", "")),
                created=str(record.get("created", "")),
                model_file=str(record.get("model_file", "")),
                model_sha256=str(record.get("model_sha256", "")),
                training_data_file=record.get("training_data_file"),
                comparison=Comparison(**comparison) if comparison else None,
                corpus=record.get("corpus"),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ModelIntegrityError(f"model card is missing or has a malformed field ({err})", source) from None
        if card.training_data_file is not None and not isinstance(card.training_data_file, str):
            raise ModelIntegrityError("model card's training_data_file is not a file name", source)
        return card


def metrics_summary(metrics: Mapping[str, Any]) -> dict:
    """The figures of a training run's metrics that a card keeps."""
    return {key: metrics[key] for key in SUMMARY_KEYS if key in metrics}


def library_versions() -> dict[str, str]:
    """The versions a model was trained with, for its card."""
    import nltk
    import numpy
    import skops
    import sklearn

    from . import __version__

    return {"python": platform.python_version(), "stance": __version__, "scikit-learn": sklearn.__version__,
            "nltk": nltk.__version__, "skops": skops.__version__, "numpy": numpy.__version__}
