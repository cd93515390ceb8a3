"""A rate per 10,000 as published (issue 10): a council that prints "43 per 10,000" without population
figures types it on its total row; it is shown as given, checked against the rate the total and the
population give where both are supplied, and withheld wherever its total is."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from conftest import EXAMPLES_DIR

from generator.config import Authority, load_authority
from generator.context import build_context
from generator.disclosure import mask_context, perturbed_tables, protect_year
from generator.load import load_dataset
from generator.stats import children as stats
from generator.validate import validate
from generator.values import Figure, Namespace

FIXTURE = Path(__file__).parent / "fixtures" / "data_small"
AUTHORITY = Authority("Castlebridge Borough Council", "Castlebridge", "E06009999", "ten neighbours", (2026,))


def test_bromleys_printed_rate_is_its_rate_without_population_figures():
    project = EXAMPLES_DIR / "bromley"
    dataset, problems = load_dataset(project / "data", load_authority(project / "authority.yml"))
    assert "population" not in dataset.reference
    context = build_context(dataset.view(2022))
    # Printed: "Bromley's rate per 10,000 (43, 2021-22)".
    assert str(context.looked_after.rate) == "43"
    assert str(context.looked_after.total) == "328"


def _with_rate(tmp_path, total_row: str) -> Path:
    data = Path(shutil.copytree(FIXTURE, tmp_path / "data"))
    path = data / "2026" / "looked_after.csv"
    lines = path.read_text().splitlines()
    lines[0] += ",rate_per_10000"
    lines[1] = total_row
    path.write_text("\n".join(line if i < 2 else line + "," for i, line in enumerate(lines)) + "\n")
    return data


def _population(data: Path) -> float:
    frame = pd.read_csv(data / "reference" / "population.csv")
    return float(frame[frame["year"] == 2026]["population"].sum())


def test_a_published_rate_that_disagrees_with_the_counts_is_a_warning_naming_both(tmp_path):
    data = _with_rate(tmp_path, "total,all,10,99")
    dataset, problems = load_dataset(data, AUTHORITY)
    problems += validate(dataset)
    [mismatch] = [p for p in problems if p.code == "rate-mismatch"]
    computed = 10 / _population(data) * 10_000
    assert mismatch.severity == "warning"
    assert (mismatch.file, mismatch.row, mismatch.column, mismatch.value) == (
        "data/2026/looked_after.csv", 2, "rate_per_10000", "99")
    assert f"{computed:.1f} per 10,000" in mismatch.message and "99 per 10,000" in mismatch.message
    # The site shows the rate the counts give, not the printed one.
    assert build_context(dataset.view(2026)).looked_after.rate.value == computed


def test_a_published_rate_that_agrees_to_its_rounding_passes_and_one_off_the_total_row_is_refused(tmp_path):
    data = _with_rate(tmp_path, "total,all,10,X")
    rate = round(10 / _population(data) * 10_000)
    path = data / "2026" / "looked_after.csv"
    path.write_text(path.read_text().replace(",X", f",{rate}"))
    dataset, problems = load_dataset(data, AUTHORITY)
    assert [p for p in problems + validate(dataset) if p.code.startswith("rate")] == []
    path.write_text(path.read_text().replace("age_band,under_1,1,", "age_band,under_1,1,5"))
    dataset, problems = load_dataset(data, AUTHORITY)
    [wrong] = [p for p in problems + validate(dataset) if p.code == "rate-not-total"]
    assert (wrong.row, wrong.column, wrong.severity) == (3, "rate_per_10000", "error")


def test_a_published_rate_is_withheld_with_its_total():
    # Four children: the total is withheld, and the rate with the population would give it away.
    def compute(tables):
        return Namespace(rate=Figure(stats.looked_after_rate_of(tables["looked_after"], None), "rate"))

    for total, rate, shown in ((4, 0.8, "c"), (300, 48.0, "48")):
        tables = {"looked_after": pd.DataFrame({"breakdown": ["total"], "category": ["all"], "children": [total],
                                                "rate_per_10000": [rate]})}
        protection = protect_year(tables, 2026, 5)
        masked = mask_context(compute(tables), [compute(perturbed_tables(tables, s)) for s in protection.shifts])
        assert str(masked.rate) == shown
