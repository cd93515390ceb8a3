"""Periods within a year (issue 10): quarters and part years as councils publish them.

A flow table (children starting and ceasing, foster carer recruitment) is for the year ending 31 March
unless its optional ``period`` column says otherwise. A period is stored in one of two forms:

- ``Q1`` .. ``Q4``: a quarter of the financial year (Q1 is April to June, Q4 January to March);
- ``YYYY-MM-DD to YYYY-MM-DD``: any other part of the year, first and last day included.

A blank cell, or a period that covers the whole year (``2023-24``, ``April to March``, ``Q1-Q4``), is the
whole year and is stored blank. Councils write periods many ways; ``parse`` reads the common ones
(``Q1 2023-24``, ``Apr-Jun 2023``, ``April to December``, ``H1``, ``Q1-Q2``, ``01/04/2023 - 31/12/2023``),
given the year the folder is for, and refuses a period outside that year.

Part-year figures are published as given, each labelled with its period, and never added up into a
figure for the year: the DfE counts a child who starts twice in a year once, so quarters of starts do not
add up to the year's starts, and a council that published only quarters has published no annual figure.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
_MONTHS = {name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS["sept"] = 9
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
_QUARTER_MONTHS = {"Q1": (4, 6), "Q2": (7, 9), "Q3": (10, 12), "Q4": (1, 3)}
_WHOLE_WORDS = {"year", "whole year", "full year", "annual", "the year", "all year", "fy", "financial year",
                "year to 31 march", "all"}

#: What the ``period`` column accepts, for the data contract and for every refusal's hint.
ACCEPTED = ("blank for the whole year ending 31 March; Q1, Q2, Q3 or Q4 for a quarter of the financial year "
            "(Q1 is April to June), also written Q1 2023-24 or Apr-Jun 2023; a part year as 2023-04-01 to "
            "2023-12-31, April to December 2023 (or April to December), H1, or Q1-Q2")
EXAMPLE_FORMS = ("Q1", "Q1 2023-24", "Apr-Jun 2023", "April to December 2023", "2023-04-01 to 2023-12-31", "H1",
                 "Q1-Q2")


class PeriodError(ValueError):
    """A period that cannot be read, or one outside the year; the message says which."""


def year_bounds(year: int) -> tuple[date, date]:
    """The year ending 31 March ``year``: 1 April of the year before to 31 March."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))


def _quarter_dates(quarter: str, year: int) -> tuple[date, date]:
    first, last = _QUARTER_MONTHS[quarter]
    y = year if quarter == "Q4" else year - 1
    return date(y, first, 1), _month_end(y, last)


def dates(code: str | None, year: int) -> tuple[date, date]:
    """The first and last day of a stored period (the whole year for blank)."""
    if not code:
        return year_bounds(year)
    if code in QUARTERS:
        return _quarter_dates(code, year)
    start, end = code.split(" to ")
    return date.fromisoformat(start), date.fromisoformat(end)


def _store(start: date, end: date, year: int, text: str) -> str | None:
    """The stored form of the days ``start`` to ``end``, checked against the year."""
    first, last = year_bounds(year)
    if end < start:
        raise PeriodError(f"the period ends before it starts ({text})")
    if start < first or end > last:
        raise PeriodError(f"this period is not inside the year ending 31 March {year} "
                          f"({first:%-d %B %Y} to {last:%-d %B %Y}), the year of the folder")
    if (start, end) == (first, last):
        return None
    for quarter in QUARTERS:
        if (start, end) == _quarter_dates(quarter, year):
            return quarter
    return f"{start.isoformat()} to {end.isoformat()}"


def _financial_year(text: str) -> int | None:
    """``2023-24``, ``2023/24``, ``2023-2024``, ``FY23/24`` -> 2024 (the year it ends); None if not one."""
    m = re.fullmatch(r"(?:fy\s*)?(\d{4}|\d{2})\s*[-/]\s*(\d{4}|\d{2})", text)
    if not m:
        return None
    start = int(m[1]) + (2000 if len(m[1]) == 2 else 0)
    end = int(m[2])
    return start + 1 if end % 100 == (start + 1) % 100 else None


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return _MONTHS.get(word[:4] if word.startswith("sept") else word[:3]) if len(word) >= 3 and (
        word[:3] in _MONTHS and (len(word) == 3 or MONTH_NAMES[_MONTHS[word[:3]] - 1].lower().startswith(word)
                                 or word == "sept")) else None


def _in_year_month(month: int, year: int, given: int | None) -> int:
    """The calendar year of ``month`` in the year ending 31 March ``year`` (or as given)."""
    if given is not None:
        return given
    return year if month <= 3 else year - 1


def _calendar_year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + (2000 if len(text) == 2 else 0)


