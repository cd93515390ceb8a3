"""One year's docs tree for one edition: the Markdown MkDocs will build.

Each page of ``content/<year>/`` is redacted for the edition (restricted
blocks), rendered (placeholders, charts, tables) and written with the CSV
downloads and the generated pages into its own folder. Redacted material
never reaches this folder, so it can never reach MkDocs.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import glossary, inputs, markup, pages, redact, release as releases
from .check import COPYABLE
from .contract import TABLES_BY_NAME
from .disclosure import EarlierYears, protected_output
from .problems import BuildError, Problem
from .render import OutputRenderer, make_environment, render_page

GENERATED_PAGES = {"methods.md": "Methods", "downloads.md": "Data downloads", "updates.md": "Updates",
                   "data-contract.md": "Data contract"}
#: Generated pages in the readers' navigation. The data contract is for analysts: built, searchable (ranked
#: low) and linked from the data downloads page's "For analysts", not in the menu (issue 12).
NAV_PAGES = ("methods.md", "downloads.md", "updates.md")


@dataclass
class DocsTree:
    year: int
    edition: str
    docs_dir: Path
    site_name: str
    description: str
    nav: list
    published: date
    release: object = None  # release.Release: dates and updates (config.extra.release)
    pages: list[str] = field(default_factory=list)
    charts: int = 0
    downloads: dict[str, str] = field(default_factory=dict)  # file name -> title
    bundles: dict[str, str] = field(default_factory=dict)  # downloads/ files that are not one output's CSV
    pdf: str = ""  # the PDF edition's file name in downloads/all/ ("" when it cannot be built here)
    pdf_size: int = 0
    pdf_printed: object = None  # public edition: the PDF's pdf.Printed (the leak scan reads its laid-out text)
    withheld: object = field(default_factory=list)  # public edition: a check.Withheld (what must not leak)
    warnings: list[Problem] = field(default_factory=list)  # figures shown x because their data is missing
    frozen: bool = False  # reused unchanged from an earlier build (checked when it was built)

    @property
    def site_path(self) -> str:
        """The year's folder inside its edition's folder (site/ or site-internal/)."""
        return str(self.year)


STATEMENT_EXAMPLE = "title: ..., published: 14 October 2026 and nav: followed by the pages, one '  - ' line each"


def read_statement(content_dir: Path) -> dict:
    """The year's ``statement.yml``: title, description, publication date (a ``date``) and nav.

    Read through the one door (``inputs``): any encoding a council's editor saves, settings as a
    mapping, the date as councils write it; a mistake names the file and line.
    """
    path = content_dir / "statement.yml"
    name = f"content/{content_dir.name}/statement.yml"
    try:
        settings = inputs.read_yaml(path, name, STATEMENT_EXAMPLE, stage="content")
    except FileNotFoundError:
        raise BuildError(Problem("statement-missing", "the year's statement settings are missing", file=name,
                                 hint="copy statement.yml from an earlier year")) from None
    statement, at = dict(settings.data), settings.line
    problems = []
    if not isinstance(statement.get("nav"), list):
        problems.append(Problem("statement-nav", "'nav' must list the pages in order", file=name,
                                line=at("nav"), expected="nav: followed by one line per page, e.g. '  - Home: "
                                                         "index.md'"))
    else:
        problems += [Problem("statement-nav-item", "a nav entry must be a page (need.md), a title and its page "
                             "(Need: need.md), or a section title with its pages below it", file=name,
                             line=at("nav"), value=item, expected="e.g. '  - Need: sufficiency/need.md'")
                     for item in _bad_nav_items(statement["nav"])]
    for key in ("title", "description"):
        if statement.get(key) is not None and not isinstance(statement[key], (str, int, float)):
            problems.append(Problem("statement-not-text", f"{key} must be one line of text", file=name,
                                    line=at(key), value=statement[key]))
        elif statement.get(key) is not None:
            statement[key] = str(statement[key])
    if "published" in statement:
        published = inputs.parse_date(statement["published"]) if statement["published"] is not None else None
        if published is None:
            problems.append(Problem("statement-published", "not a date" if statement["published"] is not None
                                    else "the publication date is empty", file=name, line=at("published"),
                                    value=statement["published"] and str(statement["published"]),
                                    expected=inputs.DATE_FORMATS))
        statement["published"] = published
    if problems:
        raise BuildError(problems, stage="content")
    return statement


def _bad_nav_items(nav) -> list:
    """Entries of a nav list that are neither a page, nor ``title: page``, nor ``section: [entries]``."""
    bad = []
    for item in nav:
        if isinstance(item, str):
            continue
        if isinstance(item, dict) and len(item) == 1:
            value = next(iter(item.values()))
            if isinstance(value, str):
                continue
            if isinstance(value, list):
                bad += _bad_nav_items(value)
                continue
        bad.append(item)
    return bad


def nav_pages(nav) -> list[str]:
    """Every Markdown path named in a MkDocs-style nav."""
    found: list[str] = []
    for item in nav:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found.extend(nav_pages(value) if isinstance(value, list) else [value])
    return found


def glossary_terms(content_dir: Path, year: int, listed: set[str]) -> list:
    """The terms of the year's glossary page (none when the statement has no glossary in its nav)."""
    path = content_dir / glossary.GLOSSARY_PAGE
    if glossary.GLOSSARY_PAGE not in listed or not path.is_file():
        return []
    return glossary.terms_of(inputs.read_text(path, f"content/{year}/{glossary.GLOSSARY_PAGE}", stage="content"))


