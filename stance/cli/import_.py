"""`stance import FILE`: read an annotation tool's export, validate it whole, merge it into
the annotation store by the conflict policy, and log the import next to the store.

The store is read, merged and written under its lock, so two imports at once cannot lose
each other's rows; the log line is written before the store, and an import interrupted
between the two is recorded as not applied by the next one.
"""

from __future__ import annotations

import getpass
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from ..annotations import load_annotations, write_annotations
from ..annotations import TRACE_FIELDS
from ..corpus import iter_corpus, read_metadata
from ..errors import AnnotationConflictError, AnnotationError, ConfigError
from ..files import locked, sha256, write_json
from ..importing import CorpusIndex, ToolRow, describe_place, index_sentences, location_error, read_export, resolve
from ..merge import LOG_FILE, append_log, describe_conflict, keep_snapshot, log_entry, merge, reconcile_log, store_lock
from ..settings import ImportSettings, Settings
from .common import analyzer, annotations_path, corpus_path, known_actors, say


def corpus_index(settings: Settings) -> CorpusIndex:
    """Every sentence of the configured corpus, segmented as `stance predict` does, so an
    imported sentence gets the id its predictions carry."""
    path = corpus_path(settings)
    analysis = analyzer(settings, with_holders=False)
    sentences = ((s.id, s.doc_id, s.text) for article in iter_corpus(path) for s in analysis.sentences(article))
    return index_sentences(sentences, where=f"the corpus {path}")


def trace_fields(settings: Settings) -> dict[str, dict[str, str]]:
    """Each article's trace fields (outlet, source_dataset, url, crisis), copied onto the rows
    imported for it, so every label in the store can be traced to its article."""
    return {doc_id: {name: article.field(name) for name in TRACE_FIELDS if article.field(name)}
            for doc_id, article in read_metadata(corpus_path(settings)).items()}


def _read_rows(options: ImportSettings, source: Path) -> tuple[str, list[ToolRow]]:
    """The file's rows, each with an annotator: the file's, else importing.annotator,
    else (doccano, whose per-user export files are named after the user) the file name."""
    fmt, rows = read_export(source, options.format, options.label_studio_control)
    fallback = options.annotator or (source.stem if fmt == "doccano" else "")
    return fmt, [row if row.annotator or not fallback else replace(row, annotator=fallback) for row in rows]


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def import_annotations(settings: Settings, out_dir: Path) -> dict:
    options = settings.importing
    source = options.file
    if source is None:
        raise ConfigError("name the file to import: `stance import FILE` (SPEC JSONL or CSV, doccano JSONL "
                          "export or Label Studio JSON export)")
    labels = settings.labels
    store_path = annotations_path(settings)
    if store_path.suffix.lower() != ".jsonl":
        raise ConfigError(f"config: annotations.path={store_path} is not a .jsonl file; imports merge into a JSONL store")
    fmt, rows = _read_rows(options, source)
    index = corpus_index(settings) if options.match_corpus else None
    imported, unlabelled = resolve(rows, source, labels, options.label_map, index, known_actors(settings),
                                   trace_fields(settings) if options.match_corpus else None)
    if unlabelled and options.unlabelled == "error":
        raise location_error("no label (importing.unlabelled=error)", source, unlabelled[0].where)
    if not imported:
        raise AnnotationError(f"no labelled rows ({len(unlabelled)} rows without a label)", source)
    where = {row.id: describe_place(tool.where) for row, tool in zip(imported, [r for r in rows if r.label])}
    log = store_path.parent / LOG_FILE
    with locked(store_lock(store_path)):
        reconcile_log(log, store_path)
        stored = load_annotations(store_path, labels) if store_path.is_file() else []
        result = merge(stored, imported, options.on_conflict, where)
        say(f"Read {len(rows)} row{'s' if len(rows) != 1 else ''} ({fmt}) from {source}: {len(imported)} labelled"
            + (f", {len(unlabelled)} without a label (skipped)" if unlabelled else ""))
        for conflict in result.conflicts:
            say(describe_conflict(conflict))
        if result.conflicts and result.policy == "stop":
            raise AnnotationConflictError(
                f"{len(result.conflicts)} sentence(s) already labelled otherwise in {store_path} (listed above); "
                "nothing was changed. Settle them with importing.on_conflict=keep (keep the store's labels) or "
                "importing.on_conflict=replace (take the imported ones; the old ones stay in the import log)", source)
        before = sha256(store_path) if store_path.is_file() else None
        snapshot = keep_snapshot(store_path) if result.changes_store else None
        after_text = "".join(row.to_json() + "\n" for row in result.rows)
        from ..files import sha256_bytes

        after = sha256_bytes(after_text.encode("utf-8")) if result.changes_store else before
        entry = log_entry(result, when=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                          by=options.by or _login(), source=source, source_sha256=sha256(source), fmt=fmt,
                          store=store_path, store_before=before, store_after=after, snapshot=snapshot,
                          rows_in_file=len(rows), unlabelled=len(unlabelled))
        append_log(log, entry)
        if result.changes_store:
            write_annotations(store_path, result.rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "import.json", entry)
    resolution = {"keep": "kept the store's label", "replace": "took the imported label"}.get(result.policy, "")
    say(f"Added {entry['added']}, unchanged {entry['unchanged']}, changed {entry['changed']}, "
        f"conflicting {entry['conflicting']}" + (f" ({resolution})" if result.conflicts else "")
        + f"; {store_path} now holds {len(result.rows)} sentences. Logged in {log}")
    return entry
