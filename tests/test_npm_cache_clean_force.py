"""DO284: no-op and fix tables (transforms/npm_cache_clean_force.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM node:20\n'

NOOP = [
    pytest.param('RUN npm cache clean --force', id='already --force'),
    pytest.param('RUN npm cache clean -f', id='already -f'),
    pytest.param('RUN npm cache verify', id='another cache command'),
    pytest.param('RUN npm ci', id='no cache command'),
]

FIX = [
    pytest.param(
        'RUN npm ci && npm cache clean',
        'RUN npm ci && npm cache clean --force',
        id='after install',
    ),
    pytest.param(
        'RUN npm --loglevel=warn cache clear',
        'RUN npm --loglevel=warn cache clear --force',
        id='an option before the subcommand, and the clear alias',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO284", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO284", FROM + 'RUN npm cache clean' + "\n",
                   'add `--force`: npm 5 and later refuse `npm cache clean` without it (unsafe: a build that failed there now runs on)',
                   'unsafe')
