"""Children looked after: counts, rates, shares, stability, care leavers, projections.

Every function is pure: it takes frames (contract column names, codes in code
columns) or plain numbers and returns plain numbers or dicts; ``None`` means
"not available". Wrapping into ``values.Figure`` happens in
``children_context``. Definitions follow the DfE's *Children looked after in
England including adoptions* statistics (SSDA903 return).

A statement year's figures use only that year's and earlier years' tables
(``YearView.table(name, year)`` refuses later years); the one exception is the
projection, which reads future rows of the population reference table.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import pandas as pd

from .. import categories, contract, frames, subtotals
from ..attrs import attr
from ..frames import records

# ---------------------------------------------------------------------------
# Groupings of contract codes
# ---------------------------------------------------------------------------

#: DfE placement groups as the statement discusses them. Residential follows the
#: DfE's "children's homes, secure units and other residential settings".
PLACEMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "fostering": ("foster_relative_friend", "foster_other"),
    "residential": ("childrens_home", "secure", "residential_other"),
    "supported": ("supported_accommodation",),
    "other": ("placed_for_adoption", "placed_with_parents", "other"),
}
PLACEMENT_GROUP_LABELS = {
    "fostering": "Fostering",
    "residential": "Residential (children's homes, secure and other)",
    "supported": "Supported accommodation",
    "other": "Adoption, parents and other",
}

#: In-house means the council's own provision (SSDA903 PR1); external is every
#: other provider (PR2-PR5). Children placed with parents (PR0) are in neither.
IN_HOUSE_PROVIDERS = ("own_provision",)
EXTERNAL_PROVIDERS = ("other_local_authority", "other_public", "private", "voluntary")

#: Care leaver measures with a published England benchmark (19 to 21 year olds).
CARE_LEAVER_BENCHMARKS = {
    "in_touch": "care_leavers_in_touch",
    "suitable_accommodation": "care_leavers_suitable_accommodation",
    "education_employment_training": "care_leavers_eet",
}
STABILITY_BENCHMARKS = {"short_term": "short_term_stability", "long_term": "long_term_stability"}
#: Benchmark measures published as rates per 10,000; the rest are percentages.
RATE_BENCHMARKS = ("looked_after_rate", "starts_rate")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value):
    """A cell as a Python number, or None when missing."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------------------
# Basic arithmetic
# ---------------------------------------------------------------------------


def rate_per_10000(children, population):
    """Children per 10,000 children aged 0 to 17.

    DfE definition: the number of children looked after at 31 March divided by
    the ONS mid-year estimate of the population aged under 18, times 10,000
    (the estimate for mid-year Y-1 is used for the year ending 31 March Y; the
    contract's population table is already keyed by that year).

    Example: 331 children looked after and 47,500 children aged 0 to 17:
    331 / 47,500 × 10,000 = 69.68..., published as 70 per 10,000.
    Returns None when either figure is missing or the population is 0.
    """
    if _missing(children) or _missing(population) or not population:
        return None
    return children / population * 10_000


def share(part, whole):
    """``part`` as a percentage of ``whole`` (None when missing, or the whole is 0)."""
    if _missing(part) or _missing(whole) or not whole:
        return None
    return 100 * part / whole


def shares(counts: dict[str, float | None]) -> dict[str, float | None]:
    """Each category's percentage of the categories' sum.

    DfE tables give each category as a percentage of all children in the
    breakdown; because a breakdown's categories add up to the total (the
    validator checks it), we divide by the categories' own sum, so shares always
    add to 100. Example: fostering 230, residential 40, other 30 (sum 300):
    76.7%, 13.3%, 10.0%.
    """
    known = [v for v in counts.values() if not _missing(v)]
    whole = sum(known) if known else None
    return {code: share(v, whole) for code, v in counts.items()}


# ---------------------------------------------------------------------------
# Reading the contract's tables
# ---------------------------------------------------------------------------


