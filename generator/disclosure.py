"""Disclosure control for a published year: which figures are withheld, everywhere.

1. **Which data cells are withheld.** Each year's tables are turned into
   cells (counts of children, placements, referrals) and the sums that link
   them (a breakdown adds up to its total; the rows and columns of a two-way
   table add up to the margins the statement publishes). ``suppress`` applies
   primary suppression (1 to the threshold), secondary suppression, and the
   linear-programming audit. Counts of carers, settings and places are not
   about children and are not suppressed.
2. **What depends on them.** Every figure and chart or table cell is computed
   on the true data and on two perturbed copies in which the withheld cells
   are shifted along a random direction that keeps every published total
   the same (the null space of the published sums). Anything that changes depends on a
   withheld cell and is shown as ``c``: a rate, a percentage, a change on
   last year, a summary sentence, a CSV cell. This needs no bookkeeping in the
   statistics: the dependency is observed, not declared.

Each year of history is protected by its own data alone, so a figure reads
the same in every later statement that shows it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from .dataset import Dataset, YearView
from .suppress import Sum, Suppression, suppress
from .values import Change, Figure, Namespace

#: Per table: the count columns protected, and how cells add up.
#: "total_row": (group column, total code); "two_way": (row column, column column);
#: "part_of": (numerator, denominator) pairs.
MODEL = {
    "looked_after": {"columns": ("children",), "total_row": ("breakdown", "category", "total", "all")},
    "starts_and_ceases": {"columns": ("children",), "group_total": ("movement", "reason", "all")},
    "placements_by_type_and_age": {"columns": ("children", "placements"), "two_way": ("placement_type", "age_band")},
    "placement_stability": {"columns": ("children", "cohort"), "part_of": ("children", "cohort")},
    "care_leavers": {"columns": ("children", "cohort"), "part_of": ("children", "cohort")},
    "spend_by_service": {"columns": ("children",), "two_way": ("service", "sector")},
    "commissioning_routes": {"columns": ("placements",), "two_way": ("service", "route")},
    "referrals": {"columns": ("referrals",), "two_way": ("month", "outcome")},
}

#: Two perturbed copies (two independent random directions).
PERTURBATIONS = ("first", "second")


@dataclass
class YearProtection:
    """The withheld cells of one year's data: (table, row index, column)."""

    year: int
    suppression: Suppression
    cells: dict = field(default_factory=dict)  # cell id -> value (including computed margins)
    shifts: list = field(default_factory=list)  # per perturbed copy: stored cell -> shift

    @property
    def withheld_data_cells(self) -> list[tuple[str, int, str]]:
        return sorted(c for c in self.suppression.withheld if c[0] != "margin")


def _cells_and_sums(tables: dict[str, pd.DataFrame]):
    values: dict = {}
    sums: list[Sum] = []
    stored: set = set()
    for name, model in MODEL.items():
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        for column in model["columns"]:
            if column not in frame.columns:
                continue
            cells = {}
            for index, value in frame[column].items():
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue
                cell = (name, int(index), column)
                values[cell] = int(round(float(value)))
                stored.add(cell)
                cells[index] = cell
            if "total_row" in model:
                group, code, total_group, total_code = model["total_row"]
                totals = frame.index[(frame[group] == total_group) & (frame[code] == total_code)]
                if len(totals) and totals[0] in cells:
                    total_cell = cells[totals[0]]
                    for _, rows in frame[frame[group] != total_group].groupby(group, sort=True):
                        parts = tuple(cells[i] for i in rows.index if i in cells)
                        if parts:
                            sums.append(Sum(total_cell, parts))
            if "group_total" in model:
                group, code, total_code = model["group_total"]
                for _, rows in frame.groupby(group, sort=True):
                    total_rows = rows.index[rows[code] == total_code]
                    if len(total_rows) and total_rows[0] in cells:
                        parts = tuple(cells[i] for i in rows.index if i in cells and i != total_rows[0])
                        sums.append(Sum(cells[total_rows[0]], parts))
            if "two_way" in model:
                row_key, col_key = model["two_way"]
                margins = {}
                for axis in (row_key, col_key):
                    for key, rows in frame.groupby(axis, sort=True):
                        parts = tuple(cells[i] for i in rows.index if i in cells)
                        margin = ("margin", name, column, axis, str(key))
                        values[margin] = sum(values[p] for p in parts)
                        margins.setdefault(axis, []).append(margin)
                        sums.append(Sum(margin, parts))
                grand = ("margin", name, column, "all", "all")
                values[grand] = sum(values[c] for c in cells.values())
                for axis_margins in margins.values():
                    sums.append(Sum(grand, tuple(axis_margins)))
            if "part_of" in model and column == model["part_of"][1]:
                numerator, denominator = model["part_of"]
                for index in frame.index:
                    top, bottom = (name, int(index), numerator), (name, int(index), denominator)
                    if top in values and bottom in values:
                        rest = ("margin", name, "complement", int(index))
                        values[rest] = values[bottom] - values[top]
                        sums.append(Sum(bottom, (top, rest)))
    return values, sums, stored


