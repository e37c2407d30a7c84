"""Candidate versus current on the same folds, with no sentence scored by a model trained on it."""

import pytest

from tests.conftest import features_spec, model_spec
from stance.annotations import load_annotations
from stance.evaluate import LabelledSet, folds
from stance.model import build_pipeline
from stance.retrain import Setup, compare, side_by_side
from tests.conftest import SEED_ANNOTATIONS

LABELS = ["advocate", "caution", "neutral"]
WORDS = features_spec(word=[1, 2])


def _make():
    return build_pipeline(WORDS, model_spec(C=1.0, class_weight="balanced"), 13)


@pytest.fixture(scope="module")
def merged():
    """The seed set as a merged store whose last 40 sentences (and one relabelled) are new."""
    rows = load_annotations(SEED_ANNOTATIONS, LABELS)
    data = LabelledSet([r.text for r in rows], [r.label for r in rows], [r.doc_id for r in rows],
                       [r.doc_id for r in rows])
    ids = [r.id for r in rows]
    seen = {r.id: r.label for r in rows[:-40]}
    seen[ids[0]] = "advocate" if rows[0].label != "advocate" else "caution"  # the import relabelled this one
    return data, ids, seen


def test_both_models_face_the_same_folds_and_only_the_candidate_learns_the_new_sentences(merged):
    data, ids, seen = merged
    fold_list = folds(data, "leave_one_article_out")
    result = compare(data, ids, fold_list, Setup(_make, seen), Setup(_make, dict(zip(ids, data.labels))),
                     LABELS, "leave_one_article_out")
    current, candidate = result["current"]["folds"], result["candidate"]["folds"]
    assert [f["fold"] for f in current] == [f["fold"] for f in candidate] == [name for name, _, _ in fold_list]
    assert [f["n_test"] for f in current] == [f["n_test"] for f in candidate]
    for (_, train, _), old, new in zip(fold_list, current, candidate):
        assert new["n_train"] == len(train)
        assert old["n_train"] == sum(ids[i] in seen for i in train)
    assert result["added_or_relabelled"]["n"] == 41 and ids[0] in result["added_or_relabelled"]["ids"]
    assert result["difference"]["macro_f1"] == pytest.approx(result["candidate"]["macro_f1"] - result["current"]["macro_f1"])
    assert sum(p["new"] for p in result["predictions"]) == 41 and len(result["predictions"]) == len(ids)


def test_no_sentence_is_scored_by_a_model_trained_on_it(merged, monkeypatch):
    data, ids, seen = merged
    trained_on, checked = [], []
    from stance import evaluate  # both sides train and predict through evaluate.fit_predict

    real_fit, real_predict = evaluate.fit, evaluate.predict_proba

    def spy_fit(pipeline, texts, labels):
        trained_on.append(set(texts))
        return real_fit(pipeline, texts, labels)

    def spy_predict(pipeline, texts):
        assert not set(texts) & trained_on[-1], "a test sentence was in this model's training data"
        checked.append(len(texts))
        return real_predict(pipeline, texts)

    monkeypatch.setattr(evaluate, "fit", spy_fit)
    monkeypatch.setattr(evaluate, "predict_proba", spy_predict)
    fold_list = folds(data, "stratified_kfold", k=3, seed=13)
    compare(data, ids, fold_list, Setup(_make, seen), Setup(_make, dict(zip(ids, data.labels))), LABELS, "stratified_kfold")
    assert sum(checked) == 2 * len(ids)  # every sentence scored once by each model
    new_texts = {data.texts[i] for i, sid in enumerate(ids) if sid not in seen}
    assert not any(texts & new_texts for texts in trained_on[0::2])  # the current side never learns the new ones


def test_a_fold_where_the_current_model_saw_one_label_predicts_that_label(merged):
    data, ids, _ = merged
    only_neutral = {sid: "neutral" for sid, label in zip(ids, data.labels) if label == "neutral"}
    fold_list = folds(data, "leave_one_article_out")
    result = compare(data, ids, fold_list, Setup(_make, only_neutral), Setup(_make, dict(zip(ids, data.labels))),
                     LABELS, "leave_one_article_out")
    assert all("predicts 'neutral'" in f["note"] for f in result["current"]["folds"])
    assert result["current"]["per_label"]["neutral"]["recall"] == 1.0
    text = side_by_side(result, LABELS)
    assert "current" in text and "candidate" in text and "change" in text and "predicts 'neutral'" in text
    assert f"{result['difference']['macro_f1']:+.3f}" in text
