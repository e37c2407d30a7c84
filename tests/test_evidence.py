"""The report's evidence, sampled while labelling: the same sentences one pass over the
predictions picks, from worker batches merged in order, with bounded memory."""

import pickle

import pytest

from stance.annotations import load_annotations
from stance.evidence import EvidenceSample
from stance.html_report import Evidence, collect_evidence

from tests.conftest import as_predictions, settings_for

LABELS = ("advocate", "caution", "neutral")


@pytest.fixture(scope="module")
def records():
    """The annotated pool sentences as predictions, in corpus order."""
    rows = load_annotations(settings_for().annotations.path, LABELS)
    return as_predictions([{"id": r.id, "doc_id": r.doc_id, "outlet": r.field("outlet") or "seed", "text": r.text,
                            "label": r.label, "actors": list(r.actors), "sent_idx": i,
                            "proba": {label: 0.8 if label == r.label else 0.1 for label in LABELS}}
                           for i, r in enumerate(rows)], LABELS)


def _as_evidence(sample: EvidenceSample, shown=None) -> dict:
    return {table: {key: [Evidence(*item) for item in items] for key, items in cells.items()}
            for table, cells in sample.items(shown).items()}


def _batches(records, size: int):
    start = 0
    while start < len(records):
        end = min(start + size, len(records))
        while end < len(records) and records[end].doc_id == records[end - 1].doc_id:
            end += 1  # whole articles, as workers get them
        yield records[start:end]
        start = end


@pytest.mark.parametrize("spill", [False, True])
def test_the_streamed_sample_is_what_one_pass_over_the_predictions_collects(records, spill):
    expected = collect_evidence(records, "outlet", 5)
    sample = EvidenceSample("outlet", 5, spill=spill).push_all(records)
    assert _as_evidence(sample) == expected
    assert sum(len(cells) for cells in expected.values()) > 500


def test_samples_of_batches_merged_in_order_are_the_whole_corpus_sample(records):
    merged = EvidenceSample("outlet", 3, spill=True)
    for batch in _batches(records, 200):
        shipped = pickle.loads(pickle.dumps(EvidenceSample("outlet", 3).push_all(batch)))  # from a worker
        merged.merge(shipped)
    assert _as_evidence(merged) == collect_evidence(records, "outlet", 3)
    shown = {"by_outlet": {("BBC News",)}, "by_actor": {("Donald Trump",)}}
    assert _as_evidence(merged, shown) == collect_evidence(records, "outlet", 3, shown)
    merged.close()


def test_what_is_kept_is_bounded_by_the_cells_not_the_corpus(records):
    once = EvidenceSample("outlet", 2).push_all(records)
    thrice = EvidenceSample("outlet", 2, spill=True)
    for _ in range(3):  # the corpus three times over: the same cells, each already full or nearly
        for batch in _batches(records, 300):
            thrice.merge(EvidenceSample("outlet", 2).push_all(batch))
    cells = sum(len(c) for c in once.cells.values())
    assert sum(len(c) for c in thrice.cells.values()) == cells
    for sample in (once, thrice):
        assert all(len(items) <= 2 for c in sample.cells.values() for items in c.values())
        assert len(sample) <= 2 * cells
    assert len(once) < len(records) / 2 and len(thrice) < 1.5 * len(once)
    thrice.close()
