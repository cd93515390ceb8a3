"""An independent audit of what a built edition published: can a reader work out a withheld figure?

The build suppresses small counts (shown as ``c``) and audits its own choice
(``suppress.py``). This module checks the result the way an outsider would:
it reads only the files an edition published (every CSV download, every data
table in the HTML pages and every chart summary), never the data or the
generator's suppression, and for every figure shown as ``c`` it solves two
integer programmes (scipy's ``milp``, which runs HiGHS): the smallest and
the largest value the figure can take given everything published. A figure
whose range is narrower than the threshold (5 by default, as in
``authority.yml``) could be pinned down by a reader: the audit reports it,
with the published sources that pin it.

What a reader knows, as linear constraints on whole numbers:

- every published count, and that ``c`` is a count from 1 up (zero is always
  shown, never withheld);
- sums the data contract declares: each breakdown of children looked after
  adds up to the total; categories of need and reasons for ceasing add up to
  the children who started or ceased; placement groups are sums of placement
  types (``stats.children.PLACEMENT_GROUPS``, stated on the methods page);
- every published percentage with its denominator, as the interval its
  rounding allows (34% of 120 means 40.2 to 41.4, so 41);
- rates per 10,000 with the ONS population (public: ``data/reference/population.csv``);
- the same figure in another table, another page or another year's statement
  (the union of every year of the edition is solved at once);
- weeks of care: one child has one home at a time, so a cell's weeks of care
  are at most 366/7 = 52.29 times its children; children are at most its
  placements;
- the projection by age band (a published method: a straight line through the
  last five years' rates per 10,000, times the projected population) is a
  linear function of the earlier years' counts;
- spend = average weekly cost × weeks of care (by service and provider), within
  the printed cost's rounding;
- chart summaries: a total, the largest group ("the largest group was X (197),
  followed by Y (45)" means every other group is at most 45), the highest or
  lowest year of a trend;
- sentences, when the narrative's source is given (``audit_prose``): every
  figure a placeholder printed, changes on last year, and which way an
  ``{% if %}`` went.
- tables a council declared (``read_declared``), read without their schema:
  whole-number columns are counts, a row named as a total (``Total``,
  ``All ...``) adds up the rows that share its other names, and a group
  with no printed total is taken to have a total a reader may know from
  elsewhere, so its only ``c`` is a finding.

A council's own categories (``authority.yml``'s ``categories:``, passed as ``categories``) are read
as its tables print them (``Vocabulary``): its labels, a label two categories share told apart by
the order they are printed in, a group row as its members' sum (weeks of care within the rounding
a printed subtotal may carry, ``subtotals.tolerance``), and its own list as at most the total (it
need not cover every child). Published figures that contradict each other are problems whether or
not a withheld figure depends on them (``Solver.check``).

Not modelled (listed in ``Reading.not_modelled``, so nothing is skipped
silently): forecasts from the simulation model (not invertible) and what is
computed from them, and figures about carers, places, settings and actions
(not counts of children). Not used: a lower bound on weeks of care from the
placements (a placement can start and end on the same day: 0 days).

Use ``audit_edition(folder)`` on an edition folder (one holding year folders
``2024/``, ``2025/`` ...); ``python -m generator audit site/`` prints the
findings per year.
"""
from __future__ import annotations

import csv
import html
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import numpy as np

from . import contract
from .stats.children import PLACEMENT_GROUP_LABELS, PLACEMENT_GROUPS, PROJECTION_BASE_YEARS

#: A child has one home at a time: at most 366 days (a leap year) of care in a year.
MAX_WEEKS_PER_CHILD = 366 / 7
#: Upper bound used for figures nothing else bounds (treated as unbounded): counts, and money or weeks.
UNBOUNDED = 1e6
UNBOUNDED_MONEY = 1e10
#: Symbols that carry no number (GSS: c confidential, x not available, z not applicable ...).
SYMBOLS = {"c", "x", "z", "..", ":", "u", "[c]", "[x]", "[z]", "-", ""}
#: The generator's word for a percentage that rounds to 0 but is not 0.
LOW = "low"

Key = tuple
Expr = tuple  # ((key, coefficient), ...)


def expr(*keys, coef: float = 1.0) -> Expr:
    return tuple((k, coef) for k in keys)


# ---------------------------------------------------------------------------
# Reading what was published
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# The model: whole-number unknowns and linear constraints, each with its source
# ---------------------------------------------------------------------------


@dataclass
class Row:
    terms: Expr
    low: float
    high: float
    source: str   # a family used to explain findings (an output name or a rule)
    where: str


@dataclass
class Var:
    key: Key
    integer: bool = True
    bounds: list = field(default_factory=list)    # (source, low, high, where)
    withheld: list = field(default_factory=list)  # where it is shown as c
    withheld_share: list = field(default_factory=list)  # where a percentage of it is shown as c
    shown: list = field(default_factory=list)     # (value, where)

    @property
    def withheld_anywhere(self) -> list:
        return self.withheld + self.withheld_share


class Model:
    def __init__(self, withheld_minimum: int = 1):
        self.vars: dict[Key, Var] = {}
        self.shown_figures: dict[Key, list] = {}  # figure (a count or a sum of counts) -> (value, where)
        self.rows: list[Row] = []
        self.withheld_minimum = withheld_minimum
        self.notes: list[str] = []
        self._aux = 0

    def var(self, key: Key, integer: bool | None = None) -> Var:
        if key not in self.vars:
            self.vars[key] = Var(key, not _continuous(key) if integer is None else integer)
        return self.vars[key]

    def add(self, terms: Expr, low: float, high: float, source: str, where: str) -> None:
        merged: dict = defaultdict(float)
        for key, coef in terms:
            self.var(key)
            merged[key] += coef
        terms = tuple((k, c) for k, c in merged.items() if c != 0)
        if len(terms) == 1 and terms[0][1] == 1:
            self.var(terms[0][0]).bounds.append((source, low, high, where))
            return
        self.rows.append(Row(terms, low, high, source, where))

    def show(self, terms: Expr, value: float, half: float, source: str, where: str) -> None:
        self.add(terms, value - half, value + half, source, where)
        if half == 0 and all(c == 1 for _, c in terms):
            self.shown_figures.setdefault(_figure_key(terms), []).append((value, where))
            if len(terms) == 1:
                self.var(terms[0][0]).shown.append((value, where))

    def withhold(self, terms: Expr, source: str, where: str, share: bool = False) -> Key:
        """A count shown as c: from ``withheld_minimum`` up. Returns the unknown to audit.

        ``share``: a percentage shown as c. It may be withheld for its denominator's sake, so it
        says nothing of its count, which is audited only if no number gives it."""
        key = _figure_key(terms)
        if key[0] == "sum" and key not in self.vars:  # a withheld sum (a placement group): audit the sum
            self.add(terms + ((key, -1.0),), 0, 0, "rule: a sum", where)
        v = self.var(key)
        if share:
            v.withheld_share.append(where)
            return key
        v.withheld.append(where)
        v.bounds.append(("rule: c is at least 1", self.withheld_minimum, math.inf, where))
        return key

    def targets(self) -> list[Key]:
        """Every withheld count, and every count behind a withheld percentage that no number gives."""
        return sorted((k for k, v in self.vars.items()
                       if v.withheld or (v.withheld_share and k not in self.shown_figures)), key=str)

    def percent(self, num: Expr, den: Expr, p: float, half: float, source: str, where: str) -> None:
        """100 × num / den rounds to p (den > 0)."""
        if p == 0 and half is None:  # "low": above 0, below 0.5
            self.add(num, 1, math.inf, source, where)
            half, p = 0.5, 0.0
        hi = tuple((k, 100 * c) for k, c in num) + tuple((k, -(p + half) * c) for k, c in den)
        lo = tuple((k, 100 * c) for k, c in num) + tuple((k, -(p - half) * c) for k, c in den)
        self.add(hi, -math.inf, 0, source, where)
        self.add(lo, 0, math.inf, source, where)

    def at_least(self, big: Expr, small: Expr, source: str, where: str) -> None:
        """big ≥ small."""
        self.add(big + tuple((k, -c) for k, c in small), 0, math.inf, source, where)


def _figure_key(terms: Expr) -> Key:
    """A single count's key, or the key of a sum of counts (a placement group)."""
    if len(terms) == 1 and terms[0][1] == 1:
        return terms[0][0]
    return ("sum", tuple(sorted(terms, key=str)))


def _continuous(key: Key) -> bool:
    return key[-1] in ("weeks_of_care", "spend") and key[0] in ("placements_by_type_and_age", "spend_by_service")


# ---------------------------------------------------------------------------
# Labels to codes
# ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u2019", "'").lower().split())


def _code(codes: dict[str, str], text: str) -> str | None:
    wanted = _norm(text)
    for code, label in codes.items():
        if _norm(label) == wanted or _norm(code) == wanted:
            return code
    return None


