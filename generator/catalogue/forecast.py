"""Named charts and tables of the forecast (issue 6), and the measures the methods page lists.

Every frame comes from ``forecast.outlook(view)`` (computed once per year), so
the charts, tables and template names show the same figures. Children are
rounded to whole numbers, errors to one decimal place, money to whole pounds.

Disclosure control (issue 9): every cell goes through the same masking as
other figures (a cell that moves when a withheld count moves reads ``c``), so
the actual counts in backtest tables read ``c`` exactly where the children
looked after are withheld. The cells that are the transition model's own
estimates are listed in ``frame.attrs["modelled_cells"]`` (row position,
column) and are left as they are: a mean of simulated futures, rounded, cannot
be worked back to a count (``MODELLED_NOTE``). The trend method's figures are
not listed: a rate by age band times the published population can be inverted,
so they read ``c`` wherever they depend on a withheld count.
"""
from __future__ import annotations

import pandas as pd

from .. import contract
from ..forecast import model as M
from ..forecast.outlook import INPUTS, outlook
from ..forecast.run import BACKTEST_HORIZONS, METHODS, actual_by_group
from ..frames import records
from ..load import UnchangingSet
from ..stats.measures import Measure
from ..values import Figure, format_value
from .base import ChartStyle, Output, frame_from_rows as _frame, round_figure as _round

NO_DATA = "No forecast is available for this year: there is not enough history."
GROUP_LABELS = {"all": "All placements", **{g: label for g, label in {
    "fostering": "Fostering", "residential": "Residential", "supported": "Supported accommodation",
    "other": "Parents, adoption and other"}.items()}}
HORIZON_LABELS = {1: "One year ahead", 2: "Two years ahead"}
FORECAST_SOURCES = INPUTS["transition"] + INPUTS["trend"]
SPEND_SOURCES = ("spend_by_service.spend", "spend_by_service.weeks_of_care", "fostering_capacity.approved_places",
                 "scenarios.value") + FORECAST_SOURCES
GAP_SOURCES = ("fostering_capacity.approved_places", "fostering_capacity.vacant_not_available",
               "contracted_capacity.places", "scenarios.value") + FORECAST_SOURCES
HISTORY_YEARS = 6


MODELLED_NOTE = (
    "The transition model's forecasts are the average of 1,000 simulated futures, rounded to whole children: "
    "they are estimates, not counts, and cannot be worked back to the number of children in any group, so "
    "they are shown even where small. Counts of children that appear beside them (the actual figures of the "
    "backtest, the no-change benchmark) follow the same suppression as every other count and read c where "
    "they would reveal a withheld figure; so do the trend method's figures, which a reader could work back "
    "to counts with the published population.")


def _fmt(value, kind: str = "count") -> str:
    return format_value(value, kind)


def _modelled(frame: pd.DataFrame, modelled: bool, columns, rows=None) -> pd.DataFrame:
    """Mark ``columns`` (of ``rows``, positions; every row by default) as the transition model's estimates."""
    # Shared, not copied: pandas deep-copies a frame's attrs at every step (see load.Unchanging).
    cells = UnchangingSet((i, c) for i in (range(len(frame)) if rows is None else rows) for c in columns) \
        if modelled else UnchangingSet()
    frame.attrs["modelled_cells"] = cells
    return frame


def _is_model(o) -> bool:
    return o.baseline is not None and o.baseline.method == "transition"


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------

def forecast_trend(view) -> pd.DataFrame:
    """Children looked after at 31 March (recent years) and the forecast with its range."""
    o = outlook(view)
    rows = []
    for year in [y for y in view.years if y <= view.year][-HISTORY_YEARS:]:
        actual = actual_by_group(view, year)
        if actual is not None:
            rows.append((str(year), "Looked after at 31 March", _round(actual["all"])))
    fc = o.baseline
    estimates = []
    if fc is not None:
        now = actual_by_group(view, fc.origin)
        for series, what in (("Forecast", "children"), ("Low (10th percentile)", "low"),
                             ("High (90th percentile)", "high")):
            if now is not None:
                rows.append((str(fc.origin), series, _round(now["all"])))
            for y in fc.years:
                estimates.append(len(rows))
                rows.append((str(y), series, _round(fc.value(y, "all", what=what))))
    return _modelled(_frame(rows, ["Year", "Series", "Children"]), _is_model(o), ["Children"], estimates)


