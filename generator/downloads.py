"""Downloads as Explore Education Statistics offers them: every file of a year in one ZIP, with a
metadata file that describes every column, and the source of every chart and table.

- ``source_text(output)``: the "Source:" line under a chart or table, from the output's ``sources``
  (``table.column`` names) and the data contract's table titles and sources;
- ``metadata_csv(...)``: one row per column of every CSV the edition publishes: its file, the
  figures' title, the column, its unit, the symbols it holds and its source;
- ``zip_bytes(files)``: a deterministic ZIP (entries sorted, fixed timestamps and permissions),
  so the same inputs give the same bytes.

Each edition builds its own from the files it publishes: the public edition's ZIP holds only public
files, and the leak scan (``check.py``) reads every file inside it.
"""
from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd

from .values import SYMBOLS

#: Where each kind of data comes from, in words (the contract's ``Table.source``).
SOURCE_WORDS = {
    "ssda903": "the council's SSDA903 return to the Department for Education",
    "finance": "the council's finance system",
    "fostering service": "the fostering service's records",
    "market intelligence": "the commissioning team's record of the provider market (Ofsted registrations)",
    "commissioning": "the commissioning team's records",
    "ONS": "Office for National Statistics mid-year population estimates",
    "DfE": "Department for Education, Children looked after in England including adoptions",
}

#: A column's unit in words, by ``values.KINDS`` kind.
UNIT_WORDS = {
    "count": "count",
    "number": "number",
    "rate": "rate per 10,000 children aged 0 to 17",
    "percent": "percentage",
    "money": "pounds (£)",
    "weeks": "weeks",
    "ratio": "ratio",
    "year": "year ending 31 March",
}

#: The fixed time every ZIP entry carries (the earliest a ZIP can hold): no build time in the bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
METADATA_NAME = "metadata.csv"
#: The ZIP and the metadata file go in ``downloads/all/``: ``downloads/*.csv`` is one file per output.
BUNDLE_DIR = "all"
GUIDANCE_NAME = "data-guidance.txt"


def _contract_tables() -> dict:
    from .contract import TABLES

    tables = {}
    for table in TABLES:
        tables.setdefault(table.name, table)
    return tables


def source_groups(output) -> list[tuple[str, list[str]]]:
    """(where the data comes from, the contract tables' titles) for an output, in first-use order."""
    tables = _contract_tables()
    groups: dict[str, list[str]] = {}
    for source in output.sources:
        table = tables.get(source.split(".", 1)[0])
        if table is None:
            continue
        titles = groups.setdefault(SOURCE_WORDS.get(table.source, table.source), [])
        if table.title not in titles:
            titles.append(table.title)
    return list(groups.items())


def source_text(output) -> str:
    """``Source: the council's SSDA903 return ... (Children looked after at 31 March); ...``"""
    if getattr(output, "source", ""):
        return f"Source: {output.source.rstrip('.')}."
    groups = source_groups(output)
    if not groups:
        return ""
    parts = [f"{where} ({'; '.join(titles)})" for where, titles in groups]
    return "Source: " + "; ".join(parts) + "."


def _symbols_in(values) -> list[str]:
    return sorted({str(v) for v in values if str(v) in SYMBOLS}, key=list(SYMBOLS).index)


def metadata_rows(files: dict[str, tuple[object, pd.DataFrame, bytes]]) -> list[list[str]]:
    """One row per column of every CSV: ``files`` maps file name to (output, frame, CSV bytes)."""
    from .tables import column_kind

    rows = [["file", "figures", "column", "unit", "symbols used", "source", "description"]]
    for filename in sorted(files):
        output, frame, data = files[filename]
        read = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        header, body = (read[0], read[1:]) if read else ([], [])
        source = source_text(output).removeprefix("Source: ").rstrip(".")
        for position, column in enumerate(header):
            kind = column_kind(frame, column, output.units) if column in frame.columns else None
            if kind is None and column.strip().lower() == "year":
                kind = "year"  # years held as text ("2026")
            symbols = _symbols_in(row[position] for row in body if position < len(row))
            rows.append([filename, output.title, column, UNIT_WORDS.get(kind, "text") if kind else "text",
                         " ".join(symbols), source, output.description if position == 0 else ""])
    return rows


def metadata_csv(files: dict[str, tuple[object, pd.DataFrame, bytes]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(metadata_rows(files))
    return buffer.getvalue().encode("utf-8")


def guidance_text(site_name: str, year: int, edition_words: str, release, files: int) -> bytes:
    """``data-guidance.txt``: what the ZIP holds, the symbols, the dates."""
    from .release import long_date

    lines = [site_name, "=" * len(site_name), "",
             f"All the figures behind the {year - 1} to {year} statement's charts and tables ({edition_words}):",
             f"{files} CSV files (UTF-8, comma-separated), one per chart or table, and {METADATA_NAME}, which "
             "describes every column of every file: its unit, the symbols it uses and where the figures come from.",
             ""]
    if release is not None:
        lines += [f"Published: {long_date(release.published)}", f"Last updated: {long_date(release.last_updated)}"]
        if release.next_update:
            lines.append(f"Next update: {release.next_update}")
        lines.append("")
    lines += ["Symbols (as on the website and in Explore Education Statistics):"]
    lines += [f"  {symbol:<4} {meaning}" for symbol, meaning in SYMBOLS.items()]
    lines += ["", "Numbers are not formatted: no thousands separators, % or £ signs. Counts are whole numbers; "
              "other figures are rounded to at most two decimal places.", ""]
    return "\n".join(lines).encode("utf-8")


def zip_bytes(files: dict[str, bytes], folder: str = "") -> bytes:
    """A ZIP of ``files`` (name -> bytes) that is the same bytes for the same files: sorted entries,
    fixed timestamps, fixed permissions, no comment, one compression level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a plain file, rw-r--r--
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def zip_name(authority, year: int, edition: str) -> str:
    """``castlebridge-2025-to-2026-all-data.zip``; the internal edition's says so in its name."""
    import re

    from .redact import PUBLIC

    slug = re.sub(r"[^a-z0-9]+", "-", str(authority.short_name).lower()).strip("-") or "statement"
    suffix = "" if edition == PUBLIC else "-internal-not-for-publication"
    return f"{slug}-{year - 1}-to-{year}-all-data{suffix}.zip"


def size_words(size: int) -> str:
    """``48 KB``, ``1.2 MB``."""
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1000 / 1000:.1f} MB"
