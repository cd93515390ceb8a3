"""Every named chart and table a page can show: ``chart("name")``, ``table("name")``."""
from __future__ import annotations

from .base import ChartStyle, Output  # noqa: F401


def all_outputs() -> dict[str, Output]:
    """Merge every domain module's outputs, refusing duplicate names."""
    from . import children, market  # domain modules, each with OUTPUTS: tuple[Output, ...]

    merged: dict[str, Output] = {}
    for module in (children, market):
        for output in module.OUTPUTS:
            if output.name in merged:
                raise ValueError(f"two outputs are named {output.name!r}")
            merged[output.name] = output
    return merged
