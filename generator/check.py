"""Check: what is about to be published, file by file, before it replaces site/.

The leak scan reads every file the public edition wrote (HTML, the search
index, sitemaps including the gzipped one, the 404 page, CSV, SVG, JSON, JS,
anything else that decodes as text) and fails the build if anything withheld
from that edition appears in it. What is withheld (``Withheld``) is gathered
when the edition's docs tree is rendered (``withheld_needles``):

- **named people and contact details** from ``authority.yml``
  (``restricted_names``), in any case, with possessives, a phone number in any
  spacing (``01632 960417``, ``+44 1632 960 417``), an email however escaped;
- **the authority's repository address** (edit and view-source links);
- **every text cell of a commercially sensitive column** (provider names in
  ``spend_with_providers``), for every year of data the statement can see;
- **sensitive money values**, as the site formats them (``£1,234,567``) and as
  a CSV writes them (``1234567``): cells of sensitive columns and sensitive
  figures of the template namespace. Only values of £1,000 or more (a short
  number would match ordinary text); a sensitive value that equals a figure
  the edition publishes anyway is not a needle;
- **the text of restricted blocks**: every run of ``SHINGLE`` words of the
  literal text commissioners wrote between ``::: restricted`` and ``:::``
  (placeholders split the runs). A run that also appears in the year's open
  narrative or in the generated pages is left out: it is published anyway.

Before matching, every file is decoded into plain text segments: gzip is
unpacked, a ZIP's members are read one by one (their names too), a PDF's text
and metadata are extracted (pypdf; for the PDF edition the build has just
written, the text WeasyPrint laid out in it, ``pdf.printed_text``, tied to the
file's exact bytes by their SHA-256: the same text without parsing the file
back, see ``scan_file``), JSON is parsed (its escapes undone) and
each string read as HTML,
JavaScript string escapes are undone, HTML comments are unwrapped, attribute
values (``content="..."``, ``aria-label``, ``href``) become segments of their
own, tags are dropped, entities decoded (twice, for double-escaped text) and
percent-escapes undone. Text is then compared as lower-case words (letters
and digits), so whitespace, punctuation, tags and Markdown cannot hide a
phrase.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import inputs
from .problems import Problem

#: Restricted text is matched as runs of this many words.
SHINGLE = 8
#: Money values below this are not scanned for (too likely to occur by chance).
MONEY_FLOOR = 1000
#: Money values that are multiples of this (£150,000) are not scanned for: too common in ordinary text.
ROUND = 1000
#: Raw (unformatted) money values are scanned for from this value (CSV cells).
RAW_FLOOR = 10000
#: Texts of sensitive cells need at least this many characters, or two words.
TEXT_FLOOR = 8

#: The label the internal edition puts on a restricted block: never in a public file.
INTERNAL_EDITION_MARK = "Not in the public edition. Providers and the public do not see this part"
#: The internal edition's banner (theme/main.html): never in a public file.
INTERNAL_EDITION_BANNER = "Internal edition: not for publication"

BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".otf",
                   ".pdf", ".zip"}  # a ZIP is opened and its members read (zip_text)
#: Images: their metadata (PNG text chunks, EXIF, XMP, comments) is read as text.
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico"}


# ---------------------------------------------------------------------------
# Normalising text
# ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+|£|¶")  # ¶ separates decoded segments: no phrase runs across it


def words(text: str) -> list[str]:
    """Lower-case words (letters and digits) of a text; everything else separates them."""
    return _WORD.findall(text.lower().replace("£", " £ "))


def phrase(text: str) -> str:
    return " ".join(w for w in words(text) if w != "¶")


_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: SVG and layout attributes that hold only geometry or colours, never text.
_GEOMETRY = {"d", "points", "transform", "viewbox", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry",
             "dx", "dy", "width", "height", "fill", "stroke", "stroke-width", "stroke-dasharray",
             "stroke-miterlimit", "stroke-linecap", "stroke-linejoin", "opacity", "fill-opacity",
             "stroke-opacity", "font-size", "font-family", "font-weight", "text-anchor", "preserveaspectratio",
             "xmlns", "xmlns:xlink", "version", "clip-path", "role", "focusable", "tabindex"}
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([/\"'\\])|\\[nrt]")


def _unescape_js(text: str) -> str:
    def repl(m):
        if m.group(1):
            return chr(int(m.group(1), 16))
        if m.group(2):
            return chr(int(m.group(2), 16))
        if m.group(3):
            return m.group(3)
        return " "
    return _JS_ESCAPE.sub(repl, text)


_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def _unescape(text: str, urls: bool = True) -> str:
    text = html.unescape(html.unescape(text))
    return unquote(text) if urls and _PERCENT.search(text) else text


def html_segments(text: str, urls: bool = True) -> list[str]:
    """Plain-text segments of HTML (or any text): the visible text, then each attribute value.

    ``urls``: undo %-escapes too (not in code, where % is an operator)."""
    if "<" not in text and "&" not in text and not (urls and "%" in text):
        return [text]  # no tag, entity or escape: the text is its only segment (a search index's strings)
    text = _unescape(text, urls)  # entities first: &lt;!-- ... --&gt; is a comment once decoded
    text = _COMMENT.sub(lambda m: " " + m.group(1) + " ", text)
    attributes = [a or b for tag in _TAG.findall(text) if "=" in tag for name, a, b in _ATTR.findall(tag)
                  if name.lower() not in _GEOMETRY]  # a tag without "=" has no attribute value
    visible = _TAG.sub(" ", text)
    return [visible, *(html.unescape(a) for a in attributes if a.strip())]


def _json_strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(str(k))
            _json_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _json_strings(v, out)
    elif value is not None:
        out.append(str(value))


_ASCII_RUN = re.compile(rb"(?:[\t\n\r\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]{1,3}){4,}")
_UTF16_RUN = re.compile(rb"(?:[\x20-\x7e]\x00){4,}")


def image_text(data: bytes) -> list[str]:
    """The text an image file carries: every run of readable characters (EXIF, XMP, comments, also
    UTF-16 as Windows writes an author or a title) and PNG text chunks, unpacked when compressed."""
    import zlib

    segments = [m.group(0).decode("utf-8", "ignore") for m in _ASCII_RUN.finditer(data)]
    segments += [m.group(0).decode("utf-16-le", "ignore") for m in _UTF16_RUN.finditer(data)]
    position = 8 if data.startswith(b"\x89PNG\r\n\x1a\n") else len(data)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        position += 12 + length
        try:
            if kind == b"zTXt":
                keyword, _, rest = body.partition(b"\x00")
                segments.append(zlib.decompress(rest[1:]).decode("latin-1"))
            elif kind == b"iTXt":
                keyword, _, rest = body.partition(b"\x00")
                compressed, rest = rest[:1] == b"\x01", rest[2:]
                text = rest.split(b"\x00", 2)[-1]
                segments.append((zlib.decompress(text) if compressed else text).decode("utf-8", "ignore"))
        except (zlib.error, IndexError):
            continue
    return segments


class UnreadableArchive(ValueError):
    """A ZIP or PDF the scan cannot open: what it holds cannot be checked, so it may not be published."""


#: A ZIP's members are read up to this many bytes in all (our own ZIPs are a few hundred KB).
ZIP_LIMIT = 200 * 1000 * 1000


def zip_text(data: bytes) -> list[str]:
    """A ZIP as text segments: each member's name, then its decoded contents (a ZIP inside a ZIP too)."""
    import io
    import zipfile

    segments: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > ZIP_LIMIT:
                raise UnreadableArchive("it unpacks to more than the scan reads")
            for info in archive.infolist():
                segments.append(info.filename)
                if info.is_dir():
                    continue
                segments += decode_file(Path(info.filename), archive.read(info)) or []
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise UnreadableArchive(str(exc)) from None
    return segments


