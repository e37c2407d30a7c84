"""The sentences behind the report's table cells, sampled while the predictions stream past.

The HTML report shows, for every cell (group x label) of its tables, the first
``max_per_cell`` sentences of the cell in corpus order, each with the sentence before and
after it in its article. :class:`EvidenceSample` picks them as records go by, so the report
never reads the predictions again. What it keeps is bounded by the number of cells
(outlets, actors, labels), not by the corpus; in the process that writes the report the
kept sentences wait in a temporary file, and only the cells the page shows are read back.

A worker keeps its own sample of its batch of whole articles; :meth:`EvidenceSample.merge`
adds a later batch's sample, which keeps exactly the sentences one pass over the whole
corpus would keep: a cell's first sentences overall are among the first of each batch.
"""

from __future__ import annotations

import json
import math
import tempfile
from array import array
from typing import IO, TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

if TYPE_CHECKING:
    from .predict import Prediction

TABLES = ("by_outlet", "by_actor", "actor_by_outlet")


def _item(before: "Prediction | None", record: "Prediction", after: "Prediction | None", outlet_column: str) -> tuple:
    """A sentence as the fields of :class:`~stance.html_report.Evidence`, in order."""
    probability = record.probability
    return (record.id, record.doc_id, record.title, record.group(outlet_column), record.date, record.sent_idx,
            record.text, before.text if before else "", after.text if after else "", tuple(record.actors),
            record.label, math.nan if probability is None else probability, record.in_training)


class EvidenceSample:
    """The first ``max_per_cell`` sentences of every table cell, in corpus order.

    Feed records in corpus order with :meth:`push` and call :meth:`finish` at the end (or
    after each batch of whole articles); ``spill`` keeps the sentences in a temporary file
    instead of memory (for the process that merges a whole corpus).
    """

    def __init__(self, outlet_column: str = "outlet", max_per_cell: int = 25, spill: bool = False) -> None:
        self.outlet_column, self.max_per_cell = outlet_column, max_per_cell
        self.cells: dict[str, dict[tuple, list[int]]] = {name: {} for name in TABLES}
        self._items: list[tuple] = []
        self._file: IO[bytes] | None = tempfile.TemporaryFile() if spill else None
        self._offsets = array("q")
        self._previous: Prediction | None = None
        self._current: Prediction | None = None

    def __getstate__(self) -> dict:
        if self._file is not None:
            raise TypeError("a spilled evidence sample stays in its process")
        return {**self.__dict__, "_previous": None, "_current": None}

    def __len__(self) -> int:
        return len(self._offsets) if self._file is not None else len(self._items)

    # --- collecting --------------------------------------------------------------------

    def push(self, record: "Prediction") -> None:
        """The next record in corpus order (its neighbours in the article give the context)."""
        current = self._current
        if current is not None:
            same = record.doc_id == current.doc_id
            self._offer(self._previous, current, record if same else None)
            self._previous = current if same else None
        self._current = record

    def push_all(self, records: Iterable["Prediction"]) -> "EvidenceSample":
        for record in records:
            self.push(record)
        self.finish()
        return self

    def finish(self) -> None:
        """The last record has no sentence after it."""
        if self._current is not None:
            self._offer(self._previous, self._current, None)
        self._previous = self._current = None

    def _wanted(self, table: str, key: tuple) -> list[int] | None:
        cell = self.cells[table].get(key)
        if cell is None:
            cell = self.cells[table][key] = []
        return cell if len(cell) < self.max_per_cell else None

    def _offer(self, before: "Prediction | None", record: "Prediction", after: "Prediction | None") -> None:
        if self.max_per_cell <= 0:
            return
        outlet, label = record.group(self.outlet_column), record.label
        wanted = [self._wanted("by_outlet", (outlet, label))]
        for actor in record.actors:
            wanted += [self._wanted("by_actor", (actor, label)), self._wanted("actor_by_outlet", (actor, outlet, label))]
        cells = [cell for cell in wanted if cell is not None]
        if cells:
            index = self._keep(_item(before, record, after, self.outlet_column))
            for cell in cells:
                cell.append(index)

    def _keep(self, item: tuple) -> int:
        if self._file is None:
            self._items.append(item)
            return len(self._items) - 1
        self._offsets.append(self._file.seek(0, 2))
        self._file.write(json.dumps(item, ensure_ascii=False).encode("utf-8") + b"\n")
        return len(self._offsets) - 1

    def merge(self, later: "EvidenceSample") -> "EvidenceSample":
        """Add the sample of the batch that follows everything added so far."""
        moved: dict[int, int] = {}
        for table, cells in later.cells.items():
            for key, indices in cells.items():
                cell = self._wanted(table, key)
                for index in indices:
                    if cell is None or len(cell) >= self.max_per_cell:
                        break
                    if index not in moved:
                        moved[index] = self._keep(later.item(index))
                    cell.append(moved[index])
        return self

    # --- reading -------------------------------------------------------------------------

    def item(self, index: int) -> tuple:
        if self._file is None:
            return self._items[index]
        self._file.seek(self._offsets[index])
        values = json.loads(self._file.readline())
        values[9] = tuple(values[9])  # holders
        return tuple(values)

    def items(self, shown: Mapping[str, set[tuple]] | None = None) -> dict[str, dict[tuple, list[tuple]]]:
        """For each table, ``(group ..., label) -> sentences`` as the fields of
        :class:`~stance.html_report.Evidence`; with ``shown``, only for the groups the page
        shows (table name -> group tuples), which are all that is read back."""
        found: dict[str, dict[tuple, list[tuple]]] = {name: {} for name in TABLES}
        for table, cells in self.cells.items():
            for key, indices in cells.items():
                if indices and (shown is None or key[:-1] in shown.get(table, ())):
                    found[table][key] = [self.item(i) for i in indices]
        return found

    def cells_of(self, shown: Mapping[str, set[tuple]], make: Callable[[tuple], object] = tuple
                 ) -> dict[str, dict[tuple, "Cell"]]:
        """:meth:`items` as cells that read their sentences (``make(item)`` each) only when
        iterated, so a report streamed cell by cell never holds every sentence at once."""
        found: dict[str, dict[tuple, Cell]] = {name: {} for name in TABLES}
        for table, cells in self.cells.items():
            for key, indices in cells.items():
                if indices and key[:-1] in shown.get(table, ()):
                    found[table][key] = Cell(self, indices, make)
        return found

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class Cell:
    """The sentences of one table cell, read back from a sample each time they are iterated."""

    def __init__(self, sample: EvidenceSample, indices: list[int], make: Callable[[tuple], object]) -> None:
        self.sample, self.indices, self.make = sample, indices, make

    def __len__(self) -> int:
        return len(self.indices)

    def __iter__(self) -> Iterator:
        return (self.make(self.sample.item(index)) for index in self.indices)
