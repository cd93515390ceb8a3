"""Charts: a Vega-Lite spec rendered at build time to inline SVG, with its words and figures.

``render_chart`` turns a catalogue ``Output`` and its frame into one raw HTML
block for a Markdown page::

    <figure>
      <figcaption> title, one-sentence summary </figcaption>
      <svg role="img" aria-labelledby="<id>-summary"> ... </svg>
      note on withheld figures (if any)
      data table (tables.frame_to_html) + GSS symbol legend
      "Download these figures (CSV)"
    </figure>

What goes into the chart spec is only what is drawn: the x, y and series
columns named by the ``ChartStyle`` (under neutral field names), the value
labels drawn on bars and the series names drawn at line ends. Withheld
figures (a ``Figure`` with a symbol, or a missing cell) are left out of the
spec altogether: no bar or point is drawn, the symbol is drawn at the
baseline, and a note under the chart says why. The SVG is rendered by
vl-convert (no JavaScript on the page) and is deterministic; ids inside it
are prefixed with the figure id so that several charts can share a page.

Each chart is drawn twice, wide and narrow; ``figures.css`` shows the narrow
drawing on phones so that its labels stay readable. Both carry the same
accessible name; the hidden one is ``display: none``. Both come from one
preparation of the figures (``_Prepared``), which also gives the summary and
the note; the narrow spec differs only in size, label wrapping, tick count and
line-end labels. The narrow SVG itself cannot be derived from the wide one
(Vega lays out text and ticks for the size it is given), so vl-convert draws
both; drawings are cached on disk by spec, so a rebuild draws only what changed.

Series never rely on colour alone: lines differ by dash pattern and point
shape and are labelled at their ends; stacked segments are separated by white
rules and stack in legend order; bars carry their values; the data table
follows every chart.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import html
import json
import math
import os
import re
from pathlib import Path

import pandas as pd
import vl_convert as vlc

from . import palette
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

__all__ = ["RenderedOutput", "render_chart", "chart_svg", "build_chart", "generic_summary"]

MARKS = ("bar", "grouped_bar", "stacked_bar", "line")
WIDTH = 560
HEIGHT = 300
# A second, narrow drawing for phones (figures.css shows one or the other), so that
# labels stay readable instead of shrinking with a wide chart.
NARROW_WIDTH = 290
NARROW_HEIGHT = 240
# vl-convert measures text with its bundled Liberation Sans; Arial and Helvetica share
# its metrics, so labels fit the same in a reader's browser and the SVG is the same
# bytes on any build machine.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
CHAR_WIDTH = 7.0  # average width of a label character at FONT_SIZE, in pixels
LINE_HEIGHT = 16
FONT_SIZE = 13
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
        for _, row in frame.iterrows():
            raw = row[style.y]
            number = cell_number(raw)
            record = {"x": label_text(row[style.x])}
            if style.colour:
                record["s"] = label_text(row[style.colour])
            if added and added in (record["x"], record.get("s")):
                continue
            if number is None:
                record["symbol"] = cell_symbol(raw) or "x"
                self.withheld.append(record)
            else:
                record["y"] = number
                record["text"] = _format(number, self.kind, raw)
                self.drawn.append(record)

    def relabelled(self, labels: dict[str, str]) -> _Prepared:
        """A copy drawing category ``c`` as ``labels[c]`` (wrapped onto lines)."""
        new = copy.copy(self)
        new.categories = [labels.get(c, c) for c in self.categories]
        new.drawn = [dict(r, x=labels.get(r["x"], r["x"])) for r in self.drawn]
        new.withheld = [dict(r, x=labels.get(r["x"], r["x"])) for r in self.withheld]
        return new

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


def _wrap(text: str, chars: int) -> str:
    """``text`` broken between words into lines of at most ``chars`` characters (when it can)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) or text


