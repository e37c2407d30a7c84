"""Shared fixtures: settings built with Hydra's compose API (through the CLI's own edge),
outputs and models in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from stance.cli.entry import settings_of
from stance.settings import CONFIG_DIR, PROJECT_ROOT

SEED_CORPUS = PROJECT_ROOT / "data" / "corpus"
SEED_ANNOTATIONS = PROJECT_ROOT / "data" / "annotations" / "seed.jsonl"
SEED_ACTORS = PROJECT_ROOT / "conf" / "actors" / "seed.yaml"
# The seed set and its within-crisis protocol: quick to train, and what most tests check against.
SEED_SET = ("annotations=seed", "eval=leave_one_article_out")


def compose_config(*overrides: str):
    """The project's config composed with ``overrides``, as Hydra's compose API returns it."""
    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        return compose("config", overrides=list(overrides))


def settings_for(*overrides: str):
    """Plain settings, exactly as a command receives them."""
    return settings_of(compose_config(*overrides), Path.cwd())


@pytest.fixture
def make_cfg(tmp_path):
    """Settings with overrides; models go to tmp_path/models and tables are not printed."""

    def _make(*overrides: str):
        def overridden(default: str) -> bool:  # an experiment preset chooses its own protocol
            key = default.split("=")[0] + "="
            return any(x.startswith(key) or (key == "eval=" and x.startswith("+experiment=")) for x in overrides)

        seed_set = [o for o in SEED_SET if not overridden(o)]
        return settings_for(f"store.dir={tmp_path / 'models'}", "report.print=false", *seed_set, *overrides)

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
    from stance.cli.train import train

    root = tmp_path_factory.mktemp("shared")
    train(settings_for(f"store.dir={root / 'models'}", "report.print=false", *SEED_SET), root / "train")
    return root / "models"


def as_predictions(records, labels=("advocate", "caution", "neutral")):
    """Prediction records from plain dicts written in a test (text and offsets filled in)."""
    from stance.predict import Prediction

    return [Prediction.from_dict({"text": "", **record}, list(labels)) for record in records]


def features_spec(word=None, char=False, cues=False):
    """The configured feature blocks (conf/features/word.yaml), with word n-grams set to
    ``word`` (a range) and char / cues switched as asked: full specs, as the stage requires."""
    features = {name: dict(block) for name, block in settings_for().features.items()}
    if word is not None:
        features["word"]["ngram_range"] = list(word)
    features["char"]["enabled"], features["cues"]["enabled"] = char, cues
    return features


def model_spec(**changes):
    """The configured model settings (conf/model/logreg.yaml) with ``changes``."""
    return {**settings_for().model, **changes}
