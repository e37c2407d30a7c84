import numpy as np
import pandas as pd
import pytest

from stance.aggregate import by_outlet
from stance.errors import ConfigError
from stance.intervals import Bootstrap, article_interval, replicates
from stance.quantify import Quantifier

LABELS = ["advocate", "caution", "neutral"]


def _tally(advocate: int, caution: int, neutral: int) -> np.ndarray:
    counts = [advocate, caution, neutral]
    return np.array([counts, [0, 0, 0], counts, [0, 0, 0]], dtype=float)


def _advocate_share(sums: np.ndarray) -> np.ndarray:
    return Quantifier("cc").shares(sums)[:, :1]


# five kinds of article: from a hawkish op-ed to a dovish one
KINDS = [_tally(8, 0, 2), _tally(4, 1, 5), _tally(1, 1, 8), _tally(0, 3, 7), _tally(0, 6, 4)]


def test_interval_contains_the_point_estimate():
    for seed in range(5):
        articles = np.array([KINDS[i] for i in np.random.default_rng(seed).integers(0, 5, size=12)])
        point = _advocate_share(articles.sum(axis=0, keepdims=True))[0, 0]
        low, high = article_interval(articles, _advocate_share, Bootstrap(500, seed), "outlet")
        assert low[0] <= point <= high[0]
        assert low[0] < high[0]


def test_fewer_articles_give_wider_intervals():
    few = np.array(KINDS)  # one article of each kind
    many = np.array(KINDS * 8)  # the same mix, eight times the articles
    assert _advocate_share(few.sum(axis=0, keepdims=True)) == pytest.approx(_advocate_share(many.sum(axis=0, keepdims=True)))
    low_few, high_few = article_interval(few, _advocate_share, Bootstrap(), "g")
    low_many, high_many = article_interval(many, _advocate_share, Bootstrap(), "g")
    assert (high_few - low_few)[0] > 2 * (high_many - low_many)[0]


def test_resamples_whole_articles_not_sentences():
    # two articles of ten sentences each, one all advocate, one all caution: any resample of
    # articles has an advocate share of 0, 1/2 or 1; resampled sentences would give 0.45, 0.55 ...
    articles = np.array([_tally(10, 0, 0), _tally(0, 10, 0)])
    values = replicates(articles, _advocate_share, Bootstrap(400, 13), "g")[:, 0]
    assert set(np.round(values, 6)) == {0.0, 0.5, 1.0}
    low, high = article_interval(articles, _advocate_share, Bootstrap(400, 13), "g")
    assert (low[0], high[0]) == (0.0, 1.0)


def test_one_article_has_no_interval_and_is_flagged():
    records = [{"doc_id": "a1", "outlet": "Solo", "label": label, "actors": []} for label in ["advocate"] * 3 + ["neutral"] * 7]
    many = [("advocate", "advocate", "neutral"), ("caution", "neutral", "neutral"), ("advocate", "caution", "neutral"),
            ("neutral", "neutral", "neutral")]
    records += [{"doc_id": f"b{i}", "outlet": "Many", "label": label, "actors": []}
                for i, labels in enumerate(many) for label in labels]
    table = by_outlet(pd.DataFrame(records), LABELS, min_n=5, min_articles=5).set_index("outlet")
    assert np.isnan(table.loc["Solo", "share_advocate_lo"]) and np.isnan(table.loc["Solo", "net_stance_hi"])
    assert table.loc["Solo", "flag"] == "one article"
    assert table.loc["Many", "flag"] == "few articles"
    assert table.loc["Many", "share_advocate_lo"] < table.loc["Many", "share_advocate"] < table.loc["Many", "share_advocate_hi"]


def test_same_seed_same_interval_and_other_groups_do_not_shift_it():
    articles = np.array(KINDS)
    first = article_interval(articles, _advocate_share, Bootstrap(300, 5), "Dove Post")
    again = article_interval(articles, _advocate_share, Bootstrap(300, 5), "Dove Post")
    np.testing.assert_array_equal(first, again)
    alone = by_outlet(pd.DataFrame([{"doc_id": f"d{i}", "outlet": "Dove Post", "label": l, "actors": []}
                                    for i, l in enumerate(["advocate", "caution", "caution", "neutral"] * 2)]), LABELS)
    extra = [{"doc_id": "x", "outlet": "Other", "label": "advocate", "actors": []}]
    both = by_outlet(pd.DataFrame([{"doc_id": f"d{i}", "outlet": "Dove Post", "label": l, "actors": []}
                                   for i, l in enumerate(["advocate", "caution", "caution", "neutral"] * 2)] + extra), LABELS)
    pd.testing.assert_series_equal(alone.set_index("outlet").loc["Dove Post"], both.set_index("outlet").loc["Dove Post"])


def test_bad_bootstrap_settings_are_refused():
    with pytest.raises(ConfigError, match="confidence"):
        Bootstrap(100, 1, confidence=95)
