"""Named charts and tables about children looked after, and the measures they publish.

Each output's ``frame(view)`` returns exactly the figures shown: labels from
the contract's code lists (never codes), a ``Year`` column holding the year
ending 31 March as text ("2026"), and numbers rounded as the page shows them
(whole children, whole percentages and rates, weeks to one decimal place), so
the CSV download matches the page figure for figure.
"""
from __future__ import annotations

import pandas as pd

from .. import categories, contract
from ..attrs import attr
from ..frames import records
from ..stats import children as stats
from ..stats.measures import Measure
from ..values import format_value
from .base import ChartStyle, Output, frame_from_rows as _frame, round_figure as _round

LA = ("looked_after.children",)
POP = ("population.population",)
BENCH = ("benchmarks.value",)
MOVES = ("starts_and_ceases.children",)
PLACEMENTS = ("placements_by_type_and_age.placements", "placements_by_type_and_age.children",
              "placements_by_type_and_age.weeks_of_care")
STABILITY = ("placement_stability.children", "placement_stability.cohort")
LEAVERS = ("care_leavers.children", "care_leavers.cohort")

NO_DATA = "No figures are available for this chart."


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _years(view, table: str) -> list[int]:
    return [y for y in view.years if view.table(table, y) is not None]


def _fmt(value, kind: str = "count") -> str:
    return format_value(value, kind)


def _reference(view, name: str):
    """A reference table limited to years up to the view's (benchmarks never run ahead)."""
    frame = view.reference.get(name)
    if frame is None or "year" not in frame.columns:
        return frame
    return frame[frame["year"] <= view.year]


def _trend_summary(frame: pd.DataFrame, column: str, what: str, kind: str = "count") -> str:
    """'<what> rose from A in Y1 to B in Yn, with the highest figure, H, in Yh.'"""
    rows = frame.dropna(subset=[column])
    if rows.empty:
        return NO_DATA
    first, last = rows.iloc[0], rows.iloc[-1]
    if len(rows) == 1:
        return f"{what}: {_fmt(last[column], kind)} in {last['Year']}."
    a, b = first[column], last[column]
    verb = "rose" if b > a else "fell" if b < a else "stayed"
    if verb == "stayed":
        sentence = f"{what} stayed at {_fmt(b, kind)} from {first['Year']} to {last['Year']}"
    else:
        sentence = f"{what} {verb} from {_fmt(a, kind)} in {first['Year']} to {_fmt(b, kind)} in {last['Year']}"
    top = rows.loc[rows[column].idxmax()]
    bottom = rows.loc[rows[column].idxmin()]
    if top[column] > max(a, b):
        sentence += f", with the highest figure, {_fmt(top[column], kind)}, in {top['Year']}"
    elif bottom[column] < min(a, b):
        sentence += f", with the lowest figure, {_fmt(bottom[column], kind)}, in {bottom['Year']}"
    return sentence + "."


def _ranking_summary(frame: pd.DataFrame, label: str, column: str, what: str, kind: str = "count") -> str:
    """'Of the N <what>, the largest group was <label> (n), followed by <label> (n).'"""
    rows = frame.dropna(subset=[column])
    rows = rows[rows[column] > 0].sort_values(column, ascending=False, kind="stable")
    if rows.empty:
        return NO_DATA
    total = frame[column].sum()
    parts = [f"{r[label]} ({_fmt(r[column], kind)})" for _, r in rows.head(2).iterrows()]
    sentence = f"Of the {_fmt(total, kind)} {what}, the largest group was {parts[0]}"
    if len(parts) > 1:
        sentence += f", followed by {parts[1]}"
    return sentence + "."


def _series_trend_summary(frame: pd.DataFrame, series: str, column: str, kind: str, what: str) -> str:
    """One clause per series: '<series> from A (Y1) to B (Yn)'."""
    rows = frame.dropna(subset=[column])
    if rows.empty:
        return NO_DATA
    clauses = []
    for name, group in rows.groupby(series, sort=False):
        first, last = group.iloc[0], group.iloc[-1]
        if len(group) == 1:
            clauses.append(f"{name} {_fmt(last[column], kind)} in {last['Year']}")
        else:
            clauses.append(f"{name} from {_fmt(first[column], kind)} in {first['Year']} "
                           f"to {_fmt(last[column], kind)} in {last['Year']}")
    return f"{what}: " + "; ".join(clauses) + "."


def _breakdown_labels(frame, breakdown: str) -> dict[str, str]:
    """Each category of a ``looked_after`` breakdown -> its label: the DfE's, and the council's own as declared
    (``categories.py``; a DfE category the council relabelled reads as the council writes it)."""
    return {**contract.LOOKED_AFTER_BREAKDOWNS[breakdown], **categories.of(frame).codes(breakdown)}


