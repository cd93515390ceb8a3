"""Statistical disclosure control: primary and secondary suppression, and its audit.

Method (following the DfE's practice for local authority figures and the GSS
guidance on disclosure control of tables):

1. **Primary suppression.** A count from 1 to the threshold (5 by default) is
   withheld and shown as ``c``. Zero is a true zero and is always shown.
2. **Secondary suppression.** Published figures are linked by sums: the
   children in each age band add up to the total, and so on. Where a sum has
   exactly one withheld figure, it could be worked out by subtraction, so a
   second figure in that sum is withheld too: the smallest non-zero figure
   that is shown (the least information lost). Sums may share figures (a
   total shared by several breakdowns, rows and columns of a two-way table),
   so the checks repeat until nothing changes.
3. **Audit.** For every withheld figure we solve two linear programmes: its
   smallest and its largest possible value given every published figure and
   every sum (withheld figures are at least 1, since zeros are never withheld).
   If the range is narrower than the threshold, a reader could pin the figure
   down, so another figure in one of its sums is withheld and the audit runs
   again. If no figure is left to withhold, the build stops.

Cells are identified by any hashable id; ``Sum(total, parts)`` says that
``total`` is the sum of ``parts``.
"""
from __future__ import annotations

import math
import time
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog


@dataclass(frozen=True)
class Sum:
    total: Hashable
    parts: tuple[Hashable, ...]

    @property
    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


@dataclass
class AuditResult:
    cell: Hashable
    value: int
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class Suppression:
    primary: set = field(default_factory=set)
    secondary: set = field(default_factory=set)
    audit: list[AuditResult] = field(default_factory=list)
    audit_seconds: float = 0.0

    @property
    def withheld(self) -> set:
        return self.primary | self.secondary


class SuppressionFailed(Exception):
    pass


def primary_cells(values: dict, threshold: int) -> set:
    """Counts from 1 to ``threshold``."""
    return {cell for cell, value in values.items() if 1 <= value <= threshold}


def _smallest_shown(cells, values, withheld, eligible=None):
    candidates = [c for c in cells if c not in withheld and values[c] > 0 and (eligible is None or c in eligible)]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (values[c], str(c)))


def _close_single_gaps(values: dict, sums: list[Sum], withheld: set, eligible=None) -> set:
    """Withhold a second figure in every sum that has exactly one withheld figure."""
    added = set()
    changed = True
    while changed:
        changed = False
        for s in sums:
            hidden = [c for c in s.cells if c in withheld or c in added]
            if len(hidden) == 1:
                # Prefer a part; the total only when no part can be withheld.
                choice = _smallest_shown(s.parts, values, withheld | added, eligible) or _smallest_shown(
                    (s.total,), values, withheld | added, eligible)
                if choice is None:
                    continue  # the lone withheld cell is the only non-zero one: audit decides
                added.add(choice)
                changed = True
    return added


def audit(values: dict, sums: list[Sum], withheld: set, only: set | None = None) -> list[AuditResult]:
    """Smallest and largest value of each withheld cell given everything published (LP).

    ``only``: audit just these cells (the others still vary in the programmes).
    """
    hidden = sorted(withheld, key=str)
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    rows, rhs = [], []
    for s in sums:
        if not any(c in index for c in s.cells):
            continue
        row = np.zeros(len(hidden))
        constant = 0.0
        for sign, cells in ((1.0, s.parts), (-1.0, (s.total,))):
            for c in cells:
                if c in index:
                    row[index[c]] += sign
                else:
                    constant += sign * values[c]
        rows.append(row)
        rhs.append(-constant)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    bounds = [(1, None)] * len(hidden)
    results = []
    for cell in hidden:
        if only is not None and cell not in only:
            continue
        objective = np.zeros(len(hidden))
        objective[index[cell]] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        low_value = low.fun if low.status == 0 else 1.0
        high_value = -high.fun if high.status == 0 else math.inf
        results.append(AuditResult(cell, values[cell], low_value, high_value))
    return results


def components(values: dict, sums: list[Sum]) -> list[tuple[set, list[Sum]]]:
    """Groups of cells linked by sums; a group can be protected and audited on its own."""
    parent = {cell: cell for cell in values}

    def find(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for s in sums:
        root = find(s.total)
        for cell in s.parts:
            other = find(cell)
            if other != root:
                parent[other] = root
    groups: dict = {}
    for cell in values:
        groups.setdefault(find(cell), (set(), []))[0].add(cell)
    for s in sums:
        groups[find(s.total)][1].append(s)
    return [groups[key] for key in sorted(groups, key=str)]


def suppress(values: dict, sums: list[Sum], threshold: int = 5, max_rounds: int = 200,
             eligible: set | None = None) -> Suppression:
    """Primary and secondary suppression, audited by linear programming.

    Groups of cells that share no sum are protected separately. In each
    round every sum with a single withheld figure gets a second one, the audit
    runs, and every figure whose range is too narrow gets a partner in one of
    its sums; rounds repeat until the audit passes. ``eligible``: the cells
    secondary suppression may withhold (default all).
    """
    for s in sums:
        for c in s.cells:
            if c not in values:
                raise KeyError(f"sum refers to unknown cell {c!r}")
    result = Suppression(primary=primary_cells(values, threshold))
    if not result.primary or threshold <= 0:
        return result
    started = time.perf_counter()
    withheld = set(result.primary)
    for cells, group_sums in components(values, sums):
        hidden = withheld & cells
        if not hidden:
            continue
        # Withholding more can only widen a range, so a figure that passed stays passed:
        # after the first round only the weak and the newly withheld are audited again.
        passed: dict = {}
        for _ in range(max_rounds):
            hidden |= _close_single_gaps(values, group_sums, hidden, eligible)
            findings = audit(values, group_sums, hidden, only=hidden - set(passed))
            weak = [r for r in findings if r.width < threshold]
            passed.update({r.cell: r for r in findings if r.width >= threshold})
            if not weak:
                result.audit.extend(passed.values())
                break
            added = set()
            for finding in weak:
                for s in group_sums:
                    if finding.cell in s.cells:
                        choice = _smallest_shown(s.cells, values, hidden | added, eligible)
                        if choice is not None:
                            added.add(choice)
                            break
            if not added:
                cells_text = ", ".join(f"{r.cell} (range {r.low:g} to {r.high:g})" for r in weak)
                raise SuppressionFailed(f"cannot protect {cells_text}: nothing left to withhold")
            hidden |= added
        else:
            raise SuppressionFailed("secondary suppression did not settle")
        withheld |= hidden
    result.secondary = withheld - result.primary
    result.audit.sort(key=lambda r: str(r.cell))
    result.audit_seconds = time.perf_counter() - started
    return result
