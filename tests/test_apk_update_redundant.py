"""DO231: no-op and fix tables (transforms/apk_update_redundant.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apk update && apk add curl', id='add without --no-cache reads the cache'),
    pytest.param('RUN apk update && apk add --no-cache curl && apk upgrade', id='other apk use'),
    pytest.param('RUN apk update', id='a lone update'),
    pytest.param('RUN apk add --no-cache curl && apk update', id='update last'),
]

FIX = [
    pytest.param('RUN apk update && apk add --no-cache curl', 'RUN apk add --no-cache curl', id='update first'),
    pytest.param('RUN set -x && apk update && apk add --no-cache curl', 'RUN set -x && apk add --no-cache curl', id='update in the middle'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO231"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO231"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO231"], unsafe_fixes=True)
    assert again.output == result.output
