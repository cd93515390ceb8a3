"""Declared tables (issue 10): any tidy table a council publishes, added as a CSV with a small schema
beside it, is read and checked like the contract's tables, and refused, with the fix named, without one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.catalogue import is_sensitive
from generator.config import Authority
from generator.declared import outputs
from generator.load import load_dataset
from generator.validate import validate

FIXTURE = Path(__file__).parent / "fixtures" / "data_small"
AUTHORITY = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,))

SCHEMA = """\
title: Unit costs of comparable councils
description: Average weekly cost of a placement, as each council published it.
source: CIPFA children's services benchmarking, March 2026
key: [council, service]
columns:
  - name: council
    type: text
    description: The council
  - name: service
    type: code
    description: The kind of placement
    codes:
      fostering: Fostering
      childrens_home: Children's homes
  - name: weekly_cost
    label: Weekly cost
    type: money
    unit: pounds a week
    description: Average weekly cost
chart:
  mark: grouped_bar
  x: council
  y: weekly_cost
  colour: service
"""

ROWS = "council,service,weekly_cost\nNorthby,Fostering,£812\nNorthby,Children's homes,\"£5,120\"\n"


@pytest.fixture
def data(tmp_path) -> Path:
    data = Path(shutil.copytree(FIXTURE, tmp_path / "data"))
    (data / "2026" / "comparator_unit_costs.csv").write_text(ROWS, "utf-8")
    (data / "2026" / "comparator_unit_costs.yml").write_text(SCHEMA, "utf-8")
    return data


def problems_of(data: Path, authority=AUTHORITY):
    dataset, problems = load_dataset(data, authority)
    return dataset, problems + validate(dataset)


def test_a_declared_table_is_read_by_its_schema_and_offered_to_pages(data):
    dataset, problems = problems_of(data)
    assert [p for p in problems if p.severity == "error"] == []
    output = outputs(dataset.view(2026))["comparator_unit_costs"]
    frame = output.frame(dataset.view(2026))
    assert list(frame.columns) == ["Council", "Service", "Weekly cost"]
    assert frame.values.tolist() == [["Northby", "Fostering", 812.0], ["Northby", "Children's homes", 5120.0]]
    assert output.chart.x == "Council" and output.chart.colour == "Service"
    assert output.units == {"Weekly cost": "money"}
    assert not is_sensitive(output)


def test_one_schema_under_data_serves_every_year(data):
    (data / "2026" / "comparator_unit_costs.yml").rename(data / "comparator_unit_costs.yml")
    dataset, problems = problems_of(data)
    assert [p for p in problems if p.severity == "error"] == []
    assert "comparator_unit_costs" in dataset.years[2026]


def test_a_bad_cell_of_a_declared_table_names_file_row_and_column(data):
    (data / "2026" / "comparator_unit_costs.csv").write_text(ROWS + "Southby,Fostering,about 900\n", "utf-8")
    _, problems = problems_of(data)
    assert [str(p) for p in problems if p.severity == "error"] == [
        "data/2026/comparator_unit_costs.csv, row 4, column 'weekly_cost': not an amount in pounds "
        "(found 'about 900'); expected pounds; £1,234.56 and 1,234 are accepted (cp1252 £ from Excel too)"]


def test_a_declared_table_is_checked_like_the_contract_ones(data):
    (data / "2026" / "comparator_unit_costs.csv").write_text(ROWS + "Northby,Fostering,-3\n", "utf-8")
    _, problems = problems_of(data)
    codes = sorted(p.code for p in problems if p.severity == "error")
    assert codes == ["cell-below-minimum", "duplicate-key"]
    assert all(p.file == "data/2026/comparator_unit_costs.csv" and p.row == 4
               for p in problems if p.severity == "error")


def test_a_csv_without_a_schema_is_refused_with_the_fix(data):
    (data / "2026" / "comparator_unit_costs.yml").unlink()
    _, problems = problems_of(data)
    [problem] = [p for p in problems if p.severity == "error"]
    assert problem.code == "file-unknown" and problem.file == "data/2026/comparator_unit_costs.csv"
    assert "add comparator_unit_costs.yml beside it" in problem.hint


def test_a_schema_mistake_names_the_schema_file_and_line(data):
    schema = SCHEMA.replace("type: money", "type: pounds").replace("  x: council", "  x: region")
    (data / "2026" / "comparator_unit_costs.yml").write_text(schema, "utf-8")
    _, problems = problems_of(data)
    found = {(p.code, p.file, p.line) for p in problems}
    assert ("schema-column-type", "data/2026/comparator_unit_costs.yml", 5) in found
    assert ("schema-chart", "data/2026/comparator_unit_costs.yml", 20) in found


def test_counts_of_children_must_be_declared_and_are_then_protected(data):
    rows = "route,children\nNational Transfer Scheme,4\nSpontaneous arrival,12\n"
    schema = """\
