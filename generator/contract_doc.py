"""The data contract as Markdown for analysts, generated from ``contract.py``.

``contract_markdown()`` is the page; ``python -m generator.contract_doc`` writes
it to ``docs/data-contract.md`` (a test fails when that file falls behind).
The checks section is drawn from the checks' own docstrings in ``validate.py``.
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

from .contract import COLUMN_TYPES, TABLES, Column, Table
from .validate import DATASET_CHECKS, TABLE_CHECKS, YEAR_CHECKS

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "data-contract.md"
REGENERATE = "python -m generator.contract_doc"

SOURCES = {"ssda903": "SSDA903 return (written by `extract`)"}

EXCEL = """\
Save each sheet as CSV (*CSV UTF-8* or plain *CSV* from Excel both work). Loading forgives Excel's habits:

- UTF-8 with or without a byte-order mark (*CSV UTF-8*), Windows-1252 (plain *CSV*, where `£` is the
  byte 0xA3) and UTF-16 with a byte-order mark (*Unicode text*, tab-separated); semicolons as separators;
- thousands separators and pound signs: `1,234`, `£1,234`, `£1,234.50`; per cent signs: `12%` (in
  `benchmarks` and `scenarios` too, where the measure or lever says the value is a percentage);
- spaces around cells; blank rows; blank columns with no header at the end of the sheet;
- headers in any case and with spaces: `Weeks of care` is read as `weeks_of_care`;
- in code columns, the code or its label, in any case, with spaces, hyphens and underscores alike:
  `10 to 15`, `Age 10-to-15` and `age_10_to_15` are all `age_10_to_15`;
- months as `2025-04`, `Apr-25`, `April 2025`, `01/04/2025`; years as `2026` or the financial year `2025-26`;
- the ways statements write categories: `0-4 years`, `5-9 yrs`, `16+`, `IFA`, `Boys`, `Children's homes`.

