"""Every run folder holds the command that reproduces it, and running it gives the same numbers."""

import json
import os
import subprocess
import sys

from stance.reproduce import reproduce_script, stance_command
from stance.settings import PROJECT_ROOT


def test_the_command_quotes_what_a_shell_would_split():
    assert stance_command("train", ["model.C=3", "annotations.path=my notes.jsonl"]) == \
        "stance train model.C=3 'annotations.path=my notes.jsonl'"


def test_the_script_runs_from_the_launch_folder_and_passes_extra_arguments_on():
    script = reproduce_script("train", ["+experiment=word_ngrams"], "/data/my project", python="/venv/bin/python",
                              version="stance 0.1.0")
    lines = script.splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "#   stance train +experiment=word_ngrams" in lines
    assert "cd '/data/my project' || exit 1" in lines
    assert lines[-1] == 'exec /venv/bin/python -m stance.cli train +experiment=word_ngrams "$@"'


def test_running_a_run_folders_reproduce_sh_gives_the_same_metrics(tmp_path):
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    first = tmp_path / "first"
    subprocess.run([sys.executable, "-m", "stance.cli", "train", "+experiment=word_ngrams", "annotations=seed",
                    "eval=stratified_kfold", "eval.k=2", f"store.dir={tmp_path / 'models'}", f"hydra.run.dir={first}"],
                   check=True, capture_output=True, cwd=PROJECT_ROOT, env=env, timeout=600)
    script = first / "reproduce.sh"
    assert os.access(script, os.X_OK)
    assert f"stance train +experiment=word_ngrams annotations=seed eval=stratified_kfold eval.k=2 " \
           f"store.dir={tmp_path / 'models'}" \
        in script.read_text()
    again = tmp_path / "again"
    subprocess.run([str(script), f"hydra.run.dir={again}"], check=True, capture_output=True, cwd=tmp_path, env=env,
                   timeout=600)
    assert json.loads((again / "metrics.json").read_text()) == json.loads((first / "metrics.json").read_text())
    first_card = json.loads((first / "model_card.json").read_text())
    again_card = json.loads((again / "model_card.json").read_text())
    assert again_card["model_sha256"] == first_card["model_sha256"]


def test_an_override_holding_a_newline_cannot_run_a_command(tmp_path):
    marker = tmp_path / "injected"
    overrides = [f"corpus.title=x\ntouch {marker}", f"note=\r\u2028touch {marker}", "a='b'; touch " + str(marker)]
    script = tmp_path / "reproduce.sh"
    script.write_text(reproduce_script("train", overrides, tmp_path, python="/bin/echo", version="v\ntouch " + str(marker)))
    result = subprocess.run(["sh", str(script)], capture_output=True, text=True)
    assert result.returncode == 0 and not marker.exists()
    comments = [line for line in script.read_text().splitlines() if line.startswith("#")]
    assert len(comments) == 3 and "x\\x0atouch" in comments[2]
    # the command itself still receives each override exactly
    assert result.stdout.startswith("-m stance.cli train corpus.title=x\ntouch ")
