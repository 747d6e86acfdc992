"""DO220: no-op and fix tables (transforms/rpm_assume_yes.py)."""

from __future__ import annotations

import pytest

import dockopt

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


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO220"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO220"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO220"], unsafe_fixes=True)
    assert again.output == result.output
