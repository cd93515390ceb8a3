"""Declared tables: any tidy table a council publishes, with a small schema beside its CSV (issue 10).

A statement prints more than the data contract holds: the council's own projections and planned
mix, comparators' unit costs, England and regional figures, unaccompanied children by route. An
analyst adds such a table as ``data/<year>/<name>.csv`` with ``data/<year>/<name>.yml`` beside it
(or one ``data/<name>.yml`` for every year's ``<name>.csv``). The schema says what the table is
(title, description, source), its columns (name, type from ``contract.COLUMN_TYPES``, unit,
description, codes), its key and, if it is drawn, its chart (``catalogue.ChartStyle``). The file is
then read and checked as the contract's tables are (``load.read_table``, ``validate``'s table
checks: file, row, column, value and what was expected), and a page shows it with
``{{ table("<name>") }}`` and ``{{ chart("<name>") }}``, with a CSV download, a line in the ZIP and
an entry on the methods page, in both editions (``sensitive: true`` keeps it out of the public one).

Privacy: a declared table holds no counts of this council's children unless its schema lists them
under ``counts_children`` (a whole-number column whose unit or description speaks of children or
placements must be listed, or say what else it counts). Its schema then says how the rows add up
(``adds_up``: ``none``, ``total row`` with ``total_row: {column: code}``, or ``rows and columns``),
which becomes the contract's own ``Protection`` (one declaration, read by ``disclosure.py`` for the
contract's tables and these alike): the same primary and secondary suppression, the same audit. The
rule for what a reader knows is conservative: every group's total is taken as known
(``Protection.totals_known``), since a declared table's totals are often published elsewhere (all
children by sex is the children looked after). A total is therefore never withheld to protect a part,
and where the CSV has no total rows the site prints them (``Total``) while counts are withheld, so the
published table shows every relation the suppression assumed and the independent audit
(``generator.audit``) reads them. England, regional and comparator figures and unit costs are not
counts of this council's children.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .attrs import attr
from .catalogue.base import ChartStyle, Output
from .contract import COLUMN_TYPES, Column, Protection, Table, reads_as_total
from .frames import records
from .problems import BuildError, Problem

MARKS = ("bar", "grouped_bar", "stacked_bar", "line")
SCHEMA_SUFFIXES = (".yml", ".yaml")
#: A declared column's ``values.KINDS`` kind, by its type.
KIND_OF_TYPE = {"integer": "count", "number": "number", "money": "money", "percent": "percent", "year": "year"}
SCHEMA_EXAMPLE = ("title: ..., description: ..., source: ..., key: [column, ...] and columns: a list of "
                  "'- name: ..., type: integer|number|money|percent|code|text|date|month|year, unit: ..., "
                  "description: ...'")
GUIDE = "see docs/analysts.md, 'Any other table you publish'"


@dataclass(frozen=True)
class Declared:
    """One declared table: the contract-style ``Table`` that load and validate read it with, and what
    a page needs to show it."""

    table: Table
    file: str  # the schema file, as the analyst sees it
    source: str
    chart: ChartStyle | None = None
    sensitive: bool = False
    counts_children: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # column -> reader-facing heading

    @property
    def name(self) -> str:
        return self.table.name


def schema_for(csv_path: Path, data_dir: Path) -> Path | None:
    """The schema of ``data/<year>/<name>.csv``: ``<name>.yml`` beside it, else ``data/<name>.yml``."""
    for folder in (csv_path.parent, Path(data_dir)):
        for suffix in SCHEMA_SUFFIXES:
            candidate = folder / f"{csv_path.stem}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def _problem(code: str, message: str, file: str, line: int | None, **kw) -> Problem:
    return Problem(code, message, file=file, line=line, **kw)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    return None


def read_schema(path: Path, file: str, name: str) -> tuple[Declared | None, list[Problem]]:
    """The schema at ``path`` for the table ``name``, or None and every problem in it."""
    from . import inputs

    try:
        settings = inputs.read_yaml(path, file, SCHEMA_EXAMPLE, stage="data")
    except BuildError as exc:
        return None, list(exc.problems)
    data, at = settings.data, settings.line
    problems: list[Problem] = []
    for key in ("title", "source"):
        if not _text(data.get(key)):
            problems.append(_problem("schema-missing", f"the schema has no {key}", file, at(key),
                                     expected="title: what the table shows; source: who published it, and when",
                                     hint=GUIDE))
    known = {"title", "description", "source", "columns", "key", "chart", "sensitive", "counts_children", "adds_up",
             "total_row", "wide"}  # wide: the table typed as printed, categories across the top (wide.py)
    for key in data:
        if key not in known:
            problems.append(_problem("schema-unknown", f"unknown setting {key!r}", file, at(key),
                                     expected="the settings " + ", ".join(sorted(known))))
    columns, labels = _columns(data.get("columns"), file, at("columns"), problems)
    names = [c.name for c in columns]
    key = data.get("key", [])
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not key or any(k not in names for k in key):
        problems.append(_problem("schema-key", "the key must list the columns that identify a row", file,
                                 at("key") or at("columns"), value=data.get("key"),
                                 expected="key: [one or more of " + ", ".join(names) + "]"))
        key = []
    counts = data.get("counts_children", []) or []
    counts = [counts] if isinstance(counts, str) else counts
    if not isinstance(counts, list) or any(c not in names for c in counts):
        problems.append(_problem("schema-counts-children", "counts_children must list columns of the table", file,
                                 at("counts_children"), value=data.get("counts_children"),
                                 expected="counts_children: [one or more of " + ", ".join(names) + "]"))
        counts = []
    for column in columns:
        if column.name in counts and column.type != "integer":
            problems.append(_problem("schema-counts-children", f"the column {column.name!r} is listed under "
                                     "counts_children, so it must hold whole numbers", file, at("counts_children"),
                                     value=f"{column.name} (type: {column.type})", expected="type: integer"))
    protection = _protection(data, counts, key, columns, file, at, problems)
    for column in columns:
        if column.type == "integer" and column.name not in counts and re.search(
                r"\b(child|children|young people|placements?)\b", f"{column.unit or ''} {column.description}", re.I):
            problems.append(_problem(
                "schema-counts-children", f"the column {column.name!r} looks like a count of children but is not "
                "listed under counts_children", file, at("columns"), value=column.name,
                hint="list it under counts_children (small counts are then protected or refused), or, if it "
                     "counts something else, say so in its unit and description"))
    chart = _chart(data.get("chart"), names, labels, file, at("chart"), problems)
    sensitive = data.get("sensitive", False)
    if not isinstance(sensitive, bool):
        problems.append(_problem("schema-sensitive", "sensitive must be true or false", file, at("sensitive"),
                                 value=sensitive))
        sensitive = False
    if problems:
        return None, problems
    table = Table(name, _text(data["title"]), _text(data.get("description")) or "", tuple(columns), tuple(key),
                  source=_text(data["source"]), sensitive=sensitive, required=False, protection=protection)
    return Declared(table, file, _text(data["source"]), chart, sensitive, tuple(counts), labels), []


#: How a declared table's counts add up, as its schema says it (``adds_up``).
ADDS_UP = {
    "none": "the rows have no total: the site treats the table's totals as known to a reader and prints them",
    "total row": "each group has its own total row, named by total_row (e.g. total_row: {age_band: all})",
    "rows and columns": "a two-way table (two key columns) whose row and column totals are known to a reader; "
                        "the site prints them",
}


def _protection(data: dict, counts: list[str], key: list[str], columns: list[Column], file: str, at,
                problems: list[Problem]) -> Protection | None:
    """The schema's counts of children and how they add up, as the contract's ``Protection`` declares them for
    its own tables (``disclosure.py`` reads both alike). Every group's total is taken as known to a reader
    (``Protection.totals_known``): a declared table's totals are often published elsewhere."""
    adds_up, total_row = data.get("adds_up"), data.get("total_row")
    if not counts:
        for setting in ("adds_up", "total_row"):
            if data.get(setting) is not None:
                problems.append(_problem("schema-adds-up", f"{setting} says how counts of children add up, but the "
                                         "schema lists no counts_children", file, at(setting), value=data[setting],
                                         expected="counts_children: [the columns that count children], or no "
                                                  f"{setting}"))
        return None
    if adds_up is None:
        adds_up = "total row" if total_row is not None else "none"
    adds_up = " ".join(str(adds_up).lower().replace("_", " ").split())
    if adds_up not in ADDS_UP:
        problems.append(_problem("schema-adds-up", "adds_up must say how the rows add up", file, at("adds_up"),
                                 value=data.get("adds_up"),
                                 expected="; ".join(f"{k}: {v}" for k, v in ADDS_UP.items())))
        return None
    if len(key) > 2:
        problems.append(_problem("schema-key", "a table of counts of children has one or two key columns, so that "
                                 "its totals are clear", file, at("key"), value=data.get("key"),
                                 expected="key: [one column] or [row column, column column]",
                                 hint="split it into tables of one or two breakdowns"))
        return None
    if not key:
        return None  # the key's own problem is reported
    if adds_up == "rows and columns":
        if len(key) != 2:
            problems.append(_problem("schema-adds-up", "rows and columns needs a two-way table", file, at("adds_up"),
                                     value=f"key: {key}", expected="key: [row column, column column], or adds_up: "
                                                                   "none"))
            return None
        adds_up = "none"
    if adds_up == "none":
        timed = [c.name for c in columns if c.name in key and c.type in ("year", "month", "date")]
        if timed:
            problems.append(_problem("schema-adds-up", f"totals over {timed[0]!r} would add up counts at different "
                                     "dates, so a table of counts by date needs its own total rows", file,
                                     at("adds_up") or at("key"), value=f"key: {key}",
                                     expected="adds_up: total row, with total_row naming each date's total row; or "
                                              "one table a year, in that year's folder",
                                     hint="a table in data/<year>/ is already that year's"))
            return None
        if total_row is not None:
            problems.append(_problem("schema-adds-up", "total_row is only for adds_up: total row", file,
                                     at("total_row"), value=total_row, expected="adds_up: total row"))
            return None
        for column in columns:
            for code, label in (column.codes or {}).items() if column.name in key else ():
                if reads_as_total(label):
                    problems.append(_problem(
                        "schema-total-row", f"the {column.name} {label!r} reads as a total, but adds_up says the "
                        "rows have none", file, at("adds_up") or at("columns"), value=label,
                        expected=f"adds_up: total row with total_row: {{{column.name}: {code}}}, or a label that "
                                 "does not begin 'All' or 'Total'"))
                    return None
        return Protection(counts=tuple(counts), two_way=tuple(key) if len(key) == 2 else None, totals_known=True)
    by_name = {c.name: c for c in columns}
    if not (isinstance(total_row, dict) and len(total_row) == 1 and next(iter(total_row)) in key):
        problems.append(_problem("schema-total-row", "total_row must name the key column and the code of each "
                                 "group's total row", file, at("total_row") or at("adds_up"), value=total_row,
                                 expected="total_row: {" + (key[-1] if key else "column") + ": all}"))
        return None
    column_name, code = next(iter(total_row.items()))
    column, code = by_name[column_name], str(code)
    label = column.codes.get(code) if column.type == "code" else code
    if label is None:
        problems.append(_problem("schema-total-row", "the total row's code is not one of the column's codes",
                                 file, at("total_row"), value=code,
                                 expected="one of " + ", ".join(column.codes or ())))
        return None
    if not reads_as_total(label):
        problems.append(_problem("schema-total-row", "the total row's label must say it is a total, so that a "
                                 "reader sees which row adds up the others", file, at("total_row"), value=label,
                                 expected="a label such as 'Total', 'All' or 'All children'"))
        return None
    group = next((k for k in key if k != column_name), "")
    return Protection(counts=tuple(counts), group_total=(group, column_name, code), totals_known=True)


