"""Every mistake a commissioner or analyst makes gets a clear message, never a traceback or a wrong page
(issue 13).

One table of cases: each takes a copy of a small project (the smallest project of issue 10), makes one
mistake as council staff make it (Notepad's "ANSI", a date typed the British way, a table pasted twice ...),
runs one command as the command line does, and checks what the person sees: the exit status, the file and
line (or row and column) named, no traceback, and that the previously built site/ is untouched.
Most cases stop at load, validate or render; the few that must build a site share one small project.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator import cli
from tests.test_smallest_project import write_smallest_project

PREVIOUS_SITE = "<p>the site as last published</p>"


@dataclass
class Case:
    id: str
    command: list[str]
    files: dict[str, bytes | str | None]  # path in the project -> new content (None: delete the file)
    exit: int
    says: tuple[str, ...] = ()            # each must appear in what the command prints
    never: tuple[str, ...] = ()           # none may appear
    checks: dict[str, str] = field(default_factory=dict)  # path -> text the file must then hold


A_PAGE = "# Need\n\nOur children{} homes are here.\n"
UTF8_PAGE = A_PAGE.format("\u2019s").encode("utf-8")


CASES = [
    # --- encodings: read as written, or refused by name -------------------------------------------
    Case("authority.yml saved as UTF-16 (Notepad 'Unicode') is read", ["validate"],
         {"authority.yml": lambda text: text.replace("Testshire County", "Testshire\u2019s County").encode("utf-16")},
         0),
    Case("authority.yml saved as Windows-1252 (Notepad 'ANSI') is read", ["validate"],
         {"authority.yml": lambda text: text.replace("Testshire County", "Testshire\u2019s County").encode("cp1252")},
         0),
    Case("a Windows-1252 byte in a UTF-8 page names the line", ["build"],
         {"content/2024/need.md": "# Need\n\nOur children\u2019s homes.\n".encode() + b"Our children\x92s homes.\n"},
         1, ("content/2024/need.md, line 4", "byte 0x92", "children[byte 0x92]s")),
    Case("garbled text (mojibake) in a page names the line and the fix", ["build"],
         {"content/2024/need.md": A_PAGE.format("\u00e2\u20ac\u2122s")},
         1, ("content/2024/need.md, line 3", "garbled text", "'’'")),
    Case("a Windows-1252 byte in a UTF-8 CSV names the cell", ["validate"],
         {"data/2024/action_plan.csv": b"ref,objective,action,lead,due,status\n"
          + "A1,Children\u2019s homes,Open one,Head of service,2025-03,on_track\n".encode()
          + b"A2,Children\x92s homes,Open two,Head of service,2025-03,on_track\n"},
         1, ("data/2024/action_plan.csv, row 3, column 'objective'", "Children[byte 0x92]s homes")),
    Case("garbled text in a CSV cell names the cell", ["validate"],
         {"data/2024/action_plan.csv": "ref,objective,action,lead,due,status\n"
          "A1,Children\u00e2\u20ac\u2122s homes,Open one,Head of service,2025-03,on_track\n"},
         1, ("data/2024/action_plan.csv, row 2, column 'objective'", "garbled text 'â€™'")),
    Case("a spreadsheet saved over authority.yml is not text", ["validate"],
         {"authority.yml": b"PK\x03\x04\x00\x00binary"}, 1, ("authority.yml", "not a text file")),

    # --- settings files: a mapping, or the line at fault ------------------------------------------
    Case("authority.yml reduced to one line of text", ["validate"],
         {"authority.yml": "Testshire County Council\n"}, 1,
         ("authority.yml, line 1: expected settings written as 'name: value' lines, found a line of text",)),
    Case("statement.yml written as a bare list of pages", ["build"],
         {"content/2024/statement.yml": "- index.md\n- need.md\n"}, 1,
         ("content/2024/statement.yml, line 1: expected settings", "found a list", "nav:")),
    Case("an unquoted colon in authority.yml", ["validate"],
         {"authority.yml": lambda text: text.replace("name: Testshire County Council",
                                                     "name: Testshire: County Council")}, 1,
         ("authority.yml, line 1: not valid settings", 'name: "Testshire: County Council"')),
    Case("statement_years not a list", ["validate"],
         {"authority.yml": lambda text: text.replace("[2024]", "twenty twenty-four")}, 1,
         ("authority.yml, line 5: statement_years must be a list of years",)),
    Case("contact written as one line", ["validate"],
         {"authority.yml": lambda text: text + "contact: commissioning@testshire.gov.uk\n"}, 1,
         ("authority.yml, line 6: contact must be settings below it",)),
    Case("statement.yml whose nav is not a list", ["build"],
         {"content/2024/statement.yml": "title: T\npublished: 2024-10-01\nnav: index.md\n"}, 1,
         ("content/2024/statement.yml, line 3: 'nav' must list the pages in order",)),

    # --- dates as councils write them -------------------------------------------------------------
    Case("published: 31/02/2024 is not a day", ["build"],
         {"content/2024/statement.yml": lambda text: text.replace("2024-10-01", "31/02/2024")}, 1,
         ("content/2024/statement.yml, line 2: not a date (found '31/02/2024')", "14 October 2026")),
    Case("published: 10/14/2024 (month first) is refused, not guessed", ["build"],
         {"content/2024/statement.yml": lambda text: text.replace("2024-10-01", "10/14/2024")}, 1,
         ("content/2024/statement.yml, line 2: not a date",)),

    # --- front matter MkDocs would publish as text -------------------------------------------------
    Case("a title with an unquoted colon", ["build"],
         {"content/2024/need.md": "---\ntitle: Need: what we know\n---\n\n# Need\n"}, 1,
         ("content/2024/need.md, line 2: not valid settings", 'title: "Need: what we know"')),
    Case("front matter never closed", ["build"],
         {"content/2024/need.md": "---\ntitle: Need\n\n# Need\n\nText.\n"}, 1,
         ("content/2024/need.md, line 1", "never closed")),
    Case("a page whose first line reads as a setting", ["build"],
         {"content/2024/need.md": "Summary: we need more foster carers.\n\n# Need\n"}, 1,
         ("content/2024/need.md, line 1", "MkDocs hides")),
    Case("an unclosed HTML comment (already refused, issue 9)", ["build"],
         {"content/2024/need.md": "# Need\n\n<!-- Note to self: ask Priya\n\nText.\n"}, 1,
         ("content/2024/need.md, line 3", "never closed")),
]


def _edit(project: Path, path: str, content) -> None:
    target = project / path
    if content is None:
        target.unlink()
        return
    if callable(content):
        content = content(target.read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        target.write_text(content, encoding="utf-8")
    else:
        target.write_bytes(content)


@pytest.fixture(scope="module")
def smallest(tmp_path_factory) -> Path:
    return write_smallest_project(tmp_path_factory.mktemp("smallest"))


def project_copy(smallest: Path, target: Path) -> Path:
    shutil.copytree(smallest, target)
    (target / "site").mkdir()
    (target / "site" / "index.html").write_text(PREVIOUS_SITE)
    return target


def run(project: Path, command: list[str], capsys) -> tuple[int, str]:
    """The command as ``python -m generator --project P ...`` runs it; its exit status and everything printed."""
    capsys.readouterr()
    status = cli.main(["--project", str(project), *command])
    out = capsys.readouterr()
    return status, out.out + out.err


def assert_clean(output: str) -> None:
    assert "Traceback (most recent call last)" not in output
    assert "unexpected error in the tool" not in output, output


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_mistake_gets_a_clear_message(case, smallest, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SUFFICIENCY_JOBS", "1")
    project = project_copy(smallest, tmp_path / "project")
    for path, content in case.files.items():
        _edit(project, path, content)
    status, output = run(project, case.command, capsys)
    assert_clean(output)
    assert status == case.exit, output
    for text in case.says:
        assert text in output, output
    for text in case.never:
        assert text not in output, output
    for path, text in case.checks.items():
        assert text in (project / path).read_text(encoding="utf-8")
    if case.exit:
        assert [p.name for p in (project / "site").iterdir()] == ["index.html"]
        assert (project / "site" / "index.html").read_text() == PREVIOUS_SITE
