"""Corpus loading: a folder of UTF-8 texts with ``manifest.csv``, or a JSONL file (SPEC 4).

Articles are yielded one at a time so a large corpus never sits in memory whole.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .errors import CorpusError, StanceError

MANIFEST_COLUMNS = ("doc_id", "path", "outlet", "title", "date", "author", "url")
METADATA_FIELDS = ("doc_id", "outlet", "title", "date", "author", "url")


@dataclass(frozen=True)
class Article:
    """One article: its raw text and metadata. ``original_outlet`` names who first
    published a republished or aggregated text; it equals ``outlet`` otherwise."""

    doc_id: str
    text: str
    outlet: str = ""
    title: str = ""
    date: str = ""
    author: str = ""
    url: str = ""
    original_outlet: str = ""
    extra: dict = field(default_factory=dict, compare=False)


def read_utf8(path: Path, error: type[StanceError] = CorpusError) -> str:
    """Read a file as strict UTF-8; a bad byte is reported, as ``error``, with its line number."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise error(f"cannot read file ({err.strerror})", path) from None
    try:
        return data.decode("utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is not part of the text
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise error(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})", path, line
        ) from None


def _article(record: dict, text: str) -> Article:
    known = set(METADATA_FIELDS) | {"path", "text", "original_outlet"}
    outlet = (record.get("outlet") or "").strip()
    return Article(
        doc_id=str(record["doc_id"]).strip(),
        text=text,
        outlet=outlet,
        title=(record.get("title") or "").strip(),
        date=(record.get("date") or "").strip(),
        author=(record.get("author") or "").strip(),
        url=(record.get("url") or "").strip(),
        original_outlet=(record.get("original_outlet") or "").strip() or outlet,
        extra={k: v for k, v in record.items() if k not in known and v not in (None, "")},
    )


def _check_date(value: str, path: Path, line: int) -> None:
    from datetime import date

    if value:
        try:
            date.fromisoformat(value[:10])
        except ValueError:
            raise CorpusError(f"date {value!r} is not ISO 8601 (YYYY-MM-DD)", path, line) from None


def read_manifest(folder: Path) -> list[tuple[int, dict]]:
    """Validate ``manifest.csv`` whole, before any article is read: columns, empty
    fields, duplicate ids, dates and that every listed file exists."""
    manifest = folder / "manifest.csv"
    if not manifest.is_file():
        raise CorpusError("no manifest.csv in the corpus folder", manifest)
    text = read_utf8(manifest)
    if not text.strip():
        raise CorpusError("empty file", manifest)
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CorpusError(f"missing column(s) {', '.join(missing)}", manifest, 1)
    rows: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise CorpusError("more fields than the header has columns", manifest, line)
        doc_id = (row.get("doc_id") or "").strip()
        if not doc_id:
            raise CorpusError("empty doc_id", manifest, line)
        if doc_id in seen:
            raise CorpusError(f"duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})", manifest, line)
        seen[doc_id] = line
        if not (row.get("path") or "").strip():
            raise CorpusError(f"empty path for doc_id {doc_id!r}", manifest, line)
        file = folder / row["path"].strip()
        if not file.is_file():
            raise CorpusError(f"file {row['path'].strip()!r} listed for {doc_id!r} does not exist", manifest, line)
        _check_date((row.get("date") or "").strip(), manifest, line)
        rows.append((line, row))
    if not rows:
        raise CorpusError("manifest has a header but no articles", manifest)
    return rows


def iter_folder(folder: Path) -> Iterator[Article]:
    """Yield the articles of a corpus folder in manifest order."""
    for _, row in read_manifest(folder):
        file = folder / row["path"].strip()
        text = read_utf8(file)
        if not text.strip():
            raise CorpusError("empty file", file)
        yield _article(row, text)


def _parse_jsonl_line(path: Path, line: int, raw: str) -> dict:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as err:
        raise CorpusError(f"not valid JSON ({err.msg})", path, line) from None
    if not isinstance(record, dict):
        raise CorpusError("expected a JSON object", path, line)
    return record


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, decoded line) without holding the file in memory."""
    try:
        handle = path.open("rb")
    except OSError as err:
        raise CorpusError(f"cannot read file ({err.strerror})", path) from None
    with handle:
        for line, data in enumerate(handle, start=1):
            try:
                yield line, data.decode("utf-8")
            except UnicodeDecodeError as err:
                raise CorpusError(f"not valid UTF-8 (byte 0x{data[err.start]:02x})", path, line) from None


def iter_jsonl(path: Path) -> Iterator[Article]:
    """Yield the articles of a JSONL corpus, one object per line. A first streaming
    pass validates the whole file, so a bad last line stops the run before any output."""
    seen: dict[str, int] = {}
    for line, raw in _jsonl_lines(path):
        if not raw.strip():
            continue
        record = _parse_jsonl_line(path, line, raw)
        for name in ("doc_id", "text"):
            if not str(record.get(name) or "").strip():
                raise CorpusError(f"missing field {name!r}", path, line)
        if "outlet" not in record:
            raise CorpusError("missing field 'outlet' (give it, empty if unknown: the tables group by it)", path, line)
        doc_id = str(record["doc_id"])
        if doc_id in seen:
            raise CorpusError(f"duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})", path, line)
        seen[doc_id] = line
        _check_date(str(record.get("date") or ""), path, line)
    if not seen:
        raise CorpusError("empty file", path)
    for _, raw in _jsonl_lines(path):
        if raw.strip():
            record = json.loads(raw)
            yield _article(record, str(record["text"]))


def iter_corpus(path: str | Path) -> Iterator[Article]:
    """Yield the articles of a corpus folder or JSONL file."""
    source = Path(path)
    if source.is_dir():
        return iter_folder(source)
    if source.is_file():
        return iter_jsonl(source)
    raise CorpusError("corpus path does not exist", source)


def load_corpus(path: str | Path) -> list[Article]:
    """All articles of a corpus, in order."""
    return list(iter_corpus(path))


def validate_corpus(path: str | Path) -> int:
    """Check a whole corpus (manifest, files, encodings) before any work; returns the count."""
    return sum(1 for _ in iter_corpus(path))


def read_metadata(path: str | Path) -> dict[str, Article]:
    """Articles' metadata by doc_id, with empty text: enough to map annotations to
    outlets without reading every article's text."""
    source = Path(path)
    if source.is_dir():
        return {row["doc_id"].strip(): _article(row, "") for _, row in read_manifest(source)}
    return {a.doc_id: _article({**a.__dict__, **a.extra}, "") for a in iter_corpus(source)}
