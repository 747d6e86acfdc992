"""docs/integrations.md: every test its table names exists, so a dockopt cell cannot lose its test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_test_the_integrations_table_names_exists():
    text = (ROOT / "docs" / "integrations.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| **")]
    assert len(rows) >= 8
    for row in rows:
        cited = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", row.rsplit("|", 2)[-2])
        assert cited, f"no test for: {row[:60]}"
        for path, name in cited:
            tree = ast.parse((ROOT / path).read_text())
            names = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
            assert name in names, f"{path}::{name} is named in docs/integrations.md but does not exist"


def test_the_readme_links_the_integrations_table():
    assert "(docs/integrations.md)" in (ROOT / "README.md").read_text()