def protect_year(tables: dict[str, pd.DataFrame], year: int, threshold: int) -> YearProtection:
    """Suppression for one year's tables (its own data only), with the perturbations that test it."""
    values, sums, stored = _cells_and_sums(tables)
    result = suppress(values, sums, threshold)
    protection = YearProtection(year, result, values)
    protection.shifts = null_space_shifts(values, sums, result.withheld, stored, seed=year)
    return protection


def integer_null_space(rows: list[dict], columns: int) -> list[list[int]]:
    """An integer basis of the null space of a small sparse matrix (exact arithmetic).

    ``rows`` are {column: coefficient}. Gaussian elimination in fractions,
    then each basis vector scaled by the lowest common denominator.
    """
    from fractions import Fraction
    from math import lcm

    matrix = [{c: Fraction(v) for c, v in row.items() if v} for row in rows]
    pivots: list[tuple[int, dict]] = []
    for col in range(columns):
        pivot_row = next((r for r in matrix if r.get(col)), None)
        if pivot_row is None:
            continue
        matrix.remove(pivot_row)
        factor = pivot_row[col]
        pivot_row = {c: v / factor for c, v in pivot_row.items()}
        for other in matrix + [p for _, p in pivots]:
            k = other.get(col)
            if k:
                for c, v in pivot_row.items():
                    value = other.get(c, 0) - k * v
                    if value:
                        other[c] = value
                    else:
                        other.pop(c, None)
        pivots.append((col, pivot_row))
    pivot_cols = {col for col, _ in pivots}
    basis = []
    for free in range(columns):
        if free in pivot_cols:
            continue
        vector = [Fraction(0)] * columns
        vector[free] = Fraction(1)
        for col, row in pivots:
            vector[col] = -row.get(free, Fraction(0))
        scale = lcm(*(v.denominator for v in vector))
        basis.append([int(v * scale) for v in vector])
    return basis


def null_space_shifts(values: dict, sums: list[Sum], withheld: set, stored: set, seed: int,
                      copies: int = len(PERTURBATIONS), scale: int = 10) -> list[dict]:
    """Whole-number shifts of the withheld cells that leave every published figure and sum unchanged.

    The withheld cells can move only together, along directions that keep
    every sum whose total is published: the null space of those sums. A
    random whole-number combination of its basis (fixed seed: deterministic),
    times ten, moves every withheld cell a reader cannot pin down by at least
    ten (enough to move a rounded percentage of a few hundred children) and
    moves nothing a reader can see.
    """
    import random

    hidden = sorted(withheld, key=str)
    if not hidden:
        return [{} for _ in range(copies)]
    index = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for s in sums:
        if not any(c in index for c in s.cells):
            continue
        row: dict[int, int] = {}
        for c in s.parts:
            if c in index:
                row[index[c]] = row.get(index[c], 0) + 1
        if s.total in index:
            row[index[s.total]] = row.get(index[s.total], 0) - 1
        rows.append(row)
    basis = integer_null_space(rows, len(hidden))
    chooser = random.Random(seed)
    shifts = []
    for _ in range(copies):
        weights = [chooser.choice((-3, -2, -1, 1, 2, 3)) for _ in basis]
        direction = [sum(w * v[i] for w, v in zip(weights, basis) if v[i]) for i in range(len(hidden))]
        # Some cells cancel out by chance: add a basis vector that moves each such cell,
        # with a weight that stops no other cell from moving.
        for i in range(len(hidden)):
            if direction[i] != 0:
                continue
            for vector in basis:
                if vector[i] == 0:
                    continue
                weight = next((w for w in (1, -1, 2, -2, 3, -3, 5, -5, 7, -7)
                               if all(direction[j] + w * vector[j] != 0 for j in range(len(hidden))
                                      if direction[j] != 0 or j == i)), None)
                if weight is not None:
                    direction = [d + weight * v for d, v in zip(direction, vector)]
                    break
            else:
                raise ValueError(f"withheld figure {hidden[i]} cannot move: it can be worked out")
        shifts.append({cell: float(scale * direction[index[cell]]) for cell in hidden if cell in stored})
    return shifts


