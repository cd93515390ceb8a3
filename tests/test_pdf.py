"""The PDF edition (issue 12): each year and edition has a PDF from the same pages as the website, tagged
for screen readers, with a cover, contents and page numbers; every printed page says which council,
statement and year it is; every page of the site links to it; the leak scan reads it."""
from __future__ import annotations

import base64
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


def _printed_pdf(tmp_path: Path, name: str, body: str, title: str = "Notes", header: str = "Castlebridge"):
    """A small document through the PDF edition's own renderer: (path of the written PDF, pdf.Printed)."""
    import hashlib

    from generator import pdf

    document = (f"<html lang='en'><head><title>{title}</title><style>@page {{ size: A6; @top-left {{ content: "
                f"'{header}'; }} }}</style></head><body>{pdf._chart_images(body)}</body></html>")
    data, text = pdf.render(document, str(tmp_path))
    path = tmp_path / "2026" / "downloads" / "all" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path, pdf.Printed(name, len(data), hashlib.sha256(data).hexdigest(), text)


_SQUARE = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><rect width='5' "
                           b"height='5'/></svg>").decode()
PLANTS = {  # where a withheld name can hide in a PDF: each must be caught by the build's own scan
    "body, split by inline markup and a line break": "<p style='width: 30mm'>Ask Priya Hollo<em>way</em> "
                                                     "about the fees.</p>",
    "a chart's drawn label": "<figure><span id='s'>Spend by month.</span><svg xmlns='http://www.w3.org/2000/svg' "
                             "role='img' aria-labelledby='s' viewBox='0 0 200 40' width='200' height='40'>"
                             "<text x='5' y='20'>Priya Holloway</text></svg></figure>",
    "an image's alternative text": "<p><img alt='Photo of Priya Holloway' style='width: 5mm' "
                                    f"src='data:image/svg+xml;base64,{_SQUARE}'></p>",
    "a bookmark": "<h2 style='bookmark-label: \"Priya Holloway\"'>Fees</h2><p>Text.</p>",
    "a link target": "<p><a href='mailto:priya.holloway@castlebridge.example.gov.uk'>Write to us</a></p>",
    "a named destination": "<p id='priya-holloway'>Text.</p>",
    "the metadata": ("<p>Text.</p>", "Notes by Priya Holloway"),
    "the running header": ("<p>Text.</p>", "Notes", "Priya Holloway"),
}


def test_the_build_scans_the_pdf_it_laid_out_and_catches_a_withheld_name_wherever_it_is(tmp_path, monkeypatch):
    """check_site reads the public PDF as WeasyPrint laid it out (no pypdf parse of the written file): a
    restricted name planted anywhere the PDF can carry text fails the build's check."""
    from types import SimpleNamespace

    withheld = check.Withheld()
    check.add_restricted_names(withheld, ["Priya Holloway", "priya.holloway@castlebridge.example.gov.uk"])
    monkeypatch.setattr(check, "pdf_text", lambda data: pytest.fail("the build parsed its own PDF back"))
    for number, (where, plant) in enumerate(PLANTS.items()):
        body, *rest = plant if isinstance(plant, tuple) else (plant,)
        root = tmp_path / str(number)
        _, printed = _printed_pdf(root, "statement.pdf", body, *rest)
        tree = SimpleNamespace(edition="public", year=2026, site_path="2026", withheld=withheld, frozen=False,
                               docs_dir=root / "missing" / "docs", downloads={}, pdf_printed=printed)
        problems = check.check_site(root, [tree], AUTHORITY)
        assert any(p.code == "leak" and p.file == "2026/downloads/all/statement.pdf" for p in problems), where
    _, clean = _printed_pdf(tmp_path / "clean", "statement.pdf", "<h2>Fees</h2><p>Ask the team.</p>")
    tree = SimpleNamespace(edition="public", year=2026, site_path="2026", withheld=withheld, frozen=False,
                           docs_dir=tmp_path / "missing", downloads={}, pdf_printed=clean)
    assert check.check_site(tmp_path / "clean", [tree], AUTHORITY) == []


