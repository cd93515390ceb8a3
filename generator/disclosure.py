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
   statistics: the dependency is observed, not declared. Each template name and
   each output is worked out on a copy only if the true computation read a table
   the copy moved (``dataset.reading`` records every table a computation reads
   through its view, the view's cached results included; a read by any other way
   counts as reading everything): otherwise the copy's result is the true one
   (``on_copies``), which is what working it out again would give.

3. **Shares published without their counts.** A council may type a breakdown's
   shares as published (``percent``) with no count beside them; nothing moves such
   a row. Where the group's total is known, a share whose count could be from 1 to
   the threshold (the printed percentage give or take half its last decimal, times
   the total) is withheld, and so is every other share of its group given without a
   count (they and 100% would give it back); a measure of a cohort (stability, care
   leavers) given as a share of its printed cohort is withheld where its count, or the
   rest of the cohort, could be that small: ``percent_only_withheld``. They are
   blanked in every perturbed copy, so they show as ``c`` wherever they appear.

Each year of history is protected by its own data alone, so a figure reads
the same in every later statement that shows it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import contract
from .attrs import attr
from .categories import of as categories_of
from .context import add_names
from .dataset import DECLARED, EVERYTHING, Dataset, YearView, reading
from .frames import records
from .suppress import Bound, Sum, Suppression, suppress
from .values import Change, Figure, Namespace

#: The tables whose counts are protected, and how their cells add up: declared once, in the contract.
PROTECTED_TABLES = {table.name: table.protection for table in contract.TABLES if table.protection is not None}


def protected_tables(declared: dict | None = None) -> dict[str, contract.Table]:
    """Every table whose counts are protected: the contract's, then those a council declared with counts of
    children (``declared.py``: their schema becomes the same ``Protection``), by name."""
    tables = {name: contract.TABLES_BY_NAME[name] for name in PROTECTED_TABLES}
    for name, table in sorted((declared or {}).items()):
        if table.protection is not None and name not in tables:
            tables[name] = table
    return tables

#: Two perturbed copies (two independent random directions).
PERTURBATIONS = ("first", "second")


@dataclass
class YearProtection:
    """The withheld cells of one year's data: (table, row index, column)."""

    year: int
    suppression: Suppression
    cells: dict = field(default_factory=dict)  # cell id -> value (including computed margins)
    shifts: list = field(default_factory=list)  # per perturbed copy: stored cell -> shift
    headline: dict = field(default_factory=dict)  # headline cell -> a reader's label for it
    labels: dict = field(default_factory=dict)  # data cell -> a reader's description
    counts: set = field(default_factory=set)  # cells that count children (weeks of care are not)
    #: Shares published without counts that are withheld: ("percent", table, row index) -> a reader's label.
    percents: dict = field(default_factory=dict)

    @property
    def withheld_data_cells(self) -> list[tuple[str, int, str]]:
        return sorted(c for c in self.suppression.withheld if c[0] != "margin")

    @property
    def withheld_headline(self) -> list[tuple[str, str]]:
        """(headline figure, why) for every headline figure withheld this year."""
        found = []
        for cell in sorted(self.headline, key=str):
            if cell in self.suppression.primary:
                found.append((self.headline[cell], "it is from 1 to the threshold"))
            elif cell in self.suppression.secondary:
                why = self.suppression.reasons.get(cell)
                found.append((self.headline[cell], f"it would give away “{self.labels.get(why, 'a small figure')}”"
                              if why is not None else "nothing else could protect a small figure"))
        return found


@dataclass
class _Cells:
    values: dict = field(default_factory=dict)
    sums: list = field(default_factory=list)
    stored: set = field(default_factory=set)
    counts: set = field(default_factory=set)  # cells that count children (margins included)
    costs: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    bounds: list = field(default_factory=list)
    headline: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    #: Totals a reader is taken to know (``Protection.totals_known``): never withheld to protect a part.
    known: set = field(default_factory=set)


def _matches(row, pattern: dict) -> bool:
    return all(str(row[column]) == code for column, code in pattern.items())


def _row_label(table: contract.Table, row, key: tuple[str, ...], column: str) -> str:
    """A reader's name for a cell: "Children looked after at 31 March: placed for adoption"."""
    words = []
    for k in key:
        if k not in row or k == "breakdown" or (k == "period" and not isinstance(row[k], str)):
            continue
        if k == "period":
            words.append(row[k])
            continue
        codes = contract.codes_for(table, table.column(k), row) or {}
        words.append(codes.get(str(row[k]), str(row[k])))
    label = f"{table.title}: {', '.join(w[0].lower() + w[1:] if w[:2] != w[:2].upper() else w for w in words)}"
    if column not in ("children",):
        label += f" ({table.column(column).description.lower()})" if column in table.column_names else ""
    return label


def _as_code(value) -> str:
    """A key cell as a code: a declared table's text (``Not known``, ``Other``) reads as the contract's codes."""
    return "_".join(str(value).strip().lower().split())


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


