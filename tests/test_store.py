from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone

import pytest

from tests.conftest import features_spec, model_spec
from stance import store
from stance.card import DataSummary, ModelCard
from stance.errors import ModelIntegrityError
from stance.files import sha256
from stance.model import build_pipeline, fit


def _card(macro_f1: float | None = None) -> ModelCard:
    metrics = {} if macro_f1 is None else {"macro_f1": macro_f1}
    return ModelCard(labels=("advocate", "caution", "neutral"), config={}, annotations=DataSummary("a.jsonl", "0" * 64, 3),
                     metrics=metrics, libraries={}, command="test")


def _model():
    return fit(build_pipeline(features_spec(), model_spec(), 0), ["strike now", "warned of risk", "troops"],
               ["advocate", "caution", "neutral"])


def test_save_load_promote_and_undo(tmp_path):
    first = store.save_version(tmp_path, _model(), _card(0.5))
    assert store.current_version(tmp_path) is None
    store.promote(tmp_path, first)
    model, card = store.load_version(tmp_path)
    assert card.version == first and card.model_sha256 == sha256(tmp_path / first / "model.skops")
    assert model.predict(["strike now"])[0] == "advocate"
    second = store.save_version(tmp_path, _model(), _card(0.6), created=None)
    previous = store.promote(tmp_path, second)
    assert previous == first and store.current_version(tmp_path) == second
    store.promote(tmp_path, previous)
    assert store.current_version(tmp_path) == first
    assert [current for _, current in store.list_versions(tmp_path)].count(True) == 1
    assert len((tmp_path / "HISTORY").read_text().splitlines()) == 3


def test_a_tampered_model_file_is_refused(tmp_path):
    version = store.save_version(tmp_path, _model(), _card())
    store.promote(tmp_path, version)
    path = tmp_path / version / "model.skops"
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(ModelIntegrityError, match=r"model.skops: SHA-256 .* does not match the card"):
        store.load_version(tmp_path)


def test_promoting_a_broken_version_keeps_the_current_one(tmp_path):
    good = store.save_version(tmp_path, _model(), _card())
    store.promote(tmp_path, good)
    with pytest.raises(ModelIntegrityError):
        store.promote(tmp_path, "no-such-version")
    with pytest.raises(ModelIntegrityError):
        store.promote(tmp_path, "20990101-000000-00000000")
    assert store.current_version(tmp_path) == good


def _save_and_promote(job):
    root, number = job
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)  # every job in the same second, with the same model file
    version = store.save_version(root, _model(), _card(number / 10), created=created)
    store.promote(root, version, reason=f"job {number}")
    return version


def test_parallel_sweep_jobs_can_share_one_store(tmp_path):
    with ProcessPoolExecutor(4) as pool:
        versions = list(pool.map(_save_and_promote, [(tmp_path, n) for n in range(8)]))
    assert len(set(versions)) == 8  # same model, different cards: eight versions, none lost
    assert sorted(store.read_card(tmp_path, v).macro_f1 for v in versions) == [n / 10 for n in range(8)]
    assert len((tmp_path / "HISTORY").read_text().splitlines()) == 8  # no promotion lost from the log
    assert store.current_version(tmp_path) in versions


def test_saving_the_same_model_and_card_twice_in_one_second_is_one_version(tmp_path):
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    first = store.save_version(tmp_path, _model(), _card(0.5), created=created)
    assert store.save_version(tmp_path, _model(), _card(0.5), created=created) == first


def test_saving_the_same_model_and_card_again_later_is_still_one_version(tmp_path):
    first = store.save_version(tmp_path, _model(), _card(0.5), created=datetime(2026, 1, 1, tzinfo=timezone.utc))
    again = store.save_version(tmp_path, _model(), _card(0.5), created=datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert again == first and len(store.list_versions(tmp_path)) == 1


def test_the_same_model_with_another_card_is_a_new_version_sharing_the_stored_bytes(tmp_path):
    """Trained again on the same data in a project with other actors, the card differs (holder
    figures, corpus) but the model file is the same: the store keeps its bytes once."""
    first = store.save_version(tmp_path, _model(), _card(0.5), created=datetime(2026, 1, 1, tzinfo=timezone.utc))
    second = store.save_version(tmp_path, _model(), _card(0.6), created=datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert second != first
    a, b = (tmp_path / v / store.MODEL_FILE for v in (first, second))
    assert a.stat().st_ino == b.stat().st_ino and a.stat().st_nlink == 2
    assert sha256(b) == store.read_card(tmp_path, second).model_sha256
    store.load_version(tmp_path, second)  # loads, hash checked
    other = fit(build_pipeline(features_spec(), model_spec(), 0), ["strike them now", "a warning", "troops moved"],
                ["advocate", "caution", "neutral"])
    third = store.save_version(tmp_path, other, _card(0.5))
    assert (tmp_path / third / store.MODEL_FILE).stat().st_nlink == 1


def test_a_promotion_interrupted_before_current_is_marked_not_applied_by_the_next(tmp_path, monkeypatch):
    first = store.save_version(tmp_path, _model(), _card(0.5))
    store.promote(tmp_path, first)
    second = store.save_version(tmp_path, _model(), _card(0.6))

    def power_cut(*args, **kwargs):
        raise KeyboardInterrupt
    with monkeypatch.context() as patch:
        patch.setattr(store, "write_text_atomic", power_cut)
        with pytest.raises(KeyboardInterrupt):
            store.promote(tmp_path, second)
    assert store.current_version(tmp_path) == first
    store.promote(tmp_path, first, reason="again")
    lines = [line.split("\t") for line in (tmp_path / "HISTORY").read_text().splitlines()]
    assert lines[-2][1:4] == [second, "->", first] and "not applied" in lines[-2][4]
    assert lines[-1][3] == store.current_version(tmp_path) == first
