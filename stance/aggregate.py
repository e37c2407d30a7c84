"""Stance tables: shares, intervals and net stance by outlet, by actor, and actor x outlet.

Pure functions of a predictions DataFrame with columns ``doc_id``, ``label``, ``actors``
(a list of holders), optionally ``proba`` (label -> probability) and ``in_training``, and
whatever grouping columns are asked for (``outlet`` ...). Rows with a ``count`` column are
per-article tallies instead: :class:`StanceCounts` pre-aggregates a stream of predictions
per article that way, so tables of a huge corpus fit in memory. Shares come from a
:class:`~stance.quantify.Quantifier`, intervals from an article-level bootstrap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .intervals import Bootstrap, article_intervals
from .quantify import COUNT, COUNT_IN, TALLY_ROWS, Quantifier

if TYPE_CHECKING:
    from .predict import Prediction

GROUP_COLUMNS = ("doc_id", "outlet", "original_outlet")


def table_columns(by: Sequence[str], labels: Sequence[str]) -> list[str]:
    """The columns of a stance table, in order."""
    shares = [f"share_{label}{end}" for label in labels for end in ("", "_lo", "_hi")]
    return [*by, "method", "n", "n_articles", "n_in_training", *labels, *shares,
            "net_stance", "net_stance_lo", "net_stance_hi", "flag"]


def group_columns(table: pd.DataFrame) -> list[str]:
    """The grouping columns of a stance table (those before ``method``)."""
    return list(table.columns[: table.columns.get_loc("method")])


def _sentence_tallies(rows: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """Per-sentence records as tally columns (``<row>:<label>``, see TALLY_ROWS); without
    probabilities a sentence's predicted label counts as probability 1."""
    onehot = pd.get_dummies(rows["label"]).reindex(columns=list(labels), fill_value=0).astype(float)
    if "proba" in rows:
        proba = pd.DataFrame([dict(p or {}) for p in rows["proba"]], index=rows.index)
        proba = proba.reindex(columns=list(labels)).fillna(0.0).astype(float)
    else:
        proba = onehot
    inside = rows["in_training"].astype(bool).astype(float) if "in_training" in rows else pd.Series(0.0, index=rows.index)
    parts = [onehot, onehot.mul(inside, axis=0), proba, proba.mul(inside, axis=0)]
    for name, part in zip(TALLY_ROWS, parts):
        part.columns = [f"{name}:{label}" for label in labels]
    return pd.concat(parts, axis=1)


def article_tallies(rows: pd.DataFrame, by: Sequence[str], labels: Sequence[str]) -> tuple[pd.MultiIndex, np.ndarray]:
    """One tally ``[4, k]`` per (group, article): the index (``by`` ..., ``doc_id``) and an
    array ``[articles, 4, k]`` in :data:`~stance.quantify.TALLY_ROWS` order."""
    keys = [*by, "doc_id"]
    rows = rows.assign(**{c: rows[c].fillna("") for c in keys})  # a missing outlet is a group too
    if "count" in rows:  # long tallies from StanceCounts: one row per article and label
        values = rows.pivot_table(index=keys, columns="label", values=list(TALLY_ROWS), aggfunc="sum", fill_value=0)
        values = values.reindex(columns=pd.MultiIndex.from_product([TALLY_ROWS, labels]), fill_value=0)
    else:
        tallies = _sentence_tallies(rows, labels)
        values = tallies.groupby([rows[c] for c in keys]).sum()
    array = values.to_numpy(dtype=float).reshape(len(values), len(TALLY_ROWS), len(labels))
    index = values.index if isinstance(values.index, pd.MultiIndex) else pd.MultiIndex.from_arrays([values.index])
    return index, array


def flag(n: int, n_articles: int, min_n: int, min_articles: int) -> str:
    """Why a row's figures are thin: too few sentences, or too few articles for the bootstrap."""
    reasons = []
    if n < min_n:
        reasons.append("few sentences")
    if n_articles == 1:
        reasons.append("one article")
    elif n_articles < min_articles:
        reasons.append("few articles")
    return ", ".join(reasons)


