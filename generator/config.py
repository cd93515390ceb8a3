"""The authority's settings, read from ``authority.yml``."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .categories import Categories, read_categories
from .inputs import read_yaml
from .problems import BuildError, Problem


@dataclass(frozen=True)
class Authority:
    name: str
    short_name: str
    la_code: str
    statistical_neighbours: str
    statement_years: tuple[int, ...]
    #: Where the public edition is published (GitHub Pages): site/ is served here.
    site_url: str = ""
    #: Where the internal edition is hosted, if anywhere (an intranet, a private Pages site);
    #: never a public address. Only the internal edition's own links use it.
    internal_site_url: str = ""
    repo_url: str = ""
    suppression_threshold: int = 5
    restricted_names: tuple[str, ...] = field(default_factory=tuple)
    contact: dict = field(default_factory=dict)
    #: Yearly rise in unit costs the forecast's projected spend assumes (0.04: 4% a year).
    inflation: float = 0.04
    #: Years of flows the forecast's rates pool (its reference window); None: chosen by the backtest.
    forecast_window: int | None = None
    #: The council's own categories (age bands, placement types, service lines, routes ...), issue 10.
    categories: Categories = field(default_factory=Categories)
    #: The editions that get a PDF of the whole statement (pdf.py): both by default; ``build --no-pdf``: none.
    pdf_editions: tuple[str, ...] = ("public", "internal")


REQUIRED = ("name", "short_name", "la_code", "statistical_neighbours", "statement_years")
#: Settings that are one line of text.
TEXT_SETTINGS = ("name", "short_name", "la_code", "statistical_neighbours", "site_url", "internal_site_url",
                 "repo_url")
OPTIONAL = ("site_url", "internal_site_url", "repo_url", "suppression_threshold", "restricted_names", "contact",
            "inflation", "forecast_window", "categories", "pdf_editions")


EXAMPLE = "name: Castlebridge Borough Council, then short_name:, la_code:, statistical_neighbours: and " \
          "statement_years: [2024, 2025, 2026], each on its own line"


def load_authority(path: Path) -> Authority:
    """Read and check authority.yml; every problem is reported at once."""
    name = path.name
    try:
        settings = read_yaml(path, name, EXAMPLE, stage="config")
    except FileNotFoundError:
        raise BuildError(Problem("config-missing", "the authority's settings file is missing", file=str(path)),
                         stage="config") from None
    raw, at = settings.data, settings.line
    problems = []
    for key in REQUIRED:
        if key not in raw:
            problems.append(Problem("config-key-missing", f"setting {key!r} is missing", file=name))
    for key in raw:
        if key not in REQUIRED + OPTIONAL:
            import difflib
            near = difflib.get_close_matches(str(key), REQUIRED + OPTIONAL, n=1)
            problems.append(Problem("config-key-unknown", f"unknown setting {key!r}", file=name, line=at(str(key)),
                                    hint=f"did you mean {near[0]!r}?" if near else None))
    for key in TEXT_SETTINGS:
        value = raw.get(key)
        if key in raw and value is not None and not isinstance(value, (str, int, float)):
            problems.append(Problem("config-not-text", f"{key} must be one line of text", file=name, line=at(key),
                                    value=value, hint="write it on the same line as the setting, e.g. "
                                                      f"{key}: ..."))
    years = raw.get("statement_years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        problems.append(Problem("config-years", "statement_years must be a list of years", file=name,
                                line=at("statement_years"), value=years,
                                expected="e.g. [2024, 2025, 2026], or one '- 2026' line per year below it"))
        years = []
    names = raw.get("restricted_names")
    if names is not None and (not isinstance(names, list) or any(isinstance(n, (list, dict)) for n in names)):
        problems.append(Problem("config-names", "restricted_names must be a list, one name or contact detail a "
                                "line", file=name, line=at("restricted_names"), value=names,
                                expected="lines such as '  - Priya Holloway' below restricted_names:"))
        names = []
    contact = raw.get("contact")
    if contact is not None and not isinstance(contact, dict):
        problems.append(Problem("config-contact", "contact must be settings below it (team:, email:)",
                                file=name, line=at("contact"), value=contact,
                                expected="lines such as '  email: commissioning@council.gov.uk' below contact:"))
        contact = {}
    threshold = raw.get("suppression_threshold", 5)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 0:
        problems.append(Problem("config-threshold", "suppression_threshold must be a whole number",
                                file=name, line=at("suppression_threshold"), value=threshold))
    inflation = raw.get("inflation", 0.04)
    if isinstance(inflation, bool) or not isinstance(inflation, (int, float)) or not -0.5 < inflation < 1:
        problems.append(Problem("config-inflation", "inflation must be a yearly rate as a decimal",
                                file=name, line=at("inflation"), value=inflation,
                                expected="e.g. 0.04 for 4% a year"))
    public_url = str(raw.get("site_url") or "").strip().rstrip("/").lower()
    internal_url = str(raw.get("internal_site_url") or "").strip().rstrip("/").lower()
    if public_url and internal_url and (internal_url + "/").startswith(public_url + "/"):
        problems.append(Problem("config-internal-url", "internal_site_url is inside the public site: the internal "
                                "edition must never be on public hosting", file=name,
                                line=at("internal_site_url"), value=raw.get("internal_site_url"),
                                expected="an address behind the council's access control, outside site_url"))
    window = raw.get("forecast_window")
    if window is not None and (isinstance(window, bool) or not isinstance(window, int) or not 2 <= window <= 10):
        problems.append(Problem("config-forecast-window", "forecast_window must be a number of years from 2 to 10",
                                file=name, line=at("forecast_window"), value=window,
                                expected="e.g. 3, or leave it out to let the backtest choose"))
    pdf_editions = raw.get("pdf_editions", ["public", "internal"])
    if not isinstance(pdf_editions, list) or not set(map(str, pdf_editions)) <= {"public", "internal"}:
        problems.append(Problem("config-pdf-editions", "pdf_editions must list the editions that get a PDF",
                                file=name, line=at("pdf_editions"), value=pdf_editions,
                                expected="[public, internal] (the default), [public], [internal] or []"))
        pdf_editions = ["public", "internal"]
    categories, category_problems = read_categories(raw.get("categories"), name)
    problems += category_problems
    if problems:
        raise BuildError(problems, stage="config")
    return Authority(
        name=str(raw["name"]), short_name=str(raw["short_name"]), la_code=str(raw["la_code"]),
        statistical_neighbours=str(raw["statistical_neighbours"]),
        statement_years=tuple(sorted(years)), site_url=str(raw.get("site_url") or ""),
        internal_site_url=str(raw.get("internal_site_url") or ""),
        repo_url=str(raw.get("repo_url") or ""), suppression_threshold=threshold,
        restricted_names=tuple(str(n) for n in names or [] if n is not None),
        contact=dict(contact or {}),
        inflation=float(inflation) if isinstance(inflation, (int, float)) else 0.04,
        forecast_window=window,
        categories=categories,
        pdf_editions=tuple(e for e in ("public", "internal") if e in map(str, pdf_editions)),
    )
