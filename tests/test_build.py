"""The build end to end, as a user runs it (issue 3, "Done when")."""
from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_DIR, copy_project, internal_of

from generator.build import build, output_dirs
from generator.problems import BuildError
from generator.redact import INTERNAL, PUBLIC

pytestmark = pytest.mark.slow


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    return subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args],
                          capture_output=True, text=True, env=env, timeout=900)


def project_with_a_published_site(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the example with a previous site/ that a failed build must leave alone."""
    project = copy_project(tmp_path / "project")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site")
    return project, site


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_site_has_every_year_both_editions_and_versions(example_site):
    years = [2024, 2025, 2026]
    versions = json.loads((example_site / "versions.json").read_text())
    assert [v["version"] for v in versions] == ["2026", "2025", "2024"]
    assert versions[0]["aliases"] == ["latest"]
    for root in (example_site, internal_of(example_site)):
        assert (root / "index.html").read_text().count('url=2026/') == 1
        assert not (root / "latest").is_symlink()
        assert filecmp.cmp(root / "latest" / "index.html", root / "2026" / "index.html", shallow=False)
        for year in years:
            for page in ("sufficiency/index.html", "market-position/index.html", "methods/index.html",
                         "downloads/index.html", "accessibility/index.html", "glossary/index.html",
                         "data-contract/index.html", "404.html", "search/search_index.json", "sitemap.xml"):
                assert (root / str(year) / page).is_file(), f"{root}/{year}/{page}"
    assert json.loads((internal_of(example_site) / "versions.json").read_text()) == versions


def test_site_holds_only_the_public_edition(example_site):
    """site/ is what GitHub Pages deploys, all of it: every page, the root and every 404 are the
    public edition's; the internal edition is in site-internal/, beside it (issue 9, point 1)."""
    internal = internal_of(example_site)
    assert sorted(p.name for p in example_site.iterdir()) == ["2024", "2025", "2026", "404.html", "index.html",
                                                              "latest", "versions.json"]
    assert example_site not in internal.parents
    pages = sorted(example_site.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for mark in ("sx-edition--internal", "Internal edition: not for publication", "Not in the public edition",
                     "site-internal", "Read the public edition"):
            assert mark not in text, f"{page.relative_to(example_site)} has {mark!r}"
    not_found = (example_site / "404.html").read_text(encoding="utf-8")
    assert "Public edition:" in not_found and "Page not found" in not_found
    assert filecmp.cmp(example_site / "404.html", example_site / "2026" / "404.html", shallow=False)
    # the spend with named providers (commercially sensitive) is only in the internal edition
    assert not list(example_site.rglob("spend_with_providers.csv"))
    assert (internal / "2026" / "downloads" / "spend_with_providers.csv").is_file()
    internal_pages = sorted(internal.rglob("*.html"))
    assert internal_pages and all("Internal edition: not for publication" in p.read_text(encoding="utf-8")
                                  for p in internal_pages)
    assert any("Not in the public edition" in p.read_text(encoding="utf-8") for p in internal_pages)


def test_the_pages_workflow_deploys_only_the_public_folder():
    workflow = yaml.safe_load((PROJECT_DIR / ".github" / "workflows" / "publish.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    pages = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact")]
    assert [s["with"]["path"] for s in pages] == ["site"]
    artifacts = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert [s["with"]["path"] for s in artifacts] == ["site-internal"]
    assert 1 <= int(artifacts[0]["with"]["retention-days"]) <= 14
    assert "private" in artifacts[0]["if"] and "pull_request" in artifacts[0]["if"]
    # nothing else uploads or deploys a folder
    uploads = [s for s in steps if "upload" in str(s.get("uses", "")) or "deploy" in str(s.get("uses", ""))]
    assert len(uploads) == len(pages) + len(artifacts) + 1


def test_the_internal_address_may_not_be_inside_the_public_site(tmp_path):
    from generator.config import load_authority

    text = (PROJECT_DIR / "authority.yml").read_text(encoding="utf-8")
    path = tmp_path / "authority.yml"
    path.write_text(text + "\ninternal_site_url: https://castlebridge-example.github.io/sufficiency/internal/\n")
    with pytest.raises(BuildError) as info:
        load_authority(path)
    assert [p.code for p in info.value.problems] == ["config-internal-url"]
    assert "never be on public hosting" in str(info.value)
    path.write_text(text + "\ninternal_site_url: https://intranet.castlebridge.example.gov.uk/sufficiency/\n")
    assert load_authority(path).internal_site_url.startswith("https://intranet.")


def test_the_internal_folder_may_not_be_inside_the_public_one(tmp_path):
    for internal in (tmp_path / "site" / "internal", tmp_path / "site", tmp_path):
        with pytest.raises(BuildError, match="neither inside the other"):
            output_dirs(tmp_path, tmp_path / "site", internal)
    dirs = output_dirs(tmp_path, tmp_path / "site", None)
    assert dirs == {PUBLIC: tmp_path / "site", INTERNAL: tmp_path / "site-internal"}


def test_no_page_requests_anything_outside_the_site(example_site):
    for page in example_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for bad in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com", "<script src=\"http"):
            assert bad not in text, f"{page} refers to {bad}"


def test_rebuild_is_byte_identical_and_a_new_year_changes_no_published_one(example_site, tmp_path):
    # Build only 2024 and 2025, as the site stood before 2026 was added.
    earlier = tmp_path / "site"
    build(PROJECT_DIR, earlier, years=[2024, 2025], cache=False)  # a cold build, nothing reused
    for year in ("2024", "2025"):
        for a_root, b_root in ((example_site, earlier), (internal_of(example_site), internal_of(earlier))):
            a, b = a_root / year, b_root / year
            assert all_files(a) == all_files(b)
            different = [f for f in all_files(a) if not filecmp.cmp(a / f, b / f, shallow=False)]
            assert different == [], f"{a} differs: {different[:5]}"


def test_broken_csv_stops_with_file_row_and_leaves_the_site_alone(tmp_path):
    project, site = project_with_a_published_site(tmp_path)
    path = project / "data" / "2026" / "fostering_recruitment.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("households")] = "twelve"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert "fostering_recruitment.csv" in result.stderr and "row 2" in result.stderr
    assert "'twelve'" in result.stderr and "whole number" in result.stderr
    assert (site / "index.html").read_text() == "previous site"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == ["site"]


def test_mistyped_placeholder_names_file_line_and_fix(tmp_path):
    project, site = project_with_a_published_site(tmp_path)
    page = project / "content" / "2026" / "index.md"
    lines = page.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if "{{ looked_after.total }}" in line)
    lines[number] = lines[number].replace("{{ looked_after.total }}", "{{ looked_after.totl }}", 1)
    page.write_text("\n".join(lines) + "\n")
    result = run_cli(project, "build", "--year", "2026")
    assert result.returncode == 1
    assert (f"content/2026/index.md, line {number + 1}: unknown name 'looked_after.totl'. "
            "Hint: did you mean 'looked_after.total'?") in result.stderr
    assert (site / "index.html").read_text() == "previous site"


