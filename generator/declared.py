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
under ``counts_children``. Declared tables have no place in secondary suppression
(``disclosure.py`` protects the contract's tables only), so such columns are refused unless the
project withholds nothing (``suppression_threshold: 0``: figures the council has already
published, shown as printed). England, regional and comparator figures and unit costs are not
counts of this council's children.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .catalogue.base import ChartStyle, Output
from .contract import COLUMN_TYPES, Column, Table
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


def read_schema(path: Path, file: str, name: str, threshold: int) -> tuple[Declared | None, list[Problem]]:
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
    known = {"title", "description", "source", "columns", "key", "chart", "sensitive", "counts_children",
             "wide"}  # wide: the table typed as printed, categories across the top (wide.py)
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
    for column in counts:
        if threshold > 0:
            problems.append(_problem(
                "schema-counts-children", f"the column {column!r} counts children, and a declared table's counts "
                "cannot yet be protected by secondary suppression, so it is not published", file,
                at("counts_children"), value=column,
                hint="add the figures to a data-contract table if one fits (see the data contract), or, if "
                     "every figure here is already published by the council, set suppression_threshold: 0 in "
                     "authority.yml"))
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
                  source=_text(data["source"]), sensitive=sensitive, required=False)
    return Declared(table, file, _text(data["source"]), chart, sensitive, tuple(counts), labels), []


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
    return pd.DataFrame(shown)


def output(declared: Declared) -> Output:
    """The declared table as ``table()`` and ``chart()`` take it."""
    table = declared.table
    units = {declared.labels[c.name]: KIND_OF_TYPE[c.type] for c in table.columns if c.type in KIND_OF_TYPE}
    described = "; ".join(f"{declared.labels[c.name]}: {c.description}" + (f" ({c.unit})" if c.unit else "")
                          for c in table.columns if c.description or c.unit)
    description = " ".join(p for p in (table.description, f"Columns: {described}." if described else "",
                                       "Figures as the council published them, not computed by this site.") if p)
    return Output(name=table.name, title=table.title, frame=functools.partial(display_frame, declared),
                  sources=tuple(f"{table.name}.{c}" for c in table.column_names), chart=declared.chart,
                  description=description, units=units, source=declared.source, sensitive=declared.sensitive)


def outputs(view) -> dict[str, Output]:
    """The year's declared tables as outputs, by name."""
    return {name: output(declared) for name, declared in sorted(getattr(view, "declared", {}).items())}
