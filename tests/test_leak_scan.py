"""The leak scan (generator/check.py): what it decodes, what it looks for, and that it
catches a leak planted in a built public edition, even gzipped or escaped (issue 4, point 4)."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import check
from generator.check import Needle, Withheld, decode_file, find_leaks, leak_scan
from generator.redact import replace_names, restricted_blocks

AUTHORITY = SimpleNamespace(
    restricted_names=("Priya Holloway", "Daniel Okafor", "priya.holloway@castlebridge.example.gov.uk",
                      "01632 960 417"),
    contact={"team": "Placements Commissioning Team", "email": "commissioning@castlebridge.example.gov.uk"},
    repo_url="https://github.com/castlebridge-example/sufficiency",
)


def names_only() -> Withheld:
    withheld = Withheld()
    withheld.add_phrase("Priya Holloway", Needle("named person", "Priya Holloway", "authority.yml"))
    withheld.add_phone("01632 960 417", Needle("contact", "01632 960 417", "authority.yml"))
    withheld.add_money(5105863.0, "sensitive figure", "data/2026/spend_with_providers.csv")
    withheld.add_text("The canary heron sleeps beneath the eastern viaduct every Tuesday night.",
                      Needle("restricted text", "The canary heron", "content/2026/x.md"))
    return withheld


def found(text: str, name: str = "page.html", withheld: Withheld | None = None) -> set[str]:
    segments = decode_file(Path(name), text.encode("utf-8"))
    return {n.text for n in find_leaks(segments, withheld or names_only())}


# --- decoding and matching -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "<p>Ask Priya Holloway.</p>",
    "<p>Ask PRIYA HOLLOWAY's team.</p>",
    "<p>Ask Priya\n   Holloway</p>",
    "<p>Ask Priya&nbsp;Holloway</p>",
    "<p>Ask <strong>Priya</strong> Holloway</p>",
    "<p>Ask Priya&#32;Holloway</p>",
    "<!-- internal: Priya Holloway --><p>Nothing</p>",
    "&lt;!-- Priya Holloway --&gt;",
    '<div style="display:none">Priya Holloway</div>',
    '<meta name="description" content="By Priya Holloway">',
    '<a href="https://example.org/?who=Priya%20Holloway">x</a>',
])
def test_names_are_found_however_written(text):
    assert "Priya Holloway" in found(text)


def test_json_escapes_are_undone():
    text = json.dumps({"docs": [{"text": "Ask Pri\u0079a Holl\u006fway, \u00a35,105,863"}]}, ensure_ascii=True)
    assert "\\u00a3" in text
    assert found(text, "search_index.json") == {"Priya Holloway", "£5,105,863"}


def test_javascript_string_escapes_are_undone():
    assert "Priya Holloway" in found('var a = "\\u0050riya Holloway";', "extra.js")


@pytest.mark.parametrize("text", ["call 01632 960 417", "call 01632960417", "call +44 1632 960417",
                                  "call +44 (0)1632 960 417", "call 01632-960-417"])
def test_phone_numbers_in_any_spacing(text):
    assert "01632 960 417" in found(f"<p>{text}</p>")


@pytest.mark.parametrize("text, expected", [
    ("<td>£5,105,863</td>", True),
    ("<td>&pound;5,105,863</td>", True),
    ("provider,service,spend\nX,childrens_home,5105863\n", True),
    ("provider,service,spend\nX,childrens_home,5105863.4\n", True),
    ("<td>5,105,863</td>", True),
    ("<td>£15,105,863</td>", False),
    ("<td>£5,105,8630</td>", False),
    ('<path d="M5105863.1"/>', False),
    ('<rect fill="#5105863"/>', False),
])
def test_money_as_shown_and_as_csv(text, expected):
    assert ("£5,105,863" in found(text, "x.csv" if "\n" in text else "x.html")) is expected


def test_restricted_text_is_found_across_tags_and_case():
    assert "The canary heron" in found("<p>THE <em>canary</em> heron sleeps beneath the\neastern viaduct.</p>")
    assert "The canary heron" in found('<p data-x="x">heron sleeps beneath the eastern viaduct every Tuesday</p>')


def test_restricted_text_needs_a_run_of_words():
    # seven words in a row (one short of check.SHINGLE), and words split between two attributes
    assert not found("<p>sleeps beneath the eastern viaduct every Tuesday</p>")
    assert not found('<p title="The canary heron sleeps">beneath the eastern viaduct</p>')


def test_short_numbers_and_ordinary_text_do_not_match():
    assert not found("<p>We looked after 417 children; 960 weeks; 1632 places. Priya said hello.</p>")


def test_gzip_files_are_unpacked():
    data = gzip.compress(b"<urlset><url><loc>https://x/Priya%20Holloway/</loc></url></urlset>")
    segments = decode_file(Path("sitemap.xml.gz"), data)
    assert {n.text for n in find_leaks(segments, names_only())} == {"Priya Holloway"}


def test_fonts_are_skipped_and_images_read_for_their_metadata():
    assert decode_file(Path("font.woff2"), b"wOF2\x00\x00Priya Holloway") is None
    assert "Priya Holloway" in decode_file(Path("logo.png"), b"\x89PNG\r\n\x1a\n\x00\x00Priya Holloway")


# --- replacing named people (public edition) -----------------------------------------------

def test_replace_names_covers_case_possessives_titles_and_contact_formats():
    text = ("Priya Holloway leads. Ask PRIYA HOLLOWAY's team, or Ms Holloway, or Dr Daniel\nOkafor.\n"
            "Email [priya.holloway@castlebridge.example.gov.uk](mailto:priya.holloway@castlebridge.example.gov.uk)"
            " or priya.holloway%40castlebridge.example.gov.uk; call 01632 960 417 or +44 (0)1632 960417.")
    out = replace_names(text, AUTHORITY)
    assert out.startswith("The Placements Commissioning Team leads. Ask the Placements Commissioning Team's team")
    assert "or the Placements Commissioning Team, or the Placements Commissioning Team." in out
    assert out.count("commissioning@castlebridge.example.gov.uk") == 5
    assert found(f"<p>{text}</p>", withheld=_names_withheld()) >= set(AUTHORITY.restricted_names)
    assert not found(f"<p>{out}</p>", withheld=_names_withheld())


def test_replace_names_leaves_other_words_alone():
    text = "Hollowayne Smith and Priyanka Holloway-Jones; 101632 960 4170."
    assert replace_names(text, AUTHORITY) == text


def _names_withheld() -> Withheld:
    withheld = Withheld()
    check.add_restricted_names(withheld, AUTHORITY.restricted_names)
    return withheld


def test_restricted_blocks_give_their_text_and_line():
    text = "Open.\n\n::: restricted\nSecret one.\n:::\n\nMore open.\n::: restricted\nSecret two.\n:::\n"
    blocks, open_text = restricted_blocks(text, "x.md")
    assert [(line, body.strip()) for line, body in blocks] == [(3, "Secret one."), (8, "Secret two.")]
    assert "Secret" not in open_text and "More open." in open_text


# --- a leak planted in a built public edition is caught --------------------------------------

@pytest.fixture(scope="module")
def public_copy(tmp_path_factory):
    """A copy of the canary project's public edition, site/ (test_provider_edition builds it once)."""
    from test_provider_edition import built_canary_project

    project = built_canary_project(tmp_path_factory)
    copy = tmp_path_factory.mktemp("planted") / "site"
    shutil.copytree(project.site, copy)
    return SimpleNamespace(site=copy, tree=project.public_tree, canary=project)


