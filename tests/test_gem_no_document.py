"""DO248: no-op and fix tables (transforms/gem_no_document.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

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


test_leaves_alone, test_fixes = table_tests("DO248", NOOP, FIX, prefix=FROM, suffix="\n")
