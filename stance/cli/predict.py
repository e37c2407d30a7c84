"""`stance predict`: label every sentence of a corpus, write predictions and stance tables.

The corpus streams through :func:`~stance.predict.label_batches` (worker processes on this
machine, ``corpus.n_jobs``) or through a Dask cluster (``launcher=dask``); either way the
labelled batches come back in corpus order and this process appends them to the outputs
(predictions.jsonl, the parts of predictions.parquet, events.csv), merges their per-article
tallies and keeps the sentences the HTML report will show. Memory grows with the number of
articles, outlets and actors (tallies), never with the text.
"""

from __future__ import annotations

import csv
import gc
import sys
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .. import store
from ..aggregate import StanceCounts
from ..annotations import load_annotations
from ..card import ModelCard
from ..corpus import Article, iter_corpus, validate_corpus
from ..drift import DriftMeter, warnings as drift_warnings
from ..errors import ConfigError
from ..evidence import EvidenceSample
from ..exports import EVENT_COLUMNS, prediction_header
from ..files import atomic_file, sha256, write_json
from ..networks import StatementCounts
from ..predict import (LabelledBatch, Labeller, Outputs, Prediction, label_batch, label_batches,
                       release_freed_memory)
from ..publish import confusion_of_card, publish, quantifier_for
from ..settings import Settings
from .common import analyzer, article_context, say


def training_labels(settings: Settings, card: ModelCard) -> dict[str, str]:
    """The annotated label of each sentence the model was trained on (from the copy kept
    with its version, else the configured file when it is the one on its card): those
    sentences are reported with their annotation, not an in-sample prediction."""
    kept = store.training_data(settings.store.dir, card.version)
    path = kept or settings.annotations.path
    if path is None or not path.is_file() or sha256(path) != card.annotations_sha256:
        return {}
    return {row.id: row.label for row in load_annotations(path, settings.labels)}


@dataclass
class Labelled:
    """What labelling a corpus leaves for the report: tallies, candidate speakers, the
    evidence sample and which outputs are already written."""

    counts: StanceCounts
    candidates: Counter
    evidence: EvidenceSample | None
    n_articles: int
    predictions: Path
    events_written: bool
    drift: DriftMeter
    statements: StatementCounts | None = None
    table_written: bool = False


def outputs_of(settings: Settings) -> Outputs:
    """What each labelled batch is turned into, from ``corpus.predictions`` and ``report.outputs``."""
    report = settings.report
    evidence = (report.outlet_column, report.sentences_per_cell) if "html" in report.outputs else None
    return Outputs(jsonl="jsonl" in settings.corpus.predictions, parquet="parquet" in settings.corpus.predictions,
                   events="events" in report.outputs, evidence=evidence, drift=True,
                   table=tuple(report.labels) if "predictions_csv" in report.outputs else None,
                   statements="networks" in report.outputs)