def check_rows(declared: Declared, frame: pd.DataFrame, file: str) -> list[Problem]:
    """A table of counts' rows as its schema says they add up: each total row equal to its group's rows
    (``adds_up: total row``), and, in a table said to have no total rows, no row whose name reads as a total
    (``All other``: a reader, and the audit, would take it for one)."""
    protection = declared.table.protection
    if protection is None:
        return []
    problems = []
    rows = list(attr(frame, "rows") or [])
    if protection.group_total is not None:
        return _check_total_rows(protection, frame, file, rows)
    for name in declared.table.key:
        if declared.table.column(name).type != "text":
            continue
        for position, value in enumerate(frame[name]):
            if isinstance(value, str) and reads_as_total(value):
                problems.append(Problem(
                    "declared-total-row", "this row's name reads as a total, but the schema says the rows have "
                    "none (adds_up: none)", file=file, row=rows[position] if position < len(rows) else None,
                    column=name, value=value,
                    expected="adds_up: total row with total_row naming it, or a name that does not begin "
                             "'All' or 'Total'"))
    return problems


def _check_total_rows(protection: Protection, frame: pd.DataFrame, file: str, rows: list) -> list[Problem]:
    group, code, total_code = protection.group_total
    problems = []
    for _, members in (frame.groupby(group, sort=False) if group else [(None, frame)]):
        is_total = members[code].astype(str) == str(total_code)
        for index in members.index[is_total]:
            for column in protection.counts:
                total, parts = members.loc[index, column], members.loc[~is_total, column]
                if pd.isna(total) or parts.isna().any() or int(total) == int(parts.sum()):
                    continue
                position = frame.index.get_loc(index)
                problems.append(Problem(
                    "declared-total", "the total row does not add up to its rows", file=file,
                    row=rows[position] if position < len(rows) else None, column=column, value=int(total),
                    expected=f"{int(parts.sum())}, the sum of the group's other rows",
                    hint="correct it; or, if the council printed it so, leave the total row out and say adds_up: "
                         "none (a total the council got wrong is not repeated)"))
    return problems


