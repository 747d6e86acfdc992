"""DO284: no-op and fix tables (transforms/npm_cache_clean_force.py)."""

from __future__ import annotations

import pytest

import dockopt

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


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO284"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO284"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO284"], unsafe_fixes=True)
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN npm cache clean' + "\n", select=["DO284"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.text == 'add `--force`: npm 5 and later refuse `npm cache clean` without it (unsafe: a build that failed there now runs on)'
    assert fix.safety.value == 'unsafe'
