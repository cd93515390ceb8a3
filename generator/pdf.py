"""The PDF edition: each year and edition as one printed document, from the same pages as the website.

Councils publish their statements as PDFs, and readers print them. Once MkDocs has built a year's
pages, ``write_pdf`` reads each page of the nav, in order, from the built site (the very HTML a
reader sees: the same figures, the same redaction), and lays them out as one document with
WeasyPrint: a cover (council, statement, year, edition, dates), a contents list with page numbers,
then one chapter a page. Every printed page carries the council, the statement, the year and the
edition in its header, and its number in the footer ("Page 3 of 84").

Why WeasyPrint rather than Chromium's print: it is a Python library (with the system's Pango, which
Debian and GitHub's runners have), so ``./run build`` needs no browser; it writes a tagged PDF
(``pdf_tags``: headings, lists, tables and the reading order are in the structure tree, so a screen
reader can navigate it) with the document's language and title; and its output has no creation date
and a fixed identifier, so the same pages give the same bytes. Chromium would make the build depend on
a 300 MB browser that only the tests need today.

Links between pages become links inside the document; links to files (CSV downloads) and to other
years point at the website (``site_url``), or are left as plain text when the edition has no address.

Charts go in as images (``<img>`` with the chart's SVG as a data address, its summary as the alternative
text), not as inline SVG: WeasyPrint draws an inline SVG as an image anyway, but would first compute
CSS styles for each of its thousands of elements as if they were HTML (about 7% of a PDF's CPU);
and a tagged figure needs the alternative text an inline SVG without ``<title>`` does not give it.

The leak scan (check.py) reads the public PDF as WeasyPrint laid it out (``printed_text``) rather than
parsing the written file back with pypdf (about 7 s CPU a PDF, as much as the layout itself): the text
of every line box on every page (running headers and page numbers too), the text of every image drawn
(an SVG chart's labels) and its alternative text, the document's metadata, its bookmarks, link targets
and named destinations: everything the PDF can show a reader or a text extractor. That text is tied to
the PDF's exact bytes (``Printed.digest``): a file that is not those bytes is read with pypdf.
"""
from __future__ import annotations

import hashlib
import html
import posixpath
import re
from base64 import b64encode
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from .release import long_date

#: The stylesheet of the printed document (beside the theme: it is part of what a year's build hashes).
STYLESHEET = "pdf.css"

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_TAB_INPUT = re.compile(r'<input[^>]*type="radio"[^>]*>')
_TAB_LABELS = re.compile(r'<div class="tabbed-labels">.*?</div>', re.S)
_NARROW_SVG = re.compile(r'<svg[^>]*class="[^"]*chart-svg--narrow[^"]*".*?</svg>', re.S)
_ID_ATTR = re.compile(r'\b(id|for)="([^"]*)"')
_REF_ATTR = re.compile(r'\b(aria-labelledby|aria-describedby)="([^"]*)"')
_HREF = re.compile(r'<a\b([^>]*?)\bhref="([^"]*)"([^>]*)>(.*?)</a>', re.S)
_DOWNLOAD_PARAGRAPH = re.compile(r'<p class="figure-download">.*?</p>', re.S)
_SVG = re.compile(r'<svg\b([^>]*)>.*?</svg>', re.S)
_LABELLEDBY = re.compile(r'\baria-labelledby="([^"]*)"')
_CLASS = re.compile(r'\bclass="([^"]*)"')


#: What the PDF edition needs: WeasyPrint writes it, pypdf lets the leak scan read it back.
LIBRARIES = ("weasyprint", "pypdf")


def missing_libraries() -> list[str]:
    """The libraries the PDF edition needs that are not installed (``./run`` installs the locked ones)."""
    import importlib.util

    return [name for name in LIBRARIES if importlib.util.find_spec(name) is None]


def pdf_name(authority, year: int, edition: str) -> str:
    """``castlebridge-2025-to-2026-statement.pdf``; the internal edition's says so in its name."""
    from .downloads import zip_name

    return zip_name(authority, year, edition).replace("-all-data", "-statement").removesuffix(".zip") + ".pdf"


def page_url(source: str) -> str:
    """A nav page's address inside its year: ``sufficiency/need.md`` -> ``sufficiency/need/``."""
    stem = source.removesuffix(".md")
    if stem == "index":
        return ""
    return (stem.removesuffix("/index") if stem.endswith("/index") else stem) + "/"


