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
import socket
import time
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
    Case("authority.yml saved as UTF-16 BE (Notepad 'UTF-16 BE') is read", ["validate"],
         {"authority.yml": lambda text: b"\xfe\xff" + text.encode("utf-16-be")}, 0),
    Case("authority.yml saved as UTF-8 with BOM is read", ["validate"],
         {"authority.yml": lambda text: b"\xef\xbb\xbf" + text.encode()}, 0),
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
    Case("a setting written twice (YAML would keep the last silently)", ["validate"],
         {"authority.yml": lambda text: text + "name: Testshire Council\n"}, 1,
         ("authority.yml, line 6: the setting 'name' appears twice, lines 1 and 6",)),
    Case("a nav entry that is neither a page nor a section", ["build"],
         {"content/2024/statement.yml": lambda text: text.replace("  - Need: need.md", "  - Need: {page: need.md}")},
         1, ("content/2024/statement.yml, line 3: a nav entry must be a page",)),
    Case("published: left empty", ["build"],
         {"content/2024/statement.yml": lambda text: text.replace("published: 2024-10-01", "published:")}, 1,
         ("content/2024/statement.yml, line 2: the publication date is empty",)),
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

    # --- dates: British ways are read -------------------------------------------------------------
    Case("published: 14/10/2024 is read", ["validate"],
         {"content/2024/statement.yml": lambda text: text.replace("2024-10-01", "14/10/2024")}, 0),

    # --- data: nothing wrong published silently --------------------------------------------------
    Case("a percentage typed as a fraction among whole percentages", ["validate"],
         {"data/reference/benchmarks.csv": "measure,year,area,value\nforeign_share,2024,england,67\n"
          .replace("foreign_share,2024,england,67", "foster_share,2024,england,67\n"
                   "foster_share,2024,statistical_neighbours,0.67")}, 1,
         ("data/reference/benchmarks.csv, row 3, column 'value': a percentage written as a fraction of 1",
          "expected the percentage out of 100, 67")),
    Case("percentages all typed as fractions", ["validate"],
         {"data/reference/benchmarks.csv": "measure,year,area,value\nfoster_share,2024,england,0.67\n"
          "residential_share,2024,england,0.12\nlooked_after_rate,2024,england,70\n"}, 1,
         ("row 2, column 'value': a percentage written as a fraction", "row 3, column 'value'")),
    Case("72% in benchmarks.csv is read, as the README promises for 12%", ["validate"],
         {"data/reference/benchmarks.csv": "measure,year,area,value\nfoster_share,2024,england,72%\n"
          "uasc_share,2024,england,0.5%\nlooked_after_rate,2024,england,70\n"}, 0,
         never=("error:",)),
    Case("a rate per 10,000 written with a per cent sign", ["validate"],
         {"data/reference/benchmarks.csv": "measure,year,area,value\nlooked_after_rate,2024,england,70%\n"}, 1,
         ("data/reference/benchmarks.csv, row 2, column 'value': a rate per 10,000 children written as a "
          "percentage",)),
    Case("a scenario shifting 150% of a group", ["validate"],
         {"data/2024/scenarios.csv": "scenario,lever,age_band,from_group,to_group,value,start_year\n"
          "Strategy,placement_shift_percent,all,residential,fostering,150,2025\n"}, 1,
         ("data/2024/scenarios.csv, row 2, column 'value': a placement shift moves between 0% and 100%",)),
    Case("a scenario's shifts out of one group adding up to more than all of it", ["validate"],
         {"data/2024/scenarios.csv": "scenario,lever,age_band,from_group,to_group,value,start_year\n"
          "Strategy,placement_shift_percent,all,residential,fostering,60,2025\n"
          "Strategy,placement_shift_percent,all,residential,supported,60,2025\n"}, 1,
         ("data/2024/scenarios.csv, row 3, column 'value': scenario 'Strategy' moves 120%",)),
    Case("a placement shift with no group to move to", ["validate"],
         {"data/2024/scenarios.csv": "scenario,lever,age_band,from_group,to_group,value,start_year\n"
          "Strategy,placement_shift_percent,all,residential,none,10,2025\n"}, 1,
         ("data/2024/scenarios.csv, row 2, column 'from_group': a placement shift needs",)),
    Case("entries falling by more than 100%", ["validate"],
         {"data/2024/scenarios.csv": "scenario,lever,age_band,from_group,to_group,value,start_year\n"
          "Strategy,entries_change_percent,all,none,none,-150,2025\n"}, 1,
         ("data/2024/scenarios.csv, row 2, column 'value': a change of less than -100%",)),
    Case("foster carers added written as a percentage", ["validate"],
         {"data/2024/scenarios.csv": "scenario,lever,age_band,from_group,to_group,value,start_year\n"
          "Strategy,in_house_foster_carers_added,all,none,none,10%,2025\n"}, 1,
         ("data/2024/scenarios.csv, row 2, column 'value': in_house_foster_carers_added is a number",)),
    Case("an empty looked_after.csv warns in validate", ["validate"],
         {"data/2024/looked_after.csv": "breakdown,category,children\n"}, 0,
         ("warning: data/2024/looked_after.csv: the table has a header but no rows",)),
    Case("an empty looked_after.csv warns in build, naming the pages that show x", ["build"],
         {"data/2024/looked_after.csv": "breakdown,category,children\n"}, 0,
         ("warning: data/2024/looked_after.csv: the table has a header but no rows",
          "warning: content/2024/index.md: lines 3, 4: shows x (not available) because data/2024/looked_after.csv "
          "has no rows. Hint: add the rows to data/2024/looked_after.csv",
          "warning: content/2024/need.md, line 3: shows x (not available) because data/2024/spend_by_service.csv "
          "is missing. Hint: add data/2024/spend_by_service.csv (see the data contract)",
          "warning: content/2024/need.md, line 5: shows an empty chart because data/2024/looked_after.csv has no "
          "rows")),
    Case("a 0-byte looked_after.csv", ["validate"], {"data/2024/looked_after.csv": b""}, 1,
         ("data/2024/looked_after.csv: the file is empty",)),
    Case("a table pasted 2,000 times, header and all", ["validate"],
         {"data/2024/looked_after.csv": "breakdown,category,children\ntotal,all,168\n" * 2000}, 1,
         ("data/2024/looked_after.csv, row 3: this row repeats the header row, and 1,998 more rows after it do too",),
         never=("row 5",)),
    Case("a table's rows pasted 5,000 times: a screenful, not thousands of lines", ["validate"],
         {"data/2024/looked_after.csv": "breakdown,category,children\n" + "total,all,168\nsex,male,90\n" * 5000},
         1, ("... and 9,988 more like this in data/2024/looked_after.csv",)),
    Case("a narrative naming a scenario when scenarios.csv is missing", ["build"],
         {"content/2024/need.md": "# Need\n\nIn {{ scenario.strategy.year_1.year }} we expect fewer.\n"}, 1,
         ("content/2024/need.md, line 3: unknown name 'scenario.strategy': the scenarios are named in "
          "data/2024/scenarios.csv, and it declares none",)),

    # --- CSV mistakes already handled well (kept so) ----------------------------------------------
    Case("a count that is not a number names file, row, column, value", ["validate"],
         {"data/2024/looked_after.csv": "breakdown,category,children\ntotal,all,16B\n"}, 1,
         ("data/2024/looked_after.csv, row 2, column 'children': not a whole number (found '16B')",)),
    Case("Excel's cp1252 CSV with £ and 1,234 is read", ["validate"],
         {"data/2024/spend_by_service.csv": "service,sector,children,weeks_of_care,spend\n"
          "fostering,in_house,6,\"1,234\",\"£1,234\"\n".encode("cp1252")}, 0, never=("error:",)),
    Case("Excel's 'Unicode text' (UTF-16, tabs) is read", ["validate"],
         {"data/2024/looked_after.csv": "breakdown\tcategory\tchildren\ntotal\tall\t168\n".encode("utf-16")}, 0,
         never=("error:",)),

    # --- extract ------------------------------------------------------------------------------------
    Case("extract on a folder with no episodes file names what it skipped", ["extract", "{tmp}/source"],
         {"{tmp}/source/2025-26/reviews.csv": "CHILD_REF,REVIEW\n1,2\n", "{tmp}/source/2025-26/empty.csv": b""}, 1,
         ("no episodes file found", "2025-26/reviews.csv: not a header, episodes, UASC or OC3 file",
          "2025-26/empty.csv: empty")),
    Case("extract on a folder with no CSV at all", ["extract", "{tmp}/source"],
         {"{tmp}/source/notes.txt": "nothing"}, 1, ("no episodes file found", "no CSV files in it")),
    Case("extract on a folder that does not exist", ["extract", "{tmp}/nowhere"], {}, 1,
         ("the 903 folder does not exist",)),

    # --- new-year -----------------------------------------------------------------------------------
    Case("new-year with years one per line and comments keeps the layout", ["new-year", "2025"],
         {"authority.yml": lambda text: text.replace(
             "statement_years: [2024]", "# Published years\nstatement_years:  # ending 31 March\n  - 2024  # first\n")},
         0, ("Added 2025 to statement_years",),
         checks={"authority.yml": "# Published years\nstatement_years:  # ending 31 March\n  - 2024  # first\n"
                                  "  - 2025\n"}),
    Case("new-year with a comment after the list", ["new-year", "2025"],
         {"authority.yml": lambda text: text.replace("[2024]", "[2024]  # the published years")}, 0,
         ("Added 2025",), checks={"authority.yml": "statement_years: [2024, 2025]  # the published years"}),
    Case("new-year with a layout it cannot edit says exactly what to add", ["new-year", "2025"],
         {"authority.yml": lambda text: text.replace("[2024]", "[\n  2024]")}, 0,
         ("Not done", "statement_years: [2024, 2025]"), never=("Added 2025",)),
    Case("new-year for a year that already has content", ["new-year", "2024"], {}, 1,
         ("content/2024/ already exists",)),
]


