"""Release metadata: when a year's statement was published, last updated and next due, and its updates.

A statistics release says on every page when it was published, when it was last
updated and when the next one is due, and lists every change made after
publication with its date and reason (as GOV.UK and Explore Education Statistics
do). The dates come from ``content/<year>/statement.yml``::

    published: 2026-10-14
    next_update: October 2027      # a date (13 October 2027) or words

and the changes from ``content/<year>/amendments.yml``, oldest first::

    - date: 2026-11-20
      change: Corrected the number of fostering households in the fostering section.
      reason: The fostering service's return counted two households twice.
      pages: [sufficiency/fostering.md]     # optional: the pages it touched (default: the whole statement)

An amended year is rebuilt in place: its address (``<year>/``) does not change;
the updates list on ``updates/`` and the "Updates to this page" list on each page
it touched say what changed, when and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from . import inputs
from .problems import BuildError, Problem

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
AMENDMENT_KEYS = ("date", "change", "reason", "pages")


def long_date(day: date) -> str:
    """``14 October 2026``: the same on every machine (no locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Amendment:
    date: date
    change: str
    reason: str
    pages: tuple[str, ...] = ()  # docs paths it touched; empty: the whole statement

    def touches(self, page: str) -> bool:
        return not self.pages or page in self.pages


@dataclass
class Release:
    published: date
    next_update: str = ""          # as shown: "13 October 2027" or the words given
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def last_updated(self) -> date:
        return max([self.published, *(a.date for a in self.amendments)])

    def page_updated(self, page: str) -> date:
        return max([self.published, *(a.date for a in self.amendments if a.touches(page))])

    def for_theme(self) -> dict:
        """Plain values for the theme (``config.extra.release``): dates already written out."""
        return {
            "published": long_date(self.published),
            "published_iso": self.published.isoformat(),
            "last_updated": long_date(self.last_updated),
            "last_updated_iso": self.last_updated.isoformat(),
            "next_update": self.next_update,
            "amendments": [{"date": long_date(a.date), "iso": a.date.isoformat(), "change": a.change,
                            "reason": a.reason, "pages": list(a.pages)} for a in self.amendments],
        }


def _date(value, where: str, key: str, problems: list[Problem], line: int | None = None) -> date | None:
    day = inputs.parse_date(value) if value is not None else None
    if day is None:
        problems.append(Problem("release-date", f"'{key}' is not a date", file=where, line=line, column=key,
                                value=value, expected=inputs.DATE_FORMATS))
    return day


def read_release(content_dir: Path, statement: dict, year: int, pages: list[str]) -> Release:
    """The year's release dates (statement.yml) and updates (amendments.yml), every problem at once."""
    problems: list[Problem] = []
    where = f"content/{content_dir.name}/statement.yml"
    published = statement.get("published")  # read_statement has made it a date
    published = date(year, 9, 30) if published is None else _date(published, where, "published", problems)
    next_update = statement.get("next_update", "")
    if isinstance(next_update, (date, str)) and inputs.parse_date(next_update):
        next_update = long_date(inputs.parse_date(next_update))
    elif next_update is None:
        next_update = ""
    elif not isinstance(next_update, str):
        problems.append(Problem("release-date", "'next_update' must be a date (2027-10-13) or words (October 2027)",
                                file=where, column="next_update", value=next_update))
        next_update = ""
    amendments = read_amendments(content_dir / "amendments.yml", f"content/{content_dir.name}/amendments.yml",
                                 published, pages, problems)
    if problems:
        raise BuildError(problems, stage="release")
    return Release(published, next_update.strip(), amendments)


def read_amendments(path: Path, where: str, published: date | None, pages: list[str],
                    problems: list[Problem]) -> list[Amendment]:
    """``amendments.yml``: a list of updates, each with a date, what changed and why."""
    if not path.is_file():
        return []
    text = inputs.read_text(path, where, stage="content")
    try:
        root = yaml.compose(text)
        entries = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem("amendments-yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}", file=where,
                                line=mark.line + 1 if mark else None))
        return []
    if entries is None:
        return []
    if not isinstance(entries, list):
        problems.append(Problem("amendments-list", "the file must be a list of updates, each starting with '- date:'",
                                file=where, line=1, hint="see docs/commissioners.md, 'Correcting a published year'"))
        return []
    found = []
    for number, (entry, node) in enumerate(zip(entries, root.value), start=1):
        line = node.start_mark.line + 1
        if not isinstance(entry, dict):
            problems.append(Problem("amendment-entry", f"update {number} must have date, change and reason",
                                    file=where, line=line, value=entry))
            continue
        for key in sorted(set(entry) - set(AMENDMENT_KEYS)):
            problems.append(Problem("amendment-key", f"update {number} has an unknown key", file=where, line=line,
                                    value=key, hint=f"the keys are {', '.join(AMENDMENT_KEYS)}"))
        day = _date(entry.get("date"), where, "date", problems, line)
        texts = {}
        for key, what in (("change", "what changed"), ("reason", "why it changed")):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem("amendment-missing", f"update {number} must say {what} ('{key}')",
                                        file=where, line=line, column=key, value=value))
            else:
                texts[key] = " ".join(value.split())
        touched = entry.get("pages") or []
        if isinstance(touched, str):
            touched = [touched]
        for page in touched:
            if page not in pages:
                problems.append(Problem("amendment-page", f"update {number} names a page the statement does not have",
                                        file=where, line=line, column="pages", value=page,
                                        hint="use a path from statement.yml's nav, e.g. sufficiency/need.md"))
        if day is not None and published is not None and day < published:
            problems.append(Problem("amendment-date", f"update {number} is dated before the statement was published "
                                    f"({published.isoformat()})", file=where, line=line, column="date",
                                    value=day.isoformat()))
        if day is not None and len(texts) == 2:
            found.append(Amendment(day, texts["change"], texts["reason"], tuple(str(p) for p in touched)))
    return sorted(found, key=lambda a: a.date)


def updates_page(year: int, release: Release, titles: dict[str, str]) -> str:
    """The year's updates list: every change since publication, newest first, with date and reason."""
    lines = ["---", "title: Updates to this statement",
             f"description: Every change to the {year - 1} to {year} statement since it was published, with its "
             "date and reason", "---", "", "# Updates to this statement", ""]
    lines += ["A published statement is corrected in place, at the same address; each correction is listed "
              "here with the date it was made and why.", ""]
    if not release.amendments:
        lines += ["There have been no updates since this statement was published.", ""]
        return "\n".join(lines)
    lines += ["| Date | What changed | Why | Pages |", "| --- | --- | --- | --- |"]
    for amendment in reversed(release.amendments):
        pages = ", ".join(f"[{titles.get(p, p)}]({p})" for p in amendment.pages) or "the whole statement"
        cells = [long_date(amendment.date), amendment.change, amendment.reason, pages]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    return "\n".join(lines)
