"""Shared fixtures: settings built with Hydra's compose API (through the CLI's own edge),
outputs and models in tmp_path."""

from __future__ import annotations

import os

# One BLAS thread, as the `stance` command sets (stance.cli.BLAS_THREADS): before numpy loads,
# and inherited by the command-line tests' subprocesses.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

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


# Tests that train models, label the seed corpus or start `stance` in subprocesses:
# `pytest -m "not slow"` skips them for a quick loop (the README's command runs everything, in
# parallel). A test is slow when it uses one of SLOW_FIXTURES or is named in SLOW_TESTS.
SLOW_FIXTURES = {"trained_models", "seed_run"}
SLOW_TESTS = {
    "test_running_a_run_folders_reproduce_sh_gives_the_same_metrics", "test_the_whole_loop_on_the_seed_data",
    "test_an_interrupted_retrain_leaves_the_current_model_and_the_store_untouched",
    "test_a_version_saved_without_its_annotations_is_found_through_the_import_snapshot",
    "test_training_twice_gives_the_same_metrics_and_model_hash",
    "test_a_different_seed_changes_the_shuffled_protocol_but_not_the_contract",
    "test_run_labels_the_seed_corpus_and_the_tables_read_like_the_seeds", "test_leave_one_outlet_out_protocol",
    "test_train_writes_honest_metrics_and_a_verified_model",
    "test_sentences_the_model_was_trained_on_carry_their_annotated_label", "test_train_via_cli_writes_its_run_folder",
    "test_relative_paths_resolve_against_the_launch_directory", "test_hydra_flags_work_after_a_command",
    "test_shell_completion_completes_commands_and_their_config",
    "test_leave_one_outlet_out_holds_out_each_outlet_once", "test_each_seed_preset_trains_and_records_its_setup",
    "test_the_benchmark_without_its_data_says_so_in_one_line",
    "test_both_models_face_the_same_folds_and_only_the_candidate_learns_the_new_sentences",
    "test_a_fold_where_the_current_model_saw_one_label_predicts_that_label",
    "test_no_sentence_is_scored_by_a_model_trained_on_it", "test_a_sweep_runs_every_job_and_promotes_none_of_them",
    "test_compare_ranks_a_real_sweep_by_its_metrics", "test_a_missing_folder_is_a_clear_error",
    "test_the_benchmark_pools_targets_and_writes_one_prediction_per_test_tweet",
    "test_parallel_sweep_jobs_can_share_one_store", "test_every_command_works_in_a_project_and_the_checkout_stays_as_it_was",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or \
                getattr(item, "originalname", item.name) in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


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
    ``word`` (a range) and char / cues switched as asked, every n-gram kept (min_df 1): full
    specs, as the stage requires."""
    features = {name: dict(block) for name, block in settings_for().features.items()}
    for block in ("word", "char"):  # toy training sets hold each word once: keep every n-gram
        features[block]["min_df"] = 1
    if word is not None:
        features["word"]["ngram_range"] = list(word)
    features["char"]["enabled"], features["cues"]["enabled"] = char, cues
    return features


def model_spec(**changes):
    """The configured model settings (conf/model/logreg.yaml) with ``changes``."""
    return {**settings_for().model, **changes}
