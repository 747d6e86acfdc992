"""DO271: no-op and fix tables (transforms/useradd_no_log_init.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN useradd -l -u 1000000 app', id='already -l'),
    pytest.param('RUN useradd --no-log-init -u 1000000 app', id='already --no-log-init'),
    pytest.param('RUN useradd -rlu 1000000 app', id='-l in a cluster'),
    pytest.param('RUN useradd -u 1000 app', id='a low UID'),
    pytest.param('RUN useradd -u 99999 app', id='the highest low UID'),
    pytest.param('RUN useradd -m app', id='no UID'),
    pytest.param('RUN useradd -c "-u 1000000" app', id='-u inside a comment value'),
    pytest.param('RUN adduser -u 1000000 app', id='adduser is another program'),
]

FIX = [
    pytest.param('RUN useradd -u 1000000 app', 'RUN useradd -l -u 1000000 app', id='a high UID'),
    pytest.param('RUN useradd -ru 1000000 app', 'RUN useradd -l -ru 1000000 app', id='-u ending a cluster'),
    pytest.param('RUN useradd -u1000000 app', 'RUN useradd -l -u1000000 app', id='-u joined to its value'),
    pytest.param('RUN useradd --uid=1000000 app', 'RUN useradd -l --uid=1000000 app', id='--uid='),
    pytest.param('RUN useradd --uid $UID app', 'RUN useradd -l --uid $UID app', id='a UID from a variable'),
    pytest.param(
        'RUN groupadd -g 1000000 g && sudo useradd -u 1000000 -g g app',
        'RUN groupadd -g 1000000 g && sudo useradd -l -u 1000000 -g g app',
        id='through sudo in a chain',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO271", NOOP, FIX, prefix=FROM, suffix="\n", unsafe_fixes=False)


def test_message_and_safety():
    assert_message("DO271", FROM + 'RUN useradd -u 1000000 app' + "\n",
                   'add `-l`: the image keeps no login-log records sized by the UID',
                   'safe', unsafe_fixes=False)
