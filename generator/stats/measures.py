"""The measure registry: what the methods page says about every published measure."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """One published measure, for the methods page.

    ``definition``: what it counts, in the words of the official definition it
    follows; ``method``: how we compute it (numerator, denominator, rounding);
    ``source``: the contract tables it is computed from; ``reference``: the
    official publication it follows.
    """

    name: str
    title: str
    definition: str
    method: str
    source: tuple[str, ...]
    reference: str = "DfE, Children looked after in England including adoptions (annual statistics)"
