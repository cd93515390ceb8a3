"""Accessible HTML tables and CSV downloads of exactly the figures shown.

A table is wrapped in a region that scrolls sideways on a phone and can be
focused and scrolled with the keyboard (axe: scrollable-region-focusable).
Numbers are right-aligned and formatted by kind (``values.format_value``);
withheld figures read their GSS symbol (``c``, ``x``, ``z``, ``low``), with a
legend of the symbols used directly below the table.

The HTML holds no blank lines, so Python-Markdown keeps it as one raw block.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import math
import re
from dataclasses import dataclass

import pandas as pd

from .frames import rows
from .values import SYMBOLS, Figure, format_value

NON_NUMERIC_KINDS = ("year",)


@dataclass(frozen=True)
class RenderedOutput:
    """What ``chart()`` / ``table()`` put on a page, and the CSV beside it."""

    html: str
    csv_name: str
    csv_bytes: bytes


# --- cells -----------------------------------------------------------------

def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return isinstance(value, float) and math.isnan(value) or value is pd.NA or value is pd.NaT
    except TypeError:
        return False


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cell_number(value) -> float | None:
    """The drawable number of a cell, or None when it is withheld or missing."""
    if isinstance(value, Figure):
        return None if not value.shown or value.value is None else float(value.value)
    if _missing(value):
        return None
    if _is_number(value) or hasattr(value, "__float__") and not isinstance(value, str):
        return float(value)
    return None


def cell_symbol(value) -> str | None:
    """The GSS symbol a cell reads instead of a number (``x`` for a missing cell)."""
    if isinstance(value, Figure):
        return value.symbol
    if _missing(value):
        return "x"
    return None


def column_kind(frame: pd.DataFrame, column: str, units: dict[str, str] | None) -> str | None:
    """A column's ``values.KINDS`` kind, or None for a text column."""
    if units and column in units:
        return units[column]
    series = frame[column]
    if series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype):  # what can hold a Figure
        for value in series:
            if isinstance(value, Figure):
                return value.kind
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        if "year" in str(column).lower():
            return "year"
        return "number"
    return None


def format_cell(value, kind: str | None) -> str:
    """A cell as a reader sees it."""
    if isinstance(value, Figure):
        return value.format()
    if kind is None:
        if _missing(value):
            return ""
        return str(value)
    if _missing(value):
        return "x"
    if not _is_number(value):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return str(value)
    return format_value(value, kind)


def label_text(value) -> str:
    """A category label (years without decimals)."""
    if isinstance(value, Figure):
        return value.format()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if _missing(value) else str(value)


def _short_symbol_text(symbol: str) -> str:
    text = SYMBOLS.get(symbol, symbol)
    return text.split(": ", 1)[1] if text.startswith("confidential: ") else text


def symbol_legend(symbols, legend_id: str) -> str:
    """A list explaining each GSS symbol used, in the order of ``SYMBOLS``."""
    used = [s for s in SYMBOLS if s in set(symbols)]
    if not used:
        return ""
    items = "".join(
        f'<li><span class="gss-symbol">{html.escape(s)}</span> {html.escape(SYMBOLS[s])}</li>'
        for s in used
    )
    return (f'<div class="symbol-legend" id="{legend_id}"><p>Symbols used in this table:</p>'
            f'<ul>{items}</ul></div>')


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "table"
    return f"{slug}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"


# --- HTML ------------------------------------------------------------------

