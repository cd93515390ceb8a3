"""A table's own total and group rows (issue 10): which rows each adds up, and when its printed figure stands.

``load`` keeps a table's total rows (a key cell such as ``Total`` or ``All ages``) and the rows for a
council's groups (``Fostering``) apart, in ``frame.attrs["totals"]``. ``validate`` checks each against the
rows it adds up; the statistics use a printed subtotal in place of the sum of its rows when the two agree
to within rounding: a total printed from unrounded figures (Bromley's 15,535 weeks of care) is more exact
than the sum of its rounded rows (15,533). When they disagree by more, the printed figure is a slip: it is
flagged (a validation warning) and the sum of the rows is used instead, never the slip.
"""
from __future__ import annotations

import pandas as pd

from . import frames
from .attrs import attr
from .categories import dimension_of, of as categories_of
from .contract import TABLES_BY_NAME

#: A total row's code while loading (``load.parse_code`` gives it to ``Total``, ``All ages`` ...).
TOTAL = "__total__"


def _table(frame: pd.DataFrame):
    file = attr(frame, "file", "")
    name = attr(frame, "table") or file.rsplit("/", 1)[-1].removesuffix(".csv")
    return TABLES_BY_NAME.get(name)


def records(frame: pd.DataFrame | None) -> list[tuple[int, dict]]:
    """The table's total and group rows as ``(spreadsheet row, record)``."""
    if frame is None:
        return []
    return list(attr(frame, "totals") or [])


def covered(frame: pd.DataFrame, total: dict, table=None) -> list[dict]:
    """The rows of ``frame`` a total or group row adds up: every key cell a total, the group's members, or the
    same code."""
    table = table or _table(frame)
    if table is None:
        return []
    categories = categories_of(frame)
    codes = [k for k in table.key if table.column(k).type == "code"]
    found = []
    for record in frames.records(frame):
        keep = True
        for name in table.key:
            value, mine = total.get(name), record.get(name)
            if name not in codes:
                keep = value == mine
            elif value == TOTAL:
                keep = True
            else:
                dimension = dimension_of(table.column(name), record)
                if dimension and categories.is_group(dimension, value):
                    keep = mine in categories.leaves(dimension, value)
                else:
                    keep = mine == value
            if not keep:
                break
        if keep:
            found.append(record)
    return found


def tolerance(column_type: str, values: list) -> float:
    """How far a printed total may be from the sum of its rows through rounding alone: none for counts,
    half a unit a row for figures printed whole (weeks of care, pounds), half a penny a row otherwise."""
    if column_type == "integer":
        return 0.0
    whole = all(float(v).is_integer() for v in values)
    return (0.5 if whole else 0.005) * len(values)


def agrees(printed, added, column_type: str, values: list) -> bool:
    return abs(printed - added) <= tolerance(column_type, [printed, *values]) + 1e-9


def printed(frame: pd.DataFrame | None, where: dict, measure: str, computed):
    """The figure to publish for the cell ``where`` (key column -> code; key columns left out mean 'all'):
    the table's own printed subtotal when it has one that agrees with ``computed`` within rounding (or
    ``computed`` is not available), else ``computed``."""
    if frame is None:
        return computed
    table = _table(frame)
    if table is None:
        return computed
    codes = [k for k in table.key if table.column(k).type == "code"]
    for _, record in records(frame):
        if all(record.get(k) == where.get(k, TOTAL) for k in codes):
            value = record.get(measure)
            if value is None or pd.isna(value):
                return computed
            if computed is None:
                return float(value)
            parts = [r[measure] for r in covered(frame, record, table)]
            if any(p is None or pd.isna(p) for p in parts):
                return computed
            column_type = table.column(measure).type
            return float(value) if agrees(float(value), float(computed), column_type, parts) else computed
    return computed