def pdf_text(data: bytes) -> list[str]:
    """A PDF as text segments: its metadata (title, author, subject, keywords), each page's text and its
    outline. The PDF edition is written from pages that were scanned already; reading it back checks
    what is actually published."""
    try:
        import pypdf
    except ImportError:
        raise UnreadableArchive("reading a PDF needs pypdf (./run installs the locked dependencies)") from None
    import io
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        segments = [str(value) for value in (reader.metadata or {}).values()]
        segments += [page.extract_text() or "" for page in reader.pages]

        def outline(items):
            for item in items:
                if isinstance(item, list):
                    outline(item)
                else:
                    segments.append(str(getattr(item, "title", "")))

        outline(reader.outline)
    except Exception as exc:  # a PDF it cannot read is refused, whatever the reason
        raise UnreadableArchive(f"not a PDF the scan can read ({type(exc).__name__})") from None
    return segments


def decode_file(path: Path, data: bytes | None = None) -> list[str] | None:
    """A published file as plain-text segments; None for a binary file we cannot read."""
    data = path.read_bytes() if data is None else data
    name = path.name.lower()
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except OSError:
            return None
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix == ".zip":
        return zip_text(data)
    if suffix == ".pdf":
        return pdf_text(data)
    if suffix in IMAGE_SUFFIXES:
        return image_text(data)
    if suffix in BINARY_SUFFIXES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in data[:4096]:
            return None
        text = data.decode("latin-1")
    segments: list[str] = []
    if suffix == ".json" or text.lstrip()[:1] in ("{", "["):
        try:
            strings: list[str] = []
            _json_strings(json.loads(text), strings)
            for s in strings:
                segments += html_segments(s)
            return segments
        except ValueError:
            pass
    code = suffix in (".js", ".mjs", ".map", ".css")
    if "\\" in text:
        segments += html_segments(_unescape_js(text), urls=not code)
    segments += html_segments(text, urls=not code)
    return segments


