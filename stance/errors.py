"""The project's exceptions: each names the file, the line or row, and what is wrong.

The CLI turns any :class:`StanceError` into one line on stderr and a non-zero exit.
"""

from __future__ import annotations


class StanceError(Exception):
    """Base class: bad input or a refused operation the user can fix."""

    def __init__(self, problem: str, path: object | None = None, line: int | None = None):
        self.problem = problem
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        text = f"{where}: {self.problem}" if where else self.problem
        return " ".join(text.split())


class CorpusError(StanceError):
    """A corpus folder, manifest or JSONL corpus is unreadable or inconsistent."""


class AnnotationError(StanceError):
    """An annotation file is malformed: bad label, duplicate id, missing field ..."""


class ActorError(StanceError):
    """An actor gazetteer is malformed."""


class AnnotationConflictError(AnnotationError):
    """An import would relabel sentences the store already holds, and the policy says stop."""


class ConfigError(StanceError):
    """A configuration value is missing or out of range."""


class ModelIntegrityError(StanceError):
    """A model file is missing, unreadable or does not match its card."""


class DatasetError(StanceError):
    """An external benchmark data set is missing or malformed."""


class RunFolderError(StanceError):
    """An earlier run's folder (its metrics.json or .hydra/overrides.yaml) is unreadable."""
