"""generator.frames reads a frame's rows as pandas does, cell for cell and type for type (issue 14): tables,
CSV downloads and summaries are written from them, so any difference would change a published byte."""
import math

import numpy as np
import pandas as pd

from generator.frames import columns, records, rows, where
from generator.values import Figure


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a is b or a == b


def _every_kind() -> pd.DataFrame:
    frame = pd.DataFrame({
        "label": ["a", "b", None],
        "count": np.array([1, 2, 3], dtype="int64"),
        "share": [0.5, float("nan"), 1.25],
        "maybe": pd.array([4, None, 6], dtype="Int64"),
        "figure": pd.Series([Figure(3, "count"), np.int64(7), np.float64(2.5)], dtype=object),
        "flag": [True, False, True],
        "band": pd.Categorical(["0 to 4", "5 to 9", "0 to 4"]),
        "date": pd.to_datetime(["2025-03-31", None, "2024-03-31"]),
        "maybe_flag": pd.array([True, None, False], dtype="boolean"),
    })
    frame.attrs["units"] = {"count": "count"}
    return frame


def test_rows_are_itertuples_cell_for_cell():
    frame = _every_kind()
    assert _same(rows(frame), list(frame.itertuples(index=False, name=None)))
    assert _same(rows(frame.iloc[:0]), [])
    assert rows(pd.DataFrame(index=range(2))) == list(pd.DataFrame(index=range(2)).itertuples(index=False, name=None))


def test_records_are_to_dict_records_cell_for_cell():
    frame = _every_kind()
    assert _same(records(frame), frame.to_dict("records"))
    numbers = frame[["count", "share"]]  # no column of objects: nothing boxed
    assert _same(records(numbers), numbers.to_dict("records"))
    assert records(frame.iloc[:0]) == []


def test_where_is_the_filtered_frames_columns():
    frame = pd.DataFrame({"breakdown": ["total", "age_band", None, "age_band"],
                          "category": ["all", "under_1", "x", "age_1_to_4"], "children": [60, 12.0, 3, None]})
    rows = frame[frame["breakdown"] == "age_band"]
    assert _same(where(frame, "breakdown", "age_band", "category", "children"),
                 list(zip(rows["category"], rows["children"])))
    assert where(frame, "breakdown", "nothing", "category") == []
    assert _same(columns(frame), {name: list(frame[name]) for name in frame.columns})
