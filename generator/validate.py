"""Validate stage: check a loaded ``Dataset`` against the contract, every problem at once.

Each check is a small function yielding ``Problem``s with a stable code. Table
checks see one table of one year (or a reference table); year checks see one
year's tables together; dataset checks see everything. Only checks that hold by
definition are errors; checks that real data can fail for reasons of timing
(the recruitment funnel) are warnings.

Rows are named as spreadsheet rows (header row 1): ``load`` records each frame
row's spreadsheet row in ``attr(frame, "rows")`` (``attrs.py``). Cells ``load`` could not
read (``attr(frame, "unreadable")``) were reported there and are not reported
again as missing; a sum with a missing cell in it is not checked.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from .attrs import attr
from .contract import AGE_BANDS, COLUMN_TYPES, LOOKED_AFTER_BREAKDOWNS, TABLES_BY_NAME, Table
from .dataset import Dataset
from .frames import records
from .problems import Problem

NUMERIC = ("integer", "number", "money", "percent", "year")
WEEKS_IN_A_YEAR = 366 / 7  # a placement open all year, in a leap year
EARLIEST_BENCHMARK_YEAR = 2000
#: Benchmark measures that are rates rather than percentages (so may exceed 100).
RATE_MEASURES = ("looked_after_rate", "starts_rate")
#: Key columns whose every code should have a row (a missing row is usually a lost zero).
COMPLETE = {"placement_stability": "measure", "fostering_recruitment": "stage",
            "starts_and_ceases": "movement"}


@dataclass
class Sheet:
    """One table as read from one file, with spreadsheet row numbers."""
    table: Table
    frame: pd.DataFrame
    file: str

    @property
    def numbers(self) -> list[int]:
        rows = attr(self.frame, "rows")
        return list(rows) if rows is not None and len(rows) == len(self.frame) else list(
            range(2, len(self.frame) + 2))

    def rows(self) -> Iterator[tuple[int, dict]]:
        return iter(self._rows)

    @cached_property
    def _rows(self) -> list[tuple[int, dict]]:
        """Read once for every check (a pasted table can have a million rows)."""
        return [(number, {k: (None if _missing(v) else v) for k, v in record.items()})
                for number, record in zip(self.numbers, records(self.frame))]

    @property
    def percent_signs(self) -> set:
        """(row, column) of the number cells typed with a % sign (``load.read_table``)."""
        return set(attr(self.frame, "percent_signs", ()))

    @property
    def unreadable(self) -> set:
        return set(attr(self.frame, "unreadable", ()))

    @property
    def keys_complete(self) -> bool:
        """Every required key cell has a value; if not, rows are unplaced and sums are not checked (no cascades).
        An optional key cell left blank is a value of its own (a blank ``period`` is the whole year)."""
        required = [k for k in self.table.key if self.table.column(k).required]
        return not self.frame.empty and bool(self.frame[required].notna().all().all())


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def n(value) -> str:
    """A number as an analyst typed it: 12 not 12.0, 1234.5 not 1234.50000001."""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")


def _key_text(table: Table, record: dict) -> str:
    """The row's key in words; a blank period (the whole year, and every row of a file without the column) is
    left out, so a file that never heard of periods reads as before."""
    return ", ".join(f"{k} {record[k]!r}" for k in table.key if not (k == "period" and record[k] is None))


# ---------------------------------------------------------------------------
# Table checks
# ---------------------------------------------------------------------------

def required_cells(sheet: Sheet) -> Iterator[Problem]:
    """Every required cell has a value (``cell-missing``)."""
    unreadable = sheet.unreadable
    for number, record in sheet.rows():
        for column in sheet.table.columns:
            if column.required and record[column.name] is None and (number, column.name) not in unreadable:
                yield Problem("cell-missing", "this cell is empty", file=sheet.file, row=number,
                              column=column.name, expected=COLUMN_TYPES[column.type])


def count_or_percent(sheet: Sheet) -> Iterator[Problem]:
    """A row of a table that takes a published percentage in place of its count has one or the other
    (``count-or-percent-missing``): a row with neither says nothing."""
    table = sheet.table
    if "percent" not in table.column_names or table.protection is None:
        return
    counts = [c for c in table.protection.counts if c in table.column_names]
    unreadable = sheet.unreadable
    for number, record in sheet.rows():
        names = (*counts, "percent")
        if all(record[c] is None for c in names) and not any((number, c) in unreadable for c in names):
            yield Problem("count-or-percent-missing", "this row has neither a count nor a percentage",
                          file=sheet.file, row=number, column=counts[0],
                          expected=f"the count in {' or '.join(counts)}, or the percentage as published in percent")


def minimums(sheet: Sheet) -> Iterator[Problem]:
    """Counts, weeks and money are not negative (``cell-below-minimum``)."""
    for number, record in sheet.rows():
        for column in sheet.table.columns:
            value = record[column.name]
            if column.type in NUMERIC and column.minimum is not None and value is not None \
                    and value < column.minimum:
                yield Problem("cell-below-minimum", f"cannot be less than {n(column.minimum)}",
                              file=sheet.file, row=number, column=column.name, value=n(value),
                              expected=f"{n(column.minimum)} or more")


def duplicate_keys(sheet: Sheet) -> Iterator[Problem]:
    """No two rows have the same key; both rows are named (``duplicate-key``)."""
    seen: dict[tuple, int] = {}
    placed = [k for k in sheet.table.key if k != "period"]  # a blank period is the whole year, a key of its own
    for number, record in sheet.rows():
        key = tuple(record[k] for k in sheet.table.key)
        if any(record[k] is None for k in placed) or (number, "period") in sheet.unreadable:
            continue
        if key in seen:
            yield Problem("duplicate-key",
                          f"rows {seen[key]} and {number} are for the same {_key_text(sheet.table, record)}",
                          file=sheet.file, row=number,
                          hint="keep one row for each; add the figures up if both are needed")
        else:
            seen[key] = number


def totals(sheet: Sheet) -> Iterator[Problem]:
    """Each group has its total row, equal to the sum of the group's other rows
    (``total-missing``, ``total-mismatch``)."""
    if sheet.table.total_code is None or not sheet.keys_complete:
        return
    column, code = sheet.table.total_code
    groups = [k for k in sheet.table.key if k != column]
    counts = [c.name for c in sheet.table.columns if c.type in ("integer", "number", "money")]
    by_group: dict[tuple, list[tuple[int, dict]]] = {}
    for number, record in sheet.rows():
        by_group.setdefault(tuple(record[g] for g in groups), []).append((number, record))
    for group, rows in by_group.items():
        where = " and ".join(f"{g} {v!r}" for g, v in zip(groups, group) if not (g == "period" and v is None)) \
            or "the table"
        total_rows = [(r, rec) for r, rec in rows if rec[column] == code]
        others = [rec for r, rec in rows if rec[column] != code]
        if not total_rows and not any(rec[c] is not None for rec in others for c in counts):
            continue  # only percentages as published: nothing to add up
        if not total_rows:
            yield Problem("total-missing", f"there is no total row ({column} {code!r}) for {where}",
                          file=sheet.file, column=column, expected=f"a row with {column} {code!r}")
            continue
        if not others:
            continue
        number, total = total_rows[0]
        for count in counts:
            values = [rec[count] for rec in others]
            if total[count] is None or any(v is None for v in values):
                continue
            found = sum(values)
            if not math.isclose(total[count], found, abs_tol=0.005):
                yield Problem("total-mismatch",
                              f"the total row ({column} {code!r}) is {n(total[count])} but the other rows "
                              f"for {where} add up to {n(found)}",
                              file=sheet.file, row=number, column=count, value=n(total[count]),
                              expected=f"the sum of the other rows, {n(found)}")


def subtotals(sheet: Sheet) -> Iterator[Problem]:
    """A total row (``Total``, ``All ages``) or a group's row (``Fostering``, for the council's placement types
    in its group) equals the rows it adds up, give or take rounding: half a unit a row for figures printed
    whole, such as weeks of care (``subtotal-mismatch``, a warning: a published statement's own slip is
    flagged, not repeated; the site shows the sum of the rows)."""
    from . import subtotals as printed

    table = sheet.table
    if attr(sheet.frame, "header_refused"):
        return  # a wide table's column was refused (reported): its totals would disagree only for want of it
    codes = [k for k in table.key if table.column(k).type == "code"]
    numeric = [c for c in table.columns if c.type in ("integer", "number", "money")]
    for number, total in printed.records(sheet.frame):
        parts = printed.covered(sheet.frame, total, table)
        if not parts:
            continue
        for column in numeric:
            values = [p[column.name] for p in parts]
            if _missing(total[column.name]) or any(_missing(v) for v in values):
                continue
            added = sum(values)
            if not printed.agrees(total[column.name], added, column.type, values):
                what = ("the total row" if all(total[k] == printed.TOTAL for k in codes) else
                        "the row for " + ", ".join(f"{k} {_shown(total[k])}" for k in codes))
                said, found = _thousands(total[column.name]), _thousands(added)
                yield Problem("subtotal-mismatch",
                              f"{what} says {said} but the {len(parts)} rows it adds up come to {found} "
                              f"({_thousands(abs(added - total[column.name]))} more than it says)"
                              if added > total[column.name] else
                              f"{what} says {said} but the {len(parts)} rows it adds up come to {found} "
                              f"({_thousands(total[column.name] - added)} less than it says)",
                              file=sheet.file, row=number, column=column.name, value=said,
                              expected=f"the sum of the rows, {found}; the site shows the sum",
                              hint="a published figure's slip is flagged, not repeated; correct the row that is "
                                   "wrong if you know which", severity="warning")


def _thousands(value) -> str:
    """24553794 -> ``24,553,794``; 12.5 -> ``12.5``."""
    value = round(float(value), 2)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}".rstrip("0")


def _shown(code) -> str:
    from .subtotals import TOTAL

    return "'Total'" if code == TOTAL else repr(code)


def empty_table(sheet: Sheet) -> Iterator[Problem]:
    """A table has at least one row (``table-empty``, a warning)."""
    if sheet.frame.empty and not attr(sheet.frame, "totals"):  # a Total row alone is a figure (issue 10)
        yield Problem("table-empty", "the table has a header but no rows", file=sheet.file,
                      severity="warning")


def complete_codes(sheet: Sheet) -> Iterator[Problem]:
    """Stability measures, recruitment stages and movements each have a row (``row-missing``, a warning)."""
    column = COMPLETE.get(sheet.table.name)
    if column is None or sheet.frame.empty:
        return
    by_period: dict = {}
    for _, record in sheet.rows():
        by_period.setdefault(record.get("period"), set()).add(record[column])
    for period, present in by_period.items():
        within = "" if period is None else f" in period {period!r}"
        for code in sheet.table.column(column).codes or {}:
            if code not in present:
                yield Problem("row-missing", f"there is no row for {column} {code!r}{within}", file=sheet.file,
                              column=column,
                              hint="its figures show x (not available); add the row, with 0 if there were none",
                              severity="warning")


def placements_within_definition(sheet: Sheet) -> Iterator[Problem]:
    """Placements by type and age: children are no more than placements, each child counted having had one
    (``children-over-placements``); weeks of care are at most 366/7 a placement (``weeks-over-year``)."""
    if sheet.table.name != "placements_by_type_and_age":
        return
    for number, r in sheet.rows():
        if r["children"] is not None and r["placements"] is not None and r["children"] > r["placements"]:
            yield Problem("children-over-placements", "more children than placements: each child counted "
                          "had at least one placement", file=sheet.file, row=number, column="children",
                          value=n(r["children"]), expected=f"no more than the placements, {n(r['placements'])}")
        if r["weeks_of_care"] is not None and r["placements"] is not None \
                and r["weeks_of_care"] > r["placements"] * WEEKS_IN_A_YEAR + 0.01:
            limit = r["placements"] * WEEKS_IN_A_YEAR
            yield Problem("weeks-over-year", "more weeks of care than the placements could have in a year",
                          file=sheet.file, row=number, column="weeks_of_care", value=n(r["weeks_of_care"]),
                          expected=f"no more than {n(limit)} ({n(r['placements'])} placements × 366/7 weeks)")


def percent_scale(sheet: Sheet) -> Iterator[Problem]:
    """Percentages are on one scale in a column, out of 100 (``percent-as-fraction``): 0.67 among 67s,
    or a column of fractions, is refused (0.5% with its sign is half of one per cent).

    0.67 is 67% typed as a fraction; read as it is it would publish "1%". A cell under 1 without a
    % sign is refused when the column's other percentages are above 1, or when every percentage in
    the column is 1 or less. Percent columns, and the percentage measures of ``benchmarks`` (its
    rates per 10,000 are a scale of their own)."""
    signs = sheet.percent_signs
    for column in sheet.table.columns:
        if column.type == "percent":
            rows = [(number, r) for number, r in sheet.rows()]
        elif sheet.table.name == "benchmarks" and column.name == "value":
            rows = [(number, r) for number, r in sheet.rows() if r["measure"] not in RATE_MEASURES]
        else:
            continue
        values = [(number, r[column.name]) for number, r in rows if r[column.name] is not None]
        fractions = [(number, v) for number, v in values if 0 < v < 1 and (number, column.name) not in signs]
        if not fractions:
            continue
        whole = [v for _, v in values if v > 1]
        if whole:
            why = f"the column's other percentages are written out of 100 (such as {n(whole[0])})"
        elif all(v <= 1 for _, v in values) and any(0 < v < 1 for _, v in values):
            why = "every percentage in the column is 1 or less, as if typed as fractions"
        else:
            continue
        for number, value in fractions:
            yield Problem("percent-as-fraction", f"a percentage written as a fraction of 1: {why}",
                          file=sheet.file, row=number, column=column.name, value=n(value),
                          expected=f"the percentage out of 100, {n(value * 100)} (or {n(value)}% if it is "
                                   "less than one per cent)")


#: Scenario levers measured in per cent of something (the rest are counts).
PERCENT_LEVERS = ("entries_change_percent", "exits_change_percent", "placement_shift_percent")


def scenario_levers(sheet: Sheet) -> Iterator[Problem]:
    """Scenario levers stay within what is possible (``scenario-lever``): a placement shift moves 0 to
    100% of a group to another group (shifts out of one group add up to 100% at most); entries and
    exits fall by 100% at most; foster carers added are a number, not a percentage.

    ``forecast/scenarios.py`` applies exactly these levers (it would otherwise ignore a shift without
    two groups, and cap a fall at 100%)."""
    if sheet.table.name != "scenarios":
        return
    signs = sheet.percent_signs
    shifted: dict[tuple, list[tuple[int, float]]] = {}
    for number, r in sheet.rows():
        lever, value = r["lever"], r["value"]
        if lever is None or value is None:
            continue
        if lever not in PERCENT_LEVERS and (number, "value") in signs:
            yield Problem("scenario-lever", f"{lever} is a number of households, not a percentage",
                          file=sheet.file, row=number, column="value", value=f"{n(value)}%",
                          expected="a number of households a year, e.g. 10")
        if lever == "placement_shift_percent":
            if not 0 <= value <= 100:
                yield Problem("scenario-lever", "a placement shift moves between 0% and 100% of the children in "
                              "from_group each year: no more than all of them", file=sheet.file, row=number,
                              column="value", value=n(value), expected="a percentage from 0 to 100")
            groups = (r.get("from_group"), r.get("to_group"))
            if any(g in (None, "none") for g in groups) or groups[0] == groups[1]:
                yield Problem("scenario-lever", "a placement shift needs the group children move from and a "
                              "different group they move to", file=sheet.file, row=number, column="from_group",
                              value=f"{groups[0] or ''} to {groups[1] or ''}",
                              expected="two different placement groups, e.g. residential to fostering")
            else:
                key = (r["scenario"], groups[0], r.get("age_band") or "all", r.get("start_year"))
                shifted.setdefault(key, []).append((number, value))
        elif lever in ("entries_change_percent", "exits_change_percent") and value < -100:
            yield Problem("scenario-lever", "a change of less than -100%: no fewer than none can start or leave",
                          file=sheet.file, row=number, column="value", value=n(value),
                          expected="a percentage change of -100 or more, e.g. -15 for 15% fewer")
    for (scenario, group, _, _), rows in shifted.items():
        total = sum(v for _, v in rows)
        if len(rows) > 1 and total > 100:
            yield Problem("scenario-lever", f"scenario {scenario!r} moves {n(total)}% of the children in {group} "
                          "each year, more than all of them", file=sheet.file, row=rows[-1][0], column="value",
                          value=n(rows[-1][1]), expected="shifts out of one group adding up to 100% or less")


def rate_on_total_row(sheet: Sheet) -> Iterator[Problem]:
    """A published rate per 10,000 (``looked_after.rate_per_10000``) is for all children looked after: it is
    typed on the total row only (``rate-not-total``)."""
    if sheet.table.name != "looked_after" or "rate_per_10000" not in sheet.table.column_names:
        return
    for number, r in sheet.rows():
        if r["rate_per_10000"] is not None and (r["breakdown"], r["category"]) != ("total", "all"):
            yield Problem("rate-not-total", "a rate per 10,000 is for all children looked after, on the total row",
                          file=sheet.file, row=number, column="rate_per_10000", value=n(r["rate_per_10000"]),
                          expected="the rate on the row 'total,all' only",
                          hint="move it to the total row; a rate for one group has no column here")


TABLE_CHECKS: tuple[Callable[[Sheet], Iterator[Problem]], ...] = (
    empty_table, required_cells, count_or_percent, minimums, duplicate_keys, totals, subtotals, complete_codes,
    placements_within_definition, percent_scale, scenario_levers, rate_on_total_row)


# ---------------------------------------------------------------------------
# Year checks: one year's tables together
# ---------------------------------------------------------------------------

def looked_after_breakdowns(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Children looked after: each breakdown supplied adds up to the total row, when there is one
    (``looked-after-breakdown-sum``). The total and any breakdown may be left out
    (its figures show x); one whose rows fall short of the total while some categories have no row is a
    warning (``looked-after-breakdown-short``): those categories show x."""
    sheet = sheets.get("looked_after")
    if sheet is None or not sheet.keys_complete:
        return
    rows = list(sheet.rows())
    total = [(number, r) for number, r in rows if r["breakdown"] == "total"]
    if not total:
        return  # no total: the breakdowns stand alone and the total shows x
    total_row, total_record = total[0]
    for breakdown in LOOKED_AFTER_BREAKDOWNS:
        if breakdown == "total":
            continue
        part = [(number, r) for number, r in rows if r["breakdown"] == breakdown]
        if not part:
            continue  # a breakdown not supplied: its figures show x
        values = [r["children"] for _, r in part]
        if total_record["children"] is None or any(v is None for v in values):
            continue
        listed = {r["category"] for _, r in part}
        if sum(values) < total_record["children"] and not set(LOOKED_AFTER_BREAKDOWNS[breakdown]) <= listed:
            yield Problem("looked-after-breakdown-short",
                          f"the {breakdown!r} rows add up to {n(sum(values))}, "
                          f"{n(total_record['children'] - sum(values))} short of the total (row {total_row}), "
                          f"{n(total_record['children'])}; the categories without a row are shown as x",
                          file=sheet.file, row=part[0][0], column="children", value=n(sum(values)),
                          hint="add a row with category 'not_known' for the children whose "
                               f"{breakdown.replace('_', ' ')} is not known", severity="warning")
            continue
        if sum(values) != total_record["children"]:
            yield Problem("looked-after-breakdown-sum",
                          f"the {breakdown!r} rows add up to {n(sum(values))} but the total (row {total_row}) "
                          f"is {n(total_record['children'])}",
                          file=sheet.file, row=part[0][0], column="children", value=n(sum(values)),
                          expected=f"the {breakdown!r} rows to add up to the total, {n(total_record['children'])}")


