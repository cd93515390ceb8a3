"""The forecast's template names: ``forecast``, ``backtest``, ``scenario``, ``projected_spend``, ``gap``.

(Listed in ARCHITECTURE.md.) ``n`` is ``year_1``, ``year_2``, ``year_3``;
``<group>`` a ``contract.FORECAST_GROUPS`` code; ``<slug>`` a scenario's name
in lower case with underscores ("Strategy" -> ``strategy``). Without the data a
figure needs, it is shown as ``x``; a scenario name that is not declared is an
error in the template, as any unknown name is.
"""
from __future__ import annotations

from .. import contract
from ..frames import records
from ..values import Figure, Namespace, format_value
from . import model as M
from .outlook import outlook
from .run import BACKTEST_HORIZONS, HORIZON, METHODS, WINDOW_CHOICES

HORIZON_NAMES = {1: "one_year", 2: "two_year"}
SPEND = ("spend_by_service.spend", "spend_by_service.weeks_of_care")
CAPACITY = ("fostering_capacity.approved_places", "fostering_capacity.vacant_not_available",
            "contracted_capacity.places")


def _count(value, sources) -> Figure:
    return Figure(None if value is None or value != value else value, "count", sources=tuple(sources))


def _year_namespace(fc, sources, year_index: int) -> Namespace:
    year = (fc.origin if fc else 0) + year_index
    ns = Namespace(year=Figure(year if fc else None, "year"))
    get = (lambda g, what, band="all": fc.value(year, g, band, what)) if fc else (lambda *a, **k: None)
    ns["total"], ns["low"], ns["high"] = (_count(get("all", w), sources) for w in ("children", "low", "high"))
    for group in M.GROUPS:
        ns[group] = Namespace(children=_count(get(group, "children"), sources), low=_count(get(group, "low"), sources),
                              high=_count(get(group, "high"), sources))
    ns["by_age"] = Namespace({band: Namespace(total=_count(get("all", "children", band), sources),
                                              low=_count(get("all", "low", band), sources),
                                              high=_count(get("all", "high", band), sources))
                              for band in M.BANDS})
    return ns


def _forecast(o) -> Namespace:
    fc = o.baseline
    ns = Namespace(method=METHODS[fc.method] if fc else "no forecast: not enough history",
                   method_code=fc.method if fc else "none",
                   window=(f"{fc.window[0]} to {fc.window[-1]}" if fc and fc.window else "none"),
                   window_years=Figure(len(fc.window) if fc and fc.window else None, "count"),
                   window_choice=(WINDOW_CHOICES.get(fc.window_choice, "") if fc and fc.method == "transition"
                                  else "none"),
                   origin=Figure(fc.origin if fc else None, "year"))
    for k in range(1, HORIZON + 1):
        ns[f"year_{k}"] = _year_namespace(fc, o.sources, k)
    return ns


def _error_leaf(row, sources) -> Namespace:
    """A method's errors at one horizon, rounded as the backtest_errors table shows them.

    Rounded here (not only when shown) so disclosure control compares what is
    published: an average error that moves in its second decimal place when a
    withheld count moves still reads the same, and gives nothing away.
    """
    def get(column, decimals):
        value = None if row is None else row[column]
        return None if value is None or value != value else round(float(value), decimals)

    return Namespace(mape=Figure(get("mape", 1), "percent", decimals=1, sources=sources),
                     signed=Figure(get("signed", 1), "number", decimals=1, sources=sources),
                     signed_percent=Figure(get("signed_percent", 1), "percent", decimals=1, sources=sources),
                     coverage=Figure(get("coverage", 0), "percent", sources=sources),
                     forecasts=Figure(None if row is None else row["forecasts"], "count", sources=sources))


def _backtest(o) -> Namespace:
    sources = o.sources + ("looked_after.children",)
    ns = Namespace(method=METHODS[o.baseline.method] if o.baseline else "none",
                   origins=Figure(int(o.backtest["origin"].nunique()) if not o.backtest.empty else 0, "count"))
    for horizon in BACKTEST_HORIZONS:
        rows = {r["placement_group"]: r for r in records(o.errors[o.errors["horizon"] == horizon])}
        leaf = _error_leaf(rows.get("all"), sources)
        for group in M.GROUPS:
            leaf[group] = _error_leaf(rows.get(group), sources)
        ns[HORIZON_NAMES[horizon]] = leaf
    for method, method_sources in (("trend", ("looked_after.children", "population.population")),
                                   ("no_change", ("looked_after.children",))):
        errors = o.comparison.get(method)
        ns[method] = Namespace({HORIZON_NAMES[h]: _error_leaf(
            next((r for r in records(errors) if r["horizon"] == h and r["placement_group"] == "all"),
                 None) if errors is not None else None, method_sources)
            for h in BACKTEST_HORIZONS})
    for h in BACKTEST_HORIZONS:  # no change has no range
        ns["no_change"][HORIZON_NAMES[h]]["coverage"] = Figure(None, "percent", "z")
    return ns


def _scenarios(o) -> Namespace:
    ns = Namespace(count=Figure(len(o.scenarios), "count"))
    for scenario, fc in o.scenarios:
        entry = Namespace(name=scenario.name, description=scenario.description)
        for k in range(1, HORIZON + 1):
            year_ns = _year_namespace(fc, o.sources + ("scenarios.value",), k)
            year = fc.origin + k
            diff = fc.value(year, "all") - o.baseline.value(year, "all")
            year_ns["difference"] = Figure(diff, "count", sources=o.sources + ("scenarios.value",))
            entry[f"year_{k}"] = year_ns
        ns[scenario.slug] = entry
    return ns


