"""Benchmark the example build against plain MkDocs, the no-change rebuild and the preview.

Prints, measured on this machine in one run (issue 14's figures):

1. the full example build (every year, both editions, the PDF edition included) from cold
   caches: CPU time of the build and all its workers, and wall time; and the PDF edition's
   own CPU, each PDF (``pdf.write_pdf``: the document, WeasyPrint's layout and writing, the
   laid-out text the leak scan reads), with what reading each public PDF back with pypdf
   would cost instead (the leak scan's former way);
2. the site's pages only (``build --no-pdf``), from cold caches too, in a fresh copy; its docs
   trees are kept for plain MkDocs as hard links, and the CPU that takes (recorded by each
   worker) is left out of the build's figure;
3. plain MkDocs (``mkdocs build``) of exactly the pages the site-pages build generated, one run per
   year and edition: CPU and wall time, and the ratio of each build's CPU to it (with and
   without the PDF edition: MkDocs makes no PDF, so the honest comparison is both). Steps 2 and 3
   run side by side ``--repeat`` times (3 by default) and the median pair is the figure: CPU
   times on a shared machine vary by a tenth from run to run, a pair's ratio less. The
   captured docs trees are the Markdown of the pages as published, every chart's drawings
   and every table inline (what a person would write to get those pages): the build sets
   them aside from Python-Markdown only inside its own MkDocs run (``generator/raw_html.py``),
   never in the docs tree, and the capture refuses a tree holding a set-aside token. So plain
   MkDocs pays for parsing them, and the comparison is our build, with that saving, against
   plain MkDocs of the full pages;
4. a rebuild with nothing changed (the caches the first build left are kept);
5. preview latency: from saving a prose edit (``content/``) and a data edit (``data/``)
   until the preview server reports the rebuilt site (its version counter moves) and,
   for the prose edit, until the page it serves shows the new sentence.

Everything runs on a copy of the example project in a temporary folder, with its own
caches (``SUFFICIENCY_CACHE``, ``XDG_CACHE_HOME``), so the repository and the
user's caches are not touched and "cold" means cold. Not a test: it prints figures.

    python bench/build_bench.py                 # everything (about 3 to 5 minutes on 2 cores)
    python bench/build_bench.py --no-preview    # builds, plain MkDocs and rebuild only
    python bench/build_bench.py --keep          # keep the temporary folder and print its path

CPU times include child processes (the build's worker pool): ``getrusage(RUSAGE_CHILDREN)``
before and after each command. On a shared machine wall times vary with load; CPU times
much less.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("authority.yml", "mkdocs.yml", "content", "data", "theme")

# Run inside the build instead of `python -m generator`: after each MkDocs run it copies
# the generated docs tree and its mkdocs.yml aside (hard links), so that plain MkDocs can build the
# very same pages. The worker processes are forked from this process (or from a fork server that
# imports this script as its main module), so the patch applies in them too.
CAPTURE_WRAPPER = '''\
import os, shutil, sys, time
from pathlib import Path

from generator import ONE_THREAD

# As ``sufficiency build`` does (cli.main) before numpy is imported: one thread in the numerical
# libraries, so this process runs one thread and forks its workers (build._context).
for name, value in ONE_THREAD.items():
    os.environ.setdefault(name, value)

import generator.build as build
import generator.pdf as pdf

CAPTURE = Path(os.environ["BENCH_CAPTURE"])
_run_mkdocs = build.run_mkdocs
_write_pdf = pdf.write_pdf


def run_mkdocs(project_dir, tree, site_dir, authority):
    _run_mkdocs(project_dir, tree, site_dir, authority)
    # Hard links (the build never rewrites a docs tree's files, it only removes them at the end), and the
    # CPU this takes recorded, so that the bench can leave it out of the build's figure.
    started = time.process_time()
    shutil.copytree(tree.docs_dir.parent, CAPTURE / f"{tree.edition}-{tree.year}", copy_function=os.link)
    with (CAPTURE / "capture-cpu.txt").open("a") as log:
        log.write(f"{time.process_time() - started:.6f}\\n")


def write_pdf(site_dir, tree, *args, **kwargs):
    started = time.process_time()
    printed = _write_pdf(site_dir, tree, *args, **kwargs)
    with (CAPTURE / "pdf-cpu.txt").open("a") as log:
        log.write(f"{tree.edition} {tree.year} {time.process_time() - started:.3f} {printed.size}\\n")
    return printed


_context = build._context


def start_method():
    context = _context()
    (CAPTURE / "start-method.txt").write_text(context.get_start_method())
    return context


build.run_mkdocs = run_mkdocs
pdf.write_pdf = write_pdf
build._context = start_method

if __name__ == "__main__":
    from generator.cli import main

    sys.exit(main())
'''


@dataclass
class Timing:
    cpu: float
    wall: float
    system: float = 0.0  # of cpu, the time in the kernel (files made, memory mapped): the noisiest part here


def _children_cpu() -> tuple[float, float]:
    """CPU time of this process's ended children: (user + system, system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime


