"""Money and market statistics and their template names, against hand-computed figures.

The fixture is two years of a tiny authority; the arithmetic is in comments.
"""
from __future__ import annotations

import pandas as pd
import pytest

from generator.config import Authority
from generator.contract import (
    ACTION_STATUS,
    CARER_TYPES,
    PROVISION_TYPES,
    RECRUITMENT_STAGES,
    REFERRAL_OUTCOMES,
    ROUTES,
    SERVICES,
)
from generator.dataset import Dataset
from generator.stats import market as m, market_context
from generator.values import Change, Figure, Namespace

AUTHORITY = Authority("Exampleshire County Council", "Exampleshire", "E10000099", "Exampleshire's neighbours",
                      (2025, 2026))


def spend_by_service(rows):
    return pd.DataFrame(rows, columns=["service", "sector", "children", "weeks_of_care", "spend"])


def year_2026() -> dict[str, pd.DataFrame]:
    return {
        # fostering in-house: 100 weeks, £50,000 -> £500/week
        # fostering external: 200 weeks, £180,000 -> £900/week
        # fostering all: 230,000 / 300 = £766.67/week (a mean of fees would say £700)
        # children's home external: 52 weeks, £260,000 -> £5,000/week
        # secure: a row with no weeks (z) and no spend
        # total spend 50,000 + 180,000 + 260,000 = 490,000; in-house share 50,000 / 490,000 = 10.204%
        # total weeks 352; in-house weeks share 100 / 352 = 28.409%
        "spend_by_service": spend_by_service([
            ("fostering", "in_house", 3, 100.0, 50_000.0),
            ("fostering", "external", 5, 200.0, 180_000.0),
            ("childrens_home", "external", 1, 52.0, 260_000.0),
            ("secure", "external", 0, 0.0, 0.0),
        ]),
        # by provider: A 150,000 + 50,000 = 200,000; B 100,000; C 60,000; D 50,000; E 20,000; F 10,000 -> 440,000
        # five largest: 200 + 100 + 60 + 50 + 20 = 430,000; 430 / 440 = 97.727%; 6 providers
        "spend_with_providers": pd.DataFrame([
            ("Alpha Care", "childrens_home", 30.0, 150_000.0),
            ("Alpha Care", "fostering", 60.0, 50_000.0),
            ("Beta Homes", "childrens_home", 20.0, 100_000.0),
            ("Gamma Fostering", "fostering", 70.0, 60_000.0),
            ("Delta Fostering", "fostering", 55.0, 50_000.0),
            ("Epsilon", "fostering", 20.0, 20_000.0),
            ("Zeta", "fostering", 10.0, 10_000.0),
        ], columns=["provider", "service", "weeks_of_care", "spend"]),
        # all: 60 households, 95 places, 85 occupied, 6 available, 4 not available
        # occupancy 85 / 95 = 89.474%; vacancy 6 / 95 = 6.316%; unavailable 4 / 95 = 4.211%
        "fostering_capacity": pd.DataFrame([
            ("mainstream", 40, 70, 60, 6, 4),
            ("family_and_friends", 20, 25, 25, 0, 0),
        ], columns=["carer_type", "households", "approved_places", "occupied", "vacant_available",
                    "vacant_not_available"]),
        # conversion 15 / 200 = 7.5%; from assessment 15 / 25 = 60%; net change 15 - 18 = -3
        "fostering_recruitment": pd.DataFrame([
            ("enquiries", 200), ("initial_visits", 60), ("assessments_started", 25), ("approvals", 15),
            ("deregistrations", 18),
        ], columns=["stage", "households"]),
        # children's homes: 30 outstanding + 50 good + 20 RI + 10 not yet inspected = 110 places, 13 settings
        #   good or outstanding 80 / 100 graded = 80%; in area 30 + 20 + 10 = 60 places
        # fostering agencies: 40 good places in the region, 2 settings
        # all: 150 places, 15 settings; good or outstanding (80 + 40) / (100 + 40) = 85.714%
        "provider_market": pd.DataFrame([
            ("childrens_home", "in_area", "outstanding", 4, 30),
            ("childrens_home", "neighbouring", "good", 5, 50),
            ("childrens_home", "in_area", "requires_improvement", 3, 20),
            ("childrens_home", "in_area", "not_yet_inspected", 1, 10),
            ("fostering_agency", "region", "good", 2, 40),
        ], columns=["provision_type", "location_band", "ofsted_grade", "settings", "places"]),
        # 40 framework + 10 block + 30 spot + 20 in-house = 100; framework 40%
        "commissioning_routes": pd.DataFrame([
            ("fostering", "framework", 30), ("fostering", "in_house", 20), ("fostering", "spot", 10),
            ("childrens_home", "framework", 10), ("childrens_home", "block", 10), ("childrens_home", "spot", 20),
        ], columns=["service", "route", "placements"]),
        # April 10 + 2 = 12, May 5, June 13 + 2 = 15 -> 32 over 3 months = 10.667 a month; busiest June
        "referrals": pd.DataFrame([
            ("2025-04", "placed_in_house", 10), ("2025-04", "withdrawn", 2),
            ("2025-05", "placed_spot", 5),
            ("2025-06", "placed_framework", 13), ("2025-06", "withdrawn", 2),
        ], columns=["month", "outcome", "referrals"]),
        # unit costs as published (issue 10): shown as given
        "unit_costs": pd.DataFrame([
            ("fostering", "external", "whole cost", "July 2025", 900.0),
            ("childrens_home", "external", None, None, 5_000.0),
        ], columns=["service", "sector", "basis", "as_at", "weekly_cost"]),
        # budgets as published (issue 10): fostering overspent by 20,000; homes saved 15,000
        "budget": pd.DataFrame([
            ("fostering", "2025-26", 210_000.0, 230_000.0, 20_000.0, None, "gross"),
            ("childrens_home", "2025-26", 275_000.0, 260_000.0, -15_000.0, 15_000.0, "gross; full-year saving"),
        ], columns=["service", "period", "budget", "outturn", "variance", "saving", "basis"]),
        # 4 actions: 2 complete, 1 on track, 1 at risk; savings 100,000 + 25,000 (one blank) = 125,000
        "action_plan": pd.DataFrame([
            ("A1", "More foster carers", "Run a recruitment campaign", "Head of fostering", "2026-03", "complete",
             100_000.0),
            ("A2", "More foster carers", "Raise allowances", "Head of fostering", "2026-01", "complete", None),
            ("A3", "Local homes", "Open a children's home", "Commissioning manager", "2026-09", "on_track",
             25_000.0),
            ("A4", "Local homes", "Join the regional framework", "Commissioning manager", "2026-06", "at_risk",
             None),
        ], columns=["ref", "objective", "action", "lead", "due", "status", "saving"]),
    }


