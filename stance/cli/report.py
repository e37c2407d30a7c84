"""`stance report`: stance tables from an earlier run's predictions (``report.predictions``:
predictions.jsonl or predictions.parquet), or from labelling the configured corpus when none is given."""

from __future__ import annotations

import csv
from contextlib import ExitStack
from pathlib import Path

from ..aggregate import StanceCounts
from ..errors import CorpusError
from ..evidence import EvidenceSample
from ..exports import EVENT_COLUMNS, event_rows
from ..files import spreadsheet_safe
from ..predict import read_predictions
from ..publish import ArticleContext, confusion_for_predictions, publish, quantifier_for
from ..settings import Settings
from .common import article_context, say
from .predict import predict, processes_of, text_output


def report(settings: Settings, out_dir: Path) -> dict:
    source = settings.report.predictions
    if source is None:
        return predict(settings, out_dir)
    if not source.exists():
        raise CorpusError("predictions file does not exist", source)
    confusion = confusion_for_predictions(source, settings.store.dir, settings.store.version)
    quantifier = quantifier_for(settings.report, confusion)
    options = settings.report
    context = article_context(settings)  # affiliations and urls for events.csv and the report
    counts = StanceCounts(settings.labels, folder=out_dir)  # finished articles' tallies spill to disk
    evidence = EvidenceSample(options.outlet_column, options.sentences_per_cell, spill=True) \
        if "html" in options.outputs else None
    try:
        with ExitStack() as stack:  # one pass: every line checked, tallied, sampled and listed
            events = None
            if "events" in options.outputs:
                events = csv.writer(text_output(stack, out_dir / "events.csv", newline=""))
                events.writerow(EVENT_COLUMNS)
            chunk = []
            for record in read_predictions(source, settings.labels):
                chunk.append(record)
                if evidence is not None:
                    evidence.push(record)
                if len(chunk) >= 4096:
                    _add(counts, events, chunk, context)
                    chunk = []
            _add(counts, events, chunk, context)
            if evidence is not None:
                evidence.finish()
        return {"tables": publish(options, quantifier, confusion, counts, source, out_dir,
                                  [("model", confusion.model_version or "unknown")], say, evidence=evidence,
                                  events_written=events is not None, context=context,
                                  processes=processes_of(settings.corpus.n_jobs))}
    finally:
        counts.close()
        if evidence is not None:
            evidence.close()


def _add(counts: StanceCounts, events, records: list, context: ArticleContext) -> None:
    counts.add_all(records)
    if events is not None:
        events.writerows([spreadsheet_safe(cell) for cell in row]
                         for row in event_rows(records, context.affiliations, context.urls))
