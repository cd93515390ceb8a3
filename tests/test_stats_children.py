"""Children's statistics against hand-computed figures (issue 3, point 4).

The data are tiny hand-made tables for a fictional "Testshire"; every expected
figure has its arithmetic in a comment.
"""
import math

import pandas as pd
import pytest

from generator import contract
from generator.config import Authority
from generator.dataset import Dataset
from generator.stats import children as stats, children_context
from generator.values import Change, Figure

AUTHORITY = Authority("Testshire County Council", "Testshire", "E10000000", "ten similar councils", (2025, 2026))
BANDS = list(contract.AGE_BANDS)


def looked_after(total, **breakdowns):
    rows = [("total", "all", total)]
    for breakdown, counts in breakdowns.items():
        rows += [(breakdown, code, n) for code, n in counts.items()]
    return pd.DataFrame(rows, columns=["breakdown", "category", "children"])


def population(by_year):
    rows = [(year, band, n) for year, bands in by_year.items() for band, n in zip(BANDS, bands)]
    return pd.DataFrame(rows, columns=["year", "age_band", "population"])


def movements(started, ceased):
    rows = [("started", r, n) for r, n in started.items()] + [("ceased", r, n) for r, n in ceased.items()]
    return pd.DataFrame(rows, columns=["movement", "reason", "children"])


def stability_table(short, long):
    return pd.DataFrame([("short_term", *short), ("long_term", *long)], columns=["measure", "children", "cohort"])


def make_testshire() -> Dataset:
    y2025 = {
        "looked_after": looked_after(
            100,
            age_band=dict(zip(BANDS, (5, 15, 20, 40, 20))),  # 5+15+20+40+20 = 100
            placement_type={"foster_relative_friend": 20, "foster_other": 50, "childrens_home": 10, "secure": 2,
                            "residential_other": 3, "supported_accommodation": 5, "placed_for_adoption": 4,
                            "placed_with_parents": 6},  # = 100 ('other' has no row)
            provider={"own_provision": 45, "private": 35, "voluntary": 10, "other_local_authority": 4,
                      "parents": 6},  # = 100
        ),
        "starts_and_ceases": movements({"all": 30, "abuse_or_neglect": 30}, {"all": 20, "adopted": 20}),
        "placement_stability": stability_table((12, 100), (28, 40)),
    }
    y2026 = {
        "looked_after": looked_after(
            110,
            age_band=dict(zip(BANDS, (5, 15, 20, 50, 20))),  # = 110
            placement_type={"foster_relative_friend": 22, "foster_other": 55, "childrens_home": 12, "secure": 1,
                            "residential_other": 2, "supported_accommodation": 8, "placed_for_adoption": 4,
                            "placed_with_parents": 6},  # 22+55+12+1+2+8+4+6 = 110
            provider={"own_provision": 50, "private": 40, "voluntary": 10, "other_local_authority": 4,
                      "parents": 6},  # = 110
            sex={"male": 60, "female": 50},
        ),
        "starts_and_ceases": movements(
            {"all": 40, "abuse_or_neglect": 25, "family_dysfunction": 10, "absent_parenting": 5},
            {"all": 30, "returned_home": 10, "adopted": 5, "special_guardianship": 5, "independent_living": 10}),
        "placement_stability": stability_table((11, 110), (30, 40)),
        "care_leavers": pd.DataFrame(
            [("age_19_to_21", "in_touch", 45, 50), ("age_19_to_21", "suitable_accommodation", 40, 50),
             ("age_19_to_21", "education_employment_training", 25, 50), ("age_19_to_21", "staying_put", 3, 10),
             ("age_17_to_18", "in_touch", 18, 20)],
            columns=["age_group", "measure", "children", "cohort"]),
        "placements_by_type_and_age": pd.DataFrame(
            [("foster_other", "age_10_to_15", 30, 40, 1300.0), ("childrens_home", "age_10_to_15", 8, 12, 300.5),
             ("foster_other", "age_5_to_9", 12, 14, 600.0)],
            columns=["placement_type", "age_band", "children", "placements", "weeks_of_care"]),
    }
    reference = {
        # 2025: 1,000+4,000+5,000+6,000+4,000 = 20,000; 2026: 1,000+4,000+5,000+8,000+4,000 = 22,000
        "population": population({2025: (1000, 4000, 5000, 6000, 4000), 2026: (1000, 4000, 5000, 8000, 4000)}),
        "benchmarks": pd.DataFrame(
            [("looked_after_rate", 2025, "england", 67.0), ("looked_after_rate", 2026, "england", 70.0),
             ("looked_after_rate", 2026, "statistical_neighbours", 80.0),
             ("short_term_stability", 2026, "england", 10.0), ("care_leavers_in_touch", 2026, "england", 92.0),
             ("looked_after_rate", 2027, "england", 999.0)],  # a later year: never used by 2026
            columns=["measure", "year", "area", "value"]),
    }
    return Dataset({2025: y2025, 2026: y2026}, reference, AUTHORITY)


