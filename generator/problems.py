"""Problems as data: every check yields them, a report lists them all at once.

A ``Problem`` names where (file, row, column), what was found (value) and what
was expected, with a stable ``code`` a test or a reader can rely on. Row
numbers are spreadsheet rows: the header is row 1, the first data row is 2, so
an analyst can go straight to the cell in Excel. Template problems use ``line``.
"""
from __future__ import annotations

from dataclasses import dataclass


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


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def raise_if_errors(problems: list[Problem], stage: str) -> None:
    if errors(problems):
        raise BuildError(errors(problems), stage=stage)
