"""`stance models`: every stored version with its setup, data and protocol figures."""

from __future__ import annotations

from pathlib import Path

from .. import store
from ..card import ModelCard
from ..settings import Settings
from .common import say


def describe_setup(card: ModelCard) -> str:
    """Features and model settings in a few words: ``word 1-2 + char_wb 2-5 + cues, C=1, balanced``."""
    features = card.config.get("features", {})
    parts = []
    for name in ("word", "char"):
        block = features.get(name) or {}
        if block.get("enabled"):
            low, high = block.get("ngram_range", ["?", "?"])
            parts.append(f"{block.get('analyzer', name)} {low}-{high}")
    for name, block in features.items():
        if name not in ("word", "char") and isinstance(block, dict) and block.get("enabled"):
            parts.append(name)
    model = card.config.get("model", {})
    return f"{' + '.join(parts) or '?'}, C={model.get('C', '?')}, {model.get('class_weight') or 'unweighted'}"


def models(settings: Settings, out_dir: Path) -> list[ModelCard]:
    versions = store.list_versions(settings.store.dir)
    if not versions:
        say(f"No models in {settings.store.dir}")
    for card, current in versions:
        data = card.annotations
        f1 = f"{card.macro_f1:.3f}" if card.macro_f1 is not None else "  -  "
        say(f"{'*' if current else ' '} {card.version}  {card.protocol:<24} macro-F1 {f1}  "
            f"n={data.n_sentences} ({data.n_articles} articles)  data {data.annotations} {data.annotations_sha256[:10]}")
        say(f"    setup: {describe_setup(card)}; seed {card.config.get('seed', '?')}"
            + (f"; corpus {card.corpus}" if card.corpus else ""))
        if card.comparison:  # `stance retrain`: the same folds for both, unlike two cards' own figures
            versus = card.comparison
            say(f"    retrained: same-fold macro-F1 {versus.candidate_macro_f1:.3f} vs {versus.current_macro_f1:.3f} "
                f"of {versus.against} ({versus.difference['macro_f1']:+.3f})")
    return [card for card, _ in versions]
