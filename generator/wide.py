"""Wide tables (issue 10): a table typed as the statement prints it, with categories across the top.

Statements print tables with one category down the side and another across the top: placements by
placement type (down) and age band (across), a row of figures by year. An analyst copies such a table
into Excel as printed and saves it as CSV; a short note beside it, ``<name>.yml``, says how to read it::

    # data/2022/placements_by_type_and_age.yml
    wide:
      across: age_band        # the headers across the top are age bands (the council's own labels will do)
      cells: placements       # each cell is a number of placements

The first columns hold what is down the side: a header naming a column of the table
(``placement_type``), or blank (as copied), when ``down:`` in the note names it (or the table has one
key column left to hold it). Every header after them is a value of ``across``, written as the table
accepts it: a code, a label, one of the council's own categories or aliases (``categories.py``). A
``Total`` (``Totals``, ``All ages``) column or row is the table's total, kept apart and checked against
the cells it adds up (``subtotals.py``), as in a long table. A blank cell is a figure not supplied
(shown ``x``); ``fixed:`` gives other columns one value for every cell (``breakdown: age_band``).

A row of years across the top (children looked after at 31 March, 2018 to 2022) fills the year
folders: such a file and its note go in ``data/`` itself, beside the folders, with ``across: year``; each
year's figures join that year's table (``unpivot_years``).

One printed table fills one column. A second printed table of the same rows (weeks of care beside
placements) is a second file with its own note naming the table it belongs to (``table:``); a long file
of the same table may stand beside them. Their figures are joined by key: a figure given twice is an
error naming both cells. A declared table (``declared.py``) takes the same ``wide:`` setting in its
schema.

The loader turns each wide file into the long table before anything is checked, and every problem
still names the file, the row and the column as the analyst typed them (``problems.CellRow``): a bad
cell is "row 4, column '10-12 years'", never the long table's ``weeks_of_care``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import inputs
from .categories import Categories
from .contract import Table
from .problems import BuildError, CellRow, Problem

GUIDE = "see docs/analysts.md, 'Tables printed wide'"
EXAMPLE = "wide: then 'across: age_band' (what the headers across the top are) and 'cells: placements'"
SETTINGS = ("table", "across", "cells", "down", "fixed")


@dataclass(frozen=True)
class Layout:
    """How a wide file reads: the note's settings, checked against the table."""

    note: str  # the note, as the analyst sees it
    table: str
    across: str
    cells: str
    down: tuple[str, ...] = ()
    fixed: dict[str, str] = field(default_factory=dict)


def note_settings(path: Path, file: str) -> tuple[dict | None, int | None, list[Problem]]:
    """The ``wide:`` settings of a note or schema (None if it has none) and their line."""
    try:
        settings = inputs.read_yaml(path, file, EXAMPLE, stage="data")
    except BuildError as exc:
        return None, None, list(exc.problems)
    if "wide" not in settings.data:
        return None, None, []
    raw = settings.data["wide"]
    line = settings.line("wide")
    if not isinstance(raw, dict):
        return {}, line, [Problem("wide-settings", "wide must be settings: across, cells and optionally table, "
                                  "down, fixed", file=file, line=line, value=raw, expected=EXAMPLE, hint=GUIDE)]
    return raw, line, []


def read_layout(raw: dict, note: str, line: int | None, default_table: str,
                tables: dict[str, Table], years: bool = False) -> tuple[Layout | None, list[Problem]]:
    """The note's ``wide:`` settings as a ``Layout`` for one of ``tables``, or None and every problem.
    ``years``: the file is in ``data/`` itself, where ``across: year`` means the year folders."""
    problems: list[Problem] = []

    def wrong(message: str, value=None, expected: str | None = None) -> None:
        problems.append(Problem("wide-settings", message, file=note, line=line, value=value, expected=expected,
                                hint=GUIDE))

    for key in raw:
        if key not in SETTINGS:
            wrong(f"unknown setting {key!r} under wide", key, "the settings " + ", ".join(SETTINGS))
    name = str(raw.get("table") or default_table)
    table = tables.get(name)
    if table is None:
        wrong(f"there is no table {name!r} for these figures to go in", name,
              "the name of a data-contract table, or of a table declared by a schema")
        return None, problems
    across, cells = raw.get("across"), raw.get("cells")
    if across == YEARS and YEARS not in table.column_names:
        if not years:
            wrong("years across the top fill the year folders: the file and its note go in data/, beside the "
                  "year folders", across, "across: one of " + ", ".join(table.key))
            return None, problems
        table = by_year(table)
    columns = table.column_names
    if across not in table.key:
        wrong("across must name the column the headers across the top are values of", across,
              "one of " + ", ".join(table.key))
    if cells not in columns or cells in table.key:
        wrong("cells must name the column the figures in the cells fill", cells,
              "one of " + ", ".join(c for c in columns if c not in table.key))
    down = raw.get("down") or []
    down = [down] if isinstance(down, str) else down
    if not isinstance(down, list) or any(d not in columns for d in down):
        wrong("down must name the columns the first columns hold", raw.get("down"),
              "one or more of " + ", ".join(columns))
        down = []
    fixed = raw.get("fixed") or {}
    if not isinstance(fixed, dict) or any(k not in columns for k in fixed):
        wrong("fixed must give columns of the table one value each", fixed,
              "fixed: {column: value}, a column of " + ", ".join(columns))
        fixed = {}
    if problems:
        return None, problems
    return Layout(note, name, across, cells, tuple(down), {k: str(v) for k, v in fixed.items()}), []