def forecast_table(view) -> pd.DataFrame:
    """Forecast children looked after at 31 March by placement group, with the range and the method."""
    o = outlook(view)
    fc = o.baseline
    if fc is None:
        return _frame([], ["Year", "Placement group", "Forecast", "Low", "High", "Method"])
    rows = [(str(y), GROUP_LABELS[g], _round(fc.value(y, g)), _round(fc.value(y, g, what="low")),
             _round(fc.value(y, g, what="high")), fc.method.capitalize())
            for y in fc.years for g in ("all", *M.GROUPS)]
    frame = _frame(rows, ["Year", "Placement group", "Forecast", "Low", "High", "Method"])
    return _modelled(frame, _is_model(o), ["Forecast", "Low", "High"])


def forecast_by_group(view) -> pd.DataFrame:
    frame = forecast_table(view)
    out = frame[frame["Placement group"] != GROUP_LABELS["all"]][["Year", "Placement group", "Forecast"]] \
        .reset_index(drop=True)
    return _modelled(out, _is_model(outlook(view)), ["Forecast"])


def forecast_by_age(view) -> pd.DataFrame:
    o = outlook(view)
    fc = o.baseline
    if fc is None:
        return _frame([], ["Year", "Age band", "Placement group", "Forecast", "Low", "High"])
    rows = [(str(y), contract.AGE_BANDS[b], GROUP_LABELS[g], _round(fc.value(y, g, b)),
             _round(fc.value(y, g, b, "low")), _round(fc.value(y, g, b, "high")))
            for y in fc.years for b in M.BANDS for g in M.GROUPS]
    frame = _frame(rows, ["Year", "Age band", "Placement group", "Forecast", "Low", "High"])
    return _modelled(frame, _is_model(o), ["Forecast", "Low", "High"])


def backtest_chart(view) -> pd.DataFrame:
    """Actual children at 31 March against the forecasts made one and two years before, and no change."""
    o = outlook(view)
    bt = o.backtest
    if bt.empty:
        return _frame([], ["Year", "Series", "Children"])
    total = bt[bt["placement_group"] == "all"]
    rows, estimates = [], []
    for year in sorted(total["year"].unique()):
        rows.append((str(year), "Actual", _round(total[total["year"] == year]["actual"].iloc[0])))
    for horizon in BACKTEST_HORIZONS:
        part = total[total["horizon"] == horizon].sort_values("year")
        for y, f in zip(part["year"], part["forecast"]):
            estimates.append(len(rows))
            rows.append((str(y), f"Forecast {HORIZON_LABELS[horizon].lower()}", _round(f)))
    still = o.backtests.get("no_change", pd.DataFrame())
    if not still.empty:
        part = still[(still["placement_group"] == "all") & (still["horizon"] == 1)].sort_values("year")
        rows += [(str(y), NO_CHANGE_SERIES, _round(f)) for y, f in zip(part["year"], part["forecast"])]
    return _modelled(_frame(rows, ["Year", "Series", "Children"]), _is_model(o), ["Children"], estimates)


NO_CHANGE_SERIES = "No change (last year's count) one year ahead"
BACKTEST_COLUMNS = ["Forecast made at 31 March", "For 31 March", "Placement group", "Forecast", "Low", "High",
                    "No change", "Actual"]


def backtest_table(view) -> pd.DataFrame:
    """Every backtest forecast by group with its range, the no-change benchmark and the actual."""
    o = outlook(view)
    bt = o.backtest
    if bt.empty:
        return _frame([], BACKTEST_COLUMNS)
    still = o.backtests.get("no_change", pd.DataFrame())
    carried = {} if still.empty else {(r["origin"], r["year"], r["placement_group"]): r["forecast"]
                                      for r in records(still)}
    rows = [(str(r["origin"]), str(r["year"]), GROUP_LABELS[r["placement_group"]], _round(r["forecast"]),
             _round(r["low"]), _round(r["high"]),
             _round(carried.get((r["origin"], r["year"], r["placement_group"]))), _round(r["actual"]))
            for r in records(bt)]
    return _modelled(_frame(rows, BACKTEST_COLUMNS), _is_model(o), ["Forecast", "Low", "High"])


