"""The money and market charts and tables: names, frames, summaries, sources.

Uses the hand-made two-year authority of test_stats_market (arithmetic in comments there).
"""
from __future__ import annotations

import pandas as pd
import pytest
from test_stats_market import make_view, year_2026

from generator.catalogue import market as catalogue
from generator.contract import TABLES_BY_NAME
from generator.stats.market_context import is_sensitive
from generator.values import KINDS

NAMES = ("spend_by_service", "spend_trend", "unit_costs", "unit_costs_table", "spend_lines", "published_unit_costs",
         "budget", "spend_with_providers",
         "fostering_capacity", "fostering_households_trend", "recruitment_funnel", "recruitment_by_period",
         "market_by_grade",
         "market_by_location", "provider_market", "commissioning_routes", "routes_by_period",
         "referrals_by_month", "action_plan",
         "action_status", "places_needed")
TABLES = {"unit_costs_table", "spend_lines", "published_unit_costs", "budget", "spend_with_providers",
          "provider_market", "routes_by_period", "action_plan", "places_needed"}


def test_spend_lines_and_published_unit_costs_are_shown_as_given(frames):
    # Issue 10: the council's lines with their shares and the sum as the total; unit costs as published.
    lines = frames["spend_lines"]
    assert lines.iloc[-1].to_dict() == {"Service": "Total", "Provided by": "All", "Spend": 490_000.0,
                                        "Percentage": 100.0}
    assert round(lines.iloc[0]["Percentage"], 3) == 10.204  # 50,000 / 490,000
    costs = frames["published_unit_costs"]
    assert costs.values.tolist() == [
        ["Fostering", "External providers", "whole cost", "July 2025", 900.0],
        ["Children's homes", "External providers", "Not stated", "Not stated", 5000.0]]
OUTPUTS = {o.name: o for o in catalogue.OUTPUTS}


@pytest.fixture(scope="module")
def frames():
    view = make_view()
    # Issue 10: a quarter's recruitment beside the year's (never added into it).
    year = view.history[2026]["fostering_recruitment"].assign(period=None)
    quarter = pd.DataFrame([("enquiries", 50, "Q1"), ("approvals", 4, "Q1")], columns=["stage", "households", "period"])
    view.history[2026]["fostering_recruitment"] = pd.concat([year, quarter], ignore_index=True)
    # and a quarter's new placements beside the year's (the year's 100 stay 100)
    year = view.history[2026]["commissioning_routes"].assign(period=None)
    quarter = pd.DataFrame([("fostering", "spot", 7, "Q2"), ("childrens_home", "framework", 5, "Q2")],
                           columns=["service", "route", "placements", "period"])
    view.history[2026]["commissioning_routes"] = pd.concat([year, quarter], ignore_index=True)
    return {name: output.frame(view) for name, output in OUTPUTS.items()}


def summary(name, frames):
    return OUTPUTS[name].summary(frames[name])


def test_exactly_the_architecture_names():
    assert tuple(o.name for o in catalogue.OUTPUTS) == NAMES
    assert {n for n, o in OUTPUTS.items() if o.chart is None} == TABLES


def test_every_output_is_consistent(frames):
    for name, output in OUTPUTS.items():
        frame = frames[name]
        if name == "places_needed":  # from the forecast, which this small view cannot make: tested below
            assert list(frame.columns) == ["Scenario", "Placement group"] and frame.empty
            continue
        assert not frame.empty, name
        assert output.title and output.description and output.summary, name
        for source in output.sources:
            table, _, column = source.partition(".")
            assert column in TABLES_BY_NAME[table].column_names, source
        if output.chart:
            for column in (output.chart.x, output.chart.y, output.chart.colour):
                assert column is None or column in frame.columns, (name, column)
            assert output.units.get(output.chart.y), name
        for column, kind in output.units.items():
            assert kind in KINDS and column in frame.columns, (name, column)
            assert pd.api.types.is_numeric_dtype(frame[column]), (name, column)
        text = output.summary(frame)
        assert text.endswith(".") and text.count(". ") == 0, (name, text)  # one sentence


