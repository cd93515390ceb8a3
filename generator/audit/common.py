"""Constants and the shape of a linear expression, shared by the audit's parts."""
from __future__ import annotations

#: A child has one home at a time: at most 366 days (a leap year) of care in a year.
MAX_WEEKS_PER_CHILD = 366 / 7
#: Upper bound used for figures nothing else bounds (treated as unbounded): counts, and money or weeks.
UNBOUNDED = 1e6
UNBOUNDED_MONEY = 1e10
#: Symbols that carry no number (GSS: c confidential, x not available, z not applicable ...).
SYMBOLS = {"c", "x", "z", "..", ":", "u", "[c]", "[x]", "[z]", "-", ""}
#: The generator's word for a percentage that rounds to 0 but is not 0.
LOW = "low"

Key = tuple
Expr = tuple  # ((key, coefficient), ...)


def expr(*keys, coef: float = 1.0) -> Expr:
    return tuple((k, coef) for k in keys)
