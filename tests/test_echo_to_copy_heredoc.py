"""DO141: no-op and fix tables (transforms/echo_to_copy_heredoc.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_leaves_alone, assert_message, table_tests

FROM = '# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\n'

NOOP = [
    pytest.param('RUN echo -n text > /etc/x', id='echo -n writes no newline'),
    pytest.param("RUN echo 'a\\tb' > /etc/x", id="a backslash that dash's echo would read"),
    pytest.param('RUN echo "$HOME" > /etc/x', id='a variable'),
    pytest.param('RUN echo text >> /etc/x', id='an append'),
    pytest.param('RUN echo text > etc/x', id='a relative path'),
    pytest.param('RUN echo text > /etc/x && ls', id='more than the echo'),
    pytest.param('RUN --network=none echo text > /etc/x', id='a RUN with flags'),
    pytest.param('USER nobody\nRUN echo text > /tmp/x', id='a non-root user would own the file'),
    pytest.param('SHELL ["/bin/bash", "-c"]\nRUN echo text > /etc/x', id='another shell'),
    pytest.param('RUN echo text > /etc/x # note', id='a comment after it'),
]

FIX = [
    pytest.param(
        'RUN echo hello > /etc/greeting',
        'COPY <<EOF /etc/greeting\nhello\nEOF',
        id='one word',
    ),
    pytest.param(
        "RUN echo 'a  b' c > /etc/x",
        'COPY <<EOF /etc/x\na  b c\nEOF',
        id='quoted spaces are kept, words joined by one space',
    ),
    pytest.param(
        'run echo EOF > /etc/x',
        'COPY <<EOT /etc/x\nEOF\nEOT',
        id="the file's keyword case (BuildKit's majority, upper on a tie), and a delimiter that is not the content",
    ),
]


test_leaves_alone, test_fixes = table_tests("DO141", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO141", FROM + 'RUN echo hello > /etc/greeting' + "\n",
                   'write /etc/greeting with `COPY <<EOF`, not a shell (unsafe: the file becomes root-owned 0644 and missing folders are created)',
                   'unsafe')


@pytest.mark.parametrize(
    "head",
    [
        pytest.param("FROM debian:bookworm-slim\n", id="no syntax directive"),
        pytest.param("# syntax=docker/dockerfile:1.3\nFROM debian:bookworm-slim\n", id="a frontend older than 1.4"),
    ],
)
def test_needs_a_builder_that_reads_heredocs(head):
    assert_leaves_alone("DO141", head + "RUN echo hello > /etc/greeting\n")


def test_a_heredoc_elsewhere_is_enough():
    source = "FROM debian:bookworm-slim\nRUN <<EOF\nls\nEOF\nRUN echo hi > /x\n"
    expected = "FROM debian:bookworm-slim\nRUN <<EOF\nls\nEOF\nCOPY <<EOF /x\nhi\nEOF\n"
    assert dockopt.fix(source, select=["DO141"], unsafe_fixes=True).output == expected