ERROR_COLUMNS = ["Method", "Years ahead", "Placement group", "Forecasts", "Mean absolute percentage error",
                 "Mean error (children)", "Actual within the range (%)"]
METHOD_LABELS = {"transition": "Transition model", "trend": "Trend and population",
                 "no_change": "No change (last count carried forward)"}


def backtest_errors(view) -> pd.DataFrame:
    """Errors of the published method by horizon and group; beside it, on the same origins, the other
    method's and the no-change benchmark's for all children."""
    o = outlook(view)
    rows = []
    own = o.baseline.method if o.baseline else None
    for method in ([own] if own else []) + [m for m in ("transition", "trend", "no_change") if m != own]:
        errors = o.comparison.get(method)
        if errors is None or errors.empty:
            continue
        for r in records(errors):
            if method != own and r["placement_group"] != "all":
                continue
            coverage = Figure(None, "percent", "z") if method == "no_change" else _round(r["coverage"])
            rows.append((METHOD_LABELS[method] + ("" if method == own else " (for comparison)"), str(r["horizon"]),
                         GROUP_LABELS[r["placement_group"]], int(r["forecasts"]), _round(r["mape"], 1),
                         _round(r["signed"], 1), coverage))
    frame = _frame(rows, ERROR_COLUMNS)
    frame.attrs["modelled_cells"] = frozenset()
    return frame


def _scenario_rows(o, what="children"):
    if o.baseline is None:
        return []
    pairs = [("Baseline (no change)", o.baseline)] + [(s.name, fc) for s, fc in o.scenarios]
    return pairs


def scenario_comparison(view) -> pd.DataFrame:
    """Baseline against each scenario: children by placement group in each forecast year."""
    o = outlook(view)
    rows = [(str(y), name, GROUP_LABELS[g], _round(fc.value(y, g)))
            for name, fc in _scenario_rows(o) for y in fc.years for g in ("all", *M.GROUPS)]
    return _modelled(_frame(rows, ["Year", "Scenario", "Placement group", "Children"]), _is_model(o), ["Children"])


def scenario_chart(view) -> pd.DataFrame:
    """Baseline against each scenario in the last forecast year, by placement group."""
    frame = scenario_comparison(view)
    if frame.empty:
        return frame
    last = frame["Year"].max()
    out = frame[(frame["Year"] == last) & (frame["Placement group"] != GROUP_LABELS["all"])]
    out = out[["Placement group", "Scenario", "Children"]].reset_index(drop=True)
    return _modelled(out, _is_model(outlook(view)), ["Children"])


def projected_spend(view) -> pd.DataFrame:
    """Projected spend by year, scenario, placement group and provider type."""
    o = outlook(view)
    names = {"baseline": "Baseline (no change)", **{s.slug: s.name for s, _ in o.scenarios}}
    rows = []
    for key, frame in o.spend.items():
        if frame is None:
            continue
        for r in records(frame):
            if not r["weeks_of_care"] and not r["spend"]:
                continue  # no placement spend in this group and sector (placed with parents, for adoption)
            rows.append((str(r["year"]), names[key], GROUP_LABELS[r["placement_group"]],
                         "In-house" if r["sector"] == "in_house" else "External", _round(r["weeks_of_care"]),
                         _round(r["unit_cost"]), _round(r["spend"])))
    frame = _frame(rows, ["Year", "Scenario", "Placement group", "Provider", "Weeks of care", "Weekly unit cost",
                          "Spend"])
    return _modelled(frame, _is_model(o), ["Weeks of care", "Spend"])


