"""Stance tables: shares, intervals and net stance by outlet, by actor, and actor x outlet.

Pure functions of a predictions DataFrame with columns ``doc_id``, ``label``, ``actors``
(a list of holders), optionally ``proba`` (label -> probability) and ``in_training``, and
whatever grouping columns are asked for (``outlet`` ...). Rows with a ``count`` column are
per-article tallies instead: :class:`StanceCounts` pre-aggregates a stream of predictions
per article that way, so tables of a huge corpus fit in memory. Shares come from a
:class:`~stance.quantify.Quantifier`, intervals from an article-level bootstrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import numpy as np
import pandas as pd

from .intervals import Bootstrap, article_intervals
from .quantify import COUNT, COUNT_IN, PROBA, PROBA_IN, TALLY_ROWS, Quantifier
from .spill import Column, Texts

if TYPE_CHECKING:
    from .predict import Prediction

GROUP_COLUMNS = ("doc_id", "outlet", "original_outlet")
SPILL_ROWS = 1 << 15  # rows kept in memory before settled ones go to disk (with a folder)


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
    if rows.empty:
        return pd.DataFrame(columns=table_columns(by, labels))
    index, tallies = article_tallies(rows, by, labels)
    # the index is sorted, so each group's articles are contiguous
    groups = index.droplevel(-1) if index.nlevels > 1 else index
    codes = pd.factorize(groups)[0]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    keys = list(groups[starts])
    return grouped_table(keys, [tallies[a:b] for a, b in zip(starts, ends)], by, labels, plus, minus,
                         quantifier=quantifier, bootstrap=bootstrap, min_n=min_n, min_articles=min_articles)


def grouped_table(keys: Sequence, groups: Sequence[np.ndarray], by: Sequence[str], labels: Sequence[str],
                  plus: str = "advocate", minus: str = "caution", *, quantifier: Quantifier | None = None,
                  bootstrap: Bootstrap | None = None, min_n: int = 0, min_articles: int = 0) -> pd.DataFrame:
    """:func:`stance_table` from the groups' keys (in sorted order) and their per-article
    tallies (``groups[i]``: ``[articles, 4, k]``, articles sorted by doc_id). ``groups`` may
    build each array when it is asked for, so no table needs every article's tallies at once."""
    by, labels = list(by), list(labels)
    quantifier, bootstrap = quantifier or Quantifier(), bootstrap or Bootstrap()
    columns = table_columns(by, labels)
    if not len(keys):
        return pd.DataFrame(columns=columns)
    sign = np.array([(label == plus) - (label == minus) for label in labels], dtype=float)

    def estimate(sums: np.ndarray) -> np.ndarray:  # shares and net stance, [b, k + 1]
        shares = quantifier.shares(sums)
        return np.concatenate([shares, np.einsum("...k,k->...", shares, sign)[..., None]], axis=-1)

    sizes, totals = np.zeros(len(keys), dtype=int), np.zeros((len(keys), len(TALLY_ROWS), len(labels)))
    for i, tallies in enumerate(groups):
        sizes[i] = len(tallies)
        totals[i] = np.add.reduceat(tallies, [0], axis=0)[0]  # summed in the order of one reduceat over all groups
    point = estimate(totals)
    names = ["|".join(map(str, key if isinstance(key, tuple) else (key,))) for key in keys]
    low, high = article_intervals(groups, estimate, bootstrap, names)
    n = totals[:, COUNT].sum(axis=1).astype(int)
    table = pd.DataFrame(list(keys) if len(by) > 1 else {by[0]: list(keys)}, columns=by)
    table["method"] = quantifier.method
    table["n"], table["n_articles"] = n, sizes
    table["n_in_training"] = totals[:, COUNT_IN].sum(axis=1).astype(int)
    for i, label in enumerate(labels):
        table[label] = totals[:, COUNT, i].astype(int)
    for i, label in enumerate(labels):
        table[f"share_{label}"], table[f"share_{label}_lo"], table[f"share_{label}_hi"] = point[:, i], low[:, i], high[:, i]
    table["net_stance"], table["net_stance_lo"], table["net_stance_hi"] = point[:, -1], low[:, -1], high[:, -1]
    table["flag"] = [flag(a, b, min_n, min_articles) for a, b in zip(n, sizes)]
    return table[columns].sort_values(["net_stance", "n"], ascending=[False, False], kind="stable").reset_index(drop=True)


