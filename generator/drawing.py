"""Drawing: a prepared chart's figures as SVG geometry, in Python, for our four chart kinds.

``draw(prep, narrow=...)`` lays out and draws one chart (``charts._Prepared``) as the
inner markup of an SVG and its size: a legend at the top, the value axis with
gridlines, the category axis, then bars or lines and their labels. Coordinates are
absolute (no nested transforms but the rotation of slanted and vertical text),
rounded to two decimals; text widths come from the Liberation Sans advance widths
below (Arial and Helvetica share them), so the layout is the same bytes on any
machine and fits in a reader's browser.

Every mark sits in a group named by what it is (``chart-bars``, ``chart-lines``,
``chart-points``, ``chart-value-labels``, ``chart-withheld``, ``chart-line-labels``,
``chart-legend``, ``chart-category-axis``, ``chart-value-axis``), so tests read the
drawing a reader sees.
"""
from __future__ import annotations

import math

from . import palette

WIDTH = 560
HEIGHT = 300
# A second, narrow drawing for phones (figures.css shows one or the other), so that
# labels stay readable instead of shrinking with a wide chart.
NARROW_WIDTH = 290
NARROW_HEIGHT = 240
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 13
VALUE_FONT_SIZE = 12
LINE_HEIGHT = 16
PADDING = {"left": 4, "right": 12, "top": 8, "bottom": 4}
SLANT = 40  # degrees: category labels too wide to sit level
STROKE = 2.5  # line width
POINT_SIZE = 60  # area of a point, in square pixels
END_LABEL_WIDTH = 170  # the widest a line-end label may be, on one line

# --- text widths -------------------------------------------------------------
# Advance widths of Liberation Sans Regular and Bold (metric-compatible with Arial and
# Helvetica) in thousandths of an em, read once from the fonts' hmtx tables with fontTools:
# characters 32-126, then 160-255, then a few typographic ones. Other characters count as
# an average width.

_REGULAR_ASCII = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
    722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
    278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)
_REGULAR_LATIN1 = (
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 552, 400, 549, 333, 333,
    333, 576, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722,
    667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722,
    722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 549, 611, 556, 556, 556, 556, 500, 556, 500)
_BOLD_ASCII = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778,
    722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333,
    278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584)
_BOLD_LATIN1 = (
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 552, 400, 549, 333, 333,
    333, 576, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, 722, 722, 722, 722, 722, 722, 1000, 722,
    667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722,
    722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 549, 611, 611, 611, 611, 611, 556, 611, 556)
_REGULAR_OTHER = {"‘": 222, "’": 222, "“": 333, "”": 333, "–": 556, "—": 1000, "•": 350, "…": 1000, "−": 584}
_BOLD_OTHER = {"‘": 278, "’": 278, "“": 500, "”": 500, "–": 556, "—": 1000, "•": 350, "…": 1000, "−": 584}
_AVERAGE = 556


def _table(ascii_widths, latin1_widths, other) -> dict[str, int]:
    widths = {chr(32 + i): w for i, w in enumerate(ascii_widths)}
    widths.update({chr(160 + i): w for i, w in enumerate(latin1_widths)})
    widths.update(other)
    return widths


