"""Parsing dates as 903 files and councils' exports write them, vectorised.

Accepted: ``dd/mm/yyyy``, ``dd/mm/yy`` (two-digit years 69-99 are 1969-1999,
00-68 are 2000-2068, Python's rule, which covers every date a 903 can hold),
ISO ``yyyy-mm-dd`` (with or without a time), and ``dd-mm-yyyy``. Each distinct
text is parsed once, so a million rows cost little more than the distinct dates.
"""
from __future__ import annotations

import pandas as pd

FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%d/%m/%Y %H:%M:%S",
           "%d/%m/%Y %H:%M")


def parse_dates(text: pd.Series, with_format: bool = False):
    """(dates as datetime64[ns], mask of non-blank cells that could not be parsed).

    With ``with_format``, also a mask of the cells read as dates that are not
    written ``dd/mm/yyyy``, the one form the DfE's validator accepts (rules 141, 147).
    """
    if isinstance(text.dtype, pd.CategoricalDtype):  # parse the categories only
        codes, uniques = text.cat.codes.to_numpy(), text.cat.categories
    else:
        codes, uniques = pd.factorize(text, use_na_sentinel=True)
    uniques = pd.Series(uniques, dtype=object).astype(str).str.strip()
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    todo = uniques != ""
    for fmt in FORMATS:
        if not todo.any():
            break
        attempt = pd.to_datetime(uniques[todo], format=fmt, errors="coerce")
        # %d/%m/%y also matches the first two digits of a four-digit year: only
        # accept it for texts whose year part has exactly two digits.
        if fmt == "%d/%m/%y":
            attempt = attempt.where(uniques[todo].str.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}"))
        ok = attempt.notna()
        parsed.loc[attempt.index[ok]] = attempt[ok].astype("datetime64[ns]")
        todo.loc[attempt.index[ok]] = False
    if len(uniques) == 0:
        empty = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]"), pd.Series(False, index=text.index)
        return (*empty, pd.Series(False, index=text.index)) if with_format else empty
    values = parsed.to_numpy()[codes.clip(min=0)]
    dates = pd.Series(values, index=text.index, dtype="datetime64[ns]")
    dates[codes < 0] = pd.NaT
    bad_unique = todo.to_numpy()
    bad = pd.Series(False, index=text.index)
    if bad_unique.any():
        bad = pd.Series((codes >= 0) & bad_unique[codes.clip(min=0)], index=text.index)
    if not with_format:
        return dates, bad
    other = (~uniques.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}") & parsed.notna()).to_numpy()
    return dates, bad, pd.Series((codes >= 0) & other[codes.clip(min=0)], index=text.index)
