"""The learned holder decision: the rules propose candidates, a linear model stored as plain
JSON decides (stance.holder_model), trained with scikit-learn (stance.holder_training)."""

import json

import pytest

from stance.annotations import load_annotations
from stance.cli.common import analyzer
from stance.corpus import Article, iter_corpus
from stance.errors import ActorError, StanceError
from stance.holder_eval import evaluate_holders
from stance.holder_model import HolderModel, load_model, save_model
from stance.holder_training import SentenceRows, best_threshold, candidate_recall, collect, cross_crisis, fit
from stance.holders import attribute_article, make_finder
from tests.conftest import PROJECT_ROOT, SEED_ANNOTATIONS, settings_for

SHIPPED = PROJECT_ROOT / "conf" / "actors" / "holder_model.json"
ACTORS = """\
- name: Tom Baker
  kind: person
  gender: male
  aliases: [Tom Baker, Senator Tom Baker, Baker]
- name: Maria Lopez
  kind: person
  gender: female
  aliases: [Maria Lopez, Lopez]
- name: Northland
  kind: organization
  aliases: [Northland]
- name: officials (unnamed)
  kind: organization
  aliases: [officials, Officials]
"""
ARTICLE = ["Tom Baker said the talks with Northland had failed.",
           '"We cannot wait any longer for them to move."',
           "Maria Lopez visited the border on Monday."]


@pytest.fixture(scope="module")
def actor_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("actors") / "actors.yaml"
    path.write_text(ACTORS, encoding="utf-8")
    return path


def _finder(actor_file, model_path=None):
    overrides = [f"actors.path={actor_file}"] + ([f"actors.holder_model={model_path}"] if model_path else [])
    return make_finder(settings_for(*overrides).actors)


def _write(tmp_path, weights, intercept=-5.0, threshold=0.5):
    return save_model(HolderModel(weights, intercept, threshold, {"trained": "by hand"}), tmp_path / "model.json")


def test_every_actor_the_sentence_could_have_is_a_candidate(actor_file):
    finder = _finder(actor_file)
    results, candidates = finder.candidates_article(ARTICLE)
    first = dict(candidates[0])
    assert set(first) == {"Tom Baker", "Northland"}
    assert first["Tom Baker"]["s:rule"] == 1 and "s:rule" not in first["Northland"]
    assert first["Northland"]["m:object"] == 1  # "with Northland": an object, not a subject
    # the quotation names no one: the previous sentence's speaker is its candidate
    second = dict(candidates[1])
    assert "s:previous" in second["Tom Baker"] and second["Tom Baker"]["c:wholly_quoted"] == 1
    # the rules' own findings are unchanged by the tracing
    assert [r.holders for r in results] == [r.holders for r in attribute_article(ARTICLE, finder)]


def test_the_articles_recent_speakers_are_candidates_where_the_sentence_names_no_one(actor_file):
    # a first-person passage three sentences after its speaker last held (op-ed, interview)
    _, candidates = _finder(actor_file).candidates_article([
        "Tom Baker said the plan was sound.", "Maria Lopez visited the border.", "The convoy left at noon.",
        "We could pull the information down from the drone."])
    last = dict(candidates[3])
    assert set(last) == {"Tom Baker"}
    assert last["Tom Baker"]["s:recent"] == 1 and last["Tom Baker"]["s:article_speaker"] == 1
    assert last["Tom Baker"]["c:first_person"] == 1 and last["Tom Baker"]["k:since_5"] == 1


def test_a_model_that_trusts_the_rules_gives_their_holders(actor_file, tmp_path):
    rules = [a.holders for a in attribute_article(ARTICLE, _finder(actor_file))]
    path = _write(tmp_path, {"s:rule": 10.0})
    assert [a.holders for a in attribute_article(ARTICLE, _finder(actor_file, path))] == rules


def test_the_model_decides_over_the_candidates(actor_file, tmp_path):
    # a model that gives a wholly quoted sentence to the previous speaker, and nothing else
    path = _write(tmp_path, {"s:previous&c:wholly_quoted": 10.0})
    found = [a.holders for a in attribute_article(ARTICLE, _finder(actor_file, path))]
    assert found == [(), ("Tom Baker",), ()]
    # a model that drops a source beside no one else keeps nothing where the rules kept Baker
    path = _write(tmp_path, {"s:rule": 10.0, "c:rule_holders_1": -10.0})
    assert [a.holders for a in attribute_article(ARTICLE[:1], _finder(actor_file, path))] == [()]


