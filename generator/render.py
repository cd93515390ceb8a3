"""Render: fill the narrative's placeholders.

Commissioners write Markdown with Jinja placeholders::

    At 31 March {{ year }} we looked after {{ looked_after.total }} children,
    {{ looked_after.change }}.

    {{ chart("looked_after_trend") }}

A name that does not exist, a misspelt filter or chart, or broken Jinja stops
the build with the file, the line and the nearest valid names. Nothing is
guessed: an undefined name is never rendered as an empty string.
"""
from __future__ import annotations

import difflib
import posixpath
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2

from .problems import BuildError, Problem
from .redact import SensitiveInProse
from .values import SYMBOLS, Change, Figure, Namespace, WithheldValue, format_value, withheld_words

# ---------------------------------------------------------------------------
# Filters: every one takes a Figure, a Change or a plain number.
# ---------------------------------------------------------------------------


def _figure(value, kind: str) -> Figure:
    if isinstance(value, Figure):
        return value
    return Figure(value, kind)


# ---------------------------------------------------------------------------
# Withheld figures in running text: words, not "c"
# ---------------------------------------------------------------------------

_MARK = "\x00withheld:{}\x00"
_MARK_PATTERN = re.compile("\x00withheld:(\\w+)\x00")
#: Nouns a count is followed by: "a withheld number of children".
_COUNTED = {"children", "child", "young", "people", "places", "place", "households", "referrals", "placements",
            "care", "foster", "homes", "carers", "settings", "families", "teenagers", "girls", "boys", "babies",
            "brothers", "sisters", "unaccompanied", "new", "more", "fewer", "beds", "weeks"}
PRIVACY_ANCHOR = "methods.md#protecting-childrens-privacy"


def withheld_mark(value) -> str | None:
    """The placeholder a withheld figure leaves in rendered text (``None`` if it is not withheld)."""
    if isinstance(value, Figure) and value.symbol == "c":
        return _MARK.format(value.kind)
    if isinstance(value, Change) and value.symbol == "c":
        return _MARK.format("change")
    return None


def _finalize(value):
    return withheld_mark(value) or value


def _sentence_start(before: str) -> bool:
    text = re.sub(r"[*_`]+", "", before).rstrip()
    text = re.sub(r"^\s*(?:[-+*]|\d+\.|#+|>)\s*", "", text) if not text or text.lstrip()[0] in "-+*#>0123456789" \
        else text
    return text == "" or text.endswith((".", "!", "?")) and not text.endswith("..")


def words_for_withheld(markdown: str, docs_path: str) -> str:
    """Turn each withheld figure's mark into words linked to the explanation.

    In running text "c lived more than 20 miles away" reads "A withheld number
    lived more than 20 miles away" (capital at the start of a sentence, "of"
    before a noun: "a withheld number of children"); in a Markdown table cell
    the symbol ``c`` stays, as in every other table.
    """
    # A Markdown link to a page, relative to this page's source file: MkDocs turns it into the page's URL.
    href = posixpath.relpath(PRIVACY_ANCHOR, posixpath.dirname(docs_path) or ".")
    out_lines = []
    for line in markdown.split("\n"):
        if "\x00withheld:" not in line:
            out_lines.append(line)
            continue
        if line.lstrip().startswith("|"):
            out_lines.append(_MARK_PATTERN.sub("c", line))
            continue
        pieces, last = [], 0
        for match in _MARK_PATTERN.finditer(line):
            before = line[last:match.start()]
            pieces.append(before)
            words = withheld_words(match.group(1))
            after = line[match.end():]
            next_word = re.match(r"\s+([A-Za-z]+)", after)
            of = " of" if match.group(1) == "count" and next_word and next_word.group(1).lower() in _COUNTED else ""
            if _sentence_start(line[:match.start()]):
                words = words[0].upper() + words[1:]
            pieces.append(f'[{words}]({href} "Withheld to protect children\'s privacy: how and why"){of}')
            last = match.end()
        pieces.append(line[last:])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines)


class SymbolText(str):
    """A filter's output for a figure that cannot be shown (``x``): the symbol, still knowing its figure
    (so the page's warnings can name the data it needed)."""

    figure: Figure | None = None