def test_one_csv_value_changes_every_place_it_appears_and_nothing_else(tmp_path):
    # the site's pages and downloads; the PDF edition is made from these pages (tests/test_pdf.py)
    project = copy_project(tmp_path / "project")
    first = tmp_path / "first"
    build(project, first, years=[2026], editions=(PUBLIC,), pdf=False)
    path = project / "data" / "2026" / "fostering_recruitment.csv"
    rows = [line.split(",") for line in path.read_text().splitlines()]
    enquiries_row = next(r for r in rows if r[0] == "enquiries")
    old = int(enquiries_row[1])
    new = old + 1000
    enquiries_row[1] = str(new)
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    second = tmp_path / "second"
    build(project, second, years=[2026], editions=(PUBLIC,), pdf=False)

    files = all_files(first / "2026")
    assert files == all_files(second / "2026")
    changed = {f for f in files if not filecmp.cmp(first / "2026" / f, second / "2026" / f, shallow=False)}
    # Every changed file is one that shows the recruitment figures; the download of the funnel is among them.
    assert "downloads/recruitment_funnel.csv" in changed
    assert f"{new:,}" in (second / "2026" / "downloads" / "recruitment_funnel.csv").read_text() or str(new) in (
        second / "2026" / "downloads" / "recruitment_funnel.csv").read_text()
    unrelated = {f for f in changed if f.endswith(".html") and "nquir" not in (first / "2026" / f).read_text()}
    assert unrelated == set(), f"pages that never showed enquiries changed: {sorted(unrelated)}"
    for f in changed:
        if f.endswith(".html"):
            assert f"{new:,}" in (second / "2026" / f).read_text(), f"{f} does not show the new figure"
    assert "sufficiency/need/index.html" not in changed


