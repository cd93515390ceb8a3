"""The data-quality report: what the extract found in the 903 files and what it did.

Each ``Finding`` is one kind of departure, under the DfE validator's rule number
where there is one (``rule``), with the rows it touched in each year's return, the
treatment applied, where to find the rows (file and spreadsheet row, never a
child's identifier, date of birth or postcode) and, where the extract changed
what a return records, what that changed in the published figures, year by year.
The analyst reads the report before publishing; ``str(report)`` prints it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: Columns whose values a row reference may show (codes, never identifiers, dates or postcodes).
SHOWN = frozenset({"RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "IN_TOUCH", "ACTIV", "ACCOM", "SEX",
                   "ETHNIC", "UASC", "YEAR", "COLLECTION_YEAR"})


@dataclass
class Finding:
    code: str  # stable slug, e.g. "open-episode-with-reason", or the rule number
    found: str  # what was found
    rows: int  # how many rows it touched
    treatment: str  # what the extract did about it
    examples: tuple[str, ...] = ()  # "2018-episodes.csv row 12 (REC='E4A')"
    rule: str | None = None  # the DfE validator's rule number
    by_year: dict[int, int] = field(default_factory=dict)  # rows per collection year (ending 31 March)
    #: year -> figure -> change the treatment made to it; None: not measured (nothing was changed).
    effects: dict[int, dict[str, float]] | None = None
    note: str = ""  # the effect in words, where it is not measured


    def effect_text(self) -> str:
        if self.effects is None:
            return ""
        parts = []
        for year in sorted(self.effects):
            changes = [f"{name} {value:+g}" for name, value in self.effects[year].items() if value]
            if changes:
                parts.append(f"{year}: " + ", ".join(changes))
        return "; ".join(parts) if parts else "none"

    def __str__(self) -> str:
        head = f"Rule {self.rule}" if self.rule else f"[{self.code}]"
        years = ""
        if len(self.by_year) > 1 or (self.by_year and self.rule):
            years = " (" + "; ".join(f"{y}: {n}" for y, n in sorted(self.by_year.items())) + ")"
        text = f"{head}: {self.found}: {self.rows} row{'s' if self.rows != 1 else ''}{years}. {self.treatment}"
        if self.effects is not None:
            text += f"\n      Effect on the published figures: {self.effect_text()}."
        elif self.note:
            text += f"\n      Effect on the published figures: {self.note}."
        if self.examples:
            text += "\n      e.g. " + "; ".join(self.examples)
        return text


@dataclass
class QualityReport:
    """Everything the extract noticed, in the order it noticed it."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # "2017-episodes.csv: episodes, 2017-18 ... from its dates"
    years: list[int] = field(default_factory=list)  # years written
    written: list[str] = field(default_factory=list)  # paths written

    def add(self, code: str, found: str, rows: int, treatment: str, examples=(), rule: str | None = None,
            by_year: dict[int, int] | None = None, effects: dict | None = None, note: str = "") -> Finding | None:
        if rows:
            finding = Finding(code, found, int(rows), treatment, tuple(examples)[:3], rule, dict(by_year or {}),
                              effects, note)
            self.findings.append(finding)
            return finding
        return None

    def find(self, code: str) -> Finding | None:
        return next((f for f in self.findings if f.code == code), None)

    def count(self, code: str) -> int:
        """Rows touched by the finding ``code`` (or rule number; 0 if not found)."""
        return sum(f.rows for f in self.findings if f.code == code)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def __str__(self) -> str:
        lines = ["SSDA903 extract: data-quality report", "", "Files read:"]
        lines += [f"  - {f}" for f in self.files]
        lines += ["", f"Years written: {', '.join(map(str, self.years)) or 'none'}", ""]
        rules = [f for f in self.findings if f.rule]
        others = [f for f in self.findings if not f.rule]
        if rules:
            lines.append("DfE validator rules not met (csc-validator-be-903 rule numbers), by collection year "
                         "(ending 31 March):")
            lines += [f"  - {f}" for f in sorted(rules, key=_rule_order)]
            lines.append("")
        if others:
            lines.append("Other findings:")
            lines += [f"  - {f}" for f in others]
        if not self.findings:
            lines.append("No data-quality issues found.")
        return "\n".join(lines) + "\n"


def _rule_order(finding: Finding) -> tuple:
    digits = "".join(ch for ch in finding.rule if ch.isdigit())
    return (0, int(digits), finding.rule) if digits and finding.rule[0].isdigit() else (1, 0, finding.rule)


def examples(frame, column: str, limit: int = 5) -> list[str]:
    """Where the first rows of ``frame`` are (needs _file, _row), one entry per file:
    "2018-episodes.csv rows 12 (REC='E4A'), 40 (REC='X1')".

    The value is shown for code columns only: never a child's identifier, a date
    (of birth or of an episode) or a postcode.
    """
    by_file: dict[str, list[str]] = {}
    for file, row, value in frame[["_file", "_row", column]].head(limit).itertuples(index=False):
        shown = f" ({column}={'' if value is None or value != value else value!r})" if column in SHOWN else ""
        by_file.setdefault(str(file), []).append(f"{row}{shown}")
    return [f"{file} row{'s' if len(rows) > 1 else ''} {', '.join(rows)}" for file, rows in by_file.items()]
