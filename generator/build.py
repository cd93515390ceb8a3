"""Build: the whole pipeline, one function you can read on one screen.

    load -> validate -> stats -> render (per year and edition) -> mkdocs -> versions -> check -> publish

Each year and edition is its own job (run in parallel on the machine's
cores): disclosure control, render its docs tree, run MkDocs. The two editions
go to two separate folders:

- ``site/``: the **public edition** only, and exactly what is deployed (GitHub
  Pages): every year, ``latest/``, ``versions.json``, ``index.html``, ``404.html``;
- ``site-internal/``: the **internal edition (not for publication)**, laid out
  the same way, beside ``site/`` and never inside it.

Everything is built into staging folders that replace ``site/`` and
``site-internal/`` only when every job and every check has passed, so a failed
build leaves the previous folders untouched. Only this module knows MkDocs.
"""
from __future__ import annotations

import dataclasses
import gc
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import yaml

from . import ONE_THREAD, check, freeze
from .catalogue import all_measures, all_outputs
from .config import load_authority
from .context import parts as context_parts
from .declared import outputs as declared_outputs
from .disclosure import EarlierYears, Protector, protected_context, suppression_summary
from .docs_tree import DocsTree, render_docs_tree
from .forecast.outlook import simulate_ahead
from .forecast.run import simulations_made, take_simulations
from .load import load_dataset
from .problems import BuildError, Problem, raise_if_errors, said_once
from .raw_html import SetAsideExtension
from .redact import EDITION_NAMES, EDITIONS, INTERNAL, PUBLIC
from .validate import validate


@dataclass
class BuildReport:
    out_dirs: dict[str, Path]   # edition -> the folder it was written to
    years: list[int]
    editions: list[str]
    pages: int = 0
    charts: int = 0
    downloads: int = 0
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)  # frozen years copied from the cache

    @property
    def out_dir(self) -> Path | None:
        """The public edition's folder (what is published), if it was built."""
        return self.out_dirs.get(PUBLIC)

    def summary(self) -> str:
        lines = [f"Built {len(self.years)} years ({', '.join(map(str, self.years))}) x {len(self.editions)} "
                 f"editions: {self.pages} pages, {self.charts} charts, {self.downloads} downloads in "
                 f"{self.seconds:.1f} s"]
        if self.reused:
            lines.append(f"  unchanged, reused from the last build: {', '.join(map(str, self.reused))}")
        if PUBLIC in self.out_dirs:
            lines.append(f"  public edition (publish this folder): {self.out_dirs[PUBLIC]}")
        if INTERNAL in self.out_dirs:
            lines.append(f"  {EDITION_NAMES[INTERNAL]}: {self.out_dirs[INTERNAL]} "
                         "(share only inside the council; never on public hosting)")
        return "\n".join(lines)


