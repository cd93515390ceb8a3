"""The fallback: trend and population, when there are no ``flows`` tables.

The age-band projection of ``stats.children.project_looked_after`` (a straight
line through each band's rate per 10,000 over the last five years, applied to
the projected population, with an 80% prediction interval) is split into
placement groups by each band's mix at the last 31 March
(``looked_after_by_age_and_placement``; without it, the whole population's
mix from ``looked_after``'s placement types). Low and high are split the same
way, so the range is the trend's own uncertainty, not a fixed percentage.

Example: 10 to 15 projected at 120 (low 110, high 130) with 70% of that band in
fostering now: fostering 10 to 15 is 84 (77 to 91).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import YearView
from ..stats import children as stats
from .model import BANDS, GROUPS


def truncated(view: YearView, origin: int) -> YearView:
    """The view as it stood in ``origin`` (years up to and including it)."""
    history = {y: t for y, t in view.history.items() if y <= origin}
    return YearView(origin, history.get(origin, {}), history, view.reference, view.authority)


def group_mix(view: YearView, year: int) -> np.ndarray | None:
    """(5, 4): each band's share in each group at 31 March ``year``."""
    frame = view.table("looked_after_by_age_and_placement", year)
    mix = np.zeros((len(BANDS), len(GROUPS)))
    if frame is not None and not frame.empty:
        for b, g, n in zip(frame["age_band"], frame["placement_group"], frame["children"]):
            if b in BANDS and g in GROUPS and not pd.isna(n):
                mix[BANDS.index(b), GROUPS.index(g)] += n
    else:
        types = stats.looked_after_breakdown(view.table("looked_after", year), "placement_type")
        groups = stats.grouped(types, stats.PLACEMENT_GROUPS)
        if any(groups[g] is None for g in GROUPS):
            return None
        mix[:] = [groups[g] for g in GROUPS]
    totals = mix.sum(axis=1, keepdims=True)
    overall = mix.sum(axis=0) / mix.sum() if mix.sum() else np.full(len(GROUPS), 1 / len(GROUPS))
    return np.where(totals > 0, mix / np.where(totals > 0, totals, 1), overall)


def trend_forecast(view: YearView, origin: int, horizon: int = 3) -> pd.DataFrame | None:
    """The summarise()-shaped frame (year, age_band, placement_group, children, low, high), or None."""
    past = truncated(view, origin)
    projection = stats.project_looked_after(past, years_ahead=horizon)
    mix = group_mix(past, origin)
    if mix is None or any(b.children is None for b in projection.bands):
        return None
    rows = []
    for year in projection.years:
        bands = {b.age_band: b for b in projection.bands if b.year == year}
        cells = {}
        for i, band in enumerate(BANDS):
            p = bands[band]
            for j, group in enumerate(GROUPS):
                cells[(band, group)] = (p.children * mix[i, j], p.low * mix[i, j], p.high * mix[i, j])
        total = [sum(v[k] for v in cells.values()) for k in range(3)]
        rows.append((year, "all", "all", *total))
        for group in GROUPS:
            rows.append((year, "all", group, *[sum(cells[(b, group)][k] for b in BANDS) for k in range(3)]))
        for band in BANDS:
            rows.append((year, band, "all", *[sum(cells[(band, g)][k] for g in GROUPS) for k in range(3)]))
        for (band, group), v in cells.items():
            rows.append((year, band, group, *v))
    return pd.DataFrame(rows, columns=["year", "age_band", "placement_group", "children", "low", "high"])
