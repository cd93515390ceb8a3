"""The example authority's forecasting inputs that no case-level file holds.

Castlebridge's commissioners' ``scenarios`` and ``contracted_capacity`` for
each statement year, for ``generator.example`` to write beside its other
tables (``data/<year>/scenarios.csv``, ``data/<year>/contracted_capacity.csv``).
Fictional providers; the figures follow the example world (the third in-house
children's home opens in July 2024, a block contract for four children's home
beds from 2025, a growing fostering framework).
"""
from __future__ import annotations

import pandas as pd

#: Years the example has a statement and so plans for.
PLANNING_YEARS = (2024, 2025, 2026)


def scenarios(year: int) -> pd.DataFrame | None:
    """The strategy the statement of ``year`` declares (None before statements began)."""
    if year not in PLANNING_YEARS:
        return None
    first = year + 1
    rows = [
        ("Strategy", "Recruit more of our own foster carers, step children down from children's homes "
         "into families, and support families on the edge of care.", "in_house_foster_carers_added", "all",
         "none", "none", 8 if year < 2026 else 10, first),
        ("Strategy", None, "placement_shift_percent", "age_10_to_15", "residential", "fostering", 10, first),
        ("Strategy", None, "entries_change_percent", "age_10_to_15", "none", "none", -15, first + (year == 2024)),
    ]
    return pd.DataFrame(rows, columns=["scenario", "description", "lever", "age_band", "from_group", "to_group",
                                       "value", "start_year"])


def contracted_capacity(year: int) -> pd.DataFrame:
    """Places at 31 March ``year`` by service, arrangement and (sensitive) provider."""
    own_beds = 12 if year >= 2025 else 8
    rows = [
        ("childrens_home", "in_house", "Castlebridge Borough Council", own_beds),
        ("supported_accommodation", "in_house", "Castlebridge Borough Council", 16),
        ("supported_accommodation", "block", "Riverside Young People's Housing", 10 if year >= 2023 else 6),
        ("fostering", "framework", "North West Fostering Framework providers", 14 + 2 * max(year - 2022, 0)),
        ("childrens_home", "framework", "North West Residential Framework providers", 6),
    ]
    if year >= 2025:
        rows.append(("childrens_home", "block", "Meadowbank Care Ltd", 4))
    return pd.DataFrame(rows, columns=["service", "arrangement", "provider", "places"])


def year_tables(year: int) -> dict[str, pd.DataFrame]:
    """Both tables for ``year`` (scenarios only for statement years)."""
    out = {"contracted_capacity": contracted_capacity(year)}
    plan = scenarios(year)
    if plan is not None:
        out["scenarios"] = plan
    return out
