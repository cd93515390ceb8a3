"""Shares published without their counts are protected (issue 9): where a breakdown's total is given, a
percentage whose count could be from 1 to the threshold (2% of 168 children is 2.5 to 4.2 children) is shown
as c, and so is every other share of that breakdown given without a count (they and 100% would give it back).
Large shares are shown as printed; a threshold of 0 shows every share as printed."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from conftest import text_of
from test_smallest_project import write_smallest_project

from generator.build import build
from generator.disclosure import percent_only_withheld, perturbed_tables

HOME = ("Over 20 miles: {{ looked_after.distance.over_20_miles.share }}. "
        "Within 20 miles: {{ looked_after.distance.within_20_miles.share }}. "
        "Not known: {{ looked_after.distance.not_known.share }}.\n\n"
        "{{ table(\"looked_after_by_distance\") }}\n")


def _site(root: Path, shares: tuple[str, str, str]) -> Path:
    project = write_smallest_project(root)
    within, over, unknown = shares
    (project / "data" / "2024" / "looked_after.csv").write_text(
        "breakdown,category,children,percent\ntotal,all,168,\n"
        f"distance,within_20_miles,,{within}\ndistance,over_20_miles,,{over}\ndistance,not_known,,{unknown}\n")
    (project / "content" / "2024" / "index.md").write_text(HOME)
    build(project, project / "site", jobs=1, pdf=False)
    return project / "site"


@pytest.fixture(scope="module")
def small_share_site(tmp_path_factory) -> Path:
    return _site(tmp_path_factory.mktemp("small_share"), ("88%", "2%", "10%"))


def _distance_csv(site: Path) -> list[list[str]]:
    text = (site / "2024" / "downloads" / "looked_after_by_distance.csv").read_text()
    return list(csv.reader(io.StringIO(text)))


def test_a_small_share_and_the_others_of_its_breakdown_are_withheld_everywhere(small_share_site):
    for edition in (small_share_site, small_share_site.with_name("site-internal")):
        home = text_of(edition / "2024" / "index.html")
        # In prose a withheld figure reads in words (values.py), in tables c.
        assert ("Over 20 miles: a withheld share . Within 20 miles: a withheld share . "
                "Not known: a withheld share ." in home)
        assert "2%" not in home and "88%" not in home
        assert "20 miles or less from home x c Over 20 miles from home x c" in home
    rows = _distance_csv(small_share_site)
    assert [r[-1] for r in rows[1:]] == ["c", "c", "c"]


def test_the_methods_page_says_why(small_share_site):
    methods = next(p for p in (small_share_site / "2024").rglob("*.html") if "percentages published without their "
                   "counts were withheld" in text_of(p))
    assert "because they and 100% would give it back" in text_of(methods)


def test_large_shares_are_shown_as_printed(tmp_path):
    site = _site(tmp_path, ("40%", "35%", "25%"))
    home = text_of(site / "2024" / "index.html")
    assert "Over 20 miles: 35%. Within 20 miles: 40%. Not known: 25%." in home
    assert sorted(r[-1] for r in _distance_csv(site)[1:]) == ["25", "35", "40"]


def _looked_after(rows: list[tuple]) -> dict[str, pd.DataFrame]:
    return {"looked_after": pd.DataFrame(rows, columns=["breakdown", "category", "children", "percent"])}


def test_which_shares_are_withheld():
    nan = float("nan")
    tables = _looked_after([("total", "all", 168, nan), ("distance", "within_20_miles", nan, 88.0),
                            ("distance", "over_20_miles", nan, 2.0), ("distance", "not_known", 10, nan),
                            ("sex", "male", nan, 60.0), ("sex", "female", nan, 40.0),
                            ("ethnicity", "white", nan, 99.7), ("ethnicity", "mixed", nan, 0.3)])
    withheld = percent_only_withheld(tables, 5)
    # The small share and the other share of its breakdown; the count row is protected as a count; sex is large;
    # 0.3% of 168 (0.42 to 0.59 children) can only be 0.
    assert sorted(k[2] for k in withheld) == [1, 2]
    assert percent_only_withheld(tables, 0) == {}
    # Blanked in a perturbed copy, the true table untouched.
    copy = perturbed_tables(tables, {cell: 0.0 for cell in withheld})["looked_after"]
    assert copy["percent"].isna()[[1, 2]].all() and copy.at[4, "percent"] == 60.0
    assert tables["looked_after"].at[2, "percent"] == 2.0
    # Without a total nothing is known to work a count from.
    assert percent_only_withheld(_looked_after([("distance", "over_20_miles", nan, 2.0)]), 5) == {}


def test_a_share_of_starts_is_judged_against_its_own_period_and_movement():
    nan = float("nan")
    frame = pd.DataFrame([("started", "all", 150, nan, ""), ("started", "abuse_or_neglect", nan, 97.0, ""),
                          ("started", "disability", nan, 3.0, ""), ("started", "all", 20, nan, "Q1"),
                          ("started", "disability", nan, 50.0, "Q1"), ("ceased", "adopted", nan, 2.0, "")],
                         columns=["movement", "reason", "children", "percent", "period"])
    withheld = percent_only_withheld({"starts_and_ceases": frame}, 5)
    # 3% of 150 is 3.75 to 5.25; 50% of Q1's 20 is 9.9 to 10.1; ceased has no total.
    assert sorted(k[2] for k in withheld) == [1, 2]


def test_a_measure_given_as_a_share_of_its_cohort_is_withheld_where_it_or_its_complement_is_small():
    nan = float("nan")
    frame = pd.DataFrame([("short_term", nan, 30, 10.0), ("long_term", nan, 40, 70.0)],
                         columns=["measure", "children", "cohort", "percent"])
    # 10% of 30 is 2.85 to 3.15 children; 70% of 40 is 27.8 to 28.2, and the 40 less them 11.8 to 12.2
    assert sorted(k[2] for k in percent_only_withheld({"placement_stability": frame}, 5)) == [0]
    frame.loc[1, "percent"] = 92.0  # 36.6 to 37.0 with it, so 3.0 to 3.4 without: the complement is small
    assert sorted(k[2] for k in percent_only_withheld({"placement_stability": frame}, 5)) == [0, 1]
    frame.loc[0, "children"] = 3  # a count: protected by suppression as a count, not here
    assert sorted(k[2] for k in percent_only_withheld({"placement_stability": frame}, 5)) == [1]
    assert percent_only_withheld({"placement_stability": frame}, 0) == {}
