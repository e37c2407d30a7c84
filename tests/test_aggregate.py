import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from stance.aggregate import StanceCounts, actor_by_outlet, by_actor, by_outlet, stance_tables

from tests.conftest import as_predictions

LABELS = ["advocate", "caution", "neutral"]


def _records():
    return [
        {"doc_id": "a1", "outlet": "Hawk Daily", "original_outlet": "Hawk Daily", "label": "advocate", "actors": ["Pompeo"]},
        {"doc_id": "a1", "outlet": "Hawk Daily", "original_outlet": "Hawk Daily", "label": "advocate", "actors": []},
        {"doc_id": "a2", "outlet": "Hawk Daily", "original_outlet": "Wire", "label": "neutral", "actors": ["White"]},
        {"doc_id": "b1", "outlet": "Dove Post", "original_outlet": "Wire", "label": "caution", "actors": ["White", "Milley"]},
    ]


def test_shares_counts_and_net_stance_by_outlet():
    table = by_outlet(pd.DataFrame(_records()), LABELS).set_index("outlet")
    hawk = table.loc["Hawk Daily"]
    assert (hawk["n"], hawk["n_articles"], hawk["advocate"], hawk["neutral"]) == (3, 2, 2, 1)
    assert hawk["share_advocate"] == pytest.approx(2 / 3)
    assert hawk["net_stance"] == pytest.approx(2 / 3)
    assert table.loc["Dove Post", "net_stance"] == -1.0
    assert list(table.index) == ["Hawk Daily", "Dove Post"]  # sorted by net stance


def test_by_actor_counts_holders_not_sentences():
    table = by_actor(pd.DataFrame(_records()), LABELS).set_index("actor")
    assert table.loc["White", "n"] == 2 and table.loc["White", "net_stance"] == -0.5
    assert "Hawk Daily" not in table.index


def test_streamed_counts_give_the_same_tables_as_the_records():
    counts = StanceCounts().add_all(as_predictions(_records()))
    tables = stance_tables(counts, LABELS)
    direct = by_outlet(pd.DataFrame(_records()), LABELS)
    pd.testing.assert_frame_equal(tables["by_outlet"], direct, check_dtype=False)
    cross = tables["actor_by_outlet"].set_index(["actor", "outlet"])
    assert cross.loc[("White", "Dove Post"), "caution"] == 1
    by_original = stance_tables(counts, LABELS, outlet_column="original_outlet")["by_outlet"].set_index("original_outlet")
    assert by_original.loc["Wire", "n"] == 2


def _records_with_probabilities():
    records = _records()
    probabilities = [{"advocate": 0.7, "caution": 0.1, "neutral": 0.2}, {"advocate": 0.5, "caution": 0.1, "neutral": 0.4},
                     {"advocate": 0.2, "caution": 0.2, "neutral": 0.6}, {"advocate": 0.1, "caution": 0.8, "neutral": 0.1}]
    return [{**r, "proba": p, "in_training": i == 0} for i, (r, p) in enumerate(zip(records, probabilities))]


@pytest.mark.parametrize("method", ["cc", "pcc", "acc"])
def test_streamed_tallies_give_the_same_corrected_tables_as_the_records(method):
    from stance.quantify import Quantifier

    rates = ((0.8, 0.1, 0.1), (0.05, 0.8, 0.1), (0.15, 0.1, 0.8)) if method == "acc" else None
    options = {"quantifier": Quantifier(method, rates), "min_n": 3}
    records = _records_with_probabilities()
    streamed = stance_tables(StanceCounts().add_all(as_predictions(records)), LABELS, **options)
    direct = {"by_outlet": by_outlet(pd.DataFrame(records), LABELS, **options),
              "by_actor": by_actor(pd.DataFrame(records), LABELS, **options)}
    for name, table in direct.items():
        pd.testing.assert_frame_equal(streamed[name], table, check_dtype=False)
    hawk = streamed["by_outlet"].set_index("outlet").loc["Hawk Daily"]
    assert hawk["method"] == method and hawk["n_in_training"] == 1
    shares = hawk[[f"share_{label}" for label in LABELS]]
    assert shares.sum() == pytest.approx(1)
    assert hawk["net_stance"] == pytest.approx(hawk["share_advocate"] - hawk["share_caution"])


def test_pcc_shares_are_mean_probabilities_with_in_sample_sentences_as_labelled():
    from stance.quantify import Quantifier

    table = by_outlet(pd.DataFrame(_records_with_probabilities()), LABELS, quantifier=Quantifier("pcc")).set_index("outlet")
    # Hawk Daily: its first sentence is in-sample (counts as advocate), the others by probability
    assert table.loc["Hawk Daily", "share_advocate"] == pytest.approx((1 + 0.5 + 0.2) / 3)
    assert table.loc["Dove Post", "share_caution"] == pytest.approx(0.8)