def population_by_year_and_band(population) -> dict[tuple[int, str], float]:
    """The population table as {(year, age_band): children}, missing cells left out
    (a dict passed in is returned as it is)."""
    if isinstance(population, dict):
        return population
    if population is None or population.empty:
        return {}
    cells = frames.columns(population)
    return {(int(y), band): _number(n) for y, band, n in
            zip(cells["year"], cells["age_band"], cells["population"]) if not pd.isna(n)}


def population_total(population, year: int, age_band: str | None = None):
    """Children aged 0 to 17 (or one age band) for a year ending 31 March.

    ``population`` is the population table (or ``population_by_year_and_band`` of
    it). The table has one row per age band (no total row), so the total is the
    sum of the bands. Example: under 1: 2,500, 1 to 4: 10,000, 5 to 9: 13,000,
    10 to 15: 15,500, 16 and over: 6,500 → 47,500.
    Returns None when the year (or band) has no figures.
    """
    values = population_by_year_and_band(population)
    bands = [age_band] if age_band is not None else list(contract.AGE_BANDS)
    known = [values[(year, band)] for band in bands if (year, band) in values]
    return sum(known) if known else None


def frame_memo(frame: pd.DataFrame) -> dict:
    """Results worked out from one loaded table, kept on the table itself (issue 14: the forecast's
    backtests and the catalogue asked for the same year's breakdowns hundreds of times).

    Loaded tables are not changed once loaded (the perturbed copies are new frames, moved before they
    are read), so a result worked out once is the result again. Kept in the frame's ``__dict__``, which
    pandas neither copies (``copy``, ``__finalize__``) nor pickles: a copy starts empty."""
    memo = frame.__dict__.get("_sufficiency_memo")
    if memo is None:
        memo = frame.__dict__["_sufficiency_memo"] = {}
    return memo


def looked_after_breakdown(frame: pd.DataFrame | None, breakdown: str) -> dict[str, float | None]:
    """Children looked after at 31 March by each category of one breakdown (worked out once a table).

    See ``_looked_after_breakdown``; each call returns its own dict.
    """
    if frame is None:
        return _looked_after_breakdown(frame, breakdown)
    memo = frame_memo(frame)
    key = ("looked_after_breakdown", breakdown)
    if key not in memo:
        memo[key] = _looked_after_breakdown(frame, breakdown)
    return dict(memo[key])


def _looked_after_breakdown(frame: pd.DataFrame | None, breakdown: str) -> dict[str, float | None]:
    """Children looked after at 31 March by each category of one breakdown.

    Every contract code of the breakdown is a key. When the year's table has
    rows for the breakdown and they add up to the total, a category without a
    row counts 0 (every child is in a listed category); when they fall short of
    the total (or there is no total), a category without a row is None (not
    supplied), never a guessed 0; when there are no rows, every category is None.
    Example: total 60; rows (age_band, under_1, 12), (age_band, age_1_to_4, 48) give
    {"under_1": 12, "age_1_to_4": 48, "age_5_to_9": 0, ...}; with a total of 70,
    "age_5_to_9" and the other bands without a row are None.
    The council's own categories (``categories.py``) are keys too: a local age band, a local group (the
    sum of its members) and each DfE category worked out from the local ones that lie within it.
    """
    if breakdown == "total":
        codes = contract.LOOKED_AFTER_BREAKDOWNS["total"]
        rows = [] if frame is None else frames.where(frame, "breakdown", "total", "category", "children")
        if not rows:
            return {code: None for code in codes}
        return {code: _number(dict(rows).get(code)) for code in codes}
    local = categories.of(frame)
    codes = local.codes(breakdown)
    if frame is None:
        return {code: None for code in codes}
    rows = frames.where(frame, "breakdown", breakdown, "category", "children")
    if not rows:
        return {code: None for code in (*codes, *local.groups(breakdown))}
    values = {code: _number(v) for code, v in rows}
    known = [v for v in values.values() if v is not None]
    total = looked_after_total(frame)
    complete = total is not None and len(known) == len(values) and sum(known) == total
    return categories.sums_by_code(values, breakdown, local, complete)


