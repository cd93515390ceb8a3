"""Redact: what each edition may publish.

Commissioners fence narrative that providers must not see::

    ::: restricted
    Our budget for next year assumes ...
    :::

The internal edition shows the block with a visible label; the public edition
leaves it out before any placeholder inside it is filled, so nothing from it
can reach MkDocs. An unclosed, unopened or misspelt fence stops the build with
the file and line: a typo must never publish a restricted paragraph. So does a
fence Markdown would not read as one (inside a quote, a list item, a note, a
table, indented, or in a code block). HTML comments and hidden text are
handled before the fences are read (``markup``).

Line numbers are preserved (removed lines become blank lines) so that
template errors still point at the right line of the commissioner's file.
"""
from __future__ import annotations

import difflib
import re

from . import markup
from .problems import BuildError, Problem
from .values import Change, Figure, Namespace

#: The two editions. The public edition (what providers and the public read) is the only one
#: ever published; the internal edition (not for publication) keeps what the public one removes.
PUBLIC = "public"
INTERNAL = "internal"
EDITIONS = (INTERNAL, PUBLIC)
#: How each edition is named to readers, in page titles, banners, messages and docs.
EDITION_NAMES = {PUBLIC: "public edition", INTERNAL: "internal edition (not for publication)"}
#: A fence: at the very start of a line, outside quotes, lists, notes and indentation.
FENCE = re.compile(r"^:{3,}[ \t]*(?P<word>[^\s:]*)\s*(?P<rest>.*?)\s*$")
#: Three colons anywhere else on a line, with the word after them.
_STRAY = re.compile(r"(?<!:):{3,}[ \t]*(?P<word>[^\s:]*)")
#: What may stand before a closing ':::' inside a container: indentation, quote marks, list and
#: definition markers, table bars.
_CONTAINER = re.compile(r"^(?:[ \t>|]|[-*+:](?=[ \t])|\d{1,9}[.)](?=[ \t]))*$")
#: A marker mistyped: two colons, other punctuation or look-alike colons before the word.
_LOOKALIKE = re.compile(r"^[ \t>]*[^\w\s#*_`]{2,}[ \t]*(?P<word>[^\W\d_]+)\W*$")
MARKERS = ("restricted",)

START_SENTINEL = "\x00restricted-start\x00"
END_SENTINEL = "\x00restricted-end\x00"

INTERNAL_EDITION_LABEL = (
    '<div class="restricted" markdown="1">\n\n'
    '<p class="restricted__label"><strong>Not in the public edition.</strong> '
    "Providers and the public do not see this part: it is commercially sensitive.</p>\n"
)


def _like_marker(word: str) -> bool:
    word = word.lower()
    return "restrict" in word or bool(difflib.get_close_matches(word, MARKERS, n=1, cutoff=0.6))


def _stray_marker(line: str, in_code: bool) -> str | None:
    """Why a line that is not a fence still holds one (None if it does not).

    A fence inside a quote, a list, a note, a table or indentation would be read by Markdown as
    part of that container, not as a fence; a marker inside a code block would be published
    as code. Neither is redacted safely, so both stop the build.
    """
    for match in _STRAY.finditer(line):
        word = match["word"]
        if word and _like_marker(word):
            return "inside a code block" if in_code else "not at the start of the line"
        if not word and not in_code and _CONTAINER.match(line[:match.start()]) and not line[match.end():].strip():
            return "not at the start of the line"
    lookalike = _LOOKALIKE.match(line)
    if lookalike and not in_code and _like_marker(lookalike["word"]):
        return "mistyped (a marker is three colons: '::: restricted')"
    return None


