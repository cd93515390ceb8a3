"""Benchmark the forecast at national scale.

Writes synthetic 903 returns for ``children`` children over five collection
years (the extract benchmark's generator, in a temporary folder outside the
repository), reads them with ``read_903`` (the extract's cost, printed apart),
then times what the forecast adds:

1. the ``flows`` and ``looked_after_by_age_and_placement`` tables for every year
   (``generator.extract.flows``, case level);
2. the transition model's forecast (1,000 simulated futures) and its backtest
   (the same futures for every origin, as each statement published them), and
   the trend and no-change backtests on the same origins, from those aggregate
   tables only.

    /tmp/venv/bin/python bench/forecast_bench.py            # 150k children
    /tmp/venv/bin/python bench/forecast_bench.py 50000 150000
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: A representative placement type per group, for the bench's minimal looked_after table.
TYPE_OF_GROUP = {"fostering": "foster_other", "residential": "childrens_home", "supported": "supported_accommodation",
                 "other": "other"}
#: England's children aged 0 to 17 by age band (ONS mid-2023, rounded).
POPULATION = {"under_1": 590_000, "age_1_to_4": 2_450_000, "age_5_to_9": 3_350_000, "age_10_to_15": 4_300_000,
              "age_16_and_over": 1_420_000}


class Timer:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        print(f"  {self.label:<52} {self.wall:>7.2f} s wall {self.cpu:>7.2f} s cpu")


def run(children: int) -> None:
    from extract_bench import generate

    from generator.config import Authority
    from generator.dataset import YearView
    from generator.extract import flows, read_903
    from generator.forecast import run as R

    print(f"{children:,} children")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp)
        with Timer("write synthetic 903 files (not the forecast's cost)"):
            rows = generate(source, children)
        with Timer(f"read_903 on {rows:,} episode rows (the extract's reader)"):
            history = read_903(source)
    history_tables = {}
    with Timer(f"flows + age-by-placement tables, {len(history.years)} years"):
        for year in history.years:
            history_tables[year] = flows.forecast_tables(history, year)
    for tables in history_tables.values():
        stock = tables["looked_after_by_age_and_placement"]
        by_group = stock.groupby("placement_group")["children"].sum()
        by_band = stock.groupby("age_band")["children"].sum()
        tables["looked_after"] = pd.DataFrame(
            [("total", "all", int(stock["children"].sum()))]
            + [("placement_type", TYPE_OF_GROUP[g], int(n)) for g, n in by_group.items()]
            + [("age_band", b, int(n)) for b, n in by_band.items()],
            columns=["breakdown", "category", "children"])
    population = pd.DataFrame([(y, b, n) for y in range(min(history.years) - 1, max(history.years) + 4)
                               for b, n in POPULATION.items()], columns=["year", "age_band", "population"])
    last = max(history.years)
    authority = Authority("England", "England", "E92000001", "none", (last,))
    view = YearView(last, history_tables[last], history_tables, {"population": population}, authority)
    print(f"  children looked after at 31 March {last}: {int(history_tables[last]['looked_after']['children'][0]):,}")
    with Timer("transition forecast, 3 years, 1,000 futures"):
        fc = R.forecast(view)
    with Timer(f"transition backtest ({len(history.years) - 2} origins, 1,000 futures each, as published)"):
        bt = R.backtest(view, "transition")
    with Timer("trend and no-change backtests (same origins)"):
        others = {m: R.backtest(view, m) for m in ("trend", "no_change")}
    print(f"  method {fc.method}, window {fc.window} ({fc.window_choice})")
    for method, frame in (("transition", bt), *others.items()):
        errors = R.errors(frame)
        rows = errors[errors["placement_group"] == "all"].set_index("horizon")
        if len(rows):
            print(f"  {method:<10} MAPE " + ", ".join(f"{h} year {rows.loc[h, 'mape']:.1f}%" for h in rows.index)
                  + f" over {int(rows['forecasts'].iloc[0])} origins")


if __name__ == "__main__":
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work inflates wall time)")
    np.seterr(all="ignore")
    for n in [int(a) for a in sys.argv[1:]] or [150_000]:
        run(n)