def _nice(value: float) -> float:
    """The next 'nice' number (1, 2, 2.5, 5 × 10^n) at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        candidate = step * 10 ** exponent
        if candidate >= value * 1.0000001:
            return float(candidate)
    return float(10 ** (exponent + 1))


def _axis_label_expr(kind: str, top: float) -> str:
    if kind == "percent":
        return "format(datum.value, ',') + '%'"
    if kind == "money":
        if top >= 1_000_000:
            return ("datum.value == 0 ? '£0' : (datum.value < 0 ? '-' : '') + '£' + "
                    "format(abs(datum.value) / 1000000, ',') + 'm'")
        return "(datum.value < 0 ? '-' : '') + '£' + format(abs(datum.value), ',')"
    return "format(datum.value, ',')"


# --- the chart -------------------------------------------------------------
#
# The Vega-Lite spec is built as plain dicts, exactly as Altair's ``to_dict`` would
# write it, without Altair's JSON-schema validation of every object on every build
# (that cost about 0.08 s a drawing). tests/test_charts.py validates the specs of
# every chart of the example against the Vega-Lite schema instead.

#: The Vega-Lite version the specs are written for (the schema the tests validate against).
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

CONFIG = {
    "view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
    "aria": False,
    "background": palette.BACKGROUND,
    "font": FONT,
    "padding": {"left": 4, "right": 12, "top": 8, "bottom": 4},
    "axis": {
        "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "labelColor": palette.TEXT,
        "titleColor": palette.TEXT, "titleFontWeight": "bold", "domainColor": palette.SECONDARY_TEXT,
        "tickColor": palette.SECONDARY_TEXT, "gridColor": palette.GRID,
    },
    "legend": {
        "labelFontSize": FONT_SIZE, "labelColor": palette.TEXT, "symbolSize": 140, "symbolType": "square",
    },
}


def _layer(values: list[dict], mark: str, encoding: dict, **mark_properties) -> dict:
    return {"data": {"values": values}, "mark": {"type": mark, **mark_properties}, "encoding": encoding}


def build_chart(output, frame: pd.DataFrame, *, narrow: bool = False) -> dict:
    """The Vega-Lite spec of ``output``'s chart for ``frame`` (only the drawn figures in its data)."""
    return chart_spec(_Prepared(output, frame), narrow=narrow)


def chart_spec(prep: _Prepared, *, narrow: bool = False) -> dict:
    """The wide drawing's spec, or the narrow one's: the same data and marks at phone size,
    with labels wrapped shorter, fewer ticks when horizontal and no line-end labels."""
    size = (NARROW_WIDTH, NARROW_HEIGHT) if narrow else (WIDTH, HEIGHT)
    return _spec(prep, *size, narrow=narrow)