def breakdown_shares(frame: pd.DataFrame | None, breakdown: str, counts: dict | None = None) -> dict:
    """Each category's percentage of all children looked after: its count over the total (the 'total'
    row), or over the sum of the rows the table lists when it has no total. A council's own categories,
    its groups and the DfE categories worked out from them share the same whole, so nothing counts twice.
    Example: total 328, 10-12 years 97: 29.6%."""
    counts = looked_after_breakdown(frame, breakdown) if counts is None else counts
    whole = looked_after_total(frame)
    if whole is None and frame is not None:
        rows = frame[frame["breakdown"] == breakdown]
        listed = [_number(v) for v in rows["children"]]
        whole = sum(listed) if listed and None not in listed else None
    return {code: share(v, whole) for code, v in counts.items()}


def looked_after_percentages(frame: pd.DataFrame | None, breakdown: str) -> dict[str, float | None]:
    """The percentages the council published for a breakdown (its ``percent`` column), by category,
    including those on a group's row (Bristol's "more than 20 miles: 13%"). Categories without one are left out.
    """
    if frame is None or "percent" not in frame.columns:
        return {}
    found = {}
    candidates = [r for _, r in attr(frame, "totals") or []]
    rows = frame[frame["breakdown"] == breakdown]
    candidates += records(rows)
    for record in candidates:
        if record.get("breakdown") == breakdown and _number(record.get("percent")) is not None:
            found[record["category"]] = _number(record["percent"])
    return found


def looked_after_total(frame: pd.DataFrame | None):
    """Children looked after at 31 March: the 'total' breakdown's 'all' row.

    DfE definition: children looked after at 31 March, excluding those looked
    after only under an agreed series of short-term placements (short breaks).
    """
    return looked_after_breakdown(frame, "total")["all"]


def movement_counts(frame: pd.DataFrame | None, movement: str) -> dict[str, float | None]:
    """Children who started ('started') or ceased ('ceased') in the year, by reason.

    Keys are 'all' (the total row) and every category of need or reason
    ceased. DfE counts a child who started more than once in the year once, at
    their first start (ceased: their last ceasing). Missing reasons count 0
    when the movement has rows; 'all' falls back to the sum of the reasons.
    """
    codes = contract.CATEGORIES_OF_NEED if movement == "started" else contract.REASONS_CEASED
    keys = ("all", *codes)
    if frame is None:
        return {k: None for k in keys}
    rows = frames.where(frame, "movement", movement, "reason", "children")
    if not rows:
        return {k: None for k in keys}
    values = dict(rows)
    result = {code: _number(values[code]) if code in values else 0 for code in codes}
    total = _number(values.get("all"))
    if total is None and all(_number(values[code]) is not None for code in codes if code in values):
        # a row given only as a published percentage has no count: the reasons cannot be added up
        known = [v for v in result.values() if v is not None]
        total = sum(known) if known else None
    return {"all": total, **result}


def movement_percentages(frame: pd.DataFrame | None, movement: str) -> dict[str, float]:
    """The percentages the council published for a movement's reasons (``starts_and_ceases.percent``), by
    reason; reasons without one are left out. Shown as given, never turned back into counts."""
    if frame is None or "percent" not in frame.columns:
        return {}
    return {reason: _number(value) for reason, value in frames.where(frame, "movement", movement, "reason", "percent")
            if _number(value) is not None}


def periods_of(frame: pd.DataFrame | None, year: int) -> list[tuple[str, pd.DataFrame]]:
    """(period, rows) for each quarter or part year of a flow table's part-year rows, in date order
    (``periods.order``). Each period's rows stand alone: never added to another's or to the year's."""
    from .. import periods

    if frame is None or frame.empty or "period" not in frame.columns:
        return []
    found = {code: rows for code, rows in frame.groupby("period", sort=False)}
    return [(code, found[code]) for code in sorted(found, key=lambda c: periods.order(c, year))]


