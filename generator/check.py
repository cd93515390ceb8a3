"""Check: what is about to be published, file by file, before it replaces site/.

The leak scan reads every file a provider edition wrote (HTML, the search
index, sitemaps including the gzipped one, CSV, SVG, JSON, JS) and fails the
build if any withheld string appears in it.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from .problems import Problem

TEXT_SUFFIXES = {".html", ".htm", ".json", ".xml", ".csv", ".svg", ".js", ".txt", ".md", ".css", ".map"}


def read_published(path: Path) -> str | None:
    """A published file's text (gzip unpacked); None for binary files we cannot read as text."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    return data.decode("utf-8", errors="replace")


def leak_scan(site_root: Path, withheld: list[str], label: str) -> list[Problem]:
    """Every file under ``site_root`` that contains a withheld string (case-insensitive)."""
    problems = []
    needles = [(w, w.lower()) for w in withheld if w.strip()]
    if not needles:
        return problems
    for path in sorted(site_root.rglob("*")):
        if not path.is_file():
            continue
        text = read_published(path)
        if text is None:
            continue
        lowered = text.lower()
        for original, needle in needles:
            if needle in lowered:
                problems.append(Problem("leak", f"{label} contains withheld text {original!r}",
                                        file=str(path.relative_to(site_root.parent.parent if label.startswith(
                                            "provider") else site_root.parent))))
    return problems


def check_site(staging: Path, trees, authority) -> list[Problem]:
    """All pre-publication checks over the staging folder."""
    problems: list[Problem] = []
    for tree in trees:
        if tree.edition != "provider":
            continue
        root = staging / tree.site_path
        problems += leak_scan(root, tree.withheld, f"provider edition {tree.year}")
    return problems
