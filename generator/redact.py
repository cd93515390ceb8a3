"""Redact: what each edition may publish.

Commissioners fence narrative that providers must not see::

    ::: restricted
    Our budget for next year assumes ...
    :::

The internal edition shows the block with a visible label; the public edition
leaves it out before any placeholder inside it is filled, so nothing from it
can reach MkDocs. An unclosed, unopened or misspelt fence stops the build with
the file and line: a typo must never publish a restricted paragraph.

Line numbers are preserved (removed lines become blank lines) so that
template errors still point at the right line of the commissioner's file.
"""
from __future__ import annotations

import difflib
import re

from .problems import BuildError, Problem
from .values import Change, Figure, Namespace

#: The two editions. The public edition (what providers and the public read) is the only one
#: ever published; the internal edition (not for publication) keeps what the public one removes.
PUBLIC = "public"
INTERNAL = "internal"
EDITIONS = (INTERNAL, PUBLIC)
#: How each edition is named to readers, in page titles, banners, messages and docs.
EDITION_NAMES = {PUBLIC: "public edition", INTERNAL: "internal edition (not for publication)"}
FENCE = re.compile(r"^\s*:{3,}\s*(?P<word>[^\s:]*)\s*(?P<rest>.*?)\s*$")
MARKERS = ("restricted",)

START_SENTINEL = "\x00restricted-start\x00"
END_SENTINEL = "\x00restricted-end\x00"

INTERNAL_EDITION_LABEL = (
    '<div class="restricted" markdown="1">\n\n'
    '<p class="restricted__label"><strong>Not in the public edition.</strong> '
    "Providers and the public do not see this part: it is commercially sensitive.</p>\n"
)


def split_restricted(text: str, source_name: str, edition: str) -> str:
    """Apply ``::: restricted`` fences for an edition, keeping line numbers.

    Public edition: fenced lines become blank. Internal edition: the fences
    become sentinels that ``finish_restricted`` turns into a labelled block
    after rendering.
    """
    lines = text.split("\n")
    out: list[str] = []
    problems: list[Problem] = []
    open_line: int | None = None
    in_code = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        match = None if in_code else FENCE.match(line)
        if match is None:
            out.append("" if open_line is not None and edition == PUBLIC else line)
            continue
        word = match["word"].lower()
        if word == "":
            if open_line is None:
                problems.append(Problem("restricted-unopened", "a closing ':::' with no '::: restricted' above it",
                                        file=source_name, line=number,
                                        hint="open the block with '::: restricted' on its own line"))
                out.append(line)
            else:
                open_line = None
                out.append("" if edition == PUBLIC else END_SENTINEL)
            continue
        if word not in MARKERS:
            near = difflib.get_close_matches(word, MARKERS, n=1, cutoff=0.5)
            problems.append(Problem("restricted-marker", f"unknown block marker '::: {match['word']}'",
                                    file=source_name, line=number,
                                    hint=f"did you mean '::: {near[0]}'?" if near else
                                    "the only block marker is '::: restricted'"))
            out.append(line)
            continue
        if open_line is not None:
            problems.append(Problem("restricted-nested", "'::: restricted' inside another restricted block",
                                    file=source_name, line=number,
                                    hint=f"close the block opened on line {open_line} with ':::' first"))
            continue
        open_line = number
        out.append("" if edition == PUBLIC else START_SENTINEL)
    if open_line is not None:
        problems.append(Problem("restricted-unclosed", "'::: restricted' is never closed", file=source_name,
                                line=open_line, hint="end the block with ':::' on its own line"))
    if problems:
        raise BuildError(problems, stage="redact")
    result = "\n".join(out)
    return public_markup(result, source_name) if edition == PUBLIC else result