def _symbol(figure: Figure) -> str:
    text = SymbolText(figure.symbol)
    text.figure = figure
    return text


def number_filter(value, decimals: int | None = None) -> str:
    """``{{ x | number }}``: thousands separators, e.g. 1,234."""
    figure = _figure(value, "number")
    if figure.symbol:
        return withheld_mark(figure) or _symbol(figure)
    return format_value(figure.value, "count" if decimals is None and float(figure.value).is_integer() else "number",
                        decimals)


def percent_filter(value, decimals: int = 0) -> str:
    """``{{ x | percent }}``: a percentage, e.g. 71%; ``percent(1)`` for 71.4%."""
    figure = _figure(value, "percent")
    return withheld_mark(figure) or (_symbol(figure) if figure.symbol else figure.format(decimals))


def money_filter(value, decimals: int = 0) -> str:
    """``{{ x | money }}``: pounds, e.g. £1,234."""
    figure = _figure(value, "money")
    if figure.symbol:
        return withheld_mark(figure) or _symbol(figure)
    return format_value(figure.value, "money", decimals)


def per10k_filter(value, decimals: int = 0) -> str:
    """``{{ x | per10k }}``: a rate with its unit, e.g. 68 per 10,000 children."""
    figure = _figure(value, "rate")
    if figure.symbol:
        return withheld_mark(figure) or _symbol(figure)
    return f"{format_value(figure.value, 'rate', decimals)} per 10,000 children"


#: The name under which ``render_page`` gives a page's template the earlier years' figures (an object with
#: ``.year``, the statement's year, and ``.context(year, name)``: that year's protected names, at least those under
#: the top-level ``name``, or None without data).
#: It has a space in it, so no placeholder can name it.
EARLIER = "earlier years"


class PlaceholderMistake(Exception):
    """A placeholder written in a way that cannot work: the message says why, the hint what to write."""

    def __init__(self, message: str, hint: str):
        self.hint = hint
        super().__init__(message)


def _path_in(target, tree, path=()) -> tuple[str, ...] | None:
    """The keys leading to ``target`` (this very figure or change) in the template's names."""
    for key, value in tree.items():
        if value is target:
            return (*path, key)
        if isinstance(value, dict):
            found = _path_in(target, value, (*path, key))
            if found is not None:
                return found
    return None


def _since_year(since, where: str, statement_year: int | None, on_last_year: str | None = None) -> int:
    """The year ``change(since=...)`` names, or a mistake saying what to write (``on_last_year``: the
    placeholder for the change on last year, when there is one)."""
    if isinstance(since, str) and since.strip().isdigit():
        since = int(since.strip())
    found = re.search(r"\b(?:19|20)\d\d\b", since) if isinstance(since, str) else None
    if found:
        year = found.group(0)
        last = f"; for the change on last year write {{{{ {on_last_year} }}}}" if on_last_year else ""
        raise PlaceholderMistake(
            f"change({since!r}) is not a year: change(\"since ...\") used to change only the closing words, "
            "printing them over the change on last year, and now works the change out from that year's figure",
            f"for the change since {year}, worked out from the {year} figure, write "
            f"{{{{ {where} | change(since={year}) }}}}{last}")
    if isinstance(since, bool) or not isinstance(since, int) or since < 1900:
        raise PlaceholderMistake(f"change(since={since!r}) is not a year",
                                 f"write the year in full, e.g. {{{{ {where} | change(since=2022) }}}}")
    if statement_year is not None and since >= statement_year:
        raise PlaceholderMistake(
            f"change(since={since}) is not an earlier year: this is the {statement_year} statement, and a change "
            f"is worked out from an earlier year's figure",
            f"write a year before {statement_year}, e.g. {{{{ {where} | change(since={statement_year - 1}) }}}}")
    return since


