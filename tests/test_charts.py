"""Charts: deterministic inline SVG, nothing drawn that is withheld, accessible names, palette.

The drawings are read as a reader sees them: bars, points, lines and the text placed on them
(generator/drawing.py names each group of marks), text measured with the same font metrics.
"""
from __future__ import annotations

import io
import math
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from generator import drawing, palette
from generator.catalogue.base import ChartStyle, Output
from generator.charts import chart_svg, generic_summary, render_chart
from generator.values import Figure

ROOT = Path(__file__).resolve().parents[1]
PRIVACY_NOTE = "c: withheld to protect children's privacy; no bar drawn"


def _output(name, style, units, summary=None, title=None):
    return Output(name=name, title=title or name.replace("_", " ").capitalize(), frame=lambda view: None,
                  sources=(), chart=style, summary=summary, units=units)


def count(v, symbol=None):
    return Figure(v, "count", symbol)


AGE = _output("by_age", ChartStyle("bar", "Age band", "Children"), {"Children": "count"})
AGE_FRAME = pd.DataFrame({
    "Age band": ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"],
    "Children": [count(12), count(31), count(40), count(120), count(104)],
})

TREND = _output("rate_trend", ChartStyle("line", "Year", "Rate per 10,000", "Area"),
                {"Rate per 10,000": "rate"})
TREND_FRAME = pd.DataFrame({
    "Year": [2021, 2022, 2023] * 3,
    "Area": ["Northshire"] * 3 + ["England"] * 3 + ["Statistical neighbours"] * 3,
    "Rate per 10,000": [70.0, 72.0, 74.0, 67.0, 70.0, 71.0, 68.0, 71.0, 72.0],
})

STACK = _output("weeks", ChartStyle("stacked_bar", "Placement type", "Weeks of care", "Age band",
                                    horizontal=True), {"Weeks of care": "weeks"})
STACK_FRAME = pd.DataFrame({
    "Placement type": ["Fostering"] * 3 + ["Residential"] * 3,
    "Age band": ["0 to 4", "5 to 15", "16 and over"] * 2,
    "Weeks of care": [1000, 5000, 2000, 100, 800, 600],
})

GROUPED = _output("spend", ChartStyle("grouped_bar", "Service", "Spend", "Sector"), {"Spend": "money"})
GROUPED_FRAME = pd.DataFrame({
    "Service": ["Fostering", "Fostering", "Residential", "Residential"],
    "Sector": ["In-house", "External"] * 2,
    "Spend": [4_200_000, 6_100_000, 900_000, 12_500_000],
})

ALL = [(AGE, AGE_FRAME), (TREND, TREND_FRAME), (STACK, STACK_FRAME), (GROUPED, GROUPED_FRAME)]


def _svg(rendered_html: str) -> str:
    return rendered_html[rendered_html.index("<svg"):rendered_html.index("</svg>") + 6]


def _group(svg: str, name: str) -> str:
    """The markup inside ``<g class="chart-<name>" ...>`` (empty when the drawing has none)."""
    match = re.search(rf'<g class="chart-{name}"[^>]*>(.*?)</g>', svg)
    return match.group(1) if match else ""


def _marks(svg: str, mark: str) -> int:
    """How many marks of a kind the SVG draws as data: "bar", "point" or "line" (a drawn path)."""
    if mark == "bar":
        return _group(svg, "bars").count("<rect")
    if mark == "point":
        return _group(svg, "points").count("<path")
    return _group(svg, "lines").count("<path")


def _bars(svg: str) -> list[dict]:
    numbers = ("x", "y", "width", "height")
    return [{k: (float(v) if k in numbers else v) for k, v in re.findall(r'(\w+)="([^"]*)"', rect)}
            for rect in re.findall(r"<rect\b[^>]*>", _group(svg, "bars"))]


def _view_box(svg: str) -> tuple[float, float]:
    width, height = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups()
    return float(width), float(height)