_WIDTHS = {False: _table(_REGULAR_ASCII, _REGULAR_LATIN1, _REGULAR_OTHER),
           True: _table(_BOLD_ASCII, _BOLD_LATIN1, _BOLD_OTHER)}


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The width of ``text`` set in FONT at ``size`` pixels, in pixels."""
    widths = _WIDTHS[bold]
    return sum(widths.get(ch, _AVERAGE) for ch in text) * size / 1000


# --- numbers ------------------------------------------------------------------

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


def _ticks(start: float, stop: float, count: int) -> list[float]:
    """Round values from ``start`` to ``stop``, about ``count`` of them, steps of 1, 2 or 5 × 10^n."""
    if stop <= start or count <= 0:
        return [start]
    step = (stop - start) / count
    power = math.floor(math.log10(step))
    error = step / 10 ** power
    factor = 10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2) else 1
    if power < 0:
        inc = 10 ** -power / factor
        i1, i2 = round(start * inc), round(stop * inc)
        if i1 / inc < start:
            i1 += 1
        if i2 / inc > stop:
            i2 -= 1
        return [i / inc for i in range(i1, i2 + 1)]
    inc = 10 ** power * factor
    i1, i2 = round(start / inc), round(stop / inc)
    if i1 * inc < start:
        i1 += 1
    if i2 * inc > stop:
        i2 -= 1
    return [float(i * inc) for i in range(i1, i2 + 1)]


def _grouped(value: float) -> str:
    """``value`` with thousands separators and no needless decimals: 1,250; 2.5; −4 (a minus sign)."""
    if value < 0:
        return "−" + _grouped(-value)
    text = f"{value:,.12g}"
    return "0" if text in ("0", "-0") else text


def axis_label(value: float, kind: str, top: float) -> str:
    """A value-axis label: 1,000; 25%; £500; £1.5m (money axes reaching a million count in millions)."""
    if kind == "percent":
        return _grouped(value) + "%"
    if kind == "money":
        sign = "-" if value < 0 else ""
        if top >= 1_000_000:
            return "£0" if value == 0 else f"{sign}£{_grouped(abs(value) / 1_000_000)}m"
        return f"{sign}£{_grouped(abs(value))}"
    return _grouped(value)


def num(value: float) -> str:
    """A coordinate or length as the SVG writes it: at most two decimals, no trailing zeros."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- text ---------------------------------------------------------------------

# Where the alphabetic baseline sits below a line's top, middle and bottom, in ems.
_BASELINE = {"top": 0.79, "middle": 0.3, "bottom": -0.21, "alphabetic": 0.0}


def _text(x: float, y: float, lines: list[str] | str, *, anchor: str = "start", baseline: str = "alphabetic",
          size: float = FONT_SIZE, bold: bool = False, fill: str | None = None, rotate: float = 0) -> str:
    """One label, several lines stacked down from ``y`` (``baseline`` names where ``y`` is on the first)."""
    if isinstance(lines, str):
        lines = [lines]
    attrs = []
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if size != FONT_SIZE:
        attrs.append(f'font-size="{num(size)}"')
    if bold:
        attrs.append('font-weight="bold"')
    if fill:
        attrs.append(f'fill="{fill}"')
    shift = _BASELINE[baseline] * size
    if baseline == "middle":
        shift -= (len(lines) - 1) * LINE_HEIGHT / 2
    elif baseline == "bottom":
        shift -= (len(lines) - 1) * LINE_HEIGHT
    if rotate:
        position = f'transform="translate({num(x)},{num(y)}) rotate({num(rotate)})"'
        if len(lines) == 1:
            position += f' y="{num(shift)}"'
        x0, y0 = 0.0, shift
    else:
        position = f'x="{num(x)}" y="{num(y + shift)}"'
        x0, y0 = x, y + shift
    extra = (" " + " ".join(attrs)) if attrs else ""
    if len(lines) == 1:
        return f"<text {position}{extra}>{_escape(lines[0])}</text>"
    if rotate:
        spans = [f'<tspan x="0" y="{num(y0 + i * LINE_HEIGHT)}">{_escape(line)}</tspan>'
                 for i, line in enumerate(lines)]
        return f"<text {position}{extra}>{''.join(spans)}</text>"
    spans = [f'<tspan x="{num(x0)}" y="{num(y0 + i * LINE_HEIGHT)}">{_escape(line)}</tspan>'
             for i, line in enumerate(lines)]
    return f"<text{extra}>{''.join(spans)}</text>"


def _wrap(text: str, chars: int) -> str:
    """``text`` broken between words into lines of at most ``chars`` characters (when it can)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) or text


def _wrap_width(text: str, width: float, bold: bool = False) -> list[str]:
    """``text`` broken between words into lines at most ``width`` pixels wide (when it can)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, bold=bold) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def _widest(lines, size: float = FONT_SIZE, bold: bool = False) -> float:
    return max((text_width(line, size, bold) for line in lines), default=0.0)


def _rules(name: str, lines: list[str], colour: str, texts: list[str] | None = None) -> str:
    """A group of 1 px lines (one path) in ``colour``, then its labels (which must not inherit a stroke)."""
    path = f'<path d="{"".join(lines)}" stroke="{colour}" fill="none"/>' if lines else ""
    return f'<g class="{name}">{path}{"".join(texts or [])}</g>'


# --- point shapes -------------------------------------------------------------

def _polygon(cx: float, cy: float, points) -> str:
    return "M" + "L".join(f"{num(cx + x)},{num(cy + y)}" for x, y in points) + "Z"