def _columns(raw, file: str, line: int | None, problems: list[Problem]) -> tuple[list[Column], dict[str, str]]:
    if not isinstance(raw, list) or not raw:
        problems.append(_problem("schema-columns", "the schema must list the table's columns", file, line,
                                 expected="columns: then one '- name: ..., type: ...' line per column", hint=GUIDE))
        return [], {}
    columns, labels = [], {}
    for position, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not _text(entry.get("name")):
            problems.append(_problem("schema-column", f"column {position} needs a name and a type", file, line,
                                     value=entry, expected="- name: ..., type: ..."))
            continue
        from .load import header_name

        name = header_name(_text(entry["name"]))
        kind = entry.get("type")
        if kind not in COLUMN_TYPES:
            problems.append(_problem("schema-column-type", f"the column {name!r} has an unknown type", file, line,
                                     value=kind, expected="one of " + ", ".join(COLUMN_TYPES)))
            continue
        codes = entry.get("codes")
        if kind == "code":
            if isinstance(codes, list):
                codes = {str(c): str(c) for c in codes}
            if not isinstance(codes, dict) or not codes:
                problems.append(_problem("schema-codes", f"the code column {name!r} must list its codes", file,
                                         line, expected="codes: {code: label as printed, ...}"))
                continue
            codes = {str(c): str(label) for c, label in codes.items()}
        elif codes is not None:
            problems.append(_problem("schema-codes", f"only code columns list codes ({name!r} is {kind})", file, line))
            continue
        if name in labels:
            problems.append(_problem("schema-column", f"the column {name!r} is listed twice", file, line))
            continue
        minimum = entry.get("minimum", 0 if kind in ("integer", "money") else None)
        columns.append(Column(name, kind, _text(entry.get("description")) or "", unit=_text(entry.get("unit")),
                              codes=codes, required=entry.get("required", True) is not False, minimum=minimum))
        labels[name] = _text(entry.get("label")) or name.replace("_", " ").capitalize()
    return columns, labels


