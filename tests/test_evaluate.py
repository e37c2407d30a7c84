from stance.evaluate import LabelledSet, cross_validate, folds, linked_groups
from tests.conftest import features_spec, model_spec
from stance.model import build_pipeline

FEATURES = features_spec(word=[1, 1])
MODEL = model_spec(C=1.0, class_weight="balanced")


def _data():
    texts, labels, docs, outlets = [], [], [], []
    for d, outlet in enumerate(["A", "A", "B", "C"]):
        for i in range(6):
            label = ["advocate", "caution", "neutral"][i % 3]
            word = {"advocate": "strike them now", "caution": "warned of risks", "neutral": "troops are stationed"}[label]
            texts.append(f"{word} {d} {i}")
            labels.append(label)
            docs.append(f"doc{d}")
            outlets.append(outlet)
    return LabelledSet(texts, labels, docs, outlets)


def test_leave_one_article_out_never_shares_an_article():
    data = _data()
    for name, train, test in folds(data, "leave_one_article_out"):
        assert {data.doc_ids[i] for i in test} == {name}
        assert name not in {data.doc_ids[i] for i in train}


def test_leave_one_outlet_out_holds_out_whole_outlets():
    data = _data()
    names = [name for name, _, _ in folds(data, "leave_one_outlet_out")]
    assert sorted(names) == ["A", "B", "C"]


def test_cross_validation_scores_every_sentence_out_of_fold():
    data = _data()
    result = cross_validate(data, lambda: build_pipeline(FEATURES, MODEL, 0), ["advocate", "caution", "neutral"],
                            "leave_one_article_out")
    assert len(result["predictions"]) == len(data.texts)
    assert len(result["folds"]) == 4
    assert result["macro_f1"] == 1.0  # the cue words separate the labels perfectly
    assert result["fold_macro_f1"]["mean"] == 1.0


def test_texts_that_share_a_source_fall_in_one_outlet_group():
    groups = linked_groups({"swj": "New York Times; Washington Post", "nyt-translated": "New York Times",
                            "jpost": "The Jerusalem Post"})
    assert groups == {"swj": "New York Times + Washington Post", "nyt-translated": "New York Times + Washington Post",
                      "jpost": "The Jerusalem Post"}


def test_every_fold_protocol_tests_each_sentence_exactly_once_and_never_on_its_training_data():
    from stance.evaluate import PROTOCOLS

    data = _data()
    for name, protocol in PROTOCOLS.items():
        if protocol.splitter is None:
            continue  # holdout scores on a second file; see test_holdout_*
        tested = []
        for fold, train, test in folds(data, name, k=3, seed=1):
            assert not set(train) & set(test), name
            tested += list(test)
            if name == "leave_one_article_out":
                assert {data.doc_ids[i] for i in test} == {fold}
            if protocol.uses_groups:
                assert {data.groups[i] for i in test} == {fold} and fold not in {data.groups[i] for i in train}
        assert sorted(tested) == list(range(len(data.texts))), name


def test_leave_one_group_out_is_named_after_its_column():
    from stance.evaluate import protocol_name

    assert protocol_name("leave_one_group_out", "crisis") == "leave_one_crisis_out"
    assert protocol_name("leave_one_article_out", "crisis") == "leave_one_article_out"


def test_a_set_too_small_for_the_rare_ngram_cut_stops_with_a_config_line():
    """The shipped setup drops n-grams seen in fewer than 2 (words) or 3 (characters) training
    sentences; three sentences with no word in common lose them all: one line, not a traceback."""
    import pytest

    from stance.errors import ConfigError
    from stance.model import fit
    from tests.conftest import settings_for

    features = {name: dict(block) for name, block in settings_for().features.items()}
    with pytest.raises(ConfigError, match="lower features.word.min_df"):
        fit(build_pipeline(features, model_spec(), 0), ["strike now", "warned of risk", "troops"],
            ["advocate", "caution", "neutral"])
