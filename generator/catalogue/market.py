"""The money and market charts and tables: spend, unit costs, providers,
fostering capacity and recruitment, the provider market, commissioning routes,
referrals and the action plan.

Each frame has reader-facing column names and labels (from the contract's code
lists), rows in the contract's code order, and only the figures shown.
"""
from __future__ import annotations

import pandas as pd

from .. import categories
from ..contract import (
    ACTION_STATUS,
    CARER_TYPES,
    LOCATION_BANDS,
    OFSTED_GRADES,
    PROVIDER_SECTOR,
    PROVISION_TYPES,
    RECRUITMENT_STAGES,
    REFERRAL_OUTCOMES,
    ROUTES,
    SERVICES,
    label,
)
from ..frames import records
from ..stats import market as m
from ..stats.measures import Measure
from ..values import format_value
from .base import ChartStyle, Output

S251 = "DfE, Section 251 outturn: guidance and CIPFA's Service Reporting Code of Practice (gross expenditure)"
OFSTED = "Ofsted, Children's social care in England (providers and places, latest inspection judgement)"
FOSTERING = "Ofsted, Fostering in England (approved places, occupancy, recruitment stages)"
LOCAL = "Local management information (definition set out here)"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def year_label(year: int) -> str:
    return f"{year - 1} to {year}"


def _numbers(series: pd.Series) -> pd.Series:
    """Numbers from a column that may hold suppression symbols ("c") after redaction."""
    return pd.to_numeric(series, errors="coerce")


def _total(frame: pd.DataFrame, column: str) -> float:
    return float(_numbers(frame[column]).sum())


def _money(value) -> str:
    return format_value(value, "money")


def _count(value) -> str:
    return format_value(value, "count")


def _pct(part, whole) -> str:
    """A whole percentage, or one decimal place under 10% when it is needed (7.5%)."""
    if not whole:
        return "not applicable"
    value = 100 * part / whole
    return format_value(value, "percent", 1 if 0 < value < 10 and round(value, 1) != round(value) else 0)


def _were(value) -> str:
    return f"{_count(value)} {'was' if value == 1 else 'were'}"


SECTOR_WORDS = {PROVIDER_SECTOR["in_house"]: "in-house", PROVIDER_SECTOR["external"]: "external"}


def _tidy(frame_function, units: dict[str, str]):
    """Wrap a frame function: whole-number counts as integers, money to the penny."""
    def frame(view) -> pd.DataFrame:
        result = frame_function(view)
        for column, kind in units.items():
            if column not in result.columns or result.empty:
                continue
            values = _numbers(result[column])
            if kind == "count" and values.notna().all() and (values == values.round()).all():
                result[column] = values.astype("int64")
            elif kind == "money":
                result[column] = values.round(2)
        return result
    frame.__name__ = frame_function.__name__
    frame.__doc__ = frame_function.__doc__
    return frame


def _no_data(frame: pd.DataFrame, what: str) -> str | None:
    if frame.empty or _numbers(frame[frame.columns[-1]]).fillna(0).eq(0).all():
        return f"There is no {what} to show for this year."
    return None


def _present(codes: dict, values) -> list[str]:
    """The codes of ``codes`` that occur in ``values``, in contract order."""
    seen = set(values)
    return [code for code in codes if code in seen]


def _codes(table: pd.DataFrame | None, column: str, codes: dict) -> dict:
    """A column's codes and labels: the council's own categories (issue 10) before the contract's."""
    local = categories.of(table)
    return local.codes(column) if local.local(column) else codes


def _grid(table: pd.DataFrame | None, row: str, row_codes: dict, col: str, col_codes: dict, value: str,
          all_cols: bool = False) -> list[tuple[str, str, float]]:
    """(row code, column code, sum) for every row code present × column code
    (present, or all with ``all_cols``), zeros filled."""
    if table is None or table.empty:
        return []
    row_codes, col_codes = _codes(table, row, row_codes), _codes(table, col, col_codes)
    numbers = table.assign(_v=_numbers(table[value])).groupby([row, col])["_v"].sum()
    cols = list(col_codes) if all_cols else _present(col_codes, table[col])
    return [(r, c, float(numbers.get((r, c), 0.0))) for r in _present(row_codes, table[row]) for c in cols]


# ---------------------------------------------------------------------------
# spend and unit costs
# ---------------------------------------------------------------------------

def spend_by_service(view) -> pd.DataFrame:
    table = view.table("spend_by_service")
    grid = _grid(table, "service", SERVICES, "sector", PROVIDER_SECTOR, "spend", all_cols=True)
    spent = {s for s, _, v in grid if v}
    grid = [row for row in grid if row[0] in spent]  # services with no spend are left out
    services, sectors = _codes(table, "service", SERVICES), _codes(table, "sector", PROVIDER_SECTOR)
    return pd.DataFrame([(label(services, s), label(sectors, p), v) for s, p, v in grid],
                        columns=["Service", "Provided by", "Spend"])


def summarise_spend_by_service(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "spend")):
        return text
    total = _total(frame, "Spend")
    by_service = frame.assign(_v=_numbers(frame["Spend"])).groupby("Service", sort=False)["_v"].sum()
    in_house = _numbers(frame.loc[frame["Provided by"] == PROVIDER_SECTOR["in_house"], "Spend"]).sum()
    return (f"Spend on placements was {_money(total)}, the most on {by_service.idxmax().lower()} "
            f"({_money(by_service.max())}), and {_pct(in_house, total)} of it was on in-house services.")


def spend_trend(view) -> pd.DataFrame:
    rows = [(year_label(y), m.column_total(view.table("spend_by_service", y), "spend"))
            for y in view.years if view.table("spend_by_service", y) is not None]
    return pd.DataFrame(rows, columns=["Year", "Total spend"])


