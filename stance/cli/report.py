"""`stance report`: stance tables from an earlier run's predictions (``report.predictions``),
or from labelling the configured corpus when none is given."""

from __future__ import annotations

from pathlib import Path

from ..aggregate import StanceCounts
from ..errors import CorpusError
from ..predict import read_predictions
from ..publish import confusion_for_predictions, publish, quantifier_for
from ..settings import Settings
from .common import article_context, say
from .predict import predict


def report(settings: Settings, out_dir: Path) -> dict:
    source = settings.report.predictions
    if source is None:
        return predict(settings, out_dir)
    if not source.is_file():
        raise CorpusError("predictions file does not exist", source)
    confusion = confusion_for_predictions(source, settings.store.dir, settings.store.version)
    quantifier = quantifier_for(settings.report, confusion)
    counts = StanceCounts().add_all(read_predictions(source, settings.labels))  # every line checked first
    return {"tables": publish(settings.report, quantifier, confusion, counts, source, out_dir,
                              [("model", confusion.model_version or "unknown")], say,
                              context=article_context(settings))}
