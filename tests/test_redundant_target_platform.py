"""DO109 redundant-target-platform: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

import dockopt


def run(source: str):
    return dockopt.fix(source, select=["DO109"], unsafe_fixes=True)


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


@pytest.mark.parametrize("source", NO_OP)
def test_leaves_alone(source):
    result = run(source)
    assert result.output == source
    assert not result.fixes


@pytest.mark.parametrize("source, expected", FIXES)
def test_rewrites(source, expected):
    assert run(source).output == expected