title: Unaccompanied children by route
source: the council's asylum team, March 2026
key: [route]
columns:
  - {name: route, type: text, description: How the child came into the council's care}
  - {name: children, type: integer, unit: children, description: Unaccompanied children looked after}
"""
    (data / "2026" / "uasc_by_route.csv").write_text(rows, "utf-8")
    (data / "2026" / "uasc_by_route.yml").write_text(schema, "utf-8")
    _, problems = problems_of(data)
    assert [(p.code, p.value) for p in problems if p.severity == "error"] == [("schema-counts-children", "children")]
    # Declared, the counts go through suppression like the contract's (tests/test_declared_counts.py): while
    # counts are withheld, the table's total, taken as known to a reader, is printed with it.
    (data / "2026" / "uasc_by_route.yml").write_text(schema + "counts_children: [children]\n", "utf-8")
    dataset, problems = problems_of(data)
    assert [p for p in problems if p.severity == "error"] == []
    frame = outputs(dataset.view(2026))["uasc_by_route"].frame(dataset.view(2026))
    assert frame.values.tolist() == [["National Transfer Scheme", 4], ["Spontaneous arrival", 12], ["Total", 16]]
    published = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,),
                          suppression_threshold=0)
    dataset, problems = problems_of(data, published)
    assert [p for p in problems if p.severity == "error"] == []
    assert outputs(dataset.view(2026))["uasc_by_route"].frame(dataset.view(2026))["Children"].tolist() == [4, 12]


def test_a_sensitive_declared_table_is_sensitive_as_a_whole(data):
    (data / "2026" / "comparator_unit_costs.yml").write_text(SCHEMA + "sensitive: true\n", "utf-8")
    dataset, _ = problems_of(data)
    assert is_sensitive(outputs(dataset.view(2026))["comparator_unit_costs"])


def test_the_schema_in_the_analysts_guide_is_a_valid_schema(data):
    import re

    guide = (Path(__file__).parent.parent / "docs" / "analysts.md").read_text("utf-8")
    section = guide.split("## Any other table you publish", 1)[1].split("\n## ", 1)[0]
    [schema] = re.findall(r"```yaml\n(.*?)```", section, re.S)
    (data / "2026" / "comparator_unit_costs.yml").write_text(schema, "utf-8")
    dataset, problems = problems_of(data)
    assert [p for p in problems if p.severity == "error"] == []
    assert outputs(dataset.view(2026))["comparator_unit_costs"].chart.mark == "grouped_bar"


def test_a_sensitive_declared_table_is_published_only_in_the_internal_edition(tmp_path):
    """A real build of the smallest project with two declared tables: the open one is on the page, in its
    download and in both ZIPs; the sensitive one (used in a restricted block) only in the internal edition."""
    import zipfile

    from test_smallest_project import write_smallest_project

    from generator.build import build

    project = write_smallest_project(tmp_path / "project")
    year = project / "data" / "2024"
    (year / "comparator_unit_costs.csv").write_text(ROWS, "utf-8")
    (year / "comparator_unit_costs.yml").write_text(SCHEMA, "utf-8")
    (year / "provider_rates.csv").write_text("provider,weekly_cost\nAcorn Homes Ltd,\"£6,417\"\n", "utf-8")
    (year / "provider_rates.yml").write_text(
        "title: Weekly rates agreed with providers\nsource: the council's contracts register, March 2024\n"
        "sensitive: true\nkey: [provider]\ncolumns:\n  - {name: provider, type: text, description: The provider}\n"
        "  - {name: weekly_cost, type: money, unit: pounds a week, description: The agreed weekly rate}\n", "utf-8")
    need = project / "content" / "2024" / "need.md"
    need.write_text(need.read_text() + '\n{{ chart("comparator_unit_costs") }}\n\n::: restricted\n'
                    '{{ table("provider_rates") }}\n:::\n')
    build(project, project / "site", jobs=1)
    public, internal = project / "site" / "2024", project / "site-internal" / "2024"
    page = (public / "need" / "index.html").read_text()
    assert "Unit costs of comparable councils" in page and "£5,120" in page
    assert "CIPFA children&#x27;s services benchmarking, March 2026" in page or \
           "CIPFA children's services benchmarking, March 2026" in page
    assert (public / "downloads" / "comparator_unit_costs.csv").read_text().splitlines() == [
        "Council,Service,Weekly cost", "Northby,Fostering,812", "Northby,Children's homes,5120"]
    for edition in (public, internal):
        [bundle] = (edition / "downloads" / "all").glob("*.zip")
        names = zipfile.ZipFile(bundle).namelist()
        assert "data/comparator_unit_costs.csv" in names
        assert ("data/provider_rates.csv" in names) == (edition == internal)
    assert "Acorn Homes" not in "".join(p.read_text(errors="ignore") for p in public.rglob("*") if p.is_file())
    assert "Acorn Homes Ltd" in (internal / "need" / "index.html").read_text()
    assert (internal / "downloads" / "provider_rates.csv").exists()
    assert not (public / "downloads" / "provider_rates.csv").exists()


def test_a_schema_with_nothing_to_describe_is_a_warning(data):
    (data / "2026" / "comparator_unit_costs.csv").unlink()
    (data / "2026" / "looked_after.yml").write_text(SCHEMA, "utf-8")
    _, problems = problems_of(data)
    assert sorted((p.code, p.file, p.severity) for p in problems) == [
        ("schema-unused", "data/2026/comparator_unit_costs.yml", "warning"),
        ("schema-unused", "data/2026/looked_after.yml", "warning")]


def test_last_years_declared_table_still_builds_empty_with_a_warning(tmp_path):
    """A new year's narrative, copied from last year's, names a declared table whose CSV is not yet added:
    the page builds, the table shows empty, and the build says which file to add."""
    from test_smallest_project import write_smallest_project

    from generator.build import build

    project = write_smallest_project(tmp_path / "project")
    (project / "authority.yml").write_text((project / "authority.yml").read_text().replace("[2024]", "[2023, 2024]"))
    earlier = project / "data" / "2023"
    earlier.mkdir()
    (earlier / "looked_after.csv").write_text("breakdown,category,children\ntotal,all,160\n")
    (earlier / "comparator_unit_costs.csv").write_text(ROWS, "utf-8")
    (project / "data" / "comparator_unit_costs.yml").write_text(SCHEMA, "utf-8")
    import shutil as copier

    copier.copytree(project / "content" / "2024", project / "content" / "2023")
    for year in ("2023", "2024"):
        need = project / "content" / year / "need.md"
        need.write_text(need.read_text() + '\n{{ table("comparator_unit_costs") }}\n\n'
                        '{{ chart("comparator_unit_costs") }}\n')
    result = build(project, project / "site", jobs=1)
    assert "£5,120" in (project / "site" / "2023" / "need" / "index.html").read_text()
    assert "£5,120" not in (project / "site" / "2024" / "need" / "index.html").read_text()
    warnings = [str(w) for w in getattr(result, "warnings", [])]
    assert any("data/2024/comparator_unit_costs.csv is missing" in w for w in warnings), warnings
