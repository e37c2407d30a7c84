"""Labelling a corpus: analysed sentences -> one :class:`Prediction` per sentence, streamed.

Articles are processed in batches so a corpus of any size runs in flat memory. The
prediction record (SPEC section 4) is defined here and only here: writers call
:meth:`Prediction.to_dict`, readers :meth:`Prediction.from_dict`.

A :class:`Labeller` turns a batch of whole articles into a :class:`LabelledBatch`: the
records already written out as JSONL and event-list text, Parquet columns, the batch's
tallies, evidence sample and candidate speakers. :func:`label_batches` runs it in worker
processes (joblib) and yields the batches in corpus order, so the process that writes the
outputs only appends text and merges small tallies.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import sys
import tempfile
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from .aggregate import StanceCounts
from .analysis import Analyzer
from .corpus import Article
from .errors import CorpusError
from .evidence import EvidenceSample
from .files import iter_jsonl
from .model import predict_proba

FIELDS = ("id", "doc_id", "outlet", "original_outlet", "date", "title", "sent_idx", "start", "end", "text", "label",
          "proba", "actors", "candidates", "in_training")


@dataclass(frozen=True)
class Prediction:
    """One labelled sentence: where it is (article, index, raw offsets), its label and
    probabilities, its holders, and whether the model was trained on it (then ``label`` is
    the annotated label and ``predicted_label`` the model's own)."""

    id: str
    doc_id: str
    sent_idx: int
    start: int
    end: int
    text: str
    label: str
    proba: Mapping[str, float]
    actors: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    outlet: str = ""
    original_outlet: str = ""
    date: str = ""
    title: str = ""
    in_training: bool = False
    predicted_label: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def probability(self) -> float | None:
        """The probability the model gave the sentence's label."""
        value = self.proba.get(self.label)
        return None if value is None else float(value)

    def group(self, column: str) -> str:
        """The value of a grouping column: ``outlet``, ``original_outlet``, ``date`` or an extra one."""
        if column in ("outlet", "original_outlet", "date", "title", "doc_id"):
            return getattr(self, column)
        return str(self.extra.get(column, ""))

    def with_annotation(self, label: str) -> "Prediction":
        """The record of a sentence the model was trained on: the annotated label counts."""
        return replace(self, in_training=True, predicted_label=self.label, label=label)

    def to_dict(self) -> dict:
        record = {"id": self.id, "doc_id": self.doc_id, "outlet": self.outlet, "original_outlet": self.original_outlet,
                  "date": self.date, "title": self.title, "sent_idx": self.sent_idx, "start": self.start,
                  "end": self.end, "text": self.text, "label": self.label, "proba": dict(self.proba),
                  "actors": list(self.actors), "candidates": list(self.candidates), "in_training": self.in_training}
        if self.predicted_label is not None:
            record["predicted_label"] = self.predicted_label
        record.update(self.extra)
        return record

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: Mapping, labels: Sequence[str], path: Path | None = None,
                  line: int | None = None) -> "Prediction":
        """A prediction read back from predictions.jsonl; anything malformed is a
        :class:`CorpusError` naming the file and line."""
        def fail(problem: str) -> CorpusError:
            return CorpusError(problem, path, line)

        if record.get("label") not in labels:
            raise fail(f"unknown label {record.get('label')!r}")
        for name in ("doc_id", "text"):
            if not isinstance(record.get(name), str):
                raise fail(f"missing field {name!r}")
        for name in ("id", "outlet", "original_outlet", "date", "title"):
            if not isinstance(record.get(name, ""), str):
                raise fail(f"field {name!r} must be text")
        actors = record.get("actors", [])
        candidates = record.get("candidates", [])
        if not isinstance(actors, list) or not all(isinstance(a, str) for a in actors):
            raise fail("'actors' is not a list of names")
        if not isinstance(candidates, list) or not all(isinstance(a, str) for a in candidates):
            raise fail("'candidates' is not a list of names")
        proba = record.get("proba") or {}
        if not isinstance(proba, Mapping) or not all(isinstance(p, (int, float)) and not isinstance(p, bool)
                                                     for p in proba.values()):
            raise fail("'proba' is not a mapping of label to probability")
        numbers = {}
        for name in ("sent_idx", "start", "end"):
            value = record.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int):
                raise fail(f"field {name!r} must be a whole number")
            numbers[name] = value
        extra = {k: str(v) for k, v in record.items() if k not in FIELDS and k != "predicted_label"
                 and isinstance(v, str)}
        predicted = record.get("predicted_label")
        return cls(id=str(record.get("id", "")), doc_id=record["doc_id"], text=record["text"], label=record["label"],
                   proba={str(k): float(v) for k, v in proba.items()}, actors=tuple(actors), candidates=tuple(candidates),
                   outlet=record.get("outlet") or "", original_outlet=record.get("original_outlet") or "",
                   date=record.get("date") or "", title=record.get("title") or "",
                   in_training=bool(record.get("in_training")),
                   predicted_label=predicted if isinstance(predicted, str) else None, extra=extra, **numbers)


