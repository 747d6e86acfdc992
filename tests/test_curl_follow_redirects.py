"""DO281: no-op and fix tables (transforms/curl_follow_redirects.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

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


test_leaves_alone, test_fixes = table_tests("DO281", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO281", FROM + 'RUN curl -fo /a https://x.org/a' + "\n",
                   'add `-L` so curl follows redirects instead of saving the redirect (unsafe: a URL that redirects now downloads its target)',
                   'unsafe')