def grouped(counts: dict[str, float | None], groups: dict[str, tuple[str, ...]]) -> dict[str, float | None]:
    """Add categories into groups. Example: foster_relative_friend 60 +
    foster_other 170 → fostering 230. A group is None only when all its
    categories are None."""
    result = {}
    for name, codes in groups.items():
        known = [counts.get(c) for c in codes if not _missing(counts.get(c))]
        result[name] = sum(known) if known else None
    return result


def in_house_external(provider_counts: dict[str, float | None]) -> dict[str, float | None]:
    """The in-house and external mix of children looked after.

    In-house: placements provided by the council itself (SSDA903 provider PR1,
    'own provision'). External: other local authorities, other public bodies,
    private and voluntary providers (PR2-PR5). Children placed with parents or
    others with parental responsibility (PR0) are left out of both and of the
    shares' denominator.
    Example: own provision 150, private 120, voluntary 20, other LA 10,
    parents 15 → in-house 150, external 150, in-house share 150 / 300 = 50%.
    """
    both = grouped(provider_counts, {"in_house": IN_HOUSE_PROVIDERS, "external": EXTERNAL_PROVIDERS})
    whole = None
    if both["in_house"] is not None or both["external"] is not None:
        whole = (both["in_house"] or 0) + (both["external"] or 0)
    return {
        "in_house": both["in_house"],
        "external": both["external"],
        "placed_with_providers": whole,
        "in_house_share": share(both["in_house"], whole),
        "external_share": share(both["external"], whole),
    }


def _first_row(frame: pd.DataFrame, keys: dict) -> dict | None:
    """The first row (as a record) whose ``keys`` columns equal the values given, or None. The table's rows
    are indexed by those columns once a table (``frame_memo``; issue 14: a filter a question cost more)."""
    columns = tuple(keys)
    if not all(isinstance(value, str) for value in keys.values()):
        rows = frame
        for column, value in keys.items():
            rows = rows[rows[column] == value]
        return None if rows.empty else rows.iloc[0].to_dict()
    memo = frame_memo(frame)
    if ("first_row", columns) not in memo:
        index: dict = {}
        for record in records(frame):
            cells = tuple(record[column] for column in columns)
            if all(isinstance(cell, str) for cell in cells):  # only text equals a text key
                index.setdefault(cells, record)
        memo[("first_row", columns)] = index
    return memo[("first_row", columns)].get(tuple(keys.values()))


def numerator_and_cohort(frame: pd.DataFrame | None, **keys) -> tuple:
    """(children, cohort) of the row matching ``keys`` in a table with a
    numerator ('children') and a denominator ('cohort'); (None, None) if absent."""
    if frame is None:
        return None, None
    row = _first_row(frame, keys)
    if row is None:
        return None, None
    return _number(row["children"]), _number(row["cohort"])


def published_percent(frame: pd.DataFrame | None, **keys):
    """The percentage the council published for the row matching ``keys`` (its ``percent`` column), or None."""
    if frame is None or "percent" not in frame.columns:
        return None
    row = _first_row(frame, keys)
    return None if row is None else _number(row["percent"])


def percent_as_published(children, cohort, published):
    """The measure's percentage: children / cohort × 100, or, when the council published only the
    percentage (no counts), that percentage as given (never re-derived into counts)."""
    computed = share(children, cohort)
    return computed if computed is not None else published


def stability(frame: pd.DataFrame | None, measure: str) -> dict:
    """A placement stability measure: numerator, denominator and percentage.

    DfE definitions. Short term: children looked after at 31 March with three
    or more separate placements during the year, as a percentage of all
    children looked after at 31 March. Long term: children aged under 16 at 31
    March who had been looked after continuously for at least 2½ years, who
    were living in the same placement for at least two years or were placed
    for adoption, as a percentage of those under 16 looked after for 2½ years.
    Example: 33 of 330 children had three or more placements: 10.0%.
    """
    children, cohort = numerator_and_cohort(frame, measure=measure)
    return {"children": children, "cohort": cohort,
            "percent": percent_as_published(children, cohort, published_percent(frame, measure=measure))}