def test_the_built_public_edition_is_clean(public_copy):
    assert leak_scan(public_copy.site / "2026", public_copy.tree.withheld, "public 2026") == []


def _plant(public_copy, relative: str, edit) -> list:
    path = public_copy.site / "2026" / relative
    original = path.read_bytes()
    try:
        path.write_bytes(edit(original))
        return leak_scan(public_copy.site / "2026", public_copy.tree.withheld, "public 2026",
                         relative_to=public_copy.site.parent)
    finally:
        path.write_bytes(original)


def test_leak_in_gzipped_sitemap_is_caught(public_copy):
    canary = public_copy.canary

    def edit(data):
        xml = gzip.decompress(data).decode()
        xml = xml.replace("</urlset>", f"<url><loc>https://x/{canary.provider_name.replace(' ', '%20')}/</loc>"
                                       "</url></urlset>")
        return gzip.compress(xml.encode())
    problems = _plant(public_copy, "sitemap.xml.gz", edit)
    assert [p.file for p in problems] == ["site/2026/sitemap.xml.gz"]
    assert canary.provider_name in problems[0].message and "spend_with_providers" in problems[0].message


def test_leak_in_search_index_with_escapes_is_caught(public_copy):
    canary = public_copy.canary

    def edit(data):
        index = json.loads(data)
        sentence = canary.restricted_sentence.replace("'", "\u2019")
        index["docs"].append({"location": "x/", "title": "x",
                              "text": f"<p>{sentence.replace(' ', '&nbsp;', 3)} Call {canary.phone_variant}, "
                                      f"&pound;{canary.money_text[1:]}</p>"})
        return json.dumps(index, ensure_ascii=True).encode()
    problems = _plant(public_copy, "search/search_index.json", edit)
    assert {p.file for p in problems} == {"site/2026/search/search_index.json"}
    message = " ".join(p.message for p in problems)
    assert "restricted text" in message and "01632 960 417" in message and canary.money_text in message


