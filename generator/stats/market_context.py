"""The money and market names of the template namespace: ``spend``, ``providers``,
``fostering``, ``recruitment``, ``market``, ``routes``, ``referrals``, ``actions``.

Every leaf is a ``Figure`` (with ``sources`` and ``sensitive`` set from the
contract) or a ``Change``; every contract code appears as a key. An absent
table gives figures with the symbol ``x``; a year without a previous year gives
changes with ``x``. Nothing here raises for missing optional data.
"""
from __future__ import annotations

import pandas as pd

from .. import categories, subtotals
from ..contract import (
    ACTION_STATUS,
    CARER_TYPES,
    LOCATION_BANDS,
    OFSTED_GRADES,
    PROVIDER_SECTOR,
    PROVISION_TYPES,
    RECRUITMENT_STAGES,
    REFERRAL_OUTCOMES,
    SERVICES,
    TABLES_BY_NAME,
)
from ..frames import records
from ..values import Change, Figure, Namespace, percent
from . import market as m


def is_sensitive(sources) -> bool:
    """True when any ``table.column`` source is commercially sensitive in the contract."""
    for source in sources:
        table, _, column = source.partition(".")
        if table in TABLES_BY_NAME and column in TABLES_BY_NAME[table].sensitive_columns:
            return True
    return False


def figure(value, kind: str, *sources: str, decimals: int | None = None) -> Figure:
    return Figure(value, kind, sensitive=is_sensitive(sources), sources=tuple(sources), decimals=decimals)


def share(numerator, denominator, *sources: str, decimals: int | None = None) -> Figure:
    return percent(numerator, denominator, sources=tuple(sources), sensitive=is_sensitive(sources),
                   decimals=decimals)


def small_share(numerator, denominator, *sources: str) -> Figure:
    """A share shown whole, or to one decimal place when under 10% and not whole (7.5%, not 8%)."""
    whole = share(numerator, denominator, *sources)
    value = whole.value
    if whole.shown and 0 < value < 10 and round(value, 1) != round(value):
        return share(numerator, denominator, *sources, decimals=1)
    return whole


def change(current: Figure, previous: Figure) -> Change:
    return Change(current, previous)


SPEND = "spend_by_service.spend"
WEEKS = "spend_by_service.weeks_of_care"
CHILDREN = "spend_by_service.children"
SECTOR = "spend_by_service.sector"
SERVICE = "spend_by_service.service"


# ---------------------------------------------------------------------------

def _sector_namespace(table, service: str | None, sector: str) -> Namespace:
    where = {"sector": sector} if service is None else {"service": service, "sector": sector}
    spend = m.column_total(table, "spend", **where)
    weeks = m.column_total(table, "weeks_of_care", **where)
    sources = (SPEND, SERVICE, SECTOR) if service else (SPEND, SECTOR)
    return Namespace(
        spend=figure(spend, "money", *sources),
        weeks_of_care=figure(weeks, "weeks", WEEKS, *sources[1:]),
        children=figure(m.column_total(table, "children", **where), "count", CHILDREN, *sources[1:]),
        unit_cost=_unit_cost(spend, weeks, table, *sources[1:]),
    )


def _unit_cost(spend, weeks, table, *sources) -> Figure:
    sources = (SPEND, WEEKS, *sources)
    if table is not None and weeks == 0:
        return Figure(None, "money", "z", is_sensitive(sources), sources)  # no care bought
    return figure(m.unit_cost(spend, weeks), "money", *sources)


