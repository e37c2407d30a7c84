import pandas as pd

from stance.aggregate import StanceCounts, stance_tables
from stance.intervals import Bootstrap
from stance.quantify import Quantifier
from stance.report import describe_method, format_tables, net_with_interval, share_with_interval, write_tables

from tests.conftest import as_predictions

LABELS = ["advocate", "caution", "neutral"]


def _counts():
    records = [{"doc_id": f"d{i}", "outlet": "Hawk Daily" if i < 4 else "Dove Post", "label": label, "actors": ["Pompeo"]}
               for i in range(5) for label in (["advocate", "neutral"] if i % 2 else ["advocate", "caution", "neutral"])]
    return StanceCounts().add_all(as_predictions(records))


def test_terminal_tables_name_the_method_and_show_intervals_and_flags():
    tables = stance_tables(_counts(), LABELS, min_n=5, min_articles=3)
    method = describe_method(Quantifier("cc"), Bootstrap(1000, 13, 0.9))
    text = format_tables(tables, method)
    titles = [line for line in text.splitlines() if line.startswith("Stance by")]
    assert len(titles) == 3 and all(t.endswith("classify-and-count (CC); 90% intervals from 1000 article resamples")
                                    for t in titles)
    hawk = next(line for line in text.splitlines() if "Hawk Daily" in line)
    assert "[" in hawk and "%" in hawk  # shares with intervals
    dove = next(line for line in text.splitlines() if "Dove Post" in line)
    assert dove.rstrip().endswith("few sentences, one article")


def test_formatting_of_shares_and_net_stance():
    assert share_with_interval(0.384, 0.2, 0.551) == "38% [20-55]"
    assert share_with_interval(0.384, float("nan"), float("nan")) == "38%"
    assert net_with_interval(0.43, 0.2, 1.0) == "+0.43 [+0.20, +1.00]"
    assert "in-sample sentences as labelled" in describe_method(Quantifier("pcc"), Bootstrap())


def test_csv_leaves_missing_intervals_empty(tmp_path):
    tables = stance_tables(_counts(), LABELS)
    write_tables(tmp_path, tables)
    raw = (tmp_path / "by_outlet.csv").read_text(encoding="utf-8").splitlines()
    dove = next(line for line in raw if line.startswith("Dove Post"))
    assert ",," in dove  # no interval from one article
    assert pd.read_csv(tmp_path / "by_outlet.csv")["n"].sum() == 13
