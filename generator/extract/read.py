"""Finding and reading SSDA903 files: which table each file is and which year.

A source folder may hold:

* one folder per collection year (``2017-18/``, ``2018_19/`` or ``2018/``), each
  with the year's header, episodes, UASC and OC3 files under any names;
* files whose names start with the year the collection *starts*, as the DfE
  tools and the peer samples write them (``2017-episodes.csv`` is 2017-18, the
  year ending 31 March 2018);
* multi-year files with a year column (``YEAR`` or ``COLLECTION_YEAR``).

Years are always reported as the year ending 31 March. A plain four-digit
folder name or year-column value is read as that year ending 31 March; a
``2017-18`` style name as its second year. A file is recognised by its
columns, not its name: episodes have ``DECOM``, the header ``ETHNIC``, UASC
``DUC`` and OC3 ``IN_TOUCH``. Other 903 files (reviews, OC2, missing ...) are
listed in the report and not read further.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..problems import BuildError, Problem

SIGNATURES = (("episodes", "DECOM"), ("oc3", "IN_TOUCH"), ("uasc", "DUC"), ("header", "ETHNIC"))
YEAR_COLUMNS = ("YEAR", "COLLECTION_YEAR", "COLLECTIONYEAR")
COLUMNS = {
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UASC"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
}
REQUIRED = {
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"),
    "header": ("CHILD", "DOB"),
    "uasc": ("CHILD",),
    "oc3": ("CHILD", "DOB", "IN_TOUCH"),
}

CODE_COLUMNS = {"SEX", "ETHNIC", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "IN_TOUCH", "ACTIV",
                "ACCOM", "UASC"}

#: Kept as read (cleaned where used): many distinct values, cleaning them all is costly.
#: Dates are stripped when parsed, CHILD once the files are stacked.
RAW_COLUMNS = {"HOME_POST", "PL_POST", "URN", "CHILD", "DECOM", "DEC", "DOB", "DUC"}

_SPAN = re.compile(r"(?<!\d)(\d{4})\s*[-_/]\s*(\d{2}|\d{4})(?!\d)")
_PREFIX = re.compile(r"^(\d{4})(?=[-_ .][A-Za-z])")
_PLAIN = re.compile(r"^(?:fy|y|year)?[-_ ]?(\d{4})$", re.I)


def _year_from_span(start: str, end: str) -> int | None:
    first = int(start)
    second = int(end) if len(end) == 4 else (first // 100) * 100 + int(end)
    if second == first + 1 or (len(end) == 2 and second % 100 == (first + 1) % 100):
        return first + 1
    return None


def year_from_path(path: Path, source: Path) -> int | None:
    """The collection year (ending 31 March) a file's name or folder gives, if any."""
    match = _PREFIX.match(path.name)
    if match:  # 2017-episodes.csv: the year the collection starts
        return int(match.group(1)) + 1
    for part in reversed(path.relative_to(source).parts):
        span = _SPAN.search(part)
        if span and (year := _year_from_span(*span.groups())):
            return year
        plain = _PLAIN.match(Path(part).stem if part == path.name else part)
        if plain:
            return int(plain.group(1))
    return None


def clean_text(values: pd.Series, upper: bool = False, categorical: bool = False) -> pd.Series:
    """Cells stripped (codes also upper-cased, spaces removed), blanks missing.

    Works on the distinct values only, so a million rows of a few hundred codes
    cost little (pandas' string methods loop over every row in Python). Codes
    come back categorical, which keeps later comparisons cheap; text as objects.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = []
    for text in uniques:
        text = str(text).strip()
        if upper:
            text = text.upper().replace(" ", "")
        cleaned.append(text or None)
    if categorical:
        again, categories = pd.factorize(pd.Series(cleaned, dtype=object), use_na_sentinel=True)
        again = np.append(again, -1)
        return pd.Series(pd.Categorical.from_codes(again[codes], categories=categories.astype(object)),
                         index=values.index)
    return pd.Series(np.array(cleaned + [None], dtype=object)[codes], index=values.index, dtype=object)


def _read_csv(path: Path, wanted: set[str]) -> pd.DataFrame:
    """The file's ``wanted`` columns (matched ignoring case and spaces), as text."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, dtype=object, keep_default_na=False, encoding=encoding,
                                usecols=lambda c: str(c).strip().upper() in wanted)
            frame.columns = [str(c).strip().upper() for c in frame.columns]
            return frame
        except UnicodeDecodeError:
            continue
    raise BuildError(Problem("unreadable-file", "cannot decode the file as UTF-8 or Windows-1252",
                             file=str(path)), stage="extract")


def _kind(columns) -> str | None:
    names = set(columns)
    for kind, marker in SIGNATURES:
        if marker in names:
            return kind
    return None


