"""The live preview (issue 14): a saved page is re-rendered on its own; other changes rebuild the
years whose inputs changed; a mistake shows in the browser and the preview recovers."""
from __future__ import annotations

import json
import re

import pytest
from conftest import copy_project

from generator.preview import State, rebuild

pytestmark = pytest.mark.slow

#: A navigation entry MkDocs could not title ("None"): what a dirty build shows for a page it did not read.
UNTITLED = re.compile(r">\s*None\s*<")


def test_a_saved_page_is_rerendered_alone_and_a_data_edit_rebuilds_the_year(tmp_path):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "preview"
    state = State()
    rebuild(project, site, state, [2026])
    assert state.error is None
    page = project / "content" / "2026" / "sufficiency" / "index.md"
    other = site / "2026" / "sufficiency" / "need" / "index.html"
    other_before = other.stat().st_mtime_ns

    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence saved in the preview.\n", encoding="utf-8")
    rebuild(project, site, state, [2026], changed=(str(page),))
    assert state.error is None
    saved = (site / "2026" / "sufficiency" / "index.html").read_text("utf-8")
    assert "A sentence saved in the preview." in saved
    # the preview writes no PDF edition, so no page links to one
    assert not [p for p in site.rglob("*.html") if ".pdf" in p.read_text("utf-8")]
    assert other.stat().st_mtime_ns == other_before  # only the saved page was rendered again
    assert not UNTITLED.search(saved)  # the pages not rendered again keep their titles in its navigation
    search = json.loads((site / "2026" / "search" / "search_index.json").read_text("utf-8"))["docs"]
    assert any(d["location"].startswith("glossary/") for d in search)  # search still finds the other pages
    assert any("A sentence saved in the preview." in d["text"] for d in search)

    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n{{ looked_after.totl }}\n", encoding="utf-8")
    rebuild(project, site, state, [2026], changed=(str(page),))
    assert "content/2026/sufficiency/index.md" in state.error and "looked_after.total" in state.error
    page.write_text(text, encoding="utf-8")
    rebuild(project, site, state, [2026], changed=(str(page),))
    assert state.error is None

    fostering = site / "2026" / "sufficiency" / "fostering" / "index.html"
    fostering_before = fostering.read_text("utf-8")
    glossary = site / "2026" / "glossary" / "index.html"
    glossary_before = glossary.stat().st_mtime_ns
    data = project / "data" / "2026" / "fostering_capacity.csv"
    rows = data.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    column = header.index("households")
    cells = rows[1].split(",")
    cells[column] = str(int(cells[column]) + 1000)
    rows[1] = ",".join(cells)
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rebuild(project, site, state, [2026], changed=(str(data),))
    assert state.error is None
    # Only the data changed: every page is rendered again, and MkDocs rebuilds the pages whose text changed.
    after = fostering.read_text("utf-8")
    assert after != fostering_before and not UNTITLED.search(after)
    # its charts' drawings put back after the dirty build's Markdown (raw_html.py), none left set aside
    assert after.count("chart-svg--wide") == after.count('<figure class="chart-figure"') > 0
    assert "x-aside" not in after.lower()
    assert glossary.stat().st_mtime_ns == glossary_before