def read_predictions(path: Path, labels: Sequence[str]) -> Iterator[Prediction]:
    """The records of a predictions.jsonl file (or a predictions.parquet folder), checked one at a time."""
    if path.is_dir() or path.suffix == ".parquet":
        from .parquet import read_records

        for file, record in read_records(path):
            yield Prediction.from_dict(record, labels, file)
        return
    for line, record in iter_jsonl(path, CorpusError):
        yield Prediction.from_dict(record, labels, path, line)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def predict_articles(articles: Iterable[Article], pipeline, analyzer: Analyzer, batch_size: int = 64,
                     extra_columns: Sequence[str] = ()) -> Iterator[Prediction]:
    """Yield one prediction per sentence, in corpus order; ``extra_columns`` (such as
    ``crisis``) are copied from each article's metadata onto its sentences."""
    classes = list(pipeline.classes_)
    for batch in _batches(articles, batch_size):
        analysed = [s for article in batch for s in analyzer.analyse(article)]
        if not analysed:
            continue
        labels, proba = predict_proba(pipeline, [s.text for s in analysed])
        for sentence, label, row in zip(analysed, labels, proba):
            article = sentence.article
            yield Prediction(
                id=sentence.id, doc_id=article.doc_id, sent_idx=sentence.sent_idx, start=sentence.start,
                end=sentence.end, text=sentence.text, label=label,
                proba={c: round(float(p), 6) for c, p in zip(classes, row)}, actors=sentence.holders,
                candidates=sentence.candidates, outlet=article.outlet, original_outlet=article.original_outlet,
                date=article.date, title=article.title,
                extra={c: article.field(c) for c in extra_columns if article.field(c)},
            )


# --- labelling in batches, in worker processes ------------------------------------------------


@dataclass(frozen=True)
class Outputs:
    """What a labelled batch is turned into besides its tallies and candidate speakers."""

    jsonl: bool = True
    parquet: bool = False
    events: bool = False
    evidence: tuple[str, int] | None = None   # (outlet column, sentences per cell) for the HTML report
    drift: bool = False                       # the distance-from-training figures (stance.drift)
    table: tuple[str, ...] | None = None      # the rows of predictions.csv, with these labels' probabilities
    statements: bool = False                  # statements per (date, actor, label), for the networks


