"""Comparing runs: rank every run folder under a directory (a sweep's ``multirun/...``
folder, or any folder of run folders) by one metric, with the overrides that made it.

A run is a folder holding ``.hydra/overrides.yaml`` with a ``metrics.json`` in it or below
it (``stance run`` keeps its training metrics in ``train/``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd
import yaml

from .errors import ConfigError, RunFolderError

OVERRIDES = Path(".hydra") / "overrides.yaml"


@dataclass(frozen=True)
class Run:
    """One finished run: where it is, what it measured and how it was configured."""

    name: str                     # the metrics folder, relative to the compared directory
    metrics: dict
    overrides: list[str] | None   # None: the folder has no .hydra/overrides.yaml
    version: str | None           # the model version it stored, if any


@dataclass(frozen=True)
class Ranking:
    """Runs ranked by a metric, plus those that could not be ranked and why."""

    metric: str
    table: pd.DataFrame
    unranked: list[tuple[str, str]]  # (run, reason)
    common: list[str]                # overrides every ranked run shares (the table shows the others)


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise RunFolderError(f"not valid JSON ({err})", path) from None
    if not isinstance(value, dict):
        raise RunFolderError("expected a JSON object", path)
    return value


def _read_overrides(path: Path) -> list[str]:
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise RunFolderError(f"not valid YAML ({' '.join(str(err).split())})", path) from None
    if value is None:
        return []
    if not isinstance(value, list):
        raise RunFolderError("expected a list of overrides", path)
    # the CLI passes the subcommand as `command=NAME`; it is not a setting of the run
    return [str(item) for item in value if not str(item).startswith("command=")]


def _run_folder(metrics_dir: Path, root: Path) -> Path | None:
    """The nearest folder at or above ``metrics_dir`` (up to ``root``) with Hydra's record."""
    for folder in (metrics_dir, *metrics_dir.parents):
        if (folder / OVERRIDES).is_file():
            return folder
        if folder == root:
            break
    return None


def _relative(path: Path, root: Path) -> str:
    name = str(path.relative_to(root))
    return "." if name == "." else name


def find_runs(root: str | Path) -> tuple[list[Run], list[str]]:
    """Every run under ``root`` with its metrics, and the run folders that have no
    metrics.json (a sweep job that failed or is still running)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: no such folder to compare; pass a sweep's folder, e.g. "
                          "`stance compare multirun/train/DATE/TIME`")
    runs, with_metrics = [], set()
    for metrics_path in sorted(root.rglob("metrics.json")):
        folder = _run_folder(metrics_path.parent, root)
        card = metrics_path.parent / "model_card.json"
        runs.append(Run(name=_relative(metrics_path.parent, root), metrics=_read_json(metrics_path),
                        overrides=_read_overrides(folder / OVERRIDES) if folder else None,
                        version=_read_json(card).get("version") if card.is_file() else None))
        if folder:
            with_metrics.add(folder)
    without = sorted(_relative(p.parent.parent, root) for p in root.rglob(str(OVERRIDES))
                     if p.parent.parent not in with_metrics)
    return runs, without


def metric_value(metrics: dict, key: str) -> float | None:
    """A figure from metrics.json by dotted key (``macro_f1``, ``cv.f_avg``,
    ``per_label.caution.f1``); None when the run has no such number."""
    value: object = metrics
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _shared(overrides: Sequence[list[str]]) -> list[str]:
    """The overrides that every one of several runs was started with."""
    if len(overrides) < 2:
        return []
    return [o for o in overrides[0] if all(o in other for other in overrides[1:])]


def rank_runs(runs: Sequence[Run], metric: str, without_metrics: Sequence[str] = ()) -> Ranking:
    """Runs with ``metric`` ranked best (highest) first; equal figures share a rank.
    The ``varying`` column holds each run's overrides minus those all ranked runs share."""
    unranked = [(name, "no metrics.json (failed or unfinished)") for name in without_metrics]
    unranked += [(run.name, f"metrics.json has no number at {metric!r}") for run in runs
                 if metric_value(run.metrics, metric) is None]
    ranked = [run for run in runs if metric_value(run.metrics, metric) is not None]
    common = _shared([run.overrides for run in ranked if run.overrides is not None])
    rows = []
    for run in ranked:
        fold = run.metrics.get("fold_macro_f1") or {}
        known = run.overrides is not None
        rows.append({metric: metric_value(run.metrics, metric),
                     "macro_f1": metric_value(run.metrics, "macro_f1"),
                     "fold_mean": fold.get("mean"), "fold_std": fold.get("std"),
                     "protocol": run.metrics.get("protocol"),
                     "n": run.metrics.get("n"),
                     "overrides": " ".join(run.overrides) if known else "(unknown)",
                     "varying": " ".join(o for o in run.overrides if o not in common) if known else "(unknown)",
                     "version": run.version, "run": run.name})
    columns = list(dict.fromkeys([metric, "macro_f1", "fold_mean", "fold_std", "protocol", "n", "overrides",
                                  "varying", "version", "run"]))
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values([metric, "run"], ascending=[False, True], kind="stable").reset_index(drop=True)
    table.insert(0, "rank", table[metric].rank(method="min", ascending=False).astype(int))
    return Ranking(metric=metric, table=table, unranked=unranked, common=common)


def _aligned(view: pd.DataFrame, left: Sequence[str]) -> str:
    """A text table: the ``left`` columns flush left, the others (numbers) flush right."""
    cells = [[str(name) for name in view.columns]] + [[str(v) for v in row] for row in view.itertuples(index=False)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(view.columns))]
    return "\n".join("  ".join(cell.ljust(width) if name in left else cell.rjust(width)
                               for cell, width, name in zip(row, widths, view.columns)).rstrip() for row in cells)


def numeric_keys(metrics: dict, prefix: str = "") -> list[str]:
    """Every dotted key of a metrics.json that holds a number (what ``compare.metric`` may name)."""
    keys = []
    for key, value in metrics.items():
        if isinstance(value, dict):
            keys += numeric_keys(value, f"{prefix}{key}.")
        elif metric_value({key: value}, key) is not None:
            keys.append(f"{prefix}{key}")
    return keys


def format_ranking(ranking: Ranking) -> str:
    """The ranking as an aligned text table, then the runs that could not be ranked."""
    table = ranking.table
    if table.empty:
        lines = [f"No run has {ranking.metric!r} to rank by."]
    else:
        view = pd.DataFrame({"rank": table["rank"], ranking.metric: table[ranking.metric].map("{:.4f}".format)})
        if ranking.metric != "macro_f1" and table["macro_f1"].notna().any():
            view["macro_f1"] = table["macro_f1"].map(lambda v: "-" if pd.isna(v) else f"{v:.4f}")
        if table["fold_mean"].notna().any():
            view["per fold"] = [f"{m:.3f} +/- {s:.3f}" if pd.notna(m) else "-"
                                for m, s in zip(table["fold_mean"], table["fold_std"])]
        if table["protocol"].nunique() > 1:  # figures from different protocols are not like for like
            view["protocol"] = table["protocol"]
        view["overrides"] = table["varying"].replace("", "(defaults)")
        view["run"] = table["run"]
        lines = [f"Runs ranked by {ranking.metric} (best first):", _aligned(view, left=("protocol", "overrides", "run"))]
        if ranking.common:
            lines.append(f"Every run also had: {' '.join(ranking.common)}")
    if ranking.unranked:
        lines.append("Not ranked: " + "; ".join(f"{name}: {reason}" for name, reason in ranking.unranked))
    return "\n".join(lines)
