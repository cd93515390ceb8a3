"""Browser harness: serve a built site on 127.0.0.1 and check pages in Debian's chromium.

    with serve(site_dir, prefix="/sufficiency/") as base_url, Browser() as browser:
        visit = browser.visit(base_url + "2025/")
        assert visit.clean, visit.problems()
        assert not browser.axe(visit.page), format_violations(...)

The server mimics GitHub Pages: the site is served under ``prefix`` (the path of
the authority's ``site_url``), a folder serves its ``index.html``, and a missing
URL gets the site's root ``404.html`` with status 404.

Every visit records console errors, page errors, failed requests, HTTP errors and
any request to a host other than 127.0.0.1 (those are blocked, never sent).
axe-core comes from axe-playwright-python's bundled ``axe.min.js`` and runs the
WCAG 2.2 AA rule tags.
"""
from __future__ import annotations

import functools
import http.server
import io
import json
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PROJECT_DIR = Path(__file__).resolve().parents[1]
MINISITE = Path(__file__).resolve().parent / "fixtures" / "minisite"


# --- the server -------------------------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files under a path prefix, GitHub Pages style 404s, no logging."""

    prefix = "/"

    def translate_path(self, path):
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0outside-prefix")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_head(self):
        target = Path(self.translate_path(self.path))
        if target.is_dir() and not (target / "index.html").is_file() or not target.exists():
            not_found = Path(self.directory) / "404.html"
            if not_found.is_file():
                body = not_found.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)
        return super().send_head()

    def log_message(self, *args):  # keep pytest output clean
        pass


@contextmanager
def serve(root: Path, prefix: str = "/"):
    """Serve ``root`` at http://127.0.0.1:<free port><prefix> in a thread; yields that URL."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- the browser ------------------------------------------------------------------------

@dataclass
class Visit:
    """One page load and everything that went wrong while it loaded."""

    url: str
    page: object
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self, allow_status: tuple[int, ...] = ()) -> list[str]:
        """Every problem as a line of text; an empty list means a clean load."""
        lines = [f"console error: {m}" for m in self.console_errors
                 if not (allow_status and "Failed to load resource" in m and f"({self.url}:" in m
                         and any(f"status of {s} " in m for s in allow_status))]
        lines += [f"page error: {m}" for m in self.page_errors]
        lines += [f"failed request: {m}" for m in self.failed_requests]
        lines += [f"HTTP error: {m}" for m in self.http_errors
                  if not any(m.startswith(f"{s} {self.url}") for s in allow_status)]
        lines += [f"request outside the site: {m}" for m in self.external_requests]
        return lines


class Browser:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""

    keep_open = 6  # contexts (one per visit) kept open; older ones are closed

    def __init__(self, executable: Path = CHROMIUM):
        self.executable = executable

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(self.executable), args=CHROMIUM_ARGS, headless=True)
        self._contexts = []
        return self

    def __exit__(self, *exc):
        for context in self._contexts:
            context.close()
        self._browser.close()
        self._playwright.stop()

    def visit(self, url: str, viewport: dict | None = None, color_scheme: str = "light",
              javascript: bool = True) -> Visit:
        """Open ``url`` in a fresh context (no shared storage) and wait for it to settle
        (``javascript=False``: as a reader with JavaScript turned off sees it)."""
        context = self._new_context(viewport=viewport or DESKTOP, color_scheme=color_scheme,
                                    java_script_enabled=javascript)
        page = context.new_page()
        visit = Visit(url=url, page=page)

        def route(route):
            host = urlsplit(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                route.continue_()
            else:
                visit.external_requests.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(
            f"{m.text} ({m.location.get('url', '')}:{m.location.get('lineNumber', '')})"))
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: urlsplit(r.url).hostname == "127.0.0.1"
                and visit.failed_requests.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and visit.http_errors.append(f"{r.status} {r.url}"))
        response = page.goto(url, wait_until="load")
        visit.status = response.status if response else None
        page.wait_for_load_state("networkidle")
        return visit

    def _new_context(self, **options):
        """A fresh context (no shared storage); only the last few stay open."""
        while len(self._contexts) >= self.keep_open:
            self._contexts.pop(0).close()
        context = self._browser.new_context(service_workers="block", **options)
        self._contexts.append(context)
        return context

    @staticmethod
    def axe(page, tags: list[str] = AXE_TAGS) -> list[dict]:
        """Run axe-core on the page with the WCAG 2.2 AA tags; returns its violations."""
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=_axe_source())
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})", tags)
        return result["violations"]


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def format_violations(violations: list[dict], url: str = "") -> str:
    """Each violation's id, impact, help and the nodes it hit, for a failing assertion."""
    lines = [f"{len(violations)} axe violation(s){' on ' + url if url else ''}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:10]:
            summary = node.get("failureSummary", "").splitlines()[-1:]
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 = none)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth")


