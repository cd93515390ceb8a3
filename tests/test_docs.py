"""Documentation is tested (the sqlite-utils / Datasette idea).

A test fails when a reference page falls behind the code, when a placeholder,
filter, chart, table, command or setting has no documentation, or when a
guide shows an example placeholder that does not render.
"""
from __future__ import annotations

import re

import pytest

from generator import config
from generator.catalogue import all_outputs
from generator.disclosure import EarlierYears
from generator.redact import INTERNAL, finish_restricted, split_restricted
from generator.reference_doc import (
    COMMANDS_PATH,
    PLACEHOLDERS_PATH,
    PROJECT_DIR,
    REGENERATE,
    _subcommands,
    commands_markdown,
    example_context,
    meaning,
    placeholders_markdown,
    walk,
)
from generator.render import FILTERS, OutputRenderer, render_page

README = PROJECT_DIR / "README.md"
COMMISSIONERS = PROJECT_DIR / "docs" / "commissioners.md"
ANALYSTS = PROJECT_DIR / "docs" / "analysts.md"
#: Guides whose examples must render against the example authority's context (True: inline code too).
GUIDES_WITH_EXAMPLES = ((README, True), (COMMISSIONERS, True), (PLACEHOLDERS_PATH, False))


def read(path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


class Example(tuple):
    """(view, context) of the example authority's latest statement year; short in failure reports."""

    def __repr__(self) -> str:
        return f"<example context for {self[0].year}>"


@pytest.fixture(scope="module")
def example():
    return Example(example_context())


@pytest.fixture(scope="module")
def placeholders_doc() -> str:
    return read(PLACEHOLDERS_PATH)


# (a) generated pages are up to date ---------------------------------------------------------------


def test_docs_placeholders_md_is_up_to_date(example):
    _, context = example
    assert read(PLACEHOLDERS_PATH) == placeholders_markdown(context), (
        f"docs/placeholders.md is out of date with the template names, filters, charts or example data; "
        f"run `{REGENERATE}` and commit docs/placeholders.md")


def test_docs_commands_md_is_up_to_date():
    assert read(COMMANDS_PATH) == commands_markdown(), (
        f"docs/commands.md is out of date with generator/cli.py; run `{REGENERATE}` and commit docs/commands.md")


# (b) every name, filter, chart and table is documented -----------------------------------------------


def test_every_top_level_name_is_documented(example, placeholders_doc):
    _, context = example
    missing = [name for name in context
               if f"| `{name}` |" not in placeholders_doc and f"| `{name}." not in placeholders_doc]
    assert missing == [], f"template names missing from docs/placeholders.md: {missing}; run `{REGENERATE}`"


def test_every_name_in_the_context_is_listed(example, placeholders_doc):
    """Every leaf, wildcarded or not, has its row in a names table."""
    _, context = example
    rows, wildcards = walk(context)
    missing = [row.name for row in rows if f"| `{row.name}` |" not in placeholders_doc]
    assert missing == [], f"names missing from docs/placeholders.md: {missing[:10]}; run `{REGENERATE}`"
    for label, wildcard in wildcards.items():
        for code in wildcard.codes:
            assert re.search(rf"^- `<{re.escape(label)}>`: .*`{re.escape(code)}`", placeholders_doc, re.M), (
                f"code {code!r} of <{label}> is not listed in docs/placeholders.md")


def test_every_name_has_a_meaning(example):
    _, context = example
    rows, _ = walk(context)
    missing = sorted({row.name for row in rows if not meaning(row.name)})
    assert missing == [], (f"these names have no meaning: add an entry for each (or for its ending) to MEANINGS "
                           f"in generator/reference_doc.py, then run `{REGENERATE}`: {missing}")


def test_every_top_level_group_has_a_description(example):
    from generator.reference_doc import GROUPS

    _, context = example
    groups = {name if isinstance(value, dict) else "" for name, value in context.items()}
    missing = sorted(groups - set(GROUPS))
    assert missing == [], f"add a line for each to GROUPS in generator/reference_doc.py: {missing}"


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_every_filter_is_documented(name, placeholders_doc):
    assert FILTERS[name].__doc__, f"the {name} filter in generator/render.py has no docstring"
    assert re.search(rf"^\| `{name}` \|", placeholders_doc, re.M), f"filter {name!r} is not in docs/placeholders.md"


def test_every_chart_and_table_is_documented(placeholders_doc):
    missing = []
    for name, output in all_outputs().items():
        call = f'{"chart" if output.chart is not None else "table"}("{name}")'
        if f"| `{name}` | `{{{{ {call} }}}}` |" not in placeholders_doc:
            missing.append(name)
    assert missing == [], f"charts or tables missing from docs/placeholders.md: {missing}; run `{REGENERATE}`"


def test_restricted_block_syntax_is_documented(placeholders_doc):
    commissioners = read(COMMISSIONERS)
    for doc in (placeholders_doc, commissioners):
        assert "::: restricted\n" in doc and "\n:::\n" in doc


# (c) every command has help and is documented ----------------------------------------------------------


def _commands():
    from generator.cli import parser

    return _subcommands(parser())


def test_the_cli_has_commands():
    assert {name for name, _, _ in _commands()} >= {"build", "validate", "preview", "extract", "new-year"}


@pytest.mark.parametrize("name,help_text", [(n, h) for n, h, _ in _commands()], ids=lambda x: str(x)[:20])
def test_every_command_has_help_and_is_documented(name, help_text):
    assert help_text.strip(), f"the {name!r} command has no help text: add help=... in generator/cli.py"
    mentioned = f"./run {name}" in read(README) or f"## `{name}`" in read(COMMANDS_PATH)
    assert mentioned, f"the {name!r} command is not in README.md or docs/commands.md; run `{REGENERATE}`"


def test_readme_links_every_guide():
    readme = read(README)
    for page in ("docs/commissioners.md", "docs/analysts.md", "docs/placeholders.md", "docs/commands.md",
                 "docs/data-contract.md"):
        assert f"]({page})" in readme, f"README.md does not link {page}"
        assert (PROJECT_DIR / page).exists(), f"{page} is missing"


# (d) every authority.yml setting is documented -------------------------------------------------------


@pytest.mark.parametrize("key", config.REQUIRED + config.OPTIONAL)
def test_every_authority_setting_is_documented(key):
    documented = f"`{key}`" in read(COMMISSIONERS) or f"`{key}`" in read(README)
    assert documented, f"authority.yml setting {key!r} is not documented in docs/commissioners.md or README.md"


# (e) every example placeholder renders -------------------------------------------------------------


FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)\s*$",
                   re.M | re.S)
