"""Charts: deterministic inline SVG, nothing drawn that is withheld, accessible names, palette."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from generator import palette
from generator.catalogue.base import ChartStyle, Output
from generator.charts import SCHEMA_URL, build_chart, chart_svg, generic_summary, render_chart
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


def _marks(svg: str, mark: str) -> int:
    """How many marks of a kind ("rect", "symbol", "line") the SVG draws as data."""
    groups = re.findall(rf'<g class="mark-{mark} role-mark[^"]*">(.*?)</g>', svg)
    return sum(len(re.findall(r"<path\b", g)) for g in groups)


def _spec_rows(spec) -> list[dict]:
    """Every data row anywhere in a Vega-Lite spec (inline values and named datasets)."""
    rows: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "datasets":
                    for values in value.values():
                        rows.extend(values)
                elif key == "data" and isinstance(value, dict) and "values" in value:
                    rows.extend(value["values"])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return rows


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
    assert _marks(svg, "rect") == len(AGE_FRAME)
    svg = _svg(_render(STACK, STACK_FRAME).html)
    assert _marks(svg, "rect") == len(STACK_FRAME)
    svg = _svg(_render(GROUPED, GROUPED_FRAME).html)
    assert _marks(svg, "rect") == len(GROUPED_FRAME)


def _svgs(rendered_html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", rendered_html)


@pytest.mark.parametrize("output,frame", ALL, ids=[o.name for o, _ in ALL])
def test_wide_and_narrow_drawings_draw_the_same_marks(output, frame):
    wide, narrow = _svgs(_render(output, frame).html)
    assert 'class="chart-svg chart-svg--wide"' in wide
    assert 'class="chart-svg chart-svg--narrow"' in narrow
    for mark in ("rect", "symbol", "line"):
        assert _marks(wide, mark) == _marks(narrow, mark)
    for svg in (wide, narrow):
        assert 'role="img"' in svg and f'aria-labelledby="{output.name}-summary"' in svg
    assert float(re.search(r'viewBox="0 0 ([\d.]+)', narrow).group(1)) < 400


def test_one_point_per_row_and_one_line_per_series():
    svg = _svg(_render(TREND, TREND_FRAME).html)
    assert _marks(svg, "symbol") == len(TREND_FRAME)
    assert _marks(svg, "line") == TREND_FRAME["Area"].nunique()


def test_a_column_not_in_the_chart_style_never_reaches_the_svg_or_spec():
    frame = AGE_FRAME.assign(Secret=["CANARY-7F3A"] * 5, Fee=[987654.0] * 5)
    svg = chart_svg(AGE, frame, figure_id="f")
    spec = str(build_chart(AGE, frame))
    for text in ("CANARY-7F3A", "987654", "987,654", "Secret", "Fee"):
        assert text not in svg
        assert text not in spec


def test_spec_data_holds_only_the_drawn_fields():
    spec = build_chart(AGE, AGE_FRAME)
    fields = set()
    for row in _spec_rows(spec):
        fields |= set(row)
    assert fields
    assert fields <= {"x", "y", "s", "text", "symbol", "order", "ly"}


# --- the specs are valid Vega-Lite ------------------------------------------------
# charts.py writes the specs as plain dicts (no validation at build time, for speed);
# here every one is checked against the Vega-Lite schema Altair ships.

@pytest.fixture(scope="module")
def vega_lite():
    import altair as alt
    import jsonschema
    from altair.vegalite.v6.schema import core

    assert SCHEMA_URL == alt.SCHEMA_URL, "charts.SCHEMA_URL names another Vega-Lite version than Altair's"
    return jsonschema.Draft7Validator(core.load_schema())


def _invalid(validator, spec) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(spec)]


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


def test_specs_with_withheld_and_negative_figures_are_valid_vega_lite(vega_lite):
    for output, frame in ALL + _withheld_cases():
        for narrow in (False, True):
            assert _invalid(vega_lite, build_chart(output, frame, narrow=narrow)) == [], (output.name, narrow)


def test_every_chart_of_the_example_is_valid_vega_lite(vega_lite):
    from generator.catalogue import all_outputs
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
            for narrow in (False, True):
                assert _invalid(vega_lite, build_chart(output, frame, narrow=narrow)) == [], (year, output.name)
    assert marks == {"bar", "grouped_bar", "stacked_bar", "line"}


def test_an_invalid_spec_is_caught(vega_lite):
    spec = build_chart(AGE, AGE_FRAME)
    spec["layer"][0]["mark"]["type"] = "column"
    assert _invalid(vega_lite, spec)


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
    assert _marks(svg, "rect") == len(frame) - 1
    assert PRIVACY_NOTE in rendered.replace("&#x27;", "'")
    # the symbol is drawn where the bar would be, the figure itself is nowhere in the spec
    assert ">c</text>" in svg
    spec = build_chart(AGE, frame)
    drawn = _spec_rows(spec)
    assert drawn and all(row.get("y") != 3 for row in drawn)
    # aria-describedby points at the note
    assert 'aria-describedby="by_age-note"' in svg
    # the table and the CSV read c too
    assert "<abbr" in rendered and ">c</abbr>" in rendered
    assert b"1 to 4,c\n" in _render(AGE, frame).csv_bytes


def test_missing_value_draws_no_bar_and_reads_x():
    frame = AGE_FRAME.copy()
    frame["Children"] = [12, float("nan"), 40, 120, 104]
    rendered = _render(AGE, frame).html
    assert _marks(_svg(rendered), "rect") == len(frame) - 1
    assert "x: not available; no bar drawn" in rendered


def test_suppressed_value_in_a_grouped_and_stacked_bar():
    frame = GROUPED_FRAME.astype(object)
    frame.loc[2, "Spend"] = Figure(900_000, "money", "c")
    rendered = _render(GROUPED, frame).html
    assert _marks(_svg(rendered), "rect") == len(frame) - 1
    assert "Residential, In-house" in rendered
    frame = STACK_FRAME.astype(object)
    frame.loc[3, "Weeks of care"] = Figure(100, "weeks", "c")
    rendered = _render(STACK, frame).html
    assert _marks(_svg(rendered), "rect") == len(frame) - 1
    assert PRIVACY_NOTE in rendered.replace("&#x27;", "'")


def test_suppressed_value_breaks_the_line():
    frame = TREND_FRAME.astype(object)
    frame.loc[1, "Rate per 10,000"] = Figure(72.0, "rate", "c")
    rendered = _render(TREND, frame).html
    svg = _svg(rendered)
    assert _marks(svg, "symbol") == len(frame) - 1
    assert "no point drawn (2022, Northshire)" in rendered
    rows = [r for r in _spec_rows(build_chart(TREND, frame))
            if r.get("x") == "2022" and r.get("s") == "Northshire"]
    assert rows and all(r.get("y") is None and "text" not in r for r in rows)


def test_all_suppressed_still_renders():
    frame = AGE_FRAME.copy()
    frame["Children"] = [count(2).withheld()] * 5
    rendered = _render(AGE, frame).html
    assert _marks(_svg(rendered), "rect") == 0
    assert "none of its figures can be shown" in generic_summary(AGE, frame)


def test_chart_column_missing_from_frame_is_an_error():
    with pytest.raises(ValueError, match="not in the frame"):
        _render(AGE, AGE_FRAME.rename(columns={"Children": "Kids"}))


# --- series without colour alone -------------------------------------------------

def test_lines_differ_by_dash_shape_and_direct_label():
    spec = build_chart(TREND, TREND_FRAME)
    line = spec["layer"][0]["encoding"]
    assert line["strokeDash"]["field"] == "s"
    assert len({tuple(d) for d in line["strokeDash"]["scale"]["range"]}) == 3
    assert len(set(spec["layer"][1]["encoding"]["shape"]["scale"]["range"])) == 3
    svg = _svg(_render(TREND, TREND_FRAME).html)
    for name in ("Northshire", "England", "Statistical neighbours"):
        # once in the legend, once at the end of the line
        assert svg.count(f">{name}</text>") == 2


def test_stacked_bars_follow_the_legend_order():
    spec = build_chart(STACK, STACK_FRAME)
    colour = spec["encoding"]["color"] if "encoding" in spec else spec["layer"][0]["encoding"]["color"]
    assert colour["scale"]["domain"] == ["0 to 4", "5 to 15", "16 and over"]
    svg = _svg(_render(STACK, STACK_FRAME).html)
    legend = "".join(re.findall(r'<g class="mark-text role-legend-label"[^>]*>(.*?)</g>', svg))
    assert re.findall(r">([^<]+)</text>", legend) == ["0 to 4", "5 to 15", "16 and over"]
    # horizontal: segments run left to right in legend order, separated by white rules
    bars = re.findall(r'<g class="mark-rect role-mark[^"]*">(.*?)</g>', svg)[0]
    segments = re.findall(r'<path d="M([\d.]+),([\d.]+)[^"]*" fill="([^"]+)" stroke="([^"]+)"', bars)
    first_row = sorted((s for s in segments if s[1] == segments[0][1]), key=lambda s: float(s[0]))
    assert [s[2].lower() for s in first_row] == [c.lower() for c in palette.COLOURS[:3]]
    assert {s[3].lower() for s in segments} == {"#ffffff"}


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
    spec = build_chart(output, frame)
    texts = [layer["mark"] for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert {m["baseline"] for m in texts} == {"bottom", "top"}
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"][0] < -12


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
    spec = build_chart(output, frame)
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert len(texts) == 1
    labelled = {row["s"]: row["x"] for row in texts[0]["data"]["values"]}
    assert labelled == {"Forecast": "2028", "High": "2028"}
    lines = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert lines[0]["encoding"]["color"]["legend"] is not None  # "Actual" is named in the legend
