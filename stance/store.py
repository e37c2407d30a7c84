"""The model store: every trained model is a version folder with its card; ``CURRENT`` names
the version in use and ``HISTORY`` logs every promotion. Model files are in skops' format
(:mod:`stance.modelfile`), so loading one never runs code from it; loading also checks the
file's SHA-256 against the card. Version names and card paths are confined to the store;
saving and promoting hold the store's lock, so the parallel jobs of a sweep can share one
store. Staging folders carry their process id, so a later command can tell an abandoned
one (its process is gone) from one being written, and removes it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from . import modelfile
from .card import ModelCard
from .errors import ModelIntegrityError
from .files import (current_umask, locked, read_json, remove_stale, sha256, sha256_bytes, write_atomic,
                    write_text_atomic)

MODEL_FILE = "model.skops"
CARD_FILE = "card.json"
CURRENT_FILE = "CURRENT"
HISTORY_FILE = "HISTORY"
TRAINING_DATA = "training_annotations"  # + the annotation file's suffix: what a version was trained on
LOCK_FILE = ".lock"
_VERSION = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9a-f]{8}(?:-[0-9]+)?")


def lock(models_dir: str | Path):
    """The store's lock (``<store>/.lock``), held while saving and promoting."""
    return locked(Path(models_dir) / LOCK_FILE)


def check_version_name(models_dir: str | Path, version: str) -> str:
    """A version name as the store makes them (``20261122-032929-7c44a51b``): never a path."""
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise ModelIntegrityError(f"{version!r} is not a version name (like 20261122-032929-7c44a51b); "
                                  "`stance models` lists them", Path(models_dir))
    return version


def _inside(models_dir: Path, version: str, name: str, what: str) -> Path:
    """A file of a version's folder named on its card: a plain file name, nothing else."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name in (".", "..") \
            or name.startswith("."):
        raise ModelIntegrityError(f"card names {what} {name!r}; expected a file name inside the version folder",
                                  models_dir / version / CARD_FILE)
    path = models_dir / version / name
    if path.exists() and path.resolve().parent != (models_dir.resolve() / version):
        raise ModelIntegrityError(f"the {what} is a link to a file outside the version folder; refusing to read it", path)
    return path


def save_version(models_dir: str | Path, pipeline: object, card: ModelCard, created: datetime | None = None,
                 training_data: str | Path | None = None) -> str:
    """Save a fitted pipeline and its card as a new version; returns the version name.

    ``training_data``, the annotation file the model was fitted on, is copied into the
    version, so a later retrain knows exactly which sentences and labels it saw. The folder
    is assembled under a temporary name and renamed into place, so an interrupted save leaves
    no half-written version. The same model with the same card is stored once: saving it
    again returns the existing version.
    """
    root = Path(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    created = created or datetime.now(timezone.utc)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=root))
    try:
        model_path = staging / MODEL_FILE
        model_path.write_bytes(modelfile.dumps(pipeline))
        model_sha = sha256(model_path)
        _share_stored_copy(root, model_path, model_sha)
        data_file = None
        if training_data is not None:
            data_file = TRAINING_DATA + Path(training_data).suffix
            shutil.copyfile(training_data, staging / data_file)
        stamp = created.strftime("%Y%m%d-%H%M%S")
        full = card.stored(f"{stamp}-{model_sha[:8]}", created.isoformat(timespec="seconds"), MODEL_FILE, model_sha,
                           data_file)
        with lock(root):
            existing = _same_model(root, full)
            if existing:
                return existing
            suffix, version = 1, full.version
            while (root / version).exists():
                suffix += 1
                version = f"{stamp}-{model_sha[:8]}-{suffix}"
            full = full.stored(version, full.created, MODEL_FILE, model_sha, data_file)
            (staging / CARD_FILE).write_text(full.to_json(), encoding="utf-8")
            os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp makes 0700
            os.replace(staging, root / version)
        return version
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _share_stored_copy(root: Path, model_path: Path, model_sha: str) -> None:
    """The same model file already stored under another version (its card differs: another
    corpus or holder figures) is hard-linked instead of written again, so a store holds each
    distinct model's bytes once. Where the file system has no hard links it stays a copy."""
    for folder in sorted(p for p in root.iterdir() if _VERSION.fullmatch(p.name)):
        stored = folder / MODEL_FILE
        if folder.name.split("-")[2] != model_sha[:8] or folder.is_symlink() or stored.is_symlink() \
                or not stored.is_file() or sha256(stored) != model_sha:
            continue
        linked = model_path.with_name(model_path.name + ".link")
        try:
            os.link(stored, linked)
            os.replace(linked, model_path)
        except OSError:
            linked.unlink(missing_ok=True)
        return


def _same_model(root: Path, card: ModelCard) -> str | None:
    """The version already holding this very model and card, if any."""
    for folder in sorted(p for p in root.iterdir() if _VERSION.fullmatch(p.name)):
        if folder.name.split("-")[2] != card.model_sha256[:8] or not (folder / CARD_FILE).is_file():
            continue
        try:
            if read_card(root, folder.name).identity() == card.identity():
                return folder.name
        except ModelIntegrityError:
            continue
    return None