def shares_within_whole(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Placement stability and care leavers: children meeting a measure are no more than its cohort
    (``share-over-whole``)."""
    for name in ("placement_stability", "care_leavers"):
        sheet = sheets.get(name)
        for number, r in (sheet.rows() if sheet else ()):
            if r["children"] is not None and r["cohort"] is not None and r["children"] > r["cohort"]:
                yield Problem("share-over-whole",
                              f"shares cannot exceed their whole: {n(r['children'])} children meet the "
                              f"measure but the cohort is {n(r['cohort'])}",
                              file=sheet.file, row=number, column="children", value=n(r["children"]),
                              expected=f"no more than the cohort, {n(r['cohort'])}")


def fostering_places_add_up(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Fostering capacity: occupied + vacant available + vacant not available = approved places
    (``places-mismatch``)."""
    sheet = sheets.get("fostering_capacity")
    parts = ("occupied", "vacant_available", "vacant_not_available")
    for number, r in (sheet.rows() if sheet else ()):
        if r["approved_places"] is None or any(r[p] is None for p in parts):
            continue
        found = sum(r[p] for p in parts)
        if found != r["approved_places"]:
            yield Problem("places-mismatch",
                          f"occupied ({n(r['occupied'])}) + vacant available ({n(r['vacant_available'])}) + "
                          f"vacant not available ({n(r['vacant_not_available'])}) = {n(found)}, "
                          f"not the approved places",
                          file=sheet.file, row=number, column="approved_places", value=n(r["approved_places"]),
                          expected=f"occupied + vacant_available + vacant_not_available, {n(found)}")


def recruitment_funnel(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Recruitment: each stage usually has no more households than the one before (``funnel-order``, a warning:
    a household can enquire in one year and be approved in the next)."""
    sheet = sheets.get("fostering_recruitment")
    if sheet is None:
        return
    by_period: dict = {}
    for number, r in sheet.rows():
        by_period.setdefault(r.get("period"), {})[r["stage"]] = (number, r["households"])
    funnel = ("enquiries", "initial_visits", "assessments_started", "approvals")
    for stages in by_period.values():
        yield from _funnel_order(sheet, stages, funnel)


def _funnel_order(sheet: Sheet, stages: dict, funnel: tuple) -> Iterator[Problem]:
    for before, after in zip(funnel, funnel[1:]):
        if before in stages and after in stages and None not in (stages[before][1], stages[after][1]) \
                and stages[after][1] > stages[before][1]:
            yield Problem("funnel-order", f"more {after.replace('_', ' ')} than {before.replace('_', ' ')} "
                          f"({n(stages[before][1])})", file=sheet.file, row=stages[after][0],
                          column="households", value=n(stages[after][1]),
                          hint="fine if households moved on from an earlier year's stage; otherwise check the figures",
                          severity="warning")


def provider_spend_within_external(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Spend with named providers for a service is no more than that service's external spend in
    spend_by_service (``provider-spend-over-external``)."""
    providers, services = sheets.get("spend_with_providers"), sheets.get("spend_by_service")
    if providers is None or services is None:
        return
    external = {r["service"]: r["spend"] for _, r in services.rows() if r["sector"] == "external"}
    spent: dict[str, list] = {}
    for number, r in providers.rows():
        spent.setdefault(r["service"], []).append((number, r["spend"]))
    for service, rows in spent.items():
        if service is None or any(v is None for _, v in rows) or external.get(service, 0) is None:
            continue
        found, limit = sum(v for _, v in rows), external.get(service, 0)
        if found > limit + 0.5:
            yield Problem("provider-spend-over-external",
                          f"spend with providers for {service!r} adds up to {n(found)} but "
                          f"{services.file} has {n(limit)} of external spend for it",
                          file=providers.file, row=rows[0][0], column="spend", value=n(found),
                          expected=f"no more than the external spend, {n(limit)}",
                          hint="external spend in spend_by_service includes every provider, so it cannot be less")


def referral_months_in_year(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Referral months fall inside the year, April to March (``month-outside-year``)."""
    sheet = sheets.get("referrals")
    first, last = f"{year - 1}-04", f"{year}-03"
    for number, r in (sheet.rows() if sheet else ()):
        if r["month"] is not None and not first <= str(r["month"]) <= last:
            yield Problem("month-outside-year", f"this month is outside the year ending 31 March {year}",
                          file=sheet.file, row=number, column="month", value=r["month"],
                          expected=f"a month from {first} to {last}")


def budget_variance(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Budgets: a variance printed beside its budget and outturn is the outturn minus the budget, give or take
    rounding (``variance-mismatch``, a warning: the statement's own slip is flagged; the site shows the
    variance as printed, beside both figures)."""
    sheet = sheets.get("budget")
    for number, r in (sheet.rows() if sheet else ()):
        if None in (r["budget"], r["outturn"], r["variance"]):
            continue
        found = r["outturn"] - r["budget"]
        if abs(found - r["variance"]) > 1:
            yield Problem("variance-mismatch", f"the variance is {_thousands(r['variance'])} but outturn minus "
                          f"budget is {_thousands(found)}", file=sheet.file, row=number, column="variance",
                          value=_thousands(r["variance"]), expected=f"outturn minus budget, {_thousands(found)}",
                          hint="a positive variance is an overspend; check the sign and the figures",
                          severity="warning")


def action_due_months_real(year: int, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Action plan due months are real months, 01 to 12 (``month-not-real``)."""
    sheet = sheets.get("action_plan")
    for number, r in (sheet.rows() if sheet else ()):
        if r["due"] is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(r["due"])):
            yield Problem("month-not-real", "not a real month", file=sheet.file, row=number, column="due",
                          value=r["due"], expected="a month YYYY-MM with MM from 01 to 12")


YEAR_CHECKS = (looked_after_breakdowns, shares_within_whole, fostering_places_add_up, recruitment_funnel,
               provider_spend_within_external, referral_months_in_year, action_due_months_real, budget_variance)


# ---------------------------------------------------------------------------
# Dataset checks: reference tables against the years
# ---------------------------------------------------------------------------

def population_covers_years(dataset: Dataset, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """The population covers every age band of every year with data (``population-missing``)."""
    sheet = sheets.get("population")
    if sheet is None:
        return
    have: dict[int, set] = {}
    for _, r in sheet.rows():
        if r["year"] is not None:
            have.setdefault(int(r["year"]), set()).add(r["age_band"])
    for year in sorted(dataset.years):
        lacking = [band for band in AGE_BANDS if band not in have.get(year, set())]
        if lacking:
            yield Problem("population-missing",
                          f"there is no population for {year}" if len(lacking) == len(AGE_BANDS) else
                          f"the population for {year} lacks the age bands {', '.join(lacking)}",
                          file=sheet.file, column="age_band",
                          expected="a row for every age band of every year with data: " + ", ".join(AGE_BANDS))


def benchmarks_sane(dataset: Dataset, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """Benchmark years are from 2000 on (``benchmark-year``; after the latest data year,
    ``benchmark-year-future``, a warning), percentages are at most 100 (``benchmark-percent-over-100``) and a
    rate per 10,000 is not written as a percentage (``benchmark-rate-percent``)."""
    sheet = sheets.get("benchmarks")
    latest = max(dataset.years, default=None)
    for number, r in (sheet.rows() if sheet else ()):
        if r["year"] is not None and r["year"] < EARLIEST_BENCHMARK_YEAR:
            yield Problem("benchmark-year", "not a plausible benchmark year; check for a typo", file=sheet.file,
                          row=number, column="year", value=n(r["year"]),
                          expected=f"a year from {EARLIEST_BENCHMARK_YEAR} on")
        elif r["year"] is not None and latest is not None and r["year"] > latest:
            yield Problem("benchmark-year-future", f"a benchmark for a year after the latest data ({latest})",
                          file=sheet.file, row=number, column="year", value=n(r["year"]),
                          hint="check for a typo; it is not used until that year's data is added",
                          severity="warning")
        if r["measure"] in RATE_MEASURES and (number, "value") in sheet.percent_signs:
            yield Problem("benchmark-rate-percent", "a rate per 10,000 children written as a percentage",
                          file=sheet.file, row=number, column="value", value=f"{n(r['value'])}%",
                          expected="the rate per 10,000 children, without a % sign")
        if r["measure"] not in RATE_MEASURES and r["value"] is not None and r["value"] > 100:
            yield Problem("benchmark-percent-over-100", "a percentage over 100",
                          file=sheet.file, row=number, column="value", value=n(r["value"]),
                          expected="a percentage from 0 to 100")


def published_rates_agree(dataset: Dataset, sheets: dict[str, Sheet]) -> Iterator[Problem]:
    """A published rate per 10,000 given with the total and the population for its year agrees with the rate
    they give (``rate_per_10000``: total / population x 10,000), to the rounding it was printed with: half a
    unit for a whole number, half a tenth for one decimal (``rate-mismatch``, a warning naming both; the site
    shows the rate worked out from the counts)."""
    from .stats import children as stats

    population = sheets.get("population")
    if population is None:
        return
    for year in sorted(dataset.years):
        frame = dataset.years[year].get("looked_after")
        if frame is None or "rate_per_10000" not in frame.columns:
            continue
        sheet = Sheet(TABLES_BY_NAME["looked_after"], frame,
                      dataset.files.get(f"{year}/looked_after", f"data/{year}/looked_after.csv"))
        children = stats.population_total(population.frame, year)
        for number, r in sheet.rows():
            published = r["rate_per_10000"]
            if published is None or (r["breakdown"], r["category"]) != ("total", "all") or r["children"] is None:
                continue
            computed = stats.rate_per_10000(r["children"], children)
            if computed is None:
                continue
            tolerance = 0.5 if float(published).is_integer() else 0.05
            if abs(computed - published) > tolerance + 1e-9:
                yield Problem("rate-mismatch", f"the published rate, {n(published)} per 10,000, is not the rate the "
                              f"total and the population give: {n(r['children'])} children of {n(children)} aged "
                              f"under 18 is {computed:.1f} per 10,000", file=sheet.file, row=number,
                              column="rate_per_10000", value=n(published), expected=f"about {computed:.1f}",
                              hint="the site shows the rate worked out from the total and the population; check "
                                   "the total, the population table, or the year the rate is for",
                              severity="warning")


DATASET_CHECKS = (population_covers_years, benchmarks_sane, published_rates_agree)


# ---------------------------------------------------------------------------

def _sheets(tables: dict[str, pd.DataFrame], dataset: Dataset, prefix: str,
            problems: list[Problem]) -> dict[str, Sheet]:
    """The tables to check; a frame lacking contract columns (built in code, not loaded) is reported."""
    sheets = {}
    for name, frame in tables.items():
        if name not in TABLES_BY_NAME or frame is None:
            continue
        sheet = Sheet(TABLES_BY_NAME[name], frame, dataset.files.get(f"{prefix}/{name}", f"data/{prefix}/{name}.csv"))
        missing = [c for c in sheet.table.column_names if c not in frame.columns]
        for column in missing:
            problems.append(Problem("column-missing", f"the column {column!r} is missing", file=sheet.file,
                                    expected="the columns " + ", ".join(sheet.table.column_names)))
        if not missing:
            sheets[name] = sheet
    return sheets


def validate(dataset: Dataset) -> list[Problem]:
    """Every problem in ``dataset``, errors and warnings, in file order."""
    problems: list[Problem] = []
    for year in sorted(dataset.years):
        sheets = _sheets(dataset.years[year], dataset, str(year), problems)
        for sheet in sheets.values():
            for check in TABLE_CHECKS:
                problems.extend(check(sheet))
        for year_check in YEAR_CHECKS:
            problems.extend(year_check(year, sheets))
        for name, declared in sorted(dataset.declared.get(year, {}).items()):
            frame = dataset.years[year].get(name)
            if frame is None:
                continue
            sheet = Sheet(declared.table, frame, dataset.files.get(f"{year}/{name}", f"data/{year}/{name}.csv"))
            for check in TABLE_CHECKS:  # a declared table is checked as the contract's are
                problems.extend(check(sheet))
    reference = _sheets(dataset.reference, dataset, "reference", problems)
    for sheet in reference.values():
        for check in TABLE_CHECKS:
            problems.extend(check(sheet))
    for dataset_check in DATASET_CHECKS:
        problems.extend(dataset_check(dataset, reference))
    return problems
