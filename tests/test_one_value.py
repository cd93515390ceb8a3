"""One figure, one value (issue 12): a number shown in two places is one rounded value, and a difference a
reader would question is explained."""
from __future__ import annotations

import re

from generator.catalogue.forecast import projected_saving, projected_spend_chart
from generator.reference_doc import example_context

_MONEY = re.compile(r"£(\d{1,3}(?:,\d{3})+)")


def test_no_page_shows_one_sum_of_money_rounded_two_ways(example_site):
    """A total in the text (rounded once) beside the same total in a table (a sum of rounded parts) read
    £94,392,182 and £94,392,180 on one page."""
    offending = []
    for root in (example_site, example_site.with_name(example_site.name + "-internal")):
        for page in sorted(root.rglob("index.html")):
            html = re.sub(r"<svg.*?</svg>", " ", page.read_text(encoding="utf-8"), flags=re.S)
            amounts = sorted({int(m.replace(",", "")) for m in _MONEY.findall(html)})
            offending += [f"{page.relative_to(root.parent)}: £{a:,} and £{b:,}"
                          for a, b in zip(amounts, amounts[1:]) if 0 < b - a <= 2]
    assert offending == []


def test_the_projected_spend_table_and_chart_carry_the_texts_figures():
    view, context = example_context()
    spend = context["projected_spend"]
    saving = projected_saving(view)
    three = saving[saving["Year"] == "Three years"].iloc[0]
    assert f"£{three['Baseline spend']:,}" == spend["baseline"]["three_years"].format()
    assert f"£{three['Scenario spend']:,}" == spend["strategy"]["three_years"].format()
    chart = projected_spend_chart(view)
    first = chart[(chart["Scenario"] == "Baseline (no change)")].iloc[0]
    assert f"£{first['Spend']:,}" == spend["baseline"]["year_1"]["total"].format()


def test_the_fostering_page_explains_households_against_recruitment(example_site):
    text = " ".join(re.sub(r"<[^>]+>", " ", (example_site / "2026" / "sufficiency" / "fostering" / "index.html")
                           .read_text(encoding="utf-8")).split())
    assert re.search(r"That is a net change of \d+ households\.", text)
    assert "It need not match the change in the number of fostering households at 31 March" in text
