"""Loading data/<year>/*.csv as analysts export them from Excel, and what they see when a cell is wrong."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.attrs import attr
from generator.config import Authority
from generator.contract import Column
from generator.load import check_no_child_level, load_dataset, parse_cell

FIXTURE = Path(__file__).parent / "fixtures" / "data_small"
AUTHORITY = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,))


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the small valid data folder, as data/ so messages read data/2026/..."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "data"))


def load(data: Path):
    return load_dataset(data, AUTHORITY)


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_the_small_valid_dataset_loads_without_problems(data):
    dataset, problems = load(data)
    assert problems == []
    assert sorted(dataset.years) == [2026]
    assert set(dataset.reference) == {"population", "benchmarks"}
    looked_after = dataset.years[2026]["looked_after"]
    assert looked_after.loc[looked_after["breakdown"] == "total", "children"].tolist() == [10]
    assert dataset.years[2026]["spend_by_service"]["spend"].tolist() == [150000, 90000, 450000.5]
    assert dataset.files["2026/looked_after"] == "data/2026/looked_after.csv"


def test_a_utf8_bom_and_header_case_and_spaces_are_tolerated(data):
    text = "\ufeff Placement Type ,Age band,Children,PLACEMENTS,Weeks of care\nfoster_other,age_5_to_9,2,3,80.5\n"
    (data / "2026" / "placements_by_type_and_age.csv").write_bytes(text.encode("utf-8"))
    dataset, problems = load(data)
    assert problems == []
    frame = dataset.years[2026]["placements_by_type_and_age"]
    assert list(frame.columns) == ["placement_type", "age_band", "children", "placements", "weeks_of_care"]
    assert frame.iloc[0].tolist() == ["foster_other", "age_5_to_9", 2, 3, 80.5]


def test_cp1252_pound_signs_and_thousands_separators_are_read(data):
    text = ('service,sector,children,weeks_of_care,spend\n'
            'fostering,in_house,6,"1,234",£1\n'
            'fostering,external,2,100,"£1,234"\n'
            'childrens_home,external,2,90,"£1,234.50"\n')
    (data / "2026" / "spend_by_service.csv").write_bytes(text.encode("cp1252"))
    assert b"\xa3" in (data / "2026" / "spend_by_service.csv").read_bytes()
    dataset, problems = load(data)
    assert problems == []
    frame = dataset.years[2026]["spend_by_service"]
    assert frame["spend"].tolist() == [1, 1234, 1234.5]
    assert frame["weeks_of_care"].tolist() == [1234, 100, 90]


@pytest.mark.parametrize("typed, kind, read", [
    ("12%", "percent", 12), ("12", "percent", 12), ("12.5 %", "percent", 12.5),
    ("1,234", "integer", 1234), ("1,234.5", "number", 1234.5), ("-£1,234.50", "money", -1234.5),
    ("Apr-25", "month", "2025-04"), ("April 2025", "month", "2025-04"), ("01/04/2025", "month", "2025-04"),
    ("2025-04-01", "month", "2025-04"), ("2025-26", "year", 2026), ("2025/2026", "year", 2026),
])
def test_excel_spellings_of_numbers_months_and_years(typed, kind, read):
    assert parse_cell(typed, Column("x", kind, "x"), None) == read


def test_spaces_blank_rows_and_blank_columns_from_excel_are_ignored(data):
    text = ("movement,reason,children,,\n"
            " started , all , 4 ,,\n"
            "started,Abuse or neglect,3,,\n"
            ",,,,\n"
            "started,DISABILITY,1,,\n"
            "ceased,all,3,,\n"
            "ceased,Returned home to parents or relatives,2,,\n"
            "Ceased,adopted,1,,\n"
            ",,,,\n,,,,\n")
    (data / "2026" / "starts_and_ceases.csv").write_text(text, encoding="utf-8")
    dataset, problems = load(data)
    assert problems == []
    frame = dataset.years[2026]["starts_and_ceases"]
    assert frame["reason"].tolist() == ["all", "abuse_or_neglect", "disability", "all", "returned_home", "adopted"]
    assert attr(frame, "rows") == [2, 3, 5, 6, 7, 8]


@pytest.mark.parametrize("typed", ["10 to 15", "age_10_to_15", "AGE-10-TO-15", "  Age 10  to 15 ", "age 10_to-15"])
def test_code_columns_take_the_code_or_its_label(data, typed):
    (data / "2026" / "placements_by_type_and_age.csv").write_text(
        "placement_type,age_band,children,placements,weeks_of_care\n"
        f"Children's homes,{typed},2,2,90\n", encoding="utf-8")
    dataset, problems = load(data)
    assert problems == []
    assert dataset.years[2026]["placements_by_type_and_age"].iloc[0, :2].tolist() == ["childrens_home", "age_10_to_15"]


def test_a_cell_that_is_not_a_number_names_file_row_column_value_and_expected(data):
    path = data / "2026" / "looked_after.csv"
    path.write_text(path.read_text().replace("age_band,under_1,1\n", "age_band,under_1,one\n"))
    _, problems = load(data)
    assert messages(problems) == [
        "data/2026/looked_after.csv, row 3, column 'children': not a whole number (found 'one'); "
        "expected a whole number; Excel's 1,234 is accepted"]


def test_an_unknown_code_lists_the_codes_and_suggests_the_nearest(data):
    path = data / "2026" / "looked_after.csv"
    path.write_text(path.read_text().replace("sex,female,4", "sex,femail,4"))
    _, problems = load(data)
    assert messages(problems) == [
        "data/2026/looked_after.csv, row 9, column 'category': unknown code (found 'femail'); "
        "expected one of the listed codes (or its label): male, female, not_known. Hint: did you mean 'female'?"]


def test_a_code_is_checked_against_its_own_breakdown(data):
    path = data / "2026" / "looked_after.csv"
    path.write_text(path.read_text().replace("sex,male,6", "age_band,male,6"))
    _, problems = load(data)
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [("cell-code", 8, "category", "male")]
    assert problems[0].expected.endswith("under_1, age_1_to_4, age_5_to_9, age_10_to_15, age_16_and_over, not_known")


def test_an_unknown_column_suggests_the_nearest_and_a_missing_one_is_named(data):
    path = data / "2026" / "fostering_recruitment.csv"
    path.write_text("stage,houshold\nenquiries,10\napprovals,4\n")
    dataset, problems = load(data)
    assert messages(problems) == [
        "data/2026/fostering_recruitment.csv, row 1, column 'houshold': unknown column; "
        "expected the columns stage, households, period. Hint: did you mean 'households'?",
        "data/2026/fostering_recruitment.csv, row 1: the column 'households' is missing; "
        "expected the columns stage, households, period"]
    assert "fostering_recruitment" not in dataset.years[2026]


def test_a_number_split_by_an_unquoted_comma_is_not_silently_cut_short(data):
    path = data / "2026" / "placement_stability.csv"
    path.write_text("measure,children,cohort\nshort_term,1,10\nlong_term,3,1,234\n")
    _, problems = load(data)
    assert [str(p) for p in problems] == [
        "data/2026/placement_stability.csv, row 3, column 'D': a value in a column with no header (found '234'); "
        "expected every column with values to have a header. Hint: a number like 1,234 must be in quotes or it "
        "splits into two cells; delete notes beside the table, or give the column its header"]


def test_an_unknown_file_names_the_nearest_table(data):
    (data / "2026" / "starts_and_ceases.csv").rename(data / "2026" / "starts_and_ceased.csv")
    _, problems = load(data)
    assert messages(problems) == [
        "data/2026/starts_and_ceased.csv: unknown table file: not a data-contract table, and no schema declares "
        "it (found 'starts_and_ceased.csv'); expected one of "
        + ", ".join(f"{n}.csv" for n in (
            "looked_after", "starts_and_ceases", "placements_by_type_and_age", "placement_stability",
            "care_leavers", "spend_by_service", "unit_costs", "budget", "spend_with_providers", "fostering_capacity",
            "fostering_recruitment", "provider_market", "commissioning_routes", "referrals", "action_plan",
            "flows", "looked_after_by_age_and_placement", "scenarios", "contracted_capacity"))
        + ", or a table declared by a schema. Hint: did you mean starts_and_ceases.csv? If not, add "
        "starts_and_ceased.yml beside it, saying what the table is (see docs/analysts.md, 'Any other table you "
        "publish')"]


def test_tables_from_finance_and_commissioning_systems_may_be_absent(data):
    # A council can start from its SSDA903 return alone (issue 5: the peer samples build a site).
    (data / "2026" / "referrals.csv").unlink()
    (data / "2026" / "spend_by_service.csv").unlink()
    _, problems = load(data)
    assert [p for p in problems if p.severity == "error"] == []


def test_every_table_may_be_absent(data):
    # Issue 10: a council starts from what it has; figures needing an absent table show x.
    (data / "reference" / "population.csv").unlink()
    (data / "2026" / "starts_and_ceases.csv").unlink()
    _, problems = load(data)
    assert problems == []


def test_a_financial_year_folder_name_is_a_warning_with_the_right_name(data):
    (data / "2025-26").mkdir()
    _, problems = load(data)
    assert messages(problems) == [
        "data/2025-26: unknown folder; its files are not read; expected year folders named by the year "
        "ending 31 March, e.g. 2026, and reference. Hint: rename it 2026"]


def test_empty_and_binary_files_are_problems_not_exceptions(data):
    (data / "2026" / "referrals.csv").write_bytes(b"")
    (data / "2026" / "action_plan.csv").write_bytes(bytes(range(256)))
    _, problems = load(data)
    assert ("file-empty", "data/2026/referrals.csv") in [(p.code, p.file) for p in problems]
    assert {p.file for p in problems} == {"data/2026/referrals.csv", "data/2026/action_plan.csv"}


def test_every_problem_in_every_file_is_reported_at_once(data):
    for name, old, new in (("looked_after.csv", "uasc,uasc,1", "uasc,uasc,x"),
                           ("referrals.csv", "2025-04", "April"),
                           ("fostering_capacity.csv", "mainstream", "mainstreem")):
        path = data / "2026" / name
        path.write_text(path.read_text().replace(old, new))
    _, problems = load(data)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("data/2026/fostering_capacity.csv", 2, "carer_type"),
        ("data/2026/looked_after.csv", 28, "children"),
        ("data/2026/referrals.csv", 2, "month")]


@pytest.mark.parametrize("header, column", [("CHILD,PLACE,x", "CHILD"), ("la,Date of birth,n", "Date of birth"),
                                            ("upn,x", "upn")])
def test_child_level_columns_anywhere_under_data_are_an_error(data, header, column):
    (data / "raw").mkdir()
    (data / "raw" / "episodes.csv").write_text(f"{header}\n1,2,3\n")
    expected = (f"data/raw/episodes.csv, row 1, column {column!r}: child-level records must never be in data/; "
                "run extract, which writes only aggregates. Hint: delete this file from data/ and keep "
                "case-level files outside the repository")
    assert messages(check_no_child_level(data)) == [expected]
    _, problems = load(data)
    assert messages(problems)[0] == expected


def test_a_table_with_child_level_columns_is_not_loaded(data):
    path = data / "2026" / "looked_after.csv"
    path.write_text(path.read_text().replace("breakdown,category,children", "breakdown,category,children,CHILD_ID"))
    dataset, problems = load(data)
    assert [(p.code, p.column) for p in problems] == [("child-level-data", "CHILD_ID")]
    assert "looked_after" not in dataset.years[2026]


def test_a_statement_year_without_a_data_folder_is_reported(data):
    authority = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten", (2025, 2026))
    _, problems = load_dataset(data, authority)
    assert [str(p) for p in problems] == [
        "data/2025: 2025 is a statement year in authority.yml but has no data folder; expected a folder "
        "data/2025 with the year's tables"]


@pytest.mark.parametrize("encoding, delimiter", [("utf-16", "\t"), ("utf-8", ";")])
def test_tab_and_semicolon_separated_exports_are_read(data, encoding, delimiter):
    text = delimiter.join(["measure", "children", "cohort"]) + "\n" + delimiter.join(["short_term", "1", "10"]) + "\n" \
        + delimiter.join(["long_term", "3", "4"]) + "\n"
    (data / "2026" / "placement_stability.csv").write_bytes(text.encode(encoding))
    dataset, problems = load(data)
    assert problems == []
    assert dataset.years[2026]["placement_stability"]["cohort"].tolist() == [10, 4]


def test_a_suppressed_figure_copied_from_a_published_table_asks_for_the_actual_figure(data):
    path = data / "2026" / "placement_stability.csv"
    path.write_text("measure,children,cohort\nshort_term,[c],10\nlong_term,3,4\n")
    _, problems = load(data)
    assert [str(p) for p in problems] == [
        "data/2026/placement_stability.csv, row 2, column 'children': not a whole number (found '[c]'); expected "
        "a whole number; Excel's 1,234 is accepted. Hint: give the actual figure: the site suppresses small "
        "numbers itself"]


def test_a_councils_own_categories_and_common_spellings_are_understood(data):
    # Issue 10: '0-4 years', '16+', 'IFA' and 'Total' rows, and a council's own age band declared once.
    from generator.categories import read_categories

    categories, problems = read_categories({"age_band": {
        "age_0_to_4": {"label": "0-4 years", "dfe": ["under_1", "age_1_to_4"]},
        "age_10_to_12": {"label": "10-12 years", "dfe": "age_10_to_15"}}})
    assert problems == []
    authority = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten", (2026,),
                          categories=categories)
    (data / "2026" / "placements_by_type_and_age.csv").write_text(
        "placement_type,age_band,placements,weeks_of_care\n"
        "IFA,0-4 years,3,50\nIFA,10-12 years,4,60\nIFA,16+ years,2,30\nIFA,5-9 years,1,10\n"
        "Foster placement with other foster carer,Totals,10,150\n")
    (data / "2026" / "commissioning_routes.csv").write_text("service,route,placements\nIFA,spot,3\n")
    dataset, problems = load_dataset(data, authority)
    assert problems == []
    frame = dataset.years[2026]["placements_by_type_and_age"]
    assert list(frame["age_band"]) == ["age_0_to_4", "age_10_to_12", "age_16_and_over", "age_5_to_9"]
    assert set(frame["placement_type"]) == {"foster_other"}
    assert len(attr(frame, "totals")) == 1  # the Totals row: kept apart, checked, never added in
    assert list(dataset.years[2026]["commissioning_routes"]["service"]) == ["fostering"]


def test_a_category_the_council_has_not_declared_names_where_to_declare_it(data):
    (data / "2026" / "commissioning_routes.csv").write_text(
        "service,route,placements\nfostering,Commissioning Alliance,3\n")
    _, problems = load(data)
    assert messages(problems) == [
        "data/2026/commissioning_routes.csv, row 2, column 'route': unknown code (found 'Commissioning Alliance'); "
        "expected one of the listed codes (or its label): in_house, framework, block, spot. Hint: if this is one "
        "of your own categories, declare it once in authority.yml under categories: route, with its label as "
        "you write it and the DfE category it maps to"]


def test_an_age_band_of_the_councils_own_and_a_financial_year_as_a_month_are_named_in_the_hint(data):
    # Issue 10: '0-4 years' spans two DfE bands; '2011/12' is not a month.
    (data / "2026" / "placements_by_type_and_age.csv").write_text(
        "placement_type,age_band,placements\nfoster_other,0-4 years,3\n")
    edit = (data / "2026" / "action_plan.csv")
    text = edit.read_text().splitlines()
    header, first = text[0].split(","), text[1].split(",")
    first[header.index("due")] = "2011/12"
    edit.write_text("\n".join([text[0], ",".join(first)]) + "\n")
    _, problems = load(data)
    assert sorted(p.hint for p in problems) == [
        "2011/12 is a financial year: write the month it is due, e.g. 2012-03 for its last month",
        "it is not one of the DfE's bands; if this is one of your own categories, declare it once in "
        "authority.yml under categories: age_band, with its label as you write it and the DfE category it maps to"]


def test_an_own_age_band_that_says_no_dfe_band_is_refused_naming_it():
    # Every child's age is in a DfE band: left out, 16 and over would read 0 beside 14-17 years.
    from generator.categories import read_categories

    _, problems = read_categories({"age_band": {
        "age_0_to_4": {"label": "0-4 years", "dfe": ["under_1", "age_1_to_4"]},
        "age_5_to_9": "5-9 years",  # a DfE band relabelled: fine
        "age_14_to_17": "14-17 years"}})
    [problem] = problems
    assert (problem.file, problem.code) == ("authority.yml", "config-category-dfe")
    assert "'age_14_to_17' does not say which DfE age band" in problem.message
    assert "dfe: [age_10_to_15, age_16_and_over]" in problem.hint