def _texts(svg: str, group: str | None = None) -> list[dict]:
    """Every label drawn (in one group of marks, or all): its lines and the box they cover."""
    markup = _group(svg, group) if group else svg
    labels = []
    for attrs, body in re.findall(r"<text\b([^>]*)>(.*?)</text>", markup):
        a = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
        size = float(a.get("font-size", drawing.FONT_SIZE))
        bold = a.get("font-weight") == "bold"
        spans = re.findall(r"<tspan\b([^>]*)>([^<]*)</tspan>", body)
        lines = [(dict(re.findall(r'([\w-]+)="([^"]*)"', s)), text) for s, text in spans] or [({}, body)]
        tx = ty = angle = 0.0
        if "transform" in a:  # translate(x,y) rotate(a): slanted or upright text
            tx, ty, angle = map(float, re.match(r"translate\(([-\d.]+),([-\d.]+)\) rotate\(([-\d.]+)\)",
                                                a["transform"]).groups())
        corners = []
        texts = []
        for span, text in lines:
            text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            texts.append(text)
            x = float(span.get("x", a.get("x", 0)))
            y = float(span.get("y", a.get("y", 0)))
            width = drawing.text_width(text, size, bold)
            left = {"start": x, "middle": x - width / 2, "end": x - width}[a.get("text-anchor", "start")]
            for cx, cy in ((left, y - 0.75 * size), (left + width, y - 0.75 * size), (left, y + 0.22 * size),
                           (left + width, y + 0.22 * size)):
                r = math.radians(angle)
                corners.append((tx + cx * math.cos(r) - cy * math.sin(r), ty + cx * math.sin(r) + cy * math.cos(r)))
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        labels.append({"lines": texts, "text": " ".join(texts), "box": (min(xs), min(ys), max(xs), max(ys)),
                       "bold": bold, "fill": a.get("fill"), "angle": angle, "anchor": (tx, ty)})
    return labels


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def _render(output, frame, figure_id=None):
    return render_chart(output, frame, figure_id=figure_id or output.name,
                        csv_href=f"downloads/{output.name}.csv")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[str] = []
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for key in ("aria-labelledby", "aria-describedby"):
            if key in attrs:
                self.refs += attrs[key].split()

    def text_of(self, html_text: str, element_id: str) -> str:
        match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</', html_text, re.S)
        return match.group(1) if match else ""


def _parse(text: str) -> _Ids:
    parser = _Ids()
    parser.feed(text)
    return parser


# --- determinism and what the SVG holds -----------------------------------------

@pytest.mark.parametrize("output,frame", ALL, ids=[o.name for o, _ in ALL])
def test_svg_is_byte_identical_twice(output, frame):
    first = _render(output, frame)
    second = _render(output, frame)
    assert first.html == second.html
    assert first.csv_bytes == second.csv_bytes


def test_svg_is_byte_identical_in_a_fresh_process():
    code = (
        "import sys; sys.path.insert(0, 'tests'); import test_charts as t; "
        "sys.stdout.write(t._render(t.TREND, t.TREND_FRAME).html)"
    )
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout
    assert other == _render(TREND, TREND_FRAME).html


@pytest.mark.parametrize("output,frame", ALL, ids=[o.name for o, _ in ALL])
def test_svg_has_no_script_and_no_embedded_spec_or_data(output, frame):
    svg = _svg(_render(output, frame).html)
    lowered = svg.lower()
    for banned in ("<script", "foreignobject", "$schema", "vega", "<metadata", "javascript:",
                   "data:", "onload", "onclick", "<!--", "<desc", "aria-label="):
        assert banned not in lowered, banned
    assert "\n" not in svg


def test_one_bar_per_row():
    svg = _svg(_render(AGE, AGE_FRAME).html)
    assert _marks(svg, "bar") == len(AGE_FRAME)
    svg = _svg(_render(STACK, STACK_FRAME).html)
    assert _marks(svg, "bar") == len(STACK_FRAME)
    svg = _svg(_render(GROUPED, GROUPED_FRAME).html)
    assert _marks(svg, "bar") == len(GROUPED_FRAME)