def _chart(raw, names: list[str], labels: dict, file: str, line: int | None,
           problems: list[Problem]) -> ChartStyle | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(_problem("schema-chart", "chart must be settings: mark, x, y and optionally colour", file,
                                 line))
        return None
    if raw.get("mark") not in MARKS:
        problems.append(_problem("schema-chart", "unknown chart mark", file, line, value=raw.get("mark"),
                                 expected="one of " + ", ".join(MARKS)))
        return None
    chosen = {}
    for part in ("x", "y", "colour"):
        value = raw.get(part)
        if value is None and part == "colour":
            continue
        if value not in names:
            problems.append(_problem("schema-chart", f"the chart's {part} must be a column of the table", file, line,
                                     value=value, expected="one of " + ", ".join(names)))
            return None
        chosen[part] = labels[value]
    if raw["mark"] in ("grouped_bar", "stacked_bar") and "colour" not in chosen:
        problems.append(_problem("schema-chart", f"a {raw['mark']} chart needs a colour column", file, line))
        return None
    return ChartStyle(raw["mark"], chosen["x"], chosen["y"], colour=chosen.get("colour"),
                      horizontal=bool(raw.get("horizontal", False)))


# ---------------------------------------------------------------------------
# As a page shows it
# ---------------------------------------------------------------------------

