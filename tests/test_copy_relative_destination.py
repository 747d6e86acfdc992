"""DO140: no-op and fix tables (transforms/copy_relative_destination.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_message, table_tests

FROM = 'FROM python:3.12-slim\n'

NOOP = [
    pytest.param('WORKDIR /app\nCOPY . .', id='a WORKDIR is set'),
    pytest.param('COPY app.py /srv/', id='the destination is absolute'),
    pytest.param('COPY app.py $APP_HOME', id='the destination is a variable'),
    pytest.param('COPY ["app.py", "."]', id='exec form is not rewritten'),
    pytest.param('COPY app.py ../x', id='a destination going up is not guessed'),
    pytest.param('FROM registry.example.com/base\nCOPY app.py .', id="the base image's WORKDIR is unknown"),
    pytest.param('FROM python:3.12-windowsservercore\nCOPY app.py .', id='a Windows image'),
    pytest.param('FROM python:3.12-slim AS base\nWORKDIR /app\nFROM base\nCOPY app.py .', id='the parent stage sets a WORKDIR'),
]

FIX = [
    pytest.param(
        'COPY requirements.txt .',
        'COPY requirements.txt /',
        id='a dot is the root folder',
    ),
    pytest.param(
        'COPY src ./src/',
        'COPY src /src/',
        id='a folder stays a folder',
    ),
    pytest.param(
        'COPY app.py app',
        'COPY app.py /app',
        id='a file name stays a file name',
    ),
    pytest.param(
        'COPY app.py ./b/.',
        'COPY app.py /b/.',
        id='a trailing slash-dot is kept as written (BuildKit releases differ on it)',
    ),
    pytest.param(
        'ADD --chmod=644 app.py  conf/app.py  ',
        'ADD --chmod=644 app.py  /conf/app.py  ',
        id='spacing around the words is kept',
    ),
    pytest.param(
        'FROM golang:1.22\nCOPY . .',
        'FROM golang:1.22\nCOPY . /go/',
        id='golang starts in /go',
    ),
    pytest.param(
        'FROM scratch\nCOPY --from=python:3.12-slim /bin/sh sh',
        'FROM scratch\nCOPY --from=python:3.12-slim /bin/sh /sh',
        id='scratch starts in the root folder',
    ),
    pytest.param(
        'FROM mirror.gcr.io/busybox\nCOPY . dir',
        'FROM mirror.gcr.io/busybox\nCOPY . /dir',
        id="an official image through Google's Docker Hub mirror",
    ),
    pytest.param(
        'COPY a b \\\n  dest/',
        'COPY a b \\\n  /dest/',
        id='the destination on a continuation line',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO140", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO140", FROM + 'COPY src ./src/' + "\n",
                   'relative destination `./src/` with no WORKDIR set: it resolves to `/src/`, write it so',
                   'safe')


def test_unknown_base_is_reported_not_rewritten():
    source = "FROM registry.example.com/base\nCOPY app.py .\n"
    result = dockopt.fix(source, select=["DO140"])
    assert result.output == source
    (finding,) = result.findings
    assert finding.text == (
        "`.` is relative to the WORKDIR of registry.example.com/base, which dockopt cannot see: "
        "set WORKDIR or write the destination absolute"
    )
