"""One self-contained HTML page: the tables, the charts, and the sentences behind every cell.

A reader checks any number against the text: each share in a table links to the sentences
the classifier gave that label in that group, each with its article, outlet, holders,
probability and the sentences before and after. The page embeds its charts as base64 PNG,
uses only inline CSS and a few lines of inline script (opening the linked sentence list),
and references nothing outside itself: it opens from the file system with no network.

Sentences are collected in one pass over the predictions, keeping at most
``max_per_cell`` per cell, so the page's memory does not grow with the corpus.
"""

from __future__ import annotations


import base64
import math
from dataclasses import dataclass
from html import escape
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


def _table_html(name: str, table: pd.DataFrame, by: Sequence[str], labels: Sequence[str],
                evidence: Mapping[tuple, list[Evidence]]) -> str:
    head = "".join(f'<th class="group">{escape(c)}</th>' for c in by)
    head += "<th>n</th><th>articles</th>" + "".join(f"<th>{escape(l)}</th>" for l in labels)
    head += "<th>net stance</th><th>flag</th>"
    body = []
    for index, values in enumerate(table.to_dict("records")):
        cells = "".join(f'<td class="group">{escape(str(values[c]))}</td>' for c in by)
        cells += f"<td>{values['n']}</td><td>{values['n_articles']}</td>"
        for i, label in enumerate(labels):
            share = share_with_interval(*(float(values[f"share_{label}{end}"]) for end in ("", "_lo", "_hi")))
            count = int(values[label])
            link = ""
            if evidence.get((*(values[c] for c in by), label)):
                link = f'<a class="cell" href="#{_cell_id(name, index, i)}">{count} sentence{"s" * (count != 1)}</a>'
            cells += f"<td>{escape(share)}{link}</td>"
        net = net_with_interval(float(values["net_stance"]), float(values["net_stance_lo"]), float(values["net_stance_hi"]))
        cells += f'<td>{escape(net)}</td><td class="flag">{escape(values["flag"])}</td>'
        body.append(f'<tr{" class=flagged" if values["flag"] else ""}>{cells}</tr>')
    return f'<table id="{name}-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _evidence_html(item: Evidence) -> str:
    holders = ", ".join(item.holders) or "none (author or background)"
    where = " · ".join(part for part in (escape(item.outlet), escape(item.title or item.doc_id), escape(item.date)) if part)
    sample = " · <strong>in the training annotations</strong>" if item.in_training else ""
    return (f'<li><div class="context">{escape(item.before)}</div>'
            f'<div><span class="sentence">{escape(item.text)}</span></div>'
            f'<div class="context">{escape(item.after)}</div>'
            f'<div class="meta">{where} · sentence {item.sent_idx} ({escape(item.sentence_id)}) · holders: '
            f'{escape(holders)} · P({escape(item.label)}) = {item.probability:.2f}{sample}</div></li>')


def _sentences_html(name: str, table: pd.DataFrame, by: Sequence[str], labels: Sequence[str],
                    evidence: Mapping[tuple, list[Evidence]]) -> str:
    parts = []
    for index, values in enumerate(table.to_dict("records")):
        group = " × ".join(str(values[c]) for c in by)
        for i, label in enumerate(labels):
            items = evidence.get((*(values[c] for c in by), label)) or []
            if not items:
                continue
            total = int(values[label])
            shown = f"{total}" if len(items) == total else f"first {len(items)} of {total}"
            parts.append(f'<details id="{_cell_id(name, index, i)}"><summary>{escape(group)} · labelled '
                         f'<strong>{escape(label)}</strong> · {shown} sentence{"s" * (total != 1)}</summary>'
                         f'<ol class="sentences">{"".join(_evidence_html(item) for item in items)}</ol>'
                         f'<a href="#{name}-table">back to the table</a></details>')
    return "".join(parts)


def render_report(title: str, run: Sequence[tuple[str, str]], notes: Sequence[str],
                  tables: Mapping[str, pd.DataFrame], headings: Mapping[str, str], charts: Mapping[str, bytes],
                  evidence: Mapping[str, Mapping[tuple, list[Evidence]]], labels: Sequence[str],
                  outlet_column: str = "outlet", max_rows: int | None = None) -> str:
    """The whole page as a string: ``run`` is (name, value) facts about the run, ``notes``
    sentences the reader should see first, ``charts`` PNG bytes keyed by table name."""
    sections = []
    for name, table in tables.items():
        by = [outlet_column if c == "outlet" else c for c in TABLE_GROUPS.get(name, ())]
        shown = table if max_rows is None else table.head(max_rows)
        cut = "" if len(shown) == len(table) else f"<p>First {len(shown)} of {len(table)} rows; the CSV file has all.</p>"
        chart = ""
        if name in charts:
            data = base64.b64encode(charts[name]).decode("ascii")
            chart = f'<p><img alt="{escape(headings.get(name, name))} chart" src="data:image/png;base64,{data}"></p>'
        sections.append(
            f'<section id="{name}"><h2>{escape(headings.get(name, name))}</h2>{chart}{cut}'
            f"{_table_html(name, shown, by, labels, evidence.get(name, {}))}"
            f"<h3>Sentences behind the cells</h3>"
            f"{_sentences_html(name, shown, by, labels, evidence.get(name, {})) or '<p>(none)</p>'}</section>")
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in run)
    notes_html = "".join(f'<p class="note">{escape(note)}</p>' for note in notes)
    contents = " · ".join(f'<a href="#{name}">{escape(headings.get(name, name))}</a>' for name in tables)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1><dl class=run>{facts}</dl>{notes_html}<p>{contents}</p>"
            f"{''.join(sections)}<script>{SCRIPT}</script></body></html>\n")
