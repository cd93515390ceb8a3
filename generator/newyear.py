"""Start a new statement year: copy last year's narrative as the first draft.

Data for the new year goes into data/<year>/ (by extract or by hand); the
narrative is copied from the latest earlier year so commissioners edit rather
than start again; the year is added to authority.yml's statement_years.
Published years are never touched.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from .problems import BuildError, Problem


def new_year(project: Path, year: int) -> list[str]:
    content = project / "content"
    target = content / str(year)
    if target.exists():
        raise BuildError(Problem("year-exists", f"content/{year}/ already exists", file=f"content/{year}/"),
                         stage="new-year")
    earlier = sorted(int(p.name) for p in content.iterdir() if p.is_dir() and p.name.isdigit() and int(p.name) < year)
    if not earlier:
        raise BuildError(Problem("year-no-earlier", "there is no earlier year to start from", file="content/"),
                         stage="new-year")
    source = content / str(earlier[-1])
    # A new statement starts with no updates: amendments.yml belongs to the year it corrects.
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("amendments.yml"))
    settings = project / "authority.yml"
    text = settings.read_text(encoding="utf-8")
    match = re.search(r"^statement_years:\s*\[(.*?)\]\s*$", text, flags=re.M)
    if match:
        years = sorted({int(y) for y in match.group(1).split(",") if y.strip()} | {year})
        text = text[:match.start()] + f"statement_years: [{', '.join(map(str, years))}]" + text[match.end():]
        settings.write_text(text, encoding="utf-8")
    lines = [f"Copied content/{earlier[-1]}/ to content/{year}/ as a first draft.",
             f"Added {year} to statement_years in authority.yml.",
             f"Set published and next_update in content/{year}/statement.yml."]
    if not (project / "data" / str(year)).exists():
        lines.append(f"Next: put the {year} tables in data/{year}/ (./run extract <folder of 903 files> for the "
                     "903 tables), then ./run preview.")
    return lines