@pytest.fixture(scope="module")
def context():
    return children_context.build(make_testshire().view(2026))


def walk(ns, path=""):
    """Every leaf of a namespace with its dotted name."""
    for key, value in ns.items():
        name = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            yield from walk(value, name)
        else:
            yield name, value


# --- plain arithmetic --------------------------------------------------------

def test_rate_per_10000():
    # 331 / 47,500 × 10,000 = 69.684...
    assert stats.rate_per_10000(331, 47_500) == pytest.approx(69.6842, abs=1e-4)
    assert stats.rate_per_10000(331, 0) is None
    assert stats.rate_per_10000(None, 47_500) is None


def test_shares_add_to_100():
    # 230 / 300 = 76.67%, 40 / 300 = 13.33%, 30 / 300 = 10%
    result = stats.shares({"fostering": 230, "residential": 40, "other": 30})
    assert result["fostering"] == pytest.approx(76.6667, abs=1e-4)
    assert sum(result.values()) == pytest.approx(100)


def test_in_house_external_leaves_out_parents():
    # in-house 150; external 120 + 20 + 10 = 150; share 150 / 300 = 50%; parents (15) in neither
    mix = stats.in_house_external({"own_provision": 150, "private": 120, "voluntary": 20,
                                   "other_local_authority": 10, "parents": 15})
    assert (mix["in_house"], mix["external"], mix["in_house_share"]) == (150, 150, 50.0)


# --- looked after -------------------------------------------------------------

def test_looked_after_total_rate_and_change(context):
    la = context["looked_after"]
    assert la.total.value == 110
    # 110 / 22,000 × 10,000 = 50.0; 2025: 100 / 20,000 × 10,000 = 50.0
    assert la.rate.value == pytest.approx(50.0)
    assert set(la.rate.sources) == {"looked_after.children", "population.population"}
    assert str(la.change) == "up 10 (10%) on last year"  # 110 - 100 = 10; 10 / 100 = 10%
    assert str(la.rate_change) == "no change on last year"
    assert la.england_rate.value == 70.0 and la.neighbours_rate.value == 80.0
    assert la.england_rate.kind == "rate"


def test_breakdown_shares_and_changes(context):
    ages = context["looked_after"].age_band
    # 10 to 15: 50 / 110 = 45.45%; up 50 - 40 = 10, 10 / 40 = 25%
    assert ages.age_10_to_15.children.value == 50
    assert ages.age_10_to_15.share.value == pytest.approx(45.4545, abs=1e-4)
    assert str(ages.age_10_to_15.change) == "up 10 (25%) on last year"
    assert str(ages.under_1.change) == "no change on last year"  # 5 and 5
    assert sum(ages[c].share.value for c in contract.AGE_BANDS) == pytest.approx(100)
    types = context["looked_after"].placement_type
    assert str(types.secure.change) == "down 1 (50%) on last year"  # 1 - 2 = -1; 1 / 2 = 50%
    assert types.other.children.value == 0  # no row in a breakdown that has rows: 0


def test_every_contract_code_is_a_key(context):
    la = context["looked_after"]
    for breakdown, codes in contract.LOOKED_AFTER_BREAKDOWNS.items():
        if breakdown == "total":
            continue
        for code in codes:
            assert isinstance(la[breakdown][code].children, Figure), (breakdown, code)
    # ethnicity has no rows at all: shown as x, never an exception
    assert la.ethnicity.white.children.symbol == "x"
    assert la.sex.male.change.symbol == "x"  # sex has no 2025 rows
    assert set(context["started"].by_need) == set(contract.CATEGORIES_OF_NEED)
    assert set(context["ceased"].by_reason) == set(contract.REASONS_CEASED)


