"""The forecast of a statement year, its backtest and its scenarios, from a ``YearView``.

``forecast(view)`` stands at 31 March of ``view.year`` and projects the next
three years: the transition model (``model``) when the reference window has
``flows`` (at least ``MIN_WINDOW`` years) and the year's
``looked_after_by_age_and_placement``; otherwise the trend-and-population
fallback (``trend``). Every forecast says which method made it.

**The reference window** (how many years of flows the rates pool) is the
analyst's ``forecast_window`` in ``authority.yml`` when set; by default it is
chosen at each origin by what worked best before it (``choose_window``): each
candidate window's central forecast, one and two years ahead, from every
earlier origin they can all forecast from, against the children then looked
after; the window with the smallest mean absolute percentage error wins
(``DEFAULT_WINDOW`` when no two windows can be compared on at least two
earlier origins).

``backtest(view)`` stands in every earlier year the method could forecast
from, using only the data of that year and before, and sets the forecasts one
and two years ahead against what happened (``looked_after`` at 31 March,
grouped). A backtest forecast is made exactly as the statement of its year made
its own: the same window choice, the same futures (``SIMULATIONS``, the same
seed), the same data. So a statement's backtest row for an origin that had a
statement is the forecast that statement published. Beside the method it sets,
on the same origins, the trend method and the no-change benchmark (the last
count carried forward). ``errors`` sums each up: mean absolute percentage
error, mean signed error, and how often the actual fell inside the 10th-90th
percentile range.

Results are cached on the view (a build asks for them from many outputs) and,
for the simulation, by its inputs (so the perturbed copies disclosure control
builds share the futures when their inputs are the same).
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import ViewCache, YearView, reading, record
from ..stats import children as stats
from . import model as M
from .trend import trend_forecast

HORIZON = 3
BACKTEST_HORIZONS = (1, 2)
#: Reference windows (years of flows pooled) compared when the analyst sets none.
CANDIDATE_WINDOWS = (2, 3, 4, 5)
DEFAULT_WINDOW = M.WINDOW
METHODS = {
    "transition": "transition model (entries, moves between placement groups, leaving care and ageing, "
                  "from the SSDA903 flows)",
    "trend": "trend and population (rate per 10,000 by age band applied to the projected population)",
    "no_change": "no change (the number looked after at 31 March carried forward)",
}
#: How the reference window was set, in words (``Forecast.window_choice``).
WINDOW_CHOICES = {
    "setting": "set by the analyst (forecast_window in authority.yml)",
    "backtest": "the window that forecast earlier years best",
    "default": "the default: too few earlier years to compare windows",
}


@dataclass
class Forecast:
    origin: int                      # the 31 March it stands at
    years: tuple[int, ...]
    method: str                      # "transition" or "trend"
    frame: pd.DataFrame              # year, age_band, placement_group, children, low, high
    window: tuple[int, ...] = ()     # the reference window (years of flows, or of rates for the trend)
    samples: np.ndarray | None = None
    window_choice: str = "default"   # a WINDOW_CHOICES key

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


def _cache(view) -> ViewCache:
    """The view's results (``dataset.ViewCache``: each remembers what working it out read)."""
    return view.cache


def population(view: YearView) -> dict[tuple[int, str], float]:
    cache = _cache(view)
    if "population" not in cache:  # worked out once a view (issue 14); callers only read it
        cache["population"] = stats.population_by_year_and_band(view.reference.get("population"))
    return cache["population"]


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


def flow_years(view: YearView, origin: int) -> list[int]:
    """Years up to ``origin`` with a ``flows`` table, oldest first."""
    return [y for y in view.years if y <= origin and view.table("flows", y) is not None
            and not view.table("flows", y).empty]


def window_years(view: YearView, origin: int, size: int | None = None) -> tuple[int, ...]:
    """The last ``size`` years up to ``origin`` with a ``flows`` table (the chosen window by default)."""
    years = flow_years(view, origin)
    if size is None:
        size = choose_window(view, origin)[0]
    return tuple(years[-size:])


def _stock(view: YearView, year: int) -> np.ndarray | None:
    cache = _cache(view)
    if ("stock", year) not in cache:  # the window's choice and the backtests read each year's many times
        cache[("stock", year)] = M.state_vector(view.table("looked_after_by_age_and_placement", year)) \
            if year in view.history else None
    stock = cache[("stock", year)]
    return None if stock is None else stock.copy()


