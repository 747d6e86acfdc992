"""DO213: no-op and fix tables (transforms/apt_get_no_install_recommends.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apt-get install -y --no-install-recommends curl', id='already there'),
    pytest.param('RUN apt-get -o APT::Install-Recommends=true install -y curl', id='an explicit config wins'),
    pytest.param('RUN apt-get remove -y curl', id='only install'),
]

FIX = [
    pytest.param('RUN apt-get install -y curl', 'RUN apt-get install -y --no-install-recommends curl', id='after -y'),
    pytest.param('RUN apt-get install curl', 'RUN apt-get install --no-install-recommends curl', id='right after install'),
]


test_leaves_alone, test_fixes = table_tests("DO213", NOOP, FIX, prefix=FROM, suffix="\n")


def test_a_simulated_install_is_left_alone():
    source = 'FROM debian\nRUN if apt-get install -s "x-jit" > /dev/null 2>&1; then apt-get install -y x-jit; fi\n'
    result = dockopt.fix(source, select=["DO213"], unsafe_fixes=True)
    assert result.output == source.replace("install -y x-jit", "install -y --no-install-recommends x-jit")
