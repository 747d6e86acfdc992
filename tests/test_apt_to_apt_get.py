"""DO210: no-op and fix tables (transforms/apt_to_apt_get.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apt list --installed', id='apt list has no apt-get form'),
    pytest.param('RUN apt-get install -y curl', id='apt-get is left alone'),
    pytest.param("RUN 'apt' install -y curl", id='a quoted apt is left alone'),
]

FIX = [
    pytest.param('RUN apt install -y curl', 'RUN apt-get install -y curl', id='apt install becomes apt-get install'),
    pytest.param('RUN apt upgrade -y', 'RUN apt-get upgrade --with-new-pkgs -y', id='apt upgrade keeps installing new dependencies'),
    pytest.param('RUN apt full-upgrade -y', 'RUN apt-get dist-upgrade -y', id='apt full-upgrade becomes dist-upgrade'),
    pytest.param('RUN /usr/bin/apt update', 'RUN /usr/bin/apt-get update', id='a full path keeps its folder'),
]


test_leaves_alone, test_fixes = table_tests("DO210", NOOP, FIX, prefix=FROM, suffix="\n")