Start from what you have: every table, and every column not marked required, may be left out; a figure
that needs what is missing shows `x` (not available), never 0. A percentage published without its count
goes in the `percent` column (Bromley's `54%` White); with the count too, the two are checked. A rate
per 10,000 published without the population goes in `looked_after`'s `rate_per_10000`, on the total row;
with the population too, the two are checked.

**Tables printed wide.** A table copied as printed, with categories across the top (age bands, years),
is read with a note of the same name beside it, `<file>.yml`: `wide: {across: age_band, cells: placements}`
says the headers are values of `age_band` and the figures fill `placements` (`table:` names the table when
the file is named otherwise, as for a second printed table of the same rows; a row of years across the top
goes in `data/` itself, `across: year`, and fills the year folders). It is turned into the long
table before it is checked; every problem names the row and the header as typed. See the analysts'
guide, "Tables printed wide".

**Your own categories.** Age bands, placement types, service lines, routes and the other categories a
council publishes by its own names are declared once in `authority.yml` under `categories:`, each with
its label as the council writes it and the DfE category it maps to; tables may then use the council's
code, its label or the DfE's. See the analysts' guide, "Your own categories".

**Total rows.** A row whose key cell reads `Total`, `Totals`, `All ages` (or any key cell of a group the
council declares, such as `Fostering`) is a printed subtotal: it is kept apart, checked against the rows
it adds up, and used where the rows cannot give the figure or agree with it within rounding. A printed
subtotal that disagrees by more is the statement's slip: a warning (`subtotal-mismatch`), and the site
shows the sum of the rows.

Anything that cannot be read is reported with its file, row (as Excel numbers them: the header is row 1,
the first data row is 2), column, the value found, what was expected, and the nearest valid name or code.
Every problem in every file is reported at once, at most ten of a kind in a file ("... and 1,234 more
like this"). Never read garbled: a UTF-8 file with a few Windows-1252 bytes in it (a Word apostrophe
pasted in) is refused at each such cell, and so is text garbled before it was saved (`childrenâ€™s`).
A percentage is written out of 100 (`67` or `67%`): `0.67` among `67`s is refused, not published as 1%.
"""

LOAD_CHECKS = """\
When the data is read:

- a CSV anywhere under `data/` with a child-level column ({child}) stops the build: child-level records
  must never be in `data/`; run `extract`, which writes only aggregates (`child-level-data`);
- no `data/` folder (`data-missing`), or no year folder in it (`years-missing`); no folder for a
  statement year listed in `authority.yml` (`statement-year-missing`);
- a required table missing from a year folder or from `data/reference/` (`table-missing`; no table is
  required today: a council starts from what it has);
- a CSV whose name is not a table and that no schema declares, with the nearest table's name and the
  fix, a schema `<name>.yml` beside it (`file-unknown`); a declared table named like one of the site's
  charts or tables (`file-name-taken`); a schema's own mistakes, named by the schema file and line
  (`schema-missing`, `schema-unknown`, `schema-columns`, `schema-column`, `schema-column-type`,
  `schema-codes`, `schema-key`, `schema-chart`, `schema-sensitive`), a schema in a year folder with no
  CSV beside it or beside a contract table (`schema-unused`, a warning), and a count of children in a
  declared table that is not declared under `counts_children`, or a listed column that is not whole
  numbers (`schema-counts-children`), and how a table of counts adds up: `adds_up` or `total_row` without
  counts, an unknown `adds_up`, `rows and columns` without two key columns (`schema-adds-up`), a total row
  whose code is not the column's or whose label does not read as a total, a category that reads as a
  total in a table said to have none (`schema-total-row`; a row of the CSV named so: `declared-total-row`;
  a total row that does not add up to its group: `declared-total`),
  totals over a date column (`schema-adds-up`), more than two key columns (`schema-key`);
  see the analysts' guide, "Any other table you publish"; a spreadsheet
  (`.xlsx`) instead of a CSV (`file-not-csv`); an empty file (`file-empty`) or one that cannot be
  read (`file-unreadable`);
- a file that is not text, or not in an encoding the tool reads (`file-not-text`); in an otherwise UTF-8
  file, a cell with a character that is not UTF-8 (`cell-encoding`) or text garbled by a wrong encoding,
  such as `childrenâ€™s` for `children’s` (`cell-garbled`);
- the header row again inside the table, as when a table is pasted twice (`header-repeated`: the rows
  from there on are not read);
- a table typed wide, with its note: a note whose settings do not fit the table (`wide-settings`, named by
  the note and line); a caption above the headers (`wide-title`); a first column with no header when the
  table has more than one column it could hold (`wide-down`); a header across the top that is not one
  of the column's values (`wide-header-code`, `wide-header-year` ..., once, in row 1), or the same value
  as another header (`column-repeated`); a figure given in two files of the same table
  (`figure-repeated`, naming both cells); a CSV in `data/` itself with no note saying its years are across
  the top (`file-not-read`, a warning: it is not read);
- an unknown, repeated or missing column (`column-unknown`, `column-repeated`, `column-missing`);
  values in a column with no header, as when `1,234` is not quoted (`column-no-header`);
- a cell that does not fit its column's type (`cell-integer`, `cell-money`, `cell-code`, `cell-month` ...);
- a folder under `data/` that is neither a year nor `reference` (`folder-unknown`, a warning).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _codes(codes: dict[str, str]) -> str:
    return "<br>".join(f"`{code}` {_cell(label)}" for code, label in codes.items())


def _allowed(column: Column) -> str:
    if column.codes is not None:
        return _codes(column.codes)
    if column.codes_by is not None:
        other, mapping = column.codes_by
        return "<br>".join(f"**{other} `{value}`:**<br>{_codes(codes)}" for value, codes in mapping.items())
    return ""


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def table_markdown(table: Table) -> str:
    folder = "data/<year>" if table.scope == "year" else "data/reference"
    lines = [
        f"### `{table.name}`: {table.title}", "",
        table.description, "",
        f"- File: `{folder}/{table.name}.csv`" + ("" if table.required else " (optional)"),
        f"- Source: {SOURCES.get(table.source, table.source)}",
        "- Key (one row for each): " + ", ".join(f"`{k}`" for k in table.key),
    ]
    if table.total_code:
        column, code = table.total_code
        lines.append(f"- Total rows: the row with `{column}` `{code}` equals the sum of the other rows of its group")
    if table.sensitive:
        lines.append("- Commercially sensitive: the whole table (left out of the public edition)")
    lines += [f"- Note: {note}" for note in table.notes]
    lines += ["", "| Column | Type | Unit | Allowed codes | Required | Commercially sensitive | Description |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for column in table.columns:
        lines.append(
            f"| `{column.name}` | {column.type}: {_cell(COLUMN_TYPES[column.type])} | {_cell(column.unit or '')} "
            f"| {_allowed(column)} | {_yes(column.required)} | {_yes(column.sensitive or table.sensitive)} "
            f"| {_cell(column.description)} |")
    return "\n".join(lines)


def _check_line(check) -> str:
    first_paragraph = (inspect.getdoc(check) or check.__name__).split("\n\n")[0]
    return "- " + " ".join(first_paragraph.split()).replace("``", "`")


def contract_markdown() -> str:
    """The whole data contract page."""
    from .contract import CHILD_LEVEL_COLUMNS

    parts = [
        "# Data contract", "",
        "<!-- Generated from generator/contract.py: do not edit; run "
        f"`{REGENERATE}` to regenerate. -->", "",
        "Every figure on the site comes from the CSV files described here. Each year's tables live in "
        "`data/<year>/`, where the year is the one ending 31 March (`data/2026/` holds April 2025 to "
        "March 2026); reference tables covering every year live in `data/reference/`.", "",
        "## Column types", "",
        "| Type | What is accepted |", "| --- | --- |",
        *[f"| {kind} | {_cell(text)} |" for kind, text in COLUMN_TYPES.items()], "",
        "## Files from Excel", "", EXCEL,
        "## Year tables", "",
    ]
    for table in TABLES:
        if table.scope == "year":
            parts += [table_markdown(table), ""]
    parts += ["## Reference tables", ""]
    for table in TABLES:
        if table.scope == "reference":
            parts += [table_markdown(table), ""]
    parts += [
        "## Checks", "",
        "Errors stop the build; warnings are reported only. Each problem has a stable code, shown in brackets.", "",
        LOAD_CHECKS.format(child=", ".join(f"`{c}`" for c in CHILD_LEVEL_COLUMNS)),
        "Every table:", "", *[_check_line(c) for c in TABLE_CHECKS], "",
        "Within each year:", "", *[_check_line(c) for c in YEAR_CHECKS], "",
        "Reference tables against the years:", "", *[_check_line(c) for c in DATASET_CHECKS], "",
    ]
    return "\n".join(parts)


def write(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(contract_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":  # python -m generator.contract_doc [path]
    print(f"wrote {write(Path(sys.argv[1]) if len(sys.argv) > 1 else DOC_PATH)}")
