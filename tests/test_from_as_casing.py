"""DO105 from-as-casing: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests


NO_OP = [
    pytest.param("FROM debian AS base\n", id="matching-upper-case"),
    pytest.param("from debian as base\n", id="matching-lower-case"),
    pytest.param("From debian as base\n", id="a-mixed-case-from-is-left-as-buildkit-does"),
    pytest.param("FROM debian\n", id="no-stage-name"),
]

FIXES = [
    pytest.param("FROM debian as base\n", "FROM debian AS base\n", id="as-goes-upper-after-an-upper-case-from"),
    pytest.param("FROM --platform=$BUILDPLATFORM debian As base\n", "FROM --platform=$BUILDPLATFORM debian AS base\n",
                 id="a-mixed-case-as-after-flags"),
    pytest.param("from debian AS base\n", "from debian as base\n", id="as-goes-lower-after-a-lower-case-from"),
    pytest.param("FROM as as as\n", "FROM as AS as\n", id="an-image-called-as-is-not-mistaken-for-the-keyword"),
]


test_leaves_alone, test_fixes = table_tests("DO105", NO_OP, FIXES, quiet=True)
