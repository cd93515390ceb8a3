"""Quarters and part years as published (issue 10, "Published figures as published"): the ``period`` column of
the flow tables, its validation, its display, and its protection. A part-year figure is shown as given, with its
period, and never added up into a figure for the year the council did not publish (the DfE counts a child who
starts twice in a year once, so quarters of starts do not add up to the year)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import text_of
from test_smallest_project import AUTHORITY

from generator import periods
from generator.build import build
from generator.config import load_authority
from generator.disclosure import _cells_and_sums, protect_year
from generator.load import load_dataset
from generator.validate import validate

STATEMENT = """\
title: Testshire sufficiency statement
published: 2024-10-01
nav:
  - Home: index.md
"""
HOME = """\
# Testshire

In the year {{ started.total }} children started to be looked after. From April to June
{{ started.by_period.q1.total }} started ({{ started.by_period.q1.label }}), and from April to December
{{ started.by_period.april_to_december.total }}. In the first quarter {{ ceased.by_period.q1.total }} ceased.
We had {{ recruitment.by_period.q2.enquiries }} enquiries in {{ recruitment.by_period.q2.label }}.

From {{ started.by_period.april_to_december.label }}, {{ started.by_period.april_to_december.total }} children started to be looked after.

{{ table("starts_and_ceases_by_period") }}

