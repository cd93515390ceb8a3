"""The forecast's two 903 tables: ``flows`` and ``looked_after_by_age_and_placement``.

Both are aggregates of the case history (child-level data never leaves memory):

* ``looked_after_by_age_and_placement``: children looked after at 31 March by
  age band × placement group (the DfE's 31 March count, short breaks excluded).
* ``flows``: every child looked after at any time in the year, once, by
  (placement group or ``entered``) at the start of the year and (placement
  group or ``left``) at its end, with the age band at each end. A forecasting
  model reads entries, moves between groups, leaving care and ageing from it.

Example: A is in foster care at 31 March 2025 aged 9 and in a children's home
at 31 March 2026 aged 10: (fostering, age_5_to_9, residential, age_10_to_15).
B starts on 3 June 2025 aged 14 and returns home on 1 December 2025:
(entered, age_10_to_15, left, age_10_to_15). C (U4 at 31 March 2025, aged 17)
turns 18 on 2 October 2025 and leaves: (fostering, age_16_and_over, left,
age_16_and_over).
"""
from __future__ import annotations

import pandas as pd

from .. import contract
from ..stats.children import PLACEMENT_GROUPS
from .history import CaseHistory
from .measures import age_band, age_on, in_year, open_on, year_bounds

#: contract.PLACEMENT_TYPES code -> forecast placement group.
GROUP_OF_TYPE = {t: g for g, types in PLACEMENT_GROUPS.items() for t in types}


def _ages(dob: pd.Series, days: pd.Series) -> pd.Series:
    """Age in whole years of each child on their own day (vectorised ``age_on``)."""
    dob, days = pd.to_datetime(dob), pd.to_datetime(days)
    before = (dob.dt.month > days.dt.month) | ((dob.dt.month == days.dt.month) & (dob.dt.day > days.dt.day))
    return days.dt.year - dob.dt.year - before.astype(int)


def snapshot(history: CaseHistory, year: int) -> pd.DataFrame:
    """Children looked after at 31 March ``year``: child, placement_group, age_band.

    The return of ``year`` decides who counts (as ``looked_after_at_31_march``);
    for a year before the first return read, the next year's return is used.
    """
    _, end = year_bounds(year)
    source = year if year in history.years else min(y for y in history.years if y > year)
    ep = open_on(history.in_return(source), end)
    ep = ep[~ep["short_break"]].drop_duplicates("child", keep="last")
    dob = ep["child"].map(history.children["dob"])
    return pd.DataFrame({
        "child": ep["child"].to_numpy(),
        "placement_group": ep["placement_type"].map(GROUP_OF_TYPE).fillna("other").to_numpy(),
        "age_band": age_band(age_on(dob, end)).to_numpy(),
    })


def looked_after_by_age_and_placement(snap: pd.DataFrame) -> pd.DataFrame:
    """The contract table from ``snapshot``: every age band × group, 0 where none."""
    counts = snap.groupby(["age_band", "placement_group"]).size()
    rows = [(band, group, int(counts.get((band, group), 0)))
            for band in contract.AGE_BANDS for group in contract.FORECAST_GROUPS]
    return pd.DataFrame(rows, columns=["age_band", "placement_group", "children"])


def flows(history: CaseHistory, year: int, end_snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``flows`` contract table for the year ending 31 March ``year`` (see the module docstring).

    Start: looked after at 31 March ``year - 1``. End: looked after at 31 March
    ``year``. Entered: looked after at some time in the year (short breaks
    excluded) but not at the start; the start band is the age on the first day
    of care in the year. Left: not looked after at the end; the end band is the
    age on the last day of care in the year (the day they ceased).
    """
    start_day, end_day = year_bounds(year)
    before = snapshot(history, year - 1)
    after = end_snapshot if end_snapshot is not None else snapshot(history, year)
    ep = in_year(history.in_return(year), year)
    ep = ep[~ep["short_break"]]
    first_day = ep["decom"].where(ep["decom"] > start_day, start_day).groupby(ep["child"]).min()
    last_day = ep["dec"].where(ep["dec"].notna() & (ep["dec"] <= end_day), end_day).groupby(ep["child"]).max()
    children = pd.Index(before["child"]).union(pd.Index(after["child"])).union(first_day.index)
    frame = pd.DataFrame(index=children)
    frame["dob"] = history.children["dob"].reindex(children)
    b, a = before.set_index("child"), after.set_index("child")
    frame["from_state"] = b["placement_group"].reindex(children).fillna("entered")
    frame["to_state"] = a["placement_group"].reindex(children).fillna("left")
    entered_day = first_day.reindex(children).fillna(start_day)
    left_day = last_day.reindex(children).fillna(start_day)
    frame["age_band_start"] = b["age_band"].reindex(children)
    frame["age_band_end"] = a["age_band"].reindex(children)
    need = frame["age_band_start"].isna()
    frame.loc[need, "age_band_start"] = age_band(_ages(frame.loc[need, "dob"], entered_day[need]))
    need = frame["age_band_end"].isna()
    frame.loc[need, "age_band_end"] = age_band(_ages(frame.loc[need, "dob"], left_day[need]))
    keys = ["from_state", "age_band_start", "to_state", "age_band_end"]
    out = frame.groupby(keys).size().rename("children").reset_index()
    return out[out["children"] > 0].reset_index(drop=True)


def forecast_tables(history: CaseHistory, year: int) -> dict[str, pd.DataFrame]:
    """``flows`` and ``looked_after_by_age_and_placement`` for one year (what ``extract_to_data`` writes)."""
    snap = snapshot(history, year)
    return {"flows": flows(history, year, snap),
            "looked_after_by_age_and_placement": looked_after_by_age_and_placement(snap)}