def summarise_spend_trend(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There is no spend to show."
    first, last = frame.iloc[0], frame.iloc[-1]
    if len(frame) == 1:
        return f"Total spend on placements was {_money(last['Total spend'])} in {last['Year']}."
    direction = "rose" if last["Total spend"] > first["Total spend"] else (
        "fell" if last["Total spend"] < first["Total spend"] else "stayed")
    return (f"Total spend on placements {direction} from {_money(first['Total spend'])} in {first['Year']} "
            f"to {_money(last['Total spend'])} in {last['Year']}.")


def _unit_cost_rows(view) -> pd.DataFrame:
    costs = m.unit_costs(view.table("spend_by_service"))
    order = {(s, p): i for i, (s, p) in enumerate((s, p) for s in SERVICES for p in PROVIDER_SECTOR)}
    costs = costs.assign(_o=[order.get(k, len(order)) for k in zip(costs["service"], costs["sector"])])
    return costs.sort_values("_o", kind="stable")


def unit_costs(view) -> pd.DataFrame:
    costs = _unit_cost_rows(view)
    costs = costs[costs["weeks_of_care"] > 0]
    return pd.DataFrame({
        "Service": [label(SERVICES, s) for s in costs["service"]],
        "Provided by": [label(PROVIDER_SECTOR, p) for p in costs["sector"]],
        "Average weekly cost": costs["unit_cost"].to_list(),
    })


def spend_lines(view) -> pd.DataFrame:
    """Spend line by line, as the council publishes it (its own service lines and their labels), with each
    line's share of the total; the last row is the total, the sum of the lines (a printed total that
    disagrees with them is a slip: flagged by validate, not repeated)."""
    table = view.table("spend_by_service")
    columns = ["Service", "Provided by", "Spend", "Percentage"]
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    services, sectors = _codes(table, "service", SERVICES), _codes(table, "sector", PROVIDER_SECTOR)
    order = {code: i for i, code in enumerate(services)}
    rows = sorted(records(table), key=lambda r: (order.get(r["service"], len(order)),
                                                           list(sectors).index(r["sector"])
                                                           if r["sector"] in sectors else len(sectors)))
    spend = _numbers(pd.Series([r["spend"] for r in rows], dtype="float64"))
    total = float(spend.sum()) if spend.notna().all() else None
    frame = pd.DataFrame({
        "Service": [label(services, r["service"]) for r in rows],
        "Provided by": [label(sectors, r["sector"]) if isinstance(r["sector"], str) else "Not stated"
                        for r in rows],
        "Spend": spend.to_list(),
        "Percentage": [None if total in (None, 0) or pd.isna(v) else 100 * v / total for v in spend],
    })
    last = pd.DataFrame([{"Service": "Total", "Provided by": "All", "Spend": total,
                          "Percentage": 100.0 if total else None}])
    return pd.concat([frame, last], ignore_index=True)


def summarise_spend_lines(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "spend")):
        return text
    lines = frame.iloc[:-1]
    spend = _numbers(lines["Spend"])
    top = lines.loc[spend.idxmax()]
    return (f"Spend on placements was {_money(frame.iloc[-1]['Spend'])} across {len(lines)} lines, the largest "
            f"{top['Service']} at {_money(top['Spend'])}.")


def published_unit_costs(view) -> pd.DataFrame:
    """Unit costs as the council publishes them: the weekly cost, what it covers and its date, line by line."""
    table = view.table("unit_costs")
    columns = ["Service", "Provided by", "What the cost covers", "At", "Average weekly cost"]
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    services, sectors = _codes(table, "service", SERVICES), _codes(table, "sector", PROVIDER_SECTOR)
    order = {code: i for i, code in enumerate(services)}
    rows = sorted(records(table), key=lambda r: order.get(r["service"], len(order)))
    return pd.DataFrame({
        "Service": [label(services, r["service"]) for r in rows],
        "Provided by": [label(sectors, r["sector"]) if isinstance(r["sector"], str) else "Not stated"
                        for r in rows],
        "What the cost covers": [r["basis"] if isinstance(r["basis"], str) and r["basis"] else "Not stated"
                                 for r in rows],
        "At": [r["as_at"] if isinstance(r["as_at"], str) and r["as_at"] else "Not stated" for r in rows],
        "Average weekly cost": [r["weekly_cost"] for r in rows],
    }, columns=columns)


def budget(view) -> pd.DataFrame:
    """Budgets, outturn, variance and savings as published, line by line, with their period and basis."""
    table = view.table("budget")
    columns = ["Service", "Period", "Budget", "Outturn", "Variance", "Saving", "What the figures are"]
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    services = _codes(table, "service", SERVICES)
    order = {code: i for i, code in enumerate(services)}
    rows = sorted(records(table), key=lambda r: order.get(r["service"], len(order)))

    def text(value):
        return value if isinstance(value, str) and value else "Not stated"

    return pd.DataFrame({
        "Service": [label(services, r["service"]) for r in rows],
        "Period": [text(r["period"]) for r in rows],
        "Budget": [r["budget"] for r in rows], "Outturn": [r["outturn"] for r in rows],
        "Variance": [r["variance"] for r in rows], "Saving": [r["saving"] for r in rows],
        "What the figures are": [text(r["basis"]) for r in rows],
    }, columns=columns)


def summarise_budget(frame: pd.DataFrame) -> str:
    if frame.empty or _numbers(frame["Budget"]).isna().all():
        return "There is no budget to show for this year."
    budget_total = _numbers(frame["Budget"]).sum()
    outturn = _numbers(frame["Outturn"])
    if outturn.notna().all():
        return (f"Budgets came to {_money(budget_total)} across {len(frame)} lines, against an outturn of "
                f"{_money(outturn.sum())}.")
    return f"Budgets came to {_money(budget_total)} across {len(frame)} lines."