def test_an_unchanged_year_is_reused_byte_for_byte_and_an_edited_one_rebuilt(tmp_path):
    # Issue 14: frozen years. The reused output must be what a cold build writes.
    project = copy_project(tmp_path / "project")
    cold, warm, edited = tmp_path / "cold", tmp_path / "warm", tmp_path / "edited"
    first = build(project, cold, years=[2025, 2026], editions=(PUBLIC,), pdf=False)
    assert first.reused == []
    second = build(project, warm, years=[2025, 2026], editions=(PUBLIC,), pdf=False)
    assert second.reused == [2025, 2026]
    different = [f for f in all_files(cold) if not filecmp.cmp(cold / f, warm / f, shallow=False)]
    assert all_files(cold) == all_files(warm) and different == []
    page = project / "content" / "2026" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added after publication.\n", encoding="utf-8")
    third = build(project, edited, years=[2025, 2026], editions=(PUBLIC,), pdf=False)
    assert third.reused == [2025]
    assert "A sentence added after publication." in (edited / "2026" / "index.html").read_text(encoding="utf-8")
    same_2025 = [f for f in all_files(cold / "2025") if not filecmp.cmp(cold / "2025" / f, edited / "2025" / f,
                                                                         shallow=False)]
    assert same_2025 == []
    # A kept year that cannot be read back (a write cut short, a disk error) is built again, the same.
    for kept in (project / ".build" / "cache" / "years").glob("*.pickle"):
        kept.write_bytes(kept.read_bytes()[:100])
    again = build(project, tmp_path / "again", years=[2025], editions=(PUBLIC,), pdf=False)
    assert again.reused == []
    assert [f for f in all_files(cold / "2025") if not filecmp.cmp(cold / "2025" / f, tmp_path / "again" / "2025" / f,
                                                                   shallow=False)] == []


def test_workers_are_forked_only_from_a_process_that_runs_one_thread():
    """The command's process runs one thread, so its workers are forked from it (nothing imported twice);
    once a thread runs (the preview's server, a browser driver), they come from a fork server instead."""
    script = ("import threading, time\n"
              "from generator import build\n"
              "print(build._context().get_start_method())\n"
              "threading.Thread(target=time.sleep, args=(2,), daemon=True).start()\n"
              "print(build._context().get_start_method())\n"
              "build._stop_fork_server()\n")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["fork", "forkserver"]
    # While forked workers run, what this process held when it forked them is out of the garbage
    # collector's reach (their memory stays shared); afterwards it is collected again, nothing kept for ever.
    script = ("import gc\n"
              "from generator import build\n"
              "with build.worker_pool(2) as pool_map:\n"
              "    print(list(pool_map(abs, [-1, -2, -3])), gc.get_freeze_count() > 0)\n"
              "print(gc.get_freeze_count())\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[1,", "2,", "3]", "True", "0"]


def test_work_done_while_the_workers_run_comes_before_their_results():
    """The build makes the forecast's simulations while the workers protect the data (``_and_then``): the work
    is done once, after the tasks are handed out, and the results come back in order."""
    from generator import build

    done = []
    with build.worker_pool(2) as pool_map:
        results = build._and_then(pool_map, lambda: done.append("work"))(abs, [-1, -2, -3])
        assert done == ["work"]
        assert list(results) == [1, 2, 3]


def test_a_failure_while_simulating_ahead_is_left_to_the_years_job():
    """Making the simulations ahead only saves work: data the forecast cannot use does not stop the build
    there, but in the year's job, which reports it year by year as it always has."""
    from generator import build

    class Unusable:
        def view(self, year):
            raise ValueError(f"no usable data for {year}")

    build._simulate_ahead(Unusable(), [2025, 2026])  # nothing raised
