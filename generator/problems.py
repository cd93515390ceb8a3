"""Problems as data: every check yields them, a report lists them all at once.

A ``Problem`` names where (file, row, column), what was found (value) and what
was expected, with a stable ``code`` a test or a reader can rely on. Row
numbers are spreadsheet rows: the header is row 1, the first data row is 2, so
an analyst can go straight to the cell in Excel. Template problems use ``line``.
"""
from __future__ import annotations

from dataclasses import dataclass


class CellRow(int):
    """The spreadsheet row of a record read from a wide table (``wide.py``), or from several files: it is
    the row (an ``int``) and knows, for each contract column, the file, row and column as the analyst typed
    them. A ``Problem`` given one names that cell: "weeks.csv, row 4, column '10-12 years'", not the long
    table's ``weeks_of_care``."""

    def __new__(cls, file: str, row: int, cells: dict[str, tuple[str, int, str]], origin: str | None = None):
        made = super().__new__(cls, row)
        made.file, made.cells, made.origin = file, cells, origin  # origin: the header of the cell it was read from
        return made

    def locate(self, column: str | None) -> tuple[str, int, str | None]:
        """(file, row, column as typed) of ``column`` in this record; the record's own row otherwise."""
        if column in self.cells:
            return self.cells[column]
        return self.file, int(self), column

    def _key(self):
        """The cell the record was first read from (a record joined from several files keeps it)."""
        return (self.file, int(self), self.origin)

    def __eq__(self, other):
        if isinstance(other, CellRow):
            return self._key() == other._key()
        return int(self) == other

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._key())

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return CellRow, (self.file, int(self), self.cells, self.origin)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None
    line: int | None = None
    hint: str | None = None
    severity: str = "error"  # "error" stops the build; "warning" is reported only

    def __post_init__(self):
        if isinstance(self.row, CellRow):  # a cell of a wide table: named as the analyst typed it
            file, row, column = self.row.locate(self.column)
            object.__setattr__(self, "file", file)
            object.__setattr__(self, "row", row)
            object.__setattr__(self, "column", column)

    def location(self) -> str:
        parts = [self.file] if self.file else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None and self.value != "":
            text += f" (found {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text


class BuildError(Exception):
    """Raised with every problem found; nothing is written when it is raised."""

    def __init__(self, problems: list[Problem] | Problem, stage: str = "build"):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = [p for p in problems if p.severity == "error"] or list(problems)
        self.stage = stage
        super().__init__(self.report())

    def __reduce__(self):  # raised in a worker process, it comes back whole (not as a broken process pool)
        return BuildError, (self.problems, self.stage)

    def report(self, limit: int = 10) -> str:
        n = len(self.problems)
        if n == 1 and self.problems[0].file is None:  # e.g. a busy port: one line
            return f"{self.stage} stopped: {self.problems[0]}"
        head = f"{self.stage} stopped: {n:,} problem{'s' if n != 1 else ''} to fix"
        return "\n".join([head] + [f"  - {line}" for line in summarise(self.problems, limit)])


def summarise(problems: list[Problem], limit: int = 10, show=str) -> list[str]:
    """One line per problem, at most ``limit`` of each kind (code) in each file: a table pasted
    36,000 times gives a screenful and "... and 905,736 more like this in the same file"."""
    counts: dict[tuple, int] = {}
    for p in problems:
        counts[(p.code, p.file)] = counts.get((p.code, p.file), 0) + 1
    shown: dict[tuple, int] = {}
    lines = []
    for p in problems:
        key = (p.code, p.file)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= limit:
            lines.append(show(p))
        if shown[key] == limit and counts[key] > limit:
            more = counts[key] - limit
            lines.append(f"... and {more:,} more like this in {p.file or 'the same place'}")
    return lines


def said_once(problems) -> list[Problem]:
    """Each problem once, in the order first met: the same mistake seen by both editions of a year, or by
    every PDF, is reported once."""
    return list({str(p): p for p in problems}.values())


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def raise_if_errors(problems: list[Problem], stage: str) -> None:
    if errors(problems):
        raise BuildError(errors(problems), stage=stage)