{{ chart("recruitment_by_period") }}
"""  # noqa: E501 (the example in docs/placeholders.md, copied whole)
#: Only part-year figures: Q1, Q2 and April to December; no row for the whole year. Q1's ceased count (3) is
#: small. Q1 + Q2 starts (48 + 40 = 88) must never appear as the year's starts.
STARTS = """\
movement,reason,children,period
started,all,48,Q1 2023-24
ceased,all,3,Apr-Jun 2023
started,all,40,Q2
ceased,all,30,Q2
started,all,120,April to December
"""
RECRUITMENT = """\
stage,households,period
enquiries,60,Q1
approvals,4,Q1
enquiries,55,2023-07-01 to 2023-09-30
approvals,6,Jul-Sep 2023
"""


def write_project(root: Path, starts: str = STARTS, recruitment: str = RECRUITMENT) -> Path:
    (root / "data" / "2024").mkdir(parents=True)
    (root / "content" / "2024").mkdir(parents=True)
    (root / "authority.yml").write_text(AUTHORITY)
    (root / "data" / "2024" / "looked_after.csv").write_text("breakdown,category,children\ntotal,all,168\n")
    (root / "data" / "2024" / "starts_and_ceases.csv").write_text(starts)
    (root / "data" / "2024" / "fostering_recruitment.csv").write_text(recruitment)
    (root / "content" / "2024" / "statement.yml").write_text(STATEMENT)
    (root / "content" / "2024" / "index.md").write_text(HOME)
    return root


def problems_of(project: Path):
    authority = load_authority(project / "authority.yml")
    dataset, problems = load_dataset(project / "data", authority)
    return dataset, problems + validate(dataset)


# ---------------------------------------------------------------------------
# Reading periods


@pytest.mark.parametrize("text, stored", [
    ("Q1", "Q1"), ("Q1 2023-24", "Q1"), ("2023/24 Q4", "Q4"), ("Apr-Jun 2023", "Q1"), ("Jan-Mar 2024", "Q4"),
    ("April to December", "2023-04-01 to 2023-12-31"), ("2023-04-01 to 2023-12-31", "2023-04-01 to 2023-12-31"),
    ("01/04/2023 - 30/09/2023", "2023-04-01 to 2023-09-30"), ("H1", "2023-04-01 to 2023-09-30"),
    ("Q1-Q2 2023-24", "2023-04-01 to 2023-09-30"), ("October 2023 to March 2024", "2023-10-01 to 2024-03-31"),
    ("2023-24", None), ("April to March", None), ("Q1-Q4", None), ("full year", None),
])
def test_common_spellings_of_a_period_are_read_within_the_folders_year(text, stored):
    assert periods.parse(text, 2024) == stored


def test_periods_are_labelled_for_readers():
    assert periods.label("Q1", 2024) == "Q1 (April to June 2023)"
    assert periods.label("Q4", 2024) == "Q4 (January to March 2024)"
    assert periods.label("2023-04-01 to 2023-12-31", 2024) == "April to December 2023"
    assert periods.label("2023-04-01 to 2023-12-15", 2024) == "1 April 2023 to 15 December 2023"
    assert periods.name("2023-04-01 to 2023-12-31", 2024) == "april_to_december"


def test_a_period_that_cannot_be_read_or_is_outside_the_year_is_refused_naming_the_forms(tmp_path):
    starts = ("movement,reason,children,period\nstarted,all,48,Q5\nstarted,all,40,Q1 2022-23\n"
              "started,all,41,2024-04-01 to 2024-06-30\n")
    _, problems = problems_of(write_project(tmp_path, starts=starts))
    found = [p for p in problems if p.code == "cell-period"]
    assert [(p.row, p.column, p.value) for p in found] == [
        (2, "period", "Q5"), (3, "period", "Q1 2022-23"), (4, "period", "2024-04-01 to 2024-06-30")]
    first = str(found[0])
    assert first.startswith("data/2024/starts_and_ceases.csv, row 2, column 'period': not a period of the year "
                            "(found 'Q5'); expected the part of the year the row is for: blank for the whole year")
    assert "Hint: not a period: 'Q5'; write one of: Q1, Q1 2023-24, Apr-Jun 2023, April to December 2023" in first
    assert "the year ending 31 March 2023, not 2024, the year of the folder (its rows belong in data/2023/)" in str(
        found[1])
    assert "not inside the year ending 31 March 2024" in str(found[2])


def test_the_same_period_twice_is_a_duplicate_and_each_period_has_its_own_total(tmp_path):
    starts = ("movement,reason,children,period\nstarted,all,48,Q1\nstarted,all,47,Apr-Jun 2023\n"
              "started,all,30,Q2\nstarted,abuse_or_neglect,20,Q2\nstarted,disability,11,Q2\n")
    _, problems = problems_of(write_project(tmp_path, starts=starts))
    assert any(p.code == "duplicate-key" and p.row == 3 and "period 'Q1'" in p.message for p in problems)
    mismatch = [p for p in problems if p.code == "total-mismatch"]
    assert len(mismatch) == 1 and mismatch[0].row == 4 and "period 'Q2'" in mismatch[0].message


def test_whole_year_and_quarter_rows_side_by_side_are_no_duplicates(tmp_path):
    starts = "movement,reason,children,period\nstarted,all,150,\nstarted,all,48,Q1\n"
    _, problems = problems_of(write_project(tmp_path, starts=starts))
    assert not [p for p in problems if p.severity == "error"]


# ---------------------------------------------------------------------------
# Protection: each period is a table of its own


def test_a_small_quarterly_count_is_withheld_with_the_threshold_of_5(tmp_path):
    dataset, problems = problems_of(write_project(tmp_path))
    assert not [p for p in problems if p.severity == "error"]
    frame = dataset.years[2024]["starts_and_ceases"]
    protection = protect_year(dataset.years[2024], 2024, 5)
    withheld = {(frame.loc[i, "period"], frame.loc[i, "movement"]) for _, i, _ in protection.withheld_data_cells}
    assert ("Q1", "ceased") in withheld


def test_each_period_adds_up_on_its_own_so_a_quarters_small_count_is_protected_within_the_quarter(tmp_path):
    starts = ("movement,reason,children,period\nstarted,all,150,\nstarted,abuse_or_neglect,100,\n"
              "started,disability,50,\nstarted,all,40,Q2\nstarted,abuse_or_neglect,37,Q2\n"
              "started,disability,3,Q2\n")
    dataset, problems = problems_of(write_project(tmp_path, starts=starts))
    assert not [p for p in problems if p.severity == "error"]
    frame = dataset.years[2024]["starts_and_ceases"]
    cells = _cells_and_sums(dataset.years[2024])
    for s in cells.sums:  # no sum mixes the quarter's rows with the year's
        assert len({str(frame.loc[c[1], "period"]) for c in (s.total, *s.parts)}) == 1
    protection = protect_year(dataset.years[2024], 2024, 5)
    withheld = {(frame.loc[i, "period"], frame.loc[i, "reason"]) for _, i, _ in protection.withheld_data_cells}
    assert ("Q2", "disability") in withheld and ("Q2", "abuse_or_neglect") in withheld  # its partner, in Q2
    assert all(period == "Q2" for period, _ in withheld)  # the year's figures need no protection


# ---------------------------------------------------------------------------
# The site


def built_pages(project: Path) -> Path:
    """The project's site, built without the PDF edition (the pages are under test, not the PDF)."""
    build(project, project / "site", jobs=1, pdf=False)
    return project / "site"


@pytest.fixture(scope="module")
def quarters_site(tmp_path_factory) -> Path:
    return built_pages(write_project(tmp_path_factory.mktemp("quarters")))


