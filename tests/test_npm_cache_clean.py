"""DO245: no-op and fix tables (transforms/npm_cache_clean.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN npm ci && npm cache clean --force', id='already cleaned'),
    pytest.param('RUN --mount=type=cache,target=/root/.npm npm ci', id='a cache mount'),
    pytest.param('RUN npm ci --cache /tmp/c', id='a cache folder on purpose'),
    pytest.param('RUN npm run build', id='npm run'),
]

FIX = [
    pytest.param('RUN npm ci', 'RUN npm ci && npm cache clean --force', id='npm ci'),
    pytest.param('RUN npm i -g serve', 'RUN npm i -g serve && npm cache clean --force', id='npm i -g'),
    pytest.param('RUN yarn', 'RUN yarn && yarn cache clean', id='bare yarn'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO245"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO245"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO245"], unsafe_fixes=True)
    assert again.output == result.output