class Vocabulary:
    """Each dimension's codes and labels as the site's tables print them: the data contract's, or a
    council's own categories (``authority.yml``'s ``categories:``, ``categories.py``) where it declared them.

    A council's category is a leaf (a row of its own), a group (its members' sum: Bromley's Fostering)
    or, for a DfE category its own ones lie within, the sum of those (Bromley's four foster placement
    types make up the DfE's foster placement with other foster carer). A DfE category that one of the
    council's spans (0-4 years spans under 1 and 1 to 4) cannot be worked out: it is a figure of its own.
    Figures are keyed by leaves, so a group's row and its members' rows are one figure, not two."""

    def __init__(self, categories=None):
        from .categories import Categories

        self.categories = categories if categories is not None else Categories()

    def own(self, dimension: str) -> bool:
        return bool(self.categories.local(dimension))

    def codes(self, dimension: str, base: dict | None = None) -> dict[str, str]:
        """Code -> label: the council's own first, then the contract's (``base``: the contract's list for
        this use, with any added "not known")."""
        base = contract.DIMENSIONS.get(dimension, {}) if base is None else base
        if not self.own(dimension):
            return dict(base)
        own = self.categories.codes(dimension)
        return {**own, **{c: label for c, label in base.items() if c not in own}}

    def _covered(self, dimension: str) -> set[str]:
        return {d for c in self.categories.local(dimension).values() for d in c.dfe}

    def leaves(self, dimension: str, base: dict | None = None) -> list[str]:
        """The codes of rows that hold their own figure (no group, no DfE category made of the council's)."""
        codes = self.codes(dimension, base)
        if not self.own(dimension):
            return list(codes)
        local, groups, covered = self.categories.local(dimension), self.categories.groups(dimension), \
            self._covered(dimension)
        return [c for c in codes if c not in groups and (c in local or c not in covered)]

    def members(self, dimension: str, code: str) -> tuple[str, ...] | None:
        """The leaves a code's figure adds up; None when it cannot be worked out from them."""
        if not self.own(dimension):
            return (code,)
        local, categories = self.categories.local(dimension), self.categories
        if categories.is_group(dimension, code):
            leaves = categories.leaves(dimension, code)
            return tuple(leaf for leaf in leaves if not categories.is_group(dimension, leaf))
        if code in local or code not in self._covered(dimension):
            return (code,)
        if any(code in c.dfe and len(c.dfe) > 1 for c in local.values()):
            return None  # a category of the council's spans it
        return tuple(c for c in self.leaves(dimension) if c in local and local[c].dfe == (code,))

    def is_group(self, dimension: str, code: str) -> bool:
        return self.own(dimension) and self.categories.is_group(dimension, code)

    def match(self, dimension: str, text: str, base: dict | None = None) -> list[str]:
        """Every code whose label, code or alias reads ``text``, in declaration order (a council may give
        two categories one label: Bromley's group Other and its placement type Other)."""
        wanted = _norm(text or "")
        codes = self.codes(dimension, base)
        found = [c for c, label in codes.items() if _norm(label) == wanted or _norm(c) == wanted]
        if not found and self.own(dimension):
            found = [c for alias, c in self.categories.aliases(dimension).items() if _norm(alias) == wanted
                     and c in codes]
        if not found and self.own(dimension):  # a chart in the DfE's categories keeps their labels
            dfe = {**contract.DIMENSIONS.get(dimension, {}), **(base or {})}
            found = [c for c, label in dfe.items() if _norm(label) == wanted]
        return found

    def code(self, dimension: str, text: str, base: dict | None = None, nth: int = 0) -> str | None:
        """The code ``text`` reads as; ``nth``: its occurrence among rows that share every other name (a
        table prints categories in declaration order, so the second Other is the second declared)."""
        found = self.match(dimension, text, base)
        return found[min(nth, len(found) - 1)] if found else None

    def terms(self, dimension: str, code: str, key) -> Expr | None:
        """A code's figure as the sum of its leaves' figures (``key(leaf)`` names each)."""
        leaves = self.members(dimension, code)
        if leaves is None:
            return expr(key(code))
        return tuple((key(leaf), 1.0) for leaf in leaves) if leaves else None

    def placement_group(self, group: str) -> tuple[str, ...]:
        """The leaves of a DfE placement group (``stats.children.PLACEMENT_GROUPS``)."""
        out: list[str] = []
        for t in PLACEMENT_GROUPS[group]:
            leaves = self.members("placement_type", t)
            out += [leaf for leaf in (leaves if leaves is not None else (t,)) if leaf not in out]
        return tuple(out)


#: The contract's codes only (a site built from them): what ``la_group`` and the prose fall back to.
DFE = Vocabulary()


CHARACTERISTICS = {"sex": "Sex", "ethnicity": "Ethnicity", "uasc": "Unaccompanied asylum-seeking"}
FORECAST_GROUP_WORDS = {"all placements": "all", "fostering": "fostering", "residential": "residential",
                        "supported accommodation": "supported", "parents, adoption and other": "other"}
STABILITY_WORDS = {"3 or more placements in the year": "short_term",
                   "same placement for 2 years or more": "long_term"}
MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), start=1)}
OTHER_AREAS = {_norm(label) for label in contract.AREAS.values()} | {"england"}


def la(year: int, breakdown: str, category: str) -> Key:
    return ("looked_after", year, breakdown, category)


def la_total(year: int) -> Expr:
    return expr(la(year, "total", "all"))


def la_group(year: int, group: str, vocab: Vocabulary = DFE) -> Expr:
    if group == "all":
        return la_total(year)
    return expr(*(la(year, "placement_type", t) for t in vocab.placement_group(group)))


# ---------------------------------------------------------------------------
# Readers: what each published table's cells mean
# ---------------------------------------------------------------------------

#: Outputs that hold no count of children (carers, places, settings, money, actions):
#: read for completeness, not modelled.
NOT_ABOUT_CHILDREN = {
    "action_plan", "action_status", "fostering_capacity", "fostering_households_trend", "recruitment_funnel",
    "market_by_grade", "market_by_location", "provider_market", "spend_trend", "spend_with_providers",
    "spend_lines", "published_unit_costs", "budget", "recruitment_by_period",
}
#: Model outputs: forecasts of a simulation (not invertible by a reader) and what is computed from them.
MODELLED = {
    "forecast", "forecast_by_age", "forecast_by_group", "scenario_comparison", "scenario_table",
    "projected_spend", "projected_spend_trend", "projected_saving", "sufficiency_gap", "backtest_errors",
    "places_needed",  # the sufficiency gap, one column a year (issue 12)
}


#: Outputs that publish the same figures count as one source when a finding is explained.
FAMILIES = {"projection_by_age": "projection", "weeks_of_care_by_type_and_age": "placements_by_type_and_age",
            "places_needed": "sufficiency_gap"}


def family(name: str) -> str:
    return FAMILIES.get(name, name)


@dataclass
class Cell:
    """A published cell and what it means."""

    row: int
    column: str
    text: str
    kind: str             # "count", "rounded" (value ≈ expr), "percent" (100 expr / den), "projection"
    terms: Expr
    den: Expr = ()
    half: float | None = None   # half the rounding step; None: from the printed decimals


class Reader:
    """Turns the cells of a table into ``Cell``s; summaries are read from the same rows."""

    def __init__(self, table: Table, context: Context):
        self.table = table
        self.context = context
        self.cells: list[Cell] = []
        self.rows: dict[int, dict] = {}   # row -> labels/meaning for summaries
        self.source = family(table.name)

    def value(self, i: int, column: str) -> str | None:
        j = self.table.column(column)
        return None if j is None or j >= len(self.table.rows[i]) else self.table.rows[i][j]

    def add(self, i: int, column: str, kind: str, terms: Expr, den: Expr = (), half=None) -> None:
        text = self.value(i, column)
        if text is not None:
            self.cells.append(Cell(i, column, text, kind, terms, den, half))


def _year_of(text: str) -> int | None:
    m = re.fullmatch(r"\s*(\d{4})\s*", str(text))
    return int(m.group(1)) if m else None


def _absent_not_known(r: Reader, breakdown: str, seen: dict[int, set]) -> None:
    """An added "not known" category is drawn only when it holds children (``contract.drawn``):
    a breakdown table without its row says it is 0."""
    if breakdown not in contract.ADDED_NOT_KNOWN:
        return
    for year, codes in seen.items():
        if contract.NOT_KNOWN not in codes:
            r.context.model.show(expr(la(year, breakdown, contract.NOT_KNOWN)), 0, 0, r.source,
                                 f"{r.table.where} (no '{contract.ADDED_NOT_KNOWN[breakdown]}' row)")


def read_counts_by(breakdown: str, label_column: str, value_column: str = "Children"):
    codes = contract.LOOKED_AFTER_BREAKDOWNS[breakdown]

    def reader(r: Reader):
        vocab = r.context.vocab
        seen: dict[int, set] = defaultdict(set)
        for i in range(len(r.table.rows)):
            code = vocab.code(breakdown, r.value(i, label_column), codes)
            year = _year_of(r.value(i, "Year")) if r.table.column("Year") is not None else r.table.year
            terms = vocab.terms(breakdown, code, lambda c, y=year: la(y, breakdown, c)) if code else None
            if not terms or year is None:
                continue
            seen[year].add(code)
            r.add(i, value_column, "count", terms)
            r.rows[i] = {"label": r.value(i, label_column), "terms": terms, "year": year,
                         "group": len(terms) > 1 or vocab.is_group(breakdown, code)}
        if not vocab.own(breakdown):
            _absent_not_known(r, breakdown, seen)
    return reader


def read_looked_after_trend(r: Reader):
    for i, _ in enumerate(r.table.rows):
        year = _year_of(r.value(i, "Year"))
        if year:
            column = r.table.header[1]
            r.add(i, column, "count", la_total(year))
            r.rows[i] = {"label": str(year), "terms": la_total(year), "year": year}


def read_rate_trend(r: Reader):
    for i, _ in enumerate(r.table.rows):
        year, area = _year_of(r.value(i, "Year")), r.value(i, "Area")
        if year is None or _norm(area) in OTHER_AREAS:
            continue
        population = r.context.population_total(year)
        if population:
            r.add(i, "Rate per 10,000", "rounded", expr(la(year, "total", "all"), coef=10_000 / population))


def read_characteristics(r: Reader):
    seen: dict[str, set] = defaultdict(set)
    for i, _ in enumerate(r.table.rows):
        breakdown = next((b for b, t in CHARACTERISTICS.items() if _norm(t) == _norm(r.value(i, "Characteristic"))),
                         None)
        if breakdown is None:
            continue
        vocab, year = r.context.vocab, r.table.year
        code = vocab.code(breakdown, r.value(i, "Group"), contract.LOOKED_AFTER_BREAKDOWNS[breakdown])
        terms = vocab.terms(breakdown, code, lambda c, y=year, b=breakdown: la(y, b, c)) if code else None
        if not terms:
            continue
        seen[breakdown].add(code)
        r.add(i, "Children", "count", terms)
        r.add(i, "Percentage", "percent", terms, la_total(year))
    for breakdown, codes in seen.items():
        if not r.context.vocab.own(breakdown):
            _absent_not_known(r, breakdown, {r.table.year: codes})


