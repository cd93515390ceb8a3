"""The forecast of a statement year, its backtest and its scenarios, from a ``YearView``.

``forecast(view)`` stands at 31 March of ``view.year`` and projects the next
three years: the transition model (``model``) when the reference window has
``flows`` (at least ``MIN_WINDOW`` years) and the year's
``looked_after_by_age_and_placement``; otherwise the trend-and-population
fallback (``trend``). Every forecast says which method made it.

``backtest(view)`` stands in every earlier year the same method could forecast
from, using only the data of that year and before, and sets the forecasts one
and two years ahead against what happened (``looked_after`` at 31 March,
grouped). ``errors`` sums that up: mean absolute percentage error, mean signed
error, and how often the actual fell inside the 10th-90th percentile range.

Results are cached on the view (a build asks for them from many outputs).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import YearView
from ..stats import children as stats
from . import model as M
from .trend import trend_forecast

HORIZON = 3
BACKTEST_HORIZONS = (1, 2)
#: Futures simulated for each backtest forecast (fewer than the published forecast's: the
#: backtest needs the mean and the 10th-90th range, which 400 futures pin down to about a child).
BACKTEST_SIMULATIONS = 400
METHODS = {
    "transition": "transition model (entries, moves between placement groups, leaving care and ageing, "
                  "from the SSDA903 flows)",
    "trend": "trend and population (rate per 10,000 by age band applied to the projected population)",
}


@dataclass
class Forecast:
    origin: int                      # the 31 March it stands at
    years: tuple[int, ...]
    method: str                      # "transition" or "trend"
    frame: pd.DataFrame              # year, age_band, placement_group, children, low, high
    window: tuple[int, ...] = ()     # the reference window (years of flows, or of rates for the trend)
    samples: np.ndarray | None = None

    def value(self, year: int, group: str = "all", band: str = "all", what: str = "children") -> float:
        """One figure of the forecast (NaN if the year or cell is not forecast)."""
        index = self.__dict__.get("_index")
        if index is None:
            f = self.frame
            index = self.__dict__["_index"] = {
                (int(y), g, b): (c, lo, hi) for y, g, b, c, lo, hi in zip(
                    f["year"], f["placement_group"], f["age_band"], f["children"], f["low"], f["high"])}
        cell = index.get((year, group, band))
        return float("nan") if cell is None else float(cell[("children", "low", "high").index(what)])


def _cache(view) -> dict:
    cache = view.__dict__.get("_forecast_cache")
    if cache is None:
        cache = view.__dict__["_forecast_cache"] = {}
    return cache


def population(view: YearView) -> dict[tuple[int, str], float]:
    return stats.population_by_year_and_band(view.reference.get("population"))


def future_exposure(view: YearView, years) -> dict[int, np.ndarray] | None:
    """Population of each band in each future year (the latest earlier year's when missing)."""
    pop = population(view)
    out = {}
    for year in years:
        values = []
        for band in M.BANDS:
            earlier = [y for (y, b) in pop if b == band and y <= year]
            if not earlier:
                return None
            values.append(pop[(max(earlier), band)])
        out[year] = np.array(values, dtype=float)
    return out


def window_years(view: YearView, origin: int) -> tuple[int, ...]:
    """The last ``WINDOW`` years up to ``origin`` with a ``flows`` table."""
    years = [y for y in view.years if y <= origin and view.table("flows", y) is not None
             and not view.table("flows", y).empty]
    return tuple(years[-M.WINDOW:])


def transition_inputs(view: YearView, origin: int):
    """(rates, start stock) for the transition model standing at ``origin``, or None if it cannot."""
    window = window_years(view, origin)
    if len(window) < M.MIN_WINDOW or origin not in view.history:
        return None
    start = M.state_vector(view.table("looked_after_by_age_and_placement", origin))
    if start is None:
        return None
    rates = M.rates_from_flows({y: view.table("flows", y) for y in window}, population(view))
    return rates, start


def forecast(view: YearView, origin: int | None = None, levers: M.Levers | None = None,
             method: str | None = None, key: str = "baseline", simulations: int = M.SIMULATIONS) -> Forecast | None:
    """The forecast standing at 31 March ``origin`` (the view's year by default); None if no method can."""
    origin = view.year if origin is None else origin
    cache = _cache(view)
    cache_key = ("forecast", origin, method, key, simulations)
    if cache_key in cache:
        return cache[cache_key]
    years = tuple(origin + k for k in range(1, HORIZON + 1))
    result = None
    inputs = transition_inputs(view, origin) if method in (None, "transition") else None
    if inputs is not None:
        rates, start = inputs
        samples = M.simulate(rates, start, years, future_exposure(view, years), levers, simulations=simulations)
        result = Forecast(origin, years, "transition", M.summarise(samples, years), rates.window, samples)
    elif method in (None, "trend"):
        frame = trend_forecast(view, origin, HORIZON)
        if frame is not None:
            used = stats.project_looked_after(_past(view, origin)).base_years
            result = Forecast(origin, years, "trend", frame, used)
    cache[cache_key] = result
    return result


def _past(view, origin):
    from .trend import truncated
    return truncated(view, origin)


def actual_by_group(view: YearView, year: int) -> dict[str, float] | None:
    """Children looked after at 31 March ``year`` by placement group, and 'all' (None if not known)."""
    if year not in view.history:
        return None
    types = stats.looked_after_breakdown(view.table("looked_after", year), "placement_type")
    groups = stats.grouped(types, stats.PLACEMENT_GROUPS)
    total = stats.looked_after_total(view.table("looked_after", year))
    if total is None or any(v is None for v in groups.values()):
        return None
    return {"all": total, **groups}


def backtest(view: YearView, method: str | None = None) -> pd.DataFrame:
    """Forecast against actual for every origin with a forecast and a known outcome.

    Columns: origin, horizon, year, placement_group ('all' or a group), forecast,
    low, high, actual, method. ``method`` defaults to the method of the view's
    own forecast.
    """
    if method is None:
        own = forecast(view)
        method = own.method if own else None
    cache = _cache(view)
    if ("backtest", method) in cache:
        return cache[("backtest", method)]
    rows = []
    for origin in view.years:
        if origin >= view.year or method is None:
            continue
        past = forecast(view, origin, method=method, simulations=BACKTEST_SIMULATIONS)
        if past is None or past.method != method:
            continue
        for horizon in BACKTEST_HORIZONS:
            year = origin + horizon
            actual = actual_by_group(view, year) if year <= view.year else None
            if actual is None:
                continue
            for group in ("all", *M.GROUPS):
                rows.append((origin, horizon, year, group, past.value(year, group), past.value(year, group, what="low"),
                             past.value(year, group, what="high"), actual[group], method))
    frame = pd.DataFrame(rows, columns=["origin", "horizon", "year", "placement_group", "forecast", "low", "high",
                                        "actual", "method"])
    cache[("backtest", method)] = frame
    return frame


def errors(backtest_frame: pd.DataFrame) -> pd.DataFrame:
    """Errors by horizon and group: forecasts, mape (%), signed (children), signed_percent, coverage (%).

    Absolute percentage error |forecast − actual| / actual × 100, averaged over
    the origins (actuals of 0 are left out of it); signed error forecast −
    actual (positive: the forecast was too high); coverage: the share of
    actuals inside the 10th to 90th percentile range.
    Example: forecasts 110 and 95 against actuals 100 and 100: MAPE 7.5%,
    signed error +2.5 children.
    """
    rows = []
    if backtest_frame.empty:
        return pd.DataFrame(columns=["horizon", "placement_group", "forecasts", "mape", "signed", "signed_percent",
                                     "coverage"])
    for (horizon, group), part in backtest_frame.groupby(["horizon", "placement_group"], sort=False):
        f, a = part["forecast"].to_numpy(float), part["actual"].to_numpy(float)
        ok = a > 0
        ape = np.abs(f[ok] - a[ok]) / a[ok] * 100
        spe = (f[ok] - a[ok]) / a[ok] * 100
        inside = (part["low"].to_numpy(float) <= a + 0.5) & (a - 0.5 <= part["high"].to_numpy(float))
        rows.append((int(horizon), group, len(part), float(ape.mean()) if ok.any() else float("nan"),
                     float((f - a).mean()), float(spe.mean()) if ok.any() else float("nan"),
                     float(inside.mean() * 100)))
    return pd.DataFrame(rows, columns=["horizon", "placement_group", "forecasts", "mape", "signed", "signed_percent",
                                       "coverage"])
