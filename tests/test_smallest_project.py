"""The smallest project builds (issue 10, "Done when"): authority.yml, one year's total in data/ and a
one-page narrative, nothing else (no mkdocs.yml, no theme, no reference tables). Every figure the
council did not supply reads x, the page says what x means, and a page with no figure at all says so."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import text_of

from generator.build import build

AUTHORITY = """\
name: Testshire County Council
short_name: Testshire
la_code: E10000000
statistical_neighbours: ten similar county councils
statement_years: [2024]
"""
STATEMENT = """\
title: Testshire sufficiency statement
published: 2024-10-01
nav:
  - Home: index.md
  - Need: need.md
"""
HOME = """\
# Testshire

At 31 March {{ year }} we looked after {{ looked_after.total }} children ({{ looked_after.change }}),
a rate of {{ looked_after.rate }} per 10,000 children. Aged 10 to 15: {{ looked_after.age_band.age_10_to_15.children }}.
"""
NEED = """\
# Need

We spent {{ spend.total }} on placements; {{ stability.short_term.percent }} of children moved three times or more.

{{ chart("looked_after_by_age") }}
"""


def write_smallest_project(root: Path) -> Path:
    (root / "data" / "2024").mkdir(parents=True)
    (root / "content" / "2024").mkdir(parents=True)
    (root / "authority.yml").write_text(AUTHORITY)
    (root / "data" / "2024" / "looked_after.csv").write_text("breakdown,category,children\ntotal,all,168\n")
    (root / "content" / "2024" / "statement.yml").write_text(STATEMENT)
    (root / "content" / "2024" / "index.md").write_text(HOME)
    (root / "content" / "2024" / "need.md").write_text(NEED)
    return root


@pytest.fixture(scope="module")
def smallest_site(tmp_path_factory) -> Path:
    project = write_smallest_project(tmp_path_factory.mktemp("smallest"))
    build(project, project / "site", jobs=1)
    return project / "site"


def test_the_total_shows_and_every_figure_not_supplied_is_x_with_the_symbol_explained(smallest_site):
    home = text_of(smallest_site / "2024" / "index.html")
    assert "we looked after 168 children (x), a rate of x per 10,000 children. Aged 10 to 15: x." in home
    assert "Symbols on this page: x not available: the figure was not supplied" in home
    assert " 0 " not in home  # nothing not supplied reads as a zero


def test_a_page_whose_figures_are_all_missing_says_so(smallest_site):
    need = text_of(smallest_site / "2024" / "need" / "index.html")
    # The release line, and the PDF link where the PDF edition is built (WeasyPrint installed), come first.
    need = need.replace("Download the whole statement (PDF) ", "")
    assert need.startswith("Need ¶ Published 1 October 2024 Last updated 1 October 2024 "
                           "None of the figures on this page are available yet.")
    assert "We spent x on placements; x of children moved three times or more." in need
    assert "No figures are available for this chart." in need


def test_both_editions_and_the_downloads_are_built(smallest_site):
    for edition_root in (smallest_site, smallest_site.with_name("site-internal")):  # public, internal
        assert (edition_root / "2024" / "need" / "index.html").is_file()
    rows = list(csv.reader(io.StringIO((smallest_site / "2024" / "downloads" / "looked_after_trend.csv").read_text())))
    assert rows == [["Year", "Children looked after"], ["2024", "168"]]


@pytest.fixture(scope="module")
def next_steps_site(tmp_path_factory) -> Path:
    """The guide's next steps on the smallest project (docs/analysts.md): a placements table typed wide with
    the council's own age bands (placements only, no weeks of care), and ethnicity given only as percentages."""
    project = write_smallest_project(tmp_path_factory.mktemp("next_steps"))
    with (project / "authority.yml").open("a") as f:
        f.write("categories:\n  age_band:\n    age_0_to_4: {label: 0-4 years, dfe: [under_1, age_1_to_4]}\n"
                "    age_10_to_13: {label: 10-13 years, dfe: age_10_to_15}\n"
                "    age_14_to_17: {label: 14-17 years, dfe: [age_10_to_15, age_16_and_over]}\n")
    data = project / "data" / "2024"
    (data / "looked_after.csv").write_text(
        "breakdown,category,children,percent\ntotal,all,168,\nethnicity,White,,71%\nethnicity,Mixed,,10.7%\n"
        "age_band,10-13 years,50,\nage_band,0-4 years,30,\nage_band,5-9 years,40,\nage_band,14-17 years,48,\n")
    (data / "placements_by_type_and_age.csv").write_text(
        ",0-4 years,10-13 years,5-9 years,Totals\nChildren's homes,7,8,9,24\nTotal,,,,24\n")
    (data / "placements_by_type_and_age.yml").write_text("wide:\n  across: age_band\n  cells: placements\n")
    (project / "content" / "2024" / "index.md").write_text(
        "Of mixed ethnicity: {{ looked_after.ethnicity.mixed.share }}.\n\n"
        "{{ table(\"placements_by_type_and_age\") }}\n\n{{ chart(\"looked_after_by_age\") }}\n")
    build(project, project / "site", jobs=1)
    return project / "site"


def test_a_table_of_placements_without_weeks_of_care_builds(next_steps_site):
    home = text_of(next_steps_site / "2024" / "index.html")
    assert "Children's homes 0-4 years 7 x x Children's homes 5 to 9 9 x x Children's homes 10-13 years 8 x x" in home
    weeks = (next_steps_site / "2024" / "downloads" / "weeks_of_care_by_type_and_age.csv").read_text()
    assert weeks.splitlines()[0] == "Placement type,Age band,Weeks of care"


def test_a_published_percentage_keeps_its_decimals(next_steps_site):
    assert "Of mixed ethnicity: 10.7%." in text_of(next_steps_site / "2024" / "index.html")


def test_children_by_the_councils_own_age_bands_are_drawn_once_each_in_age_order(next_steps_site):
    rows = list(csv.reader(io.StringIO((next_steps_site / "2024" / "downloads" / "looked_after_by_age.csv")
                                       .read_text())))
    # 10 to 15 is not drawn beside 10-13 years (it would count those 50 twice, and cannot be worked out).
    assert rows == [["Age band", "Year", "Children"], ["0-4 years", "2024", "30"], ["5 to 9", "2024", "40"],
                    ["10-13 years", "2024", "50"], ["14-17 years", "2024", "48"]]


def test_a_statement_without_a_publication_date_says_which_date_the_site_shows(tmp_path):
    project = write_smallest_project(tmp_path / "project")
    statement = project / "content" / "2024" / "statement.yml"
    statement.write_text(STATEMENT.replace("published: 2024-10-01\n", ""))
    report = build(project, project / "site", jobs=1, pdf=False)
    missing = [p for p in report.warnings if p.code == "published-date-missing"]
    assert [str(p) for p in missing] == [
        "content/2024/statement.yml, column 'published': no publication date: every page says 'Published "
        "30 September 2024' (30 September of the statement's year). Hint: add the day the statement is "
        "published, e.g. published: 2026-10-14"]
    assert "30 September 2024" in (project / "site" / "2024" / "index.html").read_text(encoding="utf-8")