def restricted_blocks(text: str, source_name: str) -> tuple[list[tuple[int, str]], str]:
    """The restricted blocks of a page (line of the fence, text) and the page's open text.

    The leak scan takes its restricted-text needles from here. Fences are read
    exactly as ``split_restricted`` reads them (a broken fence raises the same
    ``BuildError``).
    """
    marked = split_restricted(text, source_name, INTERNAL)
    blocks: list[tuple[int, str]] = []
    open_parts: list[str] = []
    rest = marked
    while START_SENTINEL in rest:
        before, rest = rest.split(START_SENTINEL, 1)
        open_parts.append(before)
        line = marked[:len(marked) - len(rest)].count("\n") + 1
        body, _, rest = rest.partition(END_SENTINEL)
        blocks.append((line, body))
    open_parts.append(rest)
    return blocks, "".join(open_parts)


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])"
                     r"|<[a-z][^>]*\shidden(?:\s*=\s*[\"']?[^\s>]*)?[\s/>]", re.I)


def _outside_code(text: str):
    """(start, end) spans of ``text`` outside fenced code blocks."""
    spans, start, in_code, position = [], 0, False, 0
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            if not in_code:
                spans.append((start, position))
            else:
                start = position
            in_code = not in_code
        position += len(line) + 1
    if not in_code:
        spans.append((start, len(text)))
    return spans


def public_markup(text: str, source_name: str) -> str:
    """Public edition, after ``split_restricted``: drop HTML comments, refuse hidden text.

    An HTML comment or text hidden with CSS (``display: none``) or the
    ``hidden`` attribute is still in the page's source and may reach the
    search index: hiding is not removing. Comments are authors' notes, so the
    public edition leaves them out (line numbers kept); hidden text stops
    the build with file and line.
    """
    problems = []
    out, last = [], 0
    for start, end in _outside_code(text):
        chunk = text[start:end]
        for match in _HIDDEN.finditer(_COMMENT.sub(lambda m: " " * len(m.group(0)), chunk)):
            line = text[:start + match.start()].count("\n") + 1
            problems.append(Problem("hidden-text", "text hidden with HTML or CSS is still published in the "
                                    "page's source", file=source_name, line=line, value=match.group(0).strip(),
                                    hint="put it inside a '::: restricted' block, or delete it"))
        out.append(text[last:start])
        out.append(_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), chunk))
        last = end
    out.append(text[last:])
    if problems:
        raise BuildError(problems, stage="redact (public edition)")
    return "".join(out)


def finish_restricted(markdown: str) -> str:
    """Internal edition: turn the sentinels into a visibly labelled block."""
    return markdown.replace(START_SENTINEL, INTERNAL_EDITION_LABEL).replace(END_SENTINEL, "\n</div>")


class SensitiveInProse(Exception):
    """A commercially sensitive figure used outside a restricted block."""


class WithheldFigure:
    """Stands in for a sensitive figure in the public edition: any use is an error."""

    def __init__(self, path: str):
        self.path = path

    def _fail(self, *args, **kwargs):
        raise SensitiveInProse(
            f"{self.path!r} is commercially sensitive and this text is not inside a restricted block")

    __str__ = __format__ = __bool__ = __float__ = __int__ = __lt__ = __gt__ = __le__ = __ge__ = _fail

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._fail()


def public_context(context: Namespace, path: str = "") -> Namespace:
    """The context with every sensitive figure replaced by a ``WithheldFigure``."""
    result = Namespace()
    for key, value in context.items():
        here = f"{path}.{key}" if path else key
        if isinstance(value, Namespace):
            result[key] = public_context(value, here)
        elif isinstance(value, (Figure, Change)) and value.sensitive:
            result[key] = WithheldFigure(here)
        else:
            result[key] = value
    return result


def public_frame(output, frame):
    """The figures an output may show in the public edition.

    Columns drawn only from commercially sensitive contract columns are
    dropped (``frame.attrs["column_sources"]`` says where each column comes
    from); if sensitive sources remain, the whole output is withheld.
    """
    from .catalogue import is_sensitive, sensitive_sources

    sensitive = sensitive_sources()
    column_sources = frame.attrs.get("column_sources")
    if column_sources:
        drop = [c for c, sources in column_sources.items()
                if c in frame.columns and any(s in sensitive for s in sources)]
        kept = frame.drop(columns=drop)
        kept.attrs = {**frame.attrs, "column_sources": {c: s for c, s in column_sources.items() if c not in drop}}
        remaining = {s for c in kept.columns for s in column_sources.get(c, ())}
        if not any(s in sensitive for s in remaining):
            return kept
    elif not is_sensitive(output):
        return frame
    raise SensitiveInProse(f"{output.name!r} is drawn from commercially sensitive data and is not inside a "
                           "restricted block")


