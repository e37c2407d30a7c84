"""Experiments as named configs (`+experiment=NAME`), the benchmark command and its errors."""

import os
import subprocess
import sys

import pytest
import yaml

from stance.cli.benchmark import benchmark
from stance.cli.train import train
from stance.settings import CONFIG_DIR, PROJECT_ROOT

PRESETS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))
SEED_PRESETS = [name for name in PRESETS if name != "semeval2016"]


def stance(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stance.cli", *args], capture_output=True, text=True,
                          cwd=cwd or PROJECT_ROOT, env={**os.environ, "HYDRA_FULL_ERROR": "0"}, timeout=600)


def test_the_presets_the_issue_asks_for_exist_and_start_with_the_global_package():
    assert {"word_ngrams", "word_char_ngrams", "word_char_cues", "word_char_cues_unweighted",
            "leave_one_outlet_out", "leave_one_original_outlet_out", "semeval2016"} <= set(PRESETS)
    for name in PRESETS:
        text = (CONFIG_DIR / "experiment" / f"{name}.yaml").read_text(encoding="utf-8")
        assert text.startswith("# @package _global_\n"), name


@pytest.mark.parametrize("name, word, char, cues, class_weight", [
    ("word_ngrams", True, False, False, "balanced"),
    ("word_char_ngrams", True, True, False, "balanced"),
    ("word_char_cues", True, True, True, "balanced"),
    ("word_char_cues_unweighted", True, True, True, None),
])
def test_each_feature_preset_switches_what_its_name_says(make_cfg, name, word, char, cues, class_weight):
    cfg = make_cfg(f"+experiment={name}")
    assert tuple(cfg.features[part]["enabled"] for part in ("word", "char", "cues")) == (word, char, cues)
    assert cfg.model["class_weight"] == class_weight
    assert cfg.eval.protocol == "leave_one_article_out"


def test_a_command_line_setting_wins_over_the_preset(make_cfg):
    cfg = make_cfg("+experiment=word_ngrams", "eval=stratified_kfold", "model.C=3")
    assert cfg.eval.protocol == "stratified_kfold" and cfg.model["C"] == 3 and not cfg.features["char"]["enabled"]


@pytest.mark.parametrize("name", [n for n in SEED_PRESETS if not n.startswith("leave_one_")])
def test_each_seed_preset_trains_and_records_its_setup(make_cfg, tmp_path, name):
    # two folds keep this quick; the preset's own protocol is checked above
    cfg = make_cfg(f"+experiment={name}", "eval=stratified_kfold", "eval.k=2", "store.promote=never")
    result = train(cfg, tmp_path / "run")
    metrics = result["metrics"]
    assert metrics["n"] == 181 and 0.0 < metrics["macro_f1"] <= 1.0
    assert metrics["config"]["features"] == cfg.features and metrics["config"]["model"] == cfg.model
    assert (tmp_path / "models" / result["version"] / "model.skops").is_file()


@pytest.mark.parametrize("name, outlets", [
    ("leave_one_outlet_out", {"Antiwar.com", "Small Wars Journal", "The Jerusalem Post", "Al-Masdar News",
                              "Unattributed republication (machine translation)"}),
    # the Small Wars Journal round-up (New York Times; Washington Post) and the machine translation
    # (New York Times) share the New York Times article, so they are held out together
    ("leave_one_original_outlet_out", {"Antiwar.com", "New York Times + Washington Post", "The Jerusalem Post",
                                       "Al-Masdar News"}),
])
def test_leave_one_outlet_out_holds_out_each_outlet_once(make_cfg, tmp_path, name, outlets):
    metrics = train(make_cfg(f"+experiment={name}", "store.promote=never"), tmp_path / "run")["metrics"]
    assert metrics["protocol"] == name
    assert {fold["fold"] for fold in metrics["folds"]} == outlets
    assert sum(fold["n_test"] for fold in metrics["folds"]) == 181
    spread = metrics["fold_macro_f1"]
    assert spread["min"] <= spread["mean"] <= spread["max"]


def test_the_semeval_preset_keeps_labels_mapping_and_published_figures_in_config(make_cfg):
    cfg = make_cfg("+experiment=semeval2016")
    assert list(cfg.annotations.labels) == ["FAVOR", "AGAINST", "NONE"]
    assert list(cfg.eval.f_avg_labels) == ["FAVOR", "AGAINST"]
    assert cfg.benchmark["label_map"] == {"0": "NONE", "1": "AGAINST", "2": "FAVOR"}
    assert {p["f_avg"] for p in cfg.benchmark["published"]} >= {68.98, 67.82, 65.22}
    assert cfg.benchmark["path"].endswith("shared/datasets/semeval2016-stance")
    assert "semeval" not in str(yaml.safe_load((CONFIG_DIR / "config.yaml").read_text())["defaults"])


def test_the_benchmark_without_its_data_says_so_in_one_line(tmp_path):
    result = stance("benchmark", f"benchmark.path={tmp_path / 'missing'}",
                    f"store.dir={tmp_path / 'models'}", f"hydra.run.dir={tmp_path / 'run'}")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"stance benchmark: error: {tmp_path / 'missing'}: SemEval-2016 stance data folder "
                                     "not found; set benchmark.path=DIR to the folder holding abortion, atheism, "
                                     "climate, feminist, hillary and mapping.txt")
    assert not (tmp_path / "run" / "metrics.json").exists() and not (tmp_path / "models").exists()


def test_a_benchmark_label_map_outside_the_label_set_is_a_config_error(make_cfg, tmp_path):
    from stance.errors import ConfigError

    with pytest.raises(ConfigError, match="benchmark.label_map names AGAINST, FAVOR, NONE, not in annotations.labels"):
        benchmark(make_cfg("+experiment=semeval2016", "annotations.labels=[advocate,caution,neutral]",
                           "eval.f_avg_labels=[advocate]", "report.net.plus=advocate", "report.net.minus=caution"),
                  tmp_path / "run")


def test_training_on_the_benchmark_preset_points_to_the_benchmark_command(make_cfg, tmp_path):
    from stance.errors import ConfigError

    with pytest.raises(ConfigError, match="run it with `stance benchmark`"):
        train(make_cfg("+experiment=semeval2016"), tmp_path / "run")