def care_leaver_outcome(frame: pd.DataFrame | None, age_group: str, measure: str) -> dict:
    """A care leaver outcome: numerator, denominator and percentage.

    DfE definitions (SSDA903 OC3): former relevant children whose 17th to
    21st birthday fell in the year; 'in touch' when the council was in touch
    around their birthday; 'suitable accommodation' and 'education, employment
    or training' as recorded then. Staying put: those who turned 18 in foster
    care and stayed with their former carers. Example: 57 of 60 aged 19 to 21
    in touch: 95%.
    """
    children, cohort = numerator_and_cohort(frame, age_group=age_group, measure=measure)
    published = published_percent(frame, age_group=age_group, measure=measure)
    return {"children": children, "cohort": cohort, "percent": percent_as_published(children, cohort, published)}


PLACEMENT_MEASURES = ("placements", "children", "weeks_of_care")


def placements_totals(frame: pd.DataFrame | None) -> dict:
    """Placements, children and weeks of care in the year, all types and ages.

    ``children`` adds the table's rows, so a child with placements of two
    types (or in two age bands) is counted in each: it can exceed the number of
    different children. ``per_child`` is placements / children on that basis.
    Example: fostering 10-15: 40 placements, 30 children, 1,300 weeks; home
    10-15: 12 placements, 8 children, 300 weeks → 52 placements, 38 children,
    1,600 weeks, 1.37 placements a child. Where the table printed its own
    total row, that figure stands when it agrees with the rows within rounding,
    or when the rows do not give the figure (Bromley: 453 children, 637
    placements, 15,535 weeks of care; its rows of whole weeks add to 15,533).
    """
    if frame is None or (frame.empty and not subtotals.records(frame)):
        return {"placements": None, "children": None, "weeks_of_care": None, "per_child": None}
    total = {}
    for col in PLACEMENT_MEASURES:
        added = (_number(pd.to_numeric(frame[col], errors="coerce").sum(min_count=1))
                 if len(frame) and frame[col].notna().all() else None)
        total[col] = _number(subtotals.printed(frame, {}, col, added))
    per_child = None
    if total["placements"] is not None and total["children"]:
        per_child = total["placements"] / total["children"]
    return {**total, "per_child": per_child}


def _sums(frame: pd.DataFrame, column: str, measure: str, fixed: dict | None = None) -> dict:
    """A measure's figures by every code of ``column``'s dimension (the council's own, its groups, the DfE's),
    each from the table's own printed subtotal where it has one that agrees (see ``subtotals.printed``)."""
    values: dict = {}
    for code, value in zip(frame[column], frame[measure]):
        value = _number(value)
        values[code] = None if value is None or values.get(code, 0) is None else values.get(code, 0) + value
    local = categories.of(frame)
    sums = categories.sums_by_code(values, column, local, complete=True)
    return {code: _number(subtotals.printed(frame, {**(fixed or {}), column: code}, measure, v))
            for code, v in sums.items()}


def placements_by(frame: pd.DataFrame | None, column: str, local=None, fixed: dict | None = None) -> dict[str, dict]:
    """Placements and weeks of care by placement type or by age band, with each
    one's share of all weeks of care. Example: fostering 1,300 of 1,600 weeks:
    81.25% of weeks. A council's own types and bands are keys too, with their
    groups (Bromley's Fostering = its six fostering types) and the DfE categories
    worked out from them."""
    local = categories.of(frame) if local is None else local
    codes = (*local.codes(column), *(g for g in local.groups(column) if g not in local.codes(column)))
    if frame is None or frame.empty:
        return {c: {"placements": None, "children": None, "weeks_of_care": None, "share_of_weeks": None}
                for c in codes}
    sums = {measure: _sums(frame, column, measure, fixed) for measure in PLACEMENT_MEASURES}
    all_weeks = placements_totals(frame)["weeks_of_care"]
    result = {}
    for code in codes:
        row = {measure: sums[measure].get(code) for measure in PLACEMENT_MEASURES}
        row["share_of_weeks"] = share(row["weeks_of_care"], all_weeks)
        result[code] = row
    return result