@dataclass
class DriftPart:
    """A batch's share of the :class:`~stance.drift.DriftMeter` figures: its counts, and each
    sentence's top probability, added in corpus order so the mean is the one a single pass
    computes, to the last bit."""

    n: int = 0
    ngrams: int = 0
    unseen: int = 0
    neutral: int = 0
    tops: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, records: Sequence["Prediction"], pipeline) -> "DriftPart":
        from .drift import DriftMeter

        meter = DriftMeter(pipeline)
        # the model's own labels, before annotations replace them; the word n-grams as counted
        meter.add_tallied([r.text for r in records], [r.proba for r in records], [r.label for r in records])
        tops = [max(r.proba.values()) if len(r.proba) else 0.0 for r in records]
        return cls(meter.n, meter.ngrams, meter.unseen, meter.neutral_count, tops)

    def extend(self, later: "DriftPart") -> "DriftPart":
        self.n, self.ngrams, self.unseen = self.n + later.n, self.ngrams + later.ngrams, self.unseen + later.unseen
        self.neutral += later.neutral
        self.tops += later.tops
        return self

    def add_to(self, meter) -> None:
        """Add this part to a :class:`~stance.drift.DriftMeter` of the whole corpus."""
        meter.n, meter.ngrams, meter.unseen = meter.n + self.n, meter.ngrams + self.ngrams, meter.unseen + self.unseen
        meter.neutral_count += self.neutral
        for top in self.tops:
            meter.top += top


@dataclass
class LabelledBatch:
    """A batch of whole articles, labelled and summarised for the process writing the outputs."""

    n_articles: int
    n_sentences: int
    counts: StanceCounts
    candidates: Counter
    jsonl: str = ""
    events: str = ""
    columns: dict | None = None
    evidence: EvidenceSample | None = None
    drift: DriftPart | None = None
    table: str = ""
    statements: Counter | None = None


@dataclass
class Labeller:
    """Everything that labels articles: the analyzer, the fitted pipeline (its TF-IDF steps
    given the fast transform), the annotated label of every sentence the model was trained
    on (reported as labelled), and metadata columns copied onto sentences."""

    pipeline: object
    analyzer: Analyzer
    trained_on: Mapping[str, str] = field(default_factory=dict)
    extra_columns: tuple[str, ...] = ()
    affiliations: Mapping[str, str] = field(default_factory=dict)  # actor -> affiliation, for events.csv

    def __post_init__(self) -> None:
        from .vectorize import accelerated

        accelerated(self.pipeline)

    def __setstate__(self, state: dict) -> None:
        """Unpickled in a worker (loky, Dask): the shared-text caches are not pickled, so the
        pipeline is accelerated again."""
        self.__dict__.update(state)
        self.__post_init__()

    @property
    def labels(self) -> list[str]:
        return list(self.pipeline.classes_)

    def predictions(self, articles: Sequence[Article]) -> list[Prediction]:
        """One record per sentence of the articles, in order, as the model labels them."""
        return list(predict_articles(articles, self.pipeline, self.analyzer, max(1, len(articles)), self.extra_columns))

    def annotated(self, records: list[Prediction]) -> list[Prediction]:
        """Sentences the model was trained on carry their annotated label."""
        if not self.trained_on:
            return records
        return [r.with_annotation(self.trained_on[r.id]) if r.id in self.trained_on else r for r in records]

    def label(self, articles: Sequence[Article], outputs: Outputs) -> LabelledBatch:
        """Label a batch of whole articles and summarise it as ``outputs`` asks."""
        from .exports import event_rows, prediction_rows
        from .files import spreadsheet_safe
        from .networks import statement_tally
        from .parquet import columns

        records = self.predictions(articles)
        drift = DriftPart.of(records, self.pipeline) if outputs.drift else None
        records = self.annotated(records)
        counts = StanceCounts(self.labels).add_all(records)
        candidates = Counter(name for record in records for name in record.candidates)
        batch = LabelledBatch(len(articles), len(records), counts, candidates, drift=drift)
        if outputs.jsonl:
            batch.jsonl = "".join(record.to_json() + "\n" for record in records)
        urls = {article.doc_id: article.url for article in articles if article.url}
        if outputs.events:
            text = io.StringIO()
            csv.writer(text).writerows([spreadsheet_safe(cell) for cell in row]
                                       for row in event_rows(records, self.affiliations, urls))
            batch.events = text.getvalue()
        if outputs.table is not None:
            text = io.StringIO()
            csv.writer(text).writerows(prediction_rows(records, outputs.table, urls))
            batch.table = text.getvalue()
        if outputs.statements:
            batch.statements = statement_tally(records)
        if outputs.parquet:
            batch.columns = columns(records, self.labels, self.extra_columns)
        if outputs.evidence:
            batch.evidence = EvidenceSample(*outputs.evidence).push_all(records)
        return batch


