"""Every named chart and table a page can show: ``chart("name")``, ``table("name")``."""
from __future__ import annotations

from .base import ChartStyle, Output  # noqa: F401


def all_outputs() -> dict[str, Output]:
    """Merge every domain module's outputs, refusing duplicate names."""
    from . import children, forecast, market  # domain modules, each with OUTPUTS: tuple[Output, ...]

    merged: dict[str, Output] = {}
    for module in (children, market, forecast):
        for output in module.OUTPUTS:
            if output.name in merged:
                raise ValueError(f"two outputs are named {output.name!r}")
            merged[output.name] = output
    return merged


def all_measures() -> list:
    """Every published measure (for the methods page), in catalogue order."""
    from . import children, forecast, market

    return [*getattr(children, "MEASURES", ()), *getattr(market, "MEASURES", ()), *getattr(forecast, "MEASURES", ())]


def sensitive_sources() -> set[str]:
    """Every "table.column" the contract marks commercially sensitive."""
    from ..contract import TABLES

    return {f"{t.name}.{c}" for t in TABLES for c in t.sensitive_columns}


def is_sensitive(output: Output) -> bool:
    """An output drawn from any sensitive column is sensitive as a whole."""
    if output.sensitive:
        return True
    sensitive = sensitive_sources()
    return any(source in sensitive or source.split(".")[0] + ".*" in sensitive for source in output.sources)