def read_distance(r: Reader):
    for i, _ in enumerate(r.table.rows):
        year, where = _year_of(r.value(i, "Year")), r.value(i, "Where placed")
        for breakdown in ("distance", "location"):
            vocab = r.context.vocab
            code = vocab.code(breakdown, where, contract.LOOKED_AFTER_BREAKDOWNS[breakdown])
            terms = vocab.terms(breakdown, code, lambda c, y=year, b=breakdown: la(y, b, c)) if code and year \
                else None
            if terms:
                r.add(i, "Percentage", "percent", terms, la_total(year))
                break


def read_uasc_trend(r: Reader):
    for i, _ in enumerate(r.table.rows):
        year = _year_of(r.value(i, "Year"))
        if year:
            r.add(i, r.table.header[1], "count", expr(la(year, "uasc", "uasc")))
            r.rows[i] = {"label": str(year), "terms": expr(la(year, "uasc", "uasc")), "year": year}


def read_placement_mix(r: Reader):
    labels = {_norm(v): k for k, v in PLACEMENT_GROUP_LABELS.items()}
    vocab = r.context.vocab
    for i, _ in enumerate(r.table.rows):
        year, group = _year_of(r.value(i, "Year")), labels.get(_norm(r.value(i, "Placement group")))
        if year and group:  # a share of the groups' sum (a placement type not known is in no group)
            whole = tuple(t for g in PLACEMENT_GROUPS for t in la_group(year, g, vocab))
            r.add(i, "Percentage", "percent", la_group(year, group, vocab), whole)


def read_forecast_actuals(series_column: str, actual_series: tuple[str, ...], value_column: str = "Children"):
    """Trend charts of the forecast: the actual series is a count; on ``forecast_trend`` each forecast
    line starts at its origin, where it equals that year's actual figure."""
    def reader(r: Reader):
        starts: dict[str, tuple[int, int]] = {}
        for i, _ in enumerate(r.table.rows):
            year, series = _year_of(r.value(i, "Year")), r.value(i, series_column)
            if year is None:
                continue
            if _norm(series) in actual_series:
                r.add(i, value_column, "count", la_total(year))
                r.rows[i] = {"label": str(year), "terms": la_total(year), "year": year}
            elif series not in starts or year < starts[series][0]:
                starts[series] = (year, i)
        if r.table.name == "forecast_trend":
            actual_years = {row["year"] for row in r.rows.values()}
            for year, i in starts.values():
                if year in actual_years:
                    r.add(i, value_column, "count", la_total(year))
    return reader


def read_backtest_table(r: Reader):
    for i, _ in enumerate(r.table.rows):
        year = _year_of(r.value(i, "For 31 March"))
        group = FORECAST_GROUP_WORDS.get(_norm(r.value(i, "Placement group")))
        if year and group:
            r.add(i, "Actual", "count", la_group(year, group, r.context.vocab))


def read_starts_trend(r: Reader):
    for i, _ in enumerate(r.table.rows):
        year, movement = _year_of(r.value(i, "Year")), _code(contract.MOVEMENTS, r.value(i, "Movement"))
        if year and movement:
            key = ("starts_and_ceases", year, movement, "all")
            r.add(i, "Children", "count", expr(key))
            r.rows[i] = {"label": str(year), "terms": expr(key), "year": year, "series": movement}


def period_name(label: str, year: int) -> str | None:
    """A period as the table labels it (``Q1 (April to June 2023)``, ``April to December 2023``) -> its name in
    placeholders (``q1``, ``april_to_december``), so a table's cell and a sentence's figure are one unknown."""
    from . import periods

    text = re.sub(r"\s*\(.*\)$", "", label or "").strip()
    try:
        code = periods.parse(text, year)
    except periods.PeriodError:
        return None
    return None if code is None else periods.name(code, year)


def period_key(year: int, name: str, movement: str) -> Key:
    """A part-year count of children starting or ceasing: an unknown of its own, never part of the year's (a child
    who starts in two quarters is one start in the year), so no sum ties it to the year's figure."""
    return ("starts_and_ceases_period", year, name, movement, "all")


def read_starts_by_period(r: Reader):
    for i, _ in enumerate(r.table.rows):
        name = period_name(r.value(i, "Period"), r.table.year)
        movement = _code(contract.MOVEMENTS, r.value(i, "Movement"))
        if name and movement:
            key = period_key(r.table.year, name, movement)
            r.add(i, "Children", "count", expr(key))
            r.rows[i] = {"label": r.value(i, "Period"), "terms": expr(key), "series": movement}


def read_movement(movement: str, codes: dict, label_column: str):
    def reader(r: Reader):
        for i, _ in enumerate(r.table.rows):
            code = _code(codes, r.value(i, label_column))
            if code:
                key = ("starts_and_ceases", r.table.year, movement, code)
                r.add(i, "Children", "count", expr(key))
                r.add(i, "Percentage", "percent", expr(key), expr(("starts_and_ceases", r.table.year, movement, "all")))
                r.rows[i] = {"label": r.value(i, label_column), "terms": expr(key)}
        r.context.movement_total_rows(r.table.year, movement)
    return reader


def read_placements(r: Reader):
    """Placements, children and weeks of care by placement type and age band. A council's group row
    (Bromley's Fostering) adds up its members: placements exactly; weeks of care within the rounding a
    printed subtotal may carry (``subtotals.tolerance``: half a week a row, Bromley's 15,535 against its
    rows' 15,533); children at least its largest member's and at most their sum (a child may have
    placements of two types in the year), with every member's weeks at most 52.29 a child."""
    year, vocab, model = r.table.year, r.context.vocab, r.context.model
    seen: dict[tuple, int] = defaultdict(int)

    def candidates(text):
        return vocab.match("placement_type", text, contract.PLACEMENT_TYPES)

    # A label two categories share (Bromley's group Other and its type Other) is told apart by the order the
    # table prints them in (the council's); a table that prints no group row (a chart) has only the type.
    labels = [r.value(i, "Placement type") for i in range(len(r.table.rows))]
    with_groups = any(all(vocab.is_group("placement_type", c) for c in candidates(text)) and candidates(text)
                      for text in labels)
    for i, _ in enumerate(r.table.rows):
        type_text, age_text = r.value(i, "Placement type"), r.value(i, "Age band")
        nth = seen[(_norm(type_text or ""), _norm(age_text or ""))]
        seen[(_norm(type_text or ""), _norm(age_text or ""))] += 1
        found = candidates(type_text)
        if not with_groups:
            found = [c for c in found if not vocab.is_group("placement_type", c)] or found
        t = found[min(nth, len(found) - 1)] if found else None
        a = vocab.code("age_band", age_text, contract.AGE_BANDS)
        types = vocab.members("placement_type", t) if t else None
        ages = vocab.members("age_band", a) if a else None
        if not types or not ages:
            continue
        cells = [("placements_by_type_and_age", year, leaf, band) for leaf in types for band in ages]
        where = f"{r.table.where} (row {i + 1})"
        r.add(i, "Placements", "count", tuple((c + ("placements",), 1.0) for c in cells))
        weeks = tuple((c + ("weeks_of_care",), 1.0) for c in cells)
        if len(cells) == 1:
            r.add(i, "Children", "count", expr(cells[0] + ("children",)))
            r.add(i, "Weeks of care", "rounded", weeks, half=0.05)
        else:
            children = ("placement_group_children", year, t, a)
            r.add(i, "Children", "count", expr(children))
            model.add(tuple((c + ("children",), 1.0) for c in cells) + ((children, -1.0),), 0, math.inf,
                      "rule: a group's children are at most its members'", where)
            for c in cells:
                model.at_least(expr(children), expr(c + ("children",)), "rule: a group's children are at least "
                               "each member's", where)
            model.add(((children, MAX_WEEKS_PER_CHILD),) + tuple((k, -c) for k, c in weeks), 0, math.inf,
                      "rule: weeks of care are at most 52.29 a child", where)
            r.add(i, "Weeks of care", "rounded", weeks, half=0.05 + 0.5 * (len(cells) + 1))
        r.rows[i] = {"label": (type_text, age_text), "type": t, "age": a, "cells": cells,
                     "group": len(cells) > 1 or t not in vocab.leaves("placement_type", contract.PLACEMENT_TYPES)}
        r.context.placement_cell(year, t, a)


def read_distance_bands(r: Reader):
    """This year's children by distance band, with each band's percentage of all children looked after."""
    year, vocab = r.table.year, r.context.vocab
    codes = contract.LOOKED_AFTER_BREAKDOWNS["distance"]
    for i in range(len(r.table.rows)):
        code = vocab.code("distance", r.value(i, "Distance from home"), codes)
        terms = vocab.terms("distance", code, lambda c: la(year, "distance", c)) if code else None
        if not terms:
            continue
        r.add(i, "Children", "count", terms)
        r.add(i, "Percentage", "percent", terms, la_total(year))


def read_share_by_age(r: Reader):
    """Each placement group's placements within an age band, and its share of the band's placements: the
    DfE's groups, or a council's own (Bromley's Fostering, In-house fostering and Other)."""
    year, vocab = r.table.year, r.context.vocab
    groups = {_norm(label): group for group, label in PLACEMENT_GROUP_LABELS.items()}
    all_types = vocab.leaves("placement_type", contract.PLACEMENT_TYPES)
    for i in range(len(r.table.rows)):
        a = vocab.code("age_band", r.value(i, "Age band"), contract.AGE_BANDS)
        ages = vocab.members("age_band", a) if a else None
        label = r.value(i, "Placement group")
        own = [c for c in vocab.match("placement_type", label, contract.PLACEMENT_TYPES)
               if vocab.is_group("placement_type", c)]
        if own:
            types = vocab.members("placement_type", own[0])
        elif _norm(label or "") in groups:
            types = vocab.placement_group(groups[_norm(label)])
        else:
            types = None
        if not ages or not types:
            continue
        cells = [("placements_by_type_and_age", year, t, b, "placements") for t in types for b in ages]
        band = [("placements_by_type_and_age", year, t, b, "placements") for t in all_types for b in ages]
        r.add(i, "Placements", "count", expr(*cells))
        r.add(i, "Percentage", "percent", expr(*cells), expr(*band))


