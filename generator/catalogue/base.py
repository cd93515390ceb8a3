"""What a named chart or table is: the figures it shows and how it looks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

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
    ``units`` maps each numeric column to a ``values.KINDS`` kind.
    """

    name: str
    title: str
    frame: Callable[..., pd.DataFrame]
    sources: tuple[str, ...]
    chart: ChartStyle | None = None
    summary: Callable[[pd.DataFrame], str] | None = None
    description: str = ""
    units: dict[str, str] = field(default_factory=dict)
    #: Model estimates (forecasts, projections), not counts of children: not suppressed.
    modelled: bool = False