def build(project_dir: Path, out_dir: Path | None = None, years: list[int] | None = None,
          editions: tuple[str, ...] = EDITIONS, jobs: int | None = None,
          internal_dir: Path | None = None, cache: bool = True, pdf: bool = True) -> BuildReport:
    """Build every statement year, both editions.

    The public edition goes to ``out_dir`` (default ``site/``), the folder that is
    published; the internal edition to ``internal_dir`` (default: ``site-internal/``
    beside ``out_dir``), which must not be inside it. Only the folders of the
    editions built are replaced. ``cache``: reuse unchanged years and
    suppression results from ``.build/cache/`` (``False``: a cold build). ``pdf``: write the PDF edition
    of the editions ``authority.yml`` lists in ``pdf_editions`` (``False``: none, and no page links to one;
    a quicker build of the site's pages).
    """
    started = time.perf_counter()
    project_dir = Path(project_dir).resolve()
    out_dirs = output_dirs(project_dir, out_dir, internal_dir)

    authority = load_authority(project_dir / "authority.yml")
    if not pdf:
        authority = dataclasses.replace(authority, pdf_editions=())
    dataset, problems = load_dataset(project_dir / "data", authority)
    problems += validate(dataset)
    raise_if_errors(problems, stage="data")
    warnings = [p for p in problems if p.severity == "warning"]  # printed by build as validate prints them
    if authority.suppression_threshold == 0:
        warnings.append(Problem("suppression-off", "suppression_threshold is 0: every count of children is "
                                "published as it is, small numbers included", file="authority.yml",
                                severity="warning", hint="only for figures the council has already published; "
                                "remove the setting to withhold counts from 1 to 5 (the default)"))
    years = statement_years(project_dir, authority, dataset, years)

    (project_dir / ".build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="docs-", dir=project_dir / ".build"))  # one per build: builds may overlap
    staging = {edition: fresh_dir(out_dirs[edition].with_name(out_dirs[edition].name + ".staging"))
               for edition in editions}
    # Frozen years: a year whose inputs are unchanged is copied from the cache, not rebuilt (freeze.py).
    cache_on, cache = cache, freeze.YearCache(project_dir)
    code = freeze.code_fingerprint() + f"|pdf={','.join(authority.pdf_editions)}"  # --no-pdf: other pages
    keys = {year: freeze.year_key(project_dir, year, sorted(dataset.years), list(authority.statement_years),
                                  tuple(editions), code) for year in years}
    frozen = {year: hit for year in years if cache_on and (hit := cache.get(keys[year], tuple(editions)))}
    to_build = [year for year in years if year not in frozen]
    protector = Protector(dataset, authority.suppression_threshold,
                          cache_dir=project_dir / ".build" / "cache" / "protection" if cache_on else None)
    job = YearJob(project_dir, work, staging, protector, authority, tuple(editions))
    try:
        # One pool of workers for the suppression of every year of data and then the statement years'
        # jobs (each worker process costs its start and its imports).
        with worker_pool(jobs if to_build else 1) as pool_map:
            if to_build and pool_map is not map and len(to_build) > 1:
                # The statement years share their backtests' origins: the forecast's simulations are made once,
                # here, while the workers protect the data, and each year's job takes them with it.
                protector.prepare(to_build, _and_then(pool_map, lambda: _simulate_ahead(dataset, to_build)))
                job = dataclasses.replace(job, simulations=simulations_made())
            elif to_build:
                protector.prepare(to_build, pool_map)
            results = run_jobs(job, to_build, pool_map)
            problems = said_once(p for result in results for p in result.problems)
            raise_if_errors(problems, stage="build")
            problems += write_pdf_editions(project_dir, [tree for result in results for tree in result.trees],
                                           staging, authority, pool_map)
        warnings += problems
        built = {year: result.trees for year, result in zip(to_build, results)}
        for year, hit in frozen.items():
            built[year] = cache.restore(hit, staging)
        trees = [tree for year in years for tree in built[year]]
        # A page's figures shown x for want of data: said once, though both editions see it.
        warnings += said_once(w for tree in trees for w in getattr(tree, "warnings", []))
        for edition in editions:
            write_versions(staging[edition], [t for t in trees if t.edition == edition])
        problems = check.check_site(staging[PUBLIC], trees, authority) if PUBLIC in staging else []
        raise_if_errors(problems, stage="check")
        if PUBLIC in staging:
            raise_if_errors(published_audit(project_dir, staging[PUBLIC], authority), stage="audit")
    except BaseException:
        for folder in staging.values():
            shutil.rmtree(folder, ignore_errors=True)  # nothing half-built is left behind
        shutil.rmtree(work, ignore_errors=True)
        raise

    for year in to_build if cache_on else ():
        cache.put(keys[year], built[year], staging)
    if cache_on and years == sorted(authority.statement_years):
        cache.keep_only(set(keys.values()))
    for edition in editions:
        publish(staging[edition], out_dirs[edition])
    shutil.rmtree(work, ignore_errors=True)
    return BuildReport({edition: out_dirs[edition] for edition in editions}, years, list(editions),
                       pages=sum(len(t.pages) for t in trees),
                       charts=sum(t.charts for t in trees), downloads=sum(len(t.downloads) for t in trees),
                       seconds=time.perf_counter() - started,
                       warnings=warnings + [p for p in problems if p.severity == "warning"],
                       reused=sorted(frozen))


def published_audit(project_dir: Path, site: Path, authority) -> list[Problem]:
    """The independent audit (``generator.audit``) of the public edition before anything is published, where
    the council has its own categories: the site then prints sums the generator's suppression does not model
    (a DfE category made of several of the council's), which a reader could use to narrow a withheld figure.
    Every withheld figure narrower than the threshold stops the build. Without own categories the suppression's
    own audit covers every relation the site prints (and the example builds pay nothing)."""
    if authority.suppression_threshold <= 0 or not authority.categories.dimensions:
        return []
    from .audit import audit_edition, edition_folders

    problems = []
    for folder in edition_folders(site):
        result = audit_edition(folder, project_dir / "data" / "reference" / "population.csv",
                               authority.suppression_threshold, explain=False, content=project_dir / "content",
                               categories=authority.categories)
        problems += [Problem("published-audit", f"a withheld figure can be worked out too closely from what the "
                             f"site prints: {finding}", file="authority.yml", column="categories",
                             hint="tell the team that maintains the generator (a relation the suppression does not "
                                  "know); meanwhile merge the small categories into 'other' or leave the table out")
                     for finding in result.findings]
    return problems


def output_dirs(project_dir: Path, out_dir: Path | None, internal_dir: Path | None) -> dict[str, Path]:
    """Where each edition goes: the public edition to ``site/`` (what is deployed), the internal
    edition to ``site-internal/`` beside it. Neither folder may hold the other: the whole of the
    public folder is published."""
    public = Path(out_dir).resolve() if out_dir else project_dir / "site"
    internal = Path(internal_dir).resolve() if internal_dir else public.with_name(public.name + "-internal")
    if internal == public or public in internal.parents or internal in public.parents:
        raise BuildError(Problem("out-dirs", "the internal edition's folder and the public site's folder must be "
                                 "separate, neither inside the other: the whole public folder is published",
                                 value=f"public {public}, internal {internal}",
                                 hint="choose an internal folder outside the public one, e.g. site-internal/"),
                         stage="build")
    return {PUBLIC: public, INTERNAL: internal}


@dataclass
class YearResult:
    trees: list[DocsTree]
    problems: list[Problem]


@dataclass
class YearJob:
    """One statement year: disclosure control and the template names once, then each edition's
    docs tree and MkDocs build (the editions share the context and the published frames). The PDF
    edition is printed afterwards, one task a PDF (``write_pdf_editions``)."""

    project_dir: Path
    work: Path
    staging: dict[str, Path]   # edition -> its staging folder
    protector: Protector
    authority: object
    editions: tuple[str, ...] = EDITIONS
    #: The forecast's simulations made before the job (``forecast.simulate_ahead``), by their inputs.
    simulations: dict = field(default_factory=dict)

    def __call__(self, year: int) -> YearResult:
        trees, problems = [], []
        take_simulations(self.simulations)
        try:
            protector = self.protector
            view, perturbed = protector.views(year)
            context = protected_context(context_parts(), view, perturbed)
            note = suppression_summary([protector.year(y) for y in view.years])
        except BuildError as exc:
            return YearResult([], exc.problems)
        frames: dict = {}  # output name -> (output as published, masked frame): the same for both editions
        figures: dict = {}  # the charts and tables made from them: one edition's reused where its frame is the same
        earlier = EarlierYears(view, perturbed)  # earlier years' figures, built if a page asks: both editions
        for edition in self.editions:
            try:
                tree = render_docs_tree(self.project_dir, self.work, view, context,
                                        {**all_outputs(), **declared_outputs(view)}, all_measures(),
                                        edition, perturbed=perturbed, suppression_note=note, frames=frames,
                                        earlier=earlier, figures=figures)
                run_mkdocs(self.project_dir, tree, self.staging[edition] / tree.site_path, self.authority)
                trees.append(tree)
            except BuildError as exc:
                problems += exc.problems
        return YearResult(trees, problems)


def _run_in_worker(job: YearJob, year: int) -> YearResult:
    return job(year)


def _workers(jobs: int | None, tasks: int) -> int:
    return jobs or int(os.environ.get("SUFFICIENCY_JOBS", 0)) or min(tasks, os.cpu_count() or 1)


#: Imported once, by the fork server, before it forks any worker (issue 14): with "spawn" every worker
#: paid for them again. ``__main__`` first, as multiprocessing does by default. Everything a year's job
#: imports, the modules it imports only when first needed included (the catalogue's domain modules, the
#: context's parts, the Markdown extensions and MkDocs config defaults of the generator's mkdocs.yml): each
#: worker otherwise imports them itself. A name that cannot be imported is skipped by the fork server. Last,
#: ``fork_server``: the installed theme's file list and template code, made once for all the workers.
WORKER_MODULES = ("__main__", "generator.build", "generator.catalogue", "generator.catalogue.children",
                  "generator.catalogue.forecast", "generator.catalogue.market", "generator.charts", "generator.check",
                  "generator.context", "generator.contract_doc", "generator.disclosure", "generator.docs_tree",
                  "generator.downloads", "generator.forecast.context", "generator.forecast.outlook", "generator.highs",
                  "generator.pdf", "generator.render", "generator.stats.children_context",
                  "generator.stats.market_context", "generator.suppress", "markdown", "markdown.extensions.abbr",
                  "markdown.extensions.admonition", "markdown.extensions.def_list", "markdown.extensions.md_in_html",
                  "markdown.extensions.tables", "material.plugins.search.plugin", "material.templates",
                  "mkdocs.commands.build", "mkdocs.config", "mkdocs.config.defaults", "pymdownx.details",
                  "pymdownx.highlight", "pymdownx.superfences", "pymdownx.tabbed", "generator.fork_server")


def _context():
    """How worker processes start. Never a plain fork of a process that runs threads (the preview's server,
    a browser driver in the tests): a thread holding a lock when the process forks leaves the copy waiting
    for it forever.

    - Where this process runs one thread (Linux tells: ``/proc/self/task``), it imports ``WORKER_MODULES``
      itself and forks its workers: they start with everything imported and nothing is imported twice (the
      command line keeps the numerical libraries to one thread, so a build from ``sufficiency build`` is
      such a process).
    - Otherwise from a fork server: a fresh interpreter that imports ``WORKER_MODULES`` once and runs no
      thread (the numerical libraries' thread pools are kept to one thread there), so forking it is safe;
      it costs a second interpreter's imports (about 0.5 s CPU for the example).
    - Windows has neither: fresh interpreters ("spawn")."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows: fresh interpreters
        return multiprocessing.get_context("spawn")
    if _one_thread():
        _preload()
        if _one_thread():  # importing started no thread
            return multiprocessing.get_context("fork")
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_MODULES))
    # OpenBLAS (numpy's and scipy's) starts a thread on import unless told to use one: the server and its
    # workers use one (the arrays here are small; one thread also sums in the same order on any machine).
    saved = {name: os.environ.get(name) for name in ONE_THREAD}
    os.environ.update(ONE_THREAD)
    try:
        forkserver.ensure_running()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return context


def _one_thread() -> bool:
    """This process runs exactly one thread, native threads included (False where the system cannot tell)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _preload() -> None:
    """Import ``WORKER_MODULES`` here, as the fork server would (a name that cannot be imported is skipped)."""
    import contextlib
    import importlib

    for name in WORKER_MODULES:
        if name != "__main__":
            with contextlib.suppress(ImportError):
                importlib.import_module(name)


def _stop_fork_server() -> None:
    """Stop the fork server once its workers have ended and wait for it, so that its CPU time and its
    workers' (which it waited for) count in this process's children (``RUSAGE_CHILDREN``: the bench)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is not None and hasattr(server, "_stop"):
        server._stop()


class worker_pool:  # noqa: N801 - used as a context manager giving a map function
    """``with worker_pool(jobs) as pool_map``: a parallel map over worker processes (or plain map)."""

    def __init__(self, jobs: int | None):
        self.jobs = _workers(jobs, os.cpu_count() or 1)
        self.pool = None
        self.frozen = False

    def __enter__(self):
        from concurrent.futures import ProcessPoolExecutor

        if self.jobs <= 1:
            return map
        self.context = _context()
        if self.context.get_start_method() == "fork" and not gc.get_freeze_count():
            # What this process holds when it forks is moved out of the garbage collector's reach until the
            # workers end: a worker's collections then leave the objects it shares with this process alone,
            # so their memory stays shared rather than copied page by page (issue 14: some 9,000 fewer page
            # faults and 0.2-0.3 s less CPU for the example).
            gc.freeze()
            self.frozen = True
        self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=self.context)
        return self.pool.map

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown()
            if self.context.get_start_method() == "forkserver":
                _stop_fork_server()
        if self.frozen:
            gc.unfreeze()  # the objects are collected again as they become garbage


def _simulate_ahead(dataset, years: list[int]) -> None:
    """``forecast.simulate_ahead`` for the statement years' true views. Only work saved: whatever fails here
    (data the forecast cannot use) is left to the year's job, which meets it again and reports it as it
    always has, year by year."""
    import contextlib

    with contextlib.suppress(Exception):  # the year's job reports it
        simulate_ahead([dataset.view(year) for year in years])


def _and_then(pool_map, work):
    """``pool_map`` that, once it has handed its tasks to the workers, does ``work`` in this process while
    they run, and then gives their results (``Executor.map`` submits every task at once)."""
    def mapped(fn, *iterables):
        results = pool_map(fn, *iterables)
        work()
        return results
    return mapped


def run_jobs(job: YearJob, tasks: list[int], pool_map=map) -> list[YearResult]:
    """Run every statement year's job, in the worker processes of ``pool_map`` (``worker_pool``) when
    there are two or more years.

    Results come back in task order, so the output does not depend on timing.
    ``SUFFICIENCY_JOBS=1`` runs them one after another in this process.
    """
    if pool_map is map or len(tasks) <= 1:
        return [job(task) for task in tasks]
    return list(pool_map(_run_in_worker, [job] * len(tasks), tasks))


def statement_years(project_dir: Path, authority, dataset, years: list[int] | None) -> list[int]:
    """The years to build: the authority's statement years, each needing content and data."""
    wanted = list(years) if years else list(authority.statement_years)
    problems = []
    for year in wanted:
        if year not in authority.statement_years:
            problems.append(Problem("year-unknown", f"{year} is not one of the statement years in authority.yml",
                                    file="authority.yml", value=year))
        if not (project_dir / "content" / str(year)).is_dir():
            problems.append(Problem("year-no-content", f"there is no narrative for {year}",
                                    file=f"content/{year}/", hint=f"run: ./run new-year {year}"))
        if year not in dataset.years:
            problems.append(Problem("year-no-data", f"there is no data for {year}", file=f"data/{year}/"))
    raise_if_errors(problems, stage="build")
    return sorted(wanted)


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def edition_url(authority, edition: str) -> str:
    """The address an edition's folder is served at ('' if unknown): ``site_url`` for the public
    edition, ``internal_site_url`` for the internal one (never the public address)."""
    url = authority.site_url if edition == PUBLIC else getattr(authority, "internal_site_url", "")
    return url.strip().rstrip("/") + "/" if url and url.strip() else ""


#: The generator's own folder: its mkdocs.yml and theme serve any project that has none of its own.
TOOL_DIR = Path(__file__).resolve().parents[1]


def site_settings(project_dir: Path, name: str) -> Path:
    """The project's ``mkdocs.yml`` or ``theme/``, else the generator's: a council's project needs only
    authority.yml, data/ and content/ (issue 10: one tool builds several authorities)."""
    own = project_dir / name
    return own if own.exists() else TOOL_DIR / name


def mkdocs_config(project_dir: Path, tree: DocsTree, site_dir: Path, authority) -> dict:
    """The per-build MkDocs config: the base mkdocs.yml, plus this year and edition.

    ``extra.other_edition`` is a link to the other edition's same year: only the
    internal edition has one (to the public edition's address); the public edition
    never links to the internal one.
    """
    site_url = edition_url(authority, tree.edition)
    public_url = edition_url(authority, PUBLIC)
    other = f"{public_url}{tree.year}/" if tree.edition == INTERNAL and public_url else ""
    return {
        "INHERIT": str(site_settings(project_dir, "mkdocs.yml")),
        "site_name": tree.site_name,
        "site_description": tree.description,
        "site_url": f"{site_url}{tree.site_path}/" if site_url else "",
        "docs_dir": str(tree.docs_dir),
        "site_dir": str(site_dir),
        "nav": tree.nav,
        "theme": {"name": "material", "custom_dir": str(site_settings(project_dir, "theme"))},
        "extra": {"edition": tree.edition, "year": tree.year, "year_label": f"{tree.year - 1} to {tree.year}",
                  "authority": authority.name,
                  "other_edition": other,
                  "release": release_for_theme(tree, authority),
                  "pdf": f"downloads/all/{tree.pdf}" if tree.pdf else "",
                  # The year list and the "earlier statement" banner, in the HTML (no JavaScript needed);
                  # the freeze key includes the statement years, so a new year rebuilds the others.
                  "years": [{"year": y, "title": f"{y - 1} to {y}"} for y in sorted(authority.statement_years,
                                                                                     reverse=True)],
                  "latest_year": max(authority.statement_years, default=tree.year)},
        "strict": True,
    }


def write_pdf_editions(project_dir: Path, trees: list[DocsTree], staging: dict[str, Path], authority,
                       pool_map=map) -> list[Problem]:
    """The PDF edition of each built year and edition (``write_pdf_edition``), one task a PDF in the worker
    processes of ``pool_map``, once every year's pages are built. A PDF takes about five times as long as its
    year's pages: as tasks of their own the workers share them evenly, where a year's job printing its own
    PDFs left a worker with two years' of them while the other waited (three years on two workers). What
    each PDF prints is recorded on its tree, in the trees' order."""
    tasks = [(project_dir, tree, staging[tree.edition] / tree.site_path, authority) for tree in trees
             if tree.edition in authority.pdf_editions]
    if pool_map is map or len(tasks) <= 1:
        printed = [_printed(*task) for task in tasks]
    else:
        printed = list(pool_map(_printed, *zip(*tasks)))
    problems = []
    for (_, tree, _, _), (found, size, text) in zip(tasks, printed):
        tree.pdf_size, tree.pdf_printed = size, text
        problems += found
    return said_once(problems)  # a missing library is said once, not once a PDF


def _printed(project_dir: Path, tree: DocsTree, site_dir: Path, authority) -> tuple[list[Problem], int, object]:
    """``write_pdf_edition`` in a worker: its problems and what it records on the tree (which stays there)."""
    problems = write_pdf_edition(project_dir, tree, site_dir, authority)
    return problems, tree.pdf_size, tree.pdf_printed


def write_pdf_edition(project_dir: Path, tree: DocsTree, site_dir: Path, authority) -> list[Problem]:
    """The year's PDF edition (pdf.py), from the pages MkDocs has just built; a warning, and no PDF, when
    the libraries it needs are not installed."""
    from . import pdf

    if tree.edition not in authority.pdf_editions:
        return []  # authority.yml's pdf_editions, or build --no-pdf
    if not tree.pdf:
        missing = pdf.missing_libraries()
        return [Problem("pdf-not-built", f"the PDF edition was not built: {' and '.join(missing)} not installed",
                        file=f"content/{tree.year}/", severity="warning",
                        hint="./run build installs the locked dependencies")] if missing else []
    site_url = edition_url(authority, tree.edition)
    printed = pdf.write_pdf(site_dir, tree, authority, f"{site_url}{tree.site_path}/" if site_url else "",
                            site_settings(project_dir, "theme") / pdf.STYLESHEET)
    tree.pdf_size = printed.size
    tree.pdf_printed = printed if tree.edition == PUBLIC else None  # only the public edition is scanned
    return []


def release_for_theme(tree: DocsTree, authority) -> dict:
    """The year's release dates and updates as the theme shows them (the public edition: names removed)."""
    from .redact import replace_names

    if tree.release is None:
        return {}
    values = tree.release.for_theme()
    if tree.edition == PUBLIC:
        values["next_update"] = replace_names(values["next_update"], authority)
        for amendment in values["amendments"]:
            amendment["change"] = replace_names(amendment["change"], authority)
            amendment["reason"] = replace_names(amendment["reason"], authority)
    return values


class _Collect(logging.Handler):
    def __init__(self, level: int = logging.WARNING):
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class _TemplateCode(jinja2.BytecodeCache):
    """MkDocs' theme templates compiled once per process rather than once per MkDocs run (issue 14): a
    Jinja bytecode cache in memory. Jinja checks each cached template against its source's checksum, so
    a template is what compiling it again would give."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_THEME_CODE = _TemplateCode()


#: The files of each installed theme folder (Material's, MkDocs' own) MkDocs copies into a site, listed once per
#: process (issue 14: Material's folder holds some 14,000 icons MkDocs walks and filters out on every run). The
#: project's own theme folder (``custom_dir``) is listed on every run: the preview sees a file added to it.
_THEME_FILES: dict[tuple, list[str]] = {}


def _theme_files(folder: str) -> list[str]:
    """A theme folder's files as Jinja's ``FileSystemLoader.list_templates`` names them."""
    names = []
    for path, _, files in os.walk(folder):
        for name in files:
            names.append(os.path.join(path, name)[len(folder):].strip(os.path.sep).replace(os.path.sep, "/"))
    return [name[2:] if name[:2] == "./" else name for name in names]


def _listed_once(env, theme):
    """``env.list_templates`` as MkDocs calls it for the theme's static files (a filter, no extensions), with the
    installed theme folders' answers kept for the process; the same names, in the same order."""
    plain = env.list_templates

    def list_templates(extensions=None, filter_func=None):
        if extensions is not None or filter_func is None or not isinstance(env.loader, jinja2.FileSystemLoader):
            return plain(extensions=extensions, filter_func=filter_func)
        names: set[str] = set()
        for folder in env.loader.searchpath:
            if folder == theme.custom_dir:
                names.update(name for name in _theme_files(folder) if filter_func(name))
                continue
            key = (folder, filter_func.__code__, tuple(sorted(theme.static_templates)))
            if key not in _THEME_FILES:
                _THEME_FILES[key] = [name for name in _theme_files(folder) if filter_func(name)]
            names.update(_THEME_FILES[key])
        return sorted(names)

    return list_templates


def _theme_templates_compiled_once() -> None:
    from mkdocs.theme import Theme

    if getattr(Theme.get_env, "compiled_once", False):
        return
    plain = Theme.get_env

    def get_env(self):
        env = plain(self)
        env.bytecode_cache = _THEME_CODE
        env.list_templates = _listed_once(env, self)
        return env

    get_env.compiled_once = True
    Theme.get_env = get_env


def _titled_nav(nav, titles: dict[str, str], rebuilt: set[str]):
    """The nav with each page MkDocs will not read again titled as it was when last rendered."""
    if isinstance(nav, str):
        return {titles[nav]: nav} if nav in titles and nav not in rebuilt else nav
    if isinstance(nav, list):
        return [_titled_nav(item, titles, rebuilt) for item in nav]
    if isinstance(nav, dict):
        return {key: value if isinstance(value, str) else _titled_nav(value, titles, rebuilt)
                for key, value in nav.items()}
    return nav


def _title_recorder(titles: dict[str, str]):
    """A MkDocs plugin noting each rendered page's title (the preview's dirty builds reuse them)."""
    from mkdocs.plugins import BasePlugin

    class TitleRecorder(BasePlugin):
        def on_page_context(self, context, page, config, nav):
            if page.title is not None:
                titles[page.file.src_uri] = page.title
            return context

    return TitleRecorder()


@dataclass
class _Converted:
    """One page's Markdown conversion (what ``mkdocs.structure.pages.Page.render`` sets), with the files its links
    looked up and what it set aside."""

    content: str
    toc: object
    title: str | None
    anchors: set
    links_to_anchors: dict | None  # target page's src_uri -> {anchor: link as written}, if MkDocs kept them
    lookups: dict  # path looked up -> (src_uri, url, inclusion) of the file found, or None
    aside: object  # raw_html.SetAside of the conversion, or None


#: Conversions of the pages of the last MkDocs runs of this process (issue 14): the two editions of a year are
#: built one after the other and most of their pages have the same Markdown.
_CONVERTED: dict[tuple, _Converted] = {}
#: Pages kept: more than a year's two editions have (the oldest goes first), few enough for a long preview.
_KEPT_PAGES = 96


def _keep_room(kept: dict) -> None:
    while len(kept) >= _KEPT_PAGES:
        del kept[next(iter(kept))]


def _file_seen(file) -> tuple | None:
    return None if file is None else (file.src_uri, file.url, file.inclusion)


def _conversions_shared() -> None:
    """A page whose Markdown was converted in an earlier MkDocs run of this process is not converted again when
    everything its conversion read is the same: its Markdown, its address, the Markdown extensions and their
    settings, MkDocs' link checks, the log level, and every file its links looked up (found at the same address,
    or not found). A conversion that logged anything is never reused (its messages would not be said again).
    Only in our runs (``add_set_aside``), only with the MkDocs version this was written for."""
    import mkdocs
    from mkdocs.structure.pages import Page

    if getattr(Page.render, "shared", False) or not mkdocs.__version__.startswith("1.6."):
        return
    plain = Page.render

    def render(self, config, files):
        ours = [e for e in config["markdown_extensions"] if isinstance(e, SetAsideExtension)]
        others = [e for e in config["markdown_extensions"] if not isinstance(e, SetAsideExtension)]
        if len(ours) != 1 or not all(isinstance(e, str) for e in others) or self.markdown is None:
            return plain(self, config, files)
        extension = ours[0]
        logger = logging.getLogger("mkdocs")
        key = (self.markdown, self.file.src_uri, self.file.url, self.file.inclusion, extension.key is not None,
               repr(others), repr(config["mdx_configs"]), repr(config.validation), config.use_directory_urls,
               logger.getEffectiveLevel(), logging.getLogger("MARKDOWN").getEffectiveLevel())
        done = _CONVERTED.get(key)
        if done is not None and all(_file_seen(files.get_file_from_path(path)) == seen
                                    for path, seen in done.lookups.items()):
            self.content, self.toc, self._title_from_render = done.content, done.toc, done.title
            self.present_anchor_ids = set(done.anchors)
            if done.links_to_anchors is not None:
                self.links_to_anchors = {files.get_file_from_path(uri): dict(anchors)
                                         for uri, anchors in done.links_to_anchors.items()}
            if done.aside is not None:
                extension.pages[extension.key] = done.aside
            return None
        lookups: dict = {}
        look_up = files.get_file_from_path

        def recorded(path):
            found = look_up(path)
            lookups[path] = _file_seen(found)
            return found

        said = _Collect(logging.NOTSET)
        files.get_file_from_path = recorded
        logger.addHandler(said)
        logging.getLogger("MARKDOWN").addHandler(said)
        try:
            plain(self, config, files)
        finally:
            del files.get_file_from_path
            logger.removeHandler(said)
            logging.getLogger("MARKDOWN").removeHandler(said)
        if said.messages:
            return None
        _keep_room(_CONVERTED)
        links = getattr(self, "links_to_anchors", None)
        _CONVERTED[key] = _Converted(
            self.content, self.toc, self._title_from_render, set(self.present_anchor_ids or ()),
            None if links is None else {file.src_uri: dict(anchors) for file, anchors in links.items()},
            lookups, extension.pages.get(extension.key) if extension.key is not None else None)
        return None

    render.shared = True
    Page.render = render


#: Search entries of the pages of the last MkDocs runs of this process, by what Material's search reads of a page.
_SEARCHED: dict[tuple, tuple] = {}


def _entries_shared(search) -> None:
    """Material's search index entries of a page whose conversion was shared (``_conversions_shared``: the same
    table of contents) and whose HTML, address, title and front matter are the same are those of the earlier
    run, not worked out again (the two editions of a year)."""
    index = getattr(search, "search_index", None)
    if index is None or getattr(index.add_entry_from_context, "shared", False):
        return
    plain = index.add_entry_from_context

    def add_entry_from_context(page):
        key = (page.content, page.url, page.title, repr(page.meta))
        done = _SEARCHED.get(key)
        if done is not None and done[0] is page.toc:
            index.entries += [{**entry, **({"tags": list(entry["tags"])} if "tags" in entry else {})}
                              for entry in done[1]]
            return
        before = len(index.entries)
        plain(page)
        _keep_room(_SEARCHED)
        _SEARCHED[key] = (page.toc, [dict(entry) for entry in index.entries[before:]])

    add_entry_from_context.shared = True
    index.add_entry_from_context = add_entry_from_context


def add_set_aside(loaded) -> None:
    """Set the charts' drawings and the tables aside from Python-Markdown in this MkDocs run (``raw_html``):
    ``raw_html.SetAsideExtension`` replaces them with tokens, and a plugin puts them back: the tables before
    the search plugin indexes the page, the SVG drawings in the final HTML (so the search index does not
    hold their text). A page whose tokens did not come through Markdown verbatim is converted again with
    nothing set aside. The pages come out as MkDocs alone would write them."""
    from mkdocs.plugins import BasePlugin

    from .raw_html import put_back

    extension = SetAsideExtension()

    class SetAside(BasePlugin):
        def on_config(self, config):
            for plugin in config.plugins.values():
                if type(plugin).__module__ == "material.plugins.search.plugin":
                    _entries_shared(plugin)
            return config

        def on_page_markdown(self, markdown, page, config, files):
            extension.key = page.file.src_uri
            extension.pages.pop(extension.key, None)
            return markdown

        def on_page_content(self, html, page, config, files):
            extension.key = None
            aside = extension.pages.get(page.file.src_uri)
            if aside is None or not aside.fragments:
                return html
            if not aside.came_through(html):
                del extension.pages[page.file.src_uri]
                page.render(config, files)  # nothing set aside this time
                return page.content
            page.present_anchor_ids = (page.present_anchor_ids or set()) | aside.anchors()
            return put_back(html, aside.tokens(before_search=True))

        def on_post_page(self, output, page, config):
            aside = extension.pages.pop(page.file.src_uri, None)
            return put_back(output, aside.tokens(before_search=False)) if aside is not None else output

    loaded["markdown_extensions"].append(extension)
    loaded.plugins["sufficiency-set-aside"] = SetAside()
    _conversions_shared()


def run_mkdocs(project_dir: Path, tree: DocsTree, site_dir: Path, authority, dirty: bool = False,
               titles: dict[str, str] | None = None, rebuilt: tuple[str, ...] = ()) -> None:
    """One strict MkDocs build. Build dates come from the statement's publication date.

    ``dirty``: the live preview's page-level rebuild: MkDocs renders only the pages whose
    Markdown is newer than their HTML (not strict: MkDocs warns that a dirty build's
    navigation may be stale). Never used for a published build.
    ``titles`` (the preview): each rendered page's title is noted in it; a dirty build gives the
    pages it does not read again (all but ``rebuilt``) those titles in the nav, which MkDocs
    would otherwise show as "None".
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    _theme_templates_compiled_once()
    config_path = tree.docs_dir.parent / "mkdocs.yml"
    config = mkdocs_config(project_dir, tree, site_dir, authority)
    if dirty:
        config["strict"] = False
        if titles:
            config["nav"] = _titled_nav(config["nav"], titles, set(rebuilt))
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    published = datetime.combine(tree.published, datetime.min.time(), tzinfo=UTC)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(published.timestamp()))
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        loaded = load_config(config_file=str(config_path))
        add_set_aside(loaded)
        if titles is not None:
            loaded.plugins["sufficiency-page-titles"] = _title_recorder(titles)
        mkdocs_build(loaded, dirty=dirty)
    except (Abort, MkDocsException, SystemExit) as exc:
        where = f"content/{tree.year}/ ({EDITION_NAMES[tree.edition]})"
        problems = [Problem("mkdocs", message, file=where) for message in collector.messages] or [
            Problem("mkdocs", str(exc), file=where)]
        raise BuildError(problems, stage="mkdocs") from None
    finally:
        logger.removeHandler(collector)
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def write_versions(root: Path, trees: list[DocsTree]) -> None:
    """versions.json for Material's version selector, latest/ (the latest year's files), index.html, 404.html.

    ``root`` is one edition's folder: each edition has its own, so the year
    selector, ``latest/`` and the 404 page never cross from one to the other.
    """
    import json

    trees = sorted(trees, key=lambda t: t.year, reverse=True)
    latest = trees[0]
    versions = [{"version": str(t.year), "title": f"{t.year - 1} to {t.year}",
                 "aliases": ["latest"] if t is latest else []} for t in trees]
    (root / "versions.json").write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")
    search_across_years(root, [t.year for t in trees])
    shutil.copytree(root / str(latest.year), root / "latest", copy_function=same_file)
    (root / "index.html").write_text(redirect_page(latest), encoding="utf-8")
    # GitHub Pages serves only the root 404.html, for a missing page at any depth; its links are
    # absolute (site_url), so the latest year's page works from there. The public folder's is the
    # public edition's: the folder holds nothing else.
    shutil.copyfile(root / str(latest.year) / "404.html", root / "404.html")


def same_file(source, target) -> None:
    """``target`` made the very file ``source`` is (a hard link): ``latest/`` is the latest year's folder
    again, so it holds the same files, not copies of them (issue 14: some 200 files an edition, and creating a
    file costs more than its bytes). A preview that rebuilds a page of the latest year in place updates both.
    A copy where the file system has no hard links. Publishing copies the bytes (Pages' upload, ``tar
    --hard-dereference``; any copy of the folder)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


