"""Downloads like Explore Education Statistics (issue 12): a ZIP of all of a year's data with a metadata
file per edition, linked from the downloads page; every chart and table names its source; the ZIP is the
same bytes for the same inputs; the public ZIP holds only public files, and the leak scan reads inside it."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from generator import check
from generator.catalogue import all_outputs
from generator.downloads import source_text, zip_bytes
from tests.conftest import internal_of

YEAR = 2026
ZIP = f"castlebridge-{YEAR - 1}-to-{YEAR}-all-data.zip"
INTERNAL_ZIP = f"castlebridge-{YEAR - 1}-to-{YEAR}-all-data-internal-not-for-publication.zip"


def _archive(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def test_the_year_zip_holds_every_csv_of_the_edition_and_the_metadata_file(example_site):
    downloads = example_site / str(YEAR) / "downloads"
    csvs = sorted(p.name for p in downloads.glob("*.csv"))
    archive = _archive(downloads / "all" / ZIP)
    names = archive.namelist()
    assert sorted(n.removeprefix("data/") for n in names if n.startswith("data/")) == csvs
    assert {"metadata.csv", "data-guidance.txt"} <= set(names)
    for name in csvs:  # the same bytes as the files on the site
        assert archive.read(f"data/{name}") == (downloads / name).read_bytes(), name
    assert archive.read("metadata.csv") == (downloads / "all" / "metadata.csv").read_bytes()
    assert names == sorted(names) and {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_metadata_file_describes_every_column_with_unit_symbols_and_source(example_site):
    downloads = example_site / str(YEAR) / "downloads"
    rows = list(csv.DictReader(io.StringIO((downloads / "all" / "metadata.csv").read_text())))
    described = {(r["file"], r["column"]) for r in rows}
    for path in downloads.glob("*.csv"):
        header = next(csv.reader(io.StringIO(path.read_text())))
        assert {(path.name, column) for column in header} <= described, path.name
    looked_after = [r for r in rows if r["file"] == "looked_after_trend.csv"]
    assert [(r["column"], r["unit"]) for r in looked_after] == [("Year", "year ending 31 March"),
                                                                  ("Children looked after", "count")]
    assert all(r["source"].startswith("the council's SSDA903 return") for r in looked_after)
    assert any("c" in r["symbols used"].split() for r in rows)  # withheld figures are declared


def test_the_public_zip_leaves_out_what_the_internal_one_keeps(example_site):
    public = set(_archive(example_site / str(YEAR) / "downloads" / "all" / ZIP).namelist())
    internal = set(_archive(internal_of(example_site) / str(YEAR) / "downloads" / "all" / INTERNAL_ZIP).namelist())
    assert "data/spend_with_providers.csv" in internal and "data/spend_with_providers.csv" not in public
    assert public - {"data-guidance.txt", "metadata.csv"} < internal


def test_the_downloads_page_links_the_zip_and_the_metadata_file(example_site):
    page = (example_site / str(YEAR) / "downloads" / "index.html").read_text()
    assert f'href="all/{ZIP}"' in page and 'href="all/metadata.csv"' in page
    assert re.search(r"All the data: \d+ CSV files, the metadata file and the data guidance \(ZIP, \d+ KB\)", page)


def test_every_chart_and_table_on_every_page_names_its_source(example_site):
    for page in sorted((example_site / str(YEAR)).rglob("index.html")):
        html = page.read_text()
        figures = re.findall(r'<figure class="chart-figure".*?</figure>|<div class="figure-block".*?</div>\s*</div>',
                             html, re.S)
        for figure in figures:
            assert re.search(r'<p class="figure-source">Source: [^<]+\.</p>', figure), (page, figure[:120])
    for name, output in all_outputs().items():
        assert source_text(output).startswith("Source: "), name


def test_the_source_line_names_the_contract_tables_and_where_they_come_from():
    output = all_outputs()["looked_after_rate_trend"]
    assert source_text(output) == (
        "Source: the council's SSDA903 return to the Department for Education (Children looked after at 31 March); "
        "Office for National Statistics mid-year population estimates (Children's population); Department for "
        "Education, Children looked after in England including adoptions (England and statistical neighbour "
        "benchmarks).")


def test_the_zip_is_the_same_bytes_for_the_same_files_whatever_their_order():
    files = {"b.csv": b"x\n1\n", "a.csv": b"y\n2\n", "metadata.csv": b"file\n"}
    first = zip_bytes(files)
    assert first == zip_bytes(dict(reversed(list(files.items()))))
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["a.csv", "b.csv", "metadata.csv"]
    assert zip_bytes({**files, "a.csv": b"y\n3\n"}) != first


def test_the_leak_scan_reads_inside_zips_and_refuses_one_it_cannot_read(tmp_path):
    withheld = check.Withheld()
    check.add_restricted_names(withheld, ["Priya Holloway"])
    inner = zip_bytes({"notes.csv": b"lead\nPriya Holloway\n"})
    (tmp_path / "data.zip").write_bytes(zip_bytes({"data/a.csv": b"a\n1\n", "nested.zip": inner}))
    (tmp_path / "clean.zip").write_bytes(zip_bytes({"data/a.csv": b"a\n1\n"}))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    problems = {p.file: p.message for p in check.leak_scan(tmp_path, withheld, "public edition")}
    assert "named person 'Priya Holloway'" in problems["data.zip"]
    assert "unreadable archive" in problems["broken.zip"]
    assert "clean.zip" not in problems
