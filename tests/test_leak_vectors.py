"""Every way restricted material could reach the public edition (issue 9, item 6), planted in
a tiny real project:

- redactable forms (HTML comments, names written every way, images and SVGs referenced only
  from restricted text or from nowhere) in one shared build: none reaches any file of the
  public edition (site/), the internal edition keeps what belongs to it (and no comment);
- forms that cannot be redacted safely (a fence inside a quote, a list, a note, a table or a
  code block; an unclosed or ``--!>`` comment; hidden text in every spelling; a file that would
  replace a generated download; a published image named after an officer or that is not an
  image) in one build that must stop, naming each file and line, and publish nothing.
"""
from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import markup
from generator.check import decode_file, words
from generator.problems import BuildError
from generator.redact import INTERNAL, PUBLIC, named_in, replace_names, split_restricted

YEAR = 2026
AUTHORITY = SimpleNamespace(restricted_names=("Priya Holloway", "Daniel Okafor", "01632 960 417"),
                            contact={"team": "Placements Commissioning Team",
                                     "email": "commissioning@castlebridge.example.gov.uk"})


def png(text_chunks: dict[bytes, bytes] | None = None, compressed: bool = False) -> bytes:
    """A 1 x 1 PNG, with text chunks (tEXt, or iTXt compressed) as cameras and editors write them."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    for key, value in (text_chunks or {}).items():
        out += chunk(b"iTXt", key + b"\x00\x01\x00\x00\x00" + zlib.compress(value)) if compressed else \
            chunk(b"tEXt", key + b"\x00" + value)
    return out + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b"")


def jpeg_with_author(author: str) -> bytes:
    """A JPEG whose EXIF holds the author as Windows writes it (XPAuthor: UTF-16)."""
    exif = b"Exif\x00\x00II*\x00" + author.encode("utf-16-le") + b"\x00\x00"
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + b"\xff\xd9"


def edition_roots(site: Path) -> dict[str, Path]:
    """Where each edition of YEAR is: all of site/ is the public edition; the internal edition's year."""
    return {"public": site, "internal": site.with_name(site.name + "-internal") / str(YEAR)}


def text_of(path: Path) -> str:
    """A file as the leak scan reads it (decoded, as lower-case words), its own name included."""
    segments = decode_file(path) or []
    return " ".join(words(" ".join([path.as_posix(), *segments])))


# --- 1. Redactable forms: one shared build ----------------------------------------------------

NOTES = """# Notes

Open text about homes for every reader. ![Map of the borough](map.png) ![Key](legend.svg)

<!-- wren cobalt note spanning a code block
```text
the wren cobalt tariff stays in the code block
```
the wren cobalt review is private -->

A sentence with an inline <!-- cormorant velvet aside --> comment.

Holloway, Priya and HOLLOWAY Priya's team met P. Holloway, P Holloway, Ms P. K. Holloway and
holloway, p. about it. Okafor, Daniel and D. Okafor agreed.

::: restricted
The osprey saffron plan is in the chart below.

![Officer photo](priya-holloway.png)

![Saffron chart](osprey-saffron.svg)

<img src="../restricted-only.jpg" alt="kestrel photo">

<!-- kestrel umber remark inside the restricted block -->
:::

Closing open text.
"""

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="1" y="5">osprey saffron '
       "chart label for the internal edition only</text></svg>")

#: Words that must reach no public file (and, for comments, no file of either edition).
COMMENT_CANARIES = ("wren cobalt", "cormorant velvet", "kestrel umber")
RESTRICTED_CANARIES = ("osprey saffron", "kestrel photo")
NAME_CANARIES = ("holloway", "okafor", "priya")


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    """The canary project of test_provider_edition, plus a page and files planting every redactable form."""
    from test_provider_edition import make_project

    from generator.build import build

    root = make_project(tmp_path_factory.mktemp("vectors") / "project")
    content = root / "content" / str(YEAR)
    statement = content / "statement.yml"
    statement.write_text(statement.read_text(encoding="utf-8") + "  - Notes: notes.md\n", encoding="utf-8")
    (content / "notes.md").write_text(NOTES, encoding="utf-8")
    (content / "map.png").write_bytes(png({b"Title": b"Map of the borough"}))
    (content / "priya-holloway.png").write_bytes(png({b"Author": b"Priya Holloway"}))
    (content / "osprey-saffron.svg").write_text(SVG, encoding="utf-8")
    (content / "legend.svg").write_text(SVG.replace("osprey saffron chart label for the internal edition only",
                                                    "Key to the map"), encoding="utf-8")
    (content / "restricted-only.jpg").write_bytes(jpeg_with_author("Priya Holloway"))
    (content / "unused.gif").write_bytes(b"GIF89a" + b"Daniel Okafor")
    site = root / "site"
    build(root, site, years=[YEAR])
    return SimpleNamespace(root=root, site=site, **edition_roots(site))


