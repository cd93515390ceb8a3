"""The example authority's data: deterministic, consistent, realistic, aggregate only."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator.contract import CHILD_LEVEL_COLUMNS, TABLES_BY_NAME
from generator.example import YEARS, make_example_data

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

#: finance service -> DfE placement type group it is counted under in placements_by_type_and_age
SERVICE_GROUP = {
    "fostering": "foster_other",
    "fostering_relative_friend": "foster_relative_friend",
    "childrens_home": "childrens_home",
    "supported_accommodation": "supported_accommodation",
    "secure": "secure",
    "parent_and_child": "residential_other",
    "residential_school": "residential_other",
}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A project folder with data/ regenerated from scratch."""
    project = tmp_path_factory.mktemp("example")
    shutil.copy(ROOT / "authority.yml", project / "authority.yml")
    make_example_data(project)
    return project


def table(name: str, year: int | None = None, data: Path = DATA) -> pd.DataFrame:
    folder = data / ("reference" if year is None else str(year))
    return pd.read_csv(folder / f"{name}.csv")


def looked_after(year: int) -> pd.Series:
    return table("looked_after", year).set_index(["breakdown", "category"])["children"]


def csv_files(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*.csv"))}


# ---------------------------------------------------------------------------
# Deterministic
# ---------------------------------------------------------------------------

def test_regenerating_gives_byte_identical_data(fresh):
    committed = csv_files(DATA)
    regenerated = csv_files(fresh / "data")
    assert sorted(regenerated) == sorted(committed)
    different = [name for name in committed if committed[name] != regenerated[name]]
    assert different == []


def test_every_year_has_every_year_table():
    for year in YEARS:
        names = {p.stem for p in (DATA / str(year)).glob("*.csv")}
        year_tables = {t.name for t in TABLES_BY_NAME.values() if t.scope == "year"}
        required = {t.name for t in TABLES_BY_NAME.values() if t.scope == "year" and t.required}
        assert required <= names <= year_tables, year
        assert {"flows", "looked_after_by_age_and_placement", "contracted_capacity"} <= names, year
    assert {p.stem for p in (DATA / "reference").glob("*.csv")} == {"population", "benchmarks"}


# ---------------------------------------------------------------------------
# Aggregates only
# ---------------------------------------------------------------------------

def test_no_child_level_column_anywhere_under_data():
    for path in sorted(DATA.rglob("*")):
        if path.is_file():
            assert path.suffix == ".csv", path
            header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
            leaked = {c.strip().upper() for c in header} & set(CHILD_LEVEL_COLUMNS)
            assert not leaked, f"{path}: {leaked}"


def test_synthetic_903_files_stay_outside_data(fresh):
    source = fresh / ".build" / "example-903"
    assert (source / "2025-episodes.csv").exists()
    assert not list((fresh / "data").rglob("*episodes*"))
    header = (source / "2025-episodes.csv").read_text().splitlines()[0]
    assert header.startswith("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC")


def test_the_extract_reports_the_planted_mess(fresh):
    report = (fresh / ".build" / "example-903" / "quality-report.txt").read_text()
    for code in ("[identical-rows]", "Rule 148:", "blank placement postcodes (PL_POST)", "not full postcodes"):
        assert code in report, code


# ---------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------

def test_data_loads_and_validates_cleanly():
    load = pytest.importorskip("generator.load")
    validate = pytest.importorskip("generator.validate")
    from generator.config import load_authority

    dataset, problems = load.load_dataset(DATA, load_authority(ROOT / "authority.yml"))
    assert [str(p) for p in problems] == []
    assert [str(p) for p in validate.validate(dataset)] == []


def test_totals_add_up():
    for year in YEARS:
        la = table("looked_after", year)
        total = la.loc[la.breakdown == "total", "children"].item()
        for breakdown, rows in la[la.breakdown != "total"].groupby("breakdown"):
            assert rows.children.sum() == total, (year, breakdown)
        sc = table("starts_and_ceases", year)
        for _, rows in sc.groupby("movement"):
            assert rows.loc[rows.reason == "all", "children"].item() == \
                rows.loc[rows.reason != "all", "children"].sum()
        fc = table("fostering_capacity", year)
        assert (fc.occupied + fc.vacant_available + fc.vacant_not_available == fc.approved_places).all(), year


# ---------------------------------------------------------------------------
# 903 tables agree with the other tables where they overlap
# ---------------------------------------------------------------------------

def test_weeks_of_care_by_service_match_the_903_weeks_by_placement_type():
    for year in YEARS:
        p = table("placements_by_type_and_age", year).groupby("placement_type")["weeks_of_care"].sum()
        s = table("spend_by_service", year)
        s = s[s.service.isin(SERVICE_GROUP)]
        by_group = s.groupby(s.service.map(SERVICE_GROUP))["weeks_of_care"].sum()
        for group, weeks in by_group.items():
            assert p.get(group, 0) == pytest.approx(weeks, abs=0.5), (year, group)
        for group in ("foster_other", "foster_relative_friend", "childrens_home", "supported_accommodation"):
            assert p.get(group, 0) > 0 and group in by_group.index, (year, group)


def test_fostering_capacity_matches_children_in_foster_care_at_31_march(fresh):
    episodes_by_year = {}
    for year in YEARS:
        la = looked_after(year)
        fc = table("fostering_capacity", year).set_index("carer_type")
        # every family and friends carer is the council's: occupied = children with relatives/friends
        assert fc.loc["family_and_friends", "occupied"] == la[("placement_type", "foster_relative_friend")]
        in_house = fc.occupied.sum()
        assert in_house <= la[("placement_type", "foster_relative_friend")] + la[("placement_type", "foster_other")]
        assert in_house <= la[("provider", "own_provision")]
        # and exactly the synthetic 903's own-provision foster episodes open at 31 March
        ep = pd.read_csv(fresh / ".build" / "example-903" / f"{year - 1}-episodes.csv", dtype=str)
        ep = ep.drop_duplicates(["CHILD", "DECOM"])
        open_ = ep[ep.DEC.isna() & ep.PLACE.str.match(r"U[1-6]$") & (ep.PLACE_PROVIDER == "PR1")]
        assert in_house == open_.CHILD.nunique(), year
        episodes_by_year[year] = len(open_)


def test_new_placements_by_route_match_referrals_placed():
    outcome_routes = {"placed_in_house": ("in_house",), "placed_framework": ("framework", "block"),
                      "placed_spot": ("spot",)}
    for year in YEARS:
        routes = table("commissioning_routes", year)
        ref = table("referrals", year)
        assert ref.month.nunique() == 12
        for outcome, names in outcome_routes.items():
            placed = routes.loc[routes.route.isin(names), "placements"].sum()
            assert ref.loc[ref.outcome == outcome, "referrals"].sum() == placed


def test_recruitment_net_change_matches_households():
    def own(year):
        fc = table("fostering_capacity", year).set_index("carer_type")
        return fc.households.drop("family_and_friends").sum()

    for year in YEARS[1:]:
        r = table("fostering_recruitment", year).set_index("stage").households
        assert r["approvals"] - r["deregistrations"] == own(year) - own(year - 1), year
        assert r["enquiries"] > r["initial_visits"] > r["assessments_started"] >= r["approvals"]


def test_named_provider_spend_within_external_spend():
    for year in YEARS:
        spend = table("spend_by_service", year)
        external = spend[spend.sector == "external"].set_index("service")
        providers = table("spend_with_providers", year).groupby("service")[["spend", "weeks_of_care"]].sum()
        for service, row in providers.iterrows():
            assert row.spend <= external.loc[service, "spend"]
            assert row.weeks_of_care <= external.loc[service, "weeks_of_care"]


# ---------------------------------------------------------------------------
# Realistic
# ---------------------------------------------------------------------------

def test_figures_are_in_realistic_ranges():
    pop = table("population").groupby("year")["population"].sum()
    assert set(pop.index) == set(range(2019, 2030))
    assert pop.between(42_000, 48_000).all()
    totals = {}
    for year in YEARS:
        la = looked_after(year)
        total = totals[year] = la[("total", "all")]
        assert 60 <= total / pop[year] * 10_000 <= 80, year
        foster = la[("placement_type", "foster_relative_friend")] + la[("placement_type", "foster_other")]
        assert 0.65 <= foster / total <= 0.80, year
        assert 0.07 <= la[("placement_type", "childrens_home")] / total <= 0.16, year
        assert 0.10 <= la[("distance", "over_20_miles")] / total <= 0.25, year
        st = table("placement_stability", year).set_index("measure")
        assert 0.02 <= st.children["short_term"] / st.cohort["short_term"] <= 0.15
        assert 0.55 <= st.children["long_term"] / st.cohort["long_term"] <= 0.85
        spend = table("spend_by_service", year).set_index(["service", "sector"])
        unit = spend.spend / spend.weeks_of_care
        assert 430 <= unit[("fostering", "in_house")] <= 620
        assert 880 <= unit[("fostering", "external")] <= 1150
        assert 4000 <= unit[("childrens_home", "external")] <= 7800
        assert unit[("childrens_home", "external")] == unit.max() or unit.idxmax()[0] == "secure"
        assert 15e6 <= spend.spend.sum() <= 35e6
    # the story has the shocks real histories have (issue 11): flat through Covid, an entry surge
    # in 2022-23, a fall in 2024-25; unaccompanied children grow after 2022
    assert abs(totals[2021] - totals[2020]) <= 5
    assert totals[2023] - totals[2022] >= 20
    assert totals[2025] <= totals[2024] - 10 and totals[2026] < totals[2024]
    assert looked_after(2024)[("uasc", "uasc")] >= 2 * looked_after(2021)[("uasc", "uasc")]
    # in-house fostering households fall, then recover after the 2024 recruitment push
    hh = {y: table("fostering_capacity", y).set_index("carer_type").households["mainstream"] for y in YEARS}
    assert hh[2024] < hh[2019] and hh[2026] > hh[2024]


def test_benchmarks_cover_every_measure_and_year():
    from generator.contract import BENCHMARK_MEASURES

    b = table("benchmarks")
    for measure in BENCHMARK_MEASURES:
        for year in YEARS:
            for area in ("england", "statistical_neighbours"):
                assert len(b[(b.measure == measure) & (b.year == year) & (b.area == area)]) == 1
    england = b[(b.measure == "looked_after_rate") & (b.area == "england")].set_index("year").value
    assert england[2021] == 67 and england[2023] == 71


def test_action_plan_continues_and_names_an_officer_to_redact():
    from generator.config import load_authority

    names = load_authority(ROOT / "authority.yml").restricted_names
    plans = {year: table("action_plan", year) for year in YEARS}
    refs = {year: set(p.ref) for year, p in plans.items()}
    assert refs[2025] & refs[2024] and refs[2026] & refs[2025]
    a07 = {year: p.set_index("ref").status.get("A07") for year, p in plans.items()}
    assert a07[2024] == "on_track" and a07[2025] == "complete"
    text = " ".join(" ".join(map(str, p.to_numpy().ravel())) for p in plans.values())
    assert any(name in text for name in names)
