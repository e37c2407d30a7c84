"""Hand annotations: one labelled sentence per row, as JSONL or CSV (SPEC section 4).

Loading validates the whole file before returning anything, so a bad row stops a
training run before any model or output is touched.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .files import from_spreadsheet_safe, parse_json, read_utf8, write_text_atomic
from .errors import AnnotationError

REQUIRED_FIELDS = ("id", "doc_id", "text", "label")
FIELDS = ("id", "doc_id", "text", "label", "actors", "annotator", "note")
# Provenance kept with each row so every label can be traced to its article and source.
TRACE_FIELDS = ("outlet", "source_dataset", "url", "crisis")


@dataclass(frozen=True)
class Annotation:
    """One annotated sentence: its stance label and the holders of that stance."""

    id: str
    doc_id: str
    text: str
    label: str
    actors: tuple[str, ...] = ()
    annotator: str = ""
    note: str = ""
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    def field(self, name: str) -> str:
        """A provenance or other extra column (``crisis``, ``outlet`` ...), "" when absent."""
        return str(self.extra.get(name, ""))

    def to_dict(self) -> dict:
        record = {"id": self.id, "doc_id": self.doc_id, "text": self.text, "label": self.label,
                  "actors": list(self.actors), "annotator": self.annotator, "note": self.note}
        record.update({k: v for k, v in self.extra.items() if k not in record})
        return record

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def read_records(path: Path, text: str) -> Iterable[tuple[int, dict]]:
    """(line, record) for each row of an annotation file's text: CSV by its suffix (actors
    split on ";"), JSONL otherwise; malformed rows are errors naming the line."""
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [f for f in REQUIRED_FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise AnnotationError(f"missing column(s) {', '.join(missing)}", path, 1)
        for row in reader:
            if None in row:
                raise AnnotationError("more fields than the header has columns", path, reader.line_num)
            row = {key: from_spreadsheet_safe(value) if isinstance(value, str) else value for key, value in row.items()}
            actors = [a.strip() for a in (row.get("actors") or "").split(";") if a.strip()]
            yield reader.line_num, {**row, "actors": actors}
        return
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        record = parse_json(raw, path, line, AnnotationError)
        if not isinstance(record, dict):
            raise AnnotationError("expected a JSON object", path, line)
        yield line, record


def parse_annotation(record: dict, path: Path, line: int, labels: Sequence[str],
                     known_actors: set[str] | None = None) -> Annotation:
    """Check one record against the schema; the error names the file and line."""
    for name in REQUIRED_FIELDS:
        value = record.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise AnnotationError(f"missing field {name!r}", path, line)
        if not isinstance(value, str):
            raise AnnotationError(f"field {name!r} must be text, not {type(value).__name__}", path, line)
    for name in ("annotator", "note", *TRACE_FIELDS):
        if record.get(name) is not None and not isinstance(record.get(name), str):
            raise AnnotationError(f"field {name!r} must be text, not {type(record[name]).__name__}", path, line)
    label = str(record["label"]).strip()
    if label not in labels:
        raise AnnotationError(f"unknown label {label!r}; expected one of {', '.join(labels)}", path, line)
    actors = record.get("actors") or []
    if not isinstance(actors, list) or not all(isinstance(a, str) for a in actors):
        raise AnnotationError("'actors' must be a list of names", path, line)
    if known_actors is not None:
        unknown = [a for a in actors if a not in known_actors]
        if unknown:
            raise AnnotationError(f"actor(s) not in the gazetteer: {', '.join(unknown)}", path, line)
    return Annotation(
        id=str(record["id"]).strip(),
        doc_id=str(record["doc_id"]).strip(),
        text=str(record["text"]).strip(),
        label=label,
        actors=tuple(a.strip() for a in actors),
        annotator=str(record.get("annotator") or ""),
        note=str(record.get("note") or ""),
        extra={k: v for k, v in record.items() if k not in FIELDS and isinstance(v, str) and v},
    )


def load_annotations(path: str | Path, labels: Sequence[str], known_actors: set[str] | None = None) -> list[Annotation]:
    """Read and validate a JSONL or CSV annotation file (every row, before returning)."""
    source = Path(path)
    if not source.is_file():
        raise AnnotationError("annotation file does not exist", source)
    text = read_utf8(source, AnnotationError)
    if not text.strip():
        raise AnnotationError("empty file", source)
    rows: list[Annotation] = []
    seen: dict[str, int] = {}
    for line, record in read_records(source, text):
        row = parse_annotation(record, source, line, labels, known_actors)
        if row.id in seen:
            raise AnnotationError(f"duplicate id {row.id!r} (first on line {seen[row.id]})", source, line)
        seen[row.id] = line
        rows.append(row)
    if not rows:
        raise AnnotationError("no annotations in file", source)
    return rows


def write_annotations(path: str | Path, rows: Iterable[Annotation]) -> Path:
    """Write annotations as JSONL, atomically."""
    return write_text_atomic(path, "".join(row.to_json() + "\n" for row in rows))