# ---------------------------------------------------------------------------
# What is withheld
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    kind: str    # "named person", "contact", "repository", "sensitive text", "sensitive figure", "restricted text"
    text: str    # as a reader would see it
    source: str  # where it comes from

    def describe(self) -> str:
        return f"{self.kind} {self.text!r} (from {self.source})"


@dataclass
class Withheld:
    """Everything an edition must not contain, ready to match."""

    phrases: dict[str, Needle] = field(default_factory=dict)        # word phrase -> needle
    shingles: dict[tuple, Needle] = field(default_factory=dict)     # SHINGLE words -> needle
    patterns: list[tuple[re.Pattern, Needle, str]] = field(default_factory=list)  # phones, emails; a literal hint
    money: dict[int, Needle] = field(default_factory=dict)          # whole pounds -> needle

    def __bool__(self) -> bool:
        return bool(self.phrases or self.shingles or self.patterns or self.money)

    def __len__(self) -> int:
        return len(self.phrases) + len(self.shingles) + len(self.patterns) + len(self.money)

    def needles(self) -> list[Needle]:
        seen = {}
        for needle in [*self.phrases.values(), *self.shingles.values(), *(n for _, n, _ in self.patterns),
                       *self.money.values()]:
            seen.setdefault(needle, None)
        return list(seen)

    def __iter__(self):  # the readable texts (older callers iterated a list of strings)
        return iter(n.text for n in self.needles())

    def merge(self, other: Withheld) -> Withheld:
        return Withheld({**self.phrases, **other.phrases}, {**self.shingles, **other.shingles},
                        self.patterns + other.patterns, {**self.money, **other.money})

    # -- adding needles ------------------------------------------------------

    def add_phrase(self, text: str, needle: Needle) -> None:
        key = phrase(text)
        if key:
            self.phrases.setdefault(key, needle)

    def add_text(self, text: str, needle: Needle, exclude: set | None = None) -> None:
        """Restricted narrative: every run of SHINGLE words (a shorter text whole)."""
        tokens = words(text)
        if len(tokens) < SHINGLE:
            return
        for i in range(len(tokens) - SHINGLE + 1):
            gram = tuple(tokens[i:i + SHINGLE])
            if exclude is None or gram not in exclude:
                self.shingles.setdefault(gram, needle)

    def add_pattern(self, pattern: str, needle: Needle, hint: str = "") -> None:
        """A regular expression; ``hint`` is a lower-case text any match contains (a fast pre-check)."""
        self.patterns.append((re.compile(pattern, re.I), needle, hint))

    def add_money(self, value: float, needle_kind: str, source: str, published: set[str] = frozenset()) -> None:
        """A money value as the site shows it (£1,234), and, when large, as a CSV has it (1234)."""
        if value is None or (isinstance(value, float) and math.isnan(value)) or abs(value) < MONEY_FLOOR:
            return
        shown = f"£{abs(value):,.0f}"
        if shown in published or round(abs(value)) % ROUND == 0:
            return  # published anyway, or a round amount that ordinary text may well contain
        needle = Needle(needle_kind, shown, source)
        for number in {int(abs(value)), int(round(abs(value)))}:
            self.money.setdefault(number, needle)

    def add_phone(self, text: str, needle: Needle) -> None:
        """A phone number in any spacing, national (01632 ...) or international (+44 1632 ...)."""
        from .redact import phone_pattern

        national = re.sub(r"\D", "", text)
        national = (national[2:] if national.startswith("44") else national).lstrip("0")
        self.add_pattern(phone_pattern(text), needle, hint=national)


def is_phone(entry: str) -> bool:
    from .redact import _is_phone

    return _is_phone(entry)


