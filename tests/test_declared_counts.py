"""Declared tables of counts of children (issue 10 item 4, with issue 9's standard): a council's own table
(children by sex and placement, unaccompanied children by route) says in its schema which columns count
children and how its rows add up; it then goes through the same suppression as the contract's tables and the
independent audit of what was published, in a project that withholds counts (threshold 5)."""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator.audit import audit_edition
from generator.config import Authority
from generator.contract import Protection
from generator.declared import outputs
from generator.disclosure import protect_year
from generator.load import load_dataset
from generator.problems import BuildError
from generator.validate import validate

FIXTURE = Path(__file__).parent / "fixtures" / "data_small"
AUTHORITY = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,))

BY_SEX = """\
title: Children looked after by sex and placement
source: the council's case records, 31 March 2024
key: [sex, placement]
counts_children: [children]
adds_up: none
columns:
  - {name: sex, type: code, description: Sex, codes: {girls: Girls, boys: Boys}}
  - name: placement
    type: code
    description: Where the child lives
    codes: {fostering: Fostering, homes: "Children's homes", other: Other}
  - {name: children, type: integer, unit: children, description: Children looked after at 31 March}
chart: {mark: stacked_bar, x: placement, y: children, colour: sex}
"""
BY_SEX_ROWS = """\
sex,placement,children
Girls,Fostering,60
Girls,Children's homes,3
Girls,Other,9
Boys,Fostering,70
Boys,Children's homes,18
Boys,Other,8
"""
BY_ROUTE = """\
title: Unaccompanied children by route
source: the council's asylum team, 31 March 2024
key: [route]
counts_children: [children]
adds_up: total row
total_row: {route: all}
columns:
  - name: route
    type: code
    description: How the child came into the council's care
    codes: {nts: National Transfer Scheme, spontaneous: Spontaneous arrival, other: Other routes, all: All routes}
  - {name: children, type: integer, unit: children, description: Unaccompanied children looked after}
"""
BY_ROUTE_ROWS = "route,children\nNational Transfer Scheme,4\nSpontaneous arrival,12\nOther routes,7\nAll routes,23\n"


# ---------------------------------------------------------------------------
# The schema: what it says and the mistakes it names
# ---------------------------------------------------------------------------


@pytest.fixture
def data(tmp_path) -> Path:
    data = Path(shutil.copytree(FIXTURE, tmp_path / "data"))
    for name, schema, rows in (("by_sex", BY_SEX, BY_SEX_ROWS), ("by_route", BY_ROUTE, BY_ROUTE_ROWS)):
        (data / "2026" / f"{name}.csv").write_text(rows, "utf-8")
        (data / "2026" / f"{name}.yml").write_text(schema, "utf-8")
    return data


def problems_of(data: Path):
    dataset, problems = load_dataset(data, AUTHORITY)
    return dataset, [p for p in problems + validate(dataset) if p.severity == "error"]


def test_the_schema_becomes_the_contracts_protection(data):
    dataset, problems = problems_of(data)
    assert problems == []
    declared = dataset.declared[2026]
    assert declared["by_sex"].table.protection == Protection(counts=("children",), two_way=("sex", "placement"),
                                                              totals_known=True)
    assert declared["by_route"].table.protection == Protection(counts=("children",), group_total=("", "route", "all"),
                                                                totals_known=True)