def test_leak_in_html_comment_hidden_text_and_csv_is_caught(public_copy):
    canary = public_copy.canary
    problems = _plant(public_copy, "index.html", lambda d: d.replace(
        b"</body>", f'<!-- {canary.comment_sentence} --><div style="display:none">Daniel Okafor</div>'
                    f"</body>".encode()))
    message = " ".join(p.message for p in problems)
    assert all(p.file == "site/2026/index.html" for p in problems)
    assert "Daniel Okafor" in message and "restricted text" in message
    csv = next((public_copy.site / "2026" / "downloads").glob("*.csv")).name
    problems = _plant(public_copy, f"downloads/{csv}", lambda d: d + f"x,{canary.money_raw}\n".encode())
    assert [p.file for p in problems] == [f"site/2026/downloads/{csv}"]


def test_names_written_other_ways_comments_image_metadata_and_file_names_are_caught(public_copy):
    """What the public edition removes, slipped in after the build (issue 9): the scan catches each."""
    import struct
    import zlib

    canary = public_copy.canary
    root = public_copy.site / "2026"
    problems = _plant(public_copy, "index.html", lambda d: d.replace(
        b"</body>", b"<p>Ask HOLLOWAY, Priya or P. K. Holloway.</p></body>"))
    assert {p.file for p in problems} == {"site/2026/index.html"}
    assert "named person" in problems[0].message
    problems = _plant(public_copy, "404.html", lambda d: d.replace(
        b"</body>", f"<p>{canary.comment_sentence}</p></body>".encode()))
    assert [p.file for p in problems] == ["site/2026/404.html"] and "restricted text" in problems[0].message

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    image = root / "map.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"iTXt", b"Author\x00\x01\x00\x00\x00" +
                                                      zlib.compress(b"Okafor, Daniel")) + chunk(b"IEND", b""))
    named = root / "priya-holloway.svg"
    named.write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    try:
        problems = leak_scan(root, public_copy.tree.withheld, "public 2026", relative_to=public_copy.site.parent)
    finally:
        image.unlink()
        named.unlink()
    assert {p.file for p in problems} == {"site/2026/map.png", "site/2026/priya-holloway.svg"}


