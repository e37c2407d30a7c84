"""The model store: every trained model is a version folder under ``models/`` with its
card; ``models/CURRENT`` names the version in use. Loading checks the file's SHA-256
against the card; promotion rewrites ``CURRENT`` atomically and is logged, so it can be undone.
Saving and promoting hold the store's lock, so the parallel jobs of a sweep can share one store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import joblib

from .atomic import current_umask, write_atomic, write_text_atomic
from .errors import ModelIntegrityError

MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
CURRENT_FILE = "CURRENT"
HISTORY_FILE = "HISTORY"
TRAINING_DATA = "training_annotations"  # + the annotation file's suffix: what a version was trained on
LOCK_FILE = ".lock"

try:
    import fcntl
except ImportError:  # not on Windows: there the store is for one process at a time
    fcntl = None

_held_locks: dict[Path, int] = {}


@contextmanager
def locked(models_dir: str | Path) -> Iterator[None]:
    """Hold the store's lock (``models/.lock``) against other processes; re-entrant
    within a process, so a locked caller may call ``promote``."""
    root = Path(models_dir).resolve()
    if fcntl is None or _held_locks.get(root):
        _held_locks[root] = _held_locks.get(root, 0) + 1
        try:
            yield
        finally:
            _held_locks[root] -= 1
        return
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _held_locks[root] = 1
        try:
            yield
        finally:
            _held_locks[root] = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_version(models_dir: str | Path, pipeline: object, card: dict, created: datetime | None = None,
                 training_data: str | Path | None = None) -> str:
    """Save a fitted pipeline and its card as a new version; returns the version name.

    ``training_data``, the annotation file the model was fitted on, is copied into the
    version, so a later retrain knows exactly which sentences and labels it saw.

    The version folder is assembled under a temporary name and renamed into place, so an
    interrupted save leaves no half-written version behind. The same model with the same
    card saved again in the same second is one version; a different card for the same
    model file (say, another evaluation protocol) gets a name of its own.
    """
    root = Path(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    created = created or datetime.now(timezone.utc)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        model_path = staging / MODEL_FILE
        joblib.dump(pipeline, model_path, compress=3)
        model_sha = sha256_of(model_path)
        version = f"{created.strftime('%Y%m%d-%H%M%S')}-{model_sha[:8]}"
        full_card = {**card, "version": version, "created": created.isoformat(timespec="seconds"),
                     "model_file": MODEL_FILE, "model_sha256": model_sha}
        if training_data is not None:
            full_card["training_data_file"] = TRAINING_DATA + Path(training_data).suffix
            shutil.copyfile(training_data, staging / full_card["training_data_file"])
        (staging / CARD_FILE).write_text(json.dumps(full_card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        with locked(root):
            suffix = 1
            while (root / version).exists():
                if _same_card(read_card(root, version), full_card):
                    return version
                suffix += 1
                version = f"{created.strftime('%Y%m%d-%H%M%S')}-{model_sha[:8]}-{suffix}"
                full_card["version"] = version
                (staging / CARD_FILE).write_text(json.dumps(full_card, indent=2, sort_keys=True) + "\n",
                                                 encoding="utf-8")
            os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp makes 0700
            os.replace(staging, root / version)
        return version
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _same_card(old: dict, new: dict) -> bool:
    """Two cards describe the same saved model, whatever their version name and time."""
    def strip(card):
        return {k: v for k, v in card.items() if k not in ("version", "created")}
    return strip(old) == strip(new)


def read_card(models_dir: str | Path, version: str) -> dict:
    """A version's model card."""
    card_path = Path(models_dir) / version / CARD_FILE
    if not card_path.is_file():
        raise ModelIntegrityError(f"no model card for version {version!r}", card_path)
    try:
        return json.loads(card_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelIntegrityError(f"model card is not valid JSON ({err})", card_path) from None


def current_version(models_dir: str | Path) -> str | None:
    """The promoted version, or None when nothing has been promoted yet."""
    pointer = Path(models_dir) / CURRENT_FILE
    if not pointer.is_file():
        return None
    version = pointer.read_text(encoding="utf-8").strip()
    return version or None


def load_version(models_dir: str | Path, version: str | None = None) -> tuple[object, dict]:
    """Load a version (the current one by default) after checking its hash against its card."""
    root = Path(models_dir)
    version = version or current_version(root)
    if version is None:
        raise ModelIntegrityError("no current model; train one with `stance train`", root / CURRENT_FILE)
    card = read_card(root, version)
    model_path = root / version / card.get("model_file", MODEL_FILE)
    if not model_path.is_file():
        raise ModelIntegrityError("model file is missing", model_path)
    actual = sha256_of(model_path)
    if actual != card.get("model_sha256"):
        raise ModelIntegrityError(
            f"SHA-256 {actual[:12]}... does not match the card's {str(card.get('model_sha256'))[:12]}...; "
            "the file was changed or corrupted, refusing to load it", model_path)
    return joblib.load(model_path), card


def training_data(models_dir: str | Path, version: str) -> Path | None:
    """The copy of the annotations ``version`` was trained on, checked against its card's
    hash; None for a version saved without one."""
    card = read_card(models_dir, version)
    name = card.get("training_data_file")
    path = Path(models_dir) / version / str(name)
    if not name or not path.is_file():
        return None
    if sha256_of(path) != card.get("annotations", {}).get("annotations_sha256"):
        raise ModelIntegrityError("the training annotations kept with this version do not match its card's hash", path)
    return path


def list_versions(models_dir: str | Path) -> list[dict]:
    """Every version's card, oldest first, with ``current`` marked."""
    root = Path(models_dir)
    if not root.is_dir():
        return []
    current = current_version(root)
    cards = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if (folder / CARD_FILE).is_file():
            card = read_card(root, folder.name)
            cards.append({**card, "current": folder.name == current})
    return cards


def promote(models_dir: str | Path, version: str, reason: str = "") -> str | None:
    """Make ``version`` current (after verifying it loads); returns the previous version."""
    root = Path(models_dir)
    load_version(root, version)
    with locked(root):
        previous = current_version(root)
        write_text_atomic(root / CURRENT_FILE, version + "\n")
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        line = f"{stamp}\t{previous or '-'}\t->\t{version}\t{reason}\n"
        history = root / HISTORY_FILE
        old = history.read_text(encoding="utf-8") if history.is_file() else ""
        write_atomic(history, lambda tmp: tmp.write_text(old + line, encoding="utf-8"))
    return previous
