"""The public edition (what providers and the public read: site/) of a tiny real project
with canaries planted in every vector (issue 4, points 2, 4 and 5; issue 9, point 1): none
reaches any file of site/, the internal edition (site-internal/, not for publication) still
shows them, and mistakes stop the build with file and line.

One project is built once (both editions of 2026) and shared: each build is slow.
"""
from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import internal_of

from generator import check
from generator.check import decode_file, phrase, words
from generator.problems import BuildError
from generator.redact import INTERNAL, PUBLIC

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[1]
YEAR = 2026

RESTRICTED_SENTENCE = "The canary heron sleeps beneath the eastern viaduct every Tuesday night."
COMMENT_SENTENCE = "Magpie ledger note: the amber lantern fee uplift stays secret until March."
HEADING = "Quartz pelican negotiating stance"
PROVIDER_NAME = "Canary Quill Fostering Partnership"
OPEN_SENTENCE = "The open lighthouse text is for every reader of both editions."
INTERNAL_BANNER = "Internal edition: not for publication"
INTERNAL_URL = "https://intranet.canary.example.gov.uk/sufficiency/"   # where the internal edition is hosted
PHONE_VARIANT = "+44 (0)1632 960417"
CANARY_SPEND = "287654"   # the canary provider's spend (no more than the external spend it is part of)
CANARY_SAVING = "12345"

PAGE = f"""---
title: Canary market
description: Notes prepared by Daniel Okafor for the market page.
---

# Canary market

We looked after {{{{ looked_after.total }}}} children at 31 March {{{{ year }}}}. {OPEN_SENTENCE}

Contact Priya Holloway (PRIYA HOLLOWAY's office) on 01632 960 417 or {PHONE_VARIANT}, or email
[priya.holloway@castlebridge.example.gov.uk](mailto:priya.holloway@castlebridge.example.gov.uk).
Ms Holloway replies within a week.

::: restricted
## {HEADING}

{RESTRICTED_SENTENCE}

<!-- {COMMENT_SENTENCE} -->

The five providers we spent most with took {{{{ providers.largest_five_share }}}} of
{{{{ providers.spend }}}}; the action plan's savings total {{{{ actions.savings }}}}.

{{{{ table("spend_with_providers") }}}}

{{{{ table("action_plan") }}}}
:::

{{{{ chart("looked_after_trend") }}}}

Ordinary closing text.
"""

INDEX = """# Canary statement

This statement is a test of the public edition. See [the market page](market.md).
"""

STATEMENT = """title: Canary statement
description: A canary statement edited by Daniel Okafor.
published: 2026-10-14
nav:
  - Home: index.md
  - Market: market.md
"""


@dataclass
class CanaryProject:
    root: Path
    site: Path       # the public edition: everything in it is published
    internal: Path   # the internal edition (not for publication)
    trees: list = field(default_factory=list)
    stats: check.ScanStats = field(default_factory=check.ScanStats)
    build_seconds: float = 0.0
    provider_name: str = PROVIDER_NAME
    restricted_sentence: str = RESTRICTED_SENTENCE
    comment_sentence: str = COMMENT_SENTENCE
    phone_variant: str = PHONE_VARIANT
    money_text: str = ""   # a sensitive figure as the internal edition shows it (£1,234,567)
    money_raw: str = ""    # the same as a CSV has it (1234567)
    figures: dict = field(default_factory=dict)
    view: object = None      # the year's data and template namespace (unprotected: for render tests)
    context: object = None

    @property
    def public_tree(self):
        return next(t for t in self.trees if t.edition == PUBLIC)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def make_project(root: Path) -> Path:
    """The example's config and theme, small test data, a minimal statement for YEAR, canaries planted."""
    root.mkdir(parents=True)
    for name in ("mkdocs.yml", "authority.yml"):
        shutil.copyfile(PROJECT_DIR / name, root / name)
    shutil.copytree(PROJECT_DIR / "theme", root / "theme")
    # The small, stable test data (one year): the example's data is regenerated as it evolves, and a
    # build of its eight years of history is several times slower.
    shutil.copytree(PROJECT_DIR / "tests" / "fixtures" / "data_small", root / "data")
    text = (root / "authority.yml").read_text(encoding="utf-8")
    text = re.sub(r"statement_years: \[[^\]]*\]", f"statement_years: [{YEAR}]", text)
    (root / "authority.yml").write_text(f"{text}\ninternal_site_url: {INTERNAL_URL}\n", encoding="utf-8")
    # A canary provider: rename the first provider of the year (totals stay as they were).
    path = root / "data" / str(YEAR) / "spend_with_providers.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows[1][0], rows[1][3] = PROVIDER_NAME, CANARY_SPEND
    write_csv(path, rows)
    # A canary saving (round amounts are not scanned for: ordinary text has them).
    path = root / "data" / str(YEAR) / "action_plan.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows[1][rows[0].index("saving")] = CANARY_SAVING
    write_csv(path, rows)
    content = root / "content" / str(YEAR)
    content.mkdir(parents=True)
    (content / "statement.yml").write_text(STATEMENT, encoding="utf-8")
    (content / "index.md").write_text(INDEX, encoding="utf-8")
    (content / "market.md").write_text(PAGE, encoding="utf-8")
    return root


