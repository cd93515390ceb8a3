"""The authority's settings, read from ``authority.yml``."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .categories import Categories, read_categories
from .problems import BuildError, Problem


@dataclass(frozen=True)
class Authority:
    name: str
    short_name: str
    la_code: str
    statistical_neighbours: str
    statement_years: tuple[int, ...]
    site_url: str = ""
    repo_url: str = ""
    suppression_threshold: int = 5
    restricted_names: tuple[str, ...] = field(default_factory=tuple)
    contact: dict = field(default_factory=dict)
    #: Yearly rise in unit costs the forecast's projected spend assumes (0.04: 4% a year).
    inflation: float = 0.04
    #: The council's own categories (age bands, placement types, service lines, routes ...), issue 10.
    categories: Categories = field(default_factory=Categories)


REQUIRED = ("name", "short_name", "la_code", "statistical_neighbours", "statement_years")
OPTIONAL = ("site_url", "repo_url", "suppression_threshold", "restricted_names", "contact", "inflation",
            "categories")


def load_authority(path: Path) -> Authority:
    """Read and check authority.yml; every problem is reported at once."""
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise BuildError(Problem("config-missing", "the authority's settings file is missing", file=str(path)),
                         stage="config") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise BuildError(Problem("config-yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                 file=name, line=None if line is None else line + 1), stage="config") from None
    problems = []
    for key in REQUIRED:
        if key not in raw:
            problems.append(Problem("config-key-missing", f"setting {key!r} is missing", file=name))
    for key in raw:
        if key not in REQUIRED + OPTIONAL:
            import difflib
            near = difflib.get_close_matches(key, REQUIRED + OPTIONAL, n=1)
            problems.append(Problem("config-key-unknown", f"unknown setting {key!r}", file=name,
                                    hint=f"did you mean {near[0]!r}?" if near else None))
    years = raw.get("statement_years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        problems.append(Problem("config-years", "statement_years must be a list of years", file=name,
                                value=years, expected="e.g. [2024, 2025, 2026]"))
    threshold = raw.get("suppression_threshold", 5)
    if not isinstance(threshold, int) or threshold < 0:
        problems.append(Problem("config-threshold", "suppression_threshold must be a whole number",
                                file=name, value=threshold))
    inflation = raw.get("inflation", 0.04)
    if isinstance(inflation, bool) or not isinstance(inflation, (int, float)) or not -0.5 < inflation < 1:
        problems.append(Problem("config-inflation", "inflation must be a yearly rate as a decimal",
                                file=name, value=inflation, expected="e.g. 0.04 for 4% a year"))
    categories, category_problems = read_categories(raw.get("categories"), name)
    problems += category_problems
    if problems:
        raise BuildError(problems, stage="config")
    return Authority(
        name=raw["name"], short_name=raw["short_name"], la_code=str(raw["la_code"]),
        statistical_neighbours=raw["statistical_neighbours"],
        statement_years=tuple(sorted(years)), site_url=raw.get("site_url", ""),
        repo_url=raw.get("repo_url", ""), suppression_threshold=threshold,
        restricted_names=tuple(str(n) for n in raw.get("restricted_names", []) or []),
        contact=dict(raw.get("contact", {}) or {}),
        inflation=float(inflation) if isinstance(inflation, (int, float)) else 0.04,
        categories=categories,
    )
