"""`stance run`: the main job. Label the corpus with the named or current model and print
and write the tables; only an empty store trains (and promotes) a model first."""

from __future__ import annotations

from pathlib import Path

from .. import store
from ..files import sha256
from ..settings import Settings
from .common import say
from .predict import predict
from .train import train


def run(settings: Settings, out_dir: Path) -> dict:
    """A stale model is reported, never silently replaced: promotion is explicit."""
    models_dir = settings.store.dir
    version = settings.store.version or store.current_version(models_dir)
    if version is None:
        say(f"No model in {models_dir} yet: training one first.")
        version = train(settings, out_dir / "train")["version"]
    elif not settings.store.version:
        card = store.read_card(models_dir, version)
        annotations = settings.annotations.path
        same_data = annotations is not None and annotations.is_file() and sha256(annotations) == card.annotations_sha256
        if not (same_data and card.same_setup(settings.model_config())):
            say(f"Note: the current model {version} was trained on other annotations or settings than this "
                "run names; it is used as it is. `stance retrain` trains and compares a new one, "
                "`stance promote VERSION` switches.")
    return predict(settings, out_dir, version)
