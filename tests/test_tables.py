"""Tables: accessible HTML, formatting by kind, GSS symbol legend, CSV downloads."""
from __future__ import annotations

import io
import re

import pandas as pd

from generator.catalogue.base import Output
from generator.tables import csv_cell, frame_to_csv, frame_to_html, render_table
from generator.values import Figure

UNITS = {"Children": "count", "Share": "percent", "Spend": "money", "Rate": "rate"}


def _frame():
    return pd.DataFrame({
        "Placement type": ["Foster care", "Children's homes", "Other <placements>"],
        "Children": [Figure(1234), Figure(4, symbol="c"), Figure(56)],
        "Share": [Figure(71.4, "percent"), Figure(None, "percent", "c"), Figure(0.3, "percent")],
        "Spend": [12_345_678.0, 9_876_543.21, float("nan")],
        "Rate": [55.25, 3.0, 1.5],
    })


def _output(**kw):
    return Output(name="placements", title="Children by placement type", frame=lambda v: None,
                  sources=(), units=UNITS, **kw)


def test_table_has_caption_and_header_scopes():
    text = frame_to_html(_frame(), UNITS, "Children by placement type", table_id="t1")
    assert '<caption id="t1-caption">Children by placement type</caption>' in text
    assert text.count('<th scope="col"') == 5
    assert text.count('<th scope="row"') == 3
    assert "<thead>" in text and "<tbody>" in text


def test_table_scrolls_in_a_focusable_labelled_region():
    text = frame_to_html(_frame(), UNITS, "Children by placement type", table_id="t1")
    wrapper = re.match(r"<div [^>]*>", text).group(0)
    assert 'class="figure-table"' in wrapper
    assert 'role="region"' in wrapper and 'tabindex="0"' in wrapper
    assert 'aria-labelledby="t1-caption"' in wrapper
    assert 'id="t1-caption"' in text


def test_numbers_are_formatted_by_kind_and_right_aligned():
    text = frame_to_html(_frame(), UNITS, "c", table_id="t1")
    for shown in ("1,234", "71%", "£12,345,678", "£9,876,543", "55"):
        assert f'<td class="num">{shown}</td>' in text, shown
    assert '<th scope="col" class="num">Children</th>' in text
    assert '<th scope="col">Placement type</th>' in text  # text column stays left-aligned


def test_text_is_escaped():
    text = frame_to_html(_frame(), UNITS, "A <b>caption</b>", table_id="t1")
    assert "Other &lt;placements&gt;" in text
    assert "A &lt;b&gt;caption&lt;/b&gt;" in text


def test_symbol_legend_lists_every_symbol_used_and_only_those():
    text = frame_to_html(_frame(), UNITS, "caption", table_id="t1")
    legend = text[text.index('<div class="symbol-legend"'):]
    assert 'id="t1-symbols"' in legend
    assert 'aria-describedby="t1-symbols"' in text
    for symbol in ("c", "x", "low"):
        assert f'<span class="gss-symbol">{symbol}</span>' in legend
    assert '<span class="gss-symbol">z</span>' not in legend
    # withheld cells read their symbol, with the meaning for assistive technology
    assert re.search(r'<td class="num symbol"><abbr title="confidential: [^"]+">c</abbr></td>', text)
    assert ">4<" not in text


def test_no_legend_without_symbols():
    frame = pd.DataFrame({"Year": [2024, 2025], "Children": [300, 320]})
    text = frame_to_html(frame, {"Children": "count"}, "caption", table_id="t2")
    assert "symbol-legend" not in text and "aria-describedby" not in text
    assert '<th scope="row">2024</th>' in text  # years are labels, no thousands separator


def test_html_has_no_blank_lines():
    result = render_table(_output(), _frame(), table_id="t3", csv_href="../downloads/placements.csv")
    assert not re.search(r"\n\s*\n", result.html)
    assert result.html.startswith('<div class="figure-block" id="t3-block">')
    assert 'href="../downloads/placements.csv"' in result.html
    assert "Download these figures (CSV)" in result.html
    assert result.csv_name == "placements.csv"


def test_two_tables_have_distinct_ids():
    a = frame_to_html(_frame(), UNITS, "Same caption")
    b = frame_to_html(_frame(), UNITS, "Same caption", table_id="other")
    ids_a = set(re.findall(r'id="([^"]+)"', a))
    ids_b = set(re.findall(r'id="([^"]+)"', b))
    assert ids_a and not ids_a & ids_b


# --- CSV ---------------------------------------------------------------------------

def test_csv_writes_symbols_and_unformatted_rounded_numbers():
    data = frame_to_csv(_frame(), UNITS)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data and data.endswith(b"\n")
    text = data.decode("utf-8")
    assert text.splitlines() == [
        "Placement type,Children,Share,Spend,Rate",
        "Foster care,1234,71.4,12345678,55.25",
        "Children's homes,c,c,9876543.21,3",
        "Other <placements>,56,0.3,x,1.5",
    ]


def test_csv_round_trips_to_the_frame():
    frame = pd.DataFrame({
        "Area": ["Northshire", "England, all", 'A "quoted" name'],
        "Children": [300, 1234, 5],
        "Rate": [70.5, 71.25, 12.0],
    })
    back = pd.read_csv(io.BytesIO(frame_to_csv(frame, {"Children": "count", "Rate": "rate"})))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_csv_rounds_sensibly():
    assert csv_cell(1 / 3, "number") == "0.33"
    assert csv_cell(2 / 3, "percent") == "0.67"
    assert csv_cell(Figure(12.3456, "rate", decimals=2)) == "12.346"
    assert csv_cell(Figure(2.6)) == "3"
    assert csv_cell(-0.0001, "number") == "0"
    assert csv_cell(Figure(None, "count", "z")) == "z"
    assert csv_cell("£ text") == "£ text"


def test_csv_is_utf8():
    frame = pd.DataFrame({"Service": ["Crèche £"], "Spend": [1.0]})
    assert frame_to_csv(frame, {"Spend": "money"}) == "Service,Spend\nCrèche £,1\n".encode()
