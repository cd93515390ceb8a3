"""Charts: each chart drawn at build time as inline SVG, with its words and figures.

``render_chart`` turns a catalogue ``Output`` and its frame into one raw HTML
block for a Markdown page::

    <figure>
      <figcaption> title, one-sentence summary </figcaption>
      <svg role="img" aria-labelledby="<id>-summary"> ... </svg>
      note on withheld figures (if any)
      data table (tables.frame_to_html) + GSS symbol legend
      "Download these figures (CSV)"
    </figure>

What is drawn is only what the ``ChartStyle`` names: the x, y and series
columns, the value labels on bars and the series names at line ends. Withheld
figures (a ``Figure`` with a symbol, or a missing cell) are not drawn at all:
no bar or point (a line breaks there), the symbol is drawn at the baseline,
and a note under the chart says why.

``_Prepared`` sorts the figures once (drawn, withheld, the orders of both
axes) for the summary, the note and both drawings; ``drawing.py`` lays out and
draws them as SVG in Python. Our charts use four kinds only (bar, grouped,
stacked, line; horizontal or vertical), so they are drawn directly: the
Vega-Lite specs rendered by vl-convert that drew them before cost 31 ms a
drawing, as much CPU over a build as all of MkDocs. No JavaScript runs, on the
page or at build time, and the drawing is the same bytes on any machine.

Each chart is drawn twice, wide (560 px) and narrow (290 px); ``figures.css``
shows the narrow drawing on phones so that its labels stay readable. Both
carry the same accessible name; the hidden one is ``display: none``. The
narrow drawing has the same marks, labels wrapped shorter, fewer ticks when
horizontal and no line-end labels. No element inside a drawing has an id or
ARIA, so several charts share a page.

Series never rely on colour alone: lines differ by dash pattern and point
shape, shown in the legend too, and are labelled at their ends; stacked
segments are separated by white rules and stack in legend order; bars carry
their values; the data table follows every chart.
"""
from __future__ import annotations

import html
import re

import pandas as pd

from . import drawing, palette
from .tables import (
    RenderedOutput,
    _short_symbol_text,
    cell_number,
    cell_symbol,
    column_kind,
    csv_name_for,
    download_link,
    frame_to_csv,
    frame_to_html,
    label_text,
    source_line,
)
from .values import Figure, format_value

__all__ = ["RenderedOutput", "render_chart", "chart_svg", "generic_summary"]

MARKS = ("bar", "grouped_bar", "stacked_bar", "line")
MARK_NAMES = {
    "bar": "Bar chart",
    "grouped_bar": "Grouped bar chart",
    "stacked_bar": "Stacked bar chart",
    "line": "Line chart",
}


# --- the data actually drawn ----------------------------------------------

def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)


def _value_kind(output, frame: pd.DataFrame, column: str) -> str:
    return column_kind(frame, column, output.units) or "number"


def _format(value: float, kind: str, source) -> str:
    if isinstance(source, Figure):
        return format_value(value, source.kind, source.decimals)
    return format_value(value, kind)


class _Prepared:
    """The rows a chart draws, the rows it withholds, and the orders of both axes."""

    def __init__(self, output, frame: pd.DataFrame):
        style = output.chart
        if style is None:
            raise ValueError(f"{output.name}: output has no chart style")
        if style.mark not in MARKS:
            raise ValueError(f"{output.name}: unknown mark {style.mark!r} (expected one of {MARKS})")
        for column in (style.x, style.y, style.colour):
            if column is not None and column not in frame.columns:
                raise ValueError(f"{output.name}: chart column {column!r} is not in the frame "
                                 f"(columns: {list(frame.columns)})")
        self.style = style
        self.kind = _value_kind(output, frame, style.y)
        self.categories = _unique(label_text(v) for v in frame[style.x])
        self.series = _unique(label_text(v) for v in frame[style.colour]) if style.colour else []
        self.drawn: list[dict] = []
        self.withheld: list[dict] = []
        # Totals a declared table prints for its readers (``declared.with_totals``) are not drawn as bars.
        added = frame.attrs.get("added_totals")
        if added:
            self.categories = [c for c in self.categories if c != added]
            self.series = [s for s in self.series if s != added]
        # Each row's cells as ``frame.iterrows()`` gives them (from ``frame.values``: one dtype for the whole
        # frame), without making a Series of each row.
        at = [frame.columns.get_loc(column) for column in (style.x, style.y, style.colour or style.x)]
        for row in frame.values:
            x, raw, colour = (row[i] for i in at)
            number = cell_number(raw)
            record = {"x": label_text(x)}
            if style.colour:
                record["s"] = label_text(colour)
            if added and added in (record["x"], record.get("s")):
                continue
            if number is None:
                record["symbol"] = cell_symbol(raw) or "x"
                self.withheld.append(record)
            else:
                record["y"] = number
                record["text"] = _format(number, self.kind, raw)
                self.drawn.append(record)

    @property
    def symbols(self) -> list[str]:
        return _unique(r["symbol"] for r in self.withheld)

    def top(self) -> float:
        """The largest value the value axis must reach (stacked: the largest total)."""
        if not self.drawn:
            return 1.0
        if self.style.mark == "stacked_bar":
            totals: dict[str, float] = {}
            for r in self.drawn:
                totals[r["x"]] = totals.get(r["x"], 0.0) + max(r["y"], 0.0)
            return max(totals.values())
        return max(r["y"] for r in self.drawn)

    def bottom(self) -> float:
        return min([0.0] + [r["y"] for r in self.drawn])


