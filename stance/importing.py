"""Importing annotations from the tools annotators use: SPEC JSONL/CSV, doccano's
text-classification JSONL export and Label Studio's JSON export.

Reading turns each format into :class:`ToolRow` values (the tool's own label names);
:func:`resolve` maps the labels, gives every row the project's stable sentence id by
finding its text in the corpus, and validates the whole file before anything is written.
Errors name the file and the line (JSONL, CSV) or the task (Label Studio).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from .annotations import Annotation, parse_annotation, read_records
from .files import parse_json, read_utf8
from .errors import AnnotationError
from .segment import sentence_id



@dataclass(frozen=True)
class ToolRow:
    """One sentence as an annotation tool exported it, before matching and mapping.
    ``where`` is a line number, or a task description for a JSON array; ``label`` is
    empty when nobody labelled the row yet."""

    where: int | str
    text: str
    label: str
    doc_id: str = ""
    sentence_id: str = ""
    actors: tuple[str, ...] = ()
    annotator: str = ""
    note: str = ""


@dataclass(frozen=True)
class CorpusIndex:
    """The corpus's sentences, to match imported text to stable ids: ``ids`` maps
    (doc_id, whitespace-normalised text) to the sentence id, ``texts`` the reverse,
    ``docs`` a normalised text to the articles that contain it; ``where`` names the
    corpus in error messages."""

    ids: Mapping[tuple[str, str], str]
    texts: Mapping[str, tuple[str, str]]
    docs: Mapping[str, tuple[str, ...]]
    articles: frozenset[str]
    where: str


def normalise(text: str) -> str:
    """Text as sentence ids hash it: whitespace runs collapsed."""
    return " ".join(str(text).split())


def index_sentences(sentences: Iterable[tuple[str, str, str]], where: str = "the corpus") -> CorpusIndex:
    """Index (sentence id, doc_id, text) triples; a sentence repeated in one article
    matches its first occurrence."""
    ids: dict[tuple[str, str], str] = {}
    texts: dict[str, tuple[str, str]] = {}
    docs: dict[str, list[str]] = {}
    for sid, doc_id, text in sentences:
        key = (doc_id, normalise(text))
        ids.setdefault(key, sid)
        texts[sid] = key
        if doc_id not in docs.setdefault(key[1], []):
            docs[key[1]].append(doc_id)
    articles = frozenset(doc_id for doc_id, _ in ids)
    return CorpusIndex(ids, texts, {t: tuple(d) for t, d in docs.items()}, articles, where)


def location_error(problem: str, path: Path, where: int | str | None) -> AnnotationError:
    """An error naming the file and the line (an int) or the task (a string)."""
    if isinstance(where, str):
        return AnnotationError(f"{where}: {problem}", path)
    return AnnotationError(problem, path, where)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


NO_HOLDER = "none"  # what an annotator writes in a holders field for "no holder"
HOLDER_FIELD = "actors"   # the editable holders field of the queue's files, prefilled with the predicted ones


def _actors(value: object) -> tuple[str, ...]:
    """Holder names from a list or a ";"-separated text; "none" means no holder."""
    names = [_text(a) for a in value] if isinstance(value, list) else _text(value).split(";")
    return tuple(n.strip() for n in names if n.strip() and n.strip().casefold() != NO_HOLDER)


def _one_label(values: Sequence[object], path: Path, where: int | str) -> str:
    """The single label of a single-choice row; two different ones are an error (a
    collaborative doccano export lists every annotator's label)."""
    names = sorted({_text(v) for v in values if _text(v)})
    if len(names) > 1:
        raise location_error(f"{len(names)} different labels {names}; a sentence takes one label, "
                             "settle the disagreement in the tool first", path, where)
    return names[0] if names else ""


def _spec_rows(path: Path, text: str) -> list[ToolRow]:
    rows = []
    for line, record in read_records(path, text):
        rows.append(ToolRow(line, _text(record.get("text")), _text(record.get("label")), _text(record.get("doc_id")),
                            _text(record.get("id")), _actors(record.get("actors")),
                            _text(record.get("annotator")), _text(record.get("note"))))
    return rows


def _doccano_rows(path: Path, objects: list[tuple[int, dict]]) -> list[ToolRow]:
    """doccano's export: ``id`` (doccano's own), ``text``, ``label`` (a list of names) and
    the metadata uploaded with the text at the top level; ``Comments`` become the note."""
    rows = []
    for line, record in objects:
        labels = record.get("label", record.get("labels", []))
        label = _one_label(labels if isinstance(labels, list) else [labels], path, line)
        comments = record.get("Comments") or []
        texts = [_text(c.get("text") if isinstance(c, dict) else c) for c in comments] \
            if isinstance(comments, list) else []
        # doccano shows metadata read-only: a comment "actors: A; B" (or "actors: none") corrects the holders
        corrections = [t.split(":", 1)[1] for t in texts if t.casefold().startswith(HOLDER_FIELD + ":")]
        note = "; ".join(t for t in texts if t and not t.casefold().startswith(HOLDER_FIELD + ":"))
        actors = _actors(corrections[-1]) if corrections else _actors(record.get(HOLDER_FIELD))
        rows.append(ToolRow(line, _text(record.get("text")), label, _text(record.get("doc_id")),
                            _text(record.get("sentence_id")), actors,
                            _text(record.get("annotator")), _text(record.get("note")) or note))
    return rows


def _completed_by(value: object) -> str:
    """Label Studio names the annotator by user id, or by a user object in some versions."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    return f"label-studio:{value}" if _text(value) else ""


def _label_studio_task(task: dict, path: Path, where: str, from_name: str | None) -> ToolRow:
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    done = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    settled = [a for a in done if a.get("ground_truth")] or done
    labels, notes, annotators, holders = [], [], [], []
    for annotation in settled:
        chosen = []
        results = annotation.get("result") or []
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise location_error("an annotation's 'result' is not a list of objects", path, where)
        for result in results:
            value = result.get("value") or {}
            listed = value.get("choices") or [] if isinstance(value, dict) else None
            texts = value.get("text") or [] if isinstance(value, dict) else None
            if not isinstance(listed, list) or not isinstance(texts, list):
                raise location_error("a result's 'value' is not an object with lists of choices or text", path, where)
            if result.get("type") == "choices" and (from_name is None or result.get("from_name") == from_name):
                chosen.extend(listed)
            elif result.get("type") == "textarea" and result.get("from_name") == HOLDER_FIELD:
                holders.append(_actors(";".join(_text(t) for t in texts)))
            elif result.get("type") == "textarea":
                notes.extend(_text(t) for t in texts if _text(t))
        if chosen:
            labels.extend(chosen)
            annotators.append(_completed_by(annotation.get("completed_by")))
    if len(set(holders)) > 1:
        raise location_error(f"{len(set(holders))} different holder sets {sorted(set(holders))}; "
                             "settle the disagreement in the tool first", path, where)
    # the holders field as submitted; untouched, the predicted holders the task was exported with
    actors = holders[0] if holders else _actors(data.get(HOLDER_FIELD))
    return ToolRow(where, _text(data.get("text")), _one_label(labels, path, where), _text(data.get("doc_id")),
                   _text(data.get("sentence_id")), actors,
                   ", ".join(sorted({a for a in annotators if a})), "; ".join(notes))


def _label_studio_rows(path: Path, text: str, from_name: str | None) -> list[ToolRow]:
    """Label Studio's JSON export: an array of tasks with ``data`` and ``annotations``;
    cancelled annotations are ignored and one marked ground truth wins."""
    tasks = parse_json(text, path, None, AnnotationError)
    if not isinstance(tasks, list):
        raise AnnotationError("expected a JSON array of tasks (Label Studio's JSON export)", path)
    rows = []
    for number, task in enumerate(tasks, start=1):
        where = f"task {number}" + (f" (id {task.get('id')})" if isinstance(task, dict) and "id" in task else "")
        if not isinstance(task, dict):
            raise location_error("expected a task object", path, where)
        rows.append(_label_studio_task(task, path, where, from_name))
    return rows


def _doccano_reader(path: Path, text: str, control: str | None) -> list[ToolRow]:
    return _doccano_rows(path, list(read_records(path, text)))


def _spec_reader(path: Path, text: str, control: str | None) -> list[ToolRow]:
    return _spec_rows(path, text)


@dataclass(frozen=True)
class Format:
    """An annotation tool's export: ``read(path, text, choices_control) -> rows`` and
    ``looks_like(path, text, first_record)`` for ``importing.format=auto``."""

    read: Callable[[Path, str, str | None], list[ToolRow]]
    looks_like: Callable[[Path, str, dict | None], bool]


def _first_record(text: str) -> dict | None:
    for raw in text.splitlines():
        if raw.strip():
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, RecursionError):
                return None
            return record if isinstance(record, dict) else None
    return None


# Annotation tools' export formats, tried in this order by importing.format=auto; to add a
# tool, write a reader and add an entry (the queue's files for it are stance.queue.EXPORTS).
FORMATS: dict[str, Format] = {
    "label_studio": Format(_label_studio_rows, lambda path, text, first: text.lstrip().startswith("[")),
    "doccano": Format(_doccano_reader, lambda path, text, first: path.suffix.lower() != ".csv" and first is not None
                      and isinstance(first.get("label", first.get("labels")), list)),
    "spec": Format(_spec_reader, lambda path, text, first: True),
}


def detect_format(path: Path, text: str) -> str:
    """The first format in :data:`FORMATS` whose export this looks like."""
    first = None if path.suffix.lower() == ".csv" else _first_record(text)
    return next(name for name, fmt in FORMATS.items() if fmt.looks_like(path, text, first))


def read_export(path: str | Path, fmt: str = "auto", label_studio_from_name: str | None = None
                ) -> tuple[str, list[ToolRow]]:
    """Read a whole export file; returns the format read and its rows. With several
    Choices tags in a Label Studio project, ``label_studio_from_name`` names the stance one."""
    source = Path(path)
    if fmt != "auto" and fmt not in FORMATS:
        raise AnnotationError(f"unknown import format {fmt!r}; expected auto or one of {', '.join(FORMATS)}", source)
    if not source.is_file():
        raise AnnotationError("file to import does not exist", source)
    text = read_utf8(source, AnnotationError)
    if not text.strip():
        raise AnnotationError("empty file", source)
    fmt = detect_format(source, text) if fmt == "auto" else fmt
    rows = FORMATS[fmt].read(source, text, label_studio_from_name)
    if not rows:
        raise AnnotationError("no rows in file", source)
    return fmt, rows


def map_label(name: str, label_map: Mapping[str, str], labels: Sequence[str]) -> str | None:
    """The project label for a tool's label name: the configured mapping first, then the
    project's own labels; both compared case-insensitively. None when nothing fits."""
    wanted = name.strip().casefold()
    mapped = {str(k).strip().casefold(): str(v) for k, v in label_map.items()}
    mapped.update({label.casefold(): label for label in labels if label.casefold() not in mapped})
    return mapped.get(wanted)


def _match(row: ToolRow, path: Path, index: CorpusIndex | None) -> tuple[str, str]:
    """The row's (stable id, doc_id): its text found in its article of the corpus."""
    text = normalise(row.text)
    doc_id = row.doc_id
    if index is None:
        if not doc_id:
            raise location_error("missing field 'doc_id'", path, row.where)
        return row.sentence_id or sentence_id(doc_id, text), doc_id
    if row.sentence_id in index.texts and index.texts[row.sentence_id][1] != text:
        raise location_error(f"sentence id {row.sentence_id!r} names another sentence in {index.where}: "
                             f"{index.texts[row.sentence_id][1][:60]!r}", path, row.where)
    if not doc_id:
        found = index.docs.get(text, ())
        if len(found) != 1:
            problem = "is in several articles (" + ", ".join(found) + ")" if found else f"is not in {index.where}"
            raise location_error(f"missing field 'doc_id', and the text {problem}", path, row.where)
        doc_id = found[0]
    if (doc_id, text) not in index.ids:
        if doc_id not in index.articles:
            raise location_error(f"doc_id {doc_id!r} is not an article of {index.where}", path, row.where)
        raise location_error(f"text is not a sentence of article {doc_id!r} in {index.where}: {text[:60]!r}",
                             path, row.where)
    return index.ids[(doc_id, text)], doc_id


def resolve(rows: Sequence[ToolRow], path: str | Path, labels: Sequence[str], label_map: Mapping[str, str],
            index: CorpusIndex | None, known_actors: set[str] | None = None,
            trace: Mapping[str, Mapping[str, str]] | None = None) -> tuple[list[Annotation], list[ToolRow]]:
    """Validate every row and turn the labelled ones into annotations with stable ids.

    ``trace`` (doc_id -> fields such as outlet, url, crisis) is copied onto each row, so every
    imported label can be traced to its article. Returns (annotations, unlabelled rows). A missing text, an unknown label, a text
    not found in its article, an unknown actor or the same sentence twice stops the
    import with the file and line (or task).
    """
    source = Path(path)
    annotations: list[Annotation] = []
    unlabelled: list[ToolRow] = []
    first_seen: dict[str, int | str] = {}
    for row in rows:
        if not row.text:
            raise location_error("missing field 'text'", source, row.where)
        if not row.label:
            unlabelled.append(row)
            continue
        label = map_label(row.label, label_map, labels)
        if label is None:
            raise location_error(f"unknown label {row.label!r}; expected one of {', '.join(labels)} "
                                 "or a name mapped in importing.label_map", source, row.where)
        sid, doc_id = _match(row, source, index)
        record = {**(trace or {}).get(doc_id, {}),
                  "id": sid, "doc_id": doc_id, "text": row.text, "label": label, "actors": list(row.actors),
                  "annotator": row.annotator, "note": row.note}
        try:
            annotations.append(parse_annotation(record, source, 0, labels, known_actors))
        except AnnotationError as err:
            raise location_error(err.problem, source, row.where) from None
        if sid in first_seen:
            raise location_error(f"duplicate sentence {sid!r} (first at {describe_place(first_seen[sid])})", source, row.where)
        first_seen[sid] = row.where
    return annotations, unlabelled


def describe_place(where: int | str) -> str:
    """A row's place in its file: "line 3", or a Label Studio task's own description."""
    return f"line {where}" if isinstance(where, int) else where


def coded_rows(path: str | Path, fmt: str = "auto", label_studio_from_name: str | None = None
               ) -> tuple[str, list[ToolRow]]:
    """Every annotator's label of every sentence in an export, for agreement: like
    :func:`read_export`, but a Label Studio task annotated by several people gives one row per
    annotation (``annotator`` names who), and disagreements are kept, not refused."""
    source = Path(path)
    if fmt == "auto" or fmt == "label_studio":
        if not source.is_file():
            raise AnnotationError("annotation file does not exist", source)
        text = read_utf8(source, AnnotationError)
        if (fmt == "auto" and detect_format(source, text) == "label_studio") or fmt == "label_studio":
            tasks = parse_json(text, source, None, AnnotationError)
            if not isinstance(tasks, list):
                raise AnnotationError("expected a JSON array of tasks (Label Studio's JSON export)", source)
            rows = []
            for number, task in enumerate(tasks, start=1):
                if not isinstance(task, dict):
                    raise location_error("expected a task object", source, f"task {number}")
                for annotation in task.get("annotations") or []:
                    if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
                        one = {**task, "annotations": [annotation]}
                        rows.append(_label_studio_task(one, source, f"task {number}", label_studio_from_name))
            return "label_studio", rows
    return read_export(source, fmt, label_studio_from_name)