def test_thin_rows_are_flagged_and_every_row_names_its_method():
    table = by_outlet(pd.DataFrame(_records()), LABELS, min_n=3, min_articles=2).set_index("outlet")
    assert table.loc["Hawk Daily", "flag"] == ""
    assert table.loc["Dove Post", "flag"] == "few sentences, one article"
    assert set(table["method"]) == {"cc"}


def _annotated_records():
    """Every pool sentence of the cross-crisis annotations as a prediction: its label, its
    holders, its outlet, probabilities leaning to the label, one in ten in-sample."""
    from stance.annotations import load_annotations
    from tests.conftest import settings_for

    rows = load_annotations(settings_for().annotations.path, LABELS)
    records = []
    for i, row in enumerate(rows):
        lean = 0.5 + (i % 7) / 20
        proba = {label: round(lean if label == row.label else (1 - lean) / 2, 6) for label in LABELS}
        records.append({"id": row.id, "doc_id": row.doc_id, "outlet": row.field("outlet") or "seed",
                        "original_outlet": row.field("crisis"), "label": row.label, "actors": list(row.actors),
                        "proba": proba, "in_training": i % 10 == 0})
    return records


@pytest.mark.parametrize("method", ["cc", "pcc", "acc"])
def test_tallies_of_a_real_stream_give_exactly_the_tables_of_its_records(method):
    from stance.intervals import Bootstrap
    from stance.quantify import Quantifier

    rates = ((0.8, 0.1, 0.1), (0.05, 0.8, 0.1), (0.15, 0.1, 0.8)) if method == "acc" else None
    options = {"quantifier": Quantifier(method, rates), "bootstrap": Bootstrap(200, 5), "min_n": 5, "min_articles": 3}
    records = _annotated_records()
    frame = pd.DataFrame(records)
    for outlet_column in ("outlet", "original_outlet"):
        streamed = stance_tables(StanceCounts(LABELS).add_all(as_predictions(records)), LABELS, outlet_column, **options)
        direct = {"by_outlet": by_outlet(frame, LABELS, outlet_column, **options),
                  "by_actor": by_actor(frame, LABELS, **options),
                  "actor_by_outlet": actor_by_outlet(frame, LABELS, outlet_column, **options)}
        assert len(direct["actor_by_outlet"]) > 100
        for name, table in direct.items():  # pandas sums the records with compensation: equal to rounding,
            keys = list(table.columns[:table.columns.get_loc("method")])  # so near-ties may swap places
            pd.testing.assert_frame_equal(streamed[name].sort_values(keys, ignore_index=True),
                                          table.sort_values(keys, ignore_index=True), check_dtype=False)


def test_article_tallies_are_sums_in_sentence_order():
    """Each article's probability sums are added sentence by sentence, as plain Python adds
    them (what the tables have always been computed from), so they match to the last bit."""
    records = _annotated_records()
    first = {}
    for i, record in enumerate(records):
        first.setdefault(record["doc_id"], i)
    records = as_predictions(sorted(records, key=lambda r: first[r["doc_id"]]))  # each article whole, as labelled
    expected: dict[tuple, list] = {}  # (table, group, doc_id) -> tally
    for record in records:
        keys = [("outlet", record.outlet, record.doc_id)] + [("actor", a, record.doc_id) for a in record.actors]
        for key in keys:
            cell = expected.setdefault(key, [[0.0] * 3 for _ in range(4)])
            cell[0][LABELS.index(record.label)] += 1
            cell[1][LABELS.index(record.label)] += record.in_training
            for label, p in record.proba.items():
                cell[2][LABELS.index(label)] += p
                cell[3][LABELS.index(label)] += p * record.in_training
    counts = StanceCounts().add_all(records)
    for by in ("outlet", "actor"):
        keys, groups = counts.groups([by], LABELS)
        for key, tallies in zip(keys, groups):
            docs = sorted(doc for table, group, doc in expected if (table, group) == (by, key))
            assert np.array_equal(tallies, np.array([expected[(by, key, doc)] for doc in docs]))