def _chapter_html(article: str, number: int, url: str, index: dict[str, int], site_url: str) -> str:
    """One page's article as a chapter: ids made unique in the document, links pointed inside it."""
    prefix = f"p{number}-"
    body = _HEADERLINK.sub("", article)
    body = _TAB_INPUT.sub("", _TAB_LABELS.sub("", body))
    body = _NARROW_SVG.sub("", body)
    body = _chart_images(body)
    if not site_url:
        body = _DOWNLOAD_PARAGRAPH.sub("", body)
    body = _ID_ATTR.sub(lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"', body)
    body = _REF_ATTR.sub(lambda m: f'{m.group(1)}="' + " ".join(prefix + r for r in m.group(2).split()) + '"',
                         body)

    def link(match: re.Match) -> str:
        before, href, after, text = match.groups()
        href = html.unescape(href)
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):  # mailto:, https: ...
            return match.group(0)
        path, _, fragment = href.partition("#")
        if not path:
            target = f"#{prefix}{fragment}" if fragment else f"#p{number}"
        else:
            resolved = posixpath.normpath(posixpath.join(url or ".", path))
            resolved = "" if resolved == "." else resolved.rstrip("/") + ("/" if path.endswith("/") else "")
            if resolved in index:
                chapter = index[resolved]
                target = f"#p{chapter}-{fragment}" if fragment else f"#p{chapter}"
            elif site_url:
                target = urljoin(site_url + url, href)  # a download, another year: on the website
            else:
                return f"<span{before}{after}>{text}</span>".replace(" download", "")
        return f'<a{before}href="{html.escape(target)}"{after}>{text}</a>'

    body = _HREF.sub(link, body)
    return f'<section class="chapter" id="p{number}">\n{body}\n</section>'


def _chart_images(body: str) -> str:
    """Each inline chart SVG as an ``<img>`` of the same SVG (a data address): the same drawing, the
    chart's summary (what ``aria-labelledby`` names) as its alternative text."""

    def image(match: re.Match) -> str:
        attributes = match.group(1)
        alt = ""
        if labelled := _LABELLEDBY.search(attributes):
            for ref in labelled.group(1).split():
                summary = re.search(rf'<([a-z0-9]+)\b[^>]*\bid="{re.escape(ref)}"[^>]*>(.*?)</\1>', body, re.S)
                if summary:
                    alt += " " + re.sub(r"<[^>]+>", "", summary.group(2))
        alt = html.escape(" ".join(html.unescape(alt).split()))
        classes = _CLASS.search(attributes)
        source = b64encode(match.group(0).encode("utf-8")).decode("ascii")
        return (f'<img class="{classes.group(1) if classes else "chart-svg"}" alt="{alt}" '
                f'src="data:image/svg+xml;base64,{source}">')

    return _SVG.sub(image, body)


def document_html(site_dir: Path, tree, authority, site_url: str, css: str) -> str:
    """The whole statement as one HTML document for printing."""
    from .docs_tree import nav_pages
    from .redact import EDITION_NAMES, PUBLIC

    sources = nav_pages(tree.nav)
    urls = [page_url(s) for s in sources]
    index = {url: number for number, url in enumerate(urls, start=1)}
    chapters, contents = [], []
    for number, (source, url) in enumerate(zip(sources, urls), start=1):
        page = site_dir / url / "index.html"
        match = _ARTICLE.search(page.read_text(encoding="utf-8"))
        if match is None:
            continue
        article = match.group(1)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S)
        title = re.sub(r"<[^>]+>", "", _HEADERLINK.sub("", heading.group(1))).strip() if heading else source
        contents.append(f'<li><a href="#p{number}">{title}</a></li>')
        chapters.append(_chapter_html(article, number, url, index, site_url))
    release = tree.release
    statement = tree.site_name.removesuffix(" (internal edition: not for publication)")
    statement = statement.removesuffix(f" {tree.year - 1} to {tree.year}")
    year_label = f"{tree.year - 1} to {tree.year}"
    edition = EDITION_NAMES[tree.edition][0].upper() + EDITION_NAMES[tree.edition][1:]
    edition_note = ("Public edition: commercially sensitive information has been removed." if tree.edition == PUBLIC
                    else "Internal edition: not for publication. It keeps commercially sensitive information "
                         "that the public edition removes: share it only inside the council.")
    dates = []
    if release is not None:
        dates += [f"<div><dt>Published</dt><dd>{long_date(release.published)}</dd></div>",
                  f"<div><dt>Last updated</dt><dd>{long_date(release.last_updated)}</dd></div>"]
        if release.next_update:
            dates.append(f"<div><dt>Next update</dt><dd>{html.escape(release.next_update)}</dd></div>")
    web = (f'<p class="cover-web">Read it online, with every figure as a download: '
           f'<a href="{html.escape(site_url)}">{html.escape(site_url)}</a></p>' if site_url else "")
    running = html.escape(f"{authority.name} · {statement} {year_label}")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(tree.site_name)}</title>