def _drawing(prep: _Prepared, *, figure_id: str, labelledby: str | None, describedby: str | None,
             narrow: bool) -> str:
    """One drawing of the chart (wide or narrow) as one line of SVG with its accessible name."""
    inner, width, height = drawing.draw(prep, narrow=narrow)
    variant = "chart-svg--narrow" if narrow else "chart-svg--wide"
    described = f' aria-describedby="{describedby}"' if describedby else ""
    width, height = drawing.num(width), drawing.num(height)
    root = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {variant}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" preserveAspectRatio="xMidYMid meet" '
            f'role="img" aria-labelledby="{labelledby or f"{figure_id}-summary"}"{described} focusable="false">')
    return (f'{root}<rect width="{width}" height="{height}" fill="{palette.BACKGROUND}"/>'
            f'<g font-family="{drawing.FONT}" font-size="{drawing.FONT_SIZE}" fill="{palette.TEXT}">{inner}</g></svg>')


def chart_svg(output, frame: pd.DataFrame, *, figure_id: str, labelledby: str | None = None,
              describedby: str | None = None, narrow: bool = False) -> str:
    """The chart as one line of SVG: no ARIA on inner marks, scalable."""
    return _drawing(_Prepared(output, frame), figure_id=figure_id, labelledby=labelledby,
                    describedby=describedby, narrow=narrow)


# --- words -----------------------------------------------------------------

def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower_first(title: str) -> str:
    """'Children looked after' -> 'children looked after'; 'UASC' and 'England' stay."""
    word = title.split(" ", 1)[0]
    if word[1:2].isupper() or word in ("England", "English", "Ofsted"):
        return title
    return title[:1].lower() + title[1:]


#: Closes a chart's summary when some of its figures are withheld (the audit reads such a sentence as
#: telling nothing about the withheld ones: audit.summaries.NEUTRAL_SUMMARY).
WITHHELD_CLAUSE = "some figures are withheld"


def generic_summary(output, frame: pd.DataFrame) -> str:
    """One sentence describing the chart, from the figures shown (withheld ones left out)."""
    return _summary(_Prepared(output, frame))


def _summary(prep: _Prepared) -> str:
    style = prep.style
    x_title = style.x_title or style.x
    y_title = style.y_title or style.y
    what = f"{MARK_NAMES[style.mark]} of {_lower_first(y_title)} by {_lower_first(x_title)}"
    if not prep.drawn:
        return f"{what}; none of its figures can be shown."
    if prep.series:
        if style.mark == "line":
            latest = prep.categories[-1]
            at_end = [r for r in prep.drawn if r["x"] == latest]
            if at_end:
                parts = [f"{r['s']} {r['text']}" for r in at_end]
                return f"{what} for {_join(prep.series)}; in {latest}: {_join(parts)}."
        if style.mark == "stacked_bar" and not prep.withheld and len(prep.categories) > 1:
            # Totals only when nothing is withheld: a total less its shown parts would
            # give a withheld part away.
            totals: dict[str, float] = {}
            for r in prep.drawn:
                totals[r["x"]] = totals.get(r["x"], 0.0) + r["y"]
            high = max(totals, key=totals.get)
            low = min(totals, key=totals.get)
            if high != low:
                return (f"{what} for {_join(prep.series)}; the largest total is {high} "
                        f"({format_value(totals[high], prep.kind)}), the smallest {low} "
                        f"({format_value(totals[low], prep.kind)}).")
        if style.mark in ("grouped_bar", "bar"):
            high = max(prep.drawn, key=lambda r: r["y"])
            if prep.withheld:  # a withheld bar may be the highest: say only what is shown
                return (f"{what} for {_join(prep.series)}; the highest shown is {high['x']}, {high['s']} "
                        f"({high['text']}); {WITHHELD_CLAUSE}.")
            return (f"{what} for {_join(prep.series)}; the highest is {high['x']}, {high['s']} "
                    f"({high['text']}).")
        return f"{what} for {_join(prep.series)}; the figures are in the table below."
    if style.mark == "line":
        first, last = prep.drawn[0], prep.drawn[-1]
        if first is last:
            return f"{what}: {first['text']} in {first['x']}."
        return f"{what}: from {first['text']} in {first['x']} to {last['text']} in {last['x']}."
    high = max(prep.drawn, key=lambda r: r["y"])
    low = min(prep.drawn, key=lambda r: r["y"])
    if prep.withheld:
        # A withheld bar may be higher or lower than every bar drawn: "highest" and "lowest" would
        # mislead a reader (and tell them a bound on the withheld figure). Say only what is shown.
        if high is low:
            return f"{what}: {high['x']} {high['text']}; {WITHHELD_CLAUSE}."
        return (f"{what}: highest shown {high['x']} ({high['text']}), lowest shown {low['x']} "
                f"({low['text']}); {WITHHELD_CLAUSE}.")
    if high is low:
        return f"{what}: {high['x']} {high['text']}."
    return f"{what}: highest {high['x']} ({high['text']}), lowest {low['x']} ({low['text']})."


