"""Merging imported annotations into the store: nothing lost, conflicts never silent."""

import json
from dataclasses import replace

import pytest

from stance.annotations import load_annotations, write_annotations
from stance.files import sha256
from stance.merge import append_log, describe_conflict, find_snapshot, keep_snapshot, log_entry, merge
from tests.conftest import SEED_ANNOTATIONS

LABELS = ["advocate", "caution", "neutral"]


@pytest.fixture(scope="module")
def seed_rows():
    return load_annotations(SEED_ANNOTATIONS, LABELS)


@pytest.fixture
def batch(seed_rows):
    """An import: one new sentence, one labelled as in the store, one relabelled."""
    stored = seed_rows[:150]
    relabelled = replace(stored[3], label="advocate" if stored[3].label != "advocate" else "caution", annotator="bob",
                         note="reads as a threat")
    return stored, [replace(seed_rows[160], annotator="bob"), replace(stored[7], annotator="bob"), relabelled]


def test_new_sentences_are_added_after_the_store_and_same_labels_change_nothing(batch):
    stored, imported = batch
    result = merge(stored, imported[:2], "stop")
    assert result.rows == stored + [imported[0]]
    assert result.added == [imported[0]] and result.unchanged == [imported[1]] and not result.conflicts
    assert result.changes_store


def test_each_conflict_policy_does_what_it_says(batch):
    stored, imported = batch
    relabelled = imported[2]
    kept = merge(stored, imported, "keep")
    assert kept.rows[3] == stored[3] and len(kept.conflicts) == 1 and not kept.replaced
    replaced = merge(stored, imported, "replace")
    assert replaced.rows[3] == relabelled and replaced.replaced == replaced.conflicts
    assert len(replaced.rows) == len(stored) + 1  # replaced in place, nothing dropped
    stopped = merge(stored, imported, "stop")
    assert stopped.conflicts[0].stored == stored[3] and stopped.conflicts[0].imported == relabelled
    with pytest.raises(ValueError, match="unknown conflict policy"):
        merge(stored, imported, "overwrite")


def test_a_conflict_is_described_with_both_labels_and_both_annotators(batch):
    stored, imported = batch
    conflict = merge(stored, imported, "stop", where={imported[2].id: "line 3"}).conflicts[0]
    text = describe_conflict(conflict)
    assert f"in the store: {stored[3].label} by {stored[3].annotator}" in text
    assert f"imported:     {imported[2].label} by bob (note: reads as a threat) [line 3]" in text


def test_the_store_before_an_import_is_kept_once_and_found_by_its_hash(tmp_path, seed_rows):
    store = write_annotations(tmp_path / "ann" / "mine.jsonl", seed_rows[:10])
    sha = sha256(store)
    snapshot = keep_snapshot(store)
    assert snapshot.read_bytes() == store.read_bytes() and keep_snapshot(store) == snapshot
    write_annotations(store, seed_rows[:11])
    assert find_snapshot(store.parent, sha) == snapshot
    assert find_snapshot(store.parent, sha256(store)) is None
    assert keep_snapshot(tmp_path / "none.jsonl") is None


def test_every_import_appends_one_log_line_with_the_replaced_labels(tmp_path, batch):
    stored, imported = batch
    result = merge(stored, imported, "replace")
    log = tmp_path / "imports.jsonl"
    for n in (1, 2):
        entry = log_entry(result, when="2026-11-22T10:00:00+00:00", by="alice", source=tmp_path / "x.jsonl",
                          source_sha256="abc", fmt="doccano", store=tmp_path / "s.jsonl", store_before="1",
                          store_after="2", snapshot=None, rows_in_file=4, unlabelled=1)
        append_log(log, entry)
        assert len(log.read_text().splitlines()) == n
    logged = json.loads(log.read_text().splitlines()[-1])
    assert (logged["added"], logged["unchanged"], logged["changed"], logged["conflicting"]) == (1, 1, 1, 1)
    assert logged["conflicts"][0]["stored"]["label"] == stored[3].label
    assert logged["conflicts"][0]["resolution"] == "replaced" and logged["by"] == "alice"
