"""Release metadata (issue 12): every page says when the statement was published, last updated and is
next due; an update to a published year shows with its date and reason, on the page it touched and on
the year's updates list, and the year keeps its address."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from generator.build import build
from generator.problems import BuildError
from generator.release import read_release
from tests.test_smallest_project import text_of, write_smallest_project

AMENDMENTS = """\
- date: 2024-11-05
  change: Corrected the heading of the need page.
  reason: It named the wrong year.
  pages: [need.md]
- date: 2024-12-01
  change: Added a contact address to every page.
  reason: Readers asked where to send questions.
"""


@pytest.fixture(scope="module")
def amended_site(tmp_path_factory) -> Path:
    project = write_smallest_project(tmp_path_factory.mktemp("amended"))
    statement = project / "content" / "2024" / "statement.yml"
    statement.write_text(statement.read_text().replace("published: 2024-10-01\n",
                                                       "published: 2024-10-01\nnext_update: October 2025\n"))
    (project / "content" / "2024" / "amendments.yml").write_text(AMENDMENTS)
    build(project, project / "site", jobs=1)
    return project / "site"


def test_every_page_says_published_last_updated_and_next_update(amended_site):
    for page in ("index.html", "need/index.html", "methods/index.html", "downloads/index.html"):
        text = text_of(amended_site / "2024" / page)
        assert "Published 1 October 2024" in text, page
        assert "Next update October 2025" in text, page
    # This page's last update: the one that touched it, or the one that touched the whole statement.
    assert "Last updated 1 December 2024" in text_of(amended_site / "2024" / "need" / "index.html")


def test_an_update_shows_on_the_page_it_touched_with_its_date_and_reason(amended_site):
    need = text_of(amended_site / "2024" / "need" / "index.html")
    assert ("Updates to this page 1 December 2024 : Added a contact address to every page. "
            "Why: Readers asked where to send questions. "
            "5 November 2024 : Corrected the heading of the need page. Why: It named the wrong year.") in need


def test_the_year_lists_its_updates_newest_first_and_keeps_its_address(amended_site):
    updates = text_of(amended_site / "2024" / "updates" / "index.html")
    assert "Published 1 October 2024 Last updated 1 December 2024 Next update October 2025" in updates
    first, second = updates.index("1 December 2024 Added a contact"), updates.index("5 November 2024 Corrected")
    assert first < second
    assert "It named the wrong year." in updates
    versions = json.loads((amended_site / "versions.json").read_text())
    assert [v["version"] for v in versions] == ["2024"]  # amended in place: no new address


def test_the_internal_edition_shows_the_same_updates(amended_site):
    internal = amended_site.with_name("site-internal") / "2024" / "need" / "index.html"
    assert "Why: It named the wrong year." in text_of(internal)


def _release(tmp_path: Path, amendments: str, statement: dict | None = None):
    (tmp_path / "amendments.yml").write_text(amendments)
    return read_release(tmp_path, statement or {"published": date(2024, 10, 1)}, 2024, ["index.md", "need.md"])


def test_a_broken_update_names_the_file_line_and_what_is_missing(tmp_path):
    with pytest.raises(BuildError) as caught:
        _release(tmp_path, "- date: 2024-11-05\n  change: Fixed a figure.\n"
                           "- date: 35 Nov 2024\n  change: x\n  reason: y\n"
                           "- date: 2024-09-01\n  change: Early.\n  reason: Before publication.\n  pages: [nope.md]\n")
    messages = [str(p) for p in caught.value.problems]
    assert any("line 1" in m and "update 1 must say why it changed ('reason')" in m for m in messages), messages
    assert any("line 3" in m and "'date' is not a date" in m for m in messages), messages
    assert any("line 6" in m and "names a page the statement does not have" in m and "nope.md" in m
               for m in messages), messages
    assert any("line 6" in m and "dated before the statement was published (2024-10-01)" in m for m in messages)
    assert all(f"{tmp_path.name}/amendments.yml" in m for m in messages)


def test_no_amendments_file_means_no_updates_and_the_publication_date_is_the_last_update(tmp_path):
    release = read_release(tmp_path, {"published": "2024-10-01", "next_update": date(2025, 10, 8)}, 2024, [])
    assert release.amendments == [] and release.last_updated == date(2024, 10, 1)
    assert release.next_update == "8 October 2025"


def test_the_example_shows_an_update_to_its_2025_statement():
    text = (Path(__file__).resolve().parents[1] / "content" / "2025" / "amendments.yml").read_text()
    assert re.search(r"^- date: 2025-\d\d-\d\d$", text, re.M) and "reason:" in text