YEARS = "year"


def by_year(table: Table) -> Table:
    """``table`` with the year folder as a key column, for a file whose years are across the top."""
    from dataclasses import replace

    from .contract import Column

    year = Column(YEARS, "year", "The year ending 31 March: the year folder the figures go in")
    return replace(table, columns=(*table.columns, year), key=(*table.key, YEARS))


def unpivot_years(rows: list[list[str]], layout: Layout, table: Table, file: str, categories: Categories,
                  problems: list[Problem]) -> dict[int, tuple[list[list[str]], list[CellRow]]]:
    """A file in ``data/`` with years across the top (``across: year``), as each year folder's long rows: a
    row of figures by year (children looked after at 31 March, 2018 to 2022) fills each year's table."""
    from .load import CellError, parse_year

    unpivoted = unpivot(rows, layout, by_year(table), file, categories, problems)
    if unpivoted is None:
        return {}
    (header, *body), numbers = unpivoted
    at = header.index(YEARS)
    found: dict[int, tuple[list[list[str]], list[CellRow]]] = {}
    for cells, number in zip(body, numbers):
        try:
            year = parse_year(cells[at])
        except CellError:
            continue  # reported as the header's
        long_rows, cell_rows = found.setdefault(year, ([header[:at] + header[at + 1:]], []))
        long_rows.append(cells[:at] + cells[at + 1:])
        cell_rows.append(number)
    return found


def _down_count(header: list[str], layout: Layout, table: Table) -> int:
    """How many of the first columns hold what is down the side: blank headers and headers naming a column
    of the table (other than ``across`` and ``cells``), from the left."""
    from .load import header_name

    count = 0
    for cell in header:
        name = header_name(cell)
        if name and (name not in table.column_names or name in (layout.across, layout.cells)):
            break
        count += 1
    return count


