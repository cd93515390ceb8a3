"""The forecast on synthetic histories with known rates (issue 6).

Each world is generated at population level from a known transition matrix
(leaving care, ageing, moves between placement groups) and known entry rates
per 10,000 children, with expected values rounded to whole children (so the
"history" is what the rates say, up to rounding). Tolerances:

* transition probabilities recovered within 0.01 (absolute), entry rates within 2%;
* on a world whose rates do not change, the backtest's mean absolute percentage
  error is under 1% one year ahead and under 1.5% two years ahead, its signed
  error within ±1%;
* when entries jump by a known number the year after a forecast, the one-year
  error grows by exactly minus that number (the forecast cannot know), and is
  minus that number within 12 children (the simulation's mean of 400 futures).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.config import Authority
from generator.dataset import YearView
from generator.forecast import model as M, run as R

BANDS, GROUPS = M.BANDS, M.GROUPS
LEAVE = np.array([0.30, 0.20, 0.12, 0.12, 0.45])          # chance of leaving care in a year, by band
AGEING = np.array([1.0, 0.25, 0.20, 1 / 6, 0.0])           # chance of moving up a band in a year
TYPE_OF_GROUP = {"fostering": "foster_other", "residential": "childrens_home", "supported": "supported_accommodation",
                 "other": "other"}
AUTHORITY = Authority("Testshire", "Testshire", "E06000000", "none", (2030,))


def group_moves(shift: float = 0.0) -> np.ndarray:
    """4×4 moves between groups a year; ``shift`` of residential children move to fostering."""
    g = np.array([[0.94, 0.03, 0.02, 0.01],
                  [0.05, 0.85, 0.08, 0.02],
                  [0.01, 0.02, 0.96, 0.01],
                  [0.04, 0.01, 0.00, 0.95]])
    g[1] = [0.05 + shift, 0.85 - shift, 0.08, 0.02]
    return g


def transition_matrix(shift: float = 0.0) -> np.ndarray:
    p = np.zeros((M.N_STATES, M.N_STATES + 1))
    moves = group_moves(shift)
    for b in range(len(BANDS)):
        ageing = np.zeros(len(BANDS))
        ageing[b] = 1 - AGEING[b]
        if b + 1 < len(BANDS):
            ageing[b + 1] = AGEING[b]
        for g in range(len(GROUPS)):
            p[b * 4 + g, :M.N_STATES] = (1 - LEAVE[b]) * np.outer(ageing, moves[g]).ravel()
            p[b * 4 + g, M.LEFT] = LEAVE[b]
    return p


ENTRY_RATE = np.array([60.0, 25.0, 15.0, 20.0, 30.0]) / 10_000   # entrants still in care at 31 March, per child
ENTRY_MIX = np.array([[0.9, 0.0, 0.0, 0.1], [0.85, 0.02, 0.0, 0.13], [0.85, 0.05, 0.0, 0.10],
                      [0.70, 0.20, 0.05, 0.05], [0.40, 0.15, 0.40, 0.05]])
POPULATION = np.array([30_000, 120_000, 150_000, 180_000, 60_000], dtype=float)


def world(years=range(2022, 2031), growth: float = 0.0, shift: float = 0.0, jump: dict | None = None):
    """A YearView of the last year of an expected-value world and its true stocks.

    ``growth``: the child population grows by this share a year; ``shift``:
    extra share of residential children moving to fostering each year; ``jump``:
    {year: extra entrants (fostering, 10 to 15)} that year only.
    """
    p = transition_matrix(shift)
    years = list(years)
    stock = np.zeros(M.N_STATES)
    population = {}
    history: dict[int, dict[str, pd.DataFrame]] = {}
    # burn-in so the first year is near the steady state
    for _ in range(30):
        stock = np.rint(stock @ p[:, :M.N_STATES] + (ENTRY_RATE * POPULATION)[:, None].repeat(4, 1).ravel()
                        * ENTRY_MIX.ravel())
    for k, year in enumerate(years):
        pop = POPULATION * (1 + growth) ** k
        population.update({(year, b): pop[i] for i, b in enumerate(BANDS)})
        flows = np.rint(stock[:, None] * p)
        entries = np.rint((ENTRY_RATE * pop)[:, None] * ENTRY_MIX).ravel()
        if jump and year in jump:
            entries[BANDS.index("age_10_to_15") * 4 + 0] += jump[year]
        rows = [(GROUPS[s % 4], BANDS[s // 4], "left" if t == M.LEFT else GROUPS[t % 4],
                 BANDS[s // 4] if t == M.LEFT else BANDS[t // 4], flows[s, t])
                for s in range(M.N_STATES) for t in range(M.N_STATES + 1) if flows[s, t] > 0]
        rows += [("entered", BANDS[s // 4], GROUPS[s % 4], BANDS[s // 4], entries[s])
                 for s in range(M.N_STATES) if entries[s] > 0]
        stock = flows[:, :M.N_STATES].sum(axis=0) + entries
        history[year] = tables(rows, stock)
    reference = {"population": pd.DataFrame([(y, b, n) for (y, b), n in population.items()],
                                            columns=["year", "age_band", "population"])}
    last = years[-1]
    return YearView(last, history[last], history, reference, AUTHORITY)


def tables(flow_rows, stock) -> dict[str, pd.DataFrame]:
    by_state = pd.DataFrame([(BANDS[s // 4], GROUPS[s % 4], stock[s]) for s in range(M.N_STATES)],
                            columns=["age_band", "placement_group", "children"])
    groups = by_state.groupby("placement_group")["children"].sum()
    bands = by_state.groupby("age_band")["children"].sum()
    looked_after = [("total", "all", stock.sum())] + [("placement_type", TYPE_OF_GROUP[g], groups[g]) for g in GROUPS]
    looked_after += [("age_band", b, bands[b]) for b in BANDS]
    return {
        "flows": pd.DataFrame(flow_rows, columns=["from_state", "age_band_start", "to_state", "age_band_end",
                                                  "children"]),
        "looked_after_by_age_and_placement": by_state,
        "looked_after": pd.DataFrame(looked_after, columns=["breakdown", "category", "children"]),
    }


def fitted_rates(view) -> M.Rates:
    window = R.window_years(view, view.year, 3)
    return M.rates_from_flows({y: view.table("flows", y) for y in window}, R.population(view))


def one_and_two_year(view, group="all"):
    errors = R.errors(R.backtest(view))
    rows = errors[errors["placement_group"] == group].set_index("horizon")
    return rows.loc[1], rows.loc[2]


@pytest.mark.parametrize("growth, shift", [(0.0, 0.0), (0.03, 0.0), (0.0, 0.15)],
                         ids=["stable", "growing", "residential-to-fostering"])
def test_the_model_recovers_the_rates_it_was_given(growth, shift):
    view = world(growth=growth, shift=shift)
    rates = fitted_rates(view)
    assert rates.window == (2028, 2029, 2030) and rates.per_population
    truth = transition_matrix(shift)
    estimated = rates.transition_probabilities()
    occupied = rates.moves.sum(axis=1) >= 300   # enough children that rounding to whole children is under 0.005
    assert occupied.sum() >= 10
    assert np.abs(estimated[occupied] - truth[occupied]).max() < 0.01
    assert rates.entry_rate() == pytest.approx(ENTRY_RATE, rel=0.02)


@pytest.mark.parametrize("growth, shift", [(0.0, 0.0), (0.03, 0.0), (0.0, 0.15)],
                         ids=["stable", "growing", "residential-to-fostering"])
def test_backtest_error_is_small_when_the_rates_hold(growth, shift):
    view = world(growth=growth, shift=shift)
    one, two = one_and_two_year(view)
    assert one["forecasts"] == 7 and two["forecasts"] == 6  # every origin with two years of flows (2023-29)
    assert one["mape"] < 1.0 and two["mape"] < 1.5
    assert abs(one["signed_percent"]) < 1.0 and abs(two["signed_percent"]) < 1.0
    for group in GROUPS:
        g_one, _ = one_and_two_year(view, group)
        assert g_one["mape"] < 3.0, group


def test_a_growing_population_grows_the_forecast():
    view = world(growth=0.03)
    fc = R.forecast(view)
    totals = [fc.value(y) for y in fc.years]
    assert totals[0] < totals[1] < totals[2]
    assert fc.method == "transition"


def test_the_shift_to_fostering_shows_in_the_forecast():
    stable, shifted = R.forecast(world()), R.forecast(world(shift=0.15))
    year = stable.years[-1]
    assert shifted.value(year, "residential") < 0.8 * stable.value(year, "residential")
    assert shifted.value(year, "fostering") > stable.value(year, "fostering")


def test_a_jump_in_entries_is_the_backtest_error():
    def row(view):
        bt = R.backtest(view)
        return bt[(bt["origin"] == 2025) & (bt["horizon"] == 1) & (bt["placement_group"] == "all")].iloc[0]

    jumped, steady = row(world(jump={2026: 300})), row(world())
    # Standing in 2025 both worlds look the same: the same forecast, and 300 more children in one.
    assert jumped["forecast"] == steady["forecast"]
    assert jumped["actual"] - steady["actual"] == 300
    assert jumped["forecast"] - jumped["actual"] == pytest.approx(-300, abs=12)
    assert jumped["actual"] > jumped["high"]  # outside the range: the model could not know


def test_the_range_covers_about_eight_in_ten_outcomes_of_its_own_process():
    view = world()
    fc = R.forecast(view)
    for year in fc.years:
        mean, low, high = (fc.value(year, "all", what=w) for w in ("children", "low", "high"))
        assert low < mean < high
        assert high - low < 0.1 * mean   # 10,000 children: a narrow range
    # the range widens with the horizon
    widths = [fc.value(y, what="high") - fc.value(y, what="low") for y in fc.years]
    assert widths[0] < widths[2]


def test_the_forecast_is_deterministic():
    a = R.forecast(world()).frame
    b = R.forecast(world()).frame
    pd.testing.assert_frame_equal(a, b)


def test_without_flows_the_trend_method_is_used_and_named():
    view = world()
    for tables_of_year in view.history.values():
        tables_of_year.pop("flows")
    fc = R.forecast(view)
    assert fc.method == "trend"
    assert "trend and population" in R.METHODS[fc.method]
    # the trend on a steady world: close to the stock
    assert fc.value(fc.years[0]) == pytest.approx(view.table("looked_after")["children"].iloc[0], rel=0.02)


def test_one_year_of_flows_is_not_enough_for_the_transition_model():
    view = world(years=range(2029, 2031))
    view.history[2029].pop("flows")
    assert R.transition_inputs(view, 2030) is None


# --- issue 11: one forecast, honestly backtested -------------------------------------------------------------

def truncated(view, year):
    history = {y: t for y, t in view.history.items() if y <= year}
    return YearView(year, history[year], history, view.reference, view.authority)


def test_the_backtest_row_is_the_forecast_the_earlier_statement_published():
    """Standing in 2030, the forecast from 2028 is exactly what the 2028 statement published (figure by figure)."""
    view = world(jump={y: 60 * (y - 2022) for y in range(2023, 2031)})
    bt = R.backtest(view)
    published = R.forecast(truncated(view, 2028))
    rows = bt[bt["origin"] == 2028]
    assert len(rows) == 2 * (1 + len(GROUPS))
    for r in rows.to_dict("records"):
        assert (r["forecast"], r["low"], r["high"]) == tuple(
            published.value(r["year"], r["placement_group"], what=w) for w in ("children", "low", "high"))
    assert published.window == R.forecast(view, 2028).window


def test_no_change_and_trend_are_set_beside_the_model_on_the_same_origins():
    view = world(jump={y: 60 * (y - 2022) for y in range(2023, 2031)})
    model, trend, still = (R.backtest(view, m) for m in (None, "trend", "no_change"))
    assert set(trend["origin"]) <= set(model["origin"]) and set(still["origin"]) == set(model["origin"])
    totals = {y: view.table("looked_after", y)["children"].iloc[0] for y in view.years}
    for r in still[still["placement_group"] == "all"].to_dict("records"):
        assert r["forecast"] == totals[r["origin"]] and np.isnan(r["low"]) and np.isnan(r["high"])
    errors = R.errors(still)
    assert errors["coverage"].isna().all()
    # rising entries: carrying the count forward lags more than a model whose window follows the rise
    one = errors[(errors["horizon"] == 1) & (errors["placement_group"] == "all")].iloc[0]
    assert one["mape"] > one_and_two_year(view)[0]["mape"]


def test_the_analyst_sets_the_reference_window():
    from dataclasses import replace

    view = world()
    fixed = YearView(view.year, view.tables, view.history, view.reference, replace(AUTHORITY, forecast_window=4))
    fc = R.forecast(fixed)
    assert fc.window == (2027, 2028, 2029, 2030) and fc.window_choice == "setting"


def test_without_a_setting_the_window_that_forecast_earlier_years_best_is_used():
    # Entries rise every year: a short window follows the rise, a long one lags it.
    view = world(jump={y: 60 * (y - 2022) for y in range(2023, 2031)})
    size, how = R.choose_window(view, 2030)
    assert (size, how) == (2, "backtest")
    scores = R._window_scores(view, 2030)
    assert sorted(scores) == [2, 3, 4, 5] and scores[2] < scores[3] < scores[5]
    # Rates that hold: every window is as good, and the default (three years) is kept.
    assert R.choose_window(world(), 2030) == (3, "backtest")
    # Too few earlier years to compare: the default.
    assert R.choose_window(world(years=range(2027, 2031)), 2030) == (3, "default")


def test_drift_is_the_spread_of_the_yearly_change_of_the_rates_beyond_chance():
    def flows(entered, left, stayed=1000):
        return pd.DataFrame([("entered", "age_10_to_15", "fostering", "age_10_to_15", entered),
                             ("fostering", "age_10_to_15", "left", "age_10_to_15", left),
                             ("fostering", "age_10_to_15", "fostering", "age_10_to_15", stayed - left)],
                            columns=["from_state", "age_band_start", "to_state", "age_band_end", "children"])
    population = {(y, b): 1000.0 for y in (2024, 2025, 2026) for b in BANDS}
    # 400, 440, 400 entries: +9.5% then -9.5%, of which chance explains 1/400 + 1/440 of the square
    entries, leaving = M.drift_from_history({2024: flows(400, 100), 2025: flows(440, 100), 2026: flows(400, 100)},
                                            population)
    step = np.log(440 / 400)
    assert entries == pytest.approx(np.sqrt(step ** 2 - 1 / 400 - 1 / 440), rel=1e-9)  # about 0.066
    assert leaving == 0.0
    # small counts: the same changes are what chance gives, so no drift
    small, _ = M.drift_from_history({2024: flows(20, 10), 2025: flows(22, 10), 2026: flows(20, 10)}, population)
    assert small == 0.0


def test_the_range_allows_for_a_change_of_trend():
    view = world()
    rates, start = R.transition_inputs(view, view.year)
    years = (2031, 2032, 2033)
    exposure = R.future_exposure(view, years)
    rates.drift = (0.0, 0.0)
    still = M.summarise(M.simulate(rates, start, years, exposure), years)
    rates.drift = (0.10, 0.05)
    drifting = M.summarise(M.simulate(rates, start, years, exposure), years)
    for year in years:
        a = still[(still["year"] == year) & (still["age_band"] == "all") & (still["placement_group"] == "all")].iloc[0]
        b = drifting[(drifting["year"] == year) & (drifting["age_band"] == "all")
                     & (drifting["placement_group"] == "all")].iloc[0]
        assert b["high"] - b["low"] > 2 * (a["high"] - a["low"])      # much wider
        assert b["children"] == pytest.approx(a["children"], rel=0.01)  # centred: the forecast stays put


@pytest.mark.parametrize("exits_from", [2031, 2033])
def test_a_scenario_has_the_same_futures_made_before_or_after_its_baseline(exits_from):
    """The baseline and its scenarios share the draws made before the levers act (drawn once for the same
    inputs): a scenario made after its baseline is the one made on its own, bit for bit, and the same the
    other way round."""
    view = world()
    rates, start = R.transition_inputs(view, view.year)
    years = (2031, 2032, 2033)
    exposure = R.future_exposure(view, years)
    levers = M.Levers(entries={2032: np.full(len(M.BANDS), 0.8)}, exits={exits_from: np.full(len(M.BANDS), 1.1)},
                      shifts={2031: [(1, 0, 0.1, (3,))]})
    M._BEFORE_LEVERS.clear()
    scenario_alone = M.simulate(rates, start, years, exposure, levers)
    baseline_after = M.simulate(rates, start, years, exposure)
    M._BEFORE_LEVERS.clear()
    baseline_alone = M.simulate(rates, start, years, exposure)
    scenario_after = M.simulate(rates, start, years, exposure, levers)
    assert scenario_after.tobytes() == scenario_alone.tobytes()
    assert baseline_after.tobytes() == baseline_alone.tobytes()
    assert scenario_after.tobytes() != baseline_alone.tobytes()
