"""Load stage: ``data/<year>/*.csv`` and ``data/reference/*.csv`` into a ``Dataset``.

Analysts export these files from Excel, so loading forgives Excel's habits:
a UTF-8 byte-order mark, cp1252 files (a £ saved as the byte 0xA3), thousands
separators (``1,234``), pound signs (``£1,234.50``), per cent signs (``12%``),
spaces around cells, blank rows, blank columns with no header, and headers
typed as ``Weeks of care`` for ``weeks_of_care``. Code columns take the code or
its label, in any case, with spaces, hyphens and underscores interchangeable.

Whatever cannot be read becomes a ``Problem`` naming the file, the spreadsheet
row (header row 1, first data row 2), the column, the value and what was
expected; nothing here raises. Each frame remembers, in ``frame.attrs`` (one ``attrs.Loaded``, read with
``attrs.attr``), the
spreadsheet row of each of its rows (``"rows"``), the cells it could not
read (``"unreadable"``: ``(row, column)`` pairs), so ``validate`` can name rows
and does not report an unreadable cell a second time as missing, and the
number cells typed with a per cent sign (``"percent_signs"``).
"""
from __future__ import annotations

import contextlib
import contextvars
import csv
import difflib
import functools
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from . import declared as declared_tables, inputs, periods, wide
from .attrs import Loaded
from .categories import Categories
from .config import Authority
from .contract import (
    CHILD_LEVEL_COLUMNS,
    COLUMN_TYPES,
    DIMENSIONS,
    REFERENCE_TABLES,
    TOTAL_SPELLINGS,
    YEAR_TABLES,
    Column,
    Table,
    codes_for,
)
from .dataset import Dataset
from .problems import CellRow, Problem
from .subtotals import TOTAL

YEAR_FOLDER = re.compile(r"^\d{4}$")
CHILD_LEVEL_MESSAGE = "child-level records must never be in data/; run extract, which writes only aggregates"


# ---------------------------------------------------------------------------
# Reading text as Excel writes it
# ---------------------------------------------------------------------------

class NotText(ValueError):
    """A file that is not text in an encoding the tool reads (a spreadsheet renamed .csv, an image)."""


def read_text(path: Path) -> str:
    """The file's text through the one door (``inputs.decode``): UTF-8 with or without a BOM, UTF-16
    with a BOM, else cp1252 (Excel's "CSV"). A UTF-8 file with stray cp1252 bytes keeps each such
    byte as a lone surrogate, so ``read_table`` can name the cell; not text at all raises ``NotText``."""
    decoded = inputs.decode(path.read_bytes())
    if decoded.binary:
        raise NotText("this is not a text file")
    return decoded.text


def header_name(cell: str) -> str:
    """``' Weeks of care '`` -> ``weeks_of_care``."""
    return re.sub(r"[\s\-]+", "_", cell.strip().lower()).strip("_")


@functools.lru_cache(maxsize=65536)  # a pure function of the text, asked of the same labels row after row
def code_key(text: str) -> str:
    """What two spellings of a code or label share: case, spaces, - and _ and apostrophes ignored."""
    text = text.strip().lower().replace("\u2019", "'").replace("'", "")
    return re.sub(r"[\s_\-]+", " ", text).strip()


def read_rows(path: Path) -> list[list[str]]:
    """Rows of cells, each cell stripped; a row is a spreadsheet row (row 1 the header).

    Commas separate cells; a header line with none but tabs or semicolons (Excel's "Unicode text",
    or a European locale) is split on those instead.
    """
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = next((d for d in ("\t", ";") if "," not in first and d in first), ",")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def nearest(word: str, candidates) -> str | None:
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


# ---------------------------------------------------------------------------
# Child-level guard
# ---------------------------------------------------------------------------

def check_no_child_level(data_dir: Path) -> list[Problem]:
    """Any CSV under ``data_dir`` whose header names a child-level column is an error."""
    forbidden = {c.upper(): c for c in CHILD_LEVEL_COLUMNS}
    problems = []
    for path in sorted(Path(data_dir).rglob("*")):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        try:
            rows = read_rows(path)
        except (OSError, csv.Error, NotText):
            continue  # reported by load_dataset when it reads the table
        header = rows[0] if rows else []
        for cell in header:
            if header_name(cell).upper() in forbidden:
                problems.append(Problem(
                    "child-level-data", CHILD_LEVEL_MESSAGE, file=_display(path, data_dir), row=1,
                    column=cell, hint="delete this file from data/ and keep case-level files outside the repository"))
    return problems