@pytest.mark.parametrize("relative", ["versions.json", "404.html", "index.html"])
def test_check_site_scans_the_root_of_the_public_site(public_copy, relative):
    path = public_copy.site / relative
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace(b"]", b', {"title": "Priya Holloway"}]', 1) if relative.endswith(".json")
                         else original.replace(b"</body>", b"<p>Priya Holloway</p></body>", 1))
        problems = check.check_site(public_copy.site, [public_copy.tree], None)
    finally:
        path.write_bytes(original)
    assert [p.file for p in problems] == [relative]


def test_an_internal_edition_page_in_the_public_site_is_caught(public_copy):
    """A page of the internal edition copied into site/ by mistake: its banner is a needle."""
    path = public_copy.site / "2026" / "internal-copy.html"
    internal_home = public_copy.canary.internal / "2026" / "index.html"
    path.write_bytes(internal_home.read_bytes())
    try:
        problems = check.check_site(public_copy.site, [public_copy.tree], None)
    finally:
        path.unlink()
    assert any(p.file == "2026/internal-copy.html" and "Internal edition: not for publication" in p.message
               for p in problems), problems


def test_a_file_every_year_shares_is_scanned_for_each_years_own_needles(tmp_path):
    """The same script in two years' folders (the theme's, scanned once for both years' needles): a name
    only 2025 withholds is reported in 2025's copy, not in 2026's; a clean copy is clean in both."""
    from types import SimpleNamespace as Tree

    site = tmp_path / "site"
    for year in ("2025", "2026"):
        (site / year / "assets").mkdir(parents=True)
        (site / year / "assets" / "bundle.js").write_text("var who = 'Daniel Okafor';", encoding="utf-8")
        (site / year / "assets" / "clean.js").write_text("var who = 'nobody';", encoding="utf-8")
    older, newer = Withheld(), names_only()
    older.add_phrase("Daniel Okafor", Needle("named person", "Daniel Okafor", "authority.yml"))
    trees = [Tree(edition="public", year=int(year), site_path=year, withheld=withheld, docs_dir=tmp_path / year)
             for year, withheld in (("2025", older), ("2026", newer))]
    problems = check.check_site(site, trees, None)
    assert [(p.file, "Daniel Okafor" in p.message) for p in problems if p.code == "leak"] == [
        ("2025/assets/bundle.js", True)]


# --- the other checks of the public edition -----------------------------------------------

def test_copied_files_other_than_images_are_refused(tmp_path):
    docs = tmp_path / "public" / "2026" / "docs"
    (docs / "downloads").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    (docs / "downloads" / "looked_after_trend.csv").write_text("a\n1\n")
    (docs / "map.png").write_bytes(b"\x89PNG")
    (docs / "notes.html").write_text("<p>draft</p>")
    (docs / "budget.xlsx").write_bytes(b"PK")
    tree = SimpleNamespace(docs_dir=docs, year=2026, downloads={"looked_after_trend.csv": "x"})
    problems = check.copied_files_check(tree)
    assert sorted(p.file for p in problems) == ["content/2026/budget.xlsx", "content/2026/notes.html"]


def test_edit_links_and_chart_specs_are_refused(tmp_path):
    (tmp_path / "a.html").write_text('<a href="https://github.com/x/y/edit/main/docs/a.md" rel="edit">Edit</a>')
    (tmp_path / "b.html").write_text('<script type="application/json">{"$schema": "https://vega.github.io/'
                                     'schema/vega-lite/v5.json", "data": {"values": []}}</script>')
    (tmp_path / "c.html").write_text("<p>fine</p>")
    problems = check.markup_check(tmp_path, "public edition 2026", tmp_path)
    assert [(p.file, "view-source" in p.message) for p in problems] == [("a.html", True), ("b.html", False)]
    config = tmp_path / "work" / "mkdocs.yml"
    config.parent.mkdir()
    config.write_text("site_name: x\nrepo_url: https://github.com/x/y\nedit_uri: edit/main/docs/\n")
    tree = SimpleNamespace(docs_dir=tmp_path / "work" / "docs")
    assert [p.value for p in check.config_check(tree)] == ["https://github.com/x/y", "edit/main/docs/"]