def year_2025() -> dict[str, pd.DataFrame]:
    return {
        # total spend 300,000 + 100,000 = 400,000; 2026 is up 90,000 (22.5%)
        "spend_by_service": spend_by_service([
            ("fostering", "external", 4, 300.0, 300_000.0),
            ("childrens_home", "external", 1, 20.0, 100_000.0),
        ]),
        # 50 + 20 = 70 households; 2026 (60) is down 10
        "fostering_capacity": pd.DataFrame([
            ("mainstream", 50, 80, 70, 10, 0),
            ("family_and_friends", 20, 20, 20, 0, 0),
        ], columns=["carer_type", "households", "approved_places", "occupied", "vacant_available",
                    "vacant_not_available"]),
    }


def make_view(year: int = 2026, years: dict | None = None):
    years = years if years is not None else {2025: year_2025(), 2026: year_2026()}
    return Dataset(years, {}, AUTHORITY).view(year)


@pytest.fixture
def context():
    return market_context.build(make_view())


# ---------------------------------------------------------------------------
# stats functions
# ---------------------------------------------------------------------------

def test_unit_cost_is_weighted_by_weeks_not_a_mean_of_fees():
    # £6,000 a week for 2 weeks + £1,000 a week for 50 weeks = 62,000 / 52 = 1,192.31
    assert m.unit_cost(12_000 + 50_000, 2 + 50) == pytest.approx(1192.3077, abs=1e-3)
    assert m.unit_cost(100, 0) is None
    costs = m.unit_costs(year_2026()["spend_by_service"]).set_index(["service", "sector"])
    assert costs.loc[("fostering", "in_house"), "unit_cost"] == 500
    assert costs.loc[("fostering", "external"), "unit_cost"] == 900
    assert pd.isna(costs.loc[("secure", "external"), "unit_cost"])


