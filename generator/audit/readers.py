"""Readers: what each published table's cells mean, as keys of the model."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from .. import contract
from ..stats.children import PLACEMENT_GROUP_LABELS, PLACEMENT_GROUPS, PROJECTION_BASE_YEARS
from .common import MAX_WEEKS_PER_CHILD, SYMBOLS, Expr, Key, expr
from .model import Model
from .published import Edition, Table, is_withheld, parse_number
from .vocabulary import (
    CHARACTERISTICS,
    DFE,
    FORECAST_GROUP_WORDS,
    MONTHS,
    OTHER_AREAS,
    STABILITY_WORDS,
    Vocabulary,
    _code,
    _norm,
    la,
    la_group,
    la_total,
)

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
    from .. import periods

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