def shape_path(shape: str, cx: float, cy: float, size: float = POINT_SIZE) -> str:
    """The outline of a point of ``shape`` (palette.SHAPES) and area ``size`` centred on (cx, cy)."""
    if shape == "circle":
        r = math.sqrt(size / math.pi)
        return (f"M{num(cx - r)},{num(cy)}a{num(r)},{num(r)} 0 1,0 {num(2 * r)},0"
                f"a{num(r)},{num(r)} 0 1,0 {num(-2 * r)},0Z")
    if shape == "square":
        h = math.sqrt(size) / 2
        return _polygon(cx, cy, [(-h, -h), (h, -h), (h, h), (-h, h)])
    if shape == "diamond":
        h = math.sqrt(size / 2)
        return _polygon(cx, cy, [(0, -h * 1.2), (h / 1.2, 0), (0, h * 1.2), (-h / 1.2, 0)])
    if shape == "cross":
        a = math.sqrt(size) * 0.62  # arm length
        t = a * 0.36  # half the arm's thickness
        return _polygon(cx, cy, [(-t, -a), (t, -a), (t, -t), (a, -t), (a, t), (t, t), (t, a), (-t, a),
                                 (-t, t), (-a, t), (-a, -t), (-t, -t)])
    side = math.sqrt(4 * size / math.sqrt(3))
    up = [(0, -side / math.sqrt(3)), (side / 2, side / (2 * math.sqrt(3))),
          (-side / 2, side / (2 * math.sqrt(3)))]
    turn = {"triangle-up": 0, "triangle-right": 90, "triangle-down": 180, "triangle-left": 270}.get(shape, 0)
    c, s = round(math.cos(math.radians(turn)), 6), round(math.sin(math.radians(turn)), 6)
    return _polygon(cx, cy, [(x * c - y * s, x * s + y * c) for x, y in up])


# --- layout -------------------------------------------------------------------

class _Band:
    """Categories along a length: step, band width and the start of each band."""

    def __init__(self, n: int, length: float, padding_inner: float = 0.2, padding_outer: float = 0.1):
        n = max(n, 1)
        self.step = length / max(1.0, n - padding_inner + 2 * padding_outer)
        self.width = self.step * (1 - padding_inner)
        offset = (length - self.step * (n - padding_inner)) / 2
        self.starts = [offset + i * self.step for i in range(n)]


def draw(prep, *, narrow: bool = False) -> tuple[str, float, float]:
    """The chart of ``prep`` as SVG markup (no outer ``<svg>``), its width and its height."""
    return _Chart(prep, narrow).render()