def _cells_and_sums(tables: dict[str, pd.DataFrame], declared: dict | None = None) -> _Cells:
    """``declared``: the year's declared tables (name -> ``contract.Table``) whose schema counts children."""
    out = _Cells()
    for name, table in protected_tables(declared).items():
        model = table.protection
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        code_columns = [c for c in table.key if c in frame.columns]
        by_row: dict = {}
        row_cells = records(frame)  # each row's cells by column, read once (not a row of the frame a cell)
        for column in (*model.counts, *model.linked):
            if column not in frame.columns:
                continue
            is_count = column in model.counts
            cells = {}
            for position, (index, value) in enumerate(frame[column].items()):
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue
                cell = (name, int(index), column)
                row = row_cells[position]
                out.values[cell] = int(round(float(value))) if is_count else float(value)
                out.stored.add(cell)
                cells[index] = cell
                by_row.setdefault(index, []).append(cell)
                out.labels[cell] = _row_label(table, row, table.key, column)
                if is_count:
                    out.counts.add(cell)
                    least = any(_as_code(row[k]) in contract.LEAST_INFORMATIVE_CODES for k in code_columns)
                    headline = any(_matches(row, p) for p in model.headline)
                    out.costs[cell] = 2 if headline else 0 if least else 1
                    if headline:
                        out.headline[cell] = out.labels[cell]
            # Each part (``Protection.apart``: each period of a flow table) adds up on its own.
            for apart, piece in _apart(frame, model.apart):
                within = f" ({', '.join(a for a in apart if a)})" if any(apart) else ""
                part_cells = tuple(cells[i] for i in piece.index if i in cells)
                if model.total_row:
                    group, code, total_group, total_code = model.total_row
                    totals = piece.index[(piece[group] == total_group) & (piece[code] == total_code)]
                    if len(totals) and totals[0] in cells:
                        total_cell = cells[totals[0]]
                        for _, rows in piece[piece[group] != total_group].groupby(group, sort=True):
                            parts = tuple(cells[i] for i in rows.index if i in cells)
                            if parts:
                                out.sums.append(Sum(total_cell, parts))
                if model.group_total:
                    group, code, total_code = model.group_total
                    # No group column (a declared table of one key column): the whole table is the one group.
                    groups = piece.groupby(group, sort=True) if group else [(None, piece)]
                    for _, rows in groups:
                        total_rows = rows.index[rows[code].astype(str) == str(total_code)]
                        if len(total_rows) and total_rows[0] in cells:
                            parts = tuple(cells[i] for i in rows.index if i in cells and i != total_rows[0])
                            if parts:  # a total printed alone (a quarter's starts) adds nothing up
                                out.sums.append(Sum(cells[total_rows[0]], parts))
                            if model.totals_known and is_count:
                                out.known.add(cells[total_rows[0]])
                if model.two_way:
                    margins = {}
                    for axis in model.two_way:
                        for key, rows in piece.groupby(axis, sort=True):
                            parts = tuple(cells[i] for i in rows.index if i in cells)
                            if not parts:
                                # No row has the figure (Bromley's children): nothing is published to add up,
                                # and a margin of 0 would bound its weeks of care to 0 (an audit with no answer).
                                continue
                            margin = ("margin", name, column, axis, str(key), *apart)
                            out.values[margin] = sum(out.values[p] for p in parts)
                            out.labels[margin] = f"{table.title}: all of {key}{within} ({column.replace('_', ' ')})"
                            margins.setdefault(axis, []).append(margin)
                            out.sums.append(Sum(margin, parts))
                            if is_count:
                                out.counts.add(margin)
                                out.costs[margin] = 2  # totals a reader sees: the last resort
                                if model.totals_known:
                                    out.known.add(margin)
                    grand = ("margin", name, column, "all", "all", *apart)
                    if part_cells:
                        out.values[grand] = sum(out.values[c] for c in part_cells)
                        out.labels[grand] = f"{table.title}: total{within} ({column.replace('_', ' ')})"
                        if is_count:
                            out.counts.add(grand)
                            out.costs[grand] = 2
                            if model.totals_known:
                                out.known.add(grand)
                        for axis_margins in margins.values():
                            out.sums.append(Sum(grand, tuple(axis_margins)))
                _council_group_sums(out, name, table, piece, cells, column, is_count, apart, within,
                                    categories_of(frame))
                unstructured = not (model.two_way or model.group_total or model.total_row)
                if model.totals_known and is_count and part_cells and unstructured:
                    # A declared table of one key column with no total row: its total is taken as known.
                    grand = ("margin", name, column, "all", "all", *apart)
                    out.values[grand] = sum(out.values[c] for c in part_cells)
                    out.labels[grand] = f"{table.title}: total{within} ({column.replace('_', ' ')})"
                    out.counts.add(grand)
                    out.costs[grand] = 2
                    out.known.add(grand)
                    out.sums.append(Sum(grand, part_cells))
                if model.part_of and column == model.part_of[1]:
                    numerator, denominator = model.part_of
                    for index in piece.index:
                        top, bottom = (name, int(index), numerator), (name, int(index), denominator)
                        if top in out.values and bottom in out.values:
                            rest = ("margin", name, "complement", int(index))
                            out.values[rest] = out.values[bottom] - out.values[top]
                            out.labels[rest] = out.labels[top] + " (those not meeting the measure)"
                            out.counts.add(rest)
                            out.costs[rest] = out.costs.get(top, 1)
                            out.sums.append(Sum(bottom, (top, rest)))
        # A printed total or group row whose rows lack the figure (Bromley's 453 children) is
        # published as printed: a count of its own, withheld when small.
        for position, (_, record) in enumerate(attr(frame, "totals") or []):
            for column in model.counts:
                value = record.get(column)
                if not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
                    continue
                from .subtotals import covered

                rows = covered(frame, record, table)
                if rows and all(_is_number(r.get(column)) for r in rows):
                    continue  # checked against its rows and follows them (perturbed_tables)
                cell = ("printed", name, position, column)
                out.values[cell] = int(round(float(value)))
                out.stored.add(cell)
                out.counts.add(cell)
                out.costs[cell] = 2
                out.labels[cell] = f"{table.title}: " + ", ".join(
                    str(record.get(k)) for k in table.key if k in record) + " (as printed)"
        # A row's linked figures (weeks of care) go with its counts; bounds tie them.
        for index, row_cells in by_row.items():
            linked = [c for c in row_cells if c[2] in model.linked]
            for cell in row_cells:
                if cell[2] in model.counts and linked:
                    out.links[cell] = tuple(linked)
            for linked_column, count_column, most in model.bounds:
                pair = (name, int(index), linked_column), (name, int(index), count_column)
                if all(c in out.values for c in pair):
                    out.bounds.append(Bound(pair[0], pair[1], most))
        if model.two_way and model.linked:
            for linked_column in model.linked:
                for count_column in model.counts:
                    for margin in [m for m in out.values if m[0] == "margin" and m[1] == name and m[2] == count_column]:
                        partner = ("margin", name, linked_column, *margin[3:])
                        if partner in out.values:
                            out.links.setdefault(margin, ())
                            out.links[margin] = (*out.links[margin], partner)
                            most = next((m for lc, cc, m in model.bounds if lc == linked_column and cc == count_column),
                                        None)
                            if most is not None:
                                out.bounds.append(Bound(partner, margin, most))
    return out