def label_corpus(settings: Settings, pipeline, card: ModelCard, out_dir: Path,
                 affiliations: Mapping[str, str] | None = None) -> Labelled:
    """Label the corpus into predictions.jsonl / predictions.parquet (and events.csv), each
    written beside its target and moved into place only when the whole corpus is labelled."""
    path = settings.corpus.path
    if path is None:
        raise ConfigError("config: corpus.path is empty; pass corpus.path=DIR_OR_JSONL")
    n_articles = validate_corpus(path)  # fails on bad input before any output
    labeller = Labeller(pipeline, analyzer(settings), training_labels(settings, card),
                        affiliations=dict(affiliations or {}))
    outputs = outputs_of(settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    # finished articles' tallies wait on disk (anonymous files in the run folder): memory stays flat
    counts, candidates, meter = StanceCounts(labeller.labels, folder=out_dir), Counter(), DriftMeter(pipeline)
    evidence = EvidenceSample(*outputs.evidence, spill=True) if outputs.evidence else None
    statements = StatementCounts() if outputs.statements else None
    window = settings.report.network_window
    from tqdm import tqdm

    articles = tqdm(iter_corpus(path), total=n_articles, unit="article", desc="labelling", file=sys.stderr,
                    disable=None if n_articles >= settings.corpus.progress_min_articles else True)
    predictions = out_dir / ("predictions.jsonl" if outputs.jsonl else "predictions.parquet")
    with ExitStack() as stack:
        jsonl = events = parts = table = None
        if outputs.jsonl:
            jsonl = text_output(stack, out_dir / "predictions.jsonl")
        if outputs.table is not None:
            table = text_output(stack, out_dir / "predictions.csv", newline="")
            csv.writer(table).writerow(prediction_header(outputs.table))
        if outputs.events:
            events = text_output(stack, out_dir / "events.csv", newline="")
            csv.writer(events).writerow(EVENT_COLUMNS)
        if outputs.parquet:
            parts = _parts(stack, out_dir, labeller)
        try:
            for index, batch in enumerate(_labelled(settings, articles, labeller, outputs, n_articles)):
                if jsonl is not None:
                    jsonl.write(batch.jsonl)
                if events is not None:
                    events.write(batch.events)
                if table is not None:
                    table.write(batch.table)
                if statements is not None and batch.statements is not None:
                    statements.add_tally(batch.statements, window)
                if parts is not None:
                    if settings.launcher.name == "dask":
                        parts.partition(index)  # a part per partition, as the cluster labelled them
                    parts.write(batch.columns)
                counts.merge(batch.counts)
                candidates.update(batch.candidates)
                if evidence is not None and batch.evidence is not None:
                    evidence.merge(batch.evidence)
                if batch.drift is not None:
                    batch.drift.add_to(meter)
        finally:
            articles.close()
        if parts is not None:
            parts.commit()
    return Labelled(counts, candidates, evidence, n_articles, predictions, outputs.events, meter, statements,
                    outputs.table is not None)


def text_output(stack: ExitStack, path: Path, newline: str | None = None):
    """A text file written beside ``path`` and moved onto it when the stack closes cleanly."""
    tmp = stack.enter_context(atomic_file(path))
    return stack.enter_context(tmp.open("w", encoding="utf-8", newline=newline))


def _parts(stack: ExitStack, out_dir: Path, labeller: Labeller):
    from ..parquet import DIRECTORY, PartWriter, schema

    parts = PartWriter(out_dir / DIRECTORY, schema(labeller.labels, labeller.extra_columns))
    stack.callback(lambda: parts.abort() if parts.folder.exists() else None)  # removes an unfinished folder
    return parts


def _labelled(settings: Settings, articles: Iterable[Article], labeller: Labeller, outputs: Outputs,
              n_articles: int) -> Iterator[LabelledBatch]:
    """The labelled batches in corpus order, from the configured launcher."""
    if settings.launcher.name == "dask":
        yield from dask_batches(settings, articles, labeller, outputs)
        return
    n_jobs = 1 if n_articles <= settings.corpus.batch_size else settings.corpus.n_jobs  # one batch: no workers
    yield from label_batches(articles, labeller, outputs, settings.corpus.batch_size, n_jobs)


# --- Dask -------------------------------------------------------------------------------------


def label_partition(labeller: Labeller, articles: list[Article], outputs: Outputs, batch_size: int) -> LabelledBatch:
    """Label a partition on a Dask worker, ``batch_size`` articles at a time, as one batch."""
    batches = [label_batch(labeller, articles[i:i + batch_size], outputs) for i in range(0, len(articles), batch_size)]
    return join_batches(batches, labeller.labels)


def join_batches(batches: list[LabelledBatch], labels: list[str]) -> LabelledBatch:
    """Consecutive batches as one (texts and columns concatenated, tallies and samples merged)."""
    counts, candidates = StanceCounts(labels), Counter()
    joined = LabelledBatch(0, 0, counts, candidates)
    for batch in batches:
        joined.n_articles += batch.n_articles
        joined.n_sentences += batch.n_sentences
        counts.merge(batch.counts)
        candidates.update(batch.candidates)
        joined.jsonl += batch.jsonl
        joined.events += batch.events
        joined.table += batch.table
        if batch.statements is not None:
            joined.statements = batch.statements if joined.statements is None else joined.statements + batch.statements
        if batch.columns is not None:
            joined.columns = batch.columns if joined.columns is None else \
                {name: joined.columns[name] + values for name, values in batch.columns.items()}
        if batch.evidence is not None:
            joined.evidence = batch.evidence if joined.evidence is None else joined.evidence.merge(batch.evidence)
        if batch.drift is not None:
            joined.drift = batch.drift if joined.drift is None else joined.drift.extend(batch.drift)
    return joined


def dask_batches(settings: Settings, articles: Iterable[Article], labeller: Labeller,
                 outputs: Outputs) -> Iterator[LabelledBatch]:
    """Partitions labelled on a Dask cluster, yielded in corpus order: a local cluster of
    ``launcher.workers`` processes, or the scheduler at ``launcher.scheduler``. A few
    partitions per worker are in flight at a time, so memory stays flat here too."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("launcher=dask needs dask.distributed: pip install 'dask[distributed]'") from None
    launcher = settings.launcher
    with ExitStack() as stack:
        if launcher.scheduler:
            client = stack.enter_context(Client(launcher.scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(n_workers=launcher.workers, threads_per_worker=1,
                                                       processes=True, dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        workers = max(1, len(client.scheduler_info().get("workers", {})) or launcher.workers)
        shared = client.scatter(labeller, broadcast=True)  # the model travels once per worker
        partitions = _chunks(articles, launcher.partition_articles)
        pending = []
        for part in partitions:
            pending.append(client.submit(label_partition, shared, part, outputs, settings.corpus.batch_size,
                                         pure=False))
            while len(pending) > workers * launcher.in_flight:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- the command ----------------------------------------------------------------------------


def processes_of(n_jobs: int) -> int:
    """How many processes ``corpus.n_jobs`` means (joblib's meaning: -1 one per core)."""
    if n_jobs > 0:
        return n_jobs
    import joblib

    return max(1, joblib.cpu_count() + 1 + n_jobs)


def write_candidates(out_dir: Path, candidates: Counter) -> None:
    """Speakers the gazetteer lacks, most frequent first."""
    from ..exports import write_candidates as write

    write(out_dir / "candidates.csv", candidates)
    if candidates:
        say("Speakers not in the gazetteer (add them to your actor file): "
            + ", ".join(f"{name} ({n})" for name, n in candidates.most_common(8)))


def predict(settings: Settings, out_dir: Path, version: str | None = None) -> dict:
    """Label every sentence of a corpus and write predictions and stance tables."""
    pipeline, card = store.load_version(settings.store.dir, version or settings.store.version)
    release_freed_memory()  # loading the model file freed about 70 MiB of buffers
    confusion = confusion_of_card(settings.store.dir, card)
    quantifier = quantifier_for(settings.report, confusion)  # a bad report setting stops here, before any output
    # affiliations for the report; urls are taken from the articles as they are labelled (events.csv,
    # predictions.csv), not read for every article of the corpus beforehand
    context = article_context(settings, urls=False)
    labelled = label_corpus(settings, pipeline, card, out_dir, context.affiliations)
    counts = labelled.counts
    n_sentences = counts.n_sentences
    say(f"Labelled {n_sentences} sentences of {labelled.n_articles} articles with model {card.version}")
    drift = labelled.drift.figures()
    del pipeline  # with its feature caches (the meter holds them too): the peak memory comes after labelling
    labelled.drift = None
    gc.collect()
    limits = (card.metrics.get("drift") or {}).get("thresholds") or {}
    # a corpus the model was trained on, sentence for sentence, has drifted nowhere: its mix is just its own
    cautions = drift_warnings(drift, limits) if counts.in_training < n_sentences else []
    write_json(out_dir / "drift.json", {"figures": drift.to_dict(), "thresholds": limits, "warnings": cautions})
    say(f"Distance from the training data: {drift.unseen_ngram_share or 0:.0%} of word n-grams unknown to the model, "
        f"mean confidence {drift.mean_top_probability:.2f}, {drift.neutral_rate:.0%} labelled neutral")
    for line in cautions:
        say(f"Warning: {line}. Check the labels on a sample of this corpus (`stance sample`, then `stance evaluate`).")
    if counts.in_training:
        say(f"Note: {counts.in_training} of these sentences are in the model's training annotations: they carry "
            "their annotated label (the model's own is `predicted_label`); out-of-fold figures are on the model card.")
    try:
        tables = publish(settings.report, quantifier, confusion, counts, labelled.predictions, out_dir,
                         [("model", card.version), ("corpus", str(settings.corpus.path))], say,
                         [f"Warning: {line}; check the labels on a sample of this corpus (stance sample, then stance "
                          "evaluate)." for line in cautions], evidence=labelled.evidence,
                         events_written=labelled.events_written, context=context, statements=labelled.statements,
                         table_written=labelled.table_written, processes=processes_of(settings.corpus.n_jobs))
    finally:
        counts.close()
        if labelled.evidence is not None:
            labelled.evidence.close()
    write_candidates(out_dir, labelled.candidates)
    say(f"Predictions and tables are in {out_dir}")
    return {"version": card.version, "n_sentences": n_sentences, "tables": tables}


__all__ = ["predict", "label_corpus", "training_labels", "Prediction"]