@pytest.mark.slow
def test_no_restricted_comment_or_name_reaches_any_public_file(vectors):
    files = [p for p in sorted(vectors.public.rglob("*")) if p.is_file()]
    suffixes = {p.suffix for p in files} | {"".join(p.suffixes[-2:]) for p in files}
    assert {".html", ".json", ".csv", ".svg", ".js", ".png", ".xml.gz"} <= suffixes
    assert any(p.name == "404.html" for p in files)
    leaks = [(canary, p.relative_to(vectors.site).as_posix()) for p in files
             for canary in (*COMMENT_CANARIES, *RESTRICTED_CANARIES, *NAME_CANARIES) if canary in text_of(p)]
    assert leaks == []
    raw = [p for p in files if re.search(rb"holloway|okafor|wren|cormorant|kestrel|osprey", p.read_bytes(), re.I)]
    assert raw == []


@pytest.mark.slow
def test_only_files_the_published_text_refers_to_are_copied(vectors):
    year = vectors.public / str(YEAR)
    for name in ("map.png", "legend.svg"):
        assert (year / name).read_bytes() == (vectors.root / "content" / str(YEAR) / name).read_bytes()
    for name in ("priya-holloway.png", "osprey-saffron.svg", "restricted-only.jpg", "unused.gif"):
        assert not list(vectors.public.rglob(name)), name
        assert (vectors.internal / name).exists(), name  # the internal edition keeps every file


@pytest.mark.slow
def test_names_in_every_form_become_the_team(vectors):
    page = (vectors.public / str(YEAR) / "notes" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page).replace("&rsquo;", "'").replace("&#39;", "'")
    assert "The Placements Commissioning Team and the Placements Commissioning Team's team met" in text
    assert text.count("Placements Commissioning Team") >= 8


@pytest.mark.slow
def test_the_internal_edition_keeps_restricted_material_labelled_but_no_comment(vectors):
    from generator.check import INTERNAL_EDITION_MARK

    page = (vectors.internal / "notes" / "index.html").read_text(encoding="utf-8")
    assert "osprey saffron plan" in page and 'src="../osprey-saffron.svg"' in page
    assert INTERNAL_EDITION_MARK.split(".")[0] in page
    assert "Holloway, Priya" in page
    for path in (p for p in vectors.internal.rglob("*") if p.is_file()):
        assert not any(canary in text_of(path) for canary in COMMENT_CANARIES), path


# --- 2. Forms that cannot be redacted safely: the build stops, naming file and line ------------

#: what -> (the lines planted, which of them the build must name).
REFUSED = {
    "fence in a quote": ("> ::: restricted\n> canary quote text\n> :::", 0),
    "fence in a list item": ("- item\n\n    ::: restricted\n    canary list text\n    :::", 2),
    "fence in a note": ('!!! note "Budget"\n    ::: restricted\n    canary note text\n    :::', 1),
    "fence in a table cell": ("| a | b |\n| --- | --- |\n| ::: restricted canary | x |", 2),
    "fence in a code block": ("```\n::: restricted\n```", 1),
    "comment closed with --!>": ("Open <!-- canary note --!> after.", 0),
    "class sr-only": ('<span class="sr-only">canary</span>', 0),
    "class visually-hidden": ('<div class="visually-hidden">canary</div>', 0),
    "class md-visually-hidden": ('<p class="md-visually-hidden">canary</p>', 0),
    "template": ("<template>canary</template>", 0),
    "hidden input": ('<input type="hidden" name="x" value="canary">', 0),
    "hidden attribute": ("<div hidden>canary</div>", 0),
    "display none": ('<span style="display: none">canary</span>', 0),
    "CSS-escaped display none": ('<span style="display:\\6e one">canary</span>', 0),
    "entity display none": ('<span style="display&#58;none">canary</span>', 0),
    "visibility hidden": ("<p style='visibility:hidden'>canary</p>", 0),
    "style block": ("<style>.canary { display: none }</style>", 0),
    "attribute list hidden": ("A canary paragraph.\n{: hidden }", 1),
    "attribute list class": ("A canary paragraph.\n{ .sr-only }", 1),
    "note type that hides": ("!!! md-visually-hidden\n    canary", 0),
    "CDATA": ("<![CDATA[ canary ]]>", 0),
    "data address": ("[canary](data:text/html,hidden)", 0),
    "hidden markup printed by a placeholder": ("{{ '<div hidden>' }}canary{{ '</div>' }}", 0),
}


