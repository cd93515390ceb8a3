"""Finding and reading SSDA903 files: which table each file is and which year.

A source folder may hold:

* one folder per collection year (``2017-18/``, ``2018_19/`` or ``2018/``), each
  with the year's header, episodes, UASC and OC3 files under any names;
* files whose names start with the year the collection *starts*, as the DfE
  tools and the peer samples write them (``2017-episodes.csv`` is 2017-18, the
  year ending 31 March 2018);
* multi-year files with a year column (``YEAR`` or ``COLLECTION_YEAR``).

Years are always reported as the year ending 31 March. **The collection year
comes from the dates in the episodes file**: a return holds the episodes open
at some time in its year, so every episode that ended, ended within it; the
year in which most of them ended is the file's year (a few dates beyond it are
rule 385 failures, reported later). A folder name, file name or year column is
only checked against it: one that disagrees stops the extract with both years
named (a folder ``2024/`` holding 2024-25 is read as the year ending 31 March
2024 and would shift every figure by a year). A plain four-digit folder name or
year-column value is read as that year ending 31 March, a ``2017-18`` style
name as its second year, a ``2017-`` file-name prefix as the year the
collection starts. A file with no episode that ended takes its year from its
name (its latest start date must not be after that year). Header, UASC and OC3
files take the year of their name, or of the one episodes file beside them.

A file is recognised by its columns, not its name: episodes have ``DECOM``,
the header ``ETHNIC``, UASC ``DUC`` and OC3 ``IN_TOUCH``. Other 903 files
(reviews, OC2, missing ...) are listed in the report and not read further.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..problems import BuildError, Problem
from .dates import parse_dates

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

#: Kept as read: dates, parsed where used (each file's distinct dates are parsed once).
RAW_COLUMNS = {"DECOM", "DEC", "DOB", "DUC"}

CODE_COLUMNS = {"SEX", "ETHNIC", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "IN_TOUCH", "ACTIV",
                "ACCOM", "UASC"}


_SPAN = re.compile(r"(?<!\d)(\d{4})\s*[-_/]\s*(\d{2}|\d{4})(?!\d)")
_PREFIX = re.compile(r"^(\d{4})(?=[-_ .][A-Za-z])")
_PLAIN = re.compile(r"^(?:fy|y|year)?[-_ ]?(\d{4})$", re.I)


def _year_from_span(start: str, end: str) -> int | None:
    first = int(start)
    second = int(end) if len(end) == 4 else (first // 100) * 100 + int(end)
    if second == first + 1 or (len(end) == 2 and second % 100 == (first + 1) % 100):
        return first + 1
    return None


def year_label(year: int) -> str:
    """``2025`` -> ``2024-25 (the year ending 31 March 2025)``."""
    return f"{year - 1}-{year % 100:02d} (the year ending 31 March {year})"


def name_year(path: Path, source: Path) -> tuple[int, str] | None:
    """The collection year (ending 31 March) a file's name or folder gives, and which name gave it."""
    match = _PREFIX.match(path.name)
    if match:  # 2017-episodes.csv: the year the collection starts
        return int(match.group(1)) + 1, f"the file name {path.name!r}"
    for part in reversed(path.relative_to(source).parts):
        what = f"the file name {part!r}" if part == path.name else f"the folder name {part!r}"
        span = _SPAN.search(part)
        if span and (year := _year_from_span(*span.groups())):
            return year, what
        plain = _PLAIN.match(Path(part).stem if part == path.name else part)
        if plain:
            return int(plain.group(1)), what
    return None


def year_from_path(path: Path, source: Path) -> int | None:
    """The collection year (ending 31 March) a file's name or folder gives, if any."""
    found = name_year(path, source)
    return found[0] if found else None


def year_of(dates: pd.Series) -> np.ndarray:
    """The year ending 31 March each date falls in (1 April 2025 -> 2026); NaT -> 0."""
    d = pd.DatetimeIndex(dates)
    return np.where(d.isna(), 0, d.year + (d.month >= 4)).astype(np.int64)