def page_titles(content_dir: Path, nav) -> dict[str, str]:
    """Each nav page's title: the nav's own label, else the page's front-matter title, else its path."""
    titles: dict[str, str] = {}

    def walk(items):
        for item in items:
            if isinstance(item, dict):
                for label, value in item.items():
                    if isinstance(value, list):
                        walk(value)
                    else:
                        titles[str(value)] = str(label)
            elif isinstance(item, str) and item not in titles:
                titles[item] = _front_matter_title(content_dir / item) or item

    walk(nav)
    return titles


def _front_matter_title(path: Path) -> str:
    try:
        text = inputs.decode(path.read_bytes()).text  # any encoding: the page itself is checked when rendered
    except OSError:
        return ""
    if not text.startswith("---"):
        return ""
    head = text[3:].split("\n---", 1)[0]
    for line in head.splitlines():
        if line.startswith("title:"):
            return line[6:].strip().strip("'\"")
    return ""


# Named people and contact details: see redact.replace_names (names in any case, possessives,
# titles, emails and phone numbers in any format).
replace_names = redact.replace_names


@dataclass
class PageWriter:
    """Renders one narrative page of a year and edition into its docs tree (the live preview keeps one
    to re-render just the page a commissioner saved)."""

    year: int
    edition: str
    content_dir: Path
    docs_dir: Path
    outputs: dict
    frame_for: object
    context: object
    env: object
    authority: object
    terms: list = field(default_factory=list)  # glossary.Term: the first use of each links to the glossary
    earlier: object = None  # the earlier years' figures, for change(since=...)
    figures: dict = field(default_factory=dict)  # charts and tables made: OutputRenderer's, shared by the editions

    def write(self, source: Path):
        docs_path = source.relative_to(self.content_dir).as_posix()
        source_name = f"content/{self.year}/{docs_path}"
        text = inputs.read_text(source, source_name, stage="content")
        front = inputs.front_matter_problems(text, source_name)
        if front:
            raise BuildError(front, stage="content")
        text = redact.split_restricted(text, source_name, self.edition)
        renderer = OutputRenderer(self.outputs, self.frame_for, docs_path, figures=self.figures)
        page = render_page(source_name, docs_path, text, self.context, renderer, self.env, self.earlier)
        markdown = glossary.mark_definitions(page.markdown, self.terms) if docs_path == glossary.GLOSSARY_PAGE \
            else glossary.link_terms(page.markdown, self.terms, docs_path)
        markdown = replace_names(markdown, self.authority) if self.edition == redact.PUBLIC else \
            redact.finish_restricted(markdown)
        target = self.docs_dir / docs_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
        return page


