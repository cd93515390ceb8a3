"""Search across years, readers' pages first (issue 12): each year's search also finds the readers' pages
of every earlier year (never a later one: adding a year changes no published one), each saying its year;
technical pages rank below the narrative; the data contract is for analysts, not in the readers' menu."""
from __future__ import annotations

import json
import re

from tests.conftest import internal_of


def _index(site, year):
    return json.loads((site / str(year) / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_each_year_searches_its_own_and_earlier_years_readers_pages(example_site):
    latest = _index(example_site, 2026)
    earlier = [d for d in latest if d["location"].startswith("../")]
    assert {d["location"].split("/")[1] for d in earlier} == {"2024", "2025"}
    for doc in earlier:
        year = int(doc["location"].split("/")[1])
        assert doc["title"].endswith(f"({year - 1} to {year})"), doc["title"]
        assert doc["boost"] < 1
        assert not re.match(r"\.\./\d{4}/(methods|downloads|updates|data-contract)/", doc["location"]), doc
    assert not any(d["location"].startswith("../") for d in _index(example_site, 2024))  # the first year
    assert not any(d["location"].startswith("../2026/") for d in _index(example_site, 2025))
    assert _index(example_site, 2026) == json.loads(
        (example_site / "latest" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    # The internal edition searches its own folder's years, never the public one's (and vice versa).
    internal = _index(internal_of(example_site), 2026)
    assert any(d["location"].startswith("../2025/") for d in internal)


def test_technical_pages_rank_below_the_narrative_and_the_contract_is_not_in_the_menu(example_site):
    docs = _index(example_site, 2026)
    boost = {d["location"].split("#")[0]: d.get("boost", 1) for d in docs if not d["location"].startswith("../")}
    assert boost["data-contract/"] < boost["methods/"] < boost["sufficiency/need/"] == 1
    assert boost["downloads/"] < 1
    page = (example_site / "2026" / "sufficiency" / "need" / "index.html").read_text(encoding="utf-8")
    menu = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', page, re.S).group(0)
    assert 'href="../../data-contract/"' not in menu and 'href="../../methods/"' in menu
    downloads = (example_site / "2026" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"For analysts.*?<a href=\"../data-contract/\">data contract</a>", downloads, re.S)


def test_charts_are_in_their_pages_and_searched_by_their_words_not_their_drawings(example_site):
    """Each chart keeps both its drawings in the page (set aside from Markdown and put back: no token left),
    and the search index holds its title, summary and data table, not the drawings' tick labels and figures
    (issue 14: they repeated the table as a run of digits)."""
    docs = [d for d in _index(example_site, 2026) if not d["location"].startswith("../")]
    charts = 0
    for page in sorted((example_site / "2026").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "x-aside" not in text.lower(), page
        figures = text.count('<figure class="chart-figure"')
        assert text.count("chart-svg--wide") == text.count("chart-svg--narrow") == figures, page
        if not figures:
            continue
        charts += figures
        location = page.parent.relative_to(example_site / "2026").as_posix() + "/"
        searched = " ".join(d["text"] for d in docs if d["location"].split("#")[0] == location.removeprefix("./"))
        assert searched.count("(data table)") >= figures, page
        for drawing in re.findall(r"<svg\b.*?</svg>", text, re.S):
            drawn = "".join(re.findall(r"<text\b[^>]*>([^<]*)</text>", drawing))
            assert len(drawn) < 12 or drawn not in searched, (page, drawn)
    assert charts >= 30
