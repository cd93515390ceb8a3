"""A council's own categories (issue 10): declared once in ``authority.yml``, mapped to the DfE's.

A council publishes its figures by its own age bands ("0-4 years", "10-12 years"), its own placement
types ("Connect person - long term"), its own service lines and commissioning routes ("Commissioning
Alliance"). It declares each once, under ``categories:`` in ``authority.yml``, by dimension::

    categories:
      age_band:
        age_0_to_4: {label: 0-4 years, dfe: [under_1, age_1_to_4]}    # spans two DfE bands
        age_10_to_12: {label: 10-12 years, dfe: age_10_to_15}          # lies within one
      placement_type:
        fostering: Fostering                                           # a group (members name it)
        connected_long_term: {label: Connect person - long term, dfe: foster_relative_friend, group: fostering}

Each entry is ``code: label`` or ``code: {label, dfe, group, aliases}``:

- ``code``: a short snake_case name, used in placeholders (``placements.by_age.age_0_to_4``);
- ``label``: the category as the council writes it; the site shows it, and tables may use it;
- ``dfe``: the DfE category (or categories) of ``contract.DIMENSIONS`` it maps to. One code: the
  category lies within it, so its figures add into the DfE one (benchmarks, the forecast and
  suppression work on the DfE categories). Several: it spans them, so they cannot be worked out
  from it (they show x). None: it has no DfE equivalent;
- ``group``: the local group(s) it belongs to. A group is itself a category; a row for a group in a
  table is its subtotal (checked, never added in twice), and a group with no row is computed;
- ``aliases``: other spellings a table may use.

A category declared under a DfE code (``age_5_to_9: 5-9 years``) relabels it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import contract
from .attrs import attr
from .problems import Problem

CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    dfe: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def within(self) -> str | None:
        """The one DfE category this lies within (its figures add into it), or None."""
        return self.dfe[0] if len(self.dfe) == 1 else None


@dataclass(frozen=True)
class Categories:
    """Every dimension's local categories, in the order the council declared them."""

    dimensions: tuple[tuple[str, tuple[Category, ...]], ...] = field(default_factory=tuple)

    def __deepcopy__(self, memo):
        """Shared, not copied: it never changes, and pandas deep-copies a frame's ``attrs`` (which hold
        it) at every column read (see load.Unchanging)."""
        return self

    def local(self, dimension: str) -> dict[str, Category]:
        for name, categories in self.dimensions:
            if name == dimension:
                return {c.code: c for c in categories}
        return {}

    def codes(self, dimension: str) -> dict[str, str]:
        """Every code a table may use for ``dimension`` -> its label: the council's own first, then the DfE's."""
        dfe = contract.DIMENSIONS.get(dimension, {})
        own = {code: c.label for code, c in self.local(dimension).items()}
        return {**own, **{code: label for code, label in dfe.items() if code not in own}}

    def label(self, dimension: str, code: str) -> str:
        return self.codes(dimension).get(code, code)

    def groups(self, dimension: str) -> dict[str, tuple[str, ...]]:
        """Each local group -> its members (leaves and groups), in declaration order."""
        local = self.local(dimension)
        found: dict[str, list[str]] = {}
        for category in local.values():
            for group in category.groups:
                found.setdefault(group, []).append(category.code)
        return {group: tuple(members) for group, members in found.items()}

    def leaves(self, dimension: str, code: str) -> tuple[str, ...]:
        """The categories a code stands for: itself, or a group's members' leaves."""
        groups = self.groups(dimension)
        if code not in groups:
            return (code,)
        out: list[str] = []
        for member in groups[code]:
            out += [leaf for leaf in self.leaves(dimension, member) if leaf not in out]
        return tuple(out)

    def is_group(self, dimension: str, code: str) -> bool:
        return code in self.groups(dimension)

    def within(self, dimension: str, code: str) -> str | None:
        """The DfE category ``code`` adds into (a DfE code is itself), or None when it spans or has none."""
        local = self.local(dimension).get(code)
        if local is None:
            return code if code in contract.DIMENSIONS.get(dimension, {}) else None
        if code in contract.DIMENSIONS.get(dimension, {}) and not local.dfe:
            return code  # a DfE code relabelled
        return local.within

    def aliases(self, dimension: str) -> dict[str, str]:
        """Extra spellings -> code: the council's aliases, then the contract's common spellings."""
        out = {alias: c.code for c in self.local(dimension).values() for alias in c.aliases}
        for alias, code in contract.COMMON_SPELLINGS.get(dimension, {}).items():
            out.setdefault(alias, code)
        return out

    def __bool__(self) -> bool:
        return bool(self.dimensions)


