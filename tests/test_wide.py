"""Wide tables (issue 10): a table typed as the statement prints it, categories across the top, with a note
beside it saying which column the headers are values of and which the cells fill. It gives the same figures
as the table typed long, and every problem names the cell as the analyst typed it."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES_DIR

from generator.catalogue import all_outputs
from generator.config import load_authority
from generator.context import build_context
from generator.declared import outputs as declared_outputs
from generator.load import load_dataset
from generator.validate import validate

BANDS = ["0-4 years", "5-9 years", "10-12 years", "13-15 years", "16+ years"]


def _write_wide(folder: Path, rows: list[dict], measure: str, total: str, name: str) -> None:
    """Bromley's long table as the statement prints it: placement types down, its age bands across, a total
    column; a row only where the statement prints one."""
    cells = {(r["placement_type"], r["age_band"]): r[measure] for r in rows}
    types = list(dict.fromkeys(r["placement_type"] for r in rows))
    lines = [[""] + BANDS + [total]]
    for kind in types:
        line = [kind] + [cells.get((kind, band), "") for band in BANDS + ["Totals"]]
        if any(line[1:]):
            lines.append(line)
    with (folder / name).open("w", newline="") as handle:
        csv.writer(handle).writerows(lines)


@pytest.fixture
def wide_bromley(tmp_path) -> Path:
    """Bromley with its placements table typed wide: placements and weeks of care as the two printed tables
    (the weeks' total column headed 'All Ages', as printed), and the children's total as a third."""
    project = Path(shutil.copytree(EXAMPLES_DIR / "bromley", tmp_path / "bromley"))
    folder = project / "data" / "2022"
    rows = list(csv.DictReader((folder / "placements_by_type_and_age.csv").open()))
    _write_wide(folder, rows, "placements", "Totals", "placements_by_type_and_age.csv")
    _write_wide(folder, rows, "weeks_of_care", "All Ages", "weeks_by_type_and_age.csv")
    _write_wide(folder, rows, "children", "Totals", "children_by_type_and_age.csv")
    (folder / "placements_by_type_and_age.yml").write_text("wide:\n  across: age_band\n  cells: placements\n")
    for name, cells in (("weeks", "weeks_of_care"), ("children", "children")):
        (folder / f"{name}_by_type_and_age.yml").write_text(
            f"wide:\n  table: placements_by_type_and_age\n  across: age_band\n  cells: {cells}\n")
    return project


def _load(project: Path):
    dataset, problems = load_dataset(project / "data", load_authority(project / "authority.yml"))
    return dataset, problems + validate(dataset)


def _figures(namespace, prefix="") -> dict:
    found = {}
    for name, value in namespace.items():
        if hasattr(value, "items"):
            found.update(_figures(value, f"{prefix}{name}."))
        else:
            found[prefix + name] = str(value)
    return found


def test_a_wide_table_gives_the_same_site_figures_as_its_long_form(wide_bromley):
    long_data, long_problems = _load(EXAMPLES_DIR / "bromley")
    wide_data, wide_problems = _load(wide_bromley)
    assert [p for p in wide_problems if p.severity == "error"] == []
    assert [p.code for p in wide_problems] == [p.code for p in long_problems]
    long_view, wide_view = long_data.view(2022), wide_data.view(2022)
    figures = _figures(build_context(wide_view))
    assert figures == _figures(build_context(long_view))
    # Printed: 637 placements, 15,535 weeks of care; fostering 93 of the 0-4s' 134 placements.
    assert (figures["placements.total"], figures["placements.weeks_of_care"]) == ("637", "15,535")
    assert figures["placements.by_age.age_0_to_4.by_type.fostering.share"] == "69%"
    compared = 0
    for name, output in all_outputs().items():
        if "placement" not in name and "weeks" not in name:
            continue
        pd.testing.assert_frame_equal(output.frame(wide_view), output.frame(long_view))
        compared += 1
    assert compared >= 3


def test_a_bad_cell_is_named_by_its_wide_row_and_column(wide_bromley):
    folder = wide_bromley / "data" / "2022"
    weeks = (folder / "weeks_by_type_and_age.csv").read_text()
    (folder / "weeks_by_type_and_age.csv").write_text(
        weeks.replace("Connect person - long term,163,215,220", "Connect person - long term,163,215,22O"))
    _, problems = _load(wide_bromley)
    [bad] = [p for p in problems if p.severity == "error"]
    assert (bad.file, bad.row, bad.column, bad.value) == (
        "data/2022/weeks_by_type_and_age.csv", 3, "10-12 years", "22O")
    assert "not a number" in str(bad) and "expected a number" in str(bad)


def test_a_header_that_is_no_category_is_named_once_in_row_1(wide_bromley):
    folder = wide_bromley / "data" / "2022"
    text = (folder / "placements_by_type_and_age.csv").read_text()
    (folder / "placements_by_type_and_age.csv").write_text(text.replace("16+ years", "16-21 years", 1))
    _, problems = _load(wide_bromley)
    [bad] = [p for p in problems if p.severity == "error"]
    assert (bad.file, bad.row, bad.column) == ("data/2022/placements_by_type_and_age.csv", 1, "16-21 years")
    assert "categories: age_band" in bad.hint


def test_a_refused_header_is_not_followed_by_a_warning_for_every_total_it_would_have_added_to(tmp_path):
    from test_smallest_project import write_smallest_project

    project = write_smallest_project(tmp_path / "project")
    folder = project / "data" / "2024"
    (folder / "placements_by_type_and_age.csv").write_text(
        ",1 to 4,5-9 years,10-31 years,Totals\nChildren's homes,1,9,12,22\nSecure,0,1,2,3\nTotal,,,,25\n")
    (folder / "placements_by_type_and_age.yml").write_text("wide:\n  across: age_band\n  cells: placements\n")
    _, problems = _load(project)
    assert [(p.row, p.column, p.value) for p in problems] == [(1, "10-31 years", "10-31 years")]


def test_a_printed_total_column_is_checked_and_named_as_typed(wide_bromley):
    folder = wide_bromley / "data" / "2022"
    text = (folder / "placements_by_type_and_age.csv").read_text()
    (folder / "placements_by_type_and_age.csv").write_text(text.replace("Fostering,93,98,80,110,40,421",
                                                                        "Fostering,93,98,80,110,40,425"))
    _, problems = _load(wide_bromley)
    [slip] = [p for p in problems if p.code == "subtotal-mismatch"]
    assert (slip.file, slip.row, slip.column, slip.value) == ("data/2022/placements_by_type_and_age.csv", 2,
                                                              "Totals", "425")
    assert "come to 421" in slip.message


def test_a_figure_given_in_two_files_names_both_cells(wide_bromley):
    folder = wide_bromley / "data" / "2022"
    (folder / "children_by_type_and_age.yml").write_text(
        "wide:\n  table: placements_by_type_and_age\n  across: age_band\n  cells: placements\n")
    _, problems = _load(wide_bromley)
    [twice] = [p for p in problems if p.code == "figure-repeated"]
    assert (twice.file, twice.row, twice.column) == ("data/2022/children_by_type_and_age.csv", 2, "Totals")
    assert "placements_by_type_and_age.csv, row 22, column 'Totals'" in twice.message


def test_a_note_that_does_not_fit_the_table_is_refused_naming_the_setting(wide_bromley):
    folder = wide_bromley / "data" / "2022"
    (folder / "placements_by_type_and_age.yml").write_text("wide:\n  across: ages\n  cells: placements\n")
    _, problems = _load(wide_bromley)
    [bad] = [p for p in problems if p.severity == "error"]
    assert bad.code == "wide-settings" and bad.file == "data/2022/placements_by_type_and_age.yml"
    assert bad.line == 1 and "placement_type, age_band" in bad.expected


DECLARED = """\
title: Children looked after per 10,000 children
source: DfE, children looked after in England
key: [area, year]
columns:
  - name: area
    type: code
    description: Where the rate is for
    codes: {england: England, london: London}
  - name: year
    type: year
    description: The year ending 31 March
  - name: rate
    type: number
    unit: per 10,000 children aged under 18
    description: Children looked after per 10,000 children
wide:
  across: year
  cells: rate
"""


def test_a_declared_table_typed_wide_with_years_across(tmp_path):
    project = Path(shutil.copytree(EXAMPLES_DIR / "bromley", tmp_path / "bromley"))
    folder = project / "data" / "2022"
    (folder / "rates_by_year.yml").write_text(DECLARED)
    (folder / "rates_by_year.csv").write_text("area,2019-20,2020-21\nEngland,67,67\nLondon,49,\n")
    dataset, problems = _load(project)
    assert [p for p in problems if p.severity == "error"] == []
    view = dataset.view(2022)
    frame = declared_outputs(view)["rates_by_year"].frame(view)
    assert frame.values.tolist() == [["England", 2020, 67.0], ["England", 2021, 67.0], ["London", 2020, 49.0]]
    (folder / "rates_by_year.csv").write_text("area,2019-20,2020-21\nEngland,67,sixty\n")
    _, problems = _load(project)
    [bad] = [p for p in problems if p.severity == "error"]
    assert (bad.file, bad.row, bad.column, bad.value) == ("data/2022/rates_by_year.csv", 2, "2020-21", "sixty")


def test_looked_after_by_age_band_typed_wide_gives_the_same_figures(tmp_path):
    from generator.config import Authority

    authority = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,))
    fixture = Path(__file__).parent / "fixtures" / "data_small"
    data = Path(shutil.copytree(fixture, tmp_path / "data"))
    long_file = data / "2026" / "looked_after.csv"
    lines = long_file.read_text().splitlines()
    long_file.write_text("\n".join(line for line in lines if not line.startswith("age_band,")) + "\n")
    # One printed row, age bands across, its label in the first column (no header), and a total column.
    (data / "2026" / "looked_after_by_age.csv").write_text(
        ",Under 1,1 to 4,5 to 9,10 to 15,16 and over,Total\nChildren looked after at 31 March,1,2,2,3,2,10\n")
    (data / "2026" / "looked_after_by_age.yml").write_text(
        "wide:\n  table: looked_after\n  across: category\n  cells: children\n  fixed: {breakdown: age_band}\n")
    wide_data, problems = load_dataset(data, authority)
    problems += validate(wide_data)
    assert [p for p in problems if p.severity == "error"] == []
    long_data, _ = load_dataset(fixture, authority)
    assert _figures(build_context(wide_data.view(2026))) == _figures(build_context(long_data.view(2026)))
    (data / "2026" / "looked_after_by_age.csv").write_text(
        ",Under 1,1 to 4,5 to 9,10 to 15,16 and over,Total\nChildren looked after at 31 March,1,2,2,3,2,11\n")
    wide_data, problems = load_dataset(data, authority)
    [slip] = [p for p in problems + validate(wide_data) if p.code == "subtotal-mismatch"]
    assert (slip.file, slip.row, slip.column) == ("data/2026/looked_after_by_age.csv", 2, "Total")


def test_a_bad_label_down_the_side_is_reported_once_in_its_column(wide_bromley):
    folder = wide_bromley / "data" / "2022"
    text = (folder / "placements_by_type_and_age.csv").read_text()
    (folder / "placements_by_type_and_age.csv").write_text(text.replace("\nSemi-indep,", "\nSemi indep flats,"))
    _, problems = _load(wide_bromley)
    [bad] = [p for p in problems if p.severity == "error"]
    assert (bad.file, bad.row, bad.column, bad.value) == (
        "data/2022/placements_by_type_and_age.csv", 20, "A (placement_type)", "Semi indep flats")
    assert "did you mean 'semi_independent'" in bad.hint


def test_a_caption_copied_above_the_headers_is_named(wide_bromley):
    folder = wide_bromley / "data" / "2022"
    text = (folder / "placements_by_type_and_age.csv").read_text()
    (folder / "placements_by_type_and_age.csv").write_text(
        "Children looked after placements 2021-22 by age band,,,,,,\n" + text)
    _, problems = _load(wide_bromley)
    [bad] = [p for p in problems if p.severity == "error"]
    assert (bad.code, bad.file, bad.row) == ("wide-title", "data/2022/placements_by_type_and_age.csv", 1)
    assert "delete the title row" in bad.hint


def test_a_row_of_years_across_the_top_fills_the_year_folders(tmp_path):
    # Bristol prints 645 children in care in 2010 and 695 in 2014, 77 per 10,000 in both.
    project = Path(shutil.copytree(EXAMPLES_DIR / "bristol", tmp_path / "bristol"))
    data = project / "data"
    (data / "2010" / "looked_after.csv").unlink()
    shutil.rmtree(data / "2014")
    (data / "looked_after_by_year.csv").write_text(",2009-10,2013-14\nAll children looked after,645,695\n")
    (data / "looked_after_by_year.yml").write_text(
        "wide:\n  table: looked_after\n  across: year\n  cells: children\n  fixed: {breakdown: total}\n")
    (data / "rate_by_year.csv").write_text("category,2010,2014\nall,77,77\n")
    (data / "rate_by_year.yml").write_text(
        "wide:\n  table: looked_after\n  across: year\n  cells: rate_per_10000\n  fixed: {breakdown: total}\n")
    wide_data, problems = _load(project)
    long_data, long_problems = _load(EXAMPLES_DIR / "bristol")
    assert [p.code for p in problems] == [p.code for p in long_problems]
    assert sorted(wide_data.years) == [2010, 2014, 2015]
    trend = all_outputs()["looked_after_rate_trend"]
    for name in ("looked_after_rate_trend", "looked_after_trend"):
        output = all_outputs()[name]
        pd.testing.assert_frame_equal(output.frame(wide_data.view(2015)), output.frame(long_data.view(2015)))
    assert trend.frame(wide_data.view(2015)).values.tolist() == [["2010", "Bristol", 77], ["2014", "Bristol", 77]]
    (data / "rate_by_year.csv").write_text("category,2010,2014\nall,77,seventy\n")
    _, problems = _load(project)
    [bad] = [p for p in problems if p.severity == "error"]
    assert (bad.file, bad.row, bad.column, bad.value) == ("data/rate_by_year.csv", 2, "2014", "seventy")


def test_a_table_in_data_itself_without_a_note_is_named_not_read(tmp_path):
    project = Path(shutil.copytree(EXAMPLES_DIR / "bristol", tmp_path / "bristol"))
    (project / "data" / "looked_after.csv").write_text("breakdown,category,children\ntotal,all,700\n")
    _, problems = _load(project)
    [unread] = [p for p in problems if p.code == "file-not-read"]
    assert unread.file == "data/looked_after.csv" and unread.severity == "warning"
    assert "data/2026/" in unread.hint
