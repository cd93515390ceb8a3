"""The command line: each command converts its arguments, calls one function,
and turns a BuildError into a short message and exit status 1."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import ONE_THREAD
from .problems import BuildError, Problem, summarise


def _project(args) -> Path:
    return Path(args.project).resolve()


def cmd_build(args) -> int:
    from .build import build

    report = build(_project(args), Path(args.out) if args.out else None, years=args.year or None,
                   internal_dir=Path(args.internal_out) if args.internal_out else None, cache=not args.no_cache,
                   pdf=not args.no_pdf)
    print(report.summary())
    for line in summarise(report.warnings, show=lambda p: f"  warning: {p}"):
        print(line if line.startswith("  warning") else f"  {line}")
    return 0


def cmd_validate(args) -> int:
    from .config import load_authority
    from .load import load_dataset
    from .validate import validate

    project = _project(args)
    dataset, problems = load_dataset(project / "data", load_authority(project / "authority.yml"))
    problems += validate(dataset)
    for line in summarise(problems, show=lambda p: f"{p.severity}: {p}"):
        print(line)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    print(f"{len(errors):,} error{'' if len(errors) == 1 else 's'}, {warnings:,} warning{'' if warnings == 1 else 's'} "
          "in data/")
    return 1 if errors else 0


def cmd_preview(args) -> int:
    from .preview import preview

    preview(_project(args), port=args.port, years=args.year or None)
    return 0


def cmd_extract(args) -> int:
    from .config import load_authority
    from .extract import extract_to_data

    project = _project(args)
    source = Path(args.source).resolve()
    if project in source.parents or source == project:
        raise BuildError_outside(source)
    authority = load_authority(project / "authority.yml")
    report = extract_to_data(source, project / "data", authority.la_code, years=args.year or None)
    print(report)
    return 0


def BuildError_outside(source: Path) -> BuildError:  # noqa: N802
    return BuildError(Problem("extract-inside-repo", "the SSDA903 files are inside the repository",
                              file=str(source), hint="keep child-level files outside the repository, "
                                                     "e.g. in a folder on your own drive"), stage="extract")


def cmd_new_year(args) -> int:
    from .newyear import new_year

    for line in new_year(_project(args), args.year):
        print(line)
    return 0


def cmd_audit(args) -> int:
    from .audit import audit_edition, edition_folders
    from .config import load_authority

    project = _project(args)
    site = Path(args.site) if args.site else project / "site"
    threshold = args.threshold
    authority = load_authority(project / "authority.yml") if (project / "authority.yml").is_file() else None
    if threshold is None:
        threshold = authority.suppression_threshold
    population = Path(args.population) if args.population else project / "data" / "reference" / "population.csv"
    editions = edition_folders(site) if site.is_dir() else []
    internal = site.with_name(site.name + "-internal")
    if not args.site and internal.is_dir():
        editions += edition_folders(internal)
    if not editions:
        print(f"{site}: no statement years found (expected folders such as 2026/ with downloads/)", file=sys.stderr)
        return 1
    failed = False
    for folder in editions:
        result = audit_edition(folder, population, threshold, content=project / "content",
                               categories=authority.categories if authority else None)
        print(result.summary())
        failed = failed or bool(result.findings or result.problems)
    return 1 if failed else 0


def cmd_build_all(args) -> int:
    from .consortium import build_projects, find_projects

    projects = [Path(p).resolve() for p in args.projects] or find_projects(_project(args))
    if not projects:
        raise BuildError(Problem("no-projects", "no project folder (a folder with authority.yml) was found",
                                 file=str(_project(args))), stage="build-all")
    results = build_projects(projects, jobs=args.jobs)
    for result in results:
        print(f"{result.project}:\n{result.summary}")
    failed = [r.project.name for r in results if not r.ok]
    if failed:
        print(f"{len(failed)} of {len(results)} projects failed: {', '.join(failed)}")
    return 1 if failed else 0


def cmd_assemble(args) -> int:
    from .consortium import assemble

    sites = {}
    for entry in args.sites:
        name, _, folder = entry.partition("=")
        if not folder:
            raise BuildError(Problem("assemble-usage", "each site is written name=folder", value=entry,
                                     hint="e.g. bristol=examples/bristol/site"), stage="assemble")
        sites[name] = Path(folder).resolve()
    assemble(sites, Path(args.out).resolve())
    print(f"Assembled {len(sites)} public sites into {args.out}")
    return 0


def cmd_example_data(args) -> int:
    from .example import make_example_data

    make_example_data(_project(args))
    print("Regenerated the example authority's data/ folder.")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sufficiency", description="Build sufficiency statement sites.")
    p.add_argument("--project", default=".", help="the project folder (default: the current folder)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build every year: the public edition into site/ (what is published), "
                                     "the internal edition into site-internal/")
    b.add_argument("--out", help="the public edition's folder, the one to publish (default: site/)")
    b.add_argument("--internal-out", help="the internal edition's folder (not for publication; default: "
                                          "site-internal/ beside the public folder, never inside it)")
    b.add_argument("--year", type=int, action="append", help="build only this year (repeatable)")
    b.add_argument("--no-cache", action="store_true",
                   help="rebuild every year from scratch (by default a year whose inputs are unchanged is reused "
                        "from .build/cache/, byte for byte what a fresh build writes)")
    b.add_argument("--no-pdf", action="store_true",
                   help="build the pages without the PDF edition, for quick local builds (by default each edition "
                        "pdf_editions in authority.yml lists gets a PDF: about 8 s CPU a year and edition); no page "
                        "then links to a PDF, so publish a build made without this option")
    b.set_defaults(func=cmd_build)

    ba = sub.add_parser("build-all", help="build several projects in parallel, each into its own site/ and "
                                           "site-internal/ (default: this project and every one under examples/)")
    ba.add_argument("projects", nargs="*", help="project folders (each with its own authority.yml)")
    ba.add_argument("--jobs", type=int, help="projects built at once (default: one per core)")
    ba.set_defaults(func=cmd_build_all)

    asm = sub.add_parser("assemble", help="put several councils' public sites under one folder with a landing "
                                          "page (a consortium's single Pages site)")
    asm.add_argument("sites", nargs="+", help="name=folder of a built public site, e.g. bristol=examples/bristol/site")
    asm.add_argument("--out", default="consortium-site", help="the folder to write (default: consortium-site/)")
    asm.set_defaults(func=cmd_assemble)

    v = sub.add_parser("validate", help="check data/ against the data contract and list every problem")
    v.set_defaults(func=cmd_validate)

    pr = sub.add_parser("preview", help="live preview: rebuild on every save of content/ or data/")
    pr.add_argument("--port", type=int, default=8000, help="port to serve the preview on (default 8000)")
    pr.add_argument("--year", type=int, action="append", help="preview only this year (faster)")
    pr.set_defaults(func=cmd_preview)

    e = sub.add_parser("extract", help="compute the 903 tables from SSDA903 files outside the repository")
    e.add_argument("source", help="folder of SSDA903 CSV files")
    e.add_argument("--year", type=int, action="append", help="only this year (repeatable)")
    e.set_defaults(func=cmd_extract)

    n = sub.add_parser("new-year", help="start a new statement year from the previous year's narrative")
    n.add_argument("year", type=int, help="the new statement year (year ending 31 March), e.g. 2027")
    n.set_defaults(func=cmd_new_year)

    a = sub.add_parser("audit", help="check a built site as a reader would: whether any withheld figure (c) can be "
                                     "worked out from what was published")
    a.add_argument("site", nargs="?", help="the built site or one edition's folder (default: site/ and "
                                           "site-internal/)")
    a.add_argument("--threshold", type=int, help="smallest allowed range (default: suppression_threshold "
                                                 "in authority.yml)")
    a.add_argument("--population", help="the ONS population CSV (default: data/reference/population.csv)")
    a.set_defaults(func=cmd_audit)

    x = sub.add_parser("example-data", help="regenerate the example authority's data/ (synthetic)")
    x.set_defaults(func=cmd_example_data)
    return p


def main(argv: list[str] | None = None) -> int:
    for name, value in ONE_THREAD.items():  # before numpy is imported (see generator.ONE_THREAD)
        os.environ.setdefault(name, value)
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BuildError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a fault of the tool: one message, never a traceback
        print(unexpected(args.command, exc), file=sys.stderr)
        if os.environ.get("SUFFICIENCY_DEBUG"):
            raise
        return 2


def unexpected(command: str, exc: BaseException) -> str:
    """The message for an error the tool did not foresee: what happened and what to do, no traceback."""
    where, tb = "", exc.__traceback__
    package = str(Path(__file__).resolve().parent)
    while tb is not None:  # the last place in the tool's own code
        path = Path(tb.tb_frame.f_code.co_filename)
        if str(path).startswith(package):
            where = f" ({path.relative_to(Path(package).parent).as_posix()}, line {tb.tb_lineno})"
        tb = tb.tb_next
    return (f"{command} stopped: an unexpected error in the tool, not a mistake it can point to in your files: "
            f"{type(exc).__name__}: {exc}{where}\n"
            "  Please report it with the command you ran; SUFFICIENCY_DEBUG=1 shows the details.")


if __name__ == "__main__":
    sys.exit(main())