# --- a small site shaped like ours, built with mkdocs directly -----------------------------

MINISITE_URL = "https://example.invalid/sufficiency/"
MINISITE_NAV = [
    {"Home": "index.md"},
    {"Sufficiency statement": ["sufficiency/index.md", {"Fostering": "sufficiency/fostering.md"},
                               {"Children's homes": "sufficiency/childrens-homes.md"}]},
    {"Methods": "methods.md"},
    {"Data downloads": "downloads.md"},
    {"Glossary": "glossary.md"},
    {"Accessibility statement": "accessibility.md"},
]


def build_minisite(out_dir: Path, years: tuple[int, ...] = (2024, 2025)) -> Path:
    """Build the fixture pages the way generator/build.py lays out the two editions: the public
    edition in ``out_dir`` (<year>/, latest/, versions.json, index.html, 404.html), the internal
    edition the same way in ``<out_dir>-internal`` beside it. Returns ``out_dir``."""
    import yaml  # noqa: F401  (mkdocs needs it; fail early if missing)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    latest = max(years)
    docs = out_dir.parent / (out_dir.name + ".docs")
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(MINISITE / "docs", docs)
    if not (PROJECT_DIR / "theme" / "assets" / "stylesheets" / "figures.css").is_file():
        # figures.css belongs to the charts stage; until it exists, a stand-in.
        (docs / "assets" / "stylesheets").mkdir(parents=True, exist_ok=True)
        (docs / "assets" / "stylesheets" / "figures.css").write_text("/* stand-in */\n", encoding="utf-8")
    internal = out_dir.with_name(out_dir.name + "-internal")
    for edition, root in (("public", out_dir), ("internal", internal)):
        for year in years:
            folder = root / str(year)
            label = f"{year - 1} to {year}"
            config = load_config(
                config_file=str(PROJECT_DIR / "mkdocs.yml"),
                site_name=f"Castlebridge placement sufficiency {label}",
                site_url=MINISITE_URL + f"{year}/" if edition == "public" else "",
                docs_dir=str(docs),
                site_dir=str(folder),
                nav=MINISITE_NAV,
                extra={"edition": edition, "year": year, "year_label": label,
                       "authority": "Castlebridge Borough Council",
                       "other_edition": f"{MINISITE_URL}{year}/" if edition == "internal" else "",
                       "generator": False, "version": {"provider": "mike", "default": "latest"}},
            )
            mkdocs_build(config)
        versions = [{"version": str(y), "title": f"{y - 1} to {y}", "aliases": ["latest"] if y == latest else []}
                    for y in sorted(years, reverse=True)]
        (root / "versions.json").write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")
        shutil.copytree(root / str(latest), root / "latest")
        (root / "index.html").write_text(redirect_page("latest/"), encoding="utf-8")
        shutil.copy2(root / "latest" / "404.html", root / "404.html")
    return out_dir


def redirect_page(target: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>Redirecting to the latest statement</title>\n<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="canonical" href="{target}">\n</head>\n<body>\n'
        f'<p><a href="{target}">Go to the latest statement</a>.</p>\n</body>\n</html>\n'
    )