def placements_by_age_and_type(frame: pd.DataFrame | None) -> dict[str, dict[str, dict]]:
    """Within each age band, each placement type's (or group's) placements and weeks of care and its share
    of the band's placements.

    The measure Bromley prints as "fostering's share within each age band": fostering 93 of the 134
    placements of 0-4 year olds is 69%. Bands and types are every code of their dimension, the council's
    own with their groups and the DfE's worked out from them. Worked out once a table (``frame_memo``); each
    call returns its own dicts.
    """
    if frame is None:
        return _placements_by_age_and_type(frame)
    memo = frame_memo(frame)
    if "placements_by_age_and_type" not in memo:
        memo["placements_by_age_and_type"] = _placements_by_age_and_type(frame)
    return {band: {code: dict(row) for code, row in by_type.items()}
            for band, by_type in memo["placements_by_age_and_type"].items()}


def _placements_by_age_and_type(frame: pd.DataFrame | None) -> dict[str, dict[str, dict]]:
    local = categories.of(frame)
    bands = placements_by(frame, "age_band", local)
    out: dict[str, dict[str, dict]] = {}
    for band, band_row in bands.items():
        rows, fixed = None, None
        if frame is not None and not frame.empty:
            inside = {c for c in set(frame["age_band"]) if c == band or local.within("age_band", c) == band
                      or c in local.leaves("age_band", band)}
            if inside:
                rows = frame[frame["age_band"].isin(inside)]
                rows.attrs.update(frame.attrs)
                if inside == {band}:
                    fixed = {"age_band": band}  # the band's own printed subtotals (its Fostering row)
                else:
                    rows.attrs["totals"] = []
        by_type = placements_by(rows, "placement_type", local, fixed)
        out[band] = {code: {**row, "share": share(row["placements"], band_row["placements"])}
                     for code, row in by_type.items()}
    return out


def benchmark_values(benchmarks) -> dict[tuple[str, int, str], float]:
    """The benchmarks table as {(measure, year, area): value} (a dict is returned as it is)."""
    if isinstance(benchmarks, dict):
        return benchmarks
    if benchmarks is None or benchmarks.empty:
        return {}
    return dict(_benchmark_index(benchmarks))


def _benchmark_index(benchmarks: pd.DataFrame) -> dict[tuple[str, int, str], float]:
    """``benchmark_values`` of a table, worked out once a table (``frame_memo``: every figure of the context and
    the catalogue asks for one); read, never changed."""
    memo = frame_memo(benchmarks)
    if "benchmark_values" not in memo:
        memo["benchmark_values"] = {(m, int(y), a): _number(v) for m, y, a, v in
                                    zip(benchmarks["measure"], benchmarks["year"], benchmarks["area"],
                                        benchmarks["value"]) if not pd.isna(v)}
    return memo["benchmark_values"]


def benchmark(benchmarks, measure: str, year: int, area: str):
    """A published England or statistical neighbour figure for one year.

    From the DfE's *Children looked after in England* tables (rates per 10,000
    or percentages, as the measure states). Only the statement year's figure
    is used, never an earlier year's as a stand-in; None when not published.
    ``benchmarks`` is the table or ``benchmark_values`` of it.
    """
    if isinstance(benchmarks, pd.DataFrame) and not benchmarks.empty:
        return _benchmark_index(benchmarks).get((measure, year, area))
    return benchmark_values(benchmarks).get((measure, year, area))


# ---------------------------------------------------------------------------
# Over the years
# ---------------------------------------------------------------------------


def looked_after_rate(view, year: int | None = None):
    """Rate per 10,000 for a year (see ``rate_per_10000``), or the rate the council published where the
    population table does not give it (``looked_after_rate_of``)."""
    year = view.year if year is None else year
    return looked_after_rate_of(view.table("looked_after", year),
                                population_total(view.reference.get("population"), year))