def read_card(models_dir: str | Path, version: str) -> ModelCard:
    """A version's model card."""
    root = Path(models_dir)
    check_version_name(root, version)
    card_path = root / version / CARD_FILE
    if (root / version).is_symlink():
        raise ModelIntegrityError(f"version {version!r} is a link to a folder outside the store; refusing to read it",
                                  root / version)
    if not card_path.is_file():
        raise ModelIntegrityError(f"no model card for version {version!r}", card_path)
    return ModelCard.from_dict(read_json(card_path, ModelIntegrityError), str(card_path))


def current_version(models_dir: str | Path) -> str | None:
    """The promoted version, or None when nothing has been promoted yet."""
    pointer = Path(models_dir) / CURRENT_FILE
    if not pointer.is_file():
        return None
    try:
        version = pointer.read_bytes().decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ModelIntegrityError("not valid UTF-8; it should hold one version name", pointer) from None
    except OSError as err:
        raise ModelIntegrityError(f"cannot read file ({err.strerror})", pointer) from None
    if not version:
        return None
    if not _VERSION.fullmatch(version):
        raise ModelIntegrityError(f"names {version[:60]!r}, not a version of this store", pointer)
    return version


def load_version(models_dir: str | Path, version: str | None = None) -> tuple[object, ModelCard]:
    """Load a version (the current one by default) after checking its hash against its card."""
    root = Path(models_dir)
    version = version or current_version(root)
    if version is None:
        raise ModelIntegrityError("no current model; train one with `stance train`", root / CURRENT_FILE)
    card = read_card(root, version)
    model_path = _inside(root, version, card.model_file, "model file")
    if not model_path.is_file():
        raise ModelIntegrityError("model file is missing", model_path)
    try:
        data = model_path.read_bytes()
    except OSError as err:
        raise ModelIntegrityError(f"cannot read the model file ({err.strerror})", model_path) from None
    actual = sha256_bytes(data)
    if actual != card.model_sha256:
        raise ModelIntegrityError(
            f"SHA-256 {actual[:12]}... does not match the card's {card.model_sha256[:12]}...; "
            "the file was changed or corrupted, refusing to load it", model_path)
    try:
        return modelfile.load(data), card
    except modelfile.ModelFileError as err:
        raise ModelIntegrityError(str(err), model_path) from None


def training_data(models_dir: str | Path, version: str) -> Path | None:
    """The copy of the annotations ``version`` was trained on, checked against its card's
    hash; None for a version saved without one."""
    root = Path(models_dir)
    card = read_card(root, version)
    if not card.training_data_file:
        return None
    path = _inside(root, version, card.training_data_file, "training data")
    if not path.is_file():
        return None
    if sha256(path) != card.annotations_sha256:
        raise ModelIntegrityError("the training annotations kept with this version do not match its card's hash", path)
    return path


def list_versions(models_dir: str | Path) -> list[tuple[ModelCard, bool]]:
    """Every version's card, oldest first, with whether it is the current one."""
    root = Path(models_dir)
    if not root.is_dir():
        return []
    current = current_version(root)
    return [(read_card(root, folder.name), folder.name == current)
            for folder in sorted(p for p in root.iterdir() if p.is_dir() and _VERSION.fullmatch(p.name))
            if (folder / CARD_FILE).is_file()]


def promote(models_dir: str | Path, version: str, reason: str = "") -> str | None:
    """Make ``version`` current (after verifying it loads); returns the previous version.
    HISTORY is written first and CURRENT last, so an interruption between them leaves a
    history line for a promotion that did not happen, never a current model without one."""
    root = Path(models_dir)
    check_version_name(root, version)
    load_version(root, version)
    with lock(root):
        previous = current_version(root)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        line = f"{stamp}\t{previous or '-'}\t->\t{version}\t{' '.join(reason.split())}\n"
        history = root / HISTORY_FILE
        old = history.read_text(encoding="utf-8") if history.is_file() else ""
        line = _not_applied(old, previous, stamp) + line
        write_atomic(history, lambda tmp: tmp.write_text(old + line, encoding="utf-8"))
        write_text_atomic(root / CURRENT_FILE, version + "\n")
    return previous


def _not_applied(history: str, current: str | None, stamp: str) -> str:
    """A HISTORY line undoing the last one when it names a promotion CURRENT never got (the
    command was stopped between writing the two), so the log's last target is CURRENT."""
    lines = history.splitlines()
    fields = lines[-1].split("\t") if lines else []
    if len(fields) >= 4 and fields[2] == "->" and fields[3] != (current or "-"):
        return f"{stamp}\t{fields[3]}\t->\t{current or '-'}\tnot applied: the promotion above was interrupted\n"
    return ""


def remove_leftovers(models_dir: str | Path) -> list[Path]:
    """Staging folders and temporary files that interrupted commands left in the store (their
    process is gone); those of running commands are kept."""
    root = Path(models_dir)
    if not root.is_dir():
        return []
    with lock(root):
        return remove_stale(root)