def name_forms(entry: str) -> list[str]:
    """A person's name as it may be written, as phrases of words: in full, title and surname
    (Ms Holloway), surname first (Holloway, Priya), initial and surname (P. Holloway), surname and
    initial (Holloway, P.). ``redact.name_pattern`` is the same list as one pattern (middle initials too)."""
    parts = entry.split()
    forms = [entry]
    if len(parts) >= 2 and all(p[:1].isalpha() for p in parts):
        forms += [f"{title} {parts[-1]}" for title in ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")]
        forms += [" ".join([parts[-1], *parts[:-1]]), f"{parts[0][0]} {parts[-1]}", f"{parts[-1]} {parts[0][0]}"]
    return forms


def add_restricted_names(withheld: Withheld, entries) -> None:
    """``authority.yml``'s ``restricted_names`` as needles: every form the public edition replaces."""
    from . import redact

    for entry in entries:
        entry = str(entry).strip()
        if not entry:
            continue
        source = "authority.yml restricted_names"
        if "@" in entry:
            needle = Needle("contact", entry, source)
            withheld.add_phrase(entry, needle)
            withheld.add_pattern(redact.email_pattern(entry), needle, hint=entry.split("@")[0].split(".")[0].lower())
        elif is_phone(entry):
            withheld.add_phone(entry, Needle("contact", entry, source))
        else:
            for form in name_forms(entry):
                withheld.add_phrase(form, Needle("named person", form, source))
            if len(entry.split()) >= 2:  # with a middle initial, across a line break: as the public edition replaces
                withheld.add_pattern(redact.name_pattern(entry), Needle("named person", entry, source),
                                     hint=entry.split()[-1].lower())


def _context_figures(namespace, path: str = ""):
    from .values import Change, Figure

    for key, value in namespace.items():
        here = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict):
            yield from _context_figures(value, here)
        elif isinstance(value, Figure):
            yield here, value
        elif isinstance(value, Change):
            yield here, value.current
            yield f"{here} (change)", value.number


def _source_segments(text: str) -> list[str]:
    """Literal narrative of a Markdown source: placeholders and Markdown link targets split it."""
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "\n\n", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # [words](target): keep the words
    parts = re.split(r"\n\s*\n", text)
    return [s for part in parts for s in html_segments(part)]


def _grams(text_segments, n: int = SHINGLE) -> set:
    grams = set()
    for segment in text_segments:
        tokens = words(segment)
        grams.update(zip(*(tokens[i:] for i in range(n))))
    return grams