def published_rate(frame: pd.DataFrame | None):
    """The rate per 10,000 the council published on its total row (``rate_per_10000``), or None."""
    if frame is None or "rate_per_10000" not in frame.columns:
        return None
    rows = frame[(frame["breakdown"] == "total") & (frame["category"] == "all")]
    return _number(rows["rate_per_10000"].iloc[0]) if len(rows) else None


def looked_after_rate_of(frame: pd.DataFrame | None, population):
    """Children looked after per 10,000 children aged under 18 (``rate_per_10000``) from the total and the
    population; where either is missing, the rate the council published (issue 10: "48 per 10,000" printed
    without population figures), as given. Where both are given, ``validate`` checks they agree."""
    computed = rate_per_10000(looked_after_total(frame), population)
    return computed if computed is not None else published_rate(frame)


# ---------------------------------------------------------------------------
# Projection
# ---------------------------------------------------------------------------

PROJECTION_BASE_YEARS = 5
PROJECTION_COVERAGE = 0.80  # the low-high range is an 80% prediction interval

PROJECTION_METHOD = (
    "For each age band we work out the rate of children looked after per 10,000 children of "
    "that age at 31 March in each of the last five years (fewer if fewer years have data; at "
    "least three are needed), fit a straight-line trend to those rates (least squares), and "
    "extend it three years ahead. The projected rate is applied to the projected population "
    "of the age band (ONS estimates and projections in the population table; where a future "
    "year is missing, the latest year's population is held constant). The low and high "
    "figures are an 80% prediction interval from how far the rates have scattered around "
    "their trend (the residual standard deviation, with Student's t), so a band whose rate "
    "has moved erratically gets a wider range; rates are not allowed below zero. The total "
    "is the sum of the age bands, and its range adds up the bands' low and high figures. "
    "A projection shows what happens if recent trends continue; it is not a forecast of "
    "decisions the council will make."
)


@dataclass(frozen=True)
class BandProjection:
    age_band: str
    year: int
    rate: float | None
    population: float | None
    children: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Projection:
    base_years: tuple[int, ...]
    years: tuple[int, ...]
    bands: tuple[BandProjection, ...] = field(default_factory=tuple)

    def total(self, year: int) -> dict:
        """Projected total, low and high for one year (sum of the bands)."""
        rows = [b for b in self.bands if b.year == year]
        out = {}
        for key in ("children", "low", "high"):
            values = [getattr(b, key) for b in rows]
            out[key] = None if not values or any(v is None for v in values) else sum(values)
        return out