def _edit(project: Path, path: str, content) -> None:
    target = project / path.replace("{tmp}/", "../")
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
    command = [part.replace("{tmp}", str(tmp_path)) for part in case.command]
    status, output = run(project, command, capsys)
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


# --- every command, on broken inputs: a message, never a traceback ----------------------------------

BROKEN = {
    "authority.yml reduced to text": ("authority.yml", "Testshire County Council\n", "authority.yml, line 1"),
    "authority.yml in UTF-8 with a stray Windows-1252 byte": (
        "authority.yml", "name: Testshire County Council\u2019s\n".encode() + b"short_name: Test\x92s\n",
        "authority.yml, line 2"),
    "statement.yml as a bare list": ("content/2024/statement.yml", "- index.md\n",
                                     "content/2024/statement.yml, line 1"),
    "published: 31 Febtober": ("content/2024/statement.yml", lambda t: t.replace("2024-10-01", "31 Febtober 2024"),
                               "content/2024/statement.yml, line 2"),
    "a page in UTF-8 with a stray byte": ("content/2024/need.md", b"# Need\n\nOur children\x92s homes. \xe2\x80\x99\n",
                                          "content/2024/need.md, line 3"),
}
COMMANDS = {
    "build": ["build"],
    "build-all": ["build-all", "{project}", "--jobs", "1"],
    "validate": ["validate"],
    "preview": ["preview", "--port", "0"],
    "extract": ["extract", "{tmp}/source"],
    "new-year": ["new-year", "2025"],
    "audit": ["audit"],
}
#: What each command reads of the project (besides data/): build and preview read everything.
READS = {"build": ("authority.yml", "content/"), "build-all": ("authority.yml", "content/"),
         "preview": ("authority.yml", "content/"),
         "validate": ("authority.yml",), "extract": ("authority.yml",), "new-year": ("authority.yml",),
         "audit": ("authority.yml",)}


