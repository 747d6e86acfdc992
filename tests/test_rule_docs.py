"""Every transform is documented the same way, and docs/rules/ matches the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dockopt.registry import all_transforms
from dockopt.rule_docs import expected_files
from dockopt.transform import Safety

TRANSFORMS = all_transforms()
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


@pytest.mark.parametrize("transform", TRANSFORMS, ids=[t.code for t in TRANSFORMS])
def test_transform_contract(transform):
    assert re.fullmatch(r"DO\d{3}", transform.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", transform.name)
    assert transform.title and not transform.title.endswith(".")
    assert transform.safety in (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
    doc = transform.doc()
    for section in ("## What it does", "## Why", "## Example", "## Fix safety"):
        assert section in doc, f"{transform.code} docstring lacks {section!r}"


def test_names_are_unique():
    names = [t.name for t in TRANSFORMS]
    assert len(names) == len(set(names))


def test_docs_rules_match_the_code():
    """Regenerate with: python -m dockopt.rule_docs docs/rules"""
    expected = expected_files()
    actual = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert actual == expected