def test_sensitive_outputs_follow_the_contract():
    assert is_sensitive(OUTPUTS["spend_with_providers"].sources)
    assert is_sensitive(OUTPUTS["action_plan"].sources)  # the saving column
    assert not is_sensitive(OUTPUTS["spend_by_service"].sources)
    assert not is_sensitive(OUTPUTS["action_status"].sources)
    assert not is_sensitive(OUTPUTS["unit_costs_table"].sources)


def test_spend_by_service(frames):
    frame = frames["spend_by_service"]
    assert list(frame.columns) == ["Service", "Provided by", "Spend"]
    # secure had no spend: left out; children's homes has no in-house row: 0
    assert list(dict.fromkeys(frame["Service"])) == ["Fostering", "Children's homes"]
    assert frame["Spend"].tolist() == [50_000, 180_000, 0, 260_000]
    # 50,000 / 490,000 = 10.2%
    assert summary("spend_by_service", frames) == (
        "Spend on placements was £490,000, the most on children's homes (£260,000), and 10% of it was on "
        "in-house services.")


def test_spend_trend(frames):
    assert frames["spend_trend"].values.tolist() == [["2024 to 2025", 400_000], ["2025 to 2026", 490_000]]
    assert summary("spend_trend", frames) == (
        "Total spend on placements rose from £400,000 in 2024 to 2025 to £490,000 in 2025 to 2026.")


def test_unit_costs_chart_and_table(frames):
    assert frames["unit_costs"]["Average weekly cost"].tolist() == [500, 900, 5000]
    assert summary("unit_costs", frames) == (
        "The average weekly cost was highest for children's homes (external) at £5,000 and lowest for "
        "fostering (in-house) at £500.")
    table = frames["unit_costs_table"]
    assert list(table.columns) == ["Service", "Provided by", "Spend", "Weeks of care", "Average weekly cost"]
    total = table.iloc[-1]
    # 490,000 / 352 weeks = 1,392.045 -> 1,392.05 to the penny
    assert (total["Service"], total["Spend"], total["Weeks of care"]) == ("All services", 490_000, 352)
    assert total["Average weekly cost"] == 1392.05
    assert len(table) == 4  # secure bought nothing: no row
    assert summary("unit_costs_table", frames) == (
        "Spend of £490,000 bought 352 weeks of care, an average of £1,392 a week.")


def test_spend_with_providers(frames):
    frame = frames["spend_with_providers"]
    assert frame["Provider"].tolist()[:3] == ["Alpha Care", "Alpha Care", "Beta Homes"]  # largest first
    assert frame.loc[0, "Average weekly cost"] == pytest.approx(833.33)  # 50,000 / 60
    # 430,000 / 440,000 = 97.7%
    assert summary("spend_with_providers", frames) == (
        "The council spent £440,000 with 6 providers; the five largest received 98% of it.")


def test_fostering_outputs(frames):
    capacity = frames["fostering_capacity"]
    assert capacity["Number of places"].tolist() == [60, 6, 4, 25, 0, 0]
    assert summary("fostering_capacity", frames) == (
        "Of 95 approved in-house fostering places at 31 March, 85 were occupied (89%), 6 were vacant and "
        "available and 4 were vacant but not available.")
    assert frames["fostering_households_trend"]["Households"].tolist() == [70, 60]
    assert summary("fostering_households_trend", frames) == (
        "In-house fostering households went from 70 in 2024 to 2025 to 60 in 2025 to 2026.")


def test_summaries_agree_in_number_and_show_small_shares_to_one_place():
    frame = pd.DataFrame({"Carer type": ["Mainstream foster carers"] * 3,
                          "Places": ["Occupied", "Vacant and available", "Vacant, not available"],
                          "Number of places": [1, 0, 1]})
    assert OUTPUTS["fostering_capacity"].summary(frame) == (
        "Of 2 approved in-house fostering places at 31 March, 1 was occupied (50%), 0 were vacant and "
        "available and 1 was vacant but not available.")
    providers = pd.DataFrame({"Provider": ["A", "B"], "Service": ["Fostering"] * 2, "Weeks of care": [1, 1],
                              "Spend": [300.0, 100.0], "Average weekly cost": [300.0, 100.0]})
    # two providers: no "five largest"; A has 300 / 400 = 75%
    assert OUTPUTS["spend_with_providers"].summary(providers) == (
        "The council spent £400 with 2 providers; the largest received 75% of it.")
    # 4 / 40 = 10% exactly: shown whole; 3 / 40 = 7.5%: one decimal place
    funnel = pd.DataFrame({"Stage": ["Enquiries", "Initial home visits", "Assessments started",
                                     "Households approved", "Households deregistered"],
                           "Households": [40, 10, 6, 4, 3]})
    assert "(10%)" in OUTPUTS["recruitment_funnel"].summary(funnel)
    assert "(7.5%)" in OUTPUTS["recruitment_funnel"].summary(funnel.replace({4: 3}))


