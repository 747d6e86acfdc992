"""DO212: no-op and fix tables (transforms/apt_get_assume_yes.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apt-get install -y curl', id='-y is there'),
    pytest.param('RUN apt-get -qq install curl', id='-qq implies -y'),
    pytest.param('RUN apt-get install -qy curl', id='a cluster with y counts'),
    pytest.param('RUN apt-get install --assume-no curl', id='--assume-no is a choice'),
    pytest.param('RUN apt-get update', id='update does not ask'),
]

FIX = [
    pytest.param('RUN apt-get install curl', 'RUN apt-get install -y curl', id='install gets -y'),
    pytest.param('RUN sudo DEBIAN_FRONTEND=noninteractive apt-get install curl', 'RUN sudo DEBIAN_FRONTEND=noninteractive apt-get install -y curl', id='through sudo and env'),
    pytest.param('RUN apt-get -o Dpkg::Options::=--force-confold install curl', 'RUN apt-get -o Dpkg::Options::=--force-confold install -y curl', id='options before the subcommand'),
    pytest.param('RUN xargs apt-get install < pkgs', 'RUN xargs apt-get install -y < pkgs', id='xargs apt-get'),
    pytest.param('RUN apt-get purge vim', 'RUN apt-get purge -y vim', id='purge asks too'),
]


test_leaves_alone, test_fixes = table_tests("DO212", NOOP, FIX, prefix=FROM, suffix="\n")