def withheld_needles(authority, view, context, content_dir: Path, docs_dir: Path | None = None,
                     generated_pages=("methods.md", "downloads.md", "data-contract.md")) -> Withheld:
    """Everything the public edition of ``view.year`` must not contain.

    ``context`` is the year's template namespace (internal edition), ``content_dir``
    the year's narrative, ``docs_dir`` the public docs tree (only its
    generated pages are read: text the generator writes itself is not
    restricted).
    """
    from . import markup, redact
    from .contract import TABLES
    from .values import Figure

    withheld = Withheld()
    year = view.year

    # Named people and contact details.
    add_restricted_names(withheld, authority.restricted_names)
    if authority.repo_url:
        address = re.sub(r"^[a-z]+://", "", authority.repo_url.strip().rstrip("/"))
        withheld.add_phrase(address, Needle("repository", address, "authority.yml repo_url (edit/source links)"))
    if getattr(authority, "internal_site_url", ""):
        address = re.sub(r"^[a-z]+://", "", authority.internal_site_url.strip().rstrip("/"))
        withheld.add_phrase(address, Needle("internal edition", address,
                                            "authority.yml internal_site_url (where the internal edition is)"))
    withheld.add_phrase(INTERNAL_EDITION_MARK, Needle("restricted text", INTERNAL_EDITION_MARK,
                                                      "the internal edition's label on a restricted block"))
    withheld.add_phrase(INTERNAL_EDITION_BANNER, Needle("internal edition", INTERNAL_EDITION_BANNER,
                                                        "the internal edition's banner"))

    # The narrative: restricted blocks, and the open text that is published anyway.
    open_segments: list[str] = []
    blocks: list[tuple[str, int, str]] = []
    for source in sorted(content_dir.rglob("*.md")):
        name = f"content/{year}/{source.relative_to(content_dir).as_posix()}"
        text = inputs.decode(source.read_bytes()).text.replace("\r\n", "\n")  # as render read it
        try:
            restricted, open_text = redact.restricted_blocks(text, name)
        except Exception:  # a broken fence is reported by the render stage
            continue
        open_segments += _source_segments(open_text)
        blocks += [(name, line, body) for line, body in restricted]
        # Authors' notes: no edition publishes an HTML comment (markup.strip_comments).
        blocks += [(name, line, body) for line, body in markup.comments(text)]
    statement = content_dir / "statement.yml"
    if statement.exists():
        open_segments.append(inputs.decode(statement.read_bytes()).text)
    # Text the data publishes anyway (non-sensitive text cells, such as the action plan's actions),
    # and the catalogue's titles and descriptions.
    # Tables the council declared itself (declared.py) are read and withheld as the contract's are.
    declared = tuple(d.table for _, d in sorted(getattr(view, "declared", {}).items()))
    for table in (*TABLES, *declared):
        frame = view.tables.get(table.name) if hasattr(view, "tables") else None
        if frame is None or table.sensitive:
            continue
        for column in table.columns:
            if column.type == "text" and not column.sensitive and column.name in frame.columns:
                open_segments += [str(v) for v in frame[column.name].dropna().unique()]
    try:
        from .catalogue import all_outputs
        open_segments += [f"{o.title}\n\n{o.description}" for o in all_outputs().values()]
    except Exception:  # the catalogue is optional here
        pass
    if docs_dir is not None:
        for page in generated_pages:
            path = Path(docs_dir) / page
            if path.exists():
                open_segments += html_segments(path.read_text(encoding="utf-8"))
    open_grams = _grams(open_segments)
    open_text_phrase = " " + " ¶ ".join(phrase(s) for s in open_segments) + " "
    for name, line, body in blocks:
        for segment in _source_segments(body):
            withheld.add_text(segment, Needle("restricted text", " ".join(segment.split())[:80],
                                              f"{name}, restricted block or comment at line {line}"),
                              exclude=open_grams)

    # Figures the edition publishes anyway: a sensitive value equal to one is no needle.
    published = {f.format() for _, f in _context_figures(context)
                 if f.shown and not f.sensitive and f.kind == "money" and f.value is not None}
    published |= set(re.findall(r"£\d[\d,]*", " ".join(open_segments)))

    # Sensitive figures of the template namespace.
    for path, figure in _context_figures(context):
        if isinstance(figure, Figure) and figure.sensitive and figure.shown and figure.kind == "money":
            withheld.add_money(float(figure.value), "sensitive figure", f"{{{{ {path} }}}}", published)

    # Sensitive columns of the contract's tables, every year the statement can see.
    for table in (*TABLES, *declared):
        columns = table.sensitive_columns
        if not columns or table.scope != "year":
            continue
        for data_year, tables in sorted(getattr(view, "history", {view.year: view.tables}).items()):
            frame = tables.get(table.name)
            if frame is None:
                continue
            for column_name in columns:
                if column_name not in frame.columns:
                    continue
                column = table.column(column_name)
                source = f"data/{data_year}/{table.name}.csv column {column_name!r}"
                if column.type == "text":
                    for value in frame[column_name].dropna().unique():
                        text = str(value).strip()
                        key = phrase(text)
                        if len(key) < TEXT_FLOOR and len(key.split()) < 2:
                            continue
                        if f" {key} " in open_text_phrase:
                            continue  # named in the open narrative by the commissioner
                        withheld.add_phrase(text, Needle("sensitive text", text, source))
                elif column.type == "money":
                    for value in frame[column_name].dropna():
                        withheld.add_money(float(value), "sensitive figure", source, published)
    return withheld


# ---------------------------------------------------------------------------
# Scanning
# ---------------------------------------------------------------------------


@dataclass
class ScanStats:
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0


def find_leaks(segments: list[str], withheld: Withheld, bare_numbers: bool = True) -> list[Needle]:
    """The needles found in a file's decoded segments.

    ``bare_numbers=False`` (code: JavaScript, CSS, source maps, full of numbers) looks for money
    values only with their pound sign.

    A phrase is found where its words follow one another in the file's words; only a phrase whose
    every word is among the file's words can be, so the others are not searched for.
    """
    found: dict[Needle, None] = {}
    tokens = words(" ¶ ".join(segments))
    if withheld.phrases:
        present = set(tokens)
        haystack = None
        for key, needle in withheld.phrases.items():
            if present.issuperset(_phrase_words(key)):
                haystack = haystack or " " + " ".join(tokens) + " "
                if f" {key} " in haystack:
                    found.setdefault(needle)
    if withheld.shingles and len(tokens) >= SHINGLE:
        shingles = withheld.shingles
        firsts = {gram[0] for gram in shingles}
        for i in [i for i, token in enumerate(tokens) if token in firsts]:
            needle = shingles.get(tuple(tokens[i:i + SHINGLE]))
            if needle is not None:
                found.setdefault(needle)
    if withheld.patterns or withheld.money:
        text = "\n".join(segments)
        lowered = text.lower()
        for pattern, needle, hint in withheld.patterns:
            if needle not in found and (hint in lowered or _in_digits(hint, text)) and pattern.search(text):
                found.setdefault(needle)
        if withheld.money:
            for match in _NUMBER.finditer(text):
                value = int(match.group(2).replace(",", ""))
                needle = withheld.money.get(value)
                if needle is not None and (match.group(1) or (bare_numbers and value >= RAW_FLOOR)):
                    found.setdefault(needle)
    return list(found)