#: Pages of earlier years left out of a year's search: the technical ones (each year has its own).
SEARCH_OWN_YEAR_ONLY = ("methods/", "downloads/", "updates/", "data-contract/")
#: An earlier year's page ranks below this year's: its search boost is multiplied by this.
EARLIER_YEAR_BOOST = 0.5


def search_across_years(root: Path, years: list[int]) -> None:
    """Each year's search finds its own pages first, then the readers' pages of every earlier year (their
    titles say which year: "Fostering (2024 to 2025)"; their addresses lead to that year's folder).

    Only earlier years, so adding a year never changes a published one. Material's search reads
    ``search/search_index.json``; an entry whose address starts ``../`` is another year's, so merging is
    repeated on every build from each year's own entries (a year reused from the cache included)."""
    import json

    indexes, own = {}, {}
    for year in sorted(years):
        path = root / str(year) / "search" / "search_index.json"
        if not path.is_file():
            return
        indexes[year] = json.loads(path.read_text(encoding="utf-8"))
        own[year] = [d for d in indexes[year]["docs"] if not d["location"].startswith("../")]
    for year in sorted(years):
        docs = list(own[year])
        for earlier in sorted((y for y in years if y < year), reverse=True):
            for doc in own[earlier]:
                if doc["location"].startswith(SEARCH_OWN_YEAR_ONLY):
                    continue
                docs.append({**doc, "location": f"../{earlier}/{doc['location']}",
                             "title": f"{doc['title']} ({earlier - 1} to {earlier})",
                             "boost": round(doc.get("boost", 1) * EARLIER_YEAR_BOOST ** (year - earlier), 4)})
        index = {**indexes[year], "docs": docs}
        (root / str(year) / "search" / "search_index.json").write_text(
            json.dumps(index, separators=(",", ":")), encoding="utf-8")


def redirect_page(latest: DocsTree) -> str:
    target = f"{latest.year}/"
    title = latest.site_name
    note = ("" if latest.edition == PUBLIC else
            '<p class="sx-edition sx-edition--internal"><strong>Internal edition: not for publication.</strong> '
            "It keeps commercially sensitive information the public edition removes.</p>\n")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
<style>body{{font-family:system-ui,sans-serif;margin:2rem;line-height:1.5;color:#1a1a1a}}a{{color:#1a4f8b}}</style>
</head>
<body>
<main>
{note}<h1>{title}</h1>
<p>Taking you to the latest statement. If nothing happens, <a href="{target}">read the {latest.year - 1} to \
{latest.year} statement</a>.</p>
</main>
</body>
</html>
"""


def publish(staging: Path, out_dir: Path) -> None:
    """Swap the staging folder in for ``out_dir`` (never half a site)."""
    old = out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
