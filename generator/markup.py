"""Markup: what raw HTML and Markdown attributes a narrative page may carry.

Part of the redact stage (``redact.split_restricted`` calls it for both
editions). Hiding is not removing: text hidden on the page is still in its
source, in the search index and in every copy of the site. So:

- **HTML comments** (``<!-- ... -->``) are authors' notes: they are removed
  from both editions before anything else reads the page (a comment may span
  lines, a code block, even a restricted fence). A comment never closed, or
  closed with ``--!>`` (browsers end it there, Markdown too, so the text after
  it would be published), stops the build with the file and line.
- **Hidden text** outside restricted blocks stops the build with the file and
  line: elements that are never shown (``<template>``, ``<style>``,
  ``<script>``, ``<input>``, ``<svg>`` ...), the ``hidden`` attribute, any
  inline ``style`` (CSS can hide text in endless ways, escaped or not:
  ``display:\\6e one``), a class that may hide text (only the admonition types
  and Material's button classes are allowed: the theme and Material have
  classes such as ``md-visually-hidden`` or ``md-toggle`` that hide
  whatever they are put on), ``data:`` and ``javascript:`` addresses, and
  HTML the browser treats as a comment (``<![CDATA[``, ``<?``, ``<!DOCTYPE``).
  Markdown's own attribute lists (``{: hidden }``, ``{ .sr-only }``) and
  admonition types (``!!! sr-only``) are read the same way. A commissioner
  never needs any of these to write a statement; refusing them is safer than
  trying to remove what they hide.

Fenced code is left alone only where Markdown certainly reads it as code: a
fence at the start of a line (``` or ~~~), closed later by a line starting
with the same three characters. A fence Markdown would not read as code
(indented, never closed) is checked like any other text.
"""
from __future__ import annotations

import html
import re

from .problems import Problem

# ---------------------------------------------------------------------------
# Fenced code, as Markdown certainly reads it
# ---------------------------------------------------------------------------

_OPEN_FENCE = re.compile(r"^(`{3,}|~{3,})")


def code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is part of a fenced code block (fence lines included).

    Strict about what opens a block (a fence at the start of the line; one never closed opens
    nothing), loose about what closes it (any line starting with three of the fence's
    characters), so text is never taken for code when Markdown would publish it as text.
    """
    flags = [False] * len(lines)
    i = 0
    while i < len(lines):
        match = _OPEN_FENCE.match(lines[i])
        if match:
            close = match.group(1)[0] * 3
            end = next((j for j in range(i + 1, len(lines)) if lines[j].lstrip().startswith(close)), None)
            if end is not None:
                for j in range(i, end + 1):
                    flags[j] = True
                i = end + 1
                continue
        i += 1
    return flags


# ---------------------------------------------------------------------------
# HTML comments: removed from both editions
# ---------------------------------------------------------------------------

_COMMENT_OPEN = "<!--"
_COMMENT_CLOSE = "-->"
_BAD_CLOSE = "--!>"


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _comment_spans(text: str, source_name: str) -> tuple[list[tuple[int, int]], list[Problem]]:
    """(start, end) of every HTML comment outside fenced code, and the problems found."""
    lines = text.split("\n")
    in_code = code_lines(lines)

    def is_code(pos: int) -> bool:
        return in_code[_line_of(text, pos) - 1]

    spans, problems = [], []
    search = 0
    while True:
        start = text.find(_COMMENT_OPEN, search)
        if start < 0:
            break
        if is_code(start):
            search = start + len(_COMMENT_OPEN)
            continue
        end = text.find(_COMMENT_CLOSE, start + len(_COMMENT_OPEN))
        bad = text.find(_BAD_CLOSE, start + len(_COMMENT_OPEN))
        if bad >= 0 and (end < 0 or bad < end):
            problems.append(Problem("comment-bad-close", "an HTML comment closed with '--!>': browsers and Markdown "
                                    "end it there, so the text after it would be published",
                                    file=source_name, line=_line_of(text, bad),
                                    hint="close the comment with '-->', or delete it"))
            search = bad + len(_BAD_CLOSE)
            continue
        if end < 0:
            problems.append(Problem("comment-unclosed", "an HTML comment ('<!--') is never closed: everything after "
                                    "it would be published as text", file=source_name, line=_line_of(text, start),
                                    hint="close the comment with '-->', or delete it"))
            break
        spans.append((start, end + len(_COMMENT_CLOSE)))
        search = end + len(_COMMENT_CLOSE)
    return spans, problems


def strip_comments(text: str, source_name: str) -> tuple[str, list[Problem]]:
    """The page without its HTML comments (each becomes its line breaks, so line numbers hold)."""
    spans, problems = _comment_spans(text, source_name)
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append("\n" * text.count("\n", start, end))
        last = end
    out.append(text[last:])
    return "".join(out), problems


def comments(text: str) -> list[tuple[int, str]]:
    """Every closed HTML comment of a page outside code: (line, text). The leak scan looks for them."""
    spans, _ = _comment_spans(text, "")
    return [(_line_of(text, start), text[start + 4:end - 3]) for start, end in spans]


# ---------------------------------------------------------------------------
# Hidden text: refused outside restricted blocks
# ---------------------------------------------------------------------------

#: Elements whose content is never shown as text, or that carry text a reader does not see.
HIDDEN_ELEMENTS = frozenset((
    "template", "style", "script", "noscript", "noembed", "noframes", "iframe", "frame", "frameset", "object",
    "embed", "applet", "param", "meta", "link", "base", "head", "title", "input", "select", "option",
    "optgroup", "datalist", "form", "dialog", "svg", "canvas", "audio", "video", "slot", "font", "marquee",
))

#: Classes a page may use: the admonition types (``!!! note``) and their modifiers, Material's buttons, and
#: ``key-figures`` (theme/: a list shown as tiles, each led by its figure in bold).
ALLOWED_CLASSES = frozenset((
    "key-figures",
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check",
    "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing",
    "danger", "error", "bug", "example", "quote", "cite", "inline", "end", "md-button", "md-button--primary",
))

#: Attributes whose value is an address.
_URL_ATTRIBUTES = frozenset((
    "href", "src", "srcset", "action", "formaction", "data", "poster", "background", "cite", "longdesc",
    "xlink:href", "ping", "manifest",
))
_BAD_SCHEME = re.compile(r"^(?:javascript|data|vbscript):", re.I)

_TAG = re.compile(r"<(?P<name>[A-Za-z][\w:-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s"'>/=]+)"""
                        r"""(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+)))?""")