def refused_page() -> tuple[str, dict[str, int]]:
    """The page planting every refused form, and the line the build must name for each."""
    text, lines = "# Refused\n\n", {}
    for what, (snippet, offset) in REFUSED.items():
        lines[what] = text.count("\n") + 1 + offset
        text += snippet + "\n\n"
    return text, lines


@pytest.mark.slow
def test_forms_that_cannot_be_redacted_stop_the_build(tmp_path):
    from test_provider_edition import make_project

    from generator.build import build

    root = make_project(tmp_path / "project")
    content = root / "content" / str(YEAR)
    statement = content / "statement.yml"
    statement.write_text(statement.read_text(encoding="utf-8") + "  - Refused: refused.md\n"
                         "  - Unclosed: unclosed.md\n  - Gallery: gallery.md\n", encoding="utf-8")
    page, lines = refused_page()
    (content / "refused.md").write_text(page, encoding="utf-8")
    (content / "gallery.md").write_text("# Gallery\n\n![Map](priya-holloway-map.png) ![Chart](chart.png)\n",
                                        encoding="utf-8")
    (content / "unclosed.md").write_text("# Unclosed\n\nOpen.\n\n<!-- Note to self: canary Priya\n\nMore.\n",
                                         encoding="utf-8")
    (content / "downloads").mkdir()
    (content / "downloads" / "action_plan.csv").write_text("ref,saving\nA1,10000\n", encoding="utf-8")
    (content / "priya-holloway-map.png").write_bytes(png())
    (content / "chart.png").write_text("provider,spend\nCanary Quill,287654\n", encoding="utf-8")
    site = root / "site"
    site.mkdir()
    (site / "previous.html").write_text("the site as it was", encoding="utf-8")

    with pytest.raises(BuildError) as info:
        build(root, site, years=[YEAR])
    found = {(p.code, p.file, p.line) for p in info.value.problems}
    refused = f"content/{YEAR}/refused.md"
    missing = [what for what, line in lines.items()
               if not any(file == refused and at == line for _, file, at in found)]
    assert missing == [], f"not refused at their line: {missing}\n{info.value}"
    assert ("comment-unclosed", f"content/{YEAR}/unclosed.md", 5) in found
    assert ("content-reserved", f"content/{YEAR}/downloads/action_plan.csv", None) in found
    assert ("file-named", f"content/{YEAR}/priya-holloway-map.png", None) in found
    assert ("file-not-image", f"content/{YEAR}/chart.png", None) in found
    assert "action_plan.csv" in str(info.value) and "redacted" in str(info.value)
    # nothing was published: the previous site is untouched
    assert sorted(p.name for p in site.iterdir()) == ["previous.html"]


# --- the rules, one by one (fast) --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "> ::: restricted\n> secret\n> :::\n",
    ">::: restricted\nsecret\n:::\n",
    "- ::: restricted\n  secret\n  :::\n",
    "1. item\n\n    ::: restricted\n    secret\n    :::\n",
    "  ::: restricted\nsecret\n:::\n",
    "Term\n:   ::: restricted\n    secret\n    :::\n",
    "```\n::: restricted\nsecret\n:::\n```\n",
    "~~~\n:::Restricted\n~~~\n",
    ":: restricted\nsecret\n:::\n",
    "\uff1a\uff1a\uff1a restricted\nsecret\n:::\n",
])
def test_a_fence_markdown_would_not_read_as_one_is_refused(text):
    with pytest.raises(BuildError) as info:
        split_restricted(text, "content/2026/x.md", PUBLIC)
    assert info.value.problems[0].code == "restricted-misplaced"
    first = next(i for i, line in enumerate(text.split("\n"), 1) if "restricted" in line.lower())
    assert info.value.problems[0].line == first


def test_a_fence_after_an_indented_or_unclosed_code_fence_is_still_a_fence():
    # Markdown reads neither of these as a code block, so the fences are real and redacted.
    for text in ("Para\n\n    ```\n::: restricted\nsecret\n:::\n", "```\n\n::: restricted\nsecret\n:::\n"):
        assert "secret" not in split_restricted(text, "content/2026/x.md", PUBLIC)


