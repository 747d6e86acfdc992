"""DO280: no-op and fix tables (transforms/curl_fail.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN curl -fsSL https://x.org/a -o /a', id='already -f'),
    pytest.param('RUN curl --fail-with-body -o /a https://x.org/a', id='--fail-with-body'),
    pytest.param('RUN curl -s https://x.org/ping', id='the output is not used'),
    pytest.param('RUN curl -s -o /dev/null https://x.org/ping', id='the output goes to /dev/null'),
    pytest.param('RUN curl -sI https://x.org/ > /tmp/headers', id='a HEAD request'),
]

FIX = [
    pytest.param(
        'RUN curl -sSL https://x.org/a.tgz -o /a.tgz',
        'RUN curl -fsSL https://x.org/a.tgz -o /a.tgz',
        id='into the first short cluster',
    ),
    pytest.param(
        'RUN curl https://x.org/install.sh | sh',
        'RUN curl -f https://x.org/install.sh | sh',
        id='piped to a shell',
    ),
    pytest.param(
        'RUN curl https://x.org/a > /a',
        'RUN curl -f https://x.org/a > /a',
        id='redirected to a file',
    ),
    pytest.param(
        'RUN V="$(curl https://x.org/v)" && echo $V',
        'RUN V="$(curl -f https://x.org/v)" && echo $V',
        id='read by a command substitution',
    ),
    pytest.param(
        'RUN curl -O https://x.org/a.tgz',
        'RUN curl -fO https://x.org/a.tgz',
        id='saved under its remote name',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO280", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO280", FROM + 'RUN curl -o /a https://x.org/a' + "\n",
                   'add `-f` so an HTTP error fails curl instead of handing on the error page (unsafe: a download that answers 4xx/5xx now fails the build)',
                   'unsafe')