def _spec(prep: _Prepared, width: int, height: int, narrow: bool = False) -> dict:
    style = prep.style
    horizontal = style.horizontal and style.mark != "line"
    x_title = style.x_title if style.x_title is not None else style.x
    y_title = style.y_title if style.y_title is not None else style.y
    top = _nice(prep.top() * (1.08 if style.mark in ("bar",) else 1.0))
    low = prep.bottom()
    low = -_nice(-low * (1.15 if style.mark == "bar" else 1.0)) if low < 0 else 0.0
    value_scale = {"domain": [low, top], "nice": False, "zero": True}

    n_series = len(prep.series)
    colour_range = palette.colours(max(n_series, 1))
    n_categories = max(len(prep.categories), 1)

    # Category labels wrap onto up to three lines rather than being cut short.
    split = "split(datum.label, '\\n')"
    if horizontal:
        chars = 18 if narrow else 26
        wrapped = {c: _wrap(c, chars) for c in prep.categories}
        lines = max((w.count("\n") + 1 for w in wrapped.values()), default=1)
        cat_axis = {"labelExpr": split, "labelLimit": 0, "labelPadding": 6, "ticks": False,
                    "labelLineHeight": LINE_HEIGHT}
        bars_per_category = max(n_series, 1) if style.mark == "grouped_bar" else 1
        band = max(24 * bars_per_category + 12, LINE_HEIGHT * lines + 14)
        height = max(120, min(band * n_categories, 1600))
        x_title = None  # the labels say what they are; a rotated title would crowd them
    else:
        per_category = width / n_categories
        chars = int((per_category - 6) / CHAR_WIDTH)
        wrapped = {c: _wrap(c, chars) for c in prep.categories} if chars >= 3 else {}
        if wrapped and all(w.count("\n") < 3 and max(len(p) for p in w.split("\n")) <= chars
                           for w in wrapped.values()):
            cat_axis = {"labelExpr": split, "labelAngle": 0, "labelLimit": 0, "ticks": False,
                        "labelLineHeight": LINE_HEIGHT}
        else:
            # Too narrow to sit level: slanted, still wrapped, never cut short.
            wrapped = {c: _wrap(c, 22) for c in prep.categories}
            cat_axis = {"labelExpr": split, "labelAngle": -40, "labelAlign": "right",
                        "labelBaseline": "top", "labelLimit": 0, "ticks": False,
                        "labelLineHeight": LINE_HEIGHT}
    if wrapped:
        prep = prep.relabelled(wrapped)
    val_axis = {"labelExpr": _axis_label_expr(prep.kind, top), "grid": True,
                "tickCount": 3 if narrow and horizontal else 5, "format": ","}

    cat_field = {"domain": prep.categories, "paddingInner": 0.2, "paddingOuter": 0.1}
    category = {"field": "x", "type": "ordinal", "title": x_title,
                "scale": cat_field, "sort": prep.categories, "axis": cat_axis}
    value = {"field": "y", "type": "quantitative", "title": y_title,
             "scale": value_scale, "axis": val_axis}
    cat_ch, val_ch = ("y", "x") if horizontal else ("x", "y")

    def enc(cat, val, **extra):
        channels = {cat_ch: cat, val_ch: val}
        channels.update(extra)
        return channels

    layers = []
    longest_series = max((len(s) for s in prep.series), default=1)
    columns = max(1, min(n_series, int(width / (longest_series * CHAR_WIDTH + 36))))
    legend = {"orient": "top", "direction": "horizontal", "title": None, "columns": columns,
              "labelLimit": 0, "symbolStrokeWidth": 2}
    colour = ({"field": "s", "type": "nominal", "scale": {"domain": prep.series, "range": colour_range},
               "sort": prep.series, "legend": legend} if n_series else None)
    offset_ch = "yOffset" if horizontal else "xOffset"
    offset = {"field": "s", "type": "nominal", "scale": {"domain": prep.series, "paddingInner": 0.08},
              "sort": prep.series}

    if style.mark == "line":
        line_extra = {}
        if n_series:
            line_extra = {
                "color": colour,
                "strokeDash": {"field": "s", "type": "nominal", "sort": prep.series,
                               "scale": {"domain": prep.series, "range": palette.dashes(n_series)},
                               "legend": legend},
                "shape": {"field": "s", "type": "nominal", "sort": prep.series,
                          "scale": {"domain": prep.series, "range": palette.shapes(n_series)},
                          "legend": legend},
            }
        line_data = prep.drawn + [
            {k: v for k, v in r.items() if k != "symbol"} | {"y": None} for r in prep.withheld
        ]
        layers.append(_layer(line_data, "line",
                             enc(category, value, **{k: v for k, v in line_extra.items() if k != "shape"}),
                             strokeWidth=2.5, invalid="break-paths-show-domains", color=colour_range[0]))
        point_extra = {"color": colour, "shape": line_extra["shape"]} if n_series else {}
        layers.append(_layer(prep.drawn, "point", enc(category, value, **point_extra),
                             filled=True, size=60, opacity=1, color=colour_range[0]))
        if n_series > 1 and not narrow:
            layers.append(_line_end_labels(prep, category, value, colour, top, low, height))
    else:
        drawn = prep.drawn
        bar_extra: dict = {}
        bar_properties: dict = {"color": colour_range[0]}
        if style.mark == "grouped_bar" and n_series:
            bar_extra = {"color": colour, offset_ch: offset}
        elif style.mark == "stacked_bar" and n_series:
            bar_extra = {"color": colour,
                         "order": {"field": "order", "type": "quantitative",
                                   "sort": "ascending" if horizontal else "descending"}}
            order = {s: i for i, s in enumerate(prep.series)}
            drawn = [dict(r, order=order[r["s"]]) for r in prep.drawn]
        elif n_series:
            bar_extra = {"color": colour}
        if style.mark == "stacked_bar":
            bar_properties.update(stroke=palette.BACKGROUND, strokeWidth=1)
        val = dict(value, stack="zero") if style.mark == "stacked_bar" else value
        layers.append(_layer(drawn, "bar", enc(category, val, **bar_extra), **bar_properties))
        if style.mark == "bar" and not n_series:
            # Value labels just beyond the end of each bar (below a negative one).
            for negative in (False, True):
                rows = [r for r in prep.drawn if (r["y"] < 0) == negative]
                if not rows:
                    continue
                if horizontal:
                    text_properties = dict(align="right" if negative else "left", baseline="middle",
                                           dx=-4 if negative else 4)
                else:
                    text_properties = dict(align="center", baseline="top" if negative else "bottom",
                                           dy=3 if negative else -3)
                layers.append(_layer(rows, "text",
                                     enc(category, value, text={"field": "text", "type": "nominal"}),
                                     color=palette.TEXT, fontSize=FONT_SIZE - 1, **text_properties))
        if prep.withheld and style.mark in ("bar", "grouped_bar"):
            sym_extra = {offset_ch: offset} if style.mark == "grouped_bar" and n_series else {}
            text_properties = (dict(align="left", baseline="middle", dx=4) if horizontal
                               else dict(align="center", baseline="bottom", dy=-3))
            layers.append(_layer(
                prep.withheld, "text",
                enc(category, {"datum": 0, "type": "quantitative", "scale": value_scale},
                    text={"field": "symbol", "type": "nominal"}, **sym_extra),
                color=palette.TEXT, fontSize=FONT_SIZE, fontWeight="bold", **text_properties))

    spec = {"layer": layers} if len(layers) > 1 else layers[0]
    return {"$schema": SCHEMA_URL, "config": CONFIG, **spec, "width": width, "height": height}


