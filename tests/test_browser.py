"""The built site in a real browser: Debian's chromium, axe-core, a phone viewport.

Issue 3 (Done when): pages open in Debian's chromium with no console errors, no
failed requests and zero axe-core violations (WCAG 2.2 AA tags) on every page type.
Issue 4 (point 1), issue 9 (point 1): the public edition (site/, what is published) carries
its note on every page and nothing of the internal edition; the internal edition
(site-internal/, served on its own) says "Internal edition: not for publication" on every page.

The site comes from ``generator.build.build`` (the real example authority); until
that stage exists, from the small fixture site in tests/fixtures/minisite built
with the project's mkdocs.yml and theme. Served under the path of the authority's
site_url, like GitHub Pages, so the 404 page is tested at depth.

BROWSER_SITE=minisite uses the fixture site; BROWSER_SITE=<folder> tests a site
already built there (e.g. site/ after ./run build) instead of building one.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from browser import CHROMIUM, PHONE, PROJECT_DIR, Browser, build_minisite, format_violations, horizontal_overflow, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not installed at {CHROMIUM} "
                       "(apt-get install chromium; ./run test does it)"),
]

PUBLIC_NOTE = "Public edition: commercially sensitive information has been removed."
INTERNAL_NOTE = "Internal edition: not for publication."
OUTDATED_TEXT = "You are reading an earlier statement."


@dataclass
class Site:
    root: Path                  # the public edition: site/, what is published
    internal: Path              # the internal edition: site-internal/, beside it
    prefix: str                 # URL path the site is served under, e.g. /sufficiency/
    versions: list[dict]        # site/versions.json
    latest: str                 # the latest year's folder, e.g. "2026"
    oldest: str

    def pages(self, folder: str, root: Path | None = None) -> list[str]:
        """URL paths (relative to the edition's root) of the pages built in ``folder``."""
        root = root or self.root
        return sorted(
            str(p.parent.relative_to(root)).replace("\\", "/") + "/"
            for p in (root / folder).rglob("index.html")
            if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")  # redirect pages
        )


def _real_build_exists() -> bool:
    """Use generator/build.py once it exists; BROWSER_SITE=minisite forces the fixture site."""
    if os.environ.get("BROWSER_SITE"):
        return False
    try:
        return importlib.util.find_spec("generator.build") is not None
    except ImportError:
        return False


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, request) -> Site:
    out = tmp_path_factory.mktemp("browser") / "site"
    chosen = os.environ.get("BROWSER_SITE", "")
    if chosen and chosen != "minisite":
        # BROWSER_SITE=<folder>: test a site built already (e.g. by ./run build), served
        # under the path of the authority's site_url
        from generator.config import load_authority

        out = Path(chosen).resolve()
        prefix = urlsplit(load_authority(PROJECT_DIR / "authority.yml").site_url).path or "/"
    elif _real_build_exists():
        from generator.config import load_authority

        out = request.getfixturevalue("example_site")  # the session's one build of the example (conftest.py)
        prefix = urlsplit(load_authority(PROJECT_DIR / "authority.yml").site_url).path or "/"
    else:
        build_minisite(out)
        prefix = "/sufficiency/"
    versions = json.loads((out / "versions.json").read_text(encoding="utf-8"))
    latest = next(v["version"] for v in versions if "latest" in v.get("aliases", []))
    oldest = min((v["version"] for v in versions), key=lambda y: int(re.sub(r"\D", "", y) or 0))
    return Site(root=out, internal=out.with_name(out.name + "-internal"), prefix=prefix, versions=versions,
                latest=latest, oldest=oldest)


@pytest.fixture(scope="session")
def base_url(built_site):
    with serve(built_site.root, built_site.prefix) as url:
        yield url


@pytest.fixture(scope="session")
def internal_url(built_site):
    """The internal edition, served on its own (as an intranet would): never under the public site."""
    if not (built_site.internal / "versions.json").is_file():
        pytest.skip(f"no internal edition beside {built_site.root}")
    with serve(built_site.internal, "/internal/") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with Browser() as b:
        yield b