def _svgs(rendered_html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", rendered_html)


@pytest.mark.parametrize("output,frame", ALL, ids=[o.name for o, _ in ALL])
def test_wide_and_narrow_drawings_draw_the_same_marks(output, frame):
    wide, narrow = _svgs(_render(output, frame).html)
    assert 'class="chart-svg chart-svg--wide"' in wide
    assert 'class="chart-svg chart-svg--narrow"' in narrow
    for mark in ("bar", "point", "line"):
        assert _marks(wide, mark) == _marks(narrow, mark)
    for svg in (wide, narrow):
        assert 'role="img"' in svg and f'aria-labelledby="{output.name}-summary"' in svg
    assert _view_box(narrow)[0] == 290 and _view_box(wide)[0] == 560


def test_one_point_per_row_and_one_line_per_series():
    svg = _svg(_render(TREND, TREND_FRAME).html)
    assert _marks(svg, "point") == len(TREND_FRAME)
    assert _marks(svg, "line") == TREND_FRAME["Area"].nunique()


def test_a_column_not_in_the_chart_style_never_reaches_the_svg():
    frame = AGE_FRAME.assign(Secret=["CANARY-7F3A"] * 5, Fee=[987654.0] * 5)
    for narrow in (False, True):
        svg = chart_svg(AGE, frame, figure_id="f", narrow=narrow)
        for text in ("CANARY-7F3A", "987654", "987,654", "Secret", "Fee"):
            assert text not in svg


def test_the_drawing_says_only_the_chart_columns_and_their_figures():
    svg = chart_svg(AGE, AGE_FRAME, figure_id="f")
    words = {label["text"] for label in _texts(svg)}
    axis = {"0", "20", "40", "60", "80", "100", "120", "140"}
    assert words == set(AGE_FRAME["Age band"]) | {"12", "31", "40", "120", "104"} | axis | {"Age band", "Children"}


# --- what a reader sees ------------------------------------------------------------


def _withheld_cases():
    age = AGE_FRAME.copy()
    age.loc[1, "Children"] = count(3).withheld("c")
    grouped = GROUPED_FRAME.astype(object)
    grouped.loc[2, "Spend"] = Figure(900_000, "money", "c")
    stack = STACK_FRAME.astype(object)
    stack.loc[3, "Weeks of care"] = Figure(100, "weeks", "c")
    trend = TREND_FRAME.astype(object)
    trend.loc[1, "Rate per 10,000"] = Figure(72.0, "rate", "c")
    change = _output("change", ChartStyle("bar", "Reason", "Change", horizontal=True), {"Change": "count"})
    return [(AGE, age), (GROUPED, grouped), (STACK, stack), (TREND, trend),
            (change, pd.DataFrame({"Reason": ["Returned home", "Other"], "Change": [40, -12]}))]


def _check_drawing(svg: str, categories, where) -> None:
    """Every category named in full, every label inside the drawing, no two labels on each other."""
    width, height = _view_box(svg)
    texts = _texts(svg)
    for label in texts:
        x0, y0, x1, y1 = label["box"]
        assert x0 >= -1 and y0 >= -1 and x1 <= width + 1 and y1 <= height + 1, (where, label)
    level = [label for label in texts if label["angle"] in (0, -90)]  # boxes exact when level or upright
    for i, a in enumerate(level):
        for b in level[i + 1:]:
            assert not _overlap(a["box"], b["box"]), (where, a["text"], b["text"])
    axis = _texts(svg, "category-axis")
    assert [" ".join(label["text"].split()) for label in axis][:len(categories)] == \
        [" ".join(str(c).split()) for c in categories], where
    for a, b in zip(axis, axis[1:len(categories)]):
        if a["angle"]:  # parallel slanted lines of text: far enough apart across their slant
            across = (b["anchor"][0] - a["anchor"][0]) * math.sin(math.radians(-a["angle"]))
            assert across >= max(len(a["lines"]), len(b["lines"])) * 16 - 3, (where, a["text"], b["text"])
        else:
            assert not _overlap(a["box"], b["box"]), (where, a["text"], b["text"])


@pytest.mark.parametrize("output,frame", ALL + _withheld_cases(),
                         ids=[o.name for o, _ in ALL] + [f"{o.name}-withheld" for o, _ in _withheld_cases()])
def test_every_label_is_whole_and_inside_the_drawing(output, frame):
    categories = list(dict.fromkeys(str(v) for v in frame[output.chart.x]))
    for narrow in (False, True):
        _check_drawing(chart_svg(output, frame, figure_id="f", narrow=narrow), categories, (output.name, narrow))


def test_every_chart_of_the_example_is_drawn_whole_inside_its_box():
    from generator.catalogue import all_outputs
    from generator.charts import _Prepared
    from generator.config import load_authority
    from generator.load import load_dataset

    authority = load_authority(ROOT / "authority.yml")
    dataset, _ = load_dataset(ROOT / "data", authority)
    marks = set()
    for year in authority.statement_years:
        view = dataset.view(year)
        for output in all_outputs().values():
            if output.chart is None:
                continue
            frame = output.frame(view)
            marks.add(output.chart.mark)
            categories = _Prepared(output, frame).categories
            wide = chart_svg(output, frame, figure_id="f")
            narrow = chart_svg(output, frame, figure_id="f", narrow=True)
            for svg in (wide, narrow):
                _check_drawing(svg, categories, (year, output.name))
            assert _view_box(narrow)[0] == 290
            for mark in ("bar", "point", "line"):
                assert _marks(wide, mark) == _marks(narrow, mark), (year, output.name)
    assert marks == {"bar", "grouped_bar", "stacked_bar", "line"}


def test_bar_lengths_are_proportional_to_their_values():
    for output, frame in ((AGE, AGE_FRAME), (GROUPED, GROUPED_FRAME)):
        for horizontal in (False, True):
            style = ChartStyle(output.chart.mark, output.chart.x, output.chart.y, output.chart.colour,
                               horizontal=horizontal)
            chart = _output(output.name, style, output.units)
            bars = _bars(chart_svg(chart, frame, figure_id="f"))
            lengths = [b["width"] if horizontal else b["height"] for b in bars]
            values = [float(getattr(v, "value", v)) for v in frame[output.chart.y]]
            assert len(lengths) == len(values)
            scale = lengths[0] / values[0]
            for length, value in zip(lengths, values):
                assert length == pytest.approx(value * scale, abs=0.02), (output.name, horizontal)
            # all standing on one baseline
            ends = {round(b["x"], 1) for b in bars} if horizontal else {round(b["y"] + b["height"], 1) for b in bars}
            assert len(ends) == 1


def test_crowded_value_labels_stand_upright_and_never_touch():
    frame = pd.DataFrame({"Year": [str(y) for y in range(2017, 2027)],
                          "Children looked after": [1234 + 97 * i for i in range(10)]})
    output = _output("big", ChartStyle("bar", "Year", "Children looked after"), {"Children looked after": "count"})
    wide = chart_svg(output, frame, figure_id="f")
    narrow = chart_svg(output, frame, figure_id="f", narrow=True)
    assert {label["angle"] for label in _texts(wide, "value-labels")} == {0}
    assert {label["angle"] for label in _texts(narrow, "value-labels")} == {-90}
    for svg in (wide, narrow):
        _check_drawing(svg, list(frame["Year"]), "crowded")
        labels, bars = _texts(svg, "value-labels"), _bars(svg)
        assert [label["text"] for label in labels] == [f"{v:,}" for v in frame["Children looked after"]]
        for label, bar in zip(labels, bars):  # each just above its bar, within its width
            assert bar["y"] - 8 < label["box"][3] <= bar["y"]
            assert bar["x"] <= label["box"][0] and label["box"][2] <= bar["x"] + bar["width"]


def test_value_axis_labels_read_as_the_figures_do():
    svg = chart_svg(GROUPED, GROUPED_FRAME, figure_id="f")
    assert [label["text"] for label in _texts(svg, "value-axis")][:-1] == \
        ["£0", "£2m", "£4m", "£6m", "£8m", "£10m", "£12m", "£14m"]
    percent = _output("share", ChartStyle("bar", "Age band", "Share"), {"Share": "percent"})
    svg = chart_svg(percent, pd.DataFrame({"Age band": ["A", "B"], "Share": [12.5, 40.0]}), figure_id="f")
    assert [label["text"] for label in _texts(svg, "value-axis")][:3] == ["0%", "10%", "20%"]
    big = pd.DataFrame({"Reason": ["A", "B"], "Children": [1200, 2400]})
    svg = chart_svg(_output("big", ChartStyle("bar", "Reason", "Children"), {"Children": "count"}), big,
                    figure_id="f")
    assert "2,500" in [label["text"] for label in _texts(svg, "value-axis")]


def test_text_widths_follow_the_font():
    # Liberation Sans (Arial's metrics): 'W' is wider than 'i'; 13 px "Children" is about 48 px.
    assert drawing.text_width("W") > 3 * drawing.text_width("i")
    assert drawing.text_width("Children") == pytest.approx(48.4, abs=0.5)
    assert drawing.text_width("Children", bold=True) > drawing.text_width("Children")
    assert drawing.text_width("中") > 0


# --- accessible name, caption, table, download ---------------------------------

def test_summary_is_the_accessible_name():
    rendered = _render(AGE, AGE_FRAME).html
    svg_tag = re.search(r"<svg\b[^>]*>", rendered).group(0)
    assert 'role="img"' in svg_tag
    label_id = re.search(r'aria-labelledby="([^"]+)"', svg_tag).group(1)
    parser = _parse(rendered)
    assert label_id in parser.ids
    summary = parser.text_of(rendered, label_id)
    assert summary.startswith("Bar chart of children by age band")
    assert "16 and over" not in summary or "highest" in summary


def test_the_outputs_own_summary_is_used():
    output = _output("by_age", AGE.chart, AGE.units,
                     summary=lambda f: f"Most children were aged 10 to 15 ({f['Children'][3]}).")
    rendered = _render(output, AGE_FRAME).html
    assert '<span class="figure-summary" id="by_age-summary">Most children were aged 10 to 15 (120).</span>' \
        in rendered


def test_figure_has_a_heading_then_chart_and_table_tabs_then_source_and_csv_link():
    rendered = _render(AGE, AGE_FRAME).html
    assert rendered.startswith('<figure class="chart-figure" id="by_age" aria-labelledby="by_age-title">')
    assert rendered.endswith("</figure>")
    assert f'<h3 class="figure-title" id="by_age-title">{AGE.title}</h3>' in rendered
    order = [rendered.index(s) for s in ("<figcaption>", '<label for="by_age-show-chart">Chart</label>',
                                         '<label for="by_age-show-table">Table</label>', "<svg", "<table",
                                         'href="downloads/by_age.csv"')]
    assert order == sorted(order)
    # Issue 12: CSS-only tabs, so the table is in the page without JavaScript, one click away.
    assert '<input checked="checked" id="by_age-show-chart" name="by_age-view" type="radio">' in rendered
    assert '<input id="by_age-show-table" name="by_age-view" type="radio">' in rendered
    assert "Download these figures (CSV)" in rendered


def test_a_chart_title_is_a_heading_one_level_below_the_section_it_is_in():
    from generator.render import figure_heading_levels

    chart = _render(AGE, AGE_FRAME).html
    markdown = f"# Page\n\n{chart}\n\n## Section\n\n{chart}\n\n```\n# not a heading\n```\n\n### Sub\n\n{chart}\n"
    levels = re.findall(r'<h(\d) class="figure-title"[^>]*>[^<]*</h(\d)>', figure_heading_levels(markdown))
    assert levels == [("2", "2"), ("3", "3"), ("4", "4")]


def test_figure_html_has_no_blank_line():
    rendered = _render(AGE, AGE_FRAME).html
    assert "\n\n" not in rendered and not re.search(r"\n\s*\n", rendered)


def test_csv_is_exactly_the_frame():
    rendered = _render(TREND, TREND_FRAME)
    assert rendered.csv_name == "rate_trend.csv"
    back = pd.read_csv(io.BytesIO(rendered.csv_bytes))
    assert list(back.columns) == list(TREND_FRAME.columns)
    pd.testing.assert_frame_equal(back, TREND_FRAME, check_dtype=False)


def test_ids_unique_with_two_charts_on_one_page():
    page = "\n".join([
        _render(AGE, AGE_FRAME, "chart-1").html,
        _render(AGE, AGE_FRAME, "chart-2").html,
        _render(TREND, TREND_FRAME, "chart-3").html,
        _render(STACK, STACK_FRAME, "chart-4").html,
    ])
    parser = _parse(page)
    duplicates = [i for i, n in Counter(parser.ids).items() if n > 1]
    assert duplicates == []
    assert set(parser.refs) <= set(parser.ids)
    for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', page):
        assert ref in parser.ids


# --- withheld figures -------------------------------------------------------------

def test_suppressed_value_draws_no_bar_and_gets_a_note():
    frame = AGE_FRAME.copy()
    frame.loc[1, "Children"] = count(3).withheld("c")
    rendered = _render(AGE, frame).html
    svg = _svg(rendered)
    assert _marks(svg, "bar") == len(frame) - 1
    assert PRIVACY_NOTE in rendered.replace("&#x27;", "'")
    # the symbol is drawn in bold where the bar would be, the figure itself is nowhere in the drawing
    withheld = _texts(svg, "withheld")
    assert [(label["text"], label["bold"]) for label in withheld] == [("c", True)]
    assert "3" not in {label["text"] for label in _texts(svg)}
    baseline = _bars(svg)[0]["y"] + _bars(svg)[0]["height"]
    assert baseline - 16 < withheld[0]["box"][3] <= baseline
    # aria-describedby points at the note
    assert 'aria-describedby="by_age-note"' in svg
    # the table and the CSV read c too
    assert "<abbr" in rendered and ">c</abbr>" in rendered
    assert b"1 to 4,c\n" in _render(AGE, frame).csv_bytes


def test_missing_value_draws_no_bar_and_reads_x():
    frame = AGE_FRAME.copy()
    frame["Children"] = [12, float("nan"), 40, 120, 104]
    rendered = _render(AGE, frame).html
    assert _marks(_svg(rendered), "bar") == len(frame) - 1
    assert "x: not available; no bar drawn" in rendered


def test_suppressed_value_in_a_grouped_and_stacked_bar():
    frame = GROUPED_FRAME.astype(object)
    frame.loc[2, "Spend"] = Figure(900_000, "money", "c")
    rendered = _render(GROUPED, frame).html
    assert _marks(_svg(rendered), "bar") == len(frame) - 1
    assert "Residential, In-house" in rendered
    frame = STACK_FRAME.astype(object)
    frame.loc[3, "Weeks of care"] = Figure(100, "weeks", "c")
    rendered = _render(STACK, frame).html
    assert _marks(_svg(rendered), "bar") == len(frame) - 1
    assert PRIVACY_NOTE in rendered.replace("&#x27;", "'")


def test_suppressed_value_breaks_the_line():
    frame = TREND_FRAME.astype(object)
    frame.loc[1, "Rate per 10,000"] = Figure(72.0, "rate", "c")
    rendered = _render(TREND, frame).html
    svg = _svg(rendered)
    assert _marks(svg, "point") == len(frame) - 1
    assert "no point drawn (2022, Northshire)" in rendered
    # Northshire: 2021 and 2023 are points with no line between them (a line across 2022 would tell
    # the reader roughly what the withheld figure is)
    lines = re.findall(r'<path d="([^"]+)" stroke="([^"]+)"', _group(svg, "lines"))
    assert [colour for _, colour in lines] == list(palette.COLOURS[1:3])
    longer = pd.concat([frame, pd.DataFrame({"Year": [2024, 2025], "Area": ["Northshire"] * 2,
                                             "Rate per 10,000": [75.0, 76.0]})], ignore_index=True)
    svg = chart_svg(TREND, longer, figure_id="f")
    northshire = dict((c, d) for d, c in re.findall(r'<path d="([^"]+)" stroke="([^"]+)"', _group(svg, "lines")))
    path = northshire[palette.COLOURS[0]]
    assert path.count("M") == 1 and path.count("L") == 2  # from 2023 to 2025 only


def test_all_suppressed_still_renders():
    frame = AGE_FRAME.copy()
    frame["Children"] = [count(2).withheld()] * 5
    rendered = _render(AGE, frame).html
    assert _marks(_svg(rendered), "bar") == 0
    assert "none of its figures can be shown" in generic_summary(AGE, frame)


def test_chart_column_missing_from_frame_is_an_error():
    with pytest.raises(ValueError, match="not in the frame"):
        _render(AGE, AGE_FRAME.rename(columns={"Children": "Kids"}))


# --- series without colour alone -------------------------------------------------

def test_lines_differ_by_dash_shape_and_direct_label():
    svg = _svg(_render(TREND, TREND_FRAME).html)
    lines = re.findall(r"<path ([^>]*)/>", _group(svg, "lines"))
    assert len({re.search(r'stroke-dasharray="([^"]*)"', a).group(1) if "dasharray" in a else "" for a in lines}) == 3
    for svg in _svgs(_render(TREND, TREND_FRAME).html):
        # the legend shows each series' colour, dash pattern and point shape, never colour alone
        legend = _group(svg, "legend")
        keys = re.findall(r'<path d="M[^"]*h30" stroke="([^"]+)"[^>]*?(?: stroke-dasharray="([^"]*)")?/>'
                          r'<path d="([^"]+)" fill="([^"]+)"/>', legend)
        assert len(keys) == 3
        assert len({dash for _, dash, _, _ in keys}) == 3
        assert len({re.sub(r"[-\d.]+", "n", shape) for _, _, shape, _ in keys}) == 3  # three outlines
        assert all(line == point for line, _, _, point in keys)
        assert [label["text"] for label in _texts(svg, "legend")] == ["Northshire", "England",
                                                                       "Statistical neighbours"]
    wide = _svgs(_render(TREND, TREND_FRAME).html)[0]
    # the wide drawing also names each line at its end, in the line's colour
    ends = _texts(wide, "line-labels")
    assert sorted(label["text"] for label in ends) == ["England", "Northshire", "Statistical neighbours"]
    assert {label["fill"] for label in ends} == set(palette.COLOURS[:3])


def test_line_end_labels_never_overlap():
    frame = TREND_FRAME.copy()
    frame.loc[frame["Year"] == 2023, "Rate per 10,000"] = [74.0, 74.0, 74.2]
    svg = chart_svg(TREND, frame, figure_id="f")
    ends = _texts(svg, "line-labels")
    assert len(ends) == 3
    for i, a in enumerate(ends):
        for b in ends[i + 1:]:
            assert not _overlap(a["box"], b["box"]), (a["text"], b["text"])


def test_stacked_bars_follow_the_legend_order():
    svg = _svg(_render(STACK, STACK_FRAME).html)
    assert [label["text"] for label in _texts(svg, "legend")] == ["0 to 4", "5 to 15", "16 and over"]
    legend = re.findall(r'<rect [^>]*fill="([^"]+)"', _group(svg, "legend"))
    assert legend == list(palette.COLOURS[:3])
    # horizontal: segments run left to right in legend order, separated by white rules
    segments = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)"[^>]* fill="([^"]+)" stroke="([^"]+)"',
                          _group(svg, "bars"))
    first_row = sorted((s for s in segments if s[1] == segments[0][1]), key=lambda s: float(s[0]))
    assert [s[2].lower() for s in first_row] == [c.lower() for c in palette.COLOURS[:3]]
    assert {s[3].lower() for s in segments} == {"#ffffff"}
    # vertical: the first series on top, reading down the stack as the legend reads across
    upright = _output("weeks", ChartStyle("stacked_bar", "Placement type", "Weeks of care", "Age band"),
                      STACK.units)
    segments = _bars(chart_svg(upright, STACK_FRAME, figure_id="f"))
    column = sorted((s for s in segments if s["x"] == segments[0]["x"]), key=lambda s: s["y"])
    assert [s["fill"] for s in column] == list(palette.COLOURS[:3])
    for upper, lower in zip(column, column[1:]):
        assert upper["y"] + upper["height"] == pytest.approx(lower["y"], abs=0.02)