@pytest.mark.parametrize("change, code, key, value", [
    (("type: integer, unit: children", "type: number, unit: children"), "schema-counts-children", "counts_children",
     "children (type: number)"),
    (("adds_up: none", "adds_up: by age"), "schema-adds-up", "adds_up", "by age"),
    (("adds_up: none", "adds_up: rows and columns\ntotal_row: {sex: girls}"), "schema-adds-up", "total_row",
     {"sex": "girls"}),
    (("adds_up: none", "adds_up: total row\ntotal_row: {sex: all}"), "schema-total-row", "total_row", "all"),
    (("adds_up: none", "adds_up: total row\ntotal_row: {sex: girls}"), "schema-total-row", "total_row", "Girls"),
    (("counts_children: [children]\n", ""), "schema-adds-up", "adds_up", "none"),
    (("other: Other}", "other: All other placements}"), "schema-total-row", "adds_up", "All other placements"),
])
def test_a_mistake_in_how_counts_add_up_names_file_key_value_and_what_was_expected(data, change, code, key, value):
    schema = BY_SEX.replace(*change)
    (data / "2026" / "by_sex.yml").write_text(schema, "utf-8")
    _, problems = problems_of(data)
    found = [p for p in problems if p.file == "data/2026/by_sex.yml"]
    assert [(p.code, p.value) for p in found if p.code == code] == [(code, value)], [str(p) for p in found]
    [problem] = [p for p in found if p.code == code]
    lines = schema.splitlines()
    assert lines[problem.line - 1].startswith(key + ":")
    assert problem.expected


def test_a_count_table_of_more_than_two_breakdowns_is_refused_with_the_fix(data):
    schema = BY_SEX.replace("key: [sex, placement]", "key: [sex, placement, age]").replace(
        "  - {name: children", "  - {name: age, type: text, description: Age}\n  - {name: children")
    (data / "2026" / "by_sex.yml").write_text(schema, "utf-8")
    (data / "2026" / "by_sex.csv").write_text("sex,placement,age,children\nGirls,Fostering,5,60\n", "utf-8")
    _, problems = problems_of(data)
    [problem] = problems
    assert problem.code == "schema-key" and "one or two key columns" in problem.message
    assert "split it" in problem.hint


# ---------------------------------------------------------------------------
# Suppression: the same primary and secondary suppression as the contract's tables
# ---------------------------------------------------------------------------


def test_small_counts_and_a_partner_are_withheld_and_totals_are_never_partners(data):
    dataset, _ = problems_of(data)
    declared = {name: d.table for name, d in dataset.declared[2026].items()}
    protection = protect_year(dataset.years[2026], 2026, 5, declared)
    withheld = {(t, i) for t, i, _ in protection.withheld_data_cells if t in declared}
    by_sex = dataset.years[2026]["by_sex"]
    assert {(by_sex.loc[i, "sex"], by_sex.loc[i, "placement"]) for t, i in withheld if t == "by_sex"} == {
        ("girls", "homes"), ("girls", "other"), ("boys", "homes"), ("boys", "other")}  # "other" first, not fostering
    by_route = dataset.years[2026]["by_route"]
    assert {by_route.loc[i, "route"] for t, i in withheld if t == "by_route"} == {"nts", "other"}  # 4, then 7
    assert not any(c[0] == "margin" and c[1] in declared for c in protection.suppression.withheld)
    assert all(r.width >= 5 for r in protection.suppression.audit)


def test_a_small_group_whose_total_a_reader_knows_stops_the_build_with_the_reason(tmp_path):
    from generator.declared import read_schema

    path = tmp_path / "by_route.yml"
    path.write_text(BY_ROUTE.replace("adds_up: total row\ntotal_row: {route: all}\n", "adds_up: none\n")
                    .replace(", all: All routes", ""), "utf-8")
    declared, problems = read_schema(path, "data/2026/by_route.yml", "by_route")
    assert problems == []
    # 2 and 4 children: a reader who knows there are 6 in all can narrow either to 1 to 5 at best.
    frame = pd.DataFrame({"route": ["nts", "spontaneous"], "children": [2, 4]})
    with pytest.raises(BuildError) as caught:
        protect_year({"by_route": frame}, 2026, 5, {"by_route": declared.table})
    [problem] = caught.value.problems
    assert problem.code == "suppression-failed" and "by_route" in problem.hint
    assert "merge small categories" in problem.hint