def _page_with(site: Site, folder: str, must: tuple[str, ...], root: Path | None = None) -> str:
    """The first page in ``folder`` (of ``root``, default the public site) whose HTML contains every
    string in ``must``."""
    root = root or site.root
    for path in site.pages(folder, root):
        html = (root / path / "index.html").read_text(encoding="utf-8")
        if all(m in html for m in must):
            return path
    raise AssertionError(f"no page in {root}/{folder}/ has all of {must}")


def page_url(site: Site, kind: str) -> str:
    """The URL path (from the site root) of one page of each type."""
    y, old = site.latest, site.oldest
    narrative = ('role="img"', "<table")
    return {
        "home": f"{y}/",
        "older home": f"{old}/",
        "narrative": _page_with(site, y, narrative),
        "older narrative": _page_with(site, old, narrative),
        "methods": f"{y}/methods/",
        "downloads": f"{y}/downloads/",
        "glossary": f"{y}/glossary/",
        "accessibility": f"{y}/accessibility/",
        "not found": f"{y}/no/such/page/",
        "latest alias": "latest/",
        # the internal edition (served by internal_url)
        "internal home": f"{y}/",
        "internal narrative": _page_with(site, y, narrative + ('class="restricted"',), root=site.internal),
        "internal latest alias": "latest/",
    }[kind]


PAGE_TYPES = ["home", "older home", "narrative", "older narrative", "methods", "downloads", "glossary",
              "accessibility", "not found", "latest alias", "internal home", "internal narrative",
              "internal latest alias"]


ROOT_404 = ("site/404.html is missing: GitHub Pages serves only the site's root 404.html for a missing "
            "URL at any depth, so the build should copy the latest public edition's 404.html there")


def _needs_two_years(site: Site) -> None:
    if site.oldest == site.latest:
        pytest.skip("only one statement year was built")


def _url_for(site: Site, kind: str) -> str:
    if kind.startswith("older"):
        _needs_two_years(site)
    if kind == "not found" and not (site.root / "404.html").is_file():
        pytest.fail(ROOT_404)
    return page_url(site, kind)


def _base(kind: str, request) -> str:
    """The server a page type is on: the public site, or the internal edition's own."""
    return request.getfixturevalue("internal_url" if kind.startswith("internal") else "base_url")


def _check_clean(visit, expect_status=200):
    allow = (404,) if expect_status == 404 else ()
    assert visit.status == expect_status, f"{visit.url} answered {visit.status}"
    problems = visit.problems(allow_status=allow)
    assert not problems, f"{visit.url}:\n" + "\n".join(problems)


#: Transitions still running (Material fades search results in): axe would measure colours half-way.
_SETTLED = ("() => document.getAnimations().every(a => a.playState !== 'running' || "
            "(a.effect && a.effect.getTiming().iterations === Infinity))")


def _check_axe(browser, visit):
    visit.page.wait_for_function(_SETTLED, timeout=5000)
    violations = browser.axe(visit.page)
    assert not violations, format_violations(violations, visit.url)


# --- every page type: loads clean, passes axe, desktop and phone ---------------------------

@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_loads_clean_and_passes_axe(built_site, request, browser, kind):
    visit = browser.visit(_base(kind, request) + _url_for(built_site, kind))
    _check_clean(visit, 404 if kind == "not found" else 200)
    _check_axe(browser, visit)


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_on_a_phone(built_site, request, browser, kind):
    visit = browser.visit(_base(kind, request) + _url_for(built_site, kind), viewport=PHONE)
    _check_clean(visit, 404 if kind == "not found" else 200)
    assert horizontal_overflow(visit.page) <= 0, f"{visit.url} scrolls sideways at {PHONE['width']}px"
    _check_axe(browser, visit)


def test_narrative_page_in_dark_mode(built_site, base_url, browser):
    visit = browser.visit(base_url + page_url(built_site, "narrative"), color_scheme="dark")
    assert visit.page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    _check_clean(visit)
    _check_axe(browser, visit)


