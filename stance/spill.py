"""Growing typed arrays whose settled rows move to disk, so what a run keeps per article
stays out of memory.

:class:`Column` holds rows (``[n]`` or ``[n, width]``) in a small in-memory tail; rows
that will not change again are appended to an anonymous temporary file (unlinked when it is
created, so it disappears with the process however the run ends) and read back, a chunk or
a gathered set of rows at a time, when tables are computed. :class:`Texts` does the same for
strings (article ids). Without a folder everything stays in memory, as in a worker's batch.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO, Iterator, Sequence

import numpy as np

CHUNK_ROWS = 1 << 16  # rows read back at a time when a column is scanned


class Column:
    """A growing array of rows of one dtype, optionally spilled to a file in ``folder``.

    Rows below :attr:`start` are on disk and read-only; rows from :attr:`start` on are in
    :attr:`tail` and may still be changed (``tail[row - start]``)."""

    def __init__(self, dtype, width: int | None = None, folder: Path | None = None) -> None:
        self.dtype, self.width, self.folder = np.dtype(dtype), width, folder
        self.tail = np.zeros(self._shape(64), dtype=self.dtype)
        self.start = 0  # rows before this one are in the file
        self.n = 0
        self._file: IO[bytes] | None = None

    def _shape(self, rows: int) -> tuple[int, ...]:
        return (rows,) if self.width is None else (rows, self.width)

    def __len__(self) -> int:
        return self.n

    def new(self, count: int = 1) -> int:
        """Append ``count`` zero rows; returns the first one's index."""
        first, used = self.n, self.n - self.start
        if used + count > len(self.tail):
            size = max(2 * len(self.tail), used + count)
            grown = np.zeros(self._shape(size), dtype=self.dtype)
            grown[:used] = self.tail[:used]
            self.tail = grown
        self.n += count
        return first

    def extend(self, values) -> int:
        """Append rows with these values; returns the first one's index."""
        values = np.asarray(values, dtype=self.dtype)
        first = self.new(len(values))
        self.tail[first - self.start:self.n - self.start] = values
        return first

    def spill(self, upto: int) -> None:
        """Move rows before ``upto`` to the file (nothing without a folder); they stay readable."""
        upto = min(upto, self.n)
        if self.folder is None or upto <= self.start:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self.folder, prefix=".stance-spill-")
        moved = upto - self.start
        self._file.seek(0, 2)
        self._file.write(np.ascontiguousarray(self.tail[:moved]).tobytes())
        kept = self.tail[moved:self.n - self.start].copy()
        self.tail = np.zeros(self._shape(max(64, 2 * len(kept))), dtype=self.dtype)
        self.tail[:len(kept)] = kept
        self.start = upto

    def _disk(self) -> np.ndarray:
        """The spilled rows as a read-only memory map (empty when nothing is spilled)."""
        if self._file is None or not self.start:
            return np.zeros(self._shape(0), dtype=self.dtype)
        self._file.flush()
        return np.memmap(self._file, dtype=self.dtype, mode="r", shape=self._shape(self.start))

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The rows at these indices, in this order."""
        rows = np.asarray(rows, dtype=np.int64)
        if not self.start:
            return self.tail[rows]
        out = np.empty(self._shape(len(rows)), dtype=self.dtype)
        on_disk = rows < self.start
        disk = self._disk()
        out[on_disk] = disk[rows[on_disk]]
        del disk
        out[~on_disk] = self.tail[rows[~on_disk] - self.start]
        return out

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[np.ndarray]:
        """Every row in order, ``size`` rows at a time (copies, so the file is never held)."""
        disk = self._disk()
        for first in range(0, self.start, size):
            yield np.array(disk[first:first + size])
        del disk
        for first in range(0, self.n - self.start, size):
            yield self.tail[first:min(first + size, self.n - self.start)]

    def values(self) -> np.ndarray:
        """Every row, in memory (for per-row codes and small columns)."""
        if not self.start:
            return self.tail[:self.n]
        return np.concatenate(list(self.chunks())) if self.n else np.zeros(self._shape(0), dtype=self.dtype)

    def widen(self, width: int) -> None:
        """More columns (zeros) on every row, spilled ones too."""
        extra = width - self.width
        if extra <= 0:
            return
        self.tail = np.pad(self.tail, ((0, 0), (0, extra)))
        if self.start:
            old, self._file = self._file, tempfile.TemporaryFile(dir=self.folder, prefix=".stance-spill-")
            disk = np.memmap(old, dtype=self.dtype, mode="r", shape=self._shape(self.start))
            for first in range(0, self.start, CHUNK_ROWS):
                self._file.write(np.ascontiguousarray(np.pad(disk[first:first + CHUNK_ROWS], ((0, 0), (0, extra)))).tobytes())
            del disk
            old.close()
        self.width = width

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __getstate__(self) -> dict:
        if self._file is not None:
            raise TypeError("a spilled column stays in its process")
        return self.__dict__.copy()


class Texts:
    """A growing list of strings whose settled part moves to a file (UTF-8, with offsets)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.tail: list[str] = []
        self.start = 0
        self._ends = Column(np.int64, folder=folder)  # end offset of each spilled string in the file
        self._file: IO[bytes] | None = None
        self._nul = False  # a spilled string ends with NUL (fixed-width byte arrays would drop it)

    def __len__(self) -> int:
        return self.start + len(self.tail)

    def append(self, text: str) -> None:
        self.tail.append(text)

    def extend(self, texts: Sequence[str]) -> None:
        self.tail.extend(texts)

    def spill(self, upto: int) -> None:
        """Move the strings before ``upto`` to the file."""
        moved = min(upto, len(self)) - self.start
        if self.folder is None or moved <= 0:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self.folder, prefix=".stance-spill-")
        encoded = [text.encode("utf-8") for text in self.tail[:moved]]
        self._nul = self._nul or any(data.endswith(b"\0") for data in encoded)
        offset = self._file.seek(0, 2)
        self._file.write(b"".join(encoded))
        self._ends.extend(offset + np.cumsum([len(data) for data in encoded]))
        self._ends.spill(len(self._ends))
        del self.tail[:moved]
        self.start += moved

    def _spilled(self, first: int, last: int) -> list[bytes]:
        ends = self._ends.take(np.arange(first, last))
        begin = int(self._ends.take(np.array([first - 1]))[0]) if first else 0
        self._file.seek(begin)
        data = self._file.read(int(ends[-1]) - begin if len(ends) else 0)
        starts = np.r_[0, ends[:-1] - begin] if len(ends) else np.zeros(0, dtype=np.int64)
        return [data[a:b] for a, b in zip(starts.tolist(), (ends - begin).tolist())]

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[list[str]]:
        """Every string in order, ``size`` at a time."""
        for first in range(0, self.start, size):
            yield [data.decode("utf-8") for data in self._spilled(first, min(first + size, self.start))]
        for first in range(0, len(self.tail), size):
            yield self.tail[first:first + size]

    def values(self) -> list[str]:
        return [text for chunk in self.chunks() for text in chunk]

    def ranks(self) -> np.ndarray:
        """Each string's rank among the distinct strings in sorted (code point) order, as
        ``np.unique(..., return_inverse=True)`` gives it; the strings are compared as UTF-8
        bytes in a fixed-width array (same order as text, a few bytes per string)."""
        if not len(self):
            return np.zeros(0, dtype=np.int64)
        if self._nul or any(text.endswith("\0") for text in self.tail):
            return np.unique(np.array(self.values(), dtype=object), return_inverse=True)[1].astype(np.int64)
        width = 1
        for chunk in self._byte_chunks():
            width = max(width, max(map(len, chunk), default=1))
        keys = np.empty(len(self), dtype=f"S{width}")
        done = 0
        for chunk in self._byte_chunks():
            keys[done:done + len(chunk)] = chunk
            done += len(chunk)
        return np.unique(keys, return_inverse=True)[1].astype(np.int64).reshape(-1)

    def _byte_chunks(self, size: int = CHUNK_ROWS) -> Iterator[list[bytes]]:
        for first in range(0, self.start, size):
            yield self._spilled(first, min(first + size, self.start))
        for first in range(0, len(self.tail), size):
            yield [text.encode("utf-8") for text in self.tail[first:first + size]]

    def close(self) -> None:
        self._ends.close()
        if self._file is not None:
            self._file.close()
            self._file = None

    def __getstate__(self) -> dict:
        if self._file is not None:
            raise TypeError("spilled texts stay in their process")
        return self.__dict__.copy()
