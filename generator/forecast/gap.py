"""The sufficiency gap: forecast demand by placement group against the capacity the council has.

Capacity at the statement year's 31 March, held for the years ahead (plus any
foster carers a scenario adds):

* fostering: the council's own approved foster places that can take a child
  (``fostering_capacity``: approved places less those vacant but not
  available; short-break carers left out, as their places are for short
  breaks), plus block and framework fostering places (``contracted_capacity``);
* residential: in-house, block and framework places in children's homes,
  secure, residential schools and parent and child placements
  (``contracted_capacity``);
* supported: the same for supported accommodation;
* other (placed with parents, for adoption): no commissioned capacity (``z``).

Gap = forecast demand − capacity: a positive gap is the children who will
need a place bought one at a time (spot purchase) or new capacity; negative is
spare. The gap at the high end of the forecast range is shown too. Only totals
are used: the places of named providers (commercially sensitive) never are.

Example: fostering demand 240 (high 255); 160 in-house places that can take a
child, 20 framework places: gap 60 (high 75).
"""
from __future__ import annotations

import pandas as pd

from ..dataset import YearView
from . import model as M
from .costs import SERVICE_GROUP, places_per_household
from .run import Forecast

ARRANGEMENT_COLUMNS = ("in_house", "block", "framework")
COMMISSIONED = ("fostering", "residential", "supported")


def capacity(view: YearView) -> dict[str, dict[str, float | None]]:
    """Places by group and arrangement at the statement year's 31 March (None: not known)."""
    out = {g: {a: None for a in ARRANGEMENT_COLUMNS} for g in COMMISSIONED}
    foster = view.table("fostering_capacity")
    if foster is not None and not foster.empty:
        usable = foster[foster["carer_type"] != "short_breaks"]
        free = usable["approved_places"] - usable["vacant_not_available"]
        if len(free) and not free.isna().any():  # places not given (issue 10): not known, never 0
            out["fostering"]["in_house"] = float(free.sum())
    contracted = view.table("contracted_capacity")
    if contracted is not None and not contracted.empty:
        c = contracted.copy()
        c["placement_group"] = c["service"].map(SERVICE_GROUP)
        for group in COMMISSIONED:
            for arrangement in ARRANGEMENT_COLUMNS:
                if group == "fostering" and arrangement == "in_house":
                    continue  # the council's own carers come from fostering_capacity
                places = c[(c["placement_group"] == group) & (c["arrangement"] == arrangement)]["places"].sum()
                out[group][arrangement] = float(places)
    return out


def gap_table(view: YearView, fc: Forecast, carers_added: dict[int, float] | None = None) -> pd.DataFrame:
    """Rows: year, placement_group, demand, demand_high, in_house, block, framework, capacity, gap, gap_high."""
    places = capacity(view)
    per_household, _ = places_per_household(view)
    rows = []
    for year in fc.years:
        for group in M.GROUPS:
            demand, high = fc.value(year, group), fc.value(year, group, what="high")
            if group not in COMMISSIONED:
                rows.append((year, group, demand, high, None, None, None, None, None, None))
                continue
            parts = dict(places[group])
            if group == "fostering" and parts["in_house"] is not None and carers_added:
                parts["in_house"] += carers_added.get(year, 0.0) * per_household
            known = [v for v in parts.values() if v is not None]
            total = sum(known) if known else None
            rows.append((year, group, demand, high, parts["in_house"], parts["block"], parts["framework"], total,
                         None if total is None else demand - total, None if total is None else high - total))
    return pd.DataFrame(rows, columns=["year", "placement_group", "demand", "demand_high", *ARRANGEMENT_COLUMNS,
                                       "capacity", "gap", "gap_high"])