def stance_table(rows: pd.DataFrame, by: Sequence[str], labels: Sequence[str],
                 plus: str = "advocate", minus: str = "caution", *, quantifier: Quantifier | None = None,
                 bootstrap: Bootstrap | None = None, min_n: int = 0, min_articles: int = 0) -> pd.DataFrame:
    """One row per group: ``n`` sentences, ``n_articles``, predicted counts per label, the
    quantifier's share of each label with a bootstrap interval (``_lo``, ``_hi``), net stance
    ``share(plus) - share(minus)`` in [-1, 1] with its interval, and a ``flag`` for thin rows;
    sorted by net stance."""
    by, labels = list(by), list(labels)
    quantifier, bootstrap = quantifier or Quantifier(), bootstrap or Bootstrap()
    columns = table_columns(by, labels)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    index, tallies = article_tallies(rows, by, labels)
    sign = np.array([(label == plus) - (label == minus) for label in labels], dtype=float)

    def estimate(sums: np.ndarray) -> np.ndarray:  # shares and net stance, [b, k + 1]
        shares = quantifier.shares(sums)
        return np.concatenate([shares, np.einsum("...k,k->...", shares, sign)[..., None]], axis=-1)

    # the index is sorted, so each group's articles are contiguous
    groups = index.droplevel(-1) if index.nlevels > 1 else index
    codes = pd.factorize(groups)[0]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    totals = np.add.reduceat(tallies, starts, axis=0)
    point = estimate(totals)
    keys = groups[starts]
    names = ["|".join(map(str, key if isinstance(key, tuple) else (key,))) for key in keys]
    low, high = article_intervals([tallies[a:b] for a, b in zip(starts, ends)], estimate, bootstrap, names)
    n = totals[:, COUNT].sum(axis=1).astype(int)
    n_articles = ends - starts
    table = pd.DataFrame(list(keys) if len(by) > 1 else {by[0]: list(keys)}, columns=by)
    table["method"] = quantifier.method
    table["n"], table["n_articles"] = n, n_articles
    table["n_in_training"] = totals[:, COUNT_IN].sum(axis=1).astype(int)
    for i, label in enumerate(labels):
        table[label] = totals[:, COUNT, i].astype(int)
    for i, label in enumerate(labels):
        table[f"share_{label}"], table[f"share_{label}_lo"], table[f"share_{label}_hi"] = point[:, i], low[:, i], high[:, i]
    table["net_stance"], table["net_stance_lo"], table["net_stance_hi"] = point[:, -1], low[:, -1], high[:, -1]
    table["flag"] = [flag(a, b, min_n, min_articles) for a, b in zip(n, n_articles)]
    return table[columns].sort_values(["net_stance", "n"], ascending=[False, False], kind="stable").reset_index(drop=True)


def holder_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (sentence, holder): the unit of the by-actor tables."""
    if "actor" in rows:
        return rows
    exploded = rows.explode("actors").dropna(subset=["actors"])
    return exploded.rename(columns={"actors": "actor"})


def _tally(cells: dict, key: tuple, record: "Prediction") -> None:
    """Add one sentence to ``cells[(*key, label)] = [count, count_in_training, proba, proba_in_training]``."""
    label, inside = record.label, record.in_training
    cell = cells.setdefault((*key, label), [0, 0, 0.0, 0.0])
    cell[0] += 1
    cell[1] += inside
    for name, p in (record.proba or {label: 1.0}).items():
        cell = cells.setdefault((*key, name), [0, 0, 0.0, 0.0])
        cell[2] += float(p)
        cell[3] += float(p) * inside


class StanceCounts:
    """Accumulates prediction records into per-article tallies (streaming-friendly):
    predicted-label counts and probability sums, each also among in-sample sentences."""

    def __init__(self) -> None:
        self._sentences: dict[tuple, list] = {}
        self._holders: dict[tuple, list] = {}
        self.in_training = 0

    def add(self, record: "Prediction") -> None:
        key = (record.doc_id, record.outlet, record.original_outlet)
        _tally(self._sentences, key, record)
        self.in_training += record.in_training
        for actor in record.actors:
            _tally(self._holders, (*key, actor), record)

    def add_all(self, records: Iterable["Prediction"]) -> "StanceCounts":
        for record in records:
            self.add(record)
        return self

    @property
    def sentences(self) -> dict[tuple, int]:
        """(doc_id, outlet, original_outlet, label) -> sentences with that predicted label."""
        return {key: cell[0] for key, cell in self._sentences.items() if cell[0]}

    def sentence_rows(self) -> pd.DataFrame:
        rows = [(*key, *cell) for key, cell in self._sentences.items()]
        return pd.DataFrame(rows, columns=[*GROUP_COLUMNS, "label", *TALLY_ROWS])

    def holder_rows(self) -> pd.DataFrame:
        rows = [(*key, *cell) for key, cell in self._holders.items()]
        return pd.DataFrame(rows, columns=[*GROUP_COLUMNS, "actor", "label", *TALLY_ROWS])


def by_outlet(rows: pd.DataFrame, labels: Sequence[str], outlet_column: str = "outlet", **options) -> pd.DataFrame:
    """Stance of all sentences per outlet (or per original outlet)."""
    return stance_table(rows, [outlet_column], labels, **options)


def by_actor(rows: pd.DataFrame, labels: Sequence[str], **options) -> pd.DataFrame:
    """Stance of the sentences each actor holds."""
    return stance_table(holder_rows(rows), ["actor"], labels, **options)


def actor_by_outlet(rows: pd.DataFrame, labels: Sequence[str], outlet_column: str = "outlet", **options) -> pd.DataFrame:
    """Stance per actor as each outlet reports it."""
    return stance_table(holder_rows(rows), ["actor", outlet_column], labels, **options)


def stance_tables(counts: StanceCounts, labels: Sequence[str], outlet_column: str = "outlet",
                  plus: str = "advocate", minus: str = "caution", **options) -> dict[str, pd.DataFrame]:
    """The three tables of SPEC section 4, keyed by their file stem; ``options`` go to
    :func:`stance_table` (quantifier, bootstrap, min_n, min_articles)."""
    options = {"plus": plus, "minus": minus, **options}
    sentences, holders = counts.sentence_rows(), counts.holder_rows()
    return {
        "by_outlet": by_outlet(sentences, labels, outlet_column, **options),
        "by_actor": by_actor(holders, labels, **options),
        "actor_by_outlet": actor_by_outlet(holders, labels, outlet_column, **options),
    }
