"""Commissioners' scenarios: the ``scenarios`` table turned into model levers.

Each scenario (rows sharing a ``scenario`` name) is forecast with the same
random futures as the baseline (the same seed), so the difference between them
is the scenario's effect, not chance. Levers apply in every forecast year from
``start_year``:

* ``entries_change_percent``: the entry rate of the age band (or all) × (1 + value/100);
* ``exits_change_percent``: the chance of leaving care in a year × (1 + value/100);
* ``placement_shift_percent``: each year, value% of the children in ``from_group``
  (of the age band, or every band) move to ``to_group`` (binomial draws);
* ``in_house_foster_carers_added``: value households a year join the council's
  own carers; they change capacity (``gap``) and who provides foster care
  (``costs``), not the number of children.

Example: "Strategy", entries_change_percent, age_10_to_15, -15, from 2027:
from the year ending 31 March 2027, 15% fewer 10 to 15 year olds are expected
to start (and stay) in care each year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import YearView
from ..frames import records
from . import model as M


@dataclass
class Scenario:
    name: str
    slug: str
    description: str
    levers: M.Levers
    carers_added: dict[int, float] = field(default_factory=dict)  # year -> households added since the statement year


def slug(name: str) -> str:
    """A template-friendly name: "Edge of care + step-down" -> "edge_of_care_step_down"."""
    text = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")
    return text if text and not text[0].isdigit() else f"scenario_{text}"


def _bands(code) -> list[int]:
    if code is None or pd.isna(code) or code == "all":
        return list(range(len(M.BANDS)))
    return [M.BANDS.index(code)] if code in M.BANDS else []


def scenarios(view: YearView, years: tuple[int, ...]) -> list[Scenario]:
    """The statement year's scenarios (in the table's order), as levers for ``years``."""
    frame = view.table("scenarios")
    if frame is None or frame.empty:
        return []
    out = []
    for name in dict.fromkeys(frame["scenario"]):
        rows = frame[frame["scenario"] == name]
        levers = M.Levers()
        carers: dict[int, float] = {}
        descriptions = [d for d in rows.get("description", pd.Series(dtype=object)) if isinstance(d, str) and d]
        for r in records(rows):
            value, start = float(r["value"]), int(r["start_year"])
            active = [y for y in years if y >= start]
            lever = r["lever"]
            for k, year in enumerate(active):
                if lever in ("entries_change_percent", "exits_change_percent"):
                    target = levers.entries if lever.startswith("entries") else levers.exits
                    factor = target.setdefault(year, np.ones(len(M.BANDS)))
                    for b in _bands(r.get("age_band")):
                        factor[b] *= max(1 + value / 100, 0.0)
                elif lever == "placement_shift_percent":
                    g_from, g_to = r.get("from_group"), r.get("to_group")
                    if g_from in M.GROUPS and g_to in M.GROUPS and g_from != g_to:
                        levers.shifts.setdefault(year, []).append(
                            (M.GROUPS.index(g_from), M.GROUPS.index(g_to), value / 100,
                             tuple(_bands(r.get("age_band")))))
                elif lever == "in_house_foster_carers_added":
                    carers[year] = carers.get(year, 0.0) + value * (k + 1)
        out.append(Scenario(str(name), slug(name), " ".join(dict.fromkeys(descriptions)), levers, carers))
    return out