def _display(path: Path, data_dir: Path) -> str:
    """``data/2026/looked_after.csv``: the path as the analyst sees it in the repository."""
    data_dir = Path(data_dir).resolve()
    try:
        return str(Path(data_dir.name) / Path(path).resolve().relative_to(data_dir)).replace("\\", "/")
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------

NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^-?\.\d+$")
#: What published tables print for suppressed or missing figures (GSS symbols and habits).
SUPPRESSION_MARKS = ("c", "x", "z", "u", "*", "..", ":", "-", "n/a")
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


class CellError(ValueError):
    """A cell that does not fit its column; ``hint`` suggests the fix."""

    def __init__(self, hint: str | None = None):
        super().__init__(hint)
        self.hint = hint
        self.expected: str | None = None


def parse_number(text: str, kind: str, unit: str | None = None) -> float | int:
    """A number as Excel writes it. ``12%`` is read as 12 in a percent column and in a number column
    without a unit of its own, whose row says the unit (``benchmarks.value``, ``scenarios.value``):
    ``read_table`` records which cells had the sign, and ``validate`` checks the row is a percentage."""
    value = text.replace(" ", "")
    if kind == "money":
        value = re.sub(r"^(-?)£", r"\1", value)
    if kind == "percent" or (kind == "number" and unit is None):
        value = value.removesuffix("%")
    if not NUMBER.match(value):
        if value.lower().strip("[]") in SUPPRESSION_MARKS:
            raise CellError("give the actual figure: the site suppresses small numbers itself")
        raise CellError()
    number = float(value.replace(",", ""))
    if kind == "integer":
        if not number.is_integer():
            raise CellError("counts are whole numbers")
        return int(number)
    return number


def parse_month(text: str) -> str:
    """``2025-04`` (also ``2025-04-01``, ``01/04/2025``, ``04/2025``, ``Apr-25``, ``April 2025``) -> ``2025-04``.

    Checks the shape only; ``validate`` checks the month is a real one.
    """
    if m := re.match(r"^(\d{4})-(\d{1,2})(-\d{1,2})?$", text):
        return f"{m[1]}-{int(m[2]):02d}"
    if m := re.match(r"^(\d{1,2}/)?(\d{1,2})/(\d{4})$", text):
        return f"{m[3]}-{int(m[2]):02d}"
    if (m := re.match(r"^([A-Za-z]{3})[A-Za-z]*[\s\-]+(\d{2}|\d{4})$", text)) and m[1].lower() in MONTHS:
        year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
        return f"{year}-{MONTHS[m[1].lower()]:02d}"
    if m := re.match(r"^(\d{4})\s*[-/]\s*(\d{2})$", text):
        raise CellError(f"{text} is a financial year: write the month it is due, e.g. {int(m[1]) + 1}-03 for its "
                        "last month")
    raise CellError("write the month as YYYY-MM, e.g. 2025-04")


def parse_date(text: str) -> pd.Timestamp:
    try:
        if m := re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text):
            return pd.Timestamp(date(int(m[1]), int(m[2]), int(m[3])))
        if m := re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text):
            return pd.Timestamp(date(int(m[3]), int(m[2]), int(m[1])))
    except ValueError:
        raise CellError("not a real date") from None
    raise CellError()