def test_the_weights_are_plain_json_read_back_exactly(tmp_path):
    model = HolderModel({"s:rule": 2.5, "m:object": -1.25}, -0.5, 0.4, {"rows": 10})
    path = save_model(model, tmp_path / "model.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["format"] == "stance-holder-model/1" and raw["weights"] == {"m:object": -1.25, "s:rule": 2.5}
    assert load_model(path) == model
    assert model.probability({"s:rule": 1}) == pytest.approx(1 / (1 + 2.718281828459045 ** -2.0))


@pytest.mark.parametrize("text, problem", [
    ("{not json", "not valid JSON"),
    ('{"format": "stance-holder-model/1", "weights": {"a": 1' + "0" * 400 + '}, "intercept": 0, "threshold": 0.5}',
     '"weights" must map feature names to numbers'),
    ('{"format": "stance-holder-model/1", "weights": {"a": 1' + "0" * 5000 + '}, "intercept": 0, "threshold": 0.5}',
     "not valid JSON"),
    ('{"format": "stance-holder-model/1", "provenance": ' + "[" * 100000 + "]" * 100000 + "}", "nested deeper"),
    ('{"weights": {}}', 'expected a JSON object with "format"'),
    ('{"format": "stance-holder-model/1", "weights": {"a": "x"}, "intercept": 0, "threshold": 0.5}',
     '"weights" must map feature names to numbers'),
    ('{"format": "stance-holder-model/1", "weights": {}, "intercept": 0, "threshold": 2}', '"threshold" one between'),
])
def test_a_bad_weights_file_stops_with_one_line_naming_it(tmp_path, text, problem):
    path = tmp_path / "model.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ActorError) as err:
        load_model(path)
    assert str(path) in str(err.value) and problem in str(err.value) and "\n" not in str(err.value)


def test_the_config_key_loads_the_model_and_a_missing_file_is_an_error(actor_file, tmp_path):
    assert _finder(actor_file).model is None  # default: the rules decide
    path = _write(tmp_path, {"s:rule": 1.0})
    assert _finder(actor_file, path).model == load_model(path)
    with pytest.raises(StanceError, match="missing.json"):
        _finder(actor_file, tmp_path / "missing.json")


def _rows(*candidates, gold=("A",), group="g"):
    return SentenceRows("s", group, gold, tuple((name, {}) for name in candidates), ())


def test_the_threshold_is_the_one_with_the_best_f1_counting_uncovered_holders():
    rows = [_rows("A", "B"), _rows("A"), _rows("C", gold=("A",))]  # the third's holder has no candidate
    probs = [[0.9, 0.6], [0.3], [0.2]]
    # keep >= 0.9: 1 of 3 gold (P 1, F1 .5); >= 0.6: 1 of 3 (P .5); >= 0.3: 2 of 3 with 3 kept (F1 .667)
    threshold = best_threshold(rows, probs)
    assert 0.2 < threshold <= 0.3
    assert candidate_recall(rows) == pytest.approx(2 / 3)


def test_training_learns_who_holds_from_annotated_articles(actor_file):
    # six written articles in three "crises", each a speaker, then their quotation; the rows say
    # the quotation is the speaker's, so the model learns it from the candidates' features
    analysis = analyzer(settings_for(f"actors.path={actor_file}"))
    articles = [Article(f"d{i}", f"Tom Baker said the talks had failed in round {i + 1}. "
                                 '"We cannot wait any longer." Maria Lopez visited the border.') for i in range(6)]
    gold = {}
    for article in articles:
        for sentence, holders in zip(analysis.sentences(article), [("Tom Baker",), ("Tom Baker",), ()]):
            gold[sentence.id] = holders
    groups = {key: f"crisis{i // 6}" for i, key in enumerate(gold)}
    rows = collect(articles, analysis, gold, groups)
    assert len(rows) == 18 and candidate_recall(rows) == 1.0
    model = fit(rows, c=10.0)
    assert model.provenance["sentences"] == 18 and model.provenance["groups"] == ["crisis0", "crisis1", "crisis2"]
    kept = [[n for n, f in r.candidates if model.probability(f) >= model.threshold] for r in rows]
    assert kept[:3] == [["Tom Baker"], ["Tom Baker"], []]
    halves = cross_crisis(rows[:9], rows[9:], c=10.0)
    assert halves["pooled"]["f1"] == 1.0


def test_the_shipped_weights_on_the_seed_set_it_never_saw():
    settings = settings_for("annotations=seed", f"actors.holder_model={SHIPPED}")
    rows = load_annotations(SEED_ANNOTATIONS, list(settings.labels))
    docs = {r.doc_id for r in rows}
    report = evaluate_holders((a for a in iter_corpus(settings.corpus.path) if a.doc_id in docs), analyzer(settings),
                              {r.id: r.actors for r in rows})
    # measured: P 0.925, R 0.738, F1 0.821 (the rules alone: 0.877, 0.845, 0.861)
    assert report.scores["precision"] >= 0.92 and report.scores["recall"] >= 0.73 and report.scores["f1"] >= 0.815


def test_a_very_low_score_has_a_probability_of_almost_nothing_not_an_overflow():
    model = HolderModel({"s:rule": 1.0}, -1000.0, 0.5)
    assert model.probability({"s:rule": 1}) == pytest.approx(0.0) and model.probability({"s:rule": 2000}) == 1.0
