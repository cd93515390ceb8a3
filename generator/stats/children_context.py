"""The children's part of the template namespace: ``looked_after``, ``started``,
``ceased``, ``placements``, ``stability``, ``care_leavers``, ``projection`` and
``benchmarks`` (names as ARCHITECTURE.md lists them).

Every leaf is a ``values.Figure`` whose ``sources`` name the contract
``table.column``s it comes from, or a ``values.Change``. Missing data gives a
figure shown as ``x``, never an exception; a change with no previous year has
symbol ``x``.

One addition to ARCHITECTURE.md's list: ``projection.<year_n>.by_age.<age_band>``
``.total .low .high``, the age-band figures the projection tables show.
"""
from __future__ import annotations

from .. import contract, periods
from ..values import Change, Figure, Namespace
from . import children as stats

LA = ("looked_after.children",)
POP = ("population.population",)
MOVES = ("starts_and_ceases.children",)
STABILITY = ("placement_stability.children", "placement_stability.cohort")
LEAVERS = ("care_leavers.children", "care_leavers.cohort")
BENCH = ("benchmarks.value",)


def count(value, sources) -> Figure:
    return Figure(value, "count", sources=tuple(sources))


def pct(value, sources) -> Figure:
    return Figure(value, "percent", sources=tuple(sources))


def rate(value, sources) -> Figure:
    return Figure(value, "rate", sources=tuple(sources))


def build(view) -> dict:
    """Top-level namespace entries for the children's statistics of ``view.year``."""
    return {name: make(view) for name, make in NAMES.items()}


def _table(view, name, year):
    """A year's table, or None for a year before the data starts."""
    if year not in view.history:
        return None
    return view.table(name, year)


def _bench(view, measure, area):
    value = stats.benchmark(view.reference.get("benchmarks"), measure, view.year, area)
    kind = "rate" if measure in stats.RATE_BENCHMARKS else "percent"
    return Figure(value, kind, sources=BENCH)


def _as_published(figure: Figure, measure: dict) -> Figure:
    """A percentage the council published without its counts keeps the decimal places it was printed with
    (10.7%, not 11%); one computed from counts is rounded as usual."""
    value = figure.value
    if measure.get("cohort") is not None or value is None or float(value).is_integer():
        return figure
    decimals = min(len(repr(float(value)).split(".")[1]), 2)
    return Figure(value, figure.kind, figure.symbol, figure.sensitive, figure.sources, decimals)


def _share_as_published(part, whole, published) -> Figure:
    """A reason's share of the movement: from the counts, or the percentage the council published when it gave
    no count (with its printed decimals, ``_as_published``)."""
    computed = stats.share(part, whole)
    if computed is not None or published is None:
        return pct(computed, MOVES)
    return _as_published(pct(published, MOVES), {})


def _category(now, before, whole_share, sources=LA, published=False) -> Namespace:
    children = count(now, sources)
    share = _as_published(pct(whole_share, sources), {}) if published else pct(whole_share, sources)
    return Namespace(children=children, share=share,
                     change=Change(children, count(before, sources)))


