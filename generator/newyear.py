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

import yaml

from .config import load_authority
from .inputs import read_text
from .problems import BuildError, Problem


def new_year(project: Path, year: int) -> list[str]:
    content = project / "content"
    target = content / str(year)
    if target.exists():
        raise BuildError(Problem("year-exists", f"content/{year}/ already exists", file=f"content/{year}/"),
                         stage="new-year")
    earlier = sorted(int(p.name) for p in content.iterdir() if p.is_dir() and p.name.isdigit()
                     and int(p.name) < year) if content.is_dir() else []
    if not earlier:
        raise BuildError(Problem("year-no-earlier", "there is no earlier year to start from", file="content/",
                                 expected="a folder such as content/2026/ with last year's narrative"),
                         stage="new-year")
    settings = project / "authority.yml"
    authority = load_authority(settings)  # a broken authority.yml is reported before anything is copied
    source = content / str(earlier[-1])
    # A new statement starts with no updates: amendments.yml belongs to the year it corrects.
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("amendments.yml"))
    lines = [f"Copied content/{earlier[-1]}/ to content/{year}/ as a first draft."]
    if year in authority.statement_years:
        lines.append(f"{year} is already in statement_years in authority.yml.")
    else:
        text = read_text(settings, "authority.yml", stage="new-year")
        edited = add_statement_year(text, year)
        if edited is not None:
            settings.write_text(edited, encoding="utf-8")
            lines.append(f"Added {year} to statement_years in authority.yml.")
        else:
            years = ", ".join(map(str, sorted({*authority.statement_years, year})))
            lines.append(f"Not done: authority.yml's statement_years is laid out in a way this command does not "
                         f"edit. Add {year} yourself, so that it reads: statement_years: [{years}]")
    lines.append(f"Set published and next_update in content/{year}/statement.yml.")
    if not (project / "data" / str(year)).exists():
        lines.append(f"Next: put the {year} tables in data/{year}/ (./run extract <folder of 903 files> for the "
                     "903 tables), then ./run preview.")
    return lines


_FLOW = re.compile(r"^(statement_years:[ \t]*\[)([^\]\n]*)(\])", flags=re.M)
_BLOCK = re.compile(r"^statement_years:[ \t]*(#.*)?\n((?:[ \t]*(?:#.*)?\n|[ \t]*-[ \t]*\d{4}[ \t]*(?:#.*)?\n)*)",
                    flags=re.M)
_ITEM = re.compile(r"^([ \t]*)-[ \t]*(\d{4})", flags=re.M)


def add_statement_year(text: str, year: int) -> str | None:
    """authority.yml's text with ``year`` added to ``statement_years``, comments and layout kept; None if the
    layout is not one this recognises (or the result would not read back as the same settings plus the year).

    Two layouts are edited: ``statement_years: [2024, 2025, 2026]`` (the year is added in order) and one
    ``  - 2026`` line per year (a line for the year is added after the last, with the same indentation).
    """
    if not text.endswith("\n"):
        text += "\n"
    edited = None
    if match := _FLOW.search(text):
        items = [item.strip() for item in match.group(2).split(",") if item.strip()]
        if all(item.isdigit() for item in items):
            years = sorted({int(item) for item in items} | {year})
            edited = text[:match.start(2)] + ", ".join(map(str, years)) + text[match.end(2):]
    elif (match := _BLOCK.search(text)) and (items := list(_ITEM.finditer(match.group(2)))):
        last = items[-1]
        at = match.start(2) + match.group(2).index("\n", last.start()) + 1
        edited = text[:at] + f"{last.group(1)}- {year}\n" + text[at:]
    if edited is None:
        return None
    before, after = yaml.safe_load(text), yaml.safe_load(edited)
    if not isinstance(after, dict) or sorted(after.get("statement_years") or []) != sorted(
            {*before.get("statement_years", []), year}):
        return None
    if {k: v for k, v in after.items() if k != "statement_years"} != {
            k: v for k, v in before.items() if k != "statement_years"}:
        return None
    return edited