_BOGUS_COMMENT = re.compile(r"<!(?!--)|<\?|</(?![A-Za-z])")
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_JINJA_DELIMITERS = re.compile(r"\{\{-?|-?\}\}|\{%-?|-?%\}")
#: Markdown attribute lists: ``{: #id .class key="value" }`` (after a heading, a paragraph, a link ...).
_ATTR_LIST = re.compile(r"\{:?[ \t]*(?P<body>[^{}\n]+?)[ \t]*\}")
_ATTR_LIST_TOKEN = re.compile(r"""\.(?P<cls>[^\s.#=}]+)|#[^\s.#=}]+"""
                              r"""|(?P<key>[\w:-]+)(?:=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+)))?""")
#: Admonitions and collapsible notes: ``!!! note "Title"``, ``??? tip``, ``???+ warning inline``.
_ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+(?P<types>[^\"\n]*?)[ \t]*(?:\"[^\"\n]*\"[ \t]*)?$", re.M)
#: Markdown link and image targets.
_MD_TARGET = re.compile(r"\]\(\s*<?\s*(?P<url>[^)\s>]*)")


def _blank(text: str, pattern: re.Pattern) -> str:
    """``text`` with every match of ``pattern`` blanked (line breaks kept)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _classes_refused(classes) -> list[str]:
    return [c for c in classes if c and c.lower() not in ALLOWED_CLASSES]


def hidden_markup(text: str, source_name: str, skip_lines: set[int] = frozenset()) -> list[Problem]:
    """Problems for every form of hidden text in ``text`` (comments already removed).

    ``skip_lines``: 1-based lines not to check (restricted blocks); fenced code is skipped too.
    """
    lines = text.split("\n")
    in_code = code_lines(lines)
    text = "\n".join("" if code or number in skip_lines else line
                     for number, (line, code) in enumerate(zip(lines, in_code), start=1))
    # Placeholders are not attribute lists, but markup inside one (``{{ "<span hidden>" }}``) is
    # published as it is: only the delimiters go (and Jinja's own comments, which print nothing).
    text = _blank(_blank(text, _JINJA_COMMENT), _JINJA_DELIMITERS)
    found: list[Problem] = []

    def refuse(position: int, what: str, value: str) -> None:
        found.append(Problem("hidden-text", f"{what}: hidden text is still published in the page's source, the "
                             "search index and every copy of the site", file=source_name,
                             line=_line_of(text, position), value=value.strip()[:80],
                             hint="put the text inside a '::: restricted' block, or delete it; a page needs no "
                                  "HTML or CSS to hide or style text"))

    for match in _TAG.finditer(text):
        name = match["name"].lower()
        if name in HIDDEN_ELEMENTS:
            refuse(match.start(), f"the <{name}> element", match.group(0))
            continue
        for attribute in _ATTRIBUTE.finditer(match["attrs"]):
            key = attribute["name"].lower()
            value = html.unescape(attribute["dq"] or attribute["sq"] or attribute["bare"] or "")
            if key == "hidden":
                refuse(match.start(), "the 'hidden' attribute", match.group(0))
            elif key == "style":
                refuse(match.start(), "an inline style (CSS can hide text)", match.group(0))
            elif key == "class" and _classes_refused(value.split()):
                refuse(match.start(), f"the class {' '.join(_classes_refused(value.split()))!r} (a class can hide "
                       "text)", match.group(0))
            elif key in _URL_ATTRIBUTES and _BAD_SCHEME.match(re.sub(r"[\s\x00-\x1f]", "", value)):
                refuse(match.start(), "a 'data:' or 'javascript:' address (it can carry text nobody sees)",
                       match.group(0))
            elif key in ("width", "height") and re.fullmatch(r"\s*[01](?:\.0*)?\s*(?:px)?\s*", value):
                refuse(match.start(), f"an element {value.strip()} pixel wide or high", match.group(0))
    for match in _BOGUS_COMMENT.finditer(text):
        refuse(match.start(), "markup a browser reads as a comment ('<!', '<?' or '</' not followed by a tag "
               "name)", text[match.start():match.start() + 40].split("\n")[0])
    for match in _ATTR_LIST.finditer(text):
        for token in _ATTR_LIST_TOKEN.finditer(match["body"]):
            key = (token["key"] or "").lower()
            value = token["dq"] or token["sq"] or token["bare"] or ""
            if token["cls"] and _classes_refused([token["cls"]]):
                refuse(match.start(), f"the class {token['cls']!r} (a class can hide text)", match.group(0))
            elif key == "hidden":
                refuse(match.start(), "the 'hidden' attribute", match.group(0))
            elif key == "style" and token.group(0) != "style":
                refuse(match.start(), "an inline style (CSS can hide text)", match.group(0))
            elif key == "class" and _classes_refused(value.split()):
                refuse(match.start(), f"the class {value!r} (a class can hide text)", match.group(0))
    for match in _ADMONITION.finditer(text):
        refused = _classes_refused(match["types"].split())
        if refused:
            refuse(match.start(), f"the note type {' '.join(refused)!r} (it becomes a class, and a class can hide "
                   "text; use note, tip, info, warning ...)", match.group(0))
    for match in _MD_TARGET.finditer(text):
        if _BAD_SCHEME.match(match["url"]):
            refuse(match.start(), "a 'data:' or 'javascript:' address (it can carry text nobody sees)",
                   match.group(0))
    return sorted(found, key=lambda p: p.line or 0)


# ---------------------------------------------------------------------------
# Files a page refers to
# ---------------------------------------------------------------------------

_MD_LINK = re.compile(r"\]\(\s*<?(?P<url>[^)\s>]+)")
_MD_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(?P<url>[^\s>]+)", re.M)
#: (It starts with the first letter of one of the attributes: said first, so that the look-behind is tried only there.)
_HTML_URL = re.compile(r"""(?=[shdpx])(?<![\w-])(?:src|href|srcset|data|poster|xlink:href)\s*=\s*"""
                       r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))""", re.I)


