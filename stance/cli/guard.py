"""What the command line does when the world gets in the way: a full disk, a read-only
folder, Ctrl-C, memory running out, two runs aimed at one folder.

:func:`guard` wraps a command: an ``OSError``, ``MemoryError`` or ``KeyboardInterrupt``
becomes one line on stderr and a non-zero exit instead of a traceback (:func:`hydra_run`
does the same around Hydra's own work, for overrides it cannot parse). Nothing needs
undoing: every file is written to a temporary name and renamed into place, so an
interrupted command leaves each output, model and annotation file as it was.

:class:`RunFolder` is a Hydra callback (``hydra.callbacks`` in ``conf/config.yaml``) that
claims the run folder before Hydra writes anything into it: a folder that already holds
something (an earlier run, another run started at the same moment) is refused, so two
runs never mix their outputs.
"""

from __future__ import annotations

import errno
import os
import sys
import functools
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

# The exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130
FAILED = 2
CLAIM = ".stance-run"  # created exclusively in a run folder by the run that owns it


def one_line(text: str) -> str:
    """``text`` on one line (a path holding a newline cannot split the message)."""
    return " ".join(str(text).split())


def describe_os_error(err: OSError) -> str:
    """``<file>: <problem>`` for an OSError, as the SPEC's one-line errors read."""
    problem = err.strerror or errno.errorcode.get(err.errno or 0, "") or type(err).__name__
    where = err.filename if err.filename is not None else ""
    if err.filename2 is not None:
        where = f"{where} -> {err.filename2}"
    hint = {errno.ENOSPC: "; free some space and run again", errno.EDQUOT: "; free some space and run again",
            errno.EACCES: "; check the folder's permissions", errno.EROFS: "; choose a writable folder",
            errno.EFBIG: "; the file system refused a file this large"}.get(err.errno or 0, "")
    return one_line(f"{where}: {problem}{hint}" if where else f"{problem}{hint}")


def fail(command: str, problem: str, status: int = FAILED) -> None:
    """Print ``stance <command>: <problem>`` as one line on stderr and exit."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    print(one_line(f"stance {command}: {problem}"), file=sys.stderr, flush=True)
    sys.exit(status)


@contextmanager
def guard(command: str, where: str = "") -> Iterator[None]:
    """Turn OSError, MemoryError and KeyboardInterrupt inside the block into one stderr line
    and a non-zero exit (2, or 130 for Ctrl-C). ``where`` names a sweep job."""
    try:
        yield
    except (HydraException, OmegaConfBaseException) as err:  # an override Hydra cannot parse or compose
        fail(command, f"error{where}: {type(err).__name__}: {one_line(str(err).split('Config search path')[0])}")
    except KeyboardInterrupt:
        fail(command, f"interrupted{where}; every file is as it was before the interrupted write "
                      "(outputs written so far are complete, nothing half-written is kept)", INTERRUPTED)
    except MemoryError:
        fail(command, f"error{where}: out of memory; give the run less data (e.g. corpus.batch_size) or more memory")
    except OSError as err:
        fail(command, f"error{where}: {describe_os_error(err)}")


@contextmanager
def hydra_run(command: str) -> Iterator[None]:
    """Hydra's own run (composing the config, then the task) under :func:`guard`: Hydra is
    asked to raise its errors instead of printing them over several lines, so an override it
    cannot parse is one line too."""
    previous = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        with guard(command):
            yield
    finally:
        if previous is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = previous


def guarded(task: Callable[[DictConfig], Any]) -> Callable[[DictConfig], Any]:
    """A Hydra task function run under :func:`guard`, named by the config's ``command``
    (and, in a sweep, by the job's number and overrides)."""
    @functools.wraps(task)
    def wrapper(cfg: DictConfig) -> Any:
        where = ""
        try:
            runtime = HydraConfig.get()
            if runtime.mode == RunMode.MULTIRUN:
                overrides = [o for o in runtime.overrides.task if not o.startswith("command=")]
                where = f" in sweep job {runtime.job.num} ({' '.join(overrides)})"
        except ValueError:  # no Hydra run (a test calling the task directly)
            pass
        with guard(str(OmegaConf.select(cfg, "command", default="run")), where):
            return task(cfg)
    return wrapper


def claim_folder(folder: Path) -> None:
    """Make ``folder`` this run's own: created if missing, refused (one line, exit 2) if it
    already holds anything or another run claimed it first."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "exists and is not a folder", str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if any(entry.name != CLAIM for entry in folder.iterdir()) or (folder / CLAIM).exists():
            raise FileExistsError
        with open(folder / CLAIM, "x", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
    except FileExistsError:
        raise RunFolderTaken(folder) from None


class RunFolderTaken(Exception):
    """The run folder already holds an earlier (or concurrent) run's files."""

    def __init__(self, folder: Path):
        self.folder = folder
        super().__init__(f"{folder}: the run folder already holds files of another run; a run never writes into "
                         "another's folder: name a new one with hydra.run.dir=NEW_FOLDER")


class RunFolder(Callback):
    """Claims the run (or sweep) folder before Hydra writes into it."""

    def _claim(self, config: DictConfig, key: str) -> None:
        command = str(OmegaConf.select(config, "command", default="run"))
        try:
            folder = Path(str(OmegaConf.select(config, key))).absolute()
            claim_folder(folder)
        except RunFolderTaken as err:
            fail(command, f"error: {err}")
        except OSError as err:
            fail(command, f"error: cannot make the run folder: {describe_os_error(err)}")
        except KeyboardInterrupt:
            fail(command, "interrupted before it started", INTERRUPTED)

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._claim(config, "hydra.run.dir")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._claim(config, "hydra.sweep.dir")
