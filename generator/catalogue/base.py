"""What a named chart or table is: the figures it shows and how it looks."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class ChartStyle:
    """How an output is drawn. Columns named here must be in the output's frame."""

    mark: str  # "bar", "grouped_bar", "stacked_bar", "line"
    x: str
    y: str
    colour: str | None = None
    x_title: str | None = None
    y_title: str | None = None
    horizontal: bool = False


@dataclass(frozen=True)
class Output:
    """A named chart or table.

    ``frame(view)`` returns exactly the figures shown, with reader-facing
    column names; nothing else goes into the chart spec or the CSV download.
    ``units`` maps each numeric column to a ``values.KINDS`` kind. A frame may
    list in ``frame.attrs["modelled_cells"]`` the (row position, column) cells
    that are a simulation model's estimates, not counts: disclosure control
    leaves those as they are and masks every other cell that depends on a
    withheld count.
    """

    name: str
    title: str
    frame: Callable[..., pd.DataFrame]
    sources: tuple[str, ...]
    chart: ChartStyle | None = None
    summary: Callable[[pd.DataFrame], str] | None = None
    description: str = ""
    units: dict[str, str] = field(default_factory=dict)
    #: Where the figures come from, in words, when not from the data contract's tables (a declared table).
    source: str = ""
    #: Commercially sensitive as a whole (a declared table's ``sensitive: true``), whatever its sources.
    sensitive: bool = False


def round_figure(value, decimals: int = 0):
    """A figure rounded as the page shows it (None when missing), so a CSV matches its page."""
    if value is None or pd.isna(value):
        return None
    return int(round(float(value))) if decimals == 0 else round(float(value), decimals)


def frame_from_rows(rows: list, columns: list[str]) -> pd.DataFrame:
    """A frame from rows; float columns holding only whole numbers become integers (only float columns are
    read: the others' types say so, issue 14)."""
    frame = pd.DataFrame(rows, columns=columns)
    for column, dtype in zip(frame.columns, frame.dtypes):
        if not pd.api.types.is_float_dtype(dtype):
            continue
        values = frame[column]
        if values.notna().all() and (values % 1 == 0).all():
            frame[column] = values.astype("int64")
    return frame
