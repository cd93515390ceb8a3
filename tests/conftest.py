"""Shared fixtures: the example site is built once per test session."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("authority.yml", "mkdocs.yml", "content", "data", "theme")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The whole example (every year, both editions), built once into a temporary folder: the public
    edition in ``site/`` (this path), the internal edition beside it (``internal_of(site)``)."""
    from generator.build import build

    out = tmp_path_factory.mktemp("example") / "site"
    build(PROJECT_DIR, out)
    return out


def internal_of(site: Path) -> Path:
    """The internal edition's folder of a site built with ``build(project, site)``: beside it."""
    return site.with_name(site.name + "-internal")


def copy_project(target: Path) -> Path:
    """A copy of the example project a test may change."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copyfile(source, target / name)
    return target


#: The peer team's SSDA903 samples: beside the clone (as CI has them), or where this workplace keeps them.
PEER_903 = next((p for p in (PROJECT_DIR.parent / "shared" / "peer903", Path("/work/shared/peer903")) if p.is_dir()),
                PROJECT_DIR.parent / "shared" / "peer903")


EXAMPLES_DIR = PROJECT_DIR / "examples"


def _build_example(name: str, tmp_path_factory) -> Path:
    """One of the real councils' example projects (issue 10), built once for the session."""
    from generator.build import build

    out = tmp_path_factory.mktemp(name) / "site"
    build(EXAMPLES_DIR / name, out, jobs=1)
    return out


@pytest.fixture(scope="session")
def bristol_site(tmp_path_factory) -> Path:
    return _build_example("bristol", tmp_path_factory)


@pytest.fixture(scope="session")
def bromley_site(tmp_path_factory) -> Path:
    return _build_example("bromley", tmp_path_factory)


def text_of(page: Path) -> str:
    """A built page's article as a reader reads it: words only (charts left out), spaces collapsed."""
    article = re.search(r"<article.*?</article>", page.read_text(encoding="utf-8"), re.S).group(0)
    article = re.sub(r"<svg.*?</svg>", " ", article, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))).strip()
