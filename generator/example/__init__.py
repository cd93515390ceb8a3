"""The fictional example authority, Castlebridge Borough Council: all of ``data/``.

``make_example_data(project_dir)`` regenerates the whole ``data/`` folder,
deterministically (the same bytes every time):

1. ``synth903`` simulates one population of children (2008 to March 2026) and
   writes synthetic SSDA903 files (header, episodes, UASC, OC3) per collection
   year to ``.build/example-903/`` (git-ignored: case-level data never enters
   ``data/``);
2. ``generator.extract.extract_to_data`` turns them into the five 903 tables
   of each year ``2019`` to ``2026`` in ``data/<year>/``, and its data-quality
   report is saved beside the synthetic files;
3. ``tables`` writes the other year tables (spend, fostering, market,
   commissioning routes, referrals, action plan) from the same simulated world,
   and the reference tables (population, benchmarks).

Run with ``python -m generator.example``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ..csvio import write_table
from . import synth903, tables

YEARS = tables.YEARS
SYNTHETIC_903 = Path(".build") / "example-903"
TABLES_903 = ("looked_after", "starts_and_ceases", "placements_by_type_and_age", "placement_stability",
              "care_leavers")


def _la_code(project_dir: Path) -> str:
    from ..config import load_authority

    return load_authority(project_dir / "authority.yml").la_code


def write_synthetic_903(project_dir: Path) -> Path:
    """Write the synthetic 903 files under ``project_dir/.build/example-903`` (fresh)."""
    source = Path(project_dir) / SYNTHETIC_903
    if source.exists():
        shutil.rmtree(source)
    synth903.write_903(synth903.simulate(), source)
    return source


def make_example_data(project_dir: Path, with_extract: bool = True) -> None:
    """Regenerate ``project_dir/data/`` for the example authority."""
    project_dir = Path(project_dir)
    data_dir = project_dir / "data"
    for year in YEARS:
        folder = data_dir / str(year)
        if folder.exists():
            shutil.rmtree(folder)
    for path in (data_dir / "reference").glob("*.csv") if (data_dir / "reference").exists() else ():
        path.unlink()

    if with_extract:
        from ..extract import extract_to_data

        source = write_synthetic_903(project_dir)
        report = extract_to_data(source, data_dir, _la_code(project_dir), years=list(YEARS))
        (source / "quality-report.txt").write_text(str(report) + "\n", encoding="utf-8")

    facts = tables.Facts()
    for year in YEARS:
        for name, frame in tables.year_tables(facts, year).items():
            write_table(name, frame, data_dir / str(year) / f"{name}.csv")
    for name, frame in tables.reference_tables().items():
        write_table(name, frame, data_dir / "reference" / f"{name}.csv")


__all__ = ["make_example_data", "write_synthetic_903", "YEARS"]