def test_fostering_residential_and_in_house(context):
    la = context["looked_after"]
    # fostering 22 + 55 = 77, 77 / 110 = 70%; 2025: 20 + 50 = 70, up 7 (10%)
    assert la.fostering.children.value == 77 and la.fostering.share.value == pytest.approx(70.0)
    assert str(la.fostering.change) == "up 7 (10%) on last year"
    # residential 12 + 1 + 2 = 15 (2025: 10 + 2 + 3 = 15); 15 / 110 = 13.64%
    assert la.residential.children.value == 15 and str(la.residential.change) == "no change on last year"
    assert la.residential.share.value == pytest.approx(13.6364, abs=1e-4)
    # in-house 50; external 40 + 10 + 4 = 54; 50 / 104 = 48.08%
    assert la.in_house.children.value == 50 and la.external.children.value == 54
    assert la.in_house.share.value == pytest.approx(48.0769, abs=1e-4)
    assert str(la.in_house.change) == "up 5 (11%) on last year"  # 50 - 45 = 5; 5 / 45 = 11.1%


# --- starts, ceases, placements ----------------------------------------------

def test_started_and_ceased(context):
    started = context["started"]
    assert started.total.value == 40
    assert started.rate.value == pytest.approx(18.1818, abs=1e-4)  # 40 / 22,000 × 10,000
    assert str(started.change) == "up 10 (33%) on last year"  # 40 - 30 = 10; 10 / 30 = 33.3%
    assert started.by_need.abuse_or_neglect.share.value == pytest.approx(62.5)  # 25 / 40
    assert started.by_need.low_income.children.value == 0
    ceased = context["ceased"]
    assert str(ceased.change) == "up 10 (50%) on last year"  # 30 - 20 = 10; 10 / 20 = 50%
    assert ceased.by_reason.returned_home.share.value == pytest.approx(33.3333, abs=1e-4)  # 10 / 30


def test_placements_and_weeks(context):
    p = context["placements"]
    # placements 40 + 12 + 14 = 66; children 30 + 8 + 12 = 50; weeks 1,300 + 300.5 + 600 = 2,200.5
    assert (p.total.value, p.children.value, p.weeks_of_care.value) == (66, 50, 2200.5)
    assert p.per_child.value == pytest.approx(1.32)  # 66 / 50
    # foster_other weeks 1,300 + 600 = 1,900; 1,900 / 2,200.5 = 86.34%
    assert p.by_type.foster_other.weeks_of_care.value == 1900
    assert p.by_type.foster_other.share_of_weeks.value == pytest.approx(86.3440, abs=1e-4)
    assert p.by_type.secure.placements.value == 0
    assert p.by_age.age_10_to_15.placements.value == 52  # 40 + 12


# --- stability and care leavers ----------------------------------------------

def test_stability_percentages(context):
    s = context["stability"]
    # short term 11 / 110 = 10%; 2025: 12 / 100 = 12% → down 2 points
    assert (s.short_term.children.value, s.short_term.cohort.value) == (11, 110)
    assert s.short_term.percent.value == pytest.approx(10.0)
    assert str(s.short_term.change) == "down 2 percentage points on last year"
    # long term 30 / 40 = 75%; 2025: 28 / 40 = 70% → up 5 points
    assert s.long_term.percent.value == pytest.approx(75.0)
    assert str(s.long_term.change) == "up 5 percentage points on last year"
    assert s.short_term.england.value == 10.0
    assert s.long_term.england.symbol == "x"  # not published in the benchmarks table


def test_care_leavers(context):
    c = context["care_leavers"]
    assert c.age_19_to_21.in_touch.percent.value == pytest.approx(90.0)  # 45 / 50
    assert c.age_19_to_21.education_employment_training.percent.value == pytest.approx(50.0)  # 25 / 50
    assert c.age_19_to_21.in_touch.england.value == 92.0
    assert c.age_19_to_21.staying_put.percent.value == pytest.approx(30.0)  # 3 / 10
    assert c.age_17_to_18.in_touch.percent.value == pytest.approx(90.0)  # 18 / 20
    assert c.age_17_to_18.suitable_accommodation.percent.symbol == "x"  # no row
    assert "england" not in c.age_17_to_18.in_touch


