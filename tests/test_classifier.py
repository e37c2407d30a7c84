"""The classifier's options: two stages, calibrated probabilities, decision offsets learnt by inner CV."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from stance.classifier import StanceClassifier, make_classifier
from tests.conftest import model_spec


def _data(seed=0):
    rng = np.random.default_rng(seed)
    centers = {"advocate": [2.0, 0.0], "caution": [0.0, 2.0], "neutral": [0.0, 0.0]}
    sizes = {"advocate": 30, "caution": 30, "neutral": 240}
    X = np.vstack([rng.normal(centers[k], 1.0, size=(n, 2)) for k, n in sizes.items()])
    y = np.array([k for k, n in sizes.items() for _ in range(n)])
    return X, y


def test_without_options_the_classifier_is_plain_logistic_regression():
    assert isinstance(make_classifier(model_spec(), 0), LogisticRegression)


@pytest.mark.parametrize("options", [{"two_stage": True}, {"calibration": "sigmoid"}, {"tune_offsets": True},
                                     {"two_stage": True, "calibration": "isotonic", "tune_offsets": True}])
def test_every_option_gives_probabilities_that_sum_to_one_and_labels_from_the_classes(options):
    X, y = _data()
    model = StanceClassifier(class_weight="balanced", **options).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(X)) <= set(model.classes_)


def test_tuned_offsets_do_not_lower_the_training_folds_macro_f1_they_were_chosen_on():
    from sklearn.metrics import f1_score

    X, y = _data(1)
    plain = StanceClassifier().fit(X, y)
    tuned = StanceClassifier(tune_offsets=True).fit(X, y)
    assert tuned.offsets_[0] == 0.0 and tuned.offsets_.shape == (3,)
    Xt, yt = _data(2)
    assert f1_score(yt, tuned.predict(Xt), average="macro") >= f1_score(yt, plain.predict(Xt), average="macro") - 0.05


def test_the_same_seed_gives_the_same_offsets():
    X, y = _data()
    a = StanceClassifier(tune_offsets=True, random_state=3).fit(X, y).offsets_
    b = StanceClassifier(tune_offsets=True, random_state=3).fit(X, y).offsets_
    assert np.array_equal(a, b)