def read_stability(r: Reader):
    for i, _ in enumerate(r.table.rows):
        year, series = _year_of(r.value(i, "Year")), r.value(i, "Series")
        if year is None or "," not in series:
            continue
        area, words = (s.strip() for s in series.split(",", 1))
        measure = STABILITY_WORDS.get(_norm(words))
        if measure is None or _norm(area) in OTHER_AREAS:
            continue
        num = expr(("placement_stability", year, measure, "children"))
        den = expr(("placement_stability", year, measure, "cohort"))
        r.add(i, "Percentage", "percent", num, den)
        r.context.part_of(num, den)


def read_care_leavers(r: Reader):
    for i, _ in enumerate(r.table.rows):
        measure = _code(contract.CARE_LEAVER_MEASURES, r.value(i, "Outcome"))
        if measure is None or _norm(r.value(i, "Area")) in OTHER_AREAS:
            continue
        num = expr(("care_leavers", r.table.year, "age_19_to_21", measure, "children"))
        den = expr(("care_leavers", r.table.year, "age_19_to_21", measure, "cohort"))
        r.add(i, "Percentage", "percent", num, den)
        r.context.part_of(num, den)


def read_projection(r: Reader):
    """Projected children by age band: a straight line through the last five years' rates.

    A band's figure is max(line, 0); the "All ages" row adds the bands up, so it is at least the
    sum of the bands' lines (``projection_total``)."""
    for i, _ in enumerate(r.table.rows):
        year, band = _year_of(r.value(i, "Year")), _code(contract.AGE_BANDS, r.value(i, "Age band"))
        if year is None:
            continue
        if band is None and _norm(r.value(i, "Age band")) == "all ages":
            terms = tuple(t for b in contract.AGE_BANDS for t in r.context.projection_terms(r.table.year, year, b))
            if terms:
                r.add(i, "Projected children", "projection_total", terms)
            continue
        terms = r.context.projection_terms(r.table.year, year, band) if band else ()
        if terms:
            r.add(i, "Projected children", "projection", terms)
            r.rows[i] = {"year": year, "band": band, "terms": terms}


def read_grid(table_name: str, row_column: str, row_codes: dict, col_column: str, col_codes: dict,
              value_column: str, measure: str, month_rows: bool = False, dimensions: tuple = (None, None)):
    """A table of counts by two names. ``dimensions``: the contract dimensions of the row and column names,
    whose codes a council may have declared its own (Bromley's routes: the Commissioning Alliance)."""
    def reader(r: Reader):
        vocab = r.context.vocab

        def leaves(dimension, codes, text):
            if dimension is None:
                code = _code(codes, text)
                return (code,) if code else None
            code = vocab.code(dimension, text, codes)
            return vocab.members(dimension, code) if code else None

        for i, _ in enumerate(r.table.rows):
            text = r.value(i, row_column)
            row_leaves = ((_month(text),) if _month(text) else None) if month_rows else \
                leaves(dimensions[0], row_codes, text)
            col_leaves = leaves(dimensions[1], col_codes, r.value(i, col_column))
            if not row_leaves or not col_leaves:
                continue
            terms = tuple(((table_name, r.table.year, a, b, measure), 1.0) for a in row_leaves for b in col_leaves)
            r.add(i, value_column, "count", terms)
            r.rows[i] = {"row": text, "column": r.value(i, col_column), "terms": terms}
    return reader


def read_routes_by_period(r: Reader):
    """New placements by service and route in each quarter or part year (issue 10): unknowns of their own, keyed
    by period (``commissioning_routes_period``), never part of the year's (each period adds up on its own)."""
    vocab = r.context.vocab
    for i, _ in enumerate(r.table.rows):
        name = period_name(r.value(i, "Period"), r.table.year)
        service = vocab.code("service", r.value(i, "Service"), contract.SERVICES)
        route = vocab.code("route", r.value(i, "Route"), contract.ROUTES)
        if not (name and service and route):
            continue
        terms = tuple((("commissioning_routes_period", r.table.year, name, a, b, "placements"), 1.0)
                      for a in vocab.members("service", service) or () for b in vocab.members("route", route) or ())
        if not terms:
            continue
        r.add(i, "New placements", "count", terms)
        r.rows[i] = {"label": r.value(i, "Period"), "terms": terms}


def _month(text: str) -> str | None:
    m = re.fullmatch(r"\s*([A-Za-z]+)\s+(\d{4})\s*", str(text))
    if not m or m.group(1).lower() not in MONTHS:
        return None
    return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"


#: The provider of a spend line the council did not state (catalogue.market prints "Not stated").
NOT_STATED = "not_stated"


def read_spend(r: Reader):
    """Spend, weeks of care and average weekly cost by service and provider (money and weeks, not children).

    Spend = weekly cost × weeks of care: with the cost published, a withheld spend or weeks follows
    from the other, within the cost's rounding (two linear bounds)."""
    year, model, vocab = r.table.year, r.context.model, r.context.vocab
    services = vocab.leaves("service", contract.SERVICES)
    sectors = vocab.leaves("sector", contract.PROVIDER_SECTOR)
    seen = set()
    for i, _ in enumerate(r.table.rows):
        service = vocab.code("service", r.value(i, "Service"), contract.SERVICES)
        sector = vocab.code("sector", r.value(i, "Provided by"), contract.PROVIDER_SECTOR)
        if _norm(r.value(i, "Provided by")) == "not stated":
            sector = NOT_STATED  # a line whose provider the council did not give: still part of the total
        if service not in services or sector not in sectors + [NOT_STATED]:
            service = None  # a group of services (a council's own) or a category spanning: no row of its own
        if _norm(r.value(i, "Service")) == "all services":
            cells = [("spend_by_service", year, s, p) for s in services for p in sectors + [NOT_STATED]]
            r.add(i, "Spend", "rounded", tuple((c + ("spend",), 1.0) for c in cells), half=0.5)
            r.add(i, "Weeks of care", "rounded", tuple((c + ("weeks_of_care",), 1.0) for c in cells))
            continue
        if service is None or sector is None:
            continue
        base = ("spend_by_service", year, service, sector)
        seen.add((service, sector))
        r.add(i, "Spend", "rounded", expr(base + ("spend",)), half=0.5)
        r.add(i, "Weeks of care", "rounded", expr(base + ("weeks_of_care",)))
        cost = parse_number(r.value(i, "Average weekly cost") or "")
        if cost is not None:
            unit, decimals = cost
            half = 0.5 * 10 ** -decimals
            spend, weeks = base + ("spend",), base + ("weeks_of_care",)
            where = f"{r.table.where} (row {i + 1}, Average weekly cost)"
            model.add(((spend, 1.0), (weeks, -(unit + half))), -math.inf, 0.5, "rule: spend is cost times weeks", where)
            model.add(((spend, 1.0), (weeks, -(unit - half))), -0.5, math.inf, "rule: spend is cost times weeks", where)
    if r.table.name == "unit_costs_table" and r.table.column("Weeks of care") is not None:
        # Services and providers with nothing bought are left out of the table: 0.
        for service in services:
            for sector in sectors:
                if (service, sector) not in seen:
                    for column in ("spend", "weeks_of_care"):
                        model.show(expr(("spend_by_service", year, service, sector, column)), 0, 0, r.source,
                                   f"{r.table.where} (no row for {service}, {sector})")


def read_declared(r: Reader) -> bool:
    """A table a council declared (``data/<year>/<name>.yml``), read as a reader sees it, without its schema:
    columns of whole numbers (or ``c``) are counts, the other columns name the row. A row whose name reads as
    a total (``Total``, ``All ...``) adds up the rows that share its other names. Where a withheld count has
    no printed total over it, a reader may still know that total from elsewhere (all children by sex is the
    children looked after): the only ``c`` of such a group is given away (``Reading.lone_withheld``).
    Where the edition's metadata file gives a column's unit, only ``count`` columns are counts.
    False when the table has no counts (money, percentages, text): nothing to read."""
    table, year = r.table, r.table.year
    units = r.context.edition.units
    numeric = []
    for j, column in enumerate(table.header):
        cells = [row[j].strip() if j < len(row) else "" for row in table.rows]
        unit = units.get((year, table.name, column))
        if (unit is not None and unit != "count") or any(("%" in c or "£" in c or "." in c) for c in cells):
            continue  # the metadata file says what each column holds: only counts are read
        if all(parse_number(c) is not None or c.lower() in SYMBOLS for c in cells) and \
                any(parse_number(c) is not None or is_withheld(c) for c in cells):
            numeric.append(column)
    names = [c for c in table.header if c not in numeric]
    if not numeric or not names:
        return False

    def key_of(i: int) -> tuple:
        return tuple(_norm(r.value(i, n) or "") for n in names)

    def total_at(i: int) -> set[int]:
        return {j for j, n in enumerate(names) if contract.reads_as_total(r.value(i, n) or "")}

    keys = {i: key_of(i) for i in range(len(table.rows))}
    for i in range(len(table.rows)):
        for column in numeric:
            r.add(i, column, "count", expr(("declared", table.name, year, *keys[i], column)))
    model, where = r.context.model, f"declared table {table.name}"
    for column in numeric:
        for j in range(len(names)):
            groups: dict[tuple, list[int]] = defaultdict(list)
            totals: dict[tuple, int] = {}
            for i in range(len(table.rows)):
                rest = keys[i][:j] + keys[i][j + 1:]
                if j in total_at(i):
                    totals[rest] = i
                else:
                    groups[rest].append(i)
            for rest, parts in groups.items():
                cells = [("declared", table.name, year, *keys[i], column) for i in parts]
                if rest in totals:
                    total = ("declared", table.name, year, *keys[totals[rest]], column)
                    model.add(tuple((c, 1.0) for c in cells) + ((total, -1.0),), 0, 0,
                              "rule: a declared table's total", where)
                elif any(total_at(i) for i in parts):
                    continue  # a group of totals (the margins of a two-way table) with no grand total
                else:
                    withheld = [c for c, i in zip(cells, parts) if is_withheld(r.value(i, column) or "")]
                    if len(withheld) == 1:
                        r.context.lone_withheld.append((withheld[0], f"{table.where} ({column})"))
    return True


