"""DO221: no-op and fix tables (transforms/rpm_cache_clean.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN yum install -y a && yum clean all', id='already cleaned'),
    pytest.param('RUN dnf install -y a && rm -rf /var/cache/dnf', id='cache removed by hand'),
    pytest.param('RUN --mount=type=cache,target=/var/cache/dnf dnf install -y a', id='cache mount'),
    pytest.param('RUN dnf --installroot=/r install -y a', id='installroot'),
    pytest.param('RUN zypper -n in a\nRUN zypper -n in b && zypper clean --all', id='a later zypper'),
]

FIX = [
    pytest.param('RUN yum install -y a', 'RUN yum install -y a && yum clean all', id='yum'),
    pytest.param('RUN microdnf install a', 'RUN microdnf install a && microdnf clean all', id='microdnf'),
    pytest.param('RUN zypper -n in a', 'RUN zypper -n in a && zypper clean --all', id='zypper'),
    pytest.param(
        'RUN yum update -y\nRUN yum install -y a',
        'RUN yum update -y\nRUN yum install -y a && yum clean all',
        id='consecutive yum runs: the clean goes on the last, where chain-run will join them',
    ),
]


def test_consecutive_yum_runs_end_with_one_clean():
    source = FROM + "RUN yum update -y\nRUN yum install -y a\nRUN yum clean all\n"
    output = dockopt.fix(source).output
    assert output.count("yum clean all") == 1 and output.count("RUN") == 1


test_leaves_alone, test_fixes = table_tests("DO221", NOOP, FIX, prefix=FROM, suffix="\n")