def _year_column(frame: pd.DataFrame, name: str) -> pd.Series:
    text = clean_text(frame[name]).fillna("").astype(str)
    span = text.str.extract(r"^(\d{4})\s*[-_/]\s*(\d{2}|\d{4})$")
    plain = pd.to_numeric(text.where(text.str.fullmatch(r"\d{4}")), errors="coerce")
    start = pd.to_numeric(span[0], errors="coerce")
    return plain.fillna(start + 1)


def read_tables(source: Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every 903 table under ``source``, stacked across years.

    Columns are upper-cased, cells stripped, blanks are missing; each frame gains
    ``_file`` (path relative to ``source``), ``_row`` (spreadsheet row: the header
    is row 1) and ``_year`` (year ending 31 March). Returns the tables and one
    line per file for the report.
    """
    source = Path(source)
    if not source.exists():
        raise BuildError(Problem("no-source", "the 903 folder does not exist", file=str(source)),
                         stage="extract")
    paths = [source] if source.is_file() else sorted(
        p for p in source.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")
    base = source.parent if source.is_file() else source
    parts: dict[str, list[pd.DataFrame]] = {k: [] for k in COLUMNS}
    lines: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        name = str(path.relative_to(base))
        try:
            header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig", encoding_errors="replace")
        except pd.errors.EmptyDataError:
            lines.append(f"{name}: empty (0 bytes, or no header row); not read")
            continue
        except (pd.errors.ParserError, UnicodeError, OSError) as exc:
            lines.append(f"{name}: not a CSV file this can read ({str(exc).splitlines()[0][:80]}); not read")
            continue
        columns = [str(c).strip().upper() for c in header.columns]
        kind = _kind(columns)
        if kind is None:
            lines.append(f"{name}: not a header, episodes, UASC or OC3 file (no {', '.join(m for _, m in SIGNATURES)} "
                         "column); not read")
            continue
        frame = _read_csv(path, {*COLUMNS[kind], *YEAR_COLUMNS})
        missing = [c for c in REQUIRED[kind] if c not in columns]
        if missing:
            problems.append(Problem("missing-column", f"the {kind} file lacks column(s) {', '.join(missing)}",
                                    file=name, row=1, column=missing[0],
                                    expected=", ".join(COLUMNS[kind])))
            continue
        year_col = next((c for c in YEAR_COLUMNS if c in columns), None)
        if year_col:
            years = _year_column(frame, year_col)
            bad = years.isna()
            if bad.any():
                i = int(bad.to_numpy().argmax())
                problems.append(Problem("bad-year", "cannot read the collection year", file=name,
                                        row=i + 2, column=year_col, value=frame[year_col].iloc[i],
                                        expected="a year ending 31 March (2018) or a span (2017-18)"))
                continue
        else:
            year = year_from_path(path, base)
            if year is None:
                problems.append(Problem(
                    "no-year", "cannot tell which collection year the file is", file=name,
                    hint="put each year's files in a folder named like 2017-18, name files like "
                         "2017-episodes.csv (the year the collection starts), or add a YEAR column"))
                continue
            years = pd.Series(year, index=frame.index)
        keep = [c for c in COLUMNS[kind] if c in columns]
        out = pd.DataFrame({c: clean_text(frame[c], upper=c in CODE_COLUMNS, categorical=c in CODE_COLUMNS)
                            if c not in RAW_COLUMNS else frame[c] for c in keep})
        for c in COLUMNS[kind]:
            if c not in out:
                out[c] = pd.Series(None, index=out.index, dtype=object)
        out["_file"] = name
        out["_row"] = frame.index.to_numpy() + 2
        out["_year"] = years.astype(int).to_numpy()
        parts[kind].append(out)
        span = sorted(set(out["_year"]))
        lines.append(f"{name}: {kind}, year{'s' if len(span) > 1 else ''} "
                     f"{', '.join(map(str, span))}, {len(out)} rows")
    if problems:
        raise BuildError(problems, stage="extract")
    tables = {}
    for kind, frames in parts.items():
        if frames:
            with warnings.catch_warnings():  # pandas 2.2: all-blank columns in a file; dtypes are object anyway
                warnings.simplefilter("ignore", FutureWarning)
                tables[kind] = pd.concat(frames, ignore_index=True)
            tables[kind]["CHILD"] = clean_text(tables[kind]["CHILD"])
        else:
            tables[kind] = pd.DataFrame({c: pd.Series(dtype=object) for c in
                                         (*COLUMNS[kind], "_file", "_row", "_year")})
    if tables["episodes"].empty:
        skipped = [line for line in lines if line.endswith("not read")]
        found = ("; the CSV files found: " + "; ".join(skipped[:20]) + (
            f"; and {len(skipped) - 20} more" if len(skipped) > 20 else "")) if skipped else (
            "; there are no CSV files in it" if not paths else "")
        raise BuildError(Problem("no-episodes", f"no episodes file found (a CSV with a DECOM column){found}",
                                 file=str(source), hint="point extract at the folder holding the SSDA903 "
                                 "episodes file, saved as CSV"), stage="extract")
    return tables, lines
