"""The model store: every trained model is a version folder under ``models/`` with its
card; ``models/CURRENT`` names the version in use. Loading checks the file's SHA-256
against the card; promotion rewrites ``CURRENT`` atomically and is logged, so it can be undone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import joblib

from .atomic import write_atomic, write_text_atomic
from .errors import ModelIntegrityError

MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
CURRENT_FILE = "CURRENT"
HISTORY_FILE = "HISTORY"


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_version(models_dir: str | Path, pipeline: object, card: dict, created: datetime | None = None) -> str:
    """Save a fitted pipeline and its card as a new version; returns the version name.

    The version folder is assembled under a temporary name and renamed into place, so an
    interrupted save leaves no half-written version behind.
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
        (staging / CARD_FILE).write_text(json.dumps(full_card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        target = root / version
        if target.exists():
            shutil.rmtree(staging)
            return version
        os.replace(staging, target)
        return version
    finally:
        if staging.exists():
            shutil.rmtree(staging)


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
    previous = current_version(root)
    write_text_atomic(root / CURRENT_FILE, version + "\n")
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    line = f"{stamp}\t{previous or '-'}\t->\t{version}\t{reason}\n"
    history = root / HISTORY_FILE
    old = history.read_text(encoding="utf-8") if history.is_file() else ""
    write_atomic(history, lambda tmp: tmp.write_text(old + line, encoding="utf-8"))
    return previous