def _parse_day(text: str) -> date | None:
    """``2023-04-01``, ``01/04/2023``, ``1 April 2023``."""
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if (m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?\s+(\d{4})", text)) and _month(m[2]):
            return date(int(m[3]), _month(m[2]), int(m[1]))
    except ValueError:
        raise PeriodError(f"{text!r} is not a real date") from None
    return None


def parse(text: str, year: int) -> str | None:
    """The stored form of a period as a council wrote it, for the year ending 31 March ``year``: ``Q1`` ..
    ``Q4``, ``YYYY-MM-DD to YYYY-MM-DD``, or None (the whole year). Raises ``PeriodError``."""
    raw = text
    text = re.sub(r"\s+", " ", text.strip().lower().replace("\u2013", "-").replace("\u2014", "-"))
    text = re.sub(r"^(the )?(year to date|ytd)\b", "", text).strip()
    if not text or text in _WHOLE_WORDS:
        return None
    # A financial year written after (or before) the period: "Q1 2023-24", "2023/24 Q1", "Q1 FY23/24".
    given_year = None
    for pattern in (r"^(.*?)[ ,(]+((?:fy ?)?\d{2,4} ?[-/] ?\d{2,4})\)?$",
                    r"^((?:fy ?)?\d{2,4} ?[-/] ?\d{2,4})[ ,:]+(.*)$"):
        m = re.fullmatch(pattern, text)
        if m:
            rest, fy = (m[1], m[2]) if pattern.startswith("^(.*?)") else (m[2], m[1])
            found = _financial_year(fy.replace(" ", ""))
            if found is not None and rest.strip() and not re.fullmatch(r"\d{1,2}|\d{4}", rest.strip()):
                given_year, text = found, rest.strip()
                break
    if given_year is None and (found := _financial_year(text.replace(" ", ""))) is not None:
        given_year, text = found, "year"
    if given_year is not None and given_year != year:
        raise PeriodError(f"this period is in the year ending 31 March {given_year}, not {year}, the year of the "
                          f"folder (its rows belong in data/{given_year}/)")
    if text in _WHOLE_WORDS:
        return None
    text = re.sub(r"^quarter ?([1-4])$", r"q\1", text)
    text = re.sub(r"\bquarter ?([1-4])\b", r"q\1", text)
    # Quarters and halves: Q1, Q1-Q2, Q1 to Q3, H1, H2.
    if m := re.fullmatch(r"q([1-4])", text):
        return f"Q{m[1]}"
    if m := re.fullmatch(r"h([12])", text):
        text = "q1-q2" if m[1] == "1" else "q3-q4"
    if m := re.fullmatch(r"q([1-4]) ?(?:-|to|and|&|\+) ?q([1-4])", text):
        first, last = int(m[1]), int(m[2])
        if last < first:
            raise PeriodError(f"the period ends before it starts ({raw})")
        return _store(_quarter_dates(f"Q{first}", year)[0], _quarter_dates(f"Q{last}", year)[1], year, raw)
    # Two days: "2023-04-01 to 2023-12-31", "01/04/2023 - 31/12/2023", "1 April 2023 to 31 December 2023".
    for separator in (r" (?:to|until|through) ", r" ?- ?"):
        parts = re.split(separator, text)
        if len(parts) == 2:
            start, end = _parse_day(parts[0].strip()), _parse_day(parts[1].strip())
            if start is not None and end is not None:
                return _store(start, end, year, raw)
    # Months: "Apr-Jun 2023", "April to December", "April 2023 to December 2023", "Apr 23 - Dec 23", "April 2023".
    month = r"([a-z]{3,9})\.?(?: (\d{4}|\d{2}))?"
    single = re.fullmatch(month, text)
    pair = re.fullmatch(month + r" ?(?:-|to|until|through|/) ?" + month, text)
    if single and _month(single[1]):
        first = last = _month(single[1])
        y1 = y2 = _in_year_month(first, year, _calendar_year(single[2]))
    elif pair and _month(pair[1]) and _month(pair[3]):
        first, last = _month(pair[1]), _month(pair[3])
        y2 = _in_year_month(last, year, _calendar_year(pair[4]))
        given_first = _calendar_year(pair[2])
        if given_first is None and pair[4] is not None:
            # "Apr-Jun 2023", "Oct-Mar 2024": the year written once, at the end
            given_first = y2 if first <= last else y2 - 1
        y1 = _in_year_month(first, year, given_first)
    else:
        raise PeriodError(f"not a period: {raw!r}")
    return _store(date(y1, first, 1), _month_end(y2, last), year, raw)


def label(code: str | None, year: int) -> str:
    """How a reader sees a period: ``Q1 (April to June 2023)``, ``April to December 2023``,
    ``1 April 2023 to 15 December 2023``, ``Year ending 31 March 2024``."""
    if not code:
        return f"Year ending 31 March {year}"
    start, end = dates(code, year)
    months = _months_text(start, end)
    return f"{code} ({months})" if code in QUARTERS else months


def _months_text(start: date, end: date) -> str:
    whole_months = start.day == 1 and end == _month_end(end.year, end.month)
    if not whole_months:
        return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    first, last = MONTH_NAMES[start.month - 1], MONTH_NAMES[end.month - 1]
    if (start.year, start.month) == (end.year, end.month):
        return f"{first} {start.year}"
    if start.year == end.year:
        return f"{first} to {last} {end.year}"
    return f"{first} {start.year} to {last} {end.year}"


def name(code: str, year: int) -> str:
    """The period's name in placeholders: ``q1``; ``april_to_december`` (whole months; ``april`` for one);
    ``from_2023_04_01_to_2023_12_15`` otherwise."""
    if code in QUARTERS:
        return code.lower()
    start, end = dates(code, year)
    if start.day == 1 and end == _month_end(end.year, end.month):
        first, last = MONTH_NAMES[start.month - 1].lower(), MONTH_NAMES[end.month - 1].lower()
        return first if start.month == end.month else f"{first}_to_{last}"
    return f"from_{start:%Y_%m_%d}_to_{end:%Y_%m_%d}"


def order(code: str | None, year: int) -> tuple:
    """Sort key: by last day, then first day (Q1, Q2, April to December, Q3 ...; the whole year last)."""
    start, end = dates(code, year)
    return (not code, end, start)


def is_whole_year(value) -> bool:
    """A blank period cell: the row is for the whole year."""
    return value is None or value == "" or (isinstance(value, float) and value != value)
