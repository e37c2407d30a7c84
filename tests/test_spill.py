"""Spilled columns and texts read back exactly what was appended, and leave no file behind."""

from __future__ import annotations

import numpy as np
import pytest

from stance.spill import Column, Texts


def _filled(folder, rows: np.ndarray, spill_every: int) -> Column:
    column = Column(np.int32, rows.shape[1], folder)
    for i in range(len(rows)):
        column.extend(rows[i:i + 1])
        if i % spill_every == spill_every - 1:
            column.spill(i)  # the last row stays in memory, still changeable
    return column


def test_a_spilled_column_reads_back_every_row_in_order_and_by_index(tmp_path):
    rows = np.random.default_rng(3).integers(0, 1000, size=(5000, 3)).astype(np.int32)
    column = _filled(tmp_path, rows, 700)
    assert 0 < column.start < len(rows)  # most rows are on disk, the newest in memory
    assert np.array_equal(column.values(), rows)
    picked = np.array([4999, 0, 2100, 699, 700, 3])
    assert np.array_equal(column.take(picked), rows[picked])
    column.widen(5)
    assert np.array_equal(column.values()[:, :3], rows) and not column.values()[:, 3:].any()
    column.close()


def test_without_a_folder_nothing_goes_to_disk_and_the_rows_are_the_same(tmp_path):
    rows = np.arange(30, dtype=np.int32).reshape(10, 3)
    column = _filled(None, rows, 3)
    assert column.start == 0 and np.array_equal(column.values(), rows)


def test_spill_files_are_anonymous_so_no_file_is_left_in_the_run_folder(tmp_path):
    column = _filled(tmp_path, np.ones((200, 2), dtype=np.int32), 50)
    texts = Texts(tmp_path)
    texts.extend(["a", "b"])
    texts.spill(2)
    assert column.start > 0 and texts.start == 2
    assert list(tmp_path.iterdir()) == []  # unlinked when created: nothing to clean after a killed run


@pytest.mark.parametrize("nul", [False, True])  # a string ending in NUL takes the slower exact path
def test_spilled_texts_keep_every_string_and_their_sorted_ranks(tmp_path, nul):
    words = ["Zeta", "alpha", "Ünal", "", "alpha", "Beta", "b\0" if nul else "b"] * 50
    texts = Texts(tmp_path)
    for i, word in enumerate(words):
        texts.append(word)
        if i % 40 == 39:
            texts.spill(i)
    assert texts.start > 0 and texts.values() == words
    assert np.array_equal(texts.ranks(), np.unique(np.array(words, dtype=object), return_inverse=True)[1])