def withheld_note(output, frame: pd.DataFrame) -> str:
    """``c: withheld to protect children's privacy; no bar drawn (Age 1 to 4).``"""
    return _note(_Prepared(output, frame))


def _note(prep: _Prepared) -> str:
    if not prep.withheld:
        return ""
    drawn = "point" if prep.style.mark == "line" else "bar"
    sentences = []
    for symbol in prep.symbols:
        rows = [r for r in prep.withheld if r["symbol"] == symbol]
        where = [f"{r['x']}, {r['s']}" if "s" in r else r["x"] for r in rows]
        sentences.append(f"{symbol}: {_short_symbol_text(symbol)}; no {drawn} drawn "
                         f"({'; '.join(where)}).")
    return " ".join(sentences)


# --- the figure ------------------------------------------------------------

def render_chart(output, frame: pd.DataFrame, *, figure_id: str, csv_href: str, source: str = "",
                 heading_level: int = 3) -> RenderedOutput:
    """``chart("name")``: a figure whose title is a heading, its summary, then the chart and its data table
    as two tabs (CSS only: both are in the page without JavaScript, the table one click away), the source
    and the CSV link. ``render.render_page`` sets the heading's level from the page's headings.

    The HTML has no blank lines, so Python-Markdown keeps it as one raw block.
    """
    prep = _Prepared(output, frame)  # once for the summary, the note and both drawings
    summary = output.summary(frame) if output.summary is not None else None
    summary = (summary or _summary(prep)).strip()
    note = _note(prep)
    title_id, summary_id, note_id = (f"{figure_id}-title", f"{figure_id}-summary", f"{figure_id}-note")
    svgs = [_drawing(prep, figure_id=figure_id, labelledby=summary_id,
                     describedby=note_id if note else None, narrow=narrow) for narrow in (False, True)]
    chart_tab, table_tab, group = f"{figure_id}-show-chart", f"{figure_id}-show-table", f"{figure_id}-view"
    parts = [
        f'<figure class="chart-figure" id="{figure_id}" aria-labelledby="{title_id}">',
        f'<figcaption><h{heading_level} class="figure-title" id="{title_id}">{html.escape(output.title)}'
        f'</h{heading_level}> <span class="figure-summary" id="{summary_id}">{html.escape(summary)}</span>'
        "</figcaption>",
        '<div class="tabbed-set tabbed-alternate figure-tabs">',
        f'<input checked="checked" id="{chart_tab}" name="{group}" type="radio">'
        f'<input id="{table_tab}" name="{group}" type="radio">',
        f'<div class="tabbed-labels"><label for="{chart_tab}">Chart</label><label for="{table_tab}">Table</label>'
        "</div>",
        '<div class="tabbed-content">',
        '<div class="tabbed-block figure-tab-chart">',
        f'<div class="chart">{"".join(svgs)}</div>',
    ]
    if note:
        parts.append(f'<p class="figure-note" id="{note_id}">{html.escape(note)}</p>')
    parts += ["</div>", '<div class="tabbed-block figure-tab-table">',
              frame_to_html(frame, output.units, f"{output.title} (data table)", table_id=f"{figure_id}-table"),
              "</div>", "</div>", "</div>"]
    if source:
        parts.append(source_line(source))
    parts.append(download_link(csv_href))
    parts.append("</figure>")
    text = "\n".join(parts)
    text = re.sub(r"\n\s*\n", "\n", text)
    return RenderedOutput(text, csv_name_for(csv_href), frame_to_csv(frame, output.units))
