"""Many councils (issue 14): several projects built in parallel, and one address for a consortium."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import PROJECT_DIR
from test_smallest_project import write_smallest_project

pytestmark = pytest.mark.slow


def test_two_councils_build_in_parallel_and_assemble_under_one_address(tmp_path):
    first = write_smallest_project(tmp_path / "testshire")
    second = write_smallest_project(tmp_path / "otherby")
    (second / "authority.yml").write_text((second / "authority.yml").read_text().replace("Testshire", "Otherby"))
    broken = write_smallest_project(tmp_path / "broken")
    (broken / "data" / "2024" / "looked_after.csv").write_text("breakdown,category,children\ntotal,all,many\n")
    env_path = {"PYTHONPATH": str(PROJECT_DIR)}
    run = subprocess.run([sys.executable, "-m", "generator", "build-all", str(first), str(second), str(broken)],
                         capture_output=True, text=True, env={**os.environ, **env_path}, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 of 3 projects failed: broken" in run.stdout
    assert "looked_after.csv" in run.stdout  # the failed project's problem, with its file
    for project in (first, second):
        assert (project / "site" / "2024" / "index.html").is_file()
        assert (project / "site-internal" / "2024" / "index.html").is_file()
    assert not (broken / "site").exists()

    out = tmp_path / "consortium"
    run = subprocess.run([sys.executable, "-m", "generator", "assemble", f"testshire={first / 'site'}",
                          f"otherby={second / 'site'}", "--out", str(out)], capture_output=True, text=True,
                         env={**os.environ, **env_path}, timeout=300)
    assert run.returncode == 0, run.stderr
    landing = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="otherby/"' in landing and 'href="testshire/"' in landing
    assert json.loads((out / "testshire" / "versions.json").read_text())[0]["version"] == "2024"
    refused = subprocess.run([sys.executable, "-m", "generator", "assemble", f"x={first / 'site-internal'}",
                              "--out", str(tmp_path / "no")], capture_output=True, text=True,
                             env={**os.environ, **env_path}, timeout=300)
    assert refused.returncode == 1 and "internal" in refused.stderr + refused.stdout