def _line_end_labels(prep: _Prepared, category, value, colour, top: float, low: float, height: int) -> dict:
    """Series names at the right-hand end of each line that reaches it, nudged apart so none overlap.

    A line that stops earlier (the actual figures before a forecast) is not labelled at its end, where
    its name would run across the lines that carry on (issue 12): the legend names it.
    """
    position = {c: i for i, c in enumerate(prep.categories)}
    last: dict[str, dict] = {}
    for r in prep.drawn:
        if r["s"] not in last or position[r["x"]] >= position[last[r["s"]]["x"]]:
            last[r["s"]] = r
    right = max((position[r["x"]] for r in last.values()), default=0)
    last = {s: r for s, r in last.items() if position[r["x"]] == right}
    span = (top - low) or 1.0
    gap = (FONT_SIZE + 3) * span / height
    # Labels sharing an x position are spread vertically, keeping their order.
    labels = []
    by_x: dict[str, list[dict]] = {}
    for s in prep.series:
        if s in last:
            by_x.setdefault(last[s]["x"], []).append(last[s])
    for x, rows in by_x.items():
        rows = sorted(rows, key=lambda r: r["y"])
        ys = [r["y"] for r in rows]
        for i in range(1, len(ys)):
            ys[i] = max(ys[i], ys[i - 1] + gap)
        overflow = ys[-1] - top
        if overflow > 0:
            ys = [y - overflow for y in ys]
            for i in range(len(ys) - 2, -1, -1):
                ys[i] = min(ys[i], ys[i + 1] - gap)
        labels += [{"x": x, "s": r["s"], "ly": y} for r, y in zip(rows, ys)]
    label_value = dict(value, field="ly")
    return _layer(labels, "text",
                  {"x": category, "y": label_value, "text": {"field": "s", "type": "nominal"},
                   "color": dict(colour, legend=None)},
                  align="left", baseline="middle", dx=9, fontSize=FONT_SIZE, fontWeight="bold")


# --- SVG -------------------------------------------------------------------

