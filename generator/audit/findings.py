"""The audit: each withheld figure's range, the findings and how they are described."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .common import Key
from .model import describe
from .published import read_edition, read_population, year_folders
from .reading import Reading, read_model
from .solve import Interval, Problem, Solver

#: Rules that only define a figure (a withheld sum is its parts): never the reason it is pinned.
DEFINITIONS = {"rule: a sum"}
#: Why the only c of a group with no printed total is a finding (``read_declared``).
LONE_IN_GROUP = "rule: a group's total may be known from elsewhere"


@dataclass
class Finding:
    """A withheld figure a reader can narrow to a range below the threshold."""

    key: Key
    label: str
    low: float
    high: float
    withheld_in: list[str]
    shown_in: list[str]
    #: Sources (an output name or a rule) without which the range would be wide enough.
    necessary: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def years(self) -> list[int]:
        """Statement years whose pages or downloads show the figure as c."""
        return sorted({int(w.split("/")[0]) for w in self.withheld_in if w[:4].isdigit()})

    def __str__(self) -> str:
        if math.isnan(self.low):
            return f"{self.label}: the only c of its group, whose total a reader may know from elsewhere"
        high = "unbounded" if self.high == math.inf else f"{self.high:g}"
        text = f"{self.label}: between {self.low:g} and {high} (width {self.width:g})"
        if self.shown_in:
            text += f"; shown as a number in {self.shown_in[0]}"
        if self.necessary:
            text += f"; pinned by {', '.join(self.necessary)}"
        return text


@dataclass
class Audit:
    folder: Path
    threshold: int
    years: list[int]
    withheld: list[Interval]
    findings: list[Finding]
    problems: list[Problem]
    reading: Reading
    lp_differs: list[tuple[Interval, Interval]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def narrowest(self) -> Interval | None:
        return min(self.withheld, key=lambda i: i.width, default=None)

    def findings_for(self, year: int) -> list[Finding]:
        return [f for f in self.findings if year in f.years]

    def withheld_in_year(self, year: int) -> list[Interval]:
        vars_ = self.reading.model.vars
        return [i for i in self.withheld if any(w.startswith(f"{year}/") for w in vars_[i.key].withheld_anywhere)]

    def summary(self) -> str:
        lines = [f"Audit of {self.folder}: {len(self.withheld)} withheld figures in {len(self.years)} statement "
                 f"years, threshold {self.threshold} ({self.seconds:.1f} s)"]
        for year in self.years:
            cells = self.withheld_in_year(year)
            narrow = min(cells, key=lambda i: i.width, default=None)
            found = self.findings_for(year)
            lines.append(f"  {year}: {len(cells)} withheld figures, narrowest range "
                         f"{'-' if narrow is None else format(narrow.width, 'g')}, {len(found)} too narrow")
            lines += [f"    - {f}" for f in found]
        for problem in self.problems:
            lines.append(f"  problem: {problem.text}")
        for where in self.reading.unread_tables:
            lines.append(f"  not read (no reader): {where}")
        for text in self.reading.unread_summaries:
            lines.append(f"  summary not read: {text}")
        return "\n".join(lines)


def audit_edition(folder: Path, population: dict | Path | None = None, threshold: int = 5,
                  explain: bool = True, compare_lp: bool = False, withheld_minimum: int = 1,
                  content: Path | None = None, categories=None) -> Audit:
    """Audit one edition folder (year folders with ``downloads/`` and pages).

    ``population``: {(year, age_band): children} or the path of the population CSV
    (default: ``data/reference/population.csv`` of this project). ``content``: the
    narrative's Markdown (``content/``), to read what the sentences' figures mean
    (``audit.prose``); without it sentences are not read. ``categories``: the council's own
    categories (``authority.yml``'s ``categories:``, a ``categories.Categories``), the labels and
    groups its tables print (``Vocabulary``); without them tables are read in the contract's."""
    import time

    started = time.perf_counter()
    folder = Path(folder)
    if population is None:
        population = Path(__file__).resolve().parents[1] / "data" / "reference" / "population.csv"
    if isinstance(population, (str, Path)):
        population = read_population(Path(population)) if Path(population).exists() else {}
    edition = read_edition(folder)
    reading = read_model(edition, population, withheld_minimum, content, categories)
    model = reading.model
    solver = Solver(model)
    without: dict[str, Solver] = {}

    def solver_without(source: str) -> Solver:
        if source not in without:
            without[source] = Solver(model, frozenset({source}))
        return without[source]

    targets = model.targets()
    intervals = [solver.interval(k) for k in targets]
    solver.check({solver.component_of(k) for k in targets} - {None})
    findings = []
    for interval in intervals:
        if interval.width >= threshold:
            continue
        var = model.vars[interval.key]
        root = solver.component_of(interval.key)
        sources = solver.sources(root) if root is not None else sorted({b[0] for b in var.bounds})
        finding = Finding(interval.key, describe(interval.key), interval.low, interval.high,
                          sorted(set(var.withheld_anywhere)),
                          sorted({w for _, w in model.shown_figures.get(interval.key, [])}), sources=sources)
        if explain:
            finding.necessary = [s for s in sources if s not in DEFINITIONS
                                 and solver_without(s).interval(interval.key).width >= threshold]
        findings.append(finding)
    # A group of a declared table with no printed total: a reader may know the total from elsewhere, so a
    # lone c in it is given away, whatever its value (the audit cannot know the total's value to say more).
    for key, where in reading.lone_withheld:
        findings.append(Finding(key, describe(key), math.nan, math.nan, [where], [],
                                necessary=[LONE_IN_GROUP], sources=[LONE_IN_GROUP]))
    lp_differs = []
    if compare_lp:
        for interval in intervals:
            relaxed = solver.interval(interval.key, relax=True)
            rounded = (math.ceil(relaxed.low - 1e-6), math.floor(relaxed.high + 1e-6) if relaxed.high != math.inf
                       else math.inf)
            if (interval.low, interval.high) != rounded:
                lp_differs.append((interval, relaxed))
    return Audit(folder, threshold, edition.years, intervals, findings, solver.problems, reading, lp_differs,
                 time.perf_counter() - started)


def edition_folders(site: Path) -> list[Path]:
    """The edition folders of a built site: the folder itself if it holds years, and any subfolder that does."""
    site = Path(site)
    found = [site] if year_folders(site) else []
    found += [p for p in sorted(site.iterdir()) if p.is_dir() and not re.fullmatch(r"\d{4}|latest", p.name)
              and year_folders(p)]
    return found