def read_categories(raw, file: str = "authority.yml") -> tuple[Categories, list[Problem]]:
    """``categories:`` of authority.yml -> ``Categories``; every mistake as a ``Problem``."""
    import difflib

    problems: list[Problem] = []
    if raw in (None, {}):
        return Categories(), problems
    if not isinstance(raw, dict):
        return Categories(), [Problem("config-categories", "categories must map each dimension to its categories",
                                      file=file, expected="e.g. categories: {age_band: {age_0_to_4: 0-4 years}}")]
    dimensions = []
    for dimension, entries in raw.items():
        where = f"categories: {dimension}"
        if dimension not in contract.DIMENSIONS:
            near = difflib.get_close_matches(str(dimension), list(contract.DIMENSIONS), n=1)
            problems.append(Problem("config-category-dimension", f"unknown dimension {dimension!r}", file=file,
                                    expected="one of " + ", ".join(contract.DIMENSIONS),
                                    hint=f"did you mean {near[0]!r}?" if near else None))
            continue
        if not isinstance(entries, dict) or not entries:
            problems.append(Problem("config-category", f"{where}: list each category as code: label",
                                    file=file, expected="e.g. age_0_to_4: 0-4 years"))
            continue
        dfe_codes = contract.DIMENSIONS[dimension]
        categories = []
        for code, entry in entries.items():
            code = str(code)
            entry = {"label": entry} if isinstance(entry, (str, int, float)) else entry
            if not CODE.match(code):
                problems.append(Problem("config-category-code", f"{where}: {code!r} is not a code", file=file,
                                        expected="lower-case letters, digits and _, starting with a letter, "
                                                 "e.g. age_0_to_4", hint="the label may be written as you like"))
                continue
            if not isinstance(entry, dict) or "label" not in entry:
                problems.append(Problem("config-category", f"{where}: {code!r} needs a label", file=file,
                                        expected=f"{code}: <label> or {code}: {{label: ..., dfe: ...}}"))
                continue
            unknown = set(entry) - {"label", "dfe", "group", "aliases"}
            if unknown:
                problems.append(Problem("config-category", f"{where}: {code!r} has unknown settings "
                                        + ", ".join(sorted(map(str, unknown))), file=file,
                                        expected="label, dfe, group, aliases"))
            dfe = _strings(entry.get("dfe"))
            for target in dfe:
                if target not in dfe_codes:
                    near = difflib.get_close_matches(target, list(dfe_codes), n=1)
                    problems.append(Problem("config-category-dfe", f"{where}: {code!r} maps to {target!r}, "
                                            f"not a DfE {dimension.replace('_', ' ')}", file=file,
                                            expected="one of " + ", ".join(dfe_codes),
                                            hint=f"did you mean {near[0]!r}?" if near else None))
            categories.append(Category(code, str(entry["label"]), dfe, _strings(entry.get("group")),
                                       _strings(entry.get("aliases"))))
        declared = {c.code for c in categories}
        named_groups = {group for category in categories for group in category.groups}
        for category in categories:
            if dimension == "age_band" and not category.dfe and category.code not in set(dfe_codes) | named_groups:
                # Every child's age is in one of the DfE's bands: without dfe the DfE bands would be worked out
                # as if none of this band's children were in them (16 and over: 0 beside a 14-17 years of 48).
                problems.append(Problem("config-category-dfe", f"{where}: {category.code!r} does not say which DfE "
                                        "age band it lies within or spans", file=file,
                                        expected="dfe: the DfE band it lies within, or the bands it spans",
                                        hint=f"e.g. {category.code}: {{label: {category.label}, dfe: "
                                             "[age_10_to_15, age_16_and_over]}"))
            for group in category.groups:
                if group not in declared:
                    problems.append(Problem("config-category-group", f"{where}: {category.code!r} is in the "
                                            f"group {group!r}, which is not declared", file=file,
                                            hint=f"add {group}: <label> under categories: {dimension}"))
        dimensions.append((dimension, tuple(categories)))
    categories = Categories(tuple(dimensions))
    for dimension, _ in dimensions:
        try:
            for group in categories.groups(dimension):
                categories.leaves(dimension, group)
        except RecursionError:
            problems.append(Problem("config-category-group", f"categories: {dimension}: groups contain each other",
                                    file=file))
    return categories, problems


