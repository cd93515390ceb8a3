"""The PDF edition (issue 12): each year and edition has a PDF from the same pages as the website, tagged
for screen readers, with a cover, contents and page numbers; every printed page says which council,
statement and year it is; every page of the site links to it; the leak scan reads it."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from generator import check
from generator.config import load_authority
from tests.conftest import PROJECT_DIR, internal_of

pypdf = pytest.importorskip("pypdf", reason="the PDF edition needs the locked dependencies: ./run test installs them")
pytest.importorskip("weasyprint", reason="the PDF edition needs the locked dependencies: ./run test installs them")

AUTHORITY = load_authority(PROJECT_DIR / "authority.yml")
YEARS = list(AUTHORITY.statement_years)
STATEMENT = "Castlebridge sufficiency and market position statement"


def _pdf(site: Path, year: int, internal: bool = False) -> Path:
    suffix = "-internal-not-for-publication" if internal else ""
    return site / str(year) / "downloads" / "all" / f"castlebridge-{year - 1}-to-{year}-statement{suffix}.pdf"


def _structure_types(node, found: list[str]) -> None:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _structure_types(child, found)
    elif isinstance(node, dict):
        if "/S" in node:
            found.append(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], found)


def _texts(path: Path) -> tuple[object, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return reader, [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


@pytest.mark.parametrize("internal", [False, True], ids=["public", "internal"])
def test_each_year_and_edition_has_a_pdf_whose_every_page_names_council_statement_and_year(example_site, internal):
    root = internal_of(example_site) if internal else example_site
    for year in YEARS:
        reader, pages = _texts(_pdf(root, year, internal))
        assert len(pages) > 20, year
        label = f"{STATEMENT} {year - 1} to {year}"
        for number, text in enumerate(pages, start=1):
            assert AUTHORITY.name in text and label in text, (year, number, text[:200])
            assert f"Page {number} of {len(pages)}" in text, (year, number)
        cover, contents = pages[0], pages[1]
        edition = "Internal edition: not for publication" if internal else "Public edition:"
        assert edition in cover and "Published:" in cover and "Next update:" in cover
        assert contents.startswith("Contents") and "Methods" in contents and "Data downloads" in contents
        # The text of the pages is there to be read: a chapter heading and a figure's summary.
        everything = " ".join(pages)
        assert "Homes for children in our care" in everything and "Source: the council's SSDA903 return" in everything
        if not internal:
            assert "Internal edition: not for publication" not in everything
        assert reader.metadata.title.startswith(STATEMENT) and reader.metadata.author == AUTHORITY.name


def test_the_pdf_is_tagged_with_headings_tables_and_its_language(example_site):
    reader, pages = _texts(_pdf(example_site, YEARS[-1]))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "en"
    found: list[str] = []
    _structure_types(root["/StructTreeRoot"], found)
    chapters = sum(1 for text in pages if text)  # at least one H1 a chapter, plus the cover's and the contents'
    assert found.count("/H1") >= 20 and found.count("/H2") > 50 and "/H3" in found, sorted(set(found))
    assert {"/Table", "/TH", "/TD", "/L", "/LI", "/P"} <= set(found)
    assert chapters > 20
    assert len(reader.outline) > 20  # bookmarks: one a chapter


def test_every_page_of_the_site_links_to_its_pdf(example_site):
    year = YEARS[-1]
    pdf = _pdf(example_site, year)
    for page in sorted((example_site / str(year)).rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        if "Page not found" in html[:3000]:
            continue
        links = re.findall(r'href="([^"]*statement\.pdf)"', html)
        assert links, page
        assert all((page.parent / link).resolve() == pdf.resolve() for link in links), (page, links)


def test_the_leak_scan_reads_a_pdf_and_refuses_one_it_cannot_read(tmp_path):
    from weasyprint import HTML

    withheld = check.Withheld()
    check.add_restricted_names(withheld, ["Priya Holloway"])
    HTML(string="<html lang='en'><title>Notes</title><p>Call Priya Holloway about fees.</p></html>").write_pdf(
        tmp_path / "leaky.pdf", pdf_tags=True)
    HTML(string="<html lang='en'><title>Notes</title><p>Nothing to see.</p></html>").write_pdf(tmp_path / "clean.pdf")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    problems = {p.file: p.message for p in check.leak_scan(tmp_path, withheld, "public edition")}
    assert "named person 'Priya Holloway'" in problems["leaky.pdf"]
    assert "unreadable archive" in problems["broken.pdf"]
    assert "clean.pdf" not in problems
