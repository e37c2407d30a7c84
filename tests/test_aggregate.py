import pandas as pd
import pytest

from stance.aggregate import StanceCounts, by_actor, by_outlet, stance_tables

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