def spend_namespace(view) -> Namespace:
    """``spend.total .change .in_house_share ...`` and ``spend.by_service.<code>...``."""
    own = view.table("spend_by_service")
    table = categories.to_dfe(own, "service")  # the council's own lines added into the DfE's services
    previous = categories.to_dfe(view.table("spend_by_service", view.year - 1), "service")
    total = figure(subtotals.printed(own, {}, "spend", m.column_total(own, "spend")), "money", SPEND)
    total_before = figure(m.column_total(previous, "spend"), "money", SPEND)
    weeks = m.column_total(table, "weeks_of_care")
    by_service = Namespace()
    local = categories.of(own)
    for service in (*local.codes("service"), *SERVICES):
        if service in by_service:
            continue
        frame = own if service in local.local("service") else table
        if local.local("service") and frame is not None and service not in set(frame["service"]):
            frame = None  # the council's own lines do not cover this service: not supplied (x), not 0
        spend = m.column_total(frame, "spend", service=service)
        service_weeks = m.column_total(frame, "weeks_of_care", service=service)
        spend_figure = figure(spend, "money", SPEND, SERVICE)
        by_service[service] = Namespace(
            spend=spend_figure,
            weeks_of_care=figure(service_weeks, "weeks", WEEKS, SERVICE),
            children=figure(m.column_total(frame, "children", service=service), "count", CHILDREN, SERVICE),
            unit_cost=_unit_cost(spend, service_weeks, frame, SERVICE),
            share=share(spend, total.value, SPEND, SERVICE),
            change=change(spend_figure, figure(m.column_total(previous, "spend", service=service),
                                               "money", SPEND, SERVICE)),
            **{sector: _sector_namespace(frame, service, sector) for sector in PROVIDER_SECTOR},
        )
    in_house_spend, all_spend = m.in_house_share(table, "spend")
    in_house_weeks, all_weeks = m.in_house_share(table, "weeks_of_care")
    return Namespace(
        total=total,
        change=change(total, total_before),
        weeks_of_care=figure(weeks, "weeks", WEEKS),
        unit_cost=_unit_cost(total.value, weeks, table),
        in_house_share=share(in_house_spend, all_spend, SPEND, SECTOR),
        in_house_weeks_share=share(in_house_weeks, all_weeks, WEEKS, SECTOR),
        by_sector=Namespace({sector: _sector_namespace(table, None, sector) for sector in PROVIDER_SECTOR}),
        by_service=by_service,
    )


def unit_costs_namespace(view) -> Namespace:
    """``unit_costs.<service>.weekly_cost .basis .as_at``: unit costs as the council published them (issue 10),
    one per service line (the first row for it), never re-derived."""
    table = view.table("unit_costs")
    local = categories.of(table)
    out = Namespace()
    for service in (*local.codes("service"), *(c for c in SERVICES if c not in local.local("service"))):
        rows = [] if table is None else records(table[table["service"] == service])
        row = rows[0] if rows else {}
        as_at = row.get("as_at")
        out[service] = Namespace(
            weekly_cost=figure(None if not rows else row.get("weekly_cost"), "money", "unit_costs.weekly_cost"),
            basis=str(row.get("basis") or "not stated") if rows else "not available",
            as_at=(str(as_at) if isinstance(as_at, str) and as_at else "not stated") if rows else "not available",
        )
    return out


BUDGET_COLUMNS = ("budget", "outturn", "variance", "saving")


def budget_namespace(view) -> Namespace:
    """``budget.total.<budget|outturn|variance|saving>`` and ``budget.by_service.<service>.(same) .period .basis``:
    money as the council published it (issue 10). The total is the table's Total row when it printed one, else
    the sum of its lines (x when a line is blank); a service's figures are its first row's."""
    table = view.table("budget")
    local = categories.of(table)

    def money(value, column):
        return figure(value, "money", f"budget.{column}")

    total = Namespace()
    for column in BUDGET_COLUMNS:
        added = None
        if table is not None and len(table) and table[column].notna().all():
            added = float(table[column].sum())
        total[column] = money(subtotals.printed(table, {}, column, added), column)
    by_service = Namespace()
    for service in (*local.codes("service"), *(c for c in SERVICES if c not in local.local("service"))):
        rows = [] if table is None else records(table[table["service"] == service])
        row = rows[0] if rows else {}
        by_service[service] = Namespace(
            **{column: money(row.get(column), column) for column in BUDGET_COLUMNS},
            period=(str(row["period"]) if isinstance(row.get("period"), str) else "not stated") if rows
            else "not available",
            basis=(str(row["basis"]) if isinstance(row.get("basis"), str) else "not stated") if rows
            else "not available",
        )
    return Namespace(total=total, by_service=by_service)


def providers_namespace(view) -> Namespace:
    """``providers.count .largest_five_share``: all from spend_with_providers, so sensitive."""
    table = view.table("spend_with_providers")
    top, total = m.largest_providers_share(table, 5)
    return Namespace(
        count=figure(m.provider_count(table), "count", "spend_with_providers.provider"),
        largest_five_share=share(top, total, "spend_with_providers.provider", "spend_with_providers.spend"),
        spend=figure(total, "money", "spend_with_providers.spend"),
    )


def _capacity_namespace(current: dict, previous: dict) -> Namespace:
    src = {name: f"fostering_capacity.{name}" for name in m.CAPACITY_COLUMNS}
    households = figure(current["households"], "count", src["households"])
    places = current["approved_places"]
    return Namespace(
        households=households,
        approved_places=figure(places, "count", src["approved_places"]),
        occupied=figure(current["occupied"], "count", src["occupied"]),
        occupancy=share(current["occupied"], places, src["occupied"], src["approved_places"]),
        vacant_available=figure(current["vacant_available"], "count", src["vacant_available"]),
        vacant_not_available=figure(current["vacant_not_available"], "count", src["vacant_not_available"]),
        vacancy_rate=share(current["vacant_available"], places, src["vacant_available"], src["approved_places"]),
        unavailable_rate=share(current["vacant_not_available"], places, src["vacant_not_available"],
                               src["approved_places"]),
        change_households=change(households, figure(previous["households"], "count", src["households"])),
    )


