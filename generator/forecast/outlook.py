"""Everything the forecast publishes for one statement year, computed once per view.

``outlook(view)`` gathers the baseline forecast, its backtest and errors (and,
on the same origins, the other method's and the no-change benchmark's), each
scenario's forecast, projected spend (baseline and scenarios) and the gap
tables, so the template names and the catalogue's outputs show the same
figures. Cached on the view.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..dataset import YearView
from . import costs, gap
from .run import Forecast, _cache, backtest, errors, forecast
from .scenarios import Scenario, scenarios

INPUTS = {
    "transition": ("flows.children", "looked_after_by_age_and_placement.children", "population.population"),
    "trend": ("looked_after.children", "population.population"),
}


@dataclass
class Outlook:
    view: YearView
    baseline: Forecast | None
    backtest: pd.DataFrame
    errors: pd.DataFrame
    comparison: dict[str, pd.DataFrame] = field(default_factory=dict)   # method -> errors, every method
    backtests: dict[str, pd.DataFrame] = field(default_factory=dict)    # method -> backtest, same origins
    scenarios: list[tuple[Scenario, Forecast]] = field(default_factory=list)
    spend: dict[str, pd.DataFrame | None] = field(default_factory=dict)  # "baseline" or scenario slug -> spend
    gaps: dict[str, pd.DataFrame] = field(default_factory=dict)          # "baseline" or scenario slug -> gap

    @property
    def sources(self) -> tuple[str, ...]:
        return INPUTS[self.baseline.method] if self.baseline else INPUTS["trend"]


def outlook(view: YearView) -> Outlook:
    cache = _cache(view)
    if "outlook" in cache:
        return cache["outlook"]
    base = forecast(view)
    bt = backtest(view) if base else pd.DataFrame()
    result = Outlook(view, base, bt, errors(bt) if base else errors(pd.DataFrame()))
    for method in ("transition", "trend", "no_change"):
        result.backtests[method] = backtest(view, method) if base else pd.DataFrame()
        result.comparison[method] = errors(result.backtests[method])
    if base is not None:
        result.spend["baseline"] = costs.projected_spend(view, base)
        result.gaps["baseline"] = gap.gap_table(view, base)
        if base.method == "transition":
            for scenario in scenarios(view, base.years):
                fc = forecast(view, levers=scenario.levers, key=f"scenario:{scenario.slug}")
                result.scenarios.append((scenario, fc))
                result.spend[scenario.slug] = costs.projected_spend(view, fc, scenario.carers_added)
                result.gaps[scenario.slug] = gap.gap_table(view, fc, scenario.carers_added)
    cache["outlook"] = result
    return result