def test_recruitment_funnel(frames):
    assert frames["recruitment_funnel"]["Households"].tolist() == [200, 60, 25, 15, 18]
    assert frames["recruitment_funnel"]["Stage"].iloc[0] == "Enquiries"
    assert summary("recruitment_funnel", frames) == (
        "Of 200 enquiries, 15 households were approved (7.5%), and 18 households were deregistered.")


def test_market_outputs(frames):
    grade = frames["market_by_grade"].set_index(["Provision type", "Ofsted grade"])["Places"]
    assert grade[("Children's homes", "Outstanding")] == 30
    assert grade[("Independent fostering agencies", "Good")] == 40
    # good or outstanding 30 + 50 + 40 = 120; graded 150 - 10 not yet inspected = 140; 85.7%
    assert summary("market_by_grade", frames) == (
        "Of 150 registered places, 120 are rated good or outstanding, 86% of the places with an Ofsted grade.")
    location = frames["market_by_location"].set_index(["Provision type", "Location"])["Places"]
    assert location[("Children's homes", "Inside the council's area")] == 60  # 30 + 20 + 10
    assert summary("market_by_location", frames) == (
        "Of 150 registered places, 60 (40%) are inside the council's area.")
    table = frames["provider_market"]
    assert (table["Settings"].sum(), table["Places"].sum(), len(table)) == (15, 150, 5)
    assert summary("provider_market", frames) == (
        "The market has 15 registered settings with 150 places across 2 types of provision.")


def test_commissioning_routes(frames):
    frame = frames["commissioning_routes"]
    assert frame["New placements"].sum() == 100 and len(frame) == 8  # 2 services x 4 routes
    assert summary("commissioning_routes", frames) == (
        "Of 100 new placements, 40 (40%) were made through framework (regional or sub-regional), the most "
        "of any route.")


def test_routes_in_part_of_the_year_are_shown_labelled_and_not_added_into_the_year(frames):
    frame = frames["routes_by_period"]
    assert set(frame["Period"]) == {"Q2 (July to September 2025)"}
    shown = {(r["Service"], r["Route"]): r["New placements"] for r in frame.to_dict("records")}
    assert shown == {("Fostering", "Framework (regional or sub-regional)"): 0, ("Fostering", "Spot purchase"): 7,
                     ("Children's homes", "Framework (regional or sub-regional)"): 5,
                     ("Children's homes", "Spot purchase"): 0}  # the quarter's own grid, zeros filled
    assert summary("routes_by_period", frames) == (
        "New placements in part of the year, as published (not added up into the year's figure): "
        "Q2 (July to September 2025): 12.")


def test_referrals_by_month(frames):
    frame = frames["referrals_by_month"]
    assert list(dict.fromkeys(frame["Month"])) == ["April 2025", "May 2025", "June 2025"]
    assert len(frame) == 15  # 3 months x 5 outcomes, zeros filled
    # 32 / 3 = 10.67 -> 11 a month; June 13 + 2 = 15
    assert summary("referrals_by_month", frames) == (
        "The placements team received 32 referrals, an average of 11 a month; the busiest month was "
        "June 2025 with 15.")


