"""The one door every file a person edits comes in by (issue 13).

Commissioners save narrative and settings from Notepad, Word and their phone;
analysts export tables from Excel. Whatever the tool, a file is either read as
its author meant it or refused with its name and the place to fix: never read
garbled, never a Python traceback.

- **Encodings.** UTF-8 (with or without a byte-order mark), UTF-16 with a
  byte-order mark (Excel's "Unicode text", Notepad's "Unicode") and Windows-1252
  (Notepad's "ANSI", Excel's plain "CSV") are read. A file that is UTF-8 except
  for a few Windows-1252 bytes (a curly apostrophe pasted from Word) is refused
  at each such byte (line, or cell for a table): decoding it either way would
  garble part of it. Text that was garbled before it was saved (``childrenâ€™s``,
  UTF-8 read as Windows-1252 once and saved again) is refused the same way.
- **YAML shapes.** ``read_yaml`` gives a mapping and the line of every key, or
  refuses the file naming the line: a file reduced to one line of text or a
  bare list where settings (``key: value`` lines) are expected.
- **Dates as councils write them**: ``2026-10-14``, ``14/10/2026``,
  ``14 October 2026``, ``14 Oct 2026``, ``14th October 2026``.
- **Front matter** (the ``---`` block at the top of a page): unclosed, not
  valid YAML (an unquoted colon in a title) or not settings stops the build
  with the file and line; MkDocs would otherwise publish it as text.

``load.py`` reads tables through ``decode`` and ``mojibake`` (cell by cell);
``config.py``, ``docs_tree.py``, ``build.py`` and ``newyear.py`` read the
settings and pages through ``read_text`` and ``read_yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .problems import BuildError, Problem

# ---------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: A multi-byte UTF-8 character: its presence shows a file was written as UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: Bytes Windows-1252 leaves undefined: a file holding one is not Windows-1252 text.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_ESCAPED = re.compile("[\udc80-\udcff]")

SAVE_AS_UTF8 = ("save the file as UTF-8 (Notepad: File > Save as > Encoding UTF-8; Excel: 'CSV UTF-8 "
                "(Comma delimited)')")


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was read.

    ``encoding`` is ``utf-8``, ``utf-16`` or ``cp1252``; ``mixed`` is true when the file is UTF-8
    with bytes that are not (each kept as a lone surrogate, ``\\udc92`` for the byte 0x92: see
    ``readable``); ``binary`` when it is not text at all.
    """

    text: str
    encoding: str
    mixed: bool = False
    binary: bool = False


def decode(raw: bytes) -> Decoded:
    """Bytes to text as the file's author wrote it (see the module's docstring)."""
    if raw.startswith(_UTF16_BOMS):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return Decoded(raw.decode("utf-16", errors="replace"), "utf-16", binary=True)
        return Decoded(text, "utf-16", binary="\x00" in text)
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM):]
    if b"\x00" in raw:
        return Decoded(raw.decode("utf-8", errors="replace"), "utf-8", binary=True)
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(raw):  # UTF-8 with a few bytes that are not: refused where they are
        return Decoded(raw.decode("utf-8", errors="surrogateescape"), "utf-8", mixed=True)
    if _CP1252_UNDEFINED.intersection(raw):
        return Decoded(raw.decode("cp1252", errors="replace"), "cp1252", binary=True)
    return Decoded(raw.decode("cp1252"), "cp1252")


def readable(text: str) -> str:
    """``text`` with each unreadable byte shown as ``[byte 0x92]`` (for messages)."""
    return _ESCAPED.sub(lambda m: f"[byte 0x{ord(m.group(0)) - 0xDC00:02x}]", text)


def has_escaped(text: str) -> bool:
    return bool(_ESCAPED.search(text))


# Text garbled before it was saved: UTF-8 bytes read as Windows-1252 (or Latin-1) and saved again.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf" + _CP1252_HIGH + "]+")


def _to_bytes(text: str) -> bytes | None:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))  # a C1 control character: Latin-1's reading of the byte
    return bytes(out)


