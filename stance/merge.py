"""Merging imported annotations into the project's annotation store, without losing any.

A sentence the store lacks is added; the same label again changes nothing; another label
is a conflict, which the policy resolves (``keep`` the stored label, ``replace`` it, or
``stop``) and which is always reported with both versions. Every import is logged in
``imports.jsonl`` next to the store, and the store as it was before is kept under
``snapshots/`` (named by its SHA-256), so a replaced label is never gone and a model can
always find the exact annotations it was trained on.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .annotations import Annotation
from .errors import AnnotationError
from .files import iter_jsonl, sha256, write_atomic

POLICIES = ("stop", "keep", "replace")
LOG_FILE = "imports.jsonl"
SNAPSHOT_DIR = "snapshots"


@dataclass(frozen=True)
class Conflict:
    """A sentence the store labels one way and the import another."""

    stored: Annotation
    imported: Annotation
    where: str = ""  # the imported row's line or task, for the report


@dataclass(frozen=True)
class MergeResult:
    """The merged store (stored rows in their order, new rows after) and what changed."""

    rows: list[Annotation]
    added: list[Annotation]
    unchanged: list[Annotation]
    conflicts: list[Conflict]
    policy: str
    replaced: list[Conflict] = field(default_factory=list)

    @property
    def changes_store(self) -> bool:
        return bool(self.added or self.replaced)


def merge(stored: Sequence[Annotation], imported: Sequence[Annotation], policy: str,
          where: dict[str, str] | None = None) -> MergeResult:
    """Merge ``imported`` into ``stored`` by sentence id. With ``stop`` the conflicts are
    returned unresolved (the stored label stays) for the caller to refuse the import."""
    if policy not in POLICIES:
        raise ValueError(f"unknown conflict policy {policy!r}; expected one of {', '.join(POLICIES)}")
    where = where or {}
    by_id = {row.id: row for row in stored}
    added, unchanged, conflicts = [], [], []
    for row in imported:
        old = by_id.get(row.id)
        if old is None:
            added.append(row)
        elif old.label == row.label:
            unchanged.append(row)
        else:
            conflicts.append(Conflict(old, row, where.get(row.id, "")))
    replaced = conflicts if policy == "replace" else []
    replacement = {c.stored.id: c.imported for c in replaced}
    rows = [replacement.get(row.id, row) for row in stored] + added
    return MergeResult(rows, added, unchanged, conflicts, policy, list(replaced))


def describe_conflict(conflict: Conflict) -> str:
    """Both versions of a conflicting sentence, with who labelled each, for the terminal."""
    def side(row: Annotation) -> str:
        note = f" (note: {row.note})" if row.note else ""
        return f"{row.label} by {row.annotator or 'unnamed annotator'}{note}"

    text = conflict.stored.text if len(conflict.stored.text) <= 100 else conflict.stored.text[:97] + "..."
    imported_from = f" [{conflict.where}]" if conflict.where else ""
    return (f"conflict {conflict.stored.id}: \"{text}\"\n"
            f"    in the store: {side(conflict.stored)}\n"
            f"    imported:     {side(conflict.imported)}{imported_from}")


def snapshot_name(store: Path, digest: str) -> str:
    return f"{store.stem}-{digest[:16]}{store.suffix}"


def keep_snapshot(store: Path) -> Path | None:
    """Copy the store, as it is now, to ``snapshots/`` next to it (once per content)."""
    if not store.is_file():
        return None
    target = store.parent / SNAPSHOT_DIR / snapshot_name(store, sha256(store))
    if not target.is_file():
        write_atomic(target, lambda tmp: shutil.copyfile(store, tmp))
    return target


def find_snapshot(folder: Path, digest: str) -> Path | None:
    """A kept snapshot of an annotation store with this SHA-256, if any (checked)."""
    snapshots = folder / SNAPSHOT_DIR
    if not snapshots.is_dir():
        return None
    for path in sorted(snapshots.glob(f"*-{digest[:16]}.*")):
        if sha256(path) == digest:
            return path
    return None


def _row_record(row: Annotation) -> dict:
    return {"label": row.label, "annotator": row.annotator, "note": row.note}


def log_entry(result: MergeResult, *, when: str, by: str, source: Path, source_sha256: str, fmt: str,
              store: Path, store_before: str | None, store_after: str | None, snapshot: Path | None,
              rows_in_file: int, unlabelled: int) -> dict:
    """One line of the import log: who imported which file when, and what it changed."""
    resolution = {"replace": "replaced", "keep": "kept", "stop": "refused"}[result.policy]
    return {
        "time": when, "by": by, "file": str(source), "file_sha256": source_sha256, "format": fmt,
        "store": str(store), "store_sha256_before": store_before, "store_sha256_after": store_after,
        "snapshot_before": str(snapshot) if snapshot else None, "conflict_policy": result.policy,
        "rows_in_file": rows_in_file, "unlabelled_skipped": unlabelled, "added": len(result.added),
        "unchanged": len(result.unchanged), "changed": len(result.replaced), "conflicting": len(result.conflicts),
        "added_ids": [row.id for row in result.added],
        "conflicts": [{"id": c.stored.id, "text": c.stored.text, "stored": _row_record(c.stored),
                       "imported": {**_row_record(c.imported), "where": c.where}, "resolution": resolution}
                      for c in result.conflicts],
    }


def append_log(log: Path, entry: dict) -> Path:
    """Append an entry to the import log atomically (the old log is never half-rewritten)."""
    old = log.read_text(encoding="utf-8") if log.is_file() else ""
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    return write_atomic(log, lambda tmp: tmp.write_text(old + line, encoding="utf-8"))


def store_lock(store: Path) -> Path:
    """The lock file guarding an annotation store's read-merge-write (beside it)."""
    return store.parent / f".{store.name}.lock"


def reconcile_log(log: Path, store: Path) -> dict | None:
    """After an interrupted import: the log is written before the store, so its last entry
    may describe a store that was never written. If the store still has that entry's
    ``store_sha256_before``, append a note that the import was not applied; returns it."""
    if not log.is_file() or not store.is_file():
        return None
    last = None
    for _, entry in iter_jsonl(log, AnnotationError):
        last = entry
    if not last or last.get("interrupted") or "store_sha256_after" not in last:
        return None
    current = sha256(store)
    if current == last.get("store_sha256_after") or current != last.get("store_sha256_before"):
        return None
    note = {"time": last.get("time"), "interrupted": True, "file": last.get("file"),
            "note": "the import above was interrupted before the store was written: it was not applied",
            "store_sha256": current}
    append_log(log, note)
    return note