READERS = {
    "looked_after_trend": read_looked_after_trend,
    "looked_after_rate_trend": read_rate_trend,
    "looked_after_by_age": read_counts_by("age_band", "Age band"),
    "looked_after_by_placement_type": read_counts_by("placement_type", "Placement type"),
    "looked_after_by_provider": read_counts_by("provider", "Provider"),
    "looked_after_by_legal_status": read_counts_by("legal_status", "Legal status"),
    "looked_after_characteristics": read_characteristics,
    "distance_from_home": read_distance,
    "uasc_trend": read_uasc_trend,
    "placement_mix_trend": read_placement_mix,
    "starts_and_ceases_trend": read_starts_trend,
    "starts_and_ceases_by_period": read_starts_by_period,
    "started_by_need": read_movement("started", contract.CATEGORIES_OF_NEED, "Category of need"),
    "ceased_by_reason": read_movement("ceased", contract.REASONS_CEASED, "Reason"),
    "placements_by_type_and_age": read_placements,
    "weeks_of_care_by_type_and_age": read_placements,
    "looked_after_by_distance": read_distance_bands,
    "placement_share_by_age": read_share_by_age,
    "stability_trend": read_stability,
    "care_leavers_outcomes": read_care_leavers,
    "projection": read_projection,
    "projection_by_age": read_projection,
    "forecast_trend": read_forecast_actuals("Series", ("looked after at 31 march",)),
    "backtest": read_forecast_actuals("Series", ("actual",)),
    "backtest_table": read_backtest_table,
    "commissioning_routes": read_grid("commissioning_routes", "Service", contract.SERVICES, "Route", contract.ROUTES,
                                      "New placements", "placements", dimensions=("service", "route")),
    "routes_by_period": read_routes_by_period,
    "unit_costs_table": read_spend,
    "unit_costs": read_spend,
    "spend_by_service": read_spend,
    "referrals_by_month": read_grid("referrals", "Month", {}, "Outcome", contract.REFERRAL_OUTCOMES, "Referrals",
                                    "referrals", month_rows=True),
}


# ---------------------------------------------------------------------------
# Chart summaries: what a sentence adds (totals, the largest group, the highest year)
# ---------------------------------------------------------------------------

NEUTRAL_SUMMARY = re.compile(r"some figures are withheld|^No figures|^No forecast|no .* to show", re.I)
_NUMBER = r"(-?[\d,]+(?:\.\d+)?)"


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _half(text: str) -> float:
    return 0.5 * 10 ** -(len(text.split(".")[1]) if "." in text else 0)


def _rows_with(r: Reader, **match) -> list[dict]:
    return [row for row in r.rows.values() if all(_norm(str(row.get(k))) == _norm(str(v)) for k, v in match.items())]


def _sum_terms(rows) -> Expr:
    return tuple(t for row in rows for t in row["terms"])


def summary_trend(r: Reader, text: str, m: Model, where: str) -> bool:
    pairs = re.findall(_NUMBER + r",? in (\d{4})", text)
    if not pairs:
        return False
    by_year = {row["year"]: row for row in r.rows.values() if "year" in row}
    for value, year in pairs:
        row = by_year.get(int(year))
        if row is None:
            return False
        m.show(row["terms"], _num(value), 0, r.source, where)
    for word, sign in (("highest", 1), ("lowest", -1)):
        found = re.search(rf"the {word} figure, {_NUMBER}, in (\d{{4}})", text)
        if found:
            top = by_year[int(found.group(2))]
            for row in by_year.values():
                if row is not top:
                    big, small = (top["terms"], row["terms"]) if sign > 0 else (row["terms"], top["terms"])
                    m.at_least(big, small, r.source, where)
    return True


def summary_series(r: Reader, text: str, m: Model, where: str) -> bool:
    """'<what>: <series> from A in Y1 to B in Yn; ...' (starts and ceases)."""
    body = text.split(": ", 1)[-1].rstrip(".")
    for clause in body.split("; "):
        found = re.fullmatch(r"(.+?) (?:from )?" + _NUMBER + r" in (\d{4})(?: to " + _NUMBER + r" in (\d{4}))?",
                             clause)
        if not found:
            return False
        series = _code(contract.MOVEMENTS, found.group(1))
        for value, year in ((found.group(2), found.group(3)), (found.group(4), found.group(5))):
            if value is None:
                continue
            rows = [row for row in r.rows.values() if row.get("year") == int(year) and row.get("series") == series]
            if len(rows) != 1:
                return False
            m.show(rows[0]["terms"], _num(value), 0, r.source, where)
    return True


def summary_periods(r: Reader, text: str, m: Model, where: str) -> bool:
    """'...(not added up into the year's figure): <period>: A started, B ceased; <period>: ...'."""
    body = text.split("figure): ", 1)[-1].rstrip(".")
    for clause in body.split("; "):
        label, _, figures = clause.rpartition(": ")
        for part in figures.split(", "):
            found = re.fullmatch(_NUMBER + r" (started|ceased)", part)
            if not found:
                return False
            rows = [row for row in r.rows.values() if row.get("label") == label and row.get("series") == found.group(2)]
            if len(rows) != 1:
                return False
            m.show(rows[0]["terms"], _num(found.group(1)), 0, r.source, where)
    return True


def summary_ranking(r: Reader, text: str, m: Model, where: str) -> bool:
    found = re.fullmatch(r"Of the " + _NUMBER + r" .+?, the largest group was (.+?) \(" + _NUMBER + r"\)"
                         r"(?:, followed by (.+) \(" + _NUMBER + r"\))?\.", text)
    if not found:
        return False
    rows = [row for row in r.rows.values() if not row.get("group")]  # a council's group rows add up others
    source = r.source
    m.show(_sum_terms(rows), _num(found.group(1)), 0, source, where)
    ranked = []
    for label, value in ((found.group(2), found.group(3)), (found.group(4), found.group(5))):
        if label is None:
            continue
        match = [row for row in rows if _norm(row["label"]) == _norm(label)]
        if len(match) != 1:
            return False
        m.show(match[0]["terms"], _num(value), 0, source, where)
        for row in rows:
            if row is not match[0] and not any(row is x for x in ranked):
                m.at_least(match[0]["terms"], row["terms"], source, where)
        ranked.append(match[0])
    return True


def summary_by_age(r: Reader, text: str, m: Model, where: str) -> bool:
    found = re.fullmatch(r"At 31 March (\d{4}) the largest age group of children looked after was (.+?) \("
                         + _NUMBER + r" of " + _NUMBER + r"\)(?:, compared with " + _NUMBER + r" a year earlier)?\.",
                         text)
    if not found:
        return False
    vocab = r.context.vocab
    year = int(found.group(1))
    band = vocab.code("age_band", found.group(2), contract.LOOKED_AFTER_BREAKDOWNS["age_band"])
    terms = vocab.terms("age_band", band, lambda c: la(year, "age_band", c)) if band else None
    if not terms:
        return False
    source = r.source
    this_year = [row for row in r.rows.values() if row.get("year") == year and not row.get("group")]
    top = [row for row in this_year if _norm(row["label"]) == _norm(found.group(2))]
    m.show(terms, _num(found.group(3)), 0, source, where)
    m.show(_sum_terms(this_year), _num(found.group(4)), 0, source, where)
    for row in this_year:
        if top and row is not top[0]:
            m.at_least(top[0]["terms"], row["terms"], source, where)
    if found.group(5):
        m.show(vocab.terms("age_band", band, lambda c: la(year - 1, "age_band", c)), _num(found.group(5)), 0, source,
               where)
    return True


def summary_placements(r: Reader, text: str, m: Model, where: str) -> bool:
    found = re.match(_NUMBER + r" placements and " + _NUMBER + r" weeks of care", text)
    found_weeks = re.match(r"Of " + _NUMBER + r" weeks of care in the year, (.+) accounted for " + _NUMBER, text)
    # The sentence adds up the rows that hold their own figures, not a council's group rows too.
    rows = [row for row in r.rows.values() if not row["group"]]
    source, vocab = r.source, r.context.vocab

    def column(name, part):
        return tuple((c + (name,), 1.0) for row in part for c in row["cells"])

    if found:
        m.show(column("placements", rows), _num(found.group(1)), 0, source, where)
        weeks = found.group(2)
    elif found_weeks:
        weeks = found_weeks.group(1)
        code = vocab.code("placement_type", found_weeks.group(2), contract.PLACEMENT_TYPES)
        leaves = set(vocab.members("placement_type", code) or ()) if code else set()
        part = [row for row in rows if row["type"] in leaves]
        if not part:
            return False
        slack = 0.05 * (len(part) + 1)
        m.add(column("weeks_of_care", part), _num(found_weeks.group(3)) - slack, _num(found_weeks.group(3)) + slack,
              source, where)
    else:
        return False
    # The sentence adds up the table's figures as shown (each rounded to 0.1 of a week).
    slack = 0.05 * (len(rows) + 1)
    m.add(column("weeks_of_care", rows), _num(weeks) - slack, _num(weeks) + slack, source, where)
    return True