class _StopAtFirstWait:
    """The preview's clock: its first wait for a save stops it, as Ctrl+C would."""

    perf_counter = staticmethod(time.perf_counter)

    @staticmethod
    def sleep(_):
        raise KeyboardInterrupt


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
@pytest.mark.parametrize("mistake", BROKEN, ids=list(BROKEN))
def test_every_command_on_broken_inputs_prints_a_message_not_a_traceback(command, mistake, smallest, tmp_path,
                                                                          capsys, monkeypatch):
    """Every command, each broken file: the file and line named by those that read it, and never a
    traceback from any. The preview runs its first build, shows the problem and stops at its first wait."""
    import generator.preview

    monkeypatch.setenv("SUFFICIENCY_JOBS", "1")
    monkeypatch.setattr(generator.preview, "time", _StopAtFirstWait)
    project = project_copy(smallest, tmp_path / "project")
    path, content, where = BROKEN[mistake]
    _edit(project, path, content)
    shutil.copytree(Path(__file__).parent / "fixtures" / "903", tmp_path / "source")
    status, output = run(project, [p.replace("{tmp}", str(tmp_path)).replace("{project}", str(project))
                                   for p in COMMANDS[command]], capsys)
    assert_clean(output)
    if path.startswith(READS[command]):
        assert where in output, output
        assert status == (130 if command == "preview" else 1), output
    assert (project / "site" / "index.html").read_text() == PREVIOUS_SITE
    assert [p.name for p in (project / "site").iterdir()] == ["index.html"]


