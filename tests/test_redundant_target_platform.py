"""DO109 redundant-target-platform: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests


NO_OP = [
    pytest.param("FROM --platform=$BUILDPLATFORM debian\n", id="buildplatform-is-a-cross-build"),
    pytest.param("FROM --platform=linux/amd64 debian\n", id="a-constant-platform"),
    pytest.param("FROM --platform=${TARGETPLATFORM:-linux/amd64} debian\n", id="a-default-makes-it-more-than-the-variable"),
    pytest.param("ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM debian\n",
                 id="a-file-that-gives-the-variable-its-own-value"),
]

FIXES = [
    pytest.param("FROM --platform=$TARGETPLATFORM debian\n", "FROM debian\n", id="dollar-form"),
    pytest.param("FROM --platform=${TARGETPLATFORM} debian AS b\n", "FROM debian AS b\n", id="braces-form"),
    pytest.param('from --platform="$TARGETPLATFORM" debian\n', "from debian\n", id="quoted"),
    pytest.param("ARG TARGETPLATFORM\nFROM --platform=$TARGETPLATFORM debian\n", "ARG TARGETPLATFORM\nFROM debian\n",
                 id="a-declaration-without-a-value-keeps-the-automatic-one"),
]


test_leaves_alone, test_fixes = table_tests("DO109", NO_OP, FIXES, quiet=True)
