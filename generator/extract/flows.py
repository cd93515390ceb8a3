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

import numpy as np
import pandas as pd

from .. import contract
from ..stats.children import PLACEMENT_GROUPS
from .history import CaseHistory
from .measures import age_band, age_on, current, year_bounds, year_episodes

#: contract.PLACEMENT_TYPES code -> forecast placement group.
GROUP_OF_TYPE = {t: g for g, types in PLACEMENT_GROUPS.items() for t in types}


def _ages(dob: pd.Series, days: pd.Series) -> pd.Series:
    """Age in whole years of each child on their own day (vectorised ``age_on``)."""
    dob, days = pd.to_datetime(dob), pd.to_datetime(days)
    before = (dob.dt.month > days.dt.month) | ((dob.dt.month == days.dt.month) & (dob.dt.day > days.dt.day))
    return days.dt.year - dob.dt.year - before.astype(int)


def snapshot(history: CaseHistory, year: int) -> pd.DataFrame:
    """Children looked after at 31 March ``year``: child, cid, placement_group, age_band.

    The return of ``year`` decides who counts (as ``looked_after_at_31_march``);
    for a year before the first return read, the next year's return is used.
    """
    _, end = year_bounds(year)
    source = year if year in history.years else min(y for y in history.years if y > year)
    ep = current(history, source, end)
    dob = pd.Series(history.child_values("dob", ep))
    types = ep["placement_type"].array
    groups = np.array([GROUP_OF_TYPE.get(t, "other") for t in types.categories] + ["other"], dtype=object)
    return pd.DataFrame({
        "child": ep["child"].to_numpy(),
        "cid": ep["cid"].to_numpy(),
        "placement_group": groups[types.codes],
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
    ep = year_episodes(history, year)
    ep = ep[~ep["short_break"]]
    cid = ep["cid"].to_numpy()
    n = len(history.children)
    # Each child's first and last day of care in the year (as day numbers, per child number).
    start_n, end_n = start_day.value, end_day.value
    first_n = np.maximum(ep["decom"].to_numpy().view(np.int64), start_n)
    dec = ep["dec"].to_numpy()
    last_n = np.where(np.isnat(dec) | (dec.view(np.int64) > end_n), end_n, dec.view(np.int64))
    first_of = np.full(n, np.iinfo(np.int64).max)
    last_of = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first_of, cid, first_n)
    np.maximum.at(last_of, cid, last_n)
    has_days = np.zeros(n, dtype=bool)
    has_days[cid] = True
    counted = has_days.copy()
    counted[before["cid"].to_numpy()] = True
    counted[after["cid"].to_numpy()] = True
    kids = np.flatnonzero(counted)
    states = sorted({*contract.FORECAST_GROUPS, "other", "entered", "left"})
    bands = sorted({*contract.AGE_BANDS, "nan"})
    from_state = np.full(n, states.index("entered"))
    to_state = np.full(n, states.index("left"))
    band_start = np.full(n, -1)
    band_end = np.full(n, -1)
    state_index, band_index = pd.Index(states, dtype=object), pd.Index(bands, dtype=object)
    from_state[before["cid"].to_numpy()] = state_index.get_indexer(before["placement_group"].to_numpy(dtype=object))
    band_start[before["cid"].to_numpy()] = band_index.get_indexer(before["age_band"].to_numpy(dtype=object))
    to_state[after["cid"].to_numpy()] = state_index.get_indexer(after["placement_group"].to_numpy(dtype=object))
    band_end[after["cid"].to_numpy()] = band_index.get_indexer(after["age_band"].to_numpy(dtype=object))
    dob = history.children["dob"].to_numpy()
    need = kids[band_start[kids] < 0]
    entered_day = np.where(has_days[need], first_of[need], start_n).astype("datetime64[ns]")
    band_start[need] = band_index.get_indexer(age_band(_ages(pd.Series(dob[need]), pd.Series(entered_day))).to_numpy(
        dtype=object))
    need = kids[band_end[kids] < 0]
    left_day = np.where(has_days[need], last_of[need], start_n).astype("datetime64[ns]")
    band_end[need] = band_index.get_indexer(age_band(_ages(pd.Series(dob[need]), pd.Series(left_day))).to_numpy(
        dtype=object))
    ns, nb = len(states), len(bands)
    key = ((from_state[kids] * nb + band_start[kids]) * ns + to_state[kids]) * nb + band_end[kids]
    counts = np.bincount(key, minlength=ns * nb * ns * nb)
    found = np.flatnonzero(counts)  # in the order of the text keys, as sorted by a groupby on them
    ae, rest = found % nb, found // nb
    ts, rest = rest % ns, rest // ns
    ab, fs = rest % nb, rest // nb
    return pd.DataFrame({"from_state": np.array(states, dtype=object)[fs],
                         "age_band_start": np.array(bands, dtype=object)[ab],
                         "to_state": np.array(states, dtype=object)[ts],
                         "age_band_end": np.array(bands, dtype=object)[ae],
                         "children": counts[found]})


def forecast_tables(history: CaseHistory, year: int) -> dict[str, pd.DataFrame]:
    """``flows`` and ``looked_after_by_age_and_placement`` for one year (what ``extract_to_data`` writes)."""
    snap = snapshot(history, year)
    return {"flows": flows(history, year, snap),
            "looked_after_by_age_and_placement": looked_after_by_age_and_placement(snap)}
