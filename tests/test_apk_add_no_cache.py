"""DO230: no-op and fix tables (transforms/apk_add_no_cache.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_says_why, table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apk add --no-cache curl', id='already there'),
    pytest.param('RUN apk --no-cache add curl', id='as a global option'),
    pytest.param('RUN apk add --no-network .deps', id='no network, no cache'),
    pytest.param('RUN --mount=type=cache,target=/var/cache/apk apk add curl', id='a cache mount'),
    pytest.param('RUN apk del curl', id='apk del'),
]

FIX = [
    pytest.param('RUN apk add curl', 'RUN apk add --no-cache curl', id='apk add'),
    pytest.param('RUN apk add --update curl', 'RUN apk add --no-cache --update curl', id='with --update'),
]


test_leaves_alone, test_fixes = table_tests("DO230", NOOP, FIX, prefix=FROM, suffix="\n")


def test_a_heredoc_script_is_reported_not_rewritten():
    source = "FROM alpine\nRUN <<EOF\napk update\napk add git\nEOF\n"
    assert_says_why("DO230", source, 2, "heredoc", unsafe_fixes=False)


def test_a_heredoc_script_with_no_cache_is_fine():
    source = "FROM alpine\nRUN <<EOF\napk add --no-cache git\nEOF\n"
    assert dockopt.fix(source, select=["DO230"]).fixes == []
