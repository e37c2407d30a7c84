"""Corpus loading: a folder of UTF-8 texts with ``manifest.csv``, a JSONL file (SPEC 4), or a
CSV file with one article per row and a ``text`` column.

Each format is a :class:`Reader` in :data:`READERS`: how to recognise it, how to check it
whole, and how to stream its articles. Checking comes first (every command validates the
whole corpus before it writes anything); articles are then yielded one at a time, so a
large corpus never sits in memory whole. To add a format, write a reader and add an entry.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from .errors import CorpusError
from .files import iter_jsonl, read_utf8

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("doc_id", "path", "outlet", "title", "date", "author", "url")
METADATA_FIELDS = ("doc_id", "outlet", "title", "date", "author", "url")
_TEXT_FIELDS = (*METADATA_FIELDS, "original_outlet")


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

    def field(self, name: str) -> str:
        """A metadata value by name: a known field, else an extra column, else ""."""
        if name in _TEXT_FIELDS:
            return getattr(self, name)
        return str(self.extra.get(name, ""))


def check_date(value: str, path: Path, line: int) -> None:
    """An ISO 8601 date (``2020-03-28``) or date-time; anything else is refused."""
    if not value:
        return
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CorpusError(f"date {value!r} is not ISO 8601 (YYYY-MM-DD)", path, line) from None


def _text_value(record: Mapping, name: str, path: Path, line: int) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CorpusError(f"field {name!r} must be text, not {type(value).__name__}", path, line)
    if "\x00" in value:
        raise CorpusError(f"field {name!r} contains a NUL byte", path, line)
    return value.strip()


def make_article(record: Mapping, text: str, path: Path, line: int) -> Article:
    """An :class:`Article` from a manifest row or JSONL object; metadata must be text."""
    values = {name: _text_value(record, name, path, line) for name in _TEXT_FIELDS}
    known = set(_TEXT_FIELDS) | {"path", "text"}
    extra = {}
    for key, value in record.items():
        if key in known or value in (None, ""):
            continue
        if not isinstance(value, str):
            raise CorpusError(f"field {key!r} must be text, not {type(value).__name__}", path, line)
        extra[key] = value
    values["original_outlet"] = values["original_outlet"] or values["outlet"]
    return Article(text=text, extra=extra, **values)


def _check_text(text: str, file: Path) -> None:
    if not text.strip():
        raise CorpusError("empty file", file)
    if "\x00" in text:
        raise CorpusError(f"contains a NUL byte on line {text[: text.index(chr(0))].count(chr(10)) + 1} "
                          "(a binary file?)", file)


# --- a folder with manifest.csv ------------------------------------------------------


def confined(folder: Path, relative: str, manifest: Path, line: int) -> Path:
    """The file a manifest row names, which must lie inside the corpus folder (after
    resolving ``..`` and symlinks): a corpus never reads files it does not hold."""
    root = folder.resolve()
    candidate = Path(relative)
    if candidate.is_absolute():
        raise CorpusError(f"path {relative!r} is absolute; manifest paths are relative to the corpus folder",
                          manifest, line)
    resolved = (root / candidate).resolve()
    if resolved != root and root not in resolved.parents:
        raise CorpusError(f"path {relative!r} points outside the corpus folder", manifest, line)
    return resolved


def _manifest_problem(text: str) -> str | None:
    """A hint when the header was split on the wrong delimiter (Excel writes ';' in many locales)."""
    header = text.splitlines()[0] if text.strip() else ""
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if header.count(delimiter) >= len(MANIFEST_COLUMNS) - 1 and header.count(",") < len(MANIFEST_COLUMNS) - 1:
            return f"columns are separated by {name} ({delimiter!r}), not commas; save it as comma-separated CSV"
    return None


@dataclass(frozen=True)
class Entry:
    """One article as a format lists it: where (file, line), its metadata record, and how to
    get its text (read lazily: a folder's files are opened only when the text is wanted)."""

    source: Path
    line: int
    record: Mapping
    text: Callable[[], str]


def _entries_checked(entries: Iterator[Entry], source: Path, empty: str) -> Iterator[Entry]:
    """Every format's shared checks: an id, no duplicate ids, ISO dates, at least one article."""
    seen: dict[str, int] = {}
    for entry in entries:
        doc_id = entry.record.get("doc_id")
        if not isinstance(doc_id, str) or not doc_id.strip():
            if doc_id is not None and not isinstance(doc_id, str):
                raise CorpusError(f"field 'doc_id' must be text, not {type(doc_id).__name__}", entry.source, entry.line)
            raise CorpusError("empty doc_id" if "doc_id" in entry.record else "missing field 'doc_id'",
                              entry.source, entry.line)
        doc_id = doc_id.strip()
        if doc_id in seen:
            raise CorpusError(f"duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})", entry.source, entry.line)
        seen[doc_id] = entry.line
        check_date(_text_value(entry.record, "date", entry.source, entry.line), entry.source, entry.line)
        yield entry
    if not seen:
        raise CorpusError(empty, source)


def _inline_text(record: Mapping, source: Path, line: int) -> str:
    value = record.get("text")
    if value is not None and not isinstance(value, str):
        raise CorpusError(f"field 'text' must be text, not {type(value).__name__}", source, line)
    if not (value or "").strip():
        raise CorpusError("missing field 'text'", source, line)
    if "\x00" in value:
        raise CorpusError("field 'text' contains a NUL byte", source, line)
    return value


def _csv_records(text: str, source: Path, required: Sequence[str]) -> Iterator[tuple[int, dict]]:
    """Rows of a comma-separated file with a header, each with the line it starts on."""
    if not text.strip():
        raise CorpusError("empty file", source)
    delimiter = _manifest_problem(text)
    if delimiter:
        raise CorpusError(delimiter, source, 1)
    reader = csv.DictReader(text.splitlines(keepends=True))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise CorpusError(f"missing column(s) {', '.join(missing)}", source, 1)
    line = 2
    for row in reader:
        if None in row:
            raise CorpusError("more fields than the header has columns", source, line)
        yield line, row
        line = reader.line_num + 1


# --- a folder with manifest.csv ------------------------------------------------------


def _folder_text(file: Path) -> Callable[[], str]:
    def load() -> str:
        text = read_utf8(file, CorpusError)
        _check_text(text, file)
        return text
    return load


def _folder_entries(folder: Path) -> Iterator[Entry]:
    """``manifest.csv`` streamed: each row's path must name a file inside the folder."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise CorpusError(f"no {MANIFEST} in the corpus folder", manifest)
    for line, row in _csv_records(read_utf8(manifest, CorpusError), manifest, MANIFEST_COLUMNS):
        relative = (row.get("path") or "").strip()
        if not relative:
            raise CorpusError(f"empty path for doc_id {(row.get('doc_id') or '').strip()!r}", manifest, line)
        file = confined(folder, relative, manifest, line)
        if not file.is_file():
            raise CorpusError(f"file {relative!r} listed for {(row.get('doc_id') or '').strip()!r} does not exist",
                              manifest, line)
        yield Entry(manifest, line, row, _folder_text(file))


# --- a JSONL file, one article per line ----------------------------------------------


def _jsonl_entries(path: Path) -> Iterator[Entry]:
    for line, record in iter_jsonl(path, CorpusError):
        if "outlet" not in record:
            raise CorpusError("missing field 'outlet' (give it, empty if unknown: the tables group by it)", path, line)
        text = _inline_text(record, path, line)
        yield Entry(path, line, record, lambda text=text: text)


# --- a CSV file, one article per row (a text column) ----------------------------------


def _csv_entries(path: Path) -> Iterator[Entry]:
    for line, row in _csv_records(read_utf8(path, CorpusError), path, (*METADATA_FIELDS, "text")):
        text = _inline_text(row, path, line)
        yield Entry(path, line, row, lambda text=text: text)


# --- the table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """A corpus format: ``accepts(path)`` recognises it; ``entries(path)`` lists its
    articles (metadata, place, lazily read text), checked one by one."""

    accepts: Callable[[Path], bool]
    entries: Callable[[Path], Iterator[Entry]]

    def checked(self, path: Path) -> Iterator[Entry]:
        return _entries_checked(self.entries(path), path, "no articles in the corpus")

    def check(self, path: Path) -> int:
        """Validate the whole corpus, texts included; returns its number of articles."""
        return sum(1 for entry in self.checked(path) if make_article(entry.record, entry.text(), entry.source, entry.line))

    def articles(self, path: Path) -> Iterator[Article]:
        for entry in self.checked(path):
            yield make_article(entry.record, entry.text(), entry.source, entry.line)

    def metadata(self, path: Path) -> Iterator[Article]:
        for entry in self.checked(path):
            yield make_article(entry.record, "", entry.source, entry.line)


# To add a corpus format, write an entries function and add a line: the first reader that
# accepts a path reads it.
READERS: dict[str, Reader] = {
    "folder": Reader(lambda p: p.is_dir(), _folder_entries),
    "jsonl": Reader(lambda p: p.is_file() and p.suffix.lower() in (".jsonl", ".ndjson", ".json"), _jsonl_entries),
    "csv": Reader(lambda p: p.is_file() and p.suffix.lower() == ".csv", _csv_entries),
}


def reader_for(path: str | Path) -> Reader:
    """The reader of the corpus at ``path``."""
    source = Path(path)
    if not source.exists():
        raise CorpusError("corpus path does not exist", source)
    for reader in READERS.values():
        if reader.accepts(source):
            return reader
    raise CorpusError(f"not a corpus: expected a folder with {MANIFEST}, a JSONL file (.jsonl) or a CSV file "
                      "(.csv, one article per row with a text column)", source)


def iter_corpus(path: str | Path) -> Iterator[Article]:
    """Yield the articles of a corpus, in order (call :func:`validate_corpus` first to
    stop on bad input before any output)."""
    return reader_for(path).articles(Path(path))


def load_corpus(path: str | Path) -> list[Article]:
    """All articles of a corpus, in order."""
    return list(iter_corpus(path))


def validate_corpus(path: str | Path) -> int:
    """Check a whole corpus (manifest, files, encodings, fields) before any work; returns the count."""
    return reader_for(path).check(Path(path))


def read_metadata(path: str | Path) -> dict[str, Article]:
    """Articles' metadata by doc_id, with empty text: enough to map annotations to
    outlets without holding every article's text."""
    return {a.doc_id: a for a in reader_for(path).metadata(Path(path))}