def perturbed_tables(tables: dict[str, pd.DataFrame], shifts: dict) -> dict[str, pd.DataFrame]:
    shifted = {name: frame.copy() for name, frame in tables.items()}
    for (name, index, column), amount in sorted(shifts.items(), key=lambda item: str(item[0])):
        frame = shifted[name]
        if frame[column].dtype.kind != "f":
            frame[column] = frame[column].astype("float64")
        frame.loc[index, column] = float(frame.loc[index, column]) + amount
    return shifted


def _protect_one(args) -> YearProtection:
    return protect_year(*args)


class Protector:
    """Disclosure control for a whole dataset, one year of history at a time."""

    def __init__(self, dataset: Dataset, threshold: int):
        self.dataset = dataset
        self.threshold = threshold
        self.years: dict[int, YearProtection] = {}

    def year(self, year: int) -> YearProtection:
        if year not in self.years:
            self.years[year] = protect_year(self.dataset.years[year], year, self.threshold)
        return self.years[year]

    def prepare(self, years: list[int], pool_map=map) -> None:
        """Protect every year of data up to the latest of ``years`` (``pool_map`` may run them in parallel)."""
        needed = [y for y in sorted(self.dataset.years) if y <= max(years) and y not in self.years]
        for protection in pool_map(_protect_one, [(self.dataset.years[y], y, self.threshold) for y in needed]):
            self.years[protection.year] = protection

    def views(self, year: int) -> tuple[YearView, list[YearView]]:
        """The true view of ``year`` and its perturbed copies."""
        view = self.dataset.view(year)
        copies = []
        for copy in range(len(PERTURBATIONS)):
            history = {y: perturbed_tables(t, self.year(y).shifts[copy]) for y, t in view.history.items()}
            copies.append(YearView(year, history[year], history, view.reference, view.authority))
        return view, copies


# ---------------------------------------------------------------------------
# Masking: compare the true result with the perturbed ones
# ---------------------------------------------------------------------------


def _same(a, b) -> bool:
    if isinstance(a, Figure) and isinstance(b, Figure):
        return a.symbol == b.symbol and _same(a.value, b.value)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-9)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _withhold(value):
    if isinstance(value, Figure):
        return value.withheld("c") if value.shown else value
    if isinstance(value, Change):
        return Change(value.current.withheld("c") if value.current.shown else value.current, value.previous,
                      value.since)
    if isinstance(value, str):
        return "c"
    if isinstance(value, (int, float)):
        return Figure(None, "number", "c")
    return value


def mask_context(true, perturbed: list):
    """The context with every value that depends on a withheld cell shown as ``c``."""
    if isinstance(true, dict):
        out = Namespace() if isinstance(true, Namespace) else {}
        for key, value in true.items():
            out[key] = mask_context(value, [p.get(key) if isinstance(p, dict) else None for p in perturbed])
        return out
    if isinstance(true, (list, tuple)):
        items = [mask_context(v, [p[i] if isinstance(p, (list, tuple)) and len(p) > i else None for p in perturbed])
                 for i, v in enumerate(true)]
        return type(true)(items) if isinstance(true, tuple) else items
    if isinstance(true, Change):
        if all(isinstance(p, Change) and _same(true.current, p.current) and _same(true.previous, p.previous)
               for p in perturbed):
            return true
        return _withhold(true)
    if all(_same(true, p) for p in perturbed):
        return true
    return _withhold(true)


def _is_numeric_column(series: pd.Series) -> bool:
    return any(isinstance(v, (int, float, Figure)) and not isinstance(v, bool) for v in series)