def test_every_page_of_the_latest_year_passes_axe(built_site, base_url, browser):
    failures = []
    for path in built_site.pages(built_site.latest):
        visit = browser.visit(base_url + path)
        problems = visit.problems()
        violations = browser.axe(visit.page)
        if problems or violations:
            failures.append("\n".join(problems) + "\n" + format_violations(violations, visit.url))
    assert not failures, "\n\n".join(failures)


# --- charts and tables ------------------------------------------------------------------

def test_charts_are_named_images_and_wide_tables_scroll_by_keyboard(built_site, base_url, browser):
    visit = browser.visit(base_url + page_url(built_site, "narrative"), viewport=PHONE)
    page = visit.page
    names = page.eval_on_selector_all(
        "article svg[role=img]",
        "els => els.map(e => e.getAttribute('aria-label') || (e.getAttribute('aria-labelledby') || '')"
        ".split(' ').map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim())")
    assert names and all(names), f"charts without an accessible name: {names}"
    wide = page.eval_on_selector_all(
        "article *", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 &&"
        " ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))"
        ".map(e => [e.className, e.tabIndex, e.getAttribute('role')])")
    for cls, tabindex, role in wide:
        assert tabindex == 0 and role == "region", f"scrolling element {cls!r} is not a focusable region"


# --- versions ---------------------------------------------------------------------------

def test_version_selector_lists_the_years_and_its_links_work(built_site, base_url, browser):
    visit = browser.visit(base_url + f"{built_site.latest}/")
    page = visit.page
    page.wait_for_selector(".md-version__current", state="attached")
    links = page.eval_on_selector_all(".md-version__link", "els => els.map(a => [a.textContent.trim(), a.href])")
    assert [t for t, _ in links] == [v["title"] for v in built_site.versions]
    assert [h for _, h in links] == [f"{base_url}{v['version']}/" for v in built_site.versions]
    for _, href in links:
        other = browser.visit(href)
        _check_clean(other)
    # choosing a year from the open menu takes the reader there
    if built_site.oldest == built_site.latest:
        return
    page.locator(".md-version__current").focus()
    target = next(h for _, h in links if built_site.oldest in h)
    with page.expect_navigation():
        page.locator(f".md-version__link[href='{target}']").click()
    assert page.url.startswith(target), page.url
    assert not visit.problems(), visit.problems()


def test_version_selector_is_labelled_by_its_text_and_passes_axe_when_open(base_url, built_site, browser):
    visit = browser.visit(base_url + f"{built_site.latest}/")
    page = visit.page
    button = page.locator(".md-version__current")
    button.focus()
    label = button.get_attribute("aria-label")
    assert button.inner_text().strip() in label, label
    assert page.locator(".md-version__list").is_visible()
    _check_axe(browser, visit)
    # WCAG 2.5.3 label in name: an axe rule outside the default set
    result = page.evaluate("async () => (await axe.run('.md-version', {runOnly: ['label-content-name-mismatch']}))"
                           ".violations")
    assert not result, format_violations(result, visit.url)


def test_outdated_banner_only_on_older_years(built_site, base_url, browser):
    _needs_two_years(built_site)
    older = browser.visit(base_url + page_url(built_site, "older narrative"))
    banner = older.page.locator(".sx-outdated")
    banner.wait_for(state="visible")
    assert OUTDATED_TEXT in banner.inner_text()
    link = banner.locator("a", has_text="Read the latest statement")
    with older.page.expect_navigation():
        link.click()
    assert older.page.url == f"{base_url}latest/", older.page.url
    for path in (f"{built_site.latest}/", "latest/", page_url(built_site, "narrative")):
        current = browser.visit(base_url + path)
        current.page.wait_for_selector(".md-version__current", state="attached")
        assert not current.page.locator(".sx-outdated").count(), path
        assert not current.page.locator("[data-md-component=outdated]").is_visible(), path


def test_the_gap_table_reads_on_a_phone(built_site, base_url, browser):
    """Issue 12: what providers need, by placement group and year, in one glance at 390 px: no sideways
    scrolling, every column in view."""
    visit = browser.visit(base_url + f"{built_site.latest}/market-position/gaps/", viewport=PHONE)
    _check_clean(visit)
    page = visit.page
    region = page.locator("#table-places_needed-block .figure-table")
    assert region.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    headers = page.locator("#table-places_needed thead th")
    assert headers.count() >= 5
    for i in range(headers.count()):
        box = headers.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], headers.nth(i).inner_text()
    assert horizontal_overflow(page) <= 0
    _check_axe(browser, visit)