def display_frame(declared: Declared, view) -> pd.DataFrame:
    """The table as published: the schema's column headings, codes as their labels, rows as typed."""
    frame = view.table(declared.name)
    table = declared.table
    if frame is None:
        return pd.DataFrame(columns=[declared.labels[c.name] for c in table.columns])
    shown = {}
    for column in table.columns:
        values = frame[column.name]
        if column.type == "code":
            values = values.map(lambda v, codes=column.codes: codes.get(v, v) if isinstance(v, str) else v)
        elif column.type == "date":
            values = values.map(lambda v: "" if pd.isna(v) else f"{v.day} {v:%B %Y}")
        elif column.type == "integer" and values.notna().all():
            values = values.astype("int64")
        shown[declared.labels[column.name]] = values.reset_index(drop=True)
    shown = pd.DataFrame(shown)
    protection = table.protection
    if protection is not None and protection.group_total is None and view.authority.suppression_threshold > 0:
        shown = with_totals(shown, [declared.labels[k] for k in table.key],
                            [declared.labels[c] for c in protection.counts])
    return shown


#: The label of a total the site adds to a declared table of counts (``with_totals``).
TOTAL_LABEL = "Total"


def with_totals(frame: pd.DataFrame, keys: list[str], counts: list[str]) -> pd.DataFrame:
    """The table with the totals a reader is taken to know printed as rows: one key column, a ``Total`` row;
    two, each row group's total after its rows, then each column's total and the grand total. Only the counts
    of children are added up (other columns are blank on a total row)."""
    if frame.empty:
        return frame

    def total_of(rows: pd.DataFrame, where: dict) -> dict:
        row = {column: where.get(column, math.nan) for column in frame.columns}
        for column in counts:
            row[column] = rows[column].sum(skipna=False)  # a count not supplied (x) leaves the total x
        return row

    out = []
    if len(keys) == 1:
        out = [*records(frame), total_of(frame, {keys[0]: TOTAL_LABEL})]
    else:
        first, second = keys
        for value, rows in frame.groupby(first, sort=False):
            out += records(rows)
            out.append(total_of(rows, {first: value, second: TOTAL_LABEL}))
        for value, rows in frame.groupby(second, sort=False):
            out.append(total_of(rows, {first: TOTAL_LABEL, second: value}))
        out.append(total_of(frame, {first: TOTAL_LABEL, second: TOTAL_LABEL}))
    result = pd.DataFrame(out, columns=frame.columns)
    for column in counts:
        if result[column].notna().all():
            result[column] = result[column].astype("int64")
    for column in frame.columns:
        if column not in counts and frame[column].dtype == object:
            result[column] = result[column].astype(object).where(result[column].notna(), "")
    result.attrs["added_totals"] = TOTAL_LABEL  # a chart draws the rows, not these totals (charts._Prepared)
    return result


def output(declared: Declared) -> Output:
    """The declared table as ``table()`` and ``chart()`` take it."""
    table = declared.table
    units = {declared.labels[c.name]: KIND_OF_TYPE[c.type] for c in table.columns if c.type in KIND_OF_TYPE}
    described = "; ".join(f"{declared.labels[c.name]}: {c.description}" + (f" ({c.unit})" if c.unit else "")
                          for c in table.columns if c.description or c.unit)
    totals = ""
    if table.protection is not None:
        totals = ("Counts of children from 1 to the threshold are withheld (c), with others where they would give "
                  "one away; every group's total is taken as known to a reader, "
                  + ("as the table prints it." if table.protection.group_total else
                     "and printed as a Total row while counts are withheld."))
    description = " ".join(p for p in (table.description, f"Columns: {described}." if described else "",
                                       "Figures as the council published them, not computed by this site.", totals)
                           if p)
    return Output(name=table.name, title=table.title, frame=functools.partial(display_frame, declared),
                  sources=tuple(f"{table.name}.{c}" for c in table.column_names), chart=declared.chart,
                  description=description, units=units, source=declared.source, sensitive=declared.sensitive)


def outputs(view) -> dict[str, Output]:
    """The year's declared tables as outputs, by name."""
    return {name: output(declared) for name, declared in sorted(getattr(view, "declared", {}).items())}