def mask_frame(true: pd.DataFrame, perturbed: list[pd.DataFrame], units: dict | None = None,
               keep=()) -> pd.DataFrame:
    """The frame with every cell that depends on a withheld cell replaced by a ``c`` figure.

    Rows are matched by their text columns (so a frame sorted by value still
    lines up); a row that cannot be matched has all its numbers withheld.
    ``keep``: (row position, column) cells left as they are (a model's estimates).
    """
    units = units or {}
    keep = set(keep)
    out = true.copy().astype(object)
    out.attrs = dict(true.attrs)
    numeric = [c for c in true.columns if _is_numeric_column(true[c])]
    keys = [c for c in true.columns if c not in numeric]
    for other in perturbed:
        aligned = _align(true, other, keys)
        for column in true.columns:
            for position in range(len(true)):
                if (position, column) in keep:
                    continue
                a = true.iloc[position][column]
                b = None if aligned is None or aligned[position] is None or column not in other.columns else \
                    other.iloc[aligned[position]][column]
                if aligned is not None and aligned[position] is not None and _same(a, b):
                    continue
                if column in numeric:
                    kind = units.get(column, "count")
                    out.iat[position, out.columns.get_loc(column)] = Figure(None, kind if kind in (
                        "count", "number", "rate", "percent", "money", "weeks", "ratio") else "number", "c")
                elif column not in keys:
                    out.iat[position, out.columns.get_loc(column)] = "c"
    return out


def _align(true: pd.DataFrame, other: pd.DataFrame, keys: list[str]):
    """For each row of ``true``, the position of the matching row of ``other`` (or None)."""
    if list(true.columns) != list(other.columns):
        return None
    if not keys:
        return list(range(len(true))) if len(true) == len(other) else None
    def key_of(frame, i):
        return tuple(str(frame.iloc[i][k]) for k in keys)
    positions = {}
    for i in range(len(other)):
        positions.setdefault(key_of(other, i), []).append(i)
    result = []
    for i in range(len(true)):
        matches = positions.get(key_of(true, i), [])
        result.append(matches.pop(0) if matches else None)
    return result


def summary_text(output, true_frame: pd.DataFrame, perturbed_frames: list[pd.DataFrame]) -> str | None:
    """The summary sentence, or a neutral one if the sentence depends on withheld figures."""
    if output.summary is None:
        return None
    text = output.summary(true_frame)
    try:
        same = all(output.summary(p) == text for p in perturbed_frames)
    except Exception:  # a summary that cannot read perturbed figures is treated as dependent
        same = False
    if same:
        return text
    return (f"{output.title}: some figures are withheld (shown as c) to protect children's privacy; "
            "the table below gives every figure that can be published.")


#: Template names that are the transition model's estimates (simulated, rounded: they cannot be worked back
#: to counts), left as they are when that model made the forecast. Everything else, the backtest's errors
#: and the trend method's figures included, is masked where it depends on a withheld count.
MODELLED_NAMES = ("forecast", "scenario", "projected_spend", "gap")


def protected_context(build_context, view: YearView, copies: list[YearView]):
    """The template names with every figure that depends on a withheld count shown as ``c``."""
    true = build_context(view)
    masked = mask_context(true, [build_context(c) for c in copies])
    forecast = true.get("forecast")
    if isinstance(forecast, dict) and forecast.get("method_code") == "transition":
        for name in MODELLED_NAMES:
            if name in true:
                masked[name] = true[name]
    return masked


def protected_output(output, view: YearView, copies: list[YearView]):
    """An output's frame for publication, and the output with a safe summary."""
    true_frame = output.frame(view)
    perturbed_frames = [output.frame(c) for c in copies]
    masked = mask_frame(true_frame, perturbed_frames, output.units, keep=true_frame.attrs.get("modelled_cells", ()))
    text = summary_text(output, true_frame, perturbed_frames)
    safe = replace(output, summary=(lambda frame, _t=text: _t)) if output.summary is not None else output
    return safe, masked


def suppression_summary(protections: list[YearProtection]) -> str:
    """A sentence for the methods page: cells withheld, primary and secondary, audit."""
    primary = sum(len(p.suppression.primary) for p in protections)
    secondary = sum(len(p.suppression.secondary) for p in protections)
    audited = sum(len(p.suppression.audit) for p in protections)
    narrowest = min((r.width for p in protections for r in p.suppression.audit), default=None)
    text = (f"In the data behind this statement, {primary} figures were withheld because they were from 1 to "
            f"the threshold (primary suppression) and {secondary} more so that they could not be worked out "
            f"from totals (secondary suppression).")
    if audited:
        text += (f" An audit solved, for each of the {audited} withheld figures, the smallest and largest "
                 f"value it could take given every published figure; the narrowest range was "
                 f"{narrowest:g}, no narrower than the threshold.")
    return text