@functools.cache
def _phrase_words(key: str) -> frozenset[str]:
    """The words of a needle's phrase (``find_leaks`` looks for it only in a file that has all of them)."""
    return frozenset(key.split())


#: What a phone number may have between its digits (and what ``_in_digits`` skips).
_SEPARATORS = r"[\s\-.()/\u00a0+]"
_NOT_DIGIT = re.compile(_SEPARATORS)


def _in_digits(hint: str, text: str) -> bool:
    """Whether ``hint`` is in ``text`` once every separator (space, dash, dot, bracket, slash, plus) is
    taken out (a phone number written with spaces): ``hint in _NOT_DIGIT.sub("", text)``, searched as the
    hint's characters with any separators between them instead of building that text."""
    return _spread(hint).search(text) is not None


@functools.cache
def _spread(hint: str) -> re.Pattern:
    if _NOT_DIGIT.search(hint):  # a separator in the hint: never in a text without them
        return re.compile(r"(?!)")
    return re.compile(f"{_SEPARATORS}*".join(re.escape(c) for c in hint))


#: A number as the site shows it (£1,234,567 or 1,234,567) or as a CSV has it (1234567.5);
#: not part of a longer number, a word, a colour (#123456) or a decimal. (It starts with £ or a digit: said
#: first, so that the look-behind is tried only there.)
_NUMBER = re.compile(r"(?=[£\d])(?<![\w.#£])(£\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|,\d)")


def own_search_entries(data: bytes) -> bytes:
    """A year's search index without the entries it carries from earlier years (``build.search_across_years``:
    their addresses start ``../``). Those are copies of the earlier years' own entries, scanned in those
    years' folders with those years' needles: a sentence published in 2024 and restricted in 2025 is no
    leak of 2025's."""
    try:
        index = json.loads(data.decode("utf-8"))
        index["docs"] = [d for d in index["docs"] if not str(d.get("location", "")).startswith("../")]
    except (ValueError, KeyError, TypeError, AttributeError):
        return data  # not a search index we know: scanned whole
    return json.dumps(index).encode("utf-8")


def scan_file(path: Path, withheld: Withheld, data: bytes | None = None,
              printed: dict[str, list[str]] | None = None) -> list[Needle]:
    """The needles in one file. ``printed``: the text of PDFs the build laid out itself (``pdf.Printed``),
    by the SHA-256 of their bytes: a PDF with exactly those bytes is scanned in that text (everything it
    shows or a text extractor reads: pages, running headers, chart labels, alternative texts,
    metadata, bookmarks, link targets); any other PDF is read back with pypdf."""
    if printed and path.suffix.lower() == ".pdf":
        data = path.read_bytes() if data is None else data
        text = printed.get(hashlib.sha256(data).hexdigest())
        if text is not None:
            return find_leaks(text, withheld)
    if path.name == "search_index.json":
        data = own_search_entries(path.read_bytes() if data is None else data)
    try:
        segments = decode_file(path, data)
    except UnreadableArchive as exc:
        return [Needle("unreadable archive", path.name, f"the leak scan cannot read it: {exc}")]
    if segments is None:
        return []
    name = path.name.lower().removesuffix(".gz")
    code = name.endswith((".js", ".mjs", ".map", ".css")) or Path(name).suffix in IMAGE_SUFFIXES
    return find_leaks(segments, withheld, bare_numbers=not code)