# --- palette ------------------------------------------------------------------------

@pytest.mark.parametrize("colour", palette.COLOURS)
def test_every_palette_colour_has_3_to_1_contrast_on_white(colour):
    assert palette.contrast_ratio(colour, "#ffffff") >= 3.0


def test_contrast_ratio_matches_wcag_reference_values():
    assert palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert palette.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)


def test_text_and_axis_colours_meet_aa():
    assert palette.contrast_ratio(palette.TEXT) >= 4.5
    assert palette.contrast_ratio(palette.SECONDARY_TEXT) >= 4.5


def test_palette_colours_and_cues_are_distinct():
    assert len(set(palette.COLOURS)) == len(palette.COLOURS)
    assert len(set(palette.DASHES)) == len(palette.DASHES)
    assert len(set(palette.SHAPES)) == len(palette.SHAPES)


def test_generic_summaries_use_only_drawn_figures():
    assert generic_summary(AGE, AGE_FRAME) == \
        "Bar chart of children by age band: highest 10 to 15 (120), lowest Under 1 (12)."
    assert "the largest total is Fostering (8,000)" in generic_summary(STACK, STACK_FRAME)
    frame = STACK_FRAME.astype(object)
    frame.loc[3, "Weeks of care"] = Figure(100, "weeks", "c")
    summary = generic_summary(STACK, frame)
    assert "total" not in summary and "1,500" not in summary and "1,400" not in summary
    frame = AGE_FRAME.copy()
    frame.loc[3, "Children"] = count(120).withheld()
    summary = generic_summary(AGE, frame)
    assert "120" not in summary
    # the withheld bar may be the highest or the lowest: the sentence claims neither
    assert summary == ("Bar chart of children by age band: highest shown 16 and over (104), lowest shown "
                       "Under 1 (12); some figures are withheld.")