def _spend_totals(view) -> dict[str, dict[str, float]]:
    """Unrounded projected spend by scenario name and year (from the outlook, as the template names have
    it), so a total is rounded once: the same pounds in the text, the chart and the table (issue 12)."""
    o = outlook(view)
    names = {"baseline": "Baseline (no change)", **{s.slug: s.name for s, _ in o.scenarios}}
    totals: dict[str, dict[str, float]] = {}
    for key, frame in o.spend.items():
        if frame is None or frame.empty:
            continue
        by_year = frame.groupby("year", sort=True)["spend"].sum()
        totals[names[key]] = {str(year): float(value) for year, value in by_year.items()}
    return totals


def projected_spend_chart(view) -> pd.DataFrame:
    totals = _spend_totals(view)
    rows = [(year, name, _round(value)) for name, years in totals.items() for year, value in years.items()]
    if not rows:
        return _frame([], ["Year", "Scenario", "Spend"])
    return _modelled(_frame(rows, ["Year", "Scenario", "Spend"]), _is_model(outlook(view)), ["Spend"])


def projected_saving(view) -> pd.DataFrame:
    """Each scenario's spend against the baseline, per year and over the three years. Every figure is the
    unrounded one rounded once (the saving too), so each agrees with the text; rounded parts may not add up
    exactly, as the methods page says."""
    totals = _spend_totals(view)
    rows = []
    if len(totals) < 2:
        return _frame(rows, ["Year", "Scenario", "Baseline spend", "Scenario spend", "Saving"])
    scenarios = list(totals)
    base = totals[scenarios[0]]
    for name in scenarios[1:]:
        s = totals[name]
        rows += [(y, name, _round(base[y]), _round(s[y]), _round(base[y] - s[y])) for y in base]
        rows.append(("Three years", name, _round(sum(base.values())), _round(sum(s.values())),
                     _round(sum(base.values()) - sum(s.values()))))
    return _modelled(_frame(rows, ["Year", "Scenario", "Baseline spend", "Scenario spend", "Saving"]),
                     _is_model(outlook(view)), ["Baseline spend", "Scenario spend", "Saving"])


def sufficiency_gap(view) -> pd.DataFrame:
    """Forecast demand against capacity, by year ahead and placement group (baseline and scenarios)."""
    o = outlook(view)
    names = {"baseline": "Baseline (no change)", **{s.slug: s.name for s, _ in o.scenarios}}
    rows = []
    for key, frame in o.gaps.items():
        for r in records(frame):
            rows.append((str(r["year"]), names[key], GROUP_LABELS[r["placement_group"]], _round(r["demand"]),
                         _round(r["demand_high"]), _round(r["in_house"]), _round(r["block"]),
                         _round(r["framework"]), _round(r["capacity"]), _round(r["gap"]), _round(r["gap_high"])))
    frame = _frame(rows, ["Year", "Scenario", "Placement group", "Forecast demand", "Demand (high)",
                          "In-house places", "Block places", "Framework places", "Capacity", "Gap", "Gap (high)"])
    return _modelled(frame, _is_model(o), ["Forecast demand", "Demand (high)", "Gap", "Gap (high)"])


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------

def summary_forecast(frame: pd.DataFrame) -> str:
    rows = frame[frame["Series"] == "Forecast"]
    if len(rows) < 2:
        return NO_DATA
    last = rows.iloc[-1]
    low = frame[(frame["Series"] == "Low (10th percentile)") & (frame["Year"] == last["Year"])]["Children"]
    high = frame[(frame["Series"] == "High (90th percentile)") & (frame["Year"] == last["Year"])]["Children"]
    return (f"From {_fmt(rows.iloc[0]['Children'])} children looked after at 31 March {rows.iloc[0]['Year']}, "
            f"the forecast for 31 March {last['Year']} is {_fmt(last['Children'])}, most likely between "
            f"{_fmt(low.iloc[0])} and {_fmt(high.iloc[0])}.")


def summary_forecast_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    last = frame[frame["Year"] == frame["Year"].max()]
    total = last[last["Placement group"] == GROUP_LABELS["all"]].iloc[0]
    groups = last[last["Placement group"] != GROUP_LABELS["all"]].sort_values("Forecast", ascending=False)
    top = groups.iloc[0]
    return (f"By 31 March {total['Year']} about {_fmt(total['Forecast'])} children are forecast to be looked after "
            f"({_fmt(total['Low'])} to {_fmt(total['High'])}), {_fmt(top['Forecast'])} of them in "
            f"{top['Placement group'].lower()} ({total['Method'].lower()} method).")


