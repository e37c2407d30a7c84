"""Reporting: aligned terminal tables and CSV files written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

import pandas as pd

from .atomic import write_atomic, write_text_atomic

_TITLES = {
    "by_outlet": "Stance by outlet",
    "by_actor": "Stance by actor (holders)",
    "actor_by_outlet": "Stance by actor x outlet",
}


def format_table(table: pd.DataFrame, title: str, min_n: int = 0, max_rows: int | None = None) -> str:
    """A titled, aligned text table; shares as percentages, rows below ``min_n`` flagged."""
    if table.empty:
        return f"{title}\n  (no rows)\n"
    shown = table.copy()
    for column in shown.columns:
        if column.startswith("share_"):
            shown[column] = (shown[column] * 100).map(lambda v: f"{v:.0f}%")
    if "net_stance" in shown:
        shown["net_stance"] = shown["net_stance"].map(lambda v: f"{v:+.2f}")
    if min_n and "n" in shown:
        shown["note"] = ["few" if n < min_n else "" for n in table["n"]]
    shown.columns = [c.replace("share_", "%") for c in shown.columns]
    if max_rows is not None and len(shown) > max_rows:
        shown = shown.head(max_rows)
        title = f"{title} (first {max_rows} of {len(table)} rows)"
    body = shown.to_string(index=False)
    return f"{title}\n{body}\n"


def format_tables(tables: Mapping[str, pd.DataFrame], min_n: int = 0, max_rows: int | None = None) -> str:
    """All tables, one after the other, as the terminal shows them."""
    return "\n".join(format_table(t, _TITLES.get(name, name), min_n, max_rows) for name, t in tables.items())


def write_csv(path: Path, table: pd.DataFrame) -> Path:
    """Write a table as CSV atomically."""
    return write_atomic(path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.4f"))


def write_tables(out_dir: str | Path, tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write each table to ``<out_dir>/<name>.csv``."""
    return [write_csv(Path(out_dir) / f"{name}.csv", table) for name, table in tables.items()]


def write_json(path: str | Path, payload: object) -> Path:
    """Write JSON (sorted keys, indented) atomically."""
    return write_text_atomic(path, json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
