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
4. **Cost.** Partners are chosen by cost, not size alone: "not known",
   "other" and ordinary figures before the figures the statement exists for
   (its headline figures), and among equals the smallest. A withheld count
   whose row also reports activity that bounds it (weeks of care: at most
   52.3 a child) takes that activity with it (``links``), and the audit
   includes those inequalities (``bounds``).

Cells are identified by any hashable id; ``Sum(total, parts)`` says that
``total`` is the sum of ``parts``.
"""
from __future__ import annotations

import math
import time
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np


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


@dataclass(frozen=True)
class Bound:
    """``linked <= most × count``: weeks of care cannot exceed 52.3 per child or placement."""

    linked: Hashable
    count: Hashable
    most: float


@dataclass
class Suppression:
    primary: set = field(default_factory=set)
    secondary: set = field(default_factory=set)
    audit: list[AuditResult] = field(default_factory=list)
    audit_seconds: float = 0.0
    #: secondary cell -> the withheld cell it was chosen to protect
    reasons: dict = field(default_factory=dict)

    @property
    def withheld(self) -> set:
        return self.primary | self.secondary


class SuppressionFailed(Exception):
    def __init__(self, message: str, cells: tuple = ()):
        super().__init__(message)
        self.cells = tuple(cells)  # the small counts that could not be protected, for a reader's message


def primary_cells(values: dict, threshold: int, counts=None) -> set:
    """Counts from 1 to ``threshold`` (``counts``: the cells that count children; default all)."""
    return {cell for cell, value in values.items()
            if 1 <= value <= threshold and (counts is None or cell in counts)}


class _Chooser:
    """Picks the partner that costs least: (cost tier, value), never a zero, never an ineligible cell."""

    def __init__(self, values: dict, costs: dict | None, eligible: set | None, links: dict | None,
                 sums: list[Sum] = ()):
        self.values, self.costs, self.eligible, self.links = values, costs or {}, eligible, links or {}
        self.sums_of: dict = {}
        for s in sums:
            for c in s.cells:
                self.sums_of.setdefault(c, []).append(s)

    def _opens(self, cell, withheld) -> int:
        """How many other sums withholding ``cell`` would leave with a single withheld figure (more to do)."""
        return sum(1 for s in self.sums_of.get(cell, ()) if not any(c in withheld for c in s.cells))

    def cheapest(self, cells, withheld) -> Hashable | None:
        candidates = [c for c in cells if c not in withheld and self.values[c] > 0
                      and (self.eligible is None or c in self.eligible)]
        if not candidates:
            return None
        # Least informative first; then a partner that closes a pattern (its other sums already have a
        # withheld figure, so nothing more has to be withheld there); then the smallest.
        return min(candidates, key=lambda c: (self.costs.get(c, 1), self._opens(c, withheld), self.values[c], str(c)))

    def with_links(self, cell) -> set:
        return {cell, *self.links.get(cell, ())}


def _close_single_gaps(values: dict, sums: list[Sum], withheld: set, chooser: _Chooser,
                       reasons: dict) -> set:
    """Withhold a second figure in every sum that has exactly one withheld figure."""
    added = set()
    changed = True
    while changed:
        changed = False
        for s in sums:
            hidden = [c for c in s.cells if c in withheld or c in added]
            if len(hidden) == 1:
                # Prefer a part; the total only when no part can be withheld.
                choice = chooser.cheapest(s.parts, withheld | added) or chooser.cheapest((s.total,), withheld | added)
                if choice is None:
                    continue  # the lone withheld cell is the only non-zero one: audit decides
                reasons.setdefault(choice, hidden[0])
                added.add(choice)
                changed = True
    return added


def _constraints(values: dict, sums: list[Sum], bounds: list[Bound], index: dict):
    """Equalities (sums) and inequalities (bounds) over the withheld cells, published cells as constants."""
    rows, rhs = [], []
    for s in sums:
        if not any(c in index for c in s.cells):
            continue
        row = np.zeros(len(index))
        constant = 0.0
        for sign, cells in ((1.0, s.parts), (-1.0, (s.total,))):
            for c in cells:
                if c in index:
                    row[index[c]] += sign
                else:
                    constant += sign * values[c]
        rows.append(row)
        rhs.append(-constant)
    upper_rows, upper_rhs = [], []
    for b in bounds:  # linked - most * count <= 0
        if b.linked not in index and b.count not in index:
            continue
        row = np.zeros(len(index))
        constant = 0.0
        for cell, coefficient in ((b.linked, 1.0), (b.count, -b.most)):
            if cell in index:
                row[index[cell]] += coefficient
            else:
                constant += coefficient * values[cell]
        upper_rows.append(row)
        upper_rhs.append(-constant)
    def as_array(rows_or_values):
        return np.array(rows_or_values) if rows_or_values else None

    return as_array(rows), as_array(rhs), as_array(upper_rows), as_array(upper_rhs)


def audit(values: dict, sums: list[Sum], withheld: set, only: set | None = None,
          bounds: list[Bound] | None = None, counts: set | None = None) -> list[AuditResult]:
    """Smallest and largest value of each withheld count given everything published (LP).

    Withheld counts are at least 1 (zeros are never withheld); withheld linked
    figures (weeks of care) at least 0. ``only``: audit just these cells (the
    others still vary in the programmes). ``counts``: the cells that count
    children (default: every cell); only they are audited. A count's range is
    reported in whole numbers (the LP bounds rounded inwards).
    """
    hidden = sorted(withheld, key=str)
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    a_eq, b_eq, a_ub, b_ub = _constraints(values, sums, bounds or [], index)
    def is_count(cell) -> bool:
        return counts is None or cell in counts

    variable_bounds = [(1, None) if is_count(cell) else (0, None) for cell in hidden]
    results = []
    solve = _programme(a_eq, b_eq, a_ub, b_ub, variable_bounds)
    for cell in hidden:
        if (only is not None and cell not in only) or not is_count(cell):
            continue
        low, high = solve(index[cell], 1.0), solve(index[cell], -1.0)
        if low is None:  # a least value always exists when the programme has an answer (every cell is >= 0)
            raise ValueError(f"the audit of {cell!r} has no answer: the figures, sums and bounds contradict each "
                             "other, so it would pass every withheld figure without checking it")
        low_value = math.ceil(low - 1e-6) if low is not None else 1.0
        high_value = math.floor(high + 1e-6) if high is not None else math.inf
        results.append(AuditResult(cell, values[cell], low_value, high_value))
    return results


def _programme(a_eq, b_eq, a_ub, b_ub, variable_bounds):
    """``solve(column, sign)``: the smallest (sign 1) or largest (sign -1) value of one variable subject to
    the constraints, or None when there is no optimum (no solution, or no upper limit).

    One HiGHS model for all of an audit's programmes, only the objective changing between solves (issue
    14: ``linprog`` set the model up again for each of thousands of solves), through scipy's bundled HiGHS
    bindings (as ``generator.audit`` uses them), loaded without the rest of scipy.optimize (``highs``);
    ``linprog`` (the same solver) when they are missing.
    """
    from .highs import core as h

    n = len(variable_bounds)
    if h is None:  # pragma: no cover - scipy without its HiGHS bindings
        def solve_with_linprog(column: int, sign: float) -> float | None:
            from scipy.optimize import linprog

            objective = np.zeros(n)
            objective[column] = sign
            found = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=variable_bounds,
                            method="highs")
            return sign * found.fun if found.status == 0 else None
        return solve_with_linprog

    blocks = [(a, b, b) for a, b in ((a_eq, b_eq),) if a is not None]
    if a_ub is not None:
        blocks.append((a_ub, np.full(len(b_ub), -h.kHighsInf), b_ub))
    matrix = np.vstack([a for a, _, _ in blocks]) if blocks else np.zeros((0, n))
    lp = h.HighsLp()
    lp.num_col_, lp.num_row_ = n, matrix.shape[0]
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.array([low for low, _ in variable_bounds], dtype=float)
    lp.col_upper_ = np.full(n, h.kHighsInf)
    lp.row_lower_ = np.concatenate([low for _, low, _ in blocks]).astype(float) if blocks else np.zeros(0)
    lp.row_upper_ = np.concatenate([high for _, _, high in blocks]).astype(float) if blocks else np.zeros(0)
    starts, indices, entries = [0], [], []
    for j in range(n):  # column-wise, the nonzero entries only
        rows = np.flatnonzero(matrix[:, j])
        indices.extend(rows.tolist())
        entries.extend(matrix[rows, j].tolist())
        starts.append(len(indices))
    lp.a_matrix_.format_ = h.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, matrix.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, indices, entries
    highs = h._Highs()
    highs.setOptionValue("output_flag", False)
    if highs.passModel(lp) == h.HighsStatus.kError:
        raise ValueError("HiGHS refused the audit's programme")
    last = [None]

    def solve(column: int, sign: float) -> float | None:
        if last[0] is not None:
            highs.changeColCost(last[0], 0.0)
        highs.changeColCost(column, sign)
        last[0] = column
        highs.run()
        if highs.getModelStatus() != h.HighsModelStatus.kOptimal:
            highs.clearSolver()  # no optimum: the next solve starts afresh, not from this one's state
            return None
        return float(highs.getSolution().col_value[column])
    return solve


def components(values: dict, sums: list[Sum], bounds: list[Bound] = (), links: dict | None = None
               ) -> list[tuple[set, list[Sum], list[Bound]]]:
    """Groups of cells linked by sums, bounds or links; a group can be protected and audited on its own."""
    parent = {cell: cell for cell in values}

    def find(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for s in sums:
        for cell in s.parts:
            union(s.total, cell)
    for b in bounds:
        union(b.linked, b.count)
    for cell, others in (links or {}).items():
        for other in others:
            union(cell, other)
    groups: dict = {}
    for cell in values:
        groups.setdefault(find(cell), (set(), [], []))[0].add(cell)
    for s in sums:
        groups[find(s.total)][1].append(s)
    for b in bounds:
        groups[find(b.count)][2].append(b)
    return [groups[key] for key in sorted(groups, key=str)]


def suppress(values: dict, sums: list[Sum], threshold: int = 5, max_rounds: int = 200,
             eligible: set | None = None, costs: dict | None = None, links: dict | None = None,
             bounds: list[Bound] | None = None, counts: set | None = None) -> Suppression:
    """Primary and secondary suppression, audited by linear programming.

    Groups of cells that share no sum are protected separately. In each
    round every sum with a single withheld figure gets a second one, the audit
    runs, and every figure whose range is too narrow gets a partner in one of
    its sums (the cheapest across all of them); rounds repeat until the audit
    passes.

    ``eligible``: the cells secondary suppression may withhold (default all).
    ``costs``: cell -> tier (0 least informative, 1 ordinary, 2 headline;
    default 1). ``links``: cell -> figures that bound it (a row's weeks of
    care): withheld with a primary cell, and first when the audit finds a
    cell too narrow. ``bounds``: inequalities the audit respects.
    ``counts``: the cells that count children (primary suppression and the
    audit apply to them; default every cell).
    """
    bounds = list(bounds or [])
    for s in sums:
        for c in s.cells:
            if c not in values:
                raise KeyError(f"sum refers to unknown cell {c!r}")
    result = Suppression(primary=primary_cells(values, threshold, counts))
    if not result.primary or threshold <= 0:
        return result
    chooser = _Chooser(values, costs, eligible, links, sums)
    started = time.perf_counter()
    withheld = set()
    for cell in result.primary:
        withheld |= chooser.with_links(cell)
    for cells, group_sums, group_bounds in components(values, sums, bounds, links):
        hidden = withheld & cells
        if not hidden:
            continue
        # Withholding more can only widen a range, so a figure that passed stays passed:
        # after the first round only the weak and the newly withheld are audited again.
        passed: dict = {}
        for _ in range(max_rounds):
            hidden |= _close_single_gaps(values, group_sums, hidden, chooser, result.reasons)
            findings = audit(values, group_sums, hidden, only=hidden - set(passed), bounds=group_bounds,
                             counts=counts)
            weak = [r for r in findings if r.width < threshold]
            passed.update({r.cell: r for r in findings if r.width >= threshold})
            if not weak:
                result.audit.extend(passed.values())
                break
            added = set()
            for finding in weak:
                # One partner at a time in a sum: a partner added this round for another weak cell of the
                # same sum may already widen this one (the next round's audit says), so add no more here.
                if any(c in added for s in chooser.sums_of.get(finding.cell, ()) for c in s.cells):
                    continue
                # A linked figure that bounds the cell (its weeks of care) goes first; then a partner in a sum.
                linked = [c for c in chooser.links.get(finding.cell, ()) if c not in hidden | added]
                partners = {c for s in group_sums if finding.cell in s.cells for c in s.cells}
                choice = linked[0] if linked else chooser.cheapest(partners, hidden | added)
                if choice is not None:
                    result.reasons.setdefault(choice, finding.cell)
                    added.add(choice)
            if not added:
                cells_text = ", ".join(f"{r.cell} (range {r.low:g} to {r.high:g})" for r in weak)
                raise SuppressionFailed(f"cannot protect {cells_text}: nothing left to withhold",
                                        cells=[r.cell for r in weak])
            hidden |= added
        else:
            raise SuppressionFailed("secondary suppression did not settle")
        withheld |= hidden
    result.secondary = withheld - result.primary
    result.reasons = {cell: why for cell, why in result.reasons.items() if cell in result.secondary}
    result.audit.sort(key=lambda r: str(r.cell))
    result.audit_seconds = time.perf_counter() - started
    return result
