"""Projects: `stance init DIR` makes a folder every command works from, outside the checkout;
the shipped seed project is package data, read-only when installed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stance import project, store
from stance.errors import ConfigError
from stance.project import PROJECT_FILE, find_project, init_project
from stance.settings import PROJECT_ROOT

from conftest import SEED_ACTORS, SEED_CORPUS


def stance(*args, cwd):
    return subprocess.run([sys.executable, "-m", "stance.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "HYDRA_FULL_ERROR": "0"}, timeout=600)


def checkout_state() -> dict[str, float]:
    """Every file of the checkout's seed project (conf, data, models) with its modification time."""
    return {str(p): p.stat().st_mtime for folder in ("conf", "data", "models")
            for p in (PROJECT_ROOT / folder).rglob("*")}


def test_init_makes_a_project_with_templates_and_the_shipped_model(tmp_path):
    init_project(tmp_path / "proj")
    root = tmp_path / "proj"
    for name in (PROJECT_FILE, "actors.yaml", "clean/project.yaml", "corpus/manifest.csv",
                 "annotations/annotations.jsonl", "models/CURRENT", "README.md"):
        assert (root / name).is_file(), name
    assert (root / "outputs").is_dir()
    assert (root / "corpus" / "manifest.csv").read_text().startswith("doc_id,path,outlet,title,date,author,url")
    current = (root / "models" / "CURRENT").read_text().strip()
    assert (root / "models" / current / store.MODEL_FILE).is_file()
    assert current == (PROJECT_ROOT / "models" / "CURRENT").read_text().strip()


def test_init_never_writes_into_a_folder_that_holds_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match="not an empty folder"):
        init_project(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_project_is_found_from_a_subfolder_by_flag_or_else_is_the_seed(tmp_path, monkeypatch):
    monkeypatch.delenv(project.PROJECT_ENV, raising=False)
    init_project(tmp_path / "proj")
    inner = tmp_path / "proj" / "corpus"
    assert find_project(inner).root == (tmp_path / "proj").resolve()
    assert find_project(tmp_path, explicit=str(tmp_path / "proj")).root == (tmp_path / "proj").resolve()
    assert find_project(tmp_path).shipped and find_project(tmp_path).root == PROJECT_ROOT
    with pytest.raises(ConfigError, match="not a stance project"):
        find_project(tmp_path, explicit=str(tmp_path))


def test_the_installed_seed_project_is_read_only(tmp_path, monkeypatch):
    installed = tmp_path / "site-packages" / "stance" / "resources"
    (installed / "models").mkdir(parents=True)
    monkeypatch.setattr(project, "shipped_root", lambda: installed)
    with pytest.raises(ConfigError, match="read-only in an installed package"):
        project.check_writable(installed / "models", "the model store")
    project.check_writable(tmp_path / "proj" / "models", "the model store")  # anywhere else is fine
    monkeypatch.setattr(project, "shipped_root", lambda: PROJECT_ROOT)
    project.check_writable(PROJECT_ROOT / "models", "the model store")  # a source checkout is a developer's


def test_a_project_composes_its_own_paths_and_cleaning_rules(tmp_path):
    from stance.cli.entry import compose_config, settings_of
    from stance.project import Project

    init_project(tmp_path / "proj")
    root = (tmp_path / "proj").resolve()
    (root / "clean" / "project.yaml").write_text(
        "defaults:\n  - default\n  - _self_\nextra_drop_line_patterns: ['Subscribe to the Daily Brief']\n",
        encoding="utf-8")
    settings = settings_of(compose_config([], Project(root, root / PROJECT_FILE)), root)
    assert settings.corpus.path == root / "corpus"
    assert settings.actors.path == root / "actors.yaml"
    assert settings.store.dir == root / "models"
    assert settings.annotations.path == root / "annotations" / "annotations.jsonl"
    assert settings.clean.drop_line_patterns[-1] == "Subscribe to the Daily Brief"
    shipped = settings_of(compose_config([], Project(PROJECT_ROOT, None)), root)
    assert shipped.clean.drop_line_patterns == settings.clean.drop_line_patterns[:-1]
    assert shipped.store.dir == PROJECT_ROOT / "models"


@pytest.mark.slow
def test_every_command_works_in_a_project_and_the_checkout_stays_as_it_was(tmp_path):
    before = checkout_state()
    init = stance("init", str(tmp_path / "proj"), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    root = tmp_path / "proj"
    for article in SEED_CORPUS.iterdir():
        (root / "corpus" / article.name).write_bytes(article.read_bytes())
    (root / "actors.yaml").write_bytes(SEED_ACTORS.read_bytes())
    (root / "annotations" / "annotations.jsonl").write_bytes((PROJECT_ROOT / "data/annotations/seed.jsonl").read_bytes())

    predicted = stance("predict", "report.bootstrap.n=50", cwd=root / "corpus")
    assert predicted.returncode == 0, predicted.stderr
    runs = list((root / "outputs" / "predict").glob("*/*"))
    assert len(runs) == 1 and (runs[0] / "predictions.jsonl").is_file()

    evaluated = stance("evaluate", cwd=root)
    assert evaluated.returncode == 0 and "macro-F1" in evaluated.stdout, evaluated.stderr
    trained = stance("train", "eval=stratified_kfold", "eval.k=2", "store.promote=always", cwd=tmp_path,
                     *("--project", str(root)))
    assert trained.returncode == 0, trained.stderr
    versions = [p for p in (root / "models").iterdir() if p.is_dir()]
    assert len(versions) == 2
    assert (root / "models" / "CURRENT").read_text().strip() != (PROJECT_ROOT / "models/CURRENT").read_text().strip()
    assert list((root / "outputs" / "train").glob("*/*/reproduce.sh"))
    assert checkout_state() == before