def frame_to_html(frame: pd.DataFrame, units: dict[str, str] | None, caption: str, *,
                  table_id: str | None = None) -> str:
    """An accessible HTML table of ``frame``: caption, column and row headers.

    The first column holds the row headers (``th scope="row"``). Numbers are
    right-aligned and formatted by kind; a legend of GSS symbols follows
    when any cell shows one.
    """
    table_id = table_id or _slug(caption)
    caption_id = f"{table_id}-caption"
    legend_id = f"{table_id}-symbols"
    columns = list(frame.columns)
    kinds = {c: column_kind(frame, c, units) for c in columns}
    numeric = {c: kinds[c] is not None and kinds[c] not in NON_NUMERIC_KINDS for c in columns}

    num_class = ' class="num"'
    head = "".join(
        f'<th scope="col"{num_class if numeric[c] else ""}>{html.escape(str(c))}</th>'
        for c in columns
    )
    lines = []
    used: list[str] = []
    for record in rows(frame):
        cells = []
        for i, (column, value) in enumerate(zip(columns, record)):
            text = format_cell(value, kinds[column])
            classes = []
            if numeric[column]:
                classes.append("num")
            if text in SYMBOLS and (kinds[column] is not None or isinstance(value, Figure)):
                used.append(text)
                classes.append("symbol")
                content = (f'<abbr title="{html.escape(SYMBOLS[text])}">'
                           f"{html.escape(text)}</abbr>")
            else:
                content = html.escape(text)
            cls = f' class="{" ".join(classes)}"' if classes else ""
            if i == 0:
                cells.append(f'<th scope="row"{cls}>{content}</th>')
            else:
                cells.append(f"<td{cls}>{content}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    legend = symbol_legend(used, legend_id)
    described = f' aria-describedby="{legend_id}"' if legend else ""
    parts = [
        f'<div class="figure-table" role="region" tabindex="0" aria-labelledby="{caption_id}">',
        f'<table class="data-table" id="{table_id}"{described}>',
        f'<caption id="{caption_id}">{html.escape(caption)}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *lines,
        "</tbody>",
        "</table>",
        "</div>",
    ]
    if legend:
        parts.append(legend)
    return "\n".join(parts)


def source_line(source: str) -> str:
    """``Source: ...`` under a chart or table (``downloads.source_text``)."""
    return f'<p class="figure-source">{html.escape(source)}</p>'


def download_link(csv_href: str, text: str = "Download these figures (CSV)") -> str:
    return (f'<p class="figure-download"><a href="{html.escape(csv_href)}" download>'
            f"{html.escape(text)}</a></p>")


def csv_name_for(csv_href: str) -> str:
    return csv_href.rstrip("/").rsplit("/", 1)[-1]


def render_table(output, frame: pd.DataFrame, *, table_id: str, csv_href: str, source: str = "") -> RenderedOutput:
    """``table("name")``: the HTML table with its caption, symbol legend, source and CSV link."""
    body = frame_to_html(frame, output.units, output.title, table_id=table_id)
    page = "\n".join([f'<div class="figure-block" id="{table_id}-block">', body,
                      *([source_line(source)] if source else []), download_link(csv_href), "</div>"])
    return RenderedOutput(page, csv_name_for(csv_href), frame_to_csv(frame, output.units))


# --- CSV -------------------------------------------------------------------

def _csv_number(value: float, kind: str | None, decimals: int | None = None) -> str:
    if kind in ("count", "year"):
        return str(int(round(value)))
    places = max(2, (decimals or 0) + 1) if kind in ("percent", "rate") else max(2, decimals or 0)
    number = round(float(value), places)
    if number == 0:
        number = 0.0  # no "-0"
    if number.is_integer():
        return str(int(number))
    return f"{number:.{places}f}".rstrip("0").rstrip(".")


def csv_cell(value, kind: str | None = None) -> str:
    """A cell for a CSV download: the GSS symbol, an unformatted rounded number, or text."""
    if isinstance(value, Figure):
        if value.symbol is not None:
            return value.symbol
        return _csv_number(float(value.value), value.kind, value.decimals)
    if _missing(value):
        return "x" if kind is not None else ""
    if _is_number(value) or (kind is not None and not isinstance(value, str)):
        try:
            return _csv_number(float(value), kind or "number")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def frame_to_csv(frame: pd.DataFrame, units: dict[str, str] | None = None) -> bytes:
    """Exactly the figures of ``frame`` as CSV: UTF-8 without BOM, LF line endings.

    Withheld cells are written as their GSS symbol; numbers are not formatted
    (no separators, ``%`` or ``£``) but rounded: counts and years to whole
    numbers, others to at most 2 decimal places (3 for percentages and rates
    shown with 2).
    """
    kinds = {c: column_kind(frame, c, units) for c in frame.columns}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    for record in rows(frame):
        writer.writerow([csv_cell(v, kinds[c]) for c, v in zip(frame.columns, record)])
    return buffer.getvalue().encode("utf-8")