def test_column_total_present_absent_and_blank():
    frame = year_2026()["spend_by_service"]
    assert m.column_total(frame, "spend", service="fostering") == 230_000
    assert m.column_total(frame, "spend", service="short_breaks") == 0  # table present, no row: none
    assert m.column_total(None, "spend") is None
    assert m.column_total(frame.assign(spend=float("nan")), "spend") is None


def test_in_house_share_of_spend_and_weeks():
    frame = year_2026()["spend_by_service"]
    assert m.in_house_share(frame, "spend") == (50_000, 490_000)
    assert m.in_house_share(frame, "weeks_of_care") == (100, 352)


def test_largest_five_providers_share_aggregates_across_services():
    frame = year_2026()["spend_with_providers"]
    assert m.largest_providers_share(frame) == (430_000, 440_000)
    assert m.provider_count(frame) == 6
    assert m.spend_by_provider(frame)["provider"].iloc[0] == "Alpha Care"  # 150,000 + 50,000
    assert m.largest_providers_share(None) == (None, None)


def test_fostering_occupancy_and_totals():
    totals = m.fostering_totals(year_2026()["fostering_capacity"])
    assert totals == {"households": 60, "approved_places": 95, "occupied": 85, "vacant_available": 6,
                      "vacant_not_available": 4}
    assert m.occupancy(85, 95) == pytest.approx(0.894737, abs=1e-6)
    assert m.occupancy(0, 0) is None


def test_recruitment_conversion_and_net_change():
    stages = m.recruitment_stages(year_2026()["fostering_recruitment"])
    rates = m.conversion_rates(stages)
    assert rates["initial_visits"] == pytest.approx(0.30)  # 60 / 200
    assert rates["assessments_started"] == pytest.approx(0.125)  # 25 / 200
    assert rates["approvals"] == pytest.approx(0.075)  # 15 / 200
    assert rates["approvals_per_assessment"] == pytest.approx(0.60)  # 15 / 25
    assert m.net_change_in_households(stages["approvals"], stages["deregistrations"]) == -3


def test_good_or_outstanding_leaves_out_ungraded_places():
    market = year_2026()["provider_market"]
    assert m.good_or_outstanding(market, "childrens_home") == (80, 100)  # 30 + 50 of 110 - 10
    assert m.good_or_outstanding(market) == (120, 140)


def test_referrals_monthly_average_and_busiest_month():
    referrals = year_2026()["referrals"]
    assert m.monthly_average(referrals) == pytest.approx(32 / 3)
    assert m.month_label(m.busiest_month(referrals)) == "June 2025"
    # months given as dates (as a loader might parse them) give the same answer
    as_dates = referrals.assign(month=pd.to_datetime(referrals["month"] + "-01"))
    assert m.month_label(m.busiest_month(as_dates)) == "June 2025"
    assert m.busiest_month(None) is None and m.monthly_average(None) is None


def test_busiest_month_tie_is_the_earliest():
    frame = pd.DataFrame([("2025-05", "withdrawn", 4), ("2025-04", "withdrawn", 4)],
                         columns=["month", "outcome", "referrals"])
    assert m.month_label(m.busiest_month(frame)) == "April 2025"


def test_action_status_counts_and_savings():
    plan = year_2026()["action_plan"]
    counts = m.action_status_counts(plan)
    assert counts == {"complete": 2, "on_track": 1, "at_risk": 1, "not_started": 0, "carried_forward": 0}
    assert m.savings_total(plan) == 125_000
    assert m.savings_total(plan.drop(columns="saving")) is None


# ---------------------------------------------------------------------------
# the template namespace
# ---------------------------------------------------------------------------

def test_build_has_exactly_the_market_names(context):
    assert list(context) == ["spend", "unit_costs", "budget", "providers", "fostering", "recruitment", "market",
                             "routes", "referrals", "actions"]
    assert all(isinstance(branch, Namespace) for branch in context.values())