def _rates(view: YearView, window: tuple[int, ...], origin: int) -> M.Rates:
    """The rates of ``window`` (with the drift of every year up to ``origin``); worked out once a view for
    each window and origin (issue 14: choosing the window and the backtests asked again and again).
    Nothing changes a ``Rates`` once made, so the same one is handed out."""
    cache = _cache(view)
    key = ("rates", tuple(window), origin)
    if key not in cache:
        rates = M.rates_from_flows({y: view.table("flows", y) for y in window}, population(view))
        rates.drift = _drift(view, origin)
        cache[key] = rates
    return cache[key]


def _drift(view: YearView, origin: int) -> tuple[float, float]:
    """The drift of every year of flows up to ``origin`` (``model.drift_from_history``): worked out once a view
    and origin, whichever window the rates pool (issue 14)."""
    cache = _cache(view)
    key = ("drift", origin)
    if key not in cache:
        cache[key] = M.drift_from_history({y: view.table("flows", y) for y in flow_years(view, origin)},
                                          population(view))
    return cache[key]


def choose_window(view: YearView, origin: int) -> tuple[int, str]:
    """(years of flows to pool, how it was chosen: a ``WINDOW_CHOICES`` key) for the forecast at ``origin``.

    Uses only data up to ``origin``, so the choice a statement made is the
    choice its backtest remakes. Example: with flows for 2019 to 2025 and
    nothing set, windows of 2, 3, 4 and 5 years are each run from 2023 and 2024
    (the origins all four can forecast from, whose next year is known by 2025);
    the one whose central forecasts were closest to what happened is used.
    """
    cache = _cache(view)
    if ("window", origin) in cache:
        return cache[("window", origin)]
    available = len(flow_years(view, origin))
    setting = getattr(view.authority, "forecast_window", None)
    if setting:
        result = (min(int(setting), available), "setting")
    else:
        result = (min(DEFAULT_WINDOW, available), "default")
        scores = _window_scores(view, origin)
        if scores:
            best = min(scores, key=lambda w: (round(scores[w], 9), w != DEFAULT_WINDOW, w))
            result = (best, "backtest")
    cache[("window", origin)] = result
    return result


def _window_scores(view: YearView, origin: int) -> dict[int, float]:
    """Mean absolute percentage error of each candidate window's central forecasts before ``origin``."""
    years = flow_years(view, origin)
    candidates = [w for w in CANDIDATE_WINDOWS if w <= len(years)]
    for widest in sorted(candidates, reverse=True)[:-1]:  # at least two windows to compare
        starts = [o for o in years if o < origin and len([y for y in years if y <= o]) >= widest
                  and _stock(view, o) is not None and _stock(view, o + 1) is not None]
        if len(starts) >= 2:
            break
    else:
        return {}
    scores = {}
    for size in [w for w in candidates if w <= widest]:
        errors = []
        for start in starts:
            window = tuple(y for y in years if y <= start)[-size:]
            rates = _rates(view, window, start)
            ahead = tuple(y for y in (start + 1, start + 2) if y <= origin and _stock(view, y) is not None)
            path = M.expected_path(rates, _stock(view, start), ahead, future_exposure(view, ahead))
            for k, year in enumerate(ahead):
                actual = _stock(view, year).sum()
                if actual > 0:
                    errors.append(abs(path[k].sum() - actual) / actual)
        scores[size] = float(np.mean(errors)) * 100
    return scores


def transition_inputs(view: YearView, origin: int):
    """(rates, start stock) for the transition model standing at ``origin``, or None if it cannot."""
    window = window_years(view, origin)
    if len(window) < M.MIN_WINDOW or origin not in view.history:
        return None
    start = _stock(view, origin)
    if start is None:
        return None
    return _rates(view, window, origin), start


#: Simulations by their inputs (digest -> (samples, their ``model.summarise``)): the same inputs give the same
#: futures.
_SIMULATED: dict[str, tuple[np.ndarray, pd.DataFrame]] = {}


