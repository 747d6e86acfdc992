"""DO220: no-op and fix tables (transforms/rpm_assume_yes.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN yum -y install httpd', id='yum -y'),
    pytest.param('RUN dnf install --assumeyes httpd', id='dnf --assumeyes'),
    pytest.param('RUN zypper -n install curl', id='zypper -n'),
    pytest.param('RUN microdnf install curl', id='microdnf does not ask'),
    pytest.param('RUN yum clean all', id='yum clean does not ask'),
]

FIX = [
    pytest.param('RUN yum install httpd', 'RUN yum install -y httpd', id='yum install'),
    pytest.param('RUN dnf module enable nodejs:18', 'RUN dnf module enable -y nodejs:18', id='dnf module enable'),
    pytest.param('RUN zypper in curl', 'RUN zypper in -y curl', id='zypper in'),
]


test_leaves_alone, test_fixes = table_tests("DO220", NOOP, FIX, prefix=FROM, suffix="\n")
