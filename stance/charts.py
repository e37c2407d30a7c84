"""Charts of the stance tables as PNG or SVG bytes (matplotlib, headless).

Three charts: stance shares per outlet as stacked bars, net stance per actor as dots with
their intervals, and net stance over time as lines. All draw the intervals and mark thin rows,
so a chart never looks surer than its table. Names come from the data, so every text is drawn
as plain text (a ``$`` in an outlet's name is not maths), and an interval is drawn where it
lies even when it does not contain the point estimate (a bootstrap interval may not), so valid
data never fails. Figures are built with matplotlib's object API and the Agg canvas, so no
display and no global pyplot state are needed; metadata (and SVG ids) are fixed so the same
table gives the same bytes.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Sequence

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLUS_COLOR, MINUS_COLOR, FLAG_COLOR = "#b2363b", "#2f6aa8", "#8a8a8a"
OTHER_COLORS = ("#c9c9c9", "#e0d9b8", "#b8d0c2", "#d8c0d8")


def _plain(text: object) -> str:
    """Text matplotlib draws as it is: every ``$`` escaped, so no name is parsed as maths."""
    return str(text).replace("$", r"\$")


FORMATS = ("png", "svg")


def _figure(*args, **kwargs) -> "Figure":
    """A matplotlib figure; matplotlib (about 30 MiB) is imported when the first chart is
    drawn, so labelling a corpus runs without it."""
    from matplotlib.figure import Figure as MatplotlibFigure

    return MatplotlibFigure(*args, **kwargs)


def _png(figure: "Figure", fmt: str = "png") -> bytes:
    """The figure as PNG (raster, for the page) or SVG (vector, for print and editing)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # a name in a script the font lacks is drawn as boxes, not reported per glyph
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        if fmt == "svg":
            with rc_context({"svg.hashsalt": "stance", "svg.fonttype": "none"}):
                figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
        else:
            figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _largest(table: pd.DataFrame, max_rows: int | None) -> tuple[pd.DataFrame, str]:
    """The ``max_rows`` rows with the most sentences, in the table's order, and a caption note."""
    if max_rows is None or len(table) <= max_rows:
        return table, ""
    kept = table.loc[table["n"].nlargest(max_rows).index.sort_values()]
    return kept, f" ({max_rows} of {len(table)} rows, those with most sentences)"


def _empty(title: str, message: str, fmt: str = "png") -> bytes:
    figure = _figure(figsize=(7, 1.6))
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title(_plain(title), loc="left", fontsize=11)
    axes.text(0.5, 0.4, _plain(message), ha="center", va="center", color=FLAG_COLOR)
    return _png(figure, fmt)


def _row_label(name: str, n: int, n_articles: int, flag: str) -> str:
    articles = "1 article" if n_articles == 1 else f"{n_articles} articles"
    return _plain(f"{name}\nn={n}, {articles}" + (f"  [{flag}]" if flag else ""))


def _order(labels: Sequence[str], plus: str, minus: str) -> list[str]:
    """Stack order: plus on the left, minus on the right, the rest between."""
    middle = [label for label in labels if label not in (plus, minus)]
    return [label for label in (plus, *middle, minus) if label in labels]


def share_chart(table: pd.DataFrame, group_column: str, labels: Sequence[str], plus: str, minus: str,
                title: str, max_rows: int | None = 30, fmt: str = "png") -> bytes:
    """Stacked horizontal bars of each group's stance shares; whiskers show the intervals of
    the ``plus`` share (at its right edge) and of the ``minus`` share (at its left edge)."""
    if table.empty:
        return _empty(title, "no rows", fmt)
    table, note = _largest(table, max_rows)
    order = _order(labels, plus, minus)
    colors, others = {}, iter(OTHER_COLORS * len(order))
    for label in order:
        colors[label] = PLUS_COLOR if label == plus else MINUS_COLOR if label == minus else next(others)
    rows = table.to_dict("records")
    figure = _figure(figsize=(8.5, 1.1 + 0.62 * len(rows)))
    axes = figure.add_subplot()
    y = list(range(len(rows)))[::-1]  # first row on top
    left = [0.0] * len(rows)
    for label in order:
        shares = table[f"share_{label}"].astype(float).tolist()
        axes.barh(y, shares, left=left, color=colors[label], label=_plain(label), height=0.62, edgecolor="white")
        for yi, start, share in zip(y, left, shares):
            if share >= 0.07:
                axes.text(start + share / 2, yi, f"{share:.0%}", ha="center", va="center", fontsize=8,
                          color="white" if label in (plus, minus) else "black")
        left = [a + b for a, b in zip(left, shares)]
    for label, edge in ((plus, lambda v: v), (minus, lambda v: 1 - v)):
        if label not in order:
            continue
        for yi, row in zip(y, rows):
            low, high = (float(row[f"share_{label}{end}"]) for end in ("_lo", "_hi"))
            if not (math.isfinite(low) and math.isfinite(high)):
                continue
            # drawn from its own middle, so it shows where it lies even if it misses the share
            ends = sorted(min(max(edge(v), 0.0), 1.0) for v in (low, high))
            axes.errorbar((ends[0] + ends[1]) / 2, yi, xerr=[[(ends[1] - ends[0]) / 2]] * 2,
                          fmt="none", ecolor="black", elinewidth=1.2, capsize=3)
    axes.set_yticks(y, [_row_label(str(r[group_column]), r["n"], r["n_articles"], r["flag"]) for r in rows], fontsize=8)
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    axes.set_xlabel("share of sentences")
    axes.set_title(_plain(title + note), loc="left", fontsize=10, pad=24)
    axes.legend(ncols=len(order), loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, fmt)


