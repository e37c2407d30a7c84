"""Stance over time: periods from article dates, tables by period, outlet and actor."""

import itertools

import pandas as pd
import pytest

from stance.aggregate import StanceCounts, stance_table
from stance.intervals import Bootstrap
from stance.quantify import Quantifier
from stance.settings import PROJECT_ROOT
from stance.timeline import period_of, timeline_of_counts, timeline_tables

from conftest import as_predictions, settings_for

LABELS = ("advocate", "caution", "neutral")


def test_periods_are_days_iso_weeks_or_months_and_undated_is_none():
    assert period_of("2020-03-28", "day") == "2020-03-28"
    assert period_of("2020-03-28T10:15:00", "month") == "2020-03"
    assert period_of("2020-03-28", "week") == "2020-W13"
    assert period_of("2021-01-01", "week") == "2020-W53"  # ISO: the Friday belongs to 2020's last week
    assert period_of("", "month") is None and period_of("28/03/2020", "month") is None
    with pytest.raises(ValueError):
        period_of("2020-03-28", "year")


def _sentence(doc, date, outlet, label, actors=()):
    return {"id": f"{doc}-{label}-{len(actors)}-{date}", "doc_id": doc, "date": date, "outlet": outlet,
            "label": label, "actors": list(actors), "proba": {label: 1.0}}


def test_timeline_tables_count_sentences_by_period_outlet_and_actor():
    records = as_predictions([
        _sentence("a", "2020-03-02", "Daily", "advocate", ["Pompeo"]),
        _sentence("a", "2020-03-02", "Daily", "neutral"),
        _sentence("b", "2020-03-20", "Weekly", "caution", ["White"]),
        _sentence("c", "2020-04-01", "Daily", "caution", ["Pompeo"]),
        _sentence("d", "", "Daily", "advocate", ["Pompeo"]),
    ], LABELS)
    found = timeline_tables(records, LABELS, "month", "outlet", "advocate", "caution", Quantifier("cc"),
                            Bootstrap(n=50, seed=1), min_n=2, min_articles=2)
    assert found.undated_sentences == 1
    overall = found.tables["over_time"].set_index("period")
    assert list(overall.index) == ["2020-03", "2020-04"]
    assert overall.loc["2020-03", "n"] == 3 and overall.loc["2020-03", "n_articles"] == 2
    assert overall.loc["2020-03", "net_stance"] == pytest.approx(0.0)
    assert overall.loc["2020-04", "net_stance"] == pytest.approx(-1.0)
    by_outlet = found.tables["over_time_by_outlet"]
    assert list(zip(by_outlet["period"], by_outlet["outlet"], by_outlet["n"])) == [
        ("2020-03", "Daily", 2), ("2020-03", "Weekly", 1), ("2020-04", "Daily", 1)]
    by_actor = found.tables["over_time_by_actor"].set_index(["period", "actor"])
    assert by_actor.loc[("2020-03", "Pompeo"), "advocate"] == 1
    assert by_actor.loc[("2020-04", "Pompeo"), "caution"] == 1
    assert "one article" in by_actor.loc[("2020-03", "White"), "flag"]
    assert isinstance(found.tables["over_time"], pd.DataFrame)


POOL = PROJECT_ROOT.parent / "shared" / "datasets" / "news-pool" / "pool.jsonl"


@pytest.fixture(scope="module")
def labelled_pool():
    """Real predictions: 160 dated and undated pool articles labelled by the shipped model, in
    batches of 40 articles tallied apart, as `stance predict` labels them."""
    from stance import store
    from stance.aggregate import StanceCounts
    from stance.cli.common import analyzer
    from stance.corpus import iter_corpus
    from stance.predict import Labeller

    if not POOL.is_file():
        pytest.skip(f"no news pool at {POOL}")
    pipeline, _ = store.load_version(PROJECT_ROOT / "models")
    labeller = Labeller(pipeline, analyzer(settings_for()))
    articles = list(itertools.islice(iter_corpus(POOL), 160))
    batches = [labeller.predictions(articles[i:i + 40]) for i in range(0, len(articles), 40)]
    counts = StanceCounts(labeller.labels)
    for batch in batches:
        counts.merge(StanceCounts(labeller.labels).add_all(batch))
    return [r for batch in batches for r in batch], counts


def _tables_by_rereading(records, unit):
    """The timeline as it was made before labelling kept dates: long per-article rows and
    pandas, from the records read again."""
    counts, periods = StanceCounts(), {}
    for record in records:
        counts.add(record)
        periods.setdefault(record.doc_id, period_of(record.date, unit) or "")
    options = dict(quantifier=Quantifier("cc"), bootstrap=Bootstrap(n=200, seed=3), min_n=5, min_articles=3)
    sentences, holders = counts.sentence_rows(), counts.holder_rows()
    sentences["period"] = sentences["doc_id"].map(periods).fillna("")
    holders["period"] = holders["doc_id"].map(periods).fillna("")
    undated = int(sentences.loc[sentences["period"] == "", "count"].sum())
    sentences, holders = sentences[sentences["period"] != ""], holders[holders["period"] != ""]
    tables = {"over_time": stance_table(sentences, ["period"], LABELS, **options),
              "over_time_by_outlet": stance_table(sentences, ["period", "outlet"], LABELS, **options),
              "over_time_by_actor": stance_table(holders, ["period", "actor"], LABELS, **options)}
    return {name: table.sort_values(list(table.columns[:table.columns.get_loc("method")]), kind="stable")
            .reset_index(drop=True) for name, table in tables.items()}, undated


@pytest.mark.parametrize("unit", ["month", "week"])
def test_the_timeline_from_labelling_tallies_is_the_timeline_of_the_records_read_again(labelled_pool, unit):
    records, counts = labelled_pool
    expected, undated = _tables_by_rereading(records, unit)
    found = timeline_of_counts(counts, LABELS, unit, "outlet", "advocate", "caution", Quantifier("cc"),
                               Bootstrap(n=200, seed=3), min_n=5, min_articles=3)
    assert 0 < undated < len(records) and found.undated_sentences == undated
    assert len(expected["over_time"]) > 10
    for name, table in expected.items():
        pd.testing.assert_frame_equal(found.tables[name], table, check_exact=True)
