"""The edge between Hydra and the stages: turn a composed config into plain values.

Only the CLI and the command functions call this module; no stage sees a DictConfig.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from .actors import Cues, HolderFinder, load_gazetteer
from .clean import CleanOptions, clean_options
from .segment import make_segmenter

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "conf"

if not OmegaConf.has_resolver("project"):
    # ${project:data/corpus} -> an absolute path inside the project checkout
    OmegaConf.register_new_resolver("project", lambda relative="": str(PROJECT_ROOT / relative))


def plain(node: Any) -> Any:
    """A config node as plain Python containers."""
    if isinstance(node, DictConfig) or OmegaConf.is_list(node):
        return OmegaConf.to_container(node, resolve=True)
    return node


def user_path(value: str | None) -> Path | None:
    """A path the user gave, resolved against the directory they launched from."""
    if value in (None, ""):
        return None
    path = Path(str(value)).expanduser()
    if path.is_absolute():
        return path
    try:
        from hydra.utils import to_absolute_path

        return Path(to_absolute_path(str(path)))
    except ValueError:  # no Hydra app running (tests compose configs directly)
        return path.resolve()


def cleaning(cfg: DictConfig) -> CleanOptions:
    """Cleaning options from ``cfg.clean``."""
    return clean_options(**plain(cfg.clean))


def tokenizer(cfg: DictConfig):
    """The Punkt tokenizer from ``cfg.segment``."""
    return make_segmenter(plain(cfg.segment.abbreviations), bool(cfg.segment.get("merge_fragments", True)),
                          plain(cfg.segment.get("attribution_verbs") or []))


def holder_finder(cfg: DictConfig) -> HolderFinder:
    """The gazetteer at ``cfg.actors.path`` with the configured cues."""
    actors = load_gazetteer(user_path(cfg.actors.path))
    cues = Cues(tuple(plain(cfg.actors.verbs)), int(cfg.actors.window), bool(cfg.actors.resolve_pronouns),
                bool(cfg.actors.resolve_titles), bool(cfg.actors.report_candidates))
    return HolderFinder(actors, cues)
