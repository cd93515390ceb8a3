"""What a loaded table carries beside its cells, in ``frame.attrs`` (load stage): ``Loaded`` and ``attr``."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


class Loaded(Mapping):
    """What ``load`` knows of a table beside its cells (``file``, ``table``, ``rows``, ``unreadable``,
    ``percent_signs``, ``totals``, ``categories``), kept in ``frame.attrs["loaded"]`` as one object that is
    shared, never copied: pandas deep-copies a frame's ``attrs`` at every operation, key by key (a column read
    is one), and seven keys cost most of that time (issue 14). Read with ``attr``."""

    def __init__(self, **items):
        self._items = items

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __deepcopy__(self, memo):
        return self

    def __eq__(self, other) -> bool:
        return other is self or super().__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Loaded({self._items!r})"


def attr(frame: pd.DataFrame, key: str, default=None):
    """``frame.attrs[key]``: set on the frame itself (a copy's ``totals`` blanked, a hand-made frame's), else
    as ``load`` read it (``Loaded``), else ``default``."""
    attrs = frame.attrs
    if key in attrs:
        return attrs[key]
    loaded = attrs.get("loaded")
    return loaded.get(key, default) if loaded is not None else default