def render_docs_tree(project_dir: Path, work: Path, view, context, outputs: dict, measures, edition: str,
                     perturbed: list | None = None, suppression_note: str = "",
                     frames: dict | None = None, keep: list | None = None,
                     earlier: EarlierYears | None = None, figures: dict | None = None) -> DocsTree:
    """One edition's docs tree for ``view.year``. ``earlier``: the earlier years' figures, built on first use
    (pass one ``EarlierYears`` to both editions of a year so that each year is built once). ``frames`` and
    ``figures``: the published frames and the charts and tables made from them (``render.OutputRenderer``),
    passed to both editions of a year so that what is the same in both is made once."""
    from . import tables
    from .downloads import source_text

    year = view.year
    authority = view.authority
    content_dir = project_dir / "content" / str(year)
    statement = read_statement(content_dir)
    docs_dir = work / edition / str(year) / "docs"
    docs_dir.mkdir(parents=True)
    release = releases.read_release(content_dir, statement, year, nav_pages(statement["nav"]))
    title = statement.get("title") or f"{authority.short_name} sufficiency statement"
    # The public edition is the statement; the internal one says what it is in every page title.
    edition_suffix = "" if edition == redact.PUBLIC else " (internal edition: not for publication)"
    tree = DocsTree(
        year=year, edition=edition, docs_dir=docs_dir,
        site_name=f"{title} {year - 1} to {year}{edition_suffix}",
        description=statement.get("description", f"{authority.name}: placement sufficiency statement and market "
                                                 f"position statement, {year - 1} to {year}"),
        nav=list(statement["nav"]) + [{GENERATED_PAGES[path]: path} for path in NAV_PAGES],
        published=release.published, release=release,
    )
    if statement.get("published") is None:  # the date is shown on every page: never made up silently
        tree.warnings.append(Problem(
            "published-date-missing", f"no publication date: every page says 'Published "
            f"{releases.long_date(release.published)}' (30 September of the statement's year)",
            file=f"content/{year}/statement.yml", column="published", severity="warning",
            hint="add the day the statement is published, e.g. published: 2026-10-14"))
    if edition == redact.PUBLIC:
        tree.description = replace_names(tree.description, authority)
        tree.site_name = replace_names(tree.site_name, authority)
    page_context = redact.public_context(context) if edition == redact.PUBLIC else context
    earlier = earlier if earlier is not None else EarlierYears(view, perturbed or [])
    page_earlier = redact.PublicEarlierYears(earlier) if edition == redact.PUBLIC else earlier

    frames = {} if frames is None else frames  # shared by the editions of one year

    def frame_for(output):
        """The output as published in this edition: small numbers withheld, sensitive columns dropped."""
        if output.name not in frames:
            frames[output.name] = protected_output(output, view, perturbed or [])
        published, frame = frames[output.name]
        return published, (redact.public_frame(output, frame) if edition == redact.PUBLIC else frame)

    problems: list[Problem] = reserved_content(content_dir, year)
    referenced: set[str] = set()  # files the published text refers to (public edition: only these are copied)
    sources = sorted(p for p in content_dir.rglob("*.md") if not is_reserved(p.relative_to(content_dir).as_posix()))
    listed = set(nav_pages(statement["nav"]))
    env = make_environment()
    all_downloads: dict[str, bytes] = {}
    writer = PageWriter(year, edition, content_dir, docs_dir, outputs, frame_for, page_context, env, authority,
                        glossary_terms(content_dir, year, listed), page_earlier,
                        figures={} if figures is None else figures)
    if keep is not None:
        keep.append(writer)
    for source in sources:
        docs_path = source.relative_to(content_dir).as_posix()
        source_name = f"content/{year}/{docs_path}"
        if docs_path not in listed:
            problems.append(Problem("page-not-in-nav", "this page is not listed in the nav", file=source_name,
                                    hint=f"add it to content/{year}/statement.yml, or delete it"))
            continue
        try:
            page = writer.write(source)
        except BuildError as exc:
            problems.extend(exc.problems)
            continue
        tree.warnings += not_available_warnings(source_name, page.not_available, view)
        referenced |= markup.references(page.markdown, docs_path)
        tree.pages.append(docs_path)
        tree.charts += sum(1 for name in page.outputs_used if outputs[name].chart is not None)
        all_downloads.update(page.downloads)
    for missing in sorted(listed - {s.relative_to(content_dir).as_posix() for s in sources} - set(GENERATED_PAGES)):
        problems.append(Problem("nav-page-missing", "the nav lists a page that does not exist",
                                file=f"content/{year}/statement.yml", value=missing))
    # Files beside the pages (images): before the downloads, which nothing may replace.
    problems += copy_content_files(content_dir, docs_dir, year, edition, referenced, authority)
    if problems:
        raise BuildError(problems, stage=f"render ({edition} edition)")

    # Every output's figures are downloadable, whether or not a page shows it.
    allowed = {}
    for name, output in sorted(outputs.items()):
        try:
            _, frame = frame_for(output)
        except redact.SensitiveInProse:
            continue  # public edition: withheld entirely
        allowed[name] = output
        filename = f"{name}.csv"
        if filename not in all_downloads:
            all_downloads[filename] = tables.frame_to_csv(frame)
        tree.downloads[filename] = output.title
    downloads_dir = docs_dir / "downloads"
    downloads_dir.mkdir()
    published_files: dict[str, tuple] = {}  # file name -> (output, frame, bytes as published)
    for filename, data in sorted(all_downloads.items()):
        if edition == redact.PUBLIC:
            data = replace_names(data.decode("utf-8"), authority).encode("utf-8")
        (downloads_dir / filename).write_bytes(data)
        name = filename.removesuffix(".csv")
        if name in allowed:
            published_files[filename] = (allowed[name], frame_for(allowed[name])[1], data)
    write_bundles(tree, downloads_dir, published_files, authority)
    from . import pdf

    wanted = edition in authority.pdf_editions
    tree.pdf = pdf.pdf_name(authority, year, edition) if wanted and not pdf.missing_libraries() else ""

    accuracy = ""
    if "backtest_errors" in allowed:
        published, frame = frame_for(allowed["backtest_errors"])
        accuracy = tables.render_table(published, frame, table_id="methods-backtest-errors",
                                       csv_href="../downloads/backtest_errors.csv",
                                       source=source_text(published)).html
    (docs_dir / "methods.md").write_text(pages.methods_page(year, measures, allowed, authority, edition,
                                                            suppression_note, accuracy), "utf-8")
    (docs_dir / "downloads.md").write_text(pages.downloads_page(year, tree.downloads, tree.bundles, tree.pdf),
                                           "utf-8")
    (docs_dir / "data-contract.md").write_text(pages.contract_page(year), "utf-8")
    updates = releases.updates_page(year, tree.release, page_titles(content_dir, statement["nav"]))
    if edition == redact.PUBLIC:
        updates = replace_names(updates, authority)
    (docs_dir / "updates.md").write_text(updates, "utf-8")
    tree.pages += list(GENERATED_PAGES)
    if edition == redact.PUBLIC:
        # Everything the leak scan looks for in this edition's built files (check.py).
        from .check import withheld_needles
        tree.withheld = withheld_needles(authority, view, context, content_dir, docs_dir, tuple(GENERATED_PAGES))
    return tree


