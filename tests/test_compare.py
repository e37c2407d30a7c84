"""`stance compare DIR`: a sweep's runs ranked by a metric, with the overrides that made each."""

import csv
import json
import os
import subprocess
import sys

import pytest

from stance.compare import find_runs, format_ranking, metric_value, rank_runs
from stance.errors import ConfigError, RunFolderError
from stance.settings import PROJECT_ROOT


def stance(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stance.cli", *args], capture_output=True, text=True,
                          cwd=cwd or PROJECT_ROOT, env={**os.environ, "HYDRA_FULL_ERROR": "0"}, timeout=900)


def _run_folder(root, name, metrics, overrides):
    folder = root / name
    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides), encoding="utf-8")
    if metrics is not None:
        (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A real four-run sweep of the seed set through the joblib launcher (small: 2 folds)."""
    root = tmp_path_factory.mktemp("sweep")
    result = stance("train", "-m", "annotations=seed", "model.C=0.1,10", "features=word,word_cues", "eval=stratified_kfold", "eval.k=2",
                    f"store.dir={root / 'models'}", f"hydra.sweep.dir={root / 'multirun'}")
    assert result.returncode == 0, result.stderr
    return root


def test_a_sweep_runs_every_job_and_promotes_none_of_them(sweep):
    jobs = sorted(p for p in (sweep / "multirun").iterdir() if p.is_dir())
    assert [p.name for p in jobs] == ["0", "1", "2", "3"]
    for job in jobs:
        for name in ("metrics.json", "model_card.json", "reproduce.sh", ".hydra/overrides.yaml"):
            assert (job / name).is_file(), f"{job.name}/{name}"
    versions = [p for p in (sweep / "models").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(versions) == 4
    assert not (sweep / "models" / "CURRENT").exists()  # store.sweep_promote=never


def test_compare_ranks_a_real_sweep_by_its_metrics(sweep):
    result = stance("compare", str(sweep / "multirun"), f"hydra.run.dir={sweep / 'compare'}")
    assert result.returncode == 0, result.stderr
    with open(sweep / "compare" / "comparison.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = {}
    for job in (sweep / "multirun").iterdir():
        if job.is_dir():
            expected[job.name] = json.loads((job / "metrics.json").read_text())["macro_f1"]
    assert [row["run"] for row in rows] == sorted(expected, key=lambda name: (-expected[name], name))
    assert [float(row["macro_f1"]) for row in rows] == pytest.approx(sorted(expected.values(), reverse=True))
    assert {row["overrides"] for row in rows} >= {f"annotations=seed model.C=10 features=word_cues eval=stratified_kfold eval.k=2 "
                                                  f"store.dir={sweep / 'models'}"}
    assert "Runs ranked by macro_f1" in result.stdout
    assert f"Every run also had: annotations=seed eval=stratified_kfold eval.k=2 store.dir={sweep / 'models'}" in result.stdout


def test_equal_figures_share_a_rank_and_dotted_metrics_reach_nested_figures(tmp_path):
    _run_folder(tmp_path, "a", {"macro_f1": 0.5, "cv": {"f_avg": 0.61}}, ["model.C=1"])
    _run_folder(tmp_path, "b", {"macro_f1": 0.7, "cv": {"f_avg": 0.60}}, ["model.C=3"])
    _run_folder(tmp_path, "c", {"macro_f1": 0.5, "cv": {"f_avg": 0.62}}, ["model.C=10"])
    runs, without = find_runs(tmp_path)
    by_macro = rank_runs(runs, "macro_f1", without).table
    assert list(by_macro["run"]) == ["b", "a", "c"] and list(by_macro["rank"]) == [1, 2, 2]
    by_cv = rank_runs(runs, "cv.f_avg", without).table
    assert list(by_cv["run"]) == ["c", "a", "b"] and list(by_cv["varying"]) == ["model.C=10", "model.C=1", "model.C=3"]


def test_runs_without_the_metric_or_without_metrics_are_listed_not_ranked(tmp_path):
    _run_folder(tmp_path, "0", {"macro_f1": 0.6}, ["features=word"])
    _run_folder(tmp_path, "1", {"f_avg": 0.66, "macro_f1": 0.5}, ["+experiment=semeval2016"])
    _run_folder(tmp_path, "2", None, ["model.C=0"])  # a job that failed before writing metrics
    runs, without = find_runs(tmp_path)
    ranking = rank_runs(runs, "f_avg", without)
    assert list(ranking.table["run"]) == ["1"]
    assert dict(ranking.unranked) == {"2": "no metrics.json (failed or unfinished)",
                                      "0": "metrics.json has no number at 'f_avg'"}
    assert "Not ranked: 2: no metrics.json" in format_ranking(ranking)


def test_the_command_line_subcommand_is_not_shown_as_an_override(tmp_path):
    _run_folder(tmp_path, "0", {"macro_f1": 0.6}, ["model.C=3", "command=train"])
    runs, _ = find_runs(tmp_path)
    assert runs[0].overrides == ["model.C=3"]


def test_a_broken_metrics_file_is_named_in_the_error(tmp_path):
    folder = _run_folder(tmp_path, "0", None, ["model.C=1"])
    (folder / "metrics.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RunFolderError, match=r"0/metrics.json: not valid JSON"):
        find_runs(tmp_path)


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no such folder to compare"):
        find_runs(tmp_path / "multirun" / "nope")
    result = stance("compare", str(tmp_path / "nope"), f"hydra.run.dir={tmp_path / 'run'}")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "no such folder to compare" in result.stderr


def test_metric_value_ignores_what_is_not_a_number():
    metrics = {"macro_f1": 0.5, "protocol": "holdout", "per_label": {"caution": {"f1": 0.25}}, "flag": True}
    assert metric_value(metrics, "per_label.caution.f1") == 0.25
    assert metric_value(metrics, "protocol") is None and metric_value(metrics, "flag") is None
    assert metric_value(metrics, "per_label.advocate.f1") is None
