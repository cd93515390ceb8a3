"""Frozen years: a statement year whose inputs have not changed is reused, not rebuilt.

A year's built editions depend only on its own content folder, the data of that
year and earlier years, the reference data, the theme, the MkDocs config,
``authority.yml``, the list of statement years (the year selector and the
"earlier statement" banner name them), the generator's own code and the
versions of the libraries that render it. ``year_key`` hashes all of that; a
build that finds the key in ``.build/cache/years/`` writes out the kept edition
folders instead of rendering and running MkDocs again. Because the build is
deterministic, a reused year is byte for byte what a cold build would write
(tested). Suppression results are cached the same way, by the hash of the
year's tables, the threshold and the code that decides them.
"""
from __future__ import annotations

import hashlib
import pickle
import platform
import shutil
from importlib import metadata
from pathlib import Path

#: Libraries whose version changes what a page looks like.
#: Charts are drawn by our own code (drawing.py), which the generator's source hash covers.
RENDERING_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pandas", "numpy",
                      "scipy", "pyyaml", "weasyprint", "pydyf", "pypdf")
GENERATOR_DIR = Path(__file__).resolve().parent


def _hash_files(digest, root: Path, base: Path) -> None:
    if root.is_file():
        digest.update(root.relative_to(base).as_posix().encode() + b"\0" + root.read_bytes() + b"\0")
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def code_fingerprint() -> str:
    """The generator's source and the versions of the libraries that render pages."""
    digest = hashlib.sha256()
    _hash_files(digest, GENERATOR_DIR, GENERATOR_DIR.parent)
    for name in RENDERING_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    digest.update(platform.python_version().encode())
    return digest.hexdigest()


def year_key(project_dir: Path, year: int, data_years: list[int], statement_years: list[int],
             editions: tuple[str, ...], code: str) -> str:
    """Everything one statement year's built editions depend on, hashed."""
    digest = hashlib.sha256()
    digest.update(f"{year}|{sorted(statement_years)}|{editions}|{code}\0".encode())
    for name in ("authority.yml", "mkdocs.yml", "theme", f"content/{year}", "data/reference"):
        path = project_dir / name
        if path.exists():
            _hash_files(digest, path, project_dir)
    data_dir = project_dir / "data"
    if data_dir.is_dir():  # schemas of declared tables that serve every year (declared.py)
        for path in sorted(p for p in data_dir.iterdir() if p.is_file() and p.suffix.lower() in (".yml", ".yaml")):
            _hash_files(digest, path, project_dir)
    for data_year in sorted(y for y in data_years if y <= year):
        _hash_files(digest, project_dir / "data" / str(data_year), project_dir)
    return digest.hexdigest()


class YearCache:
    """``.build/cache/years/<key>.pickle``: a built year in one file, each edition's year folder (every
    file's path and bytes) with its docs-tree record.

    One file a year, not a copy of the year's folders (issue 14): a year is some 400 files in 60 folders
    per edition, and creating a file costs far more than writing its bytes on some file systems (here
    about half a millisecond each, a tenth of a cold build's CPU). The files are written out again only
    when the year is reused."""

    def __init__(self, project_dir: Path):
        self.root = project_dir / ".build" / "cache" / "years"

    def _path(self, key: str) -> Path:
        return self.root / f"{key}.pickle"

    def get(self, key: str, editions: tuple[str, ...]):
        """``(files, trees)`` of the year built with ``key``: ``files`` maps each edition to its year
        folder's files (path in the folder -> bytes); None when it was not kept or lacks an edition."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                files, trees = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            return None  # a damaged entry is built again
        if not all(edition in files for edition in editions):
            return None
        return files, trees

    def restore(self, hit, staging: dict[str, Path]) -> list:
        """Write a kept year's folders (``hit``, from ``get``) into each edition's staging folder; its docs
        trees, marked ``frozen`` (reused, not built)."""
        files, trees = hit
        for tree in trees:
            tree.frozen = True
            folder = staging[tree.edition] / tree.site_path
            made = set()
            for name, data in files[tree.edition].items():
                target = folder / name
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                target.write_bytes(data)  # the bytes; permissions and times are not output
        return trees

    def put(self, key: str, trees, staging: dict[str, Path]) -> None:
        path = self._path(key)
        if path.exists():
            return
        files = {}
        for tree in trees:
            folder = staging[tree.edition] / tree.site_path
            files[tree.edition] = {item.relative_to(folder).as_posix(): item.read_bytes()
                                   for item in sorted(folder.rglob("*")) if item.is_file()}
        self.root.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as handle:
            pickle.dump((files, trees), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)

    def keep_only(self, keys: set[str]) -> None:
        """Drop cached years no longer built (the cache holds one build's worth), and anything else left
        in the folder (a folder kept by an earlier version, a write cut short)."""
        if not self.root.is_dir():
            return
        for item in self.root.iterdir():
            if item.suffix == ".pickle" and item.stem in keys:
                continue
            if item.is_dir():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)


def cached(path: Path, compute):
    """``compute()`` once, then read back from ``path`` (a pickle)."""
    if path.is_file():
        with path.open("rb") as handle:
            return pickle.load(handle)
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".partial")
    with temporary.open("wb") as handle:
        pickle.dump(value, handle)
    temporary.replace(path)
    return value