def write_bundles(tree: DocsTree, downloads_dir: Path, files: dict[str, tuple], authority) -> None:
    """The edition's metadata file and the ZIP of all its data (every CSV, the metadata, the guidance)."""
    from . import downloads

    metadata = downloads.metadata_csv(files)
    if tree.edition == redact.PUBLIC:
        metadata = replace_names(metadata.decode("utf-8"), authority).encode("utf-8")
    guidance = downloads.guidance_text(tree.site_name, tree.year, redact.EDITION_NAMES[tree.edition], tree.release,
                                       len(files))
    archive = downloads.zip_bytes({**{f"data/{name}": data for name, (_, _, data) in files.items()},
                                   downloads.METADATA_NAME: metadata, downloads.GUIDANCE_NAME: guidance})
    zip_name = downloads.zip_name(authority, tree.year, tree.edition)
    folder = downloads_dir / downloads.BUNDLE_DIR  # beside, not among, the one-output CSVs
    folder.mkdir()
    (folder / downloads.METADATA_NAME).write_bytes(metadata)
    (folder / zip_name).write_bytes(archive)
    tree.bundles = {zip_name: f"All the data: {len(files)} CSV files, the metadata file and the data guidance "
                              f"(ZIP, {downloads.size_words(len(archive))})",
                    downloads.METADATA_NAME: "Metadata: every column of every file, its unit, symbols and source "
                                             f"(CSV, {downloads.size_words(len(metadata))})"}


def _table_named(name: str, view):
    """The contract's table of that name, or a table the council declared (``declared.py``)."""
    declared = getattr(view, "declared", {}).get(name)
    return TABLES_BY_NAME.get(name) or (declared.table if declared is not None else None)