def _cache_dir() -> Path | None:
    """Where drawn charts are kept between builds (SUFFICIENCY_CACHE=off turns it off)."""
    setting = os.environ.get("SUFFICIENCY_CACHE", "")
    if setting.lower() in ("off", "0", "no"):
        return None
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "sufficiency-charts" / f"vl-convert-{getattr(vlc, '__version__', 'unknown')}"


@functools.lru_cache(maxsize=512)
def _vega_lite_to_svg(spec_json: str) -> str:
    """vl-convert, once a spec: both editions and every later build reuse the drawing.

    The cache key is a hash of the whole spec and the vl-convert version, so a
    cached drawing is the drawing vl-convert would make: output stays
    byte-identical with or without the cache.
    """
    folder = _cache_dir()
    key = hashlib.sha256(spec_json.encode("utf-8")).hexdigest()
    if folder is not None:
        cached = folder / f"{key}.svg"
        try:
            return cached.read_text(encoding="utf-8")
        except OSError:
            pass
    svg = vlc.vegalite_to_svg(json.loads(spec_json))
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f"{key}.{os.getpid()}.tmp"
            temporary.write_text(svg, encoding="utf-8")
            os.replace(temporary, folder / f"{key}.svg")
        except OSError:
            pass  # a read-only home: draw every time
    return svg


_INNER_ATTRS = re.compile(r'\s(?:role|aria-[a-z]+|pointer-events|focusable|tabindex)="[^"]*"')


def chart_svg(output, frame: pd.DataFrame, *, figure_id: str, labelledby: str | None = None,
              describedby: str | None = None, narrow: bool = False) -> str:
    """The chart as one line of SVG: ids prefixed, no ARIA on inner marks, scalable."""
    return _drawing(build_chart(output, frame, narrow=narrow), figure_id=figure_id, labelledby=labelledby,
                    describedby=describedby, narrow=narrow)


def _drawing(spec: dict, *, figure_id: str, labelledby: str | None, describedby: str | None,
             narrow: bool) -> str:
    svg = _vega_lite_to_svg(json.dumps(spec, sort_keys=True, ensure_ascii=False))
    prefix = f"{figure_id}-narrow" if narrow else figure_id
    variant = "chart-svg--narrow" if narrow else "chart-svg--wide"
    return _clean_svg(svg, prefix, labelledby or f"{figure_id}-summary", describedby, variant)


def _clean_svg(svg: str, figure_id: str, labelledby: str, describedby: str | None,
               variant: str = "chart-svg--wide") -> str:
    svg = svg.strip()
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<(script|foreignObject|metadata)\b.*?</\1>", "", svg, flags=re.S | re.I)
    svg = re.sub(r"<desc\b.*?</desc>|<title\b.*?</title>", "", svg, flags=re.S)
    svg = _INNER_ATTRS.sub("", svg)
    # ids unique on the page: prefix every id and every reference to one.
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{figure_id}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{figure_id}-{m.group(1)})", svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{figure_id}-{m.group(2)}"', svg)
    svg = svg.replace("\r", "")
    svg = re.sub(r">\s*\n\s*<", "><", svg)
    svg = svg.replace("\n", " ")
    match = re.match(r"<svg\b([^>]*)>", svg)
    if not match:
        raise ValueError("vl-convert did not return an SVG")
    attrs = match.group(1)
    width = re.search(r'\swidth="([\d.]+)"', attrs)
    height = re.search(r'\sheight="([\d.]+)"', attrs)
    view_box = re.search(r'\sviewBox="([^"]+)"', attrs)
    box = view_box.group(1) if view_box else f"0 0 {width.group(1)} {height.group(1)}"
    w, h = box.split()[2:4]
    described = f' aria-describedby="{describedby}"' if describedby else ""
    root = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {variant}" viewBox="{box}" '
            f'width="{w}" height="{h}" preserveAspectRatio="xMidYMid meet" role="img" '
            f'aria-labelledby="{labelledby}"{described} focusable="false">')
    return root + svg[match.end():]


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
    svgs = [_drawing(chart_spec(prep, narrow=narrow), figure_id=figure_id, labelledby=summary_id,
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