def test_every_contract_code_is_a_key(context):
    assert set(context["spend"].by_service) == set(SERVICES)
    assert set(context["fostering"].by_carer_type) == set(CARER_TYPES)
    assert set(context["market"].by_type) == set(PROVISION_TYPES)
    assert set(context["routes"].by_route) == set(ROUTES)
    assert set(context["referrals"].by_outcome) == set(REFERRAL_OUTCOMES)
    assert set(context["actions"].by_status) == set(ACTION_STATUS)
    assert all(stage in context["recruitment"] for stage in RECRUITMENT_STAGES)


def test_spend_figures(context):
    spend = context["spend"]
    assert spend.total.value == 490_000 and spend.total.kind == "money"
    assert spend.in_house_share.value == pytest.approx(100 * 50_000 / 490_000)  # 10.204%
    assert spend.in_house_weeks_share.value == pytest.approx(100 * 100 / 352)  # 28.409%
    fostering = spend.by_service.fostering
    assert fostering.in_house.unit_cost.value == 500
    assert fostering.external.unit_cost.value == 900
    assert fostering.unit_cost.value == pytest.approx(230_000 / 300)  # 766.67, weighted
    assert spend.by_service.childrens_home.unit_cost.format() == "£5,000"
    assert spend.by_service.secure.unit_cost.symbol == "z"  # no weeks of care
    assert spend.by_service.short_breaks.spend.value == 0


def test_spend_change_on_last_year(context):
    change = context["spend"].change
    assert isinstance(change, Change)
    # 490,000 - 400,000 = 90,000; 90,000 / 400,000 = 22.5%, shown whole (Python rounds half to even: 22%)
    assert change.number.value == 90_000
    assert change.percent.value == pytest.approx(22.5)
    assert change.format() == "up £90,000 (22%) on last year"


def test_missing_previous_year_gives_x_changes():
    context = market_context.build(make_view(2026, {2026: year_2026()}))
    assert context["spend"].change.symbol == "x"
    assert context["spend"].change.format() == "x"
    assert context["fostering"].change_households.symbol == "x"


def test_fostering_figures(context):
    fostering = context["fostering"]
    assert fostering.households.value == 60
    assert fostering.occupancy.value == pytest.approx(100 * 85 / 95)  # 89.47%
    assert fostering.occupancy.format() == "89%"
    assert fostering.vacancy_rate.value == pytest.approx(100 * 6 / 95)
    assert fostering.unavailable_rate.value == pytest.approx(100 * 4 / 95)
    assert fostering.change_households.number.value == -10  # 60 - 70
    assert fostering.change_households.format() == "down 10 (14%) on last year"  # 10 / 70 = 14.3%
    assert fostering.by_carer_type.mainstream.occupancy.value == pytest.approx(100 * 60 / 70)
    assert fostering.by_carer_type.short_breaks.occupancy.symbol == "x"  # no row: not given (issue 10), not 0 / 0


def test_recruitment_figures(context):
    recruitment = context["recruitment"]
    assert recruitment.enquiries.value == 200
    assert recruitment.net_change.value == -3  # 15 approvals - 18 deregistrations
    assert recruitment.conversion.value == pytest.approx(7.5)  # 15 / 200
    assert recruitment.conversion.format() == "7.5%"
    assert recruitment.conversion_from_assessment.value == pytest.approx(60)  # 15 / 25
    assert recruitment.by_stage.initial_visits.share_of_enquiries.format() == "30%"  # 60 / 200, whole
    assert recruitment.conversion_from_assessment.format() == "60%"


def test_market_routes_referrals_actions(context):
    market = context["market"]
    assert (market.settings.value, market.places.value) == (15, 150)
    assert market.by_type.childrens_home.places.value == 110
    assert market.by_type.childrens_home.in_area_places.value == 60  # 30 + 20 + 10
    assert market.by_type.childrens_home.good_or_outstanding_share.value == pytest.approx(80)
    assert market.good_or_outstanding_share.value == pytest.approx(100 * 120 / 140)
    assert market.by_type.secure.good_or_outstanding_share.symbol == "z"
    routes = context["routes"]
    assert routes.total.value == 100 and routes.by_route.framework.share.value == pytest.approx(40)
    referrals = context["referrals"]
    assert referrals.total.value == 32 and referrals.monthly_average.format() == "11"  # 10.67
    assert referrals.busiest_month == "June 2025"
    assert referrals.by_outcome.withdrawn.share.value == pytest.approx(100 * 4 / 32)
    actions = context["actions"]
    assert actions.total.value == 4 and actions.by_status.complete.share.value == pytest.approx(50)
    assert actions.savings.value == 125_000


