"""Reading what an edition published: its CSV downloads, HTML tables and page text."""
from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from .. import contract
from .vocabulary import _code


@dataclass
class Table:
    """One published table: a CSV download or an HTML data table, as text cells."""

    name: str          # the output's name (the CSV's stem)
    year: int          # the statement year that published it
    where: str         # file (and table id) relative to the edition folder
    header: list[str]
    rows: list[list[str]]
    summary: str | None = None  # the chart's summary sentence, if the table sits in a chart

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None


def parse_number(text: str):
    """(value, decimals) of a published number, or None for a symbol or text.

    Accepts what the pages print: ``1,234.5``, ``57%``, ``£30,393,983``, ``-2``."""
    t = text.strip().replace(",", "").replace("£", "").replace("%", "").replace("\u2212", "-")
    if not re.fullmatch(r"-?\d+(\.\d+)?", t):
        return None
    decimals = len(t.split(".")[1]) if "." in t else 0
    return float(t), decimals


def is_withheld(text: str) -> bool:
    return text.strip().lower() in ("c", "[c]")


class _PageParser(HTMLParser):
    """Data tables (``table.data-table``) and chart summaries of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.summaries: dict[str, str] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._summary_id = None
        self._summary_text: list[str] = []
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and "data-table" in classes:
            self._table = {"id": a.get("id", ""), "header": [], "rows": []}
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._table is not None and tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "span" and "figure-summary" in classes:
            self._summary_id = a.get("id", "")
            self._summary_text = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if not self._table["header"]:
                self._table["header"] = self._row
            else:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "span" and self._summary_id is not None:
            self.summaries[self._summary_id] = " ".join("".join(self._summary_text).split())
            self._summary_id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._summary_id is not None:
            self._summary_text.append(data)


def page_text(path: Path) -> str:
    """A page's HTML without its drawings and scripts (nothing in them is read; most of a page's tags).
    Read once for the tables and once for the prose: cached while the file is unchanged."""
    stat = Path(path).stat()
    return _page_text(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _page_text(path: str, _mtime: int, _size: int) -> str:
    text = Path(path).read_text(encoding="utf-8")
    return re.sub(r"<(svg|script)\b.*?</\1>", " ", text, flags=re.S)


def _output_name(table_id: str) -> str | None:
    """``chart-<name>-table`` or ``table-<name>`` -> name."""
    m = re.fullmatch(r"chart-(.+)-table", table_id) or re.fullmatch(r"table-(.+)", table_id)
    return m.group(1) if m else None


@dataclass
class Edition:
    folder: Path
    years: list[int]
    tables: list[Table]
    pages: int = 0
    #: (year, output name, column) -> the column's unit as the edition's metadata file gives it ("count" ...)
    units: dict = field(default_factory=dict)

    def downloads(self, year: int) -> dict[str, Table]:
        return {t.name: t for t in self.tables if t.year == year and t.where.endswith(".csv")}


def year_folders(folder: Path) -> list[int]:
    """Statement years published in an edition folder (``latest/`` is a copy and is skipped)."""
    return sorted(int(p.name) for p in Path(folder).iterdir()
                  if p.is_dir() and re.fullmatch(r"\d{4}", p.name) and (p / "downloads").is_dir())


def read_edition(folder: Path) -> Edition:
    """Every CSV download and every HTML data table (with its chart summary) of an edition."""
    folder = Path(folder)
    tables: list[Table] = []
    years = year_folders(folder)
    pages = 0
    units = {}
    for year in years:
        root = folder / str(year)
        metadata = root / "downloads" / "all" / "metadata.csv"
        if metadata.is_file():
            with metadata.open(newline="", encoding="utf-8-sig") as handle:
                for row in csv.DictReader(handle):
                    units[(year, row["file"].removesuffix(".csv"), row["column"])] = row["unit"]
        for path in sorted((root / "downloads").glob("*.csv")):
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.reader(handle))
            if rows:
                tables.append(Table(path.stem, year, str(path.relative_to(folder)), rows[0], rows[1:]))
        for page in sorted(root.rglob("index.html")):
            if any(part in ("search", "assets") for part in page.relative_to(root).parts):
                continue
            pages += 1
            parser = _PageParser()
            parser.feed(page_text(page))
            for t in parser.tables:
                name = _output_name(t["id"])
                if name is None or not t["header"]:
                    continue
                summary = parser.summaries.get(f"chart-{name}-summary")
                tables.append(Table(name, year, f"{page.relative_to(folder)}#{t['id']}", t["header"],
                                    t["rows"], html.unescape(summary) if summary else None))
    return Edition(folder, years, tables, pages, units)


def read_population(path: Path) -> dict[tuple[int, str], float]:
    """The ONS population table (``data/reference/population.csv``): {(year, age_band): children}."""
    out = {}
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            band = _code(contract.AGE_BANDS, row["age_band"]) or row["age_band"]
            out[(int(row["year"]), band)] = float(row["population"].replace(",", ""))
    return out
