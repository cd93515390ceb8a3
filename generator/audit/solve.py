"""Solving: the smallest and largest value of each withheld figure (integer programmes)."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .common import UNBOUNDED, UNBOUNDED_MONEY, Key
from .model import Model, Row, describe


@dataclass
class Interval:
    key: Key
    low: float
    high: float
    integer: bool = True

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class Problem:
    """Published figures that contradict each other (or that the audit misreads)."""

    text: str
    sources: list[str]


class _Union:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


class _Reusable:
    """One HiGHS model per component, kept between solves (only the objective changes, so HiGHS starts
    from where it was). Uses scipy's bundled HiGHS bindings; ``Solver`` falls back to ``milp`` without them."""

    def __init__(self, a, low, high, lb, ub, integrality):
        from scipy.optimize._highspy import _core as h
        from scipy.sparse import csc_matrix

        matrix = csc_matrix(a)
        lp = h.HighsLp()
        lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = a.shape[1], a.shape[0]
        lp.a_matrix_.format_ = h.MatrixFormat.kColwise
        lp.col_cost_ = np.zeros(a.shape[1])
        lp.col_lower_, lp.col_upper_ = lb, ub
        lp.row_lower_, lp.row_upper_ = low, high
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
        lp.integrality_ = [h.HighsVarType(int(i)) for i in integrality]
        self.h = h
        self.highs = h._Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        if self.highs.passModel(lp) == h.HighsStatus.kError:
            raise ValueError("HiGHS refused the model")
        self.last = None

    def optimum(self, column: int, sign: float) -> float | None:
        if self.last is not None:
            self.highs.changeColCost(self.last, 0.0)
        self.highs.changeColCost(column, sign)
        self.last = column
        self.highs.run()
        if self.highs.getModelStatus() != self.h.HighsModelStatus.kOptimal:
            return None
        return float(self.highs.getSolution().col_value[column])


def _integral(x, integrality, tolerance: float = 1e-7) -> bool:
    chosen = x[integrality == 1]
    return bool(np.all(np.abs(chosen - np.round(chosen)) <= tolerance))