def _drawn_categories(frame, breakdown: str, counts: dict) -> dict:
    """The categories a chart of one breakdown draws, each child once: the council's own (not its groups, which
    add up their members), and the DfE's that none of its own lies within or spans (a DfE band worked out from
    the council's, 10 to 15 from 10-12 and 13-15, would count those children twice)."""
    local = categories.of(frame)
    own = local.local(breakdown)
    if not own:
        return counts
    groups = set(local.groups(breakdown))
    covered = {dfe for category in own.values() for dfe in category.dfe}
    drawn = [code for code in counts
             if code not in groups and (code in own or code not in covered)]
    return {code: counts[code] for code in _in_dfe_order(drawn, own, list(contract.LOOKED_AFTER_BREAKDOWNS[breakdown]))}


def _in_dfe_order(codes, own: dict, dfe: list[str]) -> list[str]:
    """``codes`` in the DfE's order, each of the council's categories where its first DfE category is (0-4 years,
    5 to 9, 10-13 years, 14-17 years), not the council's all before the DfE's; ties keep their order."""
    def place(code: str) -> int:
        if code in dfe:
            return dfe.index(code)
        spans = [dfe.index(d) for d in own[code].dfe if d in dfe] if code in own else []
        return min(spans) if spans else len(dfe)

    return sorted(codes, key=place)


def _breakdown_frame(view, breakdown: str, label: str, year: int | None = None) -> pd.DataFrame:
    frame = view.table("looked_after", year)
    counts = _drawn_categories(frame, breakdown, stats.looked_after_breakdown(frame, breakdown))
    codes = _breakdown_labels(frame, breakdown)
    rows = [(codes.get(c, c), _round(v)) for c, v in counts.items() if contract.drawn(breakdown, c, v)]
    return _frame(rows, [label, "Children"])


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------


def looked_after_trend(view) -> pd.DataFrame:
    rows = [(str(y), _round(stats.looked_after_total(view.table("looked_after", y))))
            for y in _years(view, "looked_after")]
    return _frame([r for r in rows if r[1] is not None], ["Year", "Children looked after"])


def looked_after_rate_trend(view) -> pd.DataFrame:
    benchmarks = _reference(view, "benchmarks")
    rows = []
    for year in _years(view, "looked_after"):
        rows.append((str(year), view.authority.short_name, _round(stats.looked_after_rate(view, year))))
        for area, name in contract.AREAS.items():
            rows.append((str(year), name, _round(stats.benchmark(benchmarks, "looked_after_rate", year, area))))
    return _frame([r for r in rows if r[2] is not None], ["Year", "Area", "Rate per 10,000"])


def looked_after_by_age(view) -> pd.DataFrame:
    rows = []
    for year in (view.year - 1, view.year):
        if year not in view.history or view.table("looked_after", year) is None:
            continue
        frame = view.table("looked_after", year)
        counts = _drawn_categories(frame, "age_band", stats.looked_after_breakdown(frame, "age_band"))
        codes = _breakdown_labels(frame, "age_band")
        rows += [(codes.get(c, c), str(year), _round(v)) for c, v in counts.items()
                 if contract.drawn("age_band", c, v)]
    return _frame(rows, ["Age band", "Year", "Children"])


def looked_after_by_placement_type(view) -> pd.DataFrame:
    return _breakdown_frame(view, "placement_type", "Placement type")


def placement_mix_trend(view) -> pd.DataFrame:
    rows = []
    for year in _years(view, "looked_after"):
        groups = stats.grouped(stats.looked_after_breakdown(view.table("looked_after", year), "placement_type"),
                               stats.PLACEMENT_GROUPS)
        for group, value in stats.shares(groups).items():
            if value is not None:
                rows.append((str(year), stats.PLACEMENT_GROUP_LABELS[group], _round(value)))
    return _frame(rows, ["Year", "Placement group", "Percentage"])


def looked_after_by_provider(view) -> pd.DataFrame:
    return _breakdown_frame(view, "provider", "Provider")


def looked_after_by_legal_status(view) -> pd.DataFrame:
    return _breakdown_frame(view, "legal_status", "Legal status")


CHARACTERISTICS = {"sex": "Sex", "ethnicity": "Ethnicity", "uasc": "Unaccompanied asylum-seeking"}


def looked_after_characteristics(view) -> pd.DataFrame:
    frame = view.table("looked_after")
    rows = []
    for breakdown, title in CHARACTERISTICS.items():
        counts = _drawn_categories(frame, breakdown, stats.looked_after_breakdown(frame, breakdown))
        codes = _breakdown_labels(frame, breakdown)
        for code, pct in stats.shares(counts).items():
            if contract.drawn(breakdown, code, counts[code]):
                rows.append((title, codes.get(code, code), _round(counts[code]), _round(pct)))
    return _frame(rows, ["Characteristic", "Group", "Children", "Percentage"])


DISTANCE_SERIES = (("distance", "within_20_miles"), ("distance", "over_20_miles"),
                   ("location", "inside"), ("location", "outside"))


