"""The peer sample SSDA903 files, through extract and build, make a site (issue 5, "Done when").

The peer council has only its 903 return: the finance and commissioning tables
are optional, so its pages show x where a figure needs them.
"""
from __future__ import annotations

import csv
import re
import shutil

import pytest
from conftest import (
    PEER_903 as PEER,  # noqa: E402
    PROJECT_DIR,
)

from generator.build import build
from generator.extract import extract_to_data

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not PEER.is_dir(), reason="../shared/peer903 is not here")]


def test_peer_sample_extract_builds_a_site(tmp_path):
    project = tmp_path / "peer"
    project.mkdir()
    for name in ("mkdocs.yml", "theme"):
        source = PROJECT_DIR / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, project / name)
    shutil.copytree(PROJECT_DIR / "tests" / "fixtures" / "peer_content", project / "content")
    settings = (PROJECT_DIR / "authority.yml").read_text()
    (project / "authority.yml").write_text(re.sub(r"statement_years: \[.*\]", "statement_years: [2022]", settings))

    report = extract_to_data(PEER, project / "data", "E06000007")
    assert "data-quality report" in str(report)
    assert sorted(p.name for p in (project / "data").iterdir()) == ["2018", "2019", "2020", "2021", "2022"]
    assert not any("CHILD" in p.read_text().splitlines()[0] for p in (project / "data").rglob("*.csv"))

    # Reference tables: the example's population (held at 2019's for 2018) and benchmarks.
    shutil.copytree(PROJECT_DIR / "data" / "reference", project / "data" / "reference")
    population = project / "data" / "reference" / "population.csv"
    rows = list(csv.reader(population.open()))
    year = rows[0].index("year")
    earlier = [[("2018" if i == year else cell) for i, cell in enumerate(r)] for r in rows[1:] if r[year] == "2019"]
    with population.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([rows[0], *earlier, *rows[1:]])

    site = tmp_path / "site"
    build(project, site)
    home = (site.with_name("site-internal") / "2022" / "index.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", home))
    # 75 children looked after at 31 March 2022, 121 a year before (each year from its own return, issue 11).
    assert "looked after 75 children, down 46 (38%) on last year" in text
    assert "Spend on placements this year: x" in text
    for page in ("sufficiency/need/index.html", "methods/index.html", "downloads/index.html"):
        assert (site / "2022" / page).is_file()
        assert (site.with_name("site-internal") / "2022" / page).is_file()
