"""Exports for network analysis, the way Discourse Network Analyzer users work.

- An event list: one row per sentence and holder (date, outlet, actor, the actor's
  affiliation, stance label, probability, sentence id, article title and url ...), streamed
  from the predictions, ready for DNA-style time-sliced networks or any statistics package.
  Sentences without a holder are authorial or background and have no row.
- A prediction table: one row per sentence with each label's probability, for R and pandas.
- An actor x stance two-mode network as GraphML (Gephi, igraph, networkx read it): actor
  nodes and one node per stance label, edges weighted by how many of the actor's sentences
  carry that label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections import Counter

    from .predict import Prediction

import csv
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from .files import spreadsheet_safe, write_atomic

EVENT_COLUMNS = ("date", "outlet", "actor", "affiliation", "label", "probability", "sentence_id", "doc_id",
                 "sent_idx", "original_outlet", "title", "url", "in_training", "text")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def event_rows(records: Iterable["Prediction"], affiliations: Mapping[str, str] | None = None,
               urls: Mapping[str, str] | None = None) -> Iterable[tuple]:
    """One tuple per (sentence, holder), in corpus order, in :data:`EVENT_COLUMNS` order;
    ``affiliations`` (actor -> affiliation) and ``urls`` (doc_id -> url) fill those columns."""
    affiliations, urls = affiliations or {}, urls or {}
    for record in records:
        probability = record.probability
        for actor in record.actors:
            yield (record.date, record.outlet, actor, affiliations.get(actor, ""), record.label,
                   "" if probability is None else f"{probability:.4f}", record.id, record.doc_id, record.sent_idx,
                   record.original_outlet, record.title, urls.get(record.doc_id, ""),
                   str(record.in_training).lower(), record.text)


def write_event_list(path: str | Path, records: Iterable["Prediction"], affiliations: Mapping[str, str] | None = None,
                     urls: Mapping[str, str] | None = None) -> int:
    """Write the event list CSV atomically (streaming); returns the number of rows."""
    written = 0

    def write(tmp: Path) -> None:
        nonlocal written
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EVENT_COLUMNS)
            for row in event_rows(records, affiliations, urls):
                writer.writerow([spreadsheet_safe(cell) for cell in row])
                written += 1

    write_atomic(path, write)
    return written


def _key(root: ET.Element, key_id: str, domain: str, name: str, kind: str) -> None:
    ET.SubElement(root, "key", {"id": key_id, "for": domain, "attr.name": name, "attr.type": kind})


def _data(element: ET.Element, key_id: str, value: object) -> None:
    ET.SubElement(element, "data", {"key": key_id}).text = str(value)


def actor_stance_graphml(by_actor: pd.DataFrame, labels: Sequence[str], method: str = "cc") -> str:
    """The actor x stance two-mode network as a GraphML document.

    Nodes ``actor:<name>`` (mode ``actor``, bipartite 0, ``n`` holder-sentences, net stance)
    and ``stance:<label>`` (mode ``stance``, bipartite 1); undirected edges with ``weight`` =
    the actor's sentences predicted with that label and ``share`` = the table's estimated
    share (by ``method``), so the weights sum to the number of holder-sentences.
    """
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    for key_id, domain, name, kind in (("d0", "node", "label", "string"), ("d1", "node", "mode", "string"),
                                       ("d2", "node", "bipartite", "int"), ("d3", "node", "n", "int"),
                                       ("d4", "node", "net_stance", "double"), ("d5", "edge", "weight", "double"),
                                       ("d6", "edge", "share", "double"), ("d7", "graph", "method", "string")):
        _key(root, key_id, domain, name, kind)
    graph = ET.SubElement(root, "graph", {"id": "actor_stance", "edgedefault": "undirected"})
    _data(graph, "d7", method)
    for label in labels:
        node = ET.SubElement(graph, "node", {"id": f"stance:{label}"})
        _data(node, "d0", label)
        _data(node, "d1", "stance")
        _data(node, "d2", 1)
        _data(node, "d3", int(by_actor[label].sum()) if label in by_actor else 0)
    edges = 0
    for row in by_actor.to_dict("records"):
        actor_id = f"actor:{row['actor']}"
        node = ET.SubElement(graph, "node", {"id": actor_id})
        _data(node, "d0", row["actor"])
        _data(node, "d1", "actor")
        _data(node, "d2", 0)
        _data(node, "d3", int(row["n"]))
        _data(node, "d4", f"{float(row['net_stance']):.4f}")
        for label in labels:
            if int(row[label]) <= 0:
                continue
            edge = ET.SubElement(graph, "edge", {"id": f"e{edges}", "source": actor_id, "target": f"stance:{label}"})
            _data(edge, "d5", int(row[label]))
            share = float(row[f"share_{label}"])
            _data(edge, "d6", f"{share:.4f}" if not math.isnan(share) else "")
            edges += 1
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


PREDICTION_COLUMNS = ("sentence_id", "doc_id", "outlet", "original_outlet", "date", "title", "url", "sent_idx", "start",
                      "end", "label", "probability", "predicted_label", "in_training", "n_holders", "holders", "text")


def prediction_header(labels: Sequence[str]) -> list[str]:
    """The header row of ``predictions.csv``."""
    return [*PREDICTION_COLUMNS[:-1], *(f"proba_{label}" for label in labels), "text"]


def prediction_rows(records: Iterable["Prediction"], labels: Sequence[str],
                    urls: Mapping[str, str] | None = None) -> Iterable[tuple]:
    """One ``predictions.csv`` row per record, in :func:`prediction_header` order."""
    urls = urls or {}
    for record in records:
        probability = record.probability
        probabilities = [("" if record.proba.get(label) is None else f"{float(record.proba[label]):.4f}")
                         for label in labels]
        yield (record.id, record.doc_id, record.outlet, record.original_outlet, record.date,
               record.title, urls.get(record.doc_id, ""), record.sent_idx, record.start, record.end,
               record.label, "" if probability is None else f"{probability:.4f}",
               record.predicted_label or record.label, str(record.in_training).lower(),
               len(record.actors), "; ".join(record.actors), *probabilities, record.text)


def write_prediction_table(path: str | Path, records: Iterable["Prediction"], labels: Sequence[str],
                           urls: Mapping[str, str] | None = None) -> int:
    """``predictions.csv``: one row per sentence (streamed, atomically) with its label, each
    label's probability (``proba_<label>``) and its holders joined by ``; ``; returns the
    number of rows. ``predicted_label`` is the model's own label of a sentence whose
    ``label`` is the annotators' (``in_training``). (`stance predict` writes the same rows
    while labelling.)"""
    written = 0

    def write(tmp: Path) -> None:
        nonlocal written
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(prediction_header(labels))
            for row in prediction_rows(records, labels, urls):
                writer.writerow(row)
                written += 1

    write_atomic(path, write)
    return written


def write_candidates(path: str | Path, candidates: "Counter[str]") -> Path:
    """Speakers the gazetteer lacks, with how often they spoke, most frequent first."""
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(("name", "count"))
            for name, n in candidates.most_common():
                writer.writerow((spreadsheet_safe(name), n))
    return write_atomic(path, write)
