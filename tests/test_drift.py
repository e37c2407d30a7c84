"""Distance from the training data, and the warnings it triggers."""

from stance.drift import Drift, DriftMeter, thresholds, warnings
from stance.model import build_pipeline, fit
from tests.conftest import features_spec, model_spec


def _pipeline():
    texts = ["we will strike them", "we warn of a quagmire", "troops arrived today", "talks resumed today"]
    return fit(build_pipeline(features_spec(), model_spec(), 0), texts, ["advocate", "caution", "neutral", "neutral"])


def test_unknown_wording_raises_the_unseen_share():
    pipeline = _pipeline()
    familiar = DriftMeter(pipeline)
    familiar.add("we will strike them", {"advocate": 0.9, "caution": 0.05, "neutral": 0.05}, "advocate")
    strange = DriftMeter(pipeline)
    strange.add("photosynthesis enzymes catalyse glucose", {"advocate": 0.4, "caution": 0.3, "neutral": 0.3}, "advocate")
    assert familiar.figures().unseen_ngram_share == 0.0 and strange.figures().unseen_ngram_share == 1.0
    assert strange.figures().mean_top_probability == 0.4


def test_thresholds_take_the_worst_held_out_fold_and_warn_beyond_it():
    folds = [Drift(100, 0.20, 0.80, 0.85).to_dict(), Drift(80, 0.35, 0.70, 0.95).to_dict()]
    limits = thresholds(folds, training_neutral_rate=0.82)
    assert limits["unseen_ngram_share"] == 0.35 and limits["mean_top_probability"] == 0.70
    assert limits["neutral_rate_gap"] == 0.13
    assert warnings(Drift(500, 0.30, 0.75, 0.84), limits) == []
    found = warnings(Drift(500, 0.50, 0.60, 0.99), limits)
    assert len(found) == 3 and "unknown to the model" in found[0]


def test_a_card_without_thresholds_gives_no_warning():
    assert warnings(Drift(10, 0.9, 0.4, 1.0), {}) == []


def test_predict_warns_on_coverage_unlike_the_training_data_but_not_on_the_training_corpus(make_cfg, trained_models,
                                                                                            tmp_path):
    """The seed corpus is the model's own training data: no drift warning. A corpus of
    another kind of news (here: sport and weather) is far from it: drift.json warns."""
    import json

    from stance.cli.predict import predict

    predict(make_cfg(f"store.dir={trained_models}"), tmp_path / "seed")
    assert json.loads((tmp_path / "seed" / "drift.json").read_text())["warnings"] == []

    texts = ["The home side scored twice in the second half. Fans cheered as the striker lifted the cup. "
             "The coach praised the defence after the final whistle.",
             "Heavy rain is expected across the valley on Sunday. Farmers welcomed the showers after a dry month. "
             "Temperatures will climb again by Wednesday, forecasters said.",
             "The marathon drew twelve thousand runners this year. Volunteers handed out water at every mile. "
             "The winner finished in just over two hours."]
    corpus = tmp_path / "other.jsonl"
    corpus.write_text("".join(json.dumps({"doc_id": f"d{i}", "outlet": "Local Gazette", "title": "t", "date": "2024-05-01",
                                          "author": "", "url": "", "text": text}) + "\n"
                              for i, text in enumerate(texts)), encoding="utf-8")
    predict(make_cfg(f"store.dir={trained_models}", f"corpus.path={corpus}"), tmp_path / "other")
    drift = json.loads((tmp_path / "other" / "drift.json").read_text())
    assert drift["warnings"] and drift["figures"]["unseen_ngram_share"] > 0.3
