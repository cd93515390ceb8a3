"""Money and market statistics: spend, unit costs, fostering capacity and
recruitment, the provider market, commissioning routes, referrals and the
action plan.

Every function is pure: it takes one year's contract table (a DataFrame with
contract column names and codes) and returns plain numbers or a small frame.
Turning them into published ``Figure``s (kinds, sources, sensitivity) is
``market_context``'s job. A function given ``None`` (the table is absent that
year) returns ``None`` or an empty result, never raises.

Spend follows the CIPFA / DfE section 251 convention: **gross** expenditure
(before income such as health or education contributions is netted off), in
the financial year 1 April to 31 March.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .children import frame_memo

IN_HOUSE = "in_house"
EXTERNAL = "external"
GOOD_GRADES = ("outstanding", "good")
#: Grades that are not an Ofsted judgement; left out of the good-or-outstanding denominator.
UNGRADED = ("not_yet_inspected", "not_graded")
FUNNEL = ("enquiries", "initial_visits", "assessments_started", "approvals")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def column_total(frame: pd.DataFrame | None, column: str, **where) -> float | None:
    """Sum of ``column`` over the rows matching ``where`` (column=code or a tuple of codes).

    ``None`` when the table or the column is absent, or every matching cell is
    blank; 0 when the table is present but no row matches (no row means none).

    Example: spend_by_service rows (fostering, in_house, £52,000) and
    (fostering, external, £78,000): ``column_total(f, "spend", service="fostering")``
    is 130,000; with ``sector="in_house"`` it is 52,000.
    """
    if frame is None or column not in frame.columns:
        return None
    # Worked out once a table for each question (issue 14: the market's names asked thousands of times).
    key = ("column_total", column, tuple(sorted(
        (name, tuple(sorted(code, key=str)) if isinstance(code, set) else
         tuple(code) if isinstance(code, (tuple, list)) else code) for name, code in where.items())))
    try:
        hash(key)
    except TypeError:  # codes given as something unhashable: worked out each time
        return _column_total(frame, column, where)
    memo = frame_memo(frame)
    if key not in memo:
        memo[key] = _column_total(frame, column, where)
    return memo[key]


def _column_total(frame: pd.DataFrame, column: str, where: dict) -> float | None:
    """``column_total`` worked out on the table's cells as plain lists, read once a table (issue 14: a pandas
    filter a question was most of the market's names' time). The rows picked are those ``isin`` picks, in
    the table's order, and they are summed by numpy as pandas sums them (blanks as 0), to the last bit."""
    picks = {name: code if isinstance(code, (tuple, list, set)) else (code,) for name, code in where.items()}
    if not all(isinstance(code, str) for codes in picks.values() for code in codes):
        return _column_total_frame(frame, column, where)
    memo = frame_memo(frame)
    if ("numbers", column) not in memo:
        memo[("numbers", column)] = pd.to_numeric(frame[column], errors="coerce").to_numpy()
    numbers = memo[("numbers", column)]
    if numbers.dtype not in (np.float64, np.int64):
        return _column_total_frame(frame, column, where)
    rows = range(len(frame))
    for name, codes in picks.items():
        if ("cells", name) not in memo:
            memo[("cells", name)] = frame[name].tolist()
        cells, wanted = memo[("cells", name)], set(codes)
        rows = [i for i in rows if cells[i] in wanted]
    values = numbers[list(rows)]
    if numbers.dtype == np.float64:
        blank = np.isnan(values)
        if len(values) and blank.all():
            return None
        values[blank] = 0.0
    return float(values.sum())


def _column_total_frame(frame: pd.DataFrame, column: str, where: dict) -> float | None:
    rows = frame
    for name, code in where.items():
        codes = code if isinstance(code, (tuple, list, set)) else (code,)
        rows = rows[rows[name].isin(list(codes))]
    values = pd.to_numeric(rows[column], errors="coerce")
    if len(values) and values.isna().all():
        return None
    return float(values.sum())


def difference(current, previous):
    """current - previous, or None if either is missing."""
    if _missing(current) or _missing(previous):
        return None
    return current - previous


def ratio(numerator, denominator):
    """numerator / denominator, None if either is missing or the denominator is 0."""
    if _missing(numerator) or _missing(denominator) or denominator == 0:
        return None
    return numerator / denominator


# ---------------------------------------------------------------------------
# Spend and unit costs
# ---------------------------------------------------------------------------