def summary_forecast_by_group(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    first, last = frame["Year"].min(), frame["Year"].max()
    parts = []
    for group, rows in frame.groupby("Placement group", sort=False):
        a = rows[rows["Year"] == first]["Forecast"].iloc[0]
        b = rows[rows["Year"] == last]["Forecast"].iloc[0]
        parts.append(f"{group.lower()} {_fmt(a)} to {_fmt(b)}")
    return f"Forecast children looked after at 31 March, {first} to {last}: " + "; ".join(parts) + "."


def summary_forecast_by_age(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    last = frame[frame["Year"] == frame["Year"].max()]
    top = last.sort_values("Forecast", ascending=False).iloc[0]
    return (f"The largest forecast group at 31 March {top['Year']} is {top['Age band']} in "
            f"{top['Placement group'].lower()}: {_fmt(top['Forecast'])} children ({_fmt(top['Low'])} to "
            f"{_fmt(top['High'])}).")


def summary_backtest(frame: pd.DataFrame) -> str:
    actual = frame[frame["Series"] == "Actual"] if not frame.empty else frame
    if actual.empty:
        return "No earlier forecast can yet be set against what happened."
    one = frame[frame["Series"] == "Forecast one year ahead"]
    if one.empty:
        return "No earlier forecast can yet be set against what happened."
    merged = one.merge(actual, on="Year", suffixes=("_f", "_a"))
    worst = merged.assign(diff=(merged["Children_f"] - merged["Children_a"]).abs()).sort_values("diff").iloc[-1]
    return (f"Forecasts made a year ahead for {merged.iloc[0]['Year']} to {merged.iloc[-1]['Year']} were at most "
            f"{_fmt(worst['diff'])} children from what happened (for {worst['Year']}: forecast "
            f"{_fmt(worst['Children_f'])}, actual {_fmt(worst['Children_a'])}).")


def summary_backtest_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No earlier forecast can yet be set against what happened."
    rows = frame[frame["Placement group"] == GROUP_LABELS["all"]]
    inside = ((rows["Low"] <= rows["Actual"]) & (rows["Actual"] <= rows["High"])).sum()
    return (f"{len(rows)} earlier forecasts of all children looked after can be checked; the actual figure fell "
            f"inside the forecast range in {inside} of them.")


def summary_errors(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No earlier forecast can yet be set against what happened."
    own = frame[~frame["Method"].str.contains("comparison") & (frame["Placement group"] == GROUP_LABELS["all"])]
    parts = [f"{_fmt(r['Mean absolute percentage error'], 'number')}% {HORIZON_LABELS[int(r['Years ahead'])].lower()}"
             for r in records(own)]
    return ("Earlier forecasts of all children looked after were on average " + " and ".join(parts) +
            " away from what happened.") if parts else "No earlier forecast can yet be set against what happened."


def summary_scenarios(frame: pd.DataFrame) -> str:
    if frame.empty or frame["Scenario"].nunique() < 2:
        return "No scenario has been declared for this year: the baseline is shown alone."
    key = "Placement group" if "Placement group" in frame.columns else None
    totals = frame if key is None else frame
    if "Year" in frame.columns:
        last = totals[(totals["Year"] == totals["Year"].max()) & (totals["Placement group"] == GROUP_LABELS["all"])]
        year = last["Year"].iloc[0]
    else:
        last = totals.groupby("Scenario", sort=False)["Children"].sum().reset_index()
        year = None
    base = last.iloc[0]
    parts = [f"{r['Scenario']} {_fmt(r['Children'])}" for r in records(last.iloc[1:])]
    when = f"at 31 March {year}" if year else "in the last forecast year"
    return f"Children looked after {when}: baseline {_fmt(base['Children'])}; " + "; ".join(parts) + "."


def summary_spend(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "Projected spend needs spend by service for this year."
    totals = frame.groupby(["Year", "Scenario"], sort=False)["Spend"].sum().reset_index()
    last = totals[totals["Year"] == totals["Year"].max()]
    parts = [f"{r['Scenario']} {_fmt(r['Spend'], 'money')}" for r in records(last)]
    return f"Projected placement spend in the year ending 31 March {last.iloc[0]['Year']}: " + "; ".join(parts) + "."


def summary_saving(frame: pd.DataFrame) -> str:
    rows = frame[frame["Year"] == "Three years"] if not frame.empty else frame
    if rows.empty:
        return "No scenario has been declared, so there is no saving to show."
    parts = [f"{r['Scenario']}: {_fmt(r['Saving'], 'money')} less than the baseline over three years"
             if r["Saving"] >= 0 else f"{r['Scenario']}: {_fmt(-r['Saving'], 'money')} more than the baseline"
             for r in records(rows)]
    return "; ".join(parts) + "."


def summary_gap(frame: pd.DataFrame) -> str:
    if frame.empty:
        return NO_DATA
    base = frame[(frame["Scenario"] == frame["Scenario"].iloc[0]) & frame["Gap"].notna()]
    if base.empty:
        return "Capacity is not known, so no gap can be worked out."
    first = base[base["Year"] == base["Year"].min()]
    parts = []
    for r in records(first):
        gap = r["Gap"]
        word = f"{_fmt(gap)} more than" if gap > 0 else f"{_fmt(-gap)} fewer than" if gap < 0 else "the same as"
        parts.append(f"{r['Placement group'].lower()} demand is {word} capacity")
    return f"At 31 March {first.iloc[0]['Year']}: " + "; ".join(parts) + "."


# ---------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------

FORECAST_DESCRIPTION = (
    "The transition model stands at 31 March of the statement year and projects children looked after by age "
    "band and placement group for the next three years: each year children move between groups, age into the "
    "next band or leave care at the rates seen over the reference window (the last years of SSDA903 flows: "
    "as many as forecast earlier years best, or as the analyst sets), and new children start at the window's "
    "rate per 10,000 children of their age, applied to the projected population. 1,000 simulated futures "
    "(fixed seed, so every build gives the same figures) give the forecast (their mean) and its range (10th "
    "to 90th percentile), which covers chance, the uncertainty of the rates and a change of trend: in each "
    "future the entry rate and the chance of leaving care drift year by year as much as they have moved "
    "from one year to the next in the history. Without flows the trend-and-population method is used: "
    + "each band's rate per 10,000 follows its straight-line trend, split into groups by this year's mix. "
    "The table names the method.")
BACKTEST_DESCRIPTION = (
    "For every earlier 31 March the method could forecast from, it was run using only the data available "
    "then, exactly as a statement of that year runs it (the same choice of reference window, the same 1,000 "
    "simulated futures and seed), so where a statement was published for that year its forecast is the one "
    "shown; its forecasts one and two years ahead are set against what happened (children looked after at "
    "31 March, grouped). Beside it, on the same years: no change (the number looked after at 31 March "
    "carried forward, the benchmark a forecast has to beat) and the other method. Mean absolute percentage "
    "error: the average of |forecast − actual| ÷ actual; mean error: forecast − actual in children "
    "(positive: too high); range: how often the actual fell between the 10th and 90th percentiles (about "
    "80% if the range is honest; z for no change, which has no range).")
SCENARIO_DESCRIPTION = (
    "Each scenario the commissioners declare (the scenarios table: changes in entries or leaving care by age, "
    "a yearly shift of children from one placement group to another, foster carers added) is run through the "
    "same model with the same simulated futures as the baseline, so the difference is the scenario's effect.")
SPEND_DESCRIPTION = (
    "Forecast weeks of care × this year's average weekly unit cost (spend ÷ weeks by placement group and "
    "provider type, from spend by service), raised by the inflation assumption a year. Weeks: the forecast "
    "children at the start and end of each year, averaged, × 52.18, scaled by this year's weeks bought per "
    "child looked after. Foster carers a scenario adds take weeks from external fostering at the in-house "
    "cost.")
GAP_DESCRIPTION = (
    "Forecast demand (children at 31 March) against the places the council has: its own foster places that "
    "can take a child, its own homes and supported accommodation, and block and framework places. Gap = "
    "demand − capacity; positive means children who will need a place bought one at a time or new "
    "capacity. Capacity is held at this year's level (plus carers a scenario adds). Providers' own figures "
    "are never shown, only totals.")

OUTPUTS: tuple[Output, ...] = (
    Output("forecast_trend", "Children looked after: recent years and the forecast, with its range",
           forecast_trend, FORECAST_SOURCES + ("looked_after.children",),
           ChartStyle("line", "Year", "Children", colour="Series", y_title="Children looked after at 31 March"),
           summary_forecast, FORECAST_DESCRIPTION, {"Children": "count"}),
    Output("forecast", "Forecast children looked after at 31 March by placement group", forecast_table,
           FORECAST_SOURCES, None, summary_forecast_table, FORECAST_DESCRIPTION,
           {"Forecast": "count", "Low": "count", "High": "count"}),
    Output("forecast_by_group", "Forecast children looked after by placement group", forecast_by_group,
           FORECAST_SOURCES, ChartStyle("grouped_bar", "Placement group", "Forecast", colour="Year",
                                        y_title="Children"),
           summary_forecast_by_group, FORECAST_DESCRIPTION, {"Forecast": "count"}),
    Output("forecast_by_age", "Forecast children looked after by age band and placement group", forecast_by_age,
           FORECAST_SOURCES, None, summary_forecast_by_age, FORECAST_DESCRIPTION,
           {"Forecast": "count", "Low": "count", "High": "count"}),
    Output("backtest", "Earlier forecasts against what happened", backtest_chart,
           FORECAST_SOURCES + ("looked_after.children",),
           ChartStyle("line", "Year", "Children", colour="Series", y_title="Children looked after at 31 March"),
           summary_backtest, BACKTEST_DESCRIPTION, {"Children": "count"}),
    Output("backtest_table", "Earlier forecasts against what happened, by placement group", backtest_table,
           FORECAST_SOURCES + ("looked_after.children",), None, summary_backtest_table, BACKTEST_DESCRIPTION,
           {"Forecast": "count", "Low": "count", "High": "count", "No change": "count", "Actual": "count"}),
    Output("backtest_errors", "How accurate earlier forecasts were", backtest_errors,
           FORECAST_SOURCES + ("looked_after.children",), None, summary_errors, BACKTEST_DESCRIPTION,
           {"Forecasts": "count", "Mean absolute percentage error": "number", "Mean error (children)": "number",
            "Actual within the range (%)": "percent"}),
    Output("scenario_comparison", "Baseline and strategy: children looked after by placement group",
           scenario_chart, FORECAST_SOURCES + ("scenarios.value",),
           ChartStyle("grouped_bar", "Placement group", "Children", colour="Scenario", y_title="Children"),
           summary_scenarios, SCENARIO_DESCRIPTION, {"Children": "count"}),
    Output("scenario_table", "Baseline and strategy, each forecast year", scenario_comparison,
           FORECAST_SOURCES + ("scenarios.value",), None, summary_scenarios, SCENARIO_DESCRIPTION,
           {"Children": "count"}),
    Output("projected_spend", "Projected placement spend by placement group and provider", projected_spend,
           SPEND_SOURCES, None, summary_spend, SPEND_DESCRIPTION,
           {"Weeks of care": "weeks", "Weekly unit cost": "money", "Spend": "money"}),
    Output("projected_spend_trend", "Projected placement spend: baseline and strategy", projected_spend_chart,
           SPEND_SOURCES, ChartStyle("grouped_bar", "Year", "Spend", colour="Scenario", y_title="Spend (£)"),
           summary_spend, SPEND_DESCRIPTION, {"Spend": "money"}),
    Output("projected_saving", "What the strategy saves against the baseline", projected_saving, SPEND_SOURCES,
           None, summary_saving, SPEND_DESCRIPTION,
           {"Baseline spend": "money", "Scenario spend": "money", "Saving": "money"}),
    Output("sufficiency_gap", "The sufficiency gap: forecast demand against capacity", sufficiency_gap,
           GAP_SOURCES, None, summary_gap, GAP_DESCRIPTION,
           {c: "count" for c in ("Forecast demand", "Demand (high)", "In-house places", "Block places",
                                 "Framework places", "Capacity", "Gap", "Gap (high)")}),
)


# ---------------------------------------------------------------------------
# Measures (the methods page)
# ---------------------------------------------------------------------------

FORECAST_REFERENCE = "Method: a multi-state (Markov) cohort model of care episodes, as in local authority demand " \
                     "models built on the SSDA903 return"

MEASURES: tuple[Measure, ...] = (
    Measure("forecast", "Forecast children looked after by age band and placement group",
            "Children expected to be looked after at 31 March in each of the next three years, by age band and "
            "placement group (fostering; residential: children's homes, secure and other residential; supported "
            "accommodation; placed with parents, for adoption and other), with a range.",
            FORECAST_DESCRIPTION + " Inputs: flows (entries, moves, leaving care and ageing, by age band and "
            "group, per year), looked_after_by_age_and_placement (where the forecast starts), population "
            "(entries per 10,000 children; future years from the ONS projections, the latest year held where "
            "missing). Reference window: the last years with flows (at least two); forecast_window in "
            "authority.yml sets how many, and without it each forecast compares windows of two to five years "
            "on the earlier years it can check (their central forecasts one and two years ahead against what "
            "happened, using only the data of its own year) and uses the one with the smallest error (three "
            "years when no two windows can be compared on two earlier years). Assumptions: the window's rates hold on "
            "average for three years, drifting as much as they have in the past; a child's chances depend only "
            "on their age band and placement group now. " + MODELLED_NOTE + " Known limits: a window holding an "
            "unusual year (for example 2020-21, when Covid slowed courts and moves, so fewer children left "
            "care) carries that year into the forecast - read the backtest; small groups (secure, parent and "
            "child) are forecast only within their group; children placed with parents are in 'other'; "
            "unaccompanied children arriving through the National Transfer Scheme follow national decisions "
            "the rates cannot see.",
            ("flows", "looked_after_by_age_and_placement", "population", "looked_after"), FORECAST_REFERENCE),
    Measure("backtest", "Backtest: the forecast against what happened",
            "How far the forecasts the same method would have made in earlier years were from the children "
            "actually looked after one and two years later, overall and by placement group.",
            BACKTEST_DESCRIPTION + " Each backtest forecast uses only the data of its year and before (its "
            "own reference window, chosen as its year's statement chose it), except the population, where "
            "today's estimates stand in for the projections available then. With few earlier years the errors "
            "are themselves uncertain: five forecasts say little about the sixth.",
            ("flows", "looked_after_by_age_and_placement", "looked_after", "population"), FORECAST_REFERENCE),
    Measure("scenarios", "Scenarios: baseline and strategy",
            "The forecast if nothing changes (the baseline) beside the forecast with the changes the "
            "strategy plans.",
            SCENARIO_DESCRIPTION + " A scenario is a plan, not a prediction: its figures are as good as the "
            "levers' sizes the commissioners declare.",
            ("scenarios", "flows", "looked_after_by_age_and_placement"), FORECAST_REFERENCE),
    Measure("projected_spend", "Projected placement spend",
            "Spend on placements for children looked after in each of the next three years, by placement "
            "group and provider type, for the baseline and each scenario, and the saving a scenario implies.",
            SPEND_DESCRIPTION + " Short breaks are left out (not care at 31 March). Known limits: the mix of "
            "providers within a group and the price of each stay as this year's, apart from inflation.",
            ("spend_by_service", "fostering_capacity", "scenarios"), FORECAST_REFERENCE),
    Measure("sufficiency_gap", "The sufficiency gap",
            "Forecast demand for each placement group against the places the council can call on, each year "
            "ahead.", GAP_DESCRIPTION + " Framework places are offered, not guaranteed: the gap may be larger.",
            ("fostering_capacity", "contracted_capacity", "flows", "looked_after_by_age_and_placement"),
            FORECAST_REFERENCE),
)

__all__ = ["OUTPUTS", "MEASURES", "METHODS"]