def test_a_charts_table_is_one_click_away_with_or_without_javascript(built_site, base_url, browser):
    for javascript in (True, False):
        visit = browser.visit(base_url + page_url(built_site, "narrative"), javascript=javascript)
        figure = visit.page.locator("figure.chart-figure").first
        table = figure.locator("table.data-table")
        assert figure.locator("svg").first.is_visible() and not table.is_visible()
        figure.locator(".tabbed-labels label", has_text="Table").click()
        assert table.is_visible(), f"javascript={javascript}"
        assert figure.locator(".figure-source").inner_text().startswith("Source: ")


def test_without_javascript_the_year_list_and_the_outdated_banner_are_there(built_site, base_url, browser):
    """Issue 12: the accessibility statement promises the content works without JavaScript."""
    _needs_two_years(built_site)
    older = browser.visit(base_url + page_url(built_site, "older narrative"), javascript=False)
    banner = older.page.locator(".sx-outdated")
    assert banner.is_visible() and OUTDATED_TEXT in banner.inner_text()
    years = older.page.locator("nav[aria-label='Statements by year'] a")
    assert years.count() == len(built_site.versions)
    hrefs = years.evaluate_all("els => els.map(a => a.href)")
    assert hrefs == [f"{base_url}{v['version']}/" for v in built_site.versions]
    for href in hrefs:
        assert browser.visit(href, javascript=False).status == 200, href
    latest = browser.visit(base_url + f"{built_site.latest}/", javascript=False)
    assert latest.page.locator(".sx-outdated").count() == 0
    assert latest.page.locator("nav[aria-label='Statements by year'] a[aria-current]").inner_text().startswith(
        next(v["title"] for v in built_site.versions if v["version"] == built_site.latest))


def test_outdated_banner_in_the_internal_edition_stays_in_that_edition(built_site, internal_url, browser):
    _needs_two_years(built_site)
    visit = browser.visit(internal_url + f"{built_site.oldest}/")
    banner = visit.page.locator(".sx-outdated")
    banner.wait_for(state="visible")
    href = banner.locator("a").evaluate("a => a.href")
    assert href == f"{internal_url}latest/"


def test_root_index_sends_readers_to_the_latest_statement(built_site, base_url, browser):
    visit = browser.visit(base_url)
    visit.page.wait_for_url(re.compile(rf"{re.escape(base_url)}(latest|{built_site.latest})/$"))
    _check_clean(visit)
    assert visit.page.locator(".md-header").count() == 1


# --- editions ---------------------------------------------------------------------------

def _text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def test_public_note_on_every_page_of_the_public_site(built_site, base_url, browser):
    pages = [built_site.root / p / "index.html" for p in built_site.pages(".")] + [built_site.root / "404.html"]
    missing = [p for p in pages if PUBLIC_NOTE not in _text(p)]
    assert not missing, f"pages without the public edition note: {missing}"
    internal = [p for p in built_site.root.rglob("*.html") if INTERNAL_NOTE in _text(p)]
    assert not internal, f"pages of the internal edition in the public site: {internal}"
    visit = browser.visit(base_url + page_url(built_site, "narrative"), viewport=PHONE)
    note = visit.page.get_by_text("commercially sensitive information has been removed").first
    assert note.is_visible()


def test_internal_banner_on_every_internal_page(built_site, internal_url, browser):
    pages = [built_site.internal / p / "index.html" for p in built_site.pages(".", built_site.internal)]
    missing = [p for p in pages if INTERNAL_NOTE not in _text(p)]
    assert pages and not missing, f"internal pages without the 'not for publication' banner: {missing}"
    visit = browser.visit(internal_url + page_url(built_site, "internal narrative"), viewport=PHONE)
    banner = visit.page.get_by_text("Internal edition: not for publication").first
    assert banner.is_visible()
    restricted = visit.page.locator(".restricted").first
    assert restricted.is_visible() and "Not in the public edition" in restricted.inner_text()
    # the banner's red bar: a visibly different colour from the public edition's blue
    colour = visit.page.evaluate("getComputedStyle(document.querySelector('[data-md-component=announce] "
                                 ".md-banner')).backgroundColor")
    assert colour == "rgb(138, 28, 28)", colour


