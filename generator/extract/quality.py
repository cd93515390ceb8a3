"""The data-quality report: what the extract found in the 903 files and what it did.

Each ``Finding`` is one kind of defect with the number of rows it touched, the
treatment applied and a few example locations (file and spreadsheet row, never
a child's details beyond their identifier as it appears in the file). The
analyst reads the report before publishing; ``str(report)`` prints it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Finding:
    code: str  # stable slug, e.g. "open-episode-with-reason"
    found: str  # what was found
    rows: int  # how many rows it touched
    treatment: str  # what the extract did about it
    examples: tuple[str, ...] = ()  # "2018-episodes.csv row 12 (REC='E4A')"

    def __str__(self) -> str:
        text = f"[{self.code}] {self.found}: {self.rows} row{'s' if self.rows != 1 else ''}. {self.treatment}"
        if self.examples:
            text += "\n      e.g. " + "; ".join(self.examples)
        return text


@dataclass
class QualityReport:
    """Everything the extract noticed, in the order it noticed it."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # "2017-episodes.csv: episodes, year 2018, 1460 rows"
    years: list[int] = field(default_factory=list)  # years written
    written: list[str] = field(default_factory=list)  # paths written

    def add(self, code: str, found: str, rows: int, treatment: str, examples=()) -> None:
        if rows:
            self.findings.append(Finding(code, found, int(rows), treatment, tuple(examples)[:3]))

    def count(self, code: str) -> int:
        """Rows touched by the finding ``code`` (0 if not found)."""
        return sum(f.rows for f in self.findings if f.code == code)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def __str__(self) -> str:
        lines = ["SSDA903 extract: data-quality report", "", "Files read:"]
        lines += [f"  - {f}" for f in self.files]
        lines += ["", f"Years written: {', '.join(map(str, self.years)) or 'none'}", ""]
        if self.findings:
            lines.append("Found and treated:")
            lines += [f"  - {f}" for f in self.findings]
        else:
            lines.append("No data-quality issues found.")
        return "\n".join(lines) + "\n"


def examples(frame, column: str, limit: int = 3) -> list[str]:
    """'file row N (COLUMN='value')' for the first rows of ``frame`` (needs _file, _row)."""
    out = []
    for file, row, value in frame[["_file", "_row", column]].head(limit).itertuples(index=False):
        out.append(f"{file} row {row} ({column}={'' if value is None else value!r})")
    return out