def mojibake(text: str) -> tuple[str, str] | None:
    """The first garbled piece of ``text`` and what it was meant to say: ``('â€™', '’')``; else None."""
    for match in _MOJIBAKE.finditer(text):
        raw = _to_bytes(match.group(0))
        if raw is None:
            continue
        # The longest start of the piece that reads as UTF-8 (it may run into a real accent);
        # each garbled character stands for one byte.
        for end in range(len(raw), 1, -1):
            try:
                meant = raw[:end].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if any(ord(ch) > 0x7F for ch in meant):
                return match.group(0)[:end], meant
    return None


def mojibake_message(garbled: str, meant: str) -> str:
    return (f"garbled text {garbled!r} (it should read {meant!r}): the file was saved after being opened "
            "with the wrong encoding")


# ---------------------------------------------------------------------------
# Text files: narrative pages and settings
# ---------------------------------------------------------------------------

def _line_col(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def text_problems(decoded: Decoded, name: str, limit: int = 5) -> list[Problem]:
    """What stops a page or settings file being read as written: not text, mixed encodings, garbled text."""
    if decoded.binary:
        return [Problem("file-not-text", "this is not a text file (or not in an encoding the tool reads)",
                        file=name, expected="text saved as UTF-8, UTF-16 or Windows-1252", hint=SAVE_AS_UTF8)]
    problems = []
    if decoded.mixed:
        for match in list(_ESCAPED.finditer(decoded.text))[:limit]:
            line, _ = _line_col(decoded.text, match.start())
            around = decoded.text.split("\n")[line - 1].strip()
            problems.append(Problem(
                "file-encoding-mixed", f"the byte 0x{ord(match.group(0)) - 0xDC00:02x} is not UTF-8, though the rest "
                "of the file is (a character pasted from another program, such as a Word apostrophe)",
                file=name, line=line, value=readable(around)[:80], hint="retype the character, then " + SAVE_AS_UTF8))
        return problems
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        found = mojibake(line)
        if found:
            problems.append(Problem("text-garbled", mojibake_message(*found), file=name, line=number,
                                    hint=f"replace {found[0]!r} with {found[1]!r}"))
            if len(problems) >= limit:
                break
    return problems


def read_text(path: Path, name: str, stage: str = "input") -> str:
    """A page or settings file's text; BuildError naming ``name`` (and the line) if it cannot be read as written.

    Line endings are normalised to ``\\n``.
    """
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise BuildError(Problem("file-unreadable", f"could not read the file: {exc.strerror or exc}", file=name),
                         stage=stage) from None
    decoded = decode(raw)
    problems = text_problems(decoded, name)
    if problems:
        raise BuildError(problems, stage=stage)
    return decoded.text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------
# YAML settings
# ---------------------------------------------------------------------------

@dataclass
class YamlFile:
    """A settings file read as a mapping, with the line of each top-level key (1-based)."""

    name: str
    data: dict
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


_SHAPES = {"MappingNode": "settings", "SequenceNode": "a list", "ScalarNode": "a line of text"}


def parse_yaml(text: str, name: str, example: str, stage: str = "input", first_line: int = 1) -> YamlFile:
    """``text`` (a settings file or front matter) as a mapping; BuildError with the line at fault.

    Parsed once: the document's nodes (each key's line), then the values built from them, as
    ``yaml.safe_load`` builds them. The top-level keys are noted before the values are built (building
    them takes a ``<<`` merge's entries out of the mapping)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        keys = [key for key, _ in node.value] if isinstance(node, yaml.MappingNode) else []
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        raise BuildError(Problem("yaml-invalid", f"not valid settings: {_yaml_reason(exc)}", file=name,
                                 line=mark.line + first_line if mark else None, hint=_yaml_hint(exc, text, mark)),
                         stage=stage) from None
    finally:
        loader.dispose()
    if node is None:
        return YamlFile(name, {})
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        kind = _SHAPES.get(type(node).__name__, "something else")
        found = text.strip().split("\n", 1)[0][:60]
        hint = ("a list belongs under a setting: a line such as 'nav:' above it, each item indented"
                if isinstance(node, yaml.SequenceNode) else "each setting is a line 'name: value'")
        raise BuildError(Problem("yaml-not-settings", f"expected settings written as 'name: value' lines, found {kind}",
                                 file=name, line=node.start_mark.line + first_line, value=found,
                                 expected=example, hint=hint), stage=stage)
    lines: dict[str, int] = {}
    for key in keys:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = key.start_mark.line + first_line
        if key.value in lines:  # YAML would keep the last silently
            raise BuildError(Problem("yaml-key-repeated", f"the setting {key.value!r} appears twice, lines "
                                     f"{lines[key.value]} and {line}", file=name, line=line,
                                     hint="keep one of them"), stage=stage)
        lines[str(key.value)] = line
    return YamlFile(name, data, lines)


def _yaml_reason(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    return str(problem).rstrip(".")


def _yaml_hint(exc: yaml.YAMLError, text: str, mark) -> str | None:
    problem = str(getattr(exc, "problem", "") or "")
    if "mapping values are not allowed" in problem and mark is not None:
        line = text.split("\n")[mark.line] if mark.line < len(text.split("\n")) else ""
        key, _, value = line.partition(":")
        if value.strip():
            return (f"a value holding a colon needs quotes: {key.strip()}: \"{value.strip()}\"")
        return "a value holding a colon needs quotes"
    if "tab" in problem.lower():
        return "indent with spaces, not tabs"
    return "check the indentation and that each setting is written 'name: value'"


def read_yaml(path: Path, name: str, example: str, stage: str = "input") -> YamlFile:
    """A settings file as a mapping (``example`` shows what one looks like, for the message)."""
    return parse_yaml(read_text(path, name, stage), name, example, stage)


# ---------------------------------------------------------------------------
# Dates as councils write them
# ---------------------------------------------------------------------------

_MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for name in names}
DATE_FORMATS = "a date such as 14 October 2026, 14/10/2026 or 2026-10-14"


def parse_date(value) -> date | None:
    """``2026-10-14``, ``14/10/2026`` (day first, as in England), ``14 October 2026``, ``14 Oct 2026``,
    ``14th October 2026``, ``Wednesday 14 October 2026``; None if it is none of these or not a real day."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        text = re.sub(r"^[A-Za-z]+day,?\s+", "", text)
        if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", text):
            month = _MONTHS.get(m[2].lower())
            return date(int(m[3]), month, int(m[1])) if month else None
    except ValueError:
        return None
    return None


# ---------------------------------------------------------------------------
# Front matter of a narrative page
# ---------------------------------------------------------------------------

_FRONT_OPEN = re.compile(r"^-{3}[ \t]*$")
_FRONT_CLOSE = re.compile(r"^(?:-{3}|\.{3})[ \t]*$")
_META_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)$")
FRONT_MATTER_EXAMPLE = "---\ntitle: Our fostering service\ndescription: ...\n---"


