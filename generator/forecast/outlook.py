"""Everything the forecast publishes for one statement year, computed once per view.

``outlook(view)`` gathers the baseline forecast, its backtest and errors (and,
on the same origins, the other method's and the no-change benchmark's), each
scenario's forecast, projected spend (baseline and scenarios) and the gap
tables, so the template names and the catalogue's outputs show the same
figures. Each is worked out once a view, when first asked for, and kept in the view's cache.
"""
from __future__ import annotations

import pandas as pd

from ..dataset import YearView
from . import costs, gap
from .run import Forecast, _cache, backtest, errors, forecast, transition_inputs
from .scenarios import Scenario, scenarios

INPUTS = {
    "transition": ("flows.children", "looked_after_by_age_and_placement.children", "population.population"),
    "trend": ("looked_after.children", "population.population"),
}


class Outlook:
    """The forecast's results for one view, each worked out when first asked for and kept in the view's
    cache (``dataset.ViewCache``), so that what each reads is known on its own (``dataset.reading``): a
    perturbed copy that moved nothing the baseline forecast reads shows its figures without working out the
    backtests (``disclosure.on_copies``).

    ``baseline``: the forecast; ``backtest``/``errors``: its backtest and errors; ``backtests``/``comparison``:
    every method's (transition, trend, no change) on the same origins; ``scenarios``: each scenario's
    forecast (transition only); ``spend``/``gaps``: projected spend and the gap tables, "baseline" then each
    scenario's slug."""

    def __init__(self, view: YearView):
        self.view = view

    def _kept(self, key: str, compute):
        cache = _cache(self.view)
        if ("outlook", key) not in cache:
            cache[("outlook", key)] = compute()
        return cache[("outlook", key)]

    @property
    def baseline(self) -> Forecast | None:
        return forecast(self.view)

    @property
    def backtest(self) -> pd.DataFrame:
        return backtest(self.view) if self.baseline else pd.DataFrame()

    @property
    def errors(self) -> pd.DataFrame:
        return self._kept("errors", lambda: errors(self.backtest) if self.baseline else errors(pd.DataFrame()))

    @property
    def backtests(self) -> dict[str, pd.DataFrame]:
        return self._methods()[0]

    @property
    def comparison(self) -> dict[str, pd.DataFrame]:
        return self._methods()[1]

    def _methods(self) -> tuple[dict, dict]:
        def compute():
            backtests, comparison = {}, {}
            for method in ("transition", "trend", "no_change"):
                backtests[method] = backtest(self.view, method) if self.baseline else pd.DataFrame()
                comparison[method] = errors(backtests[method])
            return backtests, comparison
        return self._kept("methods", compute)

    @property
    def scenarios(self) -> list[tuple[Scenario, Forecast]]:
        def compute():
            base = self.baseline
            if base is None or base.method != "transition":
                return []
            return [(scenario, forecast(self.view, levers=scenario.levers, key=f"scenario:{scenario.slug}"))
                    for scenario in scenarios(self.view, base.years)]
        return self._kept("scenarios", compute)

    def _per_scenario(self, name: str, table) -> dict:
        """``table(view, forecast, carers_added)`` for the baseline and each scenario, kept as ``name``."""
        def compute():
            base = self.baseline
            if base is None:
                return {}
            return {"baseline": table(self.view, base),
                    **{scenario.slug: table(self.view, fc, scenario.carers_added) for scenario, fc in self.scenarios}}
        return self._kept(name, compute)

    @property
    def spend(self) -> dict[str, pd.DataFrame | None]:
        return self._per_scenario("spend", costs.projected_spend)

    @property
    def gaps(self) -> dict[str, pd.DataFrame]:
        return self._per_scenario("gaps", gap.gap_table)

    @property
    def sources(self) -> tuple[str, ...]:
        return INPUTS[self.baseline.method] if self.baseline else INPUTS["trend"]


def outlook(view: YearView) -> Outlook:
    """The view's ``Outlook`` (its results are worked out when asked for)."""
    return Outlook(view)


def simulate_ahead(views: list[YearView]) -> None:
    """Make the transition model's simulations for the statement years' ``views`` (their forecasts, backtests
    and scenarios) in this process (issue 14): the years share their backtests' origins, so the build makes
    them once and hands them to each year's job (``run.simulations_made``, ``run.take_simulations``), which
    finds the ones it needs among them (kept by their inputs) rather than making them again."""
    for view in views:
        if transition_inputs(view, view.year) is None:
            continue  # forecast by the trend: nothing simulated
        backtest(view)
        Outlook(view).scenarios  # noqa: B018 - made for the simulations it leaves in run._SIMULATED