def _column_summary(r: Reader, text: str, m: Model, where: str, pattern: str, key: str) -> bool:
    """'Of N ..., M ... <group>' / 'received N ..., the busiest month was <group> with M.'"""
    found = re.search(pattern, text)
    if not found:
        return False
    rows = list(r.rows.values())
    source = r.source
    m.show(_sum_terms(rows), _num(found.group("total")), 0, source, where)
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[_norm(row[key])].append(row)
    wanted = _norm(found.group("group"))
    top = next((g for g in groups if g == wanted or g.startswith(wanted)), None)
    if top is None:
        return False
    m.show(_sum_terms(groups[top]), _num(found.group("part")), 0, source, where)
    for name, part in groups.items():
        if name != top:
            m.at_least(_sum_terms(groups[top]), _sum_terms(part), source, where)
    return True


def summary_routes(r, text, m, where):
    return _column_summary(r, text, m, where, r"Of (?P<total>[\d,]+) new placements, (?P<part>[\d,]+) \(.*?\) "
                           r"were made through (?P<group>.+), the most of any route\.", "column")


def summary_referrals(r, text, m, where):
    return _column_summary(r, text, m, where, r"received (?P<total>[\d,]+) referrals, .*the busiest month was "
                           r"(?P<group>.+) with (?P<part>[\d,]+)\.", "row")


def summary_routes_by_period(r: Reader, text: str, m: Model, where: str) -> bool:
    """'New placements in part of the year, as published (...): <period>: N; <period>: N.': each period's total."""
    body = text.split("figure): ", 1)[-1].rstrip(".")
    for clause in body.split("; "):
        label, _, figure = clause.rpartition(": ")
        rows = [row for row in r.rows.values() if row.get("label") == label]
        if not rows or not re.fullmatch(_NUMBER, figure):
            return False
        m.show(_sum_terms(rows), _num(figure), 0, r.source, where)
    return True


def summary_restates(r, text, m, where):
    """Summaries that repeat figures of their own table (rates, percentages, forecasts): nothing new."""
    return True


SUMMARIES = {
    "looked_after_trend": summary_trend,
    "uasc_trend": summary_trend,
    "starts_and_ceases_trend": summary_series,
    "starts_and_ceases_by_period": summary_periods,
    "looked_after_by_placement_type": summary_ranking,
    "looked_after_by_provider": summary_ranking,
    "looked_after_by_legal_status": summary_ranking,
    "started_by_need": summary_ranking,
    "ceased_by_reason": summary_ranking,
    "looked_after_by_age": summary_by_age,
    "placements_by_type_and_age": summary_placements,
    "weeks_of_care_by_type_and_age": summary_placements,
    "commissioning_routes": summary_routes,
    "routes_by_period": summary_routes_by_period,
    "referrals_by_month": summary_referrals,
    "looked_after_rate_trend": summary_restates,
    "stability_trend": summary_restates,
    "care_leavers_outcomes": summary_restates,
    "projection_by_age": summary_restates,
    "projection": summary_restates,
    "forecast_trend": summary_restates,
    "backtest": summary_restates,
    "backtest_table": summary_restates,
    "distance_from_home": summary_restates,
    "placement_mix_trend": summary_restates,
    "looked_after_characteristics": summary_restates,
    "spend_by_service": summary_restates,   # money: the total and the largest service, shown in the table
    "unit_costs": summary_restates,
    "unit_costs_table": summary_restates,
}


# ---------------------------------------------------------------------------
# From tables to the model
# ---------------------------------------------------------------------------


class Context:
    """What the readers share: the model, the population, the years each statement covers."""

    def __init__(self, edition: Edition, population: dict, model: Model, vocab: Vocabulary = DFE):
        self.edition = edition
        self.population = population
        self.model = model
        self.vocab = vocab
        self._done: set = set()
        #: (withheld count, where): the only c of a group whose total is not printed (``read_declared``).
        self.lone_withheld: list = []

    def population_total(self, year: int) -> float | None:
        values = [v for (y, _), v in self.population.items() if y == year]
        return sum(values) if len(values) == len(contract.AGE_BANDS) else None

    def _population_for(self, year: int, band: str) -> float | None:
        earlier = [y for (y, b) in self.population if b == band and y <= year]
        return self.population[(max(earlier), band)] if earlier else None

    def data_years(self, statement_year: int) -> list[int]:
        """Years with figures of children looked after, as the statement's trend table lists them."""
        table = self.edition.downloads(statement_year).get("looked_after_trend")
        if table is None:
            return []
        return sorted(y for y in (_year_of(row[0]) for row in table.rows) if y)

    def projection_terms(self, statement_year: int, year: int, band: str) -> Expr:
        """Projected children of ``band`` in ``year`` as a linear function of earlier counts.

        The published method: least-squares line through the rates per 10,000 of the last
        ``PROJECTION_BASE_YEARS`` years, at ``year``, times the projected population / 10,000.
        prediction = Σ w_i rate_i with w_i = 1/n + (x − x̄)(x_i − x̄)/Sxx."""
        years = [y for y in self.data_years(statement_year) if y <= statement_year][-PROJECTION_BASE_YEARS:]
        future = self._population_for(year, band)
        if len(years) < 3 or not future or any((y, band) not in self.population for y in years):
            return ()
        mean = sum(years) / len(years)
        sxx = sum((y - mean) ** 2 for y in years)
        terms = []
        for y in years:
            weight = 1 / len(years) + (year - mean) * (y - mean) / sxx
            terms.append((la(y, "age_band", band), weight * future / self.population[(y, band)]))
        return tuple(terms)

    def referral_months(self, year: int) -> list[str]:
        """Months of the year's referrals table, as ``YYYY-MM``."""
        table = self.edition.downloads(year).get("referrals_by_month")
        if table is None or table.column("Month") is None:
            return []
        column = table.column("Month")
        return list(dict.fromkeys(m for m in (_month(row[column]) for row in table.rows) if m))

    def movement_total_rows(self, year: int, movement: str) -> None:
        pass  # added for every referenced movement in ``add_structure``

    def placement_cell(self, year: int, t: str, a: str) -> None:
        pass  # added for every referenced cell in ``add_structure``

    def part_of(self, num: Expr, den: Expr) -> None:
        if ("part", num, den) not in self._done:
            self._done.add(("part", num, den))
            self.model.at_least(den, num, "rule: a part is at most its whole", "contract")


def add_structure(model: Model, vocab: Vocabulary = DFE) -> None:
    """The sums and inequalities the data contract declares, for every figure a table referred to.

    A breakdown in the contract's categories adds up to the total (an added "not known" completes it); a
    council's own list need not cover every child (Bristol's distance bands come to 96%): at most the total."""
    keys = list(model.vars)
    breakdowns = {(k[1], k[2]) for k in keys if k[0] == "looked_after" and k[2] != "total"}
    for year, breakdown in sorted(breakdowns):
        codes = vocab.leaves(breakdown, contract.LOOKED_AFTER_BREAKDOWNS[breakdown])
        model.add(tuple((la(year, breakdown, c), 1.0) for c in codes) + ((la(year, "total", "all"), -1.0),),
                  -math.inf if vocab.own(breakdown) else 0, 0,
                  "rule: a council's categories are at most the total" if vocab.own(breakdown) else
                  "rule: a breakdown adds up to the total", "contract: looked_after")
    movements = {(k[1], k[2]) for k in keys if k[0] == "starts_and_ceases"}
    for year, movement in sorted(movements):
        codes = contract.CATEGORIES_OF_NEED if movement == "started" else contract.REASONS_CEASED
        model.add(tuple((("starts_and_ceases", year, movement, c), 1.0) for c in codes)
                  + ((("starts_and_ceases", year, movement, "all"), -1.0),), 0, 0,
                  "rule: reasons add up to the total", "contract: starts_and_ceases")
    cells = {k[:4] for k in keys if k[0] == "placements_by_type_and_age"}
    for base in sorted(cells):
        children, placements, weeks = base + ("children",), base + ("placements",), base + ("weeks_of_care",)
        model.at_least(expr(placements), expr(children), "rule: children are at most placements",
                       "contract: placements_by_type_and_age")
        model.add(((children, MAX_WEEKS_PER_CHILD), (weeks, -1.0)), 0, math.inf,
                  "rule: weeks of care are at most 52.29 a child", "contract: placements_by_type_and_age")


def apply_cell(model: Model, table: Table, cell: Cell, source: str) -> None:
    where = f"{table.where} (row {cell.row + 1}, {cell.column})"
    text = cell.text.strip()
    if is_withheld(text):
        # A withheld count (or the count behind a withheld percentage) is a figure to audit; a withheld
        # model figure (a projection) or rate publishes nothing and is not a count of children.
        money = cell.kind == "rounded" and len(cell.terms) == 1 and cell.terms[0][0][0] == "spend_by_service"
        if cell.terms and (cell.kind in ("count", "percent") or money) and all(c == 1 for _, c in cell.terms):
            model.withhold(cell.terms, source, where, share=cell.kind == "percent")
        return
    if cell.kind == "percent" and text.lower() == LOW:
        model.percent(cell.terms, cell.den, 0, None, source, where)
        return
    parsed = parse_number(text)
    if parsed is None or not cell.terms:
        return
    value, decimals = parsed
    half = cell.half if cell.half is not None else 0.5 * 10 ** -decimals
    if cell.kind == "count":
        model.show(cell.terms, value, 0, source, where)
    elif cell.kind == "rounded":
        model.show(cell.terms, value, half, source, where)
    elif cell.kind == "percent":
        model.percent(cell.terms, cell.den, value, half, source, where)
    elif cell.kind == "projection":  # rates are not allowed below zero: 0 means "0.5 or less"
        model.add(cell.terms, -math.inf if value == 0 else value - half, value + half, source, where)
    elif cell.kind == "projection_total":  # Σ max(line, 0) ≥ Σ line
        model.add(cell.terms, -math.inf, value + half, source, where)


@dataclass
class Reading:
    """What was read: the model and the tables and summaries left unread (so nothing is skipped silently)."""

    model: Model
    unread_tables: list[str] = field(default_factory=list)
    unread_summaries: list[str] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
    prose: object = None   # audit_prose.ProseResult, when the narrative's source was given
    #: (withheld count, where): the only c of a declared table's group whose total is not printed
    lone_withheld: list = field(default_factory=list)


