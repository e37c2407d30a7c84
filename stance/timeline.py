"""Stance over time: the stance tables by day, ISO week or month, overall, by outlet and by
actor, with the same shares, article-bootstrap intervals and flags as the other tables.

A sentence's period is its article's date (the manifest's ``date``, ISO 8601). Articles
without a date are left out of the timeline and counted, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from typing import Iterable, Sequence

import pandas as pd

from .aggregate import StanceCounts, stance_table
from .intervals import Bootstrap
from .quantify import Quantifier

UNITS = ("day", "week", "month")


def period_of(value: str, unit: str) -> str | None:
    """The period an ISO date falls in: ``2020-03-28`` (day), ``2020-W13`` (ISO week),
    ``2020-03`` (month); None for an empty or unreadable date."""
    text = (value or "").strip()[:10]
    try:
        day = Date.fromisoformat(text)
    except ValueError:
        return None
    if unit == "day":
        return day.isoformat()
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{day.year}-{day.month:02d}"
    raise ValueError(f"unknown period unit {unit!r}; expected one of {', '.join(UNITS)}")


@dataclass(frozen=True)
class Timeline:
    """The three tables (``over_time``, ``over_time_by_outlet``, ``over_time_by_actor``),
    sorted by period, and how many sentences had no usable date."""

    tables: dict[str, pd.DataFrame]
    unit: str
    undated_sentences: int


def timeline_tables(records: Iterable, labels: Sequence[str], unit: str, outlet_column: str, plus: str, minus: str,
                    quantifier: Quantifier, bootstrap: Bootstrap, min_n: int, min_articles: int) -> Timeline:
    """Stream prediction records into per-article tallies and tabulate them by period."""
    counts, periods = StanceCounts(), {}
    for record in records:
        counts.add(record)
        if record.doc_id not in periods:
            periods[record.doc_id] = period_of(record.date, unit) or ""
    options = dict(quantifier=quantifier, bootstrap=bootstrap, min_n=min_n, min_articles=min_articles)
    sentences = counts.sentence_rows()
    holders = counts.holder_rows()
    sentences["period"] = sentences["doc_id"].map(periods).fillna("")
    holders["period"] = holders["doc_id"].map(periods).fillna("")
    undated = int(sentences.loc[sentences["period"] == "", "count"].sum()) if len(sentences) else 0
    sentences, holders = sentences[sentences["period"] != ""], holders[holders["period"] != ""]
    tables = {
        "over_time": stance_table(sentences, ["period"], labels, plus, minus, **options),
        "over_time_by_outlet": stance_table(sentences, ["period", outlet_column], labels, plus, minus, **options),
        "over_time_by_actor": stance_table(holders, ["period", "actor"], labels, plus, minus, **options),
    }
    for name, table in tables.items():
        tables[name] = table.sort_values(list(table.columns[:table.columns.get_loc("method")]),
                                         kind="stable").reset_index(drop=True)
    return Timeline(tables, unit, undated)
