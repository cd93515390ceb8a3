"""From tables to the model: every published cell and sentence as a constraint."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import contract
from .common import LOW, MAX_WEEKS_PER_CHILD, expr
from .model import Model
from .prose import read_prose
from .published import Edition, Table, is_withheld, parse_number
from .readers import (
    MODELLED,
    NOT_ABOUT_CHILDREN,
    READERS,
    Cell,
    Context,
    Reader,
    family,
    read_declared,
)
from .summaries import NEUTRAL_SUMMARY, SUMMARIES
from .vocabulary import DFE, Vocabulary, la


def add_structure(model: Model, vocab: Vocabulary = DFE) -> None:
    """The sums and inequalities the data contract declares, for every figure a table referred to.

    A breakdown in the contract's categories adds up to the total (an added "not known" completes it); a
    council's own list need not cover every child (Bristol's distance bands come to 96%): at most the total."""
    keys = list(model.vars)
    breakdowns = {(k[1], k[2]) for k in keys if k[0] == "looked_after" and k[2] != "total"}
    for year, breakdown in sorted(breakdowns):
        codes = vocab.leaves(breakdown, contract.LOOKED_AFTER_BREAKDOWNS[breakdown])
        model.add(tuple((la(year, breakdown, c), 1.0) for c in codes) + ((la(year, "total", "all"), -1.0),),
                  -math.inf if vocab.own(breakdown) else 0, 0,
                  "rule: a council's categories are at most the total" if vocab.own(breakdown) else
                  "rule: a breakdown adds up to the total", "contract: looked_after")
    movements = {(k[1], k[2]) for k in keys if k[0] == "starts_and_ceases"}
    for year, movement in sorted(movements):
        codes = contract.CATEGORIES_OF_NEED if movement == "started" else contract.REASONS_CEASED
        model.add(tuple((("starts_and_ceases", year, movement, c), 1.0) for c in codes)
                  + ((("starts_and_ceases", year, movement, "all"), -1.0),), 0, 0,
                  "rule: reasons add up to the total", "contract: starts_and_ceases")
    cells = {k[:4] for k in keys if k[0] == "placements_by_type_and_age"}
    for base in sorted(cells):
        children, placements, weeks = base + ("children",), base + ("placements",), base + ("weeks_of_care",)
        model.at_least(expr(placements), expr(children), "rule: children are at most placements",
                       "contract: placements_by_type_and_age")
        model.add(((children, MAX_WEEKS_PER_CHILD), (weeks, -1.0)), 0, math.inf,
                  "rule: weeks of care are at most 52.29 a child", "contract: placements_by_type_and_age")


def apply_cell(model: Model, table: Table, cell: Cell, source: str) -> None:
    where = f"{table.where} (row {cell.row + 1}, {cell.column})"
    text = cell.text.strip()
    if is_withheld(text):
        # A withheld count (or the count behind a withheld percentage) is a figure to audit; a withheld
        # model figure (a projection) or rate publishes nothing and is not a count of children.
        money = cell.kind == "rounded" and len(cell.terms) == 1 and cell.terms[0][0][0] == "spend_by_service"
        if cell.terms and (cell.kind in ("count", "percent") or money) and all(c == 1 for _, c in cell.terms):
            model.withhold(cell.terms, source, where, share=cell.kind == "percent")
        return
    if cell.kind == "percent" and text.lower() == LOW:
        model.percent(cell.terms, cell.den, 0, None, source, where)
        return
    parsed = parse_number(text)
    if parsed is None or not cell.terms:
        return
    value, decimals = parsed
    half = cell.half if cell.half is not None else 0.5 * 10 ** -decimals
    if cell.kind == "count":
        model.show(cell.terms, value, 0, source, where)
    elif cell.kind == "rounded":
        model.show(cell.terms, value, half, source, where)
    elif cell.kind == "percent":
        model.percent(cell.terms, cell.den, value, half, source, where)
    elif cell.kind == "projection":  # rates are not allowed below zero: 0 means "0.5 or less"
        model.add(cell.terms, -math.inf if value == 0 else value - half, value + half, source, where)
    elif cell.kind == "projection_total":  # Σ max(line, 0) ≥ Σ line
        model.add(cell.terms, -math.inf, value + half, source, where)


@dataclass
class Reading:
    """What was read: the model and the tables and summaries left unread (so nothing is skipped silently)."""

    model: Model
    unread_tables: list[str] = field(default_factory=list)
    unread_summaries: list[str] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
    prose: object = None   # prose.ProseResult, when the narrative's source was given
    #: (withheld count, where): the only c of a declared table's group whose total is not printed
    lone_withheld: list = field(default_factory=list)


def read_model(edition: Edition, population: dict, withheld_minimum: int = 1,
               content: Path | None = None, categories=None) -> Reading:
    model = Model(withheld_minimum)
    reading = Reading(model)
    context = Context(edition, population, model, Vocabulary(categories))
    for table in edition.tables:
        reader_fn = READERS.get(table.name)
        if reader_fn is None:
            if table.name in NOT_ABOUT_CHILDREN or table.name in MODELLED:
                reading.not_modelled.append(table.where)
                continue
            if table.name in _builtin_outputs():
                reading.unread_tables.append(table.where)
                continue
            # Any other table is one a council declared: read as a reader sees it.
            reader = Reader(table, context)
            if not read_declared(reader):
                reading.not_modelled.append(table.where)
                continue
            for cell in reader.cells:
                apply_cell(model, table, cell, family(table.name))
            if table.summary and not NEUTRAL_SUMMARY.search(table.summary):
                reading.unread_summaries.append(f"{table.where}: {table.summary}")
            continue
        reader = Reader(table, context)
        reader_fn(reader)
        for cell in reader.cells:
            apply_cell(model, table, cell, family(table.name))
        if table.summary and not NEUTRAL_SUMMARY.search(table.summary):
            summary_fn = SUMMARIES.get(table.name)
            reader.source = family(table.name) + " (summary)"
            if summary_fn is None or not summary_fn(reader, table.summary, model, table.where + " (summary)"):
                reading.unread_summaries.append(f"{table.where}: {table.summary}")
    if content is not None and Path(content).is_dir():
        reading.prose = read_prose(edition, Path(content), model, context)
    add_structure(model, context.vocab)
    reading.lone_withheld = context.lone_withheld
    return reading


@lru_cache(maxsize=1)
def _builtin_outputs() -> frozenset:
    """The names of the site's own charts and tables (a table of any other name is one a council declared)."""
    from ..catalogue import all_outputs

    return frozenset(all_outputs())
