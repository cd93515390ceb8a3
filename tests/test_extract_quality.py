"""Messy 903 data: treated visibly, or stopped with file, row, column and value (issue 5)."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator.extract import extract_to_data, read_903
from generator.extract.dates import parse_dates
from generator.problems import BuildError

FIXTURE = Path(__file__).parent / "fixtures" / "903"
YEAR = FIXTURE / "2025-26"
LA = "E06000007"


def copy_fixture(tmp_path: Path) -> Path:
    source = tmp_path / "903"
    shutil.copytree(FIXTURE, source)
    return source


def edit_episodes(source: Path, row: int, column: str, value: str) -> None:
    """Set a cell of the episodes file (``row`` as in a spreadsheet: data starts at 2)."""
    path = source / "2025-26" / "episodes.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(path, index=False)


def test_the_report_lists_each_treatment_with_its_rows():
    report = read_903(FIXTURE).report
    assert report.count("identical-rows") == 1  # C010's first episode twice
    assert report.count("episodes-out-of-order") == 1  # C010's rows
    assert report.count("148") == 1  # C010 open with E4A (rule 148: DEC and REC both or neither)
    assert report.count("501") == 2  # C012's K2 ends after the U4 starts; C010's repeated row
    assert report.count("dob-missing") == 1  # C013, filled from the UASC file
    assert report.count("146") == 1  # C006 H5 in 2025-26
    assert report.count("101") == 1  # C014 SEX 1 in 2025-26
    text = str(report)
    assert "Rule 148: the end date (DEC) and the reason ceased (REC) are not both filled" in text
    assert "2025-26/episodes.csv row 17 (REC='E4A')" in text
    assert "2025-26/episodes.csv row 13 (PLACE='H5')" in text


def test_postcode_problems_are_reported_not_guessed(tmp_path):
    report = extract_to_data(FIXTURE, tmp_path, LA)
    text = str(report)
    assert "2026: home postcodes (HOME_POST) that are not full postcodes (sector-only or malformed): 1 row" in text
    assert "2026: placement postcodes (PL_POST) not in the ONS postcode directory: 1 row" in text
    assert "2026: children looked after at 31 March with blank home postcodes (HOME_POST): 1 row" in text


def test_an_unknown_placement_code_stops_the_extract_with_its_cell(tmp_path):
    source = copy_fixture(tmp_path)
    edit_episodes(source, 4, "PLACE", "Q9")
    with pytest.raises(BuildError) as caught:
        extract_to_data(source, tmp_path / "data", LA)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == ("2025-26/episodes.csv", 4, "PLACE", "Q9")
    assert "unknown placement type" in str(caught.value)
    assert not (tmp_path / "data").exists()  # nothing written


def test_an_episode_ending_before_it_starts_stops_the_extract(tmp_path):
    source = copy_fixture(tmp_path)
    edit_episodes(source, 3, "DEC", "01/01/2024")
    with pytest.raises(BuildError) as caught:
        read_903(source)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.code) == (3, "DEC", "end-before-start")


def test_a_start_date_that_is_not_a_date_stops_the_extract(tmp_path):
    source = copy_fixture(tmp_path)
    edit_episodes(source, 2, "DECOM", "31/02/2023")
    with pytest.raises(BuildError) as caught:
        read_903(source)
    assert (caught.value.problems[0].row, caught.value.problems[0].value) == (2, "31/02/2023")


def test_a_child_with_no_date_of_birth_anywhere_stops_the_extract(tmp_path):
    source = copy_fixture(tmp_path)
    (source / "2025-26" / "uasc.csv").write_text("CHILD,SEX,DOB,DUC\n")
    with pytest.raises(BuildError) as caught:
        read_903(source)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("2025-26/header.csv", 13, "DOB")


def test_file_names_with_the_starting_year_give_the_same_tables(tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    for name in ("header", "episodes", "uasc", "oc3"):
        shutil.copy(YEAR / f"{name}.csv", flat / f"2025-{name}.csv")  # 2025-26 starts in 2025
    extract_to_data(FIXTURE, tmp_path / "a", LA)
    extract_to_data(flat, tmp_path / "b", LA)
    for path in (tmp_path / "a" / "2026").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / "2026" / path.name).read_bytes(), path.name


def test_multi_year_files_with_a_year_column(tmp_path):
    source = tmp_path / "combined"
    source.mkdir()
    for name in ("header", "episodes", "uasc", "oc3"):
        frame = pd.read_csv(YEAR / f"{name}.csv", dtype=str, keep_default_na=False)
        frame.insert(0, "YEAR", "2025-26")
        frame.to_csv(source / f"all_{name}.csv", index=False)
    extract_to_data(FIXTURE, tmp_path / "a", LA)
    extract_to_data(source, tmp_path / "b", LA)
    for path in (tmp_path / "a" / "2026").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / "2026" / path.name).read_bytes(), path.name


def test_files_without_a_year_in_their_names_take_it_from_the_episode_dates(tmp_path):
    source = tmp_path / "loose"
    source.mkdir()
    for name in ("header", "episodes", "uasc", "oc3"):
        shutil.copy(YEAR / f"{name}.csv", source / f"{name}.csv")
    history = read_903(source)
    assert history.years == [2026]
    assert "episodes.csv: episodes, 2025-26 (the year ending 31 March 2026) from its dates" in str(history.report)
    assert "header.csv: header, 2025-26 (the year ending 31 March 2026) from the episodes file beside it" in str(
        history.report)


def test_a_header_with_no_year_and_no_episodes_beside_it_is_refused_with_a_hint(tmp_path):
    source = tmp_path / "loose"
    (source / "a").mkdir(parents=True)
    (source / "2025-26").mkdir()
    shutil.copy(YEAR / "header.csv", source / "a" / "header.csv")
    shutil.copy(YEAR / "episodes.csv", source / "2025-26" / "episodes.csv")
    with pytest.raises(BuildError) as caught:
        read_903(source)
    assert "a/header.csv: cannot tell which collection year the file is" in str(caught.value)
    assert "2017-18" in str(caught.value)


def test_output_is_deterministic(tmp_path):
    extract_to_data(FIXTURE, tmp_path / "a", LA)
    extract_to_data(FIXTURE, tmp_path / "b", LA)
    for path in (tmp_path / "a" / "2026").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / "2026" / path.name).read_bytes()


def test_an_unknown_la_code_leaves_location_not_known(tmp_path):
    report = extract_to_data(FIXTURE, tmp_path, "E99999999")
    assert report.count("la-code-not-in-directory") == 1
    frame = pd.read_csv(tmp_path / "2026" / "looked_after.csv")
    location = frame[frame["breakdown"] == "location"].set_index("category")["children"]
    assert location.to_dict() == {"inside": 0, "outside": 0, "not_known": 9}


def test_a_year_not_in_the_source_is_refused(tmp_path):
    with pytest.raises(BuildError, match="no episodes return for the year ending 31 March 2020"):
        extract_to_data(FIXTURE, tmp_path, LA, years=[2020])


@pytest.mark.parametrize("text, expected", [
    ("05/06/2025", "2025-06-05"), ("5/6/25", "2025-06-05"), ("2025-06-05", "2025-06-05"),
    ("05/06/99", "1999-06-05"), ("2025-06-05 00:00:00", "2025-06-05"), ("", None),
])
def test_dates_as_councils_write_them(text, expected):
    dates, bad = parse_dates(pd.Series([text], dtype=object))
    assert (None if pd.isna(dates[0]) else dates[0].strftime("%Y-%m-%d")) == expected
    assert not bad[0]


def test_a_date_that_is_not_a_date_is_flagged():
    _, bad = parse_dates(pd.Series(["31/02/2025", "soon"], dtype=object))
    assert bad.tolist() == [True, True]


def test_an_open_episode_is_not_carried_into_a_return_without_the_child(tmp_path):
    # 2026-27 holds only C001 (still in the same U4 placement); the other nine children
    # open at the end of 2025-26 are not in it, so they count in 2026 only.
    source = copy_fixture(tmp_path)
    later = source / "2026-27"
    later.mkdir()
    for name in ("header", "episodes"):
        frame = pd.read_csv(YEAR / f"{name}.csv", dtype=str, keep_default_na=False)
        frame[frame["CHILD"] == "C001"].to_csv(later / f"{name}.csv", index=False)
    history = read_903(source)
    assert history.years == [2026, 2027]
    assert history.report.count("open-episode-not-in-later-return") == 9
    report = extract_to_data(source, tmp_path / "data", LA)
    totals = {year: pd.read_csv(tmp_path / "data" / str(year) / "looked_after.csv").iloc[0]["children"]
              for year in report.years}
    assert totals == {2026: 9, 2027: 1}
