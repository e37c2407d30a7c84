"""`stance agreement`: Cohen's kappa and holder agreement between two annotation files."""

from __future__ import annotations

from pathlib import Path

from ..agreement import agreement as compute
from ..annotations import load_annotations
from ..errors import ConfigError
from ..files import write_json
from ..settings import Settings, shown_path
from .common import say


def agreement(settings: Settings, out_dir: Path) -> dict:
    first_path, second_path = settings.agreement.first, settings.agreement.second
    if first_path is None or second_path is None:
        raise ConfigError("config: agreement.first and agreement.second must both name annotation files")
    first = load_annotations(first_path, settings.labels)
    second = load_annotations(second_path, settings.labels)
    try:
        result = compute(first, second)
    except ValueError as err:
        raise ConfigError(f"{second_path}: {err} with {first_path}") from None
    say(f"{result.n} sentences in both files: Cohen's kappa {result.kappa:.3f}, label agreement "
        f"{result.label_agreement:.1%}, holder sets identical {result.holder_agreement:.1%}")
    for a, b in result.label_disagreements:
        say(f"  label  {a.id}: {a.label} vs {b.label} | {a.text[:90]}")
    for a, b in result.holder_disagreements:
        say(f"  actors {a.id}: {list(a.actors)} vs {list(b.actors)}")
    summary = {"n": result.n, "kappa": result.kappa, "label_agreement": result.label_agreement,
               "holder_agreement": result.holder_agreement, "first": shown_path(first_path),
               "second": shown_path(second_path)}
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "agreement.json", summary)
    return summary