@jinja2.pass_context
def change_filter(ctx, value, since=None) -> str:
    """``{{ x.change | change }}``: "up 12 (4%) on last year" / "down ..." / "no change ...". ``{{ looked_after.total | change(since=2022) }}``: "up 8 (3%) since 2022", worked out from the 2022 figure (``x`` without 2022 data; withheld if either figure is).

    The earlier figure is the same name's figure in that year's own statement, withheld as that statement
    withholds it: change = this year's figure - that year's; the percentage is the change divided by that
    year's figure, rounded as every change is. ``since`` may also follow a change: ``x.change | change(since=2022)``.
    """  # noqa: E501 (the first paragraph is one row of the filters' table)
    from .redact import WithheldFigure

    if isinstance(value, WithheldFigure):
        value._fail()
    if not isinstance(value, (Figure, Change)):
        raise TypeError("the change filter needs a figure or a change, e.g. looked_after.total or looked_after.change")
    names = ctx.get_all()
    earlier = names.get(EARLIER)
    path = _path_in(value, {k: v for k, v in names.items() if isinstance(v, dict)})
    where = ".".join(path) if path else "looked_after.total"
    if isinstance(value, Change) and path:  # the figure it is the change of, for the hints: looked_after.total
        parent = names
        for key in path[:-1]:
            parent = parent[key]
        figure = next((k for k, v in parent.items() if v is value.current), None) or next(
            (k for k, v in parent.items() if isinstance(v, Figure) and v == value.current), None)
        where = ".".join((*path[:-1], figure)) if figure else where
    if since is None:
        if isinstance(value, Change):
            return withheld_mark(value) or value.format()
        raise PlaceholderMistake(f"change needs a year to compare {where} with",
                                 f"write {{{{ {where} | change(since=2022) }}}} for the change since 2022")
    year_figure = names.get("year")
    statement_year = earlier.year if earlier is not None else getattr(year_figure, "value", None)
    year = _since_year(since, where, statement_year, ".".join(path) if isinstance(value, Change) and path else None)
    if path is None:
        raise PlaceholderMistake("change(since=...) works on a figure named in the statement's data, such as "
                                 "looked_after.total: this value is not one",
                                 "write the figure's name before the filter, e.g. "
                                 f"{{{{ looked_after.total | change(since={year}) }}}}")
    if earlier is None:
        raise PlaceholderMistake("change(since=...) needs the earlier years' data, which this page is rendered "
                                 "without", "build the statement with `build`")
    current = value.current if isinstance(value, Change) else value
    that_year = earlier.context(year, path[0])
    if that_year is not None and path[0] not in that_year:
        raise PlaceholderMistake(f"{where} is not a figure of the council's data, so it has no figure for {year}",
                                 "change(since=...) compares figures such as looked_after.total, spend.total or "
                                 "stability.short_term.percent")
    node = that_year
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, WithheldFigure):
        node._fail()
    if isinstance(node, Change):
        node = node.current
    if not isinstance(node, Figure):  # no data that year, or no such code in it
        node = Figure(None, current.kind, "x", current.sensitive, current.sources, current.decimals)
    change = Change(current, node, f"since {year}")
    if change.symbol == "x":
        missing = current if current.symbol == "x" else node
        return _symbol(missing if missing.sources else Figure(None, current.kind, "x", sources=current.sources))
    return withheld_mark(change) or change.format()


def label_filter(code, codes: dict | None = None) -> str:
    """``{{ "age_10_to_15" | label }}``: the reader-facing label of a contract code."""
    from . import contract

    if codes:
        return codes.get(code, code)
    for name in dir(contract):
        mapping = getattr(contract, name)
        if isinstance(mapping, dict) and code in mapping and isinstance(mapping[code], str):
            return mapping[code]
    return str(code)


FILTERS: dict[str, Callable] = {
    "number": number_filter,
    "percent": percent_filter,
    "money": money_filter,
    "per10k": per10k_filter,
    "change": change_filter,
    "label": label_filter,
}


# ---------------------------------------------------------------------------
# Errors with the nearest valid names
# ---------------------------------------------------------------------------


class UnknownName(Exception):
    """A placeholder, chart or table name that does not exist."""

    def __init__(self, message: str, suggestions: list[str]):
        self.suggestions = suggestions
        super().__init__(message)


def _path_of(target, tree, prefix="") -> str | None:
    """The dotted path of ``target`` (a Namespace) inside the context tree."""
    if tree is target:
        return prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            if isinstance(value, dict):
                found = _path_of(target, value, f"{prefix}.{key}" if prefix else key)
                if found is not None:
                    return found
    return None


