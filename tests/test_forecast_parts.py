"""Scenarios, projected spend, the sufficiency gap, the flows extract and the published names (issue 6)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.catalogue import all_outputs, forecast as catalogue, is_sensitive
from generator.config import Authority, load_authority
from generator.dataset import YearView
from generator.forecast import costs, gap, model as M, run as R
from generator.forecast.outlook import outlook
from generator.forecast.scenarios import scenarios, slug
from generator.load import load_dataset

ROOT = Path(__file__).resolve().parents[1]
from conftest import PEER_903 as PEER  # noqa: E402

AUTHORITY = Authority("Testshire", "Testshire", "E06000000", "none", (2026,), inflation=0.04)


@pytest.fixture(scope="module")
def example():
    dataset, problems = load_dataset(ROOT / "data", load_authority(ROOT / "authority.yml"))
    assert not [p for p in problems if getattr(p, "severity", "error") == "error"]
    return dataset


def plan(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["scenario", "description", "lever", "age_band", "from_group", "to_group",
                                       "value", "start_year"])


def test_scenario_rows_become_levers_from_their_start_year():
    tables = {"scenarios": plan([
        ("Edge of care", "Fewer teenagers", "entries_change_percent", "age_10_to_15", "none", "none", -15, 2028),
        ("Edge of care", None, "placement_shift_percent", "all", "residential", "fostering", 10, 2027),
        ("Edge of care", None, "in_house_foster_carers_added", "all", "none", "none", 20, 2027),
    ])}
    view = YearView(2026, tables, {2026: tables}, {}, AUTHORITY)
    [s] = scenarios(view, (2027, 2028, 2029))
    assert (s.name, s.slug, s.description) == ("Edge of care", "edge_of_care", "Fewer teenagers")
    assert 2027 not in s.levers.entries
    assert s.levers.entries[2028][M.BANDS.index("age_10_to_15")] == pytest.approx(0.85)
    assert s.levers.entries[2028].sum() == pytest.approx(4.85)
    assert s.levers.shifts[2027] == [(1, 0, 0.10, (0, 1, 2, 3, 4))]
    assert s.carers_added == {2027: 20, 2028: 40, 2029: 60}  # households added since the statement year
    assert slug("2030 plan") == "scenario_2030_plan"


def test_levers_move_the_simulated_children():
    rates = M.Rates((2025, 2026), np.zeros((M.N_STATES, M.N_STATES + 1)), np.zeros((2, M.N_STATES)),
                    np.ones((2, len(M.BANDS))))
    i = M.STATE_INDEX[("age_10_to_15", "residential")]
    rates.moves[i, i] = 200          # residential children stay put
    start = np.zeros(M.N_STATES)
    start[i] = 100
    levers = M.Levers(shifts={2027: [(1, 0, 0.5, (3,))]})
    samples = M.simulate(rates, start, (2027,), levers=levers, simulations=200)
    j = M.STATE_INDEX[("age_10_to_15", "fostering")]
    assert samples[:, 0, i].mean() + samples[:, 0, j].mean() == pytest.approx(100, abs=3)
    assert samples[:, 0, j].mean() == pytest.approx(50 * samples[:, 0, [i, j]].sum(axis=1).mean() / 100, abs=3)


def _forecast_of(children: dict, origin=2026) -> R.Forecast:
    years = (origin + 1, origin + 2, origin + 3)
    total = sum(children.values())
    rows = [(y, "all", g, n, n, n) for y in years for g, n in children.items()]
    rows += [(y, "all", "all", total, total, total) for y in years]
    return R.Forecast(origin, years, "transition",
                      pd.DataFrame(rows, columns=["year", "age_band", "placement_group", "children", "low", "high"]))


def _view_with_spend():
    spend = pd.DataFrame([("fostering", "in_house", 10, 80 * 52.1786, 80 * 52.1786 * 500),
                          ("fostering", "external", 10, 20 * 52.1786, 20 * 52.1786 * 1000)],
                         columns=["service", "sector", "children", "weeks_of_care", "spend"])
    la = pd.DataFrame([("total", "all", 100), ("placement_type", "foster_other", 100)],
                      columns=["breakdown", "category", "children"])
    capacity = pd.DataFrame([("mainstream", 50, 80, 70, 0, 10), ("short_breaks", 5, 5, 0, 0, 5)],
                            columns=["carer_type", "households", "approved_places", "occupied", "vacant_available",
                                     "vacant_not_available"])
    contracted = pd.DataFrame([("fostering", "framework", "Acme Fostering", 12),
                               ("childrens_home", "block", "Acme Homes", 4)],
                              columns=["service", "arrangement", "provider", "places"])
    tables = {"spend_by_service": spend, "looked_after": la, "fostering_capacity": capacity,
              "contracted_capacity": contracted}
    return YearView(2026, tables, {2025: {"looked_after": la}, 2026: tables}, {}, AUTHORITY)


def test_projected_spend_is_weeks_times_inflated_unit_cost():
    view = _view_with_spend()
    fc = _forecast_of({"fostering": 100, "residential": 0, "supported": 0, "other": 0})
    spend = costs.projected_spend(view, fc)
    first = spend[spend["year"] == 2027].set_index(["placement_group", "sector"])
    # 100 children all year = 5,217.86 weeks (as in the base year); 80% in-house at £500 × 1.04.
    assert first.loc[("fostering", "in_house"), "weeks_of_care"] == pytest.approx(80 * 365.25 / 7, rel=1e-3)
    assert first.loc[("fostering", "in_house"), "unit_cost"] == pytest.approx(520)
    assert first.loc[("fostering", "external"), "unit_cost"] == pytest.approx(1040)
    assert spend[spend["year"] == 2029]["unit_cost"].max() == pytest.approx(1000 * 1.04 ** 3)
    total = first["spend"].sum()
    assert total == pytest.approx((80 * 520 + 20 * 1040) * 365.25 / 7, rel=1e-3)


def test_added_carers_move_weeks_from_external_fostering_and_save_money():
    view = _view_with_spend()
    fc = _forecast_of({"fostering": 100, "residential": 0, "supported": 0, "other": 0})
    base = costs.projected_spend(view, fc)
    more = costs.projected_spend(view, fc, {2027: 4, 2028: 8, 2029: 12})
    # 4 households × 1.6 places × 87.5% occupied = 5.6 children moved in 2027
    cell = (2027, "fostering", "in_house"), "weeks_of_care"
    moved = more.set_index(["year", "placement_group", "sector"]).loc[cell] \
        - base.set_index(["year", "placement_group", "sector"]).loc[cell]
    assert moved == pytest.approx(5.6 * 365.25 / 7, rel=1e-6)
    assert base["spend"].sum() - more["spend"].sum() > 0


def test_gap_is_demand_less_capacity_and_never_uses_provider_names():
    view = _view_with_spend()
    fc = _forecast_of({"fostering": 90, "residential": 6, "supported": 3, "other": 5})
    table = gap.gap_table(view, fc).set_index(["year", "placement_group"])
    row = table.loc[(2027, "fostering")]
    # usable in-house places: mainstream 80 - 10 not available (short breaks left out) + 12 framework
    assert (row["in_house"], row["framework"], row["capacity"], row["gap"]) == (70, 12, 82, 8)
    assert table.loc[(2027, "residential"), "gap"] == 2
    assert pd.isna(table.loc[(2027, "other"), "capacity"])
    with_carers = gap.gap_table(view, fc, {2027: 5}).set_index(["year", "placement_group"])
    assert with_carers.loc[(2027, "fostering"), "in_house"] == pytest.approx(70 + 5 * 1.6)
    assert "provider" not in table.columns


def test_sufficiency_gap_and_outputs_are_not_sensitive_but_providers_stay_so():
    outputs = all_outputs()
    for output in catalogue.OUTPUTS:
        assert outputs[output.name].frame is output.frame
        assert not is_sensitive(output), output.name
        assert output.description and output.units and output.summary
    assert "contracted_capacity.provider" not in catalogue.GAP_SOURCES


def test_example_statement_years_publish_forecast_backtest_scenarios_costs_and_gap(example):
    for year in (2024, 2025, 2026):
        view = example.view(year)
        o = outlook(view)
        assert o.baseline is not None and o.baseline.method == "transition"
        assert o.baseline.window[-1] == year and 2 <= len(o.baseline.window) <= 5
        assert o.baseline.window_choice == "backtest"
        errors = o.errors.set_index(["horizon", "placement_group"])
        assert errors.loc[(1, "all"), "mape"] < 6
        assert errors.loc[(2, "all"), "mape"] < 10
        assert [s.name for s, _ in o.scenarios] == ["Strategy"]
        for output in catalogue.OUTPUTS:
            frame = output.frame(view)
            assert not frame.empty, (year, output.name)
            assert isinstance(output.summary(frame), str)


def test_template_names(example):
    from generator.context import build_context

    context = build_context(example.view(2026))
    f = context.forecast
    assert f.method_code == "transition" and f.window.endswith("to 2026")
    assert f.window_choice == "the window that forecast earlier years best"
    assert f.year_1.year.value == 2027 and f.year_3.year.value == 2029
    assert f.year_1.low.value <= f.year_1.total.value <= f.year_1.high.value
    assert sum(f.year_1[g].children.value for g in M.GROUPS) == pytest.approx(f.year_1.total.value)
    assert context.backtest.one_year.mape.kind == "percent"
    assert context.backtest.no_change.one_year.mape.shown and context.backtest.no_change.one_year.coverage.symbol == "z"
    assert context.backtest.trend.two_year.mape.shown
    words = [context.gap.year_1[g].gap_words for g in ("fostering", "residential", "supported")]
    assert all(w.startswith(("a gap of about", "about")) for w in words), words
    assert context.backtest.two_year.fostering.coverage.shown
    assert context.scenario.strategy.year_3.difference.value < 0
    assert context.projected_spend.strategy.saving.value > 0
    assert context.projected_spend.inflation.format() == "4.0%"
    g = context.gap.year_1.fostering
    assert g.gap.value == pytest.approx(g.demand.value - g.capacity.value)
    assert context.gap.year_1.other.gap.symbol == "z"
    assert context.gap.strategy.year_3.fostering.capacity.value > g.capacity.value


def test_a_year_without_history_shows_x_not_an_error(example):
    from generator.context import build_context

    context = build_context(example.view(2019))
    assert context.forecast.year_1.total.symbol == "x"
    assert context.backtest.one_year.mape.symbol == "x"
    assert context.gap.year_1.fostering.gap.symbol == "x"


@pytest.mark.skipif(not PEER.exists(), reason="peer sample files not present")
def test_flows_add_up_on_the_peer_sample():
    from generator.extract import flows, read_903

    history = read_903(PEER)
    for year in history.years[1:]:
        tables = flows.forecast_tables(history, year)
        f, stock = tables["flows"], tables["looked_after_by_age_and_placement"]
        before = flows.snapshot(history, year - 1)
        assert f[f["to_state"] != "left"]["children"].sum() == stock["children"].sum()
        assert f[f["from_state"] != "entered"]["children"].sum() == len(before)
        for group in M.GROUPS:
            assert f[f["to_state"] == group]["children"].sum() == \
                stock[stock["placement_group"] == group]["children"].sum()


def test_the_2025_statements_forecast_is_the_2026_backtests_row(example):
    """Issue 11: the backtest shows, for origins that had a statement, exactly the figures published."""
    published = catalogue.forecast_table(example.view(2025))
    backtest = catalogue.backtest_table(example.view(2026))
    row = backtest[(backtest["Forecast made at 31 March"] == "2025") & (backtest["For 31 March"] == "2026")]
    assert len(row) == 1 + len(M.GROUPS)
    for r in row.to_dict("records"):
        mine = published[(published["Year"] == "2026") & (published["Placement group"] == r["Placement group"])]
        assert (r["Forecast"], r["Low"], r["High"]) == tuple(mine.iloc[0][["Forecast", "Low", "High"]])


def test_gap_words_read_true_either_way():
    from generator.forecast.context import gap_words

    assert gap_words(25.2, 38) == "a gap of about 25 places (38 if demand is at the top of its range)"
    assert gap_words(-3, 4) == ("about 3 places more than children need (a gap of 4 if demand is at the top of "
                                "its range)")
    assert gap_words(-3, -1) == "about 3 places more than children need (and enough even if demand is at the top of " \
                                "its range)"
    assert gap_words(None, None) == "not known"


def test_the_simulations_made_ahead_are_the_ones_each_years_job_makes(example):
    """A build makes the statement years' simulations once (``simulate_ahead``) and hands them to each year's
    job: every simulation a year's forecast, backtest and scenarios make is among them, the same to the bit."""
    from generator.forecast.outlook import simulate_ahead

    years = [2024, 2025, 2026]
    R._SIMULATED.clear(), R._TRANSITIONS.clear(), M._BEFORE_LEVERS.clear()
    simulate_ahead([example.view(year) for year in years])
    ahead = R.simulations_made()
    for year in years:
        R._SIMULATED.clear(), R._TRANSITIONS.clear(), M._BEFORE_LEVERS.clear()
        made = outlook(example.view(year))
        made.backtests, made.scenarios  # noqa: B018
        made = R.simulations_made()
        assert made and made.keys() <= ahead.keys()
        assert all(made[key][0].tobytes() == ahead[key][0].tobytes() for key in made)
        for key in made:
            pd.testing.assert_frame_equal(made[key][1], ahead[key][1], check_exact=True)


def test_forecast_errors_are_per_horizon_and_group_and_leave_out_a_row_missing_either():
    """The backtest's errors (``run.errors``): one row per horizon and placement group in the order they first
    appear; a backtest row without a horizon or a group belongs to neither and is left out, not made a group."""
    backtest = pd.DataFrame({"horizon": [1, 1, np.nan, 2, 1], "placement_group": ["fostering", None, "fostering",
                                                                               "fostering", "fostering"],
                             "forecast": [10.0, 5, 7, 9, 20], "actual": [11.0, 5, 8, 9, 20],
                             "low": [8.0, 4, 6, 8, 19], "high": [12.0, 6, 9, 10, 21]})
    found = R.errors(backtest)
    assert found[["horizon", "placement_group", "forecasts"]].values.tolist() == [[1, "fostering", 2],
                                                                                 [2, "fostering", 1]]
    assert found["signed"].tolist() == [-0.5, 0.0]