def distance_from_home(view) -> pd.DataFrame:
    """The DfE's distance and location categories, each a percentage of the children in the breakdown. A
    council's own bands (Bristol's) are worked into the DfE's; where one of the DfE's cannot be worked out
    (the council's bands leave it as x), the others are a percentage of all children looked after, or as the
    council published them, never of the known ones alone (which would count its bands and groups together
    and give 50% for Bristol's printed 13%)."""
    rows = []
    for year in _years(view, "looked_after"):
        frame = view.table("looked_after", year)
        for breakdown, code in DISTANCE_SERIES:
            counts = stats.looked_after_breakdown(frame, breakdown)
            dfe = {c: counts.get(c) for c in contract.LOOKED_AFTER_BREAKDOWNS[breakdown]}
            if all(v is not None for v in dfe.values()):
                pct = stats.shares(dfe)[code]
            else:
                pct = stats.breakdown_shares(frame, breakdown, dfe).get(code)
                if pct is None:
                    pct = stats.looked_after_percentages(frame, breakdown).get(code)
            if pct is not None:
                rows.append((str(year), contract.LOOKED_AFTER_BREAKDOWNS[breakdown][code], _round(pct)))
    return _frame(rows, ["Year", "Where placed", "Percentage"])


def looked_after_by_distance(view) -> pd.DataFrame:
    """This year's distance bands as the council gives them (its own bands and groups, or the DfE's), with
    the children in each and the percentage: computed from the counts, or as published where only a
    percentage was given (Bristol's 56% placed in the city)."""
    frame = view.table("looked_after")
    counts = stats.looked_after_breakdown(frame, "distance")
    shares = stats.breakdown_shares(frame, "distance", counts)
    for code, published in stats.looked_after_percentages(frame, "distance").items():
        if shares.get(code) is None:
            shares[code] = published
    local = categories.of(frame)
    listed = set() if frame is None else set(frame.loc[frame["breakdown"] == "distance", "category"])
    listed |= {r["category"] for _, r in (attr(frame, "totals") or []) if r.get("breakdown") == "distance"} \
        if frame is not None else set()
    own = bool(local.local("distance"))
    rows = [(local.label("distance", code), _round(counts.get(code)), _round(shares.get(code)))
            for code in local.codes("distance")
            if (code in listed if own else counts.get(code) is not None or shares.get(code) is not None)]
    return _frame(rows, ["Distance from home", "Children", "Percentage"])


def uasc_trend(view) -> pd.DataFrame:
    rows = [(str(y), _round(stats.looked_after_breakdown(view.table("looked_after", y), "uasc")["uasc"]))
            for y in _years(view, "looked_after")]
    return _frame([r for r in rows if r[1] is not None], ["Year", "Unaccompanied children"])


def starts_and_ceases_trend(view) -> pd.DataFrame:
    rows = []
    for year in _years(view, "starts_and_ceases"):
        frame = view.table("starts_and_ceases", year)
        for movement, name in contract.MOVEMENTS.items():
            value = stats.movement_counts(frame, movement)["all"]
            if value is not None:
                rows.append((str(year), name, _round(value)))
    return _frame(rows, ["Year", "Movement", "Children"])


def _movement_frame(view, movement: str, label: str) -> pd.DataFrame:
    """Children by reason; with a Percentage column when the council published percentages (each reason's
    share as published, else worked out from the counts), a reason given only as a percentage included."""
    table = view.table("starts_and_ceases")
    counts = stats.movement_counts(table, movement)
    published = stats.movement_percentages(table, movement)
    codes = contract.CATEGORIES_OF_NEED if movement == "started" else contract.REASONS_CEASED
    if not any(c != "all" for c in published):
        rows = [(codes[c], _round(v)) for c, v in counts.items() if c != "all" and v is not None]
        return _frame(rows, [label, "Children"])
    rows = []
    for c, v in counts.items():
        share = published.get(c, stats.share(v, counts["all"]))
        if c != "all" and (v is not None or c in published):
            rows.append((codes[c], None if v is None else _round(v), share))
    return _frame(rows, [label, "Children", "Percentage"])


def starts_and_ceases_by_period(view) -> pd.DataFrame:
    """Children starting and ceasing in each quarter or part year the council published (issue 10), each row
    labelled with its period; never added up into a figure for the year."""
    from .. import periods

    rows = []
    for code, frame in stats.periods_of(view.part_year("starts_and_ceases"), view.year):
        for movement, name in contract.MOVEMENTS.items():
            value = stats.movement_counts(frame, movement)["all"]
            if value is not None:
                rows.append((periods.label(code, view.year), name, _round(value)))
    return _frame(rows, ["Period", "Movement", "Children"])


