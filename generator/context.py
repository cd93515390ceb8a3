"""The per-year template namespace: every name a commissioner can write in
``{{ ... }}``. Built from the stats functions; see ARCHITECTURE.md for the list."""
from __future__ import annotations

from .values import Figure, Namespace


def build_context(view) -> Namespace:
    """All names for one statement year (only that year's and earlier data)."""
    from .forecast import context as forecast_context
    from .stats import children_context, market_context

    year = view.year
    context = Namespace(
        authority=Namespace(name=view.authority.name, short_name=view.authority.short_name),
        year=Figure(year, "year"),
        previous_year=Figure(year - 1, "year"),
        year_label=f"{year - 1} to {year}",
        period=f"1 April {year - 1} to 31 March {year}",
    )
    for part in (children_context.build(view), market_context.build(view), forecast_context.build(view)):
        overlap = set(part) & set(context)
        if overlap:
            raise ValueError(f"names defined twice in the context: {sorted(overlap)}")
        context.update(part)
    return context


def measure_parts() -> tuple:
    """The builders of the names computed from the council's data for ``view.year`` alone (no forecast):
    what ``change(since=...)`` reads for an earlier year, the same functions ``build_context`` uses."""
    from .stats import children_context, market_context

    return children_context.build, market_context.build


def measures_context(view) -> Namespace:
    """Every name of ``measure_parts`` for ``view.year``."""
    context = Namespace()
    for part in measure_parts():
        context.update(part(view))
    return context
