"""Holder scoring: precision, recall, F1 and exact sets against annotated holders, every error
put down to a cause; the figures reach metrics.json and the model card."""

import pytest

from stance import store
from stance.annotations import Annotation, load_annotations
from stance.cli.common import analyzer
from stance.corpus import iter_corpus
from stance.holder_eval import (CAUSES, evaluate_holders, extra_cause, missed_cause, score_attributions,
                                pool_rows, split_by_crisis)
from stance.holders import Attribution, make_finder
from tests.conftest import PROJECT_ROOT, SEED_ANNOTATIONS, settings_for

POOL = PROJECT_ROOT.parent / "shared" / "datasets" / "news-pool" / "pool.jsonl"
POOL_ACTORS = PROJECT_ROOT / "data" / "annotations" / "pool_actors.yaml"


@pytest.fixture(scope="module")
def finder():
    return make_finder(settings_for().actors)


def test_scores_are_micro_over_holder_names_with_the_exact_set_share(finder):
    gold = {"a": ("Mike Pompeo",), "b": ("Iran", "Mark Esper"), "c": ()}
    predicted = {"a": Attribution(("Mike Pompeo",), (), ("alias subject say",)),
                 "b": Attribution(("Iran", "Pentagon"), (), ("alias subject warn", "alias subject say")),
                 "c": Attribution((), (), ())}
    texts = {"a": "Pompeo said so.", "b": "Iran warned, the Pentagon said, and Esper agreed.", "c": "Troops moved."}
    report = score_attributions(gold, predicted, texts, finder)
    assert (report.scores["precision"], report.scores["recall"]) == (2 / 3, 2 / 3)
    assert report.scores["f1"] == pytest.approx(2 / 3) and report.scores["exact_match"] == pytest.approx(2 / 3)
    assert [(e.actor, e.kind, e.cause) for e in report.errors] == [("Mark Esper", "missed", "other"),
                                                                   ("Pentagon", "extra", "conduit")]
    assert list(report.to_dict()["errors_by_cause"]) == list(CAUSES)


@pytest.mark.parametrize("text, actor, cause", [
    ('"We are ready," she said.', "Mike Pompeo", "pronoun"),
    ('"We will hold them accountable."', "Mark Esper", "running quotation"),
    ("The general warned of a long campaign.", "Robert P. White", "title"),
    ("Pompeo met the envoy on Monday.", "Mike Pompeo", "missing verb"),
    ("The raid began after Esper told reporters it would not.", "Mark Esper", "subordinate clause"),
    ("TRUMP SAID THE STRIKES WOULD GO ON.", "Donald Trump", "other"),
    ("The adviser, O'brien, said so.", "Robert C. O'Brien", "gazetteer form"),
])
def test_a_missed_holder_is_put_down_to_its_cause(finder, text, actor, cause):
    assert missed_cause(finder, text, actor) == cause


@pytest.mark.parametrize("name, reason, gold, cause", [
    ("US officials (unnamed)", "alias subject say", ("Pentagon",), "conduit"),
    ("Mark Esper", "pronoun subject say", ("Mark Milley",), "pronoun"),
    ("Robert P. White", "title subject warn", (), "title"),
    ("Mark Esper", "quotation", (), "running quotation"),
    ("Iran", "alias subject warn", (), "other"),
    ("Iranian Foreign Ministry", "alias subject say", ("Chinese Foreign Ministry",), "gazetteer form"),
])
def test_an_extra_holder_is_put_down_to_how_it_was_found(name, reason, gold, cause):
    assert extra_cause(name, reason, gold) == cause


def _report(settings, annotations):
    rows = load_annotations(annotations, list(settings.labels))
    docs = {r.doc_id for r in rows}
    return evaluate_holders((a for a in iter_corpus(settings.corpus.path) if a.doc_id in docs), analyzer(settings),
                            {r.id: r.actors for r in rows})


def test_the_seed_set_holders_are_found_as_well_as_measured():
    report = _report(settings_for("annotations=seed"), SEED_ANNOTATIONS)
    assert report.scores["n"] == 181
    assert report.scores["precision"] >= 0.873 and report.scores["recall"] >= 0.84  # measured 0.877 and 0.845
    assert sum(c["missed"] for c in report.by_cause().values()) == \
        sum(1 for e in report.errors if e.kind == "missed")


@pytest.mark.skipif(not POOL.is_file(), reason="the news pool is team data beside the checkout (../shared)")
def test_the_pool_articles_holders_are_scored_by_cause():
    settings = settings_for(f"corpus.path={POOL}", f"actors.path={POOL_ACTORS}")
    report = _report(settings, settings.annotations.path)
    assert report.scores["n"] >= 4000  # every annotated pool sentence (whole articles and queued rounds)
    # measured on 7,289 sentences (whole articles + four queued rounds): F1 0.755, P 0.796, R 0.718
    assert report.scores["f1"] >= 0.752 and report.scores["precision"] >= 0.793
    assert report.scores["recall"] >= 0.715


def test_training_writes_holder_figures_by_cause_to_metrics_and_card(trained_models):
    card = store.read_card(trained_models, store.current_version(trained_models))
    holders = card.metrics["holders"]
    assert holders["n"] == 181 and 0 < holders["f1"] <= 1
    assert set(holders["errors_by_cause"]) == set(CAUSES)


def _row(i: str, crisis: str, actors=()) -> Annotation:
    return Annotation(i, "doc", "text", "neutral", tuple(actors), extra={"crisis": crisis} if crisis else {})


def test_the_dev_and_check_halves_split_the_crisis_tags_by_sorted_position():
    rows = [_row("1", "syria"), _row("2", "africa"), _row("3", "iran"), _row("4", "balkans"), _row("5", "africa"),
            _row("6", "")]
    # sorted tags: africa (0), balkans (1), iran (2), syria (3)
    assert [r.id for r in split_by_crisis(rows, "dev")] == ["2", "3", "5"]
    assert [r.id for r in split_by_crisis(rows, "check")] == ["1", "4"]
    assert len(split_by_crisis(rows, "all")) == 6
    with pytest.raises(ValueError):
        split_by_crisis(rows, "test")


def test_pool_rows_are_those_with_a_crisis_tag_other_than_the_seeds():
    rows = [_row("1", "syria"), _row("2", "seed_iraq_2020"), _row("3", "")]
    assert [r.id for r in pool_rows(rows)] == ["1"]


def test_a_report_scores_any_subset_of_its_sentences_again(finder):
    gold = {"a": ("Mike Pompeo",), "b": ("Iran",)}
    predicted = {"a": Attribution(("Mike Pompeo",), (), ("alias subject say",)),
                 "b": Attribution(("Pentagon",), (), ("alias subject say",))}
    report = score_attributions(gold, predicted, {"a": "Pompeo said so.", "b": "The Pentagon said so."}, finder)
    assert report.subset_scores(["a"])["f1"] == 1.0
    assert report.subset_scores(["b"])["f1"] == 0.0
