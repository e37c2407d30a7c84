"""The `stance` command as a user runs it: help, one-line errors, exit codes, run folders."""

import os
import subprocess
import sys


from stance.settings import PROJECT_ROOT


def stance(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stance.cli", *args], capture_output=True, text=True,
                          cwd=cwd or PROJECT_ROOT, env={**os.environ, "HYDRA_FULL_ERROR": "0"}, timeout=300)


def test_help_lists_every_command_with_an_example():
    top = stance("--help")
    assert top.returncode == 0
    for name in ("run", "train", "evaluate", "predict", "report", "models", "promote"):
        assert f"  {name}" in top.stdout
    sub = stance("predict", "--help")
    assert sub.returncode == 0 and "stance predict corpus.path=DIR actors.path=FILE" in sub.stdout


def test_unknown_command_fails_cleanly():
    result = stance("frobnicate")
    assert result.returncode == 2 and "unknown command 'frobnicate'" in result.stderr


def test_bad_input_is_one_line_on_stderr_with_nonzero_exit(tmp_path, corpus_copy, trained_models):
    (corpus_copy / "manifest.csv").write_text("doc_id,path,outlet,title,date,author,url\nx,missing.txt,O,,,,\n",
                                              encoding="utf-8")
    result = stance("predict", f"corpus.path={corpus_copy}", f"store.dir={trained_models}",
                    f"hydra.run.dir={tmp_path / 'run'}")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0] == (f"stance predict: error: {corpus_copy / 'manifest.csv'}:2: "
                        "file 'missing.txt' listed for 'x' does not exist")
    assert not (tmp_path / "run" / "predictions.jsonl").exists()


def test_train_via_cli_writes_its_run_folder(tmp_path):
    run_dir = tmp_path / "run"
    result = stance("train", "annotations=seed", "eval=stratified_kfold", "eval.k=3", f"store.dir={tmp_path / 'models'}",
                    f"hydra.run.dir={run_dir}")
    assert result.returncode == 0, result.stderr
    assert "macro-F1" in result.stdout
    for name in ("metrics.json", "model_card.json", "cv_predictions.jsonl", ".hydra/config.yaml", ".hydra/overrides.yaml"):
        assert (run_dir / name).is_file(), name
    listed = stance("models", f"store.dir={tmp_path / 'models'}", f"hydra.run.dir={tmp_path / 'm'}")
    assert listed.returncode == 0 and listed.stdout.startswith("* ")


def test_relative_paths_resolve_against_the_launch_directory(tmp_path):
    (tmp_path / "ann.jsonl").write_text("", encoding="utf-8")
    result = stance("train", "annotations.path=ann.jsonl", f"store.dir={tmp_path / 'models'}",
                    f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path / 'ann.jsonl'}: empty file" in result.stderr
