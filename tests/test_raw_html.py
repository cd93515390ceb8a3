"""The charts' drawings and the tables are set aside from Python-Markdown in our MkDocs run (issue 14,
``raw_html``): the pages come out byte for byte as plain MkDocs writes them, and the search index loses
only the drawings' text. Built with real MkDocs and Material, once plain and once with the set-aside."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from generator import raw_html

PROJECT_DIR = Path(__file__).resolve().parents[1]

_ROWS = "".join(f'<tr><th scope="row">{year}</th><td class="num">{300 + year % 7}</td></tr>'
                for year in range(2015, 2027))
DRAWING = ('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 100 50" id="{id}">'
           '<g><text x="1" y="2">{word} 2019</text><path d="M0,0L10,10"/><rect x="1" y="1" width="5" '
           'height="9"/><g><text x="5" y="8">295</text></g></g></svg>')
TABLE = ('<table class="data-table" id="{id}"><caption>{word} (data table)</caption><thead><tr>'
         '<th scope="col" class="num">Year</th><th scope="col">Children</th></tr></thead><tbody>'
         + _ROWS + "</tbody></table>")


#: A table in a restricted block, one tag a line: md_in_html rewrites it (the internal edition's tables).
RESTRICTED_TABLE = TABLE.format(id="table-r", word="Restrictedzeta").replace("><", ">\n<")


def _figure(name: str, word: str) -> str:
    return (f'<figure class="chart-figure" id="chart-{name}" aria-labelledby="chart-{name}-title">\n'
            f'<figcaption><h3 class="figure-title" id="chart-{name}-title">Chart {name}</h3> '
            f'<span class="figure-summary">Summary of {name}.</span></figcaption>\n'
            f'<div class="chart">{DRAWING.format(id=f"svg-{name}", word=word)}'
            f'{DRAWING.format(id=f"svg-{name}-narrow", word=word)}</div>\n'
            f'<div class="figure-table">{TABLE.format(id=f"table-{name}", word=word + "Table")}</div>\n'
            "</figure>")


PAGES = {
    # Set aside: a chart's two drawings and its table; a restricted block's table stays in place
    # (md_in_html rewrites it); a link to an id inside a table set aside.
    "index.md": f"""# Home

