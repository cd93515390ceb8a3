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
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
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

    def report(self) -> str:
        n = len(self.problems)
        head = f"{self.stage} stopped: {n} problem{'s' if n != 1 else ''} to fix"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def raise_if_errors(problems: list[Problem], stage: str) -> None:
    if errors(problems):
        raise BuildError(errors(problems), stage=stage)