def _fences(text: str, source_name: str) -> tuple[list[tuple[int, int]], list[Problem]]:
    """The restricted blocks of a page as (opening line, closing line), and the problems found."""
    lines = text.split("\n")
    in_code = markup.code_lines(lines)
    blocks: list[tuple[int, int]] = []
    problems: list[Problem] = []
    open_line: int | None = None
    for number, (line, code) in enumerate(zip(lines, in_code), start=1):
        match = None if code else FENCE.match(line)
        if match is None:
            where = _stray_marker(line, code)
            if where:
                problems.append(Problem(
                    "restricted-misplaced", f"a restricted-block marker {where}: the block would not be redacted",
                    file=source_name, line=number, value=line.strip(),
                    hint="write '::: restricted' and ':::' at the very start of their own lines, outside quotes, "
                         "lists, notes and code; to restrict a quote or a list, put the whole of it in the block"))
            continue
        word = match["word"].lower()
        if word == "":
            if open_line is None:
                problems.append(Problem("restricted-unopened", "a closing ':::' with no '::: restricted' above it",
                                        file=source_name, line=number,
                                        hint="open the block with '::: restricted' on its own line"))
            else:
                blocks.append((open_line, number))
                open_line = None
            continue
        if word not in MARKERS:
            near = difflib.get_close_matches(word, MARKERS, n=1, cutoff=0.5)
            problems.append(Problem("restricted-marker", f"unknown block marker '::: {match['word']}'",
                                    file=source_name, line=number,
                                    hint=f"did you mean '::: {near[0]}'?" if near else
                                    "the only block marker is '::: restricted'"))
            continue
        if open_line is not None:
            problems.append(Problem("restricted-nested", "'::: restricted' inside another restricted block",
                                    file=source_name, line=number,
                                    hint=f"close the block opened on line {open_line} with ':::' first"))
            continue
        open_line = number
    if open_line is not None:
        problems.append(Problem("restricted-unclosed", "'::: restricted' is never closed", file=source_name,
                                line=open_line, hint="end the block with ':::' on its own line"))
    return blocks, problems


def split_restricted(text: str, source_name: str, edition: str, check_markup: bool = True) -> str:
    """Apply ``::: restricted`` fences for an edition, keeping line numbers.

    HTML comments are removed first, in both editions (``markup.strip_comments``:
    Markdown never sees a fence inside a comment). Public edition: fenced
    lines become blank. Internal edition: the fences become sentinels that
    ``finish_restricted`` turns into a labelled block after rendering. Hidden
    text outside the blocks (``markup.hidden_markup``) and a misplaced, broken
    or unclosed fence or comment stop the build, every one reported at once.
    """
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: one of {EDITIONS}")
    text, problems = markup.strip_comments(text, source_name)
    blocks, fence_problems = _fences(text, source_name)
    problems += fence_problems
    restricted = {n for first, last in blocks for n in range(first, last + 1)}
    if check_markup:
        problems += markup.hidden_markup(text, source_name, skip_lines=restricted)
    if problems:
        raise BuildError(sorted(problems, key=lambda p: p.line or 0), stage="redact")
    lines = text.split("\n")
    starts = {first for first, _ in blocks}
    ends = {last for _, last in blocks}
    out = []
    for number, line in enumerate(lines, start=1):
        if edition == PUBLIC:
            out.append("" if number in restricted else line)
        else:
            out.append(START_SENTINEL if number in starts else END_SENTINEL if number in ends else line)
    return "\n".join(out)


def restricted_blocks(text: str, source_name: str) -> tuple[list[tuple[int, str]], str]:
    """The restricted blocks of a page (line of the fence, text) and the page's open text.

    The leak scan takes its restricted-text needles from here. Fences are read
    exactly as ``split_restricted`` reads them (a broken fence raises the same
    ``BuildError``).
    """
    marked = split_restricted(text, source_name, INTERNAL, check_markup=False)
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


