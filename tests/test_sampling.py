"""A validation sample: random within outlets, outlets in proportion, the size asked for."""

import json
from collections import Counter

from stance.sampling import allocate, chosen_positions, draw


def test_allocation_follows_outlet_shares_and_keeps_small_outlets():
    take = allocate({"big": 900, "mid": 90, "small": 10}, 100, min_per_outlet=2)
    assert sum(take.values()) == 100 and take["small"] >= 2 and take["big"] > take["mid"] > take["small"]


def test_more_outlets_than_room_falls_back_to_proportions():
    counts = {f"o{i}": 10 for i in range(50)} | {"huge": 1000}
    take = allocate(counts, 20, min_per_outlet=1)
    assert sum(take.values()) == 20 and take["huge"] >= 13


def test_a_small_corpus_is_taken_whole():
    assert allocate({"a": 3, "b": 2}, 100, 1) == {"a": 3, "b": 2}


def test_the_draw_is_seeded_and_streams_in_corpus_order():
    items = [(outlet, i) for i in range(30) for outlet in ("a", "b")]
    counts = Counter(o for o, _ in items)
    positions = chosen_positions(counts, {"a": 3, "b": 2}, seed=7)
    drawn = list(draw(items, lambda item: item[0], positions))
    assert Counter(o for o, _ in drawn) == {"a": 3, "b": 2} and drawn == sorted(drawn, key=items.index)
    assert list(draw(items, lambda item: item[0], chosen_positions(counts, {"a": 3, "b": 2}, seed=7))) == drawn
    assert list(draw(items, lambda item: item[0], chosen_positions(counts, {"a": 3, "b": 2}, seed=8))) != drawn


def test_stance_sample_on_a_corpus_writes_the_queue_formats_and_skips_training_sentences(make_cfg, trained_models,
                                                                                          corpus_copy, tmp_path):
    from stance.cli.sample import sample

    annotations = tmp_path / "few.jsonl"
    from tests.conftest import SEED_ANNOTATIONS
    first = SEED_ANNOTATIONS.read_text(encoding="utf-8").splitlines()[:20]
    annotations.write_text("\n".join(first) + "\n", encoding="utf-8")
    summary = sample(make_cfg(f"store.dir={tmp_path / 'empty_store'}", f"corpus.path={corpus_copy}",
                              f"annotations.path={annotations}", "sample.size=12"), tmp_path / "s")
    # the first 20 annotated rows cover all of Antiwar.com's article: nothing of it is left to sample
    assert summary["sampled"] == 12 and set(summary["per_outlet"]) == {
        "Small Wars Journal", "The Jerusalem Post", "Al-Masdar News", "Unattributed republication (machine translation)"}
    queued = [json.loads(line) for line in (tmp_path / "s" / "sample_doccano.jsonl").read_text().splitlines()]
    assert len(queued) == 12 and not {q["sentence_id"] for q in queued} & {json.loads(r)["id"] for r in first}
    for name in ("sample.csv", "sample_label_studio.json", "label_studio_config.xml", "sample_summary.json"):
        assert (tmp_path / "s" / name).is_file()
