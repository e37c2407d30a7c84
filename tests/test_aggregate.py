import pandas as pd
import pytest

from stance.aggregate import StanceCounts, by_actor, by_outlet, stance_tables

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
    counts = StanceCounts().add_all(_records())
    tables = stance_tables(counts, LABELS)
    direct = by_outlet(pd.DataFrame(_records()), LABELS)
    pd.testing.assert_frame_equal(tables["by_outlet"], direct, check_dtype=False)
    cross = tables["actor_by_outlet"].set_index(["actor", "outlet"])
    assert cross.loc[("White", "Dove Post"), "caution"] == 1
    by_original = stance_tables(counts, LABELS, outlet_column="original_outlet")["by_outlet"].set_index("original_outlet")
    assert by_original.loc["Wire", "n"] == 2
