"""Generated raw HTML set aside from Python-Markdown, then put back in the page's HTML (issue 14).

A page's charts and tables are large blocks of HTML made by our own code (``charts``, ``tables``):
each chart has two inline SVG drawings (wide and narrow) and a data table. Python-Markdown copies a
raw HTML block through unchanged, but only after parsing every tag of it (``md_in_html``); MkDocs
parses it again for its anchors, and Material's search parses the page's HTML once more to index it.
That was most of the MkDocs stage's cost, and the drawings' text (tick labels and figures, twice)
went into the search index as a run of digits, although the data table below each chart says the
same in words.

So, inside our MkDocs run only (``build.run_mkdocs`` adds ``SetAsideExtension`` and a plugin), each
``<svg>...</svg>`` and ``<table>...</table>`` of a page that Python-Markdown would copy unchanged is
replaced by a short token before Markdown parses the page, and put back, exactly as it was, in the
page's HTML:

- a table before the search plugin reads the page (``PUT_BACK_BEFORE_SEARCH``): the page and its
  search entries are what they were;
- a drawing in the final HTML, after the search plugin has read the page: the page is what it was;
  its search entries no longer hold the drawing's text.

The docs tree is untouched: it holds the Markdown a person would write, so plain MkDocs of the same
docs tree builds the same pages (``bench/build_bench.py`` compares with that). What readers get does
not change:

- A token is ``<X-ASIDE N="<number>"></X-ASIDE>``, its number unique in the page. A page whose text
  already holds ``x-aside`` (in any case) has nothing set aside: a token is never confused with
  anything the page says.
- Only a fragment Python-Markdown copies unchanged is set aside: one inside a raw HTML block, whose
  own tags open and close inside it (so it cannot end the block early), with no comment or script in
  it. The fragments inside an element with a ``markdown`` attribute (``md_in_html`` parses and
  rewrites those: the internal edition's restricted blocks) stay in place.
- Checked after Markdown, for every page: each token must have come out inside a raw HTML block
  (Python-Markdown's stash of them: not in a code block, not as inline HTML in a paragraph, not
  rewritten inside a ``markdown`` element) and exactly once in the page's HTML. Otherwise the page is
  converted again with nothing set aside.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

#: Kinds of fragment set aside (their tag names); those whose text stays searchable go back before the
#: search plugin reads the page, the others only into the final HTML.
KINDS = ("svg", "table")
PUT_BACK_BEFORE_SEARCH = frozenset({"table"})
#: Smaller fragments stay in place: setting them aside would save nothing.
MIN_SIZE = 200

TOKEN = '<X-ASIDE N="{}"></X-ASIDE>'
_TOKEN_WORD = "x-aside"
_OUTER = re.compile(r"<(/?)(svg|table)(?=[\s/>])", re.I)
#: An opening tag with a ``markdown`` attribute: ``md_in_html`` parses its content as Markdown.
_MARKDOWN_OPEN = re.compile(r"<([A-Za-z][\w-]*)(?=[\s/>])[^>]*?\smarkdown(?=[\s=/>])[^>]*>", re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
#: Python-Markdown's tags that never have an end tag (``HTMLExtractor.empty_tags``).
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                   "source", "track", "wbr"})
#: An id attribute, and an ``<a>``'s name: MkDocs' anchors.
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_A_NAME = re.compile(r"""<a\s[^>]*?\sname\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


@dataclass
class SetAside:
    """One page's fragments set aside: each token and its (kind, fragment)."""

    fragments: dict[str, tuple[str, str]] = field(default_factory=dict)
    verified: bool = True  # every token came out of Markdown inside a raw HTML block

    def tokens(self, before_search: bool) -> dict[str, str]:
        """The tokens that go back before the search plugin reads the page (or after it)."""
        return {token: text for token, (kind, text) in self.fragments.items()
                if (kind in PUT_BACK_BEFORE_SEARCH) == before_search}

    def came_through(self, page_html: str) -> bool:
        """Whether Markdown copied every token into a raw HTML block and the page holds each exactly once."""
        return self.verified and all(page_html.count(token) == 1 for token in self.fragments)

    def anchors(self) -> set[str]:
        """The ids the fragments set aside hold (MkDocs counts a page's raw HTML ids as its anchors)."""
        found = set()
        for _, fragment in self.fragments.values():
            for pattern in (_ID, _A_NAME):
                found.update(html.unescape(double or single) for double, single in pattern.findall(fragment))
        return found


