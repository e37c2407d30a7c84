"""Shared fixtures: configs built with Hydra's compose API, outputs and models in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from stance.settings import CONFIG_DIR, PROJECT_ROOT

SEED_CORPUS = PROJECT_ROOT / "data" / "corpus"
SEED_ANNOTATIONS = PROJECT_ROOT / "data" / "annotations" / "seed.jsonl"
SEED_ACTORS = PROJECT_ROOT / "conf" / "actors" / "seed.yaml"


@pytest.fixture
def make_cfg(tmp_path):
    """Compose the project config with overrides; models go to tmp_path/models."""

    def _make(*overrides: str):
        with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
            return compose("config", overrides=[f"store.dir={tmp_path / 'models'}", "report.print=false", *overrides])

    return _make


@pytest.fixture
def seed_articles():
    from stance.corpus import load_corpus

    return load_corpus(SEED_CORPUS)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the seed corpus, for tests that break it."""
    target = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def trained_models(tmp_path_factory) -> Path:
    """A models folder with one model trained on the seed set (shared: training is the slow part)."""
    from stance.commands import train

    root = tmp_path_factory.mktemp("shared")
    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"store.dir={root / 'models'}", "report.print=false"])
    train(cfg, root / "train")
    return root / "models"
