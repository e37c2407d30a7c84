"""Reading and writing files: strict UTF-8 with located errors, JSONL with line errors,
atomic writes, JSON, SHA-256 and a lock file. Every stage reads and writes through here, so a
bad byte, a bad line or a full disk is reported the same way everywhere (SPEC section 5).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import StanceError

try:
    import fcntl
except ImportError:  # not on Windows: there a lock only guards one process's threads
    fcntl = None

# JSON nested deeper than this is refused before Python's parser recurses into it.
MAX_JSON_DEPTH = 64


def read_utf8(path: str | os.PathLike, error: type[StanceError]) -> str:
    """A file's text as strict UTF-8 (a leading byte-order mark dropped); a bad byte is
    reported, as ``error``, with its line number."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as err:
        raise error(f"cannot read file ({err.strerror or err})", source) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise error(f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})", source, line) from None


_BRACKETS = re.compile(r"[\[\]{}]")


def _too_deep(raw: str) -> bool:
    """Cheap upper bound of the nesting of a JSON text (brackets inside strings count too,
    so a deep-looking string is parsed the slow, safe way below). Only the brackets are
    visited: an article's line holds a few among thousands of characters."""
    depth = deepest = 0
    for ch in _BRACKETS.findall(raw):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest > MAX_JSON_DEPTH


def parse_json(raw: str, path: Path, line: int | None, error: type[StanceError]) -> object:
    """One JSON value; bad syntax or absurd nesting is ``error`` at ``path:line``."""
    if _too_deep(raw):
        try:
            value = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            raise error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", path, line) from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", path, line)
        return value
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise error(f"not valid JSON ({err.msg})", path, line if line is not None else err.lineno) from None
    except ValueError as err:  # e.g. an integer longer than Python converts from text
        raise error(f"not valid JSON ({str(err).split(';')[0].split(':')[0]})", path, line) from None
    except RecursionError:
        raise error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", path, line) from None


def _depth(value: object) -> int:
    stack, deepest = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def read_json(path: str | os.PathLike, error: type[StanceError]) -> object:
    """A whole JSON file, strictly decoded."""
    source = Path(path)
    return parse_json(read_utf8(source, error), source, None, error)


def iter_jsonl(path: str | os.PathLike, error: type[StanceError]) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line of a JSONL file, streamed: a line
    that is not valid UTF-8, not JSON or not an object is ``error`` naming the line."""
    source = Path(path)
    try:
        handle = source.open("rb")
    except OSError as err:
        raise error(f"cannot read file ({err.strerror or err})", source) from None
    with handle:
        for line, data in enumerate(handle, start=1):
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError as err:
                raise error(f"not valid UTF-8 (byte 0x{data[err.start]:02x})", source, line) from None
            if line == 1:
                raw = raw.lstrip("\ufeff")
            if not raw.strip():
                continue
            record = parse_json(raw, source, line, error)
            if not isinstance(record, dict):
                raise error("expected a JSON object", source, line)
            yield line, record


def current_umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` then move the temporary file onto ``path``: a reader sees
    the old file or the new one, never half of one. The temporary file lives beside the
    target (one file system, so ``os.replace`` is a rename); on any exception the target is
    left as it was and the temporary file removed. A symlinked target is written through:
    the file it points to is replaced, the link stays."""
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{os.getpid()}.tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; outputs are for the whole lab
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


@contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[Path]:
    """:func:`write_atomic` for a ``with`` block, for outputs written over a long stream
    (several at once): yields a temporary file beside ``path``, moved onto it when the block
    ends without an exception and removed when it raises."""
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    created = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    done = False
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, target)
        done = True
    finally:
        if tmp.exists():
            tmp.unlink()
        for folder in created if not done else ():  # a failure leaves no new empty folder behind
            try:
                folder.rmdir()
            except OSError:
                break


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: str | os.PathLike, payload: object) -> Path:
    """Write JSON (sorted keys, indented, UTF-8) atomically."""
    return write_text_atomic(path, json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def write_jsonl(path: str | os.PathLike, records: Iterator[dict] | list[dict]) -> Path:
    """Write one JSON object per line atomically, streaming ``records``."""
    def writer(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return write_atomic(path, writer)


# What write_atomic and the model store leave behind when killed: ``.<name>.<random>.<pid>.tmp``
# and ``.staging-<pid>-<random>``; names from before the pid was added have none.
_LEFTOVER = re.compile(r"\.(?:.+\.[a-z0-9_]{8}\.(?P<tmp_pid>[0-9]+)\.tmp|staging-(?P<dir_pid>[0-9]+)-.+"
                       r"|.+\.[a-z0-9_]{8}\.tmp|staging-[a-z0-9_]{8})")
# A leftover without a process id is taken as abandoned once it is this old (seconds).
LEGACY_LEFTOVER_AGE = 3600


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except (OverflowError, ValueError):
        return False
    return True


def remove_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove the temporary files and staging folders in ``folder`` whose writing process
    is gone (killed before it could clean up); returns what was removed. Those of running
    processes are left alone, so this is safe while other commands write."""
    root = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    now = time.time()
    for path in entries:
        match = _LEFTOVER.fullmatch(path.name)
        if not match or path.is_symlink():
            continue
        is_dir = path.name.startswith(".staging-")
        if is_dir != path.is_dir() or (not is_dir and not path.is_file()):
            continue
        pid = match.group("tmp_pid") or match.group("dir_pid")
        try:
            stale = not _alive(int(pid)) if pid else now - path.stat().st_mtime > LEGACY_LEFTOVER_AGE
        except OSError:
            continue
        if not stale:
            continue
        if is_dir:
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP's
# CSV-injection list); such a cell is written with a leading apostrophe, which they show as
# text and ``stance import`` removes again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a string starting with = + - @ tab or CR gets
    a leading apostrophe; numbers and other values pass as they are (-0.25 stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def from_spreadsheet_safe(value: str) -> str:
    """Undo :func:`spreadsheet_safe` on a cell read back from a CSV stance wrote."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks: names the exact data a model saw."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes in memory."""
    return hashlib.sha256(data).hexdigest()


_held: dict[Path, int] = {}


@contextmanager
def locked(lock_file: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created if missing) against other
    processes; re-entrant within a process, so a locked caller may call locked code."""
    path = Path(lock_file).resolve()
    if fcntl is None or _held.get(path):
        _held[path] = _held.get(path, 0) + 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _held[path] = 1
        try:
            yield
        finally:
            _held[path] = 0
            fcntl.flock(handle, fcntl.LOCK_UN)