def _simulate(rates: M.Rates, start, years, exposure, levers, simulations) -> tuple[np.ndarray, pd.DataFrame]:
    """(samples, their summary) of the simulation of these inputs, made once (``_SIMULATED``)."""
    import hashlib

    digest = hashlib.sha256()
    for part in (rates.moves, rates.entries, rates.exposure, np.asarray(rates.drift), np.asarray(start),
                 np.asarray(years)):
        digest.update(np.ascontiguousarray(part, dtype=float).tobytes())
    digest.update(repr((rates.per_population, simulations, M.SEED)).encode())
    for year, values in sorted((exposure or {}).items()):
        digest.update(repr(year).encode() + np.ascontiguousarray(values, dtype=float).tobytes())
    if levers is not None:
        digest.update(repr(sorted((y, v.tolist()) for y, v in levers.entries.items())).encode())
        digest.update(repr(sorted((y, v.tolist()) for y, v in levers.exits.items())).encode())
        digest.update(repr(sorted(levers.shifts.items())).encode())
    key = digest.hexdigest()
    if key not in _SIMULATED:
        if len(_SIMULATED) > 256:
            _SIMULATED.clear()
        samples = M.simulate(rates, start, years, exposure, levers, simulations=simulations)
        _SIMULATED[key] = (samples, M.summarise(samples, years))
    return _SIMULATED[key]


def simulations_made() -> dict[str, tuple[np.ndarray, pd.DataFrame]]:
    """The simulations made in this process, by their inputs (for ``take_simulations`` in another)."""
    return dict(_SIMULATED)


def take_simulations(simulations: dict[str, tuple[np.ndarray, pd.DataFrame]]) -> None:
    """Keep ``simulations`` (``simulations_made`` of another process) as made here: a simulation is the same
    whoever makes it (the same inputs, the same seed), so only the work is saved."""
    if len(_SIMULATED) + len(simulations) > 256:
        _SIMULATED.clear()
    _SIMULATED.update(simulations)


#: Transition forecasts by the very tables they were made from (issue 14). A perturbed copy of a view shares
#: every table nothing moves in (``disclosure.perturbed_tables``), and the views of the statement years share
#: the tables of the years they have in common; the transition model standing at an origin reads only the
#: flows and the children by age and placement of the years up to it and the population of the years up to
#: its last forecast year (and the window setting, the levers): where another view (a copy, a later statement
#: year's view) has the same, its forecast is the first view's, and is not made again. Keyed by the tables'
#: identities, which are kept alive with the entry so that no other table can take their place, and by the
#: population's figures; each entry keeps what making it read (``dataset.reading``), read again when it is
#: taken.
_TRANSITIONS: dict[tuple, tuple[tuple, Forecast, frozenset]] = {}

#: id(population frame) -> (a weak reference to the frame, its figures by year and band), for ``_TRANSITIONS``'
#: keys: worked out once a frame (each view has its own copy of the reference table; its perturbed copies share
#: it).
_POPULATION: dict[int, tuple[weakref.ref, dict]] = {}


def _population_key(frame: pd.DataFrame | None, last_year: int) -> str:
    """The population figures of the years up to ``last_year`` (what the transition model reads of it)."""
    if frame is None:
        return "none"
    known = _POPULATION.get(id(frame))
    if known is None or known[0]() is not frame:
        for key in [k for k, (ref, _) in _POPULATION.items() if ref() is None]:
            del _POPULATION[key]
        known = _POPULATION[id(frame)] = (weakref.ref(frame), stats.population_by_year_and_band(frame))
    return repr(sorted((k, v) for k, v in known[1].items() if k[0] <= last_year))