def looked_after(view, previous) -> Namespace:
    this_frame, last_frame = view.table("looked_after"), _table(view, "looked_after", previous)
    population = stats.population_by_year_and_band(view.reference.get("population"))
    total_now, total_before = stats.looked_after_total(this_frame), stats.looked_after_total(last_frame)
    rate_now = stats.looked_after_rate_of(this_frame, stats.population_total(population, view.year))
    rate_before = stats.looked_after_rate_of(last_frame, stats.population_total(population, previous))
    total = count(total_now, LA)
    ns = Namespace(
        total=total,
        rate=rate(rate_now, LA + POP),
        change=Change(total, count(total_before, LA)),
        rate_change=Change(rate(rate_now, LA + POP), rate(rate_before, LA + POP)),
        england_rate=_bench(view, "looked_after_rate", "england"),
        neighbours_rate=_bench(view, "looked_after_rate", "statistical_neighbours"),
    )
    for breakdown in contract.LOOKED_AFTER_BREAKDOWNS:
        if breakdown == "total":
            continue
        now = stats.looked_after_breakdown(this_frame, breakdown)
        before = stats.looked_after_breakdown(last_frame, breakdown)
        shares = stats.breakdown_shares(this_frame, breakdown, now)
        # A percentage the council published stands where no count was supplied (issue 10), with its decimals.
        published = set()
        for code, percent in stats.looked_after_percentages(this_frame, breakdown).items():
            if shares.get(code) is None and percent is not None:
                shares[code] = percent
                published.add(code)
        ns[breakdown] = Namespace({code: _category(now[code], before.get(code), shares.get(code),
                                                   published=code in published) for code in now})

    types_now = stats.looked_after_breakdown(this_frame, "placement_type")
    types_before = stats.looked_after_breakdown(last_frame, "placement_type")
    groups_now, groups_before = (stats.grouped(c, stats.PLACEMENT_GROUPS) for c in (types_now, types_before))
    group_shares = stats.shares(groups_now)
    for group in ("fostering", "residential"):
        ns[group] = _category(groups_now[group], groups_before[group], group_shares[group])

    mix_now = stats.in_house_external(stats.looked_after_breakdown(this_frame, "provider"))
    mix_before = stats.in_house_external(stats.looked_after_breakdown(last_frame, "provider"))
    for side in ("in_house", "external"):
        ns[side] = _category(mix_now[side], mix_before[side], mix_now[f"{side}_share"])
    return ns


def _movement(view, previous, movement, detail) -> Namespace:
    now = stats.movement_counts(view.table("starts_and_ceases"), movement)
    before = stats.movement_counts(_table(view, "starts_and_ceases", previous), movement)
    total = count(now["all"], MOVES)
    ns = Namespace(total=total, change=Change(total, count(before["all"], MOVES)))
    parts = {code: v for code, v in now.items() if code != "all"}
    published = stats.movement_percentages(view.table("starts_and_ceases"), movement)
    ns[detail] = Namespace({
        code: Namespace(children=count(v, MOVES), share=_share_as_published(v, now["all"], published.get(code)))
        for code, v in parts.items()})
    ns["by_period"] = movement_by_period(view, movement, detail)
    return ns


def movement_by_period(view, movement: str, detail: str) -> Namespace:
    """``started.by_period.<period>.total .label .<detail>.<code>.children`` (issue 10): the quarters and part
    years the council published, each as given; never added up into the year's figure (``periods.py``)."""
    ns = Namespace()
    for code, rows in stats.periods_of(view.part_year("starts_and_ceases"), view.year):
        counts = stats.movement_counts(rows, movement)
        if all(v is None for v in counts.values()):
            continue
        ns[periods.name(code, view.year)] = Namespace(
            total=count(counts["all"], MOVES), label=periods.label(code, view.year),
            **{detail: Namespace({c: Namespace(children=count(v, MOVES)) for c, v in counts.items()
                                  if c != "all" and v is not None and c in set(rows["reason"])})})
    return ns


def started(view, previous) -> Namespace:
    ns = _movement(view, previous, "started", "by_need")
    population = stats.population_total(view.reference.get("population"), view.year)
    ns["rate"] = rate(stats.rate_per_10000(ns["total"].value, population), MOVES + POP)
    return ns


def ceased(view, previous) -> Namespace:
    return _movement(view, previous, "ceased", "by_reason")