class _Chart:
    def __init__(self, prep, narrow: bool):
        style = prep.style
        self.prep = prep
        self.narrow = narrow
        self.mark = style.mark
        self.horizontal = style.horizontal and style.mark != "line"
        self.width = NARROW_WIDTH if narrow else WIDTH
        self.plot_height = NARROW_HEIGHT if narrow else HEIGHT
        self.angle = SLANT  # of slanted category labels
        self.upright_values = False  # value labels turned to read upwards (vertical bars, crowded)
        self.offsets: dict[str, float] = {}  # grouped bars: each series' shift from its category's centre
        x_title = style.x_title if style.x_title is not None else style.x
        y_title = style.y_title if style.y_title is not None else style.y
        # Horizontal charts: the labels say what they are; a rotated title would crowd them.
        self.category_title = None if self.horizontal else (x_title or None)
        self.value_title = y_title or None
        self.top = _nice(prep.top() * (1.08 if self.mark == "bar" else 1.0))
        low = prep.bottom()
        self.low = -_nice(-low * (1.15 if self.mark == "bar" else 1.0)) if low < 0 else 0.0
        self.series = list(prep.series)
        self.colours = dict(zip(self.series, palette.colours(len(self.series))))
        self.dashes = dict(zip(self.series, palette.dashes(len(self.series))))
        self.shapes = dict(zip(self.series, palette.shapes(len(self.series))))
        self.single_colour = palette.colours(1)[0]
        self.ticks = _ticks(self.low, self.top, 3 if narrow and self.horizontal else 5)
        self.tick_labels = [axis_label(t, prep.kind, self.top) for t in self.ticks]

    # value -> position along the value axis, from 0 (low) to ``length`` (top)
    def _value(self, value: float, length: float) -> float:
        span = (self.top - self.low) or 1.0
        return (value - self.low) / span * length

    # --- legend ---
    def _legend_symbol_width(self) -> float:
        return 36 if self.mark == "line" else 18

    def _legend_layout(self) -> tuple[list[list[str]], float, int]:
        """Each series name's lines, the column width and the number of columns."""
        available = self.width - PADDING["left"] - PADDING["right"]
        symbol = self._legend_symbol_width()
        names = [_wrap_width(s, available - symbol) if text_width(s) > available - symbol else [s]
                 for s in self.series]
        column = symbol + max(_widest(lines) for lines in names) + 16
        columns = max(1, min(len(self.series), int((available + 16) // column)))
        return names, column, columns

    def _legend(self, top: float) -> tuple[str, float]:
        """The legend (one entry a series, its colour with its dash and point shape, or its bar colour)
        and its height."""
        if not self.series:
            return "", 0.0
        names, column, columns = self._legend_layout()
        left = PADDING["left"]
        parts = []
        y = top
        for row_start in range(0, len(self.series), columns):
            row = list(range(row_start, min(row_start + columns, len(self.series))))
            for col, i in enumerate(row):
                name = self.series[i]
                x = left + col * column
                cy = y + 8
                colour = self.colours[name]
                if self.mark == "line":
                    dash = self.dashes[name]
                    dash_attr = f' stroke-dasharray="{",".join(str(d) for d in dash)}"' if dash else ""
                    parts.append(f'<path d="M{num(x)},{num(cy)}h30" stroke="{colour}" stroke-width="{STROKE}" '
                                 f'fill="none"{dash_attr}/>')
                    parts.append(f'<path d="{shape_path(self.shapes[name], x + 15, cy)}" fill="{colour}"/>')
                else:
                    parts.append(f'<rect x="{num(x)}" y="{num(cy - 6)}" width="12" height="12" fill="{colour}"/>')
                parts.append(_text(x + self._legend_symbol_width(), cy + (len(names[i]) - 1) * LINE_HEIGHT / 2,
                                   names[i], baseline="middle"))
            y += max(len(names[i]) for i in row) * LINE_HEIGHT + 4
        return '<g class="chart-legend">' + "".join(parts) + "</g>", y - top

    # --- the whole drawing ---
    def render(self) -> tuple[str, float, float]:
        prep = self.prep
        pad = PADDING
        self.legend, legend_height = self._legend(pad["top"])
        plot_top = pad["top"] + legend_height + (8 if self.series else 6)
        if self.horizontal:
            return self._render_horizontal(prep, plot_top)
        return self._render_vertical(prep, plot_top)

    def _render_vertical(self, prep, plot_top: float) -> tuple[str, float, float]:
        pad = PADDING
        n = max(len(prep.categories), 1)
        # Value labels wider than a bar's slot stand upright, so that neighbours never run together.
        rows = self._value_label_rows()
        slot = (self.width - 70) / n
        self.upright_values = bool(rows) and max(text_width(r["text"], VALUE_FONT_SIZE) for r in rows) > slot - 6
        self._fit_value_labels(self.plot_height)
        tick_width = _widest(self.tick_labels)
        left = pad["left"] + (FONT_SIZE + 8 if self.value_title else 0) + tick_width + 7
        right = pad["right"]
        end_labels = self._line_end_labels(plot_top) if self.mark == "line" else []
        if end_labels:
            right = max(right, 9 + max(_widest(lines, bold=True) for _, lines, _, _ in end_labels) + 4)
        slanted = False
        labels: dict[str, list[str]] = {}
        for _ in range(3):  # the slanted labels' reach to the left may widen the left margin
            plot_width = self.width - left - right
            per_category = plot_width / n
            labels = {c: _wrap_width(c, per_category - 6) for c in prep.categories}
            slanted = not all(len(lines) <= 3 and _widest(lines) <= per_category - 6
                              for lines in labels.values())
            if not slanted:
                break
            # Too narrow to sit level: slanted, still wrapped, never cut short; upright when even
            # slanted labels would run into each other.
            labels = {c: _wrap(c, 22).split("\n") for c in prep.categories}
            lines = max(len(v) for v in labels.values())
            self.angle = SLANT if per_category * math.sin(math.radians(SLANT)) >= lines * LINE_HEIGHT else 90
            first = labels[prep.categories[0]] if prep.categories else [""]
            reach = self._slanted_reach(first)[0] - (self._category_centres(plot_width)[0]
                                                      if prep.categories else 0)
            needed = pad["left"] + reach
            if needed <= left + 0.5:
                break
            left = needed
        plot_width = self.width - left - right
        if slanted:
            label_depth = max((self._slanted_reach(lines)[1] for lines in labels.values()), default=0) + 8
        else:
            label_depth = 6 + max((len(lines) for lines in labels.values()), default=1) * LINE_HEIGHT
        plot_bottom = plot_top + self.plot_height
        height = plot_bottom + label_depth + (FONT_SIZE + 8 if self.category_title else 0) + pad["bottom"]

        parts: list[str] = [self.legend]
        parts.append(self._grid_and_value_axis_vertical(left, plot_top, plot_width))
        centres = [left + c for c in self._category_centres(plot_width)]
        parts.append(self._marks(prep, centres, left, plot_top, plot_width))
        # category axis: the domain line, the labels, the title
        axis = [f'<path d="M{num(left)},{num(plot_bottom + 0.5)}h{num(plot_width)}" '
                f'stroke="{palette.SECONDARY_TEXT}"/>']
        for category, x in zip(prep.categories, centres):
            lines = labels[category]
            if slanted:
                axis.append(_text(x, plot_bottom + 6, lines, anchor="end",
                                  baseline="top" if self.angle < 90 else "middle", rotate=-self.angle))
            else:
                axis.append(_text(x, plot_bottom + 5, lines, anchor="middle", baseline="top"))
        if self.category_title:
            axis.append(_text(left + plot_width / 2, plot_bottom + label_depth + 4, self.category_title,
                              anchor="middle", baseline="top", bold=True))
        parts.append('<g class="chart-category-axis">' + "".join(axis) + "</g>")
        parts.append(self._later_labels(prep, centres, left, plot_top, plot_width, end_labels))
        return "".join(parts), self.width, math.ceil(height)

    def _slanted_reach(self, lines: list[str]) -> tuple[float, float]:
        """How far a slanted label reaches left of its anchor, and below it."""
        width = _widest(lines)
        depth = FONT_SIZE + (len(lines) - 1) * LINE_HEIGHT
        if self.angle >= 90:
            return depth / 2, width
        a = math.radians(self.angle)
        return width * math.cos(a), width * math.sin(a) + depth * math.cos(a)

    def _category_centres(self, length: float) -> list[float]:
        n = max(len(self.prep.categories), 1)
        if self.mark == "line":  # points: half a step from either end
            step = length / n
            return [step * (i + 0.5) for i in range(len(self.prep.categories))]
        band = _Band(n, length)
        return [s + band.width / 2 for s in band.starts][:len(self.prep.categories)]

    def _grid_and_value_axis_vertical(self, left: float, top: float, width: float) -> str:
        grid, rules, axis = [], [f"M{num(left + 0.5)},{num(top)}v{num(self.plot_height)}"], []
        for value, label in zip(self.ticks, self.tick_labels):
            y = top + self.plot_height - self._value(value, self.plot_height)
            grid.append(f"M{num(left)},{num(y + 0.5)}h{num(width)}")
            rules.append(f"M{num(left - 5)},{num(y + 0.5)}h5")
            axis.append(_text(left - 7, y, label, anchor="end", baseline="middle"))
        if self.value_title:
            axis.append(_text(PADDING["left"], top + self.plot_height / 2, self.value_title, anchor="middle",
                              baseline="top", bold=True, rotate=-90))
        return _rules("chart-grid", grid, palette.GRID) + _rules("chart-value-axis", rules, palette.SECONDARY_TEXT,
                                                                  axis)

    def _render_horizontal(self, prep, plot_top: float) -> tuple[str, float, float]:
        pad = PADDING
        n = max(len(prep.categories), 1)
        chars = 18 if self.narrow else 26
        labels = {c: _wrap(c, chars).split("\n") for c in prep.categories}
        lines = max((len(v) for v in labels.values()), default=1)
        bars_per_category = max(len(self.series), 1) if self.mark == "grouped_bar" else 1
        band = max(24 * bars_per_category + 12, LINE_HEIGHT * lines + 14)
        plot_height = max(120, min(band * n, 1600))
        left = pad["left"] + max((_widest(v) for v in labels.values()), default=0) + 6
        right = max(pad["right"], text_width(self.tick_labels[-1]) / 2 + 2)
        value_labels = self._value_label_rows()
        for _ in range(3):  # value labels beyond the bars' ends may need more room on the right
            plot_width = self.width - left - right
            self._fit_value_labels(plot_width)
            reach = 0.0
            for r in value_labels:
                if r["y"] >= 0:
                    end = self._value(r["y"], plot_width) + 4 + text_width(r["text"], VALUE_FONT_SIZE)
                    reach = max(reach, end - plot_width)
            needed = max(pad["right"], text_width(self.tick_labels[-1]) / 2 + 2, reach + 2)
            if needed <= right + 0.5:
                break
            right = needed
        plot_width = self.width - left - right
        plot_bottom = plot_top + plot_height
        height = plot_bottom + 7 + FONT_SIZE + 6 + (FONT_SIZE + 6 if self.value_title else 0) + pad["bottom"]

        parts: list[str] = [self.legend]
        grid, rules, axis = [], [f"M{num(left)},{num(plot_bottom + 0.5)}h{num(plot_width)}"], []
        positions = [left + self._value(v, plot_width) for v in self.ticks]
        shown = self._spaced(positions)
        for label, x, show in zip(self.tick_labels, positions, shown):
            grid.append(f"M{num(x + 0.5)},{num(plot_top)}v{num(plot_height)}")
            rules.append(f"M{num(x + 0.5)},{num(plot_bottom)}v5")
            if show:
                axis.append(_text(x, plot_bottom + 7, label, anchor="middle", baseline="top"))
        if self.value_title:
            axis.append(_text(left + plot_width / 2, plot_bottom + 7 + FONT_SIZE + 6, self.value_title,
                              anchor="middle", baseline="top", bold=True))
        parts.append(_rules("chart-grid", grid, palette.GRID))
        parts.append(_rules("chart-value-axis", rules, palette.SECONDARY_TEXT, axis))
        self.plot_height = plot_height
        bands = _Band(n, plot_height)
        centres = [plot_top + s + bands.width / 2 for s in bands.starts][:len(prep.categories)]
        parts.append(self._marks(prep, centres, left, plot_top, plot_width))
        cat_axis = [f'<path d="M{num(left + 0.5)},{num(plot_top)}v{num(plot_height)}" '
                    f'stroke="{palette.SECONDARY_TEXT}"/>']
        for category, y in zip(prep.categories, centres):
            cat_axis.append(_text(left - 6, y, labels[category], anchor="end", baseline="middle"))
        parts.append('<g class="chart-category-axis">' + "".join(cat_axis) + "</g>")
        parts.append(self._later_labels(prep, centres, left, plot_top, plot_width, []))
        return "".join(parts), self.width, math.ceil(height)

    def _fit_value_labels(self, length: float) -> None:
        """Widen the value axis (to the next nice number) until the label beyond every bar's end stays
        inside the plot: below a negative bar, off the category labels; above a positive one (vertical
        bars; horizontal ones make room on the right instead)."""
        rows = self._value_label_rows()
        for _ in range(12):
            def room(r):
                if r["y"] < 0:
                    return self._value(r["y"], length) - self._value(self.low, length)
                return length - self._value(r["y"], length)
            def needed(r):
                if self.horizontal or self.upright_values:
                    return 6 + text_width(r["text"], VALUE_FONT_SIZE)
                return 5 + VALUE_FONT_SIZE
            low_fits = all(room(r) >= needed(r) for r in rows if r["y"] < 0)
            top_fits = self.horizontal or all(room(r) >= needed(r) for r in rows if r["y"] >= 0)
            if low_fits and top_fits:
                return
            if not low_fits:
                self.low = -_nice(-self.low * 1.0001)
            if not top_fits:
                self.top = _nice(self.top * 1.0001)
            self.ticks = _ticks(self.low, self.top, 3 if self.narrow and self.horizontal else 5)
            self.tick_labels = [axis_label(t, self.prep.kind, self.top) for t in self.ticks]

    def _spaced(self, positions: list[float]) -> list[bool]:
        """Which value-axis labels along a horizontal axis to show: every other one while they collide."""
        shown = list(range(len(positions)))
        while len(shown) > 2:
            widths = [text_width(self.tick_labels[i]) for i in shown]
            clash = any(positions[b] - positions[a] < (wa + wb) / 2 + 6
                        for a, b, wa, wb in zip(shown, shown[1:], widths, widths[1:]))
            if not clash:
                break
            shown = shown[::2]
        return [i in shown for i in range(len(positions))]

    # --- marks ---
    def _value_label_rows(self) -> list[dict]:
        if self.mark == "bar" and not self.series:
            return self.prep.drawn
        return []

    def _bar_rect(self, category_centre: float, thickness: float, v0: float, v1: float, left: float,
                  top: float, length: float, offset: float = 0.0) -> tuple[float, float, float, float]:
        """x, y, width, height of a bar from value v0 to v1."""
        a, b = sorted((self._value(v0, length), self._value(v1, length)))
        start = category_centre - thickness / 2 + offset
        if self.horizontal:
            return left + a, start, b - a, thickness
        return start, top + length - b, thickness, b - a

    def _marks(self, prep, centres: list[float], left: float, top: float, plot_width: float) -> str:
        length = plot_width if self.horizontal else self.plot_height
        where = dict(zip(prep.categories, centres))
        n = max(len(prep.categories), 1)
        across = self.plot_height if self.horizontal else plot_width
        if self.mark == "line":
            return self._lines(prep, where, top)
        band = _Band(n, across)
        parts = []
        if self.mark == "grouped_bar" and self.series:
            sub = _Band(len(self.series), band.width, padding_inner=0.08, padding_outer=0)
            self.offsets = {s: sub.starts[i] + sub.width / 2 - band.width / 2 for i, s in enumerate(self.series)}
            thickness = sub.width
        else:
            self.offsets = {}
            thickness = band.width
        if self.mark == "stacked_bar" and self.series:
            order = {s: i for i, s in enumerate(self.series)}
            # Horizontal: the first series nearest zero (reading left to right as the legend does);
            # vertical: the first on top.
            rows = sorted(prep.drawn, key=lambda r: order[r["s"]] * (1 if self.horizontal else -1))
            ends: dict[tuple[str, bool], float] = {}
            for r in rows:
                key = (r["x"], r["y"] < 0)
                v0 = ends.get(key, 0.0)
                v1 = v0 + r["y"]
                ends[key] = v1
                x, y, w, h = self._bar_rect(where[r["x"]], thickness, v0, v1, left, top, length)
                parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
                             f'fill="{self.colours[r["s"]]}" stroke="{palette.BACKGROUND}"/>')
        else:
            for r in prep.drawn:
                colour = self.colours.get(r.get("s"), self.single_colour)
                offset = self.offsets.get(r.get("s"), 0.0)
                x, y, w, h = self._bar_rect(where[r["x"]], thickness, 0.0, r["y"], left, top, length, offset)
                parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" fill="{colour}"/>')
        return '<g class="chart-bars">' + "".join(parts) + "</g>"

    def _lines(self, prep, where: dict[str, float], top: float) -> str:
        y_of = {}
        for r in prep.drawn:
            y_of[(r["x"], r.get("s"))] = top + self.plot_height - self._value(r["y"], self.plot_height)
        withheld = {(r["x"], r.get("s")) for r in prep.withheld}
        lines, points = [], []
        for name in (self.series or [None]):
            colour = self.colours.get(name, self.single_colour)
            dash = self.dashes.get(name, [])
            segments: list[list[tuple[float, float]]] = [[]]
            for category in prep.categories:
                key = (category, name)
                if key in y_of:
                    segments[-1].append((where[category], y_of[key]))
                elif key in withheld and segments[-1]:
                    segments.append([])  # a withheld value breaks the line
            d = "".join("M" + "L".join(f"{num(x)},{num(y)}" for x, y in seg) for seg in segments if len(seg) > 1)
            if d:
                dash_attr = f' stroke-dasharray="{",".join(str(v) for v in dash)}"' if dash else ""
                lines.append(f'<path d="{d}" stroke="{colour}"{dash_attr}/>')
            shape = self.shapes.get(name, "circle")
            for seg in segments:
                for x, y in seg:
                    points.append(f'<path d="{shape_path(shape, x, y)}" fill="{colour}"/>')
        return (f'<g class="chart-lines" fill="none" stroke-width="{STROKE}" stroke-linejoin="round">'
                + "".join(lines) + '</g><g class="chart-points">' + "".join(points) + "</g>")

    def _later_labels(self, prep, centres, left, top, plot_width, end_labels) -> str:
        """Value labels, withheld symbols and line-end labels, drawn over the marks."""
        where = dict(zip(prep.categories, centres))
        length = plot_width if self.horizontal else self.plot_height
        parts = []
        rows = self._value_label_rows()
        if rows:
            texts = []
            for r in rows:
                centre = where[r["x"]]
                end = self._value(r["y"], length)
                negative = r["y"] < 0
                if self.horizontal:
                    texts.append(_text(left + end + (-4 if negative else 4), centre, r["text"],
                                       anchor="end" if negative else "start", baseline="middle",
                                       size=VALUE_FONT_SIZE))
                elif self.upright_values:
                    texts.append(_text(centre, top + length - end + (3 if negative else -3), r["text"],
                                       anchor="end" if negative else "start", baseline="middle",
                                       size=VALUE_FONT_SIZE, rotate=-90))
                else:
                    texts.append(_text(centre, top + length - end + (3 if negative else -3), r["text"],
                                       anchor="middle", baseline="top" if negative else "bottom",
                                       size=VALUE_FONT_SIZE))
            parts.append('<g class="chart-value-labels">' + "".join(texts) + "</g>")
        if prep.withheld and self.mark in ("bar", "grouped_bar"):
            texts = []
            zero = self._value(0.0, length)
            for r in prep.withheld:
                if r["x"] not in where:
                    continue
                centre = where[r["x"]] + self.offsets.get(r.get("s"), 0.0)
                if self.horizontal:
                    texts.append(_text(left + zero + 4, centre, r["symbol"], baseline="middle", bold=True))
                else:
                    texts.append(_text(centre, top + length - zero - 3, r["symbol"], anchor="middle",
                                       baseline="bottom", bold=True))
            parts.append('<g class="chart-withheld">' + "".join(texts) + "</g>")
        if end_labels:
            texts = []
            for name, lines, category, y in end_labels:
                texts.append(_text(where[category] + 9, y, lines, baseline="middle", bold=True,
                                   fill=self.colours[name]))
            parts.append('<g class="chart-line-labels">' + "".join(texts) + "</g>")
        return "".join(parts)

    def _line_end_labels(self, plot_top: float) -> list[tuple[str, list[str], str, float]]:
        """Series names at the right-hand end of each line that reaches it, nudged apart so none overlap:
        (name, its lines, category, y).

        A line that stops earlier (the actual figures before a forecast) is not labelled at its end, where
        its name would run across the lines that carry on (issue 12): the legend names it. The narrow
        drawing has no end labels (no room), nor has a chart with a name wider than END_LABEL_WIDTH
        (it would squeeze the lines): the legend names the lines, with their dash and point shape.
        """
        prep = self.prep
        if len(self.series) < 2 or self.narrow:
            return []
        if any(text_width(s, bold=True) > END_LABEL_WIDTH for s in self.series):
            return []
        names = {s: [s] for s in self.series}
        position = {c: i for i, c in enumerate(prep.categories)}
        last: dict[str, dict] = {}
        for r in prep.drawn:
            if r["s"] not in last or position[r["x"]] >= position[last[r["s"]]["x"]]:
                last[r["s"]] = r
        right = max((position[r["x"]] for r in last.values()), default=0)
        rows = sorted((r for s, r in last.items() if position[r["x"]] == right),
                      key=lambda r: (-r["y"], self.series.index(r["s"])))
        if not rows:
            return []
        # From the top down: each label's top below the previous label's bottom, then all moved up
        # together if the lowest runs below the plot.
        half = [len(names[r["s"]]) * LINE_HEIGHT / 2 for r in rows]
        ys = [plot_top + self.plot_height - self._value(r["y"], self.plot_height) for r in rows]
        ys[0] = max(ys[0], plot_top - 4 + half[0] - LINE_HEIGHT / 2)
        for i in range(1, len(ys)):
            ys[i] = max(ys[i], ys[i - 1] + half[i - 1] + half[i])
        overflow = ys[-1] + half[-1] - (plot_top + self.plot_height + LINE_HEIGHT / 2)
        if overflow > 0:
            ys[-1] -= overflow
            for i in range(len(ys) - 2, -1, -1):
                ys[i] = min(ys[i], ys[i + 1] - half[i + 1] - half[i])
        return [(r["s"], names[r["s"]], r["x"], y) for r, y in zip(rows, ys)]