def test_batches_tallied_apart_and_merged_give_the_tables_of_one_stream():
    records = as_predictions(_annotated_records())
    whole = stance_tables(StanceCounts().add_all(records), LABELS)
    merged, start = StanceCounts(), 0
    while start < len(records):  # whole articles per batch, as workers get them
        end = min(start + 150, len(records))
        while end < len(records) and records[end].doc_id == records[end - 1].doc_id:
            end += 1
        merged.merge(StanceCounts(LABELS[::-1]).add_all(records[start:end]))  # another label order, too
        start = end
    assert merged.n_sentences == len(records) and merged.in_training == sum(r.in_training for r in records)
    for name, table in whole.items():
        pd.testing.assert_frame_equal(stance_tables(merged, LABELS)[name], table, check_exact=True)


def test_an_article_met_again_later_is_one_article():
    records = _records()
    reordered = [records[0], records[3], records[1], records[2]]  # a1, b1, a1 again, a2
    streamed = stance_tables(StanceCounts().add_all(as_predictions(reordered)), LABELS)
    pd.testing.assert_frame_equal(streamed["by_outlet"], by_outlet(pd.DataFrame(records), LABELS), check_dtype=False)
    assert streamed["by_outlet"].set_index("outlet").loc["Hawk Daily", "n_articles"] == 2


def test_tallies_grow_with_articles_and_holders_not_with_sentences():
    def size(n_sentences: int) -> int:
        record = {"doc_id": "a1", "outlet": "Hawk Daily", "label": "advocate", "actors": ["Pompeo"],
                  "proba": {"advocate": 0.7, "caution": 0.1, "neutral": 0.2}}
        counts = StanceCounts(LABELS).add_all(as_predictions([record] * n_sentences))
        return counts._sentences.counts.tail.nbytes + counts._holders.proba.tail.nbytes, counts.n_sentences

    assert size(10)[0] == size(5000)[0] and size(5000)[1] == 5000


def _merged(records, folder=None, spill_rows=None) -> StanceCounts:
    """The records tallied in batches of whole articles and merged, as `stance predict` does."""
    options = {} if folder is None else {"folder": folder, "spill_rows": spill_rows}
    merged, start = StanceCounts(LABELS, **options), 0
    while start < len(records):
        end = min(start + 150, len(records))
        while end < len(records) and records[end].doc_id == records[end - 1].doc_id:
            end += 1
        merged.merge(StanceCounts(LABELS).add_all(records[start:end]))
        start = end
    return merged


def test_tallies_moved_to_disk_give_exactly_the_tables_and_timeline_of_tallies_in_memory(tmp_path):
    from stance.timeline import timeline_of_counts
    from stance.intervals import Bootstrap
    from stance.quantify import Quantifier

    records = as_predictions(_annotated_records())
    records = [replace(r, date=f"2020-{1 + i % 12:02d}-01" if i % 9 else "") for i, r in enumerate(records)]
    kept, spilled = _merged(records), _merged(records, tmp_path, spill_rows=100)
    assert spilled._sentences.counts.start > 0 and spilled._holders.counts.start > 0  # most rows are on disk
    assert spilled._sentences.n - spilled._sentences.counts.start < 1000
    options = {"quantifier": Quantifier("pcc"), "bootstrap": Bootstrap(200, 5)}
    for name, table in stance_tables(kept, LABELS, **options).items():
        pd.testing.assert_frame_equal(stance_tables(spilled, LABELS, **options)[name], table, check_exact=True)
    over_time = timeline_of_counts(kept, LABELS, "month", "outlet", "advocate", "caution", min_n=0, min_articles=0,
                                   **options)
    spilled_time = timeline_of_counts(spilled, LABELS, "month", "outlet", "advocate", "caution", min_n=0,
                                      min_articles=0, **options)
    assert spilled_time.undated_sentences == over_time.undated_sentences > 0
    for name, table in over_time.tables.items():
        pd.testing.assert_frame_equal(spilled_time.tables[name], table, check_exact=True)
    assert spilled.n_sentences == kept.n_sentences == len(records)
    pd.testing.assert_frame_equal(spilled.holder_rows(), kept.holder_rows())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the open files from /proc")
def test_the_files_of_spilled_tallies_are_hidden_and_released_by_close(tmp_path):
    import os

    def open_in_folder() -> int:  # spill files are unlinked at once; only open descriptors show them
        fds = os.listdir("/proc/self/fd")
        return sum(str(tmp_path) in os.readlink(f"/proc/self/fd/{fd}") for fd in fds if os.path.exists(f"/proc/self/fd/{fd}"))

    counts = _merged(as_predictions(_annotated_records())[:2000], tmp_path, spill_rows=50)
    assert counts._doc_ids.start > 0 and open_in_folder() > 0
    assert list(tmp_path.iterdir()) == []  # nothing for a user to clean up, whatever happens to the run
    counts.close()
    assert open_in_folder() == 0
