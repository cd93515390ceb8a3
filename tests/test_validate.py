"""Validation: each check catches its problem and names the file, row and column an analyst must fix."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator.config import Authority
from generator.dataset import Dataset
from generator.load import load_dataset
from generator.validate import validate

FIXTURE = Path(__file__).parent / "fixtures" / "data_small"
AUTHORITY = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,))


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "data"))


def edit(data: Path, file: str, old: str, new: str) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(data: Path) -> list[str]:
    """Every problem an analyst would see, as text; loading must have been clean."""
    dataset, problems = load_dataset(data, AUTHORITY)
    assert problems == []
    return [str(p) for p in validate(dataset)]


def test_the_small_valid_dataset_has_no_problems(data):
    assert check(data) == []


def test_an_empty_required_cell(data):
    edit(data, "2026/commissioning_routes.csv", "fostering,in_house,3", "fostering,in_house,")
    assert check(data) == [
        "data/2026/commissioning_routes.csv, row 2, column 'placements': this cell is empty; "
        "expected a whole number; Excel's 1,234 is accepted"]


def test_an_empty_optional_cell_is_fine_and_an_unreadable_cell_is_not_reported_twice(data):
    edit(data, "2026/commissioning_routes.csv", "fostering,in_house,3", "fostering,in_house,three")
    dataset, problems = load_dataset(data, AUTHORITY)
    assert [p.code for p in problems] == ["cell-integer"]
    assert validate(dataset) == []


def test_a_negative_count(data):
    edit(data, "2026/commissioning_routes.csv", "childrens_home,spot,2", "childrens_home,spot,-2")
    assert check(data) == [
        "data/2026/commissioning_routes.csv, row 3, column 'placements': cannot be less than 0 (found '-2'); "
        "expected 0 or more"]


def test_a_repeated_key_names_both_rows(data):
    edit(data, "2026/commissioning_routes.csv", "childrens_home,spot,2",
         "childrens_home,spot,2\nFostering,In-house provision,1")
    assert check(data) == [
        "data/2026/commissioning_routes.csv, row 4: rows 2 and 4 are for the same service 'fostering', "
        "route 'in_house'. Hint: keep one row for each; add the figures up if both are needed"]


def test_a_total_row_that_is_not_the_sum_of_the_others(data):
    edit(data, "2026/starts_and_ceases.csv", "started,all,4", "started,all,5")
    assert check(data) == [
        "data/2026/starts_and_ceases.csv, row 2, column 'children': the total row (reason 'all') is 5 but the "
        "other rows for movement 'started' add up to 4 (found '5'); expected the sum of the other rows, 4"]


def test_a_group_without_its_total_row(data):
    edit(data, "2026/starts_and_ceases.csv", "ceased,all,3\n", "")
    assert check(data) == [
        "data/2026/starts_and_ceases.csv, column 'reason': there is no total row (reason 'all') for movement "
        "'ceased'; expected a row with reason 'all'"]


def test_a_looked_after_breakdown_that_does_not_add_up_to_the_total(data):
    edit(data, "2026/looked_after.csv", "sex,male,6", "sex,male,7")
    assert check(data) == [
        "data/2026/looked_after.csv, row 8, column 'children': the 'sex' rows add up to 11 but the total "
        "(row 2) is 10 (found '11'); expected the 'sex' rows to add up to the total, 10"]


def test_a_looked_after_breakdown_may_be_left_out(data):
    # Issue 10: a council starts from what it has; a breakdown it cannot give shows x.
    edit(data, "2026/looked_after.csv", "uasc,uasc,1\nuasc,not_uasc,9\n", "")
    assert check(data) == []


def test_a_breakdown_short_of_the_total_is_a_warning_and_its_unlisted_categories_are_not_zero(data):
    # Issue 10: rows that fall short of the total leave the other categories unknown (x), not 0.
    edit(data, "2026/looked_after.csv", "uasc,not_uasc,9\n", "")
    dataset, _ = load_dataset(data, AUTHORITY)
    problems = validate(dataset)
    assert [(p.severity, str(p)) for p in problems] == [(
        "warning", "data/2026/looked_after.csv, row 28, column 'children': the 'uasc' rows add up to 1, 9 short of "
        "the total (row 2), 10; the categories without a row are shown as x (found '1'). Hint: add a row with "
        "category 'not_known' for the children whose uasc is not known")]
    from generator.stats.children import looked_after_breakdown
    assert looked_after_breakdown(dataset.years[2026]["looked_after"], "uasc") == {
        "uasc": 1, "not_uasc": None, "not_known": None}
    assert looked_after_breakdown(dataset.years[2026]["looked_after"], "sex")["not_known"] == 0


def test_breakdowns_without_a_total_are_fine_and_the_total_is_not_invented(data):
    # Issue 10: a statement may print a breakdown without the total (Bristol's 16-17 year olds).
    edit(data, "2026/looked_after.csv", "total,all,10\n", "")
    assert check(data) == []
    dataset, _ = load_dataset(data, AUTHORITY)
    from generator.stats.children import looked_after_breakdown, looked_after_total
    frame = dataset.years[2026]["looked_after"]
    assert looked_after_total(frame) is None
    assert looked_after_breakdown(frame, "sex")["not_known"] is None  # not 0: nothing says every child is listed


def test_total_rows_and_groups_are_recognised_and_checked_and_a_slip_is_a_warning(tmp_path):
    # Issue 10: a council's own categories and its printed totals (Bristol's spend lines are £20,000 more than
    # its printed total).
    from generator.categories import read_categories
    from generator.config import Authority

    categories, problems = read_categories({"service": {
        "in_house_homes": {"label": "In-house children's homes", "dfe": "childrens_home"},
        "external_homes": {"label": "Out of authority children's homes", "dfe": "childrens_home"}}})
    assert problems == []
    authority = Authority("Testshire", "Testshire", "E10000000", "ten", (2026,), categories=categories)
    folder = tmp_path / "data" / "2026"
    folder.mkdir(parents=True)
    (folder / "spend_by_service.csv").write_text(
        "service,sector,spend\nIn-house children's homes,in house,100000\n"
        "Out of authority children's homes,external,250000\nTotal,,330000\n")
    dataset, problems = load_dataset(tmp_path / "data", authority)
    assert problems == []
    frame = dataset.years[2026]["spend_by_service"]
    assert list(frame["service"]) == ["in_house_homes", "external_homes"]
    assert [str(p) for p in validate(dataset)] == [
        "data/2026/spend_by_service.csv, row 4, column 'spend': the total row says 330,000 but the 2 rows it adds "
        "up come to 350,000 (20,000 more than it says) (found '330,000'); expected the sum of the rows, 350,000; "
        "the site shows the sum. Hint: a published figure's slip is flagged, not repeated; correct the row that "
        "is wrong if you know which"]


@pytest.mark.parametrize("file, old, new, row", [
    ("2026/placement_stability.csv", "short_term,1,10", "short_term,11,10", 2),
    ("2026/care_leavers.csv", "age_19_to_21,in_touch,8,9", "age_19_to_21,in_touch,11,10", 3),
])
def test_children_meeting_a_measure_cannot_exceed_the_cohort(data, file, old, new, row):
    edit(data, file, old, new)
    assert check(data) == [
        f"data/{file}, row {row}, column 'children': shares cannot exceed their whole: 11 children meet the "
        "measure but the cohort is 10 (found '11'); expected no more than the cohort, 10"]


def test_fostering_places_must_add_up_to_approved_places(data):
    edit(data, "2026/fostering_capacity.csv", "mainstream,8,12,9,2,1", "mainstream,8,12,9,2,2")
    assert check(data) == [
        "data/2026/fostering_capacity.csv, row 2, column 'approved_places': occupied (9) + vacant available (2) "
        "+ vacant not available (2) = 13, not the approved places (found '12'); expected occupied + "
        "vacant_available + vacant_not_available, 13"]


def test_an_upside_down_recruitment_funnel_is_only_a_warning(data):
    edit(data, "2026/fostering_recruitment.csv", "approvals,4", "approvals,9")
    dataset, _ = load_dataset(data, AUTHORITY)
    [problem] = validate(dataset)
    assert (problem.severity, problem.file, problem.row, problem.column) == (
        "warning", "data/2026/fostering_recruitment.csv", 5, "households")
    assert problem.message == "more approvals than assessments started (8)"


def test_spend_with_providers_cannot_exceed_external_spend_on_the_service(data):
    edit(data, "2026/spend_with_providers.csv", "Acme Homes Ltd,childrens_home,60,300000",
         "Acme Homes Ltd,childrens_home,60,300000\nZenith Care,Children's homes,30,\"£200,000\"")
    assert check(data) == [
        "data/2026/spend_with_providers.csv, row 2, column 'spend': spend with providers for 'childrens_home' "
        "adds up to 500000 but data/2026/spend_by_service.csv has 450000.5 of external spend for it "
        "(found '500000'); expected no more than the external spend, 450000.5. Hint: external spend in "
        "spend_by_service includes every provider, so it cannot be less"]


def test_spend_with_providers_for_a_service_with_no_external_spend(data):
    edit(data, "2026/spend_with_providers.csv", "Brightside Fostering,fostering,100,90000",
         "Brightside Fostering,secure,100,90000")
    assert [p.split(":")[0] for p in check(data)] == ["data/2026/spend_with_providers.csv, row 3, column 'spend'"]


def test_a_referral_month_outside_the_year(data):
    edit(data, "2026/referrals.csv", "2026-03,placed_spot", "Apr-26,placed_spot")
    assert check(data) == [
        "data/2026/referrals.csv, row 3, column 'month': this month is outside the year ending 31 March 2026 "
        "(found '2026-04'); expected a month from 2025-04 to 2026-03"]


def test_an_action_due_in_a_month_that_does_not_exist(data):
    edit(data, "2026/action_plan.csv", "2026-12", "2026-13")
    assert check(data) == [
        "data/2026/action_plan.csv, row 3, column 'due': not a real month (found '2026-13'); expected a month "
        "YYYY-MM with MM from 01 to 12"]


def test_the_population_must_cover_every_year_with_data_and_every_age_band(data):
    shutil.copytree(data / "2026", data / "2025")
    edit(data, "2025/referrals.csv", "2025-04,placed_in_house,2\n2026-03", "2024-04,placed_in_house,2\n2025-03")
    edit(data, "reference/population.csv", "2026,under_1,1000\n", "")
    assert check(data) == [
        "data/reference/population.csv, column 'age_band': there is no population for 2025; expected a row for "
        "every age band of every year with data: under_1, age_1_to_4, age_5_to_9, age_10_to_15, age_16_and_over",
        "data/reference/population.csv, column 'age_band': the population for 2026 lacks the age bands "
        "under_1; expected a row for every age band of every year with data: under_1, age_1_to_4, "
        "age_5_to_9, age_10_to_15, age_16_and_over"]


def test_benchmark_years_and_percentages_must_be_plausible(data):
    edit(data, "reference/benchmarks.csv", "looked_after_rate,2026,england,70", "looked_after_rate,1926,england,170")
    edit(data, "reference/benchmarks.csv", "foster_share,2026,england,68", "foster_share,2062,england,168")
    problems = validate(load_dataset(data, AUTHORITY)[0])
    assert [(p.code, p.row, p.column, p.value, p.severity) for p in problems] == [
        ("benchmark-year", 2, "year", "1926", "error"),
        ("benchmark-year-future", 4, "year", "2062", "warning"),
        ("benchmark-percent-over-100", 4, "value", "168", "error")]


def test_placements_cannot_have_fewer_placements_than_children_or_more_weeks_than_a_year(data):
    edit(data, "2026/placements_by_type_and_age.csv", "childrens_home,age_10_to_15,2,2,90",
         "childrens_home,age_10_to_15,3,2,105")
    assert check(data) == [
        "data/2026/placements_by_type_and_age.csv, row 3, column 'children': more children than placements: "
        "each child counted had at least one placement (found '3'); expected no more than the placements, 2",
        "data/2026/placements_by_type_and_age.csv, row 3, column 'weeks_of_care': more weeks of care than the "
        "placements could have in a year (found '105'); expected no more than 104.57 (2 placements × 366/7 weeks)"]


def test_a_missing_stage_is_a_warning_and_an_empty_table_too(data):
    edit(data, "2026/fostering_recruitment.csv", "deregistrations,3\n", "")
    (data / "2026" / "referrals.csv").write_text("month,outcome,referrals\n")
    problems = validate(load_dataset(data, AUTHORITY)[0])
    assert [(p.code, p.file, p.severity) for p in problems] == [
        ("row-missing", "data/2026/fostering_recruitment.csv", "warning"),
        ("table-empty", "data/2026/referrals.csv", "warning")]
    assert str(problems[0]) == ("data/2026/fostering_recruitment.csv, column 'stage': there is no row for stage "
                                "'deregistrations'. Hint: its figures show x (not available); add the row, "
                                "with 0 if there were none")


def test_every_problem_is_reported_at_once(data):
    edit(data, "2026/looked_after.csv", "sex,male,6", "sex,male,7")
    edit(data, "2026/placement_stability.csv", "short_term,1,10", "short_term,11,10")
    edit(data, "reference/benchmarks.csv", "foster_share,2026,england,68", "foster_share,2026,england,168")
    assert len(check(data)) == 3


def test_frames_built_in_memory_without_row_numbers_are_numbered_from_row_2():
    frame = pd.DataFrame({"service": ["fostering", "fostering"], "route": ["spot", "spot"], "placements": [1, 2],
                          "period": [None, None]})
    dataset = Dataset({2026: {"commissioning_routes": frame}}, {}, AUTHORITY)
    problems = validate(dataset)
    assert [(p.code, p.file, p.row) for p in problems] == [
        ("duplicate-key", "data/2026/commissioning_routes.csv", 3)]


def test_a_mistyped_category_is_reported_once_not_again_as_a_breakdown_that_does_not_add_up(data):
    edit(data, "2026/looked_after.csv", "sex,male,6", "sex,mail,6")
    dataset, problems = load_dataset(data, AUTHORITY)
    assert [(p.code, p.row, p.column, p.hint) for p in problems] == \
        [("cell-code", 8, "category", "did you mean 'male'?")]
    assert validate(dataset) == []


def test_a_frame_built_in_code_without_a_contract_column_is_a_problem_not_an_exception():
    frame = pd.DataFrame({"service": ["fostering"], "placements": [1], "period": [None]})
    problems = validate(Dataset({2026: {"commissioning_routes": frame}}, {}, AUTHORITY))
    assert [str(p) for p in problems] == [
        "data/2026/commissioning_routes.csv: the column 'route' is missing; expected the columns service, route, "
        "placements, period"]


def test_a_printed_variance_that_is_not_outturn_minus_budget_is_a_warning(data):
    # Issue 10: money as printed is checked against itself, never re-derived.
    (data / "2026" / "budget.csv").write_text(
        "service,period,budget,outturn,variance\nfostering,2025-26,\"£210,000\",\"£230,000\",\"£2,000\"\n")
    dataset, problems = load_dataset(data, AUTHORITY)
    assert problems == []
    assert [(p.severity, str(p)) for p in validate(dataset)] == [(
        "warning", "data/2026/budget.csv, row 2, column 'variance': the variance is 2,000 but outturn minus budget "
        "is 20,000 (found '2,000'); expected outturn minus budget, 20,000. Hint: a positive variance is an "
        "overspend; check the sign and the figures")]