def test_negative_bar_labels_sit_below_the_bar():
    frame = pd.DataFrame({"Reason": ["Returned home", "Other"], "Change": [40, -12]})
    output = _output("change", ChartStyle("bar", "Reason", "Change"), {"Change": "count"})
    for narrow in (False, True):
        svg = chart_svg(output, frame, figure_id="f", narrow=narrow)
        up, down = _bars(svg)
        labels = {label["text"]: label["box"] for label in _texts(svg, "value-labels")}
        assert labels["40"][3] <= up["y"] and labels["40"][3] > up["y"] - 8  # just above the bar
        assert labels["-12"][1] >= down["y"] + down["height"]  # below the negative bar
        assert down["y"] == pytest.approx(up["y"] + up["height"], abs=0.02)  # both from zero
        assert "−10" in {label["text"] for label in _texts(svg, "value-axis")}  # d3's minus sign, as before
    # horizontal: right of a positive bar, left of a negative one
    output = _output("change", ChartStyle("bar", "Reason", "Change", horizontal=True), {"Change": "count"})
    svg = chart_svg(output, frame, figure_id="f")
    right, left = _bars(svg)
    labels = {label["text"]: label["box"] for label in _texts(svg, "value-labels")}
    assert labels["40"][0] >= right["x"] + right["width"]
    assert labels["-12"][2] <= left["x"]