def _spend_years(frame, sources) -> Namespace:
    ns = Namespace()
    for k in range(1, HORIZON + 1):
        if frame is None:
            rows = None
        else:
            year = sorted(frame["year"].unique())[k - 1]
            rows = frame[frame["year"] == year]

        def money(mask=None, rows=rows):
            if rows is None:
                return None
            return float(rows.loc[mask, "spend"].sum() if mask is not None else rows["spend"].sum())

        year_ns = Namespace(year=Figure(None if rows is None else int(year), "year"),
                            total=Figure(money(), "money", sources=sources))
        for group in M.GROUPS:
            year_ns[group] = Figure(money(rows["placement_group"] == group) if rows is not None else None, "money",
                                    sources=sources)
        for sector in ("in_house", "external"):
            year_ns[sector] = Figure(money(rows["sector"] == sector) if rows is not None else None, "money",
                                     sources=sources)
        ns[f"year_{k}"] = year_ns
    ns["three_years"] = Figure(None if frame is None else float(frame["spend"].sum()), "money", sources=sources)
    return ns


def _spend(o) -> Namespace:
    sources = SPEND + o.sources
    base = o.spend.get("baseline")
    ns = Namespace(inflation=Figure(100 * getattr(o.view.authority, "inflation", 0.04), "percent", decimals=1),
                   baseline=_spend_years(base, sources))
    for scenario, _ in o.scenarios:
        frame = o.spend.get(scenario.slug)
        entry = _spend_years(frame, sources + ("scenarios.value",))
        for k in range(1, HORIZON + 1):
            saving = None if frame is None or base is None else \
                ns["baseline"][f"year_{k}"]["total"].value - entry[f"year_{k}"]["total"].value
            entry[f"year_{k}"]["saving"] = Figure(saving, "money", sources=sources + ("scenarios.value",))
        saving = None if frame is None or base is None else float(base["spend"].sum() - frame["spend"].sum())
        entry["saving"] = Figure(saving, "money", sources=sources + ("scenarios.value",))
        ns[scenario.slug] = entry
    return ns


def _gap_years(frame, sources) -> Namespace:
    ns = Namespace()
    for k in range(1, HORIZON + 1):
        year_ns = Namespace()
        rows = None
        if frame is not None and not frame.empty:
            year = sorted(frame["year"].unique())[k - 1]
            rows = {r["placement_group"]: r for r in records(frame[frame["year"] == year])}
            year_ns["year"] = Figure(int(year), "year")
        else:
            year_ns["year"] = Figure(None, "year")
        for group in contract.FORECAST_GROUPS:
            r = (rows or {}).get(group)

            def get(c, r=r):
                return None if r is None or r[c] is None or r[c] != r[c] else r[c]

            z = group not in ("fostering", "residential", "supported")

            def fig(column, r_get=get, z=z):
                if z and column not in ("demand", "demand_high"):
                    return Figure(None, "count", "z", sources=sources)
                return Figure(r_get(column), "count", sources=sources)
            year_ns[group] = Namespace({c: fig(c) for c in ("demand", "demand_high", "in_house", "block", "framework",
                                                            "capacity", "gap", "gap_high")})
            year_ns[group]["gap_words"] = gap_words(None if z else get("gap"), None if z else get("gap_high"))
        ns[f"year_{k}"] = year_ns
    return ns


def gap_words(gap, gap_high) -> str:
    """The gap in words that read true either way (so prose needs no test of its sign).

    Example: 25 and 38 give "a gap of about 25 places (38 if demand is at the top
    of its range)"; -3 and 4 give "about 3 places more than children need (a gap
    of 4 if demand is at the top of its range)"; None gives "not known".
    """
    if gap is None:
        return "not known"
    g, high = round(gap), None if gap_high is None else round(gap_high)
    if high is None:
        tail = ""
    elif high > 0:
        tail = f" ({format_value(high, 'count')} if demand is at the top of its range)" if g > 0 else \
            f" (a gap of {format_value(high, 'count')} if demand is at the top of its range)"
    else:
        tail = " (and enough even if demand is at the top of its range)"
    if g > 0:
        return f"a gap of about {format_value(g, 'count')} {'place' if g == 1 else 'places'}{tail}"
    if g < 0:
        return f"about {format_value(-g, 'count')} {'place' if g == -1 else 'places'} more than children need{tail}"
    return f"about as many places as children need{tail}"


def _gap(o) -> Namespace:
    sources = o.sources + CAPACITY
    ns = _gap_years(o.gaps.get("baseline"), sources)
    for scenario, _ in o.scenarios:
        ns[scenario.slug] = _gap_years(o.gaps.get(scenario.slug), sources + ("scenarios.value",))
    return ns


#: Each top-level name and how it is built from a view, on its own (``context.parts``): each from the
#: view's ``outlook``, worked out once a view.
NAMES = {
    "forecast": lambda view: _forecast(outlook(view)),
    "backtest": lambda view: _backtest(outlook(view)),
    "scenario": lambda view: _scenarios(outlook(view)),
    "projected_spend": lambda view: _spend(outlook(view)),
    "gap": lambda view: _gap(outlook(view)),
}