@dataclass(frozen=True)
class LabellerFile:
    """A :class:`Labeller` saved once to a private temporary file: what each task carries to
    the worker processes instead of the model itself (each worker loads it once)."""

    path: str
    token: str


_LOADED: dict[str, Labeller] = {}  # per worker process: the labeller of each run


def _labeller(source: "Labeller | LabellerFile") -> Labeller:
    if isinstance(source, Labeller):
        return source
    if source.token not in _LOADED:
        import joblib

        _LOADED.clear()
        _LOADED[source.token] = joblib.load(source.path)  # written by this run, moments ago
    return _LOADED[source.token]


def release_freed_memory() -> None:
    """Hand the heap pages freed since the last call back to the system (glibc's
    ``malloc_trim``; elsewhere nothing). Each batch frees its sentences, records and matrices,
    but glibc keeps the pages, and the process's peak memory crept up batch by batch (about
    20 MiB at 10 MB of text); a trim costs well under a millisecond."""
    trim = _TRIM[0] if _TRIM else _trim_function()
    if trim is not None:
        trim(0)


_TRIM: list = []


def _trim_function():
    trim = None
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):  # not glibc
            trim = None
    _TRIM.append(trim)
    return trim


def label_batch(source: "Labeller | LabellerFile", articles: Sequence[Article], outputs: Outputs) -> LabelledBatch:
    """Label one batch (in a worker process, or in this one), first returning the memory the
    previous batch freed."""
    release_freed_memory()
    return _labeller(source).label(articles, outputs)


def label_batches(articles: Iterable[Article], labeller: Labeller, outputs: Outputs, batch_size: int = 64,
                  n_jobs: int = 1) -> Iterator[LabelledBatch]:
    """Label articles batch by batch and yield the batches in corpus order. With ``n_jobs``
    other than 1, batches go to that many worker processes (-1: one per core), a few at a
    time ahead of the writer, so memory stays flat; with 1 everything runs here.

    On Linux the workers are forks of this process: they start with its libraries imported
    and the labeller loaded, sharing those memory pages instead of importing and loading
    everything again (about 2.5 CPU-seconds and 200 MiB each). A pool of forks is driven
    directly, as joblib's fork backend cannot stream ordered results. Elsewhere the workers
    are joblib's (loky) fresh processes, and each loads the labeller once from a private
    temporary file."""
    batches = _batches(articles, batch_size)
    if n_jobs == 1:
        for batch in batches:
            yield label_batch(labeller, batch, outputs)
        return
    import joblib

    token = uuid.uuid4().hex
    if sys.platform.startswith("linux"):
        workers = joblib.cpu_count() + 1 + n_jobs if n_jobs < 0 else n_jobs  # joblib's meaning of n_jobs
        _LOADED.clear()
        _LOADED[token] = labeller  # inherited by the forked workers
        source = LabellerFile("", token)
        try:
            with multiprocessing.get_context("fork").Pool(max(1, workers)) as pool:
                pending: deque = deque()  # results in corpus order, at most two batches per worker ahead
                for batch in batches:
                    pending.append(pool.apply_async(label_batch, (source, batch, outputs)))
                    if len(pending) >= 2 * workers:
                        yield pending.popleft().get()
                while pending:
                    yield pending.popleft().get()
        finally:
            _LOADED.clear()
        return
    folder = tempfile.mkdtemp(prefix="stance-labeller-")
    try:
        path = os.path.join(folder, "labeller.joblib")
        joblib.dump(labeller, path)
        tasks = (joblib.delayed(label_batch)(LabellerFile(path, token), batch, outputs) for batch in batches)
        yield from joblib.Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs")(tasks)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
