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

from .aggregate import StanceCounts, group_columns, grouped_table
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
    return timeline_of_counts(StanceCounts().add_all(records), labels, unit, outlet_column, plus, minus, quantifier,
                              bootstrap, min_n, min_articles)


def timeline_of_counts(counts: StanceCounts, labels: Sequence[str], unit: str, outlet_column: str, plus: str,
                       minus: str, quantifier: Quantifier, bootstrap: Bootstrap, min_n: int,
                       min_articles: int) -> Timeline:
    """The timeline from per-article tallies (those labelling kept for the other tables: each
    article's date is in them), without reading the predictions again."""
    period_cache: dict[str, str | None] = {}

    def period(value: str) -> str | None:
        if value not in period_cache:
            period_cache[value] = period_of(value, unit)
        return period_cache[value]

    options = dict(quantifier=quantifier, bootstrap=bootstrap, min_n=min_n, min_articles=min_articles)
    tables = {}
    for name, by in (("over_time", ["period"]), ("over_time_by_outlet", ["period", outlet_column]),
                     ("over_time_by_actor", ["period", "actor"])):
        keys, groups = counts.groups(by, labels, period)
        table = grouped_table(keys, groups, by, labels, plus, minus, **options)
        tables[name] = table.sort_values(group_columns(table), kind="stable").reset_index(drop=True)
    return Timeline(tables, unit, counts.undated_sentences(period))
