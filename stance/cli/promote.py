"""`stance promote VERSION`: make a stored version the current model (promote the old one back to undo)."""

from __future__ import annotations

from pathlib import Path

from .. import store
from ..errors import ConfigError
from ..settings import Settings
from .common import clear_leftovers, say


def promote(settings: Settings, out_dir: Path) -> str | None:
    version = settings.store.version
    if not version:
        raise ConfigError("name the version to promote: `stance promote VERSION` (see `stance models`)")
    clear_leftovers(settings)
    previous = store.promote(settings.store.dir, version, reason="stance promote")
    say(f"Current model is now {version}" + (f" (was {previous}; `stance promote {previous}` undoes this)"
                                             if previous else ""))
    return previous
