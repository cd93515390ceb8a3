"""Glossary links: the first use of each glossary term on a page links to its definition.

The year's ``glossary.md`` is the one declaration: each term is a definition list entry under the
``## Terms`` heading (``**Care leaver**`` then ``: A young person who ...``); a bracketed
abbreviation is a second name for it (``**Independent fostering agency (IFA)**``). The glossary page
marks each term as a definition (``<dfn id="term-care-leaver">``); on every other narrative page
the first use of each term in running text (not in a heading, a link, code, a table or a chart)
links to it, with the plural too ("care leavers"). A commissioner writes nothing extra.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

GLOSSARY_PAGE = "glossary.md"
_TERM_LINE = re.compile(r"^\*\*(?P<term>[^*\n]+?)\*\*[ \t]*$")
_DEFINITION = re.compile(r"^:[ \t]+\S")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]")
#: Spans of a line no link may go inside: Markdown links and images, code, HTML tags, attribute lists,
#: addresses, and text already linked.
_PROTECTED = re.compile(r"!?\[[^\]]*\]\([^)]*\)|`[^`]*`|<[^>]+>|\{[^}]*\}|https?://\S+|\S+@\S+")


@dataclass(frozen=True)
class Term:
    name: str            # as the glossary writes it: "Independent fostering agency (IFA)"
    anchor: str          # "term-independent-fostering-agency"
    pattern: re.Pattern  # its names as running text may write them
    #: The first word of each of its names, lower-cased, when all are ASCII (else none): any match of
    #: ``pattern`` in ASCII text holds one of them.
    hints: tuple[str, ...] = ()


def _slug(text: str) -> str:
    return "term-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _forms(name: str) -> list[str]:
    """``Independent fostering agency (IFA)`` -> the full name and the abbreviation."""
    match = re.fullmatch(r"(.+?)\s*\(([^)]+)\)", name)
    return [match.group(1), match.group(2)] if match else [name]


def _form_pattern(form: str) -> str:
    words = [re.escape(w) for w in form.split()]
    last = words[-1]
    words[-1] = "(?:children|child)" if form.split()[-1].lower() == "child" else f"{last}(?:s|es)?"
    body = r"\s+".join(words)
    if form.isupper() and len(form) > 1:  # an abbreviation: as written (IFA, not "ifa")
        return rf"(?-i:\b{body}\b)"
    return rf"\b{body}\b"


def terms_of(glossary_markdown: str) -> list[Term]:
    """The terms defined under the glossary's ``## Terms`` heading (symbols such as ``c`` are not linked)."""
    lines = glossary_markdown.split("\n")
    terms, in_terms = [], False
    for i, line in enumerate(lines):
        if _HEADING.match(line):
            in_terms = line.strip("# \t").lower() == "terms"
            continue
        match = _TERM_LINE.match(line)
        if in_terms and match and i + 1 < len(lines) and _DEFINITION.match(lines[i + 1]):
            name = match.group("term").strip()
            forms = sorted(_forms(name), key=len, reverse=True)
            pattern = re.compile("|".join(_form_pattern(f) for f in forms), re.I)
            hints = tuple(form.split()[0].lower() for form in forms)
            terms.append(Term(name, _slug(_forms(name)[0]), pattern, hints if all(map(str.isascii, hints)) else ()))
    return terms


def mark_definitions(glossary_markdown: str, terms: list[Term]) -> str:
    """The glossary page with each term a ``<dfn>`` carrying the anchor the other pages link to."""
    by_name = {t.name: t for t in terms}
    out, in_terms = [], False
    for line in glossary_markdown.split("\n"):
        if _HEADING.match(line):
            in_terms = line.strip("# \t").lower() == "terms"
        match = _TERM_LINE.match(line)
        if in_terms and match and match.group("term").strip() in by_name:
            term = by_name[match.group("term").strip()]
            line = f'<dfn id="{term.anchor}">{term.name}</dfn>'
        out.append(line)
    return "\n".join(out)


def _blocks(lines: list[str]):
    """(first line, last line + 1) of each block of lines between blank lines."""
    start = None
    for i, line in enumerate([*lines, ""]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            yield start, i
            start = None


def link_terms(markdown: str, terms: list[Term], docs_path: str) -> str:
    """Link the first use of each term in the page's running text to the glossary."""
    if not terms or docs_path == GLOSSARY_PAGE:
        return markdown
    href = posixpath.relpath(GLOSSARY_PAGE, posixpath.dirname(docs_path) or ".")
    lines = markdown.split("\n")
    skip = [False] * len(lines)
    if lines and lines[0].strip() == "---":  # front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
        for i in range(end + 1):
            skip[i] = True
    fence = None
    for i, line in enumerate(lines):
        if fence:
            skip[i] = True
            fence = None if line.lstrip().startswith(fence) else fence
        elif re.match(r"^ {0,3}(```|~~~)", line):
            fence, skip[i] = line.lstrip()[:3], True
    for start, end in _blocks(lines):
        if lines[start].lstrip().startswith("<") and "markdown" not in lines[start]:
            for i in range(start, end):  # a raw HTML block: a chart, a table
                skip[i] = True
    linked: set[str] = set()
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if skip[i] or not stripped or _HEADING.match(line) or stripped.startswith(("|", "<", ":::", "!!!", "???")):
            continue
        lines[i] = _link_line(line, terms, linked, href)
    return "\n".join(lines)


def _link_line(line: str, terms: list[Term], linked: set[str], href: str) -> str:
    pieces, position = [], 0
    for protected in [*_PROTECTED.finditer(line), None]:
        stop = protected.start() if protected else len(line)
        pieces.append(_link_text(line[position:stop], terms, linked, href))
        if protected:
            pieces.append(protected.group(0))
            position = protected.end()
    return "".join(pieces)


def _link_text(text: str, terms: list[Term], linked: set[str], href: str) -> str:
    # Running text in plain ASCII (nearly all of it) holds a term only where it holds, lower-cased, the first
    # word of one of the term's forms (``Term.hints``): the others are not searched for.
    lowered = text.lower() if text.isascii() else None
    found = []  # (start, end, term): the earliest, then the longest, of the terms not linked yet
    for term in terms:
        if term.anchor in linked:
            continue
        if lowered is not None and term.hints and not any(hint in lowered for hint in term.hints):
            continue
        match = term.pattern.search(text)
        if match:
            found.append((match.start(), -(match.end() - match.start()), match.end(), term))
    if not found:
        return text
    start, _, end, term = min(found, key=lambda f: (f[0], f[1]))
    linked.add(term.anchor)
    title = f"Glossary: {term.name}".replace('"', "'")
    link = f'[{text[start:end]}]({href}#{term.anchor} "{title}")'
    return text[:start] + link + _link_text(text[end:], terms, linked, href)