_BUILT: dict[str, CanaryProject] = {}


def built_canary_project(tmp_path_factory) -> CanaryProject:
    """The canary project built once per test session (test_leak_scan shares it)."""
    if "project" in _BUILT:
        return _BUILT["project"]
    from generator import build as build_module
    from generator.config import load_authority
    from generator.context import build_context
    from generator.load import load_dataset

    root = make_project(tmp_path_factory.mktemp("canary") / "project")
    project = CanaryProject(root, root / "site", root / "site-internal")
    original = check.check_site

    def capture(staging, trees, authority, *args, **kwargs):
        project.trees = list(trees)
        return original(staging, trees, authority, *args, stats=project.stats, **kwargs)

    started = time.perf_counter()
    build_module.check.check_site = capture
    try:
        build_module.build(root, project.site, years=[YEAR])
    finally:
        build_module.check.check_site = original
    project.build_seconds = time.perf_counter() - started

    authority = load_authority(root / "authority.yml")
    dataset, _ = load_dataset(root / "data", authority)
    project.view = dataset.view(YEAR)
    project.context = context = build_context(project.view)
    project.figures = {"providers.spend": context.providers.spend.format(),
                       "actions.savings": context.actions.savings.format(),
                       "providers.largest_five_share": context.providers.largest_five_share.format()}
    project.money_text = project.figures["providers.spend"]
    project.money_raw = str(round(context.providers.spend.value))
    _BUILT["project"] = project
    return project


@pytest.fixture(scope="module")
def canary(tmp_path_factory) -> CanaryProject:
    return built_canary_project(tmp_path_factory)


def edition_roots(project: CanaryProject, edition: str) -> list[Path]:
    """The public edition: the whole of site/ (all of it is published); the internal edition's year and latest/."""
    return [project.site] if edition == PUBLIC else [project.internal / str(YEAR), project.internal / "latest"]


def edition_files(project: CanaryProject, edition: str) -> dict[str, str]:
    """Every file of an edition, decoded as the leak scan decodes it, as lower-case words
    (keyed by the path under the project: site/2026/index.html)."""
    texts = {}
    for root in edition_roots(project, edition):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                segments = decode_file(path)
                if segments is not None:
                    texts[path.relative_to(project.root).as_posix()] = " ¶ ".join(" ".join(words(s))
                                                                                 for s in segments)
    return texts


def raw_files(project: CanaryProject, edition: str) -> dict[str, str]:
    """Every file of an edition as raw text (gzip unpacked, nothing else decoded)."""
    out = {}
    for root in edition_roots(project, edition)[:1]:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                if path.suffix == ".gz":
                    data = gzip.decompress(data)
                out[path.relative_to(project.root).as_posix()] = data.decode("utf-8", errors="replace")
    return out