INLINE = re.compile(r"(?<!`)(`+)(?!`)(?P<code>.+?)(?<!`)\1(?!`)", re.S)


def examples(path, inline: bool = True):
    """(where, text) for every example with a placeholder: whole fenced blocks (not ```text, which
    quotes the build's messages, mistakes included), then inline code outside fenced blocks that
    holds a placeholder (``{{ ... }}``; inline ``{% if %}`` is a fragment of syntax, not an example)."""
    doc = read(path)
    found = []
    for match in FENCE.finditer(doc):
        body = re.sub(rf"^{match['indent']}", "", match["body"], flags=re.M)
        if match["info"].strip() != "text" and ("{{" in body or "{%" in body):
            line = doc[:match.start()].count("\n") + 1
            found.append((f"{path.name}, code block at line {line}", body))
    if not inline:
        return found
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), doc)
    for match in INLINE.finditer(prose):
        code = match["code"].strip().replace("\\|", "|")  # a | inside a table cell is written \|
        if "{{" in code and "{%" not in code:
            line = prose[:match.start()].count("\n") + 1
            found.append((f"{path.name}, line {line}", code))
    return found


EXAMPLES = [example for path, inline in GUIDES_WITH_EXAMPLES for example in examples(path, inline)]


def test_the_guides_have_examples():
    assert len([e for e in EXAMPLES if e[0].startswith("commissioners.md")]) >= 10
    assert len([e for e in EXAMPLES if e[0].startswith("README.md")]) >= 3


@pytest.mark.parametrize("where,text", EXAMPLES, ids=[where for where, _ in EXAMPLES])
def test_every_example_placeholder_renders(where, text, example):
    view, context = example

    def frame_for(output):
        return output.frame(view)

    renderer = OutputRenderer(all_outputs(), frame_for, "sufficiency/example.md")
    marked = split_restricted(text, where, INTERNAL)
    # A BuildError here names the example and the unknown name: fix the guide, not the test.
    # The earlier years as the data gives them (change(since=...) examples; protection is tested elsewhere).
    page = render_page(where, "sufficiency/example.md", marked, context, renderer, earlier=EarlierYears(view, []))
    assert "{{" not in finish_restricted(page.markdown)