def test_needles_leave_out_what_is_published_anyway(tmp_path):
    """A run of words a restricted block shares with open text or the data, a provider named in the
    open narrative, and round or small amounts are no needles; everything else is."""
    import pandas as pd

    from generator.values import Figure, Namespace

    content = tmp_path / "content" / "2026"
    content.mkdir(parents=True)
    (content / "statement.yml").write_text("title: x\nnav: [index.md]\n")
    (content / "index.md").write_text(
        "# Home\n\nWe work with Open Door Fostering Ltd, as everyone knows.\n\n"
        "::: restricted\n"
        "We will publish a you said we did summary for children in care, as the plan says.\n\n"
        "The canary heron sleeps beneath the eastern viaduct every Tuesday night.\n"
        ":::\n")
    tables = {
        "action_plan": pd.DataFrame({"ref": ["A1"], "objective": ["x"], "lead": ["y"], "saving": [150000.0],
                                     "action": ["Publish a 'you said, we did' summary for children in care"]}),
        "spend_with_providers": pd.DataFrame({"provider": ["Open Door Fostering Ltd", "Secret Harbour Homes"],
                                              "service": ["fostering", "childrens_home"],
                                              "spend": [123456.0, 987.0]}),
    }
    view = SimpleNamespace(year=2026, tables=tables, history={2026: tables})
    context = Namespace(providers=Namespace(spend=Figure(124443.0, "money", sensitive=True)))
    withheld = check.withheld_needles(AUTHORITY, view, context, content)
    texts = set(withheld)
    assert "Secret Harbour Homes" in texts and "Open Door Fostering Ltd" not in texts
    assert {"£123,456", "£124,443"} <= texts and "£150,000" not in texts and "£987" not in texts
    assert any("canary heron" in n.text for n in withheld.shingles.values())
    assert not any(g[3:8] == ("summary", "for", "children", "in", "care") for g in withheld.shingles)
    assert not find_leaks(["<td>Publish a 'you said, we did' summary for children in care</td>"], withheld)


def test_the_themes_own_scripts_are_not_read_for_needles_but_a_changed_copy_is(tmp_path):
    """Material's scripts, copied unchanged into every year, hold nothing of the council's: a withheld phrase
    that happens to occur in them is no leak. The same file changed (here: a name added) is scanned."""
    import re
    from types import SimpleNamespace as Tree

    import material

    shipped = sorted((Path(material.__file__).parent / "templates" / "assets" / "javascripts").glob("bundle.*.js"))[0]
    data = shipped.read_bytes()
    words = re.search(rb"\b([a-z]{5,}) ([a-z]{5,})\b", data).group(0).decode()  # two words the theme ships
    site = tmp_path / "site"
    for year, extra in (("2025", b""), ("2026", b"\n// Daniel Okafor")):
        (site / year / "assets" / "javascripts").mkdir(parents=True)
        (site / year / "assets" / "javascripts" / shipped.name).write_bytes(data + extra)
    withheld = Withheld()
    for phrase in (words, "Daniel Okafor"):
        withheld.add_phrase(phrase, Needle("withheld text", phrase, "test"))
    trees = [Tree(edition="public", year=int(year), site_path=year, withheld=withheld, docs_dir=tmp_path / year)
             for year in ("2025", "2026")]
    problems = [p for p in check.check_site(site, trees, None) if p.code == "leak"]
    assert {p.file for p in problems} == {f"2026/assets/javascripts/{shipped.name}"}
    assert any("Daniel Okafor" in p.message for p in problems)
