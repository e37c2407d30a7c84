import io

import numpy as np
import pandas as pd
from matplotlib.image import imread

from stance.aggregate import by_actor, by_outlet
from stance.charts import net_stance_chart, share_chart

LABELS = ["advocate", "caution", "neutral"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _records(outlets: int) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = [{"doc_id": f"o{o}-a{a}", "outlet": f"Outlet {o}", "label": LABELS[rng.integers(3)],
             "actors": [f"Actor {rng.integers(12)}"]} for o in range(outlets) for a in range(3) for _ in range(6)]
    return pd.DataFrame(rows)


def _pixels(png: bytes) -> np.ndarray:
    assert png.startswith(PNG_SIGNATURE)
    return imread(io.BytesIO(png), format="png")


def test_share_chart_is_a_png_with_one_bar_per_outlet_and_stays_the_same_bytes():
    table = by_outlet(_records(4), LABELS)
    png = share_chart(table, "outlet", LABELS, "advocate", "caution", "Stance shares by outlet")
    image = _pixels(png)
    assert image.shape[0] > 200 and image.shape[1] > 400
    # the advocate red and caution blue are both drawn
    reds = ((image[..., 0] > 0.6) & (image[..., 1] < 0.3) & (image[..., 2] < 0.3)).sum()
    blues = ((image[..., 2] > 0.55) & (image[..., 0] < 0.3)).sum()
    assert reds > 500 and blues > 500
    assert png == share_chart(table, "outlet", LABELS, "advocate", "caution", "Stance shares by outlet")


def test_charts_grow_with_rows_and_cap_at_max_rows():
    table = by_outlet(_records(20), LABELS)
    full = _pixels(share_chart(table, "outlet", LABELS, "advocate", "caution", "t", max_rows=None))
    capped = _pixels(share_chart(table, "outlet", LABELS, "advocate", "caution", "t", max_rows=5))
    assert full.shape[0] > 2 * capped.shape[0]


def test_net_stance_chart_draws_actors_and_handles_no_actors():
    records = _records(3)
    png = net_stance_chart(by_actor(records, LABELS, min_n=3), "actor", "Net stance by actor")
    assert _pixels(png).shape[0] > 300
    empty = net_stance_chart(by_actor(records.assign(actors=[[]] * len(records)), LABELS), "actor", "none")
    assert _pixels(empty).shape[0] > 50


def test_names_with_dollar_signs_and_tex_are_drawn_as_text():
    records = _records(3)
    names = {"Outlet 0": "$5 News $$", "Outlet 1": r"$\frac{1}{0$ Times", "Outlet 2": "Back\\slash $x^2$"}
    records["outlet"] = records["outlet"].map(names)
    records["actors"] = [[r"$\undefined{x}$"]] * len(records)
    assert share_chart(by_outlet(records, LABELS), "outlet", LABELS, "advocate", "caution", "$ title $").startswith(
        PNG_SIGNATURE)
    assert net_stance_chart(by_actor(records, LABELS), "actor", "$$").startswith(PNG_SIGNATURE)


def test_an_interval_that_misses_its_share_is_drawn_without_failing():
    table = by_outlet(_records(2), LABELS)
    table.loc[0, ["share_advocate_lo", "share_advocate_hi"]] = [table.loc[0, "share_advocate"] + 0.1, 1.2]
    table.loc[1, ["share_caution_lo", "share_caution_hi"]] = [-0.3, table.loc[1, "share_caution"] - 0.05]
    table.loc[1, ["share_advocate_lo", "share_advocate_hi"]] = [float("inf"), float("nan")]
    assert share_chart(table, "outlet", LABELS, "advocate", "caution", "t").startswith(PNG_SIGNATURE)
    actors = by_actor(_records(2), LABELS)
    actors["net_stance_lo"], actors["net_stance_hi"] = actors["net_stance"] + 0.5, 3.0
    assert net_stance_chart(actors, "actor", "t").startswith(PNG_SIGNATURE)


def test_timeline_chart_draws_a_line_per_group_as_png_or_svg():
    import xml.etree.ElementTree as ET

    from stance.charts import timeline_chart

    table = pd.DataFrame({"period": ["2020-03", "2020-04", "2020-03", "2020-04"], "outlet": ["Outlet Alpha"] * 2 + ["Outlet Beta"] * 2,
                          "n": [10, 12, 3, 4], "net_stance": [0.2, -0.1, 0.5, 0.0], "net_stance_lo": [0.0, -0.3, float("nan"), -0.4],
                          "net_stance_hi": [0.4, 0.1, float("nan"), 0.3], "flag": ["", "", "one article", ""]})
    png = timeline_chart(table, "outlet", "Net stance by month", max_groups=1)
    assert png.startswith(b"\x89PNG")
    both = timeline_chart(table, "outlet", "Net stance by month", fmt="svg").decode("utf-8")
    assert ET.fromstring(both).tag.endswith("svg") and "2020-04" in both
    assert "Outlet Alpha" in both and "Outlet Beta" in both
    largest = timeline_chart(table, "outlet", "Net stance by month", max_groups=1, fmt="svg").decode("utf-8")
    assert "Outlet Alpha" in largest and "Outlet Beta" not in largest  # the group with most sentences
    assert timeline_chart(table, "outlet", "t", fmt="svg") == timeline_chart(table, "outlet", "t", fmt="svg")