def unit_cost(spend, weeks_of_care):
    """Average weekly unit cost: total gross spend / total weeks of care.

    This is a **weighted** average (each provider's or placement's fee counts in
    proportion to the weeks bought), not the mean of fees: one £6,000 placement
    for 2 weeks and one £1,000 placement for 50 weeks cost
    (12,000 + 50,000) / 52 = £1,192 a week, where the mean fee would say £3,500.
    It follows the CIPFA / DfE section 251 unit-cost convention (gross spend over
    activity). ``None`` when there are no weeks of care (not applicable).
    """
    return ratio(spend, weeks_of_care)


def unit_costs(spend_by_service: pd.DataFrame | None) -> pd.DataFrame:
    """Spend, weeks of care and average weekly unit cost by service and sector.

    Rows: every (service, sector) in the table, each with ``spend``,
    ``weeks_of_care``, ``children`` and ``unit_cost`` = spend / weeks_of_care
    (NaN when there are no weeks). Rows are summed first, so duplicate keys (not
    allowed by the contract) could not double-weight a fee.

    Example: (fostering, in_house, 100 weeks, £50,000) and (fostering, external,
    200 weeks, £180,000) give unit costs £500 and £900; the service's overall
    unit cost is (50,000 + 180,000) / 300 = £767, not (500 + 900) / 2 = £700.
    """
    columns = ["service", "sector", "children", "weeks_of_care", "spend", "unit_cost"]
    if spend_by_service is None or spend_by_service.empty:
        return pd.DataFrame(columns=columns)
    frame = spend_by_service.copy()
    for name in ("children", "weeks_of_care", "spend"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    # dropna=False: a line whose sector is not stated is still spend (Bristol's secure units); dropping
    # it would make the total short of the council's own lines
    frame = frame.groupby(["service", "sector"], sort=False, as_index=False, dropna=False)[
        ["children", "weeks_of_care", "spend"]].sum(min_count=1)
    frame["unit_cost"] = [ratio(s, w) for s, w in zip(frame["spend"], frame["weeks_of_care"])]
    frame["unit_cost"] = pd.to_numeric(frame["unit_cost"], errors="coerce")
    return frame[columns].reset_index(drop=True)


def in_house_share(spend_by_service: pd.DataFrame | None, column: str = "spend"):
    """(in-house total, all sectors' total) of ``column`` ("spend" or "weeks_of_care").

    The share is the first over the second, as a percentage. Example: in-house
    £2m of £8m total spend is 25% of spend; 4,000 of 10,000 weeks is 40% of weeks
    (in-house care is cheaper a week, so its share of weeks is larger).
    """
    return (column_total(spend_by_service, column, sector=IN_HOUSE),
            column_total(spend_by_service, column))


# ---------------------------------------------------------------------------
# Providers (commercially sensitive: spend_with_providers)
# ---------------------------------------------------------------------------

def spend_by_provider(spend_with_providers: pd.DataFrame | None) -> pd.DataFrame:
    """Each provider's spend and weeks across services, largest spend first
    (ties by name, so the order is stable).

    Example: Alpha Care £150,000 for children's homes and £50,000 for fostering,
    Beta Homes £100,000: Alpha Care £200,000 first, then Beta Homes £100,000.
    """
    columns = ["provider", "weeks_of_care", "spend"]
    if spend_with_providers is None or spend_with_providers.empty:
        return pd.DataFrame(columns=columns)
    frame = spend_with_providers.copy()
    for name in ("weeks_of_care", "spend"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    frame["provider"] = frame["provider"].astype(str).str.strip()
    frame = frame.groupby("provider", as_index=False)[["weeks_of_care", "spend"]].sum(min_count=1)
    frame = frame.sort_values(["spend", "provider"], ascending=[False, True], kind="stable")
    return frame[columns].reset_index(drop=True)


def provider_count(spend_with_providers: pd.DataFrame | None):
    """Different external providers the council spent with (names trimmed;
    a provider with several services counts once). None if the table is absent."""
    if spend_with_providers is None:
        return None
    return len(spend_by_provider(spend_with_providers))


def largest_providers_share(spend_with_providers: pd.DataFrame | None, n: int = 5):
    """(spend with the ``n`` largest providers, spend with all providers).

    A concentration ratio (CR5 for n=5): providers ranked by their total spend
    across services. The denominator is the table's own total, which is all
    external spend when the table is complete. Example: providers A £400k,
    B £300k, C £100k, D £100k, E £50k, F £50k: the five largest have £950k of
    £1,000k, 95%.
    """
    if spend_with_providers is None:
        return None, None
    providers = spend_by_provider(spend_with_providers)
    return float(providers["spend"].head(n).sum()), float(providers["spend"].sum())


# ---------------------------------------------------------------------------
# Fostering capacity and recruitment
# ---------------------------------------------------------------------------

CAPACITY_COLUMNS = ("households", "approved_places", "occupied", "vacant_available", "vacant_not_available")


def fostering_totals(fostering_capacity: pd.DataFrame | None, carer_type: str | None = None) -> dict:
    """Households and places at 31 March, for one carer type or all.

    Returns a dict of the contract's capacity columns (None when the table is
    absent, the carer type has no row, or a row leaves the column blank: issue 10).
    Example: mainstream 40 households, 70 places, 60 occupied; family
    and friends 20 households, 25 places, 25 occupied: all carers 60
    households, 95 places, 85 occupied.
    """
    from .. import subtotals

    where = {} if carer_type is None else {"carer_type": carer_type}
    result = {}
    for name in CAPACITY_COLUMNS:
        if fostering_capacity is None or name not in fostering_capacity.columns:
            result[name] = None
            continue
        rows = fostering_capacity if carer_type is None else \
            fostering_capacity[fostering_capacity["carer_type"] == carer_type]
        # Issue 10: a column a statement does not give is x, never 0, and never the sum of the rows that have it.
        known = pd.to_numeric(rows[name], errors="coerce")
        total = None if known.isna().any() or rows.empty else \
            column_total(fostering_capacity, name, **where)
        # A statement's printed total (a Total row: "101 approved fostering households") stands where the rows
        # do not give the figure.
        result[name] = subtotals.printed(fostering_capacity, {}, name, total) if carer_type is None else total
    return result


def occupancy(occupied, approved_places):
    """Fostering occupancy: occupied places / approved places (a fraction).

    The usual fostering-service measure (Ofsted's fostering statistics count
    approved places and filled places the same way). Example: 85 of 95 places
    occupied is 0.895 (89%). Vacancy rates use the same denominator: 6
    vacant and available of 95 is 6%; 4 vacant but not available is 4%.
    """
    return ratio(occupied, approved_places)


def recruitment_stages(fostering_recruitment: pd.DataFrame | None) -> dict:
    """Households at each stage of the year's recruitment funnel (stage code -> number).

    Every contract stage appears; None (not available, shown as x) if the table has
    no row for it (issue 10: a stage not supplied is not a zero) or is absent.
    Example: rows (enquiries, 200) and (approvals, 15) give enquiries 200,
    approvals 15 and None for the other three stages.
    """
    from ..contract import RECRUITMENT_STAGES

    listed = set() if fostering_recruitment is None else set(fostering_recruitment["stage"])
    return {stage: column_total(fostering_recruitment, "households", stage=stage) if stage in listed else None
            for stage in RECRUITMENT_STAGES}


def net_change_in_households(approvals, deregistrations):
    """Net change in fostering households in the year: approvals - deregistrations.

    Example: 14 approved and 18 deregistered is a net loss of 4 households.
    """
    return difference(approvals, deregistrations)


def conversion_rates(stages: dict) -> dict:
    """Conversion through the recruitment funnel, as fractions.

    Each stage's households over the year's enquiries (``initial_visits``,
    ``assessments_started``, ``approvals``), and ``approvals_per_assessment``
    = approvals / assessments started. These are within-year ratios (a household
    enquiring in March may be approved next year), the way fostering services and
    Ofsted's fostering statistics report them. Example: 200 enquiries, 60 visits,
    25 assessments, 15 approvals: 30%, 12.5%, 7.5% of enquiries; 15 / 25 = 60%
    of assessments.
    """
    enquiries = stages.get("enquiries")
    rates = {stage: ratio(stages.get(stage), enquiries) for stage in FUNNEL[1:]}
    rates["approvals_per_assessment"] = ratio(stages.get("approvals"), stages.get("assessments_started"))
    return rates


# ---------------------------------------------------------------------------
# The provider market
# ---------------------------------------------------------------------------

def market_places(provider_market: pd.DataFrame | None, by: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Settings and places summed by the given columns (provision_type,
    location_band, ofsted_grade), in the order first seen.

    Example: children's homes rows (in_area, outstanding, 4 settings, 30
    places) and (in_area, requires_improvement, 3, 20) by ``["provision_type",
    "location_band"]`` give one row: children's homes, in_area, 7 settings, 50 places.
    """
    columns = list(by) + ["settings", "places"]
    if provider_market is None or provider_market.empty:
        return pd.DataFrame(columns=columns)
    frame = provider_market.copy()
    for name in ("settings", "places"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame.groupby(list(by), sort=False, as_index=False)[["settings", "places"]].sum()[columns]


def good_or_outstanding(provider_market: pd.DataFrame | None, provision_type: str | None = None):
    """(places rated good or outstanding, places with an Ofsted grade).

    Following Ofsted's 'Children's social care in England' statistics, the share
    is of provision **with** a judgement: places not yet inspected or not graded
    are left out of the denominator. Example: 30 outstanding, 50 good, 20
    requires improvement and 10 not yet inspected places: 80 / 100 = 80%.
    """
    where = {} if provision_type is None else {"provision_type": provision_type}
    graded = [c for c in _grade_codes() if c not in UNGRADED]
    return (column_total(provider_market, "places", ofsted_grade=GOOD_GRADES, **where),
            column_total(provider_market, "places", ofsted_grade=tuple(graded), **where))


def _grade_codes():
    from ..contract import OFSTED_GRADES

    return tuple(OFSTED_GRADES)


# ---------------------------------------------------------------------------
# Commissioning routes and referrals
# ---------------------------------------------------------------------------

def route_mix(commissioning_routes: pd.DataFrame | None) -> dict:
    """New placements by commissioning route (route code -> placements).

    Shares are each route over all new placements. Example: 40 framework, 10
    block, 30 spot and 20 in-house of 100 placements: 40%, 10%, 30%, 20%.
    """
    from ..contract import ROUTES

    return {route: column_total(commissioning_routes, "placements", route=route) for route in ROUTES}


def to_month(value) -> pd.Period:
    """A month cell (``"2025-04"``, a date, a Timestamp or a Period) as a monthly Period."""
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if isinstance(value, str):
        return pd.Period(value.strip()[:7], freq="M")
    return pd.Period(pd.Timestamp(value), freq="M")


def month_label(period: pd.Period) -> str:
    """GOV.UK style: ``April 2025``."""
    return period.strftime("%B %Y")


def referrals_by_month(referrals: pd.DataFrame | None) -> pd.DataFrame:
    """Referrals summed by month and outcome, months in calendar order.

    Months may be ``"2025-04"`` strings (as loaded) or dates. Example: rows
    (2025-05, withdrawn, 1), (2025-04, placed_spot, 3), (2025-04, placed_spot, 2)
    give April 2025 placed_spot 5, then May 2025 withdrawn 1.
    """
    columns = ["month", "outcome", "referrals"]
    if referrals is None or referrals.empty:
        return pd.DataFrame(columns=columns)
    frame = referrals.copy()
    frame["month"] = [to_month(v) for v in frame["month"]]
    frame["referrals"] = pd.to_numeric(frame["referrals"], errors="coerce")
    frame = frame.groupby(["month", "outcome"], sort=False, as_index=False)["referrals"].sum()
    order = {m: i for i, m in enumerate(sorted(set(frame["month"])))}
    frame = frame.assign(_order=frame["month"].map(order)).sort_values("_order", kind="stable")
    return frame[columns].reset_index(drop=True)


def monthly_totals(referrals: pd.DataFrame | None) -> pd.Series:
    """Referrals each month (all outcomes), indexed by month Period in calendar order."""
    frame = referrals_by_month(referrals)
    if frame.empty:
        return pd.Series(dtype=float)
    totals: dict = {}
    for month, value in zip(frame["month"], frame["referrals"]):
        totals[month] = totals.get(month, 0) + value
    return pd.Series(totals, dtype=float)


def monthly_average(referrals: pd.DataFrame | None):
    """Average referrals a month: the year's referrals / months with a row.

    Dividing by the months reported (usually 12) rather than a fixed 12 keeps a
    part year honest. Example: 240 referrals over 12 months is 20 a month; 90
    over the 6 months reported is 15.
    """
    totals = monthly_totals(referrals)
    if totals.empty:
        return None
    return float(totals.sum()) / len(totals)


def busiest_month(referrals: pd.DataFrame | None):
    """The month with the most referrals (the earliest if tied), or None."""
    totals = monthly_totals(referrals)
    if totals.empty:
        return None
    top = totals.max()
    return next(month for month, value in totals.items() if value == top)


# ---------------------------------------------------------------------------
# The action plan
# ---------------------------------------------------------------------------

def action_status_counts(action_plan: pd.DataFrame | None) -> dict:
    """Actions by status (status code -> actions); None per status if the plan is absent."""
    from ..contract import ACTION_STATUS

    if action_plan is None:
        return {status: None for status in ACTION_STATUS}
    counts = action_plan["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in ACTION_STATUS}


def savings_total(action_plan: pd.DataFrame | None):
    """Full-year savings the action plan expects: the sum of ``saving``, blanks
    left out. None if the plan or the column is absent or every saving is blank.
    Commercially sensitive (``action_plan.saving``)."""
    return column_total(action_plan, "saving")
