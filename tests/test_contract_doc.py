"""The data contract page: generated from contract.py, committed in docs/, and complete."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import load, validate
from generator.contract import TABLES
from generator.contract_doc import DOC_PATH, REGENERATE, contract_markdown

DOC = contract_markdown()


def test_docs_data_contract_md_is_up_to_date():
    committed = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
    assert committed == DOC, f"docs/data-contract.md is out of date with generator/contract.py; run `{REGENERATE}`"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_table_and_column_is_documented(table):
    folder = "data/<year>" if table.scope == "year" else "data/reference"
    section = DOC.split(f"### `{table.name}`: {table.title}\n", 1)[1].split("\n### ", 1)[0]
    assert f"- File: `{folder}/{table.name}.csv`" in section
    assert "- Key (one row for each): " + ", ".join(f"`{k}`" for k in table.key) in section
    for column in table.columns:
        row = re.search(rf"^\| `{column.name}` \| {column.type}: .*$", section, re.M)
        assert row, f"{table.name}.{column.name} has no row in its table"
        for code in (column.codes or {}):
            assert f"`{code}`" in row.group(0)
    sensitive = [line for line in section.splitlines()
                 if line.startswith("| `") and line.split("|")[6].strip() == "yes"]
    assert len(sensitive) == len(table.sensitive_columns)


def test_every_problem_code_that_load_and_validate_can_report_is_explained():
    source = Path(load.__file__).read_text() + Path(validate.__file__).read_text()
    codes = set(re.findall(r'Problem\(\s*"([a-z0-9-]+)"', source))
    assert len(codes) > 25
    missing = sorted(code for code in codes if f"`{code}`" not in DOC)
    assert missing == []
