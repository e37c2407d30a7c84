"""Stance tables: counts, shares and net stance by outlet, by actor, and actor x outlet.

Pure functions of a predictions DataFrame with columns ``doc_id``, ``label``, ``actors``
(a list of holders) and whatever grouping columns are asked for (``outlet`` ...). A
``count`` column, when present, weighs each row: :class:`StanceCounts` pre-aggregates a
stream of predictions per article that way, so tables of a huge corpus fit in memory.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping, Sequence

import pandas as pd

GROUP_COLUMNS = ("doc_id", "outlet", "original_outlet")


def stance_table(rows: pd.DataFrame, by: Sequence[str], labels: Sequence[str],
                 plus: str = "advocate", minus: str = "caution") -> pd.DataFrame:
    """One row per group: ``n`` sentences, ``n_articles``, a count and share per label,
    and ``net_stance = (plus - minus) / n`` in [-1, 1]; sorted by net stance."""
    by = list(by)
    columns = [*by, "n", "n_articles", *labels, *(f"share_{l}" for l in labels), "net_stance"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    weights = rows["count"] if "count" in rows else pd.Series(1, index=rows.index)
    counts = (
        weights.groupby([rows[c] for c in by] + [rows["label"]]).sum().unstack("label", fill_value=0)
        .reindex(columns=list(labels), fill_value=0)
    )
    table = counts.copy()
    table.insert(0, "n", counts.sum(axis=1))
    table.insert(1, "n_articles", rows.groupby(by)["doc_id"].nunique())
    for label in labels:
        table[f"share_{label}"] = counts[label] / table["n"]
    plus_count = counts[plus] if plus in counts else 0
    minus_count = counts[minus] if minus in counts else 0
    table["net_stance"] = (plus_count - minus_count) / table["n"]
    table = table.reset_index().sort_values(["net_stance", "n"], ascending=[False, False], kind="stable")
    table.columns.name = None
    return table[columns].reset_index(drop=True)


def holder_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (sentence, holder): the unit of the by-actor tables."""
    if "actor" in rows:
        return rows
    exploded = rows.explode("actors").dropna(subset=["actors"])
    return exploded.rename(columns={"actors": "actor"})


class StanceCounts:
    """Accumulates prediction records into per-article counts (streaming-friendly)."""

    def __init__(self) -> None:
        self.sentences: Counter = Counter()
        self.holders: Counter = Counter()
        self.in_training = 0

    def add(self, record: Mapping) -> None:
        key = tuple(record.get(c, "") for c in GROUP_COLUMNS)
        self.sentences[(*key, record["label"])] += 1
        self.in_training += bool(record.get("in_training"))
        for actor in record.get("actors") or []:
            self.holders[(*key, actor, record["label"])] += 1

    def add_all(self, records: Iterable[Mapping]) -> "StanceCounts":
        for record in records:
            self.add(record)
        return self

    def sentence_rows(self) -> pd.DataFrame:
        rows = [(*key, count) for key, count in self.sentences.items()]
        return pd.DataFrame(rows, columns=[*GROUP_COLUMNS, "label", "count"])

    def holder_rows(self) -> pd.DataFrame:
        rows = [(*key, count) for key, count in self.holders.items()]
        return pd.DataFrame(rows, columns=[*GROUP_COLUMNS, "actor", "label", "count"])


def by_outlet(rows: pd.DataFrame, labels: Sequence[str], outlet_column: str = "outlet", **net) -> pd.DataFrame:
    """Stance of all sentences per outlet (or per original outlet)."""
    return stance_table(rows, [outlet_column], labels, **net)


def by_actor(rows: pd.DataFrame, labels: Sequence[str], **net) -> pd.DataFrame:
    """Stance of the sentences each actor holds."""
    return stance_table(holder_rows(rows), ["actor"], labels, **net)


def actor_by_outlet(rows: pd.DataFrame, labels: Sequence[str], outlet_column: str = "outlet", **net) -> pd.DataFrame:
    """Stance per actor as each outlet reports it."""
    return stance_table(holder_rows(rows), ["actor", outlet_column], labels, **net)


def stance_tables(counts: StanceCounts, labels: Sequence[str], outlet_column: str = "outlet",
                  plus: str = "advocate", minus: str = "caution") -> dict[str, pd.DataFrame]:
    """The three tables of SPEC section 4, keyed by their file stem."""
    net = {"plus": plus, "minus": minus}
    sentences, holders = counts.sentence_rows(), counts.holder_rows()
    return {
        "by_outlet": by_outlet(sentences, labels, outlet_column, **net),
        "by_actor": by_actor(holders, labels, **net),
        "actor_by_outlet": actor_by_outlet(holders, labels, outlet_column, **net),
    }