def council_groups(categories, dimension: str) -> dict[str, tuple[str, ...]]:
    """Each group of a council's own categories of ``dimension`` (``categories.py``) -> its leaves: Bromley's
    in-house fostering is its in-house long-term and short-term fostering. A sum of the same leaves is listed
    once. A DfE category two or more of the council's lie within (its four foster placement types make the
    DfE's foster placement with other foster carer) is not taken as one here: with them, secondary suppression
    withheld sums the other sums already fix (Bromley at threshold 5), and the published audit finds nothing
    narrowed through them."""
    found: dict[tuple[str, ...], str] = {}
    for group in categories.groups(dimension):
        leaves = tuple(c for c in categories.leaves(dimension, group) if not categories.is_group(dimension, c))
        found.setdefault(leaves, group)
    return {group: leaves for leaves, group in found.items() if len(leaves) > 1}


def _council_group_sums(out: _Cells, name: str, table: contract.Table, piece: pd.DataFrame, cells: dict,
                        column: str, is_count: bool, apart: tuple, within: str, categories) -> None:
    """The sums of a council's own groups of categories (issue 9), as published sums: a group's subtotal is
    printed (a group row of its table, a group-subtotal measure in the narrative: "in-house fostering 175"),
    so a reader may know it, for each value of the table's other key columns and, for a two-way table, over
    the other axis too. Each is taken as published whether it is printed or not (the conservative reading),
    so secondary suppression protects a small count against it as against any margin."""
    from .categories import dimension_of

    if not categories:
        return
    model = table.protection
    codes = [k for k in table.key if k in piece.columns and table.column(k).type == "code"]
    for k in codes:
        others = [o for o in table.key if o != k and o in piece.columns]
        buckets: dict[tuple, dict[str, list]] = {}
        for index, row in zip(piece.index, records(piece)):
            dimension = dimension_of(table.column(k), row)
            if dimension is None or index not in cells or not categories.local(dimension):
                continue
            bucket = (dimension, tuple(str(row[o]) for o in others))
            buckets.setdefault(bucket, {}).setdefault(str(row[k]), []).append(cells[index])
        overall: dict[tuple, list] = {}
        for (dimension, other), by_code in sorted(buckets.items()):
            for group, leaves in council_groups(categories, dimension).items():
                parts = tuple(cell for leaf in leaves for cell in by_code.get(leaf, ()))
                if not parts:
                    continue
                margin = ("margin", name, column, "group", k, dimension, group, other, *apart)
                words = [categories.label(dimension, group), *(w for w in other if w != "nan")]
                _group_sum(out, margin, parts, f"{table.title}: {', '.join(words)}{within} "
                           f"({column.replace('_', ' ')})", is_count)
                overall.setdefault((dimension, group), []).append(margin)
        if model.two_way and k in model.two_way:
            for (dimension, group), margins in sorted(overall.items()):
                margin = ("margin", name, column, "group", k, dimension, group, ("all",), *apart)
                _group_sum(out, margin, tuple(margins), f"{table.title}: {categories.label(dimension, group)}"
                           f"{within} ({column.replace('_', ' ')})", is_count)
                # ... which is also the sum of its members' own margins (their row totals)
                rows = tuple(("margin", name, column, k, leaf, *apart) for leaf in council_groups(
                    categories, dimension)[group])
                rows = tuple(m for m in rows if m in out.values)
                if rows:
                    out.sums.append(Sum(margin, rows))


def _group_sum(out: _Cells, margin: tuple, parts: tuple, label: str, is_count: bool) -> None:
    """A sum a reader may know, as a two-way table's margins: withheld to protect a part only as a last resort
    (cost 2), and then shown as ``c`` wherever it is printed (it moves in the perturbed copies)."""
    out.values[margin] = sum(out.values[p] for p in parts)
    out.labels[margin] = label
    out.sums.append(Sum(margin, parts))
    if is_count:
        out.counts.add(margin)
        out.costs[margin] = 2