def parse_year(text: str) -> int:
    """``2026``; a financial year ``2025-26`` or ``2025/26`` is the year it ends, 2026."""
    if re.match(r"^\d{4}$", text):
        return int(text)
    if m := re.match(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$", text):
        start, end = int(m[1]), int(m[2])
        if end % 100 == (start + 1) % 100:
            return start + 1
    raise CellError("write the year ending 31 March as four digits, e.g. 2026")


@functools.lru_cache(maxsize=65536)  # as code_key
def spelling_key(text: str) -> str:
    """What statements' spellings of a category share (issue 10): ``'0-4 years'`` -> ``'0 to 4'``,
    ``'16+ years'`` -> ``'16 and over'``, ``"Children's homes"`` -> ``'childrens homes'``, ``'IFA'`` -> ``'ifa'``."""
    text = text.strip().lower().replace("\u2019", "'").replace("&", " and ")
    text = re.sub(r"(\d)\s*[-\u2013\u2014]\s*(\d)", r"\1 to \2", text)
    text = re.sub(r"(\d)\s*\+", r"\1 and over", text)
    text = re.sub(r"^aged\s+", "", text)
    text = re.sub(r"\s+(years?|yrs?)(\s+olds?)?$", "", text)
    text = re.sub(r"\s+year\s+olds?$", "", text)
    return code_key(text)


def code_lookup(codes: dict[str, str], aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Every accepted spelling's key -> code: the code itself, its label and any alias."""
    lookup = {spelling_key(alias): code for alias, code in (aliases or {}).items() if code in codes}
    lookup.update({spelling_key(label): code for code, label in codes.items()})
    lookup.update({code_key(code): code for code in codes})
    return lookup




def is_total_spelling(text: str) -> bool:
    """``Total``, ``Totals``, ``All ages``, ``Total placements weeks``: how statements write a total."""
    key = spelling_key(text)
    return key in {spelling_key(t) for t in TOTAL_SPELLINGS} or key.startswith("total ")


def parse_code(text: str, codes: dict[str, str], aliases: dict[str, str] | None = None,
               dimension: str | None = None) -> str:
    lookup = code_lookup(codes, aliases)
    for key in (code_key(text), spelling_key(text)):
        if key in lookup:
            return lookup[key]
    if is_total_spelling(text):
        return "all" if "all" in codes else TOTAL
    key = spelling_key(text)
    near = nearest(key, lookup)
    declare = (f"if this is one of your own categories, declare it once in authority.yml under "
               f"categories: {dimension}, with its label as you write it and the DfE category it maps to")
    if dimension is not None and re.search(r"\d+ to \d+", key):
        raise CellError(f"it is not one of the DfE's bands; {declare}")  # 0-4 years spans under 1 and 1 to 4
    if near:
        raise CellError(f"did you mean {lookup[near]!r}?")
    if dimension is not None:
        raise CellError(declare)
    raise CellError()


#: The year ending 31 March of the year folder being read (``load_dataset``): a ``period`` cell is read within it.
FOLDER_YEAR: contextvars.ContextVar[int | None] = contextvars.ContextVar("folder_year", default=None)


def parse_period(text: str, year: int | None) -> str | None:
    """A period within the year (``periods.parse``): ``Q1``, ``2023-04-01 to 2023-12-31``, or None (the whole
    year); outside a year folder only the stored forms are read."""
    try:
        if year is None:
            if text in periods.QUARTERS or re.fullmatch(r"\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}", text):
                return text
            raise periods.PeriodError(f"not a period: {text!r}")
        return periods.parse(text, year)
    except periods.PeriodError as err:
        raise CellError(f"{err}; write one of: {', '.join(periods.EXAMPLE_FORMS)}, or leave it blank for the "
                        "whole year") from None


def parse_cell(text: str, column: Column, codes: dict[str, str] | None, aliases: dict[str, str] | None = None,
               dimension: str | None = None):
    if column.type in ("integer", "number", "money", "percent"):
        return parse_number(text, column.type, column.unit)
    if column.type == "code":
        return parse_code(text, codes or {}, aliases, dimension)
    if column.type == "month":
        return parse_month(text)
    if column.type == "date":
        return parse_date(text)
    if column.type == "year":
        return parse_year(text)
    if column.type == "period":
        return parse_period(text, FOLDER_YEAR.get())
    return text


def expected_text(column: Column, codes: dict[str, str] | None) -> str:
    text = COLUMN_TYPES[column.type]
    if column.type == "code" and codes:
        text += ": " + ", ".join(codes)
    return text


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

def column_codes(table: Table, column: Column, record: dict, categories: Categories):
    """(codes, aliases, dimension) a code column accepts in this row: the contract's, and for a column with a
    ``dimension`` the council's own categories too."""
    parent = column.codes_by[0] if column.codes_by else None
    codes = codes_for(table, column, record if parent and record.get(parent) else None)
    dimension = column.dimension
    if dimension == "*":
        dimension = record.get(parent) if record.get(parent) in DIMENSIONS else None
    if dimension is None:
        return codes, None, None
    return {**(codes or {}), **categories.codes(dimension)}, categories.aliases(dimension), dimension


def csv_rows(path: Path, table: Table, file: str) -> tuple[list[list[str]] | None, list[Problem]]:
    """The rows of a CSV as typed (header row first), blank rows at the end and a repeated paste dropped;
    None with the problem if it cannot be read."""
    try:
        rows = read_rows(path)
    except NotText:
        return None, [Problem("file-not-text", "this is not a text file (or not in an encoding the tool reads)",
                              file=file, expected="a CSV file", hint=inputs.SAVE_AS_UTF8)]
    except (OSError, csv.Error) as exc:
        return None, [Problem("file-unreadable", f"could not read the file: {exc}", file=file)]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return None, [Problem("file-empty", "the file is empty", file=file,
                              expected="a header row: " + ",".join(table.column_names))]
    problems: list[Problem] = []
    return _before_repeated_header(rows, file, problems), problems


def read_table(path: Path, table: Table, file: str,
               categories: Categories | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One contract table from one CSV; the frame has every contract column, in order.

    Rows for a total (a key cell such as ``Total`` or ``All ages``) or for one of the council's groups
    (``Fostering``, when its placement types are declared in that group) are not figures of their own:
    they are kept apart in ``attr(frame, "totals")`` as ``(row, record)`` for ``validate`` to check
    against the rows they add up."""
    categories = categories or Categories()
    rows, problems = csv_rows(path, table, file)
    if rows is None:
        return None, problems
    read = read_records(rows, table, file, categories, problems)
    if read is None:
        return None, problems
    return read.frame(table, file, categories), problems


@dataclass
class Records:
    """A table's rows as read from one file (or several, ``wide.combine``): ``(row, record)`` pairs."""

    rows: list[tuple[int, dict]]
    totals: list[tuple[int, dict]]
    unreadable: set
    percent_signs: set

    def frame(self, table: Table, file: str, categories: Categories) -> pd.DataFrame:
        data: dict[str, list] = {c.name: [r[c.name] for _, r in self.rows] for c in table.columns}
        frame = _frame(table, data)
        frame.attrs["loaded"] = Loaded(file=file, table=table.name, rows=Unchanging([n for n, _ in self.rows]),
                                       unreadable=UnchangingSet(self.unreadable),
                                       percent_signs=UnchangingSet(self.percent_signs),
                                       totals=Unchanging(self.totals), categories=categories)
        return frame


def read_records(rows: list[list[str]], table: Table, file: str, categories: Categories,
                 problems: list[Problem], numbers: list[int] | None = None) -> Records | None:
    """The records of ``rows`` (a header row, then the data rows), or None if the header does not fit.

    ``numbers`` gives each data row's spreadsheet row (default: its position, header row 1); a wide
    table (``wide.py``) passes each long row's cell (``problems.CellRow``), so problems name the cell
    as typed."""
    positions = _header_positions(rows[0], table, file, rows[1:], problems)
    if positions is None:
        return None

    # Code columns that other columns' codes depend on are read first.
    order = sorted(table.columns, key=lambda c: c.codes_by is not None)
    kept, unreadable, totals, percent_signs = [], set(), [], set()
    # Each distinct cell is parsed once (a table of 100,000 rows repeats a few hundred spellings).
    parsed: dict[tuple, object] = {}
    for number, cells in zip(numbers or range(2, len(rows) + 1), rows[1:]):
        if not any(cells):
            continue
        record: dict = {}
        for column in order:
            position = positions.get(column.name)
            text = cells[position] if position is not None and position < len(cells) else ""
            parent = column.codes_by[0] if column.codes_by else None
            value = None
            if text and not text.isascii() and (problem := _encoding_problem(text, file, number, column.name)):
                unreadable.add((number, column.name))
                problems.append(problem)
            elif text:
                key = (column.name, record.get(parent) if parent else None, text)
                if key not in parsed:
                    codes, aliases, dimension = (column_codes(table, column, record, categories)
                                                 if column.type == "code" else (None, None, None))
                    try:
                        parsed[key] = parse_cell(text, column, codes, aliases, dimension)
                    except CellError as err:
                        parsed[key] = err
                        err.expected = expected_text(column, codes)
                value = parsed[key]
                if isinstance(value, CellError):
                    unreadable.add((number, column.name))
                    problems.append(Problem(
                        f"cell-{column.type}", CELL_MESSAGES[column.type],
                        file=file, row=number, column=column.name, value=text,
                        expected=value.expected, hint=value.hint))
                    value = None
                elif column.type in ("number", "percent") and text.endswith("%"):
                    percent_signs.add((number, column.name))
            record[column.name] = value
        if _is_subtotal(table, record, categories):
            # A blank key cell on a total row means "all" (Bristol's Total row names no sector).
            # (Not a cell that could not be read: that is reported, and the row is not taken for a total of all.)
            record.update({k: TOTAL for k in table.key if table.column(k).type == "code" and record.get(k) is None
                           and (number, k) not in unreadable})
            totals.append((number, record))
            continue
        kept.append((number, record))
    return Records(kept, totals, unreadable, percent_signs)


def _is_subtotal(table: Table, record: dict, categories: Categories) -> bool:
    """A row for a total or for one of the council's groups in any key column (not a contract total code)."""
    for name in table.key:
        column = table.column(name)
        if column.type != "code":
            continue
        value = record.get(name)
        if value == TOTAL:
            return True
        dimension = column.dimension
        if dimension == "*":
            dimension = record.get(column.codes_by[0]) if column.codes_by else None
        if dimension and value is not None and categories.is_group(dimension, value):
            return True
    return False


class Unchanging(list):
    """Row numbers kept in ``frame.attrs``: pandas deep-copies attrs on every operation, and a million
    row numbers copied at each step made a pasted table take minutes. They never change: shared."""

    def __deepcopy__(self, memo):
        return self


class UnchangingSet(frozenset):
    """The unreadable cells kept in ``frame.attrs``, shared rather than copied (see ``Unchanging``)."""

    def __deepcopy__(self, memo):
        return self


def _before_repeated_header(rows: list[list[str]], file: str, problems: list[Problem]) -> list[list[str]]:
    """The rows up to the first that repeats the header (a table pasted twice or more): the rest is
    not read, and one problem says where and how often, instead of one per pasted cell."""
    header = [header_name(cell) for cell in rows[0]]
    if not any(header):
        return rows
    repeats = [number for number, cells in enumerate(rows[1:], start=2)
               if len(cells) >= len(header) and cells[0] and header_name(cells[0]) == header[0]
               and [header_name(cell) for cell in cells[:len(header)]] == header]
    if not repeats:
        return rows
    more = f", and {len(repeats) - 1:,} more rows after it do too" if len(repeats) > 1 else ""
    problems.append(Problem(
        "header-repeated", f"this row repeats the header row{more}: the table was pasted more than once",
        file=file, row=repeats[0], value=",".join(rows[repeats[0] - 1])[:80],
        hint=f"keep one copy of the table: delete row {repeats[0]} and everything below it if it is a copy "
             "(the rows from there on were not read)"))
    return rows[:repeats[0] - 1]


def _encoding_problem(text: str, file: str, row: int, column: str) -> Problem | None:
    """A cell holding a byte that is not UTF-8 in a UTF-8 file, or text garbled before it was saved."""
    if inputs.has_escaped(text):
        return Problem("cell-encoding", "this cell holds a character that is not UTF-8, though the rest of the file "
                       "is (pasted from another program, such as a Word apostrophe)", file=file, row=row,
                       column=column, value=inputs.readable(text),
                       hint="retype the character, then " + inputs.SAVE_AS_UTF8)
    found = inputs.mojibake(text)
    if found:
        return Problem("cell-garbled", inputs.mojibake_message(*found), file=file, row=row, column=column,
                       value=text, hint=f"replace {found[0]!r} with {found[1]!r}")
    return None


CELL_MESSAGES = {"integer": "not a whole number", "number": "not a number", "money": "not an amount in pounds",
                 "percent": "not a percentage", "code": "unknown code", "date": "not a date",
                 "month": "not a month", "year": "not a year", "text": "not text",
                 "period": "not a period of the year"}


def excel_column(position: int) -> str:
    """0 -> ``A``, 26 -> ``AA``: the column letter Excel shows."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_positions(header: list[str], table: Table, file: str, body: list[list[str]],
                      problems: list[Problem]) -> dict[str, int] | None:
    """Contract column -> position in the file; problems for unknown, repeated and missing columns."""
    positions: dict[str, int] = {}
    width = max([len(header)] + [len(row) for row in body])
    for position, cell in enumerate(header + [""] * (width - len(header))):
        name = header_name(cell)
        if not name:
            filled = [(n, row[position]) for n, row in enumerate(body, start=2)
                      if position < len(row) and row[position]]
            if filled:
                problems.append(Problem(
                    "column-no-header", "a value in a column with no header", file=file, row=filled[0][0],
                    column=excel_column(position), value=filled[0][1],
                    expected="every column with values to have a header",
                    hint="a number like 1,234 must be in quotes or it splits into two cells; delete notes "
                         "beside the table, or give the column its header"))
            continue
        if name not in table.column_names:
            near = nearest(name, table.column_names)
            problems.append(Problem(
                "column-unknown", "unknown column", file=file, row=1, column=cell,
                expected="the columns " + ", ".join(table.column_names),
                hint=f"did you mean {near!r}?" if near else None))
        elif name in positions:
            problems.append(Problem("column-repeated", "this column appears twice", file=file, row=1, column=cell))
        else:
            positions[name] = position
    missing = [c.name for c in table.columns if c.name not in positions and c.required]
    for name in missing:
        problems.append(Problem("column-missing", f"the column {name!r} is missing", file=file, row=1,
                                expected="the columns " + ", ".join(table.column_names)))
    return None if missing else positions


def _frame(table: Table, data: dict[str, list]) -> pd.DataFrame:
    columns = {}
    for column in table.columns:
        values = data[column.name]
        if column.type in ("integer", "number", "money", "percent", "year"):
            series = pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
            if column.type in ("integer", "year") and series.notna().all():
                series = series.astype("int64")
        elif column.type == "date":
            series = pd.Series(values, dtype="datetime64[ns]")
        else:
            series = pd.Series(values, dtype=None if values else object)
        columns[column.name] = series
    return pd.DataFrame(columns, columns=list(table.column_names))


# ---------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------

def _read_declared(path: Path, schema: Path, file: str, data_dir: Path,
                   problems: list[Problem], parts: dict, declared: dict) -> None:
    """A CSV declared by a schema (``declared.py``): the schema checked, then the file kept to be read by it
    (as typed, or wide if the schema says ``wide:``)."""
    from .catalogue import all_outputs

    shown = _display(schema, data_dir)
    table, schema_problems = declared_tables.read_schema(schema, shown, path.stem)
    problems.extend(schema_problems)
    if table is not None and path.stem in all_outputs():
        problems.append(Problem("file-name-taken", "a chart or table of the site already has this name", file=file,
                                value=path.name, hint="rename the file and its schema, e.g. "
                                                      f"council_{path.stem}.csv and council_{path.stem}.yml"))
        return
    if table is None:
        return
    layout = None
    raw, line, note_problems = wide.note_settings(schema, shown)
    problems.extend(note_problems)
    if raw:
        layout, layout_problems = wide.read_layout(raw, shown, line, path.stem, {path.stem: table.table})
        problems.extend(layout_problems)
        if layout is None:
            return
    declared[path.stem] = table
    parts.setdefault(path.stem, []).append((path, file, layout))


def _read_parts(name: str, table: Table, parts: list, categories: Categories,
                problems: list[Problem]) -> tuple[pd.DataFrame | None, str]:
    """One table from its files: the file named for it, as typed or wide, and any wide files naming it (``wide.py``),
    joined by key. The frame, and the file problems without a row are named by."""
    main = next((file for path, file, _ in parts if path is not None and path.stem == name), parts[0][1])
    several = len(parts) > 1
    read = []
    reported = len(problems)
    for path, file, layout in parts:
        if path is None:  # a year's share of a file in data/ with years across the top, already long
            rows, numbers = layout
            layout = True
        else:
            rows, file_problems = csv_rows(path, table, file)
            problems.extend(file_problems)
            if rows is None:
                continue
            numbers = None
        if layout is True:
            pass
        elif layout is not None:
            unpivoted = wide.unpivot(rows, layout, table, file, categories, problems)
            if unpivoted is None:
                continue
            rows, numbers = unpivoted
        elif several:
            numbers = [CellRow(file, number, {}) for number in range(2, len(rows) + 1)]
        found: list[Problem] = []
        records = read_records(rows, table, file, categories, found, numbers)
        # A wide row's bad label is found once for each of its cells: reported once.
        problems.extend(dict.fromkeys(found) if layout is not None else found)
        if records is not None:
            read.append(records)
    if not read:
        return None, main
    frame = wide.combine(read, table, problems).frame(table, main, categories)
    if any(p.code.startswith("wide-header") for p in problems[reported:]):
        frame.attrs["header_refused"] = True  # a column of figures was not read: its sums are not checked
    return frame, main


def _layout_part(path: Path, file: str, data_dir: Path, problems: list[Problem], notes: list) -> bool:
    """Whether ``path`` is a wide file of a table named in the note beside it (``wide.py``); kept in
    ``notes`` to be read once every table of the folder is known."""
    note = declared_tables.schema_for(path, data_dir)
    if note is None:
        return False
    shown = _display(note, data_dir)
    raw, line, note_problems = wide.note_settings(note, shown)
    if raw is None or {"title", "columns"} & set(_top_keys(note)):
        return False  # a declared table's schema
    problems.extend(note_problems)
    if raw:
        notes.append((path, file, raw, shown, line))
    return True


def _top_keys(path: Path) -> list[str]:
    try:
        return list(inputs.read_yaml(path, str(path), wide.EXAMPLE, stage="data").data)
    except Exception:  # reported when the note is read
        return []


def _read_folder(folder: Path, tables: tuple[Table, ...], data_dir: Path, skip: set[str],
                 problems: list[Problem], files: dict[str, str], prefix: str,
                 categories: Categories | None = None, declared: dict | None = None,
                 spread: dict | None = None) -> dict[str, pd.DataFrame]:
    """A folder's tables. ``spread``: this year's rows of files in ``data/`` with years across the top,
    table -> [(file, (long rows, cells))] (``_years_across``)."""
    categories = categories or Categories()
    known = {t.name: t for t in tables}
    found: dict[str, pd.DataFrame] = {}
    present: set[str] = set()
    parts: dict[str, list] = {}  # table -> [(path, file, wide.Layout or None)], read once all are known
    notes: list = []  # wide files naming their table: (path, file, settings, note, line)
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        file = _display(path, data_dir)
        if path.is_dir() or path.name.startswith(".") or path.name.startswith("~$"):
            continue
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xls", ".xlsm", ".ods"):
            problems.append(Problem("file-not-csv", "spreadsheets are not read", file=file,
                                    hint="save each sheet as 'CSV UTF-8 (Comma delimited)'"))
            continue
        if suffix in declared_tables.SCHEMA_SUFFIXES:
            has_csv = any(p.suffix.lower() == ".csv" and p.stem == path.stem for p in folder.iterdir())
            if path.stem in known and has_csv and wide.note_settings(path, file)[0] is not None:
                continue  # a wide table's note (read with its CSV)
            if declared is not None and (path.stem in known or not has_csv):
                why = ("a data-contract table's columns are declared by the contract"
                       if path.stem in known else f"there is no {path.stem}.csv beside it")
                problems.append(Problem("schema-unused", f"this schema is not used: {why}", file=file,
                                        severity="warning",
                                        hint=f"delete it, or add {path.stem}.csv beside it" if path.stem not in known
                                        else "delete it; the data contract lists this table's columns (a table "
                                             f"typed as printed, categories across the top, takes a 'wide:' note: "
                                             f"{wide.GUIDE})"))
            continue
        if suffix != ".csv":
            continue
        if path.stem not in known:
            if _layout_part(path, file, data_dir, problems, notes):
                continue
            schema = declared_tables.schema_for(path, data_dir) if declared is not None else None
            if schema is not None:
                _read_declared(path, schema, file, data_dir, problems, parts, declared)
                continue
            near = nearest(header_name(path.stem), known)
            fix = f"add {path.stem}.yml beside it, saying what the table is ({declared_tables.GUIDE})"
            problems.append(Problem(
                "file-unknown", "unknown table file: not a data-contract table, and no schema declares it",
                file=file, value=path.name,
                expected="one of " + ", ".join(f"{n}.csv" for n in known) + ", or a table declared by a schema",
                hint=(f"did you mean {near}.csv?" + (f" If not, {fix}" if declared is not None else "")) if near
                else fix if declared is not None else None))
            continue
        present.add(path.stem)
        if file in skip:
            continue
        layout = None
        note = declared_tables.schema_for(path, data_dir)
        if note is not None:
            shown = _display(note, data_dir)
            raw, line, note_problems = wide.note_settings(note, shown)
            problems.extend(note_problems)
            if raw:
                layout, layout_problems = wide.read_layout(raw, shown, line, path.stem, known)
                problems.extend(layout_problems)
                if layout is None:
                    continue
            elif raw is not None:
                continue
        parts.setdefault(path.stem, []).append((path, file, layout))
    for name, shares in (spread or {}).items():
        for file, rows_and_cells in shares:
            parts.setdefault(name, []).append((None, file, rows_and_cells))
            present.add(name)
    everything = {**known, **{name: d.table for name, d in (declared or {}).items()}}
    for path, file, raw, note, line in notes:
        if file in skip:
            continue
        layout, layout_problems = wide.read_layout(raw, note, line, path.stem, everything)
        problems.extend(layout_problems)
        if layout is not None:
            parts.setdefault(layout.table, []).append((path, file, layout))
            present.add(layout.table)
    for name in parts:  # in the order of the files, as they are listed
        frame, file = _read_parts(name, everything[name], parts[name], categories, problems)
        files[f"{prefix}/{name}"] = file
        if frame is not None:
            if declared is not None and name in declared:
                problems.extend(declared_tables.check_rows(declared[name], frame, file))
            found[name] = frame
        elif declared is not None:
            declared.pop(name, None)
    for table in tables:
        if table.required and table.name not in present:
            problems.append(Problem(
                "table-missing", f"the required table {table.title!r} is missing",
                file=_display(folder / f"{table.name}.csv", data_dir),
                expected="a file named " + f"{table.name}.csv"))
    return found


def _years_across(data_dir: Path, skip: set[str], categories: Categories,
                  problems: list[Problem]) -> dict[int, dict[str, list]]:
    """Files in ``data/`` itself with years across the top (``wide.py``, ``across: year``): each year's rows,
    year -> table -> [(file, (long rows, cells))]. A CSV in ``data/`` without such a note is not read."""
    tables = {t.name: t for t in YEAR_TABLES}
    found: dict[int, dict[str, list]] = {}
    for path in sorted(data_dir.glob("*")):
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        file = _display(path, data_dir)
        if file in skip:
            continue
        note = declared_tables.schema_for(path, data_dir)
        shown = _display(note, data_dir) if note is not None else None
        raw, line, note_problems = wide.note_settings(note, shown) if note is not None else (None, None, [])
        problems.extend(note_problems)
        if raw is None:
            problems.append(Problem(
                "file-not-read", "a table in data/ itself is not read", file=file, severity="warning",
                hint="put a year's tables in its folder (data/2026/); a row of years across the top goes here with "
                     f"a note beside it, wide: with 'across: year' ({wide.GUIDE})"))
            continue
        if not raw:
            continue
        layout, layout_problems = wide.read_layout(raw, shown, line, path.stem, tables, years=True)
        problems.extend(layout_problems)
        if layout is None:
            continue
        if layout.across != wide.YEARS:
            problems.append(Problem("wide-settings", "a table in data/ itself has years across the top; others go "
                                    "in their year's folder", file=shown, line=line, value=layout.across,
                                    expected="across: year", hint=wide.GUIDE))
            continue
        rows, file_problems = csv_rows(path, tables[layout.table], file)
        problems.extend(file_problems)
        if rows is None:
            continue
        for year, share in wide.unpivot_years(rows, layout, tables[layout.table], file, categories, problems).items():
            found.setdefault(year, {}).setdefault(layout.table, []).append((file, share))
    return found


def load_dataset(data_dir: Path, authority: Authority) -> tuple[Dataset, list[Problem]]:
    """Every year folder and the reference folder under ``data_dir``, with every problem found.

    Files with child-level columns are reported (see ``check_no_child_level``) and not read.
    """
    data_dir = Path(data_dir)
    problems = check_no_child_level(data_dir) if data_dir.is_dir() else []
    skip = {p.file for p in problems}
    files: dict[str, str] = {}
    years: dict[int, dict[str, pd.DataFrame]] = {}
    reference: dict[str, pd.DataFrame] = {}
    declared: dict[int, dict] = {}
    if not data_dir.is_dir():
        problems.append(Problem("data-missing", "the data folder is missing", file=str(data_dir)))
        return Dataset(years, reference, authority, files), problems
    spread = _years_across(data_dir, skip, authority.categories, problems)
    folders = {p.name: p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith(".")}
    folders.update({str(year): data_dir / str(year) for year in spread if str(year) not in folders})
    for folder in (folders[name] for name in sorted(folders)):
        if YEAR_FOLDER.match(folder.name):
            declared[int(folder.name)] = {}
            reading = FOLDER_YEAR.set(int(folder.name))
            try:
                years[int(folder.name)] = _read_folder(folder, YEAR_TABLES, data_dir, skip, problems, files,
                                                       folder.name, authority.categories, declared[int(folder.name)],
                                                       spread.get(int(folder.name)))
            finally:
                FOLDER_YEAR.reset(reading)
        elif folder.name != "reference":
            hint = None
            with contextlib.suppress(CellError):
                hint = f"rename it {parse_year(folder.name)}"
            problems.append(Problem(
                "folder-unknown", "unknown folder; its files are not read", file=_display(folder, data_dir),
                expected="year folders named by the year ending 31 March, e.g. 2026, and reference",
                hint=hint, severity="warning"))
    ref_folder = data_dir / "reference"
    if ref_folder.is_dir():
        reference = _read_folder(ref_folder, REFERENCE_TABLES, data_dir, skip, problems, files, "reference")
    else:
        for table in (t for t in REFERENCE_TABLES if t.required):
            problems.append(Problem("table-missing", f"the required table {table.title!r} is missing",
                                    file=_display(ref_folder / f"{table.name}.csv", data_dir),
                                    expected=f"a file named {table.name}.csv"))
    if not years:
        problems.append(Problem("years-missing", "there are no year folders", file=_display(data_dir, data_dir),
                                expected="folders named by the year ending 31 March, e.g. data/2026"))
    for year in authority.statement_years:
        if years and year not in years:
            problems.append(Problem(
                "statement-year-missing", f"{year} is a statement year in authority.yml but has no data folder",
                file=_display(data_dir / str(year), data_dir), expected=f"a folder data/{year} with the year's tables"))
    return Dataset(years, reference, authority, files, declared), problems
