"""DO285: no-op and fix tables (transforms/gem_update_system_cleanup.py)."""

from __future__ import annotations

import pytest

import dockopt

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


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO285"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO285"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO285"], unsafe_fixes=True)
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN gem update --system' + "\n", select=["DO285"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.text == 'remove /root/.gem, the caches `gem update --system` leaves, in the same RUN (unsafe: anything else under /root/.gem goes too)'
    assert fix.safety.value == 'unsafe'
