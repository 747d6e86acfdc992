"""DO214: no-op and fix tables (transforms/apt_get_lists_cleanup.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*', id='already cleaned'),
    pytest.param('RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl', id='a cache mount holds the lists'),
    pytest.param('RUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git', id='a later RUN installs without update'),
    pytest.param('RUN apt-get update\nFROM 0\nRUN apt-get install -y git', id='a child stage installs without update'),
    pytest.param('RUN apt-get update; apt-get install -y curl', id='a ; list is not a clean chain'),
    pytest.param('RUN apt-get update && apt-get install -y curl || true', id='|| is not a clean chain'),
    pytest.param('RUN apt-get install -y curl', id='no update, no lists'),
    pytest.param('RUN apt-get update && apt-get install -y curl # c', id='a trailing comment'),
    pytest.param(
        'RUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*',
        id='the next RUN removes the lists already (chain-run joins it)',
    ),
]

FIX = [
    pytest.param('RUN apt-get update && apt-get install -y curl', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*', id='one line'),
    pytest.param('RUN apt-get update && apt-get install -y a\nRUN apt-get update && apt-get install -y b', 'RUN apt-get update && apt-get install -y a && rm -rf /var/lib/apt/lists/*\nRUN apt-get update && apt-get install -y b && rm -rf /var/lib/apt/lists/*', id='a later RUN with its own update'),
    pytest.param('RUN apt-get update \\\n    && apt-get install -y curl', 'RUN apt-get update \\\n    && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*', id='&& at line start'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO214"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO214"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO214"], unsafe_fixes=True)
    assert again.output == result.output
