"""Projected spend: forecast weeks of care × average weekly unit cost, with inflation.

Method, for each placement group (finance services mapped to groups by
``SERVICE_GROUP``; short breaks are not care at 31 March and are left out):

1. *Weeks per child.* In the statement year, the weeks of care bought
   (``spend_by_service``) divided by the group's average number of children
   looked after (the mean of 31 March last year and this year, × 52.18 weeks):
   a factor that carries children who come and go within the year.
2. *Forecast weeks.* That factor × the mean of the forecast children at the
   start and end of each forecast year × 52.18.
3. *Who provides it.* Each group's weeks are split between in-house and external
   providers as in the statement year; in-house foster carers a scenario adds
   (households × places per household × the share of places occupied, a year
   of weeks each) take weeks from external fostering, never more than it has.
4. *Unit cost.* The statement year's spend ÷ weeks for the group and sector,
   raised by ``authority.inflation`` a year.

Example: fostering, 250 children at both ends of the year, weeks factor 1.0,
80% in-house at £500 and 20% external at £1,000 a week, 4% inflation, one
year ahead: 13,045 weeks; 10,436 × £520 + 2,609 × £1,040 = £8.14 million.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import YearView
from ..stats import children as stats
from . import model as M
from .run import Forecast, _cache, actual_by_group

WEEKS_A_YEAR = 365.25 / 7
SECTORS = ("in_house", "external")
SERVICE_GROUP = {
    "fostering": "fostering", "fostering_relative_friend": "fostering",
    "childrens_home": "residential", "secure": "residential", "residential_school": "residential",
    "parent_and_child": "residential",
    "supported_accommodation": "supported",
    "other": "other",
}


def base_costs(view: YearView) -> pd.DataFrame | None:
    """Statement-year weeks, spend and unit cost by group and sector (None without spend_by_service)."""
    frame = view.table("spend_by_service")
    if frame is None or frame.empty:
        return None
    f = frame[frame["service"].isin(SERVICE_GROUP)].copy()
    f["placement_group"] = f["service"].map(SERVICE_GROUP)
    out = f.groupby(["placement_group", "sector"])[["weeks_of_care", "spend"]].sum()
    out = out.reindex(pd.MultiIndex.from_product([M.GROUPS, SECTORS], names=["placement_group", "sector"]),
                      fill_value=0.0).reset_index()
    out["unit_cost"] = np.where(out["weeks_of_care"] > 0, out["spend"] / out["weeks_of_care"].where(
        out["weeks_of_care"] > 0, 1), np.nan)
    return out


def places_per_household(view: YearView) -> tuple[float, float]:
    """Mainstream carers' places per household and share of approved places occupied (defaults 1.5, 0.85)."""
    frame = view.table("fostering_capacity")
    if frame is None or frame.empty:
        return 1.5, 0.85
    row = frame[frame["carer_type"] == "mainstream"]
    if row.empty or not row["households"].iloc[0] or row[["approved_places", "occupied"]].isna().any(axis=None):
        return 1.5, 0.85  # places not given (issue 10): the usual ratios
    places = float(row["approved_places"].iloc[0]) / float(row["households"].iloc[0])
    occupancy = float(row["occupied"].iloc[0]) / float(row["approved_places"].iloc[0]) \
        if row["approved_places"].iloc[0] else 0.85
    return places, occupancy


def stock_by_group(view: YearView, year: int) -> dict[str, float] | None:
    """Children at 31 March by group: from looked_after_by_age_and_placement where the year has it
    (the table the forecast starts from), else from looked_after's placement types."""
    if year not in view.history:
        return None
    frame = view.table("looked_after_by_age_and_placement", year)
    if frame is None or frame.empty:
        return actual_by_group(view, year)
    groups = frame.groupby("placement_group")["children"].sum()
    return {"all": float(groups.sum()), **{g: float(groups.get(g, 0.0)) for g in M.GROUPS}}


def _spend_base(view: YearView, origin: int):
    """What projected spend starts from at ``origin``, the same for the baseline and every scenario: each
    group's statement-year weeks, in-house share of them and unit cost by sector, the children by group at
    ``origin`` and the year before, and the places and occupancy of a mainstream household; None without
    the inputs. Worked out once a view and origin (its cache)."""
    cache = _cache(view)
    if ("spend_base", origin) in cache:
        return cache[("spend_base", origin)]
    base = base_costs(view)
    now, before = stock_by_group(view, origin), stock_by_group(view, origin - 1)
    result = None
    if base is not None and now is not None:
        base_weeks, share_in, base_unit = {}, {}, {}
        for group in M.GROUPS:
            b = base[base["placement_group"] == group].set_index("sector")
            base_weeks[group] = float(b["weeks_of_care"].sum())
            share_in[group] = float(b.loc["in_house", "weeks_of_care"]) / base_weeks[group] \
                if base_weeks[group] else 0.0
            for sector in SECTORS:
                unit = b.loc[sector, "unit_cost"]
                if pd.isna(unit):
                    unit = b["unit_cost"].dropna().mean() if b["unit_cost"].notna().any() else 0.0
                base_unit[(group, sector)] = float(unit)
        result = (base_weeks, share_in, base_unit, now, before or now, places_per_household(view))
    cache[("spend_base", origin)] = result
    return result


def projected_spend(view: YearView, fc: Forecast, carers_added: dict[int, float] | None = None) -> pd.DataFrame | None:
    """Rows: year, placement_group, sector, weeks_of_care, unit_cost, spend (None without the inputs)."""
    start = _spend_base(view, fc.origin)
    if start is None:
        return None
    base_weeks, share_in, base_unit, now, before, (places, occupancy) = start
    inflation = getattr(view.authority, "inflation", 0.04)
    rows = []
    previous = {g: now[g] for g in M.GROUPS}
    for k, year in enumerate(fc.years, start=1):
        extra_weeks = (carers_added or {}).get(year, 0.0) * places * occupancy * WEEKS_A_YEAR
        for group in M.GROUPS:
            average_then = (now[group] + before[group]) / 2 * WEEKS_A_YEAR
            factor = base_weeks[group] / average_then if average_then else 0.0
            current = fc.value(year, group)
            weeks = factor * (previous[group] + current) / 2 * WEEKS_A_YEAR
            split = {"in_house": weeks * share_in[group], "external": weeks * (1 - share_in[group])}
            if group == "fostering" and extra_weeks:
                moved = min(extra_weeks, split["external"])
                split["in_house"] += moved
                split["external"] -= moved
            for sector in SECTORS:
                unit = base_unit[(group, sector)] * (1 + inflation) ** k
                rows.append((year, group, sector, split[sector], unit, split[sector] * unit))
            previous[group] = current
    return pd.DataFrame(rows, columns=["year", "placement_group", "sector", "weeks_of_care", "unit_cost", "spend"])


def spend_sources() -> tuple[str, ...]:
    return ("spend_by_service.spend", "spend_by_service.weeks_of_care", "looked_after.children",
            "flows.children", "looked_after_by_age_and_placement.children", "fostering_capacity.approved_places")


__all__ = ["projected_spend", "base_costs", "SERVICE_GROUP", "stats"]