def unpivot(rows: list[list[str]], layout: Layout, table: Table, file: str, categories: Categories,
            problems: list[Problem]) -> tuple[list[list[str]], list[CellRow]] | None:
    """The long table (header row first) of a wide file's ``rows``, and for each long row its cell."""
    from .load import CellError, column_codes, excel_column, header_name, parse_cell

    header, body = rows[0], rows[1:]
    width = max([len(header)] + [len(r) for r in body])
    if sum(1 for cell in header if cell) == 1 and width > 2 and header[0]:
        # A table copied from a PDF often brings its caption as a first line.
        problems.append(Problem("wide-title", "the first row holds one cell: a title, not the headers across the top",
                                file=file, row=1, value=header[0][:80],
                                expected="row 1 to be the headers: blank or what is down the side, then "
                                         f"one {layout.across} a column",
                                hint="delete the title row, so the row of headers is row 1"))
        return None
    header = header + [""] * (width - len(header))
    count = _down_count(header, layout, table)
    free = [k for k in table.key if k != layout.across and k not in layout.fixed]
    names: list[str] = []
    named = list(layout.down)
    labels = 0  # a first column with no header and no column left to hold: the rows' labels, not read
    if not free and not named and count and not header_name(header[0]):
        labels = 1
    for position in range(labels, count):
        name = header_name(header[position])
        if not name:
            unused = [d for d in named if d not in names] or [k for k in free if k not in names]
            if len(unused) != 1 and not named:
                problems.append(Problem(
                    "wide-down", "this column has no header, and the table has more than one column it could be",
                    file=file, row=1, column=excel_column(position), expected="one of " + ", ".join(free),
                    hint=f"type the column's name in row 1, or name it in {layout.note} with 'down:'"))
                return None
            if not unused:
                problems.append(Problem("wide-down", "this column has no header and nothing left to hold",
                                        file=file, row=1, column=excel_column(position),
                                        hint=f"delete it, or name it in {layout.note} with 'down:'"))
                return None
            name = unused[0]
        names.append(name)
    if not names and not labels:
        problems.append(Problem(
            "wide-down", "the first column holds the headers across the top: there is no column for what is down "
            "the side", file=file, row=1, column=header[0] or "A",
            expected="the first column to hold " + " or ".join(free) + " (its header blank or naming it)",
            hint=GUIDE))
        return None
    # a blank header is named as Excel shows the column, with what it holds: column 'A (placement_type)'
    typed = {name: header[position] or f"{excel_column(position)} ({name})"
             for position, name in enumerate(names, start=labels)}
    # Each header across the top is read once, as a value of ``across``; one that is not is reported once.
    across_column = table.column(layout.across)
    fixed_record = dict(layout.fixed)
    columns: list[tuple[int, str]] = []
    seen: dict = {}
    for position in range(count, width):
        text = header[position]
        if not text:
            filled = next(((n, r[position]) for n, r in enumerate(body, start=2)
                           if position < len(r) and r[position]), None)
            if filled:
                problems.append(Problem(
                    "column-no-header", "a value in a column with no header", file=file, row=filled[0],
                    column=excel_column(position), value=filled[1],
                    expected=f"every column of figures to have a header: a value of {layout.across}",
                    hint="a number like 1,234 must be in quotes or it splits into two cells; delete notes "
                         "beside the table, or give the column its header"))
            continue
        if across_column.type == "code" and not across_column.codes_by:
            codes, aliases, dimension = column_codes(table, across_column, fixed_record, categories)
        else:
            codes, aliases, dimension = None, None, None
        try:
            value = parse_cell(text, across_column, codes, aliases, dimension) if codes is not None or \
                across_column.type != "code" else text
        except CellError as err:
            from .load import expected_text

            problems.append(Problem(f"wide-header-{across_column.type}",
                                    f"this header is not one of the {layout.across} values", file=file, row=1,
                                    column=text, value=text,
                                    expected=expected_text(across_column, codes), hint=err.hint))
            continue
        if value in seen:
            problems.append(Problem("column-repeated", f"this header is the same {layout.across} as the column "
                                    f"{seen[value]!r}", file=file, row=1, column=text,
                                    hint="keep one of them; add the figures up if both are needed"))
            continue
        seen[value] = text
        columns.append((position, text))
    long_header = names + [layout.across, layout.cells] + list(layout.fixed)
    long_rows: list[list[str]] = [long_header]
    numbers: list[CellRow] = []
    for number, cells in enumerate(body, start=2):
        cells = cells + [""] * (width - len(cells))
        if not any(cells):
            continue
        down = cells[labels:count]
        row_cells = {name: (file, number, typed[name]) for name in names}
        for position, text in columns:
            if not cells[position]:
                continue  # not supplied: shown as x
            where = {**row_cells, layout.across: (file, number, text), layout.cells: (file, number, text)}
            long_rows.append(down + [text, cells[position]] + list(layout.fixed.values()))
            numbers.append(CellRow(file, number, where, text))
    return long_rows, numbers


def combine(parts: list, table: Table, problems: list[Problem]):
    """One table's ``load.Records`` from several files, joined by key: a record's columns may come from
    different files (placements from one printed table, weeks of care from another). Every part's rows are
    ``CellRow``s, so each figure keeps its own file, row and column. A figure given in two files is an error
    naming both cells."""
    from .load import Records

    if len(parts) == 1:
        return parts[0]
    key_columns = list(table.key)
    unreadable = set().union(*(records.unreadable for records in parts))
    percent_signs = set().union(*(records.percent_signs for records in parts))
    out: dict[str, list] = {}
    for kind in ("rows", "totals"):
        joined: dict[tuple, list] = {}
        order: list = []
        for records in parts:
            for number, record in getattr(records, kind):
                key = tuple(record.get(k) for k in key_columns)
                if any(v is None for v in key) or key not in joined:
                    slot = [number, dict(record)]
                    order.append(slot)
                    if not any(v is None for v in key):
                        joined[key] = slot
                    continue
                slot = joined[key]
                for column in table.columns:
                    name = column.name
                    if name in key_columns:
                        continue
                    if record.get(name) is None:
                        if (number, name) in unreadable:  # reported where it was typed: not again as missing
                            slot[0] = _joined(slot[0], number, name)
                            unreadable.add((slot[0], name))
                        continue
                    if slot[1].get(name) is not None:
                        there = slot[0].locate(name)
                        problems.append(Problem(
                            "figure-repeated", f"this figure is also given in {there[0]}, row {there[1]}, column "
                            f"{there[2]!r}", row=number, column=name, value=record[name],
                            hint="keep it in one file"))
                        continue
                    slot[1][name] = record[name]
                    slot[0] = _joined(slot[0], number, name)
                    if (number, name) in percent_signs:
                        percent_signs.add((slot[0], name))
        out[kind] = [(number, record) for number, record in order]
    # A record joined from several cells is known by its new row; what was unreadable follows it.
    return Records(out["rows"], out["totals"], unreadable, percent_signs)


def _joined(first: CellRow, number: CellRow, column: str) -> CellRow:
    """``first`` (a record's cells so far) with ``column`` taken from ``number``'s cell."""
    cells = {**{name: first.locate(name) for name in first.cells}, column: number.locate(column)}
    return CellRow(first.file, int(first), cells, first.origin)
