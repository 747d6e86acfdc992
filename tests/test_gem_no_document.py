"""DO248: no-op and fix tables (transforms/gem_no_document.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN gem install -N rails', id='already there'),
    pytest.param('RUN gem install --no-ri --no-rdoc rails', id='old options'),
    pytest.param('RUN gem list', id='gem list'),
]

FIX = [
    pytest.param('RUN gem install rails', 'RUN gem install --no-document rails', id='gem install'),
    pytest.param('RUN gem update --system', 'RUN gem update --no-document --system', id='gem update'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO248"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO248"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO248"], unsafe_fixes=True)
    assert again.output == result.output