def _transition_key(view: YearView, origin: int, levers, simulations: int) -> tuple[tuple, tuple]:
    """(key, the tables it names) for ``_TRANSITIONS``: everything the transition model at ``origin`` reads."""
    years = tuple(year for year in sorted(view.history) if year <= origin)
    tables = tuple(view.history[year].get(name) for year in years
                   for name in ("flows", "looked_after_by_age_and_placement"))
    if levers is None:
        lever_key = None
    else:
        lever_key = (repr(sorted((y, v.tolist()) for y, v in levers.entries.items())),
                     repr(sorted((y, v.tolist()) for y, v in levers.exits.items())),
                     repr(sorted(levers.shifts.items())))
    key = (origin, years, tuple(id(t) for t in tables),
           _population_key(view.reference.get("population"), origin + HORIZON),
           getattr(view.authority, "forecast_window", None), lever_key, simulations)
    return key, tables


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
    shared_key, shared_inputs = _transition_key(view, origin, levers, simulations) \
        if method in (None, "transition") else (None, ())
    if shared_key in _TRANSITIONS:
        _, result, used = _TRANSITIONS[shared_key]
        record(used)
        cache[cache_key] = result
        return result
    with reading() as used:
        inputs = transition_inputs(view, origin) if method in (None, "transition") else None
        if inputs is not None:
            rates, start = inputs
            samples, summary = _simulate(rates, start, years, future_exposure(view, years), levers, simulations)
            result = Forecast(origin, years, "transition", summary, rates.window, samples,
                              choose_window(view, origin)[1])
    if inputs is not None:
        if len(_TRANSITIONS) > 512:
            _TRANSITIONS.clear()
        _TRANSITIONS[shared_key] = (shared_inputs, result, frozenset(used))
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
    """Forecast against actual for every origin the view's own method could forecast from.

    Columns: origin, horizon, year, placement_group ('all' or a group), forecast,
    low, high, actual, method. ``method`` defaults to the method of the view's
    own forecast; another method ("trend", "no_change") is run on the same
    origins, so the errors compare like with like. The no-change forecast is
    the children looked after at the origin, by group, with no range.
    """
    own = forecast(view)
    own_method = own.method if own else None
    method = method or own_method
    cache = _cache(view)
    if ("backtest", method) in cache:
        return cache[("backtest", method)]
    rows = []
    for origin in view.years:
        if origin >= view.year or own_method is None:
            continue
        model = forecast(view, origin, method=own_method)
        if model is None or model.method != own_method:
            continue
        if method == "no_change":
            now = actual_by_group(view, origin)
            if now is None:
                continue
            def value(year, group, what="children", now=now):
                return now[group] if what == "children" else float("nan")
        else:
            past = model if method == own_method else forecast(view, origin, method=method)
            if past is None or past.method != method:
                continue
            value = past.value
        for horizon in BACKTEST_HORIZONS:
            year = origin + horizon
            actual = actual_by_group(view, year) if year <= view.year else None
            if actual is None:
                continue
            for group in ("all", *M.GROUPS):
                rows.append((origin, horizon, year, group, value(year, group), value(year, group, what="low"),
                             value(year, group, what="high"), actual[group], method))
    frame = pd.DataFrame(rows, columns=["origin", "horizon", "year", "placement_group", "forecast", "low", "high",
                                        "actual", "method"])
    cache[("backtest", method)] = frame
    return frame


def errors(backtest_frame: pd.DataFrame) -> pd.DataFrame:
    """Errors by horizon and group: forecasts, mape (%), signed (children), signed_percent, coverage (%).

    Absolute percentage error |forecast − actual| / actual × 100, averaged over
    the origins (actuals of 0 are left out of it); signed error forecast −
    actual (positive: the forecast was too high); coverage: the share of
    actuals inside the 10th to 90th percentile range (NaN for a method with no
    range, such as no change).
    Example: forecasts 110 and 95 against actuals 100 and 100: MAPE 7.5%,
    signed error +2.5 children.
    """
    rows = []
    if backtest_frame.empty:
        return pd.DataFrame(columns=["horizon", "placement_group", "forecasts", "mape", "signed", "signed_percent",
                                     "coverage"])
    # The rows of each horizon and group, groups in the order they first appear, a row missing either left out
    # (as groupby(sort=False) gives them; read here from the columns once, not a frame made a group).
    parts: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(backtest_frame["horizon"].tolist(), backtest_frame["placement_group"].tolist())):
        if not (pd.isna(key[0]) or pd.isna(key[1])):
            parts.setdefault(key, []).append(i)
    columns = {c: backtest_frame[c].to_numpy(float) for c in ("forecast", "actual", "low", "high")}
    for (horizon, group), index in parts.items():
        f, a = columns["forecast"][index], columns["actual"][index]
        ok = a > 0
        ape = np.abs(f[ok] - a[ok]) / a[ok] * 100
        spe = (f[ok] - a[ok]) / a[ok] * 100
        low, high = columns["low"][index], columns["high"][index]
        ranged = ~(np.isnan(low) | np.isnan(high))
        inside = (low[ranged] <= a[ranged] + 0.5) & (a[ranged] - 0.5 <= high[ranged])
        rows.append((int(horizon), group, len(index), float(ape.mean()) if ok.any() else float("nan"),
                     float((f - a).mean()), float(spe.mean()) if ok.any() else float("nan"),
                     float(inside.mean() * 100) if ranged.any() else float("nan")))
    return pd.DataFrame(rows, columns=["horizon", "placement_group", "forecasts", "mape", "signed", "signed_percent",
                                       "coverage"])
