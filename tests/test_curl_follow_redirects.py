"""DO281: no-op and fix tables (transforms/curl_follow_redirects.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN curl -fsSL https://x.org/a -o /a', id='already -L'),
    pytest.param('RUN curl --location -o /a https://x.org/a', id='--location'),
    pytest.param('RUN curl -sf -X POST https://x.org/ping', id='the output is not used'),
    pytest.param('RUN curl -fsS https://x.org/ping > /dev/null', id='the output goes to /dev/null'),
]

FIX = [
    pytest.param(
        'RUN curl -fsS https://x.org/a.tgz -o /a.tgz',
        'RUN curl -fsSL https://x.org/a.tgz -o /a.tgz',
        id='appended to the first cluster',
    ),
    pytest.param(
        'RUN curl -o /a https://x.org/a',
        'RUN curl -Lo /a https://x.org/a',
        id='before a letter that takes a value',
    ),
    pytest.param(
        'RUN curl https://x.org/install.sh | sh',
        'RUN curl -L https://x.org/install.sh | sh',
        id='a word after curl when it has no cluster',
    ),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO281"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO281"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO281"], unsafe_fixes=True)
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN curl -fo /a https://x.org/a' + "\n", select=["DO281"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.text == 'add `-L` so curl follows redirects instead of saving the redirect (unsafe: a URL that redirects now downloads its target)'
    assert fix.safety.value == 'unsafe'
