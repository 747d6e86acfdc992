"""DO289: no-op and fix tables (transforms/https_download.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN curl -fsSL https://x.org/a -o /a', id='already https'),
    pytest.param('RUN curl -fsS http://localhost:8080/health', id='localhost'),
    pytest.param('RUN curl -fsS http://127.0.0.1/x -o /x', id='an IP address'),
    pytest.param('RUN wget http://$MIRROR/x', id='a host from a variable'),
    pytest.param('RUN wget http://nexus/repo/x.jar', id='a single-label name (a private network)'),
    pytest.param("RUN echo 'deb http://deb.debian.org/debian bookworm main' > /etc/apt/sources.list", id='not a download'),
]

FIX = [
    pytest.param(
        'RUN curl -fsSLo /a http://x.org/a',
        'RUN curl -fsSLo /a https://x.org/a',
        id='curl',
    ),
    pytest.param(
        'RUN wget -O /a "http://ftp.gnu.org/gnu/a.tgz"',
        'RUN wget -O /a "https://ftp.gnu.org/gnu/a.tgz"',
        id='wget, in quotes',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO289", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO289", FROM + 'RUN curl -o /a http://x.org/a' + "\n",
                   'download from x.org over https, not plain http (unsafe: the server must serve the same file over TLS, and the image needs CA certificates)',
                   'unsafe')