def references(markdown: str, docs_path: str) -> set[str]:
    """Paths (from the docs root) that a page's Markdown may refer to: Markdown links and images,
    link definitions, and ``src``/``href``/``srcset`` ... of raw HTML.

    Each address is read both ways it can resolve: from the page's Markdown file (as MkDocs
    resolves Markdown links) and from the page's address (``market.md`` is served at
    ``market/``, which raw HTML is relative to). Addresses with a scheme or from the site root
    are left out.
    """
    from posixpath import dirname, join, normpath
    from urllib.parse import unquote

    urls = [m["url"] for m in _MD_LINK.finditer(markdown)] + [m["url"] for m in _MD_DEFINITION.finditer(markdown)]
    for match in _HTML_URL.finditer(markdown):
        value = html.unescape(match["dq"] or match["sq"] or match["bare"] or "")
        urls += [part.strip().split()[0] for part in value.split(",") if part.strip()]
    stem = docs_path[:-3] if docs_path.endswith(".md") else docs_path
    page_dir = dirname(stem) if stem.rsplit("/", 1)[-1] in ("index", "README") else stem
    found = set()
    for url in urls:
        url = unquote(url.split("#", 1)[0].split("?", 1)[0]).strip()
        if not url or re.match(r"^[A-Za-z][\w+.-]*:|^/", url):
            continue
        for base in (dirname(docs_path), page_dir):
            path = normpath(join(base, url))
            if not path.startswith(".."):
                found.add(path)
    return found
