"""Many councils: build several projects at once, and put their public sites under one address.

``build_projects`` builds each project folder (its own ``authority.yml``,
``data/``, ``content/``) into its own ``site/`` and ``site-internal/``, the
projects in parallel worker processes (one core each), each exactly as
``build`` alone would. A failed project stops nothing else; the command
reports every project and exits non-zero if any failed.

``assemble`` puts the public sites of several councils into one folder
(``<out>/<council>/``) with a landing page listing them: what a consortium
publishing from one repository deploys, since GitHub Pages serves one site a
repository. Only public editions are assembled; internal editions stay with
each council.
"""
from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path

from .problems import BuildError


@dataclass
class ProjectResult:
    project: Path
    summary: str
    ok: bool


def _build_one(project: str) -> ProjectResult:
    from .build import build
    from .cli import unexpected
    from .problems import summarise

    try:
        report = build(Path(project), jobs=1)
        warnings = summarise(report.warnings, show=lambda p: f"  warning: {p}")
        return ProjectResult(Path(project), "\n".join([report.summary(), *warnings]), True)
    except BuildError as exc:
        return ProjectResult(Path(project), exc.report(), False)
    except Exception as exc:  # noqa: BLE001 - one project's fault stops no other, and shows no traceback
        return ProjectResult(Path(project), unexpected("build", exc), False)


def find_projects(root: Path) -> list[Path]:
    """``root`` itself if it is a project, and every project folder under ``root/examples/``."""
    found = [root] if (root / "authority.yml").is_file() else []
    examples = root / "examples"
    if examples.is_dir():
        found += sorted(p for p in examples.iterdir() if (p / "authority.yml").is_file())
    return found


def build_projects(projects: list[Path], jobs: int | None = None) -> list[ProjectResult]:
    """Build every project, in parallel processes (results in the order given)."""
    from .build import worker_pool

    with worker_pool(jobs) as pool_map:
        return list(pool_map(_build_one, [str(Path(p).resolve()) for p in projects]))


def assemble(sites: dict[str, Path], out: Path, title: str = "Placement sufficiency statements") -> None:
    """``out/<name>/`` for each council's public site, and ``out/index.html`` listing them."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    items = []
    for name, site in sorted(sites.items()):
        if not (site / "versions.json").is_file() or site.name.endswith("-internal"):
            from .problems import Problem

            raise BuildError(Problem("assemble-not-a-site", "not a built public site (no versions.json, or an "
                                     "internal edition)", file=str(site),
                                     hint="assemble the site/ folder a build wrote, never site-internal/"),
                             stage="assemble")
        shutil.copytree(site, out / name)
        items.append(f'<li><a href="{html.escape(name)}/">{html.escape(name.replace("-", " ").title())}</a></li>')
    (out / "index.html").write_text(f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;line-height:1.5;color:#1a1a1a}}a{{color:#1a4f8b}}</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
<p>Each council's placement sufficiency statement and market position statement.</p>
<ul>
{chr(10).join(items)}
</ul>
</main>
</body>
</html>
""", encoding="utf-8")
