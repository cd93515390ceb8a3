"""The loaded data: every year's tables and the reference tables.

``Dataset.view(year)`` is what every later stage sees for one statement year:
that year's tables and earlier years', never later ones, so a statement
rebuilds the same whatever years are added after it.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

from .config import Authority
from .contract import PERIOD_TABLES

#: Reference tables whose future rows a year may use (projections of population).
FORWARD_LOOKING_REFERENCE = ("population",)


class _Records(threading.local):
    """What the computations running now in this thread read of a view's data (``reading``), innermost last:
    one list a thread, so that records never mix between threads (the preview's server)."""

    def __init__(self):
        self.open: list[set] = []


_RECORDS = _Records()

#: Recorded when a computation reads a view's data by a way not recorded (an attribute of the view not in
#: ``YearView.RECORDED``, a cache entry stored while nothing was recorded): it counts as reading everything.
EVERYTHING = ("everything",)

#: Recorded when a computation reads the view's declared tables (``YearView.declared``).
DECLARED = ("declared",)


@contextmanager
def reading():
    """Record what the computation run inside reads of any view's data, as a set of keys: ``(year, table
    name)`` for each table read (``table``, ``part_year``, ``tables``, ``history``, ``earlier``: every way a
    view hands out a table), ``DECLARED``, and ``EVERYTHING`` for a read by any other way (fail safe). A
    result taken from a view's ``cache`` counts as reading what working it out read. The reference tables,
    the authority and the year are not recorded: a perturbed copy shares them with its view
    (``disclosure.untouched`` checks that it does). Records nest: a read counts in every one open."""
    found: set = set()
    _RECORDS.open.append(found)
    try:
        yield found
    finally:
        _RECORDS.open.pop()


def record(keys) -> None:
    for found in _RECORDS.open:
        found.update(keys)


class _Recorded(Mapping):
    """A mapping read through while a computation is recorded: names, membership and length as they are;
    ``__getitem__`` (the subclasses') records the read."""

    def __init__(self, inner):
        self._inner = inner

    def __contains__(self, key) -> bool:
        return key in self._inner

    def __iter__(self):
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)


class _RecordedTables(_Recorded):
    """One year's tables (``YearView.tables``, ``YearView.history[year]``) while a computation is recorded:
    a table read is recorded; the names alone are not (a perturbed copy has the same tables)."""

    def __init__(self, year: int, tables):
        super().__init__(tables)
        self._year = year

    def __getitem__(self, name):
        record(((self._year, name),))
        return self._inner[name]


class _RecordedHistory(_Recorded):
    """``YearView.history`` while a computation is recorded: each year's tables as ``_RecordedTables``."""

    def __getitem__(self, year):
        return _RecordedTables(year, self._inner[year])


class ViewCache:
    """Results worked out from one view (the forecast's), kept on it (``YearView.cache``), each with what
    working it out read (``reading``): the reads of the innermost record open when it was stored (a
    computation's record holds the reads of everything it called so far, so at least the result's own),
    or ``EVERYTHING`` when nothing was recorded. A result taken from here counts as reading those again, so
    what a computation read is known however much of it came from the cache. Only the methods below."""

    def __init__(self):
        self._entries: dict = {}

    def __contains__(self, key) -> bool:
        return key in self._entries

    def __getitem__(self, key):
        value, reads = self._entries[key]
        record(reads)
        return value

    def get(self, key, default=None):
        return self[key] if key in self._entries else default

    def __setitem__(self, key, value) -> None:
        self._entries[key] = (value, frozenset(_RECORDS.open[-1]) if _RECORDS.open else frozenset((EVERYTHING,)))


class YearView:
    """One statement year's data: that year's tables and earlier years', never later ones.

    ``tables``: this year's tables; ``history``: every year <= ``year``, this one included;
    ``reference``: the reference tables (rows up to the year, population's later rows too);
    ``declared``: this year's declared tables (``declared.Declared`` by name), tables beyond the contract.

    While a computation is recorded (``reading``) the view records what it hands out; an attribute not in
    ``RECORDED`` (a field added later, ``__dict__``) counts as reading everything, so a computation that
    reads the data by a way nobody recorded is never taken as independent of it (``disclosure.untouched``).
    """

    #: The attributes a recorded computation may read: each records what it hands out, or hands out what
    #: a perturbed copy shares with its view (year, reference, authority).
    RECORDED = frozenset({
        "year", "reference", "authority", "table", "part_year", "years", "earlier", "history", "tables",
        "declared", "cache", "_raw", "_year_tables", "_history", "_declared", "_cache", "__class__",
        "RECORDED"})

    def __init__(self, year: int, tables: dict[str, pd.DataFrame], history: dict[int, dict[str, pd.DataFrame]],
                 reference: dict[str, pd.DataFrame], authority: Authority, declared: dict | None = None):
        self.year = year
        self._year_tables = tables
        self._history = history
        self.reference = reference
        self.authority = authority
        self._declared = {} if declared is None else declared
        self._cache = ViewCache()

    def __getattribute__(self, name):
        if _RECORDS.open and name not in YearView.RECORDED:
            record((EVERYTHING,))
        return object.__getattribute__(self, name)

    def __repr__(self) -> str:
        return f"YearView(year={self.year}, years={sorted(self._history)})"

    @property
    def tables(self):
        """This year's tables (name -> frame)."""
        return _RecordedTables(self.year, self._year_tables) if _RECORDS.open else self._year_tables

    @property
    def history(self):
        """Every year's tables up to this one (year -> name -> frame)."""
        return _RecordedHistory(self._history) if _RECORDS.open else self._history

    @property
    def declared(self) -> dict:
        """This year's declared tables (``declared.Declared`` by name)."""
        record((DECLARED,))
        return self._declared

    @property
    def cache(self) -> ViewCache:
        """Results worked out from this view (``ViewCache``)."""
        return self._cache

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
        record(((year, name),))
        return self._history.get(year, {}).get(name)

    @property
    def years(self) -> list[int]:
        """Years with data, up to and including this one, oldest first."""
        return sorted(self._history)

    def earlier(self, year: int) -> YearView | None:
        """The view of an earlier year of data, as that year's own statement sees it (its tables and the years
        before it, reference rows up to it), or None when there is no data for that year. A perturbed copy's
        earlier view is the copy that year's statement is protected with: each year is perturbed on its own."""
        if year > self.year:
            raise ValueError(f"the {self.year} statement cannot use {year} data")
        if year not in self._history:
            return None
        history = {y: t for y, t in self._history.items() if y <= year}
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