def read_model(edition: Edition, population: dict, withheld_minimum: int = 1,
               content: Path | None = None, categories=None) -> Reading:
    model = Model(withheld_minimum)
    reading = Reading(model)
    context = Context(edition, population, model, Vocabulary(categories))
    for table in edition.tables:
        reader_fn = READERS.get(table.name)
        if reader_fn is None:
            if table.name in NOT_ABOUT_CHILDREN or table.name in MODELLED:
                reading.not_modelled.append(table.where)
                continue
            if table.name in _builtin_outputs():
                reading.unread_tables.append(table.where)
                continue
            # Any other table is one a council declared: read as a reader sees it.
            reader = Reader(table, context)
            if not read_declared(reader):
                reading.not_modelled.append(table.where)
                continue
            for cell in reader.cells:
                apply_cell(model, table, cell, family(table.name))
            if table.summary and not NEUTRAL_SUMMARY.search(table.summary):
                reading.unread_summaries.append(f"{table.where}: {table.summary}")
            continue
        reader = Reader(table, context)
        reader_fn(reader)
        for cell in reader.cells:
            apply_cell(model, table, cell, family(table.name))
        if table.summary and not NEUTRAL_SUMMARY.search(table.summary):
            summary_fn = SUMMARIES.get(table.name)
            reader.source = family(table.name) + " (summary)"
            if summary_fn is None or not summary_fn(reader, table.summary, model, table.where + " (summary)"):
                reading.unread_summaries.append(f"{table.where}: {table.summary}")
    if content is not None and Path(content).is_dir():
        from .audit_prose import read_prose

        reading.prose = read_prose(edition, Path(content), model, context)
    add_structure(model, context.vocab)
    reading.lone_withheld = context.lone_withheld
    return reading


@lru_cache(maxsize=1)
def _builtin_outputs() -> frozenset:
    """The names of the site's own charts and tables (a table of any other name is one a council declared)."""
    from .catalogue import all_outputs

    return frozenset(all_outputs())


# ---------------------------------------------------------------------------
# Solving: smallest and largest value of each withheld figure (integer programmes)
# ---------------------------------------------------------------------------


@dataclass
class Interval:
    key: Key
    low: float
    high: float
    integer: bool = True

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class Problem:
    """Published figures that contradict each other (or that the audit misreads)."""

    text: str
    sources: list[str]


class _Union:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


class _Reusable:
    """One HiGHS model per component, kept between solves (only the objective changes, so HiGHS starts
    from where it was). Uses scipy's bundled HiGHS bindings; ``Solver`` falls back to ``milp`` without them."""

    def __init__(self, a, low, high, lb, ub, integrality):
        from scipy.optimize._highspy import _core as h
        from scipy.sparse import csc_matrix

        matrix = csc_matrix(a)
        lp = h.HighsLp()
        lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = a.shape[1], a.shape[0]
        lp.a_matrix_.format_ = h.MatrixFormat.kColwise
        lp.col_cost_ = np.zeros(a.shape[1])
        lp.col_lower_, lp.col_upper_ = lb, ub
        lp.row_lower_, lp.row_upper_ = low, high
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
        lp.integrality_ = [h.HighsVarType(int(i)) for i in integrality]
        self.h = h
        self.highs = h._Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        if self.highs.passModel(lp) == h.HighsStatus.kError:
            raise ValueError("HiGHS refused the model")
        self.last = None

    def optimum(self, column: int, sign: float) -> float | None:
        if self.last is not None:
            self.highs.changeColCost(self.last, 0.0)
        self.highs.changeColCost(column, sign)
        self.last = column
        self.highs.run()
        if self.highs.getModelStatus() != self.h.HighsModelStatus.kOptimal:
            return None
        return float(self.highs.getSolution().col_value[column])


def _integral(x, integrality, tolerance: float = 1e-7) -> bool:
    chosen = x[integrality == 1]
    return bool(np.all(np.abs(chosen - np.round(chosen)) <= tolerance))