def _nearest(name: str, candidates) -> list[str]:
    candidates = [str(c) for c in candidates]
    near = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not near:
        near = [c for c in candidates if c.startswith(name[:3])][:3]
    return near


def make_undefined(context: Namespace, global_names: list[str]):
    """An Undefined that fails on any use, naming the wrong name and the nearest valid ones."""

    def fail(self, *args, **kwargs):
        name = str(self._undefined_name)
        parent = self._undefined_obj
        if parent is jinja2.utils.missing:
            path, candidates = "", list(context) + global_names
        else:
            path = _path_of(parent, context) or ""
            candidates = list(parent) if isinstance(parent, dict) else []
        full = f"{path}.{name}" if path else name
        # No name alike (percent for share): a figure's few names are all offered.
        near = _nearest(name, candidates) or (candidates if path and len(candidates) <= 6 else [])
        near = [f"{path}.{n}" if path else n for n in near]
        raise UnknownName(f"unknown name {full!r}{_named_by_a_file(path, context)}", near)

    namespace = {"_fail_with_undefined_error": fail}
    # Jinja binds its dunder methods to the base class's function: re-bind them all.
    for klass in (jinja2.StrictUndefined, jinja2.Undefined):
        for attr, value in vars(klass).items():
            if value is jinja2.Undefined._fail_with_undefined_error and attr not in namespace:
                namespace[attr] = fail
    return type("ReportingUndefined", (jinja2.StrictUndefined,), namespace)


#: Names a data file declares, not the generator: a scenario's name (``scenario.strategy``,
#: ``projected_spend.strategy``, ``gap.strategy``) is a row of the year's ``scenarios.csv``.
NAMES_FROM_FILES = {"scenario": "scenarios", "projected_spend": "scenarios", "gap": "scenarios"}


def _named_by_a_file(path: str, context) -> str:
    """For a name under one of ``NAMES_FROM_FILES``: the file that declares such names, and what it holds."""
    table = NAMES_FROM_FILES.get(path)
    if table is None:
        return ""
    year = getattr(context.get("year"), "value", None)
    file = f"data/{year}/{table}.csv" if year else f"data/<year>/{table}.csv"
    scenarios = context.get("scenario", {})
    declared = [k for k in scenarios if k != "count"] if isinstance(scenarios, dict) else []
    if declared:
        return f": the scenarios are named in {file}, which declares " + ", ".join(repr(d) for d in declared)
    return f": the scenarios are named in {file}, and it declares none (the file is missing or empty)"


def _template_line(exc: BaseException, filename: str) -> int | None:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# ---------------------------------------------------------------------------
# Rendering a page
# ---------------------------------------------------------------------------


@dataclass
class RenderedPage:
    path: str  # path inside the docs tree, e.g. "sufficiency/fostering.md"
    markdown: str
    downloads: dict[str, bytes] = field(default_factory=dict)  # "name.csv" -> bytes
    outputs_used: list[str] = field(default_factory=list)
    #: (line of the page, table.columns it needed, "x" or "an empty chart"/"an empty table") for each
    #: figure in the text shown as x and each chart or table with no figures
    not_available: list[tuple[int | None, tuple[str, ...], str]] = field(default_factory=list)


def page_url_depth(docs_path: str) -> int:
    """How many folders deep the page's URL is (MkDocs directory URLs)."""
    stem = docs_path[:-3] if docs_path.endswith(".md") else docs_path
    parts = stem.split("/")
    if parts[-1] in ("index", "README"):
        parts = parts[:-1]
    return len(parts)


def relative_link(from_docs_path: str, target: str) -> str:
    """Link from a page to a file at ``target`` (a path from the docs root)."""
    return posixpath.join(*([".."] * page_url_depth(from_docs_path)), target) if page_url_depth(
        from_docs_path) else target


