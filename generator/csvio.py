"""Writing contract tables deterministically (extract and the example data use it).

Columns in contract order, rows in the contract's code order, integers without
decimals, other numbers to at most 2 decimal places, UTF-8 without BOM, LF line
endings: the same figures always give the same bytes.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .contract import TABLES_BY_NAME, codes_for


def _sort_key(table, frame: pd.DataFrame) -> pd.DataFrame:
    keys = []
    for name in table.key:
        if name not in frame.columns:  # an optional key column left out (the whole year's period)
            continue
        column = table.column(name)
        if column.type == "code":
            order = {code: i for i, code in enumerate(codes_for(table, column) or {})}
            keys.append(frame[name].map(lambda v, o=order: o.get(v, len(o))))
        else:
            keys.append(frame[name].astype(str))
    order = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)}, index=frame.index)
    return frame.loc[order.sort_values(list(order.columns), kind="stable").index]


def _cell(value, column_type: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if column_type in ("integer", "year"):
        return str(int(round(float(value))))
    if column_type in ("number", "money", "percent"):
        number = round(float(value), 2)
        return str(int(number)) if number.is_integer() else f"{number:.2f}".rstrip("0")
    return str(value)


def table_to_csv(name: str, frame: pd.DataFrame) -> str:
    table = TABLES_BY_NAME[name]
    missing = [c.name for c in table.columns if c.name not in frame.columns and c.required]
    if missing:
        raise ValueError(f"{name}: frame lacks columns {missing}")
    # Optional columns the frame does not have (a published percentage, a snapshot date) are left out.
    columns = [c for c in table.columns if c.name in frame.columns]
    frame = _sort_key(table, frame[[c.name for c in columns]])
    lines = [",".join(c.name for c in columns)]
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(columns, row):
            text = _cell(value, column.type)
            if any(ch in text for ch in ',"\n'):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def write_table(name: str, frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as contract table ``name`` to ``path`` (folders made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(table_to_csv(name, frame).encode("utf-8"))
