"""The published forecast (issue 11) and its disclosure control (issue 9), read from the built example.

* one forecast per statement: the need, demand and home pages use the forecast page's figures;
* the backtest shows, for each earlier statement year, exactly the forecast that statement published;
* the no-change benchmark (and the trend method) stand beside the model on the forecast page;
* the actual counts in the backtest table read ``c`` so that no withheld group can be worked out by
  subtracting the others from the total.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT_DIR

YEARS = (2024, 2025, 2026)
#: The public edition (site/) and the internal one (site-internal/ beside it).
EDITIONS = ("public", "internal")


def csv(site: Path, edition: str, year: int, name: str) -> pd.DataFrame:
    root = site if edition == "public" else site.with_name(site.name + "-internal")
    return pd.read_csv(root / str(year) / "downloads" / f"{name}.csv", dtype=str, keep_default_na=False)


def page_text(site: Path, path: str) -> str:
    html = (site / path).read_text(encoding="utf-8")
    html = re.sub(r"<(svg|script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&amp;", "&")


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_statements_forecast_is_the_later_backtests_row(example_site, edition):
    for earlier in YEARS:
        published = csv(example_site, edition, earlier, "forecast")
        for later in (y for y in YEARS if y > earlier):
            backtest = csv(example_site, edition, later, "backtest_table")
            rows = backtest[backtest["Forecast made at 31 March"] == str(earlier)]
            assert not rows.empty, (earlier, later)
            for r in rows.to_dict("records"):
                mine = published[(published["Year"] == r["For 31 March"])
                                 & (published["Placement group"] == r["Placement group"])]
                assert (r["Forecast"], r["Low"], r["High"]) == tuple(mine.iloc[0][["Forecast", "Low", "High"]]), \
                    (earlier, later, r)


def test_the_forecast_page_sets_no_change_and_the_trend_beside_the_model(example_site):
    errors = csv(example_site, "public", 2026, "backtest_errors")
    methods = set(errors["Method"])
    assert {"Transition model", "No change (last count carried forward) (for comparison)",
            "Trend and population (for comparison)"} <= methods
    still = errors[errors["Method"].str.startswith("No change")]
    assert set(still["Years ahead"]) == {"1", "2"} and set(still["Actual within the range (%)"]) == {"z"}
    # the same origins: as many forecasts scored as the model's
    model = errors[(errors["Method"] == "Transition model") & (errors["Placement group"] == "All placements")]
    assert list(still["Forecasts"]) == list(model["Forecasts"])
    text = page_text(example_site, "2026/sufficiency/forecast/index.html")
    assert re.search(r"Assuming no change was out by \d+\.\d% one year ahead", text)
    series = csv(example_site, "public", 2026, "backtest")["Series"].values
    assert "No change (last year's count) one year ahead" in series


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_withheld_actual_can_be_worked_out_by_subtraction(example_site, edition):
    for year in YEARS:
        table = csv(example_site, edition, year, "backtest_table")
        for column in ("Actual", "No change"):
            for _, rows in table.groupby(["Forecast made at 31 March", "For 31 March"]):
                cells = dict(zip(rows["Placement group"], rows[column]))
                groups = [v for g, v in cells.items() if g != "All placements"]
                if cells["All placements"] != "c":
                    assert sum(v == "c" for v in groups) != 1, (year, column, cells)
                shown = [int(v) for v in groups if v != "c"]
                if "c" not in groups and cells["All placements"] != "c":
                    assert sum(shown) == int(cells["All placements"])


def test_one_forecast_per_statement_and_no_template_tests_in_its_prose():
    for year in YEARS:
        pages = {name: (PROJECT_DIR / "content" / str(year) / name).read_text(encoding="utf-8")
                 for name in ("sufficiency/forecast.md", "sufficiency/need.md", "sufficiency/index.md",
                              "market-position/demand.md", "market-position/gaps.md")}
        for name, text in pages.items():
            assert "projection" not in text, (year, name)  # the trend projection is not a second forecast
        forecast = pages["sufficiency/forecast.md"]
        assert "{%" not in forecast and ".shown" not in forecast and ".value" not in forecast
        for line in pages["market-position/gaps.md"].splitlines():
            if "gap." in line:
                assert "{%" not in line and ".shown" not in line and ".value" not in line, line