def test_the_build_in_worker_processes_stops_with_the_same_reason(tmp_path):
    """The same small group, built in two worker processes (the default on a machine with two cores or more):
    the reason comes back to the analyst, not a broken process pool."""
    from test_smallest_project import write_smallest_project

    from generator.build import build

    project = write_smallest_project(tmp_path / "project")
    year = project / "data" / "2024"
    (year / "by_route.csv").write_text("route,children\nnts,2\nspontaneous,4\n", "utf-8")
    (year / "by_route.yml").write_text(BY_ROUTE.replace("adds_up: total row\ntotal_row: {route: all}\n",
                                                        "adds_up: none\n").replace(", all: All routes", ""), "utf-8")
    with pytest.raises(BuildError) as caught:
        build(project, project / "site", jobs=2)
    message = str(caught.value)
    assert "merge small categories" in message
    assert "cannot be protected: Unaccompanied children by route: " in message  # the cells as a reader names them
    assert "'by_route', 0" not in message


# ---------------------------------------------------------------------------
# A built project that withholds counts: the public and internal editions, and the audit
# ---------------------------------------------------------------------------

LOOKED_AFTER = """\
breakdown,category,children
total,all,168
age_band,under_1,2
age_band,age_1_to_4,20
age_band,age_5_to_9,30
age_band,age_10_to_15,70
age_band,age_16_and_over,46
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from test_smallest_project import write_smallest_project

    from generator.build import build

    project = write_smallest_project(tmp_path_factory.mktemp("declared_counts") / "project")
    year = project / "data" / "2024"
    (year / "looked_after.csv").write_text(LOOKED_AFTER)
    for name, schema, rows in (("by_sex", BY_SEX, BY_SEX_ROWS), ("by_route", BY_ROUTE, BY_ROUTE_ROWS)):
        (year / f"{name}.csv").write_text(rows, "utf-8")
        (year / f"{name}.yml").write_text(schema, "utf-8")
    need = project / "content" / "2024" / "need.md"
    need.write_text(need.read_text() + '\n{{ chart("by_sex") }}\n\n{{ table("by_route") }}\n')
    build(project, project / "site", jobs=1)
    return project


def rows_of(project: Path, edition: str, name: str) -> list[list[str]]:
    with (project / edition / "2024" / "downloads" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_small_counts_read_c_a_partner_is_hidden_and_the_known_totals_are_printed(built):
    assert rows_of(built, "site", "by_sex") == [
        ["Sex", "Placement", "Children"],
        ["Girls", "Fostering", "60"], ["Girls", "Children's homes", "c"], ["Girls", "Other", "c"],
        ["Girls", "Total", "72"],
        ["Boys", "Fostering", "70"], ["Boys", "Children's homes", "c"], ["Boys", "Other", "c"],
        ["Boys", "Total", "96"],
        ["Total", "Fostering", "130"], ["Total", "Children's homes", "21"], ["Total", "Other", "17"],
        ["Total", "Total", "168"]]
    assert rows_of(built, "site", "by_route") == [
        ["Route", "Children"], ["National Transfer Scheme", "c"], ["Spontaneous arrival", "12"],
        ["Other routes", "c"], ["All routes", "23"]]
    page = (built / "site" / "2024" / "need" / "index.html").read_text()
    assert "National Transfer Scheme" in page and ">4<" not in page
    # The chart draws the rows, not the totals printed for the reader (they are in its data table).
    [svg] = re.findall(r"<svg.*?</svg>", page.split('id="chart-by_sex"', 1)[1], re.S)[:1]
    assert "Fostering" in svg and "Total" not in svg


def test_the_internal_edition_withholds_them_as_it_does_the_contracts_tables(built):
    # The editions share one set of published figures: what is c in the public edition is c internally,
    # for a contract table (under 1: 2 children) and a declared one alike.
    assert rows_of(built, "site-internal", "looked_after_by_age") == rows_of(built, "site", "looked_after_by_age")
    assert any("c" in row for row in rows_of(built, "site", "looked_after_by_age"))
    for name in ("by_sex", "by_route"):
        assert rows_of(built, "site-internal", name) == rows_of(built, "site", name)


def test_the_independent_audit_of_both_editions_passes(built):
    for edition in ("site", "site-internal"):
        audit = audit_edition(built / edition, population={}, threshold=5)
        declared = [i for i in audit.withheld if i.key[0] == "declared"]
        assert len(declared) == 6, edition  # four by sex and placement, two by route
        assert audit.findings == [] and audit.problems == [], audit.summary()
        assert audit.reading.unread_tables == []
        assert min(i.width for i in declared) >= 5


def test_a_declared_table_of_figures_already_published_is_shown_as_typed(data):
    published = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,),
                          suppression_threshold=0)
    dataset, problems = load_dataset(data, published)
    view = dataset.view(2026)
    frame = outputs(view)["by_sex"].frame(view)
    assert len(frame) == 6 and frame["Children"].tolist() == [60, 3, 9, 70, 18, 8]  # no totals added


def test_a_count_table_by_date_needs_its_own_totals(data):
    schema = BY_ROUTE.replace("key: [route]", "key: [year, route]").replace(
        "adds_up: total row\ntotal_row: {route: all}\n", "").replace(
        "columns:\n", "columns:\n  - {name: year, type: year, description: Year ending 31 March}\n")
    (data / "2026" / "by_route.yml").write_text(schema, "utf-8")
    (data / "2026" / "by_route.csv").write_text("year,route,children\n2026,National Transfer Scheme,4\n", "utf-8")
    _, problems = problems_of(data)
    [problem] = problems
    assert problem.code == "schema-adds-up" and "different dates" in problem.message


def test_a_row_named_like_a_total_in_a_table_said_to_have_none_is_named(data):
    schema = BY_ROUTE.replace("adds_up: total row\ntotal_row: {route: all}\n", "").replace(
        "    type: code\n    description: How the child came into the council's care\n"
        "    codes: {nts: National Transfer Scheme, spontaneous: Spontaneous arrival, other: Other routes, "
        "all: All routes}\n", "    type: text\n    description: How the child came into the council's care\n")
    (data / "2026" / "by_route.yml").write_text(schema, "utf-8")
    (data / "2026" / "by_route.csv").write_text("route,children\nNational Transfer Scheme,4\nAll other routes,19\n",
                                               "utf-8")
    _, problems = problems_of(data)
    assert [(p.code, p.file, p.row, p.column, p.value) for p in problems] == [
        ("declared-total-row", "data/2026/by_route.csv", 3, "route", "All other routes")]


def test_a_total_row_that_does_not_add_up_is_named_with_what_it_should_be(data):
    (data / "2026" / "by_route.csv").write_text(BY_ROUTE_ROWS.replace("All routes,23", "All routes,25"), "utf-8")
    _, problems = problems_of(data)
    assert [(p.code, p.file, p.row, p.column, p.value) for p in problems] == [
        ("declared-total", "data/2026/by_route.csv", 5, "children", 25)]
    assert problems[0].expected.startswith("23")


def test_a_declared_tables_not_known_row_is_withheld_first_as_in_the_contracts_tables(tmp_path):
    from generator.declared import read_schema

    path = tmp_path / "by_route.yml"
    path.write_text(BY_ROUTE.replace("adds_up: total row\ntotal_row: {route: all}\n", "adds_up: none\n").replace(
        "    type: code\n    description: How the child came into the council's care\n"
        "    codes: {nts: National Transfer Scheme, spontaneous: Spontaneous arrival, other: Other routes, "
        "all: All routes}\n", "    type: text\n    description: How the child came into the council's care\n"),
        "utf-8")
    declared, problems = read_schema(path, "data/2026/by_route.yml", "by_route")
    assert problems == []
    # 4 children by one route: its partner is "Not known" (30), not the smaller "Spontaneous arrival" (12).
    frame = pd.DataFrame({"route": ["National Transfer Scheme", "Spontaneous arrival", "Not known"],
                          "children": [4, 12, 30]})
    protection = protect_year({"by_route": frame}, 2026, 5, {"by_route": declared.table})
    assert {frame.loc[c[1], "route"] for c in protection.withheld_data_cells} == {"National Transfer Scheme",
                                                                                   "Not known"}
