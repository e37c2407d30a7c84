"""Reporting: aligned terminal tables and CSV files written atomically."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Mapping

import pandas as pd

from .aggregate import group_columns
from .files import spreadsheet_safe, write_atomic, write_text_atomic
from .intervals import Bootstrap
from .quantify import Quantifier

TITLES = {
    "by_outlet": "Stance by outlet",
    "by_actor": "Stance by actor (holders)",
    "actor_by_outlet": "Stance by actor x outlet",
}


def describe_method(quantifier: Quantifier, bootstrap: Bootstrap) -> str:
    """How the shares and intervals were computed, in one line for titles and captions."""
    in_sample = "" if quantifier.method == "cc" or quantifier.correct_in_sample else "; in-sample sentences as labelled"
    return (f"{quantifier.name}{in_sample}; {bootstrap.confidence:.0%} intervals from {bootstrap.n} "
            f"article resamples")


def share_with_interval(value: float, low: float, high: float) -> str:
    """``38% [20-55]``; a share without an interval (one article) is just ``38%``."""
    if math.isnan(low):
        return f"{value:.0%}"
    return f"{value:.0%} [{low * 100:.0f}-{high * 100:.0f}]"


def net_with_interval(value: float, low: float, high: float) -> str:
    """``+0.43 [+0.20, +1.00]``, or ``+0.43`` without an interval."""
    if math.isnan(low):
        return f"{value:+.2f}"
    return f"{value:+.2f} [{low:+.2f}, {high:+.2f}]"


def terminal_view(table: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """The columns a person reads: groups, n, articles, shares and net stance with intervals, flag."""
    view = table[group_columns(table)].copy()
    view["n"] = table["n"]
    view["articles"] = table["n_articles"]
    for label in labels:
        view[label] = [share_with_interval(*v) for v in
                       table[[f"share_{label}", f"share_{label}_lo", f"share_{label}_hi"]].astype(float).itertuples(index=False)]
    view["net stance"] = [net_with_interval(*v) for v in
                          table[["net_stance", "net_stance_lo", "net_stance_hi"]].astype(float).itertuples(index=False)]
    view["flag"] = table["flag"]
    return view


def format_table(table: pd.DataFrame, title: str, max_rows: int | None = None) -> str:
    """A titled, aligned text table: shares as percentages with their intervals, thin rows flagged."""
    if table.empty:
        return f"{title}\n  (no rows)\n"
    labels = [c[len("share_"):] for c in table.columns if c.startswith("share_") and not c.endswith(("_lo", "_hi"))]
    shown = terminal_view(table, labels)
    if max_rows is not None and len(shown) > max_rows:
        shown = shown.head(max_rows)
        title = f"{title} (first {max_rows} of {len(table)} rows)"
    return f"{title}\n{shown.to_string(index=False)}\n"


def format_tables(tables: Mapping[str, pd.DataFrame], method: str = "", max_rows: int | None = None) -> str:
    """All tables, one after the other, as the terminal shows them; ``method`` (from
    :func:`describe_method`) is named in every title."""
    suffix = f" - {method}" if method else ""
    return "\n".join(format_table(t, TITLES.get(name, name) + suffix, max_rows) for name, t in tables.items())


def write_csv(path: Path, table: pd.DataFrame) -> Path:
    """Write a table as CSV atomically (a missing interval is an empty cell; text cells a
    spreadsheet would run as a formula start with an apostrophe)."""
    safe = table.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_safe)
    return write_atomic(path, lambda tmp: safe.to_csv(tmp, index=False, float_format="%.4f"))


def write_tables(out_dir: str | Path, tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write each table to ``<out_dir>/<name>.csv``."""
    return [write_csv(Path(out_dir) / f"{name}.csv", table) for name, table in tables.items()]

