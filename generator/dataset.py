"""The loaded data: every year's tables and the reference tables.

``Dataset.view(year)`` is what every later stage sees for one statement year:
that year's tables and earlier years', never later ones, so a statement
rebuilds the same whatever years are added after it.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import pandas as pd

from .config import Authority
from .contract import PERIOD_TABLES

#: Reference tables whose future rows a year may use (projections of population).
FORWARD_LOOKING_REFERENCE = ("population",)


@dataclass
class YearView:
    year: int
    tables: dict[str, pd.DataFrame]
    history: dict[int, dict[str, pd.DataFrame]]
    reference: dict[str, pd.DataFrame]
    authority: Authority
    #: This year's declared tables (``declared.Declared`` by name): tables beyond the contract, each with its schema.
    declared: dict = field(default_factory=dict)

    def table(self, name: str, year: int | None = None) -> pd.DataFrame | None:
        """A year's table (this year's by default), or None if that year lacks it.

        Only rows for the whole year: a flow table's rows for a quarter or part of the year (its ``period``
        column, issue 10) are read with ``part_year``, so no measure of the year ever adds them in."""
        frame = self._raw(name, year)
        return whole_year(frame) if name in PERIOD_TABLES else frame

    def part_year(self, name: str, year: int | None = None) -> pd.DataFrame | None:
        """A year's rows for quarters and part years (a non-blank ``period``), or None if there are none."""
        frame = self._raw(name, year)
        if frame is None or name not in PERIOD_TABLES or "period" not in frame.columns:
            return None
        rows = frame[frame["period"].notna()]
        return rows if len(rows) else None

    def _raw(self, name: str, year: int | None) -> pd.DataFrame | None:
        if year is None:
            year = self.year
        if year > self.year:
            raise ValueError(f"the {self.year} statement cannot use {year} data")
        return self.history.get(year, {}).get(name)

    @property
    def years(self) -> list[int]:
        """Years with data, up to and including this one, oldest first."""
        return sorted(self.history)

    def earlier(self, year: int) -> YearView | None:
        """The view of an earlier year of data, as that year's own statement sees it (its tables and the years
        before it, reference rows up to it), or None when there is no data for that year. A perturbed copy's
        earlier view is the copy that year's statement is protected with: each year is perturbed on its own."""
        if year > self.year:
            raise ValueError(f"the {self.year} statement cannot use {year} data")
        if year not in self.history:
            return None
        history = {y: t for y, t in self.history.items() if y <= year}
        reference = {}
        for name, frame in self.reference.items():
            if "year" in frame.columns and name not in FORWARD_LOOKING_REFERENCE:
                frame = frame[frame["year"] <= year].reset_index(drop=True)
            reference[name] = frame
        return YearView(year, history[year], history, reference, self.authority)


#: id(frame) -> (a weak reference to the frame, its whole-year rows): worked out once a frame, and the same frame
#: each time (the disclosure stage compares tables by identity to see what its perturbed copies moved).
_WHOLE_YEAR: dict[int, tuple[weakref.ref, pd.DataFrame]] = {}


def whole_year(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """The rows of ``frame`` for the whole year (a blank ``period``); the frame itself if it has no others."""
    if frame is None or "period" not in frame.columns:
        return frame
    known = _WHOLE_YEAR.get(id(frame))
    if known is not None and known[0]() is frame:
        return known[1]
    blank = frame["period"].isna()
    rows = frame if blank.all() else frame[blank]
    if rows is not frame:
        for key in [k for k, (ref, _) in _WHOLE_YEAR.items() if ref() is None]:
            del _WHOLE_YEAR[key]
        _WHOLE_YEAR[id(frame)] = (weakref.ref(frame), rows)
    return rows


@dataclass
class Dataset:
    years: dict[int, dict[str, pd.DataFrame]]
    reference: dict[str, pd.DataFrame]
    authority: Authority
    files: dict[str, str] = field(default_factory=dict)  # "2026/looked_after" -> path, for messages
    declared: dict[int, dict] = field(default_factory=dict)  # year -> name -> declared.Declared

    def view(self, year: int) -> YearView:
        if year not in self.years:
            raise KeyError(f"no data for {year}")
        history = {y: t for y, t in self.years.items() if y <= year}
        reference = {}
        for name, frame in self.reference.items():
            if "year" in frame.columns and name not in FORWARD_LOOKING_REFERENCE:
                frame = frame[frame["year"] <= year]
            reference[name] = frame.reset_index(drop=True)
        # A table declared in an earlier year stays a name pages may use (it shows empty, with a warning,
        # until this year's CSV is added), so last year's narrative still builds.
        declared = {name: table for y in sorted(self.declared) if y <= year for name, table in self.declared[y].items()}
        return YearView(year, self.years[year], history, reference, self.authority, declared)