def leak_scan(site_root: Path, withheld, label: str, relative_to: Path | None = None,
              skip: tuple[Path, ...] = (), stats: ScanStats | None = None,
              cache: dict | None = None, printed: dict[str, list[str]] | None = None) -> list[Problem]:
    """Every file under ``site_root`` that contains anything withheld: one problem per file and needle.
    ``printed``: the laid-out text of the PDFs the build wrote (``scan_file``)."""
    if not isinstance(withheld, Withheld):  # a plain list of strings
        strings = list(withheld)
        withheld = Withheld()
        for s in strings:
            withheld.add_phrase(s, Needle("withheld text", s, "withheld list"))
    problems: list[Problem] = []
    if not withheld or not site_root.exists():
        return problems
    relative_to = relative_to or site_root
    started = time.perf_counter()
    for path in sorted(site_root.rglob("*")):
        if not path.is_file() or any(path.is_relative_to(s) for s in skip):
            continue
        if stats is not None:
            stats.files += 1
            stats.bytes += path.stat().st_size
        if cache is not None:  # latest/ is a copy of a year: a file with the same bytes is scanned once
            data = path.read_bytes()
            key = (id(withheld), path.name, hashlib.sha1(data).digest())
            if key not in cache:
                cache[key] = scan_file(path, withheld, data, printed)
            hits = cache[key]
        else:
            hits = scan_file(path, withheld, printed=printed)
        # The file's own name and folders (an image named after an officer).
        named = find_leaks([path.relative_to(site_root).as_posix()], withheld, bare_numbers=False)
        hits = list(dict.fromkeys([*hits, *named]))
        for needle in hits:
            problems.append(Problem("leak", f"{label} contains {needle.describe()}",
                                    file=path.relative_to(relative_to).as_posix(),
                                    hint="put the text inside a '::: restricted' block, or remove it"))
    if stats is not None:
        stats.seconds += time.perf_counter() - started
    return problems


@functools.cache
def _theme_assets() -> Path | None:
    """The installed Material theme's folder of assets (``material/templates/assets``), or None."""
    try:
        import material
    except ImportError:
        return None
    folder = Path(material.__file__).parent / "templates" / "assets"
    return folder if folder.is_dir() else None


def _installed_theme_file(relative: str, data: bytes) -> bool:
    """``relative`` (a path inside a year's folder) has exactly the bytes of the installed theme's file there."""
    assets = _theme_assets()
    if assets is None or not relative.startswith("assets/"):
        return False
    shipped = assets / relative.removeprefix("assets/")
    try:
        return shipped.stat().st_size == len(data) and shipped.read_bytes() == data
    except OSError:
        return False


def clear_shared_files(folders: list[tuple[Path, Withheld]], everything: Withheld, cache: dict,
                       printed: dict[str, list[str]] | None = None) -> None:
    """Files with the same name and bytes in several folders scanned with different needles (the theme's
    scripts and styles in every year's folder) are scanned once, for all the needles together
    (``everything``, which holds each folder's). Where nothing is found, nothing can be found for any
    folder's needles alone: each file is recorded as clean for each of them in ``leak_scan``'s ``cache``.
    Where something is found, each folder's own scan finds and reports it. A file whose bytes are those the
    installed theme ships at the same place (Material's scripts, styles and search workers, copied by MkDocs
    into every year) holds nothing of the council's: it is recorded as clean without being read for needles
    (its name is still checked)."""
    if len(folders) < 2 or not all(isinstance(withheld, Withheld) for _, withheld in folders):
        return
    copies: dict[tuple[str, bytes], list[tuple[Path, Withheld]]] = {}
    installed: set[tuple[str, bytes]] = set()  # the theme's own files, byte for byte
    for folder, withheld in folders:
        for path in sorted(folder.rglob("*")) if folder.exists() else ():
            if path.is_file():
                data = path.read_bytes()
                key = (path.name, hashlib.sha1(data).digest())
                copies.setdefault(key, []).append((path, withheld))
                if key not in installed and _installed_theme_file(path.relative_to(folder).as_posix(), data):
                    installed.add(key)
    for (name, digest), files in copies.items():
        if len({id(withheld) for _, withheld in files}) < 2 and (name, digest) not in installed:
            continue
        if (name, digest) in installed or not scan_file(files[0][0], everything, printed=printed):
            for _, withheld in files:
                cache[(id(withheld), name, digest)] = []


# ---------------------------------------------------------------------------
# Other checks of the public edition
# ---------------------------------------------------------------------------

#: Markup only an edit or view-source link (repo_url / edit_uri) or a chart
#: spec carrying its data produces.
FORBIDDEN_MARKUP = (
    (re.compile(r'rel="edit"|class="md-content__button|class="md-source"'), "an edit or view-source link"),
    (re.compile(r'vega(?:-lite)?/v\d|vega(?:Embed|-embed)|"\$schema"\s*:|"datasets"\s*:\s*\{|"data"\s*:\s*\{\s*"values"'),
     "a chart specification carrying its data"),
)
FORBIDDEN_CONFIG = ("repo_url", "repo_name", "edit_uri", "edit_uri_template")