def _t_within(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with ``df`` (a whole number) degrees of freedom.

    The closed forms in Abramowitz and Stegun 26.7.3-4, with θ = atan(t / √df):
    odd df: (2/π)(θ + sin θ cos θ (1 + 2/3 cos²θ + 2·4/(3·5) cos⁴θ + ...)), even df:
    sin θ (1 + 1/2 cos²θ + 1·3/(2·4) cos⁴θ + ...), each series running to cos^(df-3) or
    cos^(df-2). (Written out to spare every build the seconds scipy takes to import.)
    """
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2:
        if df == 1:
            return 2 * theta / math.pi
        term, total = 1.0, 1.0
        for k in range(3, df, 2):  # coefficients 2/3, 2·4/(3·5), ...
            term *= (k - 1) / k * c2
            total += term
        return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    term, total = 1.0, 1.0
    for k in range(2, df - 1, 2):  # coefficients 1/2, 1·3/(2·4), ...
        term *= (k - 1) / k * c2
        total += term
    return math.sin(theta) * total


@functools.lru_cache(maxsize=256)
def t_quantile(coverage: float, df: int) -> float:
    """The t with P(|T| < t) = ``coverage`` (bisection on ``_t_within``).
    Example: coverage 0.8 on 3 degrees of freedom gives 1.6377."""
    low, high = 0.0, 1.0
    while _t_within(high, df) < coverage:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if _t_within(middle, df) < coverage:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def linear_trend_prediction(xs, ys, x0, coverage: float = PROJECTION_COVERAGE) -> tuple:
    """Least-squares line through (xs, ys), predicted at x0 with a prediction interval.

    ŷ = ȳ + b (x0 − x̄), b = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)²; residual standard deviation
    s = √(Σ residual² / (n−2)); the interval is ŷ ± t · s · √(1 + 1/n + (x0−x̄)²/Sxx)
    with t the Student's t quantile for ``coverage`` on n−2 degrees of freedom.
    Example: rates 20, 22, 24, 26, 28 in 2022-2026 give b = 2 and s = 0, so
    2027 is 30 with no range. Returns (prediction, low, high); needs n ≥ 3.
    """
    n = len(xs)
    if n < 3:
        raise ValueError("a trend needs at least three points")
    x_bar = sum(xs) / n
    y_bar = sum(ys) / n
    sxx = sum((x - x_bar) ** 2 for x in xs)
    slope = sum((x - x_bar) * (y - y_bar) for x, y in zip(xs, ys)) / sxx
    predicted = y_bar + slope * (x0 - x_bar)
    residuals = [y - (y_bar + slope * (x - x_bar)) for x, y in zip(xs, ys)]
    s = math.sqrt(sum(r * r for r in residuals) / (n - 2))
    quantile = t_quantile(coverage, n - 2)
    half_width = quantile * s * math.sqrt(1 + 1 / n + (x0 - x_bar) ** 2 / sxx)
    return predicted, predicted - half_width, predicted + half_width


def _population_for(population: dict, year: int, age_band: str):
    """A band's population for a year; the latest earlier year's when missing."""
    earlier = [y for (y, band) in population if band == age_band and y <= year]
    return population[(max(earlier), age_band)] if earlier else None


def project_looked_after(view, years_ahead: int = 3, base_years: int = PROJECTION_BASE_YEARS,
                         coverage: float = PROJECTION_COVERAGE) -> Projection:
    """Children looked after at 31 March by age band for the next ``years_ahead`` years.

    Method: see ``PROJECTION_METHOD``. Uses the looked-after age bands of the
    view's year and up to ``base_years - 1`` earlier years, and the population
    table (including its future rows, the one use of later data allowed).
    Example (one band): 10 to 15 rates 40, 42, 44, 46, 48 per 10,000 in 2022-26
    and a projected 2027 population of 16,000 → rate 50 → 16,000 × 50 / 10,000
    = 80 children; the rates lie on a line so the range is 80 to 80.
    """
    population = population_by_year_and_band(view.reference.get("population"))
    future = tuple(view.year + k for k in range(1, years_ahead + 1))
    history: dict[str, list[tuple[int, float]]] = {band: [] for band in contract.AGE_BANDS}
    used_years = []
    for year in [y for y in view.years if y <= view.year][::-1]:
        counts = looked_after_breakdown(view.table("looked_after", year), "age_band")
        rates = {band: rate_per_10000(counts[band], population_total(population, year, band))
                 for band in contract.AGE_BANDS}
        if any(r is None for r in rates.values()):
            continue
        used_years.append(year)
        for band, r in rates.items():
            history[band].append((year, r))
        if len(used_years) == base_years:
            break
    bands = []
    for band in contract.AGE_BANDS:
        points = sorted(history[band])
        for year in future:
            pop = _population_for(population, year, band)
            if len(points) < 3 or pop is None:
                bands.append(BandProjection(band, year, None, pop, None, None, None))
                continue
            rate, low, high = linear_trend_prediction([p[0] for p in points], [p[1] for p in points],
                                                      year, coverage)
            rate, low, high = (max(v, 0.0) for v in (rate, low, high))
            bands.append(BandProjection(band, year, rate, pop, rate * pop / 10_000,
                                        low * pop / 10_000, high * pop / 10_000))
    return Projection(tuple(sorted(used_years)), future, tuple(bands))
