"""The per-year template namespace: every name a commissioner can write in
``{{ ... }}``. Built from the stats functions; see ARCHITECTURE.md for the list."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .values import Figure, Namespace


def build_context(view) -> Namespace:
    """All names for one statement year (only that year's and earlier data)."""
    context = Namespace()
    for part in parts():
        add_names(context, part(view))
    return context


def add_names(context: Namespace, names: dict) -> None:
    """Add one builder's top-level names to ``context``: a name two builders define is a mistake."""
    overlap = set(names) & set(context)
    if overlap:
        raise ValueError(f"names defined twice in the context: {sorted(overlap)}")
    context.update(names)


def _statement(view) -> dict:
    """The statement's own names: the authority, the year and its period."""
    year = view.year
    return dict(
        authority=Namespace(name=view.authority.name, short_name=view.authority.short_name),
        year=Figure(year, "year"),
        previous_year=Figure(year - 1, "year"),
        year_label=f"{year - 1} to {year}",
        period=f"1 April {year - 1} to 31 March {year}",
    )


@dataclass(frozen=True)
class Part:
    """One top-level name and how it is built from a view: ``view -> {name: value}``."""

    name: str
    make: Callable

    def __call__(self, view) -> dict:
        return {self.name: self.make(view)}


def parts() -> tuple:
    """The builders of every name, in the order of the namespace: the statement's, then each name of the
    children's, the market's and the forecast's statistics on its own, so that disclosure control
    (``disclosure.protected_context``) works again on a perturbed copy only the names that read a table the
    copy moved."""
    from .forecast import context as forecast_context
    from .stats import children_context, market_context

    return (_statement, *(Part(name, make) for module in (children_context, market_context, forecast_context)
                          for name, make in module.NAMES.items()))


def measure_parts() -> tuple:
    """The builders of the names computed from the council's data for ``view.year`` alone (no forecast), one
    ``Part`` a top-level name: what ``change(since=...)`` reads for an earlier year, the same builders
    ``build_context`` uses."""
    from .stats import children_context, market_context

    return tuple(Part(name, make) for module in (children_context, market_context)
                 for name, make in module.NAMES.items())


def measures_context(view) -> Namespace:
    """Every name of ``measure_parts`` for ``view.year``."""
    context = Namespace()
    for part in measure_parts():
        context.update(part(view))
    return context
