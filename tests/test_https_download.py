"""DO289: no-op and fix tables (transforms/https_download.py)."""

from __future__ import annotations

import pytest

import dockopt

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


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO289"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO289"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO289"], unsafe_fixes=True)
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN curl -o /a http://x.org/a' + "\n", select=["DO289"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.text == 'download from x.org over https, not plain http (unsafe: the server must serve the same file over TLS, and the image needs CA certificates)'
    assert fix.safety.value == 'unsafe'