def _periods_summary(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No figures for part of the year were published for this year."
    parts = [f"{period}: " + ", ".join(f"{_fmt(v)} {m.split(' ')[0].lower()}" for m, v in
                                       zip(rows["Movement"], rows["Children"]))
             for period, rows in frame.groupby("Period", sort=False)]
    return ("Children starting and ceasing to be looked after in part of the year, as published (not added up "
            "into the year's figure): " + "; ".join(parts) + ".")


def started_by_need(view) -> pd.DataFrame:
    return _movement_frame(view, "started", "Category of need")


def ceased_by_reason(view) -> pd.DataFrame:
    return _movement_frame(view, "ceased", "Reason")


def _placement_rows(view) -> list[dict]:
    """The placements table's rows in the order of the council's categories (or the DfE's), labelled, with a
    row for each of the council's groups (Bromley's Fostering and Other) worked out from its members."""
    frame = view.table("placements_by_type_and_age")
    if frame is None or frame.empty:
        return []
    local = categories.of(frame)
    types, ages = local.codes("placement_type"), local.codes("age_band")
    ages = {code: ages[code] for code in _in_dfe_order(ages, local.local("age_band"), list(contract.AGE_BANDS))}
    used_types, used_ages = set(frame["placement_type"]), set(frame["age_band"])
    groups = local.groups("placement_type")
    cells = {(r["placement_type"], r["age_band"]): r for r in records(frame)}
    within = stats.placements_by_age_and_type(frame)
    rows = []
    for kind in types:
        for band in ages:
            if band not in used_ages:
                continue
            if kind in used_types and (kind, band) in cells:
                cell = cells[(kind, band)]
            elif kind in groups:
                cell = within[band][kind]
            else:
                continue
            rows.append({"type": types[kind], "band": ages[band], "group": kind in groups,
                         **{m: cell.get(m) for m in stats.PLACEMENT_MEASURES}})
    return rows


def weeks_of_care_by_type_and_age(view) -> pd.DataFrame:
    rows = [(r["type"], r["band"], _round(r["weeks_of_care"], 1)) for r in _placement_rows(view)
            if not r["group"]]  # a stacked chart draws the members, not their group too
    return _frame(rows, ["Placement type", "Age band", "Weeks of care"])


def placements_by_type_and_age(view) -> pd.DataFrame:
    rows = [(r["type"], r["band"], _round(r["placements"]), _round(r["children"]), _round(r["weeks_of_care"], 1))
            for r in _placement_rows(view)]
    return _frame(rows, ["Placement type", "Age band", "Placements", "Children", "Weeks of care"])


def summary_share_by_age(frame: pd.DataFrame) -> str:
    """'Fostering: 69% of placements for 0-4 years, 82% for 5-9 years ...'."""
    rows = frame.dropna(subset=["Percentage"])
    if rows.empty:
        return NO_DATA
    clauses = []
    for group, part in rows.groupby("Placement group", sort=False):
        bands = [f"{_fmt(r['Percentage'], 'percent')} for {r['Age band']}" for _, r in part.iterrows()]
        clauses.append(f"{group}: " + ", ".join(bands))
    return "Share of each age band's placements, " + "; ".join(clauses) + "."


def placement_share_by_age(view) -> pd.DataFrame:
    """Within each age band, each placement group's share of the band's placements: the council's own
    groups (Bromley's Fostering and Other) when it declares them, else the DfE's placement groups."""
    frame = view.table("placements_by_type_and_age")
    if frame is None or frame.empty:
        return _frame([], ["Age band", "Placement group", "Placements", "Percentage"])
    local = categories.of(frame)
    groups = list(local.groups("placement_type"))
    within = stats.placements_by_age_and_type(frame)
    ages = local.codes("age_band")
    used = set(frame["age_band"])
    rows = []
    for band in (b for b in ages if b in used):
        if groups:
            parts = [(local.label("placement_type", g), within[band][g]) for g in groups]
        else:
            by_type = within[band]
            parts = []
            for group, members in stats.PLACEMENT_GROUPS.items():
                values = [by_type[m]["placements"] for m in members if m in by_type]
                placements = None if any(v is None for v in values) else sum(values)
                band_total = sum(v["placements"] or 0 for k, v in by_type.items() if k in contract.PLACEMENT_TYPES)
                parts.append((stats.PLACEMENT_GROUP_LABELS[group],
                              {"placements": placements, "share": stats.share(placements, band_total)}))
        rows += [(ages[band], label, _round(cell["placements"]), _round(cell["share"])) for label, cell in parts]
    return _frame(rows, ["Age band", "Placement group", "Placements", "Percentage"])


STABILITY_SHORT = {"short_term": "3 or more placements in the year",
                   "long_term": "same placement for 2 years or more"}


def stability_trend(view) -> pd.DataFrame:
    benchmarks = _reference(view, "benchmarks")
    years = _years(view, "placement_stability")
    rows = []
    for measure, words in STABILITY_SHORT.items():
        ours = {y: stats.stability(view.table("placement_stability", y), measure)["percent"] for y in years}
        england = {y: stats.benchmark(benchmarks, stats.STABILITY_BENCHMARKS[measure], y, "england")
                   for y in years}
        for area, values in ((view.authority.short_name, ours), ("England", england)):
            rows += [(str(y), f"{area}, {words}", _round(v)) for y, v in values.items() if v is not None]
    return _frame(rows, ["Year", "Series", "Percentage"])


def care_leavers_outcomes(view) -> pd.DataFrame:
    frame = view.table("care_leavers")
    benchmarks = _reference(view, "benchmarks")
    rows = []
    for measure, bench_measure in stats.CARE_LEAVER_BENCHMARKS.items():
        outcome = contract.CARE_LEAVER_MEASURES[measure]
        ours = stats.care_leaver_outcome(frame, "age_19_to_21", measure)["percent"]
        england = stats.benchmark(benchmarks, bench_measure, view.year, "england")
        for area, value in ((view.authority.short_name, ours), ("England", england)):
            if value is not None:
                rows.append((outcome, area, _round(value)))
    return _frame(rows, ["Outcome", "Area", "Percentage"])


def projection_by_age(view) -> pd.DataFrame:
    result = stats.project_looked_after(view)
    rows = [(str(b.year), contract.AGE_BANDS[b.age_band], _round(b.children), _round(b.low), _round(b.high))
            for b in result.bands if b.children is not None]
    return _frame(rows, ["Year", "Age band", "Projected children", "Low", "High"])


def projection(view) -> pd.DataFrame:
    result = stats.project_looked_after(view)
    frame = projection_by_age(view)
    totals = []
    for year in result.years:
        total = result.total(year)
        if total["children"] is not None:
            totals.append((str(year), "All ages", _round(total["children"]), _round(total["low"]),
                           _round(total["high"])))
    return pd.concat([frame, _frame(totals, list(frame.columns))], ignore_index=True) if totals else frame


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


def summary_by_age(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    year = frame["Year"].max()
    latest = frame[frame["Year"] == year]
    top = latest.sort_values("Children", ascending=False, kind="stable").iloc[0]
    sentence = (f"At 31 March {year} the largest age group of children looked after was {top['Age band']} "
                f"({_fmt(top['Children'])} of {_fmt(latest['Children'].sum())})")
    earlier = frame[frame["Year"] != year]
    if not earlier.empty:
        before = earlier[earlier["Age band"] == top["Age band"]]["Children"]
        if not before.empty:
            sentence += f", compared with {_fmt(before.iloc[0])} a year earlier"
    return sentence + "."


def summary_characteristics(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    parts = []
    for title, group in frame.groupby("Characteristic", sort=False):
        top = group.sort_values("Children", ascending=False, kind="stable").iloc[0]
        parts.append(f"{title.lower()}: {top['Group']} {_fmt(top['Percentage'], 'percent')}")
    return "The largest group by " + "; by ".join(parts) + "."


def summary_weeks(frame: pd.DataFrame) -> str:
    frame = frame.dropna(subset=["Weeks of care"])  # a table of placements alone gives no weeks
    if frame.empty or not frame["Weeks of care"].sum():
        return NO_DATA
    by_type = frame.groupby("Placement type", sort=False)["Weeks of care"].sum().sort_values(ascending=False)
    total = frame["Weeks of care"].sum()
    return (f"Of {_fmt(total, 'weeks')} weeks of care in the year, {by_type.index[0]} accounted for "
            f"{_fmt(by_type.iloc[0], 'weeks')} ({_fmt(100 * by_type.iloc[0] / total, 'percent')}).")


def summary_placements(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    return (f"{_fmt(frame['Placements'].sum())} placements and {_fmt(frame['Weeks of care'].sum(), 'weeks')} "
            f"weeks of care in the year, by placement type and age band.")


def summary_outcomes(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    parts = []
    for outcome, group in frame.groupby("Outcome", sort=False):
        values = [f"{r['Area']} {_fmt(r['Percentage'], 'percent')}" for _, r in group.iterrows()]
        parts.append(f"{outcome.lower()}: " + " against ".join(values))
    return "Care leavers aged 19 to 21 " + "; ".join(parts) + "."


def summary_projection(frame: pd.DataFrame) -> str:
    rows = frame[frame["Age band"] != "All ages"]
    if rows.empty:
        return NO_DATA
    year = rows["Year"].max()
    last = rows[rows["Year"] == year]
    return (f"If recent trends continue, about {_fmt(last['Projected children'].sum())} children would be looked "
            f"after at 31 March {year} (between {_fmt(last['Low'].sum())} and {_fmt(last['High'].sum())}), "
            f"most of them aged {last.sort_values('Projected children', ascending=False).iloc[0]['Age band']}.")


# ---------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------

OUTPUTS: tuple[Output, ...] = (
    Output(
        "looked_after_trend", "Children looked after at 31 March", looked_after_trend, LA,
        ChartStyle("bar", "Year", "Children looked after", y_title="Children"),
        lambda f: _trend_summary(f, "Children looked after", "Children looked after at 31 March"),
        "The number of children looked after at 31 March of each year with data (DfE definition, "
        "excluding children looked after only under a series of short breaks).",
        {"Children looked after": "count"},
    ),
    Output(
        "looked_after_rate_trend", "Children looked after per 10,000 children", looked_after_rate_trend,
        LA + POP + BENCH,
        ChartStyle("line", "Year", "Rate per 10,000", colour="Area", y_title="Per 10,000 children aged 0 to 17"),
        lambda f: _series_trend_summary(f, "Area", "Rate per 10,000", "rate",
                                        "Children looked after per 10,000 children"),
        "Children looked after at 31 March divided by the ONS mid-year estimate of children aged 0 to 17, "
        "times 10,000, rounded to a whole number (where the council gave no population figures for a year, "
        "the rate it published, as printed); England and statistical neighbour rates as the DfE "
        "publishes them.",
        {"Rate per 10,000": "rate"},
    ),
    Output(
        "looked_after_by_age", "Children looked after at 31 March by age band", looked_after_by_age, LA,
        ChartStyle("grouped_bar", "Age band", "Children", colour="Year"), summary_by_age,
        "Children looked after at 31 March by age, this year and last.", {"Children": "count"},
    ),
    Output(
        "looked_after_by_placement_type", "Children looked after at 31 March by placement type",
        looked_after_by_placement_type, LA,
        ChartStyle("bar", "Placement type", "Children", horizontal=True),
        lambda f: _ranking_summary(f, "Placement type", "Children", "children looked after at 31 March"),
        "Children looked after at 31 March by the DfE's placement type groups.", {"Children": "count"},
    ),
    Output(
        "placement_mix_trend", "Placement mix over the years", placement_mix_trend, LA,
        ChartStyle("line", "Year", "Percentage", colour="Placement group", y_title="Percentage of children"),
        lambda f: _series_trend_summary(f, "Placement group", "Percentage", "percent",
                                        "Percentage of children looked after at 31 March by placement group"),
        "Each placement group's percentage of children looked after at 31 March: fostering (with "
        "relatives or friends and other carers), residential (children's homes, secure and other "
        "residential settings), supported accommodation, and adoption, parents and other placements.",
        {"Percentage": "percent"},
    ),
    Output(
        "looked_after_by_provider", "Children looked after at 31 March by provider", looked_after_by_provider, LA,
        ChartStyle("bar", "Provider", "Children", horizontal=True),
        lambda f: _ranking_summary(f, "Provider", "Children", "children looked after at 31 March"),
        "Children looked after at 31 March by who provides the placement (SSDA903 PR0-PR5).",
        {"Children": "count"},
    ),
    Output(
        "looked_after_by_legal_status", "Children looked after at 31 March by legal status",
        looked_after_by_legal_status, LA,
        ChartStyle("bar", "Legal status", "Children", horizontal=True),
        lambda f: _ranking_summary(f, "Legal status", "Children", "children looked after at 31 March"),
        "Children looked after at 31 March by their legal status.", {"Children": "count"},
    ),
    Output(
        "looked_after_characteristics", "Children looked after at 31 March by sex, ethnicity and UASC",
        looked_after_characteristics, LA, None, summary_characteristics,
        "Children looked after at 31 March by sex, ethnic group and whether they are unaccompanied "
        "asylum-seeking children; each group's percentage of all children in the breakdown.",
        {"Children": "count", "Percentage": "percent"},
    ),
    Output(
        "distance_from_home", "Children placed within and over 20 miles from home, inside and outside the boundary",
        distance_from_home, LA,
        ChartStyle("line", "Year", "Percentage", colour="Where placed", y_title="Percentage of children"),
        lambda f: _series_trend_summary(f, "Where placed", "Percentage", "percent",
                                        "Percentage of children looked after at 31 March"),
        "Percentage of children looked after at 31 March placed 20 miles or less, or over 20 miles, from "
        "home, and inside or outside the council's boundary; the percentages are of all children, "
        "including those whose distance or location is not recorded.",
        {"Percentage": "percent"},
    ),
    Output(
        "looked_after_by_distance", "Children looked after by distance from home", looked_after_by_distance,
        LA, None, lambda f: _ranking_summary(f.dropna(subset=["Children"]), "Distance from home", "Children",
                                             "children whose distance from home is given"),
        "Children looked after by how far from home they are placed, in the council's own distance bands "
        "where it declares them; percentages are of all children looked after, as published where the council "
        "gave only the percentage.",
        {"Children": "count", "Percentage": "percent"},
    ),
    Output(
        "uasc_trend", "Unaccompanied asylum-seeking children looked after at 31 March", uasc_trend, LA,
        ChartStyle("bar", "Year", "Unaccompanied children", y_title="Children"),
        lambda f: _trend_summary(f, "Unaccompanied children",
                                 "Unaccompanied asylum-seeking children looked after at 31 March"),
        "Unaccompanied asylum-seeking children looked after at 31 March of each year.",
        {"Unaccompanied children": "count"},
    ),
    Output(
        "starts_and_ceases_trend", "Children starting and ceasing to be looked after", starts_and_ceases_trend,
        MOVES, ChartStyle("grouped_bar", "Year", "Children", colour="Movement"),
        lambda f: _series_trend_summary(f, "Movement", "Children", "count", "Children each year"),
        "Children who started and who ceased to be looked after during each year ending 31 March; a "
        "child who started (or ceased) more than once in a year is counted once.",
        {"Children": "count"},
    ),
    Output(
        "starts_and_ceases_by_period", "Children starting and ceasing to be looked after in part of the year",
        starts_and_ceases_by_period, MOVES, ChartStyle("grouped_bar", "Period", "Children", colour="Movement"),
        _periods_summary,
        "Children who started and who ceased to be looked after in each quarter or part of the year the council "
        "published, each labelled with its period. Shown as published and never added up: a child who starts "
        "in two quarters is counted in each, but once in the year.",
        {"Children": "count"},
    ),
    Output(
        "started_by_need", "Children starting to be looked after by category of need", started_by_need, MOVES,
        ChartStyle("bar", "Category of need", "Children", horizontal=True),
        lambda f: _ranking_summary(f, "Category of need", "Children", "children who started to be looked after"),
        "Children who started to be looked after in the year by their category of need at the start.",
        {"Children": "count", "Percentage": "percent"},
    ),
    Output(
        "ceased_by_reason", "Children ceasing to be looked after by reason", ceased_by_reason, MOVES,
        ChartStyle("bar", "Reason", "Children", horizontal=True),
        lambda f: _ranking_summary(f, "Reason", "Children", "children who ceased to be looked after"),
        "Children who ceased to be looked after in the year by the reason their episode of care ended.",
        {"Children": "count", "Percentage": "percent"},
    ),
    Output(
        "weeks_of_care_by_type_and_age", "Weeks of care by placement type and age band",
        weeks_of_care_by_type_and_age, ("placements_by_type_and_age.weeks_of_care",),
        ChartStyle("stacked_bar", "Placement type", "Weeks of care", colour="Age band", horizontal=True),
        summary_weeks,
        "Weeks of care in the year: the days of every placement that fall between 1 April and 31 March, "
        "divided by 7, by placement type and the child's age band.",
        {"Weeks of care": "weeks"},
    ),
    Output(
        "placements_by_type_and_age", "Placements, children and weeks of care by placement type and age band",
        placements_by_type_and_age, PLACEMENTS, None, summary_placements,
        "Placements open at any time in the year, the different children who had them, and weeks of "
        "care, by placement type and age band.",
        {"Placements": "count", "Children": "count", "Weeks of care": "weeks"},
    ),
    Output(
        "placement_share_by_age", "Placements by placement group within each age band",
        placement_share_by_age, ("placements_by_type_and_age.placements",), None, summary_share_by_age,
        "Within each age band, each placement group's placements in the year and their share of the band's "
        "placements: the council's own groups of its placement types when it declares them, else the DfE's "
        "placement groups.",
        {"Placements": "count", "Percentage": "percent"},
    ),
    Output(
        "stability_trend", "Placement stability compared with England", stability_trend, STABILITY + BENCH,
        ChartStyle("line", "Year", "Percentage", colour="Series", y_title="Percentage of children"),
        lambda f: _series_trend_summary(f, "Series", "Percentage", "percent", "Placement stability"),
        "Short term: the percentage of children looked after at 31 March with three or more placements "
        "in the year (lower is better). Long term: the percentage of children under 16 looked after for "
        "2½ years or more who have lived in the same placement for two years or are placed for adoption "
        "(higher is better). England figures as the DfE publishes them.",
        {"Percentage": "percent"},
    ),
    Output(
        "care_leavers_outcomes", "Care leavers aged 19 to 21 compared with England", care_leavers_outcomes,
        LEAVERS + BENCH, ChartStyle("grouped_bar", "Outcome", "Percentage", colour="Area"), summary_outcomes,
        "Care leavers aged 19 to 21 whose birthday fell in the year: the percentage in touch with the "
        "council, in suitable accommodation, and in education, employment or training, against England.",
        {"Percentage": "percent"},
    ),
    Output(
        "projection_by_age", "Projected children looked after by age band", projection_by_age, LA + POP,
        ChartStyle("grouped_bar", "Age band", "Projected children", colour="Year"), summary_projection,
        stats.PROJECTION_METHOD, {"Projected children": "count", "Low": "count", "High": "count"},
    ),
    Output(
        "projection", "Projected children looked after, with low and high figures", projection, LA + POP,
        None, summary_projection, stats.PROJECTION_METHOD,
        {"Projected children": "count", "Low": "count", "High": "count"},
    ),
)


# ---------------------------------------------------------------------------
# Measures (the methods page)
# ---------------------------------------------------------------------------

MEASURES: tuple[Measure, ...] = (
    Measure("looked_after_total", "Children looked after at 31 March",
            "Children looked after by the council at 31 March, excluding children looked after only "
            "under an agreed series of short-term placements (short breaks).",
            "The count in the looked_after table's total row; breakdowns by age, sex, ethnicity, legal "
            "status, placement type, provider, distance, location and UASC add up to it.",
            ("looked_after",)),
    Measure("looked_after_rate", "Children looked after per 10,000 children",
            "Children looked after at 31 March per 10,000 children aged under 18, using the ONS mid-year "
            "population estimate for the previous June.",
            "Children looked after at 31 March ÷ children aged 0 to 17 (sum of the population table's age "
            "bands for the year) × 10,000; shown to the nearest whole number.",
            ("looked_after", "population")),
    Measure("looked_after_share", "Percentage of children looked after in a group",
            "Each category's share of children looked after at 31 March within a breakdown.",
            "Children in the category ÷ children in all categories of the breakdown × 100; a category "
            "without a row counts 0. Shown to the nearest whole percentage, so shares may not add to "
            "exactly 100.",
            ("looked_after",)),
    Measure("change_on_last_year", "Change on last year",
            "The difference between this year's figure and the previous year's.",
            "This year minus last year, with the percentage change (the difference ÷ last year × 100, "
            "to the nearest whole number). Rates change in per 10,000 and percentages in percentage "
            "points. Shown as x when last year's figure is not available.",
            ("looked_after", "starts_and_ceases", "placement_stability")),
    Measure("placement_groups", "Fostering and residential placements",
            "Fostering: foster placements with relatives or friends and with other foster carers. "
            "Residential: children's homes, secure children's homes and units, and residential schools "
            "and other residential settings.",
            "The placement type categories added into groups; each group's share is of all children "
            "looked after at 31 March.",
            ("looked_after",)),
    Measure("in_house_external", "In-house and external placements",
            "In-house: placements provided by the council itself (own provision). External: placements "
            "with other councils, other public bodies, private and voluntary providers.",
            "Counts by provider at 31 March; shares are of children placed with a provider, leaving out "
            "children placed with parents or others with parental responsibility.",
            ("looked_after",)),
    Measure("started", "Children starting to be looked after",
            "Children who started to be looked after during the year ending 31 March, counted once at "
            "their first start, by category of need.",
            "The starts_and_ceases table's total row; rate per 10,000 uses the same population as the "
            "looked after rate; shares are of the total.",
            ("starts_and_ceases", "population")),
    Measure("ceased", "Children ceasing to be looked after",
            "Children who ceased to be looked after during the year ending 31 March, counted once at "
            "their last ceasing, by reason episode ceased.",
            "The starts_and_ceases table's total row; shares are of the total.",
            ("starts_and_ceases",)),
    Measure("weeks_of_care", "Placements and weeks of care",
            "Placements open at any time between 1 April and 31 March, and the days of each that fall in "
            "the year divided by 7.",
            "Sums over placement type and age band. Placements per child divides all placements by the "
            "sum of children over the table's rows, where a child with placements of two types or in two "
            "age bands is counted in each; a type's share of weeks is its weeks ÷ all weeks × 100.",
            ("placements_by_type_and_age",)),
    Measure("share_within_age_band", "A placement group's share within an age band",
            "Of the placements open in the year for children of one age band, the percentage of one placement "
            "type or group (for example fostering's share of placements for 0 to 4 year olds).",
            "The group's placements in the band (the sum of its types) ÷ all placements in the band × 100. "
            "A council's own age bands and groups are used as it declares them; a DfE band is worked out "
            "only from bands that lie within it.",
            ("placements_by_type_and_age",)),
    Measure("short_term_stability", "Short-term placement stability",
            "Children looked after at 31 March with three or more separate placements during the year.",
            "Numerator ÷ children looked after at 31 March × 100 (numerator and denominator from the "
            "placement_stability table); England and statistical neighbours as published.",
            ("placement_stability", "benchmarks")),
    Measure("long_term_stability", "Long-term placement stability",
            "Children aged under 16 at 31 March who had been looked after continuously for at least 2½ "
            "years, living in the same placement for at least two years, or placed for adoption and "
            "their adoptive placement together with their previous placement lasts for two years.",
            "Numerator ÷ children under 16 looked after for 2½ years or more × 100; England and "
            "statistical neighbours as published.",
            ("placement_stability", "benchmarks")),
    Measure("care_leavers", "Care leaver outcomes",
            "Former relevant children whose 17th to 21st birthday fell in the year: in touch with the "
            "council, in suitable accommodation, in education, employment or training; and those who "
            "turned 18 in foster care and stayed put.",
            "Care leavers with the outcome ÷ care leavers in the age group × 100; England figures for "
            "19 to 21 year olds as published.",
            ("care_leavers", "benchmarks")),
    Measure("benchmarks", "England and statistical neighbour comparisons",
            "Figures published by the DfE for England and for the council's statistical neighbours "
            "(the average of similar councils).",
            "Taken as published for the statement year; shown as x when not yet published. No earlier "
            "year's figure is used in its place.",
            ("benchmarks",)),
    Measure("projection", "Projected children looked after", "A projection of children looked after at "
            "31 March for the next three years by age band, if recent trends continue.",
            stats.PROJECTION_METHOD, ("looked_after", "population"),
            reference="Method of the council; rates follow the DfE's children looked after statistics"),
)