def timed(command: list[str], env: dict, cwd: Path, log: Path) -> Timing:
    """Run ``command`` to the end; its CPU time (with its children) and wall time."""
    (cpu, system), wall = _children_cpu(), time.perf_counter()
    with log.open("ab") as out:
        result = subprocess.run(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=False)
    after = _children_cpu()
    timing = Timing(after[0] - cpu, time.perf_counter() - wall, after[1] - system)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{log.read_text(errors='replace')[-3000:]}")
    return timing


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copyfile(source, target / name)
    return target


def capture_cpu(captured: Path) -> float:
    """CPU the capture wrapper spent linking docs trees aside (recorded by each worker)."""
    record = captured / "capture-cpu.txt"
    return sum(float(line) for line in record.read_text().split()) if record.is_file() else 0.0


def plain_mkdocs(captured: Path, out: Path, env: dict, log: Path) -> tuple[Timing, int]:
    """``mkdocs build`` of every captured docs tree, one after another."""
    import yaml

    total = Timing(0.0, 0.0)
    trees = sorted(p for p in captured.iterdir() if (p / "mkdocs.yml").is_file())
    for tree in trees:
        # The pages as published: nothing set aside in the Markdown (generator/raw_html.py works inside
        # our MkDocs run only), so plain MkDocs parses every drawing and table a reader gets.
        aside = [p for p in (tree / "docs").rglob("*.md") if "x-aside" in p.read_text(encoding="utf-8").lower()]
        if aside:
            sys.exit(f"captured docs tree {tree.name} holds set-aside tokens (not the pages as published): "
                     f"{', '.join(p.name for p in aside[:5])}")
        config = yaml.safe_load((tree / "mkdocs.yml").read_text(encoding="utf-8"))
        config["docs_dir"] = str(tree / "docs")
        config["site_dir"] = str(out / tree.name)
        (tree / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        t = timed([sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(tree / "mkdocs.yml")],
                  env, tree, log)
        total = Timing(total.cpu + t.cpu, total.wall + t.wall, total.system + t.system)
    return total, len(trees)


def pdf_lines(captured: Path, site: Path) -> list[str]:
    """The PDF edition's CPU per PDF (recorded in the build's workers), and pypdf's read-back for comparison."""
    record = captured / "pdf-cpu.txt"
    if not record.is_file():
        return ["PDF edition: none was written (weasyprint or pypdf not installed, or pdf_editions: [])"]
    rows = [line.split() for line in record.read_text().splitlines() if line.strip()]
    cpu = [float(row[2]) for row in rows]
    lines = [f"{'PDF edition, all PDFs':40s} {sum(cpu):7.1f} s CPU   ({len(rows)} PDFs; each "
             f"{min(cpu):.1f} to {max(cpu):.1f} s, median {statistics.median(cpu):.1f} s; "
             f"{statistics.mean(int(row[3]) for row in rows) / 1e6:.1f} MB each)"]
    for edition in sorted({row[0] for row in rows}):
        mine = [float(row[2]) for row in rows if row[0] == edition]
        lines.append(f"{'  ' + edition + ' edition, per PDF':40s} {statistics.mean(mine):7.1f} s CPU")
    sys.path.insert(0, str(ROOT))  # this checkout
    from generator import check

    public = sorted(site.glob("[0-9]*/downloads/all/*.pdf"))
    if public:
        started = time.process_time()
        for path in public:
            check.pdf_text(path.read_bytes())
        each = (time.process_time() - started) / len(public)
        lines.append(f"{'  pypdf read-back of a public PDF':40s} {each:7.1f} s CPU   (what the leak scan no longer "
                     "pays: it reads the laid-out text)")
    return lines


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # the preview server on 127.0.0.1
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait(condition, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until ``condition()`` holds (polled every ``step``), or None after ``timeout``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if condition():
            return time.perf_counter() - started
        time.sleep(step)
    return None


def preview_latency(project: Path, env: dict, log: Path, timeout: float) -> list[str]:
    """Start ``sufficiency preview``, save a prose edit and a data edit, time what the browser sees."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    year = max(int(p.name) for p in (project / "content").iterdir() if p.name.isdigit())
    lines = []
    with log.open("ab") as out:
        server = subprocess.Popen([sys.executable, "-m", "generator", "--project", str(project), "preview",
                                   "--port", str(port)], env=env, cwd=project, stdout=out, stderr=subprocess.STDOUT)
    try:
        started = _wait(lambda: _get(f"{base}/__preview__/version") is not None, timeout, 0.2)
        if started is None:
            return [f"preview: no answer on {base}/__preview__/version within {timeout:.0f} s (see {log})"]
        lines.append(f"{'Preview ready (first build)':40s} {started:7.1f} s wall")

        def version() -> str | None:
            return _get(f"{base}/__preview__/version")

        def edit_and_wait(path: Path, old: str, new: str, page: str | None, marker: str | None):
            before = version()
            text = path.read_text(encoding="utf-8")
            if old not in text:
                return None, None
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            saved = time.perf_counter()
            rebuilt = _wait(lambda: version() not in (before, None), timeout)
            shown = None
            if marker is not None and _wait(lambda: marker in (_get(f"{base}{page}") or ""), timeout) is not None:
                shown = time.perf_counter() - saved
            return rebuilt, shown

        def restore(path: Path, text: str):
            before = version()
            path.write_text(text, encoding="utf-8")
            _wait(lambda: version() not in (before, None), timeout)

        # Prose: a sentence added to the latest statement's home page.
        prose = project / "content" / str(year) / "index.md"
        original = prose.read_text(encoding="utf-8")
        marker = f"Benchmark sentence {os.getpid()}."
        rebuilt, shown = edit_and_wait(prose, original, original.rstrip("\n") + f"\n\n{marker}\n", f"/{year}/", marker)
        restore(prose, original)
        lines.append(f"{'Prose edit -> preview rebuilt':40s} {_seconds(rebuilt)}")
        lines.append(f"{'Prose edit -> page shows it':40s} {_seconds(shown)}   (target <= 1 s)")

        # Data: one figure of the latest year (children with 3+ placements), still valid.
        data = project / "data" / str(year) / "placement_stability.csv"
        original = data.read_text(encoding="utf-8")
        match = re.search(r"^short_term,(\d+),", original, re.M)
        if match is None:
            lines.append("Data edit -> preview: data/<year>/placement_stability.csv has no short_term row; skipped")
        else:
            figure = int(match.group(1))
            rebuilt, _ = edit_and_wait(data, match.group(0), f"short_term,{figure + 1},", None, None)
            error = "could not be built" in (_get(f"{base}/") or "")
            restore(data, original)
            lines.append(f"{'Data edit -> preview rebuilt':40s} {_seconds(rebuilt)}   (target <= 5 s)"
                         + ("  BUT the preview showed a build error" if error else ""))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return lines


def _seconds(value: float | None) -> str:
    return "   timed out" if value is None else f"{value:7.2f} s wall"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-preview", action="store_true", help="skip the preview latencies")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--repeat", type=int, default=3,
                        help="pairs of site-pages build and plain MkDocs, each run side by side (default 3)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for one preview rebuild")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="build-bench-"))
    project = copy_project(tmp / "project")
    captured = tmp / "captured"
    captured.mkdir()
    log = tmp / "bench.log"
    wrapper = tmp / "capture_build.py"
    wrapper.write_text(CAPTURE_WRAPPER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               SUFFICIENCY_CACHE=str(tmp / "chart-cache"), XDG_CACHE_HOME=str(tmp / "xdg-cache"),
               BENCH_CAPTURE=str(captured), PYTHONDONTWRITEBYTECODE="1")

    print(f"build_bench: {platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}; project copy in {tmp}")
    try:
        full = timed([sys.executable, str(wrapper), "--project", str(project), "build", "--out",
                      str(project / "site")], env, project, log)
        built = re.findall(r"Built .*", log.read_text(errors="replace"))
        print(f"{'Full build with PDF edition, cold caches':40s} {full.cpu:7.1f} s CPU {full.wall:7.1f} s wall"
              + (f"   ({built[-1]})" if built else ""))
        for line in pdf_lines(captured, project / "site"):
            print(line)

        # The site's pages alone, then plain MkDocs of exactly those pages, side by side, ``--repeat`` times
        # (each from a fresh copy and cold caches): this machine's CPU times vary from run to run, the
        # ratio of a pair run together much less; the median pair is the figure.
        pairs = []
        for run in range(args.repeat):
            pages_project = copy_project(tmp / f"pages-project-{run}")
            kept = tmp / f"pages-captured-{run}"
            kept.mkdir()
            pages_env = dict(env, SUFFICIENCY_CACHE=str(tmp / f"pages-chart-cache-{run}"),
                             XDG_CACHE_HOME=str(tmp / f"pages-xdg-cache-{run}"), BENCH_CAPTURE=str(kept))
            pages = timed([sys.executable, str(wrapper), "--project", str(pages_project), "build", "--no-pdf",
                           "--out", str(pages_project / "site")], pages_env, pages_project, log)
            capture = capture_cpu(kept)
            pages = Timing(pages.cpu - capture, pages.wall, pages.system)
            # Plain MkDocs builds the pages of this site-pages build: the pages as published (no PDF links).
            plain, trees = plain_mkdocs(kept, tmp / f"plain-site-{run}", env, log)
            if not trees:
                sys.exit("Plain MkDocs: no generated pages captured (generator.build.run_mkdocs was not called)")
            pairs.append((pages.cpu / plain.cpu, pages, plain, capture, trees))
            print(f"{'Site pages only (build --no-pdf), cold':40s} {pages.cpu:7.1f} s CPU {pages.wall:7.1f} s wall"
                  f"   (system {pages.system:.1f} s; less {capture:.2f} s CPU keeping its pages for plain MkDocs)")
            print(f"{'Plain MkDocs, same pages':40s} {plain.cpu:7.1f} s CPU {plain.wall:7.1f} s wall"
                  f"   (system {plain.system:.1f} s; {trees} mkdocs build runs)")
            method = kept / "start-method.txt"
            workers = method.read_text() if method.is_file() else "none: one process"
            print(f"{'  ratio of this pair':40s} {pages.cpu / plain.cpu:7.2f} x   (workers started by: {workers})")
        ratio, pages, plain, _, _ = sorted(pairs, key=lambda pair: pair[0])[len(pairs) // 2]
        print(f"{'Build CPU / plain MkDocs CPU':40s} {full.cpu / plain.cpu:7.2f} x   with the PDF edition "
              f"(MkDocs makes none; against the median pair's plain MkDocs)")
        print(f"{'Build CPU / plain MkDocs CPU':40s} {ratio:7.2f} x   site pages only, median of {len(pairs)} "
              f"pairs ({', '.join(f'{r:.2f}' for r, *_ in pairs)}; target <= 1.5 x)")

        rebuild = timed([sys.executable, "-m", "generator", "--project", str(project), "build", "--out",
                         str(project / "site")], env, project, log)
        print(f"{'No-change rebuild':40s} {rebuild.cpu:7.1f} s CPU {rebuild.wall:7.1f} s wall   (target <= 2 s)")

        if not args.no_preview:
            for line in preview_latency(project, env, log, args.timeout):
                print(line)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