class Solver:
    """The model folded (published figures become constants) and split into independent components."""

    def __init__(self, model: Model, exclude: frozenset = frozenset()):
        self.model = model
        self.exclude = exclude
        self.problems: list[Problem] = []
        self.lb: dict[Key, float] = {}
        self.ub: dict[Key, float] = {}
        for key, var in model.vars.items():
            low, high = 0.0, UNBOUNDED if var.integer else UNBOUNDED_MONEY
            for source, lo, hi, _where in var.bounds:
                if source in exclude:
                    continue
                low, high = max(low, lo), min(high, hi)
            if var.integer:
                low, high = math.ceil(low - 1e-7), math.floor(high + 1e-7)
            if low > high + 1e-7:
                shown = ", ".join(f"{v:g} in {w}" for v, w in var.shown[:4])
                self.problems.append(Problem(f"{describe(key)}: published figures disagree ({shown})",
                                             sorted({b[0] for b in var.bounds})))
                high = low
            self.lb[key], self.ub[key] = low, high
        self.fixed = {k for k in model.vars if self.ub[k] - self.lb[k] < 1e-9}
        self.rows: list[tuple[dict, float, float, Row]] = []
        union = _Union()
        for row in model.rows:
            if row.source in exclude:
                continue
            free, constant = {}, 0.0
            for key, coef in row.terms:
                if key in self.fixed:
                    constant += coef * self.lb[key]
                else:
                    free[key] = free.get(key, 0.0) + coef
            low, high = row.low - constant, row.high - constant
            if not free:
                tolerance = 1e-6 * max(1.0, abs(constant))
                if low > tolerance or high < -tolerance:
                    self.problems.append(Problem(f"{row.where}: a published figure breaks '{row.source}' "
                                                 f"(off by {max(low, -high):g})", [row.source]))
                continue
            self.rows.append((free, low, high, row))
            keys = list(free)
            for k in keys[1:]:
                union.join(keys[0], k)
            union.find(keys[0])
        self.union = union
        self.components: dict = defaultdict(list)
        for index, (free, *_rest) in enumerate(self.rows):
            self.components[union.find(next(iter(free)))].append(index)

    def component_of(self, key: Key):
        if key in self.fixed or key not in self.union.parent:
            return None
        return self.union.find(key)

    def interval(self, key: Key, relax: bool = False) -> Interval:
        """Smallest and largest value of ``key`` (``relax``: the linear-programming relaxation)."""
        integer = self.model.vars[key].integer
        if key in self.fixed:
            return Interval(key, self.lb[key], self.ub[key], integer)
        root = self.component_of(key)
        if root is None:
            return self._interval(key, self.lb[key], self.ub[key], integer)
        return self._solve(root, key, relax)

    def _matrices(self, root):
        cached = getattr(self, "_cache", {})
        self._cache = cached
        if root in cached:
            return cached[root]
        indices = self.components[root]
        keys = sorted({k for i in indices for k in self.rows[i][0]}, key=str)
        position = {k: j for j, k in enumerate(keys)}
        a = np.zeros((len(indices), len(keys)))
        low, high = np.empty(len(indices)), np.empty(len(indices))
        for r, i in enumerate(indices):
            free, lo, hi, _row = self.rows[i]
            for k, c in free.items():
                a[r, position[k]] = c
            low[r], high[r] = lo - 1e-7, hi + 1e-7
        lb = np.array([self.lb[k] for k in keys])
        ub = np.array([self.ub[k] for k in keys])
        integrality = np.array([1 if self.model.vars[k].integer else 0 for k in keys])
        cached[root] = (keys, position, a, low, high, lb, ub, integrality)
        return cached[root]

    def _solve(self, root, key: Key, relax: bool) -> Interval:
        from scipy.optimize import Bounds, LinearConstraint, milp

        keys, position, a, low, high, lb, ub, integrality = self._matrices(root)
        integer = self.model.vars[key].integer
        if not relax:
            fast = self._reusable(root)
            if fast is not None:
                values = [fast.optimum(position[key], sign) for sign in (1.0, -1.0)]
                if None in values:
                    self.problems.append(Problem(f"{describe(key)}: no values fit every published figure",
                                                 self.sources(root)))
                    return Interval(key, self.lb[key], math.inf, integer)
                return self._interval(key, values[0], values[1], integer)
        bounds = []
        constraints = LinearConstraint(a, low, high)
        for sign in (1.0, -1.0):
            c = np.zeros(len(keys))
            c[position[key]] = sign
            # The linear relaxation first: when its optimum is already whole (as sums usually give), it is
            # the integer optimum too (the relaxation can only do better). Otherwise the integer programme.
            result = milp(c, integrality=np.zeros_like(integrality), bounds=Bounds(lb, ub), constraints=constraints)
            if not relax and result.x is not None and not _integral(result.x, integrality):
                result = milp(c, integrality=integrality, bounds=Bounds(lb, ub), constraints=constraints,
                              options={"presolve": True, "mip_rel_gap": 0})
            if result.status != 0 or result.x is None:
                self.problems.append(Problem(f"{describe(key)}: no values fit every published figure "
                                             f"({result.message})", self.sources(root)))
                return Interval(key, self.lb[key], math.inf, integer)
            bounds.append(result.x[position[key]])
        return self._interval(key, bounds[0], bounds[1], integer)

    @staticmethod
    def _interval(key, low_value, high_value, integer) -> Interval:
        if integer:
            low_value, high_value = round(low_value), round(high_value)
        if high_value >= (UNBOUNDED if integer else UNBOUNDED_MONEY) - 1:
            high_value = math.inf
        return Interval(key, low_value, high_value, integer)

    def _reusable(self, root):
        models = self.__dict__.setdefault("_models", {})
        if root not in models:
            try:
                models[root] = _Reusable(*self._matrices(root)[2:])
            except (ImportError, AttributeError, TypeError, ValueError):
                models[root] = None
        return models[root]

    def check(self, done: set) -> None:
        """Figures that hold no withheld one can still contradict each other (a share of a total printed as
        x in one table, another share of it in another): every component not solved for a withheld figure
        is checked to have any values at all (its linear relaxation: a contradiction of whole numbers
        alone is left to the components that are solved)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        for root in sorted(set(self.components) - done, key=str):
            keys, _position, a, low, high, lb, ub, _integrality = self._matrices(root)
            result = milp(np.zeros(len(keys)), integrality=np.zeros(len(keys)), bounds=Bounds(lb, ub),
                          constraints=LinearConstraint(a, low, high))
            if result.status == 2:  # infeasible
                where = sorted({self.rows[i][3].where for i in self.components[root]})
                self.problems.append(Problem(f"published figures contradict each other: {'; '.join(where[:6])}",
                                             self.sources(root)))

    def sources(self, root) -> list[str]:
        names = {self.rows[i][3].source for i in self.components.get(root, [])}
        keys = {k for i in self.components.get(root, []) for k, _ in self.rows[i][3].terms}
        names |= {b[0] for k in keys for b in self.model.vars[k].bounds}
        return sorted(names)
