"""Print, per year of data, the figures withheld and which headline figures among them.

    python bench/disclosure_report.py [project folder]

Headline figures are the rows the data contract marks as what the statement is
for (``Protection.headline``). Not a test: a report to read before and after a
change to the suppression.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from generator import contract
from generator.config import load_authority
from generator.disclosure import protect_year
from generator.load import load_dataset


def headline_cells(tables) -> dict:
    found = {}
    for name, table in contract.TABLES_BY_NAME.items():
        frame = tables.get(name)
        if table.protection is None or frame is None:
            continue
        for index, row in frame.iterrows():
            if any(all(str(row[c]) == v for c, v in p.items()) for p in table.protection.headline):
                for column in table.protection.counts:
                    if column in frame.columns:
                        key = " ".join(str(row[k]) for k in table.key)
                        found[(name, int(index), column)] = f"{name}: {key} ({column})"
    return found


def main(project: Path) -> None:
    authority = load_authority(project / "authority.yml")
    dataset, _ = load_dataset(project / "data", authority)
    threshold = authority.suppression_threshold
    total_p = total_s = 0
    for year in sorted(dataset.years):
        started = time.perf_counter()
        declared = {name: d.table for name, d in dataset.declared.get(year, {}).items()}
        protection = protect_year(dataset.years[year], year, threshold, declared)
        seconds = time.perf_counter() - started
        result = protection.suppression
        counts = protection.counts
        primary, secondary = result.primary & counts, result.secondary & counts
        linked = result.withheld - counts
        total_p += len(primary)
        total_s += len(secondary)
        headline = headline_cells(dataset.years[year])
        hidden = sorted(label for cell, label in headline.items() if cell in result.withheld)
        narrowest = min((r.width for r in result.audit), default=None)
        print(f"{year}: counts withheld {len(primary)} primary + {len(secondary)} secondary "
              f"(and {len(linked)} weeks of care with them), narrowest {narrowest}, "
              f"{seconds:.1f} s; headline withheld {len(hidden)} of {len(headline)}")
        for label in hidden:
            print(f"    {label}")
    print(f"all years: counts withheld {total_p} primary + {total_s} secondary")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve())