def test_benchmarks_namespace(context):
    b = context["benchmarks"]
    assert set(b.england) == set(contract.BENCHMARK_MEASURES)
    assert b.england.looked_after_rate.value == 70.0  # 2026, never 2027's 999
    assert b.neighbours.looked_after_rate.value == 80.0
    assert b.england.foster_share.symbol == "x"


def test_leaves_are_figures_or_changes_with_sources(context):
    for name, leaf in walk(context):
        if name == "projection.method":
            assert isinstance(leaf, str)
            continue
        assert isinstance(leaf, (Figure, Change)), name
        if isinstance(leaf, Figure) and leaf.kind != "year":
            assert leaf.sources, name
            for source in leaf.sources:
                table, column = source.split(".")
                assert column in contract.TABLES_BY_NAME[table].column_names, name


# --- missing data and year isolation -----------------------------------------

def test_missing_optional_tables_give_x_not_errors():
    dataset = make_testshire()
    view = dataset.view(2025)  # 2025 has no care leavers, placements or sex rows, no earlier year
    ns = children_context.build(view)
    assert ns["care_leavers"].age_19_to_21.in_touch.percent.symbol == "x"
    assert ns["placements"].total.symbol == "x"
    assert ns["placements"].per_child.symbol == "x"
    assert ns["looked_after"].change.symbol == "x"  # no 2024
    assert ns["stability"].short_term.change.symbol == "x"
    assert ns["projection"].year_1.total.symbol == "x"  # fewer than three years of rates


def test_a_year_never_sees_later_years():
    # the 2025 statement must not see 2026's 110 children or 2026 benchmarks
    view = make_testshire().view(2025)
    ns = children_context.build(view)
    assert ns["looked_after"].total.value == 100
    assert ns["looked_after"].rate.value == pytest.approx(50.0)  # 100 / 20,000 × 10,000
    assert ns["looked_after"].england_rate.value == 67.0
    assert ns["benchmarks"].neighbours.looked_after_rate.symbol == "x"  # only published for 2026
    with pytest.raises(ValueError):
        view.table("looked_after", 2026)


def test_missing_population_gives_x():
    dataset = make_testshire()
    dataset.reference["population"] = dataset.reference["population"].iloc[0:0]
    ns = children_context.build(dataset.view(2026))
    assert ns["looked_after"].rate.symbol == "x"
    assert ns["looked_after"].rate_change.symbol == "x"
    assert ns["looked_after"].total.value == 110


# --- projection ----------------------------------------------------------------

def trend_dataset() -> Dataset:
    """Five years whose rates lie exactly on straight lines (population 10,000 a band, so
    the rate per 10,000 equals the count): under 1: 10; 1 to 4: 20; 5 to 9: 30 + 2t;
    10 to 15: 40 + 4t; 16 and over: 50 - t, with t = year - 2022."""
    years = {}
    for year in range(2022, 2027):
        t = year - 2022
        counts = (10, 20, 30 + 2 * t, 40 + 4 * t, 50 - t)
        years[year] = {"looked_after": looked_after(sum(counts), age_band=dict(zip(BANDS, counts)))}
    pop = {y: (10_000,) * 5 for y in range(2022, 2027)}
    pop[2027] = (10_000, 10_000, 10_000, 12_000, 10_000)  # 2028 missing: 2027 held constant
    pop[2029] = (10_000,) * 5
    return Dataset(years, {"population": population(pop)}, AUTHORITY)


