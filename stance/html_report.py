"""One self-contained HTML page: the tables, the charts, and the sentences behind every cell.

A reader checks any number against the text: each share in a table links to the sentences
the classifier gave that label in that group, each with its article, outlet, holders,
probability and the sentences before and after. The page embeds its charts as base64 PNG,
uses only inline CSS and a few lines of inline script (opening the linked sentence list),
and references nothing outside itself: it opens from the file system with no network. The
page is rendered from ``templates/report.html.j2`` by Jinja2 with autoescaping on, so no text
from a corpus, an actor file or a label can inject markup.

Sentences are collected in one pass over the predictions, keeping at most
``max_per_cell`` per cell, so the page's memory does not grow with the corpus.
"""

from __future__ import annotations


import base64
import math
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

import pandas as pd

from .predict import Prediction
from .report import net_with_interval, share_with_interval

TABLE_GROUPS = {"by_outlet": ("outlet",), "by_actor": ("actor",), "actor_by_outlet": ("actor", "outlet")}


@dataclass(frozen=True)
class Evidence:
    """A sentence behind a table cell, with what a reader needs to judge its label."""

    sentence_id: str
    doc_id: str
    title: str
    outlet: str
    date: str
    sent_idx: int
    text: str
    before: str
    after: str
    holders: tuple[str, ...]
    label: str
    probability: float
    in_training: bool


def in_context(records: Iterable[Prediction]) -> Iterator[tuple[Prediction | None, Prediction, Prediction | None]]:
    """Each record with the one before and after it in the same article (None at the edges)."""
    previous, current = None, None
    for record in records:
        if current is not None:
            same = record.doc_id == current.doc_id
            yield previous, current, record if same else None
            previous = current if same else None
        current = record
    if current is not None:
        yield previous, current, None


def _evidence(before: Prediction | None, record: Prediction, after: Prediction | None, outlet_column: str) -> Evidence:
    probability = record.probability
    return Evidence(
        sentence_id=record.id, doc_id=record.doc_id, title=record.title, outlet=record.group(outlet_column),
        date=record.date, sent_idx=record.sent_idx, text=record.text,
        before=before.text if before else "", after=after.text if after else "",
        holders=tuple(record.actors), label=record.label,
        probability=math.nan if probability is None else probability, in_training=record.in_training)


