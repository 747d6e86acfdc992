"""DO285: no-op and fix tables (transforms/gem_update_system_cleanup.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM ruby:3.3\n'

NOOP = [
    pytest.param('RUN gem update --system && rm -rf /root/.gem', id='already removed'),
    pytest.param('RUN gem update rails', id='not --system'),
    pytest.param('USER app\nRUN gem update --system', id='not root: the caches are not in /root'),
    pytest.param('RUN gem update --system\nRUN ls /root/.gem', id='the Dockerfile reads /root/.gem'),
    pytest.param('RUN gem update --system; gem cleanup', id='not a && chain'),
]

FIX = [
    pytest.param(
        'RUN gem update --system',
        'RUN gem update --system && rm -rf /root/.gem',
        id='one command',
    ),
    pytest.param(
        'RUN gem update --system \\\n    && gem install bundler',
        'RUN gem update --system \\\n    && gem install bundler \\\n    && rm -rf /root/.gem',
        id='a continued chain',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO285", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO285", FROM + 'RUN gem update --system' + "\n",
                   'remove /root/.gem, the caches `gem update --system` leaves, in the same RUN (unsafe: anything else under /root/.gem goes too)',
                   'unsafe')