def test_projection_follows_a_known_trend():
    view = trend_dataset().view(2026)
    result = stats.project_looked_after(view)
    assert result.base_years == (2022, 2023, 2024, 2025, 2026)
    assert result.years == (2027, 2028, 2029)
    band = {(b.age_band, b.year): b for b in result.bands}
    # 10 to 15 in 2027: rate 40 + 4 × 5 = 60 per 10,000 × 12,000 / 10,000 = 72
    assert band["age_10_to_15", 2027].children == pytest.approx(72)
    # 2028: rate 64 on 2027's population held constant: 64 × 1.2 = 76.8
    assert band["age_10_to_15", 2028].children == pytest.approx(76.8)
    # 16 and over in 2029: 50 - 7 = 43
    assert band["age_16_and_over", 2029].children == pytest.approx(43)
    # totals: 2027: 10 + 20 + 40 + 72 + 45 = 187; 2029: 10 + 20 + 44 + 68 + 43 = 185
    assert result.total(2027)["children"] == pytest.approx(187)
    assert result.total(2029)["children"] == pytest.approx(185)
    # exact straight lines: no scatter, so the range closes on the projection
    assert result.total(2027)["low"] == pytest.approx(187) and result.total(2027)["high"] == pytest.approx(187)
    ns = children_context.build(view)["projection"]
    assert ns.year_1.year.value == 2027 and ns.year_3.year.value == 2029
    assert ns.year_2.total.value == pytest.approx(192.8)  # 10 + 20 + 42 + 76.8 + 44
    assert ns.year_1.by_age.age_10_to_15.total.value == pytest.approx(72)
    assert "least squares" in ns.method


def test_prediction_interval_from_residuals():
    # rates 10, 12, 11, 13, 14 in 2022-26: x̄ = 2024, ȳ = 12, Sxx = 10, Sxy = 4 + 0 + 0 + 1 + 4 = 9,
    # slope 0.9; residuals -0.2, 0.9, -1, 0.1, 0.2 → SSR 1.9, s = √(1.9 / 3) = 0.79582;
    # 2027: 12 + 0.9 × 3 = 14.7; se = s × √(1 + 1/5 + 9/10) = 1.15325; t(0.90, 3 df) = 1.63774;
    # half-width 1.88875 → 12.8113 to 16.5887
    predicted, low, high = stats.linear_trend_prediction([2022, 2023, 2024, 2025, 2026], [10, 12, 11, 13, 14], 2027)
    assert predicted == pytest.approx(14.7)
    assert low == pytest.approx(12.8113, abs=1e-3)
    assert high == pytest.approx(16.5887, abs=1e-3)


def test_t_quantile_matches_printed_tables():
    # two-sided 80%: 3.078 (1 df), 1.886 (2 df), 1.638 (3 df); two-sided 95% on 10 df: 2.228
    assert stats.t_quantile(0.80, 1) == pytest.approx(3.0777, abs=1e-4)
    assert stats.t_quantile(0.80, 2) == pytest.approx(1.8856, abs=1e-4)
    assert stats.t_quantile(0.80, 3) == pytest.approx(1.6377, abs=1e-4)
    assert stats.t_quantile(0.95, 10) == pytest.approx(2.2281, abs=1e-4)


def test_projection_range_widens_with_scatter_and_is_not_negative():
    dataset = trend_dataset()
    # make the 16 and over band scatter: 50, 20, 60, 10, 40 → wide interval, low clipped at 0
    for year, n in zip(range(2022, 2027), (50, 20, 60, 10, 40)):
        frame = dataset.years[year]["looked_after"]
        frame.loc[(frame["breakdown"] == "age_band") & (frame["category"] == "age_16_and_over"), "children"] = n
    result = stats.project_looked_after(dataset.view(2026))
    b = next(b for b in result.bands if b.age_band == "age_16_and_over" and b.year == 2029)
    assert b.low == 0 and b.high > b.children > 0
    steady = next(b for b in result.bands if b.age_band == "under_1" and b.year == 2029)
    assert steady.low == pytest.approx(steady.high)


def test_projection_uses_only_the_last_five_years():
    dataset = trend_dataset()
    # an old, wild year 2021 must not change the fit
    dataset.years[2021] = {"looked_after": looked_after(999, age_band=dict(zip(BANDS, (500, 100, 100, 199, 100))))}
    dataset.reference["population"] = pd.concat(
        [dataset.reference["population"], population({2021: (10_000,) * 5})], ignore_index=True)
    result = stats.project_looked_after(dataset.view(2026))
    assert result.base_years == (2022, 2023, 2024, 2025, 2026)
    assert result.total(2027)["children"] == pytest.approx(187)
    assert not any(math.isnan(b.children) for b in result.bands)