def test_a_pdf_that_is_not_the_one_laid_out_is_read_back_with_pypdf(tmp_path):
    """The laid-out text stands for the PDF's exact bytes only: any other file there is parsed."""
    withheld = check.Withheld()
    check.add_restricted_names(withheld, ["Priya Holloway"])
    _, clean = _printed_pdf(tmp_path / "a", "statement.pdf", "<p>Ask the team.</p>")
    path, _ = _printed_pdf(tmp_path, "statement.pdf", "<p>Ask Priya Holloway.</p>")
    problems = check.leak_scan(tmp_path, withheld, "public edition", printed={clean.digest: clean.text},
                               skip=(tmp_path / "a",))
    assert [p.file for p in problems] == ["2026/downloads/all/statement.pdf"]


def test_the_laid_out_text_holds_every_word_pypdf_reads_from_the_example_pdf(example_site, tmp_path):
    """The build's scan of its PDF misses nothing a text extractor finds: the example's first chapters
    (tables, charts, running headers, cover, contents) through the PDF edition's renderer."""
    from types import SimpleNamespace

    from generator import pdf
    from generator.docs_tree import read_statement

    year = YEARS[-1]
    statement = read_statement(PROJECT_DIR / "content" / str(year))
    tree = SimpleNamespace(nav=statement["nav"][:3], release=None, site_name=f"{STATEMENT} {year - 1} to {year}",
                           year=year, edition="public", description="The statement.")
    css = (PROJECT_DIR / "theme" / pdf.STYLESHEET).read_text(encoding="utf-8")
    document = pdf.document_html(example_site / str(year), tree, AUTHORITY, AUTHORITY.site_url, css)
    assert "<svg" not in document and 'alt="' in document  # charts as images with their summary
    data, text = pdf.render(document, str(example_site / str(year)))
    laid_out = {w for segment in text for w in check.words(segment)}
    extracted = {w for segment in check.pdf_text(data) for w in check.words(segment)}
    assert len(extracted) > 500 and extracted <= laid_out, sorted(extracted - laid_out)[:20]
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: list[str] = []
    _structure_types(reader.trailer["/Root"]["/StructTreeRoot"], found)
    assert "/Figure" in found


def test_pdf_editions_and_no_pdf_choose_which_editions_get_a_pdf(tmp_path):
    """``pdf_editions: [public]`` in authority.yml: only the public edition has a PDF (and links to it);
    ``build --no-pdf`` then makes none and no page links to one; the next build without it is not served
    the PDF-less pages from the frozen-year cache."""
    from generator.build import build
    from tests.test_smallest_project import write_smallest_project

    project = write_smallest_project(tmp_path / "project")
    with (project / "authority.yml").open("a") as settings:
        settings.write("pdf_editions: [public]\n")
    site = project / "site"

    def pdfs_and_links(root: Path) -> tuple[list[str], bool]:
        pdfs = sorted({p.name for p in root.rglob("*.pdf")})
        linked = any(re.search(r'href="[^"]*statement[^"]*\.pdf"', p.read_text(encoding="utf-8"))
                     for p in root.rglob("*.html"))
        return pdfs, linked

    build(project, site, jobs=1, pdf=False)
    assert pdfs_and_links(site) == ([], False) and pdfs_and_links(internal_of(site)) == ([], False)
    build(project, site, jobs=1)
    assert pdfs_and_links(site) == (["testshire-2023-to-2024-statement.pdf"], True)
    assert pdfs_and_links(internal_of(site)) == ([], False)


def test_pdf_editions_lists_editions_only(tmp_path):
    from generator.problems import BuildError

    path = tmp_path / "authority.yml"
    path.write_text((PROJECT_DIR / "authority.yml").read_text() + "pdf_editions: [public, draft]\n")
    with pytest.raises(BuildError) as error:
        load_authority(path)
    assert "pdf_editions must list the editions" in str(error.value)
    assert AUTHORITY.pdf_editions == ("public", "internal")