def _apart(frame: pd.DataFrame, columns: tuple[str, ...]):
    """(key, rows) for each value of the ``apart`` columns (a blank value, the whole year, is one too): rows that
    add up only among themselves. The whole frame, key (), when there are none."""
    columns = [c for c in columns if c in frame.columns]
    if not columns:
        yield (), frame
        return
    for key, rows in frame.groupby(columns, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        yield tuple("" if isinstance(k, float) and math.isnan(k) else str(k) for k in key), rows


def _number(value) -> float | None:
    """A frame cell as a float; None when blank."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _half_step(percent: float) -> float:
    """Half the last printed decimal of a published percentage: 2 (or 2.0: the wider reading) is 1.5 to 2.5,
    10.7 is 10.65 to 10.75."""
    digits = f"{percent:.6f}".rstrip("0").split(".")[1]
    return 0.5 * 10 ** -len(digits)


def _percent_groups(piece: pd.DataFrame, model: contract.Protection):
    """(total count or None, the group's other rows) for each group of one ``apart`` part of a table."""
    if model.total_row:
        group, code, total_group, total_code = model.total_row
        totals = piece.index[(piece[group].astype(str) == total_group) & (piece[code].astype(str) == total_code)]
        total = _number(piece.at[totals[0], model.counts[0]]) if len(totals) else None
        for _, rows in piece[piece[group].astype(str) != total_group].groupby(group, sort=True):
            yield total, rows
    elif model.group_total:
        group, code, total_code = model.group_total
        for _, rows in (piece.groupby(group, sort=True) if group else [(None, piece)]):
            totals = rows.index[rows[code].astype(str) == str(total_code)]
            total = _number(rows.at[totals[0], model.counts[0]]) if len(totals) else None
            yield total, rows.drop(index=totals)


def percent_only_withheld(tables: dict[str, pd.DataFrame], threshold: int,
                          declared: dict | None = None) -> dict[tuple, str]:
    """The shares a council published without their counts (``percent`` with the count blank) that are withheld:
    ("percent", table, row index) -> a reader's label. Nothing when the threshold is 0.

    For each group of a table (a breakdown of children looked after, a movement of starts and ceases; each
    ``Protection.apart`` part on its own) whose total count is given, a share is a small count when its count
    could be from 1 to the threshold: the printed percentage give or take half its last decimal, times the
    total, over 100 (2% of 168 children is 2.5 to 4.2 children). A share whose count can only be 0 is not
    small. If any share of a group is small, it and every other share of the group given without a count are
    withheld: those and 100% would give it back. A measure of a cohort (``part_of``: stability, care leavers)
    given as a share of its printed cohort is withheld where its count, or the cohort less its count, could be
    from 1 to the threshold (10% of 30 children is 2.85 to 3.15). Rows with counts are protected by suppression
    as counts."""
    found: dict[tuple, str] = {}
    if threshold <= 0:
        return found
    for name, table in protected_tables(declared).items():
        model = table.protection
        frame = tables.get(name)
        if frame is None or frame.empty or "percent" not in frame.columns or not model.counts:
            continue
        if model.part_of and all(c in frame.columns for c in model.part_of):
            # A measure of a cohort (stability, care leavers): the share and the printed cohort give the
            # count away, and its complement (the cohort less the count) too.
            numerator, denominator = model.part_of
            for index in frame.index:
                share, cohort = _number(frame.at[index, "percent"]), _number(frame.at[index, denominator])
                if _number(frame.at[index, numerator]) is not None or share is None or cohort is None:
                    continue
                half = _half_step(share)
                low, high = (share - half) * cohort / 100, (share + half) * cohort / 100
                ranges = ((low, high), (cohort - high, cohort - low))  # the count, and the rest of the cohort
                if any(top >= 1 and bottom <= threshold for bottom, top in ranges):
                    found[("percent", name, int(index))] = _row_label(
                        table, frame.loc[index], table.key, numerator) + " (percentage as published)"
            continue
        if model.counts[0] not in frame.columns or not (model.total_row or model.group_total):
            continue
        count = model.counts[0]
        for _, piece in _apart(frame, model.apart):
            for total, rows in _percent_groups(piece, model):
                if total is None:
                    continue
                only = [(i, _number(rows.at[i, "percent"])) for i in rows.index
                        if _number(rows.at[i, count]) is None and _number(rows.at[i, "percent"]) is not None]
                small = any((p + _half_step(p)) * total / 100 >= 1
                            and (p - _half_step(p)) * total / 100 <= threshold for _, p in only)
                if small:
                    for index, _ in only:
                        found[("percent", name, int(index))] = _row_label(
                            table, frame.loc[index], table.key, count) + " (percentage as published)"
    return found


def protect_year(tables: dict[str, pd.DataFrame], year: int, threshold: int,
                 declared: dict | None = None) -> YearProtection:
    """Suppression for one year's tables (its own data only), with the perturbations that test it.

    ``declared``: the year's declared tables (name -> ``contract.Table``); those whose schema counts children
    are protected with the contract's. A total a reader is taken to know (``Protection.totals_known``) is
    never a partner; where a small count cannot be protected without one, the build stops and says which."""
    from .problems import BuildError, Problem
    from .suppress import SuppressionFailed

    cells = _cells_and_sums(tables, declared)
    eligible = set(cells.values) - cells.known if cells.known else None
    try:
        result = suppress(cells.values, cells.sums, threshold, costs=cells.costs, links=cells.links,
                          bounds=cells.bounds, counts=cells.counts, eligible=eligible)
    except SuppressionFailed as exc:
        tables_named = sorted({c[1] if c[0] in ("margin", "printed") else c[0] for c in cells.known})
        named = [cells.labels[c] for c in exc.cells if c in cells.labels]
        what = "; ".join(named) + ": nothing left to withhold" if named and len(named) == len(exc.cells) else exc
        raise BuildError([Problem(
            "suppression-failed", f"small counts of {year} cannot be protected: {what}", file=f"data/{year}",
            hint=("a reader is taken to know the totals of " + ", ".join(tables_named) + " (declared tables), so a "
                  "group whose total is small cannot hide its small counts: merge small categories into 'other' "
                  "or leave the table out") if tables_named else None)], stage="data") from exc
    protection = YearProtection(year, result, cells.values, headline=cells.headline, labels=cells.labels,
                                counts=cells.counts)
    protection.shifts = null_space_shifts(cells.values, cells.sums, result.withheld, cells.stored, seed=year,
                                          counts=cells.counts)
    protection.percents = percent_only_withheld(tables, threshold, declared)
    for shift in protection.shifts:  # blanked in every copy (``perturbed_tables``): shown as c everywhere
        shift.update({cell: 0.0 for cell in sorted(protection.percents, key=str)})
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
        vector: list = [0] * columns  # whole numbers and fractions (an int has numerator and denominator too)
        vector[free] = 1
        for col, row in pivots:
            if free in row:
                vector[col] = -row[free]
        scale = lcm(*{v.denominator for v in vector})
        basis.append([v.numerator * (scale // v.denominator) for v in vector])  # int(v * scale), exactly
    return basis


def null_space_shifts(values: dict, sums: list[Sum], withheld: set, stored: set, seed: int,
                      copies: int = len(PERTURBATIONS), scale: int = 10, counts: set | None = None) -> list[dict]:
    """Whole-number shifts of the withheld cells that leave every published figure and sum unchanged.

    The withheld cells can move only together, along directions that keep
    every sum whose total is published: the null space of those sums. A
    random whole-number combination of its basis (fixed seed: deterministic),
    times ten, moves every withheld cell a reader cannot pin down by at least
    ten (enough to move a rounded percentage of a few hundred children) and
    moves nothing a reader can see. A withheld count that cannot move is an
    error (the audit should have caught it); a withheld linked figure (weeks
    of care) that cannot move stays where it is.
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
                if counts is not None and hidden[i] not in counts:
                    continue  # a linked figure (weeks of care) a reader can work out: the counts' audit allows for it
                raise ValueError(f"withheld figure {hidden[i]} cannot move: it can be worked out")
        shifts.append({cell: float(scale * direction[index[cell]]) for cell in hidden if cell in stored})
    return shifts


def perturbed_tables(tables: dict[str, pd.DataFrame], shifts: dict) -> dict[str, pd.DataFrame]:
    """The tables with the withheld cells moved by ``shifts``.

    Figures a council typed as published beside the counts follow them: a row's printed
    percentage (``percent``) or rate per 10,000 (``rate_per_10000``) is blanked where its count moves,
    and a printed total or group row (``frame.attrs["totals"]``) is blanked, in every column, where a
    row it adds up moves. The statistics then work them out from the moved counts, so a figure drawn
    from a printed percentage, rate or total of withheld children differs between the copies and is
    withheld too (a rate with the population gives the count away). A share published without its
    count that is withheld (``("percent", table, row index)``: ``percent_only_withheld``) is blanked.
    """
    import copy

    # A table nothing moves in is the true one, shared (issue 14: copying every table of every year was
    # a good part of the preview's rebuild).
    touched = {key[1] if key[0] in ("printed", "percent") else key[0] for key in shifts}
    shifted = {name: frame.copy() if name in touched else frame for name, frame in tables.items()}
    moved: dict[str, set] = {}
    printed_shifts: dict[str, dict] = {}
    by_column: dict[tuple[str, str], list] = {}
    shares: dict[str, set] = {}
    for key, amount in sorted(shifts.items(), key=lambda item: str(item[0])):
        if key[0] == "percent":  # a share published without its count, withheld (``percent_only_withheld``)
            shares.setdefault(key[1], set()).add(key[2])
            continue
        if key[0] == "printed":  # a printed total standing alone: ("printed", table, position, column)
            _, name, position, column = key
            printed_shifts.setdefault(name, {})[(position, column)] = amount
            continue
        name, index, column = key
        by_column.setdefault((name, column), []).append((index, amount))
        moved.setdefault(name, set()).add(index)
    for (name, column), moves in by_column.items():
        # One column at a time, as numbers (issue 14: a ``loc`` assignment a cell was most of the copies' cost).
        frame = shifted[name]
        values = frame[column].astype("float64").to_numpy(copy=True)
        for index, amount in moves:
            position = frame.index.get_loc(index)
            values[position] = float(values[position]) + amount
        frame[column] = values
    for name, rows in sorted(shares.items()):
        frame = shifted[name]
        frame["percent"] = frame["percent"].astype("float64")
        frame.loc[sorted(rows), "percent"] = math.nan
    for name in sorted(set(moved) | set(printed_shifts)):
        rows = moved.get(name, set())
        frame, original = shifted[name], tables[name]
        for printed_column in ("percent", "rate_per_10000"):  # a printed rate follows its total, as a percentage
            if printed_column in frame.columns and rows:
                frame[printed_column] = frame[printed_column].astype("float64")
                frame.loc[sorted(rows), printed_column] = math.nan
        printed = attr(original, "totals")
        if not printed:
            continue
        from .load import Unchanging
        from .subtotals import covered

        table = contract.TABLES_BY_NAME.get(name)
        key = [k for k in (table.key if table else ()) if k in original.columns]
        moved_keys = {tuple(str(original.loc[i, k]) for k in key) for i in rows}
        blanked = []
        for position, (row, record) in enumerate(printed):
            record = copy.deepcopy(record)
            for (at, column), amount in printed_shifts.get(name, {}).items():
                if at == position:
                    record[column] = float(record[column]) + amount
            if rows and any(tuple(str(r.get(k)) for k in key) in moved_keys
                            for r in covered(original, record, table)):
                for column in record:
                    if column not in key and isinstance(record[column], (int, float)):
                        record[column] = math.nan
            blanked.append((row, record))
        frame.attrs = {**frame.attrs, "totals": Unchanging(blanked)}  # shared, not deep-copied (load.Unchanging)
    return shifted


def _protect_one(args) -> YearProtection:
    return protect_year(*args)


def protection_key(tables: dict[str, pd.DataFrame], year: int, threshold: int, declared: dict | None = None) -> str:
    """The hash of everything a year's suppression depends on: its protected tables, the threshold, the code."""
    import hashlib

    digest = hashlib.sha256(f"{year}|{threshold}\0".encode())
    for module in ("suppress.py", "disclosure.py", "contract.py"):
        digest.update((Path(__file__).resolve().parent / module).read_bytes())
    for name, table in protected_tables(declared).items():
        frame = tables.get(name)
        if frame is not None:
            digest.update(name.encode() + b"\0" + repr(table.protection).encode() + b"\0"
                          + repr(attr(frame, "categories")).encode() + b"\0"
                          + frame.to_csv(index=True).encode() + b"\0")
    return digest.hexdigest()


class Protector:
    """Disclosure control for a whole dataset, one year of history at a time.

    ``cache_dir``: where each year's protection is kept between builds, by
    ``protection_key`` (the linear-programming audit is the slow part).
    """

    def __init__(self, dataset: Dataset, threshold: int, cache_dir: Path | None = None):
        self.dataset = dataset
        self.threshold = threshold
        self.cache_dir = cache_dir
        self.years: dict[int, YearProtection] = {}
        self._perturbed: dict[tuple[int, int], dict] = {}  # (year of data, copy) -> that year's moved tables

    def _cache_path(self, year: int) -> Path | None:
        if self.cache_dir is None:
            return None
        key = protection_key(self.dataset.years[year], year, self.threshold, self._declared(year))
        return self.cache_dir / f"{key}.pickle"

    def _declared(self, year: int) -> dict:
        """The year's declared tables (name -> ``contract.Table``)."""
        return {name: d.table for name, d in sorted(self.dataset.declared.get(year, {}).items())}

    def year(self, year: int) -> YearProtection:
        if year not in self.years:
            self.prepare([year])
        return self.years[year]

    def prepare(self, years: list[int], pool_map=map) -> None:
        """Protect every year of data up to the latest of ``years`` (``pool_map`` may run them in parallel)."""
        import pickle

        needed = [y for y in sorted(self.dataset.years) if y <= max(years) and y not in self.years]
        missing = []
        for y in needed:
            path = self._cache_path(y)
            if path is not None and path.is_file():
                with path.open("rb") as handle:
                    self.years[y] = pickle.load(handle)
            else:
                missing.append(y)
        for protection in pool_map(_protect_one, [(self.dataset.years[y], y, self.threshold, self._declared(y))
                                                  for y in missing]):
            self.years[protection.year] = protection
            path = self._cache_path(protection.year)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(".partial")
                with partial.open("wb") as handle:
                    pickle.dump(protection, handle)
                partial.replace(path)

    def views(self, year: int) -> tuple[YearView, list[YearView]]:
        """The true view of ``year`` and its perturbed copies. Each year of data is perturbed on its own, so
        its moved tables are made once and are the same tables in every statement's copies (as its true
        tables are): what is worked out from them once a table (``stats.children.frame_memo``) is too."""
        view = self.dataset.view(year)
        copies = []
        for copy in range(len(PERTURBATIONS)):
            history = {}
            for y, tables in view.history.items():
                if (y, copy) not in self._perturbed:
                    self._perturbed[(y, copy)] = perturbed_tables(tables, self.year(y).shifts[copy])
                history[y] = self._perturbed[(y, copy)]
            copies.append(YearView(year, history[year], history, view.reference, view.authority))
        return view, copies


# ---------------------------------------------------------------------------
# Masking: compare the true result with the perturbed ones
# ---------------------------------------------------------------------------


#: Types whose every value is the same as itself by ``_same`` (a float NaN included).
_ALWAYS_ITSELF = (str, int, float, bool, type(None))


def _same(a, b) -> bool:
    if a is b and (type(a) in _ALWAYS_ITSELF or type(a) is Figure and type(a.value) in _ALWAYS_ITSELF):
        return True  # a copy that reused the true result (``on_copies``): nothing to compare
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
        return Change(value.current.withheld("c") if value.current.shown else value.current,
                      value.previous.withheld("c") if value.previous.shown else value.previous, value.since)
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
        # Each figure of a change is protected on its own (the change reads c if either is): its
        # ``.current`` is then the figure as published elsewhere on the page.
        current = mask_context(true.current, [p.current if isinstance(p, Change) else None for p in perturbed])
        previous = mask_context(true.previous, [p.previous if isinstance(p, Change) else None for p in perturbed])
        if current is true.current and previous is true.previous:
            return true
        return Change(current, previous, true.since)
    if all(_same(true, p) for p in perturbed):
        return true
    return _withhold(true)


def _is_numeric_column(cells: list) -> bool:
    return any(isinstance(v, (int, float, Figure)) and not isinstance(v, bool) for v in cells)


def mask_frame(true: pd.DataFrame, perturbed: list[pd.DataFrame], units: dict | None = None,
               keep=()) -> pd.DataFrame:
    """The frame with every cell that depends on a withheld cell replaced by a ``c`` figure.

    Rows are matched by their text columns (so a frame sorted by value still
    lines up); a row that cannot be matched has all its numbers withheld.
    ``keep``: (row position, column) cells left as they are (a model's estimates).
    Cells are read column by column as plain lists (a row read through ``iloc`` copies the
    frame's ``attrs`` each time: most of a build's time went there).
    """
    units = units or {}
    keep = set(keep)
    # A copy equal to the true frame, cell for cell, moves nothing: not compared again (issue 14).
    perturbed = [other for other in perturbed if not identical_frames(true, other)]
    out = true.copy().astype(object)
    out.attrs = dict(true.attrs)
    true_columns = _columns(true)
    numeric = [c for c in true.columns if _is_numeric_column(true_columns[c])]
    keys = [c for c in true.columns if c not in numeric]
    for other in perturbed:
        other_columns = _columns(other) if list(true.columns) == list(other.columns) else {}
        aligned = _align(true, other, keys, true_columns, other_columns)
        for column in true.columns:
            mine, theirs = true_columns[column], other_columns.get(column)
            for position in range(len(true)):
                if (position, column) in keep:
                    continue
                a = mine[position]
                b = None if aligned is None or aligned[position] is None or theirs is None else \
                    theirs[aligned[position]]
                if aligned is not None and aligned[position] is not None and _same(a, b):
                    continue
                if column in numeric:
                    kind = units.get(column, "count")
                    out.iat[position, out.columns.get_loc(column)] = Figure(None, kind if kind in (
                        "count", "number", "rate", "percent", "money", "weeks", "ratio") else "number", "c")
                elif column not in keys:
                    out.iat[position, out.columns.get_loc(column)] = "c"
    return out


def identical_frames(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same frame or equal ones: the same columns, rows, types and cells (blanks in the same places) and
    the same ``attrs``. Cells equal by ``==`` are the same by ``_same``, so nothing in ``b`` differs."""
    if a is b:
        return True
    try:
        return bool(a.equals(b)) and a.attrs == b.attrs
    except (TypeError, ValueError):
        return False


def _columns(frame: pd.DataFrame) -> dict:
    """Each column's cells as a list, as a row read with ``iloc`` gives them (numbers as Python numbers), read
    from the frame as one array of objects (issue 14: a column at a time through ``iloc`` cost more)."""
    if frame.columns.has_duplicates:  # a name read twice: its last column, as a column at a time gave it
        return {column: frame.iloc[:, j].to_numpy(dtype=object).tolist() for j, column in enumerate(frame.columns)}
    cells = frame.to_numpy(dtype=object)
    return {column: cells[:, j].tolist() for j, column in enumerate(frame.columns)}


def _align(true: pd.DataFrame, other: pd.DataFrame, keys: list[str], mine: dict, theirs: dict):
    """For each row of ``true``, the position of the matching row of ``other`` (or None); ``mine`` and
    ``theirs``: their columns' cells (``_columns``)."""
    if list(true.columns) != list(other.columns):
        return None
    if not keys:
        return list(range(len(true))) if len(true) == len(other) else None

    def key_of(columns, i):
        return tuple(str(columns[k][i]) for k in keys)
    positions = {}
    for i in range(len(other)):
        positions.setdefault(key_of(theirs, i), []).append(i)
    result = []
    for i in range(len(true)):
        matches = positions.get(key_of(mine, i), [])
        result.append(matches.pop(0) if matches else None)
    return result


def summary_text(output, true_frame: pd.DataFrame, perturbed_frames: list[pd.DataFrame]) -> str | None:
    """The summary sentence, or a neutral one if the sentence depends on withheld figures."""
    if output.summary is None:
        return None
    text = output.summary(true_frame)
    try:  # a copy equal to the true frame gives the same sentence: not asked again (issue 14)
        same = all(output.summary(p) == text for p in perturbed_frames if not identical_frames(true_frame, p))
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


def untouched(reads: set, view: YearView, copy: YearView) -> bool:
    """True when ``copy`` moved nothing of what a computation on ``view`` read (``dataset.reading``): every
    table it read is the very table of the view (``perturbed_tables`` shares a table it moves nothing in),
    and it read nothing by a way not recorded. The computation then gives on the copy what it gave on the
    view (it reads its data only through the view), so it is not made again (issue 14)."""
    if EVERYTHING in reads or copy.year != view.year or copy.reference is not view.reference \
            or copy.authority is not view.authority:
        return False
    mine, theirs = view._history, copy._history
    for key in reads:
        if key == DECLARED:
            if copy._declared is not view._declared:
                return False
            continue
        year, name = key
        if mine.get(year, {}).get(name) is not theirs.get(year, {}).get(name):
            return False
    return True


def on_copies(compute, view: YearView, copies: list[YearView]):
    """(``compute(view)``, its result on each copy): on a copy that moved nothing it read (``untouched``),
    the true result itself; on the others, worked out again."""
    with reading() as reads:
        true = compute(view)
    return true, [true if untouched(reads, view, copy) else compute(copy) for copy in copies]


def protected_context(build_context, view: YearView, copies: list[YearView]):
    """The template names with every figure that depends on a withheld count shown as ``c``.

    ``build_context``: one builder of top-level names (``view -> dict``) or several (``context.parts``),
    each compared on its own: a copy works again only the builders that read a table it moved
    (``on_copies``). With the transition model, its estimates (``MODELLED_NAMES``) are published as they
    are, so they are not worked out on the copies."""
    builders = (build_context,) if callable(build_context) else tuple(build_context)
    true = Namespace()
    parts = []
    for build in builders:
        with reading() as reads:
            part = build(view)
        add_names(true, part)
        parts.append((build, part, reads))
    forecast = true.get("forecast")
    modelled = isinstance(forecast, dict) and forecast.get("method_code") == "transition"
    perturbed = [Namespace() for _ in copies]
    for build, part, reads in parts:
        kept = modelled and all(name in MODELLED_NAMES for name in part)
        for copy, names in zip(copies, perturbed):
            names.update(part if kept or untouched(reads, view, copy) else build(copy))
    masked = mask_context(true, perturbed)
    if modelled:
        for name in MODELLED_NAMES:
            if name in true:
                masked[name] = true[name]
    return masked


class EarlierYears:
    """The figures of earlier years of data, each protected as that year's own statement protects it: built
    the first time a page asks for a year (``change(since=...)``), then kept for the other pages and editions.

    ``context(year)`` is that year's names from the data (``context.measure_parts``), masked with that year's
    perturbed copies (the statement's copies cut back to that year: every year is perturbed on its own, so
    they are the very copies that year's statement uses); None when there is no data for the year.
    """

    def __init__(self, view: YearView, copies: list[YearView]):
        self.year = view.year
        self.view = view
        self.copies = copies
        self._parts: dict = {}  # (year, part) -> protected names, or None without data that year

    def _part(self, year: int, part) -> Namespace | None:
        key = (year, part)
        if key not in self._parts:
            earlier = self.view.earlier(year)
            self._parts[key] = None if earlier is None else protected_context(
                part, earlier, [copy.earlier(year) for copy in self.copies])
        return self._parts[key]

    def context(self, year: int, name: str | None = None) -> Namespace | None:
        """That year's names; with ``name`` (a top-level name), only that name is built (every name when it is
        not one of them: the caller then says so)."""
        from .context import measure_parts

        parts = measure_parts()
        parts = [part for part in parts if part.name == name] or parts
        names = Namespace()
        for part in parts:
            built = self._part(year, part)
            if built is None:
                return None
            names.update(built)
        return names


def protected_output(output, view: YearView, copies: list[YearView]):
    """An output's frame for publication, and the output with a safe summary."""
    true_frame, perturbed_frames = on_copies(output.frame, view, copies)
    masked = mask_frame(true_frame, perturbed_frames, output.units, keep=true_frame.attrs.get("modelled_cells", ()))
    text = summary_text(output, true_frame, perturbed_frames)
    safe = replace(output, summary=(lambda frame, _t=text: _t)) if output.summary is not None else output
    return safe, masked


def suppression_summary(protections: list[YearProtection]) -> str:
    """The methods page's account: counts withheld per year, headline figures withheld and why, the audit."""
    def counts_of(protection, cells):
        return len(cells & protection.counts)

    primary = sum(counts_of(p, p.suppression.primary) for p in protections)
    secondary = sum(counts_of(p, p.suppression.secondary) for p in protections)
    audited = sum(len(p.suppression.audit) for p in protections)
    narrowest = min((r.width for p in protections for r in p.suppression.audit), default=None)
    text = (f"In the data behind this statement, {primary} figures were withheld because they were from 1 to "
            f"the threshold (primary suppression) and {secondary} more so that they could not be worked out "
            f"from totals (secondary suppression). Secondary suppression withholds the least informative "
            f"figures first (\"not known\", \"other\", then the smallest), and the figures this statement is "
            f"for (the total, placement types, our own provision, distance over 20 miles, stability, care "
            f"leavers' outcomes, children starting and ceasing) only when nothing else protects a small figure. "
            f"Where a small count's weeks of care would narrow it (a child can have at most "
            f"{contract.MAX_WEEKS_A_YEAR} weeks of care in a year), they are withheld with it.")
    shares = sum(len(p.percents) for p in protections)
    if shares:
        text += (f" {shares} percentages published without their counts were withheld: where a breakdown's total "
                 f"is given, a share whose count could be from 1 to the threshold (the percentage give or take "
                 f"half its last decimal, times the total) is withheld, with every other share of that breakdown "
                 f"given without a count, because they and 100% would give it back; a measure given as a share "
                 f"of its cohort is withheld where its count, or the rest of the cohort, could be that small.")
    if audited:
        text += (f" An audit solved, for each of the {audited} withheld counts, the smallest and largest "
                 f"whole number it could be given every published figure, its weeks of care and every sum; the "
                 f"narrowest range was {narrowest:g}, no narrower than the threshold.")
    lines = [text, "", "| Year of data | Withheld (small) | Withheld (to protect them) | Headline figures withheld |",
             "| --- | --- | --- | --- |"]
    for p in sorted(protections, key=lambda p: p.year):
        headline = "; ".join(f"{label}, because {why}" for label, why in p.withheld_headline)
        lines.append(f"| {p.year - 1} to {p.year} | {counts_of(p, p.suppression.primary)} | "
                     f"{counts_of(p, p.suppression.secondary)} | {headline or 'none'} |")
    return "\n".join(lines)
