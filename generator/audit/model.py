"""The audit's model: whole-number unknowns and linear constraints, each with its source."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .. import contract
from ..stats.children import PLACEMENT_GROUP_LABELS, PLACEMENT_GROUPS
from .common import Expr, Key


@dataclass
class Row:
    terms: Expr
    low: float
    high: float
    source: str   # a family used to explain findings (an output name or a rule)
    where: str


@dataclass
class Var:
    key: Key
    integer: bool = True
    bounds: list = field(default_factory=list)    # (source, low, high, where)
    withheld: list = field(default_factory=list)  # where it is shown as c
    withheld_share: list = field(default_factory=list)  # where a percentage of it is shown as c
    shown: list = field(default_factory=list)     # (value, where)

    @property
    def withheld_anywhere(self) -> list:
        return self.withheld + self.withheld_share


class Model:
    def __init__(self, withheld_minimum: int = 1):
        self.vars: dict[Key, Var] = {}
        self.shown_figures: dict[Key, list] = {}  # figure (a count or a sum of counts) -> (value, where)
        self.rows: list[Row] = []
        self.withheld_minimum = withheld_minimum
        self.notes: list[str] = []
        self._aux = 0

    def var(self, key: Key, integer: bool | None = None) -> Var:
        if key not in self.vars:
            self.vars[key] = Var(key, not _continuous(key) if integer is None else integer)
        return self.vars[key]

    def add(self, terms: Expr, low: float, high: float, source: str, where: str) -> None:
        merged: dict = defaultdict(float)
        for key, coef in terms:
            self.var(key)
            merged[key] += coef
        terms = tuple((k, c) for k, c in merged.items() if c != 0)
        if len(terms) == 1 and terms[0][1] == 1:
            self.var(terms[0][0]).bounds.append((source, low, high, where))
            return
        self.rows.append(Row(terms, low, high, source, where))

    def show(self, terms: Expr, value: float, half: float, source: str, where: str) -> None:
        self.add(terms, value - half, value + half, source, where)
        if half == 0 and all(c == 1 for _, c in terms):
            self.shown_figures.setdefault(_figure_key(terms), []).append((value, where))
            if len(terms) == 1:
                self.var(terms[0][0]).shown.append((value, where))

    def withhold(self, terms: Expr, source: str, where: str, share: bool = False) -> Key:
        """A count shown as c: from ``withheld_minimum`` up. Returns the unknown to audit.

        ``share``: a percentage shown as c. It may be withheld for its denominator's sake, so it
        says nothing of its count, which is audited only if no number gives it."""
        key = _figure_key(terms)
        if key[0] == "sum" and key not in self.vars:  # a withheld sum (a placement group): audit the sum
            self.add(terms + ((key, -1.0),), 0, 0, "rule: a sum", where)
        v = self.var(key)
        if share:
            v.withheld_share.append(where)
            return key
        v.withheld.append(where)
        v.bounds.append(("rule: c is at least 1", self.withheld_minimum, math.inf, where))
        return key

    def targets(self) -> list[Key]:
        """Every withheld count, and every count behind a withheld percentage that no number gives."""
        return sorted((k for k, v in self.vars.items()
                       if v.withheld or (v.withheld_share and k not in self.shown_figures)), key=str)

    def percent(self, num: Expr, den: Expr, p: float, half: float, source: str, where: str) -> None:
        """100 × num / den rounds to p (den > 0)."""
        if p == 0 and half is None:  # "low": above 0, below 0.5
            self.add(num, 1, math.inf, source, where)
            half, p = 0.5, 0.0
        hi = tuple((k, 100 * c) for k, c in num) + tuple((k, -(p + half) * c) for k, c in den)
        lo = tuple((k, 100 * c) for k, c in num) + tuple((k, -(p - half) * c) for k, c in den)
        self.add(hi, -math.inf, 0, source, where)
        self.add(lo, 0, math.inf, source, where)

    def at_least(self, big: Expr, small: Expr, source: str, where: str) -> None:
        """big ≥ small."""
        self.add(big + tuple((k, -c) for k, c in small), 0, math.inf, source, where)


def _figure_key(terms: Expr) -> Key:
    """A single count's key, or the key of a sum of counts (a placement group)."""
    if len(terms) == 1 and terms[0][1] == 1:
        return terms[0][0]
    return ("sum", tuple(sorted(terms, key=str)))


def _continuous(key: Key) -> bool:
    return key[-1] in ("weeks_of_care", "spend") and key[0] in ("placements_by_type_and_age", "spend_by_service")


def describe(key: Key) -> str:
    """A figure's name in words, from the contract's labels."""
    kind = key[0]
    if kind == "declared":
        _, name, year, *names, column = key
        return f"{year} {name.replace('_', ' ')}: {', '.join(names)} ({column})"
    if kind == "looked_after":
        _, year, breakdown, category = key
        codes = contract.LOOKED_AFTER_BREAKDOWNS.get(breakdown, {})
        what = breakdown.replace("_", " ")
        return f"{year} children looked after at 31 March, {what}: {codes.get(category, category)}"
    if kind == "starts_and_ceases":
        _, year, movement, reason = key
        codes = {"all": "all", **contract.CATEGORIES_OF_NEED, **contract.REASONS_CEASED}
        return f"{year} children who {'started' if movement == 'started' else 'ceased'}: {codes.get(reason, reason)}"
    if kind == "starts_and_ceases_period":
        _, year, name, movement, _ = key
        return f"{year} children who {'started' if movement == 'started' else 'ceased'} in {name.replace('_', ' ')}"
    if kind == "placements_by_type_and_age":
        _, year, t, a, column = key
        return (f"{year} {column.replace('_', ' ')}: {contract.PLACEMENT_TYPES.get(t, t)}, "
                f"{contract.AGE_BANDS.get(a, a)}")
    if kind in ("placement_stability", "care_leavers"):
        return f"{key[1]} {kind.replace('_', ' ')}: {', '.join(str(k) for k in key[2:])}"
    if kind == "spend_by_service":
        _, year, service, sector, column = key
        return (f"{year} {column.replace('_', ' ')}: {contract.SERVICES.get(service, service)}, "
                f"{contract.PROVIDER_SECTOR.get(sector, sector)}")
    if kind == "commissioning_routes_period":
        _, year, name, service, route, measure = key
        return f"{year} new placements in {name.replace('_', ' ')}: {service}, {route} ({measure})"
    if kind in ("commissioning_routes", "referrals"):
        _, year, row, column, measure = key
        return f"{year} {kind.replace('_', ' ')}: {row}, {column} ({measure})"
    if kind == "sum":
        parts = [k for k, _ in key[1]]
        if all(k[0] == "looked_after" and k[2] == "placement_type" for k in parts):
            types = {k[3] for k in parts}
            group = next((g for g, members in PLACEMENT_GROUPS.items() if set(members) == types), None)
            if group:
                return (f"{parts[0][1]} children looked after at 31 March, placement group: "
                        f"{PLACEMENT_GROUP_LABELS[group]}")
        return "sum of " + " + ".join(describe(k) for k in parts)
    return str(key)