def test_long_category_labels_wrap_and_are_never_cut_short():
    names = ["Foster placement with relative or friend", "Supported accommodation and independent living",
             "Secure children's homes and secure units"]
    frame = pd.DataFrame({"Placement type": names, "Children": [39, 37, 2]})
    for horizontal in (True, False):
        output = _output("types", ChartStyle("bar", "Placement type", "Children", horizontal=horizontal),
                         {"Children": "count"})
        for svg in _svgs(_render(output, frame).html):
            assert "…" not in svg and "&#8230;" not in svg
            text = " ".join(re.findall(r">([^<>]+)</t", svg)).replace("&#39;", "'").replace("&apos;", "'")
            for word in " ".join(names).split():
                assert word.replace("'", "") in text.replace("'", ""), word


def test_stylesheet_shows_one_drawing_and_visible_focus():
    css = (ROOT / "theme" / "assets" / "stylesheets" / "figures.css").read_text(encoding="utf-8")
    assert ".chart-svg--narrow" in css and ".chart-svg--wide" in css
    assert ":focus-visible" in css and "outline:" in css
    assert "height: auto" in css  # the SVG keeps its proportions as it scales


def test_a_line_that_stops_before_the_others_is_named_by_the_legend_not_at_its_end():
    """Issue 12: the forecast chart's "looked after" line ends where the forecast starts; its end label
    ran across the forecast's lines. Only lines reaching the right-hand edge are labelled there."""
    output = _output("forecast", ChartStyle("line", "Year", "Children", "Series"), {"Children": "count"})
    frame = pd.DataFrame({
        "Year": [2024, 2025, 2026, 2026, 2027, 2028, 2026, 2027, 2028],
        "Series": ["Actual"] * 3 + ["Forecast"] * 3 + ["High"] * 3,
        "Children": [300, 310, 320, 320, 330, 340, 320, 350, 380],
    })
    svg = chart_svg(output, frame, figure_id="f")
    assert sorted(label["text"] for label in _texts(svg, "line-labels")) == ["Forecast", "High"]
    assert [label["text"] for label in _texts(svg, "legend")] == ["Actual", "Forecast", "High"]