def fostering_namespace(view) -> Namespace:
    """``fostering.households ... .change_households`` and ``fostering.by_carer_type.<code>``."""
    table = view.table("fostering_capacity")
    previous = view.table("fostering_capacity", view.year - 1)
    result = _capacity_namespace(m.fostering_totals(table), m.fostering_totals(previous))
    result["by_carer_type"] = Namespace({
        code: _capacity_namespace(m.fostering_totals(table, code), m.fostering_totals(previous, code))
        for code in CARER_TYPES})
    return result


def recruitment_namespace(view) -> Namespace:
    """``recruitment.<stage> .net_change .conversion ...``."""
    table = view.table("fostering_recruitment")
    stages = m.recruitment_stages(table)
    src = ("fostering_recruitment.stage", "fostering_recruitment.households")
    result = Namespace({stage: figure(stages[stage], "count", *src) for stage in RECRUITMENT_STAGES})
    result["net_change"] = figure(m.net_change_in_households(stages["approvals"], stages["deregistrations"]),
                                  "count", *src)
    result["conversion"] = small_share(stages["approvals"], stages["enquiries"], *src)
    result["conversion_from_assessment"] = share(stages["approvals"], stages["assessments_started"], *src)
    result["by_stage"] = Namespace({
        stage: Namespace(households=result[stage],
                         share_of_enquiries=small_share(stages[stage], stages["enquiries"], *src))
        for stage in RECRUITMENT_STAGES})
    result["by_period"] = recruitment_by_period(view, src)
    return result


def recruitment_by_period(view, src) -> Namespace:
    """``recruitment.by_period.<period>.<stage> .label`` (issue 10): households at each stage in each quarter or
    part year the council published, as given; never added up into the year's (a stage not given is x)."""
    from .. import periods
    from .children import periods_of

    ns = Namespace()
    for code, rows in periods_of(view.part_year("fostering_recruitment"), view.year):
        stages = m.recruitment_stages(rows)
        ns[periods.name(code, view.year)] = Namespace(
            label=periods.label(code, view.year),
            **{stage: figure(stages[stage], "count", *src) for stage in RECRUITMENT_STAGES})
    return ns


def market_namespace(view) -> Namespace:
    """``market.settings .places`` and ``market.by_type.<code>`` (plus by location and grade)."""
    table = view.table("provider_market")
    settings_src, places_src = "provider_market.settings", "provider_market.places"
    by_type = Namespace()
    for code in PROVISION_TYPES:
        good, graded = m.good_or_outstanding(table, code)
        by_type[code] = Namespace(
            settings=figure(m.column_total(table, "settings", provision_type=code), "count", settings_src),
            places=figure(m.column_total(table, "places", provision_type=code), "count", places_src),
            in_area_places=figure(m.column_total(table, "places", provision_type=code, location_band="in_area"),
                                  "count", places_src, "provider_market.location_band"),
            good_or_outstanding_share=share(good, graded, places_src, "provider_market.ofsted_grade"),
        )
    good, graded = m.good_or_outstanding(table)
    return Namespace(
        settings=figure(m.column_total(table, "settings"), "count", settings_src),
        places=figure(m.column_total(table, "places"), "count", places_src),
        in_area_places=figure(m.column_total(table, "places", location_band="in_area"), "count",
                              places_src, "provider_market.location_band"),
        good_or_outstanding_share=share(good, graded, places_src, "provider_market.ofsted_grade"),
        by_type=by_type,
        by_location=Namespace({code: Namespace(
            settings=figure(m.column_total(table, "settings", location_band=code), "count", settings_src),
            places=figure(m.column_total(table, "places", location_band=code), "count", places_src),
        ) for code in LOCATION_BANDS}),
        by_grade=Namespace({code: Namespace(
            settings=figure(m.column_total(table, "settings", ofsted_grade=code), "count", settings_src),
            places=figure(m.column_total(table, "places", ofsted_grade=code), "count", places_src),
        ) for code in OFSTED_GRADES}),
    )