def _markdown_spans(text: str) -> list[tuple[int, int]]:
    """Where the elements with a ``markdown`` attribute run (to the end of the text if unclosed)."""
    spans = []
    for match in _MARKDOWN_OPEN.finditer(text):
        tags = re.compile(rf"<(/?){re.escape(match.group(1))}(?=[\s/>])", re.I)
        depth, end = 1, len(text)
        for tag in tags.finditer(text, match.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        spans.append((match.start(), end))
    return spans


def _outermost(text: str):
    """(kind, start, end) of each outermost ``<svg>`` and ``<table>`` element, in order."""
    stack: list[str] = []
    start = 0
    for tag in _OUTER.finditer(text):
        closing, kind = tag.group(1), tag.group(2).lower()
        if not closing:
            if not stack:
                start = tag.start()
            stack.append(kind)
            continue
        if not stack or stack[-1] != kind:
            return  # not well nested: leave the rest of the page as it is
        stack.pop()
        if not stack:
            end = text.find(">", tag.end())
            if end < 0:
                return
            yield kind, start, end + 1


#: Fragments found self-contained, by their text: both editions of a year show mostly the same (issue 14).
_CONTAINED: dict[str, bool] = {}


def _self_contained(fragment: str) -> bool:
    """Every end tag in the fragment closes a tag opened in it, and every tag it opens is closed, so in
    a raw HTML block it cannot end the block nor change where it ends; no comment, CDATA or script,
    whose text an HTML parser does not read as tags."""
    known = _CONTAINED.get(fragment)
    if known is not None:
        return known
    if len(_CONTAINED) >= 4096:
        _CONTAINED.clear()
    _CONTAINED[fragment] = contained = _tags_balance(fragment)
    return contained


def _tags_balance(fragment: str) -> bool:
    if "<!" in fragment or "<?" in fragment:
        return False
    stack: list[str] = []
    for closing, name, empty in _TAG.findall(fragment):
        if closing:
            name = name.lower()
            if name not in stack:
                return False
            while stack.pop() != name:
                pass
        elif not empty:
            name = name.lower()
            if name in ("script", "style", "textarea"):
                return False
            if name not in _VOID:
                stack.append(name)
    return not stack


def set_aside(text: str) -> tuple[str, SetAside]:
    """The page's Markdown with its large SVG drawings and tables replaced by tokens, and those fragments."""
    aside = SetAside()
    if ("<svg" not in text and "<table" not in text) or _TOKEN_WORD in text.lower():
        return text, aside
    spans = _markdown_spans(text)
    pieces, last = [], 0
    for kind, start, end in list(_outermost(text)):
        if end - start < MIN_SIZE or any(a < end and start < b for a, b in spans):
            continue
        fragment = text[start:end]
        if (kind == "svg" and "data-search-" in fragment) or not _self_contained(fragment):
            continue  # Material's search removes data-search-* attributes from the page: leave it to do so
        token = TOKEN.format(len(aside.fragments) + 1)
        pieces += [text[last:start], token]
        aside.fragments[token] = (kind, fragment)
        last = end
    if not aside.fragments:
        return text, aside
    pieces.append(text[last:])
    return "".join(pieces), aside


def put_back(page_html: str, tokens: dict[str, str]) -> str:
    """The HTML with each token replaced by its fragment."""
    for token, fragment in tokens.items():
        page_html = page_html.replace(token, fragment)
    return page_html


class SetAsideExtension(Extension):
    """Python-Markdown's side: sets the fragments aside once its whitespace is normalised and fenced code is
    stashed (before MkDocs' and ``md_in_html``'s HTML parsers run), and checks afterwards that each token came
    out in a raw HTML block. ``pages[key]`` holds each page's ``SetAside``; ``key`` is the page being
    converted (None: set nothing aside)."""

    def __init__(self):
        super().__init__()
        self.key: str | None = None
        self.pages: dict[str, SetAside] = {}

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_SetAsidePreprocessor(md, self), "sufficiency_set_aside", 22)
        md.postprocessors.register(_CheckPostprocessor(md, self), "sufficiency_set_aside_check", 0)


class _SetAsidePreprocessor(Preprocessor):
    def __init__(self, md, extension: SetAsideExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        key = self.extension.key
        if key is None:
            return lines
        text, aside = set_aside("\n".join(lines))
        self.extension.pages[key] = aside
        return text.split("\n") if aside.fragments else lines


class _CheckPostprocessor(Postprocessor):
    def __init__(self, md, extension: SetAsideExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        aside = self.extension.pages.get(self.extension.key) if self.extension.key is not None else None
        if aside is not None and aside.fragments:
            blocks = [block for block in self.md.htmlStash.rawHtmlBlocks if isinstance(block, str)]
            aside.verified = all(any(token in block for block in blocks) for token in aside.fragments)
        return text
