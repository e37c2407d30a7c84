"""files.py: spreadsheet-safe cells, leftovers of killed writers, atomic writes."""

import os
import subprocess
import sys
import time

import pytest

from stance.files import from_spreadsheet_safe, remove_stale, spreadsheet_safe, write_text_atomic


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=", "-"])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe_and_come_back(cell):
    assert spreadsheet_safe(cell) == "'" + cell
    assert from_spreadsheet_safe(spreadsheet_safe(cell)) == cell


@pytest.mark.parametrize("cell", ["Fox News", "", " =x", "'quoted", "1-2", -0.25, 3, None])
def test_other_cells_pass_unchanged(cell):
    assert spreadsheet_safe(cell) == cell
    if isinstance(cell, str):
        assert from_spreadsheet_safe(cell) == cell


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_a_killed_writer_are_removed_and_live_ones_kept(tmp_path):
    dead, alive = _dead_pid(), os.getpid()
    stale_tmp = tmp_path / f".CURRENT.ab12cd34.{dead}.tmp"
    live_tmp = tmp_path / f".HISTORY.zz99yy88.{alive}.tmp"
    stale_dir = tmp_path / f".staging-{dead}-x1y2z3"
    live_dir = tmp_path / f".staging-{alive}-q1w2e3"
    old_legacy = tmp_path / ".CURRENT.abcd1234.tmp"
    new_legacy = tmp_path / ".HISTORY.efgh5678.tmp"
    user_file = tmp_path / ".my-notes.tmp"
    for path in (stale_tmp, live_tmp, old_legacy, new_legacy, user_file):
        path.write_text("x")
    for path in (stale_dir, live_dir):
        path.mkdir()
        (path / "model.skops").write_text("half")
    hour_ago = time.time() - 7200
    os.utime(old_legacy, (hour_ago, hour_ago))
    os.utime(user_file, (hour_ago, hour_ago))
    removed = remove_stale(tmp_path)
    assert sorted(p.name for p in removed) == sorted([stale_tmp.name, stale_dir.name, old_legacy.name])
    assert live_tmp.exists() and live_dir.exists() and new_legacy.exists() and user_file.exists()


def test_atomic_write_names_its_temporary_file_after_its_process(tmp_path, monkeypatch):
    seen = []
    original = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (seen.append(os.path.basename(src)), original(src, dst)))
    write_text_atomic(tmp_path / "CURRENT", "x\n")
    assert seen and seen[0].startswith(".CURRENT.") and seen[0].endswith(f".{os.getpid()}.tmp")