def not_available_warnings(source_name: str, not_available, view) -> list[Problem]:
    """A warning for each data file a page needs and the year does not have (missing, or a header with no
    rows): the page shows ``x`` where its figures would be, or an empty chart or table (issue 13: never
    silently). One warning per page and file, naming the lines. A figure ``x`` for other reasons (a
    comparator not yet published, a category not listed) is explained on the page and not warned about."""
    found: dict[str, tuple[list[int], list[str]]] = {}  # table -> (lines, what the page shows)
    for line, sources, what in not_available:
        for table in dict.fromkeys(source.split(".")[0] for source in sources):
            declared = _table_named(table, view)
            if declared is None:
                continue
            frame = view.reference.get(table) if declared.scope == "reference" else view.tables.get(table)
            if frame is None or frame.empty:
                lines, shown = found.setdefault(table, ([], []))
                if line is not None and line not in lines:
                    lines.append(line)
                if what not in shown:
                    shown.append(what)
    warnings = []
    for table, (lines, shown) in found.items():
        folder = "reference" if _table_named(table, view).scope == "reference" else str(view.year)
        frame = view.reference.get(table) if folder == "reference" else view.tables.get(table)
        file = f"data/{folder}/{table}.csv"
        state, hint = (("is missing", f"add {file} (see the data contract)") if frame is None else
                       ("has no rows", f"add the rows to {file}"))
        where = f"lines {', '.join(map(str, sorted(lines)))}: " if len(lines) > 1 else ""
        what = " and ".join("x (not available)" if w == "x" else w for w in shown)
        warnings.append(Problem(
            "figure-not-available", f"{where}shows {what} because {file} {state}",
            file=source_name, line=lines[0] if len(lines) == 1 else None, severity="warning",
            hint=f"{hint}, or leave the page as it is"))
    return warnings


#: Paths of a year's docs tree the build writes: a file of ``content/<year>/`` there would replace
#: (or be replaced by) what the build generates, such as a redacted CSV download.
RESERVED_DIRS = ("downloads", "assets", "search")
RESERVED_FILES = (*GENERATED_PAGES, "404.html", "sitemap.xml", "sitemap.xml.gz", "versions.json")


def is_reserved(relative: str) -> bool:
    return ("/" in relative and relative.split("/", 1)[0] in RESERVED_DIRS) or relative in RESERVED_FILES


def reserved_content(content_dir: Path, year: int) -> list[Problem]:
    """A file of ``content/<year>/`` where the build writes its own files: refused, with the reason."""
    problems = []
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(content_dir).as_posix()
        if not is_reserved(relative):
            continue
        if "/" in relative:
            reason = ("the build writes the CSV downloads here, redacted for each edition: this file would replace "
                      "or sit among them unredacted" if relative.startswith("downloads/") else
                      f"the build writes the site's own {relative.split('/', 1)[0]}/ folder here")
        else:
            reason = "the build writes a file of this name itself"
        problems.append(Problem("content-reserved", f"a file where the build writes its own: {reason}",
                                file=f"content/{year}/{relative}",
                                hint="rename or move the file; downloads are generated from data/"))
    return problems


#: What the first bytes of an image must be, by its suffix.
_IMAGE_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                     ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",)}


def copy_content_files(content_dir: Path, docs_dir: Path, year: int, edition: str, referenced: set[str],
                       authority) -> list[Problem]:
    """Copy the files beside the pages (images) into an edition's docs tree.

    The internal edition gets every one. The public edition gets only the files its published
    text refers to: an image referenced only from a restricted block (or from nowhere) is not
    published. A file it does publish is refused if its name holds a restricted name, if it
    is a symbolic link, or if it is not the image its name says (a renamed CSV).
    """
    if edition not in redact.EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: one of {redact.EDITIONS}")
    problems = []
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file() and p.suffix not in (".md", ".yml")):
        relative = path.relative_to(content_dir).as_posix()
        if is_reserved(relative):
            continue  # refused by reserved_content
        if edition == redact.PUBLIC:
            if relative not in referenced:
                continue
            where = f"content/{year}/{relative}"
            name = redact.named_in(relative, authority)
            if name:
                problems.append(Problem("file-named", "the name of this file holds a restricted name, and the "
                                        "public edition would publish it", file=where, value=name,
                                        hint="rename the file (and the link to it)"))
                continue
            if path.is_symlink():
                problems.append(Problem("file-link", "this file is a symbolic link: the public edition would "
                                        "publish whatever it points to", file=where, hint="copy the image here"))
                continue
            data = path.read_bytes()
            suffix = path.suffix.lower()
            signatures = _IMAGE_SIGNATURES.get(suffix)
            if suffix not in COPYABLE or (signatures and not data.startswith(signatures)) or (
                    suffix == ".svg" and b"<svg" not in data.lower()):
                problems.append(Problem("file-not-image", "only images may sit beside the pages, and this file is not "
                                        f"one{'' if suffix not in COPYABLE else ', whatever its name says'}: the "
                                        "public edition would publish it as it is", file=where,
                                        hint="put text in a page listed in statement.yml"))
                continue
        target = docs_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return problems