def test_quarters_show_labelled_and_no_annual_figure_is_invented(quarters_site):
    home = text_of(quarters_site / "2024" / "index.html")
    assert "In the year x children started to be looked after." in home
    assert "From April to June 48 started (Q1 (April to June 2023)), and from April to December 120." in home
    assert "We had 55 enquiries in Q2 (July to September 2023)." in home
    # docs/placeholders.md's example (the example authority has no part years to render it with)
    assert "From April to December 2023, 120 children started to be looked after." in home
    # The small Q1 count of children ceasing is withheld, in the text and in the table.
    assert "In the first quarter a withheld number ceased." in home
    # The table: each period labelled, in the order the periods end.
    assert ("Period Movement Children Q1 (April to June 2023) Started to be looked after 48 "
            "Q1 (April to June 2023) Ceased to be looked after c Q2 (July to September 2023) Started to be looked "
            "after 40 Q2 (July to September 2023) Ceased to be looked after 30 April to December 2023 Started to be "
            "looked after 120 ") in home
    for invented in ("88", "208", "115"):  # Q1 + Q2 starts; every start added; Q1 + Q2 enquiries
        assert f" {invented} " not in f" {home} "


def test_the_part_year_downloads_label_each_period(quarters_site):
    csv_text = (quarters_site / "2024" / "downloads" / "starts_and_ceases_by_period.csv").read_text()
    assert csv_text.splitlines()[0] == "Period,Movement,Children"
    assert "Q1 (April to June 2023),Ceased to be looked after,c" in csv_text
    assert "April to December 2023,Started to be looked after,120" in csv_text


# ---------------------------------------------------------------------------
# Published percentages of children starting and ceasing


def test_published_percentages_of_starts_are_shown_as_given_and_never_turned_into_counts(tmp_path):
    from generator.catalogue import all_outputs
    from generator.context import build_context

    starts = ("movement,reason,children,percent\nstarted,all,150,\nstarted,abuse_or_neglect,,60%\n"
              "started,disability,,12.5%\nceased,adopted,,50%\n")
    dataset, problems = problems_of(write_project(tmp_path, starts=starts))
    assert not [p for p in problems if p.severity == "error"]
    context = build_context(dataset.view(2024))
    need = context["started"].by_need
    assert (str(need.abuse_or_neglect.share), str(need.disability.share)) == ("60%", "12.5%")
    assert str(need.abuse_or_neglect.children) == "x"  # 60% of 150 is not a count the council published
    assert str(context["started"].total) == "150"
    assert str(context["ceased"].total) == "x"  # a percentage alone adds up to no total
    frame = all_outputs()["started_by_need"].frame(dataset.view(2024))
    assert list(frame.columns) == ["Category of need", "Children", "Percentage"]
    shown = {r["Category of need"]: r["Percentage"] for r in frame.to_dict("records")}
    assert shown["Abuse or neglect"] == 60 and shown["Child's disability"] == 12.5


def test_a_row_with_neither_count_nor_percentage_is_refused(tmp_path):
    starts = "movement,reason,children,percent\nstarted,all,150,\nstarted,disability,,\n"
    _, problems = problems_of(write_project(tmp_path, starts=starts))
    found = [str(p) for p in problems if p.code == "count-or-percent-missing"]
    assert found == ["data/2024/starts_and_ceases.csv, row 3, column 'children': this row has neither a count nor "
                     "a percentage; expected the count in children, or the percentage as published in percent"]


# ---------------------------------------------------------------------------
# Fostering capacity with households only (issue 10: places not given are x, never 0)


@pytest.mark.parametrize("capacity", [
    "carer_type,households\nTotal,101\n",  # a statement that prints only "101 approved fostering households"
    "carer_type,households,approved_places\nmainstream,80,\nfamily_and_friends,21,30\n",
])
def test_fostering_capacity_with_households_only_shows_places_as_x(tmp_path, capacity):
    from generator.catalogue import all_outputs
    from generator.context import build_context

    project = write_project(tmp_path)
    (project / "data" / "2024" / "fostering_capacity.csv").write_text(capacity)
    dataset, problems = problems_of(project)
    assert not [p for p in problems if p.severity == "error"]
    view = dataset.view(2024)
    fostering = build_context(view)["fostering"]
    assert str(fostering.households) == "101"
    assert str(fostering.by_carer_type.short_breaks.households) == "x"  # no row: not given, not 0
    for name in ("approved_places", "occupied", "occupancy", "vacant_available", "vacancy_rate"):
        assert str(fostering[name]) == "x", name
    trend = all_outputs()["fostering_households_trend"].frame(view)
    assert trend.to_dict("records") == [{"Year": "2023 to 2024", "Households": 101}]