<meta name="author" content="{html.escape(authority.name)}">
<meta name="description" content="{html.escape(tree.description)}">
<style>
{css}
@page {{ @top-left {{ content: "{_css_string(running)}"; }} @bottom-left {{ content: "{_css_string(edition)}"; }} }}
</style>
</head>
<body class="edition-{tree.edition}">
<section class="cover">
<p class="cover-council">{html.escape(authority.name)}</p>
<h1 class="cover-title">{html.escape(statement)}</h1>
<p class="cover-year">{year_label}</p>
<p class="cover-edition">{html.escape(edition_note)}</p>
<dl class="cover-dates">{"".join(dates)}</dl>
{web}
</section>
<nav class="contents" aria-labelledby="contents-title">
<h1 id="contents-title">Contents</h1>
<ol>
{chr(10).join(contents)}
</ol>
</nav>
{chr(10).join(chapters)}
</body>
</html>
"""


def _css_string(text: str) -> str:
    return html.unescape(text).replace("\\", "\\\\").replace('"', '\\"')


@dataclass
class Printed:
    """A PDF as it was written: its file name, size, the SHA-256 of its bytes, and (``printed_text``)
    the text WeasyPrint laid out in it, as the leak scan's segments."""

    name: str
    size: int
    digest: str
    text: list[str] = field(default_factory=list)


def render(document: str, base_url: str) -> tuple[bytes, list[str]]:
    """The PDF of an HTML document (tagged, no dates, a fixed identifier) and the text laid out in it."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # warnings about unsupported CSS: not ours to fix
    identifier = hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode()
    laid_out = HTML(string=document, base_url=base_url).render(pdf_tags=True)
    text = printed_text(laid_out)

    def info(_, written) -> None:  # the document information dictionary as written (Producer too)
        text[:0] = [str(getattr(value, "string", value)) for value in written.info.values()]

    data = laid_out.write_pdf(pdf_tags=True, pdf_identifier=identifier, custom_metadata=False, finisher=info)
    return data, text


def printed_text(document) -> list[str]:
    """Everything a laid-out WeasyPrint document puts in its PDF as text, as leak-scan segments.

    The metadata (title, authors, description, keywords, generator); the body's text in reading order,
    one segment across all pages (a phrase broken by a page is still one phrase: pypdf reads a page at
    a time), its lines joined by spaces and the pieces of a line joined as drawn (``Hollo<em>way</em>``
    is one word, as in the PDF); each page's margin boxes (running header, page number); the text and
    attributes of each image drawn (an SVG chart's labels, which the PDF draws as text) and its
    alternative text; each bookmark's label, each link's target and each named destination."""
    from xml.etree import ElementTree

    from weasyprint.formatting_structure import boxes
    from weasyprint.images import SVGImage

    from .check import html_segments

    metadata = document.metadata
    segments = [metadata.title or "", *(metadata.authors or []), metadata.description or "",
                *(metadata.keywords or []), metadata.generator or ""]
    body: list[str] = []
    extra: list[str] = []

    def walk(box, out: list[str]) -> None:
        if isinstance(box, boxes.TextBox):
            out.append(box.text)
        elif isinstance(box, boxes.ReplacedBox):
            element = getattr(box, "element", None)
            if element is not None and element.get("alt"):
                extra.append(element.get("alt"))
            image = getattr(box, "replacement", None)
            if isinstance(image, SVGImage):
                extra.extend(html_segments(ElementTree.tostring(image._svg.tree._etree_node, encoding="unicode")))
        elif isinstance(box, boxes.LineBox):
            line: list[str] = []
            for child in box.children:
                walk(child, line)
            out.append(" " + "".join(line) + " ")
        elif isinstance(box, boxes.ParentBox):
            for child in box.children:
                walk(child, out)

    for page in document.pages:
        for child in page._page_box.children:
            if isinstance(child, boxes.MarginBox):
                margin: list[str] = []
                walk(child, margin)
                segments.append("".join(margin))
            else:
                walk(child, body)
        extra += [str(label) for _, label, _, _ in page.bookmarks]
        extra += [str(target) for _, target, _, _ in page.links]
        extra += list(page.anchors)
    return [*segments, "".join(body), *extra]


def write_pdf(site_dir: Path, tree, authority, site_url: str, stylesheet: Path) -> Printed:
    """Write the year's PDF into ``downloads/all/`` of its built site."""
    document = document_html(site_dir, tree, authority, site_url, stylesheet.read_text(encoding="utf-8"))
    data, text = render(document, str(site_dir))
    name = pdf_name(authority, tree.year, tree.edition)
    target = site_dir / "downloads" / "all" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return Printed(name, len(data), hashlib.sha256(data).hexdigest(), text)