def test_action_plan_and_status(frames):
    plan = frames["action_plan"]
    assert list(plan.columns) == ["Ref", "Objective", "Action", "Lead", "Due", "Status", "Saving"]
    assert plan["Due"].tolist()[0] == "March 2026" and plan["Status"].tolist()[2] == "On track"
    assert plan.attrs["column_sources"]["Saving"] == ("action_plan.saving",)
    assert summary("action_plan", frames) == "Of 4 actions in the plan, 2 are complete, 1 is on track and 1 is at risk."
    status = frames["action_status"]
    assert status["Actions"].tolist() == [2, 1, 1, 0, 0]
    assert summary("action_status", frames) == summary("action_plan", frames)


def test_action_plan_without_savings_has_no_saving_column():
    year = year_2026()
    year["action_plan"] = year["action_plan"].drop(columns="saving")
    frame = OUTPUTS["action_plan"].frame(make_view(2026, {2026: year}))
    assert "Saving" not in frame.columns


def test_a_year_without_tables_gives_empty_frames_and_a_sentence():
    view = make_view(2026, {2026: {}})
    for name, output in OUTPUTS.items():
        frame = output.frame(view)
        assert frame.empty, name
        assert output.summary(frame).startswith("There "), name


def test_trends_use_only_earlier_years():
    view = make_view(2025)
    assert OUTPUTS["spend_trend"].frame(view)["Year"].tolist() == ["2024 to 2025"]
    assert OUTPUTS["fostering_households_trend"].frame(view)["Households"].tolist() == [70]
    assert OUTPUTS["spend_trend"].summary(OUTPUTS["spend_trend"].frame(view)) == (
        "Total spend on placements was £400,000 in 2024 to 2025.")


def test_summaries_survive_suppressed_cells(frames):
    # after redaction a count may read "c": summaries skip it rather than fail
    frame = frames["recruitment_funnel"].astype({"Households": object})
    frame.loc[4, "Households"] = "c"
    assert OUTPUTS["recruitment_funnel"].summary(frame).startswith("Of 200 enquiries")


def test_measures_document_every_published_measure():
    names = {measure.name for measure in catalogue.MEASURES}
    assert {"spend.by_service.unit_cost", "providers.largest_five_share", "fostering.occupancy",
            "recruitment.conversion", "market.good_or_outstanding_share", "actions.savings"} <= names
    for measure in catalogue.MEASURES:
        assert measure.definition and measure.method and measure.reference, measure.name
        assert all(table in TABLES_BY_NAME for table in measure.source), measure.name
    unit_cost = next(x for x in catalogue.MEASURES if x.name == "spend.by_service.unit_cost")
    assert "weighted" in unit_cost.method and "section 251" in unit_cost.reference.lower()


def test_public_edition_drops_the_saving_column_and_withholds_named_providers():
    # issue 4: the action plan stays, without its sensitive savings; spend with named providers goes
    from generator.redact import SensitiveInProse, public_frame

    view = make_view()
    plan = public_frame(OUTPUTS["action_plan"], OUTPUTS["action_plan"].frame(view))
    assert list(plan.columns) == ["Ref", "Objective", "Action", "Lead", "Due", "Status"]
    with pytest.raises(SensitiveInProse):
        public_frame(OUTPUTS["spend_with_providers"], OUTPUTS["spend_with_providers"].frame(view))


def test_places_needed_is_the_gap_tables_gap_one_column_a_year():
    """Issue 12: the gap as providers read it on a phone carries the very figures of the full table."""
    from generator.catalogue.forecast import sufficiency_gap
    from generator.catalogue.market import places_needed
    from generator.reference_doc import example_view

    view = example_view()  # the example's latest year
    full, glance = sufficiency_gap(view), places_needed(view)
    years = list(dict.fromkeys(full["Year"]))
    assert list(glance.columns) == ["Scenario", "Placement group", *years]
    for record in full.to_dict("records"):
        row = glance[(glance["Scenario"] == record["Scenario"])
                     & (glance["Placement group"] == record["Placement group"])].iloc[0]
        assert (pd.isna(row[record["Year"]]) and pd.isna(record["Gap"])) or row[record["Year"]] == record["Gap"]
    assert len(glance) == len(full) // len(years)
    modelled = full.attrs.get("modelled_cells", frozenset())
    assert bool(glance.attrs["modelled_cells"]) == any(column == "Gap" for _, column in modelled)