def data_year(decom: pd.Series, dec: pd.Series) -> tuple[int | None, int | None]:
    """(the year most ended episodes ended in, or None; the year of the latest start).

    A return holds the episodes open at some time in its collection year, so
    those that ended, ended within it (rule 385 rejects an end after the year).
    """
    ended = year_of(dec[dec.notna()])
    latest = year_of(pd.Series([decom.max()]))[0] if decom.notna().any() else None
    if len(ended):
        values, counts = np.unique(ended, return_counts=True)
        best = values[counts == counts.max()].max()
        return int(best), (int(latest) if latest else None)
    return None, (int(latest) if latest else None)


def clean_text(values: pd.Series, upper: bool = False, categorical: bool = False) -> pd.Series:
    """Cells stripped (codes also upper-cased, spaces removed), blanks missing.

    Works on the distinct values only, so a million rows of a few hundred codes
    cost little (pandas' string methods loop over every row in Python). A
    categorical column is cleaned through its categories alone. Codes come back
    categorical, which keeps later comparisons cheap; text as objects.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    text = np.char.strip(np.asarray(uniques, dtype=object).astype(str)) if len(uniques) else np.array([], dtype=str)
    if upper and len(text):
        text = np.char.replace(np.char.upper(text), " ", "")
    cleaned = text.astype(object)
    cleaned[text == ""] = None
    again, categories = pd.factorize(cleaned, use_na_sentinel=True)
    again = np.append(again, -1)
    if categorical:
        return pd.Series(pd.Categorical.from_codes(again[codes], categories=pd.Index(categories, dtype=object)),
                         index=values.index)
    return pd.Series(np.append(categories, None)[again[codes]], index=values.index, dtype=object)


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


def _stack_text(columns: list[pd.Series], upper: bool) -> pd.Categorical:
    """One column of several files as a single categorical of cleaned text.

    Each file's column is hashed once; only the distinct values are stacked, cleaned
    (stripped; codes upper-cased without spaces; blanks missing) and hashed again.
    """
    codes, uniques = [], []
    for values in columns:
        c, u = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
        codes.append(c)
        uniques.append(np.asarray(u, dtype=object))
    every = np.concatenate(uniques) if uniques else np.array([], dtype=object)
    where, distinct = pd.factorize(every, use_na_sentinel=True)
    stacked, at = [], 0
    for c, u in zip(codes, uniques):
        to_union = np.append(where[at:at + len(u)], -1)
        stacked.append(to_union[c])
        at += len(u)
    all_codes = np.concatenate(stacked) if stacked else np.array([], dtype=np.int64)
    cleaned = clean_text(pd.Series(pd.Categorical.from_codes(np.arange(len(distinct)),
                                                             categories=pd.Index(distinct, dtype=object))),
                         upper=upper, categorical=True).array
    final = np.append(cleaned.codes, -1)[all_codes]
    return pd.Categorical.from_codes(final, categories=cleaned.categories)


def _stack(kind: str, files: list[tuple[str, pd.DataFrame, pd.Series]]) -> pd.DataFrame:
    """The files of one kind stacked: text columns as categoricals, ``_file``, ``_row``, ``_year``."""
    n = [len(frame) for _, frame, _ in files]
    empty = pd.Series([], dtype=object)
    out = {}
    for column in COLUMNS[kind]:
        parts = [frame[column] if column in frame else pd.Series(None, index=frame.index, dtype=object)
                 for _, frame, _ in files]
        out[column] = _stack_text(parts or [empty], upper=column in CODE_COLUMNS)
    frame = pd.DataFrame(out)
    if kind == "episodes":
        for column in ("decom", "dec", "_bad_decom", "_bad_dec", "_form_decom", "_form_dec"):
            frame[column] = np.concatenate([f[column].to_numpy() for _, f, _ in files]) if files else []
    frame["_file"] = pd.Categorical.from_codes(np.repeat(np.arange(len(files)), n).astype(np.int64),
                                               categories=pd.Index([name for name, _, _ in files], dtype=object))
    frame["_row"] = np.concatenate([np.arange(2, k + 2) for k in n]).astype(np.int64) if files else \
        np.array([], dtype=np.int64)
    frame["_year"] = np.concatenate([y.astype(int).to_numpy() for _, _, y in files]).astype(np.int64) if files \
        else np.array([], dtype=np.int64)
    return frame


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


def _disagree(name: str, said: str, year: int, found: int, row: int | None = None, column: str | None = None,
              value=None) -> Problem:
    return Problem(
        "year-name-disagrees",
        f"{said} reads as {year_label(year)}, but the episode dates in the file are of {year_label(found)}: "
        f"most episodes that ended, ended between 1 April {found - 1} and 31 March {found}",
        file=name, row=row, column=column, value=value, expected=f"a name or year of {found - 1}-{found % 100:02d}",
        hint=f"name the folder {found - 1}-{found % 100:02d} (or the files {found - 1}-episodes.csv ..., the year "
             "the collection starts), or correct the year column; the dates decide the year")


def _episode_years(frame: pd.DataFrame, name: str, path: Path, base: Path, year_col: str | None,
                   problems: list[Problem]) -> tuple[pd.Series | None, str]:
    """Each episode row's collection year from the file's dates, checked against its name or year column."""
    if year_col:
        said = _year_column(frame, year_col)
        years = pd.Series(0, index=frame.index, dtype=np.int64)
        for value in sorted(said.dropna().unique()):
            rows = said == value
            found, latest = data_year(frame.loc[rows, "decom"], frame.loc[rows, "dec"])
            if found is None:
                found = int(value) if latest is None or latest <= value else latest
            if found != int(value):
                i = int(rows.to_numpy().argmax())
                problems.append(_disagree(name, f"the {year_col} value {frame[year_col].iloc[i]!r}", int(value),
                                          found, row=i + 2, column=year_col, value=frame[year_col].iloc[i]))
            years[rows] = found
        return years, "its dates (the year column agrees)"
    named = name_year(path, base)
    found, latest = data_year(frame["decom"], frame["dec"])
    if found is None:  # no episode ended: only the name can say, and the starts must not be after it
        if named and (latest is None or latest <= named[0]):
            return pd.Series(named[0], index=frame.index), f"{named[1]} (no episode in it ended)"
        if named:
            problems.append(_disagree(name, named[1], named[0], latest))
            return None, ""
        problems.append(Problem(
            "no-year", "cannot tell which collection year the file is: no episode in it ended and its name "
            "gives no year", file=name,
            hint="put each year's files in a folder named like 2017-18, name files like 2017-episodes.csv "
                 "(the year the collection starts), or add a YEAR column"))
        return None, ""
    if named and named[0] != found:
        problems.append(_disagree(name, named[1], named[0], found))
        return None, ""
    return pd.Series(found, index=frame.index), "its dates" + (f" ({named[1]} agrees)" if named else "")


def read_tables(source: Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every 903 table under ``source``, stacked across years.

    Columns are upper-cased, cells stripped, blanks are missing; each frame gains
    ``_file`` (path relative to ``source``), ``_row`` (spreadsheet row: the header
    is row 1) and ``_year`` (year ending 31 March). Episodes also gain ``decom``
    and ``dec`` (parsed dates), ``_bad_decom``/``_bad_dec`` (cells that are not
    dates) and ``_form_decom``/``_form_dec`` (dates not written dd/mm/yyyy).
    Returns the tables and one line per file for the report.
    """
    source = Path(source)
    if not source.exists():
        raise BuildError(Problem("no-source", "the 903 folder does not exist", file=str(source)),
                         stage="extract")
    paths = [source] if source.is_file() else sorted(
        p for p in source.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")
    base = source.parent if source.is_file() else source
    found: list[tuple[Path, str, str, pd.DataFrame, str | None]] = []
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
            lines.append(f"{name}: not a header, episodes, UASC or OC3 file; not read")
            continue
        missing = [c for c in REQUIRED[kind] if c not in columns]
        if missing:
            problems.append(Problem("missing-column", f"the {kind} file lacks column(s) {', '.join(missing)}",
                                    file=name, row=1, column=missing[0],
                                    expected=", ".join(COLUMNS[kind])))
            continue
        frame = _read_csv(path, {*COLUMNS[kind], *YEAR_COLUMNS})
        year_col = next((c for c in YEAR_COLUMNS if c in columns), None)
        if year_col and _year_column(frame, year_col).isna().any():
            i = int(_year_column(frame, year_col).isna().to_numpy().argmax())
            problems.append(Problem("bad-year", "cannot read the collection year", file=name,
                                    row=i + 2, column=year_col, value=frame[year_col].iloc[i],
                                    expected="a year ending 31 March (2018) or a span (2017-18)"))
            continue
        if kind == "episodes":
            frame["decom"], frame["_bad_decom"], frame["_form_decom"] = parse_dates(frame["DECOM"], with_format=True)
            frame["dec"], frame["_bad_dec"], frame["_form_dec"] = parse_dates(frame["DEC"], with_format=True)
        found.append((path, name, kind, frame, year_col))

    # Years: episodes from their dates; the other files from their name or the episodes beside them.
    years_of: dict[str, pd.Series] = {}
    how: dict[str, str] = {}
    folder_years: dict[Path, set[int]] = {}
    for path, name, kind, frame, year_col in found:
        if kind != "episodes":
            continue
        years, said = _episode_years(frame, name, path, base, year_col, problems)
        if years is not None:
            years_of[name], how[name] = years, said
            folder_years.setdefault(path.parent, set()).update(int(y) for y in years.unique())
    for path, name, kind, frame, year_col in found:
        if kind == "episodes":
            continue
        if year_col:
            years_of[name], how[name] = _year_column(frame, year_col), f"its {year_col} column"
            continue
        named = name_year(path, base)
        beside = folder_years.get(path.parent, set())
        if named:
            years_of[name], how[name] = pd.Series(named[0], index=frame.index), named[1]
        elif len(beside) == 1:
            years_of[name] = pd.Series(next(iter(beside)), index=frame.index)
            how[name] = "the episodes file beside it"
        else:
            problems.append(Problem(
                "no-year", "cannot tell which collection year the file is", file=name,
                hint="put each year's files in a folder named like 2017-18, name files like "
                     "2017-episodes.csv (the year the collection starts), or add a YEAR column"))
    if problems:
        raise BuildError(problems, stage="extract")

    parts: dict[str, list] = {k: [] for k in COLUMNS}
    for _path, name, kind, frame, _year_col in found:
        parts[kind].append((name, frame, years_of[name]))
        span = sorted({int(y) for y in years_of[name].unique()})
        lines.append(f"{name}: {kind}, {', '.join(year_label(y) for y in span)} from {how[name]}, "
                     f"{len(frame)} rows")
    tables = {kind: _stack(kind, files) for kind, files in parts.items()}
    if tables["episodes"].empty:
        skipped = [line for line in lines if line.endswith("not read")]
        found = ("; the CSV files found: " + "; ".join(skipped[:20]) + (
            f"; and {len(skipped) - 20} more" if len(skipped) > 20 else "")) if skipped else (
            "; there are no CSV files in it" if not paths else "")
        raise BuildError(Problem("no-episodes", f"no episodes file found (a CSV with a DECOM column){found}",
                                 file=str(source), hint="point extract at the folder holding the SSDA903 "
                                 "episodes file, saved as CSV"), stage="extract")
    return tables, lines
