"""Same config and seed -> identical metrics and an identical model file (SHA-256)."""

import json
import os
import subprocess
import sys

from stance.cli.train import train
from stance.settings import PROJECT_ROOT


def _train_in_fresh_process(tmp_path, name, hash_seed):
    """Train in a new interpreter, with its own hash seed: set orders must not leak into the file."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    subprocess.run([sys.executable, "-m", "stance.cli", "train", "annotations=seed", "eval=leave_one_article_out", f"store.dir={tmp_path / name}",
                    f"hydra.run.dir={tmp_path / ('run_' + name)}"], check=True, cwd=PROJECT_ROOT, env=env,
                   capture_output=True, timeout=600)
    return json.loads((tmp_path / ("run_" + name) / "model_card.json").read_text())


def test_training_twice_gives_the_same_metrics_and_model_hash(tmp_path):
    card_a = _train_in_fresh_process(tmp_path, "a", 1)
    card_b = _train_in_fresh_process(tmp_path, "b", 2)
    assert card_a["model_sha256"] == card_b["model_sha256"]
    metrics_a = json.loads((tmp_path / "run_a" / "metrics.json").read_text())
    metrics_b = json.loads((tmp_path / "run_b" / "metrics.json").read_text())
    assert metrics_a == metrics_b


def test_a_different_seed_changes_the_shuffled_protocol_but_not_the_contract(make_cfg, tmp_path):
    a = train(make_cfg("eval=stratified_kfold", "seed=1", "store.promote=never"), tmp_path / "s1")["metrics"]
    b = train(make_cfg("eval=stratified_kfold", "seed=2", "store.promote=never"), tmp_path / "s2")["metrics"]
    assert a["n"] == b["n"] == 181
    assert sum(f["n_test"] for f in a["folds"]) == sum(f["n_test"] for f in b["folds"]) == 181
    assert [f["n_test"] for f in a["folds"]] != [f["n_test"] for f in b["folds"]] or a["folds"] != b["folds"]
