"""A frame's rows read in one pass (issue 14): the cells ``itertuples`` and ``to_dict("records")`` give, without
their cost.

pandas makes a Series of every column each time a frame's rows are iterated (``itertuples`` reads each
column with ``iloc``, and ``to_dict("records")`` iterates that way): some 0.1 ms a column, which the many
small frames a statement reads and publishes pay thousands of times. Here the frame is turned into one array of
objects (``to_numpy(dtype=object)``: each column cast on its own) and each column of numbers, booleans, objects
or text is read from that: its cells are there exactly as iterating the column gives them (numpy's cast to
objects makes each number the Python scalar that pandas' iteration makes; objects and text are the very
objects). A column of another type (dates, categories, nullable numbers, whose iteration gives numpy scalars)
is iterated as pandas iterates it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype
from pandas.api.types import is_bool, is_float, is_integer


def _read_from_array(dtype) -> bool:
    """Whether a column of this type reads the same from ``to_numpy(dtype=object)`` as by iterating it."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biufcO"  # not dates or durations: pandas gives those as its own scalars
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "python"  # the very str and missing marker


def _cells_by_column(frame: pd.DataFrame) -> list[list]:
    """Each column's cells, in column order, as iterating the column gives them."""
    cells = frame.to_numpy(dtype=object)
    return [cells[:, i].tolist() if _read_from_array(dtype) else list(frame.iloc[:, i])
            for i, dtype in enumerate(frame.dtypes.values)]


def rows(frame: pd.DataFrame) -> list[tuple]:
    """Each row's cells, in column order: what ``frame.itertuples(index=False, name=None)`` gives."""
    if len(frame.columns) == 0:
        return [()] * len(frame)
    return list(zip(*_cells_by_column(frame)))


def columns(frame: pd.DataFrame) -> dict[str, list]:
    """Each column's cells as a list, by name: what ``list(frame[name])`` gives (for a name given to two
    columns, the last one's)."""
    return dict(zip(frame.columns, _cells_by_column(frame))) if len(frame.columns) else {}


def where(frame: pd.DataFrame, column: str, value, *wanted: str) -> list[tuple]:
    """The cells of the ``wanted`` columns of each row whose ``column`` equals ``value``, in the frame's order:
    what ``zip(*(rows[name] for name in wanted))`` gives for ``rows = frame[frame[column] == value]`` (a
    missing cell equals nothing), without making the filtered frame."""
    cells = columns(frame)
    chosen = [cells[name] for name in wanted]
    return [tuple(values[i] for values in chosen)
            for i, cell in enumerate(cells[column]) if cell is not pd.NA and cell == value]


def _native(value):
    """A cell as ``to_dict`` gives it from a column of objects or of a pandas type: a numpy number as the Python
    one, a numpy date or duration as pandas', ``NA`` as None."""
    if is_float(value):
        return float(value)
    if is_integer(value):
        return int(value)
    if is_bool(value):
        return bool(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    if value is pd.NA:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """Each row as a dict of its cells by column: what ``frame.to_dict("records")`` gives (cells of a column of
    objects or of a pandas type made native, ``_native``; duplicate column names: the last one's cell)."""
    columns = list(frame.columns)
    boxed = [i for i, dtype in enumerate(frame.dtypes.values)
             if dtype == np.dtype(object) or isinstance(dtype, ExtensionDtype)]
    result = []
    for row in rows(frame):
        if boxed:
            row = list(row)
            for i in boxed:
                row[i] = _native(row[i])
        result.append(dict(zip(columns, row)))
    return result