# --- navigation aids ----------------------------------------------------------------------

def test_skip_link_moves_to_the_content(built_site, base_url, browser):
    visit = browser.visit(base_url + page_url(built_site, "narrative"))
    page = visit.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    assert page.locator(".md-skip").is_visible()
    page.keyboard.press("Enter")
    target = urlsplit(page.url).fragment
    assert target and page.locator(f"article [id='{target}']").count() == 1


def test_search_finds_pages_and_its_dialog_passes_axe(built_site, base_url, browser):
    visit = browser.visit(base_url + f"{built_site.latest}/")
    page = visit.page
    assert page.locator("[role=dialog].md-search").get_attribute("aria-label")
    page.locator(".md-search__input").click()
    page.keyboard.type("foster")
    page.wait_for_selector(".md-search-result__item")
    _check_axe(browser, visit)
    assert not visit.problems(), visit.problems()


def test_search_finds_earlier_years_and_ranks_the_narrative_first(built_site, base_url, browser):
    """Issue 12: the latest year's search reaches earlier statements' pages, saying their year."""
    _needs_two_years(built_site)
    visit = browser.visit(base_url + f"{built_site.latest}/")
    page = visit.page
    page.locator(".md-search__input").click()
    page.keyboard.type("fostering")
    page.wait_for_selector(".md-search-result__item")
    first = page.locator(".md-search-result__item a").first.get_attribute("href")
    assert not re.search(r"/(methods|downloads|data-contract)/", first), first
    page.locator(".md-search__input").fill("")
    page.keyboard.type("kitchen")  # said only in an earlier year's narrative
    # the previous query's results stay on screen until the new ones replace them
    # the previous query's results (and those of "k", "ki" ... as it is typed) stay on screen until the
    # results of the whole word replace them
    page.wait_for_function("() => [...document.querySelectorAll('.md-search-result__item a')]"
                           ".some(a => a.href.includes('h=kitchen'))")
    link = page.locator(".md-search-result__item a").first
    href = link.get_attribute("href")
    assert re.search(r"/\d{4}/", href) and f"/{built_site.latest}/" not in href, href
    assert re.search(r"\(\d{4} to \d{4}\)", link.inner_text()), link.inner_text()
    assert browser.visit(urljoin(page.url, href)).status == 200
    _check_axe(browser, visit)


def test_404_page_works_at_any_depth(built_site, base_url, browser):
    assert (built_site.root / "404.html").is_file(), ROOT_404
    for path in (f"{built_site.latest}/no/such/page/", "no-such-folder/", f"{built_site.oldest}/x/y/z/"):
        visit = browser.visit(base_url + path)
        _check_clean(visit, 404)
        page = visit.page
        assert page.locator("h1").inner_text().strip() == "Page not found"
        assert PUBLIC_NOTE in re.sub(r"\s+", " ", page.locator("[data-md-component=announce]").inner_text())
        # styled (the stylesheet loaded from the right place) and its links lead somewhere
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
        for href in page.eval_on_selector_all("article a", "els => els.map(a => a.href)"):
            assert browser.visit(href).status == 200, href


def test_pages_load_nothing_from_outside_the_site(built_site):
    pattern = re.compile(r"""<(?:link|script|img|iframe|source)\b[^>]*\b(?:href|src)=["'](?:https?:)?//""", re.I)
    offenders = []
    for html in built_site.root.rglob("*.html"):
        for match in pattern.finditer(html.read_text(encoding="utf-8")):
            if 'rel="canonical"' in match.group(0):
                continue
            offenders.append(f"{html.relative_to(built_site.root)}: {match.group(0)[:120]}")
    assert not offenders, "\n".join(offenders[:20])