class OutputRenderer:
    """Turns ``chart(name)`` / ``table(name)`` calls into HTML and CSV downloads.

    ``frame_for(output)`` gives the figures an output shows in this edition
    (suppression and redaction applied by the caller).

    ``figures``: the charts and tables made so far, shared by the editions of one year (issue 14); see
    ``_made``.
    """

    def __init__(self, outputs: dict, frame_for: Callable, docs_path: str, downloads_dir: str = "downloads",
                 figures: dict | None = None):
        self.outputs = outputs
        self.frame_for = frame_for
        self.figures = {} if figures is None else figures
        self.docs_path = docs_path
        self.downloads_dir = downloads_dir
        self.downloads: dict[str, bytes] = {}
        self.used: list[str] = []
        self.empty = 0  # charts and tables with no figures at all
        self.source_name = ""  # the page being rendered (render_page sets it)
        self.not_available: list[tuple[int | None, tuple[str, ...], str]] = []  # as FigureTally's

    def _lookup(self, name: str, kind: str):
        if not isinstance(name, str) or name not in self.outputs:
            raise UnknownName(f"unknown {kind} {name!r}", _nearest(str(name), sorted(self.outputs)))
        output = self.outputs[name]
        if kind == "chart" and output.chart is None:
            raise UnknownName(f"{name!r} is a table, not a chart: write table({name!r})", [])
        return output

    def _render(self, name: str, kind: str) -> str:
        output = self._lookup(name, kind)
        from . import charts, tables
        from .downloads import source_text

        shown = self.frame_for(output)
        # frame_for gives the frame, or (the output as published, the frame) when disclosure
        # control replaced the summary.
        output, frame = shown if isinstance(shown, tuple) else (output, shown)
        if frame is None or frame.empty:
            self.empty += 1
            self.not_available.append((_compiled_line(self.source_name), tuple(output.sources), f"an empty {kind}"))
        count = self.used.count(name)
        self.used.append(name)
        element_id = f"{kind}-{name}" + (f"-{count + 1}" if count else "")
        csv_href = relative_link(self.docs_path, f"{self.downloads_dir}/{name}.csv")
        rendered = self._made(output, frame, element_id, csv_href)
        if rendered is None:
            draw = charts.render_chart if kind == "chart" else tables.render_table
            ids = {"figure_id": element_id} if kind == "chart" else {"table_id": element_id}
            rendered = draw(output, frame, **ids, csv_href=csv_href, source=source_text(output))
            self.figures[(element_id, csv_href)] = (output, frame, rendered)
        self.downloads[rendered.csv_name] = rendered.csv_bytes
        # A raw HTML block must stand alone for Python-Markdown: blank lines around it.
        return "\n\n" + rendered.html.strip() + "\n\n"

    def _made(self, output, frame, element_id: str, csv_href: str):
        """The chart or table already made with this id and link from this very output and frame (the other
        edition's, where its frame is the same object: no column dropped), else None. A chart or table is
        made from nothing else (``render_chart``, ``render_table``), and a published frame is not changed
        once made, so it is the one that would be made again; a frame or output that is not the very same
        object (another edition's columns, the preview's new data) is drawn anew."""
        made = self.figures.get((element_id, csv_href))
        if made is not None and made[0] is output and made[1] is frame:
            return made[2]
        return None

    def chart(self, name: str) -> str:
        return self._render(name, "chart")

    def table(self, name: str) -> str:
        return self._render(name, "table")


class _Environment(jinja2.Environment):
    """Jinja, except that a withheld figure gives no value to a template: any use is an error."""

    def getattr(self, obj, attribute):
        if isinstance(obj, Figure) and obj.symbol == "c" and attribute in ("value", "number", "percent"):
            raise WithheldValue(f"this figure is withheld (c) and its .{attribute} cannot be used: write the figure "
                                "itself, e.g. {{ looked_after.distance.over_20_miles.children }}, and a withheld "
                                "figure reads as words ('a withheld number')")
        return super().getattr(obj, attribute)


def make_environment() -> jinja2.Environment:
    env = _Environment(
        finalize=_finalize,
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        extensions=[],
    )
    env.filters.update(FILTERS)
    return env


