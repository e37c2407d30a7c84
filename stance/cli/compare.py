"""`stance compare DIR`: rank the runs of a sweep (or any folder of runs) by a metric."""

from __future__ import annotations

from pathlib import Path

from ..compare import Ranking, find_runs, format_ranking, numeric_keys, rank_runs
from ..errors import ConfigError, RunFolderError
from ..files import spreadsheet_safe, write_atomic
from ..settings import Settings
from .common import say

COMPARISON_FILE = "comparison.csv"


def compare(settings: Settings, out_dir: Path) -> Ranking:
    """Print the ranking and write it as comparison.csv in this run's folder."""
    root = settings.compare.dir
    if root is None:
        raise ConfigError("name the folder to compare: `stance compare multirun/train/DATE/TIME`")
    runs, without_metrics = find_runs(root)
    own = out_dir.resolve()
    without_metrics = [name for name in without_metrics if (root.resolve() / name).resolve() != own]
    if not runs and not without_metrics:
        raise RunFolderError("no run folders here (none holds metrics.json or .hydra/overrides.yaml)", root)
    metric = settings.compare.metric
    ranking = rank_runs(runs, metric, without_metrics)
    if runs and ranking.table.empty:
        top = [key for key in numeric_keys(runs[0].metrics) if key.count(".") <= 1][:12]
        raise ConfigError(f"no run has a number at compare.metric={metric}; {runs[0].name}/metrics.json has "
                          f"{', '.join(top)} ...")
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = ranking.table.map(spreadsheet_safe)  # an override like +experiment=... is not a formula
    write_atomic(out_dir / COMPARISON_FILE, lambda tmp: safe.to_csv(tmp, index=False))
    say(format_ranking(ranking))
    say(f"Written to {out_dir / COMPARISON_FILE}")
    return ranking