def _placements_by(table, column: str, where=None) -> dict:
    """New placements by every code of ``column``'s dimension: the council's own (and groups), the contract's
    worked out from them (a local "Commissioning Alliance" mapped to framework adds into framework)."""
    local = categories.of(table)
    if table is None:
        return dict.fromkeys((*local.codes(column), *local.groups(column)))
    rows = table if where is None else table[where]
    values: dict = {}
    for code, value in zip(rows[column], pd.to_numeric(rows["placements"], errors="coerce")):
        values[code] = None if pd.isna(value) or values.get(code, 0) is None else values.get(code, 0) + float(value)
    return categories.sums_by_code(values, column, local, complete=True)


def routes_namespace(view) -> Namespace:
    """``routes.total``, ``routes.by_route.<code>.placements .share`` and, within each service,
    ``routes.by_service.<service>.placements`` and ``.by_route.<route>.placements .share`` (a route's share
    of that service's new placements: Bromley's "93% of IFA placements via the Alliance"). Only the whole
    year's rows; ``routes.by_period.<period>`` (the same names, and ``.label``) holds each quarter or part year
    the council published, as given and never added up into the year's (issue 10)."""
    result = _routes_of(view.table("commissioning_routes"))
    result["by_period"] = routes_by_period(view)
    return result


def routes_by_period(view) -> Namespace:
    """``routes.by_period.<period>.label .total .by_route.<code>.placements .share .by_service...`` (issue 10)."""
    from .. import periods
    from .children import periods_of

    ns = Namespace()
    for code, rows in periods_of(view.part_year("commissioning_routes"), view.year):
        ns[periods.name(code, view.year)] = _routes_of(rows)
        ns[periods.name(code, view.year)]["label"] = periods.label(code, view.year)
    return ns


def _routes_of(table) -> Namespace:
    """The route names (``total``, ``by_route``, ``by_service``) of one period's rows of commissioning_routes."""
    src = ("commissioning_routes.route", "commissioning_routes.placements")
    local = categories.of(table)
    total = m.column_total(table, "placements")
    by_route = _placements_by(table, "route")
    by_service = Namespace()
    for service, placements in _placements_by(table, "service").items():
        leaves = set(local.leaves("service", service)) | {
            c for c in local.codes("service") if local.within("service", c) == service}
        within = (_placements_by(table, "route", table["service"].isin(leaves)) if table is not None
                  else _placements_by(None, "route"))
        by_service[service] = Namespace(
            placements=figure(placements, "count", *src),
            by_route=Namespace({route: Namespace(placements=figure(value, "count", *src),
                                                 share=share(value, placements, *src))
                                for route, value in within.items()}))
    return Namespace(
        total=figure(total, "count", src[1]),
        by_route=Namespace({route: Namespace(placements=figure(value, "count", *src),
                                             share=share(value, total, *src))
                            for route, value in by_route.items()}),
        by_service=by_service,
    )


def referrals_namespace(view) -> Namespace:
    """``referrals.total .monthly_average .busiest_month`` and ``referrals.by_outcome.<code>``."""
    table = view.table("referrals")
    src = ("referrals.outcome", "referrals.referrals")
    total = m.column_total(table, "referrals")
    busiest = m.busiest_month(table)
    return Namespace(
        total=figure(total, "count", src[1]),
        monthly_average=figure(m.monthly_average(table), "number", "referrals.month", src[1], decimals=0),
        busiest_month="not available" if busiest is None else m.month_label(busiest),
        by_outcome=Namespace({code: Namespace(
            referrals=figure(m.column_total(table, "referrals", outcome=code), "count", *src),
            share=share(m.column_total(table, "referrals", outcome=code), total, *src),
        ) for code in REFERRAL_OUTCOMES}),
    )


def actions_namespace(view) -> Namespace:
    """``actions.total``, ``actions.by_status.<code>.count .share`` and ``actions.savings`` (sensitive)."""
    table = view.table("action_plan")
    counts = m.action_status_counts(table)
    total = None if table is None else len(table)
    src = ("action_plan.ref", "action_plan.status")
    return Namespace(
        total=figure(total, "count", "action_plan.ref"),
        by_status=Namespace({code: Namespace(count=figure(counts[code], "count", *src),
                                             share=share(counts[code], total, *src))
                             for code in ACTION_STATUS}),
        savings=figure(m.savings_total(table), "money", "action_plan.saving"),
    )


def build(view) -> dict:
    """The market side of the template namespace for one statement year."""
    return {name: make(view) for name, make in NAMES.items()}


#: Each top-level name and how it is built from a view, on its own (``context.parts``).
NAMES = {
    "spend": spend_namespace,
    "unit_costs": unit_costs_namespace,
    "budget": budget_namespace,
    "providers": providers_namespace,
    "fostering": fostering_namespace,
    "recruitment": recruitment_namespace,
    "market": market_namespace,
    "routes": routes_namespace,
    "referrals": referrals_namespace,
    "actions": actions_namespace,
}
