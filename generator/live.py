"""The live preview's builder: a saved page is re-rendered on its own, not the whole site.

``LiveSite`` builds the internal edition of each statement year into the
preview folder and keeps, per year, the template names, the published
frames and the docs tree in memory. When a commissioner saves a narrative
page, only that page is rendered again and MkDocs rebuilds only that page
(a "dirty" build): about a second. Any other change (data, settings, theme,
``statement.yml``, a new or deleted page) rebuilds the years whose inputs
changed (``freeze.year_key``), from the cached suppression. When only a year's
data changed (its pages, settings and theme did not), every page is rendered
again but MkDocs rebuilds only the pages whose Markdown changed (a dirty build).
Dirty builds title the pages they do not read again as they were last rendered.

The preview is for writing, not publishing: a published build always runs
the whole pipeline and every check.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import freeze
from .problems import BuildError, raise_if_errors
from .redact import INTERNAL


@dataclass
class LiveYear:
    year: int
    key: str
    tree: object
    pages: object  # docs_tree.PageWriter
    pages_key: str = ""  # the year's inputs other than its data (``freeze.year_key`` with no data years)
    titles: dict = field(default_factory=dict)  # docs path -> the page's title when MkDocs last rendered it


@dataclass
class LiveSite:
    project: Path
    site: Path
    years: dict[int, LiveYear] = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # the data's warnings at the last rebuild

    def page_saved(self, path: Path) -> bool:
        """Re-render one saved narrative page; False if this change needs a rebuild instead."""
        try:
            relative = path.resolve().relative_to(self.project / "content")
        except ValueError:
            return False
        if path.suffix != ".md" or len(relative.parts) < 2 or not relative.parts[0].isdigit():
            return False
        live = self.years.get(int(relative.parts[0]))
        docs_path = Path(*relative.parts[1:]).as_posix()
        if live is None or not path.is_file() or docs_path not in live.tree.pages:
            return False
        live.pages.write(path)  # raises BuildError naming the file and line
        _dirty_build(self.project, live.tree, self.site / str(live.year), live.pages.authority, live.titles,
                     (docs_path,))
        return True

    def build(self, years: list[int] | None = None) -> list[int]:
        """Build (again) every year whose inputs changed; returns the years rebuilt."""
        from .build import (
            context_parts,
            protected_context,
            render_docs_tree,
            run_mkdocs,
            statement_years,
            suppression_summary,
            write_versions,
        )
        from .catalogue import all_measures, all_outputs
        from .config import load_authority
        from .declared import outputs as declared_outputs
        from .disclosure import Protector
        from .load import load_dataset
        from .validate import validate

        # The preview writes no PDF edition (build does), so its pages link to none.
        authority = replace(load_authority(self.project / "authority.yml"), pdf_editions=())
        dataset, problems = load_dataset(self.project / "data", authority)
        problems += validate(dataset)
        raise_if_errors(problems, stage="data")
        self.warnings = [p for p in problems if p.severity == "warning"]
        wanted = statement_years(self.project, authority, dataset, years)
        code = freeze.code_fingerprint()
        keys = {y: freeze.year_key(self.project, y, sorted(dataset.years), list(authority.statement_years),
                                   (INTERNAL,), code) for y in wanted}
        stale = [y for y in wanted if y not in self.years or self.years[y].key != keys[y]]
        pages_keys = {y: freeze.year_key(self.project, y, [], list(authority.statement_years), (INTERNAL,), code)
                      for y in stale}
        protector = Protector(dataset, authority.suppression_threshold,
                              cache_dir=self.project / ".build" / "cache" / "protection")
        work = self.project / ".build" / "preview-docs"
        for year in stale:
            # Only the data changed: the pages whose Markdown comes out the same keep their time, so
            # MkDocs' dirty build leaves them as they are.
            last = self.years.get(year)
            dirty = last is not None and last.pages_key == pages_keys[year] and (self.site / str(year)).is_dir()
            before = _files(work / INTERNAL / str(year) / "docs") if dirty else {}
            shutil.rmtree(work / INTERNAL / str(year), ignore_errors=True)
            view, perturbed = protector.views(year)
            context = protected_context(context_parts(), view, perturbed)
            note = suppression_summary([protector.year(y) for y in view.years])
            keep: list = []
            try:
                tree = render_docs_tree(self.project, work, view, context, {**all_outputs(), **declared_outputs(view)},
                                        all_measures(), INTERNAL,
                                        perturbed=perturbed, suppression_note=note, keep=keep)
            except BuildError:
                self.years.pop(year, None)
                raise
            self.warnings += tree.warnings  # figures shown x for want of a data file
            titles = last.titles if dirty else {}
            if dirty:
                changed = _keep_times(tree.docs_dir, before)
            else:
                shutil.rmtree(self.site / str(year), ignore_errors=True)
                changed = ()
            if dirty:
                _dirty_build(self.project, tree, self.site / str(year), authority, titles, changed)
            else:
                run_mkdocs(self.project, tree, self.site / str(year), authority, titles=titles)
            self.years[year] = LiveYear(year, keys[year], tree, keep[0], pages_keys[year], titles)
        for year in [y for y in self.years if y not in wanted]:
            del self.years[year]
        if stale:
            shutil.rmtree(self.site / "latest", ignore_errors=True)
            write_versions(self.site, [self.years[y].tree for y in sorted(self.years)])
        return stale


def _files(folder: Path) -> dict[str, tuple[bytes, os.stat_result]]:
    """Every file under ``folder``: its bytes and its times."""
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat())
            for path in folder.rglob("*") if path.is_file()}


def _keep_times(folder: Path, before: dict[str, tuple[bytes, os.stat_result]]) -> tuple[str, ...]:
    """Give each file written the same as before its old times (MkDocs' dirty build then skips it);
    the files that changed."""
    changed = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        old = before.get(name)
        if old is not None and old[0] == path.read_bytes():
            os.utime(path, ns=(old[1].st_atime_ns, old[1].st_mtime_ns))
        else:
            changed.append(name)
    return tuple(changed)


def _dirty_build(project: Path, tree, site_dir: Path, authority, titles: dict, rebuilt: tuple[str, ...]) -> None:
    """MkDocs' dirty build of the pages in ``rebuilt``, the others titled as last rendered; the search
    index keeps every other page's entries (a dirty build indexes only the pages it rebuilt)."""
    from .build import run_mkdocs

    index = site_dir / "search" / "search_index.json"
    try:
        before = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = None
    run_mkdocs(project, tree, site_dir, authority, dirty=True, titles=titles, rebuilt=rebuilt)
    if before is None or not index.is_file():
        return
    after = json.loads(index.read_text(encoding="utf-8"))
    pages = {_page_url(path) for path in rebuilt if path.endswith(".md")}
    fresh: dict[str, list] = {}
    for doc in after.get("docs", []):
        fresh.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
    docs, done = [], set()
    for doc in before.get("docs", []):
        page = doc["location"].split("#", 1)[0]
        if page not in pages:
            docs.append(doc)
        elif page not in done:
            docs += fresh.get(page, [])
            done.add(page)
    docs += [doc for page, entries in fresh.items() if page not in done for doc in entries]
    after["docs"] = docs
    index.write_text(json.dumps(after, separators=(",", ":"), default=str), encoding="utf-8")


def _page_url(docs_path: str) -> str:
    """A page's address in the search index: sufficiency/need.md -> sufficiency/need/, index.md -> ''."""
    stem = docs_path[:-len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-len("index")]
    return stem + "/"
