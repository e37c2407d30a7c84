"""Predictions as Parquet: typed, compressed columns that pandas, polars and R's arrow read.

``predictions.parquet`` is a folder of part files in corpus order (``part-00000-0000.parquet``,
...): a part per partition of a cluster run, and a new part every :data:`PART_ROWS` rows, so
a large run is never one huge file. Columns are those of predictions.jsonl, with the
probabilities as one ``proba_<label>`` column per label and holders as a list of names:

    pandas.read_parquet("predictions.parquet")
    polars.read_parquet("predictions.parquet/*.parquet")
    arrow::open_dataset("predictions.parquet")          # R

pyarrow is imported only here, when Parquet is written or read.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from .errors import CorpusError

if TYPE_CHECKING:
    from .predict import Prediction

DIRECTORY = "predictions.parquet"
PART_ROWS = 1_000_000       # rows per part file
ROW_GROUP_ROWS = 16_384     # rows per row group (buffered before writing: about 8 MB)
TEXT_COLUMNS = ("id", "doc_id", "outlet", "original_outlet", "date", "title")


def schema(labels: Sequence[str], extra_columns: Sequence[str] = ()):
    """The Arrow schema of a predictions table with these labels and extra metadata columns."""
    import pyarrow as pa

    fields = [pa.field(name, pa.string()) for name in TEXT_COLUMNS]
    fields += [pa.field("sent_idx", pa.int32()), pa.field("start", pa.int64()), pa.field("end", pa.int64()),
               pa.field("text", pa.string()), pa.field("label", pa.string())]
    fields += [pa.field(f"proba_{label}", pa.float64()) for label in labels]
    fields += [pa.field("actors", pa.list_(pa.string())), pa.field("candidates", pa.list_(pa.string())),
               pa.field("in_training", pa.bool_()), pa.field("predicted_label", pa.string())]
    fields += [pa.field(name, pa.string()) for name in extra_columns]
    return pa.schema(fields)


def use_system_allocator() -> None:
    """Arrow's own allocator (mimalloc) keeps the pages of each row group it encodes, and the
    writing process's peak memory rose by about 20 MiB at each flush; with the system
    allocator the pages are freed with the rest of the batch's memory. The bytes written
    do not depend on the allocator."""
    import pyarrow as pa

    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())


def columns(records: Sequence["Prediction"], labels: Sequence[str], extra_columns: Sequence[str] = ()) -> dict:
    """The records as plain column lists in :func:`schema` order (cheap to send between processes)."""
    found: dict[str, list] = {name: [getattr(r, name) for r in records] for name in TEXT_COLUMNS}
    for name in ("sent_idx", "start", "end", "text", "label"):
        found[name] = [getattr(r, name) for r in records]
    for label in labels:
        found[f"proba_{label}"] = [r.proba.get(label) for r in records]
    found["actors"] = [list(r.actors) for r in records]
    found["candidates"] = [list(r.candidates) for r in records]
    found["in_training"] = [r.in_training for r in records]
    found["predicted_label"] = [r.predicted_label for r in records]
    for name in extra_columns:
        found[name] = [r.extra.get(name) for r in records]
    return found


class PartWriter:
    """Writes column batches, in order, as the part files of a ``predictions.parquet``
    folder built beside ``target`` and moved onto it by :meth:`commit` (an earlier run's
    folder stays whole until then)."""

    def __init__(self, target: Path, schema_, compression: str = "zstd") -> None:
        use_system_allocator()
        self.target, self.schema, self.compression = Path(target), schema_, compression
        self.target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent))
        self._writer = None
        self._buffer: list = []
        self._buffered = 0
        self._part_rows = 0
        self._partition, self._roll = 0, 0
        self.rows = 0

    def partition(self, index: int) -> None:
        """Start the parts of partition ``index`` (a cluster run writes one or more per partition)."""
        self._close_part()
        self._partition, self._roll = index, 0

    def write(self, batch: dict) -> None:
        """Append rows given as columns (see :func:`columns`)."""
        import pyarrow as pa

        rows = len(batch["id"])
        if not rows:
            return
        self._buffer.append(pa.RecordBatch.from_pydict(batch, schema=self.schema))
        self._buffered += rows
        if self._buffered >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._buffer:
            return
        if self._writer is None:
            name = f"part-{self._partition:05d}-{self._roll:04d}.parquet"
            self._writer = pq.ParquetWriter(self.folder / name, self.schema, compression=self.compression)
        self._writer.write_table(pa.Table.from_batches(self._buffer, schema=self.schema), row_group_size=self._buffered)
        self.rows += self._buffered
        self._part_rows += self._buffered
        self._buffer, self._buffered = [], 0
        pa.default_memory_pool().release_unused()  # Arrow's allocator would keep the freed pages (~25 MB)
        if self._part_rows >= PART_ROWS:
            self._close_part()
            self._roll += 1

    def _close_part(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._part_rows = 0

    def commit(self) -> Path:
        """Finish the last part and put the folder in place of ``target``."""
        self._close_part()
        if not any(self.folder.iterdir()):  # no sentence at all: an empty table, still readable
            import pyarrow.parquet as pq

            pq.write_table(self.schema.empty_table(), self.folder / "part-00000-0000.parquet")
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            self.target.rename(old)
        self.folder.rename(self.target)
        if old is not None:
            shutil.rmtree(old)
        return self.target

    def abort(self) -> None:
        """Drop what was written; ``target`` is left as it was."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        shutil.rmtree(self.folder, ignore_errors=True)


def read_records(path: Path) -> Iterator[tuple[Path, dict]]:
    """(part file, record) for every row of a ``predictions.parquet`` folder (or one part
    file), in corpus order, as predictions.jsonl would hold it."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    try:
        dataset = ds.dataset(str(path), format="parquet")
        files = sorted(dataset.files)  # part files sort in corpus order
        names = dataset.schema.names
    except (pa.ArrowInvalid, OSError) as err:
        raise CorpusError(f"not a Parquet predictions table ({err})", path) from None
    probabilities = [n for n in names if n.startswith("proba_")]
    for file in files:
        for batch in ds.dataset(file, format="parquet").to_batches():
            for record in batch.to_pylist():
                record["proba"] = {n[len("proba_"):]: record.pop(n) for n in probabilities if n in record}
                record["proba"] = {k: v for k, v in record["proba"].items() if v is not None}
                yield Path(file), {k: v for k, v in record.items() if v is not None}