def test_the_audit_reads_the_part_year_figures_and_finds_every_withheld_one_protected(quarters_site, tmp_path):
    from generator.audit import audit_edition

    project = quarters_site.parent
    population = tmp_path / "population.csv"  # the project has none: no rates to read
    audit = audit_edition(quarters_site, population, 5, content=project / "content")
    assert not [w for w in audit.reading.unread_tables if "by_period" in w]
    assert not [s for s in audit.reading.unread_summaries if "part of the year" in s]
    withheld = [i for i in audit.withheld if i.key[0] == "starts_and_ceases_period"]
    assert [i.key for i in withheld] == [("starts_and_ceases_period", 2024, "q1", "ceased", "all")]
    assert audit.findings == []


# ---------------------------------------------------------------------------
# New placements by commissioning route in part of the year (two-way margins within each period)

#: The year's rows (blank period) and Q1's; Q1's 3 fostering spot placements are small. Q1's rows are a two-way
#: table of their own: its service and route totals (fostering 12, spot 10, all 27) are never the year's.
ROUTES = """\
service,route,placements,period
fostering,framework,40,
fostering,spot,20,
childrens_home,framework,12,
childrens_home,spot,15,
fostering,framework,9,Q1
fostering,spot,3,Q1
childrens_home,framework,8,Q1
childrens_home,spot,7,Q1
"""
ROUTES_HOME = """\
# Testshire

In the year we made {{ routes.total }} new placements, {{ routes.by_route.spot.placements }} by spot purchase.
In {{ routes.by_period.q1.label }} we made {{ routes.by_period.q1.total }} new placements.

{{ table("routes_by_period") }}

{{ table("commissioning_routes") }}
"""


def write_routes_project(root: Path) -> Path:
    project = write_project(root)
    (project / "data" / "2024" / "commissioning_routes.csv").write_text(ROUTES)
    (project / "content" / "2024" / "index.md").write_text(ROUTES_HOME)
    return project


def test_a_quarters_routes_add_up_on_their_own_and_its_small_count_is_protected_within_the_quarter(tmp_path):
    dataset, problems = problems_of(write_routes_project(tmp_path))
    assert not [p for p in problems if p.severity == "error"]
    frame = dataset.years[2024]["commissioning_routes"]
    cells = _cells_and_sums(dataset.years[2024])
    periods_of_cell = {c: str(frame.loc[c[1], "period"]) for c in cells.values
                       if c[0] == "commissioning_routes"}
    for s in cells.sums:  # a margin of Q1's adds only Q1's cells; the year's only the year's
        found = {periods_of_cell[c] for c in (s.total, *s.parts) if c in periods_of_cell}
        assert len(found) <= 1
    q1_grand = ("margin", "commissioning_routes", "placements", "all", "all", "Q1")
    assert cells.values[q1_grand] == 27
    protection = protect_year(dataset.years[2024], 2024, 5)
    withheld = {(frame.loc[i, "period"], frame.loc[i, "service"], frame.loc[i, "route"])
                for name, i, _ in protection.withheld_data_cells if name == "commissioning_routes"}
    assert ("Q1", "fostering", "spot") in withheld
    assert len(withheld) >= 2 and all(period == "Q1" for period, _, _ in withheld)  # a partner, in Q1 only


@pytest.fixture(scope="module")
def routes_site(tmp_path_factory) -> Path:
    return built_pages(write_routes_project(tmp_path_factory.mktemp("routes")))


def test_a_quarters_routes_show_labelled_beside_the_years_and_are_never_added_in(routes_site):
    home = text_of(routes_site / "2024" / "index.html")
    assert "In the year we made 87 new placements, 35 by spot purchase." in home  # the year's rows only
    assert "Period Service Route New placements Q1 (April to June 2023) Fostering Framework" in home
    assert "Q1 (April to June 2023) Fostering Spot purchase c" in home
    for invented in ("114", "45"):  # the year's and Q1's placements added; spot in the year and Q1 added
        assert f" {invented} " not in f" {home} "
    csv_text = (routes_site / "2024" / "downloads" / "routes_by_period.csv").read_text()
    assert csv_text.splitlines()[0] == "Period,Service,Route,New placements"
    assert "Q1 (April to June 2023),Fostering,Spot purchase,c" in csv_text


def test_the_audit_reads_a_quarters_routes_and_finds_its_withheld_cells_protected(routes_site, tmp_path):
    from generator.audit import audit_edition

    project = routes_site.parent
    audit = audit_edition(routes_site, tmp_path / "population.csv", 5, content=project / "content")
    assert not [w for w in audit.reading.unread_tables if "routes_by_period" in w]
    assert not [s for s in audit.reading.unread_summaries if "part of the year" in s]
    withheld = {i.key for i in audit.withheld if i.key[0] == "commissioning_routes_period"}
    assert ("commissioning_routes_period", 2024, "q1", "fostering", "spot", "placements") in withheld
    assert len(withheld) >= 2  # the small count and its partner within the quarter
    assert audit.findings == []
