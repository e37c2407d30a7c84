import csv
import io
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from stance.aggregate import by_actor
from stance.exports import EVENT_COLUMNS, actor_stance_graphml, write_event_list

from tests.conftest import as_predictions

LABELS = ["advocate", "caution", "neutral"]
NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def _records():
    return [
        {"id": "a1-0", "doc_id": "a1", "outlet": "Hawk Daily", "date": "2020-03-27", "sent_idx": 0, "text": "Pompeo and O'Brien, \"hawks\", pushed.",
         "label": "advocate", "proba": {"advocate": 0.9, "caution": 0.05, "neutral": 0.05}, "actors": ["Mike Pompeo", "Robert C. O'Brien"]},
        {"id": "a1-1", "doc_id": "a1", "outlet": "Hawk Daily", "date": "2020-03-27", "sent_idx": 1, "text": "Background.",
         "label": "neutral", "proba": {"advocate": 0.1, "caution": 0.1, "neutral": 0.8}, "actors": []},
        {"id": "b1-0", "doc_id": "b1", "outlet": "Dove Post", "date": "", "sent_idx": 0, "text": "Pompeo hedged.",
         "label": "caution", "proba": {"advocate": 0.2, "caution": 0.6, "neutral": 0.2}, "actors": ["Mike Pompeo"]},
    ]


def test_event_list_has_one_row_per_sentence_and_holder(tmp_path):
    path = tmp_path / "events.csv"
    assert write_event_list(path, as_predictions(_records())) == 3
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == EVENT_COLUMNS
    assert [(r["sentence_id"], r["actor"], r["label"], r["probability"]) for r in rows] == [
        ("a1-0", "Mike Pompeo", "advocate", "0.9000"), ("a1-0", "Robert C. O'Brien", "advocate", "0.9000"),
        ("b1-0", "Mike Pompeo", "caution", "0.6000")]
    assert rows[0]["text"] == "Pompeo and O'Brien, \"hawks\", pushed." and rows[0]["date"] == "2020-03-27"


def test_graphml_is_a_weighted_two_mode_actor_stance_network():
    table = by_actor(pd.DataFrame(_records()), LABELS)
    root = ET.fromstring(actor_stance_graphml(table, LABELS, "acc"))
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", NS)}
    graph = root.find("g:graph", NS)
    nodes = {n.get("id"): {keys[d.get("key")]: d.text for d in n.findall("g:data", NS)} for n in graph.findall("g:node", NS)}
    assert {i for i, n in nodes.items() if n["mode"] == "stance"} == {f"stance:{label}" for label in LABELS}
    assert {n["label"] for n in nodes.values() if n["mode"] == "actor"} == {"Mike Pompeo", "Robert C. O'Brien"}
    assert nodes["actor:Mike Pompeo"]["bipartite"] == "0" and nodes["stance:caution"]["bipartite"] == "1"
    edges = {(e.get("source"), e.get("target")): {keys[d.get("key")]: d.text for d in e.findall("g:data", NS)}
             for e in graph.findall("g:edge", NS)}
    assert sum(float(e["weight"]) for e in edges.values()) == 3  # holder-sentences
    assert float(edges[("actor:Mike Pompeo", "stance:caution")]["share"]) == pytest.approx(0.5)
    assert ("actor:Robert C. O'Brien", "stance:caution") not in edges  # no zero-weight edges
    assert all(e[1] in nodes and e[0] in nodes for e in edges)