def _strings(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def dimension_of(column, record: dict) -> str | None:
    """The dimension of a contract column in a row (a ``codes_by`` column's is its parent's value)."""
    if column.dimension == "*":
        parent = record.get(column.codes_by[0]) if column.codes_by else None
        return parent if parent in contract.DIMENSIONS else None
    return column.dimension


def sums_by_code(values: dict[str, float | None], dimension: str, categories: Categories,
                 complete: bool) -> dict[str, float | None]:
    """Figures for every category of ``dimension``, from the figures of the codes a table used.

    ``values``: code used in the table -> its figure (its rows added). The result has every code of
    ``categories.codes(dimension)`` and every local group:

    - a code the table used: its figure;
    - a local group: the sum of its members' figures (None if any is None);
    - a DfE code: the sum of the codes that lie within it (a local 10-12 and 13-15 add into 10 to 15);
      None when a code the table used spans it (0-4 years cannot be split into under 1 and 1 to 4);
    - a code with no figure: 0 when ``complete`` (the table's rows add up to its total, so every child is
      in a listed category), else None (not supplied: shown as x, never a guessed 0).

    Example: {"age_0_to_4": 134, "age_10_to_12": 97, "age_13_to_15": 168} with 0-4 spanning under_1 and
    age_1_to_4 and both others within age_10_to_15: age_10_to_15 265, under_1 None, age_1_to_4 None.
    """
    absent = 0 if complete else None
    codes = categories.codes(dimension)
    local = categories.local(dimension)
    out: dict[str, float | None] = {}
    for code in codes:
        if code in values:
            out[code] = values[code]
            continue
        if code in local and not (code in contract.DIMENSIONS.get(dimension, {}) and not local[code].dfe):
            leaves = categories.leaves(dimension, code)
            if leaves != (code,):
                parts = [values.get(leaf, absent) for leaf in leaves]
                out[code] = None if any(p is None for p in parts) else sum(parts)
            else:
                out[code] = absent
            continue
        # A DfE code: what lies within it.
        inside = [v for used, v in values.items() if used != code and categories.within(dimension, used) == code]
        spans = [used for used in values if code in _spanned(categories, dimension, used)]
        if spans:
            out[code] = None
        elif inside:
            out[code] = None if any(v is None for v in inside) else sum(inside)
        else:
            out[code] = absent
    return out


def _spanned(categories: Categories, dimension: str, code: str) -> tuple[str, ...]:
    category = categories.local(dimension).get(code)
    return category.dfe if category is not None and len(category.dfe) > 1 else ()


def of(frame) -> Categories:
    """The council's categories a loaded table was read with (``load`` records them on every frame)."""
    found = attr(frame, "categories") if hasattr(frame, "attrs") else None  # None and hand-made values have none
    return found if isinstance(found, Categories) else Categories()


def to_dfe(frame, column: str):
    """A copy of a loaded table with each of the council's own codes in ``column`` replaced by the DfE
    category it lies within (rows whose code spans several, or none, keep their own code): the table the
    DfE-coded statistics read. Returns the frame itself when the council declared nothing for ``column``."""
    local = of(frame)
    if frame is None or not local.local(column):
        return frame
    mapped = frame.copy()
    mapped[column] = [local.within(column, code) or code for code in frame[column]]
    mapped.attrs.update(frame.attrs)
    mapped.attrs["totals"] = []  # printed subtotals are for the council's own codes
    return mapped