def net_stance_chart(table: pd.DataFrame, group_column: str, title: str, plus: str = "advocate",
                     minus: str = "caution", max_rows: int | None = 30, fmt: str = "png") -> bytes:
    """One dot per group at its net stance with a line across its interval; flagged rows
    are drawn hollow and grey, groups without an interval (one article) as a lone dot."""
    if table.empty:
        return _empty(title, "no stance holders found", fmt)
    table, note = _largest(table, max_rows)
    rows = table.to_dict("records")
    figure = _figure(figsize=(8.5, 1.3 + 0.42 * len(rows)))
    axes = figure.add_subplot()
    y = list(range(len(rows)))[::-1]
    axes.axvline(0, color=FLAG_COLOR, linewidth=0.8, zorder=0)
    for yi, row in zip(y, rows):
        value, low, high = float(row["net_stance"]), float(row["net_stance_lo"]), float(row["net_stance_hi"])
        color = FLAG_COLOR if row["flag"] else (PLUS_COLOR if value > 0 else MINUS_COLOR if value < 0 else "black")
        if math.isfinite(low) and math.isfinite(high):
            axes.plot([max(low, -1.05), min(high, 1.05)], [yi, yi], color=color, linewidth=2, solid_capstyle="butt")
        axes.plot([value], [yi], "o", markersize=7, color=color, markerfacecolor="white" if row["flag"] else color)
    axes.set_yticks(y, [_row_label(str(r[group_column]), r["n"], r["n_articles"], r["flag"]) for r in rows], fontsize=8)
    axes.set_xlim(-1.05, 1.05)
    axes.set_xlabel(_plain(f"net stance: share {plus} - share {minus}   (<- {minus}   {plus} ->)"))
    axes.set_title(_plain(title + note), loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#eeeeee")
    return _png(figure, fmt)


LINE_COLORS = ("#b2363b", "#2f6aa8", "#3a8a4f", "#8a5aa8", "#c27a1a", "#4a4a4a", "#1a8a8a", "#a8456f")


def timeline_chart(table: pd.DataFrame, group_column: str | None, title: str, plus: str = "advocate",
                   minus: str = "caution", max_groups: int = 6, fmt: str = "png") -> bytes:
    """Net stance per period as a line per group (the ``max_groups`` groups with most
    sentences; one line for all coverage when ``group_column`` is None), intervals as bands;
    flagged points are hollow."""
    if table.empty:
        return _empty(title, "no dated sentences", fmt)
    periods = sorted(table["period"].unique())
    position = {period: i for i, period in enumerate(periods)}
    if group_column is None:
        groups, note = [("all coverage", table)], ""
    else:
        sizes = table.groupby(group_column)["n"].sum().sort_values(ascending=False, kind="stable")
        kept = list(sizes.index[:max_groups])
        groups = [(str(name), table[table[group_column] == name]) for name in kept]
        note = f" ({len(kept)} of {len(sizes)} with most sentences)" if len(sizes) > len(kept) else ""
    figure = _figure(figsize=(9, 4.2))
    axes = figure.add_subplot()
    axes.axhline(0, color=FLAG_COLOR, linewidth=0.8, zorder=0)
    for (name, rows), color in zip(groups, LINE_COLORS * (1 + len(groups) // len(LINE_COLORS))):
        rows = rows.sort_values("period")
        x = [position[p] for p in rows["period"]]
        axes.plot(x, rows["net_stance"].astype(float), "-", color=color, linewidth=1.5, label=_plain(name))
        low, high = rows["net_stance_lo"].astype(float), rows["net_stance_hi"].astype(float)
        axes.fill_between(x, low, high, color=color, alpha=0.12, linewidth=0)
        flagged = rows["flag"].astype(bool).tolist()
        for xi, value, thin in zip(x, rows["net_stance"].astype(float), flagged):
            axes.plot([xi], [value], "o", markersize=5, color=color, markerfacecolor="white" if thin else color)
    step = max(1, len(periods) // 12)
    axes.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, ha="right", fontsize=8)
    axes.set_ylim(-1.05, 1.05)
    axes.set_ylabel(f"net stance ({plus} - {minus})")
    axes.set_title(_plain(title + note), loc="left", fontsize=10)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, fmt)