#: What a symbol in the prose means, said once at the foot of each page that uses it (issue 10).
SYMBOL_NOTES = {
    "c": SYMBOLS["c"],
    "x": "not available: the figure was not supplied in the council's data, or cannot be worked out from it",
    "z": SYMBOLS["z"],
    "low": SYMBOLS["low"],
}
ALL_MISSING_NOTE = ("**None of the figures on this page are available yet.** The data they come from has not been "
                    "supplied, so each is shown as `x`.")


def _compiled_line(source_name: str) -> int | None:
    """The line of the compiled template now running (``render_page`` maps it to the page's line)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == source_name:
            return frame.f_lineno
        frame = frame.f_back
    return None


class FigureTally:
    """Counts the figures a page prints and the symbols among them (Jinja's ``finalize`` hook).

    ``not_available`` keeps, for each figure shown ``x``, the line of the compiled template that
    printed it, the ``table.column``s it needed and ``"x"`` (``render_page`` turns the lines into the page's).
    """

    def __init__(self, source_name: str = ""):
        self.figures = 0
        self.symbols: list[str] = []
        self.source_name = source_name
        self.not_available: list[tuple[int | None, tuple[str, ...], str]] = []

    def _note_missing(self, figure: Figure) -> None:
        self.not_available.append((_compiled_line(self.source_name), tuple(figure.sources), "x"))

    def __call__(self, value):
        symbol = None
        if isinstance(value, Figure) and value.symbol == "x":
            self._note_missing(value)
        elif isinstance(value, SymbolText) and value == "x" and value.figure is not None:
            self._note_missing(value.figure)
        if isinstance(value, (Figure, Change)):
            self.figures += 1
            symbol = value.symbol
        elif isinstance(value, str) and value in SYMBOL_NOTES:  # a filter's output: "x", "z" ...
            self.figures += 1
            symbol = value
        elif isinstance(value, str) and _MARK_PATTERN.fullmatch(value):  # a filter's withheld figure
            self.figures += 1
            symbol = "c"
        if symbol is not None:
            self.symbols.append(symbol)
        return _finalize(value)

    def explain(self, markdown: str, empty_outputs: int = 0, outputs: int = 0) -> str:
        """The page with a note explaining each symbol its prose uses and, when no figure on it is
        available (every one ``x``, every chart and table empty), a plain sentence saying so."""
        # A withheld figure reads as words linked to the explanation, not as "c": no note needed.
        used = [s for s in SYMBOL_NOTES if s in self.symbols and s != "c"]
        if used:
            notes = "; ".join(f"`{s}` {SYMBOL_NOTES[s]}" for s in used)
            markdown = markdown.rstrip("\n") + f"\n\n*Symbols on this page:* {notes}.\n"
        shown = self.figures - len(self.symbols) + (outputs - empty_outputs)
        if shown == 0 and self.figures + outputs and set(self.symbols) <= {"x"}:
            lines = markdown.split("\n")
            at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
            lines[at:at] = ["", ALL_MISSING_NOTE, ""]
            markdown = "\n".join(lines)
        return markdown


#: Compiled pages by (text, file name): both editions of a year compile a page's text once (issue 14). Every
#: environment comes from ``make_environment``; the compiled code looks up ``finalize`` and ``undefined`` on
#: the environment when it runs, so it does not depend on which environment compiled it.
_COMPILED: dict[tuple[str, str], object] = {}


def _compiled(env: jinja2.Environment, text: str, source_name: str, tally: FigureTally):
    key = (text, source_name)
    code = _COMPILED.get(key)
    if code is None:
        before = (tally.figures, len(tally.symbols), len(tally.not_available))
        code = env.compile(text, name=source_name, filename=source_name)
        # Jinja prints a constant ({{ "x" }}) through finalize while compiling: that page is compiled
        # every time, so its tally counts it every time.
        if before == (tally.figures, len(tally.symbols), len(tally.not_available)):
            if len(_COMPILED) >= 512:
                _COMPILED.clear()
            _COMPILED[key] = code
    return code


def render_page(source_name: str, docs_path: str, text: str, context: Namespace, renderer: OutputRenderer,
                env: jinja2.Environment | None = None, earlier=None) -> RenderedPage:
    """Fill one page's placeholders; raise BuildError naming file and line on any mistake.

    ``earlier``: the earlier years' figures for ``change(since=...)`` (see ``EARLIER``)."""
    env = env or make_environment()
    global_names = ["chart", "table", *FILTERS]
    env.undefined = make_undefined(context, global_names)
    tally = FigureTally(source_name)
    env.finalize = tally
    renderer.source_name = source_name
    try:
        # Compiled with our file name, so a runtime error's traceback gives the template line.
        code = _compiled(env, text, source_name, tally)
        template = env.template_class.from_code(env, code, env.make_globals(None))
        markdown = words_for_withheld(template.render(**context, chart=renderer.chart, table=renderer.table,
                                                      **{EARLIER: earlier}),
                                      docs_path)
        markdown = figure_heading_levels(markdown)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(_syntax_problem(source_name, exc, env), stage="render") from None
    except UnknownName as exc:
        line = _template_line(exc, source_name)
        hint = ("did you mean " + " or ".join(repr(s) for s in exc.suggestions) + "?") if exc.suggestions else (
            "every name is listed in docs/placeholders.md")
        raise BuildError(Problem("unknown-name", str(exc), file=source_name, line=line, hint=hint),
                         stage="render") from None
    except SensitiveInProse as exc:
        raise BuildError(Problem("sensitive-in-prose", str(exc), file=source_name,
                                 line=_template_line(exc, source_name),
                                 hint="put the sentence inside a '::: restricted' block, or use a figure that is "
                                      "not commercially sensitive"), stage="render (public edition)") from None
    except PlaceholderMistake as exc:
        raise BuildError(Problem("placeholder", str(exc), file=source_name, line=_template_line(exc, source_name),
                                 hint=exc.hint), stage="render") from None
    except WithheldValue as exc:
        raise BuildError(Problem("withheld-value", str(exc), file=source_name, line=_template_line(exc, source_name),
                                 hint="a sentence needs no {% if %} for a withheld figure: see the commissioners' "
                                      "guide, 'When a figure is withheld'"), stage="render") from None
    except BuildError:
        raise
    except Exception as exc:  # any other error inside the template: say where
        line = _template_line(exc, source_name)
        raise BuildError(Problem("template-error", f"{type(exc).__name__}: {exc}", file=source_name, line=line),
                         stage="render") from None
    markdown = tally.explain(markdown, renderer.empty, len(renderer.used))
    not_available = [(template.get_corresponding_lineno(line) if line else None, sources, what)
                     for line, sources, what in sorted(tally.not_available + renderer.not_available,
                                                       key=lambda entry: entry[0] or 0)]
    return RenderedPage(docs_path, markdown, dict(renderer.downloads), list(renderer.used), not_available)


_FIGURE_TITLE = re.compile(r'<h[1-6] class="figure-title"(.*?)</h[1-6]>', re.S)
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def figure_heading_levels(markdown: str) -> str:
    """A chart's title is a heading one level below the page's heading before it (h3 under an h2; h2
    before any section heading, as the page title is the h1), so the outline reads in order."""
    out, level, fence = [], 1, None
    for line in markdown.split("\n"):
        if fence:
            fence = None if line.strip().startswith(fence) else fence
        elif match := _FENCE.match(line):
            fence = match.group(1)[:3]
        elif match := _ATX_HEADING.match(line):
            level = len(match.group(1))
        elif 'class="figure-title"' in line:
            depth = min(level + 1, 6)
            line = _FIGURE_TITLE.sub(lambda m, d=depth: f'<h{d} class="figure-title"{m.group(1)}</h{d}>', line)
        out.append(line)
    return "\n".join(out)


def _syntax_problem(source_name: str, exc: jinja2.TemplateSyntaxError, env) -> Problem:
    message = exc.message or str(exc)
    hint = None
    if "No filter named" in message:
        bad = message.split("'")[1] if "'" in message else ""
        near = _nearest(bad, env.filters)
        hint = f"did you mean {near[0]!r}?" if near else "filters: " + ", ".join(sorted(FILTERS))
    elif "unexpected '}'" in message or "expected token" in message:
        hint = "placeholders look like {{ looked_after.total }}: check the braces and the dots"
    return Problem("template-syntax", message.rstrip("."), file=source_name, line=exc.lineno, hint=hint)
