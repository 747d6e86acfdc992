"""DO270: no-op and fix tables (transforms/wget_progress.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN wget --progress=dot:giga https://x.org/a', id='already --progress'),
    pytest.param('RUN wget -q https://x.org/a', id='quiet'),
    pytest.param('RUN wget -qO- https://x.org/a | tar xz', id='quiet in a cluster'),
    pytest.param('RUN wget -nv https://x.org/a', id='not verbose'),
    pytest.param('RUN wget --no-verbose https://x.org/a', id='--no-verbose'),
    pytest.param('RUN wget -o /tmp/log https://x.org/a', id='the log goes to a file'),
    pytest.param('RUN wget https://x.org/a 2>/tmp/log', id='the error output is redirected'),
    pytest.param('RUN wget -O- https://x.org/a 2>&1 | tee /log', id='the error output is piped'),
    pytest.param('RUN { wget https://x.org/a; } &> /log', id='a group whose output is redirected'),
    pytest.param('RUN echo wget https://x.org/a', id='wget is only an argument'),
]

FIX = [
    pytest.param(
        'RUN wget https://x.org/a.tgz',
        'RUN wget --progress=dot:giga https://x.org/a.tgz',
        id='after wget',
    ),
    pytest.param(
        'RUN wget -O /a.tgz https://x.org/a.tgz && wget -c https://x.org/b',
        'RUN wget --progress=dot:giga -O /a.tgz https://x.org/a.tgz && wget --progress=dot:giga -c https://x.org/b',
        id='every call of the RUN',
    ),
    pytest.param(
        'RUN wget -O- https://x.org/a.tgz | tar xz',
        'RUN wget --progress=dot:giga -O- https://x.org/a.tgz | tar xz',
        id='piped stdout is not the log',
    ),
    pytest.param(
        'RUN sudo wget -nc https://x.org/a',
        'RUN sudo wget --progress=dot:giga -nc https://x.org/a',
        id='through sudo, -nc is not -nv',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO270", NOOP, FIX, prefix=FROM, suffix="\n", unsafe_fixes=False)


def test_busybox_gets_quiet():
    source = "FROM alpine:3.20\nRUN wget https://x.org/a\n"
    assert dockopt.fix(source, select=["DO270"]).output == "FROM alpine:3.20\nRUN wget -q https://x.org/a\n"


def test_unknown_base_is_reported_not_changed():
    source = "FROM example.com/base:1\nRUN wget https://x.org/a\n"
    result = dockopt.fix(source, select=["DO270"])
    assert result.output == source
    (fix,) = result.fixes
    assert "base image is unknown" in fix.text


def test_message_and_safety():
    assert_message("DO270", FROM + 'RUN wget https://x.org/a' + "\n",
                   'add `--progress=dot:giga`: a build log needs no progress line per KiB',
                   'safe', unsafe_fixes=False)
