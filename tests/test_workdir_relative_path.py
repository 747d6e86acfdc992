"""DO112 workdir-relative-path: what it rewrites, what it leaves alone, and when it is unsafe."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.transform import Safety
from tests.rule_tables import assert_fixes, assert_leaves_alone


def run(source: str, unsafe: bool = True):
    return dockopt.fix(source, select=["DO112"], unsafe_fixes=unsafe)


NO_OP = [
    pytest.param("FROM debian\nWORKDIR /app\n", id="an-absolute-path"),
    pytest.param("FROM debian\nWORKDIR /srv\nWORKDIR app\n", id="a-relative-one-after-an-absolute-one"),
    pytest.param("FROM debian AS base\nWORKDIR /srv\nFROM base\nWORKDIR app\n",
                 id="a-workdir-in-the-stage-it-is-built-on-counts-as-in-buildkit"),
    pytest.param('FROM debian\nWORKDIR "my app"\n', id="a-quoted-path-is-left-for-a-person"),
    pytest.param("FROM debian\nENV D=/srv\nWORKDIR $D\n", id="a-variable-holding-an-absolute-path"),
    pytest.param("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR app\n", id="a-windows-base"),
]

FIXES = [
    pytest.param("FROM debian:bookworm-slim\nWORKDIR app\n", "FROM debian:bookworm-slim\nWORKDIR /app\n", id="debian-works-in-root"),
    pytest.param("FROM python:3.12\nWORKDIR ./src/app/\n", "FROM python:3.12\nWORKDIR /src/app\n", id="a-dot-slash-path-is-cleaned"),
    pytest.param("FROM golang:1.22\nWORKDIR app\n", "FROM golang:1.22\nWORKDIR /go/app\n", id="golang-works-in-go"),
    pytest.param("FROM scratch\nworkdir app\n", "FROM scratch\nworkdir /app\n", id="scratch"),
    pytest.param("FROM debian\nARG NAME=app\nWORKDIR $NAME\n", "FROM debian\nARG NAME=app\nWORKDIR /$NAME\n",
                 id="a-variable-is-kept"),
    pytest.param("FROM debian AS base\nFROM base\nWORKDIR app\n", "FROM debian AS base\nFROM base\nWORKDIR /app\n",
                 id="the-base-of-the-parent-stage-decides"),
]


@pytest.mark.parametrize("source", NO_OP)
def test_leaves_alone(source):
    assert_leaves_alone("DO112", source, quiet=True)


@pytest.mark.parametrize("source, expected", FIXES)
def test_fixes(source, expected):
    result = assert_fixes("DO112", source, expected, unsafe_fixes=False)
    assert [f.safety for f in result.fixes] == [Safety.SAFE]


def test_an_unknown_base_is_unsafe_and_says_what_it_assumes():
    source = "FROM example.org/tools:1\nWORKDIR app\n"
    assert run(source, unsafe=False).output == source
    result = run(source)
    assert result.output == "FROM example.org/tools:1\nWORKDIR /app\n"
    assert result.fixes[0].safety is Safety.UNSAFE
    assert "assumes example.org/tools:1 works in /" in result.fixes[0].reason