def canaries(project: CanaryProject) -> dict[str, str]:
    return {
        "restricted sentence": RESTRICTED_SENTENCE,
        "HTML comment in a restricted block": COMMENT_SENTENCE,
        "heading in a restricted block": HEADING,
        "provider name from spend_with_providers.csv": PROVIDER_NAME,
        "named person": "Priya Holloway",
        "named person in front matter and statement.yml": "Daniel Okafor",
        "email": "priya.holloway@castlebridge.example.gov.uk",
        "title and surname": "Ms Holloway",
        "sensitive figure {{ providers.spend }}": project.figures["providers.spend"],
        "sensitive figure {{ actions.savings }}": project.figures["actions.savings"],
        "the canary provider's spend": f"£{int(CANARY_SPEND):,}",
        "internal edition's restricted label": "Not in the public edition",
        "internal edition's banner": INTERNAL_BANNER,
        "internal edition's address": INTERNAL_URL,
    }


# --- the public edition (site/) has none of it, the internal edition all of it ----------------


def test_the_build_passed_its_own_leak_scan(canary):
    assert (canary.site / str(YEAR) / "index.html").exists()
    assert canary.public_tree.withheld, "the public edition has needles to scan for"
    assert canary.stats.files > 20
    print(f"\nbuild {canary.build_seconds:.1f} s; leak scan {canary.stats.files} files, "
          f"{canary.stats.bytes / 1e6:.1f} MB in {canary.stats.seconds:.2f} s; "
          f"{len(canary.public_tree.withheld)} needles")


