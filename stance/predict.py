"""Labelling a corpus: analysed sentences -> one :class:`Prediction` per sentence, streamed.

Articles are processed in batches so a corpus of any size runs in flat memory. The
prediction record (SPEC section 4) is defined here and only here: writers call
:meth:`Prediction.to_dict`, readers :meth:`Prediction.from_dict`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from .analysis import Analyzer
from .corpus import Article
from .errors import CorpusError
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
    """The records of a predictions.jsonl file, checked one at a time."""
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