def collect_evidence(records: Iterable[Prediction], outlet_column: str = "outlet", max_per_cell: int = 25,
                     shown: Mapping[str, set[tuple]] | None = None) -> dict[str, dict[tuple, list[Evidence]]]:
    """For each table, ``(group ..., label) -> sentences`` (the first ``max_per_cell`` in corpus
    order); with ``shown``, only for the groups the page shows (table name -> group tuples)."""
    cells: dict[str, dict[tuple, list[Evidence]]] = {name: {} for name in TABLE_GROUPS}

    def keep(table: str, key: tuple, item: Evidence) -> None:
        if shown is not None and key[:-1] not in shown.get(table, ()):
            return
        bucket = cells[table].setdefault(key, [])
        if len(bucket) < max_per_cell:
            bucket.append(item)

    for before, record, after in in_context(records):
        item = _evidence(before, record, after, outlet_column)
        keep("by_outlet", (item.outlet, item.label), item)
        for actor in item.holders:
            keep("by_actor", (actor, item.label), item)
            keep("actor_by_outlet", (actor, item.outlet, item.label), item)
    return cells


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2em auto;max-width:78em;
padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
table{border-collapse:collapse;font-size:.88em;margin:.5em 0}th,td{padding:.25em .6em;border-bottom:1px solid #eee;
text-align:right;vertical-align:top}th{background:#f4f4f4;position:sticky;top:0}td.group,th.group{text-align:left}
tr.flagged td{color:#777}.flag{color:#a05a00;font-size:.85em}.interval{color:#666;font-size:.85em}
a.cell{font-size:.8em;display:block}img{max-width:100%;height:auto;border:1px solid #eee}
details{margin:.3em 0}summary{cursor:pointer}details[open] summary{font-weight:600}
ol.sentences{padding-left:1.6em}ol.sentences li{margin:.6em 0}.context{color:#888;font-size:.9em}
.sentence{background:#fff7d6;padding:0 .2em}.meta{color:#555;font-size:.82em}dl.run dt{font-weight:600;float:left;
clear:left;width:12em}dl.run dd{margin-left:13em}.note{background:#f4f7fb;border-left:3px solid #2f6aa8;padding:.4em .8em}
"""

SCRIPT = """
function openTarget(){var id=decodeURIComponent(location.hash.slice(1));var el=id&&document.getElementById(id);
if(el&&el.tagName==='DETAILS'){el.open=true;el.scrollIntoView();}}
window.addEventListener('hashchange',openTarget);window.addEventListener('load',openTarget);
"""


def _cell_id(table: str, row: int, label_index: int) -> str:
    return f"{table}-r{row}-l{label_index}"


def _section(name: str, heading: str, table: pd.DataFrame, by: Sequence[str], labels: Sequence[str],
             evidence: Mapping[tuple, list[Evidence]], chart: bytes | None, max_rows: int | None) -> dict:
    """What the template shows of one table: its rows' figures as text, the cells that link
    to sentences, and those sentences."""
    shown = table if max_rows is None else table.head(max_rows)
    rows, cells = [], []
    for index, values in enumerate(shown.to_dict("records")):
        key = tuple(values[c] for c in by)
        row = {"groups": [str(v) for v in key], "n": values["n"], "n_articles": values["n_articles"],
               "flag": values["flag"], "cells": [],
               "net": net_with_interval(float(values["net_stance"]), float(values["net_stance_lo"]),
                                        float(values["net_stance_hi"]))}
        for i, label in enumerate(labels):
            items = evidence.get((*key, label)) or []
            count = int(values[label])
            anchor = _cell_id(name, index, i) if items else ""
            row["cells"].append({"share": share_with_interval(*(float(values[f"share_{label}{end}"])
                                                                for end in ("", "_lo", "_hi"))),
                                 "count": count, "anchor": anchor})
            if items:
                cells.append({"anchor": anchor, "group": " × ".join(str(v) for v in key), "label": label,
                              "total": count, "sentences": items,
                              "shown": f"{count}" if len(items) == count else f"first {len(items)} of {count}"})
        rows.append(row)
    return {"name": name, "heading": heading, "by": list(by), "rows": rows, "total": len(table),
            "cut": len(shown) != len(table), "evidence": cells,
            "chart": base64.b64encode(chart).decode("ascii") if chart else ""}


def render_report(title: str, run: Sequence[tuple[str, str]], notes: Sequence[str],
                  tables: Mapping[str, pd.DataFrame], headings: Mapping[str, str], charts: Mapping[str, bytes],
                  evidence: Mapping[str, Mapping[tuple, Sequence[Evidence]]], labels: Sequence[str],
                  outlet_column: str = "outlet", max_rows: int | None = None) -> str:
    """The whole page as a string, rendered from ``templates/report.html.j2`` with every
    value autoescaped: ``run`` is (name, value) facts about the run, ``notes`` sentences the
    reader should see first, ``charts`` PNG bytes keyed by table name."""
    return "".join(render_parts(title, run, notes, tables, headings, charts, evidence, labels, outlet_column, max_rows))


def render_parts(title: str, run: Sequence[tuple[str, str]], notes: Sequence[str],
                 tables: Mapping[str, pd.DataFrame], headings: Mapping[str, str], charts: Mapping[str, bytes],
                 evidence: Mapping[str, Mapping[tuple, Sequence[Evidence]]], labels: Sequence[str],
                 outlet_column: str = "outlet", max_rows: int | None = None) -> Iterator[str]:
    """:func:`render_report` as consecutive pieces of the page, to be written as they come:
    a page of a large corpus (tens of MB) is never held whole, and ``evidence`` may read each
    cell's sentences only when the page reaches it (any sized iterable per cell)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(loader=PackageLoader("stance", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    sections = [_section(name, headings.get(name, name), table,
                         [outlet_column if c == "outlet" else c for c in TABLE_GROUPS.get(name, ())], labels,
                         evidence.get(name, {}), charts.get(name), max_rows)
                for name, table in tables.items()]
    return environment.get_template("report.html.j2").generate(
        title=title, run=list(run), notes=list(notes), sections=sections, labels=list(labels), style=STYLE,
        script=SCRIPT)