def holder_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (sentence, holder): the unit of the by-actor tables."""
    if "actor" in rows:
        return rows
    exploded = rows.explode("actors").dropna(subset=["actors"])
    return exploded.rename(columns={"actors": "actor"})


class _Names:
    """Outlet and actor names as small integer codes, each name stored once."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.names: list[str] = []

    def __call__(self, name: str) -> int:
        code = self.codes.get(name)
        if code is None:
            code = self.codes[name] = len(self.names)
            self.names.append(name)
        return code

    def ranks(self) -> np.ndarray:
        """Each code's position in the sorted names (pandas sorts group keys the same way)."""
        ranks = np.empty(len(self.names), dtype=np.int64)
        ranks[sorted(range(len(self.names)), key=self.names.__getitem__)] = np.arange(len(self.names))
        return ranks


class _Rows:
    """Tallies in compact growing columns, one row per article (or article x holder): counts
    of predicted labels as int32 and probability sums as float64 (``[rows, k]``); the rare
    rows with in-sample sentences keep their two in-sample rows in a dict. With a folder,
    settled rows move to disk (:mod:`stance.spill`)."""

    def __init__(self, k: int, folder: Path | None = None) -> None:
        self.counts = Column(np.int32, k, folder)
        self.proba = Column(np.float64, k, folder)
        self.inside: dict[int, np.ndarray] = {}

    @property
    def n(self) -> int:
        return self.counts.n

    def new(self, count: int = 1) -> int:
        """Append ``count`` empty rows; returns the first one's index."""
        self.proba.new(count)
        return self.counts.new(count)

    def widen(self, k: int) -> None:
        extra = k - self.counts.width
        self.counts.widen(k)
        self.proba.widen(k)
        for row, inside in self.inside.items():
            self.inside[row] = np.pad(inside, ((0, 0), (0, extra)))

    def spill(self, upto: int) -> None:
        """Rows before ``upto`` will not change again: to disk."""
        self.counts.spill(upto)
        self.proba.spill(upto)

    def in_sample(self, row: int) -> np.ndarray:
        found = self.inside.get(row)
        if found is None:
            found = self.inside[row] = np.zeros((2, self.counts.width))
        return found

    def add(self, rows: np.ndarray, columns: np.ndarray, proba: np.ndarray) -> None:
        """Add sentences in order: one count at (row, column) and the probabilities ``proba[i]``
        to each ``rows[i]`` (unbuffered, so every sum is accumulated sentence by sentence)."""
        np.add.at(self.counts.tail, (rows - self.counts.start, columns), 1)
        np.add.at(self.proba.tail, rows - self.proba.start, proba)

    def copy(self, source: "_Rows", first: int, columns: np.ndarray) -> None:
        """Put ``source``'s rows (an in-memory batch) at rows ``first`` ... of these, its label
        columns at ``columns``."""
        at = first - self.counts.start
        self.counts.tail[at:at + source.n, columns] = source.counts.values()
        self.proba.tail[at:at + source.n, columns] = source.proba.values()
        for row, inside in source.inside.items():
            self.in_sample(first + row)[:, columns] = inside

    def tallies(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """``[len(rows), 4, len(columns)]`` in TALLY_ROWS order; column -1 is a label never seen (zeros)."""
        out = np.zeros((len(rows), len(TALLY_ROWS), len(columns)))
        known = columns >= 0
        out[:, COUNT, known] = self.counts.take(rows)[:, columns[known]]
        out[:, PROBA, known] = self.proba.take(rows)[:, columns[known]]
        if self.inside:
            for i, row in enumerate(rows.tolist()):
                inside = self.inside.get(row)
                if inside is not None:
                    out[i, COUNT_IN, known] = inside[0, columns[known]]
                    out[i, PROBA_IN, known] = inside[1, columns[known]]
        return out

    def close(self) -> None:
        self.counts.close()
        self.proba.close()


class StanceCounts:
    """Per-article tallies of a stream of predictions: predicted-label counts and
    probability sums, each also among in-sample sentences, per article and per article x
    holder. They live in compact columns (about 40 bytes per article and per article x
    holder), not per sentence, so a corpus of any size is tabulated from them; the
    bootstrap resamples articles, so the per-article rows are what it needs.

    Given a ``folder`` (the run's output folder), the rows of finished articles, their ids,
    outlets and dates move to anonymous temporary files there as the stream goes on, so the
    memory kept does not grow with the number of articles (:mod:`stance.spill`); the files
    vanish with :meth:`close` or the process.

    Records are added in corpus order (:meth:`add`, :meth:`add_all`); tallies computed
    elsewhere (a worker's batch) are appended with :meth:`merge`.
    """

    def __init__(self, labels: Sequence[str] = (), folder: Path | None = None, spill_rows: int = SPILL_ROWS) -> None:
        self.labels: list[str] = []
        self._column: dict[str, int] = {}
        self._names = _Names()
        self._spill_rows = spill_rows
        self._doc_ids = Texts(folder)
        self._outlet = Column(np.int32, folder=folder)
        self._original = Column(np.int32, folder=folder)
        self._date = Column(np.int32, folder=folder)  # each article's date (a name code), for tables by period
        self._sentences = _Rows(0, folder)
        self._holders = _Rows(0, folder)
        self._holder_article = Column(np.int64, folder=folder)
        self._holder_actor = Column(np.int32, folder=folder)
        self._open: tuple | None = None
        self._open_article = -1
        self._open_holders: dict[int, int] = {}
        self._doc_rank: np.ndarray | None = None
        self.in_training = 0
        for label in labels:
            self._label(label)

    # --- adding ----------------------------------------------------------------------

    def _label(self, label: str) -> int:
        column = self._column.get(label)
        if column is None:
            column = self._column[label] = len(self.labels)
            self.labels.append(label)
            self._sentences.widen(len(self.labels))
            self._holders.widen(len(self.labels))
        return column

    def _article(self, doc_id: str, outlet: str, original: str, date: str) -> int:
        """The row of the article a record belongs to: a new row when the record's article
        differs from the previous record's. (An article met again later, which a checked
        corpus never has, gets a second row; tables add the two up.)"""
        key = (doc_id, outlet, original)
        if key != self._open:
            self._open, self._open_article, self._open_holders = key, self._sentences.new(), {}
            self._doc_ids.append(doc_id)
            self._outlet.extend([self._names(outlet)])
            self._original.extend([self._names(original)])
            self._date.extend([self._names(date)])
        return self._open_article

    def _holder(self, article: int, actor: str) -> int:
        code = self._names(actor)
        row = self._open_holders.get(code)
        if row is None:
            row = self._open_holders[code] = self._holders.new()
            self._holder_article.extend([article])
            self._holder_actor.extend([code])
        return row

    def add(self, record: "Prediction") -> None:
        self.add_all([record])

    def add_all(self, records: Iterable["Prediction"]) -> "StanceCounts":
        """Add records in corpus order (in chunks: the arrays are updated a chunk at a time)."""
        chunk: list = []
        for record in records:
            chunk.append(record)
            if len(chunk) >= 4096:
                self._add_chunk(chunk)
                chunk = []
        if chunk:
            self._add_chunk(chunk)
        return self

    def _add_chunk(self, records: list["Prediction"]) -> None:
        self._doc_rank = None
        for record in records:  # every label first, so the columns are known
            self._label(record.label)
            for name in record.proba or ():
                self._label(name)
        articles = np.zeros(len(records), dtype=np.int64)
        labels = np.zeros(len(records), dtype=np.int64)
        proba = np.zeros((len(records), len(self.labels)))
        holder_rows: list[int] = []
        holder_of: list[int] = []
        for i, record in enumerate(records):
            article = articles[i] = self._article(record.doc_id, record.outlet, record.original_outlet, record.date)
            labels[i] = self._column[record.label]
            for name, p in (record.proba or {record.label: 1.0}).items():
                proba[i, self._column[name]] = float(p)
            for actor in record.actors:
                holder_rows.append(self._holder(article, actor))
                holder_of.append(i)
            if record.in_training:
                self.in_training += 1
                self._add_in_sample(self._sentences, article, labels[i], proba[i])
                for row in holder_rows[len(holder_rows) - len(record.actors):]:
                    self._add_in_sample(self._holders, row, labels[i], proba[i])
        self._sentences.add(articles, labels, proba)
        if holder_rows:
            taken = np.asarray(holder_of, dtype=np.int64)
            self._holders.add(np.asarray(holder_rows, dtype=np.int64), labels[taken], proba[taken])
        # the open article's rows may still grow; every earlier row is settled
        self._settle(self._open_article, min(self._open_holders.values(), default=self._holders.n))

    @staticmethod
    def _add_in_sample(rows: _Rows, row: int, label: int, proba: np.ndarray) -> None:
        inside = rows.in_sample(int(row))
        inside[0, label] += 1
        inside[1] += proba

    def merge(self, other: "StanceCounts") -> "StanceCounts":
        """Append the tallies of a later part of the corpus (a worker's batch or partition)."""
        self._doc_rank = None
        columns = np.array([self._label(label) for label in other.labels], dtype=np.int64)
        self.in_training += other.in_training
        self._open = None
        first = self._sentences.new(other._sentences.n)
        self._sentences.copy(other._sentences, first, columns)
        names = np.array([self._names(name) for name in other._names.names] or [0], dtype=np.int32)
        self._doc_ids.extend(other._doc_ids.values())
        self._outlet.extend(names[other._outlet.values()])
        self._original.extend(names[other._original.values()])
        self._date.extend(names[other._date.values()])
        start = self._holders.new(other._holders.n)
        self._holders.copy(other._holders, start, columns)
        self._holder_article.extend(first + other._holder_article.values())
        self._holder_actor.extend(names[other._holder_actor.values()])
        self._settle(self._sentences.n, self._holders.n)  # whole articles only: every row is settled
        return self

    def _settle(self, articles: int, holders: int) -> None:
        """Rows before these will not change: to disk once enough have gathered (with a folder)."""
        if self._sentences.n - self._sentences.counts.start < self._spill_rows \
                and self._holders.n - self._holders.counts.start < self._spill_rows:
            return
        self._sentences.spill(articles)
        for column in (self._outlet, self._original, self._date):
            column.spill(articles)
        self._doc_ids.spill(articles)
        self._holders.spill(holders)
        self._holder_article.spill(holders)
        self._holder_actor.spill(holders)

    def close(self) -> None:
        """Remove the files of spilled rows (they go with the process anyway)."""
        for part in (self._doc_ids, self._outlet, self._original, self._date, self._sentences, self._holders,
                     self._holder_article, self._holder_actor):
            part.close()

    # --- reading -----------------------------------------------------------------------

    @property
    def n_sentences(self) -> int:
        return sum(int(chunk.sum()) for chunk in self._sentences.counts.chunks())

    @property
    def sentences(self) -> dict[tuple, int]:
        """(doc_id, outlet, original_outlet, label) -> sentences with that predicted label."""
        found = {}
        for key, counts in zip(self._article_keys(), self._sentences.counts.values().tolist()):
            found.update({(*key, label): n for label, n in zip(self.labels, counts) if n})
        return found

    def _long_rows(self, rows: _Rows, keys: list[tuple]) -> list[tuple]:
        found = []
        all_columns = np.arange(len(self.labels))
        for row, key in enumerate(keys):
            tally = rows.tallies(np.array([row]), all_columns)[0]
            found.extend((*key, label, *tally[:, j]) for j, label in enumerate(self.labels)
                         if tally[COUNT, j] or tally[PROBA, j] or tally[PROBA_IN, j])
        return found

    def _article_keys(self) -> list[tuple]:
        names = self._names.names
        return [(d, names[o], names[g]) for d, o, g in
                zip(self._doc_ids.values(), self._outlet.values().tolist(), self._original.values().tolist())]

    def sentence_rows(self) -> pd.DataFrame:
        """The tallies as a long DataFrame: one row per article and label (:func:`article_tallies` reads it)."""
        rows = self._long_rows(self._sentences, self._article_keys())
        return pd.DataFrame(rows, columns=[*GROUP_COLUMNS, "label", *TALLY_ROWS])

    def holder_rows(self) -> pd.DataFrame:
        """One row per article, holder and label."""
        articles = self._article_keys()
        keys = [(*articles[a], self._names.names[h])
                for a, h in zip(self._holder_article.values().tolist(), self._holder_actor.values().tolist())]
        rows = self._long_rows(self._holders, keys)
        return pd.DataFrame(rows, columns=[*GROUP_COLUMNS, "actor", "label", *TALLY_ROWS])

    def _periods(self, period_of: Callable[[str], str | None]) -> np.ndarray:
        """Each article's period (a name code; -1 for an article without a usable date)."""
        dates = self._date.values()
        codes = np.unique(dates)
        by_date = np.full(len(self._names.names) + 1, -1, dtype=np.int32)
        for code in codes.tolist():
            period = period_of(self._names.names[code])
            by_date[code] = self._names(period) if period else -1
        return by_date[dates]

    def undated_sentences(self, period_of: Callable[[str], str | None]) -> int:
        """Sentences of articles whose date gives no period (left out of tables by period)."""
        undated = self._periods(period_of) < 0
        if not undated.any():
            return 0
        total, first = 0, 0
        for chunk in self._sentences.counts.chunks():
            total += int(chunk[undated[first:first + len(chunk)]].sum())
            first += len(chunk)
        return total

    def _document_ranks(self) -> np.ndarray:
        """Each article's rank by doc_id (computed once, for every table)."""
        if self._doc_rank is None:
            self._doc_rank = self._doc_ids.ranks()
        return self._doc_rank

    def groups(self, by: Sequence[str], labels: Sequence[str],
               period_of: Callable[[str], str | None] | None = None) -> tuple[list, Sequence[np.ndarray]]:
        """The sorted group keys of a table grouped ``by`` (``outlet``, ``original_outlet``,
        ``actor``, and ``period``: ``period_of`` an article's date, articles without one
        left out) and, per group, its articles' tallies ``[articles, 4, len(labels)]`` sorted
        by doc_id (built when asked for): the rows :func:`article_tallies` gives, from arrays."""
        by = list(by)
        holders = "actor" in by
        n = self._holders.n if holders else self._sentences.n
        if not n:
            return [], []
        articles = self._holder_article.values() if holders else np.arange(n, dtype=np.int64)
        rows = np.arange(n, dtype=np.int64)
        codes = []
        for column in by:
            if column == "actor":
                codes.append(self._holder_actor.values())
            elif column in ("outlet", "original_outlet"):
                per_article = (self._outlet if column == "outlet" else self._original).values()
                codes.append(per_article[articles])
            elif column == "period" and period_of is not None:
                codes.append(self._periods(period_of)[articles])
            else:
                raise ValueError(f"tallies are kept by outlet, original_outlet, actor and period, not {column!r}")
        if "period" in by:
            dated = codes[by.index("period")] >= 0
            rows, articles, codes = rows[dated], articles[dated], [c[dated] for c in codes]
            if not len(rows):
                return [], []
        ranks = self._names.ranks()
        doc_rank = self._document_ranks()
        sorting = np.lexsort([doc_rank[articles], *(ranks[c] for c in reversed(codes))])
        order = rows[sorting]
        keyed = np.stack([c[sorting] for c in codes], axis=1)
        documents = doc_rank[articles][sorting]
        changes = np.r_[True, (keyed[1:] != keyed[:-1]).any(axis=1)]
        starts = np.flatnonzero(changes)
        ends = np.r_[starts[1:], len(order)]
        names = self._names.names
        keys = [tuple(names[c] for c in row) for row in keyed[starts].tolist()]
        keys = [key[0] for key in keys] if len(by) == 1 else keys
        rows = self._holders if holders else self._sentences
        columns = np.array([self._column.get(label, -1) for label in labels], dtype=np.int64)
        # an article met twice (two rows of one doc_id in a group) is one article: its rows are added up
        repeated = np.r_[False, (~changes[1:]) & (documents[1:] == documents[:-1])]
        return keys, _GroupTallies(rows, order, starts, ends, columns, repeated if repeated.any() else None)


class _GroupTallies(Sequence):
    """Each group's per-article tallies, gathered from the compact rows when asked for."""

    def __init__(self, rows: _Rows, order: np.ndarray, starts: np.ndarray, ends: np.ndarray, columns: np.ndarray,
                 repeated: np.ndarray | None) -> None:
        self.rows, self.order, self.starts, self.ends, self.columns = rows, order, starts, ends, columns
        self.repeated = repeated  # rows of an article already in the group (met twice, or under two outlets)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> np.ndarray:
        start, end = int(self.starts[i]), int(self.ends[i])
        tallies = self.rows.tallies(self.order[start:end], self.columns)
        if self.repeated is None or not self.repeated[start:end].any():
            return tallies
        keep = ~self.repeated[start:end]
        first_of = np.cumsum(keep) - 1  # each row's article within the group
        merged = np.zeros((int(keep.sum()), *tallies.shape[1:]))
        np.add.at(merged, first_of, tallies)
        return merged


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
    tables = {}
    for name, by in (("by_outlet", [outlet_column]), ("by_actor", ["actor"]), ("actor_by_outlet", ["actor", outlet_column])):
        keys, groups = counts.groups(by, labels)
        tables[name] = grouped_table(keys, groups, by, labels, **options)
    return tables