class Solver:
    """The model folded (published figures become constants) and split into independent components."""

    def __init__(self, model: Model, exclude: frozenset = frozenset()):
        self.model = model
        self.exclude = exclude
        self.problems: list[Problem] = []
        self.lb: dict[Key, float] = {}
        self.ub: dict[Key, float] = {}
        for key, var in model.vars.items():
            low, high = 0.0, UNBOUNDED if var.integer else UNBOUNDED_MONEY
            for source, lo, hi, _where in var.bounds:
                if source in exclude:
                    continue
                low, high = max(low, lo), min(high, hi)
            if var.integer:
                low, high = math.ceil(low - 1e-7), math.floor(high + 1e-7)
            if low > high + 1e-7:
                shown = ", ".join(f"{v:g} in {w}" for v, w in var.shown[:4])
                self.problems.append(Problem(f"{describe(key)}: published figures disagree ({shown})",
                                             sorted({b[0] for b in var.bounds})))
                high = low
            self.lb[key], self.ub[key] = low, high
        self.fixed = {k for k in model.vars if self.ub[k] - self.lb[k] < 1e-9}
        self.rows: list[tuple[dict, float, float, Row]] = []
        union = _Union()
        for row in model.rows:
            if row.source in exclude:
                continue
            free, constant = {}, 0.0
            for key, coef in row.terms:
                if key in self.fixed:
                    constant += coef * self.lb[key]
                else:
                    free[key] = free.get(key, 0.0) + coef
            low, high = row.low - constant, row.high - constant
            if not free:
                tolerance = 1e-6 * max(1.0, abs(constant))
                if low > tolerance or high < -tolerance:
                    self.problems.append(Problem(f"{row.where}: a published figure breaks '{row.source}' "
                                                 f"(off by {max(low, -high):g})", [row.source]))
                continue
            self.rows.append((free, low, high, row))
            keys = list(free)
            for k in keys[1:]:
                union.join(keys[0], k)
            union.find(keys[0])
        self.union = union
        self.components: dict = defaultdict(list)
        for index, (free, *_rest) in enumerate(self.rows):
            self.components[union.find(next(iter(free)))].append(index)

    def component_of(self, key: Key):
        if key in self.fixed or key not in self.union.parent:
            return None
        return self.union.find(key)

    def interval(self, key: Key, relax: bool = False) -> Interval:
        """Smallest and largest value of ``key`` (``relax``: the linear-programming relaxation)."""
        integer = self.model.vars[key].integer
        if key in self.fixed:
            return Interval(key, self.lb[key], self.ub[key], integer)
        root = self.component_of(key)
        if root is None:
            return self._interval(key, self.lb[key], self.ub[key], integer)
        return self._solve(root, key, relax)

    def _matrices(self, root):
        cached = getattr(self, "_cache", {})
        self._cache = cached
        if root in cached:
            return cached[root]
        indices = self.components[root]
        keys = sorted({k for i in indices for k in self.rows[i][0]}, key=str)
        position = {k: j for j, k in enumerate(keys)}
        a = np.zeros((len(indices), len(keys)))
        low, high = np.empty(len(indices)), np.empty(len(indices))
        for r, i in enumerate(indices):
            free, lo, hi, _row = self.rows[i]
            for k, c in free.items():
                a[r, position[k]] = c
            low[r], high[r] = lo - 1e-7, hi + 1e-7
        lb = np.array([self.lb[k] for k in keys])
        ub = np.array([self.ub[k] for k in keys])
        integrality = np.array([1 if self.model.vars[k].integer else 0 for k in keys])
        cached[root] = (keys, position, a, low, high, lb, ub, integrality)
        return cached[root]

    def _solve(self, root, key: Key, relax: bool) -> Interval:
        from scipy.optimize import Bounds, LinearConstraint, milp

        keys, position, a, low, high, lb, ub, integrality = self._matrices(root)
        integer = self.model.vars[key].integer
        if not relax:
            fast = self._reusable(root)
            if fast is not None:
                values = [fast.optimum(position[key], sign) for sign in (1.0, -1.0)]
                if None in values:
                    self.problems.append(Problem(f"{describe(key)}: no values fit every published figure",
                                                 self.sources(root)))
                    return Interval(key, self.lb[key], math.inf, integer)
                return self._interval(key, values[0], values[1], integer)
        bounds = []
        constraints = LinearConstraint(a, low, high)
        for sign in (1.0, -1.0):
            c = np.zeros(len(keys))
            c[position[key]] = sign
            # The linear relaxation first: when its optimum is already whole (as sums usually give), it is
            # the integer optimum too (the relaxation can only do better). Otherwise the integer programme.
            result = milp(c, integrality=np.zeros_like(integrality), bounds=Bounds(lb, ub), constraints=constraints)
            if not relax and result.x is not None and not _integral(result.x, integrality):
                result = milp(c, integrality=integrality, bounds=Bounds(lb, ub), constraints=constraints,
                              options={"presolve": True, "mip_rel_gap": 0})
            if result.status != 0 or result.x is None:
                self.problems.append(Problem(f"{describe(key)}: no values fit every published figure "
                                             f"({result.message})", self.sources(root)))
                return Interval(key, self.lb[key], math.inf, integer)
            bounds.append(result.x[position[key]])
        return self._interval(key, bounds[0], bounds[1], integer)

    @staticmethod
    def _interval(key, low_value, high_value, integer) -> Interval:
        if integer:
            low_value, high_value = round(low_value), round(high_value)
        if high_value >= (UNBOUNDED if integer else UNBOUNDED_MONEY) - 1:
            high_value = math.inf
        return Interval(key, low_value, high_value, integer)

    def _reusable(self, root):
        models = self.__dict__.setdefault("_models", {})
        if root not in models:
            try:
                models[root] = _Reusable(*self._matrices(root)[2:])
            except (ImportError, AttributeError, TypeError, ValueError):
                models[root] = None
        return models[root]

    def check(self, done: set) -> None:
        """Figures that hold no withheld one can still contradict each other (a share of a total printed as
        x in one table, another share of it in another): every component not solved for a withheld figure
        is checked to have any values at all (its linear relaxation: a contradiction of whole numbers
        alone is left to the components that are solved)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        for root in sorted(set(self.components) - done, key=str):
            keys, _position, a, low, high, lb, ub, _integrality = self._matrices(root)
            result = milp(np.zeros(len(keys)), integrality=np.zeros(len(keys)), bounds=Bounds(lb, ub),
                          constraints=LinearConstraint(a, low, high))
            if result.status == 2:  # infeasible
                where = sorted({self.rows[i][3].where for i in self.components[root]})
                self.problems.append(Problem(f"published figures contradict each other: {'; '.join(where[:6])}",
                                             self.sources(root)))

    def sources(self, root) -> list[str]:
        names = {self.rows[i][3].source for i in self.components.get(root, [])}
        keys = {k for i in self.components.get(root, []) for k, _ in self.rows[i][3].terms}
        names |= {b[0] for k in keys for b in self.model.vars[k].bounds}
        return sorted(names)


# ---------------------------------------------------------------------------
# The audit
# ---------------------------------------------------------------------------


#: Rules that only define a figure (a withheld sum is its parts): never the reason it is pinned.
DEFINITIONS = {"rule: a sum"}
#: Why the only c of a group with no printed total is a finding (``read_declared``).
LONE_IN_GROUP = "rule: a group's total may be known from elsewhere"


@dataclass
class Finding:
    """A withheld figure a reader can narrow to a range below the threshold."""

    key: Key
    label: str
    low: float
    high: float
    withheld_in: list[str]
    shown_in: list[str]
    #: Sources (an output name or a rule) without which the range would be wide enough.
    necessary: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def years(self) -> list[int]:
        """Statement years whose pages or downloads show the figure as c."""
        return sorted({int(w.split("/")[0]) for w in self.withheld_in if w[:4].isdigit()})

    def __str__(self) -> str:
        if math.isnan(self.low):
            return f"{self.label}: the only c of its group, whose total a reader may know from elsewhere"
        high = "unbounded" if self.high == math.inf else f"{self.high:g}"
        text = f"{self.label}: between {self.low:g} and {high} (width {self.width:g})"
        if self.shown_in:
            text += f"; shown as a number in {self.shown_in[0]}"
        if self.necessary:
            text += f"; pinned by {', '.join(self.necessary)}"
        return text


@dataclass
class Audit:
    folder: Path
    threshold: int
    years: list[int]
    withheld: list[Interval]
    findings: list[Finding]
    problems: list[Problem]
    reading: Reading
    lp_differs: list[tuple[Interval, Interval]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def narrowest(self) -> Interval | None:
        return min(self.withheld, key=lambda i: i.width, default=None)

    def findings_for(self, year: int) -> list[Finding]:
        return [f for f in self.findings if year in f.years]

    def withheld_in_year(self, year: int) -> list[Interval]:
        vars_ = self.reading.model.vars
        return [i for i in self.withheld if any(w.startswith(f"{year}/") for w in vars_[i.key].withheld_anywhere)]

    def summary(self) -> str:
        lines = [f"Audit of {self.folder}: {len(self.withheld)} withheld figures in {len(self.years)} statement "
                 f"years, threshold {self.threshold} ({self.seconds:.1f} s)"]
        for year in self.years:
            cells = self.withheld_in_year(year)
            narrow = min(cells, key=lambda i: i.width, default=None)
            found = self.findings_for(year)
            lines.append(f"  {year}: {len(cells)} withheld figures, narrowest range "
                         f"{'-' if narrow is None else format(narrow.width, 'g')}, {len(found)} too narrow")
            lines += [f"    - {f}" for f in found]
        for problem in self.problems:
            lines.append(f"  problem: {problem.text}")
        for where in self.reading.unread_tables:
            lines.append(f"  not read (no reader): {where}")
        for text in self.reading.unread_summaries:
            lines.append(f"  summary not read: {text}")
        return "\n".join(lines)


def describe(key: Key) -> str:
    """A figure's name in words, from the contract's labels."""
    kind = key[0]
    if kind == "declared":
        _, name, year, *names, column = key
        return f"{year} {name.replace('_', ' ')}: {', '.join(names)} ({column})"
    if kind == "looked_after":
        _, year, breakdown, category = key
        codes = contract.LOOKED_AFTER_BREAKDOWNS.get(breakdown, {})
        what = breakdown.replace("_", " ")
        return f"{year} children looked after at 31 March, {what}: {codes.get(category, category)}"
    if kind == "starts_and_ceases":
        _, year, movement, reason = key
        codes = {"all": "all", **contract.CATEGORIES_OF_NEED, **contract.REASONS_CEASED}
        return f"{year} children who {'started' if movement == 'started' else 'ceased'}: {codes.get(reason, reason)}"
    if kind == "starts_and_ceases_period":
        _, year, name, movement, _ = key
        return f"{year} children who {'started' if movement == 'started' else 'ceased'} in {name.replace('_', ' ')}"
    if kind == "placements_by_type_and_age":
        _, year, t, a, column = key
        return (f"{year} {column.replace('_', ' ')}: {contract.PLACEMENT_TYPES.get(t, t)}, "
                f"{contract.AGE_BANDS.get(a, a)}")
    if kind in ("placement_stability", "care_leavers"):
        return f"{key[1]} {kind.replace('_', ' ')}: {', '.join(str(k) for k in key[2:])}"
    if kind == "spend_by_service":
        _, year, service, sector, column = key
        return (f"{year} {column.replace('_', ' ')}: {contract.SERVICES.get(service, service)}, "
                f"{contract.PROVIDER_SECTOR.get(sector, sector)}")
    if kind == "commissioning_routes_period":
        _, year, name, service, route, measure = key
        return f"{year} new placements in {name.replace('_', ' ')}: {service}, {route} ({measure})"
    if kind in ("commissioning_routes", "referrals"):
        _, year, row, column, measure = key
        return f"{year} {kind.replace('_', ' ')}: {row}, {column} ({measure})"
    if kind == "sum":
        parts = [k for k, _ in key[1]]
        if all(k[0] == "looked_after" and k[2] == "placement_type" for k in parts):
            types = {k[3] for k in parts}
            group = next((g for g, members in PLACEMENT_GROUPS.items() if set(members) == types), None)
            if group:
                return (f"{parts[0][1]} children looked after at 31 March, placement group: "
                        f"{PLACEMENT_GROUP_LABELS[group]}")
        return "sum of " + " + ".join(describe(k) for k in parts)
    return str(key)


def audit_edition(folder: Path, population: dict | Path | None = None, threshold: int = 5,
                  explain: bool = True, compare_lp: bool = False, withheld_minimum: int = 1,
                  content: Path | None = None, categories=None) -> Audit:
    """Audit one edition folder (year folders with ``downloads/`` and pages).

    ``population``: {(year, age_band): children} or the path of the population CSV
    (default: ``data/reference/population.csv`` of this project). ``content``: the
    narrative's Markdown (``content/``), to read what the sentences' figures mean
    (``audit_prose``); without it sentences are not read. ``categories``: the council's own
    categories (``authority.yml``'s ``categories:``, a ``categories.Categories``), the labels and
    groups its tables print (``Vocabulary``); without them tables are read in the contract's."""
    import time

    started = time.perf_counter()
    folder = Path(folder)
    if population is None:
        population = Path(__file__).resolve().parents[1] / "data" / "reference" / "population.csv"
    if isinstance(population, (str, Path)):
        population = read_population(Path(population)) if Path(population).exists() else {}
    edition = read_edition(folder)
    reading = read_model(edition, population, withheld_minimum, content, categories)
    model = reading.model
    solver = Solver(model)
    without: dict[str, Solver] = {}

    def solver_without(source: str) -> Solver:
        if source not in without:
            without[source] = Solver(model, frozenset({source}))
        return without[source]

    targets = model.targets()
    intervals = [solver.interval(k) for k in targets]
    solver.check({solver.component_of(k) for k in targets} - {None})
    findings = []
    for interval in intervals:
        if interval.width >= threshold:
            continue
        var = model.vars[interval.key]
        root = solver.component_of(interval.key)
        sources = solver.sources(root) if root is not None else sorted({b[0] for b in var.bounds})
        finding = Finding(interval.key, describe(interval.key), interval.low, interval.high,
                          sorted(set(var.withheld_anywhere)),
                          sorted({w for _, w in model.shown_figures.get(interval.key, [])}), sources=sources)
        if explain:
            finding.necessary = [s for s in sources if s not in DEFINITIONS
                                 and solver_without(s).interval(interval.key).width >= threshold]
        findings.append(finding)
    # A group of a declared table with no printed total: a reader may know the total from elsewhere, so a
    # lone c in it is given away, whatever its value (the audit cannot know the total's value to say more).
    for key, where in reading.lone_withheld:
        findings.append(Finding(key, describe(key), math.nan, math.nan, [where], [],
                                necessary=[LONE_IN_GROUP], sources=[LONE_IN_GROUP]))
    lp_differs = []
    if compare_lp:
        for interval in intervals:
            relaxed = solver.interval(interval.key, relax=True)
            rounded = (math.ceil(relaxed.low - 1e-6), math.floor(relaxed.high + 1e-6) if relaxed.high != math.inf
                       else math.inf)
            if (interval.low, interval.high) != rounded:
                lp_differs.append((interval, relaxed))
    return Audit(folder, threshold, edition.years, intervals, findings, solver.problems, reading, lp_differs,
                 time.perf_counter() - started)


def edition_folders(site: Path) -> list[Path]:
    """The edition folders of a built site: the folder itself if it holds years, and any subfolder that does."""
    site = Path(site)
    found = [site] if year_folders(site) else []
    found += [p for p in sorted(site.iterdir()) if p.is_dir() and not re.fullmatch(r"\d{4}|latest", p.name)
              and year_folders(p)]
    return found
