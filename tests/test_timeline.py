"""Stance over time: periods from article dates, tables by period, outlet and actor."""

import pandas as pd
import pytest

from stance.intervals import Bootstrap
from stance.quantify import Quantifier
from stance.timeline import period_of, timeline_tables

from conftest import as_predictions

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
