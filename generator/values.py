"""Values that know how to read: a figure carries its kind and its suppression.

Every number a page shows is a ``Figure``: the value, what kind of number it is
(a count, a rate per 10,000, a percentage, pounds ...), and whether it must be
withheld. Because the figure carries that itself, a suppressed count reads the
same ``c`` in prose, tables, charts, downloads and the search index.

Formatting follows the GOV.UK style guide: thousands separators, whole
percentages unless a decimal place is needed, "£1,234", and words for
changes ("up 12 (4%) on last year").

GSS symbols (Explore Education Statistics):
``c`` confidential (suppressed), ``x`` not available, ``z`` not applicable,
``low`` rounds to zero but is not zero.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

SYMBOLS = {
    "c": "confidential: withheld to protect children's privacy",
    "x": "not available",
    "z": "not applicable",
    "low": "a figure that rounds to zero but is not zero",
}

KINDS = ("count", "number", "rate", "percent", "money", "weeks", "ratio", "year")


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Figure:
    """One published number.

    ``value`` is the exact figure (never pre-rounded). ``symbol`` replaces it
    when it cannot be shown (``c``, ``x``, ``z``). ``sensitive`` marks figures
    drawn from commercially sensitive data (the public edition withholds
    them). ``sources`` lists the ``table.column`` inputs it was computed from.
    """

    value: float | int | None
    kind: str = "count"
    symbol: str | None = None
    sensitive: bool = False
    sources: tuple[str, ...] = field(default_factory=tuple)
    decimals: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.symbol is None and _is_missing(self.value):
            object.__setattr__(self, "symbol", "x")

    @property
    def shown(self) -> bool:
        return self.symbol is None

    def withheld(self, symbol: str = "c") -> Figure:
        """The figure as published when it cannot be shown: the symbol, and no value at all."""
        return Figure(None, self.kind, symbol, self.sensitive, self.sources, self.decimals)

    def format(self, decimals: int | None = None) -> str:
        if self.symbol is not None:
            return self.symbol
        return format_value(self.value, self.kind, self.decimals if decimals is None else decimals)

    def __str__(self) -> str:
        return self.format()

    def __float__(self) -> float:
        return float("nan") if self.value is None else float(self.value)

    def __bool__(self) -> bool:
        return self.shown and bool(self.value)

    # Comparisons let narrative say {% if looked_after.change.number > 0 %}.
    def _cmp_value(self, other):
        other = other.value if isinstance(other, Figure) else other
        if not self.shown or self.value is None:
            raise WithheldValue(f"a figure shown as {self.symbol or 'x'} cannot be compared: write the figure "
                                "itself and the sentence reads as words (for example 'a withheld number')")
        return self.value, other

    def __lt__(self, other):
        a, b = self._cmp_value(other)
        return a < b

    def __gt__(self, other):
        a, b = self._cmp_value(other)
        return a > b

    def __le__(self, other):
        a, b = self._cmp_value(other)
        return a <= b

    def __ge__(self, other):
        a, b = self._cmp_value(other)
        return a >= b


class WithheldValue(Exception):
    """A template used the value of a figure that is withheld (``c``) or not available."""


#: How a withheld figure reads in running text, by kind (a link to the explanation is added by ``render``).
WITHHELD_WORDS = {
    "count": "a withheld number",
    "percent": "a withheld share",
    "rate": "a withheld rate",
    "money": "a withheld amount",
    "change": "a withheld change",
}


def withheld_words(kind: str) -> str:
    return WITHHELD_WORDS.get(kind, "a withheld figure")


def format_value(value, kind: str = "count", decimals: int | None = None) -> str:
    """Format a raw number for a reader, by kind."""
    if _is_missing(value):
        return "x"
    if kind == "count":
        return f"{round(value):,}"
    if kind == "year":
        return str(int(value))
    if kind == "money":
        d = 0 if decimals is None else decimals
        text = f"£{abs(value):,.{d}f}"
        return "-" + text if value < 0 else text
    if kind == "percent":
        d = 0 if decimals is None else decimals
        text = f"{value:,.{d}f}%"
        if d == 0 and value != 0 and round(value) == 0:
            return "low"
        return text
    if kind == "rate":
        d = 0 if decimals is None else decimals
        return f"{value:,.{d}f}"
    if kind in ("number", "weeks", "ratio"):
        d = (0 if float(value).is_integer() else 1) if decimals is None else decimals
        return f"{value:,.{d}f}"
    raise ValueError(kind)


@dataclass(frozen=True)
class Change:
    """The change of a figure on an earlier one, in words.

    Counts and money: "up 12 (4%) on last year", "down 3 (1%) on last year",
    "no change on last year". Percentages and rates change in points:
    "up 2 percentage points on last year", "up 3.0 per 10,000 on last year".
    The percentage is the change divided by the earlier figure, rounded to a
    whole number. If either figure is withheld the change is withheld too.
    """

    current: Figure
    previous: Figure
    since: str = "on last year"

    @property
    def symbol(self) -> str | None:
        for f in (self.current, self.previous):
            if f.symbol is not None:
                return f.symbol
        return None

    @property
    def sensitive(self) -> bool:
        return self.current.sensitive or self.previous.sensitive

    @property
    def number(self) -> Figure:
        if self.symbol:
            return Figure(None, self.current.kind, self.symbol, self.sensitive)
        return Figure(self.current.value - self.previous.value, self.current.kind,
                      sensitive=self.sensitive, decimals=self.current.decimals)

    @property
    def percent(self) -> Figure:
        if self.symbol:
            return Figure(None, "percent", self.symbol, self.sensitive)
        if not self.previous.value:
            return Figure(None, "percent", "z", self.sensitive)
        return Figure(100 * (self.current.value - self.previous.value) / self.previous.value,
                      "percent", sensitive=self.sensitive)

    @property
    def direction(self) -> str:
        if self.symbol:
            return self.symbol
        diff = self.current.value - self.previous.value
        shown = format_value(abs(diff), self.current.kind, self.current.decimals)
        if diff == 0 or shown.strip("0.,£%") == "":
            return "no change"
        return "up" if diff > 0 else "down"

    def format(self) -> str:
        if self.symbol:
            return self.symbol
        diff = self.current.value - self.previous.value
        direction = self.direction
        if direction == "no change":
            return f"no change {self.since}"
        kind = self.current.kind
        amount = format_value(abs(diff), kind, self.current.decimals)
        if kind == "percent":
            points = amount.rstrip("%")
            unit = "percentage point" if points == "1" else "percentage points"
            return f"{direction} {points} {unit} {self.since}"
        if kind == "rate":
            return f"{direction} {amount} per 10,000 {self.since}"
        pct = self.percent
        if pct.symbol:
            return f"{direction} {amount} {self.since}"
        pct_text = format_value(abs(pct.value), "percent")
        if pct_text == "low":
            pct_text = "less than 1%"
        return f"{direction} {amount} ({pct_text}) {self.since}"

    def __str__(self) -> str:
        return self.format()


class Namespace(dict):
    """A dict a template can read with dots: ``looked_after.age_band.age_5_to_9``.

    Missing names raise ``KeyError`` so that the renderer can report the
    nearest valid names.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def count(value, sources: tuple[str, ...] = (), sensitive: bool = False) -> Figure:
    return Figure(value, "count", sources=sources, sensitive=sensitive)


def percent(numerator, denominator, sources: tuple[str, ...] = (), sensitive: bool = False,
            decimals: int | None = None) -> Figure:
    """numerator / denominator × 100; ``x`` when the denominator is 0 or missing."""
    if _is_missing(numerator) or _is_missing(denominator) or denominator == 0:
        return Figure(None, "percent", "x" if _is_missing(denominator) or _is_missing(numerator) else "z",
                      sensitive, sources)
    return Figure(100 * numerator / denominator, "percent", sensitive=sensitive, sources=sources,
                  decimals=decimals)
