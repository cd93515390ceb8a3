"""The children's charts and tables: names, frames, summaries and measures, on a tiny
hand-made authority (issue 3, points 4 and 6). Arithmetic is in the comments."""
import re
from pathlib import Path

import pandas as pd
import pytest

from generator import contract
from generator.catalogue import children as catalogue
from generator.config import Authority
from generator.dataset import Dataset
from generator.stats import children as stats
from generator.values import KINDS

AUTHORITY = Authority("Smallbury Council", "Smallbury", "E06000000", "ten similar councils", (2025, 2026))
BANDS = list(contract.AGE_BANDS)
CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def looked_after(total, ages, **more):
    rows = [("total", "all", total)] + [("age_band", b, n) for b, n in zip(BANDS, ages)]
    for breakdown, counts in more.items():
        rows += [(breakdown, code, n) for code, n in counts.items()]
    return pd.DataFrame(rows, columns=["breakdown", "category", "children"])


def year_tables(total, ages, short, long, started, ceased):
    return {
        "looked_after": looked_after(
            total, ages,
            # 110: fostering 44 + 33 = 77 (70%), residential 11 (10%), supported 11 (10%), other 11 (10%)
            placement_type={"foster_relative_friend": 44 * total // 110, "foster_other": 33 * total // 110,
                            "childrens_home": 11 * total // 110, "supported_accommodation": 11 * total // 110,
                            "placed_with_parents": 11 * total // 110},
            provider={"own_provision": 55 * total // 110, "private": 44 * total // 110, "parents": 11 * total // 110},
            legal_status={"full_care_order": 70 * total // 110, "interim_care_order": 20 * total // 110,
                          "section_20": 20 * total // 110},
            sex={"male": 66 * total // 110, "female": 44 * total // 110},
            uasc={"uasc": 11 * total // 110, "not_uasc": 99 * total // 110},
            distance={"within_20_miles": 66 * total // 110, "over_20_miles": 33 * total // 110,
                      "not_known": 11 * total // 110},
            location={"inside": 77 * total // 110, "outside": 33 * total // 110},
        ),
        "starts_and_ceases": pd.DataFrame(
            [("started", "all", started), ("started", "abuse_or_neglect", started - 4), ("started", "disability", 4),
             ("ceased", "all", ceased), ("ceased", "returned_home", ceased - 5), ("ceased", "adopted", 5)],
            columns=["movement", "reason", "children"]),
        "placement_stability": pd.DataFrame([("short_term", *short), ("long_term", *long)],
                                            columns=["measure", "children", "cohort"]),
    }


def make_smallbury() -> Dataset:
    years = {
        2024: year_tables(110, (6, 14, 20, 40, 30), (11, 110), (30, 40), 30, 20),  # ages sum 110
        2025: year_tables(110, (5, 15, 20, 40, 30), (22, 110), (28, 40), 35, 35),
        2026: year_tables(220, (10, 30, 40, 100, 40), (22, 220), (36, 40), 50, 40),  # ages sum 220
    }
    years[2026]["care_leavers"] = pd.DataFrame(
        [("age_19_to_21", "in_touch", 45, 50), ("age_19_to_21", "suitable_accommodation", 40, 50),
         ("age_19_to_21", "education_employment_training", 25, 50)],
        columns=["age_group", "measure", "children", "cohort"])
    years[2026]["placements_by_type_and_age"] = pd.DataFrame(
        [("childrens_home", "age_10_to_15", 8, 12, 300.5), ("foster_other", "age_10_to_15", 30, 40, 1300.0),
         ("foster_other", "age_5_to_9", 12, 14, 600.0)],
        columns=["placement_type", "age_band", "children", "placements", "weeks_of_care"])
    # Issue 10: published percentages (the council's 8% and 12.5% agree with 4 of 50 and 5 of 40) and a quarter's
    # figures beside the year's (Q1: 12 started, 9 ceased; never added into the year's 50 and 40).
    moves = years[2026]["starts_and_ceases"]
    moves = moves.assign(percent=[None, None, 8.0, None, None, 12.5], period=None)
    quarter = pd.DataFrame([("started", "all", 12, None, "Q1"), ("ceased", "all", 9, None, "Q1")],
                           columns=["movement", "reason", "children", "percent", "period"])
    years[2026]["starts_and_ceases"] = pd.concat([moves, quarter], ignore_index=True)
    pop_bands = (1000, 4000, 5000, 8000, 4000)  # 22,000 children every year
    population = pd.DataFrame([(y, b, n) for y in range(2024, 2030) for b, n in zip(BANDS, pop_bands)],
                              columns=["year", "age_band", "population"])
    benchmarks = pd.DataFrame(
        [("looked_after_rate", y, "england", v) for y, v in ((2024, 70.0), (2025, 71.0), (2026, 72.0))]
        + [("looked_after_rate", 2026, "statistical_neighbours", 80.0),
           ("short_term_stability", 2026, "england", 10.0),
           ("care_leavers_in_touch", 2026, "england", 92.0),
           ("care_leavers_eet", 2026, "england", 56.0)],
        columns=["measure", "year", "area", "value"])
    return Dataset(years, {"population": population, "benchmarks": benchmarks}, AUTHORITY)


@pytest.fixture(scope="module")
def view():
    return make_smallbury().view(2026)


@pytest.fixture(scope="module")
def frames(view):
    return {o.name: o.frame(view) for o in catalogue.OUTPUTS}


OUT = {o.name: o for o in catalogue.OUTPUTS}


def architecture_names():
    text = (Path(__file__).parents[1] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("`catalogue/children.py`", 1)[1].split("`catalogue/market.py`", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)


def test_names_are_exactly_the_architecture_list():
    assert [o.name for o in catalogue.OUTPUTS] == architecture_names()


@pytest.mark.parametrize("name", [o.name for o in catalogue.OUTPUTS])
def test_every_output_is_display_ready(name, frames):
    output, frame = OUT[name], frames[name]
    assert isinstance(frame, pd.DataFrame) and not frame.empty, name
    if output.chart:
        for column in (output.chart.x, output.chart.y, output.chart.colour):
            assert column is None or column in frame.columns
    for column, kind in output.units.items():
        assert column in frame.columns and kind in KINDS
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    assert set(numeric) == set(output.units), "every numeric column has a unit"
    for column in frame.columns:
        if column not in output.units:
            assert all(isinstance(v, str) and not CODE.match(v) for v in frame[column]), (column, "labels, not codes")
    if "Year" in frame:
        assert all(re.fullmatch(r"20\d\d", v) for v in frame["Year"])
    sentence = output.summary(frame)
    assert sentence.endswith(".") and "\n" not in sentence and sentence.count(". ") == 0, sentence
    assert output.description
    for source in output.sources:
        table, column = source.split(".")
        assert column in contract.TABLES_BY_NAME[table].column_names


def test_looked_after_trend_and_summary(frames):
    frame = frames["looked_after_trend"]
    assert list(frame["Year"]) == ["2024", "2025", "2026"]
    assert list(frame["Children looked after"]) == [110, 110, 220]
    assert OUT["looked_after_trend"].summary(frame) == (
        "Children looked after at 31 March rose from 110 in 2024 to 220 in 2026.")
    dip = pd.DataFrame({"Year": ["2024", "2025", "2026"], "Children looked after": [120, 100, 110]})
    assert OUT["looked_after_trend"].summary(dip) == (
        "Children looked after at 31 March fell from 120 in 2024 to 110 in 2026, with the lowest figure, "
        "100, in 2025.")
    peak = pd.DataFrame({"Year": ["2019", "2023", "2026"], "Children looked after": [281, 345, 331]})
    assert OUT["looked_after_trend"].summary(peak) == (
        "Children looked after at 31 March rose from 281 in 2019 to 331 in 2026, with the highest figure, "
        "345, in 2023.")


def test_rate_trend_against_england_and_neighbours(frames):
    frame = frames["looked_after_rate_trend"]
    rows = {(r["Year"], r["Area"]): r["Rate per 10,000"] for _, r in frame.iterrows()}
    assert rows["2026", "Smallbury"] == 100  # 220 / 22,000 × 10,000
    assert rows["2024", "Smallbury"] == 50  # 110 / 22,000 × 10,000
    assert rows["2026", "England"] == 72 and rows["2026", "Statistical neighbours"] == 80
    assert ("2025", "Statistical neighbours") not in rows  # not published: left out, not zero
    assert OUT["looked_after_rate_trend"].summary(frame) == (
        "Children looked after per 10,000 children: Smallbury from 50 in 2024 to 100 in 2026; "
        "England from 70 in 2024 to 72 in 2026; Statistical neighbours 80 in 2026.")


def test_by_age_this_year_and_last(frames):
    frame = frames["looked_after_by_age"]
    assert len(frame) == 10 and set(frame["Year"]) == {"2025", "2026"}
    assert list(frame[frame["Year"] == "2026"]["Age band"]) == list(contract.AGE_BANDS.values())
    assert OUT["looked_after_by_age"].summary(frame) == (
        "At 31 March 2026 the largest age group of children looked after was 10 to 15 (100 of 220), "
        "compared with 40 a year earlier.")


def test_placement_type_and_mix(frames):
    frame = frames["looked_after_by_placement_type"]
    assert frame["Children"].sum() == 220
    assert "Foster placement with relative or friend" in set(frame["Placement type"])
    assert OUT["looked_after_by_placement_type"].summary(frame) == (
        "Of the 220 children looked after at 31 March, the largest group was Foster placement with relative "
        "or friend (88), followed by Foster placement with other foster carer (66).")
    mix = frames["placement_mix_trend"]
    # 2026: fostering (88 + 66) / 220 = 70%, residential 22 / 220 = 10%, supported 10%, other 10%
    latest = dict(zip(mix[mix["Year"] == "2026"]["Placement group"], mix[mix["Year"] == "2026"]["Percentage"]))
    assert latest == {"Fostering": 70, "Residential (children's homes, secure and other)": 10,
                      "Supported accommodation": 10, "Adoption, parents and other": 10}
    assert mix.groupby("Year")["Percentage"].sum().eq(100).all()


def test_characteristics_table(frames):
    frame = frames["looked_after_characteristics"]
    sex = frame[frame["Characteristic"] == "Sex"]
    # male 132 / 220 = 60%, female 88 / 220 = 40%; not known has no row: 0
    assert dict(zip(sex["Group"], sex["Percentage"])) == {"Male": 60, "Female": 40, "Not known": 0}
    uasc = frame[frame["Characteristic"] == "Unaccompanied asylum-seeking"]
    assert list(uasc["Children"]) == [22, 198]
    assert "Ethnicity" not in set(frame["Characteristic"])  # no ethnicity rows: left out
    assert OUT["looked_after_characteristics"].summary(frame) == (
        "The largest group by sex: Male 60%; by unaccompanied asylum-seeking: Other children 90%.")


def test_distance_from_home(frames):
    frame = frames["distance_from_home"]
    latest = dict(zip(frame[frame["Year"] == "2026"]["Where placed"], frame[frame["Year"] == "2026"]["Percentage"]))
    # within 132 / 220 = 60%, over 66 / 220 = 30% (not known 10% not drawn); inside 154 / 220 = 70%
    assert latest == {"20 miles or less from home": 60, "Over 20 miles from home": 30,
                      "Placed inside the council's boundary": 70, "Placed outside the council's boundary": 30}


def test_uasc_starts_and_ceases(frames):
    assert list(frames["uasc_trend"]["Unaccompanied children"]) == [11, 11, 22]
    moves = frames["starts_and_ceases_trend"]
    assert list(moves[moves["Movement"] == "Started to be looked after"]["Children"]) == [30, 35, 50]
    assert OUT["starts_and_ceases_trend"].summary(moves) == (
        "Children each year: Started to be looked after from 30 in 2024 to 50 in 2026; "
        "Ceased to be looked after from 20 in 2024 to 40 in 2026.")
    need = frames["started_by_need"]
    assert dict(zip(need["Category of need"], need["Children"]))["Abuse or neglect"] == 46  # 50 - 4
    assert len(need) == len(contract.CATEGORIES_OF_NEED)
    reasons = frames["ceased_by_reason"]
    assert OUT["ceased_by_reason"].summary(reasons) == (
        "Of the 40 children who ceased to be looked after, the largest group was Returned home to parents or "
        "relatives (35), followed by Adopted (5).")


def test_weeks_and_placements_by_type_and_age(frames):
    weeks = frames["weeks_of_care_by_type_and_age"]
    # ordered by the contract's placement types (foster_other before childrens_home), then age
    assert list(weeks["Placement type"]) == ["Foster placement with other foster carer"] * 2 + ["Children's homes"]
    assert list(weeks["Age band"]) == ["5 to 9", "10 to 15", "10 to 15"]
    # foster 600 + 1,300 = 1,900 of 2,200.5 weeks = 86%
    assert OUT["weeks_of_care_by_type_and_age"].summary(weeks) == (
        "Of 2,200.5 weeks of care in the year, Foster placement with other foster carer accounted for "
        "1,900 (86%).")
    table = frames["placements_by_type_and_age"]
    assert list(table.columns) == ["Placement type", "Age band", "Placements", "Children", "Weeks of care"]
    assert table["Placements"].sum() == 66  # 14 + 40 + 12


def test_stability_trend_with_england(frames):
    frame = frames["stability_trend"]
    short = frame[frame["Series"] == "Smallbury, 3 or more placements in the year"]
    # 11 / 110 = 10%, 22 / 110 = 20%, 22 / 220 = 10%
    assert list(short["Percentage"]) == [10, 20, 10]
    england = frame[frame["Series"] == "England, 3 or more placements in the year"]
    assert list(england["Year"]) == ["2026"] and list(england["Percentage"]) == [10]
    long = frame[frame["Series"] == "Smallbury, same placement for 2 years or more"]
    assert list(long["Percentage"]) == [75, 70, 90]  # 30/40, 28/40, 36/40


def test_care_leavers_outcomes(frames):
    frame = frames["care_leavers_outcomes"]
    assert OUT["care_leavers_outcomes"].summary(frame) == (
        "Care leavers aged 19 to 21 in touch with the council: Smallbury 90% against England 92%; "
        "in suitable accommodation: Smallbury 80%; in education, employment or training: Smallbury 50% "
        "against England 56%.")


def test_projection_frames(view, frames):
    by_age, table = frames["projection_by_age"], frames["projection"]
    assert len(by_age) == 15 and sorted(set(by_age["Year"])) == ["2027", "2028", "2029"]
    assert (by_age["Low"] <= by_age["Projected children"]).all()
    assert (by_age["Projected children"] <= by_age["High"]).all()
    totals = table[table["Age band"] == "All ages"]
    result = stats.project_looked_after(view)
    assert list(totals["Projected children"]) == [round(result.total(y)["children"]) for y in (2027, 2028, 2029)]
    # 10 to 15: counts 40, 40, 100 on 8,000 children → rates 50, 50, 125; slope 37.5, mean 75;
    # 2027: 75 + 37.5 × 2 = 150 per 10,000 × 8,000 / 10,000 = 120
    row = by_age[(by_age["Year"] == "2027") & (by_age["Age band"] == "10 to 15")]
    assert row["Projected children"].iloc[0] == 120
    sentence = OUT["projection"].summary(table)
    assert sentence.startswith("If recent trends continue, about ") and "31 March 2029" in sentence


def test_a_year_sees_only_its_own_and_earlier_years():
    view = make_smallbury().view(2025)
    trend = OUT["looked_after_rate_trend"].frame(view)
    assert set(trend["Year"]) == {"2024", "2025"}
    assert 72 not in set(trend["Rate per 10,000"])  # England's 2026 figure
    assert list(OUT["looked_after_by_age"].frame(view)["Year"].unique()) == ["2024", "2025"]


def test_missing_tables_give_empty_frames_and_a_plain_sentence():
    view = make_smallbury().view(2025)  # no placements or care leavers in 2025; two years: no projection
    for name in ("weeks_of_care_by_type_and_age", "placements_by_type_and_age", "care_leavers_outcomes",
                 "projection_by_age", "projection"):
        frame = OUT[name].frame(view)
        assert frame.empty
        assert OUT[name].summary(frame) == "No figures are available for this chart."


def test_measures_document_every_published_measure():
    names = [m.name for m in catalogue.MEASURES]
    assert len(names) == len(set(names))
    for measure in catalogue.MEASURES:
        assert measure.definition and measure.method and measure.title
        assert all(table in contract.TABLES_BY_NAME for table in measure.source), measure.name
    covered = {table for m in catalogue.MEASURES for table in m.source}
    for output in catalogue.OUTPUTS:
        assert {s.split(".")[0] for s in output.sources} <= covered, output.name