def test_site_holds_only_the_public_edition(canary):
    """Everything under site/ is published: its root, its 404s and every year are the public edition's,
    and the internal edition is beside it, never inside it (issue 9, point 1)."""
    assert sorted(p.name for p in canary.site.iterdir()) == ["2026", "404.html", "index.html", "latest",
                                                             "versions.json"]
    assert sorted(p.name for p in canary.internal.iterdir()) == ["2026", "404.html", "index.html", "latest",
                                                                 "versions.json"]
    assert canary.site not in canary.internal.parents
    for page in (canary.site / "404.html", canary.site / str(YEAR) / "404.html", canary.site / "latest" / "404.html",
                 canary.site / str(YEAR) / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "sx-edition--public" in html and "Public edition:" in html, page
        assert "sx-edition--internal" not in html and INTERNAL_BANNER not in html, page
    # the public edition never links to the internal one
    pages = [p for p in canary.site.rglob("*.html")]
    assert [p for p in pages if "site-internal" in p.read_text(encoding="utf-8")] == []
    assert [p for p in pages if "Read the public edition" in p.read_text(encoding="utf-8")] == []
    index = (canary.site / "index.html").read_text(encoding="utf-8")
    assert 'url=2026/' in index and "Internal edition" not in index


def test_the_internal_edition_says_it_is_not_for_publication(canary):
    pages = sorted((canary.internal / str(YEAR)).rglob("*.html"))
    assert len(pages) > 5
    missing = [p for p in pages if INTERNAL_BANNER not in p.read_text(encoding="utf-8")]
    assert missing == []
    home = (canary.internal / str(YEAR) / "index.html").read_text(encoding="utf-8")
    assert "(internal edition: not for publication)</title>" in home
    # it links to the public edition, at the public address
    public_url = "https://castlebridge-example.github.io/sufficiency/"
    assert f'<a href="{public_url}{YEAR}/">Read the public edition</a>' in home
    # its root pages say what it is too, and its 404 is its own
    assert INTERNAL_BANNER in (canary.internal / "index.html").read_text(encoding="utf-8")
    assert INTERNAL_BANNER in (canary.internal / "404.html").read_text(encoding="utf-8")
    # its own address (internal_site_url) gives its canonical links, never the public address
    assert f'<link rel="canonical" href="{INTERNAL_URL}{YEAR}/">' in home
    assert f'rel="canonical" href="{public_url}' not in home
    market = (canary.internal / str(YEAR) / "market" / "index.html").read_text(encoding="utf-8")
    assert '<div class="restricted">' in market and "Not in the public edition." in market


def test_no_canary_reaches_any_public_file(canary):
    files = edition_files(canary, PUBLIC)
    assert any(name.endswith("sitemap.xml.gz") for name in files)
    assert any(name.endswith("search_index.json") for name in files)
    assert any(name.endswith("404.html") for name in files)
    assert any(name.endswith(".csv") for name in files)
    leaks = [(what, name) for what, text in canaries(canary).items()
             for name, haystack in files.items() if f" {phrase(text)} " in f" {haystack} "]
    assert leaks == []
    raw = raw_files(canary, PUBLIC)
    for needle in (canary.money_raw, CANARY_SPEND, "01632", "960417", "960 417", "holloway", "okafor"):
        hits = [name for name, text in raw.items() if needle in text.lower()]
        assert hits == [], f"{needle!r} in {hits}"


def test_the_internal_edition_still_shows_everything(canary):
    files = edition_files(canary, INTERNAL)
    market = next(text for name, text in files.items() if name == f"site-internal/{YEAR}/market/index.html")
    for what, text in canaries(canary).items():
        if what.startswith("HTML comment"):
            continue
        assert f" {phrase(text)} " in f" {market} ", what
    raw = (canary.internal / str(YEAR) / "market" / "index.html").read_text(encoding="utf-8")
    assert "amber lantern" not in raw, "an author's comment is in no edition's output"
    assert "01632 960 417" in raw
    assert canary.figures["providers.largest_five_share"] in raw
    search = (canary.internal / str(YEAR) / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "canary heron sleeps" in search
    downloads = canary.internal / str(YEAR) / "downloads"
    assert PROVIDER_NAME in (downloads / "spend_with_providers.csv").read_text(encoding="utf-8")
    assert "saving" in (downloads / "action_plan.csv").read_text(encoding="utf-8").splitlines()[0].lower()


def test_public_edition_keeps_the_open_text_and_names_the_team(canary):
    page = (canary.site / str(YEAR) / "market" / "index.html").read_text(encoding="utf-8")
    assert OPEN_SENTENCE in page and "Ordinary closing text." in page
    assert "Contact the Placements Commissioning Team (the Placements Commissioning Team&rsquo;s office)" in \
        page.replace("'", "&rsquo;").replace("&#39;", "&rsquo;")
    assert "commissioning@castlebridge.example.gov.uk" in page
    assert "The Placements Commissioning Team replies within a week." in page
    assert "Public edition" in page
    meta = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    assert "Okafor" not in meta and "Placements Commissioning Team" in meta
    index = (canary.site / str(YEAR) / "index.html").read_text(encoding="utf-8")
    assert "Okafor" not in index


def test_public_downloads_leave_out_sensitive_tables_and_columns(canary):
    downloads = canary.site / str(YEAR) / "downloads"
    assert not (downloads / "spend_with_providers.csv").exists()
    header = (downloads / "action_plan.csv").read_text(encoding="utf-8").splitlines()[0].lower()
    assert "saving" not in header
    internal = {p.name for p in (canary.internal / str(YEAR) / "downloads").glob("*.csv")}
    public = {p.name for p in downloads.glob("*.csv")}
    assert public < internal


def test_no_edit_links_no_chart_specs_and_only_nav_pages(canary):
    root = canary.site / str(YEAR)
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "github.com" not in text, path
        assert 'class="md-source"' not in text and 'rel="edit"' not in text, path
        assert "vega" not in text.lower() and "$schema" not in text, path
        for svg in re.findall(r"<svg\b.*?</svg>", text, flags=re.S):
            assert "<script" not in svg and "<metadata" not in svg and "<desc" not in svg
    pages = sorted(p.parent.relative_to(root).as_posix() for p in root.rglob("index.html"))
    assert pages == [".", "data-contract", "downloads", "market", "methods", "updates"]
    config = (canary.public_tree.docs_dir.parent / "mkdocs.yml")
    # the generated config is removed with .build/docs once the build passes; the check ran on it
    assert check.config_check(canary.public_tree, canary.root) == [] or not config.exists()


# --- mistakes stop the build with file and line -------------------------------------------


def test_sensitive_placeholder_and_broken_markers_stop_the_public_build(canary, tmp_path):
    """The public edition's render stage (build() runs it for every year and edition before
    MkDocs): every mistake is reported at once, with file and line, and nothing is written."""
    from generator.catalogue import all_measures, all_outputs
    from generator.docs_tree import render_docs_tree

    root = tmp_path / "broken"
    shutil.copytree(canary.root / "content", root / "content")
    content = root / "content" / str(YEAR)
    (content / "market.md").write_text(
        "# Market\n\nOpen text.\n\nThe five largest took {{ providers.largest_five_share }} of spend.\n",
        encoding="utf-8")
    (content / "index.md").write_text(
        "# Home\n\n::: restriced\nSecret.\n:::\n\nMore.\n\n::: restricted\nNever closed.\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        render_docs_tree(root, tmp_path / "work", canary.view, canary.context, all_outputs(), all_measures(),
                         PUBLIC)
    found = {(p.code, p.file, p.line) for p in info.value.problems}
    assert ("sensitive-in-prose", f"content/{YEAR}/market.md", 5) in found
    assert ("restricted-marker", f"content/{YEAR}/index.md", 3) in found
    assert ("restricted-unopened", f"content/{YEAR}/index.md", 5) in found
    assert ("restricted-unclosed", f"content/{YEAR}/index.md", 9) in found
    assert "providers.largest_five_share" in str(info.value)
    assert not (tmp_path / "work" / PUBLIC / str(YEAR) / "docs" / "market.md").exists()
    # the same page is fine for the internal edition
    (content / "index.md").write_text("# Home\n", encoding="utf-8")
    tree = render_docs_tree(root, tmp_path / "work2", canary.view, canary.context, all_outputs(), all_measures(),
                            INTERNAL)
    assert canary.figures["providers.largest_five_share"] in (tree.docs_dir / "market.md").read_text()


def test_hidden_text_and_comments_in_open_prose():
    from generator.redact import split_restricted

    text = "Open.\n<!-- a note\nover two lines -->\nMore.\n"
    out = split_restricted(text, "content/2026/x.md", PUBLIC)
    assert "note" not in out and out.count("\n") == text.count("\n")
    assert split_restricted(text, "content/2026/x.md", INTERNAL) == out
    with pytest.raises(BuildError) as info:
        split_restricted('Open.\n\n<span style="display: none">secret</span>\n', "content/2026/x.md", PUBLIC)
    assert (info.value.problems[0].code, info.value.problems[0].line) == ("hidden-text", 3)
    with pytest.raises(BuildError):
        split_restricted("Open.\n<div hidden>secret</div>\n", "content/2026/x.md", PUBLIC)
    # inside a code block, or inside a restricted block, it is fine
    split_restricted("```html\n<div hidden>x</div>\n```\n", "content/2026/x.md", PUBLIC)
    split_restricted('::: restricted\n<div style="display:none">x</div>\n:::\n', "content/2026/x.md", PUBLIC)


def test_pages_left_out_of_the_nav_stop_the_build(canary, tmp_path):
    from generator.docs_tree import render_docs_tree

    root = tmp_path / "draft"
    (root / "content" / str(YEAR)).mkdir(parents=True)
    for name in ("statement.yml", "index.md"):
        shutil.copyfile(canary.root / "content" / str(YEAR) / name, root / "content" / str(YEAR) / name)
    (root / "content" / str(YEAR) / "draft.md").write_text("# Draft\n\nNot listed.\n", encoding="utf-8")

    with pytest.raises(BuildError) as info:
        render_docs_tree(root, tmp_path / "work", canary.view, canary.context, {}, [], PUBLIC)
    codes = {(p.code, p.file) for p in info.value.problems}
    assert ("page-not-in-nav", f"content/{YEAR}/draft.md") in codes


# --- small-number suppression in published tables (both editions) ------------------------------


def _protected_sources() -> set[str]:
    from generator.disclosure import PROTECTED_TABLES

    return {f"{table}.{column}" for table, model in PROTECTED_TABLES.items() for column in model.counts}


#: Not counts of children: the number of forecasts a backtest scored, places set against forecast
#: demand, and the trend projection (masked wherever it depends on a withheld count, so a small
#: projected figure is derived only from published ones). The transition model's estimates in every
#: other forecast output are skipped cell by cell (``frame.attrs["modelled_cells"]``, issue 11);
#: every other cell of those outputs (actuals, the no-change benchmark) is checked.
MODELLED = {"backtest_errors", "projection", "projection_by_age", "sufficiency_gap"}


def small_counts(site: Path, year: int, view, threshold: int) -> tuple[int, list[str]]:
    """(count columns checked, cells from 1 to ``threshold``) in both editions' CSV downloads of a year.

    Count columns are those the output's frame has as counts (its ``units`` or its figures'
    kind) drawn from the counts disclosure control protects (children, placements,
    referrals); counts of carers, settings and places are not about children.
    """
    import pandas as pd

    from generator.catalogue import all_outputs
    from generator.tables import column_kind

    outputs = all_outputs()
    protected = _protected_sources()
    checked, offending = 0, []
    for edition_root in (site / str(year), internal_of(site) / str(year)):
        for path in sorted((edition_root / "downloads").glob("*.csv")):
            if path.stem in MODELLED:
                continue
            output = outputs[path.stem]
            frame = output.frame(view)
            sources = frame.attrs.get("column_sources") or {}
            modelled = frame.attrs.get("modelled_cells") or frozenset()
            published = pd.read_csv(path, dtype=str, keep_default_na=False)
            for column in published.columns:
                if column not in frame.columns or column_kind(frame, column, output.units) != "count":
                    continue
                if not set(sources.get(column, output.sources)) & protected:
                    continue
                checked += 1
                for row, cell in enumerate(published[column], start=2):
                    if (row - 2, column) in modelled:
                        continue
                    if cell.strip().isdigit() and 1 <= int(cell) <= threshold:
                        offending.append(f"{path.relative_to(site.parent)} row {row} {column!r}: {cell}")
    return checked, offending


def test_no_published_count_of_children_is_1_to_5(canary):
    """Every CSV download of both editions (every output is downloadable, shown or not)."""
    checked, offending = small_counts(canary.site, YEAR, canary.view, 5)
    assert checked > 10
    assert offending == []


def test_no_count_1_to_5_in_the_example_site(example_site):
    """The same over the whole example (every statement year, both editions): conftest builds it."""
    from generator.config import load_authority
    from generator.load import load_dataset

    authority = load_authority(PROJECT_DIR / "authority.yml")
    dataset, _ = load_dataset(PROJECT_DIR / "data", authority)
    for year in authority.statement_years:
        checked, offending = small_counts(example_site, year, dataset.view(year), authority.suppression_threshold)
        assert checked > 10, year
        assert offending == [], year
        for edition_root in (example_site / str(year), internal_of(example_site) / str(year)):
            methods = (edition_root / "methods" / "index.html").read_text(encoding="utf-8")
            assert re.search(r"\d[\d,]* figures were withheld.*?primary suppression.*?\d[\d,]* more.*?"
                             r"secondary suppression", methods, flags=re.S), edition_root


def test_methods_page_says_how_many_cells_were_suppressed(canary):
    for edition_root in (canary.site / str(YEAR), canary.internal / str(YEAR)):
        text = (edition_root / "methods" / "index.html").read_text(encoding="utf-8")
        match = re.search(r"(\d[\d,]*) figures were withheld[^.]*primary suppression\) and (\d[\d,]*) more[^.]*"
                          r"secondary suppression", text)
        assert match, edition_root
        assert int(match.group(1).replace(",", "")) > 0
