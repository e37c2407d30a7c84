import numpy as np
import pandas as pd
import pytest

from stance.aggregate import by_outlet
from stance.errors import ConfigError
from stance.quantify import Quantifier, adjusted_classify_and_count, misclassification_rates, rates_from_confusion

LABELS = ["advocate", "caution", "neutral"]
# P(predicted | true), columns true: the kind of errors the seed model makes (advocate and
# neutral confused with each other, caution mostly recognised)
TRUE_RATES = np.array([[0.60, 0.07, 0.10],
                       [0.05, 0.72, 0.06],
                       [0.35, 0.21, 0.84]])


def _predict(true_labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A simulated classifier: each sentence's predicted label drawn from its true label's column."""
    return np.array([rng.choice(3, p=TRUE_RATES[:, t]) for t in true_labels])


def _cross_validated_confusion(rng: np.random.Generator, n: int = 1500) -> list[list[int]]:
    """What cross-validation on a neutral-heavy training set would record (rows gold)."""
    gold = rng.choice(3, size=n, p=[0.17, 0.15, 0.68])
    predicted = _predict(gold, rng)
    return [[int(((gold == g) & (predicted == p)).sum()) for p in range(3)] for g in range(3)]


def _outlet_records(outlet: str, mix: list[float], articles: int, per_article: int, rng) -> list[dict]:
    records = []
    for a in range(articles):
        true_labels = rng.choice(3, size=per_article, p=mix)
        for label in _predict(true_labels, rng):
            records.append({"doc_id": f"{outlet}-{a}", "outlet": outlet, "label": LABELS[label], "actors": []})
    return records


def test_adjusted_shares_are_closer_to_the_truth_than_raw_counts_under_prior_shift():
    rng = np.random.default_rng(7)
    rates = rates_from_confusion({"labels": LABELS, "rows_gold_columns_predicted": _cross_validated_confusion(rng)},
                                 LABELS, "simulated card")
    truth = {"Hawk Daily": [0.55, 0.05, 0.40], "Dove Post": [0.05, 0.50, 0.45], "Wire": [0.20, 0.20, 0.60]}
    records = [r for outlet, mix in truth.items() for r in _outlet_records(outlet, mix, 60, 40, rng)]
    frame = pd.DataFrame(records)
    cc = by_outlet(frame, LABELS, quantifier=Quantifier("cc")).set_index("outlet")
    acc = by_outlet(frame, LABELS, quantifier=Quantifier("acc", tuple(map(tuple, rates)))).set_index("outlet")
    assert set(acc["method"]) == {"acc"} and set(cc["method"]) == {"cc"}
    shares = [f"share_{label}" for label in LABELS]
    for outlet, mix in truth.items():
        cc_error = np.abs(cc.loc[outlet, shares].to_numpy(float) - mix).sum()
        acc_error = np.abs(acc.loc[outlet, shares].to_numpy(float) - mix).sum()
        assert acc_error < cc_error, outlet
        assert acc_error < 0.1, outlet
    # the outlets whose mix is far from the training mix are where counting misleads most
    assert np.abs(cc.loc["Hawk Daily", shares].to_numpy(float) - truth["Hawk Daily"]).sum() > 0.15


def test_constrained_solution_stays_on_the_simplex_and_is_the_best_mix():
    observed = np.array([0.04, 0.09, 0.87])  # fewer predicted advocates than neutrals alone would produce
    assert (np.linalg.solve(TRUE_RATES, observed) < 0).any()  # the unconstrained answer is impossible
    estimate = adjusted_classify_and_count(observed, TRUE_RATES)
    assert (estimate >= 0).all() and estimate.sum() == pytest.approx(1)
    candidates = np.random.default_rng(1).dirichlet([1, 1, 1], size=5000)
    best_residual = ((TRUE_RATES @ estimate - observed) ** 2).sum()
    assert (((candidates @ TRUE_RATES.T - observed) ** 2).sum(axis=1) >= best_residual - 1e-12).all()


def test_solver_handles_a_batch_and_recovers_exact_mixes():
    mixes = np.random.default_rng(3).dirichlet([2, 2, 2], size=50)
    observed = mixes @ TRUE_RATES.T
    np.testing.assert_allclose(adjusted_classify_and_count(observed, TRUE_RATES), mixes, atol=1e-9)


def test_perfect_classifier_leaves_counts_as_they_are():
    tallies = np.array([[[6, 3, 1], [0, 0, 0], [5.0, 3.0, 2.0], [0, 0, 0]]])
    acc = Quantifier("acc", tuple(map(tuple, np.eye(3)))).shares(tallies)
    np.testing.assert_allclose(acc, Quantifier("cc").shares(tallies))
    np.testing.assert_allclose(Quantifier("pcc").shares(tallies), [[0.5, 0.3, 0.2]])


def test_in_sample_sentences_count_as_labelled_unless_asked_to_correct_them():
    rates = tuple(map(tuple, TRUE_RATES))
    in_sample = np.array([[6, 3, 11], [6, 3, 11], [7.0, 4.0, 9.0], [7.0, 4.0, 9.0]])  # every sentence in training
    np.testing.assert_allclose(Quantifier("acc", rates).shares(in_sample), [0.3, 0.15, 0.55])
    np.testing.assert_allclose(Quantifier("pcc", rates).shares(in_sample), [0.3, 0.15, 0.55])
    corrected = Quantifier("acc", rates, correct_in_sample=True).shares(in_sample)
    assert corrected[0] != pytest.approx(0.3) and corrected.sum() == pytest.approx(1)


def test_rates_follow_the_table_labels_and_a_missing_matrix_is_refused():
    confusion = {"labels": ["neutral", "advocate", "caution"],
                 "rows_gold_columns_predicted": [[8, 2, 0], [1, 3, 0], [0, 0, 5]]}
    rates = rates_from_confusion(confusion, LABELS, "card.json")
    assert rates[0, 0] == pytest.approx(3 / 4)  # predicted advocate given true advocate
    assert rates[0, 2] == pytest.approx(2 / 10)  # predicted advocate given true neutral
    np.testing.assert_allclose(rates.sum(axis=0), 1)
    np.testing.assert_allclose(misclassification_rates([[3, 1], [0, 2]]), [[0.75, 0], [0.25, 1]])
    with pytest.raises(ConfigError, match="card.json: .*lacks labels caution"):
        rates_from_confusion({"labels": ["advocate", "neutral"], "rows_gold_columns_predicted": [[1, 0], [0, 1]]},
                             LABELS, "card.json")
    with pytest.raises(ConfigError, match="no gold caution"):
        rates_from_confusion({"labels": LABELS, "rows_gold_columns_predicted": [[1, 0, 0], [0, 0, 0], [0, 0, 1]]},
                             LABELS, "card.json")
    with pytest.raises(ConfigError, match="report.method='median'"):
        Quantifier("median")


def test_every_method_recovers_a_groups_mix_from_an_honest_classifier():
    """Each entry of METHODS: shares sum to 1, and with a perfect classifier (identity rates,
    one-hot probabilities) every method returns the true mix."""
    from stance.quantify import COUNT, METHODS, PROBA

    true_counts = np.array([6.0, 3.0, 11.0])
    tallies = np.zeros((4, 3))
    tallies[COUNT] = true_counts
    tallies[PROBA] = true_counts
    identity = tuple(tuple(row) for row in np.eye(3))
    for name, method in METHODS.items():
        shares = Quantifier(name, identity if method.needs_rates else None).shares(tallies)
        assert shares.sum() == pytest.approx(1.0), name
        assert shares == pytest.approx(true_counts / true_counts.sum()), name


def test_pacc_undoes_a_known_probabilistic_bias():
    """A classifier that puts 30% of every caution sentence's probability on advocate: PCC
    overstates advocate, PACC with that rate recovers the truth."""
    from stance.quantify import COUNT, PROBA

    rates = ((1.0, 0.3, 0.0), (0.0, 0.7, 0.0), (0.0, 0.0, 1.0))  # P(predicted | true), columns true
    truth = np.array([0.2, 0.5, 0.3])
    tallies = np.zeros((4, 3))
    tallies[COUNT] = truth * 100
    tallies[PROBA] = np.asarray(rates) @ truth * 100
    pcc = Quantifier("pcc").shares(tallies)
    pacc = Quantifier("pacc", rates).shares(tallies)
    assert pcc[0] == pytest.approx(0.35)
    assert pacc == pytest.approx(truth)


def test_pacc_reads_its_rates_from_the_cards_probability_confusion():
    confusion = {"labels": ["advocate", "caution", "neutral"],
                 "rows_gold_columns_predicted": [[8.0, 1.0, 1.0], [2.0, 6.0, 2.0], [1.0, 1.0, 18.0]]}
    rates = rates_from_confusion(confusion, ["advocate", "caution", "neutral"], "card.json", "pacc")
    assert rates[:, 0] == pytest.approx([0.8, 0.1, 0.1])
