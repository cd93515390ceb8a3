"""Benchmark the SSDA903 extract at national scale.

Generates synthetic 903 returns (five collection years, files named like
``2019-episodes.csv``) in a temporary folder outside the repository, then runs
``extract_to_data`` on them in a fresh process per size and prints the wall
time and peak memory (max RSS). Two sizes show how time grows with episodes.

    /tmp/venv/bin/python bench/extract_bench.py            # 83k and 166k children (0.5 and 1 million episode rows)
    /tmp/venv/bin/python bench/extract_bench.py 20000 40000

The postcode directory cache (see generator/extract/postcodes.py) is built
before timing: its one-off cost is printed separately.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEARS = (2020, 2021, 2022, 2023, 2024)  # years ending 31 March
PLACES = np.array(["U1", "U2", "U3", "U4", "U5", "U6", "K2", "H5", "P1", "A4", "S1", "R1", "K1", "T4", "Z1"])
PLACE_P = np.array([5, 5, 5, 25, 25, 5, 10, 5, 4, 3, 2, 1, 1, 2, 2], dtype=float)
LS = np.array(["C1", "C2", "E1", "V2", "J1", "L2", "V3"])
LS_P = np.array([15, 50, 8, 20, 2, 2, 3], dtype=float)
ENDS = np.array(["E4A", "E11", "E45", "E5", "E17", "E8", "E41", "E13"])


def _dates(days: np.ndarray) -> np.ndarray:
    return pd.to_datetime(days, unit="D").strftime("%d/%m/%Y").to_numpy()


def generate(folder: Path, children: int, seed: int = 1) -> int:
    """Write five years' header/episodes/uasc/oc3 files; return the episode rows written."""
    rng = np.random.default_rng(seed)
    from generator.extract.postcodes import directory
    keys = directory()[0]
    pool = np.char.decode(keys[rng.integers(0, len(keys), 50_000)])
    pool = np.array([p[:-3] + " " + p[-3:] for p in pool])
    ids = np.arange(100_000, 100_000 + children).astype(str)
    # Ofsted URNs of England's registered settings: some thousands (about 3,000 children's homes,
    # 1,000 fostering and supported accommodation providers ...), not one per episode.
    urns = np.array(["SC" + str(u) for u in rng.choice(np.arange(100_000, 1_000_000), 6_000, replace=False)])
    first = pd.Timestamp("2014-04-01").value // 86_400_000_000_000
    start = first + rng.integers(0, 365 * 10, children)
    dob = start - rng.integers(0, 17 * 365, children)
    n_ep = rng.geometric(0.12, children)  # about 8 episodes a child over ten years
    child_ix = np.repeat(np.arange(children), n_ep)
    pos = np.arange(len(child_ix)) - np.repeat(np.cumsum(n_ep) - n_ep, n_ep)
    length = rng.exponential(110, len(child_ix)).astype(int) + 1
    cum = np.cumsum(length)
    before = np.repeat(np.concatenate([[0], cum[np.cumsum(n_ep)[:-1] - 1]]), n_ep)
    decom = start[child_ix] + (cum - length) - before
    dec = decom + length
    last = pos == n_ep[child_ix] - 1
    still_open = last & (rng.random(len(child_ix)) < 0.4)
    end_limit = pd.Timestamp("2024-03-31").value // 86_400_000_000_000
    still_open |= dec > end_limit
    keep = decom <= end_limit
    rec = np.where(last, ENDS[rng.integers(0, len(ENDS), len(child_ix))], "X1")
    rec = np.where(still_open, "", rec)
    episodes = pd.DataFrame({
        "CHILD": ids[child_ix], "DECOM": decom,
        "RNE": np.where(pos == 0, "S", rng.choice(["P", "L", "T", "U", "B"], len(child_ix), p=[.6, .2, .08, .08, .04])),
        "LS": rng.choice(LS, len(child_ix), p=LS_P / LS_P.sum()),
        "CIN": rng.choice([f"N{i}" for i in range(1, 9)], len(child_ix)),
        "PLACE": rng.choice(PLACES, len(child_ix), p=PLACE_P / PLACE_P.sum()),
        "PLACE_PROVIDER": rng.choice(["PR1", "PR2", "PR3", "PR4", "PR5"], len(child_ix)),
        "DEC": np.where(still_open, -1, dec), "REC": rec, "REASON_PLACE_CHANGE": "",
        "HOME_POST": pool[rng.integers(0, len(pool), len(child_ix))],
        "PL_POST": pool[rng.integers(0, len(pool), len(child_ix))],
        "URN": urns[rng.integers(0, len(urns), len(child_ix))],
    })[keep]
    episodes.loc[episodes["PLACE"] == "P1", "PLACE_PROVIDER"] = "PR0"
    # Temporary (T0-T4) and other (Z1) placements record no provider (DfE rules 178, 526).
    episodes.loc[episodes["PLACE"].isin(["T4", "Z1"]), "PLACE_PROVIDER"] = ""
    rows = 0
    for year in YEARS:
        y_start = pd.Timestamp(year - 1, 4, 1).value // 86_400_000_000_000
        y_end = pd.Timestamp(year, 3, 31).value // 86_400_000_000_000
        dec_in = episodes["DEC"].where(episodes["DEC"] >= 0, 10**9)
        part = episodes[(episodes["DECOM"] <= y_end) & (dec_in >= y_start)].copy()
        closed_later = part["DEC"] > y_end
        part.loc[closed_later, "DEC"] = -1
        part.loc[closed_later, "REC"] = ""
        part["DECOM"] = _dates(part["DECOM"].to_numpy())
        part["DEC"] = np.where(part["DEC"] < 0, "", _dates(part["DEC"].clip(lower=0).to_numpy()))
        part.to_csv(folder / f"{year - 1}-episodes.csv", index=False)
        rows += len(part)
        kids = np.unique(part["CHILD"].to_numpy().astype(np.int64) - 100_000)
        pd.DataFrame({"CHILD": ids[kids], "SEX": rng.choice(["1", "2"], len(kids)), "DOB": _dates(dob[kids]),
                      "ETHNIC": rng.choice(["WBRI", "MWBC", "AIND", "BAFR", "OOTH", "NOBT"], len(kids)),
                      "UPN": "", "MOTHER": "", "MC_DOB": ""}).to_csv(folder / f"{year - 1}-header.csv", index=False)
        u = kids[rng.random(len(kids)) < 0.06]
        pd.DataFrame({"CHILD": ids[u], "SEX": "1", "DOB": _dates(dob[u]), "DUC": ""}).to_csv(
            folder / f"{year - 1}-uasc.csv", index=False)
        o = kids[rng.random(len(kids)) < 0.1]
        pd.DataFrame({"CHILD": ids[o], "DOB": _dates(dob[o]), "IN_TOUCH": rng.choice(["YES", "NO", "NREQ"], len(o)),
                      "ACTIV": rng.choice(["F1", "F2", "G5", "P5"], len(o)),
                      "ACCOM": rng.choice(["H1", "D1", "S2"], len(o))}
                     ).to_csv(folder / f"{year - 1}-oc3.csv", index=False)
    return rows


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: ru_maxrss survives exec,
    so a child started by a large parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(source: Path, out: Path) -> None:
    from generator.extract import extract_to_data
    t, cpu = time.perf_counter(), time.process_time()
    extract_to_data(source, out, "E06000063")
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = _peak_mb()
    print(f"{wall:.2f} {cpu:.2f} {peak:.0f}")


def main(sizes: list[int]) -> None:
    from generator.extract.postcodes import directory
    t = time.perf_counter()
    directory()
    print(f"postcode directory ready in {time.perf_counter() - t:.1f} s (first use builds the cache)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work inflates wall time)")
    print(f"{'children':>9} {'episode rows':>13} {'wall s':>7} {'cpu s':>6} {'peak MB':>8} {'cpu s per 100k rows':>20}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "903"
            src.mkdir()
            rows = generate(src, n)
            result = subprocess.run([sys.executable, __file__, "--run", str(src), str(Path(tmp) / "data")],
                                    capture_output=True, text=True)
            if result.returncode:
                raise SystemExit(result.stderr)
            wall, cpu, peak = (float(x) for x in result.stdout.split()[-3:])
            print(f"{n:>9,} {rows:>13,} {wall:>7.2f} {cpu:>6.2f} {peak:>8.0f} {cpu / rows * 1e5:>20.3f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--run":
        _run(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main([int(a) for a in sys.argv[1:]] or [83_000, 166_000])