def test_the_command_line_itself_prints_no_traceback(smallest, tmp_path):
    """The real ``python -m generator`` (a separate process): the message, exit status 1, nothing else."""
    import subprocess
    import sys

    project = project_copy(smallest, tmp_path / "project")
    _edit(project, "content/2024/statement.yml", lambda t: t.replace("2024-10-01", "14 Octember 2024"))
    result = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), "build"],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == ("build stopped: 1 problem to fix\n  - content/2024/statement.yml, line 2: not a date "
                             "(found '14 Octember 2024'); expected a date such as 14 October 2026, 14/10/2026 or "
                             "2026-10-14\n")


# --- preview ----------------------------------------------------------------------------------------

def test_preview_on_a_busy_port_says_so_in_one_line_before_any_build(smallest, tmp_path, capsys):
    project = project_copy(smallest, tmp_path / "project")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, output = run(project, ["preview", "--port", str(port)], capsys)
    assert status == 1
    assert output == (f"preview stopped: port {port} is already in use (another preview, or another program) "
                      f"(found {port}). Hint: stop the other preview, or choose another port: ./run preview "
                      f"--port {port + 1}\n")
    assert not (project / ".build").exists()  # nothing was built


def test_preview_shows_a_mistake_and_recovers_when_the_file_is_fixed(smallest, tmp_path, monkeypatch):
    from generator.preview import State, rebuild

    monkeypatch.setenv("SUFFICIENCY_JOBS", "1")
    project = project_copy(smallest, tmp_path / "project")
    site = tmp_path / "preview"
    statement = project / "content" / "2024" / "statement.yml"
    good = statement.read_text()
    state = State()
    for broken, where in ((good.replace("2024-10-01", "14 Octember 2024"), "statement.yml, line 2: not a date"),
                          ("- index.md\n", "statement.yml, line 1: expected settings"),
                          (b"title: T\x00\x00", "not a text file")):
        statement.write_bytes(broken if isinstance(broken, bytes) else broken.encode())
        rebuild(project, site, state, None)
        assert state.error is not None and where in state.error
        assert "unexpected error" not in state.error
    statement.write_text(good.replace("2024-10-01", "14 October 2024"))
    rebuild(project, site, state, None)
    assert state.error is None
    assert (site / "2024" / "index.html").is_file()
    page = project / "content" / "2024" / "need.md"
    page.write_bytes(b"---\ntitle: Need: more\n---\n# Need\n")
    rebuild(project, site, state, None, changed=(str(page),))
    assert "content/2024/need.md, line 2: not valid settings" in state.error
    page.write_text("# Need\n\nFixed.\n")
    rebuild(project, site, state, None, changed=(str(page),))
    assert state.error is None
    assert "Fixed." in (site / "2024" / "need" / "index.html").read_text()