def test_sensitivity_follows_the_contract(context):
    # spend_with_providers is a sensitive table: everything from it is sensitive
    assert context["providers"].largest_five_share.sensitive
    assert context["providers"].largest_five_share.value == pytest.approx(100 * 430_000 / 440_000)
    assert context["providers"].count.sensitive and context["providers"].count.value == 6
    # spend_by_service is not
    assert not context["spend"].total.sensitive
    assert not context["spend"].by_service.fostering.unit_cost.sensitive
    # action_plan.saving is a sensitive column; status is not
    assert context["actions"].savings.sensitive
    assert not context["actions"].by_status.complete.count.sensitive
    assert context["spend"].total.sources == ("spend_by_service.spend",)
    assert "spend_with_providers.spend" in context["providers"].largest_five_share.sources


def _leaves(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}" if path else key)
    else:
        yield path, node


TEXT = ("referrals.busiest_month", ".basis", ".as_at", ".period")  # words, not figures


def test_budgets_as_published():
    # Issue 10: budget 210,000 + 275,000 = 485,000; outturn 490,000; variance +20,000 - 15,000 = 5,000;
    # saving: one line blank, so the total is not available (x), never a guessed 15,000.
    context = market_context.build(make_view())
    assert str(context["budget"].total.budget) == "£485,000"
    assert str(context["budget"].total.variance) == "£5,000"
    assert str(context["budget"].total.saving) == "x"
    assert str(context["budget"].by_service.childrens_home.variance) == "-£15,000"
    assert context["budget"].by_service.childrens_home.basis == "gross; full-year saving"


def test_every_leaf_is_a_figure_or_change_with_sources(context):
    for path, leaf in _leaves(context):
        if path.endswith(TEXT):
            continue
        assert isinstance(leaf, (Figure, Change)), path
        if isinstance(leaf, Figure):
            assert leaf.sources, path
            assert leaf.sensitive == market_context.is_sensitive(leaf.sources), path


def test_missing_tables_give_x_not_an_exception():
    context = market_context.build(make_view(2026, {2026: {}}))
    assert context["spend"].total.symbol == "x"
    assert context["spend"].by_service.fostering.unit_cost.symbol == "x"
    assert context["providers"].largest_five_share.symbol == "x"
    assert context["fostering"].occupancy.symbol == "x"
    assert context["recruitment"].conversion.symbol == "x"
    assert context["market"].by_type.childrens_home.good_or_outstanding_share.symbol == "x"
    assert context["referrals"].busiest_month == "not available"
    assert context["actions"].savings.symbol == "x"
    for path, leaf in _leaves(context):
        if not path.endswith(TEXT):
            assert leaf.format() == "x" or leaf.format().startswith("x"), path
    assert context["unit_costs"].fostering.basis == "not available"


def test_a_route_share_within_one_service():
    # Issue 10: fostering 30 framework of 60 fostering placements = 50%; children's homes 10 of 40 = 25%
    context = market_context.build(make_view())
    assert context["routes"].by_service.fostering.by_route.framework.share.value == 50
    assert context["routes"].by_service.childrens_home.by_route.framework.share.value == 25
    assert context["routes"].by_service.fostering.placements.value == 60


def test_a_year_uses_only_its_own_and_earlier_data():
    # the 2025 statement cannot see 2026: its change has no previous year, its total is 2025's
    context = market_context.build(make_view(2025))
    assert context["spend"].total.value == 400_000
    assert context["spend"].change.symbol == "x"
    assert context["fostering"].households.value == 70
    assert context["providers"].count.symbol == "x"  # 2025 has no provider table
    # and a later year's data does not change an earlier year's figures
    only_2025 = market_context.build(make_view(2025, {2025: year_2025()}))
    assert only_2025["spend"].total.value == context["spend"].total.value
    with pytest.raises(ValueError):
        make_view(2025).table("spend_by_service", 2026)