def placements(view) -> Namespace:
    frame = view.table("placements_by_type_and_age")
    totals = stats.placements_totals(frame)
    ns = Namespace(
        total=Figure(totals["placements"], "count", sources=("placements_by_type_and_age.placements",)),
        children=count(totals["children"], ("placements_by_type_and_age.children",)),
        weeks_of_care=Figure(totals["weeks_of_care"], "weeks", sources=("placements_by_type_and_age.weeks_of_care",)),
        per_child=Figure(totals["per_child"], "ratio", decimals=1,
                         sources=("placements_by_type_and_age.placements", "placements_by_type_and_age.children")),
    )
    weeks_src = ("placements_by_type_and_age.weeks_of_care",)
    place_src = ("placements_by_type_and_age.placements",)
    by_type = stats.placements_by(frame, "placement_type")
    ns["by_type"] = Namespace({
        code: Namespace(placements=count(row["placements"], place_src),
                        weeks_of_care=Figure(row["weeks_of_care"], "weeks", sources=weeks_src),
                        share=pct(stats.share(row["placements"], totals["placements"]), place_src),
                        share_of_weeks=pct(row["share_of_weeks"], weeks_src))
        for code, row in by_type.items()})
    by_age = stats.placements_by(frame, "age_band")
    within = stats.placements_by_age_and_type(frame)
    ns["by_age"] = Namespace({
        code: Namespace(placements=count(row["placements"], place_src),
                        weeks_of_care=Figure(row["weeks_of_care"], "weeks", sources=weeks_src),
                        by_type=Namespace({
                            kind: Namespace(placements=count(cell["placements"], place_src),
                                            weeks_of_care=Figure(cell["weeks_of_care"], "weeks", sources=weeks_src),
                                            share=pct(cell["share"], place_src))
                            for kind, cell in within[code].items()}))
        for code, row in by_age.items()})
    return ns


def stability(view, previous) -> Namespace:
    ns = Namespace()
    this_frame, last_frame = view.table("placement_stability"), _table(view, "placement_stability", previous)
    for measure, bench_measure in stats.STABILITY_BENCHMARKS.items():
        now, before = stats.stability(this_frame, measure), stats.stability(last_frame, measure)
        percent = _as_published(pct(now["percent"], STABILITY), now)
        ns[measure] = Namespace(
            percent=percent,
            children=count(now["children"], ("placement_stability.children",)),
            cohort=count(now["cohort"], ("placement_stability.cohort",)),
            change=Change(percent, pct(before["percent"], STABILITY)),
            england=_bench(view, bench_measure, "england"),
            neighbours=_bench(view, bench_measure, "statistical_neighbours"),
        )
    return ns


def care_leavers(view) -> Namespace:
    frame = view.table("care_leavers")
    ns = Namespace()
    for age_group in contract.CARE_LEAVER_AGES:
        group = Namespace()
        for measure in contract.CARE_LEAVER_MEASURES:
            outcome = stats.care_leaver_outcome(frame, age_group, measure)
            leaf = Namespace(percent=_as_published(pct(outcome["percent"], LEAVERS), outcome),
                             children=count(outcome["children"], ("care_leavers.children",)),
                             cohort=count(outcome["cohort"], ("care_leavers.cohort",)))
            if age_group == "age_19_to_21":
                bench_measure = stats.CARE_LEAVER_BENCHMARKS.get(measure)
                leaf["england"] = (_bench(view, bench_measure, "england") if bench_measure
                                   else Figure(None, "percent", "z", sources=BENCH))
            group[measure] = leaf
        ns[age_group] = group
    return ns


def projection(view) -> Namespace:
    result = stats.project_looked_after(view)
    sources = ("looked_after.children", "population.population")
    ns = Namespace(method=stats.PROJECTION_METHOD)
    for n, year in enumerate(result.years, start=1):
        total = result.total(year)
        entry = Namespace(year=Figure(year, "year"), total=count(total["children"], sources),
                          low=count(total["low"], sources), high=count(total["high"], sources))
        entry["by_age"] = Namespace({
            b.age_band: Namespace(total=count(b.children, sources), low=count(b.low, sources),
                                  high=count(b.high, sources))
            for b in result.bands if b.year == year})
        ns[f"year_{n}"] = entry
    return ns


def benchmarks(view) -> Namespace:
    return Namespace({
        key: Namespace({measure: _bench(view, measure, area) for measure in contract.BENCHMARK_MEASURES})
        for key, area in (("england", "england"), ("neighbours", "statistical_neighbours"))})


#: Each top-level name and how it is built from a view, on its own (``context.parts``).
NAMES = {
    "looked_after": lambda view: looked_after(view, view.year - 1),
    "started": lambda view: started(view, view.year - 1),
    "ceased": lambda view: ceased(view, view.year - 1),
    "placements": placements,
    "stability": lambda view: stability(view, view.year - 1),
    "care_leavers": care_leavers,
    "projection": projection,
    "benchmarks": benchmarks,
}
