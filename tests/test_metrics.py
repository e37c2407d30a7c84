import pytest

from stance.metrics import classification_report, f_avg, most_confused, summarize_folds


def test_report_counts_and_confusion_orientation():
    gold = ["advocate", "advocate", "caution", "neutral", "neutral"]
    pred = ["advocate", "neutral", "caution", "neutral", "advocate"]
    report = classification_report(gold, pred, ["advocate", "caution", "neutral"])
    assert report["per_label"]["advocate"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["per_label"]["caution"]["f1"] == 1.0
    assert report["macro_f1"] == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    assert report["confusion_matrix"]["rows_gold_columns_predicted"] == [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    assert most_confused(report["confusion_matrix"], top=1)[0]["count"] == 1


def test_f_avg_averages_only_favor_and_against_but_counts_none_errors():
    gold = ["FAVOR", "AGAINST", "NONE", "NONE"]
    pred = ["FAVOR", "NONE", "NONE", "AGAINST"]
    # FAVOR F1 = 1; AGAINST: tp 0 -> F1 0; NONE is not averaged in
    assert f_avg(gold, pred, ["FAVOR", "AGAINST"]) == pytest.approx(0.5)


def test_fold_summary():
    assert summarize_folds([0.5, 0.7]) == {"mean": pytest.approx(0.6), "std": pytest.approx(0.1), "min": 0.5, "max": 0.7}