def summarise_published_unit_costs(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "unit cost")):
        return text
    costs = _numbers(frame["Average weekly cost"])
    high, low = frame.loc[costs.idxmax()], frame.loc[costs.idxmin()]
    return (f"Published weekly costs ranged from {_money(costs.min())} for {low['Service']} to "
            f"{_money(costs.max())} for {high['Service']}.")


def summarise_unit_costs(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "unit cost")):
        return text
    costs = _numbers(frame["Average weekly cost"])
    high, low = frame.loc[costs.idxmax()], frame.loc[costs.idxmin()]
    def who(row):
        return SECTOR_WORDS.get(row["Provided by"], row["Provided by"].lower())
    return (f"The average weekly cost was highest for {high['Service'].lower()} ({who(high)}) at "
            f"{_money(costs.max())} and lowest for {low['Service'].lower()} ({who(low)}) at "
            f"{_money(costs.min())}.")


def unit_costs_table(view) -> pd.DataFrame:
    costs = _unit_cost_rows(view)
    costs = costs[(costs["spend"].fillna(0) != 0) | (costs["weeks_of_care"].fillna(0) != 0)]  # nothing bought
    table = view.table("spend_by_service")
    services, sectors = _codes(table, "service", SERVICES), _codes(table, "sector", PROVIDER_SECTOR)
    frame = pd.DataFrame({
        "Service": [label(services, s) for s in costs["service"]],  # the council's own service lines too
        "Provided by": [label(sectors, p) if isinstance(p, str) else "Not stated" for p in costs["sector"]],
        "Spend": costs["spend"].to_list(),
        "Weeks of care": costs["weeks_of_care"].to_list(),
        "Average weekly cost": costs["unit_cost"].to_list(),
    })
    if frame.empty:
        return frame
    # A total of figures none of which was supplied is not supplied either (x), never 0 (Bristol gives spend
    # without weeks of care).
    spend = float(costs["spend"].sum()) if costs["spend"].notna().any() else None
    weeks = float(costs["weeks_of_care"].sum()) if costs["weeks_of_care"].notna().any() else None
    total = pd.DataFrame([{"Service": "All services", "Provided by": "All providers", "Spend": spend,
                           "Weeks of care": weeks, "Average weekly cost": m.unit_cost(spend, weeks)}])
    return pd.concat([frame, total], ignore_index=True)


def summarise_unit_costs_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There is no spend to show for this year."
    total = frame.iloc[-1]
    if pd.isna(total["Weeks of care"]):
        return f"Spend came to {_money(total['Spend'])}; weeks of care were not supplied, so there is no average."
    return (f"Spend of {_money(total['Spend'])} bought {format_value(total['Weeks of care'], 'weeks', 0)} "
            f"weeks of care, an average of {_money(total['Average weekly cost'])} a week.")


def spend_with_providers(view) -> pd.DataFrame:
    table = view.table("spend_with_providers")
    columns = ["Provider", "Service", "Weeks of care", "Spend", "Average weekly cost"]
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    ranking = {p: i for i, p in enumerate(m.spend_by_provider(table)["provider"])}
    service_order = {s: i for i, s in enumerate(SERVICES)}
    rows = table.assign(_p=table["provider"].astype(str).str.strip())
    rows = rows.assign(_r=rows["_p"].map(ranking), _s=rows["service"].map(service_order))
    rows = rows.sort_values(["_r", "_s"], kind="stable")
    weeks, spend = _numbers(rows["weeks_of_care"]), _numbers(rows["spend"])
    return pd.DataFrame({
        "Provider": rows["_p"].to_list(),
        "Service": [label(SERVICES, s) for s in rows["service"]],
        "Weeks of care": weeks.to_list(),
        "Spend": spend.to_list(),
        "Average weekly cost": [m.unit_cost(s, w) for s, w in zip(spend, weeks)],
    }, columns=columns)


def summarise_spend_with_providers(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There is no spend with named providers to show for this year."
    by_provider = frame.assign(_v=_numbers(frame["Spend"])).groupby("Provider", sort=False)["_v"].sum()
    ranked = by_provider.sort_values(ascending=False)
    if len(ranked) > 5:
        largest = f"the five largest received {_pct(ranked.head(5).sum(), ranked.sum())} of it"
    else:
        largest = f"the largest received {_pct(ranked.iloc[0], ranked.sum())} of it"
    providers = "provider" if len(ranked) == 1 else "providers"
    return f"The council spent {_money(ranked.sum())} with {len(ranked)} {providers}; {largest}."


# ---------------------------------------------------------------------------
# fostering
# ---------------------------------------------------------------------------

PLACE_STATUS = {"occupied": "Occupied", "vacant_available": "Vacant and available",
                "vacant_not_available": "Vacant, not available"}


def fostering_capacity(view) -> pd.DataFrame:
    table = view.table("fostering_capacity")
    rows = []
    if table is not None:
        for carer in _present(CARER_TYPES, table["carer_type"]):
            for status, status_label in PLACE_STATUS.items():
                rows.append((label(CARER_TYPES, carer), status_label,
                             m.column_total(table, status, carer_type=carer)))
    return pd.DataFrame(rows, columns=["Carer type", "Places", "Number of places"])


def summarise_fostering_capacity(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "fostering capacity")):
        return text
    by_status = frame.assign(_v=_numbers(frame["Number of places"])).groupby("Places")["_v"].sum()
    total = by_status.sum()
    occupied = by_status.get(PLACE_STATUS["occupied"], 0)
    return (f"Of {_count(total)} approved in-house fostering places at 31 March, {_were(occupied)} occupied "
            f"({_pct(occupied, total)}), {_were(by_status.get(PLACE_STATUS['vacant_available'], 0))} vacant and "
            f"available and {_were(by_status.get(PLACE_STATUS['vacant_not_available'], 0))} vacant but not "
            f"available.")


