"""Choosing what to annotate next: uncertain, unannotated, and not N near-copies."""

import csv
import io
import json

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from stance import store
from stance.annotations import load_annotations
from stance.corpus import load_corpus
from stance.importing import read_export
from stance.queue import (candidates, diverse_order, label_studio_config, most_uncertain, queue_csv, queue_doccano,
                          queue_label_studio, select, uncertainty)
from stance.cli.common import analyzer
from tests.conftest import SEED_ANNOTATIONS, SEED_CORPUS

LABELS = ["advocate", "caution", "neutral"]


def test_uncertainty_is_highest_where_the_model_hesitates():
    proba = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.6, 0.3, 0.1]])
    assert np.allclose(uncertainty(proba, "margin"), [1.0, 0.0, 1.0, 0.7])
    assert np.allclose(uncertainty(proba, "least_confident"), [0.5, 0.0, 2 / 3, 0.4])
    entropy = uncertainty(proba, "entropy")
    assert entropy[2] == pytest.approx(1.0) and entropy[1] == 0.0 and 0 < entropy[0] < entropy[3] < 1  # spread over three labels
    with pytest.raises(ValueError, match="unknown uncertainty method"):
        uncertainty(proba, "random")


def test_the_diversity_term_keeps_near_copies_out_of_the_queue():
    vectors = np.array([[1.0, 0.0, 0.0], [0.99, 0.01, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    scores = [0.95, 0.94, 0.60, 0.50]
    assert diverse_order(scores, vectors, 3, diversity=0.0, max_similarity=1.01) == [0, 1, 2]
    assert diverse_order(scores, vectors, 3, diversity=0.5, max_similarity=1.01) == [0, 2, 3]
    assert diverse_order(scores, vectors, 4, diversity=0.0, max_similarity=0.9) == [0, 2, 3]  # no fourth is allowed
    assert diverse_order([], vectors[:0], 3) == []


@pytest.fixture(scope="module")
def seed_sentences():
    from tests.conftest import settings_for

    analysis = analyzer(settings_for())
    return [analysis.analyse(article) for article in load_corpus(SEED_CORPUS)]


def test_candidates_skip_annotated_and_short_sentences_and_carry_their_neighbours(seed_sentences):
    annotated = {row.id for row in load_annotations(SEED_ANNOTATIONS, LABELS)[::2]}
    found = list(candidates(seed_sentences, annotated, min_words=4))
    assert found and not {c.id for c in found} & annotated
    assert all(len(c.text.split()) >= 4 for c in found)
    article = seed_sentences[0]
    first = next(c for c in found if c.doc_id == article[0].article.doc_id)
    assert first.previous == (article[first.sent_idx - 1].text if first.sent_idx else "")
    assert first.next == article[first.sent_idx + 1].text and first.outlet == "Antiwar.com"


def test_the_queue_on_the_seed_corpus_is_uncertain_unannotated_and_diverse(seed_sentences, trained_models):
    pipeline, _ = store.load_version(trained_models)
    annotated = {row.id for row in load_annotations(SEED_ANNOTATIONS, LABELS)[::3]}
    ranked = most_uncertain(candidates(seed_sentences, annotated, 4), pipeline, "margin", pool=60, batch_size=25)
    assert len(ranked) == 60 and [u for u, _ in ranked] == sorted((u for u, _ in ranked), reverse=True)
    items = select(ranked, pipeline.named_steps["features"], 15, diversity=0.5, max_similarity=0.8)
    assert [item.rank for item in items] == list(range(1, 16))
    assert not {item.sentence.id for item in items} & annotated
    vectors = normalize(pipeline.named_steps["features"].transform([item.sentence.text for item in items]))
    similarity = (vectors @ vectors.T).toarray() - np.eye(len(items))
    assert similarity.max() < 0.8
    assert np.mean([i.uncertainty for i in items]) > np.mean([u for u, _ in ranked[-15:]])


def _three_queued(seed_sentences, trained_models):
    pipeline, _ = store.load_version(trained_models)
    ranked = most_uncertain(candidates(seed_sentences, set(), 4), pipeline, "entropy", pool=10)
    return select(ranked, pipeline.named_steps["features"], 3, 0.5, 0.8)


def test_every_queue_file_carries_what_an_import_needs(tmp_path, seed_sentences, trained_models):
    items = _three_queued(seed_sentences, trained_models)
    rows = list(csv.DictReader(io.StringIO(queue_csv(items))))
    assert [r["id"] for r in rows] == [i.sentence.id for i in items]
    assert {"doc_id", "outlet", "title", "previous", "text", "next", "label"} <= set(rows[0])
    doccano = [json.loads(line) for line in queue_doccano(items).splitlines()]
    assert [(d["sentence_id"], d["doc_id"], d["text"]) for d in doccano] == \
        [(i.sentence.id, i.sentence.doc_id, i.sentence.text) for i in items]
    tasks = json.loads(queue_label_studio(items))
    assert tasks[0]["data"]["sentence_id"] == items[0].sentence.id and tasks[0]["data"]["next"] == items[0].sentence.next
    config = label_studio_config(LABELS)
    assert '<Choice value="advocate"/>' in config and 'toName="text" choice="single"' in config
    (tmp_path / "queue.csv").write_text(queue_csv(items), encoding="utf-8")
    fmt, read_back = read_export(tmp_path / "queue.csv")
    assert fmt == "spec" and [r.sentence_id for r in read_back] == [i.sentence.id for i in items]


def test_the_predicted_holders_go_out_as_an_editable_field(tmp_path, seed_sentences):
    from stance.queue import Candidate, QueueItem

    item = QueueItem(1, Candidate("d-1", "d", "Outlet", "Title", 0, "", "Pompeo and Esper warned Iran.", "",
                                  ("Mike Pompeo", "Mark Esper")), 0.5)
    [row] = list(csv.DictReader(io.StringIO(queue_csv([item]))))
    assert row["actors"] == row["holders_found"] == "Mike Pompeo; Mark Esper"
    assert json.loads(queue_doccano([item]))["actors"] == "Mike Pompeo; Mark Esper"
    assert json.loads(queue_label_studio([item]))[0]["data"]["actors"] == "Mike Pompeo; Mark Esper"
    config = label_studio_config(LABELS)
    assert '<TextArea name="actors" toName="text" value="$actors" editable="true"' in config
    from xml.dom.minidom import parseString

    assert parseString(config).documentElement.tagName == "View"
