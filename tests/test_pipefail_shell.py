"""DO273: no-op and fix tables (transforms/pipefail_shell.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_message, table_tests

SHELL = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'

NOOP = [
    pytest.param('FROM debian:bookworm\nRUN a && b\n', id='no pipe'),
    pytest.param('FROM debian:bookworm\nRUN a || b\n', id='or is not a pipe'),
    pytest.param('FROM debian:bookworm\nRUN echo "a | b"\n', id='a quoted bar'),
    pytest.param('FROM debian:bookworm\nRUN set -o pipefail && a | b\n', id='the RUN sets pipefail'),
    pytest.param('FROM debian:bookworm\nRUN set -euxo pipefail; a | b\n', id='set -euxo pipefail'),
    pytest.param('FROM debian:bookworm\n' + SHELL + 'RUN a | b\n', id='already a pipefail SHELL'),
    pytest.param('FROM debian:bookworm\nSHELL ["/bin/bash", "-c"]\nRUN a | b\n', id="the file's own SHELL"),
    pytest.param('# escape=`\nFROM debian:bookworm\nRUN a | b\n', id='a backtick escape directive'),
    pytest.param('FROM debian\nRUN bash <<EOT\na | b\nEOT\n', id='a heredoc fed to another shell'),
    pytest.param('FROM debian\nRUN <<EOT\n#!/bin/bash\na | b\nEOT\n', id='a heredoc script with its own shebang'),
    pytest.param('FROM debian\nRUN <<EOT\nset -eo pipefail\na | b\nEOT\n', id='a heredoc that sets pipefail'),
    pytest.param('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a | b\n', id='Windows'),
    pytest.param('FROM debian:bookworm\nRUN ["sh", "-c", "a | b"]\n', id='exec form'),
]

FIX = [
    pytest.param('FROM debian:bookworm\nRUN a | b\n', 'FROM debian:bookworm\n' + SHELL + 'RUN a | b\n', id='Debian'),
    pytest.param('FROM python:3.12-slim\nRUN x\nRUN a | b\nRUN c | d\n',
                 'FROM python:3.12-slim\nRUN x\n' + SHELL + 'RUN a | b\nRUN c | d\n', id='once, before the first pipe'),
    pytest.param('FROM ubuntu:24.04 AS a\nRUN a | b\nFROM a\nRUN c | d\n',
                 'FROM ubuntu:24.04 AS a\n' + SHELL + 'RUN a | b\nFROM a\nRUN c | d\n', id='a child stage inherits it'),
    pytest.param('FROM debian AS a\nRUN x\nFROM golang:1.22\nRUN c | d\n',
                 'FROM debian AS a\nRUN x\nFROM golang:1.22\n' + SHELL + 'RUN c | d\n', id='each stage of its own'),
    pytest.param('from alpine:3.20\n  run a | b\n', 'from alpine:3.20\n  shell ["/bin/ash", "-o", "pipefail", "-c"]\n  run a | b\n',
                 id='ash on Alpine, in the file style'),
    pytest.param('FROM alpine:3.20\nrun a | b\n', 'FROM alpine:3.20\nSHELL ["/bin/ash", "-o", "pipefail", "-c"]\nrun a | b\n',
                 id='a file of mixed case: BuildKit\'s majority, upper case on a tie'),
    pytest.param('FROM debian\nRUN <<EOT\nset -e\na | b\nEOT\n', 'FROM debian\n' + SHELL + 'RUN <<EOT\nset -e\na | b\nEOT\n',
                 id='a heredoc script the SHELL runs'),
    pytest.param('# escape=\\\nFROM debian\nRUN a | b\n', '# escape=\\\nFROM debian\n' + SHELL + 'RUN a | b\n',
                 id='the default escape, written out'),
    pytest.param('FROM debian\nRUN x=$(a | b) && echo $x\n', 'FROM debian\n' + SHELL + 'RUN x=$(a | b) && echo $x\n',
                 id='a pipe in a substitution'),
]


test_leaves_alone, test_fixes = table_tests("DO273", NOOP, FIX)


def test_unknown_base_is_reported():
    source = "FROM gcr.io/distroless/base-debian12\nRUN a | b\n"
    result = dockopt.fix(source, select=["DO273"], unsafe_fixes=True)
    assert result.output == source
    (fix,) = result.fixes
    assert "left alone" in fix.text


def test_not_applied_without_unsafe_fixes():
    source = "FROM debian\nRUN a | b\n"
    assert dockopt.fix(source, select=["DO273"]).output == source


def test_message_and_safety():
    assert_message("DO273", "FROM debian\nRUN a | b\n",
                   ('add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` so a failing command on the left of a pipe fails '
                    'the RUN (unsafe: a pipe whose first command fails now fails the build; later RUNs and a shell-form '
                    'CMD run in bash, not sh)'),
                   'unsafe')