def fostering_households_trend(view) -> pd.DataFrame:
    rows = [(year_label(y), m.fostering_totals(view.table("fostering_capacity", y))["households"])
            for y in view.years if view.table("fostering_capacity", y) is not None]
    return pd.DataFrame([r for r in rows if r[1] is not None], columns=["Year", "Households"])


def summarise_fostering_households_trend(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There are no fostering households to show."
    first, last = frame.iloc[0], frame.iloc[-1]
    if len(frame) == 1:
        return f"The council had {_count(last['Households'])} fostering households at 31 March {last['Year'][-4:]}."
    return (f"In-house fostering households went from {_count(first['Households'])} in {first['Year']} "
            f"to {_count(last['Households'])} in {last['Year']}.")


def recruitment_funnel(view) -> pd.DataFrame:
    table = view.table("fostering_recruitment")
    if table is None:
        return pd.DataFrame(columns=["Stage", "Households"])
    stages = m.recruitment_stages(table)
    return pd.DataFrame([(label(RECRUITMENT_STAGES, s), v) for s, v in stages.items()],
                        columns=["Stage", "Households"])


def recruitment_by_period(view) -> pd.DataFrame:
    """Households at each recruitment stage in each quarter or part year the council published (issue 10), each
    labelled with its period; never added up into the year's."""
    from .. import periods
    from ..stats.children import periods_of

    rows = []
    for code, frame in periods_of(view.part_year("fostering_recruitment"), view.year):
        for stage, value in m.recruitment_stages(frame).items():
            if value is not None:
                rows.append((periods.label(code, view.year), label(RECRUITMENT_STAGES, stage), value))
    return pd.DataFrame(rows, columns=["Period", "Stage", "Households"])


def summarise_recruitment_by_period(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There are no recruitment figures for part of the year to show."
    parts = [f"{period}: " + ", ".join(f"{_count(v)} {s[0].lower() + s[1:]}" for s, v in
                                       zip(rows["Stage"], rows["Households"]))
             for period, rows in frame.groupby("Period", sort=False)]
    return "Foster carer recruitment in part of the year, as published: " + "; ".join(parts) + "."


def summarise_recruitment_funnel(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There is no recruitment to show for this year."
    value = dict(zip(frame["Stage"], _numbers(frame["Households"]).fillna(0)))
    enquiries = value[RECRUITMENT_STAGES["enquiries"]]
    approvals = value[RECRUITMENT_STAGES["approvals"]]
    return (f"Of {_count(enquiries)} enquiries, {_count(approvals)} households were approved "
            f"({_pct(approvals, enquiries)}), and {_count(value[RECRUITMENT_STAGES['deregistrations']])} "
            f"households were deregistered.")


# ---------------------------------------------------------------------------
# the provider market
# ---------------------------------------------------------------------------

def _places_by_type_and(view, column: str, codes: dict, heading: str) -> pd.DataFrame:
    """Registered places by provision type and one other provider_market column."""
    grid = _grid(view.table("provider_market"), "provision_type", PROVISION_TYPES, column, codes, "places")
    return pd.DataFrame([(label(PROVISION_TYPES, t), label(codes, c), v) for t, c, v in grid],
                        columns=["Provision type", heading, "Places"])


def market_by_grade(view) -> pd.DataFrame:
    return _places_by_type_and(view, "ofsted_grade", OFSTED_GRADES, "Ofsted grade")


def summarise_market_by_grade(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "provider market")):
        return text
    by_grade = frame.assign(_v=_numbers(frame["Places"])).groupby("Ofsted grade")["_v"].sum()
    good = sum(by_grade.get(OFSTED_GRADES[g], 0) for g in m.GOOD_GRADES)
    graded = sum(v for g, v in by_grade.items() if g not in {OFSTED_GRADES[c] for c in m.UNGRADED})
    return (f"Of {_count(by_grade.sum())} registered places, {_count(good)} are rated good or outstanding, "
            f"{_pct(good, graded)} of the places with an Ofsted grade.")


def market_by_location(view) -> pd.DataFrame:
    return _places_by_type_and(view, "location_band", LOCATION_BANDS, "Location")


def summarise_market_by_location(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "provider market")):
        return text
    total = _total(frame, "Places")
    inside = _numbers(frame.loc[frame["Location"] == LOCATION_BANDS["in_area"], "Places"]).sum()
    return (f"Of {_count(total)} registered places, {_count(inside)} ({_pct(inside, total)}) are "
            f"inside the council's area.")


def provider_market(view) -> pd.DataFrame:
    table = view.table("provider_market")
    columns = ["Provision type", "Location", "Ofsted grade", "Settings", "Places"]
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    grouped = m.market_places(table, ["provision_type", "location_band", "ofsted_grade"])
    orders = [{c: i for i, c in enumerate(codes)} for codes in (PROVISION_TYPES, LOCATION_BANDS, OFSTED_GRADES)]
    grouped = grouped.assign(_a=grouped["provision_type"].map(orders[0]), _b=grouped["location_band"].map(orders[1]),
                             _c=grouped["ofsted_grade"].map(orders[2])).sort_values(["_a", "_b", "_c"])
    return pd.DataFrame({
        "Provision type": [label(PROVISION_TYPES, c) for c in grouped["provision_type"]],
        "Location": [label(LOCATION_BANDS, c) for c in grouped["location_band"]],
        "Ofsted grade": [label(OFSTED_GRADES, c) for c in grouped["ofsted_grade"]],
        "Settings": grouped["settings"].to_list(),
        "Places": grouped["places"].to_list(),
    }, columns=columns)


def summarise_provider_market(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There is no provider market to show for this year."
    return (f"The market has {_count(_total(frame, 'Settings'))} registered settings with "
            f"{_count(_total(frame, 'Places'))} places across "
            f"{frame['Provision type'].nunique()} types of provision.")


# ---------------------------------------------------------------------------
# commissioning routes and referrals
# ---------------------------------------------------------------------------

def commissioning_routes(view) -> pd.DataFrame:
    table = view.table("commissioning_routes")
    grid = _grid(table, "service", SERVICES, "route", ROUTES, "placements")
    services, routes = _codes(table, "service", SERVICES), _codes(table, "route", ROUTES)
    return pd.DataFrame([(label(services, s), label(routes, r), v) for s, r, v in grid],
                        columns=["Service", "Route", "New placements"])


def summarise_commissioning_routes(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "new placement")):
        return text
    by_route = frame.assign(_v=_numbers(frame["New placements"])).groupby("Route", sort=False)["_v"].sum()
    total = by_route.sum()
    return (f"Of {_count(total)} new placements, {_count(by_route.max())} ({_pct(by_route.max(), total)}) "
            f"were made through {by_route.idxmax()[0].lower() + by_route.idxmax()[1:]}, the most of any route.")


def routes_by_period(view) -> pd.DataFrame:
    """New placements by service and route in each quarter or part year the council published (issue 10), each
    row labelled with its period; never added up into the year's (``commissioning_routes`` is the whole year's)."""
    from .. import periods
    from ..stats.children import periods_of

    rows = []
    for code, frame in periods_of(view.part_year("commissioning_routes"), view.year):
        services, routes = _codes(frame, "service", SERVICES), _codes(frame, "route", ROUTES)
        for s, r, v in _grid(frame, "service", SERVICES, "route", ROUTES, "placements"):
            rows.append((periods.label(code, view.year), label(services, s), label(routes, r), v))
    return pd.DataFrame(rows, columns=["Period", "Service", "Route", "New placements"])


def summarise_routes_by_period(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There are no new placements for part of the year to show."
    totals = frame.assign(_v=_numbers(frame["New placements"])).groupby("Period", sort=False)["_v"].sum()
    return ("New placements in part of the year, as published (not added up into the year's figure): "
            + "; ".join(f"{period}: {_count(total)}" for period, total in totals.items()) + ".")


def referrals_by_month(view) -> pd.DataFrame:
    months = m.referrals_by_month(view.table("referrals"))
    rows = []
    if not months.empty:
        totals = {(mo, o): v for mo, o, v in zip(months["month"], months["outcome"], months["referrals"])}
        for month in dict.fromkeys(months["month"]):
            for outcome in REFERRAL_OUTCOMES:
                rows.append((m.month_label(month), label(REFERRAL_OUTCOMES, outcome),
                             float(totals.get((month, outcome), 0))))
    return pd.DataFrame(rows, columns=["Month", "Outcome", "Referrals"])


def summarise_referrals_by_month(frame: pd.DataFrame) -> str:
    if (text := _no_data(frame, "referral")):
        return text
    by_month = frame.assign(_v=_numbers(frame["Referrals"])).groupby("Month", sort=False)["_v"].sum()
    return (f"The placements team received {_count(by_month.sum())} referrals, an average of "
            f"{_count(by_month.sum() / len(by_month))} a month; the busiest month was {by_month.idxmax()} "
            f"with {_count(by_month.max())}.")


# ---------------------------------------------------------------------------
# the action plan
# ---------------------------------------------------------------------------

def action_plan(view) -> pd.DataFrame:
    table = view.table("action_plan")
    columns = ["Ref", "Objective", "Action", "Lead", "Due", "Status", "Saving"]
    if table is None:
        frame = pd.DataFrame(columns=columns)
        frame.attrs["column_sources"] = {c: (f"action_plan.{c.lower()}",) for c in columns}
        return frame
    has_saving = "saving" in table.columns and _numbers(table["saving"]).notna().any()
    frame = pd.DataFrame({
        "Ref": table["ref"].astype(str).to_list(),
        "Objective": table["objective"].to_list(),
        "Action": table["action"].to_list(),
        "Lead": table["lead"].to_list(),
        "Due": ["" if pd.isna(d) else m.month_label(m.to_month(d)) for d in table["due"]],
        "Status": [label(ACTION_STATUS, s) for s in table["status"]],
        "Saving": _numbers(table["saving"]).to_list() if has_saving else [None] * len(table),
    }, columns=columns)
    if not has_saving:
        frame = frame.drop(columns="Saving")
    # Which contract columns each frame column comes from: the public edition drops "Saving".
    frame.attrs["column_sources"] = {"Ref": ("action_plan.ref",), "Objective": ("action_plan.objective",),
                                     "Action": ("action_plan.action",), "Lead": ("action_plan.lead",),
                                     "Due": ("action_plan.due",), "Status": ("action_plan.status",),
                                     "Saving": ("action_plan.saving",)}
    return frame


def _status_sentence(counts: dict[str, float]) -> str:
    total = sum(counts.values())
    parts = [f"{_count(v)} {'is' if v == 1 else 'are'} {k.lower()}" for k, v in counts.items() if v]
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else "none"
    return f"Of {_count(total)} actions in the plan, {listed}."


def summarise_action_plan(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There are no actions to show for this year."
    return _status_sentence({s: float((frame["Status"] == s).sum()) for s in ACTION_STATUS.values()})


def action_status(view) -> pd.DataFrame:
    counts = m.action_status_counts(view.table("action_plan"))
    if view.table("action_plan") is None:
        return pd.DataFrame(columns=["Status", "Actions"])
    return pd.DataFrame([(label(ACTION_STATUS, s), v) for s, v in counts.items()], columns=["Status", "Actions"])


def summarise_action_status(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "There are no actions to show for this year."
    return _status_sentence(dict(zip(frame["Status"], _numbers(frame["Actions"]).fillna(0))))


# ---------------------------------------------------------------------------
# the catalogue
# ---------------------------------------------------------------------------

SPEND_SOURCES = ("spend_by_service.service", "spend_by_service.sector", "spend_by_service.spend")
COST_SOURCES = SPEND_SOURCES + ("spend_by_service.weeks_of_care",)
PROVIDER_SOURCES = ("spend_with_providers.provider", "spend_with_providers.service",
                    "spend_with_providers.weeks_of_care", "spend_with_providers.spend")
CAPACITY_SOURCES = ("fostering_capacity.carer_type", "fostering_capacity.occupied",
                    "fostering_capacity.vacant_available", "fostering_capacity.vacant_not_available")
MARKET_SOURCES = ("provider_market.provision_type", "provider_market.places")
ROUTE_SOURCES = ("commissioning_routes.service", "commissioning_routes.route", "commissioning_routes.placements")
UNIT_COST_METHOD = ("Average weekly cost is gross spend divided by weeks of care, both summed over the "
                    "rows shown: a weighted average in which each placement counts by the weeks bought, "
                    "not the mean of providers' fees.")

def _output(name, title, frame, sources, chart, summary, description, units) -> Output:
    return Output(name, title, _tidy(frame, units), sources, chart, summary, description, units)


OUTPUTS: tuple[Output, ...] = (
    _output("spend_by_service", "Spend on placements by service and provider", spend_by_service, SPEND_SOURCES,
           ChartStyle("grouped_bar", x="Service", y="Spend", colour="Provided by", y_title="Spend (£)",
                      horizontal=True),
           summarise_spend_by_service,
           "Gross spend in the financial year (CIPFA / section 251 convention) by service, in-house and "
           "external. Services with no spend are left out.", {"Spend": "money"}),
    _output("spend_trend", "Total spend on placements over the years", spend_trend, ("spend_by_service.spend",),
           ChartStyle("line", x="Year", y="Total spend", y_title="Spend (£)"), summarise_spend_trend,
           "Gross spend on placements, all services and providers, in each year with spend data.",
           {"Total spend": "money"}),
    _output("unit_costs", "Average weekly cost by service, in-house and external", unit_costs, COST_SOURCES,
           ChartStyle("grouped_bar", x="Service", y="Average weekly cost", colour="Provided by",
                      y_title="Average weekly cost (£)", horizontal=True),
           summarise_unit_costs, UNIT_COST_METHOD + " Services with no weeks of care are left out.",
           {"Average weekly cost": "money"}),
    _output("unit_costs_table", "Spend, weeks of care and average weekly cost by service", unit_costs_table,
           COST_SOURCES, None, summarise_unit_costs_table,
           UNIT_COST_METHOD + " The last row is all services and providers together.",
           {"Spend": "money", "Weeks of care": "weeks", "Average weekly cost": "money"}),
    _output("spend_lines", "Spend on placements by service line", spend_lines, SPEND_SOURCES, None,
           summarise_spend_lines,
           "Gross spend in the financial year by the council's own service lines (or the contract's services), "
           "each line's share of the total, and the total: the sum of the lines.",
           {"Spend": "money", "Percentage": "percent"}),
    _output("published_unit_costs", "Published average weekly costs", published_unit_costs,
           ("unit_costs.service", "unit_costs.weekly_cost"), None, summarise_published_unit_costs,
           "Average weekly costs as the council published them, with what each covers and the date it is "
           "for; shown as given, not worked out from spend.",
           {"Average weekly cost": "money"}),
    _output("budget", "Budgets, outturn and savings", budget, ("budget.service", "budget.budget", "budget.outturn",
                                                              "budget.variance", "budget.saving"), None,
           summarise_budget,
           "Budgets, outturn (what was spent), variance (outturn minus budget: positive is an overspend) and "
           "savings as the council published them, with the period and what the figures are.",
           {"Budget": "money", "Outturn": "money", "Variance": "money", "Saving": "money"}),
    _output("spend_with_providers", "Spend with named providers", spend_with_providers, PROVIDER_SOURCES, None,
           summarise_spend_with_providers,
           "Spend and weeks of care with each external provider by service, largest provider first. "
           "Commercially sensitive: not in the public edition.",
           {"Weeks of care": "weeks", "Spend": "money", "Average weekly cost": "money"}),
    _output("fostering_capacity", "In-house fostering places at 31 March by carer type", fostering_capacity,
           CAPACITY_SOURCES,
           ChartStyle("stacked_bar", x="Carer type", y="Number of places", colour="Places",
                      y_title="Approved places", horizontal=True),
           summarise_fostering_capacity,
           "Approved places of the council's own foster carers at 31 March: occupied, vacant and "
           "available, or vacant but not available.", {"Number of places": "count"}),
    _output("fostering_households_trend", "In-house fostering households at 31 March over the years",
           fostering_households_trend, ("fostering_capacity.households",),
           ChartStyle("line", x="Year", y="Households", y_title="Fostering households"),
           summarise_fostering_households_trend,
           "Approved in-house fostering households at 31 March, all carer types, each year with data.",
           {"Households": "count"}),
    _output("recruitment_funnel", "Foster carer recruitment: enquiries to approvals", recruitment_funnel,
           ("fostering_recruitment.stage", "fostering_recruitment.households"),
           ChartStyle("bar", x="Stage", y="Households", horizontal=True), summarise_recruitment_funnel,
           "Households at each stage of recruitment during the year, and households deregistered. "
           "Stages are counted within the year, so a household may enquire in one year and be approved "
           "in the next.", {"Households": "count"}),
    _output("recruitment_by_period", "Foster carer recruitment in part of the year", recruitment_by_period,
           ("fostering_recruitment.stage", "fostering_recruitment.households", "fostering_recruitment.period"),
           ChartStyle("grouped_bar", x="Period", y="Households", colour="Stage"), summarise_recruitment_by_period,
           "Households at each stage of recruitment in each quarter or part of the year the council published, "
           "each labelled with its period. Shown as published and never added up into the year's figures.",
           {"Households": "count"}),
    _output("market_by_grade", "Registered places by provision type and Ofsted grade", market_by_grade,
           MARKET_SOURCES + ("provider_market.ofsted_grade",),
           ChartStyle("stacked_bar", x="Provision type", y="Places", colour="Ofsted grade", horizontal=True),
           summarise_market_by_grade,
           "Registered places at 31 March by the setting's latest Ofsted overall effectiveness grade. The "
           "good-or-outstanding share leaves out places not yet inspected or not graded.", {"Places": "count"}),
    _output("market_by_location", "Registered places by provision type and location", market_by_location,
           MARKET_SOURCES + ("provider_market.location_band",),
           ChartStyle("stacked_bar", x="Provision type", y="Places", colour="Location", horizontal=True),
           summarise_market_by_location, "Registered places at 31 March by where the settings are.",
           {"Places": "count"}),
    _output("provider_market", "The provider market: settings and places", provider_market,
           MARKET_SOURCES + ("provider_market.location_band", "provider_market.ofsted_grade",
                             "provider_market.settings"), None, summarise_provider_market,
           "Registered settings and places at 31 March by provision type, location and latest Ofsted grade.",
           {"Settings": "count", "Places": "count"}),
    _output("commissioning_routes", "New placements by service and commissioning route", commissioning_routes,
           ROUTE_SOURCES,
           ChartStyle("stacked_bar", x="Service", y="New placements", colour="Route", horizontal=True),
           summarise_commissioning_routes, "Placements made during the year by service and how they were bought.",
           {"New placements": "count"}),
    _output("routes_by_period", "New placements by service and commissioning route in part of the year",
           routes_by_period, ROUTE_SOURCES + ("commissioning_routes.period",), None, summarise_routes_by_period,
           "New placements by service and how they were bought in each quarter or part of the year the council "
           "published, each labelled with its period. Shown as published and never added up into the year's "
           "figures.", {"New placements": "count"}),
    _output("referrals_by_month", "Placement referrals by month and outcome", referrals_by_month,
           ("referrals.month", "referrals.outcome", "referrals.referrals"),
           ChartStyle("stacked_bar", x="Month", y="Referrals", colour="Outcome"), summarise_referrals_by_month,
           "Requests for a placement received each month, by what happened to them. The monthly average is "
           "the year's referrals divided by the months reported.", {"Referrals": "count"}),
    _output("action_plan", "Action plan", action_plan,
           ("action_plan.ref", "action_plan.objective", "action_plan.action", "action_plan.lead",
            "action_plan.due", "action_plan.status", "action_plan.saving"), None, summarise_action_plan,
           "The actions the council has committed to, with their lead, due month and status at 31 March. "
           "Expected savings are commercially sensitive and left out of the public edition.",
           {"Saving": "money"}),
    _output("action_status", "Actions by status at 31 March", action_status,
           ("action_plan.ref", "action_plan.status"),
           ChartStyle("bar", x="Status", y="Actions", horizontal=True), summarise_action_status,
           "Actions in the plan by where they stood at 31 March.", {"Actions": "count"}),
)


# ---------------------------------------------------------------------------
# The gap at a glance (issue 12): what providers need, by placement group and year, at phone width
# ---------------------------------------------------------------------------

def places_needed(view) -> pd.DataFrame:
    """The sufficiency gap (``sufficiency_gap``) as providers read it: one row per scenario and placement
    group, one column per year ahead, each cell the gap (forecast demand − capacity: places to be found
    beyond those the council can count on; negative: places to spare). The same rounded figures as the
    full table, so the two never disagree; the model's estimates stay marked as such."""
    from .forecast import sufficiency_gap

    full = sufficiency_gap(view)
    if full.empty:
        return pd.DataFrame(columns=["Scenario", "Placement group"])
    modelled = full.attrs.get("modelled_cells", frozenset())
    years = list(dict.fromkeys(full["Year"]))
    rows, cells = {}, set()
    for position, record in enumerate(records(full)):
        key = (record["Scenario"], record["Placement group"])
        row = rows.setdefault(key, {"Scenario": key[0], "Placement group": key[1]})
        row[record["Year"]] = record["Gap"]
        if (position, "Gap") in modelled:
            cells.add((list(rows).index(key), record["Year"]))
    frame = pd.DataFrame(list(rows.values()), columns=["Scenario", "Placement group", *years])
    for year in years:
        values = frame[year]
        if values.notna().all() and (values % 1 == 0).all():
            frame[year] = values.astype("int64")
    frame.attrs["modelled_cells"] = frozenset(cells)
    return frame


def summarise_places_needed(frame: pd.DataFrame) -> str:
    if frame.empty or len(frame.columns) < 3:
        return "There is no forecast for this year, so no gap can be worked out."
    first, last = frame.columns[2], frame.columns[-1]
    base = frame[frame["Scenario"] == frame["Scenario"].iloc[0]]
    parts = [f"{r['Placement group'].lower()} {format_value(r[first], 'count')} to "
             f"{format_value(r[last], 'count')}" for r in records(base)
             if pd.notna(r[first]) and pd.notna(r[last])]
    if not parts:
        return "There are no capacity figures, so no gap can be worked out."
    return (f"Places needed beyond those the council can count on, 31 March {first} to {last} "
            f"({base['Scenario'].iloc[0].lower()}): " + "; ".join(parts) + ".")


class YearColumns(dict):
    """Units for a frame with one column per year (``2027``, ``2028`` ...): each is a count. The years
    depend on the statement, so they cannot be listed ahead."""

    def __contains__(self, column) -> bool:
        return str(column).isdigit() or super().__contains__(column)

    def __getitem__(self, column):
        return "count" if str(column).isdigit() else super().__getitem__(column)

    def get(self, column, default=None):
        return self[column] if column in self else default  # noqa: SIM401 - this is get()

    def __bool__(self) -> bool:
        return True


def _gap_outputs() -> tuple[Output, ...]:
    from .forecast import GAP_SOURCES

    return (Output(
        "places_needed", "Places needed: the gap by placement group and year", places_needed, GAP_SOURCES,
        None, summarise_places_needed,
        "The sufficiency gap as providers read it: for each scenario and placement group, the places needed at "
        "31 March of each year ahead beyond those the council can count on (forecast demand − capacity; "
        "negative: places to spare). The same figures as the column Gap of the full table below it, which "
        "also gives demand, its high end and each kind of capacity.",
        YearColumns(),
    ),)


OUTPUTS = OUTPUTS + _gap_outputs()


MEASURES: tuple[Measure, ...] = (
    Measure("spend.total", "Total spend on placements",
            "Gross expenditure on children's placements in the financial year (1 April to 31 March), before "
            "income from partners is netted off.", "Sum of spend over every service and provider. The change is "
            "this year's total minus last year's, and as a percentage of last year's.",
            ("spend_by_service",), S251),
    Measure("spend.in_house_share", "In-house share of spend and of weeks of care",
            "Spend (or weeks of care) on services the council provides itself, as a share of all spend (weeks).",
            "In-house spend / all spend × 100; likewise for weeks of care (spend.in_house_weeks_share).",
            ("spend_by_service",), S251),
    Measure("spend.by_service.unit_cost", "Average weekly unit cost",
            "Gross spend per week of care, by service and by in-house or external provision.",
            "Total spend / total weeks of care for the service and sector: weighted by weeks, not the mean of "
            "providers' fees. Example: £6,000 a week for 2 weeks and £1,000 a week for 50 weeks is "
            "£62,000 / 52 = £1,192 a week (the mean fee would be £3,500). Not applicable (z) with no weeks.",
            ("spend_by_service",), S251),
    Measure("providers.largest_five_share", "Share of external spend with the five largest providers",
            "Spend with the five providers paid most in the year, as a share of spend with all external "
            "providers (a five-firm concentration ratio). Commercially sensitive.",
            "Providers ranked by their spend across services; top five's spend / all providers' spend × 100. "
            "providers.count is the number of different providers.", ("spend_with_providers",), LOCAL),
    Measure("fostering.occupancy", "Fostering occupancy",
            "Occupied in-house fostering places at 31 March as a share of approved places.",
            "Occupied / approved places × 100. Vacancy rates use the same denominator: vacant and available "
            "(fostering.vacancy_rate) and vacant but not available (fostering.unavailable_rate).",
            ("fostering_capacity",), FOSTERING),
    Measure("fostering.change_households", "Change in fostering households",
            "Approved in-house fostering households at 31 March compared with a year earlier.",
            "This year's households minus last year's (x when last year has no data).",
            ("fostering_capacity",), FOSTERING),
    Measure("recruitment.net_change", "Net change in fostering households from recruitment",
            "Households approved in the year minus households deregistered in the year.",
            "approvals - deregistrations; negative when more carers left than joined.",
            ("fostering_recruitment",), FOSTERING),
    Measure("recruitment.conversion", "Recruitment conversion rates",
            "How many enquiries in the year became approved households.",
            "Approvals / enquiries × 100 (recruitment.conversion); each stage / enquiries "
            "(recruitment.by_stage.<stage>.share_of_enquiries); approvals / assessments started × 100 "
            "(recruitment.conversion_from_assessment). Within-year counts, not a cohort followed through.",
            ("fostering_recruitment",), FOSTERING),
    Measure("market.places", "Provider market: settings and places",
            "Registered homes, agencies and services and their places at 31 March, by provision type, "
            "location and latest Ofsted grade.", "Sums of settings and places over the rows of each group.",
            ("provider_market",), OFSTED),
    Measure("market.good_or_outstanding_share", "Places rated good or outstanding",
            "Registered places in settings whose latest Ofsted overall effectiveness grade is good or "
            "outstanding, as a share of places in settings with a grade.",
            "Places graded good or outstanding / places with a grade × 100; places not yet inspected or not "
            "graded are left out of both.", ("provider_market",), OFSTED),
    Measure("routes.by_route.share", "Commissioning route mix",
            "New placements made in the year by how they were bought: in-house, framework, block contract, "
            "spot purchase.", "Placements by route / all new placements × 100.", ("commissioning_routes",), LOCAL),
    Measure("referrals.monthly_average", "Placement referrals",
            "Requests for a placement received by the placements team, by month and outcome.",
            "Total referrals; the monthly average is total / months reported; the busiest month has the most "
            "referrals (the earliest if tied); each outcome's share is its referrals / all referrals × 100.",
            ("referrals",), LOCAL),
    Measure("actions.by_status", "Action plan status",
            "Actions in the plan by where they stood at 31 March.",
            "Count of actions by status; share = count / all actions × 100.", ("action_plan",), LOCAL),
    Measure("actions.savings", "Expected savings from the action plan",
            "Full-year savings the actions are expected to make. Commercially sensitive.",
            "Sum of the savings entered; blank savings are left out (x if none is entered).",
            ("action_plan",), LOCAL),
)