def markup_check(site_root: Path, label: str, relative_to: Path) -> list[Problem]:
    problems = []
    for path in sorted(site_root.rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern, what in FORBIDDEN_MARKUP:
            if pattern.search(text):
                problems.append(Problem("leak-markup", f"{label} has {what}",
                                        file=path.relative_to(relative_to).as_posix()))
    return problems


def config_check(tree, project_dir: Path | None = None) -> list[Problem]:
    """The public build's MkDocs config (and the base it inherits) sets no repository links."""
    problems = []
    paths = [tree.docs_dir.parent / "mkdocs.yml"]
    if project_dir is not None:
        paths.append(Path(project_dir) / "mkdocs.yml")
    for path in paths:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for key in FORBIDDEN_CONFIG:
            match = re.search(rf"^{key}\s*:[ \t]*(\S.*)$", text, re.M)
            if match and match.group(1).strip() not in ("null", "~", "''", '""'):
                problems.append(Problem("leak-config", f"the public edition's MkDocs config sets {key!r}: "
                                        "edit and view-source links would publish the sources",
                                        file=str(path), value=match.group(1).strip()))
    return problems


#: Files a commissioner may put beside the pages in content/<year>/ (copied as they are).
COPYABLE = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}


def copied_files_check(tree) -> list[Problem]:
    """Files copied into the public edition as they are: only images, and only CSVs the build wrote.

    Anything else beside the pages (a spreadsheet, a draft page saved as HTML
    or text) would be published unredacted and outside the nav.
    """
    problems = []
    docs = Path(tree.docs_dir)
    if not docs.exists():
        return problems
    for path in sorted(docs.rglob("*")):
        if not path.is_file() or path.suffix == ".md":
            continue
        relative = path.relative_to(docs).as_posix()
        if relative.startswith("downloads/") and (path.name in tree.downloads
                                                  or path.name in getattr(tree, "bundles", {})):
            continue
        if path.suffix.lower() in COPYABLE and not relative.startswith("downloads/"):
            continue
        problems.append(Problem("copied-file", "this file would be published as it is in the public edition, "
                                "unredacted and outside the nav", file=f"content/{tree.year}/{relative}",
                                hint="only images may sit beside the pages; put text in a page listed in "
                                     "statement.yml"))
    return problems


def check_site(staging: Path, trees, authority, project_dir: Path | None = None,
               stats: ScanStats | None = None) -> list[Problem]:
    """All pre-publication checks over the public edition's staging folder (the future ``site/``).

    Each public year is scanned for its own year's needles; ``latest/`` for
    the latest year's; the edition's other files (index, 404, versions.json)
    for every year's. The internal edition is not scanned: it is never published.
    """
    from .redact import PUBLIC

    problems: list[Problem] = []
    public = sorted((t for t in trees if t.edition == PUBLIC), key=lambda t: t.year)
    if not public:
        return problems
    root = staging
    everything = Withheld()
    for tree in public:
        if isinstance(tree.withheld, Withheld):
            everything = everything.merge(tree.withheld)
    cache: dict = {}
    # The PDF editions as WeasyPrint laid them out (pdf.printed_text): scanned without parsing them back.
    printed = {t.pdf_printed.digest: t.pdf_printed.text for t in public if getattr(t, "pdf_printed", None)}
    latest = public[-1]
    latest_built = (root / "latest").exists() and not getattr(latest, "frozen", False)
    scanned = [(root / t.site_path, t.withheld) for t in public if not getattr(t, "frozen", False)]
    if latest_built:
        scanned.append((root / "latest", latest.withheld))
    clear_shared_files(scanned, everything, cache, printed)
    for tree in public:
        if getattr(tree, "frozen", False):
            continue  # reused byte for byte from a build whose checks passed
        year_root = root / tree.site_path
        problems += leak_scan(year_root, tree.withheld, f"public edition {tree.year}", relative_to=staging,
                              stats=stats, cache=cache, printed=printed)
        problems += markup_check(year_root, f"public edition {tree.year}", staging)
        problems += config_check(tree, project_dir)
        problems += copied_files_check(tree)
    if latest_built:
        problems += leak_scan(root / "latest", latest.withheld, f"public edition latest ({latest.year})",
                              relative_to=staging, stats=stats, cache=cache, printed=printed)
        problems += markup_check(root / "latest", "public edition latest", staging)
    skip = tuple(root / str(t.year) for t in public) + (root / "latest",)
    problems += leak_scan(root, everything, "public edition", relative_to=staging, skip=skip, stats=stats,
                          printed=printed)
    return problems