def test_comments_are_removed_from_both_editions_keeping_line_numbers():
    text = "a <!-- one --> b\n<!-- two\n```\nthree\n```\nfour -->\nc\n::: restricted\n<!-- five -->\n:::\n"
    for edition in (INTERNAL, PUBLIC):
        out = split_restricted(text, "x.md", edition)
        assert out.count("\n") == text.count("\n")
        assert not re.search("one|two|three|four|five", out)
    # a comment in a code block is code, shown as it is
    assert "<!-- shown -->" in split_restricted("```html\n<!-- shown -->\n```\n", "x.md", PUBLIC)
    # a fence commented out is no fence: Markdown never sees it
    assert split_restricted("<!--\n::: restricted\n-->\nopen\n", "x.md", PUBLIC).strip() == "open"
    assert [line for line, _ in markup.comments(text)] == [1, 2, 9]


@pytest.mark.parametrize("text, line", [("a\n\n<!-- never closed\n\nb\n", 3), ("a <!-- x --!> b\n", 1)])
def test_broken_comments_stop_the_build(text, line):
    with pytest.raises(BuildError) as info:
        split_restricted(text, "content/2026/x.md", INTERNAL)
    assert (info.value.problems[0].file, info.value.problems[0].line) == ("content/2026/x.md", line)


def test_allowed_markup_passes():
    text = ('!!! note "Good to know"\n    A note.\n\n??? tip\n    More.\n\n[A button](x.md){ .md-button }\n\n'
            '<abbr title="Children looked after">CLA</abbr> <strong>bold</strong> {{ looked_after.total }}\n'
            "```html\n<div hidden>code is shown as code</div>\n```\n"
            '::: restricted\n<span style="display:none">restricted blocks may</span>\n:::\n')
    split_restricted(text, "x.md", PUBLIC)
    split_restricted(text, "x.md", INTERNAL)


@pytest.mark.parametrize("text", [
    "Holloway, Priya", "HOLLOWAY Priya", "holloway priya's", "P. Holloway", "P Holloway", "p.holloway",
    "Ms P. K. Holloway", "Holloway, P.", "HOLLOWAY P", "Priya K. Holloway", "Dr Okafor", "Okafor, Daniel",
    "D. Okafor",
])
def test_every_form_of_a_name_is_replaced_and_scanned(text):
    from test_leak_scan import _names_withheld

    from generator.check import find_leaks

    out = replace_names(f"Ask {text} today.", AUTHORITY)
    assert "holloway" not in out.lower() and "okafor" not in out.lower()
    assert "Placements Commissioning Team" in out
    assert find_leaks([f"<p>Ask {text} today.</p>"], _names_withheld()), "the leak scan finds it too"
    assert not find_leaks([f"<p>{out}</p>"], _names_withheld())


def test_names_are_not_found_in_other_words():
    for text in ("Holloway Park", "Hollowayne Smith", "Priyanka Holloway-Jones", "step holloway", "Daniel's"):
        assert replace_names(text, AUTHORITY) == text


@pytest.mark.parametrize("name, expected", [
    ("priya-holloway.png", "Priya Holloway"), ("PriyaHolloway.svg", "Priya Holloway"),
    ("maps/holloway_priya_2026.jpg", "Priya Holloway"), ("p.holloway.png", "Priya Holloway"),
    ("okafor-daniel.png", "Daniel Okafor"), ("call-01632960417.png", "01632 960 417"), ("map.png", None),
    ("hollow-way.png", None),
])
def test_file_names_holding_a_restricted_name(name, expected):
    assert named_in(name, AUTHORITY) == expected


def test_references_resolve_from_the_file_and_from_the_page_address():
    page = ("![a](img/a.png) [b](../b.svg#x) ![c][c]\n\n[c]: <c.png>\n"
            '<img src="../d.png"> <img srcset="e.png 1x, f.png 2x"> <a href="https://x/g.png">g</a>')
    assert markup.references(page, "market/supply.md") >= {
        "market/img/a.png", "b.svg", "market/c.png", "market/d.png", "market/supply/e.png", "market/f.png"}
    assert not any("g.png" in p for p in markup.references(page, "market/supply.md"))


def test_image_metadata_is_read_by_the_leak_scan():
    from test_leak_scan import _names_withheld

    from generator.check import find_leaks

    for name, data in (("a.png", png({b"Author": b"Priya Holloway"})),
                       ("b.png", png({b"Description": b"by Daniel Okafor"}, compressed=True)),
                       ("c.jpg", jpeg_with_author("Priya Holloway"))):
        assert find_leaks(decode_file(Path(name), data), _names_withheld()), name
    assert not find_leaks(decode_file(Path("d.png"), png({b"Title": b"Map"})), _names_withheld())
    assert decode_file(Path("font.woff2"), b"wOF2Priya Holloway") is None