def front_matter_problems(text: str, name: str) -> list[Problem]:
    """Front matter MkDocs would publish as text (or silently drop): unclosed, not valid YAML, not settings.

    MkDocs reads the lines between a first line ``---`` and the next ``---`` (or ``...``) as the
    page's settings, and if they are not valid YAML publishes them as text. Without a ``---``
    first line it reads leading ``key: value`` lines as settings and does not publish them.
    """
    lines = text.split("\n")
    if not lines or not _FRONT_OPEN.match(lines[0]):
        first = lines[0] if lines else ""
        if (m := _META_LINE.match(first)) and "{{" not in first and not first.lstrip().startswith(("http", "#")):
            return [Problem("front-matter-bare", f"the first line reads as a page setting ({m[1]!r}), which MkDocs "
                            "hides instead of publishing", file=name, line=1, value=first[:60],
                            hint="start the page with a heading (# Title), or put settings between two '---' "
                                 "lines")]
        return []
    close = next((i for i in range(1, len(lines)) if _FRONT_CLOSE.match(lines[i])), None)
    if close is None:
        return [Problem("front-matter-unclosed", "the page's settings block ('---' on line 1) is never closed: "
                        "the whole page would be published as text", file=name, line=1,
                        hint="end the settings with a line '---' before the page's text")]
    try:
        parse_yaml("\n".join(lines[1:close]) + "\n", name, FRONT_MATTER_EXAMPLE, stage="render", first_line=2)
    except BuildError as exc:
        return exc.problems
    return []