# ---------------------------------------------------------------------------
# Named people and contact details (authority.yml restricted_names)
# ---------------------------------------------------------------------------

_SEP = r"[\W_]{1,3}"  # between the words of a name: spaces, a line break, a dot or hyphen, Markdown emphasis
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")


def _is_phone(entry: str) -> bool:
    return "@" not in entry and sum(ch.isdigit() for ch in entry) >= 6 and re.fullmatch(
        r"[\d\s+()\-./]+", entry.strip()) is not None


def phone_pattern(entry: str) -> str:
    """A phone number in any spacing: 01632 960417, 01632-960-417, +44 1632 960 417, +44 (0)1632 ..."""
    digits = re.sub(r"\D", "", entry)
    if digits.startswith("44"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    sep = r"[\s\-.()/\u00a0]*"
    return rf"(?<![\d])(?:(?:\+|00)\s*44{sep}(?:\(0\){sep})?|0{sep}){sep.join(digits)}(?!\d)"


def email_pattern(entry: str) -> str:
    """An email address, plain or obfuscated: ``a.b@c.d``, ``a.b%40c.d``, ``a.b&#64;c.d``, ``a.b [at] c [dot] d``."""
    local, _, domain = entry.strip().partition("@")
    dot = r"(?:\.|\s*\[dot\]\s*|\s+dot\s+|&#0*46;|%2[eE])"
    at = r"(?:@|%40|&#0*64;|&commat;|\s*\[at\]\s*|\s+at\s+)"

    def part(text):
        return dot.join(re.escape(p) for p in text.split("."))
    return rf"(?<![\w.+-]){part(local)}{at}{part(domain)}(?![\w-])"


def name_pattern(entry: str) -> str:
    """A person's name in any case, across a line break, with a title (Ms Priya Holloway), or as
    title and surname (Ms Holloway); a possessive 's stays after the replacement."""
    parts = entry.split()
    full = _SEP.join(re.escape(p) for p in parts)
    titles = "|".join(_TITLES)
    forms = [rf"(?:(?:{titles})\.?\s+)?{full}"]
    if len(parts) >= 2:
        forms.append(rf"(?:{titles})\.?\s+{re.escape(parts[-1])}")
    return rf"(?<![\w@.]){'(?:' + '|'.join(forms) + ')'}(?![\w@])"


def replace_names(text: str, authority) -> str:
    """Public edition: named officers become the team, their contact details the team's email.

    Every entry of ``authority.yml``'s ``restricted_names`` is replaced: a name
    (in any case, across a line break, with or without a title, "Ms Holloway"
    too) by "the <team>" ("The <team>" at the start of a sentence, "'s" kept);
    an email address (also ``%40``, ``&#64;``, ``[at]`` forms) and a phone
    number (in any spacing, +44 or 0) by the team's email. Longest entries
    first, so an email containing a name is replaced whole.
    """
    team = str(authority.contact.get("team") or "commissioning team").strip()
    email = str(authority.contact.get("email") or "").strip()
    team_phrase = team if team.lower().startswith("the ") else f"the {team}"
    for entry in sorted((str(e).strip() for e in authority.restricted_names), key=len, reverse=True):
        if not entry:
            continue
        if "@" in entry:
            text = re.sub(email_pattern(entry), email or team_phrase, text, flags=re.I)
        elif _is_phone(entry):
            text = re.sub(phone_pattern(entry), email or team_phrase, text)
        else:
            def named(match, _team=team_phrase):
                before = match.string[:match.start()].rstrip(" *_")
                start = before == "" or before.endswith(("\n", ".", "!", "?", ":", "#", "|", ">", "-", '"'))
                return _team[0].upper() + _team[1:] if start else _team
            text = re.sub(name_pattern(entry), named, text, flags=re.I)
    return text