class PublicEarlierYears:
    """The earlier years' figures (``disclosure.EarlierYears``) as the public edition may use them."""

    def __init__(self, years):
        self.years = years
        self.year = years.year
        self._contexts: dict = {}

    def context(self, year: int, name: str | None = None) -> Namespace | None:
        if (year, name) not in self._contexts:
            context = self.years.context(year, name)
            self._contexts[year, name] = None if context is None else public_context(context)
        return self._contexts[year, name]


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
    """A person's name as people write it, in any case and across a line break.

    For "Priya Holloway": Priya Holloway, Ms Priya Holloway, Priya K. Holloway; surname first
    (Holloway, Priya; HOLLOWAY Priya); initial and surname (P. Holloway, P Holloway, Ms P. K.
    Holloway); surname and initial (Holloway, P.; HOLLOWAY P); title and surname (Ms Holloway).
    A possessive 's stays after the replacement. A first name or a surname on its own is not
    matched: list it in ``restricted_names`` if it is used alone.
    """
    parts = entry.split()
    title = rf"(?:(?:{'|'.join(_TITLES)})\.?\s+)"
    forms = [rf"{title}?{_SEP.join(re.escape(p) for p in parts)}"]
    if len(parts) >= 2:
        first, last = re.escape(parts[0]), re.escape(parts[-1])
        initial = re.escape(parts[0][0])
        forms += [
            rf"{title}?{first}{_SEP}[^\W\d_]\.?{_SEP}{last}",                  # Priya K. Holloway
            _SEP.join(re.escape(p) for p in [parts[-1], *parts[:-1]]),            # Holloway, Priya
            rf"{title}?{initial}(?:\.\s*|\s+)(?:[^\W\d_]\.\s*)*{last}",          # P. Holloway, P. K. Holloway
            rf"{last},?\s+{initial}\.?",                                         # Holloway, P.
            rf"{title}{last}",                                                     # Ms Holloway
        ]
    return rf"(?<![\w@.]){'(?:' + '|'.join(forms) + ')'}(?![\w@])"


def replace_names(text: str, authority) -> str:
    """Public edition: named officers become the team, their contact details the team's email.

    Every entry of ``authority.yml``'s ``restricted_names`` is replaced: a name
    (in any case, across a line break, with or without a title, surname first,
    as initial and surname: see ``name_pattern``) by "the <team>" ("The
    <team>" at the start of a sentence, "'s" kept); an email address (also
    ``%40``, ``&#64;``, ``[at]`` forms) and a phone number (in any spacing,
    +44 or 0) by the team's email. Longest entries
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
            # Every form of a name holds its last word as written: a text without it (in any case) holds no
            # form of the name, and the long pattern is not run over it (issue 14: pages with charts are long).
            if not re.search(re.escape(entry.split()[-1]), text, flags=re.I):
                continue

            def named(match, _team=team_phrase):
                before = match.string[:match.start()].rstrip(" *_")
                start = before == "" or before.endswith(("\n", ".", "!", "?", ":", "#", "|", ">", "-", '"'))
                return _team[0].upper() + _team[1:] if start else _team
            text = re.sub(name_pattern(entry), named, text, flags=re.I)
    return text


def named_in(text: str, authority) -> str | None:
    """The ``restricted_names`` entry a text (a file name) holds, in any form ``replace_names``
    replaces or with the words run together (``PriyaHolloway``, ``holloway_priya``); None if none."""
    squashed = re.sub(r"[\W_]", "", text.lower())
    for entry in (str(e).strip() for e in authority.restricted_names):
        if not entry:
            continue
        if "@" in entry:
            pattern = email_pattern(entry)
        elif _is_phone(entry):
            pattern = phone_pattern(entry)
            if re.sub(r"\D", "", entry).lstrip("0") in re.sub(r"\D", "", text):
                return entry
        else:
            pattern = name_pattern(entry)
            parts = [re.sub(r"[\W_]", "", p.lower()) for p in entry.split()]
            if len(parts) >= 2 and ("".join(parts) in squashed or "".join([parts[-1], *parts[:-1]]) in squashed):
                return entry
        if re.search(pattern, text, flags=re.I):
            return entry
    return None