def test_pages_saved_in_any_encoding_are_published_as_written(smallest, tmp_path, monkeypatch):
    """Notepad's "ANSI" (Windows-1252), "Unicode" (UTF-16) and "UTF-8 with BOM": each page is published as its
    author wrote it, and a British publication date is read (one build for all of them)."""
    from generator.build import build

    monkeypatch.setenv("SUFFICIENCY_JOBS", "1")
    project = project_copy(smallest, tmp_path / "project")
    content = project / "content" / "2024"
    (content / "statement.yml").write_text("title: Testshire\npublished: 14 October 2024\n"
                                           "nav:\n  - index.md\n  - need.md\n  - care.md\n")
    (content / "index.md").write_bytes("---\ntitle: Home\n---\n\n# Our children\u2019s homes\n\nCost: £12.\n"
                                       .encode("cp1252"))
    (content / "need.md").write_bytes("# Need in Wrexham\u2019s style\n\nAnd naïve café prose.\n".encode("utf-16"))
    (content / "care.md").write_bytes(b"\xef\xbb\xbf# Care\n\nZo\xc3\xab\xe2\x80\x99s placement.\n")
    build(project, project / "site")
    assert "Our children\u2019s homes" in (project / "site" / "2024" / "index.html").read_text()
    assert "Cost: £12." in (project / "site" / "2024" / "index.html").read_text()
    assert "naïve café prose" in (project / "site" / "2024" / "need" / "index.html").read_text()
    assert "Zoë\u2019s placement" in (project / "site" / "2024" / "care" / "index.html").read_text()
    assert "14 October 2024" in (project / "site" / "2024" / "index.html").read_text()


# --- what the guides and the README promise is what is read -----------------------------------------

ROOT = Path(__file__).resolve().parents[1]
#: Each Excel habit the README promises, as a file that shows it: (path under data/, bytes, (table, column, value)).
EXCEL_HABITS = {
    "UTF-8 with BOM": ("2024/looked_after.csv", "\ufeffbreakdown,category,children\ntotal,all,168\n".encode(),
                       ("looked_after", "children", 168)),
    "cp1252 `£`": ("2024/spend_by_service.csv", "service,sector,children,weeks_of_care,spend\n"
                   "fostering,in_house,6,300,£1234.5\n".encode("cp1252"), ("spend_by_service", "spend", 1234.5)),
    "`1,234`": ("2024/looked_after.csv", b'breakdown,category,children\ntotal,all,"1,234"\n',
                ("looked_after", "children", 1234)),
    "`£1,234`": ("2024/spend_by_service.csv", 'service,sector,children,weeks_of_care,spend\n'
                 'fostering,in_house,6,300,"£1,234"\n'.encode(), ("spend_by_service", "spend", 1234)),
    "`12%`": ("reference/benchmarks.csv", b"measure,year,area,value\nfoster_share,2024,england,12%\n",
              ("benchmarks", "value", 12)),
    "blank trailing rows and columns": ("2024/looked_after.csv", b"breakdown,category,children,,\ntotal,all,168,,\n"
                                        b",,,,\n\n", ("looked_after", "children", 168)),
}


def test_every_excel_habit_the_readme_promises_is_read(smallest, tmp_path):
    import re

    from generator.config import load_authority
    from generator.load import load_dataset
    from generator.validate import validate

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    promised = re.search(r"Excel habits are accepted \((.*?)\);", readme).group(1).split(", ")
    assert promised == list(EXCEL_HABITS)  # a new promise needs a case here
    for habit, (path, data, (table, column, value)) in EXCEL_HABITS.items():
        project = project_copy(smallest, tmp_path / habit.strip("`").replace(" ", "_"))
        _edit(project, f"data/{path}", data)
        dataset, problems = load_dataset(project / "data", load_authority(project / "authority.yml"))
        problems += validate(dataset)
        assert [p for p in problems if p.severity == "error"] == [], habit
        frames = dataset.reference if path.startswith("reference/") else dataset.years[2024]
        assert frames[table][column].tolist() == [value], habit


def test_every_date_the_commissioners_guide_accepts_is_read_and_those_it_refuses_are_refused():
    import re
    from datetime import date

    from generator.inputs import parse_date

    guide = (ROOT / "docs" / "commissioners.md").read_text(encoding="utf-8")
    accepted = re.search(r"Accepted dates: (.*)", guide).group(1)
    refused = re.search(r"Refused, not guessed: (.*)", guide).group(1)
    assert len(re.findall(r"`([^`]+)`", accepted)) >= 6
    for written in re.findall(r"`([^`]+)`", accepted):
        assert parse_date(written) == date(2026, 10, 14), written
    for written in re.findall(r"`([^`]+)`", refused):
        assert parse_date(written) is None, written