Children looked after, with a [link to the table](other.md#table-other).

{_figure("a", "Tickzeta")}

## Restricted

<div class="restricted" markdown="1">

Some *restricted* text.

<div class="figure-block">
{RESTRICTED_TABLE}
</div>

</div>

After the block.
""",
    "other.md": f"""# Other

{_figure("other", "Otherzeta")}
""",
    # Each of these is converted again with nothing set aside: a table in an indented code block, a table
    # inline in a paragraph (Markdown parses its cells), a table that is itself the raw block.
    "code.md": f"""# Code

{_figure("code", "Codezeta")}

An example:

    {TABLE.format(id="in-code", word="Inside code")}
""",
    "inline.md": f"""# Inline

{_figure("inline", "Inlinezeta")}

A paragraph with {TABLE.format(id="inline-table", word="*Emphasised*")} in it.
""",
    "top.md": f"""# Top

{_figure("top", "Topzeta")}

{TABLE.format(id="top-table", word="Top")}
""",
    # The page already says what a token looks like: nothing is set aside.
    "token.md": f"""# Token

A marker like <X-ASIDE N="1"></X-ASIDE> is not ours.

{_figure("token", "Tokenzeta")}
""",
}


def _build(folder: Path, set_aside: bool, monkeypatch) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import build as generator_build
    from generator.build import add_set_aside

    generator_build._CONVERTED.clear()  # each test's build converts and indexes its pages itself
    generator_build._SEARCHED.clear()
    base = yaml.safe_load((PROJECT_DIR / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = folder / "docs"
    docs.mkdir(parents=True)
    for name, text in PAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = {"site_name": "Set aside", "docs_dir": str(docs), "site_dir": str(folder / "site"),
              "theme": {"name": "material"}, "plugins": ["search"], "strict": True,
              "validation": {"anchors": "warn"},
              "markdown_extensions": base["markdown_extensions"]}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    loaded = load_config(config_file=str(folder / "mkdocs.yml"))
    if set_aside:
        add_set_aside(loaded)
    build(loaded)
    return folder / "site"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        root = tmp_path_factory.mktemp("raw-html")
        return _build(root / "plain", False, monkeypatch), _build(root / "aside", True, monkeypatch)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_pages_are_byte_for_byte_what_plain_mkdocs_writes(two_builds):
    plain, aside = map(_files, two_builds)
    assert plain.keys() == aside.keys()
    different = [name for name in plain if plain[name] != aside[name]]
    assert different == ["search/search_index.json"]
    # The drawings are in the pages, the restricted table as md_in_html rewrote it.
    page = aside["index.html"].decode("utf-8")
    assert DRAWING.format(id="svg-a", word="Tickzeta") in page
    assert '<th class="num" scope="col">Year</th>' in page  # md_in_html rewrote the restricted table


def _page_text(index: dict, page: str) -> str:
    return " ".join(d["text"] for d in index["docs"] if d["location"].split("#")[0].rstrip("/") == page)


def test_the_search_index_loses_only_the_drawings_text_of_the_pages_set_aside(two_builds):
    plain, aside = (json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
                    for site in two_builds)
    assert plain["config"] == aside["config"]
    assert [(d["location"], d["title"]) for d in plain["docs"]] == [(d["location"], d["title"]) for d in aside["docs"]]
    for page, word in (("", "Tickzeta"), ("other", "Otherzeta")):
        before, after = _page_text(plain, page), _page_text(aside, page)
        assert before.count(f"{word} 2019295") == 2 and f"{word} 2019" not in after  # both drawings' text
        assert after.split() == before.replace(f"{word} 2019295", "").split()
        assert f"{word}Table (data table)" in after  # the table is still found
    assert "Restrictedzeta (data table)" in _page_text(aside, "")
    # Converted again with nothing set aside, or nothing set aside at all: the same as plain MkDocs.
    for page in ("code", "inline", "top", "token"):
        assert _page_text(aside, page) == _page_text(plain, page), page


def test_tokens_cannot_be_confused_with_the_page(two_builds):
    text = PAGES["token.md"]
    assert raw_html.set_aside(text) == (text, raw_html.SetAside())
    marked, aside = raw_html.set_aside(PAGES["other.md"])
    assert len(aside.fragments) == 3 and "x-aside" not in PAGES["other.md"].lower()
    assert raw_html.put_back(marked, {t: f for t, (_, f) in aside.fragments.items()}) == PAGES["other.md"]


def test_only_self_contained_fragments_are_set_aside():
    stray = f"<div>\n<table>{'<tr><td>x</td></tr>' * 20}</div></table>\n</div>\n"
    commented = f"<div>\n<table><!-- a note -->{'<tr><td>x</td></tr>' * 20}</table>\n</div>\n"
    for text in (stray, commented):
        assert raw_html.set_aside(text)[1].fragments == {}


def test_what_markdown_rewrites_is_caught_after_markdown(tmp_path, monkeypatch):
    """Were the restricted block's table set aside (its ``markdown`` element not seen), the check after
    Markdown would find its token rewritten and convert the page again: the same page."""
    monkeypatch.setattr(raw_html, "_markdown_spans", lambda text: [])
    site = _build(tmp_path / "unguarded", True, monkeypatch)
    plain = _build(tmp_path / "plain", False, monkeypatch)
    assert (site / "index.html").read_bytes() == (plain / "index.html").read_bytes()
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "Tickzeta 2019" in _page_text(index, "")  # converted again, nothing set aside


def test_links_to_ids_inside_what_was_set_aside_are_checked_as_before(tmp_path, monkeypatch):
    """MkDocs checks links to anchors against the ids in a page's raw HTML (strict, ``validation.anchors:
    warn``): the link to a table's id passes in ``two_builds`` because the ids of what was set aside
    count; without them the same build stops."""
    from mkdocs.exceptions import Abort

    monkeypatch.setattr(raw_html.SetAside, "anchors", lambda self: set())
    with pytest.raises(Abort):
        _build(tmp_path / "no-anchors", True, monkeypatch)


def test_a_page_converted_in_an_earlier_run_is_reused_only_if_everything_it_read_is_the_same(tmp_path, monkeypatch):
    """Our MkDocs runs share the conversion (and the search entries) of a page whose Markdown, address and linked
    files are unchanged (the two editions of a year): the same pages and search index, without converting or
    indexing them again; a page whose link no longer finds its file is converted again (and strict MkDocs
    stops on the broken link)."""
    import markdown
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from generator.build import add_set_aside

    first = _build(tmp_path / "first", True, monkeypatch)
    conversions, searched = [], []
    plain_convert = markdown.Markdown.convert
    monkeypatch.setattr(markdown.Markdown, "convert",
                        lambda md, text: conversions.append(text) or plain_convert(md, text))
    from material.plugins.search.plugin import Parser
    plain_feed = Parser.feed
    monkeypatch.setattr(Parser, "feed", lambda parser, text: searched.append(text) or plain_feed(parser, text))

    def again(name: str, drop: tuple[str, ...] = ()) -> Path:
        folder = tmp_path / name
        (folder / "docs").mkdir(parents=True)
        for page, text in PAGES.items():
            if page not in drop:
                (folder / "docs" / page).write_text(text, encoding="utf-8")
        config = yaml.safe_load((tmp_path / "first" / "mkdocs.yml").read_text(encoding="utf-8"))
        config.update(docs_dir=str(folder / "docs"), site_dir=str(folder / "site"))
        (folder / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        loaded = load_config(config_file=str(folder / "mkdocs.yml"))
        add_set_aside(loaded)
        build(loaded)
        return folder / "site"

    second = again("second")
    assert _files(second) == _files(first)
    assert conversions == [] and searched == []  # every page's conversion and search entries were reused
    with pytest.raises(Abort):
        again("third", drop=("other.md",))  # index.md links to other.md: converted again, the link is broken
    assert any("other.md#table-other" in text for text in conversions)
